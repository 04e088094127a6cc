/* Unit tests of signaling/session's accessors (session.h), what the gateway reads of an opaque
 * session: each returns its field of the body (session_int.h) as it changes, session_queued
 * follows the queue as messages are sent and popped, and session_is_closing turns true on
 * session_close, which tells the transport once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

// clang-format off: cmocka.h needs the headers above first
#include <cmocka.h>
// clang-format on

#include "signaling/session.h"
#include "signaling/session_int.h"

static int closes;
static int close_code;

static void io_want_write(void *transport) { (void)transport; }

static void io_close(void *transport, int code, const char *reason) {
  (void)transport;
  (void)reason;
  closes++;
  close_code = code;
}

static const session_io io = {io_want_write, io_close, NULL};

static void test_accessors(void **state) {
  (void)state;
  session *s = calloc(1, sizeof *s);
  assert_non_null(s);
  s->io = &io;
  s->max_messages = 10;
  s->max_bytes = 1000;

  assert_int_equal(session_user_id(s), 0);
  assert_false(session_is_closing(s));
  assert_false(session_login_pending(s));
  assert_false(session_signup_pending(s));
  assert_int_equal(session_login_quiet_until_ms(s), 0);
  assert_int_equal(session_login_accepted_ms(s), 0);
  assert_int_equal(session_queued(s), 0);

  s->user_id = 42;
  s->login_pending = true;
  s->signup_pending = true;
  s->login_quiet_until_ms = 1234;
  s->login_accepted_ms = 5678;
  assert_int_equal(session_user_id(s), 42);
  assert_true(session_login_pending(s));
  assert_true(session_signup_pending(s));
  assert_int_equal(session_login_quiet_until_ms(s), 1234);
  assert_int_equal(session_login_accepted_ms(s), 5678);

  assert_int_equal(session_send_text(s, "{}", 2), 0);
  assert_int_equal(session_send_text(s, "[]", 2), 0);
  assert_int_equal(session_queued(s), 2);
  outmsg_unref(session_pop(s));
  assert_int_equal(session_queued(s), 1);

  session_close(s, 4408, "sign in");
  assert_true(session_is_closing(s));
  assert_int_equal(closes, 1);
  assert_int_equal(close_code, 4408);
  session_close(s, 1000, "again");
  assert_int_equal(closes, 1);
  assert_int_equal(session_queued(s), 1);

  session_clear_queue(s);
  assert_int_equal(session_queued(s), 0);
  free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_accessors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
