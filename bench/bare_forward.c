/* The bare forwarding floor of bench_forward.mjs (issue 13): what forwarding one publisher to N
 * UDP subscribers costs with nothing but the kernel's UDP and a header rewrite, no ICE, no DTLS,
 * no SFU state. Three threads in one process, on 127.0.0.1:
 *   - the publisher sends what forward_peers' publisher sends: 30 frames/s of 5 back-to-back RTP
 *     packets of 1,200 bytes (150 packets/s), one sendto each, to the forwarder's socket;
 *   - the forwarder, one thread as a Moa media worker: epoll_wait on its socket, recvmmsg batches
 *     of 32, and per packet and subscriber a copy into the outgoing batch, the SSRC and sequence
 *     number rewritten to the subscriber's, and sendmmsg of the batch (when full and after each
 *     received batch, as base/udp.c does);
 *   - the sink: the N subscriber sockets in one epoll loop, counting what arrives and, without
 *     SRTP, the latency from the publisher's send call (CLOCK_REALTIME in the payload) to the
 *     kernel's receive timestamp (SO_TIMESTAMPNS) of the subscriber's socket.
 * The figure is the forwarder thread's CPU time (/proc/self/task/TID/schedstat, ns) per packet it
 * forwarded, as bench_forward measures the moa process: on loopback the kernel delivers a
 * datagram into the receiving socket within the sender's system call, so both figures include
 * the delivery, and neither includes the subscribers' reads.
 *
 * Options (after N ROUNDS ROUND_MS):
 *   srtp PROFILE  the publisher protects with PROFILE (SRTP_AEAD_AES_128_GCM or
 *                 SRTP_AES128_CM_SHA1_80), the forwarder unprotects each packet once and protects
 *                 every copy with the subscriber's own session (gateway/rtc/srtp.c): the floor
 *                 with Moa's crypto;
 *   gso           the copies of one received batch that go to one subscriber leave in one
 *                 sendmmsg entry with UDP_SEGMENT (UDP GSO, Linux >= 4.18): equal-size segments,
 *                 the last may be shorter, so a run of packets of one size is one entry; the
 *                 experiment of issue 13 item 3.
 * Prints one JSON line: {"subs","mode","fwd_per_s","cpu_us","cpu_all","recv_per_s","lost",
 * "p50_us","p99_us","max_us","send_errors"} (medians of the rounds; latency only without SRTP).
 *
 * Usage: bare_forward N ROUNDS ROUND_MS [srtp PROFILE] [gso]   (run by bench/bench_forward.mjs) */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <linux/net_tstamp.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "gateway/rtc/srtp.h"

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif

#define MAX_SUBS 1024
#define PKT_BYTES 1200
#define FPS 30
#define PKTS_PER_FRAME 5
#define BATCH 32 /* as base/udp.h UDP_BATCH */
#define SLOT (1500 + 160)
#define GSO_MAX 40 /* segments per GSO send (the kernel takes up to 64 KB and 128 segments) */
#define GSO_BYTES (GSO_MAX * SLOT)
#define WARMUP_MS 1000
#define MAX_SAMPLES (1 << 20)

typedef struct sub {
  int fd;
  struct sockaddr_in addr;
  uint32_t ssrc;
  uint16_t seq_off;
  srtp_pair *srtp; /* the forwarder's session toward it (srtp mode) */
} sub;

static struct {
  int nsubs;
  bool gso;
  bool use_srtp;
  dtls_srtp_profile profile;
  sub subs[MAX_SUBS];
  int fwd_fd; /* the forwarder's socket */
  struct sockaddr_in fwd_addr;
  srtp_pair *pub_srtp, *fwd_in_srtp; /* the publisher's session and the forwarder's from it */
  atomic_bool stop;
  atomic_int fwd_tid;
  atomic_uint_fast64_t forwarded, send_errors, received;
  atomic_bool window; /* the sink records latency samples */
  uint32_t *samples;  /* µs, written by the sink while window */
  atomic_size_t nsamples;
} g;

