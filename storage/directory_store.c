/* The partner directory (see directory_store.h) over organizations, organizations_grams (character
 * bigrams, kept in sync by the triggers of migration 006), memberships and directory_searches.
 *
 * A search takes the ids that match its text from the bigram index (one MATCH for all terms, then
 * per term one MATCH restricted to the names and one to capabilities and keywords, for the rank)
 * and does visibility, filters, facets, ranking and paging in C over the in-memory directory index
 * (directory_index.h); without text it walks that index in name order. No SQL text is built from
 * user input: a term reaches FTS5 only as quoted bigram phrases. The profiles of the requested page
 * are then read by primary key and handed to the caller's callback one at a time. Suggestions are
 * in directory_suggest.c. */
#include "storage/directory_store.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/bigram.h"
#include "storage/chat_store.h"
#include "storage/directory_index.h"
#include "storage/directory_store_int.h"

#define DIR_KINDS directory_index_kinds
#define DIR_SIZES directory_index_sizes
static const char *const DIR_BANDS[] = {"unknown", "under_1b", "1b_10b", "10b_100b", "over_100b", NULL};

/* Index of s in a NULL-terminated list, or -1. */
static int dir__index(const char *const *list, const char *s) {
  for (int i = 0; s && list[i]; i++)
    if (strcmp(list[i], s) == 0) return i;
  return -1;
}

store_status dir__viewer(moa_db *db, int64_t user_id, dir_viewer *v) {
  sqlite3_stmt *st =
      db_stmt(db, "SELECT is_admin, coalesce(org_id, 0) FROM users WHERE id = ?1 AND disabled = 0");
  if (!st) return STORE_ERROR;
  sqlite3_bind_int64(st, 1, user_id);
  store_status rc = STORE_FORBIDDEN;
  if (db_step(db, st) == SQLITE_ROW) {
    v->id = user_id;
    v->admin = sqlite3_column_int(st, 0);
    v->org_id = sqlite3_column_int64(st, 1);
    rc = STORE_OK;
  }
  sqlite3_reset(st);
  return rc;
}

void dir__bind_viewer(sqlite3_stmt *st, const dir_viewer *v) {
  sqlite3_bind_int(st, 2, v->admin);
  sqlite3_bind_int64(st, 3, v->id);
  sqlite3_bind_int64(st, 4, v->org_id);
}

/* STORE_OK when org_id exists and the viewer may see it, else STORE_NOT_FOUND. */
store_status dir__visible(moa_db *db, const dir_viewer *v, int64_t org_id) {
  sqlite3_stmt *st = db_stmt(db, "SELECT 1 FROM organizations o WHERE o.id = ?1 AND " DIR_VIS);
  if (!st) return STORE_ERROR;
  sqlite3_bind_int64(st, 1, org_id);
  dir__bind_viewer(st, v);
  store_status rc = db_step(db, st) == SQLITE_ROW ? STORE_OK : STORE_NOT_FOUND;
  sqlite3_reset(st);
  return rc;
}

/* ---- profiles ---- */

/* Column text, "" for NULL. */
static const char *dir__col(sqlite3_stmt *st, int col) {
  const char *s = (const char *)sqlite3_column_text(st, col);
  return s ? s : "";
}

/* A reference from columns id, name_ko[, name_en]; id 0 when id is NULL. */
static directory_ref dir__ref(sqlite3_stmt *st, int col, bool with_en) {
  if (sqlite3_column_type(st, col) == SQLITE_NULL) return (directory_ref){0, "", ""};
  return (directory_ref){sqlite3_column_int64(st, col), dir__col(st, col + 1),
                         with_en ? dir__col(st, col + 2) : ""};
}

void dir__scratch_free(dir_scratch *x) {
  free(x->refs);
  free(x->off);
  free(x->text);
  memset(x, 0, sizeof *x);
}

/* Appends s (and its NUL) to x->text; returns its offset, or (size_t)-1 out of memory. */
static size_t dir__keep(dir_scratch *x, const char *s) {
  size_t n = strlen(s) + 1;
  if (x->tlen + n > x->tcap) {
    size_t cap = x->tcap ? x->tcap : 256;
    while (cap < x->tlen + n) cap *= 2;
    char *t = realloc(x->text, cap);
    if (!t) return (size_t)-1;
    x->text = t, x->tcap = cap;
  }
  memcpy(x->text + x->tlen, s, n);
  x->tlen += n;
  return x->tlen - n;
}

