/* The live rooms in the protocol (see room_events.h): each listener callback builds its event
 * and sends it to the participants concerned through the hub. */
#include "signaling/room_events.h"

#include "rooms/layer_alloc.h"
#include "signaling/meeting_control.h"
#include "signaling/meeting_record.h"
#include "signaling/session_int.h"

/* ---- JSON ---- */

static json_t *track_json(const pub_track *t) {
  return json_pack("{s:I, s:s, s:s, s:b}", "track_id", (json_int_t)t->producer_id, "kind",
                   t->kind == MEDIA_AUDIO ? "audio" : "video", "source", t->source, "muted", t->muted);
}

json_t *room_events_participant_json(const participant *p) {
  json_t *tracks = json_array();
  for (int i = 0; i < p->npubs; i++) json_array_append_new(tracks, track_json(&p->pubs[i]));
  return json_pack("{s:I, s:I, s:s, s:s, s:b, s:b, s:o}", "participant_id", (json_int_t)p->id, "user_id",
                   (json_int_t)p->user_id, "name", p->name, "role", p->role, "hand_raised", p->hand_raised,
                   "floor", p->has_floor, "tracks", tracks);
}

json_t *room_events_tracks_json(const participant *p) {
  json_t *tracks = json_array();
  for (int i = 0; i < p->npubs; i++) {
    json_t *tj = track_json(&p->pubs[i]);
    json_object_set_new(tj, "mid", json_string(p->pubs[i].mid));
    json_array_append_new(tracks, tj);
  }
  return tracks;
}

json_t *room_events_presence_json(rooms *r, int64_t room_id) {
  json_t *arr = json_array();
  live_room *lr = rooms_find(r, room_id);
  for (participant *p = lr ? lr->members : NULL; p; p = p->next)
    json_array_append_new(arr, json_pack("{s:I, s:I, s:s}", "participant_id", (json_int_t)p->id, "user_id",
                                         (json_int_t)p->user_id, "name", p->name));
  return arr;
}

json_t *room_events_receiving_layers_json(const participant *p) {
  json_t *arr = json_array();
  for (int i = 0; i < p->nsubs; i++) {
    const sub_slot *s = &p->subs[i];
    if (!s->track.active || !s->layer.known) continue;
    json_array_append_new(
        arr,
        json_pack("{s:I, s:I, s:i, s:i, s:s, s:I}", "track_id", (json_int_t)s->producer_id, "participant_id",
                  (json_int_t)s->from_participant, "spatial", (int)s->layer.spatial, "temporal",
                  (int)s->layer.temporal, "reason", la_reason_name((la_reason)s->layer.reason),
                  "estimate_bps", (json_int_t)s->layer.estimate_bps));
  }
  return arr;
}

/* ---- sending ---- */

static void send_to(hub *h, const participant *p, json_t *event) {
  session *s = hub_find(h, p->session_id);
  if (s)
    hub_event(h, s, event);
  else
    json_decref(event);
}

void room_events_broadcast(hub *h, live_room *room, const participant *except, json_t *event) {
  for (participant *p = room->members; p; p = p->next)
    if (p != except) send_to(h, p, json_incref(event));
  json_decref(event);
}

participant *room_events_participant(hub *h, const session *s) {
  rooms *r = hub_rooms(h);
  return r ? rooms_participant_of(r, s->room_id, s->participant_id, s->id) : NULL;
}

void room_events_session_closed(hub *h, session *s) {
  rooms *r = hub_rooms(h);
  if (!r) return;
  participant *p = room_events_participant(h, s);
  if (p) rooms_leave(r, p, NULL);
  meeting_control_leave_lobby(r, h, s);
}

/* ---- the listener ---- */

static bool on_session_open(void *ctx, uint64_t session_id) { return hub_find(ctx, session_id) != NULL; }

static void on_participant_joined(void *ctx, participant *p) {
  hub *h = ctx;
  session *s = hub_find(h, p->session_id);
  if (s) meeting_control_on_join(hub_rooms(h), h, s, p);
  room_events_broadcast(
      h, p->room, NULL,
      protocol_event("room.participant_joined", json_pack("{s:I, s:o}", "room_id", (json_int_t)p->room->id,
                                                          "participant", room_events_participant_json(p))));
}

