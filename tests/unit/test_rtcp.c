/* Unit tests of the RTCP codec (gateway/rtc/rtcp.c): the compound iterator on valid, truncated
 * and malformed input, every builder round-tripped through its parser and checked against
 * hand-assembled bytes, NACK packing across BLP boundaries and 65535 -> 0, REMB mantissa and
 * exponent edges, and a seeded random-input loop that must never crash under ASan/UBSan. */
#include <string.h>

/* cmocka.h needs these before it */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "gateway/rtc/rtcp.h"

static uint32_t rng_state;
static uint32_t rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  return rng_state;
}

static rtcp_report_block sample_block(uint32_t i) {
  rtcp_report_block b = {
      .ssrc = 0x10000000u + i,
      .fraction_lost = (uint8_t)(i * 7),
      .cumulative_lost = (int32_t)i * 1000 - 5000,
      .highest_seq = 0x00010000u + i,
      .jitter = 30 + i,
      .lsr = 0xABCD0000u | i,
      .dlsr = 65536 + i,
  };
  return b;
}

static void assert_block_equal(const rtcp_report_block *a, const rtcp_report_block *b) {
  assert_int_equal(a->ssrc, b->ssrc);
  assert_int_equal(a->fraction_lost, b->fraction_lost);
  assert_int_equal(a->cumulative_lost, b->cumulative_lost);
  assert_int_equal(a->highest_seq, b->highest_seq);
  assert_int_equal(a->jitter, b->jitter);
  assert_int_equal(a->lsr, b->lsr);
  assert_int_equal(a->dlsr, b->dlsr);
}

/* Iterates buf expecting exactly one packet and returns it. */
static rtcp_header only_packet(const uint8_t *buf, size_t len) {
  rtcp_iter it;
  rtcp_header h;
  rtcp_iter_init(&it, buf, len);
  assert_int_equal(rtcp_iter_next(&it, &h), 1);
  rtcp_header end;
  assert_int_equal(rtcp_iter_next(&it, &end), 0);
  assert_int_equal(rtcp_validate(buf, len), 0);
  return h;
}

static void test_sr_round_trip(void **state) {
  (void)state;
  static rtcp_sr sr, back; /* large: keep off the stack */
  for (int n = 0; n <= RTCP_MAX_BLOCKS; n += (n < 2 ? 1 : 29)) {
    memset(&sr, 0, sizeof sr);
    sr.ssrc = 0xDEADBEEF;
    sr.ntp = 0xE8D4A51000123456ull;
    sr.rtp_ts = 0x90000001u;
    sr.packet_count = 12345;
    sr.octet_count = 9876543;
    sr.block_count = (uint8_t)n;
    for (int i = 0; i < n; i++) sr.blocks[i] = sample_block((uint32_t)i);
    uint8_t out[1024];
    int len = rtcp_build_sr(out, sizeof out, &sr);
    assert_int_equal(len, 28 + 24 * n);
    rtcp_header h = only_packet(out, (size_t)len);
    assert_int_equal(h.pt, RTCP_SR);
    assert_int_equal(h.count, n);
    assert_int_equal(rtcp_parse_sr(&h, &back), 0);
    assert_int_equal(back.ssrc, sr.ssrc);
    assert_true(back.ntp == sr.ntp);
    assert_int_equal(back.rtp_ts, sr.rtp_ts);
    assert_int_equal(back.packet_count, sr.packet_count);
    assert_int_equal(back.octet_count, sr.octet_count);
    assert_int_equal(back.block_count, n);
    for (int i = 0; i < n; i++) assert_block_equal(&back.blocks[i], &sr.blocks[i]);
    rtcp_rr rr;
    assert_int_equal(rtcp_parse_rr(&h, &rr), -1); /* wrong type */
  }
  sr.block_count = 32;
  uint8_t out[1024];
  assert_int_equal(rtcp_build_sr(out, sizeof out, &sr), -1);
}

