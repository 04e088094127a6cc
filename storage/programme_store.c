/* Support-programme imports (see programme_store.h). One transaction per file; every statement
 * through the db_stmt cache. The programme row holds the values of the item that last changed
 * it; programme_items keeps every item verbatim. */
#include "storage/programme_store.h"

#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/feed.h"
#include "storage/programme_match_store.h"
#include "storage/programme_rule_store.h"
#include "storage/programme_rules.h"
#include "storage/programme_text.h"

static void hex_sha256(const void *data, size_t len, char out[65]) {
  unsigned char h[SHA256_DIGEST_LENGTH];
  SHA256(data, len, h);
  for (int i = 0; i < SHA256_DIGEST_LENGTH; i++) snprintf(out + 2 * i, 3, "%02x", h[i]);
}

/* The normalised fields of an item (what a change is), joined with 0x1F. */
static char *item_canonical(const programme_item *it) {
  char amounts[48];
  snprintf(amounts, sizeof amounts, "%lld\x1f%lld", (long long)it->amount_min, (long long)it->amount_max);
  const char *parts[] = {it->title,        it->agency,
                         it->executor,     it->summary,
                         it->fields,       it->regions,
                         it->target,       it->url,
                         it->period_raw,   programme_period_kind_name(it->period.kind),
                         it->period.start, it->period.end,
                         amounts};
  size_t n = 1;
  for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) n += strlen(parts[i]) + 1;
  char *s = malloc(n), *p = s;
  if (!s) return NULL;
  for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
    size_t l = strlen(parts[i]);
    memcpy(p, parts[i], l);
    p += l;
    *p++ = '\x1f';
  }
  *p = '\0';
  return s;
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *s) {
  if (s && *s)
    sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null(st, i);
}

static void bind_amount(sqlite3_stmt *st, int i, int64_t v) {
  if (v >= 0)
    sqlite3_bind_int64(st, i, v);
  else
    sqlite3_bind_null(st, i);
}

/* The id of source, created with format when missing; 0 when the format differs (err set), -1
 * on a database error. */
static int64_t source_id(moa_db *db, const char *name, feed_source format, char *err, size_t errlen) {
  sqlite3_stmt *st = db_stmt(db,
                             "INSERT INTO programme_sources(name, format) VALUES (?1, ?2) "
                             "ON CONFLICT(name) DO NOTHING");
  if (!st) return -1;
  sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, feed_source_name(format), -1, SQLITE_STATIC);
  if (db_exec_stmt(db, st) != SQLITE_DONE) return -1;
  st = db_stmt(db, "SELECT id, format FROM programme_sources WHERE name = ?1");
  if (!st) return -1;
  sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
  if (db_step(db, st) != SQLITE_ROW) {
    sqlite3_reset(st);
    return -1;
  }
  int64_t id = sqlite3_column_int64(st, 0);
  char fmt[32];
  snprintf(fmt, sizeof fmt, "%s", (const char *)sqlite3_column_text(st, 1));
  sqlite3_reset(st); /* left stepped, it would hold a read transaction: a stale snapshot for the connection */
  if (strcmp(fmt, feed_source_name(format)) != 0) {
    snprintf(err, errlen, "source %s is a %s feed, not %s", name, fmt, feed_source_name(format));
    return 0;
  }
  return id;
}

static int set_source_status(moa_db *db, int64_t src, const char *error, int64_t now) {
  sqlite3_stmt *st =
      error ? db_stmt(db, "UPDATE programme_sources SET last_error = ?2, last_error_at = ?3 WHERE id = ?1")
            : db_stmt(db, "UPDATE programme_sources SET last_error = '', last_ok_at = ?3 WHERE id = ?1");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, src);
  if (error) sqlite3_bind_text(st, 2, error, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, now);
  return db_exec_stmt(db, st) == SQLITE_DONE ? 0 : -1;
}

int programme_source_failed(moa_db *db, const char *source, feed_source format, const char *why,
                            int64_t now) {
  char err[160];
  if (db_begin(db) != SQLITE_OK) return -1;
  int64_t src = source_id(db, source, format, err, sizeof err);
  if (src <= 0 || set_source_status(db, src, why, now) < 0 || db_commit(db) != SQLITE_OK) {
    db_rollback(db);
    return -1;
  }
  return 0;
}

