/* The HTTP and WebSocket server: libwebsockets on the signaling thread. Serves the browser app
 * from the static directory, GET /healthz and GET /metrics, and the moa.v1 WebSocket at /ws,
 * whose messages go to the hub. Owns the lws context, not the hub: gateway/main.c makes the
 * server, then the hub and the media workers (which wake the loop with server_wake), hands the
 * hub over (server_serve), runs it until server_request_stop(), and frees the server before the
 * hub. */
#ifndef MOA_GATEWAY_HTTP_WS_H
#define MOA_GATEWAY_HTTP_WS_H

#include <stddef.h>

#include "gateway/config.h"
#include "signaling/hub.h"

typedef struct server server;

/* Binds the listen address (and only it). Returns NULL with the reason logged when it cannot
 * (address in use, bad TLS files, missing static directory). Nothing is served before
 * server_serve. */
server *server_start(const moa_config *cfg);
/* Wakes the server's loop (arg is the server): the wake function the hub's job pools and the
 * media workers call from their threads. Thread-safe. */
void server_wake(void *arg);
/* Hands the server the hub its connections and requests go to (not owned: it must outlive the
 * server) and starts its ticks (hub_poll about every 100 ms). Call once, before server_run. */
void server_serve(server *srv, hub *h);
/* Runs the event loop until a stop is requested, then tells clients, closes them (waiting up to
 * two seconds for their queues to drain) and returns 0. */
int server_run(server *srv);
/* Async-signal-safe: asks the loop to stop. */
void server_request_stop(server *srv);
/* Frees everything server_start made, closing the connections left (their sessions are closed in
 * the hub, which must still exist). NULL: nothing. */
void server_free(server *srv);
/* The port actually bound (useful with --listen ADDR:0). */
int server_port(server *srv);
/* Appends the gateway's flood counters (refused and closed connections, accept back-offs, the
 * descriptor limit) in Prometheus text format to buf; returns bytes written (at most len). */
size_t server_metrics_render(server *srv, char *buf, size_t len);

#endif
