/* Cooperation inquiries (see inquiry_store.h) over the inquiries and blocks tables of migration
 * 002. The conversation, its members and messages go through chat_store, whose writes join the
 * transaction opened here, so an inquiry and its conversation appear together or not at all.
 * The rate limit is counted from the inquiries themselves (no separate counter to drift): a
 * sender at the limit may send again when the oldest inquiry of the window leaves it. */
#include "storage/inquiry_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/chat_store.h"
#include "storage/db_ids.h"
#include "storage/directory_store.h"

#define INQ_COLS                                                                                     \
  "SELECT i.id, i.from_user, fu.name, i.from_org, fo.name, i.to_org, t.name, i.topic, i.subject, "   \
  "i.body, i.status, i.conversation_id, i.created_at, i.decided_at FROM inquiries i JOIN users fu "  \
  "ON fu.id = i.from_user LEFT JOIN organizations fo ON fo.id = i.from_org JOIN organizations t ON " \
  "t.id = i.to_org "

static const char *const INQ_TOPICS[] = {"joint_rnd",         "supply", "investment",
                                         "commercialization", "other",  NULL};

/* Column text, "" for NULL. */
static const char *inq__col(sqlite3_stmt *st, int col) {
  const char *s = (const char *)sqlite3_column_text(st, col);
  return s ? s : "";
}

/* The inquiry of a row of INQ_COLS; its strings live as long as the row. */
static inquiry_rec inq__rec(sqlite3_stmt *st) {
  return (inquiry_rec){.id = sqlite3_column_int64(st, 0),
                       .from_user = sqlite3_column_int64(st, 1),
                       .from_user_name = inq__col(st, 2),
                       .from_org = sqlite3_column_int64(st, 3), /* NULL reads as 0 */
                       .from_org_name = inq__col(st, 4),
                       .to_org = sqlite3_column_int64(st, 5),
                       .to_org_name = inq__col(st, 6),
                       .topic = inq__col(st, 7),
                       .subject = inq__col(st, 8),
                       .body = inq__col(st, 9),
                       .status = inq__col(st, 10),
                       .conversation_id = sqlite3_column_int64(st, 11),
                       .created_at = sqlite3_column_int64(st, 12),
                       .decided_at = sqlite3_column_int64(st, 13)};
}

/* Reads inquiry id and, when found, gives it to fn (with recipients when sent_fn is set). Returns
 * 0, or -1 when it cannot be read. */
static int inq__load(moa_db *db, int64_t id, inquiry_fn fn, inquiry_sent_fn sent_fn,
                     const int64_t *recipients, size_t n, void *arg) {
  sqlite3_stmt *st = db_stmt(db, INQ_COLS "WHERE i.id = ?1");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, id);
  int rc = -1;
  if (db_step(db, st) == SQLITE_ROW) {
    inquiry_rec q = inq__rec(st);
    if (sent_fn)
      sent_fn(arg, &q, recipients, n);
    else
      fn(arg, &q);
    rc = 0;
  }
  sqlite3_reset(st);
  return rc;
}

/* The user's organization id (0 for none) into *org; STORE_OK, STORE_NOT_FOUND or STORE_ERROR. */
static store_status inq__user_org(moa_db *db, int64_t user_id, int64_t *org) {
  sqlite3_stmt *st =
      db_stmt(db, "SELECT coalesce(org_id, 0), name FROM users WHERE id = ?1 AND disabled = 0");
  if (!st) return STORE_ERROR;
  sqlite3_bind_int64(st, 1, user_id);
  int step = db_step(db, st);
  store_status rc = step == SQLITE_ROW ? STORE_OK : step == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
  if (step == SQLITE_ROW) *org = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return rc;
}

/* STORE_TOO_LARGE (with *retry_after) when from_user sent limit inquiries in the last window
 * seconds, else STORE_OK (or STORE_ERROR). */
static store_status inq__rate(moa_db *db, int64_t from_user, int64_t now, int64_t window, int limit,
                              int64_t *retry_after) {
  sqlite3_stmt *st =
      db_stmt(db, "SELECT count(*), min(created_at) FROM inquiries WHERE from_user = ?1 AND created_at > ?2");
  if (!st) return STORE_ERROR;
  sqlite3_bind_int64(st, 1, from_user);
  sqlite3_bind_int64(st, 2, now - window);
  store_status rc = STORE_ERROR;
  if (db_step(db, st) == SQLITE_ROW) {
    rc = STORE_OK;
    if (sqlite3_column_int(st, 0) >= limit) {
      int64_t wait = sqlite3_column_int64(st, 1) + window - now + 1;
      *retry_after = wait > 0 ? wait : 1;
      rc = STORE_TOO_LARGE;
    }
  }
  sqlite3_reset(st);
  return rc;
}

