/* Private to meeting_control.c and meeting_events.c: the live rooms' control records
 * (rooms/meeting_room.h) and the meeting listener that turns what they report into events. */
#ifndef MOA_SIGNALING_MEETING_CONTROL_INT_H
#define MOA_SIGNALING_MEETING_CONTROL_INT_H

#include "rooms/meeting_room.h"
#include "signaling/meeting_control.h"

struct meeting_control {
  meeting_room *rooms;
  uint64_t last_tick_ms;
};

meeting_room *mc_room_find(meeting_control *mc, int64_t room_id);

/* Sends event (stolen) to the room's participants of rank >= min_rank. */
void mc_send_ranked(hub *h, live_room *lr, mc_rank min_rank, json_t *event);
void mc_fail(mc_result *res, const char *code, const char *message);
int64_t mc_record(hub *h, const meeting_room *c, int64_t actor_id, const char *action, int64_t target,
                  const char *detail);

/* Agenda, lobby and moderation events (meeting_events.c; the state is rooms/meeting_agenda.h,
 * rooms/meeting_lobby.h and rooms/meeting_room.h). */
json_t *mc_agenda_json(const meeting_agenda *a, int64_t now);
/* The context of the meeting listener: the registry and the hub it tells. */
typedef struct mc_env {
  rooms *r;
  hub *h;
} mc_env;
/* The waiting list for hosts: [{user_id, name, role, since}]. New reference. */
json_t *mc_lobby_json(const lobby_entry *waiting);
/* [id, ...] of n track ids. New reference. */
json_t *mc_ids_json(const uint32_t *ids, int n);
/* The listener sending room.agenda, room.removed (guests out of scope and removed users),
 * room.lobby_waiting (to hosts and cohosts), room.denied, room.locked, room.hand_raised,
 * room.floor_given / room.floor_taken, room.moderated and room.ended for env. */
meeting_listener mc_listener(mc_env *env);
/* The polite message to a guest whose part of the agenda ended (Korean, English). */
void mc_scope_message(const char *role, const char **ko, const char **en);

#endif
