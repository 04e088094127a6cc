/* libFuzzer target: the RTCP codec (gateway/rtc/rtcp.c), which reads every compound RTCP packet
 * a participant sends. Each input is one compound packet: validation, the iterator and every
 * per-type parser on each sub-packet; SR and RR are built back and must parse to the same fields; a NACK is
 * expanded and built back (the rebuilt packet must validate and hold every sequence number); FIR entries and
 * REMB are read.
 *
 * Built by `make fuzz` and replayed by ctest (fuzz_replay_rtcp); see docs/FUZZING.md. */
#include <stdlib.h>
#include <string.h>

#include "gateway/rtc/rtcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void nack_round_trip(const uint16_t *seqs, int lost) {
  uint8_t out[4096];
  int n = rtcp_build_nack(out, sizeof out, 1, 2, seqs, (size_t)lost);
  if (n < 0) return;
  if (rtcp_validate(out, (size_t)n) != 0) abort();
  rtcp_iter it;
  rtcp_header h;
  rtcp_fb fb;
  rtcp_iter_init(&it, out, (size_t)n);
  if (rtcp_iter_next(&it, &h) != 1 || rtcp_parse_fb(&h, &fb) != 0) abort();
  static uint16_t again[4096];
  static uint8_t seen[65536 / 8];
  int m = rtcp_nack_expand(&fb, again, 4096);
  if (m < 0) abort();
  /* Items may be regrouped, so compare as sets: every number asked for is in the rebuilt NACK. */
  memset(seen, 0, sizeof seen);
  for (int j = 0; j < m; j++) seen[again[j] >> 3] |= (uint8_t)(1u << (again[j] & 7));
  for (int i = 0; i < lost; i++)
    if (!(seen[seqs[i] >> 3] & (1u << (seqs[i] & 7)))) abort();
}

static bool same_blocks(const rtcp_report_block *a, const rtcp_report_block *b, int n) {
  for (int i = 0; i < n; i++)
    if (a[i].ssrc != b[i].ssrc || a[i].fraction_lost != b[i].fraction_lost ||
        a[i].cumulative_lost != b[i].cumulative_lost || a[i].highest_seq != b[i].highest_seq ||
        a[i].jitter != b[i].jitter || a[i].lsr != b[i].lsr || a[i].dlsr != b[i].dlsr)
      return false;
  return true;
}

/* A parsed SR or RR built back must parse to the same fields. */
static void sr_round_trip(const rtcp_sr *sr) {
  static rtcp_sr again;
  uint8_t out[1500];
  int n = rtcp_build_sr(out, sizeof out, sr);
  if (n < 0) abort();
  rtcp_iter it;
  rtcp_header h;
  rtcp_iter_init(&it, out, (size_t)n);
  if (rtcp_iter_next(&it, &h) != 1 || rtcp_parse_sr(&h, &again) != 0) abort();
  if (again.ssrc != sr->ssrc || again.ntp != sr->ntp || again.rtp_ts != sr->rtp_ts ||
      again.block_count != sr->block_count || !same_blocks(again.blocks, sr->blocks, sr->block_count))
    abort();
}

static void rr_round_trip(const rtcp_rr *rr) {
  rtcp_rr again;
  uint8_t out[1500];
  int n = rtcp_build_rr(out, sizeof out, rr->ssrc, rr->blocks, rr->block_count);
  if (n < 0) abort();
  rtcp_iter it;
  rtcp_header h;
  rtcp_iter_init(&it, out, (size_t)n);
  if (rtcp_iter_next(&it, &h) != 1 || rtcp_parse_rr(&h, &again) != 0) abort();
  if (again.ssrc != rr->ssrc || again.block_count != rr->block_count ||
      !same_blocks(again.blocks, rr->blocks, rr->block_count))
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static rtcp_sr sr;
  static rtcp_remb remb;
  static uint16_t seqs[1024];
  rtcp_iter it;
  rtcp_header h;
  (void)rtcp_validate(data, size);
  rtcp_iter_init(&it, data, size);
  while (rtcp_iter_next(&it, &h) == 1) {
    rtcp_rr rr;
    rtcp_bye bye;
    rtcp_fb fb;
    if (rtcp_parse_sr(&h, &sr) == 0) sr_round_trip(&sr);
    if (rtcp_parse_rr(&h, &rr) == 0) rr_round_trip(&rr);
    (void)rtcp_parse_bye(&h, &bye);
    (void)rtcp_is_pli(&h);
    (void)rtcp_is_transport_cc(&h);
    if (rtcp_parse_fb(&h, &fb) != 0) continue;
    int lost = rtcp_nack_expand(&fb, seqs, 1024);
    if (lost > 0) nack_round_trip(seqs, lost);
    int firs = rtcp_fir_count(&fb);
    for (int i = 0; i < firs; i++) {
      uint32_t ssrc;
      uint8_t seq;
      (void)rtcp_fir_entry(&fb, i, &ssrc, &seq);
    }
    (void)rtcp_parse_remb(&fb, &remb);
  }
  return 0;
}
