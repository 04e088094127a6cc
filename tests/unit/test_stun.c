/* Unit tests of the STUN codec (gateway/rtc/stun.c): the RFC 5769 test vectors, round trips of
 * every builder through the parser, and malformed input (truncation at every length, bad
 * lengths and attribute bounds, wrong cookie, trailing bytes, seeded random garbage and
 * mutations, which must never crash under ASan/UBSan). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

/* cmocka.h needs these before it */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "gateway/rtc/stun.h"
#include "stun_test_support.h"

static const char rfc_password[] = "VOkJxbRl1RmTxUk/WvJxBt";

static const uint8_t rfc_tid[12] = {0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae};

/* RFC 5769 2.1: sample request (SOFTWARE, PRIORITY, ICE-CONTROLLED, USERNAME padded with
 * spaces, MESSAGE-INTEGRITY, FINGERPRINT). */
static const uint8_t rfc_request[] = {
    0x00, 0x01, 0x00, 0x58, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
    0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x10, 0x53, 0x54, 0x55, 0x4e, 0x20, 0x74, 0x65, 0x73,
    0x74, 0x20, 0x63, 0x6c, 0x69, 0x65, 0x6e, 0x74, 0x00, 0x24, 0x00, 0x04, 0x6e, 0x00, 0x01, 0xff,
    0x80, 0x29, 0x00, 0x08, 0x93, 0x2f, 0xf9, 0xb1, 0x51, 0x26, 0x3b, 0x36, 0x00, 0x06, 0x00, 0x09,
    0x65, 0x76, 0x74, 0x6a, 0x3a, 0x68, 0x36, 0x76, 0x59, 0x20, 0x20, 0x20, 0x00, 0x08, 0x00, 0x14,
    0x9a, 0xea, 0xa7, 0x0c, 0xbf, 0xd8, 0xcb, 0x56, 0x78, 0x1e, 0xf2, 0xb5, 0xb2, 0xd3, 0xf2, 0x49,
    0xc1, 0xb5, 0x71, 0xa2, 0x80, 0x28, 0x00, 0x04, 0xe5, 0x7a, 0x3b, 0xcf,
};

/* RFC 5769 2.2: sample IPv4 response, XOR-MAPPED-ADDRESS 192.0.2.1:32853. */
static const uint8_t rfc_response_v4[] = {
    0x01, 0x01, 0x00, 0x3c, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
    0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x0b, 0x74, 0x65, 0x73, 0x74, 0x20, 0x76, 0x65, 0x63,
    0x74, 0x6f, 0x72, 0x20, 0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43,
    0x00, 0x08, 0x00, 0x14, 0x2b, 0x91, 0xf5, 0x99, 0xfd, 0x9e, 0x90, 0xc3, 0x8c, 0x74, 0x89, 0xf9,
    0x2a, 0xf9, 0xba, 0x53, 0xf0, 0x6b, 0xe7, 0xd7, 0x80, 0x28, 0x00, 0x04, 0xc0, 0x7d, 0x4c, 0x96,
};

/* RFC 5769 2.3: sample IPv6 response, [2001:db8:1234:5678:11:2233:4455:6677]:32853. */
static const uint8_t rfc_response_v6[] = {
    0x01, 0x01, 0x00, 0x48, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
    0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x0b, 0x74, 0x65, 0x73, 0x74, 0x20, 0x76, 0x65, 0x63,
    0x74, 0x6f, 0x72, 0x20, 0x00, 0x20, 0x00, 0x14, 0x00, 0x02, 0xa1, 0x47, 0x01, 0x13, 0xa9, 0xfa,
    0xa5, 0xd3, 0xf1, 0x79, 0xbc, 0x25, 0xf4, 0xb5, 0xbe, 0xd2, 0xb9, 0xd9, 0x00, 0x08, 0x00, 0x14,
    0xa3, 0x82, 0x95, 0x4e, 0x4b, 0xe6, 0x7b, 0xf1, 0x17, 0x84, 0xc9, 0x7c, 0x82, 0x92, 0xc2, 0x75,
    0xbf, 0xe3, 0xed, 0x41, 0x80, 0x28, 0x00, 0x04, 0xc8, 0xfb, 0x0b, 0x4c,
};

static uint32_t rng_state;
static uint32_t rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  return rng_state;
}

static struct sockaddr_storage addr4(const char *ip, uint16_t port) {
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
  sin->sin_family = AF_INET;
  sin->sin_port = htons(port);
  assert_int_equal(inet_pton(AF_INET, ip, &sin->sin_addr), 1);
  return ss;
}

static struct sockaddr_storage addr6(const char *ip, uint16_t port) {
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
  sin6->sin6_family = AF_INET6;
  sin6->sin6_port = htons(port);
  assert_int_equal(inet_pton(AF_INET6, ip, &sin6->sin6_addr), 1);
  return ss;
}

static void assert_same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b) {
  assert_int_equal(a->ss_family, b->ss_family);
  if (a->ss_family == AF_INET) {
    const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
    assert_int_equal(x->sin_port, y->sin_port);
    assert_memory_equal(&x->sin_addr, &y->sin_addr, 4);
  } else {
    const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
    assert_int_equal(x->sin6_port, y->sin6_port);
    assert_memory_equal(&x->sin6_addr, &y->sin6_addr, 16);
  }
}

