/* The session watch (see session_watch.h). */
#include "signaling/session_watch.h"

#include <string.h>

#include "base/log.h"
#include "signaling/hub.h"
#include "signaling/session_int.h"
#include "storage/session_store.h"

static const char *end_message(const char *reason) {
  if (!strcmp(reason, "signed_out")) return "this session was signed out on another connection";
  if (!strcmp(reason, "disabled")) return "this account was disabled";
  if (!strcmp(reason, "expired")) return "the session has expired; sign in again";
  return "this session was ended (a password change or an operator); sign in again";
}

void session_watch_end(hub *h, session *s, const char *reason) {
  if (s->closing) return;
  log_info("session %llu (%s): user %lld's sign-in ended (%s): closing", (unsigned long long)s->id,
           s->address, (long long)s->user_id, reason);
  hub_event(h, s,
            protocol_event("auth.session_ended",
                           json_pack("{s:s, s:s}", "reason", reason, "message", end_message(reason))));
  char why[64];
  snprintf(why, sizeof why, "session ended: %s", reason);
  session_close(s, SESSION_END_CLOSE_CODE, why);
  hub_session_watch(h)->ended++;
}

int session_watch_end_token(hub *h, const char *token, uint64_t except_id, const char *reason) {
  int n = 0;
  if (!token || !token[0]) return 0;
  for (session *s = hub_first(h); s; s = hub_next(s))
    if (s->id != except_id && s->user_id && !s->closing && !strcmp(s->token, token)) {
      session_watch_end(h, s, reason);
      n++;
    }
  return n;
}

void session_watch_init(session_watch *w, hub *h) {
  memset(w, 0, sizeof *w);
  w->data_version = db_data_version(hub_db(h));
  w->epoch = session_store_auth_epoch(hub_db(h));
}

/* Re-checks every signed-in connection against the database. */
static void sweep(session_watch *w, hub *h) {
  moa_db *db = hub_db(h);
  w->sweeps++;
  for (session *s = hub_first(h); s; s = hub_next(s)) {
    if (!s->user_id || s->closing) continue;
    switch (session_store_check(db, s->token, s->user_id)) {
      case SESSION_LIVE:
      case SESSION_CHECK_ERROR: /* logged by the store; looked at again on the next change */
        break;
      case SESSION_ENDED:
        session_watch_end(h, s, "revoked");
        break;
      case SESSION_EXPIRED:
        session_watch_end(h, s, "expired");
        break;
      case SESSION_DISABLED:
        session_watch_end(h, s, "disabled");
        break;
    }
  }
}

void session_watch_tick(session_watch *w, hub *h, uint64_t now_ms) {
  if (now_ms < w->next_ms) return;
  w->next_ms = now_ms + SESSION_WATCH_MS;
  moa_db *db = hub_db(h);
  int64_t now = db_now(db);
  for (session *s = hub_first(h); s; s = hub_next(s))
    if (s->user_id && s->expires_at && now >= s->expires_at && !s->closing)
      session_watch_end(h, s, "expired");
  int64_t v = db_data_version(db);
  if (v < 0 || v == w->data_version) return;
  int64_t epoch = session_store_auth_epoch(db);
  if (epoch < 0) return; /* try again on the next look: data_version is not taken */
  w->data_version = v;
  if (epoch == w->epoch) return;
  w->epoch = epoch;
  sweep(w, h);
}
