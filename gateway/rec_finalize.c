/* Finalizing a recording (see rec_finalize.h): the spools of a directory are mapped and
 * checked, read once to time them (rec_track_analyze), grouped by participant, and each
 * participant's video and audio are merged in time order into "<user_id>.webm" (rec_webm.h; a
 * second video or audio producer of the same participant at the same time, a shared screen,
 * into "<user_id>-v1.webm" / "-a1.webm");
 * then ffmpeg makes the composite (rec_composite.h). What went wrong on the way is collected in
 * res->error and makes the result INCOMPLETE; no playable file at all makes it FAILED. */
#include "gateway/rec_finalize.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gateway/rec_composite.h"
#include "gateway/rec_track.h"
#include "gateway/rec_webm.h"

#define MAX_SPOOLS 512 /* spool files read from one directory */
#define COMPOSITE_TIMEOUT_BASE_S 120
#define COMPOSITE_TIMEOUT_PER_S 4 /* seconds allowed per second of recording, on top of the base */

typedef struct {
  uint64_t user_id;
  rec_spool_src *video[REC_TRACK_MAX_SPOOLS], *audio[REC_TRACK_MAX_SPOOLS];
  int nvideo, naudio;
} participant;

typedef struct {
  rec_fin_result *res;
  bool damaged; /* something is missing: INCOMPLETE at best */
} job;

/* Adds a reason to res->error ("; "-separated; what does not fit is left out). */
static void note(job *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(job *j, const char *fmt, ...) {
  j->damaged = true;
  char *e = j->res->error;
  size_t len = strlen(e), cap = sizeof j->res->error;
  if (len + 4 >= cap) return;
  if (len) {
    memcpy(e + len, "; ", 3);
    len += 2;
  }
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e + len, cap - len, fmt, ap);
  va_end(ap);
}

static int cmp_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int cmp_src_start(const void *a, const void *b) {
  const rec_spool_src *x = *(rec_spool_src *const *)a, *y = *(rec_spool_src *const *)b;
  if (x->start_us != y->start_us) return x->start_us < y->start_us ? -1 : 1;
  return strcmp(x->name, y->name);
}

static bool has_suffix(const char *s, const char *suf) {
  size_t n = strlen(s), m = strlen(suf);
  return n > m && strcmp(s + n - m, suf) == 0;
}

/* The names of the *.moarec files in dir, sorted. Returns the count (0..MAX_SPOOLS), or -1 with
 * the error noted. */
static int list_spools(job *j, const char *dir, char **names) {
  DIR *d = opendir(dir);
  if (!d) {
    note(j, "cannot open the spool directory %s: %s", dir, strerror(errno));
    return -1;
  }
  int n = 0;
  bool more = false;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.' || !has_suffix(e->d_name, ".moarec") || strlen(e->d_name) >= 256) continue;
    if (n == MAX_SPOOLS) {
      more = true;
      break;
    }
    if (!(names[n] = strdup(e->d_name))) break;
    n++;
  }
  closedir(d);
  qsort(names, (size_t)n, sizeof *names, cmp_name);
  if (more) note(j, "more than %d spool files: the rest were left out", MAX_SPOOLS);
  return n;
}

static void add_file(rec_fin_result *res, const char *name, uint64_t user_id, const char *path) {
  if (res->n_files >= REC_FIN_MAX_FILES) return;
  rec_fin_file *f = &res->files[res->n_files];
  memset(f, 0, sizeof *f);
  snprintf(f->name, sizeof f->name, "%s", name);
  f->user_id = user_id;
  char err[128];
  if (rec_webm_probe(path, &f->duration_ms, &f->has_video, &f->has_audio, err, sizeof err) != 0) return;
  struct stat st;
  if (stat(path, &st) == 0) f->bytes = (uint64_t)st.st_size;
  res->n_files++;
  res->bytes += f->bytes;
  if (f->duration_ms > res->duration_ms) res->duration_ms = f->duration_ms;
}

/* Lanes: a participant's spools of one kind that can follow one another in one track. A spool
 * that starts before the lane's last one ended (by more than LANE_OVERLAP_US) is another
 * producer at the same time (a shared screen beside the camera): it goes to the next lane, and
 * lane k > 0 becomes its own file. srcs are in order of start; lane[i] receives each one's lane.
 * Returns the number of lanes. */
