/* Send-side bandwidth estimator (see bwe_estimator.h). The constants and the structure follow
 * libwebrtc's goog_cc (inter_arrival.cc, trendline_estimator.cc, aimd_rate_control.cc,
 * link_capacity_estimator.cc, send_side_bandwidth_estimation.cc, probe_bitrate_estimator.cc);
 * the code is a small C rewrite of the parts an SFU needs, not a port. Times are microseconds
 * in the interface and milliseconds inside the filters, as in the papers and libwebrtc. */
#include "rooms/bwe_estimator.h"

#include <math.h>
#include <string.h>

#define BURST_US 5000           /* packets sent within 5 ms form one group */
#define MAX_BURST_US 100000     /* a burst by arrival never spans more than 100 ms */
#define ARRIVAL_JUMP_US 3000000 /* an arrival gap of more than 3 s resets the filter */
#define SMOOTHING 0.9
#define THRESHOLD_GAIN 4.0
#define MIN_NUM_DELTAS 60
#define K_UP 0.01
#define K_DOWN 0.00018
#define OVERUSE_TIME_MS 10.0
/* The adaptive threshold's floor: GCC's is 6. Replayed on the feedback of real Chromium viewers
 * (tests/unit/test_bwe_replay.c), a browser busy encoding beside its viewer stamps arrivals with
 * jitter whose trend reached 6.6-9.8 once the threshold had decayed in a quiet minute, and each
 * such crossing cut an unshaped viewer from 2.5 Mbit/s to under 1. A real queue's growth there
 * read 17-90 (an 800 kbit/s tbf link), and loss backs the delay detector up. */
#define THRESHOLD_MIN 12.0
#define BETA 0.85
#define LOSS_LOW 0.02
#define LOSS_HIGH 0.10
#define LOSS_MIN_PACKETS 20
#define REMB_ONLY_AFTER_US 2000000
#define REMB_EXPIRE_US 5000000 /* a REMB cap not renewed for 5 s no longer holds */
#define PROBE_OVERSHOOT 1.1    /* a cluster aims this far above the want */
#define PROBE_DURATION_US 150000
#define PROBE_MIN_PACKETS 6
#define PROBE_RETRY_US 1000000
#define PROBE_TIMEOUT_US 1000000
#define PROBE_MAX_RETRY_US 3000000
#define PROBE_GUARD_US 500000
#define PROBE_REPORT_WAIT_US 150000
#define STALE_VERDICT_US 1000000
#define TIME_LIMIT ((int64_t)1 << 60)

enum { AIMD_HOLD = 0, AIMD_INCREASE = 1, AIMD_DECREASE = 2 };

static double clampd(double v, double lo, double hi) { return v < lo ? lo : v > hi ? hi : v; }

void bwe_estimator_init(bwe_estimator *e, const bwe_config *cfg, int64_t now_us) {
  memset(e, 0, sizeof *e);
  e->cfg = *cfg;
  if (e->cfg.min_bps == 0) e->cfg.min_bps = 30000;
  if (e->cfg.max_bps == 0) e->cfg.max_bps = 20000000;
  if (e->cfg.max_bps < e->cfg.min_bps) e->cfg.max_bps = e->cfg.min_bps;
  double start = clampd(cfg->start_bps ? cfg->start_bps : 300000, e->cfg.min_bps, e->cfg.max_bps);
  e->rate_bps = start;
  e->loss_rate_bps = start;
  e->delay_bps = e->loss_bps = e->target_bps = (uint32_t)start;
  e->threshold = 12.5;
  e->thr_last_us = -1;
  e->time_over_using_ms = -1;
  e->first_arrival_us = -1;
  e->aimd_state = AIMD_INCREASE;
  e->last_change_us = now_us;
  e->last_decrease_us = now_us - 10000000;
  e->loss_last_us = now_us;
  e->loss_last_decrease_us = now_us - 10000000;
  e->rtt_us = 100000;
  e->next_probe_id = 1;
  e->probe_next_us = now_us;
  e->ack_first_us = -1;
  e->ack_last_us = INT64_MIN;
  for (int i = 0; i < BWE_ACKED_BUCKETS; i++) e->ack_slot[i] = INT64_MIN; /* empty */
}

