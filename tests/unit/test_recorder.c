/* Unit tests of recording in a media worker (rooms/recorder.c, rooms/rec_writer.c,
 * rooms/rec_queue.c; issue 17), driven in-process as the other SFU tests are
 * (tests/unit/sfu_test_support.h, recorder_test_support.h): a room with an audio and a simulcast video
 * producer is recorded into a real directory by the real writer thread, and the spools are read back with
 * storage/rec_spool's reader: every packet in order with its arrival time, the sender reports,
 * the layer markers, the header's ids; the key frame asked at the start and at a layer change;
 * a producer added mid-recording; one ME_RECORD_STOPPED with the counts. Then what goes wrong: a
 * full queue, a spool the disk refuses (RLIMIT_FSIZE), a directory that cannot be made, a bad
 * directory, a second recording of one room, the room closing, the worker stopping. Runs under
 * ASan/UBSan with leak checks. The queue on its own: test_rec_queue.c. */
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include "gateway/rtc/frame_assembler.h"
#include "recorder_test_support.h"

/* ---- tests ---- */

/* A room with an audio and a simulcast video producer is recorded; another publisher's video
 * joins mid-recording; the video's top encoding stops and the recording follows the next one
 * down; an encoding's SSRC is replaced. Every spool holds exactly what the worker received of
 * the recorded encodings, in order, with its arrival time. */
