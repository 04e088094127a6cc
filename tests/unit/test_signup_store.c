/* Unit tests of storage/signup_store (company self sign-up) on an in-memory database: the field
 * checks (a wrong check digit, a bad region, a short password, header-breaking e-mails), the
 * token kept only as its hash, a link that confirms once and creates organization, profile and
 * user (kind company, in no consortium), expired, reused, superseded and made-up links, e-mails
 * and business numbers already registered, the rate limits per network address and per e-mail,
 * cancelling a sign-up whose mail failed, org_store_admit, and that a write failing at any step
 * (fault injection) leaves nothing half written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// clang-format off: cmocka.h needs the headers above
#include <cmocka.h>
// clang-format on

#include "storage/company_profile_store.h"
#include "storage/db.h"
#include "storage/embedded.h"
#include "storage/org_store.h"
#include "storage/reference_store.h"
#include "storage/signup_store.h"
#include "store_test_support.h"

#define NOW INT64_C(1796000000)

static signup_input input(void) {
  signup_input in = {.email = " ceo@hanbit-robotics.example ",
                     .name = "한빛나",
                     .company = "(주)한빛로보틱스",
                     .bizno = "305-87-04125",
                     .region = "대전",
                     .password = "hanbit-signup-2026",
                     .lang = "ko"};
  return in;
}

/* A checked record as signaling makes it (the hash is a stand-in: the store keeps it as is). */
static signup_rec record(signup_input in, const char *address) {
  signup_rec r;
  const char *field = NULL;
  char err[200];
  assert_int_equal(signup_check(&in, &r, &field, err, sizeof err), SIGNUP_OK);
  snprintf(r.password_hash, sizeof r.password_hash, "$scrypt$stand-in");
  snprintf(r.address, sizeof r.address, "%s", address);
  return r;
}

static int64_t count(moa_db *db, const char *sql) {
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  int64_t n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return n;
}

static void test_check_fields(void **state) {
  (void)state;
  struct {
    const char *field;
    signup_input in;
  } bad[] = {
      {"bizno", input()}, {"bizno", input()}, {"bizno", input()}, {"region", input()},  {"password", input()},
      {"email", input()}, {"email", input()}, {"email", input()}, {"name", input()},    {"company", input()},
      {"lang", input()},  {"email", input()}, {"name", input()},  {"company", input()},
  };
  bad[0].in.bizno = "305-87-04126"; /* wrong check digit */
  bad[1].in.bizno = "30587041";     /* too short */
  bad[2].in.bizno = "305-8704-125"; /* hyphens in the wrong places */
  bad[3].in.region = "평양";
  bad[4].in.password = "short";
  bad[5].in.email = "ceo@hanbit\r\nBcc: all@victims.example"; /* header injection */
  bad[6].in.email = "\"a,b\"@x.example";
  bad[7].in.email = "사장@한빛.example"; /* not ASCII: not writable in a header as is */
  bad[8].in.name = "   ";
  bad[9].in.company = "(주)한빛\n로보틱스";
  bad[10].in.lang = "fr";
  bad[11].in.email = "ceo@localhost";
  bad[12].in.name = "한\x07빛";
  bad[13].in.company = NULL;
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    signup_rec r;
    const char *field = NULL;
    char err[200] = "";
    assert_int_equal(signup_check(&bad[i].in, &r, &field, err, sizeof err), SIGNUP_INVALID);
    assert_non_null(field);
    assert_string_equal(field, bad[i].field);
    assert_non_null(strstr(err, bad[i].field)); /* the message names it */
  }
  signup_rec r = record(input(), "198.51.100.7");
  assert_string_equal(r.email, "ceo@hanbit-robotics.example"); /* trimmed */
  assert_string_equal(r.bizno, "3058704125");                  /* canonical */
  assert_string_equal(r.region, "대전");
}

/* An org_profile_fn writing "kind region" into the buffer arg (64 bytes). */
static void kind_and_region(void *arg, const org_profile *o) {
  snprintf(arg, 64, "%s %s", o->kind ? o->kind : "(null)", o->region ? o->region : "(null)");
}

