/* gateway/rtc/srtp.c packet for packet against Debian's libsrtp2 (the implementation it
 * replaced, linked into this test only), for AES_CM_128_HMAC_SHA1_80, AES_CM_128_HMAC_SHA1_32
 * and AEAD_AES_128_GCM:
 *  - protect: ours and a libsrtp session with the same keys ("twin") give the same bytes for
 *    the same packets (random sizes, CSRCs, header extensions, several SSRCs, sequence numbers
 *    rolling over 65535, retransmissions), and a libsrtp receiver takes ours back to the
 *    plaintext;
 *  - unprotect: what a libsrtp sender protects, ours and a libsrtp receiver in the same state
 *    ("shadow") both accept, in random order, with duplicates, packets older than the window,
 *    tampered bits and cut tags mixed in; both give the same verdict and the same plaintext;
 *  - the same for SRTCP, plus unencrypted SRTCP (E = 0) from libsrtp's auth-only service.
 * A seeded generator makes every run the same. */
#include <srtp2/srtp.h>
#include <stdbool.h>
#include <stdio.h>
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

#include "gateway/rtc/srtp.h"

#define SLOT 2048 /* packet buffer, 4-byte aligned for libsrtp */

static uint32_t rng_state = 0x13572468u;
static uint32_t rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  return rng_state;
}

static int map(srtp_err_status_t st) {
  switch (st) {
    case srtp_err_status_ok:
      return SRTP_PAIR_OK;
    case srtp_err_status_auth_fail:
      return SRTP_PAIR_ERR_AUTH;
    case srtp_err_status_replay_fail:
    case srtp_err_status_replay_old:
      return SRTP_PAIR_ERR_REPLAY;
    default:
      return SRTP_PAIR_ERR_FAIL;
  }
}

typedef struct {
  dtls_srtp_profile profile;
  dtls_srtp_keys keys; /* ours: local protects, remote unprotects */
  srtp_pair *ours;
  srtp_t twin;   /* libsrtp outbound with our local keys */
  srtp_t rx;     /* libsrtp inbound with our local keys: the far end of what we send */
  srtp_t tx;     /* libsrtp outbound with our remote keys: the far end sending to us */
  srtp_t shadow; /* libsrtp inbound with our remote keys: the same packets as ours */
} rig;

static srtp_t lib_session(const rig *r, const uint8_t *key, const uint8_t *salt, bool inbound,
                          bool rtcp_auth_only) {
  srtp_policy_t pol;
  uint8_t master[16 + 14];
  memset(&pol, 0, sizeof pol);
  switch (r->profile) {
    case DTLS_SRTP_AEAD_AES_128_GCM:
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol.rtp);
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol.rtcp);
      break;
    case DTLS_SRTP_AES128_CM_SHA1_32:
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&pol.rtp);
      srtp_crypto_policy_set_rtcp_default(&pol.rtcp);
      break;
    default:
      srtp_crypto_policy_set_rtp_default(&pol.rtp);
      srtp_crypto_policy_set_rtcp_default(&pol.rtcp);
  }
  if (rtcp_auth_only) pol.rtcp.sec_serv = sec_serv_auth;
  memcpy(master, key, 16);
  memcpy(master + 16, salt, r->keys.salt_len);
  pol.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
  pol.key = master;
  pol.window_size = SRTP_PAIR_REPLAY_WINDOW;
  pol.allow_repeat_tx = inbound ? 0 : 1;
  srtp_t s = NULL;
  assert_int_equal(srtp_create(&s, &pol), srtp_err_status_ok);
  return s;
}

static void rig_init(rig *r, dtls_srtp_profile profile, bool rtcp_auth_only) {
  memset(r, 0, sizeof *r);
  r->profile = profile;
  r->keys.profile = profile;
  r->keys.key_len = 16;
  r->keys.salt_len = profile == DTLS_SRTP_AEAD_AES_128_GCM ? 12 : 14;
  for (int i = 0; i < 16; i++) r->keys.local_key[i] = (uint8_t)rng(), r->keys.remote_key[i] = (uint8_t)rng();
  for (int i = 0; i < 14; i++)
    r->keys.local_salt[i] = (uint8_t)rng(), r->keys.remote_salt[i] = (uint8_t)rng();
  r->ours = srtp_pair_new(&r->keys);
  assert_non_null(r->ours);
  r->twin = lib_session(r, r->keys.local_key, r->keys.local_salt, false, false);
  r->rx = lib_session(r, r->keys.local_key, r->keys.local_salt, true, false);
  r->tx = lib_session(r, r->keys.remote_key, r->keys.remote_salt, false, rtcp_auth_only);
  r->shadow = lib_session(r, r->keys.remote_key, r->keys.remote_salt, true, false);
}

