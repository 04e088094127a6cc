/* The eligibility evaluator (see eligibility.h). */
#include "storage/eligibility.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/tsv.h"

static bool parse_date(const char *s, int *y, int *m, int *d) {
  static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-') return false;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return false;
  *y = atoi(s), *m = atoi(s + 5), *d = atoi(s + 8);
  bool leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
  return *m >= 1 && *m <= 12 && *d >= 1 && *d <= mdays[*m - 1] + (*m == 2 && leap);
}

int elig_full_years(const char *from, const char *to) {
  int y1, m1, d1, y2, m2, d2;
  if (!parse_date(from, &y1, &m1, &d1) || !parse_date(to, &y2, &m2, &d2)) return -1;
  if (strcmp(from, to) > 0) return -1;
  int years = y2 - y1;
  if (m2 < m1 || (m2 == m1 && d2 < d1)) years--; /* the anniversary not reached yet */
  return years;
}

static const char *find_attr(const elig_attr *attrs, size_t n, const char *name) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(attrs[i].attr, name) == 0) return attrs[i].value && *attrs[i].value ? attrs[i].value : NULL;
  return NULL;
}

/* The attribute's value, derived ones computed into buf; NULL when unknown. */
static const char *value_of(const char *name, const elig_attr *attrs, size_t n, const char *at, char *buf,
                            size_t len) {
  const char *base = NULL;
  if (strcmp(name, "age_years") == 0)
    base = "founded";
  else if (strcmp(name, "ceo_age") == 0)
    base = "ceo_birth";
  if (!base) return find_attr(attrs, n, name);
  const char *v = find_attr(attrs, n, base);
  int years = v ? elig_full_years(v, at) : -1;
  if (years < 0) return NULL;
  snprintf(buf, len, "%d", years);
  return buf;
}

/* True when element e (length n) is in the '|' list (exactly, or as a prefix of e). */
static bool in_list(const char *list, const char *e, size_t n, bool prefix) {
  for (const char *p = list; p && *p;) {
    size_t len = strcspn(p, "|");
    if (prefix ? (len <= n && memcmp(p, e, len) == 0 && len > 0) : (len == n && memcmp(p, e, n) == 0))
      return true;
    p += len;
    if (*p) p++;
  }
  return false;
}

/* How many elements of value are in list (and how many elements value has). */
static void count_in(const char *value, const char *list, bool prefix, int *hits, int *total) {
  *hits = *total = 0;
  for (const char *p = value; *p;) {
    size_t len = strcspn(p, "|");
    if (len) {
      (*total)++;
      if (in_list(list, p, len, prefix)) (*hits)++;
    }
    p += len;
    if (*p) p++;
  }
}

static int list_size(const char *list) {
  int n = 0;
  for (const char *p = list; p && *p;) {
    size_t len = strcspn(p, "|");
    n += len > 0;
    p += len;
    if (*p) p++;
  }
  return n;
}

