/* How running a meeting (rooms/meeting_agenda.h, rooms/meeting_lobby.h, rooms/meeting_room.h)
 * reports upward: a struct of function pointers with a context, implemented by signaling
 * (signaling/meeting_events.c), which turns each call into the protocol's events. Called on the
 * signaling thread, synchronously, in the order things happen. */
#ifndef MOA_ROOMS_MEETING_LISTENER_H
#define MOA_ROOMS_MEETING_LISTENER_H

#include <stdbool.h>
#include <stdint.h>

#include "rooms/registry.h"

typedef struct meeting_agenda meeting_agenda;
typedef struct lobby_entry lobby_entry;
typedef struct meeting_room meeting_room;
typedef struct meeting_actor meeting_actor;

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
  /* by locked (c->locked) or unlocked c's room. */
  void (*locked_changed)(void *ctx, const meeting_room *c, const meeting_actor *by);
  /* by (p itself, or a host lowering it) raised or lowered p's hand (p->hand_raised). */
  void (*hand_changed)(void *ctx, const participant *p, const meeting_actor *by);
  /* by gave p the floor (p->has_floor) or took it; stopped: the ids of the n tracks p stopped
   * publishing with it (a viewer's), in the order they stopped. */
  void (*floor_changed)(void *ctx, const participant *p, const uint32_t *stopped, int n,
                        const meeting_actor *by);
  /* by muted p's tracks of source: the ids of the n tracks of that source p publishes;
   * allow_unmute false: p may not unmute them (a held microphone). */
  void (*muted)(void *ctx, const participant *p, const char *source, const uint32_t *tracks, int n,
                bool allow_unmute, const meeting_actor *by);
  /* by removes p's user from p's room (reason from the host); each of its connections then hears
   * removed_connection. */
  void (*removed)(void *ctx, const participant *p, const char *reason, const meeting_actor *by);
  /* q, a participant of the removed user, leaves room q->room ("removed") right after this. */
  void (*removed_connection)(void *ctx, const participant *q, const char *reason);
  /* by ended the meeting of room_id: told to session_id, waiting in the lobby or a participant
   * (who leaves, "meeting_ended", right after this). */
  void (*ended)(void *ctx, int64_t room_id, uint64_t session_id, const meeting_actor *by);
} meeting_listener;

#endif
