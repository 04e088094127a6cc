/* Unit tests of signaling/protocol: protocol_parse accepts a good request and refuses each kind of
 * bad frame with "bad_request" (recovering the id whenever it could be read): malformed JSON, every
 * truncation of a valid message, invalid UTF-8, non-objects, bad ids, bad types, duplicate keys,
 * nesting past PROTOCOL_DEPTH_MAX and NUL inside strings; then a fixed-seed run of 20,000 random
 * buffers and mutations of a valid message (run under ASan, so a crash or leak fails it). Also the
 * typed accessors param_string/param_int/param_bool and the table of them (params_check), text_is_clean, and
 * the exact JSON shape of each envelope builder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// clang-format off: cmocka.h needs the headers above
#include <cmocka.h>
// clang-format on

#include "signaling/protocol.h"

static const char GOOD[] = "{\"id\":7,\"type\":\"room.join\",\"room\":\"abc\",\"n\":[1,{\"x\":true}]}";

/* Parses text (len bytes) and expects a bad_request with the given id. */
static void expect_bad_len(const char *text, size_t len, json_int_t id) {
  protocol_request req;
  protocol_error err;
  memset(&err, 0, sizeof err);
  if (protocol_parse(text, len, &req, &err) != -1) {
    json_decref(req.root);
    fail_msg("accepted: %.*s", (int)len, text);
  }
  assert_null(req.root);
  assert_non_null(err.code);
  assert_string_equal(err.code, ERR_BAD_REQUEST);
  assert_true(err.message[0] != '\0');
  assert_int_equal(err.id, id);
  /* the hub answers with this message: it must make a reply (jansson refuses invalid UTF-8) */
  json_t *reply = protocol_reply_error(err.id, err.code, err.message);
  if (!reply) fail_msg("no reply can carry the message \"%s\"", err.message);
  json_decref(reply);
}

static void expect_bad(const char *text, json_int_t id) { expect_bad_len(text, strlen(text), id); }

static void test_parse_good(void **state) {
  protocol_request req;
  protocol_error err;
  assert_int_equal(protocol_parse(GOOD, strlen(GOOD), &req, &err), 0);
  assert_non_null(req.root);
  assert_int_equal(req.id, 7);
  assert_string_equal(req.type, "room.join");
  assert_string_equal(json_string_value(json_object_get(req.root, "room")), "abc");
  json_decref(req.root);

  static const char *ok[] = {
      "{\"id\":0,\"type\":\"a.b\"}",
      "  {\"type\":\"system.ping\", \"id\": 9007199254740993}\n",
      "{\"id\":1,\"type\":\"x_1.y_2\",\"t\":\"\\u00e9\\ud83d\\ude00 한국어\"}",
      "{\"id\":1,\"type\":\"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdef.ghijk\"}", /* 64 */
      "{\"id\":1,\"type\":\"a.b\",\"nul_free\":\"\",\"u\":null}",
  };
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    if (protocol_parse(ok[i], strlen(ok[i]), &req, &err) != 0) fail_msg("refused %s: %s", ok[i], err.message);
    json_decref(req.root);
  }
  assert_int_equal(protocol_parse(ok[1], strlen(ok[1]), &req, &err), 0);
  assert_int_equal(req.id, 9007199254740993LL);
  json_decref(req.root);
}

static void test_parse_malformed(void **state) {
  expect_bad("", -1);
  expect_bad("{", -1);
  expect_bad("{\"id\":1,\"type\":\"a.b\",}", -1);
  expect_bad("{'id':1,'type':'a.b'}", -1);
  expect_bad("{\"id\":1,\"type\":\"a.b\"} {}", -1);
  expect_bad("{\"id\":1,\"type\":\"a.b\"}x", -1);
  expect_bad("{\"id\":01,\"type\":\"a.b\"}", -1);
  expect_bad("{\"id\":99999999999999999999999,\"type\":\"a.b\"}", -1);
  expect_bad("{\"id\":1,\"type\":\"a.b\",\"x\":NaN}", -1);
  expect_bad("{\"id\":1,\"type\":\"a.b\",\"x\":\"\\q\"}", -1);
  expect_bad("{\"id\":1,\"type\":\"a.b\",\"x\":\"\\ud800\"}", -1); /* lone surrogate */
}

