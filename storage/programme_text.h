/* Text clean-up for support-programme feeds: the announcements come with HTML entities ("&#40;",
 * "&amp;lt;"), tags, CRLF, '@'-, ','- or '|'-joined lists, region names in long and short forms,
 * and now and then bytes that are not UTF-8. Pure functions returning malloc'd strings (NULL
 * only when out of memory); used by the feed parsers (storage/feed_*.c). */
#ifndef MOA_STORAGE_PROGRAMME_TEXT_H
#define MOA_STORAGE_PROGRAMME_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* U+FFFD REPLACEMENT CHARACTER: what ptext_repair_utf8 puts for each invalid byte. */
#define PTEXT_REPLACEMENT "\xEF\xBF\xBD"

/* A copy of data[0..n) in which every byte that does not start a valid UTF-8 sequence (overlong
 * forms, surrogates, past U+10FFFF, truncated) is replaced by U+FFFD, and NUL bytes too. *bad
 * counts the replacements. The result is NUL-terminated; *out_len is its length. */
char *ptext_repair_utf8(const char *data, size_t n, size_t *out_len, size_t *bad);

/* NULL when s is acceptable display text (no U+FFFD, i.e. nothing was broken, and no control
 * characters other than newline and tab); otherwise a short reason. */
const char *ptext_error(const char *s);

/* Display text from feed text: HTML entities decoded (named ones in common use, decimal and hex
 * references; twice, as feeds double-escape "&amp;lt;"), tags removed (<br> and </p> become a
 * newline), CR dropped, runs of spaces and tabs collapsed to one space, at most two newlines in
 * a row, trimmed. multiline false also turns newlines into spaces (titles, names). */
char *ptext_clean(const char *s, bool multiline);

/* A list joined by any of the bytes in seps (e.g. "@", ",|"): each element cleaned, empty ones and
 * repeats dropped, joined with '|'. "" when nothing is left. */
char *ptext_list(const char *s, const char *seps);

/* The 17 시도 named in a list (long "서울특별시", short "서울", or "전국"; separated by any of
 * seps), as their short names joined with '|' in the order of first mention. Other words (a
 * field in bizinfo's hashtags) are ignored. "전국" alone means nationwide. */
char *ptext_regions(const char *s, const char *seps);

/* The title reduced for matching across feeds: bracketed prefixes and amendment marks ("[정정]",
 * "(연장)", "재공고"), spaces and punctuation removed, ASCII lower-cased. */
char *ptext_title_norm(const char *title);

/* True when the title marks an amendment of an earlier notice: 정정, 연장, 재공고, 변경공고, 추가공고
 * (bracketed or not, e.g. "[정정] ...", "... (연장)", "... 재공고"). */
bool ptext_is_amendment(const char *title);

/* Similarity of two normalised titles: the Jaccard index of their character bigrams (0..1; 1 for
 * two equal titles, including two empty ones). */
double ptext_similarity(const char *a, const char *b);

#endif
