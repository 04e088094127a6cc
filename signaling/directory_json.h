/* JSON of the partner directory (docs/PROTOCOL.md, partner.*), built from what
 * storage/directory_store.h hands over in C: a profile, a search page with its facets, contact
 * people, suggestions, and the parse of a partner.update "fields" object into a profile edit.
 * Used by handlers_partner.c, bench/bench_directory.c and the directory's unit tests; no other
 * file builds these shapes.
 *
 * Shapes (each function's *out is a new reference owned by the caller; NULL on failure):
 *   profile: {"id": 12, "name": "…", "name_en": "…", "kind": "company",
 *             "sector": {"id": 1, "name_ko": "…", "name_en": "…"} | null,
 *             "region": {"id": 3, "name_ko": "울산"}, "complex": {"id": 5, "name_ko": "…"} | null,
 *             "size": "small", "revenue_band": "unknown", "exports": true, "capabilities": "…",
 *             "keywords": "…", "description": "…", "hidden_outside": false,
 *             "consortia": [{"id": 2, "name_ko": "…", "name_en": "…"}]}
 *   search:  {"total": 134, "offset": 0, "limit": 20, "results": [profile…],
 *             "facets": {"sector": [{"id": 1, "name": "수소", "count": 40}],
 *                        "region": [{"id": 3, "name": "울산", "count": 7}],
 *                        "consortium": [{"id": 2, "name": "…", "count": 12}],
 *                        "kind": [{"value": "company", "count": 100}],
 *                        "size": [{"value": "small", "count": 60}],
 *                        "exports": [{"value": true, "count": 30}]}}
 *   contacts: {"org_id": 12, "contacts": [{"user_id": 7, "name": "…", "email": "…"}]}
 *   suggestions: {"org_id": 12, "suggestions": [{"org": profile | null, "score": 9, "matched": ["…"],
 *             "reason_ko": "같은 업종, 다른 지역 · 제공: 수소연료전지",
 *             "reason_en": "same sector, different region; offers 수소연료전지 you searched for"}]} */
#ifndef MOA_SIGNALING_DIRECTORY_JSON_H
#define MOA_SIGNALING_DIRECTORY_JSON_H

#include <jansson.h>

#include "storage/directory_store.h"

/* The profile object of p. New reference. */
json_t *directory_json_profile(const directory_profile *p);

/* directory_store_search as the search object. Returns its status; *out is NULL unless STORE_OK. */
store_status directory_json_search(moa_db *db, int64_t viewer_id, const directory_query *q, json_t **out);

/* directory_store_get as the profile object. Same returns; *out NULL unless STORE_OK. */
store_status directory_json_get(moa_db *db, int64_t viewer_id, int64_t org_id, json_t **out);

/* directory_store_contacts as the contacts object. Same returns; *out NULL unless STORE_OK. */
store_status directory_json_contacts(moa_db *db, int64_t viewer_id, int64_t org_id, json_t **out);

/* directory_store_suggest as the suggestions object. Same returns; *out NULL unless STORE_OK. */
store_status directory_json_suggest(moa_db *db, int64_t viewer_id, int64_t org_id, int limit, json_t **out);

/* Reads a partner.update "fields" object into *edit (strings borrowed from fields): "name",
 * "name_en", "size", "revenue_band", "capabilities", "keywords", "description" (strings without
 * an embedded NUL), "exports", "hidden_outside" (booleans). Returns STORE_OK, or STORE_INVALID
 * for anything else (not an object, an unknown field, a wrong type). */
store_status directory_json_edit(json_t *fields, directory_profile_edit *edit);

/* directory_json_edit, then directory_store_update_profile of org_id: all or nothing. *out (may be
 * NULL) receives the new profile object. Returns the first failing status; *out NULL unless
 * STORE_OK. */
store_status directory_json_update(moa_db *db, int64_t org_id, json_t *fields, json_t **out);

#endif
