/* media.publish, media.answer, media.mute, media.unpublish, media.restart_ice: negotiation of a
 * participant's two PeerConnections (see rooms/registry.h); media.path: which ICE path the
 * browser selected (for /metrics and room.stats); media.view: how the client shows each video
 * track it receives (tile size, pinned), for the layer allocator. All require being in a room. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rooms/registry.h"
#include "signaling/handlers.h"
#include "signaling/meeting_control.h"
#include "signaling/room_events.h"

#define SDP_TEXT_MAX 60000

static participant *in_room(hub *h, session *s, json_int_t id) {
  participant *p = room_events_participant(h, s);
  if (!p) hub_error(h, s, id, ERR_CONFLICT, "join a room first (room.join)");
  return p;
}

static void handle_media_publish(hub *h, session *s, json_int_t id, json_t *req) {
  const char *sdp;
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_STRING("sdp", 10, SDP_TEXT_MAX, PARAM_REQUIRED, &sdp), PARAM_END}))
    return;
  json_t *sources = json_object_get(req, "tracks");
  if (sources && !json_is_array(sources)) {
    hub_error(h, s, id, ERR_INVALID_PARAMS, "\"tracks\" must be an array of {mid, source}");
    return;
  }
  participant *p = in_room(h, s, id);
  if (!p) return;
  mc_result refused;
  if (!meeting_control_may_publish(h, p, &refused)) {
    hub_error(h, s, id, refused.code, refused.message);
    return;
  }
  size_t nsources = json_array_size(sources);
  rooms_source *named = nsources ? calloc(nsources, sizeof *named) : NULL;
  if (nsources && !named) {
    hub_error(h, s, id, ERR_INTERNAL, "out of memory");
    return;
  }
  for (size_t i = 0; i < nsources; i++) {
    json_t *t = json_array_get(sources, i);
    named[i].mid = json_string_value(json_object_get(t, "mid"));
    named[i].source = json_string_value(json_object_get(t, "source"));
  }
  char why[200];
  char *answer = rooms_publish(hub_rooms(h), p, sdp, named, nsources, why, sizeof why);
  free(named);
  if (!answer) {
    hub_error(h, s, id, ERR_INVALID_PARAMS, why);
    return;
  }
  json_t *tracks = room_events_tracks_json(p);       /* as published, before a host's mute below */
  meeting_control_after_publish(hub_rooms(h), h, p); /* a host's mute holds for new tracks */
  hub_reply(h, s, id, json_pack("{s:s, s:o}", "sdp", answer, "tracks", tracks));
  free(answer);
}

static void handle_media_answer(hub *h, session *s, json_int_t id, json_t *req) {
  const char *sdp;
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_STRING("sdp", 10, SDP_TEXT_MAX, PARAM_REQUIRED, &sdp), PARAM_END}))
    return;
  participant *p = in_room(h, s, id);
  if (!p) return;
  char why[200];
  if (rooms_answer(hub_rooms(h), p, sdp, why, sizeof why) != 0) {
    hub_error(h, s, id, ERR_INVALID_PARAMS, why);
    return;
  }
  hub_reply(h, s, id, NULL);
}

static void handle_media_mute(hub *h, session *s, json_int_t id, json_t *req) {
  json_int_t track = 0;
  bool muted = false;
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_INT("track_id", 1, UINT32_MAX, PARAM_REQUIRED, &track),
                                 PARAM_BOOL("muted", PARAM_REQUIRED, &muted), PARAM_END}))
    return;
  participant *p = in_room(h, s, id);
  if (!p) return;
  mc_result refused;
  if (!muted && !meeting_control_may_unmute(p, (uint32_t)track, &refused)) {
    hub_error(h, s, id, refused.code, refused.message);
    return;
  }
  if (rooms_mute(hub_rooms(h), p, (uint32_t)track, muted) != 0) {
    hub_error(h, s, id, ERR_NOT_FOUND, "you publish no track with that id");
    return;
  }
  hub_reply(h, s, id, json_pack("{s:I, s:b}", "track_id", track, "muted", muted));
}

