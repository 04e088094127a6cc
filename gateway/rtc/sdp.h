/* SDP for the SFU: a bounded parser for browser offers and answers, codec negotiation, and the
 * two texts the server writes (the answer on a participant's publish PeerConnection, the offer on
 * its subscribe PeerConnection). Pure code: no sockets, no allocation, no global state; every
 * function may be called from any thread on its own data.
 *
 * Why by hand: no well-kept C library parses WebRTC SDP (sofia-sip's parser is SIP-oriented and
 * knows nothing of BUNDLE, rtcp-fb or msid), and the subset browsers use is small. The parser is
 * bounded (SDP_MAX_* below) and rejects, with a message naming the line, whatever exceeds the
 * bounds or is malformed; it never reads past `len` and never writes past its output struct.
 *
 * Flow on the publish PC:   sdp_parse(offer) -> sdp_build_answer() (calls sdp_negotiate()).
 * Flow on the subscribe PC: sdp_build_offer(tracks) -> browser -> sdp_parse(answer)
 *                           -> sdp_read_answer(answer, tracks).
 *
 * Files: sdp_parse.c (parser, lookups), sdp.c (negotiation, reading answers), sdp_write.c
 * (writers). An sdp_session is large (about 300 KB): allocate it on the heap, not the stack. */
#ifndef MOA_GATEWAY_RTC_SDP_H
#define MOA_GATEWAY_RTC_SDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SDP_MAX_TEXT (256 * 1024) /* whole description, bytes */
#define SDP_MAX_LINES 4096
#define SDP_MAX_LINE 1024      /* bytes in one line, without the line ending */
#define SDP_MAX_MEDIA 32       /* m-sections: a subscriber receives audio + video of up to 16 people */
#define SDP_MAX_CODECS 48      /* payload types per m-section (Chrome 120+ offers ~25 for video) */
#define SDP_MAX_EXTMAPS 16     /* a=extmap per m-section */
#define SDP_MAX_SSRCS 8        /* distinct a=ssrc per m-section */
#define SDP_MID_MAX 33         /* a=mid: 1..32 token chars + NUL */
#define SDP_KIND_MAX 16        /* m=<media> word */
#define SDP_PROTO_MAX 32       /* m= proto, e.g. UDP/TLS/RTP/SAVPF */
#define SDP_CODEC_NAME_MAX 24  /* encoding name, e.g. telephone-event */
#define SDP_FMTP_MAX 256       /* a=fmtp parameters */
#define SDP_URI_MAX 256        /* a=extmap URI */
#define SDP_TOKEN_MAX 65       /* cname, msid stream and track ids: 1..64 chars + NUL */
#define SDP_UFRAG_MAX 257      /* ice-ufrag: 4..256 ice-chars + NUL */
#define SDP_PWD_MAX 257        /* ice-pwd: 22..256 ice-chars + NUL */
#define SDP_FINGERPRINT_LEN 32 /* sha-256 */
#define SDP_MAX_RIDS 3         /* simulcast encodings kept per m-section (more are ignored) */
#define SDP_RID_MAX 17         /* a=rid id: 1..16 of [A-Za-z0-9_-] + NUL */

typedef enum { SDP_KIND_AUDIO, SDP_KIND_VIDEO, SDP_KIND_APPLICATION, SDP_KIND_OTHER } sdp_kind;

typedef enum { SDP_DIR_SENDRECV, SDP_DIR_SENDONLY, SDP_DIR_RECVONLY, SDP_DIR_INACTIVE } sdp_direction;

/* a=setup. SDP_SETUP_NONE: the attribute was absent. */
typedef enum { SDP_SETUP_NONE, SDP_SETUP_ACTPASS, SDP_SETUP_ACTIVE, SDP_SETUP_PASSIVE } sdp_setup;

/* rtcp-fb kinds the server understands, as bits of sdp_codec.fb. Others are ignored. */
enum {
  SDP_FB_NACK = 1u << 0,
  SDP_FB_NACK_PLI = 1u << 1,
  SDP_FB_CCM_FIR = 1u << 2,
  SDP_FB_GOOG_REMB = 1u << 3,
  SDP_FB_TRANSPORT_CC = 1u << 4,
  SDP_FB_ALL = (1u << 5) - 1
};

