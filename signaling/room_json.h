/* JSON of rooms as kept (storage/room_store.h, storage/moderation_store.h): the room object of
 * room.list, room.create, room.join and the room admin replies, and a room's moderation log. The
 * stores speak C structs; this file and the handlers build the protocol's shapes
 * (docs/PROTOCOL.md) from them. */
#ifndef MOA_SIGNALING_ROOM_JSON_H
#define MOA_SIGNALING_ROOM_JSON_H

#include <jansson.h>
#include <stdint.h>

#include "storage/db.h"
#include "storage/room_store.h"

/* The room object: {id, consortium_id, name, description, visibility ("consortium" |
 * "invited"), is_lounge, created_by, archived, adaptation, recording_allowed}. New reference,
 * NULL when out of memory. */
json_t *room_json(const room_view *room);

/* room_json of the stored room (room_store_view). NULL when there is no such room (or it is
 * deleted), on a database error or out of memory. */
json_t *room_json_get(moa_db *db, int64_t room_id);

/* The room's moderation log as moderation_store_log reads it (newest first, at most limit rows
 * with id < before): [{id, action, actor_id, actor_name, target_user_id, target_name, detail,
 * at}]. New reference, NULL on a database error or out of memory. */
json_t *room_moderation_log_json(moa_db *db, int64_t room_id, int64_t before, int limit);

#endif
