/* The database handle (see db.h). Migrations are the SQL files of storage/migrations, embedded
 * at build time (tools/embed.cmake) and applied in order inside one transaction each, with
 * PRAGMA user_version recording how many have been applied: forward only, never edited once
 * released. A failed migration rolls back and leaves the previous version intact. */
#include "storage/db.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "storage/bigram.h"
#include "storage/embedded.h"
#include "storage/fts_columns.h"

#define STMT_CACHE_SIZE 256

struct stmt_slot {
  const char *sql;
  sqlite3_stmt *st;
};

struct moa_db {
  sqlite3 *conn;
  char *path;
  struct stmt_slot cache[STMT_CACHE_SIZE];
  db_stats stats;
  uint64_t sample; /* db_step's random draw of the rows it times (an LCG's state) */
  int64_t clock_offset;
  /* checkpointer */
  pthread_t ckpt_thread;
  bool ckpt_running;
  pthread_mutex_t ckpt_mu;
  pthread_cond_t ckpt_cv;
  bool ckpt_stop;
  /* fault injection (db_fault_inject): steps left before the failing one, 0 when off */
  uint64_t fault_countdown;
  int fault_code;
  bool fault_whole_txn;
  bool fault_fired;
  /* caches that other modules keep per connection (db_ext) */
  void *ext[DB_EXT_MAX];
  void (*ext_free[DB_EXT_MAX])(void *);
};

static db_report_fn report_fn; /* set once at start-up (db_set_report), read afterwards */
static void *report_arg;

void db_set_report(db_report_fn fn, void *arg) {
  report_fn = fn;
  report_arg = arg;
}

