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
#include "storage/directory_store.h"

#define INQ_COLS                                                                                     \
  "SELECT i.id, i.from_user, fu.name, i.from_org, fo.name, i.to_org, t.name, i.topic, i.subject, "   \
  "i.body, i.status, i.conversation_id, i.created_at, i.decided_at FROM inquiries i JOIN users fu "  \
  "ON fu.id = i.from_user LEFT JOIN organizations fo ON fo.id = i.from_org JOIN organizations t ON " \
  "t.id = i.to_org "

static const char *const INQ_TOPICS[] = {"joint_rnd",         "supply", "investment",
                                         "commercialization", "other",  NULL};

const char *inquiry_store_status_name(int status) {
  switch (status) {
    case INQUIRY_STORE_OK:
      return "ok";
    case INQUIRY_STORE_INVALID:
      return "invalid";
    case INQUIRY_STORE_RATE_LIMITED:
      return "rate_limited";
    case INQUIRY_STORE_BLOCKED:
      return "blocked";
    case INQUIRY_STORE_FORBIDDEN:
      return "forbidden";
    case INQUIRY_STORE_NOT_FOUND:
      return "not_found";
    case INQUIRY_STORE_CONFLICT:
      return "conflict";
    case INQUIRY_STORE_NO_CONTACTS:
      return "no_contacts";
    default:
      return "internal";
  }
}

static json_t *inq__text(sqlite3_stmt *st, int col) {
  const char *s = (const char *)sqlite3_column_text(st, col);
  json_t *j = s ? json_stringn(s, (size_t)sqlite3_column_bytes(st, col)) : NULL;
  return j ? j : json_string("");
}

static json_t *inq__ref(sqlite3_stmt *st, int col) {
  if (sqlite3_column_type(st, col) == SQLITE_NULL) return json_null();
  return json_pack("{s:I, s:o}", "id", (json_int_t)sqlite3_column_int64(st, col), "name",
                   inq__text(st, col + 1));
}

/* The inquiry object of a row of INQ_COLS. */
static json_t *inq__json(sqlite3_stmt *st) {
  json_t *o = json_object();
  json_object_set_new(o, "id", json_integer(sqlite3_column_int64(st, 0)));
  json_object_set_new(o, "from_user", inq__ref(st, 1));
  json_object_set_new(o, "from_org", inq__ref(st, 3));
  json_object_set_new(o, "to_org", inq__ref(st, 5));
  json_object_set_new(o, "topic", inq__text(st, 7));
  json_object_set_new(o, "subject", inq__text(st, 8));
  json_object_set_new(o, "body", inq__text(st, 9));
  json_object_set_new(o, "status", inq__text(st, 10));
  json_object_set_new(
      o, "conversation_id",
      sqlite3_column_type(st, 11) == SQLITE_NULL ? json_null() : json_integer(sqlite3_column_int64(st, 11)));
  json_object_set_new(o, "created_at", json_integer(sqlite3_column_int64(st, 12)));
  json_object_set_new(
      o, "decided_at",
      sqlite3_column_type(st, 13) == SQLITE_NULL ? json_null() : json_integer(sqlite3_column_int64(st, 13)));
  return o;
}

static json_t *inq__load(moa_db *db, int64_t id) {
  sqlite3_stmt *st = db_stmt(db, INQ_COLS "WHERE i.id = ?1");
  if (!st) return NULL;
  sqlite3_bind_int64(st, 1, id);
  json_t *o = db_step(db, st) == SQLITE_ROW ? inq__json(st) : NULL;
  sqlite3_reset(st);
  return o;
}

/* The user's organization id (0 for none) into *org; INQUIRY_STORE_OK, _NOT_FOUND or _ERROR. */
static int inq__user_org(moa_db *db, int64_t user_id, int64_t *org) {
  sqlite3_stmt *st =
      db_stmt(db, "SELECT coalesce(org_id, 0), name FROM users WHERE id = ?1 AND disabled = 0");
  if (!st) return INQUIRY_STORE_ERROR;
  sqlite3_bind_int64(st, 1, user_id);
  int step = db_step(db, st);
  int rc = step == SQLITE_ROW    ? INQUIRY_STORE_OK
           : step == SQLITE_DONE ? INQUIRY_STORE_NOT_FOUND
                                 : INQUIRY_STORE_ERROR;
  if (step == SQLITE_ROW) *org = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return rc;
}

