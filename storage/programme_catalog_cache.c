/* The per-connection catalog of support programmes (see programme_catalog_cache.h). */
#include "storage/programme_catalog_cache.h"

#include <stdlib.h>

#include "storage/programme_match_store.h"

#define CATALOG_MAX_AGE_S 3600

typedef struct catalog_cache {
  pm_catalog c;
  int64_t import_id, loaded_at;
} catalog_cache;

/* The latest import (any process's: the command line's too), -1 on error. PRAGMA data_version
 * is no use here: it moves only once this connection starts a read after the other commit. */
static int64_t catalog_cache__import(moa_db *db) {
  sqlite3_stmt *st = db_stmt(db, "SELECT ifnull(max(id), 0) FROM programme_imports");
  if (!st) return -1;
  int64_t v = db_step(db, st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
  sqlite3_reset(st);
  return v;
}

static void catalog_cache__free(void *p) {
  catalog_cache *x = p;
  if (!x) return;
  pm_catalog_free(&x->c);
  free(x);
}

const pm_catalog *programme_catalog_cached(moa_db *db, int64_t now) {
  int64_t v = catalog_cache__import(db);
  if (v < 0) return NULL;
  catalog_cache *x = db_ext(db, DB_EXT_PROGRAMMES);
  if (x && x->import_id == v && now >= x->loaded_at && now - x->loaded_at < CATALOG_MAX_AGE_S) return &x->c;
  x = calloc(1, sizeof *x);
  if (!x) return NULL;
  pm_catalog_init(&x->c);
  if (programme_catalog_load(db, now, &x->c) != 0) {
    free(x);
    db_set_ext(db, DB_EXT_PROGRAMMES, NULL, catalog_cache__free);
    return NULL;
  }
  x->import_id = v;
  x->loaded_at = now;
  db_set_ext(db, DB_EXT_PROGRAMMES, x, catalog_cache__free);
  return &x->c;
}

void programme_catalog_invalidate(moa_db *db) {
  db_set_ext(db, DB_EXT_PROGRAMMES, NULL, catalog_cache__free);
}
