/* The agenda and the lobby of a live meeting, signaling side: their JSON (room.agenda, the join
 * result's agenda, the waiting list) and the meeting_listener that turns what
 * rooms/meeting_agenda.c and rooms/meeting_lobby.c report into events (room.agenda to everyone,
 * room.removed to a guest whose part of the agenda ended, room.lobby_waiting to hosts and
 * cohosts, room.denied to whoever a host turned away). See meeting_control.h. */
#include <stdio.h>
#include <string.h>

#include "signaling/meeting_control_int.h"

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
  room_ctl *c = mc_ctl_find(hub_meeting_control(env->h), a->room_id);
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

meeting_listener mc_listener(mc_env *env) {
  return (meeting_listener){.ctx = env,
                            .agenda_moved = agenda_moved,
                            .guest_out_of_scope = guest_out_of_scope,
                            .lobby_changed = lobby_changed,
                            .lobby_denied = lobby_denied};
}
