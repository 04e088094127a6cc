/* The partner directory: search over organization profiles (free text in Korean and English
 * through the bigram index organizations_grams, plus filters), facet counts, profiles and their
 * contact people, partner suggestions and profile edits. Domain functions over a moa_db for the
 * signaling thread's partner handlers; the store keeps no state of its own and speaks C: rows
 * reach the caller through callbacks, totals and facets through a result struct
 * (signaling/directory_json.h builds the protocol's JSON from them).
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
 * Strings handed to a callback (profiles, contacts, suggestions) are NUL-terminated, never NULL
 * ("" for an empty column) and valid only during that call. */
#ifndef MOA_STORAGE_DIRECTORY_STORE_H
#define MOA_STORAGE_DIRECTORY_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage/db.h"
#include "storage/store_status.h"

#define DIRECTORY_STORE_MAX_LIMIT 50  /* results per page */
#define DIRECTORY_STORE_MAX_QUERY 200 /* bytes of free text */
#define DIRECTORY_STORE_MAX_TERMS 4   /* terms of free text used; more are ignored */
#define DIRECTORY_STORE_MAX_MATCHED 3 /* matched terms reported with a suggestion */

/* A search. Zero / NULL / -1 (exports) mean "any". limit 0 means 20; over 50 is clamped. */
typedef struct directory_query {
  const char *text;
  int64_t sector_id, consortium_id, region_id, complex_id;
  const char *kind; /* an organizations.kind value */
  const char *size; /* micro, small, medium, large */
  int exports;      /* -1 any, 0 no, 1 yes */
  int limit, offset;
} directory_query;

/* A sector, region, complex or consortium of a profile. id 0: none. name_en is "" for a region or
 * a complex (they have no English name). */
typedef struct directory_ref {
  int64_t id;
  const char *name_ko, *name_en;
} directory_ref;

/* An organization's profile as the directory shows it. sector and complex may be none (id 0);
 * region always is one. consortia[0..nconsortia) in id order. */
typedef struct directory_profile {
  int64_t id;
  const char *name, *name_en, *kind;
  directory_ref sector, region, complex;
  const char *size, *revenue_band;
  bool exports, hidden_outside;
  const char *capabilities, *keywords, *description;
  const directory_ref *consortia;
  size_t nconsortia;
} directory_profile;

/* Receives one profile; p and its strings are valid only during the call. */
typedef void (*directory_profile_fn)(void *arg, const directory_profile *p);

/* The facets of a search, in this order. */
typedef enum {
  DIRECTORY_FACET_SECTOR = 0,
  DIRECTORY_FACET_REGION,
  DIRECTORY_FACET_CONSORTIUM,
  DIRECTORY_FACET_KIND,
  DIRECTORY_FACET_SIZE,
  DIRECTORY_FACET_EXPORTS,
  DIRECTORY_FACETS
} directory_facet_kind;

/* One value of a facet and how many matching organizations have it. Sector, region, consortium:
 * id and name (its name_ko, "" when unknown). Kind, size: value (a static string). Exports: id 1
 * (true) or 0 (false). */
typedef struct directory_facet_value {
  int64_t id;
  char *name;        /* owned by the result; NULL for kind, size and exports */
  const char *value; /* kind and size; NULL otherwise */
  int64_t count;
} directory_facet_value;

/* A search's totals. Free with directory_search_result_free. */
typedef struct directory_search_result {
  size_t total; /* matching organizations (all pages) */
  int offset, limit;
  struct {
    directory_facet_value *v;
    size_t n;
  } facets[DIRECTORY_FACETS];
} directory_search_result;

/* Searches the organizations visible to viewer_id: with text, ranked by where each term is found
 * (10 in name or name_en, 4 in capabilities or keywords, 1 in the description, summed over the
 * terms), ties in name order; without text, in name order. fn receives the profiles of the page
 * (offset, limit) in that order (a profile that cannot be read is skipped); *out the total, the
 * page and the facets, which count the whole matching set (text, visibility and every filter
 * applied), most frequent first (ties by id, or list order for kind and size); an organization in two
 * consortia counts in both. A first page with text is remembered (directory_searches) for the viewer's
 * organization, for suggestions. Returns STORE_OK; STORE_INVALID (text not valid UTF-8 / too long / control
 * characters, unknown kind or size, negative offset), STORE_FORBIDDEN (unknown viewer) or
 * STORE_ERROR, with *out empty (nothing to free). */
