/* Unit tests of the RTP codec (gateway/rtc/rtp.c): header parsing with CSRCs, extensions and
 * padding, truncation at every length, RFC 8285 extension lookup and rewrite, RTX round trips,
 * VP8/H.264 keyframe detection, audio level, demultiplexing, and a seeded random-input loop that must never
 * crash under ASan/UBSan. */
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

static uint32_t rng_state;
static uint32_t rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  return rng_state;
}

/* A video packet: 2 CSRCs, a one-byte extension block (ids 1 [1 byte], 3 [4 bytes], padding,
 * 5 [2 bytes]), 10 payload bytes and 3 bytes of padding. */
static const uint8_t full_pkt[] = {
    0xB2, 0xE0, 0x12, 0x34,                                     /* V=2 P=1 X=1 CC=2, M=1 PT=96, seq 0x1234 */
    0xDE, 0xAD, 0xBE, 0xEF,                                     /* ts */
    0x01, 0x02, 0x03, 0x04,                                     /* ssrc */
    0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x22, 0x22,             /* CSRCs */
    0xBE, 0xDE, 0x00, 0x03,                                     /* one-byte profile, 3 words */
    0x10, 0xAA,                                                 /* id 1, len 1 */
    0x33, 0x01, 0x02, 0x03, 0x04,                               /* id 3, len 4 */
    0x00,                                                       /* padding */
    0x51, 0x05, 0x06,                                           /* id 5, len 2 */
    0x00,                                                       /* padding to the word */
    0x90, 0x10, 0x00, 0x9d, 0x01, 0x2a, 0x77, 0x88, 0x99, 0xAA, /* payload */
    0x00, 0x00, 0x03,                                           /* padding, count 3 */
};
#define FULL_HL 36
#define FULL_PL 10

static size_t make_simple(uint8_t *b, uint8_t pt, uint16_t seq, uint32_t ts, uint32_t ssrc,
                          const uint8_t *payload, size_t n) {
  b[0] = 0x80;
  b[1] = pt;
  rtp_set_seq(b, seq);
  rtp_set_ts(b, ts);
  rtp_set_ssrc(b, ssrc);
  if (n) memcpy(b + 12, payload, n);
  return 12 + n;
}

static void test_parse_full(void **state) {
  (void)state;
  rtp_packet p;
  assert_int_equal(rtp_parse(full_pkt, sizeof full_pkt, &p), 0);
  assert_int_equal(p.version, 2);
  assert_true(p.padding);
  assert_true(p.extension);
  assert_int_equal(p.csrc_count, 2);
  assert_true(p.marker);
  assert_int_equal(p.pt, 96);
  assert_int_equal(p.seq, 0x1234);
  assert_int_equal(p.ts, 0xDEADBEEFu);
  assert_int_equal(p.ssrc, 0x01020304u);
  assert_int_equal(p.ext_profile, 0xBEDE);
  assert_int_equal(p.ext_len, 12);
  assert_ptr_equal(p.ext, full_pkt + 24);
  assert_int_equal(p.header_len, FULL_HL);
  assert_ptr_equal(p.payload, full_pkt + FULL_HL);
  assert_int_equal(p.payload_len, FULL_PL);
  assert_int_equal(p.padding_len, 3);
}

static void test_parse_minimal(void **state) {
  (void)state;
  uint8_t b[32];
  size_t n = make_simple(b, 111, 65535, 1, 0xFFFFFFFFu, NULL, 0);
  rtp_packet p;
  assert_int_equal(rtp_parse(b, n, &p), 0);
  assert_int_equal(p.payload_len, 0);
  assert_int_equal(p.header_len, 12);
  assert_null(p.ext);
  assert_int_equal(p.pt, 111);
  assert_false(p.marker);
  assert_int_equal(p.ssrc, 0xFFFFFFFFu);
}

