/* The recording tests' side of the in-process media worker (tests/unit/sfu_test_support.h), for
 * tests/unit/test_recorder.c: records a test expects in a spool (xtrack), plaintext RTP/RTCP
 * packets protected and delivered as a publisher's, the worker's record commands and the
 * ME_RECORD_* events the writer thread posts, a temporary directory per test (rec_setup,
 * rec_teardown) and spools read back and checked against what was expected. */
#ifndef MOA_TESTS_RECORDER_TEST_SUPPORT_H
#define MOA_TESTS_RECORDER_TEST_SUPPORT_H

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sfu_test_support.h"
#include "storage/rec_spool.h"

/* ---- what the test expects in a spool ---- */

typedef struct {
  rec_record_type type;
  uint64_t time_us;
  size_t len;
  uint8_t data[1600];
} xrec;

typedef struct {
  xrec *r;
  int n, cap;
} xtrack;

static int64_t start_us; /* the worker's clock when the recording started */

static void x_init(xtrack *x, int cap) {
  x->r = calloc((size_t)cap, sizeof *x->r);
  assert_non_null(x->r);
  x->n = 0;
  x->cap = cap;
}

static void x_free(xtrack *x) { free(x->r); }

static void expect(xtrack *x, rec_record_type type, const void *data, size_t len) {
  assert_true(x->n < x->cap);
  xrec *r = &x->r[x->n++];
  r->type = type;
  r->time_us = (uint64_t)(sfu_now_us(&W.s) - start_us);
  r->len = len;
  memcpy(r->data, data, len);
}

/* A record that arrived earlier than now (a sender report written when its encoding is taken). */
static void expect_at(xtrack *x, rec_record_type type, const void *data, size_t len, uint64_t time_us) {
  expect(x, type, data, len);
  x->r[x->n - 1].time_us = time_us;
}

static void expect_marker(xtrack *x, const char *text) { expect(x, REC_MARKER, text, strlen(text)); }

/* ---- packets (plaintext, then protected with the publisher's keys and delivered) ---- */

static void send_plain(peer *p, const uint8_t *plain, size_t len) {
  uint8_t buf[UDP_SEND_ROOM];
  memcpy(buf, plain, len);
  int n = (int)len;
  assert_int_equal(srtp_pair_protect_rtp(p->srtp, buf, &n, UDP_SEND_ROOM), 0);
  deliver(&p->addr, buf, (size_t)n);
}

/* A 12-byte RTP header (no extension). */
static void rtp_header(uint8_t *out, uint8_t pt, uint16_t seq, uint32_t ts, uint32_t ssrc) {
  memset(out, 0, 12);
  out[0] = 0x80;
  out[1] = pt;
  rtp_set_seq(out, seq);
  rtp_set_ts(out, ts);
  rtp_set_ssrc(out, ssrc);
}

/* VP8 with a one-byte descriptor (S=1), payload bytes after it. */
static size_t vp8_plain(uint8_t *out, uint32_t ssrc, uint16_t seq, bool key, size_t payload) {
  rtp_header(out, 96, seq, 3000u * seq, ssrc);
  out[12] = 0x10;
  out[13] = key ? 0x00 : 0x01;
  for (size_t i = 1; i < payload; i++) out[13 + i] = (uint8_t)(seq + i);
  return 13 + payload;
}

static size_t opus_plain(uint8_t *out, uint32_t ssrc, uint16_t seq) {
  rtp_header(out, 111, seq, 960u * seq, ssrc);
  for (size_t i = 0; i < 80; i++) out[12 + i] = (uint8_t)(seq * 7 + i);
  return 92;
}

static void send_sr(peer *p, uint32_t ssrc, uint64_t ntp, uint32_t rtp_ts) {
  rtcp_sr sr;
  memset(&sr, 0, sizeof sr);
  sr.ssrc = ssrc;
  sr.ntp = ntp;
  sr.rtp_ts = rtp_ts;
  uint8_t buf[UDP_SEND_ROOM];
  int n = rtcp_build_sr(buf, sizeof buf, &sr);
  assert_true(n > 0);
  assert_int_equal(srtp_pair_protect_rtcp(p->srtp, buf, &n, UDP_SEND_ROOM), 0);
  deliver(&p->addr, buf, (size_t)n);
}

static void expect_sr(xtrack *x, uint64_t ntp, uint32_t rtp_ts) {
  uint8_t b[REC_SPOOL_SR_LEN];
  rec_spool_sr_encode(b, ntp, rtp_ts);
  expect(x, REC_SR, b, sizeof b);
}

