/* Unit tests of storage/attachment_store on ":memory:" databases and a fresh temporary directory:
 * an upload streamed in pieces becomes a content-addressed blob with its original (Korean) name,
 * pending and visible to its uploader only, then sent with a message (chat_store_send) and
 * readable by exactly the conversation's readers; the same content twice is one blob, removed
 * when the last message naming it is deleted (or its conversation); the per-file limit (declared
 * or only seen in the bytes), the consortium quota, the allow-list and content checks, names,
 * the upload caps, expiry of unsent uploads, and what a crash leaves behind. Every refusal must
 * leave no row, no blob and no temporary file. */
#include <dirent.h>
#include <openssl/sha.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* cmocka.h needs the headers above first: keep the formatter from sorting it before them. */
// clang-format off
#include <cmocka.h>
// clang-format on

#include "base/log.h"
#include "signaling/chat_json.h"
#include "storage/attachment_store.h"
#include "storage/chat_store.h"
#include "store_test_support.h"

/* Consortia 1 and 2; users 1 (coordinator of 1), 2 and 3 (members of 1), 4 (member of 2), 5 (no
 * role). */
static const char *FIXTURE = STORE_TEST_PLACE
    "INSERT INTO regions VALUES (2, '전북');"
    "INSERT INTO complexes VALUES (2, 2, '완주');"
    "INSERT INTO consortia(id, sector_id, lead_region_id, lead_complex_id, name_ko, name_en) VALUES"
    " (1, 1, 1, 1, '수소 컨소시엄', 'Hydrogen consortium'), (2, 1, 2, 2, '완주 컨소시엄', 'Wanju');"
    "INSERT INTO users(id, email, name, password_hash, is_admin) VALUES"
    " (1, 'c@x', '박코디', 'x', 0), (2, 'a@x', '김민수', 'x', 0), (3, 'b@x', '이영희', 'x', 0),"
    " (4, 'd@x', '최외부', 'x', 0), (5, 'e@x', '무소속', 'x', 0);"
    "INSERT INTO user_roles VALUES (1, 1, 'coordinator'), (2, 1, 'member'), (3, 1, 'member'),"
    " (4, 2, 'member');";

static const char PDF[] = "%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
static const unsigned char PNG[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n',
                                    0,    0,   0,   13,  'I',  'H',  'D',  'R'};

typedef struct fixture {
  moa_db *db;
  attachment_store *s;
  char dir[64];
  int64_t ch1, ch2; /* the channels of consortia 1 and 2 */
} fixture;

static attachment_store *open_store(fixture *f, int64_t max_file, int64_t quota) {
  char err[256];
  attachment_store *s =
      attachment_store_open(f->db, f->dir, (attachment_limits){max_file, quota}, err, sizeof err);
  if (!s) fprintf(stderr, "%s\n", err);
  return s;
}

static int setup(void **state) {
  log_set_level(LOG_LEVEL_ERROR);
  fixture *f = calloc(1, sizeof *f);
  snprintf(f->dir, sizeof f->dir, "/tmp/moa-attach-XXXXXX");
  if (!mkdtemp(f->dir)) return -1;
  f->db = store_test_open(FIXTURE);
  if (!f->db) return -1;
  if (chat_store_channel(f->db, 1, &f->ch1) != CHAT_STORE_OK) return -1;
  if (chat_store_channel(f->db, 2, &f->ch2) != CHAT_STORE_OK) return -1;
  f->s = open_store(f, 1000, 3000);
  *state = f;
  return f->s ? 0 : -1;
}

static void rm_tree(const char *path) {
  DIR *d = opendir(path);
  if (d) {
    struct dirent *e;
    while ((e = readdir(d))) {
      if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
      char sub[512];
      snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
      rm_tree(sub);
    }
    closedir(d);
    rmdir(path);
  } else {
    unlink(path);
  }
}

