/* Private to the chat store (chat_store.c, chat_search.c, chat_reactions.c, chat_mentions.c):
 * the one spelling of a message row's columns (the last one its attachments, as JSON that SQLite
 * builds from migration 012's table), the readable-conversations CTE, and the helpers that turn
 * rows into protocol JSON. Not for use outside storage/chat_*.c: the public interface is chat_store.h. */
#ifndef MOA_STORAGE_CHAT_STORE_INT_H
#define MOA_STORAGE_CHAT_STORE_INT_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdbool.h>

#define MSG_COLS                                                                                \
  "m.id, m.conversation_id, m.author_id, u.name, m.kind, m.body, m.created_at, m.edited_at, "   \
  "m.deleted_at, m.client_key, (SELECT group_concat(user_id) FROM mentions WHERE message_id = " \
  "m.id), m.parent_id, (SELECT count(*) FROM messages r WHERE r.parent_id = m.id AND "          \
  "r.deleted_at IS NULL), (SELECT group_concat(emoji || ':' || user_id) FROM (SELECT emoji, "   \
  "user_id FROM reactions WHERE message_id = m.id ORDER BY rowid)), (SELECT "                   \
  "json_group_array(json_object('id', a.token, 'name', a.name, 'size', a.size, 'type', "        \
  "a.media_type, 'preview', json(CASE WHEN a.media_type LIKE 'image/%' THEN 'true' ELSE "       \
  "'false' END), 'url', '/files/' || a.token)) FROM (SELECT * FROM attachments WHERE "          \
  "message_id = m.id ORDER BY position) a)"
#define MSG_NCOLS 15
#define MSG_FROM " FROM messages m LEFT JOIN users u ON u.id = m.author_id "
#define READABLE_CTE                                                                      \
  "WITH readable(id) AS (SELECT c.id FROM user_roles r JOIN conversations c ON c.kind = " \
  "'channel' AND c.consortium_id = r.consortium_id WHERE r.user_id = ?1 UNION SELECT "    \
  "cm.conversation_id FROM conversation_members cm JOIN conversations c ON c.id = "       \
  "cm.conversation_id AND c.kind <> 'channel' WHERE cm.user_id = ?1) "
/* (id, name) of everyone who may read conversation ?1. */
#define READERS_SQL                                                                          \
  "SELECT u.id, u.name FROM conversations c JOIN user_roles r ON r.consortium_id = "         \
  "c.consortium_id JOIN users u ON u.id = r.user_id WHERE c.id = ?1 AND c.kind = 'channel' " \
  "UNION SELECT u.id, u.name FROM conversation_members cm JOIN conversations c ON c.id = "   \
  "cm.conversation_id AND c.kind <> 'channel' JOIN users u ON u.id = cm.user_id WHERE "      \
  "cm.conversation_id = ?1"

/* The text of column col as a JSON string, or JSON null for SQL NULL. */
json_t *chat__jstr(sqlite3_stmt *st, int col);
/* The message object of a row whose first MSG_NCOLS columns are MSG_COLS. */
json_t *chat__message_json(sqlite3_stmt *st);
/* Parses "👍:3,👍:7,🎉:3" (emoji:user pairs in the order given, group_concat) into the
 * reactions array of a message (chat_reactions.c). */
json_t *chat__reactions(const char *csv);

/* White space between words of a message or a query. */
static inline bool chat__is_space(unsigned char c) { return c == ' ' || c == '\n' || c == '\t'; }

#endif