static void test_crc32_check_value(void **state) {
  (void)state;
  assert_int_equal(stun_crc32((const uint8_t *)"123456789", 9), 0xCBF43926u);
  assert_int_equal(stun_crc32(NULL, 0), 0);
}

static void test_rfc5769_request(void **state) {
  (void)state;
  stun_msg m;
  assert_int_equal(stun_parse(rfc_request, sizeof rfc_request, &m), STUN_OK);
  assert_int_equal(m.cls, STUN_CLASS_REQUEST);
  assert_int_equal(m.method, STUN_METHOD_BINDING);
  assert_int_equal(m.length, 0x58);
  assert_memory_equal(m.tid, rfc_tid, 12);
  assert_int_equal(m.username_len, 9);
  assert_memory_equal(m.username, "evtj:h6vY", 9);
  assert_true(m.has_priority);
  assert_int_equal(m.priority, 0x6e0001ffu);
  assert_true(m.ice_controlled);
  assert_false(m.ice_controlling);
  assert_true(m.tie_breaker == 0x932ff9b151263b36ull);
  assert_false(m.use_candidate);
  assert_int_equal(m.integrity_offset, 76);
  assert_int_equal(m.fingerprint_offset, 100);
  assert_int_equal(m.unknown_count, 0);
  assert_true(stun_verify_integrity(rfc_request, sizeof rfc_request, &m, rfc_password, strlen(rfc_password)));
  assert_true(stun_verify_fingerprint(rfc_request, sizeof rfc_request, &m));
  assert_false(stun_verify_integrity(rfc_request, sizeof rfc_request, &m, "wrong", 5));
  assert_true(stun_is_stun(rfc_request, sizeof rfc_request));
}

static void test_rfc5769_response_v4(void **state) {
  (void)state;
  stun_msg m;
  assert_int_equal(stun_parse(rfc_response_v4, sizeof rfc_response_v4, &m), STUN_OK);
  assert_int_equal(m.cls, STUN_CLASS_SUCCESS);
  assert_int_equal(m.method, STUN_METHOD_BINDING);
  assert_true(m.has_xor_mapped);
  struct sockaddr_storage want = addr4("192.0.2.1", 32853);
  assert_same_addr(&m.xor_mapped, &want);
  assert_true(
      stun_verify_integrity(rfc_response_v4, sizeof rfc_response_v4, &m, rfc_password, strlen(rfc_password)));
  assert_true(stun_verify_fingerprint(rfc_response_v4, sizeof rfc_response_v4, &m));
}

static void test_rfc5769_response_v6(void **state) {
  (void)state;
  stun_msg m;
  assert_int_equal(stun_parse(rfc_response_v6, sizeof rfc_response_v6, &m), STUN_OK);
  assert_int_equal(m.cls, STUN_CLASS_SUCCESS);
  assert_true(m.has_xor_mapped);
  struct sockaddr_storage want = addr6("2001:db8:1234:5678:11:2233:4455:6677", 32853);
  assert_same_addr(&m.xor_mapped, &want);
  assert_true(
      stun_verify_integrity(rfc_response_v6, sizeof rfc_response_v6, &m, rfc_password, strlen(rfc_password)));
  assert_true(stun_verify_fingerprint(rfc_response_v6, sizeof rfc_response_v6, &m));
}

/* Flipping any single bit of the request either makes it unparsable or fails a check. */
static void test_rfc5769_every_bit_flip_detected(void **state) {
  (void)state;
  uint8_t b[sizeof rfc_request];
  for (size_t i = 0; i < sizeof b; i++) {
    for (int bit = 0; bit < 8; bit++) {
      memcpy(b, rfc_request, sizeof b);
      b[i] ^= (uint8_t)(1 << bit);
      stun_msg m;
      if (stun_parse(b, sizeof b, &m) != STUN_OK) continue;
      bool mi = stun_verify_integrity(b, sizeof b, &m, rfc_password, strlen(rfc_password));
      bool fp = stun_verify_fingerprint(b, sizeof b, &m);
      assert_false(mi && fp);
    }
  }
}

static void test_build_success_v4_matches_rfc_attribute(void **state) {
  (void)state;
  uint8_t out[128];
  struct sockaddr_storage a = addr4("192.0.2.1", 32853);
  int n = stun_build_binding_success(out, sizeof out, rfc_tid, &a, rfc_password, strlen(rfc_password));
  assert_int_equal(n, 20 + 12 + 24 + 8);
  /* XOR-MAPPED-ADDRESS bytes exactly as RFC 5769 prints them. */
  static const uint8_t xma[] = {0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43};
  assert_memory_equal(out + 20, xma, sizeof xma);
  stun_msg m;
  assert_int_equal(stun_parse(out, (size_t)n, &m), STUN_OK);
  assert_int_equal(m.cls, STUN_CLASS_SUCCESS);
  assert_memory_equal(m.tid, rfc_tid, 12);
  assert_same_addr(&m.xor_mapped, &a);
  assert_true(stun_verify_integrity(out, (size_t)n, &m, rfc_password, strlen(rfc_password)));
  assert_true(stun_verify_fingerprint(out, (size_t)n, &m));
  assert_true(stun_is_stun(out, (size_t)n));
}

