/* ws_mask_guard: enforces RFC 6455 5.1 ("a server MUST close the connection upon receiving a
 * frame that is not masked") and 4.1 (a client MUST wait for the server's handshake response
 * before it sends frames), which libwebsockets 4.1.6 does not: its server parser reads the MASK
 * bit, unmasks when it is set and passes unmasked payload on as if it had been masked, and its
 * API exposes neither the bit nor the bytes read.
 *
 * So this module watches the bytes libwebsockets reads: it defines recv() (plain connections)
 * and SSL_read() (TLS ones) in the executable, which the dynamic linker prefers to libc's and
 * libssl's for libwebsockets' calls; each forwards to the real function and then runs the bytes
 * of a watched socket through a small per-connection frame-header parser. Sockets not watched
 * (the media workers' UDP, DTLS over memory BIOs, anything else) pass straight through.
 *
 * The server (signaling thread) tells it about each connection: watch on accept, upgrade when a
 * WebSocket upgrade is accepted (frames start after the upgrade request; bytes the client sent
 * before our 101 are themselves a violation), bind the wsi once established (so a violation
 * seen in a read, even in a control frame lws answers by itself, asks for a writable callback),
 * forget on close. The caller checks ws_mask_guard_violated() in its RECEIVE and WRITEABLE
 * callbacks and closes with 1002 (protocol error).
 *
 * State is a table indexed by descriptor, touched by the signaling thread only; other threads'
 * reads look up their descriptor, find it unwatched and pass through. Descriptors from
 * WS_MASK_GUARD_MAX_FD up are not watched. */
#ifndef MOA_GATEWAY_WS_MASK_GUARD_H
#define MOA_GATEWAY_WS_MASK_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WS_MASK_GUARD_MAX_FD 65536

struct lws;

/* A connection was accepted on fd: start watching it in the HTTP phase (any previous state of
 * that descriptor is dropped). Negative or too large descriptors are ignored. */
void ws_mask_guard_watch(int fd);

/* The request just read on fd is being upgraded to a WebSocket: frames start after it. If the
 * client already sent bytes after the upgrade request, or more than one request in the read
 * that completed it, that is a violation. No-op for a descriptor not watched. */
void ws_mask_guard_upgrade(int fd);

/* The WebSocket on fd is established as wsi: a later violation asks lws for a writable
 * callback on it. If one was already seen, asks at once. */
void ws_mask_guard_bind(int fd, struct lws *wsi);

/* True if a frame of the client on fd was unmasked (or came before the handshake response). */
bool ws_mask_guard_violated(int fd);

/* The connection on fd is closing: stop watching it. */
void ws_mask_guard_forget(int fd);

/* Runs bytes read from fd through its parser (what the recv()/SSL_read() wrappers call).
 * Returns how many of them may be passed on: len for a descriptor not watched or when all is
 * well, the offset of the first unmasked frame when one starts in them, 0 once a violation was
 * seen. */
size_t ws_mask_guard_feed(int fd, const void *buf, size_t len);

#endif
