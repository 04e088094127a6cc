/* The sending side of sub_bwe (see sub_bwe.h and pacer.h): every RTP packet toward a subscriber
 * is numbered for transport-cc and protected at the moment it leaves, not when it was queued,
 * so that the estimator sees the link's delay and not the pacer's. Video toward a constrained
 * subscriber (its estimate has been cut at least once) goes through its pacer at
 * PACING_FACTOR x the estimate; audio never waits but is charged to the same budget. The allocation side is
 * layer_control.c. */
#include <stdatomic.h>
#include <string.h>

#include "base/udp.h"
#include "gateway/rtc/srtp.h"
#include "rooms/sfu_int.h"
#include "rooms/sub_bwe.h"

/* Above the estimate, so that media at the allocated rate never waits and a key frame drains
 * in a few frame intervals; close to it, so that a key frame burst does not overflow the
 * 200 ms queue of a slow link (Chrome paces at a multiple of its target too). */
#define PACING_FACTOR 1.25

/* 0: not paced (no adaptation, or no sign of congestion yet). */
static uint64_t pacing_rate(const sfu *s, const transport *t) {
  const sub_bwe *b = t->bwe;
  if (!s->adaptation || t->router->no_adapt || !b->constrained) return 0;
  return (uint64_t)((double)b->est.target_bps * PACING_FACTOR);
}

size_t transport_emit_rtp(sfu *s, transport *t, uint8_t *out, size_t len, int probe_id) {
  sub_bwe *b = t->bwe;
  if (b) {
    int64_t now = sfu_now_us(s);
    /* Media sent while a probe cluster goes out belongs to it: the cluster's rate is what the
     * link carries in all, and the padding only fills up to it (layer_control.c). Padding on
     * top of the media put three times the estimate on an 800 kbit/s link, and what tbf dropped
     * of it was media as much as padding. */
    bool in_cluster = !probe_id && b->probing && now - b->probe_start_us < b->probe.duration_us;
    if (in_cluster) probe_id = b->probe.id;
    len = sub_bwe_stamp(b, out, len, UDP_SEND_ROOM - SRTP_PAIR_RTP_TRAILER_MAX, now, probe_id);
    if (in_cluster) b->probe_bytes += len;
  }
  int n = (int)len;
  if (srtp_pair_protect_rtp(t->srtp, out, &n, UDP_SEND_ROOM) != 0) return 0;
  transport_queue(s, t, out, (size_t)n);
  return len;
}

void transport_send_rtp(sfu *s, transport *t, uint8_t *out, size_t len, bool video) {
  sub_bwe *b = t->bwe;
  if (b && !video) { /* audio never waits, but its bytes count against the pacing rate */
    uint64_t rate = pacing_rate(s, t);
    if (rate) {
      pacer_set_rate(&b->pacer, rate);
      pacer_refill(&b->pacer, sfu_now_us(s));
      pacer_charge(&b->pacer, len);
    }
  }
  if (b && video) {
    uint64_t rate = pacing_rate(s, t);
    pacer *p = &b->pacer;
    if (rate || p->count) {
      pacer_set_rate(p, rate);
      pacer_refill(p, sfu_now_us(s));
      if (!pacer_take(p, len)) {
        if (pacer_push(p, out, len, sfu_now_us(s)) != 0) {
          atomic_fetch_add_explicit(&s->counters->pacer_dropped, 1, memory_order_relaxed);
          return;
        }
        atomic_fetch_add_explicit(&s->counters->paced_packets, 1, memory_order_relaxed);
        if (!t->paced) {
          t->paced = true;
          t->next_paced = s->paced;
          s->paced = t;
        }
        return;
      }
    }
  }
  transport_emit_rtp(s, t, out, len, 0);
}

int64_t sfu_pace(sfu *s) {
  int64_t wait = -1, now = sfu_now_us(s);
  for (transport **pp = &s->paced; *pp;) {
    transport *t = *pp;
    pacer *p = &t->bwe->pacer;
    const uint8_t *pkt;
    size_t len;
    if (t->closing || !t->connected || !t->has_addr || !t->srtp) {
      while (p->count) pacer_pop(p); /* nowhere to send it any more */
    } else {
      pacer_set_rate(p, pacing_rate(s, t));
      pacer_refill(p, now);
      while ((pkt = pacer_front(p, now, &len))) {
        uint8_t *out = udp_next_buf(s->udp);
        memcpy(out, pkt, len);
        pacer_pop(p);
        transport_emit_rtp(s, t, out, len, 0);
      }
    }
    if (!p->count) {
      *pp = t->next_paced;
      t->paced = false;
      t->next_paced = NULL;
      continue;
    }
    int64_t w = pacer_wait_us(p, now);
    if (wait < 0 || w < wait) wait = w;
    pp = &t->next_paced;
  }
  return wait;
}

void transport_unpace(sfu *s, transport *t) {
  if (!t->paced) return;
  for (transport **pp = &s->paced; *pp; pp = &(*pp)->next_paced)
    if (*pp == t) {
      *pp = t->next_paced;
      break;
    }
  t->paced = false;
  t->next_paced = NULL;
}
