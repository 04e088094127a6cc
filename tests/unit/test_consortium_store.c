/* Unit tests of storage/consortium_store (mostly read through signaling/consortium_json, the JSON
 * consortium.list and consortium.get reply with): the list of the 25 consortia with sector, lead and
 * linked regions grouped with their complexes, member counts, and the paged member list of one
 * consortium (ordered by name), on an in-memory database. */
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
#include "signaling/consortium_json.h"
#include "storage/consortium_store.h"
#include "storage/db.h"
#include "storage/embedded.h"
#include "storage/org_store.h"
#include "storage/reference_store.h"
#include "store_test_support.h"

#define ORG_HEADER                                                                            \
  "name\tname_en\tkind\tconsortium_ids\tregion_ko\tcomplex_ko\tsize\trevenue_band\texports\t" \
  "capabilities\tkeywords\tdescription\n"

/* Asserts that regions is [{region, complexes}...] as written in want: "부산:녹산국가|경남:창원국가". */
static void assert_regions(json_t *regions, const char *want) {
  char got[512] = "";
  size_t i, j;
  json_t *g, *x;
  json_array_foreach(regions, i, g) {
    size_t n = strlen(got);
    snprintf(got + n, sizeof got - n, "%s%s:", i ? "|" : "", json_string_value(json_object_get(g, "region")));
    json_array_foreach(json_object_get(g, "complexes"), j, x) {
      n = strlen(got);
      snprintf(got + n, sizeof got - n, "%s%s", j ? "," : "", json_string_value(x));
    }
  }
  assert_string_equal(got, want);
}

static void test_list_has_every_consortium(void **state) {
  moa_db *db = *state;
  json_t *list = consortium_json_list(db);
  assert_non_null(list);
  assert_int_equal(json_array_size(list), 25);
  for (size_t i = 0; i < 25; i++) {
    json_t *c = json_array_get(list, i);
    assert_int_equal(json_integer_value(json_object_get(c, "id")), (json_int_t)i + 1);
    assert_true(json_is_true(json_object_get(c, "active")));
    assert_int_equal(json_integer_value(json_object_get(c, "organization_count")), 0);
    assert_true(json_array_size(json_object_get(c, "regions")) >= 2);
  }
  json_t *c6 = json_array_get(list, 5);
  assert_string_equal(json_string_value(json_object_get(c6, "name_ko")), "친환경조선해양기자재");
  assert_string_equal(json_string_value(json_object_get(c6, "name_en")),
                      "Eco-friendly Shipbuilding & Marine Equipment");
  assert_string_equal(json_string_value(json_object_get(c6, "lead_region")), "부산");
  assert_string_equal(json_string_value(json_object_get(c6, "lead_complex")), "녹산국가");
  assert_string_equal(json_string_value(json_object_get(c6, "sector_detail_ko")), "조선");
  json_t *sector = json_object_get(c6, "sector");
  assert_string_equal(json_string_value(json_object_get(sector, "name_ko")), "미래모빌리티");
  assert_string_equal(json_string_value(json_object_get(sector, "name_en")), "Future Mobility");
  assert_true(json_integer_value(json_object_get(sector, "id")) > 0);
  assert_regions(json_object_get(c6, "regions"), "부산:녹산국가|경남:창원국가|울산:미포국가");
  assert_regions(json_object_get(json_array_get(list, 0), "regions"), "충남:천안일반|충북:오창일반,충주일반");
  assert_regions(json_object_get(json_array_get(list, 15), "regions"),
                 "인천:주안부평국가|전북:군산국가|서울:디지털첨단국가");
  json_decref(list);
}

