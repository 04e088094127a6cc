/* The partner directory (see directory_store.h) over organizations, organizations_grams (character
 * bigrams, kept in sync by the triggers of migration 006), memberships and directory_searches.
 *
 * A search takes the ids that match its text from the bigram index (one MATCH for all terms, then
 * per term one MATCH restricted to the names and one to capabilities and keywords, for the rank)
 * and does visibility, filters, facets, ranking and paging in C over the in-memory directory index
 * (directory_index.h); without text it walks that index in name order. No SQL text is built from
 * user input: a term reaches FTS5 only as quoted bigram phrases. The profiles of the requested page
 * are then read by primary key. Suggestions scan the candidates of the same or related sectors in
 * other places and score them in C by substring overlap with the terms the organization searched
 * for or lists. */
#include "storage/directory_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/bigram.h"
#include "storage/chat_store.h"
#include "storage/directory_index.h"

#define DIR_VIS                                                                                \
  "(?2 = 1 OR o.hidden_outside = 0 OR o.id = ?4 OR EXISTS (SELECT 1 FROM memberships mv JOIN " \
  "user_roles rv ON rv.consortium_id = mv.consortium_id WHERE mv.org_id = o.id AND rv.user_id = ?3))"
#define DIR_KINDS directory_index_kinds
#define DIR_SIZES directory_index_sizes
static const char *const DIR_BANDS[] = {"unknown", "under_1b", "1b_10b", "10b_100b", "over_100b", NULL};

/* Index of s in a NULL-terminated list, or -1. */
static int dir__index(const char *const *list, const char *s) {
  for (int i = 0; s && list[i]; i++)
    if (strcmp(list[i], s) == 0) return i;
  return -1;
}

typedef struct dir_viewer {
  int64_t id, org_id;
  int admin;
} dir_viewer;

static int dir__viewer(moa_db *db, int64_t user_id, dir_viewer *v) {
  sqlite3_stmt *st =
      db_stmt(db, "SELECT is_admin, coalesce(org_id, 0) FROM users WHERE id = ?1 AND disabled = 0");
  if (!st) return DIRECTORY_STORE_ERROR;
  sqlite3_bind_int64(st, 1, user_id);
  int rc = DIRECTORY_STORE_FORBIDDEN;
  if (db_step(db, st) == SQLITE_ROW) {
    v->id = user_id;
    v->admin = sqlite3_column_int(st, 0);
    v->org_id = sqlite3_column_int64(st, 1);
    rc = DIRECTORY_STORE_OK;
  }
  sqlite3_reset(st);
  return rc;
}

static void dir__bind_viewer(sqlite3_stmt *st, const dir_viewer *v) {
  sqlite3_bind_int(st, 2, v->admin);
  sqlite3_bind_int64(st, 3, v->id);
  sqlite3_bind_int64(st, 4, v->org_id);
}

/* DIRECTORY_STORE_OK when org_id exists and the viewer may see it, else _NOT_FOUND. */
static int dir__visible(moa_db *db, const dir_viewer *v, int64_t org_id) {
  sqlite3_stmt *st = db_stmt(db, "SELECT 1 FROM organizations o WHERE o.id = ?1 AND " DIR_VIS);
  if (!st) return DIRECTORY_STORE_ERROR;
  sqlite3_bind_int64(st, 1, org_id);
  dir__bind_viewer(st, v);
  int rc = db_step(db, st) == SQLITE_ROW ? DIRECTORY_STORE_OK : DIRECTORY_STORE_NOT_FOUND;
  sqlite3_reset(st);
  return rc;
}

/* ---- profiles ---- */

static json_t *dir__text(sqlite3_stmt *st, int col) {
  const char *s = (const char *)sqlite3_column_text(st, col);
  json_t *j = s ? json_stringn(s, (size_t)sqlite3_column_bytes(st, col)) : NULL;
  return j ? j : json_string("");
}

