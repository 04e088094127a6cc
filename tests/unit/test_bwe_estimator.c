/* Unit tests of the send-side bandwidth estimator (rooms/bwe_estimator.c) and the send history
 * that feeds it (rooms/bwe_history.c), replayed through a small synthetic network: a sender
 * paced at the current estimate (and at the probe rate while probing), a bottleneck link with
 * a drop-tail FIFO of given capacity, propagation delay each way, optional random loss, and a
 * receiver that sends real transport-cc feedback every 100 ms (built with twcc_build(), parsed
 * with twcc_parse(), joined with the history) on its own clock. Asserted: under a 500 kbit/s
 * bottleneck the estimate falls below it within 2 s starting from 2.5 Mbit/s and stays useful;
 * when the limit lifts to 5 Mbit/s it climbs back to the 2.5 Mbit/s the sender wants within
 * 15 s; 5 % random loss without a bottleneck does not collapse it; the same input gives the
 * same output; REMB alone drives it and caps it; absurd feedback keeps it bounded. The
 * measured figures are printed (grep "bwe:"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cmocka.h needs these before it */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "base/seq.h"
#include "gateway/rtc/rtcp.h"
#include "gateway/rtc/twcc.h"
#include "rooms/bwe_estimator.h"
#include "rooms/bwe_history.h"
#include "rooms/layer_alloc.h"

#define PKT_BYTES 1200
#define RX_CLOCK_OFFSET_US 987654321LL /* the receiver's clock is unrelated to the sender's */
#define MAX_FLIGHT 65536

typedef struct {
  uint16_t seq;
  int64_t arrival_us; /* sender clock */
} flight;

typedef struct {
  int64_t deliver_us;
  uint8_t bytes[2048];
  int len;
} fb_msg;

typedef struct {
  /* network */
  double cap_bps;
  int64_t prop_us;
  int64_t link_free_us;
  int64_t queue_limit_bytes;
  double loss;
  uint32_t rng;
  flight fl[MAX_FLIGHT]; /* FIFO of packets on their way to the receiver */
  size_t fl_head, fl_tail;
  /* receiver */
  int64_t rx_arrival[65536]; /* receiver clock; -1 not arrived */
  bool rx_any;
  uint16_t rx_next_report, rx_highest;
  int64_t rx_next_fb_us;
  uint8_t rx_fb_count;
  fb_msg fbq[64];
  size_t fbq_head, fbq_tail;
  /* sender */
  bwe_estimator e;
  bwe_history h;
  twcc_ref_unwrapper unwrap;
  double demand_bps, budget_bits;
  bwe_probe probe;
  bool probing;
  int64_t probe_start_us;
  int probe_sent;
  uint64_t sent_bits_window;
} sim;

static uint32_t rng_next(uint32_t *s) {
  *s ^= *s << 13;
  *s ^= *s >> 17;
  *s ^= *s << 5;
  return *s;
}

static void sim_init(sim *s, uint32_t start_bps, double cap_bps, double loss, uint32_t seed) {
  memset(s, 0, sizeof *s);
  s->cap_bps = cap_bps;
  s->prop_us = 25000;
  s->queue_limit_bytes = 60000;
  s->loss = loss;
  s->rng = seed;
  for (size_t i = 0; i < 65536; i++) s->rx_arrival[i] = -1;
  s->rx_next_fb_us = 100000;
  bwe_config cfg = {.start_bps = start_bps};
  bwe_estimator_init(&s->e, &cfg, 0);
  bwe_history_init(&s->h, 40000);
  s->rx_next_report = 40000;
  s->demand_bps = 2500000;
  bwe_estimator_set_wanted(&s->e, 2500000);
}

