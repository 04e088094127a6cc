/* The chat store: conversations, their members and read markers, messages, mentions and message
 * search, as domain functions over a moa_db (no SQL leaves storage/). It is used by the chat
 * handlers on the signaling thread and by inquiry_store; it keeps no state of its own.
 *
 * Conversations: 'channel' (one per consortium; readable by every user with a user_roles row in
 * it), 'room' (a room's or meeting's chat, kept after it ends; readable by its member rows, i.e.
 * the invited), 'direct' (1:1 or a small group of at most CHAT_STORE_MAX_GROUP people, possibly
 * across consortia) and 'inquiry' (opened by inquiry_store). Writing requires reading.
 *
 * Messages are stored verbatim, surrounding white space trimmed (never HTML: clients render text as text). A
 * body is valid when, after trimming ASCII white space, it is non-empty, at most CHAT_STORE_MAX_BODY (4000)
 * bytes of valid UTF-8 (shortest forms, no surrogates), with no control characters except \n and \t. Ids only
 * grow (AUTOINCREMENT), so "after id N" is an exact catch-up.
 *
 * Writes run in one transaction: their own, or the caller's when one is already open (so that
 * inquiry_store can open a conversation and its first message atomically). A failed validation
 * writes nothing. Functions returning json_t ** give the caller a new reference (json_decref it);
 * on failure *out is left NULL.
 *
 * JSON shapes (documented in docs/PROTOCOL.md by the handlers that send them):
 *   message:  {"id": 12, "conversation_id": 3, "author_id": 7 | null, "author_name": "김민수" | null,
 *              "kind": "text" | "system", "body": "…", "created_at": 1700000000,
 *              "edited_at": 1700000100 | null, "deleted": false, "client_key": "k1" | null,
 *              "mentions": [7, 9], "parent_id": null, "reply_count": 0, "reactions": [],
 *              "attachments": [{"id": "<32 hex>", "name": "자료.pdf", "size": 1234,
 *                               "type": "application/pdf", "preview": false, "url": "/files/<id>"}]}
 *              A deleted message keeps its id and times, with "deleted": true, "body": "" and
 *              "mentions": [], "attachments": [] (a tombstone, so clients can update what they
 *              show; its files are removed with it).
 *   history:  {"conversation_id": 3, "messages": [message…], "has_more": true}
 *   conversation: {"id": 3, "kind": "channel", "title": "…", "consortium_id": 5 | null,
 *              "ref_id": 42 | null, "unread": 4, "mentions_unread": 1, "last_read_id": 120,
 *              "last_message": message | null}
 *   conversations: {"conversations": [conversation…]}  (most recent activity first)
 *   search:   {"query": "수소", "results": [{"message": message, "highlight": "…\u0002수소\u0003…",
 *              "rank": -1.25}]}
 *              Highlight markers are U+0002 (start) and U+0003 (end): a body can never contain
 *              them (control characters are refused), so clients split on them and render the
 *              pieces as text, never as HTML. */
#ifndef MOA_STORAGE_CHAT_STORE_H
#define MOA_STORAGE_CHAT_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage/db.h"

#define CHAT_STORE_MAX_BODY 4000     /* bytes of UTF-8 after trimming */
#define CHAT_STORE_MAX_CLIENT_KEY 64 /* bytes */
#define CHAT_STORE_MAX_GROUP 16      /* people in a direct conversation, its creator included */
#define CHAT_STORE_MAX_PAGE 100      /* messages per history page */
#define CHAT_STORE_MAX_TITLE 200     /* bytes */
#define CHAT_STORE_MAX_QUERY 200     /* bytes of a search query */
#define CHAT_STORE_MAX_MEMBERS 20    /* readers per chat_store_members answer */
#define CHAT_STORE_MAX_FILES 10      /* attachments per message */

typedef enum {
  CHAT_STORE_OK = 0,
  CHAT_STORE_EMPTY = -1,     /* body empty after trimming */
  CHAT_STORE_TOO_LONG = -2,  /* body over the limit */
  CHAT_STORE_BAD_TEXT = -3,  /* invalid UTF-8 or a control character */
  CHAT_STORE_INVALID = -4,   /* another bad argument (client key, member list, title) */
  CHAT_STORE_FORBIDDEN = -5, /* the user may not read / change this */
  CHAT_STORE_NOT_FOUND = -6, /* no such conversation, message or user */
  CHAT_STORE_ERROR = -7,     /* database error; nothing was written */
  CHAT_STORE_NO_FILE = -8,   /* an attachment is unknown, not the author's pending upload into this
                                conversation, or sent already */
} chat_store_status;