#define LANE_OVERLAP_US 500000
#define MAX_LANES 4
static int assign_lanes(rec_spool_src **srcs, int n, int *lane) {
  int64_t lane_end[MAX_LANES];
  int nl = 0;
  for (int i = 0; i < n; i++) {
    int64_t b, e;
    if (!rec_track_span(srcs[i], &b, &e)) {
      lane[i] = 0; /* nothing to place: reported by the writer */
      continue;
    }
    int k = 0;
    while (k < nl && lane_end[k] > b + LANE_OVERLAP_US) k++;
    if (k == MAX_LANES) k = MAX_LANES - 1; /* more at once than that: share the last lane */
    if (k == nl)
      lane_end[nl++] = e;
    else if (e > lane_end[k])
      lane_end[k] = e;
    lane[i] = k;
  }
  return nl ? nl : 1;
}

/* Writes one file of participant p: its video spools vsrc[0..nv) in order and its audio
 * spools asrc[0..na). Returns 0 (written and listed), or -1 (noted). */
static int write_participant(job *j, const participant *p, rec_spool_src **vsrc, int nv, rec_spool_src **asrc,
                             int na, const char *name, const char *out_dir) {
  rec_track tv = {.kind = REC_KIND_VIDEO}, ta = {.kind = REC_KIND_AUDIO};
  uint16_t width = 0, height = 0;
  for (int i = 0; i < nv; i++) {
    rec_spool_src *s = vsrc[i];
    if (s->frames == 0) {
      if (s->stats.packets > 0) note(j, "%s: no complete key frame, its video is left out", s->name);
      continue;
    }
    if (!width && s->have_size) {
      width = s->width;
      height = s->height;
    }
    tv.src[tv.nsrc++] = s;
  }
  for (int i = 0; i < na; i++)
    if (asrc[i]->frames > 0) ta.src[ta.nsrc++] = asrc[i];
  bool video = tv.nsrc > 0 && width > 0, audio = ta.nsrc > 0;
  if (!video && !audio) {
    note(j, "participant %" PRIu64 ": nothing playable%s%s", p->user_id, strchr(name, '-') ? " in " : "",
         strchr(name, '-') ? name : "");
    return -1;
  }
  char path[1024], err[200] = "";
  snprintf(path, sizeof path, "%s/%s", out_dir, name);
  if ((video && rec_track_open(&tv) != 0) || (audio && rec_track_open(&ta) != 0)) {
    rec_track_close(&tv);
    rec_track_close(&ta);
    note(j, "participant %" PRIu64 ": out of memory", p->user_id);
    return -1;
  }
  rec_webm *w = rec_webm_open(path, video, width, height, audio, err, sizeof err);
  int rc = w ? 0 : -1;
  rec_track_frame fv, fa;
  int64_t mv = 0, ma = 0;
  int hv = video && w ? rec_track_next(&tv, &fv, &mv) : 0;
  int ha = audio && w ? rec_track_next(&ta, &fa, &ma) : 0;
  while (rc == 0 && (hv > 0 || ha > 0)) {
    if (hv > 0 && (ha <= 0 || mv <= ma)) {
      rc = rec_webm_write(w, true, mv, 0, fv.keyframe, fv.data, fv.len, err, sizeof err);
      hv = rec_track_next(&tv, &fv, &mv);
    } else {
      int samples = rec_opus_packet_samples(fa.data, fa.len);
      rc = rec_webm_write(w, false, ma, (samples ? samples : 960) / 48, true, fa.data, fa.len, err,
                          sizeof err);
      ha = rec_track_next(&ta, &fa, &ma);
    }
  }
  if (rc == 0 && (hv < 0 || ha < 0)) {
    snprintf(err, sizeof err, "out of memory");
    rc = -1;
  }
  rec_track_close(&tv);
  rec_track_close(&ta);
  if (w && rec_webm_finish(w, rc == 0, err, sizeof err) != 0) rc = -1;
  if (rc != 0) {
    note(j, "%s: %s", name, err);
    return -1;
  }
  add_file(j->res, name, p->user_id, path);
  return 0;
}

