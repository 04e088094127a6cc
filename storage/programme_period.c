/* Application periods of support programmes (see programme_period.h). A small cursor parser: a
 * date, a separator, a date or a keyword; whatever is left must be a parenthetical remark or a
 * closing word ("까지", "마감"). Keywords are matched with spaces removed, so "예산 소진 시까지" and
 * "예산소진시까지" read the same. */
#include "storage/programme_period.h"

#include <stdio.h>
#include <string.h>

#include "storage/seoul_time.h"

typedef struct pdate {
  int y, m, d, hh, mm;
  bool has_time, no_year; /* no_year: the year was taken from the other date */
} pdate;

static bool is_space_at(const char *p, size_t *n) {
  if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
    *n = 1;
    return true;
  }
  if ((unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA0) { /* NBSP */
    *n = 2;
    return true;
  }
  if ((unsigned char)p[0] == 0xE3 && (unsigned char)p[1] == 0x80 && (unsigned char)p[2] == 0x80) {
    *n = 3; /* ideographic space */
    return true;
  }
  return false;
}

static const char *skip_spaces(const char *p) {
  size_t n;
  while (is_space_at(p, &n)) p += n;
  return p;
}

static bool starts(const char *p, const char *word) { return strncmp(p, word, strlen(word)) == 0; }

static int read_digits(const char **pp, int max, int *out) {
  const char *p = *pp;
  int n = 0, v = 0;
  while (n < max && p[n] >= '0' && p[n] <= '9') v = v * 10 + (p[n++] - '0');
  if (n == max && p[n] >= '0' && p[n] <= '9') return 0; /* longer than max: not this field */
  *pp = p + n;
  *out = v;
  return n;
}

static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static bool valid_date(int y, int m, int d) {
  static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1990 || y > 2100 || m < 1 || m > 12 || d < 1) return false;
  return d <= mdays[m - 1] + (m == 2 && leap(y));
}

/* A date separator after a year or month: '-', '.', '/', or "년"/"월" (then spaces). */
static bool date_sep(const char **pp, const char *korean) {
  const char *p = *pp;
  if (*p == '-' || *p == '.' || *p == '/')
    p++;
  else if (starts(p, korean))
    p += strlen(korean);
  else
    return false;
  *pp = skip_spaces(p);
  return true;
}

/* Reads a date at *pp (after spaces). default_year > 0 allows a date without its year. On
 * success advances *pp past the date, an optional "." or "일", a parenthesised weekday and a time.
 * Returns 1 for a date, 0 when no date starts here (nothing consumed), -1 for a date-looking text
 * that is impossible (*err set). */
static int read_date(const char **pp, int default_year, pdate *out, const char **err) {
  const char *p = skip_spaces(*pp);
  const char *q = p;
  int a, b, c;
  int n = read_digits(&q, 8, &a);
  *out = (pdate){0};
  if (n == 8) {
    out->y = a / 10000, out->m = a / 100 % 100, out->d = a % 100;
  } else if (n == 4) {
    if (!date_sep(&q, "년") || !read_digits(&q, 2, &b) || !date_sep(&q, "월") || !read_digits(&q, 2, &c))
      return 0;
    out->y = a, out->m = b, out->d = c;
  } else if ((n == 1 || n == 2) && default_year > 0) {
    if (!date_sep(&q, "월") || !read_digits(&q, 2, &c)) return 0;
    out->y = default_year, out->m = a, out->d = c, out->no_year = true;
  } else {
    return 0;
  }
  if (!valid_date(out->y, out->m, out->d)) {
    *err = "impossible date";
    return -1;
  }
  if (*q == '.')
    q++;
  else if (starts(q, "일"))
    q += strlen("일");
  const char *r = skip_spaces(q);
  if (*r == '(') { /* weekday: "(월)", "(Mon)" */
    const char *close = strchr(r, ')');
    if (close && close - r <= 12) q = close + 1;
  }
  r = skip_spaces(q);
  int hh, mm, ss;
  const char *t = r;
  if (read_digits(&t, 2, &hh) && *t == ':' && (t++, read_digits(&t, 2, &mm) == 2)) {
    if (*t == ':') {
      t++;
      if (read_digits(&t, 2, &ss) != 2 || ss > 59) return 0;
    }
    if (hh > 24 || mm > 59 || (hh == 24 && mm)) {
      *err = "impossible time";
      return -1;
    }
    out->hh = hh, out->mm = mm, out->has_time = true;
    q = t;
  }
  *pp = q;
  return 1;
}

