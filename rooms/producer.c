/* producer: one incoming track of a publisher, with one encoding or, for rid simulcast, up to
 * three (each its own SSRC, bound from the RID extension of its first packets). Per encoding it
 * keeps receive statistics (for receiver reports), a retransmission buffer (video), the
 * publisher's losses (to NACK upstream) and its bitrate; per track its audio level (for the
 * active speaker). It hands each packet to its consumers, which pick an encoding. Keyframe
 * requests to the publisher are throttled per encoding to one per second unless a new
 * subscriber needs one (then at most one per 300 ms). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/rtc/rtcp.h"
#include "gateway/rtc/rtp.h"
#include "gateway/rtc/vp8.h"
#include "rooms/sfu.h"

#define PLI_INTERVAL_MS 1000
#define PLI_FORCED_INTERVAL_MS 300
#define RTX_SLOTS 1024

producer *producer_by_id(sfu *s, uint32_t id) {
  for (producer *p = s->producers_by_id[id % SFU_BUCKETS]; p; p = p->next_by_id)
    if (p->id == id) return p;
  return NULL;
}

producer *producer_new(sfu *s, transport *t, const media_cmd *cmd) {
  if (producer_by_id(s, cmd->producer_id)) return NULL;
  producer *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  p->id = cmd->producer_id;
  p->owner = t;
  p->kind = cmd->u.producer.kind;
  p->codec = cmd->u.producer.codec;
  p->pt = cmd->u.producer.pt;
  p->rtx_pt = cmd->u.producer.rtx_pt;
  p->clock = cmd->u.producer.clock ? cmd->u.producer.clock : 90000;
  memcpy(p->ext, cmd->u.producer.ext, sizeof p->ext);
  p->paused = cmd->u.producer.paused;
  p->screen = cmd->u.producer.screen;
  p->user_id = cmd->u.producer.user_id;
  p->level = 127;
  snprintf(p->mid, sizeof p->mid, "%s", cmd->u.producer.mid);
  p->simulcast = p->kind == MEDIA_VIDEO && cmd->u.producer.n_rids > 0 && p->ext[MEDIA_EXT_RID];
  p->n_enc = p->simulcast
                 ? (uint8_t)(cmd->u.producer.n_rids > MEDIA_MAX_ENC ? MEDIA_MAX_ENC : cmd->u.producer.n_rids)
                 : 1;
  if (!p->simulcast) {
    p->enc[0].ssrc = cmd->u.producer.ssrc;
    p->enc[0].rtx_ssrc = cmd->u.producer.rtx_ssrc;
  }
  for (int e = 0; e < p->n_enc; e++) {
    producer_enc *pe = &p->enc[e];
    if (p->simulcast) snprintf(pe->rid, sizeof pe->rid, "%s", cmd->u.producer.rids[e]);
    nack_tracker_init(&pe->nack);
    if (p->kind == MEDIA_VIDEO && !(pe->rtx = rtx_buffer_new(RTX_SLOTS))) {
      for (int k = 0; k < e; k++) rtx_buffer_free(p->enc[k].rtx);
      free(p);
      return NULL;
    }
  }
  p->next = t->producers;
  t->producers = p;
  p->next_by_id = s->producers_by_id[p->id % SFU_BUCKETS];
  s->producers_by_id[p->id % SFU_BUCKETS] = p;
  atomic_fetch_add_explicit(&s->counters->producers, 1, memory_order_relaxed);
  recorder_producer_added(s, p);
  return p;
}

void producer_free(sfu *s, producer *p) {
  recorder_producer_removed(s, p);
  for (consumer *c = p->consumers; c; c = c->next_of_producer) c->producer = NULL;
  for (producer **pp = &p->owner->producers; *pp; pp = &(*pp)->next)
    if (*pp == p) {
      *pp = p->next;
      break;
    }
  for (producer **pp = &s->producers_by_id[p->id % SFU_BUCKETS]; *pp; pp = &(*pp)->next_by_id)
    if (*pp == p) {
      *pp = p->next_by_id;
      break;
    }
  for (int e = 0; e < p->n_enc; e++) rtx_buffer_free(p->enc[e].rtx);
  atomic_fetch_sub_explicit(&s->counters->producers, 1, memory_order_relaxed);
  free(p);
}

static bool ext_equals(const rtp_packet *rp, uint8_t id, const char *want) {
  const uint8_t *v;
  size_t n;
  if (!id || rtp_ext_find(rp, id, &v, &n) != 0) return false;
  /* RFC 8852: the value is the rid, possibly followed by NUL padding. */
  while (n > 0 && v[n - 1] == 0) n--;
  return n == strlen(want) && memcmp(v, want, n) == 0;
}

