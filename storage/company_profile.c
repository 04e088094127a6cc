/* The company profile's attribute table, the check of one value, and the evaluator's view of a
 * profile (see company_profile.h). Pure: no database, no clock (today is a parameter). */
#include "storage/company_profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"

#define WON_MAX INT64_C(1000000000000000) /* ₩1,000조: more than any company's revenue or assets */

/* Rows leave their trailing fields (options, bounds) zero when they have none; clang's
 * -Wmissing-field-initializers (the fuzz build) would refuse the table. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const cp_attr_def cp_attrs[CP_ATTR_COUNT] = {
    [CP_BIZ_NO] = {"biz_no", CP_GROUP_BASIC, CP_T_BIZNO},
    [CP_LEGAL_FORM] = {"legal_form", CP_GROUP_BASIC, CP_T_ENUM, "corporation|individual"},
    [CP_FOUNDED] = {"founded", CP_GROUP_BASIC, CP_T_DATE},
    [CP_PRESTARTUP] = {"prestartup", CP_GROUP_BASIC, CP_T_BOOL},
    [CP_RESTART] = {"restart", CP_GROUP_BASIC, CP_T_BOOL},
    [CP_SIZE] = {"size", CP_GROUP_SCALE, CP_T_ENUM, "solo|micro|small|medium|midsize|large"},
    [CP_REVENUE] = {"revenue", CP_GROUP_SCALE, CP_T_INT, NULL, 0, WON_MAX, "won"},
    [CP_REVENUE_AVG3] = {"revenue_avg3", CP_GROUP_SCALE, CP_T_INT, NULL, 0, WON_MAX, "won"},
    [CP_TOTAL_ASSETS] = {"total_assets", CP_GROUP_SCALE, CP_T_INT, NULL, 0, WON_MAX, "won"},
    [CP_EMPLOYEES] = {"employees", CP_GROUP_SCALE, CP_T_INT, NULL, 0, 1000000, "people"},
    [CP_YOUTH_EMPLOYEES] = {"youth_employees", CP_GROUP_SCALE, CP_T_INT, NULL, 0, 1000000, "people"},
    [CP_EXPORT_USD] = {"export_usd", CP_GROUP_SCALE, CP_T_INT, NULL, 0, INT64_C(1000000000000), "usd"},
    [CP_EXPORT_COUNTRIES] = {"export_countries", CP_GROUP_SCALE, CP_T_COUNTRY_LIST},
    [CP_PATENTS] = {"patents", CP_GROUP_SCALE, CP_T_INT, NULL, 0, 100000, "count"},
    [CP_RND_RATIO] = {"rnd_ratio", CP_GROUP_SCALE, CP_T_INT, NULL, 0, 100, "percent"},
    [CP_KSIC] = {"ksic", CP_GROUP_INDUSTRY, CP_T_KSIC},
    [CP_KSIC_SUB] = {"ksic_sub", CP_GROUP_INDUSTRY, CP_T_KSIC_LIST},
    [CP_REGION] = {"region", CP_GROUP_INDUSTRY, CP_T_SIDO},
    [CP_PLANT_REGIONS] = {"plant_regions", CP_GROUP_INDUSTRY, CP_T_SIDO_LIST},
    [CP_SMART_FACTORY] = {"smart_factory", CP_GROUP_INDUSTRY, CP_T_ENUM, "none|basic|intermediate|advanced"},
    [CP_VENTURE] = {"venture", CP_GROUP_CERT, CP_T_CERT},
    [CP_INNOBIZ] = {"innobiz", CP_GROUP_CERT, CP_T_CERT},
    [CP_MAINBIZ] = {"mainbiz", CP_GROUP_CERT, CP_T_CERT},
    [CP_LAB] = {"lab", CP_GROUP_CERT, CP_T_ENUM, "none|dept|institute"},
    [CP_SOCIAL_ENTERPRISE] = {"social_enterprise", CP_GROUP_CERT, CP_T_BOOL},
    [CP_EXPORT_PROMISING] = {"export_promising", CP_GROUP_CERT, CP_T_BOOL},
    [CP_ROOT_INDUSTRY] = {"root_industry", CP_GROUP_CERT, CP_T_BOOL},
    [CP_SOBUJANG] = {"sobujang", CP_GROUP_CERT, CP_T_BOOL},
    [CP_CEO_BIRTH] = {"ceo_birth", CP_GROUP_OTHER, CP_T_BIRTH},
    [CP_CEO_GENDER] = {"ceo_gender", CP_GROUP_OTHER, CP_T_ENUM, "female|male"},
    [CP_FEMALE_OWNED] = {"female_owned", CP_GROUP_OTHER, CP_T_BOOL},
    [CP_DISABLED_OWNED] = {"disabled_owned", CP_GROUP_OTHER, CP_T_BOOL},
    [CP_HISTORY] = {"history", CP_GROUP_OTHER, CP_T_HISTORY},
    [CP_ARREARS] = {"arrears", CP_GROUP_OTHER, CP_T_BOOL},
};
#pragma GCC diagnostic pop

/* The 17 시도 as the feeds and the reference data write them. */
static const char *const cp_sido[] = {"서울", "부산", "대구", "인천", "광주", "대전", "울산", "세종", "경기",
                                      "강원", "충북", "충남", "전북", "전남", "경북", "경남", "제주"};

