/* The confirmation mail of a company sign-up: its link, subject and bilingual body (Korean and
 * English, the sign-up's language first), made into an RFC 5322 message by
 * gateway/mail_message.h. Pure: unit-tested in tests/unit/test_signup_mail.c. */
#ifndef MOA_SIGNALING_SIGNUP_MAIL_H
#define MOA_SIGNALING_SIGNUP_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include "gateway/config.h"
#include "storage/signup_store.h"

/* The link that confirms token: "<public_url>/#/signup/confirm/<token>" into out (outlen bytes). */
void signup_mail_link(const moa_config *cfg, const char *token, char *out, size_t outlen);

/* The message to r->email with the link of token, valid until expires_at, dated now, with
 * message_id (letters, digits, '.', '-', '_'). A string the caller frees, its length in *len;
 * NULL when out of memory or when an address is not acceptable to mail_compose. */
char *signup_mail_build(const moa_config *cfg, const signup_rec *r, const char *token, int64_t expires_at,
                        int64_t now, const char *message_id, size_t *len);

#endif
