/* Unit tests of storage/programme_store (imports into the programme tables of migration 009):
 * the same file twice changes nothing; a changed item records what changed field by field; a
 * full snapshot withdraws what left the feed; the same programme from two feeds merges while a
 * different agency or deadline does not; 정정/연장 link to what they amend; a failing feed
 * changes no programme and is recorded on its source; rejects are stored with their reasons. */
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

#include <jansson.h>

#include "base/log.h"
#include "src_file_support.h"
#include "storage/db.h"
#include "storage/programme_store.h"
#include "storage/seoul_time.h"

static int64_t at(const char *iso) {
  int64_t t;
  assert_true(seoul_parse_iso(iso, &t));
  return t;
}

static moa_db *open_mem(void) {
  char err[256];
  log_set_level(LOG_LEVEL_ERROR);
  moa_db *db = db_open(":memory:", false, err, sizeof err);
  if (!db) fail_msg("%s", err);
  return db;
}

static int64_t scalar(moa_db *db, const char *sql) {
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL), SQLITE_OK);
  int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
  sqlite3_finalize(st);
  return v;
}

static char *text_of(moa_db *db, const char *sql) {
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL), SQLITE_OK);
  char *v = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)
                ? strdup((const char *)sqlite3_column_text(st, 0))
                : strdup("(none)");
  sqlite3_finalize(st);
  return v;
}

static void import_ok(moa_db *db, const char *source, feed_source fmt, const char *data, bool snapshot,
                      int64_t now, programme_import_report *r) {
  char err[256] = "";
  int rc = programme_import(db, source, fmt, data, strlen(data), "t", snapshot, now, 0, r, err, sizeof err);
  if (rc != 0) fail_msg("import %s: %d %s", source, rc, err);
}

static void import_file(moa_db *db, const char *source, feed_source fmt, const char *name, int64_t now,
                        programme_import_report *r) {
  size_t len;
  char path[256]; /* a bare name is one of tests/data/programmes/, a path is from the root */
  snprintf(path, sizeof path, "%s%s", strchr(name, '/') ? "" : "tests/data/programmes/", name);
  char *data = src_file_read(path, &len);
  char err[256] = "";
  if (programme_import(db, source, fmt, data, len, name, true, now, 0, r, err, sizeof err) != 0)
    fail_msg("import %s: %s", name, err);
  free(data);
}

#define DUMP                                                                                               \
  "SELECT group_concat(x, ';') FROM (SELECT id || title || ifnull(apply_end, '') || ifnull(withdrawn_at, " \
  "'') || updated_at AS x FROM programmes ORDER BY id)"

static void test_idempotent(void **state) {
  (void)state;
  moa_db *db = open_mem();
  programme_import_report r;
  int64_t now = at("2026-04-28T09:00:00+09:00");
  import_file(db, "bizinfo", FEED_BIZINFO_JSON, "bizinfo.json", now, &r);
  assert_int_equal(r.n_items, 6);
  assert_int_equal(r.n_new, 6);
  assert_int_equal(r.n_changed + r.n_same + r.n_merged + r.n_amended + r.n_withdrawn, 0);
  assert_int_equal(scalar(db, "SELECT count(*) FROM programmes"), 6);
  assert_int_equal(scalar(db, "SELECT count(*) FROM programme_items"), 6);
  char *before = text_of(db, DUMP);
  int64_t changes = scalar(db, "SELECT count(*) FROM programme_changes");
  /* the same file again, later: nothing changes */
  import_file(db, "bizinfo", FEED_BIZINFO_JSON, "bizinfo.json", now + 3600, &r);
  assert_true(r.duplicate_file);
  assert_int_equal(r.n_new + r.n_changed + r.n_withdrawn, 0);
  char *after = text_of(db, DUMP);
  assert_string_equal(before, after);
  assert_int_equal(scalar(db, "SELECT count(*) FROM programme_changes"), changes);
  assert_int_equal(scalar(db, "SELECT count(*) FROM programme_imports"), 1);
  free(after);
  /* the same items in other bytes (another page order, spacing): all the same, nothing changes */
  const char *again =
      "{\"jsonArray\": [ {\"pblancId\":\"PBLN_000000000126802\",\"pblancNm\":\"스마트공장 고도화 지원\","
      "\"jrsdInsttNm\":\"중소벤처기업부\",\"reqstBeginEndDe\":\"추후 공지\",\"hashtags\":\"기술\","
      "\"pldirSportRealmLclasCodeNm\":\"기술\"} ]}";
  import_ok(db, "bizinfo", FEED_BIZINFO_JSON, again, false, now + 7200, &r);
  assert_false(r.duplicate_file);
  assert_int_equal(r.n_same, 1);
  assert_int_equal(r.n_new + r.n_changed + r.n_withdrawn, 0);
  after = text_of(db, DUMP);
  assert_string_equal(before, after);
  free(before);
  free(after);
  /* the raw item is kept verbatim */
  char *raw = text_of(db, "SELECT raw FROM programme_items WHERE item_id = 'PBLN_000000000126771'");
  assert_non_null(strstr(raw, "&#40;H2&#41;"));
  free(raw);
  db_close(db);
}

