/* Writing meetings (see meeting_store.h): a spec is read and checked whole into a `spec` struct
 * (times, recurrence, agenda, invitations, roles), and only then written, in one transaction.
 * For an update the stored meeting is loaded into the struct first and the request laid over
 * it, so the same checks run on the result (an agenda that no longer fits new times is refused).
 * The request's types were checked where it was read (signaling/meeting_spec_json.c); here its
 * values are. Strings in the struct point into the caller's meeting_spec or the loaded
 * meeting_info. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/meeting_store.h"
#include "storage/seoul_time.h"

typedef struct segment {
  int64_t offset, length;
  const char *item, *speaker;
  bool press_open;
} segment;

typedef struct spec {
  const char *title, *description;
  int64_t starts_at, ends_at;
  char recurrence[8];
  int count;
  int capacity;
  bool event_mode, lobby;
  segment seg[MEETING_SEGMENTS_MAX];
  int nseg;
  bool set_agenda;
  const meeting_spec *req; /* the lists asked for (has_invite, has_cohosts, has_presenters) */
} spec;

#define FAIL(...)                       \
  do {                                  \
    snprintf(err, errlen, __VA_ARGS__); \
    return false;                       \
  } while (0)

/* Plain text of at most max bytes: no control characters (newlines and tabs when allowed). */
static bool clean_text(const char *s, size_t max, bool newlines) {
  if (strlen(s) > max) return false;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p == 0x7f || (*p < 0x20 && !(newlines && (*p == '\n' || *p == '\t' || *p == '\r')))) return false;
  return true;
}

void meeting_spec_init(meeting_spec *sp) {
  memset(sp, 0, sizeof *sp);
  sp->lobby = -1;
}

/* One agenda entry: its start ("HH:MM" on the meeting's day, an absolute time, or an offset),
 * its length, item and speaker. */
static bool read_segment(const spec *sp, const meeting_agenda_entry *e, size_t i, segment *out, char *err,
                         size_t errlen) {
  memset(out, 0, sizeof *out);
  out->offset = -1;
  if (e->start_hhmm >= 0 || e->has_start_at) {
    int64_t t = e->start_at;
    if (e->start_hhmm >= 0) {
      t = seoul_midnight(sp->starts_at) + e->start_hhmm;
      if (t < sp->starts_at && t + 86400 < sp->ends_at) t += 86400; /* a meeting across midnight */
    }
    if (t < sp->starts_at) FAIL("agenda[%zu] starts before the meeting", i);
    out->offset = t - sp->starts_at;
  }
  if (e->start_offset_s >= 0) out->offset = e->start_offset_s;
  out->length = e->length_s;
  out->item = e->item;
  out->speaker = e->speaker ? e->speaker : "";
  out->press_open = e->press_open;
  if (out->offset < 0) FAIL("agenda[%zu] needs a start", i);
  if (out->length <= 0) FAIL("agenda[%zu] needs a length (minutes)", i);
  if (!out->item || !out->item[0] || !clean_text(out->item, 400, false))
    FAIL("agenda[%zu].item must be 1 to 400 bytes of plain text", i);
  if (!clean_text(out->speaker, 200, false))
    FAIL("agenda[%zu].speaker must be at most 200 bytes of plain text", i);
  return true;
}

static bool read_agenda(spec *sp, const meeting_spec *req, char *err, size_t errlen) {
  if (req->nagenda > MEETING_SEGMENTS_MAX) FAIL("an agenda has at most %d segments", MEETING_SEGMENTS_MAX);
  sp->nseg = 0;
  for (size_t i = 0; i < req->nagenda; i++) {
    if (!read_segment(sp, &req->agenda[i], i, &sp->seg[sp->nseg], err, errlen)) return false;
    sp->nseg++;
  }
  return true;
}

static bool check_ids(const int64_t *ids, size_t n, const char *key, char *err, size_t errlen) {
  if (n > MEETING_INVITES_MAX)
    FAIL("\"%s\" must be an array of at most %d user ids", key, MEETING_INVITES_MAX);
  for (size_t i = 0; i < n; i++)
    if (ids[i] < 1) FAIL("%s[%zu] is not a user id", key, i);
  return true;
}