/* A short stable name for a status ("ok", "empty", "too_long", "bad_text", "invalid",
 * "forbidden", "not_found", "internal"), for logs and for handlers mapping to error codes. */
const char *chat_store_status_name(int status);

/* Checks text as a message body is checked, with max_bytes as the limit and, when multiline is
 * false, \n and \t refused too. Leading/trailing ASCII white space does not count; *trim_start
 * and *trim_len (either may be NULL) receive the trimmed span. Returns CHAT_STORE_OK, _EMPTY,
 * _TOO_LONG or _BAD_TEXT. Also used by directory_store and inquiry_store. */
int chat_store_validate_text(const char *text, size_t max_bytes, bool multiline, size_t *trim_start,
                             size_t *trim_len);

/* True when user_id may read (and so write) conversation_id: a channel by a user_roles row in its
 * consortium, any other kind by a member row. False for an unknown conversation or on error. */
bool chat_store_can_read(moa_db *db, int64_t user_id, int64_t conversation_id);

/* Makes sure every consortium has its channel conversation (titled with its Korean name).
 * Returns how many were created, or CHAT_STORE_ERROR (nothing created). */
int chat_store_ensure_channels(moa_db *db);

/* The channel of one consortium, created if missing. Returns CHAT_STORE_OK with *conversation_id
 * set, CHAT_STORE_NOT_FOUND for an unknown consortium, or CHAT_STORE_ERROR. */
int chat_store_channel(moa_db *db, int64_t consortium_id, int64_t *conversation_id);

/* The chat of room/meeting room_id, created if missing (consortium_id 0 for none; title is used
 * only on creation). Returns CHAT_STORE_OK, _INVALID (bad title) or _ERROR. */
int chat_store_room(moa_db *db, int64_t room_id, int64_t consortium_id, const char *title,
                    int64_t *conversation_id);

/* Adds users as members of a room, direct or inquiry conversation (already members are kept, with
 * their read markers). Returns CHAT_STORE_OK, _NOT_FOUND (conversation or a user unknown; nothing
 * added), _INVALID (a channel) or _ERROR. */
int chat_store_add_members(moa_db *db, int64_t conversation_id, const int64_t *user_ids, size_t n);

/* Takes users out of the chat of room room_id, if it has one (moderation: a removal, a guest whose
 * agenda scope ended). They then neither read nor post there, get none of its events and find
 * none of it in search, until added again (room.join adds whoever enters). No transaction of its
 * own: inside the caller's, it is part of it. Returns CHAT_STORE_OK (also when nobody was a
 * member) or _ERROR. */
int chat_store_room_withdraw(moa_db *db, int64_t room_id, const int64_t *user_ids, size_t n);

/* Opens a direct conversation between creator and others (1..CHAT_STORE_MAX_GROUP-1 other users,
 * duplicates and the creator ignored). A 1:1 conversation is unique per pair: asking again returns
 * the same id with *created false. title may be NULL. Returns CHAT_STORE_OK, _INVALID (no other
 * person, too many, bad title), _NOT_FOUND (an unknown or disabled user; nothing written) or _ERROR. */
int chat_store_create_direct(moa_db *db, int64_t creator_id, const int64_t *others, size_t n,
                             const char *title, int64_t *conversation_id, bool *created);

/* Appends a message by author_id. client_key (NULL or 1..64 bytes) makes it idempotent: a resend
 * with the same (author, key) writes nothing and returns the original message with *duplicate
 * true (even if the conversation differs: the key is the author's). Mentions (@name matching a
 * person who may read the conversation; the longest name wins) are stored and listed in the
 * message. On success *out is the message. Returns CHAT_STORE_OK, _EMPTY, _TOO_LONG, _BAD_TEXT,
 * _INVALID (client key), _FORBIDDEN (may not read), _NOT_FOUND, or _ERROR; on failure nothing is
 * written. */
int chat_store_append(moa_db *db, int64_t conversation_id, int64_t author_id, const char *body,
                      const char *client_key, json_t **out, bool *duplicate);

/* As chat_store_append, as a reply in the thread of parent_id (0: not a reply): a live message of
 * the same conversation; a reply to a reply joins that reply's thread. The message object has
 * "parent_id" (null for a top-level message), "reply_count" (live replies) and "reactions".
 * Returns what chat_store_append does, and CHAT_STORE_NOT_FOUND for an unknown, deleted or
 * foreign parent. */
int chat_store_reply(moa_db *db, int64_t conversation_id, int64_t author_id, const char *body,
                     const char *client_key, int64_t parent_id, json_t **out, bool *duplicate);