static void handle_media_unpublish(hub *h, session *s, json_int_t id, json_t *req) {
  json_int_t track = 0;
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_INT("track_id", 1, UINT32_MAX, PARAM_REQUIRED, &track), PARAM_END}))
    return;
  participant *p = in_room(h, s, id);
  if (!p) return;
  if (rooms_unpublish(hub_rooms(h), p, (uint32_t)track) != 0) {
    hub_error(h, s, id, ERR_NOT_FOUND, "you publish no track with that id");
    return;
  }
  hub_reply(h, s, id, NULL);
}

static void handle_media_restart_ice(hub *h, session *s, json_int_t id, json_t *req) {
  (void)req;
  participant *p = in_room(h, s, id);
  if (!p) return;
  hub_reply(h, s, id, NULL);
  rooms_restart_subscribe_ice(hub_rooms(h), p);
}

static const char *const path_types[] = {"host", "srflx", "prflx", "relay"};
static const char *const path_protocols[] = {"udp", "tcp", "tls"};

static int index_of(const char *v, const char *const *list, int n) {
  for (int i = 0; i < n; i++)
    if (v && strcmp(v, list[i]) == 0) return i;
  return -1;
}

json_t *media_path_json(const participant *p) {
  if (!p->path_type) return json_null();
  bool relay = p->path_type == 4;
  json_t *o =
      json_pack("{s:s, s:s, s:s}", "type", relay ? "relay" : "host", "candidate_type",
                path_types[p->path_type - 1], "protocol", relay ? "udp" : path_protocols[p->path_protocol]);
  if (relay) json_object_set_new(o, "relay_protocol", json_string(path_protocols[p->path_protocol]));
  return o;
}

/* The browser's selected candidate pair, from getStats: its local candidate's type and protocol
 * and, for a relay, relayProtocol (how it reaches the TURN server). Counted in
 * moa_ice_selected_total when the participant's path is new or changed, by the server's side of
 * the pair: every direct path (the browser's candidate host, srflx or prflx: Chromium's active
 * TCP candidates always come out prflx, their port learnt from the server's answer) ends at the
 * server's host candidate (type "host"); a TURN path comes from the relay (type "relay"). */
static void handle_media_path(hub *h, session *s, json_int_t id, json_t *req) {
  const char *type, *protocol, *relay = NULL, *pc = NULL;
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_STRING("candidate_type", 1, 16, PARAM_REQUIRED, &type),
                                 PARAM_STRING("protocol", 1, 16, PARAM_REQUIRED, &protocol),
                                 PARAM_STRING("relay_protocol", 1, 16, PARAM_OPTIONAL, &relay),
                                 PARAM_STRING("pc", 1, 16, PARAM_OPTIONAL, &pc), PARAM_END}))
    return;
  int t = index_of(type, path_types, 4), pr = index_of(protocol, path_protocols, 2);
  int rp = index_of(relay, path_protocols, 3);
  if (t < 0) {
    hub_error(h, s, id, ERR_INVALID_PARAMS, "\"candidate_type\" must be host, srflx, prflx or relay");
    return;
  }
  if (pr < 0) {
    hub_error(h, s, id, ERR_INVALID_PARAMS, "\"protocol\" must be udp or tcp");
    return;
  }
  if ((t == 3) != (relay != NULL) || (relay && rp < 0)) {
    hub_error(h, s, id, ERR_INVALID_PARAMS,
              "\"relay_protocol\" (udp, tcp or tls) goes with candidate_type relay, and only with it");
    return;
  }
  if (pc && strcmp(pc, "publish") != 0 && strcmp(pc, "subscribe") != 0) {
    hub_error(h, s, id, ERR_INVALID_PARAMS, "\"pc\" must be publish or subscribe");
    return;
  }
  participant *p = in_room(h, s, id);
  if (!p) return;
  uint8_t label = (uint8_t)(t == 3 ? rp : pr);
  if (p->path_type != t + 1 || p->path_protocol != label) {
    p->path_type = (uint8_t)(t + 1);
    p->path_protocol = label;
    hub_get_counters(h)->ice_selected[t == 3][label]++;
  }
  hub_reply(h, s, id, NULL);
}