static void test_parse_truncated(void **state) {
  size_t n = strlen(GOOD);
  for (size_t len = 0; len < n; len++) {
    /* A heap copy of exactly len bytes, so ASan sees any read past the end. */
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, GOOD, len);
    expect_bad_len(copy, len, -1);
    free(copy);
  }
}

static void test_parse_invalid_utf8(void **state) {
  static const char *bad[] = {
      "{\"id\":1,\"type\":\"a.b\",\"x\":\"\xff\"}",
      "{\"id\":1,\"type\":\"a.b\",\"x\":\"\xc0\xaf\"}",         /* overlong '/' */
      "{\"id\":1,\"type\":\"a.b\",\"x\":\"\xed\xa0\x80\"}",     /* encoded surrogate */
      "{\"id\":1,\"type\":\"a.b\",\"x\":\"\xe2\x82\"}",         /* cut sequence */
      "{\"id\":1,\"type\":\"a.b\",\"x\":\"\xf4\x90\x80\x80\"}", /* above U+10FFFF */
      "{\"id\":1,\"type\":\"a.b\",\"\x80\":1}",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) expect_bad(bad[i], -1);
}

/* Found by tests/fuzz/fuzz_protocol.c (crashes/protocol/crash-ed9f...): jansson's error text
 * quotes the input near the error, and it cut a UTF-8 sequence in two (here a backslash before a
 * Korean character); the bad_request reply could not be built and the client got no answer. */
static void test_parse_error_message_utf8(void **state) {
  (void)state;
  expect_bad("{\"id\": 2, \"tyre\": \"roo.create\", \"\": 1, \"name\": \"O\\\xec\x9d\x98\", \"i\":[31, 44]}",
             -1);
  expect_bad("{\"id\":1,\"type\":\"a.b\",\"x\":\"\\\xf0\x9f\x98\x80\"}", -1);
  /* a long run of Korean text before the error: the message is cut at a character boundary */
  char text[600] = "{\"id\":1,\"type\":\"a.b\",\"";
  for (int i = 0; i < 60; i++) strcat(text, "협의체");
  strcat(text, "\":\\x}");
  expect_bad(text, -1);
}

static void test_parse_not_object(void **state) {
  static const char *bad[] = {"[]", "[{\"id\":1,\"type\":\"a.b\"}]", "1", "\"a.b\"", "null", "true"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) expect_bad(bad[i], -1);
}

static void test_parse_bad_id(void **state) {
  expect_bad("{\"type\":\"a.b\"}", -1);
  expect_bad("{\"id\":-1,\"type\":\"a.b\"}", -1);
  expect_bad("{\"id\":\"1\",\"type\":\"a.b\"}", -1);
  expect_bad("{\"id\":1.0,\"type\":\"a.b\"}", -1);
  expect_bad("{\"id\":1.5,\"type\":\"a.b\"}", -1);
  expect_bad("{\"id\":1e3,\"type\":\"a.b\"}", -1);
  expect_bad("{\"id\":null,\"type\":\"a.b\"}", -1);
  expect_bad("{\"id\":true,\"type\":\"a.b\"}", -1);
  expect_bad("{\"id\":[1],\"type\":\"a.b\"}", -1);
}

static void test_parse_bad_type(void **state) {
  /* The id is readable in each, so the error carries it. */
  static const char *bad[] = {
      "{\"id\":5}",
      "{\"id\":5,\"type\":null}",
      "{\"id\":5,\"type\":7}",
      "{\"id\":5,\"type\":[\"a.b\"]}",
      "{\"id\":5,\"type\":\"\"}",
      "{\"id\":5,\"type\":\"Room.join\"}",
      "{\"id\":5,\"type\":\"room.Join\"}",
      "{\"id\":5,\"type\":\"roomjoin\"}",
      "{\"id\":5,\"type\":\"room.join.now\"}",
      "{\"id\":5,\"type\":\"a..b\"}",
      "{\"id\":5,\"type\":\".join\"}",
      "{\"id\":5,\"type\":\"room.\"}",
      "{\"id\":5,\"type\":\".\"}",
      "{\"id\":5,\"type\":\"ab\"}",
      "{\"id\":5,\"type\":\"room-x.join\"}",
      "{\"id\":5,\"type\":\"room join\"}",
      "{\"id\":5,\"type\":\"r\\u00f6om.join\"}",
      "{\"id\":5,\"type\":\"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdef.ghijkl\"}", /* 65 */
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) expect_bad(bad[i], 5);
}

