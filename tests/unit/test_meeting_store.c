/* Unit tests of the meeting storage on ":memory:" databases: storage/meeting_store (+ spec
 * writing), guest_store, calendar_store, attendance_store and seoul_time. Valid meetings with an
 * agenda and recurrence; every kind of bad input refused with nothing written; roles and who may
 * join (consortium, organization, person, other consortium, guests); updates that no longer fit;
 * upcoming lists; reminders exactly once per occurrence; guest links that expire and run out;
 * revocable feed tokens; attendance intervals, CSV quoting and formula neutralization, and
 * per-consortium activity. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// clang-format off
#include <cmocka.h>
// clang-format on

#include "signaling/meeting_json.h"
#include "signaling/meeting_spec_json.h"
#include "storage/attendance_store.h"
#include "storage/calendar_store.h"
#include "storage/guest_store.h"
#include "storage/meeting_store.h"
#include "storage/seoul_time.h"
#include "store_test_support.h"

/* Consortia 1 and 2; organization 1 (in consortium 1) and 2; users 1 coordinator of 1, 2 member
 * of 1 (org 1), 3 member of 2, 4 no role (org 2), 5 admin, 6 member of 1 (no org). */
static const char *FIXTURE = STORE_TEST_PLACE
    "INSERT INTO regions VALUES (2, '전북');"
    "INSERT INTO complexes VALUES (2, 2, '완주');"
    "INSERT INTO consortia(id, sector_id, lead_region_id, lead_complex_id, name_ko, name_en) VALUES"
    " (1, 1, 1, 1, '수소 협의체', 'Hydrogen'), (2, 1, 2, 2, '완주 협의체', 'Wanju');"
    "INSERT INTO organizations(id, kind, name, region_id) VALUES (1, 'company', '가나수소', 1),"
    " (2, 'university', '전북대', 2);"
    "INSERT INTO users(id, email, name, org_id, password_hash, is_admin) VALUES"
    " (1, 'c@x', '박코디', 1, 'x', 0), (2, 'a@x', '김민수', 1, 'x', 0), (3, 'b@x', '이영희', NULL, 'x', 0),"
    " (4, 'd@x', '최외부', 2, 'x', 0), (5, 'e@x', '관리자', NULL, 'x', 1), (6, 'f@x', '정회원', NULL, 'x', "
    "0);"
    "INSERT INTO user_roles VALUES (1, 1, 'coordinator'), (2, 1, 'member'), (3, 2, 'member'), (6, 1, "
    "'member');";

/* The tests run at a fixed "now": 2026-12-01 09:00 KST. */
#define NOW 1796083200LL

static int setup(void **state) {
  if (store_test_setup(state, FIXTURE) != 0) return -1;
  db_set_clock_offset(*state, NOW - db_now(*state));
  return 0;
}

static json_t *J(const char *text) {
  json_error_t e;
  json_t *v = json_loads(text, 0, &e);
  if (!v) fail_msg("bad JSON in test: %s: %s", text, e.text);
  return v;
}

/* The store's writes with the spec read from JSON as the server reads a request
 * (signaling/meeting_spec_json.c): a type error stops there, with the same err. */
static int64_t create_from(moa_db *db, json_t *spec, char *err, size_t errlen) {
  meeting_spec_in *in = malloc(sizeof *in);
  assert_non_null(in);
  int64_t id = meeting_spec_from_json(spec, in, err, errlen)
                   ? meeting_store_create(db, 1, 1, &in->spec, err, errlen)
                   : -1;
  free(in);
  return id;
}

static int update(moa_db *db, int64_t id, json_t *spec, char *err, size_t errlen) {
  meeting_spec_in *in = malloc(sizeof *in);
  assert_non_null(in);
  int rc = meeting_spec_from_json(spec, in, err, errlen)
               ? meeting_store_update(db, id, &in->spec, err, errlen)
               : -1;
  free(in);
  return rc;
}

static int invite(moa_db *db, int64_t id, json_t *inv, char *err, size_t errlen) {
  meeting_spec_in *in = malloc(sizeof *in);
  assert_non_null(in);
  size_t n = 0;
  int rc = meeting_invites_from_json(inv, in, &n, err, errlen)
               ? meeting_store_invite(db, id, in->invite, n, err, errlen)
               : -1;
  free(in);
  return rc;
}

static int64_t create(moa_db *db, const char *spec_json, char *err, size_t errlen) {
  json_t *spec = J(spec_json);
  int64_t id = create_from(db, spec, err, errlen);
  json_decref(spec);
  return id;
}

#define LAUNCH                                                                                 \
  "{\"title\": \"협의체 출범식\", \"description\": \"25개 협의체 합동\", "         \
  "\"starts_at\": \"2026-12-10T14:00:00+09:00\", \"ends_at\": \"2026-12-10T16:00:00+09:00\", " \
  "\"capacity\": 60, \"mode\": \"event\", \"lobby\": true, \"agenda\": ["                      \
  "{\"start\": \"14:00\", \"minutes\": 20, \"item\": \"티타임\", \"speaker\": \"내빈\"}," \
  "{\"start\": \"14:20\", \"minutes\": 5, \"item\": \"개회\", \"press_open\": true},"        \
  "{\"start\": \"14:25\", \"minutes\": 95, \"item\": \"간담회\"}]}"

