/* Guest links for outsiders (experts, press) and the guests who redeemed them. A link carries a
 * role, an expiry, a use count and optionally the agenda segment after which its guests leave.
 * Redeeming creates a users row that exists only for that meeting (table guests): the rest of
 * the server sees an ordinary user id, and the session is restricted to the meeting. Only the
 * SHA-256 of a link's token is kept. */
#ifndef MOA_STORAGE_GUEST_STORE_H
#define MOA_STORAGE_GUEST_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage/db.h"
#include "storage/session_store.h"

#define GUEST_LINK_MAX_USES 1000
#define GUEST_LABEL_MAX 200

typedef struct guest_info {
  int64_t meeting_id;
  char role[16]; /* "guest", "press" or "expert" */
  int until_segment;
  int64_t link_expires_at;
} guest_info;

typedef enum {
  GUEST_OK = 0,
  GUEST_UNKNOWN = 1, /* no such link (or a malformed token) */
  GUEST_EXPIRED = 2, /* past expires_at, or the meeting is cancelled or over */
  GUEST_USED_UP = 3, /* max_uses redemptions made already */
  GUEST_INVALID = 4, /* bad name */
  GUEST_ERROR = -1,
} guest_status;

/* Creates a link for the meeting. role guest|press|expert, expires_at in the future, max_uses
 * 1..GUEST_LINK_MAX_USES, until_segment 0 (whole meeting) or an existing agenda position.
 * Writes the token; returns the link id, or -1 with err and nothing written. */
int64_t guest_store_create_link(moa_db *db, int64_t meeting_id, const char *role, const char *label,
                                int64_t expires_at, int max_uses, int until_segment, int64_t created_by,
                                char token[SESSION_TOKEN_LEN + 1], char *err, size_t errlen);

/* A link as listed to hosts (never its token). The strings belong to the store and live until
 * the callback returns. */
typedef struct guest_link {
  int64_t id, expires_at;
  const char *role, *label;
  int max_uses, uses, until_segment;
} guest_link;

/* Called once per link; return 0 to go on, anything else to stop (the read then fails). */
typedef int (*guest_link_fn)(void *ctx, const guest_link *l);

/* Calls fn for the links of a meeting, oldest first. fn must not use db. Returns 0, or -1 on a
 * database error or when fn stopped the read. */
int guest_store_links(moa_db *db, int64_t meeting_id, guest_link_fn fn, void *ctx);

/* Redeems a link: counts one use and creates the guest user named name (1..100 characters of
 * plain text). On GUEST_OK *user_id and *out are set; on any other status nothing is written. */
guest_status guest_store_redeem(moa_db *db, const char *token, const char *name, int64_t *user_id,
                                guest_info *out);

/* The guests of meeting_id whose scope ends before agenda position (until_segment N > 0 and
 * N < position), by user id: 0 with a malloc'd array *ids of *n user ids (NULL when there is
 * none; free it), or -1 on error (*ids NULL, *n 0). */
int guest_store_out_of_scope(moa_db *db, int64_t meeting_id, int position, int64_t **ids, size_t *n);

/* 1 and *out when user is a guest, 0 when not, -1 on error. */
int guest_store_of_user(moa_db *db, int64_t user_id, guest_info *out);

#endif
