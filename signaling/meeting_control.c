/* Running a meeting (see meeting_control.h), signaling side: who the session is in the room (its
 * rank, from the database), what it may do, the moderation log and its transactions, and the
 * replies. The control record and the decisions on the participants are rooms/meeting_room.c, the
 * agenda rooms/meeting_agenda.c, the lobby rooms/meeting_lobby.c; the events they report are
 * built in meeting_events.c. */
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

meeting_control *meeting_control_new(void) { return calloc(1, sizeof(meeting_control)); }

static void ctl_free(meeting_room *c) {
  meeting_room_clear(c);
  free(c);
}

void meeting_control_free(meeting_control *mc) {
  if (!mc) return;
  for (meeting_room *c = mc->rooms, *n; c; c = n) {
    n = c->next;
    ctl_free(c);
  }
  free(mc);
}

void mc_fail(mc_result *res, const char *code, const char *message) {
  res->code = code;
  snprintf(res->message, sizeof res->message, "%s", message);
}

meeting_room *mc_room_find(meeting_control *mc, int64_t room_id) {
  for (meeting_room *c = mc->rooms; c; c = c->next)
    if (c->room.id == room_id) return c;
  return NULL;
}

/* The room's control record, made (and its meeting and agenda read) when missing; the meeting
 * is read again on every call so that changes (lobby, mode, agenda) apply to the next entry.
 * NULL on a database error. */