static void test_build_success_v6(void **state) {
  (void)state;
  uint8_t out[128];
  struct sockaddr_storage a = addr6("2001:db8:1234:5678:11:2233:4455:6677", 32853);
  int n = stun_build_binding_success(out, sizeof out, rfc_tid, &a, "pw", 2);
  assert_true(n > 0);
  /* The same XOR-MAPPED-ADDRESS bytes as the RFC's IPv6 vector. */
  assert_memory_equal(out + 20, rfc_response_v6 + 36, 24);
  stun_msg m;
  assert_int_equal(stun_parse(out, (size_t)n, &m), STUN_OK);
  assert_same_addr(&m.xor_mapped, &a);
  assert_true(stun_verify_integrity(out, (size_t)n, &m, "pw", 2));
  assert_false(stun_verify_integrity(out, (size_t)n, &m, "pX", 2));
  assert_true(stun_verify_fingerprint(out, (size_t)n, &m));
}

static void test_build_success_without_key(void **state) {
  (void)state;
  uint8_t out[128];
  struct sockaddr_storage a = addr4("127.0.0.1", 5000);
  int n = stun_build_binding_success(out, sizeof out, rfc_tid, &a, NULL, 0);
  assert_int_equal(n, 20 + 12 + 8);
  stun_msg m;
  assert_int_equal(stun_parse(out, (size_t)n, &m), STUN_OK);
  assert_int_equal(m.integrity_offset, -1);
  assert_false(stun_verify_integrity(out, (size_t)n, &m, "x", 1));
  assert_true(stun_verify_fingerprint(out, (size_t)n, &m));
}

static void test_build_success_bad_family(void **state) {
  (void)state;
  uint8_t out[128];
  struct sockaddr_storage a;
  memset(&a, 0, sizeof a);
  a.ss_family = AF_UNIX;
  assert_int_equal(stun_build_binding_success(out, sizeof out, rfc_tid, &a, NULL, 0), -1);
}

static void test_build_error_codes(void **state) {
  (void)state;
  static const int codes[] = {400, 401, 487, 500};
  for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
    uint8_t out[256];
    const char *key = codes[i] == 487 ? "secret" : NULL;
    int n = stun_build_binding_error(out, sizeof out, rfc_tid, codes[i], NULL, NULL, 0, key, key ? 6 : 0);
    assert_true(n > 0);
    assert_int_equal(n % 4, 0);
    stun_msg m;
    assert_int_equal(stun_parse(out, (size_t)n, &m), STUN_OK);
    assert_int_equal(m.cls, STUN_CLASS_ERROR);
    assert_int_equal(m.method, STUN_METHOD_BINDING);
    assert_int_equal(m.error_code, codes[i]);
    assert_true(m.error_reason_len > 0);
    assert_true(stun_verify_fingerprint(out, (size_t)n, &m));
    if (key)
      assert_true(stun_verify_integrity(out, (size_t)n, &m, key, 6));
    else
      assert_int_equal(m.integrity_offset, -1);
  }
  uint8_t out[256];
  int n = stun_build_binding_error(out, sizeof out, rfc_tid, 487, "Role Conflict!", NULL, 0, NULL, 0);
  stun_msg m;
  assert_int_equal(stun_parse(out, (size_t)n, &m), STUN_OK);
  assert_int_equal(m.error_reason_len, 14);
  assert_memory_equal(m.error_reason, "Role Conflict!", 14);
  assert_int_equal(stun_build_binding_error(out, sizeof out, rfc_tid, 299, NULL, NULL, 0, NULL, 0), -1);
  assert_int_equal(stun_build_binding_error(out, sizeof out, rfc_tid, 700, NULL, NULL, 0, NULL, 0), -1);
}

static void test_build_error_420_unknown(void **state) {
  (void)state;
  uint8_t out[256];
  const uint16_t unk[] = {0x0031, 0x7abc, 0x0042};
  int n = stun_build_binding_error(out, sizeof out, rfc_tid, 420, NULL, unk, 3, NULL, 0);
  assert_true(n > 0);
  stun_msg m;
  assert_int_equal(stun_parse(out, (size_t)n, &m), STUN_OK);
  assert_int_equal(m.error_code, 420);
  /* ERROR-CODE (4 + "Unknown Attribute" 17 -> 24 padded) then UNKNOWN-ATTRIBUTES (6 -> 8). */
  assert_int_equal(out[20 + 4 + 24] << 8 | out[20 + 4 + 24 + 1], STUN_ATTR_UNKNOWN_ATTRIBUTES);
  assert_int_equal(out[20 + 4 + 24 + 3], 6);
  assert_int_equal(out[20 + 4 + 24 + 4 + 2], 0x7a);
  assert_int_equal(out[20 + 4 + 24 + 4 + 6], 0); /* padding is zero */
}

