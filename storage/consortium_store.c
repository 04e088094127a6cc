/* Consortium queries (see consortium_store.h). The consortium row and its member count come from
 * one statement; the linked complexes from a second, grouped by region here in the order they were
 * loaded from data/consortia.tsv (lead first, then consortium_complexes insertion order). */
#include "storage/consortium_store.h"

#include <string.h>

/* Columns of both consortium statements below, in this order. */
enum {
  C_ID,
  C_NAME_KO,
  C_NAME_EN,
  C_SECTOR_ID,
  C_SECTOR_KO,
  C_SECTOR_EN,
  C_DETAIL_KO,
  C_DETAIL_EN,
  C_LEAD_REGION,
  C_LEAD_COMPLEX,
  C_ACTIVE,
  C_ORG_COUNT
};

static json_t *consortium_store__text(sqlite3_stmt *st, int col) {
  const unsigned char *t = sqlite3_column_text(st, col);
  return t ? json_string((const char *)t) : json_null();
}

/* Builds {region, complexes} groups for consortium id; NULL on error. */
static json_t *consortium_store__regions(moa_db *db, int64_t id) {
  json_t *regions = json_array();
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT r.name_ko, x.name_ko FROM consortium_complexes cc "
                             "JOIN complexes x ON x.id = cc.complex_id "
                             "JOIN regions r ON r.id = x.region_id "
                             "WHERE cc.consortium_id = ? ORDER BY cc.is_lead DESC, cc.rowid");
  if (!regions || !st) goto fail;
  sqlite3_bind_int64(st, 1, id);
  int rc;
  while ((rc = db_step(db, st)) == SQLITE_ROW) {
    const char *region = (const char *)sqlite3_column_text(st, 0);
    json_t *group = NULL;
    size_t i;
    json_t *g;
    json_array_foreach(regions, i, g) {
      if (strcmp(json_string_value(json_object_get(g, "region")), region) == 0) group = g;
    }
    if (!group) {
      group = json_pack("{s:s, s:[]}", "region", region, "complexes");
      if (!group || json_array_append_new(regions, group) != 0) goto fail;
    }
    if (json_array_append_new(json_object_get(group, "complexes"), consortium_store__text(st, 1)) != 0)
      goto fail;
  }
  if (rc != SQLITE_DONE) goto fail;
  sqlite3_reset(st);
  return regions;
fail:
  if (st) sqlite3_reset(st);
  json_decref(regions);
  return NULL;
}

/* Builds the consortium object from the current row of st (see the column enum). */
static json_t *consortium_store__object(moa_db *db, sqlite3_stmt *st) {
  int64_t id = sqlite3_column_int64(st, C_ID);
  json_t *regions = consortium_store__regions(db, id);
  if (!regions) return NULL;
  json_t *sector =
      json_pack("{s:I, s:o, s:o}", "id", (json_int_t)sqlite3_column_int64(st, C_SECTOR_ID), "name_ko",
                consortium_store__text(st, C_SECTOR_KO), "name_en", consortium_store__text(st, C_SECTOR_EN));
  json_t *c = json_pack(
      "{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:b}", "id", (json_int_t)id, "name_ko",
      consortium_store__text(st, C_NAME_KO), "name_en", consortium_store__text(st, C_NAME_EN), "sector",
      sector ? sector : json_null(), "sector_detail_ko", consortium_store__text(st, C_DETAIL_KO),
      "sector_detail_en", consortium_store__text(st, C_DETAIL_EN), "lead_region",
      consortium_store__text(st, C_LEAD_REGION), "lead_complex", consortium_store__text(st, C_LEAD_COMPLEX),
      "regions", regions, "organization_count", (json_int_t)sqlite3_column_int64(st, C_ORG_COUNT), "active",
      sqlite3_column_int(st, C_ACTIVE) != 0);
  if (c && !sector) {
    json_decref(c);
    return NULL;
  }
  return c; /* json_pack has consumed the "o" arguments, on failure too */
}

