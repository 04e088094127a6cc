/* Organization store (see org_store.h). The import checks each line completely (columns, UTF-8,
 * known kind/size/band, existing consortia, region and complex) and inserts it inside one
 * transaction opened before the first line, so the first bad line rolls everything back. */
#include "storage/org_store.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/consortium_store.h"
#include "storage/db_ids.h"
#include "storage/tsv.h"

#define ORG_COLUMNS 12
#define ORG_MAX_CONSORTIA 32
#define ORG_NAME_MAX 200
#define ORG_TEXT_MAX 4000

static const char *const org_columns[ORG_COLUMNS] = {
    "name", "name_en",      "kind",    "consortium_ids", "region_ko", "complex_ko",
    "size", "revenue_band", "exports", "capabilities",   "keywords",  "description"};
enum {
  F_NAME,
  F_NAME_EN,
  F_KIND,
  F_CONSORTIA,
  F_REGION,
  F_COMPLEX,
  F_SIZE,
  F_BAND,
  F_EXPORTS,
  F_CAPS,
  F_KEYWORDS,
  F_DESC
};

static const char *const org_kinds[] = {
    "company",     "university",          "research_institute",        "venture_capital",
    "accelerator", "industrial_designer", "commercialization_company", "other_institution",
    NULL};
static const char *const org_sizes[] = {"micro", "small", "medium", "large", NULL};
static const char *const org_bands[] = {"unknown", "under_1b", "1b_10b", "10b_100b", "over_100b", NULL};

static int org_store__in(const char *const *set, const char *v) {
  for (int i = 0; v && set[i]; i++)
    if (strcmp(set[i], v) == 0) return 1;
  return 0;
}

int org_store_kind_valid(const char *kind) { return org_store__in(org_kinds, kind); }
int org_store_size_valid(const char *size) { return org_store__in(org_sizes, size); }
int org_store_revenue_band_valid(const char *band) { return org_store__in(org_bands, band); }

int64_t org_store_insert(moa_db *db, const org_record *r) {
  sqlite3_stmt *st = db_stmt(db,
                             "INSERT INTO organizations(kind, name, name_en, sector_id, region_id, "
                             "complex_id, size, revenue_band, exports, capabilities, keywords, "
                             "description) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!st) return -1;
  sqlite3_bind_text(st, 1, r->kind, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, r->name, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, r->name_en ? r->name_en : "", -1, SQLITE_STATIC);
  if (r->sector_id > 0) sqlite3_bind_int64(st, 4, r->sector_id);
  sqlite3_bind_int64(st, 5, r->region_id);
  if (r->complex_id > 0) sqlite3_bind_int64(st, 6, r->complex_id);
  sqlite3_bind_text(st, 7, r->size ? r->size : "small", -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 8, r->revenue_band ? r->revenue_band : "unknown", -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 9, r->exports ? 1 : 0);
  sqlite3_bind_text(st, 10, r->capabilities ? r->capabilities : "", -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 11, r->keywords ? r->keywords : "", -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 12, r->description ? r->description : "", -1, SQLITE_STATIC);
  if (db_exec_stmt(db, st) != SQLITE_DONE) return -1;
  return sqlite3_last_insert_rowid(db_handle(db));
}

store_status org_store_admit(moa_db *db, int64_t org_id, int64_t consortium_id, int *added) {
  if (added) *added = 0;
  if (db_begin(db) != SQLITE_OK) return STORE_ERROR;
  store_status res = STORE_ERROR;
  sqlite3_stmt *st =
      db_stmt(db,
              "SELECT EXISTS (SELECT 1 FROM organizations WHERE id = ?1), EXISTS (SELECT 1 FROM "
              "memberships WHERE org_id = ?1 AND consortium_id = ?2)");
  if (!st) goto fail;
  sqlite3_bind_int64(st, 1, org_id);
  sqlite3_bind_int64(st, 2, consortium_id);
  if (db_step(db, st) != SQLITE_ROW) goto reset_fail;
  bool exists = sqlite3_column_int(st, 0), member = sqlite3_column_int(st, 1);
  sqlite3_reset(st);
  if (!exists || member) {
    res = !exists ? STORE_NOT_FOUND : STORE_CONFLICT;
    goto fail;
  }
  if (org_store_add_membership(db, org_id, consortium_id) != 0) goto fail;
  st = db_stmt(db,
               "INSERT INTO user_roles(user_id, consortium_id, role) SELECT id, ?2, 'member' FROM users "
               "WHERE org_id = ?1 AND disabled = 0 ON CONFLICT(user_id, consortium_id) DO NOTHING");
  if (!st) goto fail;
  sqlite3_bind_int64(st, 1, org_id);
  sqlite3_bind_int64(st, 2, consortium_id);
  if (db_exec_stmt(db, st) != SQLITE_DONE) goto fail;
  int n = sqlite3_changes(db_handle(db));
  if (db_commit(db) != SQLITE_OK) goto fail;
  if (added) *added = n;
  return STORE_OK;
reset_fail:
  sqlite3_reset(st);
fail:
  db_rollback(db);
  return res;
}

int org_store_add_membership(moa_db *db, int64_t org_id, int64_t consortium_id) {
  sqlite3_stmt *st = db_stmt(db,
                             "INSERT INTO memberships(org_id, consortium_id) VALUES (?, ?) "
                             "ON CONFLICT DO NOTHING");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, org_id);
  sqlite3_bind_int64(st, 2, consortium_id);
  return db_exec_stmt(db, st) == SQLITE_DONE ? 0 : -1;
}

