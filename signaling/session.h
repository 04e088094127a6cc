/* A signaling session: one WebSocket connection's protocol state. Who is signed in on it, its
 * request rate budget, and its bounded outbound queue. Owned by the hub on the signaling
 * thread; the gateway holds only an opaque pointer and the session's id.
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

enum { SESSION_WRITE_NONE, SESSION_WRITE_SOON, SESSION_WRITE_NOW };

typedef struct session {
  uint64_t id;
  void *transport;
  const session_io *io;
  char address[64];
  /* who */
  int64_t user_id; /* 0 until signed in */
  bool is_admin;
  char token[48];          /* the session token this connection signed in with ("" if none) */
  int64_t expires_at;      /* when that sign-in ends (unix seconds, db_now's clock; 0: never) */
  int64_t room_id;         /* the live room this connection is in (0: none) */
  uint32_t participant_id; /* its participant there */
  /* a guest (auth.guest): may only enter this meeting's room and use its chat (0: not a guest) */
  int64_t guest_meeting_id;
  char guest_role[16];     /* "guest", "press" or "expert" */
  int guest_until_segment; /* 0: the whole meeting; N: removed when agenda segment N ends */
  /* request budget: token bucket */
  double tokens;
  uint64_t last_refill_ms;
  unsigned violations;
  /* outbound queue: a ring of references, queued messages from ring[ring_start] on */
  outmsg **ring;
  size_t ring_cap, ring_start;
  size_t queued, queued_bytes;
  size_t max_messages, max_bytes;
  unsigned char write_asked; /* SESSION_WRITE_*: what the gateway was asked while queued is non-zero */
  bool closing;
  unsigned pending_jobs; /* async work still referring to this session by id */
  /* one sign-in at a time (handlers_auth.c): an auth.login is being checked, or its failure's
   * delayed reply is not yet due (until then another auth.login is answered `busy`) */
  bool login_pending;
  uint64_t login_quiet_until_ms;
  uint64_t login_accepted_ms; /* when its last auth.login was accepted (0: never); --auth-timeout */
  /* a company sign-up (signup.create) is being hashed, stored or mailed (handlers_signup.c): one
   * at a time, and the connection is not closed for not signing in meanwhile */
  bool signup_pending;
  struct session *next_in_bucket;
  struct session *prev_all, *next_all;
  /* the hub's index of sessions by signed-in user (hub.c): this user's bucket, both ways */
  struct session *prev_of_user, *next_of_user;
  uint64_t delivery; /* the last hub_deliver that reached it (one copy per delivery) */
} session;

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
