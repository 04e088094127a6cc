/* Logging (see log.h). */
#include "gateway/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static log_level current = LOG_LEVEL_INFO;
static const char *const names[] = {"debug", "info", "warn", "error"};

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

void log_write(log_level level, const char *fmt, ...) {
  if (level < current) return;
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  struct tm tm;
  gmtime_r(&ts.tv_sec, &tm);
  fprintf(stderr, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %-5s %s\n", tm.tm_year + 1900, tm.tm_mon + 1,
          tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, names[level], msg);
}
