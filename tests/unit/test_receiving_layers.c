/* Unit tests of what room.stats shows a subscriber receiving (rooms/receiving_layers.c, the JSON
 * signaling/room_events.c): the worker's ME_CONSUMER_LAYER events folded into the participant's
 * subscriptions, the latest one winning per consumer, mapped to track ids with the reason as a word; events
 * for another transport, an unknown or removed consumer, or of another type change nothing; values out of
 * range are clamped, never passed on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cmocka.h needs these before it */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "rooms/layer_alloc.h"
#include "rooms/registry.h"
#include "signaling/room_events.h"

/* A subscriber (sub transport 40) receiving audio (consumer 51 of track 11) and video (consumer
 * 52 of track 12) from participant 10, and a removed slot (consumer 53 of track 13). */
static participant *subscriber(void) {
  participant *p = calloc(1, sizeof *p);
  assert_non_null(p);
  p->id = 30;
  p->sub_tid = 40;
  p->nsubs = 3;
  uint32_t consumers[] = {51, 52, 53}, tracks[] = {11, 12, 13};
  for (int i = 0; i < 3; i++) {
    p->subs[i].consumer_id = consumers[i];
    p->subs[i].producer_id = tracks[i];
    p->subs[i].from_participant = 10;
    p->subs[i].track.active = i < 2;
  }
  return p;
}

static media_event layer_event(uint32_t transport, uint32_t consumer, int spatial, int temporal, int reason,
                               uint32_t estimate) {
  media_event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = ME_CONSUMER_LAYER;
  ev.room_id = 1;
  ev.transport_id = transport;
  ev.consumer_id = consumer;
  ev.layer.spatial = (int8_t)spatial;
  ev.layer.temporal = (int8_t)temporal;
  ev.layer.reason = (uint8_t)reason;
  ev.layer.estimate_bps = estimate;
  return ev;
}

/* The JSON text of p's receiving_layers, for exact comparisons. */
static char *layers_text(const participant *p) {
  json_t *j = room_events_receiving_layers_json(p);
  char *s = json_dumps(j, JSON_SORT_KEYS);
  json_decref(j);
  return s;
}

static void expect_layers(const participant *p, const char *want) {
  char *got = layers_text(p);
  assert_string_equal(got, want);
  free(got);
}

static void test_nothing_before_reports(void **state) {
  (void)state;
  participant *p = subscriber();
  expect_layers(p, "[]");
  assert_int_equal(p->estimate_bps, 0);
  free(p);
}

static void test_latest_report_wins(void **state) {
  (void)state;
  participant *p = subscriber();
  media_event ev = layer_event(40, 52, 2, 1, LA_REASON_OPTIMAL, 2500000);
  assert_true(rooms_note_layer(p, &ev));
  ev = layer_event(40, 51, 0, 0, LA_REASON_OPTIMAL, 2400000);
  assert_true(rooms_note_layer(p, &ev));
  expect_layers(
      p,
      "[{\"estimate_bps\": 2400000, \"participant_id\": 10, \"reason\": \"optimal\", \"spatial\": 0, "
      "\"temporal\": 0, \"track_id\": 11}, {\"estimate_bps\": 2500000, \"participant_id\": 10, "
      "\"reason\": \"optimal\", \"spatial\": 2, \"temporal\": 1, \"track_id\": 12}]");
  assert_int_equal(p->estimate_bps, 2400000);
  /* the link got worse: the video drops to the lowest layer, then pauses */
  ev = layer_event(40, 52, 0, 0, LA_REASON_BANDWIDTH, 300000);
  assert_true(rooms_note_layer(p, &ev));
  assert_int_equal(p->subs[1].layer.spatial, 0);
  assert_int_equal(p->estimate_bps, 300000);
  ev = layer_event(40, 52, -1, 0, LA_REASON_PAUSED, 90000);
  assert_true(rooms_note_layer(p, &ev));
  expect_layers(
      p,
      "[{\"estimate_bps\": 2400000, \"participant_id\": 10, \"reason\": \"optimal\", \"spatial\": 0, "
      "\"temporal\": 0, \"track_id\": 11}, {\"estimate_bps\": 90000, \"participant_id\": 10, "
      "\"reason\": \"paused\", \"spatial\": -1, \"temporal\": 0, \"track_id\": 12}]");
  assert_int_equal(p->estimate_bps, 90000);
  free(p);
}

static void test_reason_words(void **state) {
  (void)state;
  static const char *const words[] = {"optimal", "bandwidth", "tile", "paused", "hidden", "unavailable"};
  participant *p = subscriber();
  for (int r = 0; r <= LA_REASON_UNAVAILABLE; r++) {
    media_event ev = layer_event(40, 52, r >= LA_REASON_PAUSED ? -1 : 1, 0, r, 1000);
    assert_true(rooms_note_layer(p, &ev));
    json_t *j = room_events_receiving_layers_json(p);
    assert_string_equal(json_string_value(json_object_get(json_array_get(j, 0), "reason")), words[r]);
    json_decref(j);
  }
  free(p);
}

static void test_events_that_change_nothing(void **state) {
  (void)state;
  participant *p = subscriber();
  media_event ev = layer_event(41, 52, 2, 1, LA_REASON_OPTIMAL, 1000); /* another transport */
  assert_false(rooms_note_layer(p, &ev));
  ev = layer_event(40, 99, 2, 1, LA_REASON_OPTIMAL, 1000); /* no such consumer */
  assert_false(rooms_note_layer(p, &ev));
  ev = layer_event(40, 53, 2, 1, LA_REASON_OPTIMAL, 1000); /* a removed subscription */
  assert_false(rooms_note_layer(p, &ev));
  ev = layer_event(40, 52, 2, 1, LA_REASON_OPTIMAL, 1000);
  ev.type = ME_TRANSPORT_CONNECTED; /* not a layer report */
  assert_false(rooms_note_layer(p, &ev));
  ev = layer_event(0, 52, 2, 1, LA_REASON_OPTIMAL, 1000);
  p->sub_tid = 0; /* no subscribe transport: transport 0 names nothing */
  assert_false(rooms_note_layer(p, &ev));
  p->sub_tid = 40;
  expect_layers(p, "[]");
  assert_int_equal(p->estimate_bps, 0);
  /* a slot reused for a new subscription starts with no report (registry memsets it) */
  ev = layer_event(40, 52, 1, 0, LA_REASON_TILE, 5000);
  assert_true(rooms_note_layer(p, &ev));
  p->subs[1].track.active = false;
  expect_layers(p, "[]");
  free(p);
}

static void test_out_of_range_clamped(void **state) {
  (void)state;
  participant *p = subscriber();
  media_event ev = layer_event(40, 52, -100, -5, 200, UINT32_MAX);
  assert_true(rooms_note_layer(p, &ev));
  expect_layers(p,
                "[{\"estimate_bps\": 4294967295, \"participant_id\": 10, \"reason\": \"unavailable\", "
                "\"spatial\": -1, \"temporal\": 0, \"track_id\": 12}]");
  free(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_nothing_before_reports), cmocka_unit_test(test_latest_report_wins),
      cmocka_unit_test(test_reason_words),           cmocka_unit_test(test_events_that_change_nothing),
      cmocka_unit_test(test_out_of_range_clamped),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
