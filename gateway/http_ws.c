/* HTTP + WebSocket server (see http_ws.h). Three protocols on one vhost: "http" answers
 * /healthz and /metrics, lws' own file server answers every other path from the static
 * directory (lws normalises the URL and refuses ".." escapes; tests/integration/http checks
 * it), and "moa.v1" carries the signaling protocol.
 *
 * WebSocket data flow (libwebsockets' rule: write only when writable): a message arrives in
 * one or more RECEIVE callbacks and is reassembled up to --max-message bytes; the hub answers
 * into the session's bounded queue and asks for a writable callback; SERVER_WRITEABLE writes one
 * queued message, or when several wait as many as fit in 64 KiB framed in one write (ws_batch.h),
 * and asks again while more wait. Events of a fan-out (a chat message to every reader) are paced:
 * a connection written to in the last WS_EVENT_PACE_MS gets them on the next pacing tick, with
 * whatever else came meanwhile, instead of one write each; a reply goes at once (and takes the
 * queued events along). Under a busy channel this cuts the writes (each a send(): the kernel's
 * TCP send path led the profile of chat fan-out, docs/BENCHMARKS.md) and adds at most
 * WS_EVENT_PACE_MS to an event's delivery; a quiet connection gets its event at once.
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
#include <sys/stat.h>
#include <time.h>

#include "base/log.h"
#include "gateway/conn_limit.h"
#include "gateway/http_calendar.h"
#include "gateway/http_files.h"
#include "gateway/http_path.h"
#include "gateway/http_recordings.h"
#include "gateway/origins.h"
#include "gateway/ws_batch.h"
#include "gateway/ws_mask_guard.h"

struct server {
  const moa_config *cfg;
  hub *hub; /* not owned; NULL until server_serve */
  struct lws_context *ctx;
  struct lws_vhost *vhost;
  lws_sorted_usec_list_t tick;
  volatile sig_atomic_t stop;
  bool stopping;
  time_t started;
  char static_dir[PATH_MAX];
  char origins[4096]; /* allowed WebSocket Origins, comma-separated (origins.h) */
  lws_retry_bo_t retry;
  struct lws_http_mount mounts[1];
  struct lws_protocols protocols[3];
  /* flood defences */
  conn_limit *per_ip;
  int fd_limit;           /* RLIMIT_NOFILE (soft) when the server started */
  struct lws *listen_wsi; /* the listening socket, seen on the first accept */
  lws_sorted_usec_list_t accept_resume;
  bool accept_paused;
  uint64_t refused_per_ip, refused_fds, closed_auth_timeout, closed_evicted, accept_backoffs;
  struct ws_pss *oldest, *newest; /* open WebSockets in the order they opened */
  /* the frames of one batched write (ws_batch.h): one buffer for every connection, since lws
   * copies what a write leaves unsent */
  ws_batch batch;
  /* connections whose paced events wait for the next tick (pace_prev, pace_next) */
  struct ws_pss *paced;
  lws_sorted_usec_list_t pace_tick;
  bool pace_armed;
};

/* The server whose accept() failures the lws log bridge reports (one server per process). */
static server *log_server;

/* ---- per-connection data ---- */

typedef struct http_pss {
  char *body;
  size_t len;
  http_files_upload *upload; /* POST /files: until its answer (http_files.h) */
  bool close_after;          /* end the connection once the answer is written */
} http_pss;

typedef struct ws_pss {
  struct lws *wsi;
  struct ws_pss *older, *newer; /* server.oldest .. server.newest */
  session *sess;
  char *rx;
  size_t rx_len, rx_cap;
  bool rx_binary;
  int close_code;
  char close_reason[120];
  unsigned char *tx;
  size_t tx_cap;
  lws_sorted_usec_list_t auth_timer; /* --auth-timeout */
  lws_usec_t last_write;             /* when something was last written (pacing of events) */
  bool is_paced;                     /* in server.paced */
  struct ws_pss *pace_prev, *pace_next;
  char address[64]; /* counted in server.per_ip while non-empty */
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
      lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CACHE_CONTROL, (const unsigned char *)"no-store", 8,
                                   &p, end) ||
      (disposition && disposition[0] &&
       lws_add_http_header_by_name(wsi, (const unsigned char *)"content-disposition:",
                                   (const unsigned char *)disposition, (int)strlen(disposition), &p, end)) ||
      lws_finalize_write_http_header(wsi, start, &p, end))
    return 1;
  lws_callback_on_writable(wsi);
  return 0;
}

