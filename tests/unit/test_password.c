/* Unit tests of storage/password: hash and verify round trip, a wrong password fails, two hashes
 * of one password differ (fresh salt), the encoded form has the documented shape, every malformed
 * or out-of-range encoding (each truncation, wrong prefix, ln 9 or 21, r 0, p 5, bad base64, salt
 * or key of the wrong decoded length, empty) verifies false without crashing, and the policy's
 * length limits. Each scrypt call costs ~60 ms (more under ASan), so malformed cases are built to
 * be refused before the KDF runs, except where the test says otherwise. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// clang-format off: cmocka.h needs the headers above
#include <cmocka.h>
// clang-format on

#include "storage/password.h"

static const char PW[] = "correct horse battery";

/* One hash shared by the tests (computing it costs as much as a sign-in). */
static char encoded[PASSWORD_HASH_MAX];

static int setup(void **state) { return password_hash(PW, encoded, sizeof encoded); }

/* encoded with the segment between the 3rd and 4th '$' (the salt) or after the 4th (the key)
 * replaced by repl. */
static void with_part(char *out, size_t outlen, int part, const char *repl) {
  const char *d3 = strchr(strchr(strchr(encoded + 1, '$') + 1, '$'), '$');
  const char *d4 = strchr(d3 + 1, '$');
  assert_non_null(d4);
  if (part == 3)
    snprintf(out, outlen, "%.*s%s%s", (int)(d3 + 1 - encoded), encoded, repl, d4);
  else
    snprintf(out, outlen, "%.*s%s", (int)(d4 + 1 - encoded), encoded, repl);
}

static void test_round_trip(void **state) {
  assert_true(password_verify(PW, encoded));
  assert_false(password_verify("correct horse batterY", encoded));
  assert_false(password_verify("", encoded));
  assert_false(password_verify(NULL, encoded));
  assert_false(password_verify(PW, NULL));
}

static void test_shape(void **state) {
  /* "$scrypt$ln=15,r=8,p=1$" + 24 chars of salt + "$" + 44 chars of key. */
  const char prefix[] = "$scrypt$ln=15,r=8,p=1$";
  assert_int_equal(strncmp(encoded, prefix, sizeof prefix - 1), 0);
  assert_int_equal(strlen(encoded), sizeof prefix - 1 + 24 + 1 + 44);
  assert_int_equal(encoded[sizeof prefix - 1 + 24], '$');
  assert_true(strlen(encoded) < PASSWORD_HASH_MAX);
}

static void test_salted(void **state) {
  char other[PASSWORD_HASH_MAX];
  assert_int_equal(password_hash(PW, other, sizeof other), 0);
  assert_string_not_equal(other, encoded);
  assert_true(password_verify(PW, other));
}

static void test_hash_small_buffer(void **state) {
  char small[40];
  memset(small, 'x', sizeof small);
  assert_int_equal(password_hash(PW, small, sizeof small), -1);
  assert_string_equal(small, "");
}

static void test_truncated(void **state) {
  size_t n = strlen(encoded);
  for (size_t len = 0; len < n; len++) {
    /* Exactly len + 1 bytes on the heap, so ASan catches a read past the end. */
    char *t = malloc(len + 1);
    assert_non_null(t);
    memcpy(t, encoded, len);
    t[len] = '\0';
    if (password_verify(PW, t)) fail_msg("verified truncated hash '%s'", t);
    free(t);
  }
}

