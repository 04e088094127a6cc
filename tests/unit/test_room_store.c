/* Unit tests of storage/room_store on a ":memory:" database: creating a room (its checks, its
 * invitees all or nothing), the rooms a user may see listed (lounge first, invited-only rooms
 * only to whom they admit, archived ones on request), a room read with its description, and a
 * listing callback that stops the read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

// clang-format off
#include <cmocka.h>
// clang-format on

#include "storage/room_store.h"
#include "store_test_support.h"

static const char *FIXTURE = STORE_TEST_CONSORTIUM
    "INSERT INTO users(id, email, name, password_hash) VALUES (1, 'c@1', '김조정', 'x'), (2, 'm@1', "
    "'이회원', 'x'), (3, 'o@1', '박외부', 'x');"
    "INSERT INTO user_roles VALUES (1, 1, 'coordinator'), (2, 1, 'member');";

static int setup(void **state) { return store_test_setup(state, FIXTURE); }

/* The ids and names of the rooms listed, in order. */
typedef struct listed {
  int64_t id[8];
  char name[8][64];
  bool invited_only[8];
  size_t n;
} listed;

static int collect(void *ctx, const room_view *room) {
  listed *l = ctx;
  assert_true(l->n < 8);
  l->id[l->n] = room->rec.id;
  snprintf(l->name[l->n], sizeof l->name[0], "%s", room->rec.name);
  l->invited_only[l->n] = room->rec.invited_only;
  l->n++;
  return 0;
}

static void test_create_checks(void **state) {
  moa_db *db = *state;
  char err[160] = "";
  int64_t id = 0;
  assert_int_equal(room_store_create(db, 1, "", "", false, 2, NULL, 0, &id, err, sizeof err), STORE_INVALID);
  assert_non_null(strstr(err, "name"));
  assert_int_equal(room_store_create(db, 1, "탭\t이름", "", false, 2, NULL, 0, &id, err, sizeof err),
                   STORE_INVALID);
  assert_int_equal(
      room_store_create(db, 1, "회의실", "제어\x01문자", false, 2, NULL, 0, &id, err, sizeof err),
      STORE_INVALID);
  assert_non_null(strstr(err, "description"));
  /* an unknown invitee: nothing written, and err names it */
  const int64_t bad[] = {2, 99};
  assert_int_equal(room_store_create(db, 1, "작업반", "", true, 1, bad, 2, &id, err, sizeof err),
                   STORE_INVALID);
  assert_string_equal(err, "invitees[1]: no such user");
  assert_int_equal(id, 0);
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM rooms"), 0);
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM room_invites"), 0);
  /* a good one */
  const int64_t inv[] = {3, 3};
  assert_int_equal(
      room_store_create(db, 1, "작업반", "수소 작업반\n둘째 줄", true, 1, inv, 2, &id, err, sizeof err),
      STORE_OK);
  assert_true(id > 0);
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM room_invites"), 1); /* duplicates once */
  room_view v;
  assert_int_equal(room_store_view(db, id, &v), 1);
  assert_string_equal(v.rec.name, "작업반");
  assert_string_equal(v.description, "수소 작업반\n둘째 줄");
  assert_true(v.rec.invited_only);
  assert_int_equal(v.rec.created_by, 1);
  assert_true(v.rec.adaptation && v.rec.recording_allowed && !v.rec.archived && !v.rec.is_lounge);
  room_rec r;
  assert_int_equal(room_store_get(db, id, &r), 1);
  assert_string_equal(r.name, "작업반");
  assert_int_equal(room_store_view(db, 999, &v), 0);
  assert_int_equal(room_store_get(db, 999, &r), 0);
}

static void test_list(void **state) {
  moa_db *db = *state;
  char err[160];
  int64_t open_room = 0, invited = 0, archived = 0;
  assert_int_equal(room_store_ensure_lounges(db), 1);
  assert_int_equal(room_store_create(db, 1, "열린 방", "", false, 2, NULL, 0, &open_room, err, sizeof err),
                   STORE_OK);
  const int64_t three = 3;
  assert_int_equal(room_store_create(db, 1, "초대 방", "", true, 2, &three, 1, &invited, err, sizeof err),
                   STORE_OK);
  assert_int_equal(room_store_create(db, 1, "보관 방", "", false, 2, NULL, 0, &archived, err, sizeof err),
                   STORE_OK);
  assert_int_equal(room_store_set_archived(db, archived, true), 1);
  /* a member: the lounge first, then newest; the invited-only room is theirs (they made it) */
  listed l = {0};
  assert_int_equal(room_store_list(db, 1, 2, false, false, collect, &l), 0);
  assert_int_equal(l.n, 3);
  assert_string_equal(l.name[0], "수소 컨소시엄 라운지");
  assert_int_equal(l.id[1], invited);
  assert_true(l.invited_only[1]);
  assert_int_equal(l.id[2], open_room);
  /* archived ones on request */
  listed all = {0};
  assert_int_equal(room_store_list(db, 1, 2, false, true, collect, &all), 0);
  assert_int_equal(all.n, 4);
  assert_int_equal(all.id[1], archived);
  /* someone outside the consortium sees only the room they are invited to */
  listed out = {0};
  assert_int_equal(room_store_list(db, 1, 3, false, false, collect, &out), 0);
  assert_int_equal(out.n, 1);
  assert_int_equal(out.id[0], invited);
  /* an admin sees every room */
  listed admin = {0};
  assert_int_equal(room_store_list(db, 1, 3, true, false, collect, &admin), 0);
  assert_int_equal(admin.n, 3);
}

static int stop(void *ctx, const room_view *room) {
  (void)room;
  ++*(int *)ctx;
  return 1;
}

static void test_list_stops(void **state) {
  moa_db *db = *state;
  assert_int_equal(room_store_ensure_lounges(db), 1);
  char err[160];
  int64_t id;
  assert_int_equal(room_store_create(db, 1, "열린 방", "", false, 2, NULL, 0, &id, err, sizeof err),
                   STORE_OK);
  int calls = 0;
  assert_int_equal(room_store_list(db, 1, 2, false, false, stop, &calls), -1);
  assert_int_equal(calls, 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_create_checks, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_list, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_list_stops, setup, store_test_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
