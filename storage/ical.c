/* iCalendar writer (see ical.h). */
#include "storage/ical.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/seoul_time.h"

void ical_escape_text(textbuf *b, const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    switch (*p) {
      case '\\':
        textbuf_puts(b, "\\\\");
        break;
      case ';':
        textbuf_puts(b, "\\;");
        break;
      case ',':
        textbuf_puts(b, "\\,");
        break;
      case '\n':
        textbuf_puts(b, "\\n");
        break;
      case '\r':
        if (p[1] != '\n') textbuf_puts(b, "\\n");
        break;
      default:
        if (*p >= 0x20 && *p != 0x7f)
          textbuf_put(b, (const char *)p, 1);
        else if (*p == '\t')
          textbuf_puts(b, " ");
    }
  }
}

void ical_line(textbuf *b, const char *name, const char *value) {
  size_t nl = strlen(name), vl = strlen(value), total = nl + 1 + vl;
  char *line = malloc(total + 1);
  if (!line) {
    b->failed = true;
    return;
  }
  memcpy(line, name, nl);
  line[nl] = ':';
  memcpy(line + nl + 1, value, vl + 1);
  size_t pos = 0, limit = 75; /* octets on the first line; 74 + the leading space after */
  while (total - pos > limit) {
    size_t cut = pos + limit;
    while (cut > pos && ((unsigned char)line[cut] & 0xC0) == 0x80) cut--; /* not inside a sequence */
    if (cut == pos) cut = pos + limit; /* not UTF-8 at all: cut anyway, or this never ends */
    textbuf_put(b, line + pos, cut - pos);
    textbuf_puts(b, "\r\n ");
    pos = cut;
    limit = 74;
  }
  textbuf_put(b, line + pos, total - pos);
  textbuf_puts(b, "\r\n");
  free(line);
}

static void text_line(textbuf *b, const char *name, const char *text) {
  textbuf v = {0};
  ical_escape_text(&v, text);
  if (v.failed) b->failed = true;
  ical_line(b, name, v.p ? v.p : "");
  free(v.p);
}

static const char *str(json_t *o, const char *k) {
  const char *s = json_string_value(json_object_get(o, k));
  return s ? s : "";
}

static int64_t num(json_t *o, const char *k) { return json_integer_value(json_object_get(o, k)); }

/* The event's DESCRIPTION: the join link (join_url, may be "") on the first line, where every
 * calendar program shows it, then the meeting's description, then its agenda one line per
 * segment. */
static char *description_of(json_t *m, const char *join_url) {
  textbuf d = {0};
  if (join_url[0]) {
    textbuf_puts(&d, "회의 참여 (Join): ");
    textbuf_puts(&d, join_url);
    if (str(m, "description")[0]) textbuf_puts(&d, "\n\n");
  }
  textbuf_puts(&d, str(m, "description"));
  json_t *agenda = json_object_get(m, "agenda");
  if (json_array_size(agenda)) {
    if (d.len) textbuf_puts(&d, "\n\n");
    size_t i;
    json_t *g;
    json_array_foreach(agenda, i, g) {
      char head[64];
      snprintf(head, sizeof head, "%s (%lld분) ", str(g, "start"), (long long)num(g, "length_s") / 60);
      textbuf_puts(&d, head);
      textbuf_puts(&d, str(g, "item"));
      if (str(g, "speaker")[0]) {
        textbuf_puts(&d, " — ");
        textbuf_puts(&d, str(g, "speaker"));
      }
      textbuf_puts(&d, "\n");
    }
  }
  return textbuf_take(&d);
}

static void event(textbuf *b, json_t *m, const char *stamp, const char *url_base) {
  char v[128], t[32];
  textbuf_puts(b, "BEGIN:VEVENT\r\n");
  snprintf(v, sizeof v, "moa-meeting-%lld-%lld@moa", (long long)num(m, "id"),
           (long long)num(m, "created_at"));
  ical_line(b, "UID", v);
  ical_line(b, "DTSTAMP", stamp);
  seoul_format_ical_local(num(m, "starts_at"), t, sizeof t);
  ical_line(b, "DTSTART;TZID=" SEOUL_TZID, t);
  seoul_format_ical_local(num(m, "ends_at"), t, sizeof t);
  ical_line(b, "DTEND;TZID=" SEOUL_TZID, t);
  const char *rec = str(m, "recurrence");
  if (!strcmp(rec, "weekly") || !strcmp(rec, "monthly")) {
    snprintf(v, sizeof v, "FREQ=%s;COUNT=%lld", !strcmp(rec, "weekly") ? "WEEKLY" : "MONTHLY",
             (long long)num(m, "recurrence_count"));
    ical_line(b, "RRULE", v);
  }
  text_line(b, "SUMMARY", str(m, "title"));
  char join[512] = "";
  if (url_base && url_base[0])
    snprintf(join, sizeof join, "%s/#/room/%lld", url_base, (long long)num(m, "room_id"));
  char *desc = description_of(m, join);
  if (desc && desc[0]) text_line(b, "DESCRIPTION", desc);
  free(desc);
  json_t *c = json_object_get(m, "consortium");
  if (c) text_line(b, "LOCATION", str(c, "name_ko"));
  if (join[0]) ical_line(b, "URL", join);
  snprintf(v, sizeof v, "%lld", (long long)num(m, "sequence"));
  ical_line(b, "SEQUENCE", v);
  bool cancelled = !strcmp(str(m, "status"), "cancelled");
  ical_line(b, "STATUS", cancelled ? "CANCELLED" : "CONFIRMED");
  seoul_format_ical_utc(num(m, "created_at"), t, sizeof t);
  ical_line(b, "CREATED", t);
  seoul_format_ical_utc(num(m, "updated_at"), t, sizeof t);
  ical_line(b, "LAST-MODIFIED", t);
  if (!cancelled) {
    textbuf_puts(b, "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT10M\r\n");
    text_line(b, "DESCRIPTION", str(m, "title"));
    textbuf_puts(b, "END:VALARM\r\n");
  }
  textbuf_puts(b, "END:VEVENT\r\n");
}

char *ical_calendar(json_t *meetings, const char *name, int64_t dtstamp, const char *url_base) {
  textbuf b = {0};
  char stamp[32];
  seoul_format_ical_utc(dtstamp, stamp, sizeof stamp);
  textbuf_puts(&b,
               "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Moa//Meetings//KO\r\nCALSCALE:GREGORIAN\r\n"
               "METHOD:PUBLISH\r\n");
  text_line(&b, "X-WR-CALNAME", name);
  ical_line(&b, "X-WR-TIMEZONE", SEOUL_TZID);
  /* Korea keeps UTC+09:00 all year (no DST since 1988): one STANDARD component says it all. */
  textbuf_puts(&b,
               "BEGIN:VTIMEZONE\r\nTZID:" SEOUL_TZID
               "\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
               "TZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\nTZNAME:KST\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n");
  size_t i;
  json_t *m;
  json_array_foreach(meetings, i, m) event(&b, m, stamp, url_base);
  textbuf_puts(&b, "END:VCALENDAR\r\n");
  return textbuf_take(&b);
}
