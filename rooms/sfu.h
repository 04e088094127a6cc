/* The media side of a worker: its routers (one per live room), their transports (one per browser
 * PeerConnection), producers (incoming tracks) and consumers (outgoing copies). Everything here
 * belongs to one media worker thread and is touched by no other: no locks on the packet path.
 *
 * Ownership (mediasoup's model, simplified): sfu -> router -> transport -> producer | consumer.
 * A producer keeps a non-owning list of its consumers; a consumer a non-owning pointer to its
 * producer, cleared when the producer goes. The signaling thread drives it all with media_cmd
 * messages (ids only) and hears back through media_event messages.
 *
 * The counters are atomics so /metrics on the signaling thread can read them without a lock. The
 * ones bumped for every packet (packets and bytes in, RTP forwarded) are counted in plain fields of
 * the sfu (sfu.hot) and stored into their atomics once per loop turn (sfu_publish_counters), as
 * the worker does for its UDP socket's packets and bytes out: an atomic read-modify-write per
 * packet costs more than the forwarding it counts. */
#ifndef MOA_ROOMS_SFU_H
#define MOA_ROOMS_SFU_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "gateway/rtc/dtls.h"
#include "rooms/media_cmd.h"
#include "rooms/rec_writer.h"
#include "rooms/sub_bwe.h"

typedef enum {
  DROP_UNKNOWN_ADDRESS, /* not STUN, from an address that completed no ICE check */
  DROP_BAD_STUN,        /* malformed, unknown ufrag, bad integrity, unknown attribute (420) */
  DROP_NOT_CONNECTED,   /* media before DTLS completed */
  DROP_UNPROTECT,       /* SRTP authentication or replay failure */
  DROP_UNKNOWN_SSRC,    /* no producer for this SSRC on this transport */
  DROP_MALFORMED,       /* RTP/RTCP that does not parse */
  DROP_DUPLICATE,       /* video RTP the producer holds already (a retransmission or a copy) */
  DROP_REASONS
} sfu_drop_reason;

/* Why an ICE-TCP connection was closed (gateway/ice_tcp.h). */
typedef enum {
  ICE_TCP_CLOSE_NOT_STUN,    /* first frame was no STUN Binding request */
  ICE_TCP_CLOSE_ICE_TIMEOUT, /* no valid ICE check in time */
  ICE_TCP_CLOSE_IDLE,        /* nothing received for the consent period */
  ICE_TCP_CLOSE_OVERSIZED,   /* a frame announced more than the worker takes */
  ICE_TCP_CLOSE_SLOW,        /* outbound queue overflowed: the peer does not read */
  ICE_TCP_CLOSE_EVICTED,     /* too many connections waiting for ICE: the oldest went */
  ICE_TCP_CLOSE_FULL,        /* the worker's connection table was full */
  ICE_TCP_CLOSE_PEER,        /* the peer closed it */
  ICE_TCP_CLOSE_ERROR,       /* a socket error */
  ICE_TCP_CLOSE_REASONS
} ice_tcp_close_reason;

typedef struct sfu_counters {
  atomic_uint_fast64_t routers, transports, producers, consumers;
  atomic_uint_fast64_t packets_in, bytes_in, packets_out, bytes_out;
  atomic_uint_fast64_t rtp_forwarded;
  atomic_uint_fast64_t nacks_received, retransmitted, nacks_sent, plis_sent, plis_received;
  atomic_uint_fast64_t nacked_seqs;  /* sequence numbers asked for in the NACKs sent upstream */
  atomic_uint_fast64_t rtx_received; /* publishers' retransmissions (RTX) that carried a packet */
  atomic_uint_fast64_t dropped[DROP_REASONS];
  atomic_uint_fast64_t forward_ns; /* time spent handling received UDP datagrams (worker.c) */
  /* ICE-TCP (gateway/ice_tcp.h): open connections (a gauge), accepted, closed by reason, and
   * RFC 4571 frames and their payload bytes each way */
  atomic_uint_fast64_t tcp_conns, tcp_accepted, tcp_closed[ICE_TCP_CLOSE_REASONS];
  atomic_uint_fast64_t tcp_frames_in, tcp_bytes_in, tcp_frames_out, tcp_bytes_out;
  /* Bandwidth adaptation (rooms/sub_bwe.h): layer changes of video consumers (up, down, to a
   * pause, from a pause), video consumers paused now (a gauge), transport-cc feedback messages
   * taken and refused, probe clusters sent, and the estimates each allocation used, as a
   * histogram (bucket upper bounds in SUB_BWE_EST_BUCKETS; the last is +Inf). */
  atomic_uint_fast64_t layer_up, layer_down, layer_paused, layer_resumed, paused_video;
  atomic_uint_fast64_t twcc_feedback, twcc_refused, probes_sent;
  atomic_uint_fast64_t rtx_over_budget; /* NACKed packets not resent: over the subscriber's budget */
  atomic_uint_fast64_t
      nacks_unanswerable; /* NACKed packets no longer buffered (or never sent): a key frame asked */
  /* The pacer toward constrained subscribers (rooms/pacer.h): packets that waited their turn,
   * and packets refused because a pacer's queue was full. */
  atomic_uint_fast64_t paced_packets, pacer_dropped;
  atomic_uint_fast64_t est_bucket[SUB_BWE_EST_NBUCKETS], est_count, est_sum_kbps;
  rec_counters rec; /* recordings (rooms/recorder.c, rooms/rec_writer.c) */
} sfu_counters;

