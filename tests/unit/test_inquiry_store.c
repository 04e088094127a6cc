/* Unit tests of storage/inquiry_store (read through signaling/inquiry_json, the JSON inquiry.*
 * replies carry) on ":memory:" databases: sending opens a conversation with
 * the recipient's contacts, accept and decline (by a contact only, once), lists for both sides,
 * the hourly and daily rate limits with retry_after, blocks, hidden recipients and bad input
 * that writes nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* cmocka.h needs the headers above first: keep the formatter from sorting it before them. */
// clang-format off
#include <cmocka.h>
// clang-format on

#include "signaling/inquiry_json.h"
#include "storage/chat_store.h"
#include "storage/inquiry_store.h"
#include "store_test_support.h"

/* Org 1 (user 1, 2) and org 2 (users 3, 4) in consortium 1; org 3 (no users); org 4 hidden in
 * consortium 2 (user 5); user 6 has no organization. */
static const char *FIXTURE = STORE_TEST_CONSORTIUM
    "INSERT INTO regions VALUES (2, '전북');"
    "INSERT INTO complexes VALUES (2, 2, '완주');"
    "INSERT INTO consortia(id, sector_id, lead_region_id, lead_complex_id, name_ko, name_en) VALUES (2, 1, "
    "2, 2, '완주', 'Wanju');"
    "INSERT INTO organizations(id, kind, name, region_id, hidden_outside) VALUES (1, 'company', "
    "'보내는회사', 1, 0),"
    " (2, 'company', '받는회사', 2, 0), (3, 'company', '빈회사', 2, 0), (4, 'company', '숨은회사', 2, 1);"
    "INSERT INTO memberships(org_id, consortium_id) VALUES (1, 1), (2, 1), (3, 1), (4, 2);"
    "INSERT INTO users(id, email, name, org_id, password_hash) VALUES (1, 'a@1', '김보냄', 1, 'x'),"
    " (2, 'b@1', '이동료', 1, 'x'), (3, 'c@2', '박받음', 2, 'x'), (4, 'd@2', '최담당', 2, 'x'),"
    " (5, 'e@4', '정숨음', 4, 'x'), (6, 'f@x', '무소속', NULL, 'x');"
    "INSERT INTO user_roles VALUES (1, 1, 'member'), (2, 1, 'member'), (3, 1, 'member'), (4, 1, 'member'),"
    " (5, 2, 'member'), (6, 1, 'member');";

static int setup(void **state) { return store_test_setup(state, FIXTURE); }

static int64_t send_ok(moa_db *db, int64_t from, int64_t to) {
  json_t *out = NULL;
  int64_t retry = -1;
  inquiry_refusal why;
  assert_int_equal(
      inquiry_json_send(db, from, to, "supply", "부품 공급 문의", "견적 부탁드립니다", &why, &retry, &out),
      STORE_OK);
  assert_int_equal(retry, 0);
  int64_t id = json_integer_value(json_object_get(json_object_get(out, "inquiry"), "id"));
  json_decref(out);
  return id;
}

