/* JSON of users (docs/PROTOCOL.md): the `me` object that auth.login, auth.resume, auth.guest,
 * me.get, signup and chat replies carry, and the people of a consortium in consortium.get. Built
 * from storage/user_store.h's C structs; no other file builds these shapes.
 *
 *   me:     {id, email, name, is_admin, kind ("member" | "company"), organization: {id, name, kind}
 *            | null, consortia: [{id, name_ko, name_en, role}]}   (a NULL text is null)
 *   people: [{id, name, email, role, organization: {id, name} | null}] */
#ifndef MOA_SIGNALING_USER_JSON_H
#define MOA_SIGNALING_USER_JSON_H

#include <jansson.h>
#include <stdint.h>

#include "storage/db.h"

/* The `me` object of user_id: a new reference, or NULL when there is no such user or on a
 * database error. A consortium list that cannot be read is left empty. */
json_t *user_json_me(moa_db *db, int64_t user_id);

/* The people of consortium_id (user_store_consortium_people): a new array, or NULL on a database
 * error. */
json_t *user_json_consortium_people(moa_db *db, int64_t consortium_id);

#endif
