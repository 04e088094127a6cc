/* Bandwidth adaptation toward one subscriber: the state a subscriber transport carries to
 * estimate what its link takes and to choose, for every track it receives, the layer that
 * fits (issue 11; the pure parts are gateway/rtc/twcc.h, rooms/bwe_history.h,
 * rooms/bwe_estimator.h and rooms/layer_alloc.h, see docs/BWE.md).
 *
 *  - every packet sent on the transport (media, retransmissions, probe padding) gets a
 *    transport-wide sequence number in the header extension the subscriber negotiated and is
 *    remembered with its send time and size (sub_bwe_stamp);
 *  - the subscriber's transport-cc feedback, joined with that history, and its REMB feed the
 *    estimator (sub_bwe_on_twcc, sub_bwe_on_remb);
 *  - every 100 ms (at once after a change of tracks or views, or a drop of the estimate by a
 *    quarter) the allocator decides a layer or a pause per track, the consumers follow it, a
 *    change is reported to signaling (ME_CONSUMER_LAYER) and counted; when the estimate is
 *    short of what the tracks could use, the estimator's probe clusters are sent as RTX
 *    padding (sfu.h: sub_bwe_tick).
 * Owned by its transport (created with its first consumer), used on the media worker's thread. */
#ifndef MOA_ROOMS_SUB_BWE_H
#define MOA_ROOMS_SUB_BWE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gateway/rtc/rtcp.h"
#include "gateway/rtc/twcc.h"
#include "rooms/bwe_estimator.h"
#include "rooms/bwe_history.h"
#include "rooms/layer_alloc.h"
#include "rooms/pacer.h"

#define SUB_BWE_START_BPS 2500000u         /* the first estimate, before any feedback */
#define SUB_BWE_ALLOC_US 100000            /* allocation period */
#define SUB_BWE_EST_NBUCKETS 8             /* estimate histogram: see sub_bwe_bucket_bounds_kbps */
#define SUB_BWE_NO_ADAPT_BPS 1000000000ull /* the estimate a room without adaptation uses */
#define SUB_BWE_RTX_BURST_US 500000        /* retransmission budget kept unused: 0.5 s of it */
#define SUB_BWE_RTX_MAX_QUEUE_US 300000    /* no retransmission into a longer pacer backlog */
#define SUB_BWE_PUSHBACK_QUEUE_US 400000   /* a pacer backlog longer than this lowers the allocation */
#define SUB_BWE_PROBE_MAX_QUEUE_US 100000  /* no probe cluster starts into a longer backlog */

typedef struct sub_bwe {
  uint8_t twcc_id; /* the subscriber's transport-wide sequence extension id (1..14), 0: none */
  bwe_history hist;
  bwe_estimator est;
  twcc_ref_unwrapper unwrap;
  layer_alloc alloc;
  int64_t next_alloc_us;
  uint32_t alloc_estimate; /* the estimate the latest allocation used */
  bool dirty;              /* tracks or views changed: allocate at the next tick */
  /* The estimate has been cut at least once (delay overuse, loss, a REMB below it). Until
   * then it is only the start guess, and the allocator takes max(estimate, what the tracks
   * want): nothing is lowered or paused on a link that showed no sign of congestion. */
  bool constrained;
  /* the probe cluster being sent */
  bool probing;
  bwe_probe probe;
  int64_t probe_start_us;
  uint64_t probe_bytes;
  int probe_packets;
  pacer pacer; /* video toward a constrained subscriber (rooms/pacing.c) */
  /* the retransmission budget (sub_bwe_rtx_allow): bytes that may go now, and when it was
   * last refilled */
  bool rtx_started;
  int64_t rtx_tokens;
  int64_t rtx_last_us;
  int64_t logged_us;     /* the last debug line of the estimator's state */
  uint32_t transport_id; /* for that line */
  /* MOA_BWE_TRACE (the worker's file, not owned; -1: none): every transport-cc feedback as the
   * estimator takes it, one line per packet, "transport now_us send_us arrival_us size received
   * probe_id" in decimal (times in microseconds: now and send on the server's monotonic clock,
   * arrival on the subscriber's clock with the reference unwrapped, -1 when reported lost). A
   * bad link can then be replayed through the estimator offline (tests/unit/test_bwe_replay.c). */
  int trace_fd;
} sub_bwe;

