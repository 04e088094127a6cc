/* Unit tests of the VP8 payload descriptor codec (gateway/rtc/vp8.c) and the per-consumer
 * rewriter (rooms/vp8_rewriter.c): the descriptor's forms and truncation at every byte; two
 * simulcast encodings with three temporal layers (L1T3: TID 0 2 1 2) sent side by side while
 * the consumer drops to the base layer, comes back up at a layer sync picture and switches
 * encoding, asserting that the forwarded PictureIDs and TL0PICIDXs are continuous (across
 * both fields' wrap-around), that the switch happens only at the new encoding's key frame,
 * and that nothing of the old encoding follows it; plus input gaps kept, late packets, packets
 * without TID, the 7-bit form and malformed input. */
#include <string.h>

/* cmocka.h needs these before it */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "gateway/rtc/rtp.h"
#include "gateway/rtc/vp8.h"
#include "rooms/vp8_rewriter.h"

/* One simulcast encoding: consecutive pictures in the L1T3 pattern. */
typedef struct {
  uint32_t ssrc;
  uint16_t pid;
  uint8_t tl0;
  int frame;
  bool w15; /* 15-bit PictureID */
  bool no_tid;
} source;

static const uint8_t L1T3_TID[4] = {0, 2, 1, 2};
static const bool L1T3_SYNC[4] = {false, true, true, false};

/* Builds packet `part` (0 or 1) of the source's current picture into b; returns its length. */
static size_t build(const source *s, int part, bool key, uint8_t *b) {
  int k = s->frame % 4;
  size_t n = 0;
  b[n++] = (uint8_t)(0x80 | (part == 0 ? 0x10 : 0) | (L1T3_TID[k] > 0 ? 0x20 : 0)); /* X, S, N */
  b[n++] = (uint8_t)(0x80 | 0x40 | (s->no_tid ? 0 : 0x20));                         /* I L T */
  if (s->w15) {
    b[n++] = (uint8_t)(0x80 | (s->pid >> 8));
    b[n++] = (uint8_t)s->pid;
  } else {
    b[n++] = (uint8_t)(s->pid & 0x7F);
  }
  b[n++] = s->tl0;
  if (!s->no_tid) b[n++] = (uint8_t)(L1T3_TID[k] << 6 | (L1T3_SYNC[k] ? 0x20 : 0));
  b[n++] = key && part == 0 ? 0x10 : 0x11; /* VP8 header: P bit clear on a key frame */
  b[n++] = 0x9d;
  return n;
}

/* Moves to the next picture: TL0PICIDX counts base-layer pictures. */
static void advance(source *s) {
  s->frame++;
  s->pid = (uint16_t)((s->pid + 1) & (s->w15 ? 0x7FFF : 0x7F));
  if (L1T3_TID[s->frame % 4] == 0) s->tl0++;
}

typedef struct {
  uint32_t ssrc;
  uint16_t pid;
  uint8_t tl0, tid;
  bool first, key;
} out_pkt;

/* Feeds both packets of the current picture of src to rw; appends what is forwarded. */
static void feed(vp8_rewriter *rw, const source *src, bool key, out_pkt *out, size_t *n) {
  for (int part = 0; part < 2; part++) {
    uint8_t b[32];
    size_t len = build(src, part, key, b);
    if (vp8_rewriter_process(rw, src->ssrc, b, len) != VP8_RW_FORWARD) continue;
    vp8_desc d;
    assert_int_equal(vp8_desc_parse(b, len, &d), 0);
    assert_int_equal(d.header_len, len - 2); /* same size */
    out[*n] = (out_pkt){src->ssrc, d.picture_id, d.tl0picidx, d.tid, part == 0, d.keyframe};
    (*n)++;
  }
}

/* Forwarded pictures: PictureID +1 each (mod 2^15); TL0PICIDX +1 at each TID 0 picture and
 * unchanged otherwise. */
static void assert_continuous(const out_pkt *o, size_t n, uint16_t mask) {
  const out_pkt *prev = NULL;
  for (size_t i = 0; i < n; i++) {
    if (!o[i].first) {
      assert_non_null(prev);
      assert_int_equal(o[i].pid, prev->pid); /* same picture */
      continue;
    }
    if (prev) {
      assert_int_equal(o[i].pid, (prev->pid + 1) & mask);
      assert_int_equal(o[i].tl0, (uint8_t)(prev->tl0 + (o[i].tid == 0 ? 1 : 0)));
    }
    prev = &o[i];
  }
}

