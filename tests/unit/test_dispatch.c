/* Unit tests of signaling/dispatch: the handler table passes dispatch_check(), is strictly sorted,
 * every entry is found by its own type (and dispatch_index maps it back), every type is one the
 * protocol parser accepts, and unknown, empty, prefix and differently cased types are not found. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

// clang-format off: cmocka.h needs the headers above
#include <cmocka.h>
// clang-format on

#include "signaling/dispatch.h"
#include "signaling/protocol.h"

static void test_check(void **state) {
  assert_int_equal(dispatch_check(), 0);
  assert_true(dispatch_count() > 0);
}

static void test_sorted(void **state) {
  for (size_t i = 1; i < dispatch_count(); i++) {
    const char *prev = dispatch_at(i - 1)->type, *cur = dispatch_at(i)->type;
    if (strcmp(prev, cur) >= 0) fail_msg("table out of order: '%s' before '%s'", prev, cur);
  }
  assert_null(dispatch_at(dispatch_count()));
  assert_null(dispatch_at((size_t)-1));
}

static void test_every_entry_found(void **state) {
  for (size_t i = 0; i < dispatch_count(); i++) {
    const handler_def *d = dispatch_at(i);
    assert_non_null(d);
    assert_non_null(d->type);
    assert_non_null(d->fn);
    assert_ptr_equal(dispatch_find(d->type), d);
    assert_int_equal(dispatch_index(d), i);
    /* A copy of the text finds it too (no reliance on the literal's address). */
    char copy[PROTOCOL_TYPE_MAX + 1];
    snprintf(copy, sizeof copy, "%s", d->type);
    assert_ptr_equal(dispatch_find(copy), d);

    /* The type is one protocol_parse lets through. */
    char msg[128];
    int n = snprintf(msg, sizeof msg, "{\"id\":1,\"type\":\"%s\"}", d->type);
    protocol_request req;
    protocol_error err;
    if (protocol_parse(msg, (size_t)n, &req, &err) != 0)
      fail_msg("type '%s' refused: %s", d->type, err.message);
    assert_string_equal(req.type, d->type);
    json_decref(req.root);
  }
}

static void test_known_types(void **state) {
  static const char *known[] = {"auth.login", "auth.logout", "auth.resume", "me.get", "system.ping"};
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
    const handler_def *d = dispatch_find(known[i]);
    if (!d) fail_msg("'%s' not found", known[i]);
    assert_string_equal(d->type, known[i]);
  }
  /* Only these may be used before sign-in. */
  assert_true(dispatch_find("auth.login")->flags & HANDLER_PUBLIC);
  assert_true(dispatch_find("auth.resume")->flags & HANDLER_PUBLIC);
  assert_true(dispatch_find("system.ping")->flags & HANDLER_PUBLIC);
  assert_false(dispatch_find("auth.logout")->flags & HANDLER_PUBLIC);
  assert_false(dispatch_find("me.get")->flags & HANDLER_PUBLIC);
}

static void test_not_found(void **state) {
  static const char *unknown[] = {
      "",           "a",           "auth",        "auth.",
      "auth.log",   "auth.login2", "auth.login ", " auth.login",
      "AUTH.LOGIN", "Auth.login",  "auth.logi",   "aaa.aaa",
      "zzz.zzz",    "system",      "system.pin",  "system.pingx",
      "me",         "me.",         "me.get.x",    ".get",
      "auth_login",
  };
  for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
    if (dispatch_find(unknown[i])) fail_msg("'%s' was found", unknown[i]);
  /* Every proper prefix of every entry: not found, unless it is a type of its own (meeting.record
   * of meeting.recording_delete), and then that type, never the longer one. */
  for (size_t i = 0; i < dispatch_count(); i++) {
    const char *t = dispatch_at(i)->type;
    char prefix[PROTOCOL_TYPE_MAX + 1];
    for (size_t n = 0; n < strlen(t); n++) {
      snprintf(prefix, sizeof prefix, "%.*s", (int)n, t);
      const handler_def *d = dispatch_find(prefix);
      if (d && strcmp(d->type, prefix) != 0)
        fail_msg("prefix '%s' of '%s' found as '%s'", prefix, t, d->type);
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_check),
      cmocka_unit_test(test_sorted),
      cmocka_unit_test(test_every_entry_found),
      cmocka_unit_test(test_known_types),
      cmocka_unit_test(test_not_found),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
