/* Demo company profiles (issue 14, item 3): the support-matching attributes of every demo company,
 * generated deterministically from a fixed seed and consistent with what the organization already
 * says about itself: the size class agrees with the headcount (and the revenue with the revenue
 * band), the founding year is the one the description names, exports agree with the exports
 * flag, the head office is the organization's region, a female representative makes a 여성기업,
 * certifications have three-year validity windows (some already expired), and support history
 * starts after the founding. About one attribute in seven is left blank on purpose, so matching
 * shows 확인 필요 (unknown) as well as pass and fail. Values from registers (business number,
 * founding date, revenue, headcount, exports, certifications) are 'imported', the rest 'entered'.
 *
 * Written through company_profile_write, so every value passes the same checks as a member's. */
#include "storage/demo_profiles.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/company_profile_store.h"

#define DEMO_PROFILE_SEED 0x50524f46494c45ull /* "PROFILE" */
#define DEMO_BLANK_PERCENT 14

typedef struct dp_rng {
  uint64_t s;
} dp_rng;

static uint64_t dp__next(dp_rng *r) { /* splitmix64 */
  uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
static int64_t dp__range(dp_rng *r, int64_t lo, int64_t hi) {
  return lo + (int64_t)(dp__next(r) % (uint64_t)(hi - lo + 1));
}
static bool dp__chance(dp_rng *r, int percent) { return (int)(dp__next(r) % 100) < percent; }

/* KSIC codes per sector (by the start of its Korean name): the main code is one of the first
 * three, a second code one of all. */
static const struct {
  const char *sector;
  const char *codes[5];
} dp_ksic[] = {
    {"디스플레이", {"C26211", "C26212", "C26219", "C29271", "G46510"}},
    {"미래모빌리티", {"C30332", "C30399", "C31114", "C29199", "G46592"}},
    {"에너지신산업", {"C28114", "C20119", "C28119", "C29176", "M72129"}},
    {"지능형로봇", {"C29280", "C27199", "C28903", "J62010", "M72111"}},
    {"차세대원자력", {"C25130", "C25112", "C27213", "M72129", "C29199"}},
    {"첨단바이오", {"C21210", "C21102", "C27112", "M70113", "G46443"}},
    {"첨단제조", {"C29199", "C29229", "C25931", "C29161", "J62010"}},
    {"항공·방산", {"C31311", "C31321", "C25200", "C31322", "M72129"}},
    {"핵심소재", {"C24113", "C20302", "C24222", "C20499", "G46721"}},
};

static const char *const dp_countries[] = {"US", "CN", "VN", "JP", "DE", "IN",
                                           "MX", "PL", "ID", "TH", "AE", "HU"};
static const char *const dp_programmes[] = {
    "스마트공장 구축지원",   "수출바우처",           "혁신바우처",           "창업성장기술개발",
    "중소기업 기술혁신개발", "R&D 기획지원",         "글로벌 강소기업 육성", "산학연 Collabo R&D",
    "제조혁신 컨설팅",       "해외규격인증 획득지원"};

typedef struct dp_out {
  cp_change ch[CP_ATTR_COUNT];
  char text[CP_ATTR_COUNT][160];
  char date[CP_ATTR_COUNT][3][CP_DATE_LEN];
  size_t n;
} dp_out;

/* Adds a change (unless left blank on purpose); value is copied. */
static void dp__add(dp_out *o, dp_rng *r, cp_attr a, const char *value, const char *as_of, cp_source src,
                    int blank) {
  if (dp__chance(r, blank)) return;
  size_t i = o->n++;
  snprintf(o->text[i], sizeof o->text[i], "%s", value);
  snprintf(o->date[i][0], CP_DATE_LEN, "%s", as_of);
  o->ch[i] = (cp_change){.attr = a, .value = o->text[i], .as_of = o->date[i][0], .source = src};
}

static void dp__date(char *out, int y, dp_rng *r) {
  snprintf(out, CP_DATE_LEN, "%04d-%02d-%02d", y, (int)dp__range(r, 1, 12), (int)dp__range(r, 1, 28));
}

static void dp__cert(dp_out *o, dp_rng *r, cp_attr a, int percent, int founded_year) {
  if (dp__chance(r, DEMO_BLANK_PERCENT)) return;
  size_t i = o->n++;
  o->ch[i] = (cp_change){.attr = a, .value = "0", .as_of = "2026-11-01", .source = CP_SOURCE_IMPORTED};
  if (!dp__chance(r, percent)) return;
  int lo = founded_year + 1 > 2020 ? founded_year + 1 : 2020;
  if (lo > 2026) return; /* founded this year: nothing certified yet */
  int y = (int)dp__range(r, lo, 2026);
  char *from = o->date[i][1], *to = o->date[i][2];
  snprintf(from, CP_DATE_LEN, "%04d-%02d-%02d", y, (int)dp__range(r, 1, y == 2026 ? 10 : 12),
           (int)dp__range(r, 1, 28));
  /* three years less a day: the day before the anniversary */
  int m = atoi(from + 5), d = atoi(from + 8);
  if (d > 1)
    snprintf(to, CP_DATE_LEN, "%04d-%02d-%02d", y + 3, m, d - 1);
  else
    snprintf(to, CP_DATE_LEN, "%04d-%02d-28", m == 1 ? y + 2 : y + 3, m == 1 ? 12 : m - 1);
  o->ch[i].value = "1";
  o->ch[i].as_of = from;
  o->ch[i].valid_from = from;
  o->ch[i].valid_to = to;
}

/* Generates one company's changes. */
static void dp__company(dp_rng *r, dp_out *o, const char *size, const char *band, int exports,
                        const char *region, const char *sector, const char *desc) {
  char v[160], d[CP_DATE_LEN];
  o->n = 0;
  /* 기본 정보 */
  int year = 0;
  const char *said = strstr(desc, "년 설립");
  if (said && said - desc >= 4) year = atoi(said - 4);
  if (year < 1950 || year > 2026) year = (int)dp__range(r, 1978, 2024);
  bool corp = strcmp(size, "micro") == 0 ? dp__chance(r, 45) : dp__chance(r, 95);
  /* 사업자등록번호: 3 digits, the kind (81-88 법인, 01-79 개인), 4 digits, the check digit */
  int digits[10] = {0};
  static const int w[9] = {1, 3, 7, 1, 3, 7, 1, 3, 5};
  for (int i = 0; i < 10; i++) digits[i] = (int)dp__range(r, 0, 9);
  digits[0] = (int)dp__range(r, 1, 6);
  int kind = corp ? (int)dp__range(r, 81, 88) : (int)dp__range(r, 1, 79);
  digits[3] = kind / 10, digits[4] = kind % 10;
  int sum = 0;
  for (int i = 0; i < 9; i++) sum += digits[i] * w[i];
  sum += digits[8] * 5 / 10;
  digits[9] = (10 - sum % 10) % 10;
  for (int i = 0; i < 10; i++) v[i] = (char)('0' + digits[i]);
  v[10] = '\0';
  dp__add(o, r, CP_BIZ_NO, v, "2026-11-01", CP_SOURCE_IMPORTED, 5);
  dp__add(o, r, CP_LEGAL_FORM, corp ? "corporation" : "individual", "2026-11-01", CP_SOURCE_IMPORTED,
          DEMO_BLANK_PERCENT);
  dp__date(d, year, r);
  dp__add(o, r, CP_FOUNDED, d, d, CP_SOURCE_IMPORTED, 4);
  dp__add(o, r, CP_PRESTARTUP, "0", "2026-11-01", CP_SOURCE_ENTERED, DEMO_BLANK_PERCENT);
  dp__add(o, r, CP_RESTART, dp__chance(r, 3) ? "1" : "0", "2026-11-01", CP_SOURCE_ENTERED,
          DEMO_BLANK_PERCENT);
  /* 규모: the class from the organization's size, the headcount inside the class */
  const char *cls;
  int64_t emp;
  if (strcmp(size, "micro") == 0) {
    bool solo = dp__chance(r, 20);
    cls = solo ? "solo" : "micro";
    emp = solo ? 1 : dp__range(r, 2, 9);
  } else if (strcmp(size, "small") == 0) {
    cls = "small", emp = dp__range(r, 10, 49);
  } else if (strcmp(size, "medium") == 0) {
    cls = "medium", emp = dp__range(r, 50, 299);
  } else {
    bool big = dp__chance(r, 25);
    cls = big ? "large" : "midsize";
    emp = big ? dp__range(r, 1000, 4000) : dp__range(r, 300, 999);
  }
  dp__add(o, r, CP_SIZE, cls, "2026-03-31", CP_SOURCE_ENTERED, 5);
  int64_t revenue = -1;
  if (strcmp(band, "under_1b") == 0)
    revenue = dp__range(r, 100, 999) * 1000000;
  else if (strcmp(band, "1b_10b") == 0)
    revenue = dp__range(r, 1000, 9999) * 1000000;
  else if (strcmp(band, "10b_100b") == 0)
    revenue = dp__range(r, 10000, 99999) * 1000000;
  else if (strcmp(band, "over_100b") == 0)
    revenue = dp__range(r, 100000, 900000) * 1000000;
  if (revenue >= 0) { /* an unknown band stays blank */
    snprintf(v, sizeof v, "%lld", (long long)revenue);
    dp__add(o, r, CP_REVENUE, v, "2025-12-31", CP_SOURCE_IMPORTED, DEMO_BLANK_PERCENT);
    snprintf(v, sizeof v, "%lld", (long long)(revenue / 100 * dp__range(r, 82, 100)));
    dp__add(o, r, CP_REVENUE_AVG3, v, "2025-12-31", CP_SOURCE_ENTERED, 25);
    snprintf(v, sizeof v, "%lld", (long long)(revenue / 100 * dp__range(r, 50, 160)));
    dp__add(o, r, CP_TOTAL_ASSETS, v, "2025-12-31", CP_SOURCE_ENTERED, 25);
  }
  snprintf(v, sizeof v, "%lld", (long long)emp);
  size_t before = o->n;
  dp__add(o, r, CP_EMPLOYEES, v, "2026-10-31", CP_SOURCE_IMPORTED, 6);
  if (o->n > before) { /* young employees only beside a headcount */
    snprintf(v, sizeof v, "%lld", (long long)dp__range(r, 0, emp / 3));
    dp__add(o, r, CP_YOUTH_EMPLOYEES, v, "2026-10-31", CP_SOURCE_IMPORTED, 30);
  }
  if (exports) {
    int64_t usd = revenue > 0 ? revenue / 1400 / 100 * dp__range(r, 5, 60) : dp__range(r, 50000, 900000);
    snprintf(v, sizeof v, "%lld", (long long)usd);
    dp__add(o, r, CP_EXPORT_USD, v, "2025-12-31", CP_SOURCE_IMPORTED, DEMO_BLANK_PERCENT);
    int k = (int)dp__range(r, 1, 4), start = (int)dp__range(r, 0, 11);
    v[0] = '\0';
    for (int i = 0; i < k; i++) {
      size_t len = strlen(v);
      snprintf(v + len, sizeof v - len, "%s%s", i ? "|" : "", dp_countries[(start + i * 5) % 12]);
    }
    dp__add(o, r, CP_EXPORT_COUNTRIES, v, "2025-12-31", CP_SOURCE_ENTERED, 20);
  } else {
    dp__add(o, r, CP_EXPORT_USD, "0", "2025-12-31", CP_SOURCE_IMPORTED, DEMO_BLANK_PERCENT);
  }
  int64_t pat = strcmp(cls, "solo") == 0 || strcmp(cls, "micro") == 0 ? dp__range(r, 0, 3)
                                                                      : dp__range(r, 0, emp / 4 + 2);
  snprintf(v, sizeof v, "%lld", (long long)pat);
  dp__add(o, r, CP_PATENTS, v, "2026-11-01", CP_SOURCE_ENTERED, 20);
  snprintf(v, sizeof v, "%lld", (long long)dp__range(r, 0, 12));
  dp__add(o, r, CP_RND_RATIO, v, "2025-12-31", CP_SOURCE_ENTERED, 30);
  /* 업종·지역 */
  int si = 6; /* 첨단제조 when the sector is not listed */
  for (size_t i = 0; i < sizeof dp_ksic / sizeof *dp_ksic; i++)
    if (sector && strncmp(sector, dp_ksic[i].sector, strlen(dp_ksic[i].sector)) == 0) si = (int)i;
  int main_code = (int)dp__range(r, 0, 2);
  dp__add(o, r, CP_KSIC, dp_ksic[si].codes[main_code], "2026-11-01", CP_SOURCE_IMPORTED, 5);
  int sub = (int)dp__range(r, 0, 4);
  if (sub != main_code)
    dp__add(o, r, CP_KSIC_SUB, dp_ksic[si].codes[sub], "2026-11-01", CP_SOURCE_ENTERED, 40);
  dp__add(o, r, CP_REGION, region, "2026-11-01", CP_SOURCE_IMPORTED, 3);
  if (strcmp(cls, "solo") != 0) {
    static const char *const other[] = {"경기", "충남", "경남", "경북", "전남", "울산"};
    const char *second = other[dp__range(r, 0, 5)];
    if (dp__chance(r, 30) && strcmp(second, region) != 0)
      snprintf(v, sizeof v, "%s|%s", region, second);
    else
      snprintf(v, sizeof v, "%s", region);
    dp__add(o, r, CP_PLANT_REGIONS, v, "2026-11-01", CP_SOURCE_ENTERED, 20);
  }
  static const char *const sf[] = {"none", "basic", "intermediate", "advanced"};
  dp__add(o, r, CP_SMART_FACTORY, sf[dp__range(r, 0, strcmp(cls, "solo") == 0 ? 0 : 3)], "2026-11-01",
          CP_SOURCE_ENTERED, 30);
  /* 인증 */
  bool small_firm = strcmp(cls, "large") != 0 && strcmp(cls, "midsize") != 0;
  dp__cert(o, r, CP_VENTURE, small_firm ? 35 : 5, year);
  dp__cert(o, r, CP_INNOBIZ, small_firm ? 25 : 3, year);
  dp__cert(o, r, CP_MAINBIZ, small_firm ? 15 : 3, year);
  const char *lab = emp >= 50   ? (dp__chance(r, 70) ? "institute" : "dept")
                    : emp >= 10 ? (dp__chance(r, 40)   ? "institute"
                                   : dp__chance(r, 50) ? "dept"
                                                       : "none")
                                : "none";
  dp__add(o, r, CP_LAB, lab, "2026-11-01", CP_SOURCE_ENTERED, DEMO_BLANK_PERCENT);
  dp__add(o, r, CP_SOCIAL_ENTERPRISE, dp__chance(r, 3) ? "1" : "0", "2026-11-01", CP_SOURCE_ENTERED, 20);
  dp__add(o, r, CP_EXPORT_PROMISING, exports && dp__chance(r, 25) ? "1" : "0", "2026-11-01",
          CP_SOURCE_ENTERED, 20);
  dp__add(o, r, CP_ROOT_INDUSTRY, dp__chance(r, 15) ? "1" : "0", "2026-11-01", CP_SOURCE_ENTERED, 25);
  dp__add(o, r, CP_SOBUJANG, dp__chance(r, 8) ? "1" : "0", "2026-11-01", CP_SOURCE_ENTERED, 25);
  /* 대표자·기타: old enough to have founded the company at 22 or later */
  int latest = year - 22 < 2001 ? year - 22 : 2001;
  int birth_year = latest <= 1940 ? 1940 : (int)dp__range(r, 1940, latest);
  dp__date(d, birth_year, r);
  dp__add(o, r, CP_CEO_BIRTH, d, "2026-11-01", CP_SOURCE_ENTERED, 20);
  bool female = dp__chance(r, 16);
  size_t had_gender = o->n;
  dp__add(o, r, CP_CEO_GENDER, female ? "female" : "male", "2026-11-01", CP_SOURCE_ENTERED,
          DEMO_BLANK_PERCENT);
  if (o->n > had_gender) /* 여성기업 follows the representative when that is known */
    dp__add(o, r, CP_FEMALE_OWNED, female ? "1" : "0", "2026-11-01", CP_SOURCE_ENTERED, DEMO_BLANK_PERCENT);
  dp__add(o, r, CP_DISABLED_OWNED, dp__chance(r, 2) ? "1" : "0", "2026-11-01", CP_SOURCE_ENTERED, 20);
  int nh = (int)dp__range(r, 0, 3);
  v[0] = '\0';
  int first = year + 1 > 2018 ? year + 1 : 2018;
  for (int i = 0; i < nh && first <= 2026; i++) {
    int hy = (int)dp__range(r, first, 2026);
    size_t len = strlen(v);
    snprintf(v + len, sizeof v - len, "%s%d %s", len ? "|" : "", hy, dp_programmes[(dp__next(r) % 10)]);
  }
  if (v[0]) dp__add(o, r, CP_HISTORY, v, "2026-11-01", CP_SOURCE_ENTERED, 15);
  dp__add(o, r, CP_ARREARS, dp__chance(r, 1) ? "1" : "0", "2026-11-01", CP_SOURCE_ENTERED, 20);
}

int demo_profiles_generate(moa_db *db, char *err, size_t errlen) {
  sqlite3_stmt *st =
      db_stmt(db,
              "SELECT o.id, o.size, o.revenue_band, o.exports, r.name_ko, coalesce(s.name_ko, ''), "
              "o.description FROM organizations o JOIN regions r ON r.id = o.region_id "
              "LEFT JOIN sectors s ON s.id = o.sector_id WHERE o.kind = 'company' ORDER BY o.id");
  if (!st) {
    snprintf(err, errlen, "cannot read the demo companies: %s", db_errmsg(db));
    return -1;
  }
  /* read every company first: the statement cache would reset st under the writes */
  typedef struct dp_company {
    int64_t id;
    char size[16], band[16], region[32], sector[64], desc[512];
    int exports;
  } dp_company;
  size_t n = 0, cap = 0;
  dp_company *list = NULL;
  int rc;
  while ((rc = db_step(db, st)) == SQLITE_ROW) {
    if (n == cap) {
      cap = cap ? cap * 2 : 1024;
      dp_company *grown = realloc(list, cap * sizeof *list);
      if (!grown) {
        free(list);
        snprintf(err, errlen, "out of memory");
        return -1;
      }
      list = grown;
    }
    dp_company *c = &list[n++];
    c->id = sqlite3_column_int64(st, 0);
    snprintf(c->size, sizeof c->size, "%s", (const char *)sqlite3_column_text(st, 1));
    snprintf(c->band, sizeof c->band, "%s", (const char *)sqlite3_column_text(st, 2));
    c->exports = sqlite3_column_int(st, 3);
    snprintf(c->region, sizeof c->region, "%s", (const char *)sqlite3_column_text(st, 4));
    snprintf(c->sector, sizeof c->sector, "%s", (const char *)sqlite3_column_text(st, 5));
    snprintf(c->desc, sizeof c->desc, "%s", (const char *)sqlite3_column_text(st, 6));
  }
  if (rc != SQLITE_DONE) {
    free(list);
    snprintf(err, errlen, "cannot read the demo companies: %s", db_errmsg(db));
    return -1;
  }
  dp_rng r = {DEMO_PROFILE_SEED};
  dp_out *o = malloc(sizeof *o);
  int result = o ? 0 : -1;
  if (!o) snprintf(err, errlen, "out of memory");
  for (size_t i = 0; o && i < n; i++) {
    dp__company(&r, o, list[i].size, list[i].band, list[i].exports, list[i].region, list[i].sector,
                list[i].desc);
    char why[256];
    if (company_profile_write(db, list[i].id, o->ch, o->n, DEMO_PROFILES_TODAY, DEMO_PROFILES_NOW, 0, why,
                              sizeof why, NULL) != STORE_OK) {
      snprintf(err, errlen, "demo profile of organization %lld: %s", (long long)list[i].id, why);
      result = -1;
      break;
    }
  }
  free(o);
  free(list);
  return result < 0 ? -1 : (int)n;
}
