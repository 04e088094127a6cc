/* Unit tests of storage/db: ":memory:" opens migrated to the newest schema; a file database (in a
 * mkdtemp directory) reopens without migrating again and keeps its data; a schema newer than the
 * binary refuses to open and says so; foreign keys are enforced; file databases use WAL; meta
 * get/set; the statement cache returns one statement per literal; a rolled-back transaction leaves
 * nothing; with the checkpointer on, db_close leaves the -wal file empty or gone; the clock offset
 * and the step counters; the time of steps (a slow first step whole, a long scan's rows through
 * the sample). Each test removes its files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

// clang-format off: cmocka.h needs the headers above
#include <cmocka.h>
// clang-format on

#include "storage/db.h"

/* A temporary directory with the database path inside it. */
typedef struct tmpdb {
  char dir[64];
  char path[96];
} tmpdb;

static void tmpdb_make(tmpdb *t) {
  snprintf(t->dir, sizeof t->dir, "/tmp/moa-test-db-XXXXXX");
  assert_non_null(mkdtemp(t->dir));
  snprintf(t->path, sizeof t->path, "%s/moa.db", t->dir);
}

static void tmpdb_remove(tmpdb *t) {
  static const char *suffix[] = {"", "-wal", "-shm", "-journal"};
  char p[128];
  for (int i = 0; i < 4; i++) {
    snprintf(p, sizeof p, "%s%s", t->path, suffix[i]);
    unlink(p);
  }
  assert_int_equal(rmdir(t->dir), 0);
}

static moa_db *open_ok(const char *path, bool checkpointer) {
  char err[256] = "";
  moa_db *db = db_open(path, checkpointer, err, sizeof err);
  if (!db) fail_msg("db_open(%s): %s", path, err);
  return db;
}

static int64_t scalar(moa_db *db, const char *sql) {
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL), SQLITE_OK);
  int64_t v = -1;
  if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

static void test_memory_migrated(void **state) {
  moa_db *db = open_ok(":memory:", false);
  assert_true(db_latest_schema_version() >= 2);
  assert_int_equal(db_schema_version(db), db_latest_schema_version());
  assert_int_equal(scalar(db, "PRAGMA user_version"), db_latest_schema_version());
  /* Tables of the first migration exist and are empty. */
  assert_int_equal(scalar(db, "SELECT count(*) FROM users"), 0);
  assert_int_equal(scalar(db, "SELECT count(*) FROM sessions"), 0);
  assert_int_equal(scalar(db, "SELECT count(*) FROM meta"), 0);
  /* The checkpointer is ignored for ":memory:". */
  db_close(db);
  db = open_ok(":memory:", true);
  db_close(db);
  db_close(NULL);
}

static void test_file_reopen(void **state) {
  tmpdb t;
  tmpdb_make(&t);
  moa_db *db = open_ok(t.path, false);
  assert_int_equal(db_schema_version(db), db_latest_schema_version());
  assert_int_equal(db_meta_set(db, "k", "kept"), 0);
  assert_int_equal(sqlite3_exec(db_handle(db), "INSERT INTO regions VALUES (1, '울산')", NULL, NULL, NULL),
                   SQLITE_OK);
  int64_t tables = scalar(db, "SELECT count(*) FROM sqlite_master");
  db_close(db);

  /* Migrating again would fail on CREATE TABLE; reopening succeeds and changes nothing. */
  db = open_ok(t.path, false);
  assert_int_equal(db_schema_version(db), db_latest_schema_version());
  assert_int_equal(scalar(db, "SELECT count(*) FROM sqlite_master"), tables);
  char v[16] = "";
  assert_int_equal(db_meta_get(db, "k", v, sizeof v), 1);
  assert_string_equal(v, "kept");
  assert_int_equal(scalar(db, "SELECT count(*) FROM regions WHERE name_ko = '울산'"), 1);
  db_close(db);
  tmpdb_remove(&t);
}

