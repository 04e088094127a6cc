/* rec_queue (see rec_queue.h): a single-producer single-consumer byte ring.
 *
 * head counts the bytes the producer has written since the start, tail those the consumer has
 * released; both only grow, so head - tail is what is queued and position % cap where it sits.
 * An entry never wraps: when fewer bytes than an entry header remain before the end, both sides
 * skip them; when an entry does not fit in what remains, the producer writes a PAD header there
 * and starts the entry at offset 0. The producer publishes head with a release store after the
 * bytes are written; the consumer reads head with acquire before reading them, and publishes
 * tail with release once it no longer reads them. */
#include "rooms/rec_queue.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define HDR REC_QUEUE_ENTRY_OVERHEAD
#define KIND_PAD 0xffff

typedef struct {
  uint32_t size; /* whole entry, header and padding included */
  uint16_t kind;
  uint16_t unused;
  uint32_t id;
  uint32_t len;
  uint64_t time_us;
} entry_hdr;
_Static_assert(sizeof(entry_hdr) == HDR, "entry header is 24 bytes");

struct rec_queue {
  _Alignas(64) atomic_uint_fast64_t head; /* written by the producer */
  _Alignas(64) atomic_uint_fast64_t tail; /* written by the consumer */
  _Alignas(64) size_t cap, reserve;
  uint32_t peeked; /* consumer: size of the entry peek returned, 0 if none */
  uint8_t *ring;
};

static size_t align8(size_t n) { return (n + 7) & ~(size_t)7; }

rec_queue *rec_queue_new(size_t cap, size_t reserve) {
  cap &= ~(size_t)7;
  if (cap < 4096 || reserve >= cap || cap > UINT32_MAX) return NULL;
  rec_queue *q = aligned_alloc(64, sizeof *q); /* a multiple of 64: its members are aligned so */
  if (!q) return NULL;
  memset(q, 0, sizeof *q);
  q->ring = malloc(cap);
  if (!q->ring) {
    free(q);
    return NULL;
  }
  atomic_init(&q->head, 0);
  atomic_init(&q->tail, 0);
  q->cap = cap;
  q->reserve = reserve;
  return q;
}

void rec_queue_free(rec_queue *q) {
  if (!q) return;
  free(q->ring);
  free(q);
}

int rec_queue_push(rec_queue *q, uint16_t kind, uint32_t id, uint64_t time_us, const void *data, size_t len,
                   bool control) {
  size_t limit = control ? q->cap : q->cap - q->reserve;
  size_t need = align8(HDR + len);
  if (len > UINT32_MAX || need > limit) return -1;
  uint64_t head = atomic_load_explicit(&q->head, memory_order_relaxed);
  uint64_t tail = atomic_load_explicit(&q->tail, memory_order_acquire);
  size_t pos = (size_t)(head % q->cap), to_end = q->cap - pos;
  size_t skip = to_end < need ? to_end : 0; /* the entry starts at 0: skip (pad) the rest */
  if ((size_t)(head - tail) + skip + need > limit) return -1;
  if (skip >= HDR) {
    entry_hdr pad = {.size = (uint32_t)skip, .kind = KIND_PAD};
    memcpy(q->ring + pos, &pad, HDR);
  }
  if (skip) pos = 0;
  entry_hdr h = {.size = (uint32_t)need, .kind = kind, .id = id, .len = (uint32_t)len, .time_us = time_us};
  memcpy(q->ring + pos, &h, HDR);
  if (len) memcpy(q->ring + pos + HDR, data, len);
  atomic_store_explicit(&q->head, head + skip + need, memory_order_release);
  return 0;
}

bool rec_queue_peek(rec_queue *q, rec_queue_entry *e) {
  uint64_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed);
  for (;;) {
    uint64_t head = atomic_load_explicit(&q->head, memory_order_acquire);
    if (tail == head) return false;
    size_t pos = (size_t)(tail % q->cap), to_end = q->cap - pos;
    entry_hdr h;
    if (to_end >= HDR) memcpy(&h, q->ring + pos, HDR);
    if (to_end < HDR || h.kind == KIND_PAD) { /* the producer went on at offset 0 */
      tail += to_end;
      atomic_store_explicit(&q->tail, tail, memory_order_release);
      continue;
    }
    q->peeked = h.size;
    e->kind = h.kind;
    e->id = h.id;
    e->time_us = h.time_us;
    e->data = q->ring + pos + HDR;
    e->len = h.len;
    return true;
  }
}

void rec_queue_pop(rec_queue *q) {
  if (!q->peeked) return;
  uint64_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed);
  atomic_store_explicit(&q->tail, tail + q->peeked, memory_order_release);
  q->peeked = 0;
}

size_t rec_queue_used(const rec_queue *q) {
  uint64_t head = atomic_load_explicit(&q->head, memory_order_acquire);
  uint64_t tail = atomic_load_explicit(&q->tail, memory_order_acquire);
  return (size_t)(head - tail);
}
