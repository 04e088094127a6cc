/* The HTTP and WebSocket server's private parts (see http_ws.h), shared by its three files:
 * http_ws.c (the server's lifecycle, its flood defences and their counters), http_ws_routes.c
 * (the "http" protocol: /healthz, /metrics, calendars, recordings, attachments and the static
 * files) and http_ws_pump.c (the "moa.v1" protocol: the WebSocket session pump between a
 * connection and the hub). Everything here runs on the server's (signaling) thread. */
#ifndef MOA_GATEWAY_HTTP_WS_INT_H
#define MOA_GATEWAY_HTTP_WS_INT_H

#include <libwebsockets.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "gateway/conn_limit.h"
#include "gateway/http_files.h"
#include "gateway/http_ws.h"
#include "gateway/ws_batch.h"

struct server {
  const moa_config *cfg;
  hub *hub; /* not owned; NULL until server_serve */
  struct lws_context *ctx;
  struct lws_vhost *vhost;
  lws_sorted_usec_list_t tick;
  volatile sig_atomic_t stop;
  bool stopping;
  time_t started;
  char static_dir[PATH_MAX];
  char origins[4096]; /* allowed WebSocket Origins, comma-separated (origins.h) */
  lws_retry_bo_t retry;
  struct lws_http_mount mounts[1];
  struct lws_protocols protocols[3];
  /* flood defences */
  conn_limit *per_ip;
  int fd_limit;           /* RLIMIT_NOFILE (soft) when the server started */
  struct lws *listen_wsi; /* the listening socket, seen on the first accept */
  lws_sorted_usec_list_t accept_resume;
  bool accept_paused;
  uint64_t refused_per_ip, refused_fds, closed_auth_timeout, closed_evicted, accept_backoffs;
  struct ws_pss *oldest, *newest; /* open WebSockets in the order they opened */
  /* the frames of one batched write (ws_batch.h): one buffer for every connection, since lws
   * copies what a write leaves unsent */
  ws_batch batch;
  /* connections whose paced events wait for the next tick (pace_prev, pace_next) */
  struct ws_pss *paced;
  lws_sorted_usec_list_t pace_tick;
  bool pace_armed;
};

/* Per-connection data, sized in the protocols of server_start. */

typedef struct http_pss {
  char *body;
  size_t len;
  http_files_upload *upload; /* POST /files: until its answer (http_files.h) */
  bool close_after;          /* end the connection once the answer is written */
} http_pss;

typedef struct ws_pss {
  struct lws *wsi;
  struct ws_pss *older, *newer; /* server.oldest .. server.newest */
  session *sess;
  char *rx;
  size_t rx_len, rx_cap;
  bool rx_binary;
  int close_code;
  char close_reason[120];
  unsigned char *tx;
  size_t tx_cap;
  lws_sorted_usec_list_t auth_timer; /* --auth-timeout */
  lws_usec_t last_write;             /* when something was last written (pacing of events) */
  bool is_paced;                     /* in server.paced */
  struct ws_pss *pace_prev, *pace_next;
  char address[64]; /* counted in server.per_ip while non-empty */
} ws_pss;

static inline server *srv_of(struct lws *wsi) { return lws_context_user(lws_get_context(wsi)); }

/* The lws callbacks of the two protocols: "http" (http_ws_routes.c) and "moa.v1"
 * (http_ws_pump.c). */
int http_ws__callback_http(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                           size_t len);
int http_ws__callback_ws(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len);

/* Flood defences (http_ws.c). A new connection got descriptor fd: true admits it (having closed
 * the oldest WebSocket not signed in when past the soft budget), false refuses it (lws closes
 * fd). */
bool http_ws__fd_admit(server *srv, int fd);
/* Checks pss's sign-in after_ms from now: a connection still not signed in is closed 4408, one
 * signing in or signed in is checked again later (--auth-timeout). */
void http_ws__auth_timer_start(server *srv, ws_pss *pss, uint64_t after_ms);

#endif
