/* Unit tests of storage/recording_store on ":memory:" databases: a recording's life (create,
 * stop, degraded, finalized with its files), the lists (meeting, room, unfinished after a crash,
 * older than for retention), deletion with its files, totals for /metrics; file names that could
 * reach the filesystem refused; bad results refused with nothing written; a failing write leaves
 * the row as it was. */
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

#include "recording_test_support.h"
#include "storage/recording_store.h"

/* Consortium 1, user 1, rooms 10 (a meeting's) and 11 (ordinary), meeting 100 in room 10. */
static const char *FIXTURE = RECORDING_TEST_FIXTURE
    "INSERT INTO meetings(id, consortium_id, room_id, title, starts_at, ends_at, last_ends_at) VALUES"
    " (100, 1, 10, '세미나', 1000, 2000, 2000);";

#define NOW 1796083200LL
#define BASE "/var/lib/moa/rec"

static int setup(void **state) {
  if (store_test_setup(state, FIXTURE) != 0) return -1;
  db_set_clock_offset(*state, NOW - db_now(*state));
  return 0;
}

static recording_file file(const char *name, int64_t user, int64_t ms, int64_t bytes) {
  recording_file f;
  memset(&f, 0, sizeof f);
  snprintf(f.name, sizeof f.name, "%s", name);
  f.user_id = user;
  f.duration_ms = ms;
  f.bytes = bytes;
  f.has_video = f.has_audio = true;
  return f;
}

static void test_life(void **state) {
  moa_db *db = *state;
  recording_rec r;
  int64_t id = recording_store_create(db, 10, 100, 1, NOW, BASE, &r);
  assert_true(id > 0);
  assert_int_equal(r.id, id);
  assert_int_equal(r.room_id, 10);
  assert_int_equal(r.meeting_id, 100);
  assert_int_equal(r.started_by, 1);
  assert_int_equal(r.started_at, NOW);
  assert_int_equal(r.stopped_at, 0);
  assert_int_equal(r.state, RECORDING_RECORDING);
  assert_false(r.degraded);
  char want[128];
  snprintf(want, sizeof want, BASE "/%lld/spool", (long long)id);
  assert_string_equal(r.spool_dir, want);
  snprintf(want, sizeof want, BASE "/%lld/files", (long long)id);
  assert_string_equal(r.out_dir, want);

  assert_int_equal(recording_store_set_degraded(db, id), 1);
  assert_int_equal(recording_store_set_degraded(db, id), 1);
  assert_int_equal(recording_store_set_degraded(db, id + 50), 0);
  assert_int_equal(recording_store_stop(db, id, NOW + 30), 1);
  assert_int_equal(recording_store_stop(db, id, NOW + 40), 0); /* stopped once */
  assert_int_equal(recording_store_get(db, id, &r), 1);
  assert_int_equal(r.state, RECORDING_FINALIZING);
  assert_int_equal(r.stopped_at, NOW + 30);
  assert_true(r.degraded);

  recording_file files[3] = {file("1.webm", 1, 30000, 1000), file("meeting.webm", 0, 30100, 5000),
                             file("2.webm", 2, 29000, 900)};
  recording_result res = {RECORDING_INCOMPLETE, 30100, 6900, 3, files, "spool of user 2 cut short"};
  assert_int_equal(recording_store_finalized(db, id, &res), 1);
  assert_int_equal(recording_store_get(db, id, &r), 1);
  assert_int_equal(r.state, RECORDING_INCOMPLETE);
  assert_int_equal(r.duration_ms, 30100);
  assert_int_equal(r.bytes, 6900);
  assert_string_equal(r.error, "spool of user 2 cut short");
  assert_int_equal(r.stopped_at, NOW + 30); /* kept */
  recording_file got[8];
  assert_int_equal(recording_store_files(db, id, got, 8), 3);
  /* participants by name, the composite last */
  assert_string_equal(got[0].name, "1.webm");
  assert_string_equal(got[1].name, "2.webm");
  assert_string_equal(got[2].name, "meeting.webm");
  assert_int_equal(got[2].user_id, 0);
  assert_int_equal(got[1].bytes, 900);
  assert_true(got[0].has_video && got[0].has_audio);
  assert_int_equal(recording_store_files(db, id, got, 1), 1);

  recording_file one;
  assert_int_equal(recording_store_file(db, id, "2.webm", &one), 1);
  assert_int_equal(one.user_id, 2);
  assert_int_equal(recording_store_file(db, id, "3.webm", &one), 0);
  assert_int_equal(recording_store_file(db, id + 1, "2.webm", &one), 0); /* another recording's name */
  assert_int_equal(recording_store_file(db, id, "../2.webm", &one), 0);

  /* finalized again (moa rec finalize): the files are replaced */
  recording_file again[1] = {file("1.webm", 1, 31000, 1200)};
  recording_result res2 = {RECORDING_READY, 31000, 1200, 1, again, NULL};
  assert_int_equal(recording_store_finalized(db, id, &res2), 1);
  assert_int_equal(recording_store_files(db, id, got, 8), 1);
  assert_int_equal(recording_store_get(db, id, &r), 1);
  assert_int_equal(r.state, RECORDING_READY);
  assert_string_equal(r.error, "");
  assert_int_equal(recording_store_finalized(db, id + 99, &res2), 0);

  assert_int_equal(recording_store_delete(db, id), 1);
  assert_int_equal(recording_store_delete(db, id), 0);
  assert_int_equal(recording_store_get(db, id, &r), 0);
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM recording_files"), 0);
  /* an id is never handed out again: it named a directory and URLs */
  assert_true(recording_store_create(db, 10, 100, 1, NOW, BASE, NULL) > id);
}

