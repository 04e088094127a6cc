/* The messages between the signaling thread and a media worker. Fixed-size values carrying ids,
 * never pointers: each side owns its own objects and looks the other's up by id.
 *
 *   signaling -> worker: media_cmd   (create/close transports, add/remove producers and consumers)
 *   worker -> signaling: media_event (a transport connected or closed, the active speaker changed)
 */
#ifndef MOA_ROOMS_MEDIA_CMD_H
#define MOA_ROOMS_MEDIA_CMD_H

#include <stdbool.h>
#include <stdint.h>

#define MEDIA_UFRAG_MAX 64
#define MEDIA_PWD_MAX 64
#define MEDIA_EXT_COUNT \
  6 /* mid, audio level, abs-send-time, transport-cc, rid, repaired rid (sdp_ext order) */
#define MEDIA_EXT_MID 0
#define MEDIA_EXT_TWCC 3
#define MEDIA_EXT_RID 4
#define MEDIA_EXT_RRID 5
#define MEDIA_MAX_ENC 3 /* simulcast encodings of one producer */
#define MEDIA_RID_MAX 17
#define MEDIA_MID_MAX 33

typedef enum { MEDIA_AUDIO = 0, MEDIA_VIDEO = 1 } media_kind;
typedef enum { MEDIA_CODEC_OPUS, MEDIA_CODEC_VP8, MEDIA_CODEC_H264, MEDIA_CODEC_OTHER } media_codec;

typedef enum {
  MC_TRANSPORT_CREATE, /* transport: local ICE credentials, remote ufrag/fingerprint (may be unknown) */
  MC_TRANSPORT_REMOTE, /* transport: the remote ufrag and DTLS fingerprint became known (an answer) */
  MC_ICE_RESTART,      /* transport: new local and remote credentials */
  MC_TRANSPORT_CLOSE,
  MC_PRODUCER_ADD,
  MC_PRODUCER_REMOVE,
  MC_PRODUCER_PAUSE, /* producer.paused: muted; consumers stop forwarding */
  MC_CONSUMER_ADD,
  MC_CONSUMER_REMOVE,
  MC_KEYFRAME,      /* ask the publisher of producer_id for a keyframe */
  MC_CONSUMER_VIEW, /* consumer (of transport): how the subscriber shows it (media.view) */
  MC_ROUTER_ADAPT,  /* room: bandwidth adaptation on or off (a coordinator's room switch) */
  MC_RECORD_START,  /* room: record every producer, present and future, into u.record.dir */
  MC_RECORD_STOP,   /* room: stop recording; ME_RECORD_STOPPED follows once every spool is closed */
} media_cmd_type;

typedef struct media_cmd {
  media_cmd_type type;
  uint32_t room_id;
  uint32_t transport_id;
  uint32_t producer_id;
  uint32_t consumer_id;
  union {
    struct {
      char local_ufrag[MEDIA_UFRAG_MAX];
      char local_pwd[MEDIA_PWD_MAX];
      char remote_ufrag[MEDIA_UFRAG_MAX]; /* "" when not known yet */
      bool has_fingerprint;
      uint8_t remote_fingerprint[32];
    } transport;
    struct {
      media_kind kind;
      media_codec codec;
      uint32_t ssrc, rtx_ssrc; /* rtx_ssrc 0 when none */
      uint8_t pt, rtx_pt;      /* rtx_pt 0 when none */
      uint32_t clock;
      uint8_t ext[MEDIA_EXT_COUNT]; /* the publisher's extension ids, 0 when absent */
      bool paused;
      bool screen;      /* a screen share (allocated before cameras) */
      uint64_t user_id; /* the publisher (written into a recording's spool header) */
      /* rid simulcast (n_rids > 0): ssrc and rtx_ssrc are 0, the worker binds each encoding's
       * SSRC from the RID / repaired-RID extension of its first packets (with the MID, when
       * present, naming this m-section). rids in the offer's order, taken as lowest to highest
       * quality (the order Moa's web app and LiveKit's use: q, h, f). */
      uint8_t n_rids;
      char rids[MEDIA_MAX_ENC][MEDIA_RID_MAX];
      char mid[MEDIA_MID_MAX];
    } producer;
    struct {
      media_kind kind;
      uint32_t ssrc, rtx_ssrc;
      uint8_t pt, rtx_pt;
      uint8_t ext[MEDIA_EXT_COUNT]; /* the subscriber's extension ids, 0 when absent */
    } consumer;
    struct {
      /* The tile's size in CSS pixels times devicePixelRatio; 0 x 0: not shown (video paused).
       * Before any view a video consumer counts as shown at full size. */
      uint16_t width, height;
      bool pinned; /* the viewer pinned it (allocated before the others) */
    } view;
    struct {
      bool on; /* false: every subscriber gets the top layer whatever its estimate (LAN events) */
    } adapt;
    struct {
      /* MC_RECORD_START: the spool directory (absolute, created by the worker's recorder if
       * absent) where one .moarec file per recorded track is written (docs/RECORDING.md), and
       * the ids written into each spool header. MC_RECORD_STOP uses recording_id only. */
      char dir[256];
      uint64_t recording_id;
      uint64_t meeting_id; /* 0 if the room has no meeting */
    } record;
  } u;
} media_cmd;

typedef enum {
  ME_TRANSPORT_CONNECTED,
  ME_TRANSPORT_CLOSED, /* reason: see media_close_reason */
  ME_ACTIVE_SPEAKER,   /* producer_id is the loudest audio producer of the room */
  ME_ROOM_RELEASED,    /* the worker freed the room's router: no object of it remains */
  ME_CONSUMER_LAYER,   /* consumer_id's forwarded layer (or pause) changed, or the estimate moved: see layer
                          below */
  ME_RECORD_DEGRADED,  /* recording record.recording_id lost packets (queue full or a write failed): once per
                          recording */
  ME_RECORD_STOPPED, /* recording record.recording_id: every spool is flushed and closed; see record below */
} media_event_type;

typedef enum {
  MEDIA_CLOSE_REQUESTED,
  MEDIA_CLOSE_CONSENT_EXPIRED, /* no STUN from the peer for 30 s */
  MEDIA_CLOSE_ICE_TIMEOUT,     /* ICE never completed */
  MEDIA_CLOSE_DTLS_FAILED,     /* handshake failed or fingerprint mismatch */
} media_close_reason;

typedef struct media_event {
  media_event_type type;
  uint8_t worker;
  uint32_t room_id;
  uint32_t transport_id;
  uint32_t producer_id;
  media_close_reason reason;
  /* ME_CONSUMER_LAYER: the subscriber transport_id's consumer of producer_id now gets spatial
   * layer (0 lowest; -1 paused) and temporal layer; why, as rooms/layer_alloc.h's la_reason
   * (0 optimal, 1 bandwidth, 2 tile, 3 paused, 4 hidden, 5 unavailable); the transport's
   * bandwidth estimate then (bit/s; 0 when adaptation is off). */
  uint32_t consumer_id;
  struct {
    int8_t spatial, temporal;
    uint8_t reason;
    uint32_t estimate_bps;
  } layer;
  /* ME_RECORD_DEGRADED / ME_RECORD_STOPPED: what the recorder wrote for recording_id. */
  struct {
    uint64_t recording_id;
    uint32_t tracks;  /* spool files written */
    uint64_t packets; /* records written */
    uint64_t dropped; /* packets lost to a full queue or a failed write */
    bool degraded;    /* dropped > 0 or a write failed */
    int error;        /* the last -errno of a spool write or open, 0 if none */
  } record;
} media_event;

#endif
