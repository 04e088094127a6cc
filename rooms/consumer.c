/* consumer: one outgoing copy of a producer for one subscriber. It rewrites SSRC, sequence
 * number, timestamp and payload type into the subscriber's numbering (seq_rewriter), maps the
 * header extension ids the subscriber negotiated and blanks the others, starts on a keyframe,
 * follows one encoding of a simulcast producer (starting at the first key frame of any encoding,
 * switching only at a key frame of the new one, VP8 PictureID / TL0PICIDX kept continuous by
 * vp8_rewriter),
 * answers the subscriber's NACKs from the producer's retransmission buffer (as RTX when
 * negotiated; one it cannot answer asks the publisher for a key frame), and sends sender reports
 * so the browser's statistics and lip sync are right. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "base/bytes.h"
#include "base/log.h"
#include "gateway/rtc/rtcp.h"
#include "gateway/rtc/rtp.h"
#include "gateway/rtc/srtp.h"
#include "rooms/sfu_int.h"

consumer *consumer_by_id(sfu *s, uint32_t id) {
  for (consumer *c = s->consumers_by_id[id % SFU_BUCKETS]; c; c = c->next_by_id)
    if (c->id == id) return c;
  return NULL;
}

consumer *consumer_new(sfu *s, transport *t, const media_cmd *cmd) {
  producer *p = producer_by_id(s, cmd->producer_id);
  if (!p || consumer_by_id(s, cmd->consumer_id)) return NULL;
  consumer *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  c->id = cmd->consumer_id;
  c->owner = t;
  c->producer = p;
  c->kind = cmd->u.consumer.kind;
  c->ssrc = cmd->u.consumer.ssrc;
  c->rtx_ssrc = cmd->u.consumer.rtx_ssrc;
  c->pt = cmd->u.consumer.pt;
  c->rtx_pt = cmd->u.consumer.rtx_pt;
  /* Only the audio level travels on (the subscriber shows who speaks); mid, abs-send-time and
   * transport-cc describe the publisher's leg and are blanked. */
  if (p->ext[1] && p->ext[1] < 15 && cmd->u.consumer.ext[1] && cmd->u.consumer.ext[1] < 15)
    c->ext_map[p->ext[1]] = cmd->u.consumer.ext[1];
  seq_rewriter_init(&c->rw, (uint16_t)(rand() & 0x7fff), (uint32_t)rand());
  c->waiting_keyframe = c->kind == MEDIA_VIDEO && !p->simulcast; /* simulcast: vp8_rewriter waits */
  c->target_enc = p->n_enc - 1;
  c->cur_enc = p->simulcast ? -1 : 0;
  c->target_tid = 3;
  c->want_enc = (int8_t)(p->n_enc - 1);
  c->rep_spatial = c->rep_temporal = -2;
  c->rep_reason = -1;
  if (!t->bwe) {
    if (!(t->bwe = sub_bwe_new(cmd->u.consumer.ext[MEDIA_EXT_TWCC], sfu_now_us(s)))) {
      free(c);
      return NULL;
    }
    t->bwe->transport_id = t->id;
    t->bwe->trace_fd = s->bwe_trace_fd;
  }
  vp8_rewriter_init(&c->vp8);
  c->rtx_seq = (uint16_t)(rand() & 0x7fff);
  c->next_of_producer = p->consumers;
  p->consumers = c;
  c->next = t->consumers;
  t->consumers = c;
  c->next_by_id = s->consumers_by_id[c->id % SFU_BUCKETS];
  s->consumers_by_id[c->id % SFU_BUCKETS] = c;
  atomic_fetch_add_explicit(&s->counters->consumers, 1, memory_order_relaxed);
  consumer_choose_encoding(s, c); /* a late joiner starts on what flows now, not on f */
  sub_bwe_consumers_changed(t);
  /* A key frame is asked for once the subscriber can receive it: at once on a connected
   * transport, else when it connects (transport.c); one asked now would arrive unseen and
   * throttle the one that counts. */
  if (c->kind == MEDIA_VIDEO && t->connected) consumer_request_start(s, c);
  return c;
}

