/* Unit tests of storage/chat_store on ":memory:" databases: idempotent append, paging both ways
 * without gap or duplicate, edit/delete, unread counts and read markers, authorization per
 * conversation kind, mentions, text validation (nothing written on refusal), and search: Korean
 * substrings through the trigram index, 1–2 character queries through the LIKE fallback, and FTS
 * syntax characters that must never cause an error; and the JSON chat_json builds from its
 * results, byte for byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cmocka.h needs the headers above first: keep the formatter from sorting it before them. */
// clang-format off
#include <cmocka.h>
// clang-format on

#include "signaling/chat_json.h"
#include "storage/chat_store.h"

/* Two consortia (1, 2); users 1 (coordinator of 1), 2 and 3 (members of 1), 4 (member of 2),
 * 5 (admin, no role), 6 "Kim" and 7 "Kimberly" (members of 1). */
static const char *FIXTURE =
    "INSERT INTO sectors VALUES (1, '수소', 'Hydrogen');"
    "INSERT INTO regions VALUES (1, '울산'), (2, '전북');"
    "INSERT INTO complexes VALUES (1, 1, '울산미포'), (2, 2, '완주');"
    "INSERT INTO consortia(id, sector_id, lead_region_id, lead_complex_id, name_ko, name_en) VALUES"
    " (1, 1, 1, 1, '수소 컨소시엄', 'Hydrogen consortium'), (2, 1, 2, 2, '완주 컨소시엄', 'Wanju');"
    "INSERT INTO organizations(id, kind, name, region_id) VALUES (1, 'company', '가나수소', 1);"
    "INSERT INTO users(id, email, name, org_id, password_hash, is_admin) VALUES"
    " (1, 'c@x', '박코디', 1, 'x', 0), (2, 'a@x', '김민수', 1, 'x', 0), (3, 'b@x', '이영희', 1, 'x', 0),"
    " (4, 'd@x', '최외부', NULL, 'x', 0), (5, 'e@x', '관리자', NULL, 'x', 1), (6, 'f@x', 'Kim', NULL, 'x', "
    "0),"
    " (7, 'g@x', 'Kimberly', NULL, 'x', 0);"
    "INSERT INTO user_roles VALUES (1, 1, 'coordinator'), (2, 1, 'member'), (3, 1, 'member'),"
    " (4, 2, 'member'), (6, 1, 'member'), (7, 1, 'member');";

static int setup(void **state) {
  char err[256];
  moa_db *db = db_open(":memory:", false, err, sizeof err);
  if (!db) {
    fprintf(stderr, "%s\n", err);
    return -1;
  }
  if (sqlite3_exec(db_handle(db), FIXTURE, NULL, NULL, NULL) != SQLITE_OK) return -1;
  *state = db;
  return 0;
}

static int teardown(void **state) {
  db_close(*state);
  return 0;
}

static int64_t count_messages(moa_db *db) {
  sqlite3_stmt *st;
  sqlite3_prepare_v2(db_handle(db), "SELECT count(*) FROM messages", -1, &st, NULL);
  sqlite3_step(st);
  int64_t n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return n;
}

static int64_t channel(moa_db *db, int64_t consortium) {
  int64_t id = 0;
  assert_int_equal(chat_store_channel(db, consortium, &id), CHAT_STORE_OK);
  return id;
}

/* Appends body as author and returns the new id. */
static int64_t post(moa_db *db, int64_t conv, int64_t author, const char *body) {
  chat_message m;
  bool dup;
  assert_int_equal(chat_store_append(db, conv, author, body, NULL, &m, &dup), CHAT_STORE_OK);
  int64_t id = m.id;
  chat_message_free(&m);
  return id;
}

