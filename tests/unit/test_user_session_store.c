/* Unit tests of storage/user_store and storage/session_store on ":memory:" databases with a
 * minimal fixture (one sector, region, complex and organization, consortia 1 and 2, and an
 * inactive consortium 3). Users: adding (duplicate email in any case, invalid email, empty or too
 * long name, unknown organization: an error and no row), finding by email in any case, roles set,
 * replaced and removed, the sign-in lock (from the 5th failure, 60 s doubling to 1 hour) and its
 * reset, disabling and new passwords ending sessions, the `me` object and a consortium's people.
 * Sessions: 43-character base64url tokens, lookup, expiry through the test clock, malformed
 * tokens, delete, purge, and that only the SHA-256 of a token is stored; what became of a live
 * connection's session (session_store_check), and the sign-in epoch the triggers of migration 008
 * bump on every change that ends sign-ins and on nothing else. */
#include <openssl/sha.h>
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

#include "signaling/user_json.h"
#include "storage/session_store.h"
#include "storage/user_store.h"
#include "store_test_support.h"

static const char *FIXTURE = STORE_TEST_PLACE
    "INSERT INTO consortia(id, sector_id, lead_region_id, lead_complex_id, name_ko, name_en, active) VALUES"
    " (1, 1, 1, 1, '수소 컨소시엄', 'Hydrogen consortium', 1), (2, 1, 1, 1, '둘째', 'Second', 1),"
    " (3, 1, 1, 1, '닫힘', 'Closed', 0);"
    "INSERT INTO organizations(id, kind, name, region_id) VALUES (1, 'company', '가나수소', 1);";

static int setup(void **state) { return store_test_setup(state, FIXTURE); }

static int64_t add(moa_db *db, const char *email, const char *name, int64_t org) {
  char err[256] = "";
  int64_t id = user_store_add(db, email, name, "$scrypt$fake", org, false, err, sizeof err);
  if (id <= 0) fail_msg("user_store_add(%s): %s", email, err);
  return id;
}

