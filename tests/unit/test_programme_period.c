/* Unit tests of storage/programme_period: every period form the feeds carry (ranges in five
 * date styles, year-less second dates, times, one-sided ranges, the keywords 상시 / 예산 소진시까지
 * / 추후 공지 / 사업별 상이 / 모집완료), impossible dates and reversed ranges refused, closing at
 * 23:59:59 Asia/Seoul of the last day, and the status at the boundary seconds. */
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

#include "storage/programme_period.h"
#include "storage/seoul_time.h"

static int64_t at(const char *iso) {
  int64_t t;
  assert_true(seoul_parse_iso(iso, &t));
  return t;
}

static void expect_dated(const char *text, const char *start, const char *end) {
  programme_period p;
  const char *err = "unset";
  if (!programme_period_parse(text, &p, &err)) fail_msg("\"%s\" refused: %s", text, err);
  assert_int_equal(p.kind, PERIOD_DATED);
  assert_string_equal(p.start, start);
  assert_string_equal(p.end, end);
}

static void expect_kind(const char *text, programme_period_kind kind) {
  programme_period p;
  const char *err;
  if (!programme_period_parse(text, &p, &err)) fail_msg("\"%s\" refused: %s", text, err);
  if (p.kind != kind)
    fail_msg("\"%s\": kind %s, want %s", text, programme_period_kind_name(p.kind),
             programme_period_kind_name(kind));
}

static void expect_refused(const char *text) {
  programme_period p;
  const char *err = NULL;
  if (programme_period_parse(text, &p, &err))
    fail_msg("\"%s\" accepted as %s", text, programme_period_kind_name(p.kind));
  assert_non_null(err);
  assert_int_equal(p.kind, 0);
  assert_int_equal(p.closes_at, 0);
}

static void test_ranges(void **state) {
  (void)state;
  expect_dated("2026-04-27 ~ 2026-05-10", "2026-04-27", "2026-05-10");
  expect_dated("20220727 ~ 20220930", "2022-07-27", "2022-09-30");
  expect_dated("2026.04.27 ~ 2026.05.10", "2026-04-27", "2026-05-10");
  expect_dated("2026/04/27~2026/05/10", "2026-04-27", "2026-05-10");
  expect_dated("2026. 4. 27.(월) ~ 2026. 5. 10.(일)", "2026-04-27", "2026-05-10");
  expect_dated("2026년 4월 27일 ~ 2026년 5월 10일", "2026-04-27", "2026-05-10");
  expect_dated("2026-04-27 - 2026-05-10", "2026-04-27", "2026-05-10");
  expect_dated("2026-04-27 부터 2026-05-10 까지", "2026-04-27", "2026-05-10");
  expect_dated("2026-04-27 \xEF\xBD\x9E 2026-05-10", "2026-04-27", "2026-05-10"); /* full-width tilde */
  expect_dated("  2026-04-27 ~ 2026-05-10 (온라인 접수)  ", "2026-04-27", "2026-05-10");
  /* the second date takes the first one's year, or the next when it would end before it */
  expect_dated("2026. 11. 20.(금) ~ 12. 4.(금) 18:00", "2026-11-20", "2026-12-04");
  expect_dated("2026. 12. 20. ~ 1. 10.", "2026-12-20", "2027-01-10");
  expect_dated("2026년 4월 27일 ~ 5월 10일", "2026-04-27", "2026-05-10");
  /* one side */
  expect_dated("~ 2026-05-10", "", "2026-05-10");
  expect_dated("2026-05-10까지", "", "2026-05-10");
  expect_dated("2026-05-10 마감", "", "2026-05-10");
  expect_dated("2024-02-29 ~ 2024-03-01", "2024-02-29", "2024-03-01");
}

static void test_keywords(void **state) {
  (void)state;
  expect_kind("상시", PERIOD_ROLLING);
  expect_kind("상시 접수", PERIOD_ROLLING);
  expect_kind("연중 상시", PERIOD_ROLLING);
  expect_kind("수시모집", PERIOD_ROLLING);
  expect_kind("예산 소진시까지", PERIOD_BUDGET);
  expect_kind("예산소진 시 까지", PERIOD_BUDGET);
  expect_kind("추후 공지", PERIOD_TBD);
  expect_kind("추후공지", PERIOD_TBD);
  expect_kind("별도 공지", PERIOD_TBD);
  expect_kind("", PERIOD_TBD);
  expect_kind("   ", PERIOD_TBD);
  expect_kind(NULL, PERIOD_TBD);
  expect_kind("사업별 상이", PERIOD_VARIES);
  expect_kind("모집완료", PERIOD_CLOSED);
  expect_kind("접수 마감", PERIOD_CLOSED);
  /* a start date and a keyword */
  programme_period p;
  const char *err;
  assert_true(programme_period_parse("2026-04-27 ~ 예산 소진시", &p, &err));
  assert_int_equal(p.kind, PERIOD_BUDGET);
  assert_string_equal(p.start, "2026-04-27");
  assert_string_equal(p.end, "");
  assert_int_equal(p.opens_at, at("2026-04-27T00:00:00+09:00"));
  assert_true(programme_period_parse("2026-04-27 ~ 추후 공지", &p, &err));
  assert_int_equal(p.kind, PERIOD_TBD);
  assert_true(programme_period_parse("2026-04-27 ~", &p, &err));
  assert_int_equal(p.kind, PERIOD_ROLLING);
}

