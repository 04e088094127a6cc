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

/* Deletes expired sessions; returns how many, or -1. */
int session_store_purge_expired(moa_db *db);

#endif
