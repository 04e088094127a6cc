/* Meeting specs from JSON (see meeting_spec_json.h). Each member is checked for its type and
 * range with the messages clients have always seen; what the values mean together (an end after
 * the start, an agenda that fits, invitations of things that exist) the store checks. */
#include "signaling/meeting_spec_json.h"

#include <stdio.h>
#include <string.h>

#include "storage/seoul_time.h"

#define FAIL(...)                       \
  do {                                  \
    snprintf(err, errlen, __VA_ARGS__); \
    return false;                       \
  } while (0)

/* Optional string member: absent leaves *out; present must be a string. */
static bool opt_string(json_t *o, const char *key, const char **out, char *err, size_t errlen) {
  json_t *v = json_object_get(o, key);
  if (!v) return true;
  if (!json_is_string(v)) FAIL("\"%s\" must be a string", key);
  *out = json_string_value(v);
  return true;
}

/* Optional integer member in lo..hi: absent leaves *out. */
static bool opt_int(json_t *o, const char *key, int64_t lo, int64_t hi, int64_t *out, char *err,
                    size_t errlen) {
  json_t *v = json_object_get(o, key);
  if (!v) return true;
  if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
    FAIL("\"%s\" must be an integer from %lld to %lld", key, (long long)lo, (long long)hi);
  *out = json_integer_value(v);
  return true;
}

static bool opt_bool(json_t *o, const char *key, bool *out, char *err, size_t errlen) {
  json_t *v = json_object_get(o, key);
  if (!v) return true;
  if (!json_is_boolean(v)) FAIL("\"%s\" must be true or false", key);
  *out = json_is_true(v);
  return true;
}

static bool opt_time(json_t *o, const char *key, bool *has, int64_t *out, char *err, size_t errlen) {
  json_t *v = json_object_get(o, key);
  if (!v) return true;
  if (!json_is_string(v) || !seoul_parse_iso(json_string_value(v), out))
    FAIL("\"%s\" must be an ISO 8601 time such as \"2026-12-10T14:00:00+09:00\"", key);
  *has = true;
  return true;
}

/* One agenda entry: {start "HH:MM"|ISO, minutes} or {start_offset_s, length_s}, item, speaker?,
 * press_open?. */
static bool read_entry(json_t *e, size_t i, meeting_agenda_entry *out, char *err, size_t errlen) {
  if (!json_is_object(e)) FAIL("agenda[%zu] must be an object", i);
  memset(out, 0, sizeof *out);
  out->start_hhmm = -1;
  out->start_offset_s = -1;
  json_t *start = json_object_get(e, "start");
  if (start) {
    const char *s = json_is_string(start) ? json_string_value(start) : "";
    int hhmm;
    int64_t t;
    if (seoul_parse_hhmm(s, &hhmm)) {
      out->start_hhmm = hhmm;
    } else if (seoul_parse_iso(s, &t)) {
      out->has_start_at = true;
      out->start_at = t;
    } else {
      FAIL("agenda[%zu].start must be \"HH:MM\" (Seoul time) or an ISO 8601 time", i);
    }
  }
  int64_t minutes = 0;
  bool press_open = false;
  if (!opt_int(e, "start_offset_s", 0, MEETING_LENGTH_MAX, &out->start_offset_s, err, errlen) ||
      !opt_int(e, "minutes", 1, MEETING_LENGTH_MAX / 60, &minutes, err, errlen) ||
      !opt_int(e, "length_s", 1, MEETING_LENGTH_MAX, &out->length_s, err, errlen) ||
      !opt_string(e, "item", &out->item, err, errlen) ||
      !opt_string(e, "speaker", &out->speaker, err, errlen) ||
      !opt_bool(e, "press_open", &press_open, err, errlen))
    return false;
  out->press_open = press_open;
  if (minutes) out->length_s = minutes * 60;
  return true;
}

/* An invitation {kind, id}. */
static bool read_invitation(json_t *e, size_t i, meeting_invitation *out, char *err, size_t errlen) {
  const char *kind = json_string_value(json_object_get(e, "kind"));
  json_t *idv = json_object_get(e, "id");
  if (!json_is_object(e) || !kind || !json_is_integer(idv))
    FAIL("invite[%zu] must be {kind: \"consortium\"|\"organization\"|\"user\", id}", i);
  out->kind = kind;
  out->id = json_integer_value(idv);
  return true;
}

