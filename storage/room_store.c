/* Rooms (see room_store.h). */
#include "storage/room_store.h"

#include <stdio.h>
#include <string.h>

#include "storage/user_store.h"

int room_store_ensure_lounges(moa_db *db) {
  sqlite3_stmt *st =
      db_stmt(db,
              "INSERT INTO rooms(consortium_id, name, description, is_lounge) "
              "SELECT c.id, c.name_ko || ' 라운지', '협의체 상설 네트워킹 공간', 1 FROM consortia c "
              "WHERE c.active = 1 AND NOT EXISTS (SELECT 1 FROM rooms r "
              "WHERE r.consortium_id = c.id AND r.is_lounge = 1)");
  if (!st || db_exec_stmt(db, st) != SQLITE_DONE) return -1;
  return sqlite3_changes(db_handle(db));
}

static bool invited(moa_db *db, int64_t room_id, int64_t user_id) {
  sqlite3_stmt *st = db_stmt(db, "SELECT 1 FROM room_invites WHERE room_id = ? AND user_id = ?");
  if (!st) return false;
  sqlite3_bind_int64(st, 1, room_id);
  sqlite3_bind_int64(st, 2, user_id);
  bool yes = db_step(db, st) == SQLITE_ROW;
  sqlite3_reset(st);
  return yes;
}

bool room_store_can_join(moa_db *db, const room_rec *room, int64_t user_id, bool is_admin) {
  if (is_admin) return true;
  consortium_role role = user_store_role_in(db, user_id, room->consortium_id);
  if (!room->invited_only) return role != ROLE_NONE || invited(db, room->id, user_id);
  return role == ROLE_COORDINATOR || room->created_by == user_id || invited(db, room->id, user_id);
}

static bool clean(const char *s, bool newlines) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p == 0x7f || (*p < 0x20 && !(newlines && (*p == '\n' || *p == '\t')))) return false;
  return true;
}

store_status room_store_create(moa_db *db, int64_t consortium_id, const char *name, const char *description,
                               bool invited_only, int64_t created_by, const int64_t *invitees, size_t n,
                               int64_t *id, char *err, size_t errlen) {
  size_t nl = strlen(name);
  if (nl == 0 || nl > ROOM_NAME_MAX * 4 || !clean(name, false)) {
    snprintf(err, errlen, "name must be 1 to %d characters of plain text", ROOM_NAME_MAX);
    return STORE_INVALID;
  }
  if (strlen(description) > ROOM_DESCRIPTION_MAX || !clean(description, true)) {
    snprintf(err, errlen, "description must be at most %d bytes of plain text", ROOM_DESCRIPTION_MAX);
    return STORE_INVALID;
  }
  if (n > ROOM_INVITEES_MAX) {
    snprintf(err, errlen, "invitees must be an array of at most %d user ids", ROOM_INVITEES_MAX);
    return STORE_INVALID;
  }
  if (db_begin(db) != SQLITE_OK) goto dberr;
  sqlite3_stmt *st = db_stmt(db,
                             "INSERT INTO rooms(consortium_id, name, description, visibility, created_by) "
                             "VALUES (?, ?, ?, ?, ?)");
  if (!st) goto rollback;
  sqlite3_bind_int64(st, 1, consortium_id);
  sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, description, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, invited_only ? "invited" : "consortium", -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 5, created_by);
  if (db_exec_stmt(db, st) != SQLITE_DONE) goto rollback;
  int64_t room_id = sqlite3_last_insert_rowid(db_handle(db));
  for (size_t i = 0; i < n; i++) {
    st = db_stmt(db, "INSERT OR IGNORE INTO room_invites(room_id, user_id) VALUES (?, ?)");
    if (!st) goto rollback;
    sqlite3_bind_int64(st, 1, room_id);
    sqlite3_bind_int64(st, 2, invitees[i]);
    if (db_exec_stmt(db, st) != SQLITE_DONE) {
      db_rollback(db);
      snprintf(err, errlen, "invitees[%zu]: no such user", i);
      return STORE_INVALID;
    }
  }
  if (db_commit(db) != SQLITE_OK) goto dberr;
  *id = room_id;
  return STORE_OK;
rollback:
  db_rollback(db);
dberr:
  snprintf(err, errlen, "database error: %s", db_errmsg(db));
  return STORE_ERROR;
}

#define VIEW_COLUMNS                                                                 \
  "SELECT id, consortium_id, name, description, visibility = 'invited', is_lounge, " \
  "coalesce(created_by, 0), archived_at IS NOT NULL, adaptation, recording_allowed FROM rooms "

static void read_view(sqlite3_stmt *st, room_view *out) {
  room_rec *r = &out->rec;
  memset(r, 0, sizeof *r);
  r->id = sqlite3_column_int64(st, 0);
  r->consortium_id = sqlite3_column_int64(st, 1);
  snprintf(r->name, sizeof r->name, "%s", (const char *)sqlite3_column_text(st, 2));
  snprintf(out->description, sizeof out->description, "%s", (const char *)sqlite3_column_text(st, 3));
  r->invited_only = sqlite3_column_int(st, 4) != 0;
  r->is_lounge = sqlite3_column_int(st, 5) != 0;
  r->created_by = sqlite3_column_int64(st, 6);
  r->archived = sqlite3_column_int(st, 7) != 0;
  r->adaptation = sqlite3_column_int(st, 8) != 0;
  r->recording_allowed = sqlite3_column_int(st, 9) != 0;
}

