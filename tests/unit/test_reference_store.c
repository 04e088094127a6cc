/* Unit tests of storage/reference_store: data/consortia.tsv loads into sectors, regions,
 * complexes, consortia and consortium_complexes exactly; a second load changes nothing; every
 * kind of malformed text is reported with its line and field and loads nothing. */
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
#include "storage/reference_store.h"
#include "store_test_support.h"

#define HEADER "no\tsector_ko\tsector_en\tlead_region_ko\tlead_complex_ko\tlinked_ko\tname_ko\tname_en\n"
#define GOOD_ROW \
  "1\t디스플레이\tDisplay\t충남\t천안일반\t충북(오창일반, 충주일반)\t디스플레이협의체\tDisplay Consortium\n"

static int setup(void **state) { return store_test_setup(state, NULL); }

static int64_t total_rows(moa_db *db) {
  return store_test_scalar(db,
                           "SELECT (SELECT count(*) FROM sectors) + (SELECT count(*) FROM regions) + "
                           "(SELECT count(*) FROM complexes) + (SELECT count(*) FROM consortia) + "
                           "(SELECT count(*) FROM consortium_complexes)");
}

/* The linked complexes of consortium id as "region/complex;..." in insertion order. */
static void links_of(moa_db *db, int id, char *out, size_t outlen) {
  sqlite3_stmt *st = NULL;
  assert_int_equal(
      sqlite3_prepare_v2(db_handle(db),
                         "SELECT r.name_ko, x.name_ko, cc.is_lead FROM consortium_complexes cc "
                         "JOIN complexes x ON x.id = cc.complex_id JOIN regions r ON r.id = "
                         "x.region_id WHERE cc.consortium_id = ? ORDER BY cc.is_lead DESC, cc.rowid",
                         -1, &st, NULL),
      SQLITE_OK);
  sqlite3_bind_int(st, 1, id);
  out[0] = '\0';
  while (sqlite3_step(st) == SQLITE_ROW) {
    size_t n = strlen(out);
    snprintf(out + n, outlen - n, "%s%s/%s", sqlite3_column_int(st, 2) ? "*" : "", sqlite3_column_text(st, 0),
             sqlite3_column_text(st, 1));
    n = strlen(out);
    snprintf(out + n, outlen - n, ";");
  }
  sqlite3_finalize(st);
}

static void test_loads_the_embedded_tsv(void **state) {
  moa_db *db = *state;
  char err[256] = "";
  const char *tsv = embedded_data("consortia.tsv");
  assert_non_null(tsv);
  assert_int_equal(reference_load(db, tsv, err, sizeof err), 25);
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM consortia"), 25);
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM sectors"), 9);
  assert_int_equal(store_test_scalar(db, "SELECT min(id) FROM consortia"), 1);
  assert_int_equal(store_test_scalar(db, "SELECT max(id) FROM consortia"), 25);
  /* Every consortium links at least two regions, and exactly one lead complex. */
  assert_int_equal(
      store_test_scalar(db,
                        "SELECT count(*) FROM (SELECT consortium_id FROM consortium_complexes cc "
                        "JOIN complexes x ON x.id = cc.complex_id GROUP BY consortium_id "
                        "HAVING count(DISTINCT x.region_id) >= 2 AND sum(is_lead) = 1)"),
      25);
  assert_int_equal(
      store_test_scalar(db,
                        "SELECT count(*) FROM consortia c JOIN consortium_complexes cc ON "
                        "cc.consortium_id = c.id AND cc.complex_id = c.lead_complex_id AND cc.is_lead = 1"),
      25);

  char links[512];
  links_of(db, 6, links, sizeof links);
  assert_string_equal(links, "*부산/녹산국가;경남/창원국가;울산/미포국가;");
  links_of(db, 1, links, sizeof links);
  assert_string_equal(links, "*충남/천안일반;충북/오창일반;충북/충주일반;");
  links_of(db, 15, links, sizeof links);
  assert_string_equal(links, "*서울/디지털첨단국가;경기/반월·시화국가;광주/첨단과학국가;");
  /* 울산 미포국가 (linked by 6, 21, 25) and 미포·온산국가 (11, 13) are two complexes. */
  assert_int_equal(store_test_scalar(db,
                                     "SELECT count(*) FROM complexes x JOIN regions r ON r.id = x.region_id "
                                     "WHERE r.name_ko = '울산'"),
                   2);
  assert_int_equal(store_test_scalar(db,
                                     "SELECT count(*) FROM consortium_complexes cc JOIN complexes x ON "
                                     "x.id = cc.complex_id WHERE x.name_ko = '미포국가'"),
                   3);

  /* Sector names without the detail; the detail kept on the consortium. */
  assert_int_equal(store_test_scalar(db,
                                     "SELECT count(*) FROM consortia c JOIN sectors s ON s.id = c.sector_id "
                                     "WHERE s.name_ko = '미래모빌리티' AND s.name_en = 'Future Mobility'"),
                   7);
  assert_int_equal(store_test_scalar(db,
                                     "SELECT count(*) FROM consortia WHERE sector_detail_ko = '조선' "
                                     "AND sector_detail_en = 'Shipbuilding'"),
                   3);
  assert_int_equal(
      store_test_scalar(db,
                        "SELECT count(*) FROM consortia c JOIN sectors s ON s.id = c.sector_id "
                        "WHERE c.id = 25 AND s.name_ko = '에너지신산업' AND c.sector_detail_ko = '수소'"),
      1);
  assert_int_equal(store_test_scalar(db,
                                     "SELECT count(*) FROM consortia WHERE id = 8 AND name_en = "
                                     "'GDX Eco-friendly Advanced Small & Mid-size Vessels & Equipment'"),
                   1);
}