static void test_record_room(void **state) {
  (void)state;
  peer p, p2;
  peer_new(&p, 7, 71, "127.0.0.1", 50071);
  p.user_id = 42;
  peer_connect(&p);
  add_producer(&p, 710, MEDIA_AUDIO, 0x7100, 111, 0, 0);
  add_simulcast_producer(&p, 711);
  uint8_t pkt[UDP_SEND_ROOM];
  /* Before the recording: q and f bind (nothing is recorded). */
  send_plain(&p, pkt, make_sim_plain(pkt, 0xA000, 1, 1, true, "q"));
  send_plain(&p, pkt, make_sim_plain(pkt, 0xC000, 1, 1, true, "f"));
  send_sr(&p, 0xC000, 0x1111000000000000ull, 1000); /* before the start: not in the spool */
  tick(2000);
  W.udp.out.count = 0;

  char dir[256];
  snprintf(dir, sizeof dir, "%s/rec/9001", tmp_root); /* made by the writer, parents too */
  int64_t wall_before = wall_us();
  record_start(7, 9001, dir, 55);
  int64_t wall_after = wall_us();
  /* The key frame asked of each video encoding at the start. */
  const uint32_t sim_ssrcs[2] = {0xA000, 0xC000};
  int sim_plis[2];
  plis_queued(&p, sim_ssrcs, sim_plis, 2);
  bool pli_q = sim_plis[0] > 0, pli_f = sim_plis[1] > 0;
  assert_true(pli_q && pli_f);
  assert_int_equal(atomic_load(&W.counters.rec.active), 1);

  xtrack audio, video, video2;
  x_init(&audio, 512);
  x_init(&video, 512);
  x_init(&video2, 512);
  size_t n;
  /* f's key frame comes first: the video spool starts with it (q's deltas are not recorded). */
  uint16_t aseq = 100, qseq = 2, fseq = 2;
  uint64_t q_sr_at = 0;
  send_plain(&p, pkt, make_sim_plain(pkt, 0xA000, qseq++, 2, false, NULL));
  n = make_sim_plain(pkt, 0xC000, fseq++, 2, true, NULL);
  send_plain(&p, pkt, n);
  expect_marker(&video, "layer f");
  expect(&video, REC_RTP, pkt, n);
  for (int i = 0; i < 30; i++) {
    tick(20);
    n = opus_plain(pkt, 0x7100, aseq++);
    send_plain(&p, pkt, n);
    expect(&audio, REC_RTP, pkt, n);
    send_plain(&p, pkt, make_sim_plain(pkt, 0xA000, qseq, qseq, false, NULL));
    qseq++;
    n = make_sim_plain(pkt, 0xC000, fseq, fseq, false, NULL);
    send_plain(&p, pkt, n);
    expect(&video, REC_RTP, pkt, n);
    fseq++;
    if (i == 10) { /* sender reports: the recorded encoding's and the audio's; not q's */
      send_sr(&p, 0xC000, 0xE000000080000000ull, 123456);
      expect_sr(&video, 0xE000000080000000ull, 123456);
      send_sr(&p, 0xA000, 0xE000000080000000ull, 999); /* kept for when q is taken */
      q_sr_at = (uint64_t)(sfu_now_us(&W.s) - start_us);
      send_sr(&p, 0x7100, 0xE000000080001000ull, 48000);
      expect_sr(&audio, 0xE000000080001000ull, 48000);
    }
  }
  W.udp.out.count = 0;

  /* Another publisher arrives: its video is recorded from its first key frame, asked at once. */
  peer_new(&p2, 7, 72, "127.0.0.1", 50072);
  p2.user_id = 43;
  peer_connect(&p2);
  add_producer(&p2, 720, MEDIA_VIDEO, 0x7200, 96, 0, 0);
  assert_int_equal(plis_for(&p2, 0x7200), 1);
  uint16_t vseq = 500;
  send_plain(&p2, pkt, vp8_plain(pkt, 0x7200, vseq++, false, 900)); /* before a key frame */
  n = vp8_plain(pkt, 0x7200, vseq++, true, 1100);
  send_plain(&p2, pkt, n);
  expect(&video2, REC_RTP, pkt, n);
  for (int i = 0; i < 10; i++) {
    tick(20);
    n = vp8_plain(pkt, 0x7200, vseq++, false, 700 + (size_t)i);
    send_plain(&p2, pkt, n);
    expect(&video2, REC_RTP, pkt, n);
  }

  /* f stops: after a second without it the recorder asks q for a key frame and moves there at
   * that key frame (q's deltas before it are not recorded). Audio goes on. */
  W.udp.out.count = 0;
  int q_plis = 0;
  for (int i = 0; i < 60; i++) {
    tick(20);
    q_plis += plis_for(&p, 0xA000);
    n = opus_plain(pkt, 0x7100, aseq++);
    send_plain(&p, pkt, n);
    expect(&audio, REC_RTP, pkt, n);
    send_plain(&p, pkt, make_sim_plain(pkt, 0xA000, qseq, qseq, false, NULL));
    qseq++;
  }
  assert_true(q_plis >= 1);
  n = make_sim_plain(pkt, 0xA000, qseq, qseq, true, NULL);
  qseq++;
  send_plain(&p, pkt, n);
  expect_marker(&video, "layer q");
  uint8_t q_sr[REC_SPOOL_SR_LEN];
  rec_spool_sr_encode(q_sr, 0xE000000080000000ull, 999);
  expect_at(&video, REC_SR, q_sr, sizeof q_sr, q_sr_at); /* q's last report, for its clock */
  expect(&video, REC_RTP, pkt, n);
  tick(20);
  n = make_sim_plain(pkt, 0xA000, qseq, qseq, false, NULL);
  qseq++;
  send_plain(&p, pkt, n);
  expect(&video, REC_RTP, pkt, n);
  /* The publisher replaces q's SSRC (same rid): the new stream is recorded in the same spool. */
  tick(20);
  n = make_sim_plain(pkt, 0xA0F0, 40000, 40000, false, "q");
  send_plain(&p, pkt, n);
  expect(&video, REC_RTP, pkt, n);
  assert_int_equal(producer_by_id(&W.s, 711)->enc[0].ssrc, 0xA0F0);

  /* Stop: one ME_RECORD_STOPPED with the counts, after every spool is closed. */
  tick(20);
  record_cmd(MC_RECORD_STOP, 7, 9001, NULL, 0);
  send_plain(&p, pkt, opus_plain(pkt, 0x7100, aseq++)); /* after the stop: not recorded */
  const media_event *ev = wait_event(ME_RECORD_STOPPED, 9001);
  assert_int_equal(ev->room_id, 7);
  assert_int_equal(ev->record.tracks, 3);
  assert_int_equal(ev->record.packets, (uint64_t)(audio.n + video.n + video2.n));
  assert_int_equal(ev->record.dropped, 0);
  assert_false(ev->record.degraded);
  assert_int_equal(ev->record.error, 0);
  record_cmd(MC_RECORD_STOP, 7, 9001, NULL, 0); /* again: nothing more */
  settle(100);
  assert_int_equal(count_events(ME_RECORD_STOPPED, 9001), 1);
  assert_int_equal(count_events(ME_RECORD_DEGRADED, 9001), 0);

  /* The spools: one per track, named <user>-<kind>-<producer>.moarec. */
  assert_int_equal(count_files(dir), 3);
  rec_spool_header h;
  off_t bytes = check_spool(dir, "42-audio-710.moarec", &audio, &h);
  assert_int_equal(h.kind, REC_KIND_AUDIO);
  assert_int_equal(h.codec, REC_CODEC_OPUS);
  assert_int_equal(h.clock_rate, 48000);
  assert_int_equal(h.payload_type, 111);
  assert_int_equal(h.ssrc, 0x7100);
  assert_int_equal(h.room_id, 7);
  assert_int_equal(h.meeting_id, 55);
  assert_int_equal(h.user_id, 42);
  assert_int_equal(h.start_mono_us, start_us);
  assert_true(h.start_wall_us >= wall_before && h.start_wall_us <= wall_after);
  bytes += check_spool(dir, "42-video-711.moarec", &video, &h);
  assert_int_equal(h.kind, REC_KIND_VIDEO);
  assert_int_equal(h.codec, REC_CODEC_VP8);
  assert_int_equal(h.clock_rate, 90000);
  assert_int_equal(h.payload_type, 96);
  assert_int_equal(h.ssrc, 0xC000); /* the first recorded packet's: f */
  assert_int_equal(h.user_id, 42);
  assert_int_equal(h.meeting_id, 55);
  assert_int_equal(h.start_mono_us, start_us);
  bytes += check_spool(dir, "43-video-720.moarec", &video2, &h);
  assert_int_equal(h.ssrc, 0x7200);
  assert_int_equal(h.user_id, 43);
  assert_int_equal(h.room_id, 7);
  assert_int_equal(h.start_mono_us, start_us); /* one clock for every track of the recording */

  /* /metrics' counts. */
  assert_int_equal(atomic_load(&W.counters.rec.active), 0);
  assert_int_equal(atomic_load(&W.counters.rec.packets), (uint64_t)(audio.n + video.n + video2.n));
  assert_int_equal(atomic_load(&W.counters.rec.bytes), (uint64_t)bytes);
  assert_int_equal(atomic_load(&W.counters.rec.dropped), 0);

  x_free(&audio);
  x_free(&video);
  x_free(&video2);
  close_transport(71);
  close_transport(72);
  drain_events();
  peer_free(&p);
  peer_free(&p2);
}