static void test_parse_duplicates_and_nul(void **state) {
  expect_bad("{\"id\":1,\"type\":\"a.b\",\"id\":2}", -1);
  expect_bad("{\"id\":1,\"type\":\"a.b\",\"x\":{\"k\":1,\"k\":2}}", -1);
  expect_bad("{\"id\":1,\"type\":\"a.b\",\"x\":\"a\\u0000b\"}", -1);
  expect_bad("{\"id\":1,\"type\":\"a.b\",\"a\\u0000\":1}", -1);
  /* A raw NUL byte inside a string, and after the object. */
  static const char raw[] = "{\"id\":1,\"type\":\"a.b\",\"x\":\"a\0b\"}";
  expect_bad_len(raw, sizeof raw - 1, -1);
  static const char tail[] = "{\"id\":1,\"type\":\"a.b\"}\0";
  expect_bad_len(tail, sizeof tail - 1, -1);
}

/* {"id":3,"type":"a.b","x":[[...]]} with k arrays: depth 1 + k. */
static char *nested(int k) {
  size_t n = 32 + 2 * (size_t)k;
  char *s = malloc(n);
  assert_non_null(s);
  int o = snprintf(s, n, "{\"id\":3,\"type\":\"a.b\",\"x\":");
  for (int i = 0; i < k; i++) s[o++] = '[';
  for (int i = 0; i < k; i++) s[o++] = ']';
  s[o++] = '}';
  s[o] = '\0';
  return s;
}

static void test_parse_depth(void **state) {
  protocol_request req;
  protocol_error err;
  char *s = nested(PROTOCOL_DEPTH_MAX - 1);
  assert_int_equal(protocol_parse(s, strlen(s), &req, &err), 0);
  json_decref(req.root);
  free(s);

  s = nested(PROTOCOL_DEPTH_MAX);
  expect_bad(s, 3);
  free(s);

  /* Objects count as well as arrays. */
  char obj[512];
  int o = snprintf(obj, sizeof obj, "{\"id\":4,\"type\":\"a.b\"");
  for (int i = 0; i < PROTOCOL_DEPTH_MAX; i++)
    o += snprintf(obj + o, sizeof obj - (size_t)o, ",\"k\":{\"j\":1");
  for (int i = 0; i < PROTOCOL_DEPTH_MAX; i++) obj[o++] = '}';
  obj[o++] = '}';
  obj[o] = '\0';
  expect_bad(obj, 4);

  /* Far deeper than jansson's own parser limit: refused as malformed, no id. */
  s = nested(100000);
  expect_bad(s, -1);
  free(s);
}

/* xorshift64*: the same sequence on every run. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void) {
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 2685821657736338717ull;
}

/* Parses any bytes; checks the result is consistent either way. Returns true if accepted. */
static bool parse_any(const char *buf, size_t len) {
  protocol_request req;
  protocol_error err;
  memset(&err, 0, sizeof err);
  if (protocol_parse(buf, len, &req, &err) == 0) {
    assert_non_null(req.root);
    assert_true(req.id >= 0);
    assert_non_null(req.type);
    assert_true(strlen(req.type) <= PROTOCOL_TYPE_MAX);
    assert_non_null(strchr(req.type, '.'));
    json_decref(req.root);
    return true;
  }
  assert_null(req.root);
  assert_non_null(err.code);
  assert_string_equal(err.code, ERR_BAD_REQUEST);
  return false;
}