static void test_rr_exact_bytes_and_round_trip(void **state) {
  (void)state;
  rtcp_report_block b = {.ssrc = 0x01020304,
                         .fraction_lost = 0x40,
                         .cumulative_lost = -2,
                         .highest_seq = 0x0001FFFF,
                         .jitter = 0x10,
                         .lsr = 0x11223344,
                         .dlsr = 0x00018000};
  uint8_t out[64];
  int len = rtcp_build_rr(out, sizeof out, 0xAABBCCDD, &b, 1);
  static const uint8_t want[] = {0x81, 0xC9, 0x00, 0x07, 0xAA, 0xBB, 0xCC, 0xDD, 0x01, 0x02, 0x03,
                                 0x04, 0x40, 0xFF, 0xFF, 0xFE, 0x00, 0x01, 0xFF, 0xFF, 0x00, 0x00,
                                 0x00, 0x10, 0x11, 0x22, 0x33, 0x44, 0x00, 0x01, 0x80, 0x00};
  assert_int_equal(len, sizeof want);
  assert_memory_equal(out, want, sizeof want);
  rtcp_header h = only_packet(out, (size_t)len);
  rtcp_rr rr;
  assert_int_equal(rtcp_parse_rr(&h, &rr), 0);
  assert_int_equal(rr.ssrc, 0xAABBCCDD);
  assert_int_equal(rr.block_count, 1);
  assert_block_equal(&rr.blocks[0], &b);

  /* Empty RR, the smallest RTCP packet a compound may start with. */
  len = rtcp_build_rr(out, sizeof out, 7, NULL, 0);
  assert_int_equal(len, 8);
  h = only_packet(out, 8);
  assert_int_equal(rtcp_parse_rr(&h, &rr), 0);
  assert_int_equal(rr.block_count, 0);

  /* 31 blocks fit the count; 32 do not. */
  rtcp_report_block many[32];
  for (uint32_t i = 0; i < 32; i++) many[i] = sample_block(i);
  uint8_t big[1024];
  len = rtcp_build_rr(big, sizeof big, 9, many, 31);
  assert_int_equal(len, 8 + 24 * 31);
  h = only_packet(big, (size_t)len);
  assert_int_equal(rtcp_parse_rr(&h, &rr), 0);
  assert_int_equal(rr.block_count, 31);
  assert_block_equal(&rr.blocks[30], &many[30]);
  assert_int_equal(rtcp_build_rr(big, sizeof big, 9, many, 32), -1);
}

static void test_cumulative_lost_clamped(void **state) {
  (void)state;
  rtcp_report_block b = {.cumulative_lost = 0x12345678};
  uint8_t out[64];
  rtcp_rr rr;
  int len = rtcp_build_rr(out, sizeof out, 1, &b, 1);
  rtcp_header h = only_packet(out, (size_t)len);
  assert_int_equal(rtcp_parse_rr(&h, &rr), 0);
  assert_int_equal(rr.blocks[0].cumulative_lost, 0x7FFFFF);
  b.cumulative_lost = -0x12345678;
  len = rtcp_build_rr(out, sizeof out, 1, &b, 1);
  h = only_packet(out, (size_t)len);
  assert_int_equal(rtcp_parse_rr(&h, &rr), 0);
  assert_int_equal(rr.blocks[0].cumulative_lost, -0x800000);
}

/* A compound packet as a browser sends it: SR, SDES (CNAME), then reduced-size feedback. */
static size_t build_compound(uint8_t *out, size_t cap) {
  static rtcp_sr sr;
  memset(&sr, 0, sizeof sr);
  sr.ssrc = 1111;
  sr.block_count = 1;
  sr.blocks[0] = sample_block(3);
  size_t off = 0;
  int n = rtcp_build_sr(out, cap, &sr);
  assert_true(n > 0);
  off += (size_t)n;
  static const uint8_t sdes[] = {
      0x81, 0xCA, 0x00, 0x04, 0x00, 0x00, 0x04, 0x57, 0x01, 0x08,
      'a',  'b',  'c',  'd',  'e',  'f',  'g',  'h',  0x00, 0x00}; /* CNAME "abcdefgh" + end + pad */
  memcpy(out + off, sdes, sizeof sdes);
  off += sizeof sdes;
  n = rtcp_build_pli(out + off, cap - off, 1111, 2222);
  off += (size_t)n;
  const uint16_t lost[] = {10, 11, 30};
  n = rtcp_build_nack(out + off, cap - off, 1111, 2222, lost, 3);
  off += (size_t)n;
  const uint32_t ssrcs[] = {2222};
  n = rtcp_build_remb(out + off, cap - off, 1111, 1500000, ssrcs, 1);
  off += (size_t)n;
  static const uint8_t bye[] = {0x81, 0xCB, 0x00, 0x02, 0x00, 0x00, 0x04, 0x57, 0x03, 'b', 'y', 'e'};
  memcpy(out + off, bye, sizeof bye);
  off += sizeof bye;
  return off;
}

