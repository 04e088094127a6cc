/* Running a meeting (see meeting_control.h): roles, entry checks, the lobby and moderation. The
 * agenda's state is rooms/meeting_agenda.c, its events meeting_events.c. */
#include "signaling/meeting_control.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "signaling/meeting_control_int.h"
#include "signaling/room_events.h"
#include "signaling/room_json.h"
#include "signaling/session_int.h"
#include "storage/attendance_store.h"
#include "storage/chat_store.h"
#include "storage/moderation_store.h"
#include "storage/user_store.h"

#define SRC_MIC 1u
/* An admission counts for the occurrence it was made for: from this long before its start (a
 * meeting lasts at most 24 hours, so the previous occurrence of a weekly one is over by then). */
#define ADMISSION_EARLY_S 86400

meeting_control *meeting_control_new(void) { return calloc(1, sizeof(meeting_control)); }

static void ctl_free(room_ctl *c) {
  meeting_lobby_clear(&c->lobby);
  meeting_agenda_clear(&c->agenda);
  free(c);
}

void meeting_control_free(meeting_control *mc) {
  if (!mc) return;
  for (room_ctl *c = mc->rooms, *n; c; c = n) {
    n = c->next;
    ctl_free(c);
  }
  free(mc);
}

void mc_fail(mc_result *res, const char *code, const char *message) {
  res->code = code;
  snprintf(res->message, sizeof res->message, "%s", message);
}

room_ctl *mc_ctl_find(meeting_control *mc, int64_t room_id) {
  for (room_ctl *c = mc->rooms; c; c = c->next)
    if (c->room.id == room_id) return c;
  return NULL;
}

/* The room's control record, made (and its meeting and agenda read) when missing; the meeting
 * is read again on every call so that changes (lobby, mode, agenda) apply to the next entry.
 * NULL on a database error. */
static room_ctl *ctl_get(rooms *r, hub *h, const room_rec *room) {
  meeting_control *mc = hub_meeting_control(h);
  moa_db *db = hub_db(h);
  int64_t now = db_now(db);
  room_ctl *c = mc_ctl_find(mc, room->id);
  bool fresh = c == NULL;
  if (fresh) {
    c = calloc(1, sizeof *c);
    if (!c) return NULL;
  }
  c->room = *room;
  c->lobby.room_id = room->id;
  int found = meeting_store_by_room(db, room->id, &c->m);
  if (found < 0) {
    if (fresh) free(c);
    return NULL;
  }
  c->is_meeting = found == 1;
  if (!c->is_meeting) memset(&c->m, 0, sizeof c->m);
  meeting_agenda_load(&c->agenda, db, room->id, c->m.id, c->m.starts_at, now);
  if (fresh) {
    c->agenda.position = meeting_agenda_position(&c->agenda, now);
    c->next = mc->rooms;
    mc->rooms = c;
    /* the agenda may have moved on while no one watched */
    meeting_agenda_withdraw_chat(&c->agenda, db, c->agenda.position);
  }
  return c;
}

const char *mc_rank_name(mc_rank k) {
  static const char *const names[] = {"none", "guest", "attendee", "presenter", "cohost", "host"};
  return names[k];
}

static mc_rank rank_of_role(const char *role) {
  if (!role) return MC_NONE;
  if (!strcmp(role, "host")) return MC_HOST;
  if (!strcmp(role, "cohost")) return MC_COHOST;
  if (!strcmp(role, "presenter")) return MC_PRESENTER;
  if (!strcmp(role, "attendee")) return MC_ATTENDEE;
  return MC_GUEST; /* guest, press, expert */
}

/* The session's rank in the room and the name of its role (static). */
static mc_rank rank_in(hub *h, const room_ctl *c, const session *s, const char **role) {
  moa_db *db = hub_db(h);
  mc_rank k = MC_NONE;
  const char *name = NULL;
  if (s->guest_meeting_id) { /* a guest link's session: only its own meeting */
    if (c->is_meeting && c->m.id == s->guest_meeting_id) {
      name = meeting_store_role(db, &c->m, s->user_id);
      k = name ? MC_GUEST : MC_NONE;
    }
  } else if (c->is_meeting) {
    name = s->is_admin ? "host" : meeting_store_role(db, &c->m, s->user_id);
    k = rank_of_role(name);
  } else if (s->is_admin || c->room.created_by == s->user_id ||
             user_store_role_in(db, s->user_id, c->room.consortium_id) == ROLE_COORDINATOR) {
    k = MC_HOST;
  } else if (room_store_can_join(db, &c->room, s->user_id, false)) {
    k = MC_ATTENDEE;
  }
  if (role) *role = name ? name : mc_rank_name(k);
  return k;
}