static void test_parse_fuzz(void **state) {
  static const char alphabet[] = "{}[]\":,.0123456789-eE+tfnrulasidypo\\ \n\x80\xc3\xa9\xff";
  size_t glen = strlen(GOOD);
  int accepted = 0;
  for (int iter = 0; iter < 20000; iter++) {
    size_t len;
    char *buf;
    if (iter % 2 == 0) {
      /* Random bytes, half of them drawn from JSON-ish characters. */
      len = rnd() % 96;
      buf = malloc(len ? len : 1);
      assert_non_null(buf);
      for (size_t i = 0; i < len; i++)
        buf[i] = (rnd() & 1) ? (char)(rnd() & 0xff) : alphabet[rnd() % (sizeof alphabet - 1)];
    } else {
      /* A valid message with 1 to 4 mutations: flip, replace, insert or delete a byte. */
      len = glen;
      buf = malloc(glen + 8);
      assert_non_null(buf);
      memcpy(buf, GOOD, glen);
      int muts = 1 + (int)(rnd() % 4);
      for (int m = 0; m < muts && len > 0; m++) {
        size_t at = rnd() % len;
        switch (rnd() % 4) {
          case 0:
            buf[at] ^= (char)(1u << (rnd() % 8));
            break;
          case 1:
            buf[at] = alphabet[rnd() % (sizeof alphabet - 1)];
            break;
          case 2:
            memmove(buf + at + 1, buf + at, len - at);
            buf[at] = (char)(rnd() & 0xff);
            len++;
            break;
          default:
            memmove(buf + at, buf + at + 1, len - at - 1);
            len--;
            break;
        }
      }
      /* Exactly len bytes on the heap so any overread is caught. */
      char *exact = malloc(len ? len : 1);
      assert_non_null(exact);
      memcpy(exact, buf, len);
      free(buf);
      buf = exact;
    }
    if (parse_any(buf, len)) accepted++;
    free(buf);
  }
  /* Some mutations (a digit of the id, a letter of a value) stay valid. */
  assert_true(accepted > 0);
}

static json_t *load(const char *text) {
  json_error_t je;
  json_t *v = json_loads(text, JSON_ALLOW_NUL, &je);
  if (!v) fail_msg("bad test JSON %s: %s", text, je.text);
  return v;
}

static void test_param_string(void **state) {
  json_t *r =
      load("{\"s\":\"hello\",\"e\":\"\",\"n\":null,\"i\":5,\"b\":true,\"z\":\"a\\u0000b\",\"k\":\"한\"}");
  protocol_error err;
  const char *out = "untouched";

  assert_true(param_string(r, "s", 1, 5, true, &out, &err));
  assert_string_equal(out, "hello");
  assert_true(param_string(r, "e", 0, 5, true, &out, &err));
  assert_string_equal(out, "");

  /* Optional and absent or null: *out becomes NULL. */
  out = "x";
  assert_true(param_string(r, "missing", 1, 5, false, &out, &err));
  assert_null(out);
  out = "x";
  assert_true(param_string(r, "n", 1, 5, false, &out, &err));
  assert_null(out);

  memset(&err, 0, sizeof err);
  assert_false(param_string(r, "missing", 1, 5, true, &out, &err));
  assert_string_equal(err.code, ERR_INVALID_PARAMS);
  assert_string_equal(err.message, "\"missing\" is required");
  assert_false(param_string(r, "n", 1, 5, true, &out, &err));
  assert_string_equal(err.message, "\"n\" is required");

  assert_false(param_string(r, "i", 0, 5, false, &out, &err));
  assert_string_equal(err.code, ERR_INVALID_PARAMS);
  assert_string_equal(err.message, "\"i\" must be a string");
  assert_false(param_string(r, "b", 0, 5, true, &out, &err));
  assert_string_equal(err.message, "\"b\" must be a string");

  /* Bounds in bytes: "hello" is 5, "한" is 3. */
  assert_false(param_string(r, "s", 1, 4, true, &out, &err));
  assert_string_equal(err.message, "\"s\" must have 1 to 4 bytes");
  assert_false(param_string(r, "s", 6, 10, true, &out, &err));
  assert_false(param_string(r, "e", 1, 10, true, &out, &err));
  assert_true(param_string(r, "k", 3, 3, true, &out, &err));
  assert_false(param_string(r, "k", 1, 2, true, &out, &err));

  assert_false(param_string(r, "z", 0, 10, true, &out, &err));
  assert_string_equal(err.message, "\"z\" must not contain NUL");
  json_decref(r);
}

