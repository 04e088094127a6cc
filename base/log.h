/* Logging: one line per event to stderr, "LEVEL time message", filtered by a global level
 * that is set once at start-up (before threads start) and only read afterwards. A line identical
 * to one written less than 10 s before is not written again but counted, and the count is written
 * when that window ends ("... [N more in 10 s]"): a loop that fails the same way cannot flood the
 * log. Thread-safe. */
#ifndef MOA_BASE_LOG_H
#define MOA_BASE_LOG_H

typedef enum { LOG_LEVEL_DEBUG, LOG_LEVEL_INFO, LOG_LEVEL_WARN, LOG_LEVEL_ERROR } log_level;

void log_set_level(log_level level);
log_level log_get_level(void);
/* Parses "debug", "info", "warn" or "error"; returns 0, or -1 for anything else. */
int log_parse_level(const char *s, log_level *out);
void log_write(log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes the counts of repeated lines whose window has ended; call about every 100 ms. */
void log_flush_repeats(void);

#define log_debug(...) log_write(LOG_LEVEL_DEBUG, __VA_ARGS__)
#define log_info(...) log_write(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_warn(...) log_write(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_error(...) log_write(LOG_LEVEL_ERROR, __VA_ARGS__)

#endif
