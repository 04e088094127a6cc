/* Unit tests of the per-consumer seq/ts rewriter (rooms/seq_rewriter.c): starting mid-stream,
 * reordering around the start, sequence wrap-around on input, on output and on both, timestamp
 * wrap-around, unmap as the exact inverse of map over 100k packets with loss and reordering,
 * and continuity across a source restart (rebase). */
#include <string.h>

/* cmocka.h needs these before it */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "base/seq.h"
#include "gateway/rtc/rtp.h"
#include "rooms/seq_rewriter.h"

static uint32_t rng_state;
static uint32_t rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  return rng_state;
}

/* Maps and asserts success, returning the output seq (ts through *ts if not NULL). */
static uint16_t map_ok(seq_rewriter *r, uint16_t s, uint32_t t, uint32_t *ts) {
  uint16_t os = 0;
  uint32_t ot = 0;
  assert_true(seq_rewriter_map(r, s, t, &os, &ot));
  if (ts) *ts = ot;
  return os;
}

static void test_start_mid_stream(void **state) {
  (void)state;
  seq_rewriter r;
  seq_rewriter_init(&r, 1000, 50000);
  uint32_t ot;
  /* The first forwarded packet is a keyframe from the middle of the publisher's stream. */
  assert_int_equal(map_ok(&r, 31337, 0x12345678, &ot), 1000);
  assert_int_equal(ot, 50000);
  assert_int_equal(map_ok(&r, 31338, 0x12345678 + 3000, &ot), 1001);
  assert_int_equal(ot, 53000);
  assert_int_equal(map_ok(&r, 31340, 0x12345678 + 6000, &ot), 1003); /* a loss stays a gap */
  assert_int_equal(ot, 56000);
  assert_int_equal(r.last_out_seq, 1003);
  assert_int_equal(r.last_out_ts, 56000);
  assert_int_equal(r.packets, 3);
  assert_int_equal(r.dropped, 0);
}

static void test_reorder_around_start(void **state) {
  (void)state;
  seq_rewriter r;
  seq_rewriter_init(&r, 200, 9000);
  uint16_t os = 7;
  uint32_t ot = 7;
  assert_int_equal(map_ok(&r, 500, 100000, NULL), 200);
  /* Packets before the start are never forwarded, however they arrive. */
  assert_false(seq_rewriter_map(&r, 499, 99000, &os, &ot));
  assert_false(seq_rewriter_map(&r, 480, 99000, &os, &ot));
  assert_int_equal(os, 7); /* untouched on failure */
  assert_int_equal(ot, 7);
  assert_int_equal(map_ok(&r, 503, 100000 + 90, NULL), 203);
  /* Reordered packets newer than the start map by the same offsets without moving "last". */
  assert_int_equal(map_ok(&r, 502, 100000 + 60, &ot), 202);
  assert_int_equal(ot, 9060);
  assert_int_equal(map_ok(&r, 501, 100000 + 30, NULL), 201);
  assert_int_equal(r.last_out_seq, 203);
  assert_int_equal(r.last_out_ts, 9090);
  assert_false(seq_rewriter_map(&r, 499, 99000, &os, &ot));
  /* A duplicate of the start still maps. */
  assert_int_equal(map_ok(&r, 500, 100000, NULL), 200);
  assert_int_equal(r.packets, 5);
  assert_int_equal(r.dropped, 3);
}

static void test_old_packet_after_long_run(void **state) {
  (void)state;
  /* After more than 32768 packets, the start's 16-bit value is ambiguous: extension keeps it right. */
  seq_rewriter r;
  seq_rewriter_init(&r, 0, 0);
  uint16_t in = 100;
  for (int i = 0; i < 50000; i++) map_ok(&r, (uint16_t)(in + i), (uint32_t)i * 10, NULL);
  uint16_t newest = (uint16_t)(in + 49999);
  /* A late packet 10 behind the newest is still forwarded, although comparing it with the start's
   * 16-bit number (49989 packets back, more than half the space) would call it older. */
  assert_false(seq16_newer((uint16_t)(newest - 10), in));
  assert_int_equal(map_ok(&r, (uint16_t)(newest - 10), 0, NULL), (uint16_t)(49999 - 10));
  assert_int_equal(r.last_out_seq, (uint16_t)49999);
}

static void test_wrap_input(void **state) {
  (void)state;
  seq_rewriter r;
  seq_rewriter_init(&r, 10, 0);
  assert_int_equal(map_ok(&r, 65534, 0, NULL), 10);
  assert_int_equal(map_ok(&r, 65535, 0, NULL), 11);
  assert_int_equal(map_ok(&r, 0, 0, NULL), 12);
  assert_int_equal(map_ok(&r, 2, 0, NULL), 14);
  assert_int_equal(map_ok(&r, 1, 0, NULL), 13); /* reordered across the wrap */
  uint16_t os;
  uint32_t ot;
  assert_false(seq_rewriter_map(&r, 65533, 0, &os, &ot));
  assert_int_equal(r.last_out_seq, 14);
}