static void test_changes_and_withdrawals(void **state) {
  (void)state;
  moa_db *db = open_mem();
  programme_import_report r;
  const char *week1 =
      "{\"jsonArray\":["
      "{\"pblancId\":\"P1\",\"pblancNm\":\"수출 "
      "바우처\",\"jrsdInsttNm\":\"경기도\",\"reqstBeginEndDe\":\"2026-05-01 ~ 2026-05-10\"},"
      "{\"pblancId\":\"P2\",\"pblancNm\":\"정책자금\",\"jrsdInsttNm\":\"중기부\",\"reqstBeginEndDe\":\"예산 "
      "소진시까지\"},"
      "{\"pblancId\":\"P3\",\"pblancNm\":\"곧 "
      "마감\",\"jrsdInsttNm\":\"중기부\",\"reqstBeginEndDe\":\"2026-05-01 ~ 2026-05-03\"},"
      "{\"pblancId\":\"P4\",\"pblancNm\":\"그대로\",\"jrsdInsttNm\":\"중기부\",\"reqstBeginEndDe\":\"상시\"}]"
      "}";
  const char *week2 =
      "{\"jsonArray\":["
      "{\"pblancId\":\"P1\",\"pblancNm\":\"수출 "
      "바우처\",\"jrsdInsttNm\":\"경기도\",\"reqstBeginEndDe\":\"2026-05-01 ~ 2026-05-20\"},"
      "{\"pblancId\":\"P4\",\"pblancNm\":\"그대로\",\"jrsdInsttNm\":\"중기부\",\"reqstBeginEndDe\":\"상시\"},"
      "{\"pblancId\":\"P5\",\"pblancNm\":\"새 "
      "공고\",\"jrsdInsttNm\":\"산업부\",\"reqstBeginEndDe\":\"상시\"}]}";
  import_ok(db, "bizinfo", FEED_BIZINFO_JSON, week1, true, at("2026-05-01T09:00:00+09:00"), &r);
  assert_int_equal(r.n_new, 4);
  import_ok(db, "bizinfo", FEED_BIZINFO_JSON, week2, true, at("2026-05-08T09:00:00+09:00"), &r);
  assert_int_equal(r.n_new, 1);       /* P5 */
  assert_int_equal(r.n_changed, 1);   /* P1's deadline */
  assert_int_equal(r.n_same, 1);      /* P4 */
  assert_int_equal(r.n_withdrawn, 1); /* P2 (budget, gone); P3 closed on 05-03, so not withdrawn */
  assert_int_equal(r.n_closed, 1);    /* P3 */
  char *c = text_of(db,
                    "SELECT group_concat(field || ':' || old || '>' || new, ',') FROM programme_changes "
                    "WHERE kind = 'changed'");
  assert_string_equal(
      c, "apply_end:2026-05-10>2026-05-20,period_raw:2026-05-01 ~ 2026-05-10>2026-05-01 ~ 2026-05-20");
  free(c);
  assert_int_equal(scalar(db, "SELECT closes_at FROM programmes WHERE title = '수출 바우처'"),
                   at("2026-05-20T23:59:59+09:00"));
  assert_true(scalar(db, "SELECT withdrawn_at FROM programmes WHERE title = '정책자금'") > 0);
  assert_int_equal(scalar(db, "SELECT withdrawn_at IS NULL FROM programmes WHERE title = '곧 마감'"), 1);
  /* an incremental (not snapshot) import withdraws nothing */
  import_ok(db, "bizinfo", FEED_BIZINFO_JSON, "{\"jsonArray\":[]}", false, at("2026-05-09T09:00:00+09:00"),
            &r);
  assert_int_equal(r.n_withdrawn, 0);
  /* the withdrawn one reappearing comes back */
  import_ok(db, "bizinfo", FEED_BIZINFO_JSON, week1, false, at("2026-05-10T09:00:00+09:00"), &r);
  assert_int_equal(scalar(db, "SELECT withdrawn_at IS NULL FROM programmes WHERE title = '정책자금'"), 1);
  db_close(db);
}

