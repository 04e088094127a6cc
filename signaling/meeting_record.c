/* Recording a live room, signaling side (see meeting_record.h). The row and the moderation log
 * entry of a start are written in one transaction, and the spool directory made, before the
 * worker is told: a start that cannot be recorded does not happen. A stop always happens (a
 * participant must be able to rely on "not recording"); a failure to write its row is logged and
 * the restart's recovery (recording_store_unfinished) still finds the recording. */
#include "signaling/meeting_record.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "signaling/jobs.h"
#include "signaling/meeting_control_int.h"
#include "signaling/room_events.h"
#include "signaling/session_int.h"
#include "storage/meeting_store.h"
#include "storage/moderation_store.h"
#include "storage/seoul_time.h"
#include "storage/user_store.h"

int meeting_record_dir(const hub_options *o, char *out, size_t n) {
  char rel[1024];
  if (o->recording_dir[0]) {
    snprintf(rel, sizeof rel, "%s", o->recording_dir);
  } else if (strcmp(o->db_path, ":memory:") != 0) {
    const char *slash = strrchr(o->db_path, '/');
    snprintf(rel, sizeof rel, "%.*srecordings", slash ? (int)(slash - o->db_path + 1) : 0, o->db_path);
  } else {
    return 0;
  }
  size_t len = strlen(rel);
  while (len > 1 && rel[len - 1] == '/') rel[--len] = '\0';
  int w;
  if (rel[0] == '/') {
    w = snprintf(out, n, "%s", rel);
  } else {
    char cwd[1024];
    if (!getcwd(cwd, sizeof cwd)) return -1;
    w = snprintf(out, n, "%s/%s", strcmp(cwd, "/") ? cwd : "", rel);
  }
  return w > 0 && (size_t)w < n ? 1 : -1;
}

/* mkdir -p with mode 0750 (a recording is as private as the meeting). 0, or -1 with errno. */
static int make_dirs(const char *path) {
  char buf[RECORDING_DIR_MAX];
  if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
    errno = ENAMETOOLONG;
    return -1;
  }
  for (char *p = buf + 1;; p++) {
    if (*p == '/' || *p == '\0') {
      char c = *p;
      *p = '\0';
      if (mkdir(buf, 0750) != 0 && errno != EEXIST) return -1;
      *p = c;
      if (c == '\0') break;
    }
  }
  struct stat st;
  return stat(buf, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -1;
}

json_t *meeting_record_state_json(int64_t room_id, const live_room *lr) {
  if (!lr || !lr->recording_id)
    return json_pack("{s:I, s:b, s:b}", "room_id", (json_int_t)room_id, "recording", 0, "degraded", 0);
  char local[32];
  seoul_format_iso(lr->recording_since, local, sizeof local);
  return json_pack("{s:I, s:b, s:I, s:I, s:s, s:I, s:s, s:b}", "room_id", (json_int_t)room_id, "recording", 1,
                   "recording_id", (json_int_t)lr->recording_id, "since", (json_int_t)lr->recording_since,
                   "since_local", local, "by_user_id", (json_int_t)lr->recording_by, "by_name",
                   lr->recording_by_name, "degraded", lr->recording_degraded);
}

static void tell_room(hub *h, live_room *lr) {
  room_events_broadcast(h, lr, NULL, protocol_event("room.recording", meeting_record_state_json(lr->id, lr)));
}

/* The live room when actor may start or stop recording in it; NULL with res otherwise. */
static live_room *checked_room(rooms *r, hub *h, session *actor, const room_rec *room, mc_result *res) {
  if (meeting_control_rank(r, h, actor, room) < MC_COHOST) {
    mc_fail(res, ERR_FORBIDDEN, "only the meeting's hosts and cohosts start and stop recording");
    return NULL;
  }
  live_room *lr = rooms_find(r, room->id);
  if (!lr) mc_fail(res, ERR_CONFLICT, "no one is in the room: recording needs a live room");
  return lr;
}

static int64_t meeting_of(moa_db *db, int64_t room_id) {
  meeting_rec m;
  return meeting_store_by_room(db, room_id, &m) == 1 ? m.id : 0;
}

