/* Moa's CSV template for the agencies that publish no feed (a 지자체 or 테크노파크 notice typed in
 * by an operator): RFC 4180 (fields in double quotes may hold commas, newlines and "" for a
 * quote; CRLF or LF line ends), UTF-8, an optional byte-order mark, and a header row naming the
 * columns in any order. Required: source_id, title, agency, period (free text as in
 * programme_period_parse). Optional: executor, summary, fields ('|' or ',' list), regions,
 * target, url, amount_min, amount_max (won, digits with optional commas). Any other column is kept
 * as an attribute of the item. Written by hand: the format is small, and a record's raw bytes are
 * kept verbatim, which a library reader would not give back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/feed.h"
#include "storage/programme_text.h"
#include "storage/textbuf.h"
#include "storage/tsv.h"

#define CSV_MAX_COLS 64

typedef struct csv_record {
  char *field[CSV_MAX_COLS + 1];
  int n;           /* fields read, CSV_MAX_COLS + 1 meaning "too many" */
  const char *why; /* a problem with the record, or NULL */
} csv_record;

static void record_free(csv_record *r) {
  for (int i = 0; i < r->n && i <= CSV_MAX_COLS; i++) free(r->field[i]);
  r->n = 0;
}

/* Reads the record at *pp (NUL-terminated text) into r. Returns 1 for a record, 0 at the end,
 * -1 when out of memory. Blank lines are skipped. */
static int read_record(const char **pp, csv_record *r) {
  const char *p = *pp;
  while (*p == '\r' || *p == '\n') p++;
  *r = (csv_record){0};
  if (!*p) {
    *pp = p;
    return 0;
  }
  for (;;) {
    textbuf f = {0};
    textbuf_put(&f, "", 0);
    if (*p == '"') {
      p++;
      for (;;) {
        const char *q = strchr(p, '"');
        if (!q) {
          textbuf_puts(&f, p);
          p += strlen(p);
          r->why = "unterminated quoted field";
          break;
        }
        textbuf_put(&f, p, (size_t)(q - p));
        p = q + 1;
        if (*p != '"') break;
        textbuf_put(&f, "\"", 1);
        p++;
      }
      if (!r->why && *p && *p != ',' && *p != '\r' && *p != '\n') r->why = "text after a closing quote";
      while (*p && *p != ',' && *p != '\r' && *p != '\n') p++;
    } else {
      size_t n = strcspn(p, ",\r\n");
      textbuf_put(&f, p, n);
      p += n;
    }
    char *s = textbuf_take(&f);
    if (!s) {
      record_free(r);
      return -1;
    }
    if (r->n < CSV_MAX_COLS)
      r->field[r->n++] = s;
    else {
      free(s);
      r->n = CSV_MAX_COLS + 1;
      r->field[CSV_MAX_COLS] = NULL;
    }
    if (*p == ',') {
      p++;
      continue;
    }
    break;
  }
  if (*p == '\r') p++;
  if (*p == '\n') p++;
  *pp = p;
  return 1;
}

enum {
  C_ID,
  C_TITLE,
  C_AGENCY,
  C_PERIOD,
  C_EXECUTOR,
  C_SUMMARY,
  C_FIELDS,
  C_REGIONS,
  C_TARGET,
  C_URL,
  C_AMIN,
  C_AMAX,
  C_KNOWN
};
static const char *const known[C_KNOWN] = {"source_id", "title",   "agency",     "period",
                                           "executor",  "summary", "fields",     "regions",
                                           "target",    "url",     "amount_min", "amount_max"};

static int parse_amount(const char *s, int64_t *out) {
  char digits[32];
  size_t n = 0;
  *out = -1;
  if (!*s) return 0;
  for (const char *p = s; *p; p++) {
    if (*p == ',') continue;
    if (n + 1 >= sizeof digits) return 1;
    digits[n++] = *p;
  }
  digits[n] = '\0';
  return tsv_parse_int(digits, 0, INT64_C(1000000000000000), out) < 0 ? 1 : 0;
}

