/* RFC 4571 framing: how ICE-TCP (RFC 6544) carries STUN, DTLS, RTP and RTCP on a TCP stream.
 * Every packet is preceded by its length as a 16-bit big-endian number, so a frame holds 0 to
 * 65,535 bytes. A pure codec: the reader is a reassembly state machine fed whatever chunks the
 * socket returns (a frame split at any byte, several frames in one chunk); it owns no memory
 * and does no I/O. The caller gives it storage for one frame and a largest accepted length:
 * a frame announcing more is an error, so memory per connection stays bounded. */
#ifndef MOA_GATEWAY_RTC_RFC4571_H
#define MOA_GATEWAY_RTC_RFC4571_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RFC4571_HEADER 2
#define RFC4571_MAX_FRAME 65535

typedef struct rfc4571_reader {
  uint8_t *store;   /* caller's storage for a frame split across chunks (max bytes) */
  size_t max;       /* largest frame accepted, <= RFC4571_MAX_FRAME */
  uint8_t hdr[2];   /* the length bytes of the next frame, as far as read */
  uint8_t hdr_have; /* 0..2 */
  size_t want;      /* length of the frame being assembled (valid when hdr_have == 2) */
  size_t have;      /* bytes of it copied into store */
  bool failed;      /* a frame announced more than max: the stream cannot be resynchronised */
} rfc4571_reader;

/* Starts a reader; store must hold max bytes (max <= RFC4571_MAX_FRAME) and outlive it. */
void rfc4571_reader_init(rfc4571_reader *r, uint8_t *store, size_t max);

/* Consumes bytes of one chunk from *data (*len bytes), advancing both, until a frame is whole.
 * Returns 1 with *frame and *frame_len set when a frame is complete: *frame points into the
 * chunk when the frame lay whole in it (no copy), else into the store; either way it stays valid
 * and writable until the next call. Returns 0 when the chunk is used up with no frame complete
 * (the partial frame is kept for the next chunk), and -1 when a frame announces more than max
 * bytes: the reader then stays failed, consuming nothing, and the stream must be closed.
 * 0-length frames are returned like any other (with *frame_len 0). */
int rfc4571_read(rfc4571_reader *r, uint8_t **data, size_t *len, uint8_t **frame, size_t *frame_len);

/* True when no partial frame is held (the stream ended on a frame boundary). */
bool rfc4571_at_boundary(const rfc4571_reader *r);

/* Writes the 2-byte length header for a frame of len bytes; -1 (nothing written) when len does
 * not fit in 16 bits. */
int rfc4571_put_header(uint8_t out[RFC4571_HEADER], size_t len);

#endif
