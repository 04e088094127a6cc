/* Blocking work off the signaling thread: a small pool of threads runs job_work functions
 * (password hashing today) and hands each finished job back to the signaling thread, which runs
 * its job_done function in jobs_drain(). The queue is bounded; a full queue refuses new jobs
 * (the caller replies "busy") instead of growing without end.
 * Jobs carry ids, never pointers to signaling objects: the done function looks the session up
 * again, since it may have closed meanwhile. */
#ifndef MOA_SIGNALING_JOBS_H
#define MOA_SIGNALING_JOBS_H

#include <stdbool.h>

typedef struct jobs jobs;
typedef void (*job_work_fn)(void *arg);
typedef void (*job_done_fn)(void *ctx, void *arg);

/* Starts nthreads workers; wake(wake_arg) is called from a worker when a job has finished (the
 * gateway passes lws_cancel_service). Returns NULL on failure. */
jobs *jobs_start(int nthreads, int max_queued, void (*wake)(void *), void *wake_arg);
/* Stops the workers after the jobs already queued have run, then frees; done functions of
 * jobs not yet drained are run by the caller first through jobs_drain. Safe on NULL. */
void jobs_stop(jobs *j);

/* Stops without running what has not started: those jobs' args go to discard(arg) (may be
 * NULL); the jobs running finish, and the done functions of every finished job run with ctx
 * on the calling thread; then frees. Safe on NULL. */
void jobs_stop_drain(jobs *j, void *ctx, void (*discard)(void *arg));

/* Queues a job. Returns 0, or -1 when the queue is full (nothing queued). */
int jobs_submit(jobs *j, job_work_fn work, job_done_fn done, void *arg);
/* Runs the done functions of finished jobs on the calling (signaling) thread with ctx.
 * Returns how many ran. */
int jobs_drain(jobs *j, void *ctx);
/* Jobs queued or running and not yet drained. */
int jobs_pending(jobs *j);

#endif
