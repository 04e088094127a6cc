/* Fault injection into every store's writes, in the manner of SQLite's own I/O-error and
 * out-of-memory tests: each write operation is run again and again on the same database with
 * the 1st, 2nd, 3rd... db_step() made to fail (db_fault_inject) until it runs without reaching
 * the failing step. After every failed run the operation must have reported an error, left no
 * transaction open, and left every table exactly as it was (a digest of all rows of all tables,
 * FTS shadow tables included). Each operation is tried with SQLITE_IOERR, SQLITE_FULL and
 * SQLITE_NOMEM, each both as SQLite undoes one statement and as it rolls back the whole
 * transaction (then a caller that went on regardless would write in autocommit mode).
 *
 * The stores covered: chat (channels, rooms, members, direct conversations, append, a message
 * with files, system messages, edit, delete (its files with it), read markers), meetings (create, update,
 * invite, cancel, reminders), guest links (create, redeem), attendance (join, leave), moderation (record,
 * ban, unban, end), users (add, role, disable, password, failures, success), sessions (create, delete,
 * purge), calendar tokens (make, revoke), the directory (profile update), organizations (TSV import), rooms
 * (create, lounges, archive, adaptation, delete), inquiries (send, decide, block), reference data and meta.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cmocka.h needs these before it */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "base/log.h"
#include "signaling/inquiry_json.h"
#include "signaling/meeting_spec_json.h"
#include "storage/attendance_store.h"
#include "storage/calendar_store.h"
#include "storage/chat_store.h"
#include "storage/db.h"
#include "storage/directory_store.h"
#include "storage/embedded.h"
#include "storage/guest_store.h"
#include "storage/inquiry_store.h"
#include "storage/meeting_store.h"
#include "storage/moderation_store.h"
#include "storage/org_store.h"
#include "storage/reference_store.h"
#include "storage/room_store.h"
#include "storage/session_store.h"
#include "storage/user_store.h"

/* On the 25 consortia of data/consortia.tsv: organization 1 (users 1 coordinator of consortium 1,
 * 2 member of 1) and 2 (user 4, no role; user 3 member of 2 without an organization), user 5
 * an admin, user 6 member of 1. */
static const char *FIXTURE =
    "INSERT INTO organizations(id, kind, name, region_id) VALUES (1, 'company', '가나수소', 1),"
    " (2, 'university', '전북대', 2);"
    "INSERT INTO memberships(org_id, consortium_id) VALUES (1, 1), (2, 2);"
    "INSERT INTO users(id, email, name, org_id, password_hash, is_admin) VALUES"
    " (1, 'c@x', '박코디', 1, 'x', 0), (2, 'a@x', '김민수', 1, 'x', 0), (3, 'b@x', '이영희', NULL, 'x', 0),"
    " (4, 'd@x', '최외부', 2, 'x', 0), (5, 'e@x', '관리자', NULL, 'x', 1), (6, 'f@x', '정회원', NULL, 'x', "
    "0);"
    "INSERT INTO user_roles VALUES (1, 1, 'coordinator'), (2, 1, 'member'), (3, 2, 'member'),"
    " (6, 1, 'member');"
    "INSERT INTO sessions(token_hash, user_id, created_at, expires_at) VALUES"
    " (x'00', 2, 1, 2), (x'01', 3, 1, 3);";

#define NOW 1796083200LL /* 2026-12-01 09:00 KST */

#define LAUNCH                                                                                       \
  "{\"title\": \"협의체 출범식\", \"description\": \"25개 협의체 합동\", "               \
  "\"starts_at\": \"2026-12-10T14:00:00+09:00\", \"ends_at\": \"2026-12-10T16:00:00+09:00\", "       \
  "\"capacity\": 60, \"mode\": \"event\", \"lobby\": true, \"invite\": [{\"kind\": \"consortium\", " \
  "\"id\": 1}], \"agenda\": ["                                                                       \
  "{\"start\": \"14:00\", \"minutes\": 20, \"item\": \"티타임\", \"speaker\": \"내빈\"},"       \
  "{\"start\": \"14:20\", \"minutes\": 5, \"item\": \"개회\", \"press_open\": true},"              \
  "{\"start\": \"14:25\", \"minutes\": 95, \"item\": \"간담회\"}]}"