#define VIEW_MAX_ENTRIES 64
#define VIEW_MAX_PIXELS 16384

/* How the client shows each video track it receives: views [{track_id, width, height, pinned?}],
 * the tile's size in device pixels (CSS pixels x devicePixelRatio, 0 x 0 for a track not on
 * screen), for the layer allocator. Every entry is checked before any is applied: a bad one
 * refuses the whole message. */
static void handle_media_view(hub *h, session *s, json_int_t id, json_t *req) {
  json_t *views = json_object_get(req, "views");
  if (!json_is_array(views) || json_array_size(views) == 0) {
    hub_error(h, s, id, ERR_INVALID_PARAMS,
              "\"views\" must be a non-empty array of {track_id, width, height, pinned}");
    return;
  }
  if (json_array_size(views) > VIEW_MAX_ENTRIES) {
    hub_error(h, s, id, ERR_INVALID_PARAMS, "\"views\" has more than 64 entries");
    return;
  }
  participant *p = in_room(h, s, id);
  if (!p) return;
  struct {
    uint32_t track;
    uint16_t w, h;
    bool pinned;
  } v[VIEW_MAX_ENTRIES];
  size_t n = json_array_size(views);
  for (size_t i = 0; i < n; i++) {
    json_t *e = json_array_get(views, i);
    protocol_error err;
    json_int_t track = 0, w = 0, ht = 0;
    bool pinned = false;
    char msg[240];
    if (!json_is_object(e)) {
      snprintf(msg, sizeof msg, "views[%zu] must be an object {track_id, width, height, pinned}", i);
      hub_error(h, s, id, ERR_INVALID_PARAMS, msg);
      return;
    }
    if (!params_check(e,
                      (param_spec[]){PARAM_INT("track_id", 1, UINT32_MAX, PARAM_REQUIRED, &track),
                                     PARAM_INT("width", 0, VIEW_MAX_PIXELS, PARAM_REQUIRED, &w),
                                     PARAM_INT("height", 0, VIEW_MAX_PIXELS, PARAM_REQUIRED, &ht),
                                     PARAM_BOOL("pinned", PARAM_OPTIONAL, &pinned), PARAM_END},
                      &err)) {
      snprintf(msg, sizeof msg, "views[%zu]: %s", i, err.message);
      hub_error(h, s, id, err.code, msg);
      return;
    }
    if (!rooms_received_video(p, (uint32_t)track)) {
      snprintf(msg, sizeof msg, "views[%zu]: you receive no video track %lld", i, (long long)track);
      hub_error(h, s, id, ERR_INVALID_PARAMS, msg);
      return;
    }
    v[i].track = (uint32_t)track;
    v[i].w = (uint16_t)w;
    v[i].h = (uint16_t)ht;
    v[i].pinned = pinned;
  }
  for (size_t i = 0; i < n; i++) rooms_view(hub_rooms(h), p, v[i].track, v[i].w, v[i].h, v[i].pinned);
  hub_reply(h, s, id, NULL);
}

const handler_def media_handlers[] = {
    {"media.answer", handle_media_answer, HANDLER_GUEST},
    {"media.mute", handle_media_mute, HANDLER_GUEST},
    {"media.path", handle_media_path, HANDLER_GUEST},
    {"media.publish", handle_media_publish, HANDLER_GUEST},
    {"media.restart_ice", handle_media_restart_ice, HANDLER_GUEST},
    {"media.unpublish", handle_media_unpublish, HANDLER_GUEST},
    {"media.view", handle_media_view, HANDLER_GUEST},
    {NULL, NULL, 0},
};
