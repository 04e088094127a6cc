/* The recording spool writer and reader (see rec_spool.h; the format is in docs/RECORDING.md).
 * All integers are little-endian and written byte by byte, so the file is the same on every
 * host. The CRC is written here rather than taken from zlib (not otherwise a dependency) or
 * gateway/rtc/stun.c (storage/ stays a leaf): a 256-entry table, built at compile time. */
#include "storage/rec_spool.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* ---- CRC-32 ---- */

/* zlib's crc32 (the same CRC): the byte-table loop this replaced cost 3.1-3.4 us per 1,224-byte
 * record, a third of the recorder's writer thread (docs/BENCHMARKS.md, issue 17); zlib's 0.4. */
uint32_t rec_spool_crc32(uint32_t crc, const uint8_t *buf, size_t len) {
  while (len > 0) {
    uInt n = len > 0x40000000u ? 0x40000000u : (uInt)len;
    crc = (uint32_t)crc32(crc, buf, n);
    buf += n;
    len -= n;
  }
  return crc;
}

/* ---- little-endian fields ---- */

static void put16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}
static void put32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static void put64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t get32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t get64(const uint8_t *p) { return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32; }

/* ---- header ---- */

/* Offsets in the 96-byte header. */
enum {
  H_MAGIC = 0,
  H_VERSION = 8,
  H_LEN = 10,
  H_KIND = 12,
  H_CODEC = 13,
  H_PT = 14,
  H_RSV0 = 15,
  H_CLOCK = 16,
  H_SSRC = 20,
  H_ROOM = 24,
  H_MEETING = 32,
  H_USER = 40,
  H_WALL = 48,
  H_MONO = 56,
  H_RSV1 = 64, /* 28 zero bytes */
  H_CRC = 92,
};

static bool header_valid(const rec_spool_header *h) {
  if (h->kind == REC_KIND_VIDEO && h->codec == REC_CODEC_VP8 && h->clock_rate == 90000) {
  } else if (h->kind == REC_KIND_AUDIO && h->codec == REC_CODEC_OPUS && h->clock_rate == 48000) {
  } else {
    return false;
  }
  return h->payload_type <= 127 && h->start_wall_us > 0;
}

int rec_spool_header_encode(const rec_spool_header *h, uint8_t out[REC_SPOOL_HEADER_LEN]) {
  if (!header_valid(h)) return -1;
  memset(out, 0, REC_SPOOL_HEADER_LEN);
  memcpy(out + H_MAGIC, REC_SPOOL_MAGIC, 8);
  put16(out + H_VERSION, REC_SPOOL_VERSION);
  put16(out + H_LEN, REC_SPOOL_HEADER_LEN);
  out[H_KIND] = (uint8_t)h->kind;
  out[H_CODEC] = (uint8_t)h->codec;
  out[H_PT] = h->payload_type;
  put32(out + H_CLOCK, h->clock_rate);
  put32(out + H_SSRC, h->ssrc);
  put64(out + H_ROOM, h->room_id);
  put64(out + H_MEETING, h->meeting_id);
  put64(out + H_USER, h->user_id);
  put64(out + H_WALL, (uint64_t)h->start_wall_us);
  put64(out + H_MONO, (uint64_t)h->start_mono_us);
  put32(out + H_CRC, rec_spool_crc32(0, out, H_CRC));
  return 0;
}

int rec_spool_header_decode(const uint8_t *b, size_t len, rec_spool_header *h) {
  if (len < REC_SPOOL_HEADER_LEN) return -1;
  if (memcmp(b + H_MAGIC, REC_SPOOL_MAGIC, 8) != 0) return -1;
  if (get32(b + H_CRC) != rec_spool_crc32(0, b, H_CRC)) return -1;
  if (get16(b + H_VERSION) != REC_SPOOL_VERSION || get16(b + H_LEN) != REC_SPOOL_HEADER_LEN) return -1;
  if (b[H_RSV0] != 0) return -1;
  for (size_t i = H_RSV1; i < H_CRC; i++)
    if (b[i] != 0) return -1;
  rec_spool_header d = {
      .kind = (rec_kind)b[H_KIND],
      .codec = (rec_codec)b[H_CODEC],
      .payload_type = b[H_PT],
      .clock_rate = get32(b + H_CLOCK),
      .ssrc = get32(b + H_SSRC),
      .room_id = get64(b + H_ROOM),
      .meeting_id = get64(b + H_MEETING),
      .user_id = get64(b + H_USER),
      .start_wall_us = (int64_t)get64(b + H_WALL),
      .start_mono_us = (int64_t)get64(b + H_MONO),
  };
  if (!header_valid(&d)) return -1;
  *h = d;
  return 0;
}