/* RATE_LIMITED (with *retry_after) when from_user sent limit inquiries in the last window
 * seconds, else OK. */
static int inq__rate(moa_db *db, int64_t from_user, int64_t now, int64_t window, int limit,
                     int64_t *retry_after) {
  sqlite3_stmt *st =
      db_stmt(db, "SELECT count(*), min(created_at) FROM inquiries WHERE from_user = ?1 AND created_at > ?2");
  if (!st) return INQUIRY_STORE_ERROR;
  sqlite3_bind_int64(st, 1, from_user);
  sqlite3_bind_int64(st, 2, now - window);
  int rc = INQUIRY_STORE_ERROR;
  if (db_step(db, st) == SQLITE_ROW) {
    rc = INQUIRY_STORE_OK;
    if (sqlite3_column_int(st, 0) >= limit) {
      int64_t wait = sqlite3_column_int64(st, 1) + window - now + 1;
      *retry_after = wait > 0 ? wait : 1;
      rc = INQUIRY_STORE_RATE_LIMITED;
    }
  }
  sqlite3_reset(st);
  return rc;
}

/* Writes the inquiry, its conversation, members and first message inside the open transaction. */
static int inq__write(moa_db *db, int64_t from_user, int64_t from_org, int64_t to_org, const char *topic,
                      const char *subject, size_t subject_len, const char *body, size_t body_len,
                      json_t *recipients, json_t **msg, int64_t *inquiry_id) {
  int64_t now = db_now(db);
  sqlite3_stmt *st =
      db_stmt(db,
              "INSERT INTO conversations(kind, title, created_by, created_at) VALUES ('inquiry', "
              "?1, ?2, ?3)");
  if (!st) return INQUIRY_STORE_ERROR;
  sqlite3_bind_text(st, 1, subject, (int)subject_len, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, from_user);
  sqlite3_bind_int64(st, 3, now);
  if (db_exec_stmt(db, st) != SQLITE_DONE) return INQUIRY_STORE_ERROR;
  int64_t conv = sqlite3_last_insert_rowid(db_handle(db));
  st = db_stmt(db,
               "INSERT INTO inquiries(from_user, from_org, to_org, topic, subject, body, conversation_id, "
               "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!st) return INQUIRY_STORE_ERROR;
  sqlite3_bind_int64(st, 1, from_user);
  if (from_org) sqlite3_bind_int64(st, 2, from_org);
  sqlite3_bind_int64(st, 3, to_org);
  sqlite3_bind_text(st, 4, topic, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 5, subject, (int)subject_len, SQLITE_STATIC);
  sqlite3_bind_text(st, 6, body, (int)body_len, SQLITE_STATIC);
  sqlite3_bind_int64(st, 7, conv);
  sqlite3_bind_int64(st, 8, now);
  if (db_exec_stmt(db, st) != SQLITE_DONE) return INQUIRY_STORE_ERROR;
  *inquiry_id = sqlite3_last_insert_rowid(db_handle(db));
  st = db_stmt(db, "UPDATE conversations SET ref_id = ?2 WHERE id = ?1");
  if (!st) return INQUIRY_STORE_ERROR;
  sqlite3_bind_int64(st, 1, conv);
  sqlite3_bind_int64(st, 2, *inquiry_id);
  if (db_exec_stmt(db, st) != SQLITE_DONE) return INQUIRY_STORE_ERROR;
  size_t n = json_array_size(recipients);
  int64_t *members = calloc(n + 1, sizeof *members);
  if (!members) return INQUIRY_STORE_ERROR;
  members[0] = from_user;
  for (size_t i = 0; i < n; i++) members[i + 1] = json_integer_value(json_array_get(recipients, i));
  int rc = chat_store_add_members(db, conv, members, n + 1);
  free(members);
  if (rc != CHAT_STORE_OK) return INQUIRY_STORE_ERROR;
  bool dup;
  /* the body was checked with the same rules, so a refusal here is an internal error */
  return chat_store_append(db, conv, from_user, body, NULL, msg, &dup) == CHAT_STORE_OK ? INQUIRY_STORE_OK
                                                                                        : INQUIRY_STORE_ERROR;
}

int inquiry_store_send(moa_db *db, int64_t from_user, int64_t to_org, const char *topic, const char *subject,
                       const char *body, int64_t *retry_after, json_t **out) {
  *out = NULL;
  *retry_after = 0;
  size_t ss = 0, sl = 0, bs = 0, bl = 0;
  bool topic_ok = false;
  for (int i = 0; topic && INQ_TOPICS[i]; i++) topic_ok |= strcmp(topic, INQ_TOPICS[i]) == 0;
  if (!topic_ok ||
      chat_store_validate_text(subject, INQUIRY_STORE_MAX_SUBJECT, false, &ss, &sl) != CHAT_STORE_OK ||
      chat_store_validate_text(body, CHAT_STORE_MAX_BODY, true, &bs, &bl) != CHAT_STORE_OK)
    return INQUIRY_STORE_INVALID;
  int64_t from_org = 0;
  int rc = inq__user_org(db, from_user, &from_org);
  if (rc != INQUIRY_STORE_OK) return rc;
  store_status drc = directory_store_get(db, from_user, to_org, NULL, NULL);
  if (drc != STORE_OK) return drc == STORE_ERROR ? INQUIRY_STORE_ERROR : INQUIRY_STORE_NOT_FOUND;
  if (from_org == to_org) return INQUIRY_STORE_FORBIDDEN;
  sqlite3_stmt *st = db_stmt(db, "SELECT 1 FROM blocks WHERE org_id = ?1 AND user_id = ?2");
  if (!st) return INQUIRY_STORE_ERROR;
  sqlite3_bind_int64(st, 1, to_org);
  sqlite3_bind_int64(st, 2, from_user);
  int bstep = db_step(db, st);
  sqlite3_reset(st);
  if (bstep != SQLITE_ROW && bstep != SQLITE_DONE) return INQUIRY_STORE_ERROR; /* not "not blocked" */
  if (bstep == SQLITE_ROW) return INQUIRY_STORE_BLOCKED;

  if (db_begin(db) != SQLITE_OK) return INQUIRY_STORE_ERROR;
  int64_t now = db_now(db), wait_hour = 0, wait_day = 0;
  int rc_hour = inq__rate(db, from_user, now, 3600, INQUIRY_STORE_PER_HOUR, &wait_hour);
  int rc_day = inq__rate(db, from_user, now, 86400, INQUIRY_STORE_PER_DAY, &wait_day);
  if (rc_hour == INQUIRY_STORE_ERROR || rc_day == INQUIRY_STORE_ERROR)
    rc = INQUIRY_STORE_ERROR;
  else if (rc_hour == INQUIRY_STORE_RATE_LIMITED || rc_day == INQUIRY_STORE_RATE_LIMITED) {
    rc = INQUIRY_STORE_RATE_LIMITED;
    *retry_after = wait_hour > wait_day ? wait_hour : wait_day; /* both limits must allow it */
  } else {
    rc = INQUIRY_STORE_OK;
  }
  json_t *recipients = json_array();
  if (rc == INQUIRY_STORE_OK) {
    st = db_stmt(db, "SELECT id FROM users WHERE org_id = ?1 AND disabled = 0 ORDER BY id");
    if (!st)
      rc = INQUIRY_STORE_ERROR;
    else {
      sqlite3_bind_int64(st, 1, to_org);
      int step;
      while ((step = db_step(db, st)) == SQLITE_ROW)
        json_array_append_new(recipients, json_integer(sqlite3_column_int64(st, 0)));
      sqlite3_reset(st);
      if (step != SQLITE_DONE) /* a partial list would leave contacts out of the conversation */
        rc = INQUIRY_STORE_ERROR;
      else if (json_array_size(recipients) == 0)
        rc = INQUIRY_STORE_NO_CONTACTS;
    }
  }
  json_t *msg = NULL;
  int64_t id = 0;
  if (rc == INQUIRY_STORE_OK)
    rc = inq__write(db, from_user, from_org, to_org, topic, subject + ss, sl, body + bs, bl, recipients, &msg,
                    &id);
  /* Read back inside the transaction: a failure then writes nothing rather than reporting an
   * error for an inquiry that was sent. */
  json_t *inq = rc == INQUIRY_STORE_OK ? inq__load(db, id) : NULL;
  if (rc == INQUIRY_STORE_OK && !inq) rc = INQUIRY_STORE_ERROR;
  if (rc == INQUIRY_STORE_OK && db_commit(db) != SQLITE_OK)
    rc = INQUIRY_STORE_ERROR;
  else if (rc != INQUIRY_STORE_OK)
    db_rollback(db);
  if (rc == INQUIRY_STORE_OK) {
    *out = json_pack("{s:o, s:o, s:o}", "inquiry", inq, "message", msg, "recipients", recipients);
    return INQUIRY_STORE_OK;
  }
  json_decref(inq);
  json_decref(msg);
  json_decref(recipients);
  return rc == INQUIRY_STORE_OK ? INQUIRY_STORE_ERROR : rc;
}

int inquiry_store_decide(moa_db *db, int64_t user_id, int64_t inquiry_id, bool accept, json_t **out) {
  *out = NULL;
  int64_t org = 0;
  int rc = inq__user_org(db, user_id, &org);
  if (rc != INQUIRY_STORE_OK) return rc == INQUIRY_STORE_NOT_FOUND ? INQUIRY_STORE_FORBIDDEN : rc;
  if (db_begin(db) != SQLITE_OK) return INQUIRY_STORE_ERROR;
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT i.to_org, i.status, i.conversation_id, u.name FROM inquiries i, users u "
                             "WHERE i.id = ?1 AND u.id = ?2");
  int64_t conv = 0;
  char name[256] = "";
  rc = INQUIRY_STORE_ERROR;
  if (st) {
    sqlite3_bind_int64(st, 1, inquiry_id);
    sqlite3_bind_int64(st, 2, user_id);
    rc = INQUIRY_STORE_NOT_FOUND;
    if (db_step(db, st) == SQLITE_ROW) {
      if (sqlite3_column_int64(st, 0) != org)
        rc = INQUIRY_STORE_FORBIDDEN;
      else if (strcmp((const char *)sqlite3_column_text(st, 1), "pending") != 0)
        rc = INQUIRY_STORE_CONFLICT;
      else
        rc = INQUIRY_STORE_OK;
      conv = sqlite3_column_int64(st, 2);
      snprintf(name, sizeof name, "%s", (const char *)sqlite3_column_text(st, 3));
    }
    sqlite3_reset(st);
  }
  if (rc == INQUIRY_STORE_OK) {
    st = db_stmt(
        db,
        "UPDATE inquiries SET status = ?2, decided_at = ?3, decided_by = ?4 WHERE id = ?1 AND status = "
        "'pending'");
    if (!st)
      rc = INQUIRY_STORE_ERROR;
    else {
      sqlite3_bind_int64(st, 1, inquiry_id);
      sqlite3_bind_text(st, 2, accept ? "accepted" : "declined", -1, SQLITE_STATIC);
      sqlite3_bind_int64(st, 3, db_now(db));
      sqlite3_bind_int64(st, 4, user_id);
      if (db_exec_stmt(db, st) != SQLITE_DONE) rc = INQUIRY_STORE_ERROR;
    }
  }
  json_t *msg = NULL;
  if (rc == INQUIRY_STORE_OK && conv) {
    char text[400];
    snprintf(text, sizeof text,
             accept ? "%s 님이 문의를 수락했습니다. (%s accepted the inquiry.)"
                    : "%s 님이 문의를 거절했습니다. (%s declined the inquiry.)",
             name, name);
    if (chat_store_append_system(db, conv, text, &msg) != CHAT_STORE_OK) rc = INQUIRY_STORE_ERROR;
  }
  json_t *inq = rc == INQUIRY_STORE_OK ? inq__load(db, inquiry_id) : NULL; /* inside, as in send */
  if (rc == INQUIRY_STORE_OK && !inq) rc = INQUIRY_STORE_ERROR;
  if (rc == INQUIRY_STORE_OK && db_commit(db) != SQLITE_OK)
    rc = INQUIRY_STORE_ERROR;
  else if (rc != INQUIRY_STORE_OK)
    db_rollback(db);
  if (rc == INQUIRY_STORE_OK) {
    *out = json_pack("{s:o, s:o}", "inquiry", inq, "message", msg ? msg : json_null());
    return INQUIRY_STORE_OK;
  }
  json_decref(inq);
  json_decref(msg);
  return rc;
}

