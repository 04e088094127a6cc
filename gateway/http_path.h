/* The path rules of the static file server (gateway/http_ws_routes.c), as pure functions so that they
 * are unit-tested and fuzzed without a socket: which request paths may name a file under the
 * static directory, and which file types are served with which Content-Type. */
#ifndef MOA_GATEWAY_HTTP_PATH_H
#define MOA_GATEWAY_HTTP_PATH_H

#include <stddef.h>

/* Checks a request path (already percent-decoded by libwebsockets, query removed) and writes
 * into rel the path relative to the static directory that it names: the path itself, with
 * "index.html" appended when it ends in '/'. Refused: empty, not starting with '/', a control
 * byte or DEL, a backslash, a "." or ".." segment, or a result that does not fit in relcap
 * (paths over relcap - 16 bytes are refused). Returns 0 with rel written (NUL-terminated), or -1
 * with rel unspecified. The caller still resolves symlinks and checks the result stays inside
 * the static directory. */
int http_static_path(const char *uri, char *rel, size_t relcap);

/* The Content-Type served for path by its extension (after the last '.', which must be after
 * the last '/'), or NULL when files of that type are not served. */
const char *http_mime_type(const char *path);

#endif
