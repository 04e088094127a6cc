/* system.ping, me.get, consortium.list, consortium.get, consortium.add_organization.
 *
 * Authorization (docs/PROTOCOL.md, "Who sees what"): every signed-in user sees the list of the
 * consortia and each consortium's member organizations (the public directory: linking regions is
 * the programme's point); only members of a consortium (any role) and admins see its people and
 * their contact details. consortium.add_organization is for the consortium's coordinators and
 * admins: it admits an organization from outside (a company that signed itself up), whose people
 * then reach the consortium's rooms and channel as members. */
#include <stdio.h>

#include "signaling/consortium_json.h"
#include "signaling/handlers.h"
#include "signaling/user_json.h"
#include "storage/consortium_store.h"
#include "storage/org_store.h"
#include "storage/user_store.h"

static void handle_system_ping(hub *h, session *s, json_int_t id, json_t *req) {
  (void)req;
  hub_reply(h, s, id, json_pack("{s:I}", "server_time_ms", (json_int_t)db_now(hub_db(h)) * 1000));
}

static void handle_me_get(hub *h, session *s, json_int_t id, json_t *req) {
  (void)req;
  json_t *me = user_json_me(hub_db(h), s->user_id);
  if (!me) {
    hub_error(h, s, id, ERR_INTERNAL, "cannot read your profile");
    return;
  }
  meeting_guest_add_block(h, s, me); /* a guest's: the same block as auth.guest / auth.resume */
  hub_reply(h, s, id, me);
}

static void handle_consortium_list(hub *h, session *s, json_int_t id, json_t *req) {
  (void)req;
  json_t *list = consortium_json_list(hub_db(h));
  if (!list) {
    hub_error(h, s, id, ERR_INTERNAL, "cannot read consortia");
    return;
  }
  /* Mark the caller's own consortia, so clients need not cross-reference me.get. */
  size_t i;
  json_t *c;
  json_array_foreach(list, i, c) {
    consortium_role r =
        user_store_role_in(hub_db(h), s->user_id, json_integer_value(json_object_get(c, "id")));
    json_object_set_new(c, "my_role",
                        r == ROLE_COORDINATOR ? json_string("coordinator")
                        : r == ROLE_MEMBER    ? json_string("member")
                                              : json_null());
  }
  hub_reply(h, s, id, json_pack("{s:o}", "consortia", list));
}

static void handle_consortium_get(hub *h, session *s, json_int_t id, json_t *req) {
  json_int_t cid = 0, limit = 100, offset = 0;
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_INT("consortium_id", 1, INT32_MAX, PARAM_REQUIRED, &cid),
                                 PARAM_INT("limit", 1, CONSORTIUM_STORE_MAX_PAGE, PARAM_OPTIONAL, &limit),
                                 PARAM_INT("offset", 0, INT32_MAX, PARAM_OPTIONAL, &offset), PARAM_END}))
    return;
  moa_db *db = hub_db(h);
  json_t *c = NULL;
  store_status st = consortium_json_get(db, cid, (int)limit, (int)offset, &c);
  if (st != STORE_OK) {
    hub_error(h, s, id, protocol_store_error(st),
              st == STORE_NOT_FOUND ? "no such consortium" : "cannot read consortium");
    return;
  }
  consortium_role r = user_store_role_in(db, s->user_id, cid);
  json_object_set_new(c, "my_role",
                      r == ROLE_COORDINATOR ? json_string("coordinator")
                      : r == ROLE_MEMBER    ? json_string("member")
                                            : json_null());
  if (r != ROLE_NONE || s->is_admin) {
    json_t *people = user_json_consortium_people(db, cid);
    json_object_set_new(c, "people", people ? people : json_array());
  }
  hub_reply(h, s, id, c);
}

static void handle_consortium_add_organization(hub *h, session *s, json_int_t id, json_t *req) {
  json_int_t cid = 0, org = 0;
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_INT("consortium_id", 1, INT32_MAX, PARAM_REQUIRED, &cid),
                                 PARAM_INT("org_id", 1, INT64_MAX, PARAM_REQUIRED, &org), PARAM_END}))
    return;
  moa_db *db = hub_db(h);
  if (consortium_store_exists(db, cid) != 1) {
    hub_error(h, s, id, ERR_NOT_FOUND, "no such consortium");
    return;
  }
  if (!s->is_admin && user_store_role_in(db, s->user_id, cid) != ROLE_COORDINATOR) {
    hub_error(h, s, id, ERR_FORBIDDEN, "only the consortium's coordinators add organizations to it");
    return;
  }
  int added = 0;
  store_status st = org_store_admit(db, org, cid, &added);
  if (st != STORE_OK) {
    hub_error(h, s, id, protocol_store_error(st),
              st == STORE_NOT_FOUND  ? "no such organization"
              : st == STORE_CONFLICT ? "this organization is a member of the consortium already"
                                     : "database error; nothing was changed");
    return;
  }
  hub_reply(h, s, id,
            json_pack("{s:I, s:I, s:i}", "consortium_id", cid, "org_id", org, "members_added", added));
}

const handler_def core_handlers[] = {
    {"consortium.add_organization", handle_consortium_add_organization, 0},
    {"consortium.get", handle_consortium_get, 0},
    {"consortium.list", handle_consortium_list, 0},
    {"me.get", handle_me_get, HANDLER_GUEST},
    {"system.ping", handle_system_ping, HANDLER_PUBLIC | HANDLER_GUEST},
    {NULL, NULL, 0},
};
