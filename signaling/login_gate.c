/* Sign-in gate (see login_gate.h). A fixed array of slots, scanned linearly: it holds at most
 * `total` attempts (1,024 in the server), admissions and completions are a few per second per
 * client, and a scan of a thousand small structs costs microseconds. Age is a sequence number. */
#include "signaling/login_gate.h"

#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct slot {
  void *item; /* NULL: free */
  bool running;
  uint64_t seq;
  char address[64];
  char account[256];
} slot;

struct login_gate {
  int max_running, per_address, per_account, total;
  size_t nwaiting, nrunning;
  uint64_t next_seq;
  slot *slots;
};

login_gate *login_gate_new(int max_running, int per_address, int per_account, int total) {
  if (max_running < 1 || max_running > LOGIN_GATE_MAX_RUNNING || per_address < 1 || per_account < 1 ||
      total < 1)
    return NULL;
  login_gate *g = calloc(1, sizeof *g);
  if (!g) return NULL;
  g->slots = calloc((size_t)total, sizeof *g->slots);
  if (!g->slots) {
    free(g);
    return NULL;
  }
  g->max_running = max_running;
  g->per_address = per_address;
  g->per_account = per_account;
  g->total = total;
  return g;
}

void login_gate_free(login_gate *g, void (*drop)(void *item)) {
  if (!g) return;
  for (int i = 0; i < g->total; i++)
    if (g->slots[i].item && !g->slots[i].running && drop) drop(g->slots[i].item);
  free(g->slots);
  free(g);
}

login_gate_result login_gate_admit(login_gate *g, const char *address, const char *account, void *item) {
  char a[64], c[256];
  snprintf(a, sizeof a, "%s", address);
  snprintf(c, sizeof c, "%s", account);
  int by_address = 0, by_account = 0;
  slot *free_slot = NULL;
  for (int i = 0; i < g->total; i++) {
    slot *s = &g->slots[i];
    if (!s->item) {
      if (!free_slot) free_slot = s;
      continue;
    }
    if (strcmp(s->address, a) == 0) by_address++;
    if (strcmp(s->account, c) == 0) by_account++;
  }
  if (!free_slot) return LOGIN_GATE_FULL;
  if (by_address >= g->per_address) return LOGIN_GATE_ADDRESS_FULL;
  if (by_account >= g->per_account) return LOGIN_GATE_ACCOUNT_FULL;
  free_slot->item = item;
  free_slot->running = false;
  free_slot->seq = g->next_seq++;
  memcpy(free_slot->address, a, sizeof a);
  memcpy(free_slot->account, c, sizeof c);
  g->nwaiting++;
  return LOGIN_GATE_OK;
}

/* Whether one of the n running slots has s's account (and, with by_address, its address). */
static bool busy_key(slot *const *running, size_t n, const slot *s, bool by_address) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(running[i]->account, s->account) == 0 ||
        (by_address && strcmp(running[i]->address, s->address) == 0))
      return true;
  return false;
}

/* The oldest waiting slot that may start: its account has no check running and, with
 * by_address, neither has its address. One pass over the slots, each compared with the running
 * ones only (at most max_running). */
static slot *oldest_startable(login_gate *g, slot *const *running, size_t n, bool by_address) {
  slot *best = NULL;
  for (int i = 0; i < g->total; i++) {
    slot *s = &g->slots[i];
    if (!s->item || s->running || (best && best->seq < s->seq)) continue;
    if (busy_key(running, n, s, by_address)) continue;
    best = s;
  }
  return best;
}

void *login_gate_next(login_gate *g) {
  if (g->nrunning >= (size_t)g->max_running || g->nwaiting == 0) return NULL;
  /* Addresses take turns; a worker left idle by that serves an address that already has a check
   * running (one office's sign-ins use every worker when nobody else waits). */
  slot *run[LOGIN_GATE_MAX_RUNNING];
  size_t n = 0;
  assert(g->nrunning < LOGIN_GATE_MAX_RUNNING);
  for (int i = 0; i < g->total && n < g->nrunning; i++)
    if (g->slots[i].item && g->slots[i].running) run[n++] = &g->slots[i];
  slot *best = oldest_startable(g, run, n, true);
  if (!best) best = oldest_startable(g, run, n, false);
  if (!best) return NULL;
  best->running = true;
  g->nwaiting--;
  g->nrunning++;
  return best->item;
}

void login_gate_done(login_gate *g, void *item) {
  for (int i = 0; i < g->total; i++) {
    slot *s = &g->slots[i];
    if (s->item != item) continue;
    if (s->running)
      g->nrunning--;
    else
      g->nwaiting--;
    memset(s, 0, sizeof *s);
    return;
  }
}

size_t login_gate_waiting(const login_gate *g) { return g->nwaiting; }
size_t login_gate_running(const login_gate *g) { return g->nrunning; }