void rec_spool_sr_encode(uint8_t out[REC_SPOOL_SR_LEN], uint64_t ntp, uint32_t rtp_ts) {
  put64(out, ntp);
  put32(out + 8, rtp_ts);
}

int rec_spool_sr_decode(const uint8_t *p, size_t len, uint64_t *ntp, uint32_t *rtp_ts) {
  if (len != REC_SPOOL_SR_LEN) return -1;
  *ntp = get64(p);
  *rtp_ts = get32(p + 8);
  return 0;
}

/* ---- records ----
 * 0 u32 payload length | 4 u8 type | 5..7 zero | 8 u64 time_us | 16 u32 CRC of bytes 0..15
 * 20 payload | 20+len u32 CRC of bytes 0..20+len (header, its CRC and the payload) */
#define REC_HDR 20

static bool type_known(uint32_t t) { return t == REC_RTP || t == REC_SR || t == REC_MARKER; }

/* ---- writer ---- */

/* Writes all of p[0..n) at offset off. Returns 0 or -errno. */
static int write_all(int fd, const uint8_t *p, size_t n, uint64_t off) {
  while (n > 0) {
    ssize_t r = pwrite(fd, p, n, (off_t)off);
    if (r < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    if (r == 0) return -EIO;
    p += r;
    n -= (size_t)r;
    off += (uint64_t)r;
  }
  return 0;
}

int rec_spool_writer_open_fd(rec_spool_writer *w, int fd, const rec_spool_header *h, uint8_t *buf,
                             size_t cap) {
  memset(w, 0, sizeof *w);
  w->fd = -1;
  if (fd < 0 || !buf || cap < REC_SPOOL_MIN_BUF) return -EINVAL;
  uint8_t hdr[REC_SPOOL_HEADER_LEN];
  if (rec_spool_header_encode(h, hdr) != 0) return -EINVAL;
  int rc = write_all(fd, hdr, sizeof hdr, 0);
  if (rc != 0) return rc;
  w->fd = fd;
  w->buf = buf;
  w->cap = cap;
  w->committed = REC_SPOOL_HEADER_LEN;
  return 0;
}

int rec_spool_writer_open(rec_spool_writer *w, const char *path, const rec_spool_header *h, uint8_t *buf,
                          size_t cap) {
  memset(w, 0, sizeof *w);
  w->fd = -1;
  uint8_t hdr[REC_SPOOL_HEADER_LEN];
  if (!buf || cap < REC_SPOOL_MIN_BUF || rec_spool_header_encode(h, hdr) != 0) return -EINVAL;
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) return -errno;
  int rc = rec_spool_writer_open_fd(w, fd, h, buf, cap);
  if (rc != 0) {
    close(fd);
    unlink(path);
    return rc;
  }
  w->own_fd = true;
  return 0;
}

int rec_spool_flush(rec_spool_writer *w) {
  if (w->fill == 0) return 0;
  int rc = write_all(w->fd, w->buf, w->fill, w->committed);
  if (rc == 0) {
    w->committed += w->fill;
  } else {
    /* Part of the buffer may be in the file: cut it back to the last whole record. */
    (void)!ftruncate(w->fd, (off_t)w->committed);
    for (size_t off = 0; off < w->fill;) { /* count what is lost */
      off += REC_SPOOL_RECORD_OVERHEAD + get32(w->buf + off);
      w->dropped++;
      w->records--;
    }
    w->last_error = rc;
  }
  w->fill = 0;
  return rc;
}

