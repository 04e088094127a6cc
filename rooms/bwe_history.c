/* Send history for transport-wide congestion control (see bwe_history.h). */
#include "rooms/bwe_history.h"

#include <string.h>

void bwe_history_init(bwe_history *h, uint16_t first_seq) {
  memset(h, 0, sizeof *h);
  h->next_seq = first_seq;
}

uint16_t bwe_history_add(bwe_history *h, int64_t send_us, size_t size, int probe_id) {
  uint16_t seq = h->next_seq++;
  bwe_history_entry *x = &h->e[seq & (BWE_HISTORY_SIZE - 1)];
  x->send_us = send_us;
  x->probe_id = probe_id;
  x->seq = seq;
  x->size = (uint16_t)(size > 65535 ? 65535 : size);
  x->state = 1;
  return seq;
}

size_t bwe_history_resolve(bwe_history *h, const twcc_packet *fb, size_t n, int64_t arrival_offset_us,
                           bwe_packet *out, size_t cap) {
  size_t k = 0;
  for (size_t i = 0; i < n && k < cap; i++) {
    bwe_history_entry *x = &h->e[fb[i].seq & (BWE_HISTORY_SIZE - 1)];
    if (x->state == 0 || x->seq != fb[i].seq) {
      h->unknown++;
      continue;
    }
    if (x->state == 2) continue; /* already counted as received */
    /* A packet sent long ago under the same low bits would have been overwritten; one not yet
     * sent (a seq ahead of next_seq) has state 0 or an older seq: both are skipped above. */
    out[k].send_us = x->send_us;
    out[k].size = x->size;
    out[k].received = fb[i].received;
    out[k].arrival_us = fb[i].received ? fb[i].arrival_us + arrival_offset_us : 0;
    out[k].probe_id = x->probe_id;
    if (fb[i].received) x->state = 2;
    k++;
  }
  return k;
}