/* Builds the item of one data record; 0 added or rejected, -1 out of memory. */
static int csv_item(programme_batch *b, size_t index, const csv_record *r, const int *col, int ncols,
                    char *const *names, const char *raw, size_t rawlen) {
  char why[200];
  if (r->why) return programme_batch_reject(b, index, col[C_ID] < r->n ? r->field[col[C_ID]] : NULL, r->why);
  if (r->n != ncols) {
    snprintf(why, sizeof why, "%d fields where the header has %d",
             r->n > CSV_MAX_COLS ? CSV_MAX_COLS + 1 : r->n, ncols);
    return programme_batch_reject(b, index, col[C_ID] < r->n ? r->field[col[C_ID]] : NULL, why);
  }
  programme_item it = {0};
  it.amount_min = it.amount_max = -1;
  char **dst[C_KNOWN] = {&it.source_id, &it.title, &it.agency, &it.period_raw, &it.executor, &it.summary,
                         NULL,          NULL,      &it.target, &it.url,        NULL,         NULL};
  for (int k = 0; k < C_KNOWN; k++) {
    if (!dst[k] || col[k] < 0) continue;
    if (!(*dst[k] = ptext_clean(r->field[col[k]], k == C_SUMMARY || k == C_TARGET))) goto oom;
  }
  it.fields = ptext_list(col[C_FIELDS] >= 0 ? r->field[col[C_FIELDS]] : "", "|,@");
  it.regions = ptext_regions(col[C_REGIONS] >= 0 ? r->field[col[C_REGIONS]] : "", "|,@");
  it.raw = strndup(raw, rawlen);
  if (!it.fields || !it.regions || !it.raw) goto oom;
  for (int c = 0; c < ncols; c++) {
    bool is_known = false;
    for (int k = 0; k < C_KNOWN; k++) is_known |= col[k] == c;
    if (!is_known && r->field[c][0] && programme_item_attr(&it, names[c], r->field[c]) < 0) goto oom;
  }
  const char *problem = NULL;
  if ((col[C_AMIN] >= 0 && parse_amount(r->field[col[C_AMIN]], &it.amount_min)) ||
      (col[C_AMAX] >= 0 && parse_amount(r->field[col[C_AMAX]], &it.amount_max))) {
    problem = "amount: not a number of won";
  } else {
    const char *perr;
    if (!programme_period_parse(it.period_raw, &it.period, &perr)) {
      snprintf(why, sizeof why, "period \"%.60s\": %s", it.period_raw, perr);
      problem = why;
    }
  }
  if (problem) {
    char *id = it.source_id ? strdup(it.source_id) : NULL;
    programme_item_clear(&it);
    int rc = programme_batch_reject(b, index, id, problem);
    free(id);
    return rc;
  }
  return programme_batch_add(b, index, &it);
oom:
  programme_item_clear(&it);
  return -1;
}

int feed_parse_csv(const char *data, size_t len, programme_batch *out, char *err, size_t errlen) {
  programme_batch_init(out, FEED_CSV);
  if (len == 0) {
    snprintf(err, errlen, "empty file");
    return -1;
  }
  if (len > FEED_MAX_BYTES) {
    snprintf(err, errlen, "file larger than %u bytes", FEED_MAX_BYTES);
    return -1;
  }
  size_t n;
  char *text = ptext_repair_utf8(data, len, &n, &out->bad_bytes);
  if (!text) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  const char *p = text;
  if (strncmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;
  csv_record head, rec;
  int rc = read_record(&p, &head);
  int col[C_KNOWN];
  for (int k = 0; k < C_KNOWN; k++) col[k] = -1;
  if (rc <= 0) {
    snprintf(err, errlen, rc < 0 ? "out of memory" : "empty file");
    free(text);
    return -1;
  }
  rc = 0;
  if (head.why || head.n > CSV_MAX_COLS) {
    snprintf(err, errlen, "bad header row: %s", head.why ? head.why : "too many columns");
    rc = -1;
  }
  for (int c = 0; c < head.n && c < CSV_MAX_COLS && rc == 0; c++) {
    char *name = tsv_trim(head.field[c]);
    if (!*name || ptext_error(name)) {
      snprintf(err, errlen, "header column %d has no usable name", c + 1);
      rc = -1;
    }
    for (int d = 0; d < c && rc == 0; d++)
      if (strcmp(head.field[d], name) == 0) {
        snprintf(err, errlen, "header column \"%.40s\" appears twice", name);
        rc = -1;
      }
    for (int k = 0; k < C_KNOWN; k++)
      if (strcmp(name, known[k]) == 0) col[k] = c;
  }
  for (int k = 0; k <= C_PERIOD && rc == 0; k++)
    if (col[k] < 0) {
      snprintf(err, errlen, "header has no %s column", known[k]);
      rc = -1;
    }
  size_t index = 0;
  while (rc == 0) {
    const char *start = p;
    int r = read_record(&p, &rec);
    if (r == 0) break;
    if (r < 0) {
      rc = -1;
      snprintf(err, errlen, "out of memory");
      break;
    }
    while (*start == '\r' || *start == '\n') start++;
    size_t rawlen = (size_t)(p - start);
    while (rawlen && (start[rawlen - 1] == '\n' || start[rawlen - 1] == '\r')) rawlen--;
    out->seen++;
    if (csv_item(out, index++, &rec, col, head.n, head.field, start, rawlen) < 0) {
      rc = -1;
      snprintf(err, errlen, "out of memory");
    }
    record_free(&rec);
  }
  record_free(&head);
  free(text);
  if (rc < 0) {
    programme_batch_free(out);
    programme_batch_init(out, FEED_CSV);
  }
  return rc;
}
