/* The rule extractor (see programme_rules.h): structured feed fields first, then a small library
 * of Korean sentence patterns. Written by hand: no library reads 공고문 Korean, and the patterns
 * are few and must stay explainable (each rule quotes the sentence it came from). Pure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "storage/company_profile.h"
#include "storage/programme_rules.h"
#include "storage/programme_text.h"
#include "storage/tsv.h"

/* One extraction: the output set and where the current rules come from. */
typedef struct px {
  pr_set *out;
  pr_origin origin;
  const char *evidence; /* the field "name: value" or the sentence */
  int oom;
} px;

/* Copies s into dst (len bytes) cut at a character boundary. */
static void px__copy(char *dst, size_t len, const char *s, size_t n) {
  n = utf8_cut(s, n, len - 1);
  memcpy(dst, s, n);
  dst[n] = '\0';
}

/* Records a dropped candidate: fmt has two %s, filled with a and b cut to 90 bytes each (at a
 * character boundary, so the reason stays UTF-8). */
static void px__drop(px *x, const char *fmt, const char *a, const char *b) {
  if (x->out->ndropped == x->out->dropped_cap) {
    size_t cap = x->out->dropped_cap ? x->out->dropped_cap * 2 : 4;
    char(*p)[PR_REASON_MAX] = realloc(x->out->dropped, cap * sizeof *p);
    if (!p) {
      x->oom = 1;
      return;
    }
    x->out->dropped = p, x->out->dropped_cap = cap;
  }
  char ca[91], cb[91];
  px__copy(ca, sizeof ca, a, strlen(a));
  px__copy(cb, sizeof cb, b, strlen(b));
  snprintf(x->out->dropped[x->out->ndropped++], PR_REASON_MAX, fmt, ca, cb);
}

/* Adds a rule after its check; a rule failing the check is dropped with the reason. */
static void px__add(px *x, const char *attr, elig_op op, const char *list, int64_t lo, int64_t hi,
                    elig_strength strength, int grp) {
  pr_rule r = {.op = op, .lo = lo, .hi = hi, .strength = strength, .grp = grp, .origin = x->origin};
  snprintf(r.attr, sizeof r.attr, "%s", attr);
  if (list) px__copy(r.list, sizeof r.list, list, strlen(list));
  px__copy(r.evidence, sizeof r.evidence, x->evidence, strlen(x->evidence));
  char err[PR_REASON_MAX];
  if (pr_rule_check(&r, err, sizeof err) < 0) {
    px__drop(x, "%s (from \"%s\")", err, x->evidence);
    return;
  }
  if (pr_set_add(x->out, &r) < 0) x->oom = 1;
}

static int px__new_grp(px *x) { return x->out->next_grp++; }

/* ---- structured fields ----------------------------------------------------------------------- */

/* An SME24 number field ("10000000000", "20,000,000"); false when absent, not a number or negative
 * (dropped with the reason). */
static bool px__number(px *x, const programme_item *it, const char *key, int64_t *out) {
  const char *v = programme_item_get_attr(it, key);
  if (!v || !*v || strcmp(v, "null") == 0) return false;
  char digits[24];
  size_t n = 0;
  for (const char *p = v; *p; p++) {
    if (*p == ',') continue;
    if (n + 1 >= sizeof digits) n = sizeof digits; /* too long: fails below */
    if (n < sizeof digits) digits[n++] = *p;
  }
  if (n >= sizeof digits || n == 0) goto bad;
  digits[n] = '\0';
  if (tsv_parse_int(digits, 0, INT64_MAX, out) < 0) goto bad;
  return true;
bad:
  px__drop(x, "%s: \"%s\" is not a whole number of at least 0", key, v);
  return false;
}

static void px__evidence(char *buf, size_t len, const char *key, const char *value) {
  snprintf(buf, len, "%s: %s", key, value);
}

