/* Unit tests of the finalize wiring of signaling/meeting_record (issue 17) against a real hub on a
 * ":memory:" database: a stopped recording is finalized on the recording job thread and its
 * result recorded on the signaling thread (hub_poll); the recordings a crash left RECORDING or
 * FINALIZING are finalized after a restart (meeting_record_recover); a finalizer's failure makes
 * the recording FAILED with its reason; a result with a file name that could reach the filesystem
 * is refused and the recording FAILED, never stuck; rec_fin_result maps onto the store
 * (recording_finalized); the recorder's events (degraded, stopped) reach the row, also after its
 * room closed. The finalizer here is the test's: gateway/rec_finalize.c is tested on
 * its own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

// clang-format off
#include <cmocka.h>
// clang-format on

#include "base/log.h"
#include "gateway/config.h"
#include "gateway/hub_options.h"
#include "recording_test_support.h"
#include "signaling/hub.h"
#include "signaling/meeting_record.h"
#include "signaling/room_events.h"
#include "storage/recording_store.h"

static const char *FIXTURE = RECORDING_TEST_FIXTURE;

typedef struct {
  moa_db *db;
  moa_config cfg;
  hub *h;
} fixture;

static int fake_complete(const char *spool_dir, const char *out_dir, const rec_fin_options *opt,
                         rec_fin_result *res);

static int setup(void **state) {
  static fixture f;
  log_set_level(LOG_LEVEL_ERROR);
  memset(&f, 0, sizeof f);
  config_defaults(&f.cfg);
  f.db = store_test_open(FIXTURE);
  if (!f.db) return -1;
  hub_options opt;
  hub_options_from_config(&f.cfg, &opt);
  opt.rec_finalize = fake_complete; /* what a stopped recording is finalized with */
  f.h = hub_new(f.db, &opt, NULL, NULL);
  if (!f.h) return -1;
  *state = &f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  hub_free(f->h);
  db_close(f->db);
  return 0;
}

/* What the test's finalizers saw, and which ran on which thread. */
static char seen_spool[RECORDING_DIR_MAX], seen_out[RECORDING_DIR_MAX];
static int calls;
static bool seen_composite;

static int fake_complete(const char *spool_dir, const char *out_dir, const rec_fin_options *opt,
                         rec_fin_result *res) {
  snprintf(seen_spool, sizeof seen_spool, "%s", spool_dir);
  snprintf(seen_out, sizeof seen_out, "%s", out_dir);
  seen_composite = opt->composite;
  calls++;
  res->state = REC_FIN_COMPLETE;
  res->duration_ms = 30000;
  res->n_files = 2;
  snprintf(res->files[0].name, sizeof res->files[0].name, "1.webm");
  res->files[0].user_id = 1;
  res->files[0].duration_ms = 30000;
  res->files[0].bytes = 1000;
  res->files[0].has_video = res->files[0].has_audio = true;
  snprintf(res->files[1].name, sizeof res->files[1].name, REC_FIN_COMPOSITE_NAME);
  res->files[1].duration_ms = 30000;
  res->files[1].bytes = 4000;
  res->bytes = 5000;
  return 0;
}

static int fake_failed(const char *spool_dir, const char *out_dir, const rec_fin_options *opt,
                       rec_fin_result *res) {
  (void)spool_dir, (void)out_dir, (void)opt;
  calls++;
  res->state = REC_FIN_FAILED;
  snprintf(res->error, sizeof res->error, "no key frame in any video spool");
  return -1;
}

static int fake_hostile(const char *spool_dir, const char *out_dir, const rec_fin_options *opt,
                        rec_fin_result *res) {
  (void)spool_dir, (void)out_dir, (void)opt;
  calls++;
  res->state = REC_FIN_COMPLETE;
  res->n_files = 1;
  snprintf(res->files[0].name, sizeof res->files[0].name, "../../moa.db");
  return 0;
}

/* Runs the hub until recording id leaves FINALIZING (at most 5 s). */
static recording_state settle(fixture *f, int64_t id) {
  recording_rec r;
  for (int i = 0; i < 500; i++) {
    hub_poll(f->h);
    assert_int_equal(recording_store_get(f->db, id, &r), 1);
    if (r.state != RECORDING_FINALIZING && r.state != RECORDING_RECORDING) return r.state;
    nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
  }
  fail_msg("recording %lld was not finalized", (long long)id);
  return RECORDING_FAILED;
}

