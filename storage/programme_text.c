/* Feed text clean-up (see programme_text.h). Entities are decoded by hand: the set feeds use is
 * small (the five XML ones, numeric references, a dozen typographic names), and a full HTML
 * parser would be far more code to trust than this. */
#include "storage/programme_text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "storage/textbuf.h"

char *ptext_repair_utf8(const char *data, size_t n, size_t *out_len, size_t *bad) {
  textbuf b = {0};
  const unsigned char *p = (const unsigned char *)data;
  size_t i = 0, run = 0;
  *bad = 0;
  textbuf_put(&b, "", 0);
  while (i < n) {
    uint32_t cp;
    int len = p[i] ? (int)utf8_decode(p + i, n - i, &cp) : 0;
    if (len > 0) {
      i += len;
      run += len;
      continue;
    }
    textbuf_put(&b, data + i - run, run);
    textbuf_puts(&b, PTEXT_REPLACEMENT);
    (*bad)++;
    i++;
    run = 0;
  }
  textbuf_put(&b, data + i - run, run);
  *out_len = b.len;
  return textbuf_take(&b);
}

const char *ptext_error(const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  size_t n = strlen(s);
  while (*p) {
    uint32_t cp;
    int len = (int)utf8_decode(p, n - (size_t)((const char *)p - s), &cp);
    if (!len) return "invalid UTF-8";
    if (cp == 0xFFFD) return "invalid UTF-8 (a byte that is not UTF-8; is the file EUC-KR?)";
    if ((cp < 0x20 && cp != '\n' && cp != '\t') || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F))
      return "control character";
    p += len;
  }
  return NULL;
}

