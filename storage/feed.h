/* Pure parsers of the support-programme feeds: bytes in, a programme_batch out (the items that
 * passed, normalised, and the ones refused, each with its reason). No I/O, no database, no global
 * state: the importer (programme_store) and the fuzz targets call them the same way.
 *
 * A file-level problem (not the feed's format, broken JSON or XML, an error result code, an
 * empty or gigantic file) fails the whole file: -1, err set, the batch left empty. Item-level
 * problems (missing id or title, a wrong type, text that is not UTF-8, an id seen before in the
 * file, a period that is no period) reject that item only; the rest of the file is kept.
 *
 * Formats, as the public APIs serve them (docs/PROGRAMMES.md has examples):
 *  - bizinfo_json: {"jsonArray": [...]} (bizinfo.go.kr) or the data.go.kr envelope
 *    {"response": {"header": {"resultCode": "00"}, "body": {"items": {"item": [...]}}}}, where
 *    resultCode "03" (NODATA) with "items": {} is an empty page, not an error.
 *  - bizinfo_rss: RSS 2.0, rss/channel/item with seq, title, link, author, lcategory, reqstDt, ...
 *  - kstartup: {"currentCount", "data": [...], "totalCount", ...}, snake_case fields.
 *  - smes24: {"resultCd": "0", "resultMsg", "data": [...]}, coded eligibility fields.
 *  - csv: RFC 4180, UTF-8, a header row naming the columns (source_id, title, agency, period are
 *    required; executor, summary, fields, regions, target, url, amount_min, amount_max optional;
 *    any other column is kept as an attribute). */
#ifndef MOA_STORAGE_FEED_H
#define MOA_STORAGE_FEED_H

#include <stddef.h>

#include "storage/programme_item.h"

#define FEED_MAX_BYTES (64u << 20) /* a larger file is refused as a whole */

/* Parses data[0..len) as the format of source into *out (initialized here). Returns 0 (items and
 * rejects in *out), or -1 with err set and *out empty. */
int feed_parse(feed_source source, const char *data, size_t len, programme_batch *out, char *err,
               size_t errlen);

int feed_parse_bizinfo_json(const char *data, size_t len, programme_batch *out, char *err, size_t errlen);
int feed_parse_bizinfo_rss(const char *data, size_t len, programme_batch *out, char *err, size_t errlen);
int feed_parse_kstartup(const char *data, size_t len, programme_batch *out, char *err, size_t errlen);
int feed_parse_smes24(const char *data, size_t len, programme_batch *out, char *err, size_t errlen);
int feed_parse_csv(const char *data, size_t len, programme_batch *out, char *err, size_t errlen);

#endif
