/* Full-text search over the messages a user may read (chat_store_search in chat_store.h). Terms of
 * three characters or more go to FTS5's trigram index (messages_fts), ranked by bm25 and
 * highlighted by FTS5; a query with a shorter term (trigram cannot index "수소" alone) falls back
 * to LIKE on every term and highlights in C. User text never reaches FTS5 syntax: each term is
 * quoted as a phrase. Split from chat_store.c, which keeps conversations and messages. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "storage/chat_store.h"
#include "storage/chat_store_int.h"

#define CHAT_SEARCH_TERMS 4

/* Splits q into at most CHAT_SEARCH_TERMS white-space separated terms (pointers into q, lengths);
 * *short_term tells whether any has fewer than 3 code points (too short for the trigram index). */
static size_t chat__terms(const char *q, const char *term[], size_t tlen[], bool *short_term) {
  size_t n = 0;
  *short_term = false;
  while (*q && n < CHAT_SEARCH_TERMS) {
    while (chat__is_space((unsigned char)*q)) q++;
    if (!*q) break;
    const char *s = q;
    size_t cps = 0;
    while (*q && !chat__is_space((unsigned char)*q)) {
      if (((unsigned char)*q & 0xC0) != 0x80) cps++;
      q++;
    }
    term[n] = s;
    tlen[n++] = (size_t)(q - s);
    if (cps < 3) *short_term = true;
  }
  return n;
}

/* "term1" "term2": each term an FTS5 phrase with its double quotes doubled (implicit AND). */
static char *chat__fts_query(const char *term[], const size_t tlen[], size_t n) {
  size_t cap = 1;
  for (size_t i = 0; i < n; i++) cap += 2 * tlen[i] + 3;
  char *out = malloc(cap), *p = out;
  if (!out) return NULL;
  for (size_t i = 0; i < n; i++) {
    if (i) *p++ = ' ';
    *p++ = '"';
    for (size_t k = 0; k < tlen[i]; k++) {
      if (term[i][k] == '"') *p++ = '"';
      *p++ = term[i][k];
    }
    *p++ = '"';
  }
  *p = 0;
  return out;
}

/* %term% with LIKE's wildcards (and the escape) escaped by a backslash. */
static char *chat__like_pattern(const char *term, size_t len) {
  char *out = malloc(2 * len + 3), *p = out;
  if (!out) return NULL;
  *p++ = '%';
  for (size_t k = 0; k < len; k++) {
    if (term[k] == '%' || term[k] == '_' || term[k] == '\\') *p++ = '\\';
    *p++ = term[k];
  }
  *p++ = '%';
  *p = 0;
  return out;
}

static bool chat__match_at(const char *s, const char *t, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char a = (unsigned char)s[i], b = (unsigned char)t[i];
    if (a >= 'A' && a <= 'Z') a = (unsigned char)(a + 32);
    if (b >= 'A' && b <= 'Z') b = (unsigned char)(b + 32);
    if (a != b) return false;
  }
  return true;
}

/* Highlights every (ASCII case-insensitive) occurrence of the terms in body, as FTS5 would: a new
 * string, or NULL when out of memory. */
static char *chat__highlight(const char *body, const char *term[], const size_t tlen[], size_t n) {
  size_t len = strlen(body);
  char *mark = calloc(len + 1, 1), *out = malloc(3 * len + 1), *p = out;
  if (!mark || !out) {
    free(mark);
    free(out);
    return NULL;
  }
  for (size_t t = 0; t < n; t++)
    for (size_t i = 0; tlen[t] && i + tlen[t] <= len; i++)
      if (chat__match_at(body + i, term[t], tlen[t])) memset(mark + i, 1, tlen[t]);
  for (size_t i = 0; i < len; i++) {
    if (mark[i] && (i == 0 || !mark[i - 1])) *p++ = '\x02';
    *p++ = body[i];
    if (mark[i] && !mark[i + 1]) *p++ = '\x03';
  }
  *p = 0;
  free(mark);
  return out;
}

void chat_search_result_free(chat_search_result *r) {
  for (size_t i = 0; i < r->n; i++) {
    chat_message_free(&r->hits[i].message);
    free(r->hits[i].highlight);
  }
  free(r->hits);
  free(r->query);
  *r = (chat_search_result){0};
}