static void test_seoul_time(void **state) {
  (void)state;
  int64_t t;
  assert_true(seoul_parse_iso("2026-12-10T14:00:00+09:00", &t));
  assert_int_equal(t, 1796878800LL);
  int64_t u;
  assert_true(seoul_parse_iso("2026-12-10T05:00:00Z", &u));
  assert_int_equal(t, u);
  assert_true(seoul_parse_iso("2026-12-10 14:00", &u)); /* no offset: Seoul time */
  assert_int_equal(t, u);
  assert_true(seoul_parse_iso("2026-12-10T00:30:00-05:30", &u));
  assert_int_equal(u, 1796878800LL + 1800 + 1800); /* 06:00Z */
  char b[32];
  seoul_format_iso(t, b, sizeof b);
  assert_string_equal(b, "2026-12-10T14:00:00+09:00");
  seoul_format_iso(1796835600LL, b, sizeof b); /* 2026-12-09T17:00Z is already the 10th in Seoul */
  assert_string_equal(b, "2026-12-10T02:00:00+09:00");
  seoul_format_ical_utc(t, b, sizeof b);
  assert_string_equal(b, "20261210T050000Z");
  seoul_format_ical_local(t, b, sizeof b);
  assert_string_equal(b, "20261210T140000");
  const char *bad[] = {"",
                       "2026-02-29T10:00:00+09:00",
                       "2028-02-30T10:00+09:00",
                       "2026-13-01T10:00+09:00",
                       "2026-12-10T24:00+09:00",
                       "2026-12-10T14:60+09:00",
                       "2026-12-10T14:00:00+0900",
                       "2026-12-10T14:00:00+09:00x",
                       "2026-12-10",
                       "1969-12-31T23:00Z",
                       "２０２６-12-10T14:00Z",
                       "2026-12-10T14:00:00+15:00",
                       "2026-12-10T1:00Z"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) assert_false(seoul_parse_iso(bad[i], &u));
  assert_true(seoul_parse_iso("2028-02-29T10:00+09:00", &u)); /* leap year */
  int s;
  assert_true(seoul_parse_hhmm("14:29", &s));
  assert_int_equal(s, 14 * 3600 + 29 * 60);
  assert_false(seoul_parse_hhmm("24:00", &s));
  assert_false(seoul_parse_hhmm("9:00", &s));
  assert_false(seoul_parse_hhmm("09:00 ", &s));
  assert_int_equal(seoul_midnight(t), t - 14 * 3600);
  assert_int_equal(seoul_add_months(t, 2) - t, (31 + 31) * 86400LL); /* Dec -> Feb */
  assert_int_equal(seoul_mday(t), 10);
}

/* Counts segments, checking they come in order. */
static int count_segment(void *ctx, const meeting_segment *g) {
  int *n = ctx;
  assert_int_equal(g->position, *n + 1);
  ++*n;
  return 0;
}

static void test_create_and_json(void **state) {
  moa_db *db = *state;
  char err[200] = "";
  int64_t id = create(db, LAUNCH, err, sizeof err);
  assert_true(id > 0);
  json_t *m = meeting_json_get(db, id);
  assert_non_null(m);
  assert_string_equal(json_string_value(json_object_get(m, "starts_local")), "2026-12-10T14:00:00+09:00");
  assert_string_equal(json_string_value(json_object_get(m, "ends_local")), "2026-12-10T16:00:00+09:00");
  assert_int_equal(json_integer_value(json_object_get(m, "starts_at")), 1796878800LL);
  assert_string_equal(json_string_value(json_object_get(m, "time_zone")), "Asia/Seoul");
  assert_string_equal(json_string_value(json_object_get(m, "mode")), "event");
  assert_true(json_is_true(json_object_get(m, "lobby")));
  assert_int_equal(json_integer_value(json_object_get(m, "capacity")), 60);
  json_t *agenda = json_object_get(m, "agenda");
  assert_int_equal(json_array_size(agenda), 3);
  json_t *s2 = json_array_get(agenda, 1);
  assert_int_equal(json_integer_value(json_object_get(s2, "position")), 2);
  assert_int_equal(json_integer_value(json_object_get(s2, "start_offset_s")), 1200);
  assert_int_equal(json_integer_value(json_object_get(s2, "length_s")), 300);
  assert_string_equal(json_string_value(json_object_get(s2, "start")), "14:20");
  assert_true(json_is_true(json_object_get(s2, "press_open")));
  /* invited by default: the whole consortium */
  json_t *inv = json_array_get(json_object_get(m, "invites"), 0);
  assert_string_equal(json_string_value(json_object_get(inv, "kind")), "consortium");
  assert_string_equal(json_string_value(json_object_get(inv, "name")), "수소 협의체");
  json_decref(m);
  /* the same meeting as the store reads it */
  meeting_info info;
  assert_int_equal(meeting_store_info(db, id, &info), 1);
  assert_int_equal(info.starts_at, 1796878800LL);
  assert_int_equal(info.ends_at, 1796878800LL + 7200);
  assert_string_equal(info.mode, "event");
  assert_true(info.lobby);
  assert_int_equal(info.capacity, 60);
  assert_int_equal(info.nagenda, 3);
  assert_int_equal(info.agenda[1].position, 2);
  assert_int_equal(info.agenda[1].start_offset_s, 1200);
  assert_int_equal(info.agenda[1].length_s, 300);
  assert_true(info.agenda[1].press_open);
  assert_int_equal(info.ninvites, 1);
  assert_string_equal(info.invites[0].kind, "consortium");
  assert_string_equal(info.invites[0].name, "수소 협의체");
  assert_int_equal(info.recurrence_count, 1);
  assert_int_equal(info.occurrences[0], info.starts_at);
  meeting_info_clear(&info);
  assert_int_equal(meeting_store_info(db, 9999, &info), 0);
  /* its own invited-only room */
  meeting_rec r, byroom;
  assert_int_equal(meeting_store_get(db, id, &r), 1);
  assert_true(r.room_id > 0 && r.event_mode && r.lobby && !r.cancelled && r.capacity == 60);
  assert_string_equal(r.title, "협의체 출범식");
  assert_int_equal(meeting_store_by_room(db, r.room_id, &byroom), 1);
  assert_int_equal(byroom.id, id);
  assert_int_equal(meeting_store_by_room(db, 9999, &byroom), 0);
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM rooms WHERE visibility = 'invited'"), 1);
  int nsegs = 0;
  assert_int_equal(meeting_store_segments(db, id, count_segment, &nsegs), 0);
  assert_int_equal(nsegs, 3);
}

