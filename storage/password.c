/* Password hashing (see password.h). Cost: N = 2^15, r = 8, p = 1 uses 32 MiB and about 60 ms
 * of one core here, so a stolen database costs an attacker that much per guess per account;
 * verification runs on the job thread, not on the signaling loop. */
#include "storage/password.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SALT_LEN 16
#define KEY_LEN 32
#define DEFAULT_LN 15
#define DEFAULT_R 8
#define DEFAULT_P 1

static int b64(const unsigned char *in, int n, char *out, size_t outlen) {
  if ((size_t)(4 * ((n + 2) / 3) + 1) > outlen) return -1;
  return EVP_EncodeBlock((unsigned char *)out, in, n);
}

static int unb64(const char *in, size_t inlen, unsigned char *out, int expect) {
  unsigned char buf[128];
  if (inlen == 0 || inlen > 88 || inlen % 4 != 0) return -1;
  int n = EVP_DecodeBlock(buf, (const unsigned char *)in, (int)inlen);
  if (n < 0) return -1;
  /* EVP_DecodeBlock counts '=' padding as zero bytes; strip them. */
  if (inlen >= 1 && in[inlen - 1] == '=') n--;
  if (inlen >= 2 && in[inlen - 2] == '=') n--;
  if (n != expect) return -1;
  memcpy(out, buf, (size_t)n);
  return n;
}

static int derive(const char *pw, const unsigned char *salt, int ln, int r, int p, unsigned char *key) {
  uint64_t N = 1ull << ln;
  uint64_t maxmem = 128ull * (uint64_t)r * N + (64ull << 20);
  return EVP_PBE_scrypt(pw, strlen(pw), salt, SALT_LEN, N, (uint64_t)r, (uint64_t)p, maxmem, key, KEY_LEN) ==
                 1
             ? 0
             : -1;
}

int password_hash(const char *password, char *out, size_t outlen) {
  unsigned char salt[SALT_LEN], key[KEY_LEN];
  char s64[64], k64[64];
  if (outlen) out[0] = '\0';
  if (RAND_bytes(salt, SALT_LEN) != 1) return -1;
  if (derive(password, salt, DEFAULT_LN, DEFAULT_R, DEFAULT_P, key) != 0) return -1;
  if (b64(salt, SALT_LEN, s64, sizeof s64) < 0 || b64(key, KEY_LEN, k64, sizeof k64) < 0) return -1;
  int n = snprintf(out, outlen, "$scrypt$ln=%d,r=%d,p=%d$%s$%s", DEFAULT_LN, DEFAULT_R, DEFAULT_P, s64, k64);
  OPENSSL_cleanse(key, sizeof key);
  if (n < 0 || (size_t)n >= outlen) {
    if (outlen) out[0] = '\0';
    return -1;
  }
  return 0;
}

bool password_verify(const char *password, const char *encoded) {
  int ln, r, p, used = 0;
  if (!password || !encoded) return false;
  if (sscanf(encoded, "$scrypt$ln=%d,r=%d,p=%d$%n", &ln, &r, &p, &used) != 3 || used == 0) return false;
  if (ln < 10 || ln > 20 || r < 1 || r > 32 || p < 1 || p > 4) return false;
  const char *salt64 = encoded + used;
  const char *dollar = strchr(salt64, '$');
  if (!dollar) return false;
  const char *key64 = dollar + 1;
  unsigned char salt[SALT_LEN], want[KEY_LEN], got[KEY_LEN];
  if (unb64(salt64, (size_t)(dollar - salt64), salt, SALT_LEN) < 0) return false;
  if (unb64(key64, strlen(key64), want, KEY_LEN) < 0) return false;
  if (derive(password, salt, ln, r, p, got) != 0) return false;
  bool ok = CRYPTO_memcmp(got, want, KEY_LEN) == 0;
  OPENSSL_cleanse(got, sizeof got);
  return ok;
}

const char *password_policy_error(const char *password) {
  size_t n = strlen(password);
  if (n < PASSWORD_MIN_LEN) return "password must have at least 8 characters";
  if (n > PASSWORD_MAX_LEN) return "password must have at most 256 bytes";
  return NULL;
}
