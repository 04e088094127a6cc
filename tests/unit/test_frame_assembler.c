/* Unit tests of the frame assembler (gateway/rtc/frame_assembler.c): a synthetic VP8 stream
 * (frames of several packets, a key frame every 10, 15-bit PictureIDs) comes back frame for
 * frame, bytes, timestamps, key flag and size, when fed in order, reordered within the window,
 * duplicated, across sequence and timestamp wrap-around; a lost middle, first or marker packet
 * drops that frame and the delta frames after it until the next key frame; a stream that starts
 * with delta frames starts at its first key frame; an SSRC change is a new stream that waits for
 * a key frame; padding between frames is not a loss when the PictureID follows on; descriptors
 * truncated at every byte are counted as malformed, never read past (ASan); Opus packets come
 * out one per frame with duplicates dropped and gaps counted; a spool of the stream cut at every
 * byte offset (a crash) assembles into exactly the frames completed before the cut. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* cmocka.h needs these before it */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "gateway/rtc/frame_assembler.h"
#include "storage/rec_spool.h"

/* ---- what came out ---- */

#define MAXOUT 320
typedef struct {
  size_t n;
  fa_frame f[MAXOUT];
  uint8_t *data[MAXOUT];
} sink;

static void on_frame(void *ctx, const fa_frame *f) {
  sink *s = ctx;
  assert_true(s->n < MAXOUT);
  s->f[s->n] = *f;
  s->data[s->n] = malloc(f->len ? f->len : 1);
  memcpy(s->data[s->n], f->data, f->len);
  s->f[s->n].data = NULL;
  s->n++;
}

static void sink_free(sink *s) {
  for (size_t i = 0; i < s->n; i++) free(s->data[i]);
  s->n = 0;
}

/* ---- a synthetic VP8 stream ---- */

#define PKTS_PER_FRAME 3
#define MAXPKT 2048
typedef struct {
  uint8_t b[MAXPKT];
  size_t len;
  int frame; /* which frame it belongs to */
} pkt;

typedef struct {
  uint32_t ssrc;
  uint16_t seq0;
  uint32_t ts0;
  uint16_t pid0;
  int key_every; /* frame f is a key frame when f % key_every == 0 (and f >= first_key) */
  int first_key; /* frames before it are delta frames */
  uint16_t width, height;
} stream_cfg;

static stream_cfg default_cfg(void) {
  stream_cfg c = {.ssrc = 0xAABBCCDD,
                  .seq0 = 1000,
                  .ts0 = 90000,
                  .pid0 = 300,
                  .key_every = 10,
                  .first_key = 0,
                  .width = 640,
                  .height = 360};
  return c;
}

static bool is_key(const stream_cfg *c, int f) { return f >= c->first_key && f % c->key_every == 0; }

/* The VP8 payload of frame f (what the assembler must give back). */
static size_t frame_bytes(const stream_cfg *c, int f, uint8_t *out) {
  size_t len = 200 + (size_t)(f * 37 % 400);
  for (size_t i = 0; i < len; i++) out[i] = (uint8_t)(f * 7 + i * 13);
  if (is_key(c, f)) {
    out[0] = 0x10; /* P = 0: key frame */
    out[3] = 0x9d, out[4] = 0x01, out[5] = 0x2a;
    out[6] = (uint8_t)c->width, out[7] = (uint8_t)(c->width >> 8);
    out[8] = (uint8_t)c->height, out[9] = (uint8_t)(c->height >> 8);
  } else {
    out[0] = 0x11; /* P = 1 */
  }
  return len;
}

static size_t rtp_header(uint8_t *b, bool marker, uint16_t seq, uint32_t ts, uint32_t ssrc) {
  b[0] = 0x80;
  b[1] = (uint8_t)((marker ? 0x80 : 0) | 96);
  b[2] = (uint8_t)(seq >> 8), b[3] = (uint8_t)seq;
  b[4] = (uint8_t)(ts >> 24), b[5] = (uint8_t)(ts >> 16), b[6] = (uint8_t)(ts >> 8), b[7] = (uint8_t)ts;
  b[8] = (uint8_t)(ssrc >> 24), b[9] = (uint8_t)(ssrc >> 16), b[10] = (uint8_t)(ssrc >> 8),
  b[11] = (uint8_t)ssrc;
  return 12;
}

