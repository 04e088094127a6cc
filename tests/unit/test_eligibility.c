/* Unit tests of storage/eligibility (the pure rule evaluator) on the boundary cases the issue
 * names: 업력 exactly 7 years against "7년 미만" and "7년 이내", 만 39세 on the birthday and the day
 * before (and a 29 February birthday), revenue exactly at a cap and one won over, an OR-group
 * (벤처 또는 이노비즈) with PASS / FAIL / UNKNOWN members, excluded rules, preferred rules that never
 * block, KSIC prefixes, and a missing or absurd company value that is UNKNOWN, never a pass. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// clang-format off
#include <cmocka.h>
// clang-format on

#include "storage/eligibility.h"

#define N(a) (sizeof(a) / sizeof *(a))

static elig_result one(const elig_rule *r, const char *attr, const char *value, const char *at) {
  elig_attr a = {attr, value};
  return elig_eval_rule(r, &a, value ? 1 : 0, at);
}

static void test_full_years(void **state) {
  (void)state;
  assert_int_equal(elig_full_years("2019-11-30", "2026-11-29"), 6);
  assert_int_equal(elig_full_years("2019-11-30", "2026-11-30"), 7);
  assert_int_equal(elig_full_years("2000-02-29", "2025-02-28"), 24); /* no 29 Feb: the year ends on 1 March */
  assert_int_equal(elig_full_years("2000-02-29", "2025-03-01"), 25);
  assert_int_equal(elig_full_years("2000-02-29", "2024-02-29"), 24);
  assert_int_equal(elig_full_years("2026-01-02", "2026-01-01"), -1);
  assert_int_equal(elig_full_years("2026-02-30", "2026-03-01"), -1);
  assert_int_equal(elig_full_years("", "2026-03-01"), -1);
}

/* 업력: "창업 7년 미만" is age_years < 7; "7년 이내" is <= 7. */
static void test_business_age(void **state) {
  (void)state;
  elig_rule under7 = {.attr = "age_years", .op = OP_LT, .hi = 7, .evidence = "창업 7년 미만"};
  elig_rule within7 = {.attr = "age_years", .op = OP_LE, .hi = 7, .evidence = "창업 7년 이내"};
  assert_int_equal(one(&under7, "founded", "2019-11-30", "2026-11-29"), ELIG_PASS);
  assert_int_equal(one(&under7, "founded", "2019-11-30", "2026-11-30"), ELIG_FAIL); /* exactly 7 */
  assert_int_equal(one(&within7, "founded", "2019-11-30", "2026-11-30"), ELIG_PASS);
  assert_int_equal(one(&within7, "founded", "2019-11-30", "2027-11-30"), ELIG_FAIL);
  assert_int_equal(one(&under7, "founded", NULL, "2026-11-30"), ELIG_UNKNOWN);
  assert_int_equal(one(&under7, "founded", "2030-01-01", "2026-11-30"),
                   ELIG_UNKNOWN); /* founded in the future */
}

/* 만 39세 이하: the 40th birthday ends it. */
static void test_ceo_age(void **state) {
  (void)state;
  elig_rule r = {.attr = "ceo_age", .op = OP_LE, .hi = 39, .evidence = "대표자 만 39세 이하"};
  assert_int_equal(one(&r, "ceo_birth", "1987-05-10", "2026-05-10"), ELIG_PASS); /* 39 today */
  assert_int_equal(one(&r, "ceo_birth", "1987-05-10", "2027-05-09"), ELIG_PASS); /* 39 for one more day */
  assert_int_equal(one(&r, "ceo_birth", "1987-05-10", "2027-05-10"), ELIG_FAIL); /* 40 */
  assert_int_equal(one(&r, "ceo_birth", "1988-02-29", "2028-02-28"),
                   ELIG_PASS); /* 39, the 40th comes on 02-29 */
  assert_int_equal(one(&r, "ceo_birth", "1988-02-29", "2028-02-29"), ELIG_FAIL);
}