mc_rank meeting_control_rank(rooms *r, hub *h, session *s, const room_rec *room) {
  room_ctl *c = ctl_get(r, h, room);
  return c ? rank_in(h, c, s, NULL) : MC_NONE;
}

void mc_send_ranked(hub *h, live_room *lr, mc_rank min_rank, json_t *event) {
  for (participant *p = lr->members; p; p = p->next)
    if (p->rank >= min_rank) {
      session *s = hub_find(h, p->session_id);
      if (s) hub_event(h, s, json_incref(event));
    }
  json_decref(event);
}

int64_t mc_record(hub *h, const room_ctl *c, int64_t actor_id, const char *action, int64_t target,
                  const char *detail) {
  moa_db *db = hub_db(h);
  int64_t id = moderation_store_record(db, c->room.id, c->is_meeting ? c->m.id : 0, actor_id, action, target,
                                       detail, db_now(db));
  if (id < 0) log_error("room %lld: cannot record %s: %s", (long long)c->room.id, action, db_errmsg(db));
  return id;
}

static bool needs_floor(const room_ctl *c, const participant *p) {
  return p->rank == MC_GUEST || (c && c->is_meeting && c->m.event_mode && p->rank == MC_ATTENDEE);
}

/* ---- lobby ---- */

bool meeting_control_leave_lobby(rooms *r, hub *h, session *s) {
  bool waited = false;
  mc_env env = {r, h};
  meeting_listener l = mc_listener(&env);
  for (room_ctl *c = hub_meeting_control(h)->rooms; c; c = c->next)
    waited |= meeting_lobby_leave(&c->lobby, s->id, &l);
  return waited;
}

/* ---- entering ---- */

static int live_count(rooms *r, int64_t room_id) {
  live_room *lr = rooms_find(r, room_id);
  return lr ? lr->count : 0;
}

mc_verdict meeting_control_check(rooms *r, hub *h, session *s, const room_rec *room, mc_rank *rank_out,
                                 json_t **lobby_reply, mc_result *res) {
  moa_db *db = hub_db(h);
  int64_t now = db_now(db);
  *lobby_reply = NULL;
  room_ctl *c = ctl_get(r, h, room);
  if (!c) {
    mc_fail(res, ERR_INTERNAL, "cannot read the meeting");
    return MC_REFUSE;
  }
  const char *role;
  mc_rank k = rank_in(h, c, s, &role);
  if (rank_out) *rank_out = k;
  if (k == MC_NONE) {
    mc_fail(res, ERR_FORBIDDEN,
            s->guest_meeting_id ? "your guest link is for another meeting"
            : c->is_meeting     ? "this meeting is open to its invitees only"
                                : "this room is open to its consortium's members and invitees only");
    return MC_REFUSE;
  }
  int64_t ended_at;
  int banned = moderation_store_is_banned(db, room->id, s->user_id);
  if (banned < 0 || moderation_store_ended_at(db, room->id, &ended_at) < 0) {
    mc_fail(res, ERR_INTERNAL, "cannot read the room's state");
    return MC_REFUSE;
  }
  if (c->is_meeting && c->m.cancelled) {
    mc_fail(res, ERR_MEETING_ENDED, "this meeting was cancelled");
    return MC_REFUSE;
  }
  if (c->is_meeting && ended_at && ended_at >= c->agenda.occurrence) {
    mc_fail(res, ERR_MEETING_ENDED, "a host ended this meeting");
    return MC_REFUSE;
  }
  if (banned) {
    mc_fail(res, ERR_REMOVED,
            "a host removed you from this meeting; you can come back once a host readmits you");
    return MC_REFUSE;
  }
  if (meeting_agenda_past_scope(&c->agenda, s->guest_until_segment,
                                meeting_agenda_position(&c->agenda, now))) {
    mc_fail(res, ERR_EXPIRED, "the part of the agenda your guest link covers has ended");
    return MC_REFUSE;
  }
  if (c->locked && k < MC_COHOST) {
    mc_fail(res, ERR_LOCKED, "a host locked this meeting: no one else can join now");
    return MC_REFUSE;
  }
  if (c->is_meeting && c->m.capacity > 0 && k < MC_COHOST && live_count(r, room->id) >= c->m.capacity) {
    mc_fail(res, ERR_BUSY, "the meeting is full");
    return MC_REFUSE;
  }
  meeting_control_leave_lobby(r, h, s);
  if (!c->is_meeting || !c->m.lobby || k >= MC_COHOST) return MC_ENTER;
  /* Admitted from the lobby during this occurrence and not removed since: straight back in
   * (a dropped connection, a reload, a second device). The log is the record of admissions. */
  int64_t since = c->agenda.occurrence - ADMISSION_EARLY_S;
  if (ended_at > since) since = ended_at;
  int admitted = moderation_store_admitted_since(db, room->id, s->user_id, since);
  if (admitted < 0) {
    mc_fail(res, ERR_INTERNAL, "cannot read the room's state");
    return MC_REFUSE;
  }
  if (admitted) return MC_ENTER;
  /* Wait in the lobby: out of any room, no media, no participant list. */
  participant *old = room_events_participant(h, s);
  if (old) rooms_leave(r, old, NULL);
  user_rec u;
  mc_env env = {r, h};
  meeting_listener l = mc_listener(&env);
  if (user_store_find_by_id(db, s->user_id, &u) != 1 ||
      !meeting_lobby_add(&c->lobby, s->id, s->user_id, u.name, role, now, &l)) {
    mc_fail(res, ERR_INTERNAL, "cannot read your profile");
    return MC_REFUSE;
  }
  *lobby_reply = json_pack("{s:o, s:b, s:s, s:I}", "room", room_json_get(db, room->id), "lobby", 1, "role",
                           role, "meeting_id", (json_int_t)c->m.id);
  return MC_WAIT;
}

