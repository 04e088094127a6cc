/* The collector thread (see programme_collector.h). */
#include "gateway/programme_collector.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "gateway/programme_fetch.h"
#include "storage/db.h"

struct programme_collector {
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  bool stop;
  char db_path[1024];
  programme_source_spec *sources;
  size_t n;
  int first_delay_s, interval_s;
};

/* Waits s seconds or until stopped; true when stopped. */
static bool wait_or_stop(programme_collector *c, int s) {
  struct timespec until;
  clock_gettime(CLOCK_MONOTONIC, &until);
  until.tv_sec += s;
  pthread_mutex_lock(&c->mu);
  while (!c->stop) {
    int rc = pthread_cond_timedwait(&c->cv, &c->mu, &until);
    if (rc == ETIMEDOUT) break;
  }
  bool stop = c->stop;
  pthread_mutex_unlock(&c->mu);
  return stop;
}

static void fetch_one(moa_db *db, const programme_source_spec *s) {
  char err[512];
  char *url = programme_feed_url(s->url, s->key_file[0] ? s->key_file : NULL, err, sizeof err);
  if (!url) {
    log_warn("programme collector: %s: %s (nothing changed)", s->name, err);
    return;
  }
  programme_import_report r;
  int rc =
      programme_fetch(db, s->name, s->format, url, !s->partial, (int64_t)time(NULL), &r, err, sizeof err);
  free(url); /* it may hold the key: never logged */
  if (rc != 0) {
    log_warn("programme collector: %s: %s (nothing changed)", s->name, rc == -2 ? "database error" : err);
    return;
  }
  if (r.duplicate_file) {
    log_info("programme collector: %s: the same feed as its last import: nothing changed.", s->name);
    return;
  }
  log_info(
      "programme collector: %s: %d items: %d new, %d changed, %d unchanged, %d merged with another feed, "
      "%d amendments, %d withdrawn, %d closed, %d rejected.",
      s->name, r.n_items, r.n_new, r.n_changed, r.n_same, r.n_merged, r.n_amended, r.n_withdrawn, r.n_closed,
      r.n_rejected);
}

static void *run(void *arg) {
  programme_collector *c = arg;
  if (wait_or_stop(c, c->first_delay_s)) return NULL;
  for (;;) {
    char err[256];
    moa_db *db = db_open(c->db_path, false, err, sizeof err);
    if (!db) {
      log_warn("programme collector: cannot open %s: %s", c->db_path, err);
    } else {
      for (size_t i = 0; i < c->n; i++) {
        pthread_mutex_lock(&c->mu);
        bool stop = c->stop;
        pthread_mutex_unlock(&c->mu);
        if (stop) break;
        fetch_one(db, &c->sources[i]);
      }
      db_close(db);
    }
    if (wait_or_stop(c, c->interval_s)) return NULL;
  }
}

programme_collector *programme_collector_start(const char *db_path, const programme_source_spec *sources,
                                               size_t n, int first_delay_s, int interval_s) {
  programme_collector *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  c->sources = malloc((n ? n : 1) * sizeof *sources);
  if (!c->sources) {
    free(c);
    return NULL;
  }
  if (n) memcpy(c->sources, sources, n * sizeof *sources);
  c->n = n;
  snprintf(c->db_path, sizeof c->db_path, "%s", db_path);
  c->first_delay_s = first_delay_s;
  c->interval_s = interval_s;
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_mutex_init(&c->mu, NULL);
  pthread_cond_init(&c->cv, &ca);
  pthread_condattr_destroy(&ca);
  if (pthread_create(&c->thread, NULL, run, c) != 0) {
    pthread_cond_destroy(&c->cv);
    pthread_mutex_destroy(&c->mu);
    free(c->sources);
    free(c);
    return NULL;
  }
  return c;
}

void programme_collector_stop(programme_collector *c) {
  if (!c) return;
  pthread_mutex_lock(&c->mu);
  c->stop = true;
  pthread_cond_signal(&c->cv);
  pthread_mutex_unlock(&c->mu);
  pthread_join(c->thread, NULL);
  pthread_cond_destroy(&c->cv);
  pthread_mutex_destroy(&c->mu);
  free(c->sources);
  free(c);
}
