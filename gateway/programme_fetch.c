/* Feed fetching for the support-programme collector (see programme_fetch.h). libcurl does the
 * HTTP: TLS verification on (the system's CA store), only http/https, a body cap enforced while
 * receiving, so a gigantic or endless response is cut off rather than buffered. */
#include "gateway/programme_fetch.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/feed.h"

typedef struct body {
  char *p;
  size_t len, cap;
  bool too_big;
} body;

static size_t on_data(char *data, size_t size, size_t n, void *ctx) {
  body *b = ctx;
  size_t add = size * n;
  if (b->len + add > FEED_MAX_BYTES) {
    b->too_big = true;
    return 0; /* aborts the transfer */
  }
  if (b->len + add + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 65536;
    while (cap < b->len + add + 1) cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) return 0;
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->len, data, add);
  b->len += add;
  b->p[b->len] = '\0';
  return add;
}

/* GETs url into *out. Returns 0, or -1 with err set. */
static int http_get(const char *url, body *out, char *err, size_t errlen) {
  CURL *c = curl_easy_init();
  if (!c) {
    snprintf(err, errlen, "cannot start libcurl");
    return -1;
  }
  char curl_err[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 3L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 15L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(c, CURLOPT_USERAGENT, "moa-programme-collector/" MOA_VERSION);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_err);
  CURLcode rc = curl_easy_perform(c);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(c);
  if (out->too_big) {
    snprintf(err, errlen, "feed larger than %u bytes", FEED_MAX_BYTES);
    return -1;
  }
  if (rc != CURLE_OK) {
    snprintf(err, errlen, "fetch failed: %s", curl_err[0] ? curl_err : curl_easy_strerror(rc));
    return -1;
  }
  if (status >= 400) {
    snprintf(err, errlen, "fetch failed: HTTP %ld", status);
    return -1;
  }
  return 0;
}

int programme_fetch(moa_db *db, const char *source, feed_source format, const char *url, bool snapshot,
                    int64_t now, programme_import_report *rep, char *err, size_t errlen) {
  *rep = (programme_import_report){0};
  body b = {0};
  if (http_get(url, &b, err, errlen) < 0) {
    free(b.p);
    return programme_source_failed(db, source, format, err, now) < 0 ? -2 : -1;
  }
  /* the record names the URL without its query, which may carry the source's key */
  char name[512];
  snprintf(name, sizeof name, "%.*s", (int)strcspn(url, "?"), url);
  int rc =
      programme_import(db, source, format, b.p ? b.p : "", b.len, name, snapshot, now, 0, rep, err, errlen);
  free(b.p);
  return rc;
}

char *programme_feed_url(const char *url, const char *key_file, char *err, size_t errlen) {
  char key[512] = "";
  if (key_file) {
    FILE *f = fopen(key_file, "r");
    if (!f || !fgets(key, sizeof key, f)) {
      snprintf(err, errlen, "cannot read %s", key_file);
      if (f) fclose(f);
      return NULL;
    }
    fclose(f);
    key[strcspn(key, "\r\n")] = '\0';
  }
  const char *at = strstr(url, "{key}");
  if (at && !key_file) {
    snprintf(err, errlen, "the URL has {key}: give --key-file");
    return NULL;
  }
  size_t n = strlen(url) + strlen(key) + 1;
  char *out = malloc(n);
  if (!out) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  if (at)
    snprintf(out, n, "%.*s%s%s", (int)(at - url), url, key, at + 5);
  else
    snprintf(out, n, "%s", url);
  return out;
}
