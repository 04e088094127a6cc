/* A list of ids read from a statement (see db_ids.h). */
#include "storage/db_ids.h"

#include <stdlib.h>

int db_ids(moa_db *db, sqlite3_stmt *st, int64_t **ids, size_t *n) {
  *ids = NULL;
  *n = 0;
  size_t cap = 0;
  int rc;
  while ((rc = db_step(db, st)) == SQLITE_ROW) {
    if (*n == cap) {
      cap = cap ? 2 * cap : 8;
      int64_t *v = realloc(*ids, cap * sizeof *v);
      if (!v) break;
      *ids = v;
    }
    (*ids)[(*n)++] = sqlite3_column_int64(st, 0);
  }
  sqlite3_reset(st);
  if (rc == SQLITE_DONE) return 0;
  free(*ids);
  *ids = NULL;
  *n = 0;
  return -1;
}
