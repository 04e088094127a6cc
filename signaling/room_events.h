/* The live rooms in the protocol: the rooms_listener (rooms/registry.h) the hub gives its room
 * registry, which turns what the registry reports (participant joined or removed, track
 * published, a subscribe offer, ...) into the events of docs/PROTOCOL.md (room.*, media.offer,
 * media.connected) and sends them through the hub; and the JSON shapes of a live room's
 * participants that replies carry. The registry itself speaks C only. Signaling thread only. */
#ifndef MOA_SIGNALING_ROOM_EVENTS_H
#define MOA_SIGNALING_ROOM_EVENTS_H

#include <jansson.h>

#include "rooms/registry.h"
#include "signaling/hub.h"

/* The listener the hub's registry reports to (ctx is h). */
rooms_listener room_events_listener(hub *h);

/* The participant of session s in the hub's registry; NULL when s is in no room or the hub has
 * no media. */
participant *room_events_participant(hub *h, const session *s);
/* Session s's connection closed: its participant leaves its room (the others are told) and it
 * stops waiting in any lobby. Nothing happens without media. */
void room_events_session_closed(hub *h, session *s);

/* Sends event (stolen) to every participant of room except `except` (may be NULL). */
void room_events_broadcast(hub *h, live_room *room, const participant *except, json_t *event);

/* JSON of a participant: {participant_id, user_id, name, role, hand_raised, floor,
 * tracks: [{track_id, kind, source, muted}]} (new reference). */
json_t *room_events_participant_json(const participant *p);
/* p's published tracks as media.publish answers them: [{track_id, kind, source, muted, mid}]
 * (new reference). */
json_t *room_events_tracks_json(const participant *p);
/* [{participant_id, user_id, name}] of a live room (empty array when not live; new reference). */
json_t *room_events_presence_json(rooms *r, int64_t room_id);
/* p's receiving_layers for room.stats: [{track_id, participant_id, spatial, temporal, reason,
 * estimate_bps}] for each active subscription the worker reported on (new reference). */
json_t *room_events_receiving_layers_json(const participant *p);

#endif