/* ---- acknowledged rate: bytes received per 50 ms slot of arrival time ---- */

static void acked_add(bwe_estimator *e, int64_t arrival_us, uint32_t size) {
  int64_t slot = arrival_us >= 0 ? arrival_us / 50000 : (arrival_us - 49999) / 50000;
  int i = (int)(((slot % BWE_ACKED_BUCKETS) + BWE_ACKED_BUCKETS) % BWE_ACKED_BUCKETS);
  if (e->ack_slot[i] != slot) {
    if (e->ack_slot[i] > slot) return; /* older than the window */
    e->ack_slot[i] = slot;
    e->ack_bytes[i] = 0;
  }
  e->ack_bytes[i] += size;
  if (e->ack_first_us < 0) e->ack_first_us = arrival_us;
  if (arrival_us > e->ack_last_us) e->ack_last_us = arrival_us;
}

/* Rate over the `slots` (3..BWE_ACKED_BUCKETS) slots of 50 ms ending at the newest one, the
 * newest left out (still filling), or 0 while under 150 ms of data. */
static uint32_t acked_rate_over(const bwe_estimator *e, int slots) {
  int64_t newest = INT64_MIN;
  for (int i = 0; i < BWE_ACKED_BUCKETS; i++)
    if (e->ack_slot[i] > newest) newest = e->ack_slot[i];
  if (newest == INT64_MIN) return 0;
  uint64_t bytes = 0;
  int64_t oldest = newest;
  for (int i = 0; i < BWE_ACKED_BUCKETS; i++) {
    if (e->ack_slot[i] == INT64_MIN || e->ack_slot[i] <= newest - slots) continue;
    if (e->ack_slot[i] == newest) continue; /* the newest slot is still filling */
    bytes += e->ack_bytes[i];
    if (e->ack_slot[i] < oldest) oldest = e->ack_slot[i];
  }
  int64_t span_slots = newest - oldest;
  if (span_slots < 3) return 0;
  uint64_t bps = bytes * 8 * 20 / (uint64_t)span_slots; /* 20 slots per second */
  return bps > UINT32_MAX ? UINT32_MAX : (uint32_t)bps;
}

static uint32_t acked_rate(const bwe_estimator *e) { return acked_rate_over(e, BWE_ACKED_BUCKETS); }

/* Rate over the arrivals from the start of the slot 150 ms before the newest one to the latest
 * arrival, the newest slot included; 0 under 150 ms. A link that narrowed shows its new rate
 * there; a receiver that stalled and then read a burst at once does not look slow, since the
 * burst is in the newest slot (leaving it out read 158 kbit/s for a 1.6 Mbit/s link). */
static uint32_t acked_rate_recent(const bwe_estimator *e) {
  int64_t newest = INT64_MIN;
  for (int i = 0; i < BWE_ACKED_BUCKETS; i++)
    if (e->ack_slot[i] > newest) newest = e->ack_slot[i];
  if (newest == INT64_MIN || e->ack_last_us == INT64_MIN) return 0;
  int64_t from = newest - 3;
  uint64_t bytes = 0;
  for (int i = 0; i < BWE_ACKED_BUCKETS; i++)
    if (e->ack_slot[i] != INT64_MIN && e->ack_slot[i] >= from) bytes += e->ack_bytes[i];
  int64_t span_us = e->ack_last_us - from * 50000;
  if (span_us < 150000) return 0;
  uint64_t bps = bytes * 8 * 1000000 / (uint64_t)span_us;
  return bps > UINT32_MAX ? UINT32_MAX : (uint32_t)bps;
}

/* ---- trendline filter and overuse detector ---- */

