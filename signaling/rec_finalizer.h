/* What finalizing a recording reports, as signaling/meeting_record.h sees it: the result of
 * turning one recording's spools into files (its state, duration, size and files), the options a
 * finalize is asked with, and the type of the function that does it. The finalizer itself needs
 * libavformat and an ffmpeg child, so it lives in the gateway (gateway/rec_finalize.h implements
 * this type) and gateway/main.c hands it down (hub_options.rec_finalize); a unit test hands down
 * its own. Types only: nothing here has state. */
#ifndef MOA_SIGNALING_REC_FINALIZER_H
#define MOA_SIGNALING_REC_FINALIZER_H

#include <stdbool.h>
#include <stdint.h>

#define REC_FIN_MAX_FILES 64
#define REC_FIN_COMPOSITE_NAME "meeting.webm"

typedef enum {
  REC_FIN_COMPLETE = 0,   /* every spool read to its end, every file written */
  REC_FIN_INCOMPLETE = 1, /* files written, but a spool was cut short or damaged, or the composite failed */
  REC_FIN_FAILED = 2,     /* no playable file (no spool, no key frame, output not writable...) */
} rec_fin_state;

typedef struct {
  char name[64];    /* file name inside out_dir: "<user_id>.webm" ("<user_id>-v1.webm" / "-a1.webm" for a
                     * second camera or microphone at the same time) or REC_FIN_COMPOSITE_NAME */
  uint64_t user_id; /* the participant; 0 for the composite */
  int64_t duration_ms;
  uint64_t bytes;
  bool has_video, has_audio;
} rec_fin_file;

typedef struct {
  rec_fin_state state;
  int64_t duration_ms; /* of the whole recording (longest file) */
  uint64_t bytes;      /* all files together */
  int n_files;
  rec_fin_file files[REC_FIN_MAX_FILES];
  char error[256]; /* why INCOMPLETE or FAILED, for the host ("" when COMPLETE) */
} rec_fin_result;

typedef struct {
  bool composite;     /* also make REC_FIN_COMPOSITE_NAME with ffmpeg */
  const char *ffmpeg; /* path of the ffmpeg binary; NULL: "ffmpeg" from PATH */
} rec_fin_options;

/* Turns the spools in spool_dir into files in out_dir, filling res (always). Returns 0 when
 * res->state is COMPLETE or INCOMPLETE, -1 when FAILED. Blocking: called on a job thread. */
typedef int (*rec_finalizer)(const char *spool_dir, const char *out_dir, const rec_fin_options *opt,
                             rec_fin_result *res);

#endif