/* The writer's queue is full (a burst far larger than it, faster than the thread drains):
 * records are dropped and counted, the media goes on, ME_RECORD_DEGRADED comes once, the video
 * is asked for a key frame, and once the writer caught up the recording continues. What the
 * spools hold plus what was dropped is what was received. */
static void test_queue_full(void **state) {
  (void)state;
  W.s.rec_queue_bytes = 16384; /* 12 KiB for packets */
  peer p;
  publisher(&p, 8, 81, 5, 810, 0x8100);
  char dir[256];
  snprintf(dir, sizeof dir, "%s/full", tmp_root);
  record_start(8, 9002, dir, 0);
  uint8_t pkt[UDP_SEND_ROOM];
  uint16_t aseq = 1, vseq = 1;
  int sent = 0;
  send_plain(&p, pkt, vp8_plain(pkt, 0x8110, vseq++, true, 1100));
  sent++;
  for (int i = 0; i < 2000; i++) {
    send_plain(&p, pkt, vp8_plain(pkt, 0x8110, vseq++, false, 1100));
    send_plain(&p, pkt, opus_plain(pkt, 0x8100, aseq++));
    sent += 2;
  }
  assert_true(atomic_load(&W.counters.rec.dropped) > 0);
  /* The writer catches up; the drops reach it (now, or at the next tick). */
  settle(300);
  W.udp.out.count = 0;
  tick(1100);
  assert_true(plis_for(&p, 0x8110) >= 1); /* the video recovers at a key frame */
  const media_event *deg = wait_event(ME_RECORD_DEGRADED, 9002);
  assert_int_equal(deg->room_id, 8);
  /* Recording goes on: these are all written. */
  xtrack tail;
  x_init(&tail, 16);
  for (int i = 0; i < 5; i++) {
    tick(20);
    size_t n = opus_plain(pkt, 0x8100, aseq++);
    send_plain(&p, pkt, n);
    expect(&tail, REC_RTP, pkt, n);
    sent++;
    settle(20);
  }
  record_cmd(MC_RECORD_STOP, 8, 9002, NULL, 0);
  const media_event *ev = expect_degraded_end(9002, 0, 2, (uint64_t)sent);
  assert_int_equal(atomic_load(&W.counters.rec.dropped), ev->record.dropped);
  assert_int_equal(atomic_load(&W.counters.rec.packets), ev->record.packets);
  /* Both spools read to a clean end; the audio's last records are the tail sent above. */
  uint64_t read = read_spool(dir, "5-audio-810.moarec", &tail) + read_spool(dir, "5-video-811.moarec", NULL);
  assert_int_equal(read, ev->record.packets);
  x_free(&tail);
  close_transport(81);
  drain_events();
  peer_free(&p);
}