static int teardown(void **state) {
  fixture *f = *state;
  attachment_store_close(f->s);
  db_close(f->db);
  rm_tree(f->dir);
  free(f);
  return 0;
}

/* Regular files under dir (recursively), tmp/ included. */
static int count_files(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return 0;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    char sub[512];
    struct stat st;
    snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
    if (stat(sub, &st) == 0) n += S_ISDIR(st.st_mode) ? count_files(sub) : 1;
  }
  closedir(d);
  return n;
}

static int64_t rows(moa_db *db, const char *sql) {
  sqlite3_stmt *st;
  sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL);
  sqlite3_step(st);
  int64_t n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return n;
}

/* Uploads len bytes of data named name, in pieces of piece bytes; returns the status and fills
 * *info. declared: the Content-Length (or -1). */
static int upload(fixture *f, int64_t user, int64_t conv, const char *name, const void *data, size_t len,
                  int64_t declared, size_t piece, attachment_info *info) {
  attachment_upload *u = NULL;
  memset(info, 0, sizeof *info);
  int rc = attachment_upload_begin(f->s, user, conv, name, declared, &u);
  if (rc != ATTACH_OK) {
    assert_null(u);
    return rc;
  }
  for (size_t off = 0; off < len; off += piece) {
    size_t n = len - off < piece ? len - off : piece;
    rc = attachment_upload_write(u, (const char *)data + off, n);
    if (rc != ATTACH_OK) {
      assert_int_equal(attachment_upload_write(u, "x", 1), rc); /* sticky */
      attachment_upload_abort(u);
      return rc;
    }
  }
  return attachment_upload_finish(u, info);
}

static int64_t send_with(fixture *f, int64_t user, int64_t conv, const char *body, const char *token,
                         int *status) {
  chat_message m;
  bool dup;
  const char *files[1] = {token};
  *status = chat_store_send(f->db, conv, user, body, NULL, 0, files, 1, &m, &dup);
  int64_t id = m.id;
  chat_message_free(&m);
  return id;
}

