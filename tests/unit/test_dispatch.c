/* Unit tests of signaling/dispatch: the handler table is built (dispatch_new), is strictly sorted,
 * every entry is found by its own type (and dispatch_index maps it back), every type is one the
 * protocol parser accepts, unknown, empty, prefix and differently cased types are not found, and
 * exactly the types a guest link's session may send carry HANDLER_GUEST. */
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

static dispatch *D; /* the table the tests read (setup) */

static void test_check(void **state) {
  dispatch *d = dispatch_new();
  assert_non_null(d);
  assert_true(dispatch_count(d) > 0);
  assert_int_equal(dispatch_count(d), dispatch_count(D));
  dispatch_free(d);
}

static void test_sorted(void **state) {
  for (size_t i = 1; i < dispatch_count(D); i++) {
    const char *prev = dispatch_at(D, i - 1)->type, *cur = dispatch_at(D, i)->type;
    if (strcmp(prev, cur) >= 0) fail_msg("table out of order: '%s' before '%s'", prev, cur);
  }
  assert_null(dispatch_at(D, dispatch_count(D)));
  assert_null(dispatch_at(D, (size_t)-1));
}

static void test_every_entry_found(void **state) {
  for (size_t i = 0; i < dispatch_count(D); i++) {
    const handler_def *d = dispatch_at(D, i);
    assert_non_null(d);
    assert_non_null(d->type);
    assert_non_null(d->fn);
    assert_ptr_equal(dispatch_find(D, d->type), d);
    assert_int_equal(dispatch_index(D, d), i);
    /* A copy of the text finds it too (no reliance on the literal's address). */
    char copy[PROTOCOL_TYPE_MAX + 1];
    snprintf(copy, sizeof copy, "%s", d->type);
    assert_ptr_equal(dispatch_find(D, copy), d);

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
    const handler_def *d = dispatch_find(D, known[i]);
    if (!d) fail_msg("'%s' not found", known[i]);
    assert_string_equal(d->type, known[i]);
  }
  /* Only these may be used before sign-in. */
  assert_true(dispatch_find(D, "auth.login")->flags & HANDLER_PUBLIC);
  assert_true(dispatch_find(D, "auth.resume")->flags & HANDLER_PUBLIC);
  assert_true(dispatch_find(D, "system.ping")->flags & HANDLER_PUBLIC);
  assert_false(dispatch_find(D, "auth.logout")->flags & HANDLER_PUBLIC);
  assert_false(dispatch_find(D, "me.get")->flags & HANDLER_PUBLIC);
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
    if (dispatch_find(D, unknown[i])) fail_msg("'%s' was found", unknown[i]);
  /* Every proper prefix of every entry: not found, unless it is a type of its own (meeting.record
   * of meeting.recording_delete), and then that type, never the longer one. */
  for (size_t i = 0; i < dispatch_count(D); i++) {
    const char *t = dispatch_at(D, i)->type;
    char prefix[PROTOCOL_TYPE_MAX + 1];
    for (size_t n = 0; n < strlen(t); n++) {
      snprintf(prefix, sizeof prefix, "%.*s", (int)n, t);
      const handler_def *d = dispatch_find(D, prefix);
      if (d && strcmp(d->type, prefix) != 0)
        fail_msg("prefix '%s' of '%s' found as '%s'", prefix, t, d->type);
    }
  }
}

/* A guest may ping, read itself, sign out, enter and leave a room, negotiate media, use the
 * room's chat, read its meeting, and raise or lower a hand: these types, and no other. */
static void test_guest_flag(void **state) {
  static const char *guest[] = {
      "system.ping",        "me.get",    "auth.logout", "room.join",   "room.leave",   "chat.history",
      "chat.send",          "chat.read", "chat.typing", "meeting.get", "meeting.list", "meeting.raise_hand",
      "meeting.lower_hand",
  };
  size_t flagged = 0, media = 0;
  for (size_t i = 0; i < dispatch_count(D); i++) {
    const handler_def *d = dispatch_at(D, i);
    bool listed = !strncmp(d->type, "media.", 6);
    media += listed;
    for (size_t k = 0; k < sizeof guest / sizeof guest[0]; k++) listed |= !strcmp(d->type, guest[k]);
    if (listed != !!(d->flags & HANDLER_GUEST))
      fail_msg("'%s' %s HANDLER_GUEST", d->type, listed ? "lacks" : "has");
    flagged += listed;
  }
  assert_true(media > 0);
  assert_int_equal(flagged, sizeof guest / sizeof guest[0] + media);
  assert_false(dispatch_find(D, "chat.delete")->flags & HANDLER_GUEST);
  assert_false(dispatch_find(D, "room.create")->flags & HANDLER_GUEST);
}

static int setup(void **state) {
  D = dispatch_new();
  return D ? 0 : -1;
}

static int teardown(void **state) {
  dispatch_free(D);
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_check),
      cmocka_unit_test(test_sorted),
      cmocka_unit_test(test_every_entry_found),
      cmocka_unit_test(test_known_types),
      cmocka_unit_test(test_not_found),
      cmocka_unit_test(test_guest_flag),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
