/* What the STUN-speaking unit tests share (tests/unit/test_stun.c, test_sfu_transport.c): a
 * Binding request built by hand from raw attributes, so a test can put in what the codec's own
 * builder never writes (unknown comprehension-required attributes), then MESSAGE-INTEGRITY
 * (HMAC-SHA1 with OpenSSL's one-shot HMAC(), independent of stun.c's) and FINGERPRINT. Include
 * after cmocka.h. */
#ifndef MOA_TESTS_STUN_TEST_SUPPORT_H
#define MOA_TESTS_STUN_TEST_SUPPORT_H

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdint.h>
#include <string.h>

#include "gateway/rtc/stun.h"

/* Appends one attribute (type, value, zero padding) at out + *len. */
static void __attribute__((unused))
stun_test_attr(uint8_t *out, size_t *len, uint16_t type, const void *v, uint16_t vlen) {
  uint8_t *p = out + *len;
  p[0] = (uint8_t)(type >> 8), p[1] = (uint8_t)type, p[2] = (uint8_t)(vlen >> 8), p[3] = (uint8_t)vlen;
  if (vlen) memcpy(p + 4, v, vlen);
  size_t padded = ((size_t)vlen + 3) & ~(size_t)3;
  memset(p + 4 + vlen, 0, padded - vlen);
  *len += 4 + padded;
}

/* A Binding request with transaction id `tid`: USERNAME `user`, then the raw attributes
 * attrs[0..attrs_len) (already padded), then MESSAGE-INTEGRITY keyed with `key` (omitted if
 * NULL) and FINGERPRINT. Returns the length written to out (which must hold it). */
static size_t __attribute__((unused))
stun_test_request(uint8_t *out, const uint8_t tid[STUN_TID_LEN], const char *user, const uint8_t *attrs,
                  size_t attrs_len, const char *key) {
  size_t len = STUN_HEADER_LEN;
  out[0] = 0x00, out[1] = 0x01;
  out[4] = 0x21, out[5] = 0x12, out[6] = 0xa4, out[7] = 0x42;
  memcpy(out + 8, tid, STUN_TID_LEN);
  stun_test_attr(out, &len, STUN_ATTR_USERNAME, user, (uint16_t)strlen(user));
  if (attrs_len) memcpy(out + len, attrs, attrs_len);
  len += attrs_len;
  if (key) {
    size_t body = len + 24 - STUN_HEADER_LEN; /* the length counts MI itself */
    out[2] = (uint8_t)(body >> 8), out[3] = (uint8_t)body;
    unsigned int maclen = 0;
    uint8_t mac[EVP_MAX_MD_SIZE];
    HMAC(EVP_sha1(), key, (int)strlen(key), out, len, mac, &maclen);
    stun_test_attr(out, &len, STUN_ATTR_MESSAGE_INTEGRITY, mac, 20);
  }
  size_t body = len + 8 - STUN_HEADER_LEN;
  out[2] = (uint8_t)(body >> 8), out[3] = (uint8_t)body;
  uint32_t crc = stun_crc32(out, len) ^ STUN_FINGERPRINT_XOR;
  uint8_t fp[4] = {(uint8_t)(crc >> 24), (uint8_t)(crc >> 16), (uint8_t)(crc >> 8), (uint8_t)crc};
  stun_test_attr(out, &len, STUN_ATTR_FINGERPRINT, fp, 4);
  return len;
}

#endif
