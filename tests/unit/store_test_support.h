/* What the store unit tests share: a fresh ":memory:" database per test (db_open applies every
 * migration), seeded with the test's own SQL fixture, as the state of a cmocka test; one-value
 * queries; the reference consortia; and the place rows (sector, region, complex) every consortium needs.
 * Include it after cmocka.h. */
#ifndef MOA_TESTS_STORE_TEST_SUPPORT_H
#define MOA_TESTS_STORE_TEST_SUPPORT_H

#include <stdint.h>
#include <stdio.h>

#include "storage/db.h"
#include "storage/embedded.h"
#include "storage/reference_store.h"

/* Sector 1 (수소), region 1 (울산) and complex 1 (울산미포 in region 1). */
#define STORE_TEST_PLACE                                  \
  "INSERT INTO sectors VALUES (1, '수소', 'Hydrogen');" \
  "INSERT INTO regions VALUES (1, '울산');"             \
  "INSERT INTO complexes VALUES (1, 1, '울산미포');"

/* STORE_TEST_PLACE and consortium 1 (수소 컨소시엄) there. */
#define STORE_TEST_CONSORTIUM                                                                      \
  STORE_TEST_PLACE                                                                                 \
  "INSERT INTO consortia(id, sector_id, lead_region_id, lead_complex_id, name_ko, name_en) VALUES" \
  " (1, 1, 1, 1, '수소 컨소시엄', 'Hydrogen');"

/* A new migrated ":memory:" database with the SQL of fixture (NULL: none) run on it. On failure
 * the reason is printed to stderr, nothing is left open and NULL is returned. */
static inline moa_db *store_test_open(const char *fixture) {
  char err[256];
  moa_db *db = db_open(":memory:", false, err, sizeof err);
  if (!db) {
    fprintf(stderr, "store_test_open: %s\n", err);
    return NULL;
  }
  if (fixture && sqlite3_exec(db_handle(db), fixture, NULL, NULL, NULL) != SQLITE_OK) {
    fprintf(stderr, "store_test_open: fixture: %s\n", sqlite3_errmsg(db_handle(db)));
    db_close(db);
    return NULL;
  }
  return db;
}

/* A cmocka setup: *state = store_test_open(fixture); 0, or -1 when it failed. */
static inline int store_test_setup(void **state, const char *fixture) {
  *state = store_test_open(fixture);
  return *state ? 0 : -1;
}

/* store_test_open(NULL) with the 25 consortia of data/consortia.tsv loaded (reference_load, as
 * `moa db init` does); on failure the reason is printed, nothing is left open and NULL returned. */
static inline moa_db *store_test_open_consortia(void) {
  char err[256] = "";
  moa_db *db = store_test_open(NULL);
  if (db && reference_load(db, embedded_data("consortia.tsv"), err, sizeof err) != 25) {
    fprintf(stderr, "store_test_open_consortia: %s\n", err);
    db_close(db);
    db = NULL;
  }
  return db;
}

/* A cmocka setup: *state = store_test_open_consortia(); 0, or -1 when it failed. */
static inline int store_test_setup_consortia(void **state) {
  *state = store_test_open_consortia();
  return *state ? 0 : -1;
}

/* The cmocka teardown of store_test_setup: closes the database in *state. */
static inline int store_test_teardown(void **state) {
  db_close(*state);
  return 0;
}

/* The integer in the first column of the first row sql returns; the test fails when sql does not
 * prepare or returns no row. */
static inline int64_t store_test_scalar(moa_db *db, const char *sql) {
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  int64_t v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

#endif
