/* A signaling session: one WebSocket connection's protocol state. Who is signed in on it, its
 * request rate budget, and its bounded outbound queue. Owned by the hub on the signaling
 * thread; the gateway holds only an opaque pointer and reads it through the accessors below (the
 * struct's body is signaling/session_int.h, for signaling/ only).
 *
 * The gateway implements session_io: it is asked to write when the empty queue gains a message,
 * pops queued messages when writable (asking again while some remain), and closes the connection
 * when told to. The queue holds references to outmsg (outmsg.h): an event for many connections is
 * stored once, and queueing it to one more costs a pointer. */
#ifndef MOA_SIGNALING_SESSION_H
#define MOA_SIGNALING_SESSION_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "signaling/outmsg.h"

typedef struct session_io {
  void (*want_write)(void *transport);
  void (*close)(void *transport, int code, const char *reason);
  /* Asks to write soon: at once when the connection has not been written to for a short while,
   * else within it (the gateway's pacing of fan-out events, so a connection receiving many of
   * them gets several per write). NULL: want_write. */
  void (*want_write_soon)(void *transport);
} session_io;

/* Opaque outside signaling/: its fields are in signaling/session_int.h. */
typedef struct session session;

/* What the gateway reads of a session (its writes, its flood defences and its sign-in timer):
 * how many messages are queued; the signed-in user (0: none); whether session_close was called;
 * whether an auth.login is being checked (or a signup.create handled); until when a failed
 * sign-in's delayed reply is due (0: none) and when its last auth.login was accepted (0: never),
 * both in hub_now_ms's clock. */
size_t session_queued(const session *s);
int64_t session_user_id(const session *s);
bool session_is_closing(const session *s);
bool session_login_pending(const session *s);
bool session_signup_pending(const session *s);
uint64_t session_login_quiet_until_ms(const session *s);
uint64_t session_login_accepted_ms(const session *s);

/* Queues msg (a JSON value, serialized compactly; not stolen) for sending. If the queue would
 * pass its bounds, the session is closed as a slow consumer (1008) and the message dropped.
 * Returns 0 when queued, -1 when dropped. No effect once the session is closing. */
int session_send(session *s, json_t *msg);
/* Queues already serialized text. Same contract as session_send. */
int session_send_text(session *s, const char *text, size_t len);
/* Queues one more reference to m (the caller keeps its own). Same contract as session_send. */
int session_send_shared(session *s, outmsg *m);
/* As session_send_shared, for an event of a fan-out (hub_deliver): its write may wait for the
 * gateway's pacing (session_io.want_write_soon); a reply or any message queued after it takes
 * it along at once. The order of the queue is kept either way. */
int session_send_soon(session *s, outmsg *m);

/* The i-th queued message from the front (0: the next to go), or NULL past the end. */
outmsg *session_peek(const session *s, size_t i);
/* Takes the next queued message, or NULL when empty. The caller owns the reference it had in the
 * queue: outmsg_unref it. */
outmsg *session_pop(session *s);

/* Asks the gateway to close the connection with a WebSocket close code and reason. */
void session_close(session *s, int code, const char *reason);

/* Takes one token from the request budget (rate per second, burst). Returns true when allowed. */
bool session_take_token(session *s, double rate, double burst, uint64_t now_ms);

/* Drops every queued message and frees the queue's ring. */
void session_clear_queue(session *s);

#endif
