/* Unit tests of gateway/ws_mask_guard's parser (the recv()/SSL_read() wrappers and the server's
 * calls are proven by tests/integration/ws_protocol): descriptors not watched pass through;
 * masked frames of every length form, split at every byte, pass; an unmasked frame is cut off
 * at its first byte, even when its header straddles two reads, and nothing passes after it;
 * bytes sent before the handshake response, or a frame that ends in "\r\n\r\n" sent along with
 * the upgrade request, are violations; a fresh connection on the same descriptor starts clean. */
#include <stdbool.h>
#include <string.h>

/* cmocka.h needs these before it */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "gateway/ws_mask_guard.h"

#define FD 4000 /* a descriptor number no real socket of this test uses */

static const char UPGRADE[] =
    "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

/* A client frame with `len` payload bytes; masked or not. Returns its size. */
static size_t frame(uint8_t *out, uint8_t opcode, size_t len, bool masked) {
  size_t n = 0;
  out[n++] = (uint8_t)(0x80 | opcode);
  uint8_t m = masked ? 0x80 : 0;
  if (len < 126) {
    out[n++] = (uint8_t)(m | len);
  } else if (len < 65536) {
    out[n++] = m | 126;
    out[n++] = (uint8_t)(len >> 8);
    out[n++] = (uint8_t)len;
  } else {
    out[n++] = m | 127;
    for (int i = 7; i >= 0; i--) out[n++] = (uint8_t)((uint64_t)len >> (8 * i));
  }
  if (masked)
    for (int i = 0; i < 4; i++) out[n++] = (uint8_t)(0x11 * (i + 1));
  for (size_t i = 0; i < len; i++) out[n++] = (uint8_t)(i * 7);
  return n;
}

static void open_ws(void) {
  ws_mask_guard_watch(FD);
  assert_int_equal(ws_mask_guard_feed(FD, UPGRADE, strlen(UPGRADE)), strlen(UPGRADE));
  ws_mask_guard_upgrade(FD);
  assert_false(ws_mask_guard_violated(FD));
}

static void test_unwatched_passes(void **state) {
  (void)state;
  uint8_t b[16];
  size_t n = frame(b, 1, 3, false);
  ws_mask_guard_forget(FD);
  assert_int_equal(ws_mask_guard_feed(FD, b, n), n);
  assert_int_equal(ws_mask_guard_feed(-1, b, n), n);
  assert_int_equal(ws_mask_guard_feed(WS_MASK_GUARD_MAX_FD, b, n), n);
  assert_false(ws_mask_guard_violated(FD));
}

static void test_masked_frames_pass_split_anywhere(void **state) {
  (void)state;
  static uint8_t buf[80000];
  size_t n = 0;
  n += frame(buf + n, 1, 0, true);
  n += frame(buf + n, 1, 5, true);
  n += frame(buf + n, 9, 2, true);
  n += frame(buf + n, 1, 125, true);
  n += frame(buf + n, 1, 126, true);
  n += frame(buf + n, 2, 3000, true);
  n += frame(buf + n, 2, 70000, true);
  n += frame(buf + n, 8, 2, true);
  for (size_t cut = 0; cut < 300; cut += 7) {
    open_ws();
    assert_int_equal(ws_mask_guard_feed(FD, buf, cut), cut);
    assert_int_equal(ws_mask_guard_feed(FD, buf + cut, n - cut), n - cut);
    assert_false(ws_mask_guard_violated(FD));
  }
  open_ws(); /* one byte at a time */
  for (size_t i = 0; i < n; i++) assert_int_equal(ws_mask_guard_feed(FD, buf + i, 1), 1);
  assert_false(ws_mask_guard_violated(FD));
  ws_mask_guard_forget(FD);
}

static void test_unmasked_frame_cut_off(void **state) {
  (void)state;
  uint8_t buf[512];
  size_t a = frame(buf, 1, 20, true), b = frame(buf + a, 1, 10, false);
  size_t c = frame(buf + a + b, 1, 4, true);
  open_ws();
  assert_int_equal(ws_mask_guard_feed(FD, buf, a + b + c), a); /* only the masked frame before it */
  assert_true(ws_mask_guard_violated(FD));
  assert_int_equal(ws_mask_guard_feed(FD, buf, a), 0); /* nothing more, ever */
  /* the header split across two reads: the first byte went, the second read passes nothing */
  open_ws();
  assert_int_equal(ws_mask_guard_feed(FD, buf, a + 1), a + 1);
  assert_false(ws_mask_guard_violated(FD));
  assert_int_equal(ws_mask_guard_feed(FD, buf + a + 1, b - 1), 0);
  assert_true(ws_mask_guard_violated(FD));
  /* an unmasked control frame (ping) counts too */
  open_ws();
  size_t p = frame(buf, 9, 2, false);
  assert_int_equal(ws_mask_guard_feed(FD, buf, p), 0);
  assert_true(ws_mask_guard_violated(FD));
  /* a new connection on the same descriptor starts clean */
  open_ws();
  ws_mask_guard_forget(FD);
  assert_false(ws_mask_guard_violated(FD));
}

static void test_frames_before_the_101(void **state) {
  (void)state;
  uint8_t buf[1024];
  /* a masked frame in the same read as the upgrade request: the client did not wait */
  size_t u = strlen(UPGRADE);
  memcpy(buf, UPGRADE, u);
  size_t f = frame(buf + u, 1, 10, true);
  ws_mask_guard_watch(FD);
  assert_int_equal(ws_mask_guard_feed(FD, buf, u + f), u + f);
  ws_mask_guard_upgrade(FD);
  assert_true(ws_mask_guard_violated(FD));
  /* a frame ending in "\r\n\r\n", so that nothing seems to follow the last request end */
  memcpy(buf + u, "\x81\x06xx\r\n\r\n", 8);
  ws_mask_guard_watch(FD);
  assert_int_equal(ws_mask_guard_feed(FD, buf, u + 8), u + 8);
  ws_mask_guard_upgrade(FD);
  assert_true(ws_mask_guard_violated(FD));
  /* a keep-alive request before the upgrade, each in its own read, is fine */
  static const char get[] = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  ws_mask_guard_watch(FD);
  assert_int_equal(ws_mask_guard_feed(FD, get, strlen(get)), strlen(get));
  assert_int_equal(ws_mask_guard_feed(FD, UPGRADE, u), u);
  ws_mask_guard_upgrade(FD);
  assert_false(ws_mask_guard_violated(FD));
  ws_mask_guard_forget(FD);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_unwatched_passes),
      cmocka_unit_test(test_masked_frames_pass_split_anywhere),
      cmocka_unit_test(test_unmasked_frame_cut_off),
      cmocka_unit_test(test_frames_before_the_101),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
