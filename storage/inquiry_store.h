/* Cooperation inquiries: a member asks another organization for joint R&D, supply, investment,
 * commercialization or something else. Sending one opens an 'inquiry' conversation (chat_store)
 * between the sender and the recipient organization's contact people (its users, users.org_id),
 * whose first message is the inquiry's body; a contact accepts or declines it, which adds a system
 * message to that conversation. Senders are rate-limited and organizations can block a sender.
 * Domain functions over a moa_db for the signaling thread's partner handlers; no state of its own.
 *
 * JSON shapes (the caller owns what *out receives; on failure *out is NULL):
 *   inquiry: {"id": 4, "from_user": {"id": 7, "name": "김민수"}, "from_org": {"id": 2, "name": "…"} | null,
 *             "to_org": {"id": 9, "name": "…"}, "topic": "joint_rnd", "subject": "…", "body": "…",
 *             "status": "pending" | "accepted" | "declined", "conversation_id": 31,
 *             "created_at": 1700000000, "decided_at": 1700000300 | null}
 *   sent:     {"inquiry": inquiry, "message": message (chat_store.h), "recipients": [user ids]}
 *   decided:  {"inquiry": inquiry, "message": the system message}
 *   list:     {"inquiries": [inquiry…]}  (newest first) */
#ifndef MOA_STORAGE_INQUIRY_STORE_H
#define MOA_STORAGE_INQUIRY_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "storage/db.h"

#define INQUIRY_STORE_PER_HOUR 5      /* inquiries one user may send in any 3600 s */
#define INQUIRY_STORE_PER_DAY 20      /* and in any 86400 s */
#define INQUIRY_STORE_MAX_SUBJECT 200 /* bytes, one line; the body is limited like a chat message */
#define INQUIRY_STORE_MAX_LIST 100

typedef enum {
  INQUIRY_STORE_OK = 0,
  INQUIRY_STORE_INVALID = -1,      /* unknown topic, bad subject or body */
  INQUIRY_STORE_RATE_LIMITED = -2, /* too many recently; *retry_after says when to try again */
  INQUIRY_STORE_BLOCKED = -3,      /* the recipient organization blocked this sender */
  INQUIRY_STORE_FORBIDDEN = -4,    /* not allowed (deciding for another organization, own org...) */
  INQUIRY_STORE_NOT_FOUND = -5,    /* unknown (or hidden) organization, inquiry or user */
  INQUIRY_STORE_CONFLICT = -6,     /* already accepted or declined */
  INQUIRY_STORE_NO_CONTACTS = -7,  /* the recipient organization has nobody to receive it */
  INQUIRY_STORE_ERROR = -8,        /* database error; nothing was written */
} inquiry_store_status;

/* A short stable name for a status ("ok", "invalid", "rate_limited", "blocked", "forbidden",
 * "not_found", "conflict", "no_contacts", "internal"). */
const char *inquiry_store_status_name(int status);

/* Sends an inquiry from from_user to organization to_org. topic is one of "joint_rnd", "supply",
 * "investment", "commercialization", "other". Checks, in order: the text (INVALID), the sender
 * (NOT_FOUND if unknown or disabled), the recipient (NOT_FOUND if unknown or hidden from the
 * sender; FORBIDDEN for the sender's own organization), a block (BLOCKED), the rate limit
 * (RATE_LIMITED with *retry_after > 0 in seconds; refused attempts do not count) and the contacts
 * (NO_CONTACTS). Then, in one transaction, the inquiry, its conversation, its members and first
 * message are written; *out is the "sent" object. On any failure nothing is written. */
int inquiry_store_send(moa_db *db, int64_t from_user, int64_t to_org, const char *topic, const char *subject,
                       const char *body, int64_t *retry_after, json_t **out);

/* Accepts (accept true) or declines a pending inquiry, by user_id who must be a contact of the
 * recipient organization. Sets the status and decided_at and appends a system message to the
 * conversation, in one transaction; *out is the "decided" object. Returns INQUIRY_STORE_OK,
 * _NOT_FOUND, _FORBIDDEN, _CONFLICT (already decided) or _ERROR; nothing written on failure. */
int inquiry_store_decide(moa_db *db, int64_t user_id, int64_t inquiry_id, bool accept, json_t **out);

/* One inquiry, for its sender or a contact of its recipient organization. Returns
 * INQUIRY_STORE_OK, _NOT_FOUND (unknown, or not the user's to see) or _ERROR. */
int inquiry_store_get(moa_db *db, int64_t user_id, int64_t inquiry_id, json_t **out);

/* The inquiries user_id sent (received false) or that the user's organization received
 * (received true), newest first, at most limit (1..INQUIRY_STORE_MAX_LIST). A user without an
 * organization received none. Returns INQUIRY_STORE_OK or _ERROR. */
int inquiry_store_list(moa_db *db, int64_t user_id, bool received, int limit, json_t **out);

/* Blocks (block true) or unblocks sender_id for organization org_id, by user_id, a contact of
 * that organization. Idempotent. Returns INQUIRY_STORE_OK, _FORBIDDEN, _NOT_FOUND (unknown
 * sender) or _ERROR. */
int inquiry_store_block(moa_db *db, int64_t user_id, int64_t org_id, int64_t sender_id, bool block);

#endif