/* Every prefix shorter than the header fails; longer ones either fail or are consistent. */
static void test_truncated_every_length(void **state) {
  (void)state;
  for (size_t n = 0; n <= sizeof full_pkt; n++) {
    uint8_t *b = test_malloc(n ? n : 1);
    memcpy(b, full_pkt, n);
    rtp_packet p;
    int rc = rtp_parse(b, n, &p);
    if (n < FULL_HL) assert_int_equal(rc, -1);
    if (n == sizeof full_pkt) assert_int_equal(rc, 0);
    if (rc == 0) assert_int_equal(p.header_len + p.payload_len + p.padding_len, n);
    test_free(b);
  }
  /* Without the P bit every prefix from the header on is a valid, shorter packet. */
  uint8_t np[sizeof full_pkt];
  memcpy(np, full_pkt, sizeof np);
  np[0] &= (uint8_t)~0x20;
  for (size_t n = 0; n <= sizeof np; n++) {
    rtp_packet p;
    assert_int_equal(rtp_parse(np, n, &p), n < FULL_HL ? -1 : 0);
    if (n >= FULL_HL) assert_int_equal(p.payload_len, n - FULL_HL);
  }
}

static void test_parse_malformed(void **state) {
  (void)state;
  uint8_t b[sizeof full_pkt];
  rtp_packet p;
  for (int v = 0; v < 4; v++) { /* only version 2 */
    memcpy(b, full_pkt, sizeof b);
    b[0] = (uint8_t)((b[0] & 0x3F) | v << 6);
    assert_int_equal(rtp_parse(b, sizeof b, &p), v == 2 ? 0 : -1);
  }
  memcpy(b, full_pkt, sizeof b);
  b[0] = 0x8F; /* CC=15: 72 bytes of CSRCs do not fit */
  assert_int_equal(rtp_parse(b, 40, &p), -1);
  memcpy(b, full_pkt, sizeof b);
  b[23] = 0x20; /* extension length 128 bytes */
  assert_int_equal(rtp_parse(b, sizeof b, &p), -1);
  memcpy(b, full_pkt, sizeof b);
  b[22] = 0xFF, b[23] = 0xFF; /* extension length 262140 bytes */
  assert_int_equal(rtp_parse(b, sizeof b, &p), -1);
  memcpy(b, full_pkt, sizeof b);
  b[sizeof b - 1] = 0; /* padding count 0 */
  assert_int_equal(rtp_parse(b, sizeof b, &p), -1);
  b[sizeof b - 1] = FULL_PL + 3 + 1; /* more padding than payload */
  assert_int_equal(rtp_parse(b, sizeof b, &p), -1);
  b[sizeof b - 1] = FULL_PL + 3; /* all of the payload is padding: fine, empty payload */
  assert_int_equal(rtp_parse(b, sizeof b, &p), 0);
  assert_int_equal(p.payload_len, 0);
  /* P bit set but nothing after the header to hold the count. */
  uint8_t h[12];
  make_simple(h, 96, 1, 1, 1, NULL, 0);
  h[0] |= 0x20;
  assert_int_equal(rtp_parse(h, 12, &p), -1);
  /* X bit set but no room for the extension header. */
  make_simple(h, 96, 1, 1, 1, NULL, 0);
  h[0] |= 0x10;
  assert_int_equal(rtp_parse(h, 12, &p), -1);
}

static void test_accessors_and_setters(void **state) {
  (void)state;
  uint8_t b[sizeof full_pkt];
  memcpy(b, full_pkt, sizeof b);
  assert_int_equal(rtp_get_pt(b), 96);
  assert_true(rtp_get_marker(b));
  assert_int_equal(rtp_get_seq(b), 0x1234);
  assert_int_equal(rtp_get_ts(b), 0xDEADBEEFu);
  assert_int_equal(rtp_get_ssrc(b), 0x01020304u);
  rtp_set_pt(b, 100);
  assert_true(rtp_get_marker(b)); /* marker kept */
  assert_int_equal(rtp_get_pt(b), 100);
  rtp_set_marker(b, false);
  assert_int_equal(rtp_get_pt(b), 100); /* pt kept */
  assert_false(rtp_get_marker(b));
  rtp_set_pt(b, 0xFF); /* masked to 7 bits, marker untouched */
  assert_int_equal(rtp_get_pt(b), 0x7F);
  assert_false(rtp_get_marker(b));
  rtp_set_seq(b, 0xFFFF);
  rtp_set_ts(b, 0x80000001u);
  rtp_set_ssrc(b, 0xCAFEBABEu);
  rtp_packet p;
  assert_int_equal(rtp_parse(b, sizeof b, &p), 0);
  assert_int_equal(p.seq, 0xFFFF);
  assert_int_equal(p.ts, 0x80000001u);
  assert_int_equal(p.ssrc, 0xCAFEBABEu);
  assert_memory_equal(b + 12, full_pkt + 12, sizeof b - 12); /* the rest is untouched */
}

