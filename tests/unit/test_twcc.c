/* Unit tests of the transport-wide congestion control codec (gateway/rtc/twcc.c): feedback
 * captured from Chrome (as published in webrtc-rs's tests) and packets hand-built from the
 * draft's chunk examples, every chunk form, sequence wrap-around, truncation at every byte,
 * counts of 0 and 65535, counts larger than the chunks provide, absurd and negative deltas,
 * padding, builder round trips over random patterns, reference time unwrapping, and the RTP
 * header extension read and written in both RFC 8285 forms. */
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

#include "gateway/rtc/rtcp.h"
#include "gateway/rtc/rtp.h"
#include "gateway/rtc/twcc.h"

static uint32_t rng_state;
static uint32_t rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  return rng_state;
}

/* Parses a whole RTCP packet (one transport-cc message) through the iterator. */
static int parse_packet(const uint8_t *buf, size_t len, twcc_feedback *fb, twcc_packet *out, size_t cap) {
  rtcp_iter it;
  rtcp_header h;
  rtcp_iter_init(&it, buf, len);
  if (rtcp_iter_next(&it, &h) != 1) return -2;
  return twcc_parse(&h, fb, out, cap);
}

/* Chrome feedback for one packet, with RTCP padding (P bit, one byte). */
static void test_chrome_single_packet_padded(void **state) {
  (void)state;
  static const uint8_t pkt[] = {0xaf, 0xcd, 0x00, 0x05, 0xfa, 0x17, 0xfa, 0x17, 0x43, 0x03, 0x2f, 0xa0,
                                0x00, 0x99, 0x00, 0x01, 0x3d, 0xe8, 0x02, 0x17, 0x20, 0x01, 0x94, 0x01};
  twcc_feedback fb;
  twcc_packet p[4];
  assert_int_equal(parse_packet(pkt, sizeof pkt, &fb, p, 4), 1);
  assert_int_equal(fb.sender_ssrc, 0xfa17fa17u);
  assert_int_equal(fb.media_ssrc, 0x43032fa0u);
  assert_int_equal(fb.base_seq, 153);
  assert_int_equal(fb.status_count, 1);
  assert_int_equal(fb.ref_time, 4057090);
  assert_int_equal(fb.fb_count, 23);
  assert_int_equal(fb.received, 1);
  assert_false(fb.truncated);
  assert_int_equal(p[0].seq, 153);
  assert_true(p[0].received);
  assert_int_equal(p[0].arrival_us, 4057090LL * 64000 + 148 * 250);

  /* The builder writes the same message with zero padding instead of the P bit. */
  uint8_t out[64];
  twcc_packet in = {.seq = 153, .received = true, .arrival_us = 4057090LL * 64000 + 37000};
  assert_int_equal(twcc_build(out, sizeof out, 0xfa17fa17u, 0x43032fa0u, 4057090, 23, &in, 1), 24);
  uint8_t want[sizeof pkt];
  memcpy(want, pkt, sizeof pkt);
  want[0] = 0x8f;
  want[23] = 0x00;
  assert_memory_equal(out, want, sizeof want);
}

/* Chrome feedback: a run of two large deltas, then a run of four small ones. */
static const uint8_t chrome_runs[] = {0x8f, 0xcd, 0x00, 0x07, 0xfa, 0x17, 0xfa, 0x17, 0x19, 0x3d, 0xd8,
                                      0xbb, 0x01, 0x74, 0x00, 0x06, 0x45, 0xb1, 0x5a, 0x40, 0x40, 0x02,
                                      0x20, 0x04, 0x1f, 0xfe, 0x1f, 0x9a, 0xd0, 0x00, 0xd0, 0x00};

static void test_chrome_run_length_chunks(void **state) {
  (void)state;
  twcc_feedback fb;
  twcc_packet p[8];
  assert_int_equal(parse_packet(chrome_runs, sizeof chrome_runs, &fb, p, 8), 6);
  assert_int_equal(fb.base_seq, 372);
  assert_int_equal(fb.ref_time, 4567386);
  assert_int_equal(fb.fb_count, 64);
  int64_t t = 4567386LL * 64000;
  const int64_t deltas[] = {2047500, 2022500, 52000, 0, 52000, 0};
  for (int i = 0; i < 6; i++) {
    t += deltas[i];
    assert_int_equal(p[i].seq, 372 + i);
    assert_true(p[i].received);
    assert_int_equal(p[i].arrival_us, t);
  }
}

