/* JSON of the chat (docs/PROTOCOL.md, chat.*), built from what storage/chat_store.h hands over in
 * C: a message, a history page, a thread, the conversation list, search results and mentions.
 * Used by handlers_chat.c, handlers_programme_admin.c, inquiry_json.c and the chat's tests; no
 * other file builds these shapes.
 *
 * Shapes (each function returns a new reference owned by the caller; NULL when out of memory):
 *   message:  {"id": 12, "conversation_id": 3, "author_id": 7 | null, "author_name": "김민수" | null,
 *              "kind": "text" | "system", "body": "…", "created_at": 1700000000,
 *              "edited_at": 1700000100 | null, "deleted": false, "client_key": "k1" | null,
 *              "mentions": [7, 9], "parent_id": null, "reply_count": 0,
 *              "reactions": [{"emoji": "👍", "count": 2, "user_ids": [3, 7]}],
 *              "attachments": [{"id": "<32 hex>", "name": "자료.pdf", "size": 1234,
 *                               "type": "application/pdf", "preview": false, "url": "/files/<id>"}]}
 *              A deleted message keeps its id and times, with "deleted": true, "body": "" and
 *              "mentions": [], "reactions": [], "attachments": [] (a tombstone, so clients can
 *              update what they show).
 *   history:  {"conversation_id": 3, "messages": [message…], "has_more": true}
 *   thread:   {"parent": message, "replies": [message…]}
 *   conversation: {"id": 3, "kind": "channel", "title": "…", "consortium_id": 5 | null,
 *              "ref_id": 42 | null, "last_read_id": 120, "unread": 4, "mentions_unread": 1,
 *              "last_message": message | null}
 *   conversations: {"conversations": [conversation…]}  (most recent activity first)
 *   search:   {"query": "수소", "results": [{"message": message, "highlight": "…\u0002수소\u0003…",
 *              "rank": -1.25 | null}]}
 *   mentions: {"messages": [message + {"unread": true, "conversation_kind": "channel",
 *              "conversation_title": "…"}…], "has_more": false, "unread": 3}
 *   what a conversation is (in chat.message events): {"id": 3, "kind": "room", "title": "…",
 *              "consortium_id": 5 | null, "ref_id": 42 | null} */
#ifndef MOA_SIGNALING_CHAT_JSON_H
#define MOA_SIGNALING_CHAT_JSON_H

#include <jansson.h>

#include "storage/chat_store.h"

json_t *chat_json_message(const chat_message *m);
/* The "reactions" array of a message. */
json_t *chat_json_reactions(const chat_message *m);
json_t *chat_json_history(int64_t conversation_id, const chat_page *p);
json_t *chat_json_thread(const chat_thread *t);
json_t *chat_json_conversations(const chat_conversation_list *l);
json_t *chat_json_conversation(const chat_conversation *c);
json_t *chat_json_search(const chat_search_result *r);
json_t *chat_json_mentions(const chat_mention_page *p);

#endif
