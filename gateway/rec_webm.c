/* A participant's WebM through libavformat (see rec_webm.h). */
#include "gateway/rec_webm.h"

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
#include <libavutil/mem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define REC_WEBM_MIN_GAP_MS 4 /* video frames at most 250 per second: see rec_webm_open */

struct rec_webm {
  AVFormatContext *oc;
  AVPacket *pkt;
  int vindex, aindex; /* stream indexes, -1 if absent */
  bool header_written;
  int64_t last_ts[2]; /* per stream (0 video, 1 audio): the last timestamp written, -1 none */
  char path[1024], tmp[1040];
};

void rec_webm_quiet(void) { av_log_set_level(AV_LOG_QUIET); }

void rec_webm_opus_head(uint8_t out[REC_OPUS_HEAD_LEN], int channels) {
  memcpy(out, "OpusHead", 8);
  out[8] = 1;                 /* version */
  out[9] = (uint8_t)channels; /* channel count */
  out[10] = out[11] = 0;      /* pre-skip: WebRTC does not signal it; 0 keeps the timing exact */
  out[12] = 0x80;             /* 48000, little-endian */
  out[13] = 0xBB;
  out[14] = out[15] = 0;
  out[16] = out[17] = 0; /* output gain */
  out[18] = 0;           /* mapping family 0: mono or stereo */
}

static void set_av_err(char *err, size_t errlen, const char *what, int rc) {
  char buf[AV_ERROR_MAX_STRING_SIZE];
  av_strerror(rc, buf, sizeof buf);
  snprintf(err, errlen, "%s: %s", what, buf);
}

static void free_writer(rec_webm *w) {
  if (!w) return;
  if (w->oc) {
    if (w->oc->pb) avio_closep(&w->oc->pb);
    avformat_free_context(w->oc);
  }
  av_packet_free(&w->pkt);
  free(w);
}

rec_webm *rec_webm_open(const char *path, bool video, uint16_t width, uint16_t height, bool audio, char *err,
                        size_t errlen) {
  if (!video && !audio) {
    snprintf(err, errlen, "no track to write");
    return NULL;
  }
  rec_webm *w = calloc(1, sizeof *w);
  if (!w) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  w->vindex = w->aindex = -1;
  w->last_ts[0] = w->last_ts[1] = -1;
  snprintf(w->path, sizeof w->path, "%s", path);
  const char *slash = strrchr(path, '/');
  snprintf(w->tmp, sizeof w->tmp, "%.*s.%s.partial", slash ? (int)(slash - path + 1) : 0, path,
           slash ? slash + 1 : path);
  int rc = avformat_alloc_output_context2(&w->oc, NULL, "webm", w->tmp);
  w->pkt = av_packet_alloc();
  if (rc < 0 || !w->oc || !w->pkt) {
    set_av_err(err, errlen, "libavformat webm muxer", rc < 0 ? rc : AVERROR(ENOMEM));
    free_writer(w);
    return NULL;
  }
  if (video) {
    AVStream *st = avformat_new_stream(w->oc, NULL);
    if (!st) goto nomem;
    st->time_base = (AVRational){1, 1000};
    st->codecpar->codec_type = AVMEDIA_TYPE_VIDEO;
    st->codecpar->codec_id = AV_CODEC_ID_VP8;
    st->codecpar->width = width;
    st->codecpar->height = height;
    /* The frame rate a reader should assume at most (written as the track's DefaultDuration,
     * 4 ms): a recording's video is variable-rate (what the browser encoded, bursts after a
     * stall), and a reader that guesses it from the first frames (ffmpeg takes 20 fps when a
     * browser starts slow) puts later frames 33 ms apart into its 50 ms ticks, two in one tick,
     * and reports "non monotonically increasing dts". Frames are kept at least REC_WEBM_MIN_GAP_MS
     * apart (rec_webm_write), so each falls in a tick of its own. */
    st->avg_frame_rate = (AVRational){1000 / REC_WEBM_MIN_GAP_MS, 1};
    w->vindex = st->index;
  }
  if (audio) {
    AVStream *st = avformat_new_stream(w->oc, NULL);
    if (!st) goto nomem;
    st->time_base = (AVRational){1, 1000};
    st->codecpar->codec_type = AVMEDIA_TYPE_AUDIO;
    st->codecpar->codec_id = AV_CODEC_ID_OPUS;
    st->codecpar->sample_rate = 48000;
    av_channel_layout_default(&st->codecpar->ch_layout, 2);
    st->codecpar->extradata = av_mallocz(REC_OPUS_HEAD_LEN + AV_INPUT_BUFFER_PADDING_SIZE);
    if (!st->codecpar->extradata) goto nomem;
    rec_webm_opus_head(st->codecpar->extradata, 2);
    st->codecpar->extradata_size = REC_OPUS_HEAD_LEN;
    w->aindex = st->index;
  }
  rc = avio_open(&w->oc->pb, w->tmp, AVIO_FLAG_WRITE);
  if (rc < 0) {
    char what[1100];
    snprintf(what, sizeof what, "cannot create %s", w->tmp);
    set_av_err(err, errlen, what, rc);
    free_writer(w);
    return NULL;
  }
  rc = avformat_write_header(w->oc, NULL);
  if (rc < 0) {
    set_av_err(err, errlen, "writing the WebM header", rc);
    rec_webm_finish(w, false, NULL, 0);
    return NULL;
  }
  w->header_written = true;
  return w;
nomem:
  snprintf(err, errlen, "out of memory");
  free_writer(w);
  return NULL;
}