/* An optional array of user ids. */
static bool read_ids(json_t *a, const char *key, bool *has, int64_t *ids, size_t *n, char *err,
                     size_t errlen) {
  if (!a) return true;
  if (!json_is_array(a) || json_array_size(a) > MEETING_INVITES_MAX)
    FAIL("\"%s\" must be an array of at most %d user ids", key, MEETING_INVITES_MAX);
  size_t i;
  json_t *v;
  json_array_foreach(a, i, v) {
    if (!json_is_integer(v) || json_integer_value(v) < 1) FAIL("%s[%zu] is not a user id", key, i);
    ids[i] = json_integer_value(v);
  }
  *n = json_array_size(a);
  *has = true;
  return true;
}

bool meeting_spec_from_json(json_t *req, meeting_spec_in *out, char *err, size_t errlen) {
  meeting_spec *sp = &out->spec;
  meeting_spec_init(sp);
  if (!json_is_object(req)) FAIL("the meeting must be an object");
  bool lobby = false;
  if (!opt_string(req, "title", &sp->title, err, errlen) ||
      !opt_string(req, "description", &sp->description, err, errlen) ||
      !opt_time(req, "starts_at", &sp->has_starts_at, &sp->starts_at, err, errlen) ||
      !opt_time(req, "ends_at", &sp->has_ends_at, &sp->ends_at, err, errlen) ||
      !opt_string(req, "recurrence", &sp->recurrence, err, errlen) ||
      !opt_string(req, "mode", &sp->mode, err, errlen) || !opt_bool(req, "lobby", &lobby, err, errlen))
    return false;
  if (json_object_get(req, "lobby")) sp->lobby = lobby;
  json_t *c = json_object_get(req, "recurrence_count");
  if (c &&
      (!json_is_integer(c) || json_integer_value(c) < 1 || json_integer_value(c) > MEETING_RECURRENCE_MAX))
    FAIL("\"recurrence_count\" must be an integer from 1 to %d", MEETING_RECURRENCE_MAX);
  if (c) sp->recurrence_count = (int)json_integer_value(c);
  json_t *cap = json_object_get(req, "capacity");
  if (cap && (!json_is_integer(cap) || json_integer_value(cap) < 1 ||
              json_integer_value(cap) > MEETING_CAPACITY_MAX))
    FAIL("\"capacity\" must be an integer from 1 to %d", MEETING_CAPACITY_MAX);
  if (cap) sp->capacity = (int)json_integer_value(cap);
  json_t *agenda = json_object_get(req, "agenda");
  if (agenda) {
    if (!json_is_array(agenda)) FAIL("\"agenda\" must be an array");
    if (json_array_size(agenda) > MEETING_SEGMENTS_MAX)
      FAIL("an agenda has at most %d segments", MEETING_SEGMENTS_MAX);
    size_t i;
    json_t *e;
    json_array_foreach(agenda, i, e) if (!read_entry(e, i, &out->agenda[i], err, errlen)) return false;
    sp->has_agenda = true;
    sp->agenda = out->agenda;
    sp->nagenda = json_array_size(agenda);
  }
  json_t *invite = json_object_get(req, "invite");
  if (invite) {
    if (!json_is_array(invite) || json_array_size(invite) > MEETING_INVITES_MAX)
      FAIL("\"invite\" must be an array of at most %d invitations", MEETING_INVITES_MAX);
    size_t i;
    json_t *e;
    json_array_foreach(invite, i, e) if (!read_invitation(e, i, &out->invite[i], err, errlen)) return false;
    sp->has_invite = true;
    sp->invite = out->invite;
    sp->ninvite = json_array_size(invite);
  }
  sp->cohosts = out->cohosts;
  sp->presenters = out->presenters;
  return read_ids(json_object_get(req, "cohosts"), "cohosts", &sp->has_cohosts, out->cohosts, &sp->ncohosts,
                  err, errlen) &&
         read_ids(json_object_get(req, "presenters"), "presenters", &sp->has_presenters, out->presenters,
                  &sp->npresenters, err, errlen);
}

bool meeting_invites_from_json(json_t *invites, meeting_spec_in *out, size_t *n, char *err, size_t errlen) {
  if (!json_is_array(invites) || json_array_size(invites) == 0 ||
      json_array_size(invites) > MEETING_INVITES_MAX)
    FAIL("\"invite\" must be an array of 1 to %d invitations", MEETING_INVITES_MAX);
  size_t i;
  json_t *e;
  json_array_foreach(invites, i, e) if (!read_invitation(e, i, &out->invite[i], err, errlen)) return false;
  *n = json_array_size(invites);
  return true;
}