static void test_merge_and_amend(void **state) {
  (void)state;
  moa_db *db = open_mem();
  programme_import_report r;
  int64_t now = at("2026-04-28T09:00:00+09:00");
  import_file(db, "bizinfo", FEED_BIZINFO_JSON, "bizinfo.json", now, &r);
  /* the RSS door to the same data: both items merge into the JSON ones */
  import_file(db, "bizinfo-rss", FEED_BIZINFO_RSS, "bizinfo.rss.xml", now, &r);
  assert_int_equal(r.n_merged, 2);
  assert_int_equal(r.n_new, 0);
  assert_int_equal(scalar(db, "SELECT count(*) FROM programmes"), 6);
  assert_int_equal(scalar(db, "SELECT count(*) FROM programme_items"), 8);
  /* another feed: a slightly different title of the same programme merges; the same title with
   * another agency or another deadline does not; an amendment links to what it amends */
  const char *k =
      "{\"data\":["
      "{\"pbanc_sn\":1,\"biz_pbanc_nm\":\"2026 부산 수소(H2) 모빌리티 부품 실증 "
      "지원사업\",\"pbanc_ntrp_nm\":\"산업통상자원부\","
      "\"pbanc_rcpt_bgng_dt\":\"20260427\",\"pbanc_rcpt_end_dt\":\"20260510\"},"
      "{\"pbanc_sn\":2,\"biz_pbanc_nm\":\"2026년 부산 수소(H2) 모빌리티 부품 실증 지원사업 "
      "공고\",\"pbanc_ntrp_nm\":\"부산광역시\","
      "\"pbanc_rcpt_bgng_dt\":\"20260427\",\"pbanc_rcpt_end_dt\":\"20260510\"},"
      "{\"pbanc_sn\":3,\"biz_pbanc_nm\":\"2026년 부산 수소(H2) 모빌리티 부품 실증 지원사업 "
      "공고\",\"pbanc_ntrp_nm\":\"산업통상자원부\","
      "\"pbanc_rcpt_bgng_dt\":\"20260427\",\"pbanc_rcpt_end_dt\":\"20260511\"},"
      "{\"pbanc_sn\":4,\"biz_pbanc_nm\":\"[정정] 스마트공장 고도화 "
      "지원\",\"pbanc_ntrp_nm\":\"중소벤처기업부\","
      "\"pbanc_rcpt_bgng_dt\":\"20260501\",\"pbanc_rcpt_end_dt\":\"20260531\"},"
      "{\"pbanc_sn\":5,\"biz_pbanc_nm\":\"스마트공장 구축 지원\",\"pbanc_ntrp_nm\":\"중소벤처기업부\"}]}";
  import_ok(db, "kstartup", FEED_KSTARTUP, k, true, now, &r);
  assert_int_equal(r.n_merged, 1);
  assert_int_equal(r.n_amended, 1);
  assert_int_equal(r.n_new, 3);
  assert_int_equal(
      scalar(db,
             "SELECT count(*) FROM programme_items WHERE programme_id = "
             "(SELECT programme_id FROM programme_items WHERE item_id = 'PBLN_000000000126771')"),
      3);
  assert_int_equal(
      scalar(db,
             "SELECT p.amended_from = o.id FROM programmes p, programmes o "
             "WHERE p.title = '[정정] 스마트공장 고도화 지원' AND o.title = '스마트공장 고도화 지원'"),
      1);
  assert_int_equal(scalar(db, "SELECT count(*) FROM programme_changes WHERE kind = 'amended'"), 1);
  assert_int_equal(
      scalar(db, "SELECT amended_from IS NULL FROM programmes WHERE title = '스마트공장 구축 지원'"), 1);
  db_close(db);
}

