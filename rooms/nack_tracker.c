/* Loss detection for upstream generic NACKs: a fixed, seq-ordered list of missing packets with
 * their retry schedule. See nack_tracker.h for the policy. Written by hand: it is per-stream
 * state on the forwarding path that must not allocate, and no library offers it standalone. */
#include "rooms/nack_tracker.h"

#include <assert.h>
#include <string.h>

#include "base/seq.h"

void nack_tracker_init(nack_tracker *t) { memset(t, 0, sizeof *t); }

/* Gives up the whole list and restarts at extended seq `at`. */
static void nack_tracker__reset(nack_tracker *t, int64_t at) {
  t->lost_for_good += t->count;
  t->count = 0;
  t->highest = at;
  t->resets++;
  t->wants_keyframe = true;
}

/* Index of the entry with extended seq `seq`, or -1. Binary search: entries are sorted. */
static ptrdiff_t nack_tracker__find(const nack_tracker *t, int64_t seq) {
  size_t lo = 0, hi = t->count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (t->missing[mid].seq < seq)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < t->count && t->missing[lo].seq == seq ? (ptrdiff_t)lo : -1;
}

static void nack_tracker__drop_oldest(nack_tracker *t, size_t n) {
  assert(n <= t->count);
  memmove(t->missing, t->missing + n, (t->count - n) * sizeof t->missing[0]);
  t->count -= n;
}

void nack_tracker_on_packet(nack_tracker *t, uint16_t seq, bool is_retransmission, uint64_t now_ms) {
  if (!t->started) {
    if (is_retransmission) return; /* nothing to anchor on yet */
    t->started = true;
    t->highest = seq;
    return;
  }
  int32_t d = seq16_delta(seq, (uint16_t)t->highest);
  int64_t ext = t->highest + d;

  if (d <= 0 || is_retransmission) {
    ptrdiff_t i = d == 0 ? -1 : nack_tracker__find(t, ext);
    if (i >= 0) {
      memmove(t->missing + i, t->missing + i + 1, (t->count - (size_t)i - 1) * sizeof t->missing[0]);
      t->count--;
      t->recovered++;
    } else if (!is_retransmission && d < -NACK_TRACKER_MAX_BACKWARD) {
      nack_tracker__reset(t, ext);
    }
    return;
  }
  if (d > NACK_TRACKER_MAX_JUMP) {
    t->lost_for_good += (uint64_t)(d - 1);
    nack_tracker__reset(t, ext);
    return;
  }
  size_t add = (size_t)(d - 1);
  if (t->count + add > NACK_TRACKER_CAP) {
    size_t n = t->count + add - NACK_TRACKER_CAP;
    nack_tracker__drop_oldest(t, n);
    t->lost_for_good += n;
    t->wants_keyframe = true;
  }
  for (int64_t s = t->highest + 1; s < ext; s++) {
    t->missing[t->count++] =
        (nack_tracker_entry){.seq = s, .since_ms = now_ms, .due_ms = now_ms + NACK_TRACKER_GRACE_MS};
  }
  assert(t->count <= NACK_TRACKER_CAP);
  t->highest = ext;
}

size_t nack_tracker_due(nack_tracker *t, uint64_t now_ms, uint64_t rtt_ms, uint16_t *out, size_t cap) {
  uint64_t retry = rtt_ms > NACK_TRACKER_MIN_RETRY_MS ? rtt_ms : NACK_TRACKER_MIN_RETRY_MS;
  size_t n = 0, keep = 0;
  for (size_t i = 0; i < t->count; i++) {
    nack_tracker_entry e = t->missing[i];
    if (now_ms >= e.since_ms && now_ms - e.since_ms >= NACK_TRACKER_MAX_AGE_MS) {
      t->lost_for_good++;
      continue;
    }
    if (e.tries < NACK_TRACKER_MAX_TRIES && now_ms >= e.due_ms && n < cap) {
      out[n++] = (uint16_t)e.seq;
      e.tries++;
      e.due_ms = now_ms + retry;
      t->nacks_sent++;
    }
    t->missing[keep++] = e;
  }
  t->count = keep;
  return n;
}

bool nack_tracker_wants_keyframe(nack_tracker *t) {
  bool w = t->wants_keyframe;
  t->wants_keyframe = false;
  return w;
}
