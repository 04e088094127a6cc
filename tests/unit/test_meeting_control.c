/* Unit tests of the pure and stored parts of running a meeting: the agenda clock position
 * (before, during, gaps, after; the launch-event agenda), and storage/moderation_store on a
 * ":memory:" database (log order and paging, names, NULL actors, long detail cut on a UTF-8
 * boundary, admissions undone by a later removal, removals idempotent and lifted once, a
 * meeting's end). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

// clang-format off
#include <cmocka.h>
// clang-format on

#include "signaling/meeting_control.h"
#include "storage/moderation_store.h"
#include "store_test_support.h"

static void test_clock_position(void **state) {
  (void)state;
  /* The launch event (data/launch-event.tsv): minutes 0,20,25,29,33,43,48,55,60,115; lengths. */
  const int64_t m[] = {0, 20, 25, 29, 33, 43, 48, 55, 60, 115}, len[] = {20, 5, 4, 4, 10, 5, 7, 5, 55, 5};
  int64_t starts[10], lengths[10];
  for (int i = 0; i < 10; i++) {
    starts[i] = m[i] * 60;
    lengths[i] = len[i] * 60;
  }
  const int64_t t0 = 1736992800; /* 2025-01-16 14:00 KST */
  assert_int_equal(mc_agenda_clock_position(starts, lengths, 10, t0, t0 - 1), 0);
  assert_int_equal(mc_agenda_clock_position(starts, lengths, 10, t0, t0), 1);
  assert_int_equal(mc_agenda_clock_position(starts, lengths, 10, t0, t0 + 20 * 60 - 1), 1);
  assert_int_equal(mc_agenda_clock_position(starts, lengths, 10, t0, t0 + 20 * 60), 2);
  assert_int_equal(mc_agenda_clock_position(starts, lengths, 10, t0, t0 + 33 * 60 - 1), 4);
  assert_int_equal(mc_agenda_clock_position(starts, lengths, 10, t0, t0 + 33 * 60), 5); /* press scope ends */
  assert_int_equal(mc_agenda_clock_position(starts, lengths, 10, t0, t0 + 120 * 60 - 1), 10);
  assert_int_equal(mc_agenda_clock_position(starts, lengths, 10, t0, t0 + 120 * 60), 11);
  assert_int_equal(mc_agenda_clock_position(starts, lengths, 10, t0, t0 + 10 * 86400), 11);
  /* A gap after a segment counts as that segment running over. */
  const int64_t gs[] = {0, 600}, gl[] = {60, 60};
  assert_int_equal(mc_agenda_clock_position(gs, gl, 2, 100, 100 + 300), 1);
  assert_int_equal(mc_agenda_clock_position(gs, gl, 2, 100, 100 + 600), 2);
  assert_int_equal(mc_agenda_clock_position(gs, gl, 2, 100, 100 + 660), 3);
  /* No agenda: never running. */
  assert_int_equal(mc_agenda_clock_position(NULL, NULL, 0, 100, 1000), 0);
}

static const char *FIXTURE = STORE_TEST_CONSORTIUM
    "INSERT INTO users(id, email, name, password_hash) VALUES (1, 'h@1', '김진행', 'x'), (2, 'a@1', "
    "'이참석', 'x');"
    "INSERT INTO rooms(id, consortium_id, name) VALUES (7, 1, '회의실'), (8, 1, '다른 방');";

static int setup(void **state) { return store_test_setup(state, FIXTURE); }

/* The rows moderation_store_log reads, copied (its strings live only during the callback). */
typedef struct log_row {
  int64_t id, actor_id, at;
  char action[32], actor_name[128], target_name[128], detail[MODERATION_DETAIL_MAX + 1];
} log_row;

typedef struct log_rows {
  log_row row[8];
  size_t n;
} log_rows;

static int collect(void *ctx, const moderation_entry *e) {
  log_rows *rows = ctx;
  assert_true(rows->n < 8);
  log_row *r = &rows->row[rows->n++];
  r->id = e->id;
  r->actor_id = e->actor_id;
  r->at = e->at;
  snprintf(r->action, sizeof r->action, "%s", e->action);
  snprintf(r->actor_name, sizeof r->actor_name, "%s", e->actor_name);
  snprintf(r->target_name, sizeof r->target_name, "%s", e->target_name);
  snprintf(r->detail, sizeof r->detail, "%s", e->detail);
  return 0;
}

static void test_log(void **state) {
  moa_db *db = *state;
  assert_true(moderation_store_record(db, 7, 0, 1, "lock", 0, "", 100) > 0);
  assert_true(moderation_store_record(db, 7, 0, 1, "remove", 2, "회의 방해", 101) > 0);
  assert_true(moderation_store_record(db, 7, 0, 0, "auto_remove", 2, NULL, 102) > 0);
  assert_true(moderation_store_record(db, 8, 0, 1, "end", 0, "", 103) > 0);
  log_rows rows = {0};
  assert_int_equal(moderation_store_log(db, 7, 0, 100, collect, &rows), 0);
  assert_int_equal(rows.n, 3);         /* only room 7 */
  const log_row *first = &rows.row[0]; /* newest first */
  assert_string_equal(first->action, "auto_remove");
  assert_int_equal(first->actor_id, 0); /* the server */
  assert_string_equal(first->detail, "");
  const log_row *second = &rows.row[1];
  assert_string_equal(second->actor_name, "김진행");
  assert_string_equal(second->target_name, "이참석");
  assert_string_equal(second->detail, "회의 방해");
  assert_int_equal(second->at, 101);
  /* Paging: before the second row, one at a time. */
  log_rows older = {0};
  assert_int_equal(moderation_store_log(db, 7, second->id, 1, collect, &older), 0);
  assert_int_equal(older.n, 1);
  assert_string_equal(older.row[0].action, "lock");
  /* Limits are clamped. */
  log_rows one = {0};
  assert_int_equal(moderation_store_log(db, 7, 0, 0, collect, &one), 0);
  assert_int_equal(one.n, 1);
}

