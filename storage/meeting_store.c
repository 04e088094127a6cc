/* Meetings as kept (see meeting_store.h): lookups, roles, who may join, the whole meeting (meeting_info),
 * upcoming lists, invitees and reminders. Writing a spec (create, update, invite) is in meeting_spec.c.
 *
 * Occurrences: a meeting with recurrence weekly/monthly and count N happens N times, occurrence k
 * starting k weeks or k calendar months (Seoul time) after the first; last_ends_at keeps the end
 * of the last one so that "upcoming" is one indexed comparison. */
#include "storage/meeting_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/db_ids.h"
#include "storage/seoul_time.h"
#include "storage/user_store.h"

#define MEETING_COLS                                                                                 \
  "id, consortium_id, room_id, coalesce(created_by, 0), starts_at, ends_at, lobby, mode = 'event', " \
  "status = 'cancelled', capacity, title"

static void read_rec(sqlite3_stmt *st, meeting_rec *out) {
  memset(out, 0, sizeof *out);
  out->id = sqlite3_column_int64(st, 0);
  out->consortium_id = sqlite3_column_int64(st, 1);
  out->room_id = sqlite3_column_int64(st, 2);
  out->created_by = sqlite3_column_int64(st, 3);
  out->starts_at = sqlite3_column_int64(st, 4);
  out->ends_at = sqlite3_column_int64(st, 5);
  out->lobby = sqlite3_column_int(st, 6) != 0;
  out->event_mode = sqlite3_column_int(st, 7) != 0;
  out->cancelled = sqlite3_column_int(st, 8) != 0;
  out->capacity = sqlite3_column_int(st, 9);
  snprintf(out->title, sizeof out->title, "%s", (const char *)sqlite3_column_text(st, 10));
}

static int get_by(moa_db *db, sqlite3_stmt *st, int64_t key, meeting_rec *out) {
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, key);
  int rc = db_step(db, st);
  if (rc == SQLITE_ROW) read_rec(st, out);
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int meeting_store_by_room(moa_db *db, int64_t room_id, meeting_rec *out) {
  return get_by(db, db_stmt(db, "SELECT " MEETING_COLS " FROM meetings WHERE room_id = ?"), room_id, out);
}

int meeting_store_get(moa_db *db, int64_t meeting_id, meeting_rec *out) {
  return get_by(db, db_stmt(db, "SELECT " MEETING_COLS " FROM meetings WHERE id = ?"), meeting_id, out);
}

/* First text column of the row for (a, b), copied into out; 1 found, 0 not, -1 error. */
static int text_of(moa_db *db, const char *sql, int64_t a, int64_t b, char *out, size_t len) {
  sqlite3_stmt *st = db_stmt(db, sql);
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, a);
  sqlite3_bind_int64(st, 2, b);
  int rc = db_step(db, st);
  if (rc == SQLITE_ROW) snprintf(out, len, "%s", (const char *)sqlite3_column_text(st, 0));
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static const char *static_role(const char *r) {
  static const char *const names[] = {"host", "cohost", "presenter", "attendee", "guest", "press", "expert"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (!strcmp(r, names[i])) return names[i];
  return NULL;
}

const char *meeting_store_role(moa_db *db, const meeting_rec *m, int64_t user_id) {
  if (user_id <= 0) return NULL;
  if (m->created_by == user_id || user_store_role_in(db, user_id, m->consortium_id) == ROLE_COORDINATOR)
    return "host";
  char role[16];
  if (text_of(db, "SELECT role FROM guests WHERE meeting_id = ? AND user_id = ?", m->id, user_id, role,
              sizeof role) == 1)
    return static_role(role);
  if (text_of(db, "SELECT role FROM meeting_roles WHERE meeting_id = ? AND user_id = ?", m->id, user_id, role,
              sizeof role) == 1)
    return static_role(role);
  if (text_of(db,
              "SELECT 'attendee' FROM meeting_invites i WHERE i.meeting_id = ?1 AND ("
              "(i.kind = 'user' AND i.target_id = ?2) OR "
              "(i.kind = 'organization' AND i.target_id = (SELECT org_id FROM users WHERE id = ?2)) OR "
              "(i.kind = 'consortium' AND i.target_id IN (SELECT consortium_id FROM user_roles WHERE user_id "
              "= ?2))"
              ") LIMIT 1",
              m->id, user_id, role, sizeof role) == 1)
    return "attendee";
  return NULL;
}

int meeting_store_can_join(moa_db *db, const meeting_rec *m, int64_t user_id, bool is_admin) {
  if (m->cancelled) return 0;
  if (is_admin) return 1;
  return meeting_store_role(db, m, user_id) != NULL;
}

bool meeting_store_may_schedule(moa_db *db, int64_t consortium_id, int64_t user_id, bool is_admin) {
  return is_admin || user_store_role_in(db, user_id, consortium_id) == ROLE_COORDINATOR;
}

int meeting_store_segments(moa_db *db, int64_t meeting_id, meeting_segment_fn fn, void *ctx) {
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT position, start_offset_s, length_s, item, speaker, press_open "
                             "FROM meeting_segments WHERE meeting_id = ? ORDER BY position");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, meeting_id);
  int rc, stopped = 0;
  while (!stopped && (rc = db_step(db, st)) == SQLITE_ROW) {
    meeting_segment g = {.position = sqlite3_column_int(st, 0),
                         .start_offset_s = sqlite3_column_int64(st, 1),
                         .length_s = sqlite3_column_int64(st, 2),
                         .item = (const char *)sqlite3_column_text(st, 3),
                         .speaker = (const char *)sqlite3_column_text(st, 4),
                         .press_open = sqlite3_column_int(st, 5) != 0};
    stopped = fn(ctx, &g);
  }
  sqlite3_reset(st);
  return !stopped && rc == SQLITE_DONE ? 0 : -1;
}