/* A numeric pair (min, max) into attr: between, ge or le (lt when max_exclusive). */
static void px__range(px *x, const programme_item *it, const char *kmin, const char *kmax, const char *attr,
                      bool max_exclusive) {
  int64_t lo = -1, hi = -1;
  bool has_lo = px__number(x, it, kmin, &lo), has_hi = px__number(x, it, kmax, &hi);
  char ev[PR_EVIDENCE_MAX];
  if (has_lo && has_hi && lo > hi) {
    px__drop(x, "%s: %s", attr, "the minimum is above the maximum");
    return;
  }
  if (has_lo && lo > 0) {
    px__evidence(ev, sizeof ev, kmin, programme_item_get_attr(it, kmin));
    x->evidence = ev;
    px__add(x, attr, OP_GE, NULL, lo, 0, RULE_REQUIRED, 0);
  }
  if (has_hi) {
    px__evidence(ev, sizeof ev, kmax, programme_item_get_attr(it, kmax));
    x->evidence = ev;
    px__add(x, attr, max_exclusive ? OP_LT : OP_LE, NULL, 0, hi, RULE_REQUIRED, 0);
  }
}

/* 중소벤처24 company scale codes: sizes, or (창업기업, 예비창업자) other attributes, OR-ed. */
static void px__scale(px *x, const char *v) {
  static const struct {
    const char *code, *sizes;
  } scales[] = {
      {"CC10", "solo|micro|small|medium"}, {"CC20", "midsize"}, {"CC30", "solo|micro"}, {"CC50", "solo"}};
  char sizes[PR_LIST_MAX] = "";
  bool startup = false, prestartup = false;
  for (const char *p = v; *p;) {
    size_t n = strcspn(p, "|,");
    bool known = false;
    for (size_t i = 0; i < sizeof scales / sizeof *scales; i++)
      if (n == 4 && memcmp(p, scales[i].code, 4) == 0) {
        known = true;
        for (const char *s = scales[i].sizes; *s;) { /* union, no repeats */
          size_t l = strcspn(s, "|");
          char one[16];
          snprintf(one, sizeof one, "%.*s", (int)l, s);
          bool have = false;
          for (const char *q = sizes; *q;) {
            size_t m = strcspn(q, "|");
            have |= m == l && memcmp(q, s, l) == 0;
            q += m + (q[m] ? 1 : 0);
          }
          if (!have)
            snprintf(sizes + strlen(sizes), sizeof sizes - strlen(sizes), "%s%s", *sizes ? "|" : "", one);
          s += l + (s[l] ? 1 : 0);
        }
      }
    if (n == 4 && memcmp(p, "CC60", 4) == 0) known = startup = true;
    if (n == 4 && memcmp(p, "CC70", 4) == 0) known = prestartup = true;
    if (!known && n) {
      char code[16];
      px__copy(code, sizeof code, p, n);
      px__drop(x, "cmpScaleCd: unknown code \"%s\"%s", code, "");
    }
    p += n + (p[n] ? 1 : 0);
  }
  int parts = (*sizes != 0) + startup + prestartup;
  if (!parts) return;
  int grp = parts > 1 ? px__new_grp(x) : 0;
  if (*sizes) px__add(x, "size", OP_IN, sizes, 0, 0, RULE_REQUIRED, grp);
  if (startup) px__add(x, "age_years", OP_LT, NULL, 0, 7, RULE_REQUIRED, grp); /* 창업기업: under 7 years */
  if (prestartup) px__add(x, "prestartup", OP_IS_TRUE, NULL, 0, 0, RULE_REQUIRED, grp);
}

