/* The chat store's messages (see chat_store.h): writing them (append, reply, send with files,
 * system messages), their mentions, history both ways, edit and delete, and reading a message
 * row (MSG_COLS, chat_store_int.h) into a chat_message. Split from chat_store.c, which keeps the
 * conversations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/attachment_store.h"
#include "storage/chat_store.h"
#include "storage/chat_store_int.h"

/* ---- messages as C structs ---- */

void chat_message_free(chat_message *m) {
  free(m->author_name);
  free(m->body);
  free(m->client_key);
  free(m->mentions);
  for (size_t i = 0; i < m->nreactions; i++) free(m->reactions[i].user_ids);
  free(m->reactions);
  for (size_t i = 0; i < m->nattachments; i++) {
    free(m->attachments[i].id);
    free(m->attachments[i].name);
    free(m->attachments[i].type);
  }
  free(m->attachments);
  *m = (chat_message){0};
}

void chat_page_free(chat_page *p) {
  for (size_t i = 0; i < p->n; i++) chat_message_free(&p->messages[i]);
  free(p->messages);
  *p = (chat_page){0};
}

/* Parses "7,9,12" (group_concat) into m's mentions; false when out of memory. */
static bool chat__id_list(const char *csv, chat_message *m) {
  size_t cap = 0;
  while (csv && *csv) {
    char *end;
    long long v = strtoll(csv, &end, 10);
    if (end == csv) break;
    if (!chat__reserve(&m->mentions, &cap, m->nmentions, sizeof *m->mentions)) return false;
    m->mentions[m->nmentions++] = v;
    csv = *end == ',' ? end + 1 : end;
  }
  return true;
}

/* Parses the attachments column: files separated by U+001E, each "token␟name␟size␟type␟image"
 * (U+001F between fields); false when out of memory. */
static bool chat__attachments(const char *list, chat_message *m) {
  size_t cap = 0;
  while (list && *list) {
    const char *end = strchr(list, '\x1e');
    size_t len = end ? (size_t)(end - list) : strlen(list);
    const char *f[5];
    size_t flen[5], nf = 0;
    for (const char *p = list; nf < 5;) {
      const char *sep = memchr(p, '\x1f', (size_t)(list + len - p));
      f[nf] = p;
      flen[nf++] = sep ? (size_t)(sep - p) : (size_t)(list + len - p);
      if (!sep) break;
      p = sep + 1;
    }
    if (nf == 5) {
      if (!chat__reserve(&m->attachments, &cap, m->nattachments, sizeof *m->attachments)) return false;
      chat_attachment *a = &m->attachments[m->nattachments];
      *a = (chat_attachment){0};
      a->id = strndup(f[0], flen[0]);
      a->name = strndup(f[1], flen[1]);
      a->size = strtoll(f[2], NULL, 10);
      a->type = strndup(f[3], flen[3]);
      a->preview = flen[4] == 1 && f[4][0] == '1';
      m->nattachments++;
      if (!a->id || !a->name || !a->type) return false;
    }
    list = end ? end + 1 : list + len;
  }
  return true;
}

int chat__message_read(sqlite3_stmt *st, chat_message *m) {
  *m = (chat_message){0};
  bool oom = false;
  m->deleted = sqlite3_column_type(st, 8) != SQLITE_NULL;
  m->id = sqlite3_column_int64(st, 0);
  m->conversation_id = sqlite3_column_int64(st, 1);
  m->author_id = sqlite3_column_int64(st, 2);
  m->author_name = chat__text(st, 3, &oom);
  const char *kind = (const char *)sqlite3_column_text(st, 4);
  snprintf(m->kind, sizeof m->kind, "%s", kind ? kind : "");
  m->body = m->deleted ? strdup("") : chat__text(st, 5, &oom);
  if (!m->body) oom = true;
  m->created_at = sqlite3_column_int64(st, 6);
  m->edited = sqlite3_column_type(st, 7) != SQLITE_NULL;
  m->edited_at = sqlite3_column_int64(st, 7);
  m->client_key = chat__text(st, 9, &oom);
  m->parent_id = sqlite3_column_int64(st, 11);
  m->reply_count = sqlite3_column_int64(st, 12);
  if (!m->deleted && (!chat__id_list((const char *)sqlite3_column_text(st, 10), m) ||
                      !chat__reactions((const char *)sqlite3_column_text(st, 13), m) ||
                      !chat__attachments((const char *)sqlite3_column_text(st, 14), m)))
    oom = true;
  if (!oom) return CHAT_STORE_OK;
  chat_message_free(m);
  return CHAT_STORE_ERROR;
}

