/* Unit tests of rooms/meeting_room.c, a live room's meeting control without the protocol: ranks,
 * who is a viewer, what may be published and unmuted, each decision's check for the allowed and
 * refused cases (a missing participant, a cohost acting on a host, removing oneself, another's
 * hand, a floor not held), the changes on a registry's participants (lock, hands, the floor, mute,
 * remove, end) and what the meeting_listener and the registry's listener hear, in one list, in
 * order; and every entry verdict. */
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

#include "rooms/meeting_room.h"
#include "rooms_test_support.h"
#include "sdp_test_support.h"
#include "store_test_support.h"

#define T0 2000000000 /* the meeting's start */

/* What the listeners heard, in order. */
typedef struct heard {
  char calls[24][96];
  int n;
} heard;

static void note(heard *h, const char *fmt, ...) {
  assert_true(h->n < 24);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(h->calls[h->n++], sizeof h->calls[0], fmt, ap);
  va_end(ap);
}

/* "[a,b]" of n ids. */
static const char *ids(const uint32_t *v, int n) {
  static char buf[96];
  char *w = buf;
  w += snprintf(w, sizeof buf, "[");
  for (int i = 0; i < n; i++) w += snprintf(w, (size_t)(buf + sizeof buf - w), "%s%u", i ? "," : "", v[i]);
  snprintf(w, (size_t)(buf + sizeof buf - w), "]");
  return buf;
}

static void locked_changed(void *ctx, const meeting_room *c, const meeting_actor *by) {
  note(ctx, "locked %lld %d by %lld %s", (long long)c->room.id, c->locked, (long long)by->user_id, by->name);
}
static void hand_changed(void *ctx, const participant *p, const meeting_actor *by) {
  note(ctx, "hand %u %d by %lld", p->id, p->hand_raised, (long long)by->user_id);
}
static void floor_changed(void *ctx, const participant *p, const uint32_t *stopped, int n,
                          const meeting_actor *by) {
  note(ctx, "floor %u %d stopped %s by %lld", p->id, p->has_floor, ids(stopped, n), (long long)by->user_id);
}
static void muted(void *ctx, const participant *p, const char *source, const uint32_t *tracks, int n,
                  bool allow_unmute, const meeting_actor *by) {
  note(ctx, "muted %u %s %s allow %d by %lld", p->id, source, ids(tracks, n), allow_unmute,
       (long long)by->user_id);
}
static void removed(void *ctx, const participant *p, const char *reason, const meeting_actor *by) {
  note(ctx, "removed %u user %lld (%s) by %lld", p->id, (long long)p->user_id, reason,
       (long long)by->user_id);
}
static void removed_connection(void *ctx, const participant *q, const char *reason) {
  note(ctx, "removed connection %llu of room %lld (%s)", (unsigned long long)q->session_id,
       (long long)q->room->id, reason);
}
static void ended(void *ctx, int64_t room_id, uint64_t session_id, const meeting_actor *by) {
  note(ctx, "ended %lld session %llu by %lld", (long long)room_id, (unsigned long long)session_id,
       (long long)by->user_id);
}
static void lobby_changed(void *ctx, int64_t room_id, const lobby_entry *waiting) {
  (void)waiting;
  note(ctx, "lobby %lld", (long long)room_id);
}

static meeting_listener listener_for(heard *h) {
  return (meeting_listener){.ctx = h,
                            .locked_changed = locked_changed,
                            .hand_changed = hand_changed,
                            .floor_changed = floor_changed,
                            .muted = muted,
                            .removed = removed,
                            .removed_connection = removed_connection,
                            .ended = ended,
                            .lobby_changed = lobby_changed};
}

/* The registry's listener notes, in the same list, who left and tracks unpublished and muted. */
static void on_removed(void *ctx, live_room *lr, const participant *p, const char *reason) {
  note(ctx, "left room %lld session %llu %s", (long long)lr->id, (unsigned long long)p->session_id,
       reason ? reason : "-");
}
static void on_unpublished(void *ctx, const participant *p, uint32_t track_id) {
  note(ctx, "unpublished %u of %u", track_id, p->id);
}
static void on_track_muted(void *ctx, const participant *p, const pub_track *t) {
  note(ctx, "track %u of %u muted %d", t->producer_id, p->id, t->muted);
}

