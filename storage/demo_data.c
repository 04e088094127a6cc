/* Demo data generator (see demo_data.h). A splitmix64 generator with a fixed seed drives every
 * choice, so two runs produce the same organizations in the same order; the system rand() is
 * never used. The consortia, their regions and complexes are read from the database (loaded by
 * reference_load); the words come from demo_words.c. Organizations are generated consortium by
 * consortium, each in one of its consortium's regions (companies inside one of its complexes);
 * about 5% then also join a second consortium of the same sector that links their region. */
#include "storage/demo_data.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "storage/demo_profiles.h"
#include "storage/demo_words.h"
#include "storage/embedded.h"
#include "storage/org_store.h"
#include "storage/password.h"
#include "storage/reference_store.h"

#define DEMO_SEED 0x4D4F412D32303235ull /* "MOA-2025" */
#define DEMO_MAX_CONSORTIA 64
#define DEMO_MAX_LINKS 16
#define DEMO_TWO_CONSORTIA_PERCENT 5
#define DEMO_NAME_TRIES 400
#define DEMO_TEXT 768

typedef struct demo_rng {
  uint64_t s;
} demo_rng;

/* splitmix64 (Steele, Lea, Flood 2014): tiny, fast, and well distributed for this use. */
static uint64_t demo__next(demo_rng *r) {
  uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* Uniform in [0, n), n < 2^32. */
static size_t demo__below(demo_rng *r, size_t n) {
  return (size_t)(((demo__next(r) >> 32) * (uint64_t)n) >> 32);
}
static int demo__chance(demo_rng *r, unsigned percent) { return demo__below(r, 100) < percent; }
static const demo_pair *demo__pick(demo_rng *r, const demo_pair *list) {
  return &list[demo__below(r, demo_words_count(list))];
}

typedef struct demo_link {
  int64_t region_id, complex_id;
  char region[64], complex[128];
} demo_link;

typedef struct demo_consortium {
  int64_t id, sector_id;
  const demo_sector *words;
  int nlinks; /* link[0] is the lead complex */
  demo_link link[DEMO_MAX_LINKS];
  int companies, institutions;
} demo_consortium;

typedef struct demo_org {
  int64_t id;
  int cons;  /* index into the consortia */
  int cons2; /* second consortium, or -1 */
  int link;  /* index into the consortium's links */
  int is_company;
  const char *kind;
  char key[256]; /* the name without legal form, for uniqueness */
} demo_org;

typedef struct demo_gen {
  moa_db *db;
  demo_rng rng;
  demo_consortium cons[DEMO_MAX_CONSORTIA];
  int ncons;
  demo_org *orgs;
  int norgs;
} demo_gen;

/* ---- reading the consortia ---------------------------------------------------------------- */

static int demo__read_consortia(demo_gen *g, char *err, size_t errlen) {
  sqlite3_stmt *st = db_stmt(g->db,
                             "SELECT c.id, c.sector_id, s.name_ko, c.sector_detail_ko FROM consortia c "
                             "JOIN sectors s ON s.id = c.sector_id ORDER BY c.id");
  if (!st) goto fail;
  int rc;
  while ((rc = db_step(g->db, st)) == SQLITE_ROW) {
    if (g->ncons == DEMO_MAX_CONSORTIA) break;
    demo_consortium *c = &g->cons[g->ncons++];
    c->id = sqlite3_column_int64(st, 0);
    c->sector_id = sqlite3_column_int64(st, 1);
    c->words =
        demo_words_sector((const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3));
  }
  sqlite3_reset(st);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) goto fail;
  st = db_stmt(g->db,
               "SELECT cc.consortium_id, x.region_id, r.name_ko, x.id, x.name_ko "
               "FROM consortium_complexes cc JOIN complexes x ON x.id = cc.complex_id "
               "JOIN regions r ON r.id = x.region_id "
               "ORDER BY cc.consortium_id, cc.is_lead DESC, cc.rowid");
  if (!st) goto fail;
  while ((rc = db_step(g->db, st)) == SQLITE_ROW) {
    int64_t id = sqlite3_column_int64(st, 0);
    for (int i = 0; i < g->ncons; i++) {
      demo_consortium *c = &g->cons[i];
      if (c->id != id || c->nlinks == DEMO_MAX_LINKS) continue;
      demo_link *l = &c->link[c->nlinks++];
      l->region_id = sqlite3_column_int64(st, 1);
      snprintf(l->region, sizeof l->region, "%s", (const char *)sqlite3_column_text(st, 2));
      l->complex_id = sqlite3_column_int64(st, 3);
      snprintf(l->complex, sizeof l->complex, "%s", (const char *)sqlite3_column_text(st, 4));
    }
  }
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) goto fail;
  if (g->ncons == 0) {
    snprintf(err, errlen, "no consortia to populate");
    return -1;
  }
  for (int i = 0; i < g->ncons; i++) {
    if (g->cons[i].nlinks == 0) {
      snprintf(err, errlen, "consortium %lld has no complexes", (long long)g->cons[i].id);
      return -1;
    }
  }
  return 0;
