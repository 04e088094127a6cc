/* Unit tests of gateway/rtc/srtp.c against the published vectors, and of its replay window
 * (gateway/rtc/srtp_window.c) and stream table at their edges: RFC 3711 B.3 key derivation,
 * B.2 AES-CM keystream (through a real protect), RFC 7714 16.1 (SRTP) and 17.1 (SRTCP)
 * AEAD_AES_128_GCM packets both ways, short and malformed input, the SSRC limit. The
 * comparison with libsrtp2 is in test_srtp_libsrtp.c. */
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
#include "gateway/rtc/srtp_int.h"
#include "gateway/rtc/srtp_window.h"

/* Parses hex (spaces ignored) into out; returns the byte count. */
static size_t unhex(const char *s, uint8_t *out) {
  size_t n = 0;
  int hi = -1;
  for (; *s; s++) {
    int v;
    if (*s >= '0' && *s <= '9')
      v = *s - '0';
    else if (*s >= 'a' && *s <= 'f')
      v = *s - 'a' + 10;
    else if (*s >= 'A' && *s <= 'F')
      v = *s - 'A' + 10;
    else
      continue;
    if (hi < 0) {
      hi = v;
    } else {
      out[n++] = (uint8_t)(hi << 4 | v);
      hi = -1;
    }
  }
  return n;
}

static void test_rfc3711_b3_key_derivation(void **state) {
  (void)state;
  uint8_t key[16], salt[14], want[20], got[20];
  unhex("E1F97A0D3E018BE0D64FA32C06DE4139", key);
  unhex("0EC675AD498AFEEBB6960B3AABE6", salt);
  assert_int_equal(srtp_kdf(key, salt, 14, 0, got, 16), 0);
  unhex("C61E7A93744F39EE10734AFE3FF7A087", want);
  assert_memory_equal(got, want, 16);
  assert_int_equal(srtp_kdf(key, salt, 14, 2, got, 14), 0);
  unhex("30CBBC08863D8C85D49DB34A9AE1", want);
  assert_memory_equal(got, want, 14);
  assert_int_equal(srtp_kdf(key, salt, 14, 1, got, 20), 0);
  unhex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4", want);
  assert_memory_equal(got, want, 20);
  /* srtp_derive puts the same into the RTP slots */
  srtp_session_keys k;
  assert_int_equal(srtp_derive(DTLS_SRTP_AES128_CM_SHA1_80, key, salt, &k), 0);
  assert_memory_equal(k.rtp_auth, want, 20);
  unhex("C61E7A93744F39EE10734AFE3FF7A087", want);
  assert_memory_equal(k.rtp_key, want, 16);
}

/* B.2: session key and salt given; SSRC 0, index 0, so the payload of zeros becomes the
 * keystream itself. */
static void test_rfc3711_b2_keystream(void **state) {
  (void)state;
  srtp_session_keys k;
  memset(&k, 0, sizeof k);
  unhex("2B7E151628AED2A6ABF7158809CF4F3C", k.rtp_key);
  unhex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD", k.rtp_salt);
  srtp_pair *p = srtp_pair_new_session(DTLS_SRTP_AES128_CM_SHA1_80, &k, &k);
  assert_non_null(p);
  uint8_t pkt[12 + 48 + SRTP_PAIR_RTP_TRAILER_MAX] = {0x80, 0}, want[48];
  int len = 12 + 48;
  assert_int_equal(srtp_pair_protect_rtp(p, pkt, &len, sizeof pkt), SRTP_PAIR_OK);
  assert_int_equal(len, 12 + 48 + 10);
  unhex(
      "E03EAD0935C95E80E166B16DD92B4EB4 D23513162B02D0F72A43A2FE4A5F97AB "
      "41E95B3BB0A2E8DD477901E4FCA894C0",
      want);
  assert_memory_equal(pkt + 12, want, 48);
  /* and back through the inbound side (same keys) */
  assert_int_equal(srtp_pair_unprotect_rtp(p, pkt, &len), SRTP_PAIR_OK);
  assert_int_equal(len, 60);
  for (int i = 12; i < 60; i++) assert_int_equal(pkt[i], 0);
  srtp_pair_free(p);
}

