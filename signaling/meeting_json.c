/* Meeting JSON (see meeting_json.h). A row jansson cannot hold (json_pack NULL) is left out of
 * its list, as the stores did when they built these lists themselves. */
#include "signaling/meeting_json.h"

#include "storage/attendance_store.h"
#include "storage/guest_store.h"
#include "storage/meeting_store.h"
#include "storage/seoul_time.h"

static json_t *local_time(int64_t t) {
  char b[32];
  seoul_format_iso(t, b, sizeof b);
  return json_string(b);
}

static json_t *people_json(const meeting_person *p, size_t n) {
  json_t *out = json_array();
  for (size_t i = 0; out && i < n; i++)
    json_array_append_new(out, json_pack("{s:I, s:s}", "id", (json_int_t)p[i].id, "name", p[i].name));
  return out;
}

json_t *meeting_json(const meeting_info *m) {
  json_t *occ = json_array(), *agenda = json_array(), *invites = json_array();
  for (int k = 0; occ && k < m->recurrence_count; k++)
    json_array_append_new(occ, json_integer(m->occurrences[k]));
  for (size_t i = 0; agenda && i < m->nagenda; i++) {
    const meeting_segment *g = &m->agenda[i];
    char b[32];
    seoul_format_human(m->starts_at + g->start_offset_s, b, sizeof b);
    json_array_append_new(
        agenda,
        json_pack("{s:i, s:I, s:I, s:s, s:s, s:b, s:s, s:I}", "position", g->position, "start_offset_s",
                  (json_int_t)g->start_offset_s, "length_s", (json_int_t)g->length_s, "item", g->item,
                  "speaker", g->speaker, "press_open", g->press_open, "start", b + 11, /* "HH:MM" */
                  "minutes", (json_int_t)(g->length_s / 60)));
  }
  for (size_t i = 0; invites && i < m->ninvites; i++)
    json_array_append_new(invites, json_pack("{s:s, s:I, s:s}", "kind", m->invites[i].kind, "id",
                                             (json_int_t)m->invites[i].id, "name", m->invites[i].name));
  return json_pack(
      "{s:I, s:I, s:{s:I, s:s, s:s}, s:I, s:s, s:s, s:I, s:I, s:o, s:o, s:s, s:s, s:i, s:o, s:I, s:o, s:i, "
      "s:s, s:b, s:s, s:i, s:{s:I, s:s}, s:I, s:I, s:o, s:o, s:o, s:o}",
      "id", (json_int_t)m->id, "consortium_id", (json_int_t)m->consortium_id, "consortium", "id",
      (json_int_t)m->consortium_id, "name_ko", m->consortium_name_ko, "name_en", m->consortium_name_en,
      "room_id", (json_int_t)m->room_id, "title", m->title, "description", m->description, "starts_at",
      (json_int_t)m->starts_at, "ends_at", (json_int_t)m->ends_at, "starts_local", local_time(m->starts_at),
      "ends_local", local_time(m->ends_at), "time_zone", SEOUL_TZID, "recurrence", m->recurrence,
      "recurrence_count", m->recurrence_count, "occurrences", occ, "next_starts_at",
      (json_int_t)m->next_starts_at, "next_starts_local", local_time(m->next_starts_at), "capacity",
      m->capacity, "mode", m->mode, "lobby", m->lobby, "status", m->status, "sequence", m->sequence, "host",
      "id", (json_int_t)m->host_id, "name", m->host_name, "created_at", (json_int_t)m->created_at,
      "updated_at", (json_int_t)m->updated_at, "agenda", agenda, "invites", invites, "cohosts",
      people_json(m->cohosts, m->ncohosts), "presenters", people_json(m->presenters, m->npresenters));
}

json_t *meeting_json_get(moa_db *db, int64_t meeting_id) {
  meeting_info m;
  if (meeting_store_info(db, meeting_id, &m) != 1) return NULL;
  json_t *j = meeting_json(&m);
  meeting_info_clear(&m);
  return j;
}

static int add_link(void *ctx, const guest_link *l) {
  json_array_append_new(
      ctx, json_pack("{s:I, s:s, s:s, s:I, s:i, s:i, s:i}", "id", (json_int_t)l->id, "role", l->role, "label",
                     l->label, "expires_at", (json_int_t)l->expires_at, "max_uses", l->max_uses, "uses",
                     l->uses, "until_segment", l->until_segment));
  return 0;
}

json_t *meeting_guest_links_json(moa_db *db, int64_t meeting_id) {
  json_t *out = json_array();
  if (!out || guest_store_links(db, meeting_id, add_link, out) != 0) {
    json_decref(out);
    return NULL;
  }
  return out;
}

static int add_attendance(void *ctx, const attendance_row *r) {
  json_array_append_new(
      ctx, json_pack("{s:I, s:s, s:s, s:I, s:I, s:s, s:s, s:I}", "user_id", (json_int_t)r->user_id, "name",
                     r->name, "role", r->role, "joined_at", (json_int_t)r->joined_at, "left_at",
                     (json_int_t)r->left_at, "joined_local", r->joined_local, "left_local", r->left_local,
                     "minutes", (json_int_t)r->minutes));
  return 0;
}

json_t *meeting_attendance_json(moa_db *db, int64_t meeting_id) {
  json_t *out = json_array();
  if (!out || attendance_store_rows(db, meeting_id, add_attendance, out) != 0) {
    json_decref(out);
    return NULL;
  }
  return out;
}

static int add_activity(void *ctx, const attendance_activity *a) {
  json_array_append_new(
      ctx,
      json_pack("{s:I, s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "consortium_id", (json_int_t)a->consortium_id,
                "name_ko", a->name_ko, "name_en", a->name_en, "meetings_scheduled",
                (json_int_t)a->meetings_scheduled, "meetings_held", (json_int_t)a->meetings_held, "attendees",
                (json_int_t)a->attendees, "attendance_minutes", (json_int_t)a->attendance_minutes, "messages",
                (json_int_t)a->messages));
  return 0;
}

json_t *meeting_activity_json(moa_db *db, int64_t from, int64_t to) {
  json_t *out = json_array();
  if (!out || attendance_store_activity(db, from, to, add_activity, out) != 0) {
    json_decref(out);
    return NULL;
  }
  return out;
}
