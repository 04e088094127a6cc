/* room.archive, room.unarchive, room.delete, room.adaptation and room.recording_policy: what a consortium's
 * coordinators (and admins) decide about a room as a whole, as opposed to joining it
 * (handlers_room.c) or running a meeting in it (handlers_control.c).
 *
 * Archiving keeps the room and its chat history but hides it from room.list and closes it to
 * joins; the people inside are taken out (room.left, reason "archived"). Deleting, for admins,
 * removes the room with its chat history for good (storage/room_store.h); a scheduled meeting's
 * room is not deleted (cancel the meeting). The adaptation switch is kept on the room and
 * applies to its live media at once (rooms/registry.h rooms_set_adaptation). */
#include <stdio.h>

#include "rooms/registry.h"
#include "signaling/handlers.h"
#include "signaling/room_events.h"
#include "signaling/room_json.h"
#include "storage/room_store.h"
#include "storage/user_store.h"

/* Reads room_id, loads the room and checks that s coordinates its consortium (or, with
 * admin_only, that s is an admin). Replies with the error and returns false otherwise. */
static bool load_managed_room(hub *h, session *s, json_int_t id, json_t *req, bool admin_only,
                              room_rec *room) {
  json_int_t rid = 0;
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_INT("room_id", 1, INT64_MAX, PARAM_REQUIRED, &rid), PARAM_END}))
    return false;
  moa_db *db = hub_db(h);
  int rc = room_store_get(db, rid, room);
  if (rc < 0) {
    hub_error(h, s, id, ERR_INTERNAL, "cannot read the room");
    return false;
  }
  /* Someone with no role in the consortium learns nothing about its rooms. */
  if (rc == 0 || (!s->is_admin && user_store_role_in(db, s->user_id, room->consortium_id) == ROLE_NONE)) {
    hub_error(h, s, id, ERR_NOT_FOUND, "no such room");
    return false;
  }
  if (admin_only
          ? !s->is_admin
          : !s->is_admin && user_store_role_in(db, s->user_id, room->consortium_id) != ROLE_COORDINATOR) {
    hub_error(
        h, s, id, ERR_FORBIDDEN,
        admin_only ? "only admins delete rooms" : "only the consortium's coordinators manage its rooms");
    return false;
  }
  return true;
}

static void reply_room(hub *h, session *s, json_int_t id, int64_t room_id) {
  json_t *rj = room_json_get(hub_db(h), room_id);
  if (!rj) {
    hub_error(h, s, id, ERR_INTERNAL, "cannot read the room");
    return;
  }
  hub_reply(h, s, id, rj);
}

static void set_archived(hub *h, session *s, json_int_t id, json_t *req, bool archived) {
  room_rec room;
  if (!load_managed_room(h, s, id, req, false, &room)) return;
  if (room.is_lounge) {
    hub_error(h, s, id, ERR_CONFLICT, "a consortium's lounge is always open and cannot be archived");
    return;
  }
  if (room_store_set_archived(hub_db(h), room.id, archived) < 0) {
    hub_error(h, s, id, ERR_INTERNAL, "cannot change the room");
    return;
  }
  if (archived && hub_rooms(h)) rooms_remove_all(hub_rooms(h), room.id, "archived");
  reply_room(h, s, id, room.id);
}

static void handle_room_archive(hub *h, session *s, json_int_t id, json_t *req) {
  set_archived(h, s, id, req, true);
}

static void handle_room_unarchive(hub *h, session *s, json_int_t id, json_t *req) {
  set_archived(h, s, id, req, false);
}

static void handle_room_delete(hub *h, session *s, json_int_t id, json_t *req) {
  room_rec room;
  if (!load_managed_room(h, s, id, req, true, &room)) return;
  if (room.is_lounge) {
    hub_error(h, s, id, ERR_CONFLICT, "a consortium's lounge cannot be deleted");
    return;
  }
  int rc = room_store_delete(hub_db(h), room.id);
  if (rc == ROOM_STORE_MEETING_ROOM) {
    hub_error(h, s, id, ERR_CONFLICT, "this is a scheduled meeting's room: cancel the meeting instead");
    return;
  }
  if (rc < 0) {
    hub_error(h, s, id, ERR_INTERNAL, "cannot delete the room; nothing was deleted");
    return;
  }
  if (hub_rooms(h)) rooms_remove_all(hub_rooms(h), room.id, "deleted");
  hub_reply(h, s, id, json_pack("{s:I}", "room_id", (json_int_t)room.id));
}

static void handle_room_adaptation(hub *h, session *s, json_int_t id, json_t *req) {
  bool on = true;
  if (!hub_params(h, s, id, req, (param_spec[]){PARAM_BOOL("on", PARAM_REQUIRED, &on), PARAM_END})) return;
  room_rec room;
  if (!load_managed_room(h, s, id, req, false, &room)) return;
  if (room_store_set_adaptation(hub_db(h), room.id, on) != 1) {
    hub_error(h, s, id, ERR_INTERNAL, "cannot change the room");
    return;
  }
  rooms *r = hub_rooms(h);
  live_room *lr = r ? rooms_find(r, room.id) : NULL;
  if (lr) {
    rooms_set_adaptation(r, room.id, on);
    room_events_broadcast(
        h, lr, NULL,
        protocol_event("room.adaptation", json_pack("{s:I, s:b, s:I}", "room_id", (json_int_t)room.id, "on",
                                                    on, "by", (json_int_t)s->user_id)));
  }
  hub_reply(h, s, id, json_pack("{s:I, s:b}", "room_id", (json_int_t)room.id, "adaptation", on));
}

/* The room's recording policy: a room that does not allow it refuses meeting.record start. A
 * recording under way is not stopped by the change (its hosts stop it). */
static void handle_room_recording_policy(hub *h, session *s, json_int_t id, json_t *req) {
  bool allowed = true;
  if (!hub_params(h, s, id, req, (param_spec[]){PARAM_BOOL("allowed", PARAM_REQUIRED, &allowed), PARAM_END}))
    return;
  room_rec room;
  if (!load_managed_room(h, s, id, req, false, &room)) return;
  if (room_store_set_recording_allowed(hub_db(h), room.id, allowed) != 1) {
    hub_error(h, s, id, ERR_INTERNAL, "cannot change the room");
    return;
  }
  hub_reply(h, s, id, json_pack("{s:I, s:b}", "room_id", (json_int_t)room.id, "recording_allowed", allowed));
}

const handler_def room_admin_handlers[] = {
    {"room.archive", handle_room_archive, 0},
    {"room.unarchive", handle_room_unarchive, 0},
    {"room.delete", handle_room_delete, 0},
    {"room.adaptation", handle_room_adaptation, 0},
    {"room.recording_policy", handle_room_recording_policy, 0},
    {NULL, NULL, 0},
};
