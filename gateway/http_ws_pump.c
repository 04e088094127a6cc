/* The "moa.v1" protocol of the server (see http_ws_int.h): the WebSocket session pump between
 * one connection and its session in the hub. The upgrade is checked here (the path /ws, the
 * Origin against --origin, the subprotocol named), the session opened in the hub and closed with
 * the connection, and the frames masked as RFC 6455 says (ws_mask_guard.h).
 *
 * Data flow (libwebsockets' rule: write only when writable): a message arrives in
 * one or more RECEIVE callbacks and is reassembled up to --max-message bytes; the hub answers
 * into the session's bounded queue and asks for a writable callback; SERVER_WRITEABLE writes one
 * queued message, or when several wait as many as fit in 64 KiB framed in one write (ws_batch.h),
 * and asks again while more wait. Events of a fan-out (a chat message to every reader) are paced:
 * a connection written to in the last WS_EVENT_PACE_MS gets them on the next pacing tick, with
 * whatever else came meanwhile, instead of one write each; a reply goes at once (and takes the
 * queued events along). Under a busy channel this cuts the writes (each a send(): the kernel's
 * TCP send path led the profile of chat fan-out, docs/BENCHMARKS.md) and adds at most
 * WS_EVENT_PACE_MS to an event's delivery; a quiet connection gets its event at once. */
#include <libwebsockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "gateway/conn_limit.h"
#include "gateway/http_ws_int.h"
#include "gateway/origins.h"
#include "gateway/ws_batch.h"
#include "gateway/ws_mask_guard.h"

static void io_want_write(void *transport) { lws_callback_on_writable(((ws_pss *)transport)->wsi); }

static void io_close(void *transport, int code, const char *reason) {
  ws_pss *pss = transport;
  pss->close_code = code;
  snprintf(pss->close_reason, sizeof pss->close_reason, "%s", reason);
  /* Whatever happens next, the connection ends within 5 seconds. */
  lws_set_timeout(pss->wsi, PENDING_TIMEOUT_CLOSE_SEND, 5);
  lws_callback_on_writable(pss->wsi);
}

/* Events of a fan-out to one connection go out at most about once per this interval while they
 * keep coming (see the top of this file). */
#define WS_EVENT_PACE_MS 20

static void pace_unlink(server *srv, ws_pss *pss) {
  if (!pss->is_paced) return;
  if (pss->pace_prev)
    pss->pace_prev->pace_next = pss->pace_next;
  else
    srv->paced = pss->pace_next;
  if (pss->pace_next) pss->pace_next->pace_prev = pss->pace_prev;
  pss->pace_prev = pss->pace_next = NULL;
  pss->is_paced = false;
}

/* The pacing tick: every connection waiting is asked to write. */
static void on_pace_tick(lws_sorted_usec_list_t *sul) {
  server *srv = lws_container_of(sul, server, pace_tick);
  srv->pace_armed = false;
  while (srv->paced) {
    ws_pss *pss = srv->paced;
    pace_unlink(srv, pss);
    lws_callback_on_writable(pss->wsi);
  }
}

static void io_want_write_soon(void *transport) {
  ws_pss *pss = transport;
  if (pss->is_paced) return;
  if (lws_now_usecs() - pss->last_write >= WS_EVENT_PACE_MS * LWS_US_PER_MS) {
    lws_callback_on_writable(pss->wsi); /* quiet lately: no reason to wait */
    return;
  }
  server *srv = srv_of(pss->wsi);
  pss->pace_next = srv->paced;
  if (srv->paced) srv->paced->pace_prev = pss;
  srv->paced = pss;
  pss->is_paced = true;
  if (!srv->pace_armed) {
    srv->pace_armed = true;
    lws_sul_schedule(srv->ctx, 0, &srv->pace_tick, on_pace_tick, WS_EVENT_PACE_MS * LWS_US_PER_MS);
  }
}

static const session_io ws_io = {io_want_write, io_close, io_want_write_soon};

