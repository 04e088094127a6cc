/* Unit tests of upstream loss detection (rooms/nack_tracker.c): a single loss, a burst,
 * reordering within the grace not NACKed, retries spaced by max(rtt, 20 ms) and capped at 3,
 * removal on recovery, give-up after 1 s, losses across 65535 -> 0, big jumps and list overflow
 * asking for a keyframe, spurious retransmissions, the out[] capacity, and a fixed-seed simulation
 * with loss, jitter and retransmissions checking every lost packet is NACKed at least once
 * unless it arrived within the grace. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* cmocka.h needs these before it */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "rooms/nack_tracker.h"

static uint32_t rng_state;
static uint32_t rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  return rng_state;
}

static void on(nack_tracker *t, uint16_t seq, uint64_t now) { nack_tracker_on_packet(t, seq, false, now); }

static void test_single_loss(void **state) {
  (void)state;
  nack_tracker t;
  nack_tracker_init(&t);
  uint16_t out[16];
  on(&t, 1, 0);
  on(&t, 2, 0);
  on(&t, 4, 1);
  assert_int_equal(nack_tracker_missing(&t), 1);
  assert_int_equal(nack_tracker_due(&t, 1, 30, out, 16), 0);
  assert_int_equal(nack_tracker_due(&t, 10, 30, out, 16), 0); /* grace runs from 1 */
  assert_int_equal(nack_tracker_due(&t, 11, 30, out, 16), 1);
  assert_int_equal(out[0], 3);
  assert_int_equal(t.nacks_sent, 1);
  assert_false(nack_tracker_wants_keyframe(&t));
}

static void test_burst(void **state) {
  (void)state;
  nack_tracker t;
  nack_tracker_init(&t);
  uint16_t out[16];
  on(&t, 10, 0);
  on(&t, 15, 0);
  on(&t, 16, 2);
  assert_int_equal(nack_tracker_due(&t, 10, 0, out, 16), 4);
  for (int i = 0; i < 4; i++) assert_int_equal(out[i], 11 + i);
  /* The largest step still repaired by NACKs: 255 skipped. */
  nack_tracker_init(&t);
  on(&t, 16, 20);
  on(&t, 16 + 256, 20);
  assert_false(nack_tracker_wants_keyframe(&t));
  assert_int_equal(nack_tracker_missing(&t), 255);
  assert_int_equal(nack_tracker_due(&t, 30, 0, out, 16), 16);
  assert_int_equal(out[0], 17);
  assert_int_equal(out[15], 32);
}

static void test_reorder_within_grace(void **state) {
  (void)state;
  nack_tracker t;
  nack_tracker_init(&t);
  uint16_t out[16];
  on(&t, 100, 0);
  on(&t, 102, 0);
  on(&t, 103, 3);
  on(&t, 101, 5); /* late by 5 ms: just reordering */
  assert_int_equal(nack_tracker_missing(&t), 0);
  assert_int_equal(nack_tracker_due(&t, 100, 0, out, 16), 0);
  assert_int_equal(t.nacks_sent, 0);
  assert_int_equal(t.recovered, 1);
  /* Duplicates and old packets are harmless. */
  on(&t, 103, 6);
  on(&t, 50, 6);
  nack_tracker_on_packet(&t, 101, true, 6);
  assert_int_equal(nack_tracker_missing(&t), 0);
  assert_int_equal(t.recovered, 1);
  assert_int_equal(nack_tracker_due(&t, 200, 0, out, 16), 0);
}

static void test_retries_spaced_and_capped(void **state) {
  (void)state;
  nack_tracker t;
  nack_tracker_init(&t);
  uint16_t out[16];
  on(&t, 1, 1000);
  on(&t, 3, 1000);
  assert_int_equal(nack_tracker_due(&t, 1010, 50, out, 16), 1);
  assert_int_equal(out[0], 2);
  assert_int_equal(nack_tracker_due(&t, 1011, 50, out, 16), 0);
  assert_int_equal(nack_tracker_due(&t, 1059, 50, out, 16), 0);
  /* One RTT later; now the RTT has dropped, but retries are still spaced by 20 ms. */
  assert_int_equal(nack_tracker_due(&t, 1060, 5, out, 16), 1);
  assert_int_equal(nack_tracker_due(&t, 1079, 5, out, 16), 0);
  assert_int_equal(nack_tracker_due(&t, 1080, 5, out, 16), 1);
  assert_int_equal(t.nacks_sent, 3);
  /* Three tries: no more, but it is kept for a late arrival until it is 1 s old. */
  assert_int_equal(nack_tracker_due(&t, 1500, 5, out, 16), 0);
  assert_int_equal(nack_tracker_due(&t, 1999, 5, out, 16), 0);
  assert_int_equal(nack_tracker_missing(&t), 1);
  assert_int_equal(t.lost_for_good, 0);
  assert_int_equal(nack_tracker_due(&t, 2000, 5, out, 16), 0);
  assert_int_equal(nack_tracker_missing(&t), 0);
  assert_int_equal(t.lost_for_good, 1);
  assert_int_equal(t.nacks_sent, 3);
}