int chat__message_load(moa_db *db, int64_t id, chat_message *m) {
  *m = (chat_message){0};
  sqlite3_stmt *st = db_stmt(db, "SELECT " MSG_COLS MSG_FROM "WHERE m.id = ?1");
  if (!st) return CHAT_STORE_ERROR;
  sqlite3_bind_int64(st, 1, id);
  int step = db_step(db, st);
  int rc = step == SQLITE_ROW    ? chat__message_read(st, m)
           : step == SQLITE_DONE ? CHAT_STORE_NOT_FOUND
                                 : CHAT_STORE_ERROR;
  sqlite3_reset(st);
  return rc;
}

/* Frees *out when rc is a failure, so that callers never get half a result. */
static int chat__result(int rc, chat_message *out) {
  if (rc != CHAT_STORE_OK) chat_message_free(out);
  return rc;
}

/* ---- writing messages ---- */

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
                        chat_message *out) {
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
  return chat__message_load(db, id, out) == CHAT_STORE_OK ? CHAT_STORE_OK : CHAT_STORE_ERROR;
}

int chat_store_append(moa_db *db, int64_t conversation_id, int64_t author_id, const char *body,
                      const char *client_key, chat_message *out, bool *duplicate) {
  return chat_store_send(db, conversation_id, author_id, body, client_key, 0, NULL, 0, out, duplicate);
}

int chat_store_reply(moa_db *db, int64_t conversation_id, int64_t author_id, const char *body,
                     const char *client_key, int64_t parent_id, chat_message *out, bool *duplicate) {
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
                    chat_message *out, bool *duplicate) {
  *out = (chat_message){0};
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
      rc = chat__message_load(db, id, out) == CHAT_STORE_OK ? CHAT_STORE_OK : CHAT_STORE_ERROR;
      *duplicate = rc == CHAT_STORE_OK;
      return chat__result(chat__end(db, own, rc), out);
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

int chat_store_append_system(moa_db *db, int64_t conversation_id, const char *body, chat_message *out) {
  *out = (chat_message){0};
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
                         int limit, chat_page *out) {
  *out = (chat_page){0};
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
  size_t cap = 0;
  int step, rc = CHAT_STORE_OK;
  while ((step = db_step(db, st)) == SQLITE_ROW) {
    if (out->n == (size_t)limit) {
      out->has_more = true;
      break;
    }
    if (!chat__reserve(&out->messages, &cap, out->n, sizeof *out->messages) ||
        chat__message_read(st, &out->messages[out->n]) != CHAT_STORE_OK) {
      rc = CHAT_STORE_ERROR;
      break;
    }
    out->n++;
  }
  sqlite3_reset(st);
  if (rc == CHAT_STORE_OK && step != SQLITE_ROW && step != SQLITE_DONE) rc = CHAT_STORE_ERROR;
  if (rc != CHAT_STORE_OK) chat_page_free(out);
  return rc;
}

int chat_store_history_before(moa_db *db, int64_t user_id, int64_t conversation_id, int64_t before_id,
                              int limit, chat_page *out) {
  return chat__history(db, user_id, conversation_id, before_id, false, limit, out);
}

int chat_store_history_after(moa_db *db, int64_t user_id, int64_t conversation_id, int64_t after_id,
                             int limit, chat_page *out) {
  return chat__history(db, user_id, conversation_id, after_id < 0 ? 0 : after_id, true, limit, out);
}

/* ---- edit and delete ---- */

int chat_store_edit(moa_db *db, int64_t user_id, int64_t message_id, const char *body, chat_message *out) {
  *out = (chat_message){0};
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
  if (rc == CHAT_STORE_OK && chat__message_load(db, message_id, out) != CHAT_STORE_OK) rc = CHAT_STORE_ERROR;
  return chat__result(chat__end(db, own, rc), out);
}

int chat_store_delete(moa_db *db, int64_t user_id, int64_t message_id, chat_message *out) {
  *out = (chat_message){0};
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
  if (rc == CHAT_STORE_OK && chat__message_load(db, message_id, out) != CHAT_STORE_OK) rc = CHAT_STORE_ERROR;
  return chat__result(chat__end(db, own, rc), out);
}