static void test_compound_iteration(void **state) {
  (void)state;
  uint8_t buf[512];
  size_t len = build_compound(buf, sizeof buf);
  assert_int_equal(rtcp_validate(buf, len), 0);
  rtcp_iter it;
  rtcp_header h;
  rtcp_iter_init(&it, buf, len);
  const uint8_t want_pt[] = {RTCP_SR, RTCP_SDES, RTCP_PSFB, RTCP_RTPFB, RTCP_PSFB, RTCP_BYE};
  size_t total = 0;
  for (size_t i = 0; i < sizeof want_pt; i++) {
    assert_int_equal(rtcp_iter_next(&it, &h), 1);
    assert_int_equal(h.pt, want_pt[i]);
    total += h.len;
    rtcp_fb fb;
    if (h.pt == RTCP_PSFB || h.pt == RTCP_RTPFB) assert_int_equal(rtcp_parse_fb(&h, &fb), 0);
    if (i == 2) assert_true(rtcp_is_pli(&h));
    if (i == 3) {
      uint16_t seqs[8];
      assert_int_equal(rtcp_nack_expand(&fb, seqs, 8), 3);
      assert_int_equal(seqs[2], 30);
    }
    if (i == 4) {
      rtcp_remb remb;
      assert_int_equal(rtcp_parse_remb(&fb, &remb), 0);
      assert_true(remb.bitrate <= 1500000 && remb.bitrate > 1499000);
    }
    if (i == 5) {
      rtcp_bye bye;
      assert_int_equal(rtcp_parse_bye(&h, &bye), 0);
      assert_int_equal(bye.ssrc_count, 1);
      assert_int_equal(bye.ssrcs[0], 1111);
      assert_int_equal(bye.reason_len, 3);
      assert_memory_equal(bye.reason, "bye", 3);
    }
  }
  assert_int_equal(rtcp_iter_next(&it, &h), 0);
  assert_int_equal(rtcp_iter_next(&it, &h), 0);
  assert_int_equal(total, len);
}

/* Cut at every length: valid exactly at packet boundaries, rejected anywhere else; the
 * iterator yields the whole packets before the cut and then fails. */
static void test_compound_truncated_every_length(void **state) {
  (void)state;
  uint8_t full[512];
  size_t len = build_compound(full, sizeof full);
  size_t bounds[16], nb = 0;
  {
    rtcp_iter it;
    rtcp_header h;
    rtcp_iter_init(&it, full, len);
    size_t off = 0;
    while (rtcp_iter_next(&it, &h) == 1) bounds[nb++] = off += h.len;
  }
  for (size_t n = 0; n <= len; n++) {
    uint8_t *b = test_malloc(n ? n : 1);
    memcpy(b, full, n);
    bool boundary = false;
    size_t whole = 0;
    for (size_t i = 0; i < nb; i++) {
      if (bounds[i] == n) boundary = true;
      if (bounds[i] <= n) whole = i + 1;
    }
    assert_int_equal(rtcp_validate(b, n), boundary ? 0 : -1);
    rtcp_iter it;
    rtcp_header h;
    rtcp_iter_init(&it, b, n);
    size_t got = 0;
    int rc;
    while ((rc = rtcp_iter_next(&it, &h)) == 1) {
      assert_true(h.data + h.len <= b + n);
      got++;
    }
    assert_int_equal(got, whole);
    assert_int_equal(rc, (boundary || n == 0) ? 0 : -1);
    if (rc < 0) assert_int_equal(rtcp_iter_next(&it, &h), -1); /* stays failed */
    test_free(b);
  }
}