static int ws_write_one(ws_pss *pss) {
  outmsg *m = session_pop(pss->sess);
  if (!m) return 0;
  if (pss->tx_cap < LWS_PRE + m->len) {
    size_t cap = LWS_PRE + m->len + 1024;
    unsigned char *nb = realloc(pss->tx, cap);
    if (!nb) {
      outmsg_unref(m);
      return -1;
    }
    pss->tx = nb;
    pss->tx_cap = cap;
  }
  memcpy(pss->tx + LWS_PRE, m->data, m->len);
  int n = lws_write(pss->wsi, pss->tx + LWS_PRE, m->len, LWS_WRITE_TEXT);
  size_t len = m->len;
  outmsg_unref(m);
  if (n < (int)len) return -1;
  /* The tx buffer of a large message is not kept for an idle connection. */
  if (pss->tx_cap > 16384) {
    free(pss->tx);
    pss->tx = NULL;
    pss->tx_cap = 0;
  }
  return 0;
}

/* Writes what is queued: several messages at once when a backlog waits on a plain connection
 * (an HTTP/2 stream's writes are framed by lws for the stream: one at a time there). */
static int ws_write_queued(ws_pss *pss) {
  if (lws_get_network_wsi(pss->wsi) == pss->wsi) {
    server *srv = srv_of(pss->wsi);
    srv->batch.pre = LWS_PRE;
    int n = ws_batch_take(pss->sess, &srv->batch);
    if (n < 0) return -1;
    if (n > 0) {
      size_t len = srv->batch.len;
      int w = lws_write(pss->wsi, srv->batch.buf + LWS_PRE, len, LWS_WRITE_RAW);
      if (w < (int)len) return -1;
      hub_counters *c = hub_get_counters(srv->hub);
      c->ws_batch_writes++;
      c->ws_batched_messages += (uint64_t)n;
      return 0;
    }
  }
  return ws_write_one(pss);
}

/* RFC 6455 5.1 / 7.1.7: a client frame arrived unmasked (or before our handshake response):
 * fail the connection with 1002, serving nothing more from it (ws_mask_guard.h). */
static int ws_fail_unmasked(struct lws *wsi) {
  static const char why[] = "client frames must be masked";
  log_info("WebSocket closed: %s (RFC 6455 5.1)", why);
  lws_close_reason(wsi, LWS_CLOSE_STATUS_PROTOCOL_ERR, (unsigned char *)why, sizeof why - 1);
  return -1;
}