/* Packetizes frames [0, nframes) into out (PKTS_PER_FRAME packets each). Returns the count. */
static size_t make_stream(const stream_cfg *c, int nframes, pkt *out) {
  size_t n = 0;
  uint8_t fb[1024];
  for (int f = 0; f < nframes; f++) {
    size_t flen = frame_bytes(c, f, fb), off = 0;
    uint16_t pid = (uint16_t)((c->pid0 + f) & 0x7FFF);
    for (int k = 0; k < PKTS_PER_FRAME; k++) {
      size_t chunk = k == PKTS_PER_FRAME - 1 ? flen - off : flen / PKTS_PER_FRAME;
      pkt *p = &out[n];
      uint16_t seq = (uint16_t)(c->seq0 + n);
      size_t i = rtp_header(p->b, k == PKTS_PER_FRAME - 1, seq, c->ts0 + (uint32_t)f * 3000, c->ssrc);
      p->b[i++] = (uint8_t)(0x80 | (k == 0 ? 0x10 : 0)); /* X, S, PID 0 */
      p->b[i++] = 0x80;                                  /* I */
      p->b[i++] = (uint8_t)(0x80 | pid >> 8);
      p->b[i++] = (uint8_t)pid;
      memcpy(p->b + i, fb + off, chunk);
      p->len = i + chunk;
      p->frame = f;
      off += chunk;
      n++;
    }
  }
  return n;
}

typedef struct {
  frame_assembler fa;
  uint8_t fbuf[FA_MAX_FRAME];
  sink out;
} rig;

static rig *rig_new(fa_codec codec, size_t cap) {
  rig *r = calloc(1, sizeof *r);
  assert_int_equal(fa_init(&r->fa, codec, r->fbuf, cap ? cap : sizeof r->fbuf, on_frame, &r->out), 0);
  return r;
}

static void rig_free(rig *r) {
  sink_free(&r->out);
  free(r);
}

/* Pushes one packet from an exact-size heap copy, so ASan sees any read past it. */
static void push(rig *r, const uint8_t *b, size_t len, uint64_t t) {
  uint8_t *c = malloc(len ? len : 1);
  memcpy(c, b, len);
  fa_push(&r->fa, c, len, t);
  free(c);
}

static void push_all(rig *r, const pkt *p, size_t n) {
  for (size_t i = 0; i < n; i++) push(r, p[i].b, p[i].len, 1000 + i * 10);
}

/* Checks that the output is exactly the given frames of stream c, in order. */
static void expect_frames(const rig *r, const stream_cfg *c, const int *frames, size_t n) {
  assert_int_equal(r->out.n, n);
  uint8_t fb[1024];
  for (size_t i = 0; i < n; i++) {
    const fa_frame *f = &r->out.f[i];
    int fr = frames[i];
    size_t len = frame_bytes(c, fr, fb);
    assert_int_equal(f->len, len);
    assert_memory_equal(r->out.data[i], fb, len);
    assert_int_equal(f->rtp_ts, (uint32_t)(c->ts0 + (uint32_t)fr * 3000));
    assert_int_equal(f->keyframe, is_key(c, fr));
    assert_int_equal(f->ssrc, c->ssrc);
    assert_true(f->has_picture_id);
    assert_int_equal(f->picture_id, (c->pid0 + fr) & 0x7FFF);
    assert_int_equal(f->width, is_key(c, fr) ? c->width : 0);
    assert_int_equal(f->height, is_key(c, fr) ? c->height : 0);
    if (i > 0) assert_true(f->ts_ext > r->out.f[i - 1].ts_ext);
    assert_int_equal(f->new_stream, i == 0);
  }
}

static void expect_range(const rig *r, const stream_cfg *c, int from, int to) {
  int frames[MAXOUT];
  size_t n = 0;
  for (int f = from; f < to; f++) frames[n++] = f;
  expect_frames(r, c, frames, n);
}

static pkt P[600];