static void test_revenue_cap(void **state) {
  (void)state;
  elig_rule r = {
      .attr = "revenue", .op = OP_LE, .hi = INT64_C(10000000000), .evidence = "매출액 100억원 이하"};
  assert_int_equal(one(&r, "revenue", "10000000000", NULL), ELIG_PASS);
  assert_int_equal(one(&r, "revenue", "10000000001", NULL), ELIG_FAIL);
  assert_int_equal(one(&r, "revenue", "0", NULL), ELIG_PASS);
  assert_int_equal(one(&r, "revenue", "-5", NULL), ELIG_UNKNOWN);   /* absurd: not a pass */
  assert_int_equal(one(&r, "revenue", "1e10", NULL), ELIG_UNKNOWN); /* not a number */
  assert_int_equal(one(&r, "revenue", "", NULL), ELIG_UNKNOWN);
  elig_rule between = {.attr = "employees", .op = OP_BETWEEN, .lo = 5, .hi = 99};
  assert_int_equal(one(&between, "employees", "5", NULL), ELIG_PASS);
  assert_int_equal(one(&between, "employees", "99", NULL), ELIG_PASS);
  assert_int_equal(one(&between, "employees", "4", NULL), ELIG_FAIL);
  assert_int_equal(one(&between, "employees", "100", NULL), ELIG_FAIL);
}

static void test_lists(void **state) {
  (void)state;
  elig_rule ksic = {.attr = "ksic", .op = OP_PREFIX_IN, .list = "C10|C2|C3", .evidence = "제조업(10~34)"};
  assert_int_equal(one(&ksic, "ksic", "C29199", NULL), ELIG_PASS);
  assert_int_equal(one(&ksic, "ksic", "J58221|C10301", NULL), ELIG_PASS);
  assert_int_equal(one(&ksic, "ksic", "J58221", NULL), ELIG_FAIL);
  elig_rule region = {.attr = "region", .op = OP_IN, .list = "충남|충북"};
  assert_int_equal(one(&region, "region", "충남", NULL), ELIG_PASS);
  assert_int_equal(one(&region, "region", "충", NULL), ELIG_FAIL);
  elig_rule all = {.attr = "certs", .op = OP_HAS_ALL, .list = "venture|innobiz"};
  assert_int_equal(one(&all, "certs", "innobiz|venture|mainbiz", NULL), ELIG_PASS);
  assert_int_equal(one(&all, "certs", "venture", NULL), ELIG_FAIL);
  elig_rule flag = {.attr = "female_owned", .op = OP_IS_TRUE};
  assert_int_equal(one(&flag, "female_owned", "1", NULL), ELIG_PASS);
  assert_int_equal(one(&flag, "female_owned", "0", NULL), ELIG_FAIL);
  assert_int_equal(one(&flag, "female_owned", "yes", NULL), ELIG_UNKNOWN);
}

