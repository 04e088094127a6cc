/* Recordings as kept (issue 17, docs/RECORDING.md): one row per start..stop of recording in a
 * room, with its state, where its spools and files are on disk, and the files a finalizer made
 * (the only files HTTP may serve). The live side (signaling/recording.c) writes here when a host
 * starts or stops, when the recorder reports, and when a finalize ends; playback and retention
 * read here.
 *
 * States: RECORDING (the recorder writes spools) -> FINALIZING (stopped; the finalizer has not
 * finished) -> READY, INCOMPLETE (files, but a spool was cut short or damaged) or FAILED (no
 * playable file). A crash leaves rows RECORDING or FINALIZING: recording_store_unfinished() lists
 * them for the restart to finalize.
 *
 * C structs only (no JSON). Every function returns -1 on a database error and then has changed
 * nothing. Paths are kept as given: the caller chooses the recording directory. */
#ifndef MOA_STORAGE_RECORDING_STORE_H
#define MOA_STORAGE_RECORDING_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "storage/db.h"

#define RECORDING_DIR_MAX 512        /* bytes of a spool or output directory, NUL included */
#define RECORDING_ERROR_MAX 256      /* bytes of the error text, NUL included; longer is cut */
#define RECORDING_NAME_MAX 64        /* bytes of a file name, NUL included */
#define RECORDING_FILES_MAX 64       /* files of one recording */
#define RECORDING_STORE_INVALID (-2) /* a value refused (nothing written) */

typedef enum {
  RECORDING_RECORDING = 0,
  RECORDING_FINALIZING,
  RECORDING_READY,
  RECORDING_INCOMPLETE,
  RECORDING_FAILED,
  RECORDING_STATES /* how many states there are */
} recording_state;

typedef struct recording_rec {
  int64_t id;
  int64_t room_id;
  int64_t meeting_id;             /* 0: an ordinary room */
  int64_t started_by;             /* 0: the user is gone */
  int64_t started_at, stopped_at; /* unix seconds; stopped_at 0 while recording */
  recording_state state;
  bool degraded; /* the recorder lost packets (full queue, failed write) */
  char spool_dir[RECORDING_DIR_MAX];
  char out_dir[RECORDING_DIR_MAX];
  int64_t duration_ms, bytes;
  char error[RECORDING_ERROR_MAX]; /* why INCOMPLETE or FAILED, "" otherwise */
} recording_rec;

typedef struct recording_file {
  char name[RECORDING_NAME_MAX]; /* inside out_dir; see recording_file_name_valid */
  int64_t user_id;               /* 0 for the composite of the whole meeting */
  int64_t duration_ms, bytes;
  bool has_video, has_audio;
} recording_file;

/* What a finalize produced (state READY, INCOMPLETE or FAILED). */
typedef struct recording_result {
  recording_state state;
  int64_t duration_ms, bytes;
  int n_files; /* 0..RECORDING_FILES_MAX */
  const recording_file *files;
  const char *error; /* may be NULL */
} recording_result;

/* "recording", "finalizing", "ready", "incomplete", "failed". */
const char *recording_state_name(recording_state s);

/* A file name that may be kept and served: 1..63 bytes of [A-Za-z0-9._-], not starting with a
 * dot (so never "." or "..", and never a path). */
bool recording_file_name_valid(const char *name);

/* Makes a RECORDING row for room_id (meeting_id 0 for an ordinary room) started by started_by at
 * `at`, whose spool directory is "<base_dir>/<id>/spool" and output directory
 * "<base_dir>/<id>/files" (base_dir absolute, without a trailing slash). Fills *out (when not
 * NULL) and returns the id; RECORDING_STORE_INVALID when base_dir is not absolute or the paths
 * would not fit; -1 on error. Runs in the caller's transaction when one is open. */
int64_t recording_store_create(moa_db *db, int64_t room_id, int64_t meeting_id, int64_t started_by,
                               int64_t at, const char *base_dir, recording_rec *out);

/* RECORDING -> FINALIZING with stopped_at = at. 1 done, 0 the recording is not RECORDING (or
 * does not exist), -1. */
int recording_store_stop(moa_db *db, int64_t id, int64_t at);

/* Sets the degraded flag. 1 done (also when it was set), 0 no such recording, -1. */
int recording_store_set_degraded(moa_db *db, int64_t id);

/* Records what a finalize produced: the state, duration, size, error text and the files (the
 * previous files of the recording are replaced), in one transaction. A row still RECORDING gets
 * stopped_at set too (a crash recovery). 1 done, 0 no such recording, RECORDING_STORE_INVALID
 * (state not READY/INCOMPLETE/FAILED, too many files, a bad name, a negative size, the same
 * name twice), -1; nothing is written unless 1. */
int recording_store_finalized(moa_db *db, int64_t id, const recording_result *res);

/* 1 and *out, 0 no such recording, -1. */
int recording_store_get(moa_db *db, int64_t id, recording_rec *out);

/* The files of a recording, by name, at most max into out. Returns how many (0..max), -1. */
int recording_store_files(moa_db *db, int64_t id, recording_file *out, int max);
/* One file of a recording by its exact name. 1 and *out, 0 none (also for an invalid name), -1. */
int recording_store_file(moa_db *db, int64_t id, const char *name, recording_file *out);

/* Recordings of a meeting / of a room, newest first, at most max into out: how many, or -1. */
int recording_store_list_meeting(moa_db *db, int64_t meeting_id, recording_rec *out, int max);
int recording_store_list_room(moa_db *db, int64_t room_id, recording_rec *out, int max);
/* Rows left RECORDING or FINALIZING (oldest first): what a restart must finalize. */
int recording_store_unfinished(moa_db *db, recording_rec *out, int max);
/* Finished recordings (READY, INCOMPLETE, FAILED) started before `before`, oldest first: what
 * retention removes. */
int recording_store_older_than(moa_db *db, int64_t before, recording_rec *out, int max);

/* Deletes the row and its files' rows (not the files on disk: the caller removes out_dir and
 * spool_dir). 1 deleted, 0 no such recording, -1. */
int recording_store_delete(moa_db *db, int64_t id);

/* For /metrics: the bytes of all finished files and the number of recordings in each state
 * (count[RECORDING_STATES]). 0, or -1. */
int recording_store_totals(moa_db *db, int64_t *bytes, int64_t count[RECORDING_STATES]);

#endif
