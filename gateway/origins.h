/* The WebSocket Origins the server accepts: the operator's --origin list, or by default every
 * name the listen address is reached by on this machine.
 *
 * A browser sends the page's origin (scheme://host:port) with the WebSocket upgrade; a page of
 * another site must not drive a signed-in session, so the upgrade is refused unless the origin
 * is on the list. The default list is what a person opening the server on this machine can type:
 * for a loopback listen address "localhost" and the loopback literals (127.0.0.1, [::1]); for a
 * wildcard address (0.0.0.0, ::) also the host name and every address of the machine's
 * interfaces; for any other address that address and the host name. Pure text functions, used
 * by http_ws.c on the signaling thread. */
#ifndef MOA_GATEWAY_ORIGINS_H
#define MOA_GATEWAY_ORIGINS_H

#include <stdbool.h>
#include <stddef.h>

/* Writes the default comma-separated origin list for a server listening on host:port (scheme
 * "http" or "https") into out (cap bytes, NUL-terminated). Names that would not fit are left
 * out (the list stays well formed). Returns the number of origins written. */
int origins_default(char *out, size_t cap, const char *scheme, const char *host, int port);

/* True when origin is exactly one of the comma-separated entries of list (spaces around
 * entries ignored; comparison of the scheme and host is case-insensitive, as in RFC 6454). */
bool origins_allowed(const char *list, const char *origin);

/* The origin links to the app should use in a document answered to a request with this Host
 * header (may be NULL): scheme://host when that is on list, else the list's first entry (so a
 * forged Host never lands in a link). Writes "" when the list is empty. */
void origins_base_for(const char *list, const char *scheme, const char *host, char *out, size_t cap);

#endif