/* 벤처기업 또는 이노비즈: an OR-group of two required rules; plus an excluded and a preferred rule. */
static void test_or_group_and_buckets(void **state) {
  (void)state;
  const elig_rule rules[] = {
      {.attr = "venture",
       .op = OP_IS_TRUE,
       .strength = RULE_REQUIRED,
       .grp = 1,
       .evidence = "벤처기업 또는 이노비즈"},
      {.attr = "innobiz",
       .op = OP_IS_TRUE,
       .strength = RULE_REQUIRED,
       .grp = 1,
       .evidence = "벤처기업 또는 이노비즈"},
      {.attr = "arrears", .op = OP_IS_TRUE, .strength = RULE_EXCLUDED, .evidence = "국세 체납 기업 제외"},
      {.attr = "female_owned", .op = OP_IS_TRUE, .strength = RULE_PREFERRED, .evidence = "여성기업 우대"},
  };
  elig_result res[N(rules)];
  const struct {
    const char *venture, *innobiz, *arrears, *female;
    elig_bucket want;
    int preferred;
  } cases[] = {
      {"1", "0", "0", "1", ELIG_BUCKET_ELIGIBLE, 1},   /* one of the group passes */
      {"0", "1", "0", "0", ELIG_BUCKET_ELIGIBLE, 0},   /* the other one; a missed preference never blocks */
      {"0", "0", "0", "1", ELIG_BUCKET_INELIGIBLE, 1}, /* both fail */
      {"0", NULL, "0", NULL, ELIG_BUCKET_CHECK, 0},    /* one fails, one unknown: to check */
      {"1", NULL, "0", NULL, ELIG_BUCKET_ELIGIBLE, 0}, /* one passes: the unknown one does not matter */
      {"1", "1", "1", "1", ELIG_BUCKET_INELIGIBLE, 1}, /* excluded */
      {"1", "1", NULL, "1", ELIG_BUCKET_CHECK, 1},     /* exclusion unknown: to check, never a silent pass */
      {NULL, NULL, NULL, NULL, ELIG_BUCKET_CHECK, 0},  /* nothing entered */
  };
  for (size_t i = 0; i < N(cases); i++) {
    elig_attr attrs[4];
    size_t n = 0;
    if (cases[i].venture) attrs[n++] = (elig_attr){"venture", cases[i].venture};
    if (cases[i].innobiz) attrs[n++] = (elig_attr){"innobiz", cases[i].innobiz};
    if (cases[i].arrears) attrs[n++] = (elig_attr){"arrears", cases[i].arrears};
    if (cases[i].female) attrs[n++] = (elig_attr){"female_owned", cases[i].female};
    elig_outcome o = elig_evaluate(rules, N(rules), attrs, n, "2026-11-30", res);
    if (o.bucket != cases[i].want)
      fail_msg("case %zu: %s, want %s", i, elig_bucket_name(o.bucket), elig_bucket_name(cases[i].want));
    assert_int_equal(o.preferred_met, cases[i].preferred);
    /* the same answer without the per-rule results */
    assert_int_equal(elig_evaluate(rules, N(rules), attrs, n, "2026-11-30", NULL).bucket, cases[i].want);
  }
  assert_string_equal(elig_bucket_name(ELIG_BUCKET_ELIGIBLE), "신청 가능");
  assert_string_equal(elig_bucket_name(ELIG_BUCKET_CHECK), "확인 필요");
  assert_string_equal(elig_bucket_name(ELIG_BUCKET_INELIGIBLE), "신청 불가");
}

/* Entering the missing value moves a programme from 확인 필요 to 신청 가능. */
static void test_entering_revenue(void **state) {
  (void)state;
  const elig_rule rules[] = {
      {.attr = "revenue", .op = OP_LE, .hi = INT64_C(10000000000), .evidence = "매출액 100억원 이하"},
      {.attr = "age_years", .op = OP_LT, .hi = 7, .evidence = "창업 7년 미만"},
  };
  elig_attr attrs[2] = {{"founded", "2022-03-01"}, {"revenue", NULL}};
  assert_int_equal(elig_evaluate(rules, N(rules), attrs, 2, "2026-11-30", NULL).bucket, ELIG_BUCKET_CHECK);
  attrs[1].value = "3500000000";
  assert_int_equal(elig_evaluate(rules, N(rules), attrs, 2, "2026-11-30", NULL).bucket, ELIG_BUCKET_ELIGIBLE);
  attrs[1].value = "35000000000";
  assert_int_equal(elig_evaluate(rules, N(rules), attrs, 2, "2026-11-30", NULL).bucket,
                   ELIG_BUCKET_INELIGIBLE);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_full_years),
      cmocka_unit_test(test_business_age),
      cmocka_unit_test(test_ceo_age),
      cmocka_unit_test(test_revenue_cap),
      cmocka_unit_test(test_lists),
      cmocka_unit_test(test_or_group_and_buckets),
      cmocka_unit_test(test_entering_revenue),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
