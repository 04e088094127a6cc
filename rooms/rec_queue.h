/* rec_queue: the bounded queue between a media worker and its recording writer thread
 * (rooms/rec_writer.h). One producer thread (the worker) copies entries in, one consumer thread
 * (the writer) reads them in place and releases them: a byte ring with two free-running
 * positions, each written by one side only (C11 release/acquire), so neither side takes a lock
 * or makes a system call per entry, and the worker never waits: an entry that does not fit is
 * refused at once.
 *
 * Entries have variable size (an RTP packet, a control message): a 24-byte header, the bytes,
 * padding to 8. Data entries may fill the ring only up to (capacity - reserve); control entries
 * (open a spool, end a recording) may use the reserve too, so a queue full of packets still
 * takes the message that ends a recording. */
#ifndef MOA_ROOMS_REC_QUEUE_H
#define MOA_ROOMS_REC_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct rec_queue rec_queue;

typedef struct {
  uint16_t kind; /* the caller's code */
  uint32_t id;   /* the caller's id (a track, a recording) */
  uint64_t time_us;
  const uint8_t *data; /* points into the ring until rec_queue_pop */
  size_t len;
} rec_queue_entry;

#define REC_QUEUE_ENTRY_OVERHEAD 24 /* header bytes of an entry (before padding to 8) */

/* A ring of cap bytes (rounded down to a multiple of 8; at least 4 KiB), of which the last
 * `reserve` bytes are for control entries only (reserve < cap). NULL when out of memory or the
 * sizes are invalid. */
rec_queue *rec_queue_new(size_t cap, size_t reserve);
void rec_queue_free(rec_queue *q);

/* Producer side. Copies one entry in. control: may use the reserve. Returns 0, or -1 when it
 * does not fit now (nothing queued), or when len can never fit. */
int rec_queue_push(rec_queue *q, uint16_t kind, uint32_t id, uint64_t time_us, const void *data, size_t len,
                   bool control);

/* Consumer side. The oldest entry, left in place: true and *e filled, or false when empty.
 * rec_queue_pop releases it (the next peek moves on). */
bool rec_queue_peek(rec_queue *q, rec_queue_entry *e);
void rec_queue_pop(rec_queue *q);

/* Bytes queued now (either side; a snapshot). */
size_t rec_queue_used(const rec_queue *q);

#endif