static void send_packet(sim *s, int64_t now, int probe_id) {
  uint16_t seq = bwe_history_add(&s->h, now, PKT_BYTES, probe_id);
  s->sent_bits_window += PKT_BYTES * 8;
  if (s->loss > 0 && (rng_next(&s->rng) % 10000) < s->loss * 10000) return; /* lost on the way */
  int64_t start = now > s->link_free_us ? now : s->link_free_us;
  double queued_bytes = (double)(start - now) * s->cap_bps / 8e6;
  if (queued_bytes > s->queue_limit_bytes) return; /* drop tail */
  int64_t depart = start + (int64_t)(PKT_BYTES * 8 * 1e6 / s->cap_bps);
  s->link_free_us = depart;
  assert_true(s->fl_tail - s->fl_head < MAX_FLIGHT);
  s->fl[s->fl_tail++ % MAX_FLIGHT] = (flight){seq, depart + s->prop_us};
}

static void receiver_tick(sim *s, int64_t now) {
  while (s->fl_head < s->fl_tail && s->fl[s->fl_head % MAX_FLIGHT].arrival_us <= now) {
    flight f = s->fl[s->fl_head++ % MAX_FLIGHT];
    s->rx_arrival[f.seq] = f.arrival_us + RX_CLOCK_OFFSET_US;
    if (!s->rx_any || seq16_newer(f.seq, s->rx_highest)) s->rx_highest = f.seq;
    s->rx_any = true;
  }
  if (now < s->rx_next_fb_us) return;
  s->rx_next_fb_us += 100000;
  if (!s->rx_any || seq16_newer(s->rx_next_report, s->rx_highest)) return;
  static twcc_packet pk[65536];
  size_t n = 0;
  int64_t first_rx = -1;
  for (uint16_t q = s->rx_next_report;; q++) {
    pk[n].seq = q;
    pk[n].received = s->rx_arrival[q] >= 0;
    pk[n].arrival_us = s->rx_arrival[q];
    if (pk[n].received && first_rx < 0) first_rx = pk[n].arrival_us;
    s->rx_arrival[q] = -1;
    n++;
    if (q == s->rx_highest) break;
  }
  s->rx_next_report = (uint16_t)(s->rx_highest + 1);
  uint32_t ref = (uint32_t)(first_rx / 64000) & 0xFFFFFF;
  /* Arrival times relative to the 24-bit reference (the receiver's clock wraps there too). */
  int64_t base = (first_rx / 64000 - ref) * 64000;
  for (size_t i = 0; i < n; i++)
    if (pk[i].received) pk[i].arrival_us -= base;
  fb_msg *m = &s->fbq[s->fbq_tail++ % 64];
  assert_true(s->fbq_tail - s->fbq_head <= 64);
  m->len = twcc_build(m->bytes, sizeof m->bytes, 1, 2, ref, s->rx_fb_count++, pk, n);
  assert_true(m->len > 0);
  m->deliver_us = now + s->prop_us;
}

static void sender_tick(sim *s, int64_t now) {
  while (s->fbq_head < s->fbq_tail && s->fbq[s->fbq_head % 64].deliver_us <= now) {
    fb_msg *m = &s->fbq[s->fbq_head++ % 64];
    rtcp_iter it;
    rtcp_header hd;
    twcc_feedback fb;
    static twcc_packet pk[65536];
    static bwe_packet bp[65536];
    rtcp_iter_init(&it, m->bytes, (size_t)m->len);
    assert_int_equal(rtcp_iter_next(&it, &hd), 1);
    int n = twcc_parse(&hd, &fb, pk, 65536);
    assert_true(n > 0);
    int64_t off = twcc_ref_unwrap(&s->unwrap, fb.ref_time);
    size_t k = bwe_history_resolve(&s->h, pk, (size_t)n, off, bp, 65536);
    bwe_estimator_on_feedback(&s->e, bp, k, now);
  }
  bwe_probe p;
  if (!s->probing && bwe_estimator_probe(&s->e, now, &p)) {
    s->probe = p;
    s->probing = true;
    s->probe_start_us = now;
    s->probe_sent = 0;
  }
  double rate = s->e.target_bps < s->demand_bps ? s->e.target_bps : s->demand_bps;
  if (s->probing) rate = s->probe.rate_bps;
  s->budget_bits += rate / 1000.0;
  if (s->budget_bits > 2 * PKT_BYTES * 8) s->budget_bits = 2 * PKT_BYTES * 8;
  while (s->budget_bits >= PKT_BYTES * 8) {
    s->budget_bits -= PKT_BYTES * 8;
    send_packet(s, now, s->probing ? s->probe.id : 0);
    if (s->probing) s->probe_sent++;
  }
  if (s->probing && s->probe_sent >= s->probe.min_packets && now - s->probe_start_us >= s->probe.duration_us)
    s->probing = false;
}

