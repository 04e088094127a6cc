/* Open WebSocket connections per network address, for --max-conns-per-ip.
 *
 * A chained hash table of address -> count; an entry exists only while its count is above zero,
 * so memory follows the addresses connected now, not every address ever seen. Owned by the
 * server (http_ws.c) on the signaling thread; no locking. */
#ifndef MOA_GATEWAY_CONN_LIMIT_H
#define MOA_GATEWAY_CONN_LIMIT_H

typedef struct conn_limit conn_limit;

/* NULL when out of memory. */
conn_limit *conn_limit_new(void);
void conn_limit_free(conn_limit *c);

/* Connections counted for address now (0 when none). */
int conn_limit_count(const conn_limit *c, const char *address);
/* Counts one more connection of address. Returns 0, or -1 when out of memory (not counted). */
int conn_limit_add(conn_limit *c, const char *address);
/* Counts one connection of address less (no effect when none is counted). */
void conn_limit_remove(conn_limit *c, const char *address);

#endif
