/* libFuzzer target: the STUN codec (gateway/rtc/stun.c), which reads every datagram a media
 * worker receives with a first byte of 0..3 from any address. Each input is one datagram: it goes
 * through the demultiplexer test, the parser and both verifiers; a request is answered as the
 * server would (success with MESSAGE-INTEGRITY, and the 420 error listing the unknown
 * comprehension-required attributes), and what the builders write must parse and verify again.
 * The codec must never read or write outside the buffers it is given, whatever the bytes.
 *
 * Built by `make fuzz` (clang, libFuzzer) and replayed by ctest (fuzz_replay_stun) with
 * tests/fuzz/replay_main.c; see docs/FUZZING.md. */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/rtc/stun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char key[] = "VOkJxbRl1RmTxUk/WvJxBt";

/* What a builder wrote must be a valid message carrying a correct MI (when keyed) and FP. */
static void check_built(const uint8_t *out, int n, bool keyed) {
  if (n < 0) return;
  stun_msg m;
  if (stun_parse(out, (size_t)n, &m) != STUN_OK) abort();
  if (!stun_verify_fingerprint(out, (size_t)n, &m)) abort();
  if (keyed && !stun_verify_integrity(out, (size_t)n, &m, key, sizeof key - 1)) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  stun_msg m;
  (void)stun_is_stun(data, size);
  (void)stun_crc32(data, size);
  if (stun_parse(data, size, &m) != STUN_OK) return 0;
  if (m.username && m.username_len > STUN_MAX_USERNAME) abort();
  if (m.integrity_offset >= 0 && (size_t)m.integrity_offset + 24 > size) abort();
  if (m.fingerprint_offset >= 0 && (size_t)m.fingerprint_offset + 8 != size) abort();
  (void)stun_verify_integrity(data, size, &m, key, sizeof key - 1);
  (void)stun_verify_fingerprint(data, size, &m);
  if (m.cls != STUN_CLASS_REQUEST) return 0;

  uint8_t out[1500];
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  if (m.has_xor_mapped)
    ss = m.xor_mapped; /* any decoded address must be re-encodable */
  else {
    ss.ss_family = AF_INET;
    ((struct sockaddr_in *)&ss)->sin_port = htons(40000);
  }
  check_built(out, stun_build_binding_success(out, sizeof out, m.tid, &ss, key, sizeof key - 1), true);
  size_t nu = (size_t)(m.unknown_count < STUN_MAX_UNKNOWN ? m.unknown_count : STUN_MAX_UNKNOWN);
  check_built(out, stun_build_binding_error(out, sizeof out, m.tid, 420, NULL, m.unknown, nu, NULL, 0),
              false);
  if (m.error_reason && m.error_code >= 300 && m.error_code <= 699) {
    char reason[256];
    size_t rl = m.error_reason_len < sizeof reason - 1 ? m.error_reason_len : sizeof reason - 1;
    memcpy(reason, m.error_reason, rl);
    reason[rl] = '\0';
    check_built(
        out,
        stun_build_binding_error(out, sizeof out, m.tid, m.error_code, reason, NULL, 0, key, sizeof key - 1),
        true);
  }
  /* The request re-built from what was parsed (a client's connectivity check). */
  char user[STUN_MAX_USERNAME + 1];
  size_t ul = m.username ? m.username_len : 0;
  memcpy(user, m.username ? m.username : "", ul);
  user[ul] = '\0';
  stun_request_params p = {.tid = m.tid,
                           .username = (m.username && !memchr(user, '\0', ul)) ? user : NULL,
                           .priority = m.has_priority ? m.priority : 0,
                           .controlling = m.ice_controlling,
                           .tie_breaker = m.tie_breaker,
                           .use_candidate = m.use_candidate,
                           .key = key,
                           .key_len = sizeof key - 1};
  check_built(out, stun_build_binding_request(out, sizeof out, &p), true);
  return 0;
}
