/* Shared pieces of the JSON feed parsers (feed_bizinfo.c, feed_kstartup.c, feed_smes24.c):
 * loading a file with jansson after repairing its UTF-8, reading a field of a known type, and
 * walking an item array. Private to storage/feed_*.c. The JSON here is the feeds' input format
 * (bytes from the programme agencies' APIs), not the client protocol: the parsers hand back C
 * structs (programme_batch). The parsed document is declared as jansson's struct json_t without
 * including jansson; the feed_*.c files that walk it include jansson themselves. */
#ifndef MOA_STORAGE_FEED_INT_H
#define MOA_STORAGE_FEED_INT_H

#include <stdbool.h>

#include "storage/feed.h"

struct json_t;

/* Checks size and emptiness, repairs non-UTF-8 bytes (counted in b->bad_bytes) and parses. NULL
 * with err set on failure. */
struct json_t *feedj_load(const char *data, size_t len, programme_batch *b, char *err, size_t errlen);

/* The text of obj[key]: a string as is, an integer or real written in decimal, NULL when absent
 * or null. Returns 0 (*out malloc'd or NULL), 1 for another type (why set), -1 out of memory. */
int feedj_text(struct json_t *obj, const char *key, char **out, char *why, size_t whylen);

/* feedj_text passed through ptext_clean (multiline or not); absent gives NULL. */
int feedj_clean(struct json_t *obj, const char *key, bool multiline, char **out, char *why, size_t whylen);

/* feedj_clean of obj[key] kept as the item's attribute key (programme_item_attr); an absent or
 * empty value adds nothing. Returns 0, 1 for a value of another type (why set), -1 out of memory. */
int feedj_attr(struct json_t *obj, programme_item *it, const char *key, bool multiline, char *why,
               size_t whylen);

/* In an item parser with `int rc` and an `out:` label that frees what it read: runs x, keeps its
 * result in rc and jumps to out unless it is 0. */
#define FEEDJ_TRY(x)               \
  do {                             \
    if ((rc = (x)) != 0) goto out; \
  } while (0)

/* Fills an item from one JSON object: 0 done, 1 refused (why set), -1 out of memory. */
typedef int (*feedj_item_fn)(struct json_t *obj, programme_item *it, char *why, size_t whylen);

/* Parses every element of arr (an array, a single object, or an empty object) with fn into b.
 * Returns 0, or -1 when out of memory. */
int feedj_items(struct json_t *arr, programme_batch *b, feedj_item_fn fn);

/* The id of obj for a reject line: obj[key] as text, or "". malloc'd, NULL when out of memory. */
char *feedj_id(struct json_t *obj, const char *key);

/* The period from a text field (programme_period_parse) into it; 1 with why on a bad period. */
int feed_period_text(programme_item *it, const char *text, char *why, size_t whylen);

#endif
