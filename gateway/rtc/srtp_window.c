/* Replay window (see srtp_window.h): a ring of SRTP_WINDOW_BITS bits. Advancing by d clears
 * the d slots the top passes over (all of them when d >= SRTP_WINDOW_BITS), so a slot always
 * holds the bit of the one index in [top - SRTP_WINDOW_BITS + 1, top] that maps to it. */
#include "gateway/rtc/srtp_window.h"

#include <string.h>

#define SRTP_WINDOW_MASK (SRTP_WINDOW_BITS - 1)

static bool window__get(const srtp_window *w, uint64_t index) {
  uint32_t slot = (uint32_t)(index & SRTP_WINDOW_MASK);
  return (w->bits[slot / 64] >> (slot % 64)) & 1u;
}

static void window__set(srtp_window *w, uint64_t index, bool on) {
  uint32_t slot = (uint32_t)(index & SRTP_WINDOW_MASK);
  uint64_t bit = (uint64_t)1 << (slot % 64);
  if (on)
    w->bits[slot / 64] |= bit;
  else
    w->bits[slot / 64] &= ~bit;
}

int srtp_window_check(const srtp_window *w, uint64_t index) {
  if (!w->any || index > w->top) return 0;
  if (w->top - index >= SRTP_WINDOW_BITS) return -1;
  return window__get(w, index) ? -1 : 0;
}

void srtp_window_add(srtp_window *w, uint64_t index) {
  if (!w->any) {
    memset(w->bits, 0, sizeof w->bits);
    w->top = index;
    w->any = true;
  } else if (index > w->top) {
    uint64_t d = index - w->top;
    if (d >= SRTP_WINDOW_BITS)
      memset(w->bits, 0, sizeof w->bits);
    else
      for (uint64_t i = w->top + 1; i < index; i++) window__set(w, i, false);
    w->top = index;
  } else if (w->top - index >= SRTP_WINDOW_BITS) {
    return;
  }
  window__set(w, index, true);
}