/* Start of occurrence k (0-based) of a meeting first starting at start. */
static int64_t occurrence_start(int64_t start, const char *recurrence, int k) {
  if (!strcmp(recurrence, "weekly")) return start + (int64_t)k * 7 * 86400;
  if (!strcmp(recurrence, "monthly")) return seoul_add_months(start, k);
  return start;
}

typedef struct times {
  int64_t starts_at, ends_at;
  char recurrence[8];
  int count;
} times;

static int read_times(moa_db *db, int64_t meeting_id, times *t) {
  sqlite3_stmt *st =
      db_stmt(db, "SELECT starts_at, ends_at, recurrence, recurrence_count FROM meetings WHERE id = ?");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, meeting_id);
  int rc = db_step(db, st);
  if (rc == SQLITE_ROW) {
    t->starts_at = sqlite3_column_int64(st, 0);
    t->ends_at = sqlite3_column_int64(st, 1);
    snprintf(t->recurrence, sizeof t->recurrence, "%s", (const char *)sqlite3_column_text(st, 2));
    t->count = sqlite3_column_int(st, 3);
  }
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int64_t meeting_store_occurrence_in(moa_db *db, int64_t meeting_id, int64_t from, int64_t to) {
  times t;
  if (read_times(db, meeting_id, &t) != 1) return 0;
  for (int k = 0; k < t.count; k++) {
    int64_t s = occurrence_start(t.starts_at, t.recurrence, k);
    if (s > from && s <= to) return s;
    if (s > to) break;
  }
  return 0;
}

int64_t meeting_store_last_end(int64_t starts_at, int64_t ends_at, const char *recurrence, int count) {
  return occurrence_start(starts_at, recurrence, count - 1) + (ends_at - starts_at);
}

/* The next occurrence that has not ended at now (or the last one). */
static int64_t next_start(const times *t, int64_t now) {
  int64_t len = t->ends_at - t->starts_at, s = t->starts_at;
  for (int k = 0; k < t->count; k++) {
    s = occurrence_start(t->starts_at, t->recurrence, k);
    if (s + len > now) break;
  }
  return s;
}

/* A copy of a column's text ("" for NULL); NULL when out of memory. */
static char *col_dup(sqlite3_stmt *st, int col) {
  const char *t = (const char *)sqlite3_column_text(st, col);
  return strdup(t ? t : "");
}

/* Grows *list (of *n elements of size each) by one zeroed element; NULL when out of memory. */
static void *grow(void **list, size_t *n, size_t size) {
  void *more = realloc(*list, (*n + 1) * size);
  if (!more) return NULL;
  *list = more;
  char *e = (char *)more + *n * size;
  memset(e, 0, size);
  (*n)++;
  return e;
}

static int info_segment(void *ctx, const meeting_segment *g) {
  meeting_info *m = ctx;
  meeting_segment *e = grow((void **)&m->agenda, &m->nagenda, sizeof *e);
  if (!e) return 1;
  *e = *g;
  e->item = strdup(g->item);
  e->speaker = strdup(g->speaker);
  return e->item && e->speaker ? 0 : 1;
}