/* As chat_store_reply, with files: the tokens of nfiles (0..CHAT_STORE_MAX_FILES) pending
 * uploads of author_id into this conversation (attachment_store.h), which become the message's,
 * in that order, in its transaction; with files the body may be empty. The message object lists
 * them in "attachments" (every message has the array: [{id, name, size, type, preview, url}]).
 * A resend with the same client_key returns the original message, its files, and leaves the
 * tokens given as they were. Returns what chat_store_reply does, _INVALID (too many files) and
 * _NO_FILE (a token unknown, not the author's pending upload into this conversation, or listed
 * twice); on failure nothing is written. */
int chat_store_send(moa_db *db, int64_t conversation_id, int64_t author_id, const char *body,
                    const char *client_key, int64_t parent_id, const char *const *files, size_t nfiles,
                    json_t **out, bool *duplicate);

/* The emoji a reaction may be, one per string: 👍 ❤️ 😄 🎉 👀 🙏 ✅ 😮. */
#define CHAT_STORE_EMOJI                                                                  \
  "\xF0\x9F\x91\x8D", "\xE2\x9D\xA4\xEF\xB8\x8F", "\xF0\x9F\x98\x84", "\xF0\x9F\x8E\x89", \
      "\xF0\x9F\x91\x80", "\xF0\x9F\x99\x8F", "\xE2\x9C\x85", "\xF0\x9F\x98\xAE"

/* Adds (on) or takes back (!on) user_id's reaction emoji to message_id: a reader of its
 * conversation, a live message, emoji one of CHAT_STORE_EMOJI. Idempotent. *out is the message
 * object afterwards ("reactions": [{emoji, count, user_ids}], emoji in first-use order).
 * Returns CHAT_STORE_OK, _INVALID (emoji), _FORBIDDEN, _NOT_FOUND (unknown or deleted) or _ERROR. */
int chat_store_react(moa_db *db, int64_t user_id, int64_t message_id, const char *emoji, bool on,
                     json_t **out);

/* A thread: *out = {parent: the message, replies: its live and deleted replies oldest first (at
 * most CHAT_STORE_MAX_THREAD)}. message_id may be the parent or any reply. Returns CHAT_STORE_OK,
 * _FORBIDDEN (not a reader), _NOT_FOUND or _ERROR. */
int chat_store_thread(moa_db *db, int64_t user_id, int64_t message_id, json_t **out);
#define CHAT_STORE_MAX_THREAD 500

/* Appends a system message (author NULL, kind 'system'; body checked like a message) without
 * an authorization check: for stores (e.g. "inquiry accepted"). Same returns as append. */
int chat_store_append_system(moa_db *db, int64_t conversation_id, const char *body, json_t **out);

/* History, newest first: up to limit (1..CHAT_STORE_MAX_PAGE, clamped) messages with id <
 * before_id (0: from the newest). "has_more" tells whether older ones remain. Returns
 * CHAT_STORE_OK, _FORBIDDEN (not readable or unknown conversation) or _ERROR. */
int chat_store_history_before(moa_db *db, int64_t user_id, int64_t conversation_id, int64_t before_id,
                              int limit, json_t **out);

/* Catch-up, oldest first: up to limit messages with id > after_id; "has_more" tells whether the
 * gap continues (ask again after the last id). Same returns as history_before. */
int chat_store_history_after(moa_db *db, int64_t user_id, int64_t conversation_id, int64_t after_id,
                             int limit, json_t **out);

/* Edits a message: only its author, not deleted, not a system message. Mentions are re-extracted.
 * *out is the edited message. Returns CHAT_STORE_OK, a validation status, _FORBIDDEN (not the
 * author or no longer a reader), _NOT_FOUND (unknown or deleted) or _ERROR; nothing written on
 * failure. */
int chat_store_edit(moa_db *db, int64_t user_id, int64_t message_id, const char *body, json_t **out);

/* Deletes a message (its body is erased, a tombstone remains). Allowed to its author (still a
 * reader), to a coordinator of the consortium owning a channel for messages in that channel, and
 * to admins (users.is_admin): the store checks user_roles itself, so every handler enforces the
 * same rule. Its attachments go in the same transaction (migration 012's trigger); their blobs
 * are unlinked by attachment_store_collect(), which the caller runs after. *out is the tombstone.
 * Returns CHAT_STORE_OK, _FORBIDDEN, _NOT_FOUND (unknown or already deleted) or _ERROR. */
int chat_store_delete(moa_db *db, int64_t user_id, int64_t message_id, json_t **out);

