/* Self sign-up of a company outside the consortia (issue 14, item 6): the pending sign-ups and
 * their confirmation links (migration 014). A sign-up is checked (signup_check), then kept
 * pending with the SHA-256 of a fresh link token (signup_store_begin) while the link is mailed;
 * opening the link confirms it (signup_store_confirm), which creates, in one transaction, the
 * company's organization (in no consortium), its company profile (business registration number
 * and head-office region, source "entered") and the user, of kind "company". A link works once,
 * for SIGNUP_TTL seconds, and only while it is the latest of its address.
 *
 * Used by signaling/handlers_signup.c on the signaling thread; every function other than
 * signup_check runs statements on db, and every write is all or nothing. */
#ifndef MOA_STORAGE_SIGNUP_STORE_H
#define MOA_STORAGE_SIGNUP_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage/db.h"
#include "storage/password.h"
#include "storage/session_store.h"
#include "storage/user_store.h"

#define SIGNUP_TTL (24 * 3600) /* a link lasts a day */
#define SIGNUP_WINDOW 3600     /* the rate limits count sign-ups begun in the last hour */
#define SIGNUP_PER_NETADDR 10  /* ... from one network address */
#define SIGNUP_PER_EMAIL 3     /* ... and mailed to one e-mail address */
#define SIGNUP_COMPANY_MAX 100 /* bytes of the company's name */
#define SIGNUP_BIZNO_LEN 10    /* canonical: ten digits, no hyphens */

/* What a person enters. Strings are borrowed. */
typedef struct signup_input {
  const char *email;
  const char *name;     /* the person, 1..USER_NAME_MAX bytes */
  const char *company;  /* 1..SIGNUP_COMPANY_MAX bytes */
  const char *bizno;    /* 사업자등록번호, "1234567890" or "123-45-67890", valid check digit */
  const char *region;   /* the head office's 시도: 서울 ... 제주 */
  const char *password; /* the app's password policy (password_policy_error) */
  const char *lang;     /* "ko" or "en": the language of the mail */
} signup_input;

/* A checked sign-up, as kept while pending (owned copies). */
typedef struct signup_rec {
  char email[EMAIL_MAX + 1];
  char name[USER_NAME_MAX + 1];
  char company[SIGNUP_COMPANY_MAX + 1];
  char bizno[SIGNUP_BIZNO_LEN + 1];
  char region[16];
  char lang[3];
  char password_hash[PASSWORD_HASH_MAX];
  char address[64];
} signup_rec;

typedef enum {
  SIGNUP_OK = 0,
  SIGNUP_INVALID = -1,      /* a field is malformed: field and err say which and why */
  SIGNUP_EMAIL_TAKEN = -2,  /* an account with this e-mail exists */
  SIGNUP_BIZNO_TAKEN = -3,  /* an organization with this business registration number exists */
  SIGNUP_RATE_LIMITED = -4, /* too many sign-ups from this network address or to this e-mail */
  SIGNUP_NOT_FOUND = -5,    /* no such link (malformed, unknown) */
  SIGNUP_EXPIRED = -6,      /* the link is past its expiry */
  SIGNUP_USED = -7,         /* the link was already used */
  SIGNUP_SUPERSEDED = -8,   /* a newer link was sent to the same e-mail */
  SIGNUP_DB_ERROR = -9
} signup_result;

/* Checks in (pure: no database) and fills out (password_hash and address left empty) with the
 * canonical values: e-mail trimmed, business number as ten digits. Returns SIGNUP_OK, or
 * SIGNUP_INVALID with *field set to the parameter at fault ("email", "name", "company", "bizno",
 * "region", "password", "lang") and err a message in English naming it. */
signup_result signup_check(const signup_input *in, signup_rec *out, const char **field, char *err,
                           size_t errlen);

/* Whether r can be begun at time now: SIGNUP_OK, SIGNUP_EMAIL_TAKEN, SIGNUP_BIZNO_TAKEN,
 * SIGNUP_RATE_LIMITED (with *retry_after, seconds, when not NULL) or SIGNUP_DB_ERROR. Reads only;
 * signup_store_begin checks the same again inside its transaction. */
signup_result signup_store_precheck(moa_db *db, const signup_rec *r, int64_t now, int64_t *retry_after);

/* Keeps r (with its password_hash and address set) pending: checks as signup_store_precheck,
 * marks every pending sign-up of the same e-mail superseded, and stores a fresh link token whose
 * text (SESSION_TOKEN_LEN characters) goes to token and expiry to *expires_at. Returns SIGNUP_OK
 * with *id the row; anything else with nothing written. */
signup_result signup_store_begin(moa_db *db, const signup_rec *r, int64_t now,
                                 char token[SESSION_TOKEN_LEN + 1], int64_t *expires_at, int64_t *id,
                                 int64_t *retry_after);

/* Forgets pending sign-up id (its mail could not be sent), restoring the sign-ups it had
 * superseded to pending when they have not expired. Returns SIGNUP_OK or SIGNUP_DB_ERROR. */
signup_result signup_store_cancel(moa_db *db, int64_t id);

/* Confirms the link token at time now: creates the organization (kind company, in no
 * consortium, in the region of the sign-up), its profile (biz_no and region, source entered)
 * and the user (kind company) with the password chosen at sign-up, and marks the sign-up used,
 * all in one transaction. Returns SIGNUP_OK with *user_id set; SIGNUP_NOT_FOUND, SIGNUP_EXPIRED,
 * SIGNUP_USED, SIGNUP_SUPERSEDED, SIGNUP_EMAIL_TAKEN or SIGNUP_BIZNO_TAKEN (taken meanwhile) or
 * SIGNUP_DB_ERROR with nothing written. email (EMAIL_MAX + 1 bytes, may be NULL) receives the
 * sign-up's address whenever the link is known. */
signup_result signup_store_confirm(moa_db *db, const char *token, int64_t now, int64_t *user_id, char *email);

#endif
