/* The in-memory directory index: for every organization, the fields a partner search filters and
 * counts on (sector, region, complex, kind, size, exports, hidden_outside, consortia) and its
 * place in name order, packed in arrays. A search takes the matching ids from the bigram FTS
 * index and does visibility, filters, facets and ordering here in C: reading those fields through
 * SQL cost ~25 µs per matching row (8,600 rows for 수소 in a 100,000-organization directory),
 * this costs well under one.
 *
 * It is a cache of the tables, kept per connection (db_ext slot DB_EXT_DIRECTORY) and rebuilt
 * when directory_version (bumped by triggers of migration 006 on every write to organizations
 * and memberships, from any connection) differs from the version it was built at. Owned by the
 * connection's thread, like the connection. */
#ifndef MOA_STORAGE_DIRECTORY_INDEX_H
#define MOA_STORAGE_DIRECTORY_INDEX_H

#include <stdbool.h>
#include <stdint.h>

#include "storage/db.h"

typedef struct dir_entry {
  int64_t id;
  int64_t sector_id, region_id, complex_id; /* 0 when NULL */
  int8_t kind, size;                        /* indexes into directory_index_kinds / _sizes */
  bool exports, hidden;
  uint32_t name_rank;         /* position in (name, id) order */
  uint32_t cons_first, ncons; /* its consortium ids: cons[cons_first .. cons_first + ncons) */
} dir_entry;

typedef struct dir_index {
  int64_t version;
  uint32_t n;
  dir_entry *e;      /* in id order */
  uint32_t *by_name; /* entry indexes in name order */
  int64_t *cons;
  uint32_t *slot; /* id -> entry index + 1 (0: none), for ids 0..max_id */
  int64_t max_id;
} dir_index;

/* NULL-terminated value lists of organizations.kind and .size; an entry's kind and size index them. */
extern const char *const directory_index_kinds[];
extern const char *const directory_index_sizes[];

/* The connection's index, rebuilt first when the tables changed since it was built. NULL on a
 * database error or out of memory (the previous index, if any, is dropped). */
const dir_index *directory_index_get(moa_db *db);

/* The entry of organization id, or NULL. */
static inline const dir_entry *directory_index_find(const dir_index *x, int64_t id) {
  return id >= 0 && id <= x->max_id && x->slot[id] ? &x->e[x->slot[id] - 1] : NULL;
}

/* Whether the entry is a member of consortium_id. */
bool directory_index_in(const dir_index *x, const dir_entry *e, int64_t consortium_id);

#endif