/* Moves user_id's read marker in a conversation forward to message_id (never backward; clamped
 * to the newest message). *last_read_id (may be NULL) receives the marker. Returns CHAT_STORE_OK,
 * _FORBIDDEN or _ERROR. */
int chat_store_mark_read(moa_db *db, int64_t user_id, int64_t conversation_id, int64_t message_id,
                         int64_t *last_read_id);

/* Unread messages for user_id in a conversation: not deleted, not the user's own, newer than the
 * read marker. Returns the count (>= 0), CHAT_STORE_FORBIDDEN or CHAT_STORE_ERROR. */
int64_t chat_store_unread(moa_db *db, int64_t user_id, int64_t conversation_id);

/* Every conversation user_id may read (channels of the user's consortia, then member rows) with
 * unread counts and the last message, most recent activity first. Returns CHAT_STORE_OK or _ERROR. */
int chat_store_list_conversations(moa_db *db, int64_t user_id, json_t **out);

/* User ids that may read a conversation (members, or for a channel the consortium's users), each
 * once: for handlers fanning out events. On CHAT_STORE_OK *ids is a new array of *n ids (NULL
 * when none; free() it). Returns CHAT_STORE_OK, _NOT_FOUND or _ERROR (then *ids is NULL, *n 0). */
int chat_store_readers(moa_db *db, int64_t conversation_id, int64_t **ids, size_t *n);

/* What a conversation is, the same for every reader: the fields of a chat.conversations row that
 * do not depend on who asks. */
typedef struct chat_conversation {
  int64_t id;
  char kind[8];          /* "channel", "room", "direct" or "inquiry" */
  char title[512];       /* a channel's consortium name, a room's or direct conversation's title */
  int64_t consortium_id; /* 0: none */
  int64_t ref_id;        /* a room chat's room or meeting id; 0: none */
} chat_conversation;

/* Fills *out for conversation_id. Returns CHAT_STORE_OK, _NOT_FOUND or _ERROR. */
int chat_store_conversation(moa_db *db, int64_t conversation_id, chat_conversation *out);

/* Full-text search over the messages user_id may read (conversation_id 0: all of them), ranked by
 * bm25 and highlighted. The query is split on white space; each term is quoted as an FTS5 phrase
 * (double quotes doubled), never passed raw to MATCH, and all terms must match (substrings, any
 * case for ASCII). The trigram index needs 3 characters: when any term is shorter (수소, AI), the
 * search falls back to LIKE over the readable messages, newest first (at most 4 terms; more are
 * ignored). limit is clamped to 1..50. An empty query gives no results. Returns CHAT_STORE_OK,
 * _TOO_LONG (query over CHAT_STORE_MAX_QUERY bytes), _BAD_TEXT (invalid UTF-8, control
 * characters), _FORBIDDEN (conversation_id given but not readable) or _ERROR. */
int chat_store_search(moa_db *db, int64_t user_id, const char *query, int64_t conversation_id, int limit,
                      json_t **out);

/* A reader a composer may @-mention. */
typedef struct chat_member {
  int64_t user_id;
  char name[128]; /* users.name: at most 100 bytes (user_store.h) */
} chat_member;

/* The readers of conversation_id whose name contains query (any case for ASCII; "" for all),
 * those whose name starts with it first, then by name and id, the asker left out: whom a composer
 * may @-mention. Fills out (room for CHAT_STORE_MAX_MEMBERS) with at most limit of them (clamped
 * to 1..CHAT_STORE_MAX_MEMBERS) and sets *n. Returns CHAT_STORE_OK, _TOO_LONG / _BAD_TEXT (query
 * over CHAT_STORE_MAX_TITLE bytes, control characters), _FORBIDDEN (not a reader) or _ERROR;
 * on failure *n is 0. */
int chat_store_members(moa_db *db, int64_t user_id, int64_t conversation_id, const char *query, int limit,
                       chat_member out[CHAT_STORE_MAX_MEMBERS], size_t *n);

/* The messages that mention user_id in every conversation they may read, newest first, older
 * than before_id (0: the newest), at most limit (clamped to 1..CHAT_STORE_MAX_PAGE); deleted ones
 * left out. Each message object also has "unread" (after the user's read marker of its
 * conversation), "conversation_kind" and "conversation_title". *out = {messages, has_more,
 * unread: the count of unread mentions overall}. Returns CHAT_STORE_OK or _ERROR. */
int chat_store_mentions(moa_db *db, int64_t user_id, int64_t before_id, int limit, json_t **out);

#endif
