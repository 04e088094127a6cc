/* Unit tests of storage/demo_data: the programme-scale population (1,921 companies and 816
 * institutions over the 25 consortia), its determinism and idempotence, geography consistent with
 * each consortium, the demo logins (verified with password_verify), and the companies' matching
 * profiles (storage/demo_profiles.c: consistent with one another, some blanks on purpose). Slow-ish: scrypt
 * hashes ~76 passwords per load. */
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

#include "base/log.h"
#include "storage/company_profile.h"
#include "storage/db.h"
#include "storage/demo_data.h"
#include "storage/demo_profiles.h"
#include "storage/password.h"

static moa_db *db_a; /* loaded once by the group setup, shared read-only by the tests */

static int64_t query_int(moa_db *db, const char *sql) {
  sqlite3_stmt *st = NULL;
  int64_t v = -1;
  if (sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL) != SQLITE_OK)
    fail_msg("%s: %s", sql, db_errmsg(db));
  if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

static int64_t total_rows(moa_db *db) {
  return query_int(db,
                   "SELECT (SELECT count(*) FROM organizations) + (SELECT count(*) FROM memberships) + "
                   "(SELECT count(*) FROM users) + (SELECT count(*) FROM user_roles) + "
                   "(SELECT count(*) FROM consortia) + (SELECT count(*) FROM meta) + "
                   "(SELECT count(*) FROM org_attributes)");
}

static int group_setup(void **state) {
  char err[256] = "";
  db_a = db_open(":memory:", false, err, sizeof err);
  if (!db_a) return -1;
  int n = demo_data_load(db_a, err, sizeof err);
  if (n != DEMO_DATA_COMPANIES + DEMO_DATA_INSTITUTIONS) {
    fprintf(stderr, "demo_data_load: %d %s\n", n, err);
    return -1;
  }
  return 0;
}

static int group_teardown(void **state) {
  db_close(db_a);
  return 0;
}

static void test_counts(void **state) {
  assert_int_equal(query_int(db_a, "SELECT count(*) FROM consortia"), 25);
  assert_int_equal(query_int(db_a, "SELECT count(*) FROM organizations WHERE kind = 'company'"), 1921);
  assert_int_equal(query_int(db_a, "SELECT count(*) FROM organizations WHERE kind <> 'company'"), 816);
  /* every institution kind occurs; universities and research institutes are the most common */
  assert_int_equal(query_int(db_a, "SELECT count(DISTINCT kind) FROM organizations"), 8);
  int64_t uni = query_int(db_a, "SELECT count(*) FROM organizations WHERE kind = 'university'");
  int64_t ri = query_int(db_a, "SELECT count(*) FROM organizations WHERE kind = 'research_institute'");
  int64_t other_max = query_int(db_a,
                                "SELECT max(n) FROM (SELECT count(*) n FROM organizations WHERE kind NOT IN "
                                "('company', 'university', 'research_institute') GROUP BY kind)");
  assert_true(uni > other_max && ri > other_max);
  /* every organization has a name, an English name, capabilities, keywords and a description */
  assert_int_equal(query_int(db_a,
                             "SELECT count(*) FROM organizations WHERE name = '' OR name_en = '' OR "
                             "capabilities = '' OR keywords = '' OR description = '' OR sector_id IS NULL"),
                   0);
  /* names are unique */
  assert_int_equal(query_int(db_a, "SELECT count(DISTINCT name) FROM organizations"), 2737);
}

