/* libFuzzer target: the iCalendar writer (storage/ical.c). It parses nothing, but it rewrites
 * text that members typed (meeting titles, descriptions, agenda items, consortium names) into
 * the calendar feed a calendar program reads, so its escaping and folding get the same treatment
 * as a parser. Each input is one text: it is escaped and written as a content line, and the
 * result must be lines of at most 75 octets ending in CRLF, with no CR or LF inside the value,
 * that unfold (RFC 5545 3.1) back to exactly "SUMMARY:" and the escaped text; the whole calendar
 * of one meeting with that text as title, description and agenda item is written too.
 *
 * Built by `make fuzz` and replayed by ctest (fuzz_replay_ical); see docs/FUZZING.md. */
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

  /* The whole document, as the feed writes it. Strings in JSON are UTF-8: only valid text. */
  json_t *title = json_stringn(s, size);
  if (title) {
    json_t *m =
        json_pack("{s:I, s:O, s:O, s:I, s:I, s:I, s:s, s:I, s:[{s:s, s:I, s:O, s:O}], s:{s:O}}", "id",
                  (json_int_t)7, "title", title, "description", title, "created_at", (json_int_t)1700000000,
                  "starts_at", (json_int_t)1700003600, "ends_at", (json_int_t)1700007200, "recurrence",
                  "weekly", "recurrence_count", (json_int_t)4, "agenda", "start", "10:00", "length_s",
                  (json_int_t)600, "item", title, "speaker", title, "consortium", "name_ko", title);
    json_t *list = json_pack("[o]", m);
    char *cal =
        list ? ical_calendar(list, json_string_value(title), 1700000000, "https://moa.example") : NULL;
    if (!cal) abort();
    free(cal);
    json_decref(list);
    json_decref(title);
  }
  free(s);
  return 0;
}