static void test_iterator_malformed(void **state) {
  (void)state;
  uint8_t b[64] = {0};
  rtcp_iter it;
  rtcp_header h;
  assert_int_equal(rtcp_validate(b, 0), -1); /* nothing is not a packet */

  int n = rtcp_build_pli(b, sizeof b, 1, 2);
  b[0] = (uint8_t)((b[0] & 0x3F) | 0x40); /* version 1 */
  assert_int_equal(rtcp_validate(b, (size_t)n), -1);

  n = rtcp_build_pli(b, sizeof b, 1, 2);
  b[3] = 3; /* 16 bytes claimed, 12 present */
  assert_int_equal(rtcp_validate(b, (size_t)n), -1);
  b[2] = 0xFF, b[3] = 0xFF;
  assert_int_equal(rtcp_validate(b, (size_t)n), -1);

  /* Trailing bytes that are not a whole header. */
  n = rtcp_build_pli(b, sizeof b, 1, 2);
  memset(b + n, 0x80, 3);
  assert_int_equal(rtcp_validate(b, (size_t)n + 3), -1);

  /* Padding: fine on the last packet, an error before it. */
  n = rtcp_build_rr(b, sizeof b, 5, NULL, 0);
  memcpy(b + n, (const uint8_t[]){0x00, 0x00, 0x00, 0x04}, 4);
  b[0] |= 0x20;
  b[3] = 2; /* 12 bytes: header, ssrc, 4 of padding */
  assert_int_equal(rtcp_validate(b, 12), 0);
  rtcp_iter_init(&it, b, 12);
  assert_int_equal(rtcp_iter_next(&it, &h), 1);
  assert_true(h.padding);
  assert_int_equal(h.body_len, 4);
  int m = rtcp_build_pli(b + 12, sizeof b - 12, 1, 2);
  assert_int_equal(rtcp_validate(b, 12 + (size_t)m), -1); /* padded packet not last */
  b[11] = 0;                                              /* padding count 0 */
  assert_int_equal(rtcp_validate(b, 12), -1);
  b[11] = 9; /* more padding than body */
  assert_int_equal(rtcp_validate(b, 12), -1);
  b[11] = 8; /* all of the body is padding: allowed by the iterator... */
  assert_int_equal(rtcp_validate(b, 12), 0);
  rtcp_iter_init(&it, b, 12);
  assert_int_equal(rtcp_iter_next(&it, &h), 1);
  rtcp_rr rr;
  assert_int_equal(rtcp_parse_rr(&h, &rr), -1); /* ...but the RR has no SSRC left */
}

static void test_parsers_reject_short_bodies(void **state) {
  (void)state;
  uint8_t b[64];
  static rtcp_sr sr;
  rtcp_rr rr;
  rtcp_fb fb;
  rtcp_bye bye;
  rtcp_report_block blk = sample_block(1);
  /* RR claiming 2 blocks with room for 1. */
  int n = rtcp_build_rr(b, sizeof b, 1, &blk, 1);
  b[0] = (b[0] & 0xE0) | 2;
  rtcp_header h = only_packet(b, (size_t)n);
  assert_int_equal(rtcp_parse_rr(&h, &rr), -1);
  /* SR with 1 block claimed and none present. */
  memset(&sr, 0, sizeof sr);
  n = rtcp_build_sr(b, sizeof b, &sr);
  b[0] |= 1;
  h = only_packet(b, (size_t)n);
  assert_int_equal(rtcp_parse_sr(&h, &sr), -1);
  /* Feedback with only the sender SSRC. */
  static const uint8_t fb4[] = {0x81, 0xCE, 0x00, 0x01, 0, 0, 0, 1};
  h = only_packet(fb4, sizeof fb4);
  assert_int_equal(rtcp_parse_fb(&h, &fb), -1);
  assert_false(rtcp_is_pli(&h));
  /* NACK whose FCI is not a whole number of items. */
  static const uint8_t nack6[] = {0x81, 0xCD, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 2, 0, 5, 0, 0};
  h = only_packet(nack6, sizeof nack6);
  assert_int_equal(rtcp_parse_fb(&h, &fb), 0);
  fb.fci_len = 2;
  uint16_t seqs[4];
  assert_int_equal(rtcp_nack_expand(&fb, seqs, 4), -1);
  /* BYE with 2 sources claimed, 1 present; and a reason longer than the packet. */
  static const uint8_t bye2[] = {0x82, 0xCB, 0x00, 0x01, 0, 0, 0, 1};
  h = only_packet(bye2, sizeof bye2);
  assert_int_equal(rtcp_parse_bye(&h, &bye), -1);
  static const uint8_t bye_reason[] = {0x81, 0xCB, 0x00, 0x02, 0, 0, 0, 1, 9, 'x', 0, 0};
  h = only_packet(bye_reason, sizeof bye_reason);
  assert_int_equal(rtcp_parse_bye(&h, &bye), -1);
  static const uint8_t bye0[] = {0x80, 0xCB, 0x00, 0x00};
  h = only_packet(bye0, sizeof bye0);
  assert_int_equal(rtcp_parse_bye(&h, &bye), 0);
  assert_int_equal(bye.ssrc_count, 0);
  assert_null(bye.reason);
  /* Type mismatches. */
  n = rtcp_build_pli(b, sizeof b, 1, 2);
  h = only_packet(b, (size_t)n);
  assert_int_equal(rtcp_parse_bye(&h, &bye), -1);
  assert_int_equal(rtcp_parse_sr(&h, &sr), -1);
  assert_int_equal(rtcp_parse_fb(&h, &fb), 0);
  assert_int_equal(rtcp_nack_expand(&fb, seqs, 4), -1);
  assert_int_equal(rtcp_fir_count(&fb), -1);
  rtcp_remb remb;
  assert_int_equal(rtcp_parse_remb(&fb, &remb), -1);
}

