/* Unit tests of the hub's index of sessions by user (signaling/hub.h: hub_user_first/next, kept by
 * hub_set_user and hub_close) and of hub_deliver, the fan-out over it: sessions are listed under
 * their user once signed in and leave the index on sign-out, on signing in as someone else and on
 * close; a user with several sessions gets each; users sharing a bucket never see each other's
 * sessions; a delivery queues one serialized copy (the same outmsg, one reference per queue) to
 * every recipient except the excepted session and user, once per session even for a user listed
 * twice; a recipient dropped as a slow consumer in the middle of a fan-out gets nothing and the
 * others get it all the same; the gateway is asked to write when the queue gains its first
 * message (soon for a fan-out's event, at once for a reply, which also hurries events waiting) and
 * not again while it waits; and every session is freed (ASan checks nothing leaks). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

// clang-format off: cmocka.h needs the headers above first
#include <cmocka.h>
// clang-format on

#include "base/log.h"
#include "gateway/config.h"
#include "gateway/hub_options.h"
#include "signaling/hub.h"
#include "signaling/session_int.h"
#include "storage/db.h"

typedef struct fixture {
  moa_db *db;
  moa_config cfg;
  hub *h;
} fixture;

static int closes, asks_now, asks_soon;
static void io_want_write(void *transport) {
  (void)transport;
  asks_now++;
}
static void io_want_write_soon(void *transport) {
  (void)transport;
  asks_soon++;
}
static void io_close(void *transport, int code, const char *reason) {
  (void)transport, (void)reason;
  assert_int_equal(code, 1008);
  closes++;
}
static const session_io io = {io_want_write, io_close, io_want_write_soon};

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  char err[256];
  log_set_level(LOG_LEVEL_ERROR);
  config_defaults(&f->cfg);
  f->cfg.login_workers = 1;
  f->db = db_open(":memory:", false, err, sizeof err);
  assert_non_null(f->db);
  hub_options opt;
  hub_options_from_config(&f->cfg, &opt);
  f->h = hub_new(f->db, &opt, NULL, NULL);
  assert_non_null(f->h);
  closes = asks_now = asks_soon = 0;
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  hub_free(f->h);
  db_close(f->db);
  free(f);
  return 0;
}

static session *open_as(hub *h, int64_t user_id) {
  session *s = hub_open(h, NULL, &io, "127.0.0.1");
  assert_non_null(s);
  if (user_id) hub_set_user(h, s, user_id, false);
  return s;
}

/* How many sessions the index lists for user_id, each checked to be that user's. */
static size_t count_of(hub *h, int64_t user_id) {
  size_t n = 0;
  for (session *s = hub_user_first(h, user_id); s; s = hub_user_next(s)) {
    assert_int_equal(s->user_id, user_id);
    n++;
  }
  return n;
}

static bool listed(hub *h, const session *x) {
  for (session *s = hub_user_first(h, x->user_id); s; s = hub_user_next(s))
    if (s == x) return true;
  return false;
}

static void test_add_remove(void **state) {
  fixture *f = *state;
  session *anon = open_as(f->h, 0);
  assert_null(hub_user_first(f->h, 0));
  assert_int_equal(count_of(f->h, 7), 0);
  session *a = open_as(f->h, 7);
  assert_ptr_equal(hub_user_first(f->h, 7), a);
  assert_null(hub_user_next(a));
  assert_int_equal(hub_authenticated_count(f->h), 1);
  /* signed out: out of the index */
  hub_set_user(f->h, a, 0, false);
  assert_int_equal(count_of(f->h, 7), 0);
  assert_int_equal(hub_authenticated_count(f->h), 0);
  /* signed in as 7, then as 8 on the same connection: listed under 8 only */
  hub_set_user(f->h, a, 7, false);
  hub_set_user(f->h, a, 7, true); /* the same user again: listed once */
  assert_int_equal(count_of(f->h, 7), 1);
  hub_set_user(f->h, a, 8, false);
  assert_int_equal(count_of(f->h, 7), 0);
  assert_int_equal(count_of(f->h, 8), 1);
  assert_true(listed(f->h, a));
  /* closed: out of the index */
  hub_close(f->h, a);
  assert_int_equal(count_of(f->h, 8), 0);
  hub_close(f->h, anon);
  assert_int_equal(hub_session_count(f->h), 0);
}

