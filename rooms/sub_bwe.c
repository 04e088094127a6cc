/* The estimate side of sub_bwe (see sub_bwe.h): stamping sent packets and folding the
 * subscriber's feedback into the estimator. The allocation side, which needs the transport's
 * consumers, is rooms/layer_control.c. */
#include "rooms/sub_bwe.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/log.h"
#include "gateway/rtc/rtp.h"

#define FEEDBACK_CAP 1024 /* packets taken from one feedback message (Chrome reports ~100 ms) */

const uint32_t sub_bwe_bucket_bounds_kbps[SUB_BWE_EST_NBUCKETS] = {150,  300,  500,  800,
                                                                   1500, 3000, 6000, UINT32_MAX};

sub_bwe *sub_bwe_new(uint8_t twcc_id, int64_t now_us) {
  sub_bwe *b = calloc(1, sizeof *b);
  if (!b) return NULL;
  b->twcc_id = twcc_id <= 14 ? twcc_id : 0; /* the one-byte form Moa's offers use */
  bwe_history_init(&b->hist, (uint16_t)rand());
  bwe_config cfg = {.start_bps = SUB_BWE_START_BPS};
  bwe_estimator_init(&b->est, &cfg, now_us);
  layer_alloc_init(&b->alloc);
  b->dirty = true;
  b->trace_fd = -1;
  return b;
}

void sub_bwe_free(sub_bwe *b) {
  if (!b) return;
  pacer_free(&b->pacer);
  free(b);
}

size_t sub_bwe_stamp(sub_bwe *b, uint8_t *buf, size_t len, size_t cap, int64_t now_us, int probe_id) {
  if (!b->twcc_id) return len;
  /* Written first, remembered only once written: a packet that cannot take the extension is
   * sent without it and the estimator never hears of it. */
  int n = twcc_ext_write(buf, len, cap, b->twcc_id, b->hist.next_seq);
  if (n < 0) return len;
  bwe_history_add(&b->hist, now_us, (size_t)n, probe_id);
  return (size_t)n;
}

/* MOA_BWE_TRACE: the feedback as the estimator takes it, one line per packet (sub_bwe.h), written
 * with one write() per feedback so the lines of several workers appending to one file never mix.
 * A feedback too large for the buffer is cut at a line's end; a failed write is not retried. */
static void write_trace(const sub_bwe *b, const bwe_packet *p, size_t n, int64_t now_us) {
  static _Thread_local char buf[65536];
  size_t len = 0;
  for (size_t i = 0; i < n; i++) {
    int w = snprintf(buf + len, sizeof buf - len, "%u %lld %lld %lld %u %d %d\n", b->transport_id,
                     (long long)now_us, (long long)p[i].send_us,
                     p[i].received ? (long long)p[i].arrival_us : -1LL, p[i].size, p[i].received ? 1 : 0,
                     p[i].probe_id);
    if (w < 0 || (size_t)w >= sizeof buf - len) break;
    len += (size_t)w;
  }
  if (len) (void)!write(b->trace_fd, buf, len);
}

/* --log-level debug: a cut of a quarter or more, with what the feedback that caused it held
 * (packets, received, bytes received, the spans of send and arrival times, the longest gap
 * between arrivals), so a fall can be read without a packet capture. */
static void log_cut(const sub_bwe *b, uint32_t before, const bwe_packet *p, size_t n) {
  const bwe_estimator *e = &b->est;
  size_t rx = 0;
  uint64_t bytes = 0;
  int64_t s0 = INT64_MAX, s1 = INT64_MIN, a0 = INT64_MAX, a1 = INT64_MIN, prev_a = INT64_MIN, gap = 0;
  for (size_t i = 0; i < n; i++) {
    if (p[i].send_us < s0) s0 = p[i].send_us;
    if (p[i].send_us > s1) s1 = p[i].send_us;
    if (!p[i].received) continue;
    rx++;
    bytes += p[i].size;
    if (p[i].arrival_us < a0) a0 = p[i].arrival_us;
    if (p[i].arrival_us > a1) a1 = p[i].arrival_us;
    if (prev_a != INT64_MIN && p[i].arrival_us - prev_a > gap) gap = p[i].arrival_us - prev_a;
    prev_a = p[i].arrival_us;
  }
  log_debug(
      "bwe cut: transport %u: %u -> %u bit/s (delay %u loss %u acked %u); usage %d trend %.1f threshold %.1f "
      "loss %.3f rtt %lld ms; feedback %zu packets, %zu received, %llu bytes, sent over %lld ms, "
      "arrived over %lld ms, longest arrival gap %lld ms",
      b->transport_id, before, e->target_bps, e->delay_bps, e->loss_bps, e->acked_bps, (int)e->usage,
      e->trend, e->threshold, e->loss_fraction, (long long)(e->rtt_us / 1000), n, rx,
      (unsigned long long)bytes, n ? (long long)((s1 - s0) / 1000) : 0LL,
      rx ? (long long)((a1 - a0) / 1000) : 0LL, (long long)(gap / 1000));
}