/* {"id", "name_ko"[, "name_en"]} from columns id, name_ko[, name_en]; null when id is NULL. */
static json_t *dir__ref(sqlite3_stmt *st, int col, bool with_en) {
  if (sqlite3_column_type(st, col) == SQLITE_NULL) return json_null();
  json_t *r = json_object();
  json_object_set_new(r, "id", json_integer(sqlite3_column_int64(st, col)));
  json_object_set_new(r, "name_ko", dir__text(st, col + 1));
  if (with_en) json_object_set_new(r, "name_en", dir__text(st, col + 2));
  return r;
}

/* The profile object of org_id (no visibility check), or NULL. */
static json_t *dir__profile(moa_db *db, int64_t org_id) {
  sqlite3_stmt *st =
      db_stmt(db,
              "SELECT o.id, o.name, o.name_en, o.kind, s.id, s.name_ko, s.name_en, r.id, "
              "r.name_ko, c.id, c.name_ko, o.size, o.revenue_band, o.exports, o.capabilities, "
              "o.keywords, o.description, o.hidden_outside FROM organizations o JOIN regions r "
              "ON r.id = o.region_id LEFT JOIN sectors s ON s.id = o.sector_id LEFT JOIN "
              "complexes c ON c.id = o.complex_id WHERE o.id = ?1");
  if (!st) return NULL;
  sqlite3_bind_int64(st, 1, org_id);
  if (db_step(db, st) != SQLITE_ROW) {
    sqlite3_reset(st);
    return NULL;
  }
  json_t *p = json_object();
  json_object_set_new(p, "id", json_integer(sqlite3_column_int64(st, 0)));
  json_object_set_new(p, "name", dir__text(st, 1));
  json_object_set_new(p, "name_en", dir__text(st, 2));
  json_object_set_new(p, "kind", dir__text(st, 3));
  json_object_set_new(p, "sector", dir__ref(st, 4, true));
  json_object_set_new(p, "region", dir__ref(st, 7, false));
  json_object_set_new(p, "complex", dir__ref(st, 9, false));
  json_object_set_new(p, "size", dir__text(st, 11));
  json_object_set_new(p, "revenue_band", dir__text(st, 12));
  json_object_set_new(p, "exports", json_boolean(sqlite3_column_int(st, 13)));
  json_object_set_new(p, "capabilities", dir__text(st, 14));
  json_object_set_new(p, "keywords", dir__text(st, 15));
  json_object_set_new(p, "description", dir__text(st, 16));
  json_object_set_new(p, "hidden_outside", json_boolean(sqlite3_column_int(st, 17)));
  sqlite3_reset(st);
  json_t *cons = json_array();
  st = db_stmt(db,
               "SELECT k.id, k.name_ko, k.name_en FROM memberships m JOIN consortia k ON k.id = "
               "m.consortium_id WHERE m.org_id = ?1 ORDER BY k.id");
  int rc = SQLITE_ERROR;
  if (st) {
    sqlite3_bind_int64(st, 1, org_id);
    while ((rc = db_step(db, st)) == SQLITE_ROW) json_array_append_new(cons, dir__ref(st, 0, true));
    sqlite3_reset(st);
  }
  json_object_set_new(p, "consortia", cons);
  if (rc != SQLITE_DONE) { /* a list that could not be read is not an empty one */
    json_decref(p);
    return NULL;
  }
  return p;
}

int directory_store_get(moa_db *db, int64_t viewer_id, int64_t org_id, json_t **out) {
  *out = NULL;
  dir_viewer v;
  int rc = dir__viewer(db, viewer_id, &v);
  if (rc == DIRECTORY_STORE_OK) rc = dir__visible(db, &v, org_id);
  if (rc == DIRECTORY_STORE_OK && !(*out = dir__profile(db, org_id))) rc = DIRECTORY_STORE_ERROR;
  return rc;
}

