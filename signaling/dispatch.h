/* The table of every request type and its handler (one handler function per type). */
#ifndef MOA_SIGNALING_DISPATCH_H
#define MOA_SIGNALING_DISPATCH_H

#include "signaling/hub.h"

/* The handler of type, or NULL. Binary search over the sorted table. */
const handler_def *dispatch_find(const char *type);
/* Index of a handler in the table (for per-type counters), and the table size. */
size_t dispatch_index(const handler_def *d);
size_t dispatch_count(void);
const handler_def *dispatch_at(size_t i);
/* Builds the merged table (once) and checks no type has two handlers; 0 or -1 (logged). */
int dispatch_check(void);

#endif
