/* Finalizing a recording: the spool files of one recording (docs/RECORDING.md, one .moarec per
 * track) become one WebM per participant (VP8 + Opus, remuxed with libavformat, never
 * transcoded: reordered, reassembled into frames, starting on a key frame, incomplete frames
 * dropped, every track placed on the recording's common clock) and a composite WebM of the whole
 * meeting (grid video + mixed audio, made by Debian's ffmpeg as a separate low-priority process).
 * A spool cut short (SIGKILL, full disk) finalizes up to its last complete frame.
 *
 * Runs off the signaling and media threads (a job thread or `moa rec finalize`): it blocks on
 * disk and on the ffmpeg child. It reports into the result, never logs. Its result and options
 * types are signaling/rec_finalizer.h's (rec_finalize is a rec_finalizer, which gateway/main.c
 * hands to the hub). */
#ifndef MOA_GATEWAY_REC_FINALIZE_H
#define MOA_GATEWAY_REC_FINALIZE_H

#include "signaling/rec_finalizer.h"

/* Reads every *.moarec in spool_dir and writes the WebM files into out_dir (created if absent;
 * existing files of the same names are replaced atomically: written to a temporary name, then
 * renamed). Returns 0 when res->state is COMPLETE or INCOMPLETE, -1 when FAILED; res is always
 * filled. */
int rec_finalize(const char *spool_dir, const char *out_dir, const rec_fin_options *opt, rec_fin_result *res);

#endif
