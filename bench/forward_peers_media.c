/* The media of bench/forward_peers (see forward_peers.c): what a publisher sends (synthetic VP8,
 * one encoding or three simulcast ones, numbered packets carrying their send time), what a
 * subscriber checks of what arrives (sequence numbers per SSRC, the window's latency samples),
 * and the measurement window the driver opens (`mark`) and closes (`report`). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "forward_peers_int.h"
#include "gateway/rtc/rtcp.h"
#include "gateway/rtc/rtp.h"

static void put32(uint8_t *b, uint32_t v) {
  b[0] = (uint8_t)(v >> 24), b[1] = (uint8_t)(v >> 16), b[2] = (uint8_t)(v >> 8), b[3] = (uint8_t)v;
}
static uint32_t get32(const uint8_t *b) {
  return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* Writes one RTP packet of `total` bytes into r: header (with the RID extension when `rid` is
 * not 0), VP8 descriptor (Chrome's extended one for a simulcast encoding `layer`, else the short
 * one), then the payload: magic, index and send time (taken last, just before protection). */
static size_t build_packet(const peer *p, uint8_t *r, size_t total, uint32_t ssrc, uint16_t seq, bool marker,
                           char rid, int layer, bool first, bool key, uint32_t magic, uint32_t index) {
  size_t h = RTP_HEADER_LEN;
  r[0] = rid ? 0x90 : 0x80;
  r[1] = (uint8_t)((marker ? 0x80 : 0) | (p->pt & 0x7f));
  rtp_set_seq(r, seq);
  rtp_set_ts(r, fwd.ts);
  rtp_set_ssrc(r, ssrc);
  if (rid) { /* RFC 8285 one-byte form: 0xBEDE, one word: id/len, the rid, two bytes padding */
    const uint8_t ext[8] = {0xbe, 0xde, 0x00, 0x01, (uint8_t)(p->rid_ext << 4), (uint8_t)rid, 0, 0};
    memcpy(r + h, ext, sizeof ext);
    h += sizeof ext;
  }
  uint8_t *pl = r + h;
  size_t vp8 = VP8_BYTES;
  if (layer < 0) {
    pl[0] = first ? 0x10 : 0x00;        /* VP8 descriptor: S on the frame's first packet, PID 0 */
    pl[1] = first && key ? 0x00 : 0x01; /* VP8 payload header: P=0 (key frame) or 1 */
  } else {
    uint32_t tid = fwd.frame % 2;
    uint32_t pic = (fwd.frame + (uint32_t)layer * 10000u) & 0x7fff;
    uint32_t tl0 = (fwd.frame / 2 + (uint32_t)layer * 100u) & 0xff;
    pl[0] = (uint8_t)(0x80 | (first ? 0x10 : 0x00)); /* X, S, PID 0 */
    pl[1] = 0xe0;                                    /* I, L, T */
    pl[2] = (uint8_t)(0x80 | pic >> 8);              /* M: 15-bit PictureID */
    pl[3] = (uint8_t)pic;
    pl[4] = (uint8_t)tl0;
    pl[5] = (uint8_t)(tid << 6 | (tid ? 0x20 : 0)); /* TID, Y on the upper layer */
    pl[6] = first && key ? 0x00 : 0x01;
    vp8 = SIM_VP8_BYTES;
  }
  /* The frame header: a single encoding's key frames start with a real one (start code and
   * 1280x720), so the recorder's finalizer finds complete key frames (the rest of the frame is
   * not VP8: the files are muxed, not decodable). Simulcast's stay zero: sizes there would make
   * the server choose among the encodings by size, and the measurement is of f. */
  uint8_t *f = pl + vp8 - 1;
  memset(f + 1, 0, VP8_FRAME_HDR - 1);
  if (first && key && layer < 0) {
    const uint8_t sc[7] = {0x9d,           0x01, 0x2a, KEY_WIDTH & 0xff, KEY_WIDTH >> 8, KEY_HEIGHT & 0xff,
                           KEY_HEIGHT >> 8};
    memcpy(f + 3, sc, sizeof sc);
  }
  size_t off = vp8 - 1 + VP8_FRAME_HDR;
  memset(pl + off, (int)(index & 0xff), total - h - off);
  put32(pl + off, magic);
  put32(pl + off + 4, index);
  uint64_t t = fwd_now_ns(CLOCK_REALTIME);
  put32(pl + off + 8, (uint32_t)(t >> 32));
  put32(pl + off + 12, (uint32_t)t);
  return total;
}

