/* Unit tests of the per-subscriber layer allocator (rooms/layer_alloc.c). The sweep (after
 * Jitsi's BitrateControllerTest) raises the estimate from 0 to 5 Mbit/s in 10 kbit/s steps
 * every 100 ms and brings it back, for four cameras with three simulcast layers of two
 * temporal layers each (one pinned, one the active speaker, one in a thumbnail) plus their
 * audio and a screen share, and asserts the exact ordered history of layer changes, and along
 * the way: audio never paused, the screen share served first, everyone's lowest layer before
 * anyone's higher one, the choice never over the estimate, upgrades only after 2.5 s.
 * Separate tests: hysteresis around a threshold, a one-tick dip, tile sizes and layers that
 * come and go, absurd input. Set MOA_PRINT_HISTORY=1 to print the sweep's history. */
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

enum { A1 = 1, A2, A3, A4, CAM_A = 11, CAM_B, CAM_C, CAM_D, SCREEN = 20 };
#define NT 9

static la_track audio(uint32_t id) {
  la_track t = {.id = id, .kind = LA_AUDIO, .tile_height = 0};
  t.bitrate[0][0] = 40000;
  return t;
}

static la_track camera(uint32_t id, uint32_t tile, bool pinned, bool speaker) {
  la_track t = {.id = id, .kind = LA_VIDEO, .pinned = pinned, .speaker = speaker, .tile_height = tile};
  static const uint32_t br[3][2] = {{100000, 150000}, {300000, 450000}, {1000000, 1500000}};
  static const uint16_t h[3] = {180, 360, 720};
  for (int s = 0; s < 3; s++) {
    t.height[s] = h[s];
    for (int k = 0; k < 2; k++) t.bitrate[s][k] = br[s][k];
  }
  return t;
}

static la_track screen(void) {
  la_track t = {.id = SCREEN, .kind = LA_SCREEN, .tile_height = 1080};
  t.height[0] = 1080;
  t.bitrate[0][0] = 400000;
  t.bitrate[0][1] = 800000;
  return t;
}

static void room(la_track *t) {
  t[0] = audio(A1);
  t[1] = camera(CAM_A, 720, true, false);
  t[2] = audio(A2);
  t[3] = camera(CAM_B, 360, false, true);
  t[4] = audio(A3);
  t[5] = camera(CAM_C, 180, false, false);
  t[6] = audio(A4);
  t[7] = camera(CAM_D, 360, false, false);
  t[8] = screen();
}

static uint64_t cost_of(const la_track *t, const la_decision *d, size_t n) {
  uint64_t c = 0;
  for (size_t i = 0; i < n; i++)
    if (d[i].spatial >= 0) c += t[i].bitrate[d[i].spatial][d[i].temporal];
  return c;
}

static const char *name_of(uint32_t id) {
  switch (id) {
    case CAM_A:
      return "A";
    case CAM_B:
      return "B";
    case CAM_C:
      return "C";
    case CAM_D:
      return "D";
    case SCREEN:
      return "S";
  }
  return "audio";
}

/* The sweep's history: "<estimate kbit/s> <track> <s>.<t>|paused <reason>" per change, in
 * order. Up: the screen share first; then every camera's lowest layer (A pinned, B speaker,
 * C thumbnail, D); then the temporal layer 1 of each (the screen's second layer costs 400k
 * and waits for room); a higher spatial layer only ever at its temporal layer 1 (1.1, 2.1:
 * never a bigger picture at half the frame rate); each 2.5 s (250 kbit/s of sweep) after an
 * allocation with 15 % headroom first allowed it. Down: cut on the first tick over budget,
 * lowest priority and highest layer first, the temporal layer first (2.1, 2.0, 1.1: no key
 * frame needed); the screen paused last. */