static void test_upload_send_and_read(void **state) {
  fixture *f = *state;
  attachment_info info, got;
  char path[512];
  assert_int_equal(
      upload(f, 2, f->ch1, "  회의 자료 (최종).pdf ", PDF, sizeof PDF - 1, sizeof PDF - 1, 7, &info),
      ATTACH_OK);
  assert_true(attachment_token_valid(info.token));
  assert_string_equal(info.name, "회의 자료 (최종).pdf"); /* trimmed, kept as given */
  assert_string_equal(info.media_type, "application/pdf");
  assert_int_equal(info.size, sizeof PDF - 1);
  assert_false(info.image);
  /* content-addressed: <dir>/<2 hex>/<sha256>, holding exactly the bytes */
  unsigned char md[32];
  char hex[65];
  SHA256((const unsigned char *)PDF, sizeof PDF - 1, md);
  for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", md[i]);
  assert_string_equal(info.sha256, hex);
  snprintf(path, sizeof path, "%s/%.2s/%s", f->dir, info.sha256, info.sha256);
  FILE *fp = fopen(path, "rb");
  assert_non_null(fp);
  char buf[128];
  size_t n = fread(buf, 1, sizeof buf, fp);
  fclose(fp);
  assert_int_equal(n, sizeof PDF - 1);
  assert_memory_equal(buf, PDF, n);
  assert_int_equal(count_files(f->dir), 1); /* no temporary file left */

  /* pending: the uploader may fetch it, nobody else, not even a reader of the channel */
  assert_int_equal(attachment_store_get(f->s, 2, info.token, &got, path, sizeof path), ATTACH_OK);
  assert_int_equal(attachment_store_get(f->s, 3, info.token, &got, path, sizeof path), ATTACH_NOT_FOUND);

  /* sent with a message (no words needed): every reader of the channel, nobody else */
  int rc;
  chat_message m;
  bool dup;
  const char *files[1] = {info.token};
  assert_int_equal(chat_store_send(f->db, f->ch1, 2, "  ", "k1", 0, files, 1, &m, &dup), CHAT_STORE_OK);
  assert_int_equal(m.nattachments, 1);
  const chat_attachment *a = &m.attachments[0];
  assert_string_equal(a->id, info.token);
  assert_string_equal(a->name, "회의 자료 (최종).pdf");
  assert_int_equal(a->size, sizeof PDF - 1);
  assert_string_equal(a->type, "application/pdf");
  assert_false(a->preview);
  assert_string_equal(m.body, "");
  chat_message_free(&m);
  for (int64_t user = 1; user <= 3; user++) {
    assert_int_equal(attachment_store_get(f->s, user, info.token, &got, path, sizeof path), ATTACH_OK);
    assert_string_equal(got.name, info.name);
    assert_true(got.message_id > 0);
  }
  assert_int_equal(attachment_store_get(f->s, 4, info.token, &got, path, sizeof path), ATTACH_NOT_FOUND);
  assert_int_equal(attachment_store_get(f->s, 5, info.token, &got, path, sizeof path), ATTACH_NOT_FOUND);
  assert_int_equal(got.size, 0); /* nothing told */
  /* a resend (same client key, same file) stores nothing and returns the original with its file */
  assert_int_equal(chat_store_send(f->db, f->ch1, 2, "", "k1", 0, files, 1, &m, &dup), CHAT_STORE_OK);
  assert_true(dup);
  assert_int_equal(m.nattachments, 1);
  chat_message_free(&m);
  /* history carries it, and its message object (chat_json) the download URL; a file can be sent
   * once */
  chat_page page;
  assert_int_equal(chat_store_history_before(f->db, 3, f->ch1, 0, 10, &page), CHAT_STORE_OK);
  assert_int_equal(page.messages[0].nattachments, 1);
  assert_string_equal(page.messages[0].attachments[0].id, info.token);
  json_t *j = chat_json_message(&page.messages[0]);
  json_t *ja = json_array_get(json_object_get(j, "attachments"), 0);
  char url[64];
  snprintf(url, sizeof url, "/files/%s", info.token);
  assert_string_equal(json_string_value(json_object_get(ja, "url")), url);
  json_decref(j);
  chat_page_free(&page);
  int64_t before = rows(f->db, "SELECT count(*) FROM messages");
  send_with(f, 2, f->ch1, "again", info.token, &rc);
  assert_int_equal(rc, CHAT_STORE_NO_FILE);
  assert_int_equal(rows(f->db, "SELECT count(*) FROM messages"), before);
  /* malformed and unknown tokens */
  assert_int_equal(attachment_store_get(f->s, 2, "../../etc/passwd", &got, path, sizeof path),
                   ATTACH_NOT_FOUND);
  assert_int_equal(attachment_store_get(f->s, 2, "0123456789abcdef0123456789ABCDEF", &got, path, sizeof path),
                   ATTACH_NOT_FOUND);
  send_with(f, 2, f->ch1, "x", "nope", &rc);
  assert_int_equal(rc, CHAT_STORE_NO_FILE);
}