static void rig_free(rig *r) {
  srtp_pair_free(r->ours);
  srtp_dealloc(r->twin);
  srtp_dealloc(r->rx);
  srtp_dealloc(r->tx);
  srtp_dealloc(r->shadow);
}

/* A random RTP packet: SSRC one of `ssrcs`, sequence number seq, random CSRCs, extension,
 * payload (0-1200 bytes). Returns its length. */
static int make_rtp(uint8_t *p, uint32_t ssrc, uint16_t seq) {
  int cc = (rng() % 4 == 0) ? (int)(rng() % 4) : 0, ext = rng() % 4 == 0, n = 12;
  p[0] = (uint8_t)(0x80 | (ext ? 0x10 : 0) | cc);
  p[1] = (uint8_t)(rng() % 2 ? 96 : 111 | 0x80);
  p[2] = (uint8_t)(seq >> 8), p[3] = (uint8_t)seq;
  uint32_t ts = rng();
  memcpy(p + 4, &ts, 4);
  p[8] = (uint8_t)(ssrc >> 24), p[9] = (uint8_t)(ssrc >> 16), p[10] = (uint8_t)(ssrc >> 8),
  p[11] = (uint8_t)ssrc;
  for (int i = 0; i < cc * 4; i++) p[n++] = (uint8_t)rng();
  if (ext) {
    int words = (int)(rng() % 4);
    p[n++] = 0xbe, p[n++] = 0xde, p[n++] = 0, p[n++] = (uint8_t)words;
    for (int i = 0; i < words * 4; i++) p[n++] = (uint8_t)rng();
  }
  int payload = rng() % 8 == 0 ? (int)(rng() % 16) : (int)(rng() % 1201);
  for (int i = 0; i < payload; i++) p[n++] = (uint8_t)rng();
  return n;
}

static int make_rtcp(uint8_t *p, uint32_t ssrc) {
  int words = 1 + (int)(rng() % 60);
  int n = 4 + 4 * words;
  p[0] = 0x81, p[1] = 200, p[2] = (uint8_t)(words >> 8), p[3] = (uint8_t)words;
  p[4] = (uint8_t)(ssrc >> 24), p[5] = (uint8_t)(ssrc >> 16), p[6] = (uint8_t)(ssrc >> 8),
  p[7] = (uint8_t)ssrc;
  for (int i = 8; i < n; i++) p[i] = (uint8_t)rng();
  return n;
}

static const uint32_t ssrcs[] = {0x11111111u, 0xdeadbeefu, 0x00000001u};

/* Ours protects, the twin protects the same, bytes compared; libsrtp's receiver unprotects. */
static void protect_side(dtls_srtp_profile profile) {
  rig r;
  rig_init(&r, profile, false);
  srtp_pair_prefetch(NULL);
  srtp_pair_prefetch_out(NULL, 1);
  static uint32_t a[SLOT / 4], b[SLOT / 4], plain[SLOT / 4];
  uint8_t *pa = (uint8_t *)a, *pb = (uint8_t *)b, *pp = (uint8_t *)plain;
  uint16_t seq[3] = {65000, 100, 32000}; /* the first rolls over after 536 packets */
  for (int i = 0; i < 6000; i++) {
    int k = (int)(rng() % 3);
    uint16_t s = seq[k];
    bool fresh = !(rng() % 20 == 0 && s > 300);
    if (!fresh)
      s = (uint16_t)(s - 1 - rng() % 300); /* a retransmission */
    else
      seq[k]++;
    int n = make_rtp(pp, ssrcs[k], s);
    memcpy(pa, pp, (size_t)n);
    memcpy(pb, pp, (size_t)n);
    int la = n, lb = n;
    if (i % 2) { /* the fan-out's cache hints (rooms/fanout.c) change nothing, from the first */
      srtp_pair_prefetch(r.ours);
      srtp_pair_prefetch_out(r.ours, ssrcs[k]);
      srtp_pair_prefetch_out(r.ours, ssrcs[k] + 1); /* a stream it does not have */
    }
    int ra = srtp_pair_protect_rtp(r.ours, pa, &la, SLOT);
    int rb = map(srtp_protect(r.twin, pb, &lb));
    assert_int_equal(ra, rb);
    if (ra != SRTP_PAIR_OK) continue;
    assert_int_equal(la, lb);
    assert_memory_equal(pa, pb, (size_t)la);
    int rr = map(srtp_unprotect(r.rx, pa, &la));
    if (fresh || rr != SRTP_PAIR_ERR_REPLAY) { /* a retransmission is a replay there */
      if (rr != SRTP_PAIR_OK)
        fail_msg("packet %d ssrc %d seq %u (next %u): libsrtp says %d", i, k, s, seq[k], rr);
      assert_int_equal(la, n);
      assert_memory_equal(pa, pp, (size_t)n);
    }
  }
  /* SRTCP: both number from 1 per SSRC */
  for (int i = 0; i < 1500; i++) {
    uint32_t ssrc = ssrcs[rng() % 3];
    int n = make_rtcp(pp, ssrc);
    memcpy(pa, pp, (size_t)n);
    memcpy(pb, pp, (size_t)n);
    int la = n, lb = n;
    assert_int_equal(srtp_pair_protect_rtcp(r.ours, pa, &la, SLOT), SRTP_PAIR_OK);
    assert_int_equal(srtp_protect_rtcp(r.twin, pb, &lb), srtp_err_status_ok);
    assert_int_equal(la, lb);
    assert_memory_equal(pa, pb, (size_t)la);
    assert_int_equal(srtp_unprotect_rtcp(r.rx, pa, &la), srtp_err_status_ok);
    assert_int_equal(la, n);
    assert_memory_equal(pa, pp, (size_t)n);
  }
  rig_free(&r);
}

