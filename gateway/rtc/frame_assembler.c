/* Frame assembly from RTP (see frame_assembler.h). Packets go into a ring of FA_WINDOW slots
 * indexed by extended sequence number; the ring is drained in sequence order as soon as the
 * next number is present, or when a packet FA_WINDOW numbers newer forces the oldest out (a
 * missing one is then a gap). The drained stream of packets and gaps goes to the codec's
 * builder: Opus emits every packet, VP8 collects one timestamp's packets into the caller's
 * frame buffer and decides at the marker whether the frame is decodable. */
#include "gateway/rtc/frame_assembler.h"

#include <string.h>

#include "gateway/rtc/rtp.h"
#include "gateway/rtc/vp8.h"

int fa_vp8_keyframe_size(const uint8_t *f, size_t len, uint16_t *width, uint16_t *height, uint8_t *hscale,
                         uint8_t *vscale) {
  if (len < 10 || (f[0] & 0x01) || f[3] != 0x9d || f[4] != 0x01 || f[5] != 0x2a) return -1;
  uint16_t w = (uint16_t)(f[6] | f[7] << 8), h = (uint16_t)(f[8] | f[9] << 8);
  if ((w & 0x3FFF) == 0 || (h & 0x3FFF) == 0) return -1;
  *width = w & 0x3FFF;
  *height = h & 0x3FFF;
  *hscale = (uint8_t)(w >> 14);
  *vscale = (uint8_t)(h >> 14);
  return 0;
}

static void reset_stream(frame_assembler *fa) {
  for (size_t i = 0; i < FA_WINDOW; i++) fa->slot[i].used = false;
  fa->have_seq = false;
  fa->holding = false;
  fa->late_run = 0;
  fa->released_bits = 0;
  fa->emitted_any = false;
  fa->have_ts = false;
  fa->collecting = false;
  fa->discarding = false;
  fa->need_key = true;
  fa->gap_between = false;
  fa->have_last_pid = false;
}

int fa_init(frame_assembler *fa, fa_codec codec, uint8_t *frame_buf, size_t frame_cap, fa_frame_fn on_frame,
            void *ctx) {
  memset(fa, 0, sizeof *fa);
  if ((codec != FA_VP8 && codec != FA_OPUS) || !frame_buf || frame_cap == 0 || !on_frame) return -1;
  fa->codec = codec;
  fa->frame_buf = frame_buf;
  fa->frame_cap = frame_cap;
  fa->on_frame = on_frame;
  fa->ctx = ctx;
  reset_stream(fa);
  return 0;
}

static void emit(frame_assembler *fa, fa_frame *f) {
  f->ssrc = fa->ssrc;
  f->ts_ext = fa->have_ts ? fa->last_ts_ext + (int32_t)(f->rtp_ts - (uint32_t)fa->last_ts_ext) : f->rtp_ts;
  fa->have_ts = true;
  fa->last_ts_ext = f->ts_ext;
  f->new_stream = !fa->emitted_any;
  fa->emitted_any = true;
  fa->stats.frames++;
  fa->on_frame(fa->ctx, f);
}

/* ---- VP8 ---- */

/* A frame that cannot be shown: later delta frames would reference it, unless the encoder
 * marked it non-reference (N). */
static void vp8_drop(frame_assembler *fa, uint64_t *counter) {
  (*counter)++;
  fa->collecting = false;
  if (!fa->cur_nonref) fa->need_key = true;
}

static void vp8_finish(frame_assembler *fa) {
  fa->collecting = false;
  if (fa->broken) return vp8_drop(fa, &fa->stats.frames_incomplete);
  if (fa->oversize) return vp8_drop(fa, &fa->stats.frames_oversize);
  fa_frame f = {.data = fa->frame_buf,
                .len = fa->cur_len,
                .rtp_ts = fa->cur_ts,
                .arrival_us = fa->cur_arrival,
                .first_seq = fa->cur_first_seq,
                .keyframe = fa->cur_key,
                .has_picture_id = fa->cur_has_pid,
                .picture_id = fa->cur_pid};
  if (f.keyframe) {
    if (fa_vp8_keyframe_size(f.data, f.len, &f.width, &f.height, &f.hscale, &f.vscale) != 0) {
      fa->cur_nonref = false;
      return vp8_drop(fa, &fa->stats.malformed);
    }
    fa->need_key = false;
  } else if (fa->need_key) {
    fa->stats.frames_no_key++;
    return;
  }
  fa->have_last_pid = f.has_picture_id;
  fa->last_pid = f.picture_id;
  fa->last_pid_15 = fa->cur_pid_15;
  emit(fa, &f);
}

