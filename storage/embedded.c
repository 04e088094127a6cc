/* Lookup of embedded data files (see embedded.h). */
#include "storage/embedded.h"

#include <string.h>

const char *embedded_data(const char *name) {
  for (int i = 0; i < moa_data_count; i++)
    if (strcmp(moa_data_names[i], name) == 0) return moa_data[i];
  return NULL;
}
