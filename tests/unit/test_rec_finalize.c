/* Unit tests of the finalizer's parts (gateway/rec_finalize.c, rec_track.c, rec_webm.c,
 * rec_composite.c): the Opus TOC durations and the OpusHead bytes; the ffmpeg argument vector
 * for one, two, five participants and audio only; the child runner's exit status, stderr tail,
 * nice 19 and timeout; placing segments with sender reports (one offset per participant, a report
 * that disagrees left out; a layer switch's SR read before its frames); and rec_finalize itself on synthetic
 * spools (VP8 frames whose key frames carry a size, Opus packets): frame times on the recording's clock, a
 * second track that starts later, two video producers at once (a shared screen: its own file) and one after
 * the other (one track), a spool cut at every byte offset (never a crash, INCOMPLETE or COMPLETE as the cut
 * falls, never a temporary left), an empty directory, a garbage file, an unwritable output. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* cmocka.h needs these before it */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "gateway/rec_composite.h"
#include "gateway/rec_finalize.h"
#include "gateway/rec_track.h"
#include "gateway/rec_webm.h"
#include "storage/rec_spool.h"

static void test_opus_samples(void **state) {
  (void)state;
  assert_int_equal(rec_opus_packet_samples((const uint8_t[]){0xFC, 1, 2}, 3), 960);  /* CELT 20 ms, 1 frame */
  assert_int_equal(rec_opus_packet_samples((const uint8_t[]){0x78, 1}, 2), 960);     /* hybrid FB 20 ms */
  assert_int_equal(rec_opus_packet_samples((const uint8_t[]){0x08}, 1), 960);        /* SILK NB 20 ms */
  assert_int_equal(rec_opus_packet_samples((const uint8_t[]){0x18}, 1), 2880);       /* SILK 60 ms */
  assert_int_equal(rec_opus_packet_samples((const uint8_t[]){0xFD, 0}, 2), 1920);    /* code 1: two frames */
  assert_int_equal(rec_opus_packet_samples((const uint8_t[]){0xE3, 0x03}, 2), 360);  /* code 3: 3 x 2.5 ms */
  assert_int_equal(rec_opus_packet_samples((const uint8_t[]){0xFB, 0x06}, 2), 5760); /* 6 x 20 ms = 120 ms */
  assert_int_equal(rec_opus_packet_samples((const uint8_t[]){0xFB, 0x07}, 2), 0);    /* 140 ms: malformed */
  assert_int_equal(rec_opus_packet_samples((const uint8_t[]){0xFB}, 1), 0);          /* no count byte */
  assert_int_equal(rec_opus_packet_samples((const uint8_t[]){0xFB, 0x00}, 2), 0);    /* zero frames */
  assert_int_equal(rec_opus_packet_samples(NULL, 0), 0);
}

static void test_opus_head(void **state) {
  (void)state;
  uint8_t h[REC_OPUS_HEAD_LEN];
  rec_webm_opus_head(h, 2);
  static const uint8_t want[REC_OPUS_HEAD_LEN] = {'O', 'p', 'u',  's',  'H', 'e', 'a', 'd', 1, 2,
                                                  0,   0,   0x80, 0xBB, 0,   0,   0,   0,   0};
  assert_memory_equal(h, want, sizeof want);
}

static int find_arg(char **argv, const char *s) {
  for (int i = 0; argv[i]; i++)
    if (!strcmp(argv[i], s)) return i;
  return -1;
}