/* The invitations, with the names of who is invited. 0, or -1. */
static int read_invites(moa_db *db, meeting_info *m) {
  sqlite3_stmt *st =
      db_stmt(db,
              "SELECT i.kind, i.target_id, coalesce(CASE i.kind "
              "WHEN 'consortium' THEN (SELECT name_ko FROM consortia WHERE id = i.target_id) "
              "WHEN 'organization' THEN (SELECT name FROM organizations WHERE id = i.target_id) "
              "ELSE (SELECT name FROM users WHERE id = i.target_id) END, '') "
              "FROM meeting_invites i WHERE i.meeting_id = ? ORDER BY i.kind, i.target_id");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, m->id);
  int rc = SQLITE_NOMEM;
  meeting_invite *e;
  while ((rc = db_step(db, st)) == SQLITE_ROW) {
    if (!(e = grow((void **)&m->invites, &m->ninvites, sizeof *e)) || !(e->name = col_dup(st, 2))) {
      rc = SQLITE_NOMEM;
      break;
    }
    snprintf(e->kind, sizeof e->kind, "%s", (const char *)sqlite3_column_text(st, 0));
    e->id = sqlite3_column_int64(st, 1);
  }
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? 0 : -1;
}

/* The users with role (cohost, presenter) in the meeting, by name. 0, or -1. */
static int read_people(moa_db *db, int64_t meeting_id, const char *role, meeting_person **list, size_t *n) {
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT u.id, u.name FROM meeting_roles r JOIN users u ON u.id = r.user_id "
                             "WHERE r.meeting_id = ? AND r.role = ? ORDER BY u.name");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, meeting_id);
  sqlite3_bind_text(st, 2, role, -1, SQLITE_STATIC);
  int rc;
  meeting_person *e;
  while ((rc = db_step(db, st)) == SQLITE_ROW) {
    if (!(e = grow((void **)list, n, sizeof *e)) || !(e->name = col_dup(st, 1))) {
      rc = SQLITE_NOMEM;
      break;
    }
    e->id = sqlite3_column_int64(st, 0);
  }
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? 0 : -1;
}

void meeting_info_clear(meeting_info *m) {
  free(m->consortium_name_ko);
  free(m->consortium_name_en);
  free(m->title);
  free(m->description);
  free(m->host_name);
  for (size_t i = 0; i < m->nagenda; i++) {
    free((char *)m->agenda[i].item);
    free((char *)m->agenda[i].speaker);
  }
  free(m->agenda);
  for (size_t i = 0; i < m->ninvites; i++) free(m->invites[i].name);
  free(m->invites);
  for (size_t i = 0; i < m->ncohosts; i++) free(m->cohosts[i].name);
  free(m->cohosts);
  for (size_t i = 0; i < m->npresenters; i++) free(m->presenters[i].name);
  free(m->presenters);
  memset(m, 0, sizeof *m);
}

