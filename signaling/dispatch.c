/* Dispatch table (see dispatch.h). Each domain declares its own table in its handlers file
 * (handlers.h); dispatch_new() merges them into one array sorted by type, refusing duplicates,
 * so lookups are a binary search and adding a domain touches one line here. */
#include "signaling/dispatch.h"

#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "signaling/handlers.h"

static const handler_def *const domains[] = {
    meeting_handlers,   guest_handlers,           auth_handlers,      core_handlers,
    chat_handlers,      partner_handlers,         room_handlers,      room_admin_handlers,
    media_handlers,     control_handlers,         org_handlers,       signup_handlers,
    programme_handlers, programme_admin_handlers, recording_handlers,
};

#define MAX_HANDLERS 256

struct dispatch {
  handler_def table[MAX_HANDLERS];
  size_t n;
};

static int cmp_def(const void *a, const void *b) {
  return strcmp(((const handler_def *)a)->type, ((const handler_def *)b)->type);
}

static int cmp_key(const void *key, const void *elem) {
  return strcmp((const char *)key, ((const handler_def *)elem)->type);
}

dispatch *dispatch_new(void) {
  dispatch *d = calloc(1, sizeof *d);
  if (!d) return NULL;
  size_t n = 0;
  for (size_t k = 0; k < sizeof domains / sizeof domains[0]; k++)
    for (const handler_def *h = domains[k]; h->type; h++) {
      if (n == MAX_HANDLERS) {
        log_error("dispatch: more than %d handlers", MAX_HANDLERS);
        goto fail;
      }
      d->table[n++] = *h;
    }
  qsort(d->table, n, sizeof d->table[0], cmp_def);
  for (size_t i = 1; i < n; i++)
    if (strcmp(d->table[i - 1].type, d->table[i].type) == 0) {
      log_error("dispatch: two handlers for %s", d->table[i].type);
      goto fail;
    }
  d->n = n;
  return d;
fail:
  free(d);
  return NULL;
}

void dispatch_free(dispatch *d) { free(d); }

const handler_def *dispatch_find(const dispatch *d, const char *type) {
  return bsearch(type, d->table, d->n, sizeof d->table[0], cmp_key);
}
size_t dispatch_index(const dispatch *d, const handler_def *def) { return (size_t)(def - d->table); }
size_t dispatch_count(const dispatch *d) { return d->n; }
const handler_def *dispatch_at(const dispatch *d, size_t i) { return i < d->n ? &d->table[i] : NULL; }
