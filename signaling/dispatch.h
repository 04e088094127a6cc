/* The table of every request type and its handler (one handler function per type), merged from
 * the domains' tables (handlers.h) and sorted by type. The hub owns one (hub_new). */
#ifndef MOA_SIGNALING_DISPATCH_H
#define MOA_SIGNALING_DISPATCH_H

#include <stddef.h>

#include "signaling/hub.h"

typedef struct dispatch dispatch;

/* Builds the merged table. NULL when two handlers claim one type or the table overflows (the
 * reason logged), or when out of memory. */
dispatch *dispatch_new(void);
void dispatch_free(dispatch *d);

/* The handler of type, or NULL. Binary search over the sorted table. */
const handler_def *dispatch_find(const dispatch *d, const char *type);
/* Index of a handler in the table (for per-type counters), and the table size. */
size_t dispatch_index(const dispatch *d, const handler_def *def);
size_t dispatch_count(const dispatch *d);
/* The i-th entry (in order of type), NULL when i >= dispatch_count(d). */
const handler_def *dispatch_at(const dispatch *d, size_t i);

#endif
