/* libFuzzer target: the 기업마당 RSS (libxml2 underneath) support-programme feed parser (storage/feed.h).
 * Each input is one feed file; feed_fuzz_check.h says what must hold of the result.
 *
 * Built by `make fuzz` and replayed by ctest (fuzz_replay_bizinfo_rss); see docs/FUZZING.md. */
#include "tests/fuzz/feed_fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  log_set_level(LOG_LEVEL_ERROR);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  return feed_fuzz_check(FEED_BIZINFO_RSS, data, size);
}