/* 중소벤처24 certification codes; several are OR-ed (any one of them). */
static void px__certs(px *x, const char *v) {
  static const struct {
    const char *code, *attr;
    elig_op op;
    const char *list;
  } certs[] = {{"EC01", "export_promising", OP_IS_TRUE, NULL},  {"EC02", "female_owned", OP_IS_TRUE, NULL},
               {"EC03", "disabled_owned", OP_IS_TRUE, NULL},    {"EC06", "innobiz", OP_IS_TRUE, NULL},
               {"EC07", "mainbiz", OP_IS_TRUE, NULL},           {"EC08", "venture", OP_IS_TRUE, NULL},
               {"EC10", "social_enterprise", OP_IS_TRUE, NULL}, {"EC11", "lab", OP_IN, "institute"},
               {"EC14", "root_industry", OP_IS_TRUE, NULL}};
  int found[16], nfound = 0;
  for (const char *p = v; *p;) {
    size_t n = strcspn(p, "|,");
    bool known = false;
    for (size_t i = 0; i < sizeof certs / sizeof *certs; i++)
      if (n == 4 && memcmp(p, certs[i].code, 4) == 0) {
        known = true;
        if (nfound < 16) found[nfound++] = (int)i;
      }
    if (!known && n) {
      char code[16];
      px__copy(code, sizeof code, p, n);
      px__drop(x, "needCrtfnCd: \"%s\"%s has no company attribute", code, "");
    }
    p += n + (p[n] ? 1 : 0);
  }
  int grp = nfound > 1 ? px__new_grp(x) : 0;
  for (int i = 0; i < nfound; i++)
    px__add(x, certs[found[i]].attr, certs[found[i]].op, certs[found[i]].list, 0, 0, RULE_REQUIRED, grp);
}

/* Industry names (중소벤처24 induty, 기업마당 industNm without a range) to KSIC sections. */
static const struct {
  const char *name;
  char section;
} px_industries[] = {{"농업", 'A'},           {"광업", 'B'},   {"제조업", 'C'},     {"건설업", 'F'},
                     {"도매 및 소매업", 'G'}, {"운수", 'H'},   {"숙박", 'I'},       {"정보통신업", 'J'},
                     {"금융", 'K'},           {"부동산", 'L'}, {"전문, 과학", 'M'}, {"사업시설", 'N'},
                     {"교육 서비스", 'P'},    {"보건업", 'Q'}, {"예술", 'R'}};

/* A list of industries ("제조업(10~34)@전문, 과학 및 기술 서비스업(70~73)", or names alone) as KSIC
 * prefixes "C10|...|C34|M70|..." (a section letter alone when no range is given). */
static void px__industries(px *x, const char *key, const char *v) {
  char list[PR_LIST_MAX] = "";
  for (const char *p = v; *p;) {
    size_t n = strcspn(p, "@|");
    char one[128];
    px__copy(one, sizeof one, p, n);
    int lo, hi;
    const char *paren = strchr(one, '(');
    char piece[PR_LIST_MAX] = "";
    if (paren && sscanf(paren, "(%d~%d)", &lo, &hi) == 2) {
      if (lo < 1 || hi > 99 || lo > hi) {
        px__drop(x, "%s: division range in \"%s\" is not a KSIC range", key, one);
      } else {
        for (int d = lo; d <= hi; d++) {
          char sec = cp_ksic_section(d);
          size_t l = strlen(piece);
          if (sec) snprintf(piece + l, sizeof piece - l, "%s%c%02d", l ? "|" : "", sec, d);
        }
      }
    } else {
      for (size_t i = 0; i < sizeof px_industries / sizeof *px_industries; i++)
        if (strstr(one, px_industries[i].name)) {
          snprintf(piece, sizeof piece, "%c", px_industries[i].section);
          break;
        }
      if (!*piece && *one) px__drop(x, "%s: unknown industry \"%s\"", key, one);
    }
    size_t l = strlen(list);
    if (*piece && l + strlen(piece) + 2 < sizeof list)
      snprintf(list + l, sizeof list - l, "%s%s", l ? "|" : "", piece);
    p += n + (p[n] ? 1 : 0);
  }
  if (*list) px__add(x, "ksic", OP_PREFIX_IN, list, 0, 0, RULE_REQUIRED, 0);
}