void consumer_free(sfu *s, consumer *c) {
  if (c->producer) { /* still attached: its producer is alive and lists it */
    bool listed = false;
    for (consumer **pp = &c->producer->consumers; *pp; pp = &(*pp)->next_of_producer)
      if (*pp == c) {
        *pp = c->next_of_producer;
        listed = true;
        break;
      }
    assert(listed);
    (void)listed;
  }
  for (consumer **pp = &c->owner->consumers; *pp; pp = &(*pp)->next)
    if (*pp == c) {
      *pp = c->next;
      break;
    }
  for (consumer **pp = &s->consumers_by_id[c->id % SFU_BUCKETS]; *pp; pp = &(*pp)->next_by_id)
    if (*pp == c) {
      *pp = c->next_by_id;
      break;
    }
  atomic_fetch_sub_explicit(&s->counters->consumers, 1, memory_order_relaxed);
  if (c->alloc_paused) atomic_fetch_sub_explicit(&s->counters->paused_video, 1, memory_order_relaxed);
  sub_bwe_consumers_changed(c->owner);
  free(c);
}

/* Maps or blanks (padding bytes) each header extension element, in place. */
static void remap_extensions(const consumer *c, uint8_t *pkt, size_t len) {
  if (!(pkt[0] & 0x10)) return;
  size_t off = 12 + 4 * (size_t)(pkt[0] & 0x0f);
  if (off + 4 > len) return;
  uint16_t profile = be16_read(pkt + off);
  size_t p = off + 4, end = p + 4 * (size_t)be16_read(pkt + off + 2);
  if (end > len) return;
  if (profile == 0xBEDE) {
    while (p < end) {
      uint8_t b = pkt[p];
      if (b == 0) {
        p++;
        continue;
      }
      uint8_t id = b >> 4;
      size_t l = (size_t)(b & 0x0f) + 1;
      if (id == 15 || p + 1 + l > end) break;
      if (c->ext_map[id])
        pkt[p] = (uint8_t)(c->ext_map[id] << 4 | (b & 0x0f));
      else
        memset(pkt + p, 0, 1 + l);
      p += 1 + l;
    }
  } else if ((profile & 0xfff0) == 0x1000) {
    while (p < end) {
      uint8_t id = pkt[p];
      if (id == 0) {
        p++;
        continue;
      }
      if (p + 2 > end || p + 2 + pkt[p + 1] > end) break;
      size_t l = pkt[p + 1];
      uint8_t nid = id < 16 ? c->ext_map[id] : 0;
      if (nid)
        pkt[p] = nid;
      else
        memset(pkt + p, 0, 2 + l);
      p += 2 + l;
    }
  }
}

/* Simulcast: whether the packet (already copied to out) of encoding enc is forwarded. VP8 goes
 * through the rewriter (switch at the target's key frame, temporal filter, PictureID
 * continuity); other codecs switch at a key frame of the target and forward one encoding.
 * On a switch the sequence numbers and timestamps continue from the last ones sent. */
static bool simulcast_pass(sfu *s, consumer *c, int enc, uint8_t *out, const rtp_packet *rp,
                           bool is_keyframe) {
  producer *p = c->producer;
  uint32_t ssrc = p->enc[enc].ssrc;
  int before = c->cur_enc;
  bool pass;
  if (p->codec == MEDIA_CODEC_VP8) {
    uint32_t target = p->enc[c->target_enc].ssrc;
    /* Nothing forwarded yet: start at the first key frame of any encoding, and move to the
     * target at its own key frame later (a late joiner sees video at once even when the
     * publisher's upper encodings stall and their key frames come late). */
    if (!c->vp8.started && is_keyframe) target = ssrc;
    if (target) {
      /* Down to a lower encoding: until its key frame, the upper one's base layer alone. */
      vp8_rewriter_set_waiting_tid(&c->vp8, c->cur_enc >= 0 && c->target_enc < c->cur_enc ? 0 : 3);
      vp8_rewriter_set_target(&c->vp8, target, c->target_tid);
      c->vp8_target_ssrc = target;
    }
    bool was_started = c->vp8.started;
    uint32_t old = c->vp8.ssrc;
    pass = vp8_rewriter_process(&c->vp8, ssrc, out + rp->header_len, rp->payload_len) == VP8_RW_FORWARD;
    if (pass && (!was_started || old != ssrc)) c->cur_enc = enc;
    /* A picture of the forwarded source dropped for its temporal layer: its sequence number
     * must not leave a hole the subscriber would NACK. */
    if (!pass && was_started && ssrc == c->vp8.ssrc) seq_rewriter_skip(&c->rw, rp->seq);
  } else {
    if (enc != c->cur_enc && (enc == c->target_enc || c->cur_enc < 0) && is_keyframe) c->cur_enc = enc;
    pass = enc == c->cur_enc;
  }
  if (pass && before >= 0 && before != c->cur_enc) {
    /* The media time that passed since the last packet sent, at 90 kHz (at least one tick). */
    uint64_t gap_ms = s->now_ms > c->last_rtp_ms ? s->now_ms - c->last_rtp_ms : 1;
    seq_rewriter_rebase(&c->rw, (uint32_t)(gap_ms * 90));
    c->switches++;
  }
  if (c->cur_enc < 0 || (c->target_enc != c->cur_enc && enc == c->target_enc))
    producer_request_keyframe(s, p, c->cur_enc < 0 ? enc : c->target_enc, true);
  return pass;
}

