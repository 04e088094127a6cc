/* bench_directory: partner-search latency (directory_json_search: directory_store_search and the
 * reply's JSON, what partner.search does) on the demo directory (2,737 organizations) and on a generated
 * directory of BENCH_DIR_ORGS (default 100,000) organizations, p50/p99/max in ms for several kinds of query:
 * Korean text, English text, filters only, and text with filters. Each query returns a page of 20
 * with the total and every facet, and remembers first-page text (a write), as in production.
 *
 * The generated directory repeats the demo organizations (their vocabulary and distribution) with
 * a site suffix on the names, memberships included, in one transaction; the FTS triggers index
 * them as the server would. The target is p99 under 20 ms on both.
 *
 * Usage: bench_directory [SEED_DB [ORGS]]   without SEED_DB, a demo database is generated first
 * (bench/run.sh runs it that way). Works on a temporary copy; the seed is never changed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "signaling/directory_json.h"
#include "storage/db.h"
#include "storage/demo_data.h"
#include "storage/directory_index.h"
#include "storage/directory_store.h"
#include "storage/user_store.h"

#define BENCH_DIR_RUNS 400 /* queries per kind */

typedef struct bench_query {
  const char *text;
  int64_t sector_id, consortium_id, region_id;
  const char *kind, *size;
  int exports;
} bench_query;

static const bench_query korean[] = {
    {"수소", 0, 0, 0, NULL, NULL, -1},
    {"수소연료전지", 0, 0, 0, NULL, NULL, -1},
    {"디스플레이 검사장비", 0, 0, 0, NULL, NULL, -1},
    {"배터리 모듈", 0, 0, 0, NULL, NULL, -1},
    {"반도체 장비", 0, 0, 0, NULL, NULL, -1},
    {"로봇", 0, 0, 0, NULL, NULL, -1},
};
static const bench_query english[] = {
    {"hydrogen", 0, 0, 0, NULL, NULL, -1},    {"battery module", 0, 0, 0, NULL, NULL, -1},
    {"display", 0, 0, 0, NULL, NULL, -1},     {"semiconductor", 0, 0, 0, NULL, NULL, -1},
    {"Engineering", 0, 0, 0, NULL, NULL, -1}, {"robot", 0, 0, 0, NULL, NULL, -1},
};
static const bench_query filters[] = {
    {NULL, 1, 0, 0, NULL, NULL, -1},         {NULL, 9, 0, 5, NULL, NULL, -1},
    {NULL, 0, 0, 0, "university", NULL, -1}, {NULL, 0, 0, 0, NULL, "small", 1},
    {NULL, 0, 12, 0, NULL, NULL, -1},        {NULL, 2, 0, 3, "company", "medium", -1},
};
static const bench_query mixed[] = {
    {"수소", 9, 0, 0, NULL, NULL, 1},
    {"검사장비", 0, 0, 2, NULL, NULL, -1},
    {"hydrogen", 0, 0, 0, "company", "medium", -1},
    {"연료전지", 0, 25, 0, NULL, NULL, -1},
    {"모듈", 0, 0, 0, NULL, "small", 0},
    {"display", 1, 0, 0, "company", NULL, -1},
};

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Runs BENCH_DIR_RUNS queries cycling through qs (offsets 0, 20, 40 in turn) and prints a line. */
static int bench_kind(moa_db *db, int64_t viewer, const char *label, const bench_query *qs, size_t n) {
  double t[BENCH_DIR_RUNS], per[8] = {0}; /* per query of qs: its slowest run */
  long long results = 0;
  for (int i = 0; i < BENCH_DIR_RUNS; i++) {
    const bench_query *b = &qs[(size_t)i % n];
    directory_query q = {.text = b->text,
                         .sector_id = b->sector_id,
                         .consortium_id = b->consortium_id,
                         .region_id = b->region_id,
                         .kind = b->kind,
                         .size = b->size,
                         .exports = b->exports,
                         .limit = 20,
                         .offset = 20 * ((i / (int)n) % 3)};
    json_t *out = NULL;
    double t0 = now_ms();
    store_status rc = directory_json_search(db, viewer, &q, &out);
    t[i] = now_ms() - t0;
    if (t[i] > per[(size_t)i % n]) per[(size_t)i % n] = t[i];
    if (rc != STORE_OK) {
      fprintf(stderr, "bench_directory: search failed (%d) for %s\n", rc, b->text ? b->text : "(filters)");
      return -1;
    }
    results += json_integer_value(json_object_get(out, "total"));
    json_decref(out);
  }
  qsort(t, BENCH_DIR_RUNS, sizeof t[0], cmp_double);
  printf("  %-15s p50 %6.2f ms   p99 %6.2f ms   max %6.2f ms   (mean total %lld matches)\n", label,
         t[BENCH_DIR_RUNS / 2], t[(BENCH_DIR_RUNS * 99) / 100], t[BENCH_DIR_RUNS - 1],
         results / BENCH_DIR_RUNS);
  size_t worst = 0;
  for (size_t k = 1; k < n; k++)
    if (per[k] > per[worst]) worst = k;
  if (getenv("BENCH_DIR_DETAIL")) {
    for (size_t k = 0; k < n; k++)
      printf("      %-22s slowest %6.2f ms\n", qs[k].text ? qs[k].text : "(filters)", per[k]);
  } else {
    printf("      slowest query: %s (%.2f ms)\n", qs[worst].text ? qs[worst].text : "(filters only)",
           per[worst]);
  }
  return 0;
}