static void test_send_rules(void **state) {
  fixture *f = *state;
  attachment_info a, b;
  int rc;
  assert_int_equal(upload(f, 2, f->ch1, "a.pdf", PDF, sizeof PDF - 1, -1, 1000, &a), ATTACH_OK);
  assert_int_equal(upload(f, 3, f->ch1, "b.png", PNG, sizeof PNG, sizeof PNG, 5, &b), ATTACH_OK);
  assert_true(b.image);
  assert_string_equal(b.media_type, "image/png");
  int64_t before = rows(f->db, "SELECT count(*) FROM messages");
  send_with(f, 2, f->ch1, "x", b.token, &rc); /* another person's upload */
  assert_int_equal(rc, CHAT_STORE_NO_FILE);
  send_with(f, 2, f->ch2, "x", a.token, &rc); /* not a reader there */
  assert_int_equal(rc, CHAT_STORE_FORBIDDEN);
  int64_t direct = 0;
  bool created;
  int64_t other = 3;
  assert_int_equal(chat_store_create_direct(f->db, 2, &other, 1, NULL, &direct, &created), CHAT_STORE_OK);
  send_with(f, 2, direct, "x", a.token, &rc); /* uploaded into another conversation */
  assert_int_equal(rc, CHAT_STORE_NO_FILE);
  chat_message m;
  bool dup;
  const char *twice[2] = {a.token, a.token};
  assert_int_equal(chat_store_send(f->db, f->ch1, 2, "x", NULL, 0, twice, 2, &m, &dup), CHAT_STORE_NO_FILE);
  assert_int_equal(m.id, 0); /* nothing returned */
  const char *many[CHAT_STORE_MAX_FILES + 1] = {0};
  assert_int_equal(chat_store_send(f->db, f->ch1, 2, "x", NULL, 0, many, CHAT_STORE_MAX_FILES + 1, &m, &dup),
                   CHAT_STORE_INVALID);
  assert_int_equal(chat_store_send(f->db, f->ch1, 2, "", NULL, 0, NULL, 0, &m, &dup), CHAT_STORE_EMPTY);
  assert_int_equal(rows(f->db, "SELECT count(*) FROM messages"), before);
  assert_int_equal(rows(f->db, "SELECT count(*) FROM attachments WHERE message_id IS NOT NULL"), 0);
  /* two files in one message, in the order given */
  attachment_info c;
  assert_int_equal(upload(f, 2, f->ch1, "c.png", PNG, sizeof PNG, sizeof PNG, 3, &c), ATTACH_OK);
  const char *two[2] = {c.token, a.token};
  assert_int_equal(chat_store_send(f->db, f->ch1, 2, "두 파일", NULL, 0, two, 2, &m, &dup), CHAT_STORE_OK);
  assert_int_equal(m.nattachments, 2);
  assert_string_equal(m.attachments[0].id, c.token);
  assert_true(m.attachments[0].preview);
  assert_string_equal(m.attachments[1].id, a.token);
  chat_message_free(&m);
}

static void test_same_content_one_blob_removed_with_last_message(void **state) {
  fixture *f = *state;
  attachment_info a, b, got;
  char path[512];
  int rc;
  assert_int_equal(upload(f, 2, f->ch1, "자료.pdf", PDF, sizeof PDF - 1, sizeof PDF - 1, 4, &a), ATTACH_OK);
  assert_int_equal(upload(f, 3, f->ch1, "copy.pdf", PDF, sizeof PDF - 1, sizeof PDF - 1, 64, &b), ATTACH_OK);
  assert_string_equal(a.sha256, b.sha256);
  assert_string_not_equal(a.token, b.token);
  assert_int_equal(count_files(f->dir), 1);
  int64_t m1 = send_with(f, 2, f->ch1, "1", a.token, &rc);
  int64_t m2 = send_with(f, 3, f->ch1, "2", b.token, &rc);
  assert_true(m1 && m2);
  chat_message out;
  assert_int_equal(chat_store_delete(f->db, 2, m1, &out), CHAT_STORE_OK);
  assert_int_equal(out.nattachments, 0);
  chat_message_free(&out);
  assert_int_equal(attachment_store_collect(f->s), 0); /* still b's */
  assert_int_equal(count_files(f->dir), 1);
  assert_int_equal(attachment_store_get(f->s, 3, a.token, &got, path, sizeof path), ATTACH_NOT_FOUND);
  assert_int_equal(attachment_store_get(f->s, 2, b.token, &got, path, sizeof path), ATTACH_OK);
  /* the coordinator deletes the other message: the blob goes */
  assert_int_equal(chat_store_delete(f->db, 1, m2, &out), CHAT_STORE_OK);
  chat_message_free(&out);
  assert_int_equal(attachment_store_collect(f->s), 1);
  assert_int_equal(count_files(f->dir), 0);
  assert_int_equal(rows(f->db, "SELECT count(*) FROM attachments"), 0);
  assert_int_equal(rows(f->db, "SELECT count(*) FROM attachment_trash"), 0);
  assert_int_equal(attachment_store_get(f->s, 2, b.token, &got, path, sizeof path), ATTACH_NOT_FOUND);
  /* uploaded again after its deletion: stored again */
  assert_int_equal(upload(f, 2, f->ch1, "again.pdf", PDF, sizeof PDF - 1, sizeof PDF - 1, 9, &a), ATTACH_OK);
  assert_int_equal(attachment_store_get(f->s, 2, a.token, &got, path, sizeof path), ATTACH_OK);
}

