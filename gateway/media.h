/* The media system: the media workers, the process's DTLS identity (one certificate; its
 * fingerprint goes into every SDP), and the events mailbox the workers report into. Rooms are
 * pinned to the least loaded worker when they go live. gateway/main.c starts and stops it; the
 * signaling thread (rooms/, signaling/) uses it through the rooms_media interface
 * (rooms/rooms_media.h) that media_interface returns. */
#ifndef MOA_GATEWAY_MEDIA_H
#define MOA_GATEWAY_MEDIA_H

#include <stddef.h>
#include <stdint.h>

#include "gateway/config.h"
#include "rooms/media_cmd.h"
#include "rooms/rooms_media.h"

typedef struct media_system media_system;

/* Starts the workers (cfg media options); wake(arg) is called from a worker when events wait.
 * NULL on failure (logged). */
media_system *media_start(const moa_config *cfg, void (*wake)(void *), void *wake_arg);
void media_stop(media_system *m);

int media_worker_count(const media_system *m);
/* The worker with the fewest live rooms; the caller counts the room in with media_room_added. */
int media_pick_worker(const media_system *m);
void media_room_added(media_system *m, int worker);
void media_room_removed(media_system *m, int worker);
/* Posts a command to worker w; -1 when its mailbox is full. */
int media_post(media_system *m, int worker, const media_cmd *cmd);
/* Takes the next event, or returns false. */
bool media_next_event(media_system *m, media_event *ev);

const uint8_t *media_fingerprint(const media_system *m);
const char *media_announce_ip(const media_system *m);
int media_worker_port(const media_system *m, int worker);
/* Worker's ICE-TCP port, 0 when ICE-TCP is off. */
int media_worker_tcp_port(const media_system *m, int worker);

/* Fills *out with worker w's counters; false (nothing filled) for a bad index. */
bool media_worker_stats(const media_system *m, int worker, media_worker_counters *out);

/* Appends the media metrics (Prometheus text) to buf; returns bytes written. */
size_t media_metrics_render(const media_system *m, char *buf, size_t len);

/* The functions above as the rooms_media interface, ctx m (m outlives its users). */
rooms_media media_interface(media_system *m);

#endif
