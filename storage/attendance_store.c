/* Attendance (see attendance_store.h). Rows are written by the live room on the signaling
 * thread, one short statement each. The CSV follows RFC 4180 (fields with a comma, quote, CR or
 * LF are quoted, quotes doubled) and neutralizes spreadsheet formulas: a cell starting with
 * TAB or CR, or with = + - @ or their full-width forms after any leading blanks, is quoted with a
 * leading apostrophe (OWASP "CSV injection"). */
#include "storage/attendance_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/seoul_time.h"
#include "storage/textbuf.h"

/* Closes any open interval, then opens the new one: both or neither (one transaction, ours or
 * the caller's). */
int attendance_store_join(moa_db *db, int64_t meeting_id, int64_t user_id, const char *name, const char *role,
                          int64_t at) {
  bool own;
  if (!db_begin_own(db, &own)) return -1;
  int id = -1;
  sqlite3_stmt *st = NULL;
  if (attendance_store_leave(db, meeting_id, user_id, at) >= 0)
    st = db_stmt(db,
                 "INSERT INTO attendance(meeting_id, user_id, name, role, joined_at) "
                 "VALUES (?, ?, ?, ?, ?)");
  if (st) {
    sqlite3_bind_int64(st, 1, meeting_id);
    sqlite3_bind_int64(st, 2, user_id);
    sqlite3_bind_text(st, 3, name ? name : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, role ? role : "attendee", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, at);
    if (db_exec_stmt(db, st) == SQLITE_DONE) id = (int)sqlite3_last_insert_rowid(db_handle(db));
  }
  if (!db_end_own(db, own, id >= 0)) id = -1;
  return id;
}

int attendance_store_leave(moa_db *db, int64_t meeting_id, int64_t user_id, int64_t at) {
  sqlite3_stmt *st = db_stmt(db,
                             "UPDATE attendance SET left_at = max(?3, joined_at) "
                             "WHERE meeting_id = ?1 AND user_id = ?2 AND left_at = 0");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, meeting_id);
  sqlite3_bind_int64(st, 2, user_id);
  sqlite3_bind_int64(st, 3, at);
  if (db_exec_stmt(db, st) != SQLITE_DONE) return -1;
  return sqlite3_changes(db_handle(db)) > 0 ? 1 : 0;
}

int attendance_store_rows(moa_db *db, int64_t meeting_id, attendance_row_fn fn, void *ctx) {
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT user_id, name, role, joined_at, left_at FROM attendance "
                             "WHERE meeting_id = ? ORDER BY joined_at, id");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, meeting_id);
  int rc, stopped = 0;
  int64_t now = db_now(db);
  while (!stopped && (rc = db_step(db, st)) == SQLITE_ROW) {
    attendance_row r = {.user_id = sqlite3_column_int64(st, 0),
                        .name = (const char *)sqlite3_column_text(st, 1),
                        .role = (const char *)sqlite3_column_text(st, 2),
                        .joined_at = sqlite3_column_int64(st, 3),
                        .left_at = sqlite3_column_int64(st, 4)};
    seoul_format_human(r.joined_at, r.joined_local, sizeof r.joined_local);
    if (r.left_at) seoul_format_human(r.left_at, r.left_local, sizeof r.left_local);
    r.minutes = ((r.left_at ? r.left_at : now) - r.joined_at) / 60;
    if (r.minutes < 0) r.minutes = 0;
    stopped = fn(ctx, &r);
  }
  sqlite3_reset(st);
  return !stopped && rc == SQLITE_DONE ? 0 : -1;
}

/* Length of the blank at s (ASCII space, tab, CR, LF, VT, FF; U+00A0 no-break space; U+3000
 * ideographic space), 0 if there is none. */
