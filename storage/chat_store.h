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
 * writes nothing. Results are C structs (chat_message and the pages below) that own what they
 * point to: the caller frees each with its *_free function (safe on a zeroed or already freed
 * struct); on failure the store leaves them zeroed. The JSON shapes of docs/PROTOCOL.md are built
 * from them by signaling/chat_json.h.
 *
 * Search highlights: markers are U+0002 (start) and U+0003 (end): a body can never contain them
 * (control characters are refused), so clients split on them and render the pieces as text,
 * never as HTML. */
#ifndef MOA_STORAGE_CHAT_STORE_H
#define MOA_STORAGE_CHAT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage/db.h"
#include "storage/store_status.h"

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

/* A reaction of a message: one emoji and who chose it, in the order they did. */
typedef struct chat_reaction {
  char emoji[16];    /* one of CHAT_STORE_EMOJI */
  int64_t *user_ids; /* n ids */
  size_t n;
} chat_reaction;

/* A file of a message (attachment_store.h); its download URL is "/files/" followed by id. */
typedef struct chat_attachment {
  char *id;   /* the 32 hex digit token */
  char *name; /* the download name */
  char *type; /* the sniffed media type */
  int64_t size;
  bool preview; /* an image: shown inline */
} chat_attachment;

/* A message as stored. A deleted one (a tombstone) keeps its id and times, with body "" and no
 * mentions, reactions or attachments. */
typedef struct chat_message {
  int64_t id;
  int64_t conversation_id;
  int64_t author_id; /* 0: none (a system message) */
  char *author_name; /* NULL: no author */
  char kind[8];      /* "text" or "system" */
  char *body;        /* "" when deleted */
  int64_t created_at;
  bool edited;
  int64_t edited_at; /* when edited */
  bool deleted;
  char *client_key;  /* NULL: none */
  int64_t *mentions; /* the user ids it mentions */
  size_t nmentions;
  int64_t parent_id;        /* the thread it replies in; 0: a top-level message */
  int64_t reply_count;      /* live replies */
  chat_reaction *reactions; /* emoji in first-use order */
  size_t nreactions;
  chat_attachment *attachments; /* in the order sent */
  size_t nattachments;
} chat_message;

/* Frees what m owns and zeroes it. */
void chat_message_free(chat_message *m);

/* A page of messages (history, a thread's replies). */
typedef struct chat_page {
  chat_message *messages;
  size_t n;
  bool has_more; /* history: more remain beyond this page */
} chat_page;

void chat_page_free(chat_page *p);

/* A short stable name for a status ("ok", "empty", "too_long", "bad_text", "invalid",
 * "forbidden", "not_found", "no_file", "internal"), for logs. */
const char *chat_store_status_name(int status);

/* The store_status class of a chat_store_status (EMPTY, BAD_TEXT and INVALID are STORE_INVALID,
 * TOO_LONG is STORE_TOO_LARGE, NO_FILE is STORE_NOT_FOUND): what handlers map to a protocol error
 * with protocol_store_error(); the finer status picks the message for a person. */
store_status chat_store_status_class(int status);

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
 * message. On success *out is the message (chat_message_free it). Returns CHAT_STORE_OK, _EMPTY, _TOO_LONG,
 * _BAD_TEXT, _INVALID (client key), _FORBIDDEN (may not read), _NOT_FOUND, or _ERROR; on failure nothing is
 * written. */
int chat_store_append(moa_db *db, int64_t conversation_id, int64_t author_id, const char *body,
                      const char *client_key, chat_message *out, bool *duplicate);

/* As chat_store_append, as a reply in the thread of parent_id (0: not a reply): a live message of
 * the same conversation; a reply to a reply joins that reply's thread (out->parent_id).
 * Returns what chat_store_append does, and CHAT_STORE_NOT_FOUND for an unknown, deleted or
 * foreign parent. */
int chat_store_reply(moa_db *db, int64_t conversation_id, int64_t author_id, const char *body,
                     const char *client_key, int64_t parent_id, chat_message *out, bool *duplicate);

