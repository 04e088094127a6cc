/* Live rooms on the signaling thread: who is in which room right now, what each participant
 * publishes, and what each receives (its subscribe PeerConnection's m-sections, in a stable
 * order). It drives the media workers with media_cmd messages through the rooms_media it was
 * made with (rooms/rooms_media.h) and reports what happened through the rooms_listener it was
 * made with (participant joined or removed, track published, a subscribe offer to send, ...):
 * signaling/room_events.c turns those into the protocol's events.
 * The registry speaks C only: ids, participants and SDP text. Signaling thread only.
 *
 * Negotiation: the publish PeerConnection is offered by the browser (media.publish, answered at
 * once); the subscribe PeerConnection is offered by the server. One subscribe offer is
 * outstanding at a time per participant; changes meanwhile are folded into the next offer,
 * made when the answer arrives (no glare, no lost change). */
#ifndef MOA_ROOMS_REGISTRY_H
#define MOA_ROOMS_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gateway/rtc/sdp.h"
#include "rooms/rooms_media.h"

#define ROOM_MAX_PUBLISHED 8
#define SOURCE_MAX 16

typedef struct pub_track {
  uint32_t producer_id;
  char mid[SDP_MID_MAX];
  media_kind kind;
  char source[SOURCE_MAX]; /* microphone, camera, screen */
  char codec_name[SDP_CODEC_NAME_MAX];
  bool muted;
} pub_track;

typedef struct sub_slot {
  sdp_track track; /* as offered; track.active false once removed */
  uint32_t consumer_id;
  uint32_t producer_id;
  uint32_t from_participant;
  char source[SOURCE_MAX];
  /* What the worker last reported forwarding (ME_CONSUMER_LAYER; rooms/receiving_layers.c):
   * spatial -1 paused; reason a rooms/layer_alloc.h la_reason. known false before any report. */
  struct {
    bool known;
    int8_t spatial, temporal;
    uint8_t reason;
    uint32_t estimate_bps;
  } layer;
} sub_slot;

typedef struct live_room live_room;

typedef struct participant {
  uint32_t id;
  uint64_t session_id;
  int64_t user_id;
  char name[128];
  live_room *room;
  int64_t joined_at;
  /* publish PeerConnection */
  uint32_t pub_tid;
  char pub_ufrag[16], pub_pwd[40], pub_remote_ufrag[SDP_UFRAG_MAX];
  uint64_t pub_sdp_session, pub_sdp_version;
  pub_track pubs[ROOM_MAX_PUBLISHED];
  int npubs;
  /* subscribe PeerConnection */
  uint32_t sub_tid;
  char sub_ufrag[16], sub_pwd[40];
  uint64_t sub_sdp_session, sub_sdp_version;
  sub_slot subs[SDP_MAX_MEDIA];
  int nsubs;
  char sub_tag[SDP_MID_MAX]; /* the mid tagging the transport's BUNDLE group; "" without one */
  bool offer_outstanding, offer_dirty;
  sdp_track offered[SDP_MAX_MEDIA]; /* the outstanding offer's m-sections, to check its answer */
  int noffered;
  /* running a meeting (rooms/meeting_room.h, signaling/meeting_control.h) */
  uint8_t rank;  /* mc_rank */
  char role[16]; /* host, cohost, presenter, attendee, guest, press, expert */
  bool hand_raised, has_floor;
  uint8_t held_sources; /* sources a host muted without allowing unmute (bit 0: microphone) */
  int until_segment;    /* a guest's last agenda segment (0: the whole meeting) */
  /* the ICE path the browser last reported (media.path, signaling/handlers_media.c): path_type
   * 0 none yet, 1 host, 2 srflx, 3 prflx, 4 relay (its candidate type); path_protocol 0 udp,
   * 1 tcp, 2 tls (for a relay: its transport to the TURN server) */
  uint8_t path_type, path_protocol;
  /* the subscribe transport's bandwidth estimate in the latest ME_CONSUMER_LAYER (bit/s; 0 when
   * adaptation is off or before any report) */
  uint32_t estimate_bps;
  struct participant *next;
} participant;

