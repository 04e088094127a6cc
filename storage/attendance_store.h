/* Attendance: who was in a meeting's room, from when to when. One row per join..leave interval
 * (left_at 0 while inside), written by the live room on every join and leave. Read as rows, CSV
 * (Asia/Seoul times, formula-safe) and per-consortium activity for admins. */
#ifndef MOA_STORAGE_ATTENDANCE_STORE_H
#define MOA_STORAGE_ATTENDANCE_STORE_H

#include <jansson.h>
#include <stdint.h>

#include "storage/db.h"

/* Opens an interval (closing any interval of the same user in the meeting still open, at `at`).
 * Returns the row id, or -1 on error. */
int attendance_store_join(moa_db *db, int64_t meeting_id, int64_t user_id, const char *name, const char *role,
                          int64_t at);
/* Closes the user's open interval in the meeting. Returns 1 when one was closed, 0 when none was
 * open, -1 on error. */
int attendance_store_leave(moa_db *db, int64_t meeting_id, int64_t user_id, int64_t at);

/* Rows of a meeting in join order: [{user_id, name, role, joined_at, left_at, joined_local,
 * left_local, minutes}] (left_at 0 / left_local "" while inside). NULL on error. */
json_t *attendance_store_rows(moa_db *db, int64_t meeting_id);

/* The same rows as CSV text (header line, CRLF line ends, RFC 4180 quoting; against formula
 * injection a cell starting with tab or CR, or with = + - @ or full-width ＝ ＋ － ＠ after any
 * leading blanks, is quoted and prefixed with '). malloc'd, NULL on error. */
char *attendance_store_csv(moa_db *db, int64_t meeting_id);

/* Activity per active consortium over [from, to): [{consortium_id, name_ko, name_en,
 * meetings_held, attendees (unique users), attendance_minutes, messages}]. NULL on error. */
json_t *attendance_store_activity(moa_db *db, int64_t from, int64_t to);

#endif