/* Every prefix of the FCI shorter than what the statuses call for fails; the full one parses. */
static void test_truncated_every_byte(void **state) {
  (void)state;
  const uint8_t *fci = chrome_runs + 12;
  size_t fci_len = sizeof chrome_runs - 12;
  twcc_feedback fb;
  twcc_packet p[8];
  for (size_t n = 0; n < fci_len; n++) {
    uint8_t *b = malloc(n ? n : 1); /* exact size: ASan catches a read past the end */
    memcpy(b, fci, n);
    assert_int_equal(twcc_parse_fci(b, n, &fb, p, 8), -1);
    free(b);
  }
  assert_int_equal(twcc_parse_fci(fci, fci_len, &fb, p, 8), 6);

  /* The same through the RTCP iterator with the length field rewritten to each shorter
   * multiple of 4 (which is what a truncated-but-well-framed message looks like). */
  for (size_t words = 1; words * 4 < sizeof chrome_runs; words++) {
    uint8_t b[sizeof chrome_runs];
    memcpy(b, chrome_runs, sizeof b);
    b[3] = (uint8_t)(words - 1);
    assert_true(parse_packet(b, words * 4, &fb, p, 8) < 0);
  }
}

/* Writes the fixed FCI header. */
static size_t fci_head(uint8_t *b, uint16_t base, uint16_t count, uint32_t ref, uint8_t fbc) {
  b[0] = (uint8_t)(base >> 8);
  b[1] = (uint8_t)base;
  b[2] = (uint8_t)(count >> 8);
  b[3] = (uint8_t)count;
  b[4] = (uint8_t)(ref >> 16);
  b[5] = (uint8_t)(ref >> 8);
  b[6] = (uint8_t)ref;
  b[7] = fbc;
  return 8;
}

/* The draft's chunk examples: run-length "221 x not received" (0x00DD) and the one-bit status
 * vector 0x9F1C (not received, 5 x received, 3 x not, 3 x received, 2 x not), across the
 * 16-bit sequence wrap. */
static void test_draft_chunk_examples_and_wrap(void **state) {
  (void)state;
  uint8_t b[64];
  size_t n = fci_head(b, 65500, 221 + 14, 100, 7);
  b[n++] = 0x00, b[n++] = 0xDD;
  b[n++] = 0x9F, b[n++] = 0x1C;
  for (int i = 1; i <= 8; i++) b[n++] = (uint8_t)i; /* 8 small deltas: 250 us .. 2 ms */
  b[n++] = 0, b[n++] = 0;                           /* zero padding is ignored */
  twcc_feedback fb;
  twcc_packet p[300];
  assert_int_equal(twcc_parse_fci(b, n, &fb, p, 300), 235);
  assert_int_equal(fb.received, 8);
  for (int i = 0; i < 221; i++) assert_false(p[i].received);
  assert_int_equal(p[0].seq, 65500);
  assert_int_equal(p[35].seq, 65535);
  assert_int_equal(p[36].seq, 0);
  static const bool rx[14] = {0, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0};
  int64_t t = 100LL * 64000;
  int d = 1;
  for (int i = 0; i < 14; i++) {
    assert_int_equal(p[221 + i].received, rx[i]);
    assert_int_equal(p[221 + i].seq, (uint16_t)(65500 + 221 + i));
    if (rx[i]) {
      t += 250 * d++;
      assert_int_equal(p[221 + i].arrival_us, t);
    }
  }
  /* Eight deltas are needed: with only seven the message is refused. */
  assert_int_equal(twcc_parse_fci(b, 8 + 4 + 7, &fb, p, 300), -1);
}

