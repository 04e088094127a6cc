/* Moderation log, removals and ends (see moderation_store.h). */
#include "storage/moderation_store.h"

#include <string.h>

#include "base/utf8.h"

static void bind_or_null(sqlite3_stmt *st, int i, int64_t v) {
  if (v)
    sqlite3_bind_int64(st, i, v);
  else
    sqlite3_bind_null(st, i);
}

int64_t moderation_store_record(moa_db *db, int64_t room_id, int64_t meeting_id, int64_t actor_id,
                                const char *action, int64_t target_user_id, const char *detail, int64_t at) {
  sqlite3_stmt *st =
      db_stmt(db,
              "INSERT INTO moderation_log(room_id, meeting_id, actor_id, action, target_user_id, "
              "detail, at) VALUES (?, ?, ?, ?, ?, ?, ?)");
  if (!st) return -1;
  if (!detail) detail = "";
  sqlite3_bind_int64(st, 1, room_id);
  bind_or_null(st, 2, meeting_id);
  bind_or_null(st, 3, actor_id);
  sqlite3_bind_text(st, 4, action, -1, SQLITE_STATIC);
  bind_or_null(st, 5, target_user_id);
  sqlite3_bind_text(st, 6, detail, (int)utf8_cut(detail, strlen(detail), MODERATION_DETAIL_MAX),
                    SQLITE_STATIC);
  sqlite3_bind_int64(st, 7, at);
  if (db_exec_stmt(db, st) != SQLITE_DONE) return -1;
  return sqlite3_last_insert_rowid(db_handle(db));
}

int moderation_store_log(moa_db *db, int64_t room_id, int64_t before, int limit, moderation_entry_fn fn,
                         void *ctx) {
  if (limit < 1) limit = 1;
  if (limit > 500) limit = 500;
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT l.id, l.action, coalesce(l.actor_id, 0), coalesce(a.name, ''), "
                             "coalesce(l.target_user_id, 0), coalesce(t.name, ''), l.detail, l.at "
                             "FROM moderation_log l LEFT JOIN users a ON a.id = l.actor_id "
                             "LEFT JOIN users t ON t.id = l.target_user_id "
                             "WHERE l.room_id = ? AND (? = 0 OR l.id < ?) ORDER BY l.id DESC LIMIT ?");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, room_id);
  sqlite3_bind_int64(st, 2, before);
  sqlite3_bind_int64(st, 3, before);
  sqlite3_bind_int(st, 4, limit);
  int rc, stopped = 0;
  while (!stopped && (rc = db_step(db, st)) == SQLITE_ROW) {
    moderation_entry e = {.id = sqlite3_column_int64(st, 0),
                          .action = (const char *)sqlite3_column_text(st, 1),
                          .actor_id = sqlite3_column_int64(st, 2),
                          .actor_name = (const char *)sqlite3_column_text(st, 3),
                          .target_user_id = sqlite3_column_int64(st, 4),
                          .target_name = (const char *)sqlite3_column_text(st, 5),
                          .detail = (const char *)sqlite3_column_text(st, 6),
                          .at = sqlite3_column_int64(st, 7)};
    stopped = fn(ctx, &e);
  }
  sqlite3_reset(st);
  return !stopped && rc == SQLITE_DONE ? 0 : -1;
}

int moderation_store_ban(moa_db *db, int64_t room_id, int64_t user_id, int64_t banned_by, int64_t at) {
  sqlite3_stmt *st = db_stmt(db,
                             "INSERT INTO room_bans(room_id, user_id, banned_by, at) VALUES (?, ?, ?, ?) "
                             "ON CONFLICT(room_id, user_id) DO NOTHING");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, room_id);
  sqlite3_bind_int64(st, 2, user_id);
  bind_or_null(st, 3, banned_by);
  sqlite3_bind_int64(st, 4, at);
  return db_exec_stmt(db, st) == SQLITE_DONE ? 0 : -1;
}

int moderation_store_unban(moa_db *db, int64_t room_id, int64_t user_id) {
  sqlite3_stmt *st = db_stmt(db, "DELETE FROM room_bans WHERE room_id = ? AND user_id = ?");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, room_id);
  sqlite3_bind_int64(st, 2, user_id);
  if (db_exec_stmt(db, st) != SQLITE_DONE) return -1;
  return sqlite3_changes(db_handle(db)) > 0;
}

int moderation_store_is_banned(moa_db *db, int64_t room_id, int64_t user_id) {
  sqlite3_stmt *st = db_stmt(db, "SELECT 1 FROM room_bans WHERE room_id = ? AND user_id = ?");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, room_id);
  sqlite3_bind_int64(st, 2, user_id);
  int rc = db_step(db, st);
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int moderation_store_admitted_since(moa_db *db, int64_t room_id, int64_t user_id, int64_t since) {
  sqlite3_stmt *st =
      db_stmt(db,
              "SELECT action = 'admit' FROM moderation_log WHERE room_id = ? AND target_user_id = ? "
              "AND at >= ? AND action IN ('admit', 'deny', 'remove', 'auto_remove') "
              "ORDER BY id DESC LIMIT 1");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, room_id);
  sqlite3_bind_int64(st, 2, user_id);
  sqlite3_bind_int64(st, 3, since);
  int rc = db_step(db, st);
  int admitted = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
  sqlite3_reset(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? admitted : -1;
}

int moderation_store_ended_at(moa_db *db, int64_t room_id, int64_t *ended_at) {
  *ended_at = 0;
  sqlite3_stmt *st = db_stmt(db, "SELECT ended_at FROM room_control WHERE room_id = ?");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, room_id);
  int rc = db_step(db, st);
  if (rc == SQLITE_ROW) *ended_at = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int moderation_store_set_ended(moa_db *db, int64_t room_id, int64_t ended_at) {
  sqlite3_stmt *st = db_stmt(db,
                             "INSERT INTO room_control(room_id, ended_at) VALUES (?, ?) "
                             "ON CONFLICT(room_id) DO UPDATE SET ended_at = excluded.ended_at");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, room_id);
  sqlite3_bind_int64(st, 2, ended_at);
  return db_exec_stmt(db, st) == SQLITE_DONE ? 0 : -1;
}
