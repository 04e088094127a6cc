/* The HTTP Range request header (RFC 9110 14.1-14.2), for serving recordings to a <video> element
 * that seeks (gateway/http_recordings.h): one range of bytes of a file of known size. Pure: no
 * I/O, no allocation; the header is hostile input (fuzz_http_range).
 *
 * Accepted: "bytes=FIRST-LAST", "bytes=FIRST-" and "bytes=-SUFFIX" (decimal, at most 18 digits,
 * no spaces, "bytes" in any case). LAST past the end is cut to the end; a suffix longer than the
 * file is the whole file. Anything else is refused: several ranges, another unit, a malformed
 * spec, FIRST > LAST, FIRST at or past the end, a zero suffix, any range of an empty file. */
#ifndef MOA_GATEWAY_HTTP_RANGE_H
#define MOA_GATEWAY_HTTP_RANGE_H

#include <stdint.h>

typedef enum {
  HTTP_RANGE_NONE = 0,    /* no header: the whole file (200) */
  HTTP_RANGE_OK = 1,      /* *first..*last (inclusive) is the range to send (206) */
  HTTP_RANGE_REFUSED = 2, /* malformed or unsatisfiable (416, Content-Range: bytes * / size) */
} http_range_result;

/* header: the Range header's value, NULL or "" when absent; size: the file's size (>= 0). */
http_range_result http_range_parse(const char *header, int64_t size, int64_t *first, int64_t *last);

#endif
