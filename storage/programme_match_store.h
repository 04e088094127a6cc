/* Support-programme matching in the database (migration 014): the catalog of open programmes
 * with the rules that count (storage/programme_match.h does the matching), one organization's
 * matches computed now, the recompute of every company's matches into programme_matches (which
 * keeps when a programme first matched an organization), the last-visit mark per organization,
 * programmes saved by users, and for coordinators the programmes that fit many members of a
 * consortium. C structs out; authorization is the caller's.
 *
 * Who calls what: the import (programme_store.c) recomputes all after every file; after a
 * profile change call programme_match_recompute_org; after an admin edits rules,
 * programme_match_recompute_all. A recompute writes only what changed. Every function returns 0 (or a count) on success and -1 on a
 * database error or out of memory, after which nothing was changed (the recomputes run in their
 * own transaction, or inside the caller's when one is open: then the caller rolls back). */
#ifndef MOA_STORAGE_PROGRAMME_MATCH_STORE_H
#define MOA_STORAGE_PROGRAMME_MATCH_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage/db.h"
#include "storage/programme_match.h"

/* Fills c (initialised by the caller) with every programme neither withdrawn nor closed at now,
 * with its active rules (reviewer rules for a reviewed programme, else the extracted ones,
 * repeats across feed items dropped). */
int programme_catalog_load(moa_db *db, int64_t now, pm_catalog *c);

/* The organization's matching view: its profile and keywords (capabilities + keywords). */
typedef struct programme_org {
  company_profile profile;
  char *keywords;
  pm_org org; /* points into this struct: do not copy it */
} programme_org;
/* Loads org_id. Returns 0, 1 when there is no such organization, -1 on error. */
int programme_org_load(moa_db *db, int64_t org_id, programme_org *out);
void programme_org_free(programme_org *o);

/* One organization's matches at now against catalog c (loaded by the caller, or NULL: loaded
 * here), 신청 불가 included when include_ineligible. out as pm_match_org fills it; indexes point
 * into *c (or into the catalog this call loaded and frees: then use programme ids only). Returns
 * 0, 1 when there is no such organization, -1 on error. */
int programme_match_org(moa_db *db, const pm_catalog *c, int64_t org_id, int64_t now, bool include_ineligible,
                        pm_result *out);

typedef struct programme_recompute_stats {
  int orgs;        /* companies matched */
  int programmes;  /* programmes in the catalog */
  int64_t matches; /* rows kept (신청 가능 + 확인 필요) */
  int64_t new_matches; /* rows inserted: programmes that matched an organization for the first time */
} programme_recompute_stats;

/* Recomputes programme_matches for every company (organizations.kind 'company'); st may be NULL. */
int programme_match_recompute_all(moa_db *db, int64_t now, programme_recompute_stats *st);
/* The same for one organization (after its profile changed). 1 when there is no such organization. */
int programme_match_recompute_org(moa_db *db, int64_t org_id, int64_t now);

/* A stored match, for the 지원사업 screen. */
typedef struct programme_match_row {
  int64_t programme_id;
  elig_bucket bucket;
  int score;
  int64_t first_matched_at;
  bool is_new; /* first matched after the organization's last visit (all new before a first visit) */
  bool saved;  /* saved by the user asking (user_id of programme_matches_list) */
} programme_match_row;

/* The stored matches of org_id in the order of programme_match.h (bucket, score, deadline, id);
 * user_id (0: none) for the saved flags. Free rows with free(). Returns the count, or -1. */
long programme_matches_list(moa_db *db, int64_t org_id, int64_t user_id, programme_match_row **rows);

/* The organization's last visit (unix seconds, 0 when never), and its mark. */
int64_t programme_visit_last(moa_db *db, int64_t org_id);
int programme_visit_mark(moa_db *db, int64_t org_id, int64_t now);

/* Saves (or unsaves) a programme for a user. Saving twice keeps the first time. 1 when the
 * programme or the user does not exist. */
int programme_save(moa_db *db, int64_t user_id, int64_t programme_id, int64_t now);
int programme_unsave(moa_db *db, int64_t user_id, int64_t programme_id);
/* The programmes user_id saved, newest first, into ids (free()). Returns the count, or -1. */
long programme_saved_list(moa_db *db, int64_t user_id, int64_t **ids);

/* Programmes that fit members of a consortium: per programme, how many member companies have it
 * in 신청 가능 and in 확인 필요 (from programme_matches), those with at least min_members of either,
 * most eligible members first (then most to check, then programme id). Free with free(). Returns
 * the count, or -1. */
typedef struct programme_consortium_fit {
  int64_t programme_id;
  int eligible, to_check;
} programme_consortium_fit;
long programme_consortium_fits(moa_db *db, int64_t consortium_id, int min_members,
                               programme_consortium_fit **fits);

#endif