json_t *meeting_record_start(rooms *r, hub *h, session *actor, const room_rec *room, mc_result *res) {
  live_room *lr = checked_room(r, h, actor, room, res);
  if (!lr) return NULL;
  if (!room->recording_allowed) {
    mc_fail(res, ERR_RECORDING_NOT_ALLOWED, "this room's policy does not allow recording");
    return NULL;
  }
  if (lr->recording_id) return meeting_record_state_json(room->id, lr);
  char base[RECORDING_DIR_MAX];
  int dir = meeting_record_dir(hub_config(h), base, sizeof base);
  if (dir != 1 || strlen(base) + 32 > sizeof(((media_cmd *)0)->u.record.dir)) {
    mc_fail(res, ERR_UNAVAILABLE,
            dir == 0 ? "recording is off on this server (no --recording-dir)"
                     : "the server's recording directory path is too long; tell its operator");
    return NULL;
  }
  moa_db *db = hub_db(h);
  int64_t now = db_now(db), meeting_id = meeting_of(db, room->id);
  recording_rec rec;
  char detail[64];
  if (db_begin(db) != SQLITE_OK) goto dberr;
  int64_t id = recording_store_create(db, room->id, meeting_id, actor->user_id, now, base, &rec);
  snprintf(detail, sizeof detail, "recording %lld", (long long)id);
  if (id <= 0 ||
      moderation_store_record(db, room->id, meeting_id, actor->user_id, "record_start", 0, detail, now) < 0) {
    db_rollback(db);
    goto dberr;
  }
  if (make_dirs(rec.spool_dir) != 0 || make_dirs(rec.out_dir) != 0) {
    log_error("recording %lld: cannot make %s: %s", (long long)id, rec.spool_dir, strerror(errno));
    db_rollback(db);
    mc_fail(res, ERR_INTERNAL, "the server cannot write its recording directory; nothing was recorded");
    return NULL;
  }
  if (db_commit(db) != SQLITE_OK) goto dberr;
  rooms_record_start(r, room->id, rec.spool_dir, (uint64_t)id, (uint64_t)meeting_id);
  lr->recording_since = now;
  lr->recording_by = actor->user_id;
  user_rec u;
  snprintf(lr->recording_by_name, sizeof lr->recording_by_name, "%s",
           user_store_find_by_id(db, actor->user_id, &u) == 1 ? u.name : "");
  log_info("room %lld: recording %lld started by user %lld", (long long)room->id, (long long)id,
           (long long)actor->user_id);
  tell_room(h, lr);
  return meeting_record_state_json(room->id, lr);
dberr:
  mc_fail(res, ERR_INTERNAL, "cannot record the start; nothing was recorded");
  return NULL;
}

/* Stops lr's recording: the worker is told, the row is FINALIZING, the log has it, and the
 * room's participants are told. */
static void stop(rooms *r, hub *h, live_room *lr, int64_t actor_id, const char *detail) {
  moa_db *db = hub_db(h);
  int64_t now = db_now(db), room_id = lr->id;
  uint64_t id = rooms_record_stop(r, room_id);
  if (!id) return;
  char text[128];
  snprintf(text, sizeof text, "recording %llu%s%s", (unsigned long long)id, detail[0] ? ": " : "", detail);
  if (recording_store_stop(db, (int64_t)id, now) < 0 ||
      moderation_store_record(db, room_id, meeting_of(db, room_id), actor_id, "record_stop", 0, text, now) <
          0)
    log_error("room %lld: cannot record the stop of recording %llu: %s", (long long)room_id,
              (unsigned long long)id, db_errmsg(db));
  log_info("room %lld: recording %llu stopped%s%s", (long long)room_id, (unsigned long long)id,
           detail[0] ? ": " : "", detail);
  tell_room(h, lr);
}

json_t *meeting_record_stop(rooms *r, hub *h, session *actor, const room_rec *room, mc_result *res) {
  live_room *lr = checked_room(r, h, actor, room, res);
  if (!lr) return NULL;
  stop(r, h, lr, actor->user_id, "");
  return meeting_record_state_json(room->id, lr);
}

void meeting_record_room_empty(rooms *r, hub *h, live_room *lr) { stop(r, h, lr, 0, "the room emptied"); }

void meeting_record_on_media_event(hub *h, const media_event *ev) {
  moa_db *db = hub_db(h);
  int64_t id = (int64_t)ev->record.recording_id;
  if (ev->type == ME_RECORD_DEGRADED) {
    if (recording_store_set_degraded(db, id) < 0)
      log_error("recording %lld: cannot mark it degraded: %s", (long long)id, db_errmsg(db));
    log_warn("recording %lld degraded: %llu packets dropped, last error %d", (long long)id,
             (unsigned long long)ev->record.dropped, ev->record.error);
    live_room *lr = hub_rooms(h) ? rooms_find(hub_rooms(h), ev->room_id) : NULL;
    if (lr && lr->recording_id == ev->record.recording_id && !lr->recording_degraded) {
      lr->recording_degraded = true;
      tell_room(h, lr);
    }
  } else if (ev->type == ME_RECORD_STOPPED) {
    meeting_record_stopped(h, ev);
  }
}

