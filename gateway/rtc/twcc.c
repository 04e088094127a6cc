/* Transport-wide congestion control codec (see twcc.h). The parser walks the chunks with a
 * running count of statuses still owed, so a hostile count can only end the walk early (and
 * fail it), never move it outside the FCI; the deltas are read by a second index that is
 * checked before every read. Written by hand because no Debian library parses transport-cc. */
#include "gateway/rtc/twcc.h"

#include <string.h>

#include "base/bytes.h"

enum { SYM_LOST = 0, SYM_SMALL = 1, SYM_LARGE = 2, SYM_RESERVED = 3 };

/* Parse state shared by the chunk walk and the delta reads. */
typedef struct {
  const uint8_t *fci;
  size_t len;
  size_t di;    /* next delta byte; starts after the last chunk */
  int64_t t_us; /* arrival time of the previous received packet (or the reference time) */
  size_t done;  /* statuses decoded so far */
  twcc_feedback *fb;
  twcc_packet *out;
  size_t cap;
} parse_state;

/* Applies one status symbol: reads its delta and stores the entry. Returns 0 or -1. */
static int apply_symbol(parse_state *s, int sym) {
  bool received = sym == SYM_SMALL || sym == SYM_LARGE;
  if (sym == SYM_RESERVED) return -1;
  if (sym == SYM_SMALL) {
    if (s->di >= s->len) return -1;
    s->t_us += (int64_t)s->fci[s->di] * TWCC_DELTA_US;
    s->di += 1;
  } else if (sym == SYM_LARGE) {
    if (s->len - s->di < 2) return -1; /* di <= len holds throughout */
    s->t_us += (int64_t)(int16_t)be16_read(s->fci + s->di) * TWCC_DELTA_US;
    s->di += 2;
  }
  if (received) s->fb->received++;
  if (s->done < s->cap) {
    twcc_packet *p = &s->out[s->done];
    p->seq = (uint16_t)(s->fb->base_seq + s->done);
    p->received = received;
    p->arrival_us = received ? s->t_us : 0;
  }
  s->done++;
  return 0;
}

int twcc_parse_fci(const uint8_t *fci, size_t len, twcc_feedback *fb, twcc_packet *out, size_t cap) {
  if (len < 8) return -1;
  memset(fb, 0, sizeof *fb);
  fb->base_seq = be16_read(fci);
  fb->status_count = be16_read(fci + 2);
  fb->ref_time = be24_read(fci + 4);
  fb->fb_count = fci[7];
  if (fb->status_count == 0) return -1;
  size_t count = fb->status_count;

  /* First pass: find where the chunks end (the deltas start there). */
  size_t ci = 8, described = 0;
  while (described < count) {
    if (len - ci < 2) return -1;
    uint16_t c = be16_read(fci + ci);
    ci += 2;
    if (!(c & 0x8000))
      described += c & 0x1FFF;
    else
      described += (c & 0x4000) ? 7 : 14;
  }

  parse_state s = {.fci = fci,
                   .len = len,
                   .di = ci,
                   .t_us = (int64_t)fb->ref_time * TWCC_REF_TIME_US,
                   .fb = fb,
                   .out = out,
                   .cap = cap};
  for (size_t k = 8; k < ci; k += 2) {
    uint16_t c = be16_read(fci + k);
    if (!(c & 0x8000)) { /* run length */
      int sym = (c >> 13) & 0x3;
      size_t run = c & 0x1FFF;
      if (run > count - s.done) run = count - s.done;
      if (sym == SYM_RESERVED && run > 0) return -1;
      for (size_t r = 0; r < run; r++)
        if (apply_symbol(&s, sym) < 0) return -1;
    } else if (!(c & 0x4000)) { /* 14 one-bit symbols, first in the high bit */
      for (int b = 13; b >= 0 && s.done < count; b--)
        if (apply_symbol(&s, (c >> b) & 1) < 0) return -1;
    } else { /* 7 two-bit symbols */
      for (int b = 12; b >= 0 && s.done < count; b -= 2)
        if (apply_symbol(&s, (c >> b) & 3) < 0) return -1;
    }
  }
  if (s.done != count) return -1; /* cannot happen: the first pass covered count */
  fb->n = count < cap ? count : cap;
  fb->truncated = count > cap;
  return (int)fb->n;
}

int twcc_parse(const rtcp_header *h, twcc_feedback *fb, twcc_packet *out, size_t cap) {
  if (h->pt != RTCP_RTPFB || h->count != RTCP_RTPFB_TCC || h->body_len < 8) return -1;
  int n = twcc_parse_fci(h->body + 8, h->body_len - 8, fb, out, cap);
  if (n < 0) return -1;
  fb->sender_ssrc = be32_read(h->body);
  fb->media_ssrc = be32_read(h->body + 4);
  return n;
}

/* ---- builder ---- */