static int add_change(moa_db *db, int64_t programme, int64_t import, const char *kind, const char *field,
                      const char *old, const char *new_, int64_t now) {
  sqlite3_stmt *st =
      db_stmt(db,
              "INSERT INTO programme_changes(programme_id, import_id, kind, field, old, new, at) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, programme);
  sqlite3_bind_int64(st, 2, import);
  sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, field, -1, SQLITE_STATIC);
  if (old) sqlite3_bind_text(st, 5, old, -1, SQLITE_TRANSIENT);
  if (new_) sqlite3_bind_text(st, 6, new_, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 7, now);
  return db_exec_stmt(db, st) == SQLITE_DONE ? 0 : -1;
}

/* Binds the programme columns of it to ?2..?19 (shared by INSERT and UPDATE). */
static void bind_programme(sqlite3_stmt *st, const programme_item *it, const char *norm) {
  sqlite3_bind_text(st, 2, it->title, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, norm, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, it->agency, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 5, it->executor, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 6, it->summary, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 7, it->fields, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 8, it->regions, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 9, it->target, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 10, it->url, -1, SQLITE_STATIC);
  bind_text_or_null(st, 11, it->period.start);
  bind_text_or_null(st, 12, it->period.end);
  if (it->period.opens_at) sqlite3_bind_int64(st, 13, it->period.opens_at);
  if (it->period.closes_at) sqlite3_bind_int64(st, 14, it->period.closes_at);
  sqlite3_bind_text(st, 15, programme_period_kind_name(it->period.kind), -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 16, it->period_raw, -1, SQLITE_STATIC);
  bind_amount(st, 17, it->amount_min);
  bind_amount(st, 18, it->amount_max);
}

static int64_t insert_programme(moa_db *db, const programme_item *it, const char *norm, int64_t amended_from,
                                int64_t now) {
  sqlite3_stmt *st =
      db_stmt(db,
              "INSERT INTO programmes(title, title_norm, agency, executor, summary, fields, regions, "
              "target, url, apply_start, apply_end, opens_at, closes_at, period_kind, period_raw, "
              "amount_min, amount_max, amended_from, created_at, updated_at) VALUES (?2, ?3, ?4, ?5, "
              "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?1, ?1)");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, now);
  bind_programme(st, it, norm);
  if (amended_from > 0) sqlite3_bind_int64(st, 19, amended_from);
  if (db_exec_stmt(db, st) != SQLITE_DONE) return -1;
  return sqlite3_last_insert_rowid(db_handle(db));
}

/* Records a change row per field that differs between the programme and it, then updates it. */
static int update_programme(moa_db *db, int64_t programme, int64_t import, const programme_item *it,
                            const char *norm, int64_t now, int *changed_fields) {
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT title, agency, executor, summary, fields, regions, target, url, "
                             "ifnull(apply_start, ''), ifnull(apply_end, ''), period_kind, period_raw, "
                             "ifnull(amount_min, -1), ifnull(amount_max, -1) FROM programmes WHERE id = ?1");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, programme);
  if (db_step(db, st) != SQLITE_ROW) return -1;
  char amin[24], amax[24];
  snprintf(amin, sizeof amin, "%lld", (long long)it->amount_min);
  snprintf(amax, sizeof amax, "%lld", (long long)it->amount_max);
  const char *names[] = {"title",       "agency",     "executor",   "summary",     "fields",
                         "regions",     "target",     "url",        "apply_start", "apply_end",
                         "period_kind", "period_raw", "amount_min", "amount_max"};
  const char *now_vals[] = {it->title,
                            it->agency,
                            it->executor,
                            it->summary,
                            it->fields,
                            it->regions,
                            it->target,
                            it->url,
                            it->period.start,
                            it->period.end,
                            programme_period_kind_name(it->period.kind),
                            it->period_raw,
                            amin,
                            amax};
  char *olds[14] = {0};
  int rc = 0;
  for (int i = 0; i < 14; i++) {
    const char *o = (const char *)sqlite3_column_text(st, i);
    if (!(olds[i] = strdup(o ? o : ""))) rc = -1;
  }
  sqlite3_reset(st);
  *changed_fields = 0;
  for (int i = 0; i < 14 && rc == 0; i++) {
    if (strcmp(olds[i], now_vals[i]) == 0) continue;
    (*changed_fields)++;
    rc = add_change(db, programme, import, "changed", names[i], olds[i], now_vals[i], now);
  }
  for (int i = 0; i < 14; i++) free(olds[i]);
  if (rc < 0 || *changed_fields == 0) return rc;
  st = db_stmt(db,
               "UPDATE programmes SET title = ?2, title_norm = ?3, agency = ?4, executor = ?5, summary = ?6, "
               "fields = ?7, regions = ?8, target = ?9, url = ?10, apply_start = ?11, apply_end = ?12, "
               "opens_at = ?13, closes_at = ?14, period_kind = ?15, period_raw = ?16, amount_min = ?17, "
               "amount_max = ?18, withdrawn_at = NULL, updated_at = ?19 WHERE id = ?1");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, programme);
  bind_programme(st, it, norm);
  sqlite3_bind_int64(st, 19, now);
  return db_exec_stmt(db, st) == SQLITE_DONE ? 0 : -1;
}

