/* Unit tests of storage/company_profile (the attribute checks, the evaluator's view) and
 * storage/company_profile_store (the profile in org_attributes) on an in-memory database: a round
 * trip of every kind of value, one refused value per checked field with its message naming the
 * field, all-or-nothing updates (also when any step of the write fails), blank (unknown) against a
 * known "no", and the evaluator's input from a profile with blanks giving UNKNOWN, never a silent
 * pass. */
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
#include "storage/eligibility.h"
#include "storage/embedded.h"
#include "storage/org_store.h"
#include "storage/reference_store.h"
#include "store_test_support.h"

#define TODAY "2026-12-06"
#define NOW INT64_C(1796000000)
#define N(a) (sizeof(a) / sizeof *(a))

typedef struct fixture {
  moa_db *db;
  int64_t org;
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  f->db = store_test_open_consortia();
  if (!f->db) return -1;
  org_record r = {.kind = "company", .name = "(주)테스트정밀", .region_id = 1, .size = "small"};
  f->org = org_store_insert(f->db, &r);
  if (f->org <= 0) return -1;
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  db_close(f->db);
  free(f);
  return 0;
}

static int set1(fixture *f, cp_attr a, const char *value, char *err, size_t errlen) {
  cp_change c = {.attr = a, .value = value};
  return company_profile_update(f->db, f->org, &c, 1, TODAY, NOW, 0, err, errlen, NULL);
}

static void test_round_trip(void **state) {
  fixture *f = *state;
  char err[256] = "";
  const cp_change changes[] = {
      {.attr = CP_BIZ_NO,
       .value = "124-81-00998",
       .as_of = NULL,
       .valid_from = NULL,
       .valid_to = NULL,
       .source = CP_SOURCE_IMPORTED},
      {.attr = CP_FOUNDED, .value = "2019-03-15", .as_of = "2019-03-15"},
      {.attr = CP_SIZE, .value = "small", .as_of = "2026-01-01"},
      {.attr = CP_REVENUE, .value = "3500000000", .as_of = "2025-12-31"},
      {.attr = CP_EMPLOYEES, .value = "42", .as_of = "2026-10-31"},
      {.attr = CP_YOUTH_EMPLOYEES, .value = "12", .as_of = "2026-10-31"},
      {.attr = CP_KSIC, .value = "C29199"},
      {.attr = CP_KSIC_SUB, .value = "C28111|J62010"},
      {.attr = CP_REGION, .value = "충남"},
      {.attr = CP_PLANT_REGIONS, .value = "충남|충북"},
      {.attr = CP_VENTURE,
       .value = "1",
       .as_of = "2025-04-01",
       .valid_from = "2025-04-01",
       .valid_to = "2028-03-31"},
      {.attr = CP_INNOBIZ, .value = "0"},
      {.attr = CP_MAINBIZ, .value = "1", .as_of = NULL, .valid_from = "2020-01-01", .valid_to = "2022-12-31"},
      {.attr = CP_LAB, .value = "institute"},
      {.attr = CP_FEMALE_OWNED, .value = "0"},
      {.attr = CP_CEO_BIRTH, .value = "1987-05-10"},
      {.attr = CP_HISTORY, .value = "2024 스마트공장 구축지원|2023 수출바우처"},
      {.attr = CP_EXPORT_COUNTRIES, .value = "US|VN"},
  };
  assert_int_equal(
      company_profile_update(f->db, f->org, changes, N(changes), TODAY, NOW, 0, err, sizeof err, NULL),
      STORE_OK);
  company_profile *p = malloc(sizeof *p);
  assert_int_equal(company_profile_load(f->db, f->org, p), STORE_OK);
  assert_true(p->v[CP_BIZ_NO].set);
  assert_string_equal(p->v[CP_BIZ_NO].value, "1248100998"); /* canonical: no hyphens */
  assert_int_equal(p->v[CP_BIZ_NO].source, CP_SOURCE_IMPORTED);
  assert_string_equal(p->v[CP_BIZ_NO].as_of, TODAY); /* no date given: today */
  assert_string_equal(p->v[CP_REVENUE].value, "3500000000");
  assert_string_equal(p->v[CP_REVENUE].as_of, "2025-12-31");
  assert_int_equal(p->v[CP_REVENUE].source, CP_SOURCE_ENTERED);
  assert_int_equal(p->v[CP_REVENUE].updated_at, NOW);
  assert_string_equal(p->v[CP_VENTURE].valid_from, "2025-04-01");
  assert_string_equal(p->v[CP_VENTURE].valid_to, "2028-03-31");
  assert_string_equal(p->v[CP_INNOBIZ].value, "0");
  assert_string_equal(p->v[CP_INNOBIZ].valid_from, "");
  assert_string_equal(p->v[CP_HISTORY].value, "2024 스마트공장 구축지원|2023 수출바우처");
  assert_string_equal(p->v[CP_PLANT_REGIONS].value, "충남|충북");
  assert_false(p->v[CP_TOTAL_ASSETS].set);
  /* clearing makes it blank again */
  cp_change clear = {.attr = CP_REVENUE};
  assert_int_equal(company_profile_update(f->db, f->org, &clear, 1, TODAY, NOW, 0, err, sizeof err, NULL),
                   STORE_OK);
  assert_int_equal(company_profile_load(f->db, f->org, p), STORE_OK);
  assert_false(p->v[CP_REVENUE].set);
  assert_int_equal(company_profile_load(f->db, 999999, p), STORE_NOT_FOUND);
  assert_int_equal(company_profile_update(f->db, 999999, &clear, 1, TODAY, NOW, 0, err, sizeof err, NULL),
                   STORE_NOT_FOUND);
  free(p);
}