static void test_recurrence(void **state) {
  moa_db *db = *state;
  char err[200] = "";
  int64_t w = create(db,
                     "{\"title\": \"주간 회의\", \"starts_at\": \"2026-12-03T10:00:00+09:00\", \"ends_at\": "
                     "\"2026-12-03T11:00:00+09:00\", \"recurrence\": \"weekly\", \"recurrence_count\": 4}",
                     err, sizeof err);
  assert_true(w > 0);
  json_t *m = meeting_json_get(db, w);
  json_t *occ = json_object_get(m, "occurrences");
  assert_int_equal(json_array_size(occ), 4);
  assert_int_equal(json_integer_value(json_array_get(occ, 3)) - json_integer_value(json_array_get(occ, 0)),
                   21 * 86400);
  json_decref(m);
  int64_t mo = create(db,
                      "{\"title\": \"월례 회의\", \"starts_at\": \"2027-01-28T10:00:00+09:00\", \"ends_at\": "
                      "\"2027-01-28T11:00:00+09:00\", \"recurrence\": \"monthly\", \"recurrence_count\": 3}",
                      err, sizeof err);
  assert_true(mo > 0);
  m = meeting_json_get(db, mo);
  occ = json_object_get(m, "occurrences");
  char b[32];
  seoul_format_iso(json_integer_value(json_array_get(occ, 1)), b, sizeof b);
  assert_string_equal(b, "2027-02-28T10:00:00+09:00");
  seoul_format_iso(json_integer_value(json_array_get(occ, 2)), b, sizeof b);
  assert_string_equal(b, "2027-03-28T10:00:00+09:00");
  json_decref(m);
}

