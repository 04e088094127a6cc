/* forward_peers: the WebRTC peers of bench/bench_forward.mjs and bench/bench_forward_janus.mjs, not
 * a benchmark by itself (its name does not start with bench_, so bench/run.sh does not run it).
 * One process, one epoll loop, one UDP socket per peer on 127.0.0.1 (or FWD_PEER_IP), built from
 * the project's own codecs (gateway/rtc): as the ICE controlling agent it sends STUN Binding
 * requests with MESSAGE-INTEGRITY and USE-CANDIDATE (and repeats them every 2 s as consent),
 * answers the server's own checks (a full ICE agent such as Janus's libnice sends them), runs the
 * DTLS client against the fingerprint from the server's SDP, and protects/unprotects with the
 * exported SRTP keys.
 *
 * The publisher sends synthetic VP8: 30 frames/s of 5 RTP packets of PKT_BYTES bytes (150 pkt/s,
 * 1.44 Mbit/s of RTP, about 1.5 Mbit/s on the wire), marker on each frame's last packet, a key
 * frame every 2 s and after each PLI/FIR (the server starts a consumer on a key frame: VP8
 * descriptor S=1 PID=0 and P=0 in the payload header, see rtp_vp8_is_keyframe; a single
 * encoding's key frames carry a real 10-byte frame header, start code and 1280x720, for the
 * recorder's finalizer; other packets reserve those bytes as zeros). After the VP8
 * bytes each payload carries a packet index and the send time (CLOCK_REALTIME, taken just before
 * SRTP protect). Subscribers unprotect, check the sequence numbers the server rewrote, and take
 * the latency against the kernel's receive timestamp of the datagram (SO_TIMESTAMPNS, the same
 * clock), so the time this loop needs to get to a socket is not counted. SO_RXQ_OVFL counts
 * datagrams this process's sockets dropped, so client-side overflow is told apart from loss in
 * the server.
 *
 * Several publishers (`publish` for each, up to MAX_PUBS): every one sends the same stream on its
 * own SSRC in the same frame tick, their packets numbered alike, so a subscriber of all of them
 * expects each window index once per publisher; it checks the sequence numbers per SSRC the server
 * sends (one per forwarded publisher), and the window's "sent" counts every publisher's packets.
 *
 * Simulcast (`publish ID SSRC PT RIDEXT`): the publisher sends three encodings as a browser's rid
 * simulcast does, rid q, h, f on SSRC, SSRC+1, SSRC+2, each packet naming its rid in the RFC 8285
 * one-byte header extension RIDEXT (the id its offer gave `sdes:rtp-stream-id`): per frame q one
 * packet of SIM_Q_BYTES, h two of SIM_H_BYTES, f the PKTS_PER_FRAME packets of PKT_BYTES of the
 * single-encoding mode (about 0.12, 0.48 and 1.44 Mbit/s of RTP), key frames on all three at
 * once. The VP8 descriptor is Chrome's: X with a 15-bit PictureID, TL0PICIDX and TID (two
 * temporal layers, TID 0/1 alternating), each encoding numbering its own pictures. The measured
 * stream is f: only its packets carry the window index; q and h carry another marker, so a
 * subscriber counts them as media (flowing) but not in the window's loss and latency.
 *
 * A subscriber can instead reach the server over ICE-TCP (RFC 6544 active side): `connect ... tcp`
 * opens a TCP connection to the server's passive candidate and carries every packet in RFC 4571
 * frames (gateway/rtc/rfc4571.c reassembles what arrives); its latency is then taken at the read,
 * as TCP has no per-packet kernel timestamp.
 *
 * The driver (node, trusted but still parsed with bounds) speaks lines on stdin:
 *   peer ID pub|sub|aux                   -> {"ev":"peer","id":ID,"ufrag":..,"pwd":..,"ip":..,"port":..}
 *                                         (the UDP socket's address, for an SDP candidate;
 *                                         env FWD_PEER_IP binds another local address than
 *                                         127.0.0.1, e.g. a network namespace's own;
 *                                         aux: a subscriber left out of the window's figures)
 *   connect ID IP PORT UFRAG PWD FP [tcp] starts ICE then DTLS -> {"ev":"connected","id":ID,..}
 *   publish ID SSRC PT [RIDEXT]           peer ID sends the video once connected (with
 *                                         RIDEXT: three simulcast encodings, see above);
 *                                         once per publisher
 *   mark                                  opens a measurement window -> {"ev":"mark","index":N}
 *   report                                closes it; after 300 ms of drain -> {"ev":"report",..}
 *   quit
 * and prints JSON lines on stdout: the above, {"ev":"ready","fingerprint":..} at start,
 * {"ev":"flowing","id":ID} on a subscriber's first media packet, {"ev":"failed",..}.
 *
 * Usage: forward_peers     (exits when stdin closes) */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/rand.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/seq.h"