static void test_channels_and_authorization(void **state) {
  moa_db *db = *state;
  assert_int_equal(chat_store_ensure_channels(db), 2);
  assert_int_equal(chat_store_ensure_channels(db), 0);
  int64_t c1 = channel(db, 1), c2 = channel(db, 2), none;
  assert_int_not_equal(c1, c2);
  assert_int_equal(chat_store_channel(db, 99, &none), CHAT_STORE_NOT_FOUND);
  assert_true(chat_store_can_read(db, 2, c1));
  assert_false(chat_store_can_read(db, 4, c1));
  assert_true(chat_store_can_read(db, 4, c2));
  assert_false(chat_store_can_read(db, 2, 12345));

  chat_message m;
  chat_page h;
  bool dup;
  assert_int_equal(chat_store_append(db, c1, 4, "침입", NULL, &m, &dup), CHAT_STORE_FORBIDDEN);
  assert_int_equal(m.id, 0);
  assert_null(m.body);
  assert_int_equal(chat_store_append(db, 12345, 2, "x", NULL, &m, &dup), CHAT_STORE_NOT_FOUND);
  post(db, c1, 2, "비밀 수소연료전지 계획");
  assert_int_equal(chat_store_history_before(db, 4, c1, 0, 10, &h), CHAT_STORE_FORBIDDEN);
  assert_int_equal(h.n, 0);
  assert_null(h.messages);
  assert_int_equal(chat_store_history_after(db, 4, c1, 0, 10, &h), CHAT_STORE_FORBIDDEN);
  assert_int_equal(chat_store_unread(db, 4, c1), CHAT_STORE_FORBIDDEN);
  assert_int_equal(chat_store_mark_read(db, 4, c1, 1, NULL), CHAT_STORE_FORBIDDEN);
  chat_search_result r;
  assert_int_equal(chat_store_search(db, 4, "수소연료", 0, 10, &r), CHAT_STORE_OK);
  assert_int_equal(r.n, 0);
  chat_search_result_free(&r);
  assert_int_equal(chat_store_search(db, 4, "수소연료", c1, 10, &r), CHAT_STORE_FORBIDDEN);
  assert_int_equal(count_messages(db), 1);

  /* A room chat is read through member rows only. */
  int64_t room;
  assert_int_equal(chat_store_room(db, 42, 1, "세미나", &room), CHAT_STORE_OK);
  int64_t again;
  assert_int_equal(chat_store_room(db, 42, 1, "다른 제목", &again), CHAT_STORE_OK);
  assert_int_equal(room, again);
  assert_false(chat_store_can_read(db, 2, room));
  int64_t invited[] = {2, 4};
  assert_int_equal(chat_store_add_members(db, room, invited, 2), CHAT_STORE_OK);
  assert_true(chat_store_can_read(db, 4, room));
  assert_false(chat_store_can_read(db, 3, room));
  int64_t ghost[] = {3, 999};
  assert_int_equal(chat_store_add_members(db, room, ghost, 2), CHAT_STORE_NOT_FOUND);
  assert_false(chat_store_can_read(db, 3, room)); /* nothing added */
  assert_int_equal(chat_store_add_members(db, c1, invited, 1), CHAT_STORE_INVALID);

  /* Withdrawn from the room's chat (a removal): no reading, posting, events or search there. */
  post(db, room, 2, "회의실 수소 발언");
  int64_t out[] = {4, 3};
  assert_int_equal(chat_store_room_withdraw(db, 42, out, 2), CHAT_STORE_OK); /* 3 was no member */
  assert_false(chat_store_can_read(db, 4, room));
  assert_true(chat_store_can_read(db, 2, room));
  assert_int_equal(chat_store_append(db, room, 4, "still here?", NULL, &m, &dup), CHAT_STORE_FORBIDDEN);
  assert_int_equal(chat_store_history_before(db, 4, room, 0, 10, &h), CHAT_STORE_FORBIDDEN);
  int64_t *readers = NULL;
  size_t nreaders = 0;
  assert_int_equal(chat_store_readers(db, room, &readers, &nreaders), CHAT_STORE_OK);
  assert_int_equal(nreaders, 1);
  assert_int_equal(readers[0], 2);
  free(readers);
  assert_int_equal(chat_store_search(db, 4, "수소 발언", 0, 10, &r), CHAT_STORE_OK);
  assert_int_equal(r.n, 0);
  chat_search_result_free(&r);
  assert_int_equal(chat_store_room_withdraw(db, 777, out, 2), CHAT_STORE_OK); /* a room without chat */
  /* Added again (room.join once readmitted): everything comes back. */
  assert_int_equal(chat_store_add_members(db, room, invited + 1, 1), CHAT_STORE_OK);
  assert_int_equal(chat_store_history_before(db, 4, room, 0, 10, &h), CHAT_STORE_OK);
  assert_int_equal(h.n, 1);
  chat_page_free(&h);
}

static void test_direct_conversations(void **state) {
  moa_db *db = *state;
  int64_t a, b, g;
  bool created;
  int64_t other = 4;
  assert_int_equal(chat_store_create_direct(db, 2, &other, 1, NULL, &a, &created), CHAT_STORE_OK);
  assert_true(created);
  int64_t back = 2;
  assert_int_equal(chat_store_create_direct(db, 4, &back, 1, "안녕", &b, &created), CHAT_STORE_OK);
  assert_false(created);
  assert_int_equal(a, b);
  assert_true(chat_store_can_read(db, 4, a));
  assert_false(chat_store_can_read(db, 3, a));
  int64_t group[] = {3, 4, 4, 2};
  assert_int_equal(chat_store_create_direct(db, 2, group, 4, "셋이서", &g, &created), CHAT_STORE_OK);
  assert_true(created);
  assert_int_not_equal(g, a);
  assert_true(chat_store_can_read(db, 3, g));
  int64_t self = 2;
  assert_int_equal(chat_store_create_direct(db, 2, &self, 1, NULL, &g, &created), CHAT_STORE_INVALID);
  int64_t unknown = 999;
  assert_int_equal(chat_store_create_direct(db, 2, &unknown, 1, NULL, &g, &created), CHAT_STORE_NOT_FOUND);
  int64_t many[CHAT_STORE_MAX_GROUP];
  for (int i = 0; i < CHAT_STORE_MAX_GROUP; i++) many[i] = 100 + i;
  assert_int_equal(chat_store_create_direct(db, 2, many, CHAT_STORE_MAX_GROUP, NULL, &g, &created),
                   CHAT_STORE_INVALID);
}