static void test_every_consortium_has_members(void **state) {
  assert_int_equal(query_int(db_a,
                             "SELECT count(*) FROM consortia c WHERE "
                             "(SELECT count(*) FROM memberships m JOIN organizations o ON o.id = m.org_id "
                             "WHERE m.consortium_id = c.id AND o.kind = 'company') >= 40 AND "
                             "(SELECT count(*) FROM memberships m JOIN organizations o ON o.id = m.org_id "
                             "WHERE m.consortium_id = c.id AND o.kind <> 'company') >= 15"),
                   25);
  /* every organization is in one or two consortia */
  assert_int_equal(query_int(db_a,
                             "SELECT count(*) FROM organizations o WHERE (SELECT count(*) FROM memberships m "
                             "WHERE m.org_id = o.id) NOT IN (1, 2)"),
                   0);
  /* about 5% are in two consortia, always of the same sector */
  int64_t two = query_int(db_a,
                          "SELECT count(*) FROM (SELECT org_id FROM memberships GROUP BY org_id "
                          "HAVING count(*) = 2)");
  assert_true(two >= 2737 * 4 / 100 && two <= 2737 * 6 / 100);
  assert_int_equal(query_int(db_a,
                             "SELECT count(*) FROM memberships m JOIN consortia c ON c.id = m.consortium_id "
                             "JOIN organizations o ON o.id = m.org_id WHERE c.sector_id <> o.sector_id"),
                   0);
}

static void test_geography_matches_consortia(void **state) {
  /* the region of every organization is linked by at least one of its consortia */
  assert_int_equal(
      query_int(db_a,
                "SELECT count(*) FROM organizations o WHERE NOT EXISTS (SELECT 1 FROM memberships m "
                "JOIN consortium_complexes cc ON cc.consortium_id = m.consortium_id "
                "JOIN complexes x ON x.id = cc.complex_id "
                "WHERE m.org_id = o.id AND x.region_id = o.region_id)"),
      0);
  /* companies sit in one of their consortium's complexes */
  assert_int_equal(query_int(db_a,
                             "SELECT count(*) FROM organizations o WHERE o.kind = 'company' AND NOT EXISTS "
                             "(SELECT 1 FROM memberships m JOIN consortium_complexes cc ON "
                             "cc.consortium_id = m.consortium_id WHERE m.org_id = o.id AND "
                             "cc.complex_id = o.complex_id)"),
                   0);
  /* shipbuilding companies talk about ships, hydrogen ones about hydrogen */
  assert_int_equal(
      query_int(db_a,
                "SELECT count(*) FROM organizations o JOIN memberships m ON m.org_id = o.id "
                "WHERE m.consortium_id = 6 AND o.kind = 'company' AND o.capabilities NOT LIKE '%선박%' "
                "AND o.capabilities NOT LIKE '%LNG%' AND o.capabilities NOT LIKE '%해양%' "
                "AND o.capabilities NOT LIKE '%엔진%' AND o.capabilities NOT LIKE '%평형수%' "
                "AND o.capabilities NOT LIKE '%전기추진%'"),
      0);
  assert_true(query_int(db_a,
                        "SELECT count(*) FROM organizations o JOIN memberships m ON m.org_id = o.id "
                        "WHERE m.consortium_id = 25 AND o.keywords LIKE '%수소%'") > 20);
}

