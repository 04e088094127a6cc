/* room.list, room.create, room.join, room.leave.
 *
 * Who may do what: rooms of a consortium are listed to, created by and entered by users with a
 * role in it (and admins); invited-only rooms also admit their invitees (room_store_can_join).
 * The server enforces it here: a client that hides a button changes nothing. */
#include <stdio.h>
#include <string.h>

#include "rooms/registry.h"
#include "rooms/rooms_media.h"
#include "signaling/handlers.h"
#include "signaling/ice_servers.h"
#include "signaling/meeting_control.h"
#include "signaling/meeting_record.h"
#include "signaling/room_events.h"
#include "signaling/room_json.h"
#include "storage/chat_store.h"
#include "storage/consortium_store.h"
#include "storage/room_store.h"
#include "storage/user_store.h"

static bool may_see_consortium(hub *h, session *s, int64_t cid) {
  return s->is_admin || user_store_role_in(hub_db(h), s->user_id, cid) != ROLE_NONE;
}

typedef struct room_list_ctx {
  hub *h;
  json_t *rooms;
} room_list_ctx;

/* A room of room.list: the room object with who is in it now. */
static int add_room(void *ctx, const room_view *room) {
  room_list_ctx *list = ctx;
  json_t *rj = room_json(room);
  if (rj) {
    json_object_set_new(
        rj, "participants",
        hub_rooms(list->h) ? room_events_presence_json(hub_rooms(list->h), room->rec.id) : json_array());
    json_array_append_new(list->rooms, rj);
  }
  return 0;
}

static void handle_room_list(hub *h, session *s, json_int_t id, json_t *req) {
  json_int_t cid = 0;
  bool include_archived = false;
  if (!hub_params(
          h, s, id, req,
          (param_spec[]){PARAM_INT("consortium_id", 1, INT32_MAX, PARAM_REQUIRED, &cid),
                         PARAM_BOOL("include_archived", PARAM_OPTIONAL, &include_archived), PARAM_END}))
    return;
  moa_db *db = hub_db(h);
  if (consortium_store_exists(db, cid) != 1) {
    hub_error(h, s, id, ERR_NOT_FOUND, "no such consortium");
    return;
  }
  /* A company account outside the consortium (self sign-up) sees none of its rooms, not even an
   * empty list: until a coordinator adds its organization, the consortium is closed to it. */
  user_rec u;
  if (!s->is_admin && user_store_role_in(db, s->user_id, cid) == ROLE_NONE &&
      user_store_find_by_id(db, s->user_id, &u) == 1 && u.company) {
    hub_error(h, s, id, ERR_FORBIDDEN,
              "your organization is not a member of this consortium; its coordinators can add it");
    return;
  }
  room_store_ensure_lounges(db);
  room_list_ctx list = {h, json_array()};
  if (!list.rooms ||
      room_store_list(db, cid, s->user_id, s->is_admin, include_archived, add_room, &list) != 0) {
    json_decref(list.rooms);
    hub_error(h, s, id, ERR_INTERNAL, "cannot read rooms");
    return;
  }
  hub_reply(h, s, id, json_pack("{s:I, s:o}", "consortium_id", cid, "rooms", list.rooms));
}

static void handle_room_create(hub *h, session *s, json_int_t id, json_t *req) {
  json_int_t cid = 0;
  const char *name, *description = "", *visibility = "consortium";
  if (!hub_params(
          h, s, id, req,
          (param_spec[]){PARAM_INT("consortium_id", 1, INT32_MAX, PARAM_REQUIRED, &cid),
                         PARAM_STRING("name", 1, ROOM_NAME_MAX * 4, PARAM_REQUIRED, &name),
                         PARAM_STRING("description", 0, ROOM_DESCRIPTION_MAX, PARAM_OPTIONAL, &description),
                         PARAM_STRING("visibility", 1, 16, PARAM_OPTIONAL, &visibility), PARAM_END}))
    return;
  if (!description) description = "";
  if (!visibility) visibility = "consortium";
  bool invited_only = false;
  if (!strcmp(visibility, "invited"))
    invited_only = true;
  else if (strcmp(visibility, "consortium") != 0) {
    hub_error(h, s, id, ERR_INVALID_PARAMS, "\"visibility\" must be \"consortium\" or \"invited\"");
    return;
  }
  json_t *invitees = json_object_get(req, "invitees");
  if (invitees && !json_is_array(invitees) && !json_is_null(invitees)) {
    hub_error(h, s, id, ERR_INVALID_PARAMS, "\"invitees\" must be an array of user ids");
    return;
  }
  moa_db *db = hub_db(h);
  if (consortium_store_exists(db, cid) != 1) {
    hub_error(h, s, id, ERR_NOT_FOUND, "no such consortium");
    return;
  }
  if (!may_see_consortium(h, s, cid)) {
    hub_error(h, s, id, ERR_FORBIDDEN, "only members of this consortium can open rooms in it");
    return;
  }
  size_t ninv = json_is_array(invitees) ? json_array_size(invitees) : 0;
  char why[160];
  if (ninv > ROOM_INVITEES_MAX) {
    snprintf(why, sizeof why, "invitees must be an array of at most %d user ids", ROOM_INVITEES_MAX);
    hub_error(h, s, id, ERR_INVALID_PARAMS, why);
    return;
  }
  int64_t inv[ROOM_INVITEES_MAX];
  for (size_t i = 0; i < ninv; i++) {
    json_t *v = json_array_get(invitees, i);
    if (!json_is_integer(v)) {
      snprintf(why, sizeof why, "invitees[%zu] is not a user id", i);
      hub_error(h, s, id, ERR_INVALID_PARAMS, why);
      return;
    }
    inv[i] = json_integer_value(v);
  }
  int64_t rid = 0;
  store_status st = room_store_create(db, cid, name, description, invited_only, s->user_id, inv, ninv, &rid,
                                      why, sizeof why);
  if (st != STORE_OK) {
    hub_error(h, s, id, protocol_store_error(st), why);
    return;
  }
  json_t *room = room_json_get(db, rid);
  json_object_set_new(room, "participants", json_array());
  hub_reply(h, s, id, room);
}

