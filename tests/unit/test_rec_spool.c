/* Unit tests of the recording spool (storage/rec_spool.c): a round trip of thousands of records
 * of random sizes through a real file; the file cut at every byte offset reads back exactly the
 * records before the cut and then TRUNCATED (END at a record boundary), each cut in an exact
 * heap copy so ASan sees any read past it; any byte flipped in a record stops the reader with
 * CORRUPT at that record; any byte flipped in the header, or a well-formed header with insane
 * values, is refused; a full disk (/dev/full) and a file-size limit hit mid-buffer are reported
 * as -errno and leave a file that reads back every record written before; a writer killed with
 * SIGKILL while writing leaves a file whose records all read back. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* cmocka.h needs these before it */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "storage/rec_spool.h"

static rec_spool_header sample_header(void) {
  rec_spool_header h = {.kind = REC_KIND_VIDEO,
                        .codec = REC_CODEC_VP8,
                        .clock_rate = 90000,
                        .ssrc = 0x12345678,
                        .payload_type = 96,
                        .room_id = 42,
                        .meeting_id = 7,
                        .user_id = 1001,
                        .start_wall_us = 1796000000000000LL,
                        .start_mono_us = 123456789};
  return h;
}

static void assert_header_equal(const rec_spool_header *a, const rec_spool_header *b) {
  assert_int_equal(a->kind, b->kind);
  assert_int_equal(a->codec, b->codec);
  assert_int_equal(a->clock_rate, b->clock_rate);
  assert_int_equal(a->ssrc, b->ssrc);
  assert_int_equal(a->payload_type, b->payload_type);
  assert_true(a->room_id == b->room_id && a->meeting_id == b->meeting_id && a->user_id == b->user_id);
  assert_true(a->start_wall_us == b->start_wall_us && a->start_mono_us == b->start_mono_us);
}

static char *tmp_path(const char *name) {
  static char path[256];
  snprintf(path, sizeof path, "/tmp/moa_rec_spool_%d_%s", (int)getpid(), name);
  unlink(path);
  return path;
}

/* Record i's content, reproducible from i alone: type, time and length from a small LCG. */
static uint32_t lcg(uint32_t *s) {
  *s = *s * 1103515245u + 12345u;
  return *s >> 8;
}
static void record_for(uint32_t i, size_t max_len, rec_record_type *type, uint64_t *t, uint8_t *payload,
                       size_t *len) {
  uint32_t s = i * 2654435761u + 1;
  *type = (rec_record_type)(1 + lcg(&s) % 3);
  *t = (uint64_t)i * 20000 + lcg(&s) % 1000;
  *len = lcg(&s) % (max_len + 1);
  for (size_t k = 0; k < *len; k++) payload[k] = (uint8_t)lcg(&s);
}

static void check_record(uint32_t i, size_t max_len, const rec_spool_record *rec) {
  static uint8_t want[REC_SPOOL_MAX_PAYLOAD];
  rec_record_type type;
  uint64_t t;
  size_t len;
  record_for(i, max_len, &type, &t, want, &len);
  assert_int_equal(rec->type, type);
  assert_int_equal(rec->time_us, t);
  assert_int_equal(rec->len, len);
  assert_memory_equal(rec->payload, want, len);
}

/* Writes n records (record_for, lengths up to max_len) to a new file at path. */
static void write_file(const char *path, uint32_t n, size_t max_len) {
  static uint8_t buf[REC_SPOOL_MIN_BUF + 1000], payload[REC_SPOOL_MAX_PAYLOAD];
  rec_spool_writer w;
  rec_spool_header h = sample_header();
  assert_int_equal(rec_spool_writer_open(&w, path, &h, buf, sizeof buf), 0);
  for (uint32_t i = 0; i < n; i++) {
    rec_record_type type;
    uint64_t t;
    size_t len;
    record_for(i, max_len, &type, &t, payload, &len);
    assert_int_equal(rec_spool_append(&w, type, t, payload, len), 0);
  }
  assert_int_equal(w.records, n);
  assert_int_equal(rec_spool_writer_close(&w), 0);
}

