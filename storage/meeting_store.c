/* Meetings as kept (see meeting_store.h): lookups, roles, who may join, the client JSON, upcoming
 * lists, invitees and reminders. Writing a spec (create, update, invite) is in meeting_spec.c.
 *
 * Occurrences: a meeting with recurrence weekly/monthly and count N happens N times, occurrence k
 * starting k weeks or k calendar months (Seoul time) after the first; last_ends_at keeps the end
 * of the last one so that "upcoming" is one indexed comparison. */
#include "storage/meeting_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

json_t *meeting_store_segments(moa_db *db, int64_t meeting_id) {
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT position, start_offset_s, length_s, item, speaker, press_open "
                             "FROM meeting_segments WHERE meeting_id = ? ORDER BY position");
  if (!st) return NULL;
  sqlite3_bind_int64(st, 1, meeting_id);
  json_t *out = json_array();
  int rc;
  while ((rc = db_step(db, st)) == SQLITE_ROW)
    json_array_append_new(
        out, json_pack("{s:i, s:I, s:I, s:s, s:s, s:b}", "position", sqlite3_column_int(st, 0),
                       "start_offset_s", (json_int_t)sqlite3_column_int64(st, 1), "length_s",
                       (json_int_t)sqlite3_column_int64(st, 2), "item",
                       (const char *)sqlite3_column_text(st, 3), "speaker",
                       (const char *)sqlite3_column_text(st, 4), "press_open", sqlite3_column_int(st, 5)));
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) {
    json_decref(out);
    return NULL;
  }
  return out;
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

static json_t *local_pair(int64_t t) {
  char b[32];
  seoul_format_iso(t, b, sizeof b);
  return json_string(b);
}

/* [{kind, id, name}] of the invitations. */
static json_t *invites_json(moa_db *db, int64_t meeting_id) {
  sqlite3_stmt *st =
      db_stmt(db,
              "SELECT i.kind, i.target_id, coalesce(CASE i.kind "
              "WHEN 'consortium' THEN (SELECT name_ko FROM consortia WHERE id = i.target_id) "
              "WHEN 'organization' THEN (SELECT name FROM organizations WHERE id = i.target_id) "
              "ELSE (SELECT name FROM users WHERE id = i.target_id) END, '') "
              "FROM meeting_invites i WHERE i.meeting_id = ? ORDER BY i.kind, i.target_id");
  if (!st) return NULL;
  json_t *out = json_array();
  sqlite3_bind_int64(st, 1, meeting_id);
  int rc;
  while ((rc = db_step(db, st)) == SQLITE_ROW)
    json_array_append_new(out, json_pack("{s:s, s:I, s:s}", "kind", (const char *)sqlite3_column_text(st, 0),
                                         "id", (json_int_t)sqlite3_column_int64(st, 1), "name",
                                         (const char *)sqlite3_column_text(st, 2)));
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) {
    json_decref(out);
    return NULL;
  }
  return out;
}

static json_t *people_json(moa_db *db, int64_t meeting_id, const char *role) {
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT u.id, u.name FROM meeting_roles r JOIN users u ON u.id = r.user_id "
                             "WHERE r.meeting_id = ? AND r.role = ? ORDER BY u.name");
  if (!st) return NULL;
  json_t *out = json_array();
  sqlite3_bind_int64(st, 1, meeting_id);
  sqlite3_bind_text(st, 2, role, -1, SQLITE_STATIC);
  int rc;
  while ((rc = db_step(db, st)) == SQLITE_ROW)
    json_array_append_new(out, json_pack("{s:I, s:s}", "id", (json_int_t)sqlite3_column_int64(st, 0), "name",
                                         (const char *)sqlite3_column_text(st, 1)));
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) {
    json_decref(out);
    return NULL;
  }
  return out;
}

