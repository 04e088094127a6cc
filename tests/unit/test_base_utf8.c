/* Unit tests of base/utf8.h: every length of valid sequence with its code point, the bounds of
 * each form (U+0000, U+007F, U+0080, U+07FF, U+0800, U+FFFF, U+10000, U+10FFFF), and what is
 * not UTF-8: stray continuation bytes, the leads C0/C1/F5-FF, overlong forms, surrogates, code
 * points past U+10FFFF, sequences cut short by n or by a NUL; and the whole 1- and 2-byte space
 * against a reference encoder. */
/* cmocka.h needs these before it */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "base/utf8.h"

/* Decodes s (len bytes, n = len) and checks the length and code point. */
static void ok(const char *s, size_t len, uint32_t want) {
  uint32_t cp = 0xDEADBEEF;
  assert_int_equal(utf8_decode((const unsigned char *)s, len, &cp), len);
  assert_int_equal(cp, want);
}

/* s (len bytes) is not a valid sequence: 0, and *cp untouched. */
static void bad(const char *s, size_t len) {
  uint32_t cp = 0xDEADBEEF;
  assert_int_equal(utf8_decode((const unsigned char *)s, len, &cp), 0);
  assert_int_equal(cp, 0xDEADBEEF);
}

static void test_valid_bounds(void **state) {
  (void)state;
  ok("\0", 1, 0);
  ok("A", 1, 'A');
  ok("\x7F", 1, 0x7F);
  ok("\xC2\x80", 2, 0x80);
  ok("\xDF\xBF", 2, 0x7FF);
  ok("\xE0\xA0\x80", 3, 0x800);
  ok("\xED\x9F\xBF", 3, 0xD7FF);
  ok("\xEE\x80\x80", 3, 0xE000);
  ok("\xEA\xB0\x80", 3, 0xAC00); /* 가 */
  ok("\xEF\xBF\xBF", 3, 0xFFFF);
  ok("\xF0\x90\x80\x80", 4, 0x10000);
  ok("\xF4\x8F\xBF\xBF", 4, 0x10FFFF);
  /* only the first character counts; n larger than it is fine */
  uint32_t cp = 0;
  assert_int_equal(utf8_decode((const unsigned char *)"\xEA\xB0\x80\xEA\xB0\x80", 6, &cp), 3);
  assert_int_equal(cp, 0xAC00);
  /* cp may be NULL; n may be SIZE_MAX on a NUL-terminated string */
  assert_int_equal(utf8_decode((const unsigned char *)"\xF0\x9F\x98\x80", SIZE_MAX, NULL), 4);
}

static void test_invalid(void **state) {
  (void)state;
  bad("", 0);     /* nothing to read */
  bad("\x80", 1); /* stray continuation */
  bad("\xBF", 1);
  bad("\xC0\x80", 2);         /* overlong U+0000 */
  bad("\xC1\xBF", 2);         /* overlong U+007F */
  bad("\xE0\x9F\xBF", 3);     /* overlong U+07FF */
  bad("\xF0\x8F\xBF\xBF", 4); /* overlong U+FFFF */
  bad("\xED\xA0\x80", 3);     /* surrogate U+D800 */
  bad("\xED\xBF\xBF", 3);     /* surrogate U+DFFF */
  bad("\xF4\x90\x80\x80", 4); /* U+110000 */
  bad("\xF5\x80\x80\x80", 4);
  bad("\xFF", 1);
  bad("\xC2\x41", 2); /* continuation missing */
  bad("\xE0\xA0\x41", 3);
  bad("\xF0\x90\x80\x41", 4);
  bad("\xC2\x80", 1); /* cut short by n */
  bad("\xE0\xA0\x80", 2);
  bad("\xF0\x90\x80\x80", 3);
  assert_int_equal(utf8_decode((const unsigned char *)"\xE0\xA0", SIZE_MAX, NULL), 0); /* by the NUL */
}

/* Every code point below U+0800 and every 2-byte pattern: valid exactly when it is the
 * encoding of its code point. */
static void test_small_space(void **state) {
  (void)state;
  for (uint32_t c = 0; c < 0x800; c++) {
    unsigned char b[2];
    size_t len = c < 0x80 ? 1 : 2;
    if (len == 1)
      b[0] = (unsigned char)c;
    else
      b[0] = (unsigned char)(0xC0 | c >> 6), b[1] = (unsigned char)(0x80 | (c & 0x3F));
    uint32_t cp = 0;
    assert_int_equal(utf8_decode(b, len, &cp), len);
    assert_int_equal(cp, c);
  }
  int valid = 0;
  for (unsigned a = 0x80; a < 0x100; a++)
    for (unsigned c = 0; c < 0x100; c++) {
      unsigned char b[2] = {(unsigned char)a, (unsigned char)c};
      valid += utf8_decode(b, 2, NULL) == 2;
    }
  assert_int_equal(valid, (0xDF - 0xC2 + 1) * 64); /* leads C2..DF, 64 continuations each */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_valid_bounds),
      cmocka_unit_test(test_invalid),
      cmocka_unit_test(test_small_space),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