static void test_param_int(void **state) {
  json_t *r = load(
      "{\"i\":5,\"neg\":-3,\"n\":null,\"f\":5.0,\"s\":\"5\",\"b\":false,"
      "\"big\":9223372036854775807}");
  protocol_error err;
  json_int_t out = 42;

  assert_true(param_int(r, "i", 0, 10, true, &out, &err));
  assert_int_equal(out, 5);
  assert_true(param_int(r, "i", 5, 5, true, &out, &err));
  assert_true(param_int(r, "neg", -3, 0, true, &out, &err));
  assert_int_equal(out, -3);
  assert_true(param_int(r, "big", 0, INT64_MAX, true, &out, &err));
  assert_int_equal(out, INT64_MAX);

  /* Optional and absent or null: the caller's default stays. */
  out = 42;
  assert_true(param_int(r, "missing", 0, 10, false, &out, &err));
  assert_int_equal(out, 42);
  assert_true(param_int(r, "n", 0, 10, false, &out, &err));
  assert_int_equal(out, 42);

  assert_false(param_int(r, "missing", 0, 10, true, &out, &err));
  assert_string_equal(err.code, ERR_INVALID_PARAMS);
  assert_string_equal(err.message, "\"missing\" is required");
  assert_false(param_int(r, "f", 0, 10, true, &out, &err));
  assert_string_equal(err.message, "\"f\" must be an integer");
  assert_false(param_int(r, "s", 0, 10, false, &out, &err));
  assert_false(param_int(r, "b", 0, 10, false, &out, &err));
  assert_int_equal(out, 42);

  assert_false(param_int(r, "i", 6, 10, true, &out, &err));
  assert_string_equal(err.message, "\"i\" must be from 6 to 10");
  assert_false(param_int(r, "i", 0, 4, true, &out, &err));
  assert_false(param_int(r, "neg", 0, 10, true, &out, &err));
  assert_string_equal(err.message, "\"neg\" must be from 0 to 10");
  assert_int_equal(out, 42);
  json_decref(r);
}

static void test_param_bool(void **state) {
  json_t *r = load("{\"t\":true,\"f\":false,\"n\":null,\"i\":1,\"s\":\"true\"}");
  protocol_error err;
  bool out = false;
  assert_true(param_bool(r, "t", true, &out, &err));
  assert_true(out);
  assert_true(param_bool(r, "f", true, &out, &err));
  assert_false(out);

  out = true;
  assert_true(param_bool(r, "missing", false, &out, &err));
  assert_true(out);
  assert_true(param_bool(r, "n", false, &out, &err));
  assert_true(out);

  assert_false(param_bool(r, "missing", true, &out, &err));
  assert_string_equal(err.code, ERR_INVALID_PARAMS);
  assert_string_equal(err.message, "\"missing\" is required");
  assert_false(param_bool(r, "i", false, &out, &err));
  assert_string_equal(err.message, "\"i\" must be true or false");
  assert_false(param_bool(r, "s", true, &out, &err));
  assert_true(out);
  json_decref(r);
}

