/* One kind (video or audio) of one participant's recording, for the finalizer
 * (gateway/rec_finalize.c): the spools of that kind (several if the producer was replaced),
 * read in order of their start, assembled into frames (gateway/rtc/frame_assembler.h) and
 * placed on the recording's common clock.
 *
 * Timing. A spool's frames fall into segments: a segment starts at the spool's first frame, at
 * an SSRC change (new_stream) and where the RTP timestamps stop agreeing with the arrival times
 * (a jump of more than REC_TRACK_JUMP_US, or a span past REC_TRACK_MAX_SPAN_US). Within a
 * segment a frame's time is "place + its RTP time since the segment's first frame", so frame
 * spacing comes from RTP. place is, without a sender report, the earliest arrival minus RTP time
 * over the segment (the least delayed frame); with one (REC_SR: NTP <-> RTP) the segment is put
 * on the sender's clock, and the participant's tracks share one offset from that clock to the
 * recording's (rec_track_place_user), which lines audio up with video even when one of them
 * arrives later. Times are microseconds since the recording's earliest start (t0).
 *
 * Two passes over each spool: rec_track_analyze reads the records once to find the segments,
 * the first key frame's size and how the spool ended; rec_track_next then reads them again,
 * frame by frame, with their output times. Both passes make the same assembler calls, so frame
 * k of the second pass is frame k of the first.
 *
 * Owned by one thread; reports into its struct, never logs. */
#ifndef MOA_GATEWAY_REC_TRACK_H
#define MOA_GATEWAY_REC_TRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gateway/rtc/frame_assembler.h"
#include "storage/rec_spool.h"

#define REC_TRACK_JUMP_US 3000000LL                   /* RTP vs arrival disagreement: a new segment */
#define REC_TRACK_MAX_SPAN_US (48LL * 3600 * 1000000) /* no recording is longer; later times: damage */
#define REC_TRACK_SR_MAX_SKEW_US 2000000LL /* SR placement further than this from arrival: ignored */
#define REC_TRACK_MAX_SPOOLS 16            /* spools of one kind of one participant */

typedef struct {
  uint64_t first_frame; /* index of its first frame in the spool */
  int64_t ref_ts;       /* ts_ext of that frame */
  uint32_t ssrc;        /* of its frames */
  int64_t min_d;        /* min over its frames of arrival (since t0) - RTP time since ref */
  bool has_sr;
  int64_t sr_k;       /* with a sender report: the frame's sender NTP time in us = sr_k + RTP time */
  int64_t place;      /* the result: out_us = place + RTP time since ref */
  int64_t max_rel_us; /* the latest frame's RTP time since ref */
} rec_segment;

/* One spool file, mapped. */
typedef struct {
  char name[256]; /* file name inside the spool dir */
  rec_spool_map_t map;
  rec_spool_header h;
  int64_t start_us; /* h.start_mono_us - t0 */
  /* filled by rec_track_analyze */
  rec_read_result end; /* how the walk ended: END, TRUNCATED or CORRUPT */
  uint64_t records, bad_times;
  uint64_t frames;
  fa_stats stats;
  bool have_size;
  uint16_t width, height; /* the first key frame's (video) */
  rec_segment *seg;
  size_t nseg, capseg;
  bool oom;
} rec_spool_src;

/* A frame in output order. data stays valid until the next rec_track_next. */
typedef struct {
  int64_t out_us;
  bool keyframe;
  const uint8_t *data;
  size_t len;
} rec_track_frame;

typedef struct {
  rec_kind kind;
  rec_spool_src *src[REC_TRACK_MAX_SPOOLS];
  int nsrc;
  /* reading (rec_track_next) */
  int cur;            /* source being read */
  bool started, done; /* cur's reader is initialized; every source is read */
  rec_spool_reader rd;
  frame_assembler *fa;
  uint8_t *fbuf;
  uint64_t frame_idx;
  size_t seg_idx;
  /* frames the assembler emitted and the caller has not taken: offsets into qdata */
  struct rec_track_q {
    int64_t out_us;
    bool key;
    size_t off, len;
  } * q;
  size_t qn, qcap, qhead;
  uint8_t *qdata;
  size_t qfill, qdcap;
  bool oom;
  int64_t last_ms; /* the last output time given, to keep them increasing */
} rec_track;

/* Pass 1 over one mapped spool (s->map, s->h, s->start_us set): segments, first key frame size,
 * the end state. fa and fbuf (FA_MAX_FRAME bytes) are scratch. Returns 0, or -1 out of memory
 * (s->oom). */
int rec_track_analyze(rec_spool_src *s, frame_assembler *fa, uint8_t *fbuf);

/* Places every segment of a participant's sources (both kinds): with sender reports, on one
 * offset from the sender's clock when they agree with the arrival times within
 * REC_TRACK_SR_MAX_SKEW_US, else each on its own arrival times. Returns whether sender reports
 * were used. */
bool rec_track_place_user(rec_spool_src **srcs, int n);

/* The time span of a placed source's frames on the recording's clock (us since t0); false if
 * it has none. */
bool rec_track_span(const rec_spool_src *s, int64_t *begin_us, int64_t *end_us);

/* Prepares reading t's sources (t->kind, t->src, t->nsrc set by the caller; the sources
 * analyzed and placed). Returns 0, or -1 out of memory. */
int rec_track_open(rec_track *t);

/* The next frame in order, with its output time in ms (increasing by at least 1 ms within the
 * track). Returns 1 and fills *f, 0 at the end, -1 out of memory. */
int rec_track_next(rec_track *t, rec_track_frame *f, int64_t *out_ms);

void rec_track_close(rec_track *t);

/* The duration of an Opus packet in 48 kHz samples from its TOC byte (RFC 6716 3.1), or 0 if
 * the packet is empty or malformed (code 3 without its frame count byte, more than 120 ms). */
int rec_opus_packet_samples(const uint8_t *p, size_t len);

#endif
