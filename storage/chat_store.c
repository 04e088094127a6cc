/* The chat store (see chat_store.h), its conversations: statuses, text validation, the
 * transaction helpers every chat_*.c file uses, channels, room chats, direct conversations,
 * members, read markers, unread counts and the conversation list, over the tables of migration
 * 002. Messages are written and read in chat_messages.c. Every statement is a string literal
 * prepared once by db_stmt().
 *
 * Readable set: a channel is readable through user_roles, every other kind through a member row;
 * READABLE_CTE spells that once for the list and search statements. */
#include "storage/chat_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/chat_store_int.h"

const char *chat_store_status_name(int status) {
  switch (status) {
    case CHAT_STORE_OK:
      return "ok";
    case CHAT_STORE_EMPTY:
      return "empty";
    case CHAT_STORE_TOO_LONG:
      return "too_long";
    case CHAT_STORE_BAD_TEXT:
      return "bad_text";
    case CHAT_STORE_INVALID:
      return "invalid";
    case CHAT_STORE_FORBIDDEN:
      return "forbidden";
    case CHAT_STORE_NOT_FOUND:
      return "not_found";
    case CHAT_STORE_NO_FILE:
      return "no_file";
    default:
      return "internal";
  }
}

store_status chat_store_status_class(int status) {
  switch (status) {
    case CHAT_STORE_OK:
      return STORE_OK;
    case CHAT_STORE_EMPTY:
    case CHAT_STORE_BAD_TEXT:
    case CHAT_STORE_INVALID:
      return STORE_INVALID;
    case CHAT_STORE_TOO_LONG:
      return STORE_TOO_LARGE;
    case CHAT_STORE_FORBIDDEN:
      return STORE_FORBIDDEN;
    case CHAT_STORE_NOT_FOUND:
    case CHAT_STORE_NO_FILE:
      return STORE_NOT_FOUND;
    default:
      return STORE_ERROR;
  }
}

/* ---- transactions: our own, or the caller's ---- */

int chat__begin(moa_db *db, bool *own) {
  *own = sqlite3_get_autocommit(db_handle(db)) != 0;
  return (!*own || db_begin(db) == SQLITE_OK) ? CHAT_STORE_OK : CHAT_STORE_ERROR;
}

int chat__end(moa_db *db, bool own, int rc) {
  if (!own) return rc;
  if (rc != CHAT_STORE_OK) {
    db_rollback(db);
    return rc;
  }
  return db_commit(db) == SQLITE_OK ? CHAT_STORE_OK : CHAT_STORE_ERROR;
}

int chat__exec(moa_db *db, const char *sql, int n, int64_t a, int64_t b, int64_t c) {
  sqlite3_stmt *st = db_stmt(db, sql);
  if (!st) return CHAT_STORE_ERROR;
  int64_t v[3] = {a, b, c};
  for (int i = 0; i < n; i++) sqlite3_bind_int64(st, i + 1, v[i]);
  return db_exec_stmt(db, st) == SQLITE_DONE ? CHAT_STORE_OK : CHAT_STORE_ERROR;
}

int chat__int(moa_db *db, const char *sql, int n, int64_t a, int64_t b, int64_t *out) {
  sqlite3_stmt *st = db_stmt(db, sql);
  if (!st) return -1;
  if (n > 0) sqlite3_bind_int64(st, 1, a);
  if (n > 1) sqlite3_bind_int64(st, 2, b);
  int step = db_step(db, st), rc = step == SQLITE_ROW ? 1 : step == SQLITE_DONE ? 0 : -1;
  if (rc == 1 && out) *out = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return rc;
}

char *chat__text(sqlite3_stmt *st, int col, bool *oom) {
  const char *s = (const char *)sqlite3_column_text(st, col);
  if (!s) return NULL;
  char *copy = strndup(s, (size_t)sqlite3_column_bytes(st, col));
  if (!copy) *oom = true;
  return copy;
}

