/* Organizations (companies and innovation institutions) and their consortium memberships: the
 * operator's TSV import, an organization read back as a C struct (org_store_get), and the
 * row-level insert that the import and the demo data generator share. Used by the admin CLI/handlers,
 * signaling's partner handlers and storage/demo_data. */
#ifndef MOA_STORAGE_ORG_STORE_H
#define MOA_STORAGE_ORG_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage/db.h"
#include "storage/store_status.h"

/* One organization to insert. Strings are borrowed; kind, size and revenue_band must be values
 * the schema accepts (see org_store_kind_valid and friends). complex_id and sector_id <= 0 mean
 * "none". */
typedef struct org_record {
  const char *kind;
  const char *name;
  const char *name_en;
  int64_t sector_id;
  int64_t region_id;
  int64_t complex_id;
  const char *size;
  const char *revenue_band;
  int exports;
  const char *capabilities;
  const char *keywords;
  const char *description;
} org_record;

/* The accepted values: "company", "university", "research_institute", "venture_capital",
 * "accelerator", "industrial_designer", "commercialization_company", "other_institution";
 * sizes "micro", "small", "medium", "large"; revenue bands "unknown", "under_1b", "1b_10b",
 * "10b_100b", "over_100b". Each returns 1 for an accepted value, else 0. */
int org_store_kind_valid(const char *kind);
int org_store_size_valid(const char *size);
int org_store_revenue_band_valid(const char *band);

/* Inserts r inside the caller's transaction. Returns the new id, or -1 on a database error
 * (constraint violated, unknown region id...), with nothing inserted. */
int64_t org_store_insert(moa_db *db, const org_record *r);

/* Makes org_id a member of consortium_id (no-op if it already is), inside the caller's
 * transaction. Returns 0, or -1 on a database error. */
int org_store_add_membership(moa_db *db, int64_t org_id, int64_t consortium_id);

/* Admits organization org_id to consortium_id in one transaction (a coordinator adding an
 * organization from outside, such as a company that signed up): its membership, and the member
 * role in the consortium for each of its users who has none there yet, so its people reach the
 * consortium's rooms and channel. Returns STORE_OK with *added (may be NULL) the number of users
 * given the role; STORE_NOT_FOUND (no such organization), STORE_CONFLICT (a member already) or
 * STORE_ERROR, with nothing written. */
store_status org_store_admit(moa_db *db, int64_t org_id, int64_t consortium_id, int *added);

/* Imports organizations from tsv: a header line with exactly the columns
 *   name, name_en, kind, consortium_ids, region_ko, complex_ko, size, revenue_band, exports,
 *   capabilities, keywords, description
 * then one organization per line. consortium_ids is a comma-separated list of existing consortia
 * (the first gives the sector); region_ko a known region; complex_ko empty or a complex of that
 * region; exports 0 or 1; every field valid UTF-8 without control characters. An organization
 * with the same name and region as an existing one (or an earlier line) is an error.
 * All or nothing, in one transaction: returns 0 with *imported set to the number of organizations,
 * or -1 with *imported = 0, err naming the line and column, and nothing changed. */
int org_import_tsv(moa_db *db, const char *tsv, int *imported, char *err, size_t errlen);

/* An organization as the operator's import wrote it. Text columns are NULL when the database holds
 * NULL (complex: none). sector_id 0: none (sector_ko, sector_en NULL). consortia: its consortium
 * ids, ascending. */
typedef struct org_profile {
  int64_t id;
  const char *kind, *name, *name_en;
  int64_t sector_id;
  const char *sector_ko, *sector_en;
  const char *region, *complex;
  const char *size, *revenue_band;
  bool exports;
  const char *capabilities, *keywords, *description;
  const int64_t *consortia;
  size_t nconsortia;
} org_profile;
typedef void (*org_profile_fn)(void *arg, const org_profile *o);

/* Gives fn organization org_id (o and its strings valid during the call). Returns 1 (fn called),
 * 0 when there is no such organization, -1 on a database error or out of memory. */
int org_store_get(moa_db *db, int64_t org_id, org_profile_fn fn, void *arg);

#endif
