/* Chat attachments over HTTP (see http_files.h): authentication and parameters of the request,
 * the answers in JSON, and the file served by lws. The storage rules (limits, quota, types,
 * who may read) are the attachment store's (storage/attachment_store.h); this file only turns
 * its statuses into HTTP. Every header value and argument read here is hostile: each is copied
 * into a bounded buffer and checked before use. */
#include "gateway/http_files.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "gateway/http_header.h"
#include "storage/attachment_store.h"
#include "storage/file_sniff.h"
#include "storage/session_store.h"

struct http_files_upload {
  attachment_upload *u; /* NULL once refused (or never begun) */
  int64_t user_id;
  int64_t declared;
  int64_t discarded;
  unsigned status; /* the refusal: HTTP status, 0 while accepted */
  char code[32];
  char message[2048];      /* room for the whole name: a message is never cut inside a character */
  char name[1024];         /* as given (the store checks it; refusals quote it) */
  attachment_store *store; /* NULL when attachments are off */
  attachment_limits limits;
  int64_t limit_mb; /* too_large / quota_exceeded: the limit, for a client's own wording */
};

bool http_files_path(const char *path) { return !strcmp(path, "/files") || !strncmp(path, "/files/", 7); }

/* ---- answers ---- */

static void answer(http_doc *out, unsigned status, json_t *j) {
  memset(out, 0, sizeof *out);
  out->status = status;
  out->type = "application/json; charset=utf-8";
  out->body = j ? json_dumps(j, JSON_COMPACT) : NULL;
  json_decref(j);
  if (!out->body) { /* out of memory: still an answer */
    out->status = 500;
    out->body = strdup("{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}");
  }
  out->len = out->body ? strlen(out->body) : 0;
}

static void answer_error(http_doc *out, unsigned status, const char *code, const char *message) {
  answer(out, status, json_pack("{s:{s:s, s:s}}", "error", "code", code, "message", message));
}

static double mib(int64_t bytes) { return (double)bytes / (1024.0 * 1024.0); }

/* The refusal for a store status, with a message that says what to do; the store's detail of a
 * disk failure goes to the log. */
static void refuse(http_files_upload *up, int status, const char *claimed) {
  const attachment_limits *l = &up->limits;
  if (up->store && *attachment_store_error(up->store))
    log_error("attachments: %s", attachment_store_error(up->store));
  switch (status) {
    case ATTACH_TOO_LARGE:
      up->status = 413;
      snprintf(up->code, sizeof up->code, "too_large");
      up->limit_mb = (int64_t)(mib(l->max_file) + 0.5);
      if (up->declared > l->max_file)
        snprintf(up->message, sizeof up->message, "\"%s\" is %.1f MB: files may be at most %.0f MB", up->name,
                 mib(up->declared), mib(l->max_file));
      else
        snprintf(up->message, sizeof up->message,
                 "\"%s\" is larger than the limit: files may be at most %.0f MB", up->name, mib(l->max_file));
      break;
    case ATTACH_QUOTA:
      up->status = 413;
      snprintf(up->code, sizeof up->code, "quota_exceeded");
      up->limit_mb = (int64_t)(mib(l->quota) + 0.5);
      snprintf(
          up->message, sizeof up->message,
          "the consortium's files would exceed its quota of %.0f MB: delete old attachments (delete their "
          "messages) or ask an operator for more (--attach-quota-mb)",
          mib(l->quota));
      break;
    case ATTACH_NOT_ALLOWED:
      up->status = 415;
      snprintf(up->code, sizeof up->code, "type_not_allowed");
      snprintf(up->message, sizeof up->message, "\"%s\" is not a type that may be attached; allowed: %s",
               up->name, file_sniff_allowed());
      break;
    case ATTACH_MISMATCH:
      up->status = 415;
      snprintf(up->code, sizeof up->code, "type_mismatch");
      snprintf(up->message, sizeof up->message,
               "the content of \"%s\" is not a %s file; only files whose content "
               "matches their name may be attached",
               up->name, claimed && *claimed ? claimed : "valid");
      break;
    case ATTACH_BAD_NAME:
      up->status = 400;
      snprintf(up->code, sizeof up->code, "invalid_params");
      snprintf(up->message, sizeof up->message,
               "\"name\" must be 1 to 255 bytes of UTF-8 text without control characters, '/' or '\\'");
      break;
    case ATTACH_EMPTY:
      up->status = 400;
      snprintf(up->code, sizeof up->code, "invalid_params");
      snprintf(up->message, sizeof up->message, "\"%s\" is empty", up->name);
      break;
    case ATTACH_FORBIDDEN:
      up->status = 403;
      snprintf(up->code, sizeof up->code, "forbidden");
      snprintf(up->message, sizeof up->message, "you are not a reader of this conversation");
      break;
    case ATTACH_BUSY:
      up->status = 503;
      snprintf(up->code, sizeof up->code, "busy");
      snprintf(up->message, sizeof up->message, "too many uploads at once; try again in a moment");
      break;
    case ATTACH_NO_SPACE:
      up->status = 507;
      snprintf(up->code, sizeof up->code, "insufficient_storage");
      snprintf(up->message, sizeof up->message, "the server's disk is full; tell its operator");
      break;
    default:
      up->status = 500;
      snprintf(up->code, sizeof up->code, "internal");
      snprintf(up->message, sizeof up->message, "the file could not be stored; nothing was kept");
      break;
  }
}