static void test_idempotent_resend(void **state) {
  moa_db *db = *state;
  int64_t c1 = channel(db, 1);
  chat_message m1, m2;
  bool dup = true;
  assert_int_equal(chat_store_append(db, c1, 2, "  안녕하세요\n", "k-1", &m1, &dup), CHAT_STORE_OK);
  assert_false(dup);
  assert_string_equal(m1.body, "안녕하세요");
  assert_string_equal(m1.client_key, "k-1");
  assert_string_equal(m1.author_name, "김민수");
  assert_int_equal(chat_store_append(db, c1, 2, "안녕하세요", "k-1", &m2, &dup), CHAT_STORE_OK);
  assert_true(dup);
  assert_int_equal(m1.id, m2.id);
  assert_int_equal(m1.created_at, m2.created_at);
  chat_message_free(&m2);
  /* the same key from another author is another message */
  assert_int_equal(chat_store_append(db, c1, 3, "저도요", "k-1", &m2, &dup), CHAT_STORE_OK);
  assert_false(dup);
  chat_message_free(&m2);
  assert_int_equal(count_messages(db), 2);
  chat_message_free(&m1);
}

static void test_validation_writes_nothing(void **state) {
  moa_db *db = *state;
  int64_t c1 = channel(db, 1);
  chat_message m;
  bool dup;
  char big[CHAT_STORE_MAX_BODY + 2];
  memset(big, 'a', sizeof big - 1);
  big[sizeof big - 1] = 0;
  assert_int_equal(chat_store_append(db, c1, 2, "", NULL, &m, &dup), CHAT_STORE_EMPTY);
  assert_int_equal(chat_store_append(db, c1, 2, " \n\t ", NULL, &m, &dup), CHAT_STORE_EMPTY);
  assert_int_equal(chat_store_append(db, c1, 2, NULL, NULL, &m, &dup), CHAT_STORE_EMPTY);
  assert_int_equal(chat_store_append(db, c1, 2, big, NULL, &m, &dup), CHAT_STORE_TOO_LONG);
  assert_int_equal(chat_store_append(db, c1, 2, "bad \xff utf8", NULL, &m, &dup), CHAT_STORE_BAD_TEXT);
  assert_int_equal(chat_store_append(db, c1, 2, "overlong \xc0\xaf", NULL, &m, &dup), CHAT_STORE_BAD_TEXT);
  assert_int_equal(chat_store_append(db, c1, 2, "surrogate \xed\xa0\x80", NULL, &m, &dup),
                   CHAT_STORE_BAD_TEXT);
  assert_int_equal(chat_store_append(db, c1, 2, "truncated \xea\xb0", NULL, &m, &dup), CHAT_STORE_BAD_TEXT);
  assert_int_equal(chat_store_append(db, c1, 2, "bell \a", NULL, &m, &dup), CHAT_STORE_BAD_TEXT);
  assert_int_equal(chat_store_append(db, c1, 2, "cr \r\n", NULL, &m, &dup), CHAT_STORE_BAD_TEXT);
  assert_int_equal(chat_store_append(db, c1, 2, "esc \x1b[31m", NULL, &m, &dup), CHAT_STORE_BAD_TEXT);
  assert_int_equal(chat_store_append(db, c1, 2, "c1 \xc2\x85", NULL, &m, &dup), CHAT_STORE_BAD_TEXT);
  assert_int_equal(chat_store_append(db, c1, 2, "ok", "key\n", &m, &dup), CHAT_STORE_INVALID);
  assert_int_equal(m.id, 0);
  assert_null(m.body);
  assert_int_equal(count_messages(db), 0);
  /* exactly the limit is fine, after trimming; HTML is kept verbatim */
  big[CHAT_STORE_MAX_BODY] = 0;
  big[0] = ' ';
  assert_int_equal(chat_store_append(db, c1, 2, big, NULL, &m, &dup), CHAT_STORE_OK);
  chat_message_free(&m);
  assert_int_equal(chat_store_append(db, c1, 2, "<script>alert(1)</script>\t탭", NULL, &m, &dup),
                   CHAT_STORE_OK);
  assert_string_equal(m.body, "<script>alert(1)</script>\t탭");
  chat_message_free(&m);
  assert_int_equal(count_messages(db), 2);
}

static void test_paging_both_directions(void **state) {
  moa_db *db = *state;
  int64_t c1 = channel(db, 1), c2 = channel(db, 2);
  int64_t ids[25];
  for (int i = 0; i < 25; i++) {
    char body[32];
    snprintf(body, sizeof body, "메시지 %d", i);
    ids[i] = post(db, c1, 2 + (i % 2), body);
    if (i % 5 == 0) post(db, c2, 4, "다른 채널"); /* interleaved ids in another conversation */
  }
  /* newest first, pages of 10: 10 + 10 + 5, no gap, no duplicate */
  int64_t before = 0, expect = 24;
  int pages = 0;
  for (;;) {
    chat_page h;
    assert_int_equal(chat_store_history_before(db, 2, c1, before, 10, &h), CHAT_STORE_OK);
    for (size_t i = 0; i < h.n; i++) {
      assert_int_equal(h.messages[i].id, ids[expect--]);
      assert_int_equal(h.messages[i].conversation_id, c1);
    }
    pages++;
    bool more = h.has_more;
    assert_true(h.n > 0);
    before = h.messages[h.n - 1].id;
    chat_page_free(&h);
    if (!more) break;
  }
  assert_int_equal(expect, -1);
  assert_int_equal(pages, 3);
  /* catch-up after ids[7], pages of 6, oldest first: exactly ids[8..24] */
  int64_t after = ids[7];
  int next = 8;
  for (;;) {
    chat_page h;
    assert_int_equal(chat_store_history_after(db, 3, c1, after, 6, &h), CHAT_STORE_OK);
    for (size_t i = 0; i < h.n; i++) assert_int_equal(h.messages[i].id, ids[next++]);
    bool more = h.has_more;
    if (h.n) after = h.messages[h.n - 1].id;
    chat_page_free(&h);
    if (!more) break;
  }
  assert_int_equal(next, 25);
  /* nothing after the newest */
  chat_page h;
  assert_int_equal(chat_store_history_after(db, 3, c1, ids[24], 6, &h), CHAT_STORE_OK);
  assert_int_equal(h.n, 0);
  assert_false(h.has_more);
  chat_page_free(&h);
}

