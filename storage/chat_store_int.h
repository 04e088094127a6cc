/* Private to the chat store (chat_store.c, chat_messages.c, chat_search.c, chat_reactions.c,
 * chat_mentions.c): the one spelling of a message row's columns (the last one its attachments,
 * fields separated by U+001F and files by U+001E: names are single-line text, so neither occurs
 * in them), the readable-conversations CTE, the transaction helpers, and the reader that turns a
 * row into a chat_message. Not for use outside storage/chat_*.c: the public interface is
 * chat_store.h. */
#ifndef MOA_STORAGE_CHAT_STORE_INT_H
#define MOA_STORAGE_CHAT_STORE_INT_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage/chat_store.h"

#define MSG_COLS                                                                                \
  "m.id, m.conversation_id, m.author_id, u.name, m.kind, m.body, m.created_at, m.edited_at, "   \
  "m.deleted_at, m.client_key, (SELECT group_concat(user_id) FROM mentions WHERE message_id = " \
  "m.id), m.parent_id, (SELECT count(*) FROM messages r WHERE r.parent_id = m.id AND "          \
  "r.deleted_at IS NULL), (SELECT group_concat(emoji || ':' || user_id) FROM (SELECT emoji, "   \
  "user_id FROM reactions WHERE message_id = m.id ORDER BY rowid)), (SELECT "                   \
  "group_concat(a.token || char(31) || a.name || char(31) || a.size || char(31) || "            \
  "a.media_type || char(31) || (a.media_type LIKE 'image/%'), char(30)) FROM (SELECT * FROM "   \
  "attachments WHERE message_id = m.id ORDER BY position) a)"
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

/* ---- chat_store.c ---- */

/* Opens our own transaction unless the caller has one (*own tells); CHAT_STORE_OK or _ERROR. */
int chat__begin(moa_db *db, bool *own);
/* Commits (rc OK) or rolls back our own transaction; inside the caller's, the caller decides. */
int chat__end(moa_db *db, bool own, int rc);
/* Runs sql (no rows) with n int64 parameters; CHAT_STORE_OK or _ERROR. */
int chat__exec(moa_db *db, const char *sql, int n, int64_t a, int64_t b, int64_t c);
/* Runs sql with n (0..2) int64 parameters and reads the first column of its first row into *out
 * (may be NULL). Returns 1 for a row, 0 for none, -1 on error. */
int chat__int(moa_db *db, const char *sql, int n, int64_t a, int64_t b, int64_t *out);
/* CHAT_STORE_OK when the conversation exists and user may read it, else _NOT_FOUND/_FORBIDDEN/_ERROR. */
int chat__check_reader(moa_db *db, int64_t user_id, int64_t conversation_id);
/* The kind of a conversation into kind (8 bytes); CHAT_STORE_OK, _NOT_FOUND or _ERROR. */
int chat__kind(moa_db *db, int64_t conversation_id, char kind[8]);
/* A copy of the text of column col, or NULL for SQL NULL; *oom is set when a copy fails. */
char *chat__text(sqlite3_stmt *st, int col, bool *oom);
/* Grows *items (of size bytes each) so that one more fits after n; false when out of memory. */
bool chat__reserve(void *items, size_t *cap, size_t n, size_t size);

/* ---- chat_messages.c ---- */

/* Reads a row whose first MSG_NCOLS columns are MSG_COLS into *m (zeroed first). CHAT_STORE_OK,
 * or _ERROR when out of memory (then *m is freed). */
int chat__message_read(sqlite3_stmt *st, chat_message *m);
/* Loads message id into *m: CHAT_STORE_OK, _NOT_FOUND or _ERROR. */
int chat__message_load(moa_db *db, int64_t id, chat_message *m);

/* ---- chat_reactions.c ---- */

/* Parses "👍:3,👍:7,🎉:3" (emoji:user pairs in the order given, group_concat) into m's reactions,
 * emoji in first-use order; false when out of memory. */
bool chat__reactions(const char *csv, chat_message *m);

/* White space between words of a message or a query. */
static inline bool chat__is_space(unsigned char c) { return c == ' ' || c == '\n' || c == '\t'; }

#endif