static void test_newer_schema_refused(void **state) {
  tmpdb t;
  tmpdb_make(&t);
  sqlite3 *c;
  assert_int_equal(sqlite3_open(t.path, &c), SQLITE_OK);
  char sql[64];
  snprintf(sql, sizeof sql, "PRAGMA user_version = %d", db_latest_schema_version() + 1);
  assert_int_equal(sqlite3_exec(c, sql, NULL, NULL, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_close(c), SQLITE_OK);

  char err[256] = "";
  sqlite3_int64 mem_before = sqlite3_memory_used();
  moa_db *db = db_open(t.path, false, err, sizeof err);
  assert_null(db);
  /* The refused connection was closed: sqlite holds no more memory than before. */
  assert_int_equal(sqlite3_memory_used(), mem_before);
  if (!strstr(err, "newer")) fail_msg("unexpected message: %s", err);
  char want[32];
  snprintf(want, sizeof want, "%d", db_latest_schema_version() + 1);
  assert_non_null(strstr(err, want));

  /* The file was left as it was. */
  assert_int_equal(sqlite3_open(t.path, &c), SQLITE_OK);
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(c, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_int_equal(sqlite3_column_int(st, 0), db_latest_schema_version() + 1);
  sqlite3_finalize(st);
  sqlite3_close(c);
  tmpdb_remove(&t);
}

static void test_open_failure(void **state) {
  char err[256] = "";
  assert_null(db_open("/nonexistent-moa-dir/sub/x.db", false, err, sizeof err));
  assert_non_null(strstr(err, "/nonexistent-moa-dir/sub/x.db"));
}

static void test_foreign_keys(void **state) {
  moa_db *db = open_ok(":memory:", false);
  assert_int_equal(scalar(db, "PRAGMA foreign_keys"), 1);
  sqlite3_stmt *st = db_stmt(db, "INSERT INTO complexes(id, region_id, name_ko) VALUES (1, 999, 'x')");
  assert_non_null(st);
  assert_int_equal(db_exec_stmt(db, st), SQLITE_CONSTRAINT_FOREIGNKEY);
  assert_int_equal(scalar(db, "SELECT count(*) FROM complexes"), 0);
  db_stats s = db_get_stats(db);
  assert_true(s.errors >= 1);
  db_close(db);
}

static void test_wal(void **state) {
  tmpdb t;
  tmpdb_make(&t);
  moa_db *db = open_ok(t.path, false);
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(db_handle(db), "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
  sqlite3_finalize(st);
  assert_int_equal(scalar(db, "PRAGMA synchronous"), 1); /* NORMAL */
  db_close(db);
  tmpdb_remove(&t);
}

static void test_meta(void **state) {
  moa_db *db = open_ok(":memory:", false);
  char v[8] = "same";
  assert_int_equal(db_meta_get(db, "absent", v, sizeof v), 0);
  assert_string_equal(v, "same");
  assert_int_equal(db_meta_set(db, "a", "1"), 0);
  assert_int_equal(db_meta_set(db, "b", "two"), 0);
  assert_int_equal(db_meta_get(db, "a", v, sizeof v), 1);
  assert_string_equal(v, "1");
  assert_int_equal(db_meta_set(db, "a", "replaced"), 0);
  /* Truncated to the buffer. */
  assert_int_equal(db_meta_get(db, "a", v, sizeof v), 1);
  assert_string_equal(v, "replace");
  assert_int_equal(db_meta_get(db, "b", v, sizeof v), 1);
  assert_string_equal(v, "two");
  assert_int_equal(db_meta_set(db, "empty", ""), 0);
  assert_int_equal(db_meta_get(db, "empty", v, sizeof v), 1);
  assert_string_equal(v, "");
  assert_int_equal(scalar(db, "SELECT count(*) FROM meta"), 3);
  db_close(db);
}

static void test_stmt_cache(void **state) {
  moa_db *db = open_ok(":memory:", false);
  static const char *const q1 = "SELECT 1";
  static const char *const q2 = "SELECT 2";
  sqlite3_stmt *a = db_stmt(db, q1);
  assert_non_null(a);
  assert_int_equal(db_step(db, a), SQLITE_ROW); /* left mid-result on purpose */
  sqlite3_stmt *b = db_stmt(db, q2);
  assert_non_null(b);
  assert_ptr_not_equal(a, b);
  /* Same literal: same statement, reset. */
  assert_ptr_equal(db_stmt(db, q1), a);
  assert_int_equal(db_step(db, a), SQLITE_ROW);
  assert_int_equal(sqlite3_column_int(a, 0), 1);
  assert_int_equal(db_step(db, a), SQLITE_DONE);
  assert_ptr_equal(db_stmt(db, q2), b);

  /* Bindings are cleared between uses. */
  static const char *const q3 = "SELECT ?1 IS NULL";
  sqlite3_stmt *c = db_stmt(db, q3);
  sqlite3_bind_int(c, 1, 5);
  assert_int_equal(db_step(db, c), SQLITE_ROW);
  assert_int_equal(sqlite3_column_int(c, 0), 0);
  assert_ptr_equal(db_stmt(db, q3), c);
  assert_int_equal(db_step(db, c), SQLITE_ROW);
  assert_int_equal(sqlite3_column_int(c, 0), 1);

  /* SQL that does not compile gives NULL and counts an error; asking again retries. */
  uint64_t errors = db_get_stats(db).errors;
  static const char *const bad = "SELEKT nonsense";
  assert_null(db_stmt(db, bad));
  assert_null(db_stmt(db, bad));
  assert_int_equal(db_get_stats(db).errors, errors + 2);

  uint64_t steps = db_get_stats(db).steps;
  assert_int_equal(db_step(db, db_stmt(db, q1)), SQLITE_ROW);
  assert_int_equal(db_get_stats(db).steps, steps + 1);
  db_close(db);
}

/* spin_us(n): returns n after busy-waiting n microseconds, to make a step take known time. */
static void spin_us(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  int64_t us = sqlite3_value_int64(argv[0]);
  struct timespec t0, t;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  do clock_gettime(CLOCK_MONOTONIC, &t);
  while ((t.tv_sec - t0.tv_sec) * 1000000 + (t.tv_nsec - t0.tv_nsec) / 1000 < us);
  sqlite3_result_int64(ctx, us);
}

/* step_ns (moa_db_seconds_total) still holds the time spent in SQLite: the whole of a slow first
 * step, and, through the sampled rows, the time of a scan's later rows (2,000 rows of 20 µs
 * each: at least half of the 40 ms; timing only the first step would give 20 µs). */
static void test_step_time(void **state) {
  (void)state;
  moa_db *db = open_ok(":memory:", false);
  assert_int_equal(
      sqlite3_create_function(db_handle(db), "spin_us", 1, SQLITE_UTF8, NULL, spin_us, NULL, NULL),
      SQLITE_OK);
  db_stats s0 = db_get_stats(db);
  sqlite3_stmt *one = db_stmt(db, "SELECT spin_us(20000)");
  assert_int_equal(db_step(db, one), SQLITE_ROW);
  sqlite3_reset(one);
  db_stats s1 = db_get_stats(db);
  assert_int_equal(s1.steps, s0.steps + 1);
  assert_true(s1.step_ns - s0.step_ns >= 20000000u);

  sqlite3_stmt *scan =
      db_stmt(db,
              "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000) "
              "SELECT spin_us(20) FROM c");
  int rows = 0, rc;
  while ((rc = db_step(db, scan)) == SQLITE_ROW) rows++;
  assert_int_equal(rc, SQLITE_DONE);
  assert_int_equal(rows, 2000);
  db_stats s2 = db_get_stats(db);
  assert_int_equal(s2.steps, s1.steps + 2001);
  assert_true(s2.step_ns - s1.step_ns >= 2000u * 20000u / 2);
  db_close(db);
}

static void test_transactions(void **state) {
  moa_db *db = open_ok(":memory:", false);
  assert_int_equal(db_begin(db), SQLITE_OK);
  assert_int_equal(sqlite3_get_autocommit(db_handle(db)), 0);
  assert_int_equal(db_meta_set(db, "x", "1"), 0);
  assert_int_equal(sqlite3_exec(db_handle(db), "INSERT INTO regions VALUES (5, 'r')", NULL, NULL, NULL),
                   SQLITE_OK);
  db_rollback(db);
  assert_int_equal(sqlite3_get_autocommit(db_handle(db)), 1);
  assert_int_equal(scalar(db, "SELECT count(*) FROM meta"), 0);
  assert_int_equal(scalar(db, "SELECT count(*) FROM regions"), 0);
  db_rollback(db); /* outside a transaction: nothing to do */

  uint64_t commits = db_get_stats(db).commits;
  assert_int_equal(db_begin(db), SQLITE_OK);
  assert_int_equal(db_meta_set(db, "y", "2"), 0);
  assert_int_equal(db_commit(db), SQLITE_OK);
  assert_int_equal(db_get_stats(db).commits, commits + 1);
  assert_int_equal(scalar(db, "SELECT count(*) FROM meta"), 1);

  /* COMMIT without BEGIN fails and leaves autocommit on. */
  assert_int_not_equal(db_commit(db), SQLITE_OK);
  assert_int_equal(sqlite3_get_autocommit(db_handle(db)), 1);
  db_close(db);
}

static void test_checkpointer(void **state) {
  tmpdb t;
  tmpdb_make(&t);
  moa_db *db = open_ok(t.path, true);
  assert_int_equal(db_begin(db), SQLITE_OK);
  char key[32];
  for (int i = 0; i < 500; i++) {
    snprintf(key, sizeof key, "key-%d", i);
    assert_int_equal(db_meta_set(db, key, "a value long enough to fill some pages of the log"), 0);
  }
  assert_int_equal(db_commit(db), SQLITE_OK);
  char wal[128];
  snprintf(wal, sizeof wal, "%s-wal", t.path);
  struct stat sb;
  assert_int_equal(stat(wal, &sb), 0);
  assert_true(sb.st_size > 0);
  db_close(db);
  if (stat(wal, &sb) == 0) assert_int_equal(sb.st_size, 0);

  /* Everything is in the main file. */
  db = open_ok(t.path, false);
  assert_int_equal(scalar(db, "SELECT count(*) FROM meta"), 500);
  db_close(db);
  tmpdb_remove(&t);
}

static void test_clock(void **state) {
  moa_db *db = open_ok(":memory:", false);
  int64_t now = (int64_t)time(NULL);
  assert_true(db_now(db) - now <= 1);
  db_set_clock_offset(db, 3600);
  assert_true(db_now(db) - now >= 3600 && db_now(db) - now <= 3601);
  db_set_clock_offset(db, 0);
  assert_true(db_now(NULL) - now <= 1);
  db_close(db);
}

/* PRAGMA data_version moves on another connection's commit, not on this connection's own. */
static void test_data_version(void **state) {
  (void)state;
  tmpdb t;
  tmpdb_make(&t);
  moa_db *db = open_ok(t.path, false);
  int64_t v = db_data_version(db);
  assert_true(v >= 0);
  assert_int_equal(db_meta_set(db, "k", "own write"), 0);
  assert_int_equal(db_data_version(db), v);
  sqlite3 *c;
  assert_int_equal(sqlite3_open(t.path, &c), SQLITE_OK);
  assert_int_equal(
      sqlite3_exec(c, "PRAGMA busy_timeout = 1000; UPDATE meta SET value = 'other' WHERE key = 'k'", NULL,
                   NULL, NULL),
      SQLITE_OK);
  assert_int_equal(sqlite3_close(c), SQLITE_OK);
  int64_t v2 = db_data_version(db);
  assert_true(v2 != v);
  assert_int_equal(db_data_version(db), v2); /* and stays put until the next such commit */
  db_close(db);
  tmpdb_remove(&t);
}

/* Storage does not log: what no result tells (migrations applied, a failed statement) goes to
 * the report function the process installed, at its level; with none, nowhere. */
static char reported[4096];
static int reported_levels[4];
static void report(void *arg, db_report_level level, const char *msg) {
  assert_ptr_equal(arg, reported);
  reported_levels[level]++;
  snprintf(reported + strlen(reported), sizeof reported - strlen(reported), "%s\n", msg);
}

static void test_report(void **state) {
  db_set_report(report, reported);
  moa_db *db = open_ok(":memory:", false);
  char want[64];
  snprintf(want, sizeof want, "database migrated to schema version %d\n", db_latest_schema_version());
  assert_non_null(strstr(reported, "database migrated to schema version 1\n"));
  assert_non_null(strstr(reported, want));
  assert_int_equal(reported_levels[DB_REPORT_INFO], db_latest_schema_version());
  reported[0] = '\0';
  assert_null(db_stmt(db, "SELECT no_such_column FROM meta"));
  assert_non_null(strstr(reported, "cannot prepare statement: no such column: no_such_column"));
  assert_int_equal(reported_levels[DB_REPORT_ERROR], 1);
  reported[0] = '\0';
  sqlite3_stmt *st = db_stmt(db, "INSERT INTO meta(key, value) VALUES ('k', 'v')");
  assert_int_equal(db_step(db, st), SQLITE_DONE);
  st = db_stmt(db, "INSERT INTO meta(key, value) VALUES ('k', 'v')");
  assert_int_not_equal(db_step(db, st), SQLITE_DONE); /* the key is taken */
  assert_non_null(strstr(reported, "database: UNIQUE constraint failed"));
  assert_int_equal(reported_levels[DB_REPORT_WARN], 1);
  db_set_report(NULL, NULL);
  reported[0] = '\0';
  st = db_stmt(db, "INSERT INTO meta(key, value) VALUES ('k', 'v')");
  assert_int_not_equal(db_step(db, st), SQLITE_DONE);
  assert_string_equal(reported, ""); /* none installed: nothing reported */
  db_close(db);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_memory_migrated),
      cmocka_unit_test(test_file_reopen),
      cmocka_unit_test(test_newer_schema_refused),
      cmocka_unit_test(test_open_failure),
      cmocka_unit_test(test_foreign_keys),
      cmocka_unit_test(test_wal),
      cmocka_unit_test(test_meta),
      cmocka_unit_test(test_stmt_cache),
      cmocka_unit_test(test_step_time),
      cmocka_unit_test(test_transactions),
      cmocka_unit_test(test_checkpointer),
      cmocka_unit_test(test_clock),
      cmocka_unit_test(test_data_version),
      cmocka_unit_test(test_report),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