bool chat__reserve(void *items, size_t *cap, size_t n, size_t size) {
  void **p = items;
  if (n < *cap) return true;
  size_t grown = *cap ? *cap * 2 : 16;
  void *q = realloc(*p, grown * size);
  if (!q) return false;
  *p = q;
  *cap = grown;
  return true;
}

/* ---- text ---- */

/* Length of the UTF-8 sequence at s (n bytes left) and its code point, or 0 when invalid. */
static size_t chat__utf8_next(const unsigned char *s, size_t n, uint32_t *cp) {
  unsigned char c = s[0];
  size_t len;
  uint32_t v, min;
  if (c < 0x80) {
    *cp = c;
    return 1;
  } else if (c >= 0xC2 && c <= 0xDF) {
    len = 2, v = c & 0x1F, min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3, v = c & 0x0F, min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4, v = c & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (len > n) return 0;
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    v = (v << 6) | (s[i] & 0x3F);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return len;
}

int chat_store_validate_text(const char *text, size_t max_bytes, bool multiline, size_t *trim_start,
                             size_t *trim_len) {
  if (!text) return CHAT_STORE_EMPTY;
  const unsigned char *s = (const unsigned char *)text;
  size_t n = strlen(text);
  for (size_t i = 0; i < n;) {
    uint32_t cp;
    size_t len = chat__utf8_next(s + i, n - i, &cp);
    if (len == 0) return CHAT_STORE_BAD_TEXT;
    bool control = cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
    if (control && cp != '\n' && cp != '\t') return CHAT_STORE_BAD_TEXT;
    i += len;
  }
  size_t a = 0, b = n;
  while (a < b && chat__is_space(s[a])) a++;
  while (b > a && chat__is_space(s[b - 1])) b--;
  if (trim_start) *trim_start = a;
  if (trim_len) *trim_len = b - a;
  if (a == b) return CHAT_STORE_EMPTY;
  if (b - a > max_bytes) return CHAT_STORE_TOO_LONG;
  if (!multiline && (memchr(s + a, '\n', b - a) || memchr(s + a, '\t', b - a))) return CHAT_STORE_BAD_TEXT;
  return CHAT_STORE_OK;
}

/* ---- conversations and membership ---- */

bool chat_store_can_read(moa_db *db, int64_t user_id, int64_t conversation_id) {
  int64_t ok = 0;
  return chat__int(
             db,
             "SELECT CASE c.kind WHEN 'channel' THEN EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id "
             "= ?2 AND r.consortium_id = c.consortium_id) ELSE EXISTS (SELECT 1 FROM conversation_members "
             "cm WHERE cm.conversation_id = c.id AND cm.user_id = ?2) END FROM conversations c WHERE c.id "
             "= ?1",
             2, conversation_id, user_id, &ok) == 1 &&
         ok == 1;
}

int chat__check_reader(moa_db *db, int64_t user_id, int64_t conversation_id) {
  if (chat_store_can_read(db, user_id, conversation_id)) return CHAT_STORE_OK;
  int rc = chat__int(db, "SELECT 1 FROM conversations WHERE id = ?1", 1, conversation_id, 0, NULL);
  return rc == 1 ? CHAT_STORE_FORBIDDEN : rc == 0 ? CHAT_STORE_NOT_FOUND : CHAT_STORE_ERROR;
}

int chat_store_ensure_channels(moa_db *db) {
  bool own;
  if (chat__begin(db, &own) != CHAT_STORE_OK) return CHAT_STORE_ERROR;
  sqlite3_stmt *st = db_stmt(db,
                             "INSERT INTO conversations(kind, consortium_id, title, created_at) SELECT "
                             "'channel', k.id, k.name_ko, ?1 FROM consortia k WHERE NOT EXISTS (SELECT 1 "
                             "FROM conversations c WHERE c.kind = 'channel' AND c.consortium_id = k.id)");
  int rc = CHAT_STORE_ERROR, created = 0;
  if (st) {
    sqlite3_bind_int64(st, 1, db_now(db));
    if (db_exec_stmt(db, st) == SQLITE_DONE) {
      created = sqlite3_changes(db_handle(db));
      rc = CHAT_STORE_OK;
    }
  }
  rc = chat__end(db, own, rc);
  return rc == CHAT_STORE_OK ? created : rc;
}

int chat_store_channel(moa_db *db, int64_t consortium_id, int64_t *conversation_id) {
  int found = chat__int(db, "SELECT id FROM conversations WHERE kind = 'channel' AND consortium_id = ?1", 1,
                        consortium_id, 0, conversation_id);
  if (found) return found == 1 ? CHAT_STORE_OK : CHAT_STORE_ERROR;
  bool own;
  if (chat__begin(db, &own) != CHAT_STORE_OK) return CHAT_STORE_ERROR;
  int rc = CHAT_STORE_ERROR;
  sqlite3_stmt *st =
      db_stmt(db,
              "INSERT INTO conversations(kind, consortium_id, title, created_at) SELECT 'channel', id, "
              "name_ko, ?2 FROM consortia WHERE id = ?1");
  if (st) {
    sqlite3_bind_int64(st, 1, consortium_id);
    sqlite3_bind_int64(st, 2, db_now(db));
    if (db_exec_stmt(db, st) == SQLITE_DONE) {
      rc = sqlite3_changes(db_handle(db)) == 1 ? CHAT_STORE_OK : CHAT_STORE_NOT_FOUND;
      if (rc == CHAT_STORE_OK) *conversation_id = sqlite3_last_insert_rowid(db_handle(db));
    }
  }
  return chat__end(db, own, rc);
}

/* Adds one member (kept if already there); no transaction of its own. */
static int chat__add_member(moa_db *db, int64_t conversation_id, int64_t user_id) {
  int exists = chat__int(db, "SELECT 1 FROM users WHERE id = ?1 AND disabled = 0", 1, user_id, 0, NULL);
  if (exists != 1) return exists == 0 ? CHAT_STORE_NOT_FOUND : CHAT_STORE_ERROR;
  return chat__exec(
      db,
      "INSERT INTO conversation_members(conversation_id, user_id, joined_at) VALUES (?1, ?2, ?3) "
      "ON CONFLICT DO NOTHING",
      3, conversation_id, user_id, db_now(db));
}

int chat__kind(moa_db *db, int64_t conversation_id, char kind[8]) {
  sqlite3_stmt *st = db_stmt(db, "SELECT kind FROM conversations WHERE id = ?1");
  if (!st) return CHAT_STORE_ERROR;
  sqlite3_bind_int64(st, 1, conversation_id);
  int rc = CHAT_STORE_NOT_FOUND;
  if (db_step(db, st) == SQLITE_ROW) {
    snprintf(kind, 8, "%s", (const char *)sqlite3_column_text(st, 0));
    rc = CHAT_STORE_OK;
  }
  sqlite3_reset(st);
  return rc;
}

int chat_store_add_members(moa_db *db, int64_t conversation_id, const int64_t *user_ids, size_t n) {
  bool own;
  if (chat__begin(db, &own) != CHAT_STORE_OK) return CHAT_STORE_ERROR;
  char kind[8];
  int rc = chat__kind(db, conversation_id, kind);
  if (rc == CHAT_STORE_OK && strcmp(kind, "channel") == 0) rc = CHAT_STORE_INVALID;
  for (size_t i = 0; rc == CHAT_STORE_OK && i < n; i++)
    rc = chat__add_member(db, conversation_id, user_ids[i]);
  return chat__end(db, own, rc);
}

int chat_store_room(moa_db *db, int64_t room_id, int64_t consortium_id, const char *title,
                    int64_t *conversation_id) {
  size_t ts = 0, tl = 0;
  if (title && *title &&
      chat_store_validate_text(title, CHAT_STORE_MAX_TITLE, false, &ts, &tl) != CHAT_STORE_OK)
    return CHAT_STORE_INVALID;
  bool own;
  if (chat__begin(db, &own) != CHAT_STORE_OK) return CHAT_STORE_ERROR;
  int rc = CHAT_STORE_ERROR;
  sqlite3_stmt *st = db_stmt(db,
                             "INSERT INTO conversations(kind, ref_id, consortium_id, title, created_at) "
                             "VALUES ('room', ?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING");
  if (st) {
    sqlite3_bind_int64(st, 1, room_id);
    if (consortium_id > 0)
      sqlite3_bind_int64(st, 2, consortium_id);
    else
      sqlite3_bind_null(st, 2);
    sqlite3_bind_text(st, 3, title ? title + ts : "", (int)tl, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, db_now(db));
    if (db_exec_stmt(db, st) == SQLITE_DONE &&
        chat__int(db, "SELECT id FROM conversations WHERE kind = 'room' AND ref_id = ?1", 1, room_id, 0,
                  conversation_id) == 1)
      rc = CHAT_STORE_OK;
  }
  return chat__end(db, own, rc);
}

int chat_store_room_withdraw(moa_db *db, int64_t room_id, const int64_t *user_ids, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (chat__exec(db,
                   "DELETE FROM conversation_members WHERE user_id = ?2 AND conversation_id = (SELECT id "
                   "FROM conversations WHERE kind = 'room' AND ref_id = ?1)",
                   2, room_id, user_ids[i], 0) != CHAT_STORE_OK)
      return CHAT_STORE_ERROR;
  return CHAT_STORE_OK;
}

int chat_store_create_direct(moa_db *db, int64_t creator_id, const int64_t *others, size_t n,
                             const char *title, int64_t *conversation_id, bool *created) {
  int64_t people[CHAT_STORE_MAX_GROUP];
  size_t np = 0;
  people[np++] = creator_id;
  for (size_t i = 0; i < n; i++) {
    bool seen = false;
    for (size_t j = 0; j < np; j++) seen = seen || people[j] == others[i];
    if (seen) continue;
    if (np == CHAT_STORE_MAX_GROUP) return CHAT_STORE_INVALID;
    people[np++] = others[i];
  }
  if (np < 2) return CHAT_STORE_INVALID;
  size_t ts = 0, tl = 0;
  if (title && *title &&
      chat_store_validate_text(title, CHAT_STORE_MAX_TITLE, false, &ts, &tl) != CHAT_STORE_OK)
    return CHAT_STORE_INVALID;
  char key[48] = "";
  if (np == 2) {
    int64_t lo = people[0] < people[1] ? people[0] : people[1];
    int64_t hi = people[0] < people[1] ? people[1] : people[0];
    snprintf(key, sizeof key, "%lld:%lld", (long long)lo, (long long)hi);
  }
  bool own;
  if (chat__begin(db, &own) != CHAT_STORE_OK) return CHAT_STORE_ERROR;
  int rc = CHAT_STORE_OK;
  *created = false;
  if (*key) {
    sqlite3_stmt *st = db_stmt(db, "SELECT id FROM conversations WHERE direct_key = ?1");
    if (!st) return chat__end(db, own, CHAT_STORE_ERROR);
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    bool found = db_step(db, st) == SQLITE_ROW;
    if (found) *conversation_id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (found) return chat__end(db, own, CHAT_STORE_OK);
  }
  sqlite3_stmt *st = db_stmt(db,
                             "INSERT INTO conversations(kind, direct_key, title, created_by, created_at) "
                             "VALUES ('direct', ?1, ?2, ?3, ?4)");
  if (!st) return chat__end(db, own, CHAT_STORE_ERROR);
  if (*key) sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, title ? title + ts : "", (int)tl, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, creator_id);
  sqlite3_bind_int64(st, 4, db_now(db));
  if (db_exec_stmt(db, st) != SQLITE_DONE) return chat__end(db, own, CHAT_STORE_ERROR);
  int64_t id = sqlite3_last_insert_rowid(db_handle(db));
  for (size_t i = 0; rc == CHAT_STORE_OK && i < np; i++) rc = chat__add_member(db, id, people[i]);
  if (rc == CHAT_STORE_OK) {
    *conversation_id = id;
    *created = true;
  }
  return chat__end(db, own, rc);
}

