/* Unit tests of base/seq.h (moved here from test_rtp.c with the functions): which of two 16- and
 * 32-bit sequence values is newer across wrap-around, including the tie at distance 2^15; their
 * signed distance; and extension to 64 bits across many wraps, reordering and duplicates. */
/* cmocka.h needs these before it */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "base/seq.h"

static void test_seq_newer_wraparound(void **state) {
  (void)state;
  assert_true(seq16_newer(1, 0));
  assert_false(seq16_newer(0, 1));
  assert_false(seq16_newer(5, 5));
  assert_true(seq16_newer(0, 65535)); /* 65535 -> 0 */
  assert_false(seq16_newer(65535, 0));
  assert_true(seq16_newer(10, 65530));
  assert_true(seq16_newer(32767, 0));
  assert_false(seq16_newer(32769, 0)); /* more than half: behind */
  /* distance exactly 32768: the larger one is newer, and exactly one of the two is */
  assert_true(seq16_newer(32768, 0));
  assert_false(seq16_newer(0, 32768));
  for (uint32_t a = 0; a < 65536; a += 97)
    for (uint32_t d = 1; d < 65536; d += 101)
      assert_int_equal(
          seq16_newer((uint16_t)(a + d), (uint16_t)a) + seq16_newer((uint16_t)a, (uint16_t)(a + d)), 1);
  assert_true(seq32_newer(0, 0xFFFFFFFFu));
  assert_false(seq32_newer(0xFFFFFFFFu, 0));
  assert_true(seq32_newer(0x80000000u, 0));
  assert_false(seq32_newer(7, 7));
}

static void test_seq_unwrap(void **state) {
  (void)state;
  seq16_unwrapper u = {0};
  assert_int_equal(seq16_unwrap(&u, 65533), 65533);
  assert_int_equal(seq16_unwrap(&u, 65534), 65534);
  assert_int_equal(seq16_unwrap(&u, 65535), 65535);
  assert_int_equal(seq16_unwrap(&u, 0), 65536);
  assert_int_equal(seq16_unwrap(&u, 2), 65538);
  assert_int_equal(seq16_unwrap(&u, 1), 65537);     /* reordered */
  assert_int_equal(seq16_unwrap(&u, 65535), 65535); /* late, from before the wrap */
  assert_int_equal(seq16_unwrap(&u, 3), 65539);
  assert_int_equal(seq16_unwrap(&u, 3), 65539); /* duplicate */

  seq16_unwrapper b = {0};
  assert_int_equal(seq16_unwrap(&b, 2), 2);
  assert_int_equal(seq16_unwrap(&b, 65534), -2); /* before the first: negative */
  assert_int_equal(seq16_unwrap(&b, 1), 1);

  /* Many wraps with steps of 1..300: the unwrapped value tracks the true counter. */
  seq16_unwrapper c = {0};
  int64_t truth = 40000;
  for (uint32_t i = 0; i < 200000; i++) {
    assert_true(seq16_unwrap(&c, (uint16_t)truth) == truth);
    truth += 1 + (i * 2654435761u >> 11) % 300; /* steps of 1..300 in a scrambled order */
  }
  assert_true(truth > 65536LL * 400);
}

/* The signed distance agrees with seq16_newer() and with plain subtraction near the values. */
static void test_seq_delta(void **state) {
  (void)state;
  assert_int_equal(seq16_delta(5, 5), 0);
  assert_int_equal(seq16_delta(6, 5), 1);
  assert_int_equal(seq16_delta(5, 6), -1);
  assert_int_equal(seq16_delta(0, 65535), 1); /* across the wrap */
  assert_int_equal(seq16_delta(65535, 0), -1);
  assert_int_equal(seq16_delta(2, 65530), 8);
  assert_int_equal(seq16_delta(32767, 0), 32767);
  assert_int_equal(seq16_delta(32769, 0), -32767);
  assert_int_equal(seq16_delta(32768, 0), 32768);  /* the tie: the larger is newer */
  assert_int_equal(seq16_delta(0, 32768), -32768); /* ... and the smaller older */
  for (uint32_t a = 0; a < 65536; a += 89)
    for (uint32_t b = 0; b < 65536; b += 103) {
      int32_t d = seq16_delta((uint16_t)a, (uint16_t)b);
      assert_true(d >= -32768 && d <= 32768);
      assert_int_equal(d > 0, seq16_newer((uint16_t)a, (uint16_t)b));
      assert_int_equal((uint16_t)(b + (uint32_t)d), (uint16_t)a);
    }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_seq_newer_wraparound),
      cmocka_unit_test(test_seq_delta),
      cmocka_unit_test(test_seq_unwrap),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
