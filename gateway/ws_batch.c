/* Framing of queued messages for one write (see ws_batch.h). */
#include "gateway/ws_batch.h"

#include <stdlib.h>
#include <string.h>

size_t ws_batch_text_header(size_t len, unsigned char out[10]) {
  out[0] = 0x81; /* FIN, opcode 1 (text) */
  if (len < 126) {
    out[1] = (unsigned char)len;
    return 2;
  }
  if (len < 65536) {
    out[1] = 126;
    out[2] = (unsigned char)(len >> 8);
    out[3] = (unsigned char)len;
    return 4;
  }
  out[1] = 127;
  for (int i = 0; i < 8; i++) out[2 + i] = (unsigned char)((uint64_t)len >> (56 - 8 * i));
  return 10;
}

/* Frame bytes of a message of len bytes. */
static size_t ws_batch__framed(size_t len) { return len + (len < 126 ? 2 : len < 65536 ? 4 : 10); }

int ws_batch_take(session *s, ws_batch *b) {
  size_t total = 0;
  int count = 0;
  const outmsg *m;
  while ((m = session_peek(s, (size_t)count)) && total + ws_batch__framed(m->len) <= WS_BATCH_MAX_BYTES) {
    total += ws_batch__framed(m->len);
    count++;
  }
  if (count < 2) return 0;
  if (b->cap < b->pre + total) {
    unsigned char *nb = realloc(b->buf, b->pre + WS_BATCH_MAX_BYTES);
    if (!nb) return -1;
    b->buf = nb;
    b->cap = b->pre + WS_BATCH_MAX_BYTES;
  }
  b->len = 0;
  for (int i = 0; i < count; i++) {
    outmsg *m = session_pop(s);
    unsigned char *p = b->buf + b->pre + b->len;
    size_t h = ws_batch_text_header(m->len, p);
    memcpy(p + h, m->data, m->len);
    b->len += h + m->len;
    outmsg_unref(m);
  }
  return count;
}

void ws_batch_free(ws_batch *b) {
  free(b->buf);
  b->buf = NULL;
  b->cap = b->len = 0;
}
