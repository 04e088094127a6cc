/* SRTP/SRTCP for one media transport: the two sessions a DTLS-SRTP association yields, inbound
 * (the peer's keys, any SSRC it sends) and outbound (our keys, any SSRC we send), implemented in
 * srtp.c on OpenSSL EVP (AES-CM, HMAC-SHA1) and libipsec-mb (AES-GCM, srtp_gcm.c); why not
 * libsrtp2, and why not OpenSSL for GCM, is said there, with figures. Built from the keys
 * dtls_conn_srtp_keys() exports; owned by the transport of the worker thread that made it and
 * used only on that thread (not thread-safe). Protect and unprotect work in place, allocate
 * nothing after the first packet of a new SSRC, and return error codes fine enough for
 * per-transport counters.
 *
 * Buffers need no particular alignment; for protect they must have room after the packet for
 * the trailer (SRTP_PAIR_RTP_TRAILER_MAX and SRTP_PAIR_RTCP_TRAILER_MAX). */
#ifndef MOA_GATEWAY_RTC_SRTP_H
#define MOA_GATEWAY_RTC_SRTP_H

#include "gateway/rtc/dtls.h"

/* Room protect asks for after the packet: kept at libsrtp's SRTP_MAX_TRAILER_LEN (tag + MKI, 144)
 * and 4 more for SRTCP's E flag and index, which callers size their buffers by; the largest
 * trailer written is 16 bytes (GCM tag) for SRTP and 20 for SRTCP. */
#define SRTP_PAIR_RTP_TRAILER_MAX 144
#define SRTP_PAIR_RTCP_TRAILER_MAX 148
#define SRTP_PAIR_REPLAY_WINDOW 1024 /* inbound SRTP replay window, in packets (as libwebrtc) */

/* Results (0 or negative), fine enough for counters. */
typedef enum {
  SRTP_PAIR_OK = 0,
  SRTP_PAIR_ERR_ARG = -1,    /* too short to be RTP/RTCP, or not enough room for the trailer */
  SRTP_PAIR_ERR_AUTH = -2,   /* authentication tag wrong: tampered, or another key */
  SRTP_PAIR_ERR_REPLAY = -3, /* seen already, or older than the replay window */
  SRTP_PAIR_ERR_FAIL = -4,   /* anything else: malformed header, too many SSRCs, SRTCP index
                                spent, an OpenSSL failure */
} srtp_pair_err;

typedef struct srtp_pair srtp_pair;

/* Process-wide set-up: libipsec-mb's manager for GCM (srtp_gcm_global_init; OpenSSL 3
 * initialises itself). Safe from any thread, any number of times. Returns 0, or -1 when out of
 * memory (pairs of the GCM profile then cannot be made). */
int srtp_global_init(void);

/* Creates both sessions for keys->profile (AEAD_AES_128_GCM: 16-byte tag; AES128_CM_SHA1_80:
 * 80-bit HMAC-SHA1 tag for SRTP and SRTCP; AES128_CM_SHA1_32: 32-bit for SRTP, 80-bit for
 * SRTCP), with the inbound replay window of SRTP_PAIR_REPLAY_WINDOW (SRTP and SRTCP), and the
 * outbound side allowing a sequence number again, so a NACK can be answered by protecting the
 * very same packet again (it must be byte-identical: with GCM a different payload under the same
 * sequence number would reuse the nonce). Returns NULL for an unknown profile, wrong key lengths,
 * or an OpenSSL failure (nothing is logged: the caller reports it). */
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

/* A hint, no effect on results: starts loading into the CPU cache what the next
 * srtp_pair_protect_rtp(p, ...) of a packet of `ssrc` will touch (the stream's slot and the
 * cipher context). For a fan-out that protects one packet for many pairs in a row, called one
 * pair ahead (rooms/producer.c); p itself should be in cache already (see srtp_pair_prefetch). */
void srtp_pair_prefetch_out(const srtp_pair *p, uint32_t ssrc);
/* A hint: starts loading p's own fields (call it before srtp_pair_prefetch_out). NULL is fine. */
void srtp_pair_prefetch(const srtp_pair *p);

/* As srtp_pair_protect_rtp() for RTCP; cap >= *len + SRTP_PAIR_RTCP_TRAILER_MAX. */
int srtp_pair_protect_rtcp(srtp_pair *p, uint8_t *buf, int *len, int cap);

#endif