static void test_desc_parse(void **state) {
  (void)state;
  vp8_desc d;
  source s = {.ssrc = 1, .pid = 0x1234, .tl0 = 77, .frame = 1, .w15 = true};
  uint8_t b[32];
  size_t len = build(&s, 0, false, b);
  assert_int_equal(vp8_desc_parse(b, len, &d), 0);
  assert_true(d.start);
  assert_true(d.non_ref);
  assert_true(d.has_picture_id && d.picture_id_15);
  assert_int_equal(d.picture_id, 0x1234);
  assert_int_equal(d.tl0picidx, 77);
  assert_true(d.has_tid);
  assert_int_equal(d.tid, 2);
  assert_true(d.layer_sync);
  assert_false(d.keyframe);
  assert_int_equal(d.header_len, 6);
  for (size_t n = 0; n < len - 1; n++) { /* every truncation short of one payload byte fails */
    uint8_t c[32];
    memcpy(c, b, n);
    assert_int_equal(vp8_desc_parse(c, n, &d), n >= 7 ? 0 : -1);
  }
  /* Key frame and the writers keep the width. */
  s.frame = 0;
  len = build(&s, 0, true, b);
  assert_int_equal(vp8_desc_parse(b, len, &d), 0);
  assert_true(d.keyframe);
  assert_int_equal(vp8_desc_set_picture_id(b, &d, 0xFFFF), 0);
  assert_int_equal(vp8_desc_set_tl0picidx(b, &d, 5), 0);
  assert_int_equal(vp8_desc_parse(b, len, &d), 0);
  assert_int_equal(d.picture_id, 0x7FFF);
  assert_int_equal(d.tl0picidx, 5);
  assert_true(d.keyframe);
  /* 7-bit form, K without T, no X at all. */
  static const uint8_t k7[] = {0x90, 0xD0, 0x05, 0x09, 0x1F, 0x00};
  assert_int_equal(vp8_desc_parse(k7, sizeof k7, &d), 0);
  assert_false(d.picture_id_15);
  assert_int_equal(d.picture_id, 5);
  assert_false(d.has_tid);
  assert_true(d.has_keyidx);
  assert_int_equal(d.keyidx, 31);
  assert_true(d.keyframe);
  static const uint8_t plain[] = {0x10, 0x00};
  assert_int_equal(vp8_desc_parse(plain, sizeof plain, &d), 0);
  assert_false(d.has_picture_id);
  assert_int_equal(vp8_desc_set_picture_id((uint8_t *)k7, &d, 1), -1);
  assert_int_equal(vp8_desc_set_tl0picidx((uint8_t *)k7, &d, 1), -1);
  assert_int_equal(vp8_desc_parse(plain, 1, &d), -1);
  assert_int_equal(vp8_desc_parse(plain, 0, &d), -1);
}

static void test_temporal_and_spatial_switches(void **state) {
  (void)state;
  vp8_rewriter rw;
  vp8_rewriter_init(&rw);
  /* Two encodings of the same pictures, numbered independently, both near wrap-around. */
  source a = {.ssrc = 0xA, .pid = 32700, .tl0 = 250, .w15 = true};
  source b = {.ssrc = 0xB, .pid = 1000, .tl0 = 7, .w15 = true};
  static out_pkt o[1000];
  size_t n = 0;
  vp8_rewriter_set_target(&rw, 0xA, 2);
  assert_true(vp8_rewriter_waiting_keyframe(&rw));
  size_t b_start = 0, a_last = 0;
  for (int f = 0; f < 160; f++) {
    if (f == 21) vp8_rewriter_set_target(&rw, 0xA, 0); /* base layer only */
    if (f == 41) vp8_rewriter_set_target(&rw, 0xA, 1); /* up to TID 1, at its sync picture */
    if (f == 61) vp8_rewriter_set_target(&rw, 0xA, 2);
    if (f == 80) vp8_rewriter_set_target(&rw, 0xB, 2); /* spatial switch: B's key frame at 88 */
    if (f == 120) vp8_rewriter_set_target(&rw, 0xB, 0);
    size_t before = n;
    feed(&rw, &a, f == 4, o, &n); /* A's first key frame at picture 4 */
    for (size_t i = before; i < n; i++) a_last = i;
    before = n;
    feed(&rw, &b, f == 88, o, &n);
    if (n > before && !b_start) b_start = before;
    /* What was forwarded for this picture, by phase. */
    int k = f % 4;
    if (f < 4) assert_int_equal(n, 0);                     /* no key frame yet */
    if (f >= 4 && f < 21) assert_int_equal(n - before, 0); /* B not taken */
    if (f >= 22 && f < 41 && L1T3_TID[k] > 0) assert_int_equal(o[n - 1].tid, 0);
    if (f == 41) assert_true(rw.cur_tid == 0);    /* picture 41 is TID 2: not yet */
    if (f == 42) assert_int_equal(rw.cur_tid, 1); /* TID 1 with Y: up */
    if (f >= 88 && f < 120) assert_int_equal(o[n - 1].ssrc, 0xB);
    advance(&a);
    advance(&b);
  }
  assert_false(vp8_rewriter_waiting_keyframe(&rw));
  /* Continuity over everything forwarded, A then B. */
  assert_continuous(o, n, 0x7FFF);
  /* The switch: B's first forwarded packet is its key frame; no A packet after it. */
  assert_true(b_start > 0);
  assert_true(o[b_start].key);
  assert_int_equal(o[b_start].ssrc, 0xB);
  assert_true(a_last < b_start);
  for (size_t i = b_start; i < n; i++) assert_int_equal(o[i].ssrc, 0xB);
  /* The output wrapped (32700 + ~100 pictures) and TL0PICIDX too (250 + ~30). */
  bool pid_wrapped = false, tl0_wrapped = false;
  for (size_t i = 1; i < n; i++) {
    if (o[i].pid < o[i - 1].pid) pid_wrapped = true;
    if (o[i].tl0 < o[i - 1].tl0) tl0_wrapped = true;
  }
  assert_true(pid_wrapped && tl0_wrapped);
  /* Counts: 160 pictures x 2 packets x 2 sources in. */
  assert_int_equal(rw.forwarded + rw.dropped, 640);
  assert_int_equal(rw.forwarded, n);
  assert_int_equal(rw.malformed, 0);
}