/* KSIC (10th revision) sections and the divisions (first two digits) each holds. */
static const struct {
  char section;
  int lo, hi;
} cp_ksic_sections[] = {
    {'A', 1, 3},   {'B', 5, 8},   {'C', 10, 34}, {'D', 35, 35}, {'E', 36, 39}, {'F', 41, 42}, {'G', 45, 47},
    {'H', 49, 52}, {'I', 55, 56}, {'J', 58, 63}, {'K', 64, 66}, {'L', 68, 68}, {'M', 70, 73}, {'N', 74, 76},
    {'O', 84, 84}, {'P', 85, 85}, {'Q', 86, 87}, {'R', 90, 91}, {'S', 94, 96}, {'T', 97, 98}, {'U', 99, 99}};

const cp_attr_def *cp_attr_info(cp_attr a) { return a >= 0 && a < CP_ATTR_COUNT ? &cp_attrs[a] : NULL; }

int cp_attr_find(const char *key) {
  for (int i = 0; key && i < CP_ATTR_COUNT; i++)
    if (strcmp(cp_attrs[i].key, key) == 0) return i;
  return -1;
}

const char *cp_group_key(cp_group g) {
  static const char *const k[] = {"basic", "scale", "industry", "cert", "other"};
  return g >= 0 && g <= CP_GROUP_OTHER ? k[g] : "";
}

const char *cp_source_key(cp_source s) { return s == CP_SOURCE_IMPORTED ? "imported" : "entered"; }

int cp_source_find(const char *key) {
  if (!key) return -1;
  return strcmp(key, "entered") == 0    ? CP_SOURCE_ENTERED
         : strcmp(key, "imported") == 0 ? CP_SOURCE_IMPORTED
                                        : -1;
}

/* ---- pieces ---------------------------------------------------------------------------------- */

static bool cp__date(const char *s) {
  static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-') return false;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return false;
  int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return y >= 1900 && m >= 1 && m <= 12 && d >= 1 && d <= mdays[m - 1] + (m == 2 && leap);
}

bool cp_bizno_valid(const char *s) {
  static const int w[9] = {1, 3, 7, 1, 3, 7, 1, 3, 5};
  int d[10], n = 0;
  size_t len = s ? strlen(s) : 0;
  if (len != 10 && !(len == 12 && s[3] == '-' && s[6] == '-')) return false;
  for (size_t i = 0; i < len; i++) {
    if (len == 12 && (i == 3 || i == 6)) continue;
    if (s[i] < '0' || s[i] > '9') return false;
    d[n++] = s[i] - '0';
  }
  if (n != 10) return false;
  int sum = 0;
  for (int i = 0; i < 9; i++) sum += d[i] * w[i];
  sum += d[8] * 5 / 10;
  return (10 - sum % 10) % 10 == d[9];
}

