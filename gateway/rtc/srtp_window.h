/* Replay window of one SRTP or SRTCP stream (RFC 3711 3.3.2): which of the last
 * SRTP_WINDOW_BITS packet indices have been accepted, relative to the highest one. A ring of
 * bits indexed by index % SRTP_WINDOW_BITS; moving the top forward clears the bits it passes.
 * Plain data owned by its stream (gateway/rtc/srtp.c), no allocation; zero-initialised means
 * "nothing accepted yet". Indices are 48-bit SRTP indices (ROC << 16 | SEQ) or 31-bit SRTCP
 * indices. */
#ifndef MOA_GATEWAY_RTC_SRTP_WINDOW_H
#define MOA_GATEWAY_RTC_SRTP_WINDOW_H

#include <stdbool.h>
#include <stdint.h>

#define SRTP_WINDOW_BITS 1024 /* a power of two, a multiple of 64 */

typedef struct {
  uint64_t top; /* highest index accepted; meaningless while !any */
  bool any;     /* an index was accepted */
  uint64_t bits[SRTP_WINDOW_BITS / 64];
} srtp_window;

/* Returns 0 if `index` may be accepted (newer than the top, or inside the window and not seen),
 * -1 if it was accepted already or is SRTP_WINDOW_BITS or more below the top. Changes nothing. */
int srtp_window_check(const srtp_window *w, uint64_t index);

/* Records `index` as accepted, moving the top forward if it is newer. The caller has checked it
 * (srtp_window_check) and authenticated the packet. An index below the window is ignored. */
void srtp_window_add(srtp_window *w, uint64_t index);

#endif