static void test_in_order(void **state) {
  stream_cfg c = default_cfg();
  size_t n = make_stream(&c, 30, P);
  rig *r = rig_new(FA_VP8, 0);
  push_all(r, P, n);
  fa_flush(&r->fa);
  expect_range(r, &c, 0, 30);
  /* arrival of a frame = its last packet's */
  assert_int_equal(r->out.f[1].arrival_us, 1000 + 5 * 10);
  assert_int_equal(r->fa.stats.frames, 30);
  assert_int_equal(r->fa.stats.lost + r->fa.stats.duplicates + r->fa.stats.late + r->fa.stats.malformed, 0);
  assert_int_equal(r->fa.stats.frames_incomplete + r->fa.stats.frames_no_key, 0);
  rig_free(r);
}

static void test_reordered(void **state) {
  stream_cfg c = default_cfg();
  size_t n = make_stream(&c, 40, P);
  /* reverse every block of 20 packets, then swap neighbours: far beyond one frame */
  for (size_t b = 0; b + 20 <= n; b += 20)
    for (size_t i = 0; i < 10; i++) {
      pkt t = P[b + i];
      P[b + i] = P[b + 19 - i];
      P[b + 19 - i] = t;
    }
  rig *r = rig_new(FA_VP8, 0);
  push_all(r, P, n);
  fa_flush(&r->fa);
  expect_range(r, &c, 0, 40);
  assert_int_equal(r->fa.stats.lost + r->fa.stats.late, 0);
  rig_free(r);
}

static void test_duplicated(void **state) {
  stream_cfg c = default_cfg();
  size_t n = make_stream(&c, 20, P);
  rig *r = rig_new(FA_VP8, 0);
  for (size_t i = 0; i < n; i++) {
    push(r, P[i].b, P[i].len, i);
    push(r, P[i].b, P[i].len, i);                        /* at once: still held or just released */
    if (i >= 30) push(r, P[i - 30].b, P[i - 30].len, i); /* long after */
  }
  fa_flush(&r->fa);
  expect_range(r, &c, 0, 20);
  assert_int_equal(r->fa.stats.duplicates, n + (n - 30));
  assert_int_equal(r->fa.stats.late, 0);
  rig_free(r);
}

/* Drops packet `which` (0 first, 1 middle, 2 marker) of frame 3: frames 3..9 are lost (9 delta
 * frames after a hole would decode to garbage), output resumes at key frame 10. */
static void lose_one(int which) {
  stream_cfg c = default_cfg();
  size_t n = make_stream(&c, 25, P);
  rig *r = rig_new(FA_VP8, 0);
  for (size_t i = 0; i < n; i++)
    if (i != (size_t)(3 * PKTS_PER_FRAME + which)) push(r, P[i].b, P[i].len, i);
  fa_flush(&r->fa);
  int want[] = {0, 1, 2, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24};
  assert_int_equal(r->out.n, 18);
  for (size_t i = 0; i < 18; i++) assert_int_equal(r->out.f[i].rtp_ts, c.ts0 + (uint32_t)want[i] * 3000);
  assert_int_equal(r->fa.stats.lost, 1);
  assert_int_equal(r->fa.stats.frames_incomplete, 1);
  assert_int_equal(r->fa.stats.frames_no_key, 6);
  rig_free(r);
}
static void test_lost_middle(void **state) { lose_one(1); }
static void test_lost_first(void **state) { lose_one(0); }
static void test_lost_marker(void **state) { lose_one(2); }

/* A whole delta frame lost between frames: the next frame is complete but references the lost
 * one (PictureID jumps), so output waits for a key frame. */
static void test_lost_whole_frame(void **state) {
  stream_cfg c = default_cfg();
  size_t n = make_stream(&c, 12, P);
  rig *r = rig_new(FA_VP8, 0);
  for (size_t i = 0; i < n; i++)
    if (i / PKTS_PER_FRAME != 4) push(r, P[i].b, P[i].len, i);
  fa_flush(&r->fa);
  int want[] = {0, 1, 2, 3, 10, 11};
  expect_frames(r, &c, want, 6);
  assert_int_equal(r->fa.stats.frames_no_key, 5);
  rig_free(r);
}

/* Padding-only packets between frames hold sequence numbers; the PictureID follows on, so
 * nothing is lost even when the padding itself never arrives. */
