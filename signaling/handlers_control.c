/* meeting.*: running a live meeting (docs/PROTOCOL.md, "Running a meeting"). Lobby (admit, deny,
 * list), moderation (mute, stop_video, remove, readmit, lock, unlock, end), hands and the floor,
 * the agenda (next, follow the clock), the moderation log and recording (start, stop).
 *
 * These handlers read and check parameters; who may do what is decided, enforced and recorded in
 * signaling/meeting_control.c. A moderation message names its room with room_id, or acts on the
 * room the caller is in. */
#include <stdio.h>
#include <string.h>

#include "signaling/handlers.h"
#include "signaling/meeting_control.h"
#include "signaling/meeting_record.h"

#define REASON_MAX 400

/* The room acted on: "room_id", else the caller's current room. False after an error reply. */
static bool acted_room(hub *h, session *s, json_int_t id, json_t *req, room_rec *room) {
  json_int_t rid = 0;
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_INT("room_id", 1, INT64_MAX, PARAM_OPTIONAL, &rid), PARAM_END}))
    return false;
  if (!rid) rid = s->room_id;
  if (!rid) {
    hub_error(h, s, id, ERR_INVALID_PARAMS, "\"room_id\" is required when you are not in a room");
    return false;
  }
  if (!hub_rooms(h)) {
    hub_error(h, s, id, ERR_BUSY, "media is not available on this server");
    return false;
  }
  if (room_store_get(hub_db(h), rid, room) != 1) {
    hub_error(h, s, id, ERR_NOT_FOUND, "no such room");
    return false;
  }
  return true;
}

static void answer(hub *h, session *s, json_int_t id, json_t *result, const mc_result *res) {
  if (result)
    hub_reply(h, s, id, result);
  else
    hub_error(h, s, id, res->code, res->message);
}

/* Reads "participant_id" (required) and the room. */
static bool participant_params(hub *h, session *s, json_int_t id, json_t *req, room_rec *room,
                               json_int_t *pid) {
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_INT("participant_id", 1, UINT32_MAX, PARAM_REQUIRED, pid), PARAM_END}))
    return false;
  return acted_room(h, s, id, req, room);
}

static bool user_params(hub *h, session *s, json_int_t id, json_t *req, room_rec *room, json_int_t *uid) {
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_INT("user_id", 1, INT64_MAX, PARAM_REQUIRED, uid), PARAM_END}))
    return false;
  return acted_room(h, s, id, req, room);
}

static bool reason_param(hub *h, session *s, json_int_t id, json_t *req, const char **reason) {
  *reason = "";
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_STRING("reason", 0, REASON_MAX, PARAM_OPTIONAL, reason), PARAM_END}))
    return false;
  if (!*reason) *reason = "";
  if (!text_is_clean(*reason, false)) {
    hub_error(h, s, id, ERR_INVALID_PARAMS, "\"reason\" must be plain text on one line");
    return false;
  }
  return true;
}

/* Messages that name only a room. */
typedef json_t *(*room_action)(rooms *r, hub *h, session *actor, const room_rec *room, mc_result *res);

static void on_room(hub *h, session *s, json_int_t id, json_t *req, room_action fn) {
  room_rec room;
  mc_result res;
  if (acted_room(h, s, id, req, &room)) answer(h, s, id, fn(hub_rooms(h), h, s, &room, &res), &res);
}

static json_t *lock_room(rooms *r, hub *h, session *a, const room_rec *room, mc_result *res) {
  return meeting_control_lock(r, h, a, room, true, res);
}
static json_t *unlock_room(rooms *r, hub *h, session *a, const room_rec *room, mc_result *res) {
  return meeting_control_lock(r, h, a, room, false, res);
}

#define ROOM_HANDLER(name, fn) \
  static void name(hub *h, session *s, json_int_t id, json_t *req) { on_room(h, s, id, req, fn); }