/* The programme an amendment amends: same agency, same normalised title, the newest. 0 if none. */
static int64_t amended_programme(moa_db *db, const programme_item *it, const char *norm) {
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT id FROM programmes WHERE agency = ?1 AND title_norm = ?2 "
                             "ORDER BY id DESC LIMIT 1");
  if (!st) return -1;
  sqlite3_bind_text(st, 1, it->agency, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, norm, -1, SQLITE_STATIC);
  int rc = db_step(db, st);
  int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : rc == SQLITE_DONE ? 0 : -1;
  sqlite3_reset(st);
  return id;
}

/* The programme another source announced that it duplicates (see programme_store.h), or 0. */
static int64_t duplicate_programme(moa_db *db, int64_t src, const programme_item *it, const char *norm,
                                   bool amendment) {
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT p.id, p.title_norm FROM programmes p WHERE p.agency = ?1 "
                             "AND p.apply_end IS ?2 AND p.period_kind = ?3 AND p.withdrawn_at IS NULL "
                             "AND NOT EXISTS (SELECT 1 FROM programme_items i WHERE i.programme_id = p.id "
                             "AND i.source_id = ?4) AND (p.amended_from IS NOT NULL) = ?5 ORDER BY p.id");
  if (!st) return -1;
  sqlite3_bind_text(st, 1, it->agency, -1, SQLITE_STATIC);
  bind_text_or_null(st, 2, it->period.end);
  sqlite3_bind_text(st, 3, programme_period_kind_name(it->period.kind), -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 4, src);
  sqlite3_bind_int(st, 5, amendment);
  int64_t best = 0;
  double best_sim = PROGRAMME_MERGE_SIMILARITY;
  int rc;
  while ((rc = db_step(db, st)) == SQLITE_ROW) {
    double sim = ptext_similarity(norm, (const char *)sqlite3_column_text(st, 1));
    if (sim >= best_sim) {
      best_sim = sim;
      best = sqlite3_column_int64(st, 0);
      if (sim == 1.0) break;
    }
  }
  sqlite3_reset(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? best : -1;
}

/* Extracts item item_row's rules from it and replaces the ones stored for it. With only_missing,
 * only when the item has none yet (an item imported before rules were extracted). */
static int refresh_rules(moa_db *db, feed_source format, int64_t programme, int64_t item_row,
                         const programme_item *it, bool only_missing) {
  if (only_missing) {
    int has = programme_rules_item_has_rules(db, item_row);
    if (has != 0) return has < 0 ? -1 : 0;
  }
  pr_set set;
  pr_set_init(&set);
  int rc = pr_extract(format, it, &set);
  if (rc == 0 && !(only_missing && set.n == 0))
    rc = programme_rules_replace_extracted(db, programme, item_row, &set);
  pr_set_free(&set);
  return rc;
}

