/* Calendar and attendance documents (see http_calendar.h). Tokens are accepted in the query
 * because calendar programs and download links cannot send headers; they are long random
 * secrets, responses are Cache-Control: no-store, and the app's pages set
 * Referrer-Policy: no-referrer. */
#include "gateway/http_calendar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/attendance_store.h"
#include "storage/calendar_store.h"
#include "storage/ical.h"
#include "storage/meeting_store.h"
#include "storage/programme_match_store.h"
#include "storage/programme_view.h"
#include "storage/session_store.h"
#include "storage/user_store.h"

#define FEED_MAX 200
#define ICS_TYPE "text/calendar; charset=utf-8"

static bool fail(http_doc *out, unsigned status, const char *text) {
  out->status = status;
  out->type = "text/plain; charset=utf-8";
  out->body = strdup(text);
  out->len = out->body ? strlen(out->body) : 0;
  return true;
}

/* Reads the decimal id between prefix and suffix of path; 0 when malformed. */
static int64_t id_in(const char *path, const char *prefix, const char *suffix) {
  size_t pl = strlen(prefix), sl = strlen(suffix), n = strlen(path);
  if (n <= pl + sl || n - pl - sl > 18 || strncmp(path, prefix, pl) || strcmp(path + n - sl, suffix))
    return 0;
  int64_t v = 0;
  for (size_t i = pl; i < n - sl; i++) {
    if (path[i] < '0' || path[i] > '9') return 0;
    v = v * 10 + (path[i] - '0');
  }
  return v;
}

/* Programmes' deadlines for the calendar writer (ical.h): the loaded programmes (owned) and
 * the deadlines that point into them. */
typedef struct deadlines {
  programme_view *views;
  ical_deadline *d;
  size_t n, cap;
} deadlines;

static bool deadlines_init(deadlines *ds, size_t cap) {
  ds->n = 0;
  ds->cap = cap ? cap : 1;
  ds->views = calloc(ds->cap, sizeof *ds->views);
  ds->d = calloc(ds->cap, sizeof *ds->d);
  return ds->views && ds->d;
}

static void deadlines_free(deadlines *ds) {
  for (size_t i = 0; i < ds->n; i++) programme_view_free(&ds->views[i]);
  free(ds->views);
  free(ds->d);
}

/* Adds a programme's deadline; nothing when it has no last day, was withdrawn or cannot be read. */
static void deadline_add(moa_db *db, deadlines *ds, int64_t programme_id, int64_t now) {
  programme_view *v = &ds->views[ds->n];
  if (ds->n == ds->cap || programme_view_load(db, programme_id, now, v) != 0) return;
  if (!v->apply_end[0] || !strcmp(v->status, "withdrawn")) {
    programme_view_free(v);
    return;
  }
  ds->d[ds->n++] = (ical_deadline){v->id, v->title, v->agency, v->apply_end, v->url};
}

/* The deadlines of the programmes uid saved (maybe none); false on error. */
static bool saved_deadlines(moa_db *db, int64_t uid, deadlines *ds) {
  int64_t *ids = NULL;
  long n = programme_saved_list(db, uid, &ids);
  if (n < 0) return false;
  if (!deadlines_init(ds, n < FEED_MAX ? (size_t)n : FEED_MAX)) {
    deadlines_free(ds);
    free(ids);
    return false;
  }
  for (long i = 0; i < n && i < FEED_MAX; i++) deadline_add(db, ds, ids[i], db_now(db));
  free(ids);
  return true;
}

/* Writes the calendar of n meetings and the deadlines ds (may be NULL) into out, and frees
 * both. */