int room_store_list(moa_db *db, int64_t consortium_id, int64_t user_id, bool is_admin, bool include_archived,
                    room_view_fn fn, void *ctx) {
  sqlite3_stmt *st =
      db_stmt(db, VIEW_COLUMNS
              "WHERE consortium_id = ?1 AND (?2 OR archived_at IS NULL) AND deleted_at IS NULL "
              "ORDER BY is_lounge DESC, id DESC");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, consortium_id);
  sqlite3_bind_int(st, 2, include_archived);
  room_view v;
  int rc, stopped = 0;
  while (!stopped && (rc = db_step(db, st)) == SQLITE_ROW) {
    read_view(st, &v);
    /* can_join runs other statements; the list statement stays open meanwhile (distinct SQL). */
    if (room_store_can_join(db, &v.rec, user_id, is_admin)) stopped = fn(ctx, &v);
  }
  sqlite3_reset(st);
  return !stopped && rc == SQLITE_DONE ? 0 : -1;
}

int room_store_get(moa_db *db, int64_t room_id, room_rec *out) {
  room_view v;
  int rc = room_store_view(db, room_id, &v);
  if (rc == 1) *out = v.rec;
  return rc;
}

int room_store_view(moa_db *db, int64_t room_id, room_view *out) {
  sqlite3_stmt *st = db_stmt(db, VIEW_COLUMNS "WHERE id = ? AND deleted_at IS NULL");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, room_id);
  int rc = db_step(db, st);
  if (rc == SQLITE_ROW) read_view(st, out);
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int room_store_set_archived(moa_db *db, int64_t room_id, bool archived) {
  room_rec r;
  if (room_store_get(db, room_id, &r) != 1) return -1;
  if (r.archived == archived) return 0;
  sqlite3_stmt *st = db_stmt(db, "UPDATE rooms SET archived_at = CASE WHEN ?2 THEN ?3 END WHERE id = ?1");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, room_id);
  sqlite3_bind_int(st, 2, archived);
  sqlite3_bind_int64(st, 3, db_now(db));
  return db_exec_stmt(db, st) == SQLITE_DONE ? 1 : -1;
}

int room_store_set_adaptation(moa_db *db, int64_t room_id, bool on) {
  sqlite3_stmt *st = db_stmt(db, "UPDATE rooms SET adaptation = ?2 WHERE id = ?1 AND deleted_at IS NULL");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, room_id);
  sqlite3_bind_int(st, 2, on);
  if (db_exec_stmt(db, st) != SQLITE_DONE) return -1;
  return sqlite3_changes(db_handle(db)) > 0 ? 1 : 0;
}

int room_store_set_recording_allowed(moa_db *db, int64_t room_id, bool allowed) {
  sqlite3_stmt *st =
      db_stmt(db, "UPDATE rooms SET recording_allowed = ?2 WHERE id = ?1 AND deleted_at IS NULL");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, room_id);
  sqlite3_bind_int(st, 2, allowed);
  if (db_exec_stmt(db, st) != SQLITE_DONE) return -1;
  return sqlite3_changes(db_handle(db)) > 0 ? 1 : 0;
}

int room_store_delete(moa_db *db, int64_t room_id) {
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT (SELECT count(*) FROM rooms WHERE id = ?1 AND deleted_at IS NULL), "
                             "(SELECT count(*) FROM meetings WHERE room_id = ?1)");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, room_id);
  int rc = db_step(db, st);
  int exists = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
  int meeting = rc == SQLITE_ROW ? sqlite3_column_int(st, 1) : -1;
  sqlite3_reset(st);
  if (exists < 0 || meeting < 0) return -1;
  if (!exists) return 0;
  if (meeting) return ROOM_STORE_MEETING_ROOM;
  if (db_begin(db) != SQLITE_OK) return -1;
  /* The conversation's messages, members and mentions go by ON DELETE CASCADE, the search
   * index by the messages_fts_delete trigger. The row stays as a tombstone (009_room_archive). */
  static const char *const steps[] = {
      "DELETE FROM conversations WHERE kind = 'room' AND ref_id = ?1",
      "DELETE FROM room_invites WHERE room_id = ?1",
      "DELETE FROM room_bans WHERE room_id = ?1",
      "DELETE FROM room_control WHERE room_id = ?1",
      "DELETE FROM moderation_log WHERE room_id = ?1",
      ("UPDATE rooms SET name = '', description = '', deleted_at = ?2, " /* (): one element for clang */
       "archived_at = coalesce(archived_at, ?2) WHERE id = ?1"),
  };
  for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
    st = db_stmt(db, steps[i]);
    if (!st) goto fail;
    sqlite3_bind_int64(st, 1, room_id);
    if (sqlite3_bind_parameter_count(st) > 1) sqlite3_bind_int64(st, 2, db_now(db));
    if (db_exec_stmt(db, st) != SQLITE_DONE) goto fail;
  }
  if (db_commit(db) != SQLITE_OK) goto fail;
  return 1;
fail:
  db_rollback(db);
  return -1;
}
