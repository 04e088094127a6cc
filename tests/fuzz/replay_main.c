/* Standalone driver for the libFuzzer harnesses in tests/fuzz: the main() that ctest runs without
 * clang. Each argument is a file or a directory; every regular file (of a directory: every entry
 * not starting with '.', in name order, not recursing) is read whole and given once to
 * LLVMFuzzerTestOneInput, after LLVMFuzzerInitialize if the harness defines it. Built with gcc
 * under ASan+UBSan (tests/fuzz/CMakeLists.txt), so an input that once crashed a fuzzer crashes
 * this replay the same way: the seed corpus and every saved crash become regression tests.
 *
 * Exits 0 when every input ran (printing how many), 1 when an argument cannot be read or no input
 * was found at all (a replay of nothing would pass for the wrong reason). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int replay_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "replay: cannot open %s\n", path);
    return -1;
  }
  size_t cap = 4096, len = 0;
  uint8_t *buf = malloc(cap);
  for (;;) {
    if (!buf) break;
    if (len == cap) {
      uint8_t *b = realloc(buf, cap * 2);
      if (!b) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = b;
      cap *= 2;
    }
    size_t n = fread(buf + len, 1, cap - len, f);
    if (n == 0) break;
    len += n;
  }
  int bad = ferror(f) || !buf;
  fclose(f);
  if (bad) {
    free(buf);
    fprintf(stderr, "replay: cannot read %s\n", path);
    return -1;
  }
  /* An exactly sized copy, as libFuzzer gives: a read one past the end is caught by ASan. */
  uint8_t *exact = malloc(len ? len : 1);
  if (!exact) {
    free(buf);
    return -1;
  }
  memcpy(exact, buf, len);
  free(buf);
  fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
  LLVMFuzzerTestOneInput(exact, len);
  free(exact);
  return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b) {
  return strcmp((*a)->d_name, (*b)->d_name);
}

/* Replays every file of dir; returns how many, or -1. */
static int replay_dir(const char *dir) {
  struct dirent **names;
  int n = scandir(dir, &names, NULL, by_name);
  if (n < 0) {
    fprintf(stderr, "replay: cannot list %s\n", dir);
    return -1;
  }
  int count = 0, rc = 0;
  for (int i = 0; i < n; i++) {
    if (names[i]->d_name[0] != '.' && rc == 0) {
      char path[4096];
      struct stat st;
      snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
      if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
        if (replay_file(path) != 0)
          rc = -1;
        else
          count++;
      }
    }
    free(names[i]);
  }
  free(names);
  return rc ? -1 : count;
}

int main(int argc, char **argv) {
  if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
  int total = 0;
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st) != 0) {
      fprintf(stderr, "replay: %s does not exist\n", argv[i]);
      return 1;
    }
    int n = S_ISDIR(st.st_mode) ? replay_dir(argv[i]) : (replay_file(argv[i]) == 0 ? 1 : -1);
    if (n < 0) return 1;
    total += n;
  }
  if (total == 0) {
    fprintf(stderr, "replay: no input found\n");
    return 1;
  }
  printf("replay: %d inputs ran without a sanitizer report\n", total);
  return 0;
}