static void test_padding_between_frames(void **state) {
  stream_cfg c = default_cfg();
  c.seq0 = 0;
  size_t n = make_stream(&c, 6, P);
  rig *r = rig_new(FA_VP8, 0);
  uint16_t shift = 0;
  for (size_t i = 0; i < n; i++) {
    if (i % PKTS_PER_FRAME == 0 && i > 0) {
      uint8_t pad[12];
      rtp_header(pad, false, (uint16_t)(i + shift), 0, c.ssrc);
      if (i != 6) push(r, pad, sizeof pad, i); /* one padding packet never arrives */
      shift++;
    }
    pkt q = P[i];
    uint16_t seq = (uint16_t)(i + shift);
    q.b[2] = (uint8_t)(seq >> 8), q.b[3] = (uint8_t)seq;
    push(r, q.b, q.len, i);
  }
  fa_flush(&r->fa);
  expect_range(r, &c, 0, 6);
  assert_int_equal(r->fa.stats.lost, 1);
  rig_free(r);
}

static void test_keyframe_size(void **state) {
  stream_cfg c = default_cfg();
  c.width = 1280 | 0x4000; /* scale bits 01 */
  c.height = 720 | 0x8000; /* scale bits 10 */
  size_t n = make_stream(&c, 11, P);
  rig *r = rig_new(FA_VP8, 0);
  push_all(r, P, n);
  fa_flush(&r->fa);
  assert_int_equal(r->out.n, 11);
  assert_true(r->out.f[0].keyframe && r->out.f[10].keyframe && !r->out.f[5].keyframe);
  assert_int_equal(r->out.f[0].width, 1280);
  assert_int_equal(r->out.f[0].height, 720);
  assert_int_equal(r->out.f[0].hscale, 1);
  assert_int_equal(r->out.f[0].vscale, 2);
  rig_free(r);

  uint8_t k[10] = {0x10, 0, 0, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01};
  uint16_t w, h;
  uint8_t hs, vs;
  assert_int_equal(fa_vp8_keyframe_size(k, sizeof k, &w, &h, &hs, &vs), 0);
  assert_int_equal(w, 640);
  assert_int_equal(h, 360);
  for (size_t len = 0; len < sizeof k; len++)
    assert_int_equal(fa_vp8_keyframe_size(k, len, &w, &h, &hs, &vs), -1);
  k[4] = 0x02; /* start code */
  assert_int_equal(fa_vp8_keyframe_size(k, sizeof k, &w, &h, &hs, &vs), -1);
  k[4] = 0x01, k[0] = 0x11; /* P = 1 */
  assert_int_equal(fa_vp8_keyframe_size(k, sizeof k, &w, &h, &hs, &vs), -1);
  k[0] = 0x10, k[6] = 0, k[7] = 0xC0; /* width 0 */
  assert_int_equal(fa_vp8_keyframe_size(k, sizeof k, &w, &h, &hs, &vs), -1);

  /* A "key frame" whose header lacks the start code is malformed and not emitted. */
  c = default_cfg();
  n = make_stream(&c, 3, P);
  P[0].b[12 + 4 + 3] = 0; /* the first packet's 0x9d */
  r = rig_new(FA_VP8, 0);
  push_all(r, P, n);
  fa_flush(&r->fa);
  assert_int_equal(r->out.n, 0);
  assert_int_equal(r->fa.stats.malformed, 1);
  assert_int_equal(r->fa.stats.frames_no_key, 2);
  rig_free(r);
}

static void test_wraparound(void **state) {
  stream_cfg c = default_cfg();
  c.seq0 = 65500;
  c.ts0 = 0xFFFFFFFFu - 20 * 3000;
  c.pid0 = 0x7FF0;
  size_t n = make_stream(&c, 40, P);
  /* with some reordering across the wrap */
  for (size_t i = 30; i + 1 < n; i += 4) {
    pkt t = P[i];
    P[i] = P[i + 1];
    P[i + 1] = t;
  }
  rig *r = rig_new(FA_VP8, 0);
  push_all(r, P, n);
  fa_flush(&r->fa);
  expect_range(r, &c, 0, 40);
  assert_true(r->out.f[39].ts_ext == (int64_t)c.ts0 + 39 * 3000); /* past 2^32, unwrapped */
  assert_int_equal(r->fa.stats.lost, 0);
  rig_free(r);
}

