/* The one-line result of a programme import, the same for `moa programme import` (gateway/main.c)
 * and the admin upload (programme.import): "SOURCE: N items: a new, b changed, ... h rejected."
 * or, for a file equal to the source's last import, "WHAT: the same file as the last import of
 * SOURCE: nothing changed." */
#ifndef MOA_STORAGE_PROGRAMME_SUMMARY_H
#define MOA_STORAGE_PROGRAMME_SUMMARY_H

#include <stddef.h>

#include "storage/programme_store.h"

/* Writes the line (no newline) into buf. what names the file or URL. Returns what snprintf does. */
int programme_import_summary(const char *what, const char *source, const programme_import_report *r,
                             char *buf, size_t len);

#endif