/* A registry reporting to h, and the control record of room 7, a meeting in event mode. */
typedef struct fixture {
  heard h;
  rooms *r;
  meeting_room c;
  meeting_listener l;
} fixture;

static int fixture_setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  assert_non_null(f);
  rooms_media media = rooms_test_media();
  rooms_listener rl = rooms_test_listener(&f->h);
  rl.participant_removed = on_removed;
  rl.track_unpublished = on_unpublished;
  rl.track_muted = on_track_muted;
  f->r = rooms_new(&media, &rl);
  assert_non_null(f->r);
  f->c.room.id = 7;
  f->c.is_meeting = true;
  f->c.m.id = 3;
  f->c.m.event_mode = true;
  f->c.lobby.room_id = 7;
  f->l = listener_for(&f->h);
  *state = f;
  return 0;
}

static int fixture_teardown(void **state) {
  fixture *f = *state;
  meeting_room_clear(&f->c);
  rooms_free(f->r);
  free(f);
  return 0;
}

/* user_id joins room 7 on session session_id with rank k. */
static participant *join(fixture *f, uint64_t session_id, int64_t user_id, const char *name, mc_rank k) {
  participant *p = rooms_join(f->r, session_id, user_id, 7, 1, name, 0, T0);
  assert_non_null(p);
  p->rank = (uint8_t)k;
  return p;
}

/* p publishes a microphone and a camera (a real browser offer); returns the microphone's id. */
static uint32_t publish(fixture *f, participant *p) {
  char err[128];
  rooms_source sources[] = {{"0", "microphone"}, {"1", "camera"}};
  char *answer = rooms_publish(f->r, p, CHROME_OFFER, sources, 2, err, sizeof err);
  assert_non_null(answer);
  free(answer);
  assert_int_equal(p->npubs, 2);
  assert_string_equal(p->pubs[0].source, "microphone");
  assert_string_equal(p->pubs[1].source, "camera");
  return p->pubs[0].producer_id;
}

static meeting_actor actor(int64_t user_id, const char *name, mc_rank k) {
  meeting_actor by = {.user_id = user_id, .rank = k};
  snprintf(by.name, sizeof by.name, "%s", name);
  return by;
}

static void test_ranks(void **state) {
  (void)state;
  assert_int_equal(mc_rank_of_role("host"), MC_HOST);
  assert_int_equal(mc_rank_of_role("cohost"), MC_COHOST);
  assert_int_equal(mc_rank_of_role("presenter"), MC_PRESENTER);
  assert_int_equal(mc_rank_of_role("attendee"), MC_ATTENDEE);
  assert_int_equal(mc_rank_of_role("press"), MC_GUEST);
  assert_int_equal(mc_rank_of_role("expert"), MC_GUEST);
  assert_int_equal(mc_rank_of_role(NULL), MC_NONE);
  assert_string_equal(mc_rank_name(MC_NONE), "none");
  assert_string_equal(mc_rank_name(MC_GUEST), "guest");
  assert_string_equal(mc_rank_name(MC_COHOST), "cohost");
  assert_string_equal(mc_rank_name(MC_HOST), "host");
}

static void test_viewers_and_media(void **state) {
  fixture *f = *state;
  participant *guest = join(f, 11, 1, "손님", MC_GUEST);
  participant *att = join(f, 12, 2, "참석", MC_ATTENDEE);
  participant *pres = join(f, 13, 3, "발표", MC_PRESENTER);
  /* Guests are always viewers; attendees only at an event. */
  assert_true(meeting_room_needs_floor(NULL, guest));
  assert_false(meeting_room_needs_floor(NULL, att));
  assert_true(meeting_room_needs_floor(&f->c, att));
  assert_false(meeting_room_needs_floor(&f->c, pres));
  assert_int_equal(meeting_room_may_publish(&f->c, guest), MEETING_GUEST_NO_FLOOR);
  assert_int_equal(meeting_room_may_publish(&f->c, att), MEETING_VIEWER_NO_FLOOR);
  assert_int_equal(meeting_room_may_publish(&f->c, pres), MEETING_OK);
  att->has_floor = true;
  assert_int_equal(meeting_room_may_publish(&f->c, att), MEETING_OK);
  f->c.m.event_mode = false; /* a plain meeting: attendees publish */
  att->has_floor = false;
  assert_int_equal(meeting_room_may_publish(&f->c, att), MEETING_OK);
  assert_false(meeting_room_needs_floor(&f->c, att));
}