/* Lays the request over sp and checks the result. */
static bool read_spec(spec *sp, const meeting_spec *req, int64_t now, bool creating, char *err,
                      size_t errlen) {
  int64_t count = sp->count, capacity = sp->capacity;
  char old_recurrence[sizeof sp->recurrence];
  memcpy(old_recurrence, sp->recurrence, sizeof old_recurrence);
  const char *recurrence = req->recurrence ? req->recurrence : old_recurrence;
  const char *mode = req->mode ? req->mode : sp->event_mode ? "event" : "meeting";
  bool had_recurrence = req->recurrence != NULL, c = req->recurrence_count != 0;
  if (req->title) sp->title = req->title;
  if (req->description) sp->description = req->description;
  if (req->has_starts_at) sp->starts_at = req->starts_at;
  if (req->has_ends_at) sp->ends_at = req->ends_at;
  if (req->lobby >= 0) sp->lobby = req->lobby != 0;
  if (c && (req->recurrence_count < 1 || req->recurrence_count > MEETING_RECURRENCE_MAX))
    FAIL("\"recurrence_count\" must be an integer from 1 to %d", MEETING_RECURRENCE_MAX);
  if (c) count = req->recurrence_count;
  if (req->capacity && (req->capacity < 1 || req->capacity > MEETING_CAPACITY_MAX))
    FAIL("\"capacity\" must be an integer from 1 to %d", MEETING_CAPACITY_MAX);
  if (req->capacity) capacity = req->capacity;
  if (creating && (!req->title || !req->has_starts_at || !req->has_ends_at))
    FAIL("a meeting needs \"title\", \"starts_at\" and \"ends_at\"");
  size_t tl = strlen(sp->title);
  if (tl == 0 || !clean_text(sp->title, MEETING_TITLE_MAX * 4, false))
    FAIL("\"title\" must be 1 to %d characters of plain text", MEETING_TITLE_MAX);
  if (!clean_text(sp->description, MEETING_DESCRIPTION_MAX, true))
    FAIL("\"description\" must be at most %d bytes of plain text", MEETING_DESCRIPTION_MAX);
  if (sp->ends_at <= sp->starts_at) FAIL("the meeting must end after it starts");
  if (sp->ends_at - sp->starts_at > MEETING_LENGTH_MAX) FAIL("a meeting lasts at most 24 hours");
  if (strcmp(recurrence, "none") && strcmp(recurrence, "weekly") && strcmp(recurrence, "monthly"))
    FAIL("\"recurrence\" must be \"none\", \"weekly\" or \"monthly\"");
  if (!strcmp(recurrence, "none")) {
    if (c && count != 1) FAIL("\"recurrence_count\" needs a recurrence (weekly or monthly)");
    count = 1;
  } else if (had_recurrence && !c && (creating || sp->count == 1)) {
    FAIL("a recurrence needs \"recurrence_count\" (how many times, 2 to %d)", MEETING_RECURRENCE_MAX);
  } else if (count < 2) {
    FAIL("a recurring meeting happens at least twice (\"recurrence_count\" 2 to %d)", MEETING_RECURRENCE_MAX);
  }
  if (!strcmp(recurrence, "monthly") && seoul_mday(sp->starts_at) > 28)
    FAIL("a monthly meeting must start on day 1 to 28 of the month (not every month has day %d)",
         seoul_mday(sp->starts_at));
  snprintf(sp->recurrence, sizeof sp->recurrence, "%s", recurrence);
  sp->count = (int)count;
  sp->capacity = (int)capacity;
  if (strcmp(mode, "meeting") && strcmp(mode, "event")) FAIL("\"mode\" must be \"meeting\" or \"event\"");
  sp->event_mode = !strcmp(mode, "event");
  if (meeting_store_last_end(sp->starts_at, sp->ends_at, sp->recurrence, sp->count) <= now)
    FAIL("the meeting would be over already (\"ends_at\" is in the past)");
  if (req->has_agenda) {
    sp->set_agenda = true;
    if (!read_agenda(sp, req, err, errlen)) return false;
  }
  int64_t length = sp->ends_at - sp->starts_at, prev_end = 0;
  for (int i = 0; i < sp->nseg; i++) {
    const segment *g = &sp->seg[i];
    if (g->offset < prev_end)
      FAIL("agenda[%d] overlaps the segment before it (segments are in order and do not overlap)", i);
    if (g->offset + g->length > length)
      FAIL("agenda[%d] ends after the meeting ends (the agenda is too long)", i);
    prev_end = g->offset + g->length;
  }
  sp->req = req;
  if (req->has_invite && req->ninvite > MEETING_INVITES_MAX)
    FAIL("\"invite\" must be an array of at most %d invitations", MEETING_INVITES_MAX);
  if (req->has_cohosts && !check_ids(req->cohosts, req->ncohosts, "cohosts", err, errlen)) return false;
  return !req->has_presenters || check_ids(req->presenters, req->npresenters, "presenters", err, errlen);
}

/* ---- writing (inside the caller's transaction) ---- */

