/* Unit tests of gateway/origins: the default list of allowed WebSocket Origins covers every name
 * the listen address is reached by on this machine (localhost for a loopback address, the
 * loopback literals and the interfaces' addresses for a wildcard one), with the right scheme and
 * port, and the check matches whole entries only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

// clang-format off
#include <cmocka.h>
// clang-format on

#include "gateway/origins.h"

static void test_loopback_v4(void **state) {
  (void)state;
  char list[4096];
  assert_int_equal(origins_default(list, sizeof list, "http", "127.0.0.1", 8080), 2);
  assert_string_equal(list, "http://127.0.0.1:8080,http://localhost:8080");
  assert_true(origins_allowed(list, "http://localhost:8080"));
  assert_true(origins_allowed(list, "http://LOCALHOST:8080"));
  assert_false(origins_allowed(list, "http://localhost:8081"));
  assert_false(origins_allowed(list, "https://localhost:8080"));
  assert_false(origins_allowed(list, "http://[::1]:8080")); /* not listened on */
  assert_false(origins_allowed(list, "http://localhost:808"));
  assert_false(origins_allowed(list, "http://evil.example"));
}

static void test_loopback_v6_and_names(void **state) {
  (void)state;
  char list[4096];
  origins_default(list, sizeof list, "https", "::1", 443);
  assert_string_equal(list, "https://[::1]:443,https://localhost:443");
  origins_default(list, sizeof list, "http", "localhost", 80);
  assert_string_equal(list, "http://localhost:80,http://127.0.0.1:80,http://[::1]:80");
}

static void test_wildcard(void **state) {
  (void)state;
  char list[4096];
  assert_true(origins_default(list, sizeof list, "http", "0.0.0.0", 9000) >= 3);
  assert_true(origins_allowed(list, "http://localhost:9000"));
  assert_true(origins_allowed(list, "http://127.0.0.1:9000")); /* also from the lo interface */
  assert_false(origins_allowed(list, "http://0.0.0.0:9000"));
  assert_false(origins_allowed(list, "http://[::1]:9000")); /* an IPv4 socket */
  origins_default(list, sizeof list, "http", "::", 9000);
  assert_true(origins_allowed(list, "http://[::1]:9000"));
  assert_true(origins_allowed(list, "http://127.0.0.1:9000"));
}

static void test_small_buffer_stays_well_formed(void **state) {
  (void)state;
  char list[40];
  assert_int_equal(origins_default(list, sizeof list, "http", "127.0.0.1", 8080), 1);
  assert_string_equal(list, "http://127.0.0.1:8080");
}

static void test_operator_list(void **state) {
  (void)state;
  const char *list = " https://moa.example.org , http://10.0.0.5:8080";
  assert_true(origins_allowed(list, "https://moa.example.org"));
  assert_true(origins_allowed(list, "http://10.0.0.5:8080"));
  assert_false(origins_allowed(list, "https://moa.example"));
  assert_false(origins_allowed("", "http://localhost:8080"));
}

static void test_base_for_links(void **state) {
  (void)state;
  char base[128];
  const char *list = "http://127.0.0.1:8080,http://localhost:8080";
  origins_base_for(list, "http", "localhost:8080", base, sizeof base);
  assert_string_equal(base, "http://localhost:8080"); /* the name the person used */
  origins_base_for(list, "http", "evil.example", base, sizeof base);
  assert_string_equal(base, "http://127.0.0.1:8080"); /* a forged Host never lands in a link */
  origins_base_for(list, "http", NULL, base, sizeof base);
  assert_string_equal(base, "http://127.0.0.1:8080");
  origins_base_for(" https://moa.example.org ", "http", "moa.example.org", base, sizeof base);
  assert_string_equal(base, "https://moa.example.org");
  origins_base_for("", "http", "x", base, sizeof base);
  assert_string_equal(base, "");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_loopback_v4),   cmocka_unit_test(test_loopback_v6_and_names),
      cmocka_unit_test(test_wildcard),      cmocka_unit_test(test_small_buffer_stays_well_formed),
      cmocka_unit_test(test_operator_list), cmocka_unit_test(test_base_for_links),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