static void test_edit_delete(void **state) {
  moa_db *db = *state;
  int64_t c1 = channel(db, 1);
  int64_t id = post(db, c1, 2, "초안");
  int64_t other = post(db, c1, 3, "이영희 글");
  chat_message m;
  assert_int_equal(chat_store_edit(db, 3, id, "가로채기", &m), CHAT_STORE_FORBIDDEN);
  assert_int_equal(chat_store_edit(db, 2, id, "", &m), CHAT_STORE_EMPTY);
  assert_int_equal(chat_store_edit(db, 2, id, "수정본 @이영희", &m), CHAT_STORE_OK);
  assert_string_equal(m.body, "수정본 @이영희");
  assert_true(m.edited);
  assert_int_equal(m.nmentions, 1);
  assert_int_equal(m.mentions[0], 3);
  chat_message_free(&m);
  /* history shows the edited state */
  chat_page h;
  assert_int_equal(chat_store_history_before(db, 3, c1, 0, 10, &h), CHAT_STORE_OK);
  assert_int_equal(h.n, 2);
  assert_string_equal(h.messages[1].body, "수정본 @이영희");
  chat_page_free(&h);
  /* a plain member may not delete another's message; the author and the coordinator may */
  assert_int_equal(chat_store_delete(db, 3, id, &m), CHAT_STORE_FORBIDDEN);
  assert_int_equal(chat_store_delete(db, 4, other, &m), CHAT_STORE_FORBIDDEN);
  assert_int_equal(chat_store_delete(db, 2, id, &m), CHAT_STORE_OK);
  assert_true(m.deleted);
  assert_string_equal(m.body, "");
  assert_int_equal(m.nmentions, 0);
  chat_message_free(&m);
  assert_int_equal(chat_store_delete(db, 2, id, &m), CHAT_STORE_NOT_FOUND);
  assert_int_equal(chat_store_edit(db, 2, id, "부활", &m), CHAT_STORE_NOT_FOUND);
  assert_int_equal(chat_store_delete(db, 1, other, &m), CHAT_STORE_OK);
  chat_message_free(&m);
  int64_t third = post(db, c1, 2, "관리자 삭제 대상");
  assert_int_equal(chat_store_delete(db, 5, third, &m), CHAT_STORE_OK);
  chat_message_free(&m);
  /* tombstones stay in history, bodies are gone, and search no longer finds them */
  assert_int_equal(chat_store_history_before(db, 2, c1, 0, 10, &h), CHAT_STORE_OK);
  assert_int_equal(h.n, 3);
  for (size_t i = 0; i < 3; i++) {
    assert_true(h.messages[i].deleted);
    assert_string_equal(h.messages[i].body, "");
  }
  chat_page_free(&h);
  chat_search_result r;
  assert_int_equal(chat_store_search(db, 2, "수정본", 0, 10, &r), CHAT_STORE_OK);
  assert_int_equal(r.n, 0);
  chat_search_result_free(&r);
  /* a coordinator's power is over channels only: not over a direct conversation */
  int64_t d, peer = 3;
  bool created;
  assert_int_equal(chat_store_create_direct(db, 2, &peer, 1, NULL, &d, &created), CHAT_STORE_OK);
  int64_t dm = post(db, d, 2, "둘만의 대화");
  assert_int_equal(chat_store_delete(db, 1, dm, &m), CHAT_STORE_FORBIDDEN);
}

