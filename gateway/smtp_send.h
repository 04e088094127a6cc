/* Sending one mail through the configured SMTP server with libcurl (the settings are the
 * smtp-* options of gateway/config.h). Blocking: it runs on a worker thread (the hub's mail
 * job pool, signaling/hub.h), never on the signaling loop. */
#ifndef MOA_GATEWAY_SMTP_SEND_H
#define MOA_GATEWAY_SMTP_SEND_H

#include <stddef.h>

#include "gateway/config.h"

#define SMTP_TIMEOUT_S 30 /* the whole exchange */
#define SMTP_CONNECT_TIMEOUT_S 10

/* Sends message (len bytes, a complete RFC 5322 message with CRLF line ends) from cfg->smtp_from
 * to rcpt through cfg->smtp_url: smtps:// is TLS from the start; smtp:// upgrades with STARTTLS
 * when the server offers it, and insists on it when a user and password are configured (they
 * are never sent in the clear). TLS certificates are verified. Returns 0 once the server has
 * accepted the message, or -1 with err set (nothing is retried here). */
int smtp_send(const moa_config *cfg, const char *rcpt, const char *message, size_t len, char *err,
              size_t errlen);

#endif
