/* Programme rules as values (see programme_rules.h): the rule set, the check of one rule against
 * the company profile's attribute table, the names of operators, strengths and origins, and the
 * stored form of a rule's value. The extractor is programme_rules_extract.c. Pure. */
#include "storage/programme_rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "storage/company_profile.h"
#include "storage/programme_text.h"
#include "storage/tsv.h"

void pr_set_init(pr_set *s) { *s = (pr_set){.next_grp = 1}; }

void pr_set_free(pr_set *s) {
  free(s->rules);
  free(s->dropped);
  *s = (pr_set){0};
}

static bool pr__same(const pr_rule *a, const pr_rule *b) {
  return strcmp(a->attr, b->attr) == 0 && a->op == b->op && strcmp(a->list, b->list) == 0 && a->lo == b->lo &&
         a->hi == b->hi && a->strength == b->strength;
}

int pr_set_add(pr_set *s, const pr_rule *r) {
  for (size_t i = 0; i < s->n; i++)
    if (pr__same(&s->rules[i], r)) return 0;
  if (s->n == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 8;
    pr_rule *p = realloc(s->rules, cap * sizeof *p);
    if (!p) return -1;
    s->rules = p, s->cap = cap;
  }
  s->rules[s->n++] = *r;
  if (r->grp >= s->next_grp) s->next_grp = r->grp + 1;
  return 0;
}

/* ---- names ----------------------------------------------------------------------------------- */

static const char *const pr_ops[] = {"in",      "not_in",  "between",   "ge",
                                     "le",      "lt",      "prefix_in", "prefix_not_in",
                                     "has_any", "has_all", "is_true",   "is_false"};
static const char *const pr_strengths[] = {"required", "excluded", "preferred"};
static const char *const pr_origins[] = {"structured", "pattern", "reviewer"};

static int pr__find(const char *const *names, int n, const char *name) {
  for (int i = 0; name && i < n; i++)
    if (strcmp(names[i], name) == 0) return i;
  return -1;
}

const char *pr_op_name(elig_op op) { return op >= OP_IN && op <= OP_IS_FALSE ? pr_ops[op] : "?"; }
int pr_op_find(const char *name) { return pr__find(pr_ops, 12, name); }
const char *pr_strength_name(elig_strength s) {
  return s >= RULE_REQUIRED && s <= RULE_PREFERRED ? pr_strengths[s] : "?";
}
int pr_strength_find(const char *name) { return pr__find(pr_strengths, 3, name); }
const char *pr_origin_name(pr_origin o) {
  return o >= PR_ORIGIN_STRUCTURED && o <= PR_ORIGIN_REVIEWER ? pr_origins[o] : "?";
}
int pr_origin_find(const char *name) { return pr__find(pr_origins, 3, name); }

static bool pr__numeric(elig_op op) { return op == OP_BETWEEN || op == OP_GE || op == OP_LE || op == OP_LT; }
static bool pr__boolean(elig_op op) { return op == OP_IS_TRUE || op == OP_IS_FALSE; }

elig_rule pr_rule_view(const pr_rule *r) {
  return (elig_rule){.attr = r->attr,
                     .op = r->op,
                     .list = r->list,
                     .lo = r->lo,
                     .hi = r->hi,
                     .strength = r->strength,
                     .grp = r->grp,
                     .evidence = r->evidence};
}

/* ---- stored values --------------------------------------------------------------------------- */

int pr_value_format(const pr_rule *r, char *buf, size_t len) {
  int n;
  if (pr__boolean(r->op))
    n = snprintf(buf, len, "%s", "");
  else if (r->op == OP_BETWEEN)
    n = snprintf(buf, len, "%lld..%lld", (long long)r->lo, (long long)r->hi);
  else if (r->op == OP_GE)
    n = snprintf(buf, len, "%lld", (long long)r->lo);
  else if (pr__numeric(r->op))
    n = snprintf(buf, len, "%lld", (long long)r->hi);
  else
    n = snprintf(buf, len, "%s", r->list);
  return n >= 0 && (size_t)n < len ? n : -1;
}

static int pr__int(const char *s, size_t n, int64_t *out) {
  char tmp[24];
  if (n == 0 || n >= sizeof tmp) return -1;
  memcpy(tmp, s, n);
  tmp[n] = '\0';
  return tsv_parse_int(tmp, 0, INT64_MAX, out);
}

