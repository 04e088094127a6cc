/* Read access to the consortia as the directory and the admin pages show them: sector, lead and
 * linked regions with their industrial complexes, member organizations. Used by the signaling
 * handlers (consortium.list, consortium.get, whose JSON signaling/consortium_json.h builds) and
 * the `moa consortium list` command. Results reach the caller through callbacks, as C structs
 * whose strings are valid only during the call. */
#ifndef MOA_STORAGE_CONSORTIUM_STORE_H
#define MOA_STORAGE_CONSORTIUM_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage/db.h"
#include "storage/store_status.h"

#define CONSORTIUM_STORE_MAX_PAGE 500

/* A region linked to a consortium and the consortium's complexes in it. */
typedef struct consortium_region {
  const char *region;
  const char *const *complexes;
  size_t ncomplexes;
} consortium_region;

/* A consortium. Text columns are NULL when the database holds NULL. regions: the lead region
 * first, then in the order the complexes were loaded (data/consortia.tsv). */
typedef struct consortium_info {
  int64_t id;
  const char *name_ko, *name_en;
  int64_t sector_id;
  const char *sector_ko, *sector_en;
  const char *sector_detail_ko, *sector_detail_en;
  const char *lead_region, *lead_complex;
  const consortium_region *regions;
  size_t nregions;
  int64_t organization_count;
  bool active;
} consortium_info;

/* A member organization of a consortium. complex is NULL when unknown. */
typedef struct consortium_member {
  int64_t id;
  const char *name, *kind, *region, *complex, *size;
} consortium_member;

typedef void (*consortium_fn)(void *arg, const consortium_info *c);
typedef void (*consortium_member_fn)(void *arg, const consortium_member *m);

/* Gives fn every consortium, ordered by id. Returns STORE_OK, or STORE_ERROR on a database error
 * or out of memory (fn may have been called for the first ones: the caller drops them). */
store_status consortium_store_list(moa_db *db, consortium_fn fn, void *arg);

/* Gives fn consortium id (its organization_count is the total of members), then member_fn up to
 * org_limit (clamped to [0, CONSORTIUM_STORE_MAX_PAGE]) members from org_offset (negative counts as
 * 0), ordered by name then id. Returns STORE_OK, STORE_NOT_FOUND (no such consortium, fn not
 * called) or STORE_ERROR (the caller drops what it was given). */
store_status consortium_store_get(moa_db *db, int64_t id, int org_limit, int org_offset, consortium_fn fn,
                                  consortium_member_fn member_fn, void *arg);

/* Returns 1 when consortium id exists (active or not), 0 when not, -1 on a database error. */
int consortium_store_exists(moa_db *db, int64_t id);

#endif