json_t *consortium_store_list(moa_db *db) {
  json_t *list = json_array();
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT c.id, c.name_ko, c.name_en, s.id, s.name_ko, s.name_en, "
                             "c.sector_detail_ko, c.sector_detail_en, r.name_ko, x.name_ko, c.active, "
                             "(SELECT count(*) FROM memberships m WHERE m.consortium_id = c.id) "
                             "FROM consortia c JOIN sectors s ON s.id = c.sector_id "
                             "JOIN regions r ON r.id = c.lead_region_id "
                             "JOIN complexes x ON x.id = c.lead_complex_id ORDER BY c.id");
  if (!list || !st) goto fail;
  int rc;
  while ((rc = db_step(db, st)) == SQLITE_ROW) {
    json_t *c = consortium_store__object(db, st);
    if (!c || json_array_append_new(list, c) != 0) goto fail;
  }
  if (rc != SQLITE_DONE) goto fail;
  sqlite3_reset(st);
  return list;
fail:
  if (st) sqlite3_reset(st);
  json_decref(list);
  return NULL;
}

/* Appends the page of members of consortium id to c; returns 0 or -1. */
static int consortium_store__organizations(moa_db *db, json_t *c, int64_t id, int limit, int offset) {
  json_t *orgs = json_array();
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT o.id, o.name, o.kind, r.name_ko, x.name_ko, o.size "
                             "FROM memberships m JOIN organizations o ON o.id = m.org_id "
                             "JOIN regions r ON r.id = o.region_id "
                             "LEFT JOIN complexes x ON x.id = o.complex_id "
                             "WHERE m.consortium_id = ? ORDER BY o.name, o.id LIMIT ? OFFSET ?");
  if (!orgs || !st || json_object_set_new(c, "organizations", orgs) != 0) goto fail;
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_int(st, 2, limit);
  sqlite3_bind_int(st, 3, offset);
  int rc;
  while ((rc = db_step(db, st)) == SQLITE_ROW) {
    json_t *o = json_pack("{s:I, s:o, s:o, s:o, s:o, s:o}", "id", (json_int_t)sqlite3_column_int64(st, 0),
                          "name", consortium_store__text(st, 1), "kind", consortium_store__text(st, 2),
                          "region", consortium_store__text(st, 3), "complex", consortium_store__text(st, 4),
                          "size", consortium_store__text(st, 5));
    if (!o || json_array_append_new(orgs, o) != 0) goto fail;
  }
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? 0 : -1;
fail:
  if (st) sqlite3_reset(st);
  return -1;
}

json_t *consortium_store_get(moa_db *db, int64_t id, int org_limit, int org_offset) {
  json_t *c = NULL;
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT c.id, c.name_ko, c.name_en, s.id, s.name_ko, s.name_en, "
                             "c.sector_detail_ko, c.sector_detail_en, r.name_ko, x.name_ko, c.active, "
                             "(SELECT count(*) FROM memberships m WHERE m.consortium_id = c.id) "
                             "FROM consortia c JOIN sectors s ON s.id = c.sector_id "
                             "JOIN regions r ON r.id = c.lead_region_id "
                             "JOIN complexes x ON x.id = c.lead_complex_id WHERE c.id = ?");
  if (!st) return NULL;
  sqlite3_bind_int64(st, 1, id);
  if (db_step(db, st) == SQLITE_ROW) c = consortium_store__object(db, st);
  sqlite3_reset(st);
  if (!c) return NULL;
  if (org_limit < 0) org_limit = 0;
  if (org_limit > CONSORTIUM_STORE_MAX_PAGE) org_limit = CONSORTIUM_STORE_MAX_PAGE;
  if (org_offset < 0) org_offset = 0;
  if (json_object_set(c, "organization_total", json_object_get(c, "organization_count")) != 0 ||
      consortium_store__organizations(db, c, id, org_limit, org_offset) != 0) {
    json_decref(c);
    return NULL;
  }
  return c;
}

int consortium_store_exists(moa_db *db, int64_t id) {
  sqlite3_stmt *st = db_stmt(db, "SELECT EXISTS (SELECT 1 FROM consortia WHERE id = ?)");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, id);
  int rc = db_step(db, st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
  sqlite3_reset(st);
  return rc;
}