/* Expands a built NACK back into sequence numbers. */
static int nack_round_trip(const uint16_t *lost, size_t n, uint16_t *back, size_t cap, int *items) {
  uint8_t out[4096];
  int len = rtcp_build_nack(out, sizeof out, 0x11, 0x22, lost, n);
  assert_true(len >= 16);
  *items = (len - 12) / 4;
  rtcp_header h = only_packet(out, (size_t)len);
  assert_int_equal(h.pt, RTCP_RTPFB);
  assert_int_equal(h.count, RTCP_RTPFB_NACK);
  rtcp_fb fb;
  assert_int_equal(rtcp_parse_fb(&h, &fb), 0);
  assert_int_equal(fb.sender_ssrc, 0x11);
  assert_int_equal(fb.media_ssrc, 0x22);
  return rtcp_nack_expand(&fb, back, cap);
}

static void test_nack_packing_blp_boundaries(void **state) {
  (void)state;
  uint16_t lost[40], back[64];
  int items;
  /* One lost packet: one item, empty BLP; exact bytes. */
  uint8_t out[64];
  lost[0] = 1000;
  int len = rtcp_build_nack(out, sizeof out, 0x01020304, 0x05060708, lost, 1);
  static const uint8_t want[] = {0x81, 0xCD, 0x00, 0x03, 0x01, 0x02, 0x03, 0x04,
                                 0x05, 0x06, 0x07, 0x08, 0x03, 0xE8, 0x00, 0x00};
  assert_int_equal(len, sizeof want);
  assert_memory_equal(out, want, sizeof want);

  /* PID and the next 16: one item, BLP 0xFFFF. */
  for (int i = 0; i < 17; i++) lost[i] = (uint16_t)(100 + i);
  assert_int_equal(nack_round_trip(lost, 17, back, 64, &items), 17);
  assert_int_equal(items, 1);
  assert_memory_equal(back, lost, 17 * sizeof lost[0]);
  /* 18 in a row: the 18th (PID + 17) starts a second item. */
  lost[17] = 117;
  assert_int_equal(nack_round_trip(lost, 18, back, 64, &items), 18);
  assert_int_equal(items, 2);
  assert_memory_equal(back, lost, 18 * sizeof lost[0]);
  /* Bits 1 and 16 only. */
  const uint16_t edges[] = {500, 501, 516};
  len = rtcp_build_nack(out, sizeof out, 1, 2, edges, 3);
  assert_int_equal(len, 16);
  assert_int_equal(out[14], 0x80);
  assert_int_equal(out[15], 0x01);
  /* PID + 16 and PID + 17: the first is the last BLP bit, the second is a new item. */
  const uint16_t split[] = {7, 23, 24};
  len = rtcp_build_nack(out, sizeof out, 1, 2, split, 3);
  assert_int_equal(len, 20);
  assert_int_equal(out[12] << 8 | out[13], 7);
  assert_int_equal(out[14] << 8 | out[15], 0x8000);
  assert_int_equal(out[16] << 8 | out[17], 24);
  assert_int_equal(out[18] << 8 | out[19], 0);
}

static void test_nack_wraparound_and_order(void **state) {
  (void)state;
  uint16_t back[64];
  int items;
  /* 65533 .. 2 across the wrap: one item. */
  const uint16_t wrap[] = {65533, 65534, 65535, 0, 1, 2};
  assert_int_equal(nack_round_trip(wrap, 6, back, 64, &items), 6);
  assert_int_equal(items, 1);
  assert_memory_equal(back, wrap, sizeof wrap);
  /* PID 65535 with bit 16 = 15. */
  const uint16_t wrap16[] = {65535, 15, 16};
  assert_int_equal(nack_round_trip(wrap16, 3, back, 64, &items), 3);
  assert_int_equal(items, 2);
  assert_memory_equal(back, wrap16, sizeof wrap16);
  /* Duplicates are dropped within an item. */
  const uint16_t dup[] = {10, 10, 11, 11, 10};
  assert_int_equal(nack_round_trip(dup, 5, back, 64, &items), 2);
  assert_int_equal(items, 1);
  /* Descending order still loses nothing (one item per number). */
  const uint16_t desc[] = {30, 20, 10};
  assert_int_equal(nack_round_trip(desc, 3, back, 64, &items), 3);
  assert_int_equal(items, 3);
  assert_memory_equal(back, desc, sizeof desc);
  /* Nothing to NACK is not a packet. */
  uint8_t out[64];
  assert_int_equal(rtcp_build_nack(out, sizeof out, 1, 2, desc, 0), -1);
  /* Expansion stops at cap. */
  const uint16_t run[] = {1, 2, 3, 4, 5};
  assert_int_equal(nack_round_trip(run, 5, back, 3, &items), 3);
  assert_int_equal(back[2], 3);
  assert_int_equal(nack_round_trip(run, 5, back, 0, &items), 0);
}

