/* A pacer toward one subscriber: a FIFO of video packets (plaintext RTP, not yet numbered for
 * transport-cc nor protected) and a byte budget that refills at the pacing rate. Without it a
 * constrained viewer got every switched camera's key frame at once: three key frames in one
 * burst into a link's 200 ms queue, and what it dropped had to be retransmitted
 * (browser_bandwidth_adapt, docs/BWE.md). Chrome paces what it sends the same way.
 *
 *  - a packet goes out at once while the queue is empty and the budget is positive; otherwise
 *    it waits its turn (pacer_push), and the caller drains the queue as the budget allows
 *    (pacer_refill, pacer_front, pacer_pop);
 *  - the budget refills at max(rate, the backlog over PACER_MAX_QUEUE_US) and holds at most
 *    PACER_BURST_US of that rate; it may go one packet below zero;
 *  - no packet waits longer than PACER_MAX_QUEUE_US: one that has goes whatever the budget;
 *  - a full queue refuses the packet (the viewer NACKs it like a loss; counted in dropped);
 *  - audio sent beside it is charged to the same budget (pacer_charge): paced at 1.25 x an
 *    estimate of 600 kbit/s with three Opus streams unpaced on top, an 800 kbit/s link got
 *    850 kbit/s of RTP (about 1 Mbit/s with SRTP, UDP and IP headers) and dropped a fifth of it
 *    for seconds (docs/BWE.md, eighth session).
 *
 * Pure: time is a parameter, no I/O; the queue's storage is allocated at its first use (most
 * viewers never queue) and freed by pacer_free. Owned by the subscriber's sub_bwe, used on the
 * media worker's thread. */
#ifndef MOA_ROOMS_PACER_H
#define MOA_ROOMS_PACER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PACER_CAP 512              /* packets queued at most (~600 kB) */
#define PACER_SLOT 1500            /* the largest packet queued */
#define PACER_MAX_QUEUE_US 1000000 /* the longest a packet waits, whatever the rate */
#define PACER_BURST_US 10000       /* the budget an idle pacer keeps */
#define PACER_MIN_BURST_BYTES 1500 /* ...and at least one full packet */

typedef struct {
  uint8_t *buf; /* PACER_CAP slots of PACER_SLOT bytes; NULL until the first push */
  uint16_t len[PACER_CAP];
  int64_t queued_us[PACER_CAP]; /* when each was pushed */
  unsigned head, count;
  uint64_t bytes;    /* queued */
  uint64_t rate_bps; /* the pacing rate (0: not set: nothing limits) */
  int64_t budget;    /* bytes that may go now */
  int64_t last_us;   /* the last refill */
  uint64_t dropped;  /* packets refused because the queue was full (or out of memory) */
} pacer;

/* The pacing rate from now on. */
void pacer_set_rate(pacer *p, uint64_t rate_bps);
/* Adds to the budget what the rate allows since the last call. */
void pacer_refill(pacer *p, int64_t now_us);
/* Whether a packet of len bytes may go at once, bypassing the queue: nothing queued, and budget
 * left. Takes it from the budget when it may. Call pacer_refill first. */
bool pacer_take(pacer *p, size_t len);
/* Takes len from the budget for a packet that went around the queue (audio, which never
 * waits): what is sent beside the paced video still counts against the rate, so video and
 * audio together keep to it. The budget may go below zero (video then waits longer). No-op
 * without a rate. Call pacer_refill first. */
void pacer_charge(pacer *p, size_t len);
/* Queues a copy of pkt[0..len), pushed at now_us. Returns 0, or -1 when it is refused (queue
 * full, len over PACER_SLOT, out of memory; counted in dropped). */
int pacer_push(pacer *p, const uint8_t *pkt, size_t len, int64_t now_us);
/* The packet at the head of the queue when it may go at now_us (NULL: empty, or wait), its
 * length in *len. pacer_pop removes it and takes its length from the budget. */
const uint8_t *pacer_front(const pacer *p, int64_t now_us, size_t *len);
void pacer_pop(pacer *p);
/* Microseconds from now_us until the head of the queue may go (0: now or empty). */
int64_t pacer_wait_us(const pacer *p, int64_t now_us);
void pacer_free(pacer *p);

#endif