void meeting_control_on_join(rooms *r, hub *h, session *s, participant *p) {
  room_ctl *c = mc_ctl_find(hub_meeting_control(h), p->room->id);
  const char *role = "attendee";
  p->rank = c ? rank_in(h, c, s, &role) : MC_ATTENDEE;
  if (p->rank == MC_NONE) p->rank = MC_GUEST; /* admitted without a role: the least rights */
  snprintf(p->role, sizeof p->role, "%s", role);
  p->until_segment = s->guest_until_segment;
  if (c && c->is_meeting &&
      attendance_store_join(hub_db(h), c->m.id, p->user_id, p->name, p->role, p->joined_at) < 0)
    log_error("meeting %lld: cannot record that user %lld joined", (long long)c->m.id, (long long)p->user_id);
}

void meeting_control_on_leave(rooms *r, hub *h, participant *p) {
  room_ctl *c = mc_ctl_find(hub_meeting_control(h), p->room->id);
  if (!c || !c->is_meeting) return;
  for (participant *q = p->room->members; q; q = q->next)
    if (q != p && q->user_id == p->user_id) return; /* still inside from another connection */
  moa_db *db = hub_db(h);
  if (attendance_store_leave(db, c->m.id, p->user_id, db_now(db)) < 0)
    log_error("meeting %lld: cannot record that user %lld left", (long long)c->m.id, (long long)p->user_id);
}

json_t *meeting_control_join_info(rooms *r, hub *h, participant *p) {
  room_ctl *c = mc_ctl_find(hub_meeting_control(h), p->room->id);
  const char *mode = c && c->is_meeting ? (c->m.event_mode ? "event" : "meeting") : "room";
  json_t *out = json_pack("{s:s, s:I, s:s, s:b, s:b, s:b}", "role", p->role, "meeting_id",
                          (json_int_t)(c ? c->m.id : 0), "mode", mode, "locked", c && c->locked, "moderator",
                          p->rank >= MC_COHOST, "viewer", needs_floor(c, p));
  json_object_set_new(out, "agenda",
                      c && c->agenda.nseg ? mc_agenda_json(&c->agenda, db_now(hub_db(h))) : json_null());
  return out;
}

