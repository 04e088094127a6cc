/* The "http" protocol of the server (see http_ws_int.h): every HTTP request. GET /healthz and
 * /metrics are answered here; calendars and attendance (http_calendar.h), recordings
 * (http_recordings.h) and chat attachments (http_files.h, also POST /files) by their modules;
 * every other path from the static directory (serve_static: ".." escapes and symlinks out of it
 * are refused; tests/integration/http checks it). A WebSocket upgrade passes here first: its
 * descriptor is admitted (http_ws__fd_admit) and its address counted against
 * --max-conns-per-ip (more get HTTP 429). */
#include <jansson.h>
#include <libwebsockets.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/log.h"
#include "gateway/conn_limit.h"
#include "gateway/http_calendar.h"
#include "gateway/http_files.h"
#include "gateway/http_path.h"
#include "gateway/http_recordings.h"
#include "gateway/http_ws_int.h"
#include "gateway/origins.h"
#include "gateway/ws_mask_guard.h"

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

int http_ws__callback_http(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                           size_t len) {
  http_pss *pss = user;
  server *srv;
  switch (reason) {
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
      return 1; /* a WebSocket that named no (or another) subprotocol lands here: refuse it */
    case LWS_CALLBACK_FILTER_NETWORK_CONNECTION: /* wsi: the listening socket; in: the new fd */
      srv = srv_of(wsi);
      srv->listen_wsi = wsi;
      if (!http_ws__fd_admit(srv, (int)(lws_intptr_t)in)) return 1;
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
