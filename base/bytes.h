/* Big-endian (network byte order) integers in byte buffers, as the wire formats (RTP, RTCP,
 * STUN, SRTP, DTLS records, RFC 4571 framing) lay them out. Static inline: they are on the
 * packet path. The caller guarantees the bytes are there; nothing is bounds-checked here. */
#ifndef MOA_BASE_BYTES_H
#define MOA_BASE_BYTES_H

#include <stdint.h>

/* The 16-, 24- and 32-bit big-endian value at p[0..1], p[0..2], p[0..3]. */
static inline uint16_t be16_read(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t be24_read(const uint8_t *p) {
  return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}
static inline uint32_t be32_read(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Stores v big-endian at p[0..1], p[0..2] (the low 24 bits of v), p[0..3]. */
static inline void be16_write(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}
static inline void be24_write(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 16);
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)v;
}
static inline void be32_write(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

#endif
