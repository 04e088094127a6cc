/* Matching one organization against the programme catalog (see programme_match.h). Pure. */
#include "storage/programme_match.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pm_catalog_init(pm_catalog *c) { *c = (pm_catalog){0}; }

void pm_catalog_free(pm_catalog *c) {
  for (size_t i = 0; i < c->n; i++) {
    pm_programme *p = &c->p[i];
    free(p->title), free(p->agency), free(p->fields), free(p->text), free(p->rules), free(p->views),
        free(p->need);
  }
  free(c->p);
  *c = (pm_catalog){0};
}

/* Where cp_elig_fill puts the value a rule on attr reads: attributes in cp_attr order, then
 * "certs"; -1 for an attribute the profile does not have (the rule stays UNKNOWN). */
static int pm__input_index(const char *attr) {
  if (strcmp(attr, "certs") == 0) return CP_ATTR_COUNT;
  if (strcmp(attr, "age_years") == 0) attr = "founded";
  if (strcmp(attr, "ceo_age") == 0) attr = "ceo_birth";
  return cp_attr_find(attr);
}

long pm_catalog_add(pm_catalog *c, int64_t id, const char *title, const char *agency, const char *fields,
                    const char *text, const char *apply_end, int64_t closes_at, const pr_rule *rules,
                    size_t nrules) {
  if (c->n == c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 64;
    pm_programme *p = realloc(c->p, cap * sizeof *p);
    if (!p) return -1;
    c->p = p, c->cap = cap;
  }
  pm_programme p = {.id = id, .closes_at = closes_at, .nrules = nrules};
  snprintf(p.apply_end, sizeof p.apply_end, "%s", apply_end && strlen(apply_end) == 10 ? apply_end : "");
  p.title = strdup(title ? title : "");
  p.agency = strdup(agency ? agency : "");
  p.fields = strdup(fields ? fields : "");
  p.text = strdup(text ? text : "");
  p.rules = nrules ? malloc(nrules * sizeof *p.rules) : NULL;
  p.views = nrules ? malloc(nrules * sizeof *p.views) : NULL;
  if (!p.title || !p.agency || !p.fields || !p.text || (nrules && (!p.rules || !p.views))) {
    free(p.title), free(p.agency), free(p.fields), free(p.text), free(p.rules), free(p.views);
    return -1;
  }
  p.need = malloc((nrules ? nrules : 1) * sizeof *p.need);
  if (!p.need) {
    free(p.title), free(p.agency), free(p.fields), free(p.text), free(p.rules), free(p.views);
    return -1;
  }
  for (size_t i = 0; i < nrules; i++) {
    p.rules[i] = rules[i];
    p.views[i] = pr_rule_view(&p.rules[i]);
    int idx = pm__input_index(rules[i].attr);
    bool have = idx < 0;
    for (size_t j = 0; j < p.nneed && !have; j++) have = p.need[j] == idx;
    if (!have) p.need[p.nneed++] = idx;
  }
  c->p[c->n] = p;
  return (long)c->n++;
}

void pm_result_free(pm_result *r) {
  free(r->m);
  *r = (pm_result){0};
}

/* ---- scoring ---------------------------------------------------------------------------------- */

typedef struct pm_words {
  char w[PM_KEYWORDS_MAX][64]; /* NUL-terminated copies: strstr is glibc's fast two-way search */
  size_t len[PM_KEYWORDS_MAX];
  int n;
} pm_words;

static size_t pm__chars(const char *s, size_t n) {
  size_t c = 0;
  for (size_t i = 0; i < n; i++) c += ((unsigned char)s[i] & 0xC0) != 0x80;
  return c;
}