static void test_lock(void **state) {
  fixture *f = *state;
  meeting_actor by = actor(1, "김진행", MC_HOST);
  assert_true(meeting_room_set_locked(&f->c, true, &by, &f->l));
  assert_false(meeting_room_set_locked(&f->c, true, &by, &f->l)); /* already: nobody is told */
  assert_true(f->c.locked);
  assert_int_equal(f->h.n, 1);
  assert_string_equal(f->h.calls[0], "locked 7 1 by 1 김진행");
  assert_true(meeting_room_set_locked(&f->c, false, &by, &f->l));
  assert_false(f->c.locked);
  assert_int_equal(f->h.n, 2);
  assert_string_equal(f->h.calls[1], "locked 7 0 by 1 김진행");
}

static void test_hand(void **state) {
  fixture *f = *state;
  participant *cohost = join(f, 11, 1, "공동", MC_COHOST);
  participant *att = join(f, 12, 2, "참석", MC_ATTENDEE);
  participant *other = join(f, 13, 3, "다른", MC_ATTENDEE);
  participant *p = NULL;
  /* One's own hand: 0 or one's own id. */
  assert_int_equal(meeting_room_hand_target(f->r, att, 0, true, &p), MEETING_OK);
  assert_ptr_equal(p, att);
  meeting_actor by_att = actor(2, "참석", MC_ATTENDEE);
  assert_true(meeting_room_set_hand(att, true, &by_att, &f->l));
  assert_false(meeting_room_set_hand(att, true, &by_att, &f->l)); /* already up: nobody is told */
  assert_int_equal(f->h.n, 1);
  assert_string_equal(f->h.calls[0], "hand 2 1 by 2");
  /* Nobody raises another's hand; only cohosts and hosts lower it. */
  assert_int_equal(meeting_room_hand_target(f->r, other, att->id, true, &p), MEETING_RAISE_OTHER);
  assert_null(p);
  assert_int_equal(meeting_room_hand_target(f->r, other, att->id, false, &p), MEETING_LOWER_OTHER);
  assert_null(p);
  assert_int_equal(meeting_room_hand_target(f->r, cohost, att->id, true, &p), MEETING_RAISE_OTHER);
  assert_int_equal(meeting_room_hand_target(f->r, cohost, 999, false, &p), MEETING_NO_PARTICIPANT);
  assert_int_equal(meeting_room_hand_target(f->r, cohost, att->id, false, &p), MEETING_OK);
  assert_ptr_equal(p, att);
  meeting_actor by_cohost = actor(1, "공동", MC_COHOST);
  assert_true(meeting_room_set_hand(att, false, &by_cohost, &f->l));
  assert_false(att->hand_raised);
  assert_int_equal(f->h.n, 2);
  assert_string_equal(f->h.calls[1], "hand 2 0 by 1");
}