static void refuse_with(http_files_upload *up, unsigned status, const char *code, const char *message) {
  up->status = status;
  snprintf(up->code, sizeof up->code, "%s", code);
  snprintf(up->message, sizeof up->message, "%s", message);
}

/* ---- the request ---- */

/* The signed-in user of the request: a Bearer token, or (cookie_ok) the app's cookie. 0 if none. */
int64_t http_files_request_user(struct lws *wsi, hub *h, bool cookie_ok) {
  char header[256], token[SESSION_TOKEN_LEN + 1];
  bool found = false;
  int n = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_AUTHORIZATION);
  if (n > 0 && n < (int)sizeof header &&
      lws_hdr_copy(wsi, header, sizeof header, WSI_TOKEN_HTTP_AUTHORIZATION) > 0)
    found = http_bearer_token(header, token, sizeof token);
  if (!found && cookie_ok) {
    char cookies[4096];
    n = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_COOKIE);
    if (n > 0 && n < (int)sizeof cookies &&
        lws_hdr_copy(wsi, cookies, sizeof cookies, WSI_TOKEN_HTTP_COOKIE) > 0)
      found = http_cookie_value(cookies, HTTP_SESSION_COOKIE, token, sizeof token);
  }
  if (!found) return 0;
  int64_t uid = session_store_lookup(hub_db(h), token, NULL);
  return uid > 0 ? uid : 0;
}

/* A decimal argument of 1..18 digits; 0 when absent or malformed. */
static int64_t int_arg(struct lws *wsi, const char *name) {
  char buf[64]; /* lws copies "name=value" whole into it */
  const char *v = lws_get_urlarg_by_name(wsi, name, buf, sizeof buf);
  if (!v || !*v || strlen(v) > 18) return 0;
  int64_t x = 0;
  for (const char *p = v; *p; p++) {
    if (*p < '0' || *p > '9') return 0;
    x = x * 10 + (*p - '0');
  }
  return x;
}

/* Content-Length: its value, or -1 when absent or not 1..18 digits. */
static int64_t content_length(struct lws *wsi) {
  char buf[32];
  int n = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH);
  if (n <= 0 || n > 18 || lws_hdr_copy(wsi, buf, sizeof buf, WSI_TOKEN_HTTP_CONTENT_LENGTH) <= 0) return -1;
  int64_t x = 0;
  for (const char *p = buf; *p; p++) {
    if (*p < '0' || *p > '9') return -1;
    x = x * 10 + (*p - '0');
  }
  return x;
}