ROOM_HANDLER(handle_lobby, meeting_control_lobby)
ROOM_HANDLER(handle_lock, lock_room)
ROOM_HANDLER(handle_unlock, unlock_room)
ROOM_HANDLER(handle_end, meeting_control_end)
ROOM_HANDLER(handle_agenda_next, meeting_control_agenda_next)
ROOM_HANDLER(handle_agenda_follow_clock, meeting_control_agenda_follow_clock)

/* meeting.record {action: "start" | "stop", room_id?} (signaling/meeting_record.h). */
static void handle_record(hub *h, session *s, json_int_t id, json_t *req) {
  const char *action = NULL;
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_STRING("action", 1, 8, PARAM_REQUIRED, &action), PARAM_END}))
    return;
  bool start = !strcmp(action, "start");
  if (!start && strcmp(action, "stop") != 0) {
    hub_error(h, s, id, ERR_INVALID_PARAMS, "\"action\" must be \"start\" or \"stop\"");
    return;
  }
  on_room(h, s, id, req, start ? meeting_record_start : meeting_record_stop);
}

static void handle_admit(hub *h, session *s, json_int_t id, json_t *req) {
  room_rec room;
  json_int_t uid;
  if (!user_params(h, s, id, req, &room, &uid)) return;
  mc_result res;
  uint64_t sessions[16];
  int n = meeting_control_admit(hub_rooms(h), h, s, &room, uid, sessions, 16, &res);
  if (n < 0) {
    hub_error(h, s, id, res.code, res.message);
    return;
  }
  int entered = 0;
  for (int i = 0; i < n; i++) {
    session *w = hub_find(h, sessions[i]);
    if (!w) continue;
    participant *p = NULL;
    const char *code, *message;
    json_t *result = room_enter(h, w, &room, &p, &code, &message);
    if (!result) {
      hub_event(h, w,
                protocol_event("room.denied", json_pack("{s:I, s:s, s:s}", "room_id", (json_int_t)room.id,
                                                        "code", code, "message", message)));
      continue;
    }
    json_object_set_new(result, "room_id", json_integer(room.id));
    hub_event(h, w, protocol_event("room.admitted", result));
    rooms_send_initial_offer(hub_rooms(h), p);
    meeting_control_after_join(hub_rooms(h), h, p);
    entered++;
  }
  hub_reply(h, s, id, json_pack("{s:I, s:i}", "user_id", uid, "admitted", entered));
}

static void handle_deny(hub *h, session *s, json_int_t id, json_t *req) {
  room_rec room;
  json_int_t uid;
  const char *reason;
  if (!user_params(h, s, id, req, &room, &uid) || !reason_param(h, s, id, req, &reason)) return;
  mc_result res;
  answer(h, s, id, meeting_control_deny(hub_rooms(h), h, s, &room, uid, reason, &res), &res);
}

static void handle_mute(hub *h, session *s, json_int_t id, json_t *req) {
  room_rec room;
  json_int_t pid;
  bool allow = true;
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_BOOL("allow_unmute", PARAM_OPTIONAL, &allow), PARAM_END}))
    return;
  if (!participant_params(h, s, id, req, &room, &pid)) return;
  mc_result res;
  answer(h, s, id, meeting_control_mute(hub_rooms(h), h, s, &room, (uint32_t)pid, "microphone", allow, &res),
         &res);
}

static void handle_stop_video(hub *h, session *s, json_int_t id, json_t *req) {
  room_rec room;
  json_int_t pid;
  const char *source = "camera";
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_STRING("source", 1, 16, PARAM_OPTIONAL, &source), PARAM_END}))
    return;
  if (!source) source = "camera";
  if (strcmp(source, "camera") != 0 && strcmp(source, "screen") != 0) {
    hub_error(h, s, id, ERR_INVALID_PARAMS, "\"source\" must be \"camera\" or \"screen\"");
    return;
  }
  if (!participant_params(h, s, id, req, &room, &pid)) return;
  mc_result res;
  answer(h, s, id, meeting_control_mute(hub_rooms(h), h, s, &room, (uint32_t)pid, source, true, &res), &res);
}