/* ---- read markers and unread counts ---- */

int chat_store_mark_read(moa_db *db, int64_t user_id, int64_t conversation_id, int64_t message_id,
                         int64_t *last_read_id) {
  bool own;
  if (chat__begin(db, &own) != CHAT_STORE_OK) return CHAT_STORE_ERROR;
  int rc = chat_store_can_read(db, user_id, conversation_id) ? CHAT_STORE_OK : CHAT_STORE_FORBIDDEN;
  if (rc == CHAT_STORE_OK)
    rc =
        chat__exec(db,
                   "INSERT INTO conversation_members(conversation_id, user_id, last_read_id) VALUES (?1, ?2, "
                   "max(0, min(?3, (SELECT last_message_id FROM conversations WHERE id = ?1)))) ON "
                   "CONFLICT(conversation_id, user_id) DO UPDATE SET last_read_id = max(last_read_id, "
                   "excluded.last_read_id)",
                   3, conversation_id, user_id, message_id);
  if (rc == CHAT_STORE_OK && last_read_id) {
    if (chat__int(db,
                  "SELECT last_read_id FROM conversation_members WHERE conversation_id = ?1 AND user_id = ?2",
                  2, conversation_id, user_id, last_read_id) != 1)
      rc = CHAT_STORE_ERROR;
  }
  return chat__end(db, own, rc);
}