/* A spool the file system refuses to grow (the per-process file size limit: EFBIG, as a full
 * disk gives ENOSPC, through the same path): that track loses records, is cut back to its last
 * whole record and still reads cleanly; ME_RECORD_DEGRADED comes once; the other track is
 * intact. */
static void test_write_fails(void **state) {
  (void)state;
  struct rlimit old, lim;
  assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
  void (*old_xfsz)(int) = signal(SIGXFSZ, SIG_IGN);
  peer p;
  publisher(&p, 9, 91, 6, 910, 0x9100);
  char dir[256];
  snprintf(dir, sizeof dir, "%s/fsize", tmp_root);
  lim = old;
  lim.rlim_cur = 200 * 1024;
  assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
  record_start(9, 9003, dir, 0);
  xtrack audio;
  x_init(&audio, 256);
  send_av(&p, 0x9100, 200, &audio); /* 240 KB of video, 18 KB of audio */
  record_cmd(MC_RECORD_STOP, 9, 9003, NULL, 0);
  const media_event *ev = wait_event(ME_RECORD_STOPPED, 9003);
  assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
  signal(SIGXFSZ, old_xfsz);
  expect_degraded_end(9003, -EFBIG, 2, 201 + 200);
  rec_spool_header h;
  check_spool(dir, "6-audio-910.moarec", &audio, &h); /* intact */
  /* The video spool ends on a whole record, under the limit. */
  char path[512];
  snprintf(path, sizeof path, "%s/6-video-911.moarec", dir);
  assert_true(file_size(path) <= 200 * 1024);
  uint64_t k = read_spool(dir, "6-video-911.moarec", NULL);
  assert_int_equal(k + (uint64_t)audio.n, ev->record.packets);
  assert_true(k > 0);
  x_free(&audio);
  close_transport(91);
  drain_events();
  peer_free(&p);
}