/* A viewer that has not started yet is asked a key frame of every encoding (the first to
 * arrive starts it, see simulcast_pass); one that has, of its target. */
void consumer_request_start(sfu *s, consumer *c) {
  producer *p = c->producer;
  if (!p || c->kind != MEDIA_VIDEO) return;
  producer_request_keyframe(s, p, p->simulcast && c->cur_enc >= 0 ? c->target_enc : -1, true);
}

/* Before the first allocation, and every second without adaptation: the highest encoding that
 * flows. */
void consumer_choose_encoding(sfu *s, consumer *c) {
  producer *p = c->producer;
  if (!p || !p->simulcast) return;
  /* The highest encoding that carries media now: Chrome stops sending a layer its
   * bandwidth or the capture size does not allow, and a viewer must not wait on it. */
  int best = -1;
  for (int e = 0; e < p->n_enc; e++)
    if (p->enc[e].ssrc && p->enc[e].last_packet_ms && s->now_ms - p->enc[e].last_packet_ms < 1000) best = e;
  if (best >= 0) c->target_enc = best;
}

bool consumer_forward(sfu *s, consumer *c, int enc, const rtp_packet *rp, bool is_keyframe) {
  const uint8_t *pkt = rp->data;
  size_t len = rp->len;
  transport *t = c->owner;
  if (!t->connected || !t->has_addr || t->closing) return false;
  if (c->alloc_paused) return false; /* the allocator paused this video (bandwidth, hidden tile) */
  if (c->waiting_keyframe) {
    if (!is_keyframe) {
      producer_request_keyframe(s, c->producer, -1, true);
      return false;
    }
    c->waiting_keyframe = false;
  }
  uint8_t *out = udp_next_buf(s->udp);
  memcpy(out, pkt, len);
  if (c->producer->simulcast && !simulcast_pass(s, c, enc, out, rp, is_keyframe)) return false;
  if (c->rebase_pending) { /* resumed after a pause: continue from the last packet sent */
    uint64_t gap_ms = s->now_ms > c->last_rtp_ms ? s->now_ms - c->last_rtp_ms : 1;
    seq_rewriter_rebase(&c->rw, (uint32_t)(gap_ms * (c->producer->clock / 1000)));
    c->rebase_pending = false;
  }
  uint16_t oseq;
  uint32_t ots;
  if (!seq_rewriter_map(&c->rw, rp->seq, rp->ts, &oseq, &ots)) return false;
  rtp_set_ssrc(out, c->ssrc);
  rtp_set_seq(out, oseq);
  rtp_set_ts(out, ots);
  rtp_set_pt(out, c->pt);
  remap_extensions(c, out, len);
  c->packets++;
  c->bytes += len;
  c->last_rtp_ts = ots;
  c->last_rtp_ms = s->now_ms;
  transport_send_rtp(s, c->owner, out, len, c->kind == MEDIA_VIDEO);
  return true;
}

