/* The composite recording of a meeting: the participants' WebM files (rec_webm.h, all on the
 * recording's timeline) become one WebM with a grid of their videos and their audio mixed, made
 * by Debian's ffmpeg as a child process. This is the one place a recording is transcoded (libvpx
 * and libopus), off the media path: the child runs at nice 19, without a shell, with a timeout,
 * and what it printed on stderr becomes the error when it fails.
 *
 * rec_composite_args is pure (the argument vector); rec_composite_run forks and waits. Neither
 * logs. */
#ifndef MOA_GATEWAY_REC_COMPOSITE_H
#define MOA_GATEWAY_REC_COMPOSITE_H

#include <stdbool.h>
#include <stddef.h>

#define REC_COMP_CELL_W 320 /* one participant's cell in the grid */
#define REC_COMP_CELL_H 240
#define REC_COMP_FPS 15
#define REC_COMP_MAX_INPUTS 64

typedef struct {
  const char *path;
  bool video, audio;
} rec_comp_input;

/* The ffmpeg arguments (argv[0] = ffmpeg, NULL-terminated) that write out_path (WebM) from the
 * inputs: videos scaled into REC_COMP_CELL_W x REC_COMP_CELL_H cells (aspect kept, black bars),
 * each filled from the recording's start (timestamps kept: -copyts) and laid out in a grid of
 * ceil(sqrt(n)) columns; audio resampled onto the same start, gaps filled with silence, and
 * mixed. Returns a heap vector (free with rec_composite_free_args), or NULL if no input has
 * video or audio, there are more than REC_COMP_MAX_INPUTS, or out of memory. */
char **rec_composite_args(const char *ffmpeg, const rec_comp_input *in, int n, const char *out_path);
void rec_composite_free_args(char **argv);

/* Runs argv (argv[0] a path, or a name looked up in PATH) at nice 19 with stdin and stdout on
 * /dev/null and every other descriptor closed; kills it (SIGKILL) after timeout_s seconds.
 * Returns 0 if it exited with status 0; else -1 with err filled: "cannot run", "timed out" or its
 * exit status, followed by the end of its stderr. */
int rec_composite_run(char **argv, int timeout_s, char *err, size_t errlen);

#endif
