/* Consortium queries (see consortium_store.h). The consortium row and its member count come from
 * one statement; the linked complexes from a second, grouped by region here in the order they were
 * loaded from data/consortia.tsv (lead first, then consortium_complexes insertion order). The
 * members of consortium.get's page go to the caller's callback row by row, uncopied. */
#include "storage/consortium_store.h"

#include <stdlib.h>
#include <string.h>

/* The consortium statements (the list and one by id) read these columns, in the order of the enum
 * below; each adds its WHERE / ORDER BY. */
#define CONSORTIUM_SELECT                                                    \
  "SELECT c.id, c.name_ko, c.name_en, s.id, s.name_ko, s.name_en, "          \
  "c.sector_detail_ko, c.sector_detail_en, r.name_ko, x.name_ko, c.active, " \
  "(SELECT count(*) FROM memberships m WHERE m.consortium_id = c.id) "       \
  "FROM consortia c JOIN sectors s ON s.id = c.sector_id "                   \
  "JOIN regions r ON r.id = c.lead_region_id JOIN complexes x ON x.id = c.lead_complex_id "

/* Columns of CONSORTIUM_SELECT, in this order. */
enum {
  C_ID,
  C_NAME_KO,
  C_NAME_EN,
  C_SECTOR_ID,
  C_SECTOR_KO,
  C_SECTOR_EN,
  C_DETAIL_KO,
  C_DETAIL_EN,
  C_LEAD_REGION,
  C_LEAD_COMPLEX,
  C_ACTIVE,
  C_ORG_COUNT
};

/* The linked complexes of one consortium grouped by region, copied out of their rows (the
 * consortium's row stays current meanwhile). */
typedef struct consortium_groups {
  consortium_region *regions;
  size_t nregions;
  const char **complexes; /* every complex, grouped: regions[i].complexes points into it */
  char **owned;           /* the copied strings */
  size_t nowned;
} consortium_groups;

static void consortium_store__groups_free(consortium_groups *g) {
  for (size_t i = 0; i < g->nowned; i++) free(g->owned[i]);
  free(g->owned);
  free(g->complexes);
  free(g->regions);
  memset(g, 0, sizeof *g);
}

/* Reads the {region, complexes} groups of consortium id into g. Returns 0, or -1 on a database
 * error or out of memory (g freed). */
static int consortium_store__regions(moa_db *db, int64_t id, consortium_groups *g) {
  memset(g, 0, sizeof *g);
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT r.name_ko, x.name_ko FROM consortium_complexes cc "
                             "JOIN complexes x ON x.id = cc.complex_id "
                             "JOIN regions r ON r.id = x.region_id "
                             "WHERE cc.consortium_id = ? ORDER BY cc.is_lead DESC, cc.rowid");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, id);
  /* rows: (region, complex) pairs in query order, copied */
  char **rows = NULL;
  size_t n = 0, cap = 0;
  int rc;
  while ((rc = db_step(db, st)) == SQLITE_ROW) {
    if (n + 2 > cap) {
      size_t c = cap ? 2 * cap : 16;
      char **r = realloc(rows, c * sizeof *r);
      if (!r) break;
      rows = r, cap = c;
    }
    const char *region = (const char *)sqlite3_column_text(st, 0),
               *complex = (const char *)sqlite3_column_text(st, 1);
    rows[n] = strdup(region ? region : "");
    rows[n + 1] = complex ? strdup(complex) : NULL;
    n += 2;
    if (!rows[n - 2] || (complex && !rows[n - 1])) break;
  }
  sqlite3_reset(st);
  g->owned = rows;
  g->nowned = n;
  size_t pairs = n / 2;
  if (rc != SQLITE_DONE) goto fail;
  g->complexes = pairs ? malloc(pairs * sizeof *g->complexes) : NULL;
  g->regions = pairs ? calloc(pairs, sizeof *g->regions) : NULL;
  if (pairs && (!g->complexes || !g->regions)) goto fail;
  /* group: each region in order of first appearance, its complexes in row order */
  size_t k = 0;
  for (size_t i = 0; i < pairs; i++) {
    bool seen = false;
    for (size_t j = 0; j < i && !seen; j++) seen = strcmp(rows[2 * j], rows[2 * i]) == 0;
    if (seen) continue;
    consortium_region *r = &g->regions[g->nregions++];
    r->region = rows[2 * i];
    r->complexes = &g->complexes[k];
    for (size_t j = i; j < pairs; j++)
      if (strcmp(rows[2 * j], rows[2 * i]) == 0) g->complexes[k++] = rows[2 * j + 1], r->ncomplexes++;
  }
  return 0;