static int64_t realtime_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void keys_for(int index, dtls_srtp_keys *fwd_side, dtls_srtp_keys *peer_side) {
  memset(fwd_side, 0, sizeof *fwd_side);
  fwd_side->profile = g.profile;
  fwd_side->key_len = DTLS_SRTP_KEY_LEN;
  fwd_side->salt_len = g.profile == DTLS_SRTP_AEAD_AES_128_GCM ? 12 : 14;
  for (int i = 0; i < DTLS_SRTP_KEY_LEN; i++)
    fwd_side->local_key[i] = (uint8_t)(i * 13 + index),
    fwd_side->remote_key[i] = (uint8_t)(i * 29 + index * 7);
  for (int i = 0; i < DTLS_SRTP_MAX_SALT_LEN; i++)
    fwd_side->local_salt[i] = (uint8_t)(i * 5 + index), fwd_side->remote_salt[i] = (uint8_t)(i * 11 + index);
  *peer_side = *fwd_side;
  memcpy(peer_side->local_key, fwd_side->remote_key, DTLS_SRTP_KEY_LEN);
  memcpy(peer_side->remote_key, fwd_side->local_key, DTLS_SRTP_KEY_LEN);
  memcpy(peer_side->local_salt, fwd_side->remote_salt, DTLS_SRTP_MAX_SALT_LEN);
  memcpy(peer_side->remote_salt, fwd_side->local_salt, DTLS_SRTP_MAX_SALT_LEN);
}

static int udp_socket_on_loopback(struct sockaddr_in *bound) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int buf = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t l = sizeof a;
  if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || getsockname(fd, (struct sockaddr *)bound, &l) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

/* ---- the publisher ---- */

static void *publisher_main(void *arg) {
  (void)arg;
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
  struct itimerspec its = {.it_interval = {0, 1000000000L / FPS}, .it_value = {0, 1000000000L / FPS}};
  if (fd < 0 || tfd < 0 || timerfd_settime(tfd, 0, &its, NULL) != 0) {
    perror("bare_forward: publisher");
    exit(1);
  }
  uint16_t seq = 1;
  uint32_t ts = 0;
  _Alignas(8) uint8_t buf[SLOT];
  while (!atomic_load(&g.stop)) {
    uint64_t exp;
    if (read(tfd, &exp, sizeof exp) != sizeof exp) continue;
    for (int i = 0; i < PKTS_PER_FRAME; i++, seq++) {
      memset(buf, 0xab, PKT_BYTES);
      buf[0] = 0x80;
      buf[1] = (uint8_t)(96 | (i == PKTS_PER_FRAME - 1 ? 0x80 : 0));
      buf[2] = (uint8_t)(seq >> 8), buf[3] = (uint8_t)seq;
      buf[4] = (uint8_t)(ts >> 24), buf[5] = (uint8_t)(ts >> 16), buf[6] = (uint8_t)(ts >> 8),
      buf[7] = (uint8_t)ts;
      buf[8] = 0x11, buf[9] = 0x22, buf[10] = 0x33, buf[11] = 0x44;
      int64_t now = realtime_ns();
      memcpy(buf + 12, &now, sizeof now);
      int n = PKT_BYTES;
      if (g.use_srtp && srtp_pair_protect_rtp(g.pub_srtp, buf, &n, SLOT) != 0) continue;
      sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&g.fwd_addr, sizeof g.fwd_addr);
    }
    ts += 90000 / FPS;
  }
  close(fd);
  close(tfd);
  return NULL;
}

/* ---- the forwarder ---- */

static struct {
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];
  uint8_t (*buf)[GSO_BYTES]; /* BATCH entries: one packet each, or one GSO run */
  union {
    char raw[CMSG_SPACE(sizeof(uint16_t))];
    struct cmsghdr align;
  } ctl[BATCH];
  int count;
} out;

