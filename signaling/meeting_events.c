/* Running a live meeting, signaling side: the JSON of its agenda (room.agenda, the join result's
 * agenda) and of its waiting list, and the meeting_listener that turns what
 * rooms/meeting_agenda.c, rooms/meeting_lobby.c and rooms/meeting_room.c report into events
 * (room.agenda to everyone, room.removed to a guest whose part of the agenda ended,
 * room.lobby_waiting to hosts and cohosts, room.denied to whoever a host turned away, and what
 * hosts decide: room.locked, room.hand_raised, room.floor_given / room.floor_taken and
 * room.moderated to the room, room.removed to each connection of a removed user, room.ended to
 * everyone waiting or in the room). See meeting_control.h. */
#include <stdio.h>
#include <string.h>

#include "signaling/meeting_control_int.h"
#include "signaling/room_events.h"

void mc_scope_message(const char *role, const char **ko, const char **en) {
  if (role && !strcmp(role, "press")) {
    *ko = "취재가 허용된 순서가 끝나 회의에서 퇴장 처리되었습니다. 참석해 주셔서 감사합니다.";
    *en =
        "The part of the agenda open to the press has ended, so you have left the meeting. Thank you for "
        "attending.";
  } else {
    *ko = "초대받으신 순서가 모두 끝나 회의에서 퇴장 처리되었습니다. 참석해 주셔서 감사합니다.";
    *en =
        "The part of the agenda you were invited to has ended, so you have left the meeting. Thank you for "
        "attending.";
  }
}

json_t *mc_agenda_json(const meeting_agenda *a, int64_t now) {
  int pos = a->position;
  const char *state = pos == 0 ? "not_started" : pos > a->nseg ? "finished" : "running";
  json_t *out = json_pack("{s:I, s:I, s:s, s:i, s:i, s:b, s:I}", "room_id", (json_int_t)a->room_id,
                          "meeting_id", (json_int_t)a->meeting_id, "state", state, "position", pos, "count",
                          a->nseg, "follow_clock", !a->manual, "now", (json_int_t)now);
  const agenda_segment *seg = meeting_agenda_segment(a, pos);
  if (seg) {
    int64_t start = a->manual ? a->manual_at : a->occurrence + seg->start_offset_s;
    int64_t end = start + seg->length_s;
    json_object_set_new(out, "item", json_string(seg->item));
    json_object_set_new(out, "speaker", json_string(seg->speaker));
    json_object_set_new(out, "press_open", json_boolean(seg->press_open));
    json_object_set_new(out, "starts_at", json_integer(start));
    json_object_set_new(out, "ends_at", json_integer(end));
    json_object_set_new(out, "remaining_s", json_integer(end > now ? end - now : 0));
  } else {
    json_object_set_new(out, "item", json_null());
    json_object_set_new(out, "speaker", json_null());
    json_object_set_new(out, "press_open", json_false());
    json_object_set_new(
        out, "starts_at",
        pos == 0 && a->nseg ? json_integer(a->occurrence + a->seg[0].start_offset_s) : json_null());
    json_object_set_new(out, "ends_at", json_null());
    json_object_set_new(out, "remaining_s", json_null());
  }
  const agenda_segment *next = pos >= 0 ? meeting_agenda_segment(a, pos + 1) : NULL;
  json_object_set_new(out, "next_item", next ? json_string(next->item) : json_null());
  return out;
}

static void agenda_moved(void *ctx, const meeting_agenda *a, int64_t now) {
  mc_env *env = ctx;
  live_room *lr = rooms_find(env->r, a->room_id);
  if (lr) mc_send_ranked(env->h, lr, MC_GUEST, protocol_event("room.agenda", mc_agenda_json(a, now)));
}

/* Records the removal and tells the guest, politely; rooms/meeting_agenda.c then takes it out. */
static void guest_out_of_scope(void *ctx, const meeting_agenda *a, participant *p) {
  mc_env *env = ctx;
  meeting_room *c = mc_room_find(hub_meeting_control(env->h), a->room_id);
  char detail[64];
  snprintf(detail, sizeof detail, "agenda left segment %d", p->until_segment);
  if (c) mc_record(env->h, c, 0, "auto_remove", p->user_id, detail);
  const char *ko, *en;
  mc_scope_message(p->role, &ko, &en);
  session *s = hub_find(env->h, p->session_id);
  if (s)
    hub_event(
        env->h, s,
        protocol_event("room.removed", json_pack("{s:I, s:s, s:s, s:s, s:i}", "room_id",
                                                 (json_int_t)a->room_id, "code", "expired", "message", ko,
                                                 "message_en", en, "until_segment", p->until_segment)));
}

json_t *mc_lobby_json(const lobby_entry *waiting) {
  json_t *arr = json_array();
  for (const lobby_entry *e = waiting; e; e = e->next)
    json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:I}", "user_id", (json_int_t)e->user_id, "name",
                                         e->name, "role", e->role, "since", (json_int_t)e->since));
  return arr;
}

static void lobby_changed(void *ctx, int64_t room_id, const lobby_entry *waiting) {
  mc_env *env = ctx;
  live_room *lr = rooms_find(env->r, room_id);
  if (lr)
    mc_send_ranked(
        env->h, lr, MC_COHOST,
        protocol_event("room.lobby_waiting", json_pack("{s:I, s:o}", "room_id", (json_int_t)room_id,
                                                       "waiting", mc_lobby_json(waiting))));
}

