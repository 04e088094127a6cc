/* Rooms (see room_store.h). */
#include "storage/room_store.h"

#include <stdio.h>
#include <string.h>

#include "storage/user_store.h"

int room_store_ensure_lounges(moa_db *db) {
  sqlite3_stmt *st = db_stmt(db, "INSERT INTO rooms(consortium_id, name, description, is_lounge) "
                                 "SELECT c.id, c.name_ko || ' 라운지', '협의체 상설 네트워킹 공간', 1 FROM consortia c "
                                 "WHERE c.active = 1 AND NOT EXISTS (SELECT 1 FROM rooms r "
                                 "WHERE r.consortium_id = c.id AND r.is_lounge = 1)");
  if (!st || db_exec_stmt(db, st) != SQLITE_DONE) return -1;
  return sqlite3_changes(db_handle(db));
}

int room_store_get(moa_db *db, int64_t room_id, room_rec *out) {
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT id, consortium_id, name, visibility = 'invited', is_lounge, "
                             "coalesce(created_by, 0), archived_at IS NOT NULL, adaptation, "
                             "recording_allowed FROM rooms WHERE id = ? "
                             "AND deleted_at IS NULL");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, room_id);
  int rc = db_step(db, st);
  if (rc == SQLITE_ROW) {
    memset(out, 0, sizeof *out);
    out->id = sqlite3_column_int64(st, 0);
    out->consortium_id = sqlite3_column_int64(st, 1);
    snprintf(out->name, sizeof out->name, "%s", (const char *)sqlite3_column_text(st, 2));
    out->invited_only = sqlite3_column_int(st, 3) != 0;
    out->is_lounge = sqlite3_column_int(st, 4) != 0;
    out->created_by = sqlite3_column_int64(st, 5);
    out->archived = sqlite3_column_int(st, 6) != 0;
    out->adaptation = sqlite3_column_int(st, 7) != 0;
    out->recording_allowed = sqlite3_column_int(st, 8) != 0;
  }
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
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

int64_t room_store_create(moa_db *db, int64_t consortium_id, const char *name, const char *description,
                          bool invited_only, int64_t created_by, json_t *invitees, char *err, size_t errlen) {
  size_t nl = strlen(name);
  if (nl == 0 || nl > ROOM_NAME_MAX * 4 || !clean(name, false)) {
    snprintf(err, errlen, "name must be 1 to %d characters of plain text", ROOM_NAME_MAX);
    return -1;
  }
  if (strlen(description) > ROOM_DESCRIPTION_MAX || !clean(description, true)) {
    snprintf(err, errlen, "description must be at most %d bytes of plain text", ROOM_DESCRIPTION_MAX);
    return -1;
  }
  if (invitees && (!json_is_array(invitees) || json_array_size(invitees) > ROOM_INVITEES_MAX)) {
    snprintf(err, errlen, "invitees must be an array of at most %d user ids", ROOM_INVITEES_MAX);
    return -1;
  }
  if (db_begin(db) != SQLITE_OK) goto dberr;
  sqlite3_stmt *st = db_stmt(db, "INSERT INTO rooms(consortium_id, name, description, visibility, created_by) "
                                 "VALUES (?, ?, ?, ?, ?)");
  if (!st) goto rollback;
  sqlite3_bind_int64(st, 1, consortium_id);
  sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, description, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, invited_only ? "invited" : "consortium", -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 5, created_by);
  if (db_exec_stmt(db, st) != SQLITE_DONE) goto rollback;
  int64_t id = sqlite3_last_insert_rowid(db_handle(db));
  size_t i;
  json_t *v;
  json_array_foreach(invitees, i, v) {
    if (!json_is_integer(v)) {
      db_rollback(db);
      snprintf(err, errlen, "invitees[%zu] is not a user id", i);
      return -1;
    }
    st = db_stmt(db, "INSERT OR IGNORE INTO room_invites(room_id, user_id) VALUES (?, ?)");
    if (!st) goto rollback;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, json_integer_value(v));
    if (db_exec_stmt(db, st) != SQLITE_DONE) {
      db_rollback(db);
      snprintf(err, errlen, "invitees[%zu]: no such user", i);
      return -1;
    }
  }
  if (db_commit(db) != SQLITE_OK) goto dberr;
  return id;
rollback:
  db_rollback(db);
dberr:
  snprintf(err, errlen, "database error: %s", db_errmsg(db));
  return -1;
}

#define ROW_COLUMNS                                                                               \
  "SELECT id, consortium_id, name, description, visibility, is_lounge, coalesce(created_by, 0), " \
  "archived_at IS NOT NULL, adaptation, recording_allowed FROM rooms "

static json_t *row_json(sqlite3_stmt *st) {
  return json_pack(
      "{s:I, s:I, s:s, s:s, s:s, s:b, s:I, s:b, s:b, s:b}", "id", (json_int_t)sqlite3_column_int64(st, 0),
      "consortium_id", (json_int_t)sqlite3_column_int64(st, 1), "name",
      (const char *)sqlite3_column_text(st, 2), "description", (const char *)sqlite3_column_text(st, 3),
      "visibility", (const char *)sqlite3_column_text(st, 4), "is_lounge", sqlite3_column_int(st, 5),
      "created_by", (json_int_t)sqlite3_column_int64(st, 6), "archived", sqlite3_column_int(st, 7),
      "adaptation", sqlite3_column_int(st, 8), "recording_allowed", sqlite3_column_int(st, 9));
}

json_t *room_store_list(moa_db *db, int64_t consortium_id, int64_t user_id, bool is_admin,
                        bool include_archived) {
  sqlite3_stmt *st = db_stmt(db, ROW_COLUMNS
                             "WHERE consortium_id = ?1 AND (?2 OR archived_at IS NULL) AND deleted_at IS NULL "
                             "ORDER BY is_lounge DESC, id DESC");
  if (!st) return NULL;
  sqlite3_bind_int64(st, 1, consortium_id);
  sqlite3_bind_int(st, 2, include_archived);
  json_t *out = json_array();
  room_rec r;
  while (db_step(db, st) == SQLITE_ROW) {
    r.id = sqlite3_column_int64(st, 0);
    r.consortium_id = consortium_id;
    r.invited_only = strcmp((const char *)sqlite3_column_text(st, 4), "invited") == 0;
    r.created_by = sqlite3_column_int64(st, 6);
    json_t *row = row_json(st);
    /* can_join runs other statements; the list statement stays open meanwhile (distinct SQL). */
    if (room_store_can_join(db, &r, user_id, is_admin)) json_array_append_new(out, row);
    else json_decref(row);
  }
  sqlite3_reset(st);
  return out;
}

json_t *room_store_json(moa_db *db, int64_t room_id) {
  sqlite3_stmt *st = db_stmt(db, ROW_COLUMNS "WHERE id = ? AND deleted_at IS NULL");
  if (!st) return NULL;
  sqlite3_bind_int64(st, 1, room_id);
  json_t *r = db_step(db, st) == SQLITE_ROW ? row_json(st) : NULL;
  sqlite3_reset(st);
  return r;
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
  sqlite3_stmt *st = db_stmt(db, "SELECT (SELECT count(*) FROM rooms WHERE id = ?1 AND deleted_at IS NULL), "
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