static void test_targets(void **state) {
  fixture *f = *state;
  participant *host = join(f, 11, 1, "진행", MC_HOST);
  participant *att = join(f, 12, 2, "참석", MC_ATTENDEE);
  meeting_actor cohost = actor(5, "공동", MC_COHOST), as_host = actor(1, "진행", MC_HOST);
  participant *p = (participant *)1;
  assert_int_equal(meeting_room_target(&f->c, f->r, &cohost, 999, &p), MEETING_NO_PARTICIPANT);
  assert_null(p);
  assert_int_equal(meeting_room_target(&f->c, f->r, &cohost, host->id, &p), MEETING_HOST_TARGET);
  assert_null(p);
  assert_int_equal(meeting_room_target(&f->c, f->r, &cohost, att->id, &p), MEETING_OK);
  assert_ptr_equal(p, att);
  /* A host acts on another host (here itself), but does not remove itself. */
  assert_int_equal(meeting_room_target(&f->c, f->r, &as_host, host->id, &p), MEETING_OK);
  assert_int_equal(meeting_room_remove_target(&f->c, f->r, &as_host, host->id, &p), MEETING_REMOVE_SELF);
  assert_null(p);
  assert_int_equal(meeting_room_remove_target(&f->c, f->r, &cohost, host->id, &p), MEETING_HOST_TARGET);
  assert_int_equal(meeting_room_remove_target(&f->c, f->r, &cohost, att->id, &p), MEETING_OK);
  assert_ptr_equal(p, att);
  /* The floor is taken only from whoever has it. */
  assert_int_equal(meeting_room_floor_target(&f->c, f->r, &cohost, att->id, false, &p),
                   MEETING_FLOOR_NOT_HELD);
  assert_null(p);
  assert_int_equal(meeting_room_floor_target(&f->c, f->r, &cohost, att->id, true, &p), MEETING_OK);
  assert_int_equal(meeting_room_floor_target(&f->c, f->r, &cohost, host->id, true, &p), MEETING_HOST_TARGET);
  assert_int_equal(meeting_room_floor_target(&f->c, f->r, &cohost, 999, true, &p), MEETING_NO_PARTICIPANT);
  assert_int_equal(f->h.n, 0); /* checks change nothing and tell nobody */
}

static void test_floor(void **state) {
  fixture *f = *state;
  join(f, 11, 1, "진행", MC_HOST);
  participant *viewer = join(f, 12, 2, "참석", MC_ATTENDEE); /* an event's attendee */
  participant *pres = join(f, 13, 3, "발표", MC_PRESENTER);
  meeting_actor by = actor(1, "진행", MC_HOST);
  uint32_t stopped[ROOM_MAX_PUBLISHED];
  /* Given: the hand goes down, nothing stops. */
  viewer->hand_raised = true;
  assert_int_equal(meeting_room_set_floor(&f->c, f->r, viewer, true, &by, &f->l, stopped), 0);
  assert_true(viewer->has_floor);
  assert_false(viewer->hand_raised);
  assert_int_equal(f->h.n, 1);
  assert_string_equal(f->h.calls[0], "floor 2 1 stopped [] by 1");
  /* The viewer publishes; taking its floor stops its tracks, the last first, before the room is
   * told, and closes its publish transport. */
  uint32_t mic = publish(f, viewer), cam = viewer->pubs[1].producer_id;
  assert_int_not_equal(viewer->pub_tid, 0);
  assert_int_equal(meeting_room_set_floor(&f->c, f->r, viewer, false, &by, &f->l, stopped), 2);
  assert_int_equal(stopped[0], cam);
  assert_int_equal(stopped[1], mic);
  assert_int_equal(viewer->npubs, 0);
  assert_int_equal(viewer->pub_tid, 0);
  assert_false(viewer->has_floor);
  assert_int_equal(f->h.n, 4);
  char line[96];
  snprintf(line, sizeof line, "unpublished %u of 2", cam);
  assert_string_equal(f->h.calls[1], line);
  snprintf(line, sizeof line, "unpublished %u of 2", mic);
  assert_string_equal(f->h.calls[2], line);
  snprintf(line, sizeof line, "floor 2 0 stopped [%u,%u] by 1", cam, mic);
  assert_string_equal(f->h.calls[3], line);
  /* A presenter is no viewer: the floor taken, its tracks stay. */
  publish(f, pres);
  pres->has_floor = true;
  assert_int_equal(meeting_room_set_floor(&f->c, f->r, pres, false, &by, &f->l, stopped), 0);
  assert_int_equal(pres->npubs, 2);
  assert_int_equal(f->h.n, 5);
  assert_string_equal(f->h.calls[4], "floor 3 0 stopped [] by 1");
}

