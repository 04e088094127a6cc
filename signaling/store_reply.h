/* Replies built from store lists: a store that lists through an iteration callback fills a
 * json_array the *_json.c builder made, and this wraps the array into the reply object, or drops
 * it when the store failed. Used by directory_json.c and inquiry_json.c. */
#ifndef MOA_SIGNALING_STORE_REPLY_H
#define MOA_SIGNALING_STORE_REPLY_H

#include <jansson.h>

#include "storage/store_status.h"

/* Finishes a reply from st, the status of the store call that appended its rows to list. With
 * STORE_OK, *out becomes reply (an object the caller made: json_object(), or one with its other
 * fields, e.g. {"org_id": 5}) with list set under key, and STORE_OK is returned; STORE_ERROR when
 * list or reply is NULL (out of memory) or key cannot be set. Otherwise *out is NULL and st is
 * returned. Takes the references to list and reply in every case: what does not end in *out is
 * freed. */
store_status store_reply_list(store_status st, json_t *reply, const char *key, json_t *list, json_t **out);

#endif