void meeting_control_after_join(rooms *r, hub *h, participant *p) {
  room_ctl *c = mc_ctl_find(hub_meeting_control(h), p->room->id);
  session *s = hub_find(h, p->session_id);
  if (!c || !s) return;
  if (c->agenda.nseg)
    hub_event(h, s, protocol_event("room.agenda", mc_agenda_json(&c->agenda, db_now(hub_db(h)))));
  if (p->rank >= MC_COHOST && c->lobby.first)
    hub_event(h, s,
              protocol_event("room.lobby_waiting", json_pack("{s:I, s:o}", "room_id", (json_int_t)c->room.id,
                                                             "waiting", mc_lobby_json(c->lobby.first))));
}

/* ---- media permissions ---- */

bool meeting_control_may_publish(hub *h, const participant *p, mc_result *res) {
  room_ctl *c = mc_ctl_find(hub_meeting_control(h), p->room->id);
  if (needs_floor(c, p) && !p->has_floor) {
    mc_fail(res, ERR_NO_FLOOR,
            p->rank == MC_GUEST ? "guests watch and listen; raise your hand and a host may give you the floor"
                                : "this is an event: viewers publish only when a host gives them the floor");
    return false;
  }
  return true;
}

bool meeting_control_may_unmute(const participant *p, uint32_t track_id, mc_result *res) {
  for (int i = 0; i < p->npubs; i++)
    if (p->pubs[i].producer_id == track_id && !strcmp(p->pubs[i].source, "microphone") &&
        (p->held_sources & SRC_MIC)) {
      mc_fail(res, ERR_MUTED_BY_HOST, "a host muted your microphone; raise your hand to ask to speak");
      return false;
    }
  return true;
}

void meeting_control_after_publish(rooms *r, hub *h, participant *p) {
  if (!(p->held_sources & SRC_MIC)) return;
  for (int i = 0; i < p->npubs; i++)
    if (!strcmp(p->pubs[i].source, "microphone") && !p->pubs[i].muted)
      rooms_mute(r, p, p->pubs[i].producer_id, true);
}

/* ---- moderation ---- */

/* The room's record when actor may moderate it; NULL with res (forbidden) otherwise. */
static room_ctl *moderator_ctl(rooms *r, hub *h, session *actor, const room_rec *room, mc_rank *rank,
                               mc_result *res) {
  room_ctl *c = ctl_get(r, h, room);
  if (!c) {
    mc_fail(res, ERR_INTERNAL, "cannot read the meeting");
    return NULL;
  }
  mc_rank k = rank_in(h, c, actor, NULL);
  if (k < MC_COHOST) {
    mc_fail(res, ERR_FORBIDDEN, "only the meeting's hosts and cohosts can do this");
    return NULL;
  }
  if (rank) *rank = k;
  return c;
}

static participant *member(rooms *r, int64_t room_id, uint32_t participant_id, mc_result *res) {
  live_room *lr = rooms_find(r, room_id);
  for (participant *p = lr ? lr->members : NULL; p; p = p->next)
    if (p->id == participant_id) return p;
  mc_fail(res, ERR_NOT_FOUND, "no participant with that id is in the room");
  return NULL;
}

/* A participant the actor may act on: not a host unless the actor is one. */
static participant *target(rooms *r, const room_ctl *c, mc_rank actor_rank, uint32_t participant_id,
                           mc_result *res) {
  participant *p = member(r, c->room.id, participant_id, res);
  if (p && p->rank == MC_HOST && actor_rank < MC_HOST) {
    mc_fail(res, ERR_FORBIDDEN, "cohosts cannot moderate a host");
    return NULL;
  }
  return p;
}

/* Who acted, for events: {by_user_id, by_name}. */
static void add_by(hub *h, session *actor, json_t *obj) {
  user_rec u;
  bool known = user_store_find_by_id(hub_db(h), actor->user_id, &u) == 1;
  json_object_set_new(obj, "by_user_id", json_integer(actor->user_id));
  json_object_set_new(obj, "by_name", json_string(known ? u.name : ""));
}

static void broadcast_moderated(hub *h, session *actor, live_room *lr, const char *action,
                                const participant *p, json_t *extra) {
  json_t *ev = json_pack("{s:I, s:s, s:I, s:I}", "room_id", (json_int_t)lr->id, "action", action,
                         "participant_id", (json_int_t)p->id, "user_id", (json_int_t)p->user_id);
  if (extra) json_object_update(ev, extra);
  add_by(h, actor, ev);
  room_events_broadcast(h, lr, NULL, protocol_event("room.moderated", ev));
}

