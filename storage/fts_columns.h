/* moa_phrase_columns(): an FTS5 auxiliary function that tells, for the row being returned by a
 * MATCH query, in which columns each phrase of the query occurs. Partner search ranks a hit by
 * where its terms are (name, capabilities and keywords, elsewhere); asking this of the one MATCH
 * that finds the hits replaces two column-filtered MATCH queries per term, which re-read the same
 * position lists (three passes over a common term's postings instead of one).
 *
 * SELECT rowid, moa_phrase_columns(t) FROM t WHERE t MATCH ?  gives a blob of one byte per phrase
 * of the expression, in the order the phrases appear in it; bit c of a byte is set when that phrase
 * occurs in column c (columns 0..7; later columns are not reported). */
#ifndef MOA_STORAGE_FTS_COLUMNS_H
#define MOA_STORAGE_FTS_COLUMNS_H

#include <sqlite3.h>

/* Registers moa_phrase_columns on conn's FTS5 module. SQLITE_OK, or an error code. */
int fts_columns_register(sqlite3 *conn);

#endif