static void db__report(db_report_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void db__report(db_report_level level, const char *fmt, ...) {
  if (!report_fn) return;
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  report_fn(report_arg, level, msg);
}

int db_latest_schema_version(void) { return moa_migrations_count; }

int db_schema_version(moa_db *db) {
  sqlite3_stmt *st = db_stmt(db, "PRAGMA user_version");
  int v = -1;
  if (st && db_step(db, st) == SQLITE_ROW) v = sqlite3_column_int(st, 0);
  if (st) sqlite3_reset(st);
  return v;
}

static int migrate(moa_db *db, char *err, size_t errlen) {
  int have = db_schema_version(db);
  if (have < 0) {
    snprintf(err, errlen, "cannot read schema version: %s", sqlite3_errmsg(db->conn));
    return -1;
  }
  if (have > moa_migrations_count) {
    snprintf(err, errlen, "database schema version %d is newer than this moa (%d); upgrade moa", have,
             moa_migrations_count);
    return -1;
  }
  for (int v = have; v < moa_migrations_count; v++) {
    char *msg = NULL;
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d;", v + 1);
    if (sqlite3_exec(db->conn, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK ||
        sqlite3_exec(db->conn, moa_migrations[v], NULL, NULL, &msg) != SQLITE_OK ||
        sqlite3_exec(db->conn, pragma, NULL, NULL, &msg) != SQLITE_OK ||
        sqlite3_exec(db->conn, "COMMIT", NULL, NULL, &msg) != SQLITE_OK) {
      snprintf(err, errlen, "migration %d failed: %s", v + 1, msg ? msg : "unknown error");
      sqlite3_free(msg);
      sqlite3_exec(db->conn, "ROLLBACK", NULL, NULL, NULL);
      return -1;
    }
    db__report(DB_REPORT_INFO, "database migrated to schema version %d", v + 1);
  }
  return 0;
}

static void *checkpointer_main(void *arg) {
  moa_db *db = arg;
  sqlite3 *c = NULL;
  if (sqlite3_open_v2(db->path, &c, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
    db__report(DB_REPORT_ERROR, "checkpointer: cannot open %s", db->path);
    sqlite3_close(c);
    return NULL;
  }
  sqlite3_busy_timeout(c, 1000);
  pthread_mutex_lock(&db->ckpt_mu);
  while (!db->ckpt_stop) {
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 2;
    pthread_cond_timedwait(&db->ckpt_cv, &db->ckpt_mu, &until);
    if (db->ckpt_stop) break;
    pthread_mutex_unlock(&db->ckpt_mu);
    /* PASSIVE never blocks writers; the fsync happens here, on this thread. */
    sqlite3_wal_checkpoint_v2(c, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    pthread_mutex_lock(&db->ckpt_mu);
  }
  pthread_mutex_unlock(&db->ckpt_mu);
  sqlite3_close(c);
  return NULL;
}

moa_db *db_open(const char *path, bool checkpointer, char *err, size_t errlen) {
  moa_db *db = calloc(1, sizeof *db);
  if (!db) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  db->path = strdup(path);
  if (sqlite3_open_v2(path, &db->conn, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      NULL) != SQLITE_OK) {
    snprintf(err, errlen, "cannot open database %s: %s", path,
             db->conn ? sqlite3_errmsg(db->conn) : "out of memory");
    goto fail;
  }
  sqlite3_busy_timeout(db->conn, 5000);
  sqlite3_extended_result_codes(db->conn, 1);
  char *msg = NULL;
  /* WAL + synchronous=NORMAL: a commit is durable against a process crash (SIGKILL) without
   * an fsync on the committing thread; the checkpointer thread does the fsyncs. */
  if (sqlite3_exec(db->conn,
                   "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                   "PRAGMA temp_store=MEMORY;",
                   NULL, NULL, &msg) != SQLITE_OK) {
    snprintf(err, errlen, "cannot configure database %s: %s", path, msg ? msg : "?");
    sqlite3_free(msg);
    goto fail;
  }
  if (bigram_register(db->conn) != SQLITE_OK) {
    snprintf(err, errlen, "cannot register moa_bigrams on %s: %s", path, sqlite3_errmsg(db->conn));
    goto fail;
  }
  if (fts_columns_register(db->conn) != SQLITE_OK) {
    snprintf(err, errlen, "cannot register moa_phrase_columns on %s: %s", path, sqlite3_errmsg(db->conn));
    goto fail;
  }
  if (migrate(db, err, errlen) != 0) goto fail;
  if (checkpointer && strcmp(path, ":memory:") != 0) {
    sqlite3_wal_autocheckpoint(db->conn, 0);
    pthread_mutex_init(&db->ckpt_mu, NULL);
    pthread_cond_init(&db->ckpt_cv, NULL);
    if (pthread_create(&db->ckpt_thread, NULL, checkpointer_main, db) == 0)
      db->ckpt_running = true;
    else
      sqlite3_wal_autocheckpoint(db->conn, 1000);
  }
  return db;
fail:
  /* migrate() may have cached statements; sqlite3_close refuses (and leaks) while any is live. */
  for (int i = 0; i < STMT_CACHE_SIZE; i++)
    if (db->cache[i].st) sqlite3_finalize(db->cache[i].st);
  sqlite3_close(db->conn);
  free(db->path);
  free(db);
  return NULL;
}

void db_close(moa_db *db) {
  if (!db) return;
  if (db->ckpt_running) {
    pthread_mutex_lock(&db->ckpt_mu);
    db->ckpt_stop = true;
    pthread_cond_signal(&db->ckpt_cv);
    pthread_mutex_unlock(&db->ckpt_mu);
    pthread_join(db->ckpt_thread, NULL);
    pthread_mutex_destroy(&db->ckpt_mu);
    pthread_cond_destroy(&db->ckpt_cv);
  }
  for (int i = 0; i < DB_EXT_MAX; i++)
    if (db->ext[i] && db->ext_free[i]) db->ext_free[i](db->ext[i]);
  for (int i = 0; i < STMT_CACHE_SIZE; i++)
    if (db->cache[i].st) sqlite3_finalize(db->cache[i].st);
  if (strcmp(db->path, ":memory:") != 0)
    sqlite3_wal_checkpoint_v2(db->conn, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
  sqlite3_close(db->conn);
  free(db->path);
  free(db);
}

sqlite3 *db_handle(moa_db *db) { return db->conn; }

void *db_ext(moa_db *db, db_ext_slot slot) { return db->ext[slot]; }

void db_set_ext(moa_db *db, db_ext_slot slot, void *p, void (*free_fn)(void *)) {
  if (db->ext[slot] && db->ext_free[slot] && db->ext[slot] != p) db->ext_free[slot](db->ext[slot]);
  db->ext[slot] = p;
  db->ext_free[slot] = free_fn;
}

sqlite3_stmt *db_stmt(moa_db *db, const char *sql) {
  size_t h = ((uintptr_t)sql >> 3) % STMT_CACHE_SIZE;
  for (size_t n = 0; n < STMT_CACHE_SIZE; n++, h = (h + 1) % STMT_CACHE_SIZE) {
    struct stmt_slot *s = &db->cache[h];
    if (s->sql == sql) {
      sqlite3_reset(s->st);
      sqlite3_clear_bindings(s->st);
      return s->st;
    }
    if (!s->sql) {
      if (sqlite3_prepare_v3(db->conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st, NULL) != SQLITE_OK) {
        db__report(DB_REPORT_ERROR, "cannot prepare statement: %s (%.80s)", sqlite3_errmsg(db->conn), sql);
        s->st = NULL;
        db->stats.errors++;
        return NULL;
      }
      s->sql = sql;
      return s->st;
    }
  }
  db__report(DB_REPORT_ERROR, "statement cache full");
  return NULL;
}

/* The injected failure of one step: the statement does not run; with whole_txn an open
 * transaction is rolled back too (sqlite3_exec, not db_step, so no step is counted). */
static int db__fault(moa_db *db) {
  db->fault_fired = true;
  if (db->fault_whole_txn && !sqlite3_get_autocommit(db->conn))
    sqlite3_exec(db->conn, "ROLLBACK", NULL, NULL, NULL);
  db->stats.errors++;
  db__report(DB_REPORT_DEBUG, "database: injected fault %d (%s)", db->fault_code,
             sqlite3_errstr(db->fault_code));
  return db->fault_code;
}

/* step_ns without two clock reads per row (they were 7 % of the chat fan-out's CPU, whose reader
 * lists step 1,000 rows a message): the first step of each run of a statement (not busy before
 * it: where SQLite plans, searches, sorts and writes) is timed; a later step (the next row) is
 * timed one time in DB_ROW_SAMPLE, drawn at random (a regular pattern could miss the same rows of
 * interleaved statements every time), and counted DB_ROW_SAMPLE times, so a scan's rows add their
 * time in expectation. */
#define DB_ROW_SAMPLE 16

int db_step(moa_db *db, sqlite3_stmt *st) {
  if (db->fault_countdown && --db->fault_countdown == 0) return db__fault(db);
  uint64_t weight = 1;
  if (sqlite3_stmt_busy(st)) {
    db->sample = db->sample * 6364136223846793005u + 1442695040888963407u; /* Knuth's MMIX LCG */
    weight = (db->sample >> 32) % DB_ROW_SAMPLE == 0 ? DB_ROW_SAMPLE : 0;  /* high bits: the random ones */
  }
  int64_t t0 = weight ? mono_ns() : 0;
  int rc = sqlite3_step(st);
  if (weight) db->stats.step_ns += weight * (uint64_t)(mono_ns() - t0);
  db->stats.steps++;
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    db->stats.errors++;
    db__report(DB_REPORT_WARN, "database: %s", sqlite3_errmsg(db->conn));
  }
  return rc;
}

void db_fault_inject(moa_db *db, uint64_t nth, int code, bool whole_txn) {
  db->fault_countdown = nth;
  db->fault_code = code;
  db->fault_whole_txn = whole_txn;
  db->fault_fired = false;
}

bool db_fault_fired(const moa_db *db) { return db->fault_fired; }

int db_exec_stmt(moa_db *db, sqlite3_stmt *st) {
  int rc = db_step(db, st);
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? SQLITE_DONE : rc;
}

static int exec_simple(moa_db *db, const char *sql) {
  sqlite3_stmt *st = db_stmt(db, sql);
  return st ? (db_exec_stmt(db, st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR) : SQLITE_ERROR;
}

int db_begin(moa_db *db) { return exec_simple(db, "BEGIN IMMEDIATE"); }

int db_commit(moa_db *db) {
  int rc = exec_simple(db, "COMMIT");
  if (rc == SQLITE_OK)
    db->stats.commits++;
  else
    db_rollback(db);
  return rc;
}

/* Not through db_step(): an injected fault models a failed write, and undoing one is what must
 * then work (SQLite's rollback from its journal is the recovery path, not another write). */
void db_rollback(moa_db *db) {
  if (!sqlite3_get_autocommit(db->conn) && sqlite3_exec(db->conn, "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK)
    db__report(DB_REPORT_ERROR, "database: rollback failed: %s", sqlite3_errmsg(db->conn));
}

bool db_begin_own(moa_db *db, bool *own) {
  *own = sqlite3_get_autocommit(db->conn) != 0;
  return !*own || db_begin(db) == SQLITE_OK;
}

bool db_end_own(moa_db *db, bool own, bool ok) {
  if (!own) return true;
  if (!ok) {
    db_rollback(db);
    return true;
  }
  return db_commit(db) == SQLITE_OK;
}

int64_t db_now(moa_db *db) { return (int64_t)time(NULL) + (db ? db->clock_offset : 0); }
void db_set_clock_offset(moa_db *db, int64_t seconds) { db->clock_offset = seconds; }
db_stats db_get_stats(const moa_db *db) { return db->stats; }
const char *db_errmsg(moa_db *db) { return sqlite3_errmsg(db->conn); }

int64_t db_data_version(moa_db *db) {
  sqlite3_stmt *st = db_stmt(db, "PRAGMA data_version");
  if (!st) return -1;
  int64_t v = db_step(db, st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
  sqlite3_reset(st);
  return v;
}

int db_meta_get(moa_db *db, const char *key, char *out, size_t outlen) {
  sqlite3_stmt *st = db_stmt(db, "SELECT value FROM meta WHERE key = ?");
  if (!st) return 0;
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  int found = 0;
  if (db_step(db, st) == SQLITE_ROW) {
    snprintf(out, outlen, "%s", (const char *)sqlite3_column_text(st, 0));
    found = 1;
  }
  sqlite3_reset(st);
  return found;
}

int db_meta_set(moa_db *db, const char *key, const char *value) {
  sqlite3_stmt *st = db_stmt(db,
                             "INSERT INTO meta(key, value) VALUES (?, ?) "
                             "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  if (!st) return -1;
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
  return db_exec_stmt(db, st) == SQLITE_DONE ? 0 : -1;
}
