/* libFuzzer harness for the media-path codecs (gateway/rtc/stun.c, rtp.c, rtcp.c): every input
 * goes through the STUN parser and verifiers, the RTP parser with extension lookup, rewrite,
 * RTX and keyframe detection, and the RTCP iterator with every per-type parser. The codecs
 * must never read or write outside the buffers they are given, whatever the bytes.
 *
 * Not built by CMake. Build and run from the repository root:
 *
 *   clang -std=gnu11 -g -O1 -I. -fsanitize=fuzzer,address,undefined \
 *     tests/fuzz/fuzz_rtc.c gateway/rtc/stun.c gateway/rtc/rtp.c gateway/rtc/rtcp.c \
 *     -lcrypto -o build/fuzz_rtc
 *   mkdir -p build/fuzz_rtc_corpus && ./build/fuzz_rtc build/fuzz_rtc_corpus -max_len=1500
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/rtc/rtcp.h"
#include "gateway/rtc/rtp.h"
#include "gateway/rtc/stun.h"

static void fuzz_stun(const uint8_t *data, size_t size) {
  stun_msg m;
  (void)stun_is_stun(data, size);
  if (stun_parse(data, size, &m) != STUN_OK) return;
  (void)stun_verify_integrity(data, size, &m, "password", 8);
  (void)stun_verify_fingerprint(data, size, &m);
  if (m.cls == STUN_CLASS_REQUEST) { /* answer it as the server would */
    uint8_t out[256];
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    ss.ss_family = AF_INET;
    (void)stun_build_binding_success(out, sizeof out, m.tid, &ss, "password", 8);
    (void)stun_build_binding_error(
        out, sizeof out, m.tid, 420, NULL, m.unknown,
        (size_t)(m.unknown_count < STUN_MAX_UNKNOWN ? m.unknown_count : STUN_MAX_UNKNOWN), NULL, 0);
  }
}

static void fuzz_rtp(const uint8_t *data, size_t size) {
  rtp_packet p;
  (void)rtp_is_rtp(data, size);
  if (rtp_parse(data, size, &p) != 0) return;
  for (int id = 1; id < 256; id++) {
    const uint8_t *v;
    size_t l;
    (void)rtp_ext_find(&p, (uint8_t)id, &v, &l);
  }
  (void)rtp_audio_level(&p, 1, NULL);
  (void)rtp_vp8_is_keyframe(p.payload, p.payload_len);
  (void)rtp_h264_is_keyframe(p.payload, p.payload_len);

  /* Mutating paths work on an exactly sized heap copy so overruns are caught. */
  uint8_t *copy = malloc(size + 2);
  if (!copy) return;
  memcpy(copy, data, size);
  (void)rtp_ext_rewrite(copy, size, 1, 2, NULL, 0);
  int n = rtp_rtx_encap(copy, size + 2, copy, size, 97, 1, 2);
  if (n > 0) (void)rtp_rtx_decap(copy, (size_t)n, copy, (size_t)n, 96, 3, NULL);
  free(copy);
}

static void fuzz_rtcp(const uint8_t *data, size_t size) {
  static rtcp_sr sr;
  static rtcp_remb remb;
  rtcp_iter it;
  rtcp_header h;
  (void)rtcp_validate(data, size);
  rtcp_iter_init(&it, data, size);
  while (rtcp_iter_next(&it, &h) == 1) {
    rtcp_rr rr;
    rtcp_bye bye;
    rtcp_fb fb;
    (void)rtcp_parse_sr(&h, &sr);
    (void)rtcp_parse_rr(&h, &rr);
    (void)rtcp_parse_bye(&h, &bye);
    (void)rtcp_is_pli(&h);
    (void)rtcp_is_transport_cc(&h);
    if (rtcp_parse_fb(&h, &fb) != 0) continue;
    uint16_t seqs[1024];
    int lost = rtcp_nack_expand(&fb, seqs, 1024);
    if (lost > 0) { /* and NACK them back */
      uint8_t out[4096];
      (void)rtcp_build_nack(out, sizeof out, 1, 2, seqs, (size_t)lost);
    }
    int firs = rtcp_fir_count(&fb);
    for (int i = 0; i < firs; i++) {
      uint32_t ssrc;
      uint8_t seq;
      (void)rtcp_fir_entry(&fb, i, &ssrc, &seq);
    }
    (void)rtcp_parse_remb(&fb, &remb);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* Every parser sees every input: the demultiplexer in front of them is not trusted. */
  fuzz_stun(data, size);
  fuzz_rtp(data, size);
  fuzz_rtcp(data, size);
  return 0;
}
