/* RTCP codec (see rtcp.h). The iterator checks each packet's header against the bytes that
 * remain before handing it out, so the per-type parsers only need to check their own body
 * against body_len. Builders share one header writer and check capacity before every write. */
#include "gateway/rtc/rtcp.h"

#include <string.h>

#include "base/bytes.h"

/* ---- iteration ---- */

void rtcp_iter_init(rtcp_iter *it, const uint8_t *buf, size_t len) {
  it->buf = buf;
  it->len = len;
  it->off = 0;
  it->failed = false;
}

int rtcp_iter_next(rtcp_iter *it, rtcp_header *out) {
  if (it->failed) return -1;
  if (it->off == it->len) return 0;
  size_t left = it->len - it->off;
  const uint8_t *p = it->buf + it->off;
  if (left < 4 || (p[0] >> 6) != 2) goto fail;
  size_t plen = 4 * ((size_t)be16_read(p + 2) + 1);
  if (plen > left) goto fail;
  out->count = p[0] & 0x1F;
  out->pt = p[1];
  out->padding = p[0] & 0x20;
  out->data = p;
  out->len = plen;
  out->body = p + 4;
  out->body_len = plen - 4;
  if (out->padding) {
    if (plen != left) goto fail; /* only the last packet may be padded */
    uint8_t pad = p[plen - 1];
    if (pad == 0 || pad > plen - 4) goto fail;
    out->body_len -= pad;
  }
  it->off += plen;
  return 1;
fail:
  it->failed = true;
  return -1;
}

int rtcp_validate(const uint8_t *buf, size_t len) {
  rtcp_iter it;
  rtcp_header h;
  int n = 0, rc;
  rtcp_iter_init(&it, buf, len);
  while ((rc = rtcp_iter_next(&it, &h)) == 1) n++;
  return rc == 0 && n > 0 ? 0 : -1;
}

/* ---- parsing ---- */

static void read_block(const uint8_t *p, rtcp_report_block *b) {
  b->ssrc = be32_read(p);
  b->fraction_lost = p[4];
  int32_t lost = (int32_t)be24_read(p + 5);
  if (lost & 0x800000) lost -= 0x1000000; /* sign-extend 24 bits */
  b->cumulative_lost = lost;
  b->highest_seq = be32_read(p + 8);
  b->jitter = be32_read(p + 12);
  b->lsr = be32_read(p + 16);
  b->dlsr = be32_read(p + 20);
}

int rtcp_parse_sr(const rtcp_header *h, rtcp_sr *out) {
  if (h->pt != RTCP_SR || h->body_len < 24 + 24u * h->count) return -1;
  const uint8_t *p = h->body;
  out->ssrc = be32_read(p);
  out->ntp = (uint64_t)be32_read(p + 4) << 32 | be32_read(p + 8);
  out->rtp_ts = be32_read(p + 12);
  out->packet_count = be32_read(p + 16);
  out->octet_count = be32_read(p + 20);
  out->block_count = h->count;
  for (int i = 0; i < h->count; i++) read_block(p + 24 + 24 * i, &out->blocks[i]);
  return 0;
}

int rtcp_parse_rr(const rtcp_header *h, rtcp_rr *out) {
  if (h->pt != RTCP_RR || h->body_len < 4 + 24u * h->count) return -1;
  out->ssrc = be32_read(h->body);
  out->block_count = h->count;
  for (int i = 0; i < h->count; i++) read_block(h->body + 4 + 24 * i, &out->blocks[i]);
  return 0;
}

int rtcp_parse_bye(const rtcp_header *h, rtcp_bye *out) {
  size_t need = 4u * h->count;
  if (h->pt != RTCP_BYE || h->body_len < need) return -1;
  out->ssrc_count = h->count;
  for (int i = 0; i < h->count; i++) out->ssrcs[i] = be32_read(h->body + 4 * i);
  out->reason = NULL;
  out->reason_len = 0;
  if (h->body_len > need) {
    uint8_t rl = h->body[need];
    if (rl > h->body_len - need - 1) return -1;
    out->reason = (const char *)h->body + need + 1;
    out->reason_len = rl;
  }
  return 0;
}

