/* Layer allocator for one subscriber: given the bandwidth estimate toward the subscriber and
 * the tracks it receives (each with the simulcast/temporal layers its publisher sends and the
 * size of the tile the viewer shows it in), decides which layer of each track to forward, or
 * to pause it, and says why. The rules (issue 11; LiveKit's and Jitsi's allocators):
 *
 *  - audio is accounted first and never paused;
 *  - video is allocated layer by layer: every track gets its lowest layer before any gets a
 *    higher one; within a level the order is screen share, pinned, active speaker, the rest
 *    (then the caller's order);
 *  - a track never gets more than its tile needs: the smallest spatial layer at least as tall
 *    as the tile (a tile of 0 px is hidden: paused);
 *  - drop fast: when the current choice costs more than the estimate it is cut at once (each
 *    track to no more than a fresh allocation gives it), pausing video below its lowest layer;
 *  - rise slowly: a track the estimate held back (its previous decision said "bandwidth" or
 *    "paused") goes up only after an allocation with 15 % headroom has allowed the higher
 *    layer continuously for 2.5 s, and then to the lowest layer allowed during that time; a
 *    track that had all it could use (its tile grew, its publisher began to send a higher
 *    layer: Chromium's temporal layers show a second after its first frames) and a new track
 *    go at once to what the headroom allocation gives them, when that fits;
 *  - a layer the publisher stopped sending is left at once for the best one below it.
 *
 * A layer is (spatial, temporal); "higher" is lexicographic. The bitrate of (s, t) is the rate
 * of that stream forwarded with temporal layers 0..t. Pure: the state is the previous
 * decision, kept in the caller's layer_alloc; time is a parameter; no allocation, no I/O.
 * Owned by the subscriber's transport, used on the media worker's thread (on a timer and when
 * the estimate or the tracks change). */
#ifndef MOA_ROOMS_LAYER_ALLOC_H
#define MOA_ROOMS_LAYER_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LA_MAX_SPATIAL 3
#define LA_MAX_TEMPORAL 4
#define LA_MAX_TRACKS 64
#define LA_UP_DELAY_US 2500000
#define LA_UP_HEADROOM 1.15

typedef enum { LA_AUDIO = 0, LA_VIDEO, LA_SCREEN } la_kind;

typedef struct {
  uint32_t id;
  la_kind kind;
  bool pinned;
  bool speaker; /* the active speaker */
  /* bitrate[s][t] in bit/s; 0 = the publisher does not send that layer. Audio uses [0][0]. */
  uint32_t bitrate[LA_MAX_SPATIAL][LA_MAX_TEMPORAL];
  uint16_t height[LA_MAX_SPATIAL]; /* pixel height of each spatial layer; 0 = unknown */
  uint32_t tile_height;            /* the viewer's tile height in px; 0 = not shown */
} la_track;

typedef enum {
  LA_REASON_OPTIMAL = 0, /* the best layer the tile can use */
  LA_REASON_BANDWIDTH,   /* lower than the tile could use: the estimate does not allow more */
  LA_REASON_TILE,        /* limited by the tile size (the publisher sends more) */
  LA_REASON_PAUSED,      /* video paused: not even the lowest layer fits */
  LA_REASON_HIDDEN,      /* video paused: the tile is not shown */
  LA_REASON_UNAVAILABLE, /* video paused: the publisher sends no layer */
} la_reason;

typedef struct {
  uint32_t id;
  int8_t spatial, temporal; /* -1, -1 when paused */
  la_reason reason;
  bool changed; /* differs from the previous decision */
} la_decision;

/* The previous decision and the upgrade timers, one per track id. */
typedef struct {
  uint32_t id;
  int8_t s, t;
  bool up_pending;
  bool held; /* the previous decision was cut short by the estimate (bandwidth or paused) */
  int64_t up_since;
  int8_t up_s, up_t; /* the lowest layer allowed since up_since */
} la_entry;

typedef struct {
  la_entry e[LA_MAX_TRACKS];
  size_t n;
  uint64_t cost_bps; /* read-only: what the latest decision costs, audio included */
} layer_alloc;

/* Prepares a fresh allocator (no track known). Never fails. */
void layer_alloc_init(layer_alloc *a);

/* Decides for tracks[0..n) (n <= LA_MAX_TRACKS, ids unique) at time now with the estimate in
 * bit/s, writing out[i] for tracks[i], and remembers the decision (tracks absent from this
 * call are forgotten). Returns 0, or -1 (nothing written, state unchanged) if n is too large
 * or an id repeats. Any bitrates, heights and tile sizes are accepted: sums are 64-bit. */
int layer_alloc_run(layer_alloc *a, uint64_t estimate_bps, const la_track *tracks, size_t n, int64_t now_us,
                    la_decision *out);

/* "optimal", "bandwidth", "tile", "paused", "hidden", "unavailable": for stats. */
const char *la_reason_name(la_reason r);

#endif
