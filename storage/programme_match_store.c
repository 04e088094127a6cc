/* Support-programme matching in the database (see programme_match_store.h). */
#include "storage/programme_match_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/company_profile_store.h"
#include "storage/programme_rule_store.h"

/* ---- the catalog ----------------------------------------------------------------------------- */

int programme_catalog_load(moa_db *db, int64_t now, pm_catalog *c) {
  /* the rules that count: reviewer ones of reviewed programmes, extracted ones of the others */
  sqlite3_stmt *rs = db_stmt(db,
                             "SELECT r.programme_id, r.attr, r.op, r.value, r.strength, r.grp, r.origin, "
                             "r.evidence FROM programme_rules r JOIN programmes p ON p.id = r.programme_id "
                             "WHERE p.withdrawn_at IS NULL AND p.period_kind != 'closed' "
                             "AND (p.closes_at IS NULL OR p.closes_at >= ?1) "
                             "AND (p.rules_state = 'reviewed') = (r.origin = 'reviewer') "
                             "ORDER BY r.programme_id, r.item_id, r.id");
  sqlite3_stmt *ps = db_stmt(db,
                             "SELECT id, title, agency, fields, title || ' ' || summary || ' ' || target, "
                             "ifnull(apply_end, ''), ifnull(closes_at, 0) FROM programmes "
                             "WHERE withdrawn_at IS NULL AND period_kind != 'closed' "
                             "AND (closes_at IS NULL OR closes_at >= ?1) ORDER BY id");
  if (!rs || !ps) return -1;
  sqlite3_bind_int64(rs, 1, now);
  sqlite3_bind_int64(ps, 1, now);
  pr_set rules;
  pr_set_init(&rules);
  int rrc = db_step(db, rs), prc, rc = -1;
  while ((prc = db_step(db, ps)) == SQLITE_ROW) {
    int64_t id = sqlite3_column_int64(ps, 0);
    rules.n = 0;
    for (; rrc == SQLITE_ROW && sqlite3_column_int64(rs, 0) <= id; rrc = db_step(db, rs)) {
      pr_rule r;
      if (sqlite3_column_int64(rs, 0) < id) continue;
      if (programme_rules_read_row(rs, 1, &r) < 0 || pr_set_add(&rules, &r) < 0) goto out;
    }
    if (rrc != SQLITE_ROW && rrc != SQLITE_DONE) goto out;
    if (pm_catalog_add(c, id, (const char *)sqlite3_column_text(ps, 1),
                       (const char *)sqlite3_column_text(ps, 2), (const char *)sqlite3_column_text(ps, 3),
                       (const char *)sqlite3_column_text(ps, 4), (const char *)sqlite3_column_text(ps, 5),
                       sqlite3_column_int64(ps, 6), rules.rules, rules.n) < 0)
      goto out;
  }
  rc = prc == SQLITE_DONE ? 0 : -1;
out:
  sqlite3_reset(rs);
  sqlite3_reset(ps);
  pr_set_free(&rules);
  if (rc < 0) pm_catalog_free(c);
  return rc;
}

/* ---- one organization ------------------------------------------------------------------------ */

int programme_org_load(moa_db *db, int64_t org_id, programme_org *out) {
  memset(out, 0, sizeof *out);
  int rc = company_profile_load(db, org_id, &out->profile);
  if (rc == STORE_NOT_FOUND) return 1;
  if (rc != STORE_OK) return -1;
  sqlite3_stmt *st = db_stmt(db, "SELECT keywords || ',' || capabilities FROM organizations WHERE id = ?1");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, org_id);
  if (db_step(db, st) != SQLITE_ROW) {
    sqlite3_reset(st);
    return -1;
  }
  out->keywords = strdup((const char *)sqlite3_column_text(st, 0));
  sqlite3_reset(st);
  if (!out->keywords) return -1;
  out->org = (pm_org){.id = org_id, .profile = &out->profile, .keywords = out->keywords};
  return 0;
}

void programme_org_free(programme_org *o) {
  free(o->keywords);
  o->keywords = NULL;
}

