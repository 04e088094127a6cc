/* HTTP header values the file routes read and write (gateway/http_files.c), as pure functions so
 * that they are unit-tested and fuzzed without a socket: the session token of an
 * "Authorization: Bearer" header or of the app's cookie, and a Content-Disposition that carries a
 * file's original (Korean) name both ways RFC 6266 allows: an ASCII filename="..." fallback and
 * the exact UTF-8 name as filename*=UTF-8''<percent-encoded> (RFC 8187, formerly 5987). */
#ifndef MOA_GATEWAY_HTTP_HEADER_H
#define MOA_GATEWAY_HTTP_HEADER_H

#include <stdbool.h>
#include <stddef.h>

#define HTTP_SESSION_COOKIE "moa_session" /* the app sets it for /files/ (web-static/js/rpc.js) */
#define HTTP_DISPOSITION_MAX 1200         /* room for a 255-byte name, both ways */

/* The token of an Authorization header value "Bearer <token>" (scheme in any case, one or more
 * spaces): 1 to outlen - 1 bytes of base64url ([A-Za-z0-9_-]) and nothing after but spaces.
 * Writes it NUL-terminated and returns true, or returns false (out unspecified). */
bool http_bearer_token(const char *authorization, char *out, size_t outlen);

/* The value of cookie name in a Cookie header value ("a=1; moa_session=xyz"), the first one of
 * that name, if it is 1 to outlen - 1 bytes of base64url. Writes it NUL-terminated and returns
 * true, or returns false (out unspecified). */
bool http_cookie_value(const char *cookie, const char *name, char *out, size_t outlen);

/* Writes the Content-Disposition value for a file called name (UTF-8) into out:
 * `attachment; filename="report_.pdf"; filename*=UTF-8''report%ED%9A%8C.pdf` (`inline` when
 * inline_ is set). The fallback keeps printable ASCII except `"`, `\` and `%`, and puts one `_`
 * for every other character (a UTF-8 sequence counts as one). Returns the length, or 0 when it
 * does not fit (cap HTTP_DISPOSITION_MAX is always enough for a name of at most 255 bytes). The
 * result is printable ASCII: no control byte can reach a header. */
size_t http_content_disposition(char *out, size_t cap, bool inline_, const char *name);

#endif
