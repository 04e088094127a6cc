/* libFuzzer target: what a client sends with a chat attachment (gateway/http_files.c). The bytes
 * of an uploaded file go through the type check (storage/file_sniff.c) under each allowed name and
 * without an extension; the same input, as text, is read as an Authorization header and as a
 * Cookie header (gateway/http_header.c), and written as a file name into a Content-Disposition
 * (the name comes from the upload's query string).
 *
 * Oracles: a type is only ever one of the allow-list's (an image exactly when its type is an image one); a
 * mismatch names the type claimed; the refusals zero the result; a token read from a header is
 * non-empty base64url that occurs in the input; a Content-Disposition is printable ASCII with
 * exactly the two quotes of its fallback, and percent-decoding its filename* gives back the name.
 *
 * Built by `make fuzz` and replayed by ctest (fuzz_replay_attachments); see docs/FUZZING.md. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/http_header.h"
#include "storage/file_sniff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const NAMES[] = {"a.pdf", "a.hwp",  "a.hwpx", "a.doc",  "a.docx", "a.xls",  "a.xlsx",
                                    "a.ppt", "a.pptx", "a.odt",  "a.ods",  "a.odp",  "a.txt",  "a.csv",
                                    "a.zip", "a.png",  "a.jpg",  "a.jpeg", "a.gif",  "a.webp", "noext",
                                    "a.EXE", "a.svg",  "a.",     ".pdf",   "가.PnG"};

static void check_sniff(const uint8_t *data, size_t size) {
  size_t n = size < FILE_SNIFF_HEAD ? size : FILE_SNIFF_HEAD;
  unsigned char *head = malloc(n ? n : 1); /* exactly n bytes: a read past them is an ASan report */
  if (!head) return;
  memcpy(head, data, n);
  for (size_t i = 0; i < sizeof NAMES / sizeof NAMES[0]; i++) {
    file_type ft;
    int rc = file_sniff(NAMES[i], n ? head : NULL, n, &ft);
    if (rc == FILE_SNIFF_OK) {
      if (!ft.media_type || !ft.label) abort();
      if (ft.image != (strncmp(ft.media_type, "image/", 6) == 0)) abort();
      if (!file_sniff_name_allowed(NAMES[i])) abort();
    } else if (rc == FILE_SNIFF_MISMATCH) {
      if (ft.media_type || !ft.label || !file_sniff_name_allowed(NAMES[i])) abort();
    } else if (rc == FILE_SNIFF_NOT_ALLOWED) {
      if (ft.media_type || ft.label || ft.image) abort();
    } else {
      abort();
    }
  }
  free(head);
}

static bool b64url(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static void check_token(const char *text, const char *token) {
  size_t n = strlen(token);
  if (n == 0 || n > 63 || !strstr(text, token)) abort();
  for (size_t i = 0; i < n; i++)
    if (!b64url(token[i])) abort();
}

static int hex(char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1; }

static void check_disposition(const char *name, bool inline_) {
  char out[HTTP_DISPOSITION_MAX];
  size_t n = http_content_disposition(out, sizeof out, inline_, name);
  size_t nl = strlen(name);
  if (n == 0) {
    if (out[0] || nl <= 255) abort(); /* 255 bytes always fit */
    return;
  }
  if (n != strlen(out) || n >= sizeof out) abort();
  int quotes = 0;
  for (size_t i = 0; i < n; i++) {
    if (out[i] < 0x20 || out[i] > 0x7e) abort();
    quotes += out[i] == '"';
  }
  if (quotes != 2) abort();
  const char *star = strstr(out, "\"; filename*=UTF-8''");
  if (!star || strncmp(out, inline_ ? "inline; filename=\"" : "attachment; filename=\"", inline_ ? 18 : 22))
    abort();
  /* percent-decoding filename* gives back the name, byte for byte */
  const char *p = star + 20;
  size_t k = 0;
  while (*p) {
    unsigned char c;
    if (*p == '%') {
      int hi = hex(p[1]), lo = hi < 0 ? -1 : hex(p[2]);
      if (hi < 0 || lo < 0) abort();
      c = (unsigned char)(hi << 4 | lo);
      p += 3;
    } else {
      c = (unsigned char)*p++;
    }
    if (k >= nl || (unsigned char)name[k++] != c) abort();
  }
  if (k != nl) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  check_sniff(data, size);
  char *text = malloc(size + 1);
  if (!text) return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  char token[64];
  if (http_bearer_token(text, token, sizeof token)) check_token(text, token);
  if (http_cookie_value(text, HTTP_SESSION_COOKIE, token, sizeof token)) check_token(text, token);
  if (http_cookie_value(text, "a", token, sizeof token)) check_token(text, token);
  check_disposition(text, size & 1);
  free(text);
  return 0;
}
