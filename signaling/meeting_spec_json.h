/* Reading a meeting spec from a request (meeting.create, meeting.update, meeting.invite): the
 * JSON of docs/PROTOCOL.md into storage's meeting_spec, checking every field's type (the store
 * checks the values). The shape read:
 *   {title?, description?, starts_at?, ends_at? (ISO 8601 with offset, e.g.
 *    "2026-12-10T14:00:00+09:00"), recurrence? "none"|"weekly"|"monthly", recurrence_count?,
 *    capacity?, mode? "meeting"|"event", lobby? bool,
 *    agenda? [{start ("HH:MM" Seoul time on the meeting's day, or ISO 8601) | start_offset_s,
 *              minutes | length_s, item, speaker?, press_open?}],
 *    invite? [{kind: "consortium"|"organization"|"user", id}], cohosts? [user id],
 *    presenters? [user id]}
 * Other members of the request (type, id, meeting_id, ...) are ignored. */
#ifndef MOA_SIGNALING_MEETING_SPEC_JSON_H
#define MOA_SIGNALING_MEETING_SPEC_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "storage/meeting_store.h"

/* A spec read from a request, with the room for its lists. Its strings point into the request,
 * which must outlive it. */
typedef struct meeting_spec_in {
  meeting_spec spec;
  meeting_agenda_entry agenda[MEETING_SEGMENTS_MAX];
  meeting_invitation invite[MEETING_INVITES_MAX];
  int64_t cohosts[MEETING_INVITES_MAX], presenters[MEETING_INVITES_MAX];
} meeting_spec_in;

/* Reads req into *out. true, or false with err saying which field is of the wrong type or size. */
bool meeting_spec_from_json(json_t *req, meeting_spec_in *out, char *err, size_t errlen);

/* Reads meeting.invite's "invite" (an array of 1..MEETING_INVITES_MAX {kind, id}) into out->invite
 * and *n. true, or false with err. */
bool meeting_invites_from_json(json_t *invites, meeting_spec_in *out, size_t *n, char *err, size_t errlen);

#endif
