/* Layer allocator for one subscriber (see layer_alloc.h). A level is (s, t) with s = -1 for
 * "paused"; levels compare lexicographically. Costs are 64-bit sums of 32-bit bitrates, so no
 * input can overflow them; every loop is bounded by LA_MAX_TRACKS x LA_MAX_SPATIAL x
 * LA_MAX_TEMPORAL. */
#include "rooms/layer_alloc.h"

#include <string.h>

typedef struct {
  int8_t s, t;
} level;

static const level PAUSED = {-1, -1};

static bool is_paused(level l) { return l.s < 0; }
static int cmp_level(level a, level b) {
  if (a.s != b.s) return a.s < b.s ? -1 : 1;
  if (a.t != b.t) return a.t < b.t ? -1 : 1;
  return 0;
}
static level min_level(level a, level b) { return cmp_level(a, b) <= 0 ? a : b; }

static bool available(const la_track *tr, int s, int t) {
  return s >= 0 && s < LA_MAX_SPATIAL && t >= 0 && t < LA_MAX_TEMPORAL && tr->bitrate[s][t] > 0;
}
static uint64_t cost(const la_track *tr, level l) { return is_paused(l) ? 0 : tr->bitrate[l.s][l.t]; }

/* Whether the allocator may choose (s, t): any temporal layer of the lowest spatial layer, but
 * a higher spatial layer at no less than half its frame rate (its top temporal layer or the one
 * below). With three temporal layers a 720p picture at a quarter of the rate (a publisher short
 * of CPU encodes 4-5 frames/s: about one a second) is no picture to watch, and its base layer's
 * measured bitrate, one frame a second, swings too much to plan a link by: an 800 kbit/s viewer
 * kept every camera there and froze (browser_bandwidth_adapt). */
static bool usable(const la_track *tr, int s, int t) {
  if (!available(tr, s, t)) return false;
  int lowest = -1, top_t = -1;
  for (int k = 0; k < LA_MAX_SPATIAL && lowest < 0; k++)
    for (int j = 0; j < LA_MAX_TEMPORAL; j++)
      if (available(tr, k, j)) {
        lowest = k;
        break;
      }
  if (s == lowest) return true;
  for (int j = 0; j < LA_MAX_TEMPORAL; j++)
    if (available(tr, s, j)) top_t = j;
  return t + 1 >= top_t;
}

static level lowest_available(const la_track *tr) {
  for (int s = 0; s < LA_MAX_SPATIAL; s++)
    for (int t = 0; t < LA_MAX_TEMPORAL; t++)
      if (available(tr, s, t)) return (level){(int8_t)s, (int8_t)t};
  return PAUSED;
}

/* The highest available level not above l, or PAUSED. */
static level floor_available(const la_track *tr, level l) {
  for (int s = l.s; s >= 0; s--)
    for (int t = (s == l.s ? l.t : LA_MAX_TEMPORAL - 1); t >= 0; t--)
      if (available(tr, s, t)) return (level){(int8_t)s, (int8_t)t};
  return PAUSED;
}

/* The best level the viewer can use: the smallest spatial layer at least as tall as the tile
 * (the top one if none is), with its highest temporal layer. Sets *reason for a paused track
 * and *tile_limited when a taller layer exists. */
static level top_level(const la_track *tr, la_reason *reason, bool *tile_limited) {
  *tile_limited = false;
  int highest = -1;
  for (int s = 0; s < LA_MAX_SPATIAL; s++)
    for (int t = 0; t < LA_MAX_TEMPORAL; t++)
      if (available(tr, s, t)) highest = s;
  if (highest < 0) {
    *reason = LA_REASON_UNAVAILABLE;
    return PAUSED;
  }
  if (tr->tile_height == 0) {
    *reason = LA_REASON_HIDDEN;
    return PAUSED;
  }
  int s_use = highest;
  for (int s = 0; s < highest; s++) {
    bool any = false;
    for (int t = 0; t < LA_MAX_TEMPORAL; t++) any = any || available(tr, s, t);
    if (any && tr->height[s] > 0 && tr->height[s] >= tr->tile_height) {
      s_use = s;
      break;
    }
  }
  *tile_limited = s_use < highest;
  for (int t = LA_MAX_TEMPORAL - 1; t >= 0; t--)
    if (available(tr, s_use, t)) return (level){(int8_t)s_use, (int8_t)t};
  return PAUSED; /* not reached: s_use has a layer */
}

static int rank(const la_track *tr) {
  if (tr->kind == LA_SCREEN) return 0;
  if (tr->pinned) return 1;
  if (tr->speaker) return 2;
  return 3;
}

/* Layer-by-layer allocation of budget over the video tracks in priority order: every track its
 * lowest layer first (stopping at the first that does not fit, so nobody of lower priority
 * gets video before it), then each level (s, t) in turn, highest priority first. */