static bool calendar_with(hub *h, meeting_info *meetings, size_t n, deadlines *ds, const char *name,
                          const char *url_base, http_doc *out) {
  moa_db *db = hub_db(h);
  out->body = ical_calendar_with_deadlines(meetings, n, ds ? ds->d : NULL, ds ? ds->n : 0, name, db_now(db),
                                           url_base);
  for (size_t i = 0; i < n; i++) meeting_info_clear(&meetings[i]);
  free(meetings);
  if (ds) deadlines_free(ds);
  if (!out->body) return fail(out, 500, "out of memory\n");
  out->status = 200;
  out->type = ICS_TYPE;
  out->len = strlen(out->body);
  return true;
}

/* 1 when the user exists and is not disabled, 0 when disabled or gone, -1 on error. A disabled
 * account's feed and links refuse (403) until an operator enables it again. */
static int user_enabled(moa_db *db, int64_t uid) {
  user_rec u;
  int found = user_store_find_by_id(db, uid, &u);
  return found < 0 ? -1 : found == 1 && !u.disabled;
}

static bool feed(hub *h, const char *path, const char *url_base, http_doc *out) {
  moa_db *db = hub_db(h);
  const char *prefix = "/calendar/feed/";
  size_t n = strlen(path), pl = strlen(prefix);
  if (n != pl + SESSION_TOKEN_LEN + 4 || strcmp(path + n - 4, ".ics"))
    return fail(out, 404, "no such calendar\n");
  char token[SESSION_TOKEN_LEN + 1];
  memcpy(token, path + pl, SESSION_TOKEN_LEN);
  token[SESSION_TOKEN_LEN] = '\0';
  int64_t uid = calendar_store_user(db, token);
  if (uid < 0) return fail(out, 500, "database error\n");
  if (uid == 0) return fail(out, 404, "no such calendar (the feed may have been revoked)\n");
  int on = user_enabled(db, uid);
  if (on < 0) return fail(out, 500, "database error\n");
  if (!on) return fail(out, 403, "this account is disabled\n");
  /* cancelled meetings stay in the feed so that calendar programs remove them */
  size_t nids = 0, nm = 0;
  int64_t *ids = NULL;
  if (meeting_store_upcoming_ids(db, uid, false, db_now(db), FEED_MAX, true, &ids, &nids) != 0)
    return fail(out, 500, "database error\n");
  meeting_info *list = calloc(nids ? nids : 1, sizeof *list);
  if (!list) {
    free(ids);
    return fail(out, 500, "out of memory\n");
  }
  for (size_t i = 0; i < nids; i++)
    if (meeting_store_info(db, ids[i], &list[nm]) == 1) nm++;
  free(ids);
  /* and the deadlines of the programmes the user saved */
  deadlines ds;
  if (!saved_deadlines(db, uid, &ds)) {
    for (size_t i = 0; i < nm; i++) meeting_info_clear(&list[i]);
    free(list);
    return fail(out, 500, "database error\n");
  }
  return calendar_with(h, list, nm, &ds, "Moa", url_base, out);
}

/* The user a token stands for: a calendar feed token of an enabled user or a live session token
 * (session_store_lookup refuses a disabled user's); 0 if neither. */
static int64_t user_of(moa_db *db, const char *t, bool feed_ok) {
  int64_t uid = feed_ok ? calendar_store_user(db, t) : 0;
  if (uid > 0 && user_enabled(db, uid) == 1) return uid;
  uid = session_store_lookup(db, t, NULL);
  return uid > 0 ? uid : 0;
}

static bool one_meeting(hub *h, const char *path, const char *t, const char *url_base, http_doc *out) {
  moa_db *db = hub_db(h);
  int64_t mid = id_in(path, "/calendar/meeting/", ".ics");
  meeting_rec m;
  if (!mid || meeting_store_get(db, mid, &m) != 1) return fail(out, 404, "no such meeting\n");
  int64_t uid = t[0] ? user_of(db, t, true) : 0;
  if (!uid) return fail(out, 401, "add ?t= with your calendar feed token or session token\n");
  user_rec u;
  bool admin = user_store_find_by_id(db, uid, &u) == 1 && u.is_admin;
  if (!admin && !meeting_store_role(db, &m, uid))
    return fail(out, 403, "you are not invited to this meeting\n");
  meeting_info *one = calloc(1, sizeof *one);
  if (!one) return fail(out, 500, "out of memory\n");
  size_t n = meeting_store_info(db, mid, one) == 1 ? 1 : 0;
  snprintf(out->disposition, sizeof out->disposition, "attachment; filename=\"meeting-%lld.ics\"",
           (long long)mid);
  return calendar_with(h, one, n, NULL, m.title, url_base, out);
}