static void reset_delay_filter(bwe_estimator *e) {
  e->cur.valid = e->prev.valid = false;
  e->hist_n = e->hist_head = 0;
  e->num_deltas = 0;
  e->first_arrival_us = -1;
  e->accumulated_ms = e->smoothed_ms = e->prev_trend = 0;
  e->time_over_using_ms = -1;
  e->overuse_counter = 0;
  e->usage = BWE_NORMAL;
  e->reordered = 0;
}

static double linear_fit_slope(const bwe_estimator *e, bool *ok) {
  double sx = 0, sy = 0;
  int n = e->hist_n;
  for (int i = 0; i < n; i++) sx += e->hist_x[i], sy += e->hist_y[i];
  double mx = sx / n, my = sy / n, num = 0, den = 0;
  for (int i = 0; i < n; i++) {
    num += (e->hist_x[i] - mx) * (e->hist_y[i] - my);
    den += (e->hist_x[i] - mx) * (e->hist_x[i] - mx);
  }
  *ok = den != 0;
  return *ok ? num / den : 0;
}

static void update_threshold(bwe_estimator *e, double modified, int64_t now_us) {
  if (e->thr_last_us < 0) e->thr_last_us = now_us;
  double a = fabs(modified);
  if (a > e->threshold + 15.0) { /* a spike: do not adapt to it */
    e->thr_last_us = now_us;
    return;
  }
  double k = a < e->threshold ? K_DOWN : K_UP;
  double dt_ms = (double)(now_us - e->thr_last_us) / 1000.0;
  dt_ms = clampd(dt_ms, 0, 100);
  e->threshold = clampd(e->threshold + k * (a - e->threshold) * dt_ms, THRESHOLD_MIN, 600.0);
  e->thr_last_us = now_us;
}

static void trendline_update(bwe_estimator *e, double recv_delta_ms, double send_delta_ms,
                             int64_t arrival_us) {
  double delta_ms = recv_delta_ms - send_delta_ms;
  if (e->num_deltas < 1000) e->num_deltas++;
  if (e->first_arrival_us < 0) e->first_arrival_us = arrival_us;
  e->accumulated_ms += delta_ms;
  e->smoothed_ms = SMOOTHING * e->smoothed_ms + (1 - SMOOTHING) * e->accumulated_ms;
  double x = (double)(arrival_us - e->first_arrival_us) / 1000.0;
  if (e->hist_n < BWE_TRENDLINE_WINDOW) {
    e->hist_x[e->hist_n] = x;
    e->hist_y[e->hist_n] = e->smoothed_ms;
    e->hist_n++;
  } else { /* order does not matter for the fit: overwrite the oldest */
    e->hist_x[e->hist_head] = x;
    e->hist_y[e->hist_head] = e->smoothed_ms;
    e->hist_head = (e->hist_head + 1) % BWE_TRENDLINE_WINDOW;
  }
  double trend = e->prev_trend;
  if (e->hist_n == BWE_TRENDLINE_WINDOW) {
    bool ok;
    double s = linear_fit_slope(e, &ok);
    if (ok) trend = s;
  }
  /* detect */
  if (e->num_deltas < 2) {
    e->usage = BWE_NORMAL;
    return;
  }
  int nd = e->num_deltas < MIN_NUM_DELTAS ? e->num_deltas : MIN_NUM_DELTAS;
  double modified = nd * trend * THRESHOLD_GAIN;
  e->trend = modified;
  if (modified > e->threshold) {
    if (e->time_over_using_ms < 0)
      e->time_over_using_ms = send_delta_ms / 2;
    else
      e->time_over_using_ms += send_delta_ms;
    e->overuse_counter++;
    if (e->time_over_using_ms > OVERUSE_TIME_MS && e->overuse_counter > 1 && trend >= e->prev_trend) {
      e->time_over_using_ms = 0;
      e->overuse_counter = 0;
      if (e->usage != BWE_OVERUSING) e->overuse_count++;
      e->usage = BWE_OVERUSING;
    }
  } else if (modified < -e->threshold) {
    e->time_over_using_ms = -1;
    e->overuse_counter = 0;
    e->usage = BWE_UNDERUSING;
  } else {
    e->time_over_using_ms = -1;
    e->overuse_counter = 0;
    e->usage = BWE_NORMAL;
  }
  e->prev_trend = trend;
  update_threshold(e, modified, arrival_us);
}

