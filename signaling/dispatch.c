/* Dispatch table (see dispatch.h). Each domain declares its own table in its handlers file
 * (handlers.h); dispatch_check() merges them once at start-up into one array sorted by type,
 * refusing duplicates, so lookups are a binary search and adding a domain touches one line here. */
#include "signaling/dispatch.h"

#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "signaling/handlers.h"

static const handler_def *const domains[] = {
    meeting_handlers, guest_handlers,      auth_handlers,  core_handlers,    chat_handlers, partner_handlers,
    room_handlers,    room_admin_handlers, media_handlers, control_handlers, org_handlers,        signup_handlers,
    programme_handlers, programme_admin_handlers, recording_handlers,
};

#define MAX_HANDLERS 256
static handler_def table[MAX_HANDLERS];
static size_t ntable;

static int cmp_def(const void *a, const void *b) {
  return strcmp(((const handler_def *)a)->type, ((const handler_def *)b)->type);
}

static int cmp_key(const void *key, const void *elem) {
  return strcmp((const char *)key, ((const handler_def *)elem)->type);
}

int dispatch_check(void) {
  if (ntable) return 0;
  size_t n = 0;
  for (size_t d = 0; d < sizeof domains / sizeof domains[0]; d++)
    for (const handler_def *h = domains[d]; h->type; h++) {
      if (n == MAX_HANDLERS) {
        log_error("dispatch: more than %d handlers", MAX_HANDLERS);
        return -1;
      }
      table[n++] = *h;
    }
  qsort(table, n, sizeof table[0], cmp_def);
  for (size_t i = 1; i < n; i++)
    if (strcmp(table[i - 1].type, table[i].type) == 0) {
      log_error("dispatch: two handlers for %s", table[i].type);
      return -1;
    }
  ntable = n;
  return 0;
}

const handler_def *dispatch_find(const char *type) {
  if (!ntable && dispatch_check() != 0) return NULL;
  return bsearch(type, table, ntable, sizeof table[0], cmp_key);
}
size_t dispatch_index(const handler_def *d) { return (size_t)(d - table); }
size_t dispatch_count(void) {
  if (!ntable) dispatch_check();
  return ntable;
}
const handler_def *dispatch_at(size_t i) { return i < dispatch_count() ? &table[i] : NULL; }
