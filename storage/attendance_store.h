/* Attendance: who was in a meeting's room, from when to when. One row per join..leave interval
 * (left_at 0 while inside), written by the live room on every join and leave. Read as rows, CSV
 * (Asia/Seoul times, formula-safe) and per-consortium activity for admins. */
#ifndef MOA_STORAGE_ATTENDANCE_STORE_H
#define MOA_STORAGE_ATTENDANCE_STORE_H

#include <stdint.h>

#include "storage/db.h"

/* Opens an interval (closing any interval of the same user in the meeting still open, at `at`).
 * Returns the row id, or -1 on error. */
int attendance_store_join(moa_db *db, int64_t meeting_id, int64_t user_id, const char *name, const char *role,
                          int64_t at);
/* Closes the user's open interval in the meeting. Returns 1 when one was closed, 0 when none was
 * open, -1 on error. */
int attendance_store_leave(moa_db *db, int64_t meeting_id, int64_t user_id, int64_t at);

/* One join..leave interval. left_at 0 and left_local "" while inside; the local times are
 * "YYYY-MM-DD HH:MM" in Asia/Seoul; minutes runs to now while inside, never below 0. name and
 * role belong to the store and live until the callback returns. */
typedef struct attendance_row {
  int64_t user_id, joined_at, left_at, minutes;
  const char *name, *role;
  char joined_local[32], left_local[32];
} attendance_row;

/* Called once per row; return 0 to go on, anything else to stop (the read then fails). */
typedef int (*attendance_row_fn)(void *ctx, const attendance_row *r);

/* Calls fn for the rows of a meeting in join order. fn must not use db. Returns 0, or -1 on a
 * database error or when fn stopped the read. */
int attendance_store_rows(moa_db *db, int64_t meeting_id, attendance_row_fn fn, void *ctx);

/* The same rows as CSV text (header line, CRLF line ends, RFC 4180 quoting; against formula
 * injection a cell starting with tab or CR, or with = + - @ or full-width ＝ ＋ － ＠ after any
 * leading blanks, is quoted and prefixed with '). malloc'd, NULL on error. */
char *attendance_store_csv(moa_db *db, int64_t meeting_id);

/* The activity of one active consortium over a period. The names belong to the store and live
 * until the callback returns. */
typedef struct attendance_activity {
  int64_t consortium_id;
  const char *name_ko, *name_en;
  int64_t meetings_scheduled; /* scheduled (not cancelled) meetings starting in the period */
  int64_t meetings_held;      /* meetings someone joined in the period */
  int64_t attendees;          /* unique users who joined them */
  int64_t attendance_minutes; /* time inside, cut at the period's end */
  int64_t messages;           /* text messages in the consortium's conversations */
} attendance_activity;

typedef int (*attendance_activity_fn)(void *ctx, const attendance_activity *a);

/* Calls fn for every active consortium, by id, with its activity over [from, to]. fn must not
 * use db. Returns 0, or -1 on a database error or when fn stopped the read. */
int attendance_store_activity(moa_db *db, int64_t from, int64_t to, attendance_activity_fn fn, void *ctx);

#endif