/* Runs a one-integer query with one text and an optional integer parameter.
 * Returns 1 with *out set, 0 for no row, -1 on error. */
static int org_store__lookup(moa_db *db, sqlite3_stmt *st, const char *text, int64_t num, int64_t *out) {
  if (!st) return -1;
  int at = 1;
  if (num > 0) sqlite3_bind_int64(st, at++, num);
  if (text) sqlite3_bind_text(st, at, text, -1, SQLITE_STATIC);
  int rc = db_step(db, st);
  int found = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
  if (found == 1) *out = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return found;
}

/* Checks and inserts one data line. On failure returns -1 with *col the column index (-1 for the
 * whole line) and why filled. */
static int org_store__import_line(moa_db *db, tsv_reader *r, int *col, char *why, size_t whylen) {
  char **f = r->field;
  *col = -1;
  if (r->nfields != ORG_COLUMNS) {
    snprintf(why, whylen, "wrong number of columns (expected %d, found %s%d)", ORG_COLUMNS,
             r->nfields > TSV_MAX_FIELDS ? "more than " : "",
             r->nfields > TSV_MAX_FIELDS ? TSV_MAX_FIELDS : r->nfields);
    return -1;
  }
  for (int i = 0; i < ORG_COLUMNS; i++) {
    *col = i;
    const char *e = tsv_text_error(f[i]);
    if (e) return snprintf(why, whylen, "%s", e), -1;
    tsv_trim(f[i]);
    size_t max = i <= F_NAME_EN ? ORG_NAME_MAX : ORG_TEXT_MAX;
    if (strlen(f[i]) > max) return snprintf(why, whylen, "longer than %zu bytes", max), -1;
  }
  *col = F_NAME;
  if (!f[F_NAME][0]) return snprintf(why, whylen, "empty"), -1;
  *col = F_KIND;
  if (!org_store_kind_valid(f[F_KIND]))
    return snprintf(why, whylen,
                    "unknown kind '%s' (expected company, university, research_institute, "
                    "venture_capital, accelerator, industrial_designer, commercialization_company or "
                    "other_institution)",
                    f[F_KIND]),
           -1;

  *col = F_CONSORTIA;
  int64_t ids[ORG_MAX_CONSORTIA];
  int nids = 0;
  char *save = NULL;
  for (char *tok = strtok_r(f[F_CONSORTIA], ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    int64_t id;
    if (tsv_parse_int(tsv_trim(tok), 1, INT32_MAX, &id) != 0)
      return snprintf(why, whylen, "'%s' is not a consortium id", tok), -1;
    for (int i = 0; i < nids; i++)
      if (ids[i] == id) return snprintf(why, whylen, "consortium %lld listed twice", (long long)id), -1;
    if (nids == ORG_MAX_CONSORTIA) return snprintf(why, whylen, "too many consortia"), -1;
    int ex = consortium_store_exists(db, id);
    if (ex < 0) return snprintf(why, whylen, "database error: %s", db_errmsg(db)), -1;
    if (!ex) return snprintf(why, whylen, "unknown consortium %lld", (long long)id), -1;
    ids[nids++] = id;
  }
  if (nids == 0) return snprintf(why, whylen, "at least one consortium id is required"), -1;

  int64_t sector = 0, region = 0, complex = 0, dup = 0;
  if (org_store__lookup(db, db_stmt(db, "SELECT sector_id FROM consortia WHERE id = ?"), NULL, ids[0],
                        &sector) != 1)
    return snprintf(why, whylen, "database error: %s", db_errmsg(db)), -1;
  *col = F_REGION;
  int found =
      org_store__lookup(db, db_stmt(db, "SELECT id FROM regions WHERE name_ko = ?"), f[F_REGION], 0, &region);
  if (found < 0) return snprintf(why, whylen, "database error: %s", db_errmsg(db)), -1;
  if (!found) return snprintf(why, whylen, "unknown region '%s'", f[F_REGION]), -1;
  *col = F_COMPLEX;
  if (f[F_COMPLEX][0]) {
    found = org_store__lookup(db, db_stmt(db, "SELECT id FROM complexes WHERE region_id = ? AND name_ko = ?"),
                              f[F_COMPLEX], region, &complex);
    if (found < 0) return snprintf(why, whylen, "database error: %s", db_errmsg(db)), -1;
    if (!found)
      return snprintf(why, whylen, "unknown complex '%s' in region '%s'", f[F_COMPLEX], f[F_REGION]), -1;
  }
  *col = F_SIZE;
  if (!org_store_size_valid(f[F_SIZE]))
    return snprintf(why, whylen, "unknown size '%s' (expected micro, small, medium or large)", f[F_SIZE]), -1;
  *col = F_BAND;
  if (!f[F_BAND][0]) f[F_BAND] = (char *)"unknown";
  if (!org_store_revenue_band_valid(f[F_BAND]))
    return snprintf(why, whylen,
                    "unknown revenue band '%s' (expected unknown, under_1b, 1b_10b, 10b_100b "
                    "or over_100b)",
                    f[F_BAND]),
           -1;
  *col = F_EXPORTS;
  if (strcmp(f[F_EXPORTS], "0") != 0 && strcmp(f[F_EXPORTS], "1") != 0)
    return snprintf(why, whylen, "must be 0 or 1"), -1;

  *col = F_NAME;
  found = org_store__lookup(db, db_stmt(db, "SELECT id FROM organizations WHERE region_id = ? AND name = ?"),
                            f[F_NAME], region, &dup);
  if (found < 0) return snprintf(why, whylen, "database error: %s", db_errmsg(db)), -1;
  if (found)
    return snprintf(why, whylen, "an organization named '%s' in %s already exists (id %lld)", f[F_NAME],
                    f[F_REGION], (long long)dup),
           -1;

  org_record rec = {.kind = f[F_KIND],
                    .name = f[F_NAME],
                    .name_en = f[F_NAME_EN],
                    .sector_id = sector,
                    .region_id = region,
                    .complex_id = complex,
                    .size = f[F_SIZE],
                    .revenue_band = f[F_BAND],
                    .exports = f[F_EXPORTS][0] == '1',
                    .capabilities = f[F_CAPS],
                    .keywords = f[F_KEYWORDS],
                    .description = f[F_DESC]};
  *col = -1;
  int64_t id = org_store_insert(db, &rec);
  if (id < 0) return snprintf(why, whylen, "cannot store: %s", db_errmsg(db)), -1;
  for (int i = 0; i < nids; i++)
    if (org_store_add_membership(db, id, ids[i]) != 0)
      return snprintf(why, whylen, "cannot store membership: %s", db_errmsg(db)), -1;
  return 0;
}

int org_import_tsv(moa_db *db, const char *tsv, int *imported, char *err, size_t errlen) {
  tsv_reader r;
  int count = 0, rc;
  bool in_tx = false;
  *imported = 0;
  tsv_reader_init(&r, tsv);
  rc = tsv_next(&r);
  if (rc <= 0) {
    snprintf(err, errlen, rc < 0 ? "out of memory" : "line 1: missing header line");
    goto fail;
  }
  for (int i = 0; i < ORG_COLUMNS; i++) {
    if (r.nfields != ORG_COLUMNS || strcmp(tsv_trim(r.field[i]), org_columns[i]) != 0) {
      snprintf(err, errlen,
               "line %d: header must be the tab-separated columns name, name_en, kind, "
               "consortium_ids, region_ko, complex_ko, size, revenue_band, exports, capabilities, keywords, "
               "description",
               r.line);
      goto fail;
    }
  }
  if (db_begin(db) != SQLITE_OK) {
    snprintf(err, errlen, "cannot begin transaction: %s", db_errmsg(db));
    goto fail;
  }
  in_tx = true;
  while ((rc = tsv_next(&r)) == 1) {
    int col;
    char why[512];
    if (org_store__import_line(db, &r, &col, why, sizeof why) != 0) {
      if (col >= 0)
        snprintf(err, errlen, "line %d, column %s: %s", r.line, org_columns[col], why);
      else
        snprintf(err, errlen, "line %d: %s", r.line, why);
      goto fail;
    }
    count++;
  }
  if (rc < 0) {
    snprintf(err, errlen, "out of memory");
    goto fail;
  }
  in_tx = false;
  if (db_commit(db) != SQLITE_OK) {
    snprintf(err, errlen, "cannot commit the import: %s", db_errmsg(db));
    goto fail;
  }
  tsv_reader_free(&r);
  *imported = count;
  return 0;
fail:
  if (in_tx) db_rollback(db);
  tsv_reader_free(&r);
  return -1;
}

/* The consortium ids of org_id, ascending, in a new array (*n set; NULL when none). Returns 0, or
 * -1 on a database error or out of memory. */
static int org_store__consortia(moa_db *db, int64_t org_id, int64_t **ids, size_t *n) {
  *ids = NULL;
  *n = 0;
  sqlite3_stmt *st =
      db_stmt(db, "SELECT consortium_id FROM memberships WHERE org_id = ? ORDER BY consortium_id");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, org_id);
  return db_ids(db, st, ids, n);
}

