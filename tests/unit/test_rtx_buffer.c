/* Unit tests of the producer's retransmission buffer (rooms/rtx_buffer.c): creation limits,
 * exact bytes preserved, lookups of absent, overwritten and stale packets, a late packet not
 * evicting a newer one, sequence wrap-around, size limits, and a seeded ring workout against a
 * reference model. Runs under ASan/UBSan, which also checks that nothing leaks. */
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

#include "rooms/rtx_buffer.h"

static uint32_t rng_state;
static uint32_t rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  return rng_state;
}

/* A recognisable packet body derived from seq and a salt. */
static size_t fill(uint8_t *p, size_t len, uint16_t seq, uint32_t salt) {
  for (size_t i = 0; i < len; i++) p[i] = (uint8_t)(seq * 31u + i * 7u + salt);
  return len;
}

static void test_new_limits(void **state) {
  (void)state;
  assert_null(rtx_buffer_new(0));
  assert_null(rtx_buffer_new(3));
  assert_null(rtx_buffer_new(500));
  assert_null(rtx_buffer_new(131072));
  rtx_buffer *b = rtx_buffer_new(1);
  assert_non_null(b);
  rtx_buffer_free(b);
  b = rtx_buffer_new(65536);
  assert_non_null(b);
  rtx_buffer_free(b);
  b = rtx_buffer_new(512);
  assert_non_null(b);
  assert_true(rtx_buffer_memory(b) >= 512 * 1500);
  assert_true(rtx_buffer_memory(b) < 512 * 1600);
  rtx_buffer_free(b);
  rtx_buffer_free(NULL);
  assert_int_equal(rtx_buffer_memory(NULL), 0);
}

static void test_exact_bytes(void **state) {
  (void)state;
  rtx_buffer *b = rtx_buffer_new(512);
  uint8_t pkt[1500], copy[1500];
  size_t n = fill(pkt, 1500, 77, 1);
  memcpy(copy, pkt, n);
  rtx_buffer_put(b, pkt, n, 77, 1000);
  memset(pkt, 0, sizeof pkt); /* the buffer keeps its own copy */
  size_t len = 0;
  const uint8_t *got = rtx_buffer_get(b, 77, &len, 1001);
  assert_non_null(got);
  assert_int_equal(len, 1500);
  assert_memory_equal(got, copy, 1500);
  /* A short packet in the same slot afterwards: only its own bytes count. */
  fill(pkt, 13, 77 + 512, 2);
  rtx_buffer_put(b, pkt, 13, 77 + 512, 1002);
  got = rtx_buffer_get(b, 77 + 512, &len, 1002);
  assert_non_null(got);
  assert_int_equal(len, 13);
  assert_memory_equal(got, pkt, 13);
  rtx_buffer_free(b);
}

static void test_absent(void **state) {
  (void)state;
  rtx_buffer *b = rtx_buffer_new(16);
  size_t len = 99;
  assert_null(rtx_buffer_get(b, 0, &len, 0)); /* empty slot, and seq 0 must not match it */
  assert_null(rtx_buffer_get(b, 5, &len, 0));
  uint8_t pkt[100];
  rtx_buffer_put(b, pkt, fill(pkt, 100, 5, 0), 5, 0);
  assert_null(rtx_buffer_get(b, 6, &len, 0));
  assert_int_equal(len, 99);
  rtx_buffer_free(b);
}

static void test_overwrite(void **state) {
  (void)state;
  rtx_buffer *b = rtx_buffer_new(512);
  uint8_t pkt[200];
  for (uint16_t s = 1000; s < 1000 + 513; s++) rtx_buffer_put(b, pkt, fill(pkt, 200, s, 0), s, 5000);
  size_t len;
  /* 1000 and 1512 share a slot: the older one is gone, the newer one is there. */
  assert_null(rtx_buffer_get(b, 1000, &len, 5000));
  assert_non_null(rtx_buffer_get(b, 1512, &len, 5000));
  assert_non_null(rtx_buffer_get(b, 1001, &len, 5000));
  /* Asking for a seq that maps to an occupied slot but was never stored. */
  assert_null(rtx_buffer_get(b, (uint16_t)(1001 + 1024), &len, 5000));
  rtx_buffer_free(b);
}

static void test_late_packet_keeps_newer(void **state) {
  (void)state;
  rtx_buffer *b = rtx_buffer_new(8);
  uint8_t pkt[50], newer[50];
  fill(newer, 50, 20, 9);
  rtx_buffer_put(b, newer, 50, 20, 100);
  /* seq 12 arrives late and shares 20's slot: 20 is kept. */
  rtx_buffer_put(b, pkt, fill(pkt, 50, 12, 0), 12, 101);
  size_t len;
  assert_null(rtx_buffer_get(b, 12, &len, 101));
  const uint8_t *got = rtx_buffer_get(b, 20, &len, 101);
  assert_non_null(got);
  assert_memory_equal(got, newer, 50);
  /* Once 20 is stale the slot is free for anything. */
  rtx_buffer_put(b, pkt, 50, 12, 100 + RTX_BUFFER_MAX_AGE_MS + 1);
  assert_non_null(rtx_buffer_get(b, 12, &len, 100 + RTX_BUFFER_MAX_AGE_MS + 1));
  /* The same seq again (a duplicate) replaces the copy and refreshes its time. */
  fill(pkt, 40, 12, 5);
  rtx_buffer_put(b, pkt, 40, 12, 3000);
  got = rtx_buffer_get(b, 12, &len, 3000 + RTX_BUFFER_MAX_AGE_MS);
  assert_non_null(got);
  assert_int_equal(len, 40);
  assert_memory_equal(got, pkt, 40);
  rtx_buffer_free(b);
}

