/* DTLS-SRTP for one media transport (RFC 5763 / RFC 5764), pure of sockets: datagrams go in
 * through dtls_conn_feed() and come out of dtls_conn_pending_out(); the caller (the worker's
 * transport) moves them to and from its UDP socket. OpenSSL 3 does the protocol over two memory
 * BIOs; this module adds what WebRTC needs around it: a self-signed ECDSA identity and its SDP
 * fingerprint, peer authentication by the fingerprint from the SDP (there is no CA), the
 * use_srtp extension, and the export of the SRTP master keys once the handshake is done.
 *
 * Ownership: a media worker creates one dtls_identity at start-up and a dtls_conn per
 * transport. A conn does not point to its identity (OpenSSL reference-counts what they share),
 * so the identity may be freed while conns made from it live on. An identity may be used by
 * several threads to create conns; a conn belongs to one thread. No global mutable state. */
#ifndef MOA_GATEWAY_RTC_DTLS_H
#define MOA_GATEWAY_RTC_DTLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DTLS_FINGERPRINT_LEN 32      /* SHA-256 */
#define DTLS_FINGERPRINT_TEXT_LEN 96 /* "AB:CD:..." 32*3-1 characters + NUL */
#define DTLS_MTU 1200                /* largest datagram dtls_conn_pending_out() produces */
#define DTLS_MAX_DATAGRAM 16384      /* longer input is rejected without looking at it */

/* SRTP protection profiles (RFC 5764 4.1.2 / RFC 7714 14.2), by their IANA ids. */
typedef enum {
  DTLS_SRTP_NONE = 0,
  DTLS_SRTP_AES128_CM_SHA1_80 = 0x0001,
  DTLS_SRTP_AES128_CM_SHA1_32 = 0x0002, /* never negotiated by dtls.c; srtp.c implements it */
  DTLS_SRTP_AEAD_AES_128_GCM = 0x0007,
} dtls_srtp_profile;

/* The use_srtp offer of a conn made by dtls_conn_new(): GCM first, CM_SHA1_80 for clients
 * that only have it (aiortc). OpenSSL picks by the server's order. */
#define DTLS_SRTP_PROFILES_DEFAULT "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80"

#define DTLS_SRTP_KEY_LEN 16      /* both profiles use AES-128 */
#define DTLS_SRTP_MAX_SALT_LEN 14 /* CM: 14, GCM: 12 */

/* SRTP master keys of one DTLS association, from this endpoint's point of view: `local` keys
 * protect what we send, `remote` keys unprotect what the peer sends. */
typedef struct {
  dtls_srtp_profile profile;
  uint8_t key_len;  /* DTLS_SRTP_KEY_LEN */
  uint8_t salt_len; /* 14 for AES128_CM_SHA1_80 and _32, 12 for AEAD_AES_128_GCM */
  uint8_t local_key[DTLS_SRTP_KEY_LEN];
  uint8_t local_salt[DTLS_SRTP_MAX_SALT_LEN];
  uint8_t remote_key[DTLS_SRTP_KEY_LEN];
  uint8_t remote_salt[DTLS_SRTP_MAX_SALT_LEN];
} dtls_srtp_keys;

typedef enum {
  DTLS_CONN_NEW,        /* server waiting for a ClientHello, or client not started */
  DTLS_CONN_CONNECTING, /* handshake running (or done, waiting for the remote fingerprint) */
  DTLS_CONN_CONNECTED,  /* peer authenticated, SRTP profile agreed: keys available */
  DTLS_CONN_FAILED,     /* handshake error, fingerprint mismatch, timeout: final */
  DTLS_CONN_CLOSED,     /* close_notify sent or received: final */
} dtls_conn_state;

typedef struct dtls_identity dtls_identity;
typedef struct dtls_conn dtls_conn;

/* ---- identity ---- */

/* Creates a fresh identity: an ECDSA P-256 key, a self-signed X.509v3 certificate (random
 * 63-bit serial, valid from one day ago for 30 days, CN "moa") and a DTLS 1.2 context that
 * presents it. Returns NULL if OpenSSL fails, with the reason in err[0..errlen) (err may be
 * NULL); nothing is leaked. */
dtls_identity *dtls_identity_new(char *err, size_t errlen);

/* Frees an identity. Conns created from it stay valid. NULL is a no-op. */
void dtls_identity_free(dtls_identity *id);

/* Writes the SHA-256 fingerprint of the certificate in SDP form, uppercase hex pairs joined by
 * colons ("AB:CD:...", 95 characters and a NUL), for "a=fingerprint:sha-256 <this>".
 * Cannot fail. */
void dtls_identity_fingerprint(const dtls_identity *id, char out[DTLS_FINGERPRINT_TEXT_LEN]);

/* The same fingerprint as 32 raw bytes. */
const uint8_t *dtls_identity_fingerprint_bytes(const dtls_identity *id);

/* Parses the SDP text form of a SHA-256 fingerprint (hex pairs, either case, joined by colons,
 * surrounding blanks ignored) into 32 bytes. Returns 0, or -1 if the text is not exactly that
 * (out is then unspecified). */
int dtls_fingerprint_parse(const char *text, uint8_t out[DTLS_FINGERPRINT_LEN]);

/* ---- connection ---- */

/* RFC 7983 demultiplexing: true if buf holds at least a DTLS record header (13 bytes) and its
 * first byte is in 20..63. Never reads past len. */
bool dtls_is_dtls(const uint8_t *buf, size_t len);

