/* Eligibility as data: a pure evaluator of a programme's rules (one row of programme_rules each:
 * attribute, operator, value, strength, OR-group, evidence) against a company's attributes
 * (org_attributes). No database, no global state: the same inputs give the same answer.
 *
 * Each rule answers PASS, FAIL or UNKNOWN; UNKNOWN when the company has not entered the value
 * (never a silent pass). Required rules sharing a grp > 0 are OR-ed (벤처 또는 이노비즈): the group
 * passes when one passes, fails when all fail. An excluded rule blocks when its condition holds.
 * Preferred rules never block; they only count for ranking. The programme lands in
 * ELIG_BUCKET_ELIGIBLE (신청 가능) with no blocker and no unknown, ELIG_BUCKET_CHECK (확인 필요)
 * when only unknowns stand in the way, ELIG_BUCKET_INELIGIBLE (신청 불가) when something fails.
 *
 * Attributes are text: numbers in decimal (revenue in won), dates as YYYY-MM-DD, lists joined
 * with '|', booleans "1"/"0". Two are derived at the evaluation date (the programme's last day):
 * "age_years" (업력, full years since "founded") and "ceo_age" (만 나이 from "ceo_birth"). */
#ifndef MOA_STORAGE_ELIGIBILITY_H
#define MOA_STORAGE_ELIGIBILITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { ELIG_PASS = 0, ELIG_FAIL, ELIG_UNKNOWN } elig_result;
typedef enum { RULE_REQUIRED = 0, RULE_EXCLUDED, RULE_PREFERRED } elig_strength;
typedef enum {
  OP_IN = 0,        /* value is one of the list */
  OP_NOT_IN,        /* value is none of the list */
  OP_BETWEEN,       /* lo <= value <= hi (numbers) */
  OP_GE,            /* value >= lo */
  OP_LE,            /* value <= hi */
  OP_LT,            /* value < hi ("7년 미만") */
  OP_PREFIX_IN,     /* value (or one of a list value) starts with one of the list (KSIC "C10".."C34") */
  OP_PREFIX_NOT_IN, /* no element starts with any of the list */
  OP_HAS_ANY,       /* the list value shares an element with the list */
  OP_HAS_ALL,       /* the list value holds every element of the list */
  OP_IS_TRUE,
  OP_IS_FALSE
} elig_op;

typedef struct elig_rule {
  const char *attr;
  elig_op op;
  const char *list; /* '|' list for the list operators */
  int64_t lo, hi;   /* for the numeric operators */
  elig_strength strength;
  int grp;              /* > 0: required rules with the same grp are OR-ed */
  const char *evidence; /* the sentence or field the rule came from */
} elig_rule;

typedef struct elig_attr {
  const char *attr, *value;
} elig_attr;

typedef enum { ELIG_BUCKET_ELIGIBLE = 0, ELIG_BUCKET_CHECK, ELIG_BUCKET_INELIGIBLE } elig_bucket;

typedef struct elig_outcome {
  elig_bucket bucket;
  int preferred_met; /* preferred rules that passed (for ranking) */
  int n_unknown;     /* rules UNKNOWN that matter (required, excluded) */
} elig_outcome;

/* Evaluates one rule against the company's attributes at date at ("YYYY-MM-DD"). */
elig_result elig_eval_rule(const elig_rule *r, const elig_attr *attrs, size_t nattrs, const char *at);

/* Evaluates every rule; results[i] (when results is not NULL) gets rule i's answer. */
elig_outcome elig_evaluate(const elig_rule *rules, size_t nrules, const elig_attr *attrs, size_t nattrs,
                           const char *at, elig_result *results);

/* Full years between two dates "YYYY-MM-DD" (from <= to), as 만 나이 and 업력 count them: the
 * anniversary day completes a year; -1 when either is not a valid date or from > to. */
int elig_full_years(const char *from, const char *to);

/* True when the '|' list holds e[0..n) as one of its elements. */
bool elig_list_has(const char *list, const char *e, size_t n);

/* "신청 가능", "확인 필요", "신청 불가". */
const char *elig_bucket_name(elig_bucket b);

#endif
