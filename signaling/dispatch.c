/* Dispatch table (see dispatch.h). Keep it sorted by type: dispatch_check() verifies at start-up
 * and a unit test verifies it too. */
#include "signaling/dispatch.h"

#include <stdlib.h>
#include <string.h>

#include "gateway/log.h"
#include "signaling/handlers.h"

static const handler_def table[] = {
    {"auth.login", handle_auth_login, HANDLER_PUBLIC},
    {"auth.logout", handle_auth_logout, 0},
    {"auth.resume", handle_auth_resume, HANDLER_PUBLIC},
    {"consortium.get", handle_consortium_get, 0},
    {"consortium.list", handle_consortium_list, 0},
    {"me.get", handle_me_get, 0},
    {"system.ping", handle_system_ping, HANDLER_PUBLIC},
};
#define NTABLE (sizeof table / sizeof table[0])

static int cmp(const void *key, const void *elem) {
  return strcmp((const char *)key, ((const handler_def *)elem)->type);
}

const handler_def *dispatch_find(const char *type) { return bsearch(type, table, NTABLE, sizeof table[0], cmp); }
size_t dispatch_index(const handler_def *d) { return (size_t)(d - table); }
size_t dispatch_count(void) { return NTABLE; }
const handler_def *dispatch_at(size_t i) { return i < NTABLE ? &table[i] : NULL; }

int dispatch_check(void) {
  for (size_t i = 1; i < NTABLE; i++)
    if (strcmp(table[i - 1].type, table[i].type) >= 0) {
      log_error("dispatch table out of order at %s", table[i].type);
      return -1;
    }
  return 0;
}
