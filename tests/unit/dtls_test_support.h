/* The DTLS fixture of the DTLS-SRTP unit tests (tests/unit/test_dtls_handshake.c,
 * test_dtls_srtp.c): two dtls_conn in one process, client and server, exchanging datagrams
 * through an in-memory link (optionally losing 10% of them, chosen by a seeded generator), and
 * a simulated clock.
 *
 * Simulated clock: OpenSSL 3.0 reads its DTLS retransmission deadlines from gettimeofday() and
 * has no clock hook, so this header defines gettimeofday() (the executable's definition takes
 * precedence over libc's for libssl's calls) to return a fixed base plus `sim_ms`, the clock
 * the tests also pass to dtls_conn_tick(). Time moves only when a test moves it. Each test file
 * includes it once; helpers a file does not use are not warned about. */
#ifndef MOA_TESTS_DTLS_TEST_SUPPORT_H
#define MOA_TESTS_DTLS_TEST_SUPPORT_H
#pragma GCC diagnostic ignored "-Wunused-function"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

/* cmocka.h needs these before it */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "gateway/rtc/dtls.h"
#include "gateway/rtc/srtp.h"

/* ---- simulated clock ---- */

static uint64_t sim_ms;

int gettimeofday(struct timeval *restrict tv, void *restrict tz) {
  (void)tz;
  static uint64_t base_us;
  if (base_us == 0) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    base_us = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
  }
  uint64_t us = base_us + sim_ms * 1000u;
  tv->tv_sec = (time_t)(us / 1000000u);
  tv->tv_usec = (suseconds_t)(us % 1000000u);
  return 0;
}

/* ---- helpers ---- */

static uint32_t rng_state;
static uint32_t rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  return rng_state;
}

typedef struct {
  dtls_identity *server_id, *client_id;
} fixture;

static int setup(void **state) {
  static fixture f;
  f.server_id = dtls_identity_new(NULL, 0);
  f.client_id = dtls_identity_new(NULL, 0);
  if (f.server_id == NULL || f.client_id == NULL) return -1;
  *state = &f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  dtls_identity_free(f->server_id);
  dtls_identity_free(f->client_id);
  return 0;
}

typedef struct {
  dtls_conn *client, *server;
  int drop_pct; /* percentage of datagrams lost, chosen by rng() */
  int sent, dropped, ticks_fired;
} link;

/* Moves every pending datagram of `from` to `to`, dropping some. Returns how many left `from`. */
static int link_flush(link *l, dtls_conn *from, dtls_conn *to) {
  uint8_t buf[DTLS_MTU];
  int n, count = 0;
  while ((n = dtls_conn_pending_out(from, buf, sizeof buf)) > 0) {
    assert_true(n <= DTLS_MTU);
    assert_true(dtls_is_dtls(buf, (size_t)n));
    count++;
    l->sent++;
    if (l->drop_pct > 0 && (int)(rng() % 100) < l->drop_pct) {
      l->dropped++;
      continue;
    }
    (void)dtls_conn_feed(to, buf, (size_t)n);
  }
  assert_int_equal(n, 0);
  return count;
}

static bool settled(const dtls_conn *c) {
  dtls_conn_state s = dtls_conn_get_state(c);
  return s == DTLS_CONN_CONNECTED || s == DTLS_CONN_FAILED || s == DTLS_CONN_CLOSED;
}

/* Runs the link until both ends have settled or no timer is left: datagrams first, and when
 * the link is quiet, the simulated clock jumps to the earliest retransmission deadline. */
static void link_run(link *l) {
  for (int iter = 0; iter < 100000; iter++) {
    if (link_flush(l, l->client, l->server) + link_flush(l, l->server, l->client) > 0) continue;
    if (settled(l->client) && settled(l->server)) return;
    int tc = dtls_conn_tick(l->client, sim_ms), ts = dtls_conn_tick(l->server, sim_ms);
    if (link_flush(l, l->client, l->server) + link_flush(l, l->server, l->client) > 0) {
      l->ticks_fired++;
      continue;
    }
    int next = tc < 0 ? ts : ts < 0 ? tc : (tc < ts ? tc : ts);
    if (next < 0) return; /* nothing will ever happen again */
    sim_ms += next > 0 ? (uint64_t)next : 1;
  }
  fail_msg("link did not settle");
}

/* A client/server pair that expect each other's real fingerprints, optionally with profiles. */
static void link_open(link *l, fixture *f, const char *client_profiles, const char *server_profiles) {
  memset(l, 0, sizeof *l);
  l->server =
      dtls_conn_new_ex(f->server_id, true, dtls_identity_fingerprint_bytes(f->client_id), server_profiles);
  l->client =
      dtls_conn_new_ex(f->client_id, false, dtls_identity_fingerprint_bytes(f->server_id), client_profiles);
  assert_non_null(l->server);
  assert_non_null(l->client);
}

static void link_close(link *l) {
  dtls_conn_free(l->client);
  dtls_conn_free(l->server);
}

static void connect_pair(link *l) {
  assert_int_equal(dtls_conn_get_state(l->client), DTLS_CONN_NEW);
  assert_int_equal(dtls_conn_start(l->client), 0);
  assert_int_equal(dtls_conn_get_state(l->client), DTLS_CONN_CONNECTING);
  link_run(l);
}

static bool all_zero(const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i] != 0) return false;
  return true;
}

static void assert_keys_crosswise(dtls_conn *client, dtls_conn *server, dtls_srtp_profile want) {
  dtls_srtp_keys ck, sk;
  assert_int_equal(dtls_conn_srtp_keys(client, &ck), 0);
  assert_int_equal(dtls_conn_srtp_keys(server, &sk), 0);
  assert_int_equal(ck.profile, want);
  assert_int_equal(sk.profile, want);
  assert_int_equal(ck.key_len, 16);
  assert_int_equal(ck.salt_len, want == DTLS_SRTP_AEAD_AES_128_GCM ? 12 : 14);
  assert_int_equal(sk.salt_len, ck.salt_len);
  assert_memory_equal(ck.local_key, sk.remote_key, 16);
  assert_memory_equal(ck.remote_key, sk.local_key, 16);
  assert_memory_equal(ck.local_salt, sk.remote_salt, ck.salt_len);
  assert_memory_equal(ck.remote_salt, sk.local_salt, ck.salt_len);
  assert_memory_not_equal(ck.local_key, ck.remote_key, 16);
  assert_false(all_zero(ck.local_key, 16));
  assert_false(all_zero(ck.remote_salt, ck.salt_len));
}

/* ---- identity ---- */

#endif
