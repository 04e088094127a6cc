/* A live room's meeting control, rooms side (see meeting_room.h). */
#include "rooms/meeting_room.h"

#include <string.h>

#define HELD_MIC 1u /* participant.held_sources: the microphone */
/* An admission counts for the occurrence it was made for: from this long before its start (a
 * meeting lasts at most 24 hours, so the previous occurrence of a weekly one is over by then). */
#define ADMISSION_EARLY_S 86400

mc_rank mc_rank_of_role(const char *role) {
  if (!role) return MC_NONE;
  if (!strcmp(role, "host")) return MC_HOST;
  if (!strcmp(role, "cohost")) return MC_COHOST;
  if (!strcmp(role, "presenter")) return MC_PRESENTER;
  if (!strcmp(role, "attendee")) return MC_ATTENDEE;
  return MC_GUEST; /* guest, press, expert */
}

const char *mc_rank_name(mc_rank k) {
  static const char *const names[] = {"none", "guest", "attendee", "presenter", "cohost", "host"};
  return names[k];
}

void meeting_room_clear(meeting_room *c) {
  meeting_lobby_clear(&c->lobby);
  meeting_agenda_clear(&c->agenda);
}

bool meeting_room_needs_floor(const meeting_room *c, const participant *p) {
  return p->rank == MC_GUEST || (c && c->is_meeting && c->m.event_mode && p->rank == MC_ATTENDEE);
}

/* ---- entering ---- */

meeting_entry meeting_room_entry(const meeting_room *c, const meeting_entry_facts *f, int64_t now) {
  bool moderates = f->rank >= MC_COHOST;
  if (f->rank == MC_NONE) return MEETING_NOT_INVITED;
  if (c->is_meeting && c->m.cancelled) return MEETING_CANCELLED;
  if (c->is_meeting && f->ended_at && f->ended_at >= c->agenda.occurrence) return MEETING_ENDED;
  if (f->banned) return MEETING_REMOVED;
  if (meeting_agenda_past_scope(&c->agenda, f->until_segment, meeting_agenda_position(&c->agenda, now)))
    return MEETING_PAST_SCOPE;
  if (c->locked && !moderates) return MEETING_LOCKED;
  if (c->is_meeting && c->m.capacity > 0 && !moderates && f->live_count >= c->m.capacity) return MEETING_FULL;
  if (c->is_meeting && c->m.lobby && !moderates) return MEETING_LOBBY;
  return MEETING_ENTER;
}

int64_t meeting_room_admissions_since(const meeting_room *c, int64_t ended_at) {
  int64_t since = c->agenda.occurrence - ADMISSION_EARLY_S;
  return ended_at > since ? ended_at : since;
}

/* ---- checks ---- */

static participant *member(rooms *r, int64_t room_id, uint32_t participant_id) {
  live_room *lr = rooms_find(r, room_id);
  for (participant *p = lr ? lr->members : NULL; p; p = p->next)
    if (p->id == participant_id) return p;
  return NULL;
}

meeting_status meeting_room_target(const meeting_room *c, rooms *r, const meeting_actor *by,
                                   uint32_t participant_id, participant **out) {
  participant *p = member(r, c->room.id, participant_id);
  *out = NULL;
  if (!p) return MEETING_NO_PARTICIPANT;
  if (p->rank == MC_HOST && by->rank < MC_HOST) return MEETING_HOST_TARGET;
  *out = p;
  return MEETING_OK;
}

meeting_status meeting_room_remove_target(const meeting_room *c, rooms *r, const meeting_actor *by,
                                          uint32_t participant_id, participant **out) {
  meeting_status st = meeting_room_target(c, r, by, participant_id, out);
  if (st == MEETING_OK && (*out)->user_id == by->user_id) {
    *out = NULL;
    return MEETING_REMOVE_SELF;
  }
  return st;
}

meeting_status meeting_room_floor_target(const meeting_room *c, rooms *r, const meeting_actor *by,
                                         uint32_t participant_id, bool give, participant **out) {
  meeting_status st = meeting_room_target(c, r, by, participant_id, out);
  if (st == MEETING_OK && !give && !(*out)->has_floor) {
    *out = NULL;
    return MEETING_FLOOR_NOT_HELD;
  }
  return st;
}

meeting_status meeting_room_hand_target(rooms *r, participant *me, uint32_t participant_id, bool raised,
                                        participant **out) {
  participant *p = participant_id ? member(r, me->room->id, participant_id) : me;
  *out = NULL;
  if (!p) return MEETING_NO_PARTICIPANT;
  if (p != me && raised) return MEETING_RAISE_OTHER;
  if (p != me && me->rank < MC_COHOST) return MEETING_LOWER_OTHER;
  *out = p;
  return MEETING_OK;
}