/* Every checked field refuses a bad value with a message that starts with its key. */
static void test_validation_per_field(void **state) {
  fixture *f = *state;
  const struct {
    cp_attr attr;
    const char *value, *as_of, *from, *to, *want;
  } cases[] = {
      {.attr = CP_REVENUE,
       .value = "-5",
       .as_of = NULL,
       .from = NULL,
       .to = NULL,
       .want = "revenue: cannot be negative"},
      {.attr = CP_REVENUE,
       .value = "1000000000000001",
       .as_of = NULL,
       .from = NULL,
       .to = NULL,
       .want = "revenue: 1000000000000001 is out of range"},
      {.attr = CP_REVENUE,
       .value = "12a",
       .as_of = NULL,
       .from = NULL,
       .to = NULL,
       .want = "revenue: must be a whole number"},
      {.attr = CP_REVENUE,
       .value = "0012",
       .as_of = NULL,
       .from = NULL,
       .to = NULL,
       .want = "revenue: must be a whole number"},
      {.attr = CP_REVENUE,
       .value = "100",
       .as_of = "2027-01-01",
       .from = NULL,
       .to = NULL,
       .want = "revenue: as_of 2027-01-01 is in the future"},
      {.attr = CP_REVENUE,
       .value = "100",
       .as_of = "2026-13-01",
       .from = NULL,
       .to = NULL,
       .want = "revenue: as_of must be a date"},
      {.attr = CP_EMPLOYEES,
       .value = "-1",
       .as_of = NULL,
       .from = NULL,
       .to = NULL,
       .want = "employees: cannot be negative"},
      {.attr = CP_EMPLOYEES,
       .value = "2000000",
       .as_of = NULL,
       .from = NULL,
       .to = NULL,
       .want = "employees: 2000000 is out of range"},
      {.attr = CP_RND_RATIO,
       .value = "101",
       .as_of = NULL,
       .from = NULL,
       .to = NULL,
       .want = "rnd_ratio: 101 is out of range"},
      {.attr = CP_FOUNDED,
       .value = "2027-03-01",
       .as_of = NULL,
       .from = NULL,
       .to = NULL,
       .want = "founded: 2027-03-01 is in the future"},
      {.attr = CP_FOUNDED,
       .value = "2019-02-29",
       .as_of = NULL,
       .from = NULL,
       .to = NULL,
       .want = "founded: must be a date"},
      {.attr = CP_CEO_BIRTH,
       .value = "2020-01-01",
       .as_of = NULL,
       .from = NULL,
       .to = NULL,
       .want = "ceo_birth: 2020-01-01 is less than 15 years ago"},
      {CP_KSIC, "C99999", NULL, NULL, NULL, "ksic: \"C99999\" is not a KSIC code"},
      {CP_KSIC, "Z10000", NULL, NULL, NULL, "ksic: \"Z10000\" is not a KSIC code"},
      {CP_KSIC, "C2919", NULL, NULL, NULL, "ksic: \"C2919\" is not a KSIC code"},
      {CP_KSIC_SUB, "C28111|X1", NULL, NULL, NULL, "ksic_sub: \"X1\" is not a KSIC code"},
      {CP_KSIC_SUB, "C28111|C28111", NULL, NULL, NULL, "ksic_sub: lists \"C28111\" twice"},
      {CP_REGION, "충청", NULL, NULL, NULL, "region: \"충청\" is not a region"},
      {.attr = CP_PLANT_REGIONS,
       .value = "충남||경기",
       .as_of = NULL,
       .from = NULL,
       .to = NULL,
       .want = "plant_regions: has an empty element"},
      {.attr = CP_SIZE,
       .value = "huge",
       .as_of = NULL,
       .from = NULL,
       .to = NULL,
       .want = "size: must be one of solo|micro|small|medium|midsize|large"},
      {CP_BIZ_NO, "1248100999", NULL, NULL, NULL,
       "biz_no: \"1248100999\" is not a valid business registration"},
      {.attr = CP_FEMALE_OWNED,
       .value = "yes",
       .as_of = NULL,
       .from = NULL,
       .to = NULL,
       .want = "female_owned: must be 1 (yes) or 0 (no)"},
      {.attr = CP_VENTURE,
       .value = "1",
       .as_of = NULL,
       .from = NULL,
       .to = NULL,
       .want = "venture: valid_from must be a date"},
      {.attr = CP_VENTURE,
       .value = "1",
       .as_of = NULL,
       .from = "2025-01-01",
       .to = "2024-12-31",
       .want = "venture: valid_to 2024-12-31 is before valid_from"},
      {.attr = CP_VENTURE,
       .value = "1",
       .as_of = NULL,
       .from = "2027-01-01",
       .to = "2029-12-31",
       .want = "venture: valid_from 2027-01-01 is in the future"},
      {.attr = CP_INNOBIZ,
       .value = "1",
       .as_of = NULL,
       .from = "2025-01-01",
       .to = "2030-01-01",
       .want = "innobiz: valid_to 2030-01-01 is more than 3 years"},
      {.attr = CP_MAINBIZ,
       .value = "0",
       .as_of = NULL,
       .from = "2025-01-01",
       .to = "2027-01-01",
       .want = "mainbiz: a validity window needs the certification held"},
      {.attr = CP_REVENUE,
       .value = "100",
       .as_of = NULL,
       .from = "2025-01-01",
       .to = NULL,
       .want = "revenue: only certifications have a validity window"},
      {CP_HISTORY, "스마트공장", NULL, NULL, NULL, "history: entry 1 must be \"YYYY programme name\""},
      {.attr = CP_HISTORY,
       .value = "2024 A|2031 B",
       .as_of = NULL,
       .from = NULL,
       .to = NULL,
       .want = "history: entry 2: the year must be from 1990 to 2026"},
      {CP_EXPORT_COUNTRIES, "US|usa", NULL, NULL, NULL, "export_countries: \"usa\" is not a country code"},
      {.attr = CP_REVENUE, .value = "", .as_of = NULL, .from = NULL, .to = NULL, .want = "revenue: is empty"},
  };
  for (size_t i = 0; i < N(cases); i++) {
    char err[256] = "";
    int bad = 99;
    cp_change c = {.attr = cases[i].attr,
                   .value = cases[i].value,
                   .as_of = cases[i].as_of,
                   .valid_from = cases[i].from,
                   .valid_to = cases[i].to};
    int rc = company_profile_update(f->db, f->org, &c, 1, TODAY, NOW, 0, err, sizeof err, &bad);
    if (rc != STORE_INVALID || strncmp(err, cases[i].want, strlen(cases[i].want)) != 0)
      fail_msg("case %zu: rc %d, err \"%s\", want \"%s\"", i, rc, err, cases[i].want);
    assert_int_equal(bad, 0);
  }
  /* a bad change among good ones writes nothing, and names its index */
  char err[256] = "";
  int bad = -1;
  const cp_change mixed[] = {{.attr = CP_REVENUE, .value = "5000000000"},
                             {.attr = CP_EMPLOYEES, .value = "10"},
                             {.attr = CP_REGION, .value = "Seoul"}};
  assert_int_equal(company_profile_update(f->db, f->org, mixed, 3, TODAY, NOW, 0, err, sizeof err, &bad),
                   STORE_INVALID);
  assert_int_equal(bad, 2);
  company_profile *p = malloc(sizeof *p);
  assert_int_equal(company_profile_load(f->db, f->org, p), STORE_OK);
  assert_false(p->v[CP_REVENUE].set);
  assert_false(p->v[CP_EMPLOYEES].set);
  /* across fields: more young employees than employees */
  const cp_change youth[] = {{.attr = CP_EMPLOYEES, .value = "10"},
                             {.attr = CP_YOUTH_EMPLOYEES, .value = "11"}};
  assert_int_equal(company_profile_update(f->db, f->org, youth, 2, TODAY, NOW, 0, err, sizeof err, &bad),
                   STORE_INVALID);
  assert_string_equal(err, "youth_employees: 11 is more than employees (10)");
  assert_int_equal(bad, 1);
  assert_int_equal(set1(f, CP_EMPLOYEES, "10", err, sizeof err), STORE_OK);
  assert_int_equal(set1(f, CP_YOUTH_EMPLOYEES, "11", err, sizeof err), STORE_INVALID);
  /* the same attribute twice */
  const cp_change twice[] = {{.attr = CP_PATENTS, .value = "1"}, {.attr = CP_PATENTS, .value = "2"}};
  assert_int_equal(company_profile_update(f->db, f->org, twice, 2, TODAY, NOW, 0, err, sizeof err, &bad),
                   STORE_INVALID);
  assert_string_equal(err, "patents: changed twice in one update");
  assert_int_equal(company_profile_load(f->db, f->org, p), STORE_OK);
  assert_false(p->v[CP_PATENTS].set);
  free(p);
}

