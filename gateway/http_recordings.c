/* Recordings over HTTP (see http_recordings.h). The path, the Range header and the query are
 * hostile: the path is split into a decimal id and a plain file name that must be listed for the
 * recording; the file opened is <the row's out_dir>/<that name>, without following a symbolic
 * link; its size comes from the open file, so a range never reaches past it. */
#include "gateway/http_recordings.h"

#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gateway/http_files.h"
#include "gateway/http_header.h"
#include "gateway/http_range.h"
#include "storage/recording_access.h"
#include "storage/recording_store.h"

#define PREFIX "/recordings/"

bool http_recordings_path(const char *path) { return !strncmp(path, PREFIX, strlen(PREFIX)); }

static void answer_error(http_doc *out, unsigned status, const char *code, const char *message) {
  memset(out, 0, sizeof *out);
  out->status = status;
  out->type = "application/json; charset=utf-8";
  json_t *j = json_pack("{s:{s:s, s:s}}", "error", "code", code, "message", message);
  out->body = j ? json_dumps(j, JSON_COMPACT) : NULL;
  json_decref(j);
  out->len = out->body ? strlen(out->body) : 0;
}

bool http_recordings_split(const char *path, int64_t *id, char *name, size_t cap) {
  if (!http_recordings_path(path)) return false;
  const char *p = path + strlen(PREFIX);
  int64_t v = 0;
  int n = 0;
  if (*p == '0') return false;
  for (; *p >= '0' && *p <= '9'; p++) {
    if (++n > 18) return false;
    v = v * 10 + (*p - '0');
  }
  if (n == 0 || *p != '/' || strlen(p + 1) >= cap) return false;
  snprintf(name, cap, "%s", p + 1);
  *id = v;
  return recording_file_name_valid(name);
}

/* Reads bytes first..last of fd into a 206 answer. False when the read fails. */
static bool answer_range(http_doc *out, int fd, int64_t size, int64_t first, int64_t last) {
  if (last - first + 1 > HTTP_RECORDINGS_RANGE_MAX) last = first + HTTP_RECORDINGS_RANGE_MAX - 1;
  size_t n = (size_t)(last - first + 1);
  char *body = malloc(n);
  if (!body) return false;
  size_t got = 0;
  while (got < n) {
    ssize_t r = pread(fd, body + got, n - got, (off_t)(first + (int64_t)got));
    if (r <= 0) { /* an error, or the file shrank: never send what is not there */
      free(body);
      return false;
    }
    got += (size_t)r;
  }
  memset(out, 0, sizeof *out);
  out->status = 206;
  out->type = "video/webm";
  out->body = body;
  out->len = n;
  out->accept_ranges = true;
  snprintf(out->content_range, sizeof out->content_range, "bytes %lld-%lld/%lld", (long long)first,
           (long long)last, (long long)size);
  return true;
}

int http_recordings_get(struct lws *wsi, hub *h, const char *path, http_doc *out) {
  int64_t id;
  char name[RECORDING_NAME_MAX];
  if (!http_recordings_split(path, &id, name, sizeof name)) {
    answer_error(out, 404, "not_found", "no such recording file");
    return HTTP_FILES_ANSWER;
  }
  int64_t uid = http_files_request_user(wsi, h, true);
  if (!uid) {
    answer_error(out, 403, "forbidden", "sign in to watch recordings");
    return HTTP_FILES_ANSWER;
  }
  moa_db *db = hub_db(h);
  recording_rec rec;
  recording_file file;
  int rc = recording_store_get(db, id, &rec);
  int access = rc == 1 ? recording_access(db, uid, rec.room_id, rec.meeting_id) : RECORDING_NO_ACCESS;
  if (rc < 0 || access < 0) {
    answer_error(out, 500, "internal", "cannot read the recording");
    return HTTP_FILES_ANSWER;
  }
  if (rc == 0) {
    answer_error(out, 404, "not_found", "no such recording (or it was deleted)");
    return HTTP_FILES_ANSWER;
  }
  if (access == RECORDING_NO_ACCESS) {
    answer_error(out, 403, "forbidden", "recordings are for the people invited to the meeting");
    return HTTP_FILES_ANSWER;
  }
  rc = recording_store_file(db, id, name, &file);
  if (rc != 1) {
    answer_error(out, rc < 0 ? 500 : 404, rc < 0 ? "internal" : "not_found",
                 rc < 0 ? "cannot read the recording" : "no such file in this recording");
    return HTTP_FILES_ANSWER;
  }
  char full[RECORDING_DIR_MAX + RECORDING_NAME_MAX + 2];
  snprintf(full, sizeof full, "%s/%s", rec.out_dir, name);
  int fd = open(full, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    if (fd >= 0) close(fd);
    answer_error(out, 404, "not_found", "the file is missing on the server; tell its operator");
    return HTTP_FILES_ANSWER;
  }
  char range[128] = "";
  int rlen = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_RANGE);
  if (rlen >= (int)sizeof range)
    snprintf(range, sizeof range, "too long"); /* refused below like any malformed range */
  else if (rlen > 0)
    lws_hdr_copy(wsi, range, sizeof range, WSI_TOKEN_HTTP_RANGE);
  int64_t first = 0, last = 0;
  http_range_result rr = http_range_parse(range, (int64_t)st.st_size, &first, &last);
  if (rr == HTTP_RANGE_REFUSED) {
    close(fd);
    answer_error(out, 416, "range_not_satisfiable", "the Range header asks for no byte of this file");
    snprintf(out->content_range, sizeof out->content_range, "bytes */%lld", (long long)st.st_size);
    return HTTP_FILES_ANSWER;
  }
  char dl[32], download[RECORDING_NAME_MAX + 40], disposition[HTTP_DISPOSITION_MAX];
  bool attach = lws_get_urlarg_by_name(wsi, "download=", dl, sizeof dl) != NULL;
  snprintf(download, sizeof download, "recording-%lld-%s", (long long)id, name);
  if (rr == HTTP_RANGE_OK) {
    bool ok = answer_range(out, fd, (int64_t)st.st_size, first, last);
    close(fd);
    if (!ok) {
      answer_error(out, 500, "internal", "the file cannot be read on the server; tell its operator");
      return HTTP_FILES_ANSWER;
    }
    if (attach) http_content_disposition(out->disposition, sizeof out->disposition, false, download);
    return HTTP_FILES_ANSWER;
  }
  close(fd);
  unsigned char hdr[1024], *p = hdr, *end = hdr + sizeof hdr;
  static const struct {
    const char *name, *value;
  } fixed[] = {{"x-content-type-options:", "nosniff"},
               {"cache-control:", "no-store"},
               {"cross-origin-resource-policy:", "same-origin"},
               {"accept-ranges:", "bytes"}};
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
    if (lws_add_http_header_by_name(wsi, (const unsigned char *)fixed[i].name,
                                    (const unsigned char *)fixed[i].value, (int)strlen(fixed[i].value), &p,
                                    end))
      return HTTP_FILES_CLOSE;
  if (attach) {
    size_t dn = http_content_disposition(disposition, sizeof disposition, false, download);
    if (!dn || lws_add_http_header_by_name(wsi, (const unsigned char *)"content-disposition:",
                                           (const unsigned char *)disposition, (int)dn, &p, end))
      return HTTP_FILES_CLOSE;
  }
  int served = lws_serve_http_file(wsi, full, "video/webm", (const char *)hdr, (int)(p - hdr));
  return served < 0 ? HTTP_FILES_CLOSE : served > 0 ? HTTP_FILES_DONE : HTTP_FILES_SERVING;
}