static void allocate(const la_track *tracks, const size_t *order, size_t n, const level *top,
                     const level *cur, uint64_t budget, level *out) {
  for (size_t i = 0; i < n; i++) out[i] = PAUSED;
  uint64_t left = budget;
  for (size_t k = 0; k < n; k++) {
    size_t i = order[k];
    if (tracks[i].kind == LA_AUDIO || is_paused(top[i])) continue;
    level low = lowest_available(&tracks[i]);
    uint64_t c = cost(&tracks[i], low);
    if (c > left) return;
    out[i] = low;
    left -= c;
  }
  for (int s = 0; s < LA_MAX_SPATIAL; s++)
    for (int t = 0; t < LA_MAX_TEMPORAL; t++)
      for (size_t k = 0; k < n; k++) {
        size_t i = order[k];
        level l = {(int8_t)s, (int8_t)t};
        if (tracks[i].kind == LA_AUDIO || is_paused(out[i])) continue;
        if (!usable(&tracks[i], s, t) || cmp_level(l, top[i]) > 0 || cmp_level(l, out[i]) <= 0) continue;
        /* A spatial layer above the one the track has now is entered at the top temporal layer
         * it may have: a 720p picture at half the frame rate is not worth a 360p one at the full
         * rate, and the switch costs a key frame either way. Within the current spatial layer
         * (a drop) a temporal layer usable() allows goes: that switch needs no key frame. */
        level above = {(int8_t)s, (int8_t)(t + 1)};
        if (s > cur[i].s && available(&tracks[i], s, t + 1) && cmp_level(above, top[i]) <= 0) continue;
        uint64_t now_c = cost(&tracks[i], out[i]), c = cost(&tracks[i], l);
        uint64_t delta = c > now_c ? c - now_c : 0;
        if (delta > left) continue;
        out[i] = l;
        left -= delta;
      }
}

void layer_alloc_init(layer_alloc *a) { memset(a, 0, sizeof *a); }