int pr_value_parse(pr_rule *r, const char *value, char *err, size_t errlen) {
  r->list[0] = '\0';
  r->lo = r->hi = 0;
  if (!value) value = "";
  size_t n = strlen(value);
  if (pr__boolean(r->op)) {
    if (n) goto bad;
    return 0;
  }
  if (r->op == OP_BETWEEN) {
    const char *dots = strstr(value, "..");
    if (!dots || pr__int(value, (size_t)(dots - value), &r->lo) < 0 ||
        pr__int(dots + 2, strlen(dots + 2), &r->hi) < 0)
      goto bad;
    return 0;
  }
  if (pr__numeric(r->op)) {
    int64_t v;
    if (pr__int(value, n, &v) < 0) goto bad;
    if (r->op == OP_GE)
      r->lo = v;
    else
      r->hi = v;
    return 0;
  }
  if (n == 0 || n >= PR_LIST_MAX) goto bad;
  memcpy(r->list, value, n + 1);
  return 0;
bad:
  snprintf(err, errlen, "%s: value \"%.*s\" does not suit operator %s", r->attr,
           (int)utf8_cut(value, strlen(value), 40), value, pr_op_name(r->op));
  return -1;
}

/* ---- the check ------------------------------------------------------------------------------- */

/* What an attribute accepts: the type of its values and, for numbers, the range. */
typedef enum { PK_NUM, PK_BOOL, PK_ENUM, PK_SIDO, PK_SIDO_LIST, PK_KSIC, PK_CERTS, PK_COUNTRY } pr_kind;

static bool pr__attr_kind(const char *attr, pr_kind *kind, int64_t *min, int64_t *max, const char **options) {
  *options = NULL;
  *min = 0;
  if (strcmp(attr, "age_years") == 0) return *kind = PK_NUM, *max = 200, true;
  if (strcmp(attr, "ceo_age") == 0) return *kind = PK_NUM, *max = 150, true;
  if (strcmp(attr, "certs") == 0) return *kind = PK_CERTS, true;
  int a = cp_attr_find(attr);
  if (a < 0) return false;
  const cp_attr_def *d = cp_attr_info((cp_attr)a);
  switch (d->type) {
    case CP_T_INT:
      *kind = PK_NUM, *min = d->min, *max = d->max;
      return true;
    case CP_T_BOOL:
    case CP_T_CERT:
      *kind = PK_BOOL;
      return true;
    case CP_T_ENUM:
      *kind = PK_ENUM, *options = d->options;
      return true;
    case CP_T_SIDO:
      *kind = PK_SIDO;
      return true;
    case CP_T_SIDO_LIST:
      *kind = PK_SIDO_LIST;
      return true;
    case CP_T_KSIC:
    case CP_T_KSIC_LIST:
      *kind = PK_KSIC;
      return true;
    case CP_T_COUNTRY_LIST:
      *kind = PK_COUNTRY;
      return true;
    default: /* dates (use age_years, ceo_age), the business number, free-text history */
      return false;
  }
}

/* A KSIC prefix: the section letter, then up to 5 digits whose first two are one of its divisions. */
static bool pr__ksic_prefix(const char *e, size_t n) {
  if (n < 1 || n > 6 || e[0] < 'A' || e[0] > 'U') return false;
  for (size_t i = 1; i < n; i++)
    if (e[i] < '0' || e[i] > '9') return false;
  if (n == 2) { /* one digit: some division of the section starts with it */
    for (int d = (e[1] - '0') * 10; d < (e[1] - '0') * 10 + 10; d++)
      if (cp_ksic_section(d) == e[0]) return true;
    return false;
  }
  return n == 1 || cp_ksic_section((e[1] - '0') * 10 + (e[2] - '0')) == e[0];
}

static bool pr__element_ok(pr_kind kind, const char *options, const char *e, size_t n) {
  switch (kind) {
    case PK_ENUM:
      return elig_list_has(options, e, n);
    case PK_SIDO:
    case PK_SIDO_LIST:
      return cp_sido_valid(e, n);
    case PK_KSIC:
      return pr__ksic_prefix(e, n);
    case PK_CERTS:
      return elig_list_has("venture|innobiz|mainbiz|none", e, n);
    case PK_COUNTRY:
      return n == 2 && e[0] >= 'A' && e[0] <= 'Z' && e[1] >= 'A' && e[1] <= 'Z';
    default:
      return false;
  }
}