static uint8_t *slurp(const char *path, size_t *len) {
  rec_spool_map_t m;
  assert_int_equal(rec_spool_map(path, &m), 0);
  uint8_t *copy = malloc(m.len ? m.len : 1);
  assert_non_null(copy);
  memcpy(copy, m.data, m.len);
  *len = m.len;
  rec_spool_unmap(&m);
  return copy;
}

/* Reads an image; returns the number of good records (checked against record_for) and the
 * final state in *end. */
static uint32_t read_image(const uint8_t *img, size_t len, size_t max_len, rec_read_result *end,
                           size_t *good_end) {
  rec_spool_reader r;
  rec_spool_header h;
  assert_int_equal(rec_spool_reader_init(&r, img, len, &h), 0);
  rec_spool_header want = sample_header();
  assert_header_equal(&h, &want);
  rec_spool_record rec;
  uint32_t n = 0;
  rec_read_result res;
  while ((res = rec_spool_next(&r, &rec)) == REC_READ_OK) check_record(n++, max_len, &rec);
  assert_int_equal(rec_spool_next(&r, &rec), res); /* sticky */
  assert_int_equal(r.records, n);
  *end = res;
  if (good_end) *good_end = r.good_end;
  return n;
}

static void test_round_trip(void **state) {
  char *path = tmp_path("rt");
  write_file(path, 3000, 1400);
  size_t len;
  uint8_t *img = slurp(path, &len);
  rec_read_result end;
  size_t good_end;
  assert_int_equal(read_image(img, len, 1400, &end, &good_end), 3000);
  assert_int_equal(end, REC_READ_END);
  assert_int_equal(good_end, len);
  free(img);
  /* Large records too, up to the 64 KiB limit, across buffer flushes. */
  unlink(path);
  write_file(path, 200, REC_SPOOL_MAX_PAYLOAD);
  img = slurp(path, &len);
  assert_int_equal(read_image(img, len, REC_SPOOL_MAX_PAYLOAD, &end, NULL), 200);
  assert_int_equal(end, REC_READ_END);
  free(img);
  unlink(path);
}

static void test_truncated_at_every_offset(void **state) {
  char *path = tmp_path("cut");
  const uint32_t n = 60;
  write_file(path, n, 300);
  size_t len;
  uint8_t *img = slurp(path, &len);
  /* Record boundaries, from a clean read. */
  size_t bounds[61];
  {
    rec_spool_reader r;
    rec_spool_header h;
    rec_spool_record rec;
    assert_int_equal(rec_spool_reader_init(&r, img, len, &h), 0);
    bounds[0] = r.pos;
    for (uint32_t i = 0; i < n; i++) {
      assert_int_equal(rec_spool_next(&r, &rec), REC_READ_OK);
      bounds[i + 1] = r.pos;
    }
  }
  assert_int_equal(bounds[n], len);
  for (size_t cut = 0; cut <= len; cut++) {
    uint8_t *c = malloc(cut ? cut : 1);
    memcpy(c, img, cut);
    if (cut < REC_SPOOL_HEADER_LEN) {
      rec_spool_reader r;
      rec_spool_header h;
      assert_int_equal(rec_spool_reader_init(&r, c, cut, &h), -1);
    } else {
      uint32_t complete = 0;
      while (complete < n && bounds[complete + 1] <= cut) complete++;
      rec_read_result end;
      size_t good_end;
      assert_int_equal(read_image(c, cut, 300, &end, &good_end), complete);
      assert_int_equal(good_end, bounds[complete]);
      assert_int_equal(end, bounds[complete] == cut ? REC_READ_END : REC_READ_TRUNCATED);
    }
    free(c);
  }
  free(img);
  unlink(path);
}