static void out_flush(void) {
  int off = 0;
  while (off < out.count) {
    int n = sendmmsg(g.fwd_fd, out.msgs + off, (unsigned)(out.count - off), MSG_DONTWAIT);
    if (n <= 0) {
      atomic_fetch_add_explicit(&g.send_errors, 1, memory_order_relaxed);
      off++;
      continue;
    }
    off += n;
  }
  out.count = 0;
}

/* Queues out.buf[out.count] (len bytes) to s; with seg > 0 a GSO send of seg-byte segments. */
static void out_queue(const sub *s, size_t len, uint16_t seg) {
  int i = out.count++;
  out.iov[i].iov_len = len;
  struct msghdr *h = &out.msgs[i].msg_hdr;
  h->msg_name = (void *)&s->addr;
  h->msg_namelen = sizeof s->addr;
  if (seg) {
    h->msg_control = out.ctl[i].raw;
    h->msg_controllen = sizeof out.ctl[i].raw;
    struct cmsghdr *cm = CMSG_FIRSTHDR(h);
    cm->cmsg_level = SOL_UDP;
    cm->cmsg_type = UDP_SEGMENT;
    cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
    memcpy(CMSG_DATA(cm), &seg, sizeof seg);
  } else {
    h->msg_control = NULL;
    h->msg_controllen = 0;
  }
  if (out.count == BATCH) out_flush();
}

/* The copy of packet pkt (len bytes) for subscriber s at dst: rewritten, protected; its length. */
static size_t rewrite(const sub *s, uint8_t *dst, const uint8_t *pkt, size_t len) {
  memcpy(dst, pkt, len);
  uint16_t seq = (uint16_t)((pkt[2] << 8 | pkt[3]) + s->seq_off);
  dst[2] = (uint8_t)(seq >> 8), dst[3] = (uint8_t)seq;
  dst[8] = (uint8_t)(s->ssrc >> 24), dst[9] = (uint8_t)(s->ssrc >> 16);
  dst[10] = (uint8_t)(s->ssrc >> 8), dst[11] = (uint8_t)s->ssrc;
  int n = (int)len;
  if (g.use_srtp && srtp_pair_protect_rtp(s->srtp, dst, &n, SLOT) != 0) return 0;
  return (size_t)n;
}

static void *forwarder_main(void *arg) {
  (void)arg;
  atomic_store(&g.fwd_tid, (int)syscall(SYS_gettid));
  static struct mmsghdr in[BATCH];
  static struct iovec iov[BATCH];
  static uint8_t inbuf[BATCH][SLOT];
  static size_t inlen[BATCH];
  for (int i = 0; i < BATCH; i++) {
    out.iov[i].iov_base = out.buf[i];
    out.msgs[i].msg_hdr.msg_iov = &out.iov[i];
    out.msgs[i].msg_hdr.msg_iovlen = 1;
  }
  int ep = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event ev = {.events = EPOLLIN};
  epoll_ctl(ep, EPOLL_CTL_ADD, g.fwd_fd, &ev);
  uint64_t forwarded = 0;
  while (!atomic_load_explicit(&g.stop, memory_order_relaxed)) {
    struct epoll_event evs[4];
    epoll_wait(ep, evs, 4, 100);
    for (;;) {
      for (int i = 0; i < BATCH; i++) {
        iov[i].iov_base = inbuf[i];
        iov[i].iov_len = SLOT;
        memset(&in[i].msg_hdr, 0, sizeof in[i].msg_hdr);
        in[i].msg_hdr.msg_iov = &iov[i];
        in[i].msg_hdr.msg_iovlen = 1;
      }
      int n = recvmmsg(g.fwd_fd, in, BATCH, MSG_DONTWAIT, NULL);
      if (n <= 0) break;
      int kept = 0;
      for (int i = 0; i < n; i++) {
        int len = (int)in[i].msg_len;
        if (len < 12 || (g.use_srtp && srtp_pair_unprotect_rtp(g.fwd_in_srtp, inbuf[i], &len) != 0)) {
          inlen[i] = 0;
          continue;
        }
        inlen[i] = (size_t)len;
        kept++;
      }
      if (!g.gso) {
        for (int i = 0; i < n; i++) {
          if (!inlen[i]) continue;
          for (int k = 0; k < g.nsubs; k++) {
            size_t m = rewrite(&g.subs[k], out.buf[out.count], inbuf[i], inlen[i]);
            if (m) out_queue(&g.subs[k], m, 0);
          }
        }
      } else {
        /* Per subscriber, runs of equal-size packets (a run's last may be shorter, and then ends
         * it) written straight into one outgoing entry, sent as one GSO datagram. */
        for (int k = 0; k < g.nsubs; k++) {
          size_t used = 0, seg = 0, seg_in = 0;
          int segs = 0;
          for (int i = 0; i < n; i++) {
            if (!inlen[i]) continue;
            if (segs && (segs == GSO_MAX || used % seg || inlen[i] > seg_in || used + SLOT > 64000)) {
              out_queue(&g.subs[k], used, segs > 1 ? (uint16_t)seg : 0);
              used = 0, segs = 0;
            }
            size_t m = rewrite(&g.subs[k], out.buf[out.count] + used, inbuf[i], inlen[i]);
            if (!m) continue;
            if (!segs) seg = m, seg_in = inlen[i];
            used += m;
            segs++;
          }
          if (segs) out_queue(&g.subs[k], used, segs > 1 ? (uint16_t)seg : 0);
        }
      }
      out_flush();
      forwarded += (uint64_t)kept * (uint64_t)g.nsubs;
      atomic_store_explicit(&g.forwarded, forwarded, memory_order_relaxed);
    }
  }
  close(ep);
  return NULL;
}