static void test_build_request_round_trip(void **state) {
  (void)state;
  for (int variant = 0; variant < 4; variant++) {
    uint8_t tid[12];
    for (int i = 0; i < 12; i++) tid[i] = (uint8_t)(i * 17 + variant);
    stun_request_params p = {
        .tid = tid,
        .username = variant == 3 ? NULL : "abcd:efghi",
        .priority = variant == 2 ? 0 : 0x6e7f00ffu,
        .controlling = variant & 1,
        .tie_breaker = 0x0123456789abcdefull + (uint64_t)variant,
        .use_candidate = variant == 1,
        .key = variant == 2 ? NULL : "remote-password-22chars",
        .key_len = 23,
    };
    uint8_t out[256];
    int n = stun_build_binding_request(out, sizeof out, &p);
    assert_true(n > 0);
    stun_msg m;
    assert_int_equal(stun_parse(out, (size_t)n, &m), STUN_OK);
    assert_int_equal(m.cls, STUN_CLASS_REQUEST);
    assert_int_equal(m.method, STUN_METHOD_BINDING);
    assert_memory_equal(m.tid, tid, 12);
    if (p.username) {
      assert_int_equal(m.username_len, 10);
      assert_memory_equal(m.username, "abcd:efghi", 10);
      /* zero padding after the 10-byte username */
      assert_int_equal(out[20 + 4 + 10], 0);
      assert_int_equal(out[20 + 4 + 11], 0);
    } else {
      assert_null(m.username);
    }
    assert_int_equal(m.has_priority, p.priority != 0);
    if (p.priority) assert_int_equal(m.priority, p.priority);
    assert_int_equal(m.ice_controlling, p.controlling);
    assert_int_equal(m.ice_controlled, !p.controlling);
    assert_true(m.tie_breaker == p.tie_breaker);
    assert_int_equal(m.use_candidate, p.use_candidate);
    assert_true(stun_verify_fingerprint(out, (size_t)n, &m));
    if (p.key)
      assert_true(stun_verify_integrity(out, (size_t)n, &m, p.key, p.key_len));
    else
      assert_int_equal(m.integrity_offset, -1);
  }
}

static void test_build_request_username_too_long(void **state) {
  (void)state;
  char user[600];
  memset(user, 'u', sizeof user - 1);
  user[sizeof user - 1] = 0;
  stun_request_params p = {.tid = rfc_tid, .username = user};
  uint8_t out[1024];
  assert_int_equal(stun_build_binding_request(out, sizeof out, &p), -1);
}

/* Every builder returns -1 for every buffer shorter than its output, and never writes past cap
 * (ASan checks the heap-free stack buffer through the exact-size copy below). */
static void test_builders_every_short_capacity(void **state) {
  (void)state;
  struct sockaddr_storage a6 = addr6("2001:db8::1", 443);
  stun_request_params p = {.tid = rfc_tid,
                           .username = "a:b",
                           .priority = 1,
                           .controlling = true,
                           .tie_breaker = 7,
                           .use_candidate = true,
                           .key = "k",
                           .key_len = 1};
  const uint16_t unk[] = {0x0031};
  uint8_t full[512];
  for (int which = 0; which < 3; which++) {
    int want = which == 0   ? stun_build_binding_success(full, sizeof full, rfc_tid, &a6, "k", 1)
               : which == 1 ? stun_build_binding_error(full, sizeof full, rfc_tid, 420, NULL, unk, 1, "k", 1)
                            : stun_build_binding_request(full, sizeof full, &p);
    assert_true(want > 0);
    for (int cap = 0; cap <= want; cap++) {
      uint8_t *out = test_malloc((size_t)cap + 1); /* +1: malloc(0) may return NULL */
      int n = which == 0   ? stun_build_binding_success(out, (size_t)cap, rfc_tid, &a6, "k", 1)
              : which == 1 ? stun_build_binding_error(out, (size_t)cap, rfc_tid, 420, NULL, unk, 1, "k", 1)
                           : stun_build_binding_request(out, (size_t)cap, &p);
      if (cap < want) {
        assert_int_equal(n, -1);
      } else {
        assert_int_equal(n, want);
        assert_memory_equal(out, full, (size_t)want);
      }
      test_free(out);
    }
  }
}

/* Every prefix of every vector is rejected, and never read past (each prefix is copied into an
 * exactly sized heap block so ASan sees any overread). */
static void test_truncated_every_length(void **state) {
  (void)state;
  const uint8_t *vecs[] = {rfc_request, rfc_response_v4, rfc_response_v6};
  size_t lens[] = {sizeof rfc_request, sizeof rfc_response_v4, sizeof rfc_response_v6};
  for (int v = 0; v < 3; v++) {
    for (size_t n = 0; n <= lens[v]; n++) {
      uint8_t *b = test_malloc(n ? n : 1);
      memcpy(b, vecs[v], n);
      stun_msg m;
      int rc = stun_parse(b, n, &m);
      if (n == lens[v])
        assert_int_equal(rc, STUN_OK);
      else
        assert_true(rc < 0);
      if (n < 20) assert_int_equal(rc, STUN_ERR_SHORT);
      test_free(b);
    }
  }
}

/* The length field shortened to each attribute boundary gives a valid, shorter message; to any
 * other value it is rejected. */
static void test_length_field_shortened(void **state) {
  (void)state;
  uint8_t b[sizeof rfc_request];
  for (size_t body = 0; body < sizeof rfc_request - 20; body += 4) {
    memcpy(b, rfc_request, sizeof b);
    b[2] = (uint8_t)(body >> 8);
    b[3] = (uint8_t)body;
    stun_msg m;
    int rc = stun_parse(b, 20 + body, &m);
    bool boundary = body == 0 || body == 20 || body == 28 || body == 40 || body == 56 || body == 80;
    if (boundary) {
      assert_int_equal(rc, STUN_OK);
      assert_int_equal(m.fingerprint_offset, -1);
    } else {
      assert_int_equal(rc, STUN_ERR_ATTR);
    }
  }
}