void meeting_record_stopped(hub *h, const media_event *ev) {
  moa_db *db = hub_db(h);
  int64_t id = (int64_t)ev->record.recording_id;
  if (ev->record.degraded && recording_store_set_degraded(db, id) < 0)
    log_error("recording %lld: cannot mark it degraded: %s", (long long)id, db_errmsg(db));
  log_info("recording %lld: %u spools closed, %llu packets, %llu dropped", (long long)id, ev->record.tracks,
           (unsigned long long)ev->record.packets, (unsigned long long)ev->record.dropped);
  if (meeting_record_finalize(h, id, hub_config(h)->rec_finalize) != 0)
    log_error("recording %lld: its finalize could not be queued; the next start finalizes it", (long long)id);
}

typedef struct fin_job {
  int64_t id;
  char spool_dir[RECORDING_DIR_MAX], out_dir[RECORDING_DIR_MAX];
  rec_finalizer fn;
  bool cut; /* the row was still RECORDING: the server stopped (or crashed) while recording */
  int rc;
  rec_fin_result res;
} fin_job;

static void fin_work(void *arg) { /* the recording job thread: disk and the ffmpeg child */
  fin_job *j = arg;
  rec_fin_options opt = {.composite = true, .ffmpeg = NULL};
  memset(&j->res, 0, sizeof j->res);
  j->rc = j->fn(j->spool_dir, j->out_dir, &opt, &j->res);
}

static void fin_done(void *ctx, void *arg) { /* the signaling thread */
  hub *h = ctx;
  fin_job *j = arg;
  moa_db *db = hub_db(h);
  if (j->cut && j->res.state == REC_FIN_COMPLETE) { /* the spools read whole, but the meeting went on */
    j->res.state = REC_FIN_INCOMPLETE;
    snprintf(j->res.error, sizeof j->res.error, "%s",
             "the server stopped while this was being recorded: it ends there (after a crash, up to a second "
             "earlier)");
  }
  int rc = recording_finalized(db, j->id, &j->res);
  if (rc == RECORDING_STORE_INVALID) {
    recording_result failed = {
        RECORDING_FAILED, 0, 0, 0, NULL, "the finalizer gave a result that cannot be kept"};
    log_error("recording %lld: the finalizer's result was refused (a file name or size out of bounds)",
              (long long)j->id);
    rc = recording_store_finalized(db, j->id, &failed);
  }
  if (rc < 0)
    log_error("recording %lld: cannot record its finalize: %s", (long long)j->id, db_errmsg(db));
  else
    log_info("recording %lld finalized: %s, %d files, %lld ms, %llu bytes%s%.*s", (long long)j->id,
             j->res.state == REC_FIN_COMPLETE     ? "complete"
             : j->res.state == REC_FIN_INCOMPLETE ? "incomplete"
                                                  : "failed",
             j->res.n_files, (long long)j->res.duration_ms, (unsigned long long)j->res.bytes,
             j->res.error[0] ? ": " : "", (int)sizeof j->res.error, j->res.error);
  free(j);
}

int meeting_record_finalize(hub *h, int64_t id, rec_finalizer fn) {
  moa_db *db = hub_db(h);
  recording_rec rec;
  if (!fn) return -1; /* a hub made without a finalizer (hub_options.rec_finalize) */
  if (recording_store_get(db, id, &rec) != 1) return -1;
  if (rec.state == RECORDING_RECORDING && recording_store_stop(db, id, db_now(db)) != 1) return -1;
  if (rec.state != RECORDING_RECORDING && rec.state != RECORDING_FINALIZING) return -1;
  fin_job *j = calloc(1, sizeof *j);
  if (!j) return -1;
  j->id = id;
  j->cut = rec.state == RECORDING_RECORDING;
  j->fn = fn;
  snprintf(j->spool_dir, sizeof j->spool_dir, "%s", rec.spool_dir);
  snprintf(j->out_dir, sizeof j->out_dir, "%s", rec.out_dir);
  if (jobs_submit(hub_recording_jobs(h), fin_work, fin_done, j) != 0) {
    free(j);
    return -1;
  }
  return 0;
}

