/* How running a meeting (rooms/meeting_agenda.h) reports upward: a struct of function pointers
 * with a context, implemented by signaling (signaling/agenda_events.c), which turns each call
 * into the protocol's events. Called on the signaling thread, synchronously, in the order things
 * happen. */
#ifndef MOA_ROOMS_MEETING_LISTENER_H
#define MOA_ROOMS_MEETING_LISTENER_H

#include <stdint.h>

#include "rooms/registry.h"

typedef struct meeting_agenda meeting_agenda;

typedef struct meeting_listener {
  void *ctx;
  /* The agenda a (of room a->room_id) moved to a->position at now (unix seconds). */
  void (*agenda_moved)(void *ctx, const meeting_agenda *a, int64_t now);
  /* p, a guest whose scope ends with segment p->until_segment, is out of scope now that a has
   * moved past it; it leaves the room ("expired") right after this returns. */
  void (*guest_out_of_scope)(void *ctx, const meeting_agenda *a, participant *p);
} meeting_listener;

#endif
