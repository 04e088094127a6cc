/* Sequence-number arithmetic modulo 2^16 (RTP sequence numbers, TWCC, NACK) and 2^32 (RTP
 * timestamps): which of two values is newer, their signed distance, and extension of 16-bit
 * values to 64 bits across wrap-around. Static inline (except the unwrapper): they are on the
 * packet path. */
#ifndef MOA_BASE_SEQ_H
#define MOA_BASE_SEQ_H

#include <stdbool.h>
#include <stdint.h>

/* True if a is newer than b modulo 2^16 (a - b in 1..32767; for the ambiguous distance 32768
 * the numerically larger one is newer, as libwebrtc does). */
static inline bool seq16_newer(uint16_t a, uint16_t b) {
  uint16_t d = (uint16_t)(a - b);
  return d == 0x8000 ? a > b : (d != 0 && d < 0x8000);
}

/* The same for 32-bit values (RTP timestamps). */
static inline bool seq32_newer(uint32_t a, uint32_t b) {
  uint32_t d = a - b;
  return d == 0x80000000u ? a > b : (d != 0 && d < 0x80000000u);
}

/* Signed distance from b to a modulo 2^16: positive (1..32768) when a is newer by
 * seq16_newer()'s rule, 0 when equal, negative (-32768..-1) when a is older; b + delta == a
 * modulo 2^16. */
static inline int32_t seq16_delta(uint16_t a, uint16_t b) {
  uint16_t d = (uint16_t)(a - b);
  if (d == 0) return 0;
  return seq16_newer(a, b) ? (int32_t)d : (int32_t)d - 65536;
}

/* Extends 16-bit sequence numbers to 64 bits across wrap-around: each value is placed nearest
 * to the previous one. The first value maps to itself; values before it may be negative.
 * Zero-initialise, one per stream. */
typedef struct {
  int64_t last;
  bool started;
} seq16_unwrapper;

/* Returns seq extended to 64 bits, and remembers it as the previous value. */
int64_t seq16_unwrap(seq16_unwrapper *u, uint16_t seq);

#endif