static void expect_json(json_t *v, const char *want) {
  json_error_t je;
  json_t *w = json_loads(want, 0, &je);
  if (!w) fail_msg("bad test JSON: %s", je.text);
  if (!v || !json_equal(v, w)) {
    char *got = v ? json_dumps(v, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
    print_error("got  %s\nwant %s\n", got ? got : "NULL", want);
    free(got);
    json_decref(w);
    json_decref(v);
    fail();
  }
  json_decref(w);
  json_decref(v);
}

/* ---- users ---- */

static void test_add_and_find(void **state) {
  moa_db *db = *state;
  char err[256] = "";
  int64_t id = user_store_add(db, "Kim.Minsu@Example.com", "김민수", "$scrypt$h", 1, true, err, sizeof err);
  assert_true(id > 0);
  user_rec u;
  assert_int_equal(user_store_find_by_email(db, "kim.minsu@example.COM", &u), 1);
  assert_int_equal(u.id, id);
  assert_string_equal(u.email, "Kim.Minsu@Example.com");
  assert_string_equal(u.name, "김민수");
  assert_int_equal(u.org_id, 1);
  assert_true(u.is_admin);
  assert_false(u.disabled);
  assert_int_equal(u.failed_logins, 0);
  assert_int_equal(u.locked_until, 0);
  assert_string_equal(u.password_hash, "$scrypt$h");

  assert_int_equal(user_store_find_by_email(db, "nobody@example.com", &u), 0);
  assert_int_equal(user_store_find_by_email(db, "kim.minsu@example.co", &u), 0);

  int64_t id2 = user_store_add(db, "lee@example.com", "이영희", "$scrypt$h2", 0, false, err, sizeof err);
  assert_true(id2 > id);
  assert_int_equal(user_store_find_by_id(db, id2, &u), 1);
  assert_int_equal(u.org_id, 0);
  assert_false(u.is_admin);
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM users WHERE org_id IS NULL"), 1);
  assert_int_equal(user_store_find_by_id(db, 9999, &u), 0);
}

static void expect_add_error(moa_db *db, const char *email, const char *name, int64_t org, const char *want) {
  char err[256] = "";
  int64_t before = store_test_scalar(db, "SELECT count(*) FROM users");
  assert_int_equal(user_store_add(db, email, name, "$scrypt$h", org, false, err, sizeof err), -1);
  if (!strstr(err, want)) fail_msg("error '%s' does not contain '%s'", err, want);
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM users"), before);
}

static void test_add_errors(void **state) {
  moa_db *db = *state;
  add(db, "park@example.com", "박", 1);

  expect_add_error(db, "park@example.com", "other", 0, "already exists");
  expect_add_error(db, "PARK@EXAMPLE.COM", "other", 0, "already exists");

  static const char *bad_email[] = {"",      "ab",      "no-at-sign", "@example.com", "park@",
                                    "a@b@c", "a b@c.d", "a@b\tc",     "a\x7f@b.c",    "\x01@b.c"};
  for (size_t i = 0; i < sizeof bad_email / sizeof bad_email[0]; i++)
    expect_add_error(db, bad_email[i], "name", 0, "invalid email");
  char long_email[EMAIL_MAX + 2];
  memset(long_email, 'a', sizeof long_email - 1);
  long_email[sizeof long_email - 1] = '\0';
  memcpy(long_email + EMAIL_MAX - 6, "@b.com", 6); /* 255 bytes, '@' inside */
  expect_add_error(db, long_email, "name", 0, "invalid email");
  long_email[EMAIL_MAX] = '\0'; /* 254 bytes ending "@b.com": accepted */
  assert_true(user_email_valid(long_email));

  expect_add_error(db, "new@example.com", "", 0, "name");
  char name[USER_NAME_MAX + 2];
  memset(name, 'n', sizeof name - 1);
  name[sizeof name - 1] = '\0';
  expect_add_error(db, "new@example.com", name, 0, "name");
  name[USER_NAME_MAX] = '\0';
  add(db, "new@example.com", name, 0);

  expect_add_error(db, "other@example.com", "name", 999, "no organization with id 999");
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM users"), 2);
}

static void test_roles(void **state) {
  moa_db *db = *state;
  int64_t u = add(db, "role@example.com", "역할", 0);
  assert_int_equal(user_store_role_in(db, u, 1), ROLE_NONE);
  assert_int_equal(user_store_set_role(db, u, 1, ROLE_MEMBER), 0);
  assert_int_equal(user_store_role_in(db, u, 1), ROLE_MEMBER);
  assert_int_equal(user_store_role_in(db, u, 2), ROLE_NONE);
  assert_int_equal(user_store_set_role(db, u, 1, ROLE_COORDINATOR), 0);
  assert_int_equal(user_store_role_in(db, u, 1), ROLE_COORDINATOR);
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM user_roles"), 1);
  assert_int_equal(user_store_set_role(db, u, 2, ROLE_MEMBER), 0);
  assert_int_equal(user_store_set_role(db, u, 1, ROLE_NONE), 0);
  assert_int_equal(user_store_role_in(db, u, 1), ROLE_NONE);
  assert_int_equal(user_store_role_in(db, u, 2), ROLE_MEMBER);
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM user_roles"), 1);

  assert_int_equal(user_store_set_role(db, u, 99, ROLE_MEMBER), -1);
  assert_int_equal(user_store_set_role(db, 9999, 1, ROLE_MEMBER), -1);
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM user_roles"), 1);
  assert_int_equal(user_store_role_in(db, 9999, 1), ROLE_NONE);
}

static void test_failures_lock(void **state) {
  moa_db *db = *state;
  int64_t u = add(db, "lock@example.com", "잠금", 0);
  const int64_t now = 1700000000;
  user_rec r;
  for (int i = 1; i <= 4; i++) {
    assert_int_equal(user_store_record_failure(db, u, now), 0);
    assert_int_equal(user_store_find_by_id(db, u, &r), 1);
    assert_int_equal(r.failed_logins, i);
    assert_int_equal(r.locked_until, 0);
  }
  static const int64_t lock[] = {60, 120, 240, 480, 960, 1920, 3600, 3600, 3600};
  for (size_t i = 0; i < sizeof lock / sizeof lock[0]; i++) {
    int64_t t = now + (int64_t)i * 10000;
    assert_int_equal(user_store_record_failure(db, u, t), t + lock[i]);
    assert_int_equal(user_store_find_by_id(db, u, &r), 1);
    assert_int_equal(r.failed_logins, 5 + (int)i);
    assert_int_equal(r.locked_until, t + lock[i]);
  }
  /* Many more failures stay capped (no overflow of the shift). */
  for (int i = 0; i < 100; i++) user_store_record_failure(db, u, now);
  assert_int_equal(user_store_record_failure(db, u, now), now + 3600);

  assert_int_equal(user_store_record_success(db, u), 0);
  assert_int_equal(user_store_find_by_id(db, u, &r), 1);
  assert_int_equal(r.failed_logins, 0);
  assert_int_equal(r.locked_until, 0);
  assert_int_equal(user_store_record_success(db, u), 0); /* nothing to clear */
  /* Counting starts over. */
  assert_int_equal(user_store_record_failure(db, u, now), 0);

  assert_int_equal(user_store_record_failure(db, 9999, now), -1);
}

static void test_disable_ends_sessions(void **state) {
  moa_db *db = *state;
  int64_t a = add(db, "a@example.com", "에이", 0), b = add(db, "b@example.com", "비", 0);
  char ta1[SESSION_TOKEN_LEN + 1], ta2[SESSION_TOKEN_LEN + 1], tb[SESSION_TOKEN_LEN + 1];
  assert_int_equal(session_store_create(db, a, 3600, "1.2.3.4", ta1, NULL), 0);
  assert_int_equal(session_store_create(db, a, 3600, NULL, ta2, NULL), 0);
  assert_int_equal(session_store_create(db, b, 3600, "5.6.7.8", tb, NULL), 0);
  assert_int_equal(session_store_lookup(db, ta1, NULL), a);

  assert_int_equal(user_store_set_disabled(db, a, true), 0);
  user_rec r;
  assert_int_equal(user_store_find_by_id(db, a, &r), 1);
  assert_true(r.disabled);
  assert_int_equal(session_store_lookup(db, ta1, NULL), 0);
  assert_int_equal(session_store_lookup(db, ta2, NULL), 0);
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM sessions"), 1);
  assert_int_equal(session_store_lookup(db, tb, NULL), b);

  /* Enabling again does not bring the sessions back. */
  assert_int_equal(user_store_set_disabled(db, a, false), 0);
  assert_int_equal(user_store_find_by_id(db, a, &r), 1);
  assert_false(r.disabled);
  assert_int_equal(session_store_lookup(db, ta1, NULL), 0);

  assert_int_equal(user_store_set_disabled(db, 9999, true), -1);
  assert_int_equal(user_store_set_disabled(db, 9999, false), -1);
}

static void test_set_password_ends_sessions(void **state) {
  moa_db *db = *state;
  int64_t a = add(db, "pw@example.com", "비번", 0), b = add(db, "other@example.com", "남", 0);
  char ta[SESSION_TOKEN_LEN + 1], tb[SESSION_TOKEN_LEN + 1];
  assert_int_equal(session_store_create(db, a, 3600, "", ta, NULL), 0);
  assert_int_equal(session_store_create(db, b, 3600, "", tb, NULL), 0);
  for (int i = 0; i < 6; i++) user_store_record_failure(db, a, 1000);

  assert_int_equal(user_store_set_password(db, a, "$scrypt$new"), 0);
  user_rec r;
  assert_int_equal(user_store_find_by_id(db, a, &r), 1);
  assert_string_equal(r.password_hash, "$scrypt$new");
  assert_int_equal(r.failed_logins, 0);
  assert_int_equal(r.locked_until, 0);
  assert_int_equal(session_store_lookup(db, ta, NULL), 0);
  assert_int_equal(session_store_lookup(db, tb, NULL), b);

  assert_int_equal(user_store_set_password(db, 9999, "$scrypt$x"), -1);
  assert_int_equal(session_store_lookup(db, tb, NULL), b);
}

static void test_me(void **state) {
  moa_db *db = *state;
  char err[256];
  int64_t a = user_store_add(db, "me@example.com", "나", "$h", 1, false, err, sizeof err);
  assert_int_equal(a, 1);
  assert_int_equal(user_store_set_role(db, a, 2, ROLE_COORDINATOR), 0);
  assert_int_equal(user_store_set_role(db, a, 1, ROLE_MEMBER), 0);
  assert_int_equal(user_store_set_role(db, a, 3, ROLE_MEMBER), 0); /* inactive: not listed */
  expect_json(user_json_me(db, a),
              "{\"id\":1,\"email\":\"me@example.com\",\"name\":\"나\",\"is_admin\":false,\"kind\":\"member\","
              "\"organization\":{\"id\":1,\"name\":\"가나수소\",\"kind\":\"company\"},"
              "\"consortia\":[{\"id\":1,\"name_ko\":\"수소 컨소시엄\",\"name_en\":\"Hydrogen consortium\","
              "\"role\":\"member\"},{\"id\":2,\"name_ko\":\"둘째\",\"name_en\":\"Second\",\"role\":"
              "\"coordinator\"}]}");

  int64_t b = user_store_add(db, "admin@example.com", "관리자", "$h", 0, true, err, sizeof err);
  assert_int_equal(b, 2);
  expect_json(
      user_json_me(db, b),
      "{\"id\":2,\"email\":\"admin@example.com\",\"name\":\"관리자\",\"is_admin\":true,\"kind\":\"member\","
      "\"organization\":null,\"consortia\":[]}");
  assert_null(user_json_me(db, 9999));
}

static void test_consortium_people(void **state) {
  moa_db *db = *state;
  int64_t c1 = add(db, "c1@example.com", "하코디", 1), c2 = add(db, "c2@example.com", "가코디", 0);
  int64_t m1 = add(db, "m1@example.com", "나멤버", 0), m2 = add(db, "m2@example.com", "다멤버", 1);
  int64_t gone = add(db, "gone@example.com", "가사라짐", 0), other = add(db, "x@example.com", "딴곳", 0);
  assert_int_equal(user_store_set_role(db, c1, 1, ROLE_COORDINATOR), 0);
  assert_int_equal(user_store_set_role(db, c2, 1, ROLE_COORDINATOR), 0);
  assert_int_equal(user_store_set_role(db, m2, 1, ROLE_MEMBER), 0);
  assert_int_equal(user_store_set_role(db, m1, 1, ROLE_MEMBER), 0);
  assert_int_equal(user_store_set_role(db, gone, 1, ROLE_MEMBER), 0);
  assert_int_equal(user_store_set_role(db, other, 2, ROLE_MEMBER), 0);
  assert_int_equal(user_store_set_disabled(db, gone, true), 0);

  json_t *people = user_json_consortium_people(db, 1);
  assert_non_null(people);
  assert_int_equal(json_array_size(people), 4);
  /* Grouped by role, ordered by name within a role; the disabled user and the other
   * consortium's member are absent. */
  const char *names[4];
  const char *roles[4];
  for (size_t i = 0; i < 4; i++) {
    json_t *p = json_array_get(people, i);
    names[i] = json_string_value(json_object_get(p, "name"));
    roles[i] = json_string_value(json_object_get(p, "role"));
    assert_non_null(names[i]);
    assert_non_null(roles[i]);
  }
  assert_string_equal(roles[0], roles[1]);
  assert_string_equal(roles[2], roles[3]);
  assert_string_not_equal(roles[1], roles[2]);
  for (size_t i = 0; i < 4; i += 2) assert_true(strcmp(names[i], names[i + 1]) < 0);

  /* Each entry's exact shape. */
  size_t i;
  json_t *p;
  json_array_foreach(people, i, p) {
    json_int_t id = json_integer_value(json_object_get(p, "id"));
    if (id == c2)
      expect_json(json_incref(p),
                  "{\"id\":2,\"name\":\"가코디\",\"email\":\"c2@example.com\",\"role\":\"coordinator\","
                  "\"organization\":null}");
    if (id == m2)
      expect_json(json_incref(p),
                  "{\"id\":4,\"name\":\"다멤버\",\"email\":\"m2@example.com\",\"role\":\"member\","
                  "\"organization\":{\"id\":1,\"name\":\"가나수소\"}}");
  }
  json_decref(people);

  people = user_json_consortium_people(db, 99);
  expect_json(people, "[]");
}

/* The users as `moa user list` is given them, written as JSON here to compare them in one line. */
static void list_as_json(void *arg, const user_summary *u) {
  json_array_append_new(
      arg, json_pack("{s:I, s:s, s:s, s:I, s:b, s:b, s:o}", "id", (json_int_t)u->id, "email", u->email,
                     "name", u->name, "org_id", (json_int_t)u->org_id, "is_admin", u->is_admin, "disabled",
                     u->disabled, "roles", u->roles ? json_string(u->roles) : json_null()));
}

static json_t *user_list(moa_db *db) {
  json_t *list = json_array();
  assert_int_equal(user_store_list(db, list_as_json, list), 0);
  return list;
}

static void test_list(void **state) {
  moa_db *db = *state;
  int64_t a = add(db, "l1@example.com", "일", 1);
  add(db, "l2@example.com", "이", 0);
  assert_int_equal(user_store_set_role(db, a, 1, ROLE_COORDINATOR), 0);
  expect_json(user_list(db),
              "[{\"id\":1,\"email\":\"l1@example.com\",\"name\":\"일\",\"org_id\":1,\"is_admin\":false,"
              "\"disabled\":false,\"roles\":\"coordinator:1\"},"
              "{\"id\":2,\"email\":\"l2@example.com\",\"name\":\"이\",\"org_id\":0,\"is_admin\":false,"
              "\"disabled\":false,\"roles\":null}]");
}

/* ---- sessions ---- */

static bool is_b64url(const char *t) {
  for (; *t; t++)
    if (!((*t >= 'A' && *t <= 'Z') || (*t >= 'a' && *t <= 'z') || (*t >= '0' && *t <= '9') || *t == '-' ||
          *t == '_'))
      return false;
  return true;
}

static void test_session_create_lookup(void **state) {
  moa_db *db = *state;
  int64_t u = add(db, "s@example.com", "세션", 0);
  char t1[SESSION_TOKEN_LEN + 1], t2[SESSION_TOKEN_LEN + 1];
  int64_t exp = 0, exp2 = 0;
  int64_t before = db_now(db);
  assert_int_equal(session_store_create(db, u, 600, "10.0.0.1", t1, &exp), 0);
  assert_int_equal(strlen(t1), SESSION_TOKEN_LEN);
  assert_true(is_b64url(t1));
  assert_true(exp >= before + 600 && exp <= db_now(db) + 600);
  assert_int_equal(session_store_create(db, u, 600, "10.0.0.1", t2, NULL), 0);
  assert_string_not_equal(t1, t2);

  assert_int_equal(session_store_lookup(db, t1, &exp2), u);
  assert_int_equal(exp2, exp);
  assert_int_equal(session_store_lookup(db, t2, NULL), u);
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM sessions WHERE address = '10.0.0.1'"), 2);

  /* A session for a user that does not exist is refused. */
  char t3[SESSION_TOKEN_LEN + 1];
  assert_int_equal(session_store_create(db, 9999, 600, "", t3, NULL), -1);
  assert_string_equal(t3, "");
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM sessions"), 2);

  /* Expiry: still valid shortly before, gone from the expiry time on. */
  db_set_clock_offset(db, 590);
  assert_int_equal(session_store_lookup(db, t1, NULL), u);
  db_set_clock_offset(db, 600);
  assert_int_equal(session_store_lookup(db, t1, NULL), 0);
  db_set_clock_offset(db, 0);
  assert_int_equal(session_store_lookup(db, t1, NULL), u);
}

static void test_session_malformed(void **state) {
  moa_db *db = *state;
  int64_t u = add(db, "m@example.com", "형식", 0);
  char t[SESSION_TOKEN_LEN + 1], bad[SESSION_TOKEN_LEN + 8];
  assert_int_equal(session_store_create(db, u, 600, "", t, NULL), 0);

  assert_int_equal(session_store_lookup(db, NULL, NULL), 0);
  assert_int_equal(session_store_lookup(db, "", NULL), 0);
  snprintf(bad, sizeof bad, "%.*s", SESSION_TOKEN_LEN - 1, t);
  assert_int_equal(session_store_lookup(db, bad, NULL), 0);
  snprintf(bad, sizeof bad, "%sA", t);
  assert_int_equal(session_store_lookup(db, bad, NULL), 0);
  snprintf(bad, sizeof bad, "%s=", t);
  assert_int_equal(session_store_lookup(db, bad, NULL), 0);
  static const char repl[] = "+/= .\x01\xff";
  for (size_t i = 0; i < sizeof repl - 1; i++) {
    snprintf(bad, sizeof bad, "%s", t);
    bad[10] = repl[i];
    assert_int_equal(session_store_lookup(db, bad, NULL), 0);
    assert_int_equal(session_store_delete(db, bad), 0);
  }
  /* Well formed but unknown. */
  snprintf(bad, sizeof bad, "%s", t);
  bad[0] = bad[0] == 'A' ? 'B' : 'A';
  assert_int_equal(session_store_lookup(db, bad, NULL), 0);
  assert_int_equal(session_store_delete(db, bad), 0);
  assert_int_equal(session_store_delete(db, NULL), 0);

  assert_int_equal(session_store_lookup(db, t, NULL), u);
}

static void test_session_delete_purge(void **state) {
  moa_db *db = *state;
  int64_t u = add(db, "d@example.com", "삭제", 0);
  char a[SESSION_TOKEN_LEN + 1], b[SESSION_TOKEN_LEN + 1], c[SESSION_TOKEN_LEN + 1];
  assert_int_equal(session_store_create(db, u, 60, "", a, NULL), 0);
  assert_int_equal(session_store_create(db, u, 120, "", b, NULL), 0);
  assert_int_equal(session_store_create(db, u, 3600, "", c, NULL), 0);

  assert_int_equal(session_store_delete(db, a), 1);
  assert_int_equal(session_store_delete(db, a), 0);
  assert_int_equal(session_store_lookup(db, a, NULL), 0);
  assert_int_equal(session_store_lookup(db, b, NULL), u);

  assert_int_equal(session_store_purge_expired(db), 0);
  db_set_clock_offset(db, 120);
  assert_int_equal(session_store_purge_expired(db), 1);
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM sessions"), 1);
  assert_int_equal(session_store_lookup(db, c, NULL), u);
  db_set_clock_offset(db, 4000);
  assert_int_equal(session_store_purge_expired(db), 1);
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM sessions"), 0);
}

static void test_session_stores_hash_only(void **state) {
  moa_db *db = *state;
  int64_t u = add(db, "h@example.com", "해시", 0);
  char t[SESSION_TOKEN_LEN + 1];
  assert_int_equal(session_store_create(db, u, 600, "", t, NULL), 0);

  sqlite3_stmt *st;
  assert_int_equal(
      sqlite3_prepare_v2(db_handle(db), "SELECT token_hash, typeof(token_hash) FROM sessions", -1, &st, NULL),
      SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_string_equal((const char *)sqlite3_column_text(st, 1), "blob");
  const void *stored = sqlite3_column_blob(st, 0);
  int n = sqlite3_column_bytes(st, 0);
  assert_int_equal(n, SHA256_DIGEST_LENGTH);
  assert_true(memcmp(stored, t, (size_t)n) != 0);
  unsigned char want[SHA256_DIGEST_LENGTH];
  SHA256((const unsigned char *)t, SESSION_TOKEN_LEN, want);
  assert_memory_equal(stored, want, SHA256_DIGEST_LENGTH);
  sqlite3_finalize(st);

  /* The token text appears in no column. */
  assert_int_equal(
      sqlite3_prepare_v2(db_handle(db),
                         "SELECT count(*) FROM sessions WHERE instr(token_hash, ?1) OR instr(address, ?1)",
                         -1, &st, NULL),
      SQLITE_OK);
  sqlite3_bind_text(st, 1, t, -1, SQLITE_STATIC);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_int_equal(sqlite3_column_int(st, 0), 0);
  sqlite3_finalize(st);
}

static void test_session_check(void **state) {
  moa_db *db = *state;
  int64_t a = add(db, "chk@example.com", "확인", 0), b = add(db, "chk2@example.com", "둘", 0);
  char ta[SESSION_TOKEN_LEN + 1], ta2[SESSION_TOKEN_LEN + 1], tb[SESSION_TOKEN_LEN + 1];
  assert_int_equal(session_store_create(db, a, 3600, "", ta, NULL), 0);
  assert_int_equal(session_store_create(db, a, 60, "", ta2, NULL), 0);
  assert_int_equal(session_store_create(db, b, 3600, "", tb, NULL), 0);
  assert_int_equal(session_store_check(db, ta, a), SESSION_LIVE);
  assert_int_equal(session_store_check(db, ta, b), SESSION_ENDED); /* another user's token */
  assert_int_equal(session_store_check(db, "x", a), SESSION_ENDED);
  assert_int_equal(session_store_check(db, NULL, a), SESSION_LIVE);
  assert_int_equal(session_store_check(db, "", a), SESSION_LIVE);
  assert_int_equal(session_store_check(db, ta, 9999), SESSION_DISABLED); /* no such user */

  db_set_clock_offset(db, 60);
  assert_int_equal(session_store_check(db, ta2, a), SESSION_EXPIRED);
  assert_int_equal(session_store_check(db, ta, a), SESSION_LIVE);
  db_set_clock_offset(db, 0);

  assert_int_equal(session_store_delete(db, ta2), 1);
  assert_int_equal(session_store_check(db, ta2, a), SESSION_ENDED);
  assert_int_equal(user_store_set_disabled(db, a, true), 0);
  assert_int_equal(session_store_check(db, ta, a), SESSION_DISABLED);
  assert_int_equal(session_store_check(db, NULL, a), SESSION_DISABLED);
  assert_int_equal(session_store_check(db, tb, b), SESSION_LIVE);
}

static void test_auth_epoch(void **state) {
  moa_db *db = *state;
  int64_t e = session_store_auth_epoch(db);
  assert_true(e >= 0);
  int64_t a = add(db, "ep@example.com", "에폭", 0), b = add(db, "ep2@example.com", "둘", 0);
  char ta[SESSION_TOKEN_LEN + 1], tb[SESSION_TOKEN_LEN + 1];
  assert_int_equal(session_store_create(db, a, 3600, "", ta, NULL), 0);
  assert_int_equal(session_store_create(db, b, 3600, "", tb, NULL), 0);
  /* Signing in, failures and their reset, roles: no change of the epoch. */
  user_store_record_failure(db, a, 1000);
  user_store_record_success(db, a);
  user_store_set_role(db, a, 1, ROLE_MEMBER);
  assert_int_equal(session_store_auth_epoch(db), e);
  /* Whatever ends a sign-in moves it. */
  assert_int_equal(session_store_delete(db, ta), 1);
  assert_true(session_store_auth_epoch(db) > e);
  e = session_store_auth_epoch(db);
  assert_int_equal(user_store_set_password(db, b, "$scrypt$other"), 0);
  assert_true(session_store_auth_epoch(db) > e);
  e = session_store_auth_epoch(db);
  assert_int_equal(user_store_set_disabled(db, a, true), 0);
  assert_true(session_store_auth_epoch(db) > e);
  e = session_store_auth_epoch(db);
  assert_int_equal(user_store_set_disabled(db, a, true), 0); /* already disabled: nothing changed */
  assert_int_equal(session_store_auth_epoch(db), e);
  /* Or a writer that knows nothing of moa (an operator with the sqlite3 shell). */
  assert_int_equal(sqlite3_exec(db_handle(db), "DELETE FROM sessions", NULL, NULL, NULL), SQLITE_OK);
  assert_int_equal(session_store_auth_epoch(db), e); /* no sessions were left to delete */
  assert_int_equal(session_store_create(db, b, 3600, "", tb, NULL), 0);
  assert_int_equal(sqlite3_exec(db_handle(db), "DELETE FROM sessions", NULL, NULL, NULL), SQLITE_OK);
  assert_true(session_store_auth_epoch(db) > e);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_add_and_find, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_add_errors, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_roles, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_failures_lock, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_disable_ends_sessions, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_set_password_ends_sessions, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_me, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_consortium_people, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_list, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_session_create_lookup, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_session_malformed, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_session_delete_purge, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_session_stores_hash_only, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_session_check, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_auth_epoch, setup, store_test_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