json_t *meeting_control_lobby(rooms *r, hub *h, session *actor, const room_rec *room, mc_result *res) {
  room_ctl *c = moderator_ctl(r, h, actor, room, NULL, res);
  if (!c) return NULL;
  return json_pack("{s:I, s:b, s:o}", "room_id", (json_int_t)room->id, "lobby", c->is_meeting && c->m.lobby,
                   "waiting", mc_lobby_json(c->lobby.first));
}

int meeting_control_admit(rooms *r, hub *h, session *actor, const room_rec *room, int64_t user_id,
                          uint64_t *out, int max, mc_result *res) {
  room_ctl *c = moderator_ctl(r, h, actor, room, NULL, res);
  if (!c) return -1;
  if (!meeting_lobby_has_user(&c->lobby, user_id)) {
    mc_fail(res, ERR_NOT_FOUND, "no one with that user id is waiting in the lobby");
    return -1;
  }
  if (mc_record(h, c, actor->user_id, "admit", user_id, "") < 0) {
    mc_fail(res, ERR_INTERNAL, "cannot record the action; nothing was changed");
    return -1;
  }
  mc_env env = {r, h};
  meeting_listener l = mc_listener(&env);
  return meeting_lobby_admit(&c->lobby, user_id, out, max, &l);
}

json_t *meeting_control_deny(rooms *r, hub *h, session *actor, const room_rec *room, int64_t user_id,
                             const char *reason, mc_result *res) {
  room_ctl *c = moderator_ctl(r, h, actor, room, NULL, res);
  if (!c) return NULL;
  if (!meeting_lobby_has_user(&c->lobby, user_id)) {
    mc_fail(res, ERR_NOT_FOUND, "no one with that user id is waiting in the lobby");
    return NULL;
  }
  if (mc_record(h, c, actor->user_id, "deny", user_id, reason) < 0) {
    mc_fail(res, ERR_INTERNAL, "cannot record the action; nothing was changed");
    return NULL;
  }
  mc_env env = {r, h};
  meeting_listener l = mc_listener(&env);
  int n = meeting_lobby_deny(&c->lobby, user_id, reason, &l);
  return json_pack("{s:I, s:i}", "user_id", (json_int_t)user_id, "denied", n);
}

json_t *meeting_control_mute(rooms *r, hub *h, session *actor, const room_rec *room, uint32_t participant_id,
                             const char *source, bool allow_unmute, mc_result *res) {
  mc_rank k;
  room_ctl *c = moderator_ctl(r, h, actor, room, &k, res);
  participant *p = c ? target(r, c, k, participant_id, res) : NULL;
  if (!p) return NULL;
  bool mic = !strcmp(source, "microphone");
  const char *action = mic ? "mute" : "stop_video";
  char detail[80];
  snprintf(detail, sizeof detail, "%s%s", source, mic && !allow_unmute ? ", may not unmute" : "");
  if (mc_record(h, c, actor->user_id, action, p->user_id, detail) < 0) {
    mc_fail(res, ERR_INTERNAL, "cannot record the action; nothing was changed");
    return NULL;
  }
  if (mic) p->held_sources = allow_unmute ? p->held_sources & ~SRC_MIC : p->held_sources | SRC_MIC;
  json_t *tracks = json_array();
  for (int i = 0; i < p->npubs; i++)
    if (!strcmp(p->pubs[i].source, source)) {
      if (!p->pubs[i].muted) rooms_mute(r, p, p->pubs[i].producer_id, true);
      json_array_append_new(tracks, json_integer(p->pubs[i].producer_id));
    }
  json_t *extra =
      json_pack("{s:s, s:O, s:b}", "source", source, "tracks", tracks, "allow_unmute", !mic || allow_unmute);
  broadcast_moderated(h, actor, p->room, action, p, extra);
  json_object_set_new(extra, "participant_id", json_integer(p->id));
  json_decref(tracks);
  return extra;
}

