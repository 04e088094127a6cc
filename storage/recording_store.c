/* Recordings (see recording_store.h). Rows are written on the signaling thread, one short
 * statement or one transaction each; the finalize result with its files is one transaction (ours,
 * or the caller's when one is open), so a reader never sees a READY recording without its files. */
#include "storage/recording_store.h"

#include <stdio.h>
#include <string.h>

#include "base/utf8.h"

static const char *const state_names[RECORDING_STATES] = {"recording", "finalizing", "ready", "incomplete",
                                                          "failed"};

const char *recording_state_name(recording_state s) {
  return (unsigned)s < RECORDING_STATES ? state_names[s] : "failed";
}

static recording_state state_of(const unsigned char *text) {
  for (int i = 0; i < RECORDING_STATES; i++)
    if (text && !strcmp((const char *)text, state_names[i])) return (recording_state)i;
  return RECORDING_FAILED; /* the CHECK constraint makes this unreachable */
}

bool recording_file_name_valid(const char *name) {
  if (!name || !name[0] || name[0] == '.') return false;
  size_t n = 0;
  for (const char *p = name; *p; p++, n++) {
    char c = *p;
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == '-';
    if (!ok || n + 1 >= RECORDING_NAME_MAX) return false;
  }
  return true;
}

/* Ends db_begin_own's transaction: commits when rc is 1, else rolls back; rc, or -1 when the
 * commit failed. */
static int end_own(moa_db *db, bool own, int rc) { return db_end_own(db, own, rc == 1) ? rc : -1; }

static void copy_text(char *dst, size_t cap, const unsigned char *src) {
  snprintf(dst, cap, "%s", src ? (const char *)src : "");
}

#define REC_COLUMNS                                                                                \
  "SELECT id, room_id, coalesce(meeting_id, 0), coalesce(started_by, 0), started_at, stopped_at, " \
  "state, degraded, spool_dir, out_dir, duration_ms, bytes, error FROM recordings "

static void read_row(sqlite3_stmt *st, recording_rec *r) {
  memset(r, 0, sizeof *r);
  r->id = sqlite3_column_int64(st, 0);
  r->room_id = sqlite3_column_int64(st, 1);
  r->meeting_id = sqlite3_column_int64(st, 2);
  r->started_by = sqlite3_column_int64(st, 3);
  r->started_at = sqlite3_column_int64(st, 4);
  r->stopped_at = sqlite3_column_int64(st, 5);
  r->state = state_of(sqlite3_column_text(st, 6));
  r->degraded = sqlite3_column_int(st, 7) != 0;
  copy_text(r->spool_dir, sizeof r->spool_dir, sqlite3_column_text(st, 8));
  copy_text(r->out_dir, sizeof r->out_dir, sqlite3_column_text(st, 9));
  r->duration_ms = sqlite3_column_int64(st, 10);
  r->bytes = sqlite3_column_int64(st, 11);
  copy_text(r->error, sizeof r->error, sqlite3_column_text(st, 12));
}

/* Steps st (bound by the caller) into out, at most max rows. */
static int read_rows(moa_db *db, sqlite3_stmt *st, recording_rec *out, int max) {
  int n = 0, rc;
  while (n < max && (rc = db_step(db, st)) == SQLITE_ROW) read_row(st, &out[n++]);
  if (n < max && rc != SQLITE_DONE) n = -1;
  sqlite3_reset(st);
  return n;
}

int64_t recording_store_create(moa_db *db, int64_t room_id, int64_t meeting_id, int64_t started_by,
                               int64_t at, const char *base_dir, recording_rec *out) {
  /* "<base>/<id>/spool": the id has at most 19 digits */
  if (!base_dir || base_dir[0] != '/' || strlen(base_dir) + 1 + 19 + 7 + 1 > RECORDING_DIR_MAX)
    return RECORDING_STORE_INVALID;
  bool own;
  if (!db_begin_own(db, &own)) return -1;
  int64_t id = -1;
  sqlite3_stmt *st = db_stmt(db,
                             "INSERT INTO recordings(room_id, meeting_id, started_by, started_at, spool_dir, "
                             "out_dir) VALUES (?, nullif(?, 0), nullif(?, 0), ?, '', '')");
  if (st) {
    sqlite3_bind_int64(st, 1, room_id);
    sqlite3_bind_int64(st, 2, meeting_id);
    sqlite3_bind_int64(st, 3, started_by);
    sqlite3_bind_int64(st, 4, at);
    if (db_exec_stmt(db, st) == SQLITE_DONE) id = sqlite3_last_insert_rowid(db_handle(db));
  }
  char spool[RECORDING_DIR_MAX], files[RECORDING_DIR_MAX];
  if (id > 0) {
    snprintf(spool, sizeof spool, "%s/%lld/spool", base_dir, (long long)id);
    snprintf(files, sizeof files, "%s/%lld/files", base_dir, (long long)id);
    st = db_stmt(db, "UPDATE recordings SET spool_dir = ?2, out_dir = ?3 WHERE id = ?1");
    if (!st) {
      id = -1;
    } else {
      sqlite3_bind_int64(st, 1, id);
      sqlite3_bind_text(st, 2, spool, -1, SQLITE_STATIC);
      sqlite3_bind_text(st, 3, files, -1, SQLITE_STATIC);
      if (db_exec_stmt(db, st) != SQLITE_DONE) id = -1;
    }
  }
  if (end_own(db, own, id > 0 ? 1 : -1) != 1) return -1;
  if (out && recording_store_get(db, id, out) != 1) { /* just written: only an I/O error fails */
    memset(out, 0, sizeof *out);
    out->id = id;
    out->room_id = room_id;
    out->meeting_id = meeting_id;
    out->started_by = started_by;
    out->started_at = at;
    snprintf(out->spool_dir, sizeof out->spool_dir, "%s", spool);
    snprintf(out->out_dir, sizeof out->out_dir, "%s", files);
  }
  return id;
}