static void test_composite_args(void **state) {
  (void)state;
  rec_comp_input in[5] = {{"a.webm", true, true},
                          {"b.webm", true, false},
                          {"c.webm", false, true},
                          {"d.webm", true, true},
                          {"e.webm", true, true}};
  char **argv = rec_composite_args("/usr/bin/ffmpeg", in, 1, "out.webm");
  assert_non_null(argv);
  assert_string_equal(argv[0], "/usr/bin/ffmpeg");
  int g = find_arg(argv, "-filter_complex");
  assert_true(g > 0);
  assert_non_null(strstr(argv[g + 1], "[0:v]scale=320:240"));
  assert_non_null(strstr(argv[g + 1], "[v0]null[v]"));
  assert_non_null(strstr(argv[g + 1], "[0:a]aresample=async=1:first_pts=0[a0];[a0]anull[a]"));
  assert_true(find_arg(argv, "-copyts") > 0);
  assert_true(find_arg(argv, "libvpx") > 0 && find_arg(argv, "libopus") > 0);
  int last = 0;
  while (argv[last + 1]) last++;
  assert_string_equal(argv[last], "out.webm");
  assert_string_equal(argv[last - 1], "webm");
  rec_composite_free_args(argv);

  /* two videos side by side, three audios mixed (b has no audio, c no video) */
  argv = rec_composite_args("ffmpeg", in, 4, "o.webm");
  g = find_arg(argv, "-filter_complex");
  assert_non_null(strstr(argv[g + 1], "xstack=inputs=3:fill=black:layout=0_0|320_0|0_240[v]"));
  assert_non_null(strstr(argv[g + 1], "[a0][a1][a2]amix=inputs=3"));
  assert_null(strstr(argv[g + 1], "[2:v]"));
  assert_null(strstr(argv[g + 1], "[1:a]"));
  assert_int_equal(find_arg(argv, "c.webm"), find_arg(argv, "b.webm") + 4);
  rec_composite_free_args(argv);

  /* five: a 3-column grid */
  argv = rec_composite_args(
      "ffmpeg",
      (rec_comp_input[]){
          {"1", true, false}, {"2", true, false}, {"3", true, false}, {"4", true, false}, {"5", true, false}},
      5, "o.webm");
  g = find_arg(argv, "-filter_complex");
  assert_non_null(strstr(argv[g + 1], "layout=0_0|320_0|640_0|0_240|320_240[v]"));
  assert_int_equal(find_arg(argv, "libopus"), -1);
  rec_composite_free_args(argv);

  /* audio only; nothing at all */
  argv = rec_composite_args("ffmpeg", &in[2], 1, "o.webm");
  assert_int_equal(find_arg(argv, "libvpx"), -1);
  rec_composite_free_args(argv);
  rec_comp_input none = {"x", false, false};
  assert_null(rec_composite_args("ffmpeg", &none, 1, "o.webm"));
}

static void test_composite_run(void **state) {
  (void)state;
  char err[256];
  assert_int_equal(rec_composite_run((char *[]){"true", NULL}, 10, err, sizeof err), 0);
  /* the exit status and the end of stderr; the child runs at nice 19 */
  assert_int_equal(rec_composite_run((char *[]){"/bin/sh", "-c",
                                                "echo first line >&2; echo nice=$(nice) >&2; exit 4", NULL},
                                     10, err, sizeof err),
                   -1);
  assert_non_null(strstr(err, "exited with status 4: first line nice=19"));
  err[0] = '\0';
  assert_int_equal(rec_composite_run((char *[]){"no-such-ffmpeg-binary", NULL}, 10, err, sizeof err), -1);
  assert_non_null(strstr(err, "cannot run no-such-ffmpeg-binary"));
  /* a child that outlives its time is killed */
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  assert_int_equal(rec_composite_run((char *[]){"/bin/sleep", "30", NULL}, 1, err, sizeof err), -1);
  clock_gettime(CLOCK_MONOTONIC, &b);
  assert_non_null(strstr(err, "timed out after 1 s"));
  assert_true(b.tv_sec - a.tv_sec < 5);
}

static void test_place_user(void **state) {
  (void)state;
  /* video arrives 250 ms later than audio; both have reports from one sender clock */
  rec_segment sv = {.min_d = 1250000, .has_sr = true, .sr_k = 1000000};
  rec_segment sa = {.min_d = 1000000, .has_sr = true, .sr_k = 1000000};
  rec_spool_src v = {.seg = &sv, .nseg = 1}, a = {.seg = &sa, .nseg = 1};
  rec_spool_src *both[] = {&v, &a};
  assert_true(rec_track_place_user(both, 2));
  assert_int_equal(sv.place, sa.place); /* one clock: the delay difference is gone */
  assert_int_equal(sa.place, 1000000);
  /* without reports each is placed on its own arrival */
  sv.has_sr = sa.has_sr = false;
  assert_false(rec_track_place_user(both, 2));
  assert_int_equal(sv.place, 1250000);
  assert_int_equal(sa.place, 1000000);
  /* a report far from the others (another stream's, a lying one) is left out */
  rec_segment s3[3] = {{.min_d = 1000000, .has_sr = true, .sr_k = 1000000},
                       {.min_d = 1100000, .has_sr = true, .sr_k = 1000000},
                       {.min_d = 1000000, .has_sr = true, .sr_k = -900000000}};
  rec_spool_src t = {.seg = s3, .nseg = 3};
  rec_spool_src *one[] = {&t};
  assert_true(rec_track_place_user(one, 1));
  assert_true(s3[0].has_sr && s3[1].has_sr);
  assert_false(s3[2].has_sr);
  assert_int_equal(s3[1].place, s3[0].place);
  assert_int_equal(s3[2].place, 1000000);
}

