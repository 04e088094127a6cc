/* The database handle: one sqlite3 connection, its prepared-statement cache, migrations and
 * timing counters. A moa_db belongs to one thread (the signaling thread, or a CLI command).
 *
 * Statements are prepared once (SQLITE_PREPARE_PERSISTENT) and kept until db_close: callers
 * pass the SQL text of a string literal to db_stmt() and get the statement reset and unbound.
 * Stores call db_step() instead of sqlite3_step() so /metrics can report database latency. */
#ifndef MOA_STORAGE_DB_H
#define MOA_STORAGE_DB_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct moa_db moa_db;

/* What the database reports that no result tells its caller: a failed statement (the store
 * returns only "error"), a migration applied during db_open, the checkpointer thread's failure.
 * Storage does not log: the process's composer (gateway/main.c) installs a report function once
 * at start-up, before any thread starts and before db_open, as SQLite's SQLITE_CONFIG_LOG is
 * installed; it is then called from the thread that hit the event (the checkpointer's too), so
 * it must be thread-safe. With none installed (tests, tools), nothing is reported. */
typedef enum { DB_REPORT_DEBUG, DB_REPORT_INFO, DB_REPORT_WARN, DB_REPORT_ERROR } db_report_level;
typedef void (*db_report_fn)(void *arg, db_report_level level, const char *msg);
void db_set_report(db_report_fn fn, void *arg);

typedef struct db_stats {
  uint64_t steps;   /* sqlite3_step calls */
  uint64_t step_ns; /* time spent in them: each statement run's first step timed, later rows
                       sampled (one in 16 at random, counted 16 times): see db_step */
  uint64_t errors;  /* steps that returned an error */
  uint64_t commits; /* transactions committed through db_commit */
} db_stats;

/* Opens (creating if needed) the database at path (":memory:" for tests), turns on WAL,
 * foreign keys and a busy timeout, and migrates it to the newest schema.
 * With checkpointer set, automatic checkpoints are turned off on this connection and a
 * background thread with its own connection checkpoints the WAL, so that the caller's thread
 * never waits on fsync. On error, NULL is returned, err holds the reason and nothing is open. */
moa_db *db_open(const char *path, bool checkpointer, char *err, size_t errlen);

/* Checkpoints and truncates the WAL (when the file has one), stops the checkpointer, finalizes
 * every cached statement and closes. Safe on NULL. */
void db_close(moa_db *db);

sqlite3 *db_handle(moa_db *db);

/* Per-connection caches of other storage modules, freed by db_close. A slot holds one pointer;
 * setting it frees the previous one (if different) with its free function. */
typedef enum { DB_EXT_DIRECTORY = 0, DB_EXT_PROGRAMMES, DB_EXT_MAX } db_ext_slot;
void *db_ext(moa_db *db, db_ext_slot slot);
void db_set_ext(moa_db *db, db_ext_slot slot, void *p, void (*free_fn)(void *));
int db_schema_version(moa_db *db);
int db_latest_schema_version(void);

/* Returns the cached statement for sql (a string literal), reset and with bindings cleared;
 * NULL if it does not compile (logged). */
sqlite3_stmt *db_stmt(moa_db *db, const char *sql);
/* sqlite3_step with timing and error counting; returns what sqlite3_step returned (or the
 * injected fault). Every step counts in steps; step_ns gets the whole time of the first step of
 * each run of st and, for a later step (the next row of a result), an unbiased estimate: its
 * time times 16, one step in 16 drawn at random, else nothing (no clock read). */
int db_step(moa_db *db, sqlite3_stmt *st);
/* Runs a statement that returns no rows to be read; returns SQLITE_DONE on success. */
int db_exec_stmt(moa_db *db, sqlite3_stmt *st);

/* Transactions. db_begin takes the write lock at once (BEGIN IMMEDIATE). Return SQLITE_OK. */
int db_begin(moa_db *db);
int db_commit(moa_db *db);
void db_rollback(moa_db *db);

/* A transaction of the callee's own unless the caller has one open (then the callee's writes
 * join the caller's): *own says whether one was opened here. Returns false when it could not be
 * opened. */
bool db_begin_own(moa_db *db, bool *own);
/* Ends what db_begin_own opened: nothing when own is false; else commits when ok and rolls back
 * when not. Returns false only when the commit failed (then rolled back). */
bool db_end_own(moa_db *db, bool own, bool ok);

/* PRAGMA data_version of this connection: it changes when another connection (another process,
 * or another connection of this one) commits to the database, and not on this connection's own
 * commits. Cheap (reads the WAL index in shared memory, no disk read). -1 on error. */
int64_t db_data_version(moa_db *db);

/* Current time in unix seconds; tests may move it with db_set_clock_offset. */
int64_t db_now(moa_db *db);
void db_set_clock_offset(moa_db *db, int64_t seconds);

/* Fault injection, for tests (tests/unit/test_store_faults.c), in the spirit of SQLite's own
 * I/O-error and out-of-memory tests: the nth db_step() from now (1 = the next one) fails with
 * `code` (SQLITE_IOERR, SQLITE_FULL, SQLITE_NOMEM...) without running its statement, which is
 * what SQLite does when it undoes a statement it could not finish. With whole_txn, an open
 * transaction is rolled back as well, as SQLite may do for these errors (sqlite3_step's "the
 * whole transaction is rolled back" case), so a caller that went on regardless would write in
 * autocommit mode. nth 0 turns injection off. Every store reaches SQLite through db_step(), so
 * this reaches every statement of every write; in production it costs one integer test per step. */
void db_fault_inject(moa_db *db, uint64_t nth, int code, bool whole_txn);
/* True once the fault armed by db_fault_inject() has fired. */
bool db_fault_fired(const moa_db *db);

db_stats db_get_stats(const moa_db *db);
const char *db_errmsg(moa_db *db);

/* Meta key/value (string). Returns 1 when found (copied into out), 0 when absent. */
int db_meta_get(moa_db *db, const char *key, char *out, size_t outlen);
int db_meta_set(moa_db *db, const char *key, const char *value);

#endif