/* Reads org_id's consortia into x. Returns the count, or -1 on a database error or out of memory
 * (a list that could not be read is not an empty one). */
static long dir__consortia(moa_db *db, int64_t org_id, dir_scratch *x) {
  sqlite3_stmt *st =
      db_stmt(db,
              "SELECT k.id, k.name_ko, k.name_en FROM memberships m JOIN consortia k ON k.id = "
              "m.consortium_id WHERE m.org_id = ?1 ORDER BY k.id");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, org_id);
  size_t n = 0;
  bool ok = true;
  int rc;
  x->tlen = 0;
  while ((rc = db_step(db, st)) == SQLITE_ROW && ok) {
    if (n == x->cap) {
      size_t cap = x->cap ? 2 * x->cap : 8;
      directory_ref *r = realloc(x->refs, cap * sizeof *r);
      if (r) x->refs = r;
      size_t *o = r ? realloc(x->off, 2 * cap * sizeof *o) : NULL;
      if (o) x->off = o, x->cap = cap;
      if (!r || !o) {
        ok = false;
        break;
      }
    }
    x->refs[n].id = sqlite3_column_int64(st, 0);
    x->off[2 * n] = dir__keep(x, dir__col(st, 1));
    x->off[2 * n + 1] = dir__keep(x, dir__col(st, 2));
    ok = x->off[2 * n] != (size_t)-1 && x->off[2 * n + 1] != (size_t)-1;
    n++;
  }
  sqlite3_reset(st);
  if (!ok || rc != SQLITE_DONE) return -1;
  for (size_t i = 0; i < n; i++) { /* text has stopped moving */
    x->refs[i].name_ko = x->text + x->off[2 * i];
    x->refs[i].name_en = x->text + x->off[2 * i + 1];
  }
  return (long)n;
}

/* Gives fn (when not NULL) the profile of org_id (no visibility check). Returns 0, or -1 when
 * there is no such organization or on a database error (fn not called). */
int dir__profile(moa_db *db, int64_t org_id, dir_scratch *x, directory_profile_fn fn, void *arg) {
  long ncons = dir__consortia(db, org_id, x);
  sqlite3_stmt *st =
      ncons < 0 ? NULL
                : db_stmt(db,
                          "SELECT o.id, o.name, o.name_en, o.kind, s.id, s.name_ko, s.name_en, r.id, "
                          "r.name_ko, c.id, c.name_ko, o.size, o.revenue_band, o.exports, o.capabilities, "
                          "o.keywords, o.description, o.hidden_outside FROM organizations o JOIN regions r "
                          "ON r.id = o.region_id LEFT JOIN sectors s ON s.id = o.sector_id LEFT JOIN "
                          "complexes c ON c.id = o.complex_id WHERE o.id = ?1");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, org_id);
  if (db_step(db, st) != SQLITE_ROW) {
    sqlite3_reset(st);
    return -1;
  }
  directory_profile p = {
      .id = sqlite3_column_int64(st, 0),
      .name = dir__col(st, 1),
      .name_en = dir__col(st, 2),
      .kind = dir__col(st, 3),
      .sector = dir__ref(st, 4, true),
      .region = dir__ref(st, 7, false),
      .complex = dir__ref(st, 9, false),
      .size = dir__col(st, 11),
      .revenue_band = dir__col(st, 12),
      .exports = sqlite3_column_int(st, 13) != 0,
      .capabilities = dir__col(st, 14),
      .keywords = dir__col(st, 15),
      .description = dir__col(st, 16),
      .hidden_outside = sqlite3_column_int(st, 17) != 0,
      .consortia = x->refs,
      .nconsortia = (size_t)ncons,
  };
  if (fn) fn(arg, &p);
  sqlite3_reset(st);
  return 0;
}

store_status directory_store_get(moa_db *db, int64_t viewer_id, int64_t org_id, directory_profile_fn fn,
                                 void *arg) {
  dir_viewer v;
  store_status rc = dir__viewer(db, viewer_id, &v);
  if (rc == STORE_OK) rc = dir__visible(db, &v, org_id);
  if (rc != STORE_OK) return rc;
  dir_scratch x = {0};
  if (dir__profile(db, org_id, &x, fn, arg) != 0) rc = STORE_ERROR;
  dir__scratch_free(&x);
  return rc;
}