static int import_item(moa_db *db, feed_source format, int64_t src, int64_t import, const programme_item *it,
                       int64_t now, programme_import_report *rep) {
  char *canon = item_canonical(it);
  char *norm = ptext_title_norm(it->title);
  int rc = -1;
  if (!canon || !norm) goto out;
  char hash[65];
  hex_sha256(canon, strlen(canon), hash);
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT id, programme_id, content_hash, raw = ?3 FROM programme_items "
                             "WHERE source_id = ?1 AND item_id = ?2");
  if (!st) goto out;
  sqlite3_bind_int64(st, 1, src);
  sqlite3_bind_text(st, 2, it->source_id, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, it->raw, -1, SQLITE_STATIC);
  int step = db_step(db, st);
  if (step == SQLITE_ROW) {
    int64_t item = sqlite3_column_int64(st, 0), programme = sqlite3_column_int64(st, 1);
    bool same = strcmp((const char *)sqlite3_column_text(st, 2), hash) == 0;
    bool same_raw = sqlite3_column_int(st, 3) != 0; /* the rules read fields the hash leaves out */
    sqlite3_reset(st);
    if (same) {
      rep->n_same++;
    } else {
      int fields = 0;
      if (update_programme(db, programme, import, it, norm, now, &fields) < 0) goto out;
      rep->n_changed++;
    }
    st = db_stmt(
        db,
        "UPDATE programme_items SET raw = ?2, content_hash = ?3, last_import = ?4, withdrawn_at = NULL "
        "WHERE id = ?1");
    if (!st) goto out;
    sqlite3_bind_int64(st, 1, item);
    sqlite3_bind_text(st, 2, it->raw, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, import);
    if (db_exec_stmt(db, st) != SQLITE_DONE) goto out;
    if (refresh_rules(db, format, programme, item, it, same_raw) < 0) goto out;
    /* an item back in its feed brings a withdrawn programme back */
    st = db_stmt(db, "UPDATE programmes SET withdrawn_at = NULL WHERE id = ?1 AND withdrawn_at IS NOT NULL");
    if (!st) goto out;
    sqlite3_bind_int64(st, 1, programme);
    rc = db_exec_stmt(db, st) == SQLITE_DONE ? 0 : -1;
    goto out;
  }
  if (step != SQLITE_DONE) goto out;
  /* The same notice from another feed first (an amendment only matches an amendment), then
   * an amendment of an earlier programme, else a new programme. */
  bool amendment = ptext_is_amendment(it->title);
  int64_t programme = duplicate_programme(db, src, it, norm, amendment);
  if (programme < 0) goto out;
  if (programme > 0) {
    if (add_change(db, programme, import, "merged", "source", NULL, it->source_id, now) < 0) goto out;
    rep->n_merged++;
  }
  if (!programme && amendment) {
    int64_t orig = amended_programme(db, it, norm);
    if (orig < 0) goto out;
    if (orig > 0) {
      if ((programme = insert_programme(db, it, norm, orig, now)) < 0) goto out;
      char id[24];
      snprintf(id, sizeof id, "%lld", (long long)programme);
      if (add_change(db, orig, import, "amended", "amended_by", NULL, id, now) < 0) goto out;
      rep->n_amended++;
    }
  }
  if (!programme) {
    if ((programme = insert_programme(db, it, norm, 0, now)) < 0) goto out;
    if (add_change(db, programme, import, "new", "", NULL, NULL, now) < 0) goto out;
    rep->n_new++;
  }
  st = db_stmt(
      db,
      "INSERT INTO programme_items(source_id, item_id, programme_id, raw, content_hash, first_import, "
      "last_import) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)");
  if (!st) goto out;
  sqlite3_bind_int64(st, 1, src);
  sqlite3_bind_text(st, 2, it->source_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, programme);
  sqlite3_bind_text(st, 4, it->raw, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 5, hash, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 6, import);
  if (db_exec_stmt(db, st) != SQLITE_DONE) goto out;
  rc = refresh_rules(db, format, programme, sqlite3_last_insert_rowid(db_handle(db)), it, false);
out:
  free(canon);
  free(norm);
  return rc;
}

/* Snapshot: items of src missing from this import leave their feed; a programme left with no
 * live item before its deadline is withdrawn. */
static int withdraw_missing(moa_db *db, int64_t src, int64_t import, int64_t now,
                            programme_import_report *rep) {
  sqlite3_stmt *st = db_stmt(db,
                             "UPDATE programme_items SET withdrawn_at = ?3 WHERE source_id = ?1 "
                             "AND last_import != ?2 AND withdrawn_at IS NULL");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, src);
  sqlite3_bind_int64(st, 2, import);
  sqlite3_bind_int64(st, 3, now);
  if (db_exec_stmt(db, st) != SQLITE_DONE) return -1;
  st = db_stmt(db,
               "SELECT p.id FROM programmes p WHERE p.withdrawn_at IS NULL AND p.period_kind != 'closed' "
               "AND (p.closes_at IS NULL OR p.closes_at >= ?2) "
               "AND EXISTS (SELECT 1 FROM programme_items i WHERE i.programme_id = p.id AND i.source_id = ?1 "
               "AND i.withdrawn_at = ?2) "
               "AND NOT EXISTS (SELECT 1 FROM programme_items i WHERE i.programme_id = p.id "
               "AND i.withdrawn_at IS NULL)");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, src);
  sqlite3_bind_int64(st, 2, now);
  int64_t ids[256];
  for (;;) { /* in chunks: the statement is reset before the updates */
    int n = 0, rc;
    while (n < 256 && (rc = db_step(db, st)) == SQLITE_ROW) ids[n++] = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (n == 0) return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
    for (int i = 0; i < n; i++) {
      sqlite3_stmt *up =
          db_stmt(db, "UPDATE programmes SET withdrawn_at = ?2, updated_at = ?2 WHERE id = ?1");
      if (!up) return -1;
      sqlite3_bind_int64(up, 1, ids[i]);
      sqlite3_bind_int64(up, 2, now);
      if (db_exec_stmt(db, up) != SQLITE_DONE) return -1;
      if (add_change(db, ids[i], import, "withdrawn", "", NULL, NULL, now) < 0) return -1;
      rep->n_withdrawn++;
    }
  }
}