static void on_participant_leaving(void *ctx, participant *p) {
  hub *h = ctx;
  meeting_control_on_leave(hub_rooms(h), h, p);
  if (p->room->count == 1 && p->room->recording_id) meeting_record_room_empty(hub_rooms(h), h, p->room);
}

static void on_participant_removed(void *ctx, live_room *lr, const participant *p, const char *reason) {
  hub *h = ctx;
  session *s = hub_find(h, p->session_id);
  if (s && s->participant_id == p->id) {
    s->room_id = 0;
    s->participant_id = 0;
    if (reason)
      hub_event(h, s,
                protocol_event("room.left",
                               json_pack("{s:I, s:s}", "room_id", (json_int_t)lr->id, "reason", reason)));
  }
  room_events_broadcast(
      h, lr, NULL,
      protocol_event("room.participant_left",
                     json_pack("{s:I, s:I, s:I}", "room_id", (json_int_t)lr->id, "participant_id",
                               (json_int_t)p->id, "user_id", (json_int_t)p->user_id)));
}

static void on_track_published(void *ctx, const participant *p, const pub_track *t) {
  room_events_broadcast(
      ctx, p->room, p,
      protocol_event("room.track_published",
                     json_pack("{s:I, s:I, s:o}", "room_id", (json_int_t)p->room->id, "participant_id",
                               (json_int_t)p->id, "track", track_json(t))));
}

static void on_track_unpublished(void *ctx, const participant *p, uint32_t track_id) {
  room_events_broadcast(
      ctx, p->room, p,
      protocol_event("room.track_unpublished",
                     json_pack("{s:I, s:I, s:I}", "room_id", (json_int_t)p->room->id, "participant_id",
                               (json_int_t)p->id, "track_id", (json_int_t)track_id)));
}

static void on_track_muted(void *ctx, const participant *p, const pub_track *t) {
  room_events_broadcast(
      ctx, p->room, NULL,
      protocol_event("room.track_muted",
                     json_pack("{s:I, s:I, s:I, s:s, s:b}", "room_id", (json_int_t)p->room->id,
                               "participant_id", (json_int_t)p->id, "track_id", (json_int_t)t->producer_id,
                               "source", t->source, "muted", t->muted)));
}

static void on_subscribe_offer(void *ctx, const participant *p, const char *sdp) {
  json_t *list = json_array();
  for (int i = 0; i < p->nsubs; i++) {
    const sub_slot *s = &p->subs[i];
    if (s->track.active)
      json_array_append_new(
          list, json_pack("{s:s, s:I, s:I, s:s, s:s}", "mid", s->track.mid, "track_id",
                          (json_int_t)s->producer_id, "participant_id", (json_int_t)s->from_participant,
                          "kind", s->track.kind == SDP_KIND_AUDIO ? "audio" : "video", "source", s->source));
  }
  send_to(ctx, p,
          protocol_event("media.offer", json_pack("{s:I, s:s, s:o}", "room_id", (json_int_t)p->room->id,
                                                  "sdp", sdp, "tracks", list)));
}

static void on_media_connected(void *ctx, const participant *p, bool publish) {
  send_to(ctx, p,
          protocol_event("media.connected", json_pack("{s:I, s:s}", "room_id", (json_int_t)p->room->id,
                                                      "direction", publish ? "publish" : "subscribe")));
}

static void on_active_speaker(void *ctx, const participant *p) {
  room_events_broadcast(
      ctx, p->room, NULL,
      protocol_event("room.active_speaker", json_pack("{s:I, s:I}", "room_id", (json_int_t)p->room->id,
                                                      "participant_id", (json_int_t)p->id)));
}

static void on_record_event(void *ctx, const media_event *ev) { meeting_record_on_media_event(ctx, ev); }

rooms_listener room_events_listener(hub *h) {
  return (rooms_listener){.ctx = h,
                          .session_open = on_session_open,
                          .participant_joined = on_participant_joined,
                          .participant_leaving = on_participant_leaving,
                          .participant_removed = on_participant_removed,
                          .track_published = on_track_published,
                          .track_unpublished = on_track_unpublished,
                          .track_muted = on_track_muted,
                          .subscribe_offer = on_subscribe_offer,
                          .media_connected = on_media_connected,
                          .active_speaker = on_active_speaker,
                          .record_event = on_record_event};
}