fail:
  if (st) sqlite3_reset(st);
  snprintf(err, errlen, "cannot read consortia: %s", db_errmsg(g->db));
  return -1;
}

/* Splits total over the consortia with weights 70..130, every consortium getting some. */
static void demo__spread(demo_gen *g, int total, int companies) {
  int w[DEMO_MAX_CONSORTIA], sum = 0, given = 0;
  for (int i = 0; i < g->ncons; i++) sum += w[i] = 70 + (int)demo__below(&g->rng, 61);
  for (int i = 0; i < g->ncons; i++) {
    int n = (int)((int64_t)total * w[i] / sum);
    if (companies)
      g->cons[i].companies = n;
    else
      g->cons[i].institutions = n;
    given += n;
  }
  for (int i = 0; given < total; i = (i + 1) % g->ncons, given++) {
    if (companies)
      g->cons[i].companies++;
    else
      g->cons[i].institutions++;
  }
}

/* ---- names ---------------------------------------------------------------------------------- */

static int demo__name_taken(const demo_gen *g, const char *key) {
  for (int i = 0; i < g->norgs; i++)
    if (strcmp(g->orgs[i].key, key) == 0) return 1;
  return 0;
}

/* Chooses the region link: the lead complex half the time, else any. */
static int demo__pick_link(demo_gen *g, const demo_consortium *c) {
  return demo__chance(&g->rng, 50) ? 0 : (int)demo__below(&g->rng, (size_t)c->nlinks);
}

typedef struct demo_profile {
  char name[256], name_en[320];
  const char *size, *band;
  int exports, in_complex;
  char caps[DEMO_TEXT], keywords[DEMO_TEXT], desc[DEMO_TEXT];
} demo_profile;

static void demo__company_name(demo_gen *g, const demo_consortium *c, demo_org *o, demo_profile *p) {
  static const char *const forms[] = {"(주)%s", "%s", "주식회사 %s", "%s(주)"};
  const demo_pair *stem = NULL, *suffix = NULL;
  for (int t = 0; t < DEMO_NAME_TRIES; t++) {
    stem = demo__pick(&g->rng, demo_company_stems);
    suffix = demo__chance(&g->rng, 65) ? demo__pick(&g->rng, c->words->company_suffixes)
                                       : demo__pick(&g->rng, demo_general_suffixes);
    snprintf(o->key, sizeof o->key, "%s%s", stem->ko, suffix->ko);
    if (!demo__name_taken(g, o->key)) break;
  }
  size_t f = demo__below(&g->rng, 100);
  f = f < 40 ? 0 : f < 65 ? 1 : f < 85 ? 2 : 3;
  snprintf(p->name, sizeof p->name, forms[f], o->key);
  snprintf(p->name_en, sizeof p->name_en, "%s %s%s", stem->en, suffix->en, f == 1 ? "" : " Co., Ltd.");
}

/* Appends n distinct entries of list (NULL-terminated) to out, separated by ", ". */
static void demo__join(demo_gen *g, const char *const *list, int n, const char **first, const char **second,
                       char *out, size_t outlen) {
  size_t count = demo_words_count_strings(list);
  size_t used[16];
  int k = 0;
  if ((size_t)n > count) n = (int)count;
  while (k < n && k < 16) {
    size_t i = demo__below(&g->rng, count);
    int dup = 0;
    for (int j = 0; j < k; j++) dup |= used[j] == i;
    if (dup) continue;
    used[k] = i;
    size_t len = strlen(out);
    snprintf(out + len, outlen - len, "%s%s", len ? ", " : "", list[i]);
    k++;
  }
  if (first) *first = k > 0 ? list[used[0]] : "";
  if (second) *second = k > 1 ? list[used[1]] : *first;
}