/* What the seed made, for the operations to act on. */
static struct {
  int64_t channel, direct, message, meeting, room, inquiry;
  int64_t plain_room; /* an ordinary room with invitees, chat, a ban: what room_store_delete removes */
  char guest_token[SESSION_TOKEN_LEN + 1];
  char session_token[SESSION_TOKEN_LEN + 1];
} S;

static json_t *J(const char *text) {
  json_error_t e;
  json_t *j = json_loads(text, 0, &e);
  if (!j) fail_msg("bad JSON in test: %s", e.text);
  return j;
}

/* A meeting spec read from JSON as the server reads a request (the store's input), with the
 * JSON its strings point into. */
typedef struct spec_doc {
  json_t *json;
  meeting_spec_in in;
} spec_doc;

static spec_doc *spec_of(const char *text) {
  spec_doc *d = malloc(sizeof *d);
  char err[256];
  assert_non_null(d);
  d->json = J(text);
  if (!meeting_spec_from_json(d->json, &d->in, err, sizeof err)) fail_msg("spec: %s", err);
  return d;
}

static void spec_free(spec_doc *d) {
  json_decref(d->json);
  free(d);
}

static void seed(moa_db *db) {
  char err[256] = "";
  memset(&S, 0, sizeof S);
  assert_int_equal(chat_store_channel(db, 1, &S.channel), CHAT_STORE_OK);
  chat_message msg;
  bool dup = false, created = false;
  assert_int_equal(chat_store_append(db, S.channel, 2, "첫 메시지 @박코디", NULL, &msg, &dup), CHAT_STORE_OK);
  S.message = msg.id;
  chat_message_free(&msg);
  /* a file sent with that message, and one uploaded and not sent yet (migration 012) */
  char files[512];
  snprintf(
      files, sizeof files,
      "INSERT INTO attachments(token, sha256, size, media_type, name, uploader_id, conversation_id, "
      "consortium_id, message_id, created_at) VALUES ('%032d', '%064d', 10, 'application/pdf', '자료.pdf', "
      "2, %lld, 1, %lld, %lld), ('%031d1', '%063d1', 20, 'image/png', '사진.png', 2, %lld, 1, NULL, %lld)",
      0, 0, (long long)S.channel, (long long)S.message, NOW, 0, 0, (long long)S.channel, NOW);
  assert_int_equal(sqlite3_exec(db_handle(db), files, NULL, NULL, NULL), SQLITE_OK);
  int64_t other = 3;
  assert_int_equal(chat_store_create_direct(db, 2, &other, 1, NULL, &S.direct, &created), CHAT_STORE_OK);
  spec_doc *spec = spec_of(LAUNCH);
  S.meeting = meeting_store_create(db, 1, 1, &spec->in.spec, err, sizeof err);
  spec_free(spec);
  if (S.meeting <= 0) fail_msg("seed meeting: %s", err);
  meeting_rec m;
  assert_int_equal(meeting_store_get(db, S.meeting, &m), 1);
  S.room = m.room_id;
  assert_true(guest_store_create_link(db, S.meeting, "guest", "seed", NOW + 86400, 5, 0, 1, S.guest_token,
                                      err, sizeof err) > 0);
  assert_int_equal(session_store_create(db, 2, 3600, "127.0.0.1", S.session_token, NULL), 0);
  int64_t retry = 0;
  inquiry_refusal why;
  json_t *out = NULL;
  store_status rc = inquiry_json_send(db, 4, 1, "joint_rnd", "공동 연구", "수소 저장 공동 연구를 제안합니다.",
                                      &why, &retry, &out);
  if (rc != STORE_OK) fail_msg("seed inquiry: status %d", (int)rc);
  S.inquiry = json_integer_value(json_object_get(out, "inquiry_id"));
  if (!S.inquiry) S.inquiry = json_integer_value(json_object_get(json_object_get(out, "inquiry"), "id"));
  json_decref(out);
  assert_true(S.inquiry > 0);
  assert_int_equal(moderation_store_ban(db, S.room, 6, 1, NOW), 0);
  char tok[SESSION_TOKEN_LEN + 1];
  assert_int_equal(calendar_store_token(db, 6, tok), 0);
  assert_true(attendance_store_join(db, S.meeting, 2, "김민수", "attendee", NOW) > 0);
  const int64_t inv[] = {2, 6};
  if (room_store_create(db, 1, "지울 회의실", "", true, 1, inv, 2, &S.plain_room, err, sizeof err) !=
      STORE_OK)
    fail_msg("seed room: %s", err);
  int64_t conv = 0;
  assert_int_equal(chat_store_room(db, S.plain_room, 1, "지울 회의실", &conv), CHAT_STORE_OK);
  int64_t member = 2;
  assert_int_equal(chat_store_add_members(db, conv, &member, 1), CHAT_STORE_OK);
  assert_int_equal(chat_store_append(db, conv, 2, "지워질 수소 메시지 @박코디", NULL, &msg, &dup),
                   CHAT_STORE_OK);
  chat_message_free(&msg);
  assert_int_equal(moderation_store_ban(db, S.plain_room, 6, 1, NOW), 0);
}

