/* Who may watch and delete recordings (see recording_access.h). */
#include "storage/recording_access.h"

#include <string.h>

#include "storage/meeting_store.h"
#include "storage/room_store.h"
#include "storage/user_store.h"

int recording_access(moa_db *db, int64_t user_id, int64_t room_id, int64_t meeting_id) {
  user_rec u;
  int rc = user_store_find_by_id(db, user_id, &u);
  if (rc != 1) return rc < 0 ? -1 : RECORDING_NO_ACCESS;
  if (u.disabled) return RECORDING_NO_ACCESS;
  if (u.is_admin) return RECORDING_MANAGE;
  if (meeting_id) {
    meeting_rec m;
    rc = meeting_store_get(db, meeting_id, &m);
    if (rc != 1) return rc < 0 ? -1 : RECORDING_NO_ACCESS;
    const char *role = meeting_store_role(db, &m, user_id);
    if (!role) return RECORDING_NO_ACCESS;
    if (!strcmp(role, "host") || !strcmp(role, "cohost")) return RECORDING_MANAGE;
    if (!strcmp(role, "presenter") || !strcmp(role, "attendee")) return RECORDING_WATCH;
    return RECORDING_NO_ACCESS; /* guest, press, expert */
  }
  room_rec room;
  rc = room_store_get(db, room_id, &room);
  if (rc != 1) return rc < 0 ? -1 : RECORDING_NO_ACCESS;
  if (room.created_by == user_id || user_store_role_in(db, user_id, room.consortium_id) == ROLE_COORDINATOR)
    return RECORDING_MANAGE;
  return room_store_can_join(db, &room, user_id, false) ? RECORDING_WATCH : RECORDING_NO_ACCESS;
}
