/* rec_writer: the thread that writes a media worker's recordings to disk (issue 17,
 * docs/RECORDING.md). The worker (rooms/recorder.c) copies each recorded packet, sender report
 * and marker into a bounded queue (rooms/rec_queue.h) with a control message before a track's
 * first record (open its spool) and after its last (close it, or end the recording); the writer
 * thread owns every rec_spool_writer, appends, flushes every 250 ms, closes, and reports to the
 * signaling thread through the worker's events mailbox: ME_RECORD_DEGRADED once per recording
 * when it lost records (the queue was full, a spool could not be opened or written), and
 * ME_RECORD_STOPPED once the recording's spools are closed.
 *
 * One writer per media worker, started with the worker's first recording: the queue then has
 * one producer and one consumer and needs no lock (a per-process writer would need one queue per
 * worker or a lock on every packet), a worker's rooms never wait on another worker's disk
 * traffic, and the writer's CPU follows the worker's. A writer that stalls on a slow disk only
 * fills its queue: the worker then drops records (counted) and never waits.
 *
 * The functions below except rec_writer_start/stop are the queue's producer side: only the
 * owning worker thread calls them, they never block, and each returns 0 or -1 (queue full:
 * nothing was queued). The control ones (begin, open, close, drops, end) may use the queue's
 * reserve and wake the thread; an append does neither. */
#ifndef MOA_ROOMS_REC_WRITER_H
#define MOA_ROOMS_REC_WRITER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/mailbox.h"
#include "storage/rec_spool.h"

/* For /metrics (read from any thread): recordings in progress (started and not yet reported
 * stopped), records written into spool files, the spools' bytes, and records lost. */
typedef struct rec_counters {
  atomic_uint_fast64_t active, packets, bytes, dropped;
} rec_counters;

typedef struct rec_writer rec_writer;

#define REC_WRITER_QUEUE_DEFAULT (8u << 20) /* 6 MiB for packets: ~2.5 s of 10 tracks of 2 Mbit/s video */
#define REC_WRITER_FLUSH_MS 250
#define REC_NAME_MAX 96 /* a spool's file name inside the recording's directory */

/* Starts the writer thread of media worker `worker` with a queue of queue_bytes (0: the
 * default; a quarter of it is kept for control messages). Events go to `events` (media_event,
 * posted from the writer thread), counts to *counters. NULL on failure (nothing started). */
rec_writer *rec_writer_start(uint8_t worker, size_t queue_bytes, mailbox *events, rec_counters *counters);

/* Lets the thread write everything queued, closes every spool (a recording the worker did not
 * end is ended now: ME_RECORD_STOPPED), joins it and frees the writer. Safe on NULL. Called by
 * the worker thread once it queues nothing more. */
void rec_writer_stop(rec_writer *w);

/* A recording: its spools go into dir (absolute; created with its parents, mode 0750, by the
 * writer thread). The events name room_id. */
int rec_writer_begin(rec_writer *w, uint64_t recording_id, uint32_t room_id, const char *dir);
/* Track `track` (the worker's id, unique among its open tracks) of recording_id: the spool
 * dir/name, created (never overwritten) with header h. */
int rec_writer_open(rec_writer *w, uint32_t track, uint64_t recording_id, const char *name,
                    const rec_spool_header *h);
/* One record of an open track (time_us since the recording's start). */
int rec_writer_append(rec_writer *w, uint32_t track, rec_record_type type, uint64_t time_us, const void *data,
                      size_t len);
/* The track has no more records: its spool is closed. */
int rec_writer_close(rec_writer *w, uint32_t track);
/* The worker dropped n records of recording_id (queue full): the recording is degraded. */
int rec_writer_drops(rec_writer *w, uint64_t recording_id, uint64_t n);
/* The recording ends: every spool of it is closed, then ME_RECORD_STOPPED is posted with
 * `drops` (the worker's drops, all of them, reported with rec_writer_drops or not) added to
 * what the writer lost. */
int rec_writer_end(rec_writer *w, uint64_t recording_id, uint64_t drops);

#endif