static void sim_step(sim *s, int64_t now) {
  receiver_tick(s, now);
  sender_tick(s, now);
}

static sim *new_sim(void) {
  sim *s = malloc(sizeof *s);
  assert_non_null(s);
  return s;
}

/* Runs the bottleneck scenario; returns a hash of the estimate every 10 ms and the figures. */
static uint64_t run_bottleneck(int64_t queue_bytes, double *fall_s, double *recover_s,
                               double *mean_capped_kbps, uint32_t *min_bps) {
  sim *s = new_sim();
  sim_init(s, 2500000, 500000, 0, 1);
  s->queue_limit_bytes = queue_bytes;
  uint64_t hash = 1469598103934665603ULL;
  *fall_s = *recover_s = -1;
  double sum = 0;
  int nsum = 0;
  *min_bps = UINT32_MAX;
  const int64_t lift_us = 20000000;
  for (int64_t t = 0; t <= 40000000; t += 1000) {
    if (t == lift_us) s->cap_bps = 5000000;
    sim_step(s, t);
    uint32_t est = s->e.target_bps;
    if (t % 10000 == 0) hash = (hash ^ est) * 1099511628211ULL;
    if (*fall_s < 0 && est < 500000) *fall_s = (double)t / 1e6;
    if (t >= 5000000 && t < lift_us) {
      sum += est;
      nsum++;
      if (est < *min_bps) *min_bps = est;
    }
    if (t >= lift_us && *recover_s < 0 && est >= 2500000) *recover_s = (double)(t - lift_us) / 1e6;
  }
  *mean_capped_kbps = sum / nsum / 1000;
  free(s);
  return hash;
}

static void test_bottleneck_fall_and_recover(void **state) {
  (void)state;
  double fall, recover, mean;
  uint32_t min_bps;
  uint64_t h1 = run_bottleneck(60000, &fall, &recover, &mean, &min_bps);
  printf(
      "bwe: 500 kbit/s bottleneck (60 kB drop-tail queue) from 2.5 Mbit/s: below 500 kbit/s after %.3f s; "
      "mean estimate 5-20 s "
      "%.0f kbit/s (min %u); limit lifted to 5 Mbit/s: back to 2.5 Mbit/s after %.3f s\n",
      fall, mean, min_bps / 1000, recover);
  assert_true(fall >= 0 && fall <= 2.0);
  assert_true(recover >= 0 && recover <= 15.0);
  /* While capped the estimate tracks the link: neither far above it nor collapsed. */
  assert_true(mean >= 250 && mean <= 550);
  assert_true(min_bps >= 150000);
  /* Deterministic: the same run gives the same trajectory. */
  double f2, r2, m2;
  uint32_t mn2;
  assert_true(run_bottleneck(60000, &f2, &r2, &m2, &mn2) == h1);
  assert_true(f2 == fall && r2 == recover);
}

