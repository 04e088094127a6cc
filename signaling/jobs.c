/* Worker pool (see jobs.h): one mutex guards both lists; work runs unlocked. */
#include "signaling/jobs.h"

#include <pthread.h>
#include <stdlib.h>

typedef struct job {
  struct job *next;
  job_work_fn work;
  job_done_fn done;
  void *arg;
} job;

struct jobs {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  job *todo_head, *todo_tail, *done_head, *done_tail;
  int queued, max_queued, in_flight;
  bool stop;
  int nthreads;
  pthread_t *threads;
  void (*wake)(void *);
  void *wake_arg;
};

static void push(job **head, job **tail, job *x) {
  x->next = NULL;
  if (*tail)
    (*tail)->next = x;
  else
    *head = x;
  *tail = x;
}

static void *worker(void *arg) {
  jobs *j = arg;
  pthread_mutex_lock(&j->mu);
  for (;;) {
    while (!j->todo_head && !j->stop) pthread_cond_wait(&j->cv, &j->mu);
    if (!j->todo_head && j->stop) break;
    job *x = j->todo_head;
    j->todo_head = x->next;
    if (!j->todo_head) j->todo_tail = NULL;
    j->queued--;
    pthread_mutex_unlock(&j->mu);
    x->work(x->arg);
    pthread_mutex_lock(&j->mu);
    push(&j->done_head, &j->done_tail, x);
    pthread_mutex_unlock(&j->mu);
    if (j->wake) j->wake(j->wake_arg);
    pthread_mutex_lock(&j->mu);
  }
  pthread_mutex_unlock(&j->mu);
  return NULL;
}

jobs *jobs_start(int nthreads, int max_queued, void (*wake)(void *), void *wake_arg) {
  jobs *j = calloc(1, sizeof *j);
  if (!j) return NULL;
  pthread_mutex_init(&j->mu, NULL);
  pthread_cond_init(&j->cv, NULL);
  j->max_queued = max_queued;
  j->wake = wake;
  j->wake_arg = wake_arg;
  j->threads = calloc((size_t)nthreads, sizeof *j->threads);
  if (!j->threads) goto fail;
  for (int i = 0; i < nthreads; i++) {
    if (pthread_create(&j->threads[i], NULL, worker, j) != 0) break;
    j->nthreads++;
  }
  if (j->nthreads == 0) goto fail;
  return j;
fail:
  free(j->threads);
  pthread_mutex_destroy(&j->mu);
  pthread_cond_destroy(&j->cv);
  free(j);
  return NULL;
}

void jobs_stop(jobs *j) {
  if (!j) return;
  pthread_mutex_lock(&j->mu);
  j->stop = true;
  pthread_cond_broadcast(&j->cv);
  pthread_mutex_unlock(&j->mu);
  for (int i = 0; i < j->nthreads; i++) pthread_join(j->threads[i], NULL);
  for (job *x = j->done_head, *n; x; x = n) {
    n = x->next;
    free(x);
  }
  free(j->threads);
  pthread_mutex_destroy(&j->mu);
  pthread_cond_destroy(&j->cv);
  free(j);
}

void jobs_stop_drain(jobs *j, void *ctx, void (*discard)(void *arg)) {
  if (!j) return;
  pthread_mutex_lock(&j->mu);
  j->stop = true;
  job *todo = j->todo_head; /* not started: taken away before a worker can start them */
  j->todo_head = j->todo_tail = NULL;
  j->queued = 0;
  pthread_cond_broadcast(&j->cv);
  pthread_mutex_unlock(&j->mu);
  for (int i = 0; i < j->nthreads; i++) pthread_join(j->threads[i], NULL);
  for (job *x = todo, *n; x; x = n) {
    n = x->next;
    if (discard) discard(x->arg);
    free(x);
  }
  j->nthreads = 0;
  jobs_drain(j, ctx);
  jobs_stop(j);
}

int jobs_submit(jobs *j, job_work_fn work, job_done_fn done, void *arg) {
  job *x = malloc(sizeof *x);
  if (!x) return -1;
  x->work = work;
  x->done = done;
  x->arg = arg;
  pthread_mutex_lock(&j->mu);
  if (j->queued >= j->max_queued || j->stop) {
    pthread_mutex_unlock(&j->mu);
    free(x);
    return -1;
  }
  push(&j->todo_head, &j->todo_tail, x);
  j->queued++;
  j->in_flight++;
  pthread_cond_signal(&j->cv);
  pthread_mutex_unlock(&j->mu);
  return 0;
}

int jobs_drain(jobs *j, void *ctx) {
  pthread_mutex_lock(&j->mu);
  job *list = j->done_head;
  j->done_head = j->done_tail = NULL;
  pthread_mutex_unlock(&j->mu);
  int n = 0;
  while (list) {
    job *x = list;
    list = x->next;
    x->done(ctx, x->arg);
    free(x);
    n++;
  }
  pthread_mutex_lock(&j->mu);
  j->in_flight -= n;
  pthread_mutex_unlock(&j->mu);
  return n;
}

int jobs_pending(jobs *j) {
  pthread_mutex_lock(&j->mu);
  int n = j->in_flight;
  pthread_mutex_unlock(&j->mu);
  return n;
}
