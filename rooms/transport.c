/* transport: one browser PeerConnection on a media worker. ICE-lite (answer the peer's Binding
 * requests checked with our short-term password; learn its address from a valid check, switch on
 * USE-CANDIDATE; consent: close after 30 s without a check), DTLS (we are the DTLS server; the
 * remote certificate must match the SDP fingerprint), then SRTP for everything else.
 *
 * Only an address that sent a valid, integrity-checked Binding request is ever sent to, and
 * only packets from that address reach the DTLS and SRTP layers. The path is a UDP address or
 * an ICE-TCP connection (gateway/ice_tcp.h, sending through the sfu's tcp_send): the browser checks both and
 * nominates one (UDP when it works: its candidate has the higher priority); a check on the other is answered
 * on it, and USE-CANDIDATE moves the transport to whichever path carried it. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "gateway/rtc/rtcp.h"
#include "gateway/rtc/rtp.h"
#include "gateway/rtc/stun.h"
#include "rooms/sfu_int.h"

#define CONSENT_TIMEOUT_MS 30000
#define ICE_TIMEOUT_MS 30000

static uint32_t hash_bytes(const void *p, size_t n) {
  const uint8_t *b = p;
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 16777619u;
  return h;
}

static uint32_t addr_hash(const struct sockaddr_storage *a) {
  if (a->ss_family == AF_INET) {
    const struct sockaddr_in *s = (const struct sockaddr_in *)a;
    return hash_bytes(&s->sin_addr, 4) ^ s->sin_port;
  }
  const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)a;
  return hash_bytes(&s->sin6_addr, 16) ^ s->sin6_port;
}

static bool addr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b) {
  if (a->ss_family != b->ss_family) return false;
  if (a->ss_family == AF_INET) {
    const struct sockaddr_in *x = (const struct sockaddr_in *)a, *y = (const struct sockaddr_in *)b;
    return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
  }
  const struct sockaddr_in6 *x = (const struct sockaddr_in6 *)a, *y = (const struct sockaddr_in6 *)b;
  return x->sin6_port == y->sin6_port && memcmp(&x->sin6_addr, &y->sin6_addr, 16) == 0;
}

/* ---- indexes ---- */

#define UNLINK(head, t, field)                               \
  for (transport **pp_ = (head); *pp_; pp_ = &(*pp_)->field) \
    if (*pp_ == (t)) {                                       \
      *pp_ = (t)->field;                                     \
      break;                                                 \
    }

static void index_ufrag(sfu *s, transport *t) {
  transport **b = &s->by_ufrag[hash_bytes(t->ufrag, strlen(t->ufrag)) % SFU_BUCKETS];
  t->next_by_ufrag = *b;
  *b = t;
}

static void unindex_ufrag(sfu *s, transport *t) {
  UNLINK(&s->by_ufrag[hash_bytes(t->ufrag, strlen(t->ufrag)) % SFU_BUCKETS], t, next_by_ufrag);
}

static void unindex_addr(sfu *s, transport *t) {
  if (!t->has_addr) return;
  if (!t->tcp_conn) UNLINK(&s->by_addr[addr_hash(&t->addr) % SFU_BUCKETS], t, next_by_addr);
  t->has_addr = false;
  t->tcp_conn = 0;
}

/* Selects ICE-TCP connection conn (remote end a) as t's path. */
static void select_tcp(sfu *s, transport *t, const struct sockaddr_storage *a, uint32_t conn) {
  unindex_addr(s, t);
  t->addr = *a;
  t->has_addr = true;
  t->tcp_conn = conn;
}

void transport_tcp_closed(sfu *s, transport *t, uint32_t conn) {
  if (t->has_addr && t->tcp_conn == conn) unindex_addr(s, t);
}

static void index_addr(sfu *s, transport *t, const struct sockaddr_storage *a) {
  unindex_addr(s, t);
  /* Another transport claiming this address (a port reused after a crash) loses it. */
  transport *old = transport_by_addr(s, a);
  if (old) unindex_addr(s, old);
  t->addr = *a;
  t->has_addr = true;
  transport **b = &s->by_addr[addr_hash(a) % SFU_BUCKETS];
  t->next_by_addr = *b;
  *b = t;
}