/* Writes the inquiry, its conversation, members (from_user and recipients[0..n)) and first message
 * (by write_message) inside the open transaction. */
static store_status inq__write(moa_db *db, int64_t from_user, int64_t from_org, int64_t to_org,
                               const char *topic, const char *subject, size_t subject_len, const char *body,
                               size_t body_len, const int64_t *recipients, size_t n,
                               inquiry_message_fn write_message, void *arg, int64_t *inquiry_id) {
  int64_t now = db_now(db);
  sqlite3_stmt *st =
      db_stmt(db,
              "INSERT INTO conversations(kind, title, created_by, created_at) VALUES ('inquiry', "
              "?1, ?2, ?3)");
  if (!st) return STORE_ERROR;
  sqlite3_bind_text(st, 1, subject, (int)subject_len, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, from_user);
  sqlite3_bind_int64(st, 3, now);
  if (db_exec_stmt(db, st) != SQLITE_DONE) return STORE_ERROR;
  int64_t conv = sqlite3_last_insert_rowid(db_handle(db));
  st = db_stmt(db,
               "INSERT INTO inquiries(from_user, from_org, to_org, topic, subject, body, conversation_id, "
               "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!st) return STORE_ERROR;
  sqlite3_bind_int64(st, 1, from_user);
  if (from_org) sqlite3_bind_int64(st, 2, from_org);
  sqlite3_bind_int64(st, 3, to_org);
  sqlite3_bind_text(st, 4, topic, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 5, subject, (int)subject_len, SQLITE_STATIC);
  sqlite3_bind_text(st, 6, body, (int)body_len, SQLITE_STATIC);
  sqlite3_bind_int64(st, 7, conv);
  sqlite3_bind_int64(st, 8, now);
  if (db_exec_stmt(db, st) != SQLITE_DONE) return STORE_ERROR;
  *inquiry_id = sqlite3_last_insert_rowid(db_handle(db));
  st = db_stmt(db, "UPDATE conversations SET ref_id = ?2 WHERE id = ?1");
  if (!st) return STORE_ERROR;
  sqlite3_bind_int64(st, 1, conv);
  sqlite3_bind_int64(st, 2, *inquiry_id);
  if (db_exec_stmt(db, st) != SQLITE_DONE) return STORE_ERROR;
  int64_t *members = calloc(n + 1, sizeof *members);
  if (!members) return STORE_ERROR;
  members[0] = from_user;
  memcpy(members + 1, recipients, n * sizeof *members);
  int rc = chat_store_add_members(db, conv, members, n + 1);
  free(members);
  if (rc != CHAT_STORE_OK) return STORE_ERROR;
  /* the body was checked with the same rules, so a refusal here is an internal error */
  return write_message(arg, db, conv, from_user, body) == 0 ? STORE_OK : STORE_ERROR;
}

/* The contact people of org (users, not disabled), ascending, in a new array (*n set). Returns
 * STORE_OK, or STORE_ERROR on a database error or out of memory (a partial list would leave
 * contacts out of the conversation). */
static store_status inq__contacts(moa_db *db, int64_t org, int64_t **ids, size_t *n) {
  *ids = NULL;
  *n = 0;
  sqlite3_stmt *st = db_stmt(db, "SELECT id FROM users WHERE org_id = ?1 AND disabled = 0 ORDER BY id");
  if (!st) return STORE_ERROR;
  sqlite3_bind_int64(st, 1, org);
  return db_ids(db, st, ids, n) == 0 ? STORE_OK : STORE_ERROR;
}

store_status inquiry_store_send(moa_db *db, int64_t from_user, int64_t to_org, const char *topic,
                                const char *subject, const char *body, inquiry_message_fn write_message,
                                inquiry_sent_fn fn, void *arg, inquiry_refusal *why, int64_t *retry_after) {
  *why = INQUIRY_REFUSED_NONE;
  *retry_after = 0;
  size_t ss = 0, sl = 0, bs = 0, bl = 0;
  bool topic_ok = false;
  for (int i = 0; topic && INQ_TOPICS[i]; i++) topic_ok |= strcmp(topic, INQ_TOPICS[i]) == 0;
  if (!topic_ok ||
      chat_store_validate_text(subject, INQUIRY_STORE_MAX_SUBJECT, false, &ss, &sl) != CHAT_STORE_OK ||
      chat_store_validate_text(body, CHAT_STORE_MAX_BODY, true, &bs, &bl) != CHAT_STORE_OK)
    return STORE_INVALID;
  int64_t from_org = 0;
  store_status rc = inq__user_org(db, from_user, &from_org);
  if (rc != STORE_OK) return rc;
  rc = directory_store_get(db, from_user, to_org, NULL, NULL);
  if (rc != STORE_OK) return rc == STORE_ERROR ? STORE_ERROR : STORE_NOT_FOUND;
  if (from_org == to_org) return STORE_FORBIDDEN;
  sqlite3_stmt *st = db_stmt(db, "SELECT 1 FROM blocks WHERE org_id = ?1 AND user_id = ?2");
  if (!st) return STORE_ERROR;
  sqlite3_bind_int64(st, 1, to_org);
  sqlite3_bind_int64(st, 2, from_user);
  int bstep = db_step(db, st);
  sqlite3_reset(st);
  if (bstep != SQLITE_ROW && bstep != SQLITE_DONE) return STORE_ERROR; /* not "not blocked" */
  if (bstep == SQLITE_ROW) {
    *why = INQUIRY_REFUSED_BLOCKED;
    return STORE_FORBIDDEN;
  }

  if (db_begin(db) != SQLITE_OK) return STORE_ERROR;
  int64_t now = db_now(db), wait_hour = 0, wait_day = 0;
  store_status rc_hour = inq__rate(db, from_user, now, 3600, INQUIRY_STORE_PER_HOUR, &wait_hour);
  store_status rc_day = inq__rate(db, from_user, now, 86400, INQUIRY_STORE_PER_DAY, &wait_day);
  if (rc_hour == STORE_ERROR || rc_day == STORE_ERROR)
    rc = STORE_ERROR;
  else if (rc_hour == STORE_TOO_LARGE || rc_day == STORE_TOO_LARGE) {
    rc = STORE_TOO_LARGE;
    *why = INQUIRY_REFUSED_RATE_LIMITED;
    *retry_after = wait_hour > wait_day ? wait_hour : wait_day; /* both limits must allow it */
  } else {
    rc = STORE_OK;
  }
  int64_t *recipients = NULL;
  size_t n = 0;
  if (rc == STORE_OK) rc = inq__contacts(db, to_org, &recipients, &n);
  if (rc == STORE_OK && n == 0) {
    rc = STORE_CONFLICT;
    *why = INQUIRY_REFUSED_NO_CONTACTS;
  }
  int64_t id = 0;
  if (rc == STORE_OK)
    rc = inq__write(db, from_user, from_org, to_org, topic, subject + ss, sl, body + bs, bl, recipients, n,
                    write_message, arg, &id);
  /* Read back inside the transaction: a failure then writes nothing rather than reporting an
   * error for an inquiry that was sent. */
  if (rc == STORE_OK && inq__load(db, id, NULL, fn, recipients, n, arg) != 0) rc = STORE_ERROR;
  free(recipients);
  if (rc != STORE_OK) {
    db_rollback(db);
    return rc;
  }
  return db_commit(db) == SQLITE_OK ? STORE_OK : STORE_ERROR;
}

store_status inquiry_store_decide(moa_db *db, int64_t user_id, int64_t inquiry_id, bool accept,
                                  inquiry_message_fn write_message, inquiry_fn fn, void *arg) {
  int64_t org = 0;
  store_status rc = inq__user_org(db, user_id, &org);
  if (rc != STORE_OK) return rc == STORE_NOT_FOUND ? STORE_FORBIDDEN : rc;
  if (db_begin(db) != SQLITE_OK) return STORE_ERROR;
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT i.to_org, i.status, i.conversation_id, u.name FROM inquiries i, users u "
                             "WHERE i.id = ?1 AND u.id = ?2");
  int64_t conv = 0;
  char name[256] = "";
  rc = STORE_ERROR;
  if (st) {
    sqlite3_bind_int64(st, 1, inquiry_id);
    sqlite3_bind_int64(st, 2, user_id);
    rc = STORE_NOT_FOUND;
    if (db_step(db, st) == SQLITE_ROW) {
      if (sqlite3_column_int64(st, 0) != org)
        rc = STORE_FORBIDDEN;
      else if (strcmp((const char *)sqlite3_column_text(st, 1), "pending") != 0)
        rc = STORE_CONFLICT;
      else
        rc = STORE_OK;
      conv = sqlite3_column_int64(st, 2);
      snprintf(name, sizeof name, "%s", (const char *)sqlite3_column_text(st, 3));
    }
    sqlite3_reset(st);
  }
  if (rc == STORE_OK) {
    st = db_stmt(
        db,
        "UPDATE inquiries SET status = ?2, decided_at = ?3, decided_by = ?4 WHERE id = ?1 AND status = "
        "'pending'");
    if (!st)
      rc = STORE_ERROR;
    else {
      sqlite3_bind_int64(st, 1, inquiry_id);
      sqlite3_bind_text(st, 2, accept ? "accepted" : "declined", -1, SQLITE_STATIC);
      sqlite3_bind_int64(st, 3, db_now(db));
      sqlite3_bind_int64(st, 4, user_id);
      if (db_exec_stmt(db, st) != SQLITE_DONE) rc = STORE_ERROR;
    }
  }
  if (rc == STORE_OK && conv) {
    char text[400];
    snprintf(text, sizeof text,
             accept ? "%s 님이 문의를 수락했습니다. (%s accepted the inquiry.)"
                    : "%s 님이 문의를 거절했습니다. (%s declined the inquiry.)",
             name, name);
    if (write_message(arg, db, conv, 0, text) != 0) rc = STORE_ERROR;
  }
  /* read back inside, as in send */
  if (rc == STORE_OK && inq__load(db, inquiry_id, fn, NULL, NULL, 0, arg) != 0) rc = STORE_ERROR;
  if (rc != STORE_OK) {
    db_rollback(db);
    return rc;
  }
  return db_commit(db) == SQLITE_OK ? STORE_OK : STORE_ERROR;
}