static void put_cp(textbuf *b, unsigned cp) {
  char u[4];
  size_t n;
  if (cp < 0x80)
    u[0] = (char)cp, n = 1;
  else if (cp < 0x800)
    u[0] = (char)(0xC0 | cp >> 6), u[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
  else if (cp < 0x10000)
    u[0] = (char)(0xE0 | cp >> 12), u[1] = (char)(0x80 | ((cp >> 6) & 0x3F)),
    u[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
  else
    u[0] = (char)(0xF0 | cp >> 18), u[1] = (char)(0x80 | ((cp >> 12) & 0x3F)),
    u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), u[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
  textbuf_put(b, u, n);
}

static const struct {
  const char *name;
  unsigned cp;
} entities[] = {{"amp", '&'},       {"lt", '<'},        {"gt", '>'},       {"quot", '"'},
                {"apos", '\''},     {"nbsp", ' '},      {"middot", 0xB7},  {"lsquo", 0x2018},
                {"rsquo", 0x2019},  {"ldquo", 0x201C},  {"rdquo", 0x201D}, {"hellip", 0x2026},
                {"bull", 0x2022},   {"ndash", 0x2013},  {"mdash", 0x2014}, {"times", 0xD7},
                {"lsaquo", 0x2039}, {"rsaquo", 0x203A}, {"laquo", 0xAB},   {"raquo", 0xBB},
                {"copy", 0xA9},     {"reg", 0xAE},      {"trade", 0x2122}, {"sim", 0x223C},
                {"rarr", 0x2192},   {"larr", 0x2190},   {"deg", 0xB0},     {"plusmn", 0xB1}};

/* Decodes the entity at s ('&'); returns the bytes consumed (0: not an entity, copy '&'). */
static size_t decode_entity(const char *s, textbuf *b) {
  const char *semi = memchr(s, ';', strnlen(s, 12));
  if (!semi || semi - s < 3) return 0;
  size_t len = (size_t)(semi - s) + 1;
  if (s[1] == '#') {
    unsigned long cp = 0;
    const char *q = s + 2;
    bool hex = *q == 'x' || *q == 'X';
    if (hex) q++;
    if (q == semi) return 0;
    for (; q < semi; q++) {
      int v;
      if (*q >= '0' && *q <= '9')
        v = *q - '0';
      else if (hex && ((*q | 0x20) >= 'a' && (*q | 0x20) <= 'f'))
        v = (*q | 0x20) - 'a' + 10;
      else
        return 0;
      cp = cp * (hex ? 16 : 10) + (unsigned)v;
      if (cp > 0x10FFFF) return 0;
    }
    if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    put_cp(b, (unsigned)cp);
    return len;
  }
  for (size_t i = 0; i < sizeof entities / sizeof *entities; i++) {
    size_t n = strlen(entities[i].name);
    if (n == len - 2 && memcmp(s + 1, entities[i].name, n) == 0) {
      put_cp(b, entities[i].cp);
      return len;
    }
  }
  return 0;
}

static char *decode_entities(const char *s) {
  textbuf b = {0};
  textbuf_put(&b, "", 0);
  while (*s) {
    size_t n = *s == '&' ? decode_entity(s, &b) : 0;
    if (n) {
      s += n;
      continue;
    }
    const char *amp = strchr(s + 1, '&');
    size_t run = amp ? (size_t)(amp - s) : strlen(s);
    textbuf_put(&b, s, run);
    s += run;
  }
  return textbuf_take(&b);
}

/* True when s starts a tag: '<' then a letter, '/' or '!' (so "a < b" stays text). */
static bool tag_start(const char *s) {
  char c = s[1];
  return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '/' || c == '!';
}

static bool tag_is(const char *s, const char *name) {
  size_t n = strlen(name);
  if (strncasecmp(s, name, n) != 0) return false;
  char c = s[n];
  return c == '>' || c == ' ' || c == '/' || c == '\t';
}

char *ptext_clean(const char *s, bool multiline) {
  /* Two passes of entity decoding: "&amp;#40;" and "&amp;lt;br&amp;gt;" occur in real feeds. */
  char *once = decode_entities(s ? s : "");
  if (!once) return NULL;
  char *twice = decode_entities(once);
  free(once);
  if (!twice) return NULL;
  textbuf b = {0};
  textbuf_put(&b, "", 0);
  int newlines = 0;
  bool space = false, any = false;
  for (const char *p = twice; *p;) {
    bool nl = false, sp = false;
    if (*p == '<' && tag_start(p)) {
      const char *end = strchr(p, '>');
      if (!end) end = p + strlen(p) - 1;
      nl = tag_is(p + 1, "br") || tag_is(p + 1, "/p") || tag_is(p + 1, "/div") || tag_is(p + 1, "/li") ||
           tag_is(p + 1, "p");
      sp = !nl;
      p = end + 1;
    } else if (*p == '\r') {
      p++;
      continue;
    } else if (*p == '\n') {
      nl = true;
      p++;
    } else if (*p == ' ' || *p == '\t' || (unsigned char)*p < 0x20) {
      sp = true;
      p++;
    } else {
      if (any && newlines) {
        if (multiline)
          textbuf_put(&b, "\n\n", newlines > 1 ? 2 : 1);
        else
          textbuf_put(&b, " ", 1);
      } else if (any && space) {
        textbuf_put(&b, " ", 1);
      }
      newlines = 0;
      space = false;
      any = true;
      textbuf_put(&b, p, 1);
      p++;
      continue;
    }
    if (nl) newlines++;
    if (sp) space = true;
  }
  free(twice);
  return textbuf_take(&b);
}

/* Appends item to the '|' list in b unless already there. */
static void list_add(textbuf *b, const char *item) {
  if (!*item) return;
  if (b->p) {
    size_t n = strlen(item);
    for (const char *p = b->p; p && *p;) {
      const char *bar = strchr(p, '|');
      size_t len = bar ? (size_t)(bar - p) : strlen(p);
      if (len == n && memcmp(p, item, n) == 0) return;
      p = bar ? bar + 1 : NULL;
    }
  }
  if (b->len) textbuf_put(b, "|", 1);
  textbuf_puts(b, item);
}

char *ptext_list(const char *s, const char *seps) {
  char *clean = ptext_clean(s, false);
  if (!clean) return NULL;
  textbuf b = {0};
  textbuf_put(&b, "", 0);
  for (char *p = clean; *p;) {
    size_t len = strcspn(p, seps);
    char save = p[len];
    p[len] = '\0';
    char *item = ptext_clean(p, false); /* trims */
    if (!item) {
      free(clean);
      free(textbuf_take(&b));
      return NULL;
    }
    for (char *q = item; *q; q++)
      if (*q == '|') *q = '/';
    list_add(&b, item);
    free(item);
    if (!save) break;
    p += len + 1;
  }
  free(clean);
  return textbuf_take(&b);
}

static const struct {
  const char *shortname, *longname, *alt;
} sido[] = {{"서울", "서울특별시", "서울시"},
            {"부산", "부산광역시", "부산시"},
            {"대구", "대구광역시", "대구시"},
            {"인천", "인천광역시", "인천시"},
            {"광주", "광주광역시", "광주시"},
            {"대전", "대전광역시", "대전시"},
            {"울산", "울산광역시", "울산시"},
            {"세종", "세종특별자치시", "세종시"},
            {"경기", "경기도", NULL},
            {"강원", "강원특별자치도", "강원도"},
            {"충북", "충청북도", NULL},
            {"충남", "충청남도", NULL},
            {"전북", "전북특별자치도", "전라북도"},
            {"전남", "전라남도", NULL},
            {"경북", "경상북도", NULL},
            {"경남", "경상남도", NULL},
            {"제주", "제주특별자치도", "제주도"},
            {"전국", "전국", "全國"}};

char *ptext_regions(const char *s, const char *seps) {
  char *list = ptext_list(s, seps);
  if (!list) return NULL;
  textbuf b = {0};
  textbuf_put(&b, "", 0);
  for (char *p = list; *p;) {
    size_t len = strcspn(p, "|");
    for (size_t i = 0; i < sizeof sido / sizeof *sido; i++) {
      const char *names[3] = {sido[i].shortname, sido[i].longname, sido[i].alt};
      for (int k = 0; k < 3; k++)
        if (names[k] && strlen(names[k]) == len && memcmp(p, names[k], len) == 0) {
          list_add(&b, sido[i].shortname);
          k = 3;
        }
    }
    p += len;
    if (*p) p++;
  }
  free(list);
  return textbuf_take(&b);
}

static const char *const amendment_marks[] = {"정정공고", "변경공고", "연장공고", "추가공고", "재공고",
                                              "정정",     "변경",     "연장",     "추가",     "수정"};

char *ptext_title_norm(const char *title) {
  char *clean = ptext_clean(title, false);
  if (!clean) return NULL;
  textbuf b = {0};
  textbuf_put(&b, "", 0);
  for (const char *p = clean; *p;) {
    if (*p == '[' || *p == '(' || *p == '<') { /* a bracketed mark: drop it if it is an amendment */
      char close = *p == '[' ? ']' : *p == '(' ? ')' : '>';
      const char *end = strchr(p, close);
      if (end) {
        bool mark = false;
        for (size_t i = 0; i < sizeof amendment_marks / sizeof *amendment_marks && !mark; i++) {
          size_t n = strlen(amendment_marks[i]);
          mark = (size_t)(end - p - 1) >= n && memcmp(p + 1, amendment_marks[i], n) == 0;
        }
        if (mark) {
          p = end + 1;
          continue;
        }
      }
    }
    bool skipped = false; /* an unbracketed notice mark: "... 연장공고", "재공고 ..." */
    for (size_t i = 0; i < 5 && !skipped; i++)
      if (strncmp(p, amendment_marks[i], strlen(amendment_marks[i])) == 0) {
        p += strlen(amendment_marks[i]);
        skipped = true;
      }
    if (skipped) continue;
    unsigned char c = (unsigned char)*p;
    if (c < 0x80) {
      if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))
        textbuf_put(&b, p, 1);
      else if (c >= 'A' && c <= 'Z')
        textbuf_put(&b, (char[]){(char)(c | 0x20)}, 1);
      p++;
      continue;
    }
    uint32_t cp;
    int len = (int)utf8_decode((const unsigned char *)p, strlen(p), &cp);
    if (!len) len = 1;
    /* keep letters (Hangul, CJK, Latin-1 letters); drop punctuation such as 「」·ㆍ… */
    bool keep = (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0x3130 && cp <= 0x318F && cp != 0x318D) ||
                (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7);
    if (keep) textbuf_put(&b, p, (size_t)len);
    p += len;
  }
  free(clean);
  return textbuf_take(&b);
}

