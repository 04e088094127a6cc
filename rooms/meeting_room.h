/* A live room's meeting control, rooms side: the control record of a room (its room and meeting
 * as read from storage, the lock, the lobby, the agenda), the ranks of the people in it, and the
 * moderation decisions on the registry's participants: lock, hands, the floor, mute, remove,
 * end. It speaks no protocol and reads no sessions: who acts comes as a meeting_actor that
 * signaling fills, and what happens is reported through a meeting_listener
 * (rooms/meeting_listener.h), which signaling implements (signaling/meeting_events.c).
 *
 * Each decision comes in two steps so that signaling can record it in between
 * (signaling/meeting_control.c records every action first; if the record cannot be written
 * nothing changes): a check that changes nothing (a meeting_status), then the change, which
 * reports through the listener in the order clients are told. Signaling thread only. */
#ifndef MOA_ROOMS_MEETING_ROOM_H
#define MOA_ROOMS_MEETING_ROOM_H

#include <stdbool.h>
#include <stdint.h>

#include "rooms/meeting_agenda.h"
#include "rooms/meeting_listener.h"
#include "rooms/meeting_lobby.h"
#include "rooms/registry.h"
#include "storage/meeting_store.h"
#include "storage/room_store.h"

/* Roles, highest first: host, cohost, presenter, attendee, guest (guest links: "guest", "press",
 * "expert"). Hosts and cohosts moderate. MC_NONE: may not enter. */
typedef enum { MC_NONE = 0, MC_GUEST = 1, MC_ATTENDEE, MC_PRESENTER, MC_COHOST, MC_HOST } mc_rank;

/* The rank of a role name ("host", "cohost", "presenter", "attendee"; any other name is a
 * guest's); MC_NONE for NULL. */
mc_rank mc_rank_of_role(const char *role);
/* "none", "guest", "attendee", "presenter", "cohost", "host" (static). */
const char *mc_rank_name(mc_rank k);

/* Who acts, as the listener is told it: filled once by signaling. */
struct meeting_actor {
  int64_t user_id;
  char name[128]; /* "" when unknown */
  mc_rank rank;   /* in the room acted in */
};

/* The control record of a room, kept while it is live or someone waits in its lobby. */
struct meeting_room {
  room_rec room;
  bool is_meeting;
  meeting_rec m; /* when is_meeting */
  bool locked;
  meeting_lobby lobby;
  meeting_agenda agenda; /* meetings; its occurrence is the start of the current one */
  struct meeting_room *next;
};

/* Frees the lobby's entries and the agenda's segments (the struct itself belongs to the caller). */
void meeting_room_clear(meeting_room *c);

/* Is p a viewer, who publishes only while it has the floor? Guests always; attendees of a meeting
 * in event mode. c may be NULL (no record: only guests). */
bool meeting_room_needs_floor(const meeting_room *c, const participant *p);

/* ---- entering ---- */

/* What signaling read about someone who asks to enter c's room. */
typedef struct meeting_entry_facts {
  mc_rank rank;      /* in the room (MC_NONE: not invited; nothing else is looked at then) */
  bool banned;       /* a host removed the user and none readmitted it since */
  int64_t ended_at;  /* when a host last ended the room's meeting (0: never) */
  int until_segment; /* a guest link's last agenda segment (0: the whole meeting) */
  int live_count;    /* participants in the live room now (0: not live) */
} meeting_entry_facts;

/* The entry verdict, the first that applies in this order. */
typedef enum {
  MEETING_ENTER = 0,   /* in */
  MEETING_NOT_INVITED, /* rank MC_NONE */
  MEETING_CANCELLED,   /* the meeting was cancelled */
  MEETING_ENDED,       /* a host ended the current occurrence */
  MEETING_REMOVED,     /* banned */
  MEETING_PAST_SCOPE,  /* a guest whose last segment the agenda has passed (now) */
  MEETING_LOCKED,      /* locked, and below cohost */
  MEETING_FULL,        /* the meeting's capacity is reached, and below cohost */
  MEETING_LOBBY,       /* the meeting has a lobby and the rank is below cohost: in if a host
                          admitted the user since meeting_room_admissions_since(), else it waits */
} meeting_entry;

meeting_entry meeting_room_entry(const meeting_room *c, const meeting_entry_facts *f, int64_t now);
/* From when an admission from the lobby lets the user straight back in (a dropped connection, a
 * reload, a second device): from a day before the current occurrence's start, or its end by a
 * host if later (ended_at as in meeting_entry_facts). */
int64_t meeting_room_admissions_since(const meeting_room *c, int64_t ended_at);

/* ---- what a host decides ---- */