static void test_bad_headers(void **state) {
  (void)state;
  uint8_t b[sizeof rfc_request + 8];
  stun_msg m;

  memcpy(b, rfc_request, sizeof rfc_request);
  b[4] ^= 0x01; /* cookie */
  assert_int_equal(stun_parse(b, sizeof rfc_request, &m), STUN_ERR_COOKIE);
  assert_false(stun_is_stun(b, sizeof rfc_request));

  memcpy(b, rfc_request, sizeof rfc_request);
  b[0] |= 0x40; /* top bits */
  assert_int_equal(stun_parse(b, sizeof rfc_request, &m), STUN_ERR_NOT_STUN);

  memcpy(b, rfc_request, sizeof rfc_request);
  b[3] = 0x59; /* not a multiple of 4 */
  assert_int_equal(stun_parse(b, sizeof rfc_request, &m), STUN_ERR_LENGTH);

  memcpy(b, rfc_request, sizeof rfc_request);
  b[3] = 0x5c; /* claims more than the datagram has */
  assert_int_equal(stun_parse(b, sizeof rfc_request, &m), STUN_ERR_LENGTH);

  memcpy(b, rfc_request, sizeof rfc_request);
  b[2] = 0xff;
  b[3] = 0xfc; /* 65532: the largest length, far past the end */
  assert_int_equal(stun_parse(b, sizeof rfc_request, &m), STUN_ERR_LENGTH);

  /* Oversized: trailing bytes after the message the header describes. */
  memcpy(b, rfc_request, sizeof rfc_request);
  memset(b + sizeof rfc_request, 0, 8);
  assert_int_equal(stun_parse(b, sizeof rfc_request + 4, &m), STUN_ERR_LENGTH);
  assert_int_equal(stun_parse(b, sizeof rfc_request + 8, &m), STUN_ERR_LENGTH);
}

static void test_attribute_past_end(void **state) {
  (void)state;
  uint8_t b[sizeof rfc_request];
  stun_msg m;
  /* USERNAME (at offset 60) length 9 -> 0x100, 13 and 0xffff: all run past the end or into
   * the next attribute in a way that makes the walk fall off the end. */
  static const uint16_t bad[] = {0x100, 0xffff, 45, 47};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    memcpy(b, rfc_request, sizeof b);
    b[62] = (uint8_t)(bad[i] >> 8);
    b[63] = (uint8_t)bad[i];
    assert_int_equal(stun_parse(b, sizeof b, &m), STUN_ERR_ATTR);
  }
  /* FINGERPRINT's length claims 8: runs 4 past the end. */
  memcpy(b, rfc_request, sizeof b);
  b[103] = 8;
  assert_int_equal(stun_parse(b, sizeof b, &m), STUN_ERR_ATTR);
}

/* Builds a message from raw attributes: each attr is {type, len, value...}, padded with zeros. */
static size_t make_msg(uint8_t *out, uint16_t type, const uint8_t *attrs, size_t attrs_len) {
  out[0] = (uint8_t)(type >> 8);
  out[1] = (uint8_t)type;
  out[2] = (uint8_t)(attrs_len >> 8);
  out[3] = (uint8_t)attrs_len;
  out[4] = 0x21, out[5] = 0x12, out[6] = 0xa4, out[7] = 0x42;
  memcpy(out + 8, rfc_tid, 12);
  if (attrs_len) memcpy(out + 20, attrs, attrs_len);
  return 20 + attrs_len;
}

static void test_attribute_value_sizes(void **state) {
  (void)state;
  uint8_t b[128];
  stun_msg m;
  static const uint8_t prio3[] = {0x00, 0x24, 0x00, 0x03, 1, 2, 3, 0};
  assert_int_equal(stun_parse(b, make_msg(b, 1, prio3, sizeof prio3), &m), STUN_ERR_ATTR_VALUE);
  static const uint8_t usecand4[] = {0x00, 0x25, 0x00, 0x04, 0, 0, 0, 0};
  assert_int_equal(stun_parse(b, make_msg(b, 1, usecand4, sizeof usecand4), &m), STUN_ERR_ATTR_VALUE);
  static const uint8_t ctl4[] = {0x80, 0x2a, 0x00, 0x04, 0, 0, 0, 0};
  assert_int_equal(stun_parse(b, make_msg(b, 1, ctl4, sizeof ctl4), &m), STUN_ERR_ATTR_VALUE);
  static const uint8_t mi16[20] = {0x00, 0x08, 0x00, 0x10};
  assert_int_equal(stun_parse(b, make_msg(b, 1, mi16, sizeof mi16), &m), STUN_ERR_ATTR_VALUE);
  static const uint8_t fp8[12] = {0x80, 0x28, 0x00, 0x08};
  assert_int_equal(stun_parse(b, make_msg(b, 1, fp8, sizeof fp8), &m), STUN_ERR_ATTR_VALUE);
  static const uint8_t xma_fam3[] = {0x00, 0x20, 0x00, 0x08, 0, 3, 0, 0, 0, 0, 0, 0};
  assert_int_equal(stun_parse(b, make_msg(b, 0x101, xma_fam3, sizeof xma_fam3), &m), STUN_ERR_ATTR_VALUE);
  static const uint8_t xma_v6_short[] = {0x00, 0x20, 0x00, 0x08, 0, 2, 0, 0, 0, 0, 0, 0};
  assert_int_equal(stun_parse(b, make_msg(b, 0x101, xma_v6_short, sizeof xma_v6_short), &m),
                   STUN_ERR_ATTR_VALUE);
  static const uint8_t err_class7[] = {0x00, 0x09, 0x00, 0x04, 0, 0, 7, 0};
  assert_int_equal(stun_parse(b, make_msg(b, 0x111, err_class7, sizeof err_class7), &m), STUN_ERR_ATTR_VALUE);
  static const uint8_t err_num100[] = {0x00, 0x09, 0x00, 0x04, 0, 0, 4, 100};
  assert_int_equal(stun_parse(b, make_msg(b, 0x111, err_num100, sizeof err_num100), &m), STUN_ERR_ATTR_VALUE);
  /* Zero-length attributes are fine, e.g. an empty USERNAME and an empty SOFTWARE. */
  static const uint8_t empties[] = {0x00, 0x06, 0x00, 0x00, 0x80, 0x22, 0x00, 0x00};
  assert_int_equal(stun_parse(b, make_msg(b, 1, empties, sizeof empties), &m), STUN_OK);
  assert_non_null(m.username);
  assert_int_equal(m.username_len, 0);
}

