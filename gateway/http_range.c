/* The HTTP Range header (see http_range.h). Written by hand: a single byte range is a few lines,
 * and lws 4.1 as Debian builds it has its own range support compiled out (LWS_WITH_RANGES). */
#include "gateway/http_range.h"

#include <stdbool.h>
#include <stddef.h>
#include <strings.h>

/* Reads 1..18 decimal digits at *p into *v, moving *p past them. False when there are none or
 * more than 18 (which could overflow). */
static bool digits(const char **p, int64_t *v) {
  int64_t x = 0;
  int n = 0;
  while (**p >= '0' && **p <= '9') {
    if (++n > 18) return false;
    x = x * 10 + (**p - '0');
    (*p)++;
  }
  *v = x;
  return n > 0;
}

http_range_result http_range_parse(const char *header, int64_t size, int64_t *first, int64_t *last) {
  if (!header || !header[0]) return HTTP_RANGE_NONE;
  if (size <= 0 || strncasecmp(header, "bytes=", 6) != 0) return HTTP_RANGE_REFUSED;
  const char *p = header + 6;
  int64_t a, b;
  if (*p == '-') { /* suffix: the last b bytes */
    p++;
    if (!digits(&p, &b) || *p != '\0' || b == 0) return HTTP_RANGE_REFUSED;
    *first = b >= size ? 0 : size - b;
    *last = size - 1;
    return HTTP_RANGE_OK;
  }
  if (!digits(&p, &a) || *p != '-') return HTTP_RANGE_REFUSED;
  p++;
  if (*p == '\0') {
    b = size - 1;
  } else if (!digits(&p, &b) || *p != '\0' || b < a) {
    return HTTP_RANGE_REFUSED;
  }
  if (a >= size) return HTTP_RANGE_REFUSED;
  *first = a;
  *last = b >= size ? size - 1 : b;
  return HTTP_RANGE_OK;
}