/* Programmes of src whose deadline passed between its previous import and now. */
static int count_closed(moa_db *db, int64_t src, int64_t import, int64_t now, programme_import_report *rep) {
  sqlite3_stmt *st = db_stmt(db,
                             "SELECT count(DISTINCT p.id) FROM programmes p JOIN programme_items i "
                             "ON i.programme_id = p.id AND i.source_id = ?1 WHERE p.closes_at < ?3 "
                             "AND p.closes_at >= (SELECT max(imported_at) FROM programme_imports "
                             "WHERE source_id = ?1 AND id != ?2)");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, src);
  sqlite3_bind_int64(st, 2, import);
  sqlite3_bind_int64(st, 3, now);
  if (db_step(db, st) != SQLITE_ROW) return -1;
  rep->n_closed = sqlite3_column_int(st, 0);
  sqlite3_reset(st);
  return 0;
}

static int record_import(moa_db *db, int64_t src, const programme_batch *b, const char *file_name,
                         const char *sha, bool snapshot, int64_t now, int64_t user_id, int64_t *import) {
  sqlite3_stmt *st =
      db_stmt(db,
              "INSERT INTO programme_imports(source_id, file_name, file_sha256, snapshot, imported_at, "
              "imported_by, n_rejected) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, src);
  sqlite3_bind_text(st, 2, file_name ? file_name : "", -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, sha, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 4, snapshot);
  sqlite3_bind_int64(st, 5, now);
  if (user_id > 0) sqlite3_bind_int64(st, 6, user_id);
  sqlite3_bind_int64(st, 7, (int64_t)b->nrejects);
  if (db_exec_stmt(db, st) != SQLITE_DONE) return -1;
  *import = sqlite3_last_insert_rowid(db_handle(db));
  for (size_t i = 0; i < b->nrejects; i++) {
    st = db_stmt(
        db, "INSERT INTO programme_rejects(import_id, item_index, item_id, reason) VALUES (?1, ?2, ?3, ?4)");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, *import);
    sqlite3_bind_int64(st, 2, (int64_t)b->rejects[i].index);
    sqlite3_bind_text(st, 3, b->rejects[i].source_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, b->rejects[i].reason, -1, SQLITE_STATIC);
    if (db_exec_stmt(db, st) != SQLITE_DONE) return -1;
  }
  return 0;
}

static int save_counts(moa_db *db, int64_t import, const programme_import_report *r) {
  sqlite3_stmt *st =
      db_stmt(db,
              "UPDATE programme_imports SET n_new = ?2, n_changed = ?3, n_same = ?4, n_merged = ?5, "
              "n_withdrawn = ?6 WHERE id = ?1");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, import);
  sqlite3_bind_int(st, 2, r->n_new + r->n_amended);
  sqlite3_bind_int(st, 3, r->n_changed);
  sqlite3_bind_int(st, 4, r->n_same);
  sqlite3_bind_int(st, 5, r->n_merged);
  sqlite3_bind_int(st, 6, r->n_withdrawn);
  return db_exec_stmt(db, st) == SQLITE_DONE ? 0 : -1;
}

/* Extracts the rules of the items of b that have none stored (imported before rules existed).
 * Returns how many items got rules, or -1 on a database error. */
