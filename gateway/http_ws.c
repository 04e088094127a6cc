/* HTTP + WebSocket server (see http_ws.h): its lifecycle and its flood defences. Three protocols
 * on one vhost: "http" (http_ws_routes.c) answers every HTTP request, "moa.v1" (http_ws_pump.c)
 * carries the signaling protocol; the private parts they share are http_ws_int.h.
 *
 * Floods (issue 10): a WebSocket that has not signed in after --auth-timeout seconds is closed
 * (4408); an address may hold --max-conns-per-ip WebSockets (more get HTTP 429, conn_limit.h);
 * past (descriptor limit - --fd-reserve) every new connection closes the oldest WebSocket that
 * has not signed in, so a sign-in always finds a descriptor, and past (limit - reserve/4) new
 * connections are refused at accept; should accept() still fail for want of descriptors,
 * accepting pauses for 250 ms instead of spinning (lws 4.1 would retry at once, forever). */
#include "gateway/http_ws.h"

#include <errno.h>
#include <libwebsockets.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "base/log.h"
#include "gateway/conn_limit.h"
#include "gateway/http_ws_int.h"
#include "gateway/origins.h"
#include "gateway/ws_batch.h"

/* The server whose accept() failures the lws log bridge reports (one server per process). */
static server *log_server;

/* ---- flood defences ---- */

/* The oldest open WebSocket that has not signed in (and is not closing or signing in), or NULL.
 * Looks at the 4,096 oldest connections at most, so a server full of signed-in people does not
 * walk all of them for every new connection (then nobody is closed, and the hard limit holds). */
static session *oldest_unauthenticated(server *srv) {
  int budget = 4096;
  for (ws_pss *p = srv->oldest; p && budget--; p = p->newer) {
    session *s = p->sess;
    if (s && !session_user_id(s) && !session_is_closing(s) && !session_login_pending(s)) return s;
  }
  return NULL;
}

/* A new connection got descriptor fd. Past the soft budget (limit - reserve) the oldest
 * WebSocket that has not signed in is closed to make room; past limit - reserve/4 the new
 * connection is refused (false: lws closes fd). */
bool http_ws__fd_admit(server *srv, int fd) {
  int reserve = srv->cfg->fd_reserve;
  if (reserve <= 0 || srv->fd_limit <= 0) return true;
  if (fd >= srv->fd_limit - reserve / 4) {
    srv->refused_fds++;
    log_warn("connection refused: %d of %d file descriptors in use (--fd-reserve %d)", fd, srv->fd_limit,
             reserve);
    return false;
  }
  if (fd >= srv->fd_limit - reserve) {
    session *s = oldest_unauthenticated(srv);
    if (s) {
      srv->closed_evicted++;
      session_close(s, 1013, "the server is full; connections not signed in are closed first");
    }
  }
  return true;
}

static void on_accept_resume(lws_sorted_usec_list_t *sul) {
  server *srv = lws_container_of(sul, server, accept_resume);
  srv->accept_paused = false;
  if (srv->listen_wsi) lws_rx_flow_control(srv->listen_wsi, 1);
}

/* accept() failed with EMFILE or ENFILE: lws would poll the listening socket again at once and
 * fail again, at 100% CPU. Stop accepting for 250 ms, and make room by closing the oldest
 * connection that has not signed in. */
static void accept_backoff(server *srv) {
  if (!srv->listen_wsi) return;
  if (srv->accept_paused) {
    /* lws turns accepting back on whenever a connection closes (lws_accept_modulation), behind
     * its flow-control state: toggle that state to turn it off again until the pause ends. */
    lws_rx_flow_control(srv->listen_wsi, 1);
    lws_rx_flow_control(srv->listen_wsi, 0);
    return;
  }
  srv->accept_paused = true;
  srv->accept_backoffs++;
  lws_rx_flow_control(srv->listen_wsi, 0);
  lws_sul_schedule(srv->ctx, 0, &srv->accept_resume, on_accept_resume, 250 * LWS_US_PER_MS);
  session *s = oldest_unauthenticated(srv);
  if (s) {
    srv->closed_evicted++;
    session_close(s, 1013, "the server is full; connections not signed in are closed first");
  }
}

static void on_auth_timer(lws_sorted_usec_list_t *sul);

void http_ws__auth_timer_start(server *srv, ws_pss *pss, uint64_t after_ms) {
  lws_sul_schedule(srv->ctx, 0, &pss->auth_timer, on_auth_timer, (lws_usec_t)after_ms * LWS_US_PER_MS);
}

/* --auth-timeout after the connection opened: a connection that has not signed in is closed 4408.
 * One that is signing in (a check running, or its last attempt accepted or answered less than
 * --auth-timeout ago) is looked at again later, and so is a signed-in one every --auth-timeout,
 * so one that signs out is closed too. Sign-in attempts cannot keep a connection open for long:
 * after twenty an address is locked, and refused attempts do not count. */