static moa_db *fresh_db(bool with_fixture) {
  char err[256] = "";
  moa_db *db = db_open(":memory:", false, err, sizeof err);
  if (!db) fail_msg("db_open: %s", err);
  db_set_clock_offset(db, NOW - db_now(db));
  if (!with_fixture) return db;
  if (reference_load(db, embedded_data("consortia.tsv"), err, sizeof err) != 25)
    fail_msg("reference: %s", err);
  if (sqlite3_exec(db_handle(db), FIXTURE, NULL, NULL, NULL) != SQLITE_OK)
    fail_msg("fixture: %s", sqlite3_errmsg(db_handle(db)));
  seed(db);
  return db;
}

/* ---- the digest of a whole database ---- */

#define MAX_TABLES 128

typedef struct {
  int n;
  char name[MAX_TABLES][64];
  int64_t rows[MAX_TABLES];
  uint64_t hash[MAX_TABLES];
} digest;

static uint64_t fnv(uint64_t h, const void *p, size_t n) {
  const uint8_t *b = p;
  for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 1099511628211ull;
  return h;
}

/* Every row of every ordinary table (virtual tables are seen through their shadow tables), read
 * with raw sqlite3 calls so that no db_step() is counted. */
static void take_digest(moa_db *db, digest *d) {
  sqlite3 *c = db_handle(db);
  sqlite3_stmt *tables;
  memset(d, 0, sizeof *d);
  assert_int_equal(sqlite3_prepare_v2(c,
                                      "SELECT name FROM sqlite_master WHERE type = 'table' AND "
                                      "sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name",
                                      -1, &tables, NULL),
                   SQLITE_OK);
  while (sqlite3_step(tables) == SQLITE_ROW) {
    assert_true(d->n < MAX_TABLES);
    snprintf(d->name[d->n], sizeof d->name[0], "%s", (const char *)sqlite3_column_text(tables, 0));
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"", d->name[d->n]);
    sqlite3_stmt *rows;
    assert_int_equal(sqlite3_prepare_v2(c, sql, -1, &rows, NULL), SQLITE_OK);
    uint64_t h = 14695981039346656037ull;
    int64_t count = 0;
    int rc;
    while ((rc = sqlite3_step(rows)) == SQLITE_ROW) {
      count++;
      for (int i = 0; i < sqlite3_column_count(rows); i++) {
        int type = sqlite3_column_type(rows, i);
        h = fnv(h, &type, sizeof type);
        if (type == SQLITE_INTEGER) {
          int64_t v = sqlite3_column_int64(rows, i);
          h = fnv(h, &v, sizeof v);
        } else if (type == SQLITE_FLOAT) {
          double v = sqlite3_column_double(rows, i);
          h = fnv(h, &v, sizeof v);
        } else if (type != SQLITE_NULL) {
          const void *v = sqlite3_column_blob(rows, i);
          int n = sqlite3_column_bytes(rows, i);
          h = fnv(h, &n, sizeof n);
          if (n) h = fnv(h, v, (size_t)n);
        }
      }
    }
    assert_int_equal(rc, SQLITE_DONE);
    sqlite3_finalize(rows);
    d->rows[d->n] = count;
    d->hash[d->n] = h;
    d->n++;
  }
  sqlite3_finalize(tables);
}

