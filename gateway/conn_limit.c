/* Connections per address (see conn_limit.h). FNV-1a over the address text picks the bucket. */
#include "gateway/conn_limit.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUCKETS 4096

typedef struct entry {
  struct entry *next;
  int count;
  char address[64];
} entry;

struct conn_limit {
  entry *buckets[BUCKETS];
};

static unsigned bucket_of(const char *address) {
  uint32_t h = 2166136261u;
  for (const unsigned char *p = (const unsigned char *)address; *p; p++) h = (h ^ *p) * 16777619u;
  return h % BUCKETS;
}

static entry **find(conn_limit *c, const char *address) {
  entry **pp = &c->buckets[bucket_of(address)];
  while (*pp && strncmp((*pp)->address, address, sizeof(*pp)->address - 1) != 0) pp = &(*pp)->next;
  return pp;
}

conn_limit *conn_limit_new(void) { return calloc(1, sizeof(conn_limit)); }

void conn_limit_free(conn_limit *c) {
  if (!c) return;
  for (int i = 0; i < BUCKETS; i++)
    for (entry *e = c->buckets[i], *n; e; e = n) {
      n = e->next;
      free(e);
    }
  free(c);
}

int conn_limit_count(const conn_limit *c, const char *address) {
  entry *const *pp = find((conn_limit *)c, address);
  return *pp ? (*pp)->count : 0;
}

int conn_limit_add(conn_limit *c, const char *address) {
  entry **pp = find(c, address);
  if (!*pp) {
    entry *e = calloc(1, sizeof *e);
    if (!e) return -1;
    snprintf(e->address, sizeof e->address, "%s", address);
    *pp = e;
  }
  (*pp)->count++;
  return 0;
}

void conn_limit_remove(conn_limit *c, const char *address) {
  entry **pp = find(c, address);
  entry *e = *pp;
  if (!e) return;
  if (--e->count > 0) return;
  *pp = e->next;
  free(e);
}
