/* Chat attachments over HTTP, on the signaling thread (the lws callbacks of http_ws_routes.c call these):
 *
 *   POST /files?conversation_id=N&name=<percent-encoded UTF-8>   the body is the file's bytes
 *        Authorization: Bearer <session token>, Content-Length required
 *        201 {"attachment": {id, name, size, type, preview, url}}, or an error (below)
 *   GET  /files/<id>[?download=1]                                the file, with its original name
 *        the session from Authorization: Bearer, or the app's cookie moa_session (Path=/files/)
 *
 * Why HTTP and not the WebSocket: a meeting's materials are megabytes, and moa.v1 frames are JSON
 * text of at most --max-message (64 KiB) through a bounded per-connection queue; a file would have
 * to be cut into base64 pieces (a third larger) that wait behind, and hold up, chat and media
 * signaling. A plain POST streams the body to disk as lws delivers it (never whole in memory), and
 * a GET is served from disk by lws_serve_http_file in pieces as the socket drains. The session is
 * the same token the WebSocket's auth.resume uses. Uploads take it only as a Bearer header, which
 * no other site can make a browser send (no cross-site request forgery); downloads also take the
 * cookie the app sets from it (SameSite=Strict, Path=/files/), so that <img> previews and plain
 * download links work without the token in a URL.
 *
 * Errors are JSON {"error": {"code", "message"}} with the status: 400 invalid_params, 401
 * unauthenticated, 403 forbidden, 404 not_found (also for a file the asker may not read: its
 * existence is not told), 411 length_required, 413 too_large / quota_exceeded, 415
 * type_not_allowed / type_mismatch, 503 busy, 507 insufficient_storage, 500 internal. A refused
 * upload's body is still read (and dropped) up to HTTP_FILES_DISCARD_MAX bytes before the answer,
 * so that a browser still sending sees the answer instead of a reset connection. */
#ifndef MOA_GATEWAY_HTTP_FILES_H
#define MOA_GATEWAY_HTTP_FILES_H

#include <libwebsockets.h>
#include <stdbool.h>

#include "gateway/config.h"
#include "gateway/http_calendar.h"
#include "signaling/hub.h"
#include "storage/db.h"

#define HTTP_FILES_DISCARD_MAX (64ll << 20)

struct attachment_store;

/* Opens the attachment store of the server into *out: in --attach-dir, or "files" beside the
 * database file; none (*out NULL, 0) for an in-memory database without --attach-dir. Returns 0,
 * or -1 with the reason logged (the directory cannot be made or written). */
int http_files_open(const moa_config *cfg, moa_db *db, struct attachment_store **out);

typedef struct http_files_upload http_files_upload;

/* The signed-in user of an HTTP request: the session token from Authorization: Bearer, or (with
 * cookie_ok) from the app's cookie moa_session. 0 when none or not a live session. */
int64_t http_files_request_user(struct lws *wsi, hub *h, bool cookie_ok);

/* Whether a request path (no query) is /files or below it. */
bool http_files_path(const char *path);

/* What http_files_get did. */
enum { HTTP_FILES_CLOSE = -1, HTTP_FILES_SERVING = 0, HTTP_FILES_DONE = 1, HTTP_FILES_ANSWER = 2 };

/* GET or HEAD of path: serves the file (HTTP_FILES_SERVING, or _DONE when lws finished at once:
 * complete the transaction; _CLOSE: lws failed, close), or fills *out with the error to send
 * (HTTP_FILES_ANSWER; out->body is malloc'd). */
int http_files_get(struct lws *wsi, hub *h, const char *path, http_doc *out);

/* POST of path: checks the session, the parameters and what the store allows before any byte,
 * and returns the upload's state (NULL only when out of memory: close). */
http_files_upload *http_files_post(struct lws *wsi, hub *h, const char *path);
/* True when the upload was refused and its body is too large to read and drop: answer at once
 * (http_files_finish) and close the connection after the answer. */
bool http_files_answer_now(const http_files_upload *up);
/* Body bytes as lws delivers them: stored, or dropped once the upload is refused. */
void http_files_body(http_files_upload *up, const void *in, size_t len);
/* The body is complete (or the upload is answered early): finishes it, fills *out with the answer
 * (201 or an error; out->body malloc'd) and frees up. */
void http_files_finish(http_files_upload *up, http_doc *out);
/* The connection closed before the answer: drops the upload. Safe on NULL. */
void http_files_abort(http_files_upload *up);

#endif