/* A region list ("서울@부산", "충남|충북"): a rule unless nationwide (전국, or all 17). */
static void px__regions(px *x, const char *key, const char *v) {
  char *regions = ptext_regions(v, "@|, ");
  if (!regions) {
    x->oom = 1;
    return;
  }
  int n = 0;
  for (const char *p = regions; *p; p++) n += *p == '|';
  if (*regions && strcmp(regions, "전국") != 0 && !strstr(regions, "전국") && n + 1 < 17)
    px__add(x, "region", OP_IN, regions, 0, 0, RULE_REQUIRED, 0);
  else if (!*regions)
    px__drop(x, "%s: no region in \"%s\"", key, v);
  free(regions);
}

static void px__structured(px *x, feed_source src, const programme_item *it) {
  char ev[PR_EVIDENCE_MAX];
  const char *v;
#define FIELD(key) \
  ((v = programme_item_get_attr(it, key)) && *v && (px__evidence(ev, sizeof ev, key, v), x->evidence = ev))
  if (src == FEED_SMES24) {
    if (FIELD("cmpScaleCd")) px__scale(x, v);
    px__range(x, it, "minSalsAmt", "maxSalsAmt", "revenue", false);
    px__range(x, it, "minEmplyCnt", "mixEmplyCnt", "employees", false); /* "mix": sic, the API's name */
    px__range(x, it, "minAblbiz", "maxAblbiz", "age_years", true);      /* codes say "3년미만" */
    px__range(x, it, "minRpsntAge", "maxRpsntAge", "ceo_age", false);
    if (FIELD("induty")) px__industries(x, "induty", v);
    if (FIELD("needCrtfnCd")) px__certs(x, v);
    if (FIELD("fmleRpsntYn") && strcmp(v, "Y") == 0)
      px__add(x, "female_owned", OP_IS_TRUE, NULL, 0, 0, RULE_REQUIRED, 0);
    if (FIELD("fntnYn") && strcmp(v, "Y") == 0)
      px__add(x, "prestartup", OP_IS_TRUE, NULL, 0, 0, RULE_REQUIRED, 0);
    if (FIELD("refntnYn") && strcmp(v, "Y") == 0)
      px__add(x, "restart", OP_IS_TRUE, NULL, 0, 0, RULE_REQUIRED, 0);
    if (FIELD("areaNm")) px__regions(x, "areaNm", v);
  } else if (src == FEED_BIZINFO_JSON || src == FEED_BIZINFO_RSS) {
    if (FIELD("industNm")) px__industries(x, "industNm", v);
    if (FIELD("areaNm")) px__regions(x, "areaNm", v);
  }
#undef FIELD
}

/* ---- sentence patterns ----------------------------------------------------------------------- */

typedef struct px_unit {
  const char *text;
  int64_t scale; /* 0: a unit the profile cannot express (dropped) */
} px_unit;

static const px_unit px_years[] = {{"년", 1}, {"개월", 0}, {NULL, 0}};
static const px_unit px_won[] = {{"조", INT64_C(1000000000000)},
                                 {"억원", 100000000},
                                 {"억 원", 100000000},
                                 {"억", 100000000},
                                 {"천만원", 10000000},
                                 {"천만 원", 10000000},
                                 {"백만원", 1000000},
                                 {"백만 원", 1000000},
                                 {"만원", 10000},
                                 {"만 원", 10000},
                                 {"원", 1},
                                 {NULL, 0}};
static const px_unit px_people[] = {{"인", 1}, {"명", 1}, {NULL, 0}};
static const px_unit px_usd[] = {{"백만 달러", 1000000},
                                 {"백만달러", 1000000},
                                 {"만 달러", 10000},
                                 {"만달러", 10000},
                                 {"만불", 10000},
                                 {"달러", 1},
                                 {"불", 1},
                                 {"USD", 1},
                                 {NULL, 0}};

static const char *px__skip_spaces(const char *p) {
  while (*p == ' ') p++;
  return p;
}

static bool px__starts(const char *p, const char *w) { return strncmp(p, w, strlen(w)) == 0; }