static void test_bad_input_writes_nothing(void **state) {
  moa_db *db = *state;
  const char *T = "\"title\": \"회의\", ";
  const char *OK_TIMES =
      "\"starts_at\": \"2026-12-10T14:00:00+09:00\", \"ends_at\": \"2026-12-10T15:00:00+09:00\"";
  struct {
    const char *spec, *want;
  } cases[] = {
      {"{\"title\": \"회의\", \"starts_at\": \"2026-12-10T14:00:00+09:00\", \"ends_at\": "
       "\"2026-12-10T13:00:00+09:00\"}",
       "end after it starts"},
      {"{\"title\": \"회의\", \"starts_at\": \"2026-12-10T14:00:00+09:00\", \"ends_at\": "
       "\"2026-12-10T14:00:00+09:00\"}",
       "end after it starts"},
      {"{\"title\": \"회의\", \"starts_at\": \"2026-11-10T14:00:00+09:00\", \"ends_at\": "
       "\"2026-11-10T15:00:00+09:00\"}",
       "in the past"},
      {"{\"title\": \"회의\", \"starts_at\": \"2026-12-10T14:00:00+09:00\", \"ends_at\": "
       "\"2026-12-12T15:00:00+09:00\"}",
       "at most 24 hours"},
      {"{\"title\": \"회의\", \"starts_at\": \"2026-12-10 2pm\", \"ends_at\": \"2026-12-10T15:00:00+09:00\"}",
       "ISO 8601"},
      {"{\"title\": \"회의\", \"starts_at\": 1797138000, \"ends_at\": \"2026-12-10T15:00:00+09:00\"}",
       "ISO 8601"},
      {"{\"starts_at\": \"2026-12-10T14:00:00+09:00\", \"ends_at\": \"2026-12-10T15:00:00+09:00\"}", "needs"},
      {"{\"title\": \"\", \"starts_at\": \"2026-12-10T14:00:00+09:00\", \"ends_at\": "
       "\"2026-12-10T15:00:00+09:00\"}",
       "\"title\""},
      {"{\"title\": \"a\\u0007b\", \"starts_at\": \"2026-12-10T14:00:00+09:00\", \"ends_at\": "
       "\"2026-12-10T15:00:00+09:00\"}",
       "\"title\""},
      {NULL, NULL},
  };
  char err[200];
  for (int i = 0; cases[i].spec; i++) {
    err[0] = '\0';
    assert_int_equal(create(db, cases[i].spec, err, sizeof err), -1);
    if (!strstr(err, cases[i].want)) fail_msg("case %d: error \"%s\" lacks \"%s\"", i, err, cases[i].want);
  }
  struct {
    const char *extra, *want;
  } more[] = {
      {"\"recurrence\": \"weekly\"", "needs \"recurrence_count\""},
      {"\"recurrence\": \"weekly\", \"recurrence_count\": 0", "1 to 52"},
      {"\"recurrence\": \"weekly\", \"recurrence_count\": 53", "1 to 52"},
      {"\"recurrence\": \"weekly\", \"recurrence_count\": 1", "at least twice"},
      {"\"recurrence\": \"weekly\", \"recurrence_count\": \"3\"", "1 to 52"},
      {"\"recurrence_count\": 3", "needs a recurrence"},
      {"\"recurrence\": \"daily\", \"recurrence_count\": 3", "\"none\", \"weekly\" or \"monthly\""},
      {"\"capacity\": 0", "\"capacity\""},
      {"\"capacity\": -5", "\"capacity\""},
      {"\"capacity\": 100000", "\"capacity\""},
      {"\"mode\": \"concert\"", "\"mode\""},
      {"\"lobby\": \"yes\"", "\"lobby\""},
      {"\"agenda\": [{\"start\": \"14:00\", \"minutes\": 61, \"item\": \"길다\"}]", "too long"},
      {"\"agenda\": [{\"start\": \"14:30\", \"minutes\": 31, \"item\": \"넘침\"}]", "too long"},
      {"\"agenda\": [{\"start\": \"13:50\", \"minutes\": 10, \"item\": \"이름\"}]", "before the meeting"},
      {"\"agenda\": [{\"start\": \"14:00\", \"minutes\": 20, \"item\": \"a\"}, {\"start\": \"14:10\", "
       "\"minutes\": "
       "10, \"item\": \"b\"}]",
       "overlaps"},
      {"\"agenda\": [{\"start\": \"14:30\", \"minutes\": 10, \"item\": \"a\"}, {\"start\": \"14:00\", "
       "\"minutes\": "
       "10, \"item\": \"b\"}]",
       "overlaps"},
      {"\"agenda\": [{\"start\": \"14:00\", \"minutes\": 0, \"item\": \"a\"}]", "\"minutes\""},
      {"\"agenda\": [{\"start\": \"14:00\", \"minutes\": 10}]", "item"},
      {"\"agenda\": [{\"minutes\": 10, \"item\": \"a\"}]", "needs a start"},
      {"\"agenda\": [{\"start\": \"2pm\", \"minutes\": 10, \"item\": \"a\"}]", "HH:MM"},
      {"\"agenda\": {\"start\": \"14:00\"}", "must be an array"},
      {"\"agenda\": [3]", "must be an object"},
      {"\"invite\": [{\"kind\": \"consortium\", \"id\": 99}]", "no such consortium"},
      {"\"invite\": [{\"kind\": \"team\", \"id\": 1}]", "kind must be"},
      {"\"invite\": [{\"kind\": \"user\"}]", "invite[0]"},
      {"\"invite\": {\"kind\": \"user\", \"id\": 2}", "\"invite\" must be an array"},
      {"\"cohosts\": [999]", "no such user"},
      {"\"presenters\": [\"x\"]", "not a user id"},
      {NULL, NULL},
  };
  for (int i = 0; more[i].extra; i++) {
    char spec[1024];
    snprintf(spec, sizeof spec, "{%s%s, %s}", T, OK_TIMES, more[i].extra);
    err[0] = '\0';
    assert_int_equal(create(db, spec, err, sizeof err), -1);
    if (!strstr(err, more[i].want)) fail_msg("extra %d: error \"%s\" lacks \"%s\"", i, err, more[i].want);
  }
  /* a monthly meeting on the 31st cannot happen every month */
  err[0] = '\0';
  assert_int_equal(
      create(db,
             "{\"title\": \"월례\", \"starts_at\": \"2026-12-31T10:00:00+09:00\", \"ends_at\": "
             "\"2026-12-31T11:00:00+09:00\", \"recurrence\": \"monthly\", \"recurrence_count\": 3}",
             err, sizeof err),
      -1);
  assert_non_null(strstr(err, "day 1 to 28"));
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM meetings"), 0);
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM rooms"), 0);
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM meeting_segments"), 0);
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM meeting_invites"), 0);
}

