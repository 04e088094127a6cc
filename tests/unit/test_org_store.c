/* Unit tests of storage/org_store: the operator's TSV import (all or nothing, every error naming
 * its line and column) and the organization profile, on an in-memory database. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

// clang-format off: cmocka.h needs the headers above
#include <cmocka.h>
// clang-format on

#include "base/log.h"
#include "storage/db.h"
#include "storage/embedded.h"
#include "storage/org_store.h"
#include "storage/reference_store.h"
#include "store_test_support.h"

#define HEADER                                                                                \
  "name\tname_en\tkind\tconsortium_ids\tregion_ko\tcomplex_ko\tsize\trevenue_band\texports\t" \
  "capabilities\tkeywords\tdescription\n"
#define GOOD                                                                                                   \
  "(주)대성정밀\tDaesung Precision Co., Ltd.\tcompany\t6, 7\t경남\t창원국가\tmedium\t10b_100b\t1\t" \
  "선박 평형수 처리장치, 선박용 밸브·배관\t조선, 평형수\t창원국가산업단지의 선박 기자재 기업입니다.\n"

static int64_t count_rows(moa_db *db) {
  return store_test_scalar(
      db, "SELECT (SELECT count(*) FROM organizations) + (SELECT count(*) FROM memberships)");
}

/* A JSON string of s, or null when s is NULL. */
static json_t *text(const char *s) { return s ? json_string(s) : json_null(); }

/* The organization org_store_get hands over, written as JSON here so the checks below read it
 * field by field: {id, kind, name, name_en, sector {id, name_ko, name_en} | null, region, complex,
 * size, revenue_band, exports, capabilities, keywords, description, consortia: [ids]}. */
static void org_as_json(void *arg, const org_profile *o) {
  json_t *cons = json_array();
  for (size_t i = 0; i < o->nconsortia; i++) json_array_append_new(cons, json_integer(o->consortia[i]));
  json_t *sector = o->sector_id ? json_pack("{s:I, s:o, s:o}", "id", (json_int_t)o->sector_id, "name_ko",
                                            text(o->sector_ko), "name_en", text(o->sector_en))
                                : json_null();
  *(json_t **)arg = json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:o, s:o, s:o, s:o}", "id",
                              (json_int_t)o->id, "kind", text(o->kind), "name", text(o->name), "name_en",
                              text(o->name_en), "sector", sector, "region", text(o->region), "complex",
                              text(o->complex), "size", text(o->size), "revenue_band", text(o->revenue_band),
                              "exports", o->exports, "capabilities", text(o->capabilities), "keywords",
                              text(o->keywords), "description", text(o->description), "consortia", cons);
}

/* org_store_get as JSON; NULL when there is no such organization. */
static json_t *org_get(moa_db *db, int64_t id) {
  json_t *o = NULL;
  int rc = org_store_get(db, id, org_as_json, &o);
  assert_int_equal(rc, o ? 1 : 0);
  return o;
}