/* A number at p ("100", "1,000", "1.5"), in thousandths; NULL when none or too large. */
static const char *px__num(const char *p, int64_t *milli) {
  int64_t v = 0;
  int digits = 0;
  for (; (*p >= '0' && *p <= '9') || (*p == ',' && digits && p[1] >= '0' && p[1] <= '9'); p++) {
    if (*p == ',') continue;
    if (++digits > 15) return NULL;
    v = v * 10 + (*p - '0');
  }
  if (!digits) return NULL;
  v *= 1000;
  if (*p == '.' && p[1] >= '0' && p[1] <= '9') {
    int64_t f = 100;
    for (p++; *p >= '0' && *p <= '9'; p++, f /= 10) v += f * (*p - '0');
  }
  *milli = v;
  return p;
}

/* A bound word at p: 미만 (lt), 이하/이내/까지 (le), 이상 (ge), 초과 (gt as ge + 1). */
static bool px__bound(const char *p, elig_op *op, int *plus) {
  p = px__skip_spaces(p);
  *plus = 0;
  if (px__starts(p, "미만")) return *op = OP_LT, true;
  if (px__starts(p, "이하") || px__starts(p, "이내") || px__starts(p, "까지")) return *op = OP_LE, true;
  if (px__starts(p, "이상")) return *op = OP_GE, true;
  if (px__starts(p, "초과")) return *op = OP_GE, *plus = 1, true;
  return false;
}

/* "N unit bound" at p (the number's first digit): the rule on attr. */
static void px__quantity(px *x, const char *p, const px_unit *units, const char *attr, elig_strength st) {
  int64_t milli;
  const char *q = px__num(p, &milli);
  if (!q) return;
  q = px__skip_spaces(q);
  const px_unit *u = units;
  for (; u->text && !px__starts(q, u->text); u++) continue;
  if (!u->text) return;
  elig_op op;
  int plus;
  if (!px__bound(q + strlen(u->text), &op, &plus)) return;
  if (u->scale == 0) {
    px__drop(x, "%s: \"%s\" is not in whole years", attr, u->text);
    return;
  }
  int64_t whole = milli / 1000, frac = milli % 1000;
  if (whole > INT64_MAX / u->scale - 1) {
    px__drop(x, "%s: the amount in \"%s\" is absurd", attr, x->evidence);
    return;
  }
  int64_t v = whole * u->scale + frac * u->scale / 1000 + plus;
  if (op == OP_GE)
    px__add(x, attr, OP_GE, NULL, v, 0, st, 0);
  else
    px__add(x, attr, op, NULL, 0, v, st, 0);
}

/* For every keyword of keys in s: the first number within 16 bytes after it, as a quantity. */
static void px__after_keywords(px *x, const char *s, const char *const *keys, const px_unit *units,
                               const char *attr, elig_strength st) {
  for (const char *const *k = keys; *k; k++)
    for (const char *p = strstr(s, *k); p; p = strstr(p + 1, *k)) {
      const char *q = p + strlen(*k);
      for (int i = 0; i < 16 && *q && !(*q >= '0' && *q <= '9'); i++, q++) continue;
      if (*q >= '0' && *q <= '9') px__quantity(x, q, units, attr, st);
    }
}

/* "N년 이내 창업기업": a number of years with its bound just before a founding word. */
static void px__years_before(px *x, const char *s, elig_strength st) {
  for (const char *p = strstr(s, "창업"); p; p = strstr(p + 1, "창업")) {
    const char *start = p - 16 < s ? s : p - 16;
    for (const char *q = start; q < p; q++)
      if (*q >= '0' && *q <= '9' && (q == s || q[-1] < '0' || q[-1] > '9')) {
        px__quantity(x, q, px_years, "age_years", st);
        break;
      }
  }
}

