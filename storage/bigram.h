/* Character bigrams for substring search in Korean, words for English. Korean writes compounds
 * without spaces (수소연료전지), and the most common queries are two syllables (수소, 로봇, 모듈):
 * too short for a trigram index, so they used to fall back to LIKE over every row (3.3 s on a
 * 100,000-row directory). Indexing overlapping pairs of characters finds any substring of 2+
 * characters as a phrase of consecutive bigrams, and a single character as a prefix query.
 * English is searched by word prefix (hydro finds Hydrogen), as people expect of English search:
 * Latin bigrams (in, er, ng) are in almost every row, and a phrase of ten of them made a query
 * like "Engineering" read most of the index (20 ms at 100,000 organizations; a word is 1 doclist).
 *
 * The text is cut into runs at separators (ASCII other than letters and digits, white space,
 * Latin-1 and general punctuation, CJK symbols; invalid UTF-8 bytes), and where ASCII letters or
 * digits meet another script (AI반도체 is "ai" and "반도체"). A run of ASCII letters and digits
 * gives itself as one token (lowered). Another run of n >= 2 characters gives its n-1 overlapping
 * bigrams followed by its last character alone; a run of 1 character gives that character.
 * Tokens are separated by one space, so an FTS5 table with tokenize = "unicode61
 * remove_diacritics 0" indexes them as they are.
 *
 * Pure functions; no state. bigram_register() adds the SQL function moa_bigrams(text) to a
 * connection, which the FTS triggers of migration 006 call (every connection that writes
 * organizations must have it: db_open registers it). */
#ifndef MOA_STORAGE_BIGRAM_H
#define MOA_STORAGE_BIGRAM_H

#include <sqlite3.h>
#include <stddef.h>

/* The bigram tokens of s (n bytes). Returns a NUL-terminated string the caller frees ("" for text
 * without any run), or NULL when out of memory. */
char *bigram_text(const char *s, size_t n);

/* An FTS5 query expression that matches the documents containing term (n bytes), for a table
 * indexed with bigram_text: each run of the term becomes a phrase of its bigrams (a substring; a
 * one-character run a prefix query), an ASCII run a word-prefix query, runs joined by AND. The expression
 * holds only bigram tokens inside double quotes (which a token never contains), so user text cannot inject
 * FTS5 syntax. Returns a string the caller frees: "" when the term has no run (only separators), NULL when
 * out of memory. */
char *bigram_match_expr(const char *term, size_t n);

/* Registers moa_bigrams(text) -> text (deterministic, innocuous) on conn. SQLITE_OK or an error. */
int bigram_register(sqlite3 *conn);

#endif
