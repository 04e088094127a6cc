/* Reference-counted outbound messages (see outmsg.h). */
#include "signaling/outmsg.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

outmsg *outmsg_new(const char *text, size_t len) {
  outmsg *m = malloc(sizeof *m + len);
  if (!m) return NULL;
  m->refs = 1;
  m->len = len;
  memcpy(m->data, text, len);
  return m;
}

outmsg *outmsg_from_json(const json_t *msg) {
  char *text = json_dumps(msg, JSON_COMPACT);
  if (!text) return NULL;
  outmsg *m = outmsg_new(text, strlen(text));
  free(text);
  return m;
}

outmsg *outmsg_ref(outmsg *m) {
  assert(m->refs > 0);
  m->refs++;
  return m;
}

void outmsg_unref(outmsg *m) {
  if (!m) return;
  assert(m->refs > 0);
  if (--m->refs == 0) free(m);
}
