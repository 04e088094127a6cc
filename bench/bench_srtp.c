/* SRTP cost per packet (gateway/rtc/srtp.c, on OpenSSL EVP since issue 13): median nanoseconds
 * to protect and to unprotect a 1200-byte RTP packet with AEAD_AES_128_GCM and
 * AES_CM_128_HMAC_SHA1_80, the two profiles the SFU negotiates. Each profile runs 5 rounds of
 * 200,000 packets, in batches of 1,000 (protect the batch, then unprotect it on the other side, so
 * every packet is new to the replay window); the figure printed is the median of the rounds'
 * means. Built from bench/ by CMake and run by `make bench` with no arguments; given one profile
 * name, it measures only that one (bench_forward.mjs does, for the profile its peers negotiated).
 * Reference (docs/BENCHMARKS.md "SRTP on OpenSSL"): before, on Debian's libsrtp2 (NSS), GCM
 * 1048 / 1014 ns and CM_SHA1_80 4947 / 4986 ns; after, GCM about 0.5 us and CM_SHA1_80 about
 * 1.15 us each way. Times are the thread's CPU time (CLOCK_THREAD_CPUTIME_ID), as the server CPU
 * figures of the other benches are: on the 2 shared cores, wall time also counts the time other
 * processes held the core. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gateway/rtc/srtp.h"

#define BENCH_PACKET 1200
#define BENCH_PER_ROUND 200000
#define BENCH_ROUNDS 5
#define BENCH_BATCH 1000
#define BENCH_SLOT 1536 /* packet + trailer room, a multiple of 8 so every slot stays aligned */

static uint64_t bench_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts); /* CPU time: preemption by other load does not count */
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int bench_cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void bench_keys(dtls_srtp_profile profile, dtls_srtp_keys *a, dtls_srtp_keys *b) {
  memset(a, 0, sizeof *a);
  a->profile = profile;
  a->key_len = DTLS_SRTP_KEY_LEN;
  a->salt_len = profile == DTLS_SRTP_AEAD_AES_128_GCM ? 12 : 14;
  for (int i = 0; i < DTLS_SRTP_KEY_LEN; i++)
    a->local_key[i] = (uint8_t)(i * 13 + 1), a->remote_key[i] = (uint8_t)(i * 29 + 7);
  for (int i = 0; i < DTLS_SRTP_MAX_SALT_LEN; i++)
    a->local_salt[i] = (uint8_t)(i * 5 + 3), a->remote_salt[i] = (uint8_t)(i * 11);
  *b = *a; /* the peer: local and remote swapped */
  memcpy(b->local_key, a->remote_key, sizeof b->local_key);
  memcpy(b->remote_key, a->local_key, sizeof b->remote_key);
  memcpy(b->local_salt, a->remote_salt, sizeof b->local_salt);
  memcpy(b->remote_salt, a->local_salt, sizeof b->remote_salt);
}

static void bench_fill(uint8_t *p, uint32_t index) {
  uint16_t seq = (uint16_t)index;
  uint32_t ts = index * 3000u;
  p[0] = 0x80, p[1] = 96, p[2] = (uint8_t)(seq >> 8), p[3] = (uint8_t)seq;
  p[4] = (uint8_t)(ts >> 24), p[5] = (uint8_t)(ts >> 16), p[6] = (uint8_t)(ts >> 8), p[7] = (uint8_t)ts;
  p[8] = 0x12, p[9] = 0x34, p[10] = 0x56, p[11] = 0x78;
  memset(p + 12, (int)(index & 0xff), BENCH_PACKET - 12);
}

/* Returns 0, or -1 after printing what failed. */
static int bench_profile(const char *name, dtls_srtp_profile profile) {
  dtls_srtp_keys ka, kb;
  bench_keys(profile, &ka, &kb);
  srtp_pair *tx = srtp_pair_new(&ka), *rx = srtp_pair_new(&kb);
  uint8_t *batch = aligned_alloc(64, (size_t)BENCH_BATCH * BENCH_SLOT);
  int lens[BENCH_BATCH];
  double protect_ns[BENCH_ROUNDS], unprotect_ns[BENCH_ROUNDS];
  int rc = -1;
  uint32_t index = 0;
  if (tx == NULL || rx == NULL || batch == NULL) {
    fprintf(stderr, "bench_srtp: %s: setup failed\n", name);
    goto done;
  }
  for (int round = 0; round < BENCH_ROUNDS; round++) {
    uint64_t tp = 0, tu = 0;
    for (int done = 0; done < BENCH_PER_ROUND; done += BENCH_BATCH) {
      for (int i = 0; i < BENCH_BATCH; i++) bench_fill(batch + (size_t)i * BENCH_SLOT, index++);
      uint64_t t0 = bench_now_ns();
      for (int i = 0; i < BENCH_BATCH; i++) {
        lens[i] = BENCH_PACKET;
        if (srtp_pair_protect_rtp(tx, batch + (size_t)i * BENCH_SLOT, &lens[i], BENCH_SLOT) != SRTP_PAIR_OK) {
          fprintf(stderr, "bench_srtp: %s: protect failed\n", name);
          goto done;
        }
      }
      uint64_t t1 = bench_now_ns();
      for (int i = 0; i < BENCH_BATCH; i++) {
        if (srtp_pair_unprotect_rtp(rx, batch + (size_t)i * BENCH_SLOT, &lens[i]) != SRTP_PAIR_OK ||
            lens[i] != BENCH_PACKET) {
          fprintf(stderr, "bench_srtp: %s: unprotect failed\n", name);
          goto done;
        }
      }
      uint64_t t2 = bench_now_ns();
      tp += t1 - t0;
      tu += t2 - t1;
    }
    protect_ns[round] = (double)tp / BENCH_PER_ROUND;
    unprotect_ns[round] = (double)tu / BENCH_PER_ROUND;
  }
  qsort(protect_ns, BENCH_ROUNDS, sizeof(double), bench_cmp);
  qsort(unprotect_ns, BENCH_ROUNDS, sizeof(double), bench_cmp);
  printf("srtp %-24s %d-byte RTP  protect %7.0f ns  unprotect %7.0f ns  (median of %d x %d)\n", name,
         BENCH_PACKET, protect_ns[BENCH_ROUNDS / 2], unprotect_ns[BENCH_ROUNDS / 2], BENCH_ROUNDS,
         BENCH_PER_ROUND);
  rc = 0;
done:
  free(batch);
  srtp_pair_free(tx);
  srtp_pair_free(rx);
  return rc;
}

int main(int argc, char **argv) {
  const char *only = argc > 1 ? argv[1] : NULL;
  if (only && strcmp(only, "AEAD_AES_128_GCM") != 0 && strcmp(only, "AES_CM_128_HMAC_SHA1_80") != 0) {
    fprintf(stderr, "usage: bench_srtp [AEAD_AES_128_GCM | AES_CM_128_HMAC_SHA1_80]\n");
    return 2;
  }
  if (srtp_global_init() != 0) {
    fprintf(stderr, "bench_srtp: SRTP init failed\n");
    return 1;
  }
  int rc = 0;
  if (!only || !strcmp(only, "AEAD_AES_128_GCM"))
    rc |= bench_profile("AEAD_AES_128_GCM", DTLS_SRTP_AEAD_AES_128_GCM);
  if (!only || !strcmp(only, "AES_CM_128_HMAC_SHA1_80"))
    rc |= bench_profile("AES_CM_128_HMAC_SHA1_80", DTLS_SRTP_AES128_CM_SHA1_80);
  fflush(stdout);
  return rc == 0 ? 0 : 1;
}
