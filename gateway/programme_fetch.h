/* The support-programme collector's fetch: one HTTP(S) GET of a feed URL with libcurl, then the
 * import of the body (storage/programme_store.h). Blocking: it runs in `moa programme fetch`
 * (from cron or a systemd timer, see docs/PROGRAMMES.md), never on the server's event loop. */
#ifndef MOA_GATEWAY_PROGRAMME_FETCH_H
#define MOA_GATEWAY_PROGRAMME_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage/db.h"
#include "storage/programme_store.h"

/* Fetches url (http or https only; redirects followed up to 3; 60 s timeout; at most
 * FEED_MAX_BYTES) and imports the body as source/format at time now. A failed fetch (network
 * error, timeout, HTTP status >= 400, an oversized body) or a failed import changes no programme,
 * is recorded as the source's last_error and returns -1 with err set; 0 with *rep on success;
 * -2 on a database error. */
int programme_fetch(moa_db *db, const char *source, feed_source format, const char *url, bool snapshot,
                    int64_t now, programme_import_report *rep, char *err, size_t errlen);

/* The URL to fetch: url with {key} replaced by the first line of key_file (read now, so a key
 * renewed in the file is used at the next fetch). A malloc'd string, or NULL with err set (the
 * key file unreadable, {key} without a key file, out of memory). */
char *programme_feed_url(const char *url, const char *key_file, char *err, size_t errlen);

#endif
