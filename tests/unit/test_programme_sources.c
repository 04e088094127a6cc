/* Unit tests of the --programme-sources file parser (gateway/programme_sources.c): the fields,
 * comments and blank lines, the key file and `partial`, and every malformed line refused with its
 * line number (the server then refuses to start rather than collect half the file). */
#include <stdio.h>
#include <string.h>

/* cmocka.h needs these before it */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "gateway/programme_sources.h"

static int parse(const char *text, programme_source_spec *out, size_t cap, char *err) {
  return programme_sources_parse(text, strlen(text), out, cap, err, 256);
}

static void test_good_file(void **state) {
  (void)state;
  programme_source_spec s[4];
  char err[256] = "";
  const char *text =
      "# Moa's feeds\n"
      "\n"
      "bizinfo\tbizinfo_json  "
      "https://apis.data.go.kr/1421000/bizinfo/pblancBsnsService?serviceKey={key}&dataType=json "
      "/etc/moa/bizinfo.key partial   # a page of 500\r\n"
      "  busan_tp csv http://127.0.0.1:8000/local.csv\n"
      "smes24 smes24 https://www.smes.go.kr/x?token={key} /etc/moa/smes24.key";
  assert_int_equal(parse(text, s, 4, err), 3);
  assert_string_equal(s[0].name, "bizinfo");
  assert_int_equal(s[0].format, FEED_BIZINFO_JSON);
  assert_string_equal(
      s[0].url, "https://apis.data.go.kr/1421000/bizinfo/pblancBsnsService?serviceKey={key}&dataType=json");
  assert_string_equal(s[0].key_file, "/etc/moa/bizinfo.key");
  assert_true(s[0].partial);
  assert_string_equal(s[1].name, "busan_tp");
  assert_int_equal(s[1].format, FEED_CSV);
  assert_string_equal(s[1].key_file, "");
  assert_false(s[1].partial);
  assert_string_equal(s[2].key_file, "/etc/moa/smes24.key");
  assert_false(s[2].partial);
  assert_int_equal(parse("# nothing\n\n   \n", s, 4, err), 0);
  assert_int_equal(parse("k kstartup https://x.example/a partial\n", s, 4, err), 1);
  assert_true(s[0].partial);
  assert_string_equal(s[0].key_file, "");
}

static void expect_error(const char *text, const char *want) {
  programme_source_spec s[2];
  char err[256] = "";
  assert_int_equal(parse(text, s, 2, err), -1);
  if (!strstr(err, want)) fprintf(stderr, "got \"%s\", want \"%s\"\n", err, want);
  assert_non_null(strstr(err, want));
}

static void test_bad_lines(void **state) {
  (void)state;
  expect_error("bizinfo bizinfo_json\n", "line 1: a source needs a name, a format and a URL");
  expect_error("\n\nBizinfo csv http://x.example/a\n", "line 3: the name must be");
  expect_error("a-b csv http://x.example/a\n", "line 1: the name must be");
  expect_error("a json http://x.example/a\n", "line 1: unknown format");
  expect_error("a csv ftp://x.example/a\n", "line 1: the URL must be http:// or https://");
  expect_error("a csv https://\n", "line 1: the URL must be");
  expect_error("a csv https://x.example/\x7f\n", "line 1: the URL must be");
  expect_error("a csv https://x.example/?k={key}\n", "line 1: the URL has {key} but no key file");
  expect_error("a csv https://x.example/?k={key} partial\n", "line 1: the URL has {key} but no key file");
  expect_error("a csv https://x.example/ key partial extra\n", "line 1: unexpected field");
  expect_error("a csv https://x.example/ partial key\n", "line 1: unexpected field");
  expect_error("a csv https://x.example/ k partial x y z\n", "line 1: too many fields");
  expect_error("a csv https://x.example/\na csv https://y.example/\n", "line 2: this name is given twice");
  expect_error("a csv https://x.example/\nb csv https://y.example/\nc csv https://z.example/\n",
               "line 3: too many sources");
  char nul[] = "a csv https://x.example/\0 k\n";
  programme_source_spec s[2];
  char err[256];
  assert_int_equal(programme_sources_parse(nul, sizeof nul - 1, s, 2, err, sizeof err), -1);
  assert_non_null(strstr(err, "NUL"));
  char longname[100];
  memset(longname, 'a', 64);
  snprintf(longname + 64, sizeof longname - 64, " csv https://x.example/\n");
  expect_error(longname, "the name must be");
  /* a URL of 1024 bytes or more */
  static char longurl[1200];
  int n = snprintf(longurl, sizeof longurl, "a csv https://x.example/");
  memset(longurl + n, 'x', 1100 - (size_t)n);
  longurl[1100] = '\0';
  expect_error(longurl, "the URL must be");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_good_file),
      cmocka_unit_test(test_bad_lines),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