/* A two-bit vector with a negative large delta and an absurd one, then the reserved symbol. */
static void test_two_bit_vector_negative_and_reserved(void **state) {
  (void)state;
  uint8_t b[64];
  size_t n = fci_head(b, 10, 5, 0, 0);
  /* 1 1 | 01 10 00 10 01 00 00: small, large, lost, large, small (and two unused) */
  b[n++] = 0xC0 | 0x10 | 0x08, b[n++] = 0x80 | 0x10;
  b[n++] = 40;                  /* +10 ms */
  b[n++] = 0xFF, b[n++] = 0xD8; /* -40 x 250 = -10 ms */
  b[n++] = 0x80, b[n++] = 0x00; /* -32768 x 250 = -8.192 s: absurd, still exact */
  b[n++] = 0x00;                /* +0 */
  twcc_feedback fb;
  twcc_packet p[5];
  assert_int_equal(twcc_parse_fci(b, n, &fb, p, 5), 5);
  assert_int_equal(p[0].arrival_us, 10000);
  assert_int_equal(p[1].arrival_us, 0);
  assert_false(p[2].received);
  assert_int_equal(p[3].arrival_us, -8192000);
  assert_int_equal(p[4].arrival_us, -8192000);

  /* Symbol 11 is reserved in -01 (libwebrtc refuses it too): in a vector, and in a run. */
  b[9] |= 0x03; /* the seventh two-bit symbol, beyond count 5: ignored */
  assert_int_equal(twcc_parse_fci(b, n, &fb, p, 5), 5);
  b[8] = 0xC0 | 0x30; /* the first symbol := 11 */
  assert_int_equal(twcc_parse_fci(b, n, &fb, p, 5), -1);
  size_t m = fci_head(b, 10, 3, 0, 0);
  b[m++] = 0x60, b[m++] = 0x03; /* run of 3 x 11 */
  b[m++] = 0, b[m++] = 0, b[m++] = 0;
  assert_int_equal(twcc_parse_fci(b, m, &fb, p, 5), -1);
}

static void test_counts_zero_large_and_short_chunks(void **state) {
  (void)state;
  uint8_t b[64];
  twcc_feedback fb;
  twcc_packet p[16];
  /* Count 0 is refused. */
  size_t n = fci_head(b, 1, 0, 0, 0);
  b[n++] = 0x00, b[n++] = 0x05;
  assert_int_equal(twcc_parse_fci(b, n, &fb, p, 16), -1);
  /* Count 10 but the only chunk describes 5 lost packets. */
  n = fci_head(b, 1, 10, 0, 0);
  b[n++] = 0x00, b[n++] = 0x05;
  assert_int_equal(twcc_parse_fci(b, n, &fb, p, 16), -1);
  /* A second chunk completes it; a run longer than needed is cut at the count. */
  b[n++] = 0x00, b[n++] = 0x40;
  assert_int_equal(twcc_parse_fci(b, n, &fb, p, 16), 10);
  assert_int_equal(fb.received, 0);

  /* Count 65535, all lost: eight runs of 8191 and one of 7. Stored up to cap, all validated. */
  n = fci_head(b, 0, 65535, 0, 0);
  for (int i = 0; i < 8; i++) b[n++] = 0x1F, b[n++] = 0xFF;
  b[n++] = 0x00, b[n++] = 0x07;
  assert_int_equal(twcc_parse_fci(b, n, &fb, p, 16), 16);
  assert_true(fb.truncated);
  assert_int_equal(fb.status_count, 65535);
  assert_int_equal(p[15].seq, 15);
  /* One packet short: refused. */
  b[n - 1] = 0x06;
  assert_int_equal(twcc_parse_fci(b, n, &fb, p, 16), -1);

  /* Count 65535, all received with the maximal small delta: 65535 delta bytes. */
  size_t big = 8 + 18 + 65535;
  uint8_t *q = malloc(big);
  n = fci_head(q, 65535, 65535, 0xFFFFFF, 255);
  for (int i = 0; i < 8; i++) q[n++] = 0x3F, q[n++] = 0xFF;
  q[n++] = 0x20, q[n++] = 0x07;
  memset(q + n, 0xFF, 65535);
  twcc_packet *all = malloc(65535 * sizeof *all);
  assert_int_equal(twcc_parse_fci(q, big, &fb, all, 65535), 65535);
  assert_false(fb.truncated);
  assert_int_equal(fb.received, 65535);
  assert_int_equal(all[65534].seq, 65533);
  assert_int_equal(all[65534].arrival_us, 0xFFFFFFLL * 64000 + 65535LL * 255 * 250);
  /* Missing the last delta byte: refused. */
  assert_int_equal(twcc_parse_fci(q, big - 1, &fb, all, 65535), -1);
  free(all);
  free(q);
}

