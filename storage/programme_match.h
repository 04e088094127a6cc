/* Matching one organization against the open support programmes (issue 14, items 4-5): the pure
 * part. A catalog (pm_catalog) holds every programme that is not closed or withdrawn with the
 * rules that count for it (built by storage/programme_match_store.h from the database, or by hand
 * in tests and benchmarks); pm_match_org puts each programme in its bucket (신청 가능 / 확인 필요 /
 * 신청 불가, by the evaluator of storage/eligibility.h) with a fit score, and pm_explain gives one
 * programme's why / why-not lines and the attributes to enter.
 *
 * The fit score is an integer sum, each part kept for display:
 *   keywords  10 per keyword of the organization (its keywords and capabilities, at most
 *             PM_KEYWORDS_MAX, 2+ characters) found in the programme's title, summary or target,
 *             at most 3 counted (0..30)
 *   field     10 when a 지원분야 of the programme is one the profile points to: 기술 (a lab or
 *             patents), 수출 (exports), 창업 (under 7 years), 인력 (10+ employees)
 *   preferred 15 per preferred rule (우대) the organization meets
 *   region    10 when a region rule names the organization's region (a local programme for it)
 * Order: bucket, then score (higher first), then the nearer deadline (open-ended last), then id.
 * Deterministic: the same catalog and profile give the same order. */
#ifndef MOA_STORAGE_PROGRAMME_MATCH_H
#define MOA_STORAGE_PROGRAMME_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage/company_profile.h"
#include "storage/eligibility.h"
#include "storage/programme_rules.h"

#define PM_KEYWORDS_MAX 12
#define PM_LINE_MAX 640

typedef struct pm_programme {
  int64_t id;
  char *title, *agency, *fields; /* fields: '|' list of 지원분야 */
  char *text;                    /* title, summary and target, for keywords */
  char apply_end[11];            /* "YYYY-MM-DD", "" when open-ended */
  int64_t closes_at;             /* last open second, 0 when open-ended */
  pr_rule *rules;
  elig_rule *views; /* the evaluator's view of rules[i] */
  size_t nrules;
  /* the entries of cp_elig_input.attrs the rules read (age_years reads founded, ceo_age
   * ceo_birth, certs the entry after the attributes), no repeats: the evaluator looks attributes
   * up one by one, so it is handed only these */
  int *need;
  size_t nneed;
} pm_programme;

typedef struct pm_catalog {
  pm_programme *p;
  size_t n, cap;
} pm_catalog;

void pm_catalog_init(pm_catalog *c);
void pm_catalog_free(pm_catalog *c);
/* Adds a programme (strings copied; rules[0..nrules) copied). apply_end "" or NULL when
 * open-ended. Returns its index, or -1 when out of memory (c unchanged). */
long pm_catalog_add(pm_catalog *c, int64_t id, const char *title, const char *agency, const char *fields,
                    const char *text, const char *apply_end, int64_t closes_at, const pr_rule *rules,
                    size_t nrules);

/* The organization as matching sees it. keywords: its keywords and capabilities, any of
 * ",|/·;" or spaces between words (borrowed). */
typedef struct pm_org {
  int64_t id;
  const company_profile *profile;
  const char *keywords;
} pm_org;

typedef struct pm_match {
  size_t index; /* into the catalog */
  int64_t programme_id;
  int64_t closes_at; /* the programme's, 0 when open-ended (for the order) */
  elig_bucket bucket;
  int score, s_keywords, s_field, s_preferred, s_region;
  int n_unknown; /* rules (or OR-groups) unknown that matter */
} pm_match;

typedef struct pm_result {
  pm_match *m;
  size_t n, cap;
} pm_result;

void pm_result_free(pm_result *r);

/* Matches org against every programme of c still open at now (closes_at >= now or
 * open-ended); today is now's date in Seoul ("YYYY-MM-DD"), the evaluation date of open-ended
 * programmes (dated ones are evaluated at their last day). out is filled in order (see above);
 * with include_ineligible false, 신청 불가 programmes are left out. Returns 0, or -1 when out of
 * memory (out empty). */
int pm_match_org(const pm_catalog *c, const pm_org *org, int64_t now, const char *today, bool include_ineligible,
                 pm_result *out);

/* One line of an explanation. */
typedef enum { PM_WHY = 0, PM_WHY_NOT, PM_UNKNOWN, PM_PREFERRED } pm_line_kind;
typedef struct pm_line {
  pm_line_kind kind;
  const pr_rule *rule;  /* in the catalog */
  char value[64];       /* the organization's value as the rule read it, "" when unknown */
  char text[PM_LINE_MAX]; /* "revenue 5000000000: le 10000000000 — \"매출액 100억원 이하\"" */
} pm_line;

typedef struct pm_explanation {
  pm_match match;
  pm_line *lines; /* why-not first, then why, then preferred met, then unknown; rule order within */
  size_t n;
  /* profile attributes to enter to decide the UNKNOWN rules ("revenue", "founded"), no repeats */
  const char *prompts[CP_ATTR_COUNT];
  size_t nprompts;
} pm_explanation;

/* Explains programme index of c for org at now. Returns 0, or -1 when out of memory or index is
 * out of range (out empty). Free with pm_explanation_free. */
int pm_explain(const pm_catalog *c, size_t index, const pm_org *org, int64_t now, const char *today,
               pm_explanation *out);
void pm_explanation_free(pm_explanation *e);

#endif