/* PLIs the worker queued to p for media SSRC ssrc (the batch is then emptied). */
static int plis_for(peer *p, uint32_t ssrc) {
  int n;
  plis_queued(p, &ssrc, &n, 1);
  return n;
}

static void tick(int ms) {
  W.s.now_ms += (uint64_t)ms;
  sfu_tick(&W.s);
}

/* ---- recording commands and events ---- */

static void record_cmd(media_cmd_type type, uint32_t room, uint64_t id, const char *dir, uint64_t meeting) {
  media_cmd cmd;
  memset(&cmd, 0, sizeof cmd);
  cmd.type = type;
  cmd.room_id = room;
  cmd.u.record.recording_id = id;
  cmd.u.record.meeting_id = meeting;
  if (dir) snprintf(cmd.u.record.dir, sizeof cmd.u.record.dir, "%s", dir);
  sfu_handle_cmd(&W.s, &cmd);
}

static void record_start(uint32_t room, uint64_t id, const char *dir, uint64_t meeting) {
  start_us = sfu_now_us(&W.s);
  record_cmd(MC_RECORD_START, room, id, dir, meeting);
}

static media_event rec_events[64];
static int n_rec_events;

/* Takes the events posted so far, keeping the recording ones. */
static void collect(void) {
  media_event ev;
  while (next_event(&ev))
    if (ev.type == ME_RECORD_DEGRADED || ev.type == ME_RECORD_STOPPED) {
      assert_true(n_rec_events < 64);
      rec_events[n_rec_events++] = ev;
    }
}

static int count_events(media_event_type type, uint64_t id) {
  int n = 0;
  for (int i = 0; i < n_rec_events; i++)
    n += rec_events[i].type == type && rec_events[i].record.recording_id == id;
  return n;
}

static const media_event *find_event(media_event_type type, uint64_t id) {
  for (int i = 0; i < n_rec_events; i++)
    if (rec_events[i].type == type && rec_events[i].record.recording_id == id) return &rec_events[i];
  return NULL;
}

/* Waits (up to 10 s: the writer is another thread) for recording id's event of that type. */
static const media_event *wait_event(media_event_type type, uint64_t id) {
  for (int ms = 0; ms < 10000; ms++) {
    collect();
    const media_event *e = find_event(type, id);
    if (e) return e;
    usleep(1000);
  }
  fail_msg("no event %d for recording %llu", (int)type, (unsigned long long)id);
  return NULL;
}

/* Lets the writer thread run a while and takes the events it posted. */
static void settle(int ms) {
  usleep((useconds_t)ms * 1000);
  collect();
}

/* ---- directories and spools ---- */

static char tmp_root[64];

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st;
  (void)flag;
  (void)ftw;
  return remove(path);
}

static int rec_setup(void **state) {
  n_rec_events = 0;
  snprintf(tmp_root, sizeof tmp_root, "/tmp/moa-test-recorder-XXXXXX");
  if (!mkdtemp(tmp_root)) return -1;
  return setup(state);
}

static int rec_teardown(void **state) {
  int rc = teardown(state);
  char mnt[128];
  snprintf(mnt, sizeof mnt, "%s/small", tmp_root);
  umount2(mnt, MNT_DETACH); /* test_disk_full's, if it is still there */
  nftw(tmp_root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
  return rc;
}

static int count_files(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return -1;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)))
    if (e->d_name[0] != '.') n++;
  closedir(d);
  return n;
}

static off_t file_size(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 ? st.st_size : -1;
}

/* Maps dir/name and starts reading it (its header into *h). */
static void open_spool(const char *dir, const char *name, rec_spool_map_t *m, rec_spool_reader *r,
                       rec_spool_header *h) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  assert_int_equal(rec_spool_map(path, m), 0);
  assert_int_equal(rec_spool_reader_init(r, m->data, m->len, h), 0);
}

/* Reads dir/name back: its header into *h, and checks its records against x, in order, field
 * by field, ending cleanly (END). Returns the file's size. */