static void test_rtcp_type_checks(void **state) {
  (void)state;
  uint8_t b[sizeof chrome_runs];
  twcc_feedback fb;
  twcc_packet p[8];
  memcpy(b, chrome_runs, sizeof b);
  b[0] = 0x81; /* RTPFB fmt 1: a NACK */
  assert_int_equal(parse_packet(b, sizeof b, &fb, p, 8), -1);
  b[0] = 0x8f;
  b[1] = RTCP_PSFB;
  assert_int_equal(parse_packet(b, sizeof b, &fb, p, 8), -1);
  /* A message with nothing after the SSRCs. */
  uint8_t s[12] = {0x8f, 0xcd, 0x00, 0x02};
  assert_int_equal(parse_packet(s, sizeof s, &fb, p, 8), -1);
}

/* Random patterns of loss, small, large and negative deltas round-trip through the builder. */
static void test_builder_round_trip_random(void **state) {
  (void)state;
  rng_state = 0x7cc7cc7cu;
  static twcc_packet in[3000], out[3000];
  static uint8_t buf[16384];
  for (int iter = 0; iter < 400; iter++) {
    size_t n = 1 + rng() % (iter < 200 ? 40 : 3000);
    uint32_t ref = rng() & 0xFFFFFF;
    uint16_t base = (uint16_t)rng();
    int64_t t = (int64_t)ref * 64000;
    int mode = rng() % 4; /* 0 mixed, 1 mostly lost, 2 all small, 3 runs */
    for (size_t i = 0; i < n; i++) {
      in[i].seq = (uint16_t)(base + i);
      uint32_t r = rng() % 100;
      bool rx = mode == 1 ? r < 10 : mode == 2 ? true : mode == 3 ? ((i / 50) % 2 == 0) : r < 80;
      in[i].received = rx;
      in[i].arrival_us = 0;
      if (!rx) continue;
      int64_t d;
      if (mode == 2 || rng() % 10 < 8)
        d = (int64_t)(rng() % 256) * 250;
      else
        d = ((int64_t)(rng() % 60000) - 30000) * 250;
      t += d;
      in[i].arrival_us = t;
    }
    int len = twcc_build(buf, sizeof buf, 1, 2, ref, (uint8_t)iter, in, n);
    assert_true(len > 0);
    assert_int_equal(len % 4, 0);
    assert_int_equal(rtcp_validate(buf, (size_t)len), 0);
    twcc_feedback fb;
    assert_int_equal(parse_packet(buf, (size_t)len, &fb, out, 3000), (int)n);
    assert_int_equal(fb.base_seq, base);
    assert_int_equal(fb.ref_time, ref);
    assert_int_equal(fb.fb_count, (uint8_t)iter);
    for (size_t i = 0; i < n; i++) {
      assert_int_equal(out[i].seq, in[i].seq);
      assert_int_equal(out[i].received, in[i].received);
      if (in[i].received) assert_int_equal(out[i].arrival_us, in[i].arrival_us);
    }
    /* Every shorter capacity fails (spot-checked on the small ones). */
    if (n < 40)
      for (int c = 0; c < len; c++) assert_int_equal(twcc_build(buf, (size_t)c, 1, 2, ref, 0, in, n), -1);
  }
}

static void test_builder_rejects_bad_input(void **state) {
  (void)state;
  uint8_t buf[256];
  twcc_packet p[2] = {{.seq = 5, .received = true, .arrival_us = 0},
                      {.seq = 7, .received = true, .arrival_us = 0}};
  assert_int_equal(twcc_build(buf, sizeof buf, 1, 2, 0, 0, p, 0), -1);
  assert_int_equal(twcc_build(buf, sizeof buf, 1, 2, 0, 0, p, 2), -1); /* not consecutive */
  assert_int_equal(twcc_build(buf, sizeof buf, 1, 2, 0x1000000, 0, p, 1), -1);
  p[1].seq = 6;
  p[1].arrival_us = 32768LL * 250; /* one tick past the largest delta */
  assert_int_equal(twcc_build(buf, sizeof buf, 1, 2, 0, 0, p, 2), -1);
  p[1].arrival_us = 32767LL * 250;
  assert_true(twcc_build(buf, sizeof buf, 1, 2, 0, 0, p, 2) > 0);
}

