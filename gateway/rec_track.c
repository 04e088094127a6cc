/* One participant's track of one kind, read from its spools and timed (see rec_track.h). */
#include "gateway/rec_track.h"

#include <stdlib.h>
#include <string.h>

#include "base/bytes.h"

/* An RTP record worth giving the assembler: version 2 and the spool's payload type. A packet
 * of another type is not this track's (garbage, or RTX/FEC the recorder should not have kept):
 * with another SSRC it would otherwise restart the stream and lose the video until the next key
 * frame. The same test in both passes keeps their frames the same. */
static bool rtp_of_track(const rec_spool_src *s, const uint8_t *p, size_t len) {
  return len >= 12 && (p[0] >> 6) == 2 && (p[1] & 0x7F) == s->h.payload_type;
}

/* ---- pass 1: segments ---- */

/* Sender reports carry no SSRC: each is given the SSRC of the RTP packet read before it, or,
 * after a "layer" marker (the recorder writes a simulcast switch as the marker, the new
 * encoding's last SR, then its packets) or before any packet, the SSRC of the next packet that
 * brings another one. The first report of each SSRC is kept (a few SSRCs at a time). */
#define SR_SLOTS 8
typedef struct {
  uint32_t ssrc;
  uint64_t ntp;
  uint32_t rtp;
} sr_slot;

typedef struct {
  rec_spool_src *s;
  bool have_ssrc;
  uint32_t cur_ssrc; /* of the last RTP packet given to the assembler */
  bool awaiting;     /* the pending report is for the next SSRC */
  uint64_t pend_ntp;
  uint32_t pend_rtp;
  bool switching; /* a "layer" marker was read and no packet of another SSRC yet */
  sr_slot sr[SR_SLOTS];
  int nsr, next_slot;
} analyze_ctx;

static const sr_slot *sr_find(const analyze_ctx *c, uint32_t ssrc) {
  for (int i = 0; i < c->nsr; i++)
    if (c->sr[i].ssrc == ssrc) return &c->sr[i];
  return NULL;
}

static void seg_set_sr(rec_segment *g, uint32_t clock, uint64_t ntp, uint32_t rtp) {
  int64_t rel = (int64_t)(int32_t)(rtp - (uint32_t)g->ref_ts);
  int64_t rel_us = rel * 1000000 / (int64_t)clock;
  int64_t ntp_us = (int64_t)(ntp >> 32) * 1000000 + (int64_t)(((ntp & 0xFFFFFFFFu) * 1000000u) >> 32);
  g->sr_k = ntp_us - rel_us;
  g->has_sr = true;
}

/* RTP time of ts_ext since the segment's first frame, in us; false if out of any recording's
 * span (a jump). */
static bool seg_rel_us(const rec_segment *g, int64_t ts_ext, uint32_t clock, int64_t *rel_us) {
  int64_t rel;
  if (__builtin_sub_overflow(ts_ext, g->ref_ts, &rel)) return false;
  int64_t lim = (int64_t)clock * (REC_TRACK_MAX_SPAN_US / 1000000);
  if (rel > lim || rel < -lim) return false;
  *rel_us = rel * 1000000 / (int64_t)clock;
  return true;
}

/* Keeps the first report of ssrc; gives it to the latest segment if that is ssrc's and has none. */
static void sr_add(analyze_ctx *c, uint32_t ssrc, uint64_t ntp, uint32_t rtp) {
  if (!sr_find(c, ssrc)) {
    c->sr[c->next_slot] = (sr_slot){.ssrc = ssrc, .ntp = ntp, .rtp = rtp};
    c->next_slot = (c->next_slot + 1) % SR_SLOTS;
    if (c->nsr < SR_SLOTS) c->nsr++;
  }
  rec_spool_src *s = c->s;
  if (s->nseg && !s->seg[s->nseg - 1].has_sr && s->seg[s->nseg - 1].ssrc == ssrc) {
    const sr_slot *r = sr_find(c, ssrc);
    if (r) seg_set_sr(&s->seg[s->nseg - 1], s->h.clock_rate, r->ntp, r->rtp);
  }
}

