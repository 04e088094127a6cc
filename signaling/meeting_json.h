/* JSON of meetings as kept (storage/meeting_store.h, guest_store.h, attendance_store.h): the
 * parts of meeting.get / meeting.list, meeting.attendance and admin.activity that come from the
 * stores. The stores speak C structs; this file and the handlers build the protocol's shapes
 * (docs/PROTOCOL.md) from them. */
#ifndef MOA_SIGNALING_MEETING_JSON_H
#define MOA_SIGNALING_MEETING_JSON_H

#include <jansson.h>
#include <stdint.h>

#include "storage/db.h"

/* The meeting's guest links for its hosts (never their tokens): [{id, role, label, expires_at,
 * max_uses, uses, until_segment}]. New reference, NULL on a database error or out of memory. */
json_t *meeting_guest_links_json(moa_db *db, int64_t meeting_id);

/* The meeting's attendance in join order: [{user_id, name, role, joined_at, left_at,
 * joined_local, left_local, minutes}]. New reference, NULL on error. */
json_t *meeting_attendance_json(moa_db *db, int64_t meeting_id);

/* Activity per active consortium over [from, to]: [{consortium_id, name_ko, name_en,
 * meetings_scheduled, meetings_held, attendees, attendance_minutes, messages}]. New reference,
 * NULL on error. */
json_t *meeting_activity_json(moa_db *db, int64_t from, int64_t to);

#endif
