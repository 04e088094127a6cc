/* meeting.create, meeting.update, meeting.cancel, meeting.get, meeting.list, meeting.invite,
 * meeting.guest_link, meeting.attendance, calendar.feed, calendar.revoke, admin.activity; the events
 * meeting.invited, meeting.updated, meeting.cancelled and meeting.reminder. Thin over
 * storage/meeting_store.h.
 *
 * Who may do what (enforced here): a coordinator of the meeting's consortium, the meeting's
 * creator and admins schedule, change, cancel and invite ("host"); hosts and co-hosts make guest
 * links and read attendance; anyone with a role in the meeting (meeting_store_role) reads it.
 * Times come in as ISO 8601 with an offset and go out both as UTC unix seconds and as Seoul
 * local text.
 *
 * Notifications: after a change is committed, the online sessions of every invitee (before and
 * after the change) get the event, except the session that made the change. Reminders: about
 * once a second (hub_poll) meeting_reminder_tick() takes the occurrences starting within the
 * configured lead time (--reminder-lead, default 10 minutes) not yet reminded of, and tells the
 * online invitees (meeting.reminder); each occurrence is reminded of once (meeting_store marks
 * it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signaling/handlers.h"
#include "signaling/meeting_json.h"
#include "signaling/meeting_spec_json.h"
#include "storage/attendance_store.h"
#include "storage/calendar_store.h"
#include "storage/guest_store.h"
#include "storage/meeting_store.h"
#include "storage/seoul_time.h"
#include "storage/user_store.h"

#define MEETING_LIST_MAX 100

/* Reads meeting_id and the meeting; replies with an error and returns false when absent. */
static bool load(hub *h, session *s, json_int_t id, json_t *req, meeting_rec *m) {
  json_int_t mid = 0;
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_INT("meeting_id", 1, INT64_MAX, PARAM_REQUIRED, &mid), PARAM_END}))
    return false;
  int rc = meeting_store_get(hub_db(h), mid, m);
  if (rc < 0)
    hub_error(h, s, id, ERR_INTERNAL, "cannot read the meeting");
  else if (rc == 0)
    hub_error(h, s, id, ERR_NOT_FOUND, "no such meeting");
  return rc == 1;
}

static const char *role_of(hub *h, session *s, const meeting_rec *m) {
  if (s->is_admin) return "host";
  return meeting_store_role(hub_db(h), m, s->user_id);
}

static bool is_host(hub *h, session *s, const meeting_rec *m) {
  const char *r = role_of(h, s, m);
  return r && !strcmp(r, "host");
}

static bool is_host_or_cohost(hub *h, session *s, const meeting_rec *m) {
  const char *r = role_of(h, s, m);
  return r && (!strcmp(r, "host") || !strcmp(r, "cohost"));
}

/* The meeting for this caller: the stored JSON with my_role, and for hosts its guest links. */
static json_t *meeting_for(hub *h, session *s, const meeting_rec *m) {
  moa_db *db = hub_db(h);
  json_t *j = meeting_json_get(db, m->id);
  if (!j) return NULL;
  const char *role = role_of(h, s, m);
  json_object_set_new(j, "my_role", role ? json_string(role) : json_null());
  char path[64];
  snprintf(path, sizeof path, "/calendar/meeting/%lld.ics", (long long)m->id);
  json_object_set_new(j, "ics_path", json_string(path));
  if (role && (!strcmp(role, "host") || !strcmp(role, "cohost"))) {
    json_t *links = meeting_guest_links_json(db, m->id);
    json_object_set_new(j, "guest_links", links ? links : json_array());
  }
  return j;
}

/* Sends event type with {meeting} (the public meeting JSON, no guest links) to the online
 * sessions of users (n of them), except the session except. */
static void notify(hub *h, const int64_t *users, size_t n, uint64_t except, const char *type,
                   int64_t meeting_id, json_t *extra) {
  json_t *m = meeting_json_get(hub_db(h), meeting_id);
  json_t *fields =
      json_pack("{s:I, s:o}", "meeting_id", (json_int_t)meeting_id, "meeting", m ? m : json_null());
  if (extra) json_object_update_new(fields, extra);
  chat_deliver(h, users, n, except, 0, protocol_event(type, fields));
}