bool ptext_is_amendment(const char *title) {
  static const char *const marks[] = {"정정",  "연장공고", "연장)",    "연장]",    "(연장",
                                      "[연장", "재공고",   "변경공고", "추가공고", "추가모집"};
  for (size_t i = 0; i < sizeof marks / sizeof *marks; i++)
    if (strstr(title, marks[i])) return true;
  return false;
}

/* The code points of s (at most max), returns how many. */
static size_t code_points(const char *s, unsigned *out, size_t max) {
  size_t n = 0, len = strlen(s);
  const unsigned char *p = (const unsigned char *)s, *end = p + len;
  while (p < end && n < max) {
    uint32_t cp;
    int l = (int)utf8_decode(p, (size_t)(end - p), &cp);
    if (!l) l = 1, cp = *p;
    out[n++] = cp;
    p += l;
  }
  return n;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* Sorted distinct bigrams of s into out (room for 255); returns how many. */
static size_t bigrams(const char *s, uint64_t *out) {
  unsigned cps[256];
  size_t n = code_points(s, cps, 256), m = 0;
  for (size_t i = 0; i + 1 < n; i++) out[m++] = (uint64_t)cps[i] << 32 | cps[i + 1];
  qsort(out, m, sizeof *out, cmp_u64);
  size_t k = 0;
  for (size_t i = 0; i < m; i++)
    if (!k || out[k - 1] != out[i]) out[k++] = out[i];
  return k;
}

double ptext_similarity(const char *a, const char *b) {
  if (strcmp(a, b) == 0) return 1.0;
  uint64_t ga[255], gb[255];
  size_t na = bigrams(a, ga), nb = bigrams(b, gb), i = 0, j = 0, both = 0;
  while (i < na && j < nb) {
    if (ga[i] == gb[j])
      both++, i++, j++;
    else if (ga[i] < gb[j])
      i++;
    else
      j++;
  }
  size_t all = na + nb - both;
  return all ? (double)both / (double)all : 0.0;
}
