/* The recording spool: one append-only file per recorded track (docs/RECORDING.md gives the
 * format byte by byte). A fixed 96-byte header with its own CRC says what the track is (kind,
 * codec, clock rate, SSRC, payload type, room/meeting/user ids, wall-clock and monotonic start),
 * then records follow, each framed as a 20-byte header (length, type, arrival time, header CRC),
 * the payload and a CRC32 over header and payload, so a file cut anywhere (SIGKILL mid-write, a
 * full disk) reads back every complete record and stops cleanly at the torn one.
 *
 * The writer (rec_spool_writer) is owned by one thread (the recorder's writer thread): it
 * buffers records in a caller-owned buffer and writes whole buffers with pwrite at the offset
 * it tracks; a write error truncates the file back to the last complete record, discards what
 * was buffered (counted) and is returned to the caller as -errno. It never logs.
 *
 * The reader (rec_spool_reader) walks a file image in memory (a mapping from rec_spool_map or
 * any buffer): it validates the header, then yields records as pointers into that image, never
 * reading outside it and allocating nothing. Both are pure of global state. */
#ifndef MOA_STORAGE_REC_SPOOL_H
#define MOA_STORAGE_REC_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REC_SPOOL_MAGIC "MOAREC1\n" /* 8 bytes, no NUL in the file */
#define REC_SPOOL_VERSION 1
#define REC_SPOOL_HEADER_LEN 96
#define REC_SPOOL_RECORD_OVERHEAD 24 /* 20-byte record header + 4-byte trailing CRC */
#define REC_SPOOL_MAX_PAYLOAD 65536  /* a longer record is CORRUPT */
/* The smallest writer buffer: the header or one largest record must fit. */
#define REC_SPOOL_MIN_BUF (REC_SPOOL_MAX_PAYLOAD + REC_SPOOL_RECORD_OVERHEAD)

typedef enum { REC_KIND_AUDIO = 1, REC_KIND_VIDEO = 2 } rec_kind;
typedef enum { REC_CODEC_VP8 = 1, REC_CODEC_OPUS = 2 } rec_codec;

typedef enum {
  REC_RTP = 1,    /* payload: one RTP packet as received (decrypted), header included */
  REC_SR = 2,     /* payload: 12 bytes, rec_spool_sr_encode: NTP time <-> RTP timestamp */
  REC_MARKER = 3, /* payload: free bytes (UTF-8 text by convention): an event for the finalizer */
} rec_record_type;

typedef struct {
  rec_kind kind;
  rec_codec codec;
  uint32_t clock_rate; /* 90000 for VP8, 48000 for Opus */
  uint32_t ssrc;
  uint8_t payload_type; /* 0..127 */
  uint64_t room_id;
  uint64_t meeting_id; /* 0 if none */
  uint64_t user_id;
  int64_t start_wall_us; /* UTC microseconds since 1970 when recording started, > 0 */
  int64_t start_mono_us; /* CLOCK_MONOTONIC microseconds at the same instant */
} rec_spool_header;

/* CRC-32 (IEEE 802.3, reflected 0xEDB88320: the same as zlib's crc32 and STUN's FINGERPRINT).
 * crc is 0 to start, or a previous result to continue over more bytes. */
uint32_t rec_spool_crc32(uint32_t crc, const uint8_t *buf, size_t len);

/* Encodes the header into out[REC_SPOOL_HEADER_LEN] (CRC included). Returns 0, or -1 if h is
 * not valid (see rec_spool_header_decode for what is), with out unspecified. */
int rec_spool_header_encode(const rec_spool_header *h, uint8_t out[REC_SPOOL_HEADER_LEN]);

/* Decodes and validates a header: magic, version, header length, CRC, kind and codec known and
 * matching (VP8 video at 90 kHz, Opus audio at 48 kHz), payload type <= 127, reserved bytes
 * zero, start_wall_us > 0. Returns 0 and fills *h, or -1 (len too short or any check failed). */
int rec_spool_header_decode(const uint8_t *buf, size_t len, rec_spool_header *h);

/* The REC_SR payload: ntp is the 64-bit NTP timestamp of an RTCP sender report, rtp_ts the RTP
 * timestamp it maps to. encode writes 12 bytes; decode returns 0, or -1 if len != 12. */
#define REC_SPOOL_SR_LEN 12
void rec_spool_sr_encode(uint8_t out[REC_SPOOL_SR_LEN], uint64_t ntp, uint32_t rtp_ts);
int rec_spool_sr_decode(const uint8_t *p, size_t len, uint64_t *ntp, uint32_t *rtp_ts);

/* Encodes one record into out (REC_SPOOL_RECORD_OVERHEAD + len bytes) and returns that size,
 * or 0 (nothing written) if len > REC_SPOOL_MAX_PAYLOAD or type is unknown. For the writer, and
 * for whoever builds a spool image in memory (tests, fuzzing). */
size_t rec_spool_record_encode(uint8_t *out, rec_record_type type, uint64_t time_us, const void *payload,
                               size_t len);