static void test_roles_and_join(void **state) {
  moa_db *db = *state;
  char err[200] = "";
  int64_t id =
      create(db,
             "{\"title\": \"합동 세미나\", \"starts_at\": \"2026-12-10T14:00:00+09:00\", \"ends_at\": "
             "\"2026-12-10T15:00:00+09:00\", \"invite\": [{\"kind\": \"organization\", \"id\": 2}, "
             "{\"kind\": \"user\", \"id\": 3}], \"cohosts\": [6]}",
             err, sizeof err);
  assert_true(id > 0);
  meeting_rec m;
  assert_int_equal(meeting_store_get(db, id, &m), 1);
  assert_string_equal(meeting_store_role(db, &m, 1), "host");     /* creator, coordinator */
  assert_string_equal(meeting_store_role(db, &m, 6), "cohost");   /* member, cohost */
  assert_string_equal(meeting_store_role(db, &m, 3), "attendee"); /* other consortium, invited person */
  assert_string_equal(meeting_store_role(db, &m, 4), "attendee"); /* no role, its organization invited */
  assert_null(meeting_store_role(db, &m, 2));                     /* consortium not invited this time */
  assert_null(meeting_store_role(db, &m, 5));
  assert_int_equal(meeting_store_can_join(db, &m, 2, false), 0);
  assert_int_equal(meeting_store_can_join(db, &m, 4, false), 1);
  assert_int_equal(meeting_store_can_join(db, &m, 5, true), 1); /* admin */
  /* a joint event: the other consortium as a whole */
  json_t *inv = J("[{\"kind\": \"consortium\", \"id\": 2}]");
  assert_int_equal(invite(db, id, inv, err, sizeof err), 0);
  json_decref(inv);
  size_t n;
  int64_t *ids = meeting_store_invitee_ids(db, id, &n);
  assert_non_null(ids);
  int seen = 0;
  for (size_t i = 0; i < n; i++) seen |= 1 << ids[i];
  free(ids);
  assert_int_equal(seen, (1 << 1) | (1 << 3) | (1 << 4) | (1 << 6)); /* not 2 (not invited), not 5 */
  size_t nup = 0;
  int64_t *up = NULL;
  assert_int_equal(meeting_store_upcoming_ids(db, 3, false, NOW, 50, false, &up, &nup), 0);
  assert_int_equal(nup, 1);
  free(up);
  assert_int_equal(meeting_store_upcoming_ids(db, 2, false, NOW, 50, false, &up, &nup), 0);
  assert_int_equal(nup, 0);
  free(up);
  assert_true(meeting_store_may_schedule(db, 1, 1, false));
  assert_false(meeting_store_may_schedule(db, 1, 2, false));
  assert_false(meeting_store_may_schedule(db, 2, 1, false));
  assert_true(meeting_store_may_schedule(db, 2, 5, true));
  /* cancelled: nobody joins, it leaves the upcoming list (unless asked for) */
  assert_int_equal(meeting_store_cancel(db, id), 1);
  assert_int_equal(meeting_store_cancel(db, id), 0);
  assert_int_equal(meeting_store_get(db, id, &m), 1);
  assert_true(m.cancelled);
  assert_int_equal(meeting_store_can_join(db, &m, 1, false), 0);
  assert_int_equal(meeting_store_upcoming_ids(db, 3, false, NOW, 50, false, &up, &nup), 0);
  assert_int_equal(nup, 0);
  free(up);
  assert_int_equal(meeting_store_upcoming_ids(db, 3, false, NOW, 50, true, &up, &nup), 0);
  assert_int_equal(nup, 1);
  free(up);
  json_t *spec = J("{\"title\": \"다시\"}");
  assert_int_equal(update(db, id, spec, err, sizeof err), -1);
  assert_non_null(strstr(err, "cancelled"));
  json_decref(spec);
}

static void test_update(void **state) {
  moa_db *db = *state;
  char err[200] = "";
  int64_t id = create(db, LAUNCH, err, sizeof err);
  assert_true(id > 0);
  /* shorter meeting: the agenda (2 hours) no longer fits: refused, nothing changed */
  json_t *spec = J("{\"ends_at\": \"2026-12-10T15:00:00+09:00\"}");
  assert_int_equal(update(db, id, spec, err, sizeof err), -1);
  assert_non_null(strstr(err, "too long"));
  json_decref(spec);
  meeting_rec m;
  meeting_store_get(db, id, &m);
  assert_int_equal(m.ends_at, 1796878800LL + 7200);
  /* moved an hour later with a new title: agenda moves along, sequence grows, room renamed */
  spec =
      J("{\"title\": \"출범식 (변경)\", \"starts_at\": \"2026-12-10T15:00:00+09:00\", \"ends_at\": "
        "\"2026-12-10T17:00:00+09:00\", \"capacity\": 80}");
  assert_int_equal(update(db, id, spec, err, sizeof err), 0);
  json_decref(spec);
  json_t *j = meeting_json_get(db, id);
  assert_int_equal(json_integer_value(json_object_get(j, "sequence")), 1);
  assert_int_equal(json_integer_value(json_object_get(j, "capacity")), 80);
  assert_string_equal(json_string_value(json_object_get(j, "mode")), "event"); /* kept */
  assert_string_equal(
      json_string_value(json_object_get(json_array_get(json_object_get(j, "agenda"), 1), "start")), "15:20");
  json_decref(j);
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM rooms WHERE name = '출범식 (변경)'"), 1);
  /* replacing the agenda */
  spec = J("{\"agenda\": [{\"start\": \"15:00\", \"minutes\": 120, \"item\": \"전체\"}]}");
  assert_int_equal(update(db, id, spec, err, sizeof err), 0);
  json_decref(spec);
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM meeting_segments"), 1);
  spec = J("{\"recurrence\": \"weekly\"}");
  assert_int_equal(update(db, id, spec, err, sizeof err), -1);
  json_decref(spec);
  spec = J("{\"title\": 7}");
  assert_int_equal(update(db, id, spec, err, sizeof err), -1);
  json_decref(spec);
  spec = J("{}");
  assert_int_equal(update(db, 999, spec, err, sizeof err), -1);
  assert_non_null(strstr(err, "no such meeting"));
  json_decref(spec);
}

