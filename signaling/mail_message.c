/* The composer of one plain-text Internet message (see mail_message.h). Written here rather than
 * taken from a library: libcurl sends a message but does not build one (its MIME API writes no
 * RFC 2047 headers), and the message is short and fixed in shape. OpenSSL does the base64. */
#include "signaling/mail_message.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/utf8.h"
#include "storage/textbuf.h"

#define LINE_MAX_CHARS 78 /* RFC 5322 2.1.1: lines SHOULD be at most 78 characters */
#define WORD_MAX 75       /* RFC 2047 2: an encoded-word is at most 75 characters */
#define WORD_OVERHEAD 12  /* "=?UTF-8?B?" and "?=" */

bool mail_address_ok(const char *a) {
  size_t n = a ? strlen(a) : 0;
  if (n < 3 || n > 254) return false;
  const char *at = strchr(a, '@');
  if (!at || at == a || !at[1] || strchr(at + 1, '@')) return false;
  for (const unsigned char *p = (const unsigned char *)a; *p; p++)
    if (*p <= ' ' || *p >= 0x7f || strchr("()<>[]\\,;:\"", *p)) return false;
  return true;
}

static bool utf8_valid(const char *s, size_t n) {
  for (size_t i = 0; i < n;) {
    size_t l = utf8_decode((const unsigned char *)s + i, n - i, NULL);
    if (!l) return false;
    i += l;
  }
  return true;
}

size_t mail_encode_words(const char *src, size_t n, size_t first_room, char *out, size_t outlen) {
  if (!utf8_valid(src, n)) return (size_t)-1;
  size_t o = 0, i = 0, room = first_room < WORD_MAX ? first_room : WORD_MAX;
  do {
    /* The most whole characters whose base64 fits in this word. */
    size_t max_bytes = room > WORD_OVERHEAD + 4 ? (room - WORD_OVERHEAD) / 4 * 3 : 3;
    size_t take = 0;
    while (i + take < n) {
      size_t l = utf8_decode((const unsigned char *)src + i + take, n - i - take, NULL);
      if (take + l > max_bytes) break;
      take += l;
    }
    if (take == 0 && i < n)
      take = utf8_decode((const unsigned char *)src + i, n - i, NULL); /* one always fits */
    size_t b64 = 4 * ((take + 2) / 3);
    if (o + (o ? 3 : 0) + WORD_OVERHEAD + b64 + 1 > outlen) return (size_t)-1;
    if (o) {
      memcpy(out + o, "\r\n ", 3);
      o += 3;
    }
    memcpy(out + o, "=?UTF-8?B?", 10);
    o += 10;
    EVP_EncodeBlock((unsigned char *)out + o, (const unsigned char *)src + i, (int)take);
    o += b64;
    memcpy(out + o, "?=", 2);
    o += 2;
    i += take;
    room = WORD_MAX; /* continuation lines: one space, then a word of at most 75 */
  } while (i < n);
  out[o] = '\0';
  return o;
}

/* "Name: value" where value is printed as is when it is short printable ASCII, else encoded. */
static bool put_text_header(textbuf *b, const char *name, const char *text, const char *suffix) {
  size_t n = strlen(text), prefix = strlen(name) + 2;
  bool plain = prefix + n + strlen(suffix) <= LINE_MAX_CHARS;
  for (size_t i = 0; plain && i < n; i++) plain = text[i] >= ' ' && text[i] <= '~';
  /* A display name in plain text would need quoting for its specials: encode those too. */
  if (plain && *suffix) plain = strpbrk(text, "()<>[]:;@\\,.\"") == NULL;
  textbuf_puts(b, name);
  textbuf_puts(b, ": ");
  if (plain)
    textbuf_puts(b, text);
  else {
    size_t cap = 32 * (n / 40 + 1) * 3 + 64;
    char *w = malloc(cap);
    size_t wl = w ? mail_encode_words(text, n, LINE_MAX_CHARS - prefix, w, cap) : (size_t)-1;
    if (wl == (size_t)-1) {
      free(w);
      return false;
    }
    textbuf_put(b, w, wl);
    free(w);
  }
  textbuf_puts(b, suffix);
  textbuf_puts(b, "\r\n");
  return true;
}

static bool message_id_ok(const char *s) {
  if (!s || !*s || strlen(s) > 64) return false;
  for (const char *p = s; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' ||
          *p == '-' || *p == '_'))
      return false;
  return true;
}

char *mail_compose(const mail_fields *m, size_t *len) {
  if (!mail_address_ok(m->from) || !mail_address_ok(m->to) || !message_id_ok(m->message_id) || !m->subject ||
      !m->body || !utf8_valid(m->body, strlen(m->body)) || (m->from_name && !*m->from_name))
    return NULL;
  static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  time_t t = (time_t)m->date;
  struct tm tm;
  if (!gmtime_r(&t, &tm)) return NULL;
  textbuf b = {0};
  char line[400];
  snprintf(line, sizeof line, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday], tm.tm_mday,
           months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  textbuf_puts(&b, line);
  if (m->from_name) {
    snprintf(line, sizeof line, " <%s>", m->from);
    if (!put_text_header(&b, "From", m->from_name, line)) goto fail;
  } else {
    snprintf(line, sizeof line, "From: %s\r\n", m->from);
    textbuf_puts(&b, line);
  }
  snprintf(line, sizeof line, "To: %s\r\n", m->to);
  textbuf_puts(&b, line);
  if (!put_text_header(&b, "Subject", m->subject, "")) goto fail;
  snprintf(line, sizeof line, "Message-ID: <%s@%s>\r\n", m->message_id, strchr(m->from, '@') + 1);
  textbuf_puts(&b, line);
  textbuf_puts(&b,
               "MIME-Version: 1.0\r\n"
               "Content-Type: text/plain; charset=UTF-8\r\n"
               "Content-Transfer-Encoding: base64\r\n"
               "Auto-Submitted: auto-generated\r\n"
               "\r\n");
  /* The body with CRLF line ends, then base64 in lines of 76 characters (57 bytes each). */
  size_t n = strlen(m->body);
  char *crlf = malloc(2 * n + 1);
  if (!crlf) goto fail;
  size_t c = 0;
  for (size_t i = 0; i < n; i++) {
    if (m->body[i] == '\r') continue; /* "\r\n" and "\n" alike end a line; a bare CR is dropped */
    if (m->body[i] == '\n') crlf[c++] = '\r';
    crlf[c++] = m->body[i];
  }
  for (size_t i = 0; i < c; i += 57) {
    unsigned char enc[80];
    int k = EVP_EncodeBlock(enc, (const unsigned char *)crlf + i, (int)(c - i < 57 ? c - i : 57));
    textbuf_put(&b, (const char *)enc, (size_t)k);
    textbuf_puts(&b, "\r\n");
  }
  free(crlf);
  *len = b.len;
  return textbuf_take(&b);
fail:
  free(b.p);
  return NULL;
}