/* Answers with doc (its body is taken), adding Content-Range and Accept-Ranges when set. */
static int http_respond_doc(struct lws *wsi, http_pss *pss, http_doc *doc) {
  unsigned char buf[LWS_PRE + 1024], *start = &buf[LWS_PRE], *p = start, *end = &buf[sizeof buf - 1];
  pss->body = doc->body;
  pss->len = doc->len;
  static const char nosniff[] = "nosniff", ranges[] = "bytes";
  if (lws_add_http_common_headers(wsi, doc->status, doc->type, (lws_filepos_t)doc->len, &p, end) ||
      lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CACHE_CONTROL, (const unsigned char *)"no-store", 8,
                                   &p, end) ||
      lws_add_http_header_by_name(wsi, (const unsigned char *)"x-content-type-options:",
                                  (const unsigned char *)nosniff, (int)strlen(nosniff), &p, end) ||
      (doc->disposition[0] && lws_add_http_header_by_name(wsi, (const unsigned char *)"content-disposition:",
                                                          (const unsigned char *)doc->disposition,
                                                          (int)strlen(doc->disposition), &p, end)) ||
      (doc->content_range[0] && lws_add_http_header_by_name(wsi, (const unsigned char *)"content-range:",
                                                            (const unsigned char *)doc->content_range,
                                                            (int)strlen(doc->content_range), &p, end)) ||
      (doc->accept_ranges && lws_add_http_header_by_name(
                                 wsi, (const unsigned char *)"accept-ranges:", (const unsigned char *)ranges,
                                 (int)strlen(ranges), &p, end)) ||
      lws_finalize_write_http_header(wsi, start, &p, end))
    return 1;
  lws_callback_on_writable(wsi);
  return 0;
}