static void test_mute(void **state) {
  fixture *f = *state;
  join(f, 11, 1, "진행", MC_HOST);
  participant *p = join(f, 12, 2, "발표", MC_PRESENTER);
  uint32_t mic = publish(f, p), cam = p->pubs[1].producer_id;
  meeting_actor by = actor(1, "진행", MC_HOST);
  uint32_t tracks[ROOM_MAX_PUBLISHED];
  char line[96];
  assert_int_equal(meeting_room_may_unmute(p, mic), MEETING_OK);
  /* Muted without leave to unmute: the microphone is held. */
  assert_int_equal(meeting_room_mute(f->r, p, "microphone", false, &by, &f->l, tracks), 1);
  assert_int_equal(tracks[0], mic);
  assert_true(p->pubs[0].muted);
  assert_false(p->pubs[1].muted);
  assert_int_equal(f->h.n, 2);
  snprintf(line, sizeof line, "track %u of 2 muted 1", mic);
  assert_string_equal(f->h.calls[0], line);
  snprintf(line, sizeof line, "muted 2 microphone [%u] allow 0 by 1", mic);
  assert_string_equal(f->h.calls[1], line);
  assert_int_equal(meeting_room_may_unmute(p, mic), MEETING_MIC_HELD);
  assert_int_equal(meeting_room_may_unmute(p, cam), MEETING_OK);
  /* Unmuted by p anyway (the registry alone does not ask): a new publish mutes it again. */
  assert_int_equal(rooms_mute(f->r, p, mic, false), 0);
  meeting_room_after_publish(f->r, p);
  assert_true(p->pubs[0].muted);
  assert_int_equal(f->h.n, 4);
  /* Muted again, already muted: reported, but the track is not muted twice. */
  assert_int_equal(meeting_room_mute(f->r, p, "microphone", false, &by, &f->l, tracks), 1);
  assert_int_equal(f->h.n, 5);
  snprintf(line, sizeof line, "muted 2 microphone [%u] allow 0 by 1", mic);
  assert_string_equal(f->h.calls[4], line);
  /* With leave to unmute: the hold is released. */
  assert_int_equal(meeting_room_mute(f->r, p, "microphone", true, &by, &f->l, tracks), 1);
  assert_int_equal(meeting_room_may_unmute(p, mic), MEETING_OK);
  assert_int_equal(rooms_mute(f->r, p, mic, false), 0);
  int before = f->h.n;
  meeting_room_after_publish(f->r, p);
  assert_false(p->pubs[0].muted);
  assert_int_equal(f->h.n, before);
  /* The camera stopped: allowed to start again, the microphone untouched. */
  assert_int_equal(meeting_room_mute(f->r, p, "camera", false, &by, &f->l, tracks), 1);
  assert_true(p->pubs[1].muted);
  assert_false(p->pubs[0].muted);
  snprintf(line, sizeof line, "muted 2 camera [%u] allow 1 by 1", cam);
  assert_string_equal(f->h.calls[f->h.n - 1], line);
  assert_int_equal(meeting_room_may_unmute(p, mic), MEETING_OK);
  /* A source p does not publish: reported with no tracks. */
  assert_int_equal(meeting_room_mute(f->r, p, "screen", false, &by, &f->l, tracks), 0);
  assert_string_equal(f->h.calls[f->h.n - 1], "muted 2 screen [] allow 1 by 1");
}

static void test_remove(void **state) {
  fixture *f = *state;
  join(f, 11, 1, "진행", MC_HOST);
  participant *a = join(f, 21, 2, "참석", MC_ATTENDEE);
  join(f, 22, 2, "참석", MC_ATTENDEE); /* the same user on a second device */
  join(f, 31, 3, "남음", MC_ATTENDEE);
  meeting_listener quiet = {0};
  assert_true(meeting_lobby_add(&f->c.lobby, 23, 2, "참석", "attendee", T0, &quiet)); /* and a third waits */
  meeting_actor by = actor(1, "진행", MC_HOST);
  assert_int_equal(meeting_room_remove(&f->c, f->r, a, "소란", &by, &f->l), 2);
  /* The room is told once, then each connection (in the registry's order, the latest first), each
   * leaving right after; the wait ends silently. */
  assert_int_equal(f->h.n, 5);
  assert_string_equal(f->h.calls[0], "removed 2 user 2 (소란) by 1");
  assert_string_equal(f->h.calls[1], "removed connection 22 of room 7 (소란)");
  assert_string_equal(f->h.calls[2], "left room 7 session 22 removed");
  assert_string_equal(f->h.calls[3], "removed connection 21 of room 7 (소란)");
  assert_string_equal(f->h.calls[4], "left room 7 session 21 removed");
  assert_null(f->c.lobby.first);
  live_room *lr = rooms_find(f->r, 7);
  assert_int_equal(lr->count, 2);
  for (participant *q = lr->members; q; q = q->next) assert_int_not_equal(q->user_id, 2);
}