/* Inter-arrival grouping: feeds the trendline one delta per completed group. */
static void inter_arrival(bwe_estimator *e, const bwe_packet *p) {
  if (!e->cur.valid) {
    e->cur = (bwe_group){p->send_us, p->send_us, p->arrival_us, p->arrival_us, true};
    return;
  }
  if (p->send_us < e->cur.first_send_us) return; /* sent before the current group: late */
  bool same_group = p->send_us - e->cur.first_send_us <= BURST_US;
  if (!same_group) { /* a burst: arrives together though sent apart (a queue let it go) */
    int64_t arr_d = p->arrival_us - e->cur.last_arrival_us;
    int64_t send_d = p->send_us - e->cur.last_send_us;
    if (arr_d >= 0 && arr_d <= BURST_US && arr_d - send_d < 0 &&
        p->arrival_us - e->cur.first_arrival_us < MAX_BURST_US)
      same_group = true;
  }
  if (same_group) {
    if (p->send_us > e->cur.last_send_us) e->cur.last_send_us = p->send_us;
    if (p->arrival_us > e->cur.last_arrival_us) e->cur.last_arrival_us = p->arrival_us;
    return;
  }
  /* The current group is complete: compare it with the previous one. */
  if (e->prev.valid) {
    int64_t send_d = e->cur.last_send_us - e->prev.last_send_us;
    int64_t arr_d = e->cur.last_arrival_us - e->prev.last_arrival_us;
    if (arr_d > ARRIVAL_JUMP_US || arr_d < -ARRIVAL_JUMP_US) {
      reset_delay_filter(e);
      e->cur = (bwe_group){p->send_us, p->send_us, p->arrival_us, p->arrival_us, true};
      return;
    }
    if (arr_d < 0) { /* reordered groups: skip, and reset after three in a row */
      if (++e->reordered >= 3) {
        reset_delay_filter(e);
        e->cur = (bwe_group){p->send_us, p->send_us, p->arrival_us, p->arrival_us, true};
        return;
      }
    } else {
      e->reordered = 0;
      trendline_update(e, (double)arr_d / 1000.0, (double)send_d / 1000.0, e->cur.last_arrival_us);
    }
  }
  e->prev = e->cur;
  e->cur = (bwe_group){p->send_us, p->send_us, p->arrival_us, p->arrival_us, true};
}

/* ---- AIMD rate control ---- */

static void capacity_update(bwe_estimator *e, double sample_kbps) {
  const double alpha = 0.05;
  if (!e->cap_valid) {
    e->cap_est_kbps = sample_kbps;
    e->cap_dev = 0.4;
    e->cap_valid = true;
  } else {
    e->cap_est_kbps = (1 - alpha) * e->cap_est_kbps + alpha * sample_kbps;
  }
  double norm = e->cap_est_kbps > 1 ? e->cap_est_kbps : 1;
  double err = e->cap_est_kbps - sample_kbps;
  e->cap_dev = clampd((1 - alpha) * e->cap_dev + alpha * err * err / norm, 0.4, 2.5);
}
static double cap_stddev_kbps(const bwe_estimator *e) { return sqrt(e->cap_dev * e->cap_est_kbps); }
static double cap_upper_bps(const bwe_estimator *e) {
  return (e->cap_est_kbps + 3 * cap_stddev_kbps(e)) * 1000;
}
static double cap_lower_bps(const bwe_estimator *e) {
  double v = e->cap_est_kbps - 3 * cap_stddev_kbps(e);
  return v > 0 ? v * 1000 : 0;
}