transport *transport_by_id(sfu *s, uint32_t id) {
  for (transport *t = s->by_id[id % SFU_BUCKETS]; t; t = t->next_by_id)
    if (t->id == id) return t;
  return NULL;
}

transport *transport_by_addr(sfu *s, const struct sockaddr_storage *a) {
  for (transport *t = s->by_addr[addr_hash(a) % SFU_BUCKETS]; t; t = t->next_by_addr)
    if (addr_equal(&t->addr, a)) return t;
  return NULL;
}

static transport *transport_by_ufrag(sfu *s, const char *ufrag, size_t n) {
  for (transport *t = s->by_ufrag[hash_bytes(ufrag, n) % SFU_BUCKETS]; t; t = t->next_by_ufrag)
    if (strlen(t->ufrag) == n && memcmp(t->ufrag, ufrag, n) == 0) return t;
  return NULL;
}

/* ---- life ---- */

transport *transport_new(sfu *s, router *r, const media_cmd *cmd) {
  if (transport_by_id(s, cmd->transport_id)) return NULL;
  transport *t = calloc(1, sizeof *t);
  if (!t) return NULL;
  t->id = cmd->transport_id;
  t->router = r;
  snprintf(t->ufrag, sizeof t->ufrag, "%s", cmd->u.transport.local_ufrag);
  snprintf(t->pwd, sizeof t->pwd, "%s", cmd->u.transport.local_pwd);
  snprintf(t->remote_ufrag, sizeof t->remote_ufrag, "%s", cmd->u.transport.remote_ufrag);
  t->created_ms = s->now_ms;
  t->dtls = dtls_conn_new(s->identity, true,
                          cmd->u.transport.has_fingerprint ? cmd->u.transport.remote_fingerprint : NULL);
  if (!t->dtls) {
    free(t);
    return NULL;
  }
  transport **b = &s->by_id[t->id % SFU_BUCKETS];
  t->next_by_id = *b;
  *b = t;
  index_ufrag(s, t);
  t->next_in_router = r->transports;
  r->transports = t;
  r->ntransports++;
  atomic_fetch_add_explicit(&s->counters->transports, 1, memory_order_relaxed);
  return t;
}

void transport_free(sfu *s, transport *t) {
  while (t->producers) producer_free(s, t->producers);
  while (t->consumers) consumer_free(s, t->consumers);
  assert(!t->producers && !t->consumers); /* a transport goes empty */
  assert(t->router->ntransports > 0);
  UNLINK(&s->by_id[t->id % SFU_BUCKETS], t, next_by_id);
  unindex_ufrag(s, t);
  unindex_addr(s, t);
  UNLINK(&t->router->transports, t, next_in_router);
  t->router->ntransports--;
  dtls_conn_free(t->dtls);
  srtp_pair_free(t->srtp);
  transport_unpace(s, t);
  assert(!t->paced);
  sub_bwe_free(t->bwe);
  atomic_fetch_sub_explicit(&s->counters->transports, 1, memory_order_relaxed);
  free(t);
}

static void flush_dtls(sfu *s, transport *t);
static void check_connected(sfu *s, transport *t);

void transport_set_remote(sfu *s, transport *t, const media_cmd *cmd) {
  if (cmd->u.transport.remote_ufrag[0])
    snprintf(t->remote_ufrag, sizeof t->remote_ufrag, "%s", cmd->u.transport.remote_ufrag);
  if (cmd->u.transport.has_fingerprint)
    dtls_conn_set_remote_fingerprint(t->dtls, cmd->u.transport.remote_fingerprint);
  /* The handshake may have finished before the answer brought the fingerprint. */
  flush_dtls(s, t);
  check_connected(s, t);
}

void transport_ice_restart(sfu *s, transport *t, const media_cmd *cmd) {
  unindex_ufrag(s, t);
  snprintf(t->ufrag, sizeof t->ufrag, "%s", cmd->u.transport.local_ufrag);
  snprintf(t->pwd, sizeof t->pwd, "%s", cmd->u.transport.local_pwd);
  snprintf(t->remote_ufrag, sizeof t->remote_ufrag, "%s", cmd->u.transport.remote_ufrag);
  index_ufrag(s, t);
  t->last_stun_ms = s->now_ms; /* the peer gets a fresh consent window to reach us anew */
}

/* ---- ICE-lite ---- */