static void test_reminders(void **state) {
  moa_db *db = *state;
  char err[200] = "";
  /* weekly, first at NOW + 5 min */
  char spec[512], s[32], e[32];
  seoul_format_iso(NOW + 300, s, sizeof s);
  seoul_format_iso(NOW + 3900, e, sizeof e);
  snprintf(spec, sizeof spec,
           "{\"title\": \"곧\", \"starts_at\": \"%s\", \"ends_at\": \"%s\", \"recurrence\": \"weekly\", "
           "\"recurrence_count\": 2}",
           s, e);
  int64_t id = create(db, spec, err, sizeof err);
  assert_true(id > 0);
  size_t nr = 9;
  meeting_reminder *r = meeting_store_take_reminders(db, NOW, NOW + 600, &nr);
  assert_int_equal(nr, 1);
  assert_int_equal(r[0].id, id);
  assert_int_equal(r[0].occurrence_start, NOW + 300);
  free(r);
  r = meeting_store_take_reminders(db, NOW + 1, NOW + 601, &nr); /* once only */
  assert_non_null(r);
  assert_int_equal(nr, 0);
  free(r);
  r = meeting_store_take_reminders(db, NOW + 7 * 86400, NOW + 7 * 86400 + 600, &nr); /* next week */
  assert_int_equal(nr, 1);
  free(r);
  r = meeting_store_take_reminders(db, NOW + 14 * 86400, NOW + 14 * 86400 + 600, &nr); /* no third */
  assert_non_null(r);
  assert_int_equal(nr, 0);
  free(r);
}

static int count_link(void *ctx, const guest_link *l) {
  assert_true(l->id > 0);
  ++*(int *)ctx;
  return 0;
}

static void test_guest_links(void **state) {
  moa_db *db = *state;
  char err[200] = "", token[SESSION_TOKEN_LEN + 1];
  int64_t id = create(db, LAUNCH, err, sizeof err);
  assert_true(
      guest_store_create_link(db, id, "press", "기자단", NOW + 3600, 2, 2, 1, token, err, sizeof err) > 0);
  assert_int_equal(strlen(token), SESSION_TOKEN_LEN);
  char t2[SESSION_TOKEN_LEN + 1];
  assert_int_equal(guest_store_create_link(db, id, "vip", "", NOW + 3600, 2, 0, 1, t2, err, sizeof err), -1);
  assert_int_equal(guest_store_create_link(db, id, "press", "", NOW - 1, 2, 0, 1, t2, err, sizeof err), -1);
  assert_int_equal(guest_store_create_link(db, id, "press", "", NOW + 60, 0, 0, 1, t2, err, sizeof err), -1);
  assert_int_equal(guest_store_create_link(db, id, "press", "", NOW + 60, 1, 9, 1, t2, err, sizeof err), -1);
  assert_non_null(strstr(err, "no segment 9"));
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM guest_links"), 1);

  int64_t uid = 0;
  guest_info g;
  assert_int_equal(guest_store_redeem(db, "not-a-token", "기자", &uid, &g), GUEST_UNKNOWN);
  assert_int_equal(guest_store_redeem(db, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "기자", &uid, &g),
                   GUEST_UNKNOWN);
  assert_int_equal(guest_store_redeem(db, token, "", &uid, &g), GUEST_INVALID);
  assert_int_equal(guest_store_redeem(db, token, "a\nb", &uid, &g), GUEST_INVALID);
  assert_int_equal(guest_store_redeem(db, token, "한기자", &uid, &g), GUEST_OK);
  assert_true(uid > 6);
  assert_int_equal(g.meeting_id, id);
  assert_string_equal(g.role, "press");
  assert_int_equal(g.until_segment, 2);
  meeting_rec m;
  meeting_store_get(db, id, &m);
  assert_string_equal(meeting_store_role(db, &m, uid), "press");
  assert_int_equal(meeting_store_can_join(db, &m, uid, false), 1);
  guest_info again;
  assert_int_equal(guest_store_of_user(db, uid, &again), 1);
  assert_int_equal(again.meeting_id, id);
  assert_int_equal(guest_store_of_user(db, 2, &again), 0);
  /* a guest sees only its meeting */
  int64_t other =
      create(db,
             "{\"title\": \"다른 회의\", \"starts_at\": \"2026-12-11T14:00:00+09:00\", \"ends_at\": "
             "\"2026-12-11T15:00:00+09:00\"}",
             err, sizeof err);
  meeting_rec mo;
  meeting_store_get(db, other, &mo);
  assert_null(meeting_store_role(db, &mo, uid));
  size_t nup = 0;
  int64_t *up = NULL;
  assert_int_equal(meeting_store_upcoming_ids(db, uid, false, NOW, 50, false, &up, &nup), 0);
  assert_int_equal(nup, 1);
  free(up);
  int64_t uid2;
  assert_int_equal(guest_store_redeem(db, token, "두번째 기자", &uid2, &g), GUEST_OK); /* another browser */
  assert_int_equal(guest_store_redeem(db, token, "세번째", &uid2, &g), GUEST_USED_UP);
  /* Out of scope once the agenda passes their last segment (2): position 3 and on, not before. */
  size_t nout = 9;
  int64_t *out = NULL;
  assert_int_equal(guest_store_out_of_scope(db, id, 2, &out, &nout), 0);
  assert_int_equal(nout, 0);
  free(out);
  assert_int_equal(guest_store_out_of_scope(db, id, 3, &out, &nout), 0);
  assert_int_equal(nout, 2);
  assert_int_equal(out[0], uid);
  assert_int_equal(out[1], uid2);
  free(out);
  assert_int_equal(guest_store_out_of_scope(db, other, 9, &out, &nout), 0);
  assert_int_equal(nout, 0);
  free(out);
  assert_int_equal(store_test_scalar(db, "SELECT uses FROM guest_links"), 2);
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM guests"), 2);
  /* expiry */
  assert_true(guest_store_create_link(db, id, "expert", "", NOW + 60, 5, 0, 1, t2, err, sizeof err) > 0);
  db_set_clock_offset(db, 0);
  db_set_clock_offset(db, NOW + 61 - db_now(db));
  assert_int_equal(guest_store_redeem(db, t2, "늦은 전문가", &uid2, &g), GUEST_EXPIRED);
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM guests"), 2);
  int nlinks = 0; /* a guest_link has no token field: the store never reads tokens back */
  assert_int_equal(guest_store_links(db, id, count_link, &nlinks), 0);
  assert_int_equal(nlinks, 2);
}

