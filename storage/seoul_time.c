/* Asia/Seoul time conversions (see seoul_time.h). The civil-date algorithms are Howard
 * Hinnant's days_from_civil / civil_from_days, exact for the proleptic Gregorian calendar. */
#include "storage/seoul_time.h"

#include <stdio.h>
#include <string.h>

static int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int64_t y, int m) {
  static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : dm[m - 1];
}

/* Reads exactly n digits at *p into *out, advancing p. */
static bool digits(const char **p, int n, int *out) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    char c = (*p)[i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *p += n;
  *out = v;
  return true;
}

static bool expect(const char **p, char c) {
  if (**p != c) return false;
  (*p)++;
  return true;
}

bool seoul_parse_iso(const char *s, int64_t *out) {
  if (!s || strlen(s) > 32) return false;
  const char *p = s;
  int y, mo, d, h, mi, sec = 0;
  if (!digits(&p, 4, &y) || !expect(&p, '-') || !digits(&p, 2, &mo) || !expect(&p, '-') || !digits(&p, 2, &d))
    return false;
  if (*p != 'T' && *p != ' ') return false;
  p++;
  if (!digits(&p, 2, &h) || !expect(&p, ':') || !digits(&p, 2, &mi)) return false;
  if (*p == ':' && (p++, !digits(&p, 2, &sec))) return false;
  int offset = SEOUL_OFFSET_S;
  if (*p == 'Z') {
    offset = 0;
    p++;
  } else if (*p == '+' || *p == '-') {
    int sign = *p == '-' ? -1 : 1, oh, om;
    p++;
    if (!digits(&p, 2, &oh) || !expect(&p, ':') || !digits(&p, 2, &om) || oh > 14 || om > 59) return false;
    offset = sign * (oh * 3600 + om * 60);
  }
  if (*p) return false;
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 59)
    return false;
  *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
  return true;
}

bool seoul_parse_hhmm(const char *s, int *out) {
  const char *p = s;
  int h, m;
  if (!s || !digits(&p, 2, &h) || !expect(&p, ':') || !digits(&p, 2, &m) || *p || h > 23 || m > 59)
    return false;
  *out = h * 3600 + m * 60;
  return true;
}

typedef struct civil {
  int64_t y;
  int mo, d, h, mi, s;
} civil;

static civil to_civil(int64_t t) {
  civil c;
  int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  int64_t rem = t - days * 86400;
  civil_from_days(days, &c.y, &c.mo, &c.d);
  c.h = (int)(rem / 3600);
  c.mi = (int)(rem / 60 % 60);
  c.s = (int)(rem % 60);
  return c;
}

void seoul_format_iso(int64_t t, char *buf, size_t len) {
  civil c = to_civil(t + SEOUL_OFFSET_S);
  snprintf(buf, len, "%04lld-%02d-%02dT%02d:%02d:%02d+09:00", (long long)c.y, c.mo, c.d, c.h, c.mi, c.s);
}

void seoul_format_human(int64_t t, char *buf, size_t len) {
  civil c = to_civil(t + SEOUL_OFFSET_S);
  snprintf(buf, len, "%04lld-%02d-%02d %02d:%02d", (long long)c.y, c.mo, c.d, c.h, c.mi);
}

void seoul_format_ical_local(int64_t t, char *buf, size_t len) {
  civil c = to_civil(t + SEOUL_OFFSET_S);
  snprintf(buf, len, "%04lld%02d%02dT%02d%02d%02d", (long long)c.y, c.mo, c.d, c.h, c.mi, c.s);
}

void seoul_format_ical_utc(int64_t t, char *buf, size_t len) {
  civil c = to_civil(t);
  snprintf(buf, len, "%04lld%02d%02dT%02d%02d%02dZ", (long long)c.y, c.mo, c.d, c.h, c.mi, c.s);
}

int64_t seoul_midnight(int64_t t) {
  int64_t local = t + SEOUL_OFFSET_S;
  int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  return days * 86400 - SEOUL_OFFSET_S;
}

int seoul_mday(int64_t t) { return to_civil(t + SEOUL_OFFSET_S).d; }

int64_t seoul_add_months(int64_t t, int months) {
  civil c = to_civil(t + SEOUL_OFFSET_S);
  int64_t idx = c.y * 12 + (c.mo - 1) + months;
  int64_t y = idx / 12;
  int mo = (int)(idx % 12) + 1;
  int d = c.d > days_in_month(y, mo) ? days_in_month(y, mo) : c.d;
  return days_from_civil(y, mo, d) * 86400 + c.h * 3600 + c.mi * 60 + c.s - SEOUL_OFFSET_S;
}
