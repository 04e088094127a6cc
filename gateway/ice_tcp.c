/* ICE-TCP connections of one media worker (see ice_tcp.h). Connections live in a fixed table of
 * ICE_TCP_MAX_CONNS slots; a connection id is its slot plus a generation (id = gen << 16 | slot
 * + 1), so an id held by a transport after its connection closed finds nothing rather than a
 * newer connection in the same slot. A closed connection is flagged and freed at the end of the
 * loop turn (ice_tcp_flush), never while a caller up the stack may still hold it.
 *
 * Reads go into one worker-wide buffer; the RFC 4571 reader hands out frames in place when they
 * lie whole in it and copies only a frame split across reads into the connection's own store.
 * Writes append framed packets to a per-connection queue flushed with one send() per connection
 * per turn (many packets per system call, as sendmmsg does for UDP). */
#include "gateway/ice_tcp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/log.h"
#include "gateway/rtc/rfc4571.h"

#define READ_CHUNK 16384
#define READS_PER_EVENT 4
#define ACCEPTS_PER_EVENT 64

typedef struct ice_tcp_conn {
  uint32_t id;
  int fd;
  struct sockaddr_storage peer;
  uint64_t opened_ms, last_rx_ms;
  uint32_t transport_id; /* 0 until a valid ICE check came on this connection */
  bool seen_first;       /* the first frame (a STUN Binding request) came */
  bool closing;
  bool out_armed; /* EPOLLOUT registered: the kernel buffer was full */
  bool dirty;     /* on the flush list */
  rfc4571_reader rd;
  uint8_t *out; /* queued framed output: bytes [out_off, out_len) are unsent */
  size_t out_off, out_len, out_cap;
  struct ice_tcp_conn *next_dirty;
  uint8_t store[ICE_TCP_MAX_FRAME];
} ice_tcp_conn;

struct ice_tcp {
  int fd, port, epfd;
  sfu *sfu;
  sfu_counters *counters;
  ice_tcp_conn *slots[ICE_TCP_MAX_CONNS];
  uint16_t gen[ICE_TCP_MAX_CONNS];
  int nconns, npending, nclosing;
  ice_tcp_conn *dirty;
  uint64_t last_tick_ms;
  uint8_t rbuf[READ_CHUNK];
};

static void count(ice_tcp *it, atomic_uint_fast64_t *c, uint64_t n) {
  (void)it;
  atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

static ice_tcp_conn *conn_get(ice_tcp *it, uint32_t id) {
  uint32_t slot = (id & 0xffffu) - 1;
  if (slot >= ICE_TCP_MAX_CONNS) return NULL;
  ice_tcp_conn *c = it->slots[slot];
  return c && c->id == id ? c : NULL;
}

/* Marks c closed (counted under `why`): its socket is closed now, the struct freed at the end
 * of the turn. A transport using it loses its path. */
static void conn_close(ice_tcp *it, ice_tcp_conn *c, ice_tcp_close_reason why) {
  if (c->closing) return;
  c->closing = true;
  it->nclosing++;
  if (!c->transport_id) it->npending--;
  count(it, &it->counters->tcp_closed[why], 1);
  atomic_fetch_sub_explicit(&it->counters->tcp_conns, 1, memory_order_relaxed);
  epoll_ctl(it->epfd, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
  c->fd = -1;
  if (c->transport_id) sfu_on_tcp_closed(it->sfu, c->transport_id, c->id);
  log_debug("ice-tcp: connection %u closed (%d)", c->id, (int)why);
}

static void conn_free(ice_tcp *it, ice_tcp_conn *c) {
  it->slots[(c->id & 0xffffu) - 1] = NULL;
  it->nconns--;
  free(c->out);
  free(c);
}

ice_tcp *ice_tcp_open(const char *ip, int port, int epfd, sfu *s, sfu_counters *counters) {
  struct sockaddr_storage ss;
  if (udp_addr_from(ip, port, &ss) != 0) {
    log_error("ice-tcp: invalid bind address %s", ip);
    return NULL;
  }
  ice_tcp *it = calloc(1, sizeof *it);
  if (!it) return NULL;
  it->epfd = epfd;
  it->sfu = s;
  it->counters = counters;
  it->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (it->fd < 0) goto fail;
  int one = 1;
  setsockopt(it->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(it->fd, (struct sockaddr *)&ss, udp_addr_len(&ss)) != 0 || listen(it->fd, 128) != 0) {
    log_error("ice-tcp: cannot listen on TCP %s:%d: %s", ip, port, strerror(errno));
    goto fail;
  }
  socklen_t sl = sizeof ss;
  getsockname(it->fd, (struct sockaddr *)&ss, &sl);
  it->port = ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
                                           : ((struct sockaddr_in6 *)&ss)->sin6_port);
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = ICE_TCP_EV_LISTEN};
  if (epoll_ctl(epfd, EPOLL_CTL_ADD, it->fd, &ev) != 0) goto fail;
  return it;
fail:
  if (it->fd >= 0) close(it->fd);
  free(it);
  return NULL;
}