static void vp8_gap(frame_assembler *fa) {
  if (fa->collecting)
    fa->broken = true;
  else if (!fa->discarding)
    fa->gap_between = true;
}

static void vp8_packet(frame_assembler *fa, const fa_slot *s) {
  vp8_desc d;
  if (vp8_desc_parse(s->data, s->len, &d) != 0) {
    fa->stats.malformed++;
    return vp8_gap(fa);
  }
  if (fa->collecting && s->ts != fa->cur_ts) vp8_drop(fa, &fa->stats.frames_incomplete); /* no marker */
  if (fa->discarding && s->ts != fa->discard_ts) fa->discarding = false;
  if (fa->discarding) {
    if (s->marker) fa->discarding = false;
    return;
  }
  if (!fa->collecting) {
    if (!d.start || d.partition != 0) { /* the rest of a frame whose start is lost */
      fa->cur_nonref = d.non_ref;
      vp8_drop(fa, &fa->stats.frames_incomplete);
      fa->gap_between = false;
      fa->discarding = !s->marker;
      fa->discard_ts = s->ts;
      return;
    }
    fa->collecting = true;
    fa->broken = fa->oversize = false;
    fa->cur_ts = s->ts;
    fa->cur_len = 0;
    fa->cur_arrival = s->arrival_us;
    fa->cur_first_seq = s->ext;
    fa->cur_key = d.keyframe;
    fa->cur_nonref = d.non_ref;
    fa->cur_has_pid = d.has_picture_id;
    fa->cur_pid = d.picture_id;
    fa->cur_pid_15 = d.picture_id_15;
    if (fa->gap_between) { /* lost packets since the last frame: a lost frame, or padding? */
      uint16_t mod = d.picture_id_15 ? 0x8000 : 0x80;
      bool follows = d.has_picture_id && fa->have_last_pid && fa->last_pid_15 == d.picture_id_15 &&
                     d.picture_id == (uint16_t)((fa->last_pid + 1) % mod);
      if (!follows) fa->need_key = true;
      fa->gap_between = false;
    }
  }
  size_t n = s->len - d.header_len;
  if (fa->cur_len + n > fa->frame_cap) {
    fa->oversize = true;
  } else if (!fa->oversize) {
    memcpy(fa->frame_buf + fa->cur_len, s->data + d.header_len, n);
    fa->cur_len += n;
  }
  if (s->arrival_us > fa->cur_arrival) fa->cur_arrival = s->arrival_us;
  if (s->marker) vp8_finish(fa);
}

/* ---- the ordered stream ---- */

static void opus_packet(frame_assembler *fa, const fa_slot *s) {
  if (s->len > fa->frame_cap) {
    fa->stats.frames_oversize++;
    return;
  }
  fa_frame f = {.data = s->data,
                .len = s->len,
                .rtp_ts = s->ts,
                .arrival_us = s->arrival_us,
                .first_seq = s->ext,
                .keyframe = true};
  emit(fa, &f);
}

/* Releases sequence number fa->next (present or lost) to the builder. */
static void release_one(frame_assembler *fa) {
  fa_slot *s = &fa->slot[fa->next % FA_WINDOW];
  bool present = s->used && s->ext == fa->next;
  fa->released_bits = fa->released_bits << 1 | (present ? 1u : 0u);
  if (present) {
    s->used = false;
    if (s->len == 0) { /* padding only: holds a sequence number, no media */
    } else if (fa->codec == FA_VP8) {
      vp8_packet(fa, s);
    } else {
      opus_packet(fa, s);
    }
  } else {
    fa->stats.lost++;
    if (fa->codec == FA_VP8) vp8_gap(fa);
  }
  fa->next++;
}

