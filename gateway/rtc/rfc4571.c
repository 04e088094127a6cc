/* RFC 4571 frame reassembly (see rfc4571.h). Written by hand: it is twenty lines of state, and
 * no Debian library offers it apart from a whole ICE stack. */
#include "gateway/rtc/rfc4571.h"

#include <assert.h>
#include <string.h>

#include "base/bytes.h"

void rfc4571_reader_init(rfc4571_reader *r, uint8_t *store, size_t max) {
  assert(max <= RFC4571_MAX_FRAME);
  memset(r, 0, sizeof *r);
  r->store = store;
  r->max = max;
}

int rfc4571_read(rfc4571_reader *r, uint8_t **data, size_t *len, uint8_t **frame, size_t *frame_len) {
  if (r->failed) return -1;
  while (r->hdr_have < 2) {
    if (*len == 0) return 0;
    r->hdr[r->hdr_have++] = **data;
    (*data)++;
    (*len)--;
    if (r->hdr_have == 2) {
      r->want = be16_read(r->hdr);
      r->have = 0;
      if (r->want > r->max) {
        r->failed = true;
        return -1;
      }
    }
  }
  if (r->have == 0 && *len >= r->want) { /* whole in the chunk: hand it out in place */
    *frame = *data;
    *frame_len = r->want;
    *data += r->want;
    *len -= r->want;
    r->hdr_have = 0;
    return 1;
  }
  size_t take = r->want - r->have < *len ? r->want - r->have : *len;
  if (take) memcpy(r->store + r->have, *data, take);
  r->have += take;
  *data += take;
  *len -= take;
  if (r->have < r->want) return 0;
  *frame = r->store;
  *frame_len = r->want;
  r->hdr_have = 0;
  r->have = 0;
  return 1;
}

bool rfc4571_at_boundary(const rfc4571_reader *r) { return !r->failed && r->hdr_have == 0; }

int rfc4571_put_header(uint8_t out[RFC4571_HEADER], size_t len) {
  if (len > RFC4571_MAX_FRAME) return -1;
  be16_write(out, (uint16_t)len);
  return 0;
}