json_t *meeting_store_json(moa_db *db, int64_t meeting_id) {
  sqlite3_stmt *st =
      db_stmt(db,
              "SELECT m.id, m.consortium_id, m.room_id, m.title, m.description, m.starts_at, "
              "m.ends_at, m.recurrence, m.recurrence_count, m.capacity, m.mode, m.lobby, "
              "m.status, m.sequence, coalesce(m.created_by, 0), coalesce(u.name, ''), "
              "m.created_at, m.updated_at, c.name_ko, c.name_en FROM meetings m "
              "LEFT JOIN users u ON u.id = m.created_by JOIN consortia c ON c.id = m.consortium_id "
              "WHERE m.id = ?");
  if (!st) return NULL;
  sqlite3_bind_int64(st, 1, meeting_id);
  if (db_step(db, st) != SQLITE_ROW) {
    sqlite3_reset(st);
    return NULL;
  }
  times t = {.starts_at = sqlite3_column_int64(st, 5),
             .ends_at = sqlite3_column_int64(st, 6),
             .count = sqlite3_column_int(st, 8)};
  snprintf(t.recurrence, sizeof t.recurrence, "%s", (const char *)sqlite3_column_text(st, 7));
  int64_t next = next_start(&t, db_now(db));
  json_t *occ = json_array();
  for (int k = 0; k < t.count; k++)
    json_array_append_new(occ, json_integer(occurrence_start(t.starts_at, t.recurrence, k)));
  json_t *m = json_pack(
      "{s:I, s:I, s:{s:I, s:s, s:s}, s:I, s:s, s:s, s:I, s:I, s:o, s:o, s:s, s:s, s:i, s:o, s:I, s:o, s:i, "
      "s:s, s:b, s:s, s:i, s:{s:I, s:s}, s:I, s:I}",
      "id", (json_int_t)sqlite3_column_int64(st, 0), "consortium_id", (json_int_t)sqlite3_column_int64(st, 1),
      "consortium", "id", (json_int_t)sqlite3_column_int64(st, 1), "name_ko",
      (const char *)sqlite3_column_text(st, 18), "name_en", (const char *)sqlite3_column_text(st, 19),
      "room_id", (json_int_t)sqlite3_column_int64(st, 2), "title", (const char *)sqlite3_column_text(st, 3),
      "description", (const char *)sqlite3_column_text(st, 4), "starts_at", (json_int_t)t.starts_at,
      "ends_at", (json_int_t)t.ends_at, "starts_local", local_pair(t.starts_at), "ends_local",
      local_pair(t.ends_at), "time_zone", SEOUL_TZID, "recurrence", t.recurrence, "recurrence_count", t.count,
      "occurrences", occ, "next_starts_at", (json_int_t)next, "next_starts_local", local_pair(next),
      "capacity", sqlite3_column_int(st, 9), "mode", (const char *)sqlite3_column_text(st, 10), "lobby",
      sqlite3_column_int(st, 11), "status", (const char *)sqlite3_column_text(st, 12), "sequence",
      sqlite3_column_int(st, 13), "host", "id", (json_int_t)sqlite3_column_int64(st, 14), "name",
      (const char *)sqlite3_column_text(st, 15), "created_at", (json_int_t)sqlite3_column_int64(st, 16),
      "updated_at", (json_int_t)sqlite3_column_int64(st, 17));
  sqlite3_reset(st);
  if (!m) return NULL;
  json_t *agenda = meeting_store_segments(db, meeting_id);
  size_t i;
  json_t *seg;
  json_array_foreach(agenda, i, seg) {
    int64_t s = t.starts_at + json_integer_value(json_object_get(seg, "start_offset_s"));
    char b[32];
    seoul_format_human(s, b, sizeof b);
    json_object_set_new(seg, "start", json_string(b + 11)); /* "HH:MM" */
    json_object_set_new(seg, "minutes",
                        json_integer(json_integer_value(json_object_get(seg, "length_s")) / 60));
  }
  /* All or nothing: a list that could not be read is not an empty list (meeting_store_update
   * would otherwise write the empty list back). */
  json_t *invites = invites_json(db, meeting_id), *cohosts = people_json(db, meeting_id, "cohost"),
         *presenters = people_json(db, meeting_id, "presenter");
  if (!agenda || !invites || !cohosts || !presenters) {
    json_decref(agenda);
    json_decref(invites);
    json_decref(cohosts);
    json_decref(presenters);
    json_decref(m);
    return NULL;
  }
  json_object_set_new(m, "agenda", agenda);
  json_object_set_new(m, "invites", invites);
  json_object_set_new(m, "cohosts", cohosts);
  json_object_set_new(m, "presenters", presenters);
  return m;
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

static json_t *meeting__ids(moa_db *db, const char *sql, int64_t user_id, bool is_admin, int64_t now,
                            int limit, bool include_cancelled) {
  sqlite3_stmt *st = db_stmt(db, sql);
  if (!st) return NULL;
  sqlite3_bind_int64(st, 1, now);
  sqlite3_bind_int64(st, 2, user_id);
  sqlite3_bind_int(st, 3, is_admin);
  sqlite3_bind_int(st, 4, include_cancelled);
  sqlite3_bind_int(st, 5, limit);
  json_t *out = json_array();
  int rc;
  while ((rc = db_step(db, st)) == SQLITE_ROW)
    json_array_append_new(out, json_integer(sqlite3_column_int64(st, 0)));
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) {
    json_decref(out);
    return NULL;
  }
  return out;
}

