/* Unit tests of gateway/http_path: which request paths the static file server maps to a file
 * below its directory (no "." or ".." segment, no backslash or control byte, only absolute paths,
 * bounded length; a trailing '/' means index.html) and the Content-Type of each served type. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

// clang-format off
#include <cmocka.h>
// clang-format on

#include "gateway/http_path.h"

static void test_accepted(void **state) {
  (void)state;
  static const struct {
    const char *uri, *rel;
  } ok[] = {
      {"/", "/index.html"},
      {"/app.js", "/app.js"},
      {"/css/app.css", "/css/app.css"},
      {"/icons/", "/icons/index.html"},
      {"/a..b/c.txt", "/a..b/c.txt"},
      {"/.well-known/x.json", "/.well-known/x.json"},
      {"/x/...", "/x/..."},
  };
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    char rel[1024];
    assert_int_equal(http_static_path(ok[i].uri, rel, sizeof rel), 0);
    assert_string_equal(rel, ok[i].rel);
  }
}

static void test_refused(void **state) {
  (void)state;
  /* "/." and "/css/." were let through before tests/fuzz/fuzz_http.c found it (crashes/http/
   * crash-1e5e...): realpath() then stopped them, but the rule must not depend on it. */
  static const char *bad[] = {
      "",       "app.js",    "/..",    "/../etc/passwd", "/css/../../x", "/css/..", "/.",
      "/css/.", "/./app.js", "/a/./b", "/a\\b",          "/a\x01",       "/a\x7f",  "/a\nb",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char rel[1024];
    if (http_static_path(bad[i], rel, sizeof rel) == 0) fail_msg("accepted \"%s\" as \"%s\"", bad[i], rel);
  }
  /* too long for the buffer (16 bytes are kept for "index.html") */
  char uri[1100];
  memset(uri, 'a', sizeof uri - 1);
  uri[0] = '/';
  uri[sizeof uri - 1] = '\0';
  char rel[1024];
  assert_int_equal(http_static_path(uri, rel, sizeof rel), -1);
  uri[1024 - 16] = '\0';
  assert_int_equal(http_static_path(uri, rel, sizeof rel), 0);
  uri[1024 - 16] = 'a';
  uri[1024 - 15] = '\0';
  assert_int_equal(http_static_path(uri, rel, sizeof rel), -1);
}

static void test_mime(void **state) {
  (void)state;
  assert_string_equal(http_mime_type("/index.html"), "text/html; charset=utf-8");
  assert_string_equal(http_mime_type("/a/app.mjs"), "text/javascript; charset=utf-8");
  assert_string_equal(http_mime_type("/f.woff2"), "font/woff2");
  assert_null(http_mime_type("/a.sh"));
  assert_null(http_mime_type("/noext"));
  assert_null(http_mime_type("/dir.js/file")); /* the dot must be in the last segment */
  assert_null(http_mime_type("/app.JS"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_accepted),
      cmocka_unit_test(test_refused),
      cmocka_unit_test(test_mime),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