/* Releases every sequence number below upto. */
static void advance(frame_assembler *fa, uint64_t upto) {
  fa->holding = false;
  if (upto > fa->next + FA_WINDOW) { /* a jump: drain the ring, then count the rest as lost */
    uint64_t end = fa->next + FA_WINDOW;
    while (fa->next < end) release_one(fa);
    fa->stats.lost += upto - fa->next;
    if (fa->codec == FA_VP8) vp8_gap(fa);
    fa->released_bits = 0;
    fa->next = upto;
  }
  while (fa->next < upto) release_one(fa);
}

static void drain_ready(frame_assembler *fa) {
  if (fa->holding) return;
  for (;;) {
    fa_slot *s = &fa->slot[fa->next % FA_WINDOW];
    if (!s->used || s->ext != fa->next) return;
    release_one(fa);
  }
}

void fa_flush(frame_assembler *fa) {
  fa->holding = false;
  if (fa->have_seq) advance(fa, fa->highest + 1);
  if (fa->codec == FA_VP8 && fa->collecting) vp8_drop(fa, &fa->stats.frames_incomplete);
  fa->discarding = false;
}

/* The first packet of a stream: its number is extended with room below for packets that
 * arrive after it but belong before it. */
static uint64_t start_seq(frame_assembler *fa, uint16_t seq) {
  uint64_t ext = (uint64_t)1 << 32 | seq;
  fa->have_seq = true;
  fa->highest = fa->next = ext;
  fa->released_bits = 0;
  fa->holding = true;
  return ext;
}

void fa_push(frame_assembler *fa, const uint8_t *pkt, size_t len, uint64_t arrival_us) {
  fa->stats.packets++;
  rtp_packet p;
  if (rtp_parse(pkt, len, &p) != 0) {
    fa->stats.malformed++;
    return;
  }
  if (!fa->have_ssrc || p.ssrc != fa->ssrc) { /* a new stream */
    if (fa->have_ssrc) fa_flush(fa);
    reset_stream(fa);
    fa->have_ssrc = true;
    fa->ssrc = p.ssrc;
    fa->stats.streams++;
  }
  if (p.payload_len > FA_SLOT_BYTES) {
    fa->stats.oversize_packets++;
    return;
  }
  uint64_t ext;
  if (!fa->have_seq) {
    ext = start_seq(fa, p.seq);
  } else {
    ext = fa->highest + (int64_t)(int16_t)(p.seq - (uint16_t)fa->highest);
    if (ext < fa->next && fa->holding && fa->highest - ext < FA_WINDOW) fa->next = ext; /* earlier start */
    if (ext < fa->next) {
      uint64_t back = fa->next - ext;
      if (back <= 64 && (fa->released_bits >> (back - 1) & 1)) {
        fa->stats.duplicates++;
        return;
      }
      fa->stats.late++;
      if (++fa->late_run > FA_WINDOW) { /* the sequence restarted: a new stream, same SSRC */
        fa_flush(fa);
        reset_stream(fa);
        fa->stats.streams++;
        ext = start_seq(fa, p.seq);
      } else {
        return;
      }
    }
    if (ext > fa->highest) fa->highest = ext;
  }
  fa->late_run = 0;
  if (ext >= fa->next + FA_WINDOW) advance(fa, ext - FA_WINDOW + 1);
  fa_slot *s = &fa->slot[ext % FA_WINDOW];
  if (s->used) { /* the window holds only next..next+FA_WINDOW-1: the same number */
    fa->stats.duplicates++;
    return;
  }
  s->used = true;
  s->ext = ext;
  s->marker = p.marker;
  s->ts = p.ts;
  s->arrival_us = arrival_us;
  s->len = (uint16_t)p.payload_len;
  memcpy(s->data, p.payload, p.payload_len);
  drain_ready(fa);
}