int meeting_record_recover(hub *h, rec_finalizer fn) {
  enum { MAX = 256 };             /* the job queue's size */
  static recording_rec left[MAX]; /* signaling thread only; too large for its stack */
  int n = recording_store_unfinished(hub_db(h), left, MAX), queued = 0;
  for (int i = 0; i < n; i++) {
    if (meeting_record_finalize(h, left[i].id, fn) == 0)
      queued++;
    else
      log_error("recording %lld: cannot queue its finalize after the restart", (long long)left[i].id);
  }
  return n < 0 ? -1 : queued;
}

int recording_finalized(moa_db *db, int64_t id, const rec_fin_result *res) {
  static const recording_state states[] = {[REC_FIN_COMPLETE] = RECORDING_READY,
                                           [REC_FIN_INCOMPLETE] = RECORDING_INCOMPLETE,
                                           [REC_FIN_FAILED] = RECORDING_FAILED};
  if ((unsigned)res->state > REC_FIN_FAILED || res->n_files < 0 || res->n_files > REC_FIN_MAX_FILES ||
      res->bytes > INT64_MAX)
    return RECORDING_STORE_INVALID;
  recording_file files[REC_FIN_MAX_FILES];
  for (int i = 0; i < res->n_files; i++) {
    const rec_fin_file *f = &res->files[i];
    if (memchr(f->name, '\0', sizeof f->name) == NULL || f->bytes > INT64_MAX) return RECORDING_STORE_INVALID;
    memset(&files[i], 0, sizeof files[i]);
    snprintf(files[i].name, sizeof files[i].name, "%s", f->name);
    files[i].user_id = (int64_t)f->user_id;
    files[i].duration_ms = f->duration_ms;
    files[i].bytes = (int64_t)f->bytes;
    files[i].has_video = f->has_video;
    files[i].has_audio = f->has_audio;
  }
  char error[sizeof res->error + 1];
  snprintf(error, sizeof error, "%.*s", (int)sizeof res->error, res->error);
  recording_result out = {
      states[res->state], res->duration_ms, (int64_t)res->bytes, res->n_files, files, error};
  return recording_store_finalized(db, id, &out);
}

/* Unlinks the regular files directly inside dir, then dir. 0 (also when dir is absent), -1. */
static int remove_dir(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return errno == ENOENT ? 0 : -1;
  int fd = dirfd(d), rc = 0;
  for (struct dirent *e; (e = readdir(d));) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    struct stat st;
    if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || S_ISDIR(st.st_mode) ||
        unlinkat(fd, e->d_name, 0) != 0)
      rc = -1;
  }
  closedir(d);
  if (rc == 0 && rmdir(dir) != 0 && errno != ENOENT) rc = -1;
  return rc;
}

int meeting_record_remove(moa_db *db, const recording_rec *rec) {
  if (rec->state == RECORDING_RECORDING || rec->state == RECORDING_FINALIZING) return 0;
  if (remove_dir(rec->out_dir) != 0 || remove_dir(rec->spool_dir) != 0) return -1;
  char parent[RECORDING_DIR_MAX];
  snprintf(parent, sizeof parent, "%s", rec->out_dir);
  char *slash = strrchr(parent, '/');
  if (slash && slash != parent) {
    *slash = '\0';
    if (rmdir(parent) != 0 && errno != ENOENT && errno != ENOTEMPTY && errno != EEXIST) return -1;
  }
  return recording_store_delete(db, rec->id) < 0 ? -1 : 1;
}

int meeting_record_retention(moa_db *db, int days) {
  if (days <= 0) return 0;
  int64_t before = db_now(db) - (int64_t)days * 86400;
  enum { BATCH = 32 };
  recording_rec old[BATCH];
  int removed = 0, n;
  do { /* in batches: a recording that cannot be removed is skipped by the next batch's offset */
    n = recording_store_older_than(db, before, old, BATCH);
    if (n < 0) {
      log_error("retention: cannot read recordings: %s", db_errmsg(db));
      return -1;
    }
    int done = 0;
    for (int i = 0; i < n; i++) {
      if (meeting_record_remove(db, &old[i]) == 1) {
        done++;
        log_info("retention: recording %lld of room %lld (started %lld) removed after %d days",
                 (long long)old[i].id, (long long)old[i].room_id, (long long)old[i].started_at, days);
      } else {
        log_error("retention: cannot remove recording %lld (%s)", (long long)old[i].id, old[i].out_dir);
      }
    }
    removed += done;
    if (done < n) break; /* the rest would come back in the next batch: try again tomorrow */
  } while (n == BATCH);
  return removed;
}
