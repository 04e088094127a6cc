/* Running a meeting, signaling side: the role of each person in a live room, the lobby, the
 * room's lock and end, removals until readmitted, hands and the floor (hybrid event mode), the
 * agenda clock, attendance, and the moderation log. It reads who the session is (its rank, from
 * the database), records each action, and answers; the decisions on the room and its
 * participants are rooms/meeting_room.h's, which reports them through the meeting listener that
 * signaling/meeting_events.c turns into events (room.*); the media itself is moved by
 * rooms/registry.h (mute, unpublish, leave).
 *
 * State per room lives in a control record (rooms/meeting_room.h) kept while the room is live or
 * someone waits in its lobby (created on the first room.join, freed by the tick once idle). What
 * must outlast it (the log, removals, a meeting's end) is in storage/moderation_store.h.
 *
 * Roles, highest first: host (a meeting's creator, a coordinator of its consortium, an admin;
 * in an ordinary room its creator, the consortium's coordinators and admins), cohost, presenter,
 * attendee, guest (guest links: "guest", "press", "expert"). Hosts and cohosts moderate. Guests
 * always, and attendees in event mode, are viewers: they publish only while they have the floor.
 *
 * Signaling thread only. Every function that changes something records it first; if the record
 * cannot be written nothing changes and the caller gets MC_ERR_INTERNAL. */
#ifndef MOA_SIGNALING_MEETING_CONTROL_H
#define MOA_SIGNALING_MEETING_CONTROL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "rooms/meeting_room.h"
#include "rooms/registry.h"
#include "signaling/hub.h"
#include "storage/room_store.h"

typedef struct meeting_control meeting_control;

/* The moderation state of the live rooms: one per hub (hub_meeting_control). NULL when out of
 * memory. */
meeting_control *meeting_control_new(void);
void meeting_control_free(meeting_control *mc);

/* The outcome of an attempt to do something: code NULL on success, else an error code of
 * docs/PROTOCOL.md and a message for people. */
typedef struct mc_result {
  const char *code;
  char message[200];
} mc_result;

/* ---- entering a room ---- */

typedef enum { MC_REFUSE = -1, MC_ENTER = 0, MC_WAIT = 1 } mc_verdict;

/* May session s enter room now? Checks (in this order) the invitation (a meeting's, or the
 * room's own rules), a guest's scope (its meeting, its last agenda segment), the meeting's
 * end, a removal, the lock, capacity and the lobby, which a user a host admitted during the
 * current occurrence (and did not remove since) passes. MC_WAIT: s was put in the lobby (leaving
 * any room it was in) and the hosts were told; *lobby_reply is the join reply's result (new
 * reference). MC_REFUSE fills res. Role and rank of the caller go to *rank when not NULL. */
mc_verdict meeting_control_check(rooms *r, hub *h, session *s, const room_rec *room, mc_rank *rank,
                                 json_t **lobby_reply, mc_result *res);

/* The participant p of session s just joined (rooms_listener.participant_joined, before the
 * others are told): sets its role from the database and opens its attendance row. */
void meeting_control_on_join(rooms *r, hub *h, session *s, participant *p);
/* Fields added to the join result (and room.admitted): {role, meeting_id, mode, locked,
 * agenda?, hands?}. New reference. */
json_t *meeting_control_join_info(rooms *r, hub *h, participant *p);
/* After the join reply: sends the newcomer the current agenda (room.agenda) and, to hosts, the
 * lobby. */
void meeting_control_after_join(rooms *r, hub *h, participant *p);
/* p is leaving its room (rooms_listener.participant_leaving, signaling/room_events.c): closes
 * attendance. */
void meeting_control_on_leave(rooms *r, hub *h, participant *p);
/* The session closed or left: drops it from any lobby (hosts are told). True if it waited. */
bool meeting_control_leave_lobby(rooms *r, hub *h, session *s);

/* ---- media permissions (media.publish, media.mute) ---- */

/* May p publish now? False (res: no_floor) for a viewer without the floor. */
bool meeting_control_may_publish(hub *h, const participant *p, mc_result *res);
/* May p unmute its track? False (res: muted_by_host) for a microphone a host muted without
 * allowing unmute. */
bool meeting_control_may_unmute(const participant *p, uint32_t track_id, mc_result *res);
/* After a publish: tracks of a source a host muted without allowing unmute start muted. */
void meeting_control_after_publish(rooms *r, hub *h, participant *p);

/* ---- moderation: actor must be a host or cohost of room_id (else forbidden) ---- */

/* The caller's rank in the room (MC_NONE if it may not enter; mc_rank: rooms/meeting_room.h). */
mc_rank meeting_control_rank(rooms *r, hub *h, session *s, const room_rec *room);

/* Each returns a result JSON (new reference) or NULL with res filled. room is the room acted in;
 * actor the session of the host. */
json_t *meeting_control_lobby(rooms *r, hub *h, session *actor, const room_rec *room, mc_result *res);
/* Takes the waiting sessions of user out of the lobby: their ids go to out (at most max);
 * returns how many, or -1 with res. The caller then enters each (room.admitted). */
int meeting_control_admit(rooms *r, hub *h, session *actor, const room_rec *room, int64_t user_id,
                          uint64_t *out, int max, mc_result *res);
json_t *meeting_control_deny(rooms *r, hub *h, session *actor, const room_rec *room, int64_t user_id,
                             const char *reason, mc_result *res);
/* source "microphone" (meeting.mute) or "camera"/"screen" (meeting.stop_video). */
json_t *meeting_control_mute(rooms *r, hub *h, session *actor, const room_rec *room, uint32_t participant_id,
                             const char *source, bool allow_unmute, mc_result *res);
json_t *meeting_control_remove(rooms *r, hub *h, session *actor, const room_rec *room,
                               uint32_t participant_id, const char *reason, mc_result *res);
json_t *meeting_control_readmit(rooms *r, hub *h, session *actor, const room_rec *room, int64_t user_id,
                                mc_result *res);
json_t *meeting_control_lock(rooms *r, hub *h, session *actor, const room_rec *room, bool locked,
                             mc_result *res);
json_t *meeting_control_end(rooms *r, hub *h, session *actor, const room_rec *room, mc_result *res);
/* Hands: anyone in the room raises/lowers its own; a host lowers anyone's (participant_id). */
json_t *meeting_control_hand(rooms *r, hub *h, session *actor, uint32_t participant_id, bool raised,
                             mc_result *res);
json_t *meeting_control_floor(rooms *r, hub *h, session *actor, const room_rec *room, uint32_t participant_id,
                              bool give, mc_result *res);
json_t *meeting_control_agenda_next(rooms *r, hub *h, session *actor, const room_rec *room, mc_result *res);
json_t *meeting_control_agenda_follow_clock(rooms *r, hub *h, session *actor, const room_rec *room,
                                            mc_result *res);
json_t *meeting_control_log(rooms *r, hub *h, session *actor, const room_rec *room, int64_t before, int limit,
                            mc_result *res);

/* About once a second (from hub_poll): the agenda clock (room.agenda on a change, guests past
 * their last segment removed) and freeing idle room records. */
void meeting_control_tick(rooms *r, hub *h);

/* The agenda's clock (mc_agenda_clock_position) and state: rooms/meeting_agenda.h. */

#endif
