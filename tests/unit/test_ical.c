/* Unit tests of storage/ical: TEXT escaping (backslash, semicolon, comma, newlines, controls),
 * line folding at 75 octets that never splits a UTF-8 sequence (long Korean text) and unfolds
 * back to the original, and a whole calendar: CRLF only, VTIMEZONE for Asia/Seoul, DTSTART with
 * TZID, RRULE for recurrence, STATUS:CANCELLED, required UID/DTSTAMP. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// clang-format off
#include <cmocka.h>
// clang-format on

#include "storage/ical.h"

static char *escaped(const char *s) {
  textbuf b = {0};
  ical_escape_text(&b, s);
  return textbuf_take(&b);
}

static void test_escape(void **state) {
  (void)state;
  char *e = escaped("a,b;c\\d\ne\r\nf\rg\x01h");
  assert_string_equal(e, "a\\,b\\;c\\\\d\\ne\\nf\\ngh");
  free(e);
  e = escaped("탭\t끝");
  assert_string_equal(e, "탭 끝");
  free(e);
  e = escaped("");
  assert_string_equal(e, "");
  free(e);
}

/* Checks the folding of one content line: every physical line <= 75 octets, continuation lines
 * start with one space, no physical line starts or ends inside a UTF-8 sequence, and unfolding
 * gives back want. */
static void check_folded(const char *out, const char *want) {
  size_t n = strlen(out);
  assert_true(n >= 2 && out[n - 2] == '\r' && out[n - 1] == '\n');
  char *unfolded = malloc(n + 1);
  size_t u = 0;
  const char *p = out;
  int lineno = 0;
  while (*p) {
    const char *eol = strstr(p, "\r\n");
    assert_non_null(eol);
    size_t len = (size_t)(eol - p);
    assert_true(len <= 75);
    const char *content = p;
    if (lineno > 0) {
      assert_int_equal(p[0], ' ');
      content++;
      len--;
    }
    assert_true(len > 0);
    assert_true(((unsigned char)content[0] & 0xC0) != 0x80); /* does not start mid-sequence */
    memcpy(unfolded + u, content, len);
    u += len;
    p = eol + 2;
    lineno++;
  }
  unfolded[u] = '\0';
  assert_string_equal(unfolded, want);
  free(unfolded);
}

static void test_fold(void **state) {
  (void)state;
  /* short: one line */
  textbuf b = {0};
  ical_line(&b, "SUMMARY", "짧은 제목");
  char *out = textbuf_take(&b);
  assert_string_equal(out, "SUMMARY:짧은 제목\r\n");
  free(out);
  /* exactly 75 octets: not folded */
  char v[80];
  memset(v, 'x', 67);
  v[67] = '\0';
  ical_line(&b, "SUMMARY", v); /* 7 + 1 + 67 = 75 */
  out = textbuf_take(&b);
  assert_int_equal(strlen(out), 77);
  free(out);
  /* long Korean text (3-octet characters) with every offset of the first character */
  for (int pad = 0; pad < 3; pad++) {
    char text[2048] = "";
    for (int i = 0; i < pad; i++) strcat(text, "a");
    for (int i = 0; i < 120; i++) strcat(text, i % 10 == 9 ? "다 " : "협의체");
    ical_line(&b, "DESCRIPTION", text);
    out = textbuf_take(&b);
    char want[2100];
    snprintf(want, sizeof want, "DESCRIPTION:%s", text);
    check_folded(out, want);
    assert_non_null(strstr(out, "\r\n ")); /* it was folded */
    free(out);
  }
  /* a 4-octet character (emoji) across the boundary */
  char text[512] = "";
  for (int i = 0; i < 40; i++) strcat(text, "😀");
  ical_line(&b, "X-NAME;LANGUAGE=ko", text);
  out = textbuf_take(&b);
  char want[600];
  snprintf(want, sizeof want, "X-NAME;LANGUAGE=ko:%s", text);
  check_folded(out, want);
  free(out);
}