int http_ws__callback_ws(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                         size_t len) {
  ws_pss *pss = user;
  server *srv;
  switch (reason) {
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION: {
      srv = srv_of(wsi);
      char uri[32] = "", origin[256] = "";
      if (srv->stopping) return 1;
      lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI);
      if (strcmp(uri, "/ws") != 0) return 1;
      if (lws_hdr_total_length(wsi, WSI_TOKEN_ORIGIN) > 0) {
        if (lws_hdr_total_length(wsi, WSI_TOKEN_ORIGIN) >= (int)sizeof origin) return 1;
        lws_hdr_copy(wsi, origin, sizeof origin, WSI_TOKEN_ORIGIN);
        if (!origins_allowed(srv->origins, origin)) {
          log_warn(
              "WebSocket refused: Origin %s is not allowed (allowed: %s); to let this page in, start "
              "moa with --origin %s (a comma-separated list, replacing the default)",
              origin, srv->origins, origin);
          return 1;
        }
      }
      /* A client must ask for moa.v1 by name: the "default" option would otherwise give it to
       * clients that named no subprotocol. */
      char proto[64] = "";
      if (lws_hdr_total_length(wsi, WSI_TOKEN_PROTOCOL) <= 0) return 1;
      lws_hdr_copy(wsi, proto, sizeof proto, WSI_TOKEN_PROTOCOL);
      if (!strstr(proto, PROTOCOL_NAME)) return 1;
      ws_mask_guard_upgrade(lws_get_socket_fd(wsi));
      return 0;
    }
    case LWS_CALLBACK_ESTABLISHED: {
      srv = srv_of(wsi);
      char addr[64] = "";
      lws_get_peer_simple(wsi, addr, sizeof addr);
      memset(pss, 0, sizeof *pss);
      pss->wsi = wsi;
      pss->sess = hub_open(srv->hub, pss, &ws_io, addr);
      if (!pss->sess) return -1;
      pss->older = srv->newest;
      if (srv->newest)
        srv->newest->newer = pss;
      else
        srv->oldest = pss;
      srv->newest = pss;
      if (conn_limit_add(srv->per_ip, addr) == 0) snprintf(pss->address, sizeof pss->address, "%s", addr);
      /* The cap is checked at the HTTP upgrade; a WebSocket that came another way is closed here. */
      if (srv->cfg->max_conns_per_ip > 0 &&
          conn_limit_count(srv->per_ip, addr) > srv->cfg->max_conns_per_ip) {
        srv->refused_per_ip++;
        session_close(pss->sess, 1008, "too many connections from your address");
      }
      http_ws__auth_timer_start(srv, pss, (uint64_t)srv->cfg->auth_timeout * 1000u);
      ws_mask_guard_bind(lws_get_socket_fd(wsi), wsi);
      break;
    }
    case LWS_CALLBACK_RECEIVE: {
      srv = srv_of(wsi);
      if (ws_mask_guard_violated(lws_get_socket_fd(wsi))) return ws_fail_unmasked(wsi);
      if (!pss->sess || pss->close_code) break;
      if (lws_is_first_fragment(wsi)) {
        pss->rx_len = 0;
        pss->rx_binary = lws_frame_is_binary(wsi);
      }
      if (pss->rx_binary) {
        if (lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi))
          session_close(pss->sess, 1003, "binary messages are not supported; send JSON text");
        break;
      }
      if (pss->rx_len + len > (size_t)srv->cfg->max_message) {
        char why[80];
        snprintf(why, sizeof why, "message larger than %d bytes", srv->cfg->max_message);
        hub_reject_frame(srv->hub, pss->sess, ERR_TOO_LARGE, why);
        session_close(pss->sess, 1009, why);
        break;
      }
      if (pss->rx_len + len > pss->rx_cap) {
        size_t cap = pss->rx_len + len + 1024;
        char *nb = realloc(pss->rx, cap);
        if (!nb) return -1;
        pss->rx = nb;
        pss->rx_cap = cap;
      }
      memcpy(pss->rx + pss->rx_len, in, len);
      pss->rx_len += len;
      if (lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi)) {
        hub_receive(srv->hub, pss->sess, pss->rx, pss->rx_len);
        pss->rx_len = 0;
        if (pss->rx_cap > 8192) { /* do not keep a large buffer for an idle connection */
          free(pss->rx);
          pss->rx = NULL;
          pss->rx_cap = 0;
        }
      }
      break;
    }
    case LWS_CALLBACK_SERVER_WRITEABLE: {
      if (ws_mask_guard_violated(lws_get_socket_fd(wsi))) return ws_fail_unmasked(wsi);
      if (!pss->sess) break;
      /* A slow consumer is dropped at once; otherwise what is queued goes out first. */
      if (pss->close_code && (pss->close_code == 1008 || session_queued(pss->sess) == 0)) {
        lws_close_reason(wsi, (enum lws_close_status)pss->close_code, (unsigned char *)pss->close_reason,
                         strlen(pss->close_reason));
        return -1;
      }
      if (session_queued(pss->sess)) pss->last_write = lws_now_usecs();
      if (ws_write_queued(pss) != 0) return -1;
      if (session_queued(pss->sess) || pss->close_code) lws_callback_on_writable(wsi);
      break;
    }
    case LWS_CALLBACK_CLOSED:
      ws_mask_guard_forget(lws_get_socket_fd(wsi));
      srv = srv_of(wsi);
      lws_sul_cancel(&pss->auth_timer);
      pace_unlink(srv, pss);
      if (pss->sess) { /* opened (ESTABLISHED linked it) */
        if (pss->older)
          pss->older->newer = pss->newer;
        else
          srv->oldest = pss->newer;
        if (pss->newer)
          pss->newer->older = pss->older;
        else
          srv->newest = pss->older;
        pss->older = pss->newer = NULL;
      }
      if (pss->address[0]) conn_limit_remove(srv->per_ip, pss->address);
      pss->address[0] = '\0';
      if (pss->sess) hub_close(srv->hub, pss->sess);
      pss->sess = NULL;
      free(pss->rx);
      free(pss->tx);
      pss->rx = NULL;
      pss->tx = NULL;
      break;
    case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
      srv = srv_of(wsi);
      if (srv && srv->hub) hub_poll(srv->hub);
      break;
    default:
      break;
  }
  return 0;
}