static int backfill_rules(moa_db *db, feed_source format, int64_t src, const programme_batch *b) {
  int added = 0;
  for (size_t i = 0; i < b->nitems; i++) {
    sqlite3_stmt *st = db_stmt(db,
                               "SELECT i.id, i.programme_id FROM programme_items i WHERE i.source_id = ?1 "
                               "AND i.item_id = ?2 AND NOT EXISTS (SELECT 1 FROM programme_rules r "
                               "WHERE r.item_id = i.id)");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, src);
    sqlite3_bind_text(st, 2, b->items[i].source_id, -1, SQLITE_STATIC);
    int rc = db_step(db, st);
    int64_t item = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    int64_t programme = rc == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return -1;
    if (!item) continue;
    if (refresh_rules(db, format, programme, item, &b->items[i], true) < 0) return -1;
    added += programme_rules_item_has_rules(db, item) == 1;
  }
  return added;
}

int programme_import(moa_db *db, const char *source, feed_source format, const char *data, size_t len,
                     const char *file_name, bool snapshot, int64_t now, int64_t user_id,
                     programme_import_report *rep, char *err, size_t errlen) {
  *rep = (programme_import_report){0};
  programme_batch b;
  char why[256];
  if (feed_parse(format, data, len, &b, why, sizeof why) != 0) {
    snprintf(err, errlen, "%s", why);
    programme_batch_free(&b);
    return programme_source_failed(db, source, format, why, now) < 0 ? -2 : -1;
  }
  char sha[65];
  hex_sha256(data, len, sha);
  int rc = -2;
  if (db_begin(db) != SQLITE_OK) {
    snprintf(err, errlen, "database: %s", db_errmsg(db));
    programme_batch_free(&b);
    return -2;
  }
  int64_t src = source_id(db, source, format, err, errlen), import = 0;
  if (src == 0) rc = -1;
  if (src <= 0) goto fail;
  sqlite3_stmt *st =
      db_stmt(db,
              "SELECT 1 FROM programme_imports WHERE id = (SELECT max(id) FROM programme_imports "
              "WHERE source_id = ?1) AND file_sha256 = ?2");
  if (!st) goto fail;
  sqlite3_bind_int64(st, 1, src);
  sqlite3_bind_text(st, 2, sha, -1, SQLITE_STATIC);
  int step = db_step(db, st);
  sqlite3_reset(st);
  if (step == SQLITE_ROW) {
    rep->duplicate_file = true;
    rep->n_items = (int)b.nitems;
    rep->n_same = (int)b.nitems;
    rep->n_rejected = (int)b.nrejects;
    /* a database imported before rules were extracted gets them now (and its matches) */
    int added = backfill_rules(db, format, src, &b);
    if (added < 0 || (added > 0 && programme_match_recompute_all(db, now, NULL) < 0)) goto fail;
    if (db_commit(db) != SQLITE_OK) goto fail; /* the source row if it was new, rules if missing */
    programme_batch_free(&b);
    return 0;
  }
  if (step != SQLITE_DONE || record_import(db, src, &b, file_name, sha, snapshot, now, user_id, &import) < 0)
    goto fail;
  rep->import_id = import;
  rep->n_items = (int)b.nitems;
  rep->n_rejected = (int)b.nrejects;
  for (size_t i = 0; i < b.nitems; i++)
    if (import_item(db, format, src, import, &b.items[i], now, rep) < 0) goto fail;
  if ((snapshot && withdraw_missing(db, src, import, now, rep) < 0) ||
      count_closed(db, src, import, now, rep) < 0 || save_counts(db, import, rep) < 0 ||
      set_source_status(db, src, NULL, now) < 0)
    goto fail;
  /* the programmes changed: every organization's matches follow, in the same transaction */
  if (programme_match_recompute_all(db, now, NULL) < 0) goto fail;
  if (db_commit(db) != SQLITE_OK) goto fail;
  programme_batch_free(&b);
  return 0;
fail:
  if (rc == -2) snprintf(err, errlen, "database: %s", db_errmsg(db));
  db_rollback(db);
  programme_batch_free(&b);
  *rep = (programme_import_report){0};
  return rc;
}

int programme_import_rejects(moa_db *db, int64_t import_id,
                             void (*fn)(void *ctx, int64_t index, const char *item_id, const char *reason),
                             void *ctx) {
  sqlite3_stmt *st = db_stmt(
      db,
      "SELECT item_index, item_id, reason FROM programme_rejects WHERE import_id = ?1 ORDER BY item_index");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, import_id);
  int rc;
  while ((rc = db_step(db, st)) == SQLITE_ROW)
    fn(ctx, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1),
       (const char *)sqlite3_column_text(st, 2));
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? 0 : -1;
}
