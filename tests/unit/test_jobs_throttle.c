/* Unit tests of signaling/jobs and signaling/throttle.
 * jobs: 1,000 jobs on 2 worker threads all complete; work runs on the workers, done functions only
 * inside jobs_drain on the calling thread; the wake callback is called; a full queue refuses a job
 * (-1) without leaking it; jobs_stop with jobs still queued runs their work and frees everything.
 * throttle: 19 failures do not lock, the 20th does for THROTTLE_LOCK_S; the window restarts after
 * THROTTLE_WINDOW_S; clear forgets; the fixed table of 1024 slots reuses the least recently used
 * entry, so 2,000 distinct addresses neither crash nor grow memory. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

// clang-format off: cmocka.h needs the headers above
#include <cmocka.h>
// clang-format on

#include "signaling/jobs.h"
#include "signaling/throttle.h"

/* ---- jobs ---- */

typedef struct fixture {
  pthread_t main_thread;
  atomic_int worked, done, wakes, bad_wake_arg, done_outside_drain, work_on_main, done_off_main;
  atomic_bool in_drain;
  /* A gate that holds a job in its work function until opened. */
  pthread_mutex_t mu;
  pthread_cond_t cv;
  bool gate_open, blocker_running;
} fixture;

static fixture fx;

static void fixture_init(void) {
  memset(&fx, 0, sizeof fx);
  fx.main_thread = pthread_self();
  pthread_mutex_init(&fx.mu, NULL);
  pthread_cond_init(&fx.cv, NULL);
}

static void fixture_destroy(void) {
  pthread_mutex_destroy(&fx.mu);
  pthread_cond_destroy(&fx.cv);
}

/* Runs on a worker: counts instead of asserting (cmocka's asserts belong to the main thread). */
static void on_wake(void *arg) {
  if (arg != &fx) atomic_fetch_add(&fx.bad_wake_arg, 1);
  atomic_fetch_add(&fx.wakes, 1);
}

typedef struct item {
  int n;
  int result;
} item;

static void work_square(void *arg) {
  item *it = arg;
  if (pthread_equal(pthread_self(), fx.main_thread)) atomic_fetch_add(&fx.work_on_main, 1);
  it->result = it->n * it->n;
  atomic_fetch_add(&fx.worked, 1);
}

/* Frees its heap item, as the gateway's done functions do. */
static void done_free(void *ctx, void *arg) {
  assert_ptr_equal(ctx, &fx);
  item *it = arg;
  if (!pthread_equal(pthread_self(), fx.main_thread)) atomic_fetch_add(&fx.done_off_main, 1);
  if (!atomic_load(&fx.in_drain)) atomic_fetch_add(&fx.done_outside_drain, 1);
  assert_int_equal(it->result, it->n * it->n);
  atomic_fetch_add(&fx.done, 1);
  free(it);
}

static int drain(jobs *j) {
  atomic_store(&fx.in_drain, true);
  int n = jobs_drain(j, &fx);
  atomic_store(&fx.in_drain, false);
  return n;
}

static void sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static void test_jobs_thousand(void **state) {
  fixture_init();
  jobs *j = jobs_start(2, 1000, on_wake, &fx);
  assert_non_null(j);
  for (int i = 0; i < 1000; i++) {
    item *it = calloc(1, sizeof *it);
    assert_non_null(it);
    it->n = i;
    assert_int_equal(jobs_submit(j, work_square, done_free, it), 0);
  }
  int drained = 0;
  for (int spins = 0; drained < 1000 && spins < 10000; spins++) {
    drained += drain(j);
    if (drained < 1000) sleep_ms(1);
  }
  assert_int_equal(drained, 1000);
  assert_int_equal(atomic_load(&fx.worked), 1000);
  assert_int_equal(atomic_load(&fx.done), 1000);
  assert_int_equal(atomic_load(&fx.work_on_main), 0);
  assert_int_equal(atomic_load(&fx.done_off_main), 0);
  assert_int_equal(atomic_load(&fx.done_outside_drain), 0);
  assert_true(atomic_load(&fx.wakes) >= 1);
  assert_int_equal(atomic_load(&fx.bad_wake_arg), 0);
  assert_int_equal(jobs_pending(j), 0);
  assert_int_equal(drain(j), 0);
  jobs_stop(j);
  fixture_destroy();
}

