/* Programme items and feed batches (see programme_item.h). */
#include "storage/programme_item.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/programme_text.h"

static const char *const source_names[FEED_SOURCE_COUNT] = {"bizinfo_json", "bizinfo_rss", "kstartup",
                                                            "smes24", "csv"};

const char *feed_source_name(feed_source s) {
  return (unsigned)s < FEED_SOURCE_COUNT ? source_names[s] : "unknown";
}

bool feed_source_from_name(const char *name, feed_source *out) {
  for (int i = 0; i < FEED_SOURCE_COUNT; i++)
    if (name && strcmp(name, source_names[i]) == 0) {
      *out = (feed_source)i;
      return true;
    }
  return false;
}

void programme_batch_init(programme_batch *b, feed_source source) {
  *b = (programme_batch){0};
  b->source = source;
  b->total_count = -1;
}

void programme_item_clear(programme_item *it) {
  char **strs[] = {&it->source_id,  &it->title,   &it->agency,  &it->executor, &it->summary,
                   &it->fields,     &it->regions, &it->target,  &it->url,      &it->attachments,
                   &it->period_raw, &it->created, &it->updated, &it->raw};
  for (size_t i = 0; i < sizeof strs / sizeof *strs; i++) free(*strs[i]);
  for (size_t i = 0; i < it->nattrs; i++) {
    free(it->attrs[i].key);
    free(it->attrs[i].value);
  }
  free(it->attrs);
  *it = (programme_item){0};
}

void programme_batch_free(programme_batch *b) {
  for (size_t i = 0; i < b->nitems; i++) programme_item_clear(&b->items[i]);
  free(b->items);
  for (size_t i = 0; i < b->nrejects; i++) {
    free(b->rejects[i].source_id);
    free(b->rejects[i].reason);
  }
  free(b->rejects);
  free(b->id_slots);
  *b = (programme_batch){0};
}

int programme_batch_reject(programme_batch *b, size_t index, const char *id, const char *reason) {
  if (b->nrejects == b->rejects_cap) {
    size_t cap = b->rejects_cap ? b->rejects_cap * 2 : 16;
    programme_reject *r = realloc(b->rejects, cap * sizeof *r);
    if (!r) return -1;
    b->rejects = r;
    b->rejects_cap = cap;
  }
  programme_reject *r = &b->rejects[b->nrejects];
  r->index = index;
  r->source_id = strdup(id ? id : "");
  r->reason = strdup(reason);
  if (!r->source_id || !r->reason) {
    free(r->source_id);
    free(r->reason);
    return -1;
  }
  b->nrejects++;
  return 0;
}

static uint64_t hash_str(const char *s) {
  uint64_t h = 1469598103934665603ull;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
  return h;
}

/* Slot values are item index + 1 (0 = empty). Returns the index of the item with id, or -1 and
 * *slot_out the empty slot where it would go. */
static long find_id(const programme_batch *b, const char *id, size_t *slot_out) {
  size_t mask = b->id_cap - 1;
  for (size_t s = hash_str(id) & mask;; s = (s + 1) & mask) {
    if (!b->id_slots[s]) {
      *slot_out = s;
      return -1;
    }
    if (strcmp(b->items[b->id_slots[s] - 1].source_id, id) == 0) return (long)(b->id_slots[s] - 1);
  }
}

static int grow_ids(programme_batch *b) {
  size_t cap = b->id_cap ? b->id_cap * 2 : 64;
  size_t *slots = calloc(cap, sizeof *slots);
  if (!slots) return -1;
  size_t *old = b->id_slots;
  b->id_slots = slots;
  b->id_cap = cap;
  free(old);
  for (size_t i = 0; i < b->nitems; i++) {
    size_t s = 0; /* set by find_id (ids are unique, the table has room); gcc -O3 cannot see it */
    (void)find_id(b, b->items[i].source_id, &s);
    b->id_slots[s] = i + 1;
  }
  return 0;
}