static meeting_room *ctl_get(rooms *r, hub *h, const room_rec *room) {
  meeting_control *mc = hub_meeting_control(h);
  moa_db *db = hub_db(h);
  int64_t now = db_now(db);
  meeting_room *c = mc_room_find(mc, room->id);
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

/* The session's rank in the room and the name of its role (static). */
static mc_rank rank_in(hub *h, const meeting_room *c, const session *s, const char **role) {
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
    k = mc_rank_of_role(name);
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
  meeting_room *c = ctl_get(r, h, room);
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

int64_t mc_record(hub *h, const meeting_room *c, int64_t actor_id, const char *action, int64_t target,
                  const char *detail) {
  moa_db *db = hub_db(h);
  int64_t id = moderation_store_record(db, c->room.id, c->is_meeting ? c->m.id : 0, actor_id, action, target,
                                       detail, db_now(db));
  if (id < 0) log_error("room %lld: cannot record %s: %s", (long long)c->room.id, action, db_errmsg(db));
  return id;
}

/* ---- lobby ---- */

bool meeting_control_leave_lobby(rooms *r, hub *h, session *s) {
  bool waited = false;
  mc_env env = {r, h};
  meeting_listener l = mc_listener(&env);
  for (meeting_room *c = hub_meeting_control(h)->rooms; c; c = c->next)
    waited |= meeting_lobby_leave(&c->lobby, s->id, &l);
  return waited;
}

/* ---- entering ---- */

/* Fills res for a refusal; the message of MEETING_NOT_INVITED depends on who asks and where. */
static void entry_fail(mc_result *res, meeting_entry v, const session *s, const meeting_room *c) {
  switch (v) {
    case MEETING_NOT_INVITED:
      mc_fail(res, ERR_FORBIDDEN,
              s->guest_meeting_id ? "your guest link is for another meeting"
              : c->is_meeting     ? "this meeting is open to its invitees only"
                                  : "this room is open to its consortium's members and invitees only");
      break;
    case MEETING_CANCELLED:
      mc_fail(res, ERR_MEETING_ENDED, "this meeting was cancelled");
      break;
    case MEETING_ENDED:
      mc_fail(res, ERR_MEETING_ENDED, "a host ended this meeting");
      break;
    case MEETING_REMOVED:
      mc_fail(res, ERR_REMOVED,
              "a host removed you from this meeting; you can come back once a host readmits you");
      break;
    case MEETING_PAST_SCOPE:
      mc_fail(res, ERR_EXPIRED, "the part of the agenda your guest link covers has ended");
      break;
    case MEETING_LOCKED:
      mc_fail(res, ERR_LOCKED, "a host locked this meeting: no one else can join now");
      break;
    case MEETING_FULL:
      mc_fail(res, ERR_BUSY, "the meeting is full");
      break;
    case MEETING_ENTER:
    case MEETING_LOBBY:
      break;
  }
}

mc_verdict meeting_control_check(rooms *r, hub *h, session *s, const room_rec *room, mc_rank *rank_out,
                                 json_t **lobby_reply, mc_result *res) {
  moa_db *db = hub_db(h);
  int64_t now = db_now(db);
  *lobby_reply = NULL;
  meeting_room *c = ctl_get(r, h, room);
  if (!c) {
    mc_fail(res, ERR_INTERNAL, "cannot read the meeting");
    return MC_REFUSE;
  }
  const char *role;
  live_room *lr = rooms_find(r, room->id);
  meeting_entry_facts f = {.rank = rank_in(h, c, s, &role),
                           .until_segment = s->guest_until_segment,
                           .live_count = lr ? lr->count : 0};
  if (rank_out) *rank_out = f.rank;
  if (f.rank != MC_NONE) { /* the uninvited learn nothing more */
    int banned = moderation_store_is_banned(db, room->id, s->user_id);
    if (banned < 0 || moderation_store_ended_at(db, room->id, &f.ended_at) < 0) {
      mc_fail(res, ERR_INTERNAL, "cannot read the room's state");
      return MC_REFUSE;
    }
    f.banned = banned;
  }
  meeting_entry v = meeting_room_entry(c, &f, now);
  if (v != MEETING_ENTER && v != MEETING_LOBBY) {
    entry_fail(res, v, s, c);
    return MC_REFUSE;
  }
  meeting_control_leave_lobby(r, h, s);
  if (v == MEETING_ENTER) return MC_ENTER;
  /* Admitted from the lobby during this occurrence and not removed since: straight back in.
   * The log is the record of admissions. */
  int admitted =
      moderation_store_admitted_since(db, room->id, s->user_id, meeting_room_admissions_since(c, f.ended_at));
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
  meeting_room *c = mc_room_find(hub_meeting_control(h), p->room->id);
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
  meeting_room *c = mc_room_find(hub_meeting_control(h), p->room->id);
  if (!c || !c->is_meeting) return;
  for (participant *q = p->room->members; q; q = q->next)
    if (q != p && q->user_id == p->user_id) return; /* still inside from another connection */
  moa_db *db = hub_db(h);
  if (attendance_store_leave(db, c->m.id, p->user_id, db_now(db)) < 0)
    log_error("meeting %lld: cannot record that user %lld left", (long long)c->m.id, (long long)p->user_id);
}

json_t *meeting_control_join_info(rooms *r, hub *h, participant *p) {
  meeting_room *c = mc_room_find(hub_meeting_control(h), p->room->id);
  const char *mode = c && c->is_meeting ? (c->m.event_mode ? "event" : "meeting") : "room";
  json_t *out = json_pack("{s:s, s:I, s:s, s:b, s:b, s:b}", "role", p->role, "meeting_id",
                          (json_int_t)(c ? c->m.id : 0), "mode", mode, "locked", c && c->locked, "moderator",
                          p->rank >= MC_COHOST, "viewer", meeting_room_needs_floor(c, p));
  json_object_set_new(out, "agenda",
                      c && c->agenda.nseg ? mc_agenda_json(&c->agenda, db_now(hub_db(h))) : json_null());
  return out;
}

void meeting_control_after_join(rooms *r, hub *h, participant *p) {
  meeting_room *c = mc_room_find(hub_meeting_control(h), p->room->id);
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

/* Fills res for what rooms/meeting_room.c forbids. */
static void status_fail(mc_result *res, meeting_status st) {
  switch (st) {
    case MEETING_NO_PARTICIPANT:
      mc_fail(res, ERR_NOT_FOUND, "no participant with that id is in the room");
      break;
    case MEETING_HOST_TARGET:
      mc_fail(res, ERR_FORBIDDEN, "cohosts cannot moderate a host");
      break;
    case MEETING_REMOVE_SELF:
      mc_fail(res, ERR_CONFLICT, "you cannot remove yourself; use room.leave");
      break;
    case MEETING_RAISE_OTHER:
      mc_fail(res, ERR_FORBIDDEN, "you can raise only your own hand");
      break;
    case MEETING_LOWER_OTHER:
      mc_fail(res, ERR_FORBIDDEN, "only hosts lower others' hands");
      break;
    case MEETING_FLOOR_NOT_HELD:
      mc_fail(res, ERR_CONFLICT, "that participant does not have the floor");
      break;
    case MEETING_GUEST_NO_FLOOR:
      mc_fail(res, ERR_NO_FLOOR,
              "guests watch and listen; raise your hand and a host may give you the floor");
      break;
    case MEETING_VIEWER_NO_FLOOR:
      mc_fail(res, ERR_NO_FLOOR, "this is an event: viewers publish only when a host gives them the floor");
      break;
    case MEETING_MIC_HELD:
      mc_fail(res, ERR_MUTED_BY_HOST, "a host muted your microphone; raise your hand to ask to speak");
      break;
    case MEETING_OK:
      break;
  }
}

bool meeting_control_may_publish(hub *h, const participant *p, mc_result *res) {
  meeting_status st = meeting_room_may_publish(mc_room_find(hub_meeting_control(h), p->room->id), p);
  status_fail(res, st);
  return st == MEETING_OK;
}

bool meeting_control_may_unmute(const participant *p, uint32_t track_id, mc_result *res) {
  meeting_status st = meeting_room_may_unmute(p, track_id);
  status_fail(res, st);
  return st == MEETING_OK;
}

void meeting_control_after_publish(rooms *r, hub *h, participant *p) { meeting_room_after_publish(r, p); }

/* ---- moderation ---- */

/* The room's record when actor may moderate it; NULL with res (forbidden) otherwise. */
static meeting_room *moderator_ctl(rooms *r, hub *h, session *actor, const room_rec *room, mc_rank *rank,
                                   mc_result *res) {
  meeting_room *c = ctl_get(r, h, room);
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

/* Who acts, as the events name it: the session's user and its name in the directory ("" when it
 * cannot be read), of rank k. */
static meeting_actor actor_of(hub *h, const session *s, mc_rank k) {
  meeting_actor by = {.user_id = s->user_id, .rank = k};
  user_rec u;
  if (user_store_find_by_id(hub_db(h), s->user_id, &u) == 1) snprintf(by.name, sizeof by.name, "%s", u.name);
  return by;
}

/* res: the action could not be recorded, so nothing was changed. Returns NULL. */
static void *fail_record(mc_result *res) {
  mc_fail(res, ERR_INTERNAL, "cannot record the action; nothing was changed");
  return NULL;
}

json_t *meeting_control_lobby(rooms *r, hub *h, session *actor, const room_rec *room, mc_result *res) {
  meeting_room *c = moderator_ctl(r, h, actor, room, NULL, res);
  if (!c) return NULL;
  return json_pack("{s:I, s:b, s:o}", "room_id", (json_int_t)room->id, "lobby", c->is_meeting && c->m.lobby,
                   "waiting", mc_lobby_json(c->lobby.first));
}

int meeting_control_admit(rooms *r, hub *h, session *actor, const room_rec *room, int64_t user_id,
                          uint64_t *out, int max, mc_result *res) {
  meeting_room *c = moderator_ctl(r, h, actor, room, NULL, res);
  if (!c) return -1;
  if (!meeting_lobby_has_user(&c->lobby, user_id)) {
    mc_fail(res, ERR_NOT_FOUND, "no one with that user id is waiting in the lobby");
    return -1;
  }
  if (mc_record(h, c, actor->user_id, "admit", user_id, "") < 0) {
    fail_record(res);
    return -1;
  }
  mc_env env = {r, h};
  meeting_listener l = mc_listener(&env);
  return meeting_lobby_admit(&c->lobby, user_id, out, max, &l);
}

json_t *meeting_control_deny(rooms *r, hub *h, session *actor, const room_rec *room, int64_t user_id,
                             const char *reason, mc_result *res) {
  meeting_room *c = moderator_ctl(r, h, actor, room, NULL, res);
  if (!c) return NULL;
  if (!meeting_lobby_has_user(&c->lobby, user_id)) {
    mc_fail(res, ERR_NOT_FOUND, "no one with that user id is waiting in the lobby");
    return NULL;
  }
  if (mc_record(h, c, actor->user_id, "deny", user_id, reason) < 0) return fail_record(res);
  mc_env env = {r, h};
  meeting_listener l = mc_listener(&env);
  int n = meeting_lobby_deny(&c->lobby, user_id, reason, &l);
  return json_pack("{s:I, s:i}", "user_id", (json_int_t)user_id, "denied", n);
}

json_t *meeting_control_mute(rooms *r, hub *h, session *actor, const room_rec *room, uint32_t participant_id,
                             const char *source, bool allow_unmute, mc_result *res) {
  mc_rank k;
  meeting_room *c = moderator_ctl(r, h, actor, room, &k, res);
  if (!c) return NULL;
  meeting_actor by = actor_of(h, actor, k);
  participant *p;
  meeting_status st = meeting_room_target(c, r, &by, participant_id, &p);
  if (st != MEETING_OK) {
    status_fail(res, st);
    return NULL;
  }
  bool mic = !strcmp(source, "microphone");
  char detail[80];
  snprintf(detail, sizeof detail, "%s%s", source, mic && !allow_unmute ? ", may not unmute" : "");
  if (mc_record(h, c, actor->user_id, mic ? "mute" : "stop_video", p->user_id, detail) < 0)
    return fail_record(res);
  mc_env env = {r, h};
  meeting_listener l = mc_listener(&env);
  uint32_t tracks[ROOM_MAX_PUBLISHED];
  int n = meeting_room_mute(r, p, source, allow_unmute, &by, &l, tracks);
  return json_pack("{s:s, s:o, s:b, s:I}", "source", source, "tracks", mc_ids_json(tracks, n), "allow_unmute",
                   !mic || allow_unmute, "participant_id", (json_int_t)p->id);
}

json_t *meeting_control_remove(rooms *r, hub *h, session *actor, const room_rec *room,
                               uint32_t participant_id, const char *reason, mc_result *res) {
  mc_rank k;
  meeting_room *c = moderator_ctl(r, h, actor, room, &k, res);
  if (!c) return NULL;
  meeting_actor by = actor_of(h, actor, k);
  participant *p;
  meeting_status st = meeting_room_remove_target(c, r, &by, participant_id, &p);
  if (st != MEETING_OK) {
    status_fail(res, st);
    return NULL;
  }
  moa_db *db = hub_db(h);
  int64_t uid = p->user_id;
  if (db_begin(db) != SQLITE_OK) return fail_record(res);
  /* Removed from the room is removed from its chat too (until readmitted and back in: room.join
   * adds whoever enters), in the same transaction as the ban. */
  if (mc_record(h, c, actor->user_id, "remove", uid, reason) < 0 ||
      moderation_store_ban(db, room->id, uid, actor->user_id, db_now(db)) != 0 ||
      chat_store_room_withdraw(db, room->id, &uid, 1) != CHAT_STORE_OK || db_commit(db) != SQLITE_OK) {
    db_rollback(db);
    return fail_record(res);
  }
  mc_env env = {r, h};
  meeting_listener l = mc_listener(&env);
  int n = meeting_room_remove(c, r, p, reason, &by, &l);
  return json_pack("{s:I, s:I, s:i}", "participant_id", (json_int_t)participant_id, "user_id",
                   (json_int_t)uid, "connections", n);
}

json_t *meeting_control_readmit(rooms *r, hub *h, session *actor, const room_rec *room, int64_t user_id,
                                mc_result *res) {
  meeting_room *c = moderator_ctl(r, h, actor, room, NULL, res);
  if (!c) return NULL;
  moa_db *db = hub_db(h);
  if (db_begin(db) != SQLITE_OK) return fail_record(res);
  int lifted = moderation_store_unban(db, room->id, user_id);
  if (lifted != 1 || mc_record(h, c, actor->user_id, "readmit", user_id, "") < 0 ||
      db_commit(db) != SQLITE_OK) {
    db_rollback(db);
    if (lifted != 0) return fail_record(res);
    mc_fail(res, ERR_NOT_FOUND, "that user was not removed from this room");
    return NULL;
  }
  return json_pack("{s:I, s:I, s:b}", "room_id", (json_int_t)room->id, "user_id", (json_int_t)user_id,
                   "readmitted", 1);
}

json_t *meeting_control_lock(rooms *r, hub *h, session *actor, const room_rec *room, bool locked,
                             mc_result *res) {
  mc_rank k;
  meeting_room *c = moderator_ctl(r, h, actor, room, &k, res);
  if (!c) return NULL;
  if (c->locked != locked) {
    if (mc_record(h, c, actor->user_id, locked ? "lock" : "unlock", 0, "") < 0) return fail_record(res);
    meeting_actor by = actor_of(h, actor, k);
    mc_env env = {r, h};
    meeting_listener l = mc_listener(&env);
    meeting_room_set_locked(c, locked, &by, &l);
  }
  return json_pack("{s:I, s:b}", "room_id", (json_int_t)room->id, "locked", locked);
}

json_t *meeting_control_end(rooms *r, hub *h, session *actor, const room_rec *room, mc_result *res) {
  mc_rank k;
  meeting_room *c = moderator_ctl(r, h, actor, room, &k, res);
  if (!c) return NULL;
  moa_db *db = hub_db(h);
  int64_t now = db_now(db);
  if (db_begin(db) != SQLITE_OK) return fail_record(res);
  if (mc_record(h, c, actor->user_id, "end", 0, "") < 0 ||
      (c->is_meeting && moderation_store_set_ended(db, room->id, now) != 0) || db_commit(db) != SQLITE_OK) {
    db_rollback(db);
    return fail_record(res);
  }
  meeting_actor by = actor_of(h, actor, k);
  mc_env env = {r, h};
  meeting_listener l = mc_listener(&env);
  int n = meeting_room_end(c, r, &by, &l);
  return json_pack("{s:I, s:b, s:i}", "room_id", (json_int_t)room->id, "ended", 1, "removed", n);
}

json_t *meeting_control_hand(rooms *r, hub *h, session *actor, uint32_t participant_id, bool raised,
                             mc_result *res) {
  participant *me = room_events_participant(h, actor);
  if (!me) {
    mc_fail(res, ERR_CONFLICT, "join a room first (room.join)");
    return NULL;
  }
  participant *p;
  meeting_status st = meeting_room_hand_target(r, me, participant_id, raised, &p);
  if (st != MEETING_OK) {
    status_fail(res, st);
    return NULL;
  }
  meeting_room *c = mc_room_find(hub_meeting_control(h), me->room->id);
  if (p->hand_raised != raised) {
    if (p != me && c && mc_record(h, c, actor->user_id, "lower_hand", p->user_id, "") < 0)
      return fail_record(res);
    meeting_actor by = actor_of(h, actor, (mc_rank)me->rank);
    mc_env env = {r, h};
    meeting_listener l = mc_listener(&env);
    meeting_room_set_hand(p, raised, &by, &l);
  }
  return json_pack("{s:I, s:b}", "participant_id", (json_int_t)p->id, "raised", raised);
}

json_t *meeting_control_floor(rooms *r, hub *h, session *actor, const room_rec *room, uint32_t participant_id,
                              bool give, mc_result *res) {
  mc_rank k;
  meeting_room *c = moderator_ctl(r, h, actor, room, &k, res);
  if (!c) return NULL;
  meeting_actor by = actor_of(h, actor, k);
  participant *p;
  meeting_status st = meeting_room_floor_target(c, r, &by, participant_id, give, &p);
  if (st != MEETING_OK) {
    status_fail(res, st);
    return NULL;
  }
  if (mc_record(h, c, actor->user_id, give ? "give_floor" : "take_floor", p->user_id, "") < 0)
    return fail_record(res);
  mc_env env = {r, h};
  meeting_listener l = mc_listener(&env);
  uint32_t stopped[ROOM_MAX_PUBLISHED];
  int n = meeting_room_set_floor(c, r, p, give, &by, &l, stopped);
  return json_pack("{s:I, s:b, s:o}", "participant_id", (json_int_t)p->id, "floor", give, "stopped_tracks",
                   mc_ids_json(stopped, n));
}

static meeting_room *agenda_ctl(rooms *r, hub *h, session *actor, const room_rec *room, mc_result *res) {
  meeting_room *c = moderator_ctl(r, h, actor, room, NULL, res);
  if (c && !c->agenda.nseg) {
    mc_fail(res, ERR_CONFLICT, "this room has no agenda");
    return NULL;
  }
  return c;
}

json_t *meeting_control_agenda_next(rooms *r, hub *h, session *actor, const room_rec *room, mc_result *res) {
  meeting_room *c = agenda_ctl(r, h, actor, room, res);
  if (!c) return NULL;
  if (meeting_agenda_finished(&c->agenda)) {
    mc_fail(res, ERR_CONFLICT, "the agenda is finished");
    return NULL;
  }
  char detail[32];
  snprintf(detail, sizeof detail, "to segment %d", c->agenda.position + 1);
  if (mc_record(h, c, actor->user_id, "agenda_next", 0, detail) < 0) return fail_record(res);
  int64_t now = db_now(hub_db(h));
  mc_env env = {r, h};
  meeting_listener l = mc_listener(&env);
  meeting_agenda_next(&c->agenda, r, hub_db(h), now, &l);
  return mc_agenda_json(&c->agenda, now);
}

json_t *meeting_control_agenda_follow_clock(rooms *r, hub *h, session *actor, const room_rec *room,
                                            mc_result *res) {
  meeting_room *c = agenda_ctl(r, h, actor, room, res);
  if (!c) return NULL;
  if (mc_record(h, c, actor->user_id, "agenda_follow_clock", 0, "") < 0) return fail_record(res);
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
  for (meeting_room **pp = &mc->rooms; *pp;) {
    meeting_room *c = *pp;
    if (!rooms_find(r, c->room.id) && !c->lobby.first) { /* idle: forget it (the lock goes with it) */
      *pp = c->next;
      ctl_free(c);
      continue;
    }
    pp = &c->next;
    meeting_agenda_tick(&c->agenda, r, hub_db(h), now, &l);
  }
}