static void test_order_and_duplicates(void **state) {
  (void)state;
  uint8_t b[128];
  stun_msg m;
  /* Anything after FINGERPRINT is an error. */
  static const uint8_t after_fp[] = {0x80, 0x28, 0x00, 0x04, 0, 0, 0, 0, 0x00, 0x25, 0x00, 0x00};
  assert_int_equal(stun_parse(b, make_msg(b, 1, after_fp, sizeof after_fp), &m), STUN_ERR_ORDER);
  static const uint8_t two_fp[] = {0x80, 0x28, 0x00, 0x04, 0, 0, 0, 0, 0x80, 0x28, 0x00, 0x04, 0, 0, 0, 0};
  assert_int_equal(stun_parse(b, make_msg(b, 1, two_fp, sizeof two_fp), &m), STUN_ERR_ORDER);
  /* After MESSAGE-INTEGRITY only FINGERPRINT counts: USE-CANDIDATE there is ignored. */
  uint8_t after_mi[24 + 4 + 8] = {0x00, 0x08, 0x00, 0x14};
  memcpy(after_mi + 24, (const uint8_t[]){0x00, 0x25, 0x00, 0x00}, 4);
  memcpy(after_mi + 28, (const uint8_t[]){0x80, 0x28, 0x00, 0x04, 0, 0, 0, 0}, 8);
  assert_int_equal(stun_parse(b, make_msg(b, 1, after_mi, sizeof after_mi), &m), STUN_OK);
  assert_false(m.use_candidate);
  assert_int_equal(m.integrity_offset, 20);
  assert_int_equal(m.fingerprint_offset, 48);
  /* Duplicates: the first one counts. */
  static const uint8_t dups[] = {0x00, 0x24, 0x00, 0x04, 0,   0, 0, 1, 0x00, 0x24, 0x00, 0x04, 0,   0, 0, 2,
                                 0x00, 0x06, 0x00, 0x01, 'a', 0, 0, 0, 0x00, 0x06, 0x00, 0x01, 'b', 0, 0, 0};
  assert_int_equal(stun_parse(b, make_msg(b, 1, dups, sizeof dups), &m), STUN_OK);
  assert_int_equal(m.priority, 1);
  assert_int_equal(m.username[0], 'a');
}

static void test_unknown_attributes(void **state) {
  (void)state;
  uint8_t b[256];
  stun_msg m;
  /* 0x0031 and 0x7fff are unknown comprehension-required; 0xc057 is optional. */
  static const uint8_t attrs[] = {0x00, 0x31, 0x00, 0x00, 0xc0, 0x57, 0x00, 0x04, 0, 1,
                                  0,    2,    0x7f, 0xff, 0x00, 0x01, 9,    0,    0, 0};
  assert_int_equal(stun_parse(b, make_msg(b, 1, attrs, sizeof attrs), &m), STUN_OK);
  assert_int_equal(m.unknown_count, 2);
  assert_int_equal(m.unknown[0], 0x0031);
  assert_int_equal(m.unknown[1], 0x7fff);
  /* More than STUN_MAX_UNKNOWN are counted but not stored past the array. */
  uint8_t many[4 * 12];
  for (int i = 0; i < 12; i++) {
    many[4 * i] = 0x00;
    many[4 * i + 1] = (uint8_t)(0x40 + i);
    many[4 * i + 2] = many[4 * i + 3] = 0;
  }
  assert_int_equal(stun_parse(b, make_msg(b, 1, many, sizeof many), &m), STUN_OK);
  assert_int_equal(m.unknown_count, 12);
  assert_int_equal(m.unknown[STUN_MAX_UNKNOWN - 1], 0x40 + STUN_MAX_UNKNOWN - 1);
}

/* RFC 5389 7.3.1 / 15.9: an authenticated request carrying unknown comprehension-required
 * attributes (below 0x8000) is answered 420 with UNKNOWN-ATTRIBUTES naming them, and the answer
 * carries MESSAGE-INTEGRITY with the same key (10.1.2) and FINGERPRINT. Unknown
 * comprehension-optional attributes (0x8000 and up) are ignored, as are attributes after
 * MESSAGE-INTEGRITY. The answer names at most STUN_MAX_UNKNOWN of them. */
