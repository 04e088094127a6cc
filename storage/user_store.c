/* Users and roles (see user_store.h). */
#include "storage/user_store.h"

#include <stdio.h>
#include <string.h>

#define LOCK_AFTER 5
#define LOCK_BASE_S 60
#define LOCK_MAX_S 3600

bool user_email_valid(const char *email) {
  size_t n = strlen(email);
  if (n < 3 || n > EMAIL_MAX) return false;
  const char *at = strchr(email, '@');
  if (!at || at == email || at[1] == '\0' || strchr(at + 1, '@')) return false;
  for (const unsigned char *p = (const unsigned char *)email; *p; p++)
    if (*p <= ' ' || *p == 0x7f) return false;
  return true;
}

static void copy_col(char *dst, size_t dstlen, sqlite3_stmt *st, int col) {
  const unsigned char *s = sqlite3_column_text(st, col);
  snprintf(dst, dstlen, "%s", s ? (const char *)s : "");
}

#define USER_COLS                                                                                          \
  "id, email, name, coalesce(org_id, 0), is_admin, disabled, failed_logins, locked_until, password_hash, " \
  "kind"

static int fill_user(moa_db *db, sqlite3_stmt *st, user_rec *out) {
  int rc = db_step(db, st);
  if (rc == SQLITE_ROW) {
    memset(out, 0, sizeof *out);
    out->id = sqlite3_column_int64(st, 0);
    copy_col(out->email, sizeof out->email, st, 1);
    copy_col(out->name, sizeof out->name, st, 2);
    out->org_id = sqlite3_column_int64(st, 3);
    out->is_admin = sqlite3_column_int(st, 4) != 0;
    out->disabled = sqlite3_column_int(st, 5) != 0;
    out->failed_logins = sqlite3_column_int(st, 6);
    out->locked_until = sqlite3_column_int64(st, 7);
    copy_col(out->password_hash, sizeof out->password_hash, st, 8);
    out->company = strcmp((const char *)sqlite3_column_text(st, 9), "company") == 0;
  }
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int user_store_find_by_email(moa_db *db, const char *email, user_rec *out) {
  sqlite3_stmt *st = db_stmt(db, "SELECT " USER_COLS " FROM users WHERE email = ?");
  if (!st) return -1;
  sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
  return fill_user(db, st, out);
}

int user_store_find_by_id(moa_db *db, int64_t id, user_rec *out) {
  sqlite3_stmt *st = db_stmt(db, "SELECT " USER_COLS " FROM users WHERE id = ?");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, id);
  return fill_user(db, st, out);
}

int64_t user_store_add(moa_db *db, const char *email, const char *name, const char *password_hash,
                       int64_t org_id, bool is_admin, char *err, size_t errlen) {
  if (!user_email_valid(email)) {
    snprintf(err, errlen, "invalid email address: %s", email);
    return -1;
  }
  size_t nl = strlen(name);
  if (nl == 0 || nl > USER_NAME_MAX) {
    snprintf(err, errlen, "name must have 1 to %d bytes", USER_NAME_MAX);
    return -1;
  }
  sqlite3_stmt *st = db_stmt(db,
                             "INSERT INTO users(email, name, org_id, password_hash, is_admin) "
                             "VALUES (?, ?, nullif(?, 0), ?, ?)");
  if (!st) goto fail;
  sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, org_id);
  sqlite3_bind_text(st, 4, password_hash, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 5, is_admin ? 1 : 0);
  int rc = db_exec_stmt(db, st);
  if (rc == SQLITE_CONSTRAINT_UNIQUE) {
    snprintf(err, errlen, "a user with email %s already exists", email);
    return -1;
  }
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
    snprintf(err, errlen, "no organization with id %lld", (long long)org_id);
    return -1;
  }
  if (rc != SQLITE_DONE) goto fail;
  return sqlite3_last_insert_rowid(db_handle(db));
fail:
  snprintf(err, errlen, "database error: %s", db_errmsg(db));
  return -1;
}

