/* The partner directory's private header: what directory_store.c (search, profiles, edits) and
 * directory_suggest.c (suggestions) share. Not for use outside storage/directory_*.c. */
#ifndef MOA_STORAGE_DIRECTORY_STORE_INT_H
#define MOA_STORAGE_DIRECTORY_STORE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "storage/db.h"
#include "storage/directory_store.h"

/* SQL condition: organization o is visible to the viewer bound by dir__bind_viewer (?2 admin,
 * ?3 user id, ?4 the user's organization). */
#define DIR_VIS                                                                                \
  "(?2 = 1 OR o.hidden_outside = 0 OR o.id = ?4 OR EXISTS (SELECT 1 FROM memberships mv JOIN " \
  "user_roles rv ON rv.consortium_id = mv.consortium_id WHERE mv.org_id = o.id AND rv.user_id = ?3))"

/* The user a directory function works for. */
typedef struct dir_viewer {
  int64_t id, org_id;
  int admin;
} dir_viewer;

/* Reads viewer user_id into *v. Returns STORE_OK, STORE_FORBIDDEN (unknown or disabled user) or
 * STORE_ERROR. */
store_status dir__viewer(moa_db *db, int64_t user_id, dir_viewer *v);

/* Binds v to parameters ?2..?4 of a statement using DIR_VIS. */
void dir__bind_viewer(sqlite3_stmt *st, const dir_viewer *v);

/* STORE_OK when org_id exists and the viewer may see it, else STORE_NOT_FOUND (or STORE_ERROR). */
store_status dir__visible(moa_db *db, const dir_viewer *v, int64_t org_id);

/* Room for one profile's consortia, reused from profile to profile (a search page, suggestions):
 * the profile's row stays current while the callback runs, so the consortium rows are read
 * before it and their names copied into text. Zero-initialize; free with dir__scratch_free. */
typedef struct dir_scratch {
  directory_ref *refs;
  size_t *off; /* per ref: offsets of name_ko and name_en in text */
  size_t cap;
  char *text;
  size_t tlen, tcap;
} dir_scratch;

void dir__scratch_free(dir_scratch *x);

/* Gives fn (when not NULL) the profile of org_id (no visibility check), its consortia in x.
 * Returns 0, or -1 when there is no such organization or on a database error (fn not called). */
int dir__profile(moa_db *db, int64_t org_id, dir_scratch *x, directory_profile_fn fn, void *arg);

#endif
