/* libFuzzer target: the eligibility evaluator (storage/eligibility.c). The input is read as lines:
 * "R attr op strength grp lo hi list" makes a rule, "A attr value" a company attribute, "T date"
 * the evaluation date. Oracles: the evaluation is deterministic and the same with or without
 * per-rule results; a rule on an attribute the company lacks is UNKNOWN; the bucket follows the
 * per-rule answers (a FAIL of an ungrouped required rule or a PASS of an excluded one makes it
 * 신청 불가; 신청 가능 has no UNKNOWN among required and excluded rules); preferred rules never
 * change the bucket (dropping them gives the same one).
 *
 * Built by `make fuzz` and replayed by ctest (fuzz_replay_eligibility); see docs/FUZZING.md. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/eligibility.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXR 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = malloc(size + 1);
  if (!text) return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  elig_rule rules[MAXR];
  elig_attr attrs[MAXR];
  char names[MAXR][16], lists[MAXR][64], anames[MAXR][16], values[MAXR][64], at[16] = "2026-11-30";
  size_t nr = 0, na = 0;
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
    int op, st, grp;
    long long lo, hi;
    if (line[0] == 'R' && nr < MAXR &&
        sscanf(line + 1, "%15s %d %d %d %lld %lld %63s", names[nr], &op, &st, &grp, &lo, &hi, lists[nr]) >=
            6) {
      if (sscanf(line + 1, "%*s %*d %*d %*d %*d %*d %63s", lists[nr]) != 1) lists[nr][0] = '\0';
      rules[nr] = (elig_rule){.attr = names[nr],
                              .op = (elig_op)((unsigned)op % 12),
                              .list = lists[nr],
                              .lo = lo,
                              .hi = hi,
                              .strength = (elig_strength)((unsigned)st % 3),
                              .grp = grp % 4,
                              .evidence = ""};
      nr++;
    } else if (line[0] == 'A' && na < MAXR && sscanf(line + 1, "%15s %63s", anames[na], values[na]) >= 1) {
      if (sscanf(line + 1, "%*s %63s", values[na]) != 1) values[na][0] = '\0';
      attrs[na] = (elig_attr){anames[na], values[na]};
      na++;
    } else if (line[0] == 'T') {
      sscanf(line + 1, "%15s", at);
    }
  }
  elig_result res[MAXR];
  elig_outcome a = elig_evaluate(rules, nr, attrs, na, at, res);
  elig_outcome b = elig_evaluate(rules, nr, attrs, na, at, NULL);
  if (a.bucket != b.bucket || a.preferred_met != b.preferred_met || a.n_unknown != b.n_unknown) abort();
  bool must_fail = false, unknown = false;
  elig_rule kept[MAXR];
  size_t nk = 0;
  for (size_t i = 0; i < nr; i++) {
    if (res[i] != elig_eval_rule(&rules[i], attrs, na, at)) abort();
    bool has = false;
    for (size_t j = 0; j < na; j++) has |= strcmp(attrs[j].attr, rules[i].attr) == 0 && attrs[j].value[0];
    bool derived = !strcmp(rules[i].attr, "age_years") || !strcmp(rules[i].attr, "ceo_age");
    if (!has && !derived && res[i] != ELIG_UNKNOWN) abort();
    if (rules[i].strength == RULE_REQUIRED && rules[i].grp <= 0 && res[i] == ELIG_FAIL) must_fail = true;
    if (rules[i].strength == RULE_EXCLUDED && res[i] == ELIG_PASS) must_fail = true;
    if (rules[i].strength != RULE_PREFERRED && rules[i].grp <= 0 && res[i] == ELIG_UNKNOWN) unknown = true;
    if (rules[i].strength != RULE_PREFERRED) kept[nk++] = rules[i];
  }
  if (must_fail && a.bucket != ELIG_BUCKET_INELIGIBLE) abort();
  if (a.bucket == ELIG_BUCKET_ELIGIBLE && unknown) abort();
  if (elig_evaluate(kept, nk, attrs, na, at, NULL).bucket != a.bucket) abort();
  free(text);
  return 0;
}