struct live_room {
  int64_t id;
  int64_t consortium_id;
  int worker;
  int64_t conversation_id;
  bool adapt_off; /* the room's adaptation switch is off (room.adaptation): see rooms_set_adaptation */
  /* recording (signaling/meeting_record.h): the recording the worker writes, 0 when none */
  uint64_t recording_id;
  int64_t recording_since; /* unix seconds */
  int64_t recording_by;    /* the user who started it */
  char recording_by_name[128];
  bool recording_degraded; /* the recorder reported lost packets (ME_RECORD_DEGRADED) */
  participant *members;
  int count;
  live_room *next;
};

typedef struct rooms rooms;

/* What the registry reports, upward: signaling/room_events.c implements it (the protocol's
 * events), a test may implement it to watch. Every callback is called on the signaling thread
 * with ctx, from inside the registry call that made the change; it may call the registry again
 * (leave a participant, stop a recording) but must not free what it is handed. Each must be set. */
typedef struct rooms_listener {
  void *ctx;
  /* Is the signaling session session_id still open? A participant whose session is gone is
   * left behind by a dropped connection (rooms_join replaces it). */
  bool (*session_open)(void *ctx, uint64_t session_id);
  /* p entered its room (p->room): not yet among p->room->members, so the others are told. The
   * listener may set p's role and rank (signaling/meeting_control.h) before it tells them. */
  void (*participant_joined)(void *ctx, participant *p);
  /* p is about to leave: still a member, its tracks still published. */
  void (*participant_leaving)(void *ctx, participant *p);
  /* p has left lr (no longer among lr->members; p is freed after this returns). reason is the
   * reason given to rooms_leave (NULL: none to tell p). */
  void (*participant_removed)(void *ctx, live_room *lr, const participant *p, const char *reason);
  /* p published t (its producer id is the track id). */
  void (*track_published)(void *ctx, const participant *p, const pub_track *t);
  /* p stopped publishing track_id. */
  void (*track_unpublished)(void *ctx, const participant *p, uint32_t track_id);
  /* p's track t was muted or unmuted (t->muted). */
  void (*track_muted)(void *ctx, const participant *p, const pub_track *t);
  /* A subscribe offer for p: sdp (NUL-terminated) offers p->subs in order; the active ones are
   * what p receives. */
  void (*subscribe_offer)(void *ctx, const participant *p, const char *sdp);
  /* p's publish (publish true) or subscribe transport connected. */
  void (*media_connected)(void *ctx, const participant *p, bool publish);
  /* p is the active speaker of its room. */
  void (*active_speaker)(void *ctx, const participant *p);
  /* A recorder's event (ME_RECORD_DEGRADED, ME_RECORD_STOPPED), also after its room closed. */
  void (*record_event)(void *ctx, const media_event *ev);
} rooms_listener;

/* A new registry driving the media workers through *media and reporting to *listener (both
 * copied; media may be NULL for a registry no room goes live in, e.g. unit tests). NULL when out
 * of memory. */
rooms *rooms_new(const rooms_media *media, const rooms_listener *listener);
void rooms_free(rooms *r);

live_room *rooms_find(rooms *r, int64_t room_id);
/* The participant participant_id of live room room_id whose session is session_id; NULL when
 * there is none (room_id 0: the session is in no room). */
participant *rooms_participant_of(rooms *r, int64_t room_id, uint32_t participant_id, uint64_t session_id);

/* Puts user_id (named name, on session session_id) into room, replacing a participant of the
 * same user in this room whose session is no longer open (rooms_listener.session_open). The
 * caller has taken the session out of any room it was in. joined_at is the time of entry (unix
 * seconds). Returns the participant, or NULL when out of memory. The listener hears
 * participant_joined (p not yet among the room's members); the newcomer's subscriptions to what
 * the others publish are made, its offer waits for rooms_send_initial_offer. */
participant *rooms_join(rooms *r, uint64_t session_id, int64_t user_id, int64_t room_id,
                        int64_t consortium_id, const char *name, int64_t conversation_id, int64_t joined_at);
/* Sends the newcomer its first subscribe offer, if there is anything to receive (call after
 * the join reply, so the client knows the room before the offer). */
void rooms_send_initial_offer(rooms *r, participant *p);
/* Removes the participant (closing its media); the listener hears participant_leaving, then
 * participant_removed with reason (NULL: nothing to tell p itself). p is freed. */