static void test_420_answer_to_unknown_attributes(void **state) {
  (void)state;
  static const char key[] = "server-password-000123";
  uint8_t attrs[256], req[512], out[512];
  size_t alen = 0;
  uint32_t prio = htonl(0x6e7f00ffu);
  stun_test_attr(attrs, &alen, STUN_ATTR_PRIORITY, &prio, 4);
  stun_test_attr(attrs, &alen, 0x0003, "\0\0\0\x06", 4); /* CHANGE-REQUEST (RFC 5780): not ours */
  stun_test_attr(attrs, &alen, 0xc057, "\0\1\0\2", 4);   /* optional: ignored */
  stun_test_attr(attrs, &alen, 0x7fff, "x", 1);
  size_t n = stun_test_request(req, rfc_tid, "srv1:brw1", attrs, alen, key);
  stun_msg m;
  assert_int_equal(stun_parse(req, n, &m), STUN_OK);
  assert_true(stun_verify_integrity(req, n, &m, key, strlen(key)));
  assert_true(stun_verify_fingerprint(req, n, &m));
  assert_int_equal(m.unknown_count, 2);
  int r = stun_build_binding_error(out, sizeof out, m.tid, 420, NULL, m.unknown, (size_t)m.unknown_count, key,
                                   strlen(key));
  assert_true(r > 0);
  stun_msg e;
  assert_int_equal(stun_parse(out, (size_t)r, &e), STUN_OK);
  assert_int_equal(e.cls, STUN_CLASS_ERROR);
  assert_int_equal(e.method, STUN_METHOD_BINDING);
  assert_memory_equal(e.tid, rfc_tid, STUN_TID_LEN);
  assert_int_equal(e.error_code, 420);
  assert_int_equal(e.error_reason_len, strlen("Unknown Attribute"));
  assert_memory_equal(e.error_reason, "Unknown Attribute", e.error_reason_len);
  assert_non_null(e.unknown_attributes);
  assert_int_equal(e.unknown_attributes_len, 4);
  assert_int_equal(e.unknown_attributes[0] << 8 | e.unknown_attributes[1], 0x0003);
  assert_int_equal(e.unknown_attributes[2] << 8 | e.unknown_attributes[3], 0x7fff);
  assert_true(stun_verify_integrity(out, (size_t)r, &e, key, strlen(key)));
  assert_false(stun_verify_integrity(out, (size_t)r, &e, "other", 5));
  assert_true(stun_verify_fingerprint(out, (size_t)r, &e));
  assert_int_equal(e.unknown_count, 0); /* UNKNOWN-ATTRIBUTES itself is understood */

  /* Only optional unknowns: nothing to refuse. */
  alen = 0;
  stun_test_attr(attrs, &alen, 0xc057, "\0\1\0\2", 4);
  stun_test_attr(attrs, &alen, 0x8123, NULL, 0);
  n = stun_test_request(req, rfc_tid, "srv1:brw1", attrs, alen, key);
  assert_int_equal(stun_parse(req, n, &m), STUN_OK);
  assert_int_equal(m.unknown_count, 0);

  /* Twelve unknowns: the answer names the first STUN_MAX_UNKNOWN and still fits a datagram. */
  alen = 0;
  for (uint16_t t = 0x0040; t < 0x004c; t++) stun_test_attr(attrs, &alen, t, NULL, 0);
  n = stun_test_request(req, rfc_tid, "srv1:brw1", attrs, alen, key);
  assert_int_equal(stun_parse(req, n, &m), STUN_OK);
  assert_int_equal(m.unknown_count, 12);
  r = stun_build_binding_error(out, sizeof out, m.tid, 420, NULL, m.unknown, STUN_MAX_UNKNOWN, key,
                               strlen(key));
  assert_true(r > 0);
  assert_int_equal(stun_parse(out, (size_t)r, &e), STUN_OK);
  assert_int_equal(e.unknown_attributes_len, 2 * STUN_MAX_UNKNOWN);
  for (int i = 0; i < STUN_MAX_UNKNOWN; i++)
    assert_int_equal(e.unknown_attributes[2 * i] << 8 | e.unknown_attributes[2 * i + 1], 0x0040 + i);

  /* An UNKNOWN-ATTRIBUTES of odd length is malformed. */
  uint8_t b[64];
  static const uint8_t odd[] = {0x00, 0x0a, 0x00, 0x03, 0x00, 0x31, 0x00, 0x00};
  assert_int_equal(stun_parse(b, make_msg(b, 0x0111, odd, sizeof odd), &m), STUN_ERR_ATTR_VALUE);
}