static void test_ref_unwrap(void **state) {
  (void)state;
  twcc_ref_unwrapper u = {0};
  assert_int_equal(twcc_ref_unwrap(&u, 0xFFFFFE), 0);
  assert_int_equal(twcc_ref_unwrap(&u, 0xFFFFFF), 0);
  assert_int_equal(twcc_ref_unwrap(&u, 0x000001), 0x1000000LL * 64000); /* wrapped forward */
  assert_int_equal(twcc_ref_unwrap(&u, 0xFFFFFF), 0);                   /* a late one */
  assert_int_equal(twcc_ref_unwrap(&u, 0x000002), 0x1000000LL * 64000);
}

/* An RTP packet: header, optional extension block, 4 payload bytes, optional padding. */
static size_t rtp_with(uint8_t *b, const uint8_t *ext, size_t ext_len, uint16_t profile, bool pad) {
  memset(b, 0, 12);
  b[0] = 0x80;
  b[1] = 96;
  b[3] = 1;
  size_t n = 12;
  if (ext) {
    b[0] |= 0x10;
    b[n++] = (uint8_t)(profile >> 8), b[n++] = (uint8_t)profile;
    b[n++] = 0, b[n++] = (uint8_t)(ext_len / 4);
    memcpy(b + n, ext, ext_len);
    n += ext_len;
  }
  memcpy(b + n, "\xde\xad\xbe\xef", 4);
  n += 4;
  if (pad) {
    b[0] |= 0x20;
    b[n++] = 0, b[n++] = 0, b[n++] = 3;
  }
  return n;
}

static void assert_ext_seq(const uint8_t *b, size_t len, uint8_t id, uint16_t want) {
  rtp_packet p;
  uint16_t seq = 0;
  assert_int_equal(rtp_parse(b, len, &p), 0);
  assert_int_equal(twcc_ext_read(&p, id, &seq), 0);
  assert_int_equal(seq, want);
  assert_int_equal(p.payload_len, 4);
  assert_memory_equal(p.payload, "\xde\xad\xbe\xef", 4);
}

