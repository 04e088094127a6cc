/* auth.login, auth.resume, auth.logout.
 *
 * auth.login verifies the password with scrypt on the job pool (never on the signaling loop),
 * and always runs the KDF, against a dummy hash for an unknown email, so response time does not
 * tell which emails exist. Brute force is bounded when an attempt is accepted, not when its hash
 * finishes, so attempts sent all at once cannot outrun the limits (issue 10):
 *   - one sign-in at a time per connection: another auth.login while one is being checked, or
 *     before a failure's delayed reply is due, is answered `busy` (with retry_after);
 *   - an accepted attempt counts at once as a failure of the account (user_store_record_failure,
 *     the fifth locks it) and of the address (throttle.h, the twentieth locks it); a right password
 *     then clears both. So once the account's budget is spent, every further attempt, a right
 *     password too, is refused `locked` without hashing;
 *   - the attempts waiting for a check are bounded per address, per account and in all; checks
 *     run one per account at a time, addresses taking turns (login_gate.h): past a bound `busy`,
 *     and a flood on one account does not queue another person's sign-in behind it.
 * A failed attempt is answered after a delay that grows with the account's consecutive failures
 * (250 ms doubling, at most 4 s). */
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "signaling/handlers.h"
#include "signaling/throttle.h"
#include "signaling/user_json.h"
#include "storage/session_store.h"
#include "storage/user_store.h"

/* A valid hash of a random password: verifying against it costs the same as a real one. */
static char dummy_hash[PASSWORD_HASH_MAX];

typedef struct login_job {
  uint64_t session_id;
  json_int_t req_id;
  int64_t user_id; /* 0 = no such (usable) user */
  bool is_admin;
  char address[64];
  char hash[PASSWORD_HASH_MAX];
  char password[PASSWORD_MAX_LEN + 1];
  bool ok;
} login_job;

static void login_free(login_job *j) {
  OPENSSL_cleanse(j->password, sizeof j->password);
  free(j);
}

void auth_login_drop(void *login_job) { login_free(login_job); }

static void login_work(void *arg) {
  login_job *j = arg;
  j->ok = password_verify(j->password, j->hash) && j->user_id != 0;
  OPENSSL_cleanse(j->password, sizeof j->password);
}

static json_t *signed_in_result(hub *h, session *s, int64_t user_id, const char *token, int64_t expires_at) {
  json_t *me = user_json_me(hub_db(h), user_id);
  json_t *r = json_pack("{s:o, s:I}", "user", me ? me : json_null(), "expires_at", (json_int_t)expires_at);
  if (token) json_object_set_new(r, "token", json_string(token));
  (void)s;
  return r;
}

static void login_done(void *ctx, void *arg);

static void busy(hub *h, session *s, json_int_t id, const char *message, int retry_after) {
  hub_error_with(h, s, id, ERR_BUSY, message, json_pack("{s:i}", "retry_after", retry_after));
}

/* Starts the password checks the gate lets through. An attempt whose connection has gone is
 * dropped unchecked (it was counted when accepted). */
static void login_pump(hub *h) {
  login_gate *g = hub_login_gate(h);
  login_job *j;
  while ((j = login_gate_next(g))) {
    session *s = hub_find(h, j->session_id);
    if (!s) {
      login_gate_done(g, j);
      login_free(j);
      continue;
    }
    if (jobs_submit(hub_jobs(h), login_work, login_done, j) != 0) {
      login_gate_done(g, j);
      s->pending_jobs--;
      s->login_pending = false;
      busy(h, s, j->req_id, "the server is busy; try again in a moment", 1);
      login_free(j);
    }
  }
}

static void login_done(void *ctx, void *arg) {
  hub *h = ctx;
  login_job *j = arg;
  moa_db *db = hub_db(h);
  session *s = hub_find(h, j->session_id);
  login_gate_done(hub_login_gate(h), j);
  if (s) {
    s->pending_jobs--;
    s->login_pending = false;
  }
  if (j->ok) {
    char token[SESSION_TOKEN_LEN + 1];
    int64_t expires;
    user_store_record_success(db, j->user_id); /* clears the failures counted on acceptance */
    throttle_clear(hub_throttle(h), j->address);
    if (!s) goto done; /* the client left; no session is created for nobody */
    if (session_store_create(db, j->user_id, hub_config(h)->session_ttl, j->address, token, &expires) != 0) {
      hub_error(h, s, j->req_id, ERR_INTERNAL, "could not create a session");
      goto done;
    }
    hub_set_user(h, s, j->user_id, j->is_admin);
    snprintf(s->token, sizeof s->token, "%s", token);
    s->expires_at = expires;
    hub_get_counters(h)->logins_ok++;
    log_info("user %lld signed in from %s", (long long)j->user_id, j->address);
    hub_reply(h, s, j->req_id, signed_in_result(h, s, j->user_id, token, expires));
    goto done;
  }
  /* The failure was counted when the attempt was accepted; here it is only answered. */
  hub_get_counters(h)->logins_failed++;
  int failures = 1;
  user_rec u;
  if (j->user_id && user_store_find_by_id(db, j->user_id, &u) == 1 && u.failed_logins > 0)
    failures = u.failed_logins;
  uint64_t delay = 250ull << (failures > 5 ? 4 : failures - 1);
  if (delay > 4000) delay = 4000;
  if (s) s->login_quiet_until_ms = hub_now_ms() + delay; /* the next attempt waits for this reply */
  hub_reply_later(h, j->session_id,
                  protocol_reply_error(j->req_id, ERR_INVALID_CREDENTIALS, "wrong email or password"), delay);
done:
  login_free(j);
  login_pump(h);
}

