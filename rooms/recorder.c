/* recorder: the media worker's side of recording (issue 17, docs/RECORDING.md). A recording
 * (MC_RECORD_START) covers one room on this worker: every producer of the room, present and
 * added later, gets a rec_track, one more consumer of the producer that copies what it
 * receives into the worker's recording queue instead of sending it (rooms/rec_writer.h: a
 * writer thread owns the spool files). Video starts at a key frame, asked of the publisher when
 * the track attaches; of a simulcast producer the recorder takes the highest encoding that
 * carries media, and moves to another one (a lower one when the top stops, back up when it
 * returns) at that encoding's key frame, writing a "layer <rid>" marker and the encoding's last
 * sender report before it. Sender reports of the recorded encoding are written as they come.
 *
 * Everything here runs on the worker thread and costs the packet path one copy into the queue:
 * no lock, no system call, no disk. A full queue drops the record (counted, the recording
 * degraded, a key frame asked so the video recovers); the recording's end (MC_RECORD_STOP, the
 * room's router released, the worker stopping) detaches its tracks and queues the message that
 * makes the writer close its spools and post ME_RECORD_STOPPED, retried every tick until the
 * queue takes it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "rooms/rec_writer.h"
#include "rooms/sfu_int.h"

#define ACTIVE_MS 1000 /* an encoding with no packet for this long carries no media */
#define SHUTDOWN_WAIT_MS 10000

struct recording {
  uint64_t id, meeting_id;
  uint32_t room_id;
  char dir[256];
  int64_t start_mono_us, start_wall_us;
  uint64_t drops;   /* records the full queue refused */
  bool drops_noted; /* the writer was told (it posts ME_RECORD_DEGRADED) */
  bool ending;      /* stopped: its end is not queued yet */
  rec_track *tracks;
  recording *next;
};

struct rec_track {
  uint32_t id; /* the writer's name for it */
  recording *rec;
  producer *p;
  bool opened;     /* its spool's open is queued */
  int8_t cur;      /* the encoding recorded (-1: none yet, video waits for a key frame) */
  int8_t target;   /* simulcast: the encoding wanted (-1: not chosen yet) */
  bool need_key;   /* records were dropped: a key frame lets the video recover */
  rec_track *next; /* in rec->tracks */
};

static void post_stopped(sfu *s, uint64_t id, uint32_t room_id, int error) {
  media_event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = ME_RECORD_STOPPED;
  ev.worker = s->index;
  ev.room_id = room_id;
  ev.record.recording_id = id;
  ev.record.degraded = true;
  ev.record.error = error;
  if (s->events && mailbox_post(s->events, &ev) != 0) log_warn("media: event mailbox full, event dropped");
}

static recording *find(sfu *s, uint64_t id) {
  for (recording *r = s->recordings; r; r = r->next)
    if (r->id == id) return r;
  return NULL;
}

static recording *find_room(sfu *s, uint32_t room_id) {
  for (recording *r = s->recordings; r; r = r->next)
    if (r->room_id == room_id && !r->ending) return r;
  return NULL;
}

/* Absolute, NUL-terminated, no "." or ".." component, and room for a spool's name after it. */
static bool dir_ok(const char *dir, size_t cap) {
  size_t n = strnlen(dir, cap);
  if (n == 0 || n == cap || n + 1 + REC_NAME_MAX > 255 || dir[0] != '/') return false;
  for (const char *c = dir; *c; c++) {
    if (*c != '/') continue;
    const char *next = c + 1;
    size_t len = strcspn(next, "/");
    if ((len == 1 && next[0] == '.') || (len == 2 && next[0] == '.' && next[1] == '.')) return false;
  }
  return true;
}

static void note_drop(sfu *s, rec_track *t) {
  recording *r = t->rec;
  r->drops++;
  atomic_fetch_add_explicit(&s->counters->rec.dropped, 1, memory_order_relaxed);
  if (t->p->kind == MEDIA_VIDEO) t->need_key = true;
  if (!r->drops_noted && rec_writer_drops(s->rec_writer, r->id, r->drops) == 0) r->drops_noted = true;
}

static void append(sfu *s, rec_track *t, rec_record_type type, const void *data, size_t len) {
  int64_t at = sfu_now_us(s) - t->rec->start_mono_us;
  if (rec_writer_append(s->rec_writer, t->id, type, at > 0 ? (uint64_t)at : 0, data, len) != 0)
    note_drop(s, t);
}