static void test_several_sessions(void **state) {
  fixture *f = *state;
  session *s[5];
  for (int i = 0; i < 5; i++) s[i] = open_as(f->h, 7);
  session *other = open_as(f->h, 9);
  assert_int_equal(count_of(f->h, 7), 5);
  for (int i = 0; i < 5; i++) assert_true(listed(f->h, s[i]));
  /* the middle, the first linked and the last linked leave; the rest stay listed */
  hub_close(f->h, s[2]);
  hub_close(f->h, s[0]);
  hub_close(f->h, s[4]);
  assert_int_equal(count_of(f->h, 7), 2);
  assert_true(listed(f->h, s[1]));
  assert_true(listed(f->h, s[3]));
  assert_int_equal(count_of(f->h, 9), 1);
  hub_close(f->h, s[1]);
  hub_close(f->h, s[3]);
  assert_int_equal(count_of(f->h, 7), 0);
  assert_int_equal(count_of(f->h, 9), 1);
  hub_close(f->h, other);
}

/* 6,000 users in 4,096 buckets: users share buckets, and each sees only its own sessions. */
static void test_shared_buckets(void **state) {
  fixture *f = *state;
  enum { USERS = 6000 };
  session **s = calloc(2 * USERS, sizeof *s);
  for (int i = 0; i < USERS; i++) {
    s[2 * i] = open_as(f->h, i + 1);
    s[2 * i + 1] = open_as(f->h, i + 1);
  }
  for (int i = 0; i < USERS; i++) assert_int_equal(count_of(f->h, i + 1), 2);
  for (int i = 0; i < USERS; i += 2) hub_close(f->h, s[2 * i]);
  for (int i = 0; i < USERS; i++) assert_int_equal(count_of(f->h, i + 1), i % 2 ? 2 : 1);
  for (int i = 0; i < USERS; i++) {
    if (i % 2) hub_close(f->h, s[2 * i]);
    hub_close(f->h, s[2 * i + 1]);
  }
  assert_int_equal(hub_session_count(f->h), 0);
  free(s);
}

static void test_deliver(void **state) {
  fixture *f = *state;
  session *a1 = open_as(f->h, 7), *a2 = open_as(f->h, 7), *b = open_as(f->h, 8), *c = open_as(f->h, 9);
  session *anon = open_as(f->h, 0), *outsider = open_as(f->h, 10);
  uint64_t out0 = hub_get_counters(f->h)->messages_out;
  /* 7 listed twice; a1 is the sender's connection; 9 the excepted user */
  int64_t users[] = {7, 8, 9, 7, 11};
  size_t sent =
      hub_deliver(f->h, users, 5, a1->id, 9, json_pack("{s:s, s:i}", "type", "chat.typing", "n", 1));
  assert_int_equal(sent, 2);
  assert_int_equal(hub_get_counters(f->h)->messages_out - out0, 2);
  assert_int_equal(a1->queued, 0);
  assert_int_equal(a2->queued, 1);
  assert_int_equal(b->queued, 1);
  assert_int_equal(c->queued, 0);
  assert_int_equal(anon->queued, 0);
  assert_int_equal(outsider->queued, 0);
  /* one serialized copy, referenced by each queue */
  outmsg *m = session_peek(a2, 0);
  assert_ptr_equal(session_peek(b, 0), m);
  assert_int_equal(m->refs, 2);
  const char want[] = "{\"type\":\"chat.typing\",\"n\":1}";
  assert_int_equal(m->len, strlen(want));
  assert_memory_equal(m->data, want, m->len);
  outmsg *p = session_pop(a2);
  assert_ptr_equal(p, m);
  outmsg_unref(p);
  assert_int_equal(m->refs, 1);
  /* no one to send to: nothing queued, nothing counted */
  assert_int_equal(hub_deliver(f->h, users, 0, 0, 0, json_pack("{s:s}", "type", "x")), 0);
  int64_t nobody = 12;
  assert_int_equal(hub_deliver(f->h, &nobody, 1, 0, 0, json_pack("{s:s}", "type", "x")), 0);
  /* a second delivery reaches a session again (one copy per delivery, not per hub) */
  assert_int_equal(hub_deliver(f->h, users, 2, 0, 0, json_pack("{s:s}", "type", "y")), 3);
  assert_int_equal(b->queued, 2);
  assert_int_equal(a1->queued, 1);
  hub_close(f->h, a1); /* queued references are dropped with the session */
  hub_close(f->h, a2);
  hub_close(f->h, b);
  hub_close(f->h, c);
  hub_close(f->h, anon);
  hub_close(f->h, outsider);
}

