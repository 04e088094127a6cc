/* The session watch: signed-in connections end when their sign-in does, wherever that happens.
 *
 * A connection is checked at sign-in (auth.login, auth.resume, auth.guest); after that its session
 * can end in four ways, and each ends every live connection of it within a second:
 *   - auth.logout on another connection of the same session (this process: at once);
 *   - `moa user disable` or `moa user passwd`, run as another process on the database file;
 *   - any other writer deleting sessions (an operator with the sqlite3 shell, say);
 *   - the session's expiry.
 * Ending a connection sends the event auth.session_ended {reason, message} and closes it with
 * 4001 "session ended: <reason>" (docs/PROTOCOL.md).
 *
 * Learning of other processes' changes stays cheap: every SESSION_WATCH_MS the watch reads
 * PRAGMA data_version (shared memory, no disk read), which moves only when another connection
 * committed; only then does it read the sign-in epoch (one meta row that triggers bump on every
 * session deletion and every change of a user's disabled flag or password, migration 008), and
 * only when that moved does it re-check each signed-in connection (one indexed read each). No
 * request pays for any of it. Expiry is a walk over the sessions' expires_at in memory.
 *
 * Owned by the hub; runs on the signaling thread only. */
#ifndef MOA_SIGNALING_SESSION_WATCH_H
#define MOA_SIGNALING_SESSION_WATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "signaling/session.h"

#define SESSION_WATCH_MS 200
#define SESSION_END_CLOSE_CODE 4001

typedef struct hub hub;

typedef struct session_watch {
  uint64_t next_ms;     /* monotonic time of the next look */
  int64_t data_version; /* last PRAGMA data_version seen (-1: unknown) */
  int64_t epoch;        /* last sign-in epoch seen (-1: unknown) */
  uint64_t ended;       /* connections ended by the watch or by a sign-out elsewhere */
  uint64_t sweeps;      /* re-checks of every signed-in connection */
} session_watch;

/* Reads the current data version and epoch as the starting point. */
void session_watch_init(session_watch *w, hub *h);

/* Looks, at most every SESSION_WATCH_MS (now_ms is hub_now_ms()): ends the expired connections,
 * and when another connection changed the sign-in epoch, every connection whose session ended or
 * whose user was disabled. A database error leaves connections as they are until the next look. */
void session_watch_tick(session_watch *w, hub *h, uint64_t now_ms);

/* Ends one signed-in connection: event auth.session_ended {reason}, then close 4001. reason is
 * one of "signed_out", "revoked", "disabled", "expired". No effect on a closing session. */
void session_watch_end(hub *h, session *s, const char *reason);

/* Ends every connection signed in with token except the one with id except_id (auth.logout);
 * returns how many. */
int session_watch_end_token(hub *h, const char *token, uint64_t except_id, const char *reason);

#endif