static void test_confirm_once(void **state) {
  moa_db *db = *state;
  signup_rec r = record(input(), "198.51.100.7");
  char token[SESSION_TOKEN_LEN + 1];
  int64_t expires = 0, id = 0, retry = 0, uid = 0;
  assert_int_equal(signup_store_begin(db, &r, NOW, token, &expires, &id, &retry), SIGNUP_OK);
  assert_int_equal(strlen(token), SESSION_TOKEN_LEN);
  assert_int_equal(expires, NOW + SIGNUP_TTL);
  /* Only the hash is kept: the token's text is nowhere in the row. */
  assert_int_equal(
      count(db, "SELECT count(*) FROM signups WHERE length(token_hash) = 32 AND state = 'pending'"), 1);
  user_rec u;
  assert_int_equal(user_store_find_by_email(db, r.email, &u), 0); /* no account before the link */
  char email[EMAIL_MAX + 1];
  assert_int_equal(signup_store_confirm(db, token, NOW + 60, &uid, email), SIGNUP_OK);
  assert_string_equal(email, "ceo@hanbit-robotics.example");
  assert_int_equal(user_store_find_by_id(db, uid, &u), 1);
  assert_true(u.company);
  assert_string_equal(u.name, "한빛나");
  assert_string_equal(u.password_hash, "$scrypt$stand-in");
  assert_true(u.org_id > 0);
  assert_int_equal(count(db,
                         "SELECT count(*) FROM memberships m JOIN users u ON u.org_id = m.org_id "
                         "WHERE u.email = 'ceo@hanbit-robotics.example'"),
                   0); /* in no consortium */
  assert_int_equal(count(db,
                         "SELECT count(*) FROM user_roles r JOIN users u ON u.id = r.user_id "
                         "WHERE u.email = 'ceo@hanbit-robotics.example'"),
                   0);
  company_profile *p = malloc(sizeof *p);
  assert_int_equal(company_profile_load(db, u.org_id, p), STORE_OK);
  assert_string_equal(p->v[CP_BIZ_NO].value, "3058704125");
  assert_string_equal(p->v[CP_REGION].value, "대전");
  assert_int_equal(p->v[CP_BIZ_NO].source, CP_SOURCE_ENTERED);
  free(p);
  char kind_region[64] = "";
  assert_int_equal(org_store_get(db, u.org_id, kind_and_region, kind_region), 1);
  assert_string_equal(kind_region, "company 대전");
  /* The same link again, a made-up one, a malformed one. */
  assert_int_equal(signup_store_confirm(db, token, NOW + 120, &uid, NULL), SIGNUP_USED);
  char other[SESSION_TOKEN_LEN + 1];
  unsigned char h[32];
  session_token_new(other, h);
  assert_int_equal(signup_store_confirm(db, other, NOW + 120, &uid, NULL), SIGNUP_NOT_FOUND);
  assert_int_equal(signup_store_confirm(db, "not a token", NOW + 120, &uid, NULL), SIGNUP_NOT_FOUND);
  assert_int_equal(signup_store_confirm(db, "", NOW + 120, &uid, NULL), SIGNUP_NOT_FOUND);
  /* The e-mail and the number are taken now, whatever the case of the e-mail. */
  signup_input again = input();
  again.email = "CEO@Hanbit-Robotics.example";
  signup_rec r2 = record(again, "198.51.100.8");
  assert_int_equal(signup_store_precheck(db, &r2, NOW + 200, NULL), SIGNUP_EMAIL_TAKEN);
  again.email = "cfo@hanbit-robotics.example";
  r2 = record(again, "198.51.100.8");
  assert_int_equal(signup_store_begin(db, &r2, NOW + 200, token, &expires, &id, &retry), SIGNUP_BIZNO_TAKEN);
  assert_int_equal(count(db, "SELECT count(*) FROM signups"), 1); /* nothing written by the refusal */
}

