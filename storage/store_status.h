/* The one result type of store functions that can fail in more than one way the caller must tell
 * apart (issue 16: storage speaks C, signaling maps these to protocol error codes in one place,
 * protocol_store_error in signaling/protocol.h). A store reports a detail for a person, when there
 * is one, into a caller's buffer (char *err, size_t errlen); it never logs and never builds JSON. */
#ifndef MOA_STORAGE_STORE_STATUS_H
#define MOA_STORAGE_STORE_STATUS_H

typedef enum store_status {
  STORE_OK = 0,
  STORE_NOT_FOUND, /* no such row (or not visible to the caller) */
  STORE_CONFLICT,  /* the change contradicts what is kept (a duplicate, a state that moved on) */
  STORE_INVALID,   /* a value out of range or malformed; err says which */
  STORE_FORBIDDEN, /* the caller may not do this to this row */
  STORE_TOO_LARGE, /* a limit on count or size would be passed */
  STORE_ERROR,     /* the database failed; nothing was changed */
} store_status;

#endif
