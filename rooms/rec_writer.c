/* rec_writer (see rec_writer.h): the writer thread of one media worker's recordings.
 *
 * The thread sleeps on an eventfd the worker signals after a control message; while a spool is
 * open it also wakes every 10 ms to take the packets (which wake nobody: a system call per
 * packet would cost the worker more than the copy), and every 250 ms it flushes each spool, so
 * a crash loses at most that much. It is the only thread that touches the disk for recordings:
 * mkdir, open, pwrite, ftruncate, close. Errors are counted and reported as media events, never
 * logged per packet. */
#include "rooms/rec_writer.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "rooms/media_cmd.h"
#include "rooms/rec_queue.h"

/* How long the writer sleeps between drains when the worker does not wake it: 10 ms made 100
 * wake-ups a second, 2-3 ms CPU/s with 10 tracks (docs/BENCHMARKS.md, issue 17). 100 ms of 10
 * tracks of 2 Mbit/s is 250 KB, a thirtieth of the queue; the 250 ms flush stays on time. */
#define POLL_MS 100
#define EVENT_RETRY_MS 5000 /* how long an event waits for room in a full events mailbox */

/* Queue entry kinds: the rec_record_type values (1..3) are records of a track; these control. */
enum { Q_BEGIN = 16, Q_OPEN, Q_CLOSE, Q_DROPS, Q_END };

typedef struct {
  uint64_t recording_id;
  uint32_t room_id;
  char dir[256];
} q_begin;

typedef struct {
  uint64_t recording_id;
  char name[REC_NAME_MAX];
  rec_spool_header h;
} q_open;

typedef struct {
  uint64_t recording_id;
  uint64_t n;
} q_count; /* Q_DROPS and Q_END */

typedef struct wrec {
  uint64_t id;
  uint32_t room_id;
  char dir[256];
  int dir_error; /* -errno of creating dir, 0 if it exists */
  uint32_t tracks;
  uint64_t packets, dropped;
  bool degraded, degraded_posted;
  int error;
  struct wrec *next;
} wrec;

typedef struct wtrack {
  uint32_t id;
  wrec *rec;
  bool open; /* false: its spool could not be created; its records are counted as dropped */
  rec_spool_writer sw;
  uint8_t *buf;
  uint64_t pub_records, pub_bytes, pub_dropped; /* what the counters were given */
  struct wtrack *next;
} wtrack;

struct rec_writer {
  uint8_t worker;
  rec_queue *q;
  int efd;
  mailbox *events;
  rec_counters *counters;
  pthread_t thread;
  atomic_bool stop;
  /* the thread's own */
  wrec *recs;
  wtrack *tracks, *last; /* last: the track of the previous record (packets come in runs) */
  size_t open_tracks;
};

/* ---- worker side ---- */

static void wake(rec_writer *w) {
  uint64_t one = 1;
  ssize_t n = write(w->efd, &one, sizeof one);
  (void)n;
}

static int control(rec_writer *w, uint16_t kind, uint32_t id, const void *data, size_t len) {
  if (rec_queue_push(w->q, kind, id, 0, data, len, true) != 0) return -1;
  wake(w);
  return 0;
}

int rec_writer_begin(rec_writer *w, uint64_t recording_id, uint32_t room_id, const char *dir) {
  q_begin b;
  memset(&b, 0, sizeof b);
  b.recording_id = recording_id;
  b.room_id = room_id;
  snprintf(b.dir, sizeof b.dir, "%s", dir);
  return control(w, Q_BEGIN, 0, &b, sizeof b);
}

int rec_writer_open(rec_writer *w, uint32_t track, uint64_t recording_id, const char *name,
                    const rec_spool_header *h) {
  q_open o;
  memset(&o, 0, sizeof o);
  o.recording_id = recording_id;
  snprintf(o.name, sizeof o.name, "%s", name);
  o.h = *h;
  return control(w, Q_OPEN, track, &o, sizeof o);
}

int rec_writer_append(rec_writer *w, uint32_t track, rec_record_type type, uint64_t time_us, const void *data,
                      size_t len) {
  return rec_queue_push(w->q, (uint16_t)type, track, time_us, data, len, false);
}

int rec_writer_close(rec_writer *w, uint32_t track) { return control(w, Q_CLOSE, track, NULL, 0); }

int rec_writer_drops(rec_writer *w, uint64_t recording_id, uint64_t n) {
  q_count c = {recording_id, n};
  return control(w, Q_DROPS, 0, &c, sizeof c);
}

int rec_writer_end(rec_writer *w, uint64_t recording_id, uint64_t drops) {
  q_count c = {recording_id, drops};
  return control(w, Q_END, 0, &c, sizeof c);
}

/* ---- writer thread ---- */

