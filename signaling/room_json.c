/* Room JSON (see room_json.h). */
#include "signaling/room_json.h"

#include "storage/moderation_store.h"

json_t *room_json(const room_view *room) {
  const room_rec *r = &room->rec;
  return json_pack("{s:I, s:I, s:s, s:s, s:s, s:b, s:I, s:b, s:b, s:b}", "id", (json_int_t)r->id,
                   "consortium_id", (json_int_t)r->consortium_id, "name", r->name, "description",
                   room->description, "visibility", r->invited_only ? "invited" : "consortium", "is_lounge",
                   r->is_lounge, "created_by", (json_int_t)r->created_by, "archived", r->archived,
                   "adaptation", r->adaptation, "recording_allowed", r->recording_allowed);
}

json_t *room_json_get(moa_db *db, int64_t room_id) {
  room_view v;
  return room_store_view(db, room_id, &v) == 1 ? room_json(&v) : NULL;
}

static int add_entry(void *ctx, const moderation_entry *e) {
  json_t *row = json_pack("{s:I, s:s, s:I, s:s, s:I, s:s, s:s, s:I}", "id", (json_int_t)e->id, "action",
                          e->action, "actor_id", (json_int_t)e->actor_id, "actor_name", e->actor_name,
                          "target_user_id", (json_int_t)e->target_user_id, "target_name", e->target_name,
                          "detail", e->detail, "at", (json_int_t)e->at);
  json_array_append_new(ctx, row); /* a row jansson cannot hold (NULL) is left out, as before */
  return 0;
}

json_t *room_moderation_log_json(moa_db *db, int64_t room_id, int64_t before, int limit) {
  json_t *rows = json_array();
  if (!rows || moderation_store_log(db, room_id, before, limit, add_entry, rows) != 0) {
    json_decref(rows);
    return NULL;
  }
  return rows;
}
