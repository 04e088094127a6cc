/* Unit tests of base/utf8.h: every length of valid sequence with its code point, the bounds of
 * each form (U+0000, U+007F, U+0080, U+07FF, U+0800, U+FFFF, U+10000, U+10FFFF), and what is
 * not UTF-8: stray continuation bytes, the leads C0/C1/F5-FF, overlong forms, surrogates, code
 * points past U+10FFFF, sequences cut short by n or by a NUL; and the whole 1- and 2-byte space
 * against a reference encoder. utf8_cut: ASCII, text of 1- to 4-byte characters cut at every
 * limit, max 0, max at and past the length, and bytes that are not UTF-8 (only continuation bytes
 * move the cut). */
/* cmocka.h needs these before it */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include <stdlib.h>
#include <string.h>

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

/* utf8_cut on a heap copy of exactly len bytes (ASan catches a read past them). */
static size_t cut(const char *s, size_t len, size_t max) {
  char *c = malloc(len ? len : 1);
  assert_non_null(c);
  memcpy(c, s, len);
  size_t r = utf8_cut(c, len, max);
  free(c);
  return r;
}

static void test_cut_ascii(void **state) {
  (void)state;
  for (size_t max = 0; max <= 8; max++) assert_int_equal(cut("hello", 5, max), max < 5 ? max : 5);
  assert_int_equal(cut("", 0, 0), 0);
  assert_int_equal(cut("", 0, 3), 0);
}

/* "a" é 가 😀 "b": characters of 1, 2, 3, 4 and 1 bytes, ending at 1, 3, 6, 10 and 11. Every limit
 * gives the last end at or below it, and that prefix is whole characters. */
static void test_cut_every_position(void **state) {
  (void)state;
  static const char s[] =
      "a\xC3\xA9\xEA\xB0\x80\xF0\x9F\x98\x80"
      "b";
  const size_t len = sizeof s - 1, ends[] = {0, 1, 3, 6, 10, 11};
  assert_int_equal(len, 11);
  for (size_t max = 0; max <= len + 2; max++) {
    size_t want = 0;
    for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++)
      if (ends[i] <= max) want = ends[i];
    size_t got = cut(s, len, max);
    assert_int_equal(got, want);
    for (size_t i = 0; i < got;) { /* the prefix decodes whole */
      size_t l = utf8_decode((const unsigned char *)s + i, got - i, NULL);
      assert_true(l > 0);
      i += l;
    }
  }
  /* each multi-byte character alone, cut inside it: nothing of it is kept */
  assert_int_equal(cut("\xC3\xA9", 2, 1), 0);
  assert_int_equal(cut("\xEA\xB0\x80", 3, 1), 0);
  assert_int_equal(cut("\xEA\xB0\x80", 3, 2), 0);
  for (size_t max = 0; max < 4; max++) assert_int_equal(cut("\xF0\x9F\x98\x80", 4, max), 0);
  assert_int_equal(cut("\xF0\x9F\x98\x80", 4, 4), 4);
}

/* max 0 is always 0; max at or past len is len, whatever the text ends with (nothing is
 * repaired: a string that ends inside a character is returned whole). */
static void test_cut_edges(void **state) {
  (void)state;
  assert_int_equal(cut("abc", 3, 0), 0);
  assert_int_equal(cut("\xEA\xB0\x80", 3, 0), 0);
  assert_int_equal(cut("\x80", 1, 0), 0);
  assert_int_equal(cut("a\xEA\xB0", 3, 3), 3);
  assert_int_equal(cut("a\xEA\xB0", 3, SIZE_MAX), 3);
}

/* Bytes that are not UTF-8: only continuation bytes (10xxxxxx) after the cut move it back. */
static void test_cut_invalid(void **state) {
  (void)state;
  assert_int_equal(cut("\x80\x80\x80"
                       "x",
                       4, 2),
                   0);                              /* stray continuations back to s[0]: 0 */
  assert_int_equal(cut("ab\x80\x80\x80", 5, 3), 1); /* back over the run, and before the byte it follows */
  assert_int_equal(cut("ab\xBF", 3, 2), 1);         /* 0xBF continues "b" */
  assert_int_equal(cut("a\xC3"
                       "bc",
                       4, 1),
                   1); /* before a lead that has no continuation */
  assert_int_equal(cut("a\xC3"
                       "bc",
                       4, 2),
                   2);                          /* after it: "b" is not a continuation */
  assert_int_equal(cut("a\xFF\xFE", 3, 2), 2);  /* FF, FE are never continuations */
  assert_int_equal(cut("a\xC0\x80z", 4, 2), 1); /* overlong C0 80: cut before it, as a character */
  assert_int_equal(cut("a\xE0\xA0z", 4, 3), 3); /* a truncated sequence before ASCII: kept, not repaired */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_valid_bounds),       cmocka_unit_test(test_invalid),
      cmocka_unit_test(test_small_space),        cmocka_unit_test(test_cut_ascii),
      cmocka_unit_test(test_cut_every_position), cmocka_unit_test(test_cut_edges),
      cmocka_unit_test(test_cut_invalid),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