static void on_auth_timer(lws_sorted_usec_list_t *sul) {
  ws_pss *pss = lws_container_of(sul, ws_pss, auth_timer);
  server *srv = srv_of(pss->wsi);
  session *s = pss->sess;
  if (!s || session_is_closing(s)) return;
  uint64_t timeout_ms = (uint64_t)srv->cfg->auth_timeout * 1000u, now = hub_now_ms();
  uint64_t quiet = session_login_quiet_until_ms(s), accepted = session_login_accepted_ms(s);
  uint64_t last = quiet > accepted ? quiet : accepted;
  if (session_user_id(s) || session_login_pending(s) || session_signup_pending(s)) {
    http_ws__auth_timer_start(srv, pss, timeout_ms);
    return;
  }
  if (last && now < last + timeout_ms) {
    http_ws__auth_timer_start(srv, pss, last + timeout_ms - now);
    return;
  }
  srv->closed_auth_timeout++;
  char why[100];
  snprintf(why, sizeof why, "sign in within %d s (auth.login, auth.resume or auth.guest)",
           srv->cfg->auth_timeout);
  session_close(s, 4408, why);
}

size_t server_metrics_render(server *srv, char *buf, size_t len) {
  int n = snprintf(buf, len,
                   "# HELP moa_ws_refused_total WebSocket connections refused, by reason.\n"
                   "# TYPE moa_ws_refused_total counter\n"
                   "moa_ws_refused_total{reason=\"per_ip\"} %llu\n"
                   "moa_ws_refused_total{reason=\"fds\"} %llu\n"
                   "# HELP moa_ws_closed_total WebSocket connections the server closed, by reason.\n"
                   "# TYPE moa_ws_closed_total counter\n"
                   "moa_ws_closed_total{reason=\"auth_timeout\"} %llu\n"
                   "moa_ws_closed_total{reason=\"evicted\"} %llu\n"
                   "# HELP moa_accept_backoffs_total Pauses of accepting after accept() ran out of "
                   "descriptors.\n"
                   "# TYPE moa_accept_backoffs_total counter\n"
                   "moa_accept_backoffs_total %llu\n"
                   "# HELP moa_fd_limit File descriptors the process may open.\n# TYPE moa_fd_limit gauge\n"
                   "moa_fd_limit %d\n",
                   (unsigned long long)srv->refused_per_ip, (unsigned long long)srv->refused_fds,
                   (unsigned long long)srv->closed_auth_timeout, (unsigned long long)srv->closed_evicted,
                   (unsigned long long)srv->accept_backoffs, srv->fd_limit);
  return n < 0 ? 0 : (size_t)n < len ? (size_t)n : len;
}

/* ---- lifecycle ---- */

static void on_tick(lws_sorted_usec_list_t *sul) {
  server *srv = lws_container_of(sul, server, tick);
  hub_poll(srv->hub);
  log_flush_repeats();
  lws_sul_schedule(srv->ctx, 0, &srv->tick, on_tick, 100 * LWS_US_PER_MS);
}

void server_wake(void *arg) { lws_cancel_service(((server *)arg)->ctx); }

static void lws_log_bridge(int level, const char *line) {
  size_t n = strlen(line);
  while (n && (line[n - 1] == '\n' || line[n - 1] == '\r')) n--;
  /* lws 4.1 reports a failed accept() only here ("accept: errno N") and then retries at once. */
  const char *acc = (level & LLL_ERR) && log_server ? strstr(line, "accept: errno ") : NULL;
  if (acc && (atoi(acc + 14) == EMFILE || atoi(acc + 14) == ENFILE)) accept_backoff(log_server);
  if (level & LLL_ERR)
    log_error("lws: %.*s", (int)n, line);
  else if (level & LLL_WARN)
    log_warn("lws: %.*s", (int)n, line);
  else
    log_debug("lws: %.*s", (int)n, line);
}

