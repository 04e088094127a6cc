/* libFuzzer target: the RTP codec (gateway/rtc/rtp.c), which reads every decrypted packet a
 * participant sends before the SFU forwards it. Each input is one packet: the header parser,
 * every header extension lookup, the audio level, both keyframe detectors, then the in-place
 * paths on an exactly sized heap copy (extension id rewrite, RTX encapsulation in place and its
 * decapsulation, which must give back the original header fields and payload).
 *
 * Built by `make fuzz` and replayed by ctest (fuzz_replay_rtp); see docs/FUZZING.md. */
#include <stdlib.h>
#include <string.h>

#include "base/seq.h"
#include "gateway/rtc/rtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  rtp_packet p;
  (void)rtp_is_rtp(data, size);
  (void)rtp_is_rtcp(data, size);
  if (rtp_parse(data, size, &p) != 0) return 0;
  if (p.header_len + p.payload_len + p.padding_len != size) abort();
  for (int id = 0; id < 256; id++) {
    const uint8_t *v;
    size_t l;
    if (rtp_ext_find(&p, (uint8_t)id, &v, &l) == 0 && (v < p.ext || v + l > p.ext + p.ext_len)) abort();
  }
  bool voice;
  (void)rtp_audio_level(&p, 1, &voice);
  (void)rtp_vp8_is_keyframe(p.payload, p.payload_len);
  (void)rtp_h264_is_keyframe(p.payload, p.payload_len);
  seq16_unwrapper u = {0};
  (void)seq16_unwrap(&u, p.seq);
  (void)seq16_unwrap(&u, (uint16_t)(p.seq + 40000));

  uint8_t *copy = malloc(size + 2);
  if (!copy) return 0;
  memcpy(copy, data, size);
  (void)rtp_ext_rewrite(copy, size, 1, 2, NULL, 0);
  (void)rtp_ext_rewrite(copy, size, 3, 200, (const uint8_t *)"\x7f", 1);
  memcpy(copy, data, size);
  int n = rtp_rtx_encap(copy, size + 2, copy, size, 97, 0x12345678, 7);
  if (n > 0) {
    uint16_t osn;
    int m = rtp_rtx_decap(copy, (size_t)n, copy, (size_t)n, p.pt, p.ssrc, &osn);
    if (m < 0 || osn != p.seq || (size_t)m != p.header_len + p.payload_len) abort();
    if (memcmp(copy + p.header_len, p.payload, p.payload_len) != 0) abort();
    if (rtp_get_seq(copy) != p.seq || rtp_get_ssrc(copy) != p.ssrc || rtp_get_pt(copy) != p.pt) abort();
  }
  free(copy);
  return 0;
}
