/* Unit tests of the RFC 4571 reader (gateway/rtc/rfc4571.c): a stream of frames fed split at
 * every byte, one byte at a time, and coalesced into one chunk gives back the same frames;
 * 0-length and 65,535-byte frames; a frame announcing more than the reader's limit fails the
 * stream for good; garbage before a STUN request comes out as a first frame that is no STUN
 * Binding request (the ICE-TCP connection closes on it, gateway/ice_tcp.c). */
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

#include "gateway/rtc/rfc4571.h"
#include "gateway/rtc/stun.h"

#define MAXF 64

typedef struct {
  size_t n;
  size_t len[MAXF];
  uint8_t *data[MAXF];
} frames;

static void frames_free(frames *f) {
  for (size_t i = 0; i < f->n; i++) free(f->data[i]);
  f->n = 0;
}

/* Builds a stream of the given frame lengths; frame i is filled with bytes (i * 31 + k). */
static uint8_t *make_stream(const size_t *lens, size_t n, size_t *out_len) {
  size_t total = 0;
  for (size_t i = 0; i < n; i++) total += 2 + lens[i];
  uint8_t *s = malloc(total ? total : 1), *p = s;
  for (size_t i = 0; i < n; i++) {
    assert_int_equal(rfc4571_put_header(p, lens[i]), 0);
    p += 2;
    for (size_t k = 0; k < lens[i]; k++) *p++ = (uint8_t)(i * 31 + k);
  }
  *out_len = total;
  return s;
}

/* Feeds the stream in chunks of the sizes given (cycled), copying each chunk into an exactly
 * sized heap buffer so ASan sees any overrun. Collects the frames; returns the last rc. */
static int feed(rfc4571_reader *r, const uint8_t *s, size_t len, const size_t *chunks, size_t nchunks,
                frames *out) {
  size_t off = 0, ci = 0;
  int rc = 0;
  while (off < len) {
    size_t c = chunks[ci++ % nchunks];
    if (c > len - off) c = len - off;
    uint8_t *chunk = malloc(c ? c : 1);
    memcpy(chunk, s + off, c);
    uint8_t *d = chunk;
    size_t l = c;
    uint8_t *f;
    size_t fl;
    while ((rc = rfc4571_read(r, &d, &l, &f, &fl)) == 1) {
      assert_true(out->n < MAXF);
      out->len[out->n] = fl;
      out->data[out->n] = malloc(fl ? fl : 1);
      memcpy(out->data[out->n], f, fl);
      out->n++;
    }
    free(chunk);
    if (rc < 0) return rc;
    assert_int_equal(l, 0); /* 0 means the chunk was used up */
    off += c;
  }
  return rc;
}

static void assert_frames(const frames *got, const size_t *lens, size_t n) {
  assert_int_equal(got->n, n);
  for (size_t i = 0; i < n; i++) {
    assert_int_equal(got->len[i], lens[i]);
    for (size_t k = 0; k < lens[i]; k++) assert_int_equal(got->data[i][k], (uint8_t)(i * 31 + k));
  }
}

static const size_t mixed[] = {20, 0, 1200, 1, 0, 0, 100, 1500, 2};
#define NMIXED (sizeof mixed / sizeof mixed[0])

static void test_coalesced(void **state) {
  (void)state;
  size_t len;
  uint8_t *s = make_stream(mixed, NMIXED, &len);
  uint8_t store[1500];
  rfc4571_reader r;
  rfc4571_reader_init(&r, store, sizeof store);
  frames got = {0};
  size_t whole = len;
  assert_int_equal(feed(&r, s, len, &whole, 1, &got), 0);
  assert_frames(&got, mixed, NMIXED);
  assert_true(rfc4571_at_boundary(&r));
  frames_free(&got);
  free(s);
}

