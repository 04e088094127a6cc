/* Times as people in the programme read them: Asia/Seoul (KST, UTC+09:00 all year: Korea has
 * had no daylight saving time since 1988). Pure conversions between unix seconds (UTC) and
 * ISO 8601 text, with civil-date arithmetic (no TZ database, no global state). */
#ifndef MOA_STORAGE_SEOUL_TIME_H
#define MOA_STORAGE_SEOUL_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SEOUL_OFFSET_S (9 * 3600)
#define SEOUL_TZID "Asia/Seoul"

/* Parses "YYYY-MM-DDTHH:MM[:SS]" followed by "Z" or an offset "+HH:MM" / "-HH:MM" (a space may
 * stand for the T). Without an offset the time is read as Seoul time. Years 1970..9999.
 * Returns true and *out (unix seconds) on success; false on anything else (nothing else
 * accepted: trailing text, out-of-range fields, 31 February ...). */
bool seoul_parse_iso(const char *s, int64_t *out);

/* Parses "HH:MM" (00:00..23:59) into seconds after midnight; false otherwise. */
bool seoul_parse_hhmm(const char *s, int *out);

/* Seoul local time as "YYYY-MM-DDTHH:MM:SS+09:00" (buf >= 26 bytes). */
void seoul_format_iso(int64_t t, char *buf, size_t len);
/* Seoul local time as "YYYY-MM-DD HH:MM" (buf >= 17 bytes), for people and CSV. */
void seoul_format_human(int64_t t, char *buf, size_t len);
/* Seoul local "YYYYMMDDTHHMMSS" (iCalendar local form with TZID), buf >= 16. */
void seoul_format_ical_local(int64_t t, char *buf, size_t len);
/* UTC "YYYYMMDDTHHMMSSZ", buf >= 17. */
void seoul_format_ical_utc(int64_t t, char *buf, size_t len);

/* Seoul midnight (as unix seconds) of the local day containing t. */
int64_t seoul_midnight(int64_t t);
/* Seoul local day of month (1..31) of t. */
int seoul_mday(int64_t t);
/* t moved by months calendar months in Seoul local time, same day and time of day. The day must
 * exist in the target month (callers keep monthly meetings on days 1..28). */
int64_t seoul_add_months(int64_t t, int months);

#endif