/* The kind a keyword text names, or -1. s has had its spaces removed. */
static int keyword_kind(const char *s) {
  if (strstr(s, "소진")) return PERIOD_BUDGET;
  if (strstr(s, "상이")) return PERIOD_VARIES;
  if (strstr(s, "추후") || strstr(s, "미정") || strstr(s, "별도")) return PERIOD_TBD;
  if (strstr(s, "상시") || strstr(s, "수시") || starts(s, "연중")) return PERIOD_ROLLING;
  if (strstr(s, "완료") || strstr(s, "마감") || strstr(s, "종료")) return PERIOD_CLOSED;
  return -1;
}

static void squeeze(const char *s, char *out, size_t cap) {
  size_t o = 0, n;
  while (*s && o + 1 < cap) {
    if (is_space_at(s, &n))
      s += n;
    else
      out[o++] = *s++;
  }
  out[o] = '\0';
}

/* True when the rest is empty, a parenthetical remark, or a closing word. */
static bool acceptable_tail(const char *p) {
  p = skip_spaces(p);
  if (!*p || *p == '(' || *p == '[') return true;
  return starts(p, "까지") || starts(p, "마감") || starts(p, "예정");
}

static int64_t seoul_at(const pdate *d, int hh, int mm, int ss) {
  char iso[32];
  int64_t t = 0;
  snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:%02d", d->y, d->m, d->d, hh, mm, ss);
  if (!seoul_parse_iso(iso, &t)) return 0;
  return t;
}

static void set_start(programme_period *out, const pdate *d) {
  snprintf(out->start, sizeof out->start, "%04d-%02d-%02d", d->y, d->m, d->d);
  out->opens_at =
      d->has_time ? seoul_at(d, d->hh == 24 ? 23 : d->hh, d->hh == 24 ? 59 : d->mm, 0) : seoul_at(d, 0, 0, 0);
}

static void set_end(programme_period *out, const pdate *d) {
  snprintf(out->end, sizeof out->end, "%04d-%02d-%02d", d->y, d->m, d->d);
  if (d->has_time && d->hh < 24)
    out->closes_at = seoul_at(d, d->hh, d->mm, 0);
  else
    out->closes_at = seoul_at(d, 23, 59, 59);
}

static bool fail(programme_period *out, const char **err, const char *why) {
  *out = (programme_period){0};
  *err = why;
  return false;
}

static bool finish_dated(programme_period *out, const char **err) {
  out->kind = PERIOD_DATED;
  if (out->opens_at && out->closes_at < out->opens_at) return fail(out, err, "period ends before it starts");
  return true;
}

/* The separator between the two sides: "~" (also full-width and wave dash), "부터", or "-"
 * standing between spaces. Advances *pp past it. */
static bool read_separator(const char **pp) {
  const char *p = skip_spaces(*pp);
  static const char *seps[] = {"~", "\xEF\xBD\x9E", "\xE3\x80\x9C", "부터", "-", "–"};
  for (size_t i = 0; i < sizeof seps / sizeof *seps; i++)
    if (starts(p, seps[i])) {
      *pp = p + strlen(seps[i]);
      return true;
    }
  return false;
}