static bool pm__sep(const char *p, size_t *len) {
  if (*p == ',' || *p == '|' || *p == '/' || *p == ';' || *p == ' ' || *p == '\n') return *len = 1, true;
  if ((unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xB7) return *len = 2, true; /* · */
  return false;
}

static void pm__words(const char *s, pm_words *w) {
  w->n = 0;
  for (const char *p = s; p && *p && w->n < PM_KEYWORDS_MAX;) {
    size_t sl;
    if (pm__sep(p, &sl)) {
      p += sl;
      continue;
    }
    const char *start = p;
    while (*p && !pm__sep(p, &sl)) p++;
    size_t n = (size_t)(p - start);
    bool dup = false;
    for (int i = 0; i < w->n && !dup; i++) dup = w->len[i] == n && memcmp(w->w[i], start, n) == 0;
    if (!dup && n < sizeof w->w[0] && pm__chars(start, n) >= 2) {
      memcpy(w->w[w->n], start, n);
      w->w[w->n][n] = '\0';
      w->len[w->n++] = n;
    }
  }
}

/* The value rule r read from the organization (as the evaluator derives it), or NULL. */
static const char *pm__value(const char *attr, const cp_elig_input *in, const char *at, char *buf,
                             size_t len) {
  const char *base = strcmp(attr, "age_years") == 0 ? "founded"
                     : strcmp(attr, "ceo_age") == 0 ? "ceo_birth"
                                                    : NULL;
  const char *v = NULL;
  for (size_t i = 0; i < in->n; i++)
    if (strcmp(in->attrs[i].attr, base ? base : attr) == 0) v = in->attrs[i].value;
  if (!v || !*v || !base) return v && *v ? v : NULL;
  int years = elig_full_years(v, at);
  if (years < 0) return NULL;
  snprintf(buf, len, "%d", years);
  return buf;
}

static const char *pm__at(const cp_elig_input *in, cp_attr a) { return in->attrs[a].value; }

static int pm__field_score(const pm_programme *p, const cp_elig_input *in, const char *at) {
  if (!*p->fields) return 0;
  const char *lab = pm__at(in, CP_LAB), *patents = pm__at(in, CP_PATENTS),
             *exports = pm__at(in, CP_EXPORT_USD);
  bool tech = (lab && strcmp(lab, "none") != 0) || (patents && strcmp(patents, "0") != 0);
  if (tech && elig_list_has(p->fields, "기술", strlen("기술"))) return 10;
  if (exports && strcmp(exports, "0") != 0 && elig_list_has(p->fields, "수출", strlen("수출"))) return 10;
  const char *founded = pm__at(in, CP_FOUNDED);
  int age = founded ? elig_full_years(founded, at) : -1;
  if (age >= 0 && age < 7 && elig_list_has(p->fields, "창업", strlen("창업"))) return 10;
  const char *emp = pm__at(in, CP_EMPLOYEES);
  if (emp && atoi(emp) >= 10 && elig_list_has(p->fields, "인력", strlen("인력"))) return 10;
  return 0;
}

/* Evaluates programme p for the organization: bucket and score parts into *m, per-rule answers
 * into res (p->nrules entries). With score_ineligible false a 신청 불가 programme gets no score
 * (its parts stay 0): a listing without that bucket drops it, and scoring it was three quarters
 * of the keyword searches of a full demo recompute (1.02 s -> see docs/BENCHMARKS.md). */
static void pm__evaluate(const pm_programme *p, const pm_words *words, const cp_elig_input *in,
                         const char *at, elig_result *res, pm_match *m, bool score_ineligible) {
  elig_attr small[CP_ELIG_MAX];
  size_t k = 0;
  for (size_t i = 0; i < p->nneed && k < CP_ELIG_MAX; i++)
    if (p->need[i] >= 0 && (size_t)p->need[i] < in->n) small[k++] = in->attrs[p->need[i]];
  elig_outcome o = elig_evaluate(p->views, p->nrules, small, k, at, res);
  m->bucket = o.bucket;
  m->n_unknown = o.n_unknown;
  if (o.bucket == ELIG_BUCKET_INELIGIBLE && !score_ineligible) return;
  int hits = 0;
  for (int i = 0; i < words->n && hits < 3; i++) hits += strstr(p->text, words->w[i]) != NULL;
  m->s_keywords = 10 * hits;
  m->s_field = pm__field_score(p, in, at);
  m->s_preferred = 15 * o.preferred_met;
  m->s_region = 0;
  for (size_t i = 0; i < p->nrules; i++)
    if (res[i] == ELIG_PASS && p->rules[i].op == OP_IN && strcmp(p->rules[i].attr, "region") == 0)
      m->s_region = 10;
  m->score = m->s_keywords + m->s_field + m->s_preferred + m->s_region;
}

static int pm__cmp(const void *a, const void *b) {
  const pm_match *x = a, *y = b;
  if (x->bucket != y->bucket) return x->bucket < y->bucket ? -1 : 1;
  if (x->score != y->score) return x->score > y->score ? -1 : 1;
  int64_t cx = x->closes_at, cy = y->closes_at;
  if (cx != cy) return cx == 0 ? 1 : cy == 0 ? -1 : cx < cy ? -1 : 1;
  return x->programme_id < y->programme_id ? -1 : x->programme_id > y->programme_id;
}

static size_t pm__max_rules(const pm_catalog *c) {
  size_t m = 1;
  for (size_t i = 0; i < c->n; i++)
    if (c->p[i].nrules > m) m = c->p[i].nrules;
  return m;
}

int pm_match_org(const pm_catalog *c, const pm_org *org, int64_t now, const char *today,
                 bool include_ineligible, pm_result *out) {
  *out = (pm_result){0};
  elig_result *res = malloc(pm__max_rules(c) * sizeof *res);
  cp_elig_input *in = malloc(sizeof *in);
  if (!res || !in) goto oom;
  pm_words words;
  pm__words(org->keywords, &words);
  char filled_at[11] = "";
  for (size_t i = 0; i < c->n; i++) {
    const pm_programme *p = &c->p[i];
    if (p->closes_at && p->closes_at < now) continue;
    const char *at = *p->apply_end ? p->apply_end : today;
    if (strcmp(filled_at, at) != 0) { /* the certifications depend on the date */
      cp_elig_fill(org->profile, at, in);
      snprintf(filled_at, sizeof filled_at, "%s", at);
    }
    pm_match m = {.index = i, .programme_id = p->id, .closes_at = p->closes_at};
    pm__evaluate(p, &words, in, at, res, &m, include_ineligible);
    if (m.bucket == ELIG_BUCKET_INELIGIBLE && !include_ineligible) continue;
    if (out->n == out->cap) {
      size_t cap = out->cap ? out->cap * 2 : 64;
      pm_match *q = realloc(out->m, cap * sizeof *q);
      if (!q) goto oom;
      out->m = q, out->cap = cap;
    }
    out->m[out->n++] = m;
  }
  if (out->n) qsort(out->m, out->n, sizeof *out->m, pm__cmp);
  free(res), free(in);
  return 0;
oom:
  free(res), free(in);
  pm_result_free(out);
  return -1;
}

/* ---- explanations ----------------------------------------------------------------------------- */

static void pm__line(pm_line *l, pm_line_kind kind, const pr_rule *r, const char *value) {
  char v[PR_LIST_MAX + 48];
  if (pr_value_format(r, v, sizeof v) < 0) v[0] = '\0';
  l->kind = kind;
  l->rule = r;
  snprintf(l->value, sizeof l->value, "%s", value ? value : "");
  snprintf(l->text, sizeof l->text, "%s%s %s: %s%s%s%s — \"%s\"", r->strength == RULE_EXCLUDED ? "제외 " : "",
           r->attr, value ? value : "?", pr_op_name(r->op), *v ? " " : "", v, "", r->evidence);
}

/* The profile attribute a rule on attr needs entered. */
static const char *pm__prompt(const char *attr) {
  if (strcmp(attr, "age_years") == 0) return "founded";
  if (strcmp(attr, "ceo_age") == 0) return "ceo_birth";
  if (strcmp(attr, "certs") == 0) return "venture";
  int a = cp_attr_find(attr);
  return a >= 0 ? cp_attr_info((cp_attr)a)->key : NULL;
}

void pm_explanation_free(pm_explanation *e) {
  free(e->lines);
  *e = (pm_explanation){0};
}

int pm_explain(const pm_catalog *c, size_t index, const pm_org *org, int64_t now, const char *today,
               pm_explanation *out) {
  (void)now;
  *out = (pm_explanation){0};
  if (index >= c->n) return -1;
  const pm_programme *p = &c->p[index];
  elig_result *res = malloc((p->nrules ? p->nrules : 1) * sizeof *res);
  cp_elig_input *in = malloc(sizeof *in);
  out->lines = malloc((p->nrules ? p->nrules : 1) * sizeof *out->lines);
  if (!res || !in || !out->lines) {
    free(res), free(in);
    pm_explanation_free(out);
    return -1;
  }
  const char *at = *p->apply_end ? p->apply_end : today;
  cp_elig_fill(org->profile, at, in);
  pm_words words;
  pm__words(org->keywords, &words);
  out->match = (pm_match){.index = index, .programme_id = p->id, .closes_at = p->closes_at};
  pm__evaluate(p, &words, in, at, res, &out->match, true);
  /* every rule's kind: a required member of an OR-group that passes is a reason only when it
   * passes itself; of a group that fails, every member is a why-not */
  for (int pass = 0; pass < 4; pass++)
    for (size_t i = 0; i < p->nrules; i++) {
      const pr_rule *r = &p->rules[i];
      bool group_passes = false, group_unknown = false, grouped = r->strength == RULE_REQUIRED && r->grp > 0;
      for (size_t j = 0; grouped && j < p->nrules; j++) {
        if (p->rules[j].grp != r->grp || p->rules[j].strength != RULE_REQUIRED) continue;
        group_passes |= res[j] == ELIG_PASS;
        group_unknown |= res[j] == ELIG_UNKNOWN;
      }
      int kind = -1;
      if (res[i] == ELIG_UNKNOWN) {
        kind = r->strength == RULE_PREFERRED || group_passes ? -1 : PM_UNKNOWN;
      } else if (r->strength == RULE_PREFERRED) {
        kind = res[i] == ELIG_PASS ? PM_PREFERRED : -1;
      } else if (r->strength == RULE_EXCLUDED) {
        kind = res[i] == ELIG_PASS ? PM_WHY_NOT : PM_WHY;
      } else if (res[i] == ELIG_PASS) {
        kind = PM_WHY;
      } else {
        kind = group_passes || group_unknown ? -1 : PM_WHY_NOT; /* an undecided group is no reason yet */
      }
      static const int order[4] = {PM_WHY_NOT, PM_WHY, PM_PREFERRED, PM_UNKNOWN};
      if (kind != order[pass]) continue;
      char buf[24];
      const char *v = res[i] == ELIG_UNKNOWN ? NULL : pm__value(r->attr, in, at, buf, sizeof buf);
      pm__line(&out->lines[out->n++], (pm_line_kind)kind, r, v);
      const char *prompt = kind == PM_UNKNOWN ? pm__prompt(r->attr) : NULL;
      bool seen = !prompt;
      for (size_t k = 0; k < out->nprompts && !seen; k++) seen = strcmp(out->prompts[k], prompt) == 0;
      if (!seen && out->nprompts < CP_ATTR_COUNT) out->prompts[out->nprompts++] = prompt;
    }
  free(res), free(in);
  return 0;
}
