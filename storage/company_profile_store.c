/* Company profiles in org_attributes (see company_profile_store.h). One row per attribute that
 * is not blank; clearing deletes the row. */
#include "storage/company_profile_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/seoul_time.h"

void company_profile_today(int64_t now, char *buf) {
  char iso[32];
  seoul_format_iso(now, iso, sizeof iso);
  snprintf(buf, CP_DATE_LEN, "%.10s", iso);
}

static int cp_store__org_exists(moa_db *db, int64_t org_id) {
  sqlite3_stmt *st = db_stmt(db, "SELECT 1 FROM organizations WHERE id = ?");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, org_id);
  int rc = db_step(db, st);
  sqlite3_reset(st); /* left stepped, it would hold a read transaction: a stale snapshot for the connection */
  return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static void cp_store__copy(char *dst, size_t len, const unsigned char *src) {
  snprintf(dst, len, "%s", src ? (const char *)src : "");
}

store_status company_profile_load(moa_db *db, int64_t org_id, company_profile *out) {
  memset(out, 0, sizeof *out);
  out->org_id = org_id;
  int exists = cp_store__org_exists(db, org_id);
  if (exists < 0) return STORE_ERROR;
  if (!exists) return STORE_NOT_FOUND;
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT attr, value, as_of, valid_from, valid_to, source, updated_at "
                             "FROM org_attributes WHERE org_id = ?");
  if (!st) return STORE_ERROR;
  sqlite3_bind_int64(st, 1, org_id);
  int rc;
  while ((rc = db_step(db, st)) == SQLITE_ROW) {
    int a = cp_attr_find((const char *)sqlite3_column_text(st, 0));
    if (a < 0) continue; /* an attribute a later version added: not ours to show */
    cp_value *v = &out->v[a];
    v->set = true;
    cp_store__copy(v->value, sizeof v->value, sqlite3_column_text(st, 1));
    cp_store__copy(v->as_of, sizeof v->as_of, sqlite3_column_text(st, 2));
    cp_store__copy(v->valid_from, sizeof v->valid_from, sqlite3_column_text(st, 3));
    cp_store__copy(v->valid_to, sizeof v->valid_to, sqlite3_column_text(st, 4));
    v->source = cp_source_find((const char *)sqlite3_column_text(st, 5)) == CP_SOURCE_IMPORTED
                    ? CP_SOURCE_IMPORTED
                    : CP_SOURCE_ENTERED;
    v->updated_at = sqlite3_column_int64(st, 6);
  }
  return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

/* The canonical values of a change set, checked. */
typedef struct cp_checked {
  char value[CP_VALUE_MAX];
  char as_of[CP_DATE_LEN];
} cp_checked;

store_status company_profile_write(moa_db *db, int64_t org_id, const cp_change *changes, size_t n,
                                   const char *today, int64_t now, int64_t by_user, char *err, size_t errlen,
                                   int *bad) {
  if (bad) *bad = -1;
  if (err && errlen) err[0] = '\0';
  store_status result = STORE_ERROR;
  company_profile *cur = malloc(sizeof *cur);
  cp_checked *ok = n ? calloc(n, sizeof *ok) : NULL;
  if (!cur || (n && !ok)) {
    snprintf(err, errlen, "out of memory");
    goto done;
  }
  if ((result = company_profile_load(db, org_id, cur)) != STORE_OK) goto done;
  result = STORE_INVALID;
  for (size_t i = 0; i < n; i++) {
    if (bad) *bad = (int)i;
    if (cp_check(&changes[i], today, ok[i].value, ok[i].as_of, err, errlen) != 0) goto done;
    for (size_t j = 0; j < i; j++)
      if (changes[j].attr == changes[i].attr) {
        snprintf(err, errlen, "%s: changed twice in one update", cp_attr_info(changes[i].attr)->key);
        goto done;
      }
    cp_value *v = &cur->v[changes[i].attr];
    v->set = changes[i].value != NULL;
    memcpy(v->value, ok[i].value, sizeof v->value);
  }
  if (bad) *bad = -1;
  /* across attributes, in the profile as it would be */
  const cp_value *emp = &cur->v[CP_EMPLOYEES], *youth = &cur->v[CP_YOUTH_EMPLOYEES];
  if (emp->set && youth->set && strtoll(youth->value, NULL, 10) > strtoll(emp->value, NULL, 10)) {
    for (size_t i = 0; i < n && bad; i++)
      if (changes[i].attr == CP_YOUTH_EMPLOYEES || changes[i].attr == CP_EMPLOYEES) *bad = (int)i;
    snprintf(err, errlen, "youth_employees: %s is more than employees (%s)", youth->value, emp->value);
    goto done;
  }
  result = STORE_ERROR;
  for (size_t i = 0; i < n; i++) {
    const cp_change *c = &changes[i];
    const char *key = cp_attr_info(c->attr)->key;
    sqlite3_stmt *st;
    if (!c->value) {
      st = db_stmt(db, "DELETE FROM org_attributes WHERE org_id = ? AND attr = ?");
      if (!st) goto done;
      sqlite3_bind_int64(st, 1, org_id);
      sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    } else {
      st =
          db_stmt(db,
                  "INSERT INTO org_attributes(org_id, attr, value, as_of, valid_from, valid_to, source, "
                  "updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                  "ON CONFLICT(org_id, attr) DO UPDATE SET value = excluded.value, as_of = excluded.as_of, "
                  "valid_from = excluded.valid_from, valid_to = excluded.valid_to, source = excluded.source, "
                  "updated_at = excluded.updated_at, updated_by = excluded.updated_by");
      if (!st) goto done;
      bool window = cp_attr_info(c->attr)->type == CP_T_CERT && strcmp(ok[i].value, "1") == 0;
      sqlite3_bind_int64(st, 1, org_id);
      sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
      sqlite3_bind_text(st, 3, ok[i].value, -1, SQLITE_STATIC);
      sqlite3_bind_text(st, 4, ok[i].as_of, -1, SQLITE_STATIC);
      if (window) {
        sqlite3_bind_text(st, 5, c->valid_from, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, c->valid_to, -1, SQLITE_STATIC);
      }
      sqlite3_bind_text(st, 7, cp_source_key(c->source), -1, SQLITE_STATIC);
      sqlite3_bind_int64(st, 8, now);
      if (by_user > 0) sqlite3_bind_int64(st, 9, by_user);
    }
    if (db_exec_stmt(db, st) != SQLITE_DONE) {
      snprintf(err, errlen, "database error: %s", db_errmsg(db));
      goto done;
    }
  }
  result = STORE_OK;
done:
  if (result == STORE_NOT_FOUND) snprintf(err, errlen, "no such organization");
  free(cur);
  free(ok);
  return result;
}

store_status company_profile_update(moa_db *db, int64_t org_id, const cp_change *changes, size_t n,
                                    const char *today, int64_t now, int64_t by_user, char *err, size_t errlen,
                                    int *bad) {
  if (db_begin(db) != SQLITE_OK) {
    snprintf(err, errlen, "database error: %s", db_errmsg(db));
    if (bad) *bad = -1;
    return STORE_ERROR;
  }
  store_status rc = company_profile_write(db, org_id, changes, n, today, now, by_user, err, errlen, bad);
  if (rc != STORE_OK) {
    db_rollback(db);
    return rc;
  }
  if (db_commit(db) != SQLITE_OK) {
    snprintf(err, errlen, "database error: %s", db_errmsg(db));
    db_rollback(db);
    return STORE_ERROR;
  }
  return STORE_OK;
}