/* "" when equal, else which table changed. */
static const char *digest_diff(const digest *a, const digest *b, char *buf, size_t cap) {
  buf[0] = '\0';
  if (a->n != b->n) {
    snprintf(buf, cap, "tables %d -> %d", a->n, b->n);
    return buf;
  }
  for (int i = 0; i < a->n; i++)
    if (strcmp(a->name[i], b->name[i]) != 0 || a->rows[i] != b->rows[i] || a->hash[i] != b->hash[i]) {
      snprintf(buf, cap, "table %s: %lld rows -> %lld rows%s", a->name[i], (long long)a->rows[i],
               (long long)b->rows[i], a->rows[i] == b->rows[i] ? " (contents differ)" : "");
      return buf;
    }
  return buf;
}

/* ---- the loop ---- */

typedef bool (*write_fn)(moa_db *db);

typedef struct {
  const char *name;
  write_fn fn;
  bool bare; /* on an empty database (no reference data, fixture or seed) */
} write_op;

static const char *code_name(int code) {
  return code == SQLITE_IOERR ? "SQLITE_IOERR" : code == SQLITE_FULL ? "SQLITE_FULL" : "SQLITE_NOMEM";
}

/* What went wrong, for the report at the end of a test (every operation is tried). */
static char problems[8192];

