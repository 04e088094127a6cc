/* The monotonic clock (CLOCK_MONOTONIC): time since an arbitrary start, never set back, for
 * deadlines, intervals and rate limits. Not wall-clock time (use CLOCK_REALTIME for that).
 * Static inline: the media workers read it once per loop turn. Thread-safe. */
#ifndef MOA_BASE_CLOCK_H
#define MOA_BASE_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Nanoseconds of CLOCK_MONOTONIC. */
static inline int64_t mono_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Microseconds of CLOCK_MONOTONIC. */
static inline int64_t mono_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Milliseconds of CLOCK_MONOTONIC. */
static inline uint64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

#endif
