/* A producer's retransmission buffer: the recent plaintext RTP packets of one incoming stream,
 * kept so that subscribers' NACKs can be answered without asking the publisher. A ring of a
 * power-of-two number of fixed 1500-byte slots indexed by sequence number modulo the ring size;
 * each slot remembers the sequence number and store time of its packet, so a lookup returns only
 * the packet actually asked for, and only while it is fresh (RTX_BUFFER_MAX_AGE_MS): a packet
 * older than that is useless to a receiver's jitter buffer and only adds load.
 *
 * Owned by its producer, used on the media worker's thread only. rtx_buffer_new() is the one
 * allocation; put and get copy or point, never allocate. 512 slots (video) take about 760 KiB. */
#ifndef MOA_ROOMS_RTX_BUFFER_H
#define MOA_ROOMS_RTX_BUFFER_H

#include <stddef.h>
#include <stdint.h>

#define RTX_BUFFER_MAX_PACKET 1500
#define RTX_BUFFER_MAX_AGE_MS 1000
#define RTX_BUFFER_MAX_SLOTS 65536 /* one slot per sequence number at most */

typedef struct rtx_buffer rtx_buffer;

/* Creates an empty buffer of `slots` slots, a power of two from 1 to RTX_BUFFER_MAX_SLOTS.
 * Returns NULL if slots is not such a number or memory is short (nothing allocated then). */
rtx_buffer *rtx_buffer_new(size_t slots);

/* Frees b and every packet in it; NULL is a no-op. */
void rtx_buffer_free(rtx_buffer *b);

/* Stores a copy of pkt[0..len) under sequence number seq at time now_ms, replacing the slot's
 * previous packet. Ignored (buffer unchanged) if len is 0 or above RTX_BUFFER_MAX_PACKET, or if
 * the slot holds a fresh packet whose seq is newer than this one (a late packet must not evict
 * a newer one). A packet with the same seq as the slot's is replaced and its time refreshed. */
void rtx_buffer_put(rtx_buffer *b, const uint8_t *pkt, size_t len, uint16_t seq, uint64_t now_ms);

/* Looks up the packet stored under seq. Returns a pointer to its bytes, valid until the next
 * rtx_buffer_put() or rtx_buffer_free(), and sets *len; returns NULL (*len untouched) if it was
 * never stored, was overwritten by another sequence number sharing its slot, or was stored more
 * than RTX_BUFFER_MAX_AGE_MS before now_ms. */
const uint8_t *rtx_buffer_get(rtx_buffer *b, uint16_t seq, size_t *len, uint64_t now_ms);

/* Bytes held by b (for metrics); 0 for NULL. */
size_t rtx_buffer_memory(const rtx_buffer *b);

#endif