/* Found by tests/fuzz/fuzz_ical.c (crashes/ical/timeout-c3e7...): text that is not UTF-8, with
 * a run of 75 or more continuation bytes, left the folding loop with no place to cut, and it
 * wrote empty lines forever. It must still fold at 75 octets and unfold to the same bytes. */
static void test_fold_not_utf8(void **state) {
  (void)state;
  char text[300];
  memset(text, 0x85, 250);
  text[250] = '\0';
  textbuf b = {0};
  ical_line(&b, "SUMMARY", text);
  char *out = textbuf_take(&b);
  assert_non_null(out);
  /* unfold: every physical line at most 75 octets, continuations start with one space */
  char unfolded[400] = "";
  size_t u = 0;
  int lines = 0;
  for (const char *p = out; *p;) {
    const char *eol = strstr(p, "\r\n");
    assert_non_null(eol);
    size_t len = (size_t)(eol - p);
    assert_true(len <= 75);
    if (lines++ > 0) {
      assert_int_equal(p[0], ' ');
      p++;
      len--;
    }
    assert_true(len > 0);
    assert_true(u + len < sizeof unfolded);
    memcpy(unfolded + u, p, len);
    u += len;
    p = eol + 2;
  }
  unfolded[u] = '\0';
  assert_int_equal(lines, 5); /* "SUMMARY" (the cut backs off to the colon), then 74 + 74 + 74 + 29 */
  assert_int_equal(u, 8 + 250);
  assert_memory_equal(unfolded, "SUMMARY:", 8);
  assert_memory_equal(unfolded + 8, text, 250);
  free(out);
}

/* A meeting as meeting_store_info reads it (strings are literals: never cleared). */
static meeting_info meeting(int64_t id, const char *status, const char *recurrence, int count) {
  static meeting_segment agenda = {
      .position = 1, .start_offset_s = 0, .length_s = 1200, .item = "티타임", .speaker = "내빈"};
  meeting_info m = {.id = id,
                    .room_id = id + 40,
                    .title = "협의체 출범식; 1부, 2부",
                    .description = "첫 줄\n둘째 줄: 장소는 \"대회의실\" \\ 본관",
                    .starts_at = 1796878800,
                    .ends_at = 1796878800 + 7200,
                    .recurrence_count = count,
                    .sequence = 3,
                    .created_at = 1796000000,
                    .updated_at = 1796000100,
                    .consortium_name_ko = "수소 협의체",
                    .agenda = &agenda,
                    .nagenda = 1};
  snprintf(m.recurrence, sizeof m.recurrence, "%s", recurrence);
  snprintf(m.status, sizeof m.status, "%s", status);
  return m;
}

