/* Reactions and threads of chat messages (chat_store_react and chat_store_thread in
 * chat_store.h). Replies are written by chat_store_reply (chat_messages.c); this file reads a
 * thread, keeps the reactions table (migration 009) and reads a message row's reactions column
 * into its chat_message (chat__reactions). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "storage/chat_store.h"
#include "storage/chat_store_int.h"

static const char *const chat__emoji[] = {CHAT_STORE_EMOJI};

static bool chat__emoji_ok(const char *e) {
  for (size_t i = 0; i < sizeof chat__emoji / sizeof chat__emoji[0]; i++)
    if (!strcmp(e, chat__emoji[i])) return true;
  return false;
}

bool chat__reactions(const char *csv, chat_message *m) {
  size_t cap = 0;
  while (csv && *csv) {
    const char *colon = strchr(csv, ':');
    if (!colon) break;
    char *end;
    long long uid = strtoll(colon + 1, &end, 10);
    size_t elen = (size_t)(colon - csv);
    chat_reaction *group = NULL;
    for (size_t i = 0; i < m->nreactions && !group; i++)
      if (strlen(m->reactions[i].emoji) == elen && !memcmp(m->reactions[i].emoji, csv, elen))
        group = &m->reactions[i];
    if (!group) {
      if (elen >= sizeof group->emoji) break; /* never one of CHAT_STORE_EMOJI */
      if (!chat__reserve(&m->reactions, &cap, m->nreactions, sizeof *m->reactions)) return false;
      group = &m->reactions[m->nreactions++];
      *group = (chat_reaction){0};
      memcpy(group->emoji, csv, elen);
    }
    int64_t *ids = realloc(group->user_ids, (group->n + 1) * sizeof *ids);
    if (!ids) return false;
    group->user_ids = ids;
    ids[group->n++] = uid;
    csv = *end == ',' ? end + 1 : end;
  }
  return true;
}

/* The conversation of a live message (0 when unknown or deleted; -1 on error). */
static int64_t chat__live_conversation(moa_db *db, int64_t message_id) {
  sqlite3_stmt *st = db_stmt(db, "SELECT conversation_id FROM messages WHERE id = ?1 AND deleted_at IS NULL");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, message_id);
  int step = db_step(db, st);
  int64_t conv = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : step == SQLITE_DONE ? 0 : -1;
  sqlite3_reset(st);
  return conv;
}

int chat_store_react(moa_db *db, int64_t user_id, int64_t message_id, const char *emoji, bool on,
                     chat_message *out) {
  *out = (chat_message){0};
  if (!emoji || !chat__emoji_ok(emoji)) return CHAT_STORE_INVALID;
  int64_t conv = chat__live_conversation(db, message_id);
  if (conv < 0) return CHAT_STORE_ERROR;
  if (conv == 0) return CHAT_STORE_NOT_FOUND;
  if (!chat_store_can_read(db, user_id, conv)) return CHAT_STORE_FORBIDDEN;
  sqlite3_stmt *st =
      db_stmt(db, on ? "INSERT INTO reactions(message_id, emoji, user_id, created_at) VALUES "
                       "(?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING"
                     : "DELETE FROM reactions WHERE message_id = ?1 AND emoji = ?2 AND user_id = ?3");
  if (!st) return CHAT_STORE_ERROR;
  sqlite3_bind_int64(st, 1, message_id);
  sqlite3_bind_text(st, 2, emoji, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, user_id);
  if (on) sqlite3_bind_int64(st, 4, db_now(db));
  if (db_exec_stmt(db, st) != SQLITE_DONE) return CHAT_STORE_ERROR;
  return chat__message_load(db, message_id, out) == CHAT_STORE_OK ? CHAT_STORE_OK : CHAT_STORE_ERROR;
}

void chat_thread_free(chat_thread *t) {
  chat_message_free(&t->parent);
  chat_page_free(&t->replies);
}

int chat_store_thread(moa_db *db, int64_t user_id, int64_t message_id, chat_thread *out) {
  *out = (chat_thread){0};
  sqlite3_stmt *st =
      db_stmt(db, "SELECT coalesce(parent_id, id), conversation_id FROM messages WHERE id = ?1");
  if (!st) return CHAT_STORE_ERROR;
  sqlite3_bind_int64(st, 1, message_id);
  int step = db_step(db, st);
  int64_t root = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  int64_t conv = step == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
  sqlite3_reset(st);
  if (step != SQLITE_ROW && step != SQLITE_DONE) return CHAT_STORE_ERROR;
  if (!root) return CHAT_STORE_NOT_FOUND;
  if (!chat_store_can_read(db, user_id, conv)) return CHAT_STORE_FORBIDDEN;
  if (chat__message_load(db, root, &out->parent) != CHAT_STORE_OK) return CHAT_STORE_ERROR;
  st = db_stmt(db, "SELECT " MSG_COLS MSG_FROM "WHERE m.parent_id = ?1 ORDER BY m.id LIMIT ?2");
  int rc = st ? CHAT_STORE_OK : CHAT_STORE_ERROR;
  if (st) {
    sqlite3_bind_int64(st, 1, root);
    sqlite3_bind_int(st, 2, CHAT_STORE_MAX_THREAD);
    chat_page *p = &out->replies;
    size_t cap = 0;
    while (rc == CHAT_STORE_OK && (step = db_step(db, st)) == SQLITE_ROW) {
      if (!chat__reserve(&p->messages, &cap, p->n, sizeof *p->messages) ||
          chat__message_read(st, &p->messages[p->n]) != CHAT_STORE_OK)
        rc = CHAT_STORE_ERROR;
      else
        p->n++;
    }
    sqlite3_reset(st);
    if (rc == CHAT_STORE_OK && step != SQLITE_DONE) rc = CHAT_STORE_ERROR;
  }
  if (rc != CHAT_STORE_OK) chat_thread_free(out);
  return rc;
}