int inquiry_store_get(moa_db *db, int64_t user_id, int64_t inquiry_id, json_t **out) {
  *out = NULL;
  sqlite3_stmt *st = db_stmt(db, INQ_COLS
                             "WHERE i.id = ?1 AND (i.from_user = ?2 OR i.to_org = (SELECT org_id FROM "
                             "users WHERE id = ?2 AND disabled = 0))");
  if (!st) return INQUIRY_STORE_ERROR;
  sqlite3_bind_int64(st, 1, inquiry_id);
  sqlite3_bind_int64(st, 2, user_id);
  int step = db_step(db, st);
  if (step == SQLITE_ROW) *out = inq__json(st);
  sqlite3_reset(st);
  return step == SQLITE_ROW    ? INQUIRY_STORE_OK
         : step == SQLITE_DONE ? INQUIRY_STORE_NOT_FOUND
                               : INQUIRY_STORE_ERROR;
}

int inquiry_store_list(moa_db *db, int64_t user_id, bool received, int limit, json_t **out) {
  *out = NULL;
  limit = limit < 1 ? 1 : limit > INQUIRY_STORE_MAX_LIST ? INQUIRY_STORE_MAX_LIST : limit;
  sqlite3_stmt *st = received ? db_stmt(db, INQ_COLS
                                        "WHERE i.to_org = (SELECT org_id FROM users WHERE id = ?1 AND "
                                        "disabled = 0) ORDER BY i.id DESC LIMIT ?2")
                              : db_stmt(db, INQ_COLS "WHERE i.from_user = ?1 ORDER BY i.id DESC LIMIT ?2");
  if (!st) return INQUIRY_STORE_ERROR;
  sqlite3_bind_int64(st, 1, user_id);
  sqlite3_bind_int(st, 2, limit);
  json_t *list = json_array();
  int step;
  while ((step = db_step(db, st)) == SQLITE_ROW) json_array_append_new(list, inq__json(st));
  sqlite3_reset(st);
  if (step != SQLITE_DONE) {
    json_decref(list);
    return INQUIRY_STORE_ERROR;
  }
  *out = json_pack("{s:o}", "inquiries", list);
  return INQUIRY_STORE_OK;
}

