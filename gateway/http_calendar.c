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

/* A programme's deadline for the calendar writer (ical.h); NULL when it has no last day, was
 * withdrawn or does not exist. */
static json_t *deadline_of(moa_db *db, int64_t programme_id, int64_t now) {
  programme_view v;
  if (programme_view_load(db, programme_id, now, &v) != 0) return NULL;
  json_t *d = v.apply_end[0] && strcmp(v.status, "withdrawn")
                  ? json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)v.id, "title", v.title, "agency",
                              v.agency, "apply_end", v.apply_end, "url", v.url)
                  : NULL;
  programme_view_free(&v);
  return d;
}

/* The deadlines of the programmes uid saved (an array, maybe empty), NULL on error. */
static json_t *saved_deadlines(moa_db *db, int64_t uid) {
  int64_t *ids = NULL;
  long n = programme_saved_list(db, uid, &ids);
  if (n < 0) return NULL;
  json_t *list = json_array();
  for (long i = 0; i < n && i < FEED_MAX; i++) {
    json_t *d = deadline_of(db, ids[i], db_now(db));
    if (d) json_array_append_new(list, d);
  }
  free(ids);
  return list;
}

static bool calendar_with(hub *h, json_t *meetings, json_t *deadlines, const char *name, const char *url_base,
                          http_doc *out) {
  moa_db *db = hub_db(h);
  out->body = ical_calendar_with_deadlines(meetings, deadlines, name, db_now(db), url_base);
  json_decref(meetings);
  json_decref(deadlines);
  if (!out->body) return fail(out, 500, "out of memory\n");
  out->status = 200;
  out->type = ICS_TYPE;
  out->len = strlen(out->body);
  return true;
}

static bool calendar(hub *h, json_t *meetings, const char *name, const char *url_base, http_doc *out) {
  return calendar_with(h, meetings, NULL, name, url_base, out);
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
  json_t *ids = meeting_store_upcoming_ids(db, uid, false, db_now(db), FEED_MAX, true);
  if (!ids) return fail(out, 500, "database error\n");
  json_t *list = json_array();
  size_t i;
  json_t *v;
  json_array_foreach(ids, i, v) {
    json_t *m = meeting_store_json(db, json_integer_value(v));
    if (m) json_array_append_new(list, m);
  }
  json_decref(ids);
  /* and the deadlines of the programmes the user saved */
  json_t *deadlines = saved_deadlines(db, uid);
  if (!deadlines) {
    json_decref(list);
    return fail(out, 500, "database error\n");
  }
  return calendar_with(h, list, deadlines, "Moa", url_base, out);
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
  json_t *list = json_array();
  json_t *j = meeting_store_json(db, mid);
  if (j) json_array_append_new(list, j);
  snprintf(out->disposition, sizeof out->disposition, "attachment; filename=\"meeting-%lld.ics\"",
           (long long)mid);
  return calendar(h, list, m.title, url_base, out);
}

/* One programme's deadline, for anyone signed in (programmes are public notices). */
static bool one_programme(hub *h, const char *path, const char *t, const char *url_base, http_doc *out) {
  moa_db *db = hub_db(h);
  int64_t pid = id_in(path, "/calendar/programme/", ".ics");
  int64_t uid = t[0] ? user_of(db, t, true) : 0;
  if (!uid) return fail(out, 401, "add ?t= with your calendar feed token or session token\n");
  json_t *d = pid ? deadline_of(db, pid, db_now(db)) : NULL;
  if (!d) return fail(out, 404, "no such programme, or it has no deadline\n");
  char name[512];
  snprintf(name, sizeof name, "%s", json_string_value(json_object_get(d, "title")));
  json_t *list = json_array();
  json_array_append_new(list, d);
  snprintf(out->disposition, sizeof out->disposition, "attachment; filename=\"programme-%lld.ics\"",
           (long long)pid);
  return calendar_with(h, json_array(), list, name, url_base, out);
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
