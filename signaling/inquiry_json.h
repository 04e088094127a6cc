/* JSON of cooperation inquiries (docs/PROTOCOL.md, inquiry.*), built from storage/inquiry_store.h's
 * C structs; the conversation messages an inquiry writes go through chat_store here, inside the
 * inquiry store's transaction. Used by handlers_partner.c and the inquiry store's unit tests; no
 * other file builds these shapes.
 *
 *   inquiry: {"id": 4, "from_user": {"id": 7, "name": "김민수"}, "from_org": {"id": 2, "name": "…"} | null,
 *             "to_org": {"id": 9, "name": "…"}, "topic": "joint_rnd", "subject": "…", "body": "…",
 *             "status": "pending" | "accepted" | "declined", "conversation_id": 31,
 *             "created_at": 1700000000, "decided_at": 1700000300 | null}
 *   sent:     {"inquiry": inquiry, "message": message (chat_json.h), "recipients": [user ids]}
 *   decided:  {"inquiry": inquiry, "message": the system message | null}
 *   list:     {"inquiries": [inquiry…]}  (newest first) */
#ifndef MOA_SIGNALING_INQUIRY_JSON_H
#define MOA_SIGNALING_INQUIRY_JSON_H

#include <jansson.h>

#include "storage/inquiry_store.h"

/* The inquiry object of q. New reference. */
json_t *inquiry_json(const inquiry_rec *q);

/* inquiry_store_send, its first message written with chat_store_append; *out the sent object.
 * Returns the store's status, *why and *retry_after as it sets them; *out NULL unless STORE_OK. */
store_status inquiry_json_send(moa_db *db, int64_t from_user, int64_t to_org, const char *topic,
                               const char *subject, const char *body, inquiry_refusal *why,
                               int64_t *retry_after, json_t **out);

/* inquiry_store_decide, its system message written with chat_store_append_system; *out the decided
 * object. Same returns; *out NULL unless STORE_OK. */
store_status inquiry_json_decide(moa_db *db, int64_t user_id, int64_t inquiry_id, bool accept, json_t **out);

/* inquiry_store_get as the inquiry object. Same returns; *out NULL unless STORE_OK. */
store_status inquiry_json_get(moa_db *db, int64_t user_id, int64_t inquiry_id, json_t **out);

/* inquiry_store_list as the list object. Same returns; *out NULL unless STORE_OK. */
store_status inquiry_json_list(moa_db *db, int64_t user_id, bool received, int limit, json_t **out);

#endif