size_t rec_spool_record_encode(uint8_t *p, rec_record_type type, uint64_t time_us, const void *payload,
                               size_t len) {
  if (len > REC_SPOOL_MAX_PAYLOAD || !type_known((uint32_t)type) || (len && !payload)) return 0;
  put32(p, (uint32_t)len);
  p[4] = (uint8_t)type;
  p[5] = p[6] = p[7] = 0;
  put64(p + 8, time_us);
  put32(p + 16, rec_spool_crc32(0, p, 16));
  if (len) memcpy(p + REC_HDR, payload, len);
  put32(p + REC_HDR + len, rec_spool_crc32(0, p, REC_HDR + len));
  return REC_SPOOL_RECORD_OVERHEAD + len;
}

int rec_spool_append(rec_spool_writer *w, rec_record_type type, uint64_t time_us, const void *payload,
                     size_t len) {
  if (len > REC_SPOOL_MAX_PAYLOAD || !type_known((uint32_t)type) || (len && !payload)) return -EINVAL;
  int rc = 0;
  if (w->cap - w->fill < REC_SPOOL_RECORD_OVERHEAD + len) rc = rec_spool_flush(w);
  w->fill += rec_spool_record_encode(w->buf + w->fill, type, time_us, payload, len);
  w->records++;
  return rc;
}

int rec_spool_sync(rec_spool_writer *w) {
  int rc = rec_spool_flush(w);
  if (rc != 0) return rc;
  if (fsync(w->fd) != 0 && errno != EINVAL) return -errno; /* EINVAL: a device without fsync */
  return 0;
}

int rec_spool_writer_close(rec_spool_writer *w) {
  if (w->fd < 0) return 0;
  int rc = rec_spool_flush(w);
  if (w->own_fd && close(w->fd) != 0 && rc == 0) rc = -errno;
  w->fd = -1;
  return rc;
}

/* ---- reader ---- */

int rec_spool_reader_init(rec_spool_reader *r, const uint8_t *buf, size_t len, rec_spool_header *h) {
  memset(r, 0, sizeof *r);
  if (!buf || rec_spool_header_decode(buf, len, h) != 0) return -1;
  r->buf = buf;
  r->len = len;
  r->pos = r->good_end = REC_SPOOL_HEADER_LEN;
  r->state = REC_READ_OK;
  return 0;
}

rec_read_result rec_spool_next(rec_spool_reader *r, rec_spool_record *rec) {
  if (r->state != REC_READ_OK) return r->state;
  size_t left = r->len - r->pos;
  const uint8_t *p = r->buf + r->pos;
  if (left == 0) return r->state = REC_READ_END;
  if (left < REC_HDR) return r->state = REC_READ_TRUNCATED;
  /* The header's own CRC first: a damaged length is CORRUPT, not a record running past the end. */
  if (get32(p + 16) != rec_spool_crc32(0, p, 16)) return r->state = REC_READ_CORRUPT;
  uint32_t len = get32(p);
  if (len > REC_SPOOL_MAX_PAYLOAD || !type_known(p[4]) || p[5] || p[6] || p[7])
    return r->state = REC_READ_CORRUPT;
  if (left - REC_HDR < (size_t)len + 4) return r->state = REC_READ_TRUNCATED;
  if (get32(p + REC_HDR + len) != rec_spool_crc32(0, p, REC_HDR + len)) return r->state = REC_READ_CORRUPT;
  rec->type = (rec_record_type)p[4];
  rec->time_us = get64(p + 8);
  rec->payload = p + REC_HDR;
  rec->len = len;
  r->pos += REC_SPOOL_RECORD_OVERHEAD + len;
  r->good_end = r->pos;
  r->records++;
  return REC_READ_OK;
}

int rec_spool_map(const char *path, rec_spool_map_t *m) {
  m->data = NULL;
  m->len = 0;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -errno;
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int e = errno;
    close(fd);
    return -e;
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    return -EINVAL;
  }
  if (st.st_size > 0) {
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      int e = errno;
      close(fd);
      return -e;
    }
    m->data = p;
    m->len = (size_t)st.st_size;
  }
  close(fd);
  return 0;
}

void rec_spool_unmap(rec_spool_map_t *m) {
  if (m->data) munmap((void *)m->data, m->len);
  m->data = NULL;
  m->len = 0;
}