int layer_alloc_run(layer_alloc *a, uint64_t estimate_bps, const la_track *tracks, size_t n, int64_t now_us,
                    la_decision *out) {
  if (n > LA_MAX_TRACKS) return -1;
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < i; j++)
      if (tracks[i].id == tracks[j].id) return -1;

  /* Zeroed: every entry below n is written before use, but gcc 12 at -O2 cannot see it
   * (-Werror=maybe-uninitialized broke the release build). */
  level cur[LA_MAX_TRACKS] = {0}, top[LA_MAX_TRACKS] = {0}, full[LA_MAX_TRACKS] = {0},
        up[LA_MAX_TRACKS] = {0};
  la_reason why[LA_MAX_TRACKS] = {0};
  bool tile_limited[LA_MAX_TRACKS] = {0}, is_new[LA_MAX_TRACKS] = {0};
  la_entry next[LA_MAX_TRACKS];
  size_t order[LA_MAX_TRACKS] = {0};

  /* Previous state, by id; priority order (stable: insertion sort by rank). */
  for (size_t i = 0; i < n; i++) {
    memset(&next[i], 0, sizeof next[i]);
    next[i].id = tracks[i].id;
    cur[i] = PAUSED;
    is_new[i] = true;
    for (size_t k = 0; k < a->n; k++)
      if (a->e[k].id == tracks[i].id) {
        next[i] = a->e[k];
        cur[i] = (level){a->e[k].s, a->e[k].t};
        is_new[i] = false;
        break;
      }
    size_t k = i;
    while (k > 0 && rank(&tracks[order[k - 1]]) > rank(&tracks[i])) {
      order[k] = order[k - 1];
      k--;
    }
    order[k] = i;
  }

  /* Audio first, never paused. */
  uint64_t audio = 0;
  for (size_t i = 0; i < n; i++) {
    why[i] = LA_REASON_OPTIMAL;
    tile_limited[i] = false;
    if (tracks[i].kind == LA_AUDIO) {
      audio += tracks[i].bitrate[0][0];
      cur[i] = top[i] = (level){0, 0};
      continue;
    }
    top[i] = top_level(&tracks[i], &why[i], &tile_limited[i]);
    /* Constraints apply at once: a smaller tile, a layer no longer sent. */
    if (cmp_level(cur[i], top[i]) > 0) cur[i] = top[i];
    if (!is_paused(cur[i]) && !available(&tracks[i], cur[i].s, cur[i].t))
      cur[i] = floor_available(&tracks[i], cur[i]);
  }
  uint64_t budget = estimate_bps > audio ? estimate_bps - audio : 0;
  uint64_t up_budget = (uint64_t)((double)budget / LA_UP_HEADROOM);

  allocate(tracks, order, n, top, cur, budget, full);
  allocate(tracks, order, n, top, cur, up_budget, up);

  uint64_t total = 0;
  for (size_t i = 0; i < n; i++)
    if (tracks[i].kind != LA_AUDIO) total += cost(&tracks[i], cur[i]);

  /* Drop fast: over budget, every track to no more than the fresh allocation gives it. */
  if (total > budget) {
    total = 0;
    for (size_t i = 0; i < n; i++) {
      if (tracks[i].kind == LA_AUDIO) continue;
      cur[i] = min_level(cur[i], full[i]);
      next[i].up_pending = false;
      total += cost(&tracks[i], cur[i]);
    }
  }

  /* Rise slowly, in priority order. A paused track resumes only when no track before it in
   * that order is left paused (nobody gets video before a track that outranks it). A move that
   * does not fit takes the room from tracks after it that hold more than the headroom
   * allocation gives them (it is a valid allocation, so this always makes enough room for a
   * target not above it). */
  bool higher_paused = false;
  for (size_t k = 0; k < n; k++) {
    size_t i = order[k];
    la_entry *x = &next[i];
    if (tracks[i].kind == LA_AUDIO) continue;
    bool fire = false;
    level target = cur[i];
    if (cmp_level(up[i], cur[i]) <= 0) {
      x->up_pending = false;
    } else if (is_new[i] && is_paused(cur[i])) {
      /* A new track shows at once: at what the headroom allocation gives it when that fits
       * beside what the others hold now (starting lower and rising 2.5 s later cost a joiner a
       * second key frame and a 320-pixel first picture: bench_join), else at its lowest layer. */
      target = lowest_available(&tracks[i]);
      if (!is_paused(up[i]) && total + cost(&tracks[i], up[i]) <= up_budget) target = up[i];
      fire = true;
    } else if (!x->held && !is_paused(up[i])) {
      /* Not held back by the estimate: what it could not use before (a layer the publisher
       * had not sent, a smaller tile) is no sign of a short link. Waiting 2.5 s here kept every
       * new viewer on the lowest temporal layer (5 frames/s) for its first 3.5 s, because
       * Chromium's temporal layer ids show only after the first frames (interop_aiortc_test). */
      target = up[i];
      fire = true;
    } else {
      if (!x->up_pending) {
        x->up_pending = true;
        x->up_since = now_us;
        x->up_s = up[i].s;
        x->up_t = up[i].t;
      } else {
        level m = min_level((level){x->up_s, x->up_t}, up[i]);
        x->up_s = m.s;
        x->up_t = m.t;
      }
      if (now_us - x->up_since >= LA_UP_DELAY_US) {
        target = (level){x->up_s, x->up_t};
        fire = true;
      }
    }
    if (fire && !(higher_paused && is_paused(cur[i]))) {
      uint64_t after = total - cost(&tracks[i], cur[i]) + cost(&tracks[i], target);
      for (size_t m = k + 1; m < n && after > up_budget; m++) {
        size_t j = order[m];
        if (tracks[j].kind == LA_AUDIO || cmp_level(cur[j], up[j]) <= 0) continue;
        uint64_t c_now = cost(&tracks[j], cur[j]), c_up = cost(&tracks[j], up[j]);
        if (c_now <= c_up) continue; /* bitrates that do not grow with the layer: nothing to gain */
        uint64_t freed = c_now - c_up;
        total -= freed;
        after -= freed;
        cur[j] = up[j];
        next[j].up_pending = false;
      }
      if (after <= up_budget) {
        total = after;
        cur[i] = target;
        x->up_pending = false;
      }
    }
    if (!is_paused(top[i]) && is_paused(cur[i])) higher_paused = true;
  }

  /* Decisions and reasons; remember them. */
  for (size_t i = 0; i < n; i++) {
    la_decision *d = &out[i];
    d->id = tracks[i].id;
    d->spatial = cur[i].s;
    d->temporal = cur[i].t;
    if (tracks[i].kind == LA_AUDIO)
      d->reason = LA_REASON_OPTIMAL;
    else if (is_paused(top[i]))
      d->reason = why[i];
    else if (is_paused(cur[i]))
      d->reason = LA_REASON_PAUSED;
    else if (cmp_level(cur[i], top[i]) < 0)
      d->reason = LA_REASON_BANDWIDTH;
    else
      d->reason = tile_limited[i] ? LA_REASON_TILE : LA_REASON_OPTIMAL;
    d->changed = is_new[i] || next[i].s != cur[i].s || next[i].t != cur[i].t;
    next[i].held = d->reason == LA_REASON_BANDWIDTH || d->reason == LA_REASON_PAUSED;
    next[i].s = cur[i].s;
    next[i].t = cur[i].t;
  }
  memcpy(a->e, next, n * sizeof next[0]);
  a->n = n;
  a->cost_bps = audio + total;
  return 0;
}

const char *la_reason_name(la_reason r) {
  switch (r) {
    case LA_REASON_OPTIMAL:
      return "optimal";
    case LA_REASON_BANDWIDTH:
      return "bandwidth";
    case LA_REASON_TILE:
      return "tile";
    case LA_REASON_PAUSED:
      return "paused";
    case LA_REASON_HIDDEN:
      return "hidden";
    case LA_REASON_UNAVAILABLE:
      return "unavailable";
  }
  return "unknown";
}