/* Queues the spool's open (its header names the SSRC of the first packet). */
static bool open_track(sfu *s, rec_track *t, uint32_t ssrc) {
  producer *p = t->p;
  recording *r = t->rec;
  rec_spool_header h = {.kind = p->kind == MEDIA_VIDEO ? REC_KIND_VIDEO : REC_KIND_AUDIO,
                        .codec = p->codec == MEDIA_CODEC_VP8 ? REC_CODEC_VP8 : REC_CODEC_OPUS,
                        .clock_rate = p->clock,
                        .ssrc = ssrc,
                        .payload_type = p->pt,
                        .room_id = r->room_id,
                        .meeting_id = r->meeting_id,
                        .user_id = p->user_id,
                        .start_wall_us = r->start_wall_us,
                        .start_mono_us = r->start_mono_us};
  char name[REC_NAME_MAX];
  snprintf(name, sizeof name, "%llu-%s-%u.moarec", (unsigned long long)p->user_id,
           p->kind == MEDIA_VIDEO ? "video" : "audio", p->id);
  if (rec_writer_open(s->rec_writer, t->id, r->id, name, &h) != 0) return false;
  t->opened = true;
  return true;
}

/* The sender report last received on encoding e, if it came during the recording. */
static void append_sr(sfu *s, rec_track *t, int e) {
  const producer_enc *pe = &t->p->enc[e];
  if (!pe->sr_arrival_us || pe->sr_arrival_us < t->rec->start_mono_us) return;
  uint8_t sr[REC_SPOOL_SR_LEN];
  rec_spool_sr_encode(sr, pe->sr_ntp, pe->sr_rtp_ts);
  int64_t at = pe->sr_arrival_us - t->rec->start_mono_us;
  if (rec_writer_append(s->rec_writer, t->id, REC_SR, (uint64_t)at, sr, sizeof sr) != 0) note_drop(s, t);
}

void recorder_on_rtp(sfu *s, producer *p, int enc, const rtp_packet *rp, bool key) {
  rec_track *t = p->rec;
  if (enc != t->cur) {
    /* Video moves to another encoding only at its key frame: the first one at the start, then
     * the one the tick chose. */
    if (!key || (t->cur >= 0 && enc != t->target)) return;
    if (!t->opened && !open_track(s, t, rp->ssrc)) {
      note_drop(s, t);
      return;
    }
    if (p->simulcast) {
      char marker[8 + MEDIA_RID_MAX];
      int n = snprintf(marker, sizeof marker, "layer %s", p->enc[enc].rid);
      append(s, t, REC_MARKER, marker, (size_t)n);
      append_sr(s, t, enc);
    }
    t->cur = (int8_t)enc;
  }
  if (!t->opened && !open_track(s, t, rp->ssrc)) {
    note_drop(s, t);
    return;
  }
  if (key) t->need_key = false;
  append(s, t, REC_RTP, rp->data, rp->len);
}

void recorder_on_sr(sfu *s, producer *p, int enc) {
  rec_track *t = p->rec;
  if (t->opened && enc == t->cur) append_sr(s, t, enc);
}

static void attach(sfu *s, recording *r, producer *p) {
  if (p->rec) return;
  if (p->codec != MEDIA_CODEC_VP8 && p->codec != MEDIA_CODEC_OPUS) {
    log_info("media: recording %llu: producer %u not recorded (only VP8 and Opus are)",
             (unsigned long long)r->id, p->id);
    return;
  }
  rec_track *t = calloc(1, sizeof *t);
  if (!t) {
    log_warn("media: recording %llu: no memory for producer %u", (unsigned long long)r->id, p->id);
    return;
  }
  if (++s->next_rec_track == 0) s->next_rec_track = 1;
  t->id = s->next_rec_track;
  t->rec = r;
  t->p = p;
  t->cur = p->kind == MEDIA_AUDIO ? 0 : -1;
  t->target = -1;
  t->next = r->tracks;
  r->tracks = t;
  p->rec = t;
  producer_request_keyframe(s, p, -1, true);
}

/* Detaches t from its producer; close: its spool is closed now (else the recording's end does). */
static void detach(sfu *s, rec_track *t, bool close) {
  for (rec_track **pp = &t->rec->tracks; *pp; pp = &(*pp)->next)
    if (*pp == t) {
      *pp = t->next;
      break;
    }
  t->p->rec = NULL;
  /* A close the queue refuses is done by the recording's end. */
  if (close && t->opened) (void)rec_writer_close(s->rec_writer, t->id);
  free(t);
}

static void unlink_rec(sfu *s, recording *r) {
  for (recording **pp = &s->recordings; *pp; pp = &(*pp)->next)
    if (*pp == r) {
      *pp = r->next;
      break;
    }
  free(r);
}

/* Queues the end of r (already detached); false while the queue refuses it. */
static bool queue_end(sfu *s, recording *r) {
  if (rec_writer_end(s->rec_writer, r->id, r->drops) != 0) return false;
  unlink_rec(s, r);
  return true;
}

static void stop(sfu *s, recording *r) {
  while (r->tracks) detach(s, r->tracks, false);
  r->ending = true;
  queue_end(s, r);
}

