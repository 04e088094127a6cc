/* Programme rules in the database (see programme_rule_store.h). */
#include "storage/programme_rule_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int insert_rule(moa_db *db, int64_t programme_id, int64_t item_row, const pr_rule *r) {
  char value[PR_LIST_MAX + 48];
  if (pr_value_format(r, value, sizeof value) < 0) return -1;
  sqlite3_stmt *st = db_stmt(db,
                             "INSERT INTO programme_rules(programme_id, item_id, attr, op, value, strength, grp, "
                             "origin, evidence) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, programme_id);
  if (item_row > 0) sqlite3_bind_int64(st, 2, item_row);
  sqlite3_bind_text(st, 3, r->attr, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, pr_op_name(r->op), -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 5, value, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 6, pr_strength_name(r->strength), -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 7, r->grp);
  sqlite3_bind_text(st, 8, pr_origin_name(item_row > 0 ? r->origin : PR_ORIGIN_REVIEWER), -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 9, r->evidence, -1, SQLITE_STATIC);
  return db_exec_stmt(db, st) == SQLITE_DONE ? 0 : -1;
}

int programme_rules_replace_extracted(moa_db *db, int64_t programme_id, int64_t item_row, const pr_set *set) {
  sqlite3_stmt *st = db_stmt(db, "DELETE FROM programme_rules WHERE item_id = ?1");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, item_row);
  if (db_exec_stmt(db, st) != SQLITE_DONE) return -1;
  for (size_t i = 0; i < set->n; i++) {
    if (set->rules[i].origin == PR_ORIGIN_REVIEWER) return -1;
    if (insert_rule(db, programme_id, item_row, &set->rules[i]) < 0) return -1;
  }
  return 0;
}

int programme_rules_item_has_rules(moa_db *db, int64_t item_row) {
  sqlite3_stmt *st = db_stmt(db, "SELECT EXISTS (SELECT 1 FROM programme_rules WHERE item_id = ?1)");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, item_row);
  if (db_step(db, st) != SQLITE_ROW) return -1;
  int has = sqlite3_column_int(st, 0);
  sqlite3_reset(st);
  return has;
}

int programme_rules_read_row(sqlite3_stmt *st, int first, pr_rule *r) {
  const char *attr = (const char *)sqlite3_column_text(st, first);
  const char *op = (const char *)sqlite3_column_text(st, first + 1);
  const char *value = (const char *)sqlite3_column_text(st, first + 2);
  const char *strength = (const char *)sqlite3_column_text(st, first + 3);
  const char *origin = (const char *)sqlite3_column_text(st, first + 5);
  const char *evidence = (const char *)sqlite3_column_text(st, first + 6);
  int o = pr_op_find(op), s = pr_strength_find(strength), g = pr_origin_find(origin);
  if (!attr || strlen(attr) >= sizeof r->attr || o < 0 || s < 0 || g < 0 || !evidence) return -1;
  memset(r, 0, sizeof *r);
  memcpy(r->attr, attr, strlen(attr) + 1);
  r->op = (elig_op)o;
  r->strength = (elig_strength)s;
  r->origin = (pr_origin)g;
  r->grp = sqlite3_column_int(st, first + 4);
  snprintf(r->evidence, sizeof r->evidence, "%s", evidence);
  char err[PR_REASON_MAX];
  return pr_value_parse(r, value, err, sizeof err);
}

/* The programme's rules_state: 1 reviewed, 0 not, -2 no such programme, -1 database error. */
static int rules_state(moa_db *db, int64_t programme_id) {
  sqlite3_stmt *st = db_stmt(db, "SELECT rules_state = 'reviewed' FROM programmes WHERE id = ?1");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, programme_id);
  int rc = db_step(db, st);
  int v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : rc == SQLITE_DONE ? -2 : -1;
  sqlite3_reset(st);
  return v;
}

void programme_rule_list_free(programme_rule_list *l) {
  free(l->rows);
  *l = (programme_rule_list){0};
}

