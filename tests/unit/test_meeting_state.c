/* Unit tests of the rooms-level meeting state, without the protocol. rooms/meeting_agenda.c: read
 * from a ":memory:" database (segments as C structs, the occurrence), following the clock (the
 * tick moves it once per change), moved by hand (next, finished, follow the clock again), guests
 * whose scope ended taken out of a live room. rooms/meeting_lobby.c: first come first listed,
 * leaving, admitting and denying every wait of a user, a removed user dropped silently. And what
 * the meeting_listener hears, in order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

// clang-format off
#include <cmocka.h>
// clang-format on

#include "rooms/meeting_agenda.h"
#include "rooms/meeting_lobby.h"
#include "rooms/rooms_media.h"
#include "rooms_test_support.h"
#include "store_test_support.h"

#define T0 2000000000 /* the meeting's start */

/* Meeting 3 in room 7: three segments, a gap between the second and the third. */
static const char *FIXTURE = STORE_TEST_CONSORTIUM
    "INSERT INTO users(id, email, name, password_hash) VALUES (1, 'h@1', '김진행', 'x'), (2, 'g@1', "
    "'박기자', 'x'), (3, 'a@1', '이참석', 'x');"
    "INSERT INTO rooms(id, consortium_id, name) VALUES (7, 1, '회의실'), (8, 1, '다른 방');"
    "INSERT INTO meetings(id, consortium_id, room_id, title, starts_at, ends_at, last_ends_at, created_by)"
    " VALUES (3, 1, 7, '출범식', 2000000000, 2000003600, 2000003600, 1);"
    "INSERT INTO meeting_segments(meeting_id, position, start_offset_s, length_s, item, speaker, press_open)"
    " VALUES (3, 1, 0, 600, '개회사', '김진행', 1), (3, 2, 600, 600, '경과 보고', '', 0),"
    " (3, 3, 1500, 300, '폐회', '이참석', 0);";

static int setup(void **state) { return store_test_setup(state, FIXTURE); }

/* What the listener heard, in order. */
typedef struct heard {
  char calls[16][48];
  int n;
  int moved_to[16];
} heard;

static void note(heard *h, const char *what) {
  assert_true(h->n < 16);
  snprintf(h->calls[h->n++], sizeof h->calls[0], "%s", what);
}

static void agenda_moved(void *ctx, const meeting_agenda *a, int64_t now) {
  heard *h = ctx;
  (void)now;
  h->moved_to[h->n] = a->position;
  note(h, "moved");
}

static void guest_out_of_scope(void *ctx, const meeting_agenda *a, participant *p) {
  heard *h = ctx;
  char what[48];
  snprintf(what, sizeof what, "out of scope %lld until %d at %d", (long long)p->user_id, p->until_segment,
           a->position);
  note(h, what);
}

/* The waiting list as "user:session,user:session". */
static void lobby_changed(void *ctx, int64_t room_id, const lobby_entry *waiting) {
  char what[48] = "", *w = what;
  for (const lobby_entry *e = waiting; e; e = e->next)
    w += snprintf(w, (size_t)(what + sizeof what - w), "%s%lld:%llu", w == what ? "" : ",",
                  (long long)e->user_id, (unsigned long long)e->session_id);
  char line[64];
  snprintf(line, sizeof line, "lobby %lld [%s]", (long long)room_id, what);
  note(ctx, line);
}

static void lobby_denied(void *ctx, int64_t room_id, const lobby_entry *e, const char *reason) {
  char line[64];
  snprintf(line, sizeof line, "denied %lld %lld:%llu %s", (long long)room_id, (long long)e->user_id,
           (unsigned long long)e->session_id, reason);
  note(ctx, line);
}

static meeting_listener listener_for(heard *h) {
  return (meeting_listener){.ctx = h,
                            .agenda_moved = agenda_moved,
                            .guest_out_of_scope = guest_out_of_scope,
                            .lobby_changed = lobby_changed,
                            .lobby_denied = lobby_denied};
}