typedef enum {
  MEETING_OK = 0,
  MEETING_NO_PARTICIPANT,  /* no participant with that id is in the room */
  MEETING_HOST_TARGET,     /* a cohost acting on a host */
  MEETING_REMOVE_SELF,     /* removing one's own user */
  MEETING_RAISE_OTHER,     /* raising someone else's hand */
  MEETING_LOWER_OTHER,     /* lowering someone else's hand below cohost */
  MEETING_FLOOR_NOT_HELD,  /* taking the floor from someone who does not have it */
  MEETING_GUEST_NO_FLOOR,  /* a guest publishing without the floor */
  MEETING_VIEWER_NO_FLOOR, /* an event's attendee publishing without the floor */
  MEETING_MIC_HELD,        /* unmuting a microphone a host muted without allowing unmute */
} meeting_status;

/* Checks (change nothing). Each returns MEETING_OK with the participant of c's live room in r
 * that by may act on in *out, or what forbids it. A target is participant_id: an actor below host
 * may not act on a host (MEETING_HOST_TARGET, after MEETING_NO_PARTICIPANT). */
meeting_status meeting_room_target(const meeting_room *c, rooms *r, const meeting_actor *by,
                                   uint32_t participant_id, participant **out);
/* A target that is not of by's own user (MEETING_REMOVE_SELF). */
meeting_status meeting_room_remove_target(const meeting_room *c, rooms *r, const meeting_actor *by,
                                          uint32_t participant_id, participant **out);
/* A target that, to take the floor (give false), has it (MEETING_FLOOR_NOT_HELD). */
meeting_status meeting_room_floor_target(const meeting_room *c, rooms *r, const meeting_actor *by,
                                         uint32_t participant_id, bool give, participant **out);
/* Whose hand me (in a room of r) raises or lowers: participant_id of its room (0: me itself);
 * only its own is raised (MEETING_RAISE_OTHER), and another's is lowered by a cohost or host only
 * (MEETING_LOWER_OTHER). */
meeting_status meeting_room_hand_target(rooms *r, participant *me, uint32_t participant_id, bool raised,
                                        participant **out);

/* Changes, each reported through l (its callbacks may be NULL). */

/* Locks or unlocks c: l->locked_changed when it changed (true), nothing when it was so (false). */
bool meeting_room_set_locked(meeting_room *c, bool locked, const meeting_actor *by,
                             const meeting_listener *l);
/* Raises or lowers p's hand: l->hand_changed when it changed (true), nothing when it was so. */
bool meeting_room_set_hand(participant *p, bool raised, const meeting_actor *by, const meeting_listener *l);
/* Gives p the floor (lowering its hand) or takes it. A viewer (meeting_room_needs_floor) whose
 * floor is taken stops publishing: each track is unpublished (rooms_unpublish, the last first;
 * their ids go to stopped, which holds ROOM_MAX_PUBLISHED) and its publish transport closes
 * (rooms_close_publish). Then l->floor_changed. Returns how many ids went to stopped. */
int meeting_room_set_floor(const meeting_room *c, rooms *r, participant *p, bool give,
                           const meeting_actor *by, const meeting_listener *l, uint32_t *stopped);
/* A host mutes p's tracks of source ("microphone", "camera", "screen"): each track of that source
 * is muted (rooms_mute, when not muted already) and its id goes to tracks (ROOM_MAX_PUBLISHED of
 * them). The microphone is held (p may not unmute, and new microphone tracks start muted) unless
 * allow_unmute, which releases it. Then l->muted. Returns how many ids went to tracks. */
int meeting_room_mute(rooms *r, participant *p, const char *source, bool allow_unmute,
                      const meeting_actor *by, const meeting_listener *l, uint32_t *tracks);
/* A host removes p's user (reason from the host): l->removed for p, then its waits in c's lobby end
 * silently, then each participant of that user in c's live room hears l->removed_connection and
 * leaves (rooms_leave, "removed"). p is freed. Returns how many connections left. */
int meeting_room_remove(meeting_room *c, rooms *r, participant *p, const char *reason,
                        const meeting_actor *by, const meeting_listener *l);
/* A host ends c's meeting for everyone: l->ended for each session in the lobby (first come
 * first), the lobby empties, then l->ended for each participant of the live room, which then
 * leaves (rooms_leave, "meeting_ended"); the lock is lifted. Returns how many participants left. */
int meeting_room_end(meeting_room *c, rooms *r, const meeting_actor *by, const meeting_listener *l);

/* ---- media ---- */

/* May p publish now? MEETING_OK, or MEETING_GUEST_NO_FLOOR / MEETING_VIEWER_NO_FLOOR for a viewer
 * without the floor (c: p's room's record, may be NULL). */
meeting_status meeting_room_may_publish(const meeting_room *c, const participant *p);
/* May p unmute its track track_id? MEETING_OK, or MEETING_MIC_HELD for a microphone a host
 * muted without allowing unmute. */
meeting_status meeting_room_may_unmute(const participant *p, uint32_t track_id);
/* After p published: while a host holds its microphone, its unmuted microphone tracks are muted
 * (rooms_mute). */
void meeting_room_after_publish(rooms *r, participant *p);

#endif
