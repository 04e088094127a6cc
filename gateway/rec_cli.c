/* `moa rec finalize SPOOL_DIR [--out DIR] [--no-composite] [--ffmpeg PATH]` (see rec_cli.h):
 * parses the command line itself (its switches take no value, unlike main.c's options), runs
 * rec_finalize and prints one line per file written and the state. */
#include "gateway/rec_cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "gateway/rec_finalize.h"

static const char help[] =
    "Usage: moa rec finalize SPOOL_DIR [--out DIR] [--no-composite] [--ffmpeg PATH]\n"
    "\n"
    "Turns a recording's spool files (SPOOL_DIR/*.moarec, one per track, docs/RECORDING.md) into\n"
    "one WebM per participant (<user_id>.webm, VP8 + Opus, not transcoded) and a composite of the\n"
    "whole meeting (" REC_FIN_COMPOSITE_NAME
    ": a grid of the videos and the audio mixed, encoded by ffmpeg).\n"
    "\n"
    "  --out DIR        where to write the files (created if absent; default: SPOOL_DIR)\n"
    "  --no-composite   write only the participants' files\n"
    "  --ffmpeg PATH    the ffmpeg to run for the composite (default: ffmpeg from PATH)\n"
    "  -h, --help       this text\n"
    "\n"
    "Prints each file with its duration and size, then the state. Exit status: 0 complete,\n"
    "1 incomplete (files written, but a spool was cut short or damaged, or the composite\n"
    "failed: the reason is printed), 2 failed (nothing playable) or a usage error.\n";

static int usage(const char *msg) {
  fprintf(stderr, "moa rec: %s\nTry 'moa rec finalize --help'.\n", msg);
  return 2;
}

static int cmd_finalize(int argc, char **argv) {
  const char *spool_dir = NULL, *out = NULL;
  rec_fin_options opt = {.composite = true, .ffmpeg = NULL};
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      fputs(help, stdout);
      return 0;
    } else if (!strcmp(a, "--no-composite")) {
      opt.composite = false;
    } else if (!strcmp(a, "--out") || !strcmp(a, "--ffmpeg")) {
      if (i + 1 >= argc || !argv[i + 1][0]) {
        char msg[64];
        snprintf(msg, sizeof msg, "%s needs a value", a);
        return usage(msg);
      }
      if (!strcmp(a, "--out"))
        out = argv[++i];
      else
        opt.ffmpeg = argv[++i];
    } else if (!strncmp(a, "--out=", 6) && a[6]) {
      out = a + 6;
    } else if (!strncmp(a, "--ffmpeg=", 9) && a[9]) {
      opt.ffmpeg = a + 9;
    } else if (a[0] == '-') {
      char msg[300];
      snprintf(msg, sizeof msg, "unknown option '%.200s'", a);
      return usage(msg);
    } else if (spool_dir) {
      return usage("one SPOOL_DIR only");
    } else {
      spool_dir = a;
    }
  }
  if (!spool_dir) return usage("SPOOL_DIR is missing");
  if (!out) out = spool_dir;
  static rec_fin_result res; /* 20 KiB: not on the stack */
  rec_finalize(spool_dir, out, &opt, &res);
  for (int i = 0; i < res.n_files; i++) {
    const rec_fin_file *f = &res.files[i];
    printf("%s/%s  %" PRId64 ".%03d s  %" PRIu64 " bytes  %s%s%s\n", out, f->name, f->duration_ms / 1000,
           (int)(f->duration_ms % 1000), f->bytes, f->has_video ? "video" : "",
           f->has_video && f->has_audio ? "+" : "", f->has_audio ? "audio" : "");
  }
  static const char *const names[] = {"complete", "incomplete", "failed"};
  printf("%s: %d files, %" PRId64 ".%03d s, %" PRIu64 " bytes\n", names[res.state], res.n_files,
         res.duration_ms / 1000, (int)(res.duration_ms % 1000), res.bytes);
  if (res.error[0]) fprintf(stderr, "moa rec finalize: %s\n", res.error);
  return (int)res.state;
}

int rec_cli_main(int argc, char **argv) {
  if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
    fputs(help, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  if (!strcmp(argv[1], "finalize")) return cmd_finalize(argc - 1, argv + 1);
  char msg[300];
  snprintf(msg, sizeof msg, "unknown command 'rec %.200s'", argv[1]);
  return usage(msg);
}
