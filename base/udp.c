/* Batched UDP (see udp.h). */
#include "base/udp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103 /* linux/udp.h, Linux >= 4.18 */
#endif

socklen_t udp_addr_len(const struct sockaddr_storage *a) {
  return a->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

int udp_addr_from(const char *ip, int port, struct sockaddr_storage *ss) {
  memset(ss, 0, sizeof *ss);
  struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
  struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
  if (inet_pton(AF_INET, ip, &a4->sin_addr) == 1) {
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)port);
  } else if (inet_pton(AF_INET6, ip, &a6->sin6_addr) == 1) {
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons((uint16_t)port);
  } else {
    return -1;
  }
  return 0;
}

int udp_open(udp_socket *u, const char *ip, int port) {
  memset(u, 0, sizeof *u);
  struct sockaddr_storage ss;
  if (udp_addr_from(ip, port, &ss) != 0) {
    log_error("media: invalid bind address %s", ip);
    return -1;
  }
  u->fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (u->fd < 0) return -1;
  int buf = 4 << 20;
  setsockopt(u->fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
  setsockopt(u->fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
  if (bind(u->fd, (struct sockaddr *)&ss, udp_addr_len(&ss)) != 0) {
    log_error("media: cannot bind UDP %s:%d: %s", ip, port, strerror(errno));
    close(u->fd);
    u->fd = -1;
    return -1;
  }
  socklen_t sl = sizeof ss;
  getsockname(u->fd, (struct sockaddr *)&ss, &sl);
  u->port = ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
                                          : ((struct sockaddr_in6 *)&ss)->sin6_port);
  /* The message headers point at their slot's iovec, buffer and address once for all: per
   * packet only the lengths change (and the address, copied at its own length). */
  for (int i = 0; i < UDP_BATCH; i++) {
    u->in.iov[i].iov_base = u->in.buf[i];
    u->in.iov[i].iov_len = UDP_MAX_PACKET;
    u->in.msgs[i].msg_hdr.msg_iov = &u->in.iov[i];
    u->in.msgs[i].msg_hdr.msg_iovlen = 1;
    u->in.msgs[i].msg_hdr.msg_name = &u->in.addr[i];
  }
  for (int i = 0; i < UDP_OUT_BATCH; i++) u->out.iov[i].iov_base = u->out.buf[i];
  const char *gso = getenv("MOA_UDP_GSO");
  u->gso = !(gso && strcmp(gso, "0") == 0);
  return 0;
}

void udp_close(udp_socket *u) {
  if (u->fd >= 0) close(u->fd);
  u->fd = -1;
}

int udp_recv_batch(udp_socket *u) {
  for (int i = 0; i < UDP_BATCH; i++)
    u->in.msgs[i].msg_hdr.msg_namelen = sizeof u->in.addr[i]; /* the kernel shortens it */
  int n = recvmmsg(u->fd, u->in.msgs, UDP_BATCH, MSG_DONTWAIT, NULL);
  u->in.count = n > 0 ? n : 0;
  return u->in.count;
}

uint8_t *udp_next_buf(udp_socket *u) {
  /* Without GSO nothing is gained by holding more: flush at UDP_BATCH, so the first subscribers'
   * packets do not wait for the whole fan-out (as before GSO). */
  if (u->out.count == (u->gso ? UDP_OUT_BATCH : UDP_BATCH)) udp_flush(u);
  return u->out.buf[u->out.count];
}

void udp_queue(udp_socket *u, size_t len, const struct sockaddr_storage *to) {
  int i = u->out.count++;
  socklen_t alen = udp_addr_len(to);
  u->out.iov[i].iov_len = len;
  memcpy(&u->out.addr[i], to, alen); /* 16 bytes for IPv4, not the whole sockaddr_storage */
}

_Static_assert(2 * UDP_OUT_BATCH == 2048, "addr_slot yields 11 bits");

static uint32_t addr_slot(const struct sockaddr_storage *a) {
  uint32_t h;
  if (a->ss_family == AF_INET6) {
    const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)a;
    uint32_t w[4];
    memcpy(w, &s->sin6_addr, sizeof w);
    h = w[0] ^ w[1] ^ w[2] ^ w[3] ^ s->sin6_port;
  } else {
    const struct sockaddr_in *s = (const struct sockaddr_in *)a;
    h = s->sin_addr.s_addr ^ ((uint32_t)s->sin_port << 16 | s->sin_port);
  }
  h *= 2654435761u;
  return h >> 21; /* 11 bits: 2 * UDP_OUT_BATCH slots */
}

static bool addr_same(const struct sockaddr_storage *a, const struct sockaddr_storage *b) {
  if (a->ss_family != b->ss_family) return false;
  if (a->ss_family == AF_INET6) {
    const struct sockaddr_in6 *x = (const struct sockaddr_in6 *)a, *y = (const struct sockaddr_in6 *)b;
    return x->sin6_port == y->sin6_port && memcmp(&x->sin6_addr, &y->sin6_addr, 16) == 0;
  }
  const struct sockaddr_in *x = (const struct sockaddr_in *)a, *y = (const struct sockaddr_in *)b;
  return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
}