static void test_give_up_before_three_tries(void **state) {
  (void)state;
  /* With a 600 ms RTT, the second try is at 610 and the third would be at 1210: too late. */
  nack_tracker t;
  nack_tracker_init(&t);
  uint16_t out[4];
  on(&t, 1, 0);
  on(&t, 3, 0);
  assert_int_equal(nack_tracker_due(&t, 10, 600, out, 4), 1);
  assert_int_equal(nack_tracker_due(&t, 610, 600, out, 4), 1);
  assert_int_equal(nack_tracker_due(&t, 1210, 600, out, 4), 0);
  assert_int_equal(t.lost_for_good, 1);
  assert_int_equal(t.nacks_sent, 2);
}

static void test_recovered_removal(void **state) {
  (void)state;
  nack_tracker t;
  nack_tracker_init(&t);
  uint16_t out[16];
  on(&t, 500, 0);
  on(&t, 504, 0);
  assert_int_equal(nack_tracker_due(&t, 10, 40, out, 16), 3);
  nack_tracker_on_packet(&t, 502, true, 45); /* the retransmission answers */
  assert_int_equal(nack_tracker_missing(&t), 2);
  assert_int_equal(t.recovered, 1);
  assert_int_equal(nack_tracker_due(&t, 50, 40, out, 16), 2);
  assert_int_equal(out[0], 501);
  assert_int_equal(out[1], 503);
  on(&t, 501, 60); /* a very late original counts too */
  nack_tracker_on_packet(&t, 503, true, 61);
  assert_int_equal(nack_tracker_missing(&t), 0);
  assert_int_equal(t.recovered, 3);
  assert_int_equal(nack_tracker_due(&t, 2000, 40, out, 16), 0);
  assert_int_equal(t.lost_for_good, 0);
}

static void test_wrap_losses(void **state) {
  (void)state;
  nack_tracker t;
  nack_tracker_init(&t);
  uint16_t out[16];
  on(&t, 65533, 0);
  on(&t, 65535, 1);
  on(&t, 2, 2); /* 0 and 1 skipped across the wrap */
  assert_int_equal(nack_tracker_missing(&t), 3);
  assert_int_equal(nack_tracker_due(&t, 20, 30, out, 16), 3);
  assert_int_equal(out[0], 65534);
  assert_int_equal(out[1], 0);
  assert_int_equal(out[2], 1);
  nack_tracker_on_packet(&t, 0, true, 40);
  assert_int_equal(nack_tracker_due(&t, 50, 30, out, 16), 2);
  assert_int_equal(out[0], 65534);
  assert_int_equal(out[1], 1);
  assert_false(nack_tracker_wants_keyframe(&t));
}

static void test_big_jump_wants_keyframe(void **state) {
  (void)state;
  nack_tracker t;
  nack_tracker_init(&t);
  uint16_t out[16];
  on(&t, 100, 0);
  on(&t, 102, 0);
  on(&t, 102 + 257, 1); /* 256 skipped: more than NACKs should repair */
  assert_true(nack_tracker_wants_keyframe(&t));
  assert_false(nack_tracker_wants_keyframe(&t)); /* cleared on read */
  assert_int_equal(nack_tracker_missing(&t), 0);
  assert_int_equal(t.lost_for_good, 1 + 256);
  assert_int_equal(t.resets, 1);
  /* Tracking continues from the new position. */
  on(&t, 102 + 259, 2);
  assert_int_equal(nack_tracker_due(&t, 20, 0, out, 16), 1);
  assert_int_equal(out[0], 102 + 258);
  /* A huge step backwards (a sequence restart) resets too; a small one does not. */
  on(&t, 300, 30);
  assert_false(nack_tracker_wants_keyframe(&t));
  on(&t, (uint16_t)(102 + 259 - NACK_TRACKER_MAX_BACKWARD - 1), 31);
  assert_true(nack_tracker_wants_keyframe(&t));
  assert_int_equal(nack_tracker_missing(&t), 0);
  uint16_t base = (uint16_t)(102 + 259 - NACK_TRACKER_MAX_BACKWARD - 1);
  on(&t, (uint16_t)(base + 2), 32);
  assert_int_equal(nack_tracker_missing(&t), 1);
  assert_false(nack_tracker_wants_keyframe(&t));
}

