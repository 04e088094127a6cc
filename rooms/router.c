/* router: one live room on a media worker. It groups the room's transports and picks the active
 * speaker: the audio producer with the loudest smoothed level that had voice in the last
 * second, announced when it changes (at most every 500 ms). When its last transport is gone the
 * router is freed and the signaling side is told (ME_ROOM_RELEASED). */
#include <assert.h>
#include <stdlib.h>

#include "rooms/sfu_int.h"

#define SPEAKER_MIN_INTERVAL_MS 500
#define VOICE_RECENT_MS 1000

router *router_get(sfu *s, uint32_t room_id, bool create) {
  for (router *r = s->routers; r; r = r->next)
    if (r->room_id == room_id) return r;
  if (!create) return NULL;
  router *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->room_id = room_id;
  r->next = s->routers;
  s->routers = r;
  atomic_fetch_add_explicit(&s->counters->routers, 1, memory_order_relaxed);
  return r;
}

void router_release_if_empty(sfu *s, router *r) {
  if (r->ntransports) return;
  assert(!r->transports); /* the count agrees with the list: a router freed is empty */
  for (router **pp = &s->routers; *pp; pp = &(*pp)->next)
    if (*pp == r) {
      *pp = r->next;
      break;
    }
  recorder_room_released(s, r->room_id); /* the room closed: its recording ends */
  sfu_post_event(s, ME_ROOM_RELEASED, r->room_id, 0, 0, MEDIA_CLOSE_REQUESTED);
  atomic_fetch_sub_explicit(&s->counters->routers, 1, memory_order_relaxed);
  free(r);
}

void router_tick_speaker(sfu *s, router *r) {
  if (s->now_ms - r->last_speaker_ms < SPEAKER_MIN_INTERVAL_MS) return;
  producer *best = NULL;
  for (transport *t = r->transports; t; t = t->next_in_router)
    for (producer *p = t->producers; p; p = p->next)
      if (p->kind == MEDIA_AUDIO && !p->paused && p->last_voice_ms &&
          s->now_ms - p->last_voice_ms < VOICE_RECENT_MS && (!best || p->level < best->level))
        best = p;
  if (best && best->id != r->active_speaker) {
    r->active_speaker = best->id;
    r->last_speaker_ms = s->now_ms;
    sfu_post_event(s, ME_ACTIVE_SPEAKER, r->room_id, best->owner->id, best->id, MEDIA_CLOSE_REQUESTED);
  }
}