/* A recipient whose queue is full is closed as a slow consumer in the middle of the fan-out: it
 * gets nothing, the sessions before and after it get the event, it is skipped from then on, and
 * closing it takes it out of the index. */
static void test_closed_mid_fanout(void **state) {
  fixture *f = *state;
  session *s[6];
  for (int i = 0; i < 6; i++) s[i] = open_as(f->h, 20 + i % 3); /* users 20, 21, 22, twice each */
  session *slow = s[4];                                         /* user 21's second connection */
  slow->max_messages = 1;
  assert_int_equal(session_send_text(slow, "{}", 2), 0);
  int64_t users[] = {20, 21, 22};
  assert_int_equal(hub_deliver(f->h, users, 3, 0, 0, json_pack("{s:s}", "type", "a")), 5);
  assert_int_equal(closes, 1);
  assert_true(slow->closing);
  assert_int_equal(slow->queued, 1); /* only what it had */
  for (int i = 0; i < 6; i++)
    if (s[i] != slow) assert_int_equal(s[i]->queued, 1);
  /* closing already: skipped, and not closed twice */
  assert_int_equal(hub_deliver(f->h, users, 3, 0, 0, json_pack("{s:s}", "type", "b")), 5);
  assert_int_equal(closes, 1);
  assert_int_equal(count_of(f->h, 21), 2);
  hub_close(f->h, slow); /* the gateway's close callback comes later, on its loop */
  assert_int_equal(count_of(f->h, 21), 1);
  assert_int_equal(hub_deliver(f->h, users, 3, 0, 0, json_pack("{s:s}", "type", "c")), 5);
  for (int i = 0; i < 6; i++)
    if (s[i] != slow) {
      assert_int_equal(s[i]->queued, 3);
      hub_close(f->h, s[i]);
    }
}

/* What the gateway is asked: a fan-out's event asks to write soon, a reply at once (also when
 * events wait for the pacing); nothing more is asked while a write is pending; a drained queue
 * asks anew. */
static void test_write_asks(void **state) {
  fixture *f = *state;
  session *a = open_as(f->h, 7);
  int64_t user = 7;
  hub_deliver(f->h, &user, 1, 0, 0, json_pack("{s:s}", "type", "e1"));
  assert_int_equal(asks_soon, 1);
  assert_int_equal(asks_now, 0);
  hub_deliver(f->h, &user, 1, 0, 0, json_pack("{s:s}", "type", "e2"));
  assert_int_equal(asks_soon, 1); /* asked already */
  hub_reply(f->h, a, 1, json_object());
  assert_int_equal(asks_now, 1); /* a reply does not wait for the pacing */
  hub_reply(f->h, a, 2, json_object());
  hub_deliver(f->h, &user, 1, 0, 0, json_pack("{s:s}", "type", "e3"));
  assert_int_equal(asks_now, 1);
  assert_int_equal(asks_soon, 1);
  assert_int_equal(a->queued, 5);
  const char *order[] = {"\"e1\"", "\"e2\"", "\"id\":1", "\"id\":2", "\"e3\""};
  for (int i = 0; i < 5; i++) { /* the queue's order is kept */
    outmsg *m = session_pop(a);
    assert_non_null(memmem(m->data, m->len, order[i], strlen(order[i])));
    outmsg_unref(m);
  }
  /* drained: the next message asks again */
  hub_reply(f->h, a, 3, json_object());
  assert_int_equal(asks_now, 2);
  hub_deliver(f->h, &user, 1, 0, 0, json_pack("{s:s}", "type", "e4"));
  assert_int_equal(asks_soon, 1); /* a write is asked for at once already */
  session_clear_queue(a);
  hub_deliver(f->h, &user, 1, 0, 0, json_pack("{s:s}", "type", "e5"));
  assert_int_equal(asks_soon, 2);
  hub_close(f->h, a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_add_remove, setup, teardown),
      cmocka_unit_test_setup_teardown(test_several_sessions, setup, teardown),
      cmocka_unit_test_setup_teardown(test_shared_buckets, setup, teardown),
      cmocka_unit_test_setup_teardown(test_deliver, setup, teardown),
      cmocka_unit_test_setup_teardown(test_closed_mid_fanout, setup, teardown),
      cmocka_unit_test_setup_teardown(test_write_asks, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
