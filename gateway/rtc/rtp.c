/* RTP codec (see rtp.h). Every read is preceded by a bounds check against the length the
 * caller gave; the extension walkers and the codec payload inspectors are written as index
 * loops over (pointer, length) so that a hostile length can only end the walk, never move it
 * outside the buffer. */
#include "gateway/rtc/rtp.h"

#include <string.h>

#include "base/bytes.h"

int rtp_parse(const uint8_t *buf, size_t len, rtp_packet *out) {
  if (len < RTP_HEADER_LEN) return -1;
  if ((buf[0] >> 6) != 2) return -1;
  memset(out, 0, sizeof *out);
  out->data = buf;
  out->len = len;
  out->version = 2;
  out->padding = buf[0] & 0x20;
  out->extension = buf[0] & 0x10;
  out->csrc_count = buf[0] & 0x0F;
  out->marker = buf[1] & 0x80;
  out->pt = buf[1] & 0x7F;
  out->seq = rtp_get_seq(buf);
  out->ts = rtp_get_ts(buf);
  out->ssrc = rtp_get_ssrc(buf);

  size_t hl = RTP_HEADER_LEN + 4u * out->csrc_count;
  if (hl > len) return -1;
  if (out->extension) {
    if (len - hl < 4) return -1;
    size_t ext_len = 4u * be16_read(buf + hl + 2);
    if (ext_len > len - hl - 4) return -1;
    out->ext_profile = be16_read(buf + hl);
    out->ext = buf + hl + 4;
    out->ext_len = ext_len;
    hl += 4 + ext_len;
  }
  size_t pad = 0;
  if (out->padding) {
    if (len == hl) return -1; /* no room for the padding count */
    pad = buf[len - 1];
    if (pad == 0 || pad > len - hl) return -1;
  }
  out->header_len = hl;
  out->payload = buf + hl;
  out->payload_len = len - hl - pad;
  out->padding_len = (uint8_t)pad;
  return 0;
}

/* Locates element `id` in an extension block. On success returns 0 with the offsets (within
 * ext) of the element's first byte and of its value, and the value length. */
static int ext_locate(uint16_t profile, const uint8_t *ext, size_t ext_len, uint8_t id, size_t *elem_off,
                      size_t *val_off, size_t *val_len) {
  if (!ext || id == 0) return -1;
  size_t i = 0;
  if (profile == RTP_EXT_PROFILE_ONE_BYTE) {
    if (id > 14) return -1;
    while (i < ext_len) {
      uint8_t b = ext[i];
      if (b == 0) { /* padding */
        i++;
        continue;
      }
      uint8_t eid = b >> 4;
      size_t l = (size_t)(b & 0x0F) + 1;
      if (eid == 15) return -1; /* RFC 8285 4.2: stop processing */
      if (l > ext_len - i - 1) return -1;
      if (eid == id) {
        *elem_off = i;
        *val_off = i + 1;
        *val_len = l;
        return 0;
      }
      i += 1 + l;
    }
    return -1;
  }
  if ((profile & 0xFFF0) == RTP_EXT_PROFILE_TWO_BYTE) {
    while (i < ext_len) {
      uint8_t eid = ext[i];
      if (eid == 0) {
        i++;
        continue;
      }
      if (ext_len - i < 2) return -1;
      size_t l = ext[i + 1];
      if (l > ext_len - i - 2) return -1;
      if (eid == id) {
        *elem_off = i;
        *val_off = i + 2;
        *val_len = l;
        return 0;
      }
      i += 2 + l;
    }
    return -1;
  }
  return -1;
}

int rtp_ext_find(const rtp_packet *pkt, uint8_t id, const uint8_t **value, size_t *len) {
  size_t e, v, l;
  if (ext_locate(pkt->ext_profile, pkt->ext, pkt->ext_len, id, &e, &v, &l) < 0) return -1;
  *value = pkt->ext + v;
  *len = l;
  return 0;
}

int rtp_ext_rewrite(uint8_t *buf, size_t len, uint8_t id, uint8_t new_id, const uint8_t *value,
                    size_t value_len) {
  rtp_packet p;
  if (rtp_parse(buf, len, &p) < 0) return -1;
  size_t e, v, l;
  if (ext_locate(p.ext_profile, p.ext, p.ext_len, id, &e, &v, &l) < 0) return -1;
  if (value && value_len != l) return -1;
  uint8_t *ext = buf + (p.ext - buf);
  if (p.ext_profile == RTP_EXT_PROFILE_ONE_BYTE) {
    if (new_id < 1 || new_id > 14) return -1;
    ext[e] = (uint8_t)(new_id << 4 | (l - 1));
  } else {
    if (new_id == 0) return -1;
    ext[e] = new_id;
  }
  if (value && l) memcpy(ext + v, value, l);
  return 0;
}

