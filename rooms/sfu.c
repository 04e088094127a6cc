/* The media worker's command handling, packet demultiplexing and timers (see sfu.h).
 * Demultiplexing follows RFC 7983 on the first byte: 0-3 STUN, 20-63 DTLS, 128-191 RTP/RTCP;
 * anything else, and anything but STUN from an address that completed no ICE check, is
 * dropped and counted. */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "gateway/rtc/stun.h"
#include "rooms/sfu_int.h"

/* ICE-TCP off: a frame for a connection has nowhere to go (as for a connection that is gone). */
static int no_tcp_send(ice_tcp *tcp, uint32_t conn, const uint8_t *buf, size_t len) { return -1; }

void sfu_init(sfu *s, uint8_t index, udp_socket *udp, const dtls_identity *identity, mailbox *events,
              sfu_counters *counters) {
  memset(s, 0, sizeof *s);
  s->index = index;
  s->udp = udp;
  s->identity = identity;
  s->events = events;
  s->counters = counters;
  s->tcp_send = no_tcp_send;
  s->server_ssrc = 0x4d4f4100u | index; /* "MOA" + worker */
  /* Per-subscriber layer allocation and probing (rooms/layer_control.c) run unless the server
   * is started with MOA_BANDWIDTH_ADAPTATION=0 (an operator's escape hatch; a coordinator turns
   * it off per room with room.update's adaptation). */
  const char *bwe = getenv("MOA_BANDWIDTH_ADAPTATION");
  s->adaptation = !(bwe && strcmp(bwe, "0") == 0);
  /* MOA_BWE_TRACE=FILE: every subscriber's transport-cc feedback is appended to FILE (a
   * debugging aid, docs/BWE.md); a file that cannot be opened is reported and not traced. */
  const char *trace = getenv("MOA_BWE_TRACE");
  s->bwe_trace_fd = -1;
  if (trace && *trace) {
    s->bwe_trace_fd = open(trace, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (s->bwe_trace_fd < 0) log_warn("media: MOA_BWE_TRACE %s: %s", trace, strerror(errno));
  }
}

sfu *sfu_new(uint8_t index, udp_socket *udp, const dtls_identity *identity, mailbox *events,
             sfu_counters *counters) {
  sfu *s = malloc(sizeof *s);
  if (s) sfu_init(s, index, udp, identity, events, counters);
  return s;
}

void sfu_delete(sfu *s) {
  if (!s) return;
  sfu_free(s);
  free(s);
}

void sfu_set_ice_tcp(sfu *s, ice_tcp *tcp, sfu_tcp_send_fn send) {
  assert(!tcp || send);
  s->tcp = tcp;
  s->tcp_send = tcp ? send : no_tcp_send;
}

void sfu_set_clock(sfu *s, int64_t now_us) {
  s->now_us = now_us;
  s->now_ms = (uint64_t)now_us / 1000u;
}

uint64_t sfu_now_ms(const sfu *s) { return s->now_ms; }

void sfu_add_forward_ns(sfu *s, uint64_t ns) { s->hot.forward_ns += ns; }

void sfu_publish_counters(sfu *s) {
  atomic_store_explicit(&s->counters->packets_in, s->hot.packets_in, memory_order_relaxed);
  atomic_store_explicit(&s->counters->bytes_in, s->hot.bytes_in, memory_order_relaxed);
  atomic_store_explicit(&s->counters->rtp_forwarded, s->hot.rtp_forwarded, memory_order_relaxed);
  atomic_store_explicit(&s->counters->forward_ns, s->hot.forward_ns, memory_order_relaxed);
}

void sfu_free(sfu *s) {
  while (s->routers) {
    router *r = s->routers;
    while (r->transports) transport_free(s, r->transports);
    router_release_if_empty(s, r);
  }
  /* Every object went with its router: the non-owning maps are empty. */
  for (size_t b = 0; b < SFU_BUCKETS; b++)
    assert(!s->by_id[b] && !s->by_addr[b] && !s->by_ufrag[b] && !s->producers_by_id[b] &&
           !s->consumers_by_id[b]);
  assert(!s->paced);
  recorder_shutdown(s);
  if (s->bwe_trace_fd >= 0) close(s->bwe_trace_fd);
  s->bwe_trace_fd = -1;
}

void sfu_post_event(sfu *s, media_event_type type, uint32_t room_id, uint32_t transport_id,
                    uint32_t producer_id, media_close_reason reason) {
  media_event ev = {.type = type,
                    .worker = s->index,
                    .room_id = room_id,
                    .transport_id = transport_id,
                    .producer_id = producer_id,
                    .reason = reason};
  if (s->events && mailbox_post(s->events, &ev) != 0) log_warn("media: event mailbox full, event dropped");
}

void sfu_handle_cmd(sfu *s, const media_cmd *cmd) {
  transport *t = cmd->transport_id ? transport_by_id(s, cmd->transport_id) : NULL;
  switch (cmd->type) {
    case MC_TRANSPORT_CREATE: {
      router *r = router_get(s, cmd->room_id, true);
      if (!r || !transport_new(s, r, cmd)) {
        log_warn("media: cannot create transport %u", cmd->transport_id);
        if (r) router_release_if_empty(s, r);
        sfu_post_event(s, ME_TRANSPORT_CLOSED, cmd->room_id, cmd->transport_id, 0, MEDIA_CLOSE_DTLS_FAILED);
      }
      break;
    }
    case MC_TRANSPORT_REMOTE:
      if (t) transport_set_remote(s, t, cmd);
      break;
    case MC_ICE_RESTART:
      if (t) transport_ice_restart(s, t, cmd);
      break;
    case MC_TRANSPORT_CLOSE:
      if (t) {
        router *r = t->router;
        transport_free(s, t);
        router_release_if_empty(s, r);
      }
      break;
    case MC_PRODUCER_ADD:
      if (!t || !producer_new(s, t, cmd)) log_warn("media: cannot add producer %u", cmd->producer_id);
      break;
    case MC_PRODUCER_REMOVE: {
      producer *p = producer_by_id(s, cmd->producer_id);
      if (p) producer_free(s, p);
      break;
    }
    case MC_PRODUCER_PAUSE: {
      producer *p = producer_by_id(s, cmd->producer_id);
      if (p) {
        bool resumed = p->paused && !cmd->u.producer.paused;
        p->paused = cmd->u.producer.paused;
        /* Consumers restart on a keyframe after a pause. */
        if (resumed)
          for (consumer *c = p->consumers; c; c = c->next_of_producer)
            c->waiting_keyframe = c->kind == MEDIA_VIDEO;
        if (resumed) producer_request_keyframe(s, p, -1, true);
      }
      break;
    }
    case MC_CONSUMER_ADD:
      if (!t || !consumer_new(s, t, cmd)) log_warn("media: cannot add consumer %u", cmd->consumer_id);
      break;
    case MC_CONSUMER_REMOVE: {
      consumer *c = consumer_by_id(s, cmd->consumer_id);
      if (c) consumer_free(s, c);
      break;
    }
    case MC_KEYFRAME: {
      producer *p = producer_by_id(s, cmd->producer_id);
      if (p) producer_request_keyframe(s, p, -1, true);
      break;
    }
    case MC_CONSUMER_VIEW: {
      consumer *c = consumer_by_id(s, cmd->consumer_id);
      if (c && (!t || c->owner == t)) {
        c->has_view = true;
        c->pinned = cmd->u.view.pinned;
        c->view_width = cmd->u.view.width;
        c->view_height = cmd->u.view.height;
        sub_bwe_consumers_changed(c->owner);
      }
      break;
    }
    case MC_RECORD_START:
    case MC_RECORD_STOP:
      recorder_handle_cmd(s, cmd);
      break;
    case MC_ROUTER_ADAPT: {
      router *r = router_get(s, cmd->room_id, false);
      if (r) {
        r->no_adapt = !cmd->u.adapt.on;
        for (transport *x = r->transports; x; x = x->next_in_router) sub_bwe_consumers_changed(x);
      }
      break;
    }
  }
}

/* DTLS or SRTP/SRTCP (by the first byte) for a transport, from its selected path. */
static void on_packet(sfu *s, transport *t, uint8_t *buf, size_t len) {
  uint8_t b = buf[0];
  if (b >= 20 && b <= 63)
    transport_on_dtls(s, t, buf, len);
  else if (b >= 128 && b <= 191)
    transport_on_srtp(s, t, buf, len);
  else
    atomic_fetch_add_explicit(&s->counters->dropped[DROP_MALFORMED], 1, memory_order_relaxed);
}

void sfu_on_datagram(sfu *s, uint8_t *buf, size_t len, const struct sockaddr_storage *from) {
  s->hot.packets_in++;
  s->hot.bytes_in += len;
  if (len == 0) return;
  if (buf[0] < 4) {
    transport_on_stun(s, buf, len, from, 0);
    return;
  }
  transport *t = transport_by_addr(s, from);
  if (!t) {
    atomic_fetch_add_explicit(&s->counters->dropped[DROP_UNKNOWN_ADDRESS], 1, memory_order_relaxed);
    return;
  }
  on_packet(s, t, buf, len);
}

uint32_t sfu_on_tcp_frame(sfu *s, uint8_t *buf, size_t len, const struct sockaddr_storage *from,
                          uint32_t conn, uint32_t tid) {
  if (len == 0) return tid;
  if (buf[0] < 4) {
    transport *t = transport_on_stun(s, buf, len, from, conn);
    return t ? t->id : tid;
  }
  /* Only the transport's selected path reaches DTLS and SRTP, as for UDP addresses. */
  transport *t = tid ? transport_by_id(s, tid) : NULL;
  if (!t || !t->has_addr || t->tcp_conn != conn) {
    atomic_fetch_add_explicit(&s->counters->dropped[DROP_UNKNOWN_ADDRESS], 1, memory_order_relaxed);
    return tid;
  }
  on_packet(s, t, buf, len);
  return tid;
}

void sfu_on_tcp_closed(sfu *s, uint32_t tid, uint32_t conn) {
  transport *t = transport_by_id(s, tid);
  if (t) transport_tcp_closed(s, t, conn);
}

void sfu_tick(sfu *s) {
  bool second = s->now_ms - s->last_second_ms >= 1000;
  if (second) s->last_second_ms = s->now_ms;
  for (router *r = s->routers, *rn; r; r = rn) {
    rn = r->next;
    for (transport *t = r->transports, *tn; t; t = tn) {
      tn = t->next_in_router;
      if (!transport_tick(s, t)) continue;
      for (producer *p = t->producers; p; p = p->next) producer_tick(s, p, second);
      if (second) {
        for (consumer *c = t->consumers; c; c = c->next) consumer_send_sr(s, c);
        publisher_send_remb(s, t);
      }
      sub_bwe_tick(s, t);
    }
    router_tick_speaker(s, r);
    router_release_if_empty(s, r);
  }
  recorder_tick(s);
  sfu_pace(s);
}
