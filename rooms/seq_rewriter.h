/* Per-consumer RTP sequence number and timestamp rewriting. A consumer forwards one producer to
 * one subscriber under the consumer's own SSRC; forwarding starts mid-stream (on a keyframe) and
 * the publisher's stream may be replaced (new SSRC, unrelated seq/ts after a reconnect), yet the
 * subscriber must see one continuous stream that starts at numbers the consumer chose. The
 * rewriter keeps one constant offset per field for each source "segment": out = in + offset,
 * modulo 2^16 for the sequence number and 2^32 for the timestamp, so wrap-around on either side
 * is seamless. Input sequence numbers are extended to 64 bits relative to the newest one seen,
 * which lets it refuse packets from before the segment's first packet (forwarding one would look
 * like a backward wrap to the receiver) however long the stream has run.
 *
 * Owned by its consumer, embedded by value, used on the media worker's thread only. Pure: no
 * allocation, no I/O, no locks. Zero-initialising is not enough: call seq_rewriter_init(). */
#ifndef MOA_ROOMS_SEQ_REWRITER_H
#define MOA_ROOMS_SEQ_REWRITER_H

#include <stdbool.h>
#include <stdint.h>
/* The offsets remembered from before the latest skips: 64 withheld pictures, about 4 s of a
 * camera whose upper temporal layer is dropped, longer than any NACK is worth answering. */
#define SEQ_REWRITER_PIECES 64

typedef struct seq_rewriter {
  /* Read-only for callers. */
  uint16_t last_out_seq; /* output seq of the newest packet mapped (newest by input seq) */
  uint32_t last_out_ts;  /* output ts of that packet */
  uint64_t packets;      /* packets mapped (seq_rewriter_map() returned true), all segments */
  uint64_t dropped;      /* packets refused because they precede their segment's start */

  /* Private. */
  bool started;          /* the current segment has mapped its first packet */
  uint16_t next_out_seq; /* where the next segment's first packet maps */
  uint32_t next_out_ts;
  uint16_t seq_offset;      /* out_seq = in_seq + seq_offset (mod 2^16) */
  uint32_t ts_offset;       /* out_ts = in_ts + ts_offset (mod 2^32) */
  uint16_t max_in_seq;      /* newest input seq of the segment */
  int64_t max_in_ext;       /* its extended value; the segment's first packet is 0 */
  bool base_skipped;        /* the segment's base (extended 0) is a skipped packet, never mapped */
  uint16_t piece_first_out; /* the first output number of the current offset's piece */
  /* The pieces of the segment before its latest skips, newest last: the output numbers
   * [first, last] were mapped with offset seq_offset (seq_rewriter_unmap answers them). */
  struct seq_rewriter_piece {
    uint16_t first, last, seq_offset;
  } pieces[SEQ_REWRITER_PIECES];
  uint8_t n_pieces, piece_head;
} seq_rewriter;

/* Prepares r so that the first packet mapped becomes (first_out_seq, first_out_ts). Never
 * fails. */
void seq_rewriter_init(seq_rewriter *r, uint16_t first_out_seq, uint32_t first_out_ts);

/* Maps an input packet's (in_seq, in_ts) to the subscriber's numbering. The first call after
 * init or rebase fixes the offsets from that packet; later packets of the segment, including
 * reordered, duplicated and retransmitted ones, map by the same offsets as long as they are not
 * older than that first packet. Returns true and writes *out_seq / *out_ts; returns false (and
 * writes nothing, counting r->dropped) for a packet older than the segment's first one, which
 * must not be forwarded. Sequence numbers are compared modulo 2^16 relative to the newest seen:
 * a jump of more than 32767 is read as backward, so a source restart must be signalled with
 * seq_rewriter_rebase(). */
bool seq_rewriter_map(seq_rewriter *r, uint16_t in_seq, uint32_t in_ts, uint16_t *out_seq, uint32_t *out_ts);

/* The inverse of seq_rewriter_map() for the current segment, to answer a subscriber's NACK from
 * the producer's retransmission buffer. Returns true and writes *in_seq if out_seq lies between
 * the segment's first packet and the newest packet mapped (inclusive). Returns false (and writes
 * nothing) if nothing of the current segment has been mapped yet, or out_seq precedes the
 * segment (including seqs sent for a source replaced by seq_rewriter_rebase(): the old source's
 * packets are gone), or it is newer than anything sent. */
bool seq_rewriter_unmap(const seq_rewriter *r, uint16_t out_seq, uint16_t *in_seq);

/* Starts a new segment after the source restarted with unrelated numbering: the next packet
 * mapped continues at last_out_seq + 1 and last_out_ts + ts_gap (the caller's estimate of the
 * media time that passed, e.g. wall-clock gap times the clock rate). Packets of the old source
 * mapped after this call would be mapped as the new segment's first packet: the caller stops
 * feeding them first. A no-op if no packet was ever mapped (the first packet still maps to
 * init's numbers). Never fails. */
void seq_rewriter_rebase(seq_rewriter *r, uint32_t ts_gap);

/* Withholds input packet in_seq (e.g. a VP8 picture of a temporal layer the subscriber does not
 * get) without leaving a hole: packets after it map one output number lower (a loss upstream
 * between the newest packet and in_seq stays a hole). Only a packet newer than every one mapped
 * so far is skipped; an older one is ignored (it was mapped or refused already). Packets older
 * than the skipped one are refused afterwards. The output numbers mapped before it stay
 * answerable by seq_rewriter_unmap for the last SEQ_REWRITER_PIECES skips (before, a viewer
 * that got only the base temporal layer had none of its NACKs answered, and froze until a key
 * frame). A no-op before the first packet of a segment. Never fails. */
void seq_rewriter_skip(seq_rewriter *r, uint16_t in_seq);

#endif
