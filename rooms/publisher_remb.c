/* publisher_remb: the REMB the server sends each publisher, once a second (issue 11 item 4,
 * "publishers follow demand"). Publish answers carry no transport-cc, so a browser's send-side
 * estimate is this figure, for all its streams together, and Chrome gives it to a simulcast
 * track's encodings lowest first and turns off those it does not reach. The REMB is therefore
 * what the publisher's viewers take:
 *
 *  - per simulcast track, the encodings up to the highest one some viewer's allocation wants
 *    (consumer.want_enc: its tile's encoding, lowered to what its estimate affords), each at
 *    its measured rate or its nominal cap, with 25 % headroom; at least the lowest encoding, so
 *    a new viewer or a shrinking link always has one to switch to, and nothing above it when
 *    nobody watches or every tile is hidden;
 *  - per single-encoding video track (aiortc, a screen share, old clients) 2.5 Mbit/s, as before;
 *  - 64 kbit/s per audio track;
 * capped at REMB_MAX_BPS. Where adaptation is off (a LAN event), every encoding is wanted. */
#include <string.h>

#include "gateway/rtc/rtcp.h"
#include "rooms/sfu_int.h"

#define REMB_SINGLE_BPS 2500000u
#define REMB_AUDIO_BPS 64000u
#define REMB_MAX_BPS 6000000u

static uint32_t enc_nominal(const producer *p, int e) {
  static const uint32_t from_top[3] = {1700000u, 550000u, 180000u};
  int k = p->n_enc - 1 - e;
  return from_top[k < 0 ? 0 : (k > 2 ? 2 : k)];
}

static uint64_t producer_demand(const producer *p) {
  if (p->kind == MEDIA_AUDIO) return REMB_AUDIO_BPS;
  if (!p->simulcast) return REMB_SINGLE_BPS;
  int top = 0;
  if (p->owner->router->no_adapt)
    top = p->n_enc - 1;
  else
    for (const consumer *c = p->consumers; c; c = c->next_of_producer)
      if (c->want_enc > top) top = c->want_enc;
  if (top >= p->n_enc) top = p->n_enc - 1;
  uint64_t sum = 0;
  for (int e = 0; e <= top; e++) {
    uint32_t measured = p->enc[e].bitrate_bps, nominal = enc_nominal(p, e);
    sum += measured > nominal ? measured : nominal;
  }
  return sum + sum / 4;
}

uint64_t publisher_demand_bps(sfu *s, transport *t) {
  (void)s;
  uint64_t sum = 0;
  for (const producer *p = t->producers; p; p = p->next) sum += producer_demand(p);
  return sum > REMB_MAX_BPS ? REMB_MAX_BPS : sum;
}

void publisher_send_remb(sfu *s, transport *t) {
  if (!t->connected || !t->producers) return;
  uint32_t ssrcs[32];
  size_t n = 0;
  bool video = false;
  for (const producer *p = t->producers; p; p = p->next) {
    if (p->kind == MEDIA_VIDEO) video = true;
    for (int e = 0; e < p->n_enc && n < sizeof ssrcs / sizeof ssrcs[0]; e++)
      if (p->enc[e].ssrc) ssrcs[n++] = p->enc[e].ssrc;
  }
  if (!video || !n) return; /* audio alone: Opus needs no estimate from us */
  uint8_t buf[256];
  int m = rtcp_build_remb(buf, sizeof buf, s->server_ssrc, publisher_demand_bps(s, t), ssrcs, n);
  if (m > 0) transport_send_rtcp(s, t, buf, (size_t)m);
}