static void test_calendar_tokens(void **state) {
  moa_db *db = *state;
  char a[SESSION_TOKEN_LEN + 1], b[SESSION_TOKEN_LEN + 1];
  assert_int_equal(calendar_store_token(db, 2, a), 0);
  assert_int_equal(calendar_store_token(db, 2, b), 0);
  assert_string_equal(a, b); /* the same URL until revoked */
  assert_int_equal(calendar_store_user(db, a), 2);
  assert_int_equal(calendar_store_user(db, "short"), 0);
  assert_int_equal(calendar_store_revoke(db, 2), 1);
  assert_int_equal(calendar_store_revoke(db, 2), 0);
  assert_int_equal(calendar_store_user(db, a), 0);
  assert_int_equal(calendar_store_token(db, 2, b), 0);
  assert_string_not_equal(a, b);
}

static int count_row(void *ctx, const attendance_row *r) {
  assert_true(r->user_id > 0);
  ++*(int *)ctx;
  return 0;
}

/* The activity rows, names dropped (they live only during the callback). */
typedef struct activity {
  attendance_activity row[4];
  size_t n;
} activity;

static int collect_activity(void *ctx, const attendance_activity *a) {
  activity *act = ctx;
  assert_true(act->n < 4);
  act->row[act->n] = *a;
  act->row[act->n].name_ko = act->row[act->n].name_en = NULL;
  act->n++;
  return 0;
}

static void test_attendance_csv(void **state) {
  moa_db *db = *state;
  char err[200] = "";
  int64_t id = create(db, LAUNCH, err, sizeof err);
  int64_t t0 = 1796878800LL; /* 14:00 KST */
  assert_true(attendance_store_join(db, id, 2, "김, \"민수\"", "attendee", t0) > 0);
  assert_true(attendance_store_join(db, id, 3, "=HYPERLINK(\"x\")", "attendee", t0 + 60) > 0);
  assert_true(attendance_store_join(db, id, 4, "+82 10", "press", t0 + 120) > 0);
  assert_true(attendance_store_join(db, id, 6, "@me\nline", "attendee", t0 + 180) > 0);
  assert_true(attendance_store_join(db, id, 1, "-1", "host", t0 + 240) > 0);
  assert_int_equal(attendance_store_leave(db, id, 2, t0 + 1800), 1);
  assert_int_equal(attendance_store_leave(db, id, 2, t0 + 1900), 0);                        /* none open */
  assert_true(attendance_store_join(db, id, 2, "김, \"민수\"", "attendee", t0 + 2400) > 0); /* rejoins */
  assert_int_equal(attendance_store_leave(db, id, 2, t0 + 3000), 1);
  /* joining twice without leaving closes the first interval */
  assert_true(attendance_store_join(db, id, 4, "+82 10", "press", t0 + 600) > 0);
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM attendance WHERE user_id = 4 AND left_at = 0"),
                   1);
  char *csv = attendance_store_csv(db, id);
  assert_non_null(csv);
  assert_non_null(strstr(csv, "name,role,user_id,joined (Asia/Seoul),left (Asia/Seoul),minutes\r\n"));
  assert_non_null(strstr(csv, "\"김, \"\"민수\"\"\",attendee,2,2026-12-10 14:00,2026-12-10 14:30,30\r\n"));
  assert_non_null(strstr(csv, "\"'=HYPERLINK(\"\"x\"\")\",attendee,3,2026-12-10 14:01,,"));
  assert_non_null(strstr(csv, "\"'+82 10\",press,4,2026-12-10 14:02,2026-12-10 14:10,8\r\n"));
  assert_non_null(strstr(csv, "\"'@me\nline\",attendee,6,"));
  assert_non_null(strstr(csv, "\"'-1\",host,1,"));
  assert_non_null(strstr(csv, "attendee,2,2026-12-10 14:40,2026-12-10 14:50,10\r\n"));
  free(csv);
  int nrows = 0;
  assert_int_equal(attendance_store_rows(db, id, count_row, &nrows), 0);
  assert_int_equal(nrows, 7);
  /* activity: consortium 1 held one meeting with 5 attendees; messages counted from chat */
  sqlite3_exec(
      db_handle(db),
      "INSERT INTO conversations(id, kind, consortium_id) VALUES (1, 'channel', 1);"
      "INSERT INTO messages(conversation_id, author_id, body, created_at) VALUES (1, 2, 'hi', 1796878800),"
      " (1, 2, 'yo', 1796878801);",
      NULL, NULL, NULL);
  activity act = {0};
  assert_int_equal(attendance_store_activity(db, t0 - 86400, t0 + 86400, collect_activity, &act), 0);
  assert_int_equal(act.n, 2);
  const attendance_activity *c1 = &act.row[0];
  assert_int_equal(c1->consortium_id, 1);
  assert_int_equal(c1->meetings_held, 1);
  assert_int_equal(c1->attendees, 5);
  assert_int_equal(c1->messages, 2);
  assert_true(c1->attendance_minutes >= 30 + 10 + 8);
  const attendance_activity *c2 = &act.row[1];
  assert_int_equal(c2->meetings_held, 0);
}