static void test_finalize(void **state) {
  fixture *f = *state;
  recording_rec r;
  int64_t id = recording_store_create(f->db, 10, 0, 1, 1000, "/var/lib/moa/rec", &r);
  assert_true(id > 0);
  assert_int_equal(recording_store_stop(f->db, id, 1030), 1);
  calls = 0;
  assert_int_equal(meeting_record_finalize(f->h, id, fake_complete), 0);
  assert_int_equal(settle(f, id), RECORDING_READY);
  assert_int_equal(calls, 1);
  assert_string_equal(seen_spool, r.spool_dir);
  assert_string_equal(seen_out, r.out_dir);
  assert_true(seen_composite);
  recording_rec done;
  assert_int_equal(recording_store_get(f->db, id, &done), 1);
  assert_int_equal(done.duration_ms, 30000);
  assert_int_equal(done.bytes, 5000);
  assert_int_equal(done.stopped_at, 1030);
  recording_file files[4];
  assert_int_equal(recording_store_files(f->db, id, files, 4), 2);
  assert_string_equal(files[0].name, "1.webm");
  assert_string_equal(files[1].name, "meeting.webm");
  assert_int_equal(files[1].user_id, 0);
  /* finished: not finalized again; unknown: refused */
  assert_int_equal(meeting_record_finalize(f->h, id, fake_complete), -1);
  assert_int_equal(meeting_record_finalize(f->h, id + 100, fake_complete), -1);
}

static void test_failed_and_hostile(void **state) {
  fixture *f = *state;
  int64_t a = recording_store_create(f->db, 10, 0, 1, 1000, "/var/lib/moa/rec", NULL);
  int64_t b = recording_store_create(f->db, 10, 0, 1, 1000, "/var/lib/moa/rec", NULL);
  assert_int_equal(meeting_record_finalize(f->h, a, fake_failed), 0);
  assert_int_equal(meeting_record_finalize(f->h, b, fake_hostile), 0);
  assert_int_equal(settle(f, a), RECORDING_FAILED);
  assert_int_equal(settle(f, b), RECORDING_FAILED);
  recording_rec r;
  assert_int_equal(recording_store_get(f->db, a, &r), 1);
  assert_string_equal(r.error, "no key frame in any video spool");
  assert_int_equal(recording_store_get(f->db, b, &r), 1);
  assert_string_equal(r.error, "the finalizer gave a result that cannot be kept");
  recording_file files[2];
  assert_int_equal(recording_store_files(f->db, b, files, 2), 0);
}

/* After a crash: RECORDING and FINALIZING rows are finalized (a RECORDING one as incomplete);
 * finished ones are left alone. */
static void test_recover(void **state) {
  fixture *f = *state;
  int64_t crashed = recording_store_create(f->db, 10, 0, 1, 1000, "/var/lib/moa/rec", NULL);
  int64_t stopped = recording_store_create(f->db, 10, 0, 1, 1000, "/var/lib/moa/rec", NULL);
  int64_t ready = recording_store_create(f->db, 10, 0, 1, 1000, "/var/lib/moa/rec", NULL);
  assert_int_equal(recording_store_stop(f->db, stopped, 1100), 1);
  recording_result ok = {RECORDING_READY, 1, 1, 0, NULL, NULL};
  assert_int_equal(recording_store_finalized(f->db, ready, &ok), 1);
  calls = 0;
  assert_int_equal(meeting_record_recover(f->h, fake_complete), 2);
  assert_int_equal(settle(f, crashed), RECORDING_INCOMPLETE); /* cut short, however whole its spools */
  assert_int_equal(settle(f, stopped), RECORDING_READY);
  assert_int_equal(calls, 2);
  recording_rec r;
  assert_int_equal(recording_store_get(f->db, crashed, &r), 1);
  assert_true(r.stopped_at > 0);
  assert_non_null(strstr(r.error, "the server stopped while this was being recorded"));
  assert_int_equal(recording_store_get(f->db, ready, &r), 1);
  assert_int_equal(r.bytes, 1); /* untouched */
  assert_int_equal(meeting_record_recover(f->h, fake_complete), 0);
}

