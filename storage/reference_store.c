/* Loader of the reference data (see reference_store.h). The whole text is parsed and checked
 * into memory first, so that a malformed line is reported before the database is touched; the
 * inserts then run in one transaction. Sectors, regions and complexes are found-or-created by
 * their Korean name, so a linked complex shared by several consortia is one row. */
#include "storage/reference_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/tsv.h"

#define REF_COLUMNS 8
#define REF_MAX_LINKS 16
#define REF_NAME_MAX 256
#define REF_SHORT_MAX 128

static const char *const ref_columns[REF_COLUMNS] = {
    "no", "sector_ko", "sector_en", "lead_region_ko", "lead_complex_ko", "linked_ko", "name_ko", "name_en"};

typedef struct ref_link {
  char region[REF_SHORT_MAX];
  char complex[REF_SHORT_MAX];
} ref_link;

typedef struct ref_row {
  int line;
  int64_t no;
  char sector_ko[REF_SHORT_MAX], sector_en[REF_SHORT_MAX];
  char detail_ko[REF_SHORT_MAX], detail_en[REF_SHORT_MAX];
  char name_ko[REF_NAME_MAX], name_en[REF_NAME_MAX];
  int nlinks; /* link[0] is the lead complex */
  ref_link link[REF_MAX_LINKS];
} ref_row;

/* Copies src (trimmed) into dst; returns a reason on failure. */
static const char *ref_copy(char *dst, size_t cap, const char *src) {
  size_t b = 0, n = strlen(src);
  while (b < n && src[b] == ' ') b++;
  while (n > b && src[n - 1] == ' ') n--;
  if (n == b) return "empty";
  if (n - b >= cap) return "too long";
  memcpy(dst, src + b, n - b);
  dst[n - b] = '\0';
  return NULL;
}

/* Splits "미래모빌리티(자동차)" into base and detail; a name without parentheses has detail "". */
static const char *ref_split_sector(const char *s, char *base, char *detail) {
  const char *open = strchr(s, '('), *close = strchr(s, ')');
  if (!open && !close) {
    detail[0] = '\0';
    return ref_copy(base, REF_SHORT_MAX, s);
  }
  if (!open || !close || close < open || strchr(open + 1, '(') || strchr(close + 1, ')'))
    return "unbalanced parentheses";
  char tmp[REF_SHORT_MAX];
  size_t n = (size_t)(close - s);
  for (const char *q = close + 1; *q; q++)
    if (*q != ' ') return "text after the closing parenthesis";
  if (n >= sizeof tmp) return "too long";
  memcpy(tmp, s, (size_t)(open - s));
  tmp[open - s] = '\0';
  const char *why = ref_copy(base, REF_SHORT_MAX, tmp);
  if (why) return why[0] == 'e' ? "empty sector name" : why;
  memcpy(tmp, open + 1, (size_t)(close - open - 1));
  tmp[close - open - 1] = '\0';
  why = ref_copy(detail, REF_SHORT_MAX, tmp);
  return why ? (why[0] == 'e' ? "empty parentheses" : why) : NULL;
}

static const char *ref_add_link(ref_row *row, const char *region, const char *complex) {
  for (int i = 0; i < row->nlinks; i++)
    if (strcmp(row->link[i].region, region) == 0 && strcmp(row->link[i].complex, complex) == 0)
      return NULL; /* the same complex twice: once is enough */
  if (row->nlinks >= REF_MAX_LINKS) return "too many complexes";
  snprintf(row->link[row->nlinks].region, REF_SHORT_MAX, "%s", region);
  snprintf(row->link[row->nlinks].complex, REF_SHORT_MAX, "%s", complex);
  row->nlinks++;
  return NULL;
}