http_files_upload *http_files_post(struct lws *wsi, hub *h, const char *path) {
  http_files_upload *up = calloc(1, sizeof *up);
  if (!up) return NULL;
  attachment_store *store = hub_attachments(h);
  up->declared = content_length(wsi);
  if (strcmp(path, "/files") != 0) {
    refuse_with(up, 404, "not_found", "upload with POST /files?conversation_id=N&name=NAME");
    return up;
  }
  if (!store) {
    refuse_with(up, 503, "unavailable", "file attachments are off on this server");
    return up;
  }
  up->store = store;
  up->limits = attachment_store_limits(store);
  if (up->declared < 0) {
    refuse_with(up, 411, "length_required", "send the file with a Content-Length header");
    return up;
  }
  up->user_id = http_files_request_user(wsi, h, false);
  if (!up->user_id) {
    refuse_with(up, 401, "unauthenticated",
                "sign in first: send the session token as \"Authorization: Bearer <token>\"");
    return up;
  }
  char name[1024];
  const char *n = lws_get_urlarg_by_name(wsi, "name=", name, sizeof name);
  snprintf(up->name, sizeof up->name, "%s", n ? n : "");
  int64_t conv = int_arg(wsi, "conversation_id=");
  if (!conv) {
    refuse_with(up, 400, "invalid_params", "\"conversation_id\" is required (a positive integer)");
    return up;
  }
  int rc = attachment_upload_begin(store, up->user_id, conv, n ? n : "", up->declared, &up->u);
  if (rc != ATTACH_OK) refuse(up, rc, NULL);
  return up;
}

bool http_files_answer_now(const http_files_upload *up) {
  return up->status && (up->declared < 0 || up->declared > HTTP_FILES_DISCARD_MAX || up->declared == 0);
}

void http_files_body(http_files_upload *up, const void *in, size_t len) {
  if (up->u) {
    int rc = attachment_upload_write(up->u, in, len);
    if (rc == ATTACH_OK) return;
    attachment_upload_abort(up->u);
    up->u = NULL;
    refuse(up, rc, NULL);
  }
  up->discarded += (int64_t)len;
}

void http_files_finish(http_files_upload *up, http_doc *out) {
  if (up->u) {
    attachment_info info;
    int rc = attachment_upload_finish(up->u, &info);
    up->u = NULL;
    if (rc == ATTACH_OK) {
      char url[64];
      snprintf(url, sizeof url, "/files/%s", info.token);
      log_info("attachment %s uploaded by user %lld into conversation %lld: %lld bytes, %s", info.token,
               (long long)up->user_id, (long long)info.conversation_id, (long long)info.size,
               info.media_type);
      answer(out, 201,
             json_pack("{s:{s:s, s:s, s:I, s:s, s:b, s:s}}", "attachment", "id", info.token, "name",
                       info.name, "size", (json_int_t)info.size, "type", info.media_type, "preview",
                       info.image, "url", url));
      free(up);
      return;
    }
    refuse(up, rc, info.claimed);
  }
  if (up->status >= 500) log_warn("upload refused (%u %s): %s", up->status, up->code, up->message);
  if (up->limit_mb) {
    answer(out, up->status,
           json_pack("{s:{s:s, s:s, s:I}}", "error", "code", up->code, "message", up->message, "limit_mb",
                     (json_int_t)up->limit_mb));
  } else {
    answer_error(out, up->status ? up->status : 500, up->code[0] ? up->code : "internal",
                 up->message[0] ? up->message : "the upload ended early");
  }
  free(up);
}

void http_files_abort(http_files_upload *up) {
  if (!up) return;
  attachment_upload_abort(up->u);
  free(up);
}

/* ---- downloads ---- */