/* Creates an endpoint in state NEW. is_server: we answer the ClientHello (SDP
 * a=setup:passive), otherwise we send it after dtls_conn_start() (a=setup:active).
 * expected_fp: the peer's SHA-256 certificate fingerprint from its SDP; NULL if not known yet
 * (then set it with dtls_conn_set_remote_fingerprint(); the conn will not report CONNECTED
 * before it has checked one). Returns NULL on allocation or OpenSSL failure. */
dtls_conn *dtls_conn_new(const dtls_identity *id, bool is_server,
                         const uint8_t expected_fp[DTLS_FINGERPRINT_LEN]);

/* As dtls_conn_new(), offering (client) or accepting (server) only the SRTP profiles in
 * `srtp_profiles`, an OpenSSL list such as "SRTP_AES128_CM_SHA1_80" (NULL for the default).
 * Returns NULL if the list names no profile OpenSSL knows. */
dtls_conn *dtls_conn_new_ex(const dtls_identity *id, bool is_server,
                            const uint8_t expected_fp[DTLS_FINGERPRINT_LEN], const char *srtp_profiles);

/* Frees the conn without sending anything (call dtls_conn_close() first for a close_notify).
 * NULL is a no-op. */
void dtls_conn_free(dtls_conn *c);

/* Sets (or replaces, before the handshake has been checked) the expected remote fingerprint.
 * If the handshake already finished waiting for it, the certificate is checked now and the conn
 * becomes CONNECTED or FAILED. Returns 0, or -1 if the conn is already CONNECTED, FAILED or
 * CLOSED (nothing changes). */
int dtls_conn_set_remote_fingerprint(dtls_conn *c, const uint8_t fp[DTLS_FINGERPRINT_LEN]);

/* Client role: sends the ClientHello (collect it with dtls_conn_pending_out()) and moves to
 * CONNECTING. Returns 0; -1 if the conn is a server or was already started (nothing changes),
 * or if OpenSSL fails (the conn is then FAILED). */
int dtls_conn_start(dtls_conn *c);

/* Gives the conn one received datagram whose first byte is 20..63 (see dtls_is_dtls()).
 * Handshake records advance the handshake (a server leaves NEW on the first one); after the
 * handshake, alerts are handled (close_notify -> CLOSED, fatal -> FAILED), a retransmitted
 * final flight of the peer makes us retransmit ours, and application data is discarded.
 * Replies are queued for dtls_conn_pending_out().
 * Invalid records are silently discarded (RFC 6347 4.1.2.7): bad MAC, replay, old or future
 * epoch, truncated, unknown type, or too short to be authentic; none of them ends the
 * association or sends an alert, so a spoofed datagram cannot cut a participant's media.
 * Returns 0 if the datagram was taken (which includes records that were discarded), -1 if it
 * was refused unread (too short or long, not DTLS, conn FAILED or CLOSED) or if it made the
 * conn FAILED (an authentic fatal alert or handshake failure). Any bytes are safe. */
int dtls_conn_feed(dtls_conn *c, const uint8_t *pkt, size_t len);

/* Copies the next outgoing datagram into buf: whole DTLS records, several packed together
 * while they fit in min(cap, DTLS_MTU); flights are never merged beyond that. Call until it
 * returns 0. Returns the datagram length, 0 if nothing is pending, or -1 if cap cannot hold the
 * next record (nothing is consumed; DTLS_MTU always suffices). */
int dtls_conn_pending_out(dtls_conn *c, uint8_t *buf, size_t cap);

/* Drives retransmission and the handshake deadline. Call it when the delay it last returned
 * has passed (and after feed/start, to learn the delay). now_ms is a monotonic clock in
 * milliseconds. OpenSSL 3.0 keeps its retransmission timer on the wall clock (gettimeofday),
 * with no way to give it another, so now_ms must advance with real time; the back-off is ours
 * (100 ms doubling to 3 s; OpenSSL fails a flight after 12 retransmissions), and a handshake
 * still running DTLS_HANDSHAKE_TIMEOUT_MS after the first tick that saw it fails.
 * Returns the milliseconds until the next tick is due, or -1 if no timer is running. A
 * retransmission is queued for dtls_conn_pending_out(); a give-up makes the conn FAILED. */
int dtls_conn_tick(dtls_conn *c, uint64_t now_ms);
#define DTLS_HANDSHAKE_TIMEOUT_MS 30000

/* Sends close_notify (queued for dtls_conn_pending_out()) if the handshake completed, and moves
 * the conn to CLOSED. FAILED stays FAILED. No-op if already final. */
void dtls_conn_close(dtls_conn *c);

dtls_conn_state dtls_conn_get_state(const dtls_conn *c);
bool dtls_conn_is_server(const dtls_conn *c);

/* Why the conn is FAILED or CLOSED, for logs ("fingerprint mismatch", "handshake timeout",
 * "peer alert: ...", "closed by peer"); "" otherwise. Valid while the conn lives. */
const char *dtls_conn_error(const dtls_conn *c);

/* Name of a state ("new", "connecting", ...), static. */
const char *dtls_conn_state_name(dtls_conn_state s);

/* Exports the SRTP master keys (RFC 5764 4.2: SSL_export_keying_material with label
 * "EXTRACTOR-dtls_srtp", split client key | server key | client salt | server salt, local and
 * remote by our role) and the negotiated profile into *out.
 * Returns 0, or -1 if the conn is not CONNECTED (then *out is zeroed). */
int dtls_conn_srtp_keys(dtls_conn *c, dtls_srtp_keys *out);

#endif