static int exec2(moa_db *db, const char *sql, int64_t a, int64_t b) {
  sqlite3_stmt *st = db_stmt(db, sql);
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, a);
  sqlite3_bind_int64(st, 2, b);
  return db_exec_stmt(db, st) == SQLITE_DONE ? 0 : -1;
}

static int exec1(moa_db *db, const char *sql, int64_t a) {
  sqlite3_stmt *st = db_stmt(db, sql);
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, a);
  return db_exec_stmt(db, st) == SQLITE_DONE ? 0 : -1;
}

static bool exists(moa_db *db, const char *sql, int64_t id) {
  sqlite3_stmt *st = db_stmt(db, sql);
  if (!st) return false;
  sqlite3_bind_int64(st, 1, id);
  bool yes = db_step(db, st) == SQLITE_ROW;
  sqlite3_reset(st);
  return yes;
}

static bool write_invites(moa_db *db, int64_t mid, const meeting_invitation *invites, size_t n, char *err,
                          size_t errlen) {
  for (size_t i = 0; i < n; i++) {
    const char *kind = invites[i].kind ? invites[i].kind : "";
    int64_t id = invites[i].id;
    const char *check = !strcmp(kind, "consortium") ? "SELECT 1 FROM consortia WHERE id = ? AND active = 1"
                        : !strcmp(kind, "organization") ? "SELECT 1 FROM organizations WHERE id = ?"
                        : !strcmp(kind, "user")
                            ? "SELECT 1 FROM users u WHERE id = ? AND NOT EXISTS (SELECT 1 FROM "
                              "guests g WHERE g.user_id = u.id)"
                            : NULL;
    if (!check) FAIL("invite[%zu].kind must be \"consortium\", \"organization\" or \"user\"", i);
    if (!exists(db, check, id)) FAIL("invite[%zu]: no such %s %lld", i, kind, (long long)id);
    sqlite3_stmt *st =
        db_stmt(db, "INSERT OR IGNORE INTO meeting_invites(meeting_id, kind, target_id) VALUES (?, ?, ?)");
    if (!st) FAIL("database error");
    sqlite3_bind_int64(st, 1, mid);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, id);
    if (db_exec_stmt(db, st) != SQLITE_DONE) FAIL("database error: %s", db_errmsg(db));
  }
  return true;
}

static bool write_roles(moa_db *db, int64_t mid, const int64_t *ids, size_t n, const char *role, char *err,
                        size_t errlen) {
  sqlite3_stmt *st = db_stmt(db, "DELETE FROM meeting_roles WHERE meeting_id = ? AND role = ?");
  if (!st) FAIL("database error");
  sqlite3_bind_int64(st, 1, mid);
  sqlite3_bind_text(st, 2, role, -1, SQLITE_STATIC);
  if (db_exec_stmt(db, st) != SQLITE_DONE) FAIL("database error");
  for (size_t i = 0; i < n; i++) {
    if (!exists(db,
                "SELECT 1 FROM users u WHERE id = ? AND NOT EXISTS (SELECT 1 FROM guests g WHERE g.user_id = "
                "u.id)",
                ids[i]))
      FAIL("%ss[%zu]: no such user", role, i);
    st = db_stmt(db, "INSERT OR REPLACE INTO meeting_roles(meeting_id, user_id, role) VALUES (?, ?, ?)");
    if (!st) FAIL("database error");
    sqlite3_bind_int64(st, 1, mid);
    sqlite3_bind_int64(st, 2, ids[i]);
    sqlite3_bind_text(st, 3, role, -1, SQLITE_STATIC);
    if (db_exec_stmt(db, st) != SQLITE_DONE) FAIL("database error");
  }
  return true;
}

static bool write_agenda(moa_db *db, int64_t mid, const spec *sp, char *err, size_t errlen) {
  if (exec1(db, "DELETE FROM meeting_segments WHERE meeting_id = ?", mid) != 0) FAIL("database error");
  for (int i = 0; i < sp->nseg; i++) {
    const segment *g = &sp->seg[i];
    sqlite3_stmt *st = db_stmt(db,
                               "INSERT INTO meeting_segments(meeting_id, position, start_offset_s, length_s, "
                               "item, speaker, press_open) VALUES (?, ?, ?, ?, ?, ?, ?)");
    if (!st) FAIL("database error");
    sqlite3_bind_int64(st, 1, mid);
    sqlite3_bind_int(st, 2, i + 1);
    sqlite3_bind_int64(st, 3, g->offset);
    sqlite3_bind_int64(st, 4, g->length);
    sqlite3_bind_text(st, 5, g->item, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, g->speaker, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 7, g->press_open);
    if (db_exec_stmt(db, st) != SQLITE_DONE) FAIL("database error: %s", db_errmsg(db));
  }
  return true;
}

