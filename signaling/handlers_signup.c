/* signup.options, signup.create, signup.confirm: a company outside the consortia signs itself up
 * (issue 14, item 6).
 *
 * signup.create checks the fields (storage/signup_store.h: e-mail, name, company, business
 * registration number with its check digit, head-office region, the app's password policy),
 * refuses an e-mail or business number already registered and the rate limits (per network
 * address and per e-mail), then:
 *   1. hashes the password on the job pool (never on the signaling loop);
 *   2. keeps the sign-up pending with a fresh link token (only its SHA-256 is stored);
 *   3. sends the confirmation mail through the configured SMTP server on the mail pool (its own
 *      thread: a slow mail server does not delay anyone's sign-in);
 * and answers only then: ok once the server accepted the mail, or `mail_failed` after forgetting
 * the pending sign-up, so nothing is left half done. One sign-up at a time per connection.
 *
 * signup.confirm takes the link's token and, in one transaction, creates the organization (in
 * no consortium), its company profile and the user (kind "company"), then signs the connection
 * in as auth.login does. The link works once and for a day. */
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "signaling/handlers.h"
#include "signaling/signup_mail.h"
#include "signaling/user_json.h"
#include "storage/signup_store.h"

typedef struct signup_job {
  uint64_t session_id;
  json_int_t req_id;
  const signup_mail_options *mail; /* the hub's */
  signup_rec rec;
  char password[PASSWORD_MAX_LEN + 1];
  int hashed; /* 0 ok, -1 failed */
  int64_t signup_id, expires_at;
  char *message;
  size_t len;
  int sent; /* 0 ok, -1 failed */
  char err[256];
} signup_job;

static void signup_free(signup_job *j) {
  OPENSSL_cleanse(j->password, sizeof j->password);
  free(j->message);
  free(j);
}

/* The session of the job, if still there, no longer waiting. */
static session *signup_session(hub *h, signup_job *j) {
  session *s = hub_find(h, j->session_id);
  if (s) {
    s->signup_pending = false;
    s->pending_jobs--;
  }
  return s;
}

static void reply_error(hub *h, signup_job *j, const char *code, const char *message, json_t *extra) {
  session *s = signup_session(h, j);
  if (s)
    hub_error_with(h, s, j->req_id, code, message, extra);
  else
    json_decref(extra);
}

/* The error reply of a store result other than SIGNUP_OK / SIGNUP_INVALID. */
static void result_error(const char **code, const char **message, signup_result r) {
  switch (r) {
    case SIGNUP_EMAIL_TAKEN:
      *code = ERR_EMAIL_TAKEN, *message = "an account with this e-mail address exists; sign in instead";
      break;
    case SIGNUP_BIZNO_TAKEN:
      *code = ERR_BIZNO_TAKEN, *message =
                                   "a company with this business registration number already has an account; "
                                   "ask its people to add you";
      break;
    case SIGNUP_RATE_LIMITED:
      *code = ERR_RATE_LIMITED,
      *message = "too many sign-ups from this address or to this e-mail; try again later";
      break;
    case SIGNUP_NOT_FOUND:
      *code = ERR_NOT_FOUND,
      *message = "this confirmation link is not valid; check that the whole link was opened";
      break;
    case SIGNUP_EXPIRED:
      *code = ERR_LINK_EXPIRED, *message = "this confirmation link has expired; sign up again";
      break;
    case SIGNUP_SUPERSEDED:
      *code = ERR_LINK_EXPIRED,
      *message = "a newer confirmation link was sent to this address; open the latest mail";
      break;
    case SIGNUP_USED:
      *code = ERR_LINK_USED,
      *message = "this confirmation link was already used; sign in with your e-mail and password";
      break;
    default:
      *code = ERR_INTERNAL, *message = "database error; nothing was changed";
  }
}

static void signup_hash_work(void *arg) {
  signup_job *j = arg;
  j->hashed = password_hash(j->password, j->rec.password_hash, sizeof j->rec.password_hash);
  OPENSSL_cleanse(j->password, sizeof j->password);
}

static void signup_mail_work(void *arg) {
  signup_job *j = arg;
  j->sent = j->mail->send(j->mail->send_ctx, j->rec.email, j->message, j->len, j->err, sizeof j->err);
}

