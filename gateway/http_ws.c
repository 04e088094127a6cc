/* HTTP + WebSocket server (see http_ws.h). Three protocols on one vhost: "http" answers
 * /healthz and /metrics, lws' own file server answers every other path from the static
 * directory (lws normalises the URL and refuses ".." escapes; tests/integration/http checks
 * it), and "moa.v1" carries the signaling protocol.
 *
 * WebSocket data flow (libwebsockets' rule: write only when writable): a message arrives in
 * one or more RECEIVE callbacks and is reassembled up to --max-message bytes; the hub answers
 * into the session's bounded queue and asks for a writable callback; SERVER_WRITEABLE writes one
 * queued message, or when several wait as many as fit in 64 KiB framed in one write (ws_batch.h),
 * and asks again while more wait. */
#include "gateway/http_ws.h"

#include <libwebsockets.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "gateway/http_calendar.h"
#include "gateway/http_path.h"
#include "gateway/log.h"
#include "gateway/media.h"
#include "gateway/ws_batch.h"
#include "signaling/hub.h"

struct server {
  const moa_config *cfg;
  moa_db *db;
  hub *hub;
  media_system *media;
  struct lws_context *ctx;
  struct lws_vhost *vhost;
  lws_sorted_usec_list_t tick;
  volatile sig_atomic_t stop;
  bool stopping;
  time_t started;
  char static_dir[PATH_MAX];
  char origins[1100];
  lws_retry_bo_t retry;
  struct lws_http_mount mounts[1];
  struct lws_protocols protocols[3];
};

/* ---- per-connection data ---- */

typedef struct http_pss {
  char *body;
  size_t len;
} http_pss;

typedef struct ws_pss {
  struct lws *wsi;
  session *sess;
  char *rx;
  size_t rx_len, rx_cap;
  bool rx_binary;
  int close_code;
  char close_reason[120];
  unsigned char *tx;
  size_t tx_cap;
  ws_batch batch; /* several queued messages in one write (ws_batch.h) */
} ws_pss;

static server *srv_of(struct lws *wsi) { return lws_context_user(lws_get_context(wsi)); }

/* ---- HTTP: /healthz and /metrics ---- */

/* disposition: a Content-Disposition value, or NULL / "" for none. body is taken over. */
static int http_respond_as(struct lws *wsi, http_pss *pss, unsigned status, const char *type,
                           const char *disposition, char *body, size_t len) {
  unsigned char buf[LWS_PRE + 1024], *start = &buf[LWS_PRE], *p = start, *end = &buf[sizeof buf - 1];
  pss->body = body;
  pss->len = len;
  if (lws_add_http_common_headers(wsi, status, type, (lws_filepos_t)len, &p, end) ||
      lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CACHE_CONTROL, (const unsigned char *)"no-store", 8, &p,
                                   end) ||
      (disposition && disposition[0] &&
       lws_add_http_header_by_name(wsi, (const unsigned char *)"content-disposition:",
                                   (const unsigned char *)disposition, (int)strlen(disposition), &p, end)) ||
      lws_finalize_write_http_header(wsi, start, &p, end))
    return 1;
  lws_callback_on_writable(wsi);
  return 0;
}

static int http_respond(struct lws *wsi, http_pss *pss, unsigned status, const char *type, char *body, size_t len) {
  return http_respond_as(wsi, pss, status, type, NULL, body, len);
}

/* A 404 that also ends the connection: lws 4.1 answers every later request on a keep-alive
 * connection with 404 once one 404 was sent on it (tests/integration/http checks the fix). */
static int not_found(struct lws *wsi) {
  lws_return_http_status(wsi, HTTP_STATUS_NOT_FOUND, NULL);
  return -1;
}

/* Serves uri from the static directory. The URI lws gives is already percent-decoded; any ".."
 * segment, backslash or control byte is refused, and the resolved real path must stay inside
 * the static directory (no symlink escapes). Unknown types are not served (http_path.h). */