static void test_unread_and_list(void **state) {
  moa_db *db = *state;
  int64_t c1 = channel(db, 1), c2 = channel(db, 2);
  int64_t a = post(db, c1, 2, "하나");
  post(db, c1, 2, "둘 @이영희님 확인 부탁");
  int64_t c = post(db, c1, 2, "셋");
  assert_int_equal(chat_store_unread(db, 3, c1), 3);
  assert_int_equal(chat_store_unread(db, 2, c1), 0); /* one's own messages are read */
  int64_t marker = 0;
  assert_int_equal(chat_store_mark_read(db, 3, c1, a, &marker), CHAT_STORE_OK);
  assert_int_equal(marker, a);
  assert_int_equal(chat_store_unread(db, 3, c1), 2);
  assert_int_equal(chat_store_mark_read(db, 3, c1, 1, &marker), CHAT_STORE_OK); /* never backward */
  assert_int_equal(marker, a);
  assert_int_equal(chat_store_mark_read(db, 3, c1, 1000000, &marker), CHAT_STORE_OK); /* clamped */
  assert_int_equal(marker, c);
  assert_int_equal(chat_store_unread(db, 3, c1), 0);
  int64_t d = post(db, c1, 1, "넷");
  chat_message m;
  assert_int_equal(chat_store_delete(db, 1, post(db, c1, 1, "지울 것"), &m), CHAT_STORE_OK);
  chat_message_free(&m);
  assert_int_equal(chat_store_unread(db, 3, c1), 1); /* deleted ones do not count */

  chat_conversation_list list;
  assert_int_equal(chat_store_list_conversations(db, 2, &list), CHAT_STORE_OK);
  assert_int_equal(list.n, 1); /* only consortium 1's channel */
  const chat_conversation_row *first = &list.rows[0];
  assert_int_equal(first->conversation.id, c1);
  assert_string_equal(first->conversation.kind, "channel");
  assert_int_equal(first->unread, 1);
  assert_true(first->has_last_message);
  assert_true(first->last_message.deleted);
  chat_conversation_list_free(&list);
  (void)d;
  (void)c2;

  int64_t dm, peer = 3;
  bool created;
  assert_int_equal(chat_store_create_direct(db, 2, &peer, 1, NULL, &dm, &created), CHAT_STORE_OK);
  post(db, dm, 2, "@이영희 개인 메시지");
  assert_int_equal(chat_store_list_conversations(db, 3, &list), CHAT_STORE_OK);
  assert_int_equal(list.n, 2);
  first = &list.rows[0]; /* most recent activity first */
  assert_int_equal(first->conversation.id, dm);
  assert_int_equal(first->unread, 1);
  assert_int_equal(first->mentions_unread, 1);
  assert_true(first->has_last_message);
  assert_string_equal(first->last_message.body, "@이영희 개인 메시지");
  chat_conversation_list_free(&list);

  int64_t *readers = NULL;
  size_t nreaders = 0;
  assert_int_equal(chat_store_readers(db, c1, &readers, &nreaders), CHAT_STORE_OK);
  assert_int_equal(nreaders, 5);
  free(readers);
}

static void test_mentions(void **state) {
  moa_db *db = *state;
  int64_t c1 = channel(db, 1);
  chat_message m;
  bool dup;
  assert_int_equal(chat_store_append(db, c1, 2, "@Kimberly and @Kim, also @Kimchi and @최외부 and @김민수님",
                                     NULL, &m, &dup),
                   CHAT_STORE_OK);
  /* Kimberly (7), Kim (6), the author himself (2); not Kimchi, not 최외부 (no reader of this channel) */
  assert_int_equal(m.nmentions, 3);
  bool seen6 = false, seen7 = false, seen2 = false;
  for (size_t i = 0; i < m.nmentions; i++) {
    int64_t v = m.mentions[i];
    seen6 |= v == 6, seen7 |= v == 7, seen2 |= v == 2;
  }
  assert_true(seen6 && seen7 && seen2);
  chat_message_free(&m);
}

/* chat_store_members: readers whose name contains the text (by name), the asker left out, at
 * most limit; another consortium's member and a bad query refused. */
static void test_members(void **state) {
  moa_db *db = *state;
  int64_t c1 = channel(db, 1);
  chat_member m[CHAT_STORE_MAX_MEMBERS];
  size_t n = 99;
  assert_int_equal(chat_store_members(db, 2, c1, "kim", 10, m, &n), CHAT_STORE_OK);
  assert_int_equal(n, 2); /* any case for ASCII: Kim, Kimberly */
  assert_int_equal(m[0].user_id, 6);
  assert_string_equal(m[0].name, "Kim");
  assert_int_equal(m[1].user_id, 7);
  assert_string_equal(m[1].name, "Kimberly");
  assert_int_equal(chat_store_members(db, 6, c1, "kim", 10, m, &n), CHAT_STORE_OK);
  assert_int_equal(n, 1); /* the asker left out */
  assert_int_equal(m[0].user_id, 7);
  assert_int_equal(chat_store_members(db, 1, c1, "berly", 10, m, &n), CHAT_STORE_OK);
  assert_int_equal(n, 1); /* contains, not only starts with */
  assert_int_equal(m[0].user_id, 7);
  /* "" lists every other reader (4 of the 5 others; user 4 is of consortium 2), limit applies */
  assert_int_equal(chat_store_members(db, 1, c1, "", 10, m, &n), CHAT_STORE_OK);
  assert_int_equal(n, 4);
  for (size_t i = 0; i < n; i++) assert_true(m[i].user_id != 1 && m[i].user_id != 4 && m[i].user_id != 5);
  assert_int_equal(chat_store_members(db, 1, c1, "", 2, m, &n), CHAT_STORE_OK);
  assert_int_equal(n, 2);
  assert_int_equal(chat_store_members(db, 1, c1, "민", 10, m, &n), CHAT_STORE_OK);
  assert_int_equal(n, 1); /* Korean inside a name */
  assert_int_equal(m[0].user_id, 2);
  assert_string_equal(m[0].name, "김민수");
  n = 99;
  assert_int_equal(chat_store_members(db, 4, c1, "", 10, m, &n), CHAT_STORE_FORBIDDEN);
  assert_int_equal(n, 0);
  assert_int_equal(chat_store_members(db, 1, c1, "a\x01", 10, m, &n), CHAT_STORE_BAD_TEXT);
  assert_int_equal(n, 0);
}