static void test_conversation_removed(void **state) {
  fixture *f = *state;
  attachment_info a;
  int rc;
  int64_t room = 0;
  assert_int_equal(chat_store_room(f->db, 77, 1, "회의", &room), CHAT_STORE_OK);
  int64_t who = 2;
  assert_int_equal(chat_store_add_members(f->db, room, &who, 1), CHAT_STORE_OK);
  assert_int_equal(upload(f, 2, room, "room.png", PNG, sizeof PNG, sizeof PNG, 16, &a), ATTACH_OK);
  assert_true(send_with(f, 2, room, "", a.token, &rc) > 0);
  /* a room's conversation deleted with the room (room_store): rows cascade, the blob follows */
  assert_int_equal(
      sqlite3_exec(db_handle(f->db), "DELETE FROM conversations WHERE kind = 'room'", NULL, NULL, NULL),
      SQLITE_OK);
  assert_int_equal(rows(f->db, "SELECT count(*) FROM attachments"), 0);
  assert_int_equal(attachment_store_collect(f->s), 1);
  assert_int_equal(count_files(f->dir), 0);
}

static void test_limits_and_quota(void **state) {
  fixture *f = *state; /* 1000 bytes per file, 3000 per consortium */
  attachment_info info;
  char big[1001];
  memcpy(big, PDF, sizeof PDF - 1);
  memset(big + sizeof PDF - 1, 'x', sizeof big - (sizeof PDF - 1));
  /* declared over the limit: refused before any byte */
  assert_int_equal(upload(f, 2, f->ch1, "big.pdf", big, sizeof big, sizeof big, 100, &info),
                   ATTACH_TOO_LARGE);
  /* not declared: refused when the bytes pass the limit, and nothing is kept */
  assert_int_equal(upload(f, 2, f->ch1, "big.pdf", big, sizeof big, -1, 100, &info), ATTACH_TOO_LARGE);
  /* more bytes than declared */
  assert_int_equal(upload(f, 2, f->ch1, "big.pdf", big, 500, 400, 100, &info), ATTACH_TOO_LARGE);
  /* fewer bytes than declared: the body was cut short */
  assert_int_equal(upload(f, 2, f->ch1, "short.pdf", big, 400, 500, 100, &info), ATTACH_IO);
  assert_int_equal(count_files(f->dir), 0);
  /* exactly the limit is fine; three fill the quota of consortium 1 */
  for (int i = 0; i < 3; i++) {
    big[sizeof big - 2] = (char)('a' + i); /* different content each time */
    assert_int_equal(upload(f, 2 + i % 2, f->ch1, "ok.pdf", big, 1000, 1000, 333, &info), ATTACH_OK);
  }
  assert_int_equal(attachment_store_used(f->db, 1, 0), 3000);
  assert_int_equal(upload(f, 3, f->ch1, "more.pdf", PDF, sizeof PDF - 1, sizeof PDF - 1, 100, &info),
                   ATTACH_QUOTA);
  /* not declared: refused at the end, the quota counted again */
  assert_int_equal(upload(f, 3, f->ch1, "more.pdf", PDF, sizeof PDF - 1, -1, 100, &info), ATTACH_QUOTA);
  /* consortium 2 has its own quota */
  assert_int_equal(upload(f, 4, f->ch2, "theirs.pdf", PDF, sizeof PDF - 1, -1, 100, &info), ATTACH_OK);
  assert_int_equal(attachment_store_used(f->db, 2, 0), sizeof PDF - 1);
  assert_int_equal(count_files(f->dir), 4);
}