/* A disk that fills up (a 64 KiB tmpfs; needs the right to mount, else skipped): writes fail with
 * ENOSPC, each failed spool is cut back to its last whole record, nothing crashes, the loss is
 * counted and reported once, and every spool still reads to a clean end. */
static void test_disk_full(void **state) {
  (void)state;
  char mnt[128], dir[256];
  snprintf(mnt, sizeof mnt, "%s/small", tmp_root);
  assert_int_equal(mkdir(mnt, 0700), 0);
  if (mount("tmpfs", mnt, "tmpfs", 0, "size=64k") != 0) {
    print_message("cannot mount a tmpfs here (%s): skipped\n", strerror(errno));
    skip();
  }
  peer p;
  publisher(&p, 12, 121, 9, 1210, 0xC100);
  snprintf(dir, sizeof dir, "%s/rec", mnt);
  record_start(12, 9200, dir, 0);
  send_av(&p, 0xC100, 150, NULL); /* 170 KB of video, 17 KB of audio */
  record_cmd(MC_RECORD_STOP, 12, 9200, NULL, 0);
  const media_event *ev = expect_degraded_end(9200, -ENOSPC, 2, 151 + 150);
  uint64_t read = read_spool(dir, "9-audio-1210.moarec", NULL) + read_spool(dir, "9-video-1211.moarec", NULL);
  assert_int_equal(read, ev->record.packets);
  assert_int_equal(umount2(mnt, 0), 0);
  close_transport(121);
  drain_events();
  peer_free(&p);
}

/* One VP8 frame in one packet (marker set): a key frame of w x h (RFC 6386 9.1: frame tag with
 * P=0, start code 9d 01 2a, 14-bit width and height), or a delta frame. */
static size_t vp8_frame_plain(uint8_t *out, uint32_t ssrc, uint16_t seq, bool key, uint16_t w, uint16_t h) {
  size_t n = vp8_plain(out, ssrc, seq, key, 200);
  out[1] |= 0x80;              /* marker: the frame's last packet */
  out[13] = key ? 0x10 : 0x11; /* frame tag: show_frame, P */
  if (key) {
    const uint8_t hdr[9] = {
        0, 0, 0x9d, 0x01, 0x2a, (uint8_t)w, (uint8_t)(w >> 8), (uint8_t)h, (uint8_t)(h >> 8)};
    memcpy(out + 14, hdr, sizeof hdr);
  }
  return n;
}

typedef struct {
  int frames, keys;
  uint16_t first_w, first_h;
  bool first_key;
  uint64_t last_arrival;
  bool in_order;
} frames_seen;

static void on_frame(void *ctx, const fa_frame *f) {
  frames_seen *fs = ctx;
  if (fs->frames == 0) {
    fs->first_key = f->keyframe;
    fs->first_w = f->width;
    fs->first_h = f->height;
    fs->in_order = true;
  } else if (f->arrival_us < fs->last_arrival) {
    fs->in_order = false;
  }
  fs->last_arrival = f->arrival_us;
  fs->frames++;
  fs->keys += f->keyframe;
}

/* Feeds dir/name's RTP records to a frame assembler (rooms' spools are what the finalizer reads
 * with it) and returns what came out; *stats gets its counters. */
static frames_seen assemble(const char *dir, const char *name, fa_codec codec, fa_stats *stats) {
  rec_spool_map_t m;
  rec_spool_reader r;
  rec_spool_header h;
  open_spool(dir, name, &m, &r, &h);
  frame_assembler *fa = malloc(sizeof *fa);
  uint8_t *fbuf = malloc(FA_MAX_FRAME);
  assert_true(fa && fbuf);
  frames_seen fs;
  memset(&fs, 0, sizeof fs);
  assert_int_equal(fa_init(fa, codec, fbuf, FA_MAX_FRAME, on_frame, &fs), 0);
  rec_spool_record rec;
  while (rec_spool_next(&r, &rec) == REC_READ_OK)
    if (rec.type == REC_RTP) fa_push(fa, rec.payload, rec.len, rec.time_us);
  fa_flush(fa);
  assert_int_equal(r.state, REC_READ_END);
  *stats = fa->stats;
  free(fbuf);
  free(fa);
  rec_spool_unmap(&m);
  return fs;
}