/* Additive increase near convergence: about one average packet per response time. */
static double near_max_increase_bps_per_s(const bwe_estimator *e) {
  double frame_bits = e->rate_bps / 30.0;
  double packets = ceil(frame_bits / (1200 * 8));
  double avg_packet_bits = frame_bits / (packets > 0 ? packets : 1);
  double response_s = (double)(e->rtt_us + 100000) / 1e6;
  double v = avg_packet_bits / response_s;
  return v > 4000 ? v : 4000;
}

static void aimd_update(bwe_estimator *e, bwe_usage usage, int64_t now_us) {
  double acked = e->acked_bps;
  /* state machine */
  if (usage == BWE_NORMAL && e->aimd_state == AIMD_HOLD)
    e->aimd_state = AIMD_INCREASE;
  else if (usage == BWE_OVERUSING)
    e->aimd_state = AIMD_DECREASE;
  else if (usage == BWE_UNDERUSING)
    e->aimd_state = AIMD_HOLD;

  double rate = e->rate_bps;
  if (e->aimd_state == AIMD_INCREASE) {
    if (e->cap_valid && acked > cap_upper_bps(e)) e->cap_valid = false;
    double limit = acked > 0 ? 1.5 * acked + 10000 : e->cfg.max_bps;
    if (rate < limit) {
      double dt_s = clampd((double)(now_us - e->last_change_us) / 1e6, 0, 1);
      double inc;
      if (e->cap_valid)
        inc = dt_s * near_max_increase_bps_per_s(e);
      else {
        inc = rate * (pow(1.08, dt_s) - 1);
        if (inc < 1000 * dt_s) inc = 1000 * dt_s;
      }
      rate = rate + inc < limit ? rate + inc : limit;
    }
    e->last_change_us = now_us;
  } else if (e->aimd_state == AIMD_DECREASE) {
    /* The link's rate now: the last 150-200 ms when they show less than the 500 ms window.
     * When a link narrows, the window still holds arrivals from before, and the cut landed
     * above the new rate (3.4 Mbit/s -> 1.08 on an 800 kbit/s link: its queue stayed full and
     * dropped half of what came next; docs/BWE.md, eighth session). */
    /* No lower than half the window, though: a receiver short of CPU stamps its arrivals in
     * bursts and a publisher short of CPU pauses, and either can leave the last 200 ms nearly
     * empty on a fast link (1.6 Mbit/s read as 188 kbit/s in a publisher's own browser). */
    uint32_t recent = acked_rate_recent(e);
    if (recent > 0 && recent < acked) acked = recent > acked / 2 ? recent : acked / 2;
    if (acked > 0) {
      double dec = BETA * acked;
      if (dec > 5000) dec -= 5000;
      if (dec > rate && e->cap_valid) dec = BETA * e->cap_est_kbps * 1000;
      if (dec < rate) rate = dec;
      if (e->cap_valid && acked < cap_lower_bps(e)) e->cap_valid = false;
      capacity_update(e, acked / 1000);
    } else {
      rate = rate / 2; /* congested before anything was acknowledged */
    }
    e->aimd_state = AIMD_HOLD;
    e->last_change_us = now_us;
    e->last_decrease_us = now_us;
  } else {
    e->last_change_us = now_us;
  }
  e->rate_bps = clampd(rate, e->cfg.min_bps, e->cfg.max_bps);
}

/* On overuse the rate is cut at most once per round trip (10..200 ms), sooner if what gets
 * through is under half the rate. */
static bool time_to_reduce(const bwe_estimator *e, int64_t now_us) {
  int64_t interval = e->rtt_us < 10000 ? 10000 : e->rtt_us > 200000 ? 200000 : e->rtt_us;
  if (now_us - e->last_decrease_us >= interval) return true;
  return e->acked_bps > 0 && e->acked_bps < e->rate_bps / 2;
}

