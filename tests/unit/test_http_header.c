/* Unit tests of gateway/http_header: the session token of an Authorization header and of the
 * app's cookie (well-formed, and malformed: other schemes, junk around the token, characters a
 * token never has, names that only start like the cookie's, overlong values), and the
 * Content-Disposition of a file's original name: the exact RFC 8187 encoding of a Korean name, the
 * ASCII fallback, characters that must never reach a header, and names that do not fit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* cmocka.h needs the headers above first: keep the formatter from sorting it before them. */
// clang-format off
#include <cmocka.h>
// clang-format on

#include "gateway/http_header.h"

#define TOKEN "ECnTRSzD36AgBMb9sa9Upgu9D0QQTIN4N1o5ESs8nQE"

static void test_bearer(void **state) {
  (void)state;
  char out[64];
  assert_true(http_bearer_token("Bearer " TOKEN, out, sizeof out));
  assert_string_equal(out, TOKEN);
  assert_true(http_bearer_token("bearer    " TOKEN "  ", out, sizeof out));
  assert_string_equal(out, TOKEN);
  assert_true(http_bearer_token("BEARER a-_Z9", out, sizeof out));
  assert_string_equal(out, "a-_Z9");
  static const char *const bad[] = {"",
                                    "Bearer",
                                    "Bearer ",
                                    "Bearer  ",
                                    "Basic dXNlcjpwYXNz",
                                    "Bearer" TOKEN,
                                    "Bearer " TOKEN " extra",
                                    "Bearer " TOKEN ";",
                                    "Bearer abc=",
                                    "Bearer a/b",
                                    "Bearer \"" TOKEN "\"",
                                    "Bearer \t" TOKEN,
                                    " Bearer " TOKEN,
                                    "Bearer 토큰",
                                    NULL};
  for (int i = 0; bad[i]; i++)
    if (http_bearer_token(bad[i], out, sizeof out)) fail_msg("accepted \"%s\"", bad[i]);
  assert_false(http_bearer_token(NULL, out, sizeof out));
  assert_false(http_bearer_token("Bearer " TOKEN, out, sizeof TOKEN - 1)); /* no room for the NUL */
  assert_true(http_bearer_token("Bearer " TOKEN, out, sizeof TOKEN));
  assert_false(http_bearer_token("Bearer x", out, 1));
}

static void test_cookie(void **state) {
  (void)state;
  char out[64];
  assert_true(http_cookie_value("moa_session=" TOKEN, "moa_session", out, sizeof out));
  assert_string_equal(out, TOKEN);
  assert_true(http_cookie_value("a=1; b=\"x y\"; moa_session=abc; c=2", "moa_session", out, sizeof out));
  assert_string_equal(out, "abc");
  assert_true(http_cookie_value("a=1;moa_session=\"q-1\"", "moa_session", out, sizeof out));
  assert_string_equal(out, "q-1");
  assert_true(http_cookie_value("moa_session=first ; moa_session=second", "moa_session", out, sizeof out));
  assert_string_equal(out, "first");
  assert_true(http_cookie_value("x_moa_session=no; moa_session2=no; moa_session=yes", "moa_session", out,
                                sizeof out));
  assert_string_equal(out, "yes");
  static const char *const bad[] = {"",
                                    ";;;",
                                    "moa_session",
                                    "moa_session=",
                                    "moa_session=;",
                                    "moa_session=a b",
                                    "moa_session=a,b",
                                    "moa_session=\"abc",
                                    "moa_session=\"abc;\"",
                                    "moa_session =abc",
                                    "other=moa_session=abc",
                                    "a=\"moa_session=abc\"x",
                                    "moa_session=%41",
                                    NULL};
  for (int i = 0; bad[i]; i++)
    if (http_cookie_value(bad[i], "moa_session", out, sizeof out)) fail_msg("accepted \"%s\"", bad[i]);
  assert_false(http_cookie_value(NULL, "moa_session", out, sizeof out));
  assert_false(http_cookie_value("a=b", "", out, sizeof out));
  assert_false(http_cookie_value("moa_session=" TOKEN, "moa_session", out, 10)); /* too long */
}

static void test_disposition(void **state) {
  (void)state;
  char out[HTTP_DISPOSITION_MAX];
  size_t n = http_content_disposition(out, sizeof out, false, "회의 자료.pdf");
  assert_string_equal(out,
                      "attachment; filename=\"__ __.pdf\"; filename*=UTF-8''"
                      "%ED%9A%8C%EC%9D%98%20%EC%9E%90%EB%A3%8C.pdf");
  assert_int_equal(n, strlen(out));
  http_content_disposition(out, sizeof out, true, "chart.png");
  assert_string_equal(out, "inline; filename=\"chart.png\"; filename*=UTF-8''chart.png");
  /* quotes, backslashes and percent signs never reach the quoted fallback; RFC 8187 attr-chars
   * stay as they are, everything else is percent-encoded */
  http_content_disposition(out, sizeof out, false, "a\"b\\c%d;e=f&g+h~i.txt");
  assert_string_equal(out,
                      "attachment; filename=\"a_b_c_d;e=f&g+h~i.txt\"; filename*=UTF-8''"
                      "a%22b%5Cc%25d%3Be%3Df&g+h~i.txt");
  /* control bytes and invalid UTF-8: only printable ASCII comes out */
  n = http_content_disposition(out, sizeof out, false, "x\r\nSet-Cookie: a=b\x01\xff\xfe.csv");
  assert_true(n > 0);
  for (size_t i = 0; i < n; i++) assert_true(out[i] >= 0x20 && out[i] < 0x7f);
  assert_null(strchr(out, '\r'));
  assert_non_null(strstr(out, "filename*=UTF-8''x%0D%0ASet-Cookie%3A%20a%3Db%01%FF%FE.csv"));
  /* a 255-byte Korean name fits; a buffer too small gives 0 and an empty string */
  char name[256];
  for (int i = 0; i < 85; i++) memcpy(name + 3 * i, "\xea\xb0\x80", 3); /* 가 x 85 */
  name[255] = '\0';
  n = http_content_disposition(out, sizeof out, false, name);
  assert_true(n > 0 && n < sizeof out);
  for (size_t cap = 0; cap < 40; cap++) {
    char small[40];
    memset(small, 'z', sizeof small);
    assert_int_equal(http_content_disposition(small, cap, false, "report.pdf"), 0);
    if (cap) assert_string_equal(small, "");
    if (cap < sizeof small) assert_int_equal(small[cap], 'z'); /* nothing written past cap */
  }
  assert_int_equal(http_content_disposition(out, sizeof out, false, NULL),
                   strlen("attachment; filename=\"\"; filename*=UTF-8''"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bearer),
      cmocka_unit_test(test_cookie),
      cmocka_unit_test(test_disposition),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