/* What the recorder writes is what the finalizer's frame assembler takes: a publisher's video
 * (recorded from its first key frame: the deltas before it are not) and audio come back as
 * whole frames, in order, with no loss, the first a 640x480 key frame. */
static void test_spool_feeds_frame_assembler(void **state) {
  (void)state;
  peer p;
  publisher(&p, 13, 131, 10, 1310, 0xD100);
  char dir[256];
  snprintf(dir, sizeof dir, "%s/frames", tmp_root);
  uint8_t pkt[UDP_SEND_ROOM];
  uint16_t vseq = 1;
  send_plain(&p, pkt, vp8_frame_plain(pkt, 0xD110, vseq++, true, 640, 480)); /* before the start */
  record_start(13, 9300, dir, 0);
  send_plain(&p, pkt, vp8_frame_plain(pkt, 0xD110, vseq++, false, 0, 0)); /* waits for a key */
  for (int i = 0; i < 40; i++) {
    tick(20);
    bool key = i == 0 || i == 25;
    send_plain(&p, pkt, vp8_frame_plain(pkt, 0xD110, vseq++, key, 640, 480));
    send_plain(&p, pkt, opus_plain(pkt, 0xD100, (uint16_t)(1 + i)));
  }
  record_cmd(MC_RECORD_STOP, 13, 9300, NULL, 0);
  const media_event *ev = wait_event(ME_RECORD_STOPPED, 9300);
  assert_int_equal(ev->record.packets, 80);
  assert_false(ev->record.degraded);
  fa_stats st;
  frames_seen v = assemble(dir, "10-video-1311.moarec", FA_VP8, &st);
  assert_int_equal(v.frames, 40);
  assert_int_equal(v.keys, 2);
  assert_true(v.first_key);
  assert_int_equal(v.first_w, 640);
  assert_int_equal(v.first_h, 480);
  assert_true(v.in_order);
  assert_int_equal(st.lost + st.malformed + st.frames_incomplete + st.frames_no_key, 0);
  frames_seen a = assemble(dir, "10-audio-1310.moarec", FA_OPUS, &st);
  assert_int_equal(a.frames, 40);
  assert_int_equal(st.lost + st.malformed, 0);
  close_transport(131);
  drain_events();
  peer_free(&p);
}