/* ---- probing ---- */

static int64_t probe_backoff(bwe_estimator *e);

static void probe_finish(bwe_estimator *e, int64_t now_us) {
  bool ok = false;
  double result = 0;
  /* At most 20 % lost, and sent over at least half the cluster's time (a rate from packets
   * sent together says nothing). */
  if (e->probe_rx >= 4 && e->probe_rx * 5 >= e->probe_n * 4 &&
      e->probe_last_send - e->probe_first_send >= e->probe.duration_us / 2) {
    double send_s = (double)(e->probe_last_send - e->probe_first_send) / 1e6;
    double recv_s = (double)(e->probe_last_arr - e->probe_first_arr) / 1e6;
    if (send_s < 0.001) send_s = 0.001;
    if (recv_s < 0.001) recv_s = 0.001;
    double send_rate = (double)(e->probe_sent_bytes - e->probe_last_size) * 8 / send_s;
    double recv_rate = (double)(e->probe_recv_bytes - e->probe_first_size) * 8 / recv_s;
    result = send_rate < recv_rate ? send_rate : recv_rate;
    if (recv_rate < 0.9 * send_rate) result = 0.95 * recv_rate; /* the link was the limit */
    ok = true;
  }
  e->probe_active = false;
  bool raised = false;
  /* Measured against the target, the lower of the delay- and the loss-based figures: when the
   * loss-based one holds the target down (it rises 8 %/s per 20 packets reported, and a paused
   * viewer reports only probes), a clean probe lifts it too. */
  if (ok && e->usage != BWE_OVERUSING && result > e->target_bps) {
    double r = clampd(result, e->cfg.min_bps, e->cfg.max_bps);
    if (r > e->rate_bps) {
      e->rate_bps = r;
      e->last_change_us = now_us;
      e->aimd_state = AIMD_HOLD;
    }
    if (e->loss_rate_bps < r && e->probe_rx * 10 >= e->probe_n * 9) e->loss_rate_bps = r; /* <= 10 % lost */
    raised = true;
  }
  /* A probe that got (almost) all of its rate through is followed by a bigger one at once. */
  if (raised && result >= 0.8 * e->probe.rate_bps) {
    e->probes_succeeded++;
    e->probe_fail_streak = 0;
    e->probe_next_us = now_us;
  } else { /* the link is full there: wait 1, 2, 4, then 5 s between tries */
    e->probe_next_us = now_us + probe_backoff(e);
  }
  /* The queue the probe built drains over the next round trip: an overuse seen meanwhile is
   * the probe's, not the media's, and must not cut the estimate. */
  e->probe_guard_until_us = now_us + PROBE_GUARD_US;
}

static int64_t probe_backoff(bwe_estimator *e) {
  int64_t wait = PROBE_RETRY_US << (e->probe_fail_streak < 3 ? e->probe_fail_streak : 3);
  if (e->probe_fail_streak < 3) e->probe_fail_streak++;
  return wait < PROBE_MAX_RETRY_US ? wait : PROBE_MAX_RETRY_US;
}

static void probe_account(bwe_estimator *e, const bwe_packet *p, int64_t now_us) {
  if (!e->probe_active) return;
  if (p->probe_id != e->probe.id) {
    /* Media sent after the cluster's end: the cluster is all reported. (Media goes out between
     * the probe's packets too; judging at the first of those measured the first tick's burst,
     * some kilobytes a token bucket passes at line rate: 5.8 Mbit/s on an 800 kbit/s link.) */
    if (e->probe_seen && p->send_us > e->probe_last_send &&
        p->send_us >= e->probe_start_us + e->probe.duration_us)
      probe_finish(e, now_us);
    return;
  }
  if (!e->probe_seen || p->send_us < e->probe_first_send) e->probe_first_send = p->send_us;
  if (!e->probe_seen || p->send_us >= e->probe_last_send) {
    e->probe_last_send = p->send_us;
    e->probe_last_size = p->size;
  }
  e->probe_seen = true;
  e->probe_n++;
  e->probe_sent_bytes += p->size;
  if (!p->received) return;
  if (e->probe_rx == 0 || p->arrival_us < e->probe_first_arr) {
    e->probe_first_arr = p->arrival_us;
    e->probe_first_size = p->size;
  }
  if (e->probe_rx == 0 || p->arrival_us > e->probe_last_arr) e->probe_last_arr = p->arrival_us;
  e->probe_rx++;
  e->probe_recv_bytes += p->size;
}