/* Floor division of a possibly negative time by the 250 us unit. */
static int64_t ticks_of(int64_t us) {
  int64_t q = us / TWCC_DELTA_US;
  if (us % TWCC_DELTA_US != 0 && us < 0) q--;
  return q;
}

int twcc_build(uint8_t *out, size_t cap, uint32_t sender_ssrc, uint32_t media_ssrc, uint32_t ref_time,
               uint8_t fb_count, const twcc_packet *pkts, size_t n) {
  if (!pkts || n == 0 || n > 65535 || ref_time > 0xFFFFFF) return -1;
  /* First pass: validate and size the deltas (no allocation: the chunks are a second pass). */
  int64_t prev = (int64_t)ref_time * (TWCC_REF_TIME_US / TWCC_DELTA_US);
  size_t delta_bytes = 0;
  for (size_t i = 0; i < n; i++) {
    if (pkts[i].seq != (uint16_t)(pkts[0].seq + i)) return -1;
    if (!pkts[i].received) continue;
    int64_t t = ticks_of(pkts[i].arrival_us), d = t - prev;
    if (d < INT16_MIN || d > INT16_MAX) return -1;
    delta_bytes += (d >= 0 && d <= 255) ? 1 : 2;
    prev = t;
  }
  size_t off = 20; /* header 4 + SSRCs 8 + fixed FCI 8 */
  if (cap < off) return -1;
  /* Chunks. Symbols are recomputed from arrival times while walking. */
  int64_t tprev = (int64_t)ref_time * (TWCC_REF_TIME_US / TWCC_DELTA_US);
  size_t i = 0;
  while (i < n) {
    /* Compute the symbols of up to the next 14 packets (and count the run of the first). */
    int sym[14];
    size_t look = n - i < 14 ? n - i : 14;
    int64_t t = tprev;
    for (size_t k = 0; k < look; k++) {
      const twcc_packet *p = &pkts[i + k];
      if (!p->received) {
        sym[k] = SYM_LOST;
        continue;
      }
      int64_t a = ticks_of(p->arrival_us), d = a - t;
      sym[k] = (d >= 0 && d <= 255) ? SYM_SMALL : SYM_LARGE;
      t = a;
    }
    size_t run = 1;
    while (run < look && sym[run] == sym[0]) run++;
    uint16_t chunk;
    size_t used;
    if (run == look && look == 14) { /* extend the run beyond the look-ahead window */
      int64_t tt = t;
      while (i + run < n && run < 0x1FFF) {
        const twcc_packet *p = &pkts[i + run];
        int s2;
        if (!p->received)
          s2 = SYM_LOST;
        else {
          int64_t a = ticks_of(p->arrival_us), d = a - tt;
          s2 = (d >= 0 && d <= 255) ? SYM_SMALL : SYM_LARGE;
          if (s2 == sym[0]) tt = a;
        }
        if (s2 != sym[0]) break;
        run++;
      }
    }
    if (run >= 7 || run == n - i) {
      chunk = (uint16_t)(sym[0] << 13 | run);
      used = run;
    } else {
      bool small_only = true;
      size_t k1 = look;
      for (size_t k = 0; k < k1; k++)
        if (sym[k] == SYM_LARGE) small_only = false;
      if (small_only) {
        chunk = 0x8000;
        for (size_t k = 0; k < k1; k++) chunk |= (uint16_t)(sym[k] << (13 - k));
        used = k1;
      } else {
        chunk = 0xC000;
        size_t k2 = look < 7 ? look : 7;
        for (size_t k = 0; k < k2; k++) chunk |= (uint16_t)(sym[k] << (12 - 2 * k));
        used = k2;
      }
    }
    if (cap - off < 2) return -1;
    be16_write(out + off, chunk);
    off += 2;
    for (size_t k = 0; k < used; k++)
      if (pkts[i + k].received) tprev = ticks_of(pkts[i + k].arrival_us);
    i += used;
  }
  /* Deltas. */
  if (cap - off < delta_bytes) return -1;
  prev = (int64_t)ref_time * (TWCC_REF_TIME_US / TWCC_DELTA_US);
  for (size_t k = 0; k < n; k++) {
    if (!pkts[k].received) continue;
    int64_t t = ticks_of(pkts[k].arrival_us), d = t - prev;
    if (d >= 0 && d <= 255)
      out[off++] = (uint8_t)d;
    else {
      be16_write(out + off, (uint16_t)(int16_t)d);
      off += 2;
    }
    prev = t;
  }
  while (off % 4) {
    if (off >= cap) return -1;
    out[off++] = 0;
  }
  out[0] = 0x80 | RTCP_RTPFB_TCC;
  out[1] = RTCP_RTPFB;
  be16_write(out + 2, (uint16_t)(off / 4 - 1));
  be32_write(out + 4, sender_ssrc);
  be32_write(out + 8, media_ssrc);
  be16_write(out + 12, pkts[0].seq);
  be16_write(out + 14, (uint16_t)n);
  be24_write(out + 16, ref_time);
  out[19] = fb_count;
  return (int)off;
}