/* "만 39세 이하": the representative's age (with "만" before the number, or "대표" in the sentence). */
static void px__ceo_age(px *x, const char *s, elig_strength st) {
  for (const char *p = strstr(s, "세"); p; p = strstr(p + 1, "세")) {
    const char *q = p;
    while (q > s && q[-1] == ' ') q--;
    const char *d = q;
    while (d > s && ((d[-1] >= '0' && d[-1] <= '9'))) d--;
    if (d == q) continue;
    const char *m = d;
    while (m > s && m[-1] == ' ') m--;
    bool man = m - s >= 3 && memcmp(m - 3, "만", 3) == 0;
    if (!man && !strstr(s, "대표")) continue;
    static const px_unit age[] = {{"세", 1}, {NULL, 0}};
    px__quantity(x, d, age, "ceo_age", st);
  }
}

/* True when word occurs in s not preceded by one of before[] nor followed by one of after[]. */
static bool px__mentions(const char *s, const char *word, const char *const *before,
                         const char *const *after) {
  for (const char *p = strstr(s, word); p; p = strstr(p + 1, word)) {
    bool ok = true;
    for (const char *const *b = before; ok && b && *b; b++) {
      size_t n = strlen(*b);
      ok = !((size_t)(p - s) >= n && memcmp(p - n, *b, n) == 0);
    }
    for (const char *const *a = after; ok && a && *a; a++) ok = !px__starts(p + strlen(word), *a);
    if (ok) return true;
  }
  return false;
}

/* Company size words: the union of the sizes the sentence names, as one rule. */
static void px__sizes(px *x, const char *s, elig_strength st) {
  static const char *const agency[] = {"진흥", "청", "중앙회", "유통", "기술정보", "벤처", "부", NULL};
  static const char *const non[] = {"비", NULL};
  bool sme = px__mentions(s, "중소기업", non, agency), small = px__mentions(s, "소상공인", NULL, agency);
  bool mid = px__mentions(s, "중견기업", NULL, agency);
  bool solo = strstr(s, "1인 창조기업") || strstr(s, "1인기업");
  if (!sme && !small && !mid && !solo) return;
  char list[64];
  snprintf(list, sizeof list, "%s%s%s",
           sme     ? "solo|micro|small|medium"
           : small ? "solo|micro"
                   : "solo",
           mid ? "|midsize" : "", "");
  if (!sme && !small && !solo) snprintf(list, sizeof list, "midsize");
  px__add(x, "size", OP_IN, list, 0, 0, st, 0);
}

/* Certifications: several named in one required sentence are OR-ed ("벤처기업 또는 이노비즈"). */
static void px__certs_text(px *x, const char *s, elig_strength st) {
  static const char *const before[] = {"중소", "·", NULL};
  static const char *const after[] = {"부", "협회", NULL};
  const char *attrs[3];
  int n = 0;
  if (px__mentions(s, "벤처기업", before, after) || strstr(s, "벤처확인") || strstr(s, "벤처 확인"))
    attrs[n++] = "venture";
  if (strstr(s, "이노비즈")) attrs[n++] = "innobiz";
  if (strstr(s, "메인비즈")) attrs[n++] = "mainbiz";
  int grp = n > 1 && st == RULE_REQUIRED ? px__new_grp(x) : 0;
  for (int i = 0; i < n; i++) px__add(x, attrs[i], OP_IS_TRUE, NULL, 0, 0, st, grp);
}

static void px__flags(px *x, const char *s, elig_strength st) {
  static const struct {
    const char *word, *attr;
  } flags[] = {{"여성기업", "female_owned"},     {"여성대표", "female_owned"},
               {"장애인기업", "disabled_owned"}, {"사회적기업", "social_enterprise"},
               {"뿌리기업", "root_industry"},    {"뿌리기술", "root_industry"},
               {"소재·부품·장비", "sobujang"},   {"소부장", "sobujang"},
               {"수출유망", "export_promising"}, {"재창업", "restart"}};
  for (size_t i = 0; i < sizeof flags / sizeof *flags; i++)
    if (strstr(s, flags[i].word)) px__add(x, flags[i].attr, OP_IS_TRUE, NULL, 0, 0, st, 0);
  bool inst = strstr(s, "기업부설연구소") || strstr(s, "부설연구소");
  bool dept = strstr(s, "전담부서") != NULL;
  if (inst || dept) px__add(x, "lab", OP_IN, dept ? "dept|institute" : "institute", 0, 0, st, 0);
}