static int stop_at_first(void *ctx, const moderation_entry *e) {
  (void)e;
  ++*(int *)ctx;
  return 1;
}

static void test_log_callback_stops(void **state) {
  moa_db *db = *state;
  assert_true(moderation_store_record(db, 7, 0, 1, "lock", 0, "", 100) > 0);
  assert_true(moderation_store_record(db, 7, 0, 1, "unlock", 0, "", 101) > 0);
  int calls = 0;
  assert_int_equal(moderation_store_log(db, 7, 0, 100, stop_at_first, &calls), -1);
  assert_int_equal(calls, 1);
}

static void test_long_detail_cut_on_character(void **state) {
  moa_db *db = *state;
  char detail[2000] = "";
  for (int i = 0; i < 300; i++) strcat(detail, "가"); /* 3 bytes each: 900 bytes */
  assert_true(moderation_store_record(db, 7, 0, 1, "remove", 2, detail, 100) > 0);
  log_rows rows = {0};
  assert_int_equal(moderation_store_log(db, 7, 0, 1, collect, &rows), 0);
  const char *kept = rows.row[0].detail;
  assert_true(strlen(kept) <= MODERATION_DETAIL_MAX);
  assert_int_equal(strlen(kept) % 3, 0);
  /* whole characters only: the kept bytes are a prefix of the 3-byte characters sent */
  assert_memory_equal(kept, detail, strlen(kept));
}

/* Admissions as read back from the log: the latest of admit / deny / remove / auto_remove of that
 * user in that room since the given time decides. */
static void test_admitted_since(void **state) {
  moa_db *db = *state;
  assert_int_equal(moderation_store_admitted_since(db, 7, 2, 0), 0); /* never admitted */
  assert_true(moderation_store_record(db, 7, 5, 1, "admit", 2, "", 100) > 0);
  assert_true(moderation_store_record(db, 7, 5, 1, "mute", 2, "microphone", 110) > 0); /* no bearing */
  assert_int_equal(moderation_store_admitted_since(db, 7, 2, 0), 1);
  assert_int_equal(moderation_store_admitted_since(db, 7, 2, 100), 1); /* at the bound counts */
  assert_int_equal(moderation_store_admitted_since(db, 7, 2, 101), 0); /* an older occurrence's */
  assert_int_equal(moderation_store_admitted_since(db, 7, 1, 0), 0);   /* someone else */
  assert_int_equal(moderation_store_admitted_since(db, 8, 2, 0), 0);   /* another room */
  assert_true(moderation_store_record(db, 7, 5, 1, "remove", 2, "", 120) > 0);
  assert_int_equal(moderation_store_admitted_since(db, 7, 2, 0), 0); /* removed since */
  assert_true(moderation_store_record(db, 7, 5, 1, "readmit", 2, "", 130) > 0);
  assert_int_equal(moderation_store_admitted_since(db, 7, 2, 0), 0); /* readmitted: waits again */
  assert_true(moderation_store_record(db, 7, 5, 1, "admit", 2, "", 140) > 0);
  assert_int_equal(moderation_store_admitted_since(db, 7, 2, 0), 1);
  assert_true(moderation_store_record(db, 7, 5, 0, "auto_remove", 2, "agenda left segment 1", 150) > 0);
  assert_int_equal(moderation_store_admitted_since(db, 7, 2, 0), 0);
  assert_true(moderation_store_record(db, 8, 0, 1, "deny", 2, "", 160) > 0);
  assert_int_equal(moderation_store_admitted_since(db, 8, 2, 0), 0);
}

static void test_bans_and_end(void **state) {
  moa_db *db = *state;
  assert_int_equal(moderation_store_is_banned(db, 7, 2), 0);
  assert_int_equal(moderation_store_ban(db, 7, 2, 1, 100), 0);
  assert_int_equal(moderation_store_ban(db, 7, 2, 1, 101), 0); /* idempotent */
  assert_int_equal(moderation_store_is_banned(db, 7, 2), 1);
  assert_int_equal(moderation_store_is_banned(db, 8, 2), 0); /* per room */
  assert_int_equal(moderation_store_unban(db, 7, 2), 1);
  assert_int_equal(moderation_store_unban(db, 7, 2), 0);
  assert_int_equal(moderation_store_is_banned(db, 7, 2), 0);
  assert_int_equal(moderation_store_ban(db, 7, 99, 1, 100), -1); /* no such user: refused */
  int64_t ended = -5;
  assert_int_equal(moderation_store_ended_at(db, 7, &ended), 0);
  assert_int_equal(ended, 0);
  assert_int_equal(moderation_store_set_ended(db, 7, 500), 0);
  assert_int_equal(moderation_store_ended_at(db, 7, &ended), 0);
  assert_int_equal(ended, 500);
  assert_int_equal(moderation_store_set_ended(db, 7, 0), 0);
  assert_int_equal(moderation_store_ended_at(db, 7, &ended), 0);
  assert_int_equal(ended, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_clock_position),
      cmocka_unit_test_setup_teardown(test_log, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_log_callback_stops, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_long_detail_cut_on_character, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_admitted_since, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_bans_and_end, setup, store_test_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