static int serve_static(struct lws *wsi, server *srv, const char *uri) {
  char rel[1024], full[PATH_MAX], real[PATH_MAX];
  if (http_static_path(uri, rel, sizeof rel) != 0) return not_found(wsi);
  if (snprintf(full, sizeof full, "%s%s", srv->static_dir, rel) >= (int)sizeof full) return not_found(wsi);
  size_t root = strlen(srv->static_dir);
  if (!realpath(full, real) || strncmp(real, srv->static_dir, root) != 0 || real[root] != '/') return not_found(wsi);
  struct stat st;
  const char *type = http_mime_type(real);
  if (stat(real, &st) != 0 || !S_ISREG(st.st_mode) || !type) return not_found(wsi);
  unsigned char hdr[1024], *p = hdr, *end = hdr + sizeof hdr;
  static const char csp[] = "default-src 'none'; img-src 'self' data:; script-src 'self'; style-src 'self'; "
                            "font-src 'self'; connect-src 'self' ws: wss:; media-src 'self' blob:; "
                            "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
  /* Unversioned files: browsers revalidate every time, so a deploy is seen at once. */
  if (lws_add_http_header_by_name(wsi, (const unsigned char *)"cache-control:", (const unsigned char *)"no-cache", 8,
                                  &p, end) ||
      lws_add_http_header_by_name(wsi, (const unsigned char *)"content-security-policy:",
                                  (const unsigned char *)csp, (int)strlen(csp), &p, end) ||
      lws_add_http_header_by_name(wsi, (const unsigned char *)"x-content-type-options:",
                                  (const unsigned char *)"nosniff", 7, &p, end) ||
      lws_add_http_header_by_name(wsi, (const unsigned char *)"referrer-policy:",
                                  (const unsigned char *)"no-referrer", 11, &p, end))
    return -1;
  int rc = lws_serve_http_file(wsi, real, type, (const char *)hdr, (int)(p - hdr));
  if (rc < 0) return -1;
  if (rc > 0 && lws_http_transaction_completed(wsi)) return -1;
  return 0;
}

static int callback_http(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len) {
  http_pss *pss = user;
  server *srv;
  switch (reason) {
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
      return 1; /* a WebSocket that named no (or another) subprotocol lands here: refuse it */
    case LWS_CALLBACK_HTTP: {
      srv = srv_of(wsi);
      char uri[64] = "";
      enum lws_token_indexes tok = lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) > 0 ? WSI_TOKEN_GET_URI : WSI_TOKEN_HEAD_URI;
      lws_hdr_copy(wsi, uri, sizeof uri, tok);
      if (strcmp(uri, "/healthz") == 0) {
        char *body = NULL;
        json_t *j = json_pack("{s:s, s:s, s:I}", "status", srv->stopping ? "stopping" : "ok", "version", MOA_VERSION,
                              "uptime_s", (json_int_t)(time(NULL) - srv->started));
        body = json_dumps(j, JSON_COMPACT);
        json_decref(j);
        if (!body) return 1;
        return http_respond(wsi, pss, srv->stopping ? 503 : 200, "application/json", body, strlen(body));
      }
      if (strcmp(uri, "/metrics") == 0) {
        size_t cap = 64 * 1024;
        char *body = malloc(cap);
        if (!body) return 1;
        size_t n = hub_metrics_render(srv->hub, body, cap);
        return http_respond(wsi, pss, 200, "text/plain; version=0.0.4; charset=utf-8", body, n);
      }
      char path[1024] = "";
      if (lws_hdr_total_length(wsi, tok) >= (int)sizeof path) return not_found(wsi);
      lws_hdr_copy(wsi, path, sizeof path, tok);
      char targ[128];
      const char *t = lws_get_urlarg_by_name(wsi, "t=", targ, sizeof targ);
      http_doc doc; /* calendars and attendance (http_calendar.h) */
      if (http_calendar_route(srv->hub, path, t ? t : "", &doc))
        return http_respond_as(wsi, pss, doc.status, doc.type, doc.disposition, doc.body, doc.len);
      return serve_static(wsi, srv, path);
    }
    case LWS_CALLBACK_HTTP_FILE_COMPLETION:
      if (lws_http_transaction_completed(wsi)) return -1;
      return 0;
    case LWS_CALLBACK_HTTP_WRITEABLE: {
      if (!pss->body) break;
      unsigned char *buf = malloc(LWS_PRE + pss->len);
      if (!buf) return -1;
      memcpy(buf + LWS_PRE, pss->body, pss->len);
      int n = lws_write(wsi, buf + LWS_PRE, pss->len, LWS_WRITE_HTTP_FINAL);
      free(buf);
      free(pss->body);
      pss->body = NULL;
      if (n < 0) return -1;
      if (lws_http_transaction_completed(wsi)) return -1;
      return 0;
    }
    case LWS_CALLBACK_CLOSED_HTTP:
      free(pss ? pss->body : NULL);
      if (pss) pss->body = NULL;
      break;
    default:
      break;
  }
  return lws_callback_http_dummy(wsi, reason, user, in, len);
}