static void post(rec_writer *w, media_event_type type, const wrec *r) {
  media_event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = type;
  ev.worker = w->worker;
  ev.room_id = r->room_id;
  ev.record.recording_id = r->id;
  ev.record.tracks = r->tracks;
  ev.record.packets = r->packets;
  ev.record.dropped = r->dropped;
  ev.record.degraded = r->degraded;
  ev.record.error = r->error;
  if (!w->events) return; /* a worker with no listener (benchmarks) */
  /* This thread may wait (the media never does): a recording's events must not be lost. */
  for (int waited = 0; mailbox_post(w->events, &ev) != 0; waited++) {
    if (waited >= EVENT_RETRY_MS) {
      log_error("recording %llu: events mailbox full, event %d lost", (unsigned long long)r->id, (int)type);
      return;
    }
    usleep(1000);
  }
}

static void degrade(rec_writer *w, wrec *r, int error) {
  r->degraded = true;
  if (error) r->error = error;
  if (!r->degraded_posted) {
    r->degraded_posted = true;
    post(w, ME_RECORD_DEGRADED, r);
  }
}

static wrec *rec_find(rec_writer *w, uint64_t id) {
  for (wrec *r = w->recs; r; r = r->next)
    if (r->id == id) return r;
  return NULL;
}

static wtrack *track_find(rec_writer *w, uint32_t id) {
  if (w->last && w->last->id == id) return w->last;
  for (wtrack *t = w->tracks; t; t = t->next)
    if (t->id == id) return w->last = t;
  return NULL;
}