json_t *meeting_control_remove(rooms *r, hub *h, session *actor, const room_rec *room,
                               uint32_t participant_id, const char *reason, mc_result *res) {
  mc_rank k;
  room_ctl *c = moderator_ctl(r, h, actor, room, &k, res);
  participant *p = c ? target(r, c, k, participant_id, res) : NULL;
  if (!p) return NULL;
  if (p->user_id == actor->user_id) {
    mc_fail(res, ERR_CONFLICT, "you cannot remove yourself; use room.leave");
    return NULL;
  }
  moa_db *db = hub_db(h);
  int64_t uid = p->user_id;
  if (db_begin(db) != SQLITE_OK) {
    mc_fail(res, ERR_INTERNAL, "cannot record the action; nothing was changed");
    return NULL;
  }
  /* Removed from the room is removed from its chat too (until readmitted and back in: room.join
   * adds whoever enters), in the same transaction as the ban. */
  if (mc_record(h, c, actor->user_id, "remove", uid, reason) < 0 ||
      moderation_store_ban(db, room->id, uid, actor->user_id, db_now(db)) != 0 ||
      chat_store_room_withdraw(db, room->id, &uid, 1) != CHAT_STORE_OK || db_commit(db) != SQLITE_OK) {
    db_rollback(db);
    mc_fail(res, ERR_INTERNAL, "cannot record the action; nothing was changed");
    return NULL;
  }
  broadcast_moderated(h, actor, p->room, "remove", p, json_pack("{s:s}", "reason", reason));
  /* Every connection of that user leaves (and any of its waits in the lobby ends). */
  meeting_lobby_drop_user(&c->lobby, uid);
  int n = 0;
  for (;;) {
    live_room *lr = rooms_find(r, room->id);
    participant *q = lr ? lr->members : NULL;
    while (q && q->user_id != uid) q = q->next;
    if (!q) break;
    session *s = hub_find(h, q->session_id);
    if (s)
      hub_event(
          h, s,
          protocol_event(
              "room.removed",
              json_pack("{s:I, s:s, s:s, s:s, s:s}", "room_id", (json_int_t)room->id, "code", "removed",
                        "message",
                        "진행자가 회의에서 내보냈습니다. 진행자가 다시 허용하면 재입장할 수 있습니다.",
                        "message_en",
                        "A host removed you from this meeting. You can rejoin once a host readmits you.",
                        "reason", reason)));
    rooms_leave(r, q, "removed");
    n++;
  }
  return json_pack("{s:I, s:I, s:i}", "participant_id", (json_int_t)participant_id, "user_id",
                   (json_int_t)uid, "connections", n);
}

json_t *meeting_control_readmit(rooms *r, hub *h, session *actor, const room_rec *room, int64_t user_id,
                                mc_result *res) {
  room_ctl *c = moderator_ctl(r, h, actor, room, NULL, res);
  if (!c) return NULL;
  moa_db *db = hub_db(h);
  if (db_begin(db) != SQLITE_OK) {
    mc_fail(res, ERR_INTERNAL, "cannot record the action; nothing was changed");
    return NULL;
  }
  int lifted = moderation_store_unban(db, room->id, user_id);
  if (lifted != 1 || mc_record(h, c, actor->user_id, "readmit", user_id, "") < 0 ||
      db_commit(db) != SQLITE_OK) {
    db_rollback(db);
    if (lifted == 0)
      mc_fail(res, ERR_NOT_FOUND, "that user was not removed from this room");
    else
      mc_fail(res, ERR_INTERNAL, "cannot record the action; nothing was changed");
    return NULL;
  }
  return json_pack("{s:I, s:I, s:b}", "room_id", (json_int_t)room->id, "user_id", (json_int_t)user_id,
                   "readmitted", 1);
}

json_t *meeting_control_lock(rooms *r, hub *h, session *actor, const room_rec *room, bool locked,
                             mc_result *res) {
  room_ctl *c = moderator_ctl(r, h, actor, room, NULL, res);
  if (!c) return NULL;
  if (c->locked != locked) {
    if (mc_record(h, c, actor->user_id, locked ? "lock" : "unlock", 0, "") < 0) {
      mc_fail(res, ERR_INTERNAL, "cannot record the action; nothing was changed");
      return NULL;
    }
    c->locked = locked;
    live_room *lr = rooms_find(r, room->id);
    if (lr) {
      json_t *ev = json_pack("{s:I, s:b}", "room_id", (json_int_t)room->id, "locked", locked);
      add_by(h, actor, ev);
      room_events_broadcast(h, lr, NULL, protocol_event("room.locked", ev));
    }
  }
  return json_pack("{s:I, s:b}", "room_id", (json_int_t)room->id, "locked", locked);
}

