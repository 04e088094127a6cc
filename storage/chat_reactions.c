/* Reactions and threads of chat messages (chat_store_react and chat_store_thread in
 * chat_store.h). Replies are written by chat_store_reply (chat_store.c); this file reads a
 * thread, keeps the reactions table (migration 009) and turns a message row's reactions column
 * into JSON (chat__reactions). */
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

/* Parses "👍:3,👍:7,🎉:3" (emoji:user pairs in the order given) into
 * [{"emoji": "👍", "count": 2, "user_ids": [3, 7]}, {"emoji": "🎉", ...}], emoji in first-use order. */
json_t *chat__reactions(const char *csv) {
  json_t *out = json_array();
  while (csv && *csv) {
    const char *colon = strchr(csv, ':');
    if (!colon) break;
    char *end;
    long long uid = strtoll(colon + 1, &end, 10);
    json_t *group = NULL;
    size_t i;
    json_t *g;
    json_array_foreach(out, i, g) {
      const char *e = json_string_value(json_object_get(g, "emoji"));
      if (e && strlen(e) == (size_t)(colon - csv) && !memcmp(e, csv, (size_t)(colon - csv))) group = g;
    }
    if (!group) {
      group = json_pack("{s:s%, s:i, s:[]}", "emoji", csv, (size_t)(colon - csv), "count", 0, "user_ids");
      if (!group) break;
      json_array_append_new(out, group);
    }
    json_array_append_new(json_object_get(group, "user_ids"), json_integer(uid));
    json_object_set_new(group, "count",
                        json_integer((json_int_t)json_array_size(json_object_get(group, "user_ids"))));
    csv = *end == ',' ? end + 1 : end;
  }
  return out;
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

static json_t *chat__message_by_id(moa_db *db, int64_t id) {
  sqlite3_stmt *st = db_stmt(db, "SELECT " MSG_COLS MSG_FROM "WHERE m.id = ?1");
  if (!st) return NULL;
  sqlite3_bind_int64(st, 1, id);
  json_t *m = db_step(db, st) == SQLITE_ROW ? chat__message_json(st) : NULL;
  sqlite3_reset(st);
  return m;
}

int chat_store_react(moa_db *db, int64_t user_id, int64_t message_id, const char *emoji, bool on,
                     json_t **out) {
  *out = NULL;
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
  *out = chat__message_by_id(db, message_id);
  return *out ? CHAT_STORE_OK : CHAT_STORE_ERROR;
}

int chat_store_thread(moa_db *db, int64_t user_id, int64_t message_id, json_t **out) {
  *out = NULL;
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
  json_t *parent = chat__message_by_id(db, root);
  if (!parent) return CHAT_STORE_ERROR;
  st = db_stmt(db, "SELECT " MSG_COLS MSG_FROM "WHERE m.parent_id = ?1 ORDER BY m.id LIMIT ?2");
  if (!st) {
    json_decref(parent);
    return CHAT_STORE_ERROR;
  }
  sqlite3_bind_int64(st, 1, root);
  sqlite3_bind_int(st, 2, CHAT_STORE_MAX_THREAD);
  json_t *replies = json_array();
  while ((step = db_step(db, st)) == SQLITE_ROW) json_array_append_new(replies, chat__message_json(st));
  sqlite3_reset(st);
  if (step != SQLITE_DONE) {
    json_decref(parent);
    json_decref(replies);
    return CHAT_STORE_ERROR;
  }
  *out = json_pack("{s:o, s:o}", "parent", parent, "replies", replies);
  return *out ? CHAT_STORE_OK : CHAT_STORE_ERROR;
}
