/* Company profiles in the database (org_attributes, migration 013): load an organization's
 * profile into a company_profile, and change attributes all or nothing, each value checked by
 * cp_check (storage/company_profile.h). Used by signaling's org.profile handlers and by the
 * demo data generator. Authorization is the caller's (signaling decides who may edit). */
#ifndef MOA_STORAGE_COMPANY_PROFILE_STORE_H
#define MOA_STORAGE_COMPANY_PROFILE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "storage/company_profile.h"
#include "storage/db.h"
#include "storage/store_status.h"

/* Fills *out with organization org_id's profile (blank attributes have set false). Returns
 * STORE_OK, STORE_NOT_FOUND or STORE_ERROR (*out unspecified). */
store_status company_profile_load(moa_db *db, int64_t org_id, company_profile *out);

/* Applies changes[0..n) to org_id's profile inside the caller's transaction: each change sets
 * (value, as-of date, validity window, source) or clears one attribute; an attribute may appear
 * once. today ("YYYY-MM-DD", Seoul) bounds every date; now (unix seconds) is stored as
 * updated_at; by_user (0: none) as updated_by. Checks everything before writing, including that
 * youth_employees does not exceed employees in the resulting profile. Returns STORE_OK;
 * STORE_INVALID with err naming the attribute and *bad (when not NULL) the index of the
 * offending change (-1 for a check across attributes), nothing written; STORE_NOT_FOUND; or STORE_ERROR,
 * after which the caller rolls back. */
store_status company_profile_write(moa_db *db, int64_t org_id, const cp_change *changes, size_t n,
                                   const char *today, int64_t now, int64_t by_user, char *err, size_t errlen,
                                   int *bad);

/* company_profile_write in its own transaction: all or nothing. */
store_status company_profile_update(moa_db *db, int64_t org_id, const cp_change *changes, size_t n,
                                    const char *today, int64_t now, int64_t by_user, char *err, size_t errlen,
                                    int *bad);

/* Today's date in Seoul ("YYYY-MM-DD", buf >= CP_DATE_LEN) at unix time now. */
void company_profile_today(int64_t now, char *buf);

#endif
