/* Address throttle (see throttle.h). */
#include "signaling/throttle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 1024

typedef struct slot {
  char address[64];
  int failures;
  int64_t window_start;
  int64_t locked_until;
  int64_t last_used;
} slot;

struct throttle {
  slot table[SLOTS];
};

throttle *throttle_new(void) { return calloc(1, sizeof(throttle)); }
void throttle_free(throttle *t) { free(t); }

static slot *find(throttle *t, const char *address, int64_t now, int create) {
  slot *table = t->table, *oldest = &table[0];
  for (int i = 0; i < SLOTS; i++) {
    if (table[i].address[0] && strcmp(table[i].address, address) == 0) {
      table[i].last_used = now;
      return &table[i];
    }
    if (table[i].last_used < oldest->last_used) oldest = &table[i];
  }
  if (!create) return NULL;
  memset(oldest, 0, sizeof *oldest);
  snprintf(oldest->address, sizeof oldest->address, "%s", address);
  oldest->window_start = now;
  oldest->last_used = now;
  return oldest;
}

int64_t throttle_locked_for(throttle *t, const char *address, int64_t now) {
  slot *s = find(t, address, now, 0);
  return s && s->locked_until > now ? s->locked_until - now : 0;
}

int throttle_record_failure(throttle *t, const char *address, int64_t now) {
  slot *s = find(t, address, now, 1);
  if (now - s->window_start > THROTTLE_WINDOW_S) {
    s->window_start = now;
    s->failures = 0;
  }
  if (++s->failures >= THROTTLE_MAX_FAILURES) s->locked_until = now + THROTTLE_LOCK_S;
  return s->failures;
}

void throttle_clear(throttle *t, const char *address) {
  slot *s = find(t, address, 0, 0);
  if (s) memset(s, 0, sizeof *s);
}