/* Random ascending loss patterns (mod 2^16, across the wrap) survive build + expand. */
static void test_nack_random_round_trip(void **state) {
  (void)state;
  rng_state = 4242;
  uint16_t lost[300], back[300];
  for (int iter = 0; iter < 3000; iter++) {
    size_t n = 1 + rng() % 300;
    uint16_t s = (uint16_t)rng();
    for (size_t i = 0; i < n; i++) {
      lost[i] = s;
      s = (uint16_t)(s + 1 + (rng() % 4 == 0 ? rng() % 40 : 0));
    }
    int items;
    assert_int_equal(nack_round_trip(lost, n, back, 300, &items), (int)n);
    assert_memory_equal(back, lost, n * sizeof lost[0]);
    assert_true((size_t)items <= n);
  }
}

static void test_pli_and_fir(void **state) {
  (void)state;
  uint8_t out[64];
  int n = rtcp_build_pli(out, sizeof out, 0xAAAA, 0xBBBB);
  static const uint8_t pli[] = {0x81, 0xCE, 0x00, 0x02, 0x00, 0x00, 0xAA, 0xAA, 0x00, 0x00, 0xBB, 0xBB};
  assert_int_equal(n, sizeof pli);
  assert_memory_equal(out, pli, sizeof pli);
  rtcp_header h = only_packet(out, (size_t)n);
  assert_true(rtcp_is_pli(&h));
  assert_false(rtcp_is_transport_cc(&h));
  rtcp_fb fb;
  assert_int_equal(rtcp_parse_fb(&h, &fb), 0);
  assert_int_equal(fb.media_ssrc, 0xBBBB);
  assert_int_equal(fb.fci_len, 0);

  n = rtcp_build_fir(out, sizeof out, 0xAAAA, 0xCCCC, 42);
  assert_int_equal(n, 20);
  h = only_packet(out, (size_t)n);
  assert_int_equal(h.pt, RTCP_PSFB);
  assert_int_equal(h.count, RTCP_PSFB_FIR);
  assert_false(rtcp_is_pli(&h));
  assert_int_equal(rtcp_parse_fb(&h, &fb), 0);
  assert_int_equal(fb.media_ssrc, 0); /* RFC 5104: unused, 0 */
  assert_int_equal(rtcp_fir_count(&fb), 1);
  uint32_t ssrc;
  uint8_t seq;
  assert_int_equal(rtcp_fir_entry(&fb, 0, &ssrc, &seq), 0);
  assert_int_equal(ssrc, 0xCCCC);
  assert_int_equal(seq, 42);
  assert_int_equal(rtcp_fir_entry(&fb, 1, &ssrc, &seq), -1);
  assert_int_equal(rtcp_fir_entry(&fb, -1, &ssrc, &seq), -1);
  fb.fci_len = 12;
  assert_int_equal(rtcp_fir_count(&fb), -1);
}

static void test_transport_cc_detect(void **state) {
  (void)state;
  /* RTPFB fmt 15 with a minimal (unparsed) body. */
  static const uint8_t tcc[] = {0x8F, 0xCD, 0x00, 0x04, 0,    0,    0,    1,    0,    0,
                                0,    2,    0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00};
  rtcp_header h = only_packet(tcc, sizeof tcc);
  assert_true(rtcp_is_transport_cc(&h));
  assert_false(rtcp_is_pli(&h));
  rtcp_fb fb;
  assert_int_equal(rtcp_parse_fb(&h, &fb), 0);
  uint16_t seqs[4];
  assert_int_equal(rtcp_nack_expand(&fb, seqs, 4), -1); /* not a NACK */
  static const uint8_t afb15[] = {0x8F, 0xCE, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 2};
  h = only_packet(afb15, sizeof afb15);
  assert_false(rtcp_is_transport_cc(&h)); /* fmt 15 of PSFB is REMB/AFB */
}