static void demo__company(demo_gen *g, const demo_consortium *c, demo_org *o, demo_profile *p) {
  static const char *const size_word[] = {"강소", "중소", "중견", "대표"};
  demo__company_name(g, c, o, p);
  size_t s = demo__below(&g->rng, 100);
  int sz = s < 18 ? 0 : s < 70 ? 1 : s < 95 ? 2 : 3;
  static const char *const sizes[] = {"micro", "small", "medium", "large"};
  p->size = sizes[sz];
  size_t b = demo__below(&g->rng, 100);
  static const char *const bands[4][3] = {{"under_1b", "under_1b", "1b_10b"},
                                          {"under_1b", "1b_10b", "10b_100b"},
                                          {"1b_10b", "10b_100b", "over_100b"},
                                          {"10b_100b", "over_100b", "over_100b"}};
  p->band = bands[sz][b < 20 ? 0 : b < 85 ? 1 : 2];
  static const unsigned export_pct[] = {10, 30, 55, 85};
  p->exports = demo__chance(&g->rng, export_pct[sz]);
  p->in_complex = 1;
  const char *cap0, *cap1;
  demo__join(g, c->words->capabilities, 2 + (int)demo__below(&g->rng, 2), &cap0, &cap1, p->caps,
             sizeof p->caps);
  demo__join(g, c->words->keywords, 3 + (int)demo__below(&g->rng, 3), NULL, NULL, p->keywords,
             sizeof p->keywords);
  const demo_link *l = &c->link[o->link];
  switch (demo__below(&g->rng, 4)) {
    case 0:
      snprintf(p->desc, sizeof p->desc,
               "%s %s산업단지에 자리한 %s 기업으로, %s 분야의 양산 경험을 갖추고 있습니다.", l->region,
               l->complex, size_word[sz], cap0);
      break;
    case 1:
      snprintf(p->desc, sizeof p->desc, "%s 전문 기업으로, %s 기술을 바탕으로 %s 완성품 업체에 %s.", cap0,
               cap1, p->exports ? "국내외" : "국내",
               p->exports ? "납품하며 수출 실적을 쌓고 있습니다" : "납품하고 있습니다");
      break;
    case 2:
      snprintf(p->desc, sizeof p->desc, "%s·%s 분야의 설계부터 생산까지 직접 수행하는 %s의 %s 기업입니다.",
               cap0, cap1, l->region, size_word[sz]);
      break;
    default:
      snprintf(p->desc, sizeof p->desc,
               "%d년 설립 이후 %s 기술을 쌓아 왔으며, %s 공동개발 파트너를 찾고 있습니다.",
               1985 + (int)demo__below(&g->rng, 37), cap0, cap1);
  }
}

/* ---- institutions --------------------------------------------------------------------------- */

static const demo_pair centers[] = {{"연구센터", "Research Center"},
                                    {"기술지원센터", "Technical Support Center"},
                                    {"실증센터", "Demonstration Center"},
                                    {"시험평가센터", "Test & Evaluation Center"},
                                    {NULL, NULL}};
static const demo_pair vc_suffixes[] = {{"인베스트먼트", "Investment"},
                                        {"벤처스", "Ventures"},
                                        {"파트너스", "Partners"},
                                        {"기술투자", "Technology Investment"},
                                        {"캐피탈", "Capital"},
                                        {"벤처투자", "Venture Investment"},
                                        {NULL, NULL}};
static const demo_pair ac_suffixes[] = {{"액셀러레이터", "Accelerator"}, {"랩스", "Labs"},
                                        {"스타트업스", "Startups"},      {"이노베이션랩", "Innovation Lab"},
                                        {"벤처빌더", "Venture Builder"}, {NULL, NULL}};
static const demo_pair design_suffixes[] = {{"디자인", "Design"},
                                            {"디자인랩", "Design Lab"},
                                            {"디자인컨설팅", "Design Consulting"},
                                            {"디자인스튜디오", "Design Studio"},
                                            {"산업디자인", "Industrial Design"},
                                            {NULL, NULL}};
static const demo_pair tech_suffixes[] = {{"테크브릿지", "Tech Bridge"},     {"비즈랩", "Biz Lab"},
                                          {"아이피파트너스", "IP Partners"}, {"기술경영", "Tech Management"},
                                          {"테크트랜스퍼", "Tech Transfer"}, {NULL, NULL}};

