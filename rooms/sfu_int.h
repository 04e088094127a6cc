/* The bodies of the SFU's objects and the functions by which the .c files of rooms/ call each
 * other: the private half of rooms/sfu.h (as SQLite's btreeInt.h is of btree.h). Only the .c
 * files of rooms/ and the white-box tests of tests/unit/sfu_test_support.h include it.
 *
 * Lifecycle invariants, assert()ed where objects are freed: a consumer's producer outlives it
 * or detaches it first (producer_free clears every consumer's producer pointer; a consumer that
 * still has one is on that producer's list); a transport freed has no producers or consumers
 * left; a router freed has no transports; sfu_free leaves no router and empty id maps. */
#ifndef MOA_ROOMS_SFU_INT_H
#define MOA_ROOMS_SFU_INT_H

#include <netinet/in.h>

#include "base/mailbox.h"
#include "base/udp.h"
#include "gateway/rtc/rtp.h"
#include "gateway/rtc/srtp.h"
#include "rooms/nack_tracker.h"
#include "rooms/rtx_buffer.h"
#include "rooms/seq_rewriter.h"
#include "rooms/sfu.h"
#include "rooms/vp8_rewriter.h"

typedef struct router router;
typedef struct transport transport;
typedef struct producer producer;
typedef struct consumer consumer;
typedef struct recording recording; /* rooms/recorder.c */
typedef struct rec_track rec_track;

/* One encoding of a producer: the only one of a single-encoding track, or one rid of a
 * simulcast track (its SSRCs 0 until bound from the RID extension). Each keeps its own
 * retransmission buffer, losses to NACK and receive statistics. */
typedef struct producer_enc {
  char rid[MEDIA_RID_MAX]; /* "" for a single-encoding track */
  uint32_t ssrc, rtx_ssrc;
  rtx_buffer *rtx; /* video only */
  nack_tracker nack;
  uint64_t last_pli_ms;
  bool keyframe_requested; /* a consumer waits for one */
  uint64_t last_packet_ms; /* arrival of the newest packet (0: none yet) */
  uint64_t rate_bytes;     /* bytes this second, and the last full second's figure in bps */
  uint32_t bitrate_bps;
  /* VP8 temporal layers: bytes this second per TID and the last full second's bps (all in
   * [0] when the stream has no TID); the size of the newest key frame (0: none seen yet) */
  uint64_t tid_bytes[4];
  uint32_t tid_bps[4];
  bool has_tid;
  uint16_t width, height;
  /* receive statistics (RR) */
  uint64_t packets, bytes;
  bool seq_started;
  uint16_t max_seq;
  uint32_t cycles, base_seq, expected_prior, received_prior;
  double jitter;
  uint32_t last_transit;
  /* the publisher's last SR (NTP middle 32 bits) and when it came, for LSR/DLSR; in full, with
   * its RTP timestamp and arrival in microseconds, for a recording's clock mapping */
  uint32_t sr_ntp_mid;
  uint64_t sr_arrival_ms;
  uint64_t sr_ntp;
  uint32_t sr_rtp_ts;
  int64_t sr_arrival_us;
} producer_enc;

struct producer {
  uint32_t id;
  transport *owner;
  media_kind kind;
  media_codec codec;
  uint8_t pt, rtx_pt;
  uint32_t clock;
  uint8_t ext[MEDIA_EXT_COUNT];
  char mid[MEDIA_MID_MAX];
  bool paused;
  bool screen;      /* a screen share */
  bool simulcast;   /* rid simulcast: encodings bound from the RID extension */
  uint64_t user_id; /* the publisher (a recording's spool header) */
  rec_track *rec;   /* its recorder while the room is recorded (rooms/recorder.c), else NULL */
  uint8_t n_enc;    /* 1, or the rids announced (lowest quality first) */
  producer_enc enc[MEDIA_MAX_ENC];
  consumer *consumers; /* non-owning, linked through consumer.next_of_producer */
  /* audio level: dBov (0 loudest .. 127 silent), smoothed */
  double level;
  uint64_t last_voice_ms;
  producer *next;       /* in owner's list */
  producer *next_by_id; /* in sfu.producers_by_id */
};

