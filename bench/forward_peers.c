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
 * This file holds the sockets, ICE, DTLS, the commands and the loop; forward_peers_media.c the
 * media and the measurement window; forward_peers_int.h what they share.
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
#include "forward_peers_int.h"
#include "gateway/rtc/rtp.h"

fwd_state fwd;

uint64_t fwd_now_ns(clockid_t clk) {
  struct timespec ts;
  clock_gettime(clk, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void fwd_emit(const char *fmt, ...) {
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

void fwd_fail_peer(peer *p, const char *why) {
  if (p->state == P_FAILED) return;
  p->state = P_FAILED;
  fwd_emit("{\"ev\":\"failed\",\"id\":%d,\"why\":\"%s\"}", p->id, why);
}

void fwd_send_to_server(peer *p, const uint8_t *buf, size_t len) {
  if (p->tcp) { /* a blocking write of the whole frame: this side sends little (checks, DTLS) */
    uint8_t hdr[RFC4571_HEADER];
    rfc4571_put_header(hdr, len);
    struct iovec iov[2] = {{hdr, sizeof hdr}, {(void *)buf, len}};
    struct msghdr mh = {.msg_iov = iov, .msg_iovlen = 2};
    ssize_t n = sendmsg(p->fd, &mh, MSG_NOSIGNAL);
    if (n != (ssize_t)(len + sizeof hdr)) fwd.send_errors++;
    return;
  }
  if (sendto(p->fd, buf, len, 0, (const struct sockaddr *)&p->server, sizeof p->server) < 0)
    fwd.send_errors++;
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
    fwd_fail_peer(p, "cannot build a STUN request");
    return;
  }
  fwd_send_to_server(p, buf, (size_t)n);
  p->next_stun_ms = now + (p->state == P_ICE ? STUN_RETRY_MS : CONSENT_MS);
}

static void flush_dtls(peer *p) {
  uint8_t buf[DTLS_MTU];
  int n;
  while ((n = dtls_conn_pending_out(p->dtls, buf, sizeof buf)) > 0) fwd_send_to_server(p, buf, (size_t)n);
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
  if (n > 0) fwd_send_to_server(p, out, (size_t)n);
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
  if (!(p->dtls = dtls_conn_new_ex(fwd.identity, false, p->fp, getenv("FWD_SRTP_PROFILE"))) ||
      dtls_conn_start(p->dtls) != 0) {
    fwd_fail_peer(p, "DTLS client could not start");
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
    fwd_fail_peer(p, dtls_conn_error(p->dtls));
  } else if (st == DTLS_CONN_CONNECTED && p->state == P_DTLS) {
    dtls_srtp_keys keys;
    if (dtls_conn_srtp_keys(p->dtls, &keys) != 0 || !(p->srtp = srtp_pair_new(&keys))) {
      fwd_fail_peer(p, "no SRTP keys");
      return;
    }
    p->state = P_UP;
    fwd_emit("{\"ev\":\"connected\",\"id\":%d,\"profile\":\"%s\"}", p->id, profile_name(keys.profile));
    memset(&keys, 0, sizeof keys);
    if (p->publisher) p->keyframe_wanted = true;
  }
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
    if (p->publisher) fwd_on_pub_rtcp(p, buf, len);
  } else if (p->state == P_UP && rtp_is_rtp(buf, len) && !p->publisher) {
    fwd_on_sub_rtp(p, buf, len, rx_ns);
  }
}

static void drain_tcp(peer *p) {
  static _Alignas(8) uint8_t buf[65536];
  for (int k = 0; k < 16; k++) {
    ssize_t n = recv(p->fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
      fwd_fail_peer(p, "ICE-TCP connection closed by the server");
      epoll_ctl(fwd.epfd, EPOLL_CTL_DEL, p->fd, NULL);
      return;
    }
    if (n < 0) return;
    uint64_t rx = fwd_now_ns(CLOCK_REALTIME);
    uint8_t *d = buf, *f;
    size_t l = (size_t)n, fl;
    int rc;
    while ((rc = rfc4571_read(&p->rd, &d, &l, &f, &fl)) == 1) on_datagram(p, f, fl, rx);
    if (rc < 0) {
      fwd_fail_peer(p, "oversized RFC 4571 frame from the server");
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
      if (!rx) rx = fwd_now_ns(CLOCK_REALTIME);
      on_datagram(p, bufs[i], msgs[i].msg_len, rx);
    }
    if (n < BATCH) return;
  }
}

/* ---- commands ---- */

static peer *find_peer(int id) {
  for (int i = 0; i < fwd.npeers; i++)
    if (fwd.peers[i]->id == id) return fwd.peers[i];
  return NULL;
}

static int add_fd(int fd, uint32_t tag) {
  struct epoll_event ev = {.events = EPOLLIN, .data.u32 = tag};
  return epoll_ctl(fwd.epfd, EPOLL_CTL_ADD, fd, &ev);
}

static void cmd_peer(int id, const char *role) {
  if (fwd.npeers == MAX_PEERS || find_peer(id) ||
      (strcmp(role, "pub") && strcmp(role, "sub") && strcmp(role, "aux"))) {
    fwd_emit("{\"ev\":\"error\",\"why\":\"bad peer command\"}");
    return;
  }
  peer *p = calloc(1, sizeof *p);
  int one = 1, rcv = 1 << 20;
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t alen = sizeof a;
  const char *bind_ip = getenv("FWD_PEER_IP"); /* another local address than 127.0.0.1 */
  if (bind_ip && inet_pton(AF_INET, bind_ip, &a.sin_addr) != 1) {
    fwd_emit("{\"ev\":\"error\",\"why\":\"FWD_PEER_IP is not an IPv4 address\"}");
    free(p);
    return;
  }
  if (!p || (p->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0 ||
      setsockopt(p->fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv) != 0 ||
      setsockopt(p->fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one) != 0 ||
      setsockopt(p->fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one) != 0 ||
      bind(p->fd, (struct sockaddr *)&a, sizeof a) != 0 ||
      getsockname(p->fd, (struct sockaddr *)&a, &alen) != 0 ||
      add_fd(p->fd, TAG_PEER + (uint32_t)fwd.npeers) != 0) {
    fwd_emit("{\"ev\":\"error\",\"why\":\"socket: %s\"}", strerror(errno));
    if (p && p->fd > 0) close(p->fd);
    free(p);
    return;
  }
  p->id = id;
  p->publisher = role[0] == 'p';
  p->aux = role[0] == 'a';
  random_alnum(p->ufrag, 8);
  random_alnum(p->pwd, 24);
  fwd.peers[fwd.npeers++] = p;
  char ip[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &a.sin_addr, ip, sizeof ip);
  fwd_emit("{\"ev\":\"peer\",\"id\":%d,\"ufrag\":\"%s\",\"pwd\":\"%s\",\"ip\":\"%s\",\"port\":%u}", id,
           p->ufrag, p->pwd, ip, (unsigned)ntohs(a.sin_port));
}

/* Replaces p's UDP socket by a TCP connection to the server (ICE-TCP, the active side). */
static int use_tcp(peer *p, int index) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
  if (fd < 0 || connect(fd, (struct sockaddr *)&p->server, sizeof p->server) != 0) {
    if (fd >= 0) close(fd);
    return -1;
  }
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  epoll_ctl(fwd.epfd, EPOLL_CTL_DEL, p->fd, NULL);
  close(p->fd);
  p->fd = fd;
  p->tcp = true;
  if (!(p->store = malloc(TCP_FRAME_MAX))) return -1;
  rfc4571_reader_init(&p->rd, p->store, TCP_FRAME_MAX);
  struct epoll_event ev = {.events = EPOLLIN, .data.u32 = TAG_PEER + (uint32_t)index};
  return epoll_ctl(fwd.epfd, EPOLL_CTL_ADD, fd, &ev);
}

static void cmd_connect(const char *line) {
  int id, port;
  char ip[64], ufrag[257], pwd[257], fp[128], how[8] = "udp";
  peer *p;
  int n = sscanf(line, "connect %d %63s %d %256s %256s %127s %7s", &id, ip, &port, ufrag, pwd, fp, how);
  if ((n != 6 && n != 7) || !(p = find_peer(id)) || p->state != P_NEW || port < 1 || port > 65535 ||
      (strcmp(how, "udp") && strcmp(how, "tcp")) || inet_pton(AF_INET, ip, &p->server.sin_addr) != 1 ||
      dtls_fingerprint_parse(fp, p->fp) != 0) {
    fwd_emit("{\"ev\":\"error\",\"why\":\"bad connect command\"}");
    return;
  }
  p->server.sin_family = AF_INET;
  p->server.sin_port = htons((uint16_t)port);
  if (!strcmp(how, "tcp")) {
    int index = 0;
    while (fwd.peers[index] != p) index++;
    if (use_tcp(p, index) != 0) {
      fwd_fail_peer(p, "cannot connect over TCP");
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
      if (fwd.npubs == MAX_PUBS) {
        fwd_emit("{\"ev\":\"error\",\"why\":\"too many publishers\"}");
        return;
      }
      fwd.pubs[fwd.npubs++] = p;
    }
    p->publishing = true;
    p->ssrc = ssrc;
    p->pt = (uint8_t)pt;
    p->rid_ext = k == 4 ? (uint8_t)ridext : 0;
  } else if (!strcmp(line, "mark")) {
    fwd_open_window();
  } else if (!strcmp(line, "report") && fwd.win_open) {
    fwd.win_end = fwd.index;
    fwd.report_due_ms = mono_ms() + DRAIN_MS;
  } else if (!strcmp(line, "quit")) {
    exit(0);
  } else {
    fwd_emit("{\"ev\":\"error\",\"why\":\"unknown command\"}");
  }
}

/* Returns false at end of input. */
static bool read_stdin(void) {
  ssize_t n = read(0, fwd.inbuf + fwd.inlen, sizeof fwd.inbuf - 1 - fwd.inlen);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return false;
  if (n < 0) return true;
  fwd.inlen += (size_t)n;
  char *start = fwd.inbuf, *nl;
  while ((nl = memchr(start, '\n', fwd.inlen - (size_t)(start - fwd.inbuf)))) {
    *nl = '\0';
    cmd_line(start);
    start = nl + 1;
  }
  fwd.inlen -= (size_t)(start - fwd.inbuf);
  memmove(fwd.inbuf, start, fwd.inlen);
  if (fwd.inlen == sizeof fwd.inbuf - 1) fwd.inlen = 0; /* an overlong line: dropped */
  return true;
}

static void housekeeping(void) {
  uint64_t now = mono_ms();
  for (int i = 0; i < fwd.npeers; i++) {
    peer *p = fwd.peers[i];
    if ((p->state == P_ICE || p->state == P_DTLS || p->state == P_UP) && now >= p->next_stun_ms)
      send_check(p, now);
    if (p->state == P_DTLS) {
      dtls_conn_tick(p->dtls, now);
      flush_dtls(p);
      check_dtls(p);
    }
  }
  if (fwd.report_due_ms && now >= fwd.report_due_ms) fwd_report_window();
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
  if (srtp_global_init() != 0 || !(fwd.identity = dtls_identity_new(err, sizeof err)) ||
      !(fwd.samples = malloc(MAX_SAMPLES * sizeof fwd.samples[0]))) {
    fprintf(stderr, "forward_peers: cannot initialise SRTP/DTLS %s\n", err);
    return 1;
  }
  dtls_identity_fingerprint(fwd.identity, fwd.fingerprint);
  fwd.epfd = epoll_create1(EPOLL_CLOEXEC);
  fwd.frame_fd = periodic_timer(1000000000u / FPS);
  fwd.house_fd = periodic_timer(HOUSE_MS * 1000000u);
  fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
  if (fwd.epfd < 0 || fwd.frame_fd < 0 || fwd.house_fd < 0 || add_fd(0, TAG_STDIN) != 0 ||
      add_fd(fwd.frame_fd, TAG_FRAME) != 0 || add_fd(fwd.house_fd, TAG_HOUSE) != 0) {
    fprintf(stderr, "forward_peers: epoll/timerfd: %s\n", strerror(errno));
    return 1;
  }
  fwd_emit("{\"ev\":\"ready\",\"fingerprint\":\"%s\"}", fwd.fingerprint);
  for (;;) {
    struct epoll_event evs[64];
    int n = epoll_wait(fwd.epfd, evs, 64, -1);
    if (n < 0 && errno != EINTR) return 1;
    for (int i = 0; i < n; i++) {
      uint32_t tag = evs[i].data.u32;
      uint64_t expirations;
      if (tag == TAG_STDIN) {
        if (!read_stdin()) return 0;
      } else if (tag == TAG_FRAME) {
        if (read(fwd.frame_fd, &expirations, sizeof expirations) == sizeof expirations)
          for (uint64_t k = 0; k < expirations && k < 3; k++)
            fwd_send_frame(); /* catch up a late wake, a little */
      } else if (tag == TAG_HOUSE) {
        if (read(fwd.house_fd, &expirations, sizeof expirations) == sizeof expirations) housekeeping();
      } else if (tag - TAG_PEER < (uint32_t)fwd.npeers) {
        drain_socket(fwd.peers[tag - TAG_PEER]);
      }
    }
  }
}