store_status directory_store_search(moa_db *db, int64_t viewer_id, const directory_query *q,
                                    directory_profile_fn fn, void *arg, directory_search_result *out);

/* Frees what a search result owns; r itself is the caller's. */
void directory_search_result_free(directory_search_result *r);

/* Gives fn the profile of org_id as viewer_id may see it. Returns STORE_OK (fn called once),
 * STORE_NOT_FOUND (unknown or hidden from the viewer), STORE_FORBIDDEN (unknown viewer) or
 * STORE_ERROR (fn not called). */
store_status directory_store_get(moa_db *db, int64_t viewer_id, int64_t org_id, directory_profile_fn fn,
                                 void *arg);

/* One contact person of an organization. */
typedef struct directory_contact {
  int64_t user_id;
  const char *name, *email;
} directory_contact;
typedef void (*directory_contact_fn)(void *arg, const directory_contact *c);

/* Gives fn the contact people of org_id (its users, not disabled), in id order, for signed-in
 * members only: handlers call it only for an authenticated session. Same returns as
 * directory_store_get; on STORE_ERROR fn may have been called for some of them. */
store_status directory_store_contacts(moa_db *db, int64_t viewer_id, int64_t org_id, directory_contact_fn fn,
                                      void *arg);

/* A suggested partner. org is NULL when its profile could not be read. matched: the terms it
 * offers, the organization's searched terms first, then its own keywords. reason_ko / reason_en:
 * the sector relation, where, and what it offers (e.g. "같은 업종, 다른 지역 · 제공: 수소연료전지
 * (우리 기관이 검색한 항목)"). */
typedef struct directory_suggestion {
  const directory_profile *org;
  int64_t score;
  const char *matched[DIRECTORY_STORE_MAX_MATCHED];
  size_t nmatched;
  const char *reason_ko, *reason_en;
} directory_suggestion;
typedef void (*directory_suggestion_fn)(void *arg, const directory_suggestion *s);

/* Gives fn up to limit (1..20) partners for org_id, as seen by viewer_id: organizations in another
 * region, or another complex of the same region, whose sector is the same, one of the org's
 * consortia's sectors ("related"), or none (cross-sector institutions), and whose capabilities /
 * keywords / description contain what the org's people searched for (weighs most) or what the org
 * lists in its own keywords and capabilities. Best score first. Returns STORE_OK, STORE_NOT_FOUND,
 * STORE_FORBIDDEN or STORE_ERROR (fn not called). */
store_status directory_store_suggest(moa_db *db, int64_t viewer_id, int64_t org_id, int limit,
                                     directory_suggestion_fn fn, void *arg);

/* True when user_id may edit org_id's profile: one of its own people, a coordinator of a
 * consortium the org belongs to, or an admin. False on error or for an unknown user/org. */
bool directory_store_can_edit(moa_db *db, int64_t user_id, int64_t org_id);

/* A profile edit: NULL (or -1 for the flags) leaves a field as it is. Strings are borrowed. */
typedef struct directory_profile_edit {
  const char *name;         /* 1..200 bytes, one line */
  const char *name_en;      /* 0..200, one line */
  const char *size;         /* micro, small, medium, large */
  const char *revenue_band; /* unknown, under_1b, 1b_10b, 10b_100b, over_100b */
  int exports;              /* -1, 0 or 1 */
  const char *capabilities; /* 0..2000, multiline */
  const char *keywords;     /* 0..1000, multiline */
  const char *description;  /* 0..4000, multiline */
  int hidden_outside;       /* -1, 0 or 1 */
} directory_profile_edit;

/* Applies edit to org_id's profile. Text is trimmed and checked like chat text. The caller decides
 * authorization (directory_store_can_edit). All or nothing: a bad value gives STORE_INVALID and
 * nothing is written. On success fn (may be NULL) receives the new profile, read inside the
 * transaction; fn may also have been called when the commit then fails (STORE_ERROR): the caller
 * drops what it built. Returns STORE_OK, STORE_INVALID, STORE_NOT_FOUND or STORE_ERROR. */
store_status directory_store_update_profile(moa_db *db, int64_t org_id, const directory_profile_edit *edit,
                                            directory_profile_fn fn, void *arg);

#endif
