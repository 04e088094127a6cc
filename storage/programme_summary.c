/* The one-line result of a programme import (see programme_summary.h). */
#include "storage/programme_summary.h"

#include <stdio.h>

int programme_import_summary(const char *what, const char *source, const programme_import_report *r,
                             char *buf, size_t len) {
  if (r->duplicate_file)
    return snprintf(buf, len, "%s: the same file as the last import of %s: nothing changed.", what, source);
  return snprintf(
      buf, len,
      "%s: %d items: %d new, %d changed, %d unchanged, %d merged with another feed, %d amendments, "
      "%d withdrawn, %d closed, %d rejected.",
      source, r->n_items, r->n_new, r->n_changed, r->n_same, r->n_merged, r->n_amended, r->n_withdrawn,
      r->n_closed, r->n_rejected);
}
