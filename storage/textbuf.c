/* Text buffer (see textbuf.h). */
#include "storage/textbuf.h"

#include <stdlib.h>
#include <string.h>

void textbuf_put(textbuf *b, const char *s, size_t n) {
  if (b->failed) return;
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n + 1) cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
      b->failed = true;
      return;
    }
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

void textbuf_puts(textbuf *b, const char *s) { textbuf_put(b, s, strlen(s)); }

char *textbuf_take(textbuf *b) {
  char *p = b->p;
  bool failed = b->failed;
  *b = (textbuf){0};
  if (failed) {
    free(p);
    return NULL;
  }
  return p ? p : calloc(1, 1);
}