static void test_class_method_decoding(void **state) {
  (void)state;
  uint8_t b[20];
  stun_msg m;
  /* 0x0011: Binding indication; 0x0111: Binding error; 0x3fff: all method and class bits. */
  assert_int_equal(stun_parse(b, make_msg(b, 0x0011, NULL, 0), &m), STUN_OK);
  assert_int_equal(m.cls, STUN_CLASS_INDICATION);
  assert_int_equal(m.method, 1);
  assert_int_equal(stun_parse(b, make_msg(b, 0x0111, NULL, 0), &m), STUN_OK);
  assert_int_equal(m.cls, STUN_CLASS_ERROR);
  assert_int_equal(stun_parse(b, make_msg(b, 0x3fff, NULL, 0), &m), STUN_OK);
  assert_int_equal(m.method, 0xfff);
  assert_int_equal(m.cls, STUN_CLASS_ERROR);
  assert_int_equal(stun_parse(b, make_msg(b, 0x3eef, NULL, 0), &m), STUN_OK);
  assert_int_equal(m.method, 0xfff);
  assert_int_equal(m.cls, STUN_CLASS_REQUEST);
  assert_int_equal(stun_parse(b, make_msg(b, 0x0100, NULL, 0), &m), STUN_OK);
  assert_int_equal(m.method, 0);
  assert_int_equal(m.cls, STUN_CLASS_SUCCESS);
}

static void test_is_stun_demux(void **state) {
  (void)state;
  assert_false(stun_is_stun(rfc_request, 0));
  assert_false(stun_is_stun(rfc_request, 19));
  assert_true(stun_is_stun(rfc_request, 20));
  uint8_t b[sizeof rfc_request];
  for (int first = 0; first < 256; first++) {
    memcpy(b, rfc_request, sizeof b);
    b[0] = (uint8_t)first;
    assert_int_equal(stun_is_stun(b, sizeof b), first <= 3);
  }
}

/* Random buffers and random mutations of valid messages: parse and verify must never crash,
 * and whatever parses must satisfy the parser's own invariants. */
static void test_random_garbage(void **state) {
  (void)state;
  rng_state = 0x12345678u;
  uint8_t b[600];
  for (int iter = 0; iter < 200000; iter++) {
    size_t n;
    int mode = iter % 4;
    if (mode == 0) { /* pure noise */
      n = rng() % sizeof b;
      for (size_t i = 0; i < n; i++) b[i] = (uint8_t)rng();
    } else if (mode == 1) { /* valid header, random body of consistent length */
      n = 20 + 4 * (rng() % 40);
      for (size_t i = 0; i < n; i++) b[i] = (uint8_t)rng();
      b[0] &= 0x3f;
      b[2] = (uint8_t)((n - 20) >> 8);
      b[3] = (uint8_t)(n - 20);
      b[4] = 0x21, b[5] = 0x12, b[6] = 0xa4, b[7] = 0x42;
      /* bias attribute lengths small so walks go deep */
      for (size_t i = 22; i + 1 < n; i += 4)
        if (rng() % 2) b[i] = 0, b[i + 1] = (uint8_t)(rng() % 24);
    } else { /* mutate a vector */
      const uint8_t *src = mode == 2 ? rfc_request : rfc_response_v6;
      n = mode == 2 ? sizeof rfc_request : sizeof rfc_response_v6;
      memcpy(b, src, n);
      int flips = 1 + (int)(rng() % 4);
      for (int f = 0; f < flips; f++) b[20 + rng() % (n - 20)] = (uint8_t)rng();
    }
    uint8_t *heap = test_malloc(n ? n : 1);
    memcpy(heap, b, n);
    stun_msg m;
    if (stun_parse(heap, n, &m) == STUN_OK) {
      assert_int_equal(stun_is_stun(heap, n), heap[0] <= 3); /* RFC 7983: 0..3 only */
      assert_int_equal(m.length + 20, n);
      if (m.username) assert_true((const uint8_t *)m.username + m.username_len <= heap + n);
      if (m.integrity_offset >= 0) assert_true((size_t)m.integrity_offset + 24 <= n);
      if (m.fingerprint_offset >= 0) assert_int_equal((size_t)m.fingerprint_offset + 8, n);
      (void)stun_verify_integrity(heap, n, &m, rfc_password, strlen(rfc_password));
      (void)stun_verify_fingerprint(heap, n, &m);
    }
    test_free(heap);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_crc32_check_value),
      cmocka_unit_test(test_rfc5769_request),
      cmocka_unit_test(test_rfc5769_response_v4),
      cmocka_unit_test(test_rfc5769_response_v6),
      cmocka_unit_test(test_rfc5769_every_bit_flip_detected),
      cmocka_unit_test(test_build_success_v4_matches_rfc_attribute),
      cmocka_unit_test(test_build_success_v6),
      cmocka_unit_test(test_build_success_without_key),
      cmocka_unit_test(test_build_success_bad_family),
      cmocka_unit_test(test_build_error_codes),
      cmocka_unit_test(test_build_error_420_unknown),
      cmocka_unit_test(test_build_request_round_trip),
      cmocka_unit_test(test_build_request_username_too_long),
      cmocka_unit_test(test_builders_every_short_capacity),
      cmocka_unit_test(test_truncated_every_length),
      cmocka_unit_test(test_length_field_shortened),
      cmocka_unit_test(test_bad_headers),
      cmocka_unit_test(test_attribute_past_end),
      cmocka_unit_test(test_attribute_value_sizes),
      cmocka_unit_test(test_order_and_duplicates),
      cmocka_unit_test(test_unknown_attributes),
      cmocka_unit_test(test_420_answer_to_unknown_attributes),
      cmocka_unit_test(test_class_method_decoding),
      cmocka_unit_test(test_is_stun_demux),
      cmocka_unit_test(test_random_garbage),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