struct consumer {
  uint32_t id;
  transport *owner;
  producer *producer; /* NULL once the producer is gone */
  media_kind kind;
  uint32_t ssrc, rtx_ssrc;
  uint8_t pt, rtx_pt;
  uint8_t ext_map[16]; /* publisher one-byte id -> subscriber id (0: blank the element) */
  seq_rewriter rw;
  bool waiting_keyframe;
  /* Simulcast: the encoding chosen (target) and the one forwarded now (cur, -1: none yet);
   * the VP8 rewriter switches at the target's key frame and keeps PictureID continuous. */
  int target_enc, cur_enc;
  vp8_rewriter vp8;
  uint32_t vp8_target_ssrc; /* the SSRC last given to vp8_rewriter_set_target (0: none) */
  uint64_t switches;        /* encoding switches completed */
  /* How the subscriber shows it (MC_CONSUMER_VIEW): tile size in device pixels, 0 x 0 hidden;
   * has_view false until the first report (then it counts as shown at full size). */
  bool has_view, pinned;
  uint16_t view_width, view_height;
  /* The allocator's decision (rooms/sub_bwe.c): the highest temporal layer, whether video is
   * paused for bandwidth or a hidden tile, and the encoding the viewer would use were every
   * encoding sent (its demand on the publisher); the last decision reported to signaling. */
  uint8_t target_tid;
  bool alloc_paused, rebase_pending;
  int8_t want_enc;
  int8_t rep_spatial, rep_temporal, rep_reason; /* rep_reason -1: nothing reported yet */
  uint32_t rep_estimate;                        /* the estimate in that report */
  int64_t rep_at_us;                            /* when it was sent */
  uint16_t rtx_seq;
  uint64_t packets, bytes;
  uint32_t last_rtp_ts;
  uint64_t last_rtp_ms;
  consumer *next_of_producer;
  consumer *next;       /* in owner's list */
  consumer *next_by_id; /* in sfu.consumers_by_id */
};

struct transport {
  uint32_t id;
  router *router;
  char ufrag[MEDIA_UFRAG_MAX], pwd[MEDIA_PWD_MAX];
  char remote_ufrag[MEDIA_UFRAG_MAX];
  /* The selected path: has_addr, and either a UDP address (indexed in sfu.by_addr) or, when
   * tcp_conn != 0, an ICE-TCP connection of the worker (addr is then its remote end). */
  bool has_addr;
  struct sockaddr_storage addr;
  uint32_t tcp_conn;
  uint64_t created_ms, last_stun_ms;
  dtls_conn *dtls;
  srtp_pair *srtp;
  bool connected;
  bool closing;
  producer *producers;
  consumer *consumers;
  sub_bwe *bwe; /* toward this subscriber: set with its first consumer (NULL on publish transports) */
  bool paced;   /* in sfu.paced: its pacer holds packets (rooms/pacing.c) */
  transport *next_in_router, *next_paced;
  transport *next_by_id, *next_by_addr, *next_by_ufrag;
};

struct router {
  uint32_t room_id;
  bool no_adapt; /* MC_ROUTER_ADAPT off: every subscriber gets the top layer */
  transport *transports;
  size_t ntransports;
  uint32_t active_speaker;
  uint64_t last_speaker_ms;
  router *next;
};

#define SFU_BUCKETS 1024