static void lobby_denied(void *ctx, int64_t room_id, const lobby_entry *e, const char *reason) {
  mc_env *env = ctx;
  session *s = hub_find(env->h, e->session_id);
  if (s)
    hub_event(
        env->h, s,
        protocol_event("room.denied",
                       json_pack("{s:I, s:s, s:s, s:s, s:s}", "room_id", (json_int_t)room_id, "code",
                                 "denied", "message", "진행자가 입장을 허락하지 않았습니다.", "message_en",
                                 "A host declined your request to join.", "reason", reason)));
}

/* ---- what hosts decide ---- */

/* Who acted, for events: {by_user_id, by_name}. */
static void add_by(const meeting_actor *by, json_t *obj) {
  json_object_set_new(obj, "by_user_id", json_integer(by->user_id));
  json_object_set_new(obj, "by_name", json_string(by->name));
}

json_t *mc_ids_json(const uint32_t *ids, int n) {
  json_t *arr = json_array();
  for (int i = 0; i < n; i++) json_array_append_new(arr, json_integer(ids[i]));
  return arr;
}

static void locked_changed(void *ctx, const meeting_room *c, const meeting_actor *by) {
  mc_env *env = ctx;
  live_room *lr = rooms_find(env->r, c->room.id);
  if (!lr) return;
  json_t *ev = json_pack("{s:I, s:b}", "room_id", (json_int_t)c->room.id, "locked", c->locked);
  add_by(by, ev);
  room_events_broadcast(env->h, lr, NULL, protocol_event("room.locked", ev));
}

static void hand_changed(void *ctx, const participant *p, const meeting_actor *by) {
  mc_env *env = ctx;
  json_t *ev = json_pack("{s:I, s:I, s:I, s:s, s:b}", "room_id", (json_int_t)p->room->id, "participant_id",
                         (json_int_t)p->id, "user_id", (json_int_t)p->user_id, "name", p->name, "raised",
                         p->hand_raised);
  add_by(by, ev);
  room_events_broadcast(env->h, p->room, NULL, protocol_event("room.hand_raised", ev));
}

static void floor_changed(void *ctx, const participant *p, const uint32_t *stopped, int n,
                          const meeting_actor *by) {
  mc_env *env = ctx;
  json_t *ev = json_pack("{s:I, s:I, s:I, s:s, s:o}", "room_id", (json_int_t)p->room->id, "participant_id",
                         (json_int_t)p->id, "user_id", (json_int_t)p->user_id, "name", p->name,
                         "stopped_tracks", mc_ids_json(stopped, n));
  add_by(by, ev);
  room_events_broadcast(env->h, p->room, NULL,
                        protocol_event(p->has_floor ? "room.floor_given" : "room.floor_taken", ev));
}

/* room.moderated to p's room: {room_id, action, participant_id, user_id, ...extra, by_user_id,
 * by_name}; extra is stolen. */
static void broadcast_moderated(mc_env *env, const participant *p, const char *action, json_t *extra,
                                const meeting_actor *by) {
  json_t *ev = json_pack("{s:I, s:s, s:I, s:I}", "room_id", (json_int_t)p->room->id, "action", action,
                         "participant_id", (json_int_t)p->id, "user_id", (json_int_t)p->user_id);
  json_object_update(ev, extra);
  json_decref(extra);
  add_by(by, ev);
  room_events_broadcast(env->h, p->room, NULL, protocol_event("room.moderated", ev));
}

static void muted(void *ctx, const participant *p, const char *source, const uint32_t *tracks, int n,
                  bool allow_unmute, const meeting_actor *by) {
  broadcast_moderated(ctx, p, strcmp(source, "microphone") ? "stop_video" : "mute",
                      json_pack("{s:s, s:o, s:b}", "source", source, "tracks", mc_ids_json(tracks, n),
                                "allow_unmute", allow_unmute),
                      by);
}

static void removed(void *ctx, const participant *p, const char *reason, const meeting_actor *by) {
  broadcast_moderated(ctx, p, "remove", json_pack("{s:s}", "reason", reason), by);
}

static void removed_connection(void *ctx, const participant *q, const char *reason) {
  mc_env *env = ctx;
  session *s = hub_find(env->h, q->session_id);
  if (s)
    hub_event(
        env->h, s,
        protocol_event(
            "room.removed",
            json_pack(
                "{s:I, s:s, s:s, s:s, s:s}", "room_id", (json_int_t)q->room->id, "code", "removed", "message",
                "진행자가 회의에서 내보냈습니다. 진행자가 다시 허용하면 재입장할 수 있습니다.", "message_en",
                "A host removed you from this meeting. You can rejoin once a host readmits you.", "reason",
                reason)));
}

static void ended(void *ctx, int64_t room_id, uint64_t session_id, const meeting_actor *by) {
  mc_env *env = ctx;
  session *s = hub_find(env->h, session_id);
  if (!s) return;
  json_t *ev = json_pack("{s:I, s:s, s:s, s:s}", "room_id", (json_int_t)room_id, "code", "meeting_ended",
                         "message", "진행자가 회의를 종료했습니다. 참석해 주셔서 감사합니다.", "message_en",
                         "A host ended the meeting for everyone. Thank you for attending.");
  add_by(by, ev);
  hub_event(env->h, s, protocol_event("room.ended", ev));
}

meeting_listener mc_listener(mc_env *env) {
  return (meeting_listener){.ctx = env,
                            .agenda_moved = agenda_moved,
                            .guest_out_of_scope = guest_out_of_scope,
                            .lobby_changed = lobby_changed,
                            .lobby_denied = lobby_denied,
                            .locked_changed = locked_changed,
                            .hand_changed = hand_changed,
                            .floor_changed = floor_changed,
                            .muted = muted,
                            .removed = removed,
                            .removed_connection = removed_connection,
                            .ended = ended};
}