int sub_bwe_on_twcc(sub_bwe *b, const rtcp_header *h, int64_t now_us) {
  static _Thread_local twcc_packet fb_pkts[FEEDBACK_CAP];
  static _Thread_local bwe_packet joined[FEEDBACK_CAP];
  twcc_feedback fb;
  if (twcc_parse(h, &fb, fb_pkts, FEEDBACK_CAP) < 0) return -1;
  int64_t off = twcc_ref_unwrap(&b->unwrap, fb.ref_time);
  size_t n = bwe_history_resolve(&b->hist, fb_pkts, fb.n, off, joined, FEEDBACK_CAP);
  uint32_t before = b->est.target_bps;
  if (b->trace_fd >= 0) write_trace(b, joined, n, now_us);
  bwe_estimator_on_feedback(&b->est, joined, n, now_us);
  if (b->est.target_bps < before) b->constrained = true;
  if ((uint64_t)b->est.target_bps * 4 < (uint64_t)before * 3 && log_get_level() == LOG_LEVEL_DEBUG)
    log_cut(b, before, joined, n);
  if (now_us - b->logged_us >= 1000000) { /* --log-level debug: the estimator's state, each second */
    const bwe_estimator *e = &b->est;
    b->logged_us = now_us;
    log_debug(
        "bwe: transport %u: target %u delay %u loss %u remb %u acked %u wanted %u bit/s; loss %.3f, usage "
        "%d, rtt %lld ms, "
        "probes %llu/%llu, queued %u",
        b->transport_id, e->target_bps, e->delay_bps, e->loss_bps, e->remb_bps, e->acked_bps, e->wanted_bps,
        e->loss_fraction, (int)e->usage, (long long)(e->rtt_us / 1000),
        (unsigned long long)e->probes_succeeded, (unsigned long long)e->probes_started, b->pacer.count);
  }
  /* Drop fast: a cut of a quarter or more reallocates at the next tick, not 100 ms later. */
  if ((uint64_t)b->est.target_bps * 4 < (uint64_t)before * 3) b->dirty = true;
  return 0;
}

void sub_bwe_on_remb(sub_bwe *b, uint64_t bps, int64_t now_us) {
  uint32_t before = b->est.target_bps;
  bwe_estimator_on_remb(&b->est, bps, now_us);
  if (b->est.target_bps < before) b->constrained = true;
  if ((uint64_t)b->est.target_bps * 4 < (uint64_t)before * 3) b->dirty = true;
}

uint64_t sub_bwe_backlog_us(const sub_bwe *b) {
  if (!b->pacer.rate_bps) return 0;
  return b->pacer.bytes * 8u * 1000000u / b->pacer.rate_bps;
}

uint64_t sub_bwe_pushback(const sub_bwe *b, uint64_t estimate) {
  if (sub_bwe_backlog_us(b) <= SUB_BWE_PUSHBACK_QUEUE_US) return estimate;
  uint64_t push = b->pacer.bytes * 8u; /* drained within a second */
  return push < estimate / 2 ? estimate - push : estimate / 2;
}

bool sub_bwe_rtx_allow(sub_bwe *b, size_t len, int64_t now_us) {
  if (sub_bwe_backlog_us(b) > SUB_BWE_RTX_MAX_QUEUE_US) return false;
  int64_t rate = (int64_t)(b->est.target_bps / 16); /* half the estimate, in bytes per second */
  int64_t cap = rate * SUB_BWE_RTX_BURST_US / 1000000;
  if (cap < 1500) cap = 1500;
  if (!b->rtx_started || now_us < b->rtx_last_us) { /* the first NACK, or a clock that went back */
    b->rtx_started = true;
    b->rtx_tokens = cap;
  } else {
    int64_t dt = now_us - b->rtx_last_us;
    if (dt > SUB_BWE_RTX_BURST_US) dt = SUB_BWE_RTX_BURST_US;
    b->rtx_tokens += rate * dt / 1000000;
    if (b->rtx_tokens > cap) b->rtx_tokens = cap;
  }
  b->rtx_last_us = now_us;
  if (b->rtx_tokens <= 0) return false; /* the last packet allowed may take it below zero */
  b->rtx_tokens -= (int64_t)len;
  return true;
}

int sub_bwe_bucket(uint64_t bps) {
  uint64_t kbps = bps / 1000;
  for (int i = 0; i < SUB_BWE_EST_NBUCKETS - 1; i++)
    if (kbps <= sub_bwe_bucket_bounds_kbps[i]) return i;
  return SUB_BWE_EST_NBUCKETS - 1;
}