static void test_flipped_byte_is_corrupt(void **state) {
  char *path = tmp_path("flip");
  const uint32_t n = 12;
  write_file(path, n, 200);
  size_t len;
  uint8_t *img = slurp(path, &len);
  size_t rec_start = REC_SPOOL_HEADER_LEN;
  uint32_t rec_index = 0;
  {
    rec_spool_reader r;
    rec_spool_header h;
    rec_spool_record rec;
    assert_int_equal(rec_spool_reader_init(&r, img, len, &h), 0);
    for (size_t off = REC_SPOOL_HEADER_LEN; off < len; off++) {
      while (off >= r.pos) { /* advance to the record holding off */
        rec_start = r.pos;
        assert_int_equal(rec_spool_next(&r, &rec), REC_READ_OK);
        rec_index = (uint32_t)r.records - 1;
      }
      for (int bit = 0; bit < 8; bit += 3) {
        uint8_t *c = malloc(len);
        memcpy(c, img, len);
        c[off] ^= (uint8_t)(1u << bit);
        rec_read_result end;
        size_t good_end;
        assert_int_equal(read_image(c, len, 200, &end, &good_end), rec_index);
        assert_int_equal(end, REC_READ_CORRUPT);
        assert_int_equal(good_end, rec_start);
        free(c);
      }
    }
  }
  free(img);
  unlink(path);
}

static void test_header_refused(void **state) {
  rec_spool_header h = sample_header(), d;
  uint8_t b[REC_SPOOL_HEADER_LEN];
  assert_int_equal(rec_spool_header_encode(&h, b), 0);
  assert_int_equal(rec_spool_header_decode(b, sizeof b, &d), 0);
  assert_header_equal(&h, &d);
  assert_memory_equal(b, "MOAREC1\n", 8);
  for (size_t i = 0; i < sizeof b; i++) {
    for (int bit = 0; bit < 8; bit++) {
      b[i] ^= (uint8_t)(1u << bit);
      assert_int_equal(rec_spool_header_decode(b, sizeof b, &d), -1);
      b[i] ^= (uint8_t)(1u << bit);
    }
  }
  assert_int_equal(rec_spool_header_decode(b, sizeof b - 1, &d), -1);
  /* Insane values are refused by the encoder, and by the decoder under a correct CRC. */
  rec_spool_header bad[6];
  for (int i = 0; i < 6; i++) bad[i] = h;
  bad[0].codec = REC_CODEC_OPUS; /* Opus video */
  bad[1].clock_rate = 48000;     /* VP8 at 48 kHz */
  bad[2].payload_type = 128;
  bad[3].start_wall_us = 0;
  bad[4].kind = (rec_kind)3;
  bad[5].codec = (rec_codec)0;
  for (int i = 0; i < 6; i++) {
    assert_int_equal(rec_spool_header_encode(&bad[i], b), -1);
    assert_int_equal(rec_spool_header_encode(&h, b), 0);
    b[12] = (uint8_t)bad[i].kind;
    b[13] = (uint8_t)bad[i].codec;
    b[14] = bad[i].payload_type;
    for (int k = 0; k < 4; k++) b[16 + k] = (uint8_t)(bad[i].clock_rate >> (8 * k));
    for (int k = 0; k < 8; k++) b[48 + k] = (uint8_t)((uint64_t)bad[i].start_wall_us >> (8 * k));
    uint32_t crc = rec_spool_crc32(0, b, 92);
    for (int k = 0; k < 4; k++) b[92 + k] = (uint8_t)(crc >> (8 * k));
    assert_int_equal(rec_spool_header_decode(b, sizeof b, &d), -1);
  }
  /* A version 2 file with a correct CRC. */
  assert_int_equal(rec_spool_header_encode(&h, b), 0);
  b[8] = 2;
  uint32_t crc = rec_spool_crc32(0, b, 92);
  for (int k = 0; k < 4; k++) b[92 + k] = (uint8_t)(crc >> (8 * k));
  assert_int_equal(rec_spool_header_decode(b, sizeof b, &d), -1);
  /* Audio is fine. */
  rec_spool_header a = h;
  a.kind = REC_KIND_AUDIO;
  a.codec = REC_CODEC_OPUS;
  a.clock_rate = 48000;
  a.payload_type = 111;
  a.meeting_id = 0;
  assert_int_equal(rec_spool_header_encode(&a, b), 0);
  assert_int_equal(rec_spool_header_decode(b, sizeof b, &d), 0);
  assert_header_equal(&a, &d);
}

static void test_crc_check_value(void **state) {
  assert_int_equal(rec_spool_crc32(0, (const uint8_t *)"123456789", 9), 0xCBF43926u);
  uint32_t c = rec_spool_crc32(0, (const uint8_t *)"1234", 4);
  assert_int_equal(rec_spool_crc32(c, (const uint8_t *)"56789", 5), 0xCBF43926u);
}

