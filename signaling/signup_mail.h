/* The confirmation mail of a company sign-up: its link, subject and bilingual body (Korean and
 * English, the sign-up's language first), made into an RFC 5322 message by
 * signaling/mail_message.h; and how it is sent, handed down by gateway/main.c (gateway/smtp_send.h,
 * libcurl). Building is pure: unit-tested in tests/unit/test_mail_message.c. */
#ifndef MOA_SIGNALING_SIGNUP_MAIL_H
#define MOA_SIGNALING_SIGNUP_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include "storage/signup_store.h"

/* Sends message (len bytes, a complete RFC 5322 message with CRLF line ends) to rcpt. Returns 0
 * once the mail server has accepted it, or -1 with err set (errlen bytes; nothing retried).
 * Blocking: called on the hub's mail job thread (hub_mail_jobs), never on the signaling loop. */
typedef int (*signup_mail_send_fn)(void *ctx, const char *rcpt, const char *message, size_t len, char *err,
                                   size_t errlen);

/* The mail part of the server's configuration, filled by gateway/main.c. */
typedef struct signup_mail_options {
  char from[256];           /* the sender address (--smtp-from) */
  char public_url[512];     /* how people reach the app (--public-url): the link's start */
  signup_mail_send_fn send; /* NULL: no mail can be sent, so sign-up is off (no --smtp-url) */
  void *send_ctx;           /* send's first argument (not owned; lives as long as the hub) */
} signup_mail_options;

/* The link that confirms token: "<o->public_url>/#/signup/confirm/<token>" into out (outlen bytes). */
void signup_mail_link(const signup_mail_options *o, const char *token, char *out, size_t outlen);

/* The message from o->from to r->email with the link of token, valid until expires_at, dated now, with
 * message_id (letters, digits, '.', '-', '_'). A string the caller frees, its length in *len;
 * NULL when out of memory or when an address is not acceptable to mail_compose. */
char *signup_mail_build(const signup_mail_options *o, const signup_rec *r, const char *token,
                        int64_t expires_at, int64_t now, const char *message_id, size_t *len);

#endif