static void test_ext_one_byte(void **state) {
  (void)state;
  rtp_packet p;
  assert_int_equal(rtp_parse(full_pkt, sizeof full_pkt, &p), 0);
  const uint8_t *v;
  size_t n;
  assert_int_equal(rtp_ext_find(&p, 1, &v, &n), 0);
  assert_int_equal(n, 1);
  assert_int_equal(v[0], 0xAA);
  assert_int_equal(rtp_ext_find(&p, 3, &v, &n), 0);
  assert_int_equal(n, 4);
  assert_memory_equal(v, "\x01\x02\x03\x04", 4);
  assert_int_equal(rtp_ext_find(&p, 5, &v, &n), 0); /* after a padding byte */
  assert_int_equal(n, 2);
  assert_memory_equal(v, "\x05\x06", 2);
  assert_int_equal(rtp_ext_find(&p, 2, &v, &n), -1);
  assert_int_equal(rtp_ext_find(&p, 0, &v, &n), -1);
  assert_int_equal(rtp_ext_find(&p, 15, &v, &n), -1);
  assert_int_equal(rtp_ext_find(&p, 200, &v, &n), -1);

  /* id 15 stops processing: an element after it is not found. */
  uint8_t b[sizeof full_pkt];
  memcpy(b, full_pkt, sizeof b);
  b[24] = 0xF0;
  assert_int_equal(rtp_parse(b, sizeof b, &p), 0);
  assert_int_equal(rtp_ext_find(&p, 3, &v, &n), -1);
  /* An element whose length runs past the block is not returned. */
  memcpy(b, full_pkt, sizeof b);
  b[32] = 0x5F; /* id 5, len 16 */
  assert_int_equal(rtp_parse(b, sizeof b, &p), 0);
  assert_int_equal(rtp_ext_find(&p, 5, &v, &n), -1);
  assert_int_equal(rtp_ext_find(&p, 3, &v, &n), 0); /* earlier ones still are */
  /* Unknown profile: no RFC 8285 lookup. */
  memcpy(b, full_pkt, sizeof b);
  b[20] = 0xAB;
  assert_int_equal(rtp_parse(b, sizeof b, &p), 0);
  assert_int_equal(rtp_ext_find(&p, 1, &v, &n), -1);
  /* No extension at all. */
  uint8_t s[16];
  assert_int_equal(rtp_parse(s, make_simple(s, 96, 1, 2, 3, NULL, 0), &p), 0);
  assert_int_equal(rtp_ext_find(&p, 1, &v, &n), -1);
}

static void test_ext_two_byte(void **state) {
  (void)state;
  uint8_t b[] = {
      0x90, 0x60, 0x00, 0x01, 0,    0,    0,    1, 0, 0, 0, 2, /* X=1 */
      0x10, 0x07, 0x00, 0x04,                                  /* two-byte profile, appbits 7, 4 words */
      0x01, 0x00,                                              /* id 1, empty */
      0x00,                                                    /* padding */
      0xFF, 0x03, 0xA1, 0xA2, 0xA3,                            /* id 255, 3 bytes */
      0x20, 0x05, 0xB1, 0xB2, 0xB3, 0xB4, 0xB5,                /* id 32, 5 bytes */
      0x00,                                                    /* padding */
      0xC0, 0xC1,                                              /* payload */
  };
  rtp_packet p;
  assert_int_equal(rtp_parse(b, sizeof b, &p), 0);
  assert_int_equal(p.ext_len, 16);
  assert_int_equal(p.payload_len, 2);
  const uint8_t *v;
  size_t n;
  assert_int_equal(rtp_ext_find(&p, 1, &v, &n), 0);
  assert_int_equal(n, 0);
  assert_int_equal(rtp_ext_find(&p, 255, &v, &n), 0);
  assert_int_equal(n, 3);
  assert_int_equal(v[2], 0xA3);
  assert_int_equal(rtp_ext_find(&p, 32, &v, &n), 0);
  assert_int_equal(n, 5);
  assert_int_equal(v[4], 0xB5);
  assert_int_equal(rtp_ext_find(&p, 2, &v, &n), -1);

  /* Rewrite: id 255 -> 7 with a new value; id 32 -> 33 keeping its value. */
  const uint8_t nv[3] = {1, 2, 3};
  assert_int_equal(rtp_ext_rewrite(b, sizeof b, 255, 7, nv, 3), 0);
  assert_int_equal(rtp_ext_rewrite(b, sizeof b, 32, 33, NULL, 0), 0);
  assert_int_equal(rtp_ext_rewrite(b, sizeof b, 1, 0, NULL, 0), -1); /* id 0 invalid */
  assert_int_equal(rtp_parse(b, sizeof b, &p), 0);
  assert_int_equal(rtp_ext_find(&p, 255, &v, &n), -1);
  assert_int_equal(rtp_ext_find(&p, 7, &v, &n), 0);
  assert_memory_equal(v, nv, 3);
  assert_int_equal(rtp_ext_find(&p, 33, &v, &n), 0);
  assert_int_equal(v[0], 0xB1);

  /* Element length past the block. */
  b[20] = 0x40;
  assert_int_equal(rtp_parse(b, sizeof b, &p), 0);
  assert_int_equal(rtp_ext_find(&p, 7, &v, &n), -1);
  assert_int_equal(rtp_ext_find(&p, 1, &v, &n), 0);
}