static void test_names(void **state) {
  (void)state;
  assert_true(recording_file_name_valid("1001.webm"));
  assert_true(recording_file_name_valid("meeting.webm"));
  assert_true(recording_file_name_valid("a_b-C.9"));
  const char *bad[] = {"",     ".",   "..",   ".hidden", "../x.webm", "a/b",
                       "a\\b", "x y", "x%2f", "é.webm",  "a\nb",      "/etc/passwd"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) assert_false(recording_file_name_valid(bad[i]));
  char longest[RECORDING_NAME_MAX + 1];
  memset(longest, 'a', sizeof longest);
  longest[RECORDING_NAME_MAX - 1] = '\0'; /* 63 bytes */
  assert_true(recording_file_name_valid(longest));
  longest[RECORDING_NAME_MAX - 1] = 'a';
  longest[RECORDING_NAME_MAX] = '\0'; /* 64 */
  assert_false(recording_file_name_valid(longest));
  assert_false(recording_file_name_valid(NULL));
  assert_string_equal(recording_state_name(RECORDING_FINALIZING), "finalizing");
  assert_string_equal(recording_state_name(RECORDING_FAILED), "failed");
}

/* Results that would put a path or a lie into the database are refused, nothing written. */
static void test_bad_results(void **state) {
  moa_db *db = *state;
  int64_t id = recording_store_create(db, 10, 100, 1, NOW, BASE, NULL);
  assert_true(id > 0);
  recording_file traversal[1] = {file("../../etc/passwd", 1, 1, 1)};
  recording_file dup[2] = {file("1.webm", 1, 1, 1), file("1.webm", 2, 1, 1)};
  recording_file negative[1] = {file("1.webm", 1, -5, 1)};
  recording_result cases[] = {
      {RECORDING_READY, 1, 1, 1, traversal, NULL},
      {RECORDING_READY, 1, 1, 2, dup, NULL},
      {RECORDING_READY, 1, 1, 1, negative, NULL},
      {RECORDING_RECORDING, 1, 1, 0, NULL, NULL},
      {RECORDING_FINALIZING, 1, 1, 0, NULL, NULL},
      {(recording_state)42, 1, 1, 0, NULL, NULL},
      {RECORDING_READY, -1, 1, 0, NULL, NULL},
      {RECORDING_READY, 1, 1, RECORDING_FILES_MAX + 1, dup, NULL},
      {RECORDING_READY, 1, 1, -1, NULL, NULL},
      {RECORDING_READY, 1, 1, 1, NULL, NULL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    assert_int_equal(recording_store_finalized(db, id, &cases[i]), RECORDING_STORE_INVALID);
  assert_int_equal(recording_store_finalized(db, id, NULL), RECORDING_STORE_INVALID);
  recording_rec r;
  assert_int_equal(recording_store_get(db, id, &r), 1);
  assert_int_equal(r.state, RECORDING_RECORDING);
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM recording_files"), 0);

  /* base directories that are not absolute, or too long for the paths */
  assert_int_equal(recording_store_create(db, 10, 100, 1, NOW, "rec", NULL), RECORDING_STORE_INVALID);
  assert_int_equal(recording_store_create(db, 10, 100, 1, NOW, "", NULL), RECORDING_STORE_INVALID);
  assert_int_equal(recording_store_create(db, 10, 100, 1, NOW, NULL, NULL), RECORDING_STORE_INVALID);
  char longdir[RECORDING_DIR_MAX];
  memset(longdir, 'a', sizeof longdir);
  longdir[0] = '/';
  longdir[RECORDING_DIR_MAX - 20] = '\0';
  assert_int_equal(recording_store_create(db, 10, 100, 1, NOW, longdir, NULL), RECORDING_STORE_INVALID);
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM recordings"), 1);

  /* an error text longer than kept is cut at a character boundary */
  char err[400] = "";
  for (int i = 0; i < 130; i++) strcat(err, "가"); /* 390 bytes, 3 each */
  recording_result failed = {RECORDING_FAILED, 0, 0, 0, NULL, err};
  assert_int_equal(recording_store_finalized(db, id, &failed), 1);
  assert_int_equal(recording_store_get(db, id, &r), 1);
  assert_int_equal(strlen(r.error), 255); /* 85 characters */
  assert_int_equal(r.state, RECORDING_FAILED);
  assert_int_equal(r.stopped_at, NOW); /* finalized without a stop (crash recovery) */
}

static void test_lists(void **state) {
  moa_db *db = *state;
  int64_t a = recording_store_create(db, 10, 100, 1, NOW - 40 * 86400, BASE, NULL);
  int64_t b = recording_store_create(db, 10, 100, 1, NOW - 10 * 86400, BASE, NULL);
  int64_t c = recording_store_create(db, 11, 0, 1, NOW - 50 * 86400, BASE, NULL);
  int64_t d = recording_store_create(db, 10, 100, 0, NOW, BASE, NULL);
  assert_true(a > 0 && b > a && c > b && d > c);
  recording_file f[1] = {file("1.webm", 1, 1000, 100)};
  recording_result ready = {RECORDING_READY, 1000, 100, 1, f, NULL};
  assert_int_equal(recording_store_finalized(db, a, &ready), 1);
  assert_int_equal(recording_store_finalized(db, c, &ready), 1);
  assert_int_equal(recording_store_stop(db, b, NOW - 10 * 86400 + 60), 1);

  recording_rec out[8];
  assert_int_equal(recording_store_list_meeting(db, 100, out, 8), 3);
  assert_int_equal(out[0].id, d); /* newest first */
  assert_int_equal(out[1].id, b);
  assert_int_equal(out[2].id, a);
  assert_int_equal(out[0].started_by, 0);
  assert_int_equal(recording_store_list_meeting(db, 100, out, 2), 2);
  assert_int_equal(recording_store_list_meeting(db, 999, out, 8), 0);
  assert_int_equal(recording_store_list_room(db, 11, out, 8), 1);
  assert_int_equal(out[0].id, c);
  assert_int_equal(out[0].meeting_id, 0);

  /* after a crash: b (finalizing) and d (recording), oldest first */
  assert_int_equal(recording_store_unfinished(db, out, 8), 2);
  assert_int_equal(out[0].id, b);
  assert_int_equal(out[0].state, RECORDING_FINALIZING);
  assert_int_equal(out[1].id, d);
  assert_int_equal(out[1].state, RECORDING_RECORDING);

  /* retention of 30 days: a and c, never the unfinished b */
  assert_int_equal(recording_store_older_than(db, NOW - 30 * 86400, out, 8), 2);
  assert_int_equal(out[0].id, a);
  assert_int_equal(out[1].id, c);
  assert_int_equal(recording_store_older_than(db, NOW + 1, out, 8), 2);

  int64_t bytes, count[RECORDING_STATES];
  assert_int_equal(recording_store_totals(db, &bytes, count), 0);
  assert_int_equal(bytes, 200);
  assert_int_equal(count[RECORDING_READY], 2);
  assert_int_equal(count[RECORDING_FINALIZING], 1);
  assert_int_equal(count[RECORDING_RECORDING], 1);
  assert_int_equal(count[RECORDING_FAILED], 0);
}

/* A write that fails at any step changes nothing. */
static void test_faults(void **state) {
  moa_db *db = *state;
  int64_t id = recording_store_create(db, 10, 100, 1, NOW, BASE, NULL);
  recording_file f[2] = {file("1.webm", 1, 1000, 100), file("2.webm", 2, 1000, 100)};
  recording_result ready = {RECORDING_READY, 1000, 200, 2, f, NULL};
  int failures = 0;
  for (uint64_t nth = 1; nth < 20; nth++) {
    db_fault_inject(db, nth, SQLITE_IOERR, false);
    int rc = recording_store_finalized(db, id, &ready);
    bool fired = db_fault_fired(db);
    db_fault_inject(db, 0, 0, false);
    if (!fired) {
      assert_int_equal(rc, 1);
      break;
    }
    failures++;
    assert_int_equal(rc, -1);
    assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM recording_files"), 0);
    assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM recordings WHERE state = 'recording'"), 1);
  }
  assert_true(failures >= 4); /* update, delete, two inserts */
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM recording_files"), 2);

  for (uint64_t nth = 1; nth < 10; nth++) {
    db_fault_inject(db, nth, SQLITE_FULL, false);
    int64_t made = recording_store_create(db, 11, 0, 1, NOW, BASE, NULL);
    bool fired = db_fault_fired(db);
    db_fault_inject(db, 0, 0, false);
    if (!fired) break;
    assert_int_equal(made, -1);
    assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM recordings WHERE room_id = 11"), 0);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_life, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_names, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_bad_results, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_lists, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_faults, setup, store_test_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
