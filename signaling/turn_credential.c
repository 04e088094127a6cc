/* TURN REST API credentials (see turn_credential.h). OpenSSL does the HMAC and the base64. */
#include "signaling/turn_credential.h"

#include <inttypes.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <string.h>

static int user_ok(const char *user) {
  size_t n = strlen(user);
  if (n == 0 || n > TURN_USER_MAX) return 0;
  for (size_t i = 0; i < n; i++)
    if (user[i] <= ' ' || user[i] > '~' || user[i] == ':') return 0;
  return 1;
}

int turn_credential_make(const void *secret, size_t secretlen, int64_t expiry, const char *user,
                         char *username, size_t username_len, char *password, size_t password_len) {
  if (username_len) username[0] = '\0';
  if (password_len) password[0] = '\0';
  if (!secret || secretlen == 0 || secretlen > INT32_MAX || expiry < 0 || !user || !user_ok(user) ||
      password_len < TURN_PASSWORD_MAX)
    return -1;
  int n = snprintf(username, username_len, "%" PRId64 ":%s", expiry, user);
  if (n < 0 || (size_t)n >= username_len) {
    if (username_len) username[0] = '\0';
    return -1;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int maclen = 0;
  if (!HMAC(EVP_sha1(), secret, (int)secretlen, (const unsigned char *)username, (size_t)n, mac, &maclen) ||
      maclen != 20) {
    username[0] = '\0';
    return -1;
  }
  EVP_EncodeBlock((unsigned char *)password, mac, (int)maclen); /* 28 characters and a NUL */
  return 0;
}