/* ---- WebSocket: moa.v1 ---- */

static void io_want_write(void *transport) { lws_callback_on_writable(((ws_pss *)transport)->wsi); }

static void io_close(void *transport, int code, const char *reason) {
  ws_pss *pss = transport;
  pss->close_code = code;
  snprintf(pss->close_reason, sizeof pss->close_reason, "%s", reason);
  /* Whatever happens next, the connection ends within 5 seconds. */
  lws_set_timeout(pss->wsi, PENDING_TIMEOUT_CLOSE_SEND, 5);
  lws_callback_on_writable(pss->wsi);
}

static const session_io ws_io = {io_want_write, io_close};

static bool origin_allowed(server *srv, const char *origin) {
  size_t n = strlen(origin);
  for (const char *p = srv->origins; *p;) {
    const char *comma = strchr(p, ',');
    size_t len = comma ? (size_t)(comma - p) : strlen(p);
    while (len && *p == ' ') p++, len--;
    if (len == n && strncmp(p, origin, n) == 0) return true;
    if (!comma) break;
    p = comma + 1;
  }
  return false;
}

static int ws_write_one(ws_pss *pss) {
  outmsg *m = session_pop(pss->sess);
  if (!m) return 0;
  if (pss->tx_cap < LWS_PRE + m->len) {
    size_t cap = LWS_PRE + m->len + 1024;
    unsigned char *nb = realloc(pss->tx, cap);
    if (!nb) {
      free(m);
      return -1;
    }
    pss->tx = nb;
    pss->tx_cap = cap;
  }
  memcpy(pss->tx + LWS_PRE, m->data, m->len);
  int n = lws_write(pss->wsi, pss->tx + LWS_PRE, m->len, LWS_WRITE_TEXT);
  size_t len = m->len;
  free(m);
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
    pss->batch.pre = LWS_PRE;
    int n = ws_batch_take(pss->sess, &pss->batch);
    if (n < 0) return -1;
    if (n > 0) {
      size_t len = pss->batch.len;
      int w = lws_write(pss->wsi, pss->batch.buf + LWS_PRE, len, LWS_WRITE_RAW);
      if (!pss->sess->queued) ws_batch_free(&pss->batch); /* not kept for an idle connection */
      if (w < (int)len) return -1;
      hub_counters *c = hub_get_counters(srv_of(pss->wsi)->hub);
      c->ws_batch_writes++;
      c->ws_batched_messages += (uint64_t)n;
      return 0;
    }
  }
  return ws_write_one(pss);
}

