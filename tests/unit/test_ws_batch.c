/* Unit tests of gateway/ws_batch: frame headers at every length boundary of RFC 6455 (125/126,
 * 65,535/65,536), and batches decoded back by an independent reader written here: the same
 * messages in the same order, a batch only when two or more fit, never past 64 KiB, a message
 * too large for a batch left for the one-by-one path, and the queue's counters kept right. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// clang-format off: cmocka.h needs the headers above first
#include <cmocka.h>
// clang-format on

#include "gateway/ws_batch.h"
#include "signaling/session_int.h" /* the test reads the queue's counters */

static void test_headers(void **state) {
  (void)state;
  unsigned char h[10];
  assert_int_equal(ws_batch_text_header(0, h), 2);
  assert_int_equal(h[0], 0x81);
  assert_int_equal(h[1], 0);
  assert_int_equal(ws_batch_text_header(125, h), 2);
  assert_int_equal(h[1], 125);
  assert_int_equal(ws_batch_text_header(126, h), 4);
  assert_int_equal(h[1], 126);
  assert_int_equal(h[2] << 8 | h[3], 126);
  assert_int_equal(ws_batch_text_header(65535, h), 4);
  assert_int_equal(h[2] << 8 | h[3], 65535);
  assert_int_equal(ws_batch_text_header(65536, h), 10);
  assert_int_equal(h[1], 127);
  uint64_t n = 0;
  for (int i = 0; i < 8; i++) n = n << 8 | h[2 + i];
  assert_int_equal(n, 65536);
  assert_int_equal(ws_batch_text_header(5000000000u, h), 10);
  n = 0;
  for (int i = 0; i < 8; i++) n = n << 8 | h[2 + i];
  assert_true(n == 5000000000u);
  assert_int_equal(h[2] & 0x80, 0); /* the most significant bit of a 64-bit length is 0 */
}

static session *new_session(void) {
  session *s = calloc(1, sizeof *s);
  assert_non_null(s);
  s->max_messages = 100000;
  s->max_bytes = 1 << 30;
  return s;
}

static void queue(session *s, size_t len, char fill) {
  char *t = malloc(len + 1);
  assert_non_null(t);
  memset(t, fill, len);
  assert_int_equal(session_send_text(s, t, len), 0);
  free(t);
}

/* Decodes the frames of a batch as a client would; checks each is a final unmasked text frame and
 * that message i has lens[i] bytes of fills[i]. Returns how many frames there were. */
static int decode(const ws_batch *b, const size_t *lens, const char *fills) {
  const unsigned char *p = b->buf + b->pre, *end = p + b->len;
  int i = 0;
  while (p < end) {
    assert_true(end - p >= 2);
    assert_int_equal(p[0], 0x81);
    assert_int_equal(p[1] & 0x80, 0);
    uint64_t len = p[1] & 0x7f;
    p += 2;
    if (len == 126) {
      len = (uint64_t)p[0] << 8 | p[1];
      assert_true(len >= 126); /* the shortest form is used */
      p += 2;
    } else if (len == 127) {
      len = 0;
      for (int k = 0; k < 8; k++) len = len << 8 | p[k];
      assert_true(len >= 65536);
      p += 8;
    }
    assert_true((uint64_t)(end - p) >= len);
    assert_int_equal(len, lens[i]);
    for (uint64_t k = 0; k < len; k++)
      if (p[k] != (unsigned char)fills[i]) fail_msg("message %d byte %llu", i, (unsigned long long)k);
    p += len;
    i++;
  }
  return i;
}

static void test_batches_decode_in_order(void **state) {
  (void)state;
  session *s = new_session();
  ws_batch b = {.pre = 16};
  /* one message: left for the usual path */
  queue(s, 10, 'a');
  assert_int_equal(ws_batch_take(s, &b), 0);
  assert_int_equal(s->queued, 1);
  /* sizes on both sides of the header boundaries */
  size_t lens[] = {10, 0, 125, 126, 127, 4000, 1, 125};
  char fills[] = "abcdefgh";
  session_clear_queue(s);
  for (size_t i = 0; i < 8; i++) queue(s, lens[i], fills[i]);
  assert_int_equal(ws_batch_take(s, &b), 8);
  assert_int_equal(decode(&b, lens, fills), 8);
  assert_int_equal(s->queued, 0);
  assert_int_equal(s->queued_bytes, 0);
  assert_null(session_peek(s, 0));
  /* the queue works on after a batch */
  queue(s, 3, 'x');
  assert_int_equal(s->queued, 1);
  session_clear_queue(s);
  ws_batch_free(&b);
  free(s);
}

static void test_batch_limit(void **state) {
  (void)state;
  session *s = new_session();
  ws_batch b = {.pre = 16};
  /* 20 messages of 4,000 bytes (4,004 framed): 16 fit in 64 KiB, the rest wait */
  size_t lens[20];
  char fills[21];
  for (int i = 0; i < 20; i++) lens[i] = 4000, fills[i] = (char)('A' + i), queue(s, 4000, fills[i]);
  assert_int_equal(ws_batch_take(s, &b), 16);
  assert_true(b.len <= WS_BATCH_MAX_BYTES);
  assert_int_equal(decode(&b, lens, fills), 16);
  assert_int_equal(s->queued, 4);
  assert_int_equal(ws_batch_take(s, &b), 4);
  assert_int_equal(decode(&b, lens + 16, fills + 16), 4);
  assert_int_equal(s->queued, 0);
  /* a message larger than a batch first: nothing taken, it goes alone */
  queue(s, 70000, 'z');
  queue(s, 5, 'y');
  assert_int_equal(ws_batch_take(s, &b), 0);
  assert_int_equal(s->queued, 2);
  outmsg_unref(session_pop(s));
  /* then a small one with a large one behind: one fits, so nothing is batched */
  queue(s, 70000, 'w');
  assert_int_equal(ws_batch_take(s, &b), 0);
  assert_int_equal(s->queued, 2);
  session_clear_queue(s);
  /* exactly 64 KiB of frames fits: two messages of 32,764 bytes (4-byte headers) */
  queue(s, 32764, 'p');
  queue(s, 32764, 'q');
  queue(s, 1, 'r');
  assert_int_equal(ws_batch_take(s, &b), 2);
  assert_int_equal(b.len, WS_BATCH_MAX_BYTES);
  assert_int_equal(s->queued, 1);
  session_clear_queue(s);
  ws_batch_free(&b);
  assert_null(b.buf);
  free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_headers),
      cmocka_unit_test(test_batches_decode_in_order),
      cmocka_unit_test(test_batch_limit),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