static void test_wrap_output(void **state) {
  (void)state;
  seq_rewriter r;
  seq_rewriter_init(&r, 65533, 0);
  assert_int_equal(map_ok(&r, 1000, 0, NULL), 65533);
  assert_int_equal(map_ok(&r, 1001, 0, NULL), 65534);
  assert_int_equal(map_ok(&r, 1002, 0, NULL), 65535);
  assert_int_equal(map_ok(&r, 1003, 0, NULL), 0);
  assert_int_equal(map_ok(&r, 1005, 0, NULL), 2);
  assert_int_equal(map_ok(&r, 1004, 0, NULL), 1);
  uint16_t os;
  uint32_t ot;
  assert_false(seq_rewriter_map(&r, 999, 0, &os, &ot));
  uint16_t in;
  assert_true(seq_rewriter_unmap(&r, 65535, &in));
  assert_int_equal(in, 1002);
  assert_true(seq_rewriter_unmap(&r, 1, &in));
  assert_int_equal(in, 1004);
  assert_false(seq_rewriter_unmap(&r, 65532, &in)); /* before the start */
  assert_false(seq_rewriter_unmap(&r, 3, &in));     /* not sent yet */
}

static void test_wrap_both(void **state) {
  (void)state;
  seq_rewriter r;
  seq_rewriter_init(&r, 65530, 0);
  /* Input wraps 4 packets in, output 6 packets in. */
  for (int i = 0; i < 20; i++) {
    uint16_t in = (uint16_t)(65532 + i);
    assert_int_equal(map_ok(&r, in, 0, NULL), (uint16_t)(65530 + i));
  }
  assert_int_equal(r.last_out_seq, (uint16_t)(65530 + 19));
  uint16_t in;
  for (int i = 0; i < 20; i++) {
    assert_true(seq_rewriter_unmap(&r, (uint16_t)(65530 + i), &in));
    assert_int_equal(in, (uint16_t)(65532 + i));
  }
  assert_false(seq_rewriter_unmap(&r, 65529, &in));
}

static void test_ts_wrap(void **state) {
  (void)state;
  seq_rewriter r;
  uint32_t ot;
  /* Input timestamp wraps. */
  seq_rewriter_init(&r, 0, 1000);
  map_ok(&r, 1, 0xFFFFF000u, &ot);
  assert_int_equal(ot, 1000);
  map_ok(&r, 2, 0x00000800u, &ot); /* 0x1800 later */
  assert_int_equal(ot, 1000 + 0x1800);
  /* Output timestamp wraps. */
  seq_rewriter_init(&r, 0, 0xFFFFFF00u);
  map_ok(&r, 1, 5000, &ot);
  assert_int_equal(ot, 0xFFFFFF00u);
  map_ok(&r, 2, 5000 + 0x200, &ot);
  assert_int_equal(ot, 0x100);
  assert_int_equal(r.last_out_ts, 0x100);
  /* Both wrap at different points. */
  seq_rewriter_init(&r, 0, 0xFFFFFFF0u);
  map_ok(&r, 1, 0xFFFFFFE0u, &ot);
  for (uint32_t k = 1; k < 10; k++) {
    map_ok(&r, (uint16_t)(1 + k), 0xFFFFFFE0u + k * 0x10, &ot);
    assert_int_equal(ot, (uint32_t)(0xFFFFFFF0u + k * 0x10));
  }
}