/* RTP header extensions the server keeps. Other URIs are parsed but never answered. */
typedef enum {
  SDP_EXT_MID,           /* urn:ietf:params:rtp-hdrext:sdes:mid */
  SDP_EXT_AUDIO_LEVEL,   /* urn:ietf:params:rtp-hdrext:ssrc-audio-level (audio only) */
  SDP_EXT_ABS_SEND_TIME, /* http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time */
  SDP_EXT_TWCC,          /* http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01 */
  SDP_EXT_RID,           /* urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id (publish side, video) */
  SDP_EXT_RRID,          /* urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id (publish, video) */
  SDP_EXT_COUNT
} sdp_ext;
/* The extensions a subscribe offer announces: the first SDP_EXT_OFFERED of sdp_ext (the rid
 * pair names a publisher's encodings and has no meaning toward a subscriber). */
enum { SDP_EXT_OFFERED = SDP_EXT_RID };

/* One payload type of an m-section. name is empty when the pt had no a=rtpmap. */
typedef struct {
  uint8_t pt;
  bool has_rtpmap;
  char name[SDP_CODEC_NAME_MAX]; /* as written: "VP8", "opus", "rtx" */
  uint32_t clock;                /* 0 when no rtpmap */
  uint8_t channels;              /* 0 when not written */
  char fmtp[SDP_FMTP_MAX];       /* a=fmtp parameters, "" when none */
  int16_t apt;                   /* apt= from the fmtp (RTX), -1 when none */
  uint32_t fb;                   /* SDP_FB_* bits */
} sdp_codec;

typedef struct {
  uint8_t id; /* 1..255 */
  sdp_direction direction;
  char uri[SDP_URI_MAX];
} sdp_extmap;

typedef struct {
  uint32_t ssrc;
  char cname[SDP_TOKEN_MAX];
  char msid_stream[SDP_TOKEN_MAX];
  char msid_track[SDP_TOKEN_MAX];
} sdp_ssrc;

/* ICE and DTLS parameters; at session level and per m-section. */
typedef struct {
  char ice_ufrag[SDP_UFRAG_MAX]; /* "" when absent */
  char ice_pwd[SDP_PWD_MAX];
  bool has_fingerprint; /* a sha-256 fingerprint was present (other algorithms are ignored) */
  uint8_t fingerprint[SDP_FINGERPRINT_LEN];
  sdp_setup setup;
} sdp_transport;

typedef struct {
  sdp_kind kind;
  char kind_name[SDP_KIND_MAX]; /* the m= word as written */
  uint16_t port;
  char proto[SDP_PROTO_MAX];
  char first_fmt[SDP_PROTO_MAX]; /* first format token of the m= line, echoed when rejecting */
  bool is_rtp;                   /* proto carries RTP: formats are payload types */
  char mid[SDP_MID_MAX];
  sdp_direction direction; /* sendrecv when absent (or the session-level value) */
  bool rtcp_mux;
  bool bundle_only;
  bool simulcast; /* a=simulcast with a send list seen */
  size_t n_rids;  /* a=rid:<id> send, in order, the first SDP_MAX_RIDS (others are ignored) */
  char rids[SDP_MAX_RIDS][SDP_RID_MAX];
  size_t n_codecs; /* in m= line order (the sender's preference) */
  sdp_codec codecs[SDP_MAX_CODECS];
  size_t n_extmaps;
  sdp_extmap extmaps[SDP_MAX_EXTMAPS];
  size_t n_ssrcs;
  sdp_ssrc ssrcs[SDP_MAX_SSRCS];
  bool has_fid; /* first a=ssrc-group:FID */
  uint32_t fid_primary, fid_rtx;
  char msid_stream[SDP_TOKEN_MAX]; /* a=msid, "" when absent */
  char msid_track[SDP_TOKEN_MAX];
  sdp_transport transport; /* effective: media-level values, else the session-level ones */
} sdp_media;

typedef struct {
  bool ice_lite;
  /* Effective parameters of the BUNDLE transport: the session-level values, completed from the
   * BUNDLE-tagged m-section (first mid of the group, else the first m-section). */
  sdp_transport transport;
  size_t n_bundle; /* mids of the (single) a=group:BUNDLE, in order; 0 when absent */
  char bundle[SDP_MAX_MEDIA][SDP_MID_MAX];
  size_t n_media;
  sdp_media media[SDP_MAX_MEDIA];
} sdp_session;