static void test_import_and_profile(void **state) {
  moa_db *db = *state;
  char err[256] = "";
  int n = -1;
  const char *tsv = HEADER GOOD
      "경북대학교 산학협력단\tKyungpook National "
      "University\tuniversity\t17\t대구\t\tlarge\t\t0\t\t산학협력\t\r\n"
      "\n"
      "한국생산기술연구원 대경본부\tKITECH "
      "Daegyeong\tresearch_institute\t5,17,14\t대구\t성서일반\tlarge\tunknown\t0"
      "\t스마트공장 MES\t스마트공장\t제조 혁신을 지원합니다.\n";
  assert_int_equal(org_import_tsv(db, tsv, &n, err, sizeof err), 0);
  assert_int_equal(n, 3);
  assert_int_equal(count_rows(db), 3 + 6);

  json_t *o = org_get(db, 1);
  assert_non_null(o);
  assert_int_equal(json_integer_value(json_object_get(o, "id")), 1);
  assert_string_equal(json_string_value(json_object_get(o, "kind")), "company");
  assert_string_equal(json_string_value(json_object_get(o, "name")), "(주)대성정밀");
  assert_string_equal(json_string_value(json_object_get(o, "name_en")), "Daesung Precision Co., Ltd.");
  json_t *sector = json_object_get(o, "sector");
  assert_string_equal(json_string_value(json_object_get(sector, "name_ko")), "미래모빌리티");
  assert_string_equal(json_string_value(json_object_get(sector, "name_en")), "Future Mobility");
  assert_string_equal(json_string_value(json_object_get(o, "region")), "경남");
  assert_string_equal(json_string_value(json_object_get(o, "complex")), "창원국가");
  assert_string_equal(json_string_value(json_object_get(o, "size")), "medium");
  assert_string_equal(json_string_value(json_object_get(o, "revenue_band")), "10b_100b");
  assert_true(json_is_true(json_object_get(o, "exports")));
  assert_string_equal(json_string_value(json_object_get(o, "capabilities")),
                      "선박 평형수 처리장치, 선박용 밸브·배관");
  assert_string_equal(json_string_value(json_object_get(o, "keywords")), "조선, 평형수");
  assert_string_equal(json_string_value(json_object_get(o, "description")),
                      "창원국가산업단지의 선박 기자재 기업입니다.");
  json_t *cons = json_object_get(o, "consortia");
  assert_int_equal(json_array_size(cons), 2);
  assert_int_equal(json_integer_value(json_array_get(cons, 0)), 6);
  assert_int_equal(json_integer_value(json_array_get(cons, 1)), 7);
  json_decref(o);

  o = org_get(db, 2);
  assert_true(json_is_null(json_object_get(o, "complex")));
  assert_string_equal(json_string_value(json_object_get(o, "revenue_band")), "unknown");
  assert_true(json_is_false(json_object_get(o, "exports")));
  assert_string_equal(json_string_value(json_object_get(json_object_get(o, "sector"), "name_ko")),
                      "첨단제조");
  json_decref(o);

  o = org_get(db, 3);
  cons = json_object_get(o, "consortia");
  assert_int_equal(json_array_size(cons), 3);
  assert_int_equal(json_integer_value(json_array_get(cons, 0)), 5);
  assert_int_equal(json_integer_value(json_array_get(cons, 2)), 17);
  /* the first listed consortium (5) gives the sector */
  assert_string_equal(json_string_value(json_object_get(json_object_get(o, "sector"), "name_ko")),
                      "미래모빌리티");
  json_decref(o);

  assert_null(org_get(db, 4));
  assert_null(org_get(db, -1));
}

static void test_header_only_imports_nothing(void **state) {
  char err[256] = "";
  int n = -1;
  assert_int_equal(org_import_tsv(*state, HEADER, &n, err, sizeof err), 0);
  assert_int_equal(n, 0);
}

struct bad_case {
  const char *tsv;
  const char *expect;
};

