/* Unit tests of base/bytes.h: big-endian reads and writes of 16, 24 and 32 bits, byte by byte
 * against the wire layout, round trips of every 16-bit value and of random 24/32-bit values,
 * and that a write touches only its own bytes. */
/* cmocka.h needs these before it */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include <string.h>

#include "base/bytes.h"

static void test_read_layout(void **state) {
  (void)state;
  const uint8_t b[] = {0x12, 0x34, 0x56, 0x78, 0x9A, 0xFF};
  assert_int_equal(be16_read(b), 0x1234);
  assert_int_equal(be16_read(b + 4), 0x9AFF);
  assert_int_equal(be24_read(b), 0x123456);
  assert_int_equal(be24_read(b + 3), 0x789AFF);
  assert_int_equal(be32_read(b), 0x12345678u);
  assert_int_equal(be32_read(b + 2), 0x56789AFFu);
  const uint8_t hi[] = {0xFF, 0xFF, 0xFF, 0xFF};
  assert_int_equal(be16_read(hi), 0xFFFF);
  assert_int_equal(be24_read(hi), 0xFFFFFF);
  assert_int_equal(be32_read(hi), 0xFFFFFFFFu); /* no sign extension */
}

static void test_write_layout(void **state) {
  (void)state;
  uint8_t b[8];
  memset(b, 0xEE, sizeof b);
  be16_write(b + 1, 0xA1B2);
  const uint8_t w16[] = {0xEE, 0xA1, 0xB2, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE};
  assert_memory_equal(b, w16, sizeof b);
  memset(b, 0xEE, sizeof b);
  be24_write(b + 2, 0xFFC1D2E3u); /* only the low 24 bits */
  const uint8_t w24[] = {0xEE, 0xEE, 0xC1, 0xD2, 0xE3, 0xEE, 0xEE, 0xEE};
  assert_memory_equal(b, w24, sizeof b);
  memset(b, 0xEE, sizeof b);
  be32_write(b + 3, 0x01020304u);
  const uint8_t w32[] = {0xEE, 0xEE, 0xEE, 0x01, 0x02, 0x03, 0x04, 0xEE};
  assert_memory_equal(b, w32, sizeof b);
}

static void test_round_trip(void **state) {
  (void)state;
  uint8_t b[4];
  for (uint32_t v = 0; v < 65536; v++) {
    be16_write(b, (uint16_t)v);
    assert_int_equal(be16_read(b), v);
  }
  uint32_t x = 12345;
  for (int i = 0; i < 100000; i++) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    be32_write(b, x);
    assert_int_equal(be32_read(b), x);
    be24_write(b, x);
    assert_int_equal(be24_read(b), x & 0xFFFFFFu);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_read_layout),
      cmocka_unit_test(test_write_layout),
      cmocka_unit_test(test_round_trip),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