static void test_remb(void **state) {
  (void)state;
  uint8_t out[1100];
  const uint32_t ssrcs[] = {0x11111111, 0x22222222};
  int n = rtcp_build_remb(out, sizeof out, 0xABCDEF00, 1000000, ssrcs, 2);
  assert_int_equal(n, 28);
  /* 1,000,000 = 0x0F4240: exp 2, mantissa 0x3D090 */
  static const uint8_t want[] = {0x8F, 0xCE, 0x00, 0x06, 0xAB, 0xCD, 0xEF, 0x00, 0x00, 0x00,
                                 0x00, 0x00, 'R',  'E',  'M',  'B',  0x02, 0x0B, 0xD0, 0x90,
                                 0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x22, 0x22};
  assert_memory_equal(out, want, sizeof want);
  rtcp_header h = only_packet(out, (size_t)n);
  rtcp_fb fb;
  assert_int_equal(rtcp_parse_fb(&h, &fb), 0);
  static rtcp_remb r;
  assert_int_equal(rtcp_parse_remb(&fb, &r), 0);
  assert_int_equal(r.sender_ssrc, 0xABCDEF00);
  assert_true(r.bitrate == 1000000);
  assert_int_equal(r.ssrc_count, 2);
  assert_int_equal(r.ssrcs[1], 0x22222222);

  /* Mantissa edges: 0x3FFFF is exact with exp 0; 0x40001 rounds down to 0x40000. */
  static const uint64_t rates[] = {0, 1, 0x3FFFF, 0x40000, 0x40001, 123456789012ull, UINT64_MAX};
  for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
    n = rtcp_build_remb(out, sizeof out, 1, rates[i], NULL, 0);
    assert_int_equal(n, 20);
    h = only_packet(out, (size_t)n);
    assert_int_equal(rtcp_parse_fb(&h, &fb), 0);
    assert_int_equal(rtcp_parse_remb(&fb, &r), 0);
    assert_true(r.bitrate <= rates[i]);
    assert_true(r.bitrate >= rates[i] - (rates[i] >> 17)); /* within one mantissa step */
  }
  n = rtcp_build_remb(out, sizeof out, 1, 0x40001, NULL, 0);
  h = only_packet(out, (size_t)n);
  rtcp_parse_fb(&h, &fb);
  rtcp_parse_remb(&fb, &r);
  assert_true(r.bitrate == 0x40000);

  /* The largest encodable value saturates rather than overflowing. */
  out[17] = 0xFF, out[18] = 0xFF, out[19] = 0xFF; /* exp 63, mantissa 0x3FFFF */
  h = only_packet(out, (size_t)n);
  rtcp_parse_fb(&h, &fb);
  assert_int_equal(rtcp_parse_remb(&fb, &r), 0);
  assert_true(r.bitrate == UINT64_MAX);

  /* 255 SSRCs fit; 256 do not. */
  static uint32_t many[256];
  for (int i = 0; i < 256; i++) many[i] = (uint32_t)i;
  n = rtcp_build_remb(out, sizeof out, 1, 5000, many, 255);
  assert_int_equal(n, 20 + 4 * 255);
  h = only_packet(out, (size_t)n);
  rtcp_parse_fb(&h, &fb);
  assert_int_equal(rtcp_parse_remb(&fb, &r), 0);
  assert_int_equal(r.ssrc_count, 255);
  assert_int_equal(r.ssrcs[254], 254);
  assert_int_equal(rtcp_build_remb(out, sizeof out, 1, 5000, many, 256), -1);

  /* SSRC count past the FCI, and another AFB identifier. */
  n = rtcp_build_remb(out, sizeof out, 1, 5000, ssrcs, 2);
  out[16] = 3;
  h = only_packet(out, (size_t)n);
  rtcp_parse_fb(&h, &fb);
  assert_int_equal(rtcp_parse_remb(&fb, &r), -1);
  out[16] = 2;
  out[12] = 'X';
  h = only_packet(out, (size_t)n);
  rtcp_parse_fb(&h, &fb);
  assert_int_equal(rtcp_parse_remb(&fb, &r), -1);
  /* AFB too short for the identifier. */
  static const uint8_t afb_short[] = {0x8F, 0xCE, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 0, 'R', 'E', 'M', 'B'};
  h = only_packet(afb_short, sizeof afb_short);
  rtcp_parse_fb(&h, &fb);
  assert_int_equal(rtcp_parse_remb(&fb, &r), -1);
}