void rooms_leave(rooms *r, participant *p, const char *reason);

/* What the client says a publish offer's m-section carries: mid and source ("microphone",
 * "camera", "screen"; anything else is ignored). */
typedef struct rooms_source {
  const char *mid;
  const char *source;
} rooms_source;

/* The publish offer: returns the answer SDP (caller frees); p->pubs then holds the participant's
 * published tracks. A track's source is the first of sources[0..nsources) naming its mid with a
 * known source, else microphone (audio) or camera (video). NULL with err on a bad offer (nothing
 * changed). */
char *rooms_publish(rooms *r, participant *p, const char *sdp, const rooms_source *sources, size_t nsources,
                    char *err, size_t errlen);
/* The browser's answer to the outstanding subscribe offer. 0, or -1 with err. */
int rooms_answer(rooms *r, participant *p, const char *sdp, char *err, size_t errlen);
/* Mute or unmute one of p's tracks. 0, or -1 when no such track. */
int rooms_mute(rooms *r, participant *p, uint32_t track_id, bool muted);
/* Stops publishing one of p's tracks. 0, or -1 when no such track. */
int rooms_unpublish(rooms *r, participant *p, uint32_t track_id);
/* Closes p's publish transport after its tracks were unpublished (a viewer whose floor was
 * taken closes its publish PeerConnection): nothing waits for consent on it any more, and the next
 * media.publish makes a new transport with a new DTLS handshake. Nothing happens without one. */
void rooms_close_publish(rooms *r, participant *p);
/* The consumer through which p receives the video track track_id (a published track's id), 0
 * when p receives no such video track now (none, audio, or removed). */
uint32_t rooms_received_video(const participant *p, uint32_t track_id);
/* Tells p's media worker how p shows the video track track_id (media.view): the tile's size in
 * device pixels (0 x 0: not shown) and whether p pinned it. 0, or -1 when p does not receive
 * that video track (rooms_received_video() is 0). */
int rooms_view(rooms *r, participant *p, uint32_t track_id, uint16_t width, uint16_t height, bool pinned);
/* ICE restart of the subscribe PeerConnection: new credentials and a new offer. */
void rooms_restart_subscribe_ice(rooms *r, participant *p);

/* Sets the live room's bandwidth adaptation switch and tells its worker (MC_ROUTER_ADAPT). The
 * worker's router starts with adaptation on and is made anew whenever the room's first transport
 * is created after it was released, so while the switch is off it is sent again right after every
 * MC_TRANSPORT_CREATE of the room. Nothing happens when room_id is not live or the switch is
 * already so. */
void rooms_set_adaptation(rooms *r, int64_t room_id, bool on);

/* Recording (issue 17; decided in signaling/meeting_record.c). rooms_record_start posts
 * MC_RECORD_START for the live room (spool_dir absolute, the ids for the spool headers) and
 * notes recording_id in it: 0, or -1 when the room is not live or records already (nothing
 * posted). rooms_record_stop posts MC_RECORD_STOP for the room's recording and clears it:
 * returns the recording's id, 0 when the room is not live or does not record. When the last
 * participant of a recording room leaves, the listener hears participant_leaving first (the
 * stop can go out before the transports close). */
int rooms_record_start(rooms *r, int64_t room_id, const char *spool_dir, uint64_t recording_id,
                       uint64_t meeting_id);
uint64_t rooms_record_stop(rooms *r, int64_t room_id);

/* Removes every participant of a live room (closing their media), each with rooms_leave and
 * reason (e.g. "archived"). Nothing happens when not live. */
void rooms_remove_all(rooms *r, int64_t room_id, const char *reason);

/* Worker events (transport connected or closed, active speaker, a consumer's layer, a recorder's
 * events): each is reported through the listener. A participant whose transport closed on its own
 * (no consent, DTLS failure) leaves (reason "media_timeout" or "media_failed"). */
void rooms_on_media_event(rooms *r, const media_event *ev);

/* Folds an ME_CONSUMER_LAYER event into p's state: the layer of the subscription with that
 * consumer id and p's estimate. Returns false (nothing changed) when ev is not such an event for
 * p's subscribe transport or names no consumer of p. (rooms/receiving_layers.c) */
bool rooms_note_layer(participant *p, const media_event *ev);

#endif