static void test_starts_with_delta(void **state) {
  stream_cfg c = default_cfg();
  c.first_key = 5;
  c.key_every = 5;
  size_t n = make_stream(&c, 12, P);
  rig *r = rig_new(FA_VP8, 0);
  push_all(r, P, n);
  fa_flush(&r->fa);
  expect_range(r, &c, 5, 12);
  assert_int_equal(r->fa.stats.frames_no_key, 5);
  rig_free(r);
}

static void test_ssrc_change(void **state) {
  stream_cfg a = default_cfg(), b = default_cfg();
  b.ssrc = 0x01020304;
  b.seq0 = 7;
  b.ts0 = 5;
  b.first_key = 3;
  b.key_every = 3;
  b.width = 320;
  b.height = 180;
  size_t na = make_stream(&a, 8, P);
  size_t nb = make_stream(&b, 7, P + na);
  rig *r = rig_new(FA_VP8, 0);
  /* the last packet of a's frame 7 is cut off by the change */
  push_all(r, P, na - 1);
  push_all(r, P + na, nb);
  fa_flush(&r->fa);
  assert_int_equal(r->out.n, 7 + 4);
  for (int i = 0; i < 7; i++) assert_int_equal(r->out.f[i].ssrc, a.ssrc);
  assert_true(r->out.f[0].new_stream && !r->out.f[1].new_stream);
  const fa_frame *f = &r->out.f[7];
  assert_int_equal(f->ssrc, b.ssrc);
  assert_true(f->new_stream && f->keyframe);
  assert_int_equal(f->rtp_ts, b.ts0 + 3 * 3000);
  assert_int_equal(f->width, 320);
  assert_int_equal(r->fa.stats.streams, 2);
  assert_int_equal(r->fa.stats.frames_incomplete, 1);
  assert_int_equal(r->fa.stats.frames_no_key, 3);
  rig_free(r);
}

/* A descriptor with every optional field (X; I with M; L; T and K), then VP8 bytes: cut at
 * every length, each cut is one packet of a fresh assembler. */
static void test_malformed_descriptor(void **state) {
  uint8_t b[64];
  size_t i = rtp_header(b, true, 1, 1, 1);
  const uint8_t desc[] = {0x90, 0xF0, 0x81, 0x23, 0x45, 0xE5};
  memcpy(b + i, desc, sizeof desc);
  i += sizeof desc;
  const uint8_t key[] = {0x10, 0, 0, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01};
  memcpy(b + i, key, sizeof key);
  size_t full = i + sizeof key;
  for (size_t cut = 0; cut <= full; cut++) {
    rig *r = rig_new(FA_VP8, 0);
    push(r, b, cut, 0);
    fa_flush(&r->fa);
    if (cut < 12) { /* not even an RTP header */
      assert_int_equal(r->fa.stats.malformed, 1);
      assert_int_equal(r->out.n, 0);
    } else if (cut == 12) { /* padding-like: no payload */
      assert_int_equal(r->fa.stats.malformed, 0);
      assert_int_equal(r->out.n, 0);
    } else if (cut <= 12 + sizeof desc) { /* inside the descriptor */
      assert_int_equal(r->fa.stats.malformed, 1);
      assert_int_equal(r->out.n, 0);
    } else if (cut < full) { /* a key frame too short for its header */
      assert_int_equal(r->fa.stats.malformed, 1);
      assert_int_equal(r->out.n, 0);
    } else {
      assert_int_equal(r->out.n, 1);
      assert_int_equal(r->out.f[0].picture_id, 0x0123);
      assert_int_equal(r->out.f[0].width, 640);
      assert_int_equal(r->out.f[0].len, sizeof key);
    }
    rig_free(r);
  }
}