static size_t csv_blank(const char *s) {
  if (s[0] != '\0' && strchr(" \t\r\n\v\f", s[0]) != NULL) return 1;
  if ((unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0) return 2;
  if ((unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0x80) return 3;
  return 0;
}

/* True if a spreadsheet could take the cell for a formula (OWASP "CSV injection"): it starts
 * with a tab or CR, or, after any leading blanks (spreadsheets trim them), with = + - @ or
 * their full-width forms U+FF1D U+FF0B U+FF0D U+FF20 (which some spreadsheets fold to ASCII). */
static bool csv_formula(const char *s) {
  if (s[0] == '\t' || s[0] == '\r') return true;
  size_t n;
  while ((n = csv_blank(s)) > 0) s += n;
  if (s[0] != '\0' && strchr("=+-@", s[0]) != NULL) return true;
  const unsigned char *u = (const unsigned char *)s;
  return u[0] == 0xEF && ((u[1] == 0xBC && (u[2] == 0x9D || u[2] == 0x8B || u[2] == 0x8D || u[2] == 0xA0)));
}

/* One CSV cell (RFC 4180 quoting, formula prefixes neutralized with a leading apostrophe). */
static void csv_cell(textbuf *b, const char *s) {
  bool formula = csv_formula(s);
  bool quote = formula || strpbrk(s, ",\"\r\n") != NULL;
  if (quote) textbuf_put(b, "\"", 1);
  if (formula) textbuf_put(b, "'", 1);
  for (const char *p = s; *p; p++) {
    if (*p == '"') textbuf_put(b, "\"", 1);
    textbuf_put(b, p, 1);
  }
  if (quote) textbuf_put(b, "\"", 1);
}

static int csv_row(void *ctx, const attendance_row *r) {
  textbuf *b = ctx;
  char num[32];
  csv_cell(b, r->name);
  textbuf_put(b, ",", 1);
  csv_cell(b, r->role);
  snprintf(num, sizeof num, ",%lld,", (long long)r->user_id);
  textbuf_put(b, num, strlen(num));
  csv_cell(b, r->joined_local);
  textbuf_put(b, ",", 1);
  csv_cell(b, r->left_local);
  snprintf(num, sizeof num, ",%lld\r\n", (long long)r->minutes);
  textbuf_put(b, num, strlen(num));
  return 0;
}

char *attendance_store_csv(moa_db *db, int64_t meeting_id) {
  textbuf b = {0};
  const char *header = "name,role,user_id,joined (Asia/Seoul),left (Asia/Seoul),minutes\r\n";
  textbuf_put(&b, header, strlen(header));
  if (attendance_store_rows(db, meeting_id, csv_row, &b) != 0) {
    free(textbuf_take(&b));
    return NULL;
  }
  return textbuf_take(&b);
}

int attendance_store_activity(moa_db *db, int64_t from, int64_t to, attendance_activity_fn fn, void *ctx) {
  sqlite3_stmt *st =
      db_stmt(db,
              "SELECT c.id, c.name_ko, c.name_en, "
              "(SELECT count(*) FROM meetings m WHERE m.consortium_id = c.id AND m.status = 'scheduled' "
              " AND m.starts_at >= ?1 AND m.starts_at <= ?2), "
              "(SELECT count(DISTINCT a.meeting_id) FROM attendance a JOIN meetings m ON m.id = a.meeting_id "
              " WHERE m.consortium_id = c.id AND a.joined_at >= ?1 AND a.joined_at <= ?2), "
              "(SELECT count(DISTINCT a.user_id) FROM attendance a JOIN meetings m ON m.id = a.meeting_id "
              " WHERE m.consortium_id = c.id AND a.joined_at >= ?1 AND a.joined_at <= ?2), "
              "(SELECT coalesce(sum(max(0, min(CASE a.left_at WHEN 0 THEN ?3 ELSE a.left_at END, ?2) - "
              "a.joined_at)), 0) "
              " FROM attendance a JOIN meetings m ON m.id = a.meeting_id "
              " WHERE m.consortium_id = c.id AND a.joined_at >= ?1 AND a.joined_at <= ?2), "
              "(SELECT count(*) FROM messages g JOIN conversations v ON v.id = g.conversation_id "
              " WHERE v.consortium_id = c.id AND g.kind = 'text' AND g.deleted_at IS NULL "
              " AND g.created_at >= ?1 AND g.created_at <= ?2) "
              "FROM consortia c WHERE c.active = 1 ORDER BY c.id");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, from);
  sqlite3_bind_int64(st, 2, to);
  sqlite3_bind_int64(st, 3, db_now(db));
  int rc, stopped = 0;
  while (!stopped && (rc = db_step(db, st)) == SQLITE_ROW) {
    attendance_activity a = {.consortium_id = sqlite3_column_int64(st, 0),
                             .name_ko = (const char *)sqlite3_column_text(st, 1),
                             .name_en = (const char *)sqlite3_column_text(st, 2),
                             .meetings_scheduled = sqlite3_column_int64(st, 3),
                             .meetings_held = sqlite3_column_int64(st, 4),
                             .attendees = sqlite3_column_int64(st, 5),
                             .attendance_minutes = sqlite3_column_int64(st, 6) / 60,
                             .messages = sqlite3_column_int64(st, 7)};
    stopped = fn(ctx, &a);
  }
  sqlite3_reset(st);
  return !stopped && rc == SQLITE_DONE ? 0 : -1;
}