void ice_tcp_close(ice_tcp *it) {
  if (!it) return;
  for (int i = 0; i < ICE_TCP_MAX_CONNS; i++) {
    ice_tcp_conn *c = it->slots[i];
    if (!c) continue;
    if (!c->closing) {
      atomic_fetch_sub_explicit(&it->counters->tcp_conns, 1, memory_order_relaxed);
      close(c->fd);
    }
    conn_free(it, c);
  }
  epoll_ctl(it->epfd, EPOLL_CTL_DEL, it->fd, NULL);
  close(it->fd);
  free(it);
}

int ice_tcp_port(const ice_tcp *it) { return it->port; }

/* The oldest connection still waiting for a valid ICE check. */
static ice_tcp_conn *oldest_pending(ice_tcp *it) {
  ice_tcp_conn *best = NULL;
  for (int i = 0; i < ICE_TCP_MAX_CONNS; i++) {
    ice_tcp_conn *c = it->slots[i];
    if (c && !c->closing && !c->transport_id && (!best || c->opened_ms < best->opened_ms)) best = c;
  }
  return best;
}

static void on_accept(ice_tcp *it) {
  for (int k = 0; k < ACCEPTS_PER_EVENT; k++) {
    struct sockaddr_storage peer;
    socklen_t pl = sizeof peer;
    int fd = accept4(it->fd, (struct sockaddr *)&peer, &pl, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE) log_warn("ice-tcp: accept: %s", strerror(errno));
      return; /* EAGAIN, or the peer gave up already */
    }
    count(it, &it->counters->tcp_accepted, 1);
    if (it->nconns >= ICE_TCP_MAX_CONNS) { /* slots of closed connections free at turn end */
      close(fd);
      count(it, &it->counters->tcp_closed[ICE_TCP_CLOSE_FULL], 1);
      continue;
    }
    if (it->npending >= ICE_TCP_MAX_PENDING) {
      ice_tcp_conn *old = oldest_pending(it);
      if (old) conn_close(it, old, ICE_TCP_CLOSE_EVICTED);
    }
    int slot = 0;
    while (slot < ICE_TCP_MAX_CONNS && it->slots[slot]) slot++;
    ice_tcp_conn *c = slot < ICE_TCP_MAX_CONNS ? calloc(1, sizeof *c) : NULL;
    if (!c) {
      close(fd);
      count(it, &it->counters->tcp_closed[ICE_TCP_CLOSE_FULL], 1);
      continue;
    }
    c->id = (uint32_t)++it->gen[slot] << 16 | (uint32_t)(slot + 1);
    c->fd = fd;
    c->peer = peer;
    c->opened_ms = c->last_rx_ms = sfu_now_ms(it->sfu);
    rfc4571_reader_init(&c->rd, c->store, sizeof c->store);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = ICE_TCP_EV_CONN | c->id};
    if (epoll_ctl(it->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
      close(fd);
      free(c);
      count(it, &it->counters->tcp_closed[ICE_TCP_CLOSE_ERROR], 1);
      continue;
    }
    it->slots[slot] = c;
    it->nconns++;
    it->npending++;
    atomic_fetch_add_explicit(&it->counters->tcp_conns, 1, memory_order_relaxed);
  }
}

/* RFC 6544: the active side's first frame is its connectivity check. Anything else (garbage,
 * another protocol, an empty frame) is not an ICE peer: the connection closes. */
static bool is_binding_request(const uint8_t *f, size_t n) {
  return n >= 20 && f[0] == 0x00 && f[1] == 0x01 && f[4] == 0x21 && f[5] == 0x12 && f[6] == 0xa4 &&
         f[7] == 0x42;
}

static void on_readable(ice_tcp *it, ice_tcp_conn *c) {
  for (int k = 0; k < READS_PER_EVENT && !c->closing; k++) {
    ssize_t n = recv(c->fd, it->rbuf, sizeof it->rbuf, MSG_DONTWAIT);
    if (n == 0) {
      conn_close(it, c, ICE_TCP_CLOSE_PEER);
      return;
    }
    if (n < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) conn_close(it, c, ICE_TCP_CLOSE_ERROR);
      return;
    }
    c->last_rx_ms = sfu_now_ms(it->sfu);
    uint8_t *d = it->rbuf, *f;
    size_t l = (size_t)n, fl;
    int rc;
    while ((rc = rfc4571_read(&c->rd, &d, &l, &f, &fl)) == 1) {
      if (!c->seen_first) {
        if (!is_binding_request(f, fl)) {
          conn_close(it, c, ICE_TCP_CLOSE_NOT_STUN);
          return;
        }
        c->seen_first = true;
      }
      if (fl == 0) continue; /* legal framing, nothing to handle */
      count(it, &it->counters->tcp_frames_in, 1);
      count(it, &it->counters->tcp_bytes_in, fl);
      uint32_t tid = sfu_on_tcp_frame(it->sfu, f, fl, &c->peer, c->id, c->transport_id);
      if (c->closing) return; /* closed by a send that overflowed its queue */
      if (tid && tid != c->transport_id) {
        if (!c->transport_id) it->npending--;
        c->transport_id = tid;
      }
    }
    if (rc < 0) {
      conn_close(it, c, ICE_TCP_CLOSE_OVERSIZED);
      return;
    }
    if ((size_t)n < sizeof it->rbuf) return; /* drained */
  }
}