static void analyze_frame(void *ctx, const fa_frame *f) {
  analyze_ctx *c = ctx;
  rec_spool_src *s = c->s;
  if (s->oom) return;
  uint64_t idx = s->frames++;
  int64_t arrival = s->start_us + (int64_t)f->arrival_us;
  rec_segment *g = s->nseg ? &s->seg[s->nseg - 1] : NULL;
  bool fresh = !g || f->new_stream;
  if (!fresh) {
    int64_t rel_us;
    if (!seg_rel_us(g, f->ts_ext, s->h.clock_rate, &rel_us)) {
      fresh = true;
    } else {
      int64_t d = arrival - rel_us;
      if (d > g->min_d + REC_TRACK_JUMP_US || d < g->min_d - REC_TRACK_JUMP_US)
        fresh = true;
      else if (d < g->min_d)
        g->min_d = d;
      if (!fresh && rel_us > g->max_rel_us) g->max_rel_us = rel_us;
    }
  }
  if (fresh) {
    if (s->nseg == s->capseg) {
      size_t cap = s->capseg ? s->capseg * 2 : 8;
      rec_segment *n = realloc(s->seg, cap * sizeof *n);
      if (!n) {
        s->oom = true;
        return;
      }
      s->seg = n;
      s->capseg = cap;
    }
    g = &s->seg[s->nseg++];
    memset(g, 0, sizeof *g);
    g->first_frame = idx;
    g->ref_ts = f->ts_ext;
    g->min_d = arrival;
    g->ssrc = f->ssrc;
    const sr_slot *r = sr_find(c, f->ssrc);
    if (r) seg_set_sr(g, s->h.clock_rate, r->ntp, r->rtp);
  }
  if (s->h.kind == REC_KIND_VIDEO && f->keyframe && !s->have_size && f->width && f->height) {
    s->have_size = true;
    s->width = f->width;
    s->height = f->height;
  }
}

int rec_track_analyze(rec_spool_src *s, frame_assembler *fa, uint8_t *fbuf) {
  analyze_ctx c = {.s = s};
  s->frames = s->records = s->bad_times = 0;
  s->nseg = 0;
  s->have_size = false;
  rec_spool_reader r;
  rec_spool_header h;
  if (rec_spool_reader_init(&r, s->map.data, s->map.len, &h) != 0 ||
      fa_init(fa, s->h.codec == REC_CODEC_VP8 ? FA_VP8 : FA_OPUS, fbuf, FA_MAX_FRAME, analyze_frame, &c) !=
          0) {
    s->end = REC_READ_CORRUPT;
    return 0;
  }
  rec_spool_record rec;
  rec_read_result rr = REC_READ_END;
  while (!s->oom && (rr = rec_spool_next(&r, &rec)) == REC_READ_OK) {
    s->records++;
    if (rec.time_us > (uint64_t)REC_TRACK_MAX_SPAN_US) {
      s->bad_times++;
      continue;
    }
    if (rec.type == REC_RTP) {
      if (!rtp_of_track(s, rec.payload, rec.len)) continue;
      const uint8_t *p = rec.payload;
      uint32_t ssrc = be32_read(p + 8);
      if (c.awaiting && (!c.have_ssrc || ssrc != c.cur_ssrc)) {
        sr_add(&c, ssrc, c.pend_ntp, c.pend_rtp);
        c.awaiting = false;
      }
      if (c.have_ssrc && ssrc != c.cur_ssrc) c.switching = false;
      c.have_ssrc = true;
      c.cur_ssrc = ssrc;
      fa_push(fa, rec.payload, rec.len, rec.time_us);
    } else if (rec.type == REC_MARKER) {
      if (rec.len >= 6 && !memcmp(rec.payload, "layer ", 6)) c.switching = true;
    } else if (rec.type == REC_SR) {
      uint64_t ntp;
      uint32_t rtp;
      if (rec_spool_sr_decode(rec.payload, rec.len, &ntp, &rtp) != 0 || ntp == 0) continue;
      if (c.switching || !c.have_ssrc) {
        c.awaiting = true; /* the latest before the next SSRC's packets */
        c.pend_ntp = ntp;
        c.pend_rtp = rtp;
      } else {
        sr_add(&c, c.cur_ssrc, ntp, rtp);
      }
    }
  }
  if (!s->oom) fa_flush(fa);
  s->end = s->oom ? REC_READ_CORRUPT : rr;
  s->stats = fa->stats;
  return s->oom ? -1 : 0;
}