int64_t chat_store_unread(moa_db *db, int64_t user_id, int64_t conversation_id) {
  if (!chat_store_can_read(db, user_id, conversation_id)) return CHAT_STORE_FORBIDDEN;
  int64_t n = 0;
  int rc =
      chat__int(db,
                "SELECT count(*) FROM messages m WHERE m.conversation_id = ?1 AND m.id > coalesce((SELECT "
                "last_read_id FROM conversation_members WHERE conversation_id = ?1 AND user_id = ?2), 0) "
                "AND m.deleted_at IS NULL AND (m.author_id IS NULL OR m.author_id <> ?2)",
                2, conversation_id, user_id, &n);
  return rc == 1 ? n : CHAT_STORE_ERROR;
}

void chat_conversation_list_free(chat_conversation_list *l) {
  for (size_t i = 0; i < l->n; i++) chat_message_free(&l->rows[i].last_message);
  free(l->rows);
  *l = (chat_conversation_list){0};
}

int chat_store_list_conversations(moa_db *db, int64_t user_id, chat_conversation_list *out) {
  *out = (chat_conversation_list){0};
  sqlite3_stmt *st = db_stmt(
      db, READABLE_CTE
      "SELECT c.id, c.kind, c.title, coalesce(c.consortium_id, 0), coalesce(c.ref_id, 0), "
      "coalesce(cm.last_read_id, 0), (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND "
      "m.id > coalesce(cm.last_read_id, 0) AND m.deleted_at IS NULL AND (m.author_id IS NULL OR m.author_id "
      "<> ?1)), (SELECT count(*) FROM mentions mn JOIN messages m ON m.id = mn.message_id WHERE mn.user_id = "
      "?1 AND m.conversation_id = c.id AND m.id > coalesce(cm.last_read_id, 0)), c.last_message_id FROM "
      "readable JOIN conversations c ON c.id = readable.id LEFT JOIN conversation_members cm ON "
      "cm.conversation_id = c.id AND cm.user_id = ?1 ORDER BY c.last_message_id DESC, c.id DESC");
  if (!st) return CHAT_STORE_ERROR;
  sqlite3_bind_int64(st, 1, user_id);
  size_t cap = 0;
  int step, rc = CHAT_STORE_OK;
  while ((step = db_step(db, st)) == SQLITE_ROW) {
    if (!chat__reserve(&out->rows, &cap, out->n, sizeof *out->rows)) {
      rc = CHAT_STORE_ERROR;
      break;
    }
    chat_conversation_row *r = &out->rows[out->n];
    *r = (chat_conversation_row){0};
    r->conversation.id = sqlite3_column_int64(st, 0);
    snprintf(r->conversation.kind, sizeof r->conversation.kind, "%s",
             (const char *)sqlite3_column_text(st, 1));
    snprintf(r->conversation.title, sizeof r->conversation.title, "%s",
             (const char *)sqlite3_column_text(st, 2));
    r->conversation.consortium_id = sqlite3_column_int64(st, 3);
    r->conversation.ref_id = sqlite3_column_int64(st, 4);
    r->last_read_id = sqlite3_column_int64(st, 5);
    r->unread = sqlite3_column_int64(st, 6);
    r->mentions_unread = sqlite3_column_int64(st, 7);
    /* the last message's id, until it is loaded once this statement is done */
    r->last_message.id = sqlite3_column_int64(st, 8);
    out->n++;
  }
  sqlite3_reset(st);
  if (rc == CHAT_STORE_OK && step != SQLITE_DONE) rc = CHAT_STORE_ERROR;
  for (size_t i = 0; rc == CHAT_STORE_OK && i < out->n; i++) {
    int64_t last = out->rows[i].last_message.id;
    out->rows[i].last_message.id = 0;
    if (!last) continue;
    int found = chat__message_load(db, last, &out->rows[i].last_message);
    if (found == CHAT_STORE_ERROR) rc = CHAT_STORE_ERROR;
    out->rows[i].has_last_message = found == CHAT_STORE_OK;
  }
  if (rc != CHAT_STORE_OK) chat_conversation_list_free(out);
  return rc;
}