static bool contains(const int64_t *ids, size_t n, int64_t id) {
  for (size_t i = 0; i < n; i++)
    if (ids[i] == id) return true;
  return false;
}

/* After a change: those newly invited get meeting.invited, the rest of before+after get
 * type_for_others (meeting.updated), with "invited": false for those no longer invited. */
static void notify_change(hub *h, session *s, int64_t mid, const int64_t *before, size_t nb) {
  size_t na = 0;
  int64_t *after = meeting_store_invitee_ids(hub_db(h), mid, &na);
  size_t nn = 0, nu = 0, ng = 0;
  int64_t *fresh = malloc((na + 1) * sizeof *fresh), *kept = malloc((na + 1) * sizeof *kept),
          *gone = malloc((nb + 1) * sizeof *gone);
  if (after && fresh && kept && gone) {
    for (size_t i = 0; i < na; i++) {
      if (contains(before, nb, after[i]))
        kept[nu++] = after[i];
      else
        fresh[nn++] = after[i];
    }
    for (size_t i = 0; i < nb; i++)
      if (!contains(after, na, before[i])) gone[ng++] = before[i];
    if (nn) notify(h, fresh, nn, s->id, "meeting.invited", mid, NULL);
    if (nu) notify(h, kept, nu, s->id, "meeting.updated", mid, json_pack("{s:b}", "invited", 1));
    if (ng) notify(h, gone, ng, s->id, "meeting.updated", mid, json_pack("{s:b}", "invited", 0));
  }
  free(after);
  free(fresh);
  free(kept);
  free(gone);
}

static void handle_meeting_create(hub *h, session *s, json_int_t id, json_t *req) {
  json_int_t cid = 0;
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_INT("consortium_id", 1, INT32_MAX, PARAM_REQUIRED, &cid), PARAM_END}))
    return;
  moa_db *db = hub_db(h);
  if (!meeting_store_may_schedule(db, cid, s->user_id, s->is_admin)) {
    hub_error(h, s, id, ERR_FORBIDDEN, "only the consortium's coordinators schedule its meetings");
    return;
  }
  char why[240];
  meeting_spec_in *spec = malloc(sizeof *spec);
  if (!spec) {
    hub_error(h, s, id, ERR_INTERNAL, "out of memory");
    return;
  }
  int64_t mid = meeting_spec_from_json(req, spec, why, sizeof why)
                    ? meeting_store_create(db, cid, s->user_id, &spec->spec, why, sizeof why)
                    : -1;
  free(spec);
  if (mid < 0) {
    hub_error(h, s, id, ERR_INVALID_PARAMS, why);
    return;
  }
  meeting_rec m;
  meeting_store_get(db, mid, &m);
  hub_reply(h, s, id, meeting_for(h, s, &m));
  notify_change(h, s, mid, NULL, 0);
}

static void handle_meeting_update(hub *h, session *s, json_int_t id, json_t *req) {
  meeting_rec m;
  if (!load(h, s, id, req, &m)) return;
  if (!is_host(h, s, &m)) {
    hub_error(h, s, id, ERR_FORBIDDEN, "only the meeting's host changes it");
    return;
  }
  moa_db *db = hub_db(h);
  size_t nb = 0;
  int64_t *before = meeting_store_invitee_ids(db, m.id, &nb);
  char why[240];
  meeting_spec_in *spec = malloc(sizeof *spec);
  if (!spec) {
    free(before);
    hub_error(h, s, id, ERR_INTERNAL, "out of memory");
    return;
  }
  bool changed = meeting_spec_from_json(req, spec, why, sizeof why) &&
                 meeting_store_update(db, m.id, &spec->spec, why, sizeof why) == 0;
  free(spec);
  if (!changed) {
    free(before);
    hub_error(h, s, id, m.cancelled ? ERR_CONFLICT : ERR_INVALID_PARAMS, why);
    return;
  }
  meeting_store_get(db, m.id, &m);
  hub_reply(h, s, id, meeting_for(h, s, &m));
  notify_change(h, s, m.id, before, nb);
  free(before);
}

