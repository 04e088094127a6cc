/* JSON of the consortia (see consortium_json.h). */
#include "signaling/consortium_json.h"

#include <stdbool.h>

/* A JSON string of s, or null when s is NULL. */
static json_t *consortium_json__text(const char *s) { return s ? json_string(s) : json_null(); }

json_t *consortium_json(const consortium_info *c) {
  json_t *regions = json_array();
  for (size_t i = 0; regions && i < c->nregions; i++) {
    const consortium_region *r = &c->regions[i];
    json_t *complexes = json_array();
    for (size_t j = 0; complexes && j < r->ncomplexes; j++)
      if (json_array_append_new(complexes, consortium_json__text(r->complexes[j])) != 0) {
        json_decref(complexes);
        complexes = NULL;
      }
    json_t *group = complexes ? json_pack("{s:s, s:o}", "region", r->region, "complexes", complexes) : NULL;
    if (!group || json_array_append_new(regions, group) != 0) {
      json_decref(regions);
      regions = NULL;
    }
  }
  if (!regions) return NULL;
  json_t *sector =
      json_pack("{s:I, s:o, s:o}", "id", (json_int_t)c->sector_id, "name_ko",
                consortium_json__text(c->sector_ko), "name_en", consortium_json__text(c->sector_en));
  json_t *o = json_pack(
      "{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:b}", "id", (json_int_t)c->id, "name_ko",
      consortium_json__text(c->name_ko), "name_en", consortium_json__text(c->name_en), "sector",
      sector ? sector : json_null(), "sector_detail_ko", consortium_json__text(c->sector_detail_ko),
      "sector_detail_en", consortium_json__text(c->sector_detail_en), "lead_region",
      consortium_json__text(c->lead_region), "lead_complex", consortium_json__text(c->lead_complex),
      "regions", regions, "organization_count", (json_int_t)c->organization_count, "active", c->active);
  if (o && !sector) {
    json_decref(o);
    return NULL;
  }
  return o; /* json_pack has consumed the "o" arguments, on failure too */
}

/* What the callbacks build: the list, or the consortium and its page of members. failed: out of
 * memory somewhere. */
typedef struct consortium_json_build {
  json_t *list, *consortium, *organizations;
  bool failed;
} consortium_json_build;

static void consortium_json__append(void *arg, const consortium_info *c) {
  consortium_json_build *b = arg;
  json_t *o = consortium_json(c);
  if (!o || json_array_append_new(b->list, o) != 0) b->failed = true;
}

json_t *consortium_json_list(moa_db *db) {
  consortium_json_build b = {.list = json_array()};
  if (!b.list) return NULL;
  if (consortium_store_list(db, consortium_json__append, &b) != STORE_OK || b.failed) {
    json_decref(b.list);
    return NULL;
  }
  return b.list;
}

static void consortium_json__keep(void *arg, const consortium_info *c) {
  consortium_json_build *b = arg;
  b->consortium = consortium_json(c);
  if (!b->consortium ||
      json_object_set_new(b->consortium, "organization_total", json_integer(c->organization_count)) != 0)
    b->failed = true;
}

static void consortium_json__member(void *arg, const consortium_member *m) {
  consortium_json_build *b = arg;
  json_t *o = json_pack("{s:I, s:o, s:o, s:o, s:o, s:o}", "id", (json_int_t)m->id, "name",
                        consortium_json__text(m->name), "kind", consortium_json__text(m->kind), "region",
                        consortium_json__text(m->region), "complex", consortium_json__text(m->complex),
                        "size", consortium_json__text(m->size));
  if (!o || json_array_append_new(b->organizations, o) != 0) b->failed = true;
}

store_status consortium_json_get(moa_db *db, int64_t id, int org_limit, int org_offset, json_t **out) {
  *out = NULL;
  consortium_json_build b = {.organizations = json_array()};
  if (!b.organizations) return STORE_ERROR;
  store_status st =
      consortium_store_get(db, id, org_limit, org_offset, consortium_json__keep, consortium_json__member, &b);
  if (st == STORE_OK && (b.failed || json_object_set(b.consortium, "organizations", b.organizations) != 0))
    st = STORE_ERROR;
  json_decref(b.organizations);
  if (st != STORE_OK) {
    json_decref(b.consortium);
    return st;
  }
  *out = b.consortium;
  return STORE_OK;
}
