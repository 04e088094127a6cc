/* Password hashing with scrypt (OpenSSL EVP_PBE_scrypt), a memory-hard KDF.
 * Encoded form: "$scrypt$ln=15,r=8,p=1$<salt b64>$<hash b64>"; the parameters travel with the
 * hash, so they can be raised later without invalidating stored passwords. */
#ifndef MOA_STORAGE_PASSWORD_H
#define MOA_STORAGE_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#define PASSWORD_HASH_MAX 160
#define PASSWORD_MIN_LEN 8
#define PASSWORD_MAX_LEN 256

/* Hashes password with a fresh random salt into out (PASSWORD_HASH_MAX bytes).
 * Returns 0, or -1 (out of memory, RNG failure) with out set to "". */
int password_hash(const char *password, char *out, size_t outlen);

/* Verifies password against an encoded hash in constant time with respect to the hash bytes.
 * Returns false for a wrong password and for any malformed or out-of-range encoding. */
bool password_verify(const char *password, const char *encoded);

/* Checks a new password against the policy; returns NULL if acceptable, else a reason. */
const char *password_policy_error(const char *password);

#endif
