/* Reading a file of the source tree in a unit test: `rel` is relative to the repository root,
 * found through MOA_SRC (the ctest registration sets it; "." when unset). The file's bytes are
 * returned NUL-terminated in a malloc'd buffer (free it), their count in *len when len is not
 * NULL; a file that cannot be read fails the test. Header-only, cmocka tests only. */
#ifndef MOA_TESTS_UNIT_SRC_FILE_SUPPORT_H
#define MOA_TESTS_UNIT_SRC_FILE_SUPPORT_H

#include <stdio.h>
#include <stdlib.h>

static char *src_file_read(const char *rel, size_t *len) {
  const char *src = getenv("MOA_SRC");
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", src ? src : ".", rel);
  FILE *f = fopen(path, "rb");
  if (!f) fail_msg("cannot open %s", path);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  assert_true(n >= 0);
  char *buf = malloc((size_t)n + 1);
  assert_non_null(buf);
  assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
  buf[n] = '\0';
  fclose(f);
  if (len) *len = (size_t)n;
  return buf;
}

#endif