/* A deep buffer that never drops: only the delay trend can see the congestion. */
static void test_bottleneck_deep_buffer(void **state) {
  (void)state;
  double fall, recover, mean;
  uint32_t min_bps;
  (void)run_bottleneck(100000000, &fall, &recover, &mean, &min_bps);
  printf(
      "bwe: 500 kbit/s bottleneck (lossless deep buffer) from 2.5 Mbit/s: below 500 kbit/s after %.3f s; "
      "mean estimate 5-20 s %.0f kbit/s (min %u); limit lifted to 5 Mbit/s: back to 2.5 Mbit/s after %.3f "
      "s\n",
      fall, mean, min_bps / 1000, recover);
  assert_true(fall >= 0 && fall <= 2.0);
  assert_true(recover >= 0 && recover <= 15.0);
  assert_true(mean >= 250 && mean <= 550);
}

/* The estimator and the layer allocator together, as a subscriber of three 720p cameras (with
 * their audio) on a link that is limited to 800 kbit/s, then to 150 kbit/s, then lifted: the
 * server sends what the allocation costs (plus probes). Lower layers within 5 s at 800 kbit/s
 * with video still flowing; at 150 kbit/s video pauses and audio stays; after the lift every
 * camera is back on its top layer within 15 s (the browser test, in miniature). */
static void test_with_allocator(void **state) {
  (void)state;
  sim *s = new_sim();
  sim_init(s, 1000000, 10000000, 0, 3);
  la_track tr[6];
  for (int i = 0; i < 3; i++) {
    la_track a = {.id = (uint32_t)(1 + i), .kind = LA_AUDIO};
    a.bitrate[0][0] = 40000;
    la_track v = {.id = (uint32_t)(11 + i), .kind = LA_VIDEO, .tile_height = 720};
    static const uint32_t br[3] = {150000, 500000, 1500000};
    for (int k = 0; k < 3; k++) {
      v.bitrate[k][0] = br[k];
      v.height[k] = (uint16_t)(180 << k);
    }
    tr[2 * i] = a;
    tr[2 * i + 1] = v;
  }
  bwe_estimator_set_wanted(&s->e, 3 * 40000 + 3 * 1500000);
  layer_alloc la;
  layer_alloc_init(&la);
  la_decision d[6];
  double first_top = -1, low_at = -1, paused_at = -1, top_at = -1;
  for (int64_t t = 0; t <= 75000000; t += 1000) {
    if (t == 15000000) s->cap_bps = 800000;
    if (t == 35000000) s->cap_bps = 150000;
    if (t == 55000000) s->cap_bps = 10000000;
    if (t % 100000 == 0) {
      assert_int_equal(layer_alloc_run(&la, s->e.target_bps, tr, 6, t, d), 0);
      s->demand_bps = (double)la.cost_bps;
      bool all_low = true, all_paused = true, all_top = true, audio_on = true;
      for (int i = 0; i < 3; i++) {
        const la_decision *v = &d[2 * i + 1];
        all_low = all_low && v->spatial >= 0 && v->spatial <= 1;
        all_paused = all_paused && v->spatial < 0;
        all_top = all_top && v->spatial == 2;
        audio_on = audio_on && d[2 * i].spatial == 0;
      }
      assert_true(audio_on);
      if (t < 15000000 && first_top < 0 && all_top) first_top = (double)t / 1e6;
      if (t >= 15000000 && t < 35000000 && low_at < 0 && all_low) low_at = (double)(t - 15000000) / 1e6;
      if (t >= 20000000 && t < 35000000) assert_true(all_low); /* lower layers, never paused */
      if (t >= 35000000 && t < 55000000 && paused_at < 0 && all_paused)
        paused_at = (double)(t - 35000000) / 1e6;
      if (t >= 55000000 && top_at < 0 && all_top) top_at = (double)(t - 55000000) / 1e6;
    }
    sim_step(s, t);
  }
  printf(
      "bwe: 3 cameras to one viewer: unlimited, all on the top layer at %.1f s; limited to 800 kbit/s, all "
      "on "
      "lower layers after %.1f s; at 150 kbit/s video paused after %.1f s (audio on); limit lifted, all on "
      "the "
      "top layer after %.1f s\n",
      first_top, low_at, paused_at, top_at);
  assert_true(first_top >= 0);
  assert_true(low_at >= 0 && low_at <= 5.0);
  assert_true(paused_at >= 0 && paused_at <= 10.0);
  assert_true(top_at >= 0 && top_at <= 15.0);
  free(s);
}

