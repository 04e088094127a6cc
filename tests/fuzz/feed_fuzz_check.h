/* What every feed fuzz target asserts about a parse (included by fuzz_feed_*.c): a refused file
 * leaves the batch empty and says why; an accepted one accounts for every item it saw (accepted
 * + rejected = seen), and every accepted item has an id and a title, valid UTF-8 without control
 * characters in every text, no duplicate ids, a consistent period (a dated one closes after it
 * opens, others have no end), and amounts in order; every reject has a reason. */
#ifndef MOA_TESTS_FUZZ_FEED_FUZZ_CHECK_H
#define MOA_TESTS_FUZZ_FEED_FUZZ_CHECK_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "storage/feed.h"
#include "storage/programme_text.h"

static void feed_fuzz_text(const char *s) {
  if (!s || ptext_error(s)) abort();
}

static int feed_fuzz_check(feed_source src, const uint8_t *data, size_t size) {
  programme_batch b;
  char err[256] = "";
  int rc = feed_parse(src, (const char *)data, size, &b, err, sizeof err);
  if (rc != 0) {
    if (rc != -1 || !err[0] || b.nitems || b.nrejects) abort();
    programme_batch_free(&b);
    return 0;
  }
  if (b.nitems + b.nrejects != b.seen) abort();
  for (size_t i = 0; i < b.nitems; i++) {
    const programme_item *it = &b.items[i];
    if (!*it->source_id || !*it->title || !*it->agency) abort();
    const char *texts[] = {it->source_id, it->title,  it->agency, it->executor,    it->summary,   it->fields,
                           it->regions,   it->target, it->url,    it->attachments, it->period_raw};
    for (size_t k = 0; k < sizeof texts / sizeof *texts; k++) feed_fuzz_text(texts[k]);
    if (!it->raw) abort();
    if (strchr(it->title, '\n')) abort();
    for (size_t j = 0; j < i; j++)
      if (strcmp(b.items[j].source_id, it->source_id) == 0) abort();
    const programme_period *p = &it->period;
    if (p->kind == PERIOD_DATED) {
      if (!p->end[0] || !p->closes_at || (p->opens_at && p->closes_at < p->opens_at)) abort();
    } else if (p->end[0] || p->closes_at) {
      abort();
    }
    if (it->amount_min >= 0 && it->amount_max >= 0 && it->amount_min > it->amount_max) abort();
    for (size_t k = 0; k < it->nattrs; k++) feed_fuzz_text(it->attrs[k].value);
  }
  for (size_t i = 0; i < b.nrejects; i++)
    if (!b.rejects[i].reason[0] || b.rejects[i].index >= b.seen) abort();
  programme_batch_free(&b);
  return 0;
}

#endif