static void handle_auth_login(hub *h, session *s, json_int_t id, json_t *req) {
  const char *email, *password;
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_STRING("email", 3, EMAIL_MAX, PARAM_REQUIRED, &email),
                                 PARAM_STRING("password", 1, PASSWORD_MAX_LEN, PARAM_REQUIRED, &password),
                                 PARAM_END}))
    return;
  if (s->user_id) {
    hub_error(h, s, id, ERR_CONFLICT, "already signed in on this connection; auth.logout first");
    return;
  }
  uint64_t now_ms = hub_now_ms();
  if (s->login_pending || now_ms < s->login_quiet_until_ms) {
    uint64_t left = s->login_pending ? 1000 : s->login_quiet_until_ms - now_ms;
    busy(h, s, id, "a sign-in is already in progress on this connection; wait for its reply",
         (int)((left + 999) / 1000));
    return;
  }
  moa_db *db = hub_db(h);
  int64_t now = db_now(db);
  int64_t wait = throttle_locked_for(hub_throttle(h), s->address, now);
  if (wait > 0) {
    hub_error_with(h, s, id, ERR_LOCKED, "too many failed sign-ins from this address; try again later",
                   json_pack("{s:I}", "retry_after", (json_int_t)wait));
    return;
  }
  if (!dummy_hash[0] && password_hash("moa-dummy-password-for-timing", dummy_hash, sizeof dummy_hash) != 0) {
    hub_error(h, s, id, ERR_INTERNAL, "password hashing unavailable");
    return;
  }
  login_job *j = calloc(1, sizeof *j);
  if (!j) {
    hub_error(h, s, id, ERR_INTERNAL, "out of memory");
    return;
  }
  j->session_id = s->id;
  j->req_id = id;
  snprintf(j->address, sizeof j->address, "%s", s->address);
  snprintf(j->password, sizeof j->password, "%s", password);
  user_rec u;
  int found = user_store_find_by_email(db, email, &u);
  if (found == 1 && !u.disabled) {
    if (u.locked_until > now) {
      login_free(j);
      hub_error_with(h, s, id, ERR_LOCKED,
                     "this account is locked after repeated failed sign-ins; try again later",
                     json_pack("{s:I}", "retry_after", (json_int_t)(u.locked_until - now)));
      return;
    }
    j->user_id = u.id;
    j->is_admin = u.is_admin;
    snprintf(j->hash, sizeof j->hash, "%s", u.password_hash);
  } else {
    snprintf(j->hash, sizeof j->hash, "%s", dummy_hash);
  }
  switch (login_gate_admit(hub_login_gate(h), s->address, email, j)) {
    case LOGIN_GATE_OK:
      break;
    case LOGIN_GATE_ADDRESS_FULL:
      login_free(j);
      busy(h, s, id, "too many sign-ins from this address are being checked; try again in a moment", 1);
      return;
    case LOGIN_GATE_ACCOUNT_FULL:
      login_free(j);
      busy(h, s, id, "too many sign-ins for this account are being checked; try again in a moment", 1);
      return;
    default:
      login_free(j);
      busy(h, s, id, "too many sign-ins are being checked; try again in a moment", 1);
      return;
  }
  /* Accepted: counted now, before any hashing, so a batch cannot outrun the locks. */
  if (j->user_id && user_store_record_failure(db, j->user_id, now) < 0)
    log_warn("could not count a sign-in attempt of user %lld", (long long)j->user_id);
  throttle_record_failure(hub_throttle(h), s->address, now);
  s->login_pending = true;
  s->login_accepted_ms = now_ms;
  s->pending_jobs++;
  login_pump(h);
}

static void handle_auth_resume(hub *h, session *s, json_int_t id, json_t *req) {
  const char *token;
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_STRING("token", 1, 128, PARAM_REQUIRED, &token), PARAM_END}))
    return;
  moa_db *db = hub_db(h);
  int64_t expires = 0;
  int64_t uid = session_store_lookup(db, token, &expires);
  if (uid < 0) {
    hub_error(h, s, id, ERR_INTERNAL, "database error");
    return;
  }
  if (uid == 0) {
    hub_error(h, s, id, ERR_UNAUTHENTICATED, "the session has expired or was ended; sign in again");
    return;
  }
  user_rec u;
  if (user_store_find_by_id(db, uid, &u) != 1) {
    hub_error(h, s, id, ERR_UNAUTHENTICATED, "the session has expired or was ended; sign in again");
    return;
  }
  hub_set_user(h, s, uid, u.is_admin);
  meeting_guest_resume(h, s); /* a guest link's session keeps its scope (handlers_guest.c) */
  snprintf(s->token, sizeof s->token, "%s", token);
  s->expires_at = expires;
  json_t *result = signed_in_result(h, s, uid, NULL, expires);
  meeting_guest_add_block(h, s, result); /* and says so, with its meeting and room */
  hub_reply(h, s, id, result);
}

static void handle_auth_logout(hub *h, session *s, json_int_t id, json_t *req) {
  (void)req;
  if (s->token[0]) {
    session_store_delete(hub_db(h), s->token);
    /* The same session on other connections (another tab) ends too; this one stays, signed out. */
    session_watch_end_token(h, s->token, s->id, "signed_out");
  }
  s->token[0] = '\0';
  hub_set_user(h, s, 0, false);
  hub_reply(h, s, id, NULL);
}

const handler_def auth_handlers[] = {
    {"auth.login", handle_auth_login, HANDLER_PUBLIC},
    {"auth.logout", handle_auth_logout, HANDLER_GUEST},
    {"auth.resume", handle_auth_resume, HANDLER_PUBLIC},
    {NULL, NULL, 0},
};
