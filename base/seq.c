/* Sequence-number arithmetic (see seq.h): the out-of-line part. */
#include "base/seq.h"

int64_t seq16_unwrap(seq16_unwrapper *u, uint16_t seq) {
  if (!u->started) {
    u->started = true;
    u->last = seq;
    return u->last;
  }
  /* low 16 bits of the previous value, also right for negative values */
  u->last += seq16_delta(seq, (uint16_t)u->last);
  return u->last;
}
