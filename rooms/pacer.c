/* The pacer toward one subscriber (see pacer.h). */
#include "rooms/pacer.h"

#include <stdlib.h>
#include <string.h>

/* The rate the budget refills at: the pacing rate, or faster while the backlog would take
 * longer than PACER_MAX_QUEUE_US to drain. */
static uint64_t effective_rate(const pacer *p) {
  uint64_t drain = p->bytes * 8u * 1000000u / PACER_MAX_QUEUE_US;
  return p->rate_bps > drain ? p->rate_bps : drain;
}

static int64_t burst_cap(const pacer *p) {
  int64_t cap = (int64_t)(effective_rate(p) * PACER_BURST_US / 8000000u);
  return cap > PACER_MIN_BURST_BYTES ? cap : PACER_MIN_BURST_BYTES;
}

void pacer_set_rate(pacer *p, uint64_t rate_bps) { p->rate_bps = rate_bps; }

void pacer_refill(pacer *p, int64_t now_us) {
  if (p->last_us == 0 || now_us < p->last_us) { /* the first call, or a clock that went back */
    p->last_us = now_us;
    p->budget = burst_cap(p);
    return;
  }
  int64_t dt = now_us - p->last_us;
  p->last_us = now_us;
  if (dt > PACER_MAX_QUEUE_US) dt = PACER_MAX_QUEUE_US; /* keeps the product in range */
  p->budget += (int64_t)(effective_rate(p) * (uint64_t)dt / 8000000u);
  int64_t cap = burst_cap(p);
  if (p->budget > cap) p->budget = cap;
}

bool pacer_take(pacer *p, size_t len) {
  if (p->count) return false;
  if (!p->rate_bps) return true;
  if (p->budget <= 0) return false;
  p->budget -= (int64_t)len;
  return true;
}

void pacer_charge(pacer *p, size_t len) {
  if (!p->rate_bps) return;
  p->budget -= (int64_t)len;
  int64_t floor = -(int64_t)(p->rate_bps * PACER_BURST_US * 10 / 8000000u); /* 100 ms of debt at most */
  if (p->budget < floor) p->budget = floor;
}

int pacer_push(pacer *p, const uint8_t *pkt, size_t len, int64_t now_us) {
  if (len > PACER_SLOT || p->count == PACER_CAP ||
      (!p->buf && !(p->buf = malloc((size_t)PACER_CAP * PACER_SLOT)))) {
    p->dropped++;
    return -1;
  }
  unsigned i = (p->head + p->count) % PACER_CAP;
  memcpy(p->buf + (size_t)i * PACER_SLOT, pkt, len);
  p->len[i] = (uint16_t)len;
  p->queued_us[i] = now_us;
  p->count++;
  p->bytes += len;
  return 0;
}

/* Whether the head has waited its longest. */
static bool head_overdue(const pacer *p, int64_t now_us) {
  return now_us - p->queued_us[p->head] >= PACER_MAX_QUEUE_US;
}

const uint8_t *pacer_front(const pacer *p, int64_t now_us, size_t *len) {
  if (!p->count || (p->rate_bps && p->budget <= 0 && !head_overdue(p, now_us))) return NULL;
  *len = p->len[p->head];
  return p->buf + (size_t)p->head * PACER_SLOT;
}

void pacer_pop(pacer *p) {
  if (!p->count) return;
  size_t len = p->len[p->head];
  p->budget -= (int64_t)len;
  p->bytes -= len;
  p->head = (p->head + 1) % PACER_CAP;
  p->count--;
}

int64_t pacer_wait_us(const pacer *p, int64_t now_us) {
  if (!p->count || !p->rate_bps || p->budget > 0 || head_overdue(p, now_us)) return 0;
  uint64_t rate = effective_rate(p);
  int64_t wait = (int64_t)((uint64_t)(1 - p->budget) * 8000000u / rate) + 1;
  int64_t overdue_in = p->queued_us[p->head] + PACER_MAX_QUEUE_US - now_us;
  return wait < overdue_in ? wait : overdue_in;
}

void pacer_free(pacer *p) {
  free(p->buf);
  memset(p, 0, sizeof *p);
}