static void handle_meeting_invite(hub *h, session *s, json_int_t id, json_t *req) {
  meeting_rec m;
  if (!load(h, s, id, req, &m)) return;
  if (!is_host(h, s, &m)) {
    hub_error(h, s, id, ERR_FORBIDDEN, "only the meeting's host invites");
    return;
  }
  if (m.cancelled) {
    hub_error(h, s, id, ERR_CONFLICT, "the meeting is cancelled");
    return;
  }
  moa_db *db = hub_db(h);
  size_t nb = 0;
  int64_t *before = meeting_store_invitee_ids(db, m.id, &nb);
  char why[240];
  meeting_spec_in *spec = malloc(sizeof *spec);
  if (!spec) {
    free(before);
    hub_error(h, s, id, ERR_INTERNAL, "out of memory");
    return;
  }
  size_t ninv = 0;
  bool invited = meeting_invites_from_json(json_object_get(req, "invite"), spec, &ninv, why, sizeof why) &&
                 meeting_store_invite(db, m.id, spec->invite, ninv, why, sizeof why) == 0;
  free(spec);
  if (!invited) {
    free(before);
    hub_error(h, s, id, ERR_INVALID_PARAMS, why);
    return;
  }
  hub_reply(h, s, id, meeting_for(h, s, &m));
  notify_change(h, s, m.id, before, nb);
  free(before);
}

static void handle_meeting_cancel(hub *h, session *s, json_int_t id, json_t *req) {
  meeting_rec m;
  if (!load(h, s, id, req, &m)) return;
  if (!is_host(h, s, &m)) {
    hub_error(h, s, id, ERR_FORBIDDEN, "only the meeting's host cancels it");
    return;
  }
  moa_db *db = hub_db(h);
  int rc = meeting_store_cancel(db, m.id);
  if (rc < 0) {
    hub_error(h, s, id, ERR_INTERNAL, "cannot cancel the meeting");
    return;
  }
  if (rc == 0) {
    hub_error(h, s, id, ERR_CONFLICT, "the meeting is already cancelled");
    return;
  }
  hub_reply(h, s, id, meeting_for(h, s, &m));
  size_t n = 0;
  int64_t *ids = meeting_store_invitee_ids(db, m.id, &n);
  notify(h, ids, n, s->id, "meeting.cancelled", m.id, NULL);
  free(ids);
}

static void handle_meeting_get(hub *h, session *s, json_int_t id, json_t *req) {
  meeting_rec m;
  if (!load(h, s, id, req, &m)) return;
  if (!role_of(h, s, &m) || (s->guest_meeting_id && s->guest_meeting_id != m.id)) {
    hub_error(h, s, id, ERR_FORBIDDEN, "you are not invited to this meeting");
    return;
  }
  json_t *j = meeting_for(h, s, &m);
  if (!j) {
    hub_error(h, s, id, ERR_INTERNAL, "cannot read the meeting");
    return;
  }
  hub_reply(h, s, id, j);
}

static void handle_meeting_list(hub *h, session *s, json_int_t id, json_t *req) {
  json_int_t cid = 0, limit = 50;
  bool cancelled = false, all = false, past = false;
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_INT("consortium_id", 1, INT32_MAX, PARAM_OPTIONAL, &cid),
                                 PARAM_INT("limit", 1, MEETING_LIST_MAX, PARAM_OPTIONAL, &limit),
                                 PARAM_BOOL("include_cancelled", PARAM_OPTIONAL, &cancelled),
                                 PARAM_BOOL("all", PARAM_OPTIONAL, &all),
                                 PARAM_BOOL("past", PARAM_OPTIONAL, &past), PARAM_END}))
    return;
  moa_db *db = hub_db(h);
  /* all: admins see every meeting, not only those they are invited to; past: those that ended */
  int want = cid ? MEETING_LIST_MAX * 10 : (int)limit;
  size_t n = 0;
  int64_t *ids = NULL;
  int rc =
      past ? meeting_store_past_ids(db, s->user_id, s->is_admin && all, db_now(db), want, cancelled, &ids, &n)
           : meeting_store_upcoming_ids(db, s->user_id, s->is_admin && all, db_now(db), want, cancelled, &ids,
                                        &n);
  if (rc != 0) {
    hub_error(h, s, id, ERR_INTERNAL, "cannot read meetings");
    return;
  }
  json_t *out = json_array();
  for (size_t i = 0; i < n; i++) {
    meeting_rec m;
    if (json_array_size(out) >= (size_t)limit) break;
    if (meeting_store_get(db, ids[i], &m) != 1 || (cid && m.consortium_id != cid)) continue;
    json_t *j = meeting_for(h, s, &m);
    if (j) json_array_append_new(out, j);
  }
  free(ids);
  hub_reply(h, s, id, json_pack("{s:o}", "meetings", out));
}