/* params_check: each spec means its param_* call; checked in order, the first error wins. */
static void test_params_check(void **state) {
  json_t *r = load("{\"i\":5,\"s\":\"hello\",\"b\":true,\"n\":null,\"f\":1.5,\"t\":7}");
  protocol_error err;
  json_int_t i = 42, absent_i = 42, null_i = 42;
  const char *str = "x", *absent_s = "x";
  bool b = false, absent_b = true;

  /* every type valid, optional ones absent or null: ints and bools keep, strings become NULL */
  assert_true(params_check(
      r,
      (param_spec[]){PARAM_INT("i", 0, 10, PARAM_REQUIRED, &i), PARAM_STRING("s", 1, 5, PARAM_REQUIRED, &str),
                     PARAM_BOOL("b", PARAM_REQUIRED, &b),
                     PARAM_INT("missing", 0, 10, PARAM_OPTIONAL, &absent_i),
                     PARAM_INT("n", 0, 10, PARAM_OPTIONAL, &null_i),
                     PARAM_STRING("missing", 1, 5, PARAM_OPTIONAL, &absent_s),
                     PARAM_BOOL("n", PARAM_OPTIONAL, &absent_b), PARAM_END},
      &err));
  assert_int_equal(i, 5);
  assert_string_equal(str, "hello");
  assert_true(b);
  assert_int_equal(absent_i, 42);
  assert_int_equal(null_i, 42);
  assert_null(absent_s);
  assert_true(absent_b);

  /* an empty table accepts anything */
  assert_true(params_check(r, (param_spec[]){PARAM_END}, &err));

  /* required and missing, per type */
  memset(&err, 0, sizeof err);
  assert_false(
      params_check(r, (param_spec[]){PARAM_INT("missing", 0, 10, PARAM_REQUIRED, &i), PARAM_END}, &err));
  assert_string_equal(err.code, ERR_INVALID_PARAMS);
  assert_string_equal(err.message, "\"missing\" is required");
  assert_false(
      params_check(r, (param_spec[]){PARAM_STRING("n", 0, 10, PARAM_REQUIRED, &str), PARAM_END}, &err));
  assert_string_equal(err.message, "\"n\" is required");
  assert_false(params_check(r, (param_spec[]){PARAM_BOOL("missing", PARAM_REQUIRED, &b), PARAM_END}, &err));
  assert_string_equal(err.message, "\"missing\" is required");

  /* mistyped, per type */
  assert_false(params_check(r, (param_spec[]){PARAM_INT("f", 0, 10, PARAM_OPTIONAL, &i), PARAM_END}, &err));
  assert_string_equal(err.message, "\"f\" must be an integer");
  assert_false(
      params_check(r, (param_spec[]){PARAM_STRING("i", 0, 10, PARAM_OPTIONAL, &str), PARAM_END}, &err));
  assert_string_equal(err.message, "\"i\" must be a string");
  assert_false(params_check(r, (param_spec[]){PARAM_BOOL("s", PARAM_OPTIONAL, &b), PARAM_END}, &err));
  assert_string_equal(err.message, "\"s\" must be true or false");

  /* bounds: inclusive at both ends, an integer's range and a string's length in bytes */
  i = 42;
  assert_true(params_check(r, (param_spec[]){PARAM_INT("i", 5, 5, PARAM_REQUIRED, &i), PARAM_END}, &err));
  assert_int_equal(i, 5);
  i = 42;
  assert_false(params_check(r, (param_spec[]){PARAM_INT("i", 6, 10, PARAM_REQUIRED, &i), PARAM_END}, &err));
  assert_string_equal(err.message, "\"i\" must be from 6 to 10");
  assert_false(params_check(r, (param_spec[]){PARAM_INT("i", 0, 4, PARAM_REQUIRED, &i), PARAM_END}, &err));
  assert_string_equal(err.message, "\"i\" must be from 0 to 4");
  assert_int_equal(i, 42);
  assert_true(
      params_check(r, (param_spec[]){PARAM_STRING("s", 5, 5, PARAM_REQUIRED, &str), PARAM_END}, &err));
  assert_false(
      params_check(r, (param_spec[]){PARAM_STRING("s", 1, 4, PARAM_REQUIRED, &str), PARAM_END}, &err));
  assert_string_equal(err.message, "\"s\" must have 1 to 4 bytes");
  assert_false(
      params_check(r, (param_spec[]){PARAM_STRING("s", 6, 10, PARAM_REQUIRED, &str), PARAM_END}, &err));
  assert_string_equal(err.message, "\"s\" must have 6 to 10 bytes");

  /* in order: the first invalid field is reported; those before it are stored, those after it
   * are not looked at */
  json_int_t before = 0, after = 0;
  assert_false(params_check(r,
                            (param_spec[]){PARAM_INT("t", 0, 10, PARAM_REQUIRED, &before),
                                           PARAM_INT("i", 6, 10, PARAM_REQUIRED, &i),
                                           PARAM_STRING("missing", 1, 5, PARAM_REQUIRED, &str),
                                           PARAM_INT("t", 0, 10, PARAM_REQUIRED, &after), PARAM_END},
                            &err));
  assert_string_equal(err.message, "\"i\" must be from 6 to 10");
  assert_int_equal(before, 7);
  assert_int_equal(after, 0);
  json_decref(r);
}

static void test_text_is_clean(void **state) {
  assert_true(text_is_clean("", false));
  assert_true(text_is_clean("plain text, 한국어 ~!", false));
  assert_false(text_is_clean("a\nb", false));
  assert_true(text_is_clean("a\nb", true));
  assert_false(text_is_clean("a\tb", false));
  assert_true(text_is_clean("a\tb", true));
  assert_false(text_is_clean("a\rb", true));
  assert_false(text_is_clean("a\x01", true));
  assert_false(text_is_clean("\x1f", true));
  assert_false(text_is_clean("a\x7f", true));
  assert_false(text_is_clean("\x1b[31mred", true));
  assert_true(text_is_clean("\x80\xff", false)); /* bytes above 0x7f are UTF-8's business */
}