static int bench_all(moa_db *db, int64_t viewer, const char *title) {
  printf("%s\n", title);
  /* The first search after any write to organizations or memberships rebuilds the connection's
   * in-memory index (storage/directory_index.h): timed apart from the queries. */
  double t0 = now_ms();
  if (!directory_index_get(db)) return -1;
  printf("  in-memory index rebuilt in %.1f ms (the first search after a directory change pays it)\n",
         now_ms() - t0);
  return bench_kind(db, viewer, "Korean text", korean, sizeof korean / sizeof korean[0]) ||
                 bench_kind(db, viewer, "English text", english, sizeof english / sizeof english[0]) ||
                 bench_kind(db, viewer, "filters only", filters, sizeof filters / sizeof filters[0]) ||
                 bench_kind(db, viewer, "text + filters", mixed, sizeof mixed / sizeof mixed[0])
             ? -1
             : 0;
}

static int exec_int(moa_db *db, const char *sql, int64_t a, int64_t b, int64_t c) {
  sqlite3_stmt *st = db_stmt(db, sql);
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, a);
  sqlite3_bind_int64(st, 2, b);
  sqlite3_bind_int64(st, 3, c);
  return db_exec_stmt(db, st) == SQLITE_DONE ? 0 : -1;
}

/* Grows the directory to target organizations by copying the first base ones (ids 1..base). */
static int grow(moa_db *db, int64_t base, int64_t target) {
  if (db_begin(db) != SQLITE_OK) return -1;
  int rc = 0;
  for (int64_t have = base, copy = 1; have < target && rc == 0; copy++) {
    int64_t take = target - have < base ? target - have : base;
    sqlite3_int64 first = 0;
    sqlite3_stmt *st = db_stmt(db, "SELECT max(id) FROM organizations");
    if (st && db_step(db, st) == SQLITE_ROW) first = sqlite3_column_int64(st, 0) + 1;
    if (st) sqlite3_reset(st);
    rc = exec_int(
        db,
        "INSERT INTO organizations(id, kind, name, name_en, sector_id, region_id, complex_id, size, "
        "revenue_band, exports, capabilities, keywords, description) SELECT ?3 + id - 1, kind, name || "
        "' 제' || ?1 || '사업장', name_en || ' Site ' || ?1, sector_id, region_id, complex_id, size, "
        "revenue_band, exports, capabilities, keywords, description FROM organizations WHERE id <= ?2",
        copy, take, first);
    if (rc == 0)
      rc = exec_int(
          db,
          "INSERT INTO memberships(org_id, consortium_id) SELECT ?3 + org_id - 1, consortium_id FROM "
          "memberships WHERE org_id <= ?2 AND ?1 > 0",
          copy, take, first);
    have += take;
  }
  if (rc == 0 && db_commit(db) == SQLITE_OK) return 0;
  db_rollback(db);
  return -1;
}

static int copy_file(const char *from, const char *to) {
  FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
  char buf[1 << 16];
  size_t n;
  int rc = in && out ? 0 : -1;
  while (rc == 0 && (n = fread(buf, 1, sizeof buf, in)) > 0)
    if (fwrite(buf, 1, n, out) != n) rc = -1;
  if (in) fclose(in);
  if (out && fclose(out) != 0) rc = -1;
  return rc;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0); /* figures appear as they are measured, even into a pipe */
  int64_t target = argc > 2 ? strtoll(argv[2], NULL, 10) : 100000;
  char dir[] = "/tmp/moa-bench-dir-XXXXXX", path[64], err[256];
  if (!mkdtemp(dir)) return 1;
  snprintf(path, sizeof path, "%s/dir.db", dir);
  if (argc > 1 && copy_file(argv[1], path) != 0) {
    fprintf(stderr, "bench_directory: cannot copy %s\n", argv[1]);
    return 1;
  }
  moa_db *db = db_open(path, false, err, sizeof err);
  int rc = db ? 0 : 1;
  if (!db) fprintf(stderr, "bench_directory: %s\n", err);
  if (rc == 0 && argc < 2) {
    double t0 = now_ms();
    rc = demo_data_load(db, err, sizeof err) < 0;
    if (rc)
      fprintf(stderr, "bench_directory: demo data: %s\n", err);
    else
      printf("generated the demo database in %.1f s\n", (now_ms() - t0) / 1000);
  }
  user_rec viewer;
  if (rc == 0 && user_store_find_by_email(db, "member01a@moa.example", &viewer) != 1) {
    fprintf(stderr, "bench_directory: no demo user member01a\n");
    rc = 1;
  }
  int64_t base = 0;
  if (rc == 0) {
    sqlite3_stmt *st = db_stmt(db, "SELECT count(*), max(id) FROM organizations");
    if (st && db_step(db, st) == SQLITE_ROW && sqlite3_column_int64(st, 0) == sqlite3_column_int64(st, 1))
      base = sqlite3_column_int64(st, 0);
    if (st) sqlite3_reset(st);
    if (!base) rc = 1, fprintf(stderr, "bench_directory: organization ids are not 1..N\n");
  }
  char title[128];
  snprintf(title, sizeof title, "demo directory: %lld organizations, viewer member01a, %d queries per kind",
           (long long)base, BENCH_DIR_RUNS);
  if (rc == 0) rc = bench_all(db, viewer.id, title) ? 1 : 0;
  if (rc == 0 && target > base) {
    double t0 = now_ms();
    rc = grow(db, base, target) ? 1 : 0;
    if (rc)
      fprintf(stderr, "bench_directory: growing the directory failed: %s\n", db_errmsg(db));
    else
      printf("generated %lld more organizations (indexed) in %.1f s\n", (long long)(target - base),
             (now_ms() - t0) / 1000);
    snprintf(title, sizeof title, "generated directory: %lld organizations", (long long)target);
    if (rc == 0) rc = bench_all(db, viewer.id, title) ? 1 : 0;
  }
  db_close(db);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "bench_directory: could not remove %s\n", dir);
  return rc;
}
