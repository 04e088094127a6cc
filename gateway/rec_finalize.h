/* Finalizing a recording: the spool files of one recording (docs/RECORDING.md, one .moarec per
 * track) become one WebM per participant (VP8 + Opus, remuxed with libavformat, never
 * transcoded: reordered, reassembled into frames, starting on a key frame, incomplete frames
 * dropped, every track placed on the recording's common clock) and a composite WebM of the whole
 * meeting (grid video + mixed audio, made by Debian's ffmpeg as a separate low-priority process).
 * A spool cut short (SIGKILL, full disk) finalizes up to its last complete frame.
 *
 * Runs off the signaling and media threads (a job thread or `moa rec finalize`): it blocks on
 * disk and on the ffmpeg child. It reports into the result, never logs. */
#ifndef MOA_GATEWAY_REC_FINALIZE_H
#define MOA_GATEWAY_REC_FINALIZE_H

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

/* Reads every *.moarec in spool_dir and writes the WebM files into out_dir (created if absent;
 * existing files of the same names are replaced atomically: written to a temporary name, then
 * renamed). Returns 0 when res->state is COMPLETE or INCOMPLETE, -1 when FAILED; res is always
 * filled. */
int rec_finalize(const char *spool_dir, const char *out_dir, const rec_fin_options *opt, rec_fin_result *res);

#endif