bool bwe_estimator_probe(bwe_estimator *e, int64_t now_us, bwe_probe *out) {
  /* A probe is judged when a packet sent after it is reported; with nothing else numbered (every
   * video paused) none comes: a round trip and a feedback interval (Chrome's 100 ms) after its
   * end, what was reported of it is all there will be. */
  if (e->probe_active && e->probe_seen &&
      now_us - e->probe_start_us >= e->probe.duration_us + e->rtt_us + PROBE_REPORT_WAIT_US)
    probe_finish(e, now_us);
  if (e->probe_active) {
    if (now_us - e->probe_start_us < PROBE_TIMEOUT_US) return false;
    e->probe_active = false; /* its feedback never came */
    e->probe_next_us = now_us + probe_backoff(e);
  }
  if (!e->have_twcc || now_us < e->probe_next_us) return false;
  /* No feedback for a second (nothing numbered is sent: every video paused, only probes carry
   * the numbers): the delay detector's last verdict says nothing of the link now, and an overuse
   * kept from before would block the probes that can tell. */
  if (now_us - e->twcc_at_us > STALE_VERDICT_US && e->usage == BWE_OVERUSING) {
    e->usage = BWE_NORMAL;
    e->aimd_state = AIMD_HOLD;
  }
  if (e->usage == BWE_OVERUSING || e->aimd_state == AIMD_DECREASE) return false;
  if (now_us - e->last_decrease_us < 500000) return false; /* let the queue drain first */
  /* Up to the want itself: a probe measures a little under its nominal rate, so the cluster
   * aims PROBE_OVERSHOOT above it. (Stopping at 95 % of the want, with clusters at the want,
   * left the estimate a few percent short of it for good once the AIMD rise was capped at
   * 1.5 x the acknowledged rate: after a limit lifted, the last camera stayed on 360p.) */
  if (e->target_bps >= e->wanted_bps) return false;
  if (e->target_bps >= e->cfg.max_bps) return false;
  double rate = 2.0 * e->target_bps;
  if (rate > (double)e->wanted_bps * PROBE_OVERSHOOT) rate = (double)e->wanted_bps * PROBE_OVERSHOOT;
  if (rate > e->cfg.max_bps) rate = e->cfg.max_bps;
  e->probe = (bwe_probe){e->next_probe_id++, (uint32_t)rate, PROBE_DURATION_US, PROBE_MIN_PACKETS};
  if (e->next_probe_id <= 0) e->next_probe_id = 1;
  e->probe_active = true;
  e->probe_seen = false;
  e->probe_start_us = now_us;
  e->probe_n = e->probe_rx = 0;
  e->probe_sent_bytes = e->probe_recv_bytes = 0;
  e->probes_started++;
  *out = e->probe;
  return true;
}

/* ---- combining ---- */

