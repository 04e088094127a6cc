/* A list of ids read from a statement: what several stores need before they hand a row to a
 * callback (an organization's consortia, the contact people of an organization), since a row's
 * column values only live until the next step. */
#ifndef MOA_STORAGE_DB_IDS_H
#define MOA_STORAGE_DB_IDS_H

#include <stddef.h>
#include <stdint.h>

#include "storage/db.h"

/* Steps st (prepared by db_stmt, parameters bound) to its end and collects column 0 of every row
 * into a new array *ids (NULL when there is none; the caller frees it), *n the count; resets st.
 * Returns 0, or -1 on a database error or out of memory, with *ids NULL and *n 0. */
int db_ids(moa_db *db, sqlite3_stmt *st, int64_t **ids, size_t *n);

#endif
