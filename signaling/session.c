/* Signaling session (see session.h). */
#include "signaling/session.h"

#include <stdlib.h>
#include <string.h>

#include "base/log.h"

int session_send_text(session *s, const char *text, size_t len) {
  if (s->closing) return -1;
  if (s->queued + 1 > s->max_messages || s->queued_bytes + len > s->max_bytes) {
    log_warn("session %llu (%s): outbound queue full (%zu messages, %zu bytes): disconnecting",
             (unsigned long long)s->id, s->address, s->queued, s->queued_bytes);
    session_close(s, 1008, "slow consumer: outbound queue full");
    return -1;
  }
  outmsg *m = malloc(sizeof *m + len);
  if (!m) {
    session_close(s, 1011, "out of memory");
    return -1;
  }
  m->next = NULL;
  m->len = len;
  memcpy(m->data, text, len);
  if (s->tail) s->tail->next = m;
  else s->head = m;
  s->tail = m;
  s->queued++;
  s->queued_bytes += len;
  if (s->io && s->io->want_write) s->io->want_write(s->transport);
  return 0;
}

int session_send(session *s, json_t *msg) {
  if (s->closing) return -1;
  char *text = json_dumps(msg, JSON_COMPACT);
  if (!text) return -1;
  int rc = session_send_text(s, text, strlen(text));
  free(text);
  return rc;
}

outmsg *session_pop(session *s) {
  outmsg *m = s->head;
  if (!m) return NULL;
  s->head = m->next;
  if (!s->head) s->tail = NULL;
  s->queued--;
  s->queued_bytes -= m->len;
  return m;
}

void session_clear_queue(session *s) {
  outmsg *m;
  while ((m = session_pop(s))) free(m);
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