static void test_stale(void **state) {
  (void)state;
  rtx_buffer *b = rtx_buffer_new(64);
  uint8_t pkt[300];
  rtx_buffer_put(b, pkt, fill(pkt, 300, 9, 0), 9, 10000);
  size_t len;
  assert_non_null(rtx_buffer_get(b, 9, &len, 10000));
  assert_non_null(rtx_buffer_get(b, 9, &len, 10000 + RTX_BUFFER_MAX_AGE_MS));
  assert_null(rtx_buffer_get(b, 9, &len, 10000 + RTX_BUFFER_MAX_AGE_MS + 1));
  assert_null(rtx_buffer_get(b, 9, &len, 10000 + 3600000));
  /* A clock step backwards does not make a packet stale. */
  assert_non_null(rtx_buffer_get(b, 9, &len, 9000));
  rtx_buffer_free(b);
}

static void test_size_limits(void **state) {
  (void)state;
  rtx_buffer *b = rtx_buffer_new(32);
  uint8_t pkt[1501];
  fill(pkt, sizeof pkt, 3, 0);
  size_t len;
  rtx_buffer_put(b, pkt, 1501, 3, 0);
  assert_null(rtx_buffer_get(b, 3, &len, 0));
  rtx_buffer_put(b, pkt, 0, 3, 0);
  assert_null(rtx_buffer_get(b, 3, &len, 0));
  rtx_buffer_put(b, pkt, 1, 3, 0);
  assert_non_null(rtx_buffer_get(b, 3, &len, 0));
  assert_int_equal(len, 1);
  /* An oversized packet leaves the previous one in place. */
  rtx_buffer_put(b, pkt, 1501, 3, 0);
  assert_non_null(rtx_buffer_get(b, 3, &len, 0));
  assert_int_equal(len, 1);
  rtx_buffer_free(b);
}

static void test_wrap(void **state) {
  (void)state;
  rtx_buffer *b = rtx_buffer_new(512);
  uint8_t pkt[64];
  for (uint32_t i = 0; i < 600; i++) {
    uint16_t s = (uint16_t)(65300 + i);
    rtx_buffer_put(b, pkt, fill(pkt, 64, s, 0), s, 1);
  }
  size_t len;
  for (uint32_t i = 600 - 512; i < 600; i++) {
    uint16_t s = (uint16_t)(65300 + i);
    const uint8_t *got = rtx_buffer_get(b, s, &len, 2);
    assert_non_null(got);
    uint8_t want[64];
    fill(want, 64, s, 0);
    assert_memory_equal(got, want, 64);
  }
  for (uint32_t i = 0; i < 600 - 512; i++) assert_null(rtx_buffer_get(b, (uint16_t)(65300 + i), &len, 2));
  rtx_buffer_free(b);
}

/* A seeded stream with loss, reordering and advancing time checked against a model of what
 * must be retrievable: the newest copy of each seq whose slot was not taken by a newer seq. */
static void test_random_against_model(void **state) {
  (void)state;
  rng_state = 0xC0FFEEu;
  enum { SLOTS = 64 };
  rtx_buffer *b = rtx_buffer_new(SLOTS);
  struct {
    bool has;
    uint16_t seq;
    uint64_t t;
    size_t len;
    uint32_t salt;
  } model[SLOTS] = {0};
  uint8_t pkt[1500];
  uint16_t seq = 65000;
  uint64_t now = 0;
  for (int i = 0; i < 200000; i++) {
    now += rng() % 3;
    uint16_t s = seq;
    if (rng() % 10 == 0)
      s = (uint16_t)(seq - 1 - rng() % 100); /* late or duplicate */
    else
      seq++;
    size_t len = 1 + rng() % 1500;
    uint32_t salt = rng();
    fill(pkt, len, s, salt);
    rtx_buffer_put(b, pkt, len, s, now);
    size_t k = s % SLOTS;
    bool fresh = model[k].has && now - model[k].t <= RTX_BUFFER_MAX_AGE_MS;
    uint16_t d = (uint16_t)(model[k].seq - s);
    bool keep_newer = fresh && d != 0 && (d < 0x8000 || (d == 0x8000 && model[k].seq > s));
    if (!keep_newer) {
      model[k].has = true;
      model[k].seq = s;
      model[k].t = now;
      model[k].len = len;
      model[k].salt = salt;
    }
    /* Probe a random recent seq. */
    uint16_t q = (uint16_t)(seq - rng() % 128);
    size_t glen = 0;
    const uint8_t *got = rtx_buffer_get(b, q, &glen, now);
    size_t qk = q % SLOTS;
    bool expect = model[qk].has && model[qk].seq == q && now - model[qk].t <= RTX_BUFFER_MAX_AGE_MS;
    assert_int_equal(got != NULL, expect);
    if (got) {
      uint8_t want[1500];
      fill(want, model[qk].len, q, model[qk].salt);
      assert_int_equal(glen, model[qk].len);
      assert_memory_equal(got, want, glen);
    }
  }
  rtx_buffer_free(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_new_limits),
      cmocka_unit_test(test_exact_bytes),
      cmocka_unit_test(test_absent),
      cmocka_unit_test(test_overwrite),
      cmocka_unit_test(test_late_packet_keeps_newer),
      cmocka_unit_test(test_stale),
      cmocka_unit_test(test_size_limits),
      cmocka_unit_test(test_wrap),
      cmocka_unit_test(test_random_against_model),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