int rtcp_parse_fb(const rtcp_header *h, rtcp_fb *out) {
  if ((h->pt != RTCP_RTPFB && h->pt != RTCP_PSFB) || h->body_len < 8) return -1;
  out->pt = h->pt;
  out->fmt = h->count;
  out->sender_ssrc = be32_read(h->body);
  out->media_ssrc = be32_read(h->body + 4);
  out->fci = h->body + 8;
  out->fci_len = h->body_len - 8;
  return 0;
}

int rtcp_nack_expand(const rtcp_fb *fb, uint16_t *seqs, size_t cap) {
  if (fb->pt != RTCP_RTPFB || fb->fmt != RTCP_RTPFB_NACK || fb->fci_len % 4 != 0) return -1;
  size_t n = 0;
  for (size_t off = 0; off < fb->fci_len; off += 4) {
    uint16_t pid = be16_read(fb->fci + off);
    uint16_t blp = be16_read(fb->fci + off + 2);
    if (n == cap) return (int)n;
    seqs[n++] = pid;
    for (int bit = 0; bit < 16; bit++) {
      if (!(blp & (1u << bit))) continue;
      if (n == cap) return (int)n;
      seqs[n++] = (uint16_t)(pid + bit + 1);
    }
  }
  return (int)n;
}

bool rtcp_is_transport_cc(const rtcp_header *h) {
  return h->pt == RTCP_RTPFB && h->count == RTCP_RTPFB_TCC && h->body_len >= 8;
}

bool rtcp_is_pli(const rtcp_header *h) {
  return h->pt == RTCP_PSFB && h->count == RTCP_PSFB_PLI && h->body_len >= 8;
}

int rtcp_fir_count(const rtcp_fb *fb) {
  if (fb->pt != RTCP_PSFB || fb->fmt != RTCP_PSFB_FIR || fb->fci_len % 8 != 0) return -1;
  return (int)(fb->fci_len / 8);
}

int rtcp_fir_entry(const rtcp_fb *fb, int i, uint32_t *ssrc, uint8_t *seq_nr) {
  int n = rtcp_fir_count(fb);
  if (i < 0 || i >= n) return -1;
  const uint8_t *p = fb->fci + 8 * (size_t)i;
  *ssrc = be32_read(p);
  *seq_nr = p[4];
  return 0;
}

int rtcp_parse_remb(const rtcp_fb *fb, rtcp_remb *out) {
  if (fb->pt != RTCP_PSFB || fb->fmt != RTCP_PSFB_AFB || fb->fci_len < 8) return -1;
  const uint8_t *p = fb->fci;
  if (memcmp(p, "REMB", 4) != 0) return -1;
  uint8_t n = p[4];
  if (8 + 4u * n > fb->fci_len) return -1;
  unsigned exp = p[5] >> 2;
  uint64_t mantissa = be24_read(p + 5) & 0x3FFFF;
  out->sender_ssrc = fb->sender_ssrc;
  out->bitrate = mantissa > (UINT64_MAX >> exp) ? UINT64_MAX : mantissa << exp;
  out->ssrc_count = n;
  for (int i = 0; i < n; i++) out->ssrcs[i] = be32_read(p + 8 + 4 * i);
  return 0;
}

/* ---- building ---- */

/* Writes the 4-byte header of a packet of total length len (a multiple of 4, >= 4). */
static void write_header(uint8_t *out, uint8_t count, uint8_t pt, size_t len) {
  out[0] = (uint8_t)(0x80 | (count & 0x1F));
  out[1] = pt;
  be16_write(out + 2, (uint16_t)(len / 4 - 1));
}

static void write_block(uint8_t *p, const rtcp_report_block *b) {
  int32_t lost = b->cumulative_lost;
  if (lost > 0x7FFFFF) lost = 0x7FFFFF;
  if (lost < -0x800000) lost = -0x800000;
  uint32_t l24 = (uint32_t)lost & 0xFFFFFF;
  be32_write(p, b->ssrc);
  p[4] = b->fraction_lost;
  be24_write(p + 5, l24);
  be32_write(p + 8, b->highest_seq);
  be32_write(p + 12, b->jitter);
  be32_write(p + 16, b->lsr);
  be32_write(p + 20, b->dlsr);
}