static void test_types_and_names(void **state) {
  fixture *f = *state;
  attachment_info info;
  /* by the name, before any byte */
  attachment_upload *u = NULL;
  assert_int_equal(attachment_upload_begin(f->s, 2, f->ch1, "setup.exe", 10, &u), ATTACH_NOT_ALLOWED);
  assert_int_equal(attachment_upload_begin(f->s, 2, f->ch1, "page.html", 10, &u), ATTACH_NOT_ALLOWED);
  assert_int_equal(attachment_upload_begin(f->s, 2, f->ch1, "logo.svg", 10, &u), ATTACH_NOT_ALLOWED);
  assert_null(u);
  /* by the content */
  assert_int_equal(upload(f, 2, f->ch1, "photo.png", PDF, sizeof PDF - 1, -1, 100, &info), ATTACH_MISMATCH);
  assert_string_equal(info.claimed, "PNG");
  static const char exe[] = "MZ\x90\0\3\0\0\0\4\0\0\0";
  assert_int_equal(upload(f, 2, f->ch1, "report.pdf", exe, sizeof exe - 1, -1, 100, &info), ATTACH_MISMATCH);
  assert_string_equal(info.claimed, "PDF");
  assert_int_equal(upload(f, 2, f->ch1, "noext", exe, sizeof exe - 1, -1, 100, &info), ATTACH_NOT_ALLOWED);
  /* a name without an extension, for content that says what it is */
  assert_int_equal(upload(f, 2, f->ch1, "스캔", PNG, sizeof PNG, -1, 100, &info), ATTACH_OK);
  assert_string_equal(info.media_type, "image/png");
  /* a Korean CSV (CP949 bytes) */
  static const char csv[] = "\xc8\xb8\xbb\xe7,\xb4\xe3\xb4\xe7\xc0\xda\r\n\xb0\xa1\xb3\xaa,1\r\n";
  assert_int_equal(upload(f, 2, f->ch1, "명단.csv", csv, sizeof csv - 1, -1, 100, &info), ATTACH_OK);
  assert_string_equal(info.media_type, "text/csv");
  /* names */
  static const char *const bad[] = {"",          "   ",          "a/b.pdf", "a\\b.pdf", "a\nb.pdf",
                                    "a\x01.pdf", "\xff\xfe.pdf", "..",      NULL};
  for (int i = 0; bad[i]; i++)
    assert_int_equal(attachment_upload_begin(f->s, 2, f->ch1, bad[i], 10, &u), ATTACH_BAD_NAME);
  assert_int_equal(attachment_upload_begin(f->s, 2, f->ch1, NULL, 10, &u), ATTACH_BAD_NAME);
  char longname[300];
  memset(longname, 'a', sizeof longname);
  memcpy(longname + 252, ".pdf", 5); /* 256 bytes */
  assert_int_equal(attachment_upload_begin(f->s, 2, f->ch1, longname, 10, &u), ATTACH_BAD_NAME);
  memcpy(longname + 251, ".pdf", 5); /* 255 bytes */
  assert_int_equal(upload(f, 2, f->ch1, longname, PDF, sizeof PDF - 1, -1, 100, &info), ATTACH_OK);
  assert_int_equal(strlen(info.name), 255);
  /* empty, and who may upload */
  assert_int_equal(attachment_upload_begin(f->s, 2, f->ch1, "empty.txt", 0, &u), ATTACH_EMPTY);
  assert_int_equal(upload(f, 2, f->ch1, "empty.txt", "", 0, -1, 1, &info), ATTACH_EMPTY);
  assert_int_equal(attachment_upload_begin(f->s, 4, f->ch1, "a.pdf", 10, &u), ATTACH_FORBIDDEN);
  assert_int_equal(attachment_upload_begin(f->s, 2, 99999, "a.pdf", 10, &u), ATTACH_FORBIDDEN);
  assert_int_equal(attachment_upload_begin(f->s, 0, f->ch1, "a.pdf", 10, &u), ATTACH_FORBIDDEN);
  assert_null(u);
  assert_int_equal(rows(f->db, "SELECT count(*) FROM attachments"), 3);
  assert_int_equal(count_files(f->dir), 3);
}