elig_result elig_eval_rule(const elig_rule *r, const elig_attr *attrs, size_t nattrs, const char *at) {
  char buf[24];
  const char *v = value_of(r->attr, attrs, nattrs, at, buf, sizeof buf);
  if (!v) return ELIG_UNKNOWN;
  int64_t num = 0;
  bool numeric = r->op == OP_BETWEEN || r->op == OP_GE || r->op == OP_LE || r->op == OP_LT;
  if (numeric) {
    const char *digits = v[0] == '-' ? NULL : v; /* a negative company value is absurd: unknown */
    if (!digits || tsv_parse_int(digits, 0, INT64_MAX, &num) < 0) return ELIG_UNKNOWN;
  }
  int hits, total;
  switch (r->op) {
    case OP_BETWEEN:
      return num >= r->lo && num <= r->hi ? ELIG_PASS : ELIG_FAIL;
    case OP_GE:
      return num >= r->lo ? ELIG_PASS : ELIG_FAIL;
    case OP_LE:
      return num <= r->hi ? ELIG_PASS : ELIG_FAIL;
    case OP_LT:
      return num < r->hi ? ELIG_PASS : ELIG_FAIL;
    case OP_IN:
      return in_list(r->list, v, strlen(v), false) ? ELIG_PASS : ELIG_FAIL;
    case OP_NOT_IN:
      return in_list(r->list, v, strlen(v), false) ? ELIG_FAIL : ELIG_PASS;
    case OP_PREFIX_IN:
      count_in(v, r->list, true, &hits, &total);
      return hits > 0 ? ELIG_PASS : ELIG_FAIL;
    case OP_PREFIX_NOT_IN:
      count_in(v, r->list, true, &hits, &total);
      return hits > 0 ? ELIG_FAIL : ELIG_PASS;
    case OP_HAS_ANY:
      count_in(v, r->list, false, &hits, &total);
      return hits > 0 ? ELIG_PASS : ELIG_FAIL;
    case OP_HAS_ALL:
      count_in(r->list, v, false, &hits, &total);
      return hits == list_size(r->list) ? ELIG_PASS : ELIG_FAIL;
    case OP_IS_TRUE:
      return strcmp(v, "1") == 0 ? ELIG_PASS : strcmp(v, "0") == 0 ? ELIG_FAIL : ELIG_UNKNOWN;
    case OP_IS_FALSE:
      return strcmp(v, "0") == 0 ? ELIG_PASS : strcmp(v, "1") == 0 ? ELIG_FAIL : ELIG_UNKNOWN;
  }
  return ELIG_UNKNOWN;
}

elig_outcome elig_evaluate(const elig_rule *rules, size_t nrules, const elig_attr *attrs, size_t nattrs,
                           const char *at, elig_result *results) {
  elig_outcome o = {ELIG_BUCKET_ELIGIBLE, 0, 0};
  bool fail = false, unknown = false;
  for (size_t i = 0; i < nrules; i++) {
    elig_result res = elig_eval_rule(&rules[i], attrs, nattrs, at);
    if (results) results[i] = res;
    const elig_rule *r = &rules[i];
    if (r->strength == RULE_PREFERRED) {
      o.preferred_met += res == ELIG_PASS;
    } else if (r->strength == RULE_EXCLUDED) {
      fail |= res == ELIG_PASS; /* the excluding condition holds */
      if (res == ELIG_UNKNOWN) unknown = true, o.n_unknown++;
    } else if (r->grp <= 0) {
      fail |= res == ELIG_FAIL;
      if (res == ELIG_UNKNOWN) unknown = true, o.n_unknown++;
    }
  }
  /* OR-groups: evaluated once, at the group's first rule */
  for (size_t i = 0; i < nrules; i++) {
    const elig_rule *r = &rules[i];
    if (r->strength != RULE_REQUIRED || r->grp <= 0) continue;
    bool first = true;
    for (size_t j = 0; j < i && first; j++)
      first = !(rules[j].strength == RULE_REQUIRED && rules[j].grp == r->grp);
    if (!first) continue;
    bool any_pass = false, any_unknown = false;
    for (size_t j = i; j < nrules; j++) {
      if (rules[j].strength != RULE_REQUIRED || rules[j].grp != r->grp) continue;
      elig_result res = results ? results[j] : elig_eval_rule(&rules[j], attrs, nattrs, at);
      any_pass |= res == ELIG_PASS;
      any_unknown |= res == ELIG_UNKNOWN;
    }
    if (!any_pass && any_unknown)
      unknown = true, o.n_unknown++;
    else if (!any_pass)
      fail = true;
  }
  o.bucket = fail ? ELIG_BUCKET_INELIGIBLE : unknown ? ELIG_BUCKET_CHECK : ELIG_BUCKET_ELIGIBLE;
  return o;
}

bool elig_list_has(const char *list, const char *e, size_t n) { return in_list(list, e, n, false); }

const char *elig_bucket_name(elig_bucket b) {
  return b == ELIG_BUCKET_ELIGIBLE ? "신청 가능" : b == ELIG_BUCKET_CHECK ? "확인 필요" : "신청 불가";
}