/* ---- placing a participant's segments ---- */

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

bool rec_track_place_user(rec_spool_src **srcs, int n) {
  size_t nsr = 0;
  for (int i = 0; i < n; i++)
    for (size_t j = 0; j < srcs[i]->nseg; j++) nsr += srcs[i]->seg[j].has_sr;
  int64_t off = 0;
  bool use_sr = false;
  int64_t *v = nsr ? malloc(nsr * sizeof *v) : NULL;
  if (v) {
    /* v = arrival - sender clock over a segment; the segments' values differ only by their
     * network delays. The median keeps a report of another stream (or a lying one) from pulling
     * the others: those further than the skew from it are placed on arrival instead. */
    size_t k = 0;
    for (int i = 0; i < n; i++)
      for (size_t j = 0; j < srcs[i]->nseg; j++)
        if (srcs[i]->seg[j].has_sr) v[k++] = srcs[i]->seg[j].min_d - srcs[i]->seg[j].sr_k;
    qsort(v, nsr, sizeof *v, cmp_i64);
    int64_t med = v[nsr / 2];
    free(v);
    for (int i = 0; i < n; i++)
      for (size_t j = 0; j < srcs[i]->nseg; j++) {
        rec_segment *g = &srcs[i]->seg[j];
        if (!g->has_sr) continue;
        int64_t x = g->min_d - g->sr_k;
        if (x > med + REC_TRACK_SR_MAX_SKEW_US || x < med - REC_TRACK_SR_MAX_SKEW_US) {
          g->has_sr = false;
        } else if (!use_sr || x < off) {
          off = x;
          use_sr = true;
        }
      }
  } else {
    for (int i = 0; i < n; i++)
      for (size_t j = 0; j < srcs[i]->nseg; j++) srcs[i]->seg[j].has_sr = false;
  }
  for (int i = 0; i < n; i++)
    for (size_t j = 0; j < srcs[i]->nseg; j++) {
      rec_segment *g = &srcs[i]->seg[j];
      g->place = g->has_sr ? g->sr_k + off : g->min_d;
    }
  return use_sr;
}

bool rec_track_span(const rec_spool_src *s, int64_t *begin_us, int64_t *end_us) {
  if (s->frames == 0 || s->nseg == 0) return false;
  *begin_us = s->seg[0].place;
  *end_us = s->seg[0].place;
  for (size_t j = 0; j < s->nseg; j++) {
    if (s->seg[j].place < *begin_us) *begin_us = s->seg[j].place;
    if (s->seg[j].place + s->seg[j].max_rel_us > *end_us) *end_us = s->seg[j].place + s->seg[j].max_rel_us;
  }
  return true;
}

/* ---- pass 2: frames in order ---- */

static void read_frame(void *ctx, const fa_frame *f) {
  rec_track *t = ctx;
  rec_spool_src *s = t->src[t->cur];
  uint64_t idx = t->frame_idx++;
  if (t->oom || s->nseg == 0) return;
  while (t->seg_idx + 1 < s->nseg && s->seg[t->seg_idx + 1].first_frame <= idx) t->seg_idx++;
  const rec_segment *g = &s->seg[t->seg_idx];
  int64_t rel_us = 0;
  if (!seg_rel_us(g, f->ts_ext, s->h.clock_rate, &rel_us)) rel_us = 0; /* pass 1 made it a segment */
  if (t->qn == t->qcap) {
    size_t cap = t->qcap ? t->qcap * 2 : 64;
    struct rec_track_q *n = realloc(t->q, cap * sizeof *n);
    if (!n) {
      t->oom = true;
      return;
    }
    t->q = n;
    t->qcap = cap;
  }
  if (t->qfill + f->len > t->qdcap) {
    size_t cap = t->qdcap ? t->qdcap : 256 * 1024;
    while (cap < t->qfill + f->len) cap *= 2;
    uint8_t *n = realloc(t->qdata, cap);
    if (!n) {
      t->oom = true;
      return;
    }
    t->qdata = n;
    t->qdcap = cap;
  }
  memcpy(t->qdata + t->qfill, f->data, f->len);
  t->q[t->qn++] =
      (struct rec_track_q){.out_us = g->place + rel_us, .key = f->keyframe, .off = t->qfill, .len = f->len};
  t->qfill += f->len;
}