static void handle_meeting_guest_link(hub *h, session *s, json_int_t id, json_t *req) {
  meeting_rec m;
  if (!load(h, s, id, req, &m)) return;
  const char *role = "guest", *label = "", *expires = NULL;
  json_int_t max_uses = 1, until = 0;
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_STRING("role", 1, 16, PARAM_OPTIONAL, &role),
                                 PARAM_STRING("label", 0, GUEST_LABEL_MAX, PARAM_OPTIONAL, &label),
                                 PARAM_STRING("expires_at", 1, 40, PARAM_REQUIRED, &expires),
                                 PARAM_INT("max_uses", 1, GUEST_LINK_MAX_USES, PARAM_OPTIONAL, &max_uses),
                                 PARAM_INT("until_segment", 0, MEETING_SEGMENTS_MAX, PARAM_OPTIONAL, &until),
                                 PARAM_END}))
    return;
  if (!role) role = "guest";
  if (!label) label = "";
  int64_t exp;
  if (!seoul_parse_iso(expires, &exp)) {
    hub_error(h, s, id, ERR_INVALID_PARAMS,
              "\"expires_at\" must be an ISO 8601 time such as \"2026-12-10T16:00:00+09:00\"");
    return;
  }
  if (!is_host_or_cohost(h, s, &m)) {
    hub_error(h, s, id, ERR_FORBIDDEN, "only the meeting's hosts make guest links");
    return;
  }
  if (m.cancelled) {
    hub_error(h, s, id, ERR_CONFLICT, "the meeting is cancelled");
    return;
  }
  char token[SESSION_TOKEN_LEN + 1], why[200];
  int64_t lid = guest_store_create_link(hub_db(h), m.id, role, label, exp, (int)max_uses, (int)until,
                                        s->user_id, token, why, sizeof why);
  if (lid < 0) {
    hub_error(h, s, id, ERR_INVALID_PARAMS, why);
    return;
  }
  char path[96], local[32];
  snprintf(path, sizeof path, "/#/guest/%s", token);
  seoul_format_iso(exp, local, sizeof local);
  hub_reply(
      h, s, id,
      json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:I, s:I}", "id", (json_int_t)lid, "meeting_id",
                (json_int_t)m.id, "token", token, "path", path, "role", role, "label", label, "expires_at",
                (json_int_t)exp, "expires_local", local, "max_uses", max_uses, "until_segment", until));
}

static void handle_meeting_attendance(hub *h, session *s, json_int_t id, json_t *req) {
  meeting_rec m;
  if (!load(h, s, id, req, &m)) return;
  if (!is_host_or_cohost(h, s, &m)) {
    hub_error(h, s, id, ERR_FORBIDDEN, "attendance is for the meeting's hosts");
    return;
  }
  moa_db *db = hub_db(h);
  json_t *rows = meeting_attendance_json(db, m.id);
  char *csv = attendance_store_csv(db, m.id);
  if (!rows || !csv) {
    json_decref(rows);
    free(csv);
    hub_error(h, s, id, ERR_INTERNAL, "cannot read attendance");
    return;
  }
  char path[64];
  snprintf(path, sizeof path, "/attendance/%lld.csv", (long long)m.id);
  hub_reply(h, s, id,
            json_pack("{s:I, s:o, s:s, s:s}", "meeting_id", (json_int_t)m.id, "rows", rows, "csv", csv,
                      "csv_path", path));
  free(csv);
}

/* ---- calendars and activity ---- */

static void handle_calendar_feed(hub *h, session *s, json_int_t id, json_t *req) {
  (void)req;
  if (s->guest_meeting_id) {
    hub_error(h, s, id, ERR_FORBIDDEN, "guests have no calendar feed");
    return;
  }
  char token[SESSION_TOKEN_LEN + 1], path[96];
  if (calendar_store_token(hub_db(h), s->user_id, token) != 0) {
    hub_error(h, s, id, ERR_INTERNAL, "cannot make a feed");
    return;
  }
  snprintf(path, sizeof path, "/calendar/feed/%s.ics", token);
  hub_reply(h, s, id, json_pack("{s:s, s:s}", "url", path, "token", token));
}