/* Writes a candidate name for kind into p and o->key; the caller retries while it is taken. */
static void demo__institution_name(demo_gen *g, const demo_consortium *c, demo_org *o, demo_profile *p,
                                   const demo_region *rg, const char *region) {
  const demo_sector *w = c->words;
  const demo_pair *a, *b;
  p->name_en[0] = '\0';
  if (strcmp(o->kind, "university") == 0) {
    const demo_pair *u = demo__pick(&g->rng, rg->universities);
    size_t t = demo__below(&g->rng, 100);
    if (t < 45) {
      a = demo__pick(&g->rng, demo_university_units);
      snprintf(p->name, sizeof p->name, "%s %s", u->ko, a->ko);
      snprintf(p->name_en, sizeof p->name_en, "%s %s", u->en, a->en);
    } else if (t < 62) {
      snprintf(p->name, sizeof p->name, "%s %s융합연구소", u->ko, w->field.ko);
      snprintf(p->name_en, sizeof p->name_en, "%s %s Convergence Research Institute", u->en, w->field.en);
    } else {
      const demo_pair *d = demo__pick(&g->rng, w->departments);
      a = demo__pick(&g->rng, demo_surnames);
      b = demo__pick(&g->rng, demo_given_names);
      snprintf(p->name, sizeof p->name, "%s %s %s%s 교수 연구실", u->ko, d->ko, a->ko, b->ko);
      snprintf(p->name_en, sizeof p->name_en, "%s %s, Prof. %s %s Lab", u->en, d->en, b->en, a->en);
    }
  } else if (strcmp(o->kind, "research_institute") == 0) {
    const demo_pair *inst = demo__chance(&g->rng, 60) ? demo__pick(&g->rng, w->institutes)
                                                      : demo__pick(&g->rng, demo_common_institutes);
    if (demo__chance(&g->rng, 50)) {
      snprintf(p->name, sizeof p->name, "%s %s", inst->ko, rg->branch.ko);
      snprintf(p->name_en, sizeof p->name_en, "%s, %s", inst->en, rg->branch.en);
    } else {
      a = demo__pick(&g->rng, centers);
      snprintf(p->name, sizeof p->name, "%s %s %s%s", inst->ko, rg->branch.ko, w->field.ko, a->ko);
      snprintf(p->name_en, sizeof p->name_en, "%s, %s %s %s", inst->en, rg->branch.en, w->field.en, a->en);
    }
  } else if (strcmp(o->kind, "other_institution") == 0) {
    switch (demo__below(&g->rng, 6)) {
      case 0:
        snprintf(p->name, sizeof p->name, "%s테크노파크", region);
        snprintf(p->name_en, sizeof p->name_en, "%s Technopark", rg->en);
        break;
      case 1:
        snprintf(p->name, sizeof p->name, "%s창조경제혁신센터", region);
        snprintf(p->name_en, sizeof p->name_en, "%s Center for Creative Economy & Innovation", rg->en);
        break;
      case 2:
        snprintf(p->name, sizeof p->name, "한국산업단지공단 %s지역본부", region);
        snprintf(p->name_en, sizeof p->name_en,
                 "Korea Industrial Complex Corporation %s Regional Headquarters", rg->en);
        break;
      case 3:
        snprintf(p->name, sizeof p->name, "%s산업단지 경영자협의회", c->link[o->link].complex);
        snprintf(p->name_en, sizeof p->name_en, "%s Industrial Complex Business Council", rg->en);
        break;
      case 4:
        snprintf(p->name, sizeof p->name, "%s %s산업협회", region, w->field.ko);
        snprintf(p->name_en, sizeof p->name_en, "%s %s Industry Association", rg->en, w->field.en);
        break;
      default:
        snprintf(p->name, sizeof p->name, "%s %s기업협의회", region, w->field.ko);
        snprintf(p->name_en, sizeof p->name_en, "%s %s Business Council", rg->en, w->field.en);
    }
  } else if (strcmp(o->kind, "commercialization_company") == 0 && demo__chance(&g->rng, 30)) {
    const demo_pair *u = demo__pick(&g->rng, rg->universities);
    snprintf(p->name, sizeof p->name, "%s 기술지주회사", u->ko);
    snprintf(p->name_en, sizeof p->name_en, "%s Technology Holdings", u->en);
  } else {
    const demo_pair *list = strcmp(o->kind, "venture_capital") == 0       ? vc_suffixes
                            : strcmp(o->kind, "accelerator") == 0         ? ac_suffixes
                            : strcmp(o->kind, "industrial_designer") == 0 ? design_suffixes
                                                                          : tech_suffixes;
    a = demo__pick(&g->rng, demo_company_stems);
    b = demo__pick(&g->rng, list);
    int legal = demo__chance(&g->rng, 40);
    snprintf(p->name, sizeof p->name, "%s%s%s", legal ? "(주)" : "", a->ko, b->ko);
    snprintf(p->name_en, sizeof p->name_en, "%s %s%s", a->en, b->en, legal ? " Co., Ltd." : "");
  }
  snprintf(o->key, sizeof o->key, "%s", strncmp(p->name, "(주)", 4) == 0 ? p->name + 4 : p->name);
}