// clang-format off
static const char *const expected_history[] = {
    "870 S 0.0 bandwidth",
    "990 A 0.0 bandwidth",
    "1100 B 0.0 bandwidth",
    "1220 C 0.0 bandwidth",
    "1330 D 0.0 bandwidth",
    "1390 A 0.1 bandwidth",
    "1450 B 0.1 bandwidth",
    "1510 C 0.1 tile",
    "1790 S 0.1 optimal",
    "2020 D 0.1 bandwidth",
    "2370 A 1.1 bandwidth",
    "2710 B 1.1 tile",
    "3060 D 1.1 tile",
    "4270 A 2.1 optimal",
    "3500 A 2.0 bandwidth",
    "3000 A 1.1 bandwidth",
    "2450 D 1.0 bandwidth",
    "2300 B 1.0 bandwidth",
    "2150 A 1.0 bandwidth",
    "2000 D 0.1 bandwidth",
    "1850 B 0.1 bandwidth",
    "1700 A 0.1 bandwidth",
    "1550 D 0.0 bandwidth",
    "1500 C 0.0 bandwidth",
    "1450 B 0.0 bandwidth",
    "1400 A 0.0 bandwidth",
    "1350 S 0.0 bandwidth",
    "950 D paused paused",
    "850 C paused paused",
    "750 B paused paused",
    "650 A paused paused",
    "550 S paused paused",
};
// clang-format on

static void test_sweep_history(void **state) {
  (void)state;
  la_track t[NT];
  room(t);
  layer_alloc a;
  layer_alloc_init(&a);
  la_decision d[NT];
  char hist[400][64];
  size_t nh = 0;
  int64_t now = 0;
  int64_t last_change[NT];
  for (int i = 0; i < NT; i++) last_change[i] = -10000000;
  bool print = getenv("MOA_PRINT_HISTORY") != NULL;
  for (int step = 0; step <= 1000; step++, now += 100000) {
    uint32_t est = (uint32_t)(step <= 500 ? step : 1000 - step) * 10000;
    la_decision prev[NT];
    memcpy(prev, d, sizeof d);
    assert_int_equal(layer_alloc_run(&a, est, t, NT, now, d), 0);
    if (step == 500) { /* at the top, each at the best layer its tile can use */
      static const int8_t want_s[NT] = {0, 2, 0, 1, 0, 0, 0, 1, 0}, want_t[NT] = {0, 1, 0, 1, 0, 1, 0, 1, 1};
      for (int i = 0; i < NT; i++) {
        assert_int_equal(d[i].spatial, want_s[i]);
        assert_int_equal(d[i].temporal, want_t[i]);
        if (t[i].kind != LA_AUDIO)
          assert_int_equal(d[i].reason, i == 1 || i == 8 ? LA_REASON_OPTIMAL : LA_REASON_TILE);
      }
    }
    uint64_t video = cost_of(t, d, NT) - 160000;
    uint64_t video_budget = est > 160000 ? est - 160000 : 0;
    /* Never over the estimate (audio aside). */
    assert_true(video <= video_budget);
    bool any_above_lowest = false, any_paused = false;
    for (int i = 0; i < NT; i++) {
      assert_int_equal(d[i].id, t[i].id);
      if (t[i].kind == LA_AUDIO) { /* audio: always on */
        assert_int_equal(d[i].spatial, 0);
        assert_int_equal(d[i].temporal, 0);
        continue;
      }
      if (d[i].spatial < 0)
        any_paused = true;
      else if (d[i].spatial > 0 || d[i].temporal > 0)
        any_above_lowest = true;
      /* The screen share is paused only when every camera is. */
      if (t[i].kind == LA_VIDEO && d[i].spatial >= 0) assert_true(d[8].spatial >= 0);
    }
    /* Everyone's lowest layer before anyone's higher one (the screen's lowest is its only
     * spatial layer: 0.0). */
    if (any_above_lowest) assert_false(any_paused);
    for (int i = 0; i < NT; i++) {
      if (t[i].kind == LA_AUDIO || step == 0) continue;
      bool up = (d[i].spatial > prev[i].spatial) ||
                (d[i].spatial == prev[i].spatial && d[i].temporal > prev[i].temporal);
      if (d[i].changed) {
        /* An upgrade (other than a track's first picture) needs 2.5 s since its last change. */
        if (up && prev[i].spatial >= 0) assert_true(now - last_change[i] >= LA_UP_DELAY_US);
        last_change[i] = now;
        assert_true(nh < 400);
        if (d[i].spatial < 0)
          snprintf(hist[nh++], 64, "%u %s paused %s", est / 1000, name_of(d[i].id),
                   la_reason_name(d[i].reason));
        else
          snprintf(hist[nh++], 64, "%u %s %d.%d %s", est / 1000, name_of(d[i].id), d[i].spatial,
                   d[i].temporal, la_reason_name(d[i].reason));
        if (print) printf("\"%s\",\n", hist[nh - 1]);
      }
    }
  }
  if (print) return;
  size_t ne = sizeof expected_history / sizeof expected_history[0];
  for (size_t i = 0; i < nh && i < ne; i++) assert_string_equal(hist[i], expected_history[i]);
  assert_int_equal(nh, ne);
}