static void test_refused(void **state) {
  (void)state;
  expect_refused("2026-02-30 ~ 2026-03-10"); /* no 30 February */
  expect_refused("2025-02-29 ~ 2025-03-01"); /* not a leap year */
  expect_refused("2026-13-01 ~ 2026-13-02");
  expect_refused("20261301 ~ 20261310");
  expect_refused("2026-05-10 ~ 2026-04-27"); /* reversed */
  expect_refused("2026-05-10 25:00 ~ 2026-05-11");
  expect_refused("공고문 참조"); /* no period at all */
  expect_refused("2026-04-27 ~ 2026-05-10 그리고 아무 말");
  expect_refused("1900-01-01 ~ 1900-01-02"); /* out of range */
  expect_refused("2026-04-27 ~ 뭔가");
  char big[700];
  memset(big, '1', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  expect_refused(big);
}

/* Closes at 23:59:59 Seoul of the last day; open on that second, closed the next. */
static void test_close_time(void **state) {
  (void)state;
  programme_period p;
  const char *err;
  assert_true(programme_period_parse("2026-04-27 ~ 2026-05-10", &p, &err));
  assert_int_equal(p.opens_at, at("2026-04-27T00:00:00+09:00"));
  assert_int_equal(p.closes_at, at("2026-05-10T23:59:59+09:00"));
  assert_int_equal(p.closes_at, at("2026-05-10T14:59:59Z"));
  assert_string_equal(programme_period_status(&p, at("2026-04-26T23:59:59+09:00")), "upcoming");
  assert_string_equal(programme_period_status(&p, at("2026-04-27T00:00:00+09:00")), "open");
  assert_string_equal(programme_period_status(&p, at("2026-05-10T23:59:59+09:00")), "open");
  assert_string_equal(programme_period_status(&p, at("2026-05-11T00:00:00+09:00")), "closed");
  /* a named hour closes earlier */
  assert_true(programme_period_parse("2026. 11. 20.(금) 10:00 ~ 12. 4.(금) 18:00", &p, &err));
  assert_int_equal(p.opens_at, at("2026-11-20T10:00:00+09:00"));
  assert_int_equal(p.closes_at, at("2026-12-04T18:00:00+09:00"));
  /* rolling / budget stay open; tbd is upcoming; closed is closed */
  assert_true(programme_period_parse("상시", &p, &err));
  assert_string_equal(programme_period_status(&p, at("2030-01-01T00:00:00Z")), "open");
  assert_true(programme_period_parse("추후 공지", &p, &err));
  assert_string_equal(programme_period_status(&p, at("2030-01-01T00:00:00Z")), "upcoming");
  assert_true(programme_period_parse("모집완료", &p, &err));
  assert_string_equal(programme_period_status(&p, 0), "closed");
}

static void test_from_dates(void **state) {
  (void)state;
  programme_period p;
  const char *err;
  assert_true(programme_period_from_dates("20260302", "20260320", &p, &err));
  assert_int_equal(p.kind, PERIOD_DATED);
  assert_string_equal(p.start, "2026-03-02");
  assert_string_equal(p.end, "2026-03-20");
  assert_int_equal(p.closes_at, at("2026-03-20T23:59:59+09:00"));
  assert_true(programme_period_from_dates("2026-05-01", "2026-05-31", &p, &err));
  assert_string_equal(p.end, "2026-05-31");
  assert_true(programme_period_from_dates("20260501", "", &p, &err));
  assert_int_equal(p.kind, PERIOD_TBD);
  assert_string_equal(p.start, "2026-05-01");
  assert_true(programme_period_from_dates(NULL, NULL, &p, &err));
  assert_int_equal(p.kind, PERIOD_TBD);
  assert_false(programme_period_from_dates("20260320", "20260302", &p, &err));
  assert_false(programme_period_from_dates("20260230", "20260302", &p, &err));
  assert_false(programme_period_from_dates("2026-03-01", "내일", &p, &err));
  assert_false(programme_period_from_dates("2026-03-01 ~", "20260302", &p, &err));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ranges),     cmocka_unit_test(test_keywords),   cmocka_unit_test(test_refused),
      cmocka_unit_test(test_close_time), cmocka_unit_test(test_from_dates),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
