/* Benchmark of support-programme matching (issue 14): one organization's matches (p50/p99 over
 * many organizations) and a full recompute, on a synthetic catalog of P programmes (4-8 rules
 * each: size, revenue cap, 업력, region, an OR-group of certifications, a preferred rule) and O
 * synthetic company profiles, all in memory (pm_match_org). With a database path (a demo database
 * after `make run`), it also times programme_match_recompute_all on it: every demo company ×
 * every open programme, written to programme_matches.
 *
 *   bench_matching [ORGS PROGRAMMES [DB]]      default 100000 2000; the full recompute of ORGS is
 *                                              timed on min(ORGS, 5000) and scaled (printed so). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "storage/db.h"
#include "storage/programme_match.h"
#include "storage/programme_match_store.h"

static double now_ms(void) { return (double)mono_ns() / 1e6; }

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t next(void) {
  rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
  return rng;
}

static const char *const sido[] = {"서울", "부산", "대구", "인천", "광주", "대전", "울산", "세종", "경기",
                                   "강원", "충북", "충남", "전북", "전남", "경북", "경남", "제주"};
static const char *const sizes[] = {"solo", "micro", "small", "medium", "midsize"};

static void programme(pm_catalog *c, int i) {
  pr_rule r[8];
  int n = 0;
  memset(r, 0, sizeof r);
#define RULE(a, o, l, lo_, hi_, st, g)                                           \
  do {                                                                           \
    snprintf(r[n].attr, sizeof r[n].attr, "%s", a);                              \
    r[n].op = o, r[n].lo = lo_, r[n].hi = hi_, r[n].strength = st, r[n].grp = g; \
    snprintf(r[n].list, sizeof r[n].list, "%s", l);                              \
    snprintf(r[n].evidence, sizeof r[n].evidence, "공고문 %d 조건 %d", i, n);    \
    n++;                                                                         \
  } while (0)
  RULE("size", OP_IN, "solo|micro|small|medium", 0, 0, RULE_REQUIRED, 0);
  if (next() % 2) RULE("revenue", OP_LE, "", 0, (int64_t)(next() % 300 + 10) * 100000000, RULE_REQUIRED, 0);
  if (next() % 2) RULE("age_years", OP_LT, "", 0, (int64_t)(next() % 10 + 3), RULE_REQUIRED, 0);
  if (next() % 3 == 0) RULE("region", OP_IN, sido[next() % 17], 0, 0, RULE_REQUIRED, 0);
  if (next() % 4 == 0) {
    RULE("venture", OP_IS_TRUE, "", 0, 0, RULE_REQUIRED, 1);
    RULE("innobiz", OP_IS_TRUE, "", 0, 0, RULE_REQUIRED, 1);
  }
  RULE("arrears", OP_IS_TRUE, "", 0, 0, RULE_EXCLUDED, 0);
  if (next() % 2) RULE("female_owned", OP_IS_TRUE, "", 0, 0, RULE_PREFERRED, 0);
  char title[64], end[11];
  snprintf(title, sizeof title, "2026년 드론 로봇 %d 지원", i);
  snprintf(end, sizeof end, "2026-12-%02d", (int)(next() % 28 + 1));
  pm_catalog_add(c, i + 1, title, "중기부", next() % 2 ? "기술" : "수출", title, end, 1800000000 + i, r,
                 (size_t)n);
}

static void profile(company_profile *p, int i) {
  memset(p, 0, sizeof *p);
#define SET(a, ...)                                                    \
  do {                                                                 \
    p->v[a].set = next() % 7 != 0; /* about one in seven left blank */ \
    snprintf(p->v[a].value, sizeof p->v[a].value, __VA_ARGS__);        \
  } while (0)
  SET(CP_SIZE, "%s", sizes[next() % 5]);
  SET(CP_REVENUE, "%llu", (unsigned long long)(next() % 50000) * 1000000ull);
  SET(CP_FOUNDED, "%d-%02d-15", 1990 + (int)(next() % 36), (int)(next() % 12 + 1));
  SET(CP_REGION, "%s", sido[(i + next()) % 17]);
  SET(CP_VENTURE, "0");
  SET(CP_INNOBIZ, "0");
  SET(CP_ARREARS, "%d", next() % 20 == 0);
  SET(CP_FEMALE_OWNED, "%d", next() % 5 == 0);
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  int orgs = argc > 2 ? atoi(argv[1]) : 100000, progs = argc > 2 ? atoi(argv[2]) : 2000;
  pm_catalog c;
  pm_catalog_init(&c);
  for (int i = 0; i < progs; i++) programme(&c, i);
  int timed = orgs < 5000 ? orgs : 5000;
  double *lat = malloc((size_t)timed * sizeof *lat), total = 0;
  company_profile *p = malloc(sizeof *p);
  long matched = 0;
  for (int i = 0; i < timed; i++) {
    profile(p, i);
    pm_org org = {.id = i + 1, .profile = p, .keywords = "드론, 정밀가공"};
    pm_result r;
    double t0 = now_ms();
    if (pm_match_org(&c, &org, 1790000000, "2026-11-30", false, &r) < 0) return 1;
    lat[i] = now_ms() - t0;
    total += lat[i];
    matched += (long)r.n;
    pm_result_free(&r);
  }
  qsort(lat, (size_t)timed, sizeof *lat, cmp);
  printf(
      "matching: %d programmes, one organization: p50 %.3f ms, p99 %.3f ms, max %.3f ms (%d organizations "
      "timed, "
      "%.1f matches each)\n",
      progs, lat[timed / 2], lat[timed * 99 / 100], lat[timed - 1], timed, (double)matched / timed);
  printf("matching: full recompute of %d organizations x %d programmes (in memory): %.2f s%s\n", orgs, progs,
         total / 1e3 * orgs / timed, orgs > timed ? " (scaled from the timed sample)" : "");
  free(lat), free(p);
  pm_catalog_free(&c);
  if (argc > 3) {
    char err[256];
    moa_db *db = db_open(argv[3], false, err, sizeof err);
    if (!db) return fprintf(stderr, "%s\n", err), 1;
    programme_recompute_stats st;
    double t0 = now_ms();
    int rc = programme_match_recompute_all(db, (int64_t)time(NULL), &st);
    double ms = now_ms() - t0;
    printf(
        "matching: recompute_all on %s: %d organizations x %d programmes, %lld matches stored: %.0f ms (rc "
        "%d)\n",
        argv[3], st.orgs, st.programmes, (long long)st.matches, ms, rc);
    /* one organization's page from the database: with the catalog loaded once (the server keeps
     * it), and loading it each time */
    pm_catalog dc;
    pm_catalog_init(&dc);
    double t1 = now_ms();
    if (programme_catalog_load(db, (int64_t)time(NULL), &dc) < 0) return 1;
    double load_ms = now_ms() - t1;
    double page[200], cold[20];
    for (int k = 0; k < 200; k++) {
      pm_result r;
      double t = now_ms();
      programme_match_org(db, &dc, 1 + (k * 13) % 2700, (int64_t)time(NULL), true, &r);
      page[k] = now_ms() - t;
      pm_result_free(&r);
    }
    for (int k = 0; k < 20; k++) {
      pm_result r;
      double t = now_ms();
      programme_match_org(db, NULL, 1 + (k * 131) % 2700, (int64_t)time(NULL), true, &r);
      cold[k] = now_ms() - t;
      pm_result_free(&r);
    }
    qsort(page, 200, sizeof *page, cmp);
    qsort(cold, 20, sizeof *cold, cmp);
    printf(
        "matching: catalog load %.1f ms; one organization from the database: p50 %.3f ms, p99 %.3f ms with "
        "the catalog loaded, p50 %.1f ms loading it each time\n",
        load_ms, page[100], page[198], cold[10]);
    pm_catalog_free(&dc);
    db_close(db);
  }
  return 0;
}