#define POOL 64

/* libsrtp's sender protects; ours and the shadow receiver unprotect the same stream of packets,
 * reordered, duplicated, aged and tampered with, and must agree on every one. */
static void unprotect_side(dtls_srtp_profile profile, bool rtcp_auth_only) {
  rig r;
  rig_init(&r, profile, rtcp_auth_only);
  static uint32_t pool[POOL][SLOT / 4], plain[POOL][SLOT / 4], a[SLOT / 4], b[SLOT / 4];
  int pool_len[POOL], plain_len[POOL], filled = 0;
  uint8_t *pa = (uint8_t *)a, *pb = (uint8_t *)b;
  uint16_t seq[3] = {65400, 7, 40000};
  int accepted = 0, refused[5] = {0};
  for (int i = 0; i < 12000; i++) {
    bool rtcp = rng() % 5 == 0;
    int slot = (int)(rng() % POOL);
    if (filled < POOL || rng() % 2 == 0) { /* a new packet into the pool, replacing one */
      if (filled < POOL) slot = filled++;
      int k = (int)(rng() % 3);
      uint8_t *p = (uint8_t *)pool[slot];
      int n;
      if (rtcp) {
        n = make_rtcp(p, ssrcs[k]);
      } else {
        uint16_t s = seq[k];
        seq[k] = (uint16_t)(seq[k] + (rng() % 50 == 0 ? 1 + rng() % 3000 : 1)); /* losses, jumps */
        n = make_rtp(p, ssrcs[k], s);
      }
      memcpy(plain[slot], p, (size_t)n);
      plain_len[slot] = n;
      srtp_err_status_t st = rtcp ? srtp_protect_rtcp(r.tx, p, &n) : srtp_protect(r.tx, p, &n);
      assert_int_equal(st, srtp_err_status_ok);
      pool_len[slot] = n;
    }
    /* deliver a random packet of the pool (so: reordered, and some more than once) */
    int n = pool_len[slot];
    const uint8_t *p = (const uint8_t *)pool[slot];
    bool is_rtcp = p[1] >= 192 && p[1] <= 223;
    memcpy(pa, p, (size_t)n);
    int tamper = (int)(rng() % 10);
    if (tamper == 0) {
      pa[rng() % (uint32_t)n] ^= (uint8_t)(1u << (rng() % 8)); /* any bit, header included */
    } else if (tamper == 1) {
      n -= 1 + (int)(rng() % 4); /* tag cut short */
      if (n < 0) n = 0;
    }
    memcpy(pb, pa, (size_t)n);
    int la = n, lb = n;
    int ra = is_rtcp ? srtp_pair_unprotect_rtcp(r.ours, pa, &la) : srtp_pair_unprotect_rtp(r.ours, pa, &la);
    int rb = map(is_rtcp ? srtp_unprotect_rtcp(r.shadow, pb, &lb) : srtp_unprotect(r.shadow, pb, &lb));
    /* A cut packet is refused by both, but not always for the same reason: libsrtp looks at the
     * replay window before it checks there is room for a tag, ours after. */
    if (tamper == 1 && ra != SRTP_PAIR_OK && rb != SRTP_PAIR_OK) rb = ra;
    if (ra != rb)
      fail_msg("packet %d (%s, %d bytes, tamper %d): ours %d, libsrtp %d", i, is_rtcp ? "rtcp" : "rtp", n,
               tamper, ra, rb);
    if (ra == SRTP_PAIR_OK) {
      accepted++;
      assert_int_equal(la, lb);
      assert_memory_equal(pa, pb, (size_t)la);
      if (tamper == 2 || tamper > 2) {
        assert_int_equal(la, plain_len[slot]);
        assert_memory_equal(pa, plain[slot], (size_t)la);
      }
    } else {
      refused[-ra]++;
    }
  }
  /* every kind of verdict happened */
  assert_true(accepted > 3000);
  assert_true(refused[-SRTP_PAIR_ERR_AUTH] > 100);
  assert_true(refused[-SRTP_PAIR_ERR_REPLAY] > 100);
  rig_free(&r);
}