/* ---- writer ---- */

typedef struct {
  int fd;
  bool own_fd;        /* opened by rec_spool_writer_open: closed by rec_spool_writer_close */
  uint8_t *buf;       /* caller-owned, cap >= REC_SPOOL_MIN_BUF */
  size_t cap, fill;   /* buffered bytes: whole records only */
  uint64_t committed; /* file bytes written so far: always a record boundary */
  uint64_t records;   /* records appended and not dropped (buffered or in the file) */
  uint64_t dropped;   /* records discarded by a failed flush (the caller's "degraded" count) */
  int last_error;     /* the last -errno returned, 0 if none */
} rec_spool_writer;

/* Creates path (O_CREAT|O_EXCL, mode 0640: an existing file is never overwritten) and writes the
 * header to it at once. buf (cap >= REC_SPOOL_MIN_BUF bytes) is used until close and must stay
 * valid until then. Returns 0, or -errno (-EINVAL for a bad header or small buffer, -EEXIST,
 * -ENOSPC, ...) with nothing left open; a file created but whose header could not be written is
 * removed. */
int rec_spool_writer_open(rec_spool_writer *w, const char *path, const rec_spool_header *h, uint8_t *buf,
                          size_t cap);

/* The same on an fd the caller opened for writing at offset 0 (a test's /dev/full, an O_TMPFILE);
 * close leaves the fd open. */
int rec_spool_writer_open_fd(rec_spool_writer *w, int fd, const rec_spool_header *h, uint8_t *buf,
                             size_t cap);

/* Appends one record (time_us: arrival, microseconds since the recording start). Flush policy:
 * the record goes into the buffer; only when it would not fit is the buffer written first (so
 * an append costs a memcpy and now and then one pwrite); a caller who wants a bound on what a
 * crash loses calls rec_spool_flush on a timer (the recorder's writer thread: every 250 ms).
 * Returns 0, -EINVAL (len > REC_SPOOL_MAX_PAYLOAD or an unknown type: nothing written), or the
 * -errno of a flush this append needed (then the buffered records were dropped, see
 * rec_spool_flush, but this record was kept in the emptied buffer). */
int rec_spool_append(rec_spool_writer *w, rec_record_type type, uint64_t time_us, const void *payload,
                     size_t len);

/* Writes the buffered records to the file (no fsync). Returns 0, or -errno (-ENOSPC, -EIO,
 * -EFBIG...): then the file is truncated back to its last complete record (best effort: if even
 * that fails, the reader stops at the torn record as TRUNCATED or CORRUPT), the buffered records
 * are counted in w->dropped and discarded, and the writer stays usable. */
int rec_spool_flush(rec_spool_writer *w);

/* Flushes, then fsyncs. Returns 0 or -errno. */
int rec_spool_sync(rec_spool_writer *w);

/* Flushes and closes (the fd only if the writer opened it). Returns the flush's or close's
 * -errno, or 0. The writer must not be used afterwards. */
int rec_spool_writer_close(rec_spool_writer *w);

/* ---- reader ---- */

typedef enum {
  REC_READ_OK = 0,        /* *rec filled */
  REC_READ_END = 1,       /* clean end: the image ends exactly after the last record */
  REC_READ_TRUNCATED = 2, /* bytes remain that are too few for the record they start */
  REC_READ_CORRUPT = 3,   /* a CRC mismatch, unknown type, nonzero reserved byte, length > 64 KiB */
} rec_read_result;

typedef struct {
  rec_record_type type;
  uint64_t time_us;
  const uint8_t *payload; /* points into the image */
  size_t len;
} rec_spool_record;

typedef struct {
  const uint8_t *buf;
  size_t len;
  size_t pos;      /* next record's offset */
  size_t good_end; /* end of the last good record (the header's end before any): a writer may
                      truncate the file here and append */
  uint64_t records;
  rec_read_result state; /* once not OK, next() keeps returning it */
} rec_spool_reader;

/* Starts reading the image buf[0..len) (which must outlive the reader). Returns 0 and fills *h,
 * or -1 if the header is missing or invalid (rec_spool_header_decode). */
int rec_spool_reader_init(rec_spool_reader *r, const uint8_t *buf, size_t len, rec_spool_header *h);

/* The next record. Returns REC_READ_OK and fills *rec, or END / TRUNCATED / CORRUPT (and keeps
 * returning it). Never reads outside the image. */
rec_read_result rec_spool_next(rec_spool_reader *r, rec_spool_record *rec);

/* A read-only mapping of a whole spool file for the reader. */
typedef struct {
  const uint8_t *data; /* NULL for an empty file */
  size_t len;
} rec_spool_map_t;

/* Maps path read-only. Returns 0, or -errno with nothing mapped. The file must not shrink while
 * mapped (SIGBUS): map only spools no writer has open. */
int rec_spool_map(const char *path, rec_spool_map_t *m);
void rec_spool_unmap(rec_spool_map_t *m);

#endif