/* ---- synthetic spools ---- */

typedef struct {
  uint8_t *b;
  size_t len, cap;
  size_t bounds[4096]; /* record ends */
  int nb;
} image;

static void img_add(image *im, const void *p, size_t n) {
  if (im->len + n > im->cap) {
    im->cap = (im->len + n) * 2;
    im->b = realloc(im->b, im->cap);
    assert_non_null(im->b);
  }
  memcpy(im->b + im->len, p, n);
  im->len += n;
}

static void img_record(image *im, rec_record_type t, uint64_t time_us, const uint8_t *p, size_t n) {
  uint8_t rec[REC_SPOOL_RECORD_OVERHEAD + 1600];
  size_t k = rec_spool_record_encode(rec, t, time_us, p, n);
  assert_true(k > 0);
  img_add(im, rec, k);
  im->bounds[im->nb++] = im->len;
}

static void img_header(image *im, rec_kind kind, uint64_t user, int64_t start_mono) {
  rec_spool_header h = {.kind = kind,
                        .codec = kind == REC_KIND_VIDEO ? REC_CODEC_VP8 : REC_CODEC_OPUS,
                        .clock_rate = kind == REC_KIND_VIDEO ? 90000 : 48000,
                        .ssrc = 0x1234,
                        .payload_type = kind == REC_KIND_VIDEO ? 96 : 111,
                        .room_id = 1,
                        .user_id = user,
                        .start_wall_us = 1796000000000000LL,
                        .start_mono_us = start_mono};
  uint8_t b[REC_SPOOL_HEADER_LEN];
  assert_int_equal(rec_spool_header_encode(&h, b), 0);
  im->len = 0;
  im->nb = 0;
  img_add(im, b, sizeof b);
}

static uint32_t g_ssrc = 0x1234; /* of the packets rtp() builds */

static size_t rtp(uint8_t *b, uint8_t pt, bool marker, uint16_t seq, uint32_t ts) {
  b[0] = 0x80;
  b[1] = (uint8_t)((marker ? 0x80 : 0) | pt);
  b[2] = (uint8_t)(seq >> 8), b[3] = (uint8_t)seq;
  b[4] = (uint8_t)(ts >> 24), b[5] = (uint8_t)(ts >> 16), b[6] = (uint8_t)(ts >> 8), b[7] = (uint8_t)ts;
  b[8] = (uint8_t)(g_ssrc >> 24), b[9] = (uint8_t)(g_ssrc >> 16), b[10] = (uint8_t)(g_ssrc >> 8),
  b[11] = (uint8_t)g_ssrc;
  return 12;
}

/* nframes VP8 frames at 30 fps (a key frame every 30, 2 packets each) arriving from arrive0_us. */
static void vp8_spool(image *im, int nframes, uint64_t arrive0_us) {
  uint16_t seq = 100;
  for (int f = 0; f < nframes; f++) {
    uint8_t fb[300];
    for (size_t i = 0; i < sizeof fb; i++) fb[i] = (uint8_t)(f + i);
    if (f % 30 == 0) {
      fb[0] = 0x10, fb[3] = 0x9d, fb[4] = 0x01, fb[5] = 0x2a;
      fb[6] = 64, fb[7] = 0, fb[8] = 48, fb[9] = 0; /* 64 x 48 */
    } else {
      fb[0] = 0x11;
    }
    for (int k = 0; k < 2; k++) {
      uint8_t p[400];
      size_t n = rtp(p, 96, k == 1, seq++, 5000 + (uint32_t)f * 3000);
      p[n++] = k == 0 ? 0x10 : 0x00; /* S on the first packet, partition 0 */
      memcpy(p + n, fb + k * 150, 150);
      img_record(im, REC_RTP, arrive0_us + (uint64_t)f * 33333 + (uint64_t)k * 100, p, n + 150);
    }
  }
}

static void opus_spool(image *im, int nframes, uint64_t arrive0_us) {
  for (int f = 0; f < nframes; f++) {
    uint8_t p[64];
    size_t n = rtp(p, 111, false, (uint16_t)(7 + f), 100 + (uint32_t)f * 960);
    p[n++] = 0xFC; /* CELT FB 20 ms */
    memset(p + n, f, 20);
    img_record(im, REC_RTP, arrive0_us + (uint64_t)f * 20000, p, n + 20);
  }
}

