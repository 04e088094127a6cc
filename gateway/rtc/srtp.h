/* SRTP/SRTCP for one media transport: a thin wrapper over libsrtp2 holding the two sessions a
 * DTLS-SRTP association yields, inbound (the peer's keys, any SSRC it sends) and outbound (our
 * keys, any SSRC we send). Built from the keys dtls_conn_srtp_keys() exports; owned by the
 * transport of the worker thread that made it and used only on that thread (libsrtp sessions
 * are not thread-safe). Protect and unprotect work in place, allocate nothing after the first
 * packet of a new SSRC, and return error codes fine enough for per-transport counters.
 *
 * Buffers given to libsrtp must be 4-byte aligned (libsrtp reads the header as 32-bit words)
 * and, for protect, have room after the packet for the trailer (SRTP_PAIR_RTP_TRAILER_MAX and
 * SRTP_PAIR_RTCP_TRAILER_MAX). */
#ifndef MOA_GATEWAY_RTC_SRTP_H
#define MOA_GATEWAY_RTC_SRTP_H

#include "gateway/rtc/dtls.h"

/* Room protect needs after the packet: libsrtp's SRTP_MAX_TRAILER_LEN (tag + MKI, 144), and for
 * SRTCP 4 more for the E flag and index. */
#define SRTP_PAIR_RTP_TRAILER_MAX 144
#define SRTP_PAIR_RTCP_TRAILER_MAX 148
#define SRTP_PAIR_REPLAY_WINDOW 1024 /* inbound SRTP replay window, in packets (as libwebrtc) */

/* Results (0 or negative), fine enough for counters. */
typedef enum {
  SRTP_PAIR_OK = 0,
  SRTP_PAIR_ERR_ARG = -1,    /* too short to be RTP/RTCP, or not enough room for the trailer */
  SRTP_PAIR_ERR_AUTH = -2,   /* authentication tag wrong: tampered, or another key */
  SRTP_PAIR_ERR_REPLAY = -3, /* seen already, or older than the replay window */
  SRTP_PAIR_ERR_FAIL = -4,   /* anything else libsrtp refuses (malformed header, ...) */
} srtp_pair_err;

typedef struct srtp_pair srtp_pair;

/* Initialises libsrtp once per process; safe to call from any thread, any number of times.
 * Returns 0, or -1 if libsrtp could not initialise (then every srtp_pair_new() fails too). */
int srtp_global_init(void);

/* Creates both sessions for keys->profile (AEAD_AES_128_GCM: 16-byte tag; AES128_CM_SHA1_80:
 * 80-bit HMAC-SHA1 tag for SRTP and SRTCP), with the inbound replay window of
 * SRTP_PAIR_REPLAY_WINDOW and allow_repeat_tx on the outbound side, so a NACK can be answered
 * by protecting the very same packet again (it must be byte-identical: with GCM a different
 * payload under the same sequence number would reuse the nonce). Calls srtp_global_init().
 * Returns NULL for an unknown profile, wrong key lengths, or a libsrtp failure (logged). */
srtp_pair *srtp_pair_new(const dtls_srtp_keys *keys);

/* Frees both sessions and wipes their keys. NULL is a no-op. */
void srtp_pair_free(srtp_pair *p);

/* Unprotects an SRTP packet in place: on success *len becomes the RTP length (the tag is
 * removed). Returns SRTP_PAIR_OK, or a negative srtp_pair_err; on error the buffer may be
 * partly decrypted and must be dropped. Never reads or writes outside buf[0..*len). */
int srtp_pair_unprotect_rtp(srtp_pair *p, uint8_t *buf, int *len);

/* As srtp_pair_unprotect_rtp() for SRTCP (index and E flag removed too). */
int srtp_pair_unprotect_rtcp(srtp_pair *p, uint8_t *buf, int *len);

/* Protects an RTP packet in place: *len grows by the tag. cap is the size of buf, which must
 * be at least *len + SRTP_PAIR_RTP_TRAILER_MAX (else SRTP_PAIR_ERR_ARG and nothing changes).
 * Protecting a sequence number again is allowed (retransmission). Returns SRTP_PAIR_OK or a
 * negative srtp_pair_err; on error the buffer content is unspecified. */
int srtp_pair_protect_rtp(srtp_pair *p, uint8_t *buf, int *len, int cap);

/* As srtp_pair_protect_rtp() for RTCP; cap >= *len + SRTP_PAIR_RTCP_TRAILER_MAX. */
int srtp_pair_protect_rtcp(srtp_pair *p, uint8_t *buf, int *len, int cap);

#endif