store_status directory_store_contacts(moa_db *db, int64_t viewer_id, int64_t org_id, directory_contact_fn fn,
                                      void *arg) {
  dir_viewer v;
  store_status rc = dir__viewer(db, viewer_id, &v);
  if (rc == STORE_OK) rc = dir__visible(db, &v, org_id);
  if (rc != STORE_OK) return rc;
  sqlite3_stmt *st =
      db_stmt(db, "SELECT id, name, email FROM users WHERE org_id = ?1 AND disabled = 0 ORDER BY id");
  if (!st) return STORE_ERROR;
  sqlite3_bind_int64(st, 1, org_id);
  int step;
  while ((step = db_step(db, st)) == SQLITE_ROW) {
    directory_contact c = {sqlite3_column_int64(st, 0), dir__col(st, 1), dir__col(st, 2)};
    fn(arg, &c);
  }
  sqlite3_reset(st);
  return step == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

/* ---- free text ---- */

static bool dir__space(unsigned char c) { return c == ' ' || c == '\n' || c == '\t'; }

/* The free text as FTS5 expressions over organizations_grams, one per term (bigram_match_expr),
 * at most DIRECTORY_STORE_MAX_TERMS. unmatchable: some term has no letter or digit at all, so no
 * organization can match (the text "%" finds nothing rather than everything). */
typedef struct dir_text {
  char *expr[DIRECTORY_STORE_MAX_TERMS];
  size_t n;
  bool unmatchable;
} dir_text;

static void dir__text_free(dir_text *t) {
  for (size_t i = 0; i < t->n; i++) free(t->expr[i]);
  memset(t, 0, sizeof *t);
}

/* Splits q on white space into terms. Returns 0, or -1 when out of memory. */
static int dir__parse_text(const char *q, dir_text *t) {
  memset(t, 0, sizeof *t);
  while (*q && t->n < DIRECTORY_STORE_MAX_TERMS) {
    while (dir__space((unsigned char)*q)) q++;
    if (!*q) break;
    const char *s = q;
    while (*q && !dir__space((unsigned char)*q)) q++;
    char *e = bigram_match_expr(s, (size_t)(q - s));
    if (!e) {
      dir__text_free(t);
      return -1;
    }
    if (!*e) t->unmatchable = true;
    t->expr[t->n++] = e;
  }
  return 0;
}

/* ---- facets ---- */

typedef struct dir_count {
  int64_t key, count;
} dir_count;

typedef struct dir_facet {
  dir_count *v;
  size_t n, cap;
} dir_facet;

static void dir__count(dir_facet *f, int64_t key) {
  for (size_t i = 0; i < f->n; i++)
    if (f->v[i].key == key) {
      f->v[i].count++;
      return;
    }
  if (f->n == f->cap) {
    size_t cap = f->cap ? 2 * f->cap : 16;
    dir_count *v = realloc(f->v, cap * sizeof *v);
    if (!v) return;
    f->v = v, f->cap = cap;
  }
  f->v[f->n++] = (dir_count){key, 1};
}

static int dir__by_count(const void *a, const void *b) {
  const dir_count *x = a, *y = b;
  if (x->count != y->count) return x->count > y->count ? -1 : 1;
  return (x->key > y->key) - (x->key < y->key);
}

/* Moves the counts of f, most frequent first, into facet k of r, with the names (sector, region,
 * consortium) or values (kind, size) they stand for. Frees f's counts. Returns 0, or -1 on a
 * database error or out of memory (what was moved stays in r, for directory_search_result_free). */
static int dir__facet_out(moa_db *db, dir_facet *f, directory_facet_kind k, directory_search_result *r) {
  if (f->n) qsort(f->v, f->n, sizeof *f->v, dir__by_count);
  directory_facet_value *out = f->n ? calloc(f->n, sizeof *out) : NULL;
  int rc = f->n && !out ? -1 : 0;
  r->facets[k].v = out;
  for (size_t i = 0; rc == 0 && i < f->n; i++) {
    int64_t key = f->v[i].key;
    out[i] = (directory_facet_value){.id = key, .count = f->v[i].count};
    if (k == DIRECTORY_FACET_KIND || k == DIRECTORY_FACET_SIZE) {
      out[i].value = (k == DIRECTORY_FACET_KIND ? DIR_KINDS : DIR_SIZES)[key];
    } else if (k != DIRECTORY_FACET_EXPORTS) {
      sqlite3_stmt *st =
          db_stmt(db,
                  "SELECT CASE ?1 WHEN 1 THEN (SELECT name_ko FROM sectors WHERE id = ?2) WHEN 2 "
                  "THEN (SELECT name_ko FROM regions WHERE id = ?2) ELSE (SELECT name_ko FROM "
                  "consortia WHERE id = ?2) END");
      if (!st) {
        rc = -1;
        break;
      }
      sqlite3_bind_int(st, 1, k == DIRECTORY_FACET_SECTOR ? 1 : k == DIRECTORY_FACET_REGION ? 2 : 3);
      sqlite3_bind_int64(st, 2, key);
      out[i].name = strdup(db_step(db, st) == SQLITE_ROW ? dir__col(st, 0) : "");
      sqlite3_reset(st);
      if (!out[i].name) rc = -1;
    }
    r->facets[k].n = i + 1;
  }
  free(f->v);
  f->v = NULL;
  return rc;
}

void directory_search_result_free(directory_search_result *r) {
  for (int k = 0; k < DIRECTORY_FACETS; k++) {
    for (size_t i = 0; i < r->facets[k].n; i++) free(r->facets[k].v[i].name);
    free(r->facets[k].v);
  }
  memset(r, 0, sizeof *r);
}

/* ---- search ---- */

/* Records a first-page text search of the viewer's organization, keeping its last 50. */
static void dir__remember(moa_db *db, const dir_viewer *v, const char *text, size_t len) {
  if (!v->org_id || db_begin(db) != SQLITE_OK) return;
  sqlite3_stmt *st = db_stmt(db,
                             "INSERT INTO directory_searches(org_id, user_id, query, created_at) VALUES (?1, "
                             "?2, ?3, ?4)");
  bool ok = st != NULL;
  if (ok) {
    sqlite3_bind_int64(st, 1, v->org_id);
    sqlite3_bind_int64(st, 2, v->id);
    sqlite3_bind_text(st, 3, text, (int)len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, db_now(db));
    ok = db_exec_stmt(db, st) == SQLITE_DONE;
  }
  st = ok ? db_stmt(db,
                    "DELETE FROM directory_searches WHERE org_id = ?1 AND id <= (SELECT id FROM "
                    "directory_searches WHERE org_id = ?1 ORDER BY id DESC LIMIT 1 OFFSET 50)")
          : NULL;
  if (st) {
    sqlite3_bind_int64(st, 1, v->org_id);
    ok = db_exec_stmt(db, st) == SQLITE_DONE;
  }
  if (ok && st)
    db_commit(db);
  else
    db_rollback(db);
}

/* A matching organization and its rank: per term 10 when the term is in name or name_en, 4 in
 * capabilities or keywords, 1 elsewhere (the weights the bm25 ranking used to have). */
typedef struct dir_hit {
  uint32_t entry, score;
} dir_hit;

typedef struct dir_search {
  moa_db *db;
  const dir_index *x;
  const dir_viewer *v;
  const directory_query *q;
  int kind, size;
  int64_t roles[256];
  size_t nroles;
  dir_hit *hits;
  size_t nhits;
} dir_search;

static bool dir__can_see(const dir_search *s, const dir_entry *e) {
  if (s->v->admin || !e->hidden || e->id == s->v->org_id) return true;
  for (size_t i = 0; i < s->nroles; i++)
    if (directory_index_in(s->x, e, s->roles[i])) return true;
  return false;
}

static bool dir__passes(const dir_search *s, const dir_entry *e) {
  const directory_query *q = s->q;
  return (q->sector_id <= 0 || e->sector_id == q->sector_id) &&
         (q->consortium_id <= 0 || directory_index_in(s->x, e, q->consortium_id)) &&
         (q->region_id <= 0 || e->region_id == q->region_id) &&
         (q->complex_id <= 0 || e->complex_id == q->complex_id) && (s->kind < 0 || e->kind == s->kind) &&
         (s->size < 0 || e->size == s->size) && (q->exports < 0 || e->exports == (q->exports == 1));
}

/* Adds the organization rowid as a hit (score 0) when the viewer may see it and it passes the
 * filters (a MATCH returns each rowid once). Returns the hit, or NULL when it is not one. */
static dir_hit *dir__add_hit(dir_search *s, int64_t rowid) {
  const dir_entry *e = directory_index_find(s->x, rowid);
  if (!e || !dir__can_see(s, e) || !dir__passes(s, e)) return NULL;
  dir_hit *hit = &s->hits[s->nhits++];
  *hit = (dir_hit){(uint32_t)(e - s->x->e), 0};
  return hit;
}

/* How much term i counts for a hit, from the columns its phrases occur in (cols: one byte per
 * phrase of the whole expression, first the phrase index of the term): 10 when every phrase of the
 * term is in name or name_en, 4 when every one is in capabilities or keywords, else 1 -- what
 * the column-filtered queries {name name_en} : (term) and {capabilities keywords} : (term) say. */
static unsigned dir__term_weight(const unsigned char *cols, size_t ncols, size_t first, size_t count) {
  enum { NAMES = 1 | 2, TAGS = 4 | 8 };
  bool names = count > 0, tags = count > 0;
  for (size_t p = first; p < first + count; p++) {
    unsigned char m = p < ncols ? cols[p] : 0;
    names = names && (m & NAMES);
    tags = tags && (m & TAGS);
  }
  return names ? 10 : tags ? 4 : 1;
}

/* Phrases in a term's expression: bigram_match_expr quotes each one, and a token never holds '"'. */
static size_t dir__phrases(const char *expr) {
  size_t quotes = 0;
  for (; *expr; expr++) quotes += *expr == '"';
  return quotes / 2;
}

static int dir__by_rank(const void *a, const void *b, void *arg) {
  const dir_hit *x = a, *y = b;
  const dir_index *ix = arg;
  if (x->score != y->score) return x->score > y->score ? -1 : 1;
  uint32_t rx = ix->e[x->entry].name_rank, ry = ix->e[y->entry].name_rank;
  return (rx > ry) - (rx < ry);
}

/* The hits of a text search, ranked: one MATCH of all terms (AND) on the bigram index, which also
 * reports where each phrase occurs (moa_phrase_columns, storage/fts_columns.h). 0, or -1 on error. */
static int dir__text_hits(dir_search *s, const dir_text *t) {
  size_t cap = 16, nphr[DIRECTORY_STORE_MAX_TERMS];
  for (size_t i = 0; i < t->n; i++) cap += strlen(t->expr[i]) + 9, nphr[i] = dir__phrases(t->expr[i]);
  char *all = malloc(cap), *p = all;
  sqlite3_stmt *st =
      all ? db_stmt(s->db,
                    "SELECT rowid, moa_phrase_columns(organizations_grams) FROM organizations_grams WHERE "
                    "organizations_grams MATCH ?1")
          : NULL;
  if (!st) {
    free(all);
    return -1;
  }
  *p = 0;
  for (size_t i = 0; i < t->n; i++) p += sprintf(p, "%s(%s)", i ? " AND " : "", t->expr[i]);
  sqlite3_bind_text(st, 1, all, -1, SQLITE_STATIC);
  int step;
  while ((step = db_step(s->db, st)) == SQLITE_ROW) {
    dir_hit *hit = dir__add_hit(s, sqlite3_column_int64(st, 0));
    if (!hit) continue; /* hidden or filtered out: not ranked */
    const unsigned char *cols = sqlite3_column_blob(st, 1);
    size_t ncols = (size_t)sqlite3_column_bytes(st, 1), first = 0;
    for (size_t i = 0; i < t->n; first += nphr[i], i++)
      hit->score += dir__term_weight(cols, ncols, first, nphr[i]);
  }
  sqlite3_reset(st);
  free(all);
  if (step != SQLITE_DONE) return -1;
  qsort_r(s->hits, s->nhits, sizeof *s->hits, dir__by_rank, (void *)s->x);
  return 0;
}

static int dir__roles(dir_search *s) {
  sqlite3_stmt *st = db_stmt(s->db, "SELECT consortium_id FROM user_roles WHERE user_id = ?1");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, s->v->id);
  int step;
  while ((step = db_step(s->db, st)) == SQLITE_ROW)
    if (s->nroles < sizeof s->roles / sizeof *s->roles) s->roles[s->nroles++] = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return step == SQLITE_DONE ? 0 : -1;
}