/* Groups the queued packets into runs (see udp.h); returns how many. Without GSO each packet
 * is a run of its own. */
static int build_runs(udp_socket *u) {
  udp_out_batch *o = &u->out;
  int nruns = 0;
  if (u->gso) memset(o->slot_run, 0xff, sizeof o->slot_run);
  for (int i = 0; i < o->count; i++) {
    uint32_t len = (uint32_t)o->iov[i].iov_len;
    o->next[i] = -1;
    uint32_t h = 0;
    if (u->gso) {
      h = addr_slot(&o->addr[i]);
      while (o->slot_run[h] >= 0 && !addr_same(&o->addr[o->runs[o->slot_run[h]].first], &o->addr[i]))
        h = (h + 1) % (2 * UDP_OUT_BATCH);
      int r = o->slot_run[h];
      struct udp_run *run = r >= 0 ? &o->runs[r] : NULL;
      if (run && run->open && len <= run->seg && run->segs < UDP_GSO_SEGMENTS &&
          run->bytes + len <= UDP_GSO_BYTES) {
        o->next[run->last] = i;
        run->last = i;
        run->segs++;
        run->bytes += len;
        if (len < run->seg) run->open = false;
        continue;
      }
    }
    o->runs[nruns] =
        (struct udp_run){.first = i, .last = i, .segs = 1, .bytes = len, .seg = (uint16_t)len, .open = true};
    if (u->gso) o->slot_run[h] = (int16_t)nruns;
    nruns++;
  }
  return nruns;
}

/* The sendmmsg entry of run r: its packets' iovecs from *iov_used on, UDP_SEGMENT when several. */
static void build_entry(udp_socket *u, int r, int *iov_used) {
  udp_out_batch *o = &u->out;
  const struct udp_run *run = &o->runs[r];
  struct msghdr *h = &o->send[r].msg_hdr;
  h->msg_name = &o->addr[run->first];
  h->msg_namelen = udp_addr_len(&o->addr[run->first]);
  h->msg_iov = &o->send_iov[*iov_used];
  h->msg_iovlen = (size_t)run->segs;
  h->msg_flags = 0;
  for (int p = run->first; p >= 0; p = o->next[p]) o->send_iov[(*iov_used)++] = o->iov[p];
  if (run->segs > 1) {
    h->msg_control = o->ctl[r].raw;
    h->msg_controllen = sizeof o->ctl[r].raw;
    struct cmsghdr *cm = CMSG_FIRSTHDR(h);
    cm->cmsg_level = SOL_UDP;
    cm->cmsg_type = UDP_SEGMENT;
    cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
    memcpy(CMSG_DATA(cm), &run->seg, sizeof run->seg);
  } else {
    h->msg_control = NULL;
    h->msg_controllen = 0;
  }
}

/* A GSO run the kernel refused: its packets one by one. A device or kernel without UDP GSO
 * (EIO: no checksum offload on the route's device; EOPNOTSUPP, ENOPROTOOPT) turns GSO off for
 * the socket; another error (EINVAL for a segment over the path MTU, a full buffer) only
 * concerns this run. */
static void send_run_singly(udp_socket *u, int r, int err) {
  udp_out_batch *o = &u->out;
  const struct udp_run *run = &o->runs[r];
  if (err == EIO || err == EOPNOTSUPP || err == ENOPROTOOPT) {
    if (u->gso)
      log_warn("media: UDP GSO refused by the kernel (%s): sending packet by packet", strerror(err));
    u->gso = false;
  }
  for (int p = run->first; p >= 0; p = o->next[p]) {
    struct msghdr h = {.msg_name = &o->addr[run->first],
                       .msg_namelen = udp_addr_len(&o->addr[run->first]),
                       .msg_iov = &o->iov[p],
                       .msg_iovlen = 1};
    if (sendmsg(u->fd, &h, MSG_DONTWAIT) < 0) {
      u->send_errors++;
      continue;
    }
    u->sent_packets++;
    u->sent_bytes += o->iov[p].iov_len;
  }
}

void udp_flush(udp_socket *u) {
  udp_out_batch *o = &u->out;
  if (!o->count) return;
  int nruns = build_runs(u), iov_used = 0;
  for (int r = 0; r < nruns; r++) build_entry(u, r, &iov_used);
  int off = 0;
  while (off < nruns) {
    int n = sendmmsg(u->fd, o->send + off, (unsigned)(nruns - off), MSG_DONTWAIT);
    if (n <= 0) {
      if (o->runs[off].segs > 1) {
        send_run_singly(u, off, errno);
      } else {
        /* A full socket buffer or an unreachable peer: drop this one, keep the rest going. */
        u->send_errors++;
      }
      off++;
      continue;
    }
    for (int r = off; r < off + n; r++) {
      u->sent_packets += (uint64_t)o->runs[r].segs;
      u->sent_bytes += o->runs[r].bytes;
      if (o->runs[r].segs > 1) {
        u->gso_sends++;
        u->gso_packets += (uint64_t)o->runs[r].segs;
      }
    }
    off += n;
  }
  o->count = 0;
}
