/* Unit tests of the pacer (rooms/pacer.c): an idle pacer lets a packet through at once up to
 * its burst budget and no further; queued packets leave in order at the pacing rate; no
 * packet waits longer than PACER_MAX_QUEUE_US whatever the rate; a full queue and an oversized
 * packet are refused and counted; no rate means nothing waits; the clock going back does not
 * mint budget; pacer_wait_us says when the head may go. */
#include <string.h>

/* cmocka.h needs these before it */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "rooms/pacer.h"

static void test_idle_burst_then_wait(void **state) {
  (void)state;
  pacer p = {0};
  uint8_t pkt[1000];
  memset(pkt, 7, sizeof pkt);
  pacer_set_rate(&p, 800000); /* 100 bytes a millisecond; the 10 ms burst: 1,000 bytes (min 1,500) */
  pacer_refill(&p, 1000000);
  assert_true(pacer_take(&p, 1000)); /* 1,500 -> 500 */
  assert_true(pacer_take(&p, 1000)); /* 500 -> -500: the last packet may go below zero */
  assert_false(pacer_take(&p, 1000));
  assert_int_equal(pacer_push(&p, pkt, 1000, 1000000), 0);
  assert_false(pacer_take(&p, 10)); /* something queued: nothing jumps the queue */
  size_t len;
  assert_null(pacer_front(&p, 1000000, &len));
  /* -500 bytes: 501 more at 100 bytes a ms (the backlog's drain rate, 8 kbit/s, is lower) */
  assert_int_equal(pacer_wait_us(&p, 1000000), 5010 + 1);
  pacer_refill(&p, 1005000);
  assert_null(pacer_front(&p, 1005000, &len)); /* exactly zero: not yet */
  pacer_refill(&p, 1005100);
  assert_non_null(pacer_front(&p, 1005100, &len));
  assert_int_equal(len, 1000);
  pacer_pop(&p);
  assert_int_equal(p.count, 0);
  assert_int_equal(p.bytes, 0);
  assert_int_equal(pacer_wait_us(&p, 1005100), 0);
  pacer_free(&p);
}

static void test_order_and_rate(void **state) {
  (void)state;
  pacer p = {0};
  pacer_set_rate(&p, 400000); /* 50 bytes a millisecond */
  pacer_refill(&p, 0);
  uint8_t pkt[500];
  for (int i = 0; i < 100; i++) { /* 50 kB: at 50 B/ms, 1 s (the drain rate is 400 kbit/s too) */
    memset(pkt, i, sizeof pkt);
    assert_int_equal(pacer_push(&p, pkt, sizeof pkt, 0), 0);
  }
  int next = 0;
  int64_t now = 0;
  uint64_t sent = 0;
  while (p.count) {
    now += 1000;
    pacer_refill(&p, now);
    const uint8_t *f;
    size_t len;
    while ((f = pacer_front(&p, now, &len))) {
      assert_int_equal(len, 500);
      assert_int_equal(f[0], next);
      assert_int_equal(f[499], next);
      next++;
      sent += len;
      pacer_pop(&p);
    }
    /* never ahead of the start budget plus the rate, one packet of slack */
    assert_true(sent <= 1500 + 500 + (uint64_t)now / 1000 * 50);
  }
  assert_int_equal(next, 100);
  assert_true(now >= 950000 && now <= 1010000);
  pacer_free(&p);
}

static void test_no_packet_waits_longer_than_max(void **state) {
  (void)state;
  pacer p = {0};
  pacer_set_rate(&p, 80000); /* 10 bytes a ms: 300 kB would take 30 s */
  pacer_refill(&p, 0);
  uint8_t pkt[1200] = {0};
  for (int i = 0; i < 250; i++) assert_int_equal(pacer_push(&p, pkt, sizeof pkt, 0), 0);
  int64_t now = 0, longest = 0;
  while (p.count && now < 5 * PACER_MAX_QUEUE_US) {
    int64_t w = pacer_wait_us(&p, now);
    assert_true(w >= 0 && w <= PACER_MAX_QUEUE_US);
    now += 1000;
    pacer_refill(&p, now);
    size_t len;
    while (pacer_front(&p, now, &len)) {
      if (now - p.queued_us[p.head] > longest) longest = now - p.queued_us[p.head];
      pacer_pop(&p);
    }
  }
  assert_int_equal(p.count, 0);
  assert_true(longest <= PACER_MAX_QUEUE_US);
  assert_true(now <= PACER_MAX_QUEUE_US + 1000);
  pacer_free(&p);
}