static void test_send_accept(void **state) {
  moa_db *db = *state;
  json_t *out = NULL;
  int64_t retry;
  inquiry_refusal why;
  assert_int_equal(
      inquiry_json_send(db, 1, 2, "joint_rnd", "  공동 연구 제안 ",
                        "수소 저장 공동 과제를 제안합니다.\n검토 부탁드립니다.", &why, &retry, &out),
      STORE_OK);
  json_t *inq = json_object_get(out, "inquiry");
  int64_t id = json_integer_value(json_object_get(inq, "id"));
  int64_t conv = json_integer_value(json_object_get(inq, "conversation_id"));
  assert_string_equal(json_string_value(json_object_get(inq, "status")), "pending");
  assert_string_equal(json_string_value(json_object_get(inq, "subject")), "공동 연구 제안");
  assert_string_equal(json_string_value(json_object_get(json_object_get(inq, "from_org"), "name")),
                      "보내는회사");
  assert_string_equal(json_string_value(json_object_get(json_object_get(inq, "to_org"), "name")), "받는회사");
  assert_true(json_is_null(json_object_get(inq, "decided_at")));
  json_t *recipients = json_object_get(out, "recipients");
  assert_int_equal(json_array_size(recipients), 2);
  assert_int_equal(json_integer_value(json_array_get(recipients, 0)), 3);
  json_t *msg = json_object_get(out, "message");
  assert_string_equal(json_string_value(json_object_get(msg, "body")),
                      "수소 저장 공동 과제를 제안합니다.\n검토 부탁드립니다.");
  assert_int_equal(json_integer_value(json_object_get(msg, "conversation_id")), conv);
  json_decref(out);
  /* the conversation: sender and the recipient's contacts, not the sender's colleagues */
  assert_true(chat_store_can_read(db, 1, conv));
  assert_true(chat_store_can_read(db, 3, conv));
  assert_true(chat_store_can_read(db, 4, conv));
  assert_false(chat_store_can_read(db, 2, conv));
  assert_int_equal(chat_store_unread(db, 3, conv), 1);

  /* only a contact of the recipient decides, and only once */
  assert_int_equal(inquiry_json_decide(db, 1, id, true, &out), STORE_FORBIDDEN);
  assert_int_equal(inquiry_json_decide(db, 6, id, true, &out), STORE_FORBIDDEN);
  assert_int_equal(inquiry_json_decide(db, 3, 999, true, &out), STORE_NOT_FOUND);
  assert_int_equal(inquiry_json_decide(db, 3, id, true, &out), STORE_OK);
  inq = json_object_get(out, "inquiry");
  assert_string_equal(json_string_value(json_object_get(inq, "status")), "accepted");
  assert_true(json_is_integer(json_object_get(inq, "decided_at")));
  msg = json_object_get(out, "message");
  assert_string_equal(json_string_value(json_object_get(msg, "kind")), "system");
  assert_non_null(strstr(json_string_value(json_object_get(msg, "body")), "수락"));
  json_decref(out);
  assert_int_equal(inquiry_json_decide(db, 4, id, false, &out), STORE_CONFLICT);
  assert_null(out);

  /* both sides see the status */
  assert_int_equal(inquiry_json_list(db, 1, false, 10, &out), STORE_OK);
  json_t *list = json_object_get(out, "inquiries");
  assert_int_equal(json_array_size(list), 1);
  assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "status")), "accepted");
  json_decref(out);
  assert_int_equal(inquiry_json_list(db, 4, true, 10, &out), STORE_OK);
  assert_int_equal(json_array_size(json_object_get(out, "inquiries")), 1);
  json_decref(out);
  assert_int_equal(inquiry_json_list(db, 3, false, 10, &out), STORE_OK);
  assert_int_equal(json_array_size(json_object_get(out, "inquiries")), 0);
  json_decref(out);
  assert_int_equal(inquiry_json_list(db, 6, true, 10, &out), STORE_OK);
  assert_int_equal(json_array_size(json_object_get(out, "inquiries")), 0);
  json_decref(out);
  assert_int_equal(inquiry_json_get(db, 4, id, &out), STORE_OK);
  json_decref(out);
  assert_int_equal(inquiry_json_get(db, 2, id, &out), STORE_NOT_FOUND);
  assert_null(out);
}

static void test_decline(void **state) {
  moa_db *db = *state;
  int64_t id = send_ok(db, 1, 2);
  json_t *out = NULL;
  assert_int_equal(inquiry_json_decide(db, 4, id, false, &out), STORE_OK);
  assert_string_equal(json_string_value(json_object_get(json_object_get(out, "inquiry"), "status")),
                      "declined");
  int64_t conv = json_integer_value(json_object_get(json_object_get(out, "message"), "conversation_id"));
  json_decref(out);
  assert_int_equal(inquiry_json_get(db, 1, id, &out), STORE_OK);
  assert_string_equal(json_string_value(json_object_get(out, "status")), "declined");
  json_decref(out);
  chat_page h;
  assert_int_equal(chat_store_history_after(db, 1, conv, 0, 10, &h), CHAT_STORE_OK);
  assert_int_equal(h.n, 2);
  assert_non_null(strstr(h.messages[1].body, "declined"));
  chat_page_free(&h);
  assert_int_equal(inquiry_json_decide(db, 3, id, true, &out), STORE_CONFLICT);
}