static void test_bizno_and_boundaries(void **state) {
  (void)state;
  assert_true(cp_bizno_valid("1248100998"));
  assert_true(cp_bizno_valid("124-81-00998"));
  assert_false(cp_bizno_valid("124-8100998"));
  assert_false(cp_bizno_valid("12481009980"));
  assert_false(cp_bizno_valid(""));
  char canon[CP_VALUE_MAX], as_of[CP_DATE_LEN], err[256];
  cp_change c = {.attr = CP_REVENUE, .value = "1000000000000000"};
  assert_int_equal(cp_check(&c, TODAY, canon, as_of, err, sizeof err), 0); /* at the cap */
  c = (cp_change){.attr = CP_FOUNDED, .value = TODAY};
  assert_int_equal(cp_check(&c, TODAY, canon, as_of, err, sizeof err), 0); /* founded today */
  c = (cp_change){
      .attr = CP_INNOBIZ, .value = "1", .as_of = NULL, .valid_from = "2025-01-01", .valid_to = "2028-01-01"};
  assert_int_equal(cp_check(&c, TODAY, canon, as_of, err, sizeof err), 0); /* exactly 3 years */
  c = (cp_change){.attr = CP_KSIC, .value = "A01110"};
  assert_int_equal(cp_check(&c, TODAY, canon, as_of, err, sizeof err), 0);
  c = (cp_change){.attr = CP_KSIC, .value = "U99001"};
  assert_int_equal(cp_check(&c, TODAY, canon, as_of, err, sizeof err), 0);
  c = (cp_change){.attr = CP_KSIC, .value = "B04000"}; /* division 04 is in no section */
  assert_int_equal(cp_check(&c, TODAY, canon, as_of, err, sizeof err), -1);
  assert_int_equal(cp_attr_find("revenue"), CP_REVENUE);
  assert_int_equal(cp_attr_find("certs"), -1);
  assert_int_equal(cp_source_find("imported"), CP_SOURCE_IMPORTED);
  assert_int_equal(cp_source_find("self"), -1);
  for (int a = 0; a < CP_ATTR_COUNT; a++) assert_int_equal(cp_attr_find(cp_attr_info(a)->key), a);
}

