/* Unit tests of signaling/turn_credential (TURN REST API credentials for coturn's use-auth-secret):
 * the HMAC-SHA1 against credentials computed independently with `openssl dgst` (a text secret,
 * and RFC 2202 test case 1's binary key) (the scheme coturn checks: base64 of HMAC-SHA1(secret,
 * "expiry:user")); the username's form; and refusals: a user with ':' or spaces, an empty or too
 * long user, a negative expiry, an empty secret, buffers too small. tests/integration/
 * turn_coturn.test.mjs checks the same credentials against coturn itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

// clang-format off: cmocka.h needs the headers above
#include <cmocka.h>
// clang-format on

#include "signaling/turn_credential.h"

static void test_openssl_vector(void **state) {
  (void)state;
  /* printf '1765000000:42' | openssl dgst -sha1 -hmac 'north-wind-7f3a9c' -binary | base64 */
  const char *secret = "north-wind-7f3a9c";
  char user[TURN_USERNAME_MAX], pass[TURN_PASSWORD_MAX];
  assert_int_equal(
      turn_credential_make(secret, strlen(secret), 1765000000, "42", user, sizeof user, pass, sizeof pass),
      0);
  assert_string_equal(user, "1765000000:42");
  assert_string_equal(pass, "KacRPmQ5YZXJeXs0OJ17Gilce2M=");
}

static void test_rfc2202_key(void **state) {
  (void)state;
  /* RFC 2202 case 1's key (twenty 0x0b bytes: a binary secret works too). Expected value from
   * printf '0:Hi' | openssl dgst -sha1 -mac HMAC -macopt hexkey:<0b x 20> -binary | base64 */
  unsigned char key[20];
  memset(key, 0x0b, sizeof key);
  char user[TURN_USERNAME_MAX], pass[TURN_PASSWORD_MAX];
  assert_int_equal(turn_credential_make(key, sizeof key, 0, "Hi", user, sizeof user, pass, sizeof pass), 0);
  assert_string_equal(user, "0:Hi");
  assert_string_equal(pass, "txrwAcsNwxIEYV76r6KhJZlF3Sk=");
}

static void test_changes_change_password(void **state) {
  (void)state;
  const char *secret = "north-wind-7f3a9c";
  char u1[TURN_USERNAME_MAX], p1[TURN_PASSWORD_MAX], u2[TURN_USERNAME_MAX], p2[TURN_PASSWORD_MAX];
  assert_int_equal(
      turn_credential_make(secret, strlen(secret), 1765000000, "42", u1, sizeof u1, p1, sizeof p1), 0);
  assert_int_equal(
      turn_credential_make(secret, strlen(secret), 1765000001, "42", u2, sizeof u2, p2, sizeof p2), 0);
  assert_string_not_equal(p1, p2); /* another expiry */
  assert_int_equal(
      turn_credential_make(secret, strlen(secret), 1765000000, "43", u2, sizeof u2, p2, sizeof p2), 0);
  assert_string_not_equal(p1, p2); /* another user */
  assert_int_equal(
      turn_credential_make("north-wind-7f3a9d", 17, 1765000000, "42", u2, sizeof u2, p2, sizeof p2), 0);
  assert_string_not_equal(p1, p2); /* another secret */
  assert_int_equal(strlen(p1), 28);
}

static void test_refusals(void **state) {
  (void)state;
  const char *secret = "north-wind-7f3a9c";
  size_t n = strlen(secret);
  char user[TURN_USERNAME_MAX], pass[TURN_PASSWORD_MAX];
  char long_user[TURN_USER_MAX + 2];
  memset(long_user, 'a', sizeof long_user - 1);
  long_user[sizeof long_user - 1] = '\0';
  const char *bad_users[] = {"", "a:b", "a b", "a\tb", "\x7f", "caf\xc3\xa9", long_user};
  for (size_t i = 0; i < sizeof bad_users / sizeof bad_users[0]; i++) {
    memcpy(user, "junk", 5);
    memcpy(pass, "junk", 5);
    assert_int_equal(turn_credential_make(secret, n, 1, bad_users[i], user, sizeof user, pass, sizeof pass),
                     -1);
    assert_string_equal(user, "");
    assert_string_equal(pass, "");
  }
  long_user[TURN_USER_MAX] = '\0'; /* exactly the longest allowed */
  assert_int_equal(turn_credential_make(secret, n, 1, long_user, user, sizeof user, pass, sizeof pass), 0);
  assert_int_equal(turn_credential_make(secret, n, -1, "42", user, sizeof user, pass, sizeof pass), -1);
  assert_int_equal(turn_credential_make(secret, 0, 1, "42", user, sizeof user, pass, sizeof pass), -1);
  assert_int_equal(turn_credential_make(NULL, 5, 1, "42", user, sizeof user, pass, sizeof pass), -1);
  assert_int_equal(turn_credential_make(secret, n, 1765000000, "42", user, 13, pass, sizeof pass),
                   -1); /* 13 + NUL */
  assert_string_equal(user, "");
  assert_int_equal(turn_credential_make(secret, n, 1765000000, "42", user, 14, pass, sizeof pass), 0);
  assert_int_equal(turn_credential_make(secret, n, 1765000000, "42", user, sizeof user, pass, 28), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_openssl_vector),
      cmocka_unit_test(test_rfc2202_key),
      cmocka_unit_test(test_changes_change_password),
      cmocka_unit_test(test_refusals),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
