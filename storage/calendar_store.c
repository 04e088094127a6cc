/* Calendar feed tokens (see calendar_store.h). */
#include "storage/calendar_store.h"

#include <stdio.h>
#include <string.h>

int calendar_store_token(moa_db *db, int64_t user_id, char token[SESSION_TOKEN_LEN + 1]) {
  sqlite3_stmt *st = db_stmt(db, "SELECT token FROM calendar_tokens WHERE user_id = ?");
  token[0] = '\0';
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, user_id);
  int rc = db_step(db, st);
  if (rc == SQLITE_ROW)
    snprintf(token, SESSION_TOKEN_LEN + 1, "%s", (const char *)sqlite3_column_text(st, 0));
  sqlite3_reset(st);
  if (rc == SQLITE_ROW) return 0;
  if (rc != SQLITE_DONE) return -1;
  unsigned char unused[32];
  if (session_token_new(token, unused) != 0) return -1;
  st = db_stmt(db, "INSERT INTO calendar_tokens(user_id, token, created_at) VALUES (?, ?, ?)");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, user_id);
  sqlite3_bind_text(st, 2, token, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, db_now(db));
  if (db_exec_stmt(db, st) != SQLITE_DONE) {
    token[0] = '\0';
    return -1;
  }
  return 0;
}

int calendar_store_revoke(moa_db *db, int64_t user_id) {
  sqlite3_stmt *st = db_stmt(db, "DELETE FROM calendar_tokens WHERE user_id = ?");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, user_id);
  if (db_exec_stmt(db, st) != SQLITE_DONE) return -1;
  return sqlite3_changes(db_handle(db)) > 0 ? 1 : 0;
}

int64_t calendar_store_user(moa_db *db, const char *token) {
  unsigned char unused[32];
  if (!session_token_hash(token, unused)) return 0; /* shape check only */
  sqlite3_stmt *st = db_stmt(db, "SELECT user_id FROM calendar_tokens WHERE token = ?");
  if (!st) return -1;
  sqlite3_bind_text(st, 1, token, -1, SQLITE_STATIC);
  int rc = db_step(db, st);
  int64_t uid = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_reset(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? uid : -1;
}