/* "수출실적 보유" (some exports), "수출실적이 없는" (none), "수출액 100만 달러 이상" (an amount). */
static void px__exports(px *x, const char *s, elig_strength st) {
  static const char *const keys[] = {"수출액", "수출실적", "수출 실적", NULL};
  size_t before = x->out->n;
  px__after_keywords(x, s, keys, px_usd, "export_usd", st);
  if (x->out->n != before) return;
  const char *p = strstr(s, "수출실적");
  if (!p) p = strstr(s, "수출 실적");
  if (!p) return;
  const char *none = strstr(p, "없");
  if (none && none - p < 24)
    px__add(x, "export_usd", OP_LE, NULL, 0, 0, st, 0);
  else
    px__add(x, "export_usd", OP_GE, NULL, 1, 0, st, 0);
}

/* "부산·울산 소재", "비수도권 소재", "본사 또는 공장이 경남 소재": the 시도 named before 소재. */
static void px__region_text(px *x, const char *s, elig_strength st) {
  const char *at = strstr(s, "소재");
  if (!at || px__starts(at, "소재·") || px__starts(at, "소재 ·") || px__starts(at, "소재부품")) return;
  size_t n = (size_t)(at - s);
  char *prefix = malloc(n + 1);
  if (!prefix) {
    x->oom = 1;
    return;
  }
  size_t k = 0;
  for (size_t i = 0; i < n; i++) { /* "·" (U+00B7) separates 시도 too */
    if ((unsigned char)s[i] == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xB7) {
      prefix[k++] = ',', i++;
    } else {
      prefix[k++] = s[i];
    }
  }
  prefix[k] = '\0';
  const char *list = NULL;
  elig_op op = OP_IN;
  char *regions = NULL;
  if (strstr(prefix, "비수도권"))
    list = "서울|인천|경기", op = OP_NOT_IN;
  else if (strstr(prefix, "수도권"))
    list = "서울|인천|경기";
  else if (!(regions = ptext_regions(prefix, " ,/()")))
    x->oom = 1;
  else if (*regions && !strstr(regions, "전국"))
    list = regions;
  if (list) {
    bool plants = st == RULE_REQUIRED && (strstr(prefix, "공장") || strstr(prefix, "사업장"));
    int grp = plants ? px__new_grp(x) : 0;
    px__add(x, "region", op, list, 0, 0, st, grp);
    if (plants) px__add(x, "plant_regions", op == OP_IN ? OP_HAS_ANY : OP_NOT_IN, list, 0, 0, st, grp);
  }
  free(regions);
  free(prefix);
}

/* Exclusions: 체납 (arrears) is one; 휴·폐업, 채무불이행, 부도 and 참여제한 have no attribute. */
static void px__exclusions(px *x, const char *s, elig_strength st) {
  const char *p = strstr(s, "체납");
  if (p) {
    const char *none = strstr(p, "없");
    if (none && none - p < 24)
      px__add(x, "arrears", OP_IS_FALSE, NULL, 0, 0, RULE_REQUIRED, 0);
    else
      px__add(x, "arrears", OP_IS_TRUE, NULL, 0, 0, RULE_EXCLUDED, 0);
  }
  if (st != RULE_EXCLUDED) return;
  static const char *const none[] = {"휴·폐업",    "휴폐업", "폐업",     "휴업",
                                     "채무불이행", "부도",   "참여제한", "참여 제한"};
  for (size_t i = 0; i < sizeof none / sizeof *none; i++)
    if (strstr(s, none[i])) {
      px__drop(x, "%s: the company profile has no attribute for it (from \"%s\")", none[i], s);
      return;
    }
}