static void test_second_load_changes_nothing(void **state) {
  moa_db *db = *state;
  char err[256] = "";
  assert_int_equal(reference_load(db, embedded_data("consortia.tsv"), err, sizeof err), 25);
  int64_t before = total_rows(db);
  assert_int_equal(reference_load(db, embedded_data("consortia.tsv"), err, sizeof err), 0);
  assert_int_equal(reference_load(db, HEADER "99\t새\tNew\t서울\t새단지\t경기(다른단지)\t새 협의체\tNew\n",
                                  err, sizeof err),
                   0);
  assert_int_equal(total_rows(db), before);
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM consortia"), 25);
}

static void test_crlf_and_bom_are_accepted(void **state) {
  moa_db *db = *state;
  char err[256] = "";
  const char *tsv =
      "\xEF\xBB\xBF"
      "no\tsector_ko\tsector_en\tlead_region_ko\tlead_complex_ko\tlinked_ko\tname_ko\t"
      "name_en\r\n"
      "3\t디스플레이\tDisplay\t충남\t천안일반\t충북(오창일반)\t하나\tOne\r\n\r\n";
  assert_int_equal(reference_load(db, tsv, err, sizeof err), 1);
  assert_int_equal(store_test_scalar(db, "SELECT id FROM consortia"), 3);
}

struct bad_case {
  const char *tsv;
  const char *expect; /* substring of the error */
};

