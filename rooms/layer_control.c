/* layer_control: the allocation side of a subscriber's bandwidth adaptation (sub_bwe.h). Every
 * SUB_BWE_ALLOC_US, or at the next tick after a change, it describes the transport's consumers
 * to the allocator (rooms/layer_alloc.h) as la_tracks:
 *
 *  - kind: audio, camera, or screen share (the publisher's track source);
 *  - pinned (the viewer's media.view) and active speaker (the router's loudest audio);
 *  - bitrate[s][t]: what encoding s with temporal layers 0..t carried over the last second
 *    (per VP8 TID when the stream has them), or a nominal figure for an encoding that flows but
 *    has no full second yet; 0 for an encoding that sent nothing for a second, or a muted track;
 *  - height[s]: the newest key frame's height, else 720 / 360 / 180 for f / h / q;
 *  - tile_height: the viewer's tile (0: hidden); full size until the first media.view.
 * and applies the decisions: the consumer's target encoding and temporal layer (vp8_rewriter and
 * the key-frame switch in consumer.c do the rest), or a pause (consumer_forward sends nothing;
 * resuming waits for a key frame and continues the numbering). A change is posted to signaling
 * as ME_CONSUMER_LAYER and counted. While the estimate is short of what the tracks could use,
 * the estimator's probe clusters go out as RTX padding-only packets, paced over the ticks.
 * A room whose adaptation is off allocates with a practically unlimited estimate (the tile
 * size still applies). */
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "gateway/rtc/rtp.h"
#include "gateway/rtc/srtp.h"
#include "rooms/sfu_int.h"

#define NOMINAL_AUDIO_BPS 40000u
#define VIEW_UNKNOWN_HEIGHT 100000u /* no media.view yet: as tall as any layer */
#define PROBE_PAD 255               /* padding bytes per probe packet (the most RTP allows) */
#define PROBE_MAX_PER_TICK 64
#define PROBE_MARGIN 1.1 /* probing goes this far beyond what the allocator needs */

static bool flowing(const sfu *s, const producer_enc *pe) {
  return pe->ssrc && pe->last_packet_ms && s->now_ms - pe->last_packet_ms < 1000;
}

/* A figure for an encoding before its first full second: the web app's caps (q/h/f). */
static uint32_t nominal_bps(const producer *p, int e) {
  if (p->kind == MEDIA_AUDIO) return NOMINAL_AUDIO_BPS;
  if (!p->simulcast) return 1500000u;
  static const uint32_t from_top[3] = {1500000u, 500000u, 150000u};
  int k = p->n_enc - 1 - e;
  return from_top[k < 0 ? 0 : (k > 2 ? 2 : k)];
}

static uint16_t enc_height(const producer *p, int e) {
  const producer_enc *pe = &p->enc[e];
  if (pe->height) return pe->height;
  if (!p->simulcast) return 0;
  return (uint16_t)(720u >> (p->n_enc - 1 - e));
}

static uint32_t enc_cost(const sfu *s, const producer *p, int e) {
  const producer_enc *pe = &p->enc[e];
  return flowing(s, pe) && pe->bitrate_bps ? pe->bitrate_bps : nominal_bps(p, e);
}

static uint32_t tile_height(const consumer *c) { return c->has_view ? c->view_height : VIEW_UNKNOWN_HEIGHT; }

static void fill_track(const sfu *s, const consumer *c, const producer *speaker, la_track *x) {
  const producer *p = c->producer;
  memset(x, 0, sizeof *x);
  x->id = c->id;
  if (p->kind == MEDIA_AUDIO) {
    x->kind = LA_AUDIO;
    x->bitrate[0][0] = p->enc[0].bitrate_bps ? p->enc[0].bitrate_bps : NOMINAL_AUDIO_BPS;
    return;
  }
  x->kind = p->screen ? LA_SCREEN : LA_VIDEO;
  x->pinned = c->pinned;
  x->speaker = speaker && speaker->owner == p->owner && !p->screen;
  x->tile_height = tile_height(c);
  for (int e = 0; e < p->n_enc && e < LA_MAX_SPATIAL; e++) {
    const producer_enc *pe = &p->enc[e];
    x->height[e] = enc_height(p, e);
    if (p->paused || !flowing(s, pe)) continue;
    if (p->simulcast && pe->has_tid && pe->tid_bps[0]) {
      uint64_t cum = 0;
      for (int t = 0; t < 4 && t < LA_MAX_TEMPORAL; t++) {
        if (t > 0 && !pe->tid_bps[t]) break;
        cum += pe->tid_bps[t];
        x->bitrate[e][t] = cum > UINT32_MAX ? UINT32_MAX : (uint32_t)cum;
      }
    } else {
      x->bitrate[e][0] = pe->bitrate_bps ? pe->bitrate_bps : nominal_bps(p, e);
    }
  }
}

