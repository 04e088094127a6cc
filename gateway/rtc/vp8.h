/* VP8 RTP payload descriptor (RFC 7741 4.2) for an SFU that forwards simulcast streams and
 * drops temporal layers: a bounds-checked parser of the descriptor's fields (partition start
 * and index, PictureID in its 7- or 15-bit form, TL0PICIDX, TID, layer sync bit Y, KEYIDX) and
 * in-place writers of PictureID and TL0PICIDX that keep the field's width, so a packet never
 * changes size. The key frame test is rtp_vp8_is_keyframe() (gateway/rtc/rtp.h). Pure
 * functions on caller buffers: no state, no allocation.
 *
 *   byte 0: X R N S R PID(3)       X: extension byte follows; N: non-reference frame;
 *                                  S: start of a partition; PID: partition index
 *   byte 1: I L T K RSV(4)         (if X) which optional fields follow
 *   I: M PictureID(7) [PictureID low 8 bits when M]
 *   L: TL0PICIDX(8)
 *   T or K: TID(2) Y(1) KEYIDX(5) */
#ifndef MOA_GATEWAY_RTC_VP8_H
#define MOA_GATEWAY_RTC_VP8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
  size_t header_len; /* descriptor bytes: the VP8 payload starts here */
  bool non_ref;      /* N */
  bool start;        /* S */
  uint8_t partition; /* PID */
  bool has_picture_id;
  bool picture_id_15; /* M: the 15-bit form */
  uint16_t picture_id;
  bool has_tl0;
  uint8_t tl0picidx;
  bool has_tid; /* T */
  uint8_t tid;
  bool layer_sync; /* Y (meaningful when has_tid) */
  bool has_keyidx; /* K */
  uint8_t keyidx;
  bool keyframe; /* first packet of a key frame (rtp_vp8_is_keyframe) */
} vp8_desc;

/* Parses the descriptor at the start of an RTP payload. Returns 0 and fills *d, or -1 if the
 * payload ends inside the descriptor or holds nothing after it. Never reads outside
 * payload[0..len). */
int vp8_desc_parse(const uint8_t *payload, size_t len, vp8_desc *d);

/* Writes PictureID (taken modulo 2^15 or 2^7, the width the packet uses) into a payload whose
 * descriptor was parsed into d. Returns 0, or -1 (nothing written) if it has no PictureID. */
int vp8_desc_set_picture_id(uint8_t *payload, const vp8_desc *d, uint16_t picture_id);

/* Writes TL0PICIDX. Returns 0, or -1 (nothing written) if the packet has none. */
int vp8_desc_set_tl0picidx(uint8_t *payload, const vp8_desc *d, uint8_t tl0picidx);

#endif
