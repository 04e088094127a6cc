/* Moderation as kept: the log of what hosts (and the agenda clock) did in a room, the users
 * removed from a room until a host readmits them, and when a meeting was ended. The live side
 * (rooms/meeting_control.h) writes here before it acts, so the record never misses an action.
 * Every function returns -1 on a database error and then has changed nothing. */
#ifndef MOA_STORAGE_MODERATION_STORE_H
#define MOA_STORAGE_MODERATION_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "storage/db.h"

#define MODERATION_DETAIL_MAX 400 /* bytes; longer detail is cut at a character boundary */

/* Appends one row. meeting_id 0 and actor_id 0 / target_user_id 0 are stored as NULL (an
 * ordinary room, the server, no target). Returns the row id, or -1. */
int64_t moderation_store_record(moa_db *db, int64_t room_id, int64_t meeting_id, int64_t actor_id,
                                const char *action, int64_t target_user_id, const char *detail, int64_t at);

/* One row of the log. actor_id 0: the server; target_user_id 0: no target; a name is "" when
 * the user is gone. The strings belong to the store and live until the callback returns. */
typedef struct moderation_entry {
  int64_t id, actor_id, target_user_id, at;
  const char *action, *actor_name, *target_name, *detail;
} moderation_entry;

/* Called once per row; return 0 to go on, anything else to stop (the read then fails). */
typedef int (*moderation_entry_fn)(void *ctx, const moderation_entry *e);

/* Calls fn for the room's log, newest first, at most limit rows (clamped to 1..500) with
 * id < before (0: from the newest). fn must not use db. Returns 0, or -1 on a database error
 * or when fn stopped the read. */
int moderation_store_log(moa_db *db, int64_t room_id, int64_t before, int limit, moderation_entry_fn fn,
                         void *ctx);

/* Removal until readmitted. ban: 0 (idempotent), -1. unban: 1 lifted, 0 none, -1.
 * is_banned: 1 / 0 / -1. */
int moderation_store_ban(moa_db *db, int64_t room_id, int64_t user_id, int64_t banned_by, int64_t at);
int moderation_store_unban(moa_db *db, int64_t room_id, int64_t user_id);
int moderation_store_is_banned(moa_db *db, int64_t room_id, int64_t user_id);

/* Did a host admit user into room from its lobby at or after since, with no removal (by a host
 * or the agenda clock) or refusal of them after that admission? 1 yes, 0 no, -1. The moderation
 * log is the record: this is what lets an admitted person back in after a dropped connection. */
int moderation_store_admitted_since(moa_db *db, int64_t room_id, int64_t user_id, int64_t since);

/* When a host ended the room's meeting (0: never). ended_at: 0 or -1 (then *ended_at is 0).
 * set_ended: 0 or -1. */
int moderation_store_ended_at(moa_db *db, int64_t room_id, int64_t *ended_at);
int moderation_store_set_ended(moa_db *db, int64_t room_id, int64_t ended_at);

#endif
