/* Unit tests of the rule extractor (storage/programme_rules.h): 중소벤처24 codes, 기업마당 KSIC
 * ranges, K-Startup facets that never become rules, sentence patterns, and malformed input
 * (absurd amounts, unknown codes, impossible ranges) dropped with a reason, never kept. */
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

#include "storage/programme_rules.h"

static void item(programme_item *it, const char *title, const char *target, const char *const *kv) {
  memset(it, 0, sizeof *it);
  it->title = strdup(title), it->summary = strdup(""), it->target = strdup(target);
  for (; kv && kv[0]; kv += 2) assert_int_equal(programme_item_attr(it, kv[0], kv[1]), 0);
}

static const pr_rule *find(const pr_set *s, const char *attr, elig_op op) {
  for (size_t i = 0; i < s->n; i++)
    if (!strcmp(s->rules[i].attr, attr) && s->rules[i].op == op) return &s->rules[i];
  return NULL;
}

static bool dropped(const pr_set *s, const char *needle) {
  for (size_t i = 0; i < s->ndropped; i++)
    if (strstr(s->dropped[i], needle)) return true;
  return false;
}

static void test_smes24_codes(void **state) {
  (void)state;
  const char *kv[] = {"cmpScaleCd", "CC30|CC60", "maxSalsAmt", "30,000,000,000", "needCrtfnCd", "EC08|EC06",
                      "maxRpsntAge", "39", "areaNm", "충남|충북", NULL};
  programme_item it;
  item(&it, "제목", "", kv);
  pr_set s;
  pr_set_init(&s);
  assert_int_equal(pr_extract(FEED_SMES24, &it, &s), 0);
  const pr_rule *size = find(&s, "size", OP_IN), *age = find(&s, "age_years", OP_LT);
  assert_non_null(size);
  assert_non_null(age);
  assert_string_equal(size->list, "solo|micro");
  assert_true(size->grp > 0 && size->grp == age->grp); /* 소상공인 or 창업기업 */
  assert_int_equal(find(&s, "revenue", OP_LE)->hi, INT64_C(30000000000));
  assert_string_equal(find(&s, "revenue", OP_LE)->evidence, "maxSalsAmt: 30,000,000,000");
  assert_true(find(&s, "venture", OP_IS_TRUE)->grp == find(&s, "innobiz", OP_IS_TRUE)->grp);
  assert_int_equal(find(&s, "ceo_age", OP_LE)->hi, 39);
  assert_string_equal(find(&s, "region", OP_IN)->list, "충남|충북");
  assert_int_equal(s.ndropped, 0);
  pr_set_free(&s);
  programme_item_clear(&it);
}

static void test_facets_are_not_rules(void **state) {
  (void)state;
  const char *kv[] = {"biz_enyy", "예비창업자,1년미만", "biz_trgt_age", "만 20세 미만", "supt_regin", "서울",
                      "aply_excl_trgt_ctnt", "국세 체납 기업, 휴·폐업 기업", "prfn_matr", "여성기업 우대", NULL};
  programme_item it;
  item(&it, "창업 지원", "대학생, 1인 창조기업", kv);
  pr_set s;
  pr_set_init(&s);
  assert_int_equal(pr_extract(FEED_KSTARTUP, &it, &s), 0);
  assert_int_equal(s.n, 2);
  assert_int_equal(find(&s, "arrears", OP_IS_TRUE)->strength, RULE_EXCLUDED);
  assert_int_equal(find(&s, "female_owned", OP_IS_TRUE)->strength, RULE_PREFERRED);
  assert_true(dropped(&s, "휴·폐업"));
  pr_set_free(&s);
  programme_item_clear(&it);
}

static void test_patterns(void **state) {
  (void)state;
  programme_item it;
  item(&it, "2026년 제조 지원",
       "창업 3년 이내 기업\n매출액 1.5억원 미만\n상시근로자 10인 이상\n비수도권 소재 기업\n수출실적 보유 기업\n"
       "본사 또는 공장이 경남 소재\n기업부설연구소 또는 연구개발전담부서 보유",
       NULL);
  pr_set s;
  pr_set_init(&s);
  assert_int_equal(pr_extract(FEED_CSV, &it, &s), 0);
  assert_int_equal(find(&s, "age_years", OP_LE)->hi, 3);
  assert_int_equal(find(&s, "revenue", OP_LT)->hi, 150000000);
  assert_int_equal(find(&s, "employees", OP_GE)->lo, 10);
  assert_string_equal(find(&s, "region", OP_NOT_IN)->list, "서울|인천|경기");
  assert_int_equal(find(&s, "export_usd", OP_GE)->lo, 1);
  const pr_rule *hq = find(&s, "region", OP_IN), *plant = find(&s, "plant_regions", OP_HAS_ANY);
  assert_string_equal(hq->list, "경남");
  assert_true(hq->grp > 0 && hq->grp == plant->grp);
  assert_string_equal(find(&s, "lab", OP_IN)->list, "dept|institute");
  assert_string_equal(find(&s, "age_years", OP_LE)->evidence, "창업 3년 이내 기업");
  pr_set_free(&s);
  programme_item_clear(&it);
}

static void test_malformed(void **state) {
  (void)state;
  const char *kv[] = {"maxSalsAmt", "-5", "minAblbiz", "9", "maxAblbiz", "3", "maxRpsntAge", "999",
                      "cmpScaleCd", "CC99", "needCrtfnCd", "EC77", "induty", "우주항공업", "areaNm", "화성", NULL};
  programme_item it;
  item(&it, "업력 900년 미만, 상시근로자 99999999999999999999인 이상", "창업 6개월 이내", kv);
  pr_set s;
  pr_set_init(&s);
  assert_int_equal(pr_extract(FEED_SMES24, &it, &s), 0);
  assert_int_equal(s.n, 0);
  assert_true(dropped(&s, "maxSalsAmt"));
  assert_true(dropped(&s, "minimum is above the maximum"));
  assert_true(dropped(&s, "ceo_age: 999 is out of range"));
  assert_true(dropped(&s, "CC99"));
  assert_true(dropped(&s, "EC77"));
  assert_true(dropped(&s, "우주항공업"));
  assert_true(dropped(&s, "화성"));
  assert_true(dropped(&s, "age_years: 900 is out of range"));
  assert_true(dropped(&s, "개월"));
  pr_set_free(&s);
  programme_item_clear(&it);
  /* the check and the stored form */
  char err[PR_REASON_MAX];
  pr_rule r = {.attr = "size", .op = OP_IN, .list = "small|huge", .evidence = "x"};
  assert_int_equal(pr_rule_check(&r, err, sizeof err), -1);
  assert_non_null(strstr(err, "huge"));
  r = (pr_rule){.attr = "revenue", .op = OP_BETWEEN, .lo = 5, .hi = 1, .evidence = "x"};
  assert_int_equal(pr_rule_check(&r, err, sizeof err), -1);
  r.op = OP_LE;
  assert_int_equal(pr_value_parse(&r, "12x", err, sizeof err), -1);
  assert_int_equal(pr_value_parse(&r, "12", err, sizeof err), 0);
  assert_int_equal(r.hi, 12);
  r.op = OP_BETWEEN;
  assert_int_equal(pr_value_parse(&r, "3..9", err, sizeof err), 0);
  assert_true(r.lo == 3 && r.hi == 9);
  assert_int_equal(pr_op_find("lt"), OP_LT);
  assert_int_equal(pr_op_find("like"), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_smes24_codes),
      cmocka_unit_test(test_facets_are_not_rules),
      cmocka_unit_test(test_patterns),
      cmocka_unit_test(test_malformed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
