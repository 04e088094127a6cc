/* Pending company sign-ups and their confirmation links (see signup_store.h). */
#include "storage/signup_store.h"

#include <stdio.h>
#include <string.h>

#include "storage/company_profile.h"
#include "storage/company_profile_store.h"
#include "storage/org_store.h"
#include "storage/reference_store.h"

#define FAIL(f, ...)                    \
  do {                                  \
    *field = f;                         \
    snprintf(err, errlen, __VA_ARGS__); \
    return SIGNUP_INVALID;              \
  } while (0)

/* Plain text: no control characters (strings from JSON are valid UTF-8 already). */
static bool signup__plain(const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p < 0x20 || *p == 0x7f) return false;
  return true;
}

/* Copies s without leading and trailing spaces into out (outlen bytes); the trimmed length, or
 * (size_t)-1 when it does not fit. */
static size_t signup__trim(const char *s, char *out, size_t outlen) {
  while (*s == ' ') s++;
  size_t n = strlen(s);
  while (n > 0 && s[n - 1] == ' ') n--;
  if (n >= outlen) return (size_t)-1;
  memcpy(out, s, n);
  out[n] = '\0';
  return n;
}

/* An address the mail can be sent to and written in a header as is: ASCII, one '@', a dot in
 * the domain, none of the characters that quote, group or delimit addresses. */
static bool signup__mailbox(const char *e) {
  if (!user_email_valid(e)) return false;
  const char *at = strchr(e, '@');
  if (!strchr(at + 1, '.') || at[1] == '.' || e[strlen(e) - 1] == '.') return false;
  for (const unsigned char *p = (const unsigned char *)e; *p; p++)
    if (*p >= 0x7f || strchr("<>()[]\\,;:\"", *p)) return false;
  return true;
}

signup_result signup_check(const signup_input *in, signup_rec *out, const char **field, char *err,
                           size_t errlen) {
  memset(out, 0, sizeof *out);
  if (!in->email || signup__trim(in->email, out->email, sizeof out->email) == (size_t)-1 ||
      !signup__mailbox(out->email))
    FAIL("email", "email: not a valid e-mail address");
  size_t n;
  if (!in->name || (n = signup__trim(in->name, out->name, sizeof out->name)) == (size_t)-1 || n == 0 ||
      !signup__plain(out->name))
    FAIL("name", "name: 1 to %d bytes of plain text", USER_NAME_MAX);
  if (!in->company || (n = signup__trim(in->company, out->company, sizeof out->company)) == (size_t)-1 ||
      n == 0 || !signup__plain(out->company))
    FAIL("company", "company: 1 to %d bytes of plain text", SIGNUP_COMPANY_MAX);
  if (!in->bizno || !cp_bizno_valid(in->bizno))
    FAIL("bizno", "bizno: not a valid business registration number (10 digits, the last a check digit)");
  char *d = out->bizno;
  for (const char *p = in->bizno; *p; p++)
    if (*p != '-') *d++ = *p;
  *d = '\0';
  char canon[CP_VALUE_MAX], as_of[CP_DATE_LEN], why[160];
  cp_change region = {.attr = CP_REGION, .value = in->region, .source = CP_SOURCE_ENTERED};
  if (!in->region || strlen(in->region) >= sizeof out->region ||
      cp_check(&region, "2000-01-01", canon, as_of, why, sizeof why) != 0)
    FAIL("region",
         "region: one of 서울, 부산, 대구, 인천, 광주, 대전, 울산, 세종, 경기, 강원, 충북, 충남, 전북, "
         "전남, 경북, 경남, 제주");
  snprintf(out->region, sizeof out->region, "%s", canon);
  const char *pw = in->password ? password_policy_error(in->password) : "password is required";
  if (pw) FAIL("password", "%s", pw);
  if (!in->lang || (strcmp(in->lang, "ko") != 0 && strcmp(in->lang, "en") != 0))
    FAIL("lang", "lang: \"ko\" or \"en\"");
  snprintf(out->lang, sizeof out->lang, "%s", in->lang);
  return SIGNUP_OK;
}