static void test_logins(void **state) {
  assert_int_equal(query_int(db_a, "SELECT count(*) FROM users"), 76);
  assert_int_equal(query_int(db_a,
                             "SELECT count(*) FROM users WHERE is_admin = 1 AND email = 'admin@moa.example' "
                             "AND name = '관리자'"),
                   1);
  assert_int_equal(query_int(db_a, "SELECT count(DISTINCT password_hash) FROM users"), 76);
  assert_int_equal(query_int(db_a, "SELECT count(DISTINCT name) FROM users"), 76);
  /* coordNN: coordinator of NN at one of its institutions; memberNNa/b: members at its companies */
  assert_int_equal(query_int(db_a,
                             "SELECT count(*) FROM users u JOIN user_roles r ON r.user_id = u.id "
                             "JOIN organizations o ON o.id = u.org_id "
                             "JOIN memberships m ON m.org_id = o.id AND m.consortium_id = r.consortium_id "
                             "WHERE r.role = 'coordinator' AND o.kind <> 'company' "
                             "AND u.email = printf('coord%02d@moa.example', r.consortium_id)"),
                   25);
  assert_int_equal(query_int(db_a,
                             "SELECT count(*) FROM users u JOIN user_roles r ON r.user_id = u.id "
                             "JOIN organizations o ON o.id = u.org_id "
                             "JOIN memberships m ON m.org_id = o.id AND m.consortium_id = r.consortium_id "
                             "WHERE r.role = 'member' AND o.kind = 'company' AND u.email IN "
                             "(printf('member%02da@moa.example', r.consortium_id), "
                             "printf('member%02db@moa.example', r.consortium_id))"),
                   50);
  assert_int_equal(query_int(db_a, "SELECT count(DISTINCT org_id) FROM users WHERE email LIKE 'member%'"),
                   50);

  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_prepare_v2(db_handle(db_a), "SELECT email, password_hash FROM users ORDER BY id",
                                      -1, &st, NULL),
                   SQLITE_OK);
  int verified = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    const char *email = (const char *)sqlite3_column_text(st, 0);
    const char *hash = (const char *)sqlite3_column_text(st, 1);
    if (!password_verify(DEMO_DATA_PASSWORD, hash)) fail_msg("%s does not verify", email);
    verified++;
  }
  sqlite3_finalize(st);
  assert_int_equal(verified, 76);
  assert_false(password_verify("moa-demo-2024", "$scrypt$ln=15,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA"));
}

static void test_second_load_changes_nothing(void **state) {
  char err[256] = "";
  int64_t before = total_rows(db_a);
  assert_int_equal(demo_data_load(db_a, err, sizeof err), 0);
  assert_int_equal(total_rows(db_a), before);
}

/* Org names, English names, kinds, places and memberships in id order, as one string. */
static char *fingerprint(moa_db *db) {
  sqlite3_stmt *st = NULL;
  size_t cap = 1 << 20, len = 0;
  char *out = malloc(cap);
  assert_non_null(out);
  out[0] = '\0';
  assert_int_equal(
      sqlite3_prepare_v2(db_handle(db),
                         "SELECT o.id || '|' || o.name || '|' || o.name_en || '|' || o.kind || '|' || "
                         "o.region_id || '|' || ifnull(o.complex_id, '') || '|' || o.size || '|' || "
                         "o.keywords || '|' || (SELECT group_concat(consortium_id) FROM (SELECT "
                         "consortium_id FROM memberships WHERE org_id = o.id ORDER BY 1)) "
                         "FROM organizations o ORDER BY o.id",
                         -1, &st, NULL),
      SQLITE_OK);
  while (sqlite3_step(st) == SQLITE_ROW) {
    const char *row = (const char *)sqlite3_column_text(st, 0);
    size_t n = strlen(row);
    while (len + n + 2 > cap) {
      cap *= 2;
      out = realloc(out, cap);
      assert_non_null(out);
    }
    memcpy(out + len, row, n);
    len += n;
    out[len++] = '\n';
    out[len] = '\0';
  }
  sqlite3_finalize(st);
  return out;
}

