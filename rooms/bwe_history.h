/* Send history of one transport for transport-wide congestion control: the transport-wide
 * sequence number of every packet the server sends (audio, video, RTX, padding probes), with
 * its send time, size and probe cluster, so that a transport-cc feedback message (which only
 * names sequence numbers and arrival times) can be turned into the per-packet input of the
 * bandwidth estimator (rooms/bwe_estimator.h).
 *
 * A ring of BWE_HISTORY_SIZE entries indexed by the low bits of the sequence number: a packet
 * whose feedback comes later than BWE_HISTORY_SIZE packets after it is forgotten (at 20 Mbit/s
 * of 1200-byte packets that is about 2 s, far more than any feedback interval). Each packet is
 * reported to the estimator as received at most once, however many feedback messages repeat
 * it. Pure: no I/O, no clock, no allocation. Owned by its transport, embedded by value, used on
 * the media worker's thread only. Zero-initialising is not enough: call bwe_history_init(). */
#ifndef MOA_ROOMS_BWE_HISTORY_H
#define MOA_ROOMS_BWE_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gateway/rtc/twcc.h"
#include "rooms/bwe_estimator.h"

#define BWE_HISTORY_SIZE 4096 /* a power of two */

typedef struct {
  int64_t send_us;
  int32_t probe_id;
  uint16_t seq;
  uint16_t size;
  uint8_t state; /* 0 empty, 1 sent, 2 reported received */
} bwe_history_entry;

typedef struct {
  uint16_t next_seq; /* read-only: the number the next packet gets */
  uint64_t unknown;  /* read-only: feedback entries naming packets not (or no longer) held */
  bwe_history_entry e[BWE_HISTORY_SIZE];
} bwe_history;

/* Prepares h; the first packet gets first_seq. Never fails. */
void bwe_history_init(bwe_history *h, uint16_t first_seq);

/* Records a packet about to be sent and returns its transport-wide sequence number (to write
 * with twcc_ext_write()). size is the RTP packet's length (values above 65535 are saturated);
 * probe_id 0 unless the packet belongs to a probe cluster. Never fails: the oldest entry is
 * overwritten. */
uint16_t bwe_history_add(bwe_history *h, int64_t send_us, size_t size, int probe_id);

/* Joins one parsed feedback message with the history: for each reported packet still held
 * (and not already reported received), writes a bwe_packet with arrival_us + arrival_offset_us
 * (the offset from twcc_ref_unwrap()). Writes at most cap entries; returns how many. Packets
 * unknown to the history are skipped and counted in h->unknown. */
size_t bwe_history_resolve(bwe_history *h, const twcc_packet *fb, size_t n, int64_t arrival_offset_us,
                           bwe_packet *out, size_t cap);

#endif