struct demo_kind_info {
  const char *kind;
  const char *sizes;       /* one letter per 10%: m(icro) s(mall) M(edium) L(arge) */
  const char *keywords[5]; /* NULL-terminated */
  const char *desc;        /* format with: field, cap0, cap1 */
};

static const struct demo_kind_info kind_info[] = {
    {"university",
     "sssMMMLLLL",
     {"산학협력", "기술이전", "공동연구", "인력양성"},
     "%s 분야 연구 인력과 장비를 갖추고 %s, %s 공동연구와 기술이전을 지원합니다."},
    {"research_institute",
     "sMMMMMLLLL",
     {"실증", "시험인증", "기술지원", "공동연구"},
     "%s 분야 시험·실증 인프라로 %s, %s 기술개발과 사업화를 돕습니다."},
    {"venture_capital",
     "mssssssMMM",
     {"투자", "시리즈A", "후속투자", "펀드"},
     "%s 분야 초기·성장 단계 기업에 투자하며, %s·%s 기업의 후속 투자 유치를 돕습니다."},
    {"accelerator",
     "mmmmssssss",
     {"창업보육", "TIPS", "오픈이노베이션", "멘토링"},
     "%s 스타트업을 발굴·보육하고 %s, %s 분야 대기업 오픈이노베이션을 연결합니다."},
    {"industrial_designer",
     "mmmmmsssss",
     {"산업디자인", "UX", "시제품", "제품설계"},
     "%s 제품의 산업디자인과 사용자경험 설계, %s·%s 시제품 제작을 수행합니다."},
    {"commercialization_company",
     "mmmsssssss",
     {"기술사업화", "특허", "기술이전", "시제품"},
     "대학·연구소의 %s 기술을 사업화하고 %s, %s 분야 기술이전과 특허 전략을 지원합니다."},
    {"other_institution",
     "sssMMMMMLL",
     {"기업지원", "네트워킹", "지원사업", "산업단지"},
     "%s 기업 지원사업을 운영하고 %s, %s 분야 기업 간 협력 네트워크를 조성합니다."},
};

static const struct demo_kind_info *demo__kind_info(const char *kind) {
  for (size_t i = 0; i < sizeof kind_info / sizeof kind_info[0]; i++)
    if (strcmp(kind_info[i].kind, kind) == 0) return &kind_info[i];
  return &kind_info[sizeof kind_info / sizeof kind_info[0] - 1];
}

static void demo__institution(demo_gen *g, const demo_consortium *c, demo_org *o, demo_profile *p) {
  for (int t = 0; t < DEMO_NAME_TRIES; t++) {
    if (t > 0 && t % 8 == 0) o->link = (int)demo__below(&g->rng, (size_t)c->nlinks);
    const char *region = c->link[o->link].region;
    demo__institution_name(g, c, o, p, demo_words_region(region), region);
    if (!demo__name_taken(g, o->key)) break;
  }
  const struct demo_kind_info *ki = demo__kind_info(o->kind);
  switch (ki->sizes[demo__below(&g->rng, 10)]) {
    case 'm':
      p->size = "micro";
      break;
    case 's':
      p->size = "small";
      break;
    case 'M':
      p->size = "medium";
      break;
    default:
      p->size = "large";
  }
  if (strstr(p->name, "교수 연구실")) p->size = demo__chance(&g->rng, 50) ? "micro" : "small"; /* a lab */
  int business = strcmp(o->kind, "venture_capital") == 0 || strcmp(o->kind, "accelerator") == 0 ||
                 strcmp(o->kind, "industrial_designer") == 0 ||
                 strcmp(o->kind, "commercialization_company") == 0;
  p->band = business ? (demo__chance(&g->rng, 60) ? "under_1b" : "1b_10b") : "unknown";
  p->exports = strcmp(o->kind, "industrial_designer") == 0 ? demo__chance(&g->rng, 10) : 0;
  p->in_complex = strcmp(o->kind, "research_institute") == 0  ? demo__chance(&g->rng, 30)
                  : strcmp(o->kind, "other_institution") == 0 ? demo__chance(&g->rng, 40)
                                                              : 0;
  const char *cap0, *cap1;
  demo__join(g, c->words->capabilities, 2, &cap0, &cap1, p->caps, sizeof p->caps);
  demo__join(g, ki->keywords, 2, NULL, NULL, p->keywords, sizeof p->keywords);
  demo__join(g, c->words->keywords, 2 + (int)demo__below(&g->rng, 2), NULL, NULL, p->keywords,
             sizeof p->keywords);
  snprintf(p->desc, sizeof p->desc, ki->desc, c->words->field.ko, cap0, cap1);
}

