/* Request handlers, one per message type, grouped by domain in handlers_<domain>.c.
 * Each validates its params, checks authorization, and replies exactly once (possibly later). */
#ifndef MOA_SIGNALING_HANDLERS_H
#define MOA_SIGNALING_HANDLERS_H

#include "signaling/hub.h"

/* auth */
void handle_auth_login(hub *h, session *s, json_int_t id, json_t *req);
void handle_auth_resume(hub *h, session *s, json_int_t id, json_t *req);
void handle_auth_logout(hub *h, session *s, json_int_t id, json_t *req);
/* core */
void handle_system_ping(hub *h, session *s, json_int_t id, json_t *req);
void handle_me_get(hub *h, session *s, json_int_t id, json_t *req);
void handle_consortium_list(hub *h, session *s, json_int_t id, json_t *req);
void handle_consortium_get(hub *h, session *s, json_int_t id, json_t *req);

#endif