/* OWASP "CSV injection": a cell that a spreadsheet would read as a formula gets a leading
 * apostrophe inside quotes, also when the formula character follows leading blanks (spreadsheets
 * trim them) and when it is the full-width form (U+FF1D U+FF0B U+FF0D U+FF20, which some
 * spreadsheets fold to ASCII). Cells that merely contain such characters stay as they are. */
static void test_attendance_csv_formula_variants(void **state) {
  moa_db *db = *state;
  char err[200] = "";
  int64_t id = create(db, LAUNCH, err, sizeof err);
  int64_t t0 = 1796878800LL;
  static const struct {
    const char *name, *cell;
  } cases[] = {
      {" =1+1", "\"' =1+1\""},
      {"   +SUM(A1)", "\"'   +SUM(A1)\""},
      {" -2", "\"' -2\""},
      {"  @cmd", "\"'  @cmd\""},
      {"\t=x", "\"'\t=x\""},
      {"\r=x", "\"'\r=x\""},
      {" \t =x", "\"' \t =x\""},
      {"\xef\xbc\x9d"
       "1+1",
       "\"'\xef\xbc\x9d"
       "1+1\""}, /* ＝1+1 */
      {"\xef\xbc\x8b"
       "82",
       "\"'\xef\xbc\x8b"
       "82\""}, /* ＋82 */
      {"\xef\xbc\x8d"
       "1",
       "\"'\xef\xbc\x8d"
       "1\""}, /* －1 */
      {"\xef\xbc\xa0"
       "me",
       "\"'\xef\xbc\xa0"
       "me\""}, /* ＠me */
      {"  \xef\xbc\x9d"
       "x",
       "\"'  \xef\xbc\x9d"
       "x\""},                                                         /* blanks then ＝ */
      {"\xe3\x80\x80=x", "\"'\xe3\x80\x80=x\""},                       /* ideographic space, = */
      {"\xc2\xa0+x", "\"'\xc2\xa0+x\""},                               /* no-break space, + */
      {"\xe3\x80\x80\xef\xbc\xa0x", "\"'\xe3\x80\x80\xef\xbc\xa0x\""}, /* both */
      {"a=b", "a=b"},
      {"x-1", "x-1"},
      {" 김민수", " 김민수"},
      {"\xef\xbc\xa1", "\xef\xbc\xa1"}, /* Ａ: full-width, not a formula character */
      {"   ", "   "},
  };
  size_t n = sizeof cases / sizeof *cases;
  for (size_t i = 0; i < n; i++)
    assert_true(
        attendance_store_join(db, id, (int64_t)(100 + i), cases[i].name, "attendee", t0 + (int64_t)i) > 0);
  char *csv = attendance_store_csv(db, id);
  assert_non_null(csv);
  for (size_t i = 0; i < n; i++) {
    char want[128];
    snprintf(want, sizeof want, "\r\n%s,attendee,%zu,", cases[i].cell, 100 + i);
    if (!strstr(csv, want)) fail_msg("case %zu: expected %s in:\n%s", i, want, csv);
  }
  free(csv);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_seoul_time),
      cmocka_unit_test_setup_teardown(test_create_and_json, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_recurrence, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_bad_input_writes_nothing, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_roles_and_join, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_update, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_reminders, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_guest_links, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_calendar_tokens, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_attendance_csv_formula_variants, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_attendance_csv, setup, store_test_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