static void test_overflow(void **state) {
  (void)state;
  nack_tracker t;
  nack_tracker_init(&t);
  uint16_t out[NACK_TRACKER_CAP];
  on(&t, 0, 0);
  on(&t, 201, 0); /* 200 missing: 1..200 */
  on(&t, 302, 0); /* 100 more: 202..301, the oldest 44 give way */
  assert_int_equal(nack_tracker_missing(&t), NACK_TRACKER_CAP);
  assert_true(nack_tracker_wants_keyframe(&t));
  assert_int_equal(t.lost_for_good, 44);
  assert_int_equal(nack_tracker_due(&t, 10, 0, out, NACK_TRACKER_CAP), NACK_TRACKER_CAP);
  assert_int_equal(out[0], 45);
  assert_int_equal(out[NACK_TRACKER_CAP - 1], 301);
  for (size_t i = 1; i < NACK_TRACKER_CAP; i++) assert_true(out[i] != 201 && out[i] > out[i - 1]);
}

static void test_spurious_retransmission(void **state) {
  (void)state;
  nack_tracker t;
  nack_tracker_init(&t);
  uint16_t out[4];
  nack_tracker_on_packet(&t, 7, true, 0); /* does not start tracking */
  on(&t, 10, 0);
  nack_tracker_on_packet(&t, 20, true, 0); /* "newer" retransmission: no holes, no reset */
  nack_tracker_on_packet(&t, 40000, true, 0);
  assert_int_equal(nack_tracker_missing(&t), 0);
  assert_false(nack_tracker_wants_keyframe(&t));
  on(&t, 11, 1);
  assert_int_equal(nack_tracker_due(&t, 100, 0, out, 4), 0);
  assert_int_equal(t.resets, 0);
}

static void test_out_capacity(void **state) {
  (void)state;
  nack_tracker t;
  nack_tracker_init(&t);
  uint16_t out[2];
  on(&t, 0, 0);
  on(&t, 6, 0);
  assert_int_equal(nack_tracker_due(&t, 10, 100, out, 0), 0);
  assert_int_equal(nack_tracker_due(&t, 10, 100, out, 2), 2);
  assert_int_equal(out[0], 1);
  assert_int_equal(nack_tracker_due(&t, 10, 100, out, 2), 2);
  assert_int_equal(out[0], 3);
  assert_int_equal(nack_tracker_due(&t, 11, 100, out, 2), 1);
  assert_int_equal(out[0], 5);
  assert_int_equal(nack_tracker_due(&t, 12, 100, out, 2), 0);
  assert_int_equal(t.nacks_sent, 5);
}

/* The simulation: N packets sent every 4 ms from seq 65000 (so it wraps), 5% lost, 10% delayed
 * by 1..40 ms; due() runs every 5 ms with a 40 ms RTT; each NACK is answered by a retransmission
 * 40 ms later with probability 0.7. */
enum { SIM_N = 20000, SIM_TICK = 5, SIM_RTT = 40 };
typedef struct {
  uint64_t at;
  uint16_t idx;
} sim_event;
static int sim_cmp(const void *a, const void *b) {
  const sim_event *x = a, *y = b;
  if (x->at != y->at) return x->at < y->at ? -1 : 1;
  return (int)x->idx - (int)y->idx;
}