int user_store_set_role(moa_db *db, int64_t user_id, int64_t consortium_id, consortium_role role) {
  sqlite3_stmt *st;
  if (role == ROLE_NONE) {
    st = db_stmt(db, "DELETE FROM user_roles WHERE user_id = ? AND consortium_id = ?");
    if (!st) return -1;
  } else {
    st = db_stmt(db,
                 "INSERT INTO user_roles(user_id, consortium_id, role) VALUES (?, ?, ?) "
                 "ON CONFLICT(user_id, consortium_id) DO UPDATE SET role = excluded.role");
    if (!st) return -1;
    sqlite3_bind_text(st, 3, role == ROLE_COORDINATOR ? "coordinator" : "member", -1, SQLITE_STATIC);
  }
  sqlite3_bind_int64(st, 1, user_id);
  sqlite3_bind_int64(st, 2, consortium_id);
  return db_exec_stmt(db, st) == SQLITE_DONE ? 0 : -1;
}

consortium_role user_store_role_in(moa_db *db, int64_t user_id, int64_t consortium_id) {
  sqlite3_stmt *st = db_stmt(db, "SELECT role FROM user_roles WHERE user_id = ? AND consortium_id = ?");
  if (!st) return ROLE_NONE;
  sqlite3_bind_int64(st, 1, user_id);
  sqlite3_bind_int64(st, 2, consortium_id);
  consortium_role r = ROLE_NONE;
  if (db_step(db, st) == SQLITE_ROW)
    r = strcmp((const char *)sqlite3_column_text(st, 0), "coordinator") == 0 ? ROLE_COORDINATOR : ROLE_MEMBER;
  sqlite3_reset(st);
  return r;
}

static int update_user_int(moa_db *db, sqlite3_stmt *st, int64_t v, int64_t user_id) {
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, v);
  sqlite3_bind_int64(st, 2, user_id);
  if (db_exec_stmt(db, st) != SQLITE_DONE) return -1;
  return sqlite3_changes(db_handle(db)) == 1 ? 0 : -1;
}

/* Ends db_begin_own's transaction: commits when rc is 0, else rolls back; rc, or -1 when the
 * commit failed. */
static int user__end(moa_db *db, bool own, int rc) { return db_end_own(db, own, rc == 0) ? rc : -1; }

/* The flag and the end of the user's sessions go together (one transaction): a disabled account
 * keeps no session. */
int user_store_set_disabled(moa_db *db, int64_t user_id, bool disabled) {
  bool own;
  if (!db_begin_own(db, &own)) return -1;
  int rc = update_user_int(db, db_stmt(db, "UPDATE users SET disabled = ? WHERE id = ?"), disabled, user_id);
  if (rc == 0 && disabled) {
    sqlite3_stmt *st = db_stmt(db, "DELETE FROM sessions WHERE user_id = ?");
    if (st) sqlite3_bind_int64(st, 1, user_id);
    if (!st || db_exec_stmt(db, st) != SQLITE_DONE) rc = -1;
  }
  return user__end(db, own, rc);
}

/* The new hash and the end of every existing session go together (one transaction). */
int user_store_set_password(moa_db *db, int64_t user_id, const char *password_hash) {
  bool own;
  if (!db_begin_own(db, &own)) return -1;
  int rc = -1;
  sqlite3_stmt *st = db_stmt(db,
                             "UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = 0 "
                             "WHERE id = ?");
  if (st) {
    sqlite3_bind_text(st, 1, password_hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, user_id);
    if (db_exec_stmt(db, st) == SQLITE_DONE && sqlite3_changes(db_handle(db)) == 1) {
      st = db_stmt(db, "DELETE FROM sessions WHERE user_id = ?");
      if (st) {
        sqlite3_bind_int64(st, 1, user_id);
        rc = db_exec_stmt(db, st) == SQLITE_DONE ? 0 : -1;
      }
    }
  }
  return user__end(db, own, rc);
}

int64_t user_store_record_failure(moa_db *db, int64_t user_id, int64_t now) {
  user_rec u;
  if (user_store_find_by_id(db, user_id, &u) != 1) return -1;
  int failures = u.failed_logins + 1;
  int64_t until = 0;
  if (failures >= LOCK_AFTER) {
    int shift = failures - LOCK_AFTER;
    int64_t secs = shift >= 6 ? LOCK_MAX_S : (int64_t)LOCK_BASE_S << shift;
    if (secs > LOCK_MAX_S) secs = LOCK_MAX_S;
    until = now + secs;
  }
  sqlite3_stmt *st = db_stmt(db, "UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?");
  if (!st) return -1;
  sqlite3_bind_int(st, 1, failures);
  sqlite3_bind_int64(st, 2, until);
  sqlite3_bind_int64(st, 3, user_id);
  return db_exec_stmt(db, st) == SQLITE_DONE ? until : -1;
}

