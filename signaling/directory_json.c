/* JSON of the partner directory (see directory_json.h): the store hands over profiles, contacts
 * and suggestions through callbacks, and each callback appends its object to the array being
 * built, so a search page costs one copy of each field, into its JSON string. */
#include "signaling/directory_json.h"

#include <stddef.h>
#include <string.h>

#include "signaling/store_reply.h"

/* A JSON string of s; "" when s is not valid UTF-8 (the database holds text checked on the way in,
 * but a column read back is never trusted to be). */
static json_t *dirj__str(const char *s) {
  json_t *j = json_string(s);
  return j ? j : json_string("");
}

/* {"id", "name_ko"[, "name_en"]}, or null for none. */
static json_t *dirj__ref(const directory_ref *r, bool with_en) {
  if (!r->id) return json_null();
  json_t *o = json_object();
  json_object_set_new(o, "id", json_integer(r->id));
  json_object_set_new(o, "name_ko", dirj__str(r->name_ko));
  if (with_en) json_object_set_new(o, "name_en", dirj__str(r->name_en));
  return o;
}

json_t *directory_json_profile(const directory_profile *p) {
  json_t *o = json_object();
  json_object_set_new(o, "id", json_integer(p->id));
  json_object_set_new(o, "name", dirj__str(p->name));
  json_object_set_new(o, "name_en", dirj__str(p->name_en));
  json_object_set_new(o, "kind", dirj__str(p->kind));
  json_object_set_new(o, "sector", dirj__ref(&p->sector, true));
  json_object_set_new(o, "region", dirj__ref(&p->region, false));
  json_object_set_new(o, "complex", dirj__ref(&p->complex, false));
  json_object_set_new(o, "size", dirj__str(p->size));
  json_object_set_new(o, "revenue_band", dirj__str(p->revenue_band));
  json_object_set_new(o, "exports", json_boolean(p->exports));
  json_object_set_new(o, "capabilities", dirj__str(p->capabilities));
  json_object_set_new(o, "keywords", dirj__str(p->keywords));
  json_object_set_new(o, "description", dirj__str(p->description));
  json_object_set_new(o, "hidden_outside", json_boolean(p->hidden_outside));
  json_t *cons = json_array();
  for (size_t i = 0; i < p->nconsortia; i++) json_array_append_new(cons, dirj__ref(&p->consortia[i], true));
  json_object_set_new(o, "consortia", cons);
  return o;
}

/* A directory_profile_fn that appends the profile to the array arg. */
static void dirj__append_profile(void *arg, const directory_profile *p) {
  json_array_append_new(arg, directory_json_profile(p));
}

/* A directory_profile_fn that keeps the profile in *(json_t **)arg. */
static void dirj__keep_profile(void *arg, const directory_profile *p) {
  json_t **out = arg;
  json_decref(*out);
  *out = directory_json_profile(p);
}

/* The facets object of a search result. */
static json_t *dirj__facets(const directory_search_result *r) {
  static const char *const names[DIRECTORY_FACETS] = {"sector", "region", "consortium",
                                                      "kind",   "size",   "exports"};
  json_t *facets = json_object();
  for (int k = 0; k < DIRECTORY_FACETS; k++) {
    json_t *a = json_array();
    for (size_t i = 0; i < r->facets[k].n; i++) {
      const directory_facet_value *v = &r->facets[k].v[i];
      json_t *e = json_object();
      if (k == DIRECTORY_FACET_KIND || k == DIRECTORY_FACET_SIZE) {
        json_object_set_new(e, "value", json_string(v->value));
      } else if (k == DIRECTORY_FACET_EXPORTS) {
        json_object_set_new(e, "value", json_boolean(v->id));
      } else {
        json_object_set_new(e, "id", json_integer(v->id));
        json_object_set_new(e, "name", dirj__str(v->name));
      }
      json_object_set_new(e, "count", json_integer(v->count));
      json_array_append_new(a, e);
    }
    json_object_set_new(facets, names[k], a);
  }
  return facets;
}

store_status directory_json_search(moa_db *db, int64_t viewer_id, const directory_query *q, json_t **out) {
  *out = NULL;
  json_t *results = json_array();
  directory_search_result r;
  store_status st = directory_store_search(db, viewer_id, q, dirj__append_profile, results, &r);
  if (st != STORE_OK) {
    json_decref(results);
    return st;
  }
  *out = json_pack("{s:I, s:i, s:i, s:o, s:o}", "total", (json_int_t)r.total, "offset", r.offset, "limit",
                   r.limit, "results", results, "facets", dirj__facets(&r));
  directory_search_result_free(&r);
  return *out ? STORE_OK : STORE_ERROR;
}

