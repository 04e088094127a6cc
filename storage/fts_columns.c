/* moa_phrase_columns (see fts_columns.h), through the FTS5 extension API. */
#include "storage/fts_columns.h"

#include <string.h>

static void fts_columns__fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int nval,
                            sqlite3_value **val) {
  (void)nval, (void)val;
  int nphrase = api->xPhraseCount(fts);
  if (nphrase <= 0) {
    sqlite3_result_zeroblob(ctx, 0);
    return;
  }
  unsigned char *mask = sqlite3_malloc(nphrase);
  if (!mask) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  memset(mask, 0, (size_t)nphrase);
  for (int p = 0; p < nphrase; p++) {
    Fts5PhraseIter it;
    int col = -1;
    int rc = api->xPhraseFirstColumn(fts, p, &it, &col);
    if (rc != SQLITE_OK) {
      sqlite3_free(mask);
      sqlite3_result_error_code(ctx, rc);
      return;
    }
    for (; col >= 0; api->xPhraseNextColumn(fts, &it, &col))
      if (col < 8) mask[p] |= (unsigned char)(1u << col);
  }
  sqlite3_result_blob(ctx, mask, nphrase, sqlite3_free);
}

int fts_columns_register(sqlite3 *conn) {
  fts5_api *api = NULL;
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(conn, "SELECT fts5(?1)", -1, &st, NULL);
  if (rc != SQLITE_OK) return rc;
  sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
  sqlite3_step(st);
  rc = sqlite3_finalize(st);
  if (rc != SQLITE_OK) return rc;
  if (!api || api->iVersion < 2) return SQLITE_ERROR;
  return api->xCreateFunction(api, "moa_phrase_columns", NULL, fts_columns__fn, NULL);
}
