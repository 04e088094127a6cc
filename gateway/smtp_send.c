/* SMTP submission of one message (see smtp_send.h). libcurl speaks SMTP (EHLO, STARTTLS, AUTH,
 * MAIL FROM, RCPT TO, DATA with dot-stuffing); this file only sets it up and feeds it the text. */
#include "gateway/smtp_send.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

typedef struct reader {
  const char *p;
  size_t left;
} reader;

static size_t on_read(char *out, size_t size, size_t n, void *ctx) {
  reader *r = ctx;
  size_t k = size * n < r->left ? size * n : r->left;
  memcpy(out, r->p, k);
  r->p += k;
  r->left -= k;
  return k;
}

int smtp_send(const moa_config *cfg, const char *rcpt, const char *message, size_t len, char *err,
              size_t errlen) {
  if (!cfg->smtp_url[0]) {
    snprintf(err, errlen, "no SMTP server is configured (smtp-url)");
    return -1;
  }
  CURL *c = curl_easy_init();
  if (!c) {
    snprintf(err, errlen, "cannot start libcurl");
    return -1;
  }
  char from[300], to[300], curl_err[CURL_ERROR_SIZE] = "";
  snprintf(from, sizeof from, "<%s>", cfg->smtp_from);
  snprintf(to, sizeof to, "<%s>", rcpt);
  struct curl_slist *rcpts = curl_slist_append(NULL, to);
  reader r = {message, len};
  bool creds = cfg->smtp_user[0] != '\0';
  curl_easy_setopt(c, CURLOPT_URL, cfg->smtp_url);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c, CURLOPT_USE_SSL, (long)(creds ? CURLUSESSL_ALL : CURLUSESSL_TRY));
  if (creds) {
    curl_easy_setopt(c, CURLOPT_USERNAME, cfg->smtp_user);
    curl_easy_setopt(c, CURLOPT_PASSWORD, cfg->smtp_password);
  }
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpts);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
  curl_easy_setopt(c, CURLOPT_READDATA, &r);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)SMTP_TIMEOUT_S);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)SMTP_CONNECT_TIMEOUT_S);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_err);
  CURLcode rc = rcpts ? curl_easy_perform(c) : CURLE_OUT_OF_MEMORY;
  curl_slist_free_all(rcpts);
  curl_easy_cleanup(c);
  if (rc != CURLE_OK) {
    snprintf(err, errlen, "SMTP: %s", curl_err[0] ? curl_err : curl_easy_strerror(rc));
    return -1;
  }
  return 0;
}