static void send_packet(peer *p, uint8_t *buf, size_t len) {
  int n = (int)len;
  if (srtp_pair_protect_rtp(p->srtp, buf, &n, SLOT) != SRTP_PAIR_OK) {
    fwd_fail_peer(p, "SRTP protect failed");
    return;
  }
  fwd_send_to_server(p, buf, (size_t)n);
}

/* One frame of publisher p; its packets are numbered index, index + 1, ... (every publisher
 * numbers a frame's packets alike, so a subscriber expects each index once per publisher). */
static void send_pub_frame(peer *p, uint32_t index) {
  if (p->state != P_UP) return;
  bool key = p->keyframe_wanted || fwd.frame % KEYFRAME_EVERY == 0;
  if (key) p->keyframe_wanted = false, fwd.keyframes++;
  _Alignas(8) uint8_t buf[SLOT];
  if (p->rid_ext) { /* the lower encodings q and h first, as a browser sends them */
    static const char rid[SIM_LAYERS - 1] = {'q', 'h'};
    static const int pkts[SIM_LAYERS - 1] = {1, 2};
    static const size_t bytes[SIM_LAYERS - 1] = {SIM_Q_BYTES, SIM_H_BYTES};
    for (int l = 0; l < SIM_LAYERS - 1 && p->state == P_UP; l++)
      for (int i = 0; i < pkts[l]; i++) {
        size_t len = build_packet(p, buf, bytes[l], p->ssrc + (uint32_t)l, p->sim_seq[l]++, i == pkts[l] - 1,
                                  rid[l], l, i == 0, key, PAYLOAD_MAGIC_LOW, 0);
        send_packet(p, buf, len);
      }
  }
  uint32_t f_ssrc = p->rid_ext ? p->ssrc + SIM_LAYERS - 1 : p->ssrc;
  for (int i = 0; i < PKTS_PER_FRAME && p->state == P_UP; i++) {
    size_t len =
        build_packet(p, buf, PKT_BYTES, f_ssrc, p->seq++, i == PKTS_PER_FRAME - 1, p->rid_ext ? 'f' : 0,
                     p->rid_ext ? SIM_LAYERS - 1 : -1, i == 0, key, PAYLOAD_MAGIC, index + (uint32_t)i);
    send_packet(p, buf, len);
  }
}

void fwd_send_frame(void) {
  if (!fwd.npubs) return;
  for (int k = 0; k < fwd.npubs; k++) send_pub_frame(fwd.pubs[k], fwd.index);
  fwd.index += PKTS_PER_FRAME;
  fwd.ts += 90000 / FPS;
  fwd.frame++;
}

/* The publisher hears PLI/FIR (send a key frame), NACK (counted: nothing is retransmitted, the
 * loss shows), RR and REMB. */
void fwd_on_pub_rtcp(peer *p, uint8_t *buf, size_t len) {
  int n = (int)len;
  if (srtp_pair_unprotect_rtcp(p->srtp, buf, &n) != SRTP_PAIR_OK) return;
  rtcp_iter it;
  rtcp_header h;
  rtcp_iter_init(&it, buf, (size_t)n);
  while (rtcp_iter_next(&it, &h) == 1) {
    if (h.pt == RTCP_PSFB && (h.count == RTCP_PSFB_PLI || h.count == RTCP_PSFB_FIR)) {
      p->keyframe_wanted = true;
      fwd.plis++;
    } else if (h.pt == RTCP_RTPFB && h.count == RTCP_RTPFB_NACK) {
      fwd.nacks++;
    }
  }
}

/* Bytes of VP8 payload descriptor (RFC 7741) plus the frame header this program writes
 * (VP8_FRAME_HDR); 0 if the payload is too short for it. */
static size_t vp8_descriptor_len(const uint8_t *pl, size_t len) {
  size_t off = 1;
  if (len < 2) return 0;
  if (pl[0] & 0x80) {
    uint8_t x = pl[1];
    off = 2;
    if ((x & 0x80) && off < len) off += (pl[off] & 0x80) ? 2 : 1;
    if (x & 0x40) off++;
    if (x & 0x30) off++;
  }
  off += VP8_FRAME_HDR;
  return off <= len ? off : 0;
}

