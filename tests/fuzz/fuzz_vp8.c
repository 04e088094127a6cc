/* libFuzzer harness for the VP8 payload descriptor codec (gateway/rtc/vp8.c) and the
 * per-consumer rewriter (rooms/vp8_rewriter.c): every input is parsed as a descriptor, its
 * fields rewritten and parsed back (the descriptor's length and fields other than PictureID
 * and TL0PICIDX must not change), and then cut into packets fed to a rewriter that switches
 * source and temporal layer as the input's bytes say. Nothing may read or write outside the
 * buffers given.
 *
 * Built by tests/fuzz/CMakeLists.txt like every harness here (make fuzz; make test replays
 * corpus/<name>). Built by hand from the repository root:
 *
 *   clang -std=gnu11 -g -O1 -I. -fsanitize=fuzzer,address,undefined \
 *     tests/fuzz/fuzz_vp8.c gateway/rtc/vp8.c gateway/rtc/rtp.c rooms/vp8_rewriter.c \
 *     -o build/fuzz_vp8
 *   mkdir -p build/fuzz_vp8_corpus && ./build/fuzz_vp8 build/fuzz_vp8_corpus -max_len=1500
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/rtc/vp8.h"
#include "rooms/vp8_rewriter.h"

static void fuzz_desc(const uint8_t *data, size_t size) {
  vp8_desc d, e;
  if (vp8_desc_parse(data, size, &d) != 0) return;
  uint8_t *copy = malloc(size);
  if (!copy) return;
  memcpy(copy, data, size);
  (void)vp8_desc_set_picture_id(copy, &d, (uint16_t)(d.picture_id + 12345));
  (void)vp8_desc_set_tl0picidx(copy, &d, (uint8_t)(d.tl0picidx + 77));
  if (vp8_desc_parse(copy, size, &e) != 0) abort();
  if (e.header_len != d.header_len || e.has_picture_id != d.has_picture_id ||
      e.picture_id_15 != d.picture_id_15 || e.has_tid != d.has_tid || e.tid != d.tid ||
      e.keyframe != d.keyframe || memcmp(copy + d.header_len, data + d.header_len, size - d.header_len) != 0)
    abort();
  free(copy);
}

/* The input as a packet stream: [ctl][len][len bytes]... ctl's low bits pick the source
 * (SSRC 1..4), bit 2 a new target, bits 3..4 its TID. */
static void fuzz_rewriter(const uint8_t *data, size_t size) {
  vp8_rewriter rw;
  vp8_rewriter_init(&rw);
  size_t i = 0;
  while (size - i >= 2) {
    uint8_t ctl = data[i], len = data[i + 1];
    i += 2;
    if (len > size - i) len = (uint8_t)(size - i);
    uint32_t ssrc = 1u + (ctl & 3);
    if (ctl & 4) vp8_rewriter_set_target(&rw, ssrc, (uint8_t)((ctl >> 3) & 3));
    uint8_t *pkt = malloc(len ? len : 1); /* exact size: overruns are caught */
    if (!pkt) return;
    memcpy(pkt, data + i, len);
    vp8_rw_result r = vp8_rewriter_process(&rw, ssrc, pkt, len);
    if (r == VP8_RW_FORWARD && (!rw.started || rw.ssrc != ssrc)) abort();
    free(pkt);
    i += len;
  }
  (void)vp8_rewriter_waiting_keyframe(&rw);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_desc(data, size);
  fuzz_rewriter(data, size);
  return 0;
}
