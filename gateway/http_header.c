/* HTTP header values of the file routes (see http_header.h). Everything here reads strings a
 * client sent: each loop is bounded by the string's NUL and the output's capacity. */
#include "gateway/http_header.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static bool b64url(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* Copies the base64url run at s into out; false when it is empty, does not fit, or is followed
 * by anything but the characters in stop (or the end). */
static bool token_at(const char *s, const char *stop, char *out, size_t outlen) {
  size_t n = 0;
  while (b64url(s[n])) n++;
  if (n == 0 || n >= outlen || (s[n] && !strchr(stop, s[n]))) return false;
  memcpy(out, s, n);
  out[n] = '\0';
  return true;
}

bool http_bearer_token(const char *authorization, char *out, size_t outlen) {
  if (!authorization || !out || outlen < 2 || strncasecmp(authorization, "bearer ", 7) != 0) return false;
  const char *p = authorization + 7;
  while (*p == ' ') p++;
  if (!token_at(p, " ", out, outlen)) return false;
  for (p += strlen(out); *p == ' '; p++) {
  }
  return *p == '\0';
}

bool http_cookie_value(const char *cookie, const char *name, char *out, size_t outlen) {
  if (!cookie || !name || !out || outlen < 2) return false;
  size_t nl = strlen(name);
  if (nl == 0) return false;
  for (const char *p = cookie; *p;) {
    while (*p == ' ' || *p == '\t' || *p == ';') p++;
    if (!strncmp(p, name, nl) && p[nl] == '=') {
      const char *v = p + nl + 1;
      bool quoted = *v == '"';
      if (!token_at(v + quoted, quoted ? "\"" : "; \t", out, outlen)) return false;
      const char *after = v + quoted + strlen(out);
      if (quoted && *after++ != '"') return false; /* no closing quote */
      while (*after == ' ' || *after == '\t') after++;
      return *after == ';' || *after == '\0';
    }
    const char *semi = strchr(p, ';'); /* the next pair */
    if (!semi) break;
    p = semi + 1;
  }
  return false;
}

/* RFC 8187 attr-char: sent as is in filename*; every other byte is percent-encoded. */
static bool attr_char(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         strchr("!#$&+-.^_`|~", c);
}

/* The failure of http_content_disposition: an empty string, 0. */
static size_t too_long(char *out) {
  out[0] = '\0';
  return 0;
}

size_t http_content_disposition(char *out, size_t cap, bool inline_, const char *name) {
  if (!out || cap == 0) return 0;
  out[0] = '\0';
  if (!name) name = "";
  const char *kind = inline_ ? "inline" : "attachment";
  size_t n = (size_t)snprintf(out, cap, "%s; filename=\"", kind);
  if (n >= cap) return too_long(out);
  const unsigned char *s = (const unsigned char *)name;
  for (size_t i = 0; s[i];) {
    unsigned char c = s[i];
    char put;
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\' && c != '%') {
      put = (char)c;
      i++;
    } else {
      put = '_';
      i++;
      if (c >= 0xC0) /* the rest of this UTF-8 sequence is the same character */
        while ((s[i] & 0xC0) == 0x80) i++;
    }
    if (n + 1 >= cap) return too_long(out);
    out[n++] = put;
  }
  static const char mid[] = "\"; filename*=UTF-8''";
  if (n + sizeof mid >= cap) return too_long(out);
  memcpy(out + n, mid, sizeof mid);
  n += sizeof mid - 1;
  static const char hex[] = "0123456789ABCDEF";
  for (size_t i = 0; s[i]; i++) {
    if (attr_char(s[i])) {
      if (n + 1 >= cap) return too_long(out);
      out[n++] = (char)s[i];
    } else {
      if (n + 3 >= cap) return too_long(out);
      out[n++] = '%';
      out[n++] = hex[s[i] >> 4];
      out[n++] = hex[s[i] & 15];
    }
  }
  out[n] = '\0';
  return n;
}
