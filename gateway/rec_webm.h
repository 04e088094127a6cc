/* The WebM file of one participant, muxed by libavformat (Debian's libavformat, the "webm"
 * muxer): a VP8 track and/or an Opus track, frames copied as they are (never transcoded), with
 * millisecond timestamps on the recording's timeline. Written to a temporary name beside the
 * final one and renamed into place by rec_webm_finish, so a reader never sees a half-written
 * file and an existing file of that name is replaced atomically.
 *
 * Also: reading back a WebM's duration and tracks (rec_webm_probe), used on every file the
 * finalizer writes, the composite included. Owned by one thread; errors go into the caller's
 * buffer, never to a log (libavformat's own logging is silenced by rec_webm_quiet). */
#ifndef MOA_GATEWAY_REC_WEBM_H
#define MOA_GATEWAY_REC_WEBM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct rec_webm rec_webm;

/* Silences libavformat's log (process-wide; it would otherwise print to stderr). */
void rec_webm_quiet(void);

/* The 19-byte OpusHead (RFC 7845 5.1) a WebM Opus track carries as CodecPrivate: version 1, the
 * channel count, pre-skip 0, 48000 Hz input rate, gain 0, mapping family 0. */
#define REC_OPUS_HEAD_LEN 19
void rec_webm_opus_head(uint8_t out[REC_OPUS_HEAD_LEN], int channels);

/* Creates path's temporary sibling and writes the header: a VP8 track of width x height if
 * video, an Opus 48 kHz stereo track if audio (at least one). Returns the writer, or NULL with
 * err filled (nothing left on disk). */
rec_webm *rec_webm_open(const char *path, bool video, uint16_t width, uint16_t height, bool audio, char *err,
                        size_t errlen);

/* One frame: video (VP8, key flag) or audio (one Opus packet of dur_ms). Times must increase
 * within a track. Returns 0, or -1 with err filled (the file is then to be abandoned). */
int rec_webm_write(rec_webm *w, bool video, int64_t pts_ms, int64_t dur_ms, bool key, const uint8_t *data,
                   size_t len, char *err, size_t errlen);

/* Ends the file. keep: write the trailer and rename it into place (returns 0, or -1 with err
 * filled and the temporary removed); !keep: remove the temporary (returns 0). Frees w. */
int rec_webm_finish(rec_webm *w, bool keep, char *err, size_t errlen);

/* Opens a WebM (any file libavformat reads) and reports its duration (ms, the container's) and
 * whether it has a video and an audio stream. Returns 0, or -1 with err filled. */
int rec_webm_probe(const char *path, int64_t *duration_ms, bool *has_video, bool *has_audio, char *err,
                   size_t errlen);

#endif