static srtp_pair *rfc7714_pair(void) {
  srtp_session_keys k;
  memset(&k, 0, sizeof k);
  unhex("000102030405060708090a0b0c0d0e0f", k.rtp_key);
  unhex("517569642070726f2071756f", k.rtp_salt); /* "Quid pro quo" */
  memcpy(k.rtcp_key, k.rtp_key, 16);
  memcpy(k.rtcp_salt, k.rtp_salt, 12);
  return srtp_pair_new_session(DTLS_SRTP_AEAD_AES_128_GCM, &k, &k);
}

static const char rfc7714_rtp[] =
    "8040f17b 8041f8d3 5501a0b2 47616c6c 69612065 7374206f 6d6e6973 20646976 69736120 696e2070 "
    "61727465 73207472 6573";
static const char rfc7714_srtp[] =
    "8040f17b 8041f8d3 5501a0b2 f24de3a3 fb34de6c acba861c 9d7e4bca be633bd5 0d294e6f 42a5f47a "
    "51c7d19b 36de3adf 8833899d 7f27beb1 6a9152cf 765ee439 0cce";
static const char rfc7714_rtcp[] =
    "81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61 deadbeef deadbeef "
    "deadbeef deadbeef deadbeef";
static const char rfc7714_srtcp[] =
    "81c8000d 4d617273 63e94885 dcdab67c a727d766 2f6b7e99 7ff5c0f7 6c06f32d c676a5f1 730d6fda "
    "4ce09b46 86303ded 0bb9275b c84aa458 96cf4d2f c5abf872 45d9eade 800005d4";

static void test_rfc7714_srtp(void **state) {
  (void)state;
  srtp_pair *tx = rfc7714_pair(), *rx = rfc7714_pair();
  assert_non_null(tx);
  assert_non_null(rx);
  uint8_t plain[128], prot[128], buf[256];
  int pn = (int)unhex(rfc7714_rtp, plain), sn = (int)unhex(rfc7714_srtp, prot);
  memcpy(buf, plain, (size_t)pn);
  int len = pn;
  assert_int_equal(srtp_pair_protect_rtp(tx, buf, &len, sizeof buf), SRTP_PAIR_OK);
  assert_int_equal(len, sn);
  assert_memory_equal(buf, prot, (size_t)sn);
  assert_int_equal(srtp_pair_unprotect_rtp(rx, buf, &len), SRTP_PAIR_OK);
  assert_int_equal(len, pn);
  assert_memory_equal(buf, plain, (size_t)pn);
  /* one bit of the tag flipped: refused */
  memcpy(buf, prot, (size_t)sn);
  buf[sn - 1] ^= 1;
  len = sn;
  srtp_pair *rx2 = rfc7714_pair();
  assert_int_equal(srtp_pair_unprotect_rtp(rx2, buf, &len), SRTP_PAIR_ERR_AUTH);
  srtp_pair_free(rx2);
  srtp_pair_free(tx);
  srtp_pair_free(rx);
}

static void test_rfc7714_srtcp(void **state) {
  (void)state;
  srtp_pair *tx = rfc7714_pair(), *rx = rfc7714_pair();
  uint8_t plain[128], prot[128], buf[256];
  int pn = (int)unhex(rfc7714_rtcp, plain), sn = (int)unhex(rfc7714_srtcp, prot);
  /* the vector's SRTCP index is 0x5d4: indices start at 1, so send 0x5d3 packets first */
  for (int i = 0; i < 0x5d3; i++) {
    memcpy(buf, plain, (size_t)pn);
    int len = pn;
    assert_int_equal(srtp_pair_protect_rtcp(tx, buf, &len, sizeof buf), SRTP_PAIR_OK);
  }
  memcpy(buf, plain, (size_t)pn);
  int len = pn;
  assert_int_equal(srtp_pair_protect_rtcp(tx, buf, &len, sizeof buf), SRTP_PAIR_OK);
  assert_int_equal(len, sn);
  assert_memory_equal(buf, prot, (size_t)sn);
  assert_int_equal(srtp_pair_unprotect_rtcp(rx, buf, &len), SRTP_PAIR_OK);
  assert_int_equal(len, pn);
  assert_memory_equal(buf, plain, (size_t)pn);
  /* the same again: a replay */
  memcpy(buf, prot, (size_t)sn);
  len = sn;
  assert_int_equal(srtp_pair_unprotect_rtcp(rx, buf, &len), SRTP_PAIR_ERR_REPLAY);
  srtp_pair_free(tx);
  srtp_pair_free(rx);
}

