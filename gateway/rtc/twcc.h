/* Transport-wide congestion control codec (draft-holmer-rmcat-transport-wide-cc-extensions-01):
 * the RTCP feedback message (RTPFB, PT=205, FMT=15) a receiver sends back about every packet it
 * got, and the RTP header extension that numbers every packet a sender puts on one transport.
 *
 * Feedback layout after the RTPFB common header (sender SSRC, media SSRC):
 *   base sequence number (16) | packet status count (16) | reference time (24, signed in
 *   libwebrtc, units of 64 ms) | feedback packet count (8) | packet chunks (16 bits each) until
 *   `count` statuses are described | receive deltas (1 byte, unsigned, 250 us units, for status
 *   "small delta"; 2 bytes, signed, for "large or negative delta") | zero padding.
 * A run-length chunk is 0|S(2)|run(13); a status vector chunk is 1|0|14 one-bit symbols
 * (0 not received, 1 small delta) or 1|1|7 two-bit symbols (00 not received, 01 small delta,
 * 10 large delta, 11 reserved). The first delta is relative to the reference time, each later
 * one to the previous received packet.
 *
 * The parser writes one entry per reported packet into a caller array and never reads outside
 * the buffer it was given; the builder exists for round-trip tests and for a receiver-side
 * estimator should one ever be needed. Pure functions on caller buffers: no state, no
 * allocation, no clock. Used on the media worker's thread. */
#ifndef MOA_GATEWAY_RTC_TWCC_H
#define MOA_GATEWAY_RTC_TWCC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gateway/rtc/rtcp.h"
#include "gateway/rtc/rtp.h"

#define TWCC_EXT_URI "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"
#define TWCC_DELTA_US 250      /* receive delta unit */
#define TWCC_REF_TIME_US 64000 /* reference time unit */

/* One reported packet. arrival_us is on the receiver's clock: reference time x 64 ms plus the
 * deltas up to this packet (the reference time taken as the unsigned 24-bit field, so it wraps
 * every 2^24 x 64 ms; twcc_ref_unwrap() extends it across feedback messages). Only meaningful
 * when received. */
typedef struct {
  uint16_t seq;
  bool received;
  int64_t arrival_us;
} twcc_packet;

/* The fixed part of one feedback message. */
typedef struct {
  uint32_t sender_ssrc;
  uint32_t media_ssrc;
  uint16_t base_seq;
  uint16_t status_count; /* packets described, base_seq .. base_seq + count - 1 (mod 2^16) */
  uint32_t ref_time;     /* the raw 24-bit field */
  uint8_t fb_count;      /* feedback packet count, to detect lost feedback */
  size_t n;              /* entries written to the caller's array: min(status_count, cap) */
  bool truncated;        /* status_count > cap: the rest was validated but not stored */
  size_t received;       /* packets reported received (all of them, stored or not) */
} twcc_feedback;

/* Parses the FCI of a transport-cc message (the bytes after sender and media SSRC): fills *fb
 * and writes min(count, cap) entries to out, in sequence order. The whole message is validated
 * even past cap. Fails (-1, *fb and out unspecified) if the FCI is shorter than 8 bytes, the
 * status count is 0 (libwebrtc refuses empty feedback too), the chunks end before `count`
 * statuses are described, a symbol is the reserved 11, or the deltas the statuses call for are
 * missing. Bytes after the last delta (zero padding) are ignored. Returns fb->n. */
int twcc_parse_fci(const uint8_t *fci, size_t len, twcc_feedback *fb, twcc_packet *out, size_t cap);

/* The same for one RTCP packet from rtcp_iter_next(): -1 unless it is RTPFB fmt 15 with room
 * for the two SSRCs. The RTCP padding (P bit) was already removed by the iterator. */
int twcc_parse(const rtcp_header *h, twcc_feedback *fb, twcc_packet *out, size_t cap);

/* Builds one transport-cc RTCP packet describing pkts[0..n), which must be consecutive
 * sequence numbers starting at pkts[0].seq (n in 1..65535). Arrival times are rounded down to
 * 250 us; the first received one must not precede ref_time x 64 ms (mod nothing: ref_time is
 * taken as given, 0..2^24-1) and consecutive deltas must fit a signed 16-bit count of 250 us.
 * Chunks: a run of 7 or more equal symbols becomes a run-length chunk, otherwise a one-bit
 * vector when the next 14 statuses need no large delta, else a two-bit vector. Returns the
 * packet length (a multiple of 4, zero padded), or -1 (out unspecified) if an argument is
 * invalid, a delta does not fit, or cap is too small. */
int twcc_build(uint8_t *out, size_t cap, uint32_t sender_ssrc, uint32_t media_ssrc, uint32_t ref_time,
               uint8_t fb_count, const twcc_packet *pkts, size_t n);

/* Extends the 24-bit reference time across messages: each value is placed nearest to the
 * previous one (messages arrive out of order by at most a few, far less than 2^23 x 64 ms).
 * Returns the offset in microseconds to add to arrival_us of the message with this ref_time
 * (0 for the first one). Zero-initialise, one per transport. */
typedef struct {
  int64_t last; /* unwrapped reference time of the previous message, 64 ms units */
  bool started;
} twcc_ref_unwrapper;

int64_t twcc_ref_unwrap(twcc_ref_unwrapper *u, uint32_t ref_time);

/* Transport-wide sequence number header extension (2 bytes of value; the 4-byte "-02"
 * variant's first two bytes are read the same way). Reads element `id` of a parsed packet into
 * *seq. Returns 0, or -1 if absent or shorter than 2 bytes. */
int twcc_ext_read(const rtp_packet *pkt, uint8_t id, uint16_t *seq);

/* Writes seq into element `id` of the packet buf[0..len), adding the element if it is not
 * there (RFC 8285: a one-byte block if the packet has none and id <= 14, else a two-byte
 * block; an existing block keeps its form and grows by whole 32-bit words). The payload and
 * padding move up when the header grows. Returns the new length (len when the element was
 * rewritten in place), or -1 (buf unchanged) if the packet does not parse, the existing
 * element's length is not 2, the id does not fit the block's form (15 in a one-byte block, 0),
 * the block is malformed, or cap is too small. */
int twcc_ext_write(uint8_t *buf, size_t len, size_t cap, uint8_t id, uint16_t seq);

#endif