json_t *room_enter(hub *h, session *s, const room_rec *room, participant **out, const char **code,
                   const char **message) {
  rooms *r = hub_rooms(h);
  moa_db *db = hub_db(h);
  if (room->archived) { /* checked again here: a lobby admission may come after room.archive */
    *code = ERR_ARCHIVED;
    *message = "this room is archived";
    return NULL;
  }
  user_rec u;
  if (user_store_find_by_id(db, s->user_id, &u) != 1) {
    *code = ERR_INTERNAL;
    *message = "cannot read your profile";
    return NULL;
  }
  int64_t conv = 0;
  if (chat_store_room(db, room->id, room->consortium_id, room->name, &conv) == CHAT_STORE_OK) {
    int64_t me = s->user_id;
    chat_store_add_members(db, conv, &me, 1);
  }
  participant *old = room_events_participant(h, s); /* out of any room it was in */
  if (old) rooms_leave(r, old, NULL);
  participant *p = rooms_join(r, s->id, s->user_id, room->id, room->consortium_id, u.name, conv, db_now(db));
  if (!p) {
    *code = ERR_BUSY;
    *message = "the media server is full; try again later";
    return NULL;
  }
  s->room_id = room->id;
  s->participant_id = p->id;
  rooms_set_adaptation(r, room->id, room->adaptation);
  json_t *others = json_array();
  for (participant *q = p->room->members; q; q = q->next)
    if (q != p) json_array_append_new(others, room_events_participant_json(q));
  json_t *rj = room_json_get(db, room->id);
  json_t *result = json_pack("{s:o, s:{s:I, s:s}, s:o, s:I}", "room", rj ? rj : json_null(), "self",
                             "participant_id", (json_int_t)p->id, "name", p->name, "participants", others,
                             "conversation_id", (json_int_t)conv);
  json_object_update_new(result, meeting_control_join_info(r, h, p));
  json_object_set_new(result, "recording", meeting_record_state_json(room->id, p->room));
  /* TURN servers with credentials for this user and meeting, and where media goes */
  const ice_servers_options *ice = &hub_config(h)->ice;
  json_object_set_new(result, "ice_servers",
                      ice_servers_json(ice, s->user_id, ice_servers_lifetime(db, ice, room->id)));
  const rooms_media *media = hub_media(h);
  int tcp_port = media ? media->worker_tcp_port(media->ctx, p->room->worker) : 0;
  json_object_set_new(result, "media_ports",
                      ice_servers_ports_json(ice, media ? media->announce_ip(media->ctx) : NULL,
                                             media ? media->worker_port(media->ctx, p->room->worker) : 0,
                                             tcp_port > 0 ? tcp_port : 0));
  *out = p;
  return result;
}

static void handle_room_join(hub *h, session *s, json_int_t id, json_t *req) {
  json_int_t rid = 0;
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_INT("room_id", 1, INT64_MAX, PARAM_REQUIRED, &rid), PARAM_END}))
    return;
  rooms *r = hub_rooms(h);
  if (!r) {
    hub_error(h, s, id, ERR_BUSY, "media is not available on this server");
    return;
  }
  moa_db *db = hub_db(h);
  room_rec room;
  if (room_store_get(db, rid, &room) != 1) {
    hub_error(h, s, id, ERR_NOT_FOUND, "no such room");
    return;
  }
  if (room.archived && room_store_can_join(db, &room, s->user_id, s->is_admin)) {
    hub_error(h, s, id, ERR_ARCHIVED, "this room is archived");
    return;
  }
  /* Invitation, removal, lock, end, guest scope and lobby: signaling/meeting_control.h. */
  mc_result why;
  json_t *waiting = NULL;
  mc_verdict v = meeting_control_check(r, h, s, &room, NULL, &waiting, &why);
  if (v == MC_REFUSE) {
    hub_error(h, s, id, why.code, why.message);
    return;
  }
  if (v == MC_WAIT) {
    hub_reply(h, s, id, waiting);
    return;
  }
  participant *p = NULL;
  const char *code, *message;
  json_t *result = room_enter(h, s, &room, &p, &code, &message);
  if (!result) {
    hub_error(h, s, id, code, message);
    return;
  }
  hub_reply(h, s, id, result);
  rooms_send_initial_offer(r, p);
  meeting_control_after_join(r, h, p);
}