static void test_split_at_every_byte(void **state) {
  (void)state;
  size_t len;
  uint8_t *s = make_stream(mixed, NMIXED, &len);
  uint8_t store[1500];
  for (size_t cut = 0; cut <= len; cut++) {
    rfc4571_reader r;
    rfc4571_reader_init(&r, store, sizeof store);
    frames got = {0};
    size_t chunks[2] = {cut, len - cut};
    feed(&r, s, len, chunks, 2, &got);
    assert_frames(&got, mixed, NMIXED);
    assert_true(rfc4571_at_boundary(&r));
    frames_free(&got);
  }
  free(s);
}

static void test_every_chunk_size(void **state) {
  (void)state;
  size_t len;
  uint8_t *s = make_stream(mixed, NMIXED, &len);
  uint8_t store[1500];
  for (size_t c = 1; c <= 64; c++) {
    rfc4571_reader r;
    rfc4571_reader_init(&r, store, sizeof store);
    frames got = {0};
    assert_int_equal(feed(&r, s, len, &c, 1, &got), 0);
    assert_frames(&got, mixed, NMIXED);
    frames_free(&got);
  }
  /* ragged chunk sizes, cycled */
  static const size_t ragged[] = {1, 3, 2, 1401, 7, 1, 1, 90};
  rfc4571_reader r;
  rfc4571_reader_init(&r, store, sizeof store);
  frames got = {0};
  assert_int_equal(feed(&r, s, len, ragged, 8, &got), 0);
  assert_frames(&got, mixed, NMIXED);
  frames_free(&got);
  free(s);
}

static void test_partial_kept(void **state) {
  (void)state;
  size_t lens[] = {10};
  size_t len;
  uint8_t *s = make_stream(lens, 1, &len);
  uint8_t store[16];
  rfc4571_reader r;
  rfc4571_reader_init(&r, store, sizeof store);
  frames got = {0};
  size_t c = len - 1;
  feed(&r, s, len - 1, &c, 1, &got);
  assert_int_equal(got.n, 0);
  assert_false(rfc4571_at_boundary(&r));
  c = 1;
  feed(&r, s + len - 1, 1, &c, 1, &got);
  assert_frames(&got, lens, 1);
  frames_free(&got);
  free(s);
}

static void test_zero_length_frames(void **state) {
  (void)state;
  static const size_t zeros[] = {0, 0, 0, 0};
  size_t len;
  uint8_t *s = make_stream(zeros, 4, &len);
  assert_int_equal(len, 8);
  uint8_t store[4];
  rfc4571_reader r;
  rfc4571_reader_init(&r, store, sizeof store);
  frames got = {0};
  size_t one = 1;
  assert_int_equal(feed(&r, s, len, &one, 1, &got), 0);
  assert_frames(&got, zeros, 4);
  frames_free(&got);
  /* and a reader whose limit is 0 still takes them */
  rfc4571_reader_init(&r, store, 0);
  size_t whole = len;
  assert_int_equal(feed(&r, s, len, &whole, 1, &got), 0);
  assert_int_equal(got.n, 4);
  frames_free(&got);
  free(s);
}

static void test_maximal_frame(void **state) {
  (void)state;
  static const size_t big[] = {65535, 3, 65535};
  size_t len;
  uint8_t *s = make_stream(big, 3, &len);
  uint8_t *store = malloc(RFC4571_MAX_FRAME);
  static const size_t sizes[] = {1, 2, 1000, 4096, 65537, 65538, 200000};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    rfc4571_reader r;
    rfc4571_reader_init(&r, store, RFC4571_MAX_FRAME);
    frames got = {0};
    assert_int_equal(feed(&r, s, len, &sizes[i], 1, &got), 0);
    assert_frames(&got, big, 3);
    frames_free(&got);
  }
  free(store);
  free(s);
}

