/* The in-memory directory index (see directory_index.h): three statements read the tables into
 * arrays (organizations in id order, the same in name order, memberships in org order), checked
 * against directory_version before every use. */
#include "storage/directory_index.h"

#include <stdlib.h>
#include <string.h>

const char *const directory_index_kinds[] = {
    "company",     "university",          "research_institute",        "venture_capital",
    "accelerator", "industrial_designer", "commercialization_company", "other_institution",
    NULL};
const char *const directory_index_sizes[] = {"micro", "small", "medium", "large", NULL};

static int8_t dir_index__of(const char *const *list, const unsigned char *s) {
  for (int8_t i = 0; s && list[i]; i++)
    if (strcmp(list[i], (const char *)s) == 0) return i;
  return 0; /* the CHECK constraints keep other values out */
}

static void dir_index__free(void *p) {
  dir_index *x = p;
  if (!x) return;
  free(x->e);
  free(x->by_name);
  free(x->cons);
  free(x->slot);
  free(x);
}

static int64_t dir_index__version(moa_db *db) {
  sqlite3_stmt *st = db_stmt(db, "SELECT v FROM directory_version WHERE id = 1");
  if (!st) return -1;
  int64_t v = db_step(db, st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
  sqlite3_reset(st);
  return v;
}

/* Reads the tables into a new index at version v; NULL on error. */
static dir_index *dir_index__build(moa_db *db, int64_t v) {
  dir_index *x = calloc(1, sizeof *x);
  sqlite3_stmt *st = x ? db_stmt(db, "SELECT count(*), coalesce(max(id), 0) FROM organizations") : NULL;
  if (!st || db_step(db, st) != SQLITE_ROW) goto fail_reset;
  x->version = v;
  int64_t count = sqlite3_column_int64(st, 0);
  x->max_id = sqlite3_column_int64(st, 1);
  sqlite3_reset(st);
  if (count > UINT32_MAX / 2 || x->max_id < 0 || x->max_id > 100000000) goto fail;
  x->e = calloc((size_t)count + 1, sizeof *x->e);
  x->by_name = calloc((size_t)count + 1, sizeof *x->by_name);
  x->slot = calloc((size_t)x->max_id + 1, sizeof *x->slot);
  if (!x->e || !x->by_name || !x->slot) goto fail;

  st = db_stmt(db,
               "SELECT id, coalesce(sector_id, 0), region_id, coalesce(complex_id, 0), kind, size, exports, "
               "hidden_outside FROM organizations ORDER BY id");
  if (!st) goto fail;
  int step;
  while ((step = db_step(db, st)) == SQLITE_ROW && x->n < count) {
    dir_entry *e = &x->e[x->n];
    e->id = sqlite3_column_int64(st, 0);
    e->sector_id = sqlite3_column_int64(st, 1);
    e->region_id = sqlite3_column_int64(st, 2);
    e->complex_id = sqlite3_column_int64(st, 3);
    e->kind = dir_index__of(directory_index_kinds, sqlite3_column_text(st, 4));
    e->size = dir_index__of(directory_index_sizes, sqlite3_column_text(st, 5));
    e->exports = sqlite3_column_int(st, 6) != 0;
    e->hidden = sqlite3_column_int(st, 7) != 0;
    if (e->id < 0 || e->id > x->max_id) continue;
    x->slot[e->id] = ++x->n;
  }
  sqlite3_reset(st);
  if (step != SQLITE_DONE && step != SQLITE_ROW) goto fail;

  st = db_stmt(db, "SELECT id FROM organizations ORDER BY name, id");
  if (!st) goto fail;
  uint32_t rank = 0;
  while ((step = db_step(db, st)) == SQLITE_ROW && rank < x->n) {
    const dir_entry *e = directory_index_find(x, sqlite3_column_int64(st, 0));
    if (!e) continue;
    uint32_t i = (uint32_t)(e - x->e);
    x->e[i].name_rank = rank;
    x->by_name[rank++] = i;
  }
  sqlite3_reset(st);
  if (step != SQLITE_DONE && step != SQLITE_ROW) goto fail;

  st = db_stmt(db, "SELECT count(*) FROM memberships");
  if (!st || db_step(db, st) != SQLITE_ROW) goto fail_reset;
  int64_t nm = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  x->cons = calloc((size_t)nm + 1, sizeof *x->cons);
  if (!x->cons) goto fail;
  st = db_stmt(db, "SELECT org_id, consortium_id FROM memberships ORDER BY org_id, consortium_id");
  if (!st) goto fail;
  uint32_t used = 0;
  while ((step = db_step(db, st)) == SQLITE_ROW && used < nm) {
    const dir_entry *ce = directory_index_find(x, sqlite3_column_int64(st, 0));
    if (!ce) continue;
    dir_entry *e = &x->e[ce - x->e];
    if (e->ncons == 0) e->cons_first = used;
    x->cons[used++] = sqlite3_column_int64(st, 1);
    e->ncons++;
  }
  sqlite3_reset(st);
  if (step != SQLITE_DONE && step != SQLITE_ROW) goto fail;
  return x;
fail_reset:
  if (st) sqlite3_reset(st);
fail:
  dir_index__free(x);
  return NULL;
}

const dir_index *directory_index_get(moa_db *db) {
  int64_t v = dir_index__version(db);
  if (v < 0) return NULL;
  dir_index *x = db_ext(db, DB_EXT_DIRECTORY);
  if (x && x->version == v) return x;
  x = dir_index__build(db, v);
  db_set_ext(db, DB_EXT_DIRECTORY, x, dir_index__free);
  return x;
}

bool directory_index_in(const dir_index *x, const dir_entry *e, int64_t consortium_id) {
  for (uint32_t i = 0; i < e->ncons; i++)
    if (x->cons[e->cons_first + i] == consortium_id) return true;
  return false;
}