int rtcp_build_sr(uint8_t *out, size_t cap, const rtcp_sr *sr) {
  if (sr->block_count > RTCP_MAX_BLOCKS) return -1;
  size_t len = 28 + 24u * sr->block_count;
  if (len > cap) return -1;
  write_header(out, sr->block_count, RTCP_SR, len);
  be32_write(out + 4, sr->ssrc);
  be32_write(out + 8, (uint32_t)(sr->ntp >> 32));
  be32_write(out + 12, (uint32_t)sr->ntp);
  be32_write(out + 16, sr->rtp_ts);
  be32_write(out + 20, sr->packet_count);
  be32_write(out + 24, sr->octet_count);
  for (int i = 0; i < sr->block_count; i++) write_block(out + 28 + 24 * i, &sr->blocks[i]);
  return (int)len;
}

int rtcp_build_rr(uint8_t *out, size_t cap, uint32_t ssrc, const rtcp_report_block *blocks, size_t n) {
  if (n > RTCP_MAX_BLOCKS) return -1;
  size_t len = 8 + 24 * n;
  if (len > cap) return -1;
  write_header(out, (uint8_t)n, RTCP_RR, len);
  be32_write(out + 4, ssrc);
  for (size_t i = 0; i < n; i++) write_block(out + 8 + 24 * i, &blocks[i]);
  return (int)len;
}

int rtcp_build_nack(uint8_t *out, size_t cap, uint32_t sender_ssrc, uint32_t media_ssrc, const uint16_t *seqs,
                    size_t n) {
  if (n == 0 || cap < 12) return -1;
  size_t off = 12;
  uint16_t pid = seqs[0], blp = 0;
  for (size_t i = 1; i <= n; i++) {
    if (i < n) {
      uint16_t d = (uint16_t)(seqs[i] - pid);
      if (d == 0) continue;
      if (d <= 16) {
        blp |= (uint16_t)(1u << (d - 1));
        continue;
      }
    }
    /* flush the current item; start the next one from seqs[i] */
    if (cap - off < 4 || off + 4 > 4 * 65536) return -1;
    be16_write(out + off, pid);
    be16_write(out + off + 2, blp);
    off += 4;
    if (i < n) {
      pid = seqs[i];
      blp = 0;
    }
  }
  write_header(out, RTCP_RTPFB_NACK, RTCP_RTPFB, off);
  be32_write(out + 4, sender_ssrc);
  be32_write(out + 8, media_ssrc);
  return (int)off;
}

int rtcp_build_pli(uint8_t *out, size_t cap, uint32_t sender_ssrc, uint32_t media_ssrc) {
  if (cap < 12) return -1;
  write_header(out, RTCP_PSFB_PLI, RTCP_PSFB, 12);
  be32_write(out + 4, sender_ssrc);
  be32_write(out + 8, media_ssrc);
  return 12;
}

int rtcp_build_fir(uint8_t *out, size_t cap, uint32_t sender_ssrc, uint32_t media_ssrc, uint8_t seq_nr) {
  if (cap < 20) return -1;
  write_header(out, RTCP_PSFB_FIR, RTCP_PSFB, 20);
  be32_write(out + 4, sender_ssrc);
  be32_write(out + 8, 0);
  be32_write(out + 12, media_ssrc);
  out[16] = seq_nr;
  out[17] = out[18] = out[19] = 0;
  return 20;
}

int rtcp_build_remb(uint8_t *out, size_t cap, uint32_t sender_ssrc, uint64_t bitrate, const uint32_t *ssrcs,
                    size_t n) {
  if (n > 255) return -1;
  size_t len = 20 + 4 * n;
  if (len > cap) return -1;
  unsigned exp = 0;
  while ((bitrate >> exp) > 0x3FFFF) exp++;
  uint32_t mantissa = (uint32_t)(bitrate >> exp);
  write_header(out, RTCP_PSFB_AFB, RTCP_PSFB, len);
  be32_write(out + 4, sender_ssrc);
  be32_write(out + 8, 0);
  memcpy(out + 12, "REMB", 4);
  out[16] = (uint8_t)n;
  be24_write(out + 17, exp << 18 | mantissa); /* 6-bit exponent, 18-bit mantissa */
  for (size_t i = 0; i < n; i++) be32_write(out + 20 + 4 * i, ssrcs[i]);
  return (int)len;
}
