/* Unit tests of base/clock.h: the three units read the same clock (ms <= us/1000 <= ns/1e6
 * when read in that order, within the time between the reads), never go back, and advance by
 * about a sleep's length. */
/* cmocka.h needs these before it */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include <time.h>

#include "base/clock.h"

static void test_units_agree(void **state) {
  (void)state;
  for (int i = 0; i < 1000; i++) {
    uint64_t ms = mono_ms();
    int64_t us = mono_us();
    int64_t ns = mono_ns();
    assert_true((int64_t)ms <= us / 1000);
    assert_true(us <= ns / 1000);
    assert_true(us / 1000 - (int64_t)ms < 1000); /* read within a second of each other */
    assert_true(ns / 1000 - us < 1000000);
  }
}

static void test_monotonic(void **state) {
  (void)state;
  int64_t prev_ns = mono_ns(), prev_us = mono_us();
  uint64_t prev_ms = mono_ms();
  for (int i = 0; i < 100000; i++) {
    int64_t ns = mono_ns(), us = mono_us();
    uint64_t ms = mono_ms();
    assert_true(ns >= prev_ns && us >= prev_us && ms >= prev_ms);
    prev_ns = ns, prev_us = us, prev_ms = ms;
  }
}

static void test_advances_with_sleep(void **state) {
  (void)state;
  uint64_t ms0 = mono_ms();
  int64_t us0 = mono_us(), ns0 = mono_ns();
  struct timespec d = {0, 50 * 1000000};
  while (nanosleep(&d, &d) != 0) {
  }
  assert_true(mono_ms() - ms0 >= 50);
  assert_true(mono_us() - us0 >= 50000);
  assert_true(mono_ns() - ns0 >= 50000000);
  assert_true(mono_ms() - ms0 < 50 + 60000); /* not a wall clock jump: well under a minute */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_units_agree),
      cmocka_unit_test(test_monotonic),
      cmocka_unit_test(test_advances_with_sleep),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
