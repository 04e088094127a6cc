/* A reader of tab-separated text for the operator-facing imports (data/consortia.tsv, the
 * organization import): one record per line, fields split on TAB, no quoting. It also holds the
 * checks every imported field gets: valid UTF-8, no control characters, and strict integers.
 * Used by reference_store and org_store; private to storage/. */
#ifndef MOA_STORAGE_TSV_H
#define MOA_STORAGE_TSV_H

#include <stddef.h>
#include <stdint.h>

#define TSV_MAX_FIELDS 32

typedef struct tsv_reader {
  const char *p; /* next unread byte of the text */
  int line;      /* 1-based number of the line last returned */
  char *buf;     /* copy of that line, split in place */
  size_t cap;
  int nfields;                     /* fields on the line (up to TSV_MAX_FIELDS + 1) */
  char *field[TSV_MAX_FIELDS + 1]; /* NUL-terminated, pointing into buf */
} tsv_reader;

/* Starts reading text (NUL-terminated; a leading UTF-8 byte-order mark is skipped). */
void tsv_reader_init(tsv_reader *r, const char *text);

/* Reads the next line that is not empty (a trailing CR is dropped) and splits it into r->field.
 * r->nfields is the number of fields, capped at TSV_MAX_FIELDS + 1 to mean "too many".
 * Returns 1 for a line, 0 at the end, -1 when out of memory. */
int tsv_next(tsv_reader *r);

/* Frees the line buffer; the reader may not be used afterwards unless initialized again. */
void tsv_reader_free(tsv_reader *r);

/* Returns NULL when s is valid UTF-8 (no overlongs, surrogates or values past U+10FFFF) without
 * control characters (C0, DEL, C1); otherwise a short reason, such as "invalid UTF-8". */
const char *tsv_text_error(const char *s);

/* Parses a decimal integer in [min, max] with no sign, spaces or other characters.
 * Returns 0 with *out set, or -1 and *out untouched. */
int tsv_parse_int(const char *s, int64_t min, int64_t max, int64_t *out);

/* Removes leading and trailing ASCII spaces in place; returns s. */
char *tsv_trim(char *s);

#endif