static int callback_ws(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len) {
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
        if (!origin_allowed(srv, origin)) {
          log_warn("WebSocket refused: Origin %s is not allowed", origin);
          return 1;
        }
      }
      /* A client must ask for moa.v1 by name: the "default" option would otherwise give it to
       * clients that named no subprotocol. */
      char proto[64] = "";
      if (lws_hdr_total_length(wsi, WSI_TOKEN_PROTOCOL) <= 0) return 1;
      lws_hdr_copy(wsi, proto, sizeof proto, WSI_TOKEN_PROTOCOL);
      if (!strstr(proto, PROTOCOL_NAME)) return 1;
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
      break;
    }
    case LWS_CALLBACK_RECEIVE: {
      srv = srv_of(wsi);
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
      if (!pss->sess) break;
      /* A slow consumer is dropped at once; otherwise what is queued goes out first. */
      if (pss->close_code && (pss->close_code == 1008 || pss->sess->queued == 0)) {
        lws_close_reason(wsi, (enum lws_close_status)pss->close_code, (unsigned char *)pss->close_reason,
                         strlen(pss->close_reason));
        return -1;
      }
      if (ws_write_queued(pss) != 0) return -1;
      if (pss->sess->queued || pss->close_code) lws_callback_on_writable(wsi);
      break;
    }
    case LWS_CALLBACK_CLOSED:
      srv = srv_of(wsi);
      if (pss->sess) hub_close(srv->hub, pss->sess);
      pss->sess = NULL;
      free(pss->rx);
      free(pss->tx);
      ws_batch_free(&pss->batch);
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

/* ---- lifecycle ---- */

static void on_tick(lws_sorted_usec_list_t *sul) {
  server *srv = lws_container_of(sul, server, tick);
  hub_poll(srv->hub);
  lws_sul_schedule(srv->ctx, 0, &srv->tick, on_tick, 100 * LWS_US_PER_MS);
}

static void wake(void *arg) { lws_cancel_service(((server *)arg)->ctx); }

static void lws_log_bridge(int level, const char *line) {
  size_t n = strlen(line);
  while (n && (line[n - 1] == '\n' || line[n - 1] == '\r')) n--;
  if (level & LLL_ERR) log_error("lws: %.*s", (int)n, line);
  else if (level & LLL_WARN) log_warn("lws: %.*s", (int)n, line);
  else log_debug("lws: %.*s", (int)n, line);
}