static void work_blocker(void *arg) {
  pthread_mutex_lock(&fx.mu);
  fx.blocker_running = true;
  pthread_cond_broadcast(&fx.cv);
  while (!fx.gate_open) pthread_cond_wait(&fx.cv, &fx.mu);
  pthread_mutex_unlock(&fx.mu);
  atomic_fetch_add(&fx.worked, 1);
}

static void work_count(void *arg) {
  (*(atomic_int *)arg)++;
  atomic_fetch_add(&fx.worked, 1);
}

static void done_count(void *ctx, void *arg) { atomic_fetch_add(&fx.done, 1); }

static void wait_blocker_running(void) {
  pthread_mutex_lock(&fx.mu);
  while (!fx.blocker_running) pthread_cond_wait(&fx.cv, &fx.mu);
  pthread_mutex_unlock(&fx.mu);
}

static void open_gate(void) {
  pthread_mutex_lock(&fx.mu);
  fx.gate_open = true;
  pthread_cond_broadcast(&fx.cv);
  pthread_mutex_unlock(&fx.mu);
}

static void test_jobs_full_queue(void **state) {
  fixture_init();
  atomic_int counter = 0;
  jobs *j = jobs_start(1, 2, on_wake, &fx);
  assert_non_null(j);
  /* The only worker is held in the blocker, so the next two jobs wait in the queue. */
  assert_int_equal(jobs_submit(j, work_blocker, done_count, NULL), 0);
  wait_blocker_running();
  assert_int_equal(jobs_submit(j, work_count, done_count, &counter), 0);
  assert_int_equal(jobs_submit(j, work_count, done_count, &counter), 0);
  assert_int_equal(jobs_pending(j), 3);
  for (int i = 0; i < 10; i++) assert_int_equal(jobs_submit(j, work_count, done_count, &counter), -1);
  assert_int_equal(jobs_pending(j), 3);
  assert_int_equal(drain(j), 0); /* nothing finished yet */

  open_gate();
  int drained = 0;
  for (int spins = 0; drained < 3 && spins < 10000; spins++) {
    drained += drain(j);
    if (drained < 3) sleep_ms(1);
  }
  assert_int_equal(drained, 3);
  assert_int_equal(atomic_load(&counter), 2);
  assert_int_equal(jobs_pending(j), 0);
  /* Room again. */
  assert_int_equal(jobs_submit(j, work_count, done_count, &counter), 0);
  jobs_stop(j); /* its done function is dropped; the job itself is freed */
  assert_int_equal(atomic_load(&counter), 3);
  assert_int_equal(atomic_load(&fx.done), 3);
  fixture_destroy();
}

static void *open_gate_later(void *arg) {
  sleep_ms(50);
  open_gate();
  return NULL;
}

static void test_jobs_stop_with_queued(void **state) {
  fixture_init();
  atomic_int counter = 0;
  jobs *j = jobs_start(1, 100, NULL, NULL); /* no wake callback */
  assert_non_null(j);
  assert_int_equal(jobs_submit(j, work_blocker, done_count, NULL), 0);
  wait_blocker_running();
  for (int i = 0; i < 20; i++) assert_int_equal(jobs_submit(j, work_count, done_count, &counter), 0);
  assert_int_equal(jobs_pending(j), 21);
  pthread_t t;
  assert_int_equal(pthread_create(&t, NULL, open_gate_later, NULL), 0);
  jobs_stop(j); /* waits for the queued work, frees every job */
  pthread_join(t, NULL);
  assert_int_equal(atomic_load(&counter), 20);
  assert_int_equal(atomic_load(&fx.worked), 21);
  assert_int_equal(atomic_load(&fx.done), 0);
  jobs_stop(NULL);
  fixture_destroy();
}

static atomic_int discarded;
static void discard_count(void *arg) { atomic_fetch_add(&discarded, 1); }
static void done_with_ctx(void *ctx, void *arg) {
  if (ctx == &fx) atomic_fetch_add(&fx.done, 1);
}

/* jobs_stop_drain (the recording finalizes: a shutdown must neither wait for every queued
 * finalize nor lose the one that finished): the running job finishes and its done function runs
 * with ctx on the caller's thread; jobs not started are handed to discard, never run. */