struct sfu {
  uint8_t index;
  udp_socket *udp;
  ice_tcp *tcp;             /* NULL: ICE-TCP off */
  sfu_tcp_send_fn tcp_send; /* sends on tcp's connections (set with it; -1 when tcp is NULL) */
  const dtls_identity *identity;
  mailbox *events;
  router *routers;
  transport *by_id[SFU_BUCKETS], *by_addr[SFU_BUCKETS], *by_ufrag[SFU_BUCKETS];
  /* Non-owning maps by id (commands name objects by id; the allocator looks up the speaker). */
  producer *producers_by_id[SFU_BUCKETS];
  consumer *consumers_by_id[SFU_BUCKETS];
  uint64_t now_ms;
  int64_t now_us; /* the same instant in microseconds (0: derive it from now_ms) */
  uint64_t last_second_ms;
  uint32_t server_ssrc; /* sender SSRC of the RTCP the server originates */
  bool adaptation;      /* layer allocation and probing on (MOA_BANDWIDTH_ADAPTATION=1) */
  int bwe_trace_fd;     /* MOA_BWE_TRACE: the file feedback is traced to (sub_bwe.h), -1: none */
  transport *paced;     /* subscriber transports whose pacer holds packets (rooms/pacing.c) */
  sfu_counters *counters;
  /* Recordings of rooms on this worker (rooms/recorder.c) and the writer thread that writes
   * them (started with the first; rec_queue_bytes, 0 for the default, sizes its queue). */
  recording *recordings;
  rec_writer *rec_writer;
  size_t rec_queue_bytes;
  uint32_t next_rec_track;
  /* Per-packet counts, this thread's own; published into counters by sfu_publish_counters(). */
  struct {
    uint64_t packets_in, bytes_in, rtp_forwarded;
    uint64_t forward_ns; /* counted by the worker (gateway/worker.c) */
  } hot;
  /* Test hooks: drop incoming packets from publishers (loss injection) is done outside; none here. */
};

/* The worker's clock in microseconds (now_us, or now_ms when only that is set). */
static inline int64_t sfu_now_us(const sfu *s) { return s->now_us ? s->now_us : (int64_t)s->now_ms * 1000; }

void sfu_post_event(sfu *s, media_event_type type, uint32_t room_id, uint32_t transport_id,
                    uint32_t producer_id, media_close_reason reason);

/* transport.c */
transport *transport_new(sfu *s, router *r, const media_cmd *cmd);
void transport_free(sfu *s, transport *t);
transport *transport_by_id(sfu *s, uint32_t id);
transport *transport_by_addr(sfu *s, const struct sockaddr_storage *a);
/* A STUN packet from `from` (on ICE-TCP connection conn, or UDP when conn is 0). Returns the
 * transport a valid Binding request named (answered on the same path), else NULL. */
transport *transport_on_stun(sfu *s, uint8_t *buf, size_t len, const struct sockaddr_storage *from,
                             uint32_t conn);
/* Sends len bytes at out, the UDP batch's next buffer (udp_next_buf) where the packet was
 * built, on t's selected path: queued in the UDP batch, or copied into t's ICE-TCP connection's
 * queue (the UDP slot is then left free). */
void transport_queue(sfu *s, transport *t, const uint8_t *out, size_t len);
void transport_on_dtls(sfu *s, transport *t, const uint8_t *buf, size_t len);
void transport_on_srtp(sfu *s, transport *t, uint8_t *buf, size_t len);
void transport_set_remote(sfu *s, transport *t, const media_cmd *cmd);
/* ICE-TCP connection conn closed: if it was t's path, t has none until the next check. */
void transport_tcp_closed(sfu *s, transport *t, uint32_t conn);
void transport_ice_restart(sfu *s, transport *t, const media_cmd *cmd);
/* Protects and sends an RTCP packet (plaintext in buf, room for the trailer) to the peer. */
void transport_send_rtcp(sfu *s, transport *t, const uint8_t *rtcp, size_t len);
/* Returns false when the transport was closed (and freed) by the tick. */
bool transport_tick(sfu *s, transport *t);

/* producer.c */
producer *producer_new(sfu *s, transport *t, const media_cmd *cmd);
void producer_free(sfu *s, producer *p);
producer *producer_by_id(sfu *s, uint32_t id);
/* The producer and encoding an incoming SSRC belongs to on transport t, binding a simulcast
 * encoding's SSRC from the packet's RID / repaired-RID extension when it is not known yet
 * (pkt may be NULL: lookup only). NULL when the SSRC is nobody's. */
producer *producer_for_ssrc(transport *t, uint32_t ssrc, const uint8_t *pkt, size_t len, int *enc,
                            bool *is_rtx);
void producer_on_rtp(sfu *s, producer *p, int enc, uint8_t *pkt, size_t len, bool is_rtx);
/* A sender report for encoding enc: ntp (64-bit NTP time) <-> rtp_ts. */
void producer_on_sr(sfu *s, producer *p, int enc, uint64_t ntp, uint32_t rtp_ts);
/* Asks for a key frame of encoding enc (-1: every encoding). */
void producer_request_keyframe(sfu *s, producer *p, int enc, bool force);
void producer_tick(sfu *s, producer *p, bool second);

