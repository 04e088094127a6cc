/* libFuzzer target: the iCalendar writer (storage/ical.c). It parses nothing, but it rewrites
 * text that members typed (meeting titles, descriptions, agenda items, consortium names) into
 * the calendar feed a calendar program reads, so its escaping and folding get the same treatment
 * as a parser. Each input is one text: it is escaped and written as a content line, and the
 * result must be lines of at most 75 octets ending in CRLF, with no CR or LF inside the value,
 * that unfold (RFC 5545 3.1) back to exactly "SUMMARY:" and the escaped text; the whole calendar
 * of one meeting with that text as title, description and agenda item is written too.
 *
 * Built by `make fuzz` and replayed by ctest (fuzz_replay_ical); see docs/FUZZING.md. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "storage/ical.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_folded(const char *out, const char *want) {
  size_t wl = strlen(want), got = 0, n = strlen(out);
  const char *p = out;
  bool first = true;
  while (p < out + n) {
    const char *crlf = strstr(p, "\r\n");
    if (!crlf) abort(); /* every physical line ends in CRLF */
    size_t ll = (size_t)(crlf - p);
    if (ll > 75) abort();
    if (!first) { /* a continuation starts with one space, not part of the value */
      if (ll == 0 || p[0] != ' ') abort();
      p++;
      ll--;
    }
    if (memchr(p, '\r', ll) || memchr(p, '\n', ll)) abort();
    if (got + ll > wl || memcmp(want + got, p, ll) != 0) abort();
    got += ll;
    p = crlf + 2;
    first = false;
  }
  if (got != wl) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *s = malloc(size + 1);
  if (!s) return 0;
  memcpy(s, data, size);
  s[size] = '\0';
  textbuf esc = {0};
  ical_escape_text(&esc, s);
  char *e = textbuf_take(&esc);
  if (!e) abort();
  for (const unsigned char *p = (const unsigned char *)e; *p; p++)
    if (*p < 0x20 || *p == 0x7f) abort(); /* no control character survives escaping */
  textbuf line = {0};
  ical_line(&line, "SUMMARY", e);
  char *out = textbuf_take(&line);
  if (!out) abort();
  char *want = malloc(strlen(e) + 9);
  if (!want) abort();
  strcpy(want, "SUMMARY:");
  strcat(want, e);
  check_folded(out, want);
  free(want);
  free(out);
  free(e);

  /* The whole document, as the feed writes it. Stored text is UTF-8 (jansson refuses anything
   * else on the way in): only valid text. */
  json_t *title = json_stringn(s, size);
  if (title) {
    const char *t = json_string_value(title);
    meeting_segment agenda = {.position = 1, .start_offset_s = 0, .length_s = 600, .item = t, .speaker = t};
    meeting_info m = {.id = 7,
                      .title = (char *)t,
                      .description = (char *)t,
                      .created_at = 1700000000,
                      .starts_at = 1700003600,
                      .ends_at = 1700007200,
                      .recurrence = "weekly",
                      .recurrence_count = 4,
                      .agenda = &agenda,
                      .nagenda = 1,
                      .consortium_name_ko = (char *)t};
    char *cal = ical_calendar(&m, 1, t, 1700000000, "https://moa.example");
    if (!cal) abort();
    free(cal);
    json_decref(title);
  }
  free(s);
  return 0;
}