/* A simulcast layer switch as the recorder writes it: the "layer" marker, the new encoding's
 * SR, then its packets (another SSRC). The SR goes to the segment the switch begins, so that
 * segment is placed by the sender's clock (1.5 s after the first), not by its arrival (1.8 s). */
static void test_layer_switch_sr(void **state) {
  (void)state;
  image im = {0};
  img_header(&im, REC_KIND_VIDEO, 3, 1000000000);
  uint8_t sr[REC_SPOOL_SR_LEN];
  uint64_t ntp0 = (uint64_t)3900000000u << 32;
  rec_spool_sr_encode(sr, ntp0, 5000);
  img_record(&im, REC_SR, 0, sr, sizeof sr);
  g_ssrc = 0x1234;
  vp8_spool(&im, 30, 100000);
  img_record(&im, REC_MARKER, 1100000, (const uint8_t *)"layer h", 7);
  rec_spool_sr_encode(sr, ntp0 + ((uint64_t)3 << 31), 5000); /* + 1.5 s */
  img_record(&im, REC_SR, 1100000, sr, sizeof sr);
  g_ssrc = 0x9999;
  vp8_spool(&im, 30, 1900000);
  g_ssrc = 0x1234;

  rec_spool_src *src = calloc(1, sizeof *src);
  frame_assembler *fa = malloc(sizeof *fa);
  uint8_t *fbuf = malloc(FA_MAX_FRAME);
  assert_int_equal(rec_spool_header_decode(im.b, im.len, &src->h), 0);
  src->map.data = im.b;
  src->map.len = im.len;
  assert_int_equal(rec_track_analyze(src, fa, fbuf), 0);
  assert_int_equal(src->end, REC_READ_END);
  assert_int_equal(src->frames, 60);
  assert_int_equal(src->nseg, 2);
  assert_int_equal(src->seg[1].first_frame, 30);
  assert_true(src->seg[0].has_sr);
  assert_true(src->seg[1].has_sr);
  assert_int_equal(src->seg[1].sr_k - src->seg[0].sr_k, 1500000);
  rec_spool_src *all[] = {src};
  assert_true(rec_track_place_user(all, 1));
  assert_in_range(src->seg[0].place, 100000, 100200); /* the earliest arrival less RTP time */
  assert_int_equal(src->seg[1].place - src->seg[0].place, 1500000);
  free(src->seg);
  free(src);
  free(fa);
  free(fbuf);
  free(im.b);
}

static char tmpdir_path[256];

static void write_file(const char *dir, const char *name, const uint8_t *b, size_t n) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, b, n), (ssize_t)n);
  close(fd);
}

static void rm_rf(const char *dir) {
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  assert_int_equal(system(cmd), 0);
}

static int count_entries(const char *dir) {
  DIR *d = opendir(dir);
  assert_non_null(d);
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
  closedir(d);
  return n;
}

static int setup_dir(void **state) {
  (void)state;
  snprintf(tmpdir_path, sizeof tmpdir_path, "/tmp/test_rec_finalize.XXXXXX");
  return mkdtemp(tmpdir_path) ? 0 : -1;
}

static int teardown_dir(void **state) {
  (void)state;
  rm_rf(tmpdir_path);
  return 0;
}

/* spool = <tmp>/<name> (made), out = <tmp>/<name>-out (made by rec_finalize) */
static void case_dirs(const char *name, char spool[300], char out[300]) {
  snprintf(spool, 300, "%s/%s", tmpdir_path, name);
  snprintf(out, 300, "%s/%s-out", tmpdir_path, name);
  mkdir(spool, 0755);
}