static const char *attr_value(const cp_elig_input *in, const char *key) {
  for (size_t i = 0; i < in->n; i++)
    if (strcmp(in->attrs[i].attr, key) == 0) return in->attrs[i].value;
  fail_msg("no attribute %s in the evaluator's input", key);
  return NULL;
}

/* A blank is unknown; an entered "no" is known. The evaluator reads the profile as it stands. */
static void test_evaluator_input(void **state) {
  fixture *f = *state;
  char err[256] = "";
  const cp_change changes[] = {
      {.attr = CP_FOUNDED, .value = "2019-12-01"},
      {.attr = CP_FEMALE_OWNED, .value = "0"},
      {.attr = CP_VENTURE, .value = "1", .as_of = NULL, .valid_from = "2024-01-01", .valid_to = "2026-12-31"},
      {.attr = CP_INNOBIZ, .value = "0"},
      {.attr = CP_REGION, .value = "충남"},
  };
  assert_int_equal(
      company_profile_update(f->db, f->org, changes, N(changes), TODAY, NOW, 0, err, sizeof err, NULL),
      STORE_OK);
  company_profile *p = malloc(sizeof *p);
  assert_int_equal(company_profile_load(f->db, f->org, p), STORE_OK);
  cp_elig_input in;
  cp_elig_fill(p, "2026-11-30", &in);
  assert_int_equal(in.n, CP_ATTR_COUNT + 1);
  assert_null(attr_value(&in, "revenue")); /* blank: unknown */
  assert_null(attr_value(&in, "mainbiz"));
  assert_null(attr_value(&in, "certs")); /* mainbiz unknown: the list is unknown */
  assert_string_equal(attr_value(&in, "female_owned"), "0");
  assert_string_equal(attr_value(&in, "venture"), "1");
  assert_string_equal(attr_value(&in, "region"), "충남");

  const elig_rule rules[] = {
      {.attr = "revenue", .op = OP_LE, .hi = INT64_C(10000000000), .evidence = "매출액 100억원 이하"},
      {.attr = "age_years", .op = OP_LT, .hi = 7, .evidence = "창업 7년 미만"},
      {.attr = "female_owned", .op = OP_IS_TRUE, .evidence = "여성기업"},
      {.attr = "venture", .op = OP_IS_TRUE, .evidence = "벤처기업"},
      {.attr = "mainbiz", .op = OP_IS_TRUE, .evidence = "메인비즈"},
      {.attr = "certs", .op = OP_HAS_ANY, .list = "venture|innobiz"},
      {.attr = "ceo_age", .op = OP_LE, .hi = 39},
      {.attr = "region", .op = OP_IN, .list = "충남|충북"},
  };
  elig_result res[N(rules)];
  elig_evaluate(rules, N(rules), in.attrs, in.n, "2026-11-30", res);
  assert_int_equal(res[0], ELIG_UNKNOWN); /* revenue blank */
  assert_int_equal(res[1], ELIG_PASS);    /* 6 full years on 2026-11-30 */
  assert_int_equal(res[2], ELIG_FAIL);    /* an entered "no" is not unknown */
  assert_int_equal(res[3], ELIG_PASS);
  assert_int_equal(res[4], ELIG_UNKNOWN);
  assert_int_equal(res[5], ELIG_UNKNOWN);
  assert_int_equal(res[6], ELIG_UNKNOWN); /* ceo_birth blank */
  assert_int_equal(res[7], ELIG_PASS);
  /* with only the revenue rule, a blank is 확인 필요, never 신청 가능 */
  assert_int_equal(elig_evaluate(rules, 1, in.attrs, in.n, "2026-11-30", NULL).bucket, ELIG_BUCKET_CHECK);

  /* an expired certification is a known "no"; with all three known, certs is a list */
  assert_int_equal(set1(f, CP_MAINBIZ, "0", err, sizeof err), STORE_OK);
  assert_int_equal(company_profile_load(f->db, f->org, p), STORE_OK);
  cp_elig_fill(p, "2027-01-01", &in);
  assert_string_equal(attr_value(&in, "venture"), "0");
  assert_string_equal(attr_value(&in, "certs"), "none");
  assert_int_equal(elig_eval_rule(&rules[5], in.attrs, in.n, "2027-01-01"), ELIG_FAIL);
  cp_elig_fill(p, "2026-06-01", &in);
  assert_string_equal(attr_value(&in, "certs"), "venture");
  assert_int_equal(elig_eval_rule(&rules[5], in.attrs, in.n, "2026-06-01"), ELIG_PASS);
  cp_elig_fill(p, "2023-12-31", &in); /* before the window opened */
  assert_string_equal(attr_value(&in, "venture"), "0");
  free(p);
}