static void test_window(void **state) {
  (void)state;
  srtp_window w;
  memset(&w, 0, sizeof w);
  assert_int_equal(srtp_window_check(&w, 5000), 0);
  srtp_window_add(&w, 5000);
  assert_int_equal(srtp_window_check(&w, 5000), -1);
  assert_int_equal(srtp_window_check(&w, 4999), 0);
  assert_int_equal(srtp_window_check(&w, 5000 - (SRTP_WINDOW_BITS - 1)), 0);
  assert_int_equal(srtp_window_check(&w, 5000 - SRTP_WINDOW_BITS), -1); /* below the window */
  srtp_window_add(&w, 4999);
  assert_int_equal(srtp_window_check(&w, 4999), -1);
  /* forward by less than the window: old bits that stay inside are kept, passed slots cleared */
  srtp_window_add(&w, 5000 + 100);
  assert_int_equal(srtp_window_check(&w, 4999), -1);
  assert_int_equal(srtp_window_check(&w, 5000), -1);
  assert_int_equal(srtp_window_check(&w, 5050), 0);
  /* 4999 + 1024 maps onto 4999's slot: once the top passes it, it is fresh, 4999 is too old */
  srtp_window_add(&w, 4999 + SRTP_WINDOW_BITS);
  assert_int_equal(srtp_window_check(&w, 4999), -1);
  assert_int_equal(srtp_window_check(&w, 5000), -1);
  assert_int_equal(srtp_window_check(&w, 5001), 0);
  /* a jump past the whole window forgets everything below */
  srtp_window_add(&w, 100000);
  for (uint64_t i = 100000 - SRTP_WINDOW_BITS + 1; i < 100000; i++)
    assert_int_equal(srtp_window_check(&w, i), 0);
  assert_int_equal(srtp_window_check(&w, 100000), -1);
  srtp_window_add(&w, 10); /* far below: ignored */
  assert_int_equal(srtp_window_check(&w, 10), -1);
  assert_int_equal(w.top, 100000);
}

static void keys(dtls_srtp_profile pr, dtls_srtp_keys *k) {
  memset(k, 0, sizeof *k);
  k->profile = pr;
  k->key_len = 16;
  k->salt_len = pr == DTLS_SRTP_AEAD_AES_128_GCM ? 12 : 14;
  for (int i = 0; i < 16; i++) k->local_key[i] = k->remote_key[i] = (uint8_t)(i * 7 + 1);
  for (int i = 0; i < 14; i++) k->local_salt[i] = k->remote_salt[i] = (uint8_t)(i * 3 + 5);
}