static void test_ext_one_byte_rewrite(void **state) {
  (void)state;
  uint8_t b[sizeof full_pkt];
  memcpy(b, full_pkt, sizeof b);
  const uint8_t nv[4] = {9, 8, 7, 6};
  assert_int_equal(rtp_ext_rewrite(b, sizeof b, 3, 12, nv, 4), 0);
  rtp_packet p;
  assert_int_equal(rtp_parse(b, sizeof b, &p), 0);
  const uint8_t *v;
  size_t n;
  assert_int_equal(rtp_ext_find(&p, 3, &v, &n), -1);
  assert_int_equal(rtp_ext_find(&p, 12, &v, &n), 0);
  assert_int_equal(n, 4);
  assert_memory_equal(v, nv, 4);
  assert_int_equal(rtp_ext_find(&p, 5, &v, &n), 0); /* the walk still lines up */

  uint8_t before[sizeof b];
  memcpy(before, b, sizeof b);
  assert_int_equal(rtp_ext_rewrite(b, sizeof b, 12, 4, nv, 3), -1);    /* wrong length */
  assert_int_equal(rtp_ext_rewrite(b, sizeof b, 12, 15, NULL, 0), -1); /* 15 reserved */
  assert_int_equal(rtp_ext_rewrite(b, sizeof b, 12, 0, NULL, 0), -1);
  assert_int_equal(rtp_ext_rewrite(b, sizeof b, 9, 4, NULL, 0), -1); /* absent */
  assert_int_equal(rtp_ext_rewrite(b, 20, 12, 4, NULL, 0), -1);      /* truncated */
  assert_memory_equal(b, before, sizeof b);
  assert_int_equal(rtp_ext_rewrite(b, sizeof b, 1, 14, NULL, 0), 0);
  assert_int_equal(b[24], 0xE0);
}

/* RTX round trip out of place and in place; the original comes back minus its padding. */
static void test_rtx_round_trip(void **state) {
  (void)state;
  uint8_t rtx[128], back[128];
  int n = rtp_rtx_encap(rtx, sizeof rtx, full_pkt, sizeof full_pkt, 97, 0xABCDEF01u, 777);
  assert_int_equal(n, FULL_HL + 2 + FULL_PL);
  rtp_packet p;
  assert_int_equal(rtp_parse(rtx, (size_t)n, &p), 0);
  assert_int_equal(p.pt, 97);
  assert_true(p.marker);
  assert_int_equal(p.ssrc, 0xABCDEF01u);
  assert_int_equal(p.seq, 777);
  assert_false(p.padding);
  assert_int_equal(p.csrc_count, 2);
  assert_int_equal(p.payload_len, FULL_PL + 2);
  assert_int_equal(p.payload[0], 0x12); /* OSN */
  assert_int_equal(p.payload[1], 0x34);
  assert_memory_equal(p.payload + 2, full_pkt + FULL_HL, FULL_PL);
  assert_memory_equal(rtx + 12, full_pkt + 12, FULL_HL - 12); /* CSRCs and extensions kept */

  uint16_t osn = 0;
  int m = rtp_rtx_decap(back, sizeof back, rtx, (size_t)n, 96, 0x01020304u, &osn);
  assert_int_equal(m, FULL_HL + FULL_PL);
  assert_int_equal(osn, 0x1234);
  uint8_t want[sizeof full_pkt];
  memcpy(want, full_pkt, sizeof want);
  want[0] &= (uint8_t)~0x20;
  assert_memory_equal(back, want, (size_t)m);

  /* In place, both ways. */
  uint8_t buf[128];
  memcpy(buf, full_pkt, sizeof full_pkt);
  n = rtp_rtx_encap(buf, sizeof buf, buf, sizeof full_pkt, 97, 0xABCDEF01u, 777);
  assert_int_equal(n, FULL_HL + 2 + FULL_PL);
  assert_memory_equal(buf, rtx, (size_t)n);
  m = rtp_rtx_decap(buf, sizeof buf, buf, (size_t)n, 96, 0x01020304u, NULL);
  assert_int_equal(m, FULL_HL + FULL_PL);
  assert_memory_equal(buf, want, (size_t)m);
}

