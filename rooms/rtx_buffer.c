/* A producer's retransmission buffer: a ring of fixed-size packet slots indexed by sequence
 * number, allocated in one block. See rtx_buffer.h for the contract. Written by hand because it
 * is twenty lines that must not allocate per packet; no library has this shape. */
#include "rooms/rtx_buffer.h"

#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/seq.h"
#include "gateway/rtc/rtp.h"

typedef struct {
  uint64_t stored_ms;
  uint16_t seq;
  uint16_t len; /* 0: empty */
  uint8_t data[RTX_BUFFER_MAX_PACKET];
} rtx_slot;

struct rtx_buffer {
  size_t mask; /* slots - 1 */
  rtx_slot slot[];
};

static bool rtx_buffer__fresh(const rtx_slot *s, uint64_t now_ms) {
  /* A clock that went backwards counts as age 0 rather than as a huge age. */
  return s->len != 0 && (now_ms <= s->stored_ms || now_ms - s->stored_ms <= RTX_BUFFER_MAX_AGE_MS);
}

rtx_buffer *rtx_buffer_new(size_t slots) {
  if (slots == 0 || slots > RTX_BUFFER_MAX_SLOTS || (slots & (slots - 1)) != 0) return NULL;
  rtx_buffer *b = calloc(1, sizeof *b + slots * sizeof(rtx_slot));
  if (!b) return NULL;
  b->mask = slots - 1;
  return b;
}

void rtx_buffer_free(rtx_buffer *b) { free(b); }

void rtx_buffer_put(rtx_buffer *b, const uint8_t *pkt, size_t len, uint16_t seq, uint64_t now_ms) {
  if (len == 0 || len > RTX_BUFFER_MAX_PACKET) return;
  rtx_slot *s = &b->slot[seq & b->mask];
  if (rtx_buffer__fresh(s, now_ms) && seq16_newer(s->seq, seq)) return;
  memcpy(s->data, pkt, len);
  s->len = (uint16_t)len;
  s->seq = seq;
  s->stored_ms = now_ms;
}

const uint8_t *rtx_buffer_get(rtx_buffer *b, uint16_t seq, size_t *len, uint64_t now_ms) {
  const rtx_slot *s = &b->slot[seq & b->mask];
  if (s->seq != seq || !rtx_buffer__fresh(s, now_ms)) return NULL;
  assert(s->len <= RTX_BUFFER_MAX_PACKET);
  *len = s->len;
  return s->data;
}

size_t rtx_buffer_memory(const rtx_buffer *b) { return b ? sizeof *b + (b->mask + 1) * sizeof(rtx_slot) : 0; }