producer *producer_for_ssrc(transport *t, uint32_t ssrc, const uint8_t *pkt, size_t len, int *enc,
                            bool *is_rtx) {
  for (producer *p = t->producers; p; p = p->next)
    for (int e = 0; e < p->n_enc; e++) {
      if (p->enc[e].ssrc && p->enc[e].ssrc == ssrc) {
        *enc = e;
        *is_rtx = false;
        return p;
      }
      if (p->enc[e].rtx_ssrc && p->enc[e].rtx_ssrc == ssrc) {
        *enc = e;
        *is_rtx = true;
        return p;
      }
    }
  rtp_packet rp;
  if (!pkt || !ssrc || rtp_parse(pkt, len, &rp) != 0 || !rp.ext) return NULL;
  /* An unknown SSRC: a simulcast encoding's first packets name their rid (RTX ones the
   * repaired rid) and, when negotiated, their m-section's mid. A bound SSRC stays bound: Chrome
   * stops sending the RID extension after a while. */
  for (producer *p = t->producers; p; p = p->next) {
    if (!p->simulcast) continue;
    bool rtx = p->rtx_pt && rp.pt == p->rtx_pt;
    if (!rtx && rp.pt != p->pt) continue;
    if (p->ext[MEDIA_EXT_MID] && p->mid[0]) {
      const uint8_t *v;
      size_t n;
      if (rtp_ext_find(&rp, p->ext[MEDIA_EXT_MID], &v, &n) == 0 &&
          !ext_equals(&rp, p->ext[MEDIA_EXT_MID], p->mid))
        continue;
    }
    for (int e = 0; e < p->n_enc; e++) {
      producer_enc *pe = &p->enc[e];
      if (!ext_equals(&rp, p->ext[rtx ? MEDIA_EXT_RRID : MEDIA_EXT_RID], pe->rid)) continue;
      /* The rid names an encoding already bound to another SSRC: the publisher replaced it
       * (e.g. a renegotiation); the newest wins. */
      if (rtx)
        pe->rtx_ssrc = ssrc;
      else {
        pe->ssrc = ssrc;
        pe->seq_started = false;
      }
      *enc = e;
      *is_rtx = rtx;
      return p;
    }
  }
  return NULL;
}

static void update_stats(producer_enc *p, uint32_t clock, const uint8_t *pkt, size_t len, uint64_t now_ms) {
  uint16_t seq = rtp_get_seq(pkt);
  p->packets++;
  p->bytes += len;
  if (!p->seq_started) {
    p->seq_started = true;
    p->max_seq = seq;
    p->base_seq = seq;
  } else if (rtp_seq_newer(seq, p->max_seq)) {
    if (seq < p->max_seq) p->cycles += 65536;
    p->max_seq = seq;
  }
  /* RFC 3550 A.8 interarrival jitter, in timestamp units. */
  uint32_t arrival = (uint32_t)(now_ms * (clock / 1000));
  uint32_t transit = arrival - rtp_get_ts(pkt);
  if (p->last_transit) {
    int32_t d = (int32_t)(transit - p->last_transit);
    if (d < 0) d = -d;
    p->jitter += ((double)d - p->jitter) / 16.0;
  }
  p->last_transit = transit;
}

static bool is_keyframe(const producer *p, const rtp_packet *rp) {
  if (p->kind != MEDIA_VIDEO) return false;
  if (p->codec == MEDIA_CODEC_VP8) return rtp_vp8_is_keyframe(rp->payload, rp->payload_len);
  if (p->codec == MEDIA_CODEC_H264) return rtp_h264_is_keyframe(rp->payload, rp->payload_len);
  return false;
}

/* VP8: the bytes of each temporal layer (the allocator prices them) and the size of key
 * frames (RFC 6386 9.1: after the 3-byte frame tag, the start code 9d 01 2a, then 14-bit
 * width and height, little-endian, with 2 bits of scaling each). */