/* As chat_store_reply, with files: the tokens of nfiles (0..CHAT_STORE_MAX_FILES) pending
 * uploads of author_id into this conversation (attachment_store.h), which become the message's,
 * in that order, in its transaction; with files the body may be empty (out->attachments lists
 * them).
 * A resend with the same client_key returns the original message, its files, and leaves the
 * tokens given as they were. Returns what chat_store_reply does, _INVALID (too many files) and
 * _NO_FILE (a token unknown, not the author's pending upload into this conversation, or listed
 * twice); on failure nothing is written. */
int chat_store_send(moa_db *db, int64_t conversation_id, int64_t author_id, const char *body,
                    const char *client_key, int64_t parent_id, const char *const *files, size_t nfiles,
                    chat_message *out, bool *duplicate);

/* The emoji a reaction may be, one per string: 👍 ❤️ 😄 🎉 👀 🙏 ✅ 😮. */
#define CHAT_STORE_EMOJI                                                                  \
  "\xF0\x9F\x91\x8D", "\xE2\x9D\xA4\xEF\xB8\x8F", "\xF0\x9F\x98\x84", "\xF0\x9F\x8E\x89", \
      "\xF0\x9F\x91\x80", "\xF0\x9F\x99\x8F", "\xE2\x9C\x85", "\xF0\x9F\x98\xAE"

/* Adds (on) or takes back (!on) user_id's reaction emoji to message_id: a reader of its
 * conversation, a live message, emoji one of CHAT_STORE_EMOJI. Idempotent. *out is the message
 * afterwards (its reactions, emoji in first-use order).
 * Returns CHAT_STORE_OK, _INVALID (emoji), _FORBIDDEN, _NOT_FOUND (unknown or deleted) or _ERROR. */
int chat_store_react(moa_db *db, int64_t user_id, int64_t message_id, const char *emoji, bool on,
                     chat_message *out);

/* A thread: its first message and its live and deleted replies oldest first (at most
 * CHAT_STORE_MAX_THREAD). */
typedef struct chat_thread {
  chat_message parent;
  chat_page replies;
} chat_thread;

void chat_thread_free(chat_thread *t);

/* Fills *out with the thread of message_id (the parent or any reply). Returns CHAT_STORE_OK,
 * _FORBIDDEN (not a reader), _NOT_FOUND or _ERROR. */
int chat_store_thread(moa_db *db, int64_t user_id, int64_t message_id, chat_thread *out);
#define CHAT_STORE_MAX_THREAD 500

/* Appends a system message (author NULL, kind 'system'; body checked like a message) without
 * an authorization check: for stores (e.g. "inquiry accepted"). Same returns as append. */
int chat_store_append_system(moa_db *db, int64_t conversation_id, const char *body, chat_message *out);

/* History, newest first: up to limit (1..CHAT_STORE_MAX_PAGE, clamped) messages with id <
 * before_id (0: from the newest) into *out; out->has_more tells whether older ones remain. Returns
 * CHAT_STORE_OK, _FORBIDDEN (not readable or unknown conversation) or _ERROR. */
int chat_store_history_before(moa_db *db, int64_t user_id, int64_t conversation_id, int64_t before_id,
                              int limit, chat_page *out);

/* Catch-up, oldest first: up to limit messages with id > after_id into *out; out->has_more tells whether the
 * gap continues (ask again after the last id). Same returns as history_before. */
int chat_store_history_after(moa_db *db, int64_t user_id, int64_t conversation_id, int64_t after_id,
                             int limit, chat_page *out);

/* Edits a message: only its author, not deleted, not a system message. Mentions are re-extracted.
 * *out is the edited message. Returns CHAT_STORE_OK, a validation status, _FORBIDDEN (not the
 * author or no longer a reader), _NOT_FOUND (unknown or deleted) or _ERROR; nothing written on
 * failure. */
int chat_store_edit(moa_db *db, int64_t user_id, int64_t message_id, const char *body, chat_message *out);

/* Deletes a message (its body is erased, a tombstone remains). Allowed to its author (still a
 * reader), to a coordinator of the consortium owning a channel for messages in that channel, and
 * to admins (users.is_admin): the store checks user_roles itself, so every handler enforces the
 * same rule. Its attachments go in the same transaction (migration 012's trigger); their blobs
 * are unlinked by attachment_store_collect(), which the caller runs after. *out is the tombstone.
 * Returns CHAT_STORE_OK, _FORBIDDEN, _NOT_FOUND (unknown or already deleted) or _ERROR. */