static void test_deterministic(void **state) {
  char err[256] = "";
  moa_db *db_b = db_open(":memory:", false, err, sizeof err);
  assert_non_null(db_b);
  assert_int_equal(demo_data_load(db_b, err, sizeof err), 2737);
  char *a = fingerprint(db_a), *b = fingerprint(db_b);
  assert_true(strlen(a) > 100000);
  assert_string_equal(a, b);
  free(a);
  free(b);
  /* the same company profiles */
  static const char *const profiles =
      "SELECT count(*) || ':' || sum(length(value)) || ':' || sum(unicode(value) * org_id) || ':' || "
      "sum(length(as_of || ifnull(valid_from, '') || ifnull(valid_to, '') || source)) || ':' || "
      "sum(updated_at) "
      "FROM org_attributes";
  sqlite3_stmt *pa = NULL, *pb = NULL;
  assert_int_equal(sqlite3_prepare_v2(db_handle(db_a), profiles, -1, &pa, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(db_handle(db_b), profiles, -1, &pb, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(pa), SQLITE_ROW);
  assert_int_equal(sqlite3_step(pb), SQLITE_ROW);
  assert_string_equal((const char *)sqlite3_column_text(pa, 0), (const char *)sqlite3_column_text(pb, 0));
  sqlite3_finalize(pa);
  sqlite3_finalize(pb);
  /* the same people, too (only the password salts differ) */
  assert_int_equal(query_int(db_b, "SELECT count(*) FROM users"), 76);
  db_close(db_b);
}

/* The companies' matching profiles agree with themselves and with the organization. */
static void test_profiles_consistent(void **state) {
  (void)state;
  /* every company has a profile, institutions none */
  assert_int_equal(query_int(db_a, "SELECT count(DISTINCT org_id) FROM org_attributes"), DEMO_DATA_COMPANIES);
  assert_int_equal(query_int(db_a,
                             "SELECT count(*) FROM org_attributes a JOIN organizations o ON o.id = a.org_id "
                             "WHERE o.kind <> 'company'"),
                   0);
  /* headcount inside the size class */
  assert_int_equal(
      query_int(
          db_a,
          "SELECT count(*) FROM org_attributes s JOIN org_attributes e ON e.org_id = s.org_id "
          "AND e.attr = 'employees' WHERE s.attr = 'size' AND NOT ("
          "(s.value = 'solo' AND e.value + 0 = 1) OR (s.value = 'micro' AND e.value + 0 BETWEEN 2 AND 9) "
          "OR (s.value = 'small' AND e.value + 0 BETWEEN 10 AND 49) OR (s.value = 'medium' AND "
          "e.value + 0 BETWEEN 50 AND 299) OR (s.value = 'midsize' AND e.value + 0 BETWEEN 300 AND "
          "999) OR (s.value = 'large' AND e.value + 0 >= 1000))"),
      0);
  /* revenue inside the organization's revenue band */
  assert_int_equal(
      query_int(db_a,
                "SELECT count(*) FROM org_attributes r JOIN organizations o ON o.id = r.org_id "
                "WHERE r.attr = 'revenue' AND NOT ((o.revenue_band = 'under_1b' AND r.value + 0 < 1e9) "
                "OR (o.revenue_band = '1b_10b' AND r.value + 0 BETWEEN 1e9 AND 1e10 - 1) OR "
                "(o.revenue_band = '10b_100b' AND r.value + 0 BETWEEN 1e10 AND 1e11 - 1) OR "
                "(o.revenue_band = 'over_100b' AND r.value + 0 >= 1e11))"),
      0);
  /* the founding year the description names; 업력 and the representative's age agree with it */
  assert_int_equal(
      query_int(db_a,
                "SELECT count(*) FROM org_attributes f JOIN organizations o ON o.id = f.org_id "
                "WHERE f.attr = 'founded' AND o.description LIKE '%년 설립%' AND "
                "substr(o.description, instr(o.description, '년 설립') - 4, 4) <> substr(f.value, 1, 4)"),
      0);
  assert_true(query_int(db_a,
                        "SELECT count(*) FROM org_attributes f JOIN organizations o ON o.id = f.org_id WHERE "
                        "f.attr = 'founded' AND o.description LIKE '%년 설립%'") > 100);
  assert_int_equal(
      query_int(db_a,
                "SELECT count(*) FROM org_attributes f JOIN org_attributes b ON b.org_id = f.org_id "
                "AND b.attr = 'ceo_birth' WHERE f.attr = 'founded' AND "
                "substr(f.value, 1, 4) - substr(b.value, 1, 4) < 22 AND substr(b.value, 1, 4) > '1940'"),
      0);
  /* exports, 여성기업 and young employees agree */
  assert_int_equal(query_int(db_a,
                             "SELECT count(*) FROM org_attributes x JOIN organizations o ON o.id = x.org_id "
                             "WHERE x.attr = 'export_usd' AND (x.value = '0') = (o.exports = 1)"),
                   0);
  assert_int_equal(
      query_int(db_a,
                "SELECT count(*) FROM org_attributes f JOIN org_attributes g ON g.org_id = f.org_id "
                "AND g.attr = 'ceo_gender' WHERE f.attr = 'female_owned' AND "
                "(f.value = '1') <> (g.value = 'female')"),
      0);
  assert_int_equal(
      query_int(db_a,
                "SELECT count(*) FROM org_attributes y JOIN org_attributes e ON e.org_id = y.org_id "
                "AND e.attr = 'employees' WHERE y.attr = 'youth_employees' AND y.value + 0 > e.value + 0"),
      0);
  /* certifications: three-year windows, some expired, none starting after the demo's today */
  assert_int_equal(query_int(db_a,
                             "SELECT count(*) FROM org_attributes WHERE attr IN ('venture', 'innobiz', "
                             "'mainbiz') AND value = '1' AND (valid_from > '" DEMO_PROFILES_TODAY "' OR "
                             "valid_to < valid_from OR valid_to > (substr(valid_from, 1, 4) + 3) || "
                             "substr(valid_from, 5))"),
                   0);
  assert_true(query_int(db_a,
                        "SELECT count(*) FROM org_attributes WHERE attr = 'venture' AND value = '1' AND "
                        "valid_to < '" DEMO_PROFILES_TODAY "'") > 20);
  assert_true(query_int(db_a,
                        "SELECT count(*) FROM org_attributes WHERE attr = 'venture' AND value = '1' AND "
                        "valid_to >= '" DEMO_PROFILES_TODAY "'") > 100);
  /* no date after the demo's today */
  assert_int_equal(
      query_int(db_a, "SELECT count(*) FROM org_attributes WHERE as_of > '" DEMO_PROFILES_TODAY "'"), 0);
  /* blanks on purpose: every attribute is missing somewhere, and 5-30 % of them overall */
  assert_int_equal(query_int(db_a, "SELECT count(DISTINCT attr) FROM org_attributes"), CP_ATTR_COUNT);
  assert_int_equal(query_int(db_a,
                             "SELECT count(*) FROM (SELECT attr FROM org_attributes GROUP BY attr HAVING "
                             "count(*) = 1921)"),
                   0);
  int64_t filled = query_int(db_a, "SELECT count(*) FROM org_attributes");
  assert_true(filled > 1921 * CP_ATTR_COUNT * 70 / 100 && filled < 1921 * CP_ATTR_COUNT * 95 / 100);
  /* sources: both kinds */
  assert_true(query_int(db_a, "SELECT count(*) FROM org_attributes WHERE source = 'imported'") > 10000);
  assert_true(query_int(db_a, "SELECT count(*) FROM org_attributes WHERE source = 'entered'") > 10000);
  /* member01a's company has a profile the app can show */
  assert_true(query_int(db_a,
                        "SELECT count(*) FROM org_attributes WHERE org_id = (SELECT org_id FROM users WHERE "
                        "email = 'member01a@moa.example')") > 15);
}

static void test_print_logins(void **state) {
  char buf[8192];
  FILE *f = fmemopen(buf, sizeof buf, "w");
  assert_non_null(f);
  demo_data_print_logins(f);
  fclose(f);
  assert_non_null(strstr(buf, "moa-demo-2025"));
  assert_non_null(strstr(buf, "admin@moa.example"));
  assert_non_null(strstr(buf, "coord01@moa.example"));
  assert_non_null(strstr(buf, "member25b@moa.example"));
}

int main(void) {
  log_set_level(LOG_LEVEL_ERROR);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_counts),
      cmocka_unit_test(test_every_consortium_has_members),
      cmocka_unit_test(test_geography_matches_consortia),
      cmocka_unit_test(test_logins),
      cmocka_unit_test(test_second_load_changes_nothing),
      cmocka_unit_test(test_deterministic),
      cmocka_unit_test(test_profiles_consistent),
      cmocka_unit_test(test_print_logins),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