/* ---- changes ---- */

bool meeting_room_set_locked(meeting_room *c, bool locked, const meeting_actor *by,
                             const meeting_listener *l) {
  if (c->locked == locked) return false;
  c->locked = locked;
  if (l->locked_changed) l->locked_changed(l->ctx, c, by);
  return true;
}

bool meeting_room_set_hand(participant *p, bool raised, const meeting_actor *by, const meeting_listener *l) {
  if (p->hand_raised == raised) return false;
  p->hand_raised = raised;
  if (l->hand_changed) l->hand_changed(l->ctx, p, by);
  return true;
}

int meeting_room_set_floor(const meeting_room *c, rooms *r, participant *p, bool give,
                           const meeting_actor *by, const meeting_listener *l, uint32_t *stopped) {
  int n = 0;
  p->has_floor = give;
  if (give) {
    p->hand_raised = false;
  } else if (meeting_room_needs_floor(c, p)) {
    while (p->npubs) { /* a viewer's tracks go: the floor is what let it publish */
      stopped[n] = p->pubs[p->npubs - 1].producer_id;
      rooms_unpublish(r, p, stopped[n++]);
    }
    rooms_close_publish(r, p); /* and its publish PeerConnection, which the client closes */
  }
  if (l->floor_changed) l->floor_changed(l->ctx, p, stopped, n, by);
  return n;
}

int meeting_room_mute(rooms *r, participant *p, const char *source, bool allow_unmute,
                      const meeting_actor *by, const meeting_listener *l, uint32_t *tracks) {
  bool mic = !strcmp(source, "microphone");
  if (mic) p->held_sources = allow_unmute ? p->held_sources & ~HELD_MIC : p->held_sources | HELD_MIC;
  int n = 0;
  for (int i = 0; i < p->npubs; i++)
    if (!strcmp(p->pubs[i].source, source)) {
      if (!p->pubs[i].muted) rooms_mute(r, p, p->pubs[i].producer_id, true);
      tracks[n++] = p->pubs[i].producer_id;
    }
  if (l->muted) l->muted(l->ctx, p, source, tracks, n, !mic || allow_unmute, by);
  return n;
}

int meeting_room_remove(meeting_room *c, rooms *r, participant *p, const char *reason,
                        const meeting_actor *by, const meeting_listener *l) {
  int64_t uid = p->user_id;
  if (l->removed) l->removed(l->ctx, p, reason, by);
  /* Every connection of that user leaves (and any of its waits in the lobby ends). */
  meeting_lobby_drop_user(&c->lobby, uid);
  int n = 0;
  for (;;) {
    live_room *lr = rooms_find(r, c->room.id);
    participant *q = lr ? lr->members : NULL;
    while (q && q->user_id != uid) q = q->next;
    if (!q) break;
    if (l->removed_connection) l->removed_connection(l->ctx, q, reason);
    rooms_leave(r, q, "removed");
    n++;
  }
  return n;
}

int meeting_room_end(meeting_room *c, rooms *r, const meeting_actor *by, const meeting_listener *l) {
  for (const lobby_entry *e = c->lobby.first; e; e = e->next)
    if (l->ended) l->ended(l->ctx, c->room.id, e->session_id, by);
  meeting_lobby_clear(&c->lobby);
  int n = 0;
  for (live_room *lr; (lr = rooms_find(r, c->room.id)) && lr->members; n++) {
    participant *p = lr->members;
    if (l->ended) l->ended(l->ctx, c->room.id, p->session_id, by);
    rooms_leave(r, p, "meeting_ended");
  }
  c->locked = false;
  return n;
}

/* ---- media ---- */

meeting_status meeting_room_may_publish(const meeting_room *c, const participant *p) {
  if (!meeting_room_needs_floor(c, p) || p->has_floor) return MEETING_OK;
  return p->rank == MC_GUEST ? MEETING_GUEST_NO_FLOOR : MEETING_VIEWER_NO_FLOOR;
}

meeting_status meeting_room_may_unmute(const participant *p, uint32_t track_id) {
  for (int i = 0; i < p->npubs; i++)
    if (p->pubs[i].producer_id == track_id && !strcmp(p->pubs[i].source, "microphone") &&
        (p->held_sources & HELD_MIC))
      return MEETING_MIC_HELD;
  return MEETING_OK;
}

void meeting_room_after_publish(rooms *r, participant *p) {
  if (!(p->held_sources & HELD_MIC)) return;
  for (int i = 0; i < p->npubs; i++)
    if (!strcmp(p->pubs[i].source, "microphone") && !p->pubs[i].muted)
      rooms_mute(r, p, p->pubs[i].producer_id, true);
}