int http_files_get(struct lws *wsi, hub *h, const char *path, http_doc *out) {
  attachment_store *store = hub_attachments(h);
  const char *token = path + 7; /* after "/files/" */
  if (strncmp(path, "/files/", 7) != 0 || !attachment_token_valid(token)) {
    answer_error(out, 404, "not_found", "no such file");
    return HTTP_FILES_ANSWER;
  }
  if (!store) {
    answer_error(out, 503, "unavailable", "file attachments are off on this server");
    return HTTP_FILES_ANSWER;
  }
  int64_t uid = http_files_request_user(wsi, h, true);
  if (!uid) {
    answer_error(out, 401, "unauthenticated", "sign in first");
    return HTTP_FILES_ANSWER;
  }
  attachment_info info;
  char file[4096];
  int rc = attachment_store_get(store, uid, token, &info, file, sizeof file);
  if (*attachment_store_error(store)) log_error("attachments: %s", attachment_store_error(store));
  if (rc == ATTACH_NOT_FOUND) {
    answer_error(out, 404, "not_found", "no such file (or it was deleted with its message)");
    return HTTP_FILES_ANSWER;
  }
  if (rc != ATTACH_OK) {
    answer_error(out, 500, "internal", "the file cannot be read on the server; tell its operator");
    return HTTP_FILES_ANSWER;
  }
  char dl[32], disposition[HTTP_DISPOSITION_MAX]; /* lws copies "download=..." whole into dl */
  bool inline_ = info.image && !lws_get_urlarg_by_name(wsi, "download=", dl, sizeof dl);
  unsigned char hdr[2048], *p = hdr, *end = hdr + sizeof hdr;
  size_t dn = http_content_disposition(disposition, sizeof disposition, inline_, info.name);
  /* nosniff is among lws' best-practice headers too: sent here whatever the server's options, so
   * that a browser never takes a file for another type than the one it was checked to be */
  static const struct {
    const char *name, *value;
  } fixed[] = {{"x-content-type-options:", "nosniff"},
               {"cache-control:", "no-store"},
               {"cross-origin-resource-policy:", "same-origin"}};
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
    if (lws_add_http_header_by_name(wsi, (const unsigned char *)fixed[i].name,
                                    (const unsigned char *)fixed[i].value, (int)strlen(fixed[i].value), &p,
                                    end))
      return HTTP_FILES_CLOSE;
  if (!dn || lws_add_http_header_by_name(wsi, (const unsigned char *)"content-disposition:",
                                         (const unsigned char *)disposition, (int)dn, &p, end))
    return HTTP_FILES_CLOSE;
  int served = lws_serve_http_file(wsi, file, info.media_type, (const char *)hdr, (int)(p - hdr));
  return served < 0 ? HTTP_FILES_CLOSE : served > 0 ? HTTP_FILES_DONE : HTTP_FILES_SERVING;
}

/* ---- the store ---- */

int http_files_open(const moa_config *cfg, moa_db *db, attachment_store **out) {
  char dir[PATH_MAX], err[PATH_MAX + 128];
  *out = NULL;
  if (cfg->attach_dir[0]) {
    snprintf(dir, sizeof dir, "%s", cfg->attach_dir);
  } else if (strcmp(cfg->db_path, ":memory:") != 0) {
    const char *slash = strrchr(cfg->db_path, '/');
    snprintf(dir, sizeof dir, "%.*sfiles", slash ? (int)(slash - cfg->db_path + 1) : 0, cfg->db_path);
  } else {
    log_info("chat attachments are off (an in-memory database; give --attach-dir to keep files)");
    return 0;
  }
  attachment_limits lim = {(int64_t)cfg->attach_max_mb << 20, (int64_t)cfg->attach_quota_mb << 20};
  *out = attachment_store_open(db, dir, lim, err, sizeof err);
  if (!*out) {
    log_error("%s (--attach-dir)", err);
    return -1;
  }
  log_info("chat attachments in %s: at most %d MB per file, %d MB per consortium", dir, cfg->attach_max_mb,
           cfg->attach_quota_mb);
  return 0;
}
