/* Request handlers, one per message type, grouped by domain in handlers_<domain>.c. Each domain
 * exports a table terminated by {NULL}; dispatch.c merges the tables. A handler validates its
 * params, checks authorization, and replies exactly once (possibly later). */
#ifndef MOA_SIGNALING_HANDLERS_H
#define MOA_SIGNALING_HANDLERS_H

#include "signaling/hub.h"

extern const handler_def auth_handlers[]; /* auth.login, auth.resume, auth.logout */
extern const handler_def core_handlers[]; /* system.ping, me.get, consortium.list, consortium.get */
extern const handler_def chat_handlers[];    /* chat.* (handlers_chat.c) */
extern const handler_def partner_handlers[]; /* partner.*, inquiry.* (handlers_partner.c) */
extern const handler_def room_handlers[];    /* room.* (handlers_room.c) */
extern const handler_def media_handlers[];   /* media.* (handlers_media.c) */

/* Sends event (stolen) to every open signed-in session whose user is one of user_ids (n of them),
 * except the session except_session and every session of except_user (0: none). The event is
 * serialized once; O(sessions + n). Returns how many sessions it was queued to. (handlers_chat.c) */
size_t chat_deliver(hub *h, const int64_t *user_ids, size_t n, uint64_t except_session, int64_t except_user,
                    json_t *event);

#endif