static void test_input_gap_kept_and_late_packets(void **state) {
  (void)state;
  vp8_rewriter rw;
  vp8_rewriter_init(&rw);
  vp8_rewriter_set_target(&rw, 1, 1); /* TID 2 dropped */
  source s = {.ssrc = 1, .pid = 500, .tl0 = 1, .w15 = true};
  uint8_t p[32];
  vp8_desc d;
  size_t len = build(&s, 0, true, p);
  assert_int_equal(vp8_rewriter_process(&rw, 1, p, len), VP8_RW_FORWARD); /* 500 -> 500 */
  advance(&s);                                                            /* 501, TID 2: dropped */
  len = build(&s, 0, false, p);
  assert_int_equal(vp8_rewriter_process(&rw, 1, p, len), VP8_RW_DROP);
  uint8_t late_dropped[32];
  size_t late_dropped_len = build(&s, 1, false, late_dropped);
  advance(&s); /* 502, TID 1 -> 501 */
  len = build(&s, 0, false, p);
  assert_int_equal(vp8_rewriter_process(&rw, 1, p, len), VP8_RW_FORWARD);
  assert_int_equal(vp8_desc_parse(p, len, &d), 0);
  assert_int_equal(d.picture_id, 501);
  uint8_t late[32];
  size_t late_len = build(&s, 1, false, late); /* its second packet comes late */
  advance(&s);                                 /* 503 TID 2: dropped */
  len = build(&s, 0, false, p);
  assert_int_equal(vp8_rewriter_process(&rw, 1, p, len), VP8_RW_DROP);
  advance(&s); /* 504 TID 0 lost on the publisher's link */
  advance(&s); /* 505 TID 2: dropped */
  len = build(&s, 0, false, p);
  assert_int_equal(vp8_rewriter_process(&rw, 1, p, len), VP8_RW_DROP);
  advance(&s); /* 506 TID 1 -> 503: 504 was lost, the gap stays */
  len = build(&s, 0, false, p);
  assert_int_equal(vp8_rewriter_process(&rw, 1, p, len), VP8_RW_FORWARD);
  assert_int_equal(vp8_desc_parse(p, len, &d), 0);
  assert_int_equal(d.picture_id, 503);
  /* The late packets: of a forwarded picture, with its number; of a dropped one, dropped. */
  assert_int_equal(vp8_rewriter_process(&rw, 1, late, late_len), VP8_RW_FORWARD);
  assert_int_equal(vp8_desc_parse(late, late_len, &d), 0);
  assert_int_equal(d.picture_id, 501);
  assert_int_equal(vp8_rewriter_process(&rw, 1, late_dropped, late_dropped_len), VP8_RW_DROP);
}