/* The first problem of it, or NULL. why has room for a message naming the field. */
static const char *check_item(const programme_item *it, char *why, size_t len) {
  if (!it->source_id || !*it->source_id) return "missing id";
  if (strlen(it->source_id) > 100) return "id longer than 100 bytes";
  if (!it->title || !*it->title) return "missing title";
  if (!it->agency || !*it->agency) return "missing agency";
  const struct {
    const char *name, *value;
    size_t max;
  } texts[] = {{"id", it->source_id, 100},      {"title", it->title, 1000},
               {"agency", it->agency, 400},     {"executor", it->executor, 400},
               {"summary", it->summary, 65536}, {"fields", it->fields, 2000},
               {"regions", it->regions, 400},   {"target", it->target, 65536},
               {"url", it->url, 2000},          {"attachments", it->attachments, 8000},
               {"period", it->period_raw, 600}, {"created", it->created, 64},
               {"updated", it->updated, 64}};
  for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
    const char *v = texts[i].value ? texts[i].value : "";
    const char *e = ptext_error(v);
    if (e) {
      snprintf(why, len, "%s: %s", texts[i].name, e);
      return why;
    }
    if (strlen(v) > texts[i].max) {
      snprintf(why, len, "%s: longer than %zu bytes", texts[i].name, texts[i].max);
      return why;
    }
  }
  for (size_t i = 0; i < it->nattrs; i++) {
    const char *e = ptext_error(it->attrs[i].value);
    if (e) {
      snprintf(why, len, "%s: %s", it->attrs[i].key, e);
      return why;
    }
  }
  if (it->amount_min >= 0 && it->amount_max >= 0 && it->amount_min > it->amount_max)
    return "amount: minimum above maximum";
  return NULL;
}

/* Every string field non-NULL ("" for absent ones), so readers need no NULL checks. */
static int fill_empty(programme_item *it) {
  char **strs[] = {&it->executor,    &it->summary,    &it->fields,  &it->regions, &it->target, &it->url,
                   &it->attachments, &it->period_raw, &it->created, &it->updated, &it->raw};
  for (size_t i = 0; i < sizeof strs / sizeof *strs; i++)
    if (!*strs[i] && !(*strs[i] = strdup(""))) return -1;
  return 0;
}

int programme_batch_add(programme_batch *b, size_t index, programme_item *it) {
  char why[160];
  const char *problem = check_item(it, why, sizeof why);
  if (!problem && fill_empty(it) < 0) {
    programme_item_clear(it);
    return -1;
  }
  if (!problem && (b->nitems + 1) * 2 > b->id_cap && grow_ids(b) < 0) {
    programme_item_clear(it);
    return -1;
  }
  size_t slot = 0;
  long first = problem ? -1 : find_id(b, it->source_id, &slot);
  if (first >= 0) {
    snprintf(why, sizeof why, "duplicated id (first seen as item %zu)", (size_t)first + 1);
    problem = why;
  }
  if (problem) {
    int rc = programme_batch_reject(b, index, it->source_id, problem);
    programme_item_clear(it);
    return rc;
  }
  if (b->nitems == b->items_cap) {
    size_t cap = b->items_cap ? b->items_cap * 2 : 32;
    programme_item *items = realloc(b->items, cap * sizeof *items);
    if (!items) {
      programme_item_clear(it);
      return -1;
    }
    b->items = items;
    b->items_cap = cap;
  }
  b->items[b->nitems] = *it;
  b->id_slots[slot] = ++b->nitems;
  *it = (programme_item){0};
  return 0;
}

int programme_item_attr(programme_item *it, const char *key, const char *value) {
  programme_attr *a = realloc(it->attrs, (it->nattrs + 1) * sizeof *a);
  if (!a) return -1;
  it->attrs = a;
  a[it->nattrs].key = strdup(key);
  a[it->nattrs].value = strdup(value);
  if (!a[it->nattrs].key || !a[it->nattrs].value) {
    free(a[it->nattrs].key);
    free(a[it->nattrs].value);
    return -1;
  }
  it->nattrs++;
  return 0;
}

const char *programme_item_get_attr(const programme_item *it, const char *key) {
  for (size_t i = 0; i < it->nattrs; i++)
    if (strcmp(it->attrs[i].key, key) == 0) return it->attrs[i].value;
  return NULL;
}
