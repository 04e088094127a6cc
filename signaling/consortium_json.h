/* JSON of the consortia (docs/PROTOCOL.md, consortium.list and consortium.get), built from
 * storage/consortium_store.h's C structs. Used by handlers_core.c and the consortium store's unit
 * tests; no other file builds these shapes.
 *
 *   consortium: {id, name_ko, name_en, sector {id, name_ko, name_en}, sector_detail_ko,
 *                sector_detail_en, lead_region, lead_complex, regions: [{region, complexes:
 *                [name...]}...], organization_count, active}   (a NULL text is null)
 *   get:        consortium plus organization_total and organizations: [{id, name, kind, region,
 *                complex (null when unknown), size}] */
#ifndef MOA_SIGNALING_CONSORTIUM_JSON_H
#define MOA_SIGNALING_CONSORTIUM_JSON_H

#include <jansson.h>

#include "storage/consortium_store.h"

/* The consortium object of c. New reference, or NULL out of memory. */
json_t *consortium_json(const consortium_info *c);

/* consortium_store_list as a new array of consortium objects, or NULL on a database error or out
 * of memory. */
json_t *consortium_json_list(moa_db *db);

/* consortium_store_get as the get object in *out (NULL unless STORE_OK). Returns its status
 * (STORE_ERROR also out of memory). */
store_status consortium_json_get(moa_db *db, int64_t id, int org_limit, int org_offset, json_t **out);

#endif
