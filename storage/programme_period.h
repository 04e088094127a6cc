/* The application period of a support-programme announcement, read from the free text the feeds
 * carry ("2026-04-27 ~ 2026-05-10", "20220727 ~ 20220930", "2026. 4. 27.(월) ~ 5. 10.(금)",
 * "상시", "예산 소진시까지", "추후 공지", "사업별 상이", "모집완료") or from a feed's separate begin
 * and end dates. Pure functions, no global state; times are Asia/Seoul (storage/seoul_time.h).
 *
 * A dated programme closes at 23:59:59 Seoul time of its last day unless the text names an
 * earlier hour ("~ 2026-05-10 18:00"); it opens at 00:00 of its first day (or the named hour). */
#ifndef MOA_STORAGE_PROGRAMME_PERIOD_H
#define MOA_STORAGE_PROGRAMME_PERIOD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum programme_period_kind {
  PERIOD_DATED = 0, /* an end date is known (the start may not be) */
  PERIOD_ROLLING,   /* 상시, 연중: open until withdrawn */
  PERIOD_BUDGET,    /* 예산 소진시까지: open until the budget runs out (then withdrawn) */
  PERIOD_TBD,       /* 추후 공지, or no period given */
  PERIOD_VARIES,    /* 사업별 상이: each sub-programme has its own */
  PERIOD_CLOSED     /* 모집완료, 마감 */
} programme_period_kind;

typedef struct programme_period {
  programme_period_kind kind;
  char start[11];    /* "YYYY-MM-DD" Seoul date, "" when unknown */
  char end[11];      /* "YYYY-MM-DD" Seoul date, "" unless kind == PERIOD_DATED */
  int64_t opens_at;  /* unix seconds; 0 when start is unknown */
  int64_t closes_at; /* unix seconds of the last open second; 0 unless kind == PERIOD_DATED */
} programme_period;

/* Parses a period text. Accepted dates: YYYY-MM-DD, YYYY.MM.DD, YYYY/MM/DD, YYYYMMDD, "YYYY. M. D."
 * and "YYYY년 M월 D일", each optionally followed by a weekday in parentheses and a time HH:MM[:SS];
 * the second date may omit the year ("5. 10.", "5월 10일": the first date's year, or the next
 * year when that would end before the start). Separators: "~", "-" between spaces, "부터 ...
 * 까지". Either side of a range may be a keyword instead ("2026-04-27 ~ 예산 소진시", "~ 2026-05-10").
 * Returns true with *out filled; false with *err set to a short reason (an impossible date such
 * as 2026-02-30, an end before the start, text that is no period) and *out zeroed. An empty or
 * all-blank text is PERIOD_TBD. */
bool programme_period_parse(const char *text, programme_period *out, const char **err);

/* The period from separate begin and end dates as K-Startup and 중소벤처24 give them (each a date
 * in any form programme_period_parse accepts, or NULL/"" when absent). No end is PERIOD_TBD.
 * Same return convention as programme_period_parse. */
bool programme_period_from_dates(const char *begin, const char *end, programme_period *out, const char **err);

/* The status of a period at time now (unix seconds): "upcoming" before opens_at, "closed" after
 * closes_at or for PERIOD_CLOSED, otherwise "open" (rolling, budget, tbd and varies periods are
 * open until a full snapshot no longer lists them). */
const char *programme_period_status(const programme_period *p, int64_t now);

/* The stored name of a kind: "dated", "rolling", "budget", "tbd", "varies", "closed". */
const char *programme_period_kind_name(programme_period_kind k);

#endif
