/* Unit tests of signaling/mail_message (the RFC 5322 composer) and signaling/signup_mail (the
 * sign-up confirmation mail): every line ends in CRLF and has at most 78 characters; a Korean
 * subject becomes RFC 2047 encoded-words of at most 75 characters that decode back to it, each
 * word whole UTF-8 (no character split between words); the body travels in base64 and decodes to
 * the text with CRLF line ends; nothing a user typed can add a header (addresses with CR, LF,
 * commas or angle brackets are refused, a subject or display name with CRLF is encoded); invalid
 * UTF-8 is refused; and the confirmation mail carries the link, both languages and the expiry. */
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

#include <openssl/evp.h>

#include "gateway/config.h"
#include "gateway/hub_options.h"
#include "signaling/mail_message.h"
#include "signaling/signup_mail.h"

#define NOW INT64_C(1796000000) /* 2026-11-30 00:53:20 UTC */

static mail_fields fields(void) {
  mail_fields m = {.from = "noreply@moa.example",
                   .from_name = "모아 Moa",
                   .to = "ceo@hanbit.example",
                   .subject = "[모아] 기업 회원 가입을 확인해 주세요 · Confirm your company sign-up",
                   .body = "안녕하세요.\n\nHello.\n.leading dot\n",
                   .date = NOW,
                   .message_id = "signup-1-abc"};
  return m;
}

/* Decodes base64 text (n characters, a multiple of 4) into out; returns the length. */
static size_t b64_decode(const char *in, size_t n, char *out) {
  int k = EVP_DecodeBlock((unsigned char *)out, (const unsigned char *)in, (int)n);
  assert_true(k >= 0);
  size_t len = (size_t)k;
  if (n >= 1 && in[n - 1] == '=') len--;
  if (n >= 2 && in[n - 2] == '=') len--;
  out[len] = '\0';
  return len;
}

static bool utf8_whole(const char *s, size_t n) {
  for (size_t i = 0; i < n;) {
    unsigned char c = (unsigned char)s[i];
    size_t l = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    if (!l || i + l > n) return false;
    for (size_t j = 1; j < l; j++)
      if (((unsigned char)s[i + j] & 0xC0) != 0x80) return false;
    i += l;
  }
  return true;
}

/* Every line of msg ends in CRLF (no bare CR or LF) and has at most 78 characters in the header. */
static void assert_lines(const char *msg, size_t len) {
  const char *hdr_end = strstr(msg, "\r\n\r\n");
  assert_non_null(hdr_end);
  size_t col = 0;
  for (size_t i = 0; i < len; i++) {
    if (msg[i] == '\r') {
      assert_true(i + 1 < len && msg[i + 1] == '\n');
      if (msg + i < hdr_end) assert_true(col <= 78);
      col = 0;
      i++;
    } else {
      assert_true(msg[i] != '\n');
      col++;
    }
  }
  assert_int_equal(col, 0); /* ends with CRLF */
}

/* The value of header name (unfolded, not decoded) into out. */
static void header(const char *msg, const char *name, char *out, size_t outlen) {
  char key[64];
  snprintf(key, sizeof key, "\r\n%s: ", name);
  const char *p = strncmp(msg, key + 2, strlen(key) - 2) == 0 ? msg + strlen(key) - 2 : strstr(msg, key);
  assert_non_null(p);
  if (p != msg + strlen(key) - 2) p += strlen(key);
  size_t o = 0;
  while (*p && o + 1 < outlen) {
    if (p[0] == '\r' && p[1] == '\n') {
      if (p[2] != ' ' && p[2] != '\t') break;
      p += 2; /* unfold: CRLF before white space */
      continue;
    }
    out[o++] = *p++;
  }
  out[o] = '\0';
}

/* Decodes the encoded-words of value (as a reader does, dropping the space between two words),
 * checking each word's length and that each holds whole UTF-8 characters. */
static void decode_words(const char *value, char *out, size_t outlen) {
  size_t o = 0;
  const char *p = value;
  while (*p) {
    if (*p == ' ') {
      p++;
      continue;
    }
    assert_memory_equal(p, "=?UTF-8?B?", 10);
    const char *end = strstr(p + 10, "?=");
    assert_non_null(end);
    assert_true(end + 2 - p <= 75);
    char dec[128];
    size_t n = b64_decode(p + 10, (size_t)(end - p - 10), dec);
    assert_true(utf8_whole(dec, n));
    assert_true(o + n < outlen);
    memcpy(out + o, dec, n);
    o += n;
    p = end + 2;
  }
  out[o] = '\0';
}

