/* JSON of users (see user_json.h). */
#include "signaling/user_json.h"

#include "storage/user_store.h"

/* A JSON string of s, or null when s is NULL. */
static json_t *user_json__text(const char *s) { return s ? json_string(s) : json_null(); }

static void user_json__me(void *arg, const user_me *u) {
  json_t **out = arg;
  json_t *me =
      json_pack("{s:I, s:o, s:o, s:b, s:o}", "id", (json_int_t)u->id, "email", user_json__text(u->email),
                "name", user_json__text(u->name), "is_admin", u->is_admin, "kind", user_json__text(u->kind));
  if (!me) return;
  json_object_set_new(me, "organization",
                      u->org_id
                          ? json_pack("{s:I, s:o, s:o}", "id", (json_int_t)u->org_id, "name",
                                      user_json__text(u->org_name), "kind", user_json__text(u->org_kind))
                          : json_null());
  *out = me;
}

static void user_json__membership(void *arg, const user_membership *m) {
  json_array_append_new(arg, json_pack("{s:I, s:o, s:o, s:o}", "id", (json_int_t)m->consortium_id, "name_ko",
                                       user_json__text(m->name_ko), "name_en", user_json__text(m->name_en),
                                       "role", user_json__text(m->role)));
}

json_t *user_json_me(moa_db *db, int64_t user_id) {
  json_t *me = NULL;
  if (user_store_me(db, user_id, user_json__me, &me) != 1 || !me) {
    json_decref(me);
    return NULL;
  }
  json_t *list = json_array();
  user_store_memberships(db, user_id, user_json__membership, list); /* unreadable: what was read */
  json_object_set_new(me, "consortia", list);
  return me;
}

static void user_json__person(void *arg, const user_person *p) {
  json_t *org =
      p->org_id ? json_pack("{s:I, s:o}", "id", (json_int_t)p->org_id, "name", user_json__text(p->org_name))
                : json_null();
  json_array_append_new(arg, json_pack("{s:I, s:o, s:o, s:o, s:o}", "id", (json_int_t)p->id, "name",
                                       user_json__text(p->name), "email", user_json__text(p->email), "role",
                                       user_json__text(p->role), "organization", org));
}

json_t *user_json_consortium_people(moa_db *db, int64_t consortium_id) {
  json_t *arr = json_array();
  if (arr && user_store_consortium_people(db, consortium_id, user_json__person, arr) != 0) {
    json_decref(arr);
    return NULL;
  }
  return arr;
}
