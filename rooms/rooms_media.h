/* The media workers as the signaling thread sees them, an interface of rooms/ that the media
 * system implements (gateway/media.c, media_interface) and gateway/main.c passes to the hub: the
 * live-room registry (rooms/registry.h) posts its media_cmd messages through it and puts the
 * workers' ports and the DTLS fingerprint into its SDP; signaling drains the workers' events,
 * shows a worker's counters (room.stats) and the media metrics through it. Rooms are pinned to
 * the least loaded worker when they go live. Every call is made on the signaling thread; none is
 * on a media worker's packet path.
 *
 * rooms/ and signaling/ call the media system only through this struct: they never include
 * gateway/media.h (tools/check_layers.py). */
#ifndef MOA_ROOMS_ROOMS_MEDIA_H
#define MOA_ROOMS_ROOMS_MEDIA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rooms/media_cmd.h"

/* One worker's counters at the moment they were read. */
typedef struct media_worker_counters {
  uint64_t rooms, peers, producers, consumers;
  uint64_t packets_in, packets_out, bytes_in, bytes_out;
  uint64_t nacks_received, nacks_sent, retransmitted, rtx_received, plis_sent;
  uint64_t paced, pacer_dropped;
  uint64_t dropped; /* every drop reason summed */
} media_worker_counters;

typedef struct rooms_media {
  void *ctx; /* the first argument of every function below */
  /* Posts a command to worker w; 0, or -1 when its mailbox is full or w is no worker. */
  int (*post)(void *ctx, int worker, const media_cmd *cmd);
  /* The worker with the fewest live rooms; the caller counts the room in with room_added. */
  int (*pick_worker)(void *ctx);
  void (*room_added)(void *ctx, int worker);
  void (*room_removed)(void *ctx, int worker);
  /* Takes the next event the workers posted into *ev; false when none waits. */
  bool (*next_event)(void *ctx, media_event *ev);
  /* The SHA-256 fingerprint (32 bytes) of the DTLS certificate every worker presents. */
  const uint8_t *(*fingerprint)(void *ctx);
  /* The IP address the workers' candidates announce. */
  const char *(*announce_ip)(void *ctx);
  /* Worker w's UDP port, and its ICE-TCP port (0 when ICE-TCP is off). */
  int (*worker_port)(void *ctx, int worker);
  int (*worker_tcp_port)(void *ctx, int worker);
  /* Fills *out with worker w's counters; false (nothing filled) for a bad index. */
  bool (*worker_stats)(void *ctx, int worker, media_worker_counters *out);
  /* Appends the media metrics (Prometheus text) to buf; returns the bytes written (at most len). */
  size_t (*metrics_render)(void *ctx, char *buf, size_t len);
} rooms_media;

#endif
