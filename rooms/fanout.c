/* The fan-out of one received packet to every consumer of its producer, with a look-ahead that
 * loads the next subscribers' state into the CPU cache while the current one is encrypted
 * (issue 13).
 *
 * Why: forwarding one packet to N subscribers touches N sets of per-subscriber state (the
 * consumer, its transport, the transport's bandwidth estimator and its SRTP pair, the pair's
 * stream slot and OpenSSL context), each cold by the time its turn comes at N = 200. perf on
 * bench_forward (200 subscribers, GCM) put most of consumer_forward's, transport_send_rtp's,
 * bwe_history_add's and srtp_pair_protect_rtp's own time on single loads of those: a chain of
 * dependent cache misses per subscriber, none overlapped, since each address is only known once
 * the previous load is done. The walk below keeps three subscribers in flight:
 *
 *   c[i+3]  the consumer struct itself (its address is in c[i+2], loaded one turn before);
 *   c[i+2]  its transport's lines (the transport's address is in c[i+2]);
 *   c[i+1]  what the transport points to: the estimator's hot lines, the SRTP pair, and, at the
 *           end of the turn (the pair loaded by then), the pair's stream slot, its cipher context
 *           and the estimator's next history slot;
 *   c[i]    forwarded (consumer_forward).
 *
 * Prefetches are hints: they never fault and change no result, so a consumer freed meanwhile
 * is no concern (nothing is freed during a fan-out anyway). Measured: docs/BENCHMARKS.md. */
#include "rooms/sfu.h"
#include "rooms/sub_bwe.h"

/* The lines of a consumer that consumer_forward reads or writes (it is 1.4 kB: the VP8
 * rewriter's state sits between its head and its counters). */
static void consumer_lines(const consumer *c) {
  __builtin_prefetch(c);
  __builtin_prefetch(&c->rw);
  __builtin_prefetch(&c->packets, 1);
  __builtin_prefetch(&c->next_of_producer);
}

static void transport_lines(const transport *t) {
  __builtin_prefetch(t);
  __builtin_prefetch(&t->has_addr);
  __builtin_prefetch(&t->addr);
  __builtin_prefetch(&t->srtp);
  __builtin_prefetch(&t->connected);
}

static void transport_refs(const transport *t) {
  const sub_bwe *b = t->bwe;
  if (b) {
    __builtin_prefetch(b, 1);
    __builtin_prefetch(&b->est, 0);
    __builtin_prefetch(&b->constrained, 1);
    __builtin_prefetch(&b->pacer, 1);
  }
  srtp_pair_prefetch(t->srtp);
}

static void transport_slots(const transport *t, uint32_t ssrc) {
  if (t->bwe) __builtin_prefetch(&t->bwe->hist.e[t->bwe->hist.next_seq & (BWE_HISTORY_SIZE - 1)], 1);
  srtp_pair_prefetch_out(t->srtp, ssrc);
}

size_t fanout_forward(sfu *s, consumer *first, int enc, const rtp_packet *rp, bool is_keyframe) {
  size_t n = 0;
  consumer *c1 = first ? first->next_of_producer : NULL;
  consumer *c2 = c1 ? c1->next_of_producer : NULL;
  if (c1) transport_lines(c1->owner);
  if (c2) consumer_lines(c2);
  for (consumer *c = first; c; c = c1, c1 = c2, c2 = c2 ? c2->next_of_producer : NULL) {
    if (c2) {
      if (c2->next_of_producer) consumer_lines(c2->next_of_producer);
      transport_lines(c2->owner);
    }
    if (c1) transport_refs(c1->owner);
    if (consumer_forward(s, c, enc, rp, is_keyframe)) n++;
    if (c1) transport_slots(c1->owner, c1->ssrc);
  }
  return n;
}
