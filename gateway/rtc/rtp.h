/* RTP codec (RFC 3550) for the SFU's forwarding path: a bounds-checked header parser that
 * points into the packet, raw accessors and in-place rewrites of the fixed header, header
 * extension lookup and rewrite (RFC 8285 one-byte and two-byte forms), RTX encapsulation
 * (RFC 4588), keyframe detection for VP8 (RFC 7741) and H.264 (RFC 6184), the audio level of
 * RFC 6464, and RFC 7983 / RFC 5761 demultiplexing. Sequence number arithmetic is in
 * base/seq.h. Pure functions on caller buffers: no state, no allocation, no locks. */
#ifndef MOA_GATEWAY_RTC_RTP_H
#define MOA_GATEWAY_RTC_RTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"

#define RTP_HEADER_LEN 12
#define RTP_EXT_PROFILE_ONE_BYTE 0xBEDE
#define RTP_EXT_PROFILE_TWO_BYTE 0x1000 /* upper 12 bits; the low 4 are "appbits" */

/* A parsed packet. Pointers point into the parsed buffer. */
typedef struct {
  const uint8_t *data; /* the whole packet */
  size_t len;
  uint8_t version; /* always 2 after a successful parse */
  bool padding;
  bool extension;
  uint8_t csrc_count;
  bool marker;
  uint8_t pt;
  uint16_t seq;
  uint32_t ts;
  uint32_t ssrc;
  size_t header_len;      /* fixed header + CSRCs + extension block: the payload offset */
  uint16_t ext_profile;   /* "defined by profile" of the extension block, 0 if none */
  const uint8_t *ext;     /* extension data (after its 4-byte header), NULL if none */
  size_t ext_len;         /* bytes of extension data */
  const uint8_t *payload; /* after the header, padding excluded */
  size_t payload_len;
  uint8_t padding_len; /* 0 unless padding */
} rtp_packet;

/* Parses an RTP header: version 2, room for the CSRC list and the extension block, and when
 * the P bit is set a padding count that is non-zero and fits inside the packet after the
 * header. Returns 0 and fills *out, or -1 if malformed (then *out is unspecified). Never reads
 * outside buf[0..len). */
int rtp_parse(const uint8_t *buf, size_t len, rtp_packet *out);

/* Raw accessors of the fixed header. The caller guarantees at least RTP_HEADER_LEN bytes
 * (for example after rtp_parse() or rtp_is_rtp() succeeded). */
static inline uint8_t rtp_get_pt(const uint8_t *p) { return p[1] & 0x7F; }
static inline bool rtp_get_marker(const uint8_t *p) { return p[1] & 0x80; }
static inline uint16_t rtp_get_seq(const uint8_t *p) { return be16_read(p + 2); }
static inline uint32_t rtp_get_ts(const uint8_t *p) { return be32_read(p + 4); }
static inline uint32_t rtp_get_ssrc(const uint8_t *p) { return be32_read(p + 8); }

/* In-place rewrites of the fixed header (same precondition as the accessors). */
static inline void rtp_set_pt(uint8_t *p, uint8_t pt) { p[1] = (uint8_t)((p[1] & 0x80) | (pt & 0x7F)); }
static inline void rtp_set_marker(uint8_t *p, bool m) { p[1] = (uint8_t)((p[1] & 0x7F) | (m ? 0x80 : 0)); }
static inline void rtp_set_seq(uint8_t *p, uint16_t seq) { be16_write(p + 2, seq); }
static inline void rtp_set_ts(uint8_t *p, uint32_t ts) { be32_write(p + 4, ts); }
static inline void rtp_set_ssrc(uint8_t *p, uint32_t ssrc) { be32_write(p + 8, ssrc); }

/* Finds header extension element `id` (1..14 in the one-byte form, 1..255 in the two-byte
 * form) in a parsed packet. On success returns 0 with *value pointing at its bytes and *len
 * their count; returns -1 if the packet has no RFC 8285 extension block, the element is
 * absent, or the block is malformed before the element is reached. Never reads outside the
 * extension block. */
int rtp_ext_find(const rtp_packet *pkt, uint8_t id, const uint8_t **value, size_t *len);