static void drop(sfu *s, sfu_drop_reason why) {
  atomic_fetch_add_explicit(&s->counters->dropped[why], 1, memory_order_relaxed);
}

void transport_queue(sfu *s, transport *t, const uint8_t *out, size_t len) {
  assert(out == s->udp->out.buf[s->udp->out.count]);
  if (t->tcp_conn)
    s->tcp_send(s->tcp, t->tcp_conn, out, len); /* the UDP slot stays free */
  else
    udp_queue(s->udp, len, &t->addr);
}

transport *transport_on_stun(sfu *s, uint8_t *buf, size_t len, const struct sockaddr_storage *from,
                             uint32_t conn) {
  stun_msg m;
  if (stun_parse(buf, len, &m) != 0 || m.method != STUN_METHOD_BINDING) {
    drop(s, DROP_BAD_STUN);
    return NULL;
  }
  if (m.cls != STUN_CLASS_REQUEST) {
    /* Indications (keepalives) from a known peer are taken silently, but they are not consent:
     * they carry no MESSAGE-INTEGRITY, so anyone able to spoof the peer's address could keep
     * the server sending (RFC 7675 wants an authenticated exchange). Nothing else is expected. */
    if (!(m.cls == STUN_CLASS_INDICATION && (conn || transport_by_addr(s, from)))) drop(s, DROP_BAD_STUN);
    return NULL;
  }
  /* USERNAME is "<our ufrag>:<their ufrag>". */
  const char *colon = m.username ? memchr(m.username, ':', m.username_len) : NULL;
  transport *t = colon ? transport_by_ufrag(s, m.username, (size_t)(colon - m.username)) : NULL;
  if (!t || t->closing) {
    drop(s, DROP_BAD_STUN);
    return NULL;
  }
  if (!stun_verify_integrity(buf, len, &m, t->pwd, strlen(t->pwd)) ||
      (m.fingerprint_offset >= 0 && !stun_verify_fingerprint(buf, len, &m))) {
    drop(s, DROP_BAD_STUN);
    return NULL;
  }
  uint8_t *out = udp_next_buf(s->udp);
  if (m.unknown_count > 0) {
    /* RFC 5389 7.3.1: an authenticated request with comprehension-required attributes we do
     * not understand gets 420 listing them (the first STUN_MAX_UNKNOWN), with MESSAGE-INTEGRITY
     * keyed like a success. The check failed: no consent, no address learnt. */
    size_t n_unknown = m.unknown_count < STUN_MAX_UNKNOWN ? (size_t)m.unknown_count : STUN_MAX_UNKNOWN;
    int n = stun_build_binding_error(out, UDP_SEND_ROOM, m.tid, 420, NULL, m.unknown, n_unknown, t->pwd,
                                     strlen(t->pwd));
    if (n > 0) {
      if (conn)
        s->tcp_send(s->tcp, conn, out, (size_t)n);
      else
        udp_queue(s->udp, (size_t)n, from);
    }
    drop(s, DROP_BAD_STUN);
    return NULL;
  }
  int n = stun_build_binding_success(out, UDP_SEND_ROOM, m.tid, from, t->pwd, strlen(t->pwd));
  if (n > 0) {
    if (conn)
      s->tcp_send(s->tcp, conn, out, (size_t)n);
    else
      udp_queue(s->udp, (size_t)n, from);
  }
  t->last_stun_ms = s->now_ms;
  /* ICE-lite: the controlling browser nominates with USE-CANDIDATE; until then the first valid
   * check gives us a path to answer DTLS on. */
  bool current = conn ? t->has_addr && t->tcp_conn == conn : transport_by_addr(s, from) == t;
  if (!t->has_addr || (m.use_candidate && !current)) {
    if (conn)
      select_tcp(s, t, from, conn);
    else
      index_addr(s, t, from);
  }
  return t;
}

/* ---- DTLS ---- */

static void flush_dtls(sfu *s, transport *t) {
  if (!t->has_addr) return;
  for (;;) {
    uint8_t *out = udp_next_buf(s->udp);
    int n = dtls_conn_pending_out(t->dtls, out, UDP_SEND_ROOM);
    if (n <= 0) break;
    transport_queue(s, t, out, (size_t)n);
  }
}