int programme_match_org(moa_db *db, const pm_catalog *c, int64_t org_id, int64_t now, bool include_ineligible,
                        pm_result *out) {
  *out = (pm_result){0};
  pm_catalog own;
  pm_catalog_init(&own);
  if (!c && programme_catalog_load(db, now, &own) < 0) return -1;
  programme_org *o = malloc(sizeof *o);
  int rc = o ? programme_org_load(db, org_id, o) : -1;
  if (rc == 0) {
    char today[CP_DATE_LEN];
    company_profile_today(now, today);
    rc = pm_match_org(c ? c : &own, &o->org, now, today, include_ineligible, out);
  }
  if (o) programme_org_free(o);
  free(o);
  pm_catalog_free(&own);
  return rc;
}

/* ---- recompute ------------------------------------------------------------------------------- */

static int cmp_programme(const void *a, const void *b) {
  int64_t x = ((const pm_match *)a)->programme_id, y = ((const pm_match *)b)->programme_id;
  return x < y ? -1 : x > y;
}

typedef struct old_row {
  int64_t programme_id;
  int bucket, score;
} old_row;

static int write_row(moa_db *db, const char *sql, int64_t org_id, const pm_match *m, int64_t programme_id,
                     int64_t now) {
  sqlite3_stmt *st = db_stmt(db, sql);
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, org_id);
  sqlite3_bind_int64(st, 2, programme_id);
  if (m) {
    sqlite3_bind_int(st, 3, (int)m->bucket);
    sqlite3_bind_int(st, 4, m->score);
    sqlite3_bind_int64(st, 5, now);
  }
  return db_exec_stmt(db, st) == SQLITE_DONE ? 0 : -1;
}

/* Brings org_id's rows to r (sorted here by programme id): new matches inserted (first matched
 * now), changed ones updated, gone ones deleted, the rest untouched (a steady recompute writes
 * nothing). *added counts the inserts. */
static int store_org(moa_db *db, int64_t org_id, pm_result *r, int64_t now, int64_t *added) {
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT programme_id, bucket, score FROM programme_matches WHERE org_id = ?1 "
                             "ORDER BY programme_id");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, org_id);
  old_row *old = NULL;
  size_t nold = 0, cap = 0;
  int rc;
  while ((rc = db_step(db, st)) == SQLITE_ROW) {
    if (nold == cap) {
      cap = cap ? cap * 2 : 64;
      old_row *p = realloc(old, cap * sizeof *p);
      if (!p) break;
      old = p;
    }
    old[nold++] =
        (old_row){sqlite3_column_int64(st, 0), sqlite3_column_int(st, 1), sqlite3_column_int(st, 2)};
  }
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) {
    free(old);
    return -1;
  }
  if (r->n) qsort(r->m, r->n, sizeof *r->m, cmp_programme);
  size_t i = 0, j = 0;
  int out = 0;
  while (out == 0 && (i < r->n || j < nold)) {
    const pm_match *m = i < r->n ? &r->m[i] : NULL;
    const old_row *o = j < nold ? &old[j] : NULL;
    if (m && (!o || m->programme_id < o->programme_id)) {
      out = write_row(db,
                      "INSERT INTO programme_matches(org_id, programme_id, bucket, score, first_matched_at, "
                      "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                      org_id, m, m->programme_id, now);
      (*added)++, i++;
    } else if (o && (!m || o->programme_id < m->programme_id)) {
      out = write_row(db, "DELETE FROM programme_matches WHERE org_id = ?1 AND programme_id = ?2", org_id,
                      NULL, o->programme_id, now);
      j++;
    } else {
      if ((int)m->bucket != o->bucket || m->score != o->score)
        out = write_row(db,
                        "UPDATE programme_matches SET bucket = ?3, score = ?4, updated_at = ?5 "
                        "WHERE org_id = ?1 AND programme_id = ?2",
                        org_id, m, m->programme_id, now);
      i++, j++;
    }
  }
  free(old);
  return out;
}

/* Matches and stores the companies in ids[0..n) (all of them when all is set: then programmes that
 * left the catalog lose their rows everywhere). */
