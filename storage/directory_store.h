/* The partner directory: search over organization profiles (free text in Korean and English
 * through the bigram index organizations_grams, plus filters), facet counts, profiles and their
 * contact people, partner suggestions and profile edits. Domain functions over a moa_db for the
 * signaling thread's partner handlers; the store keeps no state of its own.
 *
 * Visibility: an organization with hidden_outside = 1 is visible only to users with a role in one
 * of its consortia, to its own people (users.org_id) and to admins; every function here applies
 * it for the viewer, and an invisible organization is reported as not found. Contact details
 * (names, e-mail addresses) are only returned by directory_store_contacts, which handlers call for
 * signed-in members only.
 *
 * Free text is split on white space into at most DIRECTORY_STORE_MAX_TERMS terms, all of which
 * must match (substrings, any case for ASCII) one of name, name_en, capabilities, keywords or
 * description, through the bigram index (storage/bigram.h; every term length, Korean compounds
 * included). Punctuation separates; a term of punctuation alone matches nothing. User text never
 * reaches FTS5 syntax: terms become quoted bigram phrases.
 *
 * JSON shapes (the caller owns what *out receives; on failure *out is NULL):
 *   profile: {"id": 12, "name": "…", "name_en": "…", "kind": "company",
 *             "sector": {"id": 1, "name_ko": "…", "name_en": "…"} | null,
 *             "region": {"id": 3, "name_ko": "울산"}, "complex": {"id": 5, "name_ko": "…"} | null,
 *             "size": "small", "revenue_band": "unknown", "exports": true, "capabilities": "…",
 *             "keywords": "…", "description": "…", "hidden_outside": false,
 *             "consortia": [{"id": 2, "name_ko": "…", "name_en": "…"}]}
 *   search:  {"total": 134, "offset": 0, "limit": 20, "results": [profile…],
 *             "facets": {"sector": [{"id": 1, "name": "수소", "count": 40}],
 *                        "consortium": [{"id": 2, "name": "…", "count": 12}],
 *                        "region": [{"id": 3, "name": "울산", "count": 7}],
 *                        "kind": [{"value": "company", "count": 100}],
 *                        "size": [{"value": "small", "count": 60}],
 *                        "exports": [{"value": true, "count": 30}]}}
 *            Facets count the whole matching set (text, visibility and every filter applied),
 *            most frequent first; an organization in two consortia counts in both.
 *   contacts: {"org_id": 12, "contacts": [{"user_id": 7, "name": "…", "email": "…"}]}
 *   suggestions: {"org_id": 12, "suggestions": [{"org": profile, "score": 9, "matched": ["…"],
 *             "reason_ko": "같은 업종, 다른 지역 · 제공: 수소연료전지",
 *             "reason_en": "same sector, different region; offers 수소연료전지 you searched for"}]} */
#ifndef MOA_STORAGE_DIRECTORY_STORE_H
#define MOA_STORAGE_DIRECTORY_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "storage/db.h"

#define DIRECTORY_STORE_MAX_LIMIT 50  /* results per page */
#define DIRECTORY_STORE_MAX_QUERY 200 /* bytes of free text */
#define DIRECTORY_STORE_MAX_TERMS 4   /* terms of free text used; more are ignored */

typedef enum {
  DIRECTORY_STORE_OK = 0,
  DIRECTORY_STORE_INVALID = -1,   /* a bad query, filter value or profile field */
  DIRECTORY_STORE_FORBIDDEN = -2, /* unknown viewer */
  DIRECTORY_STORE_NOT_FOUND = -3, /* no such organization, or not visible to the viewer */
  DIRECTORY_STORE_ERROR = -4,     /* database error; nothing was written */
} directory_store_status;

/* A search. Zero / NULL / -1 (exports) mean "any". limit 0 means 20; over 50 is clamped. */
typedef struct directory_query {
  const char *text;
  int64_t sector_id, consortium_id, region_id, complex_id;
  const char *kind; /* an organizations.kind value */
  const char *size; /* micro, small, medium, large */
  int exports;      /* -1 any, 0 no, 1 yes */
  int limit, offset;
} directory_query;

/* Searches the organizations visible to viewer_id: with text, ranked by where each term is found
 * (10 in name or name_en, 4 in capabilities or keywords, 1 in the description, summed over the
 * terms), ties in name order; without text, in name order. *out is the search object (total, page, facets). A first page with text is remembered
 * (directory_searches) for the viewer's organization, for suggestions. Returns
 * DIRECTORY_STORE_OK, _INVALID (text not valid UTF-8 / too long / control characters, unknown kind
 * or size, negative offset), _FORBIDDEN (unknown viewer) or _ERROR. */
int directory_store_search(moa_db *db, int64_t viewer_id, const directory_query *q, json_t **out);

/* The profile of org_id as viewer_id may see it. Returns DIRECTORY_STORE_OK, _NOT_FOUND (unknown
 * or hidden from the viewer), _FORBIDDEN (unknown viewer) or _ERROR. */
int directory_store_get(moa_db *db, int64_t viewer_id, int64_t org_id, json_t **out);

/* The contact people of org_id (its users, not disabled), for signed-in members only: handlers
 * call it only for an authenticated session. Same returns as directory_store_get. */
int directory_store_contacts(moa_db *db, int64_t viewer_id, int64_t org_id, json_t **out);

/* Up to limit (1..20) partners for org_id, as seen by viewer_id: organizations in another region,
 * or another complex of the same region, whose sector is the same, one of the org's consortia's
 * sectors ("related"), or none (cross-sector institutions), and whose capabilities / keywords /
 * description contain what the org's people searched for (weighs most) or what the org lists in
 * its own keywords and capabilities. Best score first, each with the matched terms and a reason in
 * Korean and English. Returns DIRECTORY_STORE_OK, _NOT_FOUND, _FORBIDDEN or _ERROR. */
int directory_store_suggest(moa_db *db, int64_t viewer_id, int64_t org_id, int limit, json_t **out);

/* True when user_id may edit org_id's profile: one of its own people, a coordinator of a
 * consortium the org belongs to, or an admin. False on error or for an unknown user/org. */
bool directory_store_can_edit(moa_db *db, int64_t user_id, int64_t org_id);

/* Updates the profile fields present in the JSON object fields: "name" (1..200 bytes, one line),
 * "name_en" (0..200, one line), "size", "revenue_band", "exports" (bool), "capabilities"
 * (0..2000), "keywords" (0..1000), "description" (0..4000, multiline), "hidden_outside" (bool).
 * Text is trimmed and checked like chat text. The caller decides authorization
 * (directory_store_can_edit). All or nothing: any unknown field, wrong type or bad value gives
 * DIRECTORY_STORE_INVALID and nothing is written. On success *out (may be NULL) is the new profile.
 * Returns DIRECTORY_STORE_OK, _INVALID, _NOT_FOUND or _ERROR. */
int directory_store_update_profile(moa_db *db, int64_t org_id, json_t *fields, json_t **out);

#endif