static void test_rtx_errors(void **state) {
  (void)state;
  uint8_t out[128];
  /* Capacity one short, every short capacity. */
  for (size_t cap = 0; cap < FULL_HL + 2 + FULL_PL; cap++)
    assert_int_equal(rtp_rtx_encap(out, cap, full_pkt, sizeof full_pkt, 97, 1, 1), -1);
  uint8_t b[32];
  size_t n = make_simple(b, 97, 5, 6, 7, (const uint8_t *)"\x00", 1); /* 1 payload byte */
  assert_int_equal(rtp_rtx_decap(out, sizeof out, b, n, 96, 1, NULL), -1);
  n = make_simple(b, 97, 5, 6, 7, NULL, 0); /* padding-only probe: no OSN */
  assert_int_equal(rtp_rtx_decap(out, sizeof out, b, n, 96, 1, NULL), -1);
  n = make_simple(b, 97, 5, 6, 7, (const uint8_t *)"\x00\x09\xAB", 3);
  assert_int_equal(rtp_rtx_decap(out, 12, b, n, 96, 1, NULL), -1); /* cap too small */
  uint16_t osn;
  assert_int_equal(rtp_rtx_decap(out, 13, b, n, 96, 1, &osn), 13);
  assert_int_equal(osn, 9);
  assert_int_equal(out[12], 0xAB);
  assert_int_equal(rtp_rtx_encap(out, sizeof out, b, 11, 97, 1, 1), -1); /* not RTP */
  assert_int_equal(rtp_rtx_decap(out, sizeof out, b, 11, 96, 1, NULL), -1);
  /* An RTX packet with padding after the OSN: padding is dropped. */
  uint8_t pb[20];
  n = make_simple(pb, 97, 5, 6, 7, (const uint8_t *)"\x00\x09\xAB\x00\x00\x03", 6);
  pb[0] |= 0x20;
  assert_int_equal(rtp_rtx_decap(out, sizeof out, pb, n, 96, 1, NULL), 13);
  assert_int_equal(out[0] & 0x20, 0);
}

static void test_vp8_keyframe(void **state) {
  (void)state;
  /* Minimal descriptor: S=1 PID=0, then the VP8 payload header with P=0 (key frame). */
  assert_true(rtp_vp8_is_keyframe((const uint8_t *)"\x10\x00\x00\x9d", 4));
  assert_false(rtp_vp8_is_keyframe((const uint8_t *)"\x10\x01\x00\x9d", 4)); /* P=1 */
  assert_false(rtp_vp8_is_keyframe((const uint8_t *)"\x00\x00\x00\x9d", 4)); /* S=0 */
  assert_false(rtp_vp8_is_keyframe((const uint8_t *)"\x11\x00\x00\x9d", 4)); /* PID=1 */
  assert_false(rtp_vp8_is_keyframe((const uint8_t *)"\x10", 1));             /* no header */
  assert_false(rtp_vp8_is_keyframe(NULL, 0));
  /* X=1 I=1 (15-bit picture id, M=1) L=1 T=1: 6 descriptor bytes, as Chrome sends. */
  static const uint8_t chrome[] = {0x90, 0xE0, 0x80 | 0x12, 0x34, 0x05, 0x40, 0x50, 0x2a};
  assert_true(rtp_vp8_is_keyframe(chrome, sizeof chrome));
  for (size_t n = 0; n < 6; n++) assert_false(rtp_vp8_is_keyframe(chrome, n)); /* truncated */
  /* 7-bit picture id, K only. */
  static const uint8_t k7[] = {0x90, 0x90, 0x12, 0x20, 0x00};
  assert_true(rtp_vp8_is_keyframe(k7, sizeof k7));
  static const uint8_t inter[] = {0x90, 0xE0, 0x80 | 0x12, 0x34, 0x05, 0x40, 0x51};
  assert_false(rtp_vp8_is_keyframe(inter, sizeof inter));
}

