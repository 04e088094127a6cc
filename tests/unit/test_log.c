/* Unit tests of base/log.s repeat suppression (issue 10: a failing loop wrote 0.6 MB/s of one
 * line). 100,000 identical lines, interleaved with a second repeating line, write each once;
 * a different line is still written at once; lines below the level are not written at all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// clang-format off: cmocka.h needs the headers above
#include <cmocka.h>
// clang-format on

#include "base/log.h"

/* Runs fn with stderr sent to a temporary file; returns what was written (caller frees). */
static char *capture(void (*fn)(void)) {
  fflush(stderr);
  FILE *tmp = tmpfile();
  assert_non_null(tmp);
  int saved = dup(2);
  dup2(fileno(tmp), 2);
  fn();
  fflush(stderr);
  dup2(saved, 2);
  close(saved);
  long n = ftell(tmp);
  char *out = calloc(1, (size_t)n + 1);
  rewind(tmp);
  assert_int_equal(fread(out, 1, (size_t)n, tmp), (size_t)n);
  fclose(tmp);
  return out;
}

static int count(const char *hay, const char *needle) {
  int n = 0;
  for (const char *p = hay; (p = strstr(p, needle)); p++) n++;
  return n;
}

static void flood(void) {
  for (int i = 0; i < 100000; i++) {
    log_error("lws: accept: errno %d", 24);
    if (i % 3 == 0) log_warn("WebSocket refused: %s already has %d connections", "10.0.0.1", 256);
  }
  log_info("something else");
  log_debug("not at this level");
}

static void test_repeats_suppressed(void **state) {
  (void)state;
  log_set_level(LOG_LEVEL_INFO);
  char *out = capture(flood);
  assert_int_equal(count(out, "accept: errno 24"), 1);
  assert_int_equal(count(out, "WebSocket refused"), 1);
  assert_int_equal(count(out, "something else"), 1);
  assert_int_equal(count(out, "not at this level"), 0);
  assert_true(strlen(out) < 1024);
  free(out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_repeats_suppressed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
