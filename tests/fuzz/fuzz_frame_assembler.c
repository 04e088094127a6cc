/* libFuzzer harness for the frame assembler (gateway/rtc/frame_assembler.c). The input's first
 * byte picks the codec and the frame buffer's size; the rest is a stream of packets, each
 * [ctl][seq delta][len][len bytes of RTP payload]: ctl's bits set the marker (0), switch the
 * SSRC among two (1), advance the timestamp by 3000 (2), make a raw packet whose RTP header is
 * the payload's own bytes (3), and bits 4..7 a flush every so often. The payload is whatever the
 * fuzzer made, so VP8 descriptors and frame headers are hostile. Every packet is pushed from an
 * exact heap copy. Checked in the callback: a frame fits the frame buffer, a VP8 key frame has
 * a nonzero size, the extended sequence numbers of a stream's frames only go up, and a stream's
 * first frame (new_stream) is a key frame.
 *
 * Built by tests/fuzz/CMakeLists.txt like every harness here (make fuzz; make test replays
 * corpus/<name>). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/rtc/frame_assembler.h"

typedef struct {
  size_t cap;
  fa_codec codec;
  bool have_last;
  uint32_t last_ssrc;
  uint64_t last_seq;
} check;

static volatile uint8_t fuzz_sink;

static void on_frame(void *ctx, const fa_frame *f) {
  check *c = ctx;
  if (f->len > c->cap || (f->len && !f->data)) abort();
  uint8_t sum = 0; /* touch every byte: ASan checks the frame buffer */
  for (size_t i = 0; i < f->len; i++) sum ^= f->data[i];
  fuzz_sink = sum;
  if (c->codec == FA_VP8 && f->keyframe && (f->width == 0 || f->height == 0)) abort();
  if (f->new_stream && !f->keyframe) abort();
  if (c->have_last && !f->new_stream && c->last_ssrc == f->ssrc && f->first_seq <= c->last_seq) abort();
  c->have_last = true;
  c->last_ssrc = f->ssrc;
  c->last_seq = f->first_seq;
}

static frame_assembler fa; /* 100 KiB: not on the stack */
#define FRAME_CAP_MAX (1 << 16)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  check c = {.codec = (data[0] & 1) ? FA_OPUS : FA_VP8, .cap = 64 + (size_t)(data[0] >> 1) * 500};
  if (c.cap > FRAME_CAP_MAX) c.cap = FRAME_CAP_MAX;
  uint8_t *fb = malloc(c.cap); /* exact size */
  if (!fb) return 0;
  if (fa_init(&fa, c.codec, fb, c.cap, on_frame, &c) != 0) abort();
  uint16_t seq = 100;
  uint32_t ts = 5000;
  size_t i = 1;
  while (size - i >= 3) {
    uint8_t ctl = data[i], dseq = data[i + 1];
    size_t len = data[i + 2];
    i += 3;
    if (len > size - i) len = size - i;
    seq = (uint16_t)(seq + (int8_t)dseq);
    if (ctl & 4) ts += 3000;
    uint8_t *pkt = malloc(12 + len + 1);
    if (!pkt) break;
    size_t plen;
    if (ctl & 8) {
      memcpy(pkt, data + i, len);
      plen = len;
    } else {
      uint32_t ssrc = (ctl & 2) ? 0x22222222u : 0x11111111u;
      pkt[0] = 0x80;
      pkt[1] = (uint8_t)((ctl & 1 ? 0x80 : 0) | 96);
      pkt[2] = (uint8_t)(seq >> 8), pkt[3] = (uint8_t)seq;
      pkt[4] = (uint8_t)(ts >> 24), pkt[5] = (uint8_t)(ts >> 16), pkt[6] = (uint8_t)(ts >> 8),
      pkt[7] = (uint8_t)ts;
      pkt[8] = (uint8_t)(ssrc >> 24), pkt[9] = (uint8_t)(ssrc >> 16), pkt[10] = (uint8_t)(ssrc >> 8);
      pkt[11] = (uint8_t)ssrc;
      memcpy(pkt + 12, data + i, len);
      plen = 12 + len;
    }
    uint8_t *exact = malloc(plen ? plen : 1);
    if (exact) {
      memcpy(exact, pkt, plen);
      fa_push(&fa, exact, plen, i);
      free(exact);
    }
    free(pkt);
    if ((ctl >> 4) == 15) fa_flush(&fa);
    i += len;
  }
  fa_flush(&fa);
  if (fa.stats.frames > fa.stats.packets) abort();
  free(fb);
  return 0;
}
