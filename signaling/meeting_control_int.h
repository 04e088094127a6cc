/* Private to meeting_control.c and meeting_events.c: the per-room control record. */
#ifndef MOA_SIGNALING_MEETING_CONTROL_INT_H
#define MOA_SIGNALING_MEETING_CONTROL_INT_H

#include "rooms/meeting_agenda.h"
#include "rooms/meeting_lobby.h"
#include "signaling/meeting_control.h"
#include "storage/meeting_store.h"

typedef struct room_ctl {
  room_rec room;
  bool is_meeting;
  meeting_rec m; /* when is_meeting */
  bool locked;
  meeting_lobby lobby;
  meeting_agenda agenda; /* meetings; its occurrence is the start of the current one */
  struct room_ctl *next;
} room_ctl;

struct meeting_control {
  room_ctl *rooms;
  uint64_t last_tick_ms;
};

room_ctl *mc_ctl_find(meeting_control *mc, int64_t room_id);

/* Sends event (stolen) to the room's participants of rank >= min_rank. */
void mc_send_ranked(hub *h, live_room *lr, mc_rank min_rank, json_t *event);
void mc_fail(mc_result *res, const char *code, const char *message);
int64_t mc_record(hub *h, const room_ctl *c, int64_t actor_id, const char *action, int64_t target,
                  const char *detail);

/* Agenda and lobby events (meeting_events.c; the state is rooms/meeting_agenda.h and
 * rooms/meeting_lobby.h). */
json_t *mc_agenda_json(const meeting_agenda *a, int64_t now);
/* The context of the meeting listener: the registry and the hub it tells. */
typedef struct mc_env {
  rooms *r;
  hub *h;
} mc_env;
/* The waiting list for hosts: [{user_id, name, role, since}]. New reference. */
json_t *mc_lobby_json(const lobby_entry *waiting);
/* The listener sending room.agenda, room.removed (guests out of scope), room.lobby_waiting (to
 * hosts and cohosts) and room.denied for env. */
meeting_listener mc_listener(mc_env *env);
/* The polite message to a guest whose part of the agenda ended (Korean, English). */
void mc_scope_message(const char *role, const char **ko, const char **en);

#endif