static void test_unmap_inverse_100k(void **state) {
  (void)state;
  for (uint32_t seed = 1; seed <= 3; seed++) {
    rng_state = 0x9E3779B9u * seed;
    uint16_t first_out = (uint16_t)rng();
    uint16_t in0 = (uint16_t)rng();
    seq_rewriter r;
    seq_rewriter_init(&r, first_out, rng());
    uint16_t os;
    uint32_t ot;
    assert_true(seq_rewriter_map(&r, in0, 0, &os, &ot));
    assert_int_equal(os, first_out);
    uint32_t n_in = 100000, kmax = 0;
    for (uint32_t i = 1; i < n_in; i++) {
      uint32_t roll = rng() % 100;
      if (roll < 3) continue; /* lost */
      uint32_t k = i;
      if (roll < 8 && i > 5) k = i - 1 - rng() % 5; /* a late duplicate of a recent packet */
      uint16_t in = (uint16_t)(in0 + k);
      assert_true(seq_rewriter_map(&r, in, k * 90, &os, &ot));
      assert_int_equal(os, (uint16_t)(first_out + k));
      if (k > kmax) kmax = k;
      assert_int_equal(r.last_out_seq, (uint16_t)(first_out + kmax));
      uint16_t back = 0;
      assert_true(seq_rewriter_unmap(&r, os, &back));
      assert_int_equal(back, in);
      /* NACKs for recent packets (up to 1000 back) invert too. */
      uint32_t j = rng() % 1000;
      if (j <= kmax) {
        uint16_t o2 = (uint16_t)(r.last_out_seq - j);
        assert_true(seq_rewriter_unmap(&r, o2, &back));
        assert_int_equal((uint16_t)(back + (uint16_t)(first_out - in0)), o2);
        uint16_t o3, in3 = back;
        uint32_t t3;
        assert_true(seq_rewriter_map(&r, in3, 0, &o3, &t3));
        assert_int_equal(o3, o2);
      }
    }
    assert_true(r.packets > 90000);
    uint16_t back;
    assert_false(seq_rewriter_unmap(&r, (uint16_t)(r.last_out_seq + 1), &back));
  }
}

static void test_unmap_not_started(void **state) {
  (void)state;
  seq_rewriter r;
  seq_rewriter_init(&r, 5, 5);
  uint16_t in = 42;
  assert_false(seq_rewriter_unmap(&r, 5, &in));
  assert_false(seq_rewriter_unmap(&r, 4, &in));
  assert_int_equal(in, 42);
}

static void test_rebase_continuity(void **state) {
  (void)state;
  seq_rewriter r;
  seq_rewriter_init(&r, 65534, 0xFFFFFFFFu - 3000);
  uint32_t ot;
  for (int i = 0; i < 5; i++) map_ok(&r, (uint16_t)(7000 + i), 100000u + (uint32_t)i * 3000, NULL);
  assert_int_equal(r.last_out_seq, 2);
  assert_int_equal(r.last_out_ts, (uint32_t)(0xFFFFFFFFu - 3000 + 4 * 3000));
  /* The publisher reconnects: new SSRC, unrelated numbering, 1.5 s at 90 kHz later. */
  seq_rewriter_rebase(&r, 135000);
  uint16_t in;
  assert_false(seq_rewriter_unmap(&r, 2, &in)); /* nothing of the new source yet */
  assert_int_equal(map_ok(&r, 40000, 0x80000000u, &ot), 3);
  assert_int_equal(ot, (uint32_t)(0xFFFFFFFFu - 3000 + 4 * 3000 + 135000));
  assert_int_equal(map_ok(&r, 40001, 0x80000000u + 3000, &ot), 4);
  assert_int_equal(ot, (uint32_t)(0xFFFFFFFFu - 3000 + 5 * 3000 + 135000));
  /* The new source's old packets are refused; the old source's output seqs unmap no more. */
  uint16_t os;
  assert_false(seq_rewriter_map(&r, 39999, 0, &os, &ot));
  assert_false(seq_rewriter_unmap(&r, 2, &in));
  assert_true(seq_rewriter_unmap(&r, 3, &in));
  assert_int_equal(in, 40000);
  /* A second restart whose numbers happen to go backwards continues just as well. */
  seq_rewriter_rebase(&r, 0);
  assert_int_equal(map_ok(&r, 10, 5, &ot), 5);
  assert_int_equal(ot, (uint32_t)(0xFFFFFFFFu - 3000 + 5 * 3000 + 135000));
  assert_int_equal(map_ok(&r, 11, 6, NULL), 6);
  assert_int_equal(r.packets, 9);
}

static void test_rebase_before_start(void **state) {
  (void)state;
  seq_rewriter r;
  seq_rewriter_init(&r, 100, 200);
  seq_rewriter_rebase(&r, 5000); /* nothing sent yet: a no-op */
  uint32_t ot;
  assert_int_equal(map_ok(&r, 9, 9, &ot), 100);
  assert_int_equal(ot, 200);
}

/* Withheld packets (a dropped temporal layer) leave no hole: later packets continue one lower,
 * across the 16-bit wrap; an old packet is not skipped twice; packets before the skip are
 * refused, but their output numbers still unmap (a NACK is answered); a loss upstream stays a
 * hole that unmaps to nothing; skipping before the start is a no-op. */