/* Everything paused (the viewer's link fell to 150 kbit/s): the only packets that carry
 * transport-wide numbers are the probes (audio is not numbered). The estimator must keep probing
 * from there, however its delay detector last judged the link, and climb back on probes alone when
 * the limit lifts (browser_bandwidth_adapt: video did not resume within 15 s, the estimator's
 * last verdict, overuse, never changed for want of feedback). */
static void test_recovers_on_probes_alone(void **state) {
  (void)state;
  sim *s = new_sim();
  sim_init(s, 1000000, 150000, 0, 5);
  s->queue_limit_bytes = 20000; /* tbf at 150 kbit/s with 1 s of queue: delay builds */
  int64_t t = 0;
  /* Paused while the delay detector says overuse (its last verdict, as no feedback follows),
   * once the estimate has come down. */
  for (; t < 8000000 && !(t > 1000000 && s->e.target_bps < 400000 && s->e.usage == BWE_OVERUSING); t += 1000)
    sim_step(s, t);
  assert_int_equal(s->e.usage, BWE_OVERUSING);
  s->demand_bps = 0; /* video paused: nothing numbered but probes */
  int64_t lift = t + 2000000;
  for (; t < lift; t += 1000) sim_step(s, t);
  s->cap_bps = 10000000;
  double up_at = -1;
  for (; t < lift + 15000000 && up_at < 0; t += 1000) {
    sim_step(s, t);
    if (s->e.target_bps >= 1000000) up_at = (double)(t - lift) / 1e6;
  }
  printf("bwe: paused at 150 kbit/s (only probes numbered), limit lifted: 1 Mbit/s after %.1f s\n", up_at);
  assert_true(up_at >= 0 && up_at <= 10.0);
  free(s);
}

/* A probe cluster goes out over its duration, with media between its packets. Reported after
 * the first tick's burst (5 packets sent and, through a token bucket's burst, received within
 * 1 ms) and a media packet sent right after, it is not judged yet: judged then, it measured
 * some Mbit/s (browser_bandwidth_adapt: 5.8 Mbit/s on an 800 kbit/s link, every camera to
 * 720p, then freezes). */
static void test_probe_judged_after_its_end(void **state) {
  (void)state;
  bwe_estimator e;
  bwe_config cfg = {.start_bps = 300000};
  bwe_estimator_init(&e, &cfg, 0);
  bwe_estimator_set_wanted(&e, 3000000);
  bwe_packet p[8];
  int64_t t = 1000000, rx = 5000000;
  /* some media first, so the estimator has feedback */
  for (int i = 0; i < 8; i++) p[i] = (bwe_packet){t + i * 10000, 1200, true, rx + i * 10000 + 30000, 0};
  bwe_estimator_on_feedback(&e, p, 8, t + 150000);
  t += 1000000;
  bwe_probe pr;
  assert_true(bwe_estimator_probe(&e, t, &pr));
  uint32_t before = e.target_bps;
  for (int i = 0; i < 5; i++) p[i] = (bwe_packet){t + i * 100, 290, true, rx + 1000000 + i * 100, pr.id};
  p[5] = (bwe_packet){t + 1000, 1200, true, rx + 1001000, 0};
  bwe_estimator_on_feedback(&e, p, 6, t + 60000);
  assert_true(e.target_bps <= before * 2);
  printf("bwe: a probe's first burst reported with media after it: target %u -> %u bit/s (not judged)\n",
         before, e.target_bps);
}