/* Writes everything but the meetings row's own columns. invite: the invitations to write (the
 * request's, or a creation's default), n of them; NULL to keep. */
static bool write_lists(moa_db *db, int64_t mid, const spec *sp, const meeting_invitation *invite, size_t n,
                        bool replace_invites, char *err, size_t errlen) {
  const meeting_spec *req = sp->req;
  if (sp->set_agenda && !write_agenda(db, mid, sp, err, errlen)) return false;
  if (invite) {
    if (replace_invites && exec1(db, "DELETE FROM meeting_invites WHERE meeting_id = ?", mid) != 0)
      FAIL("database error");
    if (!write_invites(db, mid, invite, n, err, errlen)) return false;
  }
  if (req->has_cohosts && !write_roles(db, mid, req->cohosts, req->ncohosts, "cohost", err, errlen))
    return false;
  return !req->has_presenters ||
         write_roles(db, mid, req->presenters, req->npresenters, "presenter", err, errlen);
}

static void bind_spec(sqlite3_stmt *st, const spec *sp, int64_t now) {
  sqlite3_bind_text(st, 1, sp->title, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, sp->description, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, sp->starts_at);
  sqlite3_bind_int64(st, 4, sp->ends_at);
  sqlite3_bind_text(st, 5, sp->recurrence, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 6, sp->count);
  sqlite3_bind_int(st, 7, sp->capacity);
  sqlite3_bind_text(st, 8, sp->event_mode ? "event" : "meeting", -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 9, sp->lobby);
  sqlite3_bind_int64(st, 10, meeting_store_last_end(sp->starts_at, sp->ends_at, sp->recurrence, sp->count));
  sqlite3_bind_int64(st, 11, now);
}

int64_t meeting_store_create(moa_db *db, int64_t consortium_id, int64_t created_by, const meeting_spec *req,
                             char *err, size_t errlen) {
  spec *sp = calloc(1, sizeof *sp);
  if (!sp) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  sp->title = "";
  sp->description = "";
  snprintf(sp->recurrence, sizeof sp->recurrence, "none");
  sp->count = 1;
  sp->capacity = 100;
  int64_t now = db_now(db), mid = -1;
  if (!read_spec(sp, req, now, true, err, errlen)) goto out;
  const meeting_invitation own_consortium = {"consortium", consortium_id}; /* invited by default */
  const meeting_invitation *invite = req->has_invite ? req->invite : &own_consortium;
  size_t ninvite = req->has_invite ? req->ninvite : 1;
  if (db_begin(db) != SQLITE_OK) {
    snprintf(err, errlen, "database error: %s", db_errmsg(db));
    goto out;
  }
  sqlite3_stmt *st = db_stmt(db,
                             "INSERT INTO rooms(consortium_id, name, description, visibility, created_by) "
                             "VALUES (?, ?, ?, 'invited', ?)");
  bool ok = st != NULL;
  if (ok) {
    sqlite3_bind_int64(st, 1, consortium_id);
    sqlite3_bind_text(st, 2, sp->title, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, sp->description, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, created_by);
    ok = db_exec_stmt(db, st) == SQLITE_DONE;
  }
  int64_t room_id = sqlite3_last_insert_rowid(db_handle(db));
  st = ok ? db_stmt(
                db,
                "INSERT INTO meetings(title, description, starts_at, ends_at, recurrence, recurrence_count, "
                "capacity, mode, lobby, last_ends_at, created_at, updated_at, consortium_id, room_id, "
                "created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12, ?13, ?14)")
          : NULL;
  if (st) {
    bind_spec(st, sp, now);
    sqlite3_bind_int64(st, 12, consortium_id);
    sqlite3_bind_int64(st, 13, room_id);
    sqlite3_bind_int64(st, 14, created_by);
    ok = db_exec_stmt(db, st) == SQLITE_DONE;
  } else {
    ok = false;
  }
  if (!ok) snprintf(err, errlen, "database error: %s", db_errmsg(db));
  int64_t id = sqlite3_last_insert_rowid(db_handle(db));
  if (ok) ok = write_lists(db, id, sp, invite, ninvite, false, err, errlen);
  if (!ok || db_commit(db) != SQLITE_OK) {
    db_rollback(db);
    if (ok) snprintf(err, errlen, "database error: %s", db_errmsg(db));
    goto out;
  }
  mid = id;
out:
  free(sp);
  return mid;
}

