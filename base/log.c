/* Logging (see log.h). Identical lines are rate-limited: a line repeated within
 * LOG_REPEAT_WINDOW_MS of its first showing is counted, not written, and once the window is over
 * one line says how many were left out ("... [N more in 10 s]"). The eight most recent distinct
 * lines are remembered, so a few interleaved repeating lines are all caught. log_write may be
 * called from any thread: a mutex guards the memory and the write. */
#include "base/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"

#define LOG_REPEAT_WINDOW_MS 10000
#define RECENT 8

static log_level current = LOG_LEVEL_INFO;
static const char *const names[] = {"debug", "info", "warn", "error"};

typedef struct recent_line {
  char msg[1024]; /* "" = unused */
  log_level level;
  uint64_t window_start_ms, last_ms;
  unsigned suppressed;
} recent_line;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static recent_line recent[RECENT];

void log_set_level(log_level level) { current = level; }
log_level log_get_level(void) { return current; }

int log_parse_level(const char *s, log_level *out) {
  for (int i = 0; i < 4; i++)
    if (strcmp(s, names[i]) == 0) {
      *out = (log_level)i;
      return 0;
    }
  return -1;
}

static void emit(log_level level, const char *msg, unsigned suppressed) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  struct tm tm;
  gmtime_r(&ts.tv_sec, &tm);
  char more[64] = "";
  if (suppressed) snprintf(more, sizeof more, " [%u more in %d s]", suppressed, LOG_REPEAT_WINDOW_MS / 1000);
  fprintf(stderr, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %-5s %s%s\n", tm.tm_year + 1900, tm.tm_mon + 1,
          tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, names[level], msg, more);
}

/* Reports what r left out, and forgets the count. Caller holds mu. */
static void report(recent_line *r) {
  if (r->msg[0] && r->suppressed) emit(r->level, r->msg, r->suppressed);
  r->suppressed = 0;
}

void log_write(log_level level, const char *fmt, ...) {
  if (level < current) return;
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  uint64_t now = mono_ms();
  pthread_mutex_lock(&mu);
  recent_line *r = NULL, *lru = &recent[0];
  for (int i = 0; i < RECENT; i++) {
    if (recent[i].msg[0] && recent[i].level == level && strcmp(recent[i].msg, msg) == 0) {
      r = &recent[i];
      break;
    }
    if (recent[i].last_ms < lru->last_ms) lru = &recent[i];
  }
  if (r && now - r->window_start_ms < LOG_REPEAT_WINDOW_MS) {
    r->suppressed++;
    r->last_ms = now;
    pthread_mutex_unlock(&mu);
    return;
  }
  if (r) {
    report(r);
  } else {
    r = lru;
    report(r);
    snprintf(r->msg, sizeof r->msg, "%s", msg);
    r->level = level;
  }
  r->window_start_ms = r->last_ms = now;
  emit(level, msg, 0);
  pthread_mutex_unlock(&mu);
}

void log_flush_repeats(void) {
  uint64_t now = mono_ms();
  pthread_mutex_lock(&mu);
  for (int i = 0; i < RECENT; i++)
    if (recent[i].suppressed && now - recent[i].window_start_ms >= LOG_REPEAT_WINDOW_MS) {
      report(&recent[i]);
      recent[i].window_start_ms = now; /* a repeat now still counts as within a window */
    }
  pthread_mutex_unlock(&mu);
}