static void test_search(void **state) {
  moa_db *db = *state;
  int64_t c1 = channel(db, 1), c2 = channel(db, 2);
  int64_t hit = post(db, c1, 2, "울산 수소연료전지 실증 결과 공유합니다");
  post(db, c1, 3, "Hydrogen fuel cell stack test, a\"b quoted");
  post(db, c1, 3, "AI 과제 회의는 목요일");
  post(db, c2, 4, "수소연료전지 비공개 자료"); /* consortium 2 only */
  chat_search_result r;
  /* a Korean query of 3+ characters: trigram, inside a compound, highlighted */
  assert_int_equal(chat_store_search(db, 2, "연료전지", 0, 10, &r), CHAT_STORE_OK);
  assert_int_equal(r.n, 1);
  assert_int_equal(r.hits[0].message.id, hit);
  assert_string_equal(r.hits[0].highlight, "울산 수소\x02연료전지\x03 실증 결과 공유합니다");
  assert_true(r.hits[0].ranked);
  chat_search_result_free(&r);
  /* 2 characters: 수소 finds 수소연료전지 through the fallback, still highlighted */
  assert_int_equal(chat_store_search(db, 2, "수소", 0, 10, &r), CHAT_STORE_OK);
  assert_int_equal(r.n, 1);
  assert_false(r.hits[0].ranked); /* the fallback does not rank */
  assert_string_equal(r.hits[0].highlight, "울산 \x02수소\x03연료전지 실증 결과 공유합니다");
  chat_search_result_free(&r);
  assert_int_equal(chat_store_search(db, 4, "수소", 0, 10, &r), CHAT_STORE_OK);
  assert_int_equal(r.n, 1); /* only its own channel's */
  chat_search_result_free(&r);
  /* English, case-insensitive, several terms (AND) */
  assert_int_equal(chat_store_search(db, 3, "HYDROGEN stack", 0, 10, &r), CHAT_STORE_OK);
  assert_int_equal(r.n, 1);
  chat_search_result_free(&r);
  assert_int_equal(chat_store_search(db, 3, "ai 목요일", 0, 10, &r), CHAT_STORE_OK);
  assert_int_equal(r.n, 1);
  assert_string_equal(r.hits[0].highlight,
                      "\x02"
                      "AI\x03 과제 회의는 \x02목요일\x03");
  chat_search_result_free(&r);
  /* FTS syntax never errors */
  const char *nasty[] = {"\"",      "*",     "NEAR(",       "AND OR", "a\"b", "\"\"\"", "NEAR(수소 연료, 2)",
                         "col:abc", "-수소", "^start",      "(((",    "%",    "_",      "\\",
                         "a*b*c",   "OR",    "NOT 수소연료"};
  for (size_t i = 0; i < sizeof nasty / sizeof *nasty; i++) {
    assert_int_equal(chat_store_search(db, 2, nasty[i], 0, 10, &r), CHAT_STORE_OK);
    chat_search_result_free(&r);
  }
  assert_int_equal(chat_store_search(db, 2, "a\"b", 0, 10, &r), CHAT_STORE_OK);
  assert_int_equal(r.n, 1);
  chat_search_result_free(&r);
  assert_int_equal(chat_store_search(db, 2, "%", 0, 10, &r), CHAT_STORE_OK); /* a literal %, not "all" */
  assert_int_equal(r.n, 0);
  chat_search_result_free(&r);
  assert_int_equal(chat_store_search(db, 2, "   ", 0, 10, &r), CHAT_STORE_OK);
  assert_int_equal(r.n, 0);
  chat_search_result_free(&r);
  assert_int_equal(chat_store_search(db, 2, "\xff", 0, 10, &r), CHAT_STORE_BAD_TEXT);
  assert_int_equal(r.n, 0);
  assert_null(r.query);
  /* within one conversation */
  assert_int_equal(chat_store_search(db, 2, "수소연료", c1, 10, &r), CHAT_STORE_OK);
  assert_int_equal(r.n, 1);
  chat_search_result_free(&r);
  /* edits are searchable as edited */
  chat_message m;
  assert_int_equal(chat_store_edit(db, 2, hit, "전북 그린수소 생산", &m), CHAT_STORE_OK);
  chat_message_free(&m);
  assert_int_equal(chat_store_search(db, 2, "연료전지", c1, 10, &r), CHAT_STORE_OK);
  assert_int_equal(r.n, 0);
  chat_search_result_free(&r);
  assert_int_equal(chat_store_search(db, 2, "그린수소", c1, 10, &r), CHAT_STORE_OK);
  assert_int_equal(r.n, 1);
  chat_search_result_free(&r);
}

static void test_system_messages_in_callers_transaction(void **state) {
  moa_db *db = *state;
  int64_t c1 = channel(db, 1);
  chat_message m;
  assert_int_equal(db_begin(db), SQLITE_OK);
  assert_int_equal(chat_store_append_system(db, c1, "회의가 시작되었습니다", &m), CHAT_STORE_OK);
  assert_string_equal(m.kind, "system");
  assert_int_equal(m.author_id, 0);
  assert_null(m.author_name);
  chat_message_free(&m);
  db_rollback(db); /* the caller's transaction decides */
  assert_int_equal(count_messages(db), 0);
  int64_t id = 0;
  assert_int_equal(chat_store_append_system(db, c1, "시스템", &m), CHAT_STORE_OK);
  id = m.id;
  chat_message_free(&m);
  assert_int_equal(chat_store_edit(db, 2, id, "변조", &m), CHAT_STORE_FORBIDDEN);
  assert_int_equal(chat_store_append_system(db, 777, "x", &m), CHAT_STORE_NOT_FOUND);
}