store_status inquiry_store_get(moa_db *db, int64_t user_id, int64_t inquiry_id, inquiry_fn fn, void *arg) {
  sqlite3_stmt *st = db_stmt(db, INQ_COLS
                             "WHERE i.id = ?1 AND (i.from_user = ?2 OR i.to_org = (SELECT org_id FROM "
                             "users WHERE id = ?2 AND disabled = 0))");
  if (!st) return STORE_ERROR;
  sqlite3_bind_int64(st, 1, inquiry_id);
  sqlite3_bind_int64(st, 2, user_id);
  int step = db_step(db, st);
  if (step == SQLITE_ROW) {
    inquiry_rec q = inq__rec(st);
    fn(arg, &q);
  }
  sqlite3_reset(st);
  return step == SQLITE_ROW ? STORE_OK : step == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
}

store_status inquiry_store_list(moa_db *db, int64_t user_id, bool received, int limit, inquiry_fn fn,
                                void *arg) {
  limit = limit < 1 ? 1 : limit > INQUIRY_STORE_MAX_LIST ? INQUIRY_STORE_MAX_LIST : limit;
  sqlite3_stmt *st = received ? db_stmt(db, INQ_COLS
                                        "WHERE i.to_org = (SELECT org_id FROM users WHERE id = ?1 AND "
                                        "disabled = 0) ORDER BY i.id DESC LIMIT ?2")
                              : db_stmt(db, INQ_COLS "WHERE i.from_user = ?1 ORDER BY i.id DESC LIMIT ?2");
  if (!st) return STORE_ERROR;
  sqlite3_bind_int64(st, 1, user_id);
  sqlite3_bind_int(st, 2, limit);
  int step;
  while ((step = db_step(db, st)) == SQLITE_ROW) {
    inquiry_rec q = inq__rec(st);
    fn(arg, &q);
  }
  sqlite3_reset(st);
  return step == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

store_status inquiry_store_block(moa_db *db, int64_t user_id, int64_t org_id, int64_t sender_id, bool block) {
  int64_t org = 0, sender_org = 0;
  store_status rc = inq__user_org(db, user_id, &org);
  if (rc != STORE_OK || org != org_id || org == 0) return rc == STORE_ERROR ? rc : STORE_FORBIDDEN;
  sqlite3_stmt *st = db_stmt(db, "SELECT coalesce(org_id, 0) FROM users WHERE id = ?1");
  if (!st) return STORE_ERROR;
  sqlite3_bind_int64(st, 1, sender_id);
  bool exists = db_step(db, st) == SQLITE_ROW;
  if (exists) sender_org = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  if (!exists) return STORE_NOT_FOUND;
  if (sender_org == org_id) return STORE_FORBIDDEN; /* one's own colleagues */
  if (db_begin(db) != SQLITE_OK) return STORE_ERROR;
  st = block
           ? db_stmt(db,
                     "INSERT INTO blocks(org_id, user_id, created_by, created_at) VALUES (?1, ?2, ?3, ?4) ON "
                     "CONFLICT DO NOTHING")
           : db_stmt(db,
                     "DELETE FROM blocks WHERE org_id = ?1 AND user_id = ?2 AND ?3 IS NOT NULL AND ?4 IS NOT "
                     "NULL");
  rc = STORE_ERROR;
  if (st) {
    sqlite3_bind_int64(st, 1, org_id);
    sqlite3_bind_int64(st, 2, sender_id);
    sqlite3_bind_int64(st, 3, user_id);
    sqlite3_bind_int64(st, 4, db_now(db));
    if (db_exec_stmt(db, st) == SQLITE_DONE) rc = STORE_OK;
  }
  if (rc == STORE_OK && db_commit(db) == SQLITE_OK) return STORE_OK;
  db_rollback(db);
  return STORE_ERROR;
}