int meeting_store_info(moa_db *db, int64_t meeting_id, meeting_info *out) {
  memset(out, 0, sizeof *out);
  sqlite3_stmt *st =
      db_stmt(db,
              "SELECT m.id, m.consortium_id, m.room_id, m.title, m.description, m.starts_at, "
              "m.ends_at, m.recurrence, m.recurrence_count, m.capacity, m.mode, m.lobby, "
              "m.status, m.sequence, coalesce(m.created_by, 0), coalesce(u.name, ''), "
              "m.created_at, m.updated_at, c.name_ko, c.name_en FROM meetings m "
              "LEFT JOIN users u ON u.id = m.created_by JOIN consortia c ON c.id = m.consortium_id "
              "WHERE m.id = ?");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, meeting_id);
  int rc = db_step(db, st);
  if (rc != SQLITE_ROW) {
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
  }
  meeting_info *m = out;
  m->id = sqlite3_column_int64(st, 0);
  m->consortium_id = sqlite3_column_int64(st, 1);
  m->room_id = sqlite3_column_int64(st, 2);
  m->title = col_dup(st, 3);
  m->description = col_dup(st, 4);
  m->starts_at = sqlite3_column_int64(st, 5);
  m->ends_at = sqlite3_column_int64(st, 6);
  snprintf(m->recurrence, sizeof m->recurrence, "%s", (const char *)sqlite3_column_text(st, 7));
  m->recurrence_count = sqlite3_column_int(st, 8);
  m->capacity = sqlite3_column_int(st, 9);
  snprintf(m->mode, sizeof m->mode, "%s", (const char *)sqlite3_column_text(st, 10));
  m->lobby = sqlite3_column_int(st, 11) != 0;
  snprintf(m->status, sizeof m->status, "%s", (const char *)sqlite3_column_text(st, 12));
  m->sequence = sqlite3_column_int(st, 13);
  m->host_id = sqlite3_column_int64(st, 14);
  m->host_name = col_dup(st, 15);
  m->created_at = sqlite3_column_int64(st, 16);
  m->updated_at = sqlite3_column_int64(st, 17);
  m->consortium_name_ko = col_dup(st, 18);
  m->consortium_name_en = col_dup(st, 19);
  sqlite3_reset(st);
  if (m->recurrence_count < 1) m->recurrence_count = 1;
  if (m->recurrence_count > MEETING_RECURRENCE_MAX) m->recurrence_count = MEETING_RECURRENCE_MAX;
  times t = {.starts_at = m->starts_at, .ends_at = m->ends_at, .count = m->recurrence_count};
  snprintf(t.recurrence, sizeof t.recurrence, "%s", m->recurrence);
  m->next_starts_at = next_start(&t, db_now(db));
  for (int k = 0; k < t.count; k++) m->occurrences[k] = occurrence_start(t.starts_at, t.recurrence, k);
  if (!m->title || !m->description || !m->host_name || !m->consortium_name_ko || !m->consortium_name_en ||
      meeting_store_segments(db, meeting_id, info_segment, m) != 0 || read_invites(db, m) != 0 ||
      read_people(db, meeting_id, "cohost", &m->cohosts, &m->ncohosts) != 0 ||
      read_people(db, meeting_id, "presenter", &m->presenters, &m->npresenters) != 0) {
    meeting_info_clear(m);
    return -1;
  }
  return 1;
}

/* The meetings user ?2 may join (?3: an admin's "all"). */
#define MEETING_VISIBLE_SQL                                                                        \
  "(?3 OR m.created_by = ?2 "                                                                      \
  "OR m.consortium_id IN (SELECT consortium_id FROM user_roles WHERE user_id = ?2 AND role = "     \
  "'coordinator') "                                                                                \
  "OR EXISTS (SELECT 1 FROM guests g WHERE g.user_id = ?2 AND g.meeting_id = m.id) "               \
  "OR EXISTS (SELECT 1 FROM meeting_roles r WHERE r.meeting_id = m.id AND r.user_id = ?2) "        \
  "OR EXISTS (SELECT 1 FROM meeting_invites i WHERE i.meeting_id = m.id AND ("                     \
  "(i.kind = 'user' AND i.target_id = ?2) OR "                                                     \
  "(i.kind = 'organization' AND i.target_id = (SELECT org_id FROM users WHERE id = ?2)) OR "       \
  "(i.kind = 'consortium' AND i.target_id IN (SELECT consortium_id FROM user_roles WHERE user_id " \
  "= ?2)))))"

static int meeting__ids(moa_db *db, const char *sql, int64_t user_id, bool is_admin, int64_t now, int limit,
                        bool include_cancelled, int64_t **ids, size_t *n) {
  sqlite3_stmt *st = db_stmt(db, sql);
  *ids = NULL;
  *n = 0;
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, now);
  sqlite3_bind_int64(st, 2, user_id);
  sqlite3_bind_int(st, 3, is_admin);
  sqlite3_bind_int(st, 4, include_cancelled);
  sqlite3_bind_int(st, 5, limit);
  return db_ids(db, st, ids, n);
}

int meeting_store_upcoming_ids(moa_db *db, int64_t user_id, bool is_admin, int64_t now, int limit,
                               bool include_cancelled, int64_t **ids, size_t *n) {
  return meeting__ids(
      db,
      "SELECT m.id FROM meetings m WHERE m.last_ends_at > ?1 AND (m.status = 'scheduled' OR ?4) "
      "AND " MEETING_VISIBLE_SQL " ORDER BY m.starts_at, m.id LIMIT ?5",
      user_id, is_admin, now, limit, include_cancelled, ids, n);
}