/* Two pending uploads of user 2 into conversation 1 (migration 012). */
static const char *FILES =
    "INSERT INTO attachments(token, sha256, size, media_type, name, uploader_id, conversation_id, "
    "consortium_id, "
    "message_id, created_at) VALUES ('00000000000000000000000000000000', "
    "'0000000000000000000000000000000000000000000000000000000000000000', 10, 'application/pdf', "
    "'자료 \"최종\".pdf', 2, 1, 1, NULL, 1), ('00000000000000000000000000000001', "
    "'0000000000000000000000000000000000000000000000000000000000000001', 20, 'image/PNG', '사진.png', 2, 1, "
    "1, NULL, 1);";

/* Times vary from run to run: every "created_at" becomes 0 and a set "edited_at" 1, in place. */
static void normalize(json_t *j) {
  const char *key;
  json_t *v;
  size_t i;
  if (json_is_object(j)) {
    json_object_foreach(j, key, v) {
      if (!strcmp(key, "created_at"))
        json_object_set_new(j, key, json_integer(0));
      else if (!strcmp(key, "edited_at") && json_is_integer(v))
        json_object_set_new(j, key, json_integer(1));
      else
        normalize(v);
    }
  } else if (json_is_array(j)) {
    json_array_foreach(j, i, v) normalize(v);
  }
}

/* Checks that j (consumed) dumps as expected once normalized. */
static void expect_json(json_t *j, const char *expected) {
  assert_non_null(j);
  normalize(j);
  char *s = json_dumps(j, JSON_COMPACT);
  assert_non_null(s);
  assert_string_equal(s, expected);
  free(s);
  json_decref(j);
}

static void expect_message(int rc, chat_message *m, const char *expected) {
  assert_int_equal(rc, CHAT_STORE_OK);
  expect_json(chat_json_message(m), expected);
  chat_message_free(m);
}

/* The protocol's shapes of chat_json (signaling/chat_json.h) built from what the store returns,
 * pinned byte for byte as compact JSON: key order, nulls for no author / no parent / no client
 * key / never edited, tombstones without mentions, reactions or files, attachments with their
 * URL, mentions with where they are, search hits ranked (FTS) or not (the LIKE fallback). */
