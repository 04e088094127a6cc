/* Frame assembly from the RTP packets of one recorded track (VP8 or Opus), as a spool reader
 * yields them (storage/rec_spool.h): packets in any order within a reorder window, duplicates
 * and gaps, come out as complete frames (access units) in sequence order through a callback.
 *
 *  - Reorder: a window of FA_WINDOW sequence numbers (16-bit, wrap-around unwrapped to 64 bits).
 *    Packets are released in order as soon as the next number is there; a missing one is waited
 *    for until a packet FA_WINDOW numbers newer arrives (or fa_flush). At a stream's start all is
 *    held until the window is full, so the lowest number seen in it starts the stream. A packet older
 *    than what was already released is dropped ("late"), one seen twice is dropped
 *    ("duplicate"); FA_WINDOW late packets in a row are a restart of the sequence (a new stream).
 *    Padding-only packets (no payload) fill their sequence number and are otherwise ignored.
 *  - VP8 (RFC 7741): a frame is the packets of one RTP timestamp from the packet with S=1 and
 *    partition index 0 to the one with the marker bit; descriptors are stripped. A frame with a
 *    sequence gap, without its start or without its marker is dropped. Output starts at the
 *    first key frame; after a dropped frame (or any gap between frames, unless the next frame's
 *    PictureID follows on from the last one emitted), delta frames are dropped until the next
 *    key frame. A key frame's width and height come from its header (after 0x9d 0x01 0x2a); a
 *    key frame without that start code is malformed and dropped.
 *  - Opus: one packet is one frame; a gap is counted.
 *  - A packet with another SSRC starts a new stream: what is held is released first, then the
 *    state is reset (VP8 waits for a key frame again) and the frame carries new_stream.
 *
 * Memory: everything is in the fa struct (about FA_WINDOW * FA_SLOT_BYTES = 96 KiB of packet
 * copies) plus a caller-provided frame buffer whose size is the frame limit (a larger frame is
 * dropped, counted). Pure: no I/O, no allocation, no global state; one owner thread. */
#ifndef MOA_GATEWAY_RTC_FRAME_ASSEMBLER_H
#define MOA_GATEWAY_RTC_FRAME_ASSEMBLER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FA_WINDOW 64            /* reorder window, in sequence numbers */
#define FA_HOLD 16              /* packets held at a stream's start before any is released */
#define FA_SLOT_BYTES 1500      /* largest RTP payload kept (after the RTP header); larger: dropped */
#define FA_MAX_FRAME (1u << 20) /* the frame limit a finalizer should give (1 MiB) */

typedef enum { FA_VP8 = 1, FA_OPUS = 2 } fa_codec;

typedef struct {
  const uint8_t *data; /* the frame (VP8: descriptors stripped; Opus: the payload); valid only
                          during the callback */
  size_t len;
  uint32_t ssrc;
  uint32_t rtp_ts;
  int64_t ts_ext;         /* rtp_ts unwrapped over the stream (starts at the first frame's rtp_ts) */
  uint64_t arrival_us;    /* latest arrival among its packets */
  uint64_t first_seq;     /* extended sequence number of its first packet */
  bool keyframe;          /* VP8 key frame (every Opus frame is true) */
  bool new_stream;        /* first frame emitted since the start or an SSRC change */
  uint16_t width, height; /* VP8 key frames: 14-bit size (0 otherwise) */
  uint8_t hscale, vscale; /* VP8 key frames: the 2-bit scaling fields */
  bool has_picture_id;
  uint16_t picture_id;
} fa_frame;

typedef void (*fa_frame_fn)(void *ctx, const fa_frame *f);