/* 제조업 (not 비제조업) as KSIC section C. */
static void px__industry_text(px *x, const char *s, elig_strength st) {
  static const char *const non[] = {"비", "비 ", NULL};
  if (px__mentions(s, "제조업", non, NULL) || px__mentions(s, "제조기업", non, NULL))
    px__add(x, "ksic", OP_PREFIX_IN, "C", 0, 0, st, 0);
}

static void px__sentence(px *x, const char *s, elig_strength base) {
  elig_strength st = base;
  if (base == RULE_REQUIRED) {
    if (strstr(s, "제외") || strstr(s, "불가") || strstr(s, "신청 제한") || strstr(s, "지원 제한"))
      st = RULE_EXCLUDED;
    else if (strstr(s, "우대") || strstr(s, "가점") || strstr(s, "우선"))
      st = RULE_PREFERRED;
  }
  x->evidence = s;
  static const char *const age_keys[] = {"업력", "창업", "설립", "법인", NULL};
  static const char *const revenue_keys[] = {"매출", NULL};
  static const char *const people_keys[] = {"근로자", "종업원", "직원", "고용인원", NULL};
  px__after_keywords(x, s, age_keys, px_years, "age_years", st);
  px__years_before(x, s, st);
  px__ceo_age(x, s, st);
  px__after_keywords(x, s, revenue_keys, px_won, "revenue", st);
  px__after_keywords(x, s, people_keys, px_people, "employees", st);
  px__exports(x, s, st);
  px__sizes(x, s, st);
  px__certs_text(x, s, st);
  px__flags(x, s, st);
  px__region_text(x, s, st);
  px__industry_text(x, s, st);
  px__exclusions(x, s, st);
}

/* Splits text into sentences (lines, ';', ". ") and reads each, bullets and spaces trimmed. */
static void px_patterns(px *x, const char *text, elig_strength base) {
  size_t n = strlen(text);
  char *buf = malloc(n + 1);
  if (!buf) {
    x->oom = 1;
    return;
  }
  memcpy(buf, text, n + 1);
  for (char *p = buf; *p;) {
    size_t len = 0;
    while (p[len] && p[len] != '\n' && p[len] != '\r' && p[len] != ';' &&
           !(p[len] == '.' && (p[len + 1] == ' ' || p[len + 1] == '\0') &&
             !(len && p[len - 1] >= '0' && p[len - 1] <= '9')))
      len++;
    char *next = p + len + (p[len] ? 1 : 0);
    p[len] = '\0';
    while (*p == ' ' || *p == '-' || *p == '*') p++; /* bullets */
    if (px__starts(p, "•") || px__starts(p, "○") || px__starts(p, "□") || px__starts(p, "ㅇ")) p += 3;
    char *end = p + strlen(p);
    while (end > p && end[-1] == ' ') *--end = '\0';
    if (*p) px__sentence(x, p, base);
    p = next;
  }
  free(buf);
}

int pr_extract(feed_source src, const programme_item *it, pr_set *out) {
  px x = {.out = out, .origin = PR_ORIGIN_STRUCTURED, .evidence = ""};
  px__structured(&x, src, it);
  x.origin = PR_ORIGIN_PATTERN;
  /* required unless the sentence says otherwise; K-Startup's own fields say it for all of theirs */
  /* K-Startup's target (aply_trgt, "대학생, 일반인") is a list of applicant kinds, not a sentence */
  const char *texts[] = {it->title, src == FEED_KSTARTUP ? NULL : it->target, it->summary,
                         src == FEED_KSTARTUP ? programme_item_get_attr(it, "aply_trgt_ctnt") : NULL};
  for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
    if (texts[i] && *texts[i]) px_patterns(&x, texts[i], RULE_REQUIRED);
  if (src == FEED_KSTARTUP) {
    const char *excl = programme_item_get_attr(it, "aply_excl_trgt_ctnt");
    const char *pref = programme_item_get_attr(it, "prfn_matr");
    if (excl && *excl) px_patterns(&x, excl, RULE_EXCLUDED);
    if (pref && *pref) px_patterns(&x, pref, RULE_PREFERRED);
  }
  return x.oom ? -1 : 0;
}