int user_store_record_success(moa_db *db, int64_t user_id) {
  sqlite3_stmt *st = db_stmt(db,
                             "UPDATE users SET failed_logins = 0, locked_until = 0 "
                             "WHERE id = ? AND (failed_logins != 0 OR locked_until != 0)");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, user_id);
  return db_exec_stmt(db, st) == SQLITE_DONE ? 0 : -1;
}

#define TEXT(st, col) ((const char *)sqlite3_column_text(st, col))

int user_store_me(moa_db *db, int64_t user_id, user_me_fn fn, void *arg) {
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT u.id, u.email, u.name, u.is_admin, o.id, o.name, o.kind, u.kind "
                             "FROM users u LEFT JOIN organizations o ON o.id = u.org_id WHERE u.id = ?");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, user_id);
  int rc = db_step(db, st);
  if (rc == SQLITE_ROW) {
    bool org = sqlite3_column_type(st, 4) != SQLITE_NULL;
    user_me me = {.id = sqlite3_column_int64(st, 0),
                  .email = TEXT(st, 1),
                  .name = TEXT(st, 2),
                  .kind = TEXT(st, 7),
                  .is_admin = sqlite3_column_int(st, 3) != 0,
                  .org_id = org ? sqlite3_column_int64(st, 4) : 0,
                  .org_name = org ? TEXT(st, 5) : NULL,
                  .org_kind = org ? TEXT(st, 6) : NULL};
    fn(arg, &me);
  }
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int user_store_memberships(moa_db *db, int64_t user_id, user_membership_fn fn, void *arg) {
  sqlite3_stmt *st =
      db_stmt(db,
              "SELECT c.id, c.name_ko, c.name_en, r.role FROM user_roles r "
              "JOIN consortia c ON c.id = r.consortium_id WHERE r.user_id = ? AND c.active = 1 "
              "ORDER BY c.id");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, user_id);
  int rc;
  while ((rc = db_step(db, st)) == SQLITE_ROW) {
    user_membership m = {sqlite3_column_int64(st, 0), TEXT(st, 1), TEXT(st, 2), TEXT(st, 3)};
    fn(arg, &m);
  }
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? 0 : -1;
}

int user_store_list(moa_db *db, user_summary_fn fn, void *arg) {
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT u.id, u.email, u.name, coalesce(u.org_id, 0), u.is_admin, u.disabled, "
                             "(SELECT group_concat(r.role || ':' || r.consortium_id, ' ') FROM user_roles r "
                             " WHERE r.user_id = u.id) FROM users u ORDER BY u.id");
  if (!st) return -1;
  int rc;
  while ((rc = db_step(db, st)) == SQLITE_ROW) {
    user_summary u = {sqlite3_column_int64(st, 0),
                      TEXT(st, 1),
                      TEXT(st, 2),
                      sqlite3_column_int64(st, 3),
                      sqlite3_column_int(st, 4) != 0,
                      sqlite3_column_int(st, 5) != 0,
                      TEXT(st, 6)};
    fn(arg, &u);
  }
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? 0 : -1;
}

int user_store_consortium_people(moa_db *db, int64_t consortium_id, user_person_fn fn, void *arg) {
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT u.id, u.name, u.email, r.role, o.id, o.name FROM user_roles r "
                             "JOIN users u ON u.id = r.user_id LEFT JOIN organizations o ON o.id = u.org_id "
                             "WHERE r.consortium_id = ? AND u.disabled = 0 ORDER BY r.role DESC, u.name");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, consortium_id);
  int rc;
  while ((rc = db_step(db, st)) == SQLITE_ROW) {
    bool org = sqlite3_column_type(st, 4) != SQLITE_NULL;
    user_person p = {sqlite3_column_int64(st, 0),
                     TEXT(st, 1),
                     TEXT(st, 2),
                     TEXT(st, 3),
                     org ? sqlite3_column_int64(st, 4) : 0,
                     org ? TEXT(st, 5) : NULL};
    fn(arg, &p);
  }
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? 0 : -1;
}