static int recompute(moa_db *db, const int64_t *ids, size_t n, bool all, int64_t now,
                     programme_recompute_stats *st) {
  bool own_txn;
  if (!db_begin_own(db, &own_txn)) return -1;
  pm_catalog c;
  pm_catalog_init(&c);
  programme_org *o = malloc(sizeof *o);
  int rc = o && programme_catalog_load(db, now, &c) == 0 ? 0 : -1;
  char today[CP_DATE_LEN];
  company_profile_today(now, today);
  if (st) *st = (programme_recompute_stats){.programmes = (int)c.n};
  for (size_t i = 0; i < n && rc == 0; i++) {
    int lr = programme_org_load(db, ids[i], o);
    if (lr == 1) continue;
    pm_result r;
    rc = lr == 0 ? pm_match_org(&c, &o->org, now, today, false, &r) : -1;
    programme_org_free(o);
    if (rc == 0) {
      int64_t added = 0;
      rc = store_org(db, ids[i], &r, now, &added);
      if (st) st->orgs++, st->matches += (int64_t)r.n, st->new_matches += added;
      pm_result_free(&r);
    }
  }
  if (rc == 0 && all) { /* rows of organizations that are no longer companies */
    sqlite3_stmt *s = db_stmt(db,
                              "DELETE FROM programme_matches WHERE org_id NOT IN "
                              "(SELECT id FROM organizations WHERE kind = 'company')");
    if (!s || db_exec_stmt(db, s) != SQLITE_DONE) rc = -1;
  }
  free(o);
  pm_catalog_free(&c);
  if (own_txn) return db_end_own(db, true, rc == 0) && rc == 0 ? 0 : -1;
  return rc;
}

int programme_match_recompute_all(moa_db *db, int64_t now, programme_recompute_stats *st) {
  sqlite3_stmt *s = db_stmt(db, "SELECT id FROM organizations WHERE kind = 'company' ORDER BY id");
  if (!s) return -1;
  int64_t *ids = NULL;
  size_t n = 0, cap = 0;
  int rc;
  while ((rc = db_step(db, s)) == SQLITE_ROW) {
    if (n == cap) {
      cap = cap ? cap * 2 : 256;
      int64_t *p = realloc(ids, cap * sizeof *p);
      if (!p) break;
      ids = p;
    }
    ids[n++] = sqlite3_column_int64(s, 0);
  }
  sqlite3_reset(s);
  int out = rc == SQLITE_DONE ? recompute(db, ids, n, true, now, st) : -1;
  free(ids);
  return out;
}

int programme_match_recompute_org(moa_db *db, int64_t org_id, int64_t now) {
  sqlite3_stmt *s = db_stmt(db, "SELECT kind = 'company' FROM organizations WHERE id = ?1");
  if (!s) return -1;
  sqlite3_bind_int64(s, 1, org_id);
  int rc = db_step(db, s);
  bool company = rc == SQLITE_ROW && sqlite3_column_int(s, 0);
  sqlite3_reset(s);
  if (rc == SQLITE_DONE) return 1;
  if (rc != SQLITE_ROW) return -1;
  if (!company) return 0; /* institutions are not matched */
  return recompute(db, &org_id, 1, false, now, NULL);
}

/* ---- reading ---------------------------------------------------------------------------------- */

long programme_matches_list(moa_db *db, int64_t org_id, int64_t user_id, programme_match_row **rows) {
  *rows = NULL;
  int64_t last = programme_visit_last(db, org_id);
  if (last < 0) return -1;
  sqlite3_stmt *st =
      db_stmt(db,
              "SELECT m.programme_id, m.bucket, m.score, m.first_matched_at, "
              "EXISTS (SELECT 1 FROM programme_saves s WHERE s.user_id = ?2 "
              "AND s.programme_id = m.programme_id) FROM programme_matches m "
              "JOIN programmes p ON p.id = m.programme_id WHERE m.org_id = ?1 "
              "ORDER BY m.bucket, m.score DESC, p.closes_at IS NULL, p.closes_at, m.programme_id");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, org_id);
  sqlite3_bind_int64(st, 2, user_id);
  size_t n = 0, cap = 0;
  int rc;
  while ((rc = db_step(db, st)) == SQLITE_ROW) {
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      programme_match_row *p = realloc(*rows, cap * sizeof *p);
      if (!p) break;
      *rows = p;
    }
    programme_match_row *r = &(*rows)[n++];
    r->programme_id = sqlite3_column_int64(st, 0);
    r->bucket = (elig_bucket)sqlite3_column_int(st, 1);
    r->score = sqlite3_column_int(st, 2);
    r->first_matched_at = sqlite3_column_int64(st, 3);
    r->is_new = r->first_matched_at > last;
    r->saved = sqlite3_column_int(st, 4) != 0;
  }
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) {
    free(*rows);
    *rows = NULL;
    return -1;
  }
  return (long)n;
}