static void test_finalize_two_tracks(void **state) {
  (void)state;
  char spool[300], out[300];
  case_dirs("two", spool, out);
  image im = {0};
  /* video: the recording starts here; audio: its track starts 2 s later (another start_mono) */
  img_header(&im, REC_KIND_VIDEO, 77, 1000000000);
  vp8_spool(&im, 90, 50000); /* 3 s */
  write_file(spool, "77-video.moarec", im.b, im.len);
  img_header(&im, REC_KIND_AUDIO, 77, 1002000000);
  opus_spool(&im, 50, 10000); /* 1 s */
  write_file(spool, "77-audio.moarec", im.b, im.len);
  rec_fin_result res;
  rec_fin_options opt = {.composite = false};
  assert_int_equal(rec_finalize(spool, out, &opt, &res), 0);
  assert_int_equal(res.state, REC_FIN_COMPLETE);
  assert_string_equal(res.error, "");
  assert_int_equal(res.n_files, 1);
  assert_string_equal(res.files[0].name, "77.webm");
  assert_int_equal(res.files[0].user_id, 77);
  assert_true(res.files[0].has_video && res.files[0].has_audio);
  /* the audio ends at 2 s + 10 ms + 1 s; the video at about 3 s */
  assert_in_range(res.files[0].duration_ms, 3000, 3100);
  assert_true(res.files[0].bytes > 90 * 300);
  assert_int_equal(count_entries(out), 1); /* no temporary left */
  free(im.b);
}

/* A camera for 3 s, a shared screen from 1 s to 2.5 s (at the same time: its own file), and a
 * replaced camera from 3.5 s (after the first: the same track). */
static void test_finalize_lanes(void **state) {
  (void)state;
  char spool[300], out[300];
  case_dirs("lanes", spool, out);
  image im = {0};
  img_header(&im, REC_KIND_VIDEO, 12, 1000000000);
  vp8_spool(&im, 90, 0);
  write_file(spool, "12-video-1.moarec", im.b, im.len);
  img_header(&im, REC_KIND_VIDEO, 12, 1001000000);
  vp8_spool(&im, 45, 0);
  write_file(spool, "12-video-2.moarec", im.b, im.len);
  img_header(&im, REC_KIND_VIDEO, 12, 1003500000);
  vp8_spool(&im, 30, 0);
  write_file(spool, "12-video-3.moarec", im.b, im.len);
  img_header(&im, REC_KIND_AUDIO, 12, 1000000000);
  opus_spool(&im, 200, 0);
  write_file(spool, "12-audio-4.moarec", im.b, im.len);
  rec_fin_result res;
  rec_fin_options opt = {.composite = false};
  assert_int_equal(rec_finalize(spool, out, &opt, &res), 0);
  assert_int_equal(res.state, REC_FIN_COMPLETE);
  assert_int_equal(res.n_files, 2);
  assert_string_equal(res.files[0].name, "12.webm");
  assert_true(res.files[0].has_video && res.files[0].has_audio);
  assert_in_range(res.files[0].duration_ms, 4400, 4600); /* the replaced camera ends at 3.5 + 1 s */
  assert_string_equal(res.files[1].name, "12-v1.webm");
  assert_true(res.files[1].has_video && !res.files[1].has_audio);
  assert_in_range(res.files[1].duration_ms, 2400, 2600);
  assert_int_equal(res.files[1].user_id, 12);
  free(im.b);
}

static void test_finalize_cut_everywhere(void **state) {
  (void)state;
  char spool[300], out[300];
  case_dirs("cut", spool, out);
  image im = {0};
  img_header(&im, REC_KIND_VIDEO, 5, 1000000000);
  vp8_spool(&im, 8, 0);
  rec_fin_options opt = {.composite = false};
  int complete = 0, incomplete = 0, failed = 0;
  for (size_t cut = 0; cut <= im.len; cut++) {
    write_file(spool, "5-video.moarec", im.b, cut);
    rec_fin_result res;
    int rc = rec_finalize(spool, out, &opt, &res);
    bool boundary = cut == REC_SPOOL_HEADER_LEN;
    for (int i = 0; i < im.nb; i++) boundary |= im.bounds[i] == cut;
    if (res.state == REC_FIN_FAILED) {
      failed++;
      assert_int_equal(rc, -1);
      assert_true(res.error[0]);
      /* only before the first frame is complete (2 packets + the hold released by the end) */
      assert_true(cut < REC_SPOOL_HEADER_LEN || cut < im.bounds[1]);
    } else {
      assert_int_equal(rc, 0);
      assert_int_equal(res.state, boundary ? REC_FIN_COMPLETE : REC_FIN_INCOMPLETE);
      if (!boundary) assert_non_null(strstr(res.error, "5-video.moarec: cut short after"));
      boundary ? complete++ : incomplete++;
      assert_int_equal(res.n_files, 1);
      assert_true(res.files[0].has_video && !res.files[0].has_audio);
    }
    assert_true(count_entries(out) <= 1);
  }
  assert_true(complete >= 14 && incomplete > 1000 && failed > 96);
  free(im.b);
}

