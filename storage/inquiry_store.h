/* Cooperation inquiries: a member asks another organization for joint R&D, supply, investment,
 * commercialization or something else. Sending one opens an 'inquiry' conversation (chat_store)
 * between the sender and the recipient organization's contact people (its users, users.org_id),
 * whose first message is the inquiry's body; a contact accepts or declines it, which adds a system
 * message to that conversation. Senders are rate-limited and organizations can block a sender.
 * Domain functions over a moa_db for the signaling thread's partner handlers; no state of its own.
 * Inquiries reach the caller as C structs through callbacks; the messages of their conversations
 * are written by the caller's inquiry_message_fn inside the store's transaction (the caller owns
 * what a message is; signaling/inquiry_json.h writes them through chat_store and builds the JSON). */
#ifndef MOA_STORAGE_INQUIRY_STORE_H
#define MOA_STORAGE_INQUIRY_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage/db.h"
#include "storage/store_status.h"

#define INQUIRY_STORE_PER_HOUR 5      /* inquiries one user may send in any 3600 s */
#define INQUIRY_STORE_PER_DAY 20      /* and in any 86400 s */
#define INQUIRY_STORE_MAX_SUBJECT 200 /* bytes, one line; the body is limited like a chat message */
#define INQUIRY_STORE_MAX_LIST 100

/* Why inquiry_store_send refused, beyond its store_status. */
typedef enum {
  INQUIRY_REFUSED_NONE = 0,
  INQUIRY_REFUSED_RATE_LIMITED, /* STORE_TOO_LARGE: too many sent recently (see retry_after) */
  INQUIRY_REFUSED_BLOCKED,      /* STORE_FORBIDDEN: the recipient organization blocked this sender */
  INQUIRY_REFUSED_NO_CONTACTS,  /* STORE_CONFLICT: the recipient organization has nobody to receive it */
} inquiry_refusal;

/* An inquiry. Strings are never NULL and valid only during the callback that receives it.
 * from_org 0: the sender has no organization (from_org_name ""). conversation_id 0: none;
 * decided_at 0: not decided. */
typedef struct inquiry_rec {
  int64_t id;
  int64_t from_user;
  const char *from_user_name;
  int64_t from_org;
  const char *from_org_name;
  int64_t to_org;
  const char *to_org_name;
  const char *topic, *subject, *body;
  const char *status; /* "pending", "accepted" or "declined" */
  int64_t conversation_id, created_at, decided_at;
} inquiry_rec;
typedef void (*inquiry_fn)(void *arg, const inquiry_rec *q);

/* Writes a message into an inquiry's conversation inside the store's open transaction: by
 * author_id, or a system message when author_id is 0. body is NUL-terminated, checked like a chat
 * message (leading white space already skipped). Returns 0, or -1 to undo everything the store
 * wrote. */
typedef int (*inquiry_message_fn)(void *arg, moa_db *db, int64_t conversation_id, int64_t author_id,
                                  const char *body);

/* Receives a sent inquiry: the recipient organization's contact people (user ids, ascending). */
typedef void (*inquiry_sent_fn)(void *arg, const inquiry_rec *q, const int64_t *recipients, size_t n);

/* Sends an inquiry from from_user to organization to_org. topic is one of "joint_rnd", "supply",
 * "investment", "commercialization", "other". Checks, in order: the text (STORE_INVALID), the
 * sender (STORE_NOT_FOUND if unknown or disabled), the recipient (STORE_NOT_FOUND if unknown or
 * hidden from the sender; STORE_FORBIDDEN for the sender's own organization), a block
 * (STORE_FORBIDDEN, *why INQUIRY_REFUSED_BLOCKED), the rate limit (STORE_TOO_LARGE, *why
 * INQUIRY_REFUSED_RATE_LIMITED, *retry_after > 0 in seconds; refused attempts do not count) and
 * the contacts (STORE_CONFLICT, *why INQUIRY_REFUSED_NO_CONTACTS). Then, in one transaction, the
 * inquiry, its conversation and its members are written, write_message writes the first message
 * (the body, by from_user) and fn receives the inquiry read back. Returns STORE_OK or one of the
 * above, or STORE_ERROR; on any failure nothing is written (fn may have been called before a
 * failed commit: the caller drops what it built). *why is INQUIRY_REFUSED_NONE unless said. */
store_status inquiry_store_send(moa_db *db, int64_t from_user, int64_t to_org, const char *topic,
                                const char *subject, const char *body, inquiry_message_fn write_message,
                                inquiry_sent_fn fn, void *arg, inquiry_refusal *why, int64_t *retry_after);

/* Accepts (accept true) or declines a pending inquiry, by user_id who must be a contact of the
 * recipient organization. Sets the status and decided_at and has write_message append a system
 * message to the conversation (when it has one), in one transaction; fn receives the inquiry
 * afterwards. Returns STORE_OK, STORE_NOT_FOUND, STORE_FORBIDDEN, STORE_CONFLICT (already decided)
 * or STORE_ERROR; nothing written on failure (as in send, fn may have been called). */
store_status inquiry_store_decide(moa_db *db, int64_t user_id, int64_t inquiry_id, bool accept,
                                  inquiry_message_fn write_message, inquiry_fn fn, void *arg);

/* Gives fn one inquiry, for its sender or a contact of its recipient organization. Returns
 * STORE_OK, STORE_NOT_FOUND (unknown, or not the user's to see) or STORE_ERROR. */
store_status inquiry_store_get(moa_db *db, int64_t user_id, int64_t inquiry_id, inquiry_fn fn, void *arg);

/* Gives fn the inquiries user_id sent (received false) or that the user's organization received
 * (received true), newest first, at most limit (1..INQUIRY_STORE_MAX_LIST). A user without an
 * organization received none. Returns STORE_OK or STORE_ERROR (fn may have been called for the
 * first ones). */
store_status inquiry_store_list(moa_db *db, int64_t user_id, bool received, int limit, inquiry_fn fn,
                                void *arg);

/* Blocks (block true) or unblocks sender_id for organization org_id, by user_id, a contact of
 * that organization. Idempotent. Returns STORE_OK, STORE_FORBIDDEN, STORE_NOT_FOUND (unknown
 * sender) or STORE_ERROR. */
store_status inquiry_store_block(moa_db *db, int64_t user_id, int64_t org_id, int64_t sender_id, bool block);

#endif
