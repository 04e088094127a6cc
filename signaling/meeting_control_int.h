/* Private to meeting_control.c and meeting_agenda.c: the per-room control record. */
#ifndef MOA_SIGNALING_MEETING_CONTROL_INT_H
#define MOA_SIGNALING_MEETING_CONTROL_INT_H

#include "signaling/meeting_control.h"
#include "storage/meeting_store.h"

typedef struct lobby_entry {
  uint64_t session_id;
  int64_t user_id;
  char name[128];
  char role[16];
  int64_t since;
  struct lobby_entry *next;
} lobby_entry;

typedef struct room_ctl {
  room_rec room;
  bool is_meeting;
  meeting_rec m;      /* when is_meeting */
  int64_t occurrence; /* start of the meeting's current occurrence (agenda offsets count from it) */
  bool locked;
  lobby_entry *lobby;
  /* agenda (meetings): segments as kept, their offsets and lengths */
  json_t *segments;
  int nseg;
  int64_t seg_start[MEETING_SEGMENTS_MAX], seg_len[MEETING_SEGMENTS_MAX];
  int position;      /* 0 not started, 1..nseg running, nseg + 1 finished */
  bool manual;       /* a host advanced it: it no longer follows the clock */
  int64_t manual_at; /* when the host moved to the current segment */
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

/* Agenda (meeting_agenda.c). */
void mc_agenda_load(hub *h, room_ctl *c, int64_t now);
json_t *mc_agenda_json(const room_ctl *c, int64_t now);
/* Moves the agenda to position (sends room.agenda; removes guests past their last segment from
 * the room and from its chat). */
void mc_agenda_set(rooms *r, hub *h, room_ctl *c, int position, int64_t now);
/* The position the agenda is at now (the clock's, unless a host moved it). */
int mc_agenda_position(const room_ctl *c, int64_t now);
/* Is a guest whose scope ends with segment until out of scope at position? */
bool mc_past_scope(const room_ctl *c, int until, int position);
/* Takes the guests of c's meeting whose scope ends before position out of the meeting's chat,
 * whether they are in the room, in its lobby or gone (storage/chat_store.h,
 * chat_store_room_withdraw). A database error is logged; they are tried again on the next move. */
void mc_scope_withdraw_chat(hub *h, const room_ctl *c, int position);
/* The polite message to a guest whose part of the agenda ended (Korean, English). */
void mc_scope_message(const char *role, const char **ko, const char **en);

#endif