int64_t programme_visit_last(moa_db *db, int64_t org_id) {
  sqlite3_stmt *st = db_stmt(db, "SELECT visited_at FROM programme_visits WHERE org_id = ?1");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, org_id);
  int rc = db_step(db, st);
  int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : rc == SQLITE_DONE ? 0 : -1;
  sqlite3_reset(st);
  return v;
}

int programme_visit_mark(moa_db *db, int64_t org_id, int64_t now) {
  sqlite3_stmt *st = db_stmt(db,
                             "INSERT INTO programme_visits(org_id, visited_at) VALUES (?1, ?2) "
                             "ON CONFLICT(org_id) DO UPDATE SET visited_at = excluded.visited_at");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, org_id);
  sqlite3_bind_int64(st, 2, now);
  return db_exec_stmt(db, st) == SQLITE_DONE ? 0 : -1;
}

int programme_save(moa_db *db, int64_t user_id, int64_t programme_id, int64_t now) {
  sqlite3_stmt *st = db_stmt(db,
                             "INSERT INTO programme_saves(user_id, programme_id, saved_at) SELECT ?1, ?2, ?3 "
                             "WHERE EXISTS (SELECT 1 FROM users WHERE id = ?1) AND EXISTS (SELECT 1 FROM "
                             "programmes WHERE id = ?2) ON CONFLICT DO NOTHING");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, user_id);
  sqlite3_bind_int64(st, 2, programme_id);
  sqlite3_bind_int64(st, 3, now);
  if (db_exec_stmt(db, st) != SQLITE_DONE) return -1;
  if (sqlite3_changes(db_handle(db)) > 0) return 0;
  st = db_stmt(db, "SELECT 1 FROM programme_saves WHERE user_id = ?1 AND programme_id = ?2");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, user_id);
  sqlite3_bind_int64(st, 2, programme_id);
  int rc = db_step(db, st);
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int programme_unsave(moa_db *db, int64_t user_id, int64_t programme_id) {
  sqlite3_stmt *st = db_stmt(db, "DELETE FROM programme_saves WHERE user_id = ?1 AND programme_id = ?2");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, user_id);
  sqlite3_bind_int64(st, 2, programme_id);
  return db_exec_stmt(db, st) == SQLITE_DONE ? 0 : -1;
}

/* Runs st (bound) and collects column 0..ncols-1 of each row as int64 into a growing array. */
static long collect(moa_db *db, sqlite3_stmt *st, int ncols, int64_t **out) {
  *out = NULL;
  size_t n = 0, cap = 0;
  int rc;
  while ((rc = db_step(db, st)) == SQLITE_ROW) {
    if (n + (size_t)ncols > cap) {
      cap = cap ? cap * 2 : 64;
      int64_t *p = realloc(*out, cap * sizeof *p);
      if (!p) break;
      *out = p;
    }
    for (int i = 0; i < ncols; i++) (*out)[n++] = sqlite3_column_int64(st, i);
  }
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) {
    free(*out);
    *out = NULL;
    return -1;
  }
  return (long)(n / (size_t)ncols);
}

long programme_saved_list(moa_db *db, int64_t user_id, int64_t **ids) {
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT programme_id FROM programme_saves WHERE user_id = ?1 "
                             "ORDER BY saved_at DESC, programme_id DESC");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, user_id);
  return collect(db, st, 1, ids);
}

long programme_consortium_fits(moa_db *db, int64_t consortium_id, int min_members,
                               programme_consortium_fit **fits) {
  *fits = NULL;
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT m.programme_id, sum(m.bucket = 0) AS e, sum(m.bucket = 1) AS c "
                             "FROM programme_matches m JOIN memberships ms ON ms.org_id = m.org_id "
                             "WHERE ms.consortium_id = ?1 GROUP BY m.programme_id "
                             "HAVING e >= ?2 OR c >= ?2 ORDER BY e DESC, c DESC, m.programme_id");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, consortium_id);
  sqlite3_bind_int(st, 2, min_members < 1 ? 1 : min_members);
  int64_t *flat;
  long n = collect(db, st, 3, &flat);
  if (n <= 0) return n;
  *fits = malloc((size_t)n * sizeof **fits);
  if (!*fits) {
    free(flat);
    return -1;
  }
  for (long i = 0; i < n; i++)
    (*fits)[i] = (programme_consortium_fit){flat[3 * i], (int)flat[3 * i + 1], (int)flat[3 * i + 2]};
  free(flat);
  return n;
}
