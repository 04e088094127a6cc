/* Meeting JSON (see meeting_json.h). A row jansson cannot hold (json_pack NULL) is left out of
 * its list, as the stores did when they built these lists themselves. */
#include "signaling/meeting_json.h"

#include "storage/attendance_store.h"
#include "storage/guest_store.h"

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
