/* JSON of meetings as kept (storage/meeting_store.h, guest_store.h, attendance_store.h): the
 * parts of meeting.get / meeting.list, meeting.attendance and admin.activity that come from the
 * stores. The stores speak C structs; this file and the handlers build the protocol's shapes
 * (docs/PROTOCOL.md) from them. */
#ifndef MOA_SIGNALING_MEETING_JSON_H
#define MOA_SIGNALING_MEETING_JSON_H

#include <jansson.h>
#include <stdint.h>

#include "storage/db.h"
#include "storage/meeting_store.h"

/* The whole meeting for clients: {id, consortium_id, consortium: {id, name_ko, name_en}, room_id,
 * title, description, starts_at, ends_at, starts_local, ends_local, time_zone, recurrence,
 * recurrence_count, occurrences, next_starts_at, next_starts_local, capacity, mode, lobby,
 * status, sequence, host: {id, name}, created_at, updated_at, agenda: [{position,
 * start_offset_s, length_s, item, speaker, press_open, start ("HH:MM" Seoul time), minutes}],
 * invites: [{kind, id, name}], cohosts: [{id, name}], presenters: [{id, name}]}. New reference,
 * NULL when out of memory. */
json_t *meeting_json(const meeting_info *m);

/* meeting_json of the stored meeting (meeting_store_info); NULL when there is no such meeting,
 * on a database error or out of memory. */
json_t *meeting_json_get(moa_db *db, int64_t meeting_id);

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
