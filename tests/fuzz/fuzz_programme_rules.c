/* libFuzzer target: the rule extractor (storage/programme_rules_extract.c). The input is split at
 * the first two NUL-free lines: "format" (a digit 0-4), then "key=value" lines become the item's
 * attributes, "T ...", "S ...", "G ..." its title, summary and target. Oracles: extraction is
 * deterministic (twice, the same rules), every rule it returns passes pr_rule_check, its stored
 * value parses back to the same rule, and the evaluator accepts every rule.
 *
 * Built by `make fuzz` and replayed by ctest (fuzz_replay_programme_rules); see docs/FUZZING.md. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/programme_rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > 65536) return 0;
  char *text = malloc(size + 1);
  if (!text) return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  programme_item it = {0};
  feed_source fmt = (feed_source)((unsigned char)text[0] % FEED_SOURCE_COUNT);
  it.title = strdup(""), it.summary = strdup(""), it.target = strdup("");
  for (char *line = strtok(text + 1, "\n"); line; line = strtok(NULL, "\n")) {
    char **slot = line[0] == 'T' ? &it.title : line[0] == 'S' ? &it.summary : line[0] == 'G' ? &it.target : NULL;
    char *eq = strchr(line, '=');
    if (slot && line[1] == ' ') {
      free(*slot);
      *slot = strdup(line + 2);
    } else if (eq) {
      *eq = '\0';
      programme_item_attr(&it, line, eq + 1);
    }
  }
  pr_set a, b;
  pr_set_init(&a);
  pr_set_init(&b);
  if (pr_extract(fmt, &it, &a) == 0 && pr_extract(fmt, &it, &b) == 0) {
    if (a.n != b.n || (a.n && memcmp(a.rules, b.rules, a.n * sizeof *a.rules) != 0)) abort();
    for (size_t i = 0; i < a.n; i++) {
      char err[PR_REASON_MAX], value[PR_LIST_MAX + 48];
      if (pr_rule_check(&a.rules[i], err, sizeof err) != 0) abort();
      if (pr_value_format(&a.rules[i], value, sizeof value) < 0) abort();
      pr_rule back = a.rules[i];
      if (pr_value_parse(&back, value, err, sizeof err) != 0) abort();
      if (back.lo != a.rules[i].lo || back.hi != a.rules[i].hi || strcmp(back.list, a.rules[i].list) != 0) abort();
      elig_rule v = pr_rule_view(&a.rules[i]);
      elig_attr none = {"revenue", "1"};
      (void)elig_eval_rule(&v, &none, 1, "2026-11-30");
    }
  }
  pr_set_free(&a);
  pr_set_free(&b);
  programme_item_clear(&it);
  free(text);
  return 0;
}
