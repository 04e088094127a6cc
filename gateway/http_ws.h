/* The HTTP and WebSocket server: libwebsockets on the signaling thread. Serves the browser app
 * from the static directory, GET /healthz and GET /metrics, and the moa.v1 WebSocket at /ws,
 * whose messages go to the hub. Owns the lws context; runs until server_request_stop(). */
#ifndef MOA_GATEWAY_HTTP_WS_H
#define MOA_GATEWAY_HTTP_WS_H

#include "gateway/config.h"
#include "storage/db.h"

typedef struct server server;

/* Binds the listen address (and only it) and prepares the hub. Returns NULL with the reason
 * logged when it cannot (address in use, bad TLS files, missing static directory). */
server *server_start(const moa_config *cfg, moa_db *db);
/* Runs the event loop until a stop is requested, then tells clients, closes them (waiting up to
 * two seconds for their queues to drain) and returns 0. */
int server_run(server *srv);
/* Async-signal-safe: asks the loop to stop. */
void server_request_stop(server *srv);
/* Frees everything server_start made (not the database). */
void server_free(server *srv);
/* The port actually bound (useful with --listen ADDR:0). */
int server_port(server *srv);
/* Appends the gateway's flood counters (refused and closed connections, accept back-offs, the
 * descriptor limit) in Prometheus text format to buf; returns bytes written (at most len). */
size_t server_metrics_render(server *srv, char *buf, size_t len);

#endif
