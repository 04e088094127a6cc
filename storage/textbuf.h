/* A growing NUL-terminated text buffer for writers of whole documents (iCalendar, CSV). On an
 * allocation failure `failed` is set, later appends do nothing, and the owner frees p. */
#ifndef MOA_STORAGE_TEXTBUF_H
#define MOA_STORAGE_TEXTBUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct textbuf {
  char *p; /* NULL until something is appended */
  size_t len, cap;
  bool failed;
} textbuf;

void textbuf_put(textbuf *b, const char *s, size_t n);
void textbuf_puts(textbuf *b, const char *s);
/* Hands the text over (malloc'd; "" when empty) and resets b; NULL (and p freed) if it failed. */
char *textbuf_take(textbuf *b);

#endif