int inquiry_store_block(moa_db *db, int64_t user_id, int64_t org_id, int64_t sender_id, bool block) {
  int64_t org = 0, sender_org = 0;
  int rc = inq__user_org(db, user_id, &org);
  if (rc != INQUIRY_STORE_OK || org != org_id || org == 0)
    return rc == INQUIRY_STORE_ERROR ? rc : INQUIRY_STORE_FORBIDDEN;
  sqlite3_stmt *st = db_stmt(db, "SELECT coalesce(org_id, 0) FROM users WHERE id = ?1");
  if (!st) return INQUIRY_STORE_ERROR;
  sqlite3_bind_int64(st, 1, sender_id);
  bool exists = db_step(db, st) == SQLITE_ROW;
  if (exists) sender_org = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  if (!exists) return INQUIRY_STORE_NOT_FOUND;
  if (sender_org == org_id) return INQUIRY_STORE_FORBIDDEN; /* one's own colleagues */
  if (db_begin(db) != SQLITE_OK) return INQUIRY_STORE_ERROR;
  st = block
           ? db_stmt(db,
                     "INSERT INTO blocks(org_id, user_id, created_by, created_at) VALUES (?1, ?2, ?3, ?4) ON "
                     "CONFLICT DO NOTHING")
           : db_stmt(db,
                     "DELETE FROM blocks WHERE org_id = ?1 AND user_id = ?2 AND ?3 IS NOT NULL AND ?4 IS NOT "
                     "NULL");
  rc = INQUIRY_STORE_ERROR;
  if (st) {
    sqlite3_bind_int64(st, 1, org_id);
    sqlite3_bind_int64(st, 2, sender_id);
    sqlite3_bind_int64(st, 3, user_id);
    sqlite3_bind_int64(st, 4, db_now(db));
    if (db_exec_stmt(db, st) == SQLITE_DONE) rc = INQUIRY_STORE_OK;
  }
  if (rc == INQUIRY_STORE_OK && db_commit(db) == SQLITE_OK) return INQUIRY_STORE_OK;
  db_rollback(db);
  return INQUIRY_STORE_ERROR;
}
