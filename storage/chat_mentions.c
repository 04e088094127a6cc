/* Mentions in the chat interface (chat_store_members and chat_store_mentions in chat_store.h):
 * the readers of a conversation a composer may @-mention, found by part of their name, and the
 * messages that mention a user across every conversation they may read, with which of them are
 * still unread. Split from chat_store.c, which stores the mentions when a message is written.
 * Both fill C structs; the JSON of chat.members and chat.mentions is built in signaling/chat_json.c. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/chat_store.h"
#include "storage/chat_store_int.h"

int chat_store_members(moa_db *db, int64_t user_id, int64_t conversation_id, const char *query, int limit,
                       chat_member out[CHAT_STORE_MAX_MEMBERS], size_t *n) {
  *n = 0;
  if (!query) query = "";
  size_t trim_start = 0, trim_len = 0;
  int v = chat_store_validate_text(query, CHAT_STORE_MAX_TITLE, false, &trim_start, &trim_len);
  if (v != CHAT_STORE_OK && v != CHAT_STORE_EMPTY) return v;
  if (v == CHAT_STORE_EMPTY) trim_len = 0;
  if (!chat_store_can_read(db, user_id, conversation_id)) return CHAT_STORE_FORBIDDEN;
  limit = limit < 1 ? 1 : limit > CHAT_STORE_MAX_MEMBERS ? CHAT_STORE_MAX_MEMBERS : limit;
  /* names that start with the text first, then those that contain it; the asker left out */
  sqlite3_stmt *st = db_stmt(db, "SELECT id, name FROM (" READERS_SQL
                                 ") WHERE id <> ?2 AND instr(lower(name), lower(?3)) > 0 ORDER BY "
                                 "instr(lower(name), lower(?3)) <> 1, name, id LIMIT ?4");
  if (!st) return CHAT_STORE_ERROR;
  sqlite3_bind_int64(st, 1, conversation_id);
  sqlite3_bind_int64(st, 2, user_id);
  sqlite3_bind_text(st, 3, query + trim_start, (int)trim_len, SQLITE_TRANSIENT);
  sqlite3_bind_int(st, 4, limit);
  int step;
  while ((step = db_step(db, st)) == SQLITE_ROW && *n < (size_t)limit) {
    const char *name = (const char *)sqlite3_column_text(st, 1);
    out[*n].user_id = sqlite3_column_int64(st, 0);
    snprintf(out[*n].name, sizeof out[*n].name, "%s", name ? name : "");
    (*n)++;
  }
  sqlite3_reset(st);
  if (step != SQLITE_ROW && step != SQLITE_DONE) {
    *n = 0;
    return CHAT_STORE_ERROR;
  }
  return CHAT_STORE_OK;
}

void chat_mention_page_free(chat_mention_page *p) {
  for (size_t i = 0; i < p->n; i++) {
    chat_message_free(&p->items[i].message);
    free(p->items[i].conversation_title);
  }
  free(p->items);
  *p = (chat_mention_page){0};
}

int chat_store_mentions(moa_db *db, int64_t user_id, int64_t before_id, int limit, chat_mention_page *out) {
  *out = (chat_mention_page){0};
  limit = limit < 1 ? 1 : limit > CHAT_STORE_MAX_PAGE ? CHAT_STORE_MAX_PAGE : limit;
  if (before_id <= 0) before_id = INT64_MAX;
  sqlite3_stmt *st =
      db_stmt(db, READABLE_CTE
              "SELECT " MSG_COLS
              ", m.id > coalesce((SELECT last_read_id FROM conversation_members WHERE "
              "conversation_id = m.conversation_id AND user_id = ?1), 0), c.kind, c.title" MSG_FROM
              "JOIN mentions x ON x.message_id = m.id AND x.user_id = ?1 JOIN conversations c ON c.id = "
              "m.conversation_id WHERE m.conversation_id IN (SELECT id FROM readable) AND m.deleted_at "
              "IS NULL AND m.id < ?2 ORDER BY m.id DESC LIMIT ?3");
  if (!st) return CHAT_STORE_ERROR;
  sqlite3_bind_int64(st, 1, user_id);
  sqlite3_bind_int64(st, 2, before_id);
  sqlite3_bind_int(st, 3, limit + 1);
  int step, rc = CHAT_STORE_OK;
  size_t cap = 0;
  while ((step = db_step(db, st)) == SQLITE_ROW) {
    if (out->n == (size_t)limit) {
      out->has_more = true;
      continue;
    }
    if (rc != CHAT_STORE_OK) continue;
    if (!chat__reserve(&out->items, &cap, out->n, sizeof *out->items)) {
      rc = CHAT_STORE_ERROR;
      continue;
    }
    chat_mention *x = &out->items[out->n];
    *x = (chat_mention){0};
    if (chat__message_read(st, &x->message) != CHAT_STORE_OK) {
      rc = CHAT_STORE_ERROR;
      continue;
    }
    out->n++;
    bool oom = false;
    x->unread = sqlite3_column_int(st, MSG_NCOLS) != 0;
    const char *kind = (const char *)sqlite3_column_text(st, MSG_NCOLS + 1);
    snprintf(x->conversation_kind, sizeof x->conversation_kind, "%s", kind ? kind : "");
    x->conversation_title = chat__text(st, MSG_NCOLS + 2, &oom);
    if (oom) rc = CHAT_STORE_ERROR;
  }
  sqlite3_reset(st);
  if (rc == CHAT_STORE_OK && step == SQLITE_DONE) {
    st =
        db_stmt(db, READABLE_CTE
                "SELECT count(*) FROM mentions x JOIN messages m ON m.id = x.message_id WHERE x.user_id = ?1 "
                "AND m.deleted_at IS NULL AND m.conversation_id IN (SELECT id FROM readable) AND m.id > "
                "coalesce((SELECT last_read_id FROM conversation_members WHERE conversation_id = "
                "m.conversation_id AND user_id = ?1), 0)");
    if (!st)
      step = SQLITE_ERROR;
    else {
      sqlite3_bind_int64(st, 1, user_id);
      step = db_step(db, st) == SQLITE_ROW ? SQLITE_DONE : SQLITE_ERROR;
      out->unread = sqlite3_column_int64(st, 0);
      sqlite3_reset(st);
    }
  }
  if (rc == CHAT_STORE_OK && step != SQLITE_DONE) rc = CHAT_STORE_ERROR;
  if (rc != CHAT_STORE_OK) chat_mention_page_free(out);
  return rc;
}
