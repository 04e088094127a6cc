/* Unit tests of the recording writer's bounded queue (rooms/rec_queue.c): entries come out in
 * order with their bytes across the ring's end, data entries stop at the reserve while control
 * entries may use it, and an entry that can never fit is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* cmocka.h needs the headers above first: keep the formatter from sorting it before them. */
// clang-format off
#include <cmocka.h>
// clang-format on

#include "rooms/rec_queue.h"

/* The queue itself: entries come out in order with their bytes, across the ring's end; data
 * stops at the reserve, control entries may use it; nothing fits that never can. */
static void test_queue_order_and_reserve(void **state) {
  (void)state;
  rec_queue *q = rec_queue_new(4096, 1024);
  assert_non_null(q);
  assert_null(rec_queue_new(4096, 4096));
  assert_null(rec_queue_new(100, 10));
  uint8_t data[700];
  static bool control[4096];
  uint32_t pushed = 0, popped = 0;
  rec_queue_entry e;
  for (int round = 0; round < 50; round++) {
    /* fill with data until refused, then one control entry into the reserve */
    int n = 0;
    for (;;) {
      size_t len = 100 + (size_t)(pushed * 37 % 500);
      memset(data, (int)(pushed & 0xff), len);
      if (rec_queue_push(q, 1, pushed, pushed * 10u, data, len, false) != 0) break;
      pushed++;
      n++;
    }
    assert_true(n > 0);
    assert_true(rec_queue_used(q) <= 4096 - 1024);
    memset(data, (int)(pushed & 0xff), 64);
    assert_int_equal(rec_queue_push(q, 2, pushed, pushed * 10u, data, 64, true), 0);
    control[pushed++] = true;
    assert_true(pushed < 4000);
    /* drain all but one */
    while (popped + 1 < pushed) {
      assert_true(rec_queue_peek(q, &e));
      assert_int_equal(e.id, popped);
      assert_int_equal(e.time_us, popped * 10u);
      assert_int_equal(e.kind, control[popped] ? 2 : 1);
      for (size_t i = 0; i < e.len; i++) assert_int_equal(e.data[i], popped & 0xff);
      rec_queue_pop(q);
      popped++;
    }
  }
  while (rec_queue_peek(q, &e)) {
    rec_queue_pop(q);
    popped++;
  }
  assert_int_equal(popped, pushed);
  assert_int_equal(rec_queue_used(q), 0);
  assert_int_equal(rec_queue_push(q, 1, 0, 0, data, 4096, true), -1);
  rec_queue_free(q);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_queue_order_and_reserve),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