/* One programme's deadline, for anyone signed in (programmes are public notices). */
static bool one_programme(hub *h, const char *path, const char *t, const char *url_base, http_doc *out) {
  moa_db *db = hub_db(h);
  int64_t pid = id_in(path, "/calendar/programme/", ".ics");
  int64_t uid = t[0] ? user_of(db, t, true) : 0;
  if (!uid) return fail(out, 401, "add ?t= with your calendar feed token or session token\n");
  deadlines ds;
  if (!deadlines_init(&ds, 1)) {
    deadlines_free(&ds);
    return fail(out, 500, "out of memory\n");
  }
  if (pid) deadline_add(db, &ds, pid, db_now(db));
  if (ds.n == 0) {
    deadlines_free(&ds);
    return fail(out, 404, "no such programme, or it has no deadline\n");
  }
  char name[512];
  snprintf(name, sizeof name, "%s", ds.d[0].title);
  snprintf(out->disposition, sizeof out->disposition, "attachment; filename=\"programme-%lld.ics\"",
           (long long)pid);
  return calendar_with(h, NULL, 0, &ds, name, url_base, out);
}

static bool attendance(hub *h, const char *path, const char *t, http_doc *out) {
  moa_db *db = hub_db(h);
  int64_t mid = id_in(path, "/attendance/", ".csv");
  meeting_rec m;
  if (!mid || meeting_store_get(db, mid, &m) != 1) return fail(out, 404, "no such meeting\n");
  int64_t uid = t[0] ? user_of(db, t, false) : 0;
  if (!uid) return fail(out, 401, "add ?t= with your session token\n");
  user_rec u;
  bool admin = user_store_find_by_id(db, uid, &u) == 1 && u.is_admin;
  const char *role = admin ? "host" : meeting_store_role(db, &m, uid);
  if (!role || (strcmp(role, "host") && strcmp(role, "cohost")))
    return fail(out, 403, "attendance is for the meeting's hosts\n");
  char *csv = attendance_store_csv(db, mid);
  if (!csv) return fail(out, 500, "database error\n");
  /* A byte order mark: spreadsheet programs then read the Korean names as UTF-8. */
  size_t n = strlen(csv);
  out->body = malloc(n + 4);
  if (!out->body) {
    free(csv);
    return fail(out, 500, "out of memory\n");
  }
  memcpy(out->body, "\xEF\xBB\xBF", 3);
  memcpy(out->body + 3, csv, n + 1);
  free(csv);
  out->len = n + 3;
  out->status = 200;
  out->type = "text/csv; charset=utf-8";
  snprintf(out->disposition, sizeof out->disposition, "attachment; filename=\"attendance-%lld.csv\"",
           (long long)mid);
  return true;
}

bool http_calendar_route(hub *h, const char *path, const char *t, const char *url_base, http_doc *out) {
  memset(out, 0, sizeof *out);
  if (!strncmp(path, "/calendar/feed/", 15)) return feed(h, path, url_base, out);
  if (!strncmp(path, "/calendar/meeting/", 18)) return one_meeting(h, path, t, url_base, out);
  if (!strncmp(path, "/calendar/programme/", 20)) return one_programme(h, path, t, url_base, out);
  if (!strncmp(path, "/attendance/", 12)) return attendance(h, path, t, out);
  return false;
}
