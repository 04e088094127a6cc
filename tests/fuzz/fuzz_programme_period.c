/* libFuzzer target: the free-text application period parser (storage/programme_period.c). Each
 * input is split at its first NUL into a period text and, after it, a begin/end pair split at a
 * '|' (programme_period_from_dates). An accepted period is consistent (a dated one has an end
 * and closes after it opens at a Seoul 23:59:59 or a named hour; others have no end); a refused
 * one says why and leaves the result zeroed.
 *
 * Built by `make fuzz` and replayed by ctest (fuzz_replay_programme_period); see docs/FUZZING.md. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "storage/programme_period.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok, const programme_period *p, const char *err) {
  if (!ok) {
    if (!err || p->kind || p->closes_at || p->opens_at || p->start[0] || p->end[0]) abort();
    return;
  }
  if (p->kind == PERIOD_DATED) {
    if (strlen(p->end) != 10 || !p->closes_at || (p->opens_at && p->closes_at < p->opens_at)) abort();
  } else if (p->end[0] || p->closes_at) {
    abort();
  }
  if (p->start[0] && strlen(p->start) != 10) abort();
  const char *st = programme_period_status(p, (int64_t)p->closes_at + 1);
  if (strcmp(st, "open") && strcmp(st, "closed") && strcmp(st, "upcoming")) abort();
  if (p->kind == PERIOD_DATED && strcmp(st, "closed") != 0) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = malloc(size + 1);
  if (!text) return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  programme_period p;
  const char *err = NULL;
  bool ok = programme_period_parse(text, &p, &err); /* before check(): err is set by the call */
  check(ok, &p, err);
  size_t n = strlen(text);
  if (n < size) {
    char *pair = text + n + 1;
    char *bar = strchr(pair, '|');
    if (bar) *bar = '\0';
    err = NULL;
    ok = programme_period_from_dates(pair, bar ? bar + 1 : NULL, &p, &err);
    check(ok, &p, err);
  }
  free(text);
  return 0;
}
