/* VP8 descriptor rewriter (see vp8_rewriter.h). PictureIDs are compared modulo the width the
 * packet uses (2^15 or 2^7); a picture is "new" when its PictureID is newer than every one seen
 * from the source, and the forward/drop decision is taken once, for its first packet seen, and
 * remembered for the others in a ring indexed by the PictureID's low bits. */
#include "rooms/vp8_rewriter.h"

#include <string.h>

#include "gateway/rtc/vp8.h"

void vp8_rewriter_init(vp8_rewriter *rw) {
  memset(rw, 0, sizeof *rw);
  rw->waiting_tid = 3;
}

void vp8_rewriter_set_target(vp8_rewriter *rw, uint32_t ssrc, uint8_t max_tid) {
  rw->have_target = true;
  rw->target_ssrc = ssrc;
  rw->target_tid = max_tid > 3 ? 3 : max_tid;
}

void vp8_rewriter_restart(vp8_rewriter *rw) { rw->started = false; }

void vp8_rewriter_set_waiting_tid(vp8_rewriter *rw, uint8_t max_tid) {
  rw->waiting_tid = max_tid > 3 ? 3 : max_tid;
}

bool vp8_rewriter_waiting_keyframe(const vp8_rewriter *rw) {
  return rw->have_target && (!rw->started || rw->ssrc != rw->target_ssrc);
}

static bool pid_newer(uint16_t a, uint16_t b, uint16_t mask) {
  uint16_t d = (uint16_t)((a - b) & mask);
  return d != 0 && d <= mask / 2;
}

static vp8_rw_result drop(vp8_rewriter *rw) {
  rw->dropped++;
  return VP8_RW_DROP;
}

/* Takes `ssrc` as the source from this key frame on. */
static void switch_source(vp8_rewriter *rw, uint32_t ssrc, const vp8_desc *d) {
  uint16_t mask = d->picture_id_15 ? 0x7FFF : 0x7F;
  rw->started = true;
  rw->ssrc = ssrc;
  if (d->has_picture_id) {
    uint16_t first = rw->out_pid_valid ? (uint16_t)(rw->last_out_pid + 1) : d->picture_id;
    rw->pid_offset = (uint16_t)((first - d->picture_id) & mask);
  }
  if (d->has_tl0) {
    uint8_t first = rw->out_tl0_valid ? (uint8_t)(rw->last_out_tl0 + 1) : d->tl0picidx;
    rw->tl0_offset = (uint8_t)(first - d->tl0picidx);
  }
  memset(rw->hist, 0, sizeof rw->hist);
  rw->max_valid = false;
  rw->cur_tid = rw->target_tid;
}

vp8_rw_result vp8_rewriter_process(vp8_rewriter *rw, uint32_t ssrc, uint8_t *payload, size_t len) {
  vp8_desc d;
  if (vp8_desc_parse(payload, len, &d) < 0) {
    rw->malformed++;
    return drop(rw);
  }
  if (!rw->have_target) return drop(rw);
  if (!rw->started || ssrc != rw->ssrc) {
    if (ssrc != rw->target_ssrc || !d.keyframe) return drop(rw);
    switch_source(rw, ssrc, &d);
  }

  if (!d.has_picture_id) { /* nothing to renumber: filter by layer only */
    if (d.has_tid && d.tid > rw->cur_tid) return drop(rw);
    if (d.has_tl0) vp8_desc_set_tl0picidx(payload, &d, (uint8_t)(d.tl0picidx + rw->tl0_offset));
    rw->forwarded++;
    return VP8_RW_FORWARD;
  }

  uint16_t mask = d.picture_id_15 ? 0x7FFF : 0x7F;
  uint16_t pid = d.picture_id;
  size_t slot = pid % VP8_RW_HISTORY;
  if (!rw->max_valid || pid_newer(pid, rw->max_in_pid, mask)) { /* a new picture: decide once */
    uint8_t lim = rw->target_tid;
    if (rw->ssrc != rw->target_ssrc && rw->waiting_tid < lim) lim = rw->waiting_tid;
    if (lim < rw->cur_tid)
      rw->cur_tid = lim;
    else if (d.has_tid && d.tid > rw->cur_tid && d.tid <= lim && d.layer_sync)
      rw->cur_tid = d.tid;
    if (d.keyframe) rw->cur_tid = lim;
    /* Pictures between the previous newest and this one (lost or late) are forgotten. */
    if (rw->max_valid) {
      uint16_t gap = (uint16_t)((pid - rw->max_in_pid) & mask);
      for (uint16_t k = 1; k < gap && k <= VP8_RW_HISTORY; k++)
        rw->hist[(uint16_t)((rw->max_in_pid + k) & mask) % VP8_RW_HISTORY].valid = false;
    }
    bool dropped = d.has_tid && d.tid > rw->cur_tid;
    rw->hist[slot].valid = true;
    rw->hist[slot].in_pid = pid;
    rw->hist[slot].dropped = dropped;
    rw->hist[slot].out_pid = (uint16_t)((pid + rw->pid_offset) & mask);
    rw->max_in_pid = pid;
    rw->max_valid = true;
    if (dropped) {
      rw->pid_offset = (uint16_t)((rw->pid_offset - 1) & mask); /* later pictures close the gap */
    } else {
      rw->last_out_pid = rw->hist[slot].out_pid;
      rw->out_pid_valid = true;
      if (d.has_tl0) {
        rw->last_out_tl0 = (uint8_t)(d.tl0picidx + rw->tl0_offset);
        rw->out_tl0_valid = true;
      }
    }
  }
  if (!rw->hist[slot].valid || rw->hist[slot].in_pid != pid || rw->hist[slot].dropped) return drop(rw);
  vp8_desc_set_picture_id(payload, &d, rw->hist[slot].out_pid);
  if (d.has_tl0) vp8_desc_set_tl0picidx(payload, &d, (uint8_t)(d.tl0picidx + rw->tl0_offset));
  rw->forwarded++;
  return VP8_RW_FORWARD;
}
