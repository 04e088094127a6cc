/* Eligibility rules of a support programme, taken from one feed item (issue 14, item 4): a pure
 * extractor from a programme_item (its title, summary, target text and the facts the feed stated
 * as attributes) to rules the evaluator reads (storage/eligibility.h), each with the exact field
 * ("maxSalsAmt: 10000000000") or the sentence ("공고일 기준 창업 7년 이내 기업") it came from.
 *
 * Structured fields first (origin PR_ORIGIN_STRUCTURED): 중소벤처24's coded conditions
 * (cmpScaleCd, min/maxSalsAmt, min/mixEmplyCnt, min/maxAblbiz, min/maxRpsntAge, induty,
 * needCrtfnCd, fmleRpsntYn, fntnYn, refntnYn, areaNm) and 기업마당's industNm (KSIC division
 * ranges) and areaNm ('@' list of 시도). K-Startup's biz_enyy, supt_regin and biz_trgt_age are
 * the portal's search facets and never become rules. Then sentence patterns (origin
 * PR_ORIGIN_PATTERN) over the title, summary and target text, K-Startup's 신청대상 text
 * (aply_trgt_ctnt), 신청제외대상 (aply_excl_trgt_ctnt: every rule found there is 'excluded') and
 * 우대사항 (prfn_matr: every rule 'preferred'). Elsewhere a sentence saying 제외/불가 makes its rules
 * 'excluded', one saying 우대/가점 'preferred', any other 'required'.
 *
 * Attribute names and units are company_profile.h's (revenue in won, export_usd in USD,
 * employees in people) plus the evaluator's derived age_years (업력) and ceo_age (만 나이) and
 * "certs". A value out of range ("업력 900년 미만", a negative maxSalsAmt) or a condition the
 * profile has no attribute for ("휴·폐업") is dropped with a reason, never kept and never fatal.
 * The same input always gives the same rules in the same order. */
#ifndef MOA_STORAGE_PROGRAMME_RULES_H
#define MOA_STORAGE_PROGRAMME_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage/eligibility.h"
#include "storage/programme_item.h"

#define PR_ATTR_MAX 24      /* attribute key, terminator included */
#define PR_LIST_MAX 256     /* '|' list of a list operator, terminator included */
#define PR_EVIDENCE_MAX 400 /* evidence, terminator included (longer sentences are cut) */
#define PR_REASON_MAX 200
#define PR_GRP_MAX 1000 /* largest OR-group number */

typedef enum { PR_ORIGIN_STRUCTURED = 0, PR_ORIGIN_PATTERN, PR_ORIGIN_REVIEWER } pr_origin;

/* One rule, owning its strings (fixed buffers: a rule is copied freely). */
typedef struct pr_rule {
  char attr[PR_ATTR_MAX];
  elig_op op;
  char list[PR_LIST_MAX]; /* list operators: '|' list; "" otherwise */
  int64_t lo, hi;         /* numeric operators: between lo..hi, ge lo, le hi, lt hi */
  elig_strength strength;
  int grp; /* > 0: required rules with the same grp are OR-ed */
  pr_origin origin;
  char evidence[PR_EVIDENCE_MAX];
} pr_rule;

/* The rules of one item (or one programme) and the candidates dropped, with their reasons. */
typedef struct pr_set {
  pr_rule *rules;
  size_t n, cap;
  char (*dropped)[PR_REASON_MAX];
  size_t ndropped, dropped_cap;
  int next_grp; /* the next free OR-group number */
} pr_set;

void pr_set_init(pr_set *s);
void pr_set_free(pr_set *s); /* frees and zeroes; init again to reuse */
/* Appends a copy of r unless an equal rule (attribute, operator, values, strength) is already
 * there. Returns 0, or -1 when out of memory (s unchanged). */
int pr_set_add(pr_set *s, const pr_rule *r);

/* Extracts the rules of item it, which came from a feed of format src, into out (initialised
 * by the caller; rules are appended). Returns 0, or -1 when out of memory (out then holds what
 * was added before; free it). */
int pr_extract(feed_source src, const programme_item *it, pr_set *out);

/* Checks r: a known attribute, an operator that attribute can take, values in the attribute's
 * range (lo <= hi for between), list elements valid for it (size keys, 시도, KSIC prefixes such
 * as "C" or "C29", certification keys), 0 <= grp <= PR_GRP_MAX, evidence not empty and UTF-8
 * without control characters. Returns 0, or -1 with err saying what is wrong. */
int pr_rule_check(const pr_rule *r, char *err, size_t errlen);

/* The evaluator's view of r (pointers into r: r must outlive the use of the result). */
elig_rule pr_rule_view(const pr_rule *r);

/* Names as the database (programme_rules) and the API spell them, and back. */
const char *pr_op_name(elig_op op);          /* "in", "not_in", "between", "ge", "le", "lt", ... */
int pr_op_find(const char *name);            /* the op, or -1 */
const char *pr_strength_name(elig_strength); /* "required", "excluded", "preferred" */
int pr_strength_find(const char *name);
const char *pr_origin_name(pr_origin o); /* "structured", "pattern", "reviewer" */
int pr_origin_find(const char *name);

/* The rule's value as stored: the '|' list for list operators, "lo..hi" for between, the one
 * number for ge/le/lt, "" for is_true/is_false. Returns the length, or -1 if it did not fit. */
int pr_value_format(const pr_rule *r, char *buf, size_t len);
/* Parses a stored value for r->op into r. Returns 0, or -1 with err. */
int pr_value_parse(pr_rule *r, const char *value, char *err, size_t errlen);

#endif
