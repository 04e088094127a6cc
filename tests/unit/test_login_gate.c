/* Unit tests of signaling/login_gate and gateway/conn_limit (issue 10: brute force and floods).
 * login_gate: bounds per address, per account and in all refuse with their own result and hold
 * nothing; never two checks of one account at once; addresses take turns (a new address's
 * attempt starts before an older one from an address that has a check running), yet an idle
 * worker serves a busy address when nobody else waits; done frees the place; free drops only
 * waiting items. conn_limit: counts per address, forgets an address at zero, survives 5,000
 * addresses. */
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

#include "gateway/conn_limit.h"
#include "signaling/login_gate.h"

static int items[64];

static void test_gate_bounds(void **state) {
  (void)state;
  login_gate *g = login_gate_new(1, 3, 2, 5);
  assert_non_null(g);
  assert_int_equal(login_gate_admit(g, "a", "x@e", &items[0]), LOGIN_GATE_OK);
  assert_int_equal(login_gate_admit(g, "a", "x@e", &items[1]), LOGIN_GATE_OK);
  assert_int_equal(login_gate_admit(g, "b", "x@e", &items[2]), LOGIN_GATE_ACCOUNT_FULL);
  assert_int_equal(login_gate_admit(g, "a", "y@e", &items[3]), LOGIN_GATE_OK);
  assert_int_equal(login_gate_admit(g, "a", "z@e", &items[4]), LOGIN_GATE_ADDRESS_FULL);
  assert_int_equal(login_gate_admit(g, "b", "y@e", &items[5]), LOGIN_GATE_OK); /* y@e: 2 now */
  assert_int_equal(login_gate_admit(g, "c", "y@e", &items[6]), LOGIN_GATE_ACCOUNT_FULL);
  assert_int_equal(login_gate_admit(g, "c", "w@e", &items[7]), LOGIN_GATE_OK);
  assert_int_equal(login_gate_admit(g, "d", "v@e", &items[8]), LOGIN_GATE_FULL);
  assert_int_equal(login_gate_waiting(g), 5);
  assert_int_equal(login_gate_running(g), 0);
  login_gate_free(g, NULL);
  assert_null(login_gate_new(0, 1, 1, 1));
  assert_null(login_gate_new(1, 1, 1, 0));
}

static void test_gate_one_check_per_account(void **state) {
  (void)state;
  login_gate *g = login_gate_new(4, 10, 10, 20);
  for (int i = 0; i < 3; i++) {
    char addr[16];
    snprintf(addr, sizeof addr, "10.0.0.%d", i);
    assert_int_equal(login_gate_admit(g, addr, "victim@e", &items[i]), LOGIN_GATE_OK);
  }
  assert_ptr_equal(login_gate_next(g), &items[0]);
  assert_null(login_gate_next(g)); /* workers are free, but the account has a check running */
  assert_int_equal(login_gate_running(g), 1);
  login_gate_done(g, &items[0]);
  assert_ptr_equal(login_gate_next(g), &items[1]);
  login_gate_done(g, &items[1]);
  assert_ptr_equal(login_gate_next(g), &items[2]);
  login_gate_done(g, &items[2]);
  assert_null(login_gate_next(g));
  assert_int_equal(login_gate_waiting(g) + login_gate_running(g), 0);
  login_gate_free(g, NULL);
}

static void test_gate_addresses_take_turns(void **state) {
  (void)state;
  login_gate *g = login_gate_new(2, 32, 8, 64);
  /* A flood of different emails from one address, then one person from another. */
  for (int i = 0; i < 10; i++) {
    char acct[16];
    snprintf(acct, sizeof acct, "ghost%d@e", i);
    assert_int_equal(login_gate_admit(g, "flood", acct, &items[i]), LOGIN_GATE_OK);
  }
  assert_ptr_equal(login_gate_next(g), &items[0]);
  /* Nobody else waits: the second worker serves the flood's address too. */
  assert_ptr_equal(login_gate_next(g), &items[1]);
  assert_null(login_gate_next(g)); /* max_running */
  assert_int_equal(login_gate_admit(g, "person", "me@e", &items[20]), LOGIN_GATE_OK);
  login_gate_done(g, &items[0]);
  /* The person's attempt, newer than eight of the flood's, goes first. */
  assert_ptr_equal(login_gate_next(g), &items[20]);
  login_gate_done(g, &items[1]);
  assert_ptr_equal(login_gate_next(g), &items[2]);
  login_gate_done(g, &items[20]);
  login_gate_done(g, &items[2]);
  assert_int_equal(login_gate_waiting(g), 7);
  assert_int_equal(login_gate_running(g), 0);
  login_gate_free(g, NULL);
}

static int ndropped;
static void count_drop(void *item) {
  (void)item;
  ndropped++;
}

static void test_gate_free_drops_waiting(void **state) {
  (void)state;
  login_gate *g = login_gate_new(1, 8, 8, 8);
  for (int i = 0; i < 4; i++) {
    char acct[16];
    snprintf(acct, sizeof acct, "u%d@e", i);
    assert_int_equal(login_gate_admit(g, "a", acct, &items[i]), LOGIN_GATE_OK);
  }
  assert_ptr_equal(login_gate_next(g), &items[0]); /* running: belongs to the job pool */
  ndropped = 0;
  login_gate_free(g, count_drop);
  assert_int_equal(ndropped, 3);
}

static void test_conn_limit(void **state) {
  (void)state;
  conn_limit *c = conn_limit_new();
  assert_non_null(c);
  assert_int_equal(conn_limit_count(c, "127.0.0.1"), 0);
  for (int i = 0; i < 3; i++) assert_int_equal(conn_limit_add(c, "127.0.0.1"), 0);
  assert_int_equal(conn_limit_add(c, "::1"), 0);
  assert_int_equal(conn_limit_count(c, "127.0.0.1"), 3);
  assert_int_equal(conn_limit_count(c, "::1"), 1);
  assert_int_equal(conn_limit_count(c, "127.0.0.2"), 0);
  conn_limit_remove(c, "::1");
  conn_limit_remove(c, "::1"); /* not counted: no effect */
  assert_int_equal(conn_limit_count(c, "::1"), 0);
  char a[64];
  for (int i = 0; i < 5000; i++) {
    snprintf(a, sizeof a, "10.%d.%d.%d", i >> 16, (i >> 8) & 255, i & 255);
    assert_int_equal(conn_limit_add(c, a), 0);
  }
  for (int i = 0; i < 5000; i += 2) {
    snprintf(a, sizeof a, "10.%d.%d.%d", i >> 16, (i >> 8) & 255, i & 255);
    conn_limit_remove(c, a);
  }
  assert_int_equal(conn_limit_count(c, "10.0.0.0"), 0);
  assert_int_equal(conn_limit_count(c, "10.0.0.1"), 1);
  assert_int_equal(conn_limit_count(c, "127.0.0.1"), 3);
  conn_limit_free(c); /* frees what is left (ASan checks) */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_gate_bounds),
      cmocka_unit_test(test_gate_one_check_per_account),
      cmocka_unit_test(test_gate_addresses_take_turns),
      cmocka_unit_test(test_gate_free_drops_waiting),
      cmocka_unit_test(test_conn_limit),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
