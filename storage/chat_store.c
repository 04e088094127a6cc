/* The chat store (see chat_store.h): conversations, members, messages, mentions, read markers and
 * search over the tables of migration 002. Every statement is a string literal prepared once by
 * db_stmt(); the message columns are spelled once (MSG_COLS) so every query returns the same row
 * shape and chat__message_json() turns any of them into the protocol's message object.
 *
 * Readable set: a channel is readable through user_roles, every other kind through a member row;
 * READABLE_CTE spells that once for the list and search statements. */
#include "storage/chat_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/attachment_store.h"
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

/* ---- transactions: our own, or the caller's ---- */

static int chat__begin(moa_db *db, bool *own) {
  *own = sqlite3_get_autocommit(db_handle(db)) != 0;
  return (!*own || db_begin(db) == SQLITE_OK) ? CHAT_STORE_OK : CHAT_STORE_ERROR;
}

/* Commits (rc OK) or rolls back our own transaction; inside the caller's, the caller decides. */
static int chat__end(moa_db *db, bool own, int rc) {
  if (!own) return rc;
  if (rc != CHAT_STORE_OK) {
    db_rollback(db);
    return rc;
  }
  return db_commit(db) == SQLITE_OK ? CHAT_STORE_OK : CHAT_STORE_ERROR;
}

/* Runs sql (no rows) with n int64 parameters; CHAT_STORE_OK or _ERROR. */
static int chat__exec(moa_db *db, const char *sql, int n, int64_t a, int64_t b, int64_t c) {
  sqlite3_stmt *st = db_stmt(db, sql);
  if (!st) return CHAT_STORE_ERROR;
  int64_t v[3] = {a, b, c};
  for (int i = 0; i < n; i++) sqlite3_bind_int64(st, i + 1, v[i]);
  return db_exec_stmt(db, st) == SQLITE_DONE ? CHAT_STORE_OK : CHAT_STORE_ERROR;
}

/* Runs sql with n int64 parameters and reads the first column of its first row into *out (may be
 * NULL). Returns 1 for a row, 0 for none, -1 on error. */
static int chat__int(moa_db *db, const char *sql, int n, int64_t a, int64_t b, int64_t *out) {
  sqlite3_stmt *st = db_stmt(db, sql);
  if (!st) return -1;
  if (n > 0) sqlite3_bind_int64(st, 1, a);
  if (n > 1) sqlite3_bind_int64(st, 2, b);
  int step = db_step(db, st), rc = step == SQLITE_ROW ? 1 : step == SQLITE_DONE ? 0 : -1;
  if (rc == 1 && out) *out = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return rc;
}

