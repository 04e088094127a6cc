/* Meeting rooms as kept: each consortium's lounge and the rooms members open, with who may
 * enter them. Live state (who is in a room right now) is not kept here: see rooms/registry.h. */
#ifndef MOA_STORAGE_ROOM_STORE_H
#define MOA_STORAGE_ROOM_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "storage/db.h"

#define ROOM_NAME_MAX 100
#define ROOM_DESCRIPTION_MAX 1000
#define ROOM_INVITEES_MAX 200

typedef struct room_rec {
  int64_t id;
  int64_t consortium_id;
  char name[ROOM_NAME_MAX * 4 + 1];
  bool invited_only;
  bool is_lounge;
  int64_t created_by;
} room_rec;

/* Creates the lounge of every active consortium that has none. Returns how many were made, or -1. */
int room_store_ensure_lounges(moa_db *db);

/* 1 and *out when the room exists, 0 when not, -1 on error. */
int room_store_get(moa_db *db, int64_t room_id, room_rec *out);

/* May user enter the room? Admins always; for a consortium room any user with a role in its
 * consortium; for an invited-only room its creator, its invitees and the consortium's
 * coordinators. */
bool room_store_can_join(moa_db *db, const room_rec *room, int64_t user_id, bool is_admin);

/* Creates a room. name 1..100 characters, description up to 1000 bytes (both clean text),
 * invitees: a JSON array of user ids (may be NULL). Returns the id, or -1 with err; nothing is
 * written on failure. */
int64_t room_store_create(moa_db *db, int64_t consortium_id, const char *name, const char *description,
                          bool invited_only, int64_t created_by, json_t *invitees, char *err, size_t errlen);

/* The rooms of a consortium that user may enter, lounge first then newest:
 * [{id, consortium_id, name, description, visibility, is_lounge, created_by}]. NULL on error. */
json_t *room_store_list(moa_db *db, int64_t consortium_id, int64_t user_id, bool is_admin);

/* One room as in room_store_list, or NULL. */
json_t *room_store_json(moa_db *db, int64_t room_id);

#endif
