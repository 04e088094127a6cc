/* An outbound message: the serialized text of one reply or event, reference-counted so that an
 * event fanned out to many connections is serialized and stored once and every recipient's queue
 * holds a pointer to it (libwebsockets' ring example keeps one copy of a message for all its
 * readers the same way). Created with one reference; each queue holding it owns one more, and the
 * last outmsg_unref frees it. Single-threaded: only the signaling thread touches the counts. */
#ifndef MOA_SIGNALING_OUTMSG_H
#define MOA_SIGNALING_OUTMSG_H

#include <jansson.h>
#include <stddef.h>

typedef struct outmsg {
  unsigned refs;
  size_t len;
  char data[]; /* len bytes, not NUL terminated */
} outmsg;

/* A copy of len bytes of text with one reference, or NULL when out of memory. */
outmsg *outmsg_new(const char *text, size_t len);
/* msg (not stolen) serialized compactly, with one reference; NULL on failure. */
outmsg *outmsg_from_json(const json_t *msg);
/* Takes one more reference; returns m. */
outmsg *outmsg_ref(outmsg *m);
/* Drops one reference, freeing m with the last; NULL is ignored. */
void outmsg_unref(outmsg *m);

#endif
