/* The programme sources file (see programme_sources.h). */
#include "gateway/programme_sources.h"

#include <stdio.h>
#include <string.h>

#define MAX_FIELDS 6

static bool name_ok(const char *s, size_t n) {
  if (n == 0 || n > 63) return false;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

static bool url_ok(const char *s, size_t n) {
  if (n >= 1024) return false;
  size_t scheme = !strncmp(s, "https://", 8) ? 8 : !strncmp(s, "http://", 7) ? 7 : 0;
  if (!scheme || n <= scheme) return false;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f) return false;
  return true;
}

static int fail(char *err, size_t errlen, int line, const char *what) {
  snprintf(err, errlen, "line %d: %s", line, what);
  return -1;
}

int programme_sources_parse(const char *text, size_t len, programme_source_spec *out, size_t cap, char *err,
                            size_t errlen) {
  size_t count = 0;
  int line = 0;
  for (size_t pos = 0; pos < len;) {
    size_t end = pos;
    while (end < len && text[end] != '\n') end++;
    line++;
    /* fields of this line, up to a comment */
    const char *f[MAX_FIELDS];
    size_t fl[MAX_FIELDS], nf = 0;
    for (size_t i = pos; i < end;) {
      char c = text[i];
      if (c == '#') break;
      if (c == ' ' || c == '\t' || c == '\r') {
        i++;
        continue;
      }
      if (c == '\0') return fail(err, errlen, line, "a NUL byte");
      size_t j = i;
      while (j < end && text[j] != ' ' && text[j] != '\t' && text[j] != '\r' && text[j] != '#' &&
             text[j] != '\0')
        j++;
      if (nf == MAX_FIELDS)
        return fail(err, errlen, line, "too many fields (name format url [key-file] [partial])");
      f[nf] = text + i, fl[nf] = j - i, nf++;
      i = j;
    }
    pos = end + 1;
    if (nf == 0) continue;
    if (nf < 3) return fail(err, errlen, line, "a source needs a name, a format and a URL");
    if (count == cap) return fail(err, errlen, line, "too many sources");
    programme_source_spec *s = &out[count];
    memset(s, 0, sizeof *s);
    if (!name_ok(f[0], fl[0])) return fail(err, errlen, line, "the name must be 1-63 of a-z, 0-9 and _");
    memcpy(s->name, f[0], fl[0]);
    char fmt[32];
    if (fl[1] >= sizeof fmt)
      return fail(err, errlen, line, "unknown format (bizinfo_json, bizinfo_rss, kstartup, smes24, csv)");
    memcpy(fmt, f[1], fl[1]);
    fmt[fl[1]] = '\0';
    if (!feed_source_from_name(fmt, &s->format))
      return fail(err, errlen, line, "unknown format (bizinfo_json, bizinfo_rss, kstartup, smes24, csv)");
    if (!url_ok(f[2], fl[2]))
      return fail(err, errlen, line, "the URL must be http:// or https://, without spaces, under 1024 bytes");
    memcpy(s->url, f[2], fl[2]);
    size_t k = 3;
    if (k < nf && !(fl[k] == 7 && !memcmp(f[k], "partial", 7))) {
      if (fl[k] >= sizeof s->key_file) return fail(err, errlen, line, "the key file's path is too long");
      memcpy(s->key_file, f[k], fl[k]);
      k++;
    }
    if (k < nf && fl[k] == 7 && !memcmp(f[k], "partial", 7)) {
      s->partial = true;
      k++;
    }
    if (k < nf) return fail(err, errlen, line, "unexpected field after the URL (a key file, then `partial`)");
    if (strstr(s->url, "{key}") && !s->key_file[0])
      return fail(err, errlen, line, "the URL has {key} but no key file follows it");
    for (size_t i = 0; i < count; i++)
      if (!strcmp(out[i].name, s->name)) return fail(err, errlen, line, "this name is given twice");
    count++;
  }
  return (int)count;
}