/* 1 when a user has this e-mail, 0 when not, -1 on error. */
static int signup__email_taken(moa_db *db, const char *email) {
  sqlite3_stmt *st = db_stmt(db, "SELECT 1 FROM users WHERE email = ?");
  if (!st) return -1;
  sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
  int rc = db_step(db, st);
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static int signup__bizno_taken(moa_db *db, const char *bizno) {
  sqlite3_stmt *st = db_stmt(db, "SELECT 1 FROM org_attributes WHERE attr = 'biz_no' AND value = ?");
  if (!st) return -1;
  sqlite3_bind_text(st, 1, bizno, -1, SQLITE_STATIC);
  int rc = db_step(db, st);
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* How many sign-ups were begun since since, and the oldest of them (for retry_after). */
static int signup__count(moa_db *db, sqlite3_stmt *st, const char *key, int64_t since, int64_t *oldest) {
  if (!st) return -1;
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, since);
  int n = -1;
  if (db_step(db, st) == SQLITE_ROW) {
    n = sqlite3_column_int(st, 0);
    *oldest = sqlite3_column_int64(st, 1);
  }
  sqlite3_reset(st);
  return n;
}

signup_result signup_store_precheck(moa_db *db, const signup_rec *r, int64_t now, int64_t *retry_after) {
  int taken = signup__email_taken(db, r->email);
  if (taken) return taken > 0 ? SIGNUP_EMAIL_TAKEN : SIGNUP_DB_ERROR;
  taken = signup__bizno_taken(db, r->bizno);
  if (taken) return taken > 0 ? SIGNUP_BIZNO_TAKEN : SIGNUP_DB_ERROR;
  int64_t since = now - SIGNUP_WINDOW, oldest = 0;
  int by_addr = signup__count(
      db,
      db_stmt(
          db,
          "SELECT count(*), coalesce(min(created_at), 0) FROM signups WHERE address = ? AND created_at > ?"),
      r->address, since, &oldest);
  if (by_addr < 0) return SIGNUP_DB_ERROR;
  if (by_addr >= SIGNUP_PER_NETADDR) {
    if (retry_after) *retry_after = oldest + SIGNUP_WINDOW - now;
    return SIGNUP_RATE_LIMITED;
  }
  int by_mail = signup__count(
      db,
      db_stmt(
          db,
          "SELECT count(*), coalesce(min(created_at), 0) FROM signups WHERE email = ? AND created_at > ?"),
      r->email, since, &oldest);
  if (by_mail < 0) return SIGNUP_DB_ERROR;
  if (by_mail >= SIGNUP_PER_EMAIL) {
    if (retry_after) *retry_after = oldest + SIGNUP_WINDOW - now;
    return SIGNUP_RATE_LIMITED;
  }
  return SIGNUP_OK;
}

signup_result signup_store_begin(moa_db *db, const signup_rec *r, int64_t now,
                                 char token[SESSION_TOKEN_LEN + 1], int64_t *expires_at, int64_t *id,
                                 int64_t *retry_after) {
  unsigned char hash[32];
  if (session_token_new(token, hash) != 0) return SIGNUP_DB_ERROR;
  if (db_begin(db) != SQLITE_OK) return SIGNUP_DB_ERROR;
  signup_result res = signup_store_precheck(db, r, now, retry_after);
  if (res != SIGNUP_OK) goto fail;
  res = SIGNUP_DB_ERROR;
  sqlite3_stmt *st =
      db_stmt(db, "UPDATE signups SET state = 'superseded' WHERE email = ? AND state = 'pending'");
  if (!st) goto fail;
  sqlite3_bind_text(st, 1, r->email, -1, SQLITE_STATIC);
  if (db_exec_stmt(db, st) != SQLITE_DONE) goto fail;
  st = db_stmt(db,
               "INSERT INTO signups(token_hash, email, name, company, bizno, region, lang, password_hash, "
               "address, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!st) goto fail;
  sqlite3_bind_blob(st, 1, hash, sizeof hash, SQLITE_STATIC);
  const char *text[] = {r->email,  r->name, r->company,       r->bizno,
                        r->region, r->lang, r->password_hash, r->address};
  for (int i = 0; i < 8; i++) sqlite3_bind_text(st, i + 2, text[i], -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 10, now);
  sqlite3_bind_int64(st, 11, now + SIGNUP_TTL);
  if (db_exec_stmt(db, st) != SQLITE_DONE) goto fail;
  *id = sqlite3_last_insert_rowid(db_handle(db));
  if (db_commit(db) != SQLITE_OK) goto fail;
  *expires_at = now + SIGNUP_TTL;
  return SIGNUP_OK;
fail:
  db_rollback(db);
  memset(token, 0, SESSION_TOKEN_LEN + 1);
  return res;
}

signup_result signup_store_cancel(moa_db *db, int64_t id) {
  if (db_begin(db) != SQLITE_OK) return SIGNUP_DB_ERROR;
  /* The newest of the others superseded, still unexpired, is the address's link again. */
  sqlite3_stmt *st =
      db_stmt(db,
              "UPDATE signups SET state = 'pending' WHERE id = (SELECT o.id FROM signups o JOIN "
              "signups c ON c.id = ?1 AND o.email = c.email AND o.id <> c.id WHERE o.state = "
              "'superseded' AND o.expires_at > c.created_at ORDER BY o.id DESC LIMIT 1)");
  if (!st) goto fail;
  sqlite3_bind_int64(st, 1, id);
  if (db_exec_stmt(db, st) != SQLITE_DONE) goto fail;
  st = db_stmt(db, "DELETE FROM signups WHERE id = ? AND state = 'pending'");
  if (!st) goto fail;
  sqlite3_bind_int64(st, 1, id);
  if (db_exec_stmt(db, st) != SQLITE_DONE) goto fail;
  if (db_commit(db) != SQLITE_OK) goto fail;
  return SIGNUP_OK;
fail:
  db_rollback(db);
  return SIGNUP_DB_ERROR;
}

static void signup__col(char *dst, size_t n, sqlite3_stmt *st, int col) {
  const unsigned char *s = sqlite3_column_text(st, col);
  snprintf(dst, n, "%s", s ? (const char *)s : "");
}

signup_result signup_store_confirm(moa_db *db, const char *token, int64_t now, int64_t *user_id,
                                   char *email) {
  unsigned char hash[32];
  if (email) email[0] = '\0';
  if (!session_token_hash(token, hash)) return SIGNUP_NOT_FOUND;
  if (db_begin(db) != SQLITE_OK) return SIGNUP_DB_ERROR;
  signup_result res = SIGNUP_DB_ERROR;
  sqlite3_stmt *st =
      db_stmt(db,
              "SELECT id, email, name, company, bizno, region, password_hash, expires_at, state "
              "FROM signups WHERE token_hash = ?");
  if (!st) goto fail;
  sqlite3_bind_blob(st, 1, hash, sizeof hash, SQLITE_STATIC);
  int rc = db_step(db, st);
  if (rc != SQLITE_ROW) {
    sqlite3_reset(st);
    if (rc == SQLITE_DONE) res = SIGNUP_NOT_FOUND;
    goto fail;
  }
  signup_rec r;
  int64_t sid = sqlite3_column_int64(st, 0), expires = sqlite3_column_int64(st, 7);
  char state[16];
  signup__col(r.email, sizeof r.email, st, 1);
  signup__col(r.name, sizeof r.name, st, 2);
  signup__col(r.company, sizeof r.company, st, 3);
  signup__col(r.bizno, sizeof r.bizno, st, 4);
  signup__col(r.region, sizeof r.region, st, 5);
  signup__col(r.password_hash, sizeof r.password_hash, st, 6);
  signup__col(state, sizeof state, st, 8);
  sqlite3_reset(st);
  if (email) snprintf(email, EMAIL_MAX + 1, "%s", r.email);
  if (!strcmp(state, "confirmed"))
    res = SIGNUP_USED;
  else if (!strcmp(state, "superseded"))
    res = SIGNUP_SUPERSEDED;
  else if (now >= expires)
    res = SIGNUP_EXPIRED;
  else {
    int email_taken = signup__email_taken(db, r.email);
    int bizno_taken = email_taken == 0 ? signup__bizno_taken(db, r.bizno) : 0;
    res = email_taken < 0 || bizno_taken < 0 ? SIGNUP_DB_ERROR
          : email_taken                      ? SIGNUP_EMAIL_TAKEN
          : bizno_taken                      ? SIGNUP_BIZNO_TAKEN
                                             : SIGNUP_OK;
  }
  if (res != SIGNUP_OK) goto fail;
  res = SIGNUP_DB_ERROR;
  int64_t region_id = reference_store_region_id(db, r.region);
  if (region_id < 0) goto fail;
  org_record o = {.kind = "company", .name = r.company, .region_id = region_id};
  int64_t org_id = org_store_insert(db, &o);
  if (org_id < 0) goto fail;
  char today[CP_DATE_LEN], why[200];
  company_profile_today(now, today);
  cp_change ch[2] = {{.attr = CP_BIZ_NO, .value = r.bizno, .source = CP_SOURCE_ENTERED},
                     {.attr = CP_REGION, .value = r.region, .source = CP_SOURCE_ENTERED}};
  if (company_profile_write(db, org_id, ch, 2, today, now, 0, why, sizeof why, NULL) != STORE_OK) goto fail;
  int64_t uid = user_store_add(db, r.email, r.name, r.password_hash, org_id, false, why, sizeof why);
  if (uid < 0) goto fail;
  st = db_stmt(db, "UPDATE users SET kind = 'company' WHERE id = ?");
  if (!st) goto fail;
  sqlite3_bind_int64(st, 1, uid);
  if (db_exec_stmt(db, st) != SQLITE_DONE) goto fail;
  st = db_stmt(db, "UPDATE signups SET state = 'confirmed', confirmed_at = ?, user_id = ? WHERE id = ?");
  if (!st) goto fail;
  sqlite3_bind_int64(st, 1, now);
  sqlite3_bind_int64(st, 2, uid);
  sqlite3_bind_int64(st, 3, sid);
  if (db_exec_stmt(db, st) != SQLITE_DONE) goto fail;
  if (db_commit(db) != SQLITE_OK) goto fail;
  *user_id = uid;
  return SIGNUP_OK;
fail:
  db_rollback(db);
  return res;
}