/* Every builder fails for every capacity below its length and matches at exactly it. */
static void test_builders_every_short_capacity(void **state) {
  (void)state;
  static rtcp_sr sr;
  memset(&sr, 0, sizeof sr);
  sr.block_count = 2;
  rtcp_report_block blocks[2] = {sample_block(1), sample_block(2)};
  const uint16_t lost[] = {1, 5, 40, 41, 100};
  const uint32_t ssrcs[] = {9, 8, 7};
  uint8_t full[512];
  for (int which = 0; which < 6; which++) {
    int want = 0;
    for (size_t cap = 0;; cap++) {
      uint8_t *out = test_malloc(cap ? cap : 1);
      uint8_t *dst = cap ? out : full; /* cap 0: any pointer; nothing may be written */
      int n = -2;
      switch (which) {
        case 0:
          n = rtcp_build_sr(dst, cap, &sr);
          break;
        case 1:
          n = rtcp_build_rr(dst, cap, 3, blocks, 2);
          break;
        case 2:
          n = rtcp_build_nack(dst, cap, 3, 4, lost, 5);
          break;
        case 3:
          n = rtcp_build_pli(dst, cap, 3, 4);
          break;
        case 4:
          n = rtcp_build_fir(dst, cap, 3, 4, 5);
          break;
        case 5:
          n = rtcp_build_remb(dst, cap, 3, 777777, ssrcs, 3);
          break;
      }
      test_free(out);
      if (n > 0) {
        want = n;
        assert_int_equal((size_t)n, cap);
        break;
      }
      assert_int_equal(n, -1);
      assert_true(cap < 2000);
    }
    assert_true(want > 0 && want % 4 == 0);
  }
}

/* Random input through the iterator and every parser: no crash, no read outside. */
static void test_random_garbage(void **state) {
  (void)state;
  rng_state = 0xBADC0DEu;
  uint8_t compound[512];
  size_t clen = build_compound(compound, sizeof compound);
  static rtcp_sr sr;
  static rtcp_remb remb;
  for (int iter = 0; iter < 200000; iter++) {
    size_t n;
    uint8_t *b;
    if (iter % 2 == 0) {
      n = rng() % 160;
      b = test_malloc(n ? n : 1);
      for (size_t i = 0; i < n; i++) b[i] = (uint8_t)rng();
      /* make headers plausible often, so the walk goes deeper */
      for (size_t i = 0; i + 4 <= n; i += 4 + 4 * (rng() % 6))
        if (rng() % 2)
          b[i] = (uint8_t)(0x80 | (b[i] & 0x3F)), b[i + 1] = (uint8_t)(200 + rng() % 8), b[i + 2] = 0;
    } else {
      n = rng() % (clen + 1);
      b = test_malloc(n ? n : 1);
      memcpy(b, compound, n);
      if (n)
        for (int f = 0; f < 4; f++) b[rng() % n] = (uint8_t)rng();
    }
    (void)rtcp_validate(b, n);
    rtcp_iter it;
    rtcp_header h;
    rtcp_iter_init(&it, b, n);
    while (rtcp_iter_next(&it, &h) == 1) {
      assert_true(h.data >= b && h.data + h.len <= b + n);
      assert_true(h.body + h.body_len <= h.data + h.len);
      rtcp_rr rr;
      rtcp_bye bye;
      rtcp_fb fb;
      (void)rtcp_parse_sr(&h, &sr);
      (void)rtcp_parse_rr(&h, &rr);
      (void)rtcp_parse_bye(&h, &bye);
      (void)rtcp_is_pli(&h);
      (void)rtcp_is_transport_cc(&h);
      if (rtcp_parse_fb(&h, &fb) == 0) {
        uint16_t seqs[64];
        (void)rtcp_nack_expand(&fb, seqs, 64);
        int c = rtcp_fir_count(&fb);
        for (int i = 0; i < c; i++) {
          uint32_t s;
          uint8_t q;
          assert_int_equal(rtcp_fir_entry(&fb, i, &s, &q), 0);
        }
        (void)rtcp_parse_remb(&fb, &remb);
      }
    }
    test_free(b);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sr_round_trip),
      cmocka_unit_test(test_rr_exact_bytes_and_round_trip),
      cmocka_unit_test(test_cumulative_lost_clamped),
      cmocka_unit_test(test_compound_iteration),
      cmocka_unit_test(test_compound_truncated_every_length),
      cmocka_unit_test(test_iterator_malformed),
      cmocka_unit_test(test_parsers_reject_short_bodies),
      cmocka_unit_test(test_nack_packing_blp_boundaries),
      cmocka_unit_test(test_nack_wraparound_and_order),
      cmocka_unit_test(test_nack_random_round_trip),
      cmocka_unit_test(test_pli_and_fir),
      cmocka_unit_test(test_transport_cc_detect),
      cmocka_unit_test(test_remb),
      cmocka_unit_test(test_builders_every_short_capacity),
      cmocka_unit_test(test_random_garbage),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