/* Negotiated outcome for one m-section of an offer (publish PC). */
typedef struct {
  bool accepted;                  /* false: the answer rejects the m-section (port 0) */
  int codec;                      /* index into sdp_media.codecs, -1 when rejected */
  int rtx;                        /* index of the matching RTX codec, -1 when none */
  sdp_direction direction;        /* the answer's direction */
  uint32_t fb;                    /* rtcp-fb to answer for the codec: offered and supported */
  uint8_t ext_ids[SDP_EXT_COUNT]; /* the offer's id for each kept extension, 0 when absent */
  size_t n_rids; /* > 0: rid simulcast accepted (video, a=simulcast, the RID extension offered): the
                    answer mirrors the offer's rids as recv, and sdp_media.rids names them */
} sdp_choice;

/* The server's side of a negotiation, for both builders. Strings are NUL-terminated. */
typedef struct {
  const char *ice_ufrag;                    /* 4..256 ice-chars */
  const char *ice_pwd;                      /* 22..256 ice-chars */
  uint8_t fingerprint[SDP_FINGERPRINT_LEN]; /* sha-256 of the DTLS certificate */
  const char *ip;                           /* candidate address, IPv4 or IPv6 literal */
  uint16_t port;                            /* candidate port (the worker's UDP port) */
  uint16_t tcp_port;                        /* the worker's ICE-TCP port; 0: no TCP candidate */
  const char *foundation;                   /* candidate foundation, 1..31 ice-chars */
  uint64_t session_id;                      /* o= line; keep it for the life of the PeerConnection */
  uint64_t session_version;                 /* o= line; increase on every re-offer */
} sdp_local;

/* One m-section of the subscribe offer: a forwarded track, or the slot of a removed one. */
typedef struct {
  char mid[SDP_MID_MAX];
  sdp_kind kind;   /* audio or video */
  sdp_codec codec; /* pt chosen by the server; name, clock, channels, fmtp, fb; apt unused */
  int rtx_pt;      /* -1: no RTX */
  uint32_t ssrc, rtx_ssrc;
  char cname[SDP_TOKEN_MAX];
  char stream_id[SDP_TOKEN_MAX];
  char track_id[SDP_TOKEN_MAX];
  bool active; /* false: removed; written as port 0, a=inactive, kept in place */
  /* The m-section that tags the BUNDLE group (listed first in it), for the life of the
   * transport. Removed, it stays in the group with the transport and a=inactive instead of
   * port 0: rejecting the tag makes Chrome move the group to a new transport with a new DTLS
   * handshake, and the server keeps one transport per PeerConnection. */
  bool bundle_tag;
} sdp_track;

/* What the browser's answer to a subscribe offer says, per m-section in offer order. */
typedef struct {
  bool accepted;                  /* port != 0 and not inactive */
  sdp_direction direction;        /* the answer's direction (recvonly expected) */
  bool rtx;                       /* the RTX payload type was kept */
  uint8_t ext_ids[SDP_EXT_COUNT]; /* ids echoed, 0 when dropped */
} sdp_answered;

typedef struct {
  sdp_setup setup; /* the browser's role: ACTIVE (it is the DTLS client) or PASSIVE */
  uint8_t fingerprint[SDP_FINGERPRINT_LEN];
  char ice_ufrag[SDP_UFRAG_MAX];
  char ice_pwd[SDP_PWD_MAX];
  size_t n_media;
  sdp_answered media[SDP_MAX_MEDIA];
} sdp_answer_info;

/* Parses an SDP offer or answer of `len` bytes (need not be NUL-terminated; "\r\n" or "\n"
 * line endings). Returns 0 and fills *out, or returns -1, writes a message naming the line into
 * err (when errlen > 0) and leaves *out in an unspecified but safe state. Fails on: text over
 * SDP_MAX_TEXT, more than SDP_MAX_LINES lines, a line over SDP_MAX_LINE, control characters or
 * NUL, missing v=/o=/s=/t=, more than SDP_MAX_MEDIA m-sections or SDP_MAX_CODECS /
 * SDP_MAX_EXTMAPS / SDP_MAX_SSRCS in one, numbers out of range, invalid ice-ufrag/ice-pwd,
 * malformed sha-256 fingerprint, an m-section without a=mid, duplicate mids, a BUNDLE mid that
 * names no m-section. Unknown attributes are ignored. */
