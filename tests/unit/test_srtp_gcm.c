/* Unit tests of gateway/rtc/srtp_gcm.c (AES-128-GCM on libipsec-mb) against a second,
 * independent implementation, OpenSSL's EVP AES-128-GCM: random keys, IVs, AAD of 0 to 64
 * bytes and payloads of 0 to 1,500 bytes (every length up to 64, then random), sealed by both and
 * compared byte for byte (ciphertext and tag); opened back; and refused when one bit of the
 * tag, the AAD, the ciphertext or the IV changes. The SRTP framing around it is tested by
 * test_srtp_vectors.c (RFC 7714) and test_srtp_libsrtp.c. */
#include <openssl/evp.h>
#include <openssl/rand.h>
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

#include "gateway/rtc/srtp_gcm.h"

#define MAX_PAYLOAD 1500
#define MAX_AAD 64

/* OpenSSL's seal of p[0..n) with aad into out and tag. */
static void openssl_seal(const uint8_t key[16], const uint8_t iv[12], const uint8_t *aad, int aad_len,
                         const uint8_t *p, int n, uint8_t *out, uint8_t tag[16]) {
  EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
  int outl = 0;
  assert_non_null(c);
  assert_int_equal(EVP_EncryptInit_ex(c, EVP_aes_128_gcm(), NULL, key, iv), 1);
  if (aad_len > 0) assert_int_equal(EVP_EncryptUpdate(c, NULL, &outl, aad, aad_len), 1);
  if (n > 0) {
    assert_int_equal(EVP_EncryptUpdate(c, out, &outl, p, n), 1);
    assert_int_equal(outl, n);
  }
  assert_int_equal(EVP_EncryptFinal_ex(c, out + n, &outl), 1);
  assert_int_equal(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, tag), 1);
  EVP_CIPHER_CTX_free(c);
}

static unsigned rand_below(unsigned n) {
  unsigned v;
  assert_int_equal(RAND_bytes((unsigned char *)&v, sizeof v), 1);
  return v % n;
}

/* One case: both seal the same, ours opens its own, and any one flipped bit is refused. */
static void one_case(size_t n, size_t aad_len, bool flips) {
  uint8_t key[16], iv[12], aad[MAX_AAD + 1], plain[MAX_PAYLOAD + 1], ours[MAX_PAYLOAD + 1],
      theirs[MAX_PAYLOAD + 16], tag[16], their_tag[16];
  assert_int_equal(RAND_bytes(key, sizeof key), 1);
  assert_int_equal(RAND_bytes(iv, sizeof iv), 1);
  assert_int_equal(RAND_bytes(aad, sizeof aad), 1);
  assert_int_equal(RAND_bytes(plain, sizeof plain), 1);
  srtp_gcm *g = srtp_gcm_new(key);
  assert_non_null(g);
  memcpy(ours, plain, n);
  srtp_gcm_seal(g, iv, aad, aad_len, ours, n, tag);
  openssl_seal(key, iv, aad, (int)aad_len, plain, (int)n, theirs, their_tag);
  if (n > 0) assert_memory_equal(ours, theirs, n);
  assert_memory_equal(tag, their_tag, 16);
  if (n >= 16) assert_memory_not_equal(ours, plain, n); /* encrypted (equal by chance: 2^-128) */

  uint8_t work[MAX_PAYLOAD + 1];
  memcpy(work, ours, n);
  assert_true(srtp_gcm_open(g, iv, aad, aad_len, work, n, tag));
  if (n > 0) assert_memory_equal(work, plain, n);

  if (flips) {
    uint8_t bad_tag[16], bad_aad[MAX_AAD + 1], bad_iv[12];
    memcpy(bad_tag, tag, 16);
    bad_tag[rand_below(16)] ^= (uint8_t)(1u << rand_below(8));
    memcpy(work, ours, n);
    assert_false(srtp_gcm_open(g, iv, aad, aad_len, work, n, bad_tag));
    if (aad_len > 0) {
      memcpy(bad_aad, aad, aad_len);
      bad_aad[rand_below((unsigned)aad_len)] ^= (uint8_t)(1u << rand_below(8));
      memcpy(work, ours, n);
      assert_false(srtp_gcm_open(g, iv, bad_aad, aad_len, work, n, tag));
    }
    if (n > 0) {
      memcpy(work, ours, n);
      work[rand_below((unsigned)n)] ^= (uint8_t)(1u << rand_below(8));
      assert_false(srtp_gcm_open(g, iv, aad, aad_len, work, n, tag));
    }
    memcpy(bad_iv, iv, 12);
    bad_iv[rand_below(12)] ^= (uint8_t)(1u << rand_below(8));
    memcpy(work, ours, n);
    assert_false(srtp_gcm_open(g, bad_iv, aad, aad_len, work, n, tag));
  }
  srtp_gcm_free(g);
}

static void test_every_short_length(void **state) {
  (void)state;
  for (size_t n = 0; n <= 64; n++)
    for (size_t a = 0; a <= 20; a++) one_case(n, a, true);
}

static void test_random_lengths(void **state) {
  (void)state;
  for (int i = 0; i < 2000; i++) one_case(rand_below(MAX_PAYLOAD + 1), rand_below(MAX_AAD + 1), i % 4 == 0);
  one_case(MAX_PAYLOAD, MAX_AAD, true);
  one_case(1200, 12, true); /* the forwarded video packet: 12-byte RTP header */
}

/* The same key and IV sealing twice gives the same bytes (no hidden state between calls), and
 * one key serves interleaved packets of different lengths. */
static void test_stateless_between_calls(void **state) {
  (void)state;
  uint8_t key[16] = {1, 2, 3}, iv[12] = {9}, aad[12] = {0x80}, a[1200] = {0}, b[1200] = {0}, c[7] = {0},
          ta[16], tb[16], tc[16];
  srtp_gcm *g = srtp_gcm_new(key);
  assert_non_null(g);
  srtp_gcm_seal(g, iv, aad, sizeof aad, a, sizeof a, ta);
  srtp_gcm_seal(g, iv, aad, sizeof aad, c, sizeof c, tc);
  srtp_gcm_seal(g, iv, aad, sizeof aad, b, sizeof b, tb);
  assert_memory_equal(a, b, sizeof a);
  assert_memory_equal(ta, tb, 16);
  assert_memory_equal(a, c, sizeof c); /* the same keystream from the same IV */
  srtp_gcm_free(g);
  srtp_gcm_free(NULL);
  srtp_gcm_prefetch(NULL);
  assert_int_equal(srtp_gcm_global_init(), 0);
  assert_int_equal(srtp_gcm_global_init(), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_short_length),
      cmocka_unit_test(test_random_lengths),
      cmocka_unit_test(test_stateless_between_calls),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