/* ---- generation ----------------------------------------------------------------------------- */

static const struct {
  const char *kind;
  int count;
} institution_mix[] = {
    {"university", 290},       {"research_institute", 240}, {"venture_capital", 55},
    {"accelerator", 65},       {"industrial_designer", 50}, {"commercialization_company", 66},
    {"other_institution", 50},
};

/* Generates and inserts one organization of consortium ci; returns 0 or -1 (err set). */
static int demo__add_org(demo_gen *g, int ci, const char *kind, char *err, size_t errlen) {
  demo_consortium *c = &g->cons[ci];
  demo_org *o = &g->orgs[g->norgs];
  demo_profile *p = calloc(1, sizeof *p);
  if (!p) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  memset(o, 0, sizeof *o);
  o->cons = ci;
  o->cons2 = -1;
  o->kind = kind;
  o->is_company = strcmp(kind, "company") == 0;
  o->link = demo__pick_link(g, c);
  if (o->is_company)
    demo__company(g, c, o, p);
  else
    demo__institution(g, c, o, p);
  const demo_link *l = &c->link[o->link];
  org_record rec = {.kind = kind,
                    .name = p->name,
                    .name_en = p->name_en,
                    .sector_id = c->sector_id,
                    .region_id = l->region_id,
                    .complex_id = p->in_complex ? l->complex_id : 0,
                    .size = p->size,
                    .revenue_band = p->band,
                    .exports = p->exports,
                    .capabilities = p->caps,
                    .keywords = p->keywords,
                    .description = p->desc};
  o->id = org_store_insert(g->db, &rec);
  if (o->id < 0 || org_store_add_membership(g->db, o->id, c->id) != 0) {
    snprintf(err, errlen, "cannot store organization %s: %s", p->name, db_errmsg(g->db));
    free(p);
    return -1;
  }
  free(p);
  g->norgs++;
  return 0;
}

static int demo__links_region(const demo_consortium *c, int64_t region_id) {
  for (int i = 0; i < c->nlinks; i++)
    if (c->link[i].region_id == region_id) return 1;
  return 0;
}

/* Makes about DEMO_TWO_CONSORTIA_PERCENT of the organizations members of a second consortium of
 * the same sector (and field) that links their region. */
static int demo__second_memberships(demo_gen *g, char *err, size_t errlen) {
  int *eligible = malloc((size_t)g->norgs * sizeof *eligible), n = 0;
  if (!eligible) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  for (int i = 0; i < g->norgs; i++) {
    const demo_consortium *c = &g->cons[g->orgs[i].cons];
    int64_t region = c->link[g->orgs[i].link].region_id;
    for (int j = 0; j < g->ncons; j++) {
      const demo_consortium *d = &g->cons[j];
      if (d != c && d->sector_id == c->sector_id && d->words == c->words && demo__links_region(d, region)) {
        eligible[n++] = i;
        break;
      }
    }
  }
  int want = (g->norgs * DEMO_TWO_CONSORTIA_PERCENT + 50) / 100;
  if (want > n) want = n;
  for (int k = 0; k < want; k++) { /* partial Fisher-Yates: the first want are a random sample */
    int j = k + (int)demo__below(&g->rng, (size_t)(n - k));
    int t = eligible[k];
    eligible[k] = eligible[j];
    eligible[j] = t;
  }
  for (int k = 0; k < want; k++) {
    demo_org *o = &g->orgs[eligible[k]];
    const demo_consortium *c = &g->cons[o->cons];
    int64_t region = c->link[o->link].region_id;
    int cands[DEMO_MAX_CONSORTIA], nc = 0;
    for (int j = 0; j < g->ncons; j++) {
      const demo_consortium *d = &g->cons[j];
      if (d != c && d->sector_id == c->sector_id && d->words == c->words && demo__links_region(d, region))
        cands[nc++] = j;
    }
    o->cons2 = cands[demo__below(&g->rng, (size_t)nc)];
    if (org_store_add_membership(g->db, o->id, g->cons[o->cons2].id) != 0) {
      snprintf(err, errlen, "cannot store membership: %s", db_errmsg(g->db));
      free(eligible);
      return -1;
    }
  }
  free(eligible);
  return 0;
}

