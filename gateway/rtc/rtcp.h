/* RTCP codec (RFC 3550, RFC 4585, RFC 5104, draft-alvestrand-rmcat-remb) for the SFU: a safe
 * iterator over a compound packet, parsers for the packet types the router acts on (SR, RR,
 * BYE, generic NACK, PLI, FIR, REMB; SDES is skipped; transport-cc is only recognised), and
 * builders for what it sends (SR, RR, NACK, PLI, FIR, REMB). Pure functions: parsers fill
 * caller structs that point into the packet, builders write into a caller buffer and return
 * the length or -1 if it does not fit. No state, no allocation. */
#ifndef MOA_GATEWAY_RTC_RTCP_H
#define MOA_GATEWAY_RTC_RTCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RTCP_SR 200
#define RTCP_RR 201
#define RTCP_SDES 202
#define RTCP_BYE 203
#define RTCP_APP 204
#define RTCP_RTPFB 205
#define RTCP_PSFB 206
#define RTCP_XR 207

#define RTCP_RTPFB_NACK 1
#define RTCP_RTPFB_TCC 15 /* transport-wide congestion control feedback */
#define RTCP_PSFB_PLI 1
#define RTCP_PSFB_FIR 4
#define RTCP_PSFB_AFB 15 /* application layer feedback: REMB */

#define RTCP_MAX_BLOCKS 31 /* report blocks / BYE sources: the 5-bit count */

/* One packet of a compound packet. */
typedef struct {
  uint8_t count; /* RC / SC / FMT: the low 5 bits of the first byte */
  uint8_t pt;
  bool padding;
  const uint8_t *data; /* the whole packet, header included, padding included */
  size_t len;          /* 4 * (length field + 1) */
  const uint8_t *body; /* after the 4-byte header, padding excluded */
  size_t body_len;
} rtcp_header;

/* Iterates over a compound packet. Zero-initialise through rtcp_iter_init(). */
typedef struct {
  const uint8_t *buf;
  size_t len;
  size_t off;
  bool failed;
} rtcp_iter;

void rtcp_iter_init(rtcp_iter *it, const uint8_t *buf, size_t len);

/* Yields the next packet: version 2, length field within the buffer, padding (allowed only on
 * the last packet, RFC 3550 A.2) non-zero and within the packet. Returns 1 with *out filled,
 * 0 at the end, -1 if the rest is malformed or truncated (and -1 again on later calls).
 * Because a truncated tail is only found when reached, callers that must not act on half a
 * compound packet call rtcp_validate() first. */
int rtcp_iter_next(rtcp_iter *it, rtcp_header *out);

/* Validates a whole compound packet as rtcp_iter_next() would walk it, and that it holds at
 * least one packet. Returns 0 if valid, -1 if not. Reduced-size RTCP (RFC 5506) is accepted:
 * the first packet need not be an SR or RR. */
int rtcp_validate(const uint8_t *buf, size_t len);

typedef struct {
  uint32_t ssrc;           /* the source this block is about */
  uint8_t fraction_lost;   /* fixed point, /256 */
  int32_t cumulative_lost; /* 24-bit signed */
  uint32_t highest_seq;    /* extended highest sequence number received */
  uint32_t jitter;
  uint32_t lsr;  /* middle 32 bits of the last SR's NTP time */
  uint32_t dlsr; /* delay since last SR, 1/65536 s */
} rtcp_report_block;

typedef struct {
  uint32_t ssrc;
  uint64_t ntp; /* 32.32 fixed point seconds since 1900 */
  uint32_t rtp_ts;
  uint32_t packet_count;
  uint32_t octet_count;
  uint8_t block_count;
  rtcp_report_block blocks[RTCP_MAX_BLOCKS];
} rtcp_sr;

typedef struct {
  uint32_t ssrc;
  uint8_t block_count;
  rtcp_report_block blocks[RTCP_MAX_BLOCKS];
} rtcp_rr;

typedef struct {
  uint8_t ssrc_count;
  uint32_t ssrcs[RTCP_MAX_BLOCKS];
  const char *reason; /* not NUL-terminated; NULL if none */
  uint8_t reason_len;
} rtcp_bye;

