/* The support-programme store: imports a feed file (or a fetched feed) into the programme tables
 * of migration 009 and reports what it changed. Speaks C structs; signaling builds JSON.
 *
 * An import is one transaction, all or nothing:
 *  - the file is parsed by storage/feed.h; a file-level failure changes no programme (the
 *    source's last_error is recorded, so operators see the failing feed) and returns -1;
 *  - a file equal (sha256) to the latest one imported for its source changes nothing;
 *  - each item is kept verbatim under (source, item id); an item seen before with the same
 *    normalised content changes nothing, a changed one records a programme_changes row per field;
 *  - a new item whose title marks an amendment (정정, 연장, 재공고 ...) becomes a programme linked
 *    to the one it amends (same agency, same title without the mark) by amended_from;
 *  - a new item from another source with the same agency, the same last day (or the same
 *    open-ended kind) and a title at least PROGRAMME_MERGE_SIMILARITY alike (character bigrams)
 *    is attached to that programme instead of making a new one;
 *  - with snapshot set (the file is the whole feed), a programme whose every item has left its
 *    feeds while it was not past its deadline is withdrawn.
 * Items rejected by the parser are stored with their reason (programme_rejects) and counted. */
#ifndef MOA_STORAGE_PROGRAMME_STORE_H
#define MOA_STORAGE_PROGRAMME_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage/db.h"
#include "storage/programme_item.h"

#define PROGRAMME_MERGE_SIMILARITY 0.6

typedef struct programme_import_report {
  int64_t import_id;   /* the programme_imports row; 0 when the file was imported before */
  bool duplicate_file; /* the same file as the source's latest import: nothing done */
  int n_items;         /* items the parser accepted */
  int n_new;           /* new programmes */
  int n_changed;       /* items seen before whose content changed */
  int n_same;          /* items seen before, unchanged */
  int n_merged;        /* new items attached to a programme another source announced */
  int n_amended;       /* new items amending an earlier programme (a programme of their own) */
  int n_withdrawn;     /* programmes no longer in any snapshot before their deadline */
  int n_closed;        /* programmes of this source that closed since its previous import */
  int n_rejected;      /* items the parser refused (reasons in programme_rejects) */
} programme_import_report;

/* Imports data[0..len) as the feed `source` (a name such as "bizinfo"; created on first use with
 * format, which must match afterwards) at time now. file_name is for the record ("" allowed);
 * user_id 0 for none. Returns 0 with *rep filled; -1 when the feed fails (err says why; no
 * programme changed; the source's last_error set); -2 on a database error (nothing changed). */
int programme_import(moa_db *db, const char *source, feed_source format, const char *data, size_t len,
                     const char *file_name, bool snapshot, int64_t now, int64_t user_id,
                     programme_import_report *rep, char *err, size_t errlen);

/* Records a failure to fetch source (HTTP error, timeout) without importing anything.
 * Returns 0, or -1 on a database error. */
int programme_source_failed(moa_db *db, const char *source, feed_source format, const char *why, int64_t now);

/* Calls fn for each item import_id rejected, in file order (index is 0-based). Returns 0, or -1
 * on a database error. */
int programme_import_rejects(moa_db *db, int64_t import_id,
                             void (*fn)(void *ctx, int64_t index, const char *item_id, const char *reason),
                             void *ctx);

#endif