/* The encoding the viewer would take were every encoding sent: the tile's, lowered until its
 * cost fits the estimate; -1 for a hidden tile. The publisher's REMB follows the highest
 * wish of its viewers (publisher_remb.c). */
static int8_t wanted_enc(const sfu *s, const consumer *c, uint64_t estimate) {
  const producer *p = c->producer;
  if (p->kind != MEDIA_VIDEO) return 0;
  uint32_t tile = tile_height(c);
  if (tile == 0) return -1;
  int top = p->n_enc - 1;
  for (int e = 0; e < p->n_enc; e++) {
    uint16_t h = enc_height(p, e);
    if (h && h >= tile) {
      top = e;
      break;
    }
  }
  while (top > 0 && enc_cost(s, p, top) > estimate) top--;
  return (int8_t)top;
}

#define REPORT_ESTIMATE_US 1000000

static void post_layer(sfu *s, transport *t, consumer *c, const la_decision *d, uint64_t estimate) {
  media_event ev = {.type = ME_CONSUMER_LAYER,
                    .worker = s->index,
                    .room_id = t->router->room_id,
                    .transport_id = t->id,
                    .producer_id = c->producer->id,
                    .consumer_id = c->id};
  ev.layer.spatial = d->spatial;
  ev.layer.temporal = d->temporal;
  ev.layer.reason = (uint8_t)d->reason;
  ev.layer.estimate_bps = estimate > UINT32_MAX ? 0 : (uint32_t)estimate;
  log_debug("layer: transport %u consumer %u: encoding %d temporal %d reason %d, estimate %u bit/s", t->id,
            c->id, d->spatial, d->temporal, (int)d->reason, ev.layer.estimate_bps);
  if (s->events && mailbox_post(s->events, &ev) != 0)
    log_warn("media: event mailbox full, layer event dropped");
}

static void apply(sfu *s, transport *t, consumer *c, const la_decision *d, uint64_t estimate) {
  producer *p = c->producer;
  if (c->kind != MEDIA_VIDEO) return; /* audio is never paused */
  sfu_counters *k = s->counters;
  /* A publisher that sends nothing (yet, or for a moment) is no reason to pause: there is
   * nothing to forward anyway, and a pause would make its first packets wait for a resume. */
  bool pause = d->spatial < 0 && d->reason != LA_REASON_UNAVAILABLE;
  if (pause && !c->alloc_paused) {
    c->alloc_paused = true;
    atomic_fetch_add_explicit(&k->layer_paused, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&k->paused_video, 1, memory_order_relaxed);
  } else if (!pause && c->alloc_paused) {
    /* Resume on a key frame, numbering continued from the last packet sent. */
    c->alloc_paused = false;
    c->rebase_pending = c->packets > 0; /* a consumer that never sent starts fresh */
    if (p->simulcast) {
      vp8_rewriter_restart(&c->vp8);
      c->cur_enc = -1;
    } else {
      c->waiting_keyframe = true;
    }
    atomic_fetch_add_explicit(&k->layer_resumed, 1, memory_order_relaxed);
    atomic_fetch_sub_explicit(&k->paused_video, 1, memory_order_relaxed);
  }
  if (!pause && d->spatial >= 0) {
    int8_t s_new = p->simulcast ? d->spatial : 0;
    if (c->rep_spatial >= 0 && c->rep_reason >= 0) {
      int before = c->rep_spatial * 4 + c->rep_temporal, after = s_new * 4 + d->temporal;
      if (after > before) atomic_fetch_add_explicit(&k->layer_up, 1, memory_order_relaxed);
      if (after < before) atomic_fetch_add_explicit(&k->layer_down, 1, memory_order_relaxed);
    }
    bool enc_changed = s_new != c->target_enc;
    c->target_enc = s_new;
    c->target_tid = (uint8_t)(d->temporal < 0 ? 0 : d->temporal);
    if (p->simulcast && (enc_changed || c->cur_enc < 0)) producer_request_keyframe(s, p, s_new, false);
    if (!p->simulcast && c->waiting_keyframe) producer_request_keyframe(s, p, -1, true);
  }
  /* Reported when the decision changes, and at most every REPORT_ESTIMATE_US while the estimate
   * has moved by a tenth since the last report (room.stats shows a live figure, not the one of
   * the last switch). */
  int64_t now = sfu_now_us(s);
  uint32_t est = estimate > UINT32_MAX ? 0 : (uint32_t)estimate;
  bool changed =
      d->spatial != c->rep_spatial || d->temporal != c->rep_temporal || (int)d->reason != c->rep_reason;
  bool moved = (uint64_t)est * 10 > (uint64_t)c->rep_estimate * 11 ||
               (uint64_t)est * 10 < (uint64_t)c->rep_estimate * 9;
  if (changed || (moved && now - c->rep_at_us >= REPORT_ESTIMATE_US)) {
    c->rep_spatial = d->spatial;
    c->rep_temporal = d->temporal;
    c->rep_reason = (int8_t)d->reason;
    c->rep_estimate = est;
    c->rep_at_us = now;
    post_layer(s, t, c, d, estimate);
  }
}