static void test_sr_payload(void **state) {
  uint8_t p[REC_SPOOL_SR_LEN];
  rec_spool_sr_encode(p, 0xE1234567890ABCDEull, 0xFEDCBA98u);
  uint64_t ntp;
  uint32_t ts;
  assert_int_equal(rec_spool_sr_decode(p, sizeof p, &ntp, &ts), 0);
  assert_true(ntp == 0xE1234567890ABCDEull);
  assert_int_equal(ts, 0xFEDCBA98u);
  assert_int_equal(rec_spool_sr_decode(p, sizeof p - 1, &ntp, &ts), -1);
}

static void test_writer_refuses(void **state) {
  static uint8_t buf[REC_SPOOL_MIN_BUF];
  char *path = tmp_path("excl");
  rec_spool_header h = sample_header();
  rec_spool_writer w;
  mode_t old = umask(022);
  assert_int_equal(rec_spool_writer_open(&w, path, &h, buf, sizeof buf - 1), -EINVAL);
  assert_int_equal(access(path, F_OK), -1);
  rec_spool_header bad = h;
  bad.clock_rate = 1;
  assert_int_equal(rec_spool_writer_open(&w, path, &bad, buf, sizeof buf), -EINVAL);
  assert_int_equal(rec_spool_writer_open(&w, path, &h, buf, sizeof buf), 0);
  struct stat st;
  assert_int_equal(stat(path, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0640);
  assert_int_equal(st.st_size, REC_SPOOL_HEADER_LEN); /* the header is on disk at once */
  assert_int_equal(rec_spool_append(&w, REC_RTP, 0, buf, REC_SPOOL_MAX_PAYLOAD + 1), -EINVAL);
  assert_int_equal(rec_spool_append(&w, (rec_record_type)9, 0, buf, 1), -EINVAL);
  assert_int_equal(rec_spool_append(&w, REC_MARKER, 5, "start", 5), 0);
  assert_int_equal(rec_spool_writer_close(&w), 0);
  /* O_EXCL: an existing file is never overwritten. */
  assert_int_equal(rec_spool_writer_open(&w, path, &h, buf, sizeof buf), -EEXIST);
  assert_int_equal(stat(path, &st), 0);
  assert_int_equal(st.st_size, REC_SPOOL_HEADER_LEN + REC_SPOOL_RECORD_OVERHEAD + 5);
  umask(old);
  unlink(path);
}

static void test_disk_full(void **state) {
  static uint8_t buf[REC_SPOOL_MIN_BUF];
  rec_spool_header h = sample_header();
  rec_spool_writer w;
  int fd = open("/dev/full", O_WRONLY);
  if (fd < 0) skip();
  assert_int_equal(rec_spool_writer_open_fd(&w, fd, &h, buf, sizeof buf), -ENOSPC);
  close(fd);
}

/* A file-size limit hit in the middle of a buffer: the flush writes part of it, fails with
 * EFBIG, cuts the file back to the last whole record and counts the lost ones; the file reads
 * back cleanly, and once there is room again the writer goes on. */
static void test_partial_write_cut_back(void **state) {
  static uint8_t buf[REC_SPOOL_MIN_BUF], payload[1000];
  char *path = tmp_path("fsize");
  rec_spool_header h = sample_header();
  rec_spool_writer w;
  struct rlimit old, lim;
  assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
  void (*old_sig)(int) = signal(SIGXFSZ, SIG_IGN);
  assert_int_equal(rec_spool_writer_open(&w, path, &h, buf, sizeof buf), 0);
  uint32_t i = 0;
  for (; i < 50; i++) { /* about 50 KiB, flushed: in the file */
    rec_record_type type;
    uint64_t t;
    size_t len;
    record_for(i, sizeof payload, &type, &t, payload, &len);
    assert_int_equal(rec_spool_append(&w, type, t, payload, len), 0);
  }
  assert_int_equal(rec_spool_flush(&w), 0);
  uint64_t committed = w.committed;
  lim = old;
  lim.rlim_cur = committed + 20000;
  assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
  for (uint32_t k = 0; k < 40; k++) { /* 40 more, buffered: more than 20000 bytes */
    rec_record_type type;
    uint64_t t;
    size_t len;
    record_for(1000 + k, sizeof payload, &type, &t, payload, &len);
    assert_int_equal(rec_spool_append(&w, type, t, payload, len), 0);
  }
  int rc = rec_spool_flush(&w);
  assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
  signal(SIGXFSZ, old_sig);
  assert_int_equal(rc, -EFBIG);
  assert_int_equal(w.dropped, 40);
  assert_int_equal(w.records, 50);
  assert_int_equal(w.committed, committed);
  struct stat st;
  assert_int_equal(stat(path, &st), 0);
  assert_int_equal((uint64_t)st.st_size, committed); /* the torn part is gone */
  for (; i < 60; i++) {                              /* room again: the writer goes on */
    rec_record_type type;
    uint64_t t;
    size_t len;
    record_for(i, sizeof payload, &type, &t, payload, &len);
    assert_int_equal(rec_spool_append(&w, type, t, payload, len), 0);
  }
  assert_int_equal(rec_spool_writer_close(&w), 0);
  size_t len;
  uint8_t *img = slurp(path, &len);
  rec_read_result end;
  assert_int_equal(read_image(img, len, sizeof payload, &end, NULL), 60);
  assert_int_equal(end, REC_READ_END);
  free(img);
  unlink(path);
}

/* A child writes and flushes records as fast as it can and is killed with SIGKILL: every
 * complete record in the file reads back (then END or TRUNCATED, never CORRUPT). */
static void test_sigkill_mid_write(void **state) {
  char *path = tmp_path("kill");
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    static uint8_t buf[REC_SPOOL_MIN_BUF], payload[1400];
    rec_spool_header h = sample_header();
    rec_spool_writer w;
    if (rec_spool_writer_open(&w, path, &h, buf, sizeof buf) != 0) _exit(1);
    for (uint32_t i = 0;; i++) {
      rec_record_type type;
      uint64_t t;
      size_t len;
      record_for(i, sizeof payload, &type, &t, payload, &len);
      if (rec_spool_append(&w, type, t, payload, len) != 0) _exit(1);
      if (i % 3 == 0 && rec_spool_flush(&w) != 0) _exit(1);
      if (i == 200000) _exit(2); /* about 140 MB: not reached in 30 ms */
    }
  }
  usleep(30000);
  kill(pid, SIGKILL);
  int status;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL); /* killed while writing */
  size_t len;
  uint8_t *img = slurp(path, &len);
  rec_read_result end;
  uint32_t n = read_image(img, len, 1400, &end, NULL);
  assert_true(end == REC_READ_END || end == REC_READ_TRUNCATED);
  assert_true(n > 0);
  print_message("SIGKILL after %u records (%zu bytes), then %s\n", n, len,
                end == REC_READ_END ? "END" : "TRUNCATED");
  free(img);
  unlink(path);
}

static void test_map_errors(void **state) {
  rec_spool_map_t m;
  assert_int_equal(rec_spool_map("/nonexistent/spool", &m), -ENOENT);
  assert_int_equal(rec_spool_map("/tmp", &m), -EINVAL);
  char *path = tmp_path("empty");
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
  assert_true(fd >= 0);
  close(fd);
  assert_int_equal(rec_spool_map(path, &m), 0);
  assert_null(m.data);
  rec_spool_reader r;
  rec_spool_header h;
  assert_int_equal(rec_spool_reader_init(&r, m.data, m.len, &h), -1);
  rec_spool_unmap(&m);
  unlink(path);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_crc_check_value),
      cmocka_unit_test(test_round_trip),
      cmocka_unit_test(test_truncated_at_every_offset),
      cmocka_unit_test(test_flipped_byte_is_corrupt),
      cmocka_unit_test(test_header_refused),
      cmocka_unit_test(test_sr_payload),
      cmocka_unit_test(test_writer_refuses),
      cmocka_unit_test(test_disk_full),
      cmocka_unit_test(test_partial_write_cut_back),
      cmocka_unit_test(test_sigkill_mid_write),
      cmocka_unit_test(test_map_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