static void write_composite(job *j, const rec_fin_options *opt, const char *out_dir) {
  rec_fin_result *res = j->res;
  rec_comp_input in[REC_COMP_MAX_INPUTS];
  char paths[REC_COMP_MAX_INPUTS][1024];
  int n = 0;
  for (int i = 0; i < res->n_files && n < REC_COMP_MAX_INPUTS; i++) {
    snprintf(paths[n], sizeof paths[n], "%s/%s", out_dir, res->files[i].name);
    in[n] = (rec_comp_input){
        .path = paths[n], .video = res->files[i].has_video, .audio = res->files[i].has_audio};
    n++;
  }
  char path[1024], tmp[1060], err[200] = "";
  snprintf(path, sizeof path, "%s/%s", out_dir, REC_FIN_COMPOSITE_NAME);
  snprintf(tmp, sizeof tmp, "%s/.%s.partial", out_dir, REC_FIN_COMPOSITE_NAME);
  char **argv = rec_composite_args(opt->ffmpeg ? opt->ffmpeg : "ffmpeg", in, n, tmp);
  if (!argv) {
    note(j, "composite: out of memory");
    return;
  }
  int timeout = COMPOSITE_TIMEOUT_BASE_S + COMPOSITE_TIMEOUT_PER_S * (int)(res->duration_ms / 1000);
  int rc = rec_composite_run(argv, timeout, err, sizeof err);
  rec_composite_free_args(argv);
  if (rc == 0 && rename(tmp, path) != 0) {
    snprintf(err, sizeof err, "renaming %s: %s", tmp, strerror(errno));
    rc = -1;
  }
  if (rc != 0) {
    unlink(tmp);
    note(j, "composite: %s", err);
    return;
  }
  int before = res->n_files;
  add_file(res, REC_FIN_COMPOSITE_NAME, 0, path);
  if (res->n_files == before) note(j, "composite: ffmpeg wrote a file that does not read back");
}