static void test_failing_feed(void **state) {
  (void)state;
  moa_db *db = open_mem();
  programme_import_report r;
  int64_t now = at("2026-04-28T09:00:00+09:00");
  import_file(db, "bizinfo", FEED_BIZINFO_JSON, "bizinfo.json", now, &r);
  char *before = text_of(db, DUMP);
  const char *bad[] = {"{\"jsonArray\": [", "",
                       "{\"response\":{\"header\":{\"resultCode\":\"22\",\"resultMsg\":\"LIMITED_NUMBER_OF_"
                       "SERVICE_REQUESTS\"}}}",
                       "{\"response\":{\"header\":{\"resultCode\":\"\"}}}"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    char err[256] = "";
    int rc = programme_import(db, "bizinfo", FEED_BIZINFO_JSON, bad[i], strlen(bad[i]), "bad", true, now + 60,
                              0, &r, err, sizeof err);
    assert_int_equal(rc, -1);
    assert_true(err[0]);
    char *after = text_of(db, DUMP);
    assert_string_equal(before, after); /* a snapshot that failed withdrew nothing */
    free(after);
    char *last = text_of(db, "SELECT last_error FROM programme_sources WHERE name = 'bizinfo'");
    assert_string_equal(last, err);
    free(last);
  }
  assert_int_equal(scalar(db, "SELECT count(*) FROM programme_imports"), 1);
  /* a wrong format for a known source is refused */
  char err[256] = "";
  assert_int_equal(programme_import(db, "bizinfo", FEED_KSTARTUP, "{\"data\":[]}", 11, "x", true, now, 0, &r,
                                    err, sizeof err),
                   -1);
  assert_non_null(strstr(err, "is a bizinfo_json feed"));
  /* a success clears the error */
  import_ok(db, "bizinfo", FEED_BIZINFO_JSON, "{\"jsonArray\":[]}", false, now + 120, &r);
  char *last = text_of(db, "SELECT last_error FROM programme_sources WHERE name = 'bizinfo'");
  assert_string_equal(last, "");
  free(last);
  free(before);
  db_close(db);
}

static void test_rejects_stored(void **state) {
  (void)state;
  moa_db *db = open_mem();
  programme_import_report r;
  import_ok(db, "csv-busan", FEED_CSV,
            "source_id,title,agency,period\nC1,t,a,상시\nC2,t,a,2026-02-30\nC1,u,a,상시\n", true,
            at("2026-04-28T09:00:00+09:00"), &r);
  assert_int_equal(r.n_new, 1);
  assert_int_equal(r.n_rejected, 2);
  char *c = text_of(
      db, "SELECT group_concat(item_index || ' ' || item_id || ': ' || reason, '; ') FROM programme_rejects");
  assert_string_equal(
      c, "1 C2: period \"2026-02-30\": impossible date; 2 C1: duplicated id (first seen as item 1)");
  free(c);
  db_close(db);
}

static int64_t programme_of(moa_db *db, const char *item_id) {
  sqlite3_stmt *st;
  assert_int_equal(
      sqlite3_prepare_v2(db_handle(db), "SELECT programme_id FROM programme_items WHERE item_id = ?1", -1,
                         &st, NULL),
      SQLITE_OK);
  sqlite3_bind_text(st, 1, item_id, -1, SQLITE_STATIC);
  int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
  sqlite3_finalize(st);
  if (v < 0) fail_msg("no item %s", item_id);
  return v;
}

/* The shipped sample (data/programmes, tools/gen_programmes.py): the planted duplicates merge and
 * nothing else does, the planted amendments link to what they amend, the RSS door to the same
 * 기업마당 data merges item for item, and the second snapshot reports exactly what was planted. */