static void test_headers_and_subject(void **state) {
  (void)state;
  mail_fields m = fields();
  size_t len = 0;
  char *msg = mail_compose(&m, &len);
  assert_non_null(msg);
  assert_int_equal(strlen(msg), len);
  assert_lines(msg, len);
  assert_memory_equal(msg, "Date: Mon, 30 Nov 2026 00:53:20 +0000\r\n", 39);
  char v[1024], dec[1024];
  header(msg, "Subject", v, sizeof v);
  assert_non_null(strchr(v, ' ')); /* long enough to be folded over lines */
  decode_words(v, dec, sizeof dec);
  assert_string_equal(dec, m.subject);
  header(msg, "From", v, sizeof v);
  char *angle = strstr(v, " <noreply@moa.example>");
  assert_non_null(angle);
  *angle = '\0';
  decode_words(v, dec, sizeof dec);
  assert_string_equal(dec, "모아 Moa");
  header(msg, "To", v, sizeof v);
  assert_string_equal(v, "ceo@hanbit.example");
  header(msg, "Message-ID", v, sizeof v);
  assert_string_equal(v, "<signup-1-abc@moa.example>");
  header(msg, "MIME-Version", v, sizeof v);
  assert_string_equal(v, "1.0");
  header(msg, "Content-Type", v, sizeof v);
  assert_string_equal(v, "text/plain; charset=UTF-8");
  header(msg, "Content-Transfer-Encoding", v, sizeof v);
  assert_string_equal(v, "base64");
  free(msg);
  /* A short ASCII subject stays as it is. */
  m.subject = "Hello";
  m.from_name = NULL;
  msg = mail_compose(&m, &len);
  assert_non_null(strstr(msg, "\r\nSubject: Hello\r\n"));
  assert_non_null(strstr(msg, "\r\nFrom: noreply@moa.example\r\n"));
  free(msg);
}

static void test_body_base64_crlf(void **state) {
  (void)state;
  mail_fields m = fields();
  char long_body[4000];
  size_t o = 0;
  for (int i = 0; i < 60; i++) o += (size_t)snprintf(long_body + o, sizeof long_body - o, "가나다라%d ", i);
  snprintf(long_body + o, sizeof long_body - o, "\nend\n");
  m.body = long_body;
  size_t len;
  char *msg = mail_compose(&m, &len);
  assert_non_null(msg);
  assert_lines(msg, len);
  const char *body = strstr(msg, "\r\n\r\n") + 4;
  char b64[8000], text[6000];
  size_t n = 0;
  for (const char *p = body; *p; p++) {
    if (*p == '\r' || *p == '\n') continue;
    b64[n++] = *p;
  }
  for (const char *line = body; *line; line = strstr(line, "\r\n") + 2)
    assert_true(strstr(line, "\r\n") - line <= 76);
  size_t tl = b64_decode(b64, n, text);
  char want[6000];
  size_t w = 0;
  for (const char *p = long_body; *p; p++) {
    if (*p == '\n') want[w++] = '\r';
    want[w++] = *p;
  }
  want[w] = '\0';
  assert_int_equal(tl, w);
  assert_string_equal(text, want);
  free(msg);
}

static void test_no_header_injection(void **state) {
  (void)state;
  size_t len;
  static const char *const bad_addresses[] = {"ceo@hanbit.example\r\nBcc: all@victims.example",
                                              "ceo@hanbit.example\nBcc: x@y.example",
                                              "a@b.example, c@d.example",
                                              "<a@b.example>",
                                              "a b@c.example",
                                              "\"a\"@b.example",
                                              "ab.example",
                                              "a@b@c.example",
                                              "사장@한빛.example",
                                              "",
                                              "a@"};
  for (size_t i = 0; i < sizeof bad_addresses / sizeof *bad_addresses; i++) {
    mail_fields m = fields();
    m.to = bad_addresses[i];
    assert_null(mail_compose(&m, &len));
    m = fields();
    m.from = bad_addresses[i];
    assert_null(mail_compose(&m, &len));
  }
  mail_fields m = fields();
  m.message_id = "x>\r\nBcc: y@z.example";
  assert_null(mail_compose(&m, &len));
  /* A subject or display name with a line break is encoded: no new header line appears. */
  m = fields();
  m.subject = "Hi\r\nBcc: all@victims.example";
  m.from_name = "Moa\r\nX-Injected: yes";
  char *msg = mail_compose(&m, &len);
  assert_non_null(msg);
  assert_null(strstr(msg, "\r\nBcc:"));
  assert_null(strstr(msg, "\r\nX-Injected:"));
  char v[512], dec[512];
  header(msg, "Subject", v, sizeof v);
  decode_words(v, dec, sizeof dec);
  assert_string_equal(dec, "Hi\r\nBcc: all@victims.example");
  free(msg);
  /* Invalid UTF-8 is refused, in the subject and in the body. */
  m = fields();
  m.subject = "\xed\xa0\x80 surrogate";
  assert_null(mail_compose(&m, &len));
  m = fields();
  m.body = "\xc0\xaf overlong";
  assert_null(mail_compose(&m, &len));
}

