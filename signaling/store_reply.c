/* Replies built from store lists (see store_reply.h). */
#include "signaling/store_reply.h"

#include <stddef.h>

store_status store_reply_list(store_status st, json_t *reply, const char *key, json_t *list, json_t **out) {
  *out = NULL;
  if (st == STORE_OK && (!list || !reply)) st = STORE_ERROR;
  if (st != STORE_OK) {
    json_decref(list);
    json_decref(reply);
    return st;
  }
  if (json_object_set_new(reply, key, list) != 0) { /* set_new frees list on failure */
    json_decref(reply);
    return STORE_ERROR;
  }
  *out = reply;
  return STORE_OK;
}