fail:
  consortium_store__groups_free(g);
  return -1;
}

/* Gives fn the consortium of the current row of st (see the column enum). Returns 0 or -1. */
static int consortium_store__object(moa_db *db, sqlite3_stmt *st, consortium_fn fn, void *arg) {
  int64_t id = sqlite3_column_int64(st, C_ID);
  consortium_groups g;
  if (consortium_store__regions(db, id, &g) != 0) return -1;
#define T(col) ((const char *)sqlite3_column_text(st, col))
  consortium_info c = {.id = id,
                       .name_ko = T(C_NAME_KO),
                       .name_en = T(C_NAME_EN),
                       .sector_id = sqlite3_column_int64(st, C_SECTOR_ID),
                       .sector_ko = T(C_SECTOR_KO),
                       .sector_en = T(C_SECTOR_EN),
                       .sector_detail_ko = T(C_DETAIL_KO),
                       .sector_detail_en = T(C_DETAIL_EN),
                       .lead_region = T(C_LEAD_REGION),
                       .lead_complex = T(C_LEAD_COMPLEX),
                       .regions = g.regions,
                       .nregions = g.nregions,
                       .organization_count = sqlite3_column_int64(st, C_ORG_COUNT),
                       .active = sqlite3_column_int(st, C_ACTIVE) != 0};
#undef T
  fn(arg, &c);
  consortium_store__groups_free(&g);
  return 0;
}

store_status consortium_store_list(moa_db *db, consortium_fn fn, void *arg) {
  sqlite3_stmt *st = db_stmt(db, CONSORTIUM_SELECT "ORDER BY c.id");
  if (!st) return STORE_ERROR;
  int rc;
  while ((rc = db_step(db, st)) == SQLITE_ROW)
    if (consortium_store__object(db, st, fn, arg) != 0) break;
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

/* Gives member_fn the page of members of consortium id; returns 0 or -1. */
static int consortium_store__organizations(moa_db *db, int64_t id, int limit, int offset,
                                           consortium_member_fn member_fn, void *arg) {
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT o.id, o.name, o.kind, r.name_ko, x.name_ko, o.size "
                             "FROM memberships m JOIN organizations o ON o.id = m.org_id "
                             "JOIN regions r ON r.id = o.region_id "
                             "LEFT JOIN complexes x ON x.id = o.complex_id "
                             "WHERE m.consortium_id = ? ORDER BY o.name, o.id LIMIT ? OFFSET ?");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_int(st, 2, limit);
  sqlite3_bind_int(st, 3, offset);
  int rc;
  while ((rc = db_step(db, st)) == SQLITE_ROW) {
    consortium_member m = {sqlite3_column_int64(st, 0),
                           (const char *)sqlite3_column_text(st, 1),
                           (const char *)sqlite3_column_text(st, 2),
                           (const char *)sqlite3_column_text(st, 3),
                           (const char *)sqlite3_column_text(st, 4),
                           (const char *)sqlite3_column_text(st, 5)};
    member_fn(arg, &m);
  }
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? 0 : -1;
}

store_status consortium_store_get(moa_db *db, int64_t id, int org_limit, int org_offset, consortium_fn fn,
                                  consortium_member_fn member_fn, void *arg) {
  sqlite3_stmt *st = db_stmt(db, CONSORTIUM_SELECT "WHERE c.id = ?");
  if (!st) return STORE_ERROR;
  sqlite3_bind_int64(st, 1, id);
  int step = db_step(db, st);
  store_status rc = step == SQLITE_ROW
                        ? (consortium_store__object(db, st, fn, arg) == 0 ? STORE_OK : STORE_ERROR)
                    : step == SQLITE_DONE ? STORE_NOT_FOUND
                                          : STORE_ERROR;
  sqlite3_reset(st);
  if (rc != STORE_OK) return rc;
  if (org_limit < 0) org_limit = 0;
  if (org_limit > CONSORTIUM_STORE_MAX_PAGE) org_limit = CONSORTIUM_STORE_MAX_PAGE;
  if (org_offset < 0) org_offset = 0;
  return consortium_store__organizations(db, id, org_limit, org_offset, member_fn, arg) == 0 ? STORE_OK
                                                                                             : STORE_ERROR;
}

int consortium_store_exists(moa_db *db, int64_t id) {
  sqlite3_stmt *st = db_stmt(db, "SELECT EXISTS (SELECT 1 FROM consortia WHERE id = ?)");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, id);
  int rc = db_step(db, st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
  sqlite3_reset(st);
  return rc;
}