/* Drops *out when rc is a failure, so that callers never get half a result. */
static int chat__result(int rc, json_t **out) {
  if (rc != CHAT_STORE_OK && *out) {
    json_decref(*out);
    *out = NULL;
  }
  return rc;
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

/* ---- JSON ---- */

json_t *chat__jstr(sqlite3_stmt *st, int col) {
  const char *s = (const char *)sqlite3_column_text(st, col);
  if (!s) return json_null();
  json_t *j = json_stringn(s, (size_t)sqlite3_column_bytes(st, col));
  return j ? j : json_string("");
}

static json_t *chat__jint(sqlite3_stmt *st, int col) {
  return sqlite3_column_type(st, col) == SQLITE_NULL ? json_null()
                                                     : json_integer(sqlite3_column_int64(st, col));
}

/* Parses "7,9,12" (group_concat) into a JSON array of integers. */
static json_t *chat__id_list(const char *csv) {
  json_t *a = json_array();
  while (csv && *csv) {
    char *end;
    long long v = strtoll(csv, &end, 10);
    if (end == csv) break;
    json_array_append_new(a, json_integer(v));
    csv = *end == ',' ? end + 1 : end;
  }
  return a;
}

/* The message object of a row whose first MSG_NCOLS columns are MSG_COLS. */
json_t *chat__message_json(sqlite3_stmt *st) {
  bool deleted = sqlite3_column_type(st, 8) != SQLITE_NULL;
  json_t *m = json_object();
  json_object_set_new(m, "id", json_integer(sqlite3_column_int64(st, 0)));
  json_object_set_new(m, "conversation_id", json_integer(sqlite3_column_int64(st, 1)));
  json_object_set_new(m, "author_id", chat__jint(st, 2));
  json_object_set_new(m, "author_name", chat__jstr(st, 3));
  json_object_set_new(m, "kind", chat__jstr(st, 4));
  json_object_set_new(m, "body", deleted ? json_string("") : chat__jstr(st, 5));
  json_object_set_new(m, "created_at", json_integer(sqlite3_column_int64(st, 6)));
  json_object_set_new(m, "edited_at", chat__jint(st, 7));
  json_object_set_new(m, "deleted", json_boolean(deleted));
  json_object_set_new(m, "client_key", chat__jstr(st, 9));
  json_object_set_new(m, "mentions",
                      chat__id_list(deleted ? NULL : (const char *)sqlite3_column_text(st, 10)));
  json_object_set_new(m, "parent_id", chat__jint(st, 11));
  json_object_set_new(m, "reply_count", json_integer(sqlite3_column_int64(st, 12)));
  json_object_set_new(m, "reactions",
                      chat__reactions(deleted ? NULL : (const char *)sqlite3_column_text(st, 13)));
  const char *files = deleted ? NULL : (const char *)sqlite3_column_text(st, 14);
  json_t *list = files ? json_loads(files, JSON_REJECT_DUPLICATES, NULL) : NULL;
  json_object_set_new(m, "attachments", json_is_array(list) ? list : (json_decref(list), json_array()));
  return m;
}

/* The message object for id, or NULL if there is none. */
static json_t *chat__load_message(moa_db *db, int64_t id) {
  sqlite3_stmt *st = db_stmt(db, "SELECT " MSG_COLS MSG_FROM "WHERE m.id = ?1");
  if (!st) return NULL;
  sqlite3_bind_int64(st, 1, id);
  json_t *m = db_step(db, st) == SQLITE_ROW ? chat__message_json(st) : NULL;
  sqlite3_reset(st);
  return m;
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

/* CHAT_STORE_OK when the conversation exists and user may read it, else _NOT_FOUND/_FORBIDDEN. */
static int chat__check_reader(moa_db *db, int64_t user_id, int64_t conversation_id) {
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

/* The kind of a conversation into kind (8 bytes); CHAT_STORE_OK or _NOT_FOUND. */
static int chat__kind(moa_db *db, int64_t conversation_id, char kind[8]) {
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

/* ---- messages ---- */

static bool chat__ascii_word(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

/* Stores the mentions of message_id: at every '@', the longest reader name that follows it (an
 * ASCII name must not run on into an ASCII word character; a Korean name may be followed by a
 * particle, as in "@김민수님"). */
static int chat__store_mentions(moa_db *db, int64_t conversation_id, int64_t message_id, const char *body) {
  size_t nat = 0, len = strlen(body);
  for (size_t i = 0; i < len; i++) nat += body[i] == '@';
  if (nat == 0) return CHAT_STORE_OK;
  size_t *pos = calloc(nat, sizeof *pos), *best = calloc(nat, sizeof *best);
  int64_t *who = calloc(nat, sizeof *who);
  int rc = CHAT_STORE_ERROR;
  if (!pos || !best || !who) goto done;
  for (size_t i = 0, k = 0; i < len; i++)
    if (body[i] == '@') pos[k++] = i + 1;
  sqlite3_stmt *st = db_stmt(db, READERS_SQL);
  if (!st) goto done;
  sqlite3_bind_int64(st, 1, conversation_id);
  int step;
  while ((step = db_step(db, st)) == SQLITE_ROW) {
    const char *name = (const char *)sqlite3_column_text(st, 1);
    size_t nl = name ? strlen(name) : 0;
    if (nl == 0) continue;
    for (size_t k = 0; k < nat; k++) {
      if (nl <= best[k] || pos[k] + nl > len || memcmp(body + pos[k], name, nl) != 0) continue;
      unsigned char next = (unsigned char)body[pos[k] + nl];
      if (chat__ascii_word((unsigned char)name[nl - 1]) && chat__ascii_word(next)) continue;
      best[k] = nl;
      who[k] = sqlite3_column_int64(st, 0);
    }
  }
  sqlite3_reset(st);
  if (step != SQLITE_DONE) goto done;
  rc = CHAT_STORE_OK;
  for (size_t k = 0; rc == CHAT_STORE_OK && k < nat; k++) {
    if (best[k] == 0) continue;
    rc = chat__exec(db, "INSERT INTO mentions(message_id, user_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING", 2,
                    message_id, who[k], 0);
  }
done:
  free(pos);
  free(best);
  free(who);
  return rc;
}

/* Inserts a validated body (s, n bytes); author_id 0 for a system message. files: the author's
 * pending uploads that become the message's (attachment_store_link). */
static int chat__insert(moa_db *db, int64_t conversation_id, int64_t author_id, const char *s, size_t n,
                        const char *client_key, int64_t parent_id, const char *const *files, size_t nfiles,
                        json_t **out) {
  sqlite3_stmt *st = db_stmt(db,
                             "INSERT INTO messages(conversation_id, author_id, kind, body, created_at, "
                             "client_key, parent_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!st) return CHAT_STORE_ERROR;
  sqlite3_bind_int64(st, 1, conversation_id);
  if (author_id > 0) sqlite3_bind_int64(st, 2, author_id);
  sqlite3_bind_text(st, 3, author_id > 0 ? "text" : "system", -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, s, (int)n, SQLITE_STATIC);
  sqlite3_bind_int64(st, 5, db_now(db));
  if (client_key) sqlite3_bind_text(st, 6, client_key, -1, SQLITE_STATIC);
  if (parent_id > 0) sqlite3_bind_int64(st, 7, parent_id);
  if (db_exec_stmt(db, st) != SQLITE_DONE) return CHAT_STORE_ERROR;
  int64_t id = sqlite3_last_insert_rowid(db_handle(db));
  if (chat__exec(db, "UPDATE conversations SET last_message_id = ?2 WHERE id = ?1", 2, conversation_id, id,
                 0))
    return CHAT_STORE_ERROR;
  if (author_id > 0) {
    char *copy = strndup(s, n);
    int rc = copy ? chat__store_mentions(db, conversation_id, id, copy) : CHAT_STORE_ERROR;
    free(copy);
    if (rc != CHAT_STORE_OK) return rc;
  }
  if (nfiles) {
    int rc = attachment_store_link(db, author_id, conversation_id, id, files, nfiles);
    if (rc != ATTACH_OK) return rc == ATTACH_NOT_FOUND ? CHAT_STORE_NO_FILE : CHAT_STORE_ERROR;
  }
  *out = chat__load_message(db, id);
  return *out ? CHAT_STORE_OK : CHAT_STORE_ERROR;
}

int chat_store_append(moa_db *db, int64_t conversation_id, int64_t author_id, const char *body,
                      const char *client_key, json_t **out, bool *duplicate) {
  return chat_store_send(db, conversation_id, author_id, body, client_key, 0, NULL, 0, out, duplicate);
}

int chat_store_reply(moa_db *db, int64_t conversation_id, int64_t author_id, const char *body,
                     const char *client_key, int64_t parent_id, json_t **out, bool *duplicate) {
  return chat_store_send(db, conversation_id, author_id, body, client_key, parent_id, NULL, 0, out,
                         duplicate);
}

/* The thread a reply to parent_id joins: parent_id's own thread when it is a reply itself.
 * CHAT_STORE_NOT_FOUND unless it is a live message of conversation_id. */
static int chat__thread_root(moa_db *db, int64_t conversation_id, int64_t parent_id, int64_t *root) {
  int rc =
      chat__int(db,
                "SELECT coalesce(parent_id, id) FROM messages WHERE id = ?1 AND conversation_id = ?2 AND "
                "deleted_at IS NULL",
                2, parent_id, conversation_id, root);
  return rc == 1 ? CHAT_STORE_OK : rc == 0 ? CHAT_STORE_NOT_FOUND : CHAT_STORE_ERROR;
}

int chat_store_send(moa_db *db, int64_t conversation_id, int64_t author_id, const char *body,
                    const char *client_key, int64_t parent_id, const char *const *files, size_t nfiles,
                    json_t **out, bool *duplicate) {
  *out = NULL;
  *duplicate = false;
  size_t ts, tl;
  if (nfiles > CHAT_STORE_MAX_FILES) return CHAT_STORE_INVALID;
  int rc = chat_store_validate_text(body ? body : "", CHAT_STORE_MAX_BODY, true, &ts, &tl);
  if (rc == CHAT_STORE_EMPTY && nfiles > 0) rc = CHAT_STORE_OK; /* files need no words */
  if (rc != CHAT_STORE_OK) return rc;
  size_t ks = 0, kl = 0; /* a client key is taken as is: no surrounding white space either */
  if (client_key &&
      (chat_store_validate_text(client_key, CHAT_STORE_MAX_CLIENT_KEY, false, &ks, &kl) != CHAT_STORE_OK ||
       ks != 0 || kl != strlen(client_key)))
    return CHAT_STORE_INVALID;
  bool own;
  if (chat__begin(db, &own) != CHAT_STORE_OK) return CHAT_STORE_ERROR;
  if (client_key) {
    sqlite3_stmt *st = db_stmt(db, "SELECT id FROM messages WHERE author_id = ?1 AND client_key = ?2");
    if (!st) return chat__end(db, own, CHAT_STORE_ERROR);
    sqlite3_bind_int64(st, 1, author_id);
    sqlite3_bind_text(st, 2, client_key, -1, SQLITE_STATIC);
    int step = db_step(db, st);
    int64_t id = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    /* a failed look-up is not "no such key": appending then could store a duplicate */
    if (step != SQLITE_ROW && step != SQLITE_DONE) return chat__end(db, own, CHAT_STORE_ERROR);
    if (id) {
      *out = chat__load_message(db, id);
      *duplicate = *out != NULL;
      return chat__end(db, own, *out ? CHAT_STORE_OK : CHAT_STORE_ERROR);
    }
  }
  rc = chat__check_reader(db, author_id, conversation_id);
  int64_t root = 0;
  if (rc == CHAT_STORE_OK && parent_id > 0) rc = chat__thread_root(db, conversation_id, parent_id, &root);
  if (rc == CHAT_STORE_OK)
    rc = chat__insert(db, conversation_id, author_id, tl ? body + ts : "", tl, client_key, root, files,
                      nfiles, out);
  return chat__result(chat__end(db, own, rc), out);
}

int chat_store_append_system(moa_db *db, int64_t conversation_id, const char *body, json_t **out) {
  *out = NULL;
  size_t ts, tl;
  int rc = chat_store_validate_text(body, CHAT_STORE_MAX_BODY, true, &ts, &tl);
  if (rc != CHAT_STORE_OK) return rc;
  bool own;
  char kind[8];
  if (chat__begin(db, &own) != CHAT_STORE_OK) return CHAT_STORE_ERROR;
  rc = chat__kind(db, conversation_id, kind);
  if (rc == CHAT_STORE_OK) rc = chat__insert(db, conversation_id, 0, body + ts, tl, NULL, 0, NULL, 0, out);
  return chat__result(chat__end(db, own, rc), out);
}

/* ---- history ---- */

static int chat__history(moa_db *db, int64_t user_id, int64_t conversation_id, int64_t cursor, bool after,
                         int limit, json_t **out) {
  *out = NULL;
  if (!chat_store_can_read(db, user_id, conversation_id)) return CHAT_STORE_FORBIDDEN;
  if (limit < 1) limit = 1;
  if (limit > CHAT_STORE_MAX_PAGE) limit = CHAT_STORE_MAX_PAGE;
  sqlite3_stmt *st =
      after ? db_stmt(db, "SELECT " MSG_COLS MSG_FROM
                          "WHERE m.conversation_id = ?1 AND m.id > ?2 ORDER BY m.id ASC LIMIT ?3")
            : db_stmt(db, "SELECT " MSG_COLS MSG_FROM
                          "WHERE m.conversation_id = ?1 AND m.id < ?2 ORDER BY m.id DESC LIMIT ?3");
  if (!st) return CHAT_STORE_ERROR;
  sqlite3_bind_int64(st, 1, conversation_id);
  sqlite3_bind_int64(st, 2, after ? cursor : (cursor > 0 ? cursor : INT64_MAX));
  sqlite3_bind_int(st, 3, limit + 1);
  json_t *list = json_array();
  int n = 0, step;
  bool more = false;
  while ((step = db_step(db, st)) == SQLITE_ROW) {
    if (n++ == limit) {
      more = true;
      break;
    }
    json_array_append_new(list, chat__message_json(st));
  }
  sqlite3_reset(st);
  if (step != SQLITE_ROW && step != SQLITE_DONE) {
    json_decref(list);
    return CHAT_STORE_ERROR;
  }
  *out = json_pack("{s:I, s:o, s:b}", "conversation_id", (json_int_t)conversation_id, "messages", list,
                   "has_more", more);
  return CHAT_STORE_OK;
}

int chat_store_history_before(moa_db *db, int64_t user_id, int64_t conversation_id, int64_t before_id,
                              int limit, json_t **out) {
  return chat__history(db, user_id, conversation_id, before_id, false, limit, out);
}

int chat_store_history_after(moa_db *db, int64_t user_id, int64_t conversation_id, int64_t after_id,
                             int limit, json_t **out) {
  return chat__history(db, user_id, conversation_id, after_id < 0 ? 0 : after_id, true, limit, out);
}

/* ---- edit and delete ---- */

int chat_store_edit(moa_db *db, int64_t user_id, int64_t message_id, const char *body, json_t **out) {
  *out = NULL;
  size_t ts, tl;
  int rc = chat_store_validate_text(body, CHAT_STORE_MAX_BODY, true, &ts, &tl);
  if (rc != CHAT_STORE_OK) return rc;
  bool own;
  if (chat__begin(db, &own) != CHAT_STORE_OK) return CHAT_STORE_ERROR;
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT author_id, conversation_id, deleted_at IS NOT NULL, kind FROM messages "
                             "WHERE id = ?1");
  if (!st) return chat__end(db, own, CHAT_STORE_ERROR);
  sqlite3_bind_int64(st, 1, message_id);
  int64_t author = 0, conv = 0;
  rc = CHAT_STORE_NOT_FOUND;
  if (db_step(db, st) == SQLITE_ROW && sqlite3_column_int(st, 2) == 0) {
    author = sqlite3_column_int64(st, 0);
    conv = sqlite3_column_int64(st, 1);
    bool system = strcmp((const char *)sqlite3_column_text(st, 3), "system") == 0;
    rc = (author == user_id && !system) ? CHAT_STORE_OK : CHAT_STORE_FORBIDDEN;
  }
  sqlite3_reset(st);
  if (rc == CHAT_STORE_OK && !chat_store_can_read(db, user_id, conv)) rc = CHAT_STORE_FORBIDDEN;
  if (rc == CHAT_STORE_OK) {
    st = db_stmt(db, "UPDATE messages SET body = ?2, edited_at = ?3 WHERE id = ?1");
    if (!st)
      rc = CHAT_STORE_ERROR;
    else {
      sqlite3_bind_int64(st, 1, message_id);
      sqlite3_bind_text(st, 2, body + ts, (int)tl, SQLITE_STATIC);
      sqlite3_bind_int64(st, 3, db_now(db));
      if (db_exec_stmt(db, st) != SQLITE_DONE) rc = CHAT_STORE_ERROR;
    }
  }
  if (rc == CHAT_STORE_OK)
    rc = chat__exec(db, "DELETE FROM mentions WHERE message_id = ?1", 1, message_id, 0, 0);
  if (rc == CHAT_STORE_OK) {
    char *copy = strndup(body + ts, tl);
    rc = copy ? chat__store_mentions(db, conv, message_id, copy) : CHAT_STORE_ERROR;
    free(copy);
  }
  if (rc == CHAT_STORE_OK && !(*out = chat__load_message(db, message_id))) rc = CHAT_STORE_ERROR;
  return chat__result(chat__end(db, own, rc), out);
}

int chat_store_delete(moa_db *db, int64_t user_id, int64_t message_id, json_t **out) {
  *out = NULL;
  bool own;
  if (chat__begin(db, &own) != CHAT_STORE_OK) return CHAT_STORE_ERROR;
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT m.author_id, m.conversation_id, m.deleted_at IS NOT NULL, "
                             "coalesce((SELECT is_admin FROM users WHERE id = ?2), 0), EXISTS (SELECT 1 "
                             "FROM user_roles r WHERE r.user_id = ?2 AND r.consortium_id = c.consortium_id "
                             "AND r.role = 'coordinator' AND c.kind = 'channel') FROM messages m JOIN "
                             "conversations c ON c.id = m.conversation_id WHERE m.id = ?1");
  if (!st) return chat__end(db, own, CHAT_STORE_ERROR);
  sqlite3_bind_int64(st, 1, message_id);
  sqlite3_bind_int64(st, 2, user_id);
  int rc = CHAT_STORE_NOT_FOUND;
  if (db_step(db, st) == SQLITE_ROW && sqlite3_column_int(st, 2) == 0) {
    bool author = sqlite3_column_type(st, 0) != SQLITE_NULL && sqlite3_column_int64(st, 0) == user_id;
    int64_t conv = sqlite3_column_int64(st, 1);
    bool moderator = sqlite3_column_int(st, 3) == 1 || sqlite3_column_int(st, 4) == 1;
    sqlite3_reset(st);
    rc = moderator || (author && chat_store_can_read(db, user_id, conv)) ? CHAT_STORE_OK
                                                                         : CHAT_STORE_FORBIDDEN;
  }
  sqlite3_reset(st);
  if (rc == CHAT_STORE_OK)
    rc = chat__exec(db, "UPDATE messages SET body = '', deleted_at = ?2, deleted_by = ?3 WHERE id = ?1", 3,
                    message_id, db_now(db), user_id);
  if (rc == CHAT_STORE_OK)
    rc = chat__exec(db, "DELETE FROM mentions WHERE message_id = ?1", 1, message_id, 0, 0);
  if (rc == CHAT_STORE_OK)
    rc = chat__exec(db, "DELETE FROM reactions WHERE message_id = ?1", 1, message_id, 0, 0);
  if (rc == CHAT_STORE_OK && !(*out = chat__load_message(db, message_id))) rc = CHAT_STORE_ERROR;
  return chat__result(chat__end(db, own, rc), out);
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

int chat_store_list_conversations(moa_db *db, int64_t user_id, json_t **out) {
  *out = NULL;
  sqlite3_stmt *st = db_stmt(
      db, READABLE_CTE
      "SELECT c.id, c.kind, c.title, c.consortium_id, c.ref_id, coalesce(cm.last_read_id, 0), (SELECT "
      "count(*) FROM messages m WHERE m.conversation_id = c.id AND m.id > coalesce(cm.last_read_id, 0) AND "
      "m.deleted_at IS NULL AND (m.author_id IS NULL OR m.author_id <> ?1)), (SELECT count(*) FROM mentions "
      "mn JOIN messages m ON m.id = mn.message_id WHERE mn.user_id = ?1 AND m.conversation_id = c.id AND "
      "m.id > coalesce(cm.last_read_id, 0)), c.last_message_id FROM readable JOIN conversations c ON c.id "
      "= readable.id LEFT JOIN conversation_members cm ON cm.conversation_id = c.id AND cm.user_id = ?1 "
      "ORDER BY c.last_message_id DESC, c.id DESC");
  if (!st) return CHAT_STORE_ERROR;
  sqlite3_bind_int64(st, 1, user_id);
  json_t *list = json_array();
  int step;
  while ((step = db_step(db, st)) == SQLITE_ROW) {
    json_t *c = json_object();
    json_object_set_new(c, "id", json_integer(sqlite3_column_int64(st, 0)));
    json_object_set_new(c, "kind", chat__jstr(st, 1));
    json_object_set_new(c, "title", chat__jstr(st, 2));
    json_object_set_new(c, "consortium_id", chat__jint(st, 3));
    json_object_set_new(c, "ref_id", chat__jint(st, 4));
    json_object_set_new(c, "last_read_id", json_integer(sqlite3_column_int64(st, 5)));
    json_object_set_new(c, "unread", json_integer(sqlite3_column_int64(st, 6)));
    json_object_set_new(c, "mentions_unread", json_integer(sqlite3_column_int64(st, 7)));
    int64_t last = sqlite3_column_int64(st, 8);
    json_t *m = last ? chat__load_message(db, last) : NULL;
    json_object_set_new(c, "last_message", m ? m : json_null());
    json_array_append_new(list, c);
  }
  sqlite3_reset(st);
  if (step != SQLITE_DONE) {
    json_decref(list);
    return CHAT_STORE_ERROR;
  }
  *out = json_pack("{s:o}", "conversations", list);
  return CHAT_STORE_OK;
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
