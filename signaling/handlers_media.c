/* media.publish, media.answer, media.mute, media.unpublish, media.restart_ice: negotiation of a
 * participant's two PeerConnections (see rooms/registry.h); media.path: which ICE path the
 * browser selected (for /metrics and room.stats). All require being in a room. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rooms/meeting_control.h"
#include "rooms/registry.h"
#include "signaling/handlers.h"

#define SDP_TEXT_MAX 60000

static participant *in_room(hub *h, session *s, json_int_t id) {
  participant *p = hub_rooms(h) ? rooms_participant_of(hub_rooms(h), s) : NULL;
  if (!p) hub_error(h, s, id, ERR_CONFLICT, "join a room first (room.join)");
  return p;
}

static void handle_media_publish(hub *h, session *s, json_int_t id, json_t *req) {
  protocol_error err;
  const char *sdp;
  if (!param_string(req, "sdp", 10, SDP_TEXT_MAX, true, &sdp, &err)) {
    hub_error(h, s, id, err.code, err.message);
    return;
  }
  json_t *sources = json_object_get(req, "tracks");
  if (sources && !json_is_array(sources)) {
    hub_error(h, s, id, ERR_INVALID_PARAMS, "\"tracks\" must be an array of {mid, source}");
    return;
  }
  participant *p = in_room(h, s, id);
  if (!p) return;
  mc_result refused;
  if (!meeting_control_may_publish(hub_rooms(h), p, &refused)) {
    hub_error(h, s, id, refused.code, refused.message);
    return;
  }
  char why[200];
  json_t *tracks = NULL;
  char *answer = rooms_publish(hub_rooms(h), h, p, sdp, sources, &tracks, why, sizeof why);
  if (!answer) {
    hub_error(h, s, id, ERR_INVALID_PARAMS, why);
    return;
  }
  meeting_control_after_publish(hub_rooms(h), h, p); /* a host's mute holds for new tracks */
  hub_reply(h, s, id, json_pack("{s:s, s:o}", "sdp", answer, "tracks", tracks));
  free(answer);
}

static void handle_media_answer(hub *h, session *s, json_int_t id, json_t *req) {
  protocol_error err;
  const char *sdp;
  if (!param_string(req, "sdp", 10, SDP_TEXT_MAX, true, &sdp, &err)) {
    hub_error(h, s, id, err.code, err.message);
    return;
  }
  participant *p = in_room(h, s, id);
  if (!p) return;
  char why[200];
  if (rooms_answer(hub_rooms(h), h, p, sdp, why, sizeof why) != 0) {
    hub_error(h, s, id, ERR_INVALID_PARAMS, why);
    return;
  }
  hub_reply(h, s, id, NULL);
}

static void handle_media_mute(hub *h, session *s, json_int_t id, json_t *req) {
  protocol_error err;
  json_int_t track = 0;
  bool muted = false;
  if (!param_int(req, "track_id", 1, UINT32_MAX, true, &track, &err) ||
      !param_bool(req, "muted", true, &muted, &err)) {
    hub_error(h, s, id, err.code, err.message);
    return;
  }
  participant *p = in_room(h, s, id);
  if (!p) return;
  mc_result refused;
  if (!muted && !meeting_control_may_unmute(p, (uint32_t)track, &refused)) {
    hub_error(h, s, id, refused.code, refused.message);
    return;
  }
  if (rooms_mute(hub_rooms(h), h, p, (uint32_t)track, muted) != 0) {
    hub_error(h, s, id, ERR_NOT_FOUND, "you publish no track with that id");
    return;
  }
  hub_reply(h, s, id, json_pack("{s:I, s:b}", "track_id", track, "muted", muted));
}

static void handle_media_unpublish(hub *h, session *s, json_int_t id, json_t *req) {
  protocol_error err;
  json_int_t track = 0;
  if (!param_int(req, "track_id", 1, UINT32_MAX, true, &track, &err)) {
    hub_error(h, s, id, err.code, err.message);
    return;
  }
  participant *p = in_room(h, s, id);
  if (!p) return;
  if (rooms_unpublish(hub_rooms(h), h, p, (uint32_t)track) != 0) {
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
  rooms_restart_subscribe_ice(hub_rooms(h), h, p);
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
  protocol_error err;
  const char *type, *protocol, *relay = NULL, *pc = NULL;
  if (!param_string(req, "candidate_type", 1, 16, true, &type, &err) ||
      !param_string(req, "protocol", 1, 16, true, &protocol, &err) ||
      !param_string(req, "relay_protocol", 1, 16, false, &relay, &err) ||
      !param_string(req, "pc", 1, 16, false, &pc, &err)) {
    hub_error(h, s, id, err.code, err.message);
    return;
  }
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

const handler_def media_handlers[] = {
    {"media.answer", handle_media_answer, 0},
    {"media.mute", handle_media_mute, 0},
    {"media.path", handle_media_path, 0},
    {"media.publish", handle_media_publish, 0},
    {"media.restart_ice", handle_media_restart_ice, 0},
    {"media.unpublish", handle_media_unpublish, 0},
    {NULL, NULL, 0},
};
