/* The support-programme collector inside the server (--programme-sources FILE): a thread that
 * fetches every configured source (gateway/programme_sources.h) once soon after the start and
 * then every --programme-fetch-interval seconds, each with programme_fetch() on a database
 * connection of its own (SQLite WAL: the server keeps serving while an import writes). A source
 * that fails (network, HTTP status, a feed the import refuses) changes nothing, is recorded as the
 * source's last_error, logged as a warning, and the others are still fetched. Each result is one
 * log line, as `moa programme fetch` prints it. The fetch blocks on the network, which is why it
 * has a thread of its own and never runs on the event loop. */
#ifndef MOA_GATEWAY_PROGRAMME_COLLECTOR_H
#define MOA_GATEWAY_PROGRAMME_COLLECTOR_H

#include <stddef.h>

#include "gateway/programme_sources.h"

typedef struct programme_collector programme_collector;

/* Starts the thread for sources[0..n) (copied) on the database file db_path, first round after
 * first_delay_s seconds, then every interval_s. NULL on failure (out of memory, no thread). */
programme_collector *programme_collector_start(const char *db_path, const programme_source_spec *sources,
                                               size_t n, int first_delay_s, int interval_s);

/* Stops the thread (a fetch under way finishes first: at most its 60 s timeout) and frees it. */
void programme_collector_stop(programme_collector *c);

#endif