static void handle_room_leave(hub *h, session *s, json_int_t id, json_t *req) {
  (void)req;
  participant *p = room_events_participant(h, s);
  if (!p && hub_rooms(h) && meeting_control_leave_lobby(hub_rooms(h), h, s)) {
    hub_reply(h, s, id, NULL); /* stopped waiting in a lobby */
    return;
  }
  if (!p) {
    hub_error(h, s, id, ERR_CONFLICT, "you are not in a room");
    return;
  }
  rooms_leave(hub_rooms(h), p, NULL);
  hub_reply(h, s, id, NULL);
}

/* The coordinator's view of a live room: who is in it, what each sends and receives, and the
 * counters of the media worker the room runs on (worker-wide: rooms share a worker). */
/* room.stats's worker: one media worker's counters, {worker, rooms, peers, producers, consumers,
 * packets_in, packets_out, bytes_in, bytes_out, nacks_received, nacks_sent, retransmitted,
 * rtx_received, plis_sent, paced, pacer_dropped, dropped}; NULL for a bad index. */
static json_t *worker_stats_json(const rooms_media *media, int w) {
  media_worker_counters st;
  if (!media || !media->worker_stats(media->ctx, w, &st)) return NULL;
#define I(v) (json_int_t)(v)
  return json_pack("{s:i, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
                   "worker", w, "rooms", I(st.rooms), "peers", I(st.peers), "producers", I(st.producers),
                   "consumers", I(st.consumers), "packets_in", I(st.packets_in), "packets_out",
                   I(st.packets_out), "bytes_in", I(st.bytes_in), "bytes_out", I(st.bytes_out),
                   "nacks_received", I(st.nacks_received), "nacks_sent", I(st.nacks_sent), "retransmitted",
                   I(st.retransmitted), "rtx_received", I(st.rtx_received), "plis_sent", I(st.plis_sent),
                   "paced", I(st.paced), "pacer_dropped", I(st.pacer_dropped), "dropped", I(st.dropped));
#undef I
}

static void handle_room_stats(hub *h, session *s, json_int_t id, json_t *req) {
  json_int_t rid = 0;
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_INT("room_id", 1, INT64_MAX, PARAM_REQUIRED, &rid), PARAM_END}))
    return;
  moa_db *db = hub_db(h);
  room_rec room;
  if (room_store_get(db, rid, &room) != 1) {
    hub_error(h, s, id, ERR_NOT_FOUND, "no such room");
    return;
  }
  if (!s->is_admin && user_store_role_in(db, s->user_id, room.consortium_id) != ROLE_COORDINATOR) {
    hub_error(h, s, id, ERR_FORBIDDEN, "room statistics are for the consortium's coordinators");
    return;
  }
  live_room *lr = hub_rooms(h) ? rooms_find(hub_rooms(h), rid) : NULL;
  json_t *people = json_array();
  for (participant *p = lr ? lr->members : NULL; p; p = p->next) {
    int receiving = 0;
    for (int i = 0; i < p->nsubs; i++) receiving += p->subs[i].track.active;
    json_t *pj = room_events_participant_json(p);
    json_object_set_new(pj, "joined_at", json_integer(p->joined_at));
    json_object_set_new(pj, "receiving", json_integer(receiving));
    json_object_set_new(pj, "path", media_path_json(p));
    json_object_set_new(pj, "estimate_bps", json_integer(p->estimate_bps));
    json_object_set_new(pj, "receiving_layers", room_events_receiving_layers_json(p));
    json_array_append_new(people, pj);
  }
  json_t *worker = lr ? worker_stats_json(hub_media(h), lr->worker) : json_null();
  hub_reply(h, s, id,
            json_pack("{s:I, s:b, s:b, s:o, s:o}", "room_id", rid, "live", lr != NULL, "adaptation",
                      room.adaptation, "participants", people, "worker", worker ? worker : json_null()));
}

const handler_def room_handlers[] = {
    {"room.stats", handle_room_stats, 0},
    {"room.create", handle_room_create, 0},
    {"room.join", handle_room_join, HANDLER_GUEST},
    {"room.leave", handle_room_leave, HANDLER_GUEST},
    {"room.list", handle_room_list, 0},
    {NULL, NULL, 0},
};
