/* libFuzzer harness for finalizing (gateway/rec_finalize.c, rec_track.c, rec_webm.c): the input
 * becomes one or two spool files of one participant in a fresh directory, and rec_finalize
 * (without the composite) turns them into a WebM. Input: byte 0 picks the tracks (bit 0 video,
 * bit 1 audio, both if neither; bit 2 gives the audio another start); then chunks of
 * [ctl][dt][len][len bytes]: ctl bit 0 chooses the spool (video/audio), bits 1-2 the record type
 * (0, 1: RTP; 2: SR; 3: marker), bit 3 the RTP marker bit; the arrival time advances by dt * 1 ms
 * (dt 255: a jump of 2^40 us, past any recording); an RTP payload is the chunk's bytes behind a
 * header of version 2 and the spool's payload type whose sequence number, timestamp and SSRC are
 * the chunk's first bytes, so the assembler's reorder window, timestamp jumps, SSRC changes and
 * VP8 descriptors are hostile while the packets still reach it. Records get correct CRCs.
 * Checked: rec_finalize returns what its state says; a file is listed only if COMPLETE or
 * INCOMPLETE, with a duration >= 0 and the tracks it was given; no temporary file is left.
 *
 * Seeds (corpus/rec_finalize), written by a few lines of Python from this layout: VP8 key and
 * delta frames with an SR; Opus packets; both interleaved, the audio starting later. Built by
 * tests/fuzz/CMakeLists.txt (make fuzz; make test replays the corpus). */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gateway/rec_finalize.h"
#include "storage/rec_spool.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64], out[80];

static void clear(const char *d) {
  DIR *dp = opendir(d);
  if (!dp) return;
  struct dirent *e;
  char p[512];
  while ((e = readdir(dp))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    snprintf(p, sizeof p, "%s/%s", d, e->d_name);
    unlink(p);
  }
  closedir(dp);
}

typedef struct {
  int fd;
  uint64_t t;
  bool used;
} spool;

static void open_spool(spool *s, bool video, uint64_t user, int64_t start) {
  char p[128];
  snprintf(p, sizeof p, "%s/%llu-%s.moarec", dir, (unsigned long long)user, video ? "video" : "audio");
  s->fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (s->fd < 0) abort();
  rec_spool_header h = {.kind = video ? REC_KIND_VIDEO : REC_KIND_AUDIO,
                        .codec = video ? REC_CODEC_VP8 : REC_CODEC_OPUS,
                        .clock_rate = video ? 90000 : 48000,
                        .ssrc = 1,
                        .payload_type = video ? 96 : 111,
                        .room_id = 1,
                        .user_id = user,
                        .start_wall_us = 1796000000000000LL,
                        .start_mono_us = start};
  uint8_t b[REC_SPOOL_HEADER_LEN];
  if (rec_spool_header_encode(&h, b) != 0 || write(s->fd, b, sizeof b) != (ssize_t)sizeof b) abort();
  s->t = 0;
  s->used = true;
}

static void remove_dirs(void) {
  clear(out);
  rmdir(out);
  clear(dir);
  rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!dir[0]) {
    atexit(remove_dirs);
    snprintf(dir, sizeof dir, "/tmp/fuzz_rec_finalize.%d", (int)getpid());
    snprintf(out, sizeof out, "%s/out", dir);
    mkdir(dir, 0700);
  }
  clear(out);
  rmdir(out);
  clear(dir);
  if (size < 1) return 0;
  bool video = data[0] & 1, audio = data[0] & 2;
  if (!video && !audio) video = audio = true;
  spool sp[2] = {{.fd = -1}, {.fd = -1}};
  if (video) open_spool(&sp[0], true, 7, 1000000000);
  if (audio) open_spool(&sp[1], false, 7, (data[0] & 4) ? 1000500000 : 1000000000);
  static uint8_t rec[REC_SPOOL_RECORD_OVERHEAD + 300], pl[300];
  size_t i = 1;
  while (size - i >= 3) {
    uint8_t ctl = data[i], dt = data[i + 1], len = data[i + 2];
    i += 3;
    if (len > size - i) len = (uint8_t)(size - i);
    spool *s = &sp[ctl & 1];
    if (!s->used) s = &sp[!(ctl & 1)];
    s->t = dt == 255 ? s->t + (1ull << 40) : s->t + (uint64_t)dt * 1000;
    int type = (ctl >> 1) & 3;
    size_t n;
    if (type <= 1) {
      /* RTP: version 2, the spool's PT, then seq(2) ts(4) ssrc(4) from the chunk as far as it goes */
      memset(pl, 0, 12);
      pl[0] = 0x80;
      pl[1] = (uint8_t)(((ctl & 8) ? 0x80 : 0) | (s == &sp[0] ? 96 : 111));
      size_t k = len < 10 ? len : 10;
      memcpy(pl + 2, data + i, k);
      memcpy(pl + 12, data + i + k, len - k);
      n = rec_spool_record_encode(rec, REC_RTP, s->t, pl, 12 + len - k);
    } else {
      n = rec_spool_record_encode(rec, type == 2 ? REC_SR : REC_MARKER, s->t, data + i, len);
    }
    i += len;
    if (n && write(s->fd, rec, n) != (ssize_t)n) abort();
  }
  for (int k = 0; k < 2; k++)
    if (sp[k].fd >= 0) close(sp[k].fd);

  static rec_fin_result res;
  rec_fin_options opt = {.composite = false};
  int rc = rec_finalize(dir, out, &opt, &res);
  if ((rc == 0) != (res.state != REC_FIN_FAILED)) abort();
  if (res.state == REC_FIN_FAILED && res.n_files != 0) abort();
  if (res.state != REC_FIN_COMPLETE && !res.error[0]) abort();
  for (int k = 0; k < res.n_files; k++) {
    const rec_fin_file *f = &res.files[k];
    if (f->duration_ms < 0 || f->user_id != 7 || (f->has_video && !video) || (f->has_audio && !audio))
      abort();
  }
  DIR *dp = opendir(out);
  if (dp) {
    struct dirent *e;
    while ((e = readdir(dp)))
      if (e->d_name[0] == '.' && strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) abort(); /* a temporary */
    closedir(dp);
  }
  return 0;
}