static void signup_mail_done(void *ctx, void *arg) {
  hub *h = ctx;
  signup_job *j = arg;
  if (j->sent != 0) {
    log_warn("sign-up of %s: the confirmation mail was not sent (%s); the sign-up is forgotten", j->rec.email,
             j->err);
    if (signup_store_cancel(hub_db(h), j->signup_id) != SIGNUP_OK)
      log_error("sign-up %lld could not be forgotten after its mail failed", (long long)j->signup_id);
    reply_error(h, j, ERR_MAIL_FAILED,
                "the confirmation mail could not be sent; nothing was kept, try again later", NULL);
  } else {
    log_info("sign-up %lld: confirmation mail to %s accepted by the SMTP server", (long long)j->signup_id,
             j->rec.email);
    session *s = signup_session(h, j);
    if (s)
      hub_reply(h, s, j->req_id,
                json_pack("{s:s, s:I}", "email", j->rec.email, "expires_at", (json_int_t)j->expires_at));
  }
  signup_free(j);
}

static void signup_hash_done(void *ctx, void *arg) {
  hub *h = ctx;
  signup_job *j = arg;
  moa_db *db = hub_db(h);
  if (j->hashed != 0) {
    reply_error(h, j, ERR_INTERNAL, "password hashing failed; nothing was kept", NULL);
    goto done;
  }
  char token[SESSION_TOKEN_LEN + 1];
  int64_t now = db_now(db), retry = 0;
  signup_result r = signup_store_begin(db, &j->rec, now, token, &j->expires_at, &j->signup_id, &retry);
  if (r != SIGNUP_OK) {
    const char *code, *message;
    result_error(&code, &message, r);
    reply_error(h, j, code, message,
                r == SIGNUP_RATE_LIMITED ? json_pack("{s:I}", "retry_after", (json_int_t)retry) : NULL);
    goto done;
  }
  unsigned char rnd[9];
  char mid[40];
  RAND_bytes(rnd, sizeof rnd);
  snprintf(mid, sizeof mid, "signup-%lld-%02x%02x%02x%02x%02x%02x%02x%02x%02x", (long long)j->signup_id,
           rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7], rnd[8]);
  j->message = signup_mail_build(j->mail, &j->rec, token, j->expires_at, now, mid, &j->len);
  OPENSSL_cleanse(token, sizeof token);
  if (!j->message || jobs_submit(hub_mail_jobs(h), signup_mail_work, signup_mail_done, j) != 0) {
    signup_store_cancel(db, j->signup_id);
    reply_error(
        h, j, j->message ? ERR_BUSY : ERR_INTERNAL,
        j->message ? "too many mails are waiting to be sent; try again in a minute" : "cannot write the mail",
        j->message ? json_pack("{s:i}", "retry_after", 60) : NULL);
    goto done;
  }
  return; /* the mail job owns j now */
done:
  signup_free(j);
}

/* Sign-ups being hashed or mailed: at most SIGNUP_INFLIGHT_PER_ADDRESS from one network address
 * and SIGNUP_INFLIGHT in all, so sign-ups sent at once on many connections cannot fill the
 * password-hashing pool that sign-ins share (the hourly limits count only stored sign-ups). */
#define SIGNUP_INFLIGHT_PER_ADDRESS 2
#define SIGNUP_INFLIGHT 16

static bool signup_room(hub *h, const char *address) {
  int all = 0, here = 0;
  for (session *x = hub_first(h); x; x = hub_next(x))
    if (x->signup_pending) {
      all++;
      here += strcmp(x->address, address) == 0;
    }
  return all < SIGNUP_INFLIGHT && here < SIGNUP_INFLIGHT_PER_ADDRESS;
}

static bool signup_enabled(hub *h) { return hub_config(h)->signup.send != NULL; }

static void handle_signup_options(hub *h, session *s, json_int_t id, json_t *req) {
  (void)req;
  hub_reply(h, s, id,
            json_pack("{s:b, s:i, s:i}", "enabled", signup_enabled(h), "password_min_length",
                      PASSWORD_MIN_LEN, "link_hours", SIGNUP_TTL / 3600));
}