json_t *meeting_control_end(rooms *r, hub *h, session *actor, const room_rec *room, mc_result *res) {
  room_ctl *c = moderator_ctl(r, h, actor, room, NULL, res);
  if (!c) return NULL;
  moa_db *db = hub_db(h);
  int64_t now = db_now(db);
  if (db_begin(db) != SQLITE_OK) {
    mc_fail(res, ERR_INTERNAL, "cannot record the action; nothing was changed");
    return NULL;
  }
  if (mc_record(h, c, actor->user_id, "end", 0, "") < 0 ||
      (c->is_meeting && moderation_store_set_ended(db, room->id, now) != 0) || db_commit(db) != SQLITE_OK) {
    db_rollback(db);
    mc_fail(res, ERR_INTERNAL, "cannot record the action; nothing was changed");
    return NULL;
  }
  json_t *ev = json_pack("{s:I, s:s, s:s, s:s}", "room_id", (json_int_t)room->id, "code", "meeting_ended",
                         "message", "진행자가 회의를 종료했습니다. 참석해 주셔서 감사합니다.", "message_en",
                         "A host ended the meeting for everyone. Thank you for attending.");
  add_by(h, actor, ev);
  for (lobby_entry *e = c->lobby.first; e; e = e->next) {
    session *s = hub_find(h, e->session_id);
    if (s) hub_event(h, s, protocol_event("room.ended", json_incref(ev)));
  }
  meeting_lobby_clear(&c->lobby);
  int n = 0;
  for (live_room *lr; (lr = rooms_find(r, room->id)) && lr->members; n++) {
    participant *p = lr->members;
    session *s = hub_find(h, p->session_id);
    if (s) hub_event(h, s, protocol_event("room.ended", json_incref(ev)));
    rooms_leave(r, p, "meeting_ended");
  }
  json_decref(ev);
  c->locked = false;
  return json_pack("{s:I, s:b, s:i}", "room_id", (json_int_t)room->id, "ended", 1, "removed", n);
}

json_t *meeting_control_hand(rooms *r, hub *h, session *actor, uint32_t participant_id, bool raised,
                             mc_result *res) {
  participant *me = room_events_participant(h, actor);
  if (!me) {
    mc_fail(res, ERR_CONFLICT, "join a room first (room.join)");
    return NULL;
  }
  participant *p = participant_id ? member(r, me->room->id, participant_id, res) : me;
  if (!p) return NULL;
  room_ctl *c = mc_ctl_find(hub_meeting_control(h), me->room->id);
  if (p != me && (raised || me->rank < MC_COHOST)) {
    mc_fail(res, ERR_FORBIDDEN,
            raised ? "you can raise only your own hand" : "only hosts lower others' hands");
    return NULL;
  }
  if (p->hand_raised != raised) {
    if (p != me && c && mc_record(h, c, actor->user_id, "lower_hand", p->user_id, "") < 0) {
      mc_fail(res, ERR_INTERNAL, "cannot record the action; nothing was changed");
      return NULL;
    }
    p->hand_raised = raised;
    json_t *ev =
        json_pack("{s:I, s:I, s:I, s:s, s:b}", "room_id", (json_int_t)p->room->id, "participant_id",
                  (json_int_t)p->id, "user_id", (json_int_t)p->user_id, "name", p->name, "raised", raised);
    add_by(h, actor, ev);
    room_events_broadcast(h, p->room, NULL, protocol_event("room.hand_raised", ev));
  }
  return json_pack("{s:I, s:b}", "participant_id", (json_int_t)p->id, "raised", raised);
}

json_t *meeting_control_floor(rooms *r, hub *h, session *actor, const room_rec *room, uint32_t participant_id,
                              bool give, mc_result *res) {
  mc_rank k;
  room_ctl *c = moderator_ctl(r, h, actor, room, &k, res);
  participant *p = c ? target(r, c, k, participant_id, res) : NULL;
  if (!p) return NULL;
  if (!give && !p->has_floor) {
    mc_fail(res, ERR_CONFLICT, "that participant does not have the floor");
    return NULL;
  }
  if (mc_record(h, c, actor->user_id, give ? "give_floor" : "take_floor", p->user_id, "") < 0) {
    mc_fail(res, ERR_INTERNAL, "cannot record the action; nothing was changed");
    return NULL;
  }
  json_t *stopped = json_array();
  p->has_floor = give;
  if (give)
    p->hand_raised = false;
  else if (needs_floor(c, p)) {
    while (p->npubs) { /* a viewer's tracks go: the floor is what let it publish */
      json_array_append_new(stopped, json_integer(p->pubs[p->npubs - 1].producer_id));
      rooms_unpublish(r, p, p->pubs[p->npubs - 1].producer_id);
    }
    rooms_close_publish(r, p); /* and its publish PeerConnection, which the client closes */
  }
  json_t *ev = json_pack("{s:I, s:I, s:I, s:s, s:O}", "room_id", (json_int_t)room->id, "participant_id",
                         (json_int_t)p->id, "user_id", (json_int_t)p->user_id, "name", p->name,
                         "stopped_tracks", stopped);
  add_by(h, actor, ev);
  room_events_broadcast(h, p->room, NULL, protocol_event(give ? "room.floor_given" : "room.floor_taken", ev));
  return json_pack("{s:I, s:b, s:o}", "participant_id", (json_int_t)p->id, "floor", give, "stopped_tracks",
                   stopped);
}