int rec_track_open(rec_track *t) {
  t->cur = 0;
  t->started = t->done = t->oom = false;
  t->q = NULL;
  t->qdata = NULL;
  t->qn = t->qcap = t->qhead = t->qfill = t->qdcap = 0;
  t->last_ms = -1;
  t->fa = malloc(sizeof *t->fa);
  t->fbuf = malloc(FA_MAX_FRAME);
  if (!t->fa || !t->fbuf) {
    rec_track_close(t);
    return -1;
  }
  return 0;
}

int rec_track_next(rec_track *t, rec_track_frame *f, int64_t *out_ms) {
  for (;;) {
    if (t->oom) return -1;
    if (t->qhead < t->qn) {
      const struct rec_track_q *q = &t->q[t->qhead++];
      f->out_us = q->out_us;
      f->keyframe = q->key;
      f->data = t->qdata + q->off;
      f->len = q->len;
      int64_t ms = q->out_us > 0 ? q->out_us / 1000 : 0;
      if (ms <= t->last_ms) ms = t->last_ms + 1;
      t->last_ms = ms;
      *out_ms = ms;
      return 1;
    }
    t->qn = t->qhead = t->qfill = 0;
    if (t->done) return 0;
    if (!t->started) {
      if (t->cur >= t->nsrc) {
        t->done = true;
        continue;
      }
      rec_spool_src *s = t->src[t->cur];
      rec_spool_header h;
      if (rec_spool_reader_init(&t->rd, s->map.data, s->map.len, &h) != 0 ||
          fa_init(t->fa, s->h.codec == REC_CODEC_VP8 ? FA_VP8 : FA_OPUS, t->fbuf, FA_MAX_FRAME, read_frame,
                  t) != 0) {
        t->cur++;
        continue;
      }
      t->frame_idx = 0;
      t->seg_idx = 0;
      t->started = true;
    }
    rec_spool_record rec;
    if (rec_spool_next(&t->rd, &rec) == REC_READ_OK) {
      if (rec.type == REC_RTP && rec.time_us <= (uint64_t)REC_TRACK_MAX_SPAN_US &&
          rtp_of_track(t->src[t->cur], rec.payload, rec.len))
        fa_push(t->fa, rec.payload, rec.len, rec.time_us);
    } else {
      fa_flush(t->fa);
      t->started = false;
      t->cur++;
    }
  }
}

void rec_track_close(rec_track *t) {
  free(t->fa);
  free(t->fbuf);
  free(t->q);
  free(t->qdata);
  t->fa = NULL;
  t->fbuf = NULL;
  t->q = NULL;
  t->qdata = NULL;
}

int rec_opus_packet_samples(const uint8_t *p, size_t len) {
  if (len < 1) return 0;
  int config = p[0] >> 3;
  int frame; /* samples at 48 kHz */
  if (config < 12)
    frame = (int[]){480, 960, 1920, 2880}[config & 3];
  else if (config < 16)
    frame = (config & 1) ? 960 : 480;
  else
    frame = (int[]){120, 240, 480, 960}[config & 3];
  int count;
  switch (p[0] & 3) {
    case 0:
      count = 1;
      break;
    case 1:
    case 2:
      count = 2;
      break;
    default:
      if (len < 2) return 0;
      count = p[1] & 0x3F;
      break;
  }
  int samples = frame * count;
  return samples > 0 && samples <= 5760 ? samples : 0;
}