int rec_finalize(const char *spool_dir, const char *out_dir, const rec_fin_options *opt,
                 rec_fin_result *res) {
  memset(res, 0, sizeof *res);
  res->state = REC_FIN_FAILED;
  job j = {.res = res};
  rec_webm_quiet();
  char **names = calloc(MAX_SPOOLS, sizeof *names);
  rec_spool_src *src = calloc(MAX_SPOOLS, sizeof *src);
  participant *users = calloc(REC_FIN_MAX_FILES, sizeof *users);
  frame_assembler *fa = malloc(sizeof *fa);
  uint8_t *fbuf = malloc(FA_MAX_FRAME);
  int nnames = 0, nsrc = 0, nusers = 0, written = 0;
  if (!names || !src || !users || !fa || !fbuf) {
    note(&j, "out of memory");
    goto done;
  }
  nnames = list_spools(&j, spool_dir, names);
  if (nnames < 0) goto done;
  if (nnames == 0) {
    note(&j, "no spool files (*.moarec) in %s", spool_dir);
    goto done;
  }
  if (mkdir(out_dir, 0750) != 0 && errno != EEXIST) {
    note(&j, "cannot create %s: %s", out_dir, strerror(errno));
    goto done;
  }

  /* map and check every spool; the recording starts at the earliest header */
  int64_t t0 = INT64_MAX;
  for (int i = 0; i < nnames; i++) {
    rec_spool_src *s = &src[nsrc];
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", spool_dir, names[i]);
    snprintf(s->name, sizeof s->name, "%s", names[i]);
    int rc = rec_spool_map(path, &s->map);
    if (rc != 0) {
      note(&j, "%s: cannot read: %s", names[i], strerror(-rc));
      continue;
    }
    rec_spool_reader r;
    if (!s->map.data || rec_spool_reader_init(&r, s->map.data, s->map.len, &s->h) != 0) {
      note(&j, "%s: not a recording spool (bad or missing header)", names[i]);
      rec_spool_unmap(&s->map);
      continue;
    }
    if (s->h.start_mono_us < t0) t0 = s->h.start_mono_us;
    nsrc++;
  }
  for (int i = 0; i < nsrc; i++) {
    rec_spool_src *s = &src[i];
    if (__builtin_sub_overflow(s->h.start_mono_us, t0, &s->start_us) || s->start_us > REC_TRACK_MAX_SPAN_US) {
      note(&j, "%s: starts more than 48 h after the recording, left out", s->name);
      s->frames = 0;
      continue;
    }
    if (rec_track_analyze(s, fa, fbuf) != 0) {
      note(&j, "%s: out of memory", s->name);
      s->frames = 0;
      continue;
    }
    if (s->end == REC_READ_TRUNCATED)
      note(&j, "%s: cut short after %" PRIu64 " records", s->name, s->records);
    else if (s->end == REC_READ_CORRUPT)
      note(&j, "%s: damaged after %" PRIu64 " records", s->name, s->records);
    if (s->bad_times)
      note(&j, "%s: %" PRIu64 " records with impossible times skipped", s->name, s->bad_times);
  }

  /* participants, in order of user id; their spools in order of start */
  for (int i = 0; i < nsrc; i++) {
    rec_spool_src *s = &src[i];
    if (s->start_us > REC_TRACK_MAX_SPAN_US) continue;
    int u = 0;
    while (u < nusers && users[u].user_id != s->h.user_id) u++;
    if (u == nusers) {
      if (nusers == REC_FIN_MAX_FILES - 1) {
        note(&j, "%s: more than %d participants, left out", s->name, REC_FIN_MAX_FILES - 1);
        continue;
      }
      users[nusers++].user_id = s->h.user_id;
    }
    participant *p = &users[u];
    bool v = s->h.kind == REC_KIND_VIDEO;
    if ((v ? p->nvideo : p->naudio) == REC_TRACK_MAX_SPOOLS) {
      note(&j, "%s: more than %d spools of one kind for one participant, left out", s->name,
           REC_TRACK_MAX_SPOOLS);
      continue;
    }
    if (v)
      p->video[p->nvideo++] = s;
    else
      p->audio[p->naudio++] = s;
  }
  for (int u = 0; u < nusers; u++)
    for (int k = u + 1; k < nusers; k++)
      if (users[k].user_id < users[u].user_id) {
        participant t = users[u];
        users[u] = users[k];
        users[k] = t;
      }
  for (int u = 0; u < nusers; u++) {
    participant *p = &users[u];
    qsort(p->video, (size_t)p->nvideo, sizeof *p->video, cmp_src_start);
    qsort(p->audio, (size_t)p->naudio, sizeof *p->audio, cmp_src_start);
    rec_spool_src *all[2 * REC_TRACK_MAX_SPOOLS];
    memcpy(all, p->video, (size_t)p->nvideo * sizeof *all);
    memcpy(all + p->nvideo, p->audio, (size_t)p->naudio * sizeof *all);
    rec_track_place_user(all, p->nvideo + p->naudio);
    /* lane 0 of both kinds: "<user>.webm"; another lane (a second producer at the same time):
     * "<user>-<kind initial><lane>.webm" */
    int vl[REC_TRACK_MAX_SPOOLS], al[REC_TRACK_MAX_SPOOLS];
    int nvl = assign_lanes(p->video, p->nvideo, vl), nal = assign_lanes(p->audio, p->naudio, al);
    for (int k = 0; k < (nvl > nal ? nvl : nal); k++) {
      rec_spool_src *vs[REC_TRACK_MAX_SPOOLS], *as[REC_TRACK_MAX_SPOOLS];
      int nv = 0, na = 0;
      for (int i = 0; i < p->nvideo; i++)
        if (vl[i] == k) vs[nv++] = p->video[i];
      for (int i = 0; i < p->naudio; i++)
        if (al[i] == k) as[na++] = p->audio[i];
      char name[64];
      if (k == 0) {
        snprintf(name, sizeof name, "%" PRIu64 ".webm", p->user_id);
        if (write_participant(&j, p, vs, nv, as, na, name, out_dir) == 0) written++;
        continue;
      }
      if (nv) {
        snprintf(name, sizeof name, "%" PRIu64 "-v%d.webm", p->user_id, k);
        if (write_participant(&j, p, vs, nv, NULL, 0, name, out_dir) == 0) written++;
      }
      if (na) {
        snprintf(name, sizeof name, "%" PRIu64 "-a%d.webm", p->user_id, k);
        if (write_participant(&j, p, NULL, 0, as, na, name, out_dir) == 0) written++;
      }
    }
  }
  if (written == 0) goto done;
  if (opt && opt->composite) write_composite(&j, opt, out_dir);
  res->state = j.damaged ? REC_FIN_INCOMPLETE : REC_FIN_COMPLETE;

done:
  for (int i = 0; i < nsrc; i++) {
    rec_spool_unmap(&src[i].map);
    free(src[i].seg);
  }
  for (int i = 0; names && i < nnames; i++) free(names[i]);
  free(names);
  free(src);
  free(users);
  free(fa);
  free(fbuf);
  if (res->state == REC_FIN_COMPLETE) res->error[0] = '\0';
  return res->state == REC_FIN_FAILED ? -1 : 0;
}
