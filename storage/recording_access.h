/* Who may watch and who may delete a recording (issue 17): the rule shared by the protocol
 * (meeting.recordings, meeting.recording_delete) and HTTP playback (gateway/http_recordings.h).
 *
 * A meeting's recording: the people invited to the meeting (meeting_store_role: host, cohost,
 * presenter, attendee) watch it, the same people who read its agenda and chat; its hosts and
 * cohosts also delete it. Guest-link roles (guest, press, expert) do not: their access ends with
 * their part of the meeting. An ordinary room's recording: those who may enter the room
 * (room_store_can_join) watch it; its creator and the consortium's coordinators delete it.
 * Admins do both. A disabled or unknown user does neither. */
#ifndef MOA_STORAGE_RECORDING_ACCESS_H
#define MOA_STORAGE_RECORDING_ACCESS_H

#include <stdint.h>

#include "storage/db.h"

typedef enum { RECORDING_NO_ACCESS = 0, RECORDING_WATCH = 1, RECORDING_MANAGE = 2 } recording_access_level;

/* The access of user_id to the recordings of room_id (meeting_id: its meeting, 0 for an
 * ordinary room). A recording_access_level, or -1 on a database error. */
int recording_access(moa_db *db, int64_t user_id, int64_t room_id, int64_t meeting_id);

#endif