static void test_random_loss_simulation(void **state) {
  (void)state;
  rng_state = 20240611u;
  static sim_event ev[SIM_N];
  static int64_t arrival[SIM_N], detected[SIM_N];
  static uint8_t nacked[SIM_N];
  static sim_event rtx[SIM_N * 4];
  size_t n_ev = 0, n_rtx = 0, lost = 0;
  for (int i = 0; i < SIM_N; i++) {
    arrival[i] = -1;
    detected[i] = -1;
    nacked[i] = 0;
    uint32_t r = rng() % 100;
    if (r < 5 && i > 0) {
      lost++;
      continue;
    }
    uint64_t at = (uint64_t)i * 4 + (r < 15 && i > 0 ? 1 + rng() % 40 : 0);
    ev[n_ev++] = (sim_event){at, (uint16_t)i};
  }
  qsort(ev, n_ev, sizeof ev[0], sim_cmp);

  nack_tracker t;
  nack_tracker_init(&t);
  const uint16_t base = 65000;
  int64_t highest = -1;
  size_t next = 0;
  uint16_t out[64];
  for (uint64_t now = 0; now < (uint64_t)SIM_N * 4 + 2000; now++) {
    while (next < n_ev && ev[next].at == now) {
      int i = ev[next++].idx;
      if (arrival[i] < 0) arrival[i] = (int64_t)now;
      nack_tracker_on_packet(&t, (uint16_t)(base + i), false, now);
      for (int64_t s = highest + 1; s < i; s++) detected[s] = (int64_t)now;
      if (i > highest) highest = i;
    }
    for (size_t k = 0; k < n_rtx; k++) {
      if (rtx[k].at != now) continue;
      int i = rtx[k].idx;
      if (arrival[i] < 0) arrival[i] = (int64_t)now;
      nack_tracker_on_packet(&t, (uint16_t)(base + i), true, now);
      rtx[k] = rtx[--n_rtx];
      k--;
    }
    if (now % SIM_TICK) continue;
    size_t n = nack_tracker_due(&t, now, SIM_RTT, out, 64);
    for (size_t k = 0; k < n; k++) {
      uint16_t i = (uint16_t)(out[k] - base);
      assert_true(i < SIM_N);
      assert_true(detected[i] >= 0); /* never NACK a packet that was not found missing */
      assert_true(now - (uint64_t)detected[i] >= NACK_TRACKER_GRACE_MS);
      assert_true(arrival[i] < 0); /* nor one that has arrived since */
      nacked[i]++;
      if (rng() % 10 < 7) {
        assert_true(n_rtx < SIM_N * 4);
        rtx[n_rtx++] = (sim_event){now + SIM_RTT, i};
      }
    }
  }
  assert_false(nack_tracker_wants_keyframe(&t));
  assert_int_equal(nack_tracker_missing(&t), 0);

  size_t nacked_lost = 0, within_grace = 0;
  for (int i = 0; i < SIM_N; i++) {
    assert_true(nacked[i] <= NACK_TRACKER_MAX_TRIES);
    if (detected[i] < 0) {
      assert_int_equal(nacked[i], 0);
      continue;
    }
    int64_t late = arrival[i] < 0 ? INT64_MAX : arrival[i] - detected[i];
    if (late < NACK_TRACKER_GRACE_MS) {
      assert_int_equal(nacked[i], 0);
      within_grace++;
    } else if (late >= NACK_TRACKER_GRACE_MS + SIM_TICK) {
      assert_true(nacked[i] >= 1); /* every lost (or too late) packet is NACKed */
      nacked_lost++;
    }
  }
  assert_true(nacked_lost >= lost);
  assert_true(within_grace > 0);
  assert_true(t.recovered > lost / 2);
  assert_int_equal(t.resets, 0);
  print_message(
      "sim: %zu lost, %zu lost or late past the grace (all NACKed), %zu reordered within grace, %llu nacks, "
      "%llu recovered, "
      "%llu lost for good\n",
      lost, nacked_lost, within_grace, (unsigned long long)t.nacks_sent, (unsigned long long)t.recovered,
      (unsigned long long)t.lost_for_good);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_single_loss),
      cmocka_unit_test(test_burst),
      cmocka_unit_test(test_reorder_within_grace),
      cmocka_unit_test(test_retries_spaced_and_capped),
      cmocka_unit_test(test_give_up_before_three_tries),
      cmocka_unit_test(test_recovered_removal),
      cmocka_unit_test(test_wrap_losses),
      cmocka_unit_test(test_big_jump_wants_keyframe),
      cmocka_unit_test(test_overflow),
      cmocka_unit_test(test_spurious_retransmission),
      cmocka_unit_test(test_out_capacity),
      cmocka_unit_test(test_random_loss_simulation),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
