/* The composite recording through an ffmpeg child process (see rec_composite.h). */
#include "gateway/rec_composite.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"

void rec_composite_free_args(char **argv) {
  if (!argv) return;
  for (char **a = argv; *a; a++) free(*a);
  free(argv);
}

/* A growing string for the filter graph. */
typedef struct {
  char *s;
  size_t len, cap;
  bool oom;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...) {
  if (b->oom) return;
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
      b->oom = true;
      return;
    }
    if (b->s && b->len + (size_t)n < b->cap) {
      b->len += (size_t)n;
      return;
    }
    size_t cap = b->cap ? b->cap * 2 : 1024;
    while (cap < b->len + (size_t)n + 1) cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s) {
      b->oom = true;
      return;
    }
    b->s = s;
    b->cap = cap;
  }
}

char **rec_composite_args(const char *ffmpeg, const rec_comp_input *in, int n, const char *out_path) {
  int nv = 0, na = 0;
  for (int i = 0; i < n; i++) {
    nv += in[i].video;
    na += in[i].audio;
  }
  if (n > REC_COMP_MAX_INPUTS || (nv == 0 && na == 0)) return NULL;
  int cols = 1;
  while (cols * cols < nv) cols++;

  sbuf g = {0};
  int k = 0;
  for (int i = 0; i < n; i++) {
    if (!in[i].video) continue;
    /* scale first: a key frame of another size reconfigures it (-reinit_filter 0 keeps the rest
     * of the graph, whose timestamps would otherwise restart) */
    sb_printf(
        &g,
        "[%d:v]scale=%d:%d:force_original_aspect_ratio=decrease,pad=%d:%d:(ow-iw)/2:(oh-ih)/2:color=black,"
        "setsar=1,fps=%d:start_time=0[v%d];",
        i, REC_COMP_CELL_W, REC_COMP_CELL_H, REC_COMP_CELL_W, REC_COMP_CELL_H, REC_COMP_FPS, k++);
  }
  if (nv == 1) {
    sb_printf(&g, "[v0]null[v];");
  } else if (nv > 1) {
    for (int j = 0; j < nv; j++) sb_printf(&g, "[v%d]", j);
    sb_printf(&g, "xstack=inputs=%d:fill=black:layout=", nv);
    for (int j = 0; j < nv; j++)
      sb_printf(&g, "%s%d_%d", j ? "|" : "", (j % cols) * REC_COMP_CELL_W, (j / cols) * REC_COMP_CELL_H);
    sb_printf(&g, "[v];");
  }
  k = 0;
  for (int i = 0; i < n; i++)
    if (in[i].audio) sb_printf(&g, "[%d:a]aresample=async=1:first_pts=0[a%d];", i, k++);
  if (na == 1) {
    sb_printf(&g, "[a0]anull[a]");
  } else if (na > 1) {
    for (int j = 0; j < na; j++) sb_printf(&g, "[a%d]", j);
    sb_printf(&g, "amix=inputs=%d:duration=longest:dropout_transition=0:normalize=0[a]", na);
  }
  if (g.oom) {
    free(g.s);
    return NULL;
  }
  if (g.len && g.s[g.len - 1] == ';') g.s[--g.len] = '\0';

  const char *head[] = {ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-copyts"};
  const char *tail_v[] = {"-map",      "[v]", "-c:v", "libvpx", "-deadline", "realtime",
                          "-cpu-used", "8",   "-b:v", "1M",     "-g",        "60"};
  const char *tail_a[] = {"-map", "[a]", "-c:a", "libopus", "-b:a", "96k"};
  const char *tail[] = {"-f", "webm", out_path};
  size_t nargs = sizeof head / sizeof *head + (size_t)n * 4 + 2 + sizeof tail_v / sizeof *tail_v +
                 sizeof tail_a / sizeof *tail_a + sizeof tail / sizeof *tail + 1;
  char **argv = calloc(nargs, sizeof *argv);
  if (!argv) {
    free(g.s);
    return NULL;
  }
  size_t a = 0;
  bool oom = false;
#define ADD(x)                                \
  do {                                        \
    if (!(argv[a++] = strdup(x))) oom = true; \
  } while (0)
  for (size_t i = 0; i < sizeof head / sizeof *head; i++) ADD(head[i]);
  for (int i = 0; i < n; i++) {
    ADD("-reinit_filter");
    ADD("0");
    ADD("-i");
    ADD(in[i].path);
  }
  ADD("-filter_complex");
  ADD(g.s);
  if (nv)
    for (size_t i = 0; i < sizeof tail_v / sizeof *tail_v; i++) ADD(tail_v[i]);
  if (na)
    for (size_t i = 0; i < sizeof tail_a / sizeof *tail_a; i++) ADD(tail_a[i]);
  for (size_t i = 0; i < sizeof tail / sizeof *tail; i++) ADD(tail[i]);
#undef ADD
  free(g.s);
  if (oom) {
    for (size_t i = 0; i < a; i++) free(argv[i]);
    free(argv);
    return NULL;
  }
  return argv;
}

/* argv0 itself if it has a slash, else the first executable of that name in PATH. */
static bool resolve(const char *argv0, char *out, size_t outlen) {
  if (strchr(argv0, '/')) {
    snprintf(out, outlen, "%s", argv0);
    return access(out, X_OK) == 0;
  }
  const char *path = getenv("PATH");
  if (!path) path = "/usr/local/bin:/usr/bin:/bin";
  while (*path) {
    size_t n = strcspn(path, ":");
    if (n > 0 && (size_t)snprintf(out, outlen, "%.*s/%s", (int)n, path, argv0) < outlen &&
        access(out, X_OK) == 0)
      return true;
    path += n;
    if (*path == ':') path++;
  }
  return false;
}

#define TAIL_BYTES 1024

int rec_composite_run(char **argv, int timeout_s, char *err, size_t errlen) {
  char exe[1024];
  if (!resolve(argv[0], exe, sizeof exe)) {
    snprintf(err, errlen, "cannot run %s: not found or not executable", argv[0]);
    return -1;
  }
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) != 0) {
    snprintf(err, errlen, "cannot run %s: pipe: %s", exe, strerror(errno));
    return -1;
  }
  pid_t parent = getpid(), pid = fork();
  if (pid < 0) {
    snprintf(err, errlen, "cannot run %s: fork: %s", exe, strerror(errno));
    close(pipefd[0]);
    close(pipefd[1]);
    return -1;
  }
  if (pid == 0) {
    /* the child: only async-signal-safe calls until exec. It dies with the server (SIGKILL
     * included): an orphan still writing the composite's temporary file would race the finalize
     * that the restarted server runs again over the same directory. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127); /* the server died before prctl */
    setpriority(PRIO_PROCESS, 0, 19);
    int devnull = open("/dev/null", O_RDWR);
    if (devnull >= 0) {
      dup2(devnull, 0);
      dup2(devnull, 1);
    }
    dup2(pipefd[1], 2);
    close_range(3, ~0U, 0);
    execv(exe, argv);
    static const char msg[] = "exec failed\n";
    if (write(2, msg, sizeof msg - 1) < 0) _exit(127);
    _exit(127);
  }
  close(pipefd[1]);
  char tail[TAIL_BYTES];
  size_t tlen = 0;
  int64_t deadline = (int64_t)mono_ms() + (int64_t)timeout_s * 1000;
  bool timed_out = false, eof = false, exited = false;
  int64_t drain_until = 0; /* after the exit: what it wrote is still in the pipe, read it (1 s at most) */
  int status = 0;
  for (;;) {
    int64_t now = (int64_t)mono_ms(), left = deadline - now;
    if (!exited && left <= 0) {
      timed_out = true;
      break;
    }
    if (eof || (exited && now >= drain_until)) {
      if (exited) break;
      struct timespec ts = {0, 50 * 1000000};
      nanosleep(&ts, NULL);
    } else {
      struct pollfd p = {.fd = pipefd[0], .events = POLLIN};
      int r = poll(&p, 1, exited ? 100 : left > 500 ? 500 : (int)left);
      if (r > 0) {
        char buf[512];
        ssize_t got = read(pipefd[0], buf, sizeof buf);
        if (got <= 0) {
          eof = true;
        } else {
          /* keep the last TAIL_BYTES (> one read): the end says why it failed */
          if (tlen + (size_t)got > sizeof tail) {
            size_t drop = tlen + (size_t)got - sizeof tail;
            memmove(tail, tail + drop, tlen - drop);
            tlen -= drop;
          }
          memcpy(tail + tlen, buf, (size_t)got);
          tlen += (size_t)got;
        }
      }
    }
    if (!exited) {
      pid_t w = waitpid(pid, &status, WNOHANG);
      if (w == pid || (w < 0 && errno != EINTR)) {
        exited = true;
        drain_until = (int64_t)mono_ms() + 1000;
      }
    }
  }
  if (timed_out) {
    kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  close(pipefd[0]);
  /* the last non-empty lines of what it printed, on one line */
  while (tlen && (tail[tlen - 1] == '\n' || tail[tlen - 1] == '\r' || tail[tlen - 1] == ' ')) tlen--;
  for (size_t i = 0; i < tlen; i++)
    if (tail[i] == '\n' || tail[i] == '\r') tail[i] = ' ';
  size_t show = tlen > 160 ? 160 : tlen;
  if (timed_out) {
    snprintf(err, errlen, "%s timed out after %d s (killed)%s%.*s", exe, timeout_s, show ? ": " : "",
             (int)show, tail + tlen - show);
    return -1;
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
  if (WIFEXITED(status))
    snprintf(err, errlen, "%s exited with status %d%s%.*s", exe, WEXITSTATUS(status), show ? ": " : "",
             (int)show, tail + tlen - show);
  else
    snprintf(err, errlen, "%s was killed by signal %d%s%.*s", exe, WIFSIGNALED(status) ? WTERMSIG(status) : 0,
             show ? ": " : "", (int)show, tail + tlen - show);
  return -1;
}
