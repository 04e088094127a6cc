/* Feed parsing: the dispatch by source and the helpers the JSON parsers share (see feed.h and
 * feed_int.h). JSON is read with jansson; since jansson refuses a whole document for one byte
 * that is not UTF-8, such bytes are first replaced by U+FFFD, and the items holding one are then
 * refused by programme_batch_add: one broken item does not cost the rest of the feed. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/feed_int.h"
#include "storage/programme_text.h"

int feed_parse(feed_source source, const char *data, size_t len, programme_batch *out, char *err,
               size_t errlen) {
  switch (source) {
    case FEED_BIZINFO_JSON:
      return feed_parse_bizinfo_json(data, len, out, err, errlen);
    case FEED_BIZINFO_RSS:
      return feed_parse_bizinfo_rss(data, len, out, err, errlen);
    case FEED_KSTARTUP:
      return feed_parse_kstartup(data, len, out, err, errlen);
    case FEED_SMES24:
      return feed_parse_smes24(data, len, out, err, errlen);
    case FEED_CSV:
      return feed_parse_csv(data, len, out, err, errlen);
    default:
      break;
  }
  programme_batch_init(out, source);
  snprintf(err, errlen, "unknown feed source");
  return -1;
}

json_t *feedj_load(const char *data, size_t len, programme_batch *b, char *err, size_t errlen) {
  if (len == 0) {
    snprintf(err, errlen, "empty file");
    return NULL;
  }
  if (len > FEED_MAX_BYTES) {
    snprintf(err, errlen, "file larger than %u bytes", FEED_MAX_BYTES);
    return NULL;
  }
  size_t n, bad;
  char *text = ptext_repair_utf8(data, len, &n, &bad);
  if (!text) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  b->bad_bytes = bad;
  const char *p = text;
  if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3, n -= 3; /* byte-order mark */
  json_error_t je;
  json_t *root = json_loadb(p, n, JSON_DECODE_ANY, &je);
  free(text);
  if (!root) {
    snprintf(err, errlen, "not JSON (line %d: %s)", je.line, je.text);
    return NULL;
  }
  return root;
}

int feedj_text(json_t *obj, const char *key, char **out, char *why, size_t whylen) {
  json_t *v = json_object_get(obj, key);
  *out = NULL;
  if (!v || json_is_null(v)) return 0;
  char num[32];
  const char *s;
  if (json_is_string(v)) {
    s = json_string_value(v);
    if (strlen(s) != json_string_length(v)) {
      snprintf(why, whylen, "%s: NUL character", key);
      return 1;
    }
  } else if (json_is_integer(v)) {
    snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    s = num;
  } else if (json_is_real(v)) {
    snprintf(num, sizeof num, "%.17g", json_real_value(v));
    s = num;
  } else {
    snprintf(why, whylen, "%s: expected text, got %s", key,
             json_is_object(v)  ? "an object"
             : json_is_array(v) ? "an array"
                                : "true/false");
    return 1;
  }
  *out = strdup(s);
  return *out ? 0 : -1;
}

int feedj_clean(json_t *obj, const char *key, bool multiline, char **out, char *why, size_t whylen) {
  char *raw;
  int rc = feedj_text(obj, key, &raw, why, whylen);
  *out = NULL;
  if (rc || !raw) return rc;
  *out = ptext_clean(raw, multiline);
  free(raw);
  return *out ? 0 : -1;
}

int feedj_attr(json_t *obj, programme_item *it, const char *key, bool multiline, char *why, size_t whylen) {
  char *v;
  int rc = feedj_clean(obj, key, multiline, &v, why, whylen);
  if (rc || !v) return rc;
  rc = *v ? (programme_item_attr(it, key, v) < 0 ? -1 : 0) : 0;
  free(v);
  return rc;
}

char *feedj_id(json_t *obj, const char *key) {
  char why[8], *id = NULL;
  if (feedj_text(obj, key, &id, why, sizeof why) < 0) return NULL;
  return id ? id : strdup("");
}

int feed_period_text(programme_item *it, const char *text, char *why, size_t whylen) {
  const char *perr;
  if (!programme_period_parse(text, &it->period, &perr)) {
    snprintf(why, whylen, "period \"%.60s\": %s", text, perr);
    return 1;
  }
  return 0;
}

static int one_item(json_t *obj, size_t index, programme_batch *b, feedj_item_fn fn) {
  char why[200];
  if (!json_is_object(obj)) return programme_batch_reject(b, index, NULL, "item is not an object");
  programme_item it = {0};
  it.amount_min = it.amount_max = -1;
  int rc = fn(obj, &it, why, sizeof why);
  if (rc == 0) {
    it.raw = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (!it.raw) rc = -1;
  }
  if (rc < 0) {
    programme_item_clear(&it);
    return -1;
  }
  if (rc == 1) {
    /* The reject names the id the item gave, even when another field was what failed. */
    char *id = it.source_id ? strdup(it.source_id) : NULL;
    programme_item_clear(&it);
    int r = programme_batch_reject(b, index, id, why);
    free(id);
    return r;
  }
  return programme_batch_add(b, index, &it);
}

int feedj_items(json_t *arr, programme_batch *b, feedj_item_fn fn) {
  if (json_is_object(arr)) {
    if (json_object_size(arr) == 0) return 0; /* data.go.kr's "items": {} for no data */
    b->seen = 1;
    return one_item(arr, 0, b, fn);
  }
  size_t i;
  json_t *v;
  json_array_foreach(arr, i, v) {
    b->seen++;
    if (one_item(v, i, b, fn) < 0) return -1;
  }
  return 0;
}