/* A failure at any database step of an update leaves the profile exactly as it was. */
static void test_faults_change_nothing(void **state) {
  fixture *f = *state;
  char err[256] = "";
  const cp_change first[] = {{.attr = CP_REVENUE, .value = "100"},
                             {.attr = CP_EMPLOYEES, .value = "5"},
                             {.attr = CP_PATENTS, .value = "2"}};
  assert_int_equal(company_profile_update(f->db, f->org, first, 3, TODAY, NOW, 0, err, sizeof err, NULL),
                   STORE_OK);
  const cp_change next[] = {{.attr = CP_REVENUE, .value = "200"},
                            {.attr = CP_EMPLOYEES, .value = "6"},
                            {.attr = CP_REGION, .value = "경기"},
                            {.attr = CP_PATENTS}};
  company_profile *p = malloc(sizeof *p);
  const int codes[] = {SQLITE_IOERR, SQLITE_FULL, SQLITE_NOMEM};
  int failures = 0;
  for (int whole = 0; whole < 2; whole++)
    for (size_t c = 0; c < N(codes); c++)
      for (uint64_t nth = 1;; nth++) {
        db_fault_inject(f->db, nth, codes[c], whole);
        int rc = company_profile_update(f->db, f->org, next, N(next), TODAY, NOW, 0, err, sizeof err, NULL);
        bool fired = db_fault_fired(f->db);
        db_fault_inject(f->db, 0, 0, false);
        assert_int_equal(company_profile_load(f->db, f->org, p), STORE_OK);
        if (!fired) { /* past the last step: the update went through; put the first state back */
          assert_int_equal(rc, STORE_OK);
          assert_string_equal(p->v[CP_REVENUE].value, "200");
          assert_string_equal(p->v[CP_REGION].value, "경기");
          assert_false(p->v[CP_PATENTS].set);
          const cp_change back[] = {{.attr = CP_REVENUE, .value = "100"},
                                    {.attr = CP_EMPLOYEES, .value = "5"},
                                    {.attr = CP_REGION},
                                    {.attr = CP_PATENTS, .value = "2"}};
          assert_int_equal(
              company_profile_update(f->db, f->org, back, N(back), TODAY, NOW, 0, err, sizeof err, NULL),
              STORE_OK);
          break;
        }
        failures++;
        assert_int_equal(rc, STORE_ERROR);
        assert_string_equal(p->v[CP_REVENUE].value, "100");
        assert_string_equal(p->v[CP_EMPLOYEES].value, "5");
        assert_false(p->v[CP_REGION].set);
        assert_string_equal(p->v[CP_PATENTS].value, "2");
      }
  assert_true(failures >= 6 * 5);
  free(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
      cmocka_unit_test_setup_teardown(test_validation_per_field, setup, teardown),
      cmocka_unit_test(test_bizno_and_boundaries),
      cmocka_unit_test_setup_teardown(test_evaluator_input, setup, teardown),
      cmocka_unit_test_setup_teardown(test_faults_change_nothing, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