/* What every track's lowest layer takes together (audio included): the estimate at which the
 * allocator pauses nothing for bandwidth. */
static uint64_t lowest_layers(const la_track *tracks, size_t n) {
  uint64_t sum = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t low = 0;
    for (int sp = 0; sp < LA_MAX_SPATIAL && !low; sp++)
      for (int tl = 0; tl < LA_MAX_TEMPORAL && !low; tl++) low = tracks[i].bitrate[sp][tl];
    sum += low;
  }
  return sum;
}

static void allocate(sfu *s, transport *t, sub_bwe *b, int64_t now) {
  la_track tracks[LA_MAX_TRACKS];
  la_decision out[LA_MAX_TRACKS];
  consumer *cs[LA_MAX_TRACKS];
  size_t n = 0;
  router *r = t->router;
  producer *speaker = r->active_speaker ? producer_by_id(s, r->active_speaker) : NULL;
  bool adapt = !r->no_adapt;
  uint64_t estimate = adapt ? b->est.target_bps : SUB_BWE_NO_ADAPT_BPS;
  uint64_t wanted = 0;
  for (consumer *c = t->consumers; c && n < LA_MAX_TRACKS; c = c->next) {
    if (!c->producer) continue;
    fill_track(s, c, speaker, &tracks[n]);
    c->want_enc = wanted_enc(s, c, estimate);
    /* What this track could use: its tile's encoding (sent now or not: the publisher sends
     * what its viewers want, so the probe must look past what flows). */
    if (c->producer->kind == MEDIA_AUDIO) {
      wanted += tracks[n].bitrate[0][0];
    } else if (c->want_enc >= 0 && !c->producer->paused) {
      wanted += enc_cost(s, c->producer, wanted_enc(s, c, SUB_BWE_NO_ADAPT_BPS));
    }
    cs[n++] = c;
  }
  if (adapt && !b->constrained && wanted > estimate) estimate = wanted; /* see sub_bwe.constrained */
  if (adapt) { /* a backlog lowers the layers, but pauses no more video than the estimate does */
    uint64_t floor = lowest_layers(tracks, n), pushed = sub_bwe_pushback(b, estimate);
    estimate = pushed >= floor ? pushed : floor < estimate ? floor : estimate;
  }
  if (layer_alloc_run(&b->alloc, estimate, tracks, n, now, out) != 0) return; /* ids are unique */
  b->alloc_estimate = (uint32_t)(estimate > UINT32_MAX ? UINT32_MAX : estimate);
  /* Probing may go up to what lets the allocator raise everything: the want plus the headroom
   * it keeps on a rise (without it the estimate stopped at the want, and the last camera never
   * got its top layer back after a limit lifted), plus PROBE_MARGIN: the layers' bitrates move
   * from one second to the next, and an estimate that stopped exactly at the want was short of
   * it half the time (Chromium: the estimate held at 2.36 Mbit/s for 12 s, two cameras on 360p). */
  uint64_t probe_to = (uint64_t)((double)wanted * LA_UP_HEADROOM * PROBE_MARGIN);
  bwe_estimator_set_wanted(&b->est, adapt ? (uint32_t)(probe_to > UINT32_MAX ? UINT32_MAX : probe_to) : 0);
  for (size_t i = 0; i < n; i++) apply(s, t, cs[i], &out[i], adapt ? estimate : 0);
  if (adapt && n) {
    sfu_counters *k = s->counters;
    atomic_fetch_add_explicit(&k->est_bucket[sub_bwe_bucket(estimate)], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&k->est_count, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&k->est_sum_kbps, estimate / 1000, memory_order_relaxed);
  }
}