#include "gateway/rtc/dtls.h"
#include "gateway/rtc/rfc4571.h"
#include "gateway/rtc/rtcp.h"
#include "gateway/rtc/rtp.h"
#include "gateway/rtc/srtp.h"
#include "gateway/rtc/stun.h"

#define MAX_PEERS 1024
#define PKT_BYTES 1200
#define FPS 30
#define PKTS_PER_FRAME 5
#define KEYFRAME_EVERY (2 * FPS) /* frames */
#define CONSENT_MS 2000
#define STUN_RETRY_MS 100
#define HOUSE_MS 10
#define DRAIN_MS 300
#define BATCH 32
#define SLOT 2048          /* receive/send slot: a datagram plus the SRTP trailer, 8-byte aligned */
#define TCP_FRAME_MAX SLOT /* largest RFC 4571 frame taken from the server */
#define MAX_SAMPLES (1u << 21)
#define PAYLOAD_MAGIC 0x4d4f4142u     /* "MOAB": marks a payload written by this program */
#define PAYLOAD_MAGIC_LOW 0x4d4f414cu /* "MOAL": a lower simulcast encoding's (not measured) */
#define VP8_BYTES 2                   /* descriptor + first payload-header byte */
#define SIM_LAYERS 3
#define SIM_VP8_BYTES 7 /* X, I L T, 15-bit PictureID, TL0PICIDX, TID/Y/KEYIDX + payload header */
/* VP8 frame tag, start code and size (RFC 6386 9.1): the payload header's first byte and the 9
 * after it, before this program's payload */
#define VP8_FRAME_HDR 10
#define KEY_WIDTH 1280 /* what a single encoding's key frames say */
#define KEY_HEIGHT 720
#define SIM_Q_BYTES 500
#define SIM_H_BYTES 1000
#define TAG_STDIN 0
#define TAG_FRAME 1
#define TAG_HOUSE 2
#define TAG_PEER 16
#define MAX_PUBS 32    /* publishers of one process */
#define MAX_STREAMS 64 /* SSRCs one subscriber tells apart (one per publisher, or per encoding) */

enum { P_NEW, P_ICE, P_DTLS, P_UP, P_FAILED };

typedef struct {
  int id;
  bool publisher;
  bool aux; /* a subscriber not measured (a publisher's own subscribe transport) */
  int fd;
  int state;
  bool tcp;          /* ICE-TCP: fd is a TCP connection carrying RFC 4571 frames */
  rfc4571_reader rd; /* its reassembly, into store */
  uint8_t *store;
  struct sockaddr_in server;
  char ufrag[9], pwd[25];
  char username[STUN_MAX_USERNAME + 1]; /* "<server ufrag>:<our ufrag>" */
  char rpwd[257];
  uint8_t fp[DTLS_FINGERPRINT_LEN];
  uint8_t tid[STUN_TID_LEN];
  uint64_t next_stun_ms;
  dtls_conn *dtls;
  srtp_pair *srtp;
  /* publisher (`publish`) */
  bool publishing;
  uint32_t ssrc;
  uint8_t pt;
  uint8_t rid_ext;              /* simulcast: the RID extension's id; 0: one encoding */
  uint16_t sim_seq[SIM_LAYERS]; /* q and h (f uses seq) */
  uint16_t seq;
  bool keyframe_wanted;
  /* subscriber: one sequence space per SSRC the server sends (one per publisher it forwards) */
  bool flowing;
  struct {
    uint32_t ssrc;
    seq16_unwrapper uw;
    int64_t last_ext;
  } streams[MAX_STREAMS];
  int nstreams;
  uint64_t win_rx, win_gaps, win_late; /* in the current window */
  uint32_t ovfl;                       /* SO_RXQ_OVFL: the socket's drop counter, last seen */
  uint64_t drops;                      /* datagrams the kernel dropped on this socket */
} peer;