server *server_start(const moa_config *cfg) {
  server *srv = calloc(1, sizeof *srv);
  if (!srv) return NULL;
  srv->cfg = cfg;
  srv->started = time(NULL);
  struct rlimit rl;
  srv->fd_limit = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)INT_MAX ? (int)rl.rlim_cur : 0;
  srv->per_ip = conn_limit_new();
  if (!srv->per_ip) {
    free(srv);
    return NULL;
  }
  if (!realpath(cfg->static_dir, srv->static_dir)) {
    log_error("static directory %s does not exist", cfg->static_dir);
    conn_limit_free(srv->per_ip);
    free(srv);
    return NULL;
  }
  lws_set_log_level(LLL_ERR | LLL_WARN | (cfg->level == LOG_LEVEL_DEBUG ? LLL_NOTICE : 0), lws_log_bridge);

  srv->protocols[0] = (struct lws_protocols){"http", http_ws__callback_http, sizeof(http_pss), 0, 0, NULL, 0};
  /* tx_packet_size: without it lws sends at most rx_buffer_size (4 KiB) per send() and copies the
   * rest of a batch (ws_batch.h, up to 64 KiB) aside, to send 4 KiB per later poll round: most of
   * the sends of a busy channel's fan-out were those leftovers (docs/BENCHMARKS.md);
   * tests/integration/ws_send.test.mjs counts them. */
  srv->protocols[1] = (struct lws_protocols){PROTOCOL_NAME, http_ws__callback_ws, sizeof(ws_pss), 4096, 0,
                                             NULL,          WS_BATCH_MAX_BYTES};

  /* Every path goes to http_ws__callback_http (http_ws_routes.c): /healthz, /metrics, and the static files
   * (served by serve_static rather than an lws file mount, whose 404s poison keep-alive connections). */
  srv->mounts[0] = (struct lws_http_mount){.mountpoint = "/",
                                           .origin = "http",
                                           .protocol = "http",
                                           .origin_protocol = LWSMPRO_CALLBACK,
                                           .mountpoint_len = 1};

  srv->retry.secs_since_valid_ping = (uint16_t)cfg->ping_interval;
  srv->retry.secs_since_valid_hangup =
      (uint16_t)(cfg->ping_interval * 3 > 65535 ? 65535 : cfg->ping_interval * 3);

  bool tls = cfg->tls_cert[0] != '\0';
  if (cfg->origins[0]) snprintf(srv->origins, sizeof srv->origins, "%s", cfg->origins);

  struct lws_context_creation_info info;
  memset(&info, 0, sizeof info);
  info.port = cfg->listen_port ? cfg->listen_port : CONTEXT_PORT_NO_LISTEN_SERVER;
  info.iface = cfg->listen_host;
  info.protocols = srv->protocols;
  info.mounts = &srv->mounts[0];
  info.user = srv;
  info.retry_and_idle_policy = &srv->retry;
  info.options = LWS_SERVER_OPTION_VALIDATE_UTF8;
  /* The security headers lws sends with LWS_SERVER_OPTION_HTTP_HEADERS_SECURITY_BEST_PRACTICES_ENFORCE,
   * on every response, but with media-src 'self': that option's fixed policy falls back to
   * default-src 'none' for media, and a browser enforces every policy it gets, so the app's
   * <video> could not play a recording (/recordings/, gateway/http_recordings.h). lws documents
   * .headers for a policy that deviates from its canned one. */
  static const struct lws_protocol_vhost_options referrer = {NULL, NULL, "referrer-policy:", "no-referrer"};
  static const struct lws_protocol_vhost_options frames = {&referrer, NULL, "x-frame-options:", "deny"};
  static const struct lws_protocol_vhost_options xss = {&frames, NULL, "x-xss-protection:", "1; mode=block"};
  static const struct lws_protocol_vhost_options nosniff = {&xss, NULL, "x-content-type-options:", "nosniff"};
  static const struct lws_protocol_vhost_options csp = {
      &nosniff, NULL, "content-security-policy:",
      "default-src 'none'; img-src 'self' data: ; script-src 'self'; font-src 'self'; style-src 'self'; "
      "connect-src 'self' ws: wss:; media-src 'self' blob:; frame-ancestors 'none'; base-uri 'none';"
      "form-action 'self';"};
  static const struct lws_protocol_vhost_options sts = {
      &csp, NULL, "strict-transport-security:", "max-age=15768000 ; includeSubDomains"};
  info.headers = tls ? &sts : &csp; /* HSTS only over TLS, as lws does */
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
    conn_limit_free(srv->per_ip);
    free(srv);
    return NULL;
  }
  srv->vhost = lws_get_vhost_by_name(srv->ctx, "default");
  if (!srv->vhost || lws_get_vhost_listen_port(srv->vhost) <= 0) {
    log_error("cannot listen on %s:%d", cfg->listen_host, cfg->listen_port);
    lws_context_destroy(srv->ctx);
    conn_limit_free(srv->per_ip);
    free(srv);
    return NULL;
  }
  if (!cfg->origins[0]) { /* every name this machine reaches the listen address by; the port is known now */
    origins_default(srv->origins, sizeof srv->origins, tls ? "https" : "http", cfg->listen_host,
                    lws_get_vhost_listen_port(srv->vhost));
    log_info("WebSocket Origins allowed: %s (change with --origin)", srv->origins);
  }
  log_server = srv;
  return srv;
}

void server_serve(server *srv, hub *h) {
  srv->hub = h;
  lws_sul_schedule(srv->ctx, 0, &srv->tick, on_tick, 100 * LWS_US_PER_MS);
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
  conn_limit_free(srv->per_ip);
  ws_batch_free(&srv->batch);
  if (log_server == srv) log_server = NULL;
  free(srv);
}
