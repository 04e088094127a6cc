/* Meeting rooms as kept: each consortium's lounge and the rooms members open, with who may
 * enter them. Live state (who is in a room right now) is not kept here: see rooms/registry.h. */
#ifndef MOA_STORAGE_ROOM_STORE_H
#define MOA_STORAGE_ROOM_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage/db.h"
#include "storage/store_status.h"

#define ROOM_NAME_MAX 100
#define ROOM_DESCRIPTION_MAX 1000
#define ROOM_INVITEES_MAX 200
/* The longest description a room can hold: a meeting's room carries the meeting's description
 * (MEETING_DESCRIPTION_MAX in meeting_store.h). */
#define ROOM_TEXT_MAX 4000

typedef struct room_rec {
  int64_t id;
  int64_t consortium_id;
  char name[ROOM_NAME_MAX * 4 + 1];
  bool invited_only;
  bool is_lounge;
  int64_t created_by;
  bool archived;          /* room.archive: kept, hidden from room.list, closed to joins */
  bool adaptation;        /* bandwidth adaptation on (the default) or off (everyone gets the top layer) */
  bool recording_allowed; /* hosts may record meetings here (the default), or the policy forbids it */
} room_rec;

/* A room as clients see it: the record and its description. */
typedef struct room_view {
  room_rec rec;
  char description[ROOM_TEXT_MAX + 1];
} room_view;

/* Creates the lounge of every active consortium that has none. Returns how many were made, or -1. */
int room_store_ensure_lounges(moa_db *db);

/* 1 and *out when the room exists, 0 when not, -1 on error. */
int room_store_get(moa_db *db, int64_t room_id, room_rec *out);

/* May user enter the room? Admins always; for a consortium room any user with a role in its
 * consortium; for an invited-only room its creator, its invitees and the consortium's
 * coordinators. */
bool room_store_can_join(moa_db *db, const room_rec *room, int64_t user_id, bool is_admin);

/* Creates a room. name 1..100 characters, description up to 1000 bytes (both clean text),
 * invitees: n user ids (0..ROOM_INVITEES_MAX; NULL when n is 0). On STORE_OK *id is the new room;
 * STORE_INVALID (err says which: the name, the description, too many invitees, or
 * "invitees[i]: no such user"), STORE_ERROR (database). Nothing is written on failure. */
store_status room_store_create(moa_db *db, int64_t consortium_id, const char *name, const char *description,
                               bool invited_only, int64_t created_by, const int64_t *invitees, size_t n,
                               int64_t *id, char *err, size_t errlen);

/* Called once per room; return 0 to go on, anything else to stop (the read then fails). */
typedef int (*room_view_fn)(void *ctx, const room_view *room);

/* Calls fn for the rooms of a consortium that user may enter, lounge first then newest,
 * archived ones only with include_archived. fn must not use db. Returns 0, or -1 on a database
 * error or when fn stopped the read. */
int room_store_list(moa_db *db, int64_t consortium_id, int64_t user_id, bool is_admin, bool include_archived,
                    room_view_fn fn, void *ctx);

/* The room with its description: 1 and *out when the room exists (and is not deleted), 0 when
 * not, -1 on error. */
int room_store_view(moa_db *db, int64_t room_id, room_view *out);

/* Archives (archived true: stamps archived_at now) or unarchives the room. Returns 1 when the
 * room's state changed, 0 when it already was so, -1 when there is no such room or on error
 * (nothing changed). */
int room_store_set_archived(moa_db *db, int64_t room_id, bool archived);

/* Sets the room's adaptation switch. 1 done (also when unchanged), 0 no such room, -1 error. */
int room_store_set_adaptation(moa_db *db, int64_t room_id, bool on);
/* Sets the room's recording policy. 1 done (also when unchanged), 0 no such room, -1 error. */
int room_store_set_recording_allowed(moa_db *db, int64_t room_id, bool allowed);

#define ROOM_STORE_MEETING_ROOM (-2)
/* Deletes the room with its chat conversation (messages, members, their search index), invites,
 * bans, moderation log and control state, in one transaction; the room's row stays as a tombstone
 * that reserves its id (no function here returns it again). A meeting's room is not deleted here
 * (returns ROOM_STORE_MEETING_ROOM: cancel the meeting instead). 1 deleted, 0 no such room, -1
 * error; on any failure nothing is deleted. */
int room_store_delete(moa_db *db, int64_t room_id);

#endif
