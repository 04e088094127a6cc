/* Recordings over HTTP (issue 17), on the signaling thread (the lws callbacks of http_ws_routes.c call
 * this):
 *
 *   GET /recordings/<id>/<name>[?download=1]   one file of a finalized recording, video/webm
 *        the session from Authorization: Bearer, or the app's cookie moa_session
 *        Range: bytes=... (one range) gives 206 with Content-Range, for a <video> that seeks
 *
 * <name> must be a file the store lists for that recording (storage/recording_store.h,
 * recording_store_file): nothing from the URL is used as a path. Who may read: the recording's
 * watchers (storage/recording_access.h), the same rule as meeting.recordings.
 *
 * Answers: 200 the whole file (lws_serve_http_file, Accept-Ranges: bytes); 206 one range of at
 * most HTTP_RECORDINGS_RANGE_MAX bytes (a longer one is cut: Content-Range says what is sent, and
 * the player asks for the rest); 416 with Content-Range: bytes * / <size> for a malformed,
 * multiple or unsatisfiable range; 403 forbidden for a signed-out client or one who may not watch
 * the recording; 404 not_found for a malformed path, an unknown recording or a name it does not
 * list. Errors are JSON {"error": {"code", "message"}}. With download=1, Content-Disposition:
 * attachment names the file "recording-<id>-<name>". */
#ifndef MOA_GATEWAY_HTTP_RECORDINGS_H
#define MOA_GATEWAY_HTTP_RECORDINGS_H

#include <libwebsockets.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gateway/http_calendar.h"
#include "signaling/hub.h"

#define HTTP_RECORDINGS_RANGE_MAX (2 << 20) /* bytes of one 206 answer */

/* Whether a request path (no query) is below /recordings/. */
bool http_recordings_path(const char *path);

/* Splits a request path "/recordings/<id>/<name>": id 1..18 decimal digits without a leading
 * zero, name a plain file name (storage/recording_store.h recording_file_name_valid) of less
 * than cap bytes. True with *id and name filled; false for anything else. Pure. */
bool http_recordings_split(const char *path, int64_t *id, char *name, size_t cap);

/* GET or HEAD of path: as http_files_get (gateway/http_files.h): HTTP_FILES_SERVING / _DONE when
 * lws serves the whole file, _CLOSE when it failed, or _ANSWER with *out filled (out->body
 * malloc'd; 206 and 416 carry out->content_range). */
int http_recordings_get(struct lws *wsi, hub *h, const char *path, http_doc *out);

#endif