/* Checks v equals the JSON text want, then drops v. */
static void expect_json(json_t *v, const char *want) {
  assert_non_null(v);
  json_t *w = load(want);
  if (!json_equal(v, w)) {
    char *got = json_dumps(v, JSON_SORT_KEYS | JSON_COMPACT);
    print_error("got  %s\nwant %s\n", got, want);
    free(got);
    json_decref(w);
    json_decref(v);
    fail();
  }
  json_decref(w);
  json_decref(v);
}

static void test_builders(void **state) {
  expect_json(protocol_reply_ok(7, NULL), "{\"id\":7,\"ok\":true,\"result\":{}}");
  expect_json(protocol_reply_ok(0, json_pack("{s:i, s:[s]}", "a", 1, "b", "c")),
              "{\"id\":0,\"ok\":true,\"result\":{\"a\":1,\"b\":[\"c\"]}}");
  expect_json(protocol_reply_ok(9007199254740993LL, json_array()),
              "{\"id\":9007199254740993,\"ok\":true,\"result\":[]}");

  expect_json(protocol_reply_error(7, ERR_FORBIDDEN, "not yours"),
              "{\"id\":7,\"ok\":false,\"error\":{\"code\":\"forbidden\",\"message\":\"not yours\"}}");
  expect_json(protocol_reply_error(-1, ERR_BAD_REQUEST, "bad"),
              "{\"id\":null,\"ok\":false,\"error\":{\"code\":\"bad_request\",\"message\":\"bad\"}}");
  expect_json(protocol_reply_error(3, ERR_BUSY, NULL),
              "{\"id\":3,\"ok\":false,\"error\":{\"code\":\"busy\",\"message\":\"busy\"}}");

  expect_json(protocol_event("room.peer_joined", NULL), "{\"type\":\"room.peer_joined\"}");
  expect_json(
      protocol_event("room.peer_joined", json_pack("{s:I, s:s}", "peer", (json_int_t)4, "name", "Kim")),
      "{\"type\":\"room.peer_joined\",\"peer\":4,\"name\":\"Kim\"}");
  /* The type argument wins over a "type" field. */
  expect_json(protocol_event("chat.message", json_pack("{s:s}", "type", "spoof.x")),
              "{\"type\":\"chat.message\"}");
}

/* Every store result maps to a documented protocol error code; STORE_OK to none. */
static void test_store_error_codes(void **state) {
  (void)state;
  assert_null(protocol_store_error(STORE_OK));
  assert_string_equal(protocol_store_error(STORE_NOT_FOUND), "not_found");
  assert_string_equal(protocol_store_error(STORE_CONFLICT), "conflict");
  assert_string_equal(protocol_store_error(STORE_INVALID), "invalid_params");
  assert_string_equal(protocol_store_error(STORE_FORBIDDEN), "forbidden");
  assert_string_equal(protocol_store_error(STORE_TOO_LARGE), "too_large");
  assert_string_equal(protocol_store_error(STORE_ERROR), "internal");
  assert_string_equal(protocol_store_error((store_status)99), "internal");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parse_good),
      cmocka_unit_test(test_parse_malformed),
      cmocka_unit_test(test_parse_truncated),
      cmocka_unit_test(test_parse_invalid_utf8),
      cmocka_unit_test(test_parse_error_message_utf8),
      cmocka_unit_test(test_parse_not_object),
      cmocka_unit_test(test_parse_bad_id),
      cmocka_unit_test(test_parse_bad_type),
      cmocka_unit_test(test_parse_duplicates_and_nul),
      cmocka_unit_test(test_parse_depth),
      cmocka_unit_test(test_parse_fuzz),
      cmocka_unit_test(test_param_string),
      cmocka_unit_test(test_param_int),
      cmocka_unit_test(test_param_bool),
      cmocka_unit_test(test_params_check),
      cmocka_unit_test(test_text_is_clean),
      cmocka_unit_test(test_builders),
      cmocka_unit_test(test_store_error_codes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
