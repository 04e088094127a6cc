/* Tab-separated text reader and field checks (see tsv.h). Written by hand because the format is
 * deliberately the simplest one (no quoting), and every field must pass the same UTF-8 and
 * control-character checks before it can reach the database. */
#include "storage/tsv.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"

void tsv_reader_init(tsv_reader *r, const char *text) {
  memset(r, 0, sizeof *r);
  r->p = text ? text : "";
  if (strncmp(r->p, "\xEF\xBB\xBF", 3) == 0) r->p += 3;
}

void tsv_reader_free(tsv_reader *r) {
  free(r->buf);
  r->buf = NULL;
  r->cap = 0;
}

int tsv_next(tsv_reader *r) {
  for (;;) {
    if (*r->p == '\0') return 0;
    const char *nl = strchr(r->p, '\n');
    size_t n = nl ? (size_t)(nl - r->p) : strlen(r->p);
    const char *start = r->p;
    r->p = nl ? nl + 1 : start + n;
    r->line++;
    if (n > 0 && start[n - 1] == '\r') n--;
    if (n == 0) continue;
    if (n + 1 > r->cap) {
      char *b = realloc(r->buf, n + 1);
      if (!b) return -1;
      r->buf = b;
      r->cap = n + 1;
    }
    memcpy(r->buf, start, n);
    r->buf[n] = '\0';
    r->nfields = 0;
    char *f = r->buf;
    for (;;) {
      if (r->nfields <= TSV_MAX_FIELDS) r->field[r->nfields] = f;
      r->nfields++;
      char *tab = strchr(f, '\t');
      if (!tab) break;
      *tab = '\0';
      f = tab + 1;
    }
    if (r->nfields > TSV_MAX_FIELDS + 1) r->nfields = TSV_MAX_FIELDS + 1;
    return 1;
  }
}

const char *tsv_text_error(const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    uint32_t cp;
    size_t n = utf8_decode(p, SIZE_MAX, &cp); /* a NUL ends any sequence: never read past it */
    if (!n) return "invalid UTF-8";
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) return "control character";
    p += n;
  }
  return NULL;
}

int tsv_parse_int(const char *s, int64_t min, int64_t max, int64_t *out) {
  if (!s || !*s) return -1;
  int64_t v = 0;
  for (const char *q = s; *q; q++) {
    if (*q < '0' || *q > '9') return -1;
    if (v > (INT64_MAX - 9) / 10) return -1;
    v = v * 10 + (*q - '0');
  }
  if (v < min || v > max) return -1;
  *out = v;
  return 0;
}

char *tsv_trim(char *s) {
  char *b = s;
  while (*b == ' ') b++;
  size_t n = strlen(b);
  while (n > 0 && b[n - 1] == ' ') n--;
  memmove(s, b, n);
  s[n] = '\0';
  return s;
}