int chat_store_delete(moa_db *db, int64_t user_id, int64_t message_id, chat_message *out);

/* Moves user_id's read marker in a conversation forward to message_id (never backward; clamped
 * to the newest message). *last_read_id (may be NULL) receives the marker. Returns CHAT_STORE_OK,
 * _FORBIDDEN or _ERROR. */
int chat_store_mark_read(moa_db *db, int64_t user_id, int64_t conversation_id, int64_t message_id,
                         int64_t *last_read_id);

/* Unread messages for user_id in a conversation: not deleted, not the user's own, newer than the
 * read marker. Returns the count (>= 0), CHAT_STORE_FORBIDDEN or CHAT_STORE_ERROR. */
int64_t chat_store_unread(moa_db *db, int64_t user_id, int64_t conversation_id);

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

/* A conversation as one reader sees it in the list. */
typedef struct chat_conversation_row {
  chat_conversation conversation;
  int64_t last_read_id;    /* the reader's marker (0: none) */
  int64_t unread;          /* live messages of others after the marker */
  int64_t mentions_unread; /* of those, the ones that mention the reader */
  bool has_last_message;   /* false: no message yet */
  chat_message last_message;
} chat_conversation_row;

typedef struct chat_conversation_list {
  chat_conversation_row *rows;
  size_t n;
} chat_conversation_list;

void chat_conversation_list_free(chat_conversation_list *l);

/* Every conversation user_id may read (channels of the user's consortia, then member rows) with
 * unread counts and the last message, most recent activity first, into *out. Returns
 * CHAT_STORE_OK or _ERROR. */
int chat_store_list_conversations(moa_db *db, int64_t user_id, chat_conversation_list *out);

/* A search hit: a message and its highlighted body. */
typedef struct chat_search_hit {
  chat_message message;
  char *highlight; /* the body with every match between U+0002 and U+0003 */
  bool ranked;     /* the trigram index ranked it (the LIKE fallback does not rank) */
  double rank;     /* bm25: lower is better */
} chat_search_hit;

typedef struct chat_search_result {
  char *query; /* the query, trimmed */
  chat_search_hit *hits;
  size_t n;
} chat_search_result;

void chat_search_result_free(chat_search_result *r);

/* Full-text search over the messages user_id may read (conversation_id 0: all of them), ranked by
 * bm25 and highlighted, into *out. The query is split on white space; each term is quoted as an FTS5 phrase
 * (double quotes doubled), never passed raw to MATCH, and all terms must match (substrings, any
 * case for ASCII). The trigram index needs 3 characters: when any term is shorter (수소, AI), the
 * search falls back to LIKE over the readable messages, newest first (at most 4 terms; more are
 * ignored). limit is clamped to 1..50. An empty query gives no results. Returns CHAT_STORE_OK,
 * _TOO_LONG (query over CHAT_STORE_MAX_QUERY bytes), _BAD_TEXT (invalid UTF-8, control
 * characters), _FORBIDDEN (conversation_id given but not readable) or _ERROR. */
int chat_store_search(moa_db *db, int64_t user_id, const char *query, int64_t conversation_id, int limit,
                      chat_search_result *out);

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

/* A message that mentions the reader, with where it is. */
typedef struct chat_mention {
  chat_message message;
  bool unread; /* after the reader's marker of its conversation */
  char conversation_kind[8];
  char *conversation_title;
} chat_mention;

typedef struct chat_mention_page {
  chat_mention *items;
  size_t n;
  bool has_more;  /* older ones remain */
  int64_t unread; /* unread mentions overall */
} chat_mention_page;

void chat_mention_page_free(chat_mention_page *p);

/* The messages that mention user_id in every conversation they may read, newest first, older
 * than before_id (0: the newest), at most limit (clamped to 1..CHAT_STORE_MAX_PAGE); deleted ones
 * left out; into *out. Returns CHAT_STORE_OK or _ERROR. */
int chat_store_mentions(moa_db *db, int64_t user_id, int64_t before_id, int limit, chat_mention_page *out);

#endif