/* RTPFB or PSFB common part (RFC 4585 6.1). */
typedef struct {
  uint8_t pt; /* RTCP_RTPFB or RTCP_PSFB */
  uint8_t fmt;
  uint32_t sender_ssrc;
  uint32_t media_ssrc;
  const uint8_t *fci; /* feedback control information */
  size_t fci_len;
} rtcp_fb;

typedef struct {
  uint32_t sender_ssrc;
  uint64_t bitrate; /* bits per second, saturated at UINT64_MAX */
  uint8_t ssrc_count;
  uint32_t ssrcs[255];
} rtcp_remb;

/* Parsers of one packet from rtcp_iter_next(). Each returns 0 and fills *out, or -1 if the
 * packet is not of that type or its body is too short for what its count says (trailing
 * bytes beyond that, e.g. profile extensions after report blocks, are ignored). */
int rtcp_parse_sr(const rtcp_header *h, rtcp_sr *out);
int rtcp_parse_rr(const rtcp_header *h, rtcp_rr *out);
int rtcp_parse_bye(const rtcp_header *h, rtcp_bye *out);
/* Any RTPFB or PSFB packet: needs the 8 bytes of sender and media SSRC. */
int rtcp_parse_fb(const rtcp_header *h, rtcp_fb *out);

/* Expands a generic NACK (RTPFB fmt 1) into the lost sequence numbers, in FCI order: each
 * PID, then PID+1..PID+16 for the set BLP bits. Writes at most cap of them to seqs and returns
 * how many it wrote (stopping at cap), or -1 if fb is not a generic NACK or its FCI is not a
 * whole number of 4-byte items. */
int rtcp_nack_expand(const rtcp_fb *fb, uint16_t *seqs, size_t cap);

/* True for transport-cc feedback (RTPFB fmt 15); the contents are not parsed here. */
bool rtcp_is_transport_cc(const rtcp_header *h);
/* True for a PLI (PSFB fmt 1). */
bool rtcp_is_pli(const rtcp_header *h);

/* Number of FIR entries (PSFB fmt 4, 8 bytes each), or -1 if not a FIR or malformed. */
int rtcp_fir_count(const rtcp_fb *fb);
/* FIR entry i: the SSRC asked for a keyframe and the command sequence number. Returns 0, or
 * -1 if i is out of range. */
int rtcp_fir_entry(const rtcp_fb *fb, int i, uint32_t *ssrc, uint8_t *seq_nr);

/* Parses a REMB (PSFB fmt 15, unique identifier "REMB"). Returns 0, or -1 if fb is another
 * kind of application feedback or its SSRC list runs past the FCI. */
int rtcp_parse_remb(const rtcp_fb *fb, rtcp_remb *out);

/* Builders. Each writes one RTCP packet at out and returns its length (a multiple of 4), or
 * -1 (out unspecified) if it does not fit in cap or the arguments are out of range. Compound
 * packets are built by calling them one after another on out + length. */
/* Sender report with sr->block_count (<= 31) report blocks. */
int rtcp_build_sr(uint8_t *out, size_t cap, const rtcp_sr *sr);
/* Receiver report from ssrc with n (<= 31) report blocks (n may be 0). */
int rtcp_build_rr(uint8_t *out, size_t cap, uint32_t ssrc, const rtcp_report_block *blocks, size_t n);
/* Generic NACK for the n (>= 1) lost sequence numbers: each one within 1..16 after the current
 * item's PID sets a BLP bit, any other starts a new item. Works for any order; ascending order
 * (modulo 2^16) packs best. */
int rtcp_build_nack(uint8_t *out, size_t cap, uint32_t sender_ssrc, uint32_t media_ssrc, const uint16_t *seqs,
                    size_t n);
int rtcp_build_pli(uint8_t *out, size_t cap, uint32_t sender_ssrc, uint32_t media_ssrc);
/* FIR asking media_ssrc for a keyframe, with command sequence number seq_nr (RFC 5104 4.3.1:
 * the header's media SSRC is 0, the target goes in the FCI). */
int rtcp_build_fir(uint8_t *out, size_t cap, uint32_t sender_ssrc, uint32_t media_ssrc, uint8_t seq_nr);
/* REMB of bitrate bps (encoded as an 18-bit mantissa and 6-bit exponent, rounded down) for
 * n (<= 255) SSRCs. */
int rtcp_build_remb(uint8_t *out, size_t cap, uint32_t sender_ssrc, uint64_t bitrate, const uint32_t *ssrcs,
                    size_t n);

#endif