typedef struct {
  uint64_t packets;          /* given to fa_push */
  uint64_t malformed;        /* not RTP, VP8 descriptor unparsable, key frame without its start code */
  uint64_t oversize_packets; /* payload > FA_SLOT_BYTES */
  uint64_t duplicates;
  uint64_t late;              /* older than what was already released */
  uint64_t lost;              /* sequence numbers never seen (gaps) */
  uint64_t streams;           /* SSRCs seen (1 + changes) */
  uint64_t frames;            /* emitted */
  uint64_t frames_incomplete; /* VP8: dropped for a gap, a missing start or marker */
  uint64_t frames_oversize;   /* dropped: larger than the frame buffer */
  uint64_t frames_no_key;     /* VP8: complete delta frames dropped while waiting for a key frame */
} fa_stats;

typedef struct {
  bool used;
  bool marker;
  uint64_t ext;
  uint32_t ts;
  uint64_t arrival_us;
  uint16_t len;
  uint8_t data[FA_SLOT_BYTES];
} fa_slot;

typedef struct {
  fa_codec codec;
  fa_frame_fn on_frame;
  void *ctx;
  uint8_t *frame_buf; /* caller-owned */
  size_t frame_cap;
  fa_stats stats;

  /* stream */
  bool have_ssrc;
  uint32_t ssrc;
  bool have_seq;
  uint64_t highest;       /* highest extended seq seen */
  uint64_t next;          /* next extended seq to release */
  uint32_t holding;       /* at a stream's start: packets still to take before releasing any */
  uint64_t released_bits; /* bit k: next-1-k was present (tells duplicates from late ones) */
  uint32_t late_run;      /* consecutive late packets: a restart of the sequence after FA_WINDOW */
  bool emitted_any;       /* a frame was emitted in this stream */
  bool have_ts;
  int64_t last_ts_ext;

  /* frame under construction (VP8) */
  bool collecting;
  bool broken; /* a gap or oversize inside: dropped at its end */
  bool oversize;
  bool discarding; /* dropping the rest of a frame seen without its start */
  uint32_t discard_ts;
  uint32_t cur_ts;
  size_t cur_len;
  uint64_t cur_arrival;
  uint64_t cur_first_seq;
  bool cur_key, cur_nonref, cur_has_pid;
  uint16_t cur_pid;
  bool cur_pid_15;
  bool need_key;    /* VP8: drop delta frames until a key frame */
  bool gap_between; /* VP8: packets were lost since the last frame */
  bool have_last_pid;
  bool last_pid_15;
  uint16_t last_pid;

  fa_slot slot[FA_WINDOW];
} frame_assembler;

/* Prepares fa for one track. frame_buf (frame_cap bytes, FA_MAX_FRAME recommended) must stay
 * valid while fa is used; on_frame is called from fa_push and fa_flush. Returns 0, or -1 if
 * codec is unknown or frame_buf/on_frame is missing (fa unusable). */
int fa_init(frame_assembler *fa, fa_codec codec, uint8_t *frame_buf, size_t frame_cap, fa_frame_fn on_frame,
            void *ctx);

/* Takes one RTP packet (header included; decrypted) that arrived at arrival_us (any clock, the
 * spool's time since the recording start). Emits through on_frame the frames this completes
 * in order. Never reads outside pkt[0..len) and keeps a copy of what it holds. on_frame must
 * not call back into fa. */
void fa_push(frame_assembler *fa, const uint8_t *pkt, size_t len, uint64_t arrival_us);

/* Releases everything held (the end of the spool): frames still complete are emitted, a frame
 * missing its marker is dropped. fa can go on taking packets of the same stream afterwards. */
void fa_flush(frame_assembler *fa);

/* Parses the key frame header of a VP8 frame (RFC 6386 9.1: 3-byte frame tag with P clear, then
 * 0x9d 0x01 0x2a, then 16-bit little-endian width and height whose top 2 bits are the scale).
 * Returns 0 and fills the outputs, or -1 if it is not a key frame, too short, lacks the start
 * code or has a zero dimension. */
int fa_vp8_keyframe_size(const uint8_t *frame, size_t len, uint16_t *width, uint16_t *height, uint8_t *hscale,
                         uint8_t *vscale);

#endif