static void test_end(void **state) {
  fixture *f = *state;
  join(f, 11, 1, "진행", MC_HOST);
  join(f, 12, 2, "참석", MC_ATTENDEE);
  meeting_listener quiet = {0};
  assert_true(meeting_lobby_add(&f->c.lobby, 31, 3, "대기", "attendee", T0, &quiet));
  assert_true(meeting_lobby_add(&f->c.lobby, 41, 4, "대기2", "guest", T0, &quiet));
  f->c.locked = true;
  meeting_actor by = actor(1, "진행", MC_HOST);
  assert_int_equal(meeting_room_end(&f->c, f->r, &by, &f->l), 2);
  /* The lobby first (first come first), then each participant (the registry's order, the latest
   * first), who leaves right after. */
  assert_int_equal(f->h.n, 6);
  assert_string_equal(f->h.calls[0], "ended 7 session 31 by 1");
  assert_string_equal(f->h.calls[1], "ended 7 session 41 by 1");
  assert_string_equal(f->h.calls[2], "ended 7 session 12 by 1");
  assert_string_equal(f->h.calls[3], "left room 7 session 12 meeting_ended");
  assert_string_equal(f->h.calls[4], "ended 7 session 11 by 1");
  assert_string_equal(f->h.calls[5], "left room 7 session 11 meeting_ended");
  assert_null(f->c.lobby.first);
  assert_null(rooms_find(f->r, 7));
  assert_false(f->c.locked);
  /* Nobody left: nobody is told. */
  assert_int_equal(meeting_room_end(&f->c, f->r, &by, &f->l), 0);
  assert_int_equal(f->h.n, 6);
}

/* ---- entering: room 7 is meeting 3 with an agenda read from a database ---- */

static const char *FIXTURE = STORE_TEST_CONSORTIUM
    "INSERT INTO users(id, email, name, password_hash) VALUES (1, 'h@1', '김진행', 'x');"
    "INSERT INTO rooms(id, consortium_id, name) VALUES (7, 1, '회의실');"
    "INSERT INTO meetings(id, consortium_id, room_id, title, starts_at, ends_at, last_ends_at, created_by)"
    " VALUES (3, 1, 7, '출범식', 2000000000, 2000003600, 2000003600, 1);"
    "INSERT INTO meeting_segments(meeting_id, position, start_offset_s, length_s, item, speaker, press_open)"
    " VALUES (3, 1, 0, 600, '개회사', '김진행', 1), (3, 2, 600, 600, '경과 보고', '', 0);";

static int db_setup(void **state) { return store_test_setup(state, FIXTURE); }