static void arm_out(ice_tcp *it, ice_tcp_conn *c, bool on) {
  if (c->out_armed == on) return;
  struct epoll_event ev = {.events = EPOLLIN | (on ? EPOLLOUT : 0), .data.u64 = ICE_TCP_EV_CONN | c->id};
  if (epoll_ctl(it->epfd, EPOLL_CTL_MOD, c->fd, &ev) == 0) c->out_armed = on;
}

/* Writes as much of c's queue as the kernel takes. */
static void conn_write(ice_tcp *it, ice_tcp_conn *c) {
  while (!c->closing && c->out_off < c->out_len) {
    ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (errno == EINTR) continue;
      conn_close(it, c, ICE_TCP_CLOSE_ERROR);
      return;
    }
    c->out_off += (size_t)n;
  }
  if (c->out_off == c->out_len) c->out_off = c->out_len = 0;
  arm_out(it, c, c->out_len > 0);
}

void ice_tcp_on_event(ice_tcp *it, uint64_t data, uint32_t events) {
  if (data == ICE_TCP_EV_LISTEN) {
    on_accept(it);
    return;
  }
  ice_tcp_conn *c = conn_get(it, (uint32_t)data);
  if (!c || c->closing) return;
  if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) on_readable(it, c);
  if (!c->closing && (events & EPOLLOUT)) conn_write(it, c);
}

int ice_tcp_send(ice_tcp *it, uint32_t conn, const uint8_t *buf, size_t len) {
  ice_tcp_conn *c = it ? conn_get(it, conn) : NULL;
  if (!c || c->closing || len > RFC4571_MAX_FRAME) return -1;
  size_t need = RFC4571_HEADER + len;
  if (c->out_len + need > c->out_cap) {
    if (c->out_off) { /* reclaim what was sent */
      memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
      c->out_len -= c->out_off;
      c->out_off = 0;
    }
    if (c->out_len + need > c->out_cap) {
      if (c->out_len + need > ICE_TCP_OUTQ_MAX) { /* the peer does not read: drop it */
        conn_close(it, c, ICE_TCP_CLOSE_SLOW);
        return -1;
      }
      size_t cap = c->out_cap ? c->out_cap : 16384;
      while (cap < c->out_len + need) cap *= 2;
      if (cap > ICE_TCP_OUTQ_MAX) cap = ICE_TCP_OUTQ_MAX;
      uint8_t *nb = realloc(c->out, cap);
      if (!nb) {
        conn_close(it, c, ICE_TCP_CLOSE_ERROR);
        return -1;
      }
      c->out = nb;
      c->out_cap = cap;
    }
  }
  rfc4571_put_header(c->out + c->out_len, len);
  memcpy(c->out + c->out_len + RFC4571_HEADER, buf, len);
  c->out_len += need;
  count(it, &it->counters->tcp_frames_out, 1);
  count(it, &it->counters->tcp_bytes_out, len);
  if (!c->dirty && !c->out_armed) { /* an armed connection is written when the kernel has room */
    c->dirty = true;
    c->next_dirty = it->dirty;
    it->dirty = c;
  }
  return 0;
}

void ice_tcp_flush(ice_tcp *it) {
  if (!it) return;
  while (it->dirty) {
    ice_tcp_conn *c = it->dirty;
    it->dirty = c->next_dirty;
    c->dirty = false;
    if (!c->closing) conn_write(it, c);
  }
  if (it->nclosing) {
    for (int i = 0; i < ICE_TCP_MAX_CONNS && it->nclosing; i++)
      if (it->slots[i] && it->slots[i]->closing) {
        conn_free(it, it->slots[i]);
        it->nclosing--;
      }
  }
}

void ice_tcp_tick(ice_tcp *it, uint64_t now_ms) {
  if (!it || now_ms - it->last_tick_ms < 250) return;
  it->last_tick_ms = now_ms;
  for (int i = 0; i < ICE_TCP_MAX_CONNS; i++) {
    ice_tcp_conn *c = it->slots[i];
    if (!c || c->closing) continue;
    if (!c->transport_id && now_ms - c->opened_ms > ICE_TCP_ICE_TIMEOUT_MS)
      conn_close(it, c, ICE_TCP_CLOSE_ICE_TIMEOUT);
    else if (now_ms - c->last_rx_ms > ICE_TCP_IDLE_MS)
      conn_close(it, c, ICE_TCP_CLOSE_IDLE);
  }
}