/* A retransmission protected again is byte-identical, as the twin's. */
static void retransmit(dtls_srtp_profile profile) {
  rig r;
  rig_init(&r, profile, false);
  static uint32_t a[SLOT / 4], first[SLOT / 4], plain[SLOT / 4];
  uint8_t *pa = (uint8_t *)a, *pf = (uint8_t *)first, *pp = (uint8_t *)plain;
  int n = make_rtp(pp, 42, 65535);
  memcpy(pf, pp, (size_t)n);
  int lf = n;
  assert_int_equal(srtp_pair_protect_rtp(r.ours, pf, &lf, SLOT), SRTP_PAIR_OK);
  for (int i = 0; i < 5; i++) { /* later packets roll over; 65535 keeps ROC 0 */
    int m = make_rtp(pa, 42, (uint16_t)i);
    assert_int_equal(srtp_pair_protect_rtp(r.ours, pa, &m, SLOT), SRTP_PAIR_OK);
  }
  memcpy(pa, pp, (size_t)n);
  int la = n;
  assert_int_equal(srtp_pair_protect_rtp(r.ours, pa, &la, SLOT), SRTP_PAIR_OK);
  assert_int_equal(la, lf);
  assert_memory_equal(pa, pf, (size_t)la);
  rig_free(&r);
}

static void test_protect_cm80(void **s) { (void)s, protect_side(DTLS_SRTP_AES128_CM_SHA1_80); }
static void test_protect_cm32(void **s) { (void)s, protect_side(DTLS_SRTP_AES128_CM_SHA1_32); }
static void test_protect_gcm(void **s) { (void)s, protect_side(DTLS_SRTP_AEAD_AES_128_GCM); }
static void test_unprotect_cm80(void **s) { (void)s, unprotect_side(DTLS_SRTP_AES128_CM_SHA1_80, false); }
static void test_unprotect_cm32(void **s) { (void)s, unprotect_side(DTLS_SRTP_AES128_CM_SHA1_32, false); }
static void test_unprotect_gcm(void **s) { (void)s, unprotect_side(DTLS_SRTP_AEAD_AES_128_GCM, false); }
static void test_unprotect_cm80_srtcp_unencrypted(void **s) {
  (void)s, unprotect_side(DTLS_SRTP_AES128_CM_SHA1_80, true);
}
static void test_unprotect_gcm_srtcp_unencrypted(void **s) {
  (void)s, unprotect_side(DTLS_SRTP_AEAD_AES_128_GCM, true);
}
static void test_retransmit_cm80(void **s) { (void)s, retransmit(DTLS_SRTP_AES128_CM_SHA1_80); }
static void test_retransmit_gcm(void **s) { (void)s, retransmit(DTLS_SRTP_AEAD_AES_128_GCM); }

int main(void) {
  assert_int_equal(srtp_init(), srtp_err_status_ok);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_protect_cm80),
      cmocka_unit_test(test_protect_cm32),
      cmocka_unit_test(test_protect_gcm),
      cmocka_unit_test(test_unprotect_cm80),
      cmocka_unit_test(test_unprotect_cm32),
      cmocka_unit_test(test_unprotect_gcm),
      cmocka_unit_test(test_unprotect_cm80_srtcp_unencrypted),
      cmocka_unit_test(test_unprotect_gcm_srtcp_unencrypted),
      cmocka_unit_test(test_retransmit_cm80),
      cmocka_unit_test(test_retransmit_gcm),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  srtp_shutdown();
  return rc;
}