int org_store_get(moa_db *db, int64_t org_id, org_profile_fn fn, void *arg) {
  int64_t *cons;
  size_t ncons;
  if (org_store__consortia(db, org_id, &cons, &ncons) != 0) return -1;
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT o.id, o.kind, o.name, o.name_en, s.id, s.name_ko, s.name_en, "
                             "r.name_ko, x.name_ko, o.size, o.revenue_band, o.exports, o.capabilities, "
                             "o.keywords, o.description FROM organizations o "
                             "LEFT JOIN sectors s ON s.id = o.sector_id "
                             "JOIN regions r ON r.id = o.region_id "
                             "LEFT JOIN complexes x ON x.id = o.complex_id WHERE o.id = ?");
  if (!st) {
    free(cons);
    return -1;
  }
  sqlite3_bind_int64(st, 1, org_id);
  int rc = db_step(db, st);
  if (rc == SQLITE_ROW) {
#define T(col) ((const char *)sqlite3_column_text(st, col))
    bool sector = sqlite3_column_type(st, 4) != SQLITE_NULL;
    org_profile o = {.id = sqlite3_column_int64(st, 0),
                     .kind = T(1),
                     .name = T(2),
                     .name_en = T(3),
                     .sector_id = sector ? sqlite3_column_int64(st, 4) : 0,
                     .sector_ko = sector ? T(5) : NULL,
                     .sector_en = sector ? T(6) : NULL,
                     .region = T(7),
                     .complex = T(8),
                     .size = T(9),
                     .revenue_band = T(10),
                     .exports = sqlite3_column_int(st, 11) != 0,
                     .capabilities = T(12),
                     .keywords = T(13),
                     .description = T(14),
                     .consortia = cons,
                     .nconsortia = ncons};
#undef T
    fn(arg, &o);
  }
  sqlite3_reset(st);
  free(cons);
  return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}