static void test_ext_read_write(void **state) {
  (void)state;
  uint8_t b[128];
  /* One-byte form, element present (id 5, L=1): rewritten in place. */
  static const uint8_t e1[4] = {0x51, 0x12, 0x34, 0x00};
  size_t n = rtp_with(b, e1, 4, RTP_EXT_PROFILE_ONE_BYTE, false);
  assert_ext_seq(b, n, 5, 0x1234);
  assert_int_equal(twcc_ext_write(b, n, sizeof b, 5, 0xBEEF), (int)n);
  assert_ext_seq(b, n, 5, 0xBEEF);

  /* No block: a one-byte block is inserted, payload and padding move. */
  n = rtp_with(b, NULL, 0, 0, true);
  int m = twcc_ext_write(b, n, sizeof b, 3, 777);
  assert_int_equal(m, (int)n + 8);
  assert_ext_seq(b, (size_t)m, 3, 777);
  rtp_packet p;
  assert_int_equal(rtp_parse(b, (size_t)m, &p), 0);
  assert_int_equal(p.padding_len, 3);
  assert_int_equal(p.ext_profile, RTP_EXT_PROFILE_ONE_BYTE);

  /* No block and id 20: a two-byte block. */
  n = rtp_with(b, NULL, 0, 0, false);
  m = twcc_ext_write(b, n, sizeof b, 20, 4242);
  assert_int_equal(m, (int)n + 8);
  assert_ext_seq(b, (size_t)m, 20, 4242);

  /* One-byte block with abs-send-time (id 3, 3 bytes): the element is appended, the block grows
   * from 4 to 8 bytes; the old element keeps its value. */
  static const uint8_t e2[4] = {0x32, 0xAA, 0xBB, 0xCC};
  n = rtp_with(b, e2, 4, RTP_EXT_PROFILE_ONE_BYTE, false);
  m = twcc_ext_write(b, n, sizeof b, 5, 9);
  assert_int_equal(m, (int)n + 4);
  assert_ext_seq(b, (size_t)m, 5, 9);
  const uint8_t *v;
  size_t vl;
  assert_int_equal(rtp_parse(b, (size_t)m, &p), 0);
  assert_int_equal(rtp_ext_find(&p, 3, &v, &vl), 0);
  assert_int_equal(vl, 3);
  assert_memory_equal(v, "\xAA\xBB\xCC", 3);

  /* Audio level (id 1, 1 byte) then padding: the element fits in the padding, no growth. */
  static const uint8_t e3[8] = {0x10, 0x7F, 0, 0, 0, 0, 0, 0};
  n = rtp_with(b, e3, 8, RTP_EXT_PROFILE_ONE_BYTE, false);
  assert_int_equal(twcc_ext_write(b, n, sizeof b, 5, 1), (int)n);
  assert_ext_seq(b, n, 5, 1);

  /* Two-byte block with one element: appended as id, len, value. */
  static const uint8_t e4[4] = {0x01, 0x01, 0x7F, 0x00};
  n = rtp_with(b, e4, 4, RTP_EXT_PROFILE_TWO_BYTE, false);
  m = twcc_ext_write(b, n, sizeof b, 200, 65535);
  assert_int_equal(m, (int)n + 4);
  assert_ext_seq(b, (size_t)m, 200, 65535);

  /* Refusals leave the buffer unchanged. */
  uint8_t before[128];
  n = rtp_with(b, e2, 4, RTP_EXT_PROFILE_ONE_BYTE, false);
  memcpy(before, b, sizeof b);
  assert_int_equal(twcc_ext_write(b, n, sizeof b, 15, 1), -1); /* id 15 in a one-byte block */
  assert_int_equal(twcc_ext_write(b, n, sizeof b, 0, 1), -1);
  assert_int_equal(twcc_ext_write(b, n, sizeof b, 3, 1), -1); /* id 3 holds 3 bytes, not 2 */
  assert_int_equal(twcc_ext_write(b, n, n + 3, 5, 1), -1);    /* no room to grow by 4 */
  assert_int_equal(twcc_ext_write(b, 11, sizeof b, 5, 1), -1);
  assert_memory_equal(b, before, sizeof b);
  static const uint8_t bad[4] = {0x33, 0xAA, 0xBB, 0xCC}; /* element runs past the block */
  n = rtp_with(b, bad, 4, RTP_EXT_PROFILE_ONE_BYTE, false);
  memcpy(before, b, sizeof b);
  assert_int_equal(twcc_ext_write(b, n, sizeof b, 5, 1), -1);
  assert_memory_equal(b, before, sizeof b);

  /* Reading: absent, or too short. */
  static const uint8_t e5[4] = {0x50, 0x12, 0, 0}; /* id 5 with 1 byte */
  n = rtp_with(b, e5, 4, RTP_EXT_PROFILE_ONE_BYTE, false);
  uint16_t seq;
  assert_int_equal(rtp_parse(b, n, &p), 0);
  assert_int_equal(twcc_ext_read(&p, 5, &seq), -1);
  assert_int_equal(twcc_ext_read(&p, 6, &seq), -1);
}

static void test_random_garbage(void **state) {
  (void)state;
  rng_state = 12345;
  twcc_feedback fb;
  twcc_packet p[64];
  for (int iter = 0; iter < 200000; iter++) {
    size_t n = rng() % 48;
    uint8_t *b = malloc(n ? n : 1);
    for (size_t i = 0; i < n; i++) b[i] = (uint8_t)rng();
    if (n >= 4 && rng() % 2) b[2] = 0, b[3] = (uint8_t)(rng() % 40); /* plausible counts */
    int r = twcc_parse_fci(b, n, &fb, p, rng() % 64);
    if (r >= 0) assert_true((size_t)r <= fb.status_count);
    free(b);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_chrome_single_packet_padded),
      cmocka_unit_test(test_chrome_run_length_chunks),
      cmocka_unit_test(test_truncated_every_byte),
      cmocka_unit_test(test_draft_chunk_examples_and_wrap),
      cmocka_unit_test(test_two_bit_vector_negative_and_reserved),
      cmocka_unit_test(test_counts_zero_large_and_short_chunks),
      cmocka_unit_test(test_rtcp_type_checks),
      cmocka_unit_test(test_builder_round_trip_random),
      cmocka_unit_test(test_builder_rejects_bad_input),
      cmocka_unit_test(test_ref_unwrap),
      cmocka_unit_test(test_ext_read_write),
      cmocka_unit_test(test_random_garbage),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