static void test_random_loss_does_not_collapse(void **state) {
  (void)state;
  sim *s = new_sim();
  sim_init(s, 1000000, 50000000, 0.05, 7);
  uint32_t min_after_start = UINT32_MAX;
  for (int64_t t = 0; t <= 20000000; t += 1000) {
    sim_step(s, t);
    if (t >= 1000000 && s->e.target_bps < min_after_start) min_after_start = s->e.target_bps;
  }
  printf(
      "bwe: 5%% random loss, no bottleneck, start 1 Mbit/s: minimum %u kbit/s, after 20 s %u kbit/s "
      "(loss measured %.3f)\n",
      min_after_start / 1000, s->e.target_bps / 1000, s->e.loss_fraction);
  assert_true(min_after_start >= 800000);
  assert_true(s->e.target_bps >= 1000000);
  free(s);
}

static void test_heavy_loss_decreases(void **state) {
  (void)state;
  sim *s = new_sim();
  sim_init(s, 2000000, 50000000, 0.30, 9);
  for (int64_t t = 0; t <= 5000000; t += 1000) sim_step(s, t);
  printf("bwe: 30%% random loss from 2 Mbit/s: %u kbit/s after 5 s\n", s->e.target_bps / 1000);
  assert_true(s->e.target_bps < 1000000);
  assert_true(s->e.target_bps >= 30000);
  free(s);
}

static void test_remb_fallback_and_cap(void **state) {
  (void)state;
  bwe_estimator e;
  bwe_config cfg = {.start_bps = 1000000};
  bwe_estimator_init(&e, &cfg, 0);
  assert_int_equal(e.target_bps, 1000000);
  bwe_estimator_on_remb(&e, 800000, 1000);
  assert_int_equal(e.target_bps, 800000); /* no transport-cc: REMB is the estimate */
  bwe_estimator_on_remb(&e, 3000000, 2000);
  assert_int_equal(e.target_bps, 3000000);
  bwe_estimator_on_remb(&e, 1, 3000);
  assert_int_equal(e.target_bps, 30000); /* bounded below */
  bwe_estimator_on_remb(&e, UINT64_MAX, 4000);
  assert_int_equal(e.target_bps, 20000000); /* and above */

  /* With transport-cc feedback, a lower REMB caps the estimate; a higher one does not lift it. */
  bwe_estimator_init(&e, &cfg, 0);
  bwe_packet p[40];
  for (int i = 0; i < 40; i++)
    p[i] = (bwe_packet){.send_us = i * 5000, .size = 1200, .received = true, .arrival_us = 50000 + i * 5000};
  bwe_estimator_on_feedback(&e, p, 40, 250000);
  uint32_t before = e.target_bps;
  bwe_estimator_on_remb(&e, 600000, 260000);
  assert_int_equal(e.target_bps, 600000);
  bwe_estimator_on_remb(&e, 9000000, 270000);
  assert_int_equal(e.target_bps, before);
  /* A cap that is not renewed expires after 5 s while transport-cc feedback keeps coming. */
  bwe_estimator_on_remb(&e, 600000, 280000);
  assert_int_equal(e.target_bps, 600000);
  for (int k = 1; k <= 60; k++) {
    for (int i = 0; i < 40; i++) {
      p[i].send_us = 250000 + k * 100000 + i * 2500;
      p[i].arrival_us = p[i].send_us + 50000;
    }
    bwe_estimator_on_feedback(&e, p, 40, 250000 + k * 100000 + 150000);
    if (k * 100000 + 120000 < 5000000) assert_true(e.target_bps <= 600000);
  }
  assert_true(e.target_bps > 600000);
}