static void update_target(bwe_estimator *e, int64_t now_us) {
  bool remb_only = !e->have_twcc || now_us - e->twcc_at_us > REMB_ONLY_AFTER_US;
  if (remb_only && e->remb_bps) {
    e->rate_bps = e->loss_rate_bps = e->remb_bps;
  }
  if (e->loss_rate_bps > e->rate_bps) e->loss_rate_bps = e->rate_bps; /* loss never lifts delay */
  e->delay_bps = (uint32_t)clampd(e->rate_bps, e->cfg.min_bps, e->cfg.max_bps);
  e->loss_bps = (uint32_t)clampd(e->loss_rate_bps, e->cfg.min_bps, e->cfg.max_bps);
  double t = e->delay_bps < e->loss_bps ? e->delay_bps : e->loss_bps;
  bool remb_fresh = e->remb_bps && (remb_only || now_us - e->remb_at_us <= REMB_EXPIRE_US);
  if (remb_fresh && e->remb_bps < t) t = e->remb_bps;
  e->target_bps = (uint32_t)clampd(t, e->cfg.min_bps, e->cfg.max_bps);
}

static void loss_update(bwe_estimator *e, int64_t now_us) {
  if (e->loss_total < LOSS_MIN_PACKETS) return;
  double frac = (double)e->loss_lost / e->loss_total;
  e->loss_fraction = frac;
  double dt_s = clampd((double)(now_us - e->loss_last_us) / 1e6, 0, 1);
  if (frac < LOSS_LOW) {
    e->loss_rate_bps = e->loss_rate_bps * pow(1.08, dt_s) + 1000 * dt_s;
  } else if (frac > LOSS_HIGH && now_us - e->loss_last_decrease_us >= 300000 + e->rtt_us) {
    e->loss_rate_bps *= 1 - 0.5 * frac;
    e->loss_last_decrease_us = now_us;
  }
  e->loss_rate_bps = clampd(e->loss_rate_bps, e->cfg.min_bps, e->cfg.max_bps);
  e->loss_lost = e->loss_total = 0;
  e->loss_last_us = now_us;
}

void bwe_estimator_on_feedback(bwe_estimator *e, const bwe_packet *pkts, size_t n, int64_t now_us) {
  int64_t newest_send = INT64_MIN;
  for (size_t i = 0; i < n; i++) {
    const bwe_packet *p = &pkts[i];
    /* Times beyond +-2^60 us (36,000 years) are garbage: no arithmetic on them may overflow. */
    if (p->send_us > TIME_LIMIT || p->send_us < -TIME_LIMIT) continue;
    if (p->received && (p->arrival_us > TIME_LIMIT || p->arrival_us < -TIME_LIMIT)) continue;
    e->loss_total++;
    if (p->send_us > newest_send) newest_send = p->send_us;
    probe_account(e, p, now_us);
    if (!p->received) {
      e->loss_lost++;
      continue;
    }
    acked_add(e, p->arrival_us, p->size);
    inter_arrival(e, p);
  }
  if (n == 0) return;
  e->have_twcc = true;
  e->twcc_at_us = now_us;
  /* Feedback delay of the newest packet: an upper bound of the round trip, smoothed. */
  if (newest_send != INT64_MIN && now_us >= newest_send) {
    int64_t sample = now_us - newest_send;
    if (sample > 1000000) sample = 1000000; /* a stale send time says nothing of the path */
    e->rtt_us = (e->rtt_us * 7 + sample) / 8;
  }
  e->acked_bps = acked_rate(e);
  if (e->usage == BWE_OVERUSING) {
    bool probe_caused = e->probe_active || now_us < e->probe_guard_until_us;
    if (!probe_caused && time_to_reduce(e, now_us)) aimd_update(e, BWE_OVERUSING, now_us);
  } else {
    aimd_update(e, e->usage, now_us);
  }
  loss_update(e, now_us);
  update_target(e, now_us);
}

void bwe_estimator_on_remb(bwe_estimator *e, uint64_t bps, int64_t now_us) {
  if (bps > e->cfg.max_bps) bps = e->cfg.max_bps;
  if (bps < e->cfg.min_bps) bps = e->cfg.min_bps;
  e->remb_bps = (uint32_t)bps;
  e->remb_at_us = now_us;
  update_target(e, now_us);
}

void bwe_estimator_set_wanted(bwe_estimator *e, uint32_t bps) { e->wanted_bps = bps; }