/* The worker's media state. Its objects (router, transport, producer, consumer) are private to
 * rooms/: their bodies are in rooms/sfu_int.h, which only the .c files of rooms/ and white-box
 * tests include. */
typedef struct sfu sfu;
typedef struct ice_tcp ice_tcp;
typedef struct udp_socket udp_socket;

/* Creates the media state of worker `index`, sending on udp, presenting identity in DTLS,
 * posting media_event messages into events and counting into counters (all the caller's, and
 * outliving it). Returns NULL when out of memory. */
sfu *sfu_new(uint8_t index, udp_socket *udp, const dtls_identity *identity, mailbox *events,
             sfu_counters *counters);
/* Closes every router, transport, producer and consumer, ends the recordings (the writer
 * thread is joined) and frees s. Safe on NULL. */
void sfu_delete(sfu *s);
/* Queues one frame on ICE-TCP connection conn of tcp; 0, or -1 when the connection is gone or
 * closing (gateway/ice_tcp.c's ice_tcp_send). */
typedef int (*sfu_tcp_send_fn)(ice_tcp *tcp, uint32_t conn, const uint8_t *buf, size_t len);
/* The worker's ICE-TCP listener (NULL: ICE-TCP off) and how transports send on its connections:
 * the worker, which owns both, passes them in (rooms/ does not call gateway/ by name). */
void sfu_set_ice_tcp(sfu *s, ice_tcp *tcp, sfu_tcp_send_fn send);
/* The worker's clock, read once per loop turn: now_us of CLOCK_MONOTONIC (base/clock.h). */
void sfu_set_clock(sfu *s, int64_t now_us);
/* That clock in milliseconds. */
uint64_t sfu_now_ms(const sfu *s);
/* Adds ns to the time spent handling received datagrams (counted by the worker, published with
 * the other per-packet counts). */
void sfu_add_forward_ns(sfu *s, uint64_t ns);
/* Stores the per-packet counts (s->hot) into s->counters, for /metrics; the worker calls it once
 * per loop turn (a test after the packets it delivers). */
void sfu_publish_counters(sfu *s);
void sfu_handle_cmd(sfu *s, const media_cmd *cmd);
/* One datagram from `from`; buf may be modified in place (decryption). */
void sfu_on_datagram(sfu *s, uint8_t *buf, size_t len, const struct sockaddr_storage *from);
/* One RFC 4571 frame from ICE-TCP connection conn (remote end `from`), which served transport
 * tid so far (0: none yet); buf may be modified in place. Returns the transport the connection
 * serves after it: the one a valid ICE check on it named, else tid. */
uint32_t sfu_on_tcp_frame(sfu *s, uint8_t *buf, size_t len, const struct sockaddr_storage *from,
                          uint32_t conn, uint32_t tid);
/* ICE-TCP connection conn, which served transport tid, is gone: the transport loses that path. */
void sfu_on_tcp_closed(sfu *s, uint32_t tid, uint32_t conn);
/* Timers: DTLS retransmissions, consent, NACKs, RTCP reports, active speaker. Every ~20 ms. */
void sfu_tick(sfu *s);
/* Drains every pacer as its budget allows. Returns the microseconds until a pacer may send
 * again, or -1 when none holds a packet (the worker sleeps no longer than that). */
int64_t sfu_pace(sfu *s);

#endif