static void test_oversized_fails_for_good(void **state) {
  (void)state;
  static const size_t lens[] = {100, 1501, 10};
  size_t len;
  uint8_t *s = make_stream(lens, 3, &len);
  uint8_t store[1500];
  for (size_t c = 1; c <= 200; c += 199) {
    rfc4571_reader r;
    rfc4571_reader_init(&r, store, sizeof store);
    frames got = {0};
    assert_int_equal(feed(&r, s, len, &c, 1, &got), -1);
    assert_frames(&got, lens, 1); /* the frame before it came out */
    assert_false(rfc4571_at_boundary(&r));
    uint8_t more[4] = {0, 1, 9, 9}, *d = more, *f;
    size_t l = sizeof more, fl;
    assert_int_equal(rfc4571_read(&r, &d, &l, &f, &fl), -1);
    assert_int_equal(l, sizeof more); /* nothing consumed once failed */
    frames_free(&got);
  }
  /* 65,535 announced to a reader that takes 1500 */
  uint8_t hdr[2];
  assert_int_equal(rfc4571_put_header(hdr, 65535), 0);
  assert_int_equal(hdr[0], 0xff);
  assert_int_equal(hdr[1], 0xff);
  assert_int_equal(rfc4571_put_header(hdr, 65536), -1);
  rfc4571_reader r;
  rfc4571_reader_init(&r, store, sizeof store);
  uint8_t *d = hdr, *f;
  size_t l = 2, fl;
  assert_int_equal(rfc4571_read(&r, &d, &l, &f, &fl), -1);
  free(s);
}

/* A STUN Binding request (RFC 5769 2.1's shape, no attributes needed here). */
static size_t binding_request(uint8_t *out) {
  static const uint8_t tid[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  memset(out, 0, 20);
  out[1] = 0x01; /* Binding request */
  out[4] = 0x21, out[5] = 0x12, out[6] = 0xa4, out[7] = 0x42;
  memcpy(out + 8, tid, 12);
  return 20;
}

static bool is_binding_request(const uint8_t *f, size_t n) {
  stun_msg m;
  return n > 0 && f[0] < 4 && stun_parse(f, n, &m) == STUN_OK && m.method == STUN_METHOD_BINDING &&
         m.cls == STUN_CLASS_REQUEST;
}

static void test_garbage_before_stun(void **state) {
  (void)state;
  uint8_t req[20];
  size_t rl = binding_request(req);
  assert_true(is_binding_request(req, rl));
  /* Framed correctly, the request is the first frame. */
  uint8_t good[22];
  rfc4571_put_header(good, rl);
  memcpy(good + 2, req, rl);
  uint8_t store[1500], *d = good, *f;
  size_t l = sizeof good, fl;
  rfc4571_reader r;
  rfc4571_reader_init(&r, store, sizeof store);
  assert_int_equal(rfc4571_read(&r, &d, &l, &f, &fl), 1);
  assert_true(is_binding_request(f, fl));
  /* Garbage of every length 1..40 before it: the first frame is never that request (the
   * garbage's first two bytes are a length; the frame is garbage or the request misaligned), or
   * the stream fails on an oversized length. Either way the connection closes. */
  int framed = 0;
  for (size_t g = 1; g <= 40; g++) {
    uint8_t stream[64];
    for (size_t i = 0; i < g; i++) stream[i] = (uint8_t)(g < 20 ? i * 7 : 0x17 + i * 13);
    memcpy(stream + g, good, sizeof good);
    rfc4571_reader_init(&r, store, sizeof store);
    d = stream;
    l = g + sizeof good;
    int rc = rfc4571_read(&r, &d, &l, &f, &fl);
    assert_true(rc <= 0 || !is_binding_request(f, fl));
    framed += rc == 1;
  }
  assert_true(framed > 10); /* small garbage lengths do frame: a non-STUN first frame */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_coalesced),
      cmocka_unit_test(test_split_at_every_byte),
      cmocka_unit_test(test_every_chunk_size),
      cmocka_unit_test(test_partial_kept),
      cmocka_unit_test(test_zero_length_frames),
      cmocka_unit_test(test_maximal_frame),
      cmocka_unit_test(test_oversized_fails_for_good),
      cmocka_unit_test(test_garbage_before_stun),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