static bool cp__ksic(const char *s, size_t n) {
  if (n != 6) return false;
  for (size_t i = 1; i < 6; i++)
    if (s[i] < '0' || s[i] > '9') return false;
  int div = (s[1] - '0') * 10 + (s[2] - '0');
  for (size_t i = 0; i < sizeof cp_ksic_sections / sizeof *cp_ksic_sections; i++)
    if (cp_ksic_sections[i].section == s[0])
      return div >= cp_ksic_sections[i].lo && div <= cp_ksic_sections[i].hi;
  return false;
}

static bool cp__sido(const char *s, size_t n) {
  for (size_t i = 0; i < sizeof cp_sido / sizeof *cp_sido; i++)
    if (strlen(cp_sido[i]) == n && memcmp(cp_sido[i], s, n) == 0) return true;
  return false;
}

bool cp_sido_valid(const char *s, size_t n) { return s && cp__sido(s, n); }

char cp_ksic_section(int div) {
  for (size_t i = 0; i < sizeof cp_ksic_sections / sizeof *cp_ksic_sections; i++)
    if (div >= cp_ksic_sections[i].lo && div <= cp_ksic_sections[i].hi) return cp_ksic_sections[i].section;
  return 0;
}

static bool cp__country(const char *s, size_t n) {
  return n == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z';
}

static bool cp__in_options(const char *options, const char *v) {
  size_t n = strlen(v);
  for (const char *p = options; *p;) {
    size_t len = strcspn(p, "|");
    if (len == n && memcmp(p, v, n) == 0) return true;
    p += len;
    if (*p) p++;
  }
  return false;
}

/* Checks a '|' list element by element with ok(); no empty element, no duplicate, at most max.
 * Returns NULL, or what is wrong. */
static const char *cp__list(const char *v, bool (*ok)(const char *, size_t), int max, const char *what) {
  static _Thread_local char why[96];
  int count = 0;
  for (const char *p = v;;) {
    size_t len = strcspn(p, "|");
    if (len == 0) return "has an empty element (elements are joined with '|')";
    if (!ok(p, len)) {
      snprintf(why, sizeof why, "\"%.*s\" is not %s", (int)utf8_cut(p, len, 40), p, what);
      return why;
    }
    for (const char *q = v; q < p;) { /* duplicates */
      size_t l2 = strcspn(q, "|");
      if (l2 == len && memcmp(q, p, len) == 0) {
        snprintf(why, sizeof why, "lists \"%.*s\" twice", (int)utf8_cut(p, len, 40), p);
        return why;
      }
      q += l2 + 1;
    }
    if (++count > max) {
      snprintf(why, sizeof why, "has more than %d elements", max);
      return why;
    }
    p += len;
    if (!*p) return NULL;
    p++;
  }
}

/* One support-history entry: "YYYY name", year 1990..this year, name 1..100 bytes of text. */
static const char *cp__history(const char *v, const char *today) {
  static _Thread_local char why[128];
  int count = 0, this_year = atoi(today);
  for (const char *p = v;;) {
    size_t len = strcspn(p, "|");
    if (len < 6 || p[4] != ' ' || p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9' || p[2] < '0' ||
        p[2] > '9' || p[3] < '0' || p[3] > '9') {
      snprintf(why, sizeof why, "entry %d must be \"YYYY programme name\"", count + 1);
      return why;
    }
    int year = atoi(p);
    if (year < 1990 || year > this_year) {
      snprintf(why, sizeof why, "entry %d: the year must be from 1990 to %d", count + 1, this_year);
      return why;
    }
    if (len - 5 > 100) {
      snprintf(why, sizeof why, "entry %d: the name must be at most 100 bytes", count + 1);
      return why;
    }
    for (size_t i = 5; i < len; i++)
      if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f) {
        snprintf(why, sizeof why, "entry %d has a control character", count + 1);
        return why;
      }
    if (++count > 30) return "has more than 30 entries";
    p += len;
    if (!*p) return NULL;
    p++;
  }
}

