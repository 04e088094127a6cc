/* SRTP session pair over libsrtp2 (see srtp.h). libsrtp does the cryptography; this file
 * chooses the policies for the two DTLS-SRTP profiles, checks lengths before libsrtp sees a
 * packet (libsrtp 2 trusts its callers with short buffers and trailer room), and maps libsrtp's
 * status codes onto the few the transport counts. The only global state is libsrtp's own,
 * initialised once through pthread_once. */
#include "gateway/rtc/srtp.h"

#include <pthread.h>
#include <srtp2/srtp.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/log.h"

_Static_assert(SRTP_PAIR_RTP_TRAILER_MAX >= SRTP_MAX_TRAILER_LEN, "SRTP trailer room");
_Static_assert(SRTP_PAIR_RTCP_TRAILER_MAX >= SRTP_MAX_TRAILER_LEN + 4, "SRTCP trailer room");

#define SRTP_RTP_HEADER_MIN 12 /* fixed RTP header */
#define SRTP_RTCP_HEADER_MIN 8 /* RTCP header + sender SSRC */

struct srtp_pair {
  srtp_t in;  /* the peer's keys, ssrc_any_inbound */
  srtp_t out; /* our keys, ssrc_any_outbound */
  int rtp_tag_len, rtcp_tag_len;
};

static pthread_once_t srtp__once = PTHREAD_ONCE_INIT;
static int srtp__init_status = -1;

static void srtp__init(void) {
  srtp_err_status_t st = srtp_init();
  if (st != srtp_err_status_ok) log_warn("srtp: srtp_init failed (%d)", (int)st);
  srtp__init_status = st == srtp_err_status_ok ? 0 : -1;
}

int srtp_global_init(void) {
  pthread_once(&srtp__once, srtp__init);
  return srtp__init_status;
}

static int srtp__map(srtp_err_status_t st) {
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

/* One session: key || salt under the profile's policy. NULL on failure. */
static srtp_t srtp__session(const dtls_srtp_keys *k, const uint8_t *key, const uint8_t *salt, bool inbound) {
  uint8_t master[DTLS_SRTP_KEY_LEN + DTLS_SRTP_MAX_SALT_LEN];
  srtp_policy_t pol;
  srtp_t s = NULL;
  memset(&pol, 0, sizeof pol);
  if (k->profile == DTLS_SRTP_AEAD_AES_128_GCM) {
    srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol.rtp);
    srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol.rtcp);
  } else {
    srtp_crypto_policy_set_rtp_default(&pol.rtp); /* AES_CM_128_HMAC_SHA1_80 */
    srtp_crypto_policy_set_rtcp_default(&pol.rtcp);
  }
  memcpy(master, key, k->key_len);
  memcpy(master + k->key_len, salt, k->salt_len);
  pol.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
  pol.key = master;
  pol.window_size = SRTP_PAIR_REPLAY_WINDOW;
  pol.allow_repeat_tx = inbound ? 0 : 1;
  srtp_err_status_t st = srtp_create(&s, &pol);
  memset(master, 0, sizeof master); /* the session keeps its own derived keys */
  if (st != srtp_err_status_ok) {
    log_warn("srtp: srtp_create failed (%d)", (int)st);
    return NULL;
  }
  return s;
}

srtp_pair *srtp_pair_new(const dtls_srtp_keys *keys) {
  if (keys == NULL || srtp_global_init() != 0 || keys->key_len != DTLS_SRTP_KEY_LEN) return NULL;
  int tag;
  if (keys->profile == DTLS_SRTP_AEAD_AES_128_GCM && keys->salt_len == 12)
    tag = 16;
  else if (keys->profile == DTLS_SRTP_AES128_CM_SHA1_80 && keys->salt_len == 14)
    tag = 10;
  else
    return NULL;
  srtp_pair *p = calloc(1, sizeof *p);
  if (p == NULL) return NULL;
  p->rtp_tag_len = p->rtcp_tag_len = tag;
  p->in = srtp__session(keys, keys->remote_key, keys->remote_salt, true);
  if (p->in == NULL) goto fail;
  p->out = srtp__session(keys, keys->local_key, keys->local_salt, false);
  if (p->out == NULL) goto fail;
  return p;
fail:
  srtp_pair_free(p);
  return NULL;
}

void srtp_pair_free(srtp_pair *p) {
  if (p == NULL) return;
  if (p->in != NULL) srtp_dealloc(p->in); /* libsrtp zeroes key material on dealloc */
  if (p->out != NULL) srtp_dealloc(p->out);
  free(p);
}

int srtp_pair_unprotect_rtp(srtp_pair *p, uint8_t *buf, int *len) {
  if (buf == NULL || len == NULL || *len < SRTP_RTP_HEADER_MIN + p->rtp_tag_len) return SRTP_PAIR_ERR_ARG;
  return srtp__map(srtp_unprotect(p->in, buf, len));
}

int srtp_pair_unprotect_rtcp(srtp_pair *p, uint8_t *buf, int *len) {
  if (buf == NULL || len == NULL || *len < SRTP_RTCP_HEADER_MIN + 4 + p->rtcp_tag_len)
    return SRTP_PAIR_ERR_ARG;
  return srtp__map(srtp_unprotect_rtcp(p->in, buf, len));
}

int srtp_pair_protect_rtp(srtp_pair *p, uint8_t *buf, int *len, int cap) {
  if (buf == NULL || len == NULL || *len < SRTP_RTP_HEADER_MIN || cap < 0 ||
      *len > cap - SRTP_PAIR_RTP_TRAILER_MAX)
    return SRTP_PAIR_ERR_ARG;
  return srtp__map(srtp_protect(p->out, buf, len));
}

int srtp_pair_protect_rtcp(srtp_pair *p, uint8_t *buf, int *len, int cap) {
  if (buf == NULL || len == NULL || *len < SRTP_RTCP_HEADER_MIN || cap < 0 ||
      *len > cap - SRTP_PAIR_RTCP_TRAILER_MAX)
    return SRTP_PAIR_ERR_ARG;
  return srtp__map(srtp_protect_rtcp(p->out, buf, len));
}