static void test_busy_and_abort(void **state) {
  fixture *f = *state;
  attachment_upload *u[ATTACH_MAX_USER_UPLOADS + 1] = {0};
  for (int i = 0; i < ATTACH_MAX_USER_UPLOADS; i++) {
    assert_int_equal(attachment_upload_begin(f->s, 2, f->ch1, "a.pdf", 10, &u[i]), ATTACH_OK);
    assert_int_equal(attachment_upload_write(u[i], "%PDF-", 5), ATTACH_OK);
  }
  assert_int_equal(attachment_upload_begin(f->s, 2, f->ch1, "a.pdf", 10, &u[ATTACH_MAX_USER_UPLOADS]),
                   ATTACH_BUSY);
  attachment_upload *other = NULL; /* another person is not held up */
  assert_int_equal(attachment_upload_begin(f->s, 3, f->ch1, "a.pdf", 10, &other), ATTACH_OK);
  assert_int_equal(count_files(f->dir), ATTACH_MAX_USER_UPLOADS + 1); /* temporary files */
  attachment_upload_abort(u[0]);
  assert_int_equal(attachment_upload_begin(f->s, 2, f->ch1, "a.pdf", 10, &u[0]), ATTACH_OK);
  for (int i = 0; i < ATTACH_MAX_USER_UPLOADS; i++) attachment_upload_abort(u[i]);
  attachment_upload_abort(other);
  attachment_upload_abort(NULL);
  assert_int_equal(count_files(f->dir), 0);
  /* closing the store drops uploads still running */
  assert_int_equal(attachment_upload_begin(f->s, 2, f->ch1, "a.pdf", 10, &u[0]), ATTACH_OK);
  attachment_store_close(f->s);
  assert_int_equal(count_files(f->dir), 0);
  f->s = open_store(f, 0, 0); /* defaults */
  assert_int_equal(attachment_store_limits(f->s).max_file, ATTACH_DEFAULT_MAX_FILE);
  assert_int_equal(attachment_store_limits(f->s).quota, ATTACH_DEFAULT_QUOTA);
}

