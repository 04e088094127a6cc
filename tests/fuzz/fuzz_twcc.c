/* libFuzzer harness for the transport-wide congestion control codec (gateway/rtc/twcc.c):
 * every input goes through the feedback parser twice (as a bare FCI with a small and a large
 * output array, and as an RTCP compound packet through the iterator), what parses is rebuilt
 * and parsed again (the round trip must agree), and the input as an RTP packet has its
 * transport-wide sequence number read and written (in place and grown) on an exactly sized
 * heap copy. The codec must never read or write outside the buffers it is given.
 *
 * Built by tests/fuzz/CMakeLists.txt like every harness here (make fuzz; make test replays
 * corpus/<name>). Built by hand from the repository root:
 *
 *   clang -std=gnu11 -g -O1 -I. -fsanitize=fuzzer,address,undefined \
 *     tests/fuzz/fuzz_twcc.c gateway/rtc/twcc.c gateway/rtc/rtp.c gateway/rtc/rtcp.c \
 *     -o build/fuzz_twcc
 *   mkdir -p build/fuzz_twcc_corpus && ./build/fuzz_twcc build/fuzz_twcc_corpus -max_len=1500
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/rtc/rtcp.h"
#include "gateway/rtc/rtp.h"
#include "gateway/rtc/twcc.h"

static twcc_packet pkts[65536];
static twcc_packet again[65536];
static uint8_t rebuilt[262144];

static void round_trip(const twcc_feedback *fb, size_t n) {
  if (fb->truncated || n == 0) return;
  int len = twcc_build(rebuilt, sizeof rebuilt, fb->sender_ssrc, fb->media_ssrc, fb->ref_time, fb->fb_count,
                       pkts, n);
  if (len < 0) return; /* a delta the input expressed as large-but-small is fine to refuse */
  rtcp_iter it;
  rtcp_header h;
  twcc_feedback fb2;
  rtcp_iter_init(&it, rebuilt, (size_t)len);
  if (rtcp_iter_next(&it, &h) != 1) abort();
  if (twcc_parse(&h, &fb2, again, 65536) != (int)n) abort();
  for (size_t i = 0; i < n; i++) {
    if (again[i].seq != pkts[i].seq || again[i].received != pkts[i].received) abort();
    if (pkts[i].received && again[i].arrival_us != pkts[i].arrival_us) abort();
  }
}

static void fuzz_feedback(const uint8_t *data, size_t size) {
  twcc_feedback fb;
  (void)twcc_parse_fci(data, size, &fb, pkts, 3);
  int n = twcc_parse_fci(data, size, &fb, pkts, 65536);
  if (n > 0) round_trip(&fb, (size_t)n);

  rtcp_iter it;
  rtcp_header h;
  twcc_ref_unwrapper u = {0};
  rtcp_iter_init(&it, data, size);
  while (rtcp_iter_next(&it, &h) == 1) {
    if (twcc_parse(&h, &fb, pkts, 65536) < 0) continue;
    (void)twcc_ref_unwrap(&u, fb.ref_time);
  }
}

static void fuzz_ext(const uint8_t *data, size_t size) {
  rtp_packet p;
  if (rtp_parse(data, size, &p) != 0) return;
  uint16_t seq;
  for (int id = 1; id < 256; id++) (void)twcc_ext_read(&p, (uint8_t)id, &seq);
  uint8_t id = size ? data[size - 1] : 1;
  uint8_t *copy = malloc(size + 8);
  if (!copy) return;
  memcpy(copy, data, size);
  (void)twcc_ext_write(copy, size, size, id, 0x1234); /* in place only */
  memcpy(copy, data, size);
  int n = twcc_ext_write(copy, size, size + 8, id, 0x4321);
  if (n > 0) { /* what was written must read back */
    if (rtp_parse(copy, (size_t)n, &p) != 0 || twcc_ext_read(&p, id, &seq) != 0 || seq != 0x4321) abort();
  }
  free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_feedback(data, size);
  fuzz_ext(data, size);
  return 0;
}
