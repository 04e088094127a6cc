/* libFuzzer harness for the HTTP Range header parser (gateway/http_range.c) and the recording
 * file path splitter (gateway/http_recordings.c, http_recordings_split). Each input is a
 * header value (and, as it is, a request path), NUL-terminated in an exact heap copy (bytes after a NUL in
 * the input are the file size, little-endian, up to 8 bytes). A range the parser accepts must lie inside the
 * file (0 <= first <= last < size); an empty file accepts none. A path the splitter accepts has a positive id
 * and a name without '/' that does not start with a dot.
 *
 * Built by tests/fuzz/CMakeLists.txt like every harness here (make fuzz; make test replays
 * corpus/http_range). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/http_range.h"
#include "gateway/http_recordings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const uint8_t *nul = memchr(data, 0, size);
  size_t hlen = nul ? (size_t)(nul - data) : size;
  int64_t file = 1000;
  if (nul) {
    uint64_t v = 0;
    size_t n = size - hlen - 1;
    for (size_t i = 0; i < n && i < 8; i++) v |= (uint64_t)nul[1 + i] << (8 * i);
    file = (int64_t)(v >> 1); /* 0..2^63-1 */
  }
  char *h = malloc(hlen + 1);
  if (!h) return 0;
  memcpy(h, data, hlen);
  h[hlen] = '\0';
  int64_t first = -1, last = -1;
  http_range_result r = http_range_parse(h, file, &first, &last);
  if (r == HTTP_RANGE_OK && !(first >= 0 && first <= last && last < file)) abort();
  if (r == HTTP_RANGE_NONE && hlen != 0) abort();
  int64_t id = 0;
  char name[64];
  if (http_recordings_split(h, &id, name, sizeof name) &&
      (id <= 0 || strchr(name, '/') || name[0] == '.' || !name[0]))
    abort();
  free(h);
  return 0;
}