static int demo__generate(demo_gen *g, char *err, size_t errlen) {
  const char *inst_kinds[DEMO_DATA_INSTITUTIONS];
  int k = 0;
  for (size_t i = 0; i < sizeof institution_mix / sizeof institution_mix[0]; i++)
    for (int j = 0; j < institution_mix[i].count; j++) inst_kinds[k++] = institution_mix[i].kind;
  if (k != DEMO_DATA_INSTITUTIONS) {
    snprintf(err, errlen, "institution mix adds up to %d, not %d", k, DEMO_DATA_INSTITUTIONS);
    return -1;
  }
  for (int i = k - 1; i > 0; i--) {
    int j = (int)demo__below(&g->rng, (size_t)i + 1);
    const char *t = inst_kinds[i];
    inst_kinds[i] = inst_kinds[j];
    inst_kinds[j] = t;
  }
  demo__spread(g, DEMO_DATA_COMPANIES, 1);
  demo__spread(g, DEMO_DATA_INSTITUTIONS, 0);
  int next_inst = 0;
  for (int ci = 0; ci < g->ncons; ci++) {
    for (int i = 0; i < g->cons[ci].companies; i++)
      if (demo__add_org(g, ci, "company", err, errlen) != 0) return -1;
    for (int i = 0; i < g->cons[ci].institutions; i++)
      if (demo__add_org(g, ci, inst_kinds[next_inst++], err, errlen) != 0) return -1;
  }
  return demo__second_memberships(g, err, errlen);
}

/* ---- users ---------------------------------------------------------------------------------- */

typedef struct demo_user {
  char email[64];
  char name[32];
  int64_t org_id;   /* 0: none */
  int64_t cons_id;  /* 0: none */
  const char *role; /* NULL: none */
  int is_admin;
  char hash[PASSWORD_HASH_MAX];
} demo_user;

static void demo__person(demo_rng *rng, demo_user *users, int nusers, char *out, size_t outlen) {
  for (int t = 0; t < DEMO_NAME_TRIES; t++) {
    snprintf(out, outlen, "%s%s", demo__pick(rng, demo_surnames)->ko, demo__pick(rng, demo_given_names)->ko);
    int taken = 0;
    for (int i = 0; i < nusers; i++) taken |= strcmp(users[i].name, out) == 0;
    if (!taken) return;
  }
}

/* The coordinator's organization: a university or research institute of consortium ci in its lead
 * region, else any of its institutions. The members': its first two companies. */
static int64_t demo__pick_org(const demo_gen *g, int ci, int coordinator, int nth) {
  int64_t fallback = 0;
  for (int i = 0; i < g->norgs; i++) {
    const demo_org *o = &g->orgs[i];
    if (o->cons != ci) continue;
    if (!coordinator) {
      if (o->is_company && nth-- == 0) return o->id;
      continue;
    }
    if (o->is_company) continue;
    if (!fallback) fallback = o->id;
    if (o->link == 0 && (strcmp(o->kind, "university") == 0 || strcmp(o->kind, "research_institute") == 0))
      return o->id;
  }
  return fallback;
}

/* Fills the user list (without org ids, which need the organizations) and hashes passwords.
 * Users have their own generator, rng, so that their names do not depend on the organizations. */
static demo_user *demo__users(const demo_gen *g, demo_rng *rng, int *nusers, char *err, size_t errlen) {
  int n = 1 + 3 * g->ncons;
  demo_user *u = calloc((size_t)n, sizeof *u);
  if (!u) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  snprintf(u[0].email, sizeof u[0].email, "admin@moa.example");
  snprintf(u[0].name, sizeof u[0].name, "관리자");
  u[0].is_admin = 1;
  for (int ci = 0; ci < g->ncons; ci++) {
    demo_user *c = &u[1 + 3 * ci];
    long long id = (long long)g->cons[ci].id;
    snprintf(c[0].email, sizeof c[0].email, "coord%02lld@moa.example", id);
    snprintf(c[1].email, sizeof c[1].email, "member%02llda@moa.example", id);
    snprintf(c[2].email, sizeof c[2].email, "member%02lldb@moa.example", id);
    for (int k = 0; k < 3; k++) {
      c[k].cons_id = g->cons[ci].id;
      c[k].role = k == 0 ? "coordinator" : "member";
      demo__person(rng, u, 1 + 3 * ci + k, c[k].name, sizeof c[k].name);
    }
  }
  for (int i = 0; i < n; i++) {
    if (password_hash(DEMO_DATA_PASSWORD, u[i].hash, sizeof u[i].hash) != 0) {
      snprintf(err, errlen, "cannot hash the demo password");
      free(u);
      return NULL;
    }
  }
  *nusers = n;
  return u;
}