static void test_calendar(void **state) {
  (void)state;
  const meeting_info list[] = {meeting(7, "scheduled", "weekly", 4), meeting(8, "cancelled", "none", 1)};
  char *cal = ical_calendar(list, 2, "Moa 회의", 1796083200, "https://moa.example");
  assert_non_null(cal);
  /* CRLF only */
  for (const char *p = cal; *p; p++)
    if (*p == '\n') assert_true(p > cal && p[-1] == '\r');
  assert_true(strncmp(cal, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:", 37) == 0);
  assert_non_null(strstr(cal, "\r\nEND:VCALENDAR\r\n"));
  assert_non_null(strstr(cal, "BEGIN:VTIMEZONE\r\nTZID:Asia/Seoul\r\nBEGIN:STANDARD\r\n"));
  assert_non_null(strstr(cal, "TZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\n"));
  assert_non_null(strstr(cal, "UID:moa-meeting-7-1796000000@moa\r\n"));
  assert_non_null(strstr(cal, "DTSTAMP:20261201T000000Z\r\n"));
  assert_non_null(strstr(cal, "DTSTART;TZID=Asia/Seoul:20261210T140000\r\n"));
  assert_non_null(strstr(cal, "DTEND;TZID=Asia/Seoul:20261210T160000\r\n"));
  assert_non_null(strstr(cal, "RRULE:FREQ=WEEKLY;COUNT=4\r\n"));
  assert_non_null(strstr(cal, "SUMMARY:협의체 출범식\\; 1부\\, 2부\r\n"));
  assert_non_null(strstr(cal, "SEQUENCE:3\r\n"));
  assert_non_null(strstr(cal, "STATUS:CONFIRMED\r\n"));
  assert_non_null(strstr(cal, "STATUS:CANCELLED\r\n"));
  /* the join link (the meeting's room) as the URL and first in the description */
  assert_non_null(strstr(cal, "URL:https://moa.example/#/room/47\r\n"));
  assert_non_null(strstr(cal, "TRIGGER:-PT10M\r\n"));
  /* one alarm only: the cancelled meeting has none */
  assert_null(strstr(strstr(cal, "TRIGGER:-PT10M") + 1, "TRIGGER:"));
  /* the description escaped (unfold first) */
  char *unf = malloc(strlen(cal) + 1);
  size_t u = 0;
  for (const char *p = cal; *p; p++) {
    if (p[0] == '\r' && p[1] == '\n' && p[2] == ' ') {
      p += 2;
      continue;
    }
    unf[u++] = *p;
  }
  unf[u] = '\0';
  assert_non_null(strstr(unf,
                         "DESCRIPTION:회의 참여 (Join): https://moa.example/#/room/47\\n\\n첫 줄\\n둘째 줄: "
                         "장소는 \"대회의실\" \\\\ 본관\\n\\n14:00 (20분) 티타임 — 내빈"));
  free(unf);
  int events = 0;
  for (const char *p = cal; (p = strstr(p, "BEGIN:VEVENT")); p++) events++;
  assert_int_equal(events, 2);
  free(cal);
}

/* Saved support programmes' deadlines: all-day on the last day (DTEND the next day, across a year
 * end), "[마감] title" escaped, the notice as URL, the app's page in the description, a 3-day
 * alarm; a date that does not parse gives no event at all. */
static void test_deadlines(void **state) {
  (void)state;
  const ical_deadline d[] = {
      {12, "스마트공장; 2차", "중소벤처기업부", "2026-12-31", "https://example.org/n/12"},
      {13, "깨진 날짜", "x", "2026-02-30", ""},
  };
  char *cal = ical_calendar_with_deadlines(NULL, 0, d, 2, "Moa", 1796083200, "https://moa.example");
  assert_non_null(cal);
  assert_non_null(strstr(cal, "UID:moa-programme-12@moa\r\n"));
  assert_non_null(strstr(cal, "DTSTART;VALUE=DATE:20261231\r\nDTEND;VALUE=DATE:20270101\r\n"));
  assert_non_null(strstr(cal, "SUMMARY:[마감] 스마트공장\\; 2차\r\n"));
  assert_non_null(strstr(cal, "URL:https://example.org/n/12\r\n"));
  assert_non_null(strstr(cal, "TRIGGER:-P3D\r\n"));
  char *unf = malloc(strlen(cal) + 1); /* unfolded: the description is longer than a line */
  size_t u = 0;
  for (const char *p = cal; *p; p++) {
    if (p[0] == '\r' && p[1] == '\n' && p[2] == ' ') {
      p += 2;
      continue;
    }
    unf[u++] = *p;
  }
  unf[u] = '\0';
  assert_non_null(strstr(unf, "\\nMoa: https://moa.example/#/programmes/12\r\n"));
  free(unf);
  assert_null(strstr(cal, "moa-programme-13@"));
  assert_null(strstr(cal, "BEGIN:VEVENT\r\nBEGIN:VEVENT"));
  free(cal);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_escape),   cmocka_unit_test(test_fold),      cmocka_unit_test(test_fold_not_utf8),
      cmocka_unit_test(test_calendar), cmocka_unit_test(test_deadlines),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