#define BAD(...)                        \
  do {                                  \
    snprintf(err, errlen, __VA_ARGS__); \
    return -1;                          \
  } while (0)

int pr_rule_check(const pr_rule *r, char *err, size_t errlen) {
  if (memchr(r->attr, '\0', sizeof r->attr) == NULL || !r->attr[0]) BAD("a rule has no attribute");
  pr_kind kind;
  int64_t min = 0, max = 0;
  const char *options;
  if (!pr__attr_kind(r->attr, &kind, &min, &max, &options))
    BAD("unknown attribute \"%.*s\"", (int)utf8_cut(r->attr, strlen(r->attr), 23), r->attr);
  if (r->op < OP_IN || r->op > OP_IS_FALSE) BAD("%s: unknown operator", r->attr);
  if (r->strength < RULE_REQUIRED || r->strength > RULE_PREFERRED) BAD("%s: unknown strength", r->attr);
  if (r->origin < PR_ORIGIN_STRUCTURED || r->origin > PR_ORIGIN_REVIEWER) BAD("%s: unknown origin", r->attr);
  if (r->grp < 0 || r->grp > PR_GRP_MAX)
    BAD("%s: group %d is out of range (0 to %d)", r->attr, r->grp, PR_GRP_MAX);
  if (memchr(r->evidence, '\0', sizeof r->evidence) == NULL || !r->evidence[0])
    BAD("%s: the evidence (the sentence or field the rule came from) is missing", r->attr);
  if (ptext_error(r->evidence)) BAD("%s: the evidence is not clean text", r->attr);
  if (memchr(r->list, '\0', sizeof r->list) == NULL) BAD("%s: the list is too long", r->attr);
  bool list_op = !pr__numeric(r->op) && !pr__boolean(r->op);
  if (kind == PK_NUM) {
    if (!pr__numeric(r->op))
      BAD("%s: a number takes between, ge, le or lt, not %s", r->attr, pr_op_name(r->op));
    bool lo_used = r->op == OP_BETWEEN || r->op == OP_GE, hi_used = r->op != OP_GE;
    if (lo_used && (r->lo < min || r->lo > max))
      BAD("%s: %lld is out of range (%lld to %lld)", r->attr, (long long)r->lo, (long long)min,
          (long long)max);
    if (hi_used && (r->hi < min || r->hi > max))
      BAD("%s: %lld is out of range (%lld to %lld)", r->attr, (long long)r->hi, (long long)min,
          (long long)max);
    if (r->op == OP_BETWEEN && r->lo > r->hi)
      BAD("%s: between %lld and %lld is empty", r->attr, (long long)r->lo, (long long)r->hi);
    if (r->op == OP_LT && r->hi == 0) BAD("%s: less than 0 is never true", r->attr);
    return 0;
  }
  if (kind == PK_BOOL) {
    if (!pr__boolean(r->op))
      BAD("%s: a yes/no attribute takes is_true or is_false, not %s", r->attr, pr_op_name(r->op));
    return 0;
  }
  if (!list_op) BAD("%s: takes a list operator, not %s", r->attr, pr_op_name(r->op));
  bool prefix = r->op == OP_PREFIX_IN || r->op == OP_PREFIX_NOT_IN;
  if (prefix != (kind == PK_KSIC)) BAD("%s: operator %s does not suit it", r->attr, pr_op_name(r->op));
  bool multi = kind == PK_SIDO_LIST || kind == PK_CERTS || kind == PK_COUNTRY || kind == PK_KSIC;
  if ((r->op == OP_HAS_ANY || r->op == OP_HAS_ALL) && !multi)
    BAD("%s: holds one value; use in or not_in, not %s", r->attr, pr_op_name(r->op));
  if ((r->op == OP_IN || r->op == OP_NOT_IN) && kind == PK_SIDO_LIST)
    BAD("%s: holds a list; use has_any or has_all, not %s", r->attr, pr_op_name(r->op));
  if (!r->list[0]) BAD("%s: the list is empty", r->attr);
  for (const char *p = r->list;;) {
    size_t len = strcspn(p, "|");
    if (len == 0) BAD("%s: the list has an empty element", r->attr);
    if (!pr__element_ok(kind, options, p, len))
      BAD("%s: \"%.*s\" is not a valid value", r->attr, (int)utf8_cut(p, len, 40), p);
    p += len;
    if (!*p) break;
    p++;
  }
  return 0;
}