store_status directory_store_search(moa_db *db, int64_t viewer_id, const directory_query *q,
                                    directory_profile_fn fn, void *arg, directory_search_result *out) {
  memset(out, 0, sizeof *out);
  dir_viewer v;
  store_status st = dir__viewer(db, viewer_id, &v);
  if (st != STORE_OK) return st;
  int kind = q->kind ? dir__index(DIR_KINDS, q->kind) : -2,
      size = q->size ? dir__index(DIR_SIZES, q->size) : -2;
  if (kind == -1 || size == -1 || q->offset < 0 || q->exports < -1 || q->exports > 1) return STORE_INVALID;
  size_t ts = 0, tl = 0;
  int trc = q->text ? chat_store_validate_text(q->text, DIRECTORY_STORE_MAX_QUERY, false, &ts, &tl)
                    : CHAT_STORE_EMPTY;
  if (trc != CHAT_STORE_OK && trc != CHAT_STORE_EMPTY) return STORE_INVALID;
  int limit = q->limit <= 0                          ? 20
              : q->limit > DIRECTORY_STORE_MAX_LIMIT ? DIRECTORY_STORE_MAX_LIMIT
                                                     : q->limit;
  char *text = trc == CHAT_STORE_OK ? strndup(q->text + ts, tl) : NULL;
  dir_text t = {0};
  if ((trc == CHAT_STORE_OK && !text) || (text && dir__parse_text(text, &t) != 0)) {
    free(text);
    return STORE_ERROR;
  }
  dir_search s = {.db = db, .v = &v, .q = q, .kind = kind, .size = size};
  s.x = directory_index_get(db);
  int rc = s.x && dir__roles(&s) == 0 ? 0 : -1;
  if (rc == 0) {
    s.hits = malloc(((size_t)s.x->n + 1) * sizeof *s.hits);
    if (!s.hits) rc = -1;
  }
  if (rc == 0 && text && !t.unmatchable) {
    rc = dir__text_hits(&s, &t);
  } else if (rc == 0 && !text) {
    for (uint32_t r = 0; r < s.x->n; r++) {
      const dir_entry *e = &s.x->e[s.x->by_name[r]];
      if (dir__can_see(&s, e) && dir__passes(&s, e)) s.hits[s.nhits++] = (dir_hit){s.x->by_name[r], 0};
    }
  }
  dir__text_free(&t);
  if (rc != 0) {
    free(s.hits);
    free(text);
    return STORE_ERROR;
  }
  dir_facet f[DIRECTORY_FACETS] = {{0}};
  for (size_t i = 0; i < s.nhits; i++) {
    const dir_entry *e = &s.x->e[s.hits[i].entry];
    if (e->sector_id) dir__count(&f[0], e->sector_id);
    dir__count(&f[1], e->region_id);
    for (uint32_t c = 0; c < e->ncons; c++) dir__count(&f[2], s.x->cons[e->cons_first + c]);
    dir__count(&f[3], e->kind);
    dir__count(&f[4], e->size);
    dir__count(&f[5], e->exports);
  }
  /* The facets first: what can fail does so before fn sees a row. */
  for (int k = 0; k < DIRECTORY_FACETS; k++)
    if (rc == 0)
      rc = dir__facet_out(db, &f[k], (directory_facet_kind)k, out);
    else
      free(f[k].v);
  if (rc != 0) {
    directory_search_result_free(out);
    free(s.hits);
    free(text);
    return STORE_ERROR;
  }
  out->total = s.nhits;
  out->offset = q->offset;
  out->limit = limit;
  dir_scratch x = {0};
  for (size_t i = (size_t)q->offset; i < s.nhits && i < (size_t)q->offset + (size_t)limit; i++)
    dir__profile(db, s.x->e[s.hits[i].entry].id, &x, fn, arg); /* one that cannot be read is skipped */
  dir__scratch_free(&x);
  free(s.hits);
  if (text && q->offset == 0) dir__remember(db, &v, text, strlen(text));
  free(text);
  return STORE_OK;
}

