/* Character bigrams (see bigram.h). One pass over the UTF-8 text: decode a code point, decide
 * whether it separates runs, and emit the pair it forms with the previous character of its run.
 * Written by hand because no library tokenizes this way (FTS5's trigram tokenizer cannot find
 * two-character terms, and unicode61 keeps a Korean compound as one token). */
#include "storage/bigram.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"

static bool bigram__separator(uint32_t c) {
  if (c < 0x80) return !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
  return (c >= 0x80 && c <= 0xBF) || c == 0xD7 || c == 0xF7 || (c >= 0x2000 && c <= 0x206F) ||
         (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF01 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) ||
         c == 0xFEFF;
}

/* A character of a run: its bytes (ASCII letters lowered). */
typedef struct bigram_char {
  char b[4];
  uint8_t len;
} bigram_char;

typedef struct bigram_out {
  char *buf;
  size_t len, cap;
  bool failed;
} bigram_out;

static void bigram__put(bigram_out *o, const char *s, size_t n) {
  if (o->failed) return;
  if (o->len + n + 1 > o->cap) {
    size_t cap = o->cap ? o->cap * 2 : 64;
    while (cap < o->len + n + 1) cap *= 2;
    char *b = realloc(o->buf, cap);
    if (!b) {
      o->failed = true;
      return;
    }
    o->buf = b, o->cap = cap;
  }
  memcpy(o->buf + o->len, s, n);
  o->len += n;
  o->buf[o->len] = 0;
}

static void bigram__token(bigram_out *o, const bigram_char *a, const bigram_char *b) {
  if (o->len) bigram__put(o, " ", 1);
  bigram__put(o, a->b, a->len);
  if (b) bigram__put(o, b->b, b->len);
}

/* Calls fn(run, count, arg) for every run of s; returns false when out of memory. */
typedef void (*bigram_run_fn)(const bigram_char *run, size_t count, void *arg);

static bool bigram__runs(const char *s, size_t n, bigram_run_fn fn, void *arg) {
  const unsigned char *p = (const unsigned char *)s, *end = p + n;
  bigram_char *run = NULL;
  size_t count = 0, cap = 0;
  while (p < end) {
    uint32_t cp = 0;
    size_t len = utf8_decode(p, (size_t)(end - p), &cp);
    if (len == 0 || bigram__separator(cp)) {
      if (count) fn(run, count, arg);
      count = 0;
      p += len ? len : 1;
      continue;
    }
    if (count && (run[count - 1].len == 1) != (len == 1)) { /* Latin letters/digits meet another script */
      fn(run, count, arg);
      count = 0;
    }
    if (count == cap) {
      size_t ncap = cap ? cap * 2 : 32;
      bigram_char *r = realloc(run, ncap * sizeof *r);
      if (!r) {
        free(run);
        return false;
      }
      run = r, cap = ncap;
    }
    bigram_char *c = &run[count++];
    memcpy(c->b, p, len);
    c->len = (uint8_t)len;
    if (len == 1 && c->b[0] >= 'A' && c->b[0] <= 'Z') c->b[0] = (char)(c->b[0] - 'A' + 'a');
    p += len;
  }
  if (count) fn(run, count, arg);
  free(run);
  return true;
}

/* A run of ASCII letters and digits (a Latin word, or a number). */
static bool bigram__latin(const bigram_char *run) { return run[0].len == 1; }

/* The run as one token (a Latin word, lowered). */
static void bigram__word(bigram_out *o, const bigram_char *run, size_t count) {
  for (size_t i = 0; i < count; i++) bigram__put(o, run[i].b, 1);
}

static void bigram__text_run(const bigram_char *run, size_t count, void *arg) {
  bigram_out *o = arg;
  if (bigram__latin(run)) {
    if (o->len) bigram__put(o, " ", 1);
    bigram__word(o, run, count);
    return;
  }
  for (size_t i = 0; i + 1 < count; i++) bigram__token(o, &run[i], &run[i + 1]);
  bigram__token(o, &run[count - 1], NULL);
}

char *bigram_text(const char *s, size_t n) {
  bigram_out o = {0};
  bigram__put(&o, "", 0);
  if (!bigram__runs(s, n, bigram__text_run, &o) || o.failed) {
    free(o.buf);
    return NULL;
  }
  return o.buf;
}

static void bigram__expr_run(const bigram_char *run, size_t count, void *arg) {
  bigram_out *o = arg;
  if (o->len) bigram__put(o, " AND ", 5);
  bigram__put(o, "\"", 1);
  if (bigram__latin(run)) {
    bigram__word(o, run, count);
    bigram__put(o, "\" *", 3);
    return;
  }
  if (count == 1) {
    bigram__put(o, run[0].b, run[0].len);
    bigram__put(o, "\" *", 3);
    return;
  }
  for (size_t i = 0; i + 1 < count; i++) {
    if (i) bigram__put(o, " ", 1);
    bigram__put(o, run[i].b, run[i].len);
    bigram__put(o, run[i + 1].b, run[i + 1].len);
  }
  bigram__put(o, "\"", 1);
}

char *bigram_match_expr(const char *term, size_t n) {
  bigram_out o = {0};
  bigram__put(&o, "", 0);
  if (!bigram__runs(term, n, bigram__expr_run, &o) || o.failed) {
    free(o.buf);
    return NULL;
  }
  return o.buf;
}

static void bigram__sql(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
    sqlite3_result_null(ctx);
    return;
  }
  const char *s = (const char *)sqlite3_value_text(argv[0]);
  int n = sqlite3_value_bytes(argv[0]);
  char *out = s ? bigram_text(s, (size_t)n) : NULL;
  if (!out) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  sqlite3_result_text(ctx, out, -1, free);
}

int bigram_register(sqlite3 *conn) {
  return sqlite3_create_function(conn, "moa_bigrams", 1,
                                 SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL, bigram__sql,
                                 NULL, NULL);
}
