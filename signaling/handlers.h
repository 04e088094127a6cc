/* Request handlers, one per message type, grouped by domain in handlers_<domain>.c. Each domain
 * exports a table terminated by {NULL}; dispatch.c merges the tables. A handler validates its
 * params, checks authorization, and replies exactly once (possibly later). */
#ifndef MOA_SIGNALING_HANDLERS_H
#define MOA_SIGNALING_HANDLERS_H

#include "signaling/hub.h"

extern const handler_def auth_handlers[]; /* auth.login, auth.resume, auth.logout */
extern const handler_def core_handlers[]; /* system.ping, me.get, consortium.list, consortium.get */

#endif