static void test_get_pages_members_by_name(void **state) {
  moa_db *db = *state;
  char err[256] = "";
  int n = 0;
  const char *tsv = ORG_HEADER
      "한빛모빌리티\tHanbit Mobility\tcompany\t2\t인천\t남동국가\tsmall\t1b_10b\t1\t전기차 배터리 "
      "팩\t배터리\t배터리 팩 제조\n"
      "(주)대성정밀\tDaesung Precision\tcompany\t2,3\t경기\t평택드림테크일반\tmedium\t10b_100b\t0\t\t\t\n"
      "인하대학교 산학협력단\tInha University\tuniversity\t2\t인천\t\tlarge\tunknown\t0\t\t\t\n"
      "가온오토텍\tGaon Autotech\tcompany\t2\t경기\t평택드림테크일반\tmicro\tunder_1b\t0\t\t\t\n"
      "나노소재\tNano Materials\tcompany\t9\t경기\t반월·시화국가\tsmall\tunknown\t0\t\t\t\n";
  assert_int_equal(org_import_tsv(db, tsv, &n, err, sizeof err), 0);
  assert_int_equal(n, 5);

  json_t *c = NULL;
  assert_int_equal(consortium_json_get(db, 2, 2, 0, &c), STORE_OK);
  assert_int_equal(json_integer_value(json_object_get(c, "organization_total")), 4);
  assert_int_equal(json_integer_value(json_object_get(c, "organization_count")), 4);
  assert_string_equal(json_string_value(json_object_get(c, "lead_complex")), "남동국가");
  assert_regions(json_object_get(c, "regions"), "인천:남동국가|경기:평택드림테크일반");
  json_t *orgs = json_object_get(c, "organizations");
  assert_int_equal(json_array_size(orgs), 2);
  /* byte order of UTF-8 is 가나다 order; "(" sorts before Hangul */
  assert_string_equal(json_string_value(json_object_get(json_array_get(orgs, 0), "name")), "(주)대성정밀");
  assert_string_equal(json_string_value(json_object_get(json_array_get(orgs, 1), "name")), "가온오토텍");
  json_t *o = json_array_get(orgs, 1);
  assert_string_equal(json_string_value(json_object_get(o, "kind")), "company");
  assert_string_equal(json_string_value(json_object_get(o, "region")), "경기");
  assert_string_equal(json_string_value(json_object_get(o, "complex")), "평택드림테크일반");
  assert_string_equal(json_string_value(json_object_get(o, "size")), "micro");
  assert_true(json_integer_value(json_object_get(o, "id")) > 0);
  json_decref(c);

  assert_int_equal(consortium_json_get(db, 2, 10, 2, &c), STORE_OK);
  orgs = json_object_get(c, "organizations");
  assert_int_equal(json_array_size(orgs), 2);
  assert_string_equal(json_string_value(json_object_get(json_array_get(orgs, 0), "name")),
                      "인하대학교 산학협력단");
  assert_true(json_is_null(json_object_get(json_array_get(orgs, 0), "complex")));
  assert_string_equal(json_string_value(json_object_get(json_array_get(orgs, 1), "name")), "한빛모빌리티");
  json_decref(c);

  assert_int_equal(consortium_json_get(db, 2, -5, -5, &c), STORE_OK); /* clamped: no page, still the total */
  assert_int_equal(json_array_size(json_object_get(c, "organizations")), 0);
  assert_int_equal(json_integer_value(json_object_get(c, "organization_total")), 4);
  json_decref(c);

  assert_int_equal(consortium_json_get(db, 3, 100000, 0, &c), STORE_OK);
  assert_int_equal(json_array_size(json_object_get(c, "organizations")), 1);
  json_decref(c);

  json_t *list = consortium_json_list(db);
  assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 1), "organization_count")), 4);
  assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 2), "organization_count")), 1);
  assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 8), "organization_count")), 1);
  json_decref(list);
}

static void test_unknown_consortium(void **state) {
  moa_db *db = *state;
  json_t *c = NULL;
  assert_int_equal(consortium_json_get(db, 26, 10, 0, &c), STORE_NOT_FOUND);
  assert_null(c);
  assert_int_equal(consortium_json_get(db, 0, 10, 0, &c), STORE_NOT_FOUND);
  assert_null(c);
  assert_int_equal(consortium_json_get(db, -1, 10, 0, &c), STORE_NOT_FOUND);
  assert_null(c);
  assert_int_equal(consortium_store_exists(db, 1), 1);
  assert_int_equal(consortium_store_exists(db, 25), 1);
  assert_int_equal(consortium_store_exists(db, 26), 0);
  assert_int_equal(consortium_store_exists(db, 0), 0);
}

/* The C structs the JSON is built from: consortium 6 as consortium_store_list hands it over. */
static void count_and_check(void *arg, const consortium_info *c) {
  int *n = arg;
  assert_int_equal(c->id, ++*n);
  if (c->id != 6) return;
  assert_string_equal(c->lead_region, "부산");
  assert_int_equal(c->nregions, 3);
  assert_string_equal(c->regions[0].region, "부산");
  assert_int_equal(c->regions[0].ncomplexes, 1);
  assert_string_equal(c->regions[0].complexes[0], "녹산국가");
  assert_string_equal(c->regions[2].region, "울산");
}

static void test_list_structs(void **state) {
  int n = 0;
  assert_int_equal(consortium_store_list(*state, count_and_check, &n), STORE_OK);
  assert_int_equal(n, 25);
}

static void test_empty_database_lists_nothing(void **state) {
  moa_db *db = store_test_open(NULL);
  assert_non_null(db);
  json_t *list = consortium_json_list(db);
  assert_non_null(list);
  assert_int_equal(json_array_size(list), 0);
  json_decref(list);
  db_close(db);
}

int main(void) {
  log_set_level(LOG_LEVEL_ERROR);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_list_has_every_consortium, store_test_setup_consortia,
                                      store_test_teardown),
      cmocka_unit_test_setup_teardown(test_get_pages_members_by_name, store_test_setup_consortia,
                                      store_test_teardown),
      cmocka_unit_test_setup_teardown(test_unknown_consortium, store_test_setup_consortia,
                                      store_test_teardown),
      cmocka_unit_test_setup_teardown(test_list_structs, store_test_setup_consortia, store_test_teardown),
      cmocka_unit_test(test_empty_database_lists_nothing),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
