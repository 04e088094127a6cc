/* Batched UDP (see udp.h). */
#include "gateway/udp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "gateway/log.h"

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
    u->out.iov[i].iov_base = u->out.buf[i];
    u->out.msgs[i].msg_hdr.msg_iov = &u->out.iov[i];
    u->out.msgs[i].msg_hdr.msg_iovlen = 1;
    u->out.msgs[i].msg_hdr.msg_name = &u->out.addr[i];
  }
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
  if (u->out.count == UDP_BATCH) udp_flush(u);
  return u->out.buf[u->out.count];
}

void udp_queue(udp_socket *u, size_t len, const struct sockaddr_storage *to) {
  int i = u->out.count++;
  socklen_t alen = udp_addr_len(to);
  u->out.iov[i].iov_len = len;
  memcpy(&u->out.addr[i], to, alen); /* 16 bytes for IPv4, not the whole sockaddr_storage */
  u->out.msgs[i].msg_hdr.msg_namelen = alen;
}

void udp_flush(udp_socket *u) {
  int off = 0;
  while (off < u->out.count) {
    int n = sendmmsg(u->fd, u->out.msgs + off, (unsigned)(u->out.count - off), MSG_DONTWAIT);
    if (n <= 0) {
      /* A full socket buffer or an unreachable peer: drop this one, keep the rest going. */
      u->send_errors++;
      off++;
      continue;
    }
    for (int i = off; i < off + n; i++) u->sent_bytes += u->out.iov[i].iov_len;
    u->sent_packets += (uint64_t)n;
    off += n;
  }
  u->out.count = 0;
}
