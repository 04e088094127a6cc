/* The body of struct session (signaling/session.h), for files of signaling/ only: outside it (the
 * gateway) a session is the opaque type and the functions of session.h. */
#ifndef MOA_SIGNALING_SESSION_INT_H
#define MOA_SIGNALING_SESSION_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "signaling/outmsg.h"
#include "signaling/session.h"

enum { SESSION_WRITE_NONE, SESSION_WRITE_SOON, SESSION_WRITE_NOW };

struct session {
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
};

#endif
