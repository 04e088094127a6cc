/* Sign-in sessions. A session token is 32 random bytes, given to the client base64url-encoded;
 * the database keeps only its SHA-256, so reading the database signs nobody in. */
#ifndef MOA_STORAGE_SESSION_STORE_H
#define MOA_STORAGE_SESSION_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "storage/db.h"

#define SESSION_TOKEN_LEN 43 /* base64url of 32 bytes, no padding */

/* Creates a session for user_id valid for ttl seconds from now; writes the token (NUL
 * terminated, SESSION_TOKEN_LEN + 1 bytes) to token. Returns 0, or -1 with nothing written. */
int session_store_create(moa_db *db, int64_t user_id, int64_t ttl, const char *address,
                         char token[SESSION_TOKEN_LEN + 1], int64_t *expires_at);

/* The user of a live (unexpired) session, or 0 when the token is unknown, expired or
 * malformed; -1 on a database error. */
int64_t session_store_lookup(moa_db *db, const char *token, int64_t *expires_at);

/* Ends the session; returns 1 if one was ended, 0 if there was none, -1 on error. */
int session_store_delete(moa_db *db, const char *token);

/* A fresh random token (same form as a session token) and its SHA-256, for other revocable
 * secrets (guest links, calendar feeds). Returns 0, or -1 when no randomness is available. */
int session_token_new(char token[SESSION_TOKEN_LEN + 1], unsigned char hash[32]);
/* SHA-256 of a well-formed token; false (nothing written) for a malformed one. */
bool session_token_hash(const char *token, unsigned char hash[32]);

/* What became of a signed-in connection's session (session_store_check). */
typedef enum {
  SESSION_LIVE = 0,     /* the session exists, has not expired, and its user is enabled */
  SESSION_ENDED = 1,    /* no such session any more: signed out, password changed, purged */
  SESSION_EXPIRED = 2,  /* it is past its expires_at */
  SESSION_DISABLED = 3, /* its user is disabled (or gone) */
  SESSION_CHECK_ERROR = -1
} session_status;

/* The state of the session of token for user_id, in one indexed read. A NULL or empty token
 * (a connection signed in without one) is judged by the user alone. A disabled user wins over
 * an ended session, an ended one over an expired one. */
session_status session_store_check(moa_db *db, const char *token, int64_t user_id);

/* The sign-in epoch (meta auth_epoch): a counter that triggers bump whenever a session is
 * deleted or a user's disabled flag or password changes, whichever process did it
 * (migration 008). -1 on error. */
int64_t session_store_auth_epoch(moa_db *db);

/* Deletes expired sessions; returns how many, or -1. */
int session_store_purge_expired(moa_db *db);

#endif