int meeting_store_past_ids(moa_db *db, int64_t user_id, bool is_admin, int64_t now, int limit,
                           bool include_cancelled, int64_t **ids, size_t *n) {
  return meeting__ids(
      db,
      "SELECT m.id FROM meetings m WHERE m.last_ends_at <= ?1 AND (m.status = 'scheduled' OR ?4) "
      "AND " MEETING_VISIBLE_SQL " ORDER BY m.last_ends_at DESC, m.id DESC LIMIT ?5",
      user_id, is_admin, now, limit, include_cancelled, ids, n);
}

int64_t *meeting_store_invitee_ids(moa_db *db, int64_t meeting_id, size_t *n) {
  sqlite3_stmt *st =
      db_stmt(db,
              "SELECT created_by FROM meetings WHERE id = ?1 AND created_by IS NOT NULL "
              "UNION SELECT ur.user_id FROM user_roles ur JOIN meetings m ON m.id = ?1 "
              "WHERE ur.consortium_id = m.consortium_id AND ur.role = 'coordinator' "
              "UNION SELECT user_id FROM meeting_roles WHERE meeting_id = ?1 "
              "UNION SELECT user_id FROM guests WHERE meeting_id = ?1 "
              "UNION SELECT target_id FROM meeting_invites WHERE meeting_id = ?1 AND kind = 'user' "
              "UNION SELECT u.id FROM users u JOIN meeting_invites i ON i.kind = 'organization' AND "
              "i.target_id = u.org_id "
              "WHERE i.meeting_id = ?1 "
              "UNION SELECT ur.user_id FROM user_roles ur JOIN meeting_invites i ON i.kind = 'consortium' "
              "AND i.target_id = ur.consortium_id WHERE i.meeting_id = ?1");
  *n = 0;
  if (!st) return NULL;
  sqlite3_bind_int64(st, 1, meeting_id);
  int64_t *ids;
  if (db_ids(db, st, &ids, n) != 0) return NULL;
  return ids ? ids : calloc(1, sizeof *ids); /* none: an empty array, not NULL (NULL is an error) */
}

int meeting_store_cancel(moa_db *db, int64_t meeting_id) {
  sqlite3_stmt *st = db_stmt(db,
                             "UPDATE meetings SET status = 'cancelled', sequence = sequence + 1, "
                             "updated_at = ?2 WHERE id = ?1 AND status = 'scheduled'");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, meeting_id);
  sqlite3_bind_int64(st, 2, db_now(db));
  if (db_exec_stmt(db, st) != SQLITE_DONE) return -1;
  return sqlite3_changes(db_handle(db)) > 0 ? 1 : 0;
}

meeting_reminder *meeting_store_take_reminders(moa_db *db, int64_t from, int64_t to, size_t *n) {
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT id, reminded_for FROM meetings WHERE status = 'scheduled' "
                             "AND starts_at <= ?2 AND last_ends_at > ?1");
  *n = 0;
  if (!st) return NULL;
  sqlite3_bind_int64(st, 1, from);
  sqlite3_bind_int64(st, 2, to);
  /* First the candidates (id, reminded_for), then the marks: the marks are other statements. */
  size_t cap = 8, nd = 0;
  meeting_reminder *due = malloc(cap * sizeof *due);
  int rc = SQLITE_NOMEM;
  while (due && (rc = db_step(db, st)) == SQLITE_ROW) {
    if (nd == cap) {
      meeting_reminder *more = realloc(due, 2 * cap * sizeof *due);
      if (!more) {
        rc = SQLITE_NOMEM;
        break;
      }
      due = more;
      cap *= 2;
    }
    due[nd].id = sqlite3_column_int64(st, 0);
    due[nd].occurrence_start = sqlite3_column_int64(st, 1); /* reminded_for, until replaced below */
    nd++;
  }
  sqlite3_reset(st);
  if (!due || rc != SQLITE_DONE) {
    free(due);
    return NULL;
  }
  for (size_t i = 0; i < nd; i++) {
    int64_t id = due[i].id, reminded = due[i].occurrence_start;
    int64_t occ = meeting_store_occurrence_in(db, id, from, to);
    if (!occ || occ <= reminded) continue;
    sqlite3_stmt *up = db_stmt(db, "UPDATE meetings SET reminded_for = ? WHERE id = ?");
    if (!up) continue;
    sqlite3_bind_int64(up, 1, occ);
    sqlite3_bind_int64(up, 2, id);
    if (db_exec_stmt(db, up) == SQLITE_DONE) due[(*n)++] = (meeting_reminder){id, occ};
  }
  return due;
}