/* The upper bounds of the estimate histogram's buckets, in kbit/s (the last is +Inf). */
extern const uint32_t sub_bwe_bucket_bounds_kbps[SUB_BWE_EST_NBUCKETS];

/* A new state (estimate SUB_BWE_START_BPS) for a subscriber whose transport-wide sequence
 * extension id is twcc_id (0: none negotiated; then only REMB informs the estimate). NULL when
 * out of memory. */
sub_bwe *sub_bwe_new(uint8_t twcc_id, int64_t now_us);
void sub_bwe_free(sub_bwe *b);

/* Gives the RTP packet buf[0..len) (plaintext, about to be protected) its transport-wide
 * sequence number and remembers it; probe_id 0 unless it belongs to a probe cluster. Returns the
 * new length (the extension may grow the header; cap is the room in buf), or len unchanged when
 * no extension is negotiated or the packet cannot take it (it is then sent as it is). */
size_t sub_bwe_stamp(sub_bwe *b, uint8_t *buf, size_t len, size_t cap, int64_t now_us, int probe_id);

/* One transport-cc feedback packet from the subscriber. Returns 0, or -1 if it does not parse
 * (nothing changes). */
int sub_bwe_on_twcc(sub_bwe *b, const rtcp_header *h, int64_t now_us);

/* A REMB from the subscriber. */
void sub_bwe_on_remb(sub_bwe *b, uint64_t bps, int64_t now_us);

/* Whether a retransmission of len bytes may go now: retransmissions toward a subscriber take
 * at most half its estimate over time (a token bucket refilled at that rate), with up to
 * SUB_BWE_RTX_BURST_US of it saved while nothing is retransmitted (at least one packet). A
 * congested viewer NACKs most of what it misses, and answering every NACK multiplied what its
 * link was already short of (9 Mbit/s of retransmissions were seen toward an 800 kbit/s
 * link). The saved half second is for a lost key frame: held to half the estimate per 100 ms,
 * its 25 packets at a 400 kbit/s estimate took 1.25 s, longer than the buffer keeps them, and
 * the camera froze until a new key frame (browser_bandwidth_adapt). They go through the
 * pacer like the media, and none goes while its queue holds more than
 * SUB_BWE_RTX_MAX_QUEUE_US at its rate (the subscriber asks again). Counts the bytes when it
 * allows. */
bool sub_bwe_rtx_allow(sub_bwe *b, size_t len, int64_t now_us);

/* Microseconds the pacer's queue takes to drain at the pacing rate (0 without a rate). */
uint64_t sub_bwe_backlog_us(const sub_bwe *b);

/* The estimate the allocator should use, given the pacer's backlog: while the queue holds more
 * than SUB_BWE_PUSHBACK_QUEUE_US at the pacing rate, the estimate less the backlog's bits (so
 * that lower layers let it drain within a second), never below half. The forwarded streams
 * can run over the estimate for seconds (a switch down waits for the lower encoding's key
 * frame; retransmissions come on top), the queue then grew to its full second and what
 * waited that long went out whatever the rate (browser_bandwidth_adapt: 130 packets queued,
 * 1 Mbit/s sent toward an 800 kbit/s link for 2 s). Unchanged without pacing. The allocator
 * (layer_control.c) keeps it no lower than what every track's lowest layer takes: a backlog
 * built at a switch down paused two cameras of three for 2.5 s when it could. */
uint64_t sub_bwe_pushback(const sub_bwe *b, uint64_t estimate);

/* The histogram bucket of an estimate. */
int sub_bwe_bucket(uint64_t bps);

#endif