store_status directory_json_get(moa_db *db, int64_t viewer_id, int64_t org_id, json_t **out) {
  *out = NULL;
  store_status st = directory_store_get(db, viewer_id, org_id, dirj__keep_profile, out);
  if (st != STORE_OK) {
    json_decref(*out);
    *out = NULL;
  }
  return st;
}

static void dirj__append_contact(void *arg, const directory_contact *c) {
  json_array_append_new(arg, json_pack("{s:I, s:o, s:o}", "user_id", (json_int_t)c->user_id, "name",
                                       dirj__str(c->name), "email", dirj__str(c->email)));
}

store_status directory_json_contacts(moa_db *db, int64_t viewer_id, int64_t org_id, json_t **out) {
  json_t *list = json_array();
  store_status st = directory_store_contacts(db, viewer_id, org_id, dirj__append_contact, list);
  return store_reply_list(st, json_pack("{s:I}", "org_id", (json_int_t)org_id), "contacts", list, out);
}

static void dirj__append_suggestion(void *arg, const directory_suggestion *s) {
  json_t *matched = json_array();
  for (size_t i = 0; i < s->nmatched; i++) json_array_append_new(matched, json_string(s->matched[i]));
  json_array_append_new(
      arg, json_pack("{s:o, s:I, s:o, s:s, s:s}", "org",
                     s->org ? directory_json_profile(s->org) : json_null(), "score", (json_int_t)s->score,
                     "matched", matched, "reason_ko", s->reason_ko, "reason_en", s->reason_en));
}

store_status directory_json_suggest(moa_db *db, int64_t viewer_id, int64_t org_id, int limit, json_t **out) {
  json_t *list = json_array();
  store_status st = directory_store_suggest(db, viewer_id, org_id, limit, dirj__append_suggestion, list);
  return store_reply_list(st, json_pack("{s:I}", "org_id", (json_int_t)org_id), "suggestions", list, out);
}

store_status directory_json_edit(json_t *fields, directory_profile_edit *edit) {
  static const struct {
    const char *name;
    size_t offset;
  } text[] = {
      {"name", offsetof(directory_profile_edit, name)},
      {"name_en", offsetof(directory_profile_edit, name_en)},
      {"size", offsetof(directory_profile_edit, size)},
      {"revenue_band", offsetof(directory_profile_edit, revenue_band)},
      {"capabilities", offsetof(directory_profile_edit, capabilities)},
      {"keywords", offsetof(directory_profile_edit, keywords)},
      {"description", offsetof(directory_profile_edit, description)},
  };
  *edit = (directory_profile_edit){.exports = -1, .hidden_outside = -1};
  if (!json_is_object(fields)) return STORE_INVALID;
  const char *key;
  json_t *val;
  json_object_foreach(fields, key, val) {
    if (!strcmp(key, "exports") || !strcmp(key, "hidden_outside")) {
      if (!json_is_boolean(val)) return STORE_INVALID;
      *(key[0] == 'e' ? &edit->exports : &edit->hidden_outside) = json_is_true(val);
      continue;
    }
    size_t i = 0;
    while (i < sizeof text / sizeof *text && strcmp(key, text[i].name)) i++;
    if (i == sizeof text / sizeof *text) return STORE_INVALID; /* unknown field */
    const char *s = json_string_value(val);
    if (!s || strlen(s) != json_string_length(val)) return STORE_INVALID; /* not a string, or a NUL */
    *(const char **)((char *)edit + text[i].offset) = s;
  }
  return STORE_OK;
}

store_status directory_json_update(moa_db *db, int64_t org_id, json_t *fields, json_t **out) {
  if (out) *out = NULL;
  directory_profile_edit edit;
  store_status st = directory_json_edit(fields, &edit);
  if (st != STORE_OK) return st;
  json_t *profile = NULL;
  st = directory_store_update_profile(db, org_id, &edit, out ? dirj__keep_profile : NULL, &profile);
  if (st == STORE_OK && out)
    *out = profile;
  else
    json_decref(profile);
  return st;
}