static void test_planted_sample(void **state) {
  (void)state;
  moa_db *db = open_mem();
  size_t len;
  char *text = src_file_read("data/programmes/PLANTED.json", &len);
  json_error_t je;
  json_t *planted = json_loadb(text, len, 0, &je);
  free(text);
  assert_non_null(planted);
  programme_import_report r;
  int64_t w1 = at(json_string_value(json_object_get(planted, "week1_at")));
  int64_t w2 = at(json_string_value(json_object_get(planted, "week2_at")));
  import_file(db, "bizinfo", FEED_BIZINFO_JSON, "data/programmes/bizinfo-2026-11-23.json", w1, &r);
  size_t n_amend = json_array_size(json_object_get(planted, "amendments"));
  assert_int_equal(r.n_amended, n_amend);
  assert_int_equal(r.n_new + r.n_amended, r.n_items);
  assert_int_equal(r.n_rejected, 0);
  import_file(db, "kstartup", FEED_KSTARTUP, "data/programmes/kstartup-2026-11-23.json", w1, &r);
  assert_int_equal(r.n_rejected, 0);
  int merged = r.n_merged;
  import_file(db, "smes24", FEED_SMES24, "data/programmes/smes24-2026-11-23.json", w1, &r);
  assert_int_equal(r.n_rejected, 0);
  merged += r.n_merged;
  import_file(db, "local", FEED_CSV, "data/programmes/agencies-local-2026-11-23.csv", w1, &r);
  assert_int_equal(r.n_rejected, 0);
  assert_int_equal(r.n_merged, 0);
  json_t *dups = json_object_get(planted, "duplicates"), *d;
  size_t i;
  assert_int_equal(merged, json_array_size(dups)); /* recall: every planted pair; precision: nothing else */
  json_array_foreach(dups, i, d) {
    const char *other = strchr(json_string_value(json_object_get(d, "other")), ':') + 1;
    assert_int_equal(programme_of(db, json_string_value(json_object_get(d, "bizinfo"))),
                     programme_of(db, other));
  }
  assert_int_equal(
      scalar(db,
             "SELECT count(*) FROM (SELECT programme_id FROM programme_items GROUP BY programme_id "
             "HAVING count(*) > 1)"),
      json_array_size(dups));
  json_array_foreach(json_object_get(planted, "amendments"), i, d) {
    int64_t a = programme_of(db, json_string_value(json_object_get(d, "amendment")));
    int64_t o = programme_of(db, json_string_value(json_object_get(d, "amends")));
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT amended_from FROM programmes WHERE id = %lld", (long long)a);
    assert_int_equal(scalar(db, sql), o);
  }
  assert_int_equal(scalar(db, "SELECT count(*) FROM programmes WHERE amended_from IS NOT NULL"), n_amend);
  /* a week later */
  import_file(db, "bizinfo", FEED_BIZINFO_JSON, "data/programmes/bizinfo-2026-11-30.json", w2, &r);
  json_t *want = json_object_get(planted, "week2");
  assert_int_equal(r.n_new, json_integer_value(json_object_get(want, "new")));
  assert_int_equal(r.n_changed, json_integer_value(json_object_get(want, "changed")));
  assert_int_equal(r.n_same, json_integer_value(json_object_get(want, "unchanged")));
  assert_int_equal(r.n_closed, json_integer_value(json_object_get(want, "closed")));
  assert_int_equal(r.n_withdrawn, json_integer_value(json_object_get(want, "withdrawn")));
  assert_int_equal(r.n_merged + r.n_amended + r.n_rejected, 0);
  db_close(db);
  /* the RSS form of the same week: every item joins its JSON twin (in a database of its own: a
   * programme still in the RSS feed would not be withdrawn by the JSON snapshot above) */
  db = open_mem();
  import_file(db, "bizinfo", FEED_BIZINFO_JSON, "data/programmes/bizinfo-2026-11-23.json", w1, &r);
  import_file(db, "bizinfo-rss", FEED_BIZINFO_RSS, "data/programmes/bizinfo-2026-11-23.rss.xml", w1, &r);
  assert_int_equal(r.n_items, json_integer_value(json_object_get(planted, "bizinfo_week1_items")));
  assert_int_equal(r.n_merged, r.n_items);
  assert_int_equal(r.n_new + r.n_amended + r.n_rejected, 0);
  json_decref(planted);
  db_close(db);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_idempotent),      cmocka_unit_test(test_changes_and_withdrawals),
      cmocka_unit_test(test_merge_and_amend), cmocka_unit_test(test_failing_feed),
      cmocka_unit_test(test_rejects_stored),  cmocka_unit_test(test_planted_sample),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
