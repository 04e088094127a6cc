/* How running a meeting (rooms/meeting_agenda.h, rooms/meeting_lobby.h) reports upward: a struct
 * of function pointers with a context, implemented by signaling (signaling/meeting_events.c),
 * which turns each call into the protocol's events. Called on the signaling thread, synchronously, in the
 * order things happen. */
#ifndef MOA_ROOMS_MEETING_LISTENER_H
#define MOA_ROOMS_MEETING_LISTENER_H

#include <stdint.h>

#include "rooms/registry.h"

typedef struct meeting_agenda meeting_agenda;
typedef struct lobby_entry lobby_entry;

typedef struct meeting_listener {
  void *ctx;
  /* The agenda a (of room a->room_id) moved to a->position at now (unix seconds). */
  void (*agenda_moved)(void *ctx, const meeting_agenda *a, int64_t now);
  /* p, a guest whose scope ends with segment p->until_segment, is out of scope now that a has
   * moved past it; it leaves the room ("expired") right after this returns. */
  void (*guest_out_of_scope)(void *ctx, const meeting_agenda *a, participant *p);
  /* The lobby of room_id changed: waiting is its list now (NULL: empty). */
  void (*lobby_changed)(void *ctx, int64_t room_id, const lobby_entry *waiting);
  /* e, taken out of room_id's lobby, was denied entry (reason from the host). */
  void (*lobby_denied)(void *ctx, int64_t room_id, const lobby_entry *e, const char *reason);
} meeting_listener;

#endif