bool programme_period_parse(const char *text, programme_period *out, const char **err) {
  *out = (programme_period){0};
  *err = NULL;
  if (!text) text = "";
  const char *p = skip_spaces(text);
  if (!*p) {
    out->kind = PERIOD_TBD;
    return true;
  }
  if (strlen(p) > 512) return fail(out, err, "period text too long");
  char squeezed[520];
  pdate a, b;
  int ra = read_date(&p, 0, &a, err);
  if (ra < 0) return fail(out, err, *err);
  if (ra == 0) {
    /* No leading date: "~ 2026-05-10", or a keyword ("상시", "예산 소진시까지"). */
    const char *q = p;
    if (read_separator(&q)) {
      int rb = read_date(&q, 0, &b, err);
      if (rb < 0) return fail(out, err, *err);
      if (rb == 1 && acceptable_tail(q)) {
        set_end(out, &b);
        return finish_dated(out, err);
      }
    }
    squeeze(p, squeezed, sizeof squeezed);
    int k = keyword_kind(squeezed);
    if (k < 0) return fail(out, err, "not a period");
    out->kind = (programme_period_kind)k;
    return true;
  }
  const char *after_a = p;
  if (!read_separator(&p)) {
    /* A single date: a deadline ("2026-05-10까지", "2026-05-10 마감") or a start ("...부터"). */
    if (!acceptable_tail(after_a)) return fail(out, err, "unexpected text after the date");
    set_end(out, &a);
    return finish_dated(out, err);
  }
  set_start(out, &a);
  int rb = read_date(&p, a.y, &b, err);
  if (rb < 0) return fail(out, err, *err);
  if (rb == 1) {
    if (!acceptable_tail(p)) return fail(out, err, "unexpected text after the period");
    if (b.no_year && (b.m < a.m || (b.m == a.m && b.d < a.d))) {
      /* "12. 20. ~ 1. 10.": a year-less end before the start is in the next year. */
      b.y++;
      if (!valid_date(b.y, b.m, b.d)) return fail(out, err, "impossible date");
    }
    set_end(out, &b);
    return finish_dated(out, err);
  }
  /* "2026-04-27 ~ 예산 소진시", "2026-04-27 ~ 추후 공지", "2026-04-27 ~" */
  squeeze(p, squeezed, sizeof squeezed);
  if (!squeezed[0]) {
    out->kind = PERIOD_ROLLING;
    return true;
  }
  int k = keyword_kind(squeezed);
  if (k < 0) return fail(out, err, "not a period");
  out->kind = (programme_period_kind)k;
  return true;
}

bool programme_period_from_dates(const char *begin, const char *end, programme_period *out,
                                 const char **err) {
  *out = (programme_period){0};
  *err = NULL;
  pdate a, b;
  const char *p;
  bool has_begin = begin && *skip_spaces(begin), has_end = end && *skip_spaces(end);
  if (has_begin) {
    p = begin;
    int r = read_date(&p, 0, &a, err);
    if (r <= 0 || *skip_spaces(p)) return fail(out, err, r < 0 ? *err : "begin is not a date");
    set_start(out, &a);
  }
  if (!has_end) {
    out->kind = PERIOD_TBD;
    return true;
  }
  p = end;
  int r = read_date(&p, 0, &b, err);
  if (r <= 0 || *skip_spaces(p)) return fail(out, err, r < 0 ? *err : "end is not a date");
  set_end(out, &b);
  return finish_dated(out, err);
}

const char *programme_period_status(const programme_period *p, int64_t now) {
  if (p->kind == PERIOD_CLOSED) return "closed";
  if (p->kind == PERIOD_TBD) return "upcoming";
  if (p->opens_at && now < p->opens_at) return "upcoming";
  if (p->kind == PERIOD_DATED && now > p->closes_at) return "closed";
  return "open";
}

const char *programme_period_kind_name(programme_period_kind k) {
  static const char *names[] = {"dated", "rolling", "budget", "tbd", "varies", "closed"};
  return (unsigned)k < sizeof names / sizeof *names ? names[k] : "tbd";
}