static void test_h264_keyframe(void **state) {
  (void)state;
  assert_true(rtp_h264_is_keyframe((const uint8_t *)"\x65\x88", 2));  /* IDR single NAL */
  assert_true(rtp_h264_is_keyframe((const uint8_t *)"\x67\x42", 2));  /* SPS */
  assert_false(rtp_h264_is_keyframe((const uint8_t *)"\x41\x9a", 2)); /* non-IDR slice */
  assert_false(rtp_h264_is_keyframe((const uint8_t *)"\x68\xce", 2)); /* PPS alone */
  assert_false(rtp_h264_is_keyframe(NULL, 0));
  /* STAP-A: PPS(2) then IDR(3). */
  static const uint8_t stap[] = {0x78, 0x00, 0x02, 0x68, 0xce, 0x00, 0x03, 0x65, 0x88, 0x84};
  assert_true(rtp_h264_is_keyframe(stap, sizeof stap));
  for (size_t n = 0; n < 8; n++) assert_false(rtp_h264_is_keyframe(stap, n)); /* IDR cut off */
  static const uint8_t stap_p[] = {0x78, 0x00, 0x02, 0x68, 0xce, 0x00, 0x02, 0x41, 0x9a};
  assert_false(rtp_h264_is_keyframe(stap_p, sizeof stap_p));
  static const uint8_t stap_bad[] = {0x78, 0x00, 0x09, 0x68, 0xce, 0x00, 0x01, 0x65};
  assert_false(rtp_h264_is_keyframe(stap_bad, sizeof stap_bad)); /* size past the end */
  static const uint8_t stap_zero[] = {0x78, 0x00, 0x00, 0x00, 0x01, 0x65};
  assert_false(rtp_h264_is_keyframe(stap_zero, sizeof stap_zero));
  /* FU-A: start of IDR, middle of IDR, start of non-IDR. */
  assert_true(rtp_h264_is_keyframe((const uint8_t *)"\x7c\x85\x88", 3));
  assert_false(rtp_h264_is_keyframe((const uint8_t *)"\x7c\x05\x88", 3));
  assert_false(rtp_h264_is_keyframe((const uint8_t *)"\x7c\x45\x88", 3)); /* end only */
  assert_false(rtp_h264_is_keyframe((const uint8_t *)"\x7c\x81\x88", 3));
  assert_false(rtp_h264_is_keyframe((const uint8_t *)"\x7c", 1));
  assert_false(rtp_h264_is_keyframe((const uint8_t *)"\x7d\x85", 2)); /* FU-B: unsupported */
}

static void test_audio_level(void **state) {
  (void)state;
  uint8_t b[] = {0x90, 111,  0,    1,    0,    0,    0,         1,    0,    0,    0,
                 2,    0xBE, 0xDE, 0x00, 0x01, 0x10, 0x80 | 42, 0x00, 0x00, 0xFC, 0xFF};
  rtp_packet p;
  assert_int_equal(rtp_parse(b, sizeof b, &p), 0);
  bool voice = false;
  assert_int_equal(rtp_audio_level(&p, 1, &voice), 42);
  assert_true(voice);
  assert_int_equal(rtp_audio_level(&p, 2, &voice), -1);
  b[17] = 127;
  assert_int_equal(rtp_parse(b, sizeof b, &p), 0);
  assert_int_equal(rtp_audio_level(&p, 1, &voice), 127);
  assert_false(voice);
  assert_int_equal(rtp_audio_level(&p, 1, NULL), 127);
  uint8_t s[16];
  assert_int_equal(rtp_parse(s, make_simple(s, 111, 1, 2, 3, NULL, 0), &p), 0);
  assert_int_equal(rtp_audio_level(&p, 1, NULL), -1);
}

