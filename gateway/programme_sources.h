/* The support-programme sources the server collects on its own (--programme-sources FILE): a
 * text file, one source per line, fields separated by spaces or tabs:
 *
 *   # name     format        url                                                      [key-file] [partial]
 *   bizinfo    bizinfo_json  https://apis.data.go.kr/1421000/bizinfo/...?serviceKey={key}
 * /etc/moa/bizinfo.key  partial busan_tp   csv           https://www.btp.or.kr/notices.csv
 *
 * name: 1-63 of [a-z0-9_]; format: bizinfo_json, bizinfo_rss, kstartup, smes24 or csv; url:
 * http:// or https://, no spaces, {key} replaced by the key file's first line at each fetch (so
 * the key is read fresh and never logged); `partial` as the last field: the feed is one page,
 * not the whole list (nothing is withdrawn for leaving it). '#' starts a comment; blank lines are
 * skipped. Pure: parses text handed in, no I/O. */
#ifndef MOA_GATEWAY_PROGRAMME_SOURCES_H
#define MOA_GATEWAY_PROGRAMME_SOURCES_H

#include <stdbool.h>
#include <stddef.h>

#include "storage/programme_item.h"

#define PS_MAX_SOURCES 64

typedef struct programme_source_spec {
  char name[64];
  feed_source format;
  char url[1024];
  char key_file[512]; /* "" = none */
  bool partial;
} programme_source_spec;

/* Parses text[0..len) into out[0..cap). Returns the number of sources (0 for a file of only
 * comments), or -1 with err set to "line N: what is wrong" (nothing else is reported: the server
 * refuses to start on a bad file rather than collect half of it). A name given twice, a URL with
 * {key} but no key file, or more than cap sources are errors. */
int programme_sources_parse(const char *text, size_t len, programme_source_spec *out, size_t cap, char *err,
                            size_t errlen);

#endif