static int demo__insert_users(demo_gen *g, demo_user *u, int n, char *err, size_t errlen) {
  for (int i = 0; i < n; i++) {
    if (u[i].cons_id) {
      int ci = (i - 1) / 3, k = (i - 1) % 3;
      u[i].org_id = demo__pick_org(g, ci, k == 0, k - 1);
    }
    sqlite3_stmt *st = db_stmt(g->db,
                               "INSERT INTO users(email, name, org_id, password_hash, is_admin) "
                               "VALUES (?, ?, ?, ?, ?)");
    if (!st) goto fail;
    sqlite3_bind_text(st, 1, u[i].email, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, u[i].name, -1, SQLITE_STATIC);
    if (u[i].org_id) sqlite3_bind_int64(st, 3, u[i].org_id);
    sqlite3_bind_text(st, 4, u[i].hash, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, u[i].is_admin);
    if (db_exec_stmt(g->db, st) != SQLITE_DONE) goto fail;
    if (!u[i].role) continue;
    int64_t user_id = sqlite3_last_insert_rowid(db_handle(g->db));
    st = db_stmt(g->db, "INSERT INTO user_roles(user_id, consortium_id, role) VALUES (?, ?, ?)");
    if (!st) goto fail;
    sqlite3_bind_int64(st, 1, user_id);
    sqlite3_bind_int64(st, 2, u[i].cons_id);
    sqlite3_bind_text(st, 3, u[i].role, -1, SQLITE_STATIC);
    if (db_exec_stmt(g->db, st) != SQLITE_DONE) goto fail;
  }
  return 0;
fail:
  snprintf(err, errlen, "cannot store demo users: %s", db_errmsg(g->db));
  return -1;
}

/* ---- entry points --------------------------------------------------------------------------- */

static int demo__loaded(moa_db *db) {
  char v[16];
  return db_meta_get(db, "demo_loaded", v, sizeof v);
}

int demo_data_load(moa_db *db, char *err, size_t errlen) {
  demo_gen *g = NULL;
  demo_user *users = NULL;
  int nusers = 0, in_tx = 0, result = -1;
  if (demo__loaded(db)) return 0;
  if (reference_load(db, embedded_data("consortia.tsv"), err, errlen) < 0) return -1;
  g = calloc(1, sizeof *g);
  if (!g || !(g->orgs = calloc(DEMO_DATA_COMPANIES + DEMO_DATA_INSTITUTIONS, sizeof *g->orgs))) {
    snprintf(err, errlen, "out of memory");
    goto done;
  }
  g->db = db;
  g->rng.s = DEMO_SEED;
  if (demo__read_consortia(g, err, errlen) != 0) goto done;
  demo_rng user_rng = {DEMO_SEED ^ 0x5553455253ull};
  if (!(users = demo__users(g, &user_rng, &nusers, err, errlen))) goto done;
  if (db_begin(db) != SQLITE_OK) {
    snprintf(err, errlen, "cannot begin transaction: %s", db_errmsg(db));
    goto done;
  }
  in_tx = 1;
  if (demo__loaded(db)) { /* loaded by someone else meanwhile */
    result = 0;
    goto done;
  }
  if (demo__generate(g, err, errlen) != 0 || demo_profiles_generate(db, err, errlen) < 0 ||
      demo__insert_users(g, users, nusers, err, errlen) != 0)
    goto done;
  if (db_meta_set(db, "demo_loaded", "1") != 0) {
    snprintf(err, errlen, "cannot mark demo data loaded: %s", db_errmsg(db));
    goto done;
  }
  in_tx = 0;
  if (db_commit(db) != SQLITE_OK) {
    snprintf(err, errlen, "cannot commit demo data: %s", db_errmsg(db));
    goto done;
  }
  result = g->norgs;
done:
  if (in_tx) db_rollback(db);
  if (g) free(g->orgs);
  free(g);
  free(users);
  return result;
}

void demo_data_print_logins(FILE *out) {
  fprintf(out, "Demo logins (password for all: %s)\n", DEMO_DATA_PASSWORD);
  fprintf(out, "  %-26s %s\n", "admin@moa.example", "administrator: every consortium");
  for (int i = 1; i <= 25; i++) {
    char email[64];
    snprintf(email, sizeof email, "coord%02d@moa.example", i);
    fprintf(out, "  %-26s coordinator of consortium %d\n", email, i);
    snprintf(email, sizeof email, "member%02da@moa.example", i);
    fprintf(out, "  %-26s member of consortium %d\n", email, i);
    snprintf(email, sizeof email, "member%02db@moa.example", i);
    fprintf(out, "  %-26s member of consortium %d\n", email, i);
  }
}