static void test_malformed(void **state) {
  char buf[256];
  const char *key = strrchr(encoded, '$') + 1;
  const char *salt_end = strrchr(encoded, '$');
  const char *salt = salt_end - 24;

  static const char *params[] = {
      "$scrypt$ln=9,r=8,p=1$",  "$scrypt$ln=21,r=8,p=1$",  "$scrypt$ln=15,r=0,p=1$", "$scrypt$ln=15,r=8,p=5$",
      "$scrypt$ln=15,r=8,p=0$", "$scrypt$ln=15,r=33,p=1$", "$scrypt$ln=-1,r=8,p=1$", "$scrypt$ln=15,r=8$",
      "$scrypt$ln=15,p=1,r=8$", "$scrypt$ln=x,r=8,p=1$",   "$Scrypt$ln=15,r=8,p=1$", "$argon2$ln=15,r=8,p=1$",
      "scrypt$ln=15,r=8,p=1$",  "$scrypt$ln=15,r=8,p=1",
  };
  for (size_t i = 0; i < sizeof params / sizeof params[0]; i++) {
    snprintf(buf, sizeof buf, "%s%.24s$%s", params[i], salt, key);
    if (password_verify(PW, buf)) fail_msg("verified '%s'", buf);
  }

  /* Salt and key replaced by bad base64 or by base64 of the wrong length. */
  static const char *bad_b64[] = {
      "",
      "!!!!!!!!!!!!!!!!!!!!!!!!",
      "AAAAAAAAAAAAAAAAAAAAAA=",                      /* 23 chars: not a multiple of 4 */
      "AAAAAAAAAAAAAAAAAAAAAAAA",                     /* 18 bytes */
      "AAAAAAAAAAAAAAAAAAAA",                         /* 15 bytes */
      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", /* 32 bytes where 16 are wanted (salt) */
      "AAAAAAAA AAAAAAAAAAAAAA==",
      "AAAA=AAAAAAAAAAAAAAAAA==",
      "AAAAAAAAAAAAAAAAAAAAAA=A",
      "AAAAAAAAAAAAAAAAAAAAAA\xff\xff",
      "AAAAAAAAAAAAAAAAAAAAAA=="
      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
      "AAAAAA",
  };
  for (size_t i = 0; i < sizeof bad_b64 / sizeof bad_b64[0]; i++) {
    with_part(buf, sizeof buf, 3, bad_b64[i]);
    if (password_verify(PW, buf)) fail_msg("verified '%s'", buf);
    with_part(buf, sizeof buf, 4, bad_b64[i]);
    if (password_verify(PW, buf)) fail_msg("verified '%s'", buf);
  }
  /* A 16-byte value where the 32-byte key belongs. */
  with_part(buf, sizeof buf, 4, "AAAAAAAAAAAAAAAAAAAAAA==");
  assert_false(password_verify(PW, buf));

  /* No key separator at all; trailing junk after the key; an extra field. */
  snprintf(buf, sizeof buf, "$scrypt$ln=15,r=8,p=1$%.24s", salt);
  assert_false(password_verify(PW, buf));
  snprintf(buf, sizeof buf, "%sA", encoded);
  assert_false(password_verify(PW, buf));
  snprintf(buf, sizeof buf, "%s$", encoded);
  assert_false(password_verify(PW, buf));

  assert_false(password_verify(PW, ""));
  assert_false(password_verify(PW, "$"));
  assert_false(password_verify(PW, "$scrypt$"));
  assert_false(password_verify(PW, "plaintext password"));
}

/* A well-formed hash with different (valid) parameters or a changed byte runs the KDF and fails. */
static void test_tampered(void **state) {
  char buf[256];
  snprintf(buf, sizeof buf, "%s", encoded);
  buf[sizeof "$scrypt$ln=" - 1 + 1] = '4'; /* ln=15 -> ln=14 */
  assert_int_equal(strncmp(buf, "$scrypt$ln=14,", 14), 0);
  assert_false(password_verify(PW, buf));

  snprintf(buf, sizeof buf, "%s", encoded);
  char *salt = strchr(buf + sizeof "$scrypt$ln=15,r=8,p=1" - 1, '$') + 1;
  salt[0] = salt[0] == 'A' ? 'B' : 'A';
  assert_false(password_verify(PW, buf));

  snprintf(buf, sizeof buf, "%s", encoded);
  char *key = strrchr(buf, '$') + 1;
  key[0] = key[0] == 'A' ? 'B' : 'A';
  assert_false(password_verify(PW, buf));
}

static void test_policy(void **state) {
  assert_non_null(password_policy_error(""));
  assert_non_null(password_policy_error("1234567"));
  assert_null(password_policy_error("12345678"));
  char pw[PASSWORD_MAX_LEN + 2];
  memset(pw, 'p', sizeof pw);
  pw[PASSWORD_MAX_LEN] = '\0';
  assert_null(password_policy_error(pw));
  pw[PASSWORD_MAX_LEN] = 'p';
  pw[PASSWORD_MAX_LEN + 1] = '\0';
  const char *why = password_policy_error(pw);
  assert_non_null(why);
  assert_non_null(strstr(why, "256"));
  /* Length counts bytes: four 3-byte characters are 12 bytes. */
  assert_null(password_policy_error("한국어요"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_round_trip), cmocka_unit_test(test_shape),
      cmocka_unit_test(test_salted),     cmocka_unit_test(test_hash_small_buffer),
      cmocka_unit_test(test_truncated),  cmocka_unit_test(test_malformed),
      cmocka_unit_test(test_tampered),   cmocka_unit_test(test_policy),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
