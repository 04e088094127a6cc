/* libFuzzer harness for the recording spool reader (storage/rec_spool.c). Every input is read
 * twice:
 *  - as a spool file image in an exact heap copy (as it is; behind a valid header; and behind a
 *    valid header with every record's CRCs made right, so hostile lengths and types get past
 *    them): the reader must stop with END, TRUNCATED or CORRUPT without reading outside it,
 *    every record's payload inside the image, good_end at a record boundary no further than the
 *    image;
 *  - as material for a valid spool: a header, then records whose type, time and payload come
 *    from the input ([type][len][bytes]...), encoded with rec_spool_record_encode; the image must
 *    read back to exactly those records and END, and cut at an input-chosen offset it must give
 *    the records before the cut and then END or TRUNCATED, never CORRUPT.
 *
 * Built by tests/fuzz/CMakeLists.txt like every harness here (make fuzz; make test replays
 * corpus/<name>). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "storage/rec_spool.h"

/* Little-endian CRC field at p. */
static void put_crc(uint8_t *p, uint32_t crc) {
  for (int k = 0; k < 4; k++) p[k] = (uint8_t)(crc >> (8 * k));
}

/* Gives the records of img (after its header) correct CRCs wherever a record's length leaves
 * room for them, so lengths, types and reserved bytes reach the checks behind the CRCs. */
static void fix_crcs(uint8_t *img, size_t len) {
  size_t pos = REC_SPOOL_HEADER_LEN;
  while (len - pos >= REC_SPOOL_RECORD_OVERHEAD) {
    uint8_t *p = img + pos;
    put_crc(p + 16, rec_spool_crc32(0, p, 16));
    size_t l = (size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16 | (size_t)p[3] << 24;
    if (l > len - pos - REC_SPOOL_RECORD_OVERHEAD) return;
    put_crc(p + 20 + l, rec_spool_crc32(0, p, 20 + l));
    pos += REC_SPOOL_RECORD_OVERHEAD + l;
  }
}

static void read_image(const uint8_t *img, size_t size);

/* The input as it is, then behind a valid header, then behind a valid header with its records'
 * CRCs made right. */
static void read_hostile(const uint8_t *data, size_t size) {
  read_image(data, size);
  uint8_t *img = malloc(REC_SPOOL_HEADER_LEN + size);
  if (!img) return;
  rec_spool_header h = {
      .kind = REC_KIND_VIDEO, .codec = REC_CODEC_VP8, .clock_rate = 90000, .start_wall_us = 1};
  if (rec_spool_header_encode(&h, img) != 0) abort();
  memcpy(img + REC_SPOOL_HEADER_LEN, data, size);
  read_image(img, REC_SPOOL_HEADER_LEN + size);
  fix_crcs(img, REC_SPOOL_HEADER_LEN + size);
  read_image(img, REC_SPOOL_HEADER_LEN + size);
  free(img);
}

/* Reads an image from an exact heap copy. */
static void read_image(const uint8_t *data, size_t size) {
  uint8_t *img = malloc(size ? size : 1);
  if (!img) return;
  memcpy(img, data, size);
  rec_spool_reader r;
  rec_spool_header h;
  if (rec_spool_reader_init(&r, img, size, &h) == 0) {
    rec_spool_record rec;
    rec_read_result res;
    size_t prev_end = r.good_end;
    while ((res = rec_spool_next(&r, &rec)) == REC_READ_OK) {
      if (rec.payload < img || rec.payload + rec.len > img + size) abort();
      if (r.good_end != prev_end + REC_SPOOL_RECORD_OVERHEAD + rec.len) abort();
      prev_end = r.good_end;
    }
    if (res != REC_READ_END && res != REC_READ_TRUNCATED && res != REC_READ_CORRUPT) abort();
    if (r.good_end > size || (res == REC_READ_END && r.good_end != size)) abort();
  }
  free(img);
}

#define MAXREC 256

static void round_trip(const uint8_t *data, size_t size) {
  if (size < 2) return;
  rec_spool_header h = {.kind = REC_KIND_AUDIO,
                        .codec = REC_CODEC_OPUS,
                        .clock_rate = 48000,
                        .ssrc = data[0],
                        .payload_type = 111,
                        .start_wall_us = 1};
  uint8_t *img = malloc(REC_SPOOL_HEADER_LEN + size * 2 + MAXREC * REC_SPOOL_RECORD_OVERHEAD);
  if (!img) return;
  if (rec_spool_header_encode(&h, img) != 0) abort();
  size_t len = REC_SPOOL_HEADER_LEN, n = 0, i = 1;
  size_t ends[MAXREC];
  const uint8_t *src[MAXREC];
  size_t src_len[MAXREC];
  uint8_t types[MAXREC];
  while (i + 2 <= size && n < MAXREC) {
    uint8_t type = (uint8_t)(1 + data[i] % 3);
    size_t l = data[i + 1];
    i += 2;
    if (l > size - i) l = size - i;
    size_t w = rec_spool_record_encode(img + len, (rec_record_type)type, (uint64_t)i * 1000, data + i, l);
    if (w != REC_SPOOL_RECORD_OVERHEAD + l) abort();
    src[n] = data + i;
    src_len[n] = l;
    types[n] = type;
    len += w;
    ends[n++] = len;
    i += l;
  }
  size_t cut = len - (data[0] % (len - REC_SPOOL_HEADER_LEN + 1)); /* cut >= the header */
  for (int pass = 0; pass < 2; pass++) {
    size_t ilen = pass == 0 ? len : cut;
    uint8_t *c = malloc(ilen);
    if (!c) break;
    memcpy(c, img, ilen);
    rec_spool_reader r;
    rec_spool_header d;
    if (rec_spool_reader_init(&r, c, ilen, &d) != 0) abort();
    rec_spool_record rec;
    size_t k = 0;
    rec_read_result res;
    while ((res = rec_spool_next(&r, &rec)) == REC_READ_OK) {
      if (k >= n || rec.type != types[k] || rec.len != src_len[k] ||
          memcmp(rec.payload, src[k], rec.len) != 0)
        abort();
      k++;
    }
    size_t complete = 0;
    while (complete < n && ends[complete] <= ilen) complete++;
    if (k != complete) abort();
    size_t boundary = complete ? ends[complete - 1] : REC_SPOOL_HEADER_LEN;
    if (res != (boundary == ilen ? REC_READ_END : REC_READ_TRUNCATED) || r.good_end != boundary) abort();
    free(c);
  }
  free(img);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  read_hostile(data, size);
  round_trip(data, size);
  return 0;
}