/* Parses "경남(창원국가), 울산(미포국가)" or "충북(오창일반, 충주일반)" into row->link. */
static const char *ref_parse_linked(ref_row *row, const char *s) {
  const char *p = s;
  int groups = 0;
  while (*p == ' ') p++;
  if (*p == '\0') return "empty (a consortium links at least one other region)";
  for (;;) {
    while (*p == ' ') p++;
    const char *open = p;
    while (*open && *open != '(' && *open != ')' && *open != ',') open++;
    if (*open != '(') return *open == ')' ? "unbalanced parentheses" : "expected REGION(COMPLEX, ...)";
    char region[REF_SHORT_MAX], item[REF_SHORT_MAX];
    size_t n = (size_t)(open - p);
    if (n >= sizeof region) return "too long";
    memcpy(region, p, n);
    region[n] = '\0';
    if (!*tsv_trim(region)) return "empty region name";
    p = open + 1;
    for (;;) {
      const char *end = p;
      while (*end && *end != ',' && *end != ')' && *end != '(') end++;
      if (*end == '\0' || *end == '(') return "unbalanced parentheses";
      n = (size_t)(end - p);
      if (n >= sizeof item) return "too long";
      memcpy(item, p, n);
      item[n] = '\0';
      if (!*tsv_trim(item)) return "empty complex name";
      const char *why = ref_add_link(row, region, item);
      if (why) return why;
      p = end + 1;
      if (*end == ')') break;
    }
    groups++;
    while (*p == ' ') p++;
    if (*p == '\0') break;
    if (*p != ',') return *p == ')' ? "unbalanced parentheses" : "expected ',' between regions";
    p++;
  }
  return groups > 0 ? NULL : "empty";
}

/* Parses and checks one data line into row. On failure, returns the reason and sets *field. */
static const char *ref_parse_row(tsv_reader *r, ref_row *row, const char **field) {
  memset(row, 0, sizeof *row);
  row->line = r->line;
  *field = "line";
  if (r->nfields != REF_COLUMNS) return "wrong number of columns (expected 8)";
  for (int i = 0; i < REF_COLUMNS; i++) {
    *field = ref_columns[i];
    const char *why = tsv_text_error(r->field[i]);
    if (why) return why;
  }
  *field = "no";
  if (tsv_parse_int(tsv_trim(r->field[0]), 1, 1000000, &row->no) != 0) return "not a positive number";
  const char *why;
  *field = "sector_ko";
  if ((why = ref_split_sector(r->field[1], row->sector_ko, row->detail_ko))) return why;
  *field = "sector_en";
  if ((why = ref_split_sector(r->field[2], row->sector_en, row->detail_en))) return why;
  if ((row->detail_ko[0] == '\0') != (row->detail_en[0] == '\0'))
    return "has a detail in parentheses that sector_ko does not have (or the reverse)";
  char region[REF_SHORT_MAX], complex[REF_SHORT_MAX];
  *field = "lead_region_ko";
  if ((why = ref_copy(region, sizeof region, r->field[3]))) return why;
  *field = "lead_complex_ko";
  if ((why = ref_copy(complex, sizeof complex, r->field[4]))) return why;
  if (strpbrk(region, "(),") || strpbrk(complex, "(),")) return "unexpected parenthesis or comma";
  ref_add_link(row, region, complex);
  *field = "linked_ko";
  if ((why = ref_parse_linked(row, r->field[5]))) return why;
  *field = "name_ko";
  if ((why = ref_copy(row->name_ko, sizeof row->name_ko, r->field[6]))) return why;
  *field = "name_en";
  if ((why = ref_copy(row->name_en, sizeof row->name_en, r->field[7]))) return why;
  return NULL;
}