static void test_demux(void **state) {
  (void)state;
  uint8_t b[12] = {0};
  for (int first = 0; first < 256; first++) {
    b[0] = (uint8_t)first;
    b[1] = 96;
    bool media = first >= 128 && first <= 191;
    assert_int_equal(rtp_is_rtp_or_rtcp(b, sizeof b), media);
    assert_int_equal(rtp_is_rtp(b, sizeof b), media);
    assert_false(rtp_is_rtcp(b, sizeof b));
  }
  b[0] = 0x80;
  for (int second = 0; second < 256; second++) {
    b[1] = (uint8_t)second;
    bool rtcp = second >= 192 && second <= 223;
    assert_int_equal(rtp_is_rtcp(b, sizeof b), rtcp);
    assert_int_equal(rtp_is_rtp(b, sizeof b), !rtcp);
  }
  b[1] = 0x80 | 96; /* RTP with the marker bit: 224, still RTP */
  assert_true(rtp_is_rtp(b, sizeof b));
  b[1] = 200; /* SR */
  assert_true(rtp_is_rtcp(b, 4));
  assert_false(rtp_is_rtcp(b, 3));
  b[1] = 96;
  assert_false(rtp_is_rtp(b, 11));
  assert_false(rtp_is_rtp_or_rtcp(b, 1));
  assert_false(rtp_is_rtp_or_rtcp(b, 0));
}

/* Random input through every entry point: no crash, no read outside the exact-size block. */
static void test_random_garbage(void **state) {
  (void)state;
  rng_state = 0xC0FFEEu;
  uint8_t tmp[300];
  for (int iter = 0; iter < 200000; iter++) {
    size_t n = rng() % 120;
    uint8_t *b = test_malloc(n ? n : 1);
    if (iter % 3 == 0) {
      for (size_t i = 0; i < n; i++) b[i] = (uint8_t)rng();
    } else { /* mutate the full packet, truncated to n */
      size_t k = n < sizeof full_pkt ? n : sizeof full_pkt;
      memcpy(b, full_pkt, k);
      for (size_t i = k; i < n; i++) b[i] = (uint8_t)rng();
      if (n) {
        for (int f = 0; f < 3; f++) b[rng() % n] = (uint8_t)rng();
      }
    }
    rtp_packet p;
    if (rtp_parse(b, n, &p) == 0) {
      assert_true(p.header_len + p.payload_len + p.padding_len == n);
      for (int id = 0; id < 256; id += 1 + (int)(rng() % 7)) {
        const uint8_t *v;
        size_t l;
        if (rtp_ext_find(&p, (uint8_t)id, &v, &l) == 0) assert_true(v >= p.ext && v + l <= p.ext + p.ext_len);
      }
      (void)rtp_audio_level(&p, 1, NULL);
      (void)rtp_vp8_is_keyframe(p.payload, p.payload_len);
      (void)rtp_h264_is_keyframe(p.payload, p.payload_len);
      uint8_t *o = test_malloc(n + 2);
      int e = rtp_rtx_encap(o, n + 2, b, n, 97, 1, 2);
      assert_true(e >= 0 && (size_t)e <= n + 2);
      uint8_t *d = test_malloc(n + 2);
      int r = rtp_rtx_decap(d, n + 2, o, (size_t)e, 96, 3, NULL);
      assert_int_equal(r, (int)(p.header_len + p.payload_len));
      test_free(d);
      test_free(o);
      (void)rtp_ext_rewrite(b, n, 1, 2, NULL, 0);
    } else {
      assert_int_equal(rtp_rtx_encap(tmp, sizeof tmp, b, n, 97, 1, 2), -1);
    }
    (void)rtp_vp8_is_keyframe(b, n);
    (void)rtp_h264_is_keyframe(b, n);
    (void)rtp_is_rtp(b, n);
    (void)rtp_is_rtcp(b, n);
    test_free(b);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parse_full),
      cmocka_unit_test(test_parse_minimal),
      cmocka_unit_test(test_truncated_every_length),
      cmocka_unit_test(test_parse_malformed),
      cmocka_unit_test(test_accessors_and_setters),
      cmocka_unit_test(test_ext_one_byte),
      cmocka_unit_test(test_ext_two_byte),
      cmocka_unit_test(test_ext_one_byte_rewrite),
      cmocka_unit_test(test_rtx_round_trip),
      cmocka_unit_test(test_rtx_errors),
      cmocka_unit_test(test_vp8_keyframe),
      cmocka_unit_test(test_h264_keyframe),
      cmocka_unit_test(test_audio_level),
      cmocka_unit_test(test_demux),
      cmocka_unit_test(test_random_garbage),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