int recording_store_stop(moa_db *db, int64_t id, int64_t at) {
  sqlite3_stmt *st = db_stmt(db,
                             "UPDATE recordings SET state = 'finalizing', stopped_at = max(?2, started_at) "
                             "WHERE id = ?1 AND state = 'recording'");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_int64(st, 2, at);
  if (db_exec_stmt(db, st) != SQLITE_DONE) return -1;
  return sqlite3_changes(db_handle(db)) > 0 ? 1 : 0;
}

int recording_store_set_degraded(moa_db *db, int64_t id) {
  sqlite3_stmt *st = db_stmt(db, "UPDATE recordings SET degraded = 1 WHERE id = ?");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, id);
  if (db_exec_stmt(db, st) != SQLITE_DONE) return -1;
  return sqlite3_changes(db_handle(db)) > 0 ? 1 : 0;
}

static bool result_valid(const recording_result *res) {
  if (res->state != RECORDING_READY && res->state != RECORDING_INCOMPLETE && res->state != RECORDING_FAILED)
    return false;
  if (res->n_files < 0 || res->n_files > RECORDING_FILES_MAX || (res->n_files && !res->files)) return false;
  if (res->duration_ms < 0 || res->bytes < 0) return false;
  for (int i = 0; i < res->n_files; i++) {
    const recording_file *f = &res->files[i];
    if (!recording_file_name_valid(f->name) || f->duration_ms < 0 || f->bytes < 0 || f->user_id < 0)
      return false;
    for (int j = 0; j < i; j++)
      if (!strcmp(res->files[j].name, f->name)) return false;
  }
  return true;
}

/* The error text cut to RECORDING_ERROR_MAX - 1 bytes at a UTF-8 character boundary. */
static void cut_error(char *dst, const char *src) {
  if (!src) src = "";
  size_t n = utf8_cut(src, strlen(src), RECORDING_ERROR_MAX - 1);
  memcpy(dst, src, n);
  dst[n] = '\0';
}

int recording_store_finalized(moa_db *db, int64_t id, const recording_result *res) {
  if (!res || !result_valid(res)) return RECORDING_STORE_INVALID;
  char error[RECORDING_ERROR_MAX];
  cut_error(error, res->error);
  bool own;
  if (!db_begin_own(db, &own)) return -1;
  int rc = -1;
  sqlite3_stmt *st =
      db_stmt(db,
              "UPDATE recordings SET state = ?2, duration_ms = ?3, bytes = ?4, error = ?5, "
              "stopped_at = CASE WHEN stopped_at = 0 THEN max(?6, started_at) ELSE stopped_at END "
              "WHERE id = ?1");
  if (st) {
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, recording_state_name(res->state), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, res->duration_ms);
    sqlite3_bind_int64(st, 4, res->bytes);
    sqlite3_bind_text(st, 5, error, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, db_now(db));
    if (db_exec_stmt(db, st) == SQLITE_DONE) rc = sqlite3_changes(db_handle(db)) > 0 ? 1 : 0;
  }
  if (rc == 1) {
    st = db_stmt(db, "DELETE FROM recording_files WHERE recording_id = ?");
    if (!st) rc = -1;
    if (st) {
      sqlite3_bind_int64(st, 1, id);
      if (db_exec_stmt(db, st) != SQLITE_DONE) rc = -1;
    }
  }
  for (int i = 0; rc == 1 && i < res->n_files; i++) {
    const recording_file *f = &res->files[i];
    st = db_stmt(db,
                 "INSERT INTO recording_files(recording_id, name, user_id, duration_ms, bytes, has_video, "
                 "has_audio) VALUES (?, ?, ?, ?, ?, ?, ?)");
    if (!st) {
      rc = -1;
      break;
    }
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, f->name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, f->user_id);
    sqlite3_bind_int64(st, 4, f->duration_ms);
    sqlite3_bind_int64(st, 5, f->bytes);
    sqlite3_bind_int(st, 6, f->has_video);
    sqlite3_bind_int(st, 7, f->has_audio);
    if (db_exec_stmt(db, st) != SQLITE_DONE) rc = -1;
  }
  return end_own(db, own, rc);
}