/* consumer.c */
consumer *consumer_new(sfu *s, transport *t, const media_cmd *cmd);
void consumer_free(sfu *s, consumer *c);
consumer *consumer_by_id(sfu *s, uint32_t id);
/* Forwards one packet of encoding enc, parsed once by the producer (rp: its data, length and
 * header fields), to c's subscriber if c takes it; true when it was sent. */
bool consumer_forward(sfu *s, consumer *c, int enc, const rtp_packet *rp, bool is_keyframe);
/* fanout.c: consumer_forward() of one packet to first and every consumer after it on its
 * producer's list, with a cache look-ahead over the next subscribers; returns how many sent. */
size_t fanout_forward(sfu *s, consumer *first, int enc, const rtp_packet *rp, bool is_keyframe);
/* Without adaptation: re-chooses a simulcast consumer's encoding, the highest that carries
 * media (every second). */
void consumer_choose_encoding(sfu *s, consumer *c);
/* Asks c's producer for the key frame c needs to start (every encoding until c has started,
 * then its target); for a subscriber that just connected or a consumer added to a connected one. */
void consumer_request_start(sfu *s, consumer *c);
void consumer_on_nack(sfu *s, consumer *c, const uint16_t *seqs, size_t n);
void consumer_send_sr(sfu *s, consumer *c);

/* layer_control.c (sub_bwe.h): allocation and probing toward subscriber t, every tick; and
 * "allocate at the next tick" after its consumers or their views changed. */
void sub_bwe_tick(sfu *s, transport *t);
void sub_bwe_consumers_changed(transport *t);

/* pacing.c: sends the plaintext RTP packet out[0..len) (in the UDP batch's next slot) to
 * subscriber t: numbered for transport-cc and protected now, or, video toward a constrained
 * subscriber whose pacer has no budget left, queued in the pacer (the slot stays free). */
void transport_send_rtp(sfu *s, transport *t, uint8_t *out, size_t len, bool video);
/* Sends out[0..len) to t at once, bypassing the pacer: numbered for transport-cc (probe_id: the
 * probe cluster it belongs to, 0 for none), protected, queued on the UDP batch or the ICE-TCP
 * connection. Returns the numbered plaintext length, or 0 when it could not be protected. */
size_t transport_emit_rtp(sfu *s, transport *t, uint8_t *out, size_t len, int probe_id);
/* Takes t out of sfu.paced (before it is freed). */
void transport_unpace(sfu *s, transport *t);

/* publisher_remb.c: the REMB to publisher transport t, once a second: what its viewers take. */
uint64_t publisher_demand_bps(sfu *s, transport *t);
void publisher_send_remb(sfu *s, transport *t);

/* recorder.c: MC_RECORD_START / MC_RECORD_STOP; a producer of the room came or goes; the
 * room's router was released; a packet (rp, parsed; key: a video key frame's first packet) or
 * a sender report of a recorded producer (p->rec set); timers (every tick); the worker stops
 * (every recording ends, the writer thread is joined). */
void recorder_handle_cmd(sfu *s, const media_cmd *cmd);
void recorder_producer_added(sfu *s, producer *p);
void recorder_producer_removed(sfu *s, producer *p);
void recorder_room_released(sfu *s, uint32_t room_id);
void recorder_on_rtp(sfu *s, producer *p, int enc, const rtp_packet *rp, bool key);
void recorder_on_sr(sfu *s, producer *p, int enc);
void recorder_tick(sfu *s);
void recorder_shutdown(sfu *s);

/* router.c */
router *router_get(sfu *s, uint32_t room_id, bool create);
void router_release_if_empty(sfu *s, router *r);
void router_tick_speaker(sfu *s, router *r);

/* Life of the worker's media state in place (sfu_new/sfu_delete allocate and free it). */
void sfu_init(sfu *s, uint8_t index, udp_socket *udp, const dtls_identity *identity, mailbox *events,
              sfu_counters *counters);
void sfu_free(sfu *s);

#endif
