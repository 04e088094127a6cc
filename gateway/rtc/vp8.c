/* VP8 payload descriptor codec (see vp8.h). The optional fields are located by one index
 * that is checked against the length before every read. */
#include "gateway/rtc/vp8.h"

#include <string.h>

#include "gateway/rtc/rtp.h"

int vp8_desc_parse(const uint8_t *pl, size_t len, vp8_desc *d) {
  if (len < 1) return -1;
  memset(d, 0, sizeof *d);
  uint8_t b0 = pl[0];
  d->non_ref = b0 & 0x20;
  d->start = b0 & 0x10;
  d->partition = b0 & 0x07;
  size_t i = 1;
  if (b0 & 0x80) {
    if (len < 2) return -1;
    uint8_t b1 = pl[1];
    i = 2;
    if (b1 & 0x80) { /* I */
      if (i >= len) return -1;
      d->has_picture_id = true;
      if (pl[i] & 0x80) {
        if (len - i < 2) return -1;
        d->picture_id_15 = true;
        d->picture_id = (uint16_t)((pl[i] & 0x7F) << 8 | pl[i + 1]);
        i += 2;
      } else {
        d->picture_id = pl[i] & 0x7F;
        i += 1;
      }
    }
    if (b1 & 0x40) { /* L */
      if (i >= len) return -1;
      d->has_tl0 = true;
      d->tl0picidx = pl[i++];
    }
    if (b1 & 0x30) { /* T or K share one byte */
      if (i >= len) return -1;
      d->has_tid = b1 & 0x20;
      d->has_keyidx = b1 & 0x10;
      if (d->has_tid) {
        d->tid = pl[i] >> 6;
        d->layer_sync = pl[i] & 0x20;
      }
      if (d->has_keyidx) d->keyidx = pl[i] & 0x1F;
      i++;
    }
  }
  if (i >= len) return -1; /* a descriptor with no VP8 payload after it */
  d->header_len = i;
  d->keyframe = rtp_vp8_is_keyframe(pl, len);
  return 0;
}

int vp8_desc_set_picture_id(uint8_t *pl, const vp8_desc *d, uint16_t picture_id) {
  if (!d->has_picture_id) return -1;
  if (d->picture_id_15) {
    pl[2] = (uint8_t)(0x80 | ((picture_id >> 8) & 0x7F));
    pl[3] = (uint8_t)picture_id;
  } else {
    pl[2] = (uint8_t)(picture_id & 0x7F);
  }
  return 0;
}

int vp8_desc_set_tl0picidx(uint8_t *pl, const vp8_desc *d, uint8_t tl0picidx) {
  if (!d->has_tl0) return -1;
  pl[d->has_picture_id ? (d->picture_id_15 ? 4 : 3) : 2] = tl0picidx;
  return 0;
}
