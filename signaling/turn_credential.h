/* TURN credentials that coturn's `use-auth-secret` mode accepts without a user database (the
 * "TURN REST API" scheme, draft-uberti-behave-turn-rest-00, as coturn implements it):
 *
 *   username = "<unix expiry time>:<user>"
 *   password = base64(HMAC-SHA1(shared secret, username))
 *
 * coturn recomputes the password from its `static-auth-secret` and refuses the username once the
 * expiry time has passed, so Moa hands out short-lived credentials per join and never tells
 * coturn about users. Pure: no state, no I/O; used by the signaling thread and unit-tested. */
#ifndef MOA_SIGNALING_TURN_CREDENTIAL_H
#define MOA_SIGNALING_TURN_CREDENTIAL_H

#include <stddef.h>
#include <stdint.h>

#define TURN_USERNAME_MAX 96 /* bytes with the NUL: 20 digits, ':', a user of up to 64 bytes */
#define TURN_PASSWORD_MAX 32 /* base64 of a 20-byte HMAC-SHA1 is 28 characters, plus the NUL */
#define TURN_USER_MAX 64     /* bytes of the user part */

/* Writes the username ("expiry:user") and password for secret (secretlen bytes). user must be
 * 1..TURN_USER_MAX printable ASCII bytes without ':' or whitespace (coturn splits at the first
 * ':' and the username goes into STUN USERNAME). Returns 0; -1 (outputs set to "") when user is
 * not like that, expiry is negative, the secret is empty or an output buffer is too small. */
int turn_credential_make(const void *secret, size_t secretlen, int64_t expiry, const char *user,
                         char *username, size_t username_len, char *password, size_t password_len);

#endif
