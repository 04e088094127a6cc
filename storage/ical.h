/* An iCalendar (RFC 5545) writer for meetings: one VCALENDAR with the Asia/Seoul VTIMEZONE and a
 * VEVENT per meeting (times with TZID=Asia/Seoul, RRULE for recurrence, STATUS:CANCELLED for
 * cancelled meetings, a 10-minute VALARM). Output uses CRLF line ends, escapes TEXT values
 * (backslash, semicolon, comma, newline) and folds lines longer than 75 octets without
 * splitting a UTF-8 sequence. Written by hand because the format is small and the libraries
 * around (libical) bring far more than a writer; tests/interop/ical_test.py checks the output
 * with Python's icalendar. */
#ifndef MOA_STORAGE_ICAL_H
#define MOA_STORAGE_ICAL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "storage/textbuf.h"

/* Escapes a TEXT value (RFC 5545 3.3.11) into b: \ ; , become \\ \; \, and a newline (LF or
 * CRLF) becomes \n; other control characters are dropped. */
void ical_escape_text(textbuf *b, const char *s);

/* Appends one content line "name:value" + CRLF to b, folded: no physical line longer than 75
 * octets, continuation lines starting with one space, never inside a UTF-8 sequence. name may
 * carry parameters ("DTSTART;TZID=Asia/Seoul"). value is written as given (escape first). */
void ical_line(textbuf *b, const char *name, const char *value);

/* The calendar of meetings (an array of meeting_store_json objects). name becomes X-WR-CALNAME,
 * dtstamp the DTSTAMP of every event. url_base (the app's origin, e.g. "https://moa.example";
 * "" for none) makes each event's join link, url_base + "/#/room/<room_id>": the event's URL and
 * the first line of its DESCRIPTION. Returns malloc'd text, NULL on out of memory. */
char *ical_calendar(json_t *meetings, const char *name, int64_t dtstamp, const char *url_base);

/* The same with the deadlines of saved support programmes (deadlines may be NULL): an array of
 * {id, title, agency, apply_end "YYYY-MM-DD", url ("" for none)}. Each is an all-day event on its
 * last day (a programme closes at 23:59 Seoul time), "[마감] title", with the official notice as
 * URL, the app's programme page (url_base + "/#/programmes/<id>") in the description, and an
 * alarm three days before (ICAL_DEADLINE_ALARM): the deadline reminder of saved programmes. */
#define ICAL_DEADLINE_ALARM "-P3D"
char *ical_calendar_with_deadlines(json_t *meetings, json_t *deadlines, const char *name, int64_t dtstamp,
                                   const char *url_base);

#endif