/* One RTX padding-only packet (RFC 4588 allows them; RFC 3550 padding, 255 bytes) on
 * consumer c's retransmission stream, tagged with the probe cluster. */
static size_t send_padding(sfu *s, transport *t, consumer *c, int probe_id) {
  uint8_t *out = udp_next_buf(s->udp);
  memset(out, 0, 12 + PROBE_PAD);
  out[0] = 0x80 | 0x20; /* V=2, P */
  rtp_set_pt(out, c->rtx_pt);
  rtp_set_seq(out, c->rtx_seq++);
  rtp_set_ts(out, c->last_rtp_ts);
  rtp_set_ssrc(out, c->rtx_ssrc);
  out[12 + PROBE_PAD - 1] = PROBE_PAD;
  return transport_emit_rtp(s, t, out, 12 + PROBE_PAD, probe_id);
}

static void probe_tick(sfu *s, transport *t, sub_bwe *b, int64_t now) {
  if (!b->probing) {
    bwe_probe pr;
    /* Not into a backlog: the pacer's queue is media the link has not taken yet, and a
     * cluster on top of it overflowed the link's queue (browser_bandwidth_adapt). A few
     * packets queued (a key frame being paced out) are no backlog: holding every probe for
     * them kept an estimate the loss-based limit had pulled down from recovering for
     * seconds after a limit lifted. */
    if (t->router->no_adapt || sub_bwe_backlog_us(b) > SUB_BWE_PROBE_MAX_QUEUE_US ||
        !bwe_estimator_probe(&b->est, now, &pr))
      return;
    b->probing = true;
    b->probe = pr;
    b->probe_start_us = now;
    b->probe_bytes = 0;
    b->probe_packets = 0;
    atomic_fetch_add_explicit(&s->counters->probes_sent, 1, memory_order_relaxed);
  }
  consumer *carrier = NULL; /* a video stream with RTX that has started */
  for (consumer *c = t->consumers; c && !carrier; c = c->next)
    if (c->kind == MEDIA_VIDEO && c->rtx_ssrc && c->rtx_pt && c->packets) carrier = c;
  if (!carrier || !t->srtp || !t->has_addr) { /* nothing to probe with: the estimator times it out */
    b->probing = false;
    return;
  }
  /* Paced over the ticks: what the rate allows up to the next tick, the cluster's minimum at its end. */
  int64_t upto = now - b->probe_start_us + 20000;
  bool last = upto >= b->probe.duration_us;
  if (last) upto = b->probe.duration_us;
  uint64_t due = (uint64_t)b->probe.rate_bps * (uint64_t)upto / 8000000u;
  for (int i = 0;
       i < PROBE_MAX_PER_TICK && (b->probe_bytes < due || (last && b->probe_packets < b->probe.min_packets));
       i++) {
    size_t len = send_padding(s, t, carrier, b->probe.id);
    if (!len) break;
    b->probe_bytes += len;
    b->probe_packets++;
  }
  if (last) b->probing = false;
}

void sub_bwe_tick(sfu *s, transport *t) {
  sub_bwe *b = t->bwe;
  if (!b || !t->connected || !s->adaptation) return;
  int64_t now = sfu_now_us(s);
  if (b->dirty || now >= b->next_alloc_us) {
    b->dirty = false;
    b->next_alloc_us = now + SUB_BWE_ALLOC_US;
    allocate(s, t, b, now);
  }
  probe_tick(s, t, b, now);
}

void sub_bwe_consumers_changed(transport *t) {
  if (t->bwe) t->bwe->dirty = true;
}