server *server_start(const moa_config *cfg, moa_db *db) {
  server *srv = calloc(1, sizeof *srv);
  if (!srv) return NULL;
  srv->cfg = cfg;
  srv->db = db;
  srv->started = time(NULL);
  if (!realpath(cfg->static_dir, srv->static_dir)) {
    log_error("static directory %s does not exist", cfg->static_dir);
    free(srv);
    return NULL;
  }
  lws_set_log_level(LLL_ERR | LLL_WARN | (cfg->level == LOG_LEVEL_DEBUG ? LLL_NOTICE : 0), lws_log_bridge);

  srv->protocols[0] = (struct lws_protocols){"http", callback_http, sizeof(http_pss), 0, 0, NULL, 0};
  srv->protocols[1] = (struct lws_protocols){PROTOCOL_NAME, callback_ws, sizeof(ws_pss), 4096, 0, NULL, 0};

  /* Every path goes to callback_http: /healthz, /metrics, and the static files (served by
   * serve_static rather than an lws file mount, whose 404s poison keep-alive connections). */
  srv->mounts[0] = (struct lws_http_mount){.mountpoint = "/", .origin = "http", .protocol = "http",
                                           .origin_protocol = LWSMPRO_CALLBACK, .mountpoint_len = 1};

  srv->retry.secs_since_valid_ping = (uint16_t)cfg->ping_interval;
  srv->retry.secs_since_valid_hangup = (uint16_t)(cfg->ping_interval * 3 > 65535 ? 65535 : cfg->ping_interval * 3);

  bool tls = cfg->tls_cert[0] != '\0';
  if (cfg->origins[0]) {
    snprintf(srv->origins, sizeof srv->origins, "%s", cfg->origins);
  } else {
    bool v6 = strchr(cfg->listen_host, ':') != NULL;
    snprintf(srv->origins, sizeof srv->origins, "%s://%s%s%s:%d", tls ? "https" : "http", v6 ? "[" : "",
             cfg->listen_host, v6 ? "]" : "", cfg->listen_port);
  }

  struct lws_context_creation_info info;
  memset(&info, 0, sizeof info);
  info.port = cfg->listen_port ? cfg->listen_port : CONTEXT_PORT_NO_LISTEN_SERVER;
  info.iface = cfg->listen_host;
  info.protocols = srv->protocols;
  info.mounts = &srv->mounts[0];
  info.user = srv;
  info.retry_and_idle_policy = &srv->retry;
  info.options = LWS_SERVER_OPTION_HTTP_HEADERS_SECURITY_BEST_PRACTICES_ENFORCE |
                 LWS_SERVER_OPTION_VALIDATE_UTF8;
  /* An IPv4 listen address on an IPv6 socket would listen on every interface. */
  if (!strchr(cfg->listen_host, ':')) info.options |= LWS_SERVER_OPTION_DISABLE_IPV6;
  if (tls) {
    info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
    info.ssl_cert_filepath = cfg->tls_cert;
    info.ssl_private_key_filepath = cfg->tls_key;
  }
  info.pt_serv_buf_size = 32 * 1024;
  info.timeout_secs = 20;
  info.fd_limit_per_thread = 0;
  if (cfg->listen_port == 0) info.port = 0;

  srv->ctx = lws_create_context(&info);
  if (!srv->ctx) {
    log_error("cannot start the server on %s:%d (address in use, or bad TLS files?)", cfg->listen_host,
              cfg->listen_port);
    free(srv);
    return NULL;
  }
  srv->vhost = lws_get_vhost_by_name(srv->ctx, "default");
  if (!srv->vhost || lws_get_vhost_listen_port(srv->vhost) <= 0) {
    log_error("cannot listen on %s:%d", cfg->listen_host, cfg->listen_port);
    lws_context_destroy(srv->ctx);
    free(srv);
    return NULL;
  }
  if (!cfg->origins[0] && cfg->listen_port == 0) { /* the port is known only now */
    bool v6 = strchr(cfg->listen_host, ':') != NULL;
    snprintf(srv->origins, sizeof srv->origins, "%s://%s%s%s:%d", tls ? "https" : "http", v6 ? "[" : "",
             cfg->listen_host, v6 ? "]" : "", lws_get_vhost_listen_port(srv->vhost));
  }
  srv->hub = hub_new(db, cfg, wake, srv);
  if (!srv->hub) {
    lws_context_destroy(srv->ctx);
    free(srv);
    return NULL;
  }
  srv->media = media_start(cfg, wake, srv);
  if (!srv->media) {
    log_error("cannot start the media workers on %s (port %d)", cfg->media_ip, cfg->media_port);
    hub_free(srv->hub);
    lws_context_destroy(srv->ctx);
    free(srv);
    return NULL;
  }
  hub_set_media(srv->hub, srv->media);
  lws_sul_schedule(srv->ctx, 0, &srv->tick, on_tick, 100 * LWS_US_PER_MS);
  return srv;
}

int server_port(server *srv) { return lws_get_vhost_listen_port(srv->vhost); }

void server_request_stop(server *srv) {
  srv->stop = 1;
  lws_cancel_service(srv->ctx);
}

int server_run(server *srv) {
  while (!srv->stop)
    if (lws_service(srv->ctx, 0) < 0) break;
  srv->stopping = true;
  log_info("stopping: telling %zu connected clients", hub_session_count(srv->hub));
  hub_shutdown(srv->hub);
  uint64_t until = hub_now_ms() + 2000;
  while (hub_session_count(srv->hub) > 0 && hub_now_ms() < until) lws_service(srv->ctx, 0);
  return 0;
}

void server_free(server *srv) {
  if (!srv) return;
  lws_context_destroy(srv->ctx); /* closes what is left; CLOSED callbacks free sessions */
  media_stop(srv->media);
  hub_free(srv->hub);
  free(srv);
}