static void test_skip_closes_holes(void **state) {
  (void)state;
  seq_rewriter r;
  seq_rewriter_init(&r, 65534, 0);
  seq_rewriter_skip(&r, 5); /* not started: nothing */
  assert_int_equal(map_ok(&r, 10, 0, NULL), 65534);
  assert_int_equal(map_ok(&r, 11, 0, NULL), 65535);
  seq_rewriter_skip(&r, 12);
  assert_int_equal(map_ok(&r, 13, 0, NULL), 0);
  seq_rewriter_skip(&r, 14);
  seq_rewriter_skip(&r, 15);
  seq_rewriter_skip(&r, 14); /* already skipped: ignored */
  seq_rewriter_skip(&r, 13); /* already mapped: ignored */
  assert_int_equal(map_ok(&r, 16, 0, NULL), 1);
  assert_int_equal(map_ok(&r, 17, 0, NULL), 2);
  uint16_t os, in;
  uint32_t ot;
  assert_false(seq_rewriter_map(&r, 13, 0, &os, &ot)); /* before the last skip */
  assert_true(seq_rewriter_unmap(&r, 2, &in));
  assert_int_equal(in, 17);
  assert_true(seq_rewriter_unmap(&r, 1, &in));
  assert_int_equal(in, 16);
  assert_true(seq_rewriter_unmap(&r, 0, &in)); /* before the skips of 14 and 15 */
  assert_int_equal(in, 13);
  assert_true(seq_rewriter_unmap(&r, 65535, &in)); /* before the skip of 12, across the wrap */
  assert_int_equal(in, 11);
  assert_true(seq_rewriter_unmap(&r, 65534, &in));
  assert_int_equal(in, 10);
  assert_false(seq_rewriter_unmap(&r, 65533, &in)); /* before the start */
  assert_false(seq_rewriter_unmap(&r, 3, &in));     /* never sent */
  /* A skip after a loss upstream (18): the loss stays a hole (3), the skipped 19 leaves none. */
  seq_rewriter_skip(&r, 19);
  assert_int_equal(map_ok(&r, 20, 0, NULL), 4);
  assert_false(seq_rewriter_unmap(&r, 3, &in)); /* the hole: nothing to resend */
  assert_true(seq_rewriter_unmap(&r, 2, &in));
  assert_int_equal(in, 17);
  assert_true(seq_rewriter_unmap(&r, 4, &in));
  assert_int_equal(in, 20);
}

/* A camera whose upper temporal layer is withheld: every other picture (two packets each)
 * skipped for a long run. Every output number of the last SEQ_REWRITER_PIECES skips unmaps to
 * the packet that was sent with it; older ones unmap to nothing, never to a wrong packet; after
 * a rebase (new source) none of the old numbers unmap. */
static void test_unmap_across_many_skips(void **state) {
  (void)state;
  seq_rewriter r;
  seq_rewriter_init(&r, 1000, 0);
  uint16_t sent_in[4000], in;
  uint16_t out = 0;
  int n = 0;
  for (uint16_t pic = 0; pic < 1000; pic++) {
    uint16_t base = (uint16_t)(65000 + pic * 2); /* input numbers wrap too */
    for (int k = 0; k < 2; k++) {
      if (pic % 2) {
        seq_rewriter_skip(&r, (uint16_t)(base + k));
      } else {
        out = map_ok(&r, (uint16_t)(base + k), 0, NULL);
        assert_int_equal(out, (uint16_t)(1000 + n));
        sent_in[n++] = (uint16_t)(base + k);
      }
    }
  }
  int answered = 0;
  for (int i = 0; i < n; i++) {
    if (seq_rewriter_unmap(&r, (uint16_t)(1000 + i), &in)) {
      assert_int_equal(in, sent_in[i]);
      answered++;
    } else {
      assert_true(i < n - 2 * SEQ_REWRITER_PIECES); /* only old ones are forgotten */
    }
  }
  assert_true(answered >= 2 * SEQ_REWRITER_PIECES);
  assert_false(seq_rewriter_unmap(&r, (uint16_t)(out + 1), &in));
  seq_rewriter_rebase(&r, 90);
  assert_int_equal(map_ok(&r, 7, 0, NULL), (uint16_t)(out + 1));
  for (int i = 0; i < n; i++) assert_false(seq_rewriter_unmap(&r, (uint16_t)(1000 + i), &in));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_start_mid_stream),
      cmocka_unit_test(test_reorder_around_start),
      cmocka_unit_test(test_old_packet_after_long_run),
      cmocka_unit_test(test_wrap_input),
      cmocka_unit_test(test_wrap_output),
      cmocka_unit_test(test_wrap_both),
      cmocka_unit_test(test_ts_wrap),
      cmocka_unit_test(test_unmap_inverse_100k),
      cmocka_unit_test(test_unmap_not_started),
      cmocka_unit_test(test_rebase_continuity),
      cmocka_unit_test(test_rebase_before_start),
      cmocka_unit_test(test_skip_closes_holes),
      cmocka_unit_test(test_unmap_across_many_skips),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