int chat_store_readers(moa_db *db, int64_t conversation_id, int64_t **ids, size_t *n) {
  *ids = NULL;
  *n = 0;
  char kind[8];
  int rc = chat__kind(db, conversation_id, kind);
  if (rc != CHAT_STORE_OK) return rc;
  /* the two kinds of readers exclude each other, and each list has a user once (primary keys) */
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT r.user_id FROM conversations c JOIN user_roles r ON r.consortium_id = "
                             "c.consortium_id WHERE c.id = ?1 AND c.kind = 'channel' UNION ALL SELECT "
                             "cm.user_id FROM conversations c JOIN conversation_members cm ON "
                             "cm.conversation_id = c.id WHERE c.id = ?1 AND c.kind <> 'channel'");
  if (!st) return CHAT_STORE_ERROR;
  sqlite3_bind_int64(st, 1, conversation_id);
  size_t cap = 0;
  int step;
  rc = CHAT_STORE_OK;
  while ((step = db_step(db, st)) == SQLITE_ROW) {
    if (*n == cap) {
      cap = cap ? cap * 2 : 64;
      int64_t *grown = realloc(*ids, cap * sizeof **ids);
      if (!grown) {
        rc = CHAT_STORE_ERROR;
        break;
      }
      *ids = grown;
    }
    (*ids)[(*n)++] = sqlite3_column_int64(st, 0);
  }
  sqlite3_reset(st);
  if (rc == CHAT_STORE_OK && step != SQLITE_DONE) rc = CHAT_STORE_ERROR;
  if (rc != CHAT_STORE_OK) {
    free(*ids);
    *ids = NULL;
    *n = 0;
  }
  return rc;
}

int chat_store_conversation(moa_db *db, int64_t conversation_id, chat_conversation *out) {
  sqlite3_stmt *st =
      db_stmt(db,
              "SELECT kind, title, coalesce(consortium_id, 0), coalesce(ref_id, 0) FROM conversations "
              "WHERE id = ?1");
  if (!st) return CHAT_STORE_ERROR;
  sqlite3_bind_int64(st, 1, conversation_id);
  int step = db_step(db, st), rc = step == SQLITE_ROW    ? CHAT_STORE_OK
                                   : step == SQLITE_DONE ? CHAT_STORE_NOT_FOUND
                                                         : CHAT_STORE_ERROR;
  if (rc == CHAT_STORE_OK) {
    out->id = conversation_id;
    snprintf(out->kind, sizeof out->kind, "%s", (const char *)sqlite3_column_text(st, 0));
    snprintf(out->title, sizeof out->title, "%s", (const char *)sqlite3_column_text(st, 1));
    out->consortium_id = sqlite3_column_int64(st, 2);
    out->ref_id = sqlite3_column_int64(st, 3);
  }
  sqlite3_reset(st);
  return rc;
}