void fwd_on_sub_rtp(peer *p, uint8_t *buf, size_t len, uint64_t rx_ns) {
  int n = (int)len;
  if (srtp_pair_unprotect_rtp(p->srtp, buf, &n) != SRTP_PAIR_OK) return;
  rtp_packet rp;
  if (rtp_parse(buf, (size_t)n, &rp) != 0) return;
  size_t vp8 = vp8_descriptor_len(rp.payload, rp.payload_len);
  if (!vp8 || rp.payload_len < vp8 + 16) return;
  uint32_t magic = get32(rp.payload + vp8);
  if (magic != PAYLOAD_MAGIC && magic != PAYLOAD_MAGIC_LOW) return;
  if (!p->flowing) {
    p->flowing = true;
    fwd_emit("{\"ev\":\"flowing\",\"id\":%d}", p->id);
  }
  int k = 0;
  while (k < p->nstreams && p->streams[k].ssrc != rp.ssrc) k++;
  bool started = k < p->nstreams;
  if (!started) {
    if (k == MAX_STREAMS) return; /* more SSRCs than publishers: not this program's media */
    p->nstreams++;
    memset(&p->streams[k], 0, sizeof p->streams[k]);
    p->streams[k].ssrc = rp.ssrc;
  }
  int64_t ext = seq16_unwrap(&p->streams[k].uw, rp.seq);
  int64_t gap = started ? ext - p->streams[k].last_ext - 1 : 0;
  if (!started || ext > p->streams[k].last_ext) p->streams[k].last_ext = ext;
  uint32_t idx = get32(rp.payload + vp8 + 4);
  if (magic != PAYLOAD_MAGIC || !fwd.win_open || idx < fwd.win_start || idx >= fwd.win_end) return;
  p->win_rx++;
  if (gap > 0) p->win_gaps += (uint64_t)gap;
  if (gap < 0) p->win_late++;
  uint64_t sent = (uint64_t)get32(rp.payload + vp8 + 8) << 32 | get32(rp.payload + vp8 + 12);
  uint64_t d = rx_ns > sent ? rx_ns - sent : 0;
  if (fwd.nsamples < MAX_SAMPLES) fwd.samples[fwd.nsamples++] = d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
}

/* ---- the measurement window ---- */

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

static uint64_t total_drops(void) {
  uint64_t d = 0;
  for (int i = 0; i < fwd.npeers; i++) d += fwd.peers[i]->drops;
  return d;
}

void fwd_open_window(void) {
  fwd.win_open = true;
  fwd.win_start = fwd.index;
  fwd.win_end = UINT32_MAX;
  fwd.nsamples = 0;
  fwd.report_due_ms = 0;
  fwd.win_drops0 = total_drops();
  for (int i = 0; i < fwd.npeers; i++)
    fwd.peers[i]->win_rx = fwd.peers[i]->win_gaps = fwd.peers[i]->win_late = 0;
  fwd_emit("{\"ev\":\"mark\",\"index\":%" PRIu32 "}", fwd.index);
}

void fwd_report_window(void) {
  uint64_t rx = 0, gaps = 0, late = 0;
  int subs = 0, silent = 0;
  for (int i = 0; i < fwd.npeers; i++) {
    peer *p = fwd.peers[i];
    if (p->publisher || p->aux || p->state != P_UP) continue;
    subs++;
    rx += p->win_rx, gaps += p->win_gaps, late += p->win_late;
    if (!p->win_rx) silent++;
  }
  int live_pubs = 0; /* each sent every index of the window */
  for (int k = 0; k < fwd.npubs; k++) live_pubs += fwd.pubs[k]->state == P_UP;
  uint64_t sent = (uint64_t)(fwd.win_end - fwd.win_start) * (uint64_t)live_pubs;
  qsort(fwd.samples, fwd.nsamples, sizeof fwd.samples[0], cmp_u32);
#define PCT(q) (fwd.nsamples ? fwd.samples[(size_t)((double)(fwd.nsamples - 1) * (q))] / 1000.0 : 0.0)
  fwd_emit("{\"ev\":\"report\",\"sent\":%" PRIu64 ",\"subs\":%d,\"silent\":%d,\"expected\":%" PRIu64
           ",\"received\":%" PRIu64 ",\"seq_gaps\":%" PRIu64 ",\"late\":%" PRIu64 ",\"client_drops\":%" PRIu64
           ",\"samples\":%zu,\"p50_us\":%.1f,\"p99_us\":%.1f,\"max_us\":%.1f,\"keyframes\":%" PRIu64
           ",\"plis\":%" PRIu64 ",\"nacks\":%" PRIu64 ",\"send_errors\":%" PRIu64 "}",
           sent, subs, silent, sent * (uint64_t)subs, rx, gaps, late, total_drops() - fwd.win_drops0,
           fwd.nsamples, PCT(0.50), PCT(0.99), PCT(1.0), fwd.keyframes, fwd.plis, fwd.nacks, fwd.send_errors);
#undef PCT
  fwd.win_open = false;
  fwd.report_due_ms = 0;
}