static void test_bad_input_writes_nothing(void **state) {
  moa_db *db = *state;
  json_t *out = NULL;
  int64_t retry;
  inquiry_refusal why;
  char big[CHAT_STORE_MAX_BODY + 10];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = 0;
  assert_int_equal(inquiry_json_send(db, 1, 2, "friendship", "제목", "본문", &why, &retry, &out),
                   STORE_INVALID);
  assert_int_equal(inquiry_json_send(db, 1, 2, NULL, "제목", "본문", &why, &retry, &out), STORE_INVALID);
  assert_int_equal(inquiry_json_send(db, 1, 2, "other", "", "본문", &why, &retry, &out), STORE_INVALID);
  assert_int_equal(inquiry_json_send(db, 1, 2, "other", "두 줄\n제목", "본문", &why, &retry, &out),
                   STORE_INVALID);
  assert_int_equal(inquiry_json_send(db, 1, 2, "other", "제목", "  ", &why, &retry, &out), STORE_INVALID);
  assert_int_equal(inquiry_json_send(db, 1, 2, "other", "제목", big, &why, &retry, &out), STORE_INVALID);
  assert_int_equal(inquiry_json_send(db, 1, 2, "other", "제목", "\xc3\x28", &why, &retry, &out),
                   STORE_INVALID);
  assert_int_equal(inquiry_json_send(db, 1, 2, "other", "제목", "nul\x7f", &why, &retry, &out),
                   STORE_INVALID);
  assert_int_equal(inquiry_json_send(db, 1, 99, "other", "제목", "본문", &why, &retry, &out),
                   STORE_NOT_FOUND);
  assert_int_equal(inquiry_json_send(db, 1, 4, "other", "제목", "본문", &why, &retry, &out), STORE_NOT_FOUND);
  assert_int_equal(inquiry_json_send(db, 99, 2, "other", "제목", "본문", &why, &retry, &out),
                   STORE_NOT_FOUND);
  assert_int_equal(inquiry_json_send(db, 1, 1, "other", "제목", "본문", &why, &retry, &out), STORE_FORBIDDEN);
  assert_int_equal(why, INQUIRY_REFUSED_NONE); /* its own organization: not a block */
  assert_int_equal(inquiry_json_send(db, 1, 3, "other", "제목", "본문", &why, &retry, &out), STORE_CONFLICT);
  assert_int_equal(why, INQUIRY_REFUSED_NO_CONTACTS);
  assert_null(out);
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM inquiries"), 0);
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM conversations"), 0);
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM messages"), 0);
  /* a user without an organization may send; nobody writes to his own organization */
  send_ok(db, 6, 2);
  json_t *ok = NULL;
  assert_int_equal(inquiry_json_send(db, 2, 1, "other", "동료에게", "본문", &why, &retry, &ok),
                   STORE_FORBIDDEN);
  assert_int_equal(inquiry_json_send(db, 5, 2, "investment", "투자", "본문", &why, &retry, &ok), STORE_OK);
  json_decref(ok);
  assert_int_equal(inquiry_json_send(db, 6, 4, "investment", "투자", "본문", &why, &retry, &ok),
                   STORE_NOT_FOUND);
}

static void test_rate_limit(void **state) {
  moa_db *db = *state;
  json_t *out = NULL;
  int64_t retry = 0;
  inquiry_refusal why;
  for (int i = 0; i < INQUIRY_STORE_PER_HOUR; i++) send_ok(db, 1, 2);
  assert_int_equal(inquiry_json_send(db, 1, 2, "other", "또", "또 보냅니다", &why, &retry, &out),
                   STORE_TOO_LARGE);
  assert_int_equal(why, INQUIRY_REFUSED_RATE_LIMITED);
  assert_null(out);
  assert_true(retry > 0 && retry <= 3601);
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM inquiries"), INQUIRY_STORE_PER_HOUR);
  /* another sender is not affected */
  send_ok(db, 2, 2);
  /* an hour later the window has moved */
  db_set_clock_offset(db, retry);
  send_ok(db, 1, 2);
  /* the daily limit: keep sending an hour apart until 20 in 24 hours */
  int64_t t = retry;
  int sent = INQUIRY_STORE_PER_HOUR + 1;
  while (sent < INQUIRY_STORE_PER_DAY) {
    t += 3601;
    db_set_clock_offset(db, t);
    for (int i = 0; i < INQUIRY_STORE_PER_HOUR && sent < INQUIRY_STORE_PER_DAY; i++, sent++)
      send_ok(db, 1, 2);
  }
  t += 3601;
  db_set_clock_offset(db, t);
  assert_int_equal(inquiry_json_send(db, 1, 2, "other", "또", "또", &why, &retry, &out), STORE_TOO_LARGE);
  assert_int_equal(why, INQUIRY_REFUSED_RATE_LIMITED);
  assert_true(retry > 3600 && retry <= 86401); /* waits for the day window, not the hour */
  db_set_clock_offset(db, t + retry);
  send_ok(db, 1, 2);
}

static void test_block(void **state) {
  moa_db *db = *state;
  assert_int_equal(inquiry_store_block(db, 1, 2, 1, true), STORE_FORBIDDEN); /* not org 2's */
  assert_int_equal(inquiry_store_block(db, 3, 2, 4, true), STORE_FORBIDDEN); /* a colleague */
  assert_int_equal(inquiry_store_block(db, 3, 2, 99, true), STORE_NOT_FOUND);
  assert_int_equal(inquiry_store_block(db, 3, 2, 1, true), STORE_OK);
  assert_int_equal(inquiry_store_block(db, 4, 2, 1, true), STORE_OK); /* idempotent */
  json_t *out = NULL;
  int64_t retry;
  inquiry_refusal why;
  assert_int_equal(inquiry_json_send(db, 1, 2, "other", "제목", "본문", &why, &retry, &out), STORE_FORBIDDEN);
  assert_int_equal(why, INQUIRY_REFUSED_BLOCKED);
  assert_null(out);
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM inquiries"), 0);
  send_ok(db, 2, 2); /* the block is per user */
  assert_int_equal(inquiry_store_block(db, 3, 2, 1, false), STORE_OK);
  send_ok(db, 1, 2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_send_accept, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_decline, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_bad_input_writes_nothing, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_rate_limit, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_block, setup, store_test_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
