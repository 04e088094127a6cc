/* The catalog of support programmes (storage/programme_match_store.h) kept per database
 * connection, so that one organization's matches (the 지원사업 screen, every request) cost the
 * matching only, not reading every programme and rule again. Reloaded after any new import
 * (programme_imports: `moa programme import` and `fetch` from another process too), after
 * programme_catalog_invalidate, which whoever changes programmes or rules on this connection
 * calls (programme.import, programme.rules_update), and at least hourly. A catalog may hold a
 * programme that closed since it was loaded: pm_match_org skips those, and callers looking one
 * up check its closes_at. Owned by the connection (db_ext); freed by db_close. */
#ifndef MOA_STORAGE_PROGRAMME_CATALOG_CACHE_H
#define MOA_STORAGE_PROGRAMME_CATALOG_CACHE_H

#include <stdint.h>

#include "storage/db.h"
#include "storage/programme_match.h"

/* The catalog as of now; valid until the next call of either function on db. NULL on a
 * database error or out of memory (nothing cached). */
const pm_catalog *programme_catalog_cached(moa_db *db, int64_t now);
void programme_catalog_invalidate(moa_db *db);

#endif