static void test_jobs_stop_drain(void **state) {
  fixture_init();
  atomic_store(&discarded, 0);
  atomic_int counter = 0;
  jobs *j = jobs_start(1, 100, NULL, NULL);
  assert_non_null(j);
  assert_int_equal(jobs_submit(j, work_blocker, done_with_ctx, NULL), 0);
  wait_blocker_running();
  for (int i = 0; i < 5; i++) assert_int_equal(jobs_submit(j, work_count, done_with_ctx, &counter), 0);
  pthread_t t;
  assert_int_equal(pthread_create(&t, NULL, open_gate_later, NULL), 0);
  jobs_stop_drain(j, &fx, discard_count); /* the blocker ends when the gate opens */
  pthread_join(t, NULL);
  assert_int_equal(atomic_load(&fx.worked), 1);
  assert_int_equal(atomic_load(&counter), 0);
  assert_int_equal(atomic_load(&fx.done), 1);
  assert_int_equal(atomic_load(&discarded), 5);
  jobs_stop_drain(NULL, NULL, NULL);
  fixture_destroy();
}

static void test_jobs_start_bad(void **state) { assert_null(jobs_start(0, 10, NULL, NULL)); }

/* ---- throttle ---- */

static const int64_t T0 = 1700000000;

static throttle *T; /* a new table for each test (reset), freed after it (drop) */

static int reset(void **state) {
  T = throttle_new();
  return T ? 0 : -1;
}

static int drop(void **state) {
  throttle_free(T);
  T = NULL;
  return 0;
}

static void test_throttle_lock(void **state) {
  for (int i = 1; i < THROTTLE_MAX_FAILURES; i++) {
    assert_int_equal(throttle_record_failure(T, "10.0.0.1", T0 + i), i);
    assert_int_equal(throttle_locked_for(T, "10.0.0.1", T0 + i), 0);
  }
  assert_int_equal(THROTTLE_MAX_FAILURES, 20);
  int64_t t = T0 + 30;
  assert_int_equal(throttle_record_failure(T, "10.0.0.1", t), 20);
  assert_int_equal(throttle_locked_for(T, "10.0.0.1", t), THROTTLE_LOCK_S);
  assert_int_equal(throttle_locked_for(T, "10.0.0.1", t + 100), THROTTLE_LOCK_S - 100);
  assert_int_equal(throttle_locked_for(T, "10.0.0.1", t + THROTTLE_LOCK_S - 1), 1);
  assert_int_equal(throttle_locked_for(T, "10.0.0.1", t + THROTTLE_LOCK_S), 0);
  assert_int_equal(throttle_locked_for(T, "10.0.0.1", t + THROTTLE_LOCK_S + 5000), 0);
  /* Other addresses are unaffected. */
  assert_int_equal(throttle_locked_for(T, "10.0.0.2", t), 0);
  assert_int_equal(throttle_locked_for(T, "", t), 0);
}

static void test_throttle_window(void **state) {
  for (int i = 0; i < THROTTLE_MAX_FAILURES - 1; i++) throttle_record_failure(T, "::1", T0);
  /* Past the window the count starts over, so the 20th failure in all does not lock. */
  assert_int_equal(throttle_record_failure(T, "::1", T0 + THROTTLE_WINDOW_S + 1), 1);
  assert_int_equal(throttle_locked_for(T, "::1", T0 + THROTTLE_WINDOW_S + 1), 0);
  for (int i = 2; i < THROTTLE_MAX_FAILURES; i++)
    assert_int_equal(throttle_record_failure(T, "::1", T0 + THROTTLE_WINDOW_S + 2), i);
  assert_int_equal(throttle_locked_for(T, "::1", T0 + THROTTLE_WINDOW_S + 2), 0);
  assert_int_equal(throttle_record_failure(T, "::1", T0 + THROTTLE_WINDOW_S + 3), 20);
  assert_true(throttle_locked_for(T, "::1", T0 + THROTTLE_WINDOW_S + 3) > 0);
}

static void test_throttle_clear(void **state) {
  for (int i = 0; i < THROTTLE_MAX_FAILURES - 1; i++) throttle_record_failure(T, "192.0.2.1", T0);
  throttle_clear(T, "192.0.2.1");
  assert_int_equal(throttle_record_failure(T, "192.0.2.1", T0), 1);

  for (int i = 0; i < THROTTLE_MAX_FAILURES; i++) throttle_record_failure(T, "192.0.2.2", T0);
  assert_true(throttle_locked_for(T, "192.0.2.2", T0) > 0);
  throttle_clear(T, "192.0.2.2");
  assert_int_equal(throttle_locked_for(T, "192.0.2.2", T0), 0);
  throttle_clear(T, "192.0.2.99"); /* unknown: nothing happens */

  for (int i = 0; i < THROTTLE_MAX_FAILURES; i++) throttle_record_failure(T, "192.0.2.3", T0);
  throttle_free(T); /* a new table (as a new hub makes) knows nothing of it */
  T = throttle_new();
  assert_non_null(T);
  assert_int_equal(throttle_locked_for(T, "192.0.2.3", T0), 0);
}