/* An estimate wobbling +-5 % around the cost of a layer every 200 ms never moves it; a dip of
 * one tick drops at once and the way back takes 2.5 s. */
static void test_hysteresis(void **state) {
  (void)state;
  la_track t[2] = {audio(A1), camera(CAM_A, 720, false, false)};
  layer_alloc a;
  layer_alloc_init(&a);
  la_decision d[2];
  int64_t now = 0;
  /* Settle at 1.1 Mbit/s: 1.1M - 40k audio = 1.06M: 1.0M (2.0) needs 1.15M with headroom, so
   * the camera settles at 1.1 (450k). */
  for (int i = 0; i < 100; i++, now += 100000)
    assert_int_equal(layer_alloc_run(&a, 1100000, t, 2, now, d), 0);
  assert_int_equal(d[1].spatial, 1);
  assert_int_equal(d[1].temporal, 1);
  assert_int_equal(d[1].reason, LA_REASON_BANDWIDTH);
  int changes = 0;
  for (int i = 0; i < 200; i++, now += 100000) {
    uint32_t est = (i / 2) % 2 ? 1100000 * 105 / 100 : 1100000 * 95 / 100;
    assert_int_equal(layer_alloc_run(&a, est, t, 2, now, d), 0);
    changes += d[1].changed;
  }
  assert_int_equal(changes, 0);
  /* One tick at 200k: 160k for video: down to 0.1 (150k) at once. */
  assert_int_equal(layer_alloc_run(&a, 200000, t, 2, now, d), 0);
  assert_true(d[1].changed);
  assert_int_equal(d[1].spatial, 0);
  assert_int_equal(d[1].temporal, 1);
  int64_t dip = now;
  /* Back to plenty: nothing for 2.5 s, then up to what was allowed all along. */
  for (now += 100000;; now += 100000) {
    assert_int_equal(layer_alloc_run(&a, 5000000, t, 2, now, d), 0);
    if (d[1].changed) break;
    assert_true(now - dip < 4000000);
  }
  assert_true(now - dip >= LA_UP_DELAY_US);
  assert_int_equal(d[1].spatial, 2);
  assert_int_equal(d[1].temporal, 1);
  assert_int_equal(d[1].reason, LA_REASON_OPTIMAL);
}

/* A screen share that becomes visible while two cameras use the whole estimate takes its place
 * at once (the viewer asked for it; it was held back by its tile, not by the estimate), the
 * cameras giving way; a camera that joins 1 s later shows at once too, on what is left, and the
 * screen keeps its place. */
static void test_priority_takes_room(void **state) {
  (void)state;
  la_track t[4] = {audio(A1), camera(CAM_A, 720, false, false), camera(CAM_B, 720, false, false), screen()};
  t[3].tile_height = 0; /* shared but not shown yet */
  layer_alloc a;
  layer_alloc_init(&a);
  la_decision d[5];
  int64_t now = 0;
  for (int i = 0; i < 100; i++, now += 100000)
    assert_int_equal(layer_alloc_run(&a, 2500000, t, 4, now, d), 0);
  /* 2.46M for video, 2.14M with headroom: A at 2.0 (1M), B at 1.1 (450k)... */
  assert_int_equal(d[1].spatial, 2);
  assert_true(d[2].spatial >= 1);
  assert_int_equal(d[3].spatial, -1);
  assert_int_equal(d[3].reason, LA_REASON_HIDDEN);
  int8_t a_before = d[1].spatial, b_before = d[2].spatial;
  t[3].tile_height = 1080; /* the viewer now shows it */
  now += 100000;
  assert_int_equal(layer_alloc_run(&a, 2500000, t, 4, now, d), 0);
  assert_true(a.cost_bps <= 2500000);
  assert_true(d[3].spatial >= 0);
  assert_true(d[1].spatial < a_before || d[2].spatial < b_before); /* room was made */
  int8_t screen_at = d[3].spatial;
  la_track t5[5];
  memcpy(t5, t, sizeof t);
  t5[4] = camera(CAM_C, 720, false, false); /* and a camera joins 1 s later */
  for (int i = 0; i < 10; i++, now += 100000) assert_int_equal(layer_alloc_run(&a, 2500000, t, 4, now, d), 0);
  assert_int_equal(layer_alloc_run(&a, 2500000, t5, 5, now, d), 0);
  assert_true(a.cost_bps <= 2500000);
  assert_true(d[4].spatial >= 0);
  assert_true(d[3].spatial >= screen_at);
  for (int i = 0; i < 40; i++, now += 100000) {
    assert_int_equal(layer_alloc_run(&a, 2500000, t5, 5, now, d), 0);
    assert_true(a.cost_bps <= 2500000);
    assert_true(d[3].spatial >= screen_at);
    assert_true(d[4].spatial >= 0);
  }
}

