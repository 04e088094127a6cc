/* Demo company profiles: the support-matching attributes (storage/company_profile.h) of every demo
 * company, deterministic and consistent with the organization's own size, revenue band, exports,
 * region, sector and description, some left blank on purpose. Called by demo_data_load. */
#ifndef MOA_STORAGE_DEMO_PROFILES_H
#define MOA_STORAGE_DEMO_PROFILES_H

#include <stddef.h>

#include "storage/db.h"

/* The demo's "today": every generated date is on or before it, so the data is the same whenever
 * it is generated (values are as of late November 2026). */
#define DEMO_PROFILES_TODAY "2026-11-30"
#define DEMO_PROFILES_NOW INT64_C(1795964400) /* 2026-11-30T00:00+09:00 */

/* Writes the profile of every organization of kind 'company' in db, inside the caller's
 * transaction. Returns the number of companies, or -1 with err set (the caller rolls back). */
int demo_profiles_generate(moa_db *db, char *err, size_t errlen);

#endif