int64_t twcc_ref_unwrap(twcc_ref_unwrapper *u, uint32_t ref_time) {
  ref_time &= 0xFFFFFF;
  if (!u->started) {
    u->started = true;
    u->last = ref_time;
    return 0;
  }
  int32_t d = (int32_t)((ref_time - (uint32_t)u->last) & 0xFFFFFF);
  if (d >= 0x800000) d -= 0x1000000;
  u->last += d;
  return (u->last - (int64_t)ref_time) * TWCC_REF_TIME_US;
}

/* ---- header extension ---- */

int twcc_ext_read(const rtp_packet *pkt, uint8_t id, uint16_t *seq) {
  const uint8_t *v;
  size_t l;
  if (rtp_ext_find(pkt, id, &v, &l) < 0 || l < 2) return -1;
  *seq = be16_read(v);
  return 0;
}

/* Bytes of the extension block actually used by elements (trailing padding excluded), or -1 if
 * the block is malformed. */
static int ext_used(uint16_t profile, const uint8_t *ext, size_t ext_len) {
  size_t i = 0, used = 0;
  bool one = profile == RTP_EXT_PROFILE_ONE_BYTE;
  while (i < ext_len) {
    if (ext[i] == 0) {
      i++;
      continue;
    }
    size_t l;
    if (one) {
      if ((ext[i] >> 4) == 15) return -1;
      l = (size_t)(ext[i] & 0x0F) + 1;
      if (l > ext_len - i - 1) return -1;
      i += 1 + l;
    } else {
      if (ext_len - i < 2) return -1;
      l = ext[i + 1];
      if (l > ext_len - i - 2) return -1;
      i += 2 + l;
    }
    used = i;
  }
  return (int)used;
}

int twcc_ext_write(uint8_t *buf, size_t len, size_t cap, uint8_t id, uint16_t seq) {
  rtp_packet p;
  if (id == 0 || rtp_parse(buf, len, &p) < 0) return -1;
  uint8_t val[2] = {(uint8_t)(seq >> 8), (uint8_t)seq};
  const uint8_t *v;
  size_t l;
  if (rtp_ext_find(&p, id, &v, &l) == 0) {
    if (l != 2) return -1;
    memcpy(buf + (v - buf), val, 2);
    return (int)len;
  }
  size_t csrc_end = RTP_HEADER_LEN + 4u * p.csrc_count;
  if (!p.extension) { /* a new block after the CSRCs */
    bool one = id <= 14;
    size_t grow = 8; /* 4-byte block header, the element, padding to a word */
    if (cap < len || cap - len < grow) return -1;
    memmove(buf + csrc_end + grow, buf + csrc_end, len - csrc_end);
    uint8_t *b = buf + csrc_end;
    memset(b, 0, grow);
    if (one) {
      be16_write(b, RTP_EXT_PROFILE_ONE_BYTE);
      be16_write(b + 2, 1);
      b[4] = (uint8_t)(id << 4 | 1);
      memcpy(b + 5, val, 2);
    } else {
      be16_write(b, RTP_EXT_PROFILE_TWO_BYTE);
      be16_write(b + 2, 1);
      b[4] = id;
      b[5] = 2;
      memcpy(b + 6, val, 2);
    }
    buf[0] |= 0x10;
    return (int)(len + grow);
  }
  bool one = p.ext_profile == RTP_EXT_PROFILE_ONE_BYTE;
  if (!one && (p.ext_profile & 0xFFF0) != RTP_EXT_PROFILE_TWO_BYTE) return -1;
  if (one && id > 14) return -1;
  int used = ext_used(p.ext_profile, p.ext, p.ext_len);
  if (used < 0) return -1;
  size_t elem = one ? 3 : 4;
  size_t need = (size_t)used + elem, new_ext_len = (need + 3) / 4 * 4;
  if (new_ext_len / 4 > 0xFFFF) return -1;
  size_t grow = new_ext_len > p.ext_len ? new_ext_len - p.ext_len : 0;
  if (cap < len || cap - len < grow) return -1;
  size_t ext_off = (size_t)(p.ext - buf), block_end = ext_off + p.ext_len;
  memmove(buf + block_end + grow, buf + block_end, len - block_end);
  uint8_t *e = buf + ext_off;
  memset(e + used, 0, (grow ? new_ext_len : p.ext_len) - (size_t)used);
  if (one) {
    e[used] = (uint8_t)(id << 4 | 1);
    memcpy(e + used + 1, val, 2);
  } else {
    e[used] = id;
    e[used + 1] = 2;
    memcpy(e + used + 2, val, 2);
  }
  if (grow) be16_write(buf + ext_off - 2, (uint16_t)(new_ext_len / 4));
  return (int)(len + grow);
}