static void test_refusals(void **state) {
  (void)state;
  pacer p = {0};
  pacer_set_rate(&p, 100000);
  uint8_t big[PACER_SLOT + 1] = {0};
  assert_int_equal(pacer_push(&p, big, sizeof big, 0), -1);
  assert_int_equal(p.dropped, 1);
  for (int i = 0; i < PACER_CAP; i++) assert_int_equal(pacer_push(&p, big, 100, 0), 0);
  assert_int_equal(pacer_push(&p, big, 100, 0), -1);
  assert_int_equal(p.dropped, 2);
  assert_int_equal(p.count, PACER_CAP);
  assert_int_equal(p.bytes, (uint64_t)PACER_CAP * 100);
  pacer_free(&p);
  assert_int_equal(p.count, 0);
  pacer_free(&p); /* twice is harmless */
}

static void test_no_rate_never_waits(void **state) {
  (void)state;
  pacer p = {0};
  pacer_refill(&p, 5);
  for (int i = 0; i < 1000; i++) assert_true(pacer_take(&p, 1500));
  uint8_t pkt[10] = {0};
  assert_int_equal(pacer_push(&p, pkt, 10, 5), 0); /* a backlog left when the rate was removed */
  size_t len;
  assert_non_null(pacer_front(&p, 5, &len));
  assert_int_equal(pacer_wait_us(&p, 5), 0);
  pacer_free(&p);
}

static void test_clock_back_mints_nothing(void **state) {
  (void)state;
  pacer p = {0};
  pacer_set_rate(&p, 800000);
  pacer_refill(&p, 10000000);
  assert_true(pacer_take(&p, 1500));
  assert_false(pacer_take(&p, 1));
  pacer_refill(&p, 10000000); /* no time passed */
  assert_false(pacer_take(&p, 1));
  pacer_refill(&p, 9000000); /* back: re-anchored, the burst budget only */
  assert_true(p.budget <= 1500);
  pacer_refill(&p, 9000000 + 60 * 1000000LL); /* a long stall: capped at the burst */
  assert_true(p.budget <= 1500);
  pacer_free(&p);
}

/* Audio around the queue is charged to the budget: video then waits for it, and the debt is
 * bounded (100 ms at the rate). */
static void test_charge_counts_audio(void **state) {
  (void)state;
  pacer p = {0};
  uint8_t pkt[1000];
  memset(pkt, 1, sizeof pkt);
  pacer_charge(&p, 500); /* no rate: nothing */
  assert_int_equal(p.budget, 0);
  pacer_set_rate(&p, 800000); /* 100 bytes a millisecond */
  pacer_refill(&p, 1000000);  /* 1,500 */
  pacer_charge(&p, 1200);     /* audio: 300 left */
  assert_int_equal(p.budget, 300);
  assert_true(pacer_take(&p, 1000)); /* -700 */
  assert_false(pacer_take(&p, 1000));
  for (int i = 0; i < 100; i++) pacer_charge(&p, 200); /* 20 kB of audio: the debt stops at 10 kB */
  assert_int_equal(p.budget, -10000);
  assert_int_equal(pacer_push(&p, pkt, 1000, 1000000), 0);
  size_t len;
  pacer_refill(&p, 1099000); /* +9,900: -100 */
  assert_null(pacer_front(&p, 1099000, &len));
  pacer_refill(&p, 1100100); /* +110: 10 */
  assert_non_null(pacer_front(&p, 1100100, &len));
  pacer_free(&p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_idle_burst_then_wait),
      cmocka_unit_test(test_order_and_rate),
      cmocka_unit_test(test_no_packet_waits_longer_than_max),
      cmocka_unit_test(test_refusals),
      cmocka_unit_test(test_no_rate_never_waits),
      cmocka_unit_test(test_clock_back_mints_nothing),
      cmocka_unit_test(test_charge_counts_audio),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