int chat_store_search(moa_db *db, int64_t user_id, const char *query, int64_t conversation_id, int limit,
                      chat_search_result *out) {
  *out = (chat_search_result){0};
  size_t ts, tl;
  int rc = chat_store_validate_text(query, CHAT_STORE_MAX_QUERY, false, &ts, &tl);
  if (rc == CHAT_STORE_TOO_LONG || rc == CHAT_STORE_BAD_TEXT) return rc;
  if (conversation_id && !chat_store_can_read(db, user_id, conversation_id)) return CHAT_STORE_FORBIDDEN;
  if (limit < 1) limit = 1;
  if (limit > 50) limit = 50;
  const char *term[CHAT_SEARCH_TERMS];
  size_t tlen[CHAT_SEARCH_TERMS];
  bool short_term = false;
  char *q = rc == CHAT_STORE_OK ? strndup(query + ts, tl) : NULL;
  size_t n = q ? chat__terms(q, term, tlen, &short_term) : 0;
  char *bound[CHAT_SEARCH_TERMS] = {0};
  sqlite3_stmt *st = NULL;
  rc = CHAT_STORE_OK;
  if (n > 0 && !short_term) {
    bound[0] = chat__fts_query(term, tlen, n);
    st = db_stmt(db,
                 READABLE_CTE "SELECT " MSG_COLS
                              ", highlight(messages_fts, 0, char(2), char(3)), bm25(messages_fts) FROM "
                              "messages_fts JOIN messages m ON m.id = messages_fts.rowid LEFT JOIN users u "
                              "ON u.id = m.author_id WHERE messages_fts MATCH ?2 AND m.deleted_at IS NULL "
                              "AND m.conversation_id IN readable AND (?3 = 0 OR m.conversation_id = ?3) "
                              "ORDER BY bm25(messages_fts), m.id DESC LIMIT ?4");
    if (st && bound[0]) sqlite3_bind_text(st, 2, bound[0], -1, SQLITE_STATIC);
  } else if (n > 0) {
    st =
        db_stmt(db, READABLE_CTE "SELECT " MSG_COLS MSG_FROM
                                 "WHERE m.conversation_id IN readable AND (?3 = 0 OR m.conversation_id = ?3) "
                                 "AND m.deleted_at IS NULL AND m.body LIKE ?5 ESCAPE '\\' AND (?6 IS NULL OR "
                                 "m.body LIKE ?6 ESCAPE '\\') AND (?7 IS NULL OR m.body LIKE ?7 ESCAPE '\\') "
                                 "AND (?8 IS NULL OR m.body LIKE ?8 ESCAPE '\\') ORDER BY m.id "
                                 "DESC LIMIT ?4");
    for (size_t i = 0; st && i < n; i++) {
      bound[i] = chat__like_pattern(term[i], tlen[i]);
      if (bound[i]) sqlite3_bind_text(st, (int)(5 + i), bound[i], -1, SQLITE_STATIC);
    }
  }
  if (n > 0 && !st) rc = CHAT_STORE_ERROR;
  if (st && rc == CHAT_STORE_OK) {
    sqlite3_bind_int64(st, 1, user_id);
    sqlite3_bind_int64(st, 3, conversation_id);
    sqlite3_bind_int(st, 4, limit);
    int step = SQLITE_DONE;
    size_t cap = 0;
    while (rc == CHAT_STORE_OK && (step = db_step(db, st)) == SQLITE_ROW) {
      if (!chat__reserve(&out->hits, &cap, out->n, sizeof *out->hits)) {
        rc = CHAT_STORE_ERROR;
        break;
      }
      chat_search_hit *hit = &out->hits[out->n];
      *hit = (chat_search_hit){0};
      if (chat__message_read(st, &hit->message) != CHAT_STORE_OK) {
        rc = CHAT_STORE_ERROR;
        break;
      }
      out->n++;
      bool oom = false;
      hit->ranked = !short_term;
      if (!short_term) {
        hit->highlight = chat__text(st, MSG_NCOLS, &oom);
        hit->rank = sqlite3_column_double(st, MSG_NCOLS + 1);
      } else {
        hit->highlight = chat__highlight(hit->message.body, term, tlen, n);
      }
      if (!hit->highlight) rc = CHAT_STORE_ERROR;
    }
    sqlite3_reset(st);
    if (rc == CHAT_STORE_OK && step != SQLITE_DONE) rc = CHAT_STORE_ERROR;
  }
  for (size_t i = 0; i < CHAT_SEARCH_TERMS; i++) free(bound[i]);
  if (rc == CHAT_STORE_OK) {
    out->query = q ? q : strdup("");
    q = NULL;
    if (!out->query) rc = CHAT_STORE_ERROR;
  }
  free(q);
  if (rc != CHAT_STORE_OK) chat_search_result_free(out);
  return rc;
}