static void test_encode_words_boundaries(void **state) {
  (void)state;
  /* 30 three-byte characters: no word may end inside one, whatever room the first word has. */
  char src[200] = "";
  for (int i = 0; i < 30; i++) strcat(src, "한");
  for (size_t room = 16; room <= 75; room++) {
    char out[1024], dec[256];
    size_t n = mail_encode_words(src, strlen(src), room, out, sizeof out);
    assert_true(n != (size_t)-1);
    const char *first_end = strstr(out, "?=");
    assert_true((size_t)(first_end + 2 - out) <= room);
    char joined[1024];
    size_t j = 0;
    for (const char *p = out; *p; p++)
      if (!(p[0] == '\r' && p[1] == '\n'))
        joined[j++] = *p;
      else
        p++;
    joined[j] = '\0';
    decode_words(joined, dec, sizeof dec);
    assert_string_equal(dec, src);
  }
  char small[20];
  assert_int_equal(mail_encode_words(src, strlen(src), 75, small, sizeof small), (size_t)-1);
}

static void test_signup_mail(void **state) {
  (void)state;
  moa_config cfg;
  config_defaults(&cfg);
  snprintf(cfg.smtp_from, sizeof cfg.smtp_from, "noreply@moa.example");
  snprintf(cfg.public_url, sizeof cfg.public_url, "https://moa.example.org");
  hub_options o; /* what the hub is given of cfg (gateway/hub_options.h) */
  hub_options_from_config(&cfg, &o);
  signup_rec r = {.email = "ceo@hanbit.example",
                  .name = "한빛나",
                  .company = "(주)한빛로보틱스",
                  .bizno = "3058704125",
                  .region = "대전",
                  .lang = "en"};
  const char *token = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdE";
  char link[700];
  signup_mail_link(&o.signup, token, link, sizeof link);
  assert_string_equal(link,
                      "https://moa.example.org/#/signup/confirm/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdE");
  size_t len;
  char *msg = signup_mail_build(&o.signup, &r, token, NOW + 86400, NOW, "signup-7-x", &len);
  assert_non_null(msg);
  assert_lines(msg, len);
  const char *body = strstr(msg, "\r\n\r\n") + 4;
  char b64[8000], text[6000];
  size_t n = 0;
  for (const char *p = body; *p; p++)
    if (*p != '\r' && *p != '\n') b64[n++] = *p;
  b64_decode(b64, n, text);
  char *en = strstr(text, "Hello 한빛나,"), *ko = strstr(text, "한빛나님, 안녕하세요.");
  assert_non_null(en);
  assert_non_null(ko);
  assert_true(en < ko); /* the sign-up's language first */
  assert_non_null(strstr(text, "(주)한빛로보틱스 (business registration number 305-87-04125)"));
  assert_non_null(strstr(text, "(주)한빛로보틱스 (사업자등록번호 305-87-04125)"));
  assert_non_null(strstr(text, link));
  assert_non_null(strstr(text, "2026-12-01 09:53")); /* expiry in Seoul time */
  free(msg);
  /* A recipient that could break the header never gets a message. */
  snprintf(r.email, sizeof r.email, "a@b.example\r\nBcc: c@d.example");
  assert_null(signup_mail_build(&o.signup, &r, token, NOW + 86400, NOW, "signup-8-x", &len));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_headers_and_subject), cmocka_unit_test(test_body_base64_crlf),
      cmocka_unit_test(test_no_header_injection), cmocka_unit_test(test_encode_words_boundaries),
      cmocka_unit_test(test_signup_mail),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