/* Parses the whole text; returns the rows (caller frees) or NULL with err set. */
static ref_row *ref_parse(const char *tsv, int *nrows, char *err, size_t errlen) {
  tsv_reader r;
  ref_row *rows = NULL;
  int n = 0, cap = 0;
  tsv_reader_init(&r, tsv);
  int rc = tsv_next(&r);
  if (rc <= 0) {
    snprintf(err, errlen, rc < 0 ? "out of memory" : "line 1: missing header line");
    goto fail;
  }
  for (int i = 0; i < REF_COLUMNS; i++) {
    if (r.nfields != REF_COLUMNS || strcmp(tsv_trim(r.field[i]), ref_columns[i]) != 0) {
      snprintf(err, errlen,
               "line %d: header must be: no, sector_ko, sector_en, lead_region_ko, "
               "lead_complex_ko, linked_ko, name_ko, name_en (tab-separated)",
               r.line);
      goto fail;
    }
  }
  while ((rc = tsv_next(&r)) == 1) {
    if (n == cap) {
      int ncap = cap ? cap * 2 : 32;
      ref_row *nr = realloc(rows, (size_t)ncap * sizeof *rows);
      if (!nr) {
        snprintf(err, errlen, "out of memory");
        goto fail;
      }
      rows = nr;
      cap = ncap;
    }
    const char *field = NULL;
    const char *why = ref_parse_row(&r, &rows[n], &field);
    if (why) {
      snprintf(err, errlen, "line %d, field %s: %s", r.line, field, why);
      goto fail;
    }
    for (int i = 0; i < n; i++) {
      if (rows[i].no == rows[n].no) {
        snprintf(err, errlen, "line %d, field no: duplicate number %lld (first on line %d)", r.line,
                 (long long)rows[n].no, rows[i].line);
        goto fail;
      }
      if (strcmp(rows[i].sector_ko, rows[n].sector_ko) == 0 &&
          strcmp(rows[i].sector_en, rows[n].sector_en) != 0) {
        snprintf(err, errlen, "line %d, field sector_en: sector %s is named %s on line %d", r.line,
                 rows[n].sector_ko, rows[i].sector_en, rows[i].line);
        goto fail;
      }
    }
    n++;
  }
  if (rc < 0) {
    snprintf(err, errlen, "out of memory");
    goto fail;
  }
  if (n == 0) {
    snprintf(err, errlen, "line %d: no consortia after the header", r.line + 1);
    goto fail;
  }
  tsv_reader_free(&r);
  *nrows = n;
  return rows;
fail:
  tsv_reader_free(&r);
  free(rows);
  return NULL;
}