static void test_finalize_damage(void **state) {
  (void)state;
  char spool[300], out[300];
  rec_fin_result res;
  rec_fin_options opt = {.composite = false};
  /* an empty directory, a missing one */
  case_dirs("empty", spool, out);
  assert_int_equal(rec_finalize(spool, out, &opt, &res), -1);
  assert_int_equal(res.state, REC_FIN_FAILED);
  assert_non_null(strstr(res.error, "no spool files"));
  assert_int_equal(rec_finalize("/nonexistent/spool", out, &opt, &res), -1);
  assert_non_null(strstr(res.error, "cannot open the spool directory"));

  /* a garbage file beside a good spool: incomplete, named */
  case_dirs("garbage", spool, out);
  image im = {0};
  img_header(&im, REC_KIND_AUDIO, 9, 1000000000);
  opus_spool(&im, 40, 0);
  write_file(spool, "9-audio.moarec", im.b, im.len);
  uint8_t junk[1000];
  for (size_t i = 0; i < sizeof junk; i++) junk[i] = (uint8_t)(i * 131 + 7);
  write_file(spool, "junk.moarec", junk, sizeof junk);
  write_file(spool, "empty.moarec", junk, 0);
  write_file(spool, "notes.txt", junk, 10); /* not a spool name: ignored */
  assert_int_equal(rec_finalize(spool, out, &opt, &res), 0);
  assert_int_equal(res.state, REC_FIN_INCOMPLETE);
  assert_non_null(strstr(res.error, "junk.moarec: not a recording spool"));
  assert_non_null(strstr(res.error, "empty.moarec: not a recording spool"));
  assert_null(strstr(res.error, "notes.txt"));
  assert_int_equal(res.n_files, 1);
  assert_false(res.files[0].has_video);

  /* garbage RTP (valid records): other payload types and versions are not the track's */
  img_header(&im, REC_KIND_AUDIO, 9, 1000000000);
  opus_spool(&im, 20, 0);
  for (int i = 0; i < 50; i++) img_record(&im, REC_RTP, 400000, junk + i, 13 + (size_t)i * 7);
  img_record(&im, REC_SR, 400000, junk, 5); /* an SR of the wrong length */
  img_record(&im, REC_MARKER, 400000, (const uint8_t *)"paused", 6);
  opus_spool(&im, 0, 0);
  write_file(spool, "9-audio.moarec", im.b, im.len);
  unlink(strcat(strcpy((char[400]){0}, spool), "/junk.moarec"));
  unlink(strcat(strcpy((char[400]){0}, spool), "/empty.moarec"));
  assert_int_equal(rec_finalize(spool, out, &opt, &res), 0);
  assert_int_equal(res.state, REC_FIN_COMPLETE);

  /* a video spool without a key frame: nothing playable */
  img_header(&im, REC_KIND_VIDEO, 9, 1000000000);
  vp8_spool(&im, 40, 0);
  /* make frame 0 (the only key frame before 30) lose its first packet, and drop 30 onwards */
  image cut = {0};
  img_header(&cut, REC_KIND_VIDEO, 9, 1000000000);
  img_add(&cut, im.b + im.bounds[0], im.bounds[59] - im.bounds[0]);
  unlink(strcat(strcpy((char[400]){0}, spool), "/9-audio.moarec"));
  write_file(spool, "9-video.moarec", cut.b, cut.len);
  assert_int_equal(rec_finalize(spool, out, &opt, &res), -1);
  assert_int_equal(res.state, REC_FIN_FAILED);
  assert_non_null(strstr(res.error, "9-video.moarec: no complete key frame"));

  /* an output that cannot be written */
  write_file(spool, "9-video.moarec", im.b, im.len);
  assert_int_equal(rec_finalize(spool, "/proc/no/such/dir", &opt, &res), -1);
  assert_int_equal(res.state, REC_FIN_FAILED);
  assert_non_null(strstr(res.error, "cannot create"));
  free(im.b);
  free(cut.b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_opus_samples),
      cmocka_unit_test(test_opus_head),
      cmocka_unit_test(test_composite_args),
      cmocka_unit_test(test_composite_run),
      cmocka_unit_test(test_place_user),
      cmocka_unit_test(test_layer_switch_sr),
      cmocka_unit_test(test_finalize_two_tracks),
      cmocka_unit_test(test_finalize_lanes),
      cmocka_unit_test(test_finalize_cut_everywhere),
      cmocka_unit_test(test_finalize_damage),
  };
  return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