/* Times stay inside one window (THROTTLE_WINDOW_S) so that only the table's reuse can make an
 * address forget its failures. */
static void test_throttle_lru(void **state) {
  char a[64];
  /* 2,000 addresses, two failures each, four per second. */
  for (int i = 0; i < 2000; i++) {
    snprintf(a, sizeof a, "2001:db8::%x", i);
    assert_int_equal(throttle_record_failure(T, a, T0 + i / 4), 1);
    assert_int_equal(throttle_record_failure(T, a, T0 + i / 4), 2);
  }
  assert_true(2000 / 4 < THROTTLE_WINDOW_S);
  /* The newest 1024 (976..1999) are remembered; the older ones were reused. */
  snprintf(a, sizeof a, "2001:db8::%x", 1999);
  assert_int_equal(throttle_record_failure(T, a, T0 + 500), 3);
  snprintf(a, sizeof a, "2001:db8::%x", 977);
  assert_int_equal(throttle_record_failure(T, a, T0 + 500), 3);
  snprintf(a, sizeof a, "2001:db8::%x", 0);
  assert_int_equal(throttle_record_failure(T, a, T0 + 500), 1); /* takes 976's slot */
  snprintf(a, sizeof a, "2001:db8::%x", 976);
  assert_int_equal(throttle_record_failure(T, a, T0 + 500), 1);
  snprintf(a, sizeof a, "2001:db8::%x", 975);
  assert_int_equal(throttle_record_failure(T, a, T0 + 500), 1);
}

static void test_throttle_lru_keeps_recent_lock(void **state) {
  char a[64];
  for (int i = 0; i < THROTTLE_MAX_FAILURES; i++) throttle_record_failure(T, "198.51.100.7", T0);
  /* Fill the other 1023 slots, two addresses per second. */
  for (int i = 0; i < 1023; i++) {
    snprintf(a, sizeof a, "203.0.113.%d/%d", i % 256, i);
    throttle_record_failure(T, a, T0 + 1 + i / 2);
  }
  int64_t t = T0 + 520;
  assert_true(t < T0 + THROTTLE_LOCK_S);
  /* Checking the lock counts as a use, so the next new address reuses the oldest of the others. */
  assert_int_equal(throttle_locked_for(T, "198.51.100.7", t), THROTTLE_LOCK_S - 520);
  throttle_record_failure(T, "new address", t);
  assert_int_equal(throttle_locked_for(T, "198.51.100.7", t), THROTTLE_LOCK_S - 520);
  assert_int_equal(throttle_record_failure(T, "203.0.113.0/0", t), 1); /* its slot was reused */
  assert_int_equal(throttle_record_failure(T, "203.0.113.1/1", t), 1); /* reused by the line above */
  snprintf(a, sizeof a, "203.0.113.%d/%d", 1022 % 256, 1022);
  assert_int_equal(throttle_record_failure(T, a, t), 2);
  /* Without the check, 1024 newer addresses push the locked one out: the documented limit of a
   * fixed table. */
  for (int i = 0; i < 1024; i++) {
    snprintf(a, sizeof a, "192.0.2.%d/%d", i % 256, i);
    throttle_record_failure(T, a, t + 1);
  }
  assert_int_equal(throttle_locked_for(T, "198.51.100.7", t + 1), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_jobs_thousand),
      cmocka_unit_test(test_jobs_full_queue),
      cmocka_unit_test(test_jobs_stop_with_queued),
      cmocka_unit_test(test_jobs_stop_drain),
      cmocka_unit_test(test_jobs_start_bad),
      cmocka_unit_test_setup_teardown(test_throttle_lock, reset, drop),
      cmocka_unit_test_setup_teardown(test_throttle_window, reset, drop),
      cmocka_unit_test_setup_teardown(test_throttle_clear, reset, drop),
      cmocka_unit_test_setup_teardown(test_throttle_lru, reset, drop),
      cmocka_unit_test_setup_teardown(test_throttle_lru_keeps_recent_lock, reset, drop),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
