/* Private calendar feeds: each user may have one feed token, which reads that user's upcoming
 * meetings as iCalendar (GET /calendar/feed/<token>.ics) and nothing else. Revoking deletes it;
 * the next request for a feed makes a new one, so an old URL stops working. */
#ifndef MOA_STORAGE_CALENDAR_STORE_H
#define MOA_STORAGE_CALENDAR_STORE_H

#include <stdint.h>

#include "storage/db.h"
#include "storage/session_store.h"

/* The user's feed token (made now when there is none). 0, or -1 with token "". */
int calendar_store_token(moa_db *db, int64_t user_id, char token[SESSION_TOKEN_LEN + 1]);
/* Deletes the user's token: 1 when one was deleted, 0 when there was none, -1 on error. */
int calendar_store_revoke(moa_db *db, int64_t user_id);
/* The user a feed token belongs to; 0 when unknown or malformed, -1 on error. */
int64_t calendar_store_user(moa_db *db, const char *token);

#endif
