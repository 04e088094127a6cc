/* An iCalendar (RFC 5545) writer for meetings: one VCALENDAR with the Asia/Seoul VTIMEZONE and a
 * VEVENT per meeting (times with TZID=Asia/Seoul, RRULE for recurrence, STATUS:CANCELLED for
 * cancelled meetings, a 10-minute VALARM). Output uses CRLF line ends, escapes TEXT values
 * (backslash, semicolon, comma, newline) and folds lines longer than 75 octets without
 * splitting a UTF-8 sequence. Written by hand because the format is small and the libraries
 * around (libical) bring far more than a writer; tests/interop/ical_test.py checks the output
 * with Python's icalendar. */
#ifndef MOA_STORAGE_ICAL_H
#define MOA_STORAGE_ICAL_H

#include <stddef.h>
#include <stdint.h>

#include "storage/meeting_store.h"
#include "storage/textbuf.h"

/* Escapes a TEXT value (RFC 5545 3.3.11) into b: \ ; , become \\ \; \, and a newline (LF or
 * CRLF) becomes \n; other control characters are dropped. */
void ical_escape_text(textbuf *b, const char *s);

/* Appends one content line "name:value" + CRLF to b, folded: no physical line longer than 75
 * octets, continuation lines starting with one space, never inside a UTF-8 sequence. name may
 * carry parameters ("DTSTART;TZID=Asia/Seoul"). value is written as given (escape first). */
void ical_line(textbuf *b, const char *name, const char *value);

/* The calendar of n meetings (as meeting_store_info reads them; meetings may be NULL when n is
 * 0). name becomes X-WR-CALNAME, dtstamp the DTSTAMP of every event. url_base (the app's origin,
 * e.g. "https://moa.example"; "" for none) makes each event's join link,
 * url_base + "/#/room/<room_id>": the event's URL and the first line of its DESCRIPTION. Returns
 * malloc'd text, NULL on out of memory. */
char *ical_calendar(const meeting_info *meetings, size_t n, const char *name, int64_t dtstamp,
                    const char *url_base);

/* The deadline of a saved support programme: apply_end "YYYY-MM-DD", url "" for none. */
typedef struct ical_deadline {
  int64_t id;
  const char *title, *agency, *apply_end, *url;
} ical_deadline;

/* The same with nd deadlines of saved support programmes (deadlines may be NULL when nd is 0).
 * Each is an all-day event on its last day (a programme closes at 23:59 Seoul time),
 * "[마감] title", with the official notice as URL, the app's programme page
 * (url_base + "/#/programmes/<id>") in the description, and an alarm three days before
 * (ICAL_DEADLINE_ALARM): the deadline reminder of saved programmes. A deadline whose date does
 * not parse gives no event. */
#define ICAL_DEADLINE_ALARM "-P3D"
char *ical_calendar_with_deadlines(const meeting_info *meetings, size_t n, const ical_deadline *deadlines,
                                   size_t nd, const char *name, int64_t dtstamp, const char *url_base);

#endif
