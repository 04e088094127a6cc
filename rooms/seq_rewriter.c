/* Per-consumer RTP sequence number and timestamp rewriting: constant offsets per source segment,
 * extended input sequence numbers to refuse packets from before the segment's start. See
 * seq_rewriter.h for the model. */
#include "rooms/seq_rewriter.h"

#include "gateway/rtc/rtp.h"

/* Signed distance from b to a modulo 2^16, in -32767..32768 with rtp_seq_newer()'s tie rule. */
static int32_t seq_rewriter__delta(uint16_t a, uint16_t b) {
  uint16_t d = (uint16_t)(a - b);
  if (d == 0) return 0;
  return rtp_seq_newer(a, b) ? (int32_t)d : (int32_t)d - 65536;
}

void seq_rewriter_init(seq_rewriter *r, uint16_t first_out_seq, uint32_t first_out_ts) {
  *r = (seq_rewriter){0};
  r->next_out_seq = first_out_seq;
  r->next_out_ts = first_out_ts;
  /* Until a packet is mapped these describe "just before the start". */
  r->last_out_seq = (uint16_t)(first_out_seq - 1);
  r->last_out_ts = first_out_ts;
}

bool seq_rewriter_map(seq_rewriter *r, uint16_t in_seq, uint32_t in_ts, uint16_t *out_seq, uint32_t *out_ts) {
  if (!r->started) {
    r->started = true;
    r->seq_offset = (uint16_t)(r->next_out_seq - in_seq);
    r->ts_offset = r->next_out_ts - in_ts;
    r->max_in_seq = in_seq;
    r->max_in_ext = 0;
    r->base_skipped = false;
    r->last_out_seq = r->next_out_seq;
    r->last_out_ts = r->next_out_ts;
    r->packets++;
    *out_seq = r->next_out_seq;
    *out_ts = r->next_out_ts;
    return true;
  }
  int64_t ext = r->max_in_ext + seq_rewriter__delta(in_seq, r->max_in_seq);
  if (ext < 0 || (ext == 0 && r->base_skipped)) {
    r->dropped++;
    return false;
  }
  uint16_t os = (uint16_t)(in_seq + r->seq_offset);
  uint32_t ot = in_ts + r->ts_offset;
  if (ext > r->max_in_ext) {
    r->max_in_ext = ext;
    r->max_in_seq = in_seq;
    r->last_out_seq = os;
    r->last_out_ts = ot;
  }
  r->packets++;
  *out_seq = os;
  *out_ts = ot;
  return true;
}

bool seq_rewriter_unmap(const seq_rewriter *r, uint16_t out_seq, uint16_t *in_seq) {
  if (!r->started) return false;
  uint16_t in = (uint16_t)(out_seq - r->seq_offset);
  int64_t ext = r->max_in_ext + seq_rewriter__delta(in, r->max_in_seq);
  if (ext < 0 || (ext == 0 && r->base_skipped) || ext > r->max_in_ext) return false;
  *in_seq = in;
  return true;
}

void seq_rewriter_rebase(seq_rewriter *r, uint32_t ts_gap) {
  if (r->packets == 0) return;
  r->started = false;
  r->next_out_seq = (uint16_t)(r->last_out_seq + 1);
  r->next_out_ts = r->last_out_ts + ts_gap;
}

void seq_rewriter_skip(seq_rewriter *r, uint16_t in_seq) {
  if (!r->started) return;
  int64_t ext = r->max_in_ext + seq_rewriter__delta(in_seq, r->max_in_seq);
  if (ext <= r->max_in_ext) return;
  /* A new segment based at the skipped packet, one output number lower: in_seq + 1 takes the
   * number in_seq would have had. A loss between the newest packet and in_seq stays a hole
   * (the subscriber must see it). The skipped packet itself becomes extended 0 and anything
   * older is refused from now on. */
  r->seq_offset = (uint16_t)(r->seq_offset - 1);
  r->max_in_seq = in_seq;
  r->max_in_ext = 0;
  r->base_skipped = true;
}