static void test_entry(void **state) {
  moa_db *db = *state;
  meeting_room c = {.room = {.id = 7}, .is_meeting = true, .m = {.id = 3}};
  meeting_agenda_load(&c.agenda, db, 7, 3, T0, T0);
  assert_int_equal(c.agenda.nseg, 2);
  const int64_t now = T0 + 10;
  meeting_entry_facts att = {.rank = MC_ATTENDEE}, cohost = {.rank = MC_COHOST};
  assert_int_equal(meeting_room_entry(&c, &att, now), MEETING_ENTER);
  /* Not invited: nothing else matters. */
  meeting_entry_facts none = {.rank = MC_NONE, .banned = true};
  assert_int_equal(meeting_room_entry(&c, &none, now), MEETING_NOT_INVITED);
  /* Ended by a host during this occurrence (not before it). */
  meeting_entry_facts f = att;
  f.ended_at = T0 - 1;
  assert_int_equal(meeting_room_entry(&c, &f, now), MEETING_ENTER);
  f.ended_at = T0 + 5;
  assert_int_equal(meeting_room_entry(&c, &f, now), MEETING_ENDED);
  cohost.ended_at = T0 + 5; /* even for hosts */
  assert_int_equal(meeting_room_entry(&c, &cohost, now), MEETING_ENDED);
  cohost.ended_at = 0;
  /* Cancelled comes before ended. */
  c.m.cancelled = true;
  assert_int_equal(meeting_room_entry(&c, &f, now), MEETING_CANCELLED);
  c.m.cancelled = false;
  /* Removed. */
  f = att;
  f.banned = true;
  assert_int_equal(meeting_room_entry(&c, &f, now), MEETING_REMOVED);
  /* A guest of the first segment: in during it, out once the agenda passed it. */
  meeting_entry_facts guest = {.rank = MC_GUEST, .until_segment = 1};
  assert_int_equal(meeting_room_entry(&c, &guest, now), MEETING_ENTER);
  assert_int_equal(meeting_room_entry(&c, &guest, T0 + 600), MEETING_PAST_SCOPE);
  guest.banned = true; /* removal is told first */
  assert_int_equal(meeting_room_entry(&c, &guest, T0 + 600), MEETING_REMOVED);
  /* Locked: cohosts and hosts still enter. */
  c.locked = true;
  assert_int_equal(meeting_room_entry(&c, &att, now), MEETING_LOCKED);
  assert_int_equal(meeting_room_entry(&c, &cohost, now), MEETING_ENTER);
  c.locked = false;
  /* Full at capacity (not below it), cohosts and hosts still enter. */
  c.m.capacity = 2;
  f = att;
  f.live_count = 1;
  assert_int_equal(meeting_room_entry(&c, &f, now), MEETING_ENTER);
  f.live_count = 2;
  assert_int_equal(meeting_room_entry(&c, &f, now), MEETING_FULL);
  cohost.live_count = 2;
  assert_int_equal(meeting_room_entry(&c, &cohost, now), MEETING_ENTER);
  c.locked = true; /* locked is told before full */
  assert_int_equal(meeting_room_entry(&c, &f, now), MEETING_LOCKED);
  c.locked = false;
  c.m.capacity = 0;
  /* A lobby: below cohost one passes it; cohosts go straight in. */
  c.m.lobby = true;
  assert_int_equal(meeting_room_entry(&c, &att, now), MEETING_LOBBY);
  assert_int_equal(meeting_room_entry(&c, &guest, now), MEETING_REMOVED);
  assert_int_equal(meeting_room_entry(&c, &cohost, now), MEETING_ENTER);
  /* A room that is no meeting: no end, capacity or lobby of a meeting applies; its lock does. */
  meeting_room room = {.room = {.id = 8}, .locked = true, .m = {.lobby = true, .capacity = 1}};
  f = att;
  f.ended_at = T0 + 5;
  f.live_count = 5;
  assert_int_equal(meeting_room_entry(&room, &f, now), MEETING_LOCKED);
  room.locked = false;
  assert_int_equal(meeting_room_entry(&room, &f, now), MEETING_ENTER);
  /* Admissions count from a day before the occurrence, or from a later end by a host. */
  assert_int_equal(meeting_room_admissions_since(&c, 0), T0 - 86400);
  assert_int_equal(meeting_room_admissions_since(&c, T0 - 90000), T0 - 86400);
  assert_int_equal(meeting_room_admissions_since(&c, T0 - 100), T0 - 100);
  meeting_room_clear(&c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ranks),
      cmocka_unit_test_setup_teardown(test_viewers_and_media, fixture_setup, fixture_teardown),
      cmocka_unit_test_setup_teardown(test_lock, fixture_setup, fixture_teardown),
      cmocka_unit_test_setup_teardown(test_hand, fixture_setup, fixture_teardown),
      cmocka_unit_test_setup_teardown(test_targets, fixture_setup, fixture_teardown),
      cmocka_unit_test_setup_teardown(test_floor, fixture_setup, fixture_teardown),
      cmocka_unit_test_setup_teardown(test_mute, fixture_setup, fixture_teardown),
      cmocka_unit_test_setup_teardown(test_remove, fixture_setup, fixture_teardown),
      cmocka_unit_test_setup_teardown(test_end, fixture_setup, fixture_teardown),
      cmocka_unit_test_setup_teardown(test_entry, db_setup, store_test_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