/* mkdir -p: every missing component of an absolute path, mode 0750. 0 or -errno. */
static int make_dirs(const char *dir) {
  char p[256];
  snprintf(p, sizeof p, "%s", dir);
  for (char *s = p + 1;; s++) {
    if (*s != '/' && *s) continue;
    char c = *s;
    *s = 0;
    if (mkdir(p, 0750) != 0 && errno != EEXIST) return -errno;
    *s = c;
    if (!c) break;
  }
  struct stat st;
  if (stat(p, &st) != 0) return -errno;
  return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

/* Gives the counters what the track wrote since the last call (after a flush: whole records). */
static void publish(rec_writer *w, wtrack *t) {
  if (!t->open) return;
  if (t->sw.records > t->pub_records) {
    atomic_fetch_add_explicit(&w->counters->packets, t->sw.records - t->pub_records, memory_order_relaxed);
    t->pub_records = t->sw.records;
  }
  if (t->sw.committed > t->pub_bytes) {
    atomic_fetch_add_explicit(&w->counters->bytes, t->sw.committed - t->pub_bytes, memory_order_relaxed);
    t->pub_bytes = t->sw.committed;
  }
  if (t->sw.dropped > t->pub_dropped) {
    atomic_fetch_add_explicit(&w->counters->dropped, t->sw.dropped - t->pub_dropped, memory_order_relaxed);
    t->pub_dropped = t->sw.dropped;
  }
}

static void lost(rec_writer *w, wrec *r, uint64_t n, int error) {
  r->dropped += n;
  atomic_fetch_add_explicit(&w->counters->dropped, n, memory_order_relaxed);
  degrade(w, r, error);
}

static void track_flush(rec_writer *w, wtrack *t) {
  if (!t->open) return;
  int rc = rec_spool_flush(&t->sw);
  if (rc != 0) degrade(w, t->rec, rc);
  publish(w, t);
}

static void track_close(rec_writer *w, wtrack *t) {
  for (wtrack **pp = &w->tracks; *pp; pp = &(*pp)->next)
    if (*pp == t) {
      *pp = t->next;
      break;
    }
  if (w->last == t) w->last = NULL;
  if (t->open) {
    int rc = rec_spool_writer_close(&t->sw);
    if (rc != 0) degrade(w, t->rec, rc);
    publish(w, t);
    t->rec->packets += t->sw.records;
    t->rec->dropped += t->sw.dropped;
    w->open_tracks--;
  }
  free(t->buf);
  free(t);
}

static void rec_end(rec_writer *w, wrec *r, uint64_t worker_drops) {
  for (wtrack *t = w->tracks, *tn; t; t = tn) {
    tn = t->next;
    if (t->rec == r) track_close(w, t);
  }
  if (worker_drops) {
    r->dropped += worker_drops; /* the counters had them from the worker */
    degrade(w, r, 0);
  }
  post(w, ME_RECORD_STOPPED, r);
  atomic_fetch_sub_explicit(&w->counters->active, 1, memory_order_relaxed);
  for (wrec **pp = &w->recs; *pp; pp = &(*pp)->next)
    if (*pp == r) {
      *pp = r->next;
      break;
    }
  free(r);
}

static void on_begin(rec_writer *w, const rec_queue_entry *e) {
  q_begin b;
  if (e->len != sizeof b) return;
  memcpy(&b, e->data, sizeof b);
  b.dir[sizeof b.dir - 1] = 0;
  wrec *r = calloc(1, sizeof *r);
  if (!r) { /* nothing can be recorded: still reported, once */
    wrec gone = {.id = b.recording_id, .room_id = b.room_id, .degraded = true, .error = -ENOMEM};
    post(w, ME_RECORD_DEGRADED, &gone);
    post(w, ME_RECORD_STOPPED, &gone);
    atomic_fetch_sub_explicit(&w->counters->active, 1, memory_order_relaxed);
    return;
  }
  r->id = b.recording_id;
  r->room_id = b.room_id;
  memcpy(r->dir, b.dir, sizeof r->dir);
  r->next = w->recs;
  w->recs = r;
  r->dir_error = make_dirs(r->dir);
  if (r->dir_error) degrade(w, r, r->dir_error);
}

static void on_open(rec_writer *w, const rec_queue_entry *e) {
  q_open o;
  if (e->len != sizeof o) return;
  memcpy(&o, e->data, sizeof o);
  o.name[sizeof o.name - 1] = 0;
  wrec *r = rec_find(w, o.recording_id);
  if (!r || track_find(w, e->id)) return; /* the worker never does this */
  wtrack *t = calloc(1, sizeof *t);
  if (!t) {
    degrade(w, r, -ENOMEM);
    return;
  }
  t->id = e->id;
  t->rec = r;
  t->next = w->tracks;
  w->tracks = t;
  int rc = r->dir_error;
  if (!rc) rc = (t->buf = malloc(REC_SPOOL_MIN_BUF)) ? 0 : -ENOMEM;
  if (!rc) {
    char path[256 + 1 + REC_NAME_MAX];
    snprintf(path, sizeof path, "%s/%s", r->dir, o.name);
    rc = rec_spool_writer_open(&t->sw, path, &o.h, t->buf, REC_SPOOL_MIN_BUF);
  }
  if (rc) {
    free(t->buf);
    t->buf = NULL;
    degrade(w, r, rc);
    return;
  }
  t->open = true;
  t->pub_bytes = 0;
  w->open_tracks++;
  r->tracks++;
}

static void on_record(rec_writer *w, const rec_queue_entry *e) {
  wtrack *t = track_find(w, e->id);
  if (!t) return;
  if (!t->open) {
    lost(w, t->rec, 1, 0);
    return;
  }
  int rc = rec_spool_append(&t->sw, (rec_record_type)e->kind, e->time_us, e->data, e->len);
  if (rc != 0) degrade(w, t->rec, rc);
}

static void handle(rec_writer *w, const rec_queue_entry *e) {
  q_count c;
  switch (e->kind) {
    case REC_RTP:
    case REC_SR:
    case REC_MARKER:
      on_record(w, e);
      break;
    case Q_BEGIN:
      on_begin(w, e);
      break;
    case Q_OPEN:
      on_open(w, e);
      break;
    case Q_CLOSE: {
      wtrack *t = track_find(w, e->id);
      if (t) track_close(w, t);
      break;
    }
    case Q_DROPS:
    case Q_END: {
      if (e->len != sizeof c) break;
      memcpy(&c, e->data, sizeof c);
      wrec *r = rec_find(w, c.recording_id);
      if (!r) break;
      if (e->kind == Q_END)
        rec_end(w, r, c.n);
      else if (c.n)
        degrade(w, r, 0);
      break;
    }
  }
}

static void *writer_main(void *arg) {
  rec_writer *w = arg;
  int64_t last_flush = (int64_t)mono_ms();
  for (;;) {
    rec_queue_entry e;
    while (rec_queue_peek(w->q, &e)) {
      handle(w, &e);
      rec_queue_pop(w->q);
    }
    int64_t now = (int64_t)mono_ms();
    if (now - last_flush >= REC_WRITER_FLUSH_MS) {
      for (wtrack *t = w->tracks; t; t = t->next) track_flush(w, t);
      last_flush = now;
    }
    /* Stop only once the worker queues nothing more and all it queued is written. */
    if (atomic_load(&w->stop) && !rec_queue_peek(w->q, &e)) break;
    struct pollfd pfd = {.fd = w->efd, .events = POLLIN};
    if (poll(&pfd, 1, w->recs || w->tracks ? POLL_MS : -1) > 0) {
      uint64_t v;
      ssize_t n = read(w->efd, &v, sizeof v);
      (void)n;
    }
  }
  while (w->recs) rec_end(w, w->recs, 0);
  while (w->tracks) track_close(w, w->tracks); /* of no recording: the worker never leaves one */
  return NULL;
}

rec_writer *rec_writer_start(uint8_t worker, size_t queue_bytes, mailbox *events, rec_counters *counters) {
  rec_writer *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  if (!queue_bytes) queue_bytes = REC_WRITER_QUEUE_DEFAULT;
  w->worker = worker;
  w->events = events;
  w->counters = counters;
  w->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  w->q = rec_queue_new(queue_bytes, queue_bytes / 4);
  if (w->efd < 0 || !w->q || pthread_create(&w->thread, NULL, writer_main, w) != 0) {
    if (w->efd >= 0) close(w->efd);
    rec_queue_free(w->q);
    free(w);
    return NULL;
  }
  return w;
}

void rec_writer_stop(rec_writer *w) {
  if (!w) return;
  atomic_store(&w->stop, true);
  wake(w);
  pthread_join(w->thread, NULL);
  close(w->efd);
  rec_queue_free(w->q);
  free(w);
}
