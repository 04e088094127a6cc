/* The agenda of a live meeting: which segment runs (following the clock from the occurrence's
 * start, or where a host moved it), room.agenda to everyone, and guests whose scope ends with a
 * segment removed, politely, once the agenda leaves it. See meeting_control.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "signaling/meeting_control_int.h"
#include "signaling/meeting_json.h"
#include "storage/chat_store.h"
#include "storage/guest_store.h"

int mc_agenda_clock_position(const int64_t *starts, const int64_t *lengths, int n, int64_t meeting_start,
                             int64_t now) {
  if (n <= 0 || now < meeting_start + starts[0]) return 0;
  int64_t last_end = 0;
  for (int i = 0; i < n; i++)
    if (meeting_start + starts[i] + lengths[i] > last_end) last_end = meeting_start + starts[i] + lengths[i];
  if (now >= last_end) return n + 1;
  int pos = 1;
  for (int i = 0; i < n; i++)
    if (meeting_start + starts[i] <= now) pos = i + 1;
  return pos;
}

void mc_agenda_load(hub *h, room_ctl *c, int64_t now) {
  json_decref(c->segments);
  c->segments = NULL;
  c->nseg = 0;
  if (!c->is_meeting) return;
  json_t *segs = meeting_segments_json(hub_db(h), c->m.id);
  if (!segs) return;
  size_t i;
  json_t *s;
  json_array_foreach(segs, i, s) {
    if (c->nseg == MEETING_SEGMENTS_MAX) break;
    c->seg_start[c->nseg] = json_integer_value(json_object_get(s, "start_offset_s"));
    c->seg_len[c->nseg] = json_integer_value(json_object_get(s, "length_s"));
    c->nseg++;
  }
  c->segments = segs;
  int64_t occ = meeting_store_occurrence_in(hub_db(h), c->m.id, now - 86400, now + 86400);
  c->occurrence = occ ? occ : c->m.starts_at;
  if (c->position > c->nseg + 1) c->position = c->nseg + 1;
}

int mc_agenda_position(const room_ctl *c, int64_t now) {
  if (c->manual) return c->position;
  return mc_agenda_clock_position(c->seg_start, c->seg_len, c->nseg, c->occurrence, now);
}

bool mc_past_scope(const room_ctl *c, int until, int position) {
  return until > 0 && c->nseg > 0 && position > until;
}

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

json_t *mc_agenda_json(const room_ctl *c, int64_t now) {
  int pos = c->position;
  const char *state = pos == 0 ? "not_started" : pos > c->nseg ? "finished" : "running";
  json_t *out = json_pack("{s:I, s:I, s:s, s:i, s:i, s:b, s:I}", "room_id", (json_int_t)c->room.id,
                          "meeting_id", (json_int_t)c->m.id, "state", state, "position", pos, "count",
                          c->nseg, "follow_clock", !c->manual, "now", (json_int_t)now);
  json_t *seg = pos >= 1 && pos <= c->nseg ? json_array_get(c->segments, (size_t)pos - 1) : NULL;
  if (seg) {
    int64_t start = c->manual ? c->manual_at : c->occurrence + c->seg_start[pos - 1];
    int64_t end = start + c->seg_len[pos - 1];
    json_object_set(out, "item", json_object_get(seg, "item"));
    json_object_set(out, "speaker", json_object_get(seg, "speaker"));
    json_object_set(out, "press_open", json_object_get(seg, "press_open"));
    json_object_set_new(out, "starts_at", json_integer(start));
    json_object_set_new(out, "ends_at", json_integer(end));
    json_object_set_new(out, "remaining_s", json_integer(end > now ? end - now : 0));
  } else {
    json_object_set_new(out, "item", json_null());
    json_object_set_new(out, "speaker", json_null());
    json_object_set_new(out, "press_open", json_false());
    json_object_set_new(out, "starts_at",
                        pos == 0 && c->nseg ? json_integer(c->occurrence + c->seg_start[0]) : json_null());
    json_object_set_new(out, "ends_at", json_null());
    json_object_set_new(out, "remaining_s", json_null());
  }
  json_t *next = pos < c->nseg ? json_array_get(c->segments, (size_t)pos) : NULL;
  json_object_set_new(out, "next_item", next ? json_incref(json_object_get(next, "item")) : json_null());
  return out;
}

void mc_scope_withdraw_chat(hub *h, const room_ctl *c, int position) {
  if (!c->is_meeting || c->nseg == 0) return;
  moa_db *db = hub_db(h);
  size_t n = 0;
  int64_t *v = NULL;
  if (guest_store_out_of_scope(db, c->m.id, position, &v, &n) != 0 ||
      chat_store_room_withdraw(db, c->room.id, v, n) != CHAT_STORE_OK)
    log_error("room %lld: cannot withdraw the chat of guests whose part of the agenda ended",
              (long long)c->room.id);
  free(v);
}

/* Removes the guests of the room (and its lobby) whose scope ended before position. */
static void remove_out_of_scope(rooms *r, hub *h, room_ctl *c, int position) {
  live_room *lr = rooms_find(r, c->room.id);
  uint32_t ids[256];
  int n = 0;
  for (participant *p = lr ? lr->members : NULL; p && n < 256; p = p->next)
    if (mc_past_scope(c, p->until_segment, position)) ids[n++] = p->id;
  for (int i = 0; i < n; i++) {
    lr = rooms_find(r, c->room.id);
    participant *p = lr ? lr->members : NULL;
    while (p && p->id != ids[i]) p = p->next;
    if (!p) continue;
    char detail[64];
    snprintf(detail, sizeof detail, "agenda left segment %d", p->until_segment);
    mc_record(h, c, 0, "auto_remove", p->user_id, detail);
    const char *ko, *en;
    mc_scope_message(p->role, &ko, &en);
    session *s = hub_find(h, p->session_id);
    if (s)
      hub_event(
          h, s,
          protocol_event("room.removed", json_pack("{s:I, s:s, s:s, s:s, s:i}", "room_id",
                                                   (json_int_t)c->room.id, "code", "expired", "message", ko,
                                                   "message_en", en, "until_segment", p->until_segment)));
    log_info("room %lld: guest %lld removed, the agenda left segment %d", (long long)c->room.id,
             (long long)p->user_id, p->until_segment);
    rooms_leave(r, p, "expired");
  }
}

void mc_agenda_set(rooms *r, hub *h, room_ctl *c, int position, int64_t now) {
  if (position < 0) position = 0;
  if (position > c->nseg + 1) position = c->nseg + 1;
  c->position = position;
  live_room *lr = rooms_find(r, c->room.id);
  if (lr) mc_send_ranked(h, lr, MC_GUEST, protocol_event("room.agenda", mc_agenda_json(c, now)));
  remove_out_of_scope(r, h, c, position);
  mc_scope_withdraw_chat(h, c, position); /* also those not in the room: the chat goes with the scope */
}