static off_t check_spool(const char *dir, const char *name, const xtrack *x, rec_spool_header *h) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  rec_spool_map_t m;
  rec_spool_reader r;
  open_spool(dir, name, &m, &r, h);
  rec_spool_record rec;
  int i = 0;
  rec_read_result res;
  while ((res = rec_spool_next(&r, &rec)) == REC_READ_OK) {
    if (i >= x->n) fail_msg("%s: record %d is more than the %d expected", name, i, x->n);
    const xrec *want = &x->r[i];
    if (rec.type != want->type || rec.time_us != want->time_us || rec.len != want->len ||
        memcmp(rec.payload, want->data, rec.len) != 0)
      fail_msg("%s: record %d: type %d time %llu len %zu; expected type %d time %llu len %zu", name, i,
               (int)rec.type, (unsigned long long)rec.time_us, rec.len, (int)want->type,
               (unsigned long long)want->time_us, want->len);
    i++;
  }
  assert_int_equal(res, REC_READ_END);
  assert_int_equal(i, x->n);
  rec_spool_unmap(&m);
  return file_size(path);
}

/* Reads dir/name to its end, which must be clean (END: a failed write left no torn record), and
 * returns how many records it holds; when tail is given, its records must be the last ones. */
static uint64_t read_spool(const char *dir, const char *name, const xtrack *tail) {
  rec_spool_map_t m;
  rec_spool_reader r;
  rec_spool_header h;
  open_spool(dir, name, &m, &r, &h);
  rec_spool_record rec, last[16];
  uint64_t k = 0;
  while (rec_spool_next(&r, &rec) == REC_READ_OK) last[k++ % 16] = rec;
  assert_int_equal(r.state, REC_READ_END);
  if (tail) {
    assert_true(tail->n <= 16 && k >= (uint64_t)tail->n);
    for (int i = 0; i < tail->n; i++) {
      const rec_spool_record *got = &last[(k - (uint64_t)tail->n + (uint64_t)i) % 16];
      assert_int_equal(got->len, tail->r[i].len);
      assert_memory_equal(got->payload, tail->r[i].data, got->len);
      assert_int_equal(got->time_us, tail->r[i].time_us);
    }
  }
  rec_spool_unmap(&m);
  return k;
}

/* The end of a recording that lost records: one ME_RECORD_DEGRADED and one ME_RECORD_STOPPED,
 * degraded with `error`, `tracks` spools, and each of the `sent` records written or dropped. */
static const media_event *expect_degraded_end(uint64_t id, int error, uint32_t tracks, uint64_t sent) {
  const media_event *ev = wait_event(ME_RECORD_STOPPED, id);
  assert_true(ev->record.degraded);
  assert_int_equal(ev->record.error, error);
  assert_true(ev->record.dropped > 0);
  assert_int_equal(ev->record.tracks, tracks);
  assert_int_equal(ev->record.packets + ev->record.dropped, sent);
  settle(50);
  assert_int_equal(count_events(ME_RECORD_DEGRADED, id), 1);
  assert_int_equal(count_events(ME_RECORD_STOPPED, id), 1);
  return ev;
}

static int64_t wall_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* A connected publisher with an Opus and a VP8 track (ids and SSRCs: base and base + 1). */
static void publisher(peer *p, uint32_t room, uint32_t tid, uint64_t user, uint32_t base_id,
                      uint32_t base_ssrc) {
  peer_new(p, room, tid, "127.0.0.1", (uint16_t)(50000 + tid));
  p->user_id = user;
  peer_connect(p);
  add_producer(p, base_id, MEDIA_AUDIO, base_ssrc, 111, 0, 0);
  add_producer(p, base_id + 1, MEDIA_VIDEO, base_ssrc + 0x10, 96, 0, 0);
}

/* From a publisher() whose tracks have SSRCs audio_ssrc and audio_ssrc + 0x10: a VP8 key frame,
 * then n ticks of 20 ms each with a 1100-byte VP8 delta and an Opus packet (expected into audio
 * when given); the writer is given a moment every 20 ticks, so the queue does not fill. */
static void send_av(peer *p, uint32_t audio_ssrc, int n, xtrack *audio) {
  uint8_t pkt[UDP_SEND_ROOM];
  uint16_t vseq = 1;
  send_plain(p, pkt, vp8_plain(pkt, audio_ssrc + 0x10, vseq++, true, 1100));
  for (int i = 0; i < n; i++) {
    tick(20);
    send_plain(p, pkt, vp8_plain(pkt, audio_ssrc + 0x10, vseq++, false, 1100));
    size_t len = opus_plain(pkt, audio_ssrc, (uint16_t)(1 + i));
    send_plain(p, pkt, len);
    if (audio) expect(audio, REC_RTP, pkt, len);
    if (i % 20 == 0) settle(2);
  }
}

#endif