/* Rising waits only after the estimate held a track back. A track that had all it could use
 * goes up at the next run when its publisher begins to send a higher temporal layer (Chromium's
 * layer ids show after its first frames) or its tile grows; after a cut by the estimate the
 * same rise waits 2.5 s. */
static void test_unheld_rises_at_once(void **state) {
  (void)state;
  la_track t[2] = {audio(A1), camera(CAM_A, 720, false, false)};
  for (int s = 0; s < 3; s++) t[1].bitrate[s][1] = 0; /* temporal layer ids not seen yet */
  layer_alloc a;
  layer_alloc_init(&a);
  la_decision d[2];
  int64_t now = 0;
  assert_int_equal(layer_alloc_run(&a, 10000000, t, 2, now, d), 0);
  assert_int_equal(d[1].spatial, 2);
  assert_int_equal(d[1].temporal, 0);
  assert_int_equal(d[1].reason, LA_REASON_OPTIMAL);
  t[1] = camera(CAM_A, 720, false, false); /* now they are */
  now += 100000;
  assert_int_equal(layer_alloc_run(&a, 10000000, t, 2, now, d), 0);
  assert_int_equal(d[1].temporal, 1);
  assert_int_equal(d[1].reason, LA_REASON_OPTIMAL);

  t[1].tile_height = 180; /* a thumbnail, then the stage */
  now += 100000;
  assert_int_equal(layer_alloc_run(&a, 10000000, t, 2, now, d), 0);
  assert_int_equal(d[1].spatial, 0);
  assert_int_equal(d[1].reason, LA_REASON_TILE);
  t[1].tile_height = 720;
  now += 100000;
  assert_int_equal(layer_alloc_run(&a, 10000000, t, 2, now, d), 0);
  assert_int_equal(d[1].spatial, 2);

  now += 100000; /* the estimate falls: cut at once, then held */
  assert_int_equal(layer_alloc_run(&a, 600000, t, 2, now, d), 0);
  assert_true(d[1].spatial < 2);
  assert_int_equal(d[1].reason, LA_REASON_BANDWIDTH);
  int64_t back = now + 100000;
  for (now = back;; now += 100000) {
    assert_int_equal(layer_alloc_run(&a, 10000000, t, 2, now, d), 0);
    if (d[1].spatial == 2) break;
    assert_true(now - back < 4000000);
  }
  assert_true(now - back >= LA_UP_DELAY_US);
}