/* ---- the sink ---- */

static void *sink_main(void *arg) {
  (void)arg;
  int ep = epoll_create1(EPOLL_CLOEXEC);
  for (int k = 0; k < g.nsubs; k++) {
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)k};
    epoll_ctl(ep, EPOLL_CTL_ADD, g.subs[k].fd, &ev);
  }
  static struct mmsghdr in[BATCH];
  static struct iovec iov[BATCH];
  static uint8_t buf[BATCH][SLOT];
  static union {
    char raw[CMSG_SPACE(sizeof(struct timespec)) + 64];
    struct cmsghdr align;
  } ctl[BATCH];
  while (!atomic_load_explicit(&g.stop, memory_order_relaxed)) {
    struct epoll_event evs[64];
    int ne = epoll_wait(ep, evs, 64, 100);
    for (int e = 0; e < ne; e++) {
      int fd = g.subs[evs[e].data.u32].fd;
      for (;;) {
        for (int i = 0; i < BATCH; i++) {
          iov[i].iov_base = buf[i];
          iov[i].iov_len = SLOT;
          memset(&in[i].msg_hdr, 0, sizeof in[i].msg_hdr);
          in[i].msg_hdr.msg_iov = &iov[i];
          in[i].msg_hdr.msg_iovlen = 1;
          in[i].msg_hdr.msg_control = ctl[i].raw;
          in[i].msg_hdr.msg_controllen = sizeof ctl[i].raw;
        }
        int n = recvmmsg(fd, in, BATCH, MSG_DONTWAIT, NULL);
        if (n <= 0) break;
        atomic_fetch_add_explicit(&g.received, (uint64_t)n, memory_order_relaxed);
        if (g.use_srtp || !atomic_load_explicit(&g.window, memory_order_acquire)) continue;
        for (int i = 0; i < n; i++) {
          if (in[i].msg_len < 20) continue;
          for (struct cmsghdr *cm = CMSG_FIRSTHDR(&in[i].msg_hdr); cm; cm = CMSG_NXTHDR(&in[i].msg_hdr, cm)) {
            if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_TIMESTAMPNS) continue;
            struct timespec ts;
            memcpy(&ts, CMSG_DATA(cm), sizeof ts);
            int64_t sent;
            memcpy(&sent, buf[i] + 12, sizeof sent);
            int64_t d = ((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec - sent) / 1000;
            size_t at = atomic_load_explicit(&g.nsamples, memory_order_relaxed);
            if (at < MAX_SAMPLES) {
              g.samples[at] = d < 0 ? 0 : (uint32_t)d;
              atomic_store_explicit(&g.nsamples, at + 1, memory_order_release);
            }
          }
        }
      }
    }
  }
  close(ep);
  return NULL;
}