static void start(sfu *s, const media_cmd *cmd) {
  uint64_t id = cmd->u.record.recording_id;
  if (find(s, id)) {
    log_warn("media: recording %llu started twice", (unsigned long long)id);
    return;
  }
  if (!id || !dir_ok(cmd->u.record.dir, sizeof cmd->u.record.dir)) {
    post_stopped(s, id, cmd->room_id, -EINVAL);
    return;
  }
  if (find_room(s, cmd->room_id)) {
    post_stopped(s, id, cmd->room_id, -EBUSY);
    return;
  }
  if (!s->rec_writer &&
      !(s->rec_writer = rec_writer_start(s->index, s->rec_queue_bytes, s->events, &s->counters->rec))) {
    post_stopped(s, id, cmd->room_id, -ENOMEM);
    return;
  }
  recording *r = calloc(1, sizeof *r);
  if (!r) {
    post_stopped(s, id, cmd->room_id, -ENOMEM);
    return;
  }
  if (rec_writer_begin(s->rec_writer, id, cmd->room_id, cmd->u.record.dir) != 0) {
    free(r);
    post_stopped(s, id, cmd->room_id, -ENOBUFS);
    return;
  }
  atomic_fetch_add_explicit(&s->counters->rec.active, 1, memory_order_relaxed);
  r->id = id;
  r->room_id = cmd->room_id;
  r->meeting_id = cmd->u.record.meeting_id;
  snprintf(r->dir, sizeof r->dir, "%s", cmd->u.record.dir);
  struct timespec wall;
  clock_gettime(CLOCK_REALTIME, &wall);
  r->start_wall_us = (int64_t)wall.tv_sec * 1000000 + wall.tv_nsec / 1000;
  r->start_mono_us = sfu_now_us(s);
  r->next = s->recordings;
  s->recordings = r;
  router *rt = router_get(s, cmd->room_id, false);
  if (rt)
    for (transport *t = rt->transports; t; t = t->next_in_router)
      for (producer *p = t->producers; p; p = p->next) attach(s, r, p);
  log_info("media: recording %llu of room %u started", (unsigned long long)id, cmd->room_id);
}

void recorder_handle_cmd(sfu *s, const media_cmd *cmd) {
  if (cmd->type == MC_RECORD_START) {
    start(s, cmd);
  } else if (cmd->type == MC_RECORD_STOP) {
    recording *r = find(s, cmd->u.record.recording_id);
    if (r && !r->ending) stop(s, r);
  }
}

void recorder_producer_added(sfu *s, producer *p) {
  recording *r = find_room(s, p->owner->router->room_id);
  if (r) attach(s, r, p);
}

void recorder_producer_removed(sfu *s, producer *p) {
  if (p->rec) detach(s, p->rec, true);
}

void recorder_room_released(sfu *s, uint32_t room_id) {
  recording *r = find_room(s, room_id);
  if (r) stop(s, r);
}

/* Simulcast: the highest encoding that carries media (-1: none). */
static int best_encoding(sfu *s, const producer *p) {
  int best = -1;
  for (int e = 0; e < p->n_enc; e++)
    if (p->enc[e].ssrc && p->enc[e].last_packet_ms && s->now_ms - p->enc[e].last_packet_ms < ACTIVE_MS)
      best = e;
  return best;
}

void recorder_tick(sfu *s) {
  for (recording *r = s->recordings, *rn; r; r = rn) {
    rn = r->next;
    if (r->ending) {
      queue_end(s, r);
      continue;
    }
    if (r->drops && !r->drops_noted && rec_writer_drops(s->rec_writer, r->id, r->drops) == 0)
      r->drops_noted = true;
    for (rec_track *t = r->tracks; t; t = t->next) {
      producer *p = t->p;
      if (p->kind != MEDIA_VIDEO) continue;
      if (p->simulcast) {
        int best = best_encoding(s, p);
        if (best >= 0) t->target = (int8_t)best;
        /* throttled by the producer: one key frame request a second */
        if (t->target >= 0 && t->target != t->cur) producer_request_keyframe(s, p, t->target, false);
      } else if (t->cur < 0) {
        producer_request_keyframe(s, p, -1, false);
      }
      if (t->need_key && t->cur >= 0) producer_request_keyframe(s, p, p->simulcast ? t->cur : -1, false);
    }
  }
}

void recorder_shutdown(sfu *s) {
  for (recording *r = s->recordings; r; r = r->next)
    if (!r->ending) {
      while (r->tracks) detach(s, r->tracks, false);
      r->ending = true;
    }
  /* The worker is stopping: no media waits, so the ends may wait for room in the queue. */
  for (int waited = 0; s->recordings && waited < SHUTDOWN_WAIT_MS; waited++) {
    for (recording *r = s->recordings, *rn; r; r = rn) {
      rn = r->next;
      queue_end(s, r);
    }
    if (s->recordings) usleep(1000);
  }
  /* Ends the queue never took are ended by the writer as it stops (without the drops). */
  while (s->recordings) unlink_rec(s, s->recordings);
  rec_writer_stop(s->rec_writer);
  s->rec_writer = NULL;
}
