/* libFuzzer target: the operator-facing TSV imports (storage/tsv.c and its two users,
 * org_import_tsv() of storage/org_store.c and reference_load() of storage/reference_store.c),
 * which read files an operator was sent by the organizations. Each input is one file: it is read
 * line by line (every field through the UTF-8 and integer checks and trim), then imported as an
 * organization list into a database holding the reference data, and loaded as reference data
 * into an empty one. An import is all or nothing: a refused one must leave the organization
 * count as it was, a successful one add exactly what it reports (and is then deleted again, so
 * that inputs stay independent).
 *
 * Built by `make fuzz` and replayed by ctest (fuzz_replay_tsv); see docs/FUZZING.md. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "storage/db.h"
#include "storage/embedded.h"
#include "storage/org_store.h"
#include "storage/reference_store.h"
#include "storage/tsv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static moa_db *orgdb, *refdb;

static moa_db *open_db(bool with_reference) {
  char err[256];
  moa_db *db = db_open(":memory:", false, err, sizeof err);
  if (!db) abort();
  if (with_reference && reference_load(db, embedded_data("consortia.tsv"), err, sizeof err) < 0) abort();
  return db;
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  log_set_level(LOG_LEVEL_ERROR);
  orgdb = open_db(true);
  refdb = open_db(false);
  return 0;
}

static int64_t count_of(moa_db *db, const char *sql) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL) != SQLITE_OK) abort();
  int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
  sqlite3_finalize(st);
  if (n < 0) abort();
  return n;
}

static void read_lines(const char *text) {
  tsv_reader r;
  tsv_reader_init(&r, text);
  int rc;
  while ((rc = tsv_next(&r)) == 1) {
    if (r.nfields < 1 || r.nfields > TSV_MAX_FIELDS + 1) abort();
    for (int i = 0; i < r.nfields && i < TSV_MAX_FIELDS; i++) {
      int64_t v;
      (void)tsv_text_error(r.field[i]);
      if (tsv_parse_int(r.field[i], 0, 1000000, &v) == 0 && (v < 0 || v > 1000000)) abort();
      char *f = tsv_trim(r.field[i]);
      size_t n = strlen(f);
      if (n && (f[0] == ' ' || f[n - 1] == ' ')) abort();
    }
  }
  if (rc < 0) abort();
  tsv_reader_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = malloc(size + 1);
  if (!text) return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  read_lines(text);

  char err[512];
  int imported = -1;
  int64_t before = count_of(orgdb, "SELECT count(*) FROM organizations");
  int rc = org_import_tsv(orgdb, text, &imported, err, sizeof err);
  int64_t after = count_of(orgdb, "SELECT count(*) FROM organizations");
  if (rc != 0 && (imported != 0 || after != before || !err[0])) abort();
  if (rc == 0 && after != before + imported) abort();
  if (rc == 0 && imported > 0 &&
      sqlite3_exec(db_handle(orgdb), "DELETE FROM organizations", NULL, NULL, NULL) != SQLITE_OK)
    abort();

  int64_t consortia = count_of(refdb, "SELECT count(*) FROM consortia");
  if (reference_load(refdb, text, err, sizeof err) > 0) {
    db_close(refdb); /* loaded: start the next input from an empty database again */
    refdb = open_db(false);
  } else if (count_of(refdb, "SELECT count(*) FROM consortia") != consortia) {
    abort();
  }
  free(text);
  return 0;
}
