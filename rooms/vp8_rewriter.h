/* VP8 payload descriptor rewriter for one consumer (one outgoing video stream to one
 * subscriber) that follows a simulcast producer: the consumer is fed the packets of every
 * encoding it may switch between, and this object decides which to forward and rewrites their
 * PictureID and TL0PICIDX so the subscriber's decoder sees one continuous stream:
 *
 *  - spatial switch: a new source (SSRC) is taken only at a key frame of it (until then the
 *    current source keeps flowing); the new source's PictureID and TL0PICIDX continue from
 *    the last ones sent (+1);
 *  - temporal layers: pictures whose TID is above the chosen maximum are dropped and the
 *    PictureIDs after them renumbered to close the gap; going down takes effect at the next
 *    picture, going up at the next picture of a higher layer that has the layer sync bit (Y)
 *    or at a key frame; a packet without a TID is never dropped for its layer (Chrome's
 *    simulcast streams carry 2 or 3 temporal layers, and an unknown one must pass);
 *  - a gap in the input (a picture the publisher's link lost) stays a gap in the output, so
 *    the decoder still knows a reference is missing.
 * The rewrite is in place (the descriptor keeps its size, PictureID its 7- or 15-bit width,
 * continuity being modulo that width). Dropped packets leave holes in the RTP sequence numbers
 * the caller must close (the consumer's seq_rewriter must skip them).
 *
 * Pure: no allocation, no I/O, no clock. Owned by its consumer, embedded by value, used on the
 * media worker's thread only. Zero-initialise through vp8_rewriter_init(). */
#ifndef MOA_ROOMS_VP8_REWRITER_H
#define MOA_ROOMS_VP8_REWRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VP8_RW_HISTORY 128 /* pictures remembered for late packets */

typedef enum { VP8_RW_DROP = 0, VP8_RW_FORWARD = 1 } vp8_rw_result;

typedef struct {
  /* Read-only for callers. */
  bool started;    /* a source has been taken */
  uint32_t ssrc;   /* the source forwarded */
  uint8_t cur_tid; /* the highest TID forwarded now */
  uint64_t forwarded, dropped, malformed;

  /* Private. */
  bool have_target;
  uint32_t target_ssrc;
  uint8_t target_tid;
  uint8_t waiting_tid; /* the forwarded source's limit while a switch waits (3: none) */
  uint16_t pid_offset; /* out = (in + offset) & mask */
  uint8_t tl0_offset;
  bool out_pid_valid, out_tl0_valid, max_valid;
  uint16_t last_out_pid;
  uint8_t last_out_tl0;
  uint16_t max_in_pid;
  struct {
    uint16_t in_pid, out_pid;
    bool valid, dropped;
  } hist[VP8_RW_HISTORY];
} vp8_rewriter;

void vp8_rewriter_init(vp8_rewriter *rw);

/* Chooses the source to forward (its SSRC) and the highest temporal layer (0..3; 3 = all).
 * A new SSRC is taken at its next key frame; the caller asks the publisher for one (PLI) while
 * vp8_rewriter_waiting_keyframe() is true. Never fails. */
void vp8_rewriter_set_target(vp8_rewriter *rw, uint32_t ssrc, uint8_t max_tid);

/* Takes the target source again only at its next key frame, even if it is the one forwarded
 * (after a pause: the decoder missed pictures). PictureID / TL0PICIDX continue from the last
 * ones sent. Never fails. */
void vp8_rewriter_restart(vp8_rewriter *rw);

/* The highest temporal layer (0..3) of the source still forwarded while a switch to another
 * one waits for that one's key frame; 3 (the default) leaves it as vp8_rewriter_set_target
 * chose. A viewer whose bandwidth fell waits for the lower encoding's key frame on the upper
 * encoding's base layer alone: the upper one's full rate, kept flowing for the second or two a
 * publisher short of CPU takes to send that key frame, is what overflowed a slow link's queue
 * (browser_bandwidth_adapt, docs/BWE.md). The new source starts at the set_target layer. */
void vp8_rewriter_set_waiting_tid(vp8_rewriter *rw, uint8_t max_tid);

/* True while the chosen source is not the one being forwarded (or nothing is yet). */
bool vp8_rewriter_waiting_keyframe(const vp8_rewriter *rw);

/* Decides for one packet of source `ssrc` whose RTP payload is payload[0..len): returns
 * VP8_RW_FORWARD after rewriting its descriptor in place, or VP8_RW_DROP (payload unchanged)
 * for a packet of another source, one before the chosen source's first key frame, one of a
 * dropped temporal layer or of a picture too old to remember, and a malformed descriptor
 * (counted in rw->malformed). */
vp8_rw_result vp8_rewriter_process(vp8_rewriter *rw, uint32_t ssrc, uint8_t *payload, size_t len);

#endif