static void check_connected(sfu *s, transport *t) {
  dtls_conn_state st = dtls_conn_get_state(t->dtls);
  if (st == DTLS_CONN_CONNECTED && !t->srtp) {
    dtls_srtp_keys keys;
    bool have_keys = dtls_conn_srtp_keys(t->dtls, &keys) == 0;
    if (have_keys) t->srtp = srtp_pair_new(&keys);
    memset(&keys, 0, sizeof keys);
    if (!t->srtp) {
      log_warn("media: transport %u: %s", t->id, have_keys ? "SRTP set-up failed" : "no SRTP keys from DTLS");
      t->closing = true;
      sfu_post_event(s, ME_TRANSPORT_CLOSED, t->router->room_id, t->id, 0, MEDIA_CLOSE_DTLS_FAILED);
      return;
    }
    t->connected = true;
    log_debug("media: transport %u connected", t->id);
    sfu_post_event(s, ME_TRANSPORT_CONNECTED, t->router->room_id, t->id, 0, MEDIA_CLOSE_REQUESTED);
    /* Subscribers that were waiting get a keyframe now that they can receive it. */
    for (consumer *c = t->consumers; c; c = c->next) consumer_request_start(s, c);
  } else if (st == DTLS_CONN_FAILED && !t->closing) {
    log_warn("media: transport %u DTLS failed: %s", t->id, dtls_conn_error(t->dtls));
    t->closing = true;
    sfu_post_event(s, ME_TRANSPORT_CLOSED, t->router->room_id, t->id, 0, MEDIA_CLOSE_DTLS_FAILED);
  }
}

void transport_on_dtls(sfu *s, transport *t, const uint8_t *buf, size_t len) {
  if (t->closing) return;
  dtls_conn_feed(t->dtls, buf, len);
  flush_dtls(s, t);
  check_connected(s, t);
}

/* ---- SRTP ---- */

static consumer *consumer_for_ssrc(transport *t, uint32_t ssrc) {
  for (consumer *c = t->consumers; c; c = c->next)
    if (c->ssrc == ssrc) return c;
  return NULL;
}

static void on_rtcp(sfu *s, transport *t, const uint8_t *buf, size_t len) {
  rtcp_iter it;
  rtcp_header h;
  rtcp_iter_init(&it, buf, len);
  int rc;
  while ((rc = rtcp_iter_next(&it, &h)) == 1) {
    if (h.pt == RTCP_SR) {
      rtcp_sr sr;
      bool rtx;
      int enc;
      producer *p;
      if (rtcp_parse_sr(&h, &sr) == 0 && (p = producer_for_ssrc(t, sr.ssrc, NULL, 0, &enc, &rtx)) && !rtx)
        producer_on_sr(s, p, enc, sr.ntp, sr.rtp_ts);
    } else if (h.pt == RTCP_RTPFB && rtcp_is_transport_cc(&h)) {
      /* Bandwidth estimation toward this subscriber (rooms/sub_bwe.h). */
      if (!t->bwe) continue;
      if (sub_bwe_on_twcc(t->bwe, &h, sfu_now_us(s)) == 0)
        atomic_fetch_add_explicit(&s->counters->twcc_feedback, 1, memory_order_relaxed);
      else
        atomic_fetch_add_explicit(&s->counters->twcc_refused, 1, memory_order_relaxed);
    } else if (h.pt == RTCP_RTPFB || h.pt == RTCP_PSFB) {
      rtcp_fb fb;
      if (rtcp_parse_fb(&h, &fb) != 0) continue;
      rtcp_remb remb;
      if (h.pt == RTCP_PSFB && h.count == RTCP_PSFB_AFB) {
        if (t->bwe && rtcp_parse_remb(&fb, &remb) == 0) sub_bwe_on_remb(t->bwe, remb.bitrate, sfu_now_us(s));
        continue;
      }
      consumer *c = consumer_for_ssrc(t, fb.media_ssrc);
      if (h.pt == RTCP_RTPFB && h.count == RTCP_RTPFB_NACK && c) {
        uint16_t seqs[256];
        int n = rtcp_nack_expand(&fb, seqs, 256);
        if (n > 0) consumer_on_nack(s, c, seqs, (size_t)n);
      } else if (h.pt == RTCP_PSFB && (h.count == RTCP_PSFB_PLI || h.count == RTCP_PSFB_FIR)) {
        if (h.count == RTCP_PSFB_FIR) { /* FIR names the media SSRC inside its FCI */
          uint32_t ssrc;
          uint8_t seq;
          if (rtcp_fir_count(&fb) > 0 && rtcp_fir_entry(&fb, 0, &ssrc, &seq) == 0)
            c = consumer_for_ssrc(t, ssrc);
        }
        if (c && c->producer) {
          atomic_fetch_add_explicit(&s->counters->plis_received, 1, memory_order_relaxed);
          producer_request_keyframe(s, c->producer, c->producer->simulcast ? c->cur_enc : -1, false);
        }
      }
    }
  }
  if (rc < 0) drop(s, DROP_MALFORMED);
}

