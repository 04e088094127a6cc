/* Loss detection for one incoming RTP stream, producing the sequence numbers to put in upstream
 * generic NACKs (RFC 4585 6.2.1). Every sequence number skipped by a forward jump goes into a
 * fixed-size list of missing packets ordered by sequence number; a later packet with that number
 * (late original or retransmission) removes it. A missing packet is first due after a short
 * reorder grace (NACK_TRACKER_GRACE_MS, so mild reordering costs no NACK), then again every
 * max(rtt, NACK_TRACKER_MIN_RETRY_MS), at most NACK_TRACKER_MAX_TRIES times, and is given up
 * NACK_TRACKER_MAX_AGE_MS after it went missing: by then it is useless to any jitter buffer.
 * A forward jump beyond NACK_TRACKER_MAX_JUMP, a non-retransmitted packet more than
 * NACK_TRACKER_MAX_BACKWARD behind, or a list overflow restarts tracking and raises a keyframe
 * request instead: that much loss is cheaper to repair with a keyframe than packet by packet.
 * The same policy as libwebrtc's NackRequester and mediasoup's NackGenerator, at a fixed size.
 *
 * Owned by its producer, embedded by value (about 8 KiB), used on the media worker's thread only.
 * No allocation, no I/O, no clock of its own: the caller passes now_ms. */
#ifndef MOA_ROOMS_NACK_TRACKER_H
#define MOA_ROOMS_NACK_TRACKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NACK_TRACKER_CAP 256           /* missing packets tracked at once */
#define NACK_TRACKER_MAX_JUMP 256      /* largest forward seq step that is repaired by NACKs */
#define NACK_TRACKER_MAX_BACKWARD 2048 /* an older non-RTX packet than this is a source restart */
#define NACK_TRACKER_GRACE_MS 10
#define NACK_TRACKER_MIN_RETRY_MS 20
#define NACK_TRACKER_MAX_TRIES 3
#define NACK_TRACKER_MAX_AGE_MS 1000

typedef struct {
  int64_t seq;       /* extended sequence number */
  uint64_t since_ms; /* when it was found missing */
  uint64_t due_ms;   /* when it may be NACKed next */
  uint32_t tries;    /* NACKs sent for it */
} nack_tracker_entry;

typedef struct nack_tracker {
  /* Counters, read-only for callers. */
  uint64_t nacks_sent;    /* sequence numbers handed out by nack_tracker_due(), retries included */
  uint64_t recovered;     /* missing packets that arrived later (late originals or retransmissions) */
  uint64_t lost_for_good; /* missing packets given up: aged out, overflowed, or skipped by a reset */
  uint64_t resets;        /* times tracking restarted */

  /* Private. */
  bool started;
  bool wants_keyframe;
  int64_t highest; /* extended sequence number of the newest packet */
  size_t count;    /* entries in missing[], in increasing seq order */
  nack_tracker_entry missing[NACK_TRACKER_CAP];
} nack_tracker;

/* Empties t: the next packet starts tracking. Never fails. */
void nack_tracker_init(nack_tracker *t);

/* Accounts for a received packet (after SRTP and RTX decapsulation; is_retransmission says it
 * came on the RTX stream). The first non-retransmitted packet starts tracking. A forward step of
 * 2..MAX_JUMP adds the skipped numbers to the missing list (if the list would overflow, its
 * oldest entries are given up and a keyframe is requested); a bigger forward step, or a
 * non-retransmitted packet more than MAX_BACKWARD behind the newest, gives up the list, restarts
 * tracking at this packet and raises a keyframe request. A packet in the missing list is removed
 * from it. Duplicates and other old packets change nothing. A retransmission never advances or
 * restarts tracking: it answers a NACK, so one that looks newer than the newest packet is
 * spurious. Never fails. */
void nack_tracker_on_packet(nack_tracker *t, uint16_t seq, bool is_retransmission, uint64_t now_ms);

/* Writes to out[0..cap) the sequence numbers to NACK now, oldest first, and returns how many
 * (0 if none or cap is 0). Each written number counts as one try and is due again max(rtt_ms,
 * MIN_RETRY_MS) later; numbers that did not fit in cap stay due. Missing packets older than
 * MAX_AGE_MS are dropped here and counted in lost_for_good. Call it from a timer (every 10 to
 * 20 ms) or after on_packet(). Never fails. */
size_t nack_tracker_due(nack_tracker *t, uint64_t now_ms, uint64_t rtt_ms, uint16_t *out, size_t cap);

/* True if a keyframe should be requested from the publisher because of a reset or overflow
 * since the previous call; reading clears it. */
bool nack_tracker_wants_keyframe(nack_tracker *t);

/* How many packets are currently missing. */
static inline size_t nack_tracker_missing(const nack_tracker *t) { return t->count; }

#endif