static void test_expired_and_superseded(void **state) {
  moa_db *db = *state;
  signup_rec r = record(input(), "198.51.100.7");
  char t1[SESSION_TOKEN_LEN + 1], t2[SESSION_TOKEN_LEN + 1];
  int64_t expires, id1, id2, retry, uid = 0;
  assert_int_equal(signup_store_begin(db, &r, NOW, t1, &expires, &id1, &retry), SIGNUP_OK);
  /* One second before the end it works (checked on a later link below); at the end it does not. */
  assert_int_equal(signup_store_confirm(db, t1, NOW + SIGNUP_TTL, &uid, NULL), SIGNUP_EXPIRED);
  assert_int_equal(count(db, "SELECT count(*) FROM users WHERE email = 'ceo@hanbit-robotics.example'"), 0);
  assert_int_equal(count(db, "SELECT count(*) FROM organizations WHERE name = '(주)한빛로보틱스'"), 0);
  /* A new sign-up for the same address: the older link stops working, the newer one works. */
  assert_int_equal(signup_store_begin(db, &r, NOW + 10, t2, &expires, &id2, &retry), SIGNUP_OK);
  assert_int_equal(signup_store_confirm(db, t1, NOW + 20, &uid, NULL), SIGNUP_SUPERSEDED);
  assert_int_equal(signup_store_confirm(db, t2, NOW + 10 + SIGNUP_TTL - 1, &uid, NULL), SIGNUP_OK);
}

static void test_cancel_restores_previous(void **state) {
  moa_db *db = *state;
  signup_rec r = record(input(), "198.51.100.7");
  char t1[SESSION_TOKEN_LEN + 1], t2[SESSION_TOKEN_LEN + 1];
  int64_t expires, id1, id2, retry, uid = 0;
  assert_int_equal(signup_store_begin(db, &r, NOW, t1, &expires, &id1, &retry), SIGNUP_OK);
  assert_int_equal(signup_store_begin(db, &r, NOW + 10, t2, &expires, &id2, &retry), SIGNUP_OK);
  /* The second mail failed: its sign-up is forgotten and the first link works again. */
  assert_int_equal(signup_store_cancel(db, id2), SIGNUP_OK);
  assert_int_equal(count(db, "SELECT count(*) FROM signups"), 1);
  assert_int_equal(signup_store_confirm(db, t2, NOW + 20, &uid, NULL), SIGNUP_NOT_FOUND);
  assert_int_equal(signup_store_confirm(db, t1, NOW + 20, &uid, NULL), SIGNUP_OK);
}

static void test_rate_limits(void **state) {
  moa_db *db = *state;
  char token[SESSION_TOKEN_LEN + 1], email[64], bizno[16];
  int64_t expires, id, retry = 0;
  /* Per e-mail: the fourth within the hour is refused, with how long to wait. */
  signup_rec r = record(input(), "198.51.100.7");
  for (int i = 0; i < SIGNUP_PER_EMAIL; i++)
    assert_int_equal(signup_store_begin(db, &r, NOW + i * 60, token, &expires, &id, &retry), SIGNUP_OK);
  assert_int_equal(signup_store_begin(db, &r, NOW + 600, token, &expires, &id, &retry), SIGNUP_RATE_LIMITED);
  assert_int_equal(retry, SIGNUP_WINDOW - 600);
  assert_int_equal(signup_store_begin(db, &r, NOW + SIGNUP_WINDOW + 1, token, &expires, &id, &retry),
                   SIGNUP_OK);
  /* Per network address, across e-mails. */
  static const char *const biznos[] = {"3058704125", "6088702555", "4128600774"};
  int ok = 0;
  for (int i = 0; i < SIGNUP_PER_NETADDR + 2; i++) {
    signup_input in = input();
    snprintf(email, sizeof email, "person%d@other.example", i);
    snprintf(bizno, sizeof bizno, "%s", biznos[i % 3]);
    in.email = email;
    in.bizno = bizno;
    signup_rec x = record(in, "203.0.113.9");
    signup_result res = signup_store_begin(db, &x, NOW + 7200, token, &expires, &id, &retry);
    if (i < SIGNUP_PER_NETADDR)
      assert_int_equal(res, SIGNUP_OK);
    else
      assert_int_equal(res, SIGNUP_RATE_LIMITED);
    ok += res == SIGNUP_OK;
  }
  assert_int_equal(ok, SIGNUP_PER_NETADDR);
}