static void handle_remove(hub *h, session *s, json_int_t id, json_t *req) {
  room_rec room;
  json_int_t pid;
  const char *reason;
  if (!participant_params(h, s, id, req, &room, &pid) || !reason_param(h, s, id, req, &reason)) return;
  mc_result res;
  answer(h, s, id, meeting_control_remove(hub_rooms(h), h, s, &room, (uint32_t)pid, reason, &res), &res);
}

static void handle_readmit(hub *h, session *s, json_int_t id, json_t *req) {
  room_rec room;
  json_int_t uid;
  if (!user_params(h, s, id, req, &room, &uid)) return;
  mc_result res;
  answer(h, s, id, meeting_control_readmit(hub_rooms(h), h, s, &room, uid, &res), &res);
}

static void hand(hub *h, session *s, json_int_t id, json_t *req, bool raised) {
  json_int_t pid = 0;
  if (!hub_params(
          h, s, id, req,
          (param_spec[]){PARAM_INT("participant_id", 1, UINT32_MAX, PARAM_OPTIONAL, &pid), PARAM_END}))
    return;
  if (!hub_rooms(h)) {
    hub_error(h, s, id, ERR_CONFLICT, "join a room first (room.join)");
    return;
  }
  mc_result res;
  answer(h, s, id, meeting_control_hand(hub_rooms(h), h, s, (uint32_t)pid, raised, &res), &res);
}
static void handle_raise_hand(hub *h, session *s, json_int_t id, json_t *req) { hand(h, s, id, req, true); }
static void handle_lower_hand(hub *h, session *s, json_int_t id, json_t *req) { hand(h, s, id, req, false); }

static void floor_msg(hub *h, session *s, json_int_t id, json_t *req, bool give) {
  room_rec room;
  json_int_t pid;
  if (!participant_params(h, s, id, req, &room, &pid)) return;
  mc_result res;
  answer(h, s, id, meeting_control_floor(hub_rooms(h), h, s, &room, (uint32_t)pid, give, &res), &res);
}
static void handle_give_floor(hub *h, session *s, json_int_t id, json_t *req) {
  floor_msg(h, s, id, req, true);
}
static void handle_take_floor(hub *h, session *s, json_int_t id, json_t *req) {
  floor_msg(h, s, id, req, false);
}

static void handle_log(hub *h, session *s, json_int_t id, json_t *req) {
  json_int_t before = 0, limit = 100;
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_INT("before", 1, INT64_MAX, PARAM_OPTIONAL, &before),
                                 PARAM_INT("limit", 1, 500, PARAM_OPTIONAL, &limit), PARAM_END}))
    return;
  room_rec room;
  mc_result res;
  if (acted_room(h, s, id, req, &room))
    answer(h, s, id, meeting_control_log(hub_rooms(h), h, s, &room, before, (int)limit, &res), &res);
}

const handler_def control_handlers[] = {
    {"meeting.admit", handle_admit, 0},
    {"meeting.agenda_follow_clock", handle_agenda_follow_clock, 0},
    {"meeting.agenda_next", handle_agenda_next, 0},
    {"meeting.deny", handle_deny, 0},
    {"meeting.end", handle_end, 0},
    {"meeting.give_floor", handle_give_floor, 0},
    {"meeting.lobby", handle_lobby, 0},
    {"meeting.lock", handle_lock, 0},
    {"meeting.lower_hand", handle_lower_hand, HANDLER_GUEST},
    {"meeting.moderation_log", handle_log, 0},
    {"meeting.mute", handle_mute, 0},
    {"meeting.raise_hand", handle_raise_hand, HANDLER_GUEST},
    {"meeting.record", handle_record, 0},
    {"meeting.readmit", handle_readmit, 0},
    {"meeting.remove", handle_remove, 0},
    {"meeting.stop_video", handle_stop_video, 0},
    {"meeting.take_floor", handle_take_floor, 0},
    {"meeting.unlock", handle_unlock, 0},
    {NULL, NULL, 0},
};
