/* Unit tests of gateway/http_range: the single byte ranges a <video> element sends when it seeks,
 * clamping past the end, and every malformed or unsatisfiable header refused (416 upstream); and
 * of the recording file paths gateway/http_recordings accepts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

// clang-format off
#include <cmocka.h>
// clang-format on

#include "gateway/http_range.h"
#include "gateway/http_recordings.h"

static void expect(const char *h, int64_t size, http_range_result want, int64_t first, int64_t last) {
  int64_t f = -7, l = -7;
  http_range_result got = http_range_parse(h, size, &f, &l);
  if (got != want)
    fail_msg("\"%s\" of %lld bytes: got %d, want %d", h ? h : "(null)", (long long)size, got, want);
  if (want == HTTP_RANGE_OK) {
    assert_int_equal(f, first);
    assert_int_equal(l, last);
  }
}

static void test_ranges(void **state) {
  (void)state;
  expect(NULL, 1000, HTTP_RANGE_NONE, 0, 0);
  expect("", 1000, HTTP_RANGE_NONE, 0, 0);
  expect("bytes=0-", 1000, HTTP_RANGE_OK, 0, 999); /* what Chromium sends first */
  expect("bytes=0-0", 1000, HTTP_RANGE_OK, 0, 0);
  expect("bytes=100-199", 1000, HTTP_RANGE_OK, 100, 199);
  expect("bytes=500-", 1000, HTTP_RANGE_OK, 500, 999);
  expect("bytes=999-", 1000, HTTP_RANGE_OK, 999, 999);
  expect("bytes=900-5000", 1000, HTTP_RANGE_OK, 900, 999); /* cut to the end */
  expect("bytes=-100", 1000, HTTP_RANGE_OK, 900, 999);
  expect("bytes=-1000", 1000, HTTP_RANGE_OK, 0, 999);
  expect("bytes=-5000", 1000, HTTP_RANGE_OK, 0, 999);
  expect("Bytes=1-2", 1000, HTTP_RANGE_OK, 1, 2);
  expect("bytes=999999999999999998-999999999999999999", 999999999999999999LL, HTTP_RANGE_OK,
         999999999999999998LL, 999999999999999998LL);
}

static void test_refused(void **state) {
  (void)state;
  const char *bad[] = {"bytes",
                       "bytes=",
                       "bytes=-",
                       "bytes=--1",
                       "bytes=a-b",
                       "bytes=1-a",
                       "bytes=1",
                       "bytes= 1-2",
                       "bytes=1 -2",
                       "bytes=1-2 ",
                       "bytes=1-2,3-4",
                       "bytes=1-2,",
                       "items=1-2",
                       "bytes=2-1",
                       "bytes=-0",
                       "bytes=1000-",
                       "bytes=1000-2000",
                       "bytes=5000-",
                       "bytes=0x10-20",
                       "bytes=+1-2",
                       "bytes=-+1",
                       "bytes=1--2",
                       "bytes=1234567890123456789-",
                       "bytes=0-1234567890123456789",
                       "bytes=-1234567890123456789",
                       "bytes=1-2\r\nX: y",
                       "bytes=\xff-1"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) expect(bad[i], 1000, HTTP_RANGE_REFUSED, 0, 0);
  /* an empty file has no satisfiable range */
  expect("bytes=0-", 0, HTTP_RANGE_REFUSED, 0, 0);
  expect("bytes=-1", 0, HTTP_RANGE_REFUSED, 0, 0);
  expect(NULL, 0, HTTP_RANGE_NONE, 0, 0);
}

/* The recording file paths: only "/recordings/<id>/<plain name>". */
static void test_paths(void **state) {
  (void)state;
  int64_t id = 0;
  char name[64];
  assert_true(http_recordings_split("/recordings/12/1001.webm", &id, name, sizeof name));
  assert_int_equal(id, 12);
  assert_string_equal(name, "1001.webm");
  assert_true(http_recordings_split("/recordings/999999999999999999/meeting.webm", &id, name, sizeof name));
  assert_int_equal(id, 999999999999999999LL);
  const char *bad[] = {"/recordings/",
                       "/recordings/12",
                       "/recordings/12/",
                       "/recordings/012/a.webm",
                       "/recordings/0/a.webm",
                       "/recordings/-1/a.webm",
                       "/recordings/1x/a.webm",
                       "/recordings/1234567890123456789/a.webm",
                       "/recordings/12/../a.webm",
                       "/recordings/12/a/b.webm",
                       "/recordings/12/.hidden",
                       "/recordings/12/..",
                       "/recordings//a.webm",
                       "/recording/12/a.webm",
                       "/files/12/a.webm",
                       "/recordings/12/a%2fb",
                       "/recordings/12/a b.webm"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    if (http_recordings_split(bad[i], &id, name, sizeof name)) fail_msg("accepted %s", bad[i]);
  assert_false(http_recordings_split("/recordings/12/abcdefgh.webm", &id, name, 8)); /* does not fit */
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_ranges), cmocka_unit_test(test_refused),
                                     cmocka_unit_test(test_paths)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