static void test_load(void **state) {
  moa_db *db = *state;
  meeting_agenda a = {0};
  meeting_agenda_load(&a, db, 7, 3, T0, T0 - 100);
  assert_int_equal(a.room_id, 7);
  assert_int_equal(a.meeting_id, 3);
  assert_int_equal(a.occurrence, T0);
  assert_int_equal(a.nseg, 3);
  const agenda_segment *g = meeting_agenda_segment(&a, 1);
  assert_non_null(g);
  assert_string_equal(g->item, "개회사");
  assert_string_equal(g->speaker, "김진행");
  assert_true(g->press_open);
  g = meeting_agenda_segment(&a, 3);
  assert_int_equal(g->start_offset_s, 1500);
  assert_int_equal(g->length_s, 300);
  assert_string_equal(g->speaker, "이참석");
  assert_false(g->press_open);
  assert_null(meeting_agenda_segment(&a, 0));
  assert_null(meeting_agenda_segment(&a, 4));
  assert_int_equal(meeting_agenda_withdraw_chat(&a, db, 2), 0); /* no guests: nothing to withdraw */
  /* A room that is no meeting has no agenda; a reload replaces what was read. */
  meeting_agenda_load(&a, db, 8, 0, 0, T0);
  assert_int_equal(a.nseg, 0);
  assert_int_equal(a.meeting_id, 0);
  assert_int_equal(meeting_agenda_position(&a, T0), 0);
  meeting_agenda_clear(&a);
}

static void test_clock_and_tick(void **state) {
  moa_db *db = *state;
  meeting_agenda a = {0};
  heard h = {0};
  meeting_listener l = listener_for(&h);
  meeting_agenda_load(&a, db, 7, 3, T0, T0);
  assert_int_equal(meeting_agenda_position(&a, T0 - 1), 0);
  assert_int_equal(meeting_agenda_position(&a, T0), 1);
  assert_int_equal(meeting_agenda_position(&a, T0 + 1300), 2); /* the gap: the second runs over */
  assert_int_equal(meeting_agenda_position(&a, T0 + 1800), 4);
  /* The tick moves it once per change and tells the listener each time. */
  assert_false(meeting_agenda_tick(&a, NULL, db, T0 - 1, &l));
  assert_int_equal(h.n, 0);
  assert_true(meeting_agenda_tick(&a, NULL, db, T0 + 5, &l));
  assert_false(meeting_agenda_tick(&a, NULL, db, T0 + 6, &l));
  assert_true(meeting_agenda_tick(&a, NULL, db, T0 + 1800, &l));
  assert_int_equal(h.n, 2);
  assert_string_equal(h.calls[0], "moved");
  assert_int_equal(h.moved_to[0], 1);
  assert_int_equal(h.moved_to[1], 4);
  assert_true(meeting_agenda_finished(&a));
  meeting_agenda_clear(&a);
}

static void test_manual(void **state) {
  moa_db *db = *state;
  meeting_agenda a = {0};
  heard h = {0};
  meeting_listener l = listener_for(&h);
  meeting_agenda_load(&a, db, 7, 3, T0, T0);
  a.position = meeting_agenda_position(&a, T0 + 10);
  assert_int_equal(a.position, 1);
  /* A host moves on: the agenda stops following the clock. */
  assert_true(meeting_agenda_next(&a, NULL, db, T0 + 20, &l));
  assert_int_equal(a.position, 2);
  assert_true(a.manual);
  assert_int_equal(a.manual_at, T0 + 20);
  assert_int_equal(meeting_agenda_position(&a, T0 + 1800), 2);
  assert_false(meeting_agenda_tick(&a, NULL, db, T0 + 1800, &l));
  assert_true(meeting_agenda_next(&a, NULL, db, T0 + 30, &l));
  assert_true(meeting_agenda_next(&a, NULL, db, T0 + 40, &l));
  assert_true(meeting_agenda_finished(&a));
  assert_int_equal(a.position, 4);
  /* Finished: nothing changes, nobody is told. */
  assert_false(meeting_agenda_next(&a, NULL, db, T0 + 50, &l));
  assert_int_equal(a.position, 4);
  assert_int_equal(h.n, 3);
  /* Following the clock again: back to the clock's position, and the tick follows it. */
  meeting_agenda_follow_clock(&a, NULL, db, T0 + 60, &l);
  assert_false(a.manual);
  assert_int_equal(a.position, 1);
  assert_int_equal(h.n, 4);
  assert_int_equal(h.moved_to[3], 1);
  assert_true(meeting_agenda_tick(&a, NULL, db, T0 + 700, &l));
  assert_int_equal(a.position, 2);
  /* set cuts the position to 0..nseg + 1 */
  meeting_agenda_set(&a, NULL, db, 99, T0 + 800, &l);
  assert_int_equal(a.position, 4);
  meeting_agenda_set(&a, NULL, db, -3, T0 + 800, &l);
  assert_int_equal(a.position, 0);
  meeting_agenda_clear(&a);
}