static void test_admit_org(void **state) {
  moa_db *db = *state;
  signup_rec r = record(input(), "198.51.100.7");
  char token[SESSION_TOKEN_LEN + 1];
  int64_t expires, id, retry, uid = 0;
  assert_int_equal(signup_store_begin(db, &r, NOW, token, &expires, &id, &retry), SIGNUP_OK);
  assert_int_equal(signup_store_confirm(db, token, NOW + 1, &uid, NULL), SIGNUP_OK);
  user_rec u;
  assert_int_equal(user_store_find_by_id(db, uid, &u), 1);
  assert_int_equal(user_store_role_in(db, uid, 3), ROLE_NONE);
  int added = -1;
  assert_int_equal(org_store_admit(db, u.org_id, 3, &added), STORE_OK);
  assert_int_equal(added, 1);
  assert_int_equal(user_store_role_in(db, uid, 3), ROLE_MEMBER);
  assert_int_equal(org_store_admit(db, u.org_id, 3, &added), STORE_CONFLICT);
  assert_int_equal(org_store_admit(db, 999999, 3, NULL), STORE_NOT_FOUND);
}

/* Every step of a confirmation failing in turn: each failure leaves no organization, profile,
 * user, and the link still pending; then it goes through. */
static void test_confirm_faults_write_nothing(void **state) {
  moa_db *db = *state;
  signup_rec r = record(input(), "198.51.100.7");
  char token[SESSION_TOKEN_LEN + 1];
  int64_t expires, id, retry, uid = 0;
  assert_int_equal(signup_store_begin(db, &r, NOW, token, &expires, &id, &retry), SIGNUP_OK);
  int64_t orgs = count(db, "SELECT count(*) FROM organizations");
  int failures = 0;
  const int codes[] = {SQLITE_IOERR, SQLITE_FULL};
  /* The step that fails moves on by one each time; the error and whether SQLite also rolls the
   * whole transaction back alternate. The first run no fault reaches is the one that succeeds. */
  for (uint64_t nth = 1;; nth++) {
    db_fault_inject(db, nth, codes[nth % 2], (nth / 2) % 2);
    signup_result res = signup_store_confirm(db, token, NOW + 5, &uid, NULL);
    bool fired = db_fault_fired(db);
    db_fault_inject(db, 0, 0, false);
    if (!fired) {
      assert_int_equal(res, SIGNUP_OK);
      break;
    }
    failures++;
    if (res == SIGNUP_OK)
      fprintf(stderr, "step %llu failed, yet the confirmation went through\n", (unsigned long long)nth);
    assert_int_not_equal(res, SIGNUP_OK);
    assert_int_equal(count(db, "SELECT count(*) FROM organizations"), orgs);
    assert_int_equal(count(db, "SELECT count(*) FROM users WHERE email = 'ceo@hanbit-robotics.example'"), 0);
    assert_int_equal(count(db,
                           "SELECT count(*) FROM org_attributes WHERE attr = 'biz_no' AND value = "
                           "'3058704125'"),
                     0);
    assert_int_equal(count(db, "SELECT count(*) FROM signups WHERE state = 'pending'"), 1);
  }
  assert_true(failures >= 8);
  assert_int_equal(count(db, "SELECT count(*) FROM organizations"), orgs + 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_check_fields),
      cmocka_unit_test_setup_teardown(test_confirm_once, store_test_setup_consortia, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_expired_and_superseded, store_test_setup_consortia,
                                      store_test_teardown),
      cmocka_unit_test_setup_teardown(test_cancel_restores_previous, store_test_setup_consortia,
                                      store_test_teardown),
      cmocka_unit_test_setup_teardown(test_rate_limits, store_test_setup_consortia, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_admit_org, store_test_setup_consortia, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_confirm_faults_write_nothing, store_test_setup_consortia,
                                      store_test_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
