/* iCalendar writer (see ical.h). */
#include "storage/ical.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
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
    size_t cut = pos + utf8_cut(line + pos, total - pos, limit); /* not inside a sequence */
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

/* The event's DESCRIPTION: the join link (join_url, may be "") on the first line, where every
 * calendar program shows it, then the meeting's description, then its agenda one line per
 * segment. */
static char *description_of(const meeting_info *m, const char *join_url) {
  textbuf d = {0};
  if (join_url[0]) {
    textbuf_puts(&d, "회의 참여 (Join): ");
    textbuf_puts(&d, join_url);
    if (m->description[0]) textbuf_puts(&d, "\n\n");
  }
  textbuf_puts(&d, m->description);
  if (m->nagenda) {
    if (d.len) textbuf_puts(&d, "\n\n");
    for (size_t i = 0; i < m->nagenda; i++) {
      const meeting_segment *g = &m->agenda[i];
      char start[32], head[64];
      seoul_format_human(m->starts_at + g->start_offset_s, start, sizeof start);
      snprintf(head, sizeof head, "%s (%lld분) ", start + 11, (long long)g->length_s / 60); /* "HH:MM" */
      textbuf_puts(&d, head);
      textbuf_puts(&d, g->item);
      if (g->speaker[0]) {
        textbuf_puts(&d, " — ");
        textbuf_puts(&d, g->speaker);
      }
      textbuf_puts(&d, "\n");
    }
  }
  return textbuf_take(&d);
}

static void event(textbuf *b, const meeting_info *m, const char *stamp, const char *url_base) {
  char v[128], t[32];
  textbuf_puts(b, "BEGIN:VEVENT\r\n");
  snprintf(v, sizeof v, "moa-meeting-%lld-%lld@moa", (long long)m->id, (long long)m->created_at);
  ical_line(b, "UID", v);
  ical_line(b, "DTSTAMP", stamp);
  seoul_format_ical_local(m->starts_at, t, sizeof t);
  ical_line(b, "DTSTART;TZID=" SEOUL_TZID, t);
  seoul_format_ical_local(m->ends_at, t, sizeof t);
  ical_line(b, "DTEND;TZID=" SEOUL_TZID, t);
  const char *rec = m->recurrence;
  if (!strcmp(rec, "weekly") || !strcmp(rec, "monthly")) {
    snprintf(v, sizeof v, "FREQ=%s;COUNT=%lld", !strcmp(rec, "weekly") ? "WEEKLY" : "MONTHLY",
             (long long)m->recurrence_count);
    ical_line(b, "RRULE", v);
  }
  text_line(b, "SUMMARY", m->title);
  char join[512] = "";
  if (url_base && url_base[0]) snprintf(join, sizeof join, "%s/#/room/%lld", url_base, (long long)m->room_id);
  char *desc = description_of(m, join);
  if (desc && desc[0]) text_line(b, "DESCRIPTION", desc);
  free(desc);
  if (m->consortium_name_ko) text_line(b, "LOCATION", m->consortium_name_ko);
  if (join[0]) ical_line(b, "URL", join);
  snprintf(v, sizeof v, "%d", m->sequence);
  ical_line(b, "SEQUENCE", v);
  bool cancelled = !strcmp(m->status, "cancelled");
  ical_line(b, "STATUS", cancelled ? "CANCELLED" : "CONFIRMED");
  seoul_format_ical_utc(m->created_at, t, sizeof t);
  ical_line(b, "CREATED", t);
  seoul_format_ical_utc(m->updated_at, t, sizeof t);
  ical_line(b, "LAST-MODIFIED", t);
  if (!cancelled) {
    textbuf_puts(b, "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT10M\r\n");
    text_line(b, "DESCRIPTION", m->title);
    textbuf_puts(b, "END:VALARM\r\n");
  }
  textbuf_puts(b, "END:VEVENT\r\n");
}

/* "YYYY-MM-DD" → "YYYYMMDD" of that day and of the next (DTEND of an all-day event is exclusive).
 * False when the date does not parse. */
static bool deadline_days(const char *date, char day[9], char next[9]) {
  char iso[24], t[32];
  int64_t at;
  snprintf(iso, sizeof iso, "%.10sT12:00", date);
  if (strlen(date) != 10 || !seoul_parse_iso(iso, &at)) return false;
  seoul_format_ical_local(at, t, sizeof t);
  snprintf(day, 9, "%.8s", t);
  seoul_format_ical_local(at + 86400, t, sizeof t);
  snprintf(next, 9, "%.8s", t);
  return true;
}

static void deadline_event(textbuf *b, const ical_deadline *d, const char *stamp, const char *url_base) {
  char v[160], day[9], next[9];
  if (!deadline_days(d->apply_end, day, next)) return;
  textbuf_puts(b, "BEGIN:VEVENT\r\n");
  snprintf(v, sizeof v, "moa-programme-%lld@moa", (long long)d->id);
  ical_line(b, "UID", v);
  ical_line(b, "DTSTAMP", stamp);
  ical_line(b, "DTSTART;VALUE=DATE", day);
  ical_line(b, "DTEND;VALUE=DATE", next);
  textbuf s = {0};
  textbuf_puts(&s, "[마감] ");
  textbuf_puts(&s, d->title);
  char *summary = textbuf_take(&s);
  if (summary) text_line(b, "SUMMARY", summary);
  textbuf desc = {0};
  textbuf_puts(&desc, d->agency);
  textbuf_puts(&desc, " · 23:59 마감 (Deadline 23:59 KST)");
  if (d->url[0]) {
    textbuf_puts(&desc, "\n공고문 (Notice): ");
    textbuf_puts(&desc, d->url);
  }
  char page[512] = "";
  if (url_base && url_base[0]) {
    snprintf(page, sizeof page, "%s/#/programmes/%lld", url_base, (long long)d->id);
    textbuf_puts(&desc, "\nMoa: ");
    textbuf_puts(&desc, page);
  }
  char *text = textbuf_take(&desc);
  if (text) text_line(b, "DESCRIPTION", text);
  if (d->url[0]) ical_line(b, "URL", d->url);
  ical_line(b, "TRANSP", "TRANSPARENT");
  textbuf_puts(b, "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:" ICAL_DEADLINE_ALARM "\r\n");
  if (summary) text_line(b, "DESCRIPTION", summary);
  textbuf_puts(b, "END:VALARM\r\nEND:VEVENT\r\n");
  free(summary);
  free(text);
}

char *ical_calendar(const meeting_info *meetings, size_t n, const char *name, int64_t dtstamp,
                    const char *url_base) {
  return ical_calendar_with_deadlines(meetings, n, NULL, 0, name, dtstamp, url_base);
}

char *ical_calendar_with_deadlines(const meeting_info *meetings, size_t n, const ical_deadline *deadlines,
                                   size_t nd, const char *name, int64_t dtstamp, const char *url_base) {
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
  for (size_t i = 0; i < n; i++) event(&b, &meetings[i], stamp, url_base);
  for (size_t i = 0; i < nd; i++) deadline_event(&b, &deadlines[i], stamp, url_base);
  textbuf_puts(&b, "END:VCALENDAR\r\n");
  return textbuf_take(&b);
}
