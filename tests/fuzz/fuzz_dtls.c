/* libFuzzer target: the datagram demultiplexing of a media worker (RFC 7983: STUN 0..3, DTLS
 * 20..63, RTP/RTCP 128..191; rooms/sfu.c) and the DTLS record path behind it (gateway/rtc/dtls.c
 * over OpenSSL), which reads the datagrams of any participant that passed ICE. Each input is a
 * sequence of datagrams, each written as a 2-byte big-endian length and its bytes (a last one
 * without its full length is taken as it is). Every datagram is classified; the classifiers must
 * agree with one another (at most one claims it). The DTLS ones are fed, in order, to a fresh
 * server-side conn (a=setup:passive, as the SFU makes them); after each, what it queued is
 * collected as the worker would, and its timer is driven. The conn is freed at the end.
 *
 * Built by `make fuzz` and replayed by ctest (fuzz_replay_dtls); see docs/FUZZING.md. */
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "gateway/rtc/dtls.h"
#include "gateway/rtc/rtp.h"
#include "gateway/rtc/stun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static dtls_identity *identity;
static uint8_t peer_fp[DTLS_FINGERPRINT_LEN];

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  log_set_level(LOG_LEVEL_ERROR);
  identity = dtls_identity_new(NULL, 0);
  if (!identity) abort();
  memcpy(peer_fp, dtls_identity_fingerprint_bytes(identity), sizeof peer_fp);
  char text[DTLS_FINGERPRINT_TEXT_LEN];
  uint8_t back[DTLS_FINGERPRINT_LEN];
  dtls_identity_fingerprint(identity, text);
  if (dtls_fingerprint_parse(text, back) != 0 || memcmp(back, peer_fp, sizeof back) != 0) abort();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* The first input byte chooses whether the remote fingerprint is known from the start. */
  if (size < 1) return 0;
  bool fp_first = data[0] & 1;
  data++;
  size--;
  dtls_conn *c = dtls_conn_new(identity, true, fp_first ? peer_fp : NULL);
  if (!c) abort();
  uint64_t now_ms = 1000;
  uint8_t out[DTLS_MTU];
  while (size > 0) {
    size_t len = size >= 2 ? (size_t)(data[0] << 8 | data[1]) : size;
    const uint8_t *d = size >= 2 ? data + 2 : data;
    size_t avail = size >= 2 ? size - 2 : size;
    if (len > avail) len = avail;
    int claims = stun_is_stun(d, len) + dtls_is_dtls(d, len) + rtp_is_rtp_or_rtcp(d, len);
    if (claims > 1) abort();
    if (rtp_is_rtcp(d, len) && rtp_is_rtp(d, len)) abort();
    if (dtls_is_dtls(d, len)) {
      int r = dtls_conn_feed(c, d, len);
      if (r == 0 && dtls_conn_get_state(c) == DTLS_CONN_FAILED) abort(); /* the contract */
      int n;
      while ((n = dtls_conn_pending_out(c, out, sizeof out)) > 0)
        if (!dtls_is_dtls(out, (size_t)n)) abort(); /* what we send demultiplexes as DTLS */
      if (n < 0) abort();
      (void)dtls_conn_tick(c, now_ms += 150);
    }
    data = d + len;
    size = avail - len;
  }
  if (!fp_first) (void)dtls_conn_set_remote_fingerprint(c, peer_fp);
  (void)dtls_conn_state_name(dtls_conn_get_state(c));
  (void)dtls_conn_error(c);
  dtls_conn_close(c);
  while (dtls_conn_pending_out(c, out, sizeof out) > 0) {
  }
  dtls_conn_free(c);
  return 0;
}