static room_ctl *agenda_ctl(rooms *r, hub *h, session *actor, const room_rec *room, mc_result *res) {
  room_ctl *c = moderator_ctl(r, h, actor, room, NULL, res);
  if (c && !c->agenda.nseg) {
    mc_fail(res, ERR_CONFLICT, "this room has no agenda");
    return NULL;
  }
  return c;
}

json_t *meeting_control_agenda_next(rooms *r, hub *h, session *actor, const room_rec *room, mc_result *res) {
  room_ctl *c = agenda_ctl(r, h, actor, room, res);
  if (!c) return NULL;
  if (meeting_agenda_finished(&c->agenda)) {
    mc_fail(res, ERR_CONFLICT, "the agenda is finished");
    return NULL;
  }
  char detail[32];
  snprintf(detail, sizeof detail, "to segment %d", c->agenda.position + 1);
  if (mc_record(h, c, actor->user_id, "agenda_next", 0, detail) < 0) {
    mc_fail(res, ERR_INTERNAL, "cannot record the action; nothing was changed");
    return NULL;
  }
  int64_t now = db_now(hub_db(h));
  mc_env env = {r, h};
  meeting_listener l = mc_listener(&env);
  meeting_agenda_next(&c->agenda, r, hub_db(h), now, &l);
  return mc_agenda_json(&c->agenda, now);
}

json_t *meeting_control_agenda_follow_clock(rooms *r, hub *h, session *actor, const room_rec *room,
                                            mc_result *res) {
  room_ctl *c = agenda_ctl(r, h, actor, room, res);
  if (!c) return NULL;
  if (mc_record(h, c, actor->user_id, "agenda_follow_clock", 0, "") < 0) {
    mc_fail(res, ERR_INTERNAL, "cannot record the action; nothing was changed");
    return NULL;
  }
  int64_t now = db_now(hub_db(h));
  mc_env env = {r, h};
  meeting_listener l = mc_listener(&env);
  meeting_agenda_follow_clock(&c->agenda, r, hub_db(h), now, &l);
  return mc_agenda_json(&c->agenda, now);
}

json_t *meeting_control_log(rooms *r, hub *h, session *actor, const room_rec *room, int64_t before, int limit,
                            mc_result *res) {
  if (!moderator_ctl(r, h, actor, room, NULL, res)) return NULL;
  json_t *rows = room_moderation_log_json(hub_db(h), room->id, before, limit);
  if (!rows) {
    mc_fail(res, ERR_INTERNAL, "cannot read the moderation log");
    return NULL;
  }
  return json_pack("{s:I, s:o}", "room_id", (json_int_t)room->id, "entries", rows);
}

void meeting_control_tick(rooms *r, hub *h) {
  meeting_control *mc = hub_meeting_control(h);
  uint64_t now_ms = hub_now_ms();
  if (now_ms - mc->last_tick_ms < 1000) return;
  mc->last_tick_ms = now_ms;
  int64_t now = db_now(hub_db(h));
  mc_env env = {r, h};
  meeting_listener l = mc_listener(&env);
  for (room_ctl **pp = &mc->rooms; *pp;) {
    room_ctl *c = *pp;
    if (!rooms_find(r, c->room.id) && !c->lobby.first) { /* idle: forget it (the lock goes with it) */
      *pp = c->next;
      ctl_free(c);
      continue;
    }
    pp = &c->next;
    meeting_agenda_tick(&c->agenda, r, hub_db(h), now, &l);
  }
}
