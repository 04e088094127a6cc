/* Internals of gateway/rtc/srtp.c exposed for its unit tests and nothing else: the RFC 3711
 * key derivation, and a pair built from session keys directly, which is how the RFC 7714 test
 * vectors are stated. */
#ifndef MOA_GATEWAY_RTC_SRTP_INT_H
#define MOA_GATEWAY_RTC_SRTP_INT_H

#include <stddef.h>
#include <stdint.h>

#include "gateway/rtc/srtp.h"

#define SRTP_KEY_LEN 16      /* AES-128 */
#define SRTP_CM_SALT_LEN 14  /* AES-CM session and master salt */
#define SRTP_GCM_SALT_LEN 12 /* AEAD_AES_128_GCM session and master salt */
#define SRTP_AUTH_KEY_LEN 20 /* HMAC-SHA1 session key */

/* The session keys of one direction (RFC 3711 4.3.1 labels 0-5). For GCM the salts are 12
 * bytes (the last 2 unused) and the auth keys unused. */
typedef struct {
  uint8_t rtp_key[SRTP_KEY_LEN], rtp_salt[SRTP_CM_SALT_LEN], rtp_auth[SRTP_AUTH_KEY_LEN];
  uint8_t rtcp_key[SRTP_KEY_LEN], rtcp_salt[SRTP_CM_SALT_LEN], rtcp_auth[SRTP_AUTH_KEY_LEN];
} srtp_session_keys;

/* The AES-CM PRF of RFC 3711 4.3.3 with key derivation rate 0: n bytes of session key material
 * for `label` from a 16-byte master key and a master salt of salt_len <= 14 bytes (a 12-byte
 * GCM salt is zero-padded, as RFC 7714 12 and libsrtp do). Returns 0, or -1 on an OpenSSL
 * failure (out is then wiped). */
int srtp_kdf(const uint8_t *master_key, const uint8_t *master_salt, size_t salt_len, uint8_t label,
             uint8_t *out, size_t n);

/* Derives every session key of one direction for `profile` into *out. Returns 0 or -1. */
int srtp_derive(dtls_srtp_profile profile, const uint8_t *master_key, const uint8_t *master_salt,
                srtp_session_keys *out);

/* As srtp_pair_new(), from session keys: `in` unprotects, `out` protects. NULL on an unknown
 * profile or an OpenSSL failure. */
srtp_pair *srtp_pair_new_session(dtls_srtp_profile profile, const srtp_session_keys *in,
                                 const srtp_session_keys *out);

#endif