/* Returns the id of the sector named name_ko, creating it; -1 on error. */
static int64_t ref_sector_id(moa_db *db, const ref_row *row) {
  sqlite3_stmt *st = db_stmt(db,
                             "INSERT INTO sectors(name_ko, name_en) VALUES (?, ?) "
                             "ON CONFLICT(name_ko) DO NOTHING");
  if (!st) return -1;
  sqlite3_bind_text(st, 1, row->sector_ko, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, row->sector_en, -1, SQLITE_STATIC);
  if (db_exec_stmt(db, st) != SQLITE_DONE) return -1;
  st = db_stmt(db, "SELECT id FROM sectors WHERE name_ko = ?");
  if (!st) return -1;
  sqlite3_bind_text(st, 1, row->sector_ko, -1, SQLITE_STATIC);
  int64_t id = db_step(db, st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
  sqlite3_reset(st);
  return id;
}

int64_t reference_store_region_id(moa_db *db, const char *name) {
  sqlite3_stmt *st = db_stmt(db, "INSERT INTO regions(name_ko) VALUES (?) ON CONFLICT(name_ko) DO NOTHING");
  if (!st) return -1;
  sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
  if (db_exec_stmt(db, st) != SQLITE_DONE) return -1;
  st = db_stmt(db, "SELECT id FROM regions WHERE name_ko = ?");
  if (!st) return -1;
  sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
  int64_t id = db_step(db, st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
  sqlite3_reset(st);
  return id;
}

static int64_t ref_complex_id(moa_db *db, int64_t region_id, const char *name) {
  sqlite3_stmt *st = db_stmt(db,
                             "INSERT INTO complexes(region_id, name_ko) VALUES (?, ?) "
                             "ON CONFLICT(region_id, name_ko) DO NOTHING");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, region_id);
  sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
  if (db_exec_stmt(db, st) != SQLITE_DONE) return -1;
  st = db_stmt(db, "SELECT id FROM complexes WHERE region_id = ? AND name_ko = ?");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, region_id);
  sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
  int64_t id = db_step(db, st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
  sqlite3_reset(st);
  return id;
}

/* Inserts one parsed row; returns 0 or -1 (the caller rolls back). */
static int ref_insert_row(moa_db *db, const ref_row *row) {
  int64_t sector = ref_sector_id(db, row);
  int64_t complex_ids[REF_MAX_LINKS], lead_region = -1;
  if (sector < 0) return -1;
  for (int i = 0; i < row->nlinks; i++) {
    int64_t region = reference_store_region_id(db, row->link[i].region);
    if (region < 0) return -1;
    if (i == 0) lead_region = region;
    complex_ids[i] = ref_complex_id(db, region, row->link[i].complex);
    if (complex_ids[i] < 0) return -1;
  }
  sqlite3_stmt *st = db_stmt(db,
                             "INSERT INTO consortia(id, sector_id, lead_region_id, lead_complex_id, "
                             "name_ko, name_en, sector_detail_ko, sector_detail_en) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, row->no);
  sqlite3_bind_int64(st, 2, sector);
  sqlite3_bind_int64(st, 3, lead_region);
  sqlite3_bind_int64(st, 4, complex_ids[0]);
  sqlite3_bind_text(st, 5, row->name_ko, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 6, row->name_en, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 7, row->detail_ko, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 8, row->detail_en, -1, SQLITE_STATIC);
  if (db_exec_stmt(db, st) != SQLITE_DONE) return -1;
  for (int i = 0; i < row->nlinks; i++) {
    st = db_stmt(db,
                 "INSERT INTO consortium_complexes(consortium_id, complex_id, is_lead) VALUES (?, ?, ?) "
                 "ON CONFLICT DO NOTHING");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, row->no);
    sqlite3_bind_int64(st, 2, complex_ids[i]);
    sqlite3_bind_int(st, 3, i == 0);
    if (db_exec_stmt(db, st) != SQLITE_DONE) return -1;
  }
  return 0;
}

int reference_load(moa_db *db, const char *consortia_tsv, char *err, size_t errlen) {
  int nrows = 0, loaded = -1;
  bool in_tx = false;
  ref_row *rows = ref_parse(consortia_tsv, &nrows, err, errlen);
  if (!rows) return -1;
  if (db_begin(db) != SQLITE_OK) {
    snprintf(err, errlen, "cannot begin transaction: %s", db_errmsg(db));
    goto fail;
  }
  in_tx = true;
  sqlite3_stmt *st = db_stmt(db, "SELECT EXISTS (SELECT 1 FROM consortia)");
  if (!st || db_step(db, st) != SQLITE_ROW) {
    snprintf(err, errlen, "cannot read consortia: %s", db_errmsg(db));
    goto fail;
  }
  int have = sqlite3_column_int(st, 0);
  sqlite3_reset(st);
  if (have) {
    db_rollback(db);
    free(rows);
    return 0;
  }
  for (int i = 0; i < nrows; i++) {
    if (ref_insert_row(db, &rows[i]) != 0) {
      snprintf(err, errlen, "line %d: cannot store consortium %lld: %s", rows[i].line, (long long)rows[i].no,
               db_errmsg(db));
      goto fail;
    }
  }
  if (db_commit(db) != SQLITE_OK) {
    in_tx = false;
    snprintf(err, errlen, "cannot commit reference data: %s", db_errmsg(db));
    goto fail;
  }
  loaded = nrows;
  free(rows);
  return loaded;
fail:
  if (in_tx) db_rollback(db);
  free(rows);
  return -1;
}