static void handle_signup_create(hub *h, session *s, json_int_t id, json_t *req) {
  const char *email, *name, *company, *bizno, *region, *password, *lang = "ko";
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_STRING("email", 1, EMAIL_MAX, PARAM_REQUIRED, &email),
                                 PARAM_STRING("name", 1, USER_NAME_MAX, PARAM_REQUIRED, &name),
                                 PARAM_STRING("company", 1, SIGNUP_COMPANY_MAX, PARAM_REQUIRED, &company),
                                 PARAM_STRING("bizno", 1, 16, PARAM_REQUIRED, &bizno),
                                 PARAM_STRING("region", 1, 15, PARAM_REQUIRED, &region),
                                 PARAM_STRING("password", 1, PASSWORD_MAX_LEN, PARAM_REQUIRED, &password),
                                 PARAM_STRING("lang", 2, 2, PARAM_OPTIONAL, &lang), PARAM_END}))
    return;
  if (!lang) lang = "ko";
  if (!signup_enabled(h)) {
    hub_error(h, s, id, ERR_UNAVAILABLE,
              "self sign-up is not offered on this server (no mail server is configured)");
    return;
  }
  if (s->user_id) {
    hub_error(h, s, id, ERR_CONFLICT, "signed in on this connection; auth.logout first");
    return;
  }
  if (s->signup_pending) {
    hub_error_with(h, s, id, ERR_BUSY,
                   "a sign-up is already in progress on this connection; wait for its reply",
                   json_pack("{s:i}", "retry_after", 5));
    return;
  }
  if (!signup_room(h, s->address)) {
    hub_error_with(h, s, id, ERR_BUSY, "too many sign-ups are being sent right now; try again in a moment",
                   json_pack("{s:i}", "retry_after", 5));
    return;
  }
  signup_job *j = calloc(1, sizeof *j);
  if (!j) {
    hub_error(h, s, id, ERR_INTERNAL, "out of memory");
    return;
  }
  const char *field = NULL;
  char why[200];
  signup_input in = {email, name, company, bizno, region, password, lang};
  if (signup_check(&in, &j->rec, &field, why, sizeof why) != SIGNUP_OK) {
    signup_free(j);
    hub_error_with(h, s, id, ERR_INVALID_PARAMS, why, json_pack("{s:s}", "field", field));
    return;
  }
  snprintf(j->rec.address, sizeof j->rec.address, "%s", s->address);
  int64_t retry = 0;
  signup_result r = signup_store_precheck(hub_db(h), &j->rec, db_now(hub_db(h)), &retry);
  if (r != SIGNUP_OK) {
    const char *code, *message;
    result_error(&code, &message, r);
    signup_free(j);
    hub_error_with(h, s, id, code, message,
                   r == SIGNUP_RATE_LIMITED ? json_pack("{s:I}", "retry_after", (json_int_t)retry) : NULL);
    return;
  }
  j->session_id = s->id;
  j->req_id = id;
  j->mail = &hub_config(h)->signup;
  snprintf(j->password, sizeof j->password, "%s", password);
  if (jobs_submit(hub_jobs(h), signup_hash_work, signup_hash_done, j) != 0) {
    signup_free(j);
    hub_error_with(h, s, id, ERR_BUSY, "the server is busy; try again in a moment",
                   json_pack("{s:i}", "retry_after", 1));
    return;
  }
  s->signup_pending = true;
  s->pending_jobs++;
}

static void handle_signup_confirm(hub *h, session *s, json_int_t id, json_t *req) {
  const char *token;
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_STRING("token", 1, 128, PARAM_REQUIRED, &token), PARAM_END}))
    return;
  if (s->user_id) {
    hub_error(h, s, id, ERR_CONFLICT, "signed in on this connection; auth.logout first");
    return;
  }
  moa_db *db = hub_db(h);
  int64_t uid = 0;
  char email[EMAIL_MAX + 1];
  signup_result r = signup_store_confirm(db, token, db_now(db), &uid, email);
  if (r != SIGNUP_OK) {
    const char *code, *message;
    result_error(&code, &message, r);
    hub_error(h, s, id, code, message);
    return;
  }
  log_info("sign-up of %s confirmed: user %lld (company account)", email, (long long)uid);
  char session_token[SESSION_TOKEN_LEN + 1];
  int64_t expires;
  if (session_store_create(db, uid, hub_config(h)->session_ttl, s->address, session_token, &expires) != 0) {
    /* The account exists: the person signs in with the e-mail and password chosen. */
    hub_error(h, s, id, ERR_INTERNAL, "your account was created, but no session could be opened; sign in");
    return;
  }
  hub_set_user(h, s, uid, false);
  snprintf(s->token, sizeof s->token, "%s", session_token);
  s->expires_at = expires;
  json_t *me = user_json_me(db, uid);
  hub_reply(h, s, id,
            json_pack("{s:o, s:s, s:I}", "user", me ? me : json_null(), "token", session_token, "expires_at",
                      (json_int_t)expires));
  OPENSSL_cleanse(session_token, sizeof session_token);
}

const handler_def signup_handlers[] = {
    {"signup.confirm", handle_signup_confirm, HANDLER_PUBLIC},
    {"signup.create", handle_signup_create, HANDLER_PUBLIC},
    {"signup.options", handle_signup_options, HANDLER_PUBLIC},
    {NULL, NULL, 0},
};
