/* Partner suggestions (directory_store_suggest, see directory_store.h): the candidates of the same
 * or related sectors in other places, scored in C by substring overlap with the terms the
 * organization's people searched for (directory_searches) or the organization lists in its own
 * keywords and capabilities, each with its reason in Korean and English. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "storage/directory_store.h"
#include "storage/directory_store_int.h"

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

/* The reason shown with a suggestion, in Korean and English (ko, en: 512 bytes each): the sector
 * relation, where, and what it offers, in two groups that say where each term came from: the
 * organization's own recent searches (by any of its members: "your organization searched", never
 * "you") and its own profile keywords (never searched by anyone). out->matched lists the terms in
 * the same order. */
static void dir__reasons(const dir_pick *p, const dir_term *terms, char *ko, char *en,
                         directory_suggestion *out) {
  static const char *const sector_ko[] = {"같은 업종", "관련 업종", "업종 무관 기관"};
  static const char *const sector_en[] = {"same sector", "related sector", "cross-sector institution"};
  enum { CAP = 512 };
  ko[0] = en[0] = 0;
  dir__cat(ko, CAP, sector_ko[p->relation]);
  dir__cat(ko, CAP, p->other_region ? ", 다른 지역 · 제공: " : ", 다른 단지 · 제공: ");
  dir__cat(en, CAP, sector_en[p->relation]);
  dir__cat(en, CAP, p->other_region ? ", different region; offers " : ", different complex; offers ");
  bool any = false;
  for (int group = 1; group >= 0; group--) { /* searched terms first, then profile keywords */
    int n = 0;
    for (int i = 0; i < p->nmatched; i++) {
      const dir_term *t = &terms[p->matched[i]];
      if (t->searched != (group == 1)) continue;
      if (n++)
        dir__cat(ko, CAP, ", "), dir__cat(en, CAP, ", ");
      else if (any)
        dir__cat(ko, CAP, " · "), dir__cat(en, CAP, "; ");
      dir__cat(ko, CAP, t->s);
      dir__cat(en, CAP, t->s);
      out->matched[out->nmatched++] = t->s;
    }
    if (!n) continue;
    any = true;
    dir__cat(ko, CAP, group ? " (우리 기관이 검색한 항목)" : " (우리 기관 키워드와 일치)");
    dir__cat(en, CAP,
             group ? " (your organization searched for)" : " (matching your organization's keywords)");
  }
  out->score = p->score;
  out->reason_ko = ko;
  out->reason_en = en;
}

/* Passes a suggestion's profile on to the caller's suggestion callback. */
typedef struct dir_suggest_call {
  directory_suggestion *s;
  directory_suggestion_fn fn;
  void *arg;
} dir_suggest_call;

static void dir__suggest_profile(void *arg, const directory_profile *p) {
  dir_suggest_call *c = arg;
  c->s->org = p;
  c->fn(c->arg, c->s);
}

store_status directory_store_suggest(moa_db *db, int64_t viewer_id, int64_t org_id, int limit,
                                     directory_suggestion_fn fn, void *arg) {
  dir_viewer v;
  store_status rc = dir__viewer(db, viewer_id, &v);
  if (rc == STORE_OK) rc = dir__visible(db, &v, org_id);
  if (rc != STORE_OK) return rc;
  limit = limit < 1 ? 1 : limit > DIR_MAX_SUGGEST ? DIR_MAX_SUGGEST : limit;
  dir_term terms[DIR_MAX_WANTED];
  size_t nterms = 0;
  sqlite3_stmt *st =
      db_stmt(db, "SELECT query FROM directory_searches WHERE org_id = ?1 ORDER BY id DESC LIMIT 20");
  if (!st) return STORE_ERROR;
  sqlite3_bind_int64(st, 1, org_id);
  while (db_step(db, st) == SQLITE_ROW)
    dir__add_terms(terms, &nterms, (const char *)sqlite3_column_text(st, 0), true);
  sqlite3_reset(st);
  st = db_stmt(db, "SELECT keywords, capabilities FROM organizations WHERE id = ?1");
  if (!st)
    rc = STORE_ERROR;
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
  if (!st || step != SQLITE_DONE) rc = STORE_ERROR;
  dir_scratch x = {0};
  char ko[512], en[512];
  for (int i = 0; rc == STORE_OK && i < nbest; i++) {
    directory_suggestion sg = {0};
    dir__reasons(&best[i], terms, ko, en, &sg);
    dir_suggest_call call = {&sg, fn, arg};
    if (dir__profile(db, best[i].id, &x, dir__suggest_profile, &call) != 0) fn(arg, &sg); /* org NULL */
  }
  dir__scratch_free(&x);
  for (size_t i = 0; i < nterms; i++) free(terms[i].s);
  return rc;
}
