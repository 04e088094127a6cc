/* What the unit tests of the live-room registry's users share (tests/unit/test_meeting_state.c,
 * test_meeting_room.c): a rooms_media whose every command succeeds (no media worker runs), and
 * rooms_listener callbacks that ignore what they hear, for a test to mix with its own. Each test
 * file includes it once; what a file does not use is not warned about. */
#ifndef MOA_TESTS_ROOMS_TEST_SUPPORT_H
#define MOA_TESTS_ROOMS_TEST_SUPPORT_H
#pragma GCC diagnostic ignored "-Wunused-function"

#include <stdbool.h>
#include <stdint.h>

#include "rooms/registry.h"

static int fake_post(void *ctx, int worker, const media_cmd *cmd) {
  (void)ctx, (void)worker, (void)cmd;
  return 0;
}
static int fake_pick(void *ctx) {
  (void)ctx;
  return 0;
}
static void fake_room(void *ctx, int worker) { (void)ctx, (void)worker; }
static const uint8_t *fake_fingerprint(void *ctx) {
  static const uint8_t fp[32];
  (void)ctx;
  return fp;
}
static const char *fake_ip(void *ctx) {
  (void)ctx;
  return "127.0.0.1";
}
static int fake_port(void *ctx, int worker) {
  (void)ctx, (void)worker;
  return 40000;
}

/* Media for rooms_new: every command is accepted, worker 0 at 127.0.0.1:40000. */
static rooms_media rooms_test_media(void) {
  return (rooms_media){.post = fake_post,
                       .pick_worker = fake_pick,
                       .room_added = fake_room,
                       .room_removed = fake_room,
                       .fingerprint = fake_fingerprint,
                       .announce_ip = fake_ip,
                       .worker_port = fake_port,
                       .worker_tcp_port = fake_port};
}

static bool ignore_session_open(void *ctx, uint64_t id) {
  (void)ctx, (void)id;
  return true;
}
static void ignore_participant(void *ctx, participant *p) { (void)ctx, (void)p; }
static void ignore_removed(void *ctx, live_room *lr, const participant *p, const char *reason) {
  (void)ctx, (void)lr, (void)p, (void)reason;
}
static void ignore_track(void *ctx, const participant *p, const pub_track *t) { (void)ctx, (void)p, (void)t; }
static void ignore_unpublished(void *ctx, const participant *p, uint32_t id) { (void)ctx, (void)p, (void)id; }
static void ignore_offer(void *ctx, const participant *p, const char *sdp) { (void)ctx, (void)p, (void)sdp; }
static void ignore_connected(void *ctx, const participant *p, bool publish) {
  (void)ctx, (void)p, (void)publish;
}
static void ignore_speaker(void *ctx, const participant *p) { (void)ctx, (void)p; }
static void ignore_record(void *ctx, const media_event *ev) { (void)ctx, (void)ev; }

/* A listener with ctx that ignores everything (every session open); a test sets what it watches. */
static rooms_listener rooms_test_listener(void *ctx) {
  return (rooms_listener){.ctx = ctx,
                          .session_open = ignore_session_open,
                          .participant_joined = ignore_participant,
                          .participant_leaving = ignore_participant,
                          .participant_removed = ignore_removed,
                          .track_published = ignore_track,
                          .track_unpublished = ignore_unpublished,
                          .track_muted = ignore_track,
                          .subscribe_offer = ignore_offer,
                          .media_connected = ignore_connected,
                          .active_speaker = ignore_speaker,
                          .record_event = ignore_record};
}

#endif