/* Parses a whole number of at most 16 digits (no sign, no leading zero except "0"). */
static bool cp__digits(const char *s, int64_t *out) {
  size_t n = strlen(s);
  if (n == 0 || n > 16 || (n > 1 && s[0] == '0')) return false;
  int64_t v = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

/* The date years after d (same month and day), as text comparable with dates. */
static void cp__plus_years(const char *d, int years, char *out) {
  snprintf(out, CP_DATE_LEN, "%04d%s", atoi(d) + years, d + 4);
}

#define FAIL(...)                                                                            \
  do {                                                                                       \
    int n_ = snprintf(err, errlen, "%s: ", def->key);                                        \
    if (n_ > 0 && (size_t)n_ < errlen) snprintf(err + n_, errlen - (size_t)n_, __VA_ARGS__); \
    return -1;                                                                               \
  } while (0)

int cp_check(const cp_change *c, const char *today, char *canon, char *as_of, char *err, size_t errlen) {
  const cp_attr_def *def = cp_attr_info(c->attr);
  if (!def) {
    snprintf(err, errlen, "unknown attribute");
    return -1;
  }
  if (!cp__date(today)) {
    snprintf(err, errlen, "%s: no valid current date", def->key);
    return -1;
  }
  canon[0] = '\0';
  snprintf(as_of, CP_DATE_LEN, "%s", today);
  if (c->source != CP_SOURCE_ENTERED && c->source != CP_SOURCE_IMPORTED) FAIL("unknown source");
  if (!c->value) return 0; /* clearing */
  const char *v = c->value;
  if (c->as_of && *c->as_of) {
    if (!cp__date(c->as_of)) FAIL("as_of must be a date YYYY-MM-DD");
    if (strcmp(c->as_of, today) > 0) FAIL("as_of %s is in the future", c->as_of);
    snprintf(as_of, CP_DATE_LEN, "%s", c->as_of);
  }
  size_t len = strlen(v);
  if (len == 0) FAIL("is empty (clear it instead)");
  if (len >= CP_VALUE_MAX) FAIL("must be at most %d bytes", CP_VALUE_MAX - 1);
  bool has_window = (c->valid_from && *c->valid_from) || (c->valid_to && *c->valid_to);
  if (def->type != CP_T_CERT && has_window) FAIL("only certifications have a validity window");
  const char *why;
  int64_t num;
  switch (def->type) {
    case CP_T_BIZNO:
      if (!cp_bizno_valid(v))
        FAIL("\"%.*s\" is not a valid business registration number (10 digits, check digit)",
             (int)utf8_cut(v, len, 20), v);
      for (const char *p = v; *p; p++)
        if (*p != '-') *canon++ = *p;
      *canon = '\0';
      return 0;
    case CP_T_DATE:
      if (!cp__date(v)) FAIL("must be a date YYYY-MM-DD from 1900");
      if (strcmp(v, today) > 0) FAIL("%s is in the future", v);
      break;
    case CP_T_BIRTH: {
      if (!cp__date(v)) FAIL("must be a date YYYY-MM-DD from 1900");
      if (strcmp(v, today) > 0) FAIL("%s is in the future", v);
      if (elig_full_years(v, today) < 15) FAIL("%s is less than 15 years ago", v);
      break;
    }
    case CP_T_BOOL:
      if (strcmp(v, "1") != 0 && strcmp(v, "0") != 0) FAIL("must be 1 (yes) or 0 (no)");
      break;
    case CP_T_ENUM:
      if (!cp__in_options(def->options, v)) FAIL("must be one of %s", def->options);
      break;
    case CP_T_INT:
      if (v[0] == '-') FAIL("cannot be negative");
      if (!cp__digits(v, &num)) FAIL("must be a whole number (digits only)");
      if (num < def->min || num > def->max)
        FAIL("%s is out of range (%lld to %lld %s)", v, (long long)def->min, (long long)def->max, def->unit);
      break;
    case CP_T_KSIC:
      if (!cp__ksic(v, len))
        FAIL("\"%.*s\" is not a KSIC code (section letter and 5 digits of one of its divisions, e.g. C29199)",
             (int)utf8_cut(v, len, 20), v);
      break;
    case CP_T_KSIC_LIST:
      if ((why = cp__list(v, cp__ksic, 10, "a KSIC code"))) FAIL("%s", why);
      break;
    case CP_T_SIDO:
      if (!cp__sido(v, len))
        FAIL("\"%.*s\" is not a region (서울, 부산, ... 제주)", (int)utf8_cut(v, len, 20), v);
      break;
    case CP_T_SIDO_LIST:
      if ((why = cp__list(v, cp__sido, 17, "a region (서울, 부산, ... 제주)"))) FAIL("%s", why);
      break;
    case CP_T_COUNTRY_LIST:
      if ((why = cp__list(v, cp__country, 60, "a country code (two capital letters, e.g. US)")))
        FAIL("%s", why);
      break;
    case CP_T_HISTORY:
      if ((why = cp__history(v, today))) FAIL("%s", why);
      break;
    case CP_T_CERT: {
      if (strcmp(v, "0") == 0) {
        if (has_window) FAIL("a validity window needs the certification held (1)");
        break;
      }
      if (strcmp(v, "1") != 0) FAIL("must be 1 (held) or 0 (not held)");
      if (!c->valid_from || !cp__date(c->valid_from)) FAIL("valid_from must be a date YYYY-MM-DD");
      if (!c->valid_to || !cp__date(c->valid_to)) FAIL("valid_to must be a date YYYY-MM-DD");
      if (strcmp(c->valid_from, today) > 0) FAIL("valid_from %s is in the future", c->valid_from);
      if (strcmp(c->valid_to, c->valid_from) < 0)
        FAIL("valid_to %s is before valid_from %s", c->valid_to, c->valid_from);
      char limit[CP_DATE_LEN];
      cp__plus_years(c->valid_from, 3, limit);
      if (strcmp(c->valid_to, limit) > 0)
        FAIL("valid_to %s is more than 3 years after valid_from", c->valid_to);
      break;
    }
  }
  memcpy(canon, v, len + 1);
  return 0;
}

/* ---- the evaluator's view -------------------------------------------------------------------- */

static bool cp__cert_valid(const cp_value *v, const char *at) {
  return strcmp(v->value, "1") == 0 && at && strcmp(v->valid_from, at) <= 0 && strcmp(at, v->valid_to) <= 0;
}

void cp_elig_fill(const company_profile *p, const char *at, cp_elig_input *out) {
  static const cp_attr certs[] = {CP_VENTURE, CP_INNOBIZ, CP_MAINBIZ};
  out->n = 0;
  out->certs[0] = '\0';
  bool all_known = true;
  for (int i = 0; i < CP_ATTR_COUNT; i++) {
    const cp_value *v = &p->v[i];
    const char *value = v->set ? v->value : NULL;
    if (cp_attrs[i].type == CP_T_CERT && v->set) value = cp__cert_valid(v, at) ? "1" : "0";
    out->attrs[out->n++] = (elig_attr){cp_attrs[i].key, value};
  }
  for (size_t i = 0; i < sizeof certs / sizeof *certs; i++) {
    const cp_value *v = &p->v[certs[i]];
    if (!v->set) all_known = false;
    if (v->set && cp__cert_valid(v, at)) {
      size_t len = strlen(out->certs);
      snprintf(out->certs + len, sizeof out->certs - len, "%s%s", len ? "|" : "", cp_attrs[certs[i]].key);
    }
  }
  /* "certs" is known only when every certification is: a missing one could be held. The
   * evaluator reads an empty value as unknown, so a known empty list is "none". */
  if (all_known && !out->certs[0]) snprintf(out->certs, sizeof out->certs, "none");
  out->attrs[out->n++] = (elig_attr){"certs", all_known ? out->certs : NULL};
}
