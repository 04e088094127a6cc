/* Guest links and guests (see guest_store.h). Redemption is one transaction: the use is counted
 * with a conditional UPDATE (uses < max_uses AND not expired), so two browsers racing for the
 * last use cannot both get in. */
#include "storage/guest_store.h"

#include <stdio.h>
#include <string.h>

#include "storage/db_ids.h"

static bool clean_name(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n > 400) return false;
  bool visible = false;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p < 0x20 || *p == 0x7f) return false;
    if (*p != ' ') visible = true;
  }
  return visible;
}

int64_t guest_store_create_link(moa_db *db, int64_t meeting_id, const char *role, const char *label,
                                int64_t expires_at, int max_uses, int until_segment, int64_t created_by,
                                char token[SESSION_TOKEN_LEN + 1], char *err, size_t errlen) {
  if (strcmp(role, "guest") && strcmp(role, "press") && strcmp(role, "expert")) {
    snprintf(err, errlen, "\"role\" must be \"guest\", \"press\" or \"expert\"");
    return -1;
  }
  if (strlen(label) > GUEST_LABEL_MAX || (label[0] && !clean_name(label))) {
    snprintf(err, errlen, "\"label\" must be at most %d bytes of plain text", GUEST_LABEL_MAX);
    return -1;
  }
  if (max_uses < 1 || max_uses > GUEST_LINK_MAX_USES) {
    snprintf(err, errlen, "\"max_uses\" must be from 1 to %d", GUEST_LINK_MAX_USES);
    return -1;
  }
  if (expires_at <= db_now(db)) {
    snprintf(err, errlen, "\"expires_at\" must be in the future");
    return -1;
  }
  if (until_segment < 0) {
    snprintf(err, errlen, "\"until_segment\" must be 0 (the whole meeting) or an agenda position");
    return -1;
  }
  if (until_segment > 0) {
    sqlite3_stmt *st = db_stmt(db, "SELECT 1 FROM meeting_segments WHERE meeting_id = ? AND position = ?");
    if (!st) goto dberr;
    sqlite3_bind_int64(st, 1, meeting_id);
    sqlite3_bind_int(st, 2, until_segment);
    bool ok = db_step(db, st) == SQLITE_ROW;
    sqlite3_reset(st);
    if (!ok) {
      snprintf(err, errlen, "\"until_segment\": the agenda has no segment %d", until_segment);
      return -1;
    }
  }
  unsigned char hash[32];
  if (session_token_new(token, hash) != 0) goto dberr;
  sqlite3_stmt *st =
      db_stmt(db,
              "INSERT INTO guest_links(meeting_id, token_hash, role, label, expires_at, max_uses, "
              "until_segment, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!st) goto dberr;
  sqlite3_bind_int64(st, 1, meeting_id);
  sqlite3_bind_blob(st, 2, hash, sizeof hash, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 3, role, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, label, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 5, expires_at);
  sqlite3_bind_int(st, 6, max_uses);
  sqlite3_bind_int(st, 7, until_segment);
  sqlite3_bind_int64(st, 8, created_by);
  sqlite3_bind_int64(st, 9, db_now(db));
  if (db_exec_stmt(db, st) != SQLITE_DONE) goto dberr;
  return sqlite3_last_insert_rowid(db_handle(db));
dberr:
  token[0] = '\0';
  snprintf(err, errlen, "database error: %s", db_errmsg(db));
  return -1;
}

int guest_store_links(moa_db *db, int64_t meeting_id, guest_link_fn fn, void *ctx) {
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT id, role, label, expires_at, max_uses, uses, until_segment "
                             "FROM guest_links WHERE meeting_id = ? ORDER BY id");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, meeting_id);
  int rc, stopped = 0;
  while (!stopped && (rc = db_step(db, st)) == SQLITE_ROW) {
    guest_link l = {.id = sqlite3_column_int64(st, 0),
                    .role = (const char *)sqlite3_column_text(st, 1),
                    .label = (const char *)sqlite3_column_text(st, 2),
                    .expires_at = sqlite3_column_int64(st, 3),
                    .max_uses = sqlite3_column_int(st, 4),
                    .uses = sqlite3_column_int(st, 5),
                    .until_segment = sqlite3_column_int(st, 6)};
    stopped = fn(ctx, &l);
  }
  sqlite3_reset(st);
  return !stopped && rc == SQLITE_DONE ? 0 : -1;
}