static void test_expiry_crash_leftovers_and_damage(void **state) {
  fixture *f = *state;
  attachment_info a, b, got;
  char path[512];
  int rc;
  assert_int_equal(upload(f, 2, f->ch1, "never-sent.pdf", PDF, sizeof PDF - 1, -1, 100, &a), ATTACH_OK);
  assert_int_equal(upload(f, 2, f->ch1, "sent.png", PNG, sizeof PNG, -1, 100, &b), ATTACH_OK);
  assert_true(send_with(f, 2, f->ch1, "", b.token, &rc) > 0);
  db_set_clock_offset(f->db, ATTACH_PENDING_TTL - 60);
  assert_int_equal(attachment_store_collect(f->s), 0);
  db_set_clock_offset(f->db, ATTACH_PENDING_TTL + 60);
  assert_int_equal(attachment_store_collect(f->s), 1); /* the pending one; the sent one stays */
  assert_int_equal(attachment_store_get(f->s, 2, a.token, &got, path, sizeof path), ATTACH_NOT_FOUND);
  assert_int_equal(attachment_store_get(f->s, 3, b.token, &got, path, sizeof path), ATTACH_OK);
  db_set_clock_offset(f->db, 0);

  /* a crash left a temporary file and a blob queued for removal: the next open cleans both */
  attachment_store_close(f->s);
  char tmp[512];
  snprintf(tmp, sizeof tmp, "%s/tmp/upload-crashed", f->dir);
  FILE *fp = fopen(tmp, "w");
  fputs("half", fp);
  fclose(fp);
  assert_int_equal(sqlite3_exec(db_handle(f->db), "DELETE FROM attachments", NULL, NULL, NULL), SQLITE_OK);
  assert_int_equal(rows(f->db, "SELECT count(*) FROM attachment_trash"), 1);
  f->s = open_store(f, 1000, 3000);
  assert_non_null(f->s);
  assert_int_equal(count_files(f->dir), 0);
  assert_int_equal(rows(f->db, "SELECT count(*) FROM attachment_trash"), 0);

  /* a blob damaged on disk is not served */
  assert_int_equal(upload(f, 2, f->ch1, "x.png", PNG, sizeof PNG, -1, 100, &b), ATTACH_OK);
  assert_true(send_with(f, 2, f->ch1, "", b.token, &rc) > 0);
  snprintf(path, sizeof path, "%s/%.2s/%s", f->dir, b.sha256, b.sha256);
  assert_int_equal(truncate(path, 3), 0);
  assert_int_equal(attachment_store_get(f->s, 3, b.token, &got, path, sizeof path), ATTACH_IO);
  assert_non_null(strstr(attachment_store_error(f->s), "is missing or damaged")); /* for the caller's log */
  /* and an upload of the same content replaces the damaged blob */
  assert_int_equal(upload(f, 3, f->ch1, "y.png", PNG, sizeof PNG, -1, 100, &a), ATTACH_OK);
  assert_int_equal(attachment_store_get(f->s, 3, b.token, &got, path, sizeof path), ATTACH_OK);
  assert_string_equal(attachment_store_error(f->s), ""); /* a call that worked leaves no detail */
  assert_string_equal(attachment_status_name(ATTACH_QUOTA), "quota");
  assert_string_equal(attachment_status_name(ATTACH_ERROR), "internal");
  assert_string_equal(attachment_status_name(-99), "internal");
}

static void test_open_refuses_unusable_dir(void **state) {
  fixture *f = *state;
  char err[256] = "", file[128];
  snprintf(file, sizeof file, "%s/plain-file", f->dir);
  FILE *fp = fopen(file, "w");
  fclose(fp);
  assert_null(attachment_store_open(f->db, file, (attachment_limits){0, 0}, err, sizeof err));
  assert_non_null(strstr(err, "plain-file"));
  assert_null(attachment_store_open(f->db, "", (attachment_limits){0, 0}, err, sizeof err));
  unlink(file);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_upload_send_and_read, setup, teardown),
      cmocka_unit_test_setup_teardown(test_send_rules, setup, teardown),
      cmocka_unit_test_setup_teardown(test_same_content_one_blob_removed_with_last_message, setup, teardown),
      cmocka_unit_test_setup_teardown(test_conversation_removed, setup, teardown),
      cmocka_unit_test_setup_teardown(test_limits_and_quota, setup, teardown),
      cmocka_unit_test_setup_teardown(test_types_and_names, setup, teardown),
      cmocka_unit_test_setup_teardown(test_busy_and_abort, setup, teardown),
      cmocka_unit_test_setup_teardown(test_expiry_crash_leftovers_and_damage, setup, teardown),
      cmocka_unit_test_setup_teardown(test_open_refuses_unusable_dir, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
