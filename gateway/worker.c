/* A media worker thread (see worker.h): epoll over the UDP socket, the command mailbox's
 * eventfd and the ICE-TCP listener and connections; a 20 ms tick for timers, sooner while a
 * subscriber's pacer holds packets. Each wake-up handles ICE-TCP events, drains the UDP socket
 * in recvmmsg batches, handles every datagram, lets the pacers send what their budgets allow,
 * and flushes the outgoing sendmmsg batch and the ICE-TCP queues before sleeping again. */
#include "gateway/worker.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "gateway/ice_tcp.h"
#include "gateway/rtc/srtp.h"

#define TICK_MS 20

struct media_worker {
  uint8_t index;
  pthread_t thread;
  atomic_bool stop;
  int epfd;
  udp_socket udp;
  ice_tcp *tcp; /* NULL: ICE-TCP off */
  mailbox *cmds;
  mailbox *events;
  sfu *sfu;
  sfu_counters counters;
};

static void *worker_main(void *arg) {
  media_worker *w = arg;
  uint64_t next_tick = mono_ms() + TICK_MS;
  int64_t pace_us = -1; /* until a pacer may send again (-1: none waits) */
  while (!atomic_load(&w->stop)) {
    uint64_t now = mono_ms();
    int timeout = next_tick > now ? (int)(next_tick - now) : 0;
    if (pace_us >= 0) { /* wake for the pacers, at most every millisecond */
      int pace_ms = (int)((pace_us + 999) / 1000);
      if (pace_ms < 1) pace_ms = 1;
      if (pace_ms < timeout) timeout = pace_ms;
    }
    struct epoll_event evs[64];
    int n = epoll_wait(w->epfd, evs, 64, timeout);
    if (n < 0 && errno != EINTR) {
      log_error("media worker %u: epoll: %s", w->index, strerror(errno));
      break;
    }
    sfu_set_clock(w->sfu, mono_us());
    for (int i = 0; i < n; i++) {
      if (evs[i].data.u64 == 1) {
        mailbox_clear_fd(w->cmds);
        media_cmd cmd;
        while (mailbox_take(w->cmds, &cmd)) sfu_handle_cmd(w->sfu, &cmd);
      } else if (evs[i].data.u64 >= ICE_TCP_EV_LISTEN && w->tcp) {
        ice_tcp_on_event(w->tcp, evs[i].data.u64, evs[i].events);
      }
    }
    /* Drain the socket whether or not epoll said so: cheap when empty, and fair to commands.
     * The time it takes when datagrams came is moa_media_forward_seconds_total: two clock reads
     * per loop turn, not per packet. */
    int got, rounds = 0;
    int64_t drain_start = mono_ns();
    while (rounds++ < 64 && (got = udp_recv_batch(&w->udp)) > 0) {
      for (int i = 0; i < got; i++)
        sfu_on_datagram(w->sfu, w->udp.in.buf[i], w->udp.in.msgs[i].msg_len, &w->udp.in.addr[i]);
      udp_flush(&w->udp);
    }
    if (rounds > 1) sfu_add_forward_ns(w->sfu, (uint64_t)(mono_ns() - drain_start));
    uint64_t now_ms = sfu_now_ms(w->sfu);
    if (now_ms >= next_tick) {
      sfu_tick(w->sfu);
      ice_tcp_tick(w->tcp, now_ms);
      next_tick = now_ms + TICK_MS;
    }
    pace_us = sfu_pace(w->sfu);
    udp_flush(&w->udp);
    ice_tcp_flush(w->tcp);
    sfu_publish_counters(w->sfu);
    atomic_store_explicit(&w->counters.packets_out, w->udp.sent_packets, memory_order_relaxed);
    atomic_store_explicit(&w->counters.bytes_out, w->udp.sent_bytes, memory_order_relaxed);
  }
  sfu_delete(w->sfu);
  w->sfu = NULL;
  return NULL;
}

media_worker *worker_start(uint8_t index, const char *ip, int port, int tcp_port,
                           const dtls_identity *identity, mailbox *events) {
  media_worker *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  w->index = index;
  w->events = events;
  w->epfd = -1;
  if (udp_open(&w->udp, ip, port) != 0) goto fail;
  if (!(w->cmds = mailbox_new(4096, sizeof(media_cmd), NULL, NULL))) goto fail;
  w->epfd = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0};
  if (w->epfd < 0 || epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->udp.fd, &ev) != 0) goto fail;
  ev.data.u64 = 1;
  if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, mailbox_fd(w->cmds), &ev) != 0) goto fail;
  srtp_global_init();
  if (!(w->sfu = sfu_new(index, &w->udp, identity, events, &w->counters))) goto fail;
  if (tcp_port >= 0) {
    if (!(w->tcp = ice_tcp_open(ip, tcp_port, w->epfd, w->sfu, &w->counters))) goto fail;
    sfu_set_ice_tcp(w->sfu, w->tcp, ice_tcp_send);
  }
  if (pthread_create(&w->thread, NULL, worker_main, w) != 0) goto fail;
  if (w->tcp)
    log_info("media worker %u on UDP %s:%d, ICE-TCP %d", index, ip, w->udp.port, ice_tcp_port(w->tcp));
  else
    log_info("media worker %u on UDP %s:%d", index, ip, w->udp.port);
  return w;
fail:
  log_error("media worker %u could not start", index);
  sfu_delete(w->sfu);
  ice_tcp_close(w->tcp);
  if (w->epfd >= 0) close(w->epfd);
  mailbox_free(w->cmds);
  udp_close(&w->udp);
  free(w);
  return NULL;
}

void worker_stop(media_worker *w) {
  if (!w) return;
  atomic_store(&w->stop, true);
  media_cmd nop;
  memset(&nop, 0, sizeof nop);
  nop.type = MC_KEYFRAME; /* wakes the loop; no producer 0 exists */
  mailbox_post(w->cmds, &nop);
  pthread_join(w->thread, NULL);
  log_info("media worker %u: %llu UDP packets sent, %llu of them in %llu GSO sends, %llu refused", w->index,
           (unsigned long long)w->udp.sent_packets, (unsigned long long)w->udp.gso_packets,
           (unsigned long long)w->udp.gso_sends, (unsigned long long)w->udp.send_errors);
  ice_tcp_close(w->tcp);
  close(w->epfd);
  mailbox_free(w->cmds);
  udp_close(&w->udp);
  free(w);
}

int worker_post(media_worker *w, const media_cmd *cmd) { return mailbox_post(w->cmds, cmd); }
int worker_port(const media_worker *w) { return w->udp.port; }
int worker_tcp_port(const media_worker *w) { return w->tcp ? ice_tcp_port(w->tcp) : 0; }
const sfu_counters *worker_counters(const media_worker *w) { return &w->counters; }