guest_status guest_store_redeem(moa_db *db, const char *token, const char *name, int64_t *user_id,
                                guest_info *out) {
  unsigned char hash[32];
  if (!session_token_hash(token, hash)) return GUEST_UNKNOWN;
  if (!clean_name(name) || strlen(name) > 400) return GUEST_INVALID;
  int64_t now = db_now(db);
  sqlite3_stmt *st =
      db_stmt(db,
              "SELECT l.id, l.meeting_id, l.role, l.until_segment, l.expires_at, l.uses, "
              "l.max_uses, m.status = 'cancelled' OR m.last_ends_at <= ?2 "
              "FROM guest_links l JOIN meetings m ON m.id = l.meeting_id WHERE l.token_hash = ?1");
  if (!st) return GUEST_ERROR;
  sqlite3_bind_blob(st, 1, hash, sizeof hash, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 2, now);
  int rc = db_step(db, st);
  if (rc != SQLITE_ROW) {
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? GUEST_UNKNOWN : GUEST_ERROR;
  }
  int64_t link = sqlite3_column_int64(st, 0);
  memset(out, 0, sizeof *out);
  out->meeting_id = sqlite3_column_int64(st, 1);
  snprintf(out->role, sizeof out->role, "%s", (const char *)sqlite3_column_text(st, 2));
  out->until_segment = sqlite3_column_int(st, 3);
  out->link_expires_at = sqlite3_column_int64(st, 4);
  bool used_up = sqlite3_column_int(st, 5) >= sqlite3_column_int(st, 6),
       over = sqlite3_column_int(st, 7) != 0;
  sqlite3_reset(st);
  if (out->link_expires_at <= now || over) return GUEST_EXPIRED;
  if (used_up) return GUEST_USED_UP;
  if (db_begin(db) != SQLITE_OK) return GUEST_ERROR;
  st = db_stmt(db, "UPDATE guest_links SET uses = uses + 1 WHERE id = ? AND uses < max_uses");
  if (!st) goto fail;
  sqlite3_bind_int64(st, 1, link);
  if (db_exec_stmt(db, st) != SQLITE_DONE) goto fail;
  if (sqlite3_changes(db_handle(db)) == 0) {
    db_rollback(db);
    return GUEST_USED_UP;
  }
  char email[96], suffix[SESSION_TOKEN_LEN + 1];
  unsigned char unused[32];
  if (session_token_new(suffix, unused) != 0) goto fail;
  suffix[12] = '\0';
  snprintf(email, sizeof email, "guest-%lld-%s@guest.invalid", (long long)link, suffix);
  /* "!" is no scrypt hash: no password ever matches, a guest cannot sign in with auth.login. */
  st = db_stmt(db, "INSERT INTO users(email, name, password_hash, created_at) VALUES (?, ?, '!', ?)");
  if (!st) goto fail;
  sqlite3_bind_text(st, 1, email, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, now);
  if (db_exec_stmt(db, st) != SQLITE_DONE) goto fail;
  *user_id = sqlite3_last_insert_rowid(db_handle(db));
  st = db_stmt(
      db, "INSERT INTO guests(user_id, meeting_id, link_id, role, until_segment) VALUES (?, ?, ?, ?, ?)");
  if (!st) goto fail;
  sqlite3_bind_int64(st, 1, *user_id);
  sqlite3_bind_int64(st, 2, out->meeting_id);
  sqlite3_bind_int64(st, 3, link);
  sqlite3_bind_text(st, 4, out->role, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 5, out->until_segment);
  if (db_exec_stmt(db, st) != SQLITE_DONE || db_commit(db) != SQLITE_OK) goto fail;
  return GUEST_OK;
fail:
  db_rollback(db);
  return GUEST_ERROR;
}

int guest_store_out_of_scope(moa_db *db, int64_t meeting_id, int position, int64_t **ids, size_t *n) {
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT user_id FROM guests WHERE meeting_id = ? AND until_segment > 0 AND "
                             "until_segment < ? ORDER BY user_id");
  *ids = NULL;
  *n = 0;
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, meeting_id);
  sqlite3_bind_int(st, 2, position);
  return db_ids(db, st, ids, n);
}

int guest_store_of_user(moa_db *db, int64_t user_id, guest_info *out) {
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT g.meeting_id, g.role, g.until_segment, l.expires_at FROM guests g "
                             "JOIN guest_links l ON l.id = g.link_id WHERE g.user_id = ?");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, user_id);
  int rc = db_step(db, st);
  if (rc == SQLITE_ROW) {
    memset(out, 0, sizeof *out);
    out->meeting_id = sqlite3_column_int64(st, 0);
    snprintf(out->role, sizeof out->role, "%s", (const char *)sqlite3_column_text(st, 1));
    out->until_segment = sqlite3_column_int(st, 2);
    out->link_expires_at = sqlite3_column_int64(st, 3);
  }
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}
