/* Signaling session (see session.h). */
#include "signaling/session.h"

#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "signaling/session_int.h"

/* Makes room for one more reference in the ring (doubling it, the queued ones moved to the
 * front). Returns 0, or -1 when out of memory (nothing changed). */
static int session__ring_grow(session *s) {
  if (s->queued < s->ring_cap) return 0;
  size_t cap = s->ring_cap ? s->ring_cap * 2 : 8;
  outmsg **ring = malloc(cap * sizeof *ring);
  if (!ring) return -1;
  for (size_t i = 0; i < s->queued; i++) ring[i] = s->ring[(s->ring_start + i) % s->ring_cap];
  free(s->ring);
  s->ring = ring;
  s->ring_cap = cap;
  s->ring_start = 0;
  return 0;
}

/* Queues m and asks the gateway to write: now, or (soon) within its pacing unless asked already. */
static int session__queue(session *s, outmsg *m, bool soon) {
  if (s->closing) return -1;
  if (s->queued + 1 > s->max_messages || s->queued_bytes + m->len > s->max_bytes) {
    log_warn("session %llu (%s): outbound queue full (%zu messages, %zu bytes): disconnecting",
             (unsigned long long)s->id, s->address, s->queued, s->queued_bytes);
    session_close(s, 1008, "slow consumer: outbound queue full");
    return -1;
  }
  if (session__ring_grow(s) != 0) {
    session_close(s, 1011, "out of memory");
    return -1;
  }
  s->ring[(s->ring_start + s->queued) % s->ring_cap] = outmsg_ref(m);
  s->queued++;
  s->queued_bytes += m->len;
  /* the gateway keeps asking itself while the queue is not empty (session.h): only a change of
   * urgency is news to it */
  if (!s->io) return 0;
  if (soon && s->io->want_write_soon) {
    if (s->write_asked == SESSION_WRITE_NONE) {
      s->write_asked = SESSION_WRITE_SOON;
      s->io->want_write_soon(s->transport);
    }
  } else if (s->write_asked != SESSION_WRITE_NOW) {
    s->write_asked = SESSION_WRITE_NOW;
    if (s->io->want_write) s->io->want_write(s->transport);
  }
  return 0;
}

int session_send_shared(session *s, outmsg *m) { return session__queue(s, m, false); }

int session_send_soon(session *s, outmsg *m) { return session__queue(s, m, true); }

int session_send_text(session *s, const char *text, size_t len) {
  if (s->closing) return -1;
  outmsg *m = outmsg_new(text, len);
  if (!m) {
    session_close(s, 1011, "out of memory");
    return -1;
  }
  int rc = session_send_shared(s, m);
  outmsg_unref(m);
  return rc;
}

int session_send(session *s, json_t *msg) {
  if (s->closing) return -1;
  outmsg *m = outmsg_from_json(msg);
  if (!m) return -1;
  int rc = session_send_shared(s, m);
  outmsg_unref(m);
  return rc;
}

outmsg *session_peek(const session *s, size_t i) {
  return i < s->queued ? s->ring[(s->ring_start + i) % s->ring_cap] : NULL;
}

outmsg *session_pop(session *s) {
  if (!s->queued) return NULL;
  outmsg *m = s->ring[s->ring_start];
  s->ring_start = (s->ring_start + 1) % s->ring_cap;
  s->queued--;
  s->queued_bytes -= m->len;
  if (!s->queued) s->write_asked = SESSION_WRITE_NONE;
  if (!s->queued && s->ring_cap > 1024) { /* a drained backlog's ring is not kept */
    free(s->ring);
    s->ring = NULL;
    s->ring_cap = s->ring_start = 0;
  }
  return m;
}

void session_clear_queue(session *s) {
  outmsg *m;
  while ((m = session_pop(s))) outmsg_unref(m);
  free(s->ring);
  s->ring = NULL;
  s->ring_cap = s->ring_start = 0;
}

void session_close(session *s, int code, const char *reason) {
  if (s->closing) return;
  s->closing = true;
  if (s->io && s->io->close) s->io->close(s->transport, code, reason);
}

bool session_take_token(session *s, double rate, double burst, uint64_t now_ms) {
  if (s->last_refill_ms == 0) {
    s->tokens = burst;
  } else if (now_ms > s->last_refill_ms) {
    s->tokens += (double)(now_ms - s->last_refill_ms) * rate / 1000.0;
    if (s->tokens > burst) s->tokens = burst;
  }
  s->last_refill_ms = now_ms;
  if (s->tokens >= 1.0) {
    s->tokens -= 1.0;
    return true;
  }
  return false;
}

size_t session_queued(const session *s) { return s->queued; }

int64_t session_user_id(const session *s) { return s->user_id; }

bool session_is_closing(const session *s) { return s->closing; }

bool session_login_pending(const session *s) { return s->login_pending; }

bool session_signup_pending(const session *s) { return s->signup_pending; }

uint64_t session_login_quiet_until_ms(const session *s) { return s->login_quiet_until_ms; }

uint64_t session_login_accepted_ms(const session *s) { return s->login_accepted_ms; }