static void test_malformed_text_loads_nothing(void **state) {
  moa_db *db = *state;
  static const struct bad_case cases[] = {
      {"", "header"},
      {"no\tsector\n" GOOD_ROW, "line 1: header"},
      {HEADER, "no consortia"},
      {HEADER GOOD_ROW "2\t디스플레이\tDisplay\t충남\t천안일반\t충북(오창일반)\t둘\n",
       "line 3, field line: wrong number"},
      {HEADER GOOD_ROW "2\t디스플레이\tDisplay\t충남\t천안일반\t충북(오창일반)\t둘\tTwo\textra\n",
       "line 3, field line"},
      {HEADER "x1\t디스플레이\tDisplay\t충남\t천안일반\t충북(오창일반)\t둘\tTwo\n", "line 2, field no"},
      {HEADER "-1\t디스플레이\tDisplay\t충남\t천안일반\t충북(오창일반)\t둘\tTwo\n", "line 2, field no"},
      {HEADER "\t디스플레이\tDisplay\t충남\t천안일반\t충북(오창일반)\t둘\tTwo\n", "line 2, field no"},
      {HEADER GOOD_ROW "2\t디스플레이\tDisplay\t충남\t천안일반\t충북(오창일반\t둘\tTwo\n",
       "line 3, field linked_ko: unbalanced"},
      {HEADER GOOD_ROW "2\t디스플레이\tDisplay\t충남\t천안일반\t충북오창일반)\t둘\tTwo\n",
       "line 3, field linked_ko"},
      {HEADER GOOD_ROW "2\t디스플레이\tDisplay\t충남\t천안일반\t경남(창원국가)), 울산(미포국가)\t둘\tTwo\n",
       "line 3, field linked_ko: unbalanced"},
      {HEADER GOOD_ROW "2\t디스플레이\tDisplay\t충남\t천안일반\t경남((창원국가)\t둘\tTwo\n",
       "line 3, field linked_ko: unbalanced"},
      {HEADER GOOD_ROW "2\t디스플레이\tDisplay\t충남\t천안일반\t경남(창원국가, )\t둘\tTwo\n",
       "line 3, field linked_ko: empty"},
      {HEADER GOOD_ROW "2\t디스플레이\tDisplay\t충남\t천안일반\t\t둘\tTwo\n",
       "line 3, field linked_ko: empty"},
      {HEADER GOOD_ROW
       "2\t미래모빌리티(자동차\tFuture Mobility (Automotive)\t충남\t천안일반\t충북(오창일반)\t둘\tTwo\n",
       "line 3, field sector_ko: unbalanced"},
      {HEADER GOOD_ROW "2\t디스플레이\tDisplay\t충남\t천안일반\t충북(오창일반)\t \tTwo\n",
       "line 3, field name_ko: empty"},
      {HEADER GOOD_ROW "2\t디스플레이\tDisplay\t충남\t천안일반\t충북(오창일반)\t둘\t\n",
       "line 3, field name_en: empty"},
      {HEADER GOOD_ROW "2\t\tDisplay\t충남\t천안일반\t충북(오창일반)\t둘\tTwo\n",
       "line 3, field sector_ko: empty"},
      {HEADER GOOD_ROW "2\t디스플레이\tDisplay\t\t천안일반\t충북(오창일반)\t둘\tTwo\n",
       "line 3, field lead_region_ko"},
      {HEADER GOOD_ROW "1\t디스플레이\tDisplay\t충남\t천안일반\t충북(오창일반)\t둘\tTwo\n",
       "line 3, field no: duplicate"},
      {HEADER GOOD_ROW "2\t디스플레이\tScreens\t충남\t천안일반\t충북(오창일반)\t둘\tTwo\n",
       "line 3, field sector_en"},
      {HEADER GOOD_ROW "2\t디스플레이\tDisplay\t충남\t천안일반\t충북(오창일반)\t\xC3\x28\tTwo\n",
       "line 3, field name_ko: invalid UTF-8"},
      {HEADER GOOD_ROW "2\t디스플레이\tDisplay\t충남\t천안일반\t충북(오창일반)\t둘\x01\tTwo\n",
       "line 3, field name_ko: control"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char err[256] = "";
    int64_t before = total_rows(db);
    int rc = reference_load(db, cases[i].tsv, err, sizeof err);
    if (rc != -1 || !strstr(err, cases[i].expect))
      fail_msg("case %zu: rc %d, error \"%s\", expected \"%s\"", i, rc, err, cases[i].expect);
    assert_int_equal(total_rows(db), before);
    assert_int_equal(before, 0);
  }
  /* After all of that, the real file still loads. */
  char err[256] = "";
  assert_int_equal(reference_load(db, embedded_data("consortia.tsv"), err, sizeof err), 25);
}

int main(void) {
  log_set_level(LOG_LEVEL_ERROR); /* quiet: the failures below are expected */
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_loads_the_embedded_tsv, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_second_load_changes_nothing, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_crlf_and_bom_are_accepted, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_malformed_text_loads_nothing, setup, store_test_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