/* ---- rounds ---- */

static uint64_t thread_ns(int tid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/self/task/%d/schedstat", tid);
  FILE *f = fopen(path, "r");
  unsigned long long ns = 0;
  if (f) {
    if (fscanf(f, "%llu", &ns) != 1) ns = 0;
    fclose(f);
  }
  return ns;
}

static void sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: bare_forward N ROUNDS ROUND_MS [srtp PROFILE] [gso]\n");
    return 2;
  }
  g.nsubs = atoi(argv[1]);
  int rounds = atoi(argv[2]), round_ms = atoi(argv[3]);
  if (g.nsubs < 1 || g.nsubs > MAX_SUBS || rounds < 1 || rounds > 100 || round_ms < 100) {
    fprintf(stderr, "bare_forward: N 1..%d, ROUNDS 1..100, ROUND_MS >= 100\n", MAX_SUBS);
    return 2;
  }
  for (int i = 4; i < argc; i++) {
    if (strcmp(argv[i], "gso") == 0) {
      g.gso = true;
    } else if (strcmp(argv[i], "srtp") == 0 && i + 1 < argc) {
      const char *p = argv[++i];
      if (strncmp(p, "SRTP_", 5) == 0) p += 5; /* "SRTP_AEAD_AES_128_GCM" or "AEAD_AES_128_GCM" */
      g.use_srtp = true;
      if (strcmp(p, "AEAD_AES_128_GCM") == 0)
        g.profile = DTLS_SRTP_AEAD_AES_128_GCM;
      else if (strcmp(p, "AES128_CM_SHA1_80") == 0 || strcmp(p, "AES_CM_128_HMAC_SHA1_80") == 0)
        g.profile = DTLS_SRTP_AES128_CM_SHA1_80;
      else {
        fprintf(stderr, "bare_forward: unknown profile %s\n", p);
        return 2;
      }
    } else {
      fprintf(stderr, "bare_forward: unknown option %s\n", argv[i]);
      return 2;
    }
  }
  if (!(g.samples = malloc(MAX_SAMPLES * sizeof *g.samples)) || !(out.buf = malloc(BATCH * sizeof *out.buf)))
    return 1;
  if ((g.fwd_fd = udp_socket_on_loopback(&g.fwd_addr)) < 0) {
    perror("bare_forward: socket");
    return 1;
  }
  if (g.use_srtp) {
    srtp_global_init();
    dtls_srtp_keys a, b;
    keys_for(0, &a, &b);
    if (!(g.fwd_in_srtp = srtp_pair_new(&a)) || !(g.pub_srtp = srtp_pair_new(&b))) return 1;
  }
  for (int k = 0; k < g.nsubs; k++) {
    sub *s = &g.subs[k];
    if ((s->fd = udp_socket_on_loopback(&s->addr)) < 0) {
      perror("bare_forward: subscriber socket");
      return 1;
    }
    int on = 1;
    setsockopt(s->fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
    s->ssrc = 0x5000000u + (uint32_t)k;
    s->seq_off = (uint16_t)(k * 977);
    if (g.use_srtp) {
      dtls_srtp_keys a, b;
      keys_for(k + 1, &a, &b);
      if (!(s->srtp = srtp_pair_new(&a))) return 1;
    }
  }
  pthread_t fwd, pub, sink;
  pthread_create(&sink, NULL, sink_main, NULL);
  pthread_create(&fwd, NULL, forwarder_main, NULL);
  pthread_create(&pub, NULL, publisher_main, NULL);
  sleep_ms(WARMUP_MS);
  int tid = atomic_load(&g.fwd_tid);
  double *cpu = calloc((size_t)rounds, sizeof *cpu), *rate = calloc((size_t)rounds, sizeof *rate);
  double *recv = calloc((size_t)rounds, sizeof *recv), *p50 = calloc((size_t)rounds, sizeof *p50);
  double *p99 = calloc((size_t)rounds, sizeof *p99);
  double maxlat = 0;
  uint64_t lost = 0;
  char all[2048] = "";
  size_t alen = 0;
  for (int r = 0; r < rounds; r++) {
    atomic_store(&g.nsamples, 0);
    atomic_store_explicit(&g.window, true, memory_order_release);
    uint64_t c0 = thread_ns(tid), f0 = atomic_load(&g.forwarded), v0 = atomic_load(&g.received);
    struct timespec w0, w1;
    clock_gettime(CLOCK_MONOTONIC, &w0);
    sleep_ms(round_ms);
    uint64_t c1 = thread_ns(tid), f1 = atomic_load(&g.forwarded);
    clock_gettime(CLOCK_MONOTONIC, &w1);
    atomic_store_explicit(&g.window, false, memory_order_release);
    sleep_ms(100); /* what was in flight arrives */
    uint64_t v1 = atomic_load(&g.received);
    double s = (double)(w1.tv_sec - w0.tv_sec) + (double)(w1.tv_nsec - w0.tv_nsec) / 1e9;
    cpu[r] = f1 > f0 ? (double)(c1 - c0) / 1000.0 / (double)(f1 - f0) : 0;
    rate[r] = (double)(f1 - f0) / s;
    recv[r] = (double)(v1 - v0) / (s + 0.1);
    if (v1 - v0 < f1 - f0) lost += (f1 - f0) - (v1 - v0);
    size_t n = atomic_load_explicit(&g.nsamples, memory_order_acquire);
    if (n) {
      qsort(g.samples, n, sizeof *g.samples, cmp_u32);
      p50[r] = g.samples[n / 2];
      p99[r] = g.samples[(size_t)((double)(n - 1) * 0.99)];
      if (g.samples[n - 1] > maxlat) maxlat = g.samples[n - 1];
    }
    alen += (size_t)snprintf(all + alen, sizeof all - alen, "%s%.2f", r ? " " : "", cpu[r]);
    if (alen >= sizeof all) alen = sizeof all - 1;
  }
  atomic_store(&g.stop, true);
  pthread_join(pub, NULL);
  pthread_join(fwd, NULL);
  pthread_join(sink, NULL);
  const char *mode =
      g.use_srtp ? (g.profile == DTLS_SRTP_AEAD_AES_128_GCM ? "srtp-gcm" : "srtp-cm") : "plain";
  printf(
      "{\"subs\":%d,\"mode\":\"%s%s\",\"fwd_per_s\":%.0f,\"cpu_us\":%.3f,\"cpu_all\":\"%s\",\"recv_per_s\":%."
      "0f,"
      "\"lost\":%llu,\"p50_us\":%.0f,\"p99_us\":%.0f,\"max_us\":%.0f,\"send_errors\":%llu}\n",
      g.nsubs, mode, g.gso ? "+gso" : "", median(rate, rounds), median(cpu, rounds), all,
      median(recv, rounds), (unsigned long long)lost, g.use_srtp ? 0 : median(p50, rounds),
      g.use_srtp ? 0 : median(p99, rounds), maxlat, (unsigned long long)atomic_load(&g.send_errors));
  for (int k = 0; k < g.nsubs; k++) {
    close(g.subs[k].fd);
    srtp_pair_free(g.subs[k].srtp);
  }
  srtp_pair_free(g.pub_srtp);
  srtp_pair_free(g.fwd_in_srtp);
  close(g.fwd_fd);
  free(g.samples);
  free(cpu), free(rate), free(recv), free(p50), free(p99);
  return 0;
}