void transport_on_srtp(sfu *s, transport *t, uint8_t *buf, size_t len) {
  if (!t->srtp || t->closing) {
    drop(s, DROP_NOT_CONNECTED);
    return;
  }
  int n = (int)len;
  if (rtp_is_rtcp(buf, len)) {
    if (srtp_pair_unprotect_rtcp(t->srtp, buf, &n) != 0) {
      drop(s, DROP_UNPROTECT);
      return;
    }
    on_rtcp(s, t, buf, (size_t)n);
    return;
  }
  if (srtp_pair_unprotect_rtp(t->srtp, buf, &n) != 0) {
    drop(s, DROP_UNPROTECT);
    return;
  }
  if (n < 12) {
    drop(s, DROP_MALFORMED);
    return;
  }
  bool is_rtx = false;
  int enc = 0;
  producer *p = producer_for_ssrc(t, rtp_get_ssrc(buf), buf, (size_t)n, &enc, &is_rtx);
  if (!p) {
    drop(s, DROP_UNKNOWN_SSRC);
    return;
  }
  if (is_rtx) {
    uint16_t osn;
    if (!p->enc[enc].ssrc) return; /* a retransmission of an encoding not bound yet */
    int m = rtp_rtx_decap(buf, (size_t)n, buf, (size_t)n, p->pt, p->enc[enc].ssrc, &osn);
    if (m <= 12) { /* padding-only probes carry nothing to forward */
      return;
    }
    n = m;
    atomic_fetch_add_explicit(&s->counters->rtx_received, 1, memory_order_relaxed);
  }
  producer_on_rtp(s, p, enc, buf, (size_t)n, is_rtx);
}

void transport_send_rtcp(sfu *s, transport *t, const uint8_t *rtcp, size_t len) {
  if (!t->connected || !t->has_addr || len > UDP_MAX_PACKET) return;
  uint8_t *out = udp_next_buf(s->udp);
  memcpy(out, rtcp, len);
  int n = (int)len;
  if (srtp_pair_protect_rtcp(t->srtp, out, &n, UDP_SEND_ROOM) != 0) return;
  transport_queue(s, t, out, (size_t)n);
}

bool transport_tick(sfu *s, transport *t) {
  if (t->closing) {
    transport_free(s, t);
    return false;
  }
  if (!t->connected) {
    if (dtls_conn_get_state(t->dtls) == DTLS_CONN_CONNECTING) {
      dtls_conn_tick(t->dtls, s->now_ms);
      flush_dtls(s, t);
    }
    check_connected(s, t);
    if (t->closing) return true;
  }
  media_close_reason why = MEDIA_CLOSE_REQUESTED;
  if (t->last_stun_ms && s->now_ms - t->last_stun_ms > CONSENT_TIMEOUT_MS)
    why = MEDIA_CLOSE_CONSENT_EXPIRED;
  else if (!t->last_stun_ms && s->now_ms - t->created_ms > ICE_TIMEOUT_MS)
    why = MEDIA_CLOSE_ICE_TIMEOUT;
  if (why != MEDIA_CLOSE_REQUESTED && !t->closing) {
    log_info("media: transport %u closed: %s", t->id,
             why == MEDIA_CLOSE_CONSENT_EXPIRED ? "no consent for 30 s" : "ICE did not complete in 30 s");
    t->closing = true;
    sfu_post_event(s, ME_TRANSPORT_CLOSED, t->router->room_id, t->id, 0, why);
    /* Stop sending at once; the objects go on the next tick. */
    unindex_addr(s, t);
  }
  return true;
}