/* Rewrites extension element `id` of the packet in buf[0..len) in place: its id becomes
 * `new_id` and, if value is not NULL, its bytes become value[0..value_len), which must be the
 * element's current length (the packet size never changes). Returns 0, or -1 (buffer
 * unchanged) if the packet does not parse, the element is absent, the length differs, or
 * new_id is not valid for the block's form. */
int rtp_ext_rewrite(uint8_t *buf, size_t len, uint8_t id, uint8_t new_id, const uint8_t *value,
                    size_t value_len);

/* RFC 4588 RTX encapsulation: writes into out the packet in[0..in_len) sent on the RTX stream:
 * the same header (CSRCs and extensions kept) with pt/ssrc/seq replaced, padding removed, and
 * the payload preceded by the 2-byte original sequence number (OSN). out may equal in (the
 * buffer then needs in_len + 2 bytes of room); otherwise they must not overlap.
 * Returns the new length, or -1 if in does not parse or cap is too small (out unspecified
 * when out != in; unchanged when out == in). */
int rtp_rtx_encap(uint8_t *out, size_t cap, const uint8_t *in, size_t in_len, uint8_t rtx_pt,
                  uint32_t rtx_ssrc, uint16_t rtx_seq);

/* RFC 4588 decapsulation: restores the original packet from an RTX packet: seq := OSN, pt and
 * ssrc := the original stream's, OSN removed, padding removed. out may equal in; otherwise
 * they must not overlap. Returns the new length, or -1 if the RTX packet does not parse, has
 * fewer than 2 payload bytes (a padding-only probe) or cap is too small. *osn (if not NULL)
 * receives the original sequence number. */
int rtp_rtx_decap(uint8_t *out, size_t cap, const uint8_t *in, size_t in_len, uint8_t orig_pt,
                  uint32_t orig_ssrc, uint16_t *osn);

/* VP8 (RFC 7741): true if the payload (descriptor + VP8 payload) starts a key frame: S=1,
 * partition index 0, and the P bit of the VP8 payload header clear. False if not, or if the
 * descriptor is truncated. */
bool rtp_vp8_is_keyframe(const uint8_t *payload, size_t len);

/* H.264 (RFC 6184, packetization modes 0 and 1): true if the payload carries an IDR slice
 * (NAL type 5) or a sequence parameter set (type 7) as a single NAL unit, inside a STAP-A, or
 * as the start of an FU-A. SPS counts because encoders send SPS/PPS in the packet before the
 * IDR slice, and a consumer that starts forwarding at the IDR packet would drop them (this is
 * what mediasoup does too). False if neither, or if malformed (a STAP-A is walked only as far
 * as its sizes stay in bounds). */
bool rtp_h264_is_keyframe(const uint8_t *payload, size_t len);

/* RFC 6464 client-to-mixer audio level from extension `ext_id` (the "ssrc-audio-level" id
 * negotiated in SDP). Returns the level in -dBov (0 loudest .. 127 silence) and sets *voice
 * (if not NULL) from the V bit; returns -1 if the extension is absent or empty. */
int rtp_audio_level(const rtp_packet *pkt, uint8_t ext_id, bool *voice);

/* RFC 7983 demultiplexing: first byte 128..191 means RTP or RTCP. */
static inline bool rtp_is_rtp_or_rtcp(const uint8_t *buf, size_t len) {
  return len >= 2 && buf[0] >= 128 && buf[0] <= 191;
}
/* RFC 5761 4: with rtcp-mux, a second byte of 192..223 (RTCP packet types SR..XR and the
 * reserved range around them) means RTCP. Needs the 4-byte RTCP header. */
static inline bool rtp_is_rtcp(const uint8_t *buf, size_t len) {
  return len >= 4 && rtp_is_rtp_or_rtcp(buf, len) && buf[1] >= 192 && buf[1] <= 223;
}
/* The complement: RTP needs the 12-byte fixed header. */
static inline bool rtp_is_rtp(const uint8_t *buf, size_t len) {
  return len >= RTP_HEADER_LEN && rtp_is_rtp_or_rtcp(buf, len) && !(buf[1] >= 192 && buf[1] <= 223);
}

#endif
