/* Sessions (see session_store.h). */
#include "storage/session_store.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <string.h>

static void b64url(const unsigned char *in, size_t n, char *out) {
  static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  size_t o = 0;
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = (uint32_t)in[i] << 16;
    if (i + 1 < n) v |= (uint32_t)in[i + 1] << 8;
    if (i + 2 < n) v |= in[i + 2];
    out[o++] = a[(v >> 18) & 63];
    out[o++] = a[(v >> 12) & 63];
    if (i + 1 < n) out[o++] = a[(v >> 6) & 63];
    if (i + 2 < n) out[o++] = a[v & 63];
  }
  out[o] = '\0';
}

static bool token_valid(const char *t) {
  if (!t || strlen(t) != SESSION_TOKEN_LEN) return false;
  for (const char *p = t; *p; p++)
    if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
          *p == '_'))
      return false;
  return true;
}

int session_token_new(char token[SESSION_TOKEN_LEN + 1], unsigned char hash[32]) {
  unsigned char raw[32];
  if (RAND_bytes(raw, sizeof raw) != 1) return -1;
  b64url(raw, sizeof raw, token);
  SHA256((const unsigned char *)token, SESSION_TOKEN_LEN, hash);
  return 0;
}

bool session_token_hash(const char *token, unsigned char hash[32]) {
  if (!token_valid(token)) return false;
  SHA256((const unsigned char *)token, SESSION_TOKEN_LEN, hash);
  return true;
}

int session_store_create(moa_db *db, int64_t user_id, int64_t ttl, const char *address,
                         char token[SESSION_TOKEN_LEN + 1], int64_t *expires_at) {
  unsigned char raw[32], hash[SHA256_DIGEST_LENGTH];
  if (RAND_bytes(raw, sizeof raw) != 1) return -1;
  b64url(raw, sizeof raw, token);
  SHA256((const unsigned char *)token, SESSION_TOKEN_LEN, hash);
  int64_t now = db_now(db);
  sqlite3_stmt *st = db_stmt(db,
                             "INSERT INTO sessions(token_hash, user_id, created_at, expires_at, address) "
                             "VALUES (?, ?, ?, ?, ?)");
  if (!st) return -1;
  sqlite3_bind_blob(st, 1, hash, sizeof hash, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, user_id);
  sqlite3_bind_int64(st, 3, now);
  sqlite3_bind_int64(st, 4, now + ttl);
  sqlite3_bind_text(st, 5, address ? address : "", -1, SQLITE_STATIC);
  if (db_exec_stmt(db, st) != SQLITE_DONE) {
    token[0] = '\0';
    return -1;
  }
  if (expires_at) *expires_at = now + ttl;
  return 0;
}

int64_t session_store_lookup(moa_db *db, const char *token, int64_t *expires_at) {
  if (!token_valid(token)) return 0;
  unsigned char hash[SHA256_DIGEST_LENGTH];
  SHA256((const unsigned char *)token, SESSION_TOKEN_LEN, hash);
  sqlite3_stmt *st =
      db_stmt(db,
              "SELECT s.user_id, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id "
              "WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled = 0");
  if (!st) return -1;
  sqlite3_bind_blob(st, 1, hash, sizeof hash, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, db_now(db));
  int64_t user = 0;
  int rc = db_step(db, st);
  if (rc == SQLITE_ROW) {
    user = sqlite3_column_int64(st, 0);
    if (expires_at) *expires_at = sqlite3_column_int64(st, 1);
  } else if (rc != SQLITE_DONE) {
    user = -1;
  }
  sqlite3_reset(st);
  return user;
}

int session_store_delete(moa_db *db, const char *token) {
  if (!token_valid(token)) return 0;
  unsigned char hash[SHA256_DIGEST_LENGTH];
  SHA256((const unsigned char *)token, SESSION_TOKEN_LEN, hash);
  sqlite3_stmt *st = db_stmt(db, "DELETE FROM sessions WHERE token_hash = ?");
  if (!st) return -1;
  sqlite3_bind_blob(st, 1, hash, sizeof hash, SQLITE_STATIC);
  if (db_exec_stmt(db, st) != SQLITE_DONE) return -1;
  return sqlite3_changes(db_handle(db)) > 0 ? 1 : 0;
}

int session_store_purge_expired(moa_db *db) {
  sqlite3_stmt *st = db_stmt(db, "DELETE FROM sessions WHERE expires_at <= ?");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, db_now(db));
  if (db_exec_stmt(db, st) != SQLITE_DONE) return -1;
  return sqlite3_changes(db_handle(db));
}

session_status session_store_check(moa_db *db, const char *token, int64_t user_id) {
  unsigned char hash[SHA256_DIGEST_LENGTH];
  bool have_token = token && token[0];
  if (have_token && !token_valid(token)) return SESSION_ENDED;
  if (have_token) SHA256((const unsigned char *)token, SESSION_TOKEN_LEN, hash);
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT u.disabled, s.expires_at FROM users u LEFT JOIN sessions s "
                             "ON s.token_hash = ?1 AND s.user_id = u.id WHERE u.id = ?2");
  if (!st) return SESSION_CHECK_ERROR;
  if (have_token)
    sqlite3_bind_blob(st, 1, hash, sizeof hash, SQLITE_STATIC);
  else
    sqlite3_bind_null(st, 1);
  sqlite3_bind_int64(st, 2, user_id);
  session_status status;
  int rc = db_step(db, st);
  if (rc == SQLITE_ROW) {
    if (sqlite3_column_int(st, 0) != 0)
      status = SESSION_DISABLED;
    else if (!have_token)
      status = SESSION_LIVE;
    else if (sqlite3_column_type(st, 1) == SQLITE_NULL)
      status = SESSION_ENDED;
    else
      status = sqlite3_column_int64(st, 1) > db_now(db) ? SESSION_LIVE : SESSION_EXPIRED;
  } else {
    status = rc == SQLITE_DONE ? SESSION_DISABLED : SESSION_CHECK_ERROR;
  }
  sqlite3_reset(st);
  return status;
}

int64_t session_store_auth_epoch(moa_db *db) {
  sqlite3_stmt *st = db_stmt(db, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'auth_epoch'");
  if (!st) return -1;
  int rc = db_step(db, st);
  int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : rc == SQLITE_DONE ? 0 : -1;
  sqlite3_reset(st);
  return v;
}