/* Bad starts and every way a recording ends. */
static void test_bad_input_and_ends(void **state) {
  (void)state;
  peer p;
  peer_new(&p, 10, 101, "127.0.0.1", 50101);
  p.user_id = 7;
  peer_connect(&p);
  add_producer(&p, 1010, MEDIA_AUDIO, 0xA100, 111, 0, 0);
  uint8_t pkt[UDP_SEND_ROOM];
  uint16_t aseq = 1;

  /* A directory that is not absolute, or climbs out: refused at once. */
  record_start(10, 9100, "relative/dir", 0);
  record_start(10, 9101, "/tmp/../etc/moa", 0);
  assert_int_equal(wait_event(ME_RECORD_STOPPED, 9100)->record.error, -EINVAL);
  assert_int_equal(wait_event(ME_RECORD_STOPPED, 9101)->record.error, -EINVAL);
  assert_int_equal(atomic_load(&W.counters.rec.active), 0);

  /* A directory that cannot be made (under a regular file): every record is dropped and
   * counted, DEGRADED at once, and the media flows on. */
  char file[256], dir[256];
  snprintf(file, sizeof file, "%s/plain-file", tmp_root);
  FILE *f = fopen(file, "w");
  assert_non_null(f);
  fclose(f);
  snprintf(dir, sizeof dir, "%s/sub", file);
  record_start(10, 9102, dir, 0);
  const media_event *deg = wait_event(ME_RECORD_DEGRADED, 9102);
  assert_int_equal(deg->record.error, -ENOTDIR);
  for (int i = 0; i < 10; i++) {
    tick(20);
    send_plain(&p, pkt, opus_plain(pkt, 0xA100, aseq++));
  }
  /* A second recording of the same room is refused while this one runs. */
  char dir2[256];
  snprintf(dir2, sizeof dir2, "%s/second", tmp_root);
  record_start(10, 9103, dir2, 0);
  assert_int_equal(wait_event(ME_RECORD_STOPPED, 9103)->record.error, -EBUSY);
  record_cmd(MC_RECORD_STOP, 10, 9102, NULL, 0);
  const media_event *ev = wait_event(ME_RECORD_STOPPED, 9102);
  assert_int_equal(ev->record.tracks, 0);
  assert_int_equal(ev->record.packets, 0);
  assert_int_equal(ev->record.dropped, 10);
  assert_true(ev->record.degraded);
  assert_int_equal(ev->record.error, -ENOTDIR);

  /* The room closes (its last transport goes): the recording stops, once. */
  snprintf(dir, sizeof dir, "%s/closing", tmp_root);
  record_start(10, 9104, dir, 0);
  tick(20);
  send_plain(&p, pkt, opus_plain(pkt, 0xA100, aseq++));
  close_transport(101);
  ev = wait_event(ME_RECORD_STOPPED, 9104);
  assert_int_equal(ev->record.tracks, 1);
  assert_int_equal(ev->record.packets, 1);
  assert_false(ev->record.degraded);
  record_cmd(MC_RECORD_STOP, 10, 9104, NULL, 0); /* too late: nothing */

  /* The worker stops mid-recording (a room on it, another recorded before it went live). */
  peer q;
  peer_new(&q, 11, 111, "127.0.0.1", 50111);
  q.user_id = 8;
  peer_connect(&q);
  add_producer(&q, 1110, MEDIA_AUDIO, 0xB100, 111, 0, 0);
  snprintf(dir, sizeof dir, "%s/stopping", tmp_root);
  record_start(11, 9105, dir, 0);
  snprintf(dir2, sizeof dir2, "%s/not-live", tmp_root);
  record_start(12, 9106, dir2, 0);
  tick(20);
  uint16_t bseq = 1;
  for (int i = 0; i < 3; i++) send_plain(&q, pkt, opus_plain(pkt, 0xB100, bseq++));
  sfu_free(&W.s); /* as the worker thread does when it stops; teardown's second call finds nothing */
  collect();
  ev = find_event(ME_RECORD_STOPPED, 9105);
  assert_non_null(ev);
  assert_int_equal(ev->record.packets, 3);
  assert_non_null(find_event(ME_RECORD_STOPPED, 9106));
  assert_int_equal(count_events(ME_RECORD_STOPPED, 9104), 1);
  assert_int_equal(count_events(ME_RECORD_STOPPED, 9105), 1);
  assert_int_equal(count_events(ME_RECORD_STOPPED, 9106), 1);
  assert_int_equal(count_events(ME_RECORD_DEGRADED, 9104), 0);
  assert_int_equal(atomic_load(&W.counters.rec.active), 0);
  drain_events();
  peer_free(&p);
  peer_free(&q);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_record_room, rec_setup, rec_teardown),
      cmocka_unit_test_setup_teardown(test_spool_feeds_frame_assembler, rec_setup, rec_teardown),
      cmocka_unit_test_setup_teardown(test_queue_full, rec_setup, rec_teardown),
      cmocka_unit_test_setup_teardown(test_write_fails, rec_setup, rec_teardown),
      cmocka_unit_test_setup_teardown(test_disk_full, rec_setup, rec_teardown),
      cmocka_unit_test_setup_teardown(test_bad_input_and_ends, rec_setup, rec_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
