/* libFuzzer target: SRTP/SRTCP (gateway/rtc/srtp.c), which reads every datagram a participant
 * sends before anything else looks at it. The first input byte picks the profile
 * (AEAD_AES_128_GCM, AES_CM_128_HMAC_SHA1_80 or _32) and RTP or RTCP; the rest is one packet.
 *  - As it comes from the network: unprotected on an exactly sized heap copy. Nearly always
 *    refused; it must never be accepted with a length that grew.
 *  - As plaintext: protected by one side (exact room for the trailer), unprotected by the other,
 *    which must give back the same bytes; the same packet again must be a replay; any one bit
 *    of it flipped must be refused.
 * Fresh pairs per input, so the verdicts depend on the input alone.
 *
 * Built by `make fuzz` and replayed by ctest (fuzz_replay_srtp); see docs/FUZZING.md. */
#include <stdlib.h>
#include <string.h>

#include "gateway/rtc/srtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_keys(dtls_srtp_profile pr, dtls_srtp_keys *a, dtls_srtp_keys *b) {
  memset(a, 0, sizeof *a);
  a->profile = pr;
  a->key_len = DTLS_SRTP_KEY_LEN;
  a->salt_len = pr == DTLS_SRTP_AEAD_AES_128_GCM ? 12 : 14;
  for (int i = 0; i < DTLS_SRTP_KEY_LEN; i++)
    a->local_key[i] = (uint8_t)(i + 1), a->remote_key[i] = (uint8_t)(i * 3);
  for (int i = 0; i < DTLS_SRTP_MAX_SALT_LEN; i++)
    a->local_salt[i] = (uint8_t)(i * 7), a->remote_salt[i] = (uint8_t)(0x40 + i);
  *b = *a;
  memcpy(b->local_key, a->remote_key, sizeof b->local_key);
  memcpy(b->remote_key, a->local_key, sizeof b->remote_key);
  memcpy(b->local_salt, a->remote_salt, sizeof b->local_salt);
  memcpy(b->remote_salt, a->local_salt, sizeof b->remote_salt);
}

static int fuzz_unprotect(srtp_pair *p, bool rtcp, uint8_t *buf, int *len) {
  return rtcp ? srtp_pair_unprotect_rtcp(p, buf, len) : srtp_pair_unprotect_rtp(p, buf, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > 4096) return 0;
  static const dtls_srtp_profile profiles[] = {DTLS_SRTP_AEAD_AES_128_GCM, DTLS_SRTP_AES128_CM_SHA1_80,
                                               DTLS_SRTP_AES128_CM_SHA1_32};
  dtls_srtp_profile pr = profiles[(data[0] & 0x7f) % 3];
  bool rtcp = (data[0] & 0x80) != 0;
  const uint8_t *pkt = data + 1;
  int n = (int)size - 1;
  dtls_srtp_keys ka, kb;
  fuzz_keys(pr, &ka, &kb);
  srtp_pair *a = srtp_pair_new(&ka), *b = srtp_pair_new(&kb);
  if (a == NULL || b == NULL) abort();

  /* 1. hostile input */
  uint8_t *copy = malloc((size_t)n + 1);
  if (copy == NULL) abort();
  memcpy(copy, pkt, (size_t)n);
  int len = n;
  if (fuzz_unprotect(b, rtcp, copy, &len) == SRTP_PAIR_OK && (len < 0 || len > n)) abort();
  free(copy);

  /* 2. round trip of the input as plaintext */
  int trailer = rtcp ? SRTP_PAIR_RTCP_TRAILER_MAX : SRTP_PAIR_RTP_TRAILER_MAX;
  uint8_t *buf = malloc((size_t)n + (size_t)trailer + 1), *prot = NULL;
  if (buf == NULL) abort();
  memcpy(buf, pkt, (size_t)n);
  len = n;
  int rc = rtcp ? srtp_pair_protect_rtcp(a, buf, &len, n + trailer)
                : srtp_pair_protect_rtp(a, buf, &len, n + trailer);
  if (rc == SRTP_PAIR_OK) {
    if (len <= n || len > n + trailer) abort();
    int plen = len;
    prot = malloc((size_t)plen);
    if (prot == NULL) abort();
    memcpy(prot, buf, (size_t)plen);
    if (fuzz_unprotect(b, rtcp, buf, &len) != SRTP_PAIR_OK || len != n || memcmp(buf, pkt, (size_t)n) != 0)
      abort();
    memcpy(buf, prot, (size_t)plen);
    len = plen;
    if (fuzz_unprotect(b, rtcp, buf, &len) != SRTP_PAIR_ERR_REPLAY) abort();
    /* one bit flipped, chosen by the input, into a receiver that has not seen the packet */
    srtp_pair *c = srtp_pair_new(&kb);
    if (c == NULL) abort();
    size_t bit = (size_t)(n > 1 ? pkt[1] | pkt[0] << 8 : 0) % ((size_t)plen * 8);
    memcpy(buf, prot, (size_t)plen);
    buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    len = plen;
    if (fuzz_unprotect(c, rtcp, buf, &len) == SRTP_PAIR_OK) abort();
    srtp_pair_free(c);
  } else if (rc != SRTP_PAIR_ERR_ARG && rc != SRTP_PAIR_ERR_FAIL) {
    abort();
  }
  free(prot);
  free(buf);
  srtp_pair_free(a);
  srtp_pair_free(b);
  return 0;
}