/* recording_finalized maps the finalizer's states and refuses what the store may not keep. */
static void test_mapping(void **state) {
  fixture *f = *state;
  int64_t id = recording_store_create(f->db, 10, 0, 1, 1000, "/var/lib/moa/rec", NULL);
  static rec_fin_result res;
  memset(&res, 0, sizeof res);
  res.state = REC_FIN_INCOMPLETE;
  snprintf(res.error, sizeof res.error, "spool of user 2 cut short");
  assert_int_equal(recording_finalized(f->db, id, &res), 1);
  recording_rec r;
  assert_int_equal(recording_store_get(f->db, id, &r), 1);
  assert_int_equal(r.state, RECORDING_INCOMPLETE);
  assert_string_equal(r.error, "spool of user 2 cut short");
  res.state = (rec_fin_state)7;
  assert_int_equal(recording_finalized(f->db, id, &res), RECORDING_STORE_INVALID);
  res.state = REC_FIN_COMPLETE;
  res.n_files = REC_FIN_MAX_FILES + 1;
  assert_int_equal(recording_finalized(f->db, id, &res), RECORDING_STORE_INVALID);
  res.n_files = 1;
  memset(res.files[0].name, 'a', sizeof res.files[0].name); /* no NUL */
  assert_int_equal(recording_finalized(f->db, id, &res), RECORDING_STORE_INVALID);
  snprintf(res.files[0].name, sizeof res.files[0].name, "1.webm");
  res.files[0].bytes = UINT64_MAX;
  assert_int_equal(recording_finalized(f->db, id, &res), RECORDING_STORE_INVALID);
  res.files[0].bytes = 10;
  res.files[0].user_id = UINT64_MAX; /* not a user id */
  assert_int_equal(recording_finalized(f->db, id, &res), RECORDING_STORE_INVALID);
  res.files[0].user_id = 1;
  res.error[0] = '\0'; /* COMPLETE: no reason */
  assert_int_equal(recording_finalized(f->db, id, &res), 1);
  assert_int_equal(recording_store_get(f->db, id, &r), 1);
  assert_int_equal(r.state, RECORDING_READY);
  assert_string_equal(r.error, "");
}

/* What the media worker reports: ME_RECORD_DEGRADED marks the recording degraded (also when its
 * room is gone), ME_RECORD_STOPPED with degraded set too. */
static void test_media_events(void **state) {
  fixture *f = *state;
  rooms_listener events = room_events_listener(f->h); /* what the hub's registry reports to */
  rooms *r = rooms_new(NULL, &events); /* no live room: the events may come after the room closed */
  assert_non_null(r);
  int64_t a = recording_store_create(f->db, 10, 0, 1, 1000, "/var/lib/moa/rec", NULL);
  int64_t b = recording_store_create(f->db, 10, 0, 1, 1000, "/var/lib/moa/rec", NULL);
  media_event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = ME_RECORD_DEGRADED;
  ev.room_id = 10;
  ev.record.recording_id = (uint64_t)a;
  ev.record.dropped = 17;
  rooms_on_media_event(r, &ev);
  recording_rec rec;
  assert_int_equal(recording_store_get(f->db, a, &rec), 1);
  assert_true(rec.degraded);
  assert_int_equal(rec.state, RECORDING_RECORDING);
  ev.type = ME_RECORD_STOPPED;
  ev.record.recording_id = (uint64_t)b;
  ev.record.degraded = false;
  rooms_on_media_event(r, &ev);
  assert_int_equal(recording_store_get(f->db, b, &rec), 1);
  assert_false(rec.degraded);
  ev.record.degraded = true;
  rooms_on_media_event(r, &ev);
  assert_int_equal(recording_store_get(f->db, b, &rec), 1);
  assert_true(rec.degraded);
  rooms_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_finalize, setup, teardown),
      cmocka_unit_test_setup_teardown(test_failed_and_hostile, setup, teardown),
      cmocka_unit_test_setup_teardown(test_recover, setup, teardown),
      cmocka_unit_test_setup_teardown(test_mapping, setup, teardown),
      cmocka_unit_test_setup_teardown(test_media_events, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