static int http_respond(struct lws *wsi, http_pss *pss, unsigned status, const char *type, char *body,
                        size_t len) {
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
  if (!realpath(full, real) || strncmp(real, srv->static_dir, root) != 0 || real[root] != '/')
    return not_found(wsi);
  struct stat st;
  const char *type = http_mime_type(real);
  if (stat(real, &st) != 0 || !S_ISREG(st.st_mode) || !type) return not_found(wsi);
  unsigned char hdr[1024], *p = hdr, *end = hdr + sizeof hdr;
  static const char csp[] =
      "default-src 'none'; img-src 'self' data:; script-src 'self'; style-src 'self'; "
      "font-src 'self'; connect-src 'self' ws: wss:; media-src 'self' blob:; "
      "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
  /* Unversioned files: browsers revalidate every time, so a deploy is seen at once. */
  if (lws_add_http_header_by_name(
          wsi, (const unsigned char *)"cache-control:", (const unsigned char *)"no-cache", 8, &p, end) ||
      lws_add_http_header_by_name(wsi, (const unsigned char *)"content-security-policy:",
                                  (const unsigned char *)csp, (int)strlen(csp), &p, end) ||
      lws_add_http_header_by_name(wsi, (const unsigned char *)"x-content-type-options:",
                                  (const unsigned char *)"nosniff", 7, &p, end) ||
      lws_add_http_header_by_name(
          wsi, (const unsigned char *)"referrer-policy:", (const unsigned char *)"no-referrer", 11, &p, end))
    return -1;
  int rc = lws_serve_http_file(wsi, real, type, (const char *)hdr, (int)(p - hdr));
  if (rc < 0) return -1;
  if (rc > 0 && lws_http_transaction_completed(wsi)) return -1;
  return 0;
}

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
static bool fd_admit(server *srv, int fd) {
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

static void auth_timer_start(server *srv, ws_pss *pss, uint64_t after_ms) {
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
    auth_timer_start(srv, pss, timeout_ms);
    return;
  }
  if (last && now < last + timeout_ms) {
    auth_timer_start(srv, pss, last + timeout_ms - now);
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

/* Answers the upload in pss (http_files.h) and forgets it. */
static int http_upload_answer(struct lws *wsi, http_pss *pss) {
  http_doc doc;
  http_files_finish(pss->upload, &doc);
  pss->upload = NULL;
  return http_respond_as(wsi, pss, doc.status, doc.type, NULL, doc.body, doc.len);
}

/* A POST: /files takes uploads (its body follows in LWS_CALLBACK_HTTP_BODY); nothing else does. */
static int http_post(struct lws *wsi, server *srv, http_pss *pss) {
  char path[64] = "";
  if (lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI) >= (int)sizeof path) return not_found(wsi);
  lws_hdr_copy(wsi, path, sizeof path, WSI_TOKEN_POST_URI);
  if (!http_files_path(path)) return not_found(wsi);
  pss->body = NULL;
  pss->close_after = false;
  pss->upload = http_files_post(wsi, srv->hub, path);
  if (!pss->upload) return -1;
  if (!http_files_answer_now(pss->upload)) return 0;
  pss->close_after = true; /* the body is not read: the connection cannot carry another request */
  return http_upload_answer(wsi, pss);
}

static int callback_http(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                         size_t len) {
  http_pss *pss = user;
  server *srv;
  switch (reason) {
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
      return 1; /* a WebSocket that named no (or another) subprotocol lands here: refuse it */
    case LWS_CALLBACK_FILTER_NETWORK_CONNECTION: /* wsi: the listening socket; in: the new fd */
      srv = srv_of(wsi);
      srv->listen_wsi = wsi;
      if (!fd_admit(srv, (int)(lws_intptr_t)in)) return 1;
      ws_mask_guard_watch((int)(lws_intptr_t)in);
      return 0;
    case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE: {
      srv = srv_of(wsi);
      char addr[64] = "";
      lws_get_peer_simple(wsi, addr, sizeof addr);
      int cap = srv->cfg->max_conns_per_ip;
      if (cap > 0 && conn_limit_count(srv->per_ip, addr) >= cap) {
        srv->refused_per_ip++;
        log_warn("WebSocket refused: %s already has %d connections (--max-conns-per-ip)", addr, cap);
        lws_return_http_status(wsi, 429, "too many connections from your address");
        return 1; /* answered: lws ends the transaction */
      }
      return 0;
    }
    case LWS_CALLBACK_HTTP: {
      srv = srv_of(wsi);
      char uri[64] = "";
      if (lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI) > 0) return http_post(wsi, srv, pss);
      enum lws_token_indexes tok =
          lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) > 0 ? WSI_TOKEN_GET_URI : WSI_TOKEN_HEAD_URI;
      lws_hdr_copy(wsi, uri, sizeof uri, tok);
      if (strcmp(uri, "/healthz") == 0) {
        char *body = NULL;
        json_t *j = json_pack("{s:s, s:s, s:I}", "status", srv->stopping ? "stopping" : "ok", "version",
                              MOA_VERSION, "uptime_s", (json_int_t)(time(NULL) - srv->started));
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
        n += server_metrics_render(srv, body + n, cap - n);
        return http_respond(wsi, pss, 200, "text/plain; version=0.0.4; charset=utf-8", body, n);
      }
      char path[1024] = "";
      if (lws_hdr_total_length(wsi, tok) >= (int)sizeof path) return not_found(wsi);
      lws_hdr_copy(wsi, path, sizeof path, tok);
      char targ[128];
      const char *t = lws_get_urlarg_by_name(wsi, "t=", targ, sizeof targ);
      char host[256] = "", base[320];
      if (lws_hdr_total_length(wsi, WSI_TOKEN_HOST) < (int)sizeof host)
        lws_hdr_copy(wsi, host, sizeof host, WSI_TOKEN_HOST);
      origins_base_for(srv->origins, lws_is_ssl(wsi) ? "https" : "http", host, base, sizeof base);
      http_doc doc; /* calendars and attendance (http_calendar.h) */
      if (http_calendar_route(srv->hub, path, t ? t : "", base, &doc))
        return http_respond_as(wsi, pss, doc.status, doc.type, doc.disposition, doc.body, doc.len);
      if (http_recordings_path(path)) { /* recordings (http_recordings.h) */
        int rc = http_recordings_get(wsi, srv->hub, path, &doc);
        if (rc == HTTP_FILES_ANSWER) return http_respond_doc(wsi, pss, &doc);
        if (rc == HTTP_FILES_DONE && lws_http_transaction_completed(wsi)) return -1;
        return rc == HTTP_FILES_CLOSE ? -1 : 0;
      }
      if (http_files_path(path)) { /* chat attachments (http_files.h) */
        int rc = http_files_get(wsi, srv->hub, path, &doc);
        if (rc == HTTP_FILES_ANSWER)
          return http_respond_as(wsi, pss, doc.status, doc.type, NULL, doc.body, doc.len);
        if (rc == HTTP_FILES_DONE && lws_http_transaction_completed(wsi)) return -1;
        return rc == HTTP_FILES_CLOSE ? -1 : 0;
      }
      return serve_static(wsi, srv, path);
    }
    case LWS_CALLBACK_HTTP_BODY:
      if (pss && pss->upload) http_files_body(pss->upload, in, len);
      return 0;
    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
      if (pss && pss->upload) return http_upload_answer(wsi, pss);
      break;
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
      if (n < 0 || pss->close_after) return -1;
      if (lws_http_transaction_completed(wsi)) return -1;
      return 0;
    }
    case LWS_CALLBACK_CLOSED_HTTP:
      ws_mask_guard_forget(lws_get_socket_fd(wsi));
      free(pss ? pss->body : NULL);
      if (pss) {
        pss->body = NULL;
        http_files_abort(pss->upload);
        pss->upload = NULL;
      }
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
      auth_timer_start(srv, pss, (uint64_t)srv->cfg->auth_timeout * 1000u);
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

  srv->protocols[0] = (struct lws_protocols){"http", callback_http, sizeof(http_pss), 0, 0, NULL, 0};
  srv->protocols[1] = (struct lws_protocols){PROTOCOL_NAME, callback_ws, sizeof(ws_pss), 4096, 0, NULL, 0};

  /* Every path goes to callback_http: /healthz, /metrics, and the static files (served by
   * serve_static rather than an lws file mount, whose 404s poison keep-alive connections). */
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