static void test_no_tid_and_seven_bit(void **state) {
  (void)state;
  vp8_rewriter rw;
  vp8_rewriter_init(&rw);
  vp8_rewriter_set_target(&rw, 7, 0);
  /* No T bit: the layer is unknown and nothing is dropped for it. */
  source s = {.ssrc = 7, .pid = 120, .tl0 = 0, .w15 = false, .no_tid = true};
  static out_pkt o[200];
  size_t n = 0;
  for (int f = 0; f < 20; f++) {
    feed(&rw, &s, f == 0, o, &n);
    advance(&s);
  }
  assert_int_equal(n, 40);
  /* Then a 7-bit source with TIDs: continuity modulo 128 across the switch and the drops. */
  source t = {.ssrc = 8, .pid = 3, .tl0 = 200, .w15 = false};
  vp8_rewriter_set_target(&rw, 8, 0);
  size_t start = n;
  for (int f = 0; f < 200 && n < 198; f++) {
    feed(&rw, &t, f == 0, o, &n);
    advance(&t);
  }
  assert_int_equal(o[start].pid, (o[start - 1].pid + 1) & 0x7F);
  for (size_t i = start; i < n; i++) assert_int_equal(o[i].tid, 0);
  assert_continuous(o + start, n - start, 0x7F);
}

static void test_malformed(void **state) {
  (void)state;
  vp8_rewriter rw;
  vp8_rewriter_init(&rw);
  uint8_t b[4] = {0x90, 0x80, 0x80}; /* 15-bit PictureID cut short */
  assert_int_equal(vp8_rewriter_process(&rw, 1, b, 3), VP8_RW_DROP);
  assert_int_equal(vp8_rewriter_process(&rw, 1, b, 0), VP8_RW_DROP);
  assert_int_equal(rw.malformed, 2);
  /* No target chosen: everything is dropped. */
  source s = {.ssrc = 1, .pid = 1, .w15 = true};
  uint8_t p[32];
  size_t len = build(&s, 0, true, p);
  assert_int_equal(vp8_rewriter_process(&rw, 1, p, len), VP8_RW_DROP);
  assert_false(rw.started);
}

/* A switch down waits for the lower encoding's key frame on the upper one's base layer alone
 * (vp8_rewriter_set_waiting_tid); the lower one starts with every layer the target allows, and
 * the stream stays continuous through both changes. */
static void test_waiting_switch_on_base_layer(void **state) {
  (void)state;
  vp8_rewriter rw;
  vp8_rewriter_init(&rw);
  vp8_rewriter_set_waiting_tid(&rw, 0);
  source hi = {.ssrc = 0xF, .pid = 100, .tl0 = 10, .w15 = true};
  source lo = {.ssrc = 0x1, .pid = 9000, .tl0 = 90, .w15 = true};
  static out_pkt o[400];
  size_t n = 0;
  vp8_rewriter_set_target(&rw, 0xF, 2);
  for (int f = 0; f < 60; f++) {
    if (f == 20) vp8_rewriter_set_target(&rw, 0x1, 2); /* down: lo's key frame at 40 */
    size_t before = n;
    feed(&rw, &hi, f == 0, o, &n);
    size_t after_hi = n;
    feed(&rw, &lo, f == 40, o, &n);
    int k = f % 4;
    if (f < 20) assert_int_equal(after_hi - before, 2); /* every layer of hi */
    if (f >= 21 && f < 40) {                            /* waiting: hi's TID 0 pictures only */
      assert_int_equal(after_hi - before, L1T3_TID[k] == 0 ? 2 : 0);
      assert_int_equal(n, after_hi);
    }
    if (f == 40) assert_true(o[after_hi].key && o[after_hi].ssrc == 0x1);
    if (f > 40) assert_int_equal(n - after_hi, 2); /* lo: every layer (TID <= 2) */
    advance(&hi);
    advance(&lo);
  }
  assert_false(vp8_rewriter_waiting_keyframe(&rw));
  assert_int_equal(rw.cur_tid, 2);
  assert_continuous(o, n, 0x7FFF);
  /* Without a waiting limit hi keeps every layer until the switch. */
  vp8_rewriter_init(&rw);
  vp8_rewriter_set_target(&rw, 0xF, 2);
  hi.frame = 0;
  n = 0;
  size_t hi_pkts = 0;
  for (int f = 0; f < 40; f++) {
    if (f == 20) vp8_rewriter_set_target(&rw, 0x1, 2);
    size_t before = n;
    feed(&rw, &hi, f == 0, o, &n);
    hi_pkts += n - before;
    advance(&hi);
  }
  assert_int_equal(hi_pkts, 80);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_desc_parse),
      cmocka_unit_test(test_temporal_and_spatial_switches),
      cmocka_unit_test(test_input_gap_kept_and_late_packets),
      cmocka_unit_test(test_no_tid_and_seven_bit),
      cmocka_unit_test(test_waiting_switch_on_base_layer),
      cmocka_unit_test(test_malformed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
