/* One programme for display (see programme_view.h). */
#include "storage/programme_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_col(sqlite3_stmt *st, int col, bool *oom) {
  const char *s = (const char *)sqlite3_column_text(st, col);
  char *d = strdup(s ? s : "");
  if (!d) *oom = true;
  return d;
}

static void copy_date(char dst[11], sqlite3_stmt *st, int col) {
  const char *s = (const char *)sqlite3_column_text(st, col);
  snprintf(dst, 11, "%s", s ? s : "");
}

static const char *status_at(const programme_view *v, bool withdrawn, int64_t now) {
  if (withdrawn) return "withdrawn";
  if (!strcmp(v->period_kind, "closed") || (v->closes_at && now > v->closes_at)) return "closed";
  if (!strcmp(v->period_kind, "tbd") || (v->opens_at && now < v->opens_at)) return "upcoming";
  return "open";
}

/* Appends the links that amend v (amended_from = v->id). */
static int load_amended_by(moa_db *db, programme_view *v) {
  sqlite3_stmt *st =
      db_stmt(db, "SELECT id, title, apply_end FROM programmes WHERE amended_from = ?1 ORDER BY id");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, v->id);
  int rc;
  bool oom = false;
  while ((rc = db_step(db, st)) == SQLITE_ROW) {
    programme_link *grown = realloc(v->amended_by, (v->namended_by + 1) * sizeof *grown);
    if (!grown) {
      oom = true;
      break;
    }
    v->amended_by = grown;
    programme_link *l = &v->amended_by[v->namended_by++];
    l->id = sqlite3_column_int64(st, 0);
    l->title = dup_col(st, 1, &oom);
    copy_date(l->apply_end, st, 2);
    if (oom) break;
  }
  sqlite3_reset(st);
  return oom || (rc != SQLITE_DONE && rc != SQLITE_ROW) ? -1 : 0;
}

static int load_changes(moa_db *db, programme_view *v) {
  sqlite3_stmt *st =
      db_stmt(db,
              "SELECT kind, field, ifnull(old, ''), ifnull(new, ''), at FROM programme_changes "
              "WHERE programme_id = ?1 ORDER BY id DESC LIMIT ?2");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, v->id);
  sqlite3_bind_int(st, 2, PROGRAMME_VIEW_CHANGES_MAX);
  v->changes = calloc(PROGRAMME_VIEW_CHANGES_MAX, sizeof *v->changes);
  if (!v->changes) {
    sqlite3_reset(st);
    return -1;
  }
  int rc;
  bool oom = false;
  while (!oom && (rc = db_step(db, st)) == SQLITE_ROW) {
    programme_change_row *c = &v->changes[v->nchanges++];
    c->kind = dup_col(st, 0, &oom);
    c->field = dup_col(st, 1, &oom);
    c->old_value = dup_col(st, 2, &oom);
    c->new_value = dup_col(st, 3, &oom);
    c->at = sqlite3_column_int64(st, 4);
  }
  sqlite3_reset(st);
  return oom || rc != SQLITE_DONE ? -1 : 0;
}

int programme_view_load(moa_db *db, int64_t id, int64_t now, programme_view *out) {
  memset(out, 0, sizeof *out);
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT p.id, p.title, p.agency, p.executor, p.summary, p.fields, p.regions, "
                             "p.target, p.url, p.period_raw, p.period_kind, p.apply_start, p.apply_end, "
                             "ifnull(p.opens_at, 0), ifnull(p.closes_at, 0), ifnull(p.amount_min, -1), "
                             "ifnull(p.amount_max, -1), p.withdrawn_at IS NOT NULL, p.rules_state, "
                             "a.id, a.title, a.apply_end FROM programmes p "
                             "LEFT JOIN programmes a ON a.id = p.amended_from WHERE p.id = ?1");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, id);
  int rc = db_step(db, st);
  if (rc == SQLITE_DONE) {
    sqlite3_reset(st);
    return 1;
  }
  if (rc != SQLITE_ROW) {
    sqlite3_reset(st);
    return -1;
  }
  bool oom = false;
  out->id = sqlite3_column_int64(st, 0);
  out->title = dup_col(st, 1, &oom);
  out->agency = dup_col(st, 2, &oom);
  out->executor = dup_col(st, 3, &oom);
  out->summary = dup_col(st, 4, &oom);
  out->fields = dup_col(st, 5, &oom);
  out->regions = dup_col(st, 6, &oom);
  out->target = dup_col(st, 7, &oom);
  out->url = dup_col(st, 8, &oom);
  out->period_raw = dup_col(st, 9, &oom);
  snprintf(out->period_kind, sizeof out->period_kind, "%s", (const char *)sqlite3_column_text(st, 10));
  copy_date(out->apply_start, st, 11);
  copy_date(out->apply_end, st, 12);
  out->opens_at = sqlite3_column_int64(st, 13);
  out->closes_at = sqlite3_column_int64(st, 14);
  out->amount_min = sqlite3_column_int64(st, 15);
  out->amount_max = sqlite3_column_int64(st, 16);
  bool withdrawn = sqlite3_column_int(st, 17) != 0;
  snprintf(out->rules_state, sizeof out->rules_state, "%s", (const char *)sqlite3_column_text(st, 18));
  if (sqlite3_column_type(st, 19) != SQLITE_NULL) {
    out->has_amends = true;
    out->amends.id = sqlite3_column_int64(st, 19);
    out->amends.title = dup_col(st, 20, &oom);
    copy_date(out->amends.apply_end, st, 21);
  }
  sqlite3_reset(st);
  out->status = status_at(out, withdrawn, now);
  if (oom || load_amended_by(db, out) < 0 || load_changes(db, out) < 0) {
    programme_view_free(out);
    return -1;
  }
  return 0;
}

void programme_view_free(programme_view *v) {
  free(v->title);
  free(v->agency);
  free(v->executor);
  free(v->summary);
  free(v->fields);
  free(v->regions);
  free(v->target);
  free(v->url);
  free(v->period_raw);
  free(v->amends.title);
  for (size_t i = 0; i < v->namended_by; i++) free(v->amended_by[i].title);
  free(v->amended_by);
  for (size_t i = 0; i < v->nchanges; i++) {
    free(v->changes[i].kind);
    free(v->changes[i].field);
    free(v->changes[i].old_value);
    free(v->changes[i].new_value);
  }
  free(v->changes);
  memset(v, 0, sizeof *v);
}

int programme_view_exists(moa_db *db, int64_t id) {
  sqlite3_stmt *st = db_stmt(db, "SELECT 1 FROM programmes WHERE id = ?1");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, id);
  int rc = db_step(db, st);
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}