int programme_rules_list(moa_db *db, int64_t programme_id, programme_rule_list *out) {
  *out = (programme_rule_list){0};
  int state = rules_state(db, programme_id);
  if (state == -2) return PROGRAMME_RULES_NOT_FOUND;
  if (state < 0) return PROGRAMME_RULES_DB_ERROR;
  out->reviewed = state == 1;
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT id, ifnull(item_id, 0), attr, op, value, strength, grp, origin, evidence "
                             "FROM programme_rules WHERE programme_id = ?1 ORDER BY item_id IS NOT NULL, id");
  if (!st) return PROGRAMME_RULES_DB_ERROR;
  sqlite3_bind_int64(st, 1, programme_id);
  size_t cap = 0;
  int rc;
  while ((rc = db_step(db, st)) == SQLITE_ROW) {
    if (out->n == cap) {
      cap = cap ? cap * 2 : 8;
      programme_rule_row *p = realloc(out->rows, cap * sizeof *p);
      if (!p) break;
      out->rows = p;
    }
    programme_rule_row *row = &out->rows[out->n];
    row->id = sqlite3_column_int64(st, 0);
    row->item_id = sqlite3_column_int64(st, 1);
    if (programme_rules_read_row(st, 2, &row->rule) < 0) break;
    row->active = (row->rule.origin == PR_ORIGIN_REVIEWER) == out->reviewed;
    out->n++;
  }
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) {
    programme_rule_list_free(out);
    return PROGRAMME_RULES_DB_ERROR;
  }
  return PROGRAMME_RULES_OK;
}

static int set_state(moa_db *db, int64_t programme_id, const char *state, int64_t now) {
  sqlite3_stmt *st = db_stmt(db, "UPDATE programmes SET rules_state = ?2, updated_at = ?3 WHERE id = ?1");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, programme_id);
  sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, now);
  return db_exec_stmt(db, st) == SQLITE_DONE ? 0 : -1;
}

static int delete_reviewer(moa_db *db, int64_t programme_id) {
  sqlite3_stmt *st = db_stmt(db, "DELETE FROM programme_rules WHERE programme_id = ?1 AND item_id IS NULL");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, programme_id);
  return db_exec_stmt(db, st) == SQLITE_DONE ? 0 : -1;
}

int programme_rules_replace(moa_db *db, int64_t programme_id, const pr_rule *rules, size_t n, int64_t now,
                            char *err, size_t errlen, int *bad) {
  if (bad) *bad = -1;
  for (size_t i = 0; i < n; i++) {
    pr_rule r = rules[i];
    r.origin = PR_ORIGIN_REVIEWER;
    char why[PR_REASON_MAX];
    int members = 0;
    for (size_t j = 0; j < n; j++)
      members += rules[j].grp == r.grp && rules[j].strength == RULE_REQUIRED;
    if (pr_rule_check(&r, why, sizeof why) == 0 && r.grp > 0 && (r.strength != RULE_REQUIRED || members < 2))
      snprintf(why, sizeof why, "%s: group %d must join two or more required rules", r.attr, r.grp);
    else if (pr_rule_check(&r, why, sizeof why) == 0)
      continue;
    snprintf(err, errlen, "rule %zu: %s", i + 1, why);
    if (bad) *bad = (int)i;
    return PROGRAMME_RULES_INVALID;
  }
  if (db_begin(db) != SQLITE_OK) return PROGRAMME_RULES_DB_ERROR;
  int state = rules_state(db, programme_id);
  if (state == -2) {
    db_rollback(db);
    snprintf(err, errlen, "no programme %lld", (long long)programme_id);
    return PROGRAMME_RULES_NOT_FOUND;
  }
  if (state < 0 || delete_reviewer(db, programme_id) < 0) goto fail;
  for (size_t i = 0; i < n; i++)
    if (insert_rule(db, programme_id, 0, &rules[i]) < 0) goto fail;
  if (set_state(db, programme_id, "reviewed", now) < 0 || db_commit(db) != SQLITE_OK) goto fail;
  return PROGRAMME_RULES_OK;
fail:
  snprintf(err, errlen, "database: %s", db_errmsg(db));
  db_rollback(db);
  return PROGRAMME_RULES_DB_ERROR;
}

int programme_rules_reset(moa_db *db, int64_t programme_id, int64_t now) {
  if (db_begin(db) != SQLITE_OK) return PROGRAMME_RULES_DB_ERROR;
  int state = rules_state(db, programme_id);
  if (state == -2) {
    db_rollback(db);
    return PROGRAMME_RULES_NOT_FOUND;
  }
  if (state < 0 || delete_reviewer(db, programme_id) < 0 || set_state(db, programme_id, "auto", now) < 0 ||
      db_commit(db) != SQLITE_OK) {
    db_rollback(db);
    return PROGRAMME_RULES_DB_ERROR;
  }
  return PROGRAMME_RULES_OK;
}