static struct {
  dtls_identity *identity;
  char fingerprint[DTLS_FINGERPRINT_TEXT_LEN];
  int epfd, frame_fd, house_fd;
  peer *peers[MAX_PEERS];
  int npeers;
  peer *pubs[MAX_PUBS]; /* in `publish` order; each sends every frame */
  int npubs;
  uint32_t ts, frame, index; /* index: next packet's number (the same for every publisher's packet) */
  uint64_t keyframes, plis, nacks, send_errors;
  /* measurement window */
  bool win_open;
  uint32_t win_start, win_end;
  uint64_t report_due_ms;
  uint32_t *samples; /* latency of each packet received in the window, ns (capped) */
  size_t nsamples;
  uint64_t win_drops0;
  char inbuf[8192];
  size_t inlen;
} g;

static uint64_t now_ns(clockid_t clk) {
  struct timespec ts;
  clock_gettime(clk, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void emit(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  putchar('\n');
  fflush(stdout);
}

static void random_alnum(char *out, size_t n) {
  static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  unsigned char raw[64];
  RAND_bytes(raw, (int)n);
  for (size_t i = 0; i < n; i++) out[i] = a[raw[i] % 62];
  out[n] = '\0';
}

static void fail_peer(peer *p, const char *why) {
  if (p->state == P_FAILED) return;
  p->state = P_FAILED;
  emit("{\"ev\":\"failed\",\"id\":%d,\"why\":\"%s\"}", p->id, why);
}

static void send_to_server(peer *p, const uint8_t *buf, size_t len) {
  if (p->tcp) { /* a blocking write of the whole frame: this side sends little (checks, DTLS) */
    uint8_t hdr[RFC4571_HEADER];
    rfc4571_put_header(hdr, len);
    struct iovec iov[2] = {{hdr, sizeof hdr}, {(void *)buf, len}};
    struct msghdr mh = {.msg_iov = iov, .msg_iovlen = 2};
    ssize_t n = sendmsg(p->fd, &mh, MSG_NOSIGNAL);
    if (n != (ssize_t)(len + sizeof hdr)) g.send_errors++;
    return;
  }
  if (sendto(p->fd, buf, len, 0, (const struct sockaddr *)&p->server, sizeof p->server) < 0) g.send_errors++;
}

/* ---- ICE ---- */

static void send_check(peer *p, uint64_t now) {
  uint8_t buf[1024];
  RAND_bytes(p->tid, STUN_TID_LEN); /* a new transaction for every retry and consent check */
  stun_request_params rp = {.tid = p->tid,
                            .username = p->username,
                            .priority = 0x6e0001ffu,
                            .controlling = true,
                            .tie_breaker = 0x4d4f4142454e4348ull,
                            .use_candidate = true,
                            .key = p->rpwd,
                            .key_len = strlen(p->rpwd)};
  int n = stun_build_binding_request(buf, sizeof buf, &rp);
  if (n < 0) {
    fail_peer(p, "cannot build a STUN request");
    return;
  }
  send_to_server(p, buf, (size_t)n);
  p->next_stun_ms = now + (p->state == P_ICE ? STUN_RETRY_MS : CONSENT_MS);
}

static void flush_dtls(peer *p) {
  uint8_t buf[DTLS_MTU];
  int n;
  while ((n = dtls_conn_pending_out(p->dtls, buf, sizeof buf)) > 0) send_to_server(p, buf, (size_t)n);
}

/* A Binding request from the server: a full ICE agent (Janus; Moa is ICE-lite and sends none)
 * checks the pair from its side too and nominates only once its own check succeeded. Answered
 * when it names our ufrag and carries MESSAGE-INTEGRITY keyed with our password; the mapped
 * address is the server's, the only address this peer talks to. */
static void answer_stun_request(peer *p, const uint8_t *buf, size_t len, const stun_msg *m) {
  size_t ul = strlen(p->ufrag);
  if (m->method != STUN_METHOD_BINDING || !m->username || m->username_len <= ul ||
      memcmp(m->username, p->ufrag, ul) != 0 || m->username[ul] != ':' ||
      !stun_verify_integrity(buf, len, m, p->pwd, strlen(p->pwd)))
    return;
  struct sockaddr_storage mapped = {0};
  memcpy(&mapped, &p->server, sizeof p->server);
  uint8_t out[512];
  int n = stun_build_binding_success(out, sizeof out, m->tid, &mapped, p->pwd, strlen(p->pwd));
  if (n > 0) send_to_server(p, out, (size_t)n);
}

static void on_stun(peer *p, const uint8_t *buf, size_t len) {
  stun_msg m;
  if (stun_parse(buf, len, &m) == 0 && m.cls == STUN_CLASS_REQUEST) {
    answer_stun_request(p, buf, len, &m);
    return;
  }
  if (stun_parse(buf, len, &m) != 0 || m.cls != STUN_CLASS_SUCCESS ||
      memcmp(m.tid, p->tid, STUN_TID_LEN) != 0 ||
      !stun_verify_integrity(buf, len, &m, p->rpwd, strlen(p->rpwd)))
    return;
  if (p->state != P_ICE) return; /* a consent answer */
  p->state = P_DTLS;
  p->next_stun_ms = mono_ms() + CONSENT_MS;
  /* FWD_SRTP_PROFILE (an OpenSSL list, e.g. SRTP_AES128_CM_SHA1_80) narrows the offer; unset, the
   * default offer (GCM first) */
  if (!(p->dtls = dtls_conn_new_ex(g.identity, false, p->fp, getenv("FWD_SRTP_PROFILE"))) ||
      dtls_conn_start(p->dtls) != 0) {
    fail_peer(p, "DTLS client could not start");
    return;
  }
  flush_dtls(p);
}

/* ---- DTLS ---- */

static const char *profile_name(dtls_srtp_profile pr) {
  return pr == DTLS_SRTP_AEAD_AES_128_GCM    ? "AEAD_AES_128_GCM"
         : pr == DTLS_SRTP_AES128_CM_SHA1_80 ? "AES_CM_128_HMAC_SHA1_80"
                                             : "none";
}

static void check_dtls(peer *p) {
  dtls_conn_state st = dtls_conn_get_state(p->dtls);
  if (st == DTLS_CONN_FAILED || st == DTLS_CONN_CLOSED) {
    fail_peer(p, dtls_conn_error(p->dtls));
  } else if (st == DTLS_CONN_CONNECTED && p->state == P_DTLS) {
    dtls_srtp_keys keys;
    if (dtls_conn_srtp_keys(p->dtls, &keys) != 0 || !(p->srtp = srtp_pair_new(&keys))) {
      fail_peer(p, "no SRTP keys");
      return;
    }
    p->state = P_UP;
    emit("{\"ev\":\"connected\",\"id\":%d,\"profile\":\"%s\"}", p->id, profile_name(keys.profile));
    memset(&keys, 0, sizeof keys);
    if (p->publisher) p->keyframe_wanted = true;
  }
}

/* ---- media ---- */

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
  rtp_set_ts(r, g.ts);
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
    uint32_t tid = g.frame % 2;
    uint32_t pic = (g.frame + (uint32_t)layer * 10000u) & 0x7fff;
    uint32_t tl0 = (g.frame / 2 + (uint32_t)layer * 100u) & 0xff;
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
  uint64_t t = now_ns(CLOCK_REALTIME);
  put32(pl + off + 8, (uint32_t)(t >> 32));
  put32(pl + off + 12, (uint32_t)t);
  return total;
}

static void send_packet(peer *p, uint8_t *buf, size_t len) {
  int n = (int)len;
  if (srtp_pair_protect_rtp(p->srtp, buf, &n, SLOT) != SRTP_PAIR_OK) {
    fail_peer(p, "SRTP protect failed");
    return;
  }
  send_to_server(p, buf, (size_t)n);
}

/* One frame of publisher p; its packets are numbered index, index + 1, ... (every publisher
 * numbers a frame's packets alike, so a subscriber expects each index once per publisher). */
static void send_pub_frame(peer *p, uint32_t index) {
  if (p->state != P_UP) return;
  bool key = p->keyframe_wanted || g.frame % KEYFRAME_EVERY == 0;
  if (key) p->keyframe_wanted = false, g.keyframes++;
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

static void send_frame(void) {
  if (!g.npubs) return;
  for (int k = 0; k < g.npubs; k++) send_pub_frame(g.pubs[k], g.index);
  g.index += PKTS_PER_FRAME;
  g.ts += 90000 / FPS;
  g.frame++;
}

/* The publisher hears PLI/FIR (send a key frame), NACK (counted: nothing is retransmitted, the
 * loss shows), RR and REMB. */
static void on_pub_rtcp(peer *p, uint8_t *buf, size_t len) {
  int n = (int)len;
  if (srtp_pair_unprotect_rtcp(p->srtp, buf, &n) != SRTP_PAIR_OK) return;
  rtcp_iter it;
  rtcp_header h;
  rtcp_iter_init(&it, buf, (size_t)n);
  while (rtcp_iter_next(&it, &h) == 1) {
    if (h.pt == RTCP_PSFB && (h.count == RTCP_PSFB_PLI || h.count == RTCP_PSFB_FIR)) {
      p->keyframe_wanted = true;
      g.plis++;
    } else if (h.pt == RTCP_RTPFB && h.count == RTCP_RTPFB_NACK) {
      g.nacks++;
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

static void on_sub_rtp(peer *p, uint8_t *buf, size_t len, uint64_t rx_ns) {
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
    emit("{\"ev\":\"flowing\",\"id\":%d}", p->id);
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
  if (magic != PAYLOAD_MAGIC || !g.win_open || idx < g.win_start || idx >= g.win_end) return;
  p->win_rx++;
  if (gap > 0) p->win_gaps += (uint64_t)gap;
  if (gap < 0) p->win_late++;
  uint64_t sent = (uint64_t)get32(rp.payload + vp8 + 8) << 32 | get32(rp.payload + vp8 + 12);
  uint64_t d = rx_ns > sent ? rx_ns - sent : 0;
  if (g.nsamples < MAX_SAMPLES) g.samples[g.nsamples++] = d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
}

static void on_datagram(peer *p, uint8_t *buf, size_t len, uint64_t rx_ns) {
  if (p->state == P_FAILED || len == 0) return;
  if (stun_is_stun(buf, len)) {
    on_stun(p, buf, len);
  } else if (dtls_is_dtls(buf, len)) {
    if (!p->dtls) return;
    dtls_conn_feed(p->dtls, buf, len);
    flush_dtls(p);
    check_dtls(p);
  } else if (p->state == P_UP && rtp_is_rtcp(buf, len)) {
    if (p->publisher) on_pub_rtcp(p, buf, len);
  } else if (p->state == P_UP && rtp_is_rtp(buf, len) && !p->publisher) {
    on_sub_rtp(p, buf, len, rx_ns);
  }
}

static void drain_tcp(peer *p) {
  static _Alignas(8) uint8_t buf[65536];
  for (int k = 0; k < 16; k++) {
    ssize_t n = recv(p->fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
      fail_peer(p, "ICE-TCP connection closed by the server");
      epoll_ctl(g.epfd, EPOLL_CTL_DEL, p->fd, NULL);
      return;
    }
    if (n < 0) return;
    uint64_t rx = now_ns(CLOCK_REALTIME);
    uint8_t *d = buf, *f;
    size_t l = (size_t)n, fl;
    int rc;
    while ((rc = rfc4571_read(&p->rd, &d, &l, &f, &fl)) == 1) on_datagram(p, f, fl, rx);
    if (rc < 0) {
      fail_peer(p, "oversized RFC 4571 frame from the server");
      return;
    }
    if ((size_t)n < sizeof buf) return;
  }
}

static void drain_socket(peer *p) {
  if (p->tcp) {
    drain_tcp(p);
    return;
  }
  static _Alignas(8) uint8_t bufs[BATCH][SLOT];
  static char ctl[BATCH][CMSG_SPACE(sizeof(struct timespec)) + CMSG_SPACE(sizeof(uint32_t))];
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];
  for (;;) {
    for (int i = 0; i < BATCH; i++) {
      iov[i] = (struct iovec){bufs[i], SLOT - SRTP_PAIR_RTCP_TRAILER_MAX};
      memset(&msgs[i], 0, sizeof msgs[i]);
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_control = ctl[i];
      msgs[i].msg_hdr.msg_controllen = sizeof ctl[i];
    }
    int n = recvmmsg(p->fd, msgs, BATCH, MSG_DONTWAIT, NULL);
    if (n <= 0) return;
    for (int i = 0; i < n; i++) {
      uint64_t rx = 0;
      for (struct cmsghdr *c = CMSG_FIRSTHDR(&msgs[i].msg_hdr); c; c = CMSG_NXTHDR(&msgs[i].msg_hdr, c)) {
        if (c->cmsg_level != SOL_SOCKET) continue;
        if (c->cmsg_type == SO_TIMESTAMPNS) {
          struct timespec ts;
          memcpy(&ts, CMSG_DATA(c), sizeof ts);
          rx = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
        } else if (c->cmsg_type == SO_RXQ_OVFL) {
          uint32_t v;
          memcpy(&v, CMSG_DATA(c), sizeof v);
          p->drops += (uint32_t)(v - p->ovfl);
          p->ovfl = v;
        }
      }
      if (!rx) rx = now_ns(CLOCK_REALTIME);
      on_datagram(p, bufs[i], msgs[i].msg_len, rx);
    }
    if (n < BATCH) return;
  }
}

/* ---- the measurement window ---- */

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

static uint64_t total_drops(void) {
  uint64_t d = 0;
  for (int i = 0; i < g.npeers; i++) d += g.peers[i]->drops;
  return d;
}

static void open_window(void) {
  g.win_open = true;
  g.win_start = g.index;
  g.win_end = UINT32_MAX;
  g.nsamples = 0;
  g.report_due_ms = 0;
  g.win_drops0 = total_drops();
  for (int i = 0; i < g.npeers; i++) g.peers[i]->win_rx = g.peers[i]->win_gaps = g.peers[i]->win_late = 0;
  emit("{\"ev\":\"mark\",\"index\":%" PRIu32 "}", g.index);
}

static void report_window(void) {
  uint64_t rx = 0, gaps = 0, late = 0;
  int subs = 0, silent = 0;
  for (int i = 0; i < g.npeers; i++) {
    peer *p = g.peers[i];
    if (p->publisher || p->aux || p->state != P_UP) continue;
    subs++;
    rx += p->win_rx, gaps += p->win_gaps, late += p->win_late;
    if (!p->win_rx) silent++;
  }
  int live_pubs = 0; /* each sent every index of the window */
  for (int k = 0; k < g.npubs; k++) live_pubs += g.pubs[k]->state == P_UP;
  uint64_t sent = (uint64_t)(g.win_end - g.win_start) * (uint64_t)live_pubs;
  qsort(g.samples, g.nsamples, sizeof g.samples[0], cmp_u32);
#define PCT(q) (g.nsamples ? g.samples[(size_t)((double)(g.nsamples - 1) * (q))] / 1000.0 : 0.0)
  emit("{\"ev\":\"report\",\"sent\":%" PRIu64 ",\"subs\":%d,\"silent\":%d,\"expected\":%" PRIu64
       ",\"received\":%" PRIu64 ",\"seq_gaps\":%" PRIu64 ",\"late\":%" PRIu64 ",\"client_drops\":%" PRIu64
       ",\"samples\":%zu,\"p50_us\":%.1f,\"p99_us\":%.1f,\"max_us\":%.1f,\"keyframes\":%" PRIu64
       ",\"plis\":%" PRIu64 ",\"nacks\":%" PRIu64 ",\"send_errors\":%" PRIu64 "}",
       sent, subs, silent, sent * (uint64_t)subs, rx, gaps, late, total_drops() - g.win_drops0, g.nsamples,
       PCT(0.50), PCT(0.99), PCT(1.0), g.keyframes, g.plis, g.nacks, g.send_errors);
#undef PCT
  g.win_open = false;
  g.report_due_ms = 0;
}

/* ---- commands ---- */

static peer *find_peer(int id) {
  for (int i = 0; i < g.npeers; i++)
    if (g.peers[i]->id == id) return g.peers[i];
  return NULL;
}

static int add_fd(int fd, uint32_t tag) {
  struct epoll_event ev = {.events = EPOLLIN, .data.u32 = tag};
  return epoll_ctl(g.epfd, EPOLL_CTL_ADD, fd, &ev);
}

static void cmd_peer(int id, const char *role) {
  if (g.npeers == MAX_PEERS || find_peer(id) ||
      (strcmp(role, "pub") && strcmp(role, "sub") && strcmp(role, "aux"))) {
    emit("{\"ev\":\"error\",\"why\":\"bad peer command\"}");
    return;
  }
  peer *p = calloc(1, sizeof *p);
  int one = 1, rcv = 1 << 20;
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t alen = sizeof a;
  const char *bind_ip = getenv("FWD_PEER_IP"); /* another local address than 127.0.0.1 */
  if (bind_ip && inet_pton(AF_INET, bind_ip, &a.sin_addr) != 1) {
    emit("{\"ev\":\"error\",\"why\":\"FWD_PEER_IP is not an IPv4 address\"}");
    free(p);
    return;
  }
  if (!p || (p->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0 ||
      setsockopt(p->fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv) != 0 ||
      setsockopt(p->fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one) != 0 ||
      setsockopt(p->fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one) != 0 ||
      bind(p->fd, (struct sockaddr *)&a, sizeof a) != 0 ||
      getsockname(p->fd, (struct sockaddr *)&a, &alen) != 0 ||
      add_fd(p->fd, TAG_PEER + (uint32_t)g.npeers) != 0) {
    emit("{\"ev\":\"error\",\"why\":\"socket: %s\"}", strerror(errno));
    if (p && p->fd > 0) close(p->fd);
    free(p);
    return;
  }
  p->id = id;
  p->publisher = role[0] == 'p';
  p->aux = role[0] == 'a';
  random_alnum(p->ufrag, 8);
  random_alnum(p->pwd, 24);
  g.peers[g.npeers++] = p;
  char ip[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &a.sin_addr, ip, sizeof ip);
  emit("{\"ev\":\"peer\",\"id\":%d,\"ufrag\":\"%s\",\"pwd\":\"%s\",\"ip\":\"%s\",\"port\":%u}", id, p->ufrag,
       p->pwd, ip, (unsigned)ntohs(a.sin_port));
}

/* Replaces p's UDP socket by a TCP connection to the server (ICE-TCP, the active side). */
static int use_tcp(peer *p, int index) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
  if (fd < 0 || connect(fd, (struct sockaddr *)&p->server, sizeof p->server) != 0) {
    if (fd >= 0) close(fd);
    return -1;
  }
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  epoll_ctl(g.epfd, EPOLL_CTL_DEL, p->fd, NULL);
  close(p->fd);
  p->fd = fd;
  p->tcp = true;
  if (!(p->store = malloc(TCP_FRAME_MAX))) return -1;
  rfc4571_reader_init(&p->rd, p->store, TCP_FRAME_MAX);
  struct epoll_event ev = {.events = EPOLLIN, .data.u32 = TAG_PEER + (uint32_t)index};
  return epoll_ctl(g.epfd, EPOLL_CTL_ADD, fd, &ev);
}

static void cmd_connect(const char *line) {
  int id, port;
  char ip[64], ufrag[257], pwd[257], fp[128], how[8] = "udp";
  peer *p;
  int n = sscanf(line, "connect %d %63s %d %256s %256s %127s %7s", &id, ip, &port, ufrag, pwd, fp, how);
  if ((n != 6 && n != 7) || !(p = find_peer(id)) || p->state != P_NEW || port < 1 || port > 65535 ||
      (strcmp(how, "udp") && strcmp(how, "tcp")) || inet_pton(AF_INET, ip, &p->server.sin_addr) != 1 ||
      dtls_fingerprint_parse(fp, p->fp) != 0) {
    emit("{\"ev\":\"error\",\"why\":\"bad connect command\"}");
    return;
  }
  p->server.sin_family = AF_INET;
  p->server.sin_port = htons((uint16_t)port);
  if (!strcmp(how, "tcp")) {
    int index = 0;
    while (g.peers[index] != p) index++;
    if (use_tcp(p, index) != 0) {
      fail_peer(p, "cannot connect over TCP");
      return;
    }
  }
  snprintf(p->username, sizeof p->username, "%s:%s", ufrag, p->ufrag);
  snprintf(p->rpwd, sizeof p->rpwd, "%s", pwd);
  p->state = P_ICE;
  send_check(p, mono_ms());
}

static void cmd_line(const char *line) {
  int id, k;
  unsigned ssrc, pt, ridext = 0;
  char role[8];
  peer *p;
  if (sscanf(line, "peer %d %7s", &id, role) == 2) {
    cmd_peer(id, role);
  } else if (!strncmp(line, "connect ", 8)) {
    cmd_connect(line);
  } else if ((k = sscanf(line, "publish %d %u %u %u", &id, &ssrc, &pt, &ridext)) >= 3 &&
             (p = find_peer(id)) && p->publisher && pt < 128 && (k == 3 || (ridext >= 1 && ridext <= 14))) {
    if (!p->publishing) {
      if (g.npubs == MAX_PUBS) {
        emit("{\"ev\":\"error\",\"why\":\"too many publishers\"}");
        return;
      }
      g.pubs[g.npubs++] = p;
    }
    p->publishing = true;
    p->ssrc = ssrc;
    p->pt = (uint8_t)pt;
    p->rid_ext = k == 4 ? (uint8_t)ridext : 0;
  } else if (!strcmp(line, "mark")) {
    open_window();
  } else if (!strcmp(line, "report") && g.win_open) {
    g.win_end = g.index;
    g.report_due_ms = mono_ms() + DRAIN_MS;
  } else if (!strcmp(line, "quit")) {
    exit(0);
  } else {
    emit("{\"ev\":\"error\",\"why\":\"unknown command\"}");
  }
}

/* Returns false at end of input. */
static bool read_stdin(void) {
  ssize_t n = read(0, g.inbuf + g.inlen, sizeof g.inbuf - 1 - g.inlen);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return false;
  if (n < 0) return true;
  g.inlen += (size_t)n;
  char *start = g.inbuf, *nl;
  while ((nl = memchr(start, '\n', g.inlen - (size_t)(start - g.inbuf)))) {
    *nl = '\0';
    cmd_line(start);
    start = nl + 1;
  }
  g.inlen -= (size_t)(start - g.inbuf);
  memmove(g.inbuf, start, g.inlen);
  if (g.inlen == sizeof g.inbuf - 1) g.inlen = 0; /* an overlong line: dropped */
  return true;
}

static void housekeeping(void) {
  uint64_t now = mono_ms();
  for (int i = 0; i < g.npeers; i++) {
    peer *p = g.peers[i];
    if ((p->state == P_ICE || p->state == P_DTLS || p->state == P_UP) && now >= p->next_stun_ms)
      send_check(p, now);
    if (p->state == P_DTLS) {
      dtls_conn_tick(p->dtls, now);
      flush_dtls(p);
      check_dtls(p);
    }
  }
  if (g.report_due_ms && now >= g.report_due_ms) report_window();
}

static int periodic_timer(uint64_t period_ns) {
  int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  struct itimerspec its = {
      .it_interval = {(time_t)(period_ns / 1000000000u), (long)(period_ns % 1000000000u)}};
  its.it_value = its.it_interval;
  if (fd < 0 || timerfd_settime(fd, 0, &its, NULL) != 0) return -1;
  return fd;
}

int main(int argc, char **argv) {
  (void)argv;
  if (argc != 1) {
    fprintf(stderr, "usage: forward_peers   (driven over stdin by bench/bench_forward.mjs)\n");
    return 2;
  }
  char err[256] = "";
  if (srtp_global_init() != 0 || !(g.identity = dtls_identity_new(err, sizeof err)) ||
      !(g.samples = malloc(MAX_SAMPLES * sizeof g.samples[0]))) {
    fprintf(stderr, "forward_peers: cannot initialise SRTP/DTLS %s\n", err);
    return 1;
  }
  dtls_identity_fingerprint(g.identity, g.fingerprint);
  g.epfd = epoll_create1(EPOLL_CLOEXEC);
  g.frame_fd = periodic_timer(1000000000u / FPS);
  g.house_fd = periodic_timer(HOUSE_MS * 1000000u);
  fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
  if (g.epfd < 0 || g.frame_fd < 0 || g.house_fd < 0 || add_fd(0, TAG_STDIN) != 0 ||
      add_fd(g.frame_fd, TAG_FRAME) != 0 || add_fd(g.house_fd, TAG_HOUSE) != 0) {
    fprintf(stderr, "forward_peers: epoll/timerfd: %s\n", strerror(errno));
    return 1;
  }
  emit("{\"ev\":\"ready\",\"fingerprint\":\"%s\"}", g.fingerprint);
  for (;;) {
    struct epoll_event evs[64];
    int n = epoll_wait(g.epfd, evs, 64, -1);
    if (n < 0 && errno != EINTR) return 1;
    for (int i = 0; i < n; i++) {
      uint32_t tag = evs[i].data.u32;
      uint64_t expirations;
      if (tag == TAG_STDIN) {
        if (!read_stdin()) return 0;
      } else if (tag == TAG_FRAME) {
        if (read(g.frame_fd, &expirations, sizeof expirations) == sizeof expirations)
          for (uint64_t k = 0; k < expirations && k < 3; k++)
            send_frame(); /* catch up a late wake, a little */
      } else if (tag == TAG_HOUSE) {
        if (read(g.house_fd, &expirations, sizeof expirations) == sizeof expirations) housekeeping();
      } else if (tag - TAG_PEER < (uint32_t)g.npeers) {
        drain_socket(g.peers[tag - TAG_PEER]);
      }
    }
  }
}