static void test_json_shapes(void **state) {
  moa_db *db = *state;
  assert_int_equal(channel(db, 1), 1);
  assert_int_equal(sqlite3_exec(db_handle(db), FILES, NULL, NULL, NULL), SQLITE_OK);
  chat_message m;
  bool dup;
  assert_int_equal(
      chat_store_append(db, 1, 2, "  안녕하세요 @이영희 @Kim 반갑\\습니다 \"q\"\n", "k1", &m, &dup),
      CHAT_STORE_OK);
  chat_message_free(&m);
  assert_int_equal(chat_store_react(db, 3, 1, "\xF0\x9F\x91\x8D", true, &m), CHAT_STORE_OK);
  chat_message_free(&m);
  assert_int_equal(chat_store_react(db, 6, 1, "\xF0\x9F\x8E\x89", true, &m), CHAT_STORE_OK);
  chat_message_free(&m);
  assert_int_equal(chat_store_react(db, 6, 1, "\xF0\x9F\x91\x8D", true, &m), CHAT_STORE_OK);
  chat_message_free(&m);
  assert_int_equal(chat_store_reply(db, 1, 3, "답장입니다", NULL, 1, &m, &dup), CHAT_STORE_OK);
  chat_message_free(&m);
  const char *files[] = {"00000000000000000000000000000001", "00000000000000000000000000000000"};
  expect_message(
      chat_store_send(db, 1, 2, "", "k2", 0, files, 2, &m, &dup), &m,
      "{\"id\":3,\"conversation_id\":1,\"author_id\":2,\"author_name\":\"김민수\",\"kind\":\"text\","
      "\"body\":\"\",\"created_at\":0,\"edited_at\":null,\"deleted\":false,\"client_key\":\"k2\","
      "\"mentions\":[],\"parent_id\":null,\"reply_count\":0,\"reactions\":[],\"attachments\":[{\""
      "id\":\"00000000000000000000000000000001\",\"name\":\"사진.png\",\"size\":20,\"type\":\"image"
      "/PNG\",\"preview\":true,\"url\":\"/files/00000000000000000000000000000001\"},{\"id\":\"000"
      "00000000000000000000000000000\",\"name\":\"자료 \\\"최종\\\".pdf\",\"size\":10,\"type\":\"appl"
      "ication/pdf\",\"preview\":false,\"url\":\"/files/00000000000000000000000000000000\"}]}");
  expect_message(
      chat_store_append_system(db, 1, "시스템 알림", &m), &m,
      "{\"id\":4,\"conversation_id\":1,\"author_id\":null,\"author_name\":null,\"kind\":\"system\""
      ",\"body\":\"시스템 알림\",\"created_at\":0,\"edited_at\":null,\"deleted\":false,\"client_key\":"
      "null,\"mentions\":[],\"parent_id\":null,\"reply_count\":0,\"reactions\":[],\"attachments\""
      ":[]}");
  expect_message(
      chat_store_edit(db, 3, 2, "답장 수정 @김민수", &m), &m,
      "{\"id\":2,\"conversation_id\":1,\"author_id\":3,\"author_name\":\"이영희\",\"kind\":\"text\","
      "\"body\":\"답장 수정 @김민수\",\"created_at\":0,\"edited_at\":1,\"deleted\":false,\"client_key\":"
      "null,\"mentions\":[2],\"parent_id\":1,\"reply_count\":0,\"reactions\":[],\"attachments\":["
      "]}");
  assert_int_equal(chat_store_append(db, 1, 3, "지울 메시지 @김민수", NULL, &m, &dup), CHAT_STORE_OK);
  chat_message_free(&m);
  assert_int_equal(chat_store_react(db, 2, 5, "\xE2\x9C\x85", true, &m), CHAT_STORE_OK);
  assert_int_equal(m.nreactions, 1);
  chat_message_free(&m);
  expect_message(
      chat_store_delete(db, 3, 5, &m), &m,
      "{\"id\":5,\"conversation_id\":1,\"author_id\":3,\"author_name\":\"이영희\",\"kind\":\"text\","
      "\"body\":\"\",\"created_at\":0,\"edited_at\":null,\"deleted\":true,\"client_key\":null,\"m"
      "entions\":[],\"parent_id\":null,\"reply_count\":0,\"reactions\":[],\"attachments\":[]}");

  chat_mention_page mp;
  assert_int_equal(chat_store_mentions(db, 3, 0, 1, &mp), CHAT_STORE_OK);
  expect_json(chat_json_mentions(&mp),
              "{\"messages\":[{\"id\":1,\"conversation_id\":1,\"author_id\":2,\"author_name\":\"김민수\",\"k"
              "ind\":\"text\",\"body\":\"안녕하세요 @이영희 @Kim 반갑\\\\습니다 "
              "\\\"q\\\"\",\"created_at\":0,\"edited_"
              "at\":null,\"deleted\":false,\"client_key\":\"k1\",\"mentions\":[3,6],\"parent_id\":null,\""
              "reply_count\":1,\"reactions\":[{\"emoji\":\"👍\",\"count\":2,\"user_ids\":[3,6]},{\"emoji\""
              ":\"🎉\",\"count\":1,\"user_ids\":[6]}],\"attachments\":[],\"unread\":true,\"conversation_ki"
              "nd\":\"channel\",\"conversation_title\":\"수소 컨소시엄\"}],\"has_more\":false,\"unread\":1}");
  chat_mention_page_free(&mp);

  chat_search_result r;
  assert_int_equal(chat_store_search(db, 3, "답장", 0, 10, &r), CHAT_STORE_OK);
  expect_json(
      chat_json_search(&r),
      "{\"query\":\"답장\",\"results\":[{\"message\":{\"id\":2,\"conversation_id\":1,\"author_id\":"
      "3,\"author_name\":\"이영희\",\"kind\":\"text\",\"body\":\"답장 수정 @김민수\",\"created_at\":0,\"edi"
      "ted_at\":1,\"deleted\":false,\"client_key\":null,\"mentions\":[2],\"parent_id\":1,\"reply_"
      "count\":0,\"reactions\":[],\"attachments\":[]},\"highlight\":\"\\u0002답장\\u0003 수정 @김민수\","
      "\"rank\":null}]}");
  chat_search_result_free(&r);
  /* through the trigram index: ranked, a real number */
  assert_int_equal(chat_store_search(db, 3, "안녕하세요", 0, 10, &r), CHAT_STORE_OK);
  json_t *j = chat_json_search(&r);
  chat_search_result_free(&r);
  json_t *hit = json_array_get(json_object_get(j, "results"), 0);
  assert_true(json_is_real(json_object_get(hit, "rank")));
  assert_string_equal(json_string_value(json_object_get(hit, "highlight")),
                      "\x02"
                      "안녕하세요\x03 @이영희 @Kim 반갑\\습니다 \"q\"");
  json_decref(j);

  chat_page p;
  assert_int_equal(chat_store_history_before(db, 3, 1, 5, 2, &p), CHAT_STORE_OK);
  json_t *h = chat_json_history(1, &p);
  chat_page_free(&p);
  assert_int_equal(json_integer_value(json_object_get(h, "conversation_id")), 1);
  assert_int_equal(json_array_size(json_object_get(h, "messages")), 2);
  assert_true(json_is_true(json_object_get(h, "has_more")));
  json_decref(h);
  chat_thread t;
  assert_int_equal(chat_store_thread(db, 3, 2, &t), CHAT_STORE_OK);
  json_t *th = chat_json_thread(&t);
  chat_thread_free(&t);
  assert_int_equal(json_integer_value(json_object_get(json_object_get(th, "parent"), "id")), 1);
  assert_int_equal(json_array_size(json_object_get(th, "replies")), 1);
  json_decref(th);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_channels_and_authorization, setup, teardown),
      cmocka_unit_test_setup_teardown(test_direct_conversations, setup, teardown),
      cmocka_unit_test_setup_teardown(test_idempotent_resend, setup, teardown),
      cmocka_unit_test_setup_teardown(test_validation_writes_nothing, setup, teardown),
      cmocka_unit_test_setup_teardown(test_paging_both_directions, setup, teardown),
      cmocka_unit_test_setup_teardown(test_edit_delete, setup, teardown),
      cmocka_unit_test_setup_teardown(test_unread_and_list, setup, teardown),
      cmocka_unit_test_setup_teardown(test_mentions, setup, teardown),
      cmocka_unit_test_setup_teardown(test_members, setup, teardown),
      cmocka_unit_test_setup_teardown(test_search, setup, teardown),
      cmocka_unit_test_setup_teardown(test_system_messages_in_callers_transaction, setup, teardown),
      cmocka_unit_test_setup_teardown(test_json_shapes, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