json_t *meeting_store_upcoming_ids(moa_db *db, int64_t user_id, bool is_admin, int64_t now, int limit,
                                   bool include_cancelled) {
  return meeting__ids(
      db,
      "SELECT m.id FROM meetings m WHERE m.last_ends_at > ?1 AND (m.status = 'scheduled' OR ?4) "
      "AND " MEETING_VISIBLE_SQL " ORDER BY m.starts_at, m.id LIMIT ?5",
      user_id, is_admin, now, limit, include_cancelled);
}

json_t *meeting_store_past_ids(moa_db *db, int64_t user_id, bool is_admin, int64_t now, int limit,
                               bool include_cancelled) {
  return meeting__ids(
      db,
      "SELECT m.id FROM meetings m WHERE m.last_ends_at <= ?1 AND (m.status = 'scheduled' OR ?4) "
      "AND " MEETING_VISIBLE_SQL " ORDER BY m.last_ends_at DESC, m.id DESC LIMIT ?5",
      user_id, is_admin, now, limit, include_cancelled);
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
  return db_step_ids(db, st, n);
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

json_t *meeting_store_take_reminders(moa_db *db, int64_t from, int64_t to) {
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT id, reminded_for FROM meetings WHERE status = 'scheduled' "
                             "AND starts_at <= ?2 AND last_ends_at > ?1");
  if (!st) return NULL;
  sqlite3_bind_int64(st, 1, from);
  sqlite3_bind_int64(st, 2, to);
  json_t *due = json_array();
  int rc;
  while ((rc = db_step(db, st)) == SQLITE_ROW)
    json_array_append_new(due, json_pack("{s:I, s:I}", "id", (json_int_t)sqlite3_column_int64(st, 0),
                                         "reminded", (json_int_t)sqlite3_column_int64(st, 1)));
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) {
    json_decref(due);
    return NULL;
  }
  json_t *out = json_array();
  size_t i;
  json_t *d;
  json_array_foreach(due, i, d) {
    int64_t id = json_integer_value(json_object_get(d, "id"));
    int64_t occ = meeting_store_occurrence_in(db, id, from, to);
    if (!occ || occ <= json_integer_value(json_object_get(d, "reminded"))) continue;
    sqlite3_stmt *up = db_stmt(db, "UPDATE meetings SET reminded_for = ? WHERE id = ?");
    if (!up) continue;
    sqlite3_bind_int64(up, 1, occ);
    sqlite3_bind_int64(up, 2, id);
    if (db_exec_stmt(db, up) == SQLITE_DONE)
      json_array_append_new(
          out, json_pack("{s:I, s:I}", "id", (json_int_t)id, "occurrence_start", (json_int_t)occ));
  }
  json_decref(due);
  return out;
}