int rtp_rtx_encap(uint8_t *out, size_t cap, const uint8_t *in, size_t in_len, uint8_t rtx_pt,
                  uint32_t rtx_ssrc, uint16_t rtx_seq) {
  rtp_packet p;
  if (rtp_parse(in, in_len, &p) < 0) return -1;
  size_t hl = p.header_len, plen = p.payload_len;
  size_t n = hl + 2 + plen;
  if (n > cap) return -1;
  uint16_t osn = p.seq;
  memmove(out + hl + 2, in + hl, plen); /* first: when out == in this moves the payload up */
  if (out != in) memcpy(out, in, hl);
  be16_write(out + hl, osn);
  out[0] &= (uint8_t)~0x20; /* padding dropped */
  rtp_set_pt(out, rtx_pt);
  rtp_set_ssrc(out, rtx_ssrc);
  rtp_set_seq(out, rtx_seq);
  return (int)n;
}

int rtp_rtx_decap(uint8_t *out, size_t cap, const uint8_t *in, size_t in_len, uint8_t orig_pt,
                  uint32_t orig_ssrc, uint16_t *osn) {
  rtp_packet p;
  if (rtp_parse(in, in_len, &p) < 0) return -1;
  if (p.payload_len < 2) return -1;
  size_t hl = p.header_len, plen = p.payload_len - 2;
  size_t n = hl + plen;
  if (n > cap) return -1;
  uint16_t seq = be16_read(p.payload);
  if (out != in) memcpy(out, in, hl);
  memmove(out + hl, in + hl + 2, plen);
  out[0] &= (uint8_t)~0x20;
  rtp_set_pt(out, orig_pt);
  rtp_set_ssrc(out, orig_ssrc);
  rtp_set_seq(out, seq);
  if (osn) *osn = seq;
  return (int)n;
}

bool rtp_vp8_is_keyframe(const uint8_t *pl, size_t len) {
  if (len < 1) return false;
  uint8_t b0 = pl[0];
  bool start = b0 & 0x10;
  uint8_t pid = b0 & 0x07;
  size_t i = 1;
  if (b0 & 0x80) { /* X: extended control bits */
    if (len < 2) return false;
    uint8_t b1 = pl[1];
    i = 2;
    if (b1 & 0x80) { /* I: PictureID, 7 or 15 bits */
      if (i >= len) return false;
      i += (pl[i] & 0x80) ? 2 : 1;
    }
    if (b1 & 0x40) i += 1; /* L: TL0PICIDX */
    if (b1 & 0x30) i += 1; /* T or K: TID/Y/KEYIDX */
  }
  if (i >= len) return false;
  return start && pid == 0 && !(pl[i] & 0x01); /* P bit: 0 is a key frame */
}

static bool h264_key_nal(uint8_t type) { return type == 5 || type == 7; }

bool rtp_h264_is_keyframe(const uint8_t *pl, size_t len) {
  if (len < 1) return false;
  uint8_t type = pl[0] & 0x1F;
  if (type >= 1 && type <= 23) return h264_key_nal(type);
  if (type == 24) { /* STAP-A: [size16 NAL]... */
    size_t i = 1;
    while (len - i >= 2) {
      size_t n = be16_read(pl + i);
      i += 2;
      if (n == 0 || n > len - i) return false;
      if (h264_key_nal(pl[i] & 0x1F)) return true;
      i += n;
    }
    return false;
  }
  if (type == 28) { /* FU-A: indicator, header (S E R type) */
    if (len < 2) return false;
    return (pl[1] & 0x80) && h264_key_nal(pl[1] & 0x1F);
  }
  return false;
}

int rtp_audio_level(const rtp_packet *pkt, uint8_t ext_id, bool *voice) {
  const uint8_t *v;
  size_t l;
  if (rtp_ext_find(pkt, ext_id, &v, &l) < 0 || l < 1) return -1;
  if (voice) *voice = v[0] & 0x80;
  return v[0] & 0x7F;
}
