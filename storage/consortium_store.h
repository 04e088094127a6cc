/* Read access to the consortia as the directory and the admin pages show them: sector, lead and
 * linked regions with their industrial complexes, member organizations. Used by the signaling
 * handlers (consortium.list, consortium.get) and the admin views; results are jansson objects
 * ready to be placed in a reply. */
#ifndef MOA_STORAGE_CONSORTIUM_STORE_H
#define MOA_STORAGE_CONSORTIUM_STORE_H

#include <jansson.h>
#include <stdint.h>

#include "storage/db.h"

#define CONSORTIUM_STORE_MAX_PAGE 500

/* Returns a new array of every consortium ordered by id, each
 *   {id, name_ko, name_en, sector {id, name_ko, name_en}, sector_detail_ko, sector_detail_en,
 *    lead_region, lead_complex, regions: [{region, complexes: [name...]}...],
 *    organization_count, active}
 * with the lead region first in regions. Returns NULL on a database error or out of memory. */
json_t *consortium_store_list(moa_db *db);

/* Returns consortium id as in consortium_store_list plus organization_total and organizations:
 * up to org_limit (clamped to [0, CONSORTIUM_STORE_MAX_PAGE]) members from org_offset (negative
 * counts as 0), ordered by name then id, each {id, name, kind, region, complex, size} (complex is
 * null when unknown). Returns NULL when there is no such consortium, on a database error, or out
 * of memory. */
json_t *consortium_store_get(moa_db *db, int64_t id, int org_limit, int org_offset);

/* Returns 1 when consortium id exists (active or not), 0 when not, -1 on a database error. */
int consortium_store_exists(moa_db *db, int64_t id);

#endif
