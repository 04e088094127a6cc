/* Per-consumer RTP sequence number and timestamp rewriting: constant offsets per source segment,
 * extended input sequence numbers to refuse packets from before the segment's start. See
 * seq_rewriter.h for the model. */
#include "rooms/seq_rewriter.h"

#include "base/seq.h"

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
    r->piece_first_out = r->next_out_seq;
    r->n_pieces = 0;
    r->last_out_seq = r->next_out_seq;
    r->last_out_ts = r->next_out_ts;
    r->packets++;
    *out_seq = r->next_out_seq;
    *out_ts = r->next_out_ts;
    return true;
  }
  int64_t ext = r->max_in_ext + seq16_delta(in_seq, r->max_in_seq);
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
  int64_t ext = r->max_in_ext + seq16_delta(in, r->max_in_seq);
  if (ext > r->max_in_ext) return false; /* never sent */
  if (ext > 0 || (ext == 0 && !r->base_skipped)) {
    *in_seq = in;
    return true;
  }
  /* Before the latest skip: the piece that mapped it, newest first. */
  for (int k = 0; k < r->n_pieces; k++) {
    const struct seq_rewriter_piece *pc =
        &r->pieces[(r->piece_head + SEQ_REWRITER_PIECES - 1 - k) % SEQ_REWRITER_PIECES];
    if (seq16_delta(out_seq, pc->first) >= 0 && seq16_delta(pc->last, out_seq) >= 0) {
      *in_seq = (uint16_t)(out_seq - pc->seq_offset);
      return true;
    }
  }
  return false;
}

void seq_rewriter_rebase(seq_rewriter *r, uint32_t ts_gap) {
  if (r->packets == 0) return;
  r->started = false;
  r->n_pieces = 0; /* the old source's packets are gone */
  r->next_out_seq = (uint16_t)(r->last_out_seq + 1);
  r->next_out_ts = r->last_out_ts + ts_gap;
}

void seq_rewriter_skip(seq_rewriter *r, uint16_t in_seq) {
  if (!r->started) return;
  int64_t ext = r->max_in_ext + seq16_delta(in_seq, r->max_in_seq);
  if (ext <= r->max_in_ext) return;
  /* A new segment based at the skipped packet, one output number lower: in_seq + 1 takes the
   * number in_seq would have had. A loss between the newest packet and in_seq stays a hole
   * (the subscriber must see it). The skipped packet itself becomes extended 0 and anything
   * older is refused from now on. The piece mapped with the old offset is remembered (unless
   * it mapped nothing: consecutive skips). */
  if (seq16_delta(r->last_out_seq, r->piece_first_out) >= 0) {
    r->pieces[r->piece_head] =
        (struct seq_rewriter_piece){r->piece_first_out, r->last_out_seq, r->seq_offset};
    r->piece_head = (uint8_t)((r->piece_head + 1) % SEQ_REWRITER_PIECES);
    if (r->n_pieces < SEQ_REWRITER_PIECES) r->n_pieces++;
  }
  r->piece_first_out = (uint16_t)(r->last_out_seq + 1);
  r->seq_offset = (uint16_t)(r->seq_offset - 1);
  r->max_in_seq = in_seq;
  r->max_in_ext = 0;
  r->base_skipped = true;
}