static void test_past_scope(void **state) {
  moa_db *db = *state;
  meeting_agenda a = {0};
  assert_false(meeting_agenda_past_scope(&a, 1, 2)); /* no agenda: no scope */
  meeting_agenda_load(&a, db, 7, 3, T0, T0);
  assert_false(meeting_agenda_past_scope(&a, 0, 4)); /* the whole meeting */
  assert_false(meeting_agenda_past_scope(&a, 1, 1));
  assert_true(meeting_agenda_past_scope(&a, 1, 2));
  assert_true(meeting_agenda_past_scope(&a, 2, 4));
  meeting_agenda_clear(&a);
}

/* ---- a live room: a registry with media that accepts every command ---- */

/* The registry's listener: only who left, and why, is noted (in the same list). */
static void on_removed(void *ctx, live_room *lr, const participant *p, const char *reason) {
  char what[48];
  (void)lr;
  snprintf(what, sizeof what, "left %lld %s", (long long)p->user_id, reason ? reason : "-");
  note(ctx, what);
}

static void test_guests_out_of_scope(void **state) {
  moa_db *db = *state;
  heard h = {0};
  rooms_media media = rooms_test_media();
  rooms_listener rl = rooms_test_listener(&h);
  rl.participant_removed = on_removed;
  rooms *r = rooms_new(&media, &rl);
  assert_non_null(r);
  participant *host = rooms_join(r, 11, 1, 7, 1, "김진행", 0, T0);
  participant *press = rooms_join(r, 12, 2, 7, 1, "박기자", 0, T0);
  participant *other = rooms_join(r, 13, 3, 8, 1, "이참석", 0, T0); /* a guest, but in another room */
  assert_non_null(host);
  assert_non_null(press);
  assert_non_null(other);
  press->until_segment = 1;
  other->until_segment = 1;

  meeting_agenda a = {0};
  meeting_listener l = listener_for(&h);
  meeting_agenda_load(&a, db, 7, 3, T0, T0);
  assert_true(meeting_agenda_tick(&a, r, db, T0, &l)); /* the first segment: the press stays */
  assert_int_equal(h.n, 1);
  assert_int_equal(rooms_find(r, 7)->count, 2);
  /* The agenda leaves the press's segment: told first, then the guest leaves ("expired"). */
  assert_true(meeting_agenda_tick(&a, r, db, T0 + 600, &l));
  assert_int_equal(h.n, 4);
  assert_string_equal(h.calls[1], "moved");
  assert_int_equal(h.moved_to[1], 2);
  assert_string_equal(h.calls[2], "out of scope 2 until 1 at 2");
  assert_string_equal(h.calls[3], "left 2 expired");
  live_room *lr = rooms_find(r, 7);
  assert_int_equal(lr->count, 1);
  assert_ptr_equal(lr->members, host);
  assert_int_equal(rooms_find(r, 8)->count, 1); /* another room's guest is not this agenda's */
  /* A later move finds nobody more to remove. */
  assert_true(meeting_agenda_tick(&a, r, db, T0 + 1500, &l));
  assert_int_equal(h.n, 5);
  assert_string_equal(h.calls[4], "moved");
  meeting_agenda_clear(&a);
  rooms_free(r);
}