static void test_late_and_window(void **state) {
  stream_cfg c = default_cfg();
  size_t n = make_stream(&c, 60, P);
  rig *r = rig_new(FA_VP8, 0);
  /* packet 40 held back until FA_WINDOW + 10 packets later: it is late, frame 13 is lost */
  for (size_t i = 0; i < n; i++) {
    if (i != 40) push(r, P[i].b, P[i].len, i);
    if (i == 40 + FA_WINDOW + 10) push(r, P[40].b, P[40].len, i);
  }
  fa_flush(&r->fa);
  assert_int_equal(r->fa.stats.late, 1);
  assert_int_equal(r->fa.stats.lost, 1);
  assert_int_equal(r->fa.stats.frames_incomplete, 1);
  assert_int_equal(r->out.n, 60 - 7); /* 13..19 */
  rig_free(r);
  /* the same packet held back FA_WINDOW - 2 packets: still in time */
  r = rig_new(FA_VP8, 0);
  for (size_t i = 0; i < n; i++) {
    if (i != 40) push(r, P[i].b, P[i].len, i);
    if (i == 40 + FA_WINDOW - 2) push(r, P[40].b, P[40].len, i);
  }
  fa_flush(&r->fa);
  expect_range(r, &c, 0, 60);
  rig_free(r);
}

static void test_oversize_frame(void **state) {
  stream_cfg c = default_cfg();
  size_t n = make_stream(&c, 12, P);
  rig *r = rig_new(FA_VP8, 500); /* frames are 200..599 bytes */
  push_all(r, P, n);
  fa_flush(&r->fa);
  assert_true(r->fa.stats.frames_oversize > 0);
  for (size_t i = 0; i < r->out.n; i++) assert_true(r->out.f[i].len <= 500);
  /* a frame too large is dropped, and the delta frames after it until the next key frame */
  uint8_t fb[1024];
  bool need = true;
  size_t want = 0;
  for (int f = 0; f < 12; f++) {
    if (frame_bytes(&c, f, fb) > 500)
      need = true;
    else if (is_key(&c, f))
      need = false, want++;
    else if (!need)
      want++;
  }
  assert_int_equal(r->out.n, want);
  assert_true(want > 0 && want < 12);
  rig_free(r);
}

static size_t opus_pkt(uint8_t *b, uint16_t seq, uint32_t ts, uint32_t ssrc) {
  size_t i = rtp_header(b, false, seq, ts, ssrc);
  b[1] = 111;
  for (int k = 0; k < 40; k++) b[i++] = (uint8_t)(seq + k);
  return i;
}

static void test_opus(void **state) {
  rig *r = rig_new(FA_OPUS, 0);
  uint8_t b[64];
  /* 100 packets from 65500 (wrapping), 960 ticks apart; 10 lost, 5 duplicated, 2 swapped */
  for (uint32_t i = 0; i < 100; i++) {
    if (i % 10 == 5) continue;
    uint32_t j = i == 20 ? 21 : i == 21 ? 20 : i;
    size_t len = opus_pkt(b, (uint16_t)(65500 + j), 0xFFFFF000u + j * 960, 9);
    push(r, b, len, j * 20000);
    if (i % 20 == 0) push(r, b, len, j * 20000);
  }
  fa_flush(&r->fa);
  assert_int_equal(r->out.n, 90);
  assert_int_equal(r->fa.stats.lost, 10);
  assert_int_equal(r->fa.stats.duplicates, 5);
  uint32_t k = 0;
  for (uint32_t i = 0; i < 100; i++) {
    if (i % 10 == 5) continue;
    const fa_frame *f = &r->out.f[k];
    assert_int_equal(f->rtp_ts, 0xFFFFF000u + i * 960);
    assert_true(f->ts_ext == (int64_t)0xFFFFF000u + i * 960);
    assert_true(f->keyframe);
    assert_int_equal(f->len, 40);
    assert_int_equal(r->out.data[k][0], (uint8_t)(65500 + i));
    k++;
  }
  rig_free(r);
}

/* The sequence restarts lower with the same SSRC: 64 late packets, then a new stream. */
static void test_sequence_restart(void **state) {
  rig *r = rig_new(FA_OPUS, 0);
  uint8_t b[64];
  for (uint32_t i = 0; i <= 100; i++) push(r, b, opus_pkt(b, (uint16_t)(1000 + i), i * 960, 9), i);
  for (uint32_t i = 0; i <= 200; i++)
    push(r, b, opus_pkt(b, (uint16_t)(500 + i), 50000 + i * 960, 9), 200 + i);
  fa_flush(&r->fa);
  assert_int_equal(r->fa.stats.late, FA_WINDOW + 1);
  assert_int_equal(r->fa.stats.streams, 2);
  assert_int_equal(r->out.n, 101 + 201 - (FA_WINDOW + 1) + 1);
  const fa_frame *f = &r->out.f[101];
  assert_true(f->new_stream);
  assert_int_equal(f->rtp_ts, 50000 + (FA_WINDOW)*960);
  rig_free(r);
}