static void test_bad_lines_import_nothing(void **state) {
  moa_db *db = *state;
  static const struct bad_case cases[] = {
      {"", "line 1: missing header"},
      {GOOD, "line 1: header"},
      {"name\tname_en\n" GOOD, "line 1: header"},
      {HEADER GOOD "한빛\tHanbit\tcompany\t6\t경남\n", "line 3: wrong number of columns"},
      {HEADER GOOD "한빛\tHanbit\tcompany\t6\t경남\t창원국가\tsmall\tunknown\t0\t\t\t\t\n",
       "line 3: wrong number"},
      {HEADER GOOD "\tHanbit\tcompany\t6\t경남\t창원국가\tsmall\tunknown\t0\t\t\t\n",
       "line 3, column name: empty"},
      {HEADER GOOD "한빛\tHanbit\tstartup\t6\t경남\t창원국가\tsmall\tunknown\t0\t\t\t\n",
       "line 3, column kind: unknown kind"},
      {HEADER GOOD "한빛\tHanbit\tcompany\t99\t경남\t창원국가\tsmall\tunknown\t0\t\t\t\n",
       "line 3, column consortium_ids: unknown consortium 99"},
      {HEADER GOOD "한빛\tHanbit\tcompany\t6,x\t경남\t창원국가\tsmall\tunknown\t0\t\t\t\n",
       "line 3, column consortium_ids: 'x' is not"},
      {HEADER GOOD "한빛\tHanbit\tcompany\t6,6\t경남\t창원국가\tsmall\tunknown\t0\t\t\t\n",
       "line 3, column consortium_ids: consortium 6 listed twice"},
      {HEADER GOOD "한빛\tHanbit\tcompany\t\t경남\t창원국가\tsmall\tunknown\t0\t\t\t\n",
       "line 3, column consortium_ids"},
      {HEADER GOOD "한빛\tHanbit\tcompany\t6\t제주\t\tsmall\tunknown\t0\t\t\t\n",
       "line 3, column region_ko: unknown region"},
      {HEADER GOOD "한빛\tHanbit\tcompany\t6\t경남\t녹산국가\tsmall\tunknown\t0\t\t\t\n",
       "line 3, column complex_ko: unknown complex"},
      {HEADER GOOD "한빛\tHanbit\tcompany\t6\t경남\t창원국가\thuge\tunknown\t0\t\t\t\n",
       "line 3, column size: unknown size"},
      {HEADER GOOD "한빛\tHanbit\tcompany\t6\t경남\t창원국가\tsmall\tlots\t0\t\t\t\n",
       "line 3, column revenue_band"},
      {HEADER GOOD "한빛\tHanbit\tcompany\t6\t경남\t창원국가\tsmall\tunknown\tyes\t\t\t\n",
       "line 3, column exports"},
      {HEADER GOOD "한빛\xff\tHanbit\tcompany\t6\t경남\t창원국가\tsmall\tunknown\t0\t\t\t\n",
       "line 3, column name: invalid UTF-8"},
      {HEADER GOOD "한빛\tHanbit\tcompany\t6\t경남\t창원국가\tsmall\tunknown\t0\t\t\t\xed\xa0\x80\n",
       "line 3, column description: invalid UTF-8"},
      {HEADER GOOD "한빛\tHanbit\tcompany\t6\t경남\t창원국가\tsmall\tunknown\t0\t\t\x1b[31m\t\n",
       "line 3, column keywords: control character"},
      {HEADER GOOD "한빛\tHan\xc2\x85\tcompany\t6\t경남\t창원국가\tsmall\tunknown\t0\t\t\t\n",
       "line 3, column name_en: control character"},
      {HEADER GOOD GOOD, "line 3, column name: an organization named '(주)대성정밀' in 경남 already exists"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char err[256] = "";
    int n = -1;
    int64_t before = count_rows(db);
    int rc = org_import_tsv(db, cases[i].tsv, &n, err, sizeof err);
    if (rc != -1 || !strstr(err, cases[i].expect))
      fail_msg("case %zu: rc %d, error \"%s\", expected \"%s\"", i, rc, err, cases[i].expect);
    assert_int_equal(n, 0);
    assert_int_equal(count_rows(db), before);
    assert_int_equal(before, 0);
  }
  /* A later import of the same organizations still works: nothing was left behind. */
  char err[256] = "";
  int n = 0;
  assert_int_equal(org_import_tsv(db, HEADER GOOD, &n, err, sizeof err), 0);
  assert_int_equal(n, 1);
  /* and importing it again is refused */
  assert_int_equal(org_import_tsv(db, HEADER GOOD, &n, err, sizeof err), -1);
  assert_non_null(strstr(err, "line 2, column name"));
  assert_int_equal(count_rows(db), 3);
}

static void test_value_checks(void **state) {
  assert_true(org_store_kind_valid("company"));
  assert_true(org_store_kind_valid("other_institution"));
  assert_false(org_store_kind_valid("Company"));
  assert_false(org_store_kind_valid(NULL));
  assert_true(org_store_size_valid("micro"));
  assert_false(org_store_size_valid("tiny"));
  assert_true(org_store_revenue_band_valid("over_100b"));
  assert_false(org_store_revenue_band_valid(""));
}

int main(void) {
  log_set_level(LOG_LEVEL_ERROR);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_import_and_profile, store_test_setup_consortia,
                                      store_test_teardown),
      cmocka_unit_test_setup_teardown(test_header_only_imports_nothing, store_test_setup_consortia,
                                      store_test_teardown),
      cmocka_unit_test_setup_teardown(test_bad_lines_import_nothing, store_test_setup_consortia,
                                      store_test_teardown),
      cmocka_unit_test(test_value_checks),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