int recording_store_get(moa_db *db, int64_t id, recording_rec *out) {
  sqlite3_stmt *st = db_stmt(db, REC_COLUMNS "WHERE id = ?");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, id);
  int rc = db_step(db, st);
  if (rc == SQLITE_ROW) read_row(st, out);
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static void read_file(sqlite3_stmt *st, recording_file *f) {
  memset(f, 0, sizeof *f);
  copy_text(f->name, sizeof f->name, sqlite3_column_text(st, 0));
  f->user_id = sqlite3_column_int64(st, 1);
  f->duration_ms = sqlite3_column_int64(st, 2);
  f->bytes = sqlite3_column_int64(st, 3);
  f->has_video = sqlite3_column_int(st, 4) != 0;
  f->has_audio = sqlite3_column_int(st, 5) != 0;
}

int recording_store_files(moa_db *db, int64_t id, recording_file *out, int max) {
  sqlite3_stmt *st =
      db_stmt(db,
              "SELECT name, user_id, duration_ms, bytes, has_video, has_audio FROM recording_files "
              "WHERE recording_id = ? ORDER BY user_id = 0, name");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, id);
  int n = 0, rc;
  while (n < max && (rc = db_step(db, st)) == SQLITE_ROW) read_file(st, &out[n++]);
  if (n < max && rc != SQLITE_DONE) n = -1;
  sqlite3_reset(st);
  return n;
}

int recording_store_file(moa_db *db, int64_t id, const char *name, recording_file *out) {
  if (!recording_file_name_valid(name)) return 0;
  sqlite3_stmt *st =
      db_stmt(db,
              "SELECT name, user_id, duration_ms, bytes, has_video, has_audio FROM recording_files "
              "WHERE recording_id = ? AND name = ?");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
  int rc = db_step(db, st);
  if (rc == SQLITE_ROW) read_file(st, out);
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int recording_store_list_meeting(moa_db *db, int64_t meeting_id, recording_rec *out, int max) {
  sqlite3_stmt *st = db_stmt(db, REC_COLUMNS "WHERE meeting_id = ? ORDER BY id DESC");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, meeting_id);
  return read_rows(db, st, out, max);
}

int recording_store_list_room(moa_db *db, int64_t room_id, recording_rec *out, int max) {
  sqlite3_stmt *st = db_stmt(db, REC_COLUMNS "WHERE room_id = ? ORDER BY id DESC");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, room_id);
  return read_rows(db, st, out, max);
}

int recording_store_unfinished(moa_db *db, recording_rec *out, int max) {
  sqlite3_stmt *st = db_stmt(db, REC_COLUMNS "WHERE state IN ('recording', 'finalizing') ORDER BY id");
  if (!st) return -1;
  return read_rows(db, st, out, max);
}

int recording_store_older_than(moa_db *db, int64_t before, recording_rec *out, int max) {
  sqlite3_stmt *st = db_stmt(
      db, REC_COLUMNS "WHERE state IN ('ready', 'incomplete', 'failed') AND started_at < ? ORDER BY id");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, before);
  return read_rows(db, st, out, max);
}

int recording_store_delete(moa_db *db, int64_t id) {
  sqlite3_stmt *st = db_stmt(db, "DELETE FROM recordings WHERE id = ?"); /* files: ON DELETE CASCADE */
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, id);
  if (db_exec_stmt(db, st) != SQLITE_DONE) return -1;
  return sqlite3_changes(db_handle(db)) > 0 ? 1 : 0;
}

int recording_store_totals(moa_db *db, int64_t *bytes, int64_t count[RECORDING_STATES]) {
  *bytes = 0;
  for (int i = 0; i < RECORDING_STATES; i++) count[i] = 0;
  sqlite3_stmt *st = db_stmt(db, "SELECT state, count(*), total(bytes) FROM recordings GROUP BY state");
  if (!st) return -1;
  int rc;
  while ((rc = db_step(db, st)) == SQLITE_ROW) {
    count[state_of(sqlite3_column_text(st, 0))] = sqlite3_column_int64(st, 1);
    *bytes += (int64_t)sqlite3_column_double(st, 2);
  }
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? 0 : -1;
}