void consumer_on_nack(sfu *s, consumer *c, const uint16_t *seqs, size_t n) {
  producer *p = c->producer;
  atomic_fetch_add_explicit(&s->counters->nacks_received, 1, memory_order_relaxed);
  if (!p || c->cur_enc < 0 || !c->owner->connected || !c->owner->has_addr) return;
  rtx_buffer *rtx = p->enc[c->cur_enc].rtx;
  if (!rtx) return;
  unsigned unmapped = 0, gone = 0, over = 0, refused = 0, sent = 0;
  for (size_t i = 0; i < n; i++) {
    uint16_t in_seq;
    size_t len;
    const uint8_t *orig;
    if (!seq_rewriter_unmap(&c->rw, seqs[i], &in_seq)) {
      unmapped++;
      continue;
    }
    if (!(orig = rtx_buffer_get(rtx, in_seq, &len, s->now_ms))) {
      gone++;
      continue;
    }
    if (c->owner->bwe && !sub_bwe_rtx_allow(c->owner->bwe, len, sfu_now_us(s))) {
      atomic_fetch_add_explicit(&s->counters->rtx_over_budget, 1, memory_order_relaxed);
      over++;
      continue;
    }
    uint8_t *out = udp_next_buf(s->udp);
    memcpy(out, orig, len);
    if (p->simulcast && p->codec == MEDIA_CODEC_VP8) { /* the descriptor as first sent */
      rtp_packet rp;
      if (rtp_parse(out, len, &rp) != 0 ||
          vp8_rewriter_process(&c->vp8, p->enc[c->cur_enc].ssrc, out + rp.header_len, rp.payload_len) !=
              VP8_RW_FORWARD) {
        refused++;
        continue;
      }
    }
    rtp_set_ssrc(out, c->ssrc);
    rtp_set_seq(out, seqs[i]);
    rtp_set_ts(out, rtp_get_ts(orig) + c->rw.ts_offset);
    rtp_set_pt(out, c->pt);
    remap_extensions(c, out, len);
    if (c->rtx_pt && c->rtx_ssrc) {
      int m = rtp_rtx_encap(out, UDP_SEND_ROOM, out, len, c->rtx_pt, c->rtx_ssrc, c->rtx_seq++);
      if (m < 0) continue;
      len = (size_t)m;
    }
    atomic_fetch_add_explicit(&s->counters->retransmitted, 1, memory_order_relaxed);
    transport_send_rtp(s, c->owner, out, len, c->kind == MEDIA_VIDEO);
    sent++;
  }
  log_debug(
      "nack: transport %u consumer %u: %zu asked, %u sent, %u unknown, %u no longer buffered, "
      "%u over budget, %u refused by the VP8 rewriter",
      c->owner->id, c->id, n, sent, unmapped, gone, over, refused);
  /* A loss that cannot be repaired leaves the subscriber's decoder waiting: Chromium asks for a
   * key frame only after about 3 s without a decodable frame (browser_bandwidth_adapt: cameras
   * froze 2.6-2.9 s after packets a congested link lost twice were older than the buffer's
   * second). Ask the publisher now, at most once a second per encoding. Not for one over
   * budget (the subscriber asks again after a round trip) nor for an unknown number (from
   * before a switch of encoding, which brings its own key frame, or never sent). */
  if (c->kind == MEDIA_VIDEO && gone + refused > 0) {
    atomic_fetch_add_explicit(&s->counters->nacks_unanswerable, gone + refused, memory_order_relaxed);
    producer_request_keyframe(s, p, p->simulcast ? c->cur_enc : -1, false);
  }
}

void consumer_send_sr(sfu *s, consumer *c) {
  if (!c->owner->connected || !c->packets || !c->producer) return;
  struct timeval tv;
  gettimeofday(&tv, NULL);
  rtcp_sr sr;
  memset(&sr, 0, sizeof sr);
  sr.ssrc = c->ssrc;
  uint64_t secs = (uint64_t)tv.tv_sec + 2208988800ull; /* NTP epoch 1900 */
  sr.ntp = secs << 32 | (uint64_t)(((uint64_t)tv.tv_usec << 32) / 1000000);
  uint32_t clock = c->producer->clock;
  sr.rtp_ts = c->last_rtp_ts + (uint32_t)((s->now_ms - c->last_rtp_ms) * clock / 1000);
  sr.packet_count = (uint32_t)c->packets;
  sr.octet_count = (uint32_t)c->bytes;
  uint8_t buf[128];
  int n = rtcp_build_sr(buf, sizeof buf, &sr);
  if (n > 0) transport_send_rtcp(s, c->owner, buf, (size_t)n);
}