static void vp8_account(producer_enc *pe, const uint8_t *payload, size_t plen, size_t len) {
  vp8_desc d;
  if (vp8_desc_parse(payload, plen, &d) < 0) return;
  if (d.has_tid) pe->has_tid = true;
  pe->tid_bytes[d.has_tid ? d.tid & 3 : 0] += len;
  const uint8_t *f = payload + d.header_len;
  size_t fl = plen - d.header_len;
  if (d.keyframe && fl >= 10 && f[3] == 0x9d && f[4] == 0x01 && f[5] == 0x2a) {
    uint16_t w = (uint16_t)((f[6] | f[7] << 8) & 0x3fff), h = (uint16_t)((f[8] | f[9] << 8) & 0x3fff);
    if (w && h) {
      pe->width = w;
      pe->height = h;
    }
  }
}

void producer_on_rtp(sfu *s, producer *p, int enc, uint8_t *pkt, size_t len, bool is_rtx) {
  rtp_packet rp;
  if (rtp_parse(pkt, len, &rp) != 0) {
    atomic_fetch_add_explicit(&s->counters->dropped[DROP_MALFORMED], 1, memory_order_relaxed);
    return;
  }
  producer_enc *pe = &p->enc[enc];
  pe->last_packet_ms = s->now_ms;
  pe->rate_bytes += len;
  if (!is_rtx) update_stats(pe, p->clock, pkt, len, s->now_ms);
  /* NACK is negotiated for video only (the answers offer no rtcp-fb for audio). */
  if (p->kind == MEDIA_VIDEO) nack_tracker_on_packet(&pe->nack, rp.seq, is_rtx, s->now_ms);
  /* A packet the buffer holds already (a retransmission answering a NACK its original
   * outran, or a copy) is not forwarded again: the subscriber's SRTP drops the second copy as
   * a replay before its transport-cc feedback sees it, so each one read as a lost packet to the
   * estimator (10-25 % of the video "lost" on an unlimited link while the browser's own
   * counters saw no loss, browser_bandwidth_adapt), and it took the link's bytes for nothing. */
  size_t held;
  if (pe->rtx && rtx_buffer_get(pe->rtx, rp.seq, &held, s->now_ms)) {
    atomic_fetch_add_explicit(&s->counters->dropped[DROP_DUPLICATE], 1, memory_order_relaxed);
    return;
  }
  if (pe->rtx) rtx_buffer_put(pe->rtx, pkt, len, rp.seq, s->now_ms);
  if (p->codec == MEDIA_CODEC_VP8 && !is_rtx) vp8_account(pe, pkt + rp.header_len, rp.payload_len, len);
  if (p->kind == MEDIA_AUDIO && p->ext[1]) {
    bool voice = false;
    int level = rtp_audio_level(&rp, p->ext[1], &voice);
    if (level >= 0) {
      p->level += ((double)level - p->level) * 0.2;
      if (voice || level < 50) p->last_voice_ms = s->now_ms;
    }
  }
  if (p->paused) return;
  bool key = is_keyframe(p, &rp);
  if (key) pe->keyframe_requested = false;
  if (p->rec) recorder_on_rtp(s, p, enc, &rp, key);
  s->hot.rtp_forwarded += fanout_forward(s, p->consumers, enc, &rp, key);
}

void producer_on_sr(sfu *s, producer *p, int enc, uint64_t ntp, uint32_t rtp_ts) {
  producer_enc *pe = &p->enc[enc];
  pe->sr_ntp_mid = (uint32_t)(ntp >> 16);
  pe->sr_arrival_ms = s->now_ms;
  pe->sr_ntp = ntp;
  pe->sr_rtp_ts = rtp_ts;
  pe->sr_arrival_us = sfu_now_us(s);
  if (p->rec) recorder_on_sr(s, p, enc);
}

static void request_keyframe(sfu *s, producer *p, producer_enc *pe, bool force) {
  if (!pe->ssrc) return; /* a simulcast encoding not bound yet */
  uint64_t gap = force ? PLI_FORCED_INTERVAL_MS : PLI_INTERVAL_MS;
  if (pe->last_pli_ms && s->now_ms - pe->last_pli_ms < gap) return;
  pe->last_pli_ms = s->now_ms;
  pe->keyframe_requested = true;
  uint8_t buf[64];
  int n = rtcp_build_pli(buf, sizeof buf, s->server_ssrc, pe->ssrc);
  if (n > 0) {
    transport_send_rtcp(s, p->owner, buf, (size_t)n);
    atomic_fetch_add_explicit(&s->counters->plis_sent, 1, memory_order_relaxed);
  }
}