static void handle_calendar_revoke(hub *h, session *s, json_int_t id, json_t *req) {
  (void)req;
  int rc = calendar_store_revoke(hub_db(h), s->user_id);
  if (rc < 0) {
    hub_error(h, s, id, ERR_INTERNAL, "cannot revoke the feed");
    return;
  }
  hub_reply(h, s, id, json_pack("{s:b}", "revoked", rc == 1));
}

#define ACTIVITY_RANGE_MAX (366 * 86400LL)

static void handle_admin_activity(hub *h, session *s, json_int_t id, json_t *req) {
  const char *from_s = NULL, *to_s = NULL;
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_STRING("from", 1, 40, PARAM_OPTIONAL, &from_s),
                                 PARAM_STRING("to", 1, 40, PARAM_OPTIONAL, &to_s), PARAM_END}))
    return;
  if (!s->is_admin) {
    hub_error(h, s, id, ERR_FORBIDDEN, "activity reports are for admins");
    return;
  }
  moa_db *db = hub_db(h);
  int64_t to = db_now(db), from = to - 30 * 86400;
  if ((to_s && !seoul_parse_iso(to_s, &to)) || (from_s && !seoul_parse_iso(from_s, &from))) {
    hub_error(h, s, id, ERR_INVALID_PARAMS, "\"from\" and \"to\" must be ISO 8601 times");
    return;
  }
  if (!from_s) from = to - 30 * 86400;
  if (to <= from || to - from > ACTIVITY_RANGE_MAX) {
    hub_error(h, s, id, ERR_INVALID_PARAMS, "the period must end after it starts and last at most 366 days");
    return;
  }
  json_t *rows = meeting_activity_json(db, from, to);
  if (!rows) {
    hub_error(h, s, id, ERR_INTERNAL, "cannot read activity");
    return;
  }
  char fl[32], tl[32];
  seoul_format_iso(from, fl, sizeof fl);
  seoul_format_iso(to, tl, sizeof tl);
  hub_reply(h, s, id,
            json_pack("{s:I, s:I, s:s, s:s, s:o}", "from", (json_int_t)from, "to", (json_int_t)to,
                      "from_local", fl, "to_local", tl, "consortia", rows));
}

void meeting_reminder_tick(hub *h) {
  moa_db *db = hub_db(h);
  int64_t now = db_now(db);
  size_t ndue = 0;
  meeting_reminder *due = meeting_store_take_reminders(db, now, now + hub_config(h)->reminder_lead, &ndue);
  for (size_t i = 0; i < ndue; i++) {
    int64_t mid = due[i].id;
    int64_t occ = due[i].occurrence_start;
    meeting_rec m;
    if (meeting_store_get(db, mid, &m) != 1) continue;
    size_t n = 0;
    int64_t *ids = meeting_store_invitee_ids(db, mid, &n);
    char local[32];
    seoul_format_iso(occ, local, sizeof local);
    chat_deliver(
        h, ids, n, 0, 0,
        protocol_event("meeting.reminder",
                       json_pack("{s:I, s:I, s:s, s:I, s:s, s:I}", "meeting_id", (json_int_t)mid, "room_id",
                                 (json_int_t)m.room_id, "title", m.title, "starts_at", (json_int_t)occ,
                                 "starts_local", local, "starts_in_s", (json_int_t)(occ - now))));
    free(ids);
  }
  free(due);
}

const handler_def meeting_handlers[] = {
    {"meeting.attendance", handle_meeting_attendance, 0}, {"meeting.cancel", handle_meeting_cancel, 0},
    {"meeting.create", handle_meeting_create, 0},         {"meeting.get", handle_meeting_get, HANDLER_GUEST},
    {"meeting.guest_link", handle_meeting_guest_link, 0}, {"meeting.invite", handle_meeting_invite, 0},
    {"meeting.list", handle_meeting_list, HANDLER_GUEST}, {"meeting.update", handle_meeting_update, 0},
    {"calendar.feed", handle_calendar_feed, 0},           {"calendar.revoke", handle_calendar_revoke, 0},
    {"admin.activity", handle_admin_activity, 0},         {NULL, NULL, 0},
};