int sdp_parse(const char *text, size_t len, sdp_session *out, char *err, size_t errlen);

/* Picks, for each m-section of a publish offer, the server's preferred codec the offer has:
 * Opus 48000/2 for audio; VP8, else H.264 packetization-mode=1 of the baseline family
 * (profile-level-id 42e01f first) for video; plus the offer's RTX for it (apt). Payload types
 * and extension ids stay the browser's. m-sections of another kind or proto, with port 0 (and
 * not bundle-only), outside the BUNDLE group, or without a supported codec are rejected.
 * Returns 0 and fills choices[0..offer->n_media), or -1 with err when the offer cannot be
 * answered at all: no BUNDLE group, an m-section to accept without rtcp-mux, no sha-256
 * fingerprint, missing ICE credentials, or setup:passive. */
int sdp_negotiate(const sdp_session *offer, sdp_choice choices[SDP_MAX_MEDIA], char *err, size_t errlen);

/* Writes the answer of the publish PeerConnection into out[0..cap) (NUL-terminated): ice-lite,
 * BUNDLE of the accepted mids, per m-section the offer's mid, recvonly (or inactive, or port 0
 * when rejected), setup:passive, rtcp-mux, the chosen codec and RTX with rtcp-fb, the kept
 * extensions with the offer's ids, one host candidate and end-of-candidates. If choices_out is
 * not NULL it receives the negotiation (see sdp_negotiate). Returns the length written, or -1
 * with err when negotiation fails, `local` is invalid, or the text does not fit (out then holds
 * a truncated, NUL-terminated prefix when cap > 0). */
int sdp_build_answer(const sdp_session *offer, const sdp_local *local, char *out, size_t cap,
                     sdp_choice choices_out[SDP_MAX_MEDIA], char *err, size_t errlen);

/* Writes the offer of the subscribe PeerConnection: ice-lite, BUNDLE of the active mids,
 * setup:actpass, one sendonly m-section per active track (ssrc, ssrc-group:FID, msid, rtcp-mux,
 * rtcp-fb, extensions with the ids of sdp_ext_offer_id(), candidate) and, in place, port 0
 * a=inactive sections for removed tracks. The caller keeps tracks in a stable order across
 * re-offers (a removed slot may be recycled with a new mid). Zero tracks give a valid offer with
 * no m-section (Chrome and Firefox accept it). Returns the length, or -1 with err when a track
 * or `local` is invalid (bad mid, duplicate mid, bad strings, more than SDP_MAX_MEDIA tracks) or
 * the text does not fit. */
int sdp_build_offer(const sdp_track *tracks, size_t n_tracks, const sdp_local *local, char *out, size_t cap,
                    char *err, size_t errlen);

/* Checks a parsed browser answer against the subscribe offer built from the same `tracks`:
 * same number of m-sections and the same mids in order, a sha-256 fingerprint, setup active or
 * passive, ICE credentials and BUNDLE when any m-section is accepted, and for each accepted one
 * the offered payload type. Returns 0 and fills *out, or -1 with err. */
int sdp_read_answer(const sdp_session *answer, const sdp_track *tracks, size_t n_tracks, sdp_answer_info *out,
                    char *err, size_t errlen);

/* Fills *codec (and *rtx_pt) with the server's canonical description of "opus", "VP8" or
 * "H264" for subscribe offers: fixed server payload types (opus 111; VP8 96, RTX 97; H264 102,
 * RTX 103), clock, channels, fmtp and rtcp-fb. Returns 0, or -1 for an unknown name. */
int sdp_codec_default(const char *name, sdp_codec *codec, int *rtx_pt);

/* The codec at payload type pt in m, or NULL. */
const sdp_codec *sdp_media_find_codec(const sdp_media *m, int pt);

/* Index of the m-section with this mid, or -1. */
int sdp_find_mid(const sdp_session *s, const char *mid);

/* The URI of a kept extension; the id the server uses for it in subscribe offers (1..4; -1 for
 * the rid pair, never offered); the
 * extension for a URI, or -1 when the server does not keep it. */
const char *sdp_ext_uri(sdp_ext ext);
int sdp_ext_offer_id(sdp_ext ext);
int sdp_ext_from_uri(const char *uri);

/* "audio", "video", "application" or "other". */
const char *sdp_kind_name(sdp_kind kind);

#endif