static void test_bad_input(void **state) {
  (void)state;
  dtls_srtp_keys k;
  const dtls_srtp_profile prs[] = {DTLS_SRTP_AEAD_AES_128_GCM, DTLS_SRTP_AES128_CM_SHA1_80,
                                   DTLS_SRTP_AES128_CM_SHA1_32};
  for (size_t i = 0; i < 3; i++) {
    keys(prs[i], &k);
    srtp_pair *p = srtp_pair_new(&k);
    assert_non_null(p);
    uint8_t buf[1600];
    memset(buf, 0, sizeof buf);
    buf[0] = 0x80;
    int len = 11;
    assert_int_equal(srtp_pair_protect_rtp(p, buf, &len, sizeof buf), SRTP_PAIR_ERR_ARG);
    len = 7;
    assert_int_equal(srtp_pair_protect_rtcp(p, buf, &len, sizeof buf), SRTP_PAIR_ERR_ARG);
    len = 100;
    assert_int_equal(srtp_pair_protect_rtp(p, buf, &len, 100 + SRTP_PAIR_RTP_TRAILER_MAX - 1),
                     SRTP_PAIR_ERR_ARG);
    assert_int_equal(srtp_pair_protect_rtp(NULL, buf, &len, sizeof buf), SRTP_PAIR_ERR_ARG);
    /* CSRC count 15 in a 40-byte packet: the header does not fit */
    buf[0] = 0x8f;
    len = 40;
    assert_int_equal(srtp_pair_protect_rtp(p, buf, &len, sizeof buf), SRTP_PAIR_ERR_FAIL);
    assert_int_equal(srtp_pair_unprotect_rtp(p, buf, &len), SRTP_PAIR_ERR_FAIL);
    /* extension of 0xffff words */
    buf[0] = 0x90, buf[14] = 0xff, buf[15] = 0xff;
    len = 60;
    assert_int_equal(srtp_pair_protect_rtp(p, buf, &len, sizeof buf), SRTP_PAIR_ERR_FAIL);
    assert_int_equal(srtp_pair_unprotect_rtp(p, buf, &len), SRTP_PAIR_ERR_FAIL);
    /* extension header itself cut off */
    buf[0] = 0x90;
    len = 14;
    assert_int_equal(srtp_pair_protect_rtp(p, buf, &len, sizeof buf), SRTP_PAIR_ERR_FAIL);
    /* too short to carry a tag */
    buf[0] = 0x80;
    len = 12 +
          (prs[i] == DTLS_SRTP_AES128_CM_SHA1_32  ? 4
           : prs[i] == DTLS_SRTP_AEAD_AES_128_GCM ? 16
                                                  : 10) -
          1;
    assert_int_equal(srtp_pair_unprotect_rtp(p, buf, &len), SRTP_PAIR_ERR_ARG);
    len = 8 + 4 + (prs[i] == DTLS_SRTP_AEAD_AES_128_GCM ? 16 : 10) - 1;
    assert_int_equal(srtp_pair_unprotect_rtcp(p, buf, &len), SRTP_PAIR_ERR_ARG);
    assert_int_equal(srtp_pair_unprotect_rtcp(p, NULL, &len), SRTP_PAIR_ERR_ARG);
    assert_int_equal(srtp_pair_unprotect_rtp(p, buf, NULL), SRTP_PAIR_ERR_ARG);
    srtp_pair_free(p);
  }
  keys(DTLS_SRTP_AEAD_AES_128_GCM, &k);
  k.salt_len = 14;
  assert_null(srtp_pair_new(&k));
  keys(DTLS_SRTP_AES128_CM_SHA1_80, &k);
  k.key_len = 32;
  assert_null(srtp_pair_new(&k));
  k.key_len = 16;
  k.profile = (dtls_srtp_profile)0x0008; /* AEAD_AES_256_GCM: not negotiated, not built */
  assert_null(srtp_pair_new(&k));
  assert_null(srtp_pair_new(NULL));
  srtp_pair_free(NULL);
}

/* 4096 SSRCs per direction; the next one is refused, the known ones keep working. */
static void test_ssrc_limit(void **state) {
  (void)state;
  dtls_srtp_keys k;
  keys(DTLS_SRTP_AEAD_AES_128_GCM, &k);
  srtp_pair *tx = srtp_pair_new(&k), *rx = srtp_pair_new(&k);
  uint8_t buf[64 + SRTP_PAIR_RTP_TRAILER_MAX];
  for (uint32_t ssrc = 1; ssrc <= 4097; ssrc++) {
    memset(buf, 0, sizeof buf);
    buf[0] = 0x80, buf[3] = 1;
    buf[8] = (uint8_t)(ssrc >> 24), buf[9] = (uint8_t)(ssrc >> 16), buf[10] = (uint8_t)(ssrc >> 8),
    buf[11] = (uint8_t)ssrc;
    int len = 64;
    int want = ssrc <= 4096 ? SRTP_PAIR_OK : SRTP_PAIR_ERR_FAIL;
    assert_int_equal(srtp_pair_protect_rtp(tx, buf, &len, sizeof buf), want);
    if (want == SRTP_PAIR_OK) assert_int_equal(srtp_pair_unprotect_rtp(rx, buf, &len), SRTP_PAIR_OK);
  }
  memset(buf, 0, sizeof buf);
  buf[0] = 0x80, buf[3] = 2, buf[11] = 77;
  int len = 64;
  assert_int_equal(srtp_pair_protect_rtp(tx, buf, &len, sizeof buf), SRTP_PAIR_OK);
  assert_int_equal(srtp_pair_unprotect_rtp(rx, buf, &len), SRTP_PAIR_OK);
  srtp_pair_free(tx);
  srtp_pair_free(rx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rfc3711_b3_key_derivation),
      cmocka_unit_test(test_rfc3711_b2_keystream),
      cmocka_unit_test(test_rfc7714_srtp),
      cmocka_unit_test(test_rfc7714_srtcp),
      cmocka_unit_test(test_window),
      cmocka_unit_test(test_bad_input),
      cmocka_unit_test(test_ssrc_limit),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