static void problem(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void problem(const char *fmt, ...) {
  size_t used = strlen(problems);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(problems + used, sizeof problems - used, fmt, ap);
  va_end(ap);
  used = strlen(problems);
  if (used + 1 < sizeof problems) strcat(problems, "\n");
}

/* Runs op with step 1, 2, 3... failing until it gets through; returns how many steps it took,
 * or -1 after recording the first problem. */
static int fault_loop(const write_op *op, int code, bool whole_txn) {
  moa_db *db = fresh_db(!op->bare);
  digest before, after;
  char diff[200];
  const char *how = whole_txn ? " (transaction rolled back)" : "";
  int result = -1;
  for (uint64_t n = 1;; n++) {
    if (n > 5000) {
      problem("%s: still failing after 5000 steps", op->name);
      break;
    }
    take_digest(db, &before);
    db_fault_inject(db, n, code, whole_txn);
    bool ok = op->fn(db);
    bool fired = db_fault_fired(db);
    db_fault_inject(db, 0, 0, false);
    if (!fired) {
      if (!ok)
        problem("%s: fails without any fault (after %llu steps)", op->name, (unsigned long long)n - 1);
      else
        result = (int)n - 1;
      break;
    }
    bool open = !sqlite3_get_autocommit(db_handle(db));
    if (open) db_rollback(db);
    take_digest(db, &after);
    if (open) {
      problem("%s: step %llu failed with %s%s: a transaction was left open", op->name, (unsigned long long)n,
              code_name(code), how);
      break;
    }
    if (digest_diff(&before, &after, diff, sizeof diff)[0]) {
      problem("%s: step %llu failed with %s%s, and it wrote half: %s", op->name, (unsigned long long)n,
              code_name(code), how, diff);
      break;
    }
    if (ok) {
      problem("%s: step %llu failed with %s%s, yet it reported success", op->name, (unsigned long long)n,
              code_name(code), how);
      break;
    }
  }
  db_close(db);
  return result;
}

static void run_ops(const write_op *ops, size_t n) {
  static const int codes[] = {SQLITE_IOERR, SQLITE_FULL, SQLITE_NOMEM};
  problems[0] = '\0';
  for (size_t i = 0; i < n; i++) {
    int steps = -1;
    bool bad = false;
    for (size_t c = 0; c < 3 && !bad; c++)
      for (int whole = 0; whole < 2 && !bad; whole++) {
        int s = fault_loop(&ops[i], codes[c], whole);
        if (s < 0) {
          bad = true;
        } else if (steps >= 0 && s != steps) {
          problem("%s: %d steps, then %d", ops[i].name, steps, s);
          bad = true;
        }
        steps = s;
      }
    if (!bad)
      printf("  %-32s %3d steps, each failed 6 ways: error reported, nothing written\n", ops[i].name, steps);
  }
  if (problems[0]) fail_msg("%s", problems);
}

/* ---- chat ---- */

static bool op_chat_ensure_channels(moa_db *db) { return chat_store_ensure_channels(db) == 24; }
static bool op_chat_channel(moa_db *db) {
  int64_t id = 0;
  return chat_store_channel(db, 2, &id) == CHAT_STORE_OK && id > 0;
}
static bool op_chat_room(moa_db *db) {
  int64_t id = 0;
  return chat_store_room(db, 777, 1, "새 방", &id) == CHAT_STORE_OK && id > 0;
}
static bool op_chat_add_members(moa_db *db) {
  int64_t users[] = {4, 5, 6};
  return chat_store_add_members(db, S.direct, users, 3) == CHAT_STORE_OK;
}
static bool op_chat_create_direct(moa_db *db) {
  int64_t others[] = {4, 6};
  int64_t id = 0;
  bool created = false;
  return chat_store_create_direct(db, 2, others, 2, "셋이서", &id, &created) == CHAT_STORE_OK && created;
}
static bool op_chat_append(moa_db *db) {
  chat_message out;
  bool dup = false;
  int rc = chat_store_append(db, S.channel, 2, "수소 저장 @박코디 @정회원 회의록", "k-1", &out, &dup);
  chat_message_free(&out);
  return rc == CHAT_STORE_OK && !dup;
}
static bool op_chat_send_files(moa_db *db) {
  chat_message out;
  bool dup = false;
  const char *files[] = {"00000000000000000000000000000001"};
  int rc = chat_store_send(db, S.channel, 2, "", "k-2", 0, files, 1, &out, &dup);
  bool ok = rc == CHAT_STORE_OK && !dup && out.nattachments == 1;
  chat_message_free(&out);
  return ok;
}
static bool op_chat_append_system(moa_db *db) {
  chat_message out;
  int rc = chat_store_append_system(db, S.direct, "회의가 시작되었습니다", &out);
  chat_message_free(&out);
  return rc == CHAT_STORE_OK;
}
static bool op_chat_edit(moa_db *db) {
  chat_message out;
  int rc = chat_store_edit(db, 2, S.message, "고친 메시지 @정회원", &out);
  chat_message_free(&out);
  return rc == CHAT_STORE_OK;
}
static bool op_chat_delete(moa_db *db) {
  chat_message out;
  int rc = chat_store_delete(db, 2, S.message, &out);
  chat_message_free(&out);
  return rc == CHAT_STORE_OK;
}
static bool op_chat_mark_read(moa_db *db) {
  int64_t last = 0;
  return chat_store_mark_read(db, 6, S.channel, S.message, &last) == CHAT_STORE_OK && last == S.message;
}

static void test_chat_store_faults(void **state) {
  (void)state;
  static const write_op ops[] = {
      {"chat_store_ensure_channels", op_chat_ensure_channels, false},
      {"chat_store_channel", op_chat_channel, false},
      {"chat_store_room", op_chat_room, false},
      {"chat_store_add_members", op_chat_add_members, false},
      {"chat_store_create_direct", op_chat_create_direct, false},
      {"chat_store_append", op_chat_append, false},
      {"chat_store_send (files)", op_chat_send_files, false},
      {"chat_store_append_system", op_chat_append_system, false},
      {"chat_store_edit", op_chat_edit, false},
      {"chat_store_delete", op_chat_delete, false},
      {"chat_store_mark_read", op_chat_mark_read, false},
  };
  run_ops(ops, sizeof ops / sizeof *ops);
}

/* ---- meetings, guests, attendance, moderation, calendar ---- */

static bool op_meeting_create(moa_db *db) {
  char err[256];
  spec_doc *spec = spec_of(LAUNCH);
  int64_t id = meeting_store_create(db, 1, 1, &spec->in.spec, err, sizeof err);
  spec_free(spec);
  return id > 0;
}
static bool op_meeting_update(moa_db *db) {
  char err[256];
  spec_doc *spec = spec_of(
      "{\"title\": \"출범식 (변경)\", \"capacity\": 80, \"invite\": [{\"kind\": \"consortium\", "
      "\"id\": 2}, {\"kind\": \"user\", \"id\": 4}], \"cohosts\": [2], \"agenda\": [{\"start\": "
      "\"14:00\", \"minutes\": 120, \"item\": \"전체\"}]}");
  int rc = meeting_store_update(db, S.meeting, &spec->in.spec, err, sizeof err);
  spec_free(spec);
  return rc == 0;
}
static bool op_meeting_invite(moa_db *db) {
  char err[256];
  const meeting_invitation inv[] = {{"user", 3}, {"organization", 2}};
  return meeting_store_invite(db, S.meeting, inv, 2, err, sizeof err) == 0;
}
static bool op_meeting_cancel(moa_db *db) { return meeting_store_cancel(db, S.meeting) == 1; }
static bool op_meeting_take_reminders(moa_db *db) {
  size_t n = 0;
  meeting_reminder *r = meeting_store_take_reminders(db, NOW, NOW + 30 * 86400, &n);
  bool ok = r && n == 1;
  free(r);
  return ok;
}
static bool op_guest_create_link(moa_db *db) {
  char err[256], tok[SESSION_TOKEN_LEN + 1];
  return guest_store_create_link(db, S.meeting, "press", "기자단", NOW + 3600, 3, 2, 1, tok, err,
                                 sizeof err) > 0;
}
static bool op_guest_redeem(moa_db *db) {
  int64_t uid = 0;
  guest_info gi;
  return guest_store_redeem(db, S.guest_token, "손님 한 분", &uid, &gi) == GUEST_OK && uid > 0;
}
static bool op_attendance_join(moa_db *db) {
  return attendance_store_join(db, S.meeting, 2, "김민수", "attendee", NOW + 60) > 0;
}
static bool op_attendance_leave(moa_db *db) {
  return attendance_store_leave(db, S.meeting, 2, NOW + 60) == 1;
}
static bool op_moderation_record(moa_db *db) {
  return moderation_store_record(db, S.room, S.meeting, 1, "remove", 4, "{\"reason\": \"x\"}", NOW) > 0;
}
static bool op_moderation_ban(moa_db *db) { return moderation_store_ban(db, S.room, 4, 1, NOW) == 0; }
static bool op_moderation_unban(moa_db *db) { return moderation_store_unban(db, S.room, 6) == 1; }
static bool op_moderation_set_ended(moa_db *db) { return moderation_store_set_ended(db, S.room, NOW) == 0; }
static bool op_calendar_token(moa_db *db) {
  char tok[SESSION_TOKEN_LEN + 1];
  return calendar_store_token(db, 2, tok) == 0 && tok[0];
}
static bool op_calendar_revoke(moa_db *db) { return calendar_store_revoke(db, 6) == 1; }

static void test_meeting_stores_faults(void **state) {
  (void)state;
  static const write_op ops[] = {
      {"meeting_store_create", op_meeting_create, false},
      {"meeting_store_update", op_meeting_update, false},
      {"meeting_store_invite", op_meeting_invite, false},
      {"meeting_store_cancel", op_meeting_cancel, false},
      {"meeting_store_take_reminders", op_meeting_take_reminders, false},
      {"guest_store_create_link", op_guest_create_link, false},
      {"guest_store_redeem", op_guest_redeem, false},
      {"attendance_store_join", op_attendance_join, false},
      {"attendance_store_leave", op_attendance_leave, false},
      {"moderation_store_record", op_moderation_record, false},
      {"moderation_store_ban", op_moderation_ban, false},
      {"moderation_store_unban", op_moderation_unban, false},
      {"moderation_store_set_ended", op_moderation_set_ended, false},
      {"calendar_store_token", op_calendar_token, false},
      {"calendar_store_revoke", op_calendar_revoke, false},
  };
  run_ops(ops, sizeof ops / sizeof *ops);
}

/* ---- users, sessions, directory, organizations, rooms, inquiries, reference, meta ---- */

static bool op_user_add(moa_db *db) {
  char err[256];
  return user_store_add(db, "new@x.example", "새 사람", "hash", 1, false, err, sizeof err) > 0;
}
static bool op_user_set_role(moa_db *db) { return user_store_set_role(db, 4, 1, ROLE_COORDINATOR) == 0; }
static bool op_user_set_disabled(moa_db *db) { return user_store_set_disabled(db, 4, true) >= 0; }
static bool op_user_set_password(moa_db *db) { return user_store_set_password(db, 4, "new-hash") >= 0; }
static bool op_user_record_failure(moa_db *db) { return user_store_record_failure(db, 4, NOW) >= 0; }
static bool op_user_record_success(moa_db *db) { return user_store_record_success(db, 4) >= 0; }
static bool op_session_create(moa_db *db) {
  char tok[SESSION_TOKEN_LEN + 1];
  return session_store_create(db, 4, 3600, "127.0.0.1", tok, NULL) == 0;
}
static bool op_session_delete(moa_db *db) { return session_store_delete(db, S.session_token) == 1; }
static bool op_session_purge(moa_db *db) { return session_store_purge_expired(db) == 2; }
static void ignore_profile(void *arg, const directory_profile *p) { (void)arg, (void)p; }
static bool op_directory_update(moa_db *db) {
  directory_profile_edit e = {.name = "가나수소(주)",
                              .keywords = "수소, 저장",
                              .description = "수소 저장 용기를 만듭니다.",
                              .exports = 1,
                              .hidden_outside = 0};
  return directory_store_update_profile(db, 1, &e, ignore_profile, NULL) == STORE_OK;
}
static bool op_org_import(moa_db *db) {
  char err[256];
  int n = 0;
  const char *tsv =
      "name\tname_en\tkind\tconsortium_ids\tregion_ko\tcomplex_ko\tsize\trevenue_band\texports\t"
      "capabilities\tkeywords\tdescription\n"
      "(주)대성정밀\tDaesung Precision\tcompany\t6, 7\t경남\t창원국가\tmedium\t10b_100b\t1\t"
      "선박 평형수 처리장치\t조선, 평형수\t선박 기자재 기업입니다.\n"
      "경북대학교 산학협력단\tKNU\tuniversity\t17\t대구\t\tlarge\t\t0\t\t산학협력\t\n";
  return org_import_tsv(db, tsv, &n, err, sizeof err) == 0 && n == 2;
}
static bool op_room_create(moa_db *db) {
  char err[256];
  const int64_t inv[] = {2, 6};
  int64_t id = 0;
  return room_store_create(db, 1, "작업반 회의실", "수소 작업반", true, 1, inv, 2, &id, err, sizeof err) ==
             STORE_OK &&
         id > 0;
}
static bool op_room_ensure_lounges(moa_db *db) { return room_store_ensure_lounges(db) == 25; }
static bool op_room_archive(moa_db *db) { return room_store_set_archived(db, S.plain_room, true) == 1; }
static bool op_room_adaptation(moa_db *db) { return room_store_set_adaptation(db, S.plain_room, false) == 1; }
static bool op_room_delete(moa_db *db) { return room_store_delete(db, S.plain_room) == 1; }
static bool op_inquiry_send(moa_db *db) {
  int64_t retry = 0;
  inquiry_refusal why;
  json_t *out = NULL;
  store_status rc =
      inquiry_json_send(db, 2, 2, "supply", "납품 문의", "부품 납품을 문의드립니다.", &why, &retry, &out);
  json_decref(out);
  return rc == STORE_OK;
}
static bool op_inquiry_decide(moa_db *db) {
  json_t *out = NULL;
  store_status rc = inquiry_json_decide(db, 1, S.inquiry, true, &out);
  json_decref(out);
  return rc == STORE_OK;
}
static bool op_inquiry_block(moa_db *db) { return inquiry_store_block(db, 1, 1, 4, true) == STORE_OK; }
/* The header and the first three consortia of data/consortia.tsv (the whole file takes 348 steps,
 * which makes the loop slow without finding more). */
static bool op_reference_load(moa_db *db) {
  char err[256], tsv[4096];
  const char *all = embedded_data("consortia.tsv"), *p = all;
  for (int line = 0; line < 4 && p; line++) p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL;
  if (!p || (size_t)(p - all) >= sizeof tsv) fail_msg("consortia.tsv is not as expected");
  memcpy(tsv, all, (size_t)(p - all));
  tsv[p - all] = '\0';
  return reference_load(db, tsv, err, sizeof err) == 3;
}
static bool op_meta_set(moa_db *db) { return db_meta_set(db, "fault-test", "value") == 0; }

static void test_people_and_directory_faults(void **state) {
  (void)state;
  static const write_op ops[] = {
      {"user_store_add", op_user_add, false},
      {"user_store_set_role", op_user_set_role, false},
      {"user_store_set_disabled", op_user_set_disabled, false},
      {"user_store_set_password", op_user_set_password, false},
      {"user_store_record_failure", op_user_record_failure, false},
      {"user_store_record_success", op_user_record_success, false},
      {"session_store_create", op_session_create, false},
      {"session_store_delete", op_session_delete, false},
      {"session_store_purge_expired", op_session_purge, false},
      {"directory_store_update_profile", op_directory_update, false},
      {"org_import_tsv", op_org_import, false},
      {"room_store_create", op_room_create, false},
      {"room_store_ensure_lounges", op_room_ensure_lounges, false},
      {"room_store_set_archived", op_room_archive, false},
      {"room_store_set_adaptation", op_room_adaptation, false},
      {"room_store_delete", op_room_delete, false},
      {"inquiry_store_send", op_inquiry_send, false},
      {"inquiry_store_decide", op_inquiry_decide, false},
      {"inquiry_store_block", op_inquiry_block, false},
      {"reference_load", op_reference_load, true},
      {"db_meta_set", op_meta_set, false},
  };
  run_ops(ops, sizeof ops / sizeof *ops);
}

/* The hook itself: the nth step fails with the code asked, once, and only then. */
static void test_fault_hook(void **state) {
  (void)state;
  moa_db *db = fresh_db(false);
  db_fault_inject(db, 2, SQLITE_FULL, false);
  assert_int_equal(db_meta_set(db, "a", "1"), 0);
  assert_false(db_fault_fired(db));
  assert_int_equal(db_meta_set(db, "b", "2"), -1);
  assert_true(db_fault_fired(db));
  assert_int_equal(db_meta_set(db, "c", "3"), 0);
  char v[8];
  assert_int_equal(db_meta_get(db, "a", v, sizeof v), 1);
  assert_int_equal(db_meta_get(db, "b", v, sizeof v), 0);
  assert_int_equal(db_meta_get(db, "c", v, sizeof v), 1);
  db_close(db);
}

int main(void) {
  log_set_level(LOG_LEVEL_WARN);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fault_hook),
      cmocka_unit_test(test_chat_store_faults),
      cmocka_unit_test(test_meeting_stores_faults),
      cmocka_unit_test(test_people_and_directory_faults),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
