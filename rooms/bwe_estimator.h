/* Send-side bandwidth estimator for one transport (one subscriber's PeerConnection), shaped
 * like Chrome's Google Congestion Control (libwebrtc's GoogCcNetworkController) so that Moa
 * reacts to a congested link the way the browser's own sender would:
 *
 *  - delay based: packets reported by transport-cc feedback are grouped into 5 ms send bursts;
 *    the change of one-way delay between consecutive groups feeds a trendline filter (window
 *    20, smoothing 0.9, gain 4) whose slope an adaptive threshold (k_u 0.01, k_d 0.00018,
 *    6..600) classifies as overuse, normal or underuse; an AIMD controller then decreases to
 *    0.85 x the acknowledged rate on overuse, holds on underuse and increases otherwise (8 %/s
 *    multiplicatively far from the last congestion point, additively near it, never above
 *    1.5 x what was acknowledged);
 *  - loss based: over each feedback interval with 20+ packets, more than 10 % loss cuts the rate
 *    by (1 - 0.5 x loss), less than 2 % lets it grow 8 %/s;
 *  - probing: when the caller wants more than the estimate (set_wanted) and the link is not
 *    congested, it asks the caller to send a short cluster of packets at twice the estimate
 *    and adopts what the receiver saw arrive, doubling again while probes succeed and backing
 *    off (1, 2, then every 3 s) while they fail; an overuse within 0.5 s of a probe is the
 *    probe's own queue and does not cut the estimate;
 *  - REMB: a receiver's REMB caps the estimate (until it is 5 s old); without transport-cc
 *    feedback for 2 s it
 *    becomes the estimate (browsers that did not negotiate transport-cc).
 * The target is min(delay based, loss based, REMB), clamped to [min_bps, max_bps].
 *
 * Pure: no I/O, no clock (every call takes `now`), no allocation, deterministic (the same
 * calls give the same estimates). Owned by its transport, embedded by value, used on the
 * media worker's thread only. */
#ifndef MOA_ROOMS_BWE_ESTIMATOR_H
#define MOA_ROOMS_BWE_ESTIMATOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BWE_TRENDLINE_WINDOW 20
#define BWE_ACKED_BUCKETS 10 /* x 50 ms: the acknowledged rate is measured over 500 ms */

/* One packet as the feedback reports it, joined with what the sender remembers of it. */
typedef struct {
  int64_t send_us;    /* sender clock */
  uint32_t size;      /* bytes on the wire (RTP header and payload) */
  bool received;      /* false: reported lost */
  int64_t arrival_us; /* receiver clock (any offset); meaningful only if received */
  int probe_id;       /* the probe cluster the packet was sent in, or 0 */
} bwe_packet;

/* A probe the caller should send: packets (padding or RTX) at rate_bps for at least
 * duration_us and at least min_packets packets, each tagged with id. */
typedef struct {
  int id;
  uint32_t rate_bps;
  int64_t duration_us;
  int min_packets;
} bwe_probe;

typedef enum { BWE_NORMAL = 0, BWE_OVERUSING, BWE_UNDERUSING } bwe_usage;

typedef struct {
  uint32_t start_bps, min_bps, max_bps;
} bwe_config;

typedef struct {
  int64_t first_send_us, last_send_us, first_arrival_us, last_arrival_us;
  bool valid;
} bwe_group;

typedef struct bwe_estimator {
  /* Read-only for callers. */
  uint32_t target_bps;                    /* the estimate: what the transport may send */
  uint32_t delay_bps, loss_bps, remb_bps; /* the three limits (remb_bps 0 if none) */
  uint32_t acked_bps;                     /* acknowledged receive rate over the last 500 ms (0 until known) */
  bwe_usage usage;                        /* the delay detector's latest verdict */
  double trend;                           /* modified trend and adaptive threshold, for stats and tests */
  double threshold;
  double loss_fraction; /* over the latest loss interval */
  int64_t rtt_us;
  uint64_t overuse_count, probes_started, probes_succeeded;

  /* Private. */
  bwe_config cfg;
  uint32_t wanted_bps;
  /* inter-arrival grouping */
  bwe_group cur, prev;
  int reordered;
  /* trendline */
  double hist_x[BWE_TRENDLINE_WINDOW], hist_y[BWE_TRENDLINE_WINDOW];
  int hist_n, hist_head;
  int num_deltas;
  int64_t first_arrival_us;
  double accumulated_ms, smoothed_ms, prev_trend;
  /* overuse detector */
  int64_t thr_last_us;
  double time_over_using_ms;
  int overuse_counter;
  /* acknowledged rate */
  int64_t ack_slot[BWE_ACKED_BUCKETS];
  uint64_t ack_bytes[BWE_ACKED_BUCKETS];
  int64_t ack_first_us;
  int64_t ack_last_us; /* the latest arrival counted */
  /* AIMD */
  double rate_bps;
  int aimd_state; /* 0 hold, 1 increase, 2 decrease */
  int64_t last_change_us, last_decrease_us;
  double cap_est_kbps, cap_dev;
  bool cap_valid;
  /* loss */
  uint32_t loss_lost, loss_total;
  int64_t loss_last_us, loss_last_decrease_us;
  double loss_rate_bps;
  /* REMB */
  int64_t remb_at_us, twcc_at_us;
  bool have_twcc;
  /* probing */
  int next_probe_id;
  bwe_probe probe;
  bool probe_active, probe_seen;
  int64_t probe_start_us, probe_next_us, probe_guard_until_us;
  int probe_fail_streak;
  uint32_t probe_n, probe_rx;
  uint64_t probe_sent_bytes, probe_recv_bytes;
  uint32_t probe_last_size, probe_first_size;
  int64_t probe_first_send, probe_last_send, probe_first_arr, probe_last_arr;
} bwe_estimator;

/* Prepares e with the start estimate and the bounds (min 30 kbit/s and max 20 Mbit/s when
 * left 0; start clamped into them). Never fails. */
void bwe_estimator_init(bwe_estimator *e, const bwe_config *cfg, int64_t now_us);

/* Feeds one transport-cc feedback message: its packets in the order reported (sequence
 * order), joined with their send time and size. Packets with absurd timing (arrival jumps of
 * more than 3 s, reordering) reset the delay filter instead of moving the estimate. Updates
 * target_bps. Never fails; n may be 0. */
void bwe_estimator_on_feedback(bwe_estimator *e, const bwe_packet *pkts, size_t n, int64_t now_us);

/* A REMB from the receiver (bits per second). Never fails. */
void bwe_estimator_on_remb(bwe_estimator *e, uint64_t bps, int64_t now_us);

/* What the transport would send if it could (the allocator's wish: every track at its best
 * layer). Probing happens only while the estimate is below it. */
void bwe_estimator_set_wanted(bwe_estimator *e, uint32_t bps);

/* Asks whether to start a probe cluster now. Returns true and fills *out at most once per
 * cluster; the caller tags the packets it sends for it with out->id. False while a cluster is
 * in flight, while congested, when the estimate already reaches the wanted rate, and between
 * probes (1, 2, then 3 s after failed ones; immediately after one that succeeded). */
bool bwe_estimator_probe(bwe_estimator *e, int64_t now_us, bwe_probe *out);

#endif