static void test_lobby(void **state) {
  (void)state;
  heard h = {0};
  meeting_listener l = listener_for(&h);
  meeting_lobby lb = {.room_id = 7};
  assert_true(meeting_lobby_add(&lb, 21, 2, "박기자", "press", T0, &l));
  assert_true(meeting_lobby_add(&lb, 31, 3, "이참석", "attendee", T0 + 1, &l));
  assert_true(meeting_lobby_add(&lb, 22, 2, "박기자", "press", T0 + 2, &l)); /* a second device */
  assert_int_equal(h.n, 3);
  assert_string_equal(h.calls[0], "lobby 7 [2:21]");
  assert_string_equal(h.calls[2], "lobby 7 [2:21,3:31,2:22]");
  assert_string_equal(lb.first->name, "박기자");
  assert_string_equal(lb.first->role, "press");
  assert_int_equal(lb.first->since, T0);
  assert_true(meeting_lobby_has_user(&lb, 3));
  assert_false(meeting_lobby_has_user(&lb, 4));
  /* A session that did not wait: nothing changes, nobody is told. */
  assert_false(meeting_lobby_leave(&lb, 99, &l));
  assert_int_equal(h.n, 3);
  /* Admitting a user takes all its waits, the latest first, at most max ids. */
  uint64_t ids[4] = {0};
  assert_int_equal(meeting_lobby_admit(&lb, 2, ids, 4, &l), 2);
  assert_int_equal(ids[0], 22);
  assert_int_equal(ids[1], 21);
  assert_string_equal(h.calls[3], "lobby 7 [3:31]");
  assert_false(meeting_lobby_has_user(&lb, 2));
  /* Denied: each wait is told, then the hosts. */
  assert_true(meeting_lobby_add(&lb, 32, 3, "이참석", "attendee", T0 + 3, &l));
  assert_int_equal(meeting_lobby_deny(&lb, 3, "자리 없음", &l), 2);
  assert_int_equal(h.n, 8);
  assert_string_equal(h.calls[4], "lobby 7 [3:31,3:32]");
  assert_string_equal(h.calls[5], "denied 7 3:32 자리 없음");
  assert_string_equal(h.calls[6], "denied 7 3:31 자리 없음");
  assert_string_equal(h.calls[7], "lobby 7 []");
  assert_null(lb.first);
  meeting_lobby_clear(&lb);
}

static void test_lobby_leave_and_drop(void **state) {
  (void)state;
  heard h = {0};
  meeting_listener l = listener_for(&h);
  meeting_lobby lb = {.room_id = 8};
  assert_true(meeting_lobby_add(&lb, 21, 2, "박기자", "press", T0, &l));
  assert_true(meeting_lobby_add(&lb, 31, 3, "이참석", "attendee", T0, &l));
  assert_true(meeting_lobby_add(&lb, 41, 4, "최손님", "guest", T0, &l));
  assert_true(meeting_lobby_leave(&lb, 31, &l)); /* the session closed */
  assert_string_equal(h.calls[3], "lobby 8 [2:21,4:41]");
  /* A removed user's waits end without a word to anyone. */
  meeting_lobby_drop_user(&lb, 2);
  assert_int_equal(h.n, 4);
  assert_int_equal(lb.first->user_id, 4);
  assert_null(lb.first->next);
  /* Admitting with room for fewer ids than waits: the count is what went to out. */
  assert_true(meeting_lobby_add(&lb, 42, 4, "최손님", "guest", T0, &l));
  uint64_t id = 0;
  assert_int_equal(meeting_lobby_admit(&lb, 4, &id, 1, &l), 1);
  assert_int_equal(id, 42);
  assert_null(lb.first);
  /* clear frees what waits, silently */
  assert_true(meeting_lobby_add(&lb, 51, 5, "정대기", "attendee", T0, &l));
  int before = h.n;
  meeting_lobby_clear(&lb);
  assert_null(lb.first);
  assert_int_equal(h.n, before);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_load, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_clock_and_tick, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_manual, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_past_scope, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_guests_out_of_scope, setup, store_test_teardown),
      cmocka_unit_test(test_lobby),
      cmocka_unit_test(test_lobby_leave_and_drop),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
