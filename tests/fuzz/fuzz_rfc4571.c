/* libFuzzer harness for the RFC 4571 reader (gateway/rtc/rfc4571.c), the first code an ICE-TCP
 * peer's bytes reach. The input's first four bytes choose the reader's largest frame and a seed
 * for chunk sizes; the rest is the TCP stream. The stream is read twice, once in one chunk and
 * once in pseudo-random chunks (1 byte up to the whole): both must yield the same frames with
 * the same bytes and fail at the same point, and neither may touch memory outside its chunk and
 * its store (exactly sized heap copies, so ASan sees an overrun of one byte).
 *
 * Built by tests/fuzz/CMakeLists.txt like every harness here (make fuzz; make test replays
 * corpus/<name>). Built by hand from the repository root:
 *
 *   clang -std=gnu11 -g -O1 -I. -fsanitize=fuzzer,address,undefined \
 *     tests/fuzz/fuzz_rfc4571.c gateway/rtc/rfc4571.c -o build/fuzz_rfc4571
 *   mkdir -p build/fuzz_rfc4571_corpus && ./build/fuzz_rfc4571 build/fuzz_rfc4571_corpus -max_len=200000
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/rtc/rfc4571.h"

#define MAX_FRAMES 4096

typedef struct {
  size_t n;
  int rc; /* 0 at the end of the stream, -1 when the reader failed */
  size_t off[MAX_FRAMES], len[MAX_FRAMES];
  uint8_t *bytes; /* every frame's bytes, one after the other */
  size_t used;
} result;

static void check(int cond) {
  if (!cond) abort();
}

/* Reads stream (len bytes) in chunks; next_chunk(state) gives each chunk's size (>= 1). */
static void read_all(const uint8_t *stream, size_t len, size_t max, uint32_t seed, result *out) {
  uint8_t *store = malloc(max ? max : 1);
  rfc4571_reader r;
  rfc4571_reader_init(&r, store, max);
  out->n = 0;
  out->used = 0;
  out->rc = 0;
  size_t off = 0;
  while (off < len && out->rc == 0) {
    size_t c = len - off;
    if (seed) { /* xorshift chunk sizes, mostly small, sometimes large */
      seed ^= seed << 13, seed ^= seed >> 17, seed ^= seed << 5;
      size_t want = (seed & 0x100) ? (seed % 4096) + 1 : (seed % 7) + 1;
      if (want < c) c = want;
    }
    uint8_t *chunk = malloc(c);
    memcpy(chunk, stream + off, c);
    uint8_t *d = chunk, *f;
    size_t l = c, fl;
    int rc;
    while ((rc = rfc4571_read(&r, &d, &l, &f, &fl)) == 1) {
      check(fl <= max);
      check(f == store || (f >= chunk && f + fl <= chunk + c));
      if (out->n < MAX_FRAMES) {
        out->off[out->n] = out->used;
        out->len[out->n] = fl;
        memcpy(out->bytes + out->used, f, fl);
        out->used += fl;
        out->n++;
      }
    }
    if (rc < 0) {
      out->rc = -1;
      check(!rfc4571_at_boundary(&r));
    } else {
      check(l == 0); /* 0: the chunk was used up */
    }
    free(chunk);
    off += c;
  }
  free(store);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 4) return 0;
  size_t max = (size_t)data[0] << 8 | data[1];
  uint32_t seed = (uint32_t)data[2] << 8 | data[3] | 1u << 16;
  const uint8_t *stream = data + 4;
  size_t len = size - 4;
  static result whole, pieces;
  whole.bytes = malloc(len + 1);
  pieces.bytes = malloc(len + 1);
  read_all(stream, len, max, 0, &whole);
  read_all(stream, len, max, seed, &pieces);
  check(whole.n == pieces.n && whole.rc == pieces.rc && whole.used == pieces.used);
  check(memcmp(whole.bytes, pieces.bytes, whole.used) == 0);
  for (size_t i = 0; i < whole.n; i++) check(whole.len[i] == pieces.len[i] && whole.off[i] == pieces.off[i]);
  free(whole.bytes);
  free(pieces.bytes);
  return 0;
}