void producer_request_keyframe(sfu *s, producer *p, int enc, bool force) {
  if (p->kind != MEDIA_VIDEO || !p->owner->connected) return;
  for (int e = 0; e < p->n_enc; e++)
    if (enc < 0 || e == enc) request_keyframe(s, p, &p->enc[e], force);
}

static size_t build_rr(producer_enc *p, uint64_t now_ms, uint8_t *out, size_t cap, uint32_t sender) {
  rtcp_report_block b;
  memset(&b, 0, sizeof b);
  b.ssrc = p->ssrc;
  uint32_t ext_max = p->cycles + p->max_seq;
  uint32_t expected = ext_max - p->base_seq + 1;
  uint32_t exp_int = expected - p->expected_prior;
  uint32_t rec_int = (uint32_t)p->packets - p->received_prior;
  p->expected_prior = expected;
  p->received_prior = (uint32_t)p->packets;
  int32_t lost_int = (int32_t)(exp_int - rec_int);
  b.fraction_lost = (exp_int == 0 || lost_int <= 0) ? 0 : (uint8_t)(((uint32_t)lost_int << 8) / exp_int);
  int64_t cum = (int64_t)expected - (int64_t)p->packets;
  b.cumulative_lost = cum > 0x7fffff ? 0x7fffff : (cum < -0x800000 ? -0x800000 : (int32_t)cum);
  b.highest_seq = ext_max;
  b.jitter = (uint32_t)p->jitter;
  if (p->sr_arrival_ms) {
    b.lsr = p->sr_ntp_mid;
    b.dlsr = (uint32_t)((now_ms - p->sr_arrival_ms) * 65536 / 1000);
  }
  int n = rtcp_build_rr(out, cap, sender, &b, 1);
  return n > 0 ? (size_t)n : 0;
}

static void enc_tick(sfu *s, producer *p, producer_enc *pe) {
  uint8_t buf[1200];
  uint16_t seqs[128];
  size_t n = pe->ssrc ? nack_tracker_due(&pe->nack, s->now_ms, 50, seqs, 128) : 0;
  if (n) {
    int len = rtcp_build_nack(buf, sizeof buf, s->server_ssrc, pe->ssrc, seqs, n);
    if (len > 0) {
      transport_send_rtcp(s, p->owner, buf, (size_t)len);
      atomic_fetch_add_explicit(&s->counters->nacks_sent, 1, memory_order_relaxed);
      atomic_fetch_add_explicit(&s->counters->nacked_seqs, n, memory_order_relaxed);
    }
  }
  if (p->kind == MEDIA_VIDEO && nack_tracker_wants_keyframe(&pe->nack)) request_keyframe(s, p, pe, false);
  /* A subscriber still waits for a keyframe: ask again (throttled). */
  if (p->kind == MEDIA_VIDEO && pe->keyframe_requested) request_keyframe(s, p, pe, false);
}

void producer_tick(sfu *s, producer *p, bool second) {
  if (!p->owner->connected) return;
  for (int e = 0; e < p->n_enc; e++) enc_tick(s, p, &p->enc[e]);
  if (!second) return;
  uint8_t buf[1200];
  size_t len = 0;
  for (int e = 0; e < p->n_enc; e++) {
    producer_enc *pe = &p->enc[e];
    pe->bitrate_bps = (uint32_t)(pe->rate_bytes * 8);
    pe->rate_bytes = 0;
    for (int t = 0; t < 4; t++) {
      pe->tid_bps[t] = (uint32_t)(pe->tid_bytes[t] * 8);
      pe->tid_bytes[t] = 0;
    }
    if (!pe->seq_started) continue;
    len += build_rr(pe, s->now_ms, buf + len, sizeof buf - len, s->server_ssrc);
  }
  if (len) transport_send_rtcp(s, p->owner, buf, len);
  if (!s->adaptation)
    for (consumer *c = p->consumers; c; c = c->next_of_producer) consumer_choose_encoding(s, c);
}