int rec_webm_write(rec_webm *w, bool video, int64_t pts_ms, int64_t dur_ms, bool key, const uint8_t *data,
                   size_t len, char *err, size_t errlen) {
  int index = video ? w->vindex : w->aindex;
  if (index < 0 || len == 0 || len > INT32_MAX) return 0;
  AVPacket *p = w->pkt;
  av_packet_unref(p);
  p->data = (uint8_t *)data; /* not reference-counted: the muxer copies what it keeps */
  p->size = (int)len;
  p->stream_index = index;
  /* WebM keeps milliseconds: two frames less than 1 ms apart on the recording's clock (a burst
   * after a stall, a layer switch) would share a timestamp, which a player's demuxer reports as
   * "non monotonically increasing dts". A video frame comes at least REC_WEBM_MIN_GAP_MS after
   * the one before (see rec_webm_open), an audio frame at least 1 ms. */
  int64_t ts = av_rescale_q(pts_ms, (AVRational){1, 1000}, w->oc->streams[index]->time_base);
  int64_t *last = &w->last_ts[video ? 0 : 1];
  int64_t gap =
      video ? av_rescale_q(REC_WEBM_MIN_GAP_MS, (AVRational){1, 1000}, w->oc->streams[index]->time_base) : 1;
  if (*last >= 0 && ts < *last + gap) ts = *last + gap;
  *last = ts;
  p->pts = p->dts = ts;
  p->duration = av_rescale_q(dur_ms, (AVRational){1, 1000}, w->oc->streams[index]->time_base);
  p->flags = (key || !video) ? AV_PKT_FLAG_KEY : 0;
  int rc = av_interleaved_write_frame(w->oc, p);
  if (rc < 0) {
    set_av_err(err, errlen, "writing a frame", rc);
    return -1;
  }
  return 0;
}

int rec_webm_finish(rec_webm *w, bool keep, char *err, size_t errlen) {
  int ret = 0;
  if (keep) {
    int rc = av_write_trailer(w->oc);
    if (rc < 0) set_av_err(err, errlen, "writing the WebM trailer", rc);
    if (rc >= 0 && w->oc->pb) {
      avio_flush(w->oc->pb);
      rc = w->oc->pb->error;
      if (rc < 0) set_av_err(err, errlen, "writing the file", rc);
    }
    if (rc >= 0) {
      rc = avio_closep(&w->oc->pb);
      if (rc < 0) set_av_err(err, errlen, "closing the file", rc);
    }
    if (rc >= 0 && rename(w->tmp, w->path) != 0) {
      snprintf(err, errlen, "renaming %s: %m", w->tmp);
      rc = -1;
    }
    if (rc < 0) {
      unlink(w->tmp);
      ret = -1;
    }
  } else {
    unlink(w->tmp);
  }
  free_writer(w);
  return ret;
}

int rec_webm_probe(const char *path, int64_t *duration_ms, bool *has_video, bool *has_audio, char *err,
                   size_t errlen) {
  AVFormatContext *ic = NULL;
  int rc = avformat_open_input(&ic, path, NULL, NULL);
  if (rc < 0) {
    set_av_err(err, errlen, "cannot read the file back", rc);
    return -1;
  }
  *has_video = *has_audio = false;
  for (unsigned i = 0; i < ic->nb_streams; i++) {
    enum AVMediaType t = ic->streams[i]->codecpar->codec_type;
    if (t == AVMEDIA_TYPE_VIDEO) *has_video = true;
    if (t == AVMEDIA_TYPE_AUDIO) *has_audio = true;
  }
  *duration_ms = ic->duration > 0 ? av_rescale(ic->duration, 1000, AV_TIME_BASE) : 0;
  avformat_close_input(&ic);
  return 0;
}