int directory_store_contacts(moa_db *db, int64_t viewer_id, int64_t org_id, json_t **out) {
  *out = NULL;
  dir_viewer v;
  int rc = dir__viewer(db, viewer_id, &v);
  if (rc == DIRECTORY_STORE_OK) rc = dir__visible(db, &v, org_id);
  if (rc != DIRECTORY_STORE_OK) return rc;
  sqlite3_stmt *st =
      db_stmt(db, "SELECT id, name, email FROM users WHERE org_id = ?1 AND disabled = 0 ORDER BY id");
  if (!st) return DIRECTORY_STORE_ERROR;
  sqlite3_bind_int64(st, 1, org_id);
  json_t *list = json_array();
  int step;
  while ((step = db_step(db, st)) == SQLITE_ROW)
    json_array_append_new(
        list, json_pack("{s:I, s:o, s:o}", "user_id", (json_int_t)sqlite3_column_int64(st, 0), "name",
                        dir__text(st, 1), "email", dir__text(st, 2)));
  sqlite3_reset(st);
  if (step != SQLITE_DONE) {
    json_decref(list);
    return DIRECTORY_STORE_ERROR;
  }
  *out = json_pack("{s:I, s:o}", "org_id", (json_int_t)org_id, "contacts", list);
  return DIRECTORY_STORE_OK;
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

/* The facet as JSON: what = 1 sector, 2 region, 3 consortium ({id, name, count}), 4 kind, 5 size
 * ({value, count} from the lists), 6 exports ({value: bool, count}). Frees f. */
static json_t *dir__facet_json(moa_db *db, dir_facet *f, int what) {
  if (f->n) qsort(f->v, f->n, sizeof *f->v, dir__by_count);
  json_t *a = json_array();
  for (size_t i = 0; i < f->n; i++) {
    json_t *e = json_object();
    int64_t k = f->v[i].key;
    if (what <= 3) {
      json_object_set_new(e, "id", json_integer(k));
      sqlite3_stmt *st =
          db_stmt(db,
                  "SELECT CASE ?1 WHEN 1 THEN (SELECT name_ko FROM sectors WHERE id = ?2) WHEN 2 "
                  "THEN (SELECT name_ko FROM regions WHERE id = ?2) ELSE (SELECT name_ko FROM "
                  "consortia WHERE id = ?2) END");
      if (st) {
        sqlite3_bind_int(st, 1, what);
        sqlite3_bind_int64(st, 2, k);
        json_object_set_new(e, "name", db_step(db, st) == SQLITE_ROW ? dir__text(st, 0) : json_string(""));
        sqlite3_reset(st);
      }
    } else if (what == 4 || what == 5) {
      json_object_set_new(e, "value", json_string((what == 4 ? DIR_KINDS : DIR_SIZES)[k]));
    } else {
      json_object_set_new(e, "value", json_boolean(k));
    }
    json_object_set_new(e, "count", json_integer(f->v[i].count));
    json_array_append_new(a, e);
  }
  free(f->v);
  return a;
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

int directory_store_search(moa_db *db, int64_t viewer_id, const directory_query *q, json_t **out) {
  *out = NULL;
  dir_viewer v;
  int rc = dir__viewer(db, viewer_id, &v);
  if (rc != DIRECTORY_STORE_OK) return rc;
  int kind = q->kind ? dir__index(DIR_KINDS, q->kind) : -2,
      size = q->size ? dir__index(DIR_SIZES, q->size) : -2;
  if (kind == -1 || size == -1 || q->offset < 0 || q->exports < -1 || q->exports > 1)
    return DIRECTORY_STORE_INVALID;
  size_t ts = 0, tl = 0;
  int trc = q->text ? chat_store_validate_text(q->text, DIRECTORY_STORE_MAX_QUERY, false, &ts, &tl)
                    : CHAT_STORE_EMPTY;
  if (trc != CHAT_STORE_OK && trc != CHAT_STORE_EMPTY) return DIRECTORY_STORE_INVALID;
  int limit = q->limit <= 0                          ? 20
              : q->limit > DIRECTORY_STORE_MAX_LIMIT ? DIRECTORY_STORE_MAX_LIMIT
                                                     : q->limit;
  char *text = trc == CHAT_STORE_OK ? strndup(q->text + ts, tl) : NULL;
  dir_text t = {0};
  if ((trc == CHAT_STORE_OK && !text) || (text && dir__parse_text(text, &t) != 0)) {
    free(text);
    return DIRECTORY_STORE_ERROR;
  }
  dir_search s = {.db = db, .v = &v, .q = q, .kind = kind, .size = size};
  s.x = directory_index_get(db);
  rc = s.x && dir__roles(&s) == 0 ? 0 : -1;
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
    return DIRECTORY_STORE_ERROR;
  }
  dir_facet f[6] = {{0}};
  for (size_t i = 0; i < s.nhits; i++) {
    const dir_entry *e = &s.x->e[s.hits[i].entry];
    if (e->sector_id) dir__count(&f[0], e->sector_id);
    dir__count(&f[1], e->region_id);
    for (uint32_t c = 0; c < e->ncons; c++) dir__count(&f[2], s.x->cons[e->cons_first + c]);
    dir__count(&f[3], e->kind);
    dir__count(&f[4], e->size);
    dir__count(&f[5], e->exports);
  }
  json_t *results = json_array();
  for (size_t i = (size_t)q->offset; i < s.nhits && i < (size_t)q->offset + (size_t)limit; i++) {
    json_t *p = dir__profile(db, s.x->e[s.hits[i].entry].id);
    if (p) json_array_append_new(results, p);
  }
  size_t total = s.nhits;
  free(s.hits);
  json_t *facets = json_object();
  static const char *const names[] = {"sector", "region", "consortium", "kind", "size", "exports"};
  static const int what[] = {1, 2, 3, 4, 5, 6};
  for (int i = 0; i < 6; i++) json_object_set_new(facets, names[i], dir__facet_json(db, &f[i], what[i]));
  *out = json_pack("{s:I, s:i, s:i, s:o, s:o}", "total", (json_int_t)total, "offset", q->offset, "limit",
                   limit, "results", results, "facets", facets);
  if (text && q->offset == 0) dir__remember(db, &v, text, strlen(text));
  free(text);
  return DIRECTORY_STORE_OK;
}

/* ---- suggestions ---- */

#define DIR_MAX_SUGGEST 20
#define DIR_MAX_WANTED 32

typedef struct dir_term {
  char *s;
  size_t len;
  bool searched; /* from the organization's searches (else from its own profile) */
} dir_term;

typedef struct dir_pick {
  int64_t id, score;
  int relation; /* 0 same sector, 1 related sector, 2 no sector */
  bool other_region;
  int matched[3], nmatched;
} dir_pick;

/* ASCII case-insensitive substring search. */
static bool dir__contains(const char *hay, const char *needle, size_t n) {
  if (!hay) return false;
  for (; *hay; hay++) {
    size_t i = 0;
    for (; i < n && hay[i]; i++) {
      unsigned char a = (unsigned char)hay[i], b = (unsigned char)needle[i];
      if (a >= 'A' && a <= 'Z') a = (unsigned char)(a + 32);
      if (b >= 'A' && b <= 'Z') b = (unsigned char)(b + 32);
      if (a != b) break;
    }
    if (i == n) return true;
  }
  return false;
}

/* Adds the terms of text (separated by white space, commas, semicolons, slashes, '|' or '·'),
 * of at least 2 code points, to terms (deduplicated; a searched term stays searched). */
static void dir__add_terms(dir_term *terms, size_t *n, const char *text, bool searched) {
  const char *p = text;
  while (p && *p && *n < DIR_MAX_WANTED) {
    while (*p && (strchr(" \t\n,;/|", *p) || (p[0] == '\xc2' && p[1] == '\xb7'))) p += *p == '\xc2' ? 2 : 1;
    const char *s = p;
    size_t cps = 0;
    while (*p && !strchr(" \t\n,;/|", *p) && !(p[0] == '\xc2' && p[1] == '\xb7'))
      cps += ((unsigned char)*p++ & 0xC0) != 0x80;
    size_t len = (size_t)(p - s);
    if (cps < 2) continue;
    size_t i = 0;
    while (i < *n && !(terms[i].len == len && dir__contains(terms[i].s, s, len))) i++;
    if (i < *n) {
      terms[i].searched |= searched;
      continue;
    }
    if (!(terms[i].s = strndup(s, len))) return;
    terms[i].len = len;
    terms[i].searched = searched;
    (*n)++;
  }
}

/* Appends s to a growing buffer (NUL-terminated); silently stops when out of room. */
static void dir__cat(char *buf, size_t cap, const char *s) {
  size_t used = strlen(buf), add = strlen(s);
  if (used + add < cap) memcpy(buf + used, s, add + 1);
}

/* The reason shown with a suggestion, in Korean and English: the sector relation, where, and
 * what it offers, in two groups that say where each term came from: the organization's own
 * recent searches (by any of its members: "your organization searched", never "you") and its
 * own profile keywords (never searched by anyone). */
static void dir__reasons(const dir_pick *p, const dir_term *terms, json_t *o) {
  static const char *const sector_ko[] = {"같은 업종", "관련 업종", "업종 무관 기관"};
  static const char *const sector_en[] = {"same sector", "related sector", "cross-sector institution"};
  char ko[512] = "", en[512] = "";
  dir__cat(ko, sizeof ko, sector_ko[p->relation]);
  dir__cat(ko, sizeof ko, p->other_region ? ", 다른 지역 · 제공: " : ", 다른 단지 · 제공: ");
  dir__cat(en, sizeof en, sector_en[p->relation]);
  dir__cat(en, sizeof en, p->other_region ? ", different region; offers " : ", different complex; offers ");
  json_t *matched = json_array();
  bool any = false;
  for (int group = 1; group >= 0; group--) { /* searched terms first, then profile keywords */
    int n = 0;
    for (int i = 0; i < p->nmatched; i++) {
      const dir_term *t = &terms[p->matched[i]];
      if (t->searched != (group == 1)) continue;
      if (n++)
        dir__cat(ko, sizeof ko, ", "), dir__cat(en, sizeof en, ", ");
      else if (any)
        dir__cat(ko, sizeof ko, " · "), dir__cat(en, sizeof en, "; ");
      dir__cat(ko, sizeof ko, t->s);
      dir__cat(en, sizeof en, t->s);
      json_array_append_new(matched, json_string(t->s));
    }
    if (!n) continue;
    any = true;
    dir__cat(ko, sizeof ko, group ? " (우리 기관이 검색한 항목)" : " (우리 기관 키워드와 일치)");
    dir__cat(en, sizeof en,
             group ? " (your organization searched for)" : " (matching your organization's keywords)");
  }
  json_object_set_new(o, "score", json_integer(p->score));
  json_object_set_new(o, "matched", matched);
  json_object_set_new(o, "reason_ko", json_string(ko));
  json_object_set_new(o, "reason_en", json_string(en));
}

int directory_store_suggest(moa_db *db, int64_t viewer_id, int64_t org_id, int limit, json_t **out) {
  *out = NULL;
  dir_viewer v;
  int rc = dir__viewer(db, viewer_id, &v);
  if (rc == DIRECTORY_STORE_OK) rc = dir__visible(db, &v, org_id);
  if (rc != DIRECTORY_STORE_OK) return rc;
  limit = limit < 1 ? 1 : limit > DIR_MAX_SUGGEST ? DIR_MAX_SUGGEST : limit;
  dir_term terms[DIR_MAX_WANTED];
  size_t nterms = 0;
  sqlite3_stmt *st =
      db_stmt(db, "SELECT query FROM directory_searches WHERE org_id = ?1 ORDER BY id DESC LIMIT 20");
  if (!st) return DIRECTORY_STORE_ERROR;
  sqlite3_bind_int64(st, 1, org_id);
  while (db_step(db, st) == SQLITE_ROW)
    dir__add_terms(terms, &nterms, (const char *)sqlite3_column_text(st, 0), true);
  sqlite3_reset(st);
  st = db_stmt(db, "SELECT keywords, capabilities FROM organizations WHERE id = ?1");
  if (!st)
    rc = DIRECTORY_STORE_ERROR;
  else {
    sqlite3_bind_int64(st, 1, org_id);
    if (db_step(db, st) == SQLITE_ROW)
      for (int c = 0; c < 2; c++)
        dir__add_terms(terms, &nterms, (const char *)sqlite3_column_text(st, c), false);
    sqlite3_reset(st);
  }
  /* candidates: same or related sector (or none), elsewhere */
  st =
      rc ? NULL
         : db_stmt(
               db,
               "SELECT o.id, o.capabilities, o.keywords, o.description, CASE WHEN o.sector_id IS NULL THEN 2 "
               "WHEN o.sector_id IS x.sector_id THEN 0 ELSE 1 END, o.region_id <> x.region_id FROM "
               "organizations x JOIN organizations o ON o.id <> x.id AND (o.region_id <> x.region_id OR "
               "o.complex_id IS NOT x.complex_id) WHERE x.id = ?1 AND " DIR_VIS
               " AND (o.sector_id IS NULL "
               "OR o.sector_id IS x.sector_id OR o.sector_id IN (SELECT k.sector_id FROM memberships m JOIN "
               "consortia k ON k.id = m.consortium_id WHERE m.org_id = x.id))");
  dir_pick best[DIR_MAX_SUGGEST];
  int nbest = 0, step = SQLITE_DONE;
  if (st) {
    sqlite3_bind_int64(st, 1, org_id);
    dir__bind_viewer(st, &v);
    while ((step = db_step(db, st)) == SQLITE_ROW) {
      dir_pick p = {.id = sqlite3_column_int64(st, 0),
                    .relation = sqlite3_column_int(st, 4),
                    .other_region = sqlite3_column_int(st, 5) == 1};
      for (size_t i = 0; i < nterms; i++) {
        int64_t w = terms[i].searched ? 2 : 1, got = 0;
        if (dir__contains((const char *)sqlite3_column_text(st, 1), terms[i].s, terms[i].len))
          got = 3 * w;
        else if (dir__contains((const char *)sqlite3_column_text(st, 2), terms[i].s, terms[i].len))
          got = 2 * w;
        else if (dir__contains((const char *)sqlite3_column_text(st, 3), terms[i].s, terms[i].len))
          got = w;
        if (!got) continue;
        p.score += got;
        if (p.nmatched < 3) p.matched[p.nmatched++] = (int)i;
      }
      if (p.score == 0) continue;
      p.score += (p.other_region ? 2 : 0) + (p.relation == 0 ? 1 : 0);
      int at = nbest;
      while (at > 0 &&
             (best[at - 1].score < p.score || (best[at - 1].score == p.score && best[at - 1].id > p.id)))
        at--;
      if (at >= limit) continue;
      if (nbest < limit) nbest++;
      memmove(&best[at + 1], &best[at], (size_t)(nbest - 1 - at) * sizeof *best);
      best[at] = p;
    }
    sqlite3_reset(st);
  }
  if (!st || step != SQLITE_DONE) rc = DIRECTORY_STORE_ERROR;
  json_t *list = json_array();
  for (int i = 0; rc == DIRECTORY_STORE_OK && i < nbest; i++) {
    json_t *o = json_object();
    json_t *prof = dir__profile(db, best[i].id);
    json_object_set_new(o, "org", prof ? prof : json_null());
    dir__reasons(&best[i], terms, o);
    json_array_append_new(list, o);
  }
  for (size_t i = 0; i < nterms; i++) free(terms[i].s);
  if (rc == DIRECTORY_STORE_OK)
    *out = json_pack("{s:I, s:o}", "org_id", (json_int_t)org_id, "suggestions", list);
  else
    json_decref(list);
  return rc;
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

/* The editable text fields: name, limit, may be empty, multiline, statement parameter. */
static const struct dir_field {
  const char *name;
  size_t max;
  bool may_be_empty, multiline;
  int param;
} DIR_TEXT_FIELDS[] = {
    {"name", 200, false, false, 2},        {"name_en", 200, true, false, 3},
    {"capabilities", 2000, true, true, 7}, {"keywords", 1000, true, true, 8},
    {"description", 4000, true, true, 9},
};

int directory_store_update_profile(moa_db *db, int64_t org_id, json_t *fields, json_t **out) {
  if (out) *out = NULL;
  if (!json_is_object(fields)) return DIRECTORY_STORE_INVALID;
  const char *key;
  json_t *val;
  json_object_foreach(fields, key, val) {
    bool known = !strcmp(key, "size") || !strcmp(key, "revenue_band") || !strcmp(key, "exports") ||
                 !strcmp(key, "hidden_outside");
    for (size_t i = 0; i < sizeof DIR_TEXT_FIELDS / sizeof *DIR_TEXT_FIELDS; i++)
      known |= !strcmp(key, DIR_TEXT_FIELDS[i].name);
    if (!known) return DIRECTORY_STORE_INVALID;
  }
  json_t *size = json_object_get(fields, "size"), *band = json_object_get(fields, "revenue_band");
  json_t *exports = json_object_get(fields, "exports"), *hidden = json_object_get(fields, "hidden_outside");
  if ((size && dir__index(DIR_SIZES, json_string_value(size)) < 0) ||
      (band && dir__index(DIR_BANDS, json_string_value(band)) < 0) ||
      (exports && !json_is_boolean(exports)) || (hidden && !json_is_boolean(hidden)))
    return DIRECTORY_STORE_INVALID;
  sqlite3_stmt *st =
      db_stmt(db,
              "UPDATE organizations SET name = coalesce(?2, name), name_en = coalesce(?3, "
              "name_en), size = coalesce(?4, size), revenue_band = coalesce(?5, revenue_band), "
              "exports = coalesce(?6, exports), capabilities = coalesce(?7, capabilities), "
              "keywords = coalesce(?8, keywords), description = coalesce(?9, description), "
              "hidden_outside = coalesce(?10, hidden_outside), updated_at = ?11 WHERE id = ?1");
  if (!st) return DIRECTORY_STORE_ERROR;
  for (size_t i = 0; i < sizeof DIR_TEXT_FIELDS / sizeof *DIR_TEXT_FIELDS; i++) {
    const struct dir_field *f = &DIR_TEXT_FIELDS[i];
    json_t *j = json_object_get(fields, f->name);
    if (!j) continue;
    const char *s = json_string_value(j);
    size_t ts = 0, tl = 0;
    int vrc = s ? chat_store_validate_text(s, f->max, f->multiline, &ts, &tl) : CHAT_STORE_BAD_TEXT;
    if (s && strlen(s) != json_string_length(j)) vrc = CHAT_STORE_BAD_TEXT; /* an embedded NUL */
    if (vrc != CHAT_STORE_OK && !(vrc == CHAT_STORE_EMPTY && f->may_be_empty)) {
      sqlite3_reset(st);
      sqlite3_clear_bindings(st);
      return DIRECTORY_STORE_INVALID;
    }
    sqlite3_bind_text(st, f->param, s + ts, (int)tl, SQLITE_STATIC);
  }
  sqlite3_bind_int64(st, 1, org_id);
  if (size) sqlite3_bind_text(st, 4, json_string_value(size), -1, SQLITE_STATIC);
  if (band) sqlite3_bind_text(st, 5, json_string_value(band), -1, SQLITE_STATIC);
  if (exports) sqlite3_bind_int(st, 6, json_is_true(exports));
  if (hidden) sqlite3_bind_int(st, 10, json_is_true(hidden));
  sqlite3_bind_int64(st, 11, db_now(db));
  if (db_begin(db) != SQLITE_OK) return DIRECTORY_STORE_ERROR;
  int rc = db_exec_stmt(db, st) == SQLITE_DONE ? DIRECTORY_STORE_OK : DIRECTORY_STORE_ERROR;
  if (rc == DIRECTORY_STORE_OK && sqlite3_changes(db_handle(db)) != 1) rc = DIRECTORY_STORE_NOT_FOUND;
  /* The new profile is read inside the transaction: if that fails, nothing is changed, rather
   * than a change the caller is told failed. */
  if (rc == DIRECTORY_STORE_OK && out && !(*out = dir__profile(db, org_id))) rc = DIRECTORY_STORE_ERROR;
  if (rc != DIRECTORY_STORE_OK) {
    db_rollback(db);
    return rc;
  }
  if (db_commit(db) != SQLITE_OK) {
    if (out) {
      json_decref(*out);
      *out = NULL;
    }
    return DIRECTORY_STORE_ERROR;
  }
  return DIRECTORY_STORE_OK;
}