static void test_tiles_and_availability(void **state) {
  (void)state;
  la_track t[3] = {audio(A1), camera(CAM_A, 720, false, false), camera(CAM_B, 100000, false, false)};
  layer_alloc a;
  layer_alloc_init(&a);
  la_decision d[3];
  int64_t now = 0;
  for (int i = 0; i < 50; i++, now += 100000)
    assert_int_equal(layer_alloc_run(&a, 10000000, t, 3, now, d), 0);
  assert_int_equal(d[1].spatial, 2);
  assert_int_equal(d[2].spatial, 2); /* a 100,000 px tile: the top layer, nothing more */
  assert_int_equal(d[2].reason, LA_REASON_OPTIMAL);
  /* The tile shrinks to a thumbnail: down at once, reason tile. */
  t[1].tile_height = 120;
  assert_int_equal(layer_alloc_run(&a, 10000000, t, 3, now, d), 0);
  assert_int_equal(d[1].spatial, 0);
  assert_int_equal(d[1].temporal, 1);
  assert_int_equal(d[1].reason, LA_REASON_TILE);
  /* Hidden (0 px): paused, and the bandwidth is not spent on it. */
  t[1].tile_height = 0;
  assert_int_equal(layer_alloc_run(&a, 10000000, t, 3, now += 100000, d), 0);
  assert_int_equal(d[1].spatial, -1);
  assert_int_equal(d[1].reason, LA_REASON_HIDDEN);
  assert_int_equal(a.cost_bps, 40000 + 1500000);
  /* The publisher of B stops sending f: B falls to h at once. */
  t[2].bitrate[2][0] = t[2].bitrate[2][1] = 0;
  assert_int_equal(layer_alloc_run(&a, 10000000, t, 3, now += 100000, d), 0);
  assert_int_equal(d[2].spatial, 1);
  assert_int_equal(d[2].temporal, 1);
  assert_int_equal(d[2].reason, LA_REASON_OPTIMAL);
  /* ... and stops everything: paused, unavailable. */
  memset(t[2].bitrate, 0, sizeof t[2].bitrate);
  assert_int_equal(layer_alloc_run(&a, 10000000, t, 3, now += 100000, d), 0);
  assert_int_equal(d[2].spatial, -1);
  assert_int_equal(d[2].reason, LA_REASON_UNAVAILABLE);
  /* Audio alone over the estimate: audio on, video paused for bandwidth. */
  t[1].tile_height = 720;
  assert_int_equal(layer_alloc_run(&a, 10000, t, 3, now += 100000, d), 0);
  assert_int_equal(d[0].spatial, 0);
  assert_int_equal(d[1].spatial, -1);
  assert_int_equal(d[1].reason, LA_REASON_PAUSED);
}

/* A new track (a joiner's first allocation, or a camera that starts) shows at once at what the
 * allocation with headroom gives it: the top layer its tile needs when the estimate allows,
 * not the lowest layer raised 2.5 s later (a second key frame and a 320-pixel first picture for
 * every joiner: bench_join). Short of room, the lowest layer at once, and up later. */
static void test_new_track_starts_where_it_fits(void **state) {
  (void)state;
  la_track t[3] = {audio(A1), camera(CAM_A, 720, false, false), camera(CAM_B, 360, false, false)};
  layer_alloc a;
  layer_alloc_init(&a);
  la_decision d[4];
  assert_int_equal(layer_alloc_run(&a, 10000000, t, 3, 0, d), 0);
  assert_int_equal(d[1].spatial, 2);
  assert_int_equal(d[1].temporal, 1);
  assert_int_equal(d[2].spatial, 1); /* its 360 px tile */
  assert_int_equal(d[2].temporal, 1);
  /* A third camera arrives on a link with room (15 % headroom kept) for its lowest layer only:
   * that, at once. */
  la_track u[4] = {t[0], t[1], t[2], camera(CAM_C, 720, false, false)};
  assert_int_equal(layer_alloc_run(&a, 40000 + (1500000 + 450000 + 150000) * 115 / 100, u, 4, 100000, d), 0);
  assert_int_equal(d[1].spatial, 2);
  assert_int_equal(d[2].spatial, 1);
  assert_int_equal(d[3].spatial, 0);
  assert_int_equal(d[3].temporal, 0);
  assert_true(d[3].changed);
}

/* Three temporal layers (Chromium's VP8): over budget, a 720p camera goes to 360p at the full
 * rate rather than stay at 720p at a quarter of it (about one frame a second from a publisher
 * short of CPU: browser_bandwidth_adapt froze there); half the rate is allowed; the lowest
 * spatial layer keeps every temporal layer. */