/* ---- profile edits ---- */

bool directory_store_can_edit(moa_db *db, int64_t user_id, int64_t org_id) {
  sqlite3_stmt *st =
      db_stmt(db,
              "SELECT u.is_admin = 1 OR u.org_id IS ?2 OR EXISTS (SELECT 1 FROM user_roles r "
              "JOIN memberships m ON m.consortium_id = r.consortium_id WHERE r.user_id = u.id AND "
              "r.role = 'coordinator' AND m.org_id = ?2) FROM users u WHERE u.id = ?1 AND "
              "u.disabled = 0 AND EXISTS (SELECT 1 FROM organizations WHERE id = ?2)");
  if (!st) return false;
  sqlite3_bind_int64(st, 1, user_id);
  sqlite3_bind_int64(st, 2, org_id);
  bool ok = db_step(db, st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
  sqlite3_reset(st);
  return ok;
}

/* The editable text fields: where in the edit, limit, may be empty, multiline, statement parameter. */
static const struct dir_field {
  size_t offset;
  size_t max;
  bool may_be_empty, multiline;
  int param;
} DIR_TEXT_FIELDS[] = {
    {offsetof(directory_profile_edit, name), 200, false, false, 2},
    {offsetof(directory_profile_edit, name_en), 200, true, false, 3},
    {offsetof(directory_profile_edit, capabilities), 2000, true, true, 7},
    {offsetof(directory_profile_edit, keywords), 1000, true, true, 8},
    {offsetof(directory_profile_edit, description), 4000, true, true, 9},
};

store_status directory_store_update_profile(moa_db *db, int64_t org_id, const directory_profile_edit *edit,
                                            directory_profile_fn fn, void *arg) {
  if ((edit->size && dir__index(DIR_SIZES, edit->size) < 0) ||
      (edit->revenue_band && dir__index(DIR_BANDS, edit->revenue_band) < 0) || edit->exports < -1 ||
      edit->exports > 1 || edit->hidden_outside < -1 || edit->hidden_outside > 1)
    return STORE_INVALID;
  sqlite3_stmt *st =
      db_stmt(db,
              "UPDATE organizations SET name = coalesce(?2, name), name_en = coalesce(?3, "
              "name_en), size = coalesce(?4, size), revenue_band = coalesce(?5, revenue_band), "
              "exports = coalesce(?6, exports), capabilities = coalesce(?7, capabilities), "
              "keywords = coalesce(?8, keywords), description = coalesce(?9, description), "
              "hidden_outside = coalesce(?10, hidden_outside), updated_at = ?11 WHERE id = ?1");
  if (!st) return STORE_ERROR;
  for (size_t i = 0; i < sizeof DIR_TEXT_FIELDS / sizeof *DIR_TEXT_FIELDS; i++) {
    const struct dir_field *f = &DIR_TEXT_FIELDS[i];
    const char *s = *(const char *const *)((const char *)edit + f->offset);
    if (!s) continue;
    size_t ts = 0, tl = 0;
    int vrc = chat_store_validate_text(s, f->max, f->multiline, &ts, &tl);
    if (vrc != CHAT_STORE_OK && !(vrc == CHAT_STORE_EMPTY && f->may_be_empty)) {
      sqlite3_reset(st);
      sqlite3_clear_bindings(st);
      return STORE_INVALID;
    }
    sqlite3_bind_text(st, f->param, s + ts, (int)tl, SQLITE_STATIC);
  }
  sqlite3_bind_int64(st, 1, org_id);
  if (edit->size) sqlite3_bind_text(st, 4, edit->size, -1, SQLITE_STATIC);
  if (edit->revenue_band) sqlite3_bind_text(st, 5, edit->revenue_band, -1, SQLITE_STATIC);
  if (edit->exports >= 0) sqlite3_bind_int(st, 6, edit->exports);
  if (edit->hidden_outside >= 0) sqlite3_bind_int(st, 10, edit->hidden_outside);
  sqlite3_bind_int64(st, 11, db_now(db));
  if (db_begin(db) != SQLITE_OK) return STORE_ERROR;
  store_status rc = db_exec_stmt(db, st) == SQLITE_DONE ? STORE_OK : STORE_ERROR;
  if (rc == STORE_OK && sqlite3_changes(db_handle(db)) != 1) rc = STORE_NOT_FOUND;
  /* The new profile is read inside the transaction: if that fails, nothing is changed, rather
   * than a change the caller is told failed. */
  if (rc == STORE_OK && fn) {
    dir_scratch x = {0};
    if (dir__profile(db, org_id, &x, fn, arg) != 0) rc = STORE_ERROR;
    dir__scratch_free(&x);
  }
  if (rc != STORE_OK) {
    db_rollback(db);
    return rc;
  }
  return db_commit(db) == SQLITE_OK ? STORE_OK : STORE_ERROR;
}