static void test_absurd_feedback_stays_bounded(void **state) {
  (void)state;
  bwe_estimator e;
  bwe_config cfg = {.start_bps = 1000000, .min_bps = 50000, .max_bps = 5000000};
  bwe_estimator_init(&e, &cfg, 0);
  uint32_t r = 99;
  static bwe_packet p[500];
  int64_t now = 0;
  for (int iter = 0; iter < 2000; iter++) {
    size_t n = rng_next(&r) % 500;
    for (size_t i = 0; i < n; i++) {
      uint32_t k = rng_next(&r);
      p[i].send_us = (k % 7 == 0) ? -(int64_t)rng_next(&r) * 1000 : now + (int64_t)(rng_next(&r) % 200000);
      p[i].size = rng_next(&r);
      p[i].received = k % 3 != 0;
      int64_t a = (int64_t)rng_next(&r) * ((k % 5 == 0) ? 1000000 : 1);
      p[i].arrival_us = (k % 11 == 0) ? INT64_MAX / 4 : (k % 13 == 0) ? -a : a;
      p[i].probe_id = (int)(k % 4);
    }
    now += rng_next(&r) % 200000;
    bwe_estimator_on_feedback(&e, p, n, now);
    bwe_probe pr;
    (void)bwe_estimator_probe(&e, now, &pr);
    if (iter % 50 == 0) bwe_estimator_set_wanted(&e, rng_next(&r));
    assert_true(e.target_bps >= 50000 && e.target_bps <= 5000000);
  }
  /* Nothing but losses: the loss-based limit brings it to the floor. */
  bwe_estimator_init(&e, &cfg, 0);
  for (int i = 0; i < 100; i++) p[i] = (bwe_packet){.send_us = i, .size = 1200, .received = false};
  for (int k = 1; k <= 100; k++) bwe_estimator_on_feedback(&e, p, 100, k * 100000);
  assert_int_equal(e.target_bps, 50000);
  /* Empty feedback changes nothing. */
  bwe_estimator_on_feedback(&e, p, 0, 20000000);
  assert_int_equal(e.target_bps, 50000);
}

static void test_history_resolve(void **state) {
  (void)state;
  static bwe_history h;
  bwe_history_init(&h, 65534);
  assert_int_equal(bwe_history_add(&h, 1000, 1200, 0), 65534);
  assert_int_equal(bwe_history_add(&h, 2000, 100000, 3), 65535);
  assert_int_equal(bwe_history_add(&h, 3000, 300, 0), 0);
  twcc_packet fb[4] = {{65534, true, 5000}, {65535, false, 0}, {0, true, 7000}, {1, true, 8000}};
  bwe_packet out[4];
  assert_int_equal(bwe_history_resolve(&h, fb, 4, 100, out, 4), 3);
  assert_int_equal(h.unknown, 1); /* seq 1 was never sent */
  assert_int_equal(out[0].send_us, 1000);
  assert_int_equal(out[0].arrival_us, 5100);
  assert_false(out[1].received);
  assert_int_equal(out[1].size, 65535);
  assert_int_equal(out[1].probe_id, 3);
  assert_int_equal(out[2].size, 300);
  /* Reported again: received ones are not counted twice; the lost one now arrived. */
  fb[1].received = true;
  fb[1].arrival_us = 6000;
  assert_int_equal(bwe_history_resolve(&h, fb, 3, 0, out, 4), 1);
  assert_int_equal(out[0].send_us, 2000);
  /* Overwritten after BWE_HISTORY_SIZE newer packets. */
  for (int i = 0; i < BWE_HISTORY_SIZE; i++) (void)bwe_history_add(&h, 9000 + i, 1000, 0);
  twcc_packet old = {0, true, 1};
  assert_int_equal(bwe_history_resolve(&h, &old, 1, 0, out, 4), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bottleneck_fall_and_recover),
      cmocka_unit_test(test_bottleneck_deep_buffer),
      cmocka_unit_test(test_with_allocator),
      cmocka_unit_test(test_recovers_on_probes_alone),
      cmocka_unit_test(test_probe_judged_after_its_end),
      cmocka_unit_test(test_random_loss_does_not_collapse),
      cmocka_unit_test(test_heavy_loss_decreases),
      cmocka_unit_test(test_remb_fallback_and_cap),
      cmocka_unit_test(test_absurd_feedback_stays_bounded),
      cmocka_unit_test(test_history_resolve),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