/* The finalizer's path: a spool of the stream written by rec_spool_writer, cut at every byte
 * offset (a crash), read back and assembled: every frame whose packets are all before the cut
 * comes out, and nothing else. */
static void test_spool_cut_to_frames(void **state) {
  stream_cfg c = default_cfg();
  size_t n = make_stream(&c, 20, P);
  char path[128];
  snprintf(path, sizeof path, "/tmp/moa_fa_spool_%d", (int)getpid());
  unlink(path);
  static uint8_t wbuf[REC_SPOOL_MIN_BUF];
  rec_spool_header h = {.kind = REC_KIND_VIDEO,
                        .codec = REC_CODEC_VP8,
                        .clock_rate = 90000,
                        .ssrc = c.ssrc,
                        .payload_type = 96,
                        .start_wall_us = 1};
  rec_spool_writer w;
  assert_int_equal(rec_spool_writer_open(&w, path, &h, wbuf, sizeof wbuf), 0);
  for (size_t i = 0; i < n; i++)
    assert_int_equal(rec_spool_append(&w, REC_RTP, i * 1000, P[i].b, P[i].len), 0);
  assert_int_equal(rec_spool_writer_close(&w), 0);
  rec_spool_map_t m;
  assert_int_equal(rec_spool_map(path, &m), 0);
  rig *r = rig_new(FA_VP8, 0);
  for (size_t cut = REC_SPOOL_HEADER_LEN; cut <= m.len; cut++) {
    uint8_t *img = malloc(cut);
    memcpy(img, m.data, cut);
    rec_spool_reader rd;
    rec_spool_header hh;
    assert_int_equal(rec_spool_reader_init(&rd, img, cut, &hh), 0);
    sink_free(&r->out);
    assert_int_equal(fa_init(&r->fa, FA_VP8, r->fbuf, sizeof r->fbuf, on_frame, &r->out), 0);
    rec_spool_record rec;
    size_t k = 0;
    while (rec_spool_next(&rd, &rec) == REC_READ_OK) {
      fa_push(&r->fa, rec.payload, rec.len, rec.time_us);
      k++;
    }
    fa_flush(&r->fa);
    expect_range(r, &c, 0, (int)(k / PKTS_PER_FRAME));
    assert_int_equal(rd.state, rd.good_end == cut ? REC_READ_END : REC_READ_TRUNCATED);
    free(img);
  }
  rig_free(r);
  rec_spool_unmap(&m);
  unlink(path);
}

static void test_init_refuses(void **state) {
  frame_assembler fa;
  uint8_t buf[16];
  assert_int_equal(fa_init(&fa, (fa_codec)0, buf, sizeof buf, on_frame, NULL), -1);
  assert_int_equal(fa_init(&fa, FA_VP8, NULL, sizeof buf, on_frame, NULL), -1);
  assert_int_equal(fa_init(&fa, FA_VP8, buf, sizeof buf, NULL, NULL), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_in_order),
      cmocka_unit_test(test_reordered),
      cmocka_unit_test(test_duplicated),
      cmocka_unit_test(test_lost_middle),
      cmocka_unit_test(test_lost_first),
      cmocka_unit_test(test_lost_marker),
      cmocka_unit_test(test_lost_whole_frame),
      cmocka_unit_test(test_padding_between_frames),
      cmocka_unit_test(test_keyframe_size),
      cmocka_unit_test(test_wraparound),
      cmocka_unit_test(test_starts_with_delta),
      cmocka_unit_test(test_ssrc_change),
      cmocka_unit_test(test_malformed_descriptor),
      cmocka_unit_test(test_late_and_window),
      cmocka_unit_test(test_oversize_frame),
      cmocka_unit_test(test_opus),
      cmocka_unit_test(test_sequence_restart),
      cmocka_unit_test(test_spool_cut_to_frames),
      cmocka_unit_test(test_init_refuses),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