/* Loads the stored meeting into sp (strings point into *keep, which the caller clears):
 * 1 loaded, 0 no such meeting, -2 cancelled, -1 database error. */
static int load_spec(moa_db *db, int64_t mid, spec *sp, meeting_info *keep) {
  int found = meeting_store_info(db, mid, keep);
  if (found != 1) return found;
  const meeting_info *m = keep;
  if (strcmp(m->status, "scheduled") != 0) return -2;
  sp->title = m->title;
  sp->description = m->description;
  sp->starts_at = m->starts_at;
  sp->ends_at = m->ends_at;
  snprintf(sp->recurrence, sizeof sp->recurrence, "%s", m->recurrence);
  sp->count = m->recurrence_count;
  sp->capacity = m->capacity;
  sp->event_mode = !strcmp(m->mode, "event");
  sp->lobby = m->lobby;
  sp->nseg = 0;
  for (size_t i = 0; i < m->nagenda && sp->nseg < MEETING_SEGMENTS_MAX; i++) {
    segment *g = &sp->seg[sp->nseg++];
    g->offset = m->agenda[i].start_offset_s;
    g->length = m->agenda[i].length_s;
    g->item = m->agenda[i].item;
    g->speaker = m->agenda[i].speaker;
    g->press_open = m->agenda[i].press_open;
  }
  return 1;
}

int meeting_store_update(moa_db *db, int64_t meeting_id, const meeting_spec *req, char *err, size_t errlen) {
  spec *sp = calloc(1, sizeof *sp);
  meeting_info keep = {0};
  int rc = -1;
  if (!sp) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  int found = load_spec(db, meeting_id, sp, &keep);
  if (found != 1) {
    snprintf(err, errlen, "%s",
             found == 0    ? "no such meeting"
             : found == -2 ? "a cancelled meeting cannot be changed"
                           : "database error");
    goto out;
  }
  int64_t now = db_now(db);
  if (!read_spec(sp, req, now, false, err, errlen)) goto out;
  if (db_begin(db) != SQLITE_OK) {
    snprintf(err, errlen, "database error: %s", db_errmsg(db));
    goto out;
  }
  sqlite3_stmt *st =
      db_stmt(db,
              "UPDATE meetings SET title = ?1, description = ?2, starts_at = ?3, ends_at = ?4, "
              "recurrence = ?5, recurrence_count = ?6, capacity = ?7, mode = ?8, lobby = ?9, "
              "last_ends_at = ?10, updated_at = ?11, sequence = sequence + 1, "
              "reminded_for = CASE WHEN starts_at = ?3 THEN reminded_for ELSE 0 END WHERE id = ?12");
  bool ok = st != NULL;
  if (ok) {
    bind_spec(st, sp, now);
    sqlite3_bind_int64(st, 12, meeting_id);
    ok = db_exec_stmt(db, st) == SQLITE_DONE;
  }
  if (ok)
    ok = exec1(db,
               "UPDATE rooms SET name = (SELECT title FROM meetings WHERE id = ?1) WHERE id = "
               "(SELECT room_id FROM meetings WHERE id = ?1)",
               meeting_id) == 0;
  if (!ok) snprintf(err, errlen, "database error: %s", db_errmsg(db));
  if (ok)
    ok = write_lists(db, meeting_id, sp, req->has_invite ? req->invite : NULL, req->ninvite, true, err,
                     errlen);
  if (!ok || db_commit(db) != SQLITE_OK) {
    db_rollback(db);
    if (ok) snprintf(err, errlen, "database error: %s", db_errmsg(db));
    goto out;
  }
  rc = 0;
out:
  meeting_info_clear(&keep);
  free(sp);
  return rc;
}

int meeting_store_invite(moa_db *db, int64_t meeting_id, const meeting_invitation *invites, size_t n,
                         char *err, size_t errlen) {
  if (n == 0 || n > MEETING_INVITES_MAX) {
    snprintf(err, errlen, "\"invite\" must be an array of 1 to %d invitations", MEETING_INVITES_MAX);
    return -1;
  }
  if (db_begin(db) != SQLITE_OK) {
    snprintf(err, errlen, "database error: %s", db_errmsg(db));
    return -1;
  }
  bool ok = write_invites(db, meeting_id, invites, n, err, errlen) &&
            exec2(db, "UPDATE meetings SET sequence = sequence + 1, updated_at = ?2 WHERE id = ?1",
                  meeting_id, db_now(db)) == 0;
  if (!ok || db_commit(db) != SQLITE_OK) {
    db_rollback(db);
    return -1;
  }
  return 0;
}