static void test_no_quarter_rate_above_the_lowest(void **state) {
  (void)state;
  la_track t[2] = {audio(A1), {.id = CAM_A, .kind = LA_VIDEO, .tile_height = 720}};
  static const uint32_t br[3][3] = {
      {50000, 75000, 100000}, {150000, 225000, 300000}, {400000, 600000, 1000000}};
  for (int s = 0; s < 3; s++) {
    t[1].height[s] = (uint16_t)(180 << s);
    for (int k = 0; k < 3; k++) t[1].bitrate[s][k] = br[s][k];
  }
  layer_alloc a;
  layer_alloc_init(&a);
  la_decision d[2];
  assert_int_equal(layer_alloc_run(&a, 40000 + 1200000, t, 2, 0, d), 0);
  assert_int_equal(d[1].spatial, 2);
  assert_int_equal(d[1].temporal, 2);
  /* room for 720p at a quarter of the rate (400k) but not at half (600k): 360p at the full rate */
  assert_int_equal(layer_alloc_run(&a, 40000 + 450000, t, 2, 100000, d), 0);
  assert_int_equal(d[1].spatial, 1);
  assert_int_equal(d[1].temporal, 2);
  /* a fresh viewer with room for half the rate of 720p: that */
  layer_alloc_init(&a);
  assert_int_equal(layer_alloc_run(&a, 40000 + 1200000, t, 2, 0, d), 0);
  assert_int_equal(layer_alloc_run(&a, 40000 + 650000, t, 2, 100000, d), 0);
  assert_int_equal(d[1].spatial, 2);
  assert_int_equal(d[1].temporal, 1);
  /* the lowest spatial layer goes down to its base rate before the camera pauses */
  assert_int_equal(layer_alloc_run(&a, 40000 + 60000, t, 2, 200000, d), 0);
  assert_int_equal(d[1].spatial, 0);
  assert_int_equal(d[1].temporal, 0);
}

static void test_bad_input(void **state) {
  (void)state;
  layer_alloc a;
  layer_alloc_init(&a);
  static la_track t[LA_MAX_TRACKS + 1];
  static la_decision d[LA_MAX_TRACKS + 1];
  for (int i = 0; i <= LA_MAX_TRACKS; i++) {
    t[i] = camera((uint32_t)i + 1, (uint32_t)i * 1000, i % 3 == 0, i % 5 == 0);
    for (int s = 0; s < LA_MAX_SPATIAL; s++)
      for (int k = 0; k < LA_MAX_TEMPORAL; k++) t[i].bitrate[s][k] = UINT32_MAX - (uint32_t)(s + k);
    t[i].height[1] = 0; /* unknown */
  }
  assert_int_equal(layer_alloc_run(&a, UINT64_MAX, t, LA_MAX_TRACKS + 1, 0, d), -1);
  assert_int_equal(a.n, 0);
  t[1].id = t[0].id;
  assert_int_equal(layer_alloc_run(&a, UINT64_MAX, t, 2, 0, d), -1);
  t[1].id = 2;
  /* Absurd bitrates (not increasing with the layer), the most tracks, huge and zero
   * estimates, time going backwards: bounded, and the choice never costs more than allowed. */
  uint32_t r = 5;
  for (int i = 0; i < 300; i++) {
    r ^= r << 13, r ^= r >> 17, r ^= r << 5;
    uint64_t est = (i % 3 == 0) ? UINT64_MAX : (i % 3 == 1) ? 0 : (uint64_t)r * 1000;
    int64_t now = (i % 7 == 0) ? -(int64_t)r : (int64_t)i * 100000;
    assert_int_equal(layer_alloc_run(&a, est, t, LA_MAX_TRACKS, now, d), 0);
    assert_true(a.cost_bps <= est);
    for (int k = 0; k < LA_MAX_TRACKS; k++) {
      assert_true(d[k].spatial >= -1 && d[k].spatial < LA_MAX_SPATIAL);
      assert_true(d[k].temporal >= -1 && d[k].temporal < LA_MAX_TEMPORAL);
    }
  }
  assert_string_equal(la_reason_name(LA_REASON_TILE), "tile");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sweep_history),
      cmocka_unit_test(test_hysteresis),
      cmocka_unit_test(test_priority_takes_room),
      cmocka_unit_test(test_unheld_rises_at_once),
      cmocka_unit_test(test_tiles_and_availability),
      cmocka_unit_test(test_new_track_starts_where_it_fits),
      cmocka_unit_test(test_no_quarter_rate_above_the_lowest),
      cmocka_unit_test(test_bad_input),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
