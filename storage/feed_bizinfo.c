/* 기업마당 (bizinfo.go.kr) JSON feed: the site API's {"jsonArray": [...]} and the data.go.kr mirror's
 * {"response": {"header": {"resultCode", "resultMsg"}, "body": {"items": {"item": [...]},
 * "totalCount"}}}. Item fields: pblancId, pblancNm, pblancUrl (often site-relative),
 * jrsdInsttNm 소관부처, excInsttNm 수행기관, bsnsSumryCn (HTML entities), pldirSportRealmLclasCodeNm
 * 지원분야, trgetNm, reqstBeginEndDe (free text), creatPnttm/updtPnttm, hashtags ("기술,서울,부산"),
 * fileNm ('@' list); the older variant also areaNm ("서울@부산") and industNm (KSIC ranges). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/feed_int.h"
#include "storage/programme_text.h"

static int bizinfo_item(json_t *o, programme_item *it, char *why, size_t wl) {
  int rc = 0;
  char *period = NULL, *url = NULL, *area = NULL, *tags = NULL, *field = NULL, *files = NULL;
  FEEDJ_TRY(feedj_text(o, "pblancId", &it->source_id, why, wl));
  FEEDJ_TRY(feedj_clean(o, "pblancNm", false, &it->title, why, wl));
  FEEDJ_TRY(feedj_clean(o, "jrsdInsttNm", false, &it->agency, why, wl));
  FEEDJ_TRY(feedj_clean(o, "excInsttNm", false, &it->executor, why, wl));
  FEEDJ_TRY(feedj_clean(o, "bsnsSumryCn", true, &it->summary, why, wl));
  FEEDJ_TRY(feedj_clean(o, "trgetNm", false, &it->target, why, wl));
  FEEDJ_TRY(feedj_text(o, "creatPnttm", &it->created, why, wl));
  FEEDJ_TRY(feedj_text(o, "updtPnttm", &it->updated, why, wl));
  FEEDJ_TRY(feedj_clean(o, "reqstBeginEndDe", false, &period, why, wl));
  FEEDJ_TRY(feedj_text(o, "pblancUrl", &url, why, wl));
  FEEDJ_TRY(feedj_text(o, "areaNm", &area, why, wl));
  FEEDJ_TRY(feedj_text(o, "hashtags", &tags, why, wl));
  FEEDJ_TRY(feedj_text(o, "pldirSportRealmLclasCodeNm", &field, why, wl));
  FEEDJ_TRY(feedj_text(o, "fileNm", &files, why, wl));
  static const char *const facts[] = {"trgetNm", "industNm", "areaNm", "hashtags",
                                      "pldirSportRealmMlsfcCodeNm"};
  for (size_t i = 0; i < sizeof facts / sizeof *facts; i++)
    FEEDJ_TRY(feedj_attr(o, it, facts[i], false, why, wl));

  it->period_raw = period ? period : strdup("");
  period = NULL;
  if (!it->period_raw) goto oom;
  FEEDJ_TRY(feed_period_text(it, it->period_raw, why, wl));
  if (url && url[0] == '/') {
    size_t n = strlen(url) + 32;
    if (!(it->url = malloc(n))) goto oom;
    snprintf(it->url, n, "https://www.bizinfo.go.kr%s", url);
  } else {
    it->url = url;
    url = NULL;
  }
  /* Regions: the '@' list when the item has one, else the 시도 among the hashtags. */
  it->regions = area && *area ? ptext_regions(area, "@,") : ptext_regions(tags ? tags : "", ",@");
  it->fields = ptext_list(field ? field : "", "@,");
  it->attachments = ptext_list(files ? files : "", "@");
  if (!it->regions || !it->fields || !it->attachments) goto oom;
out:
  free(period);
  free(url);
  free(area);
  free(tags);
  free(field);
  free(files);
  return rc;
oom:
  rc = -1;
  goto out;
}

/* The resultCode check of the data.go.kr envelope; 1 = no data (empty page), 0 = items follow. */
static int envelope_status(json_t *response, char *err, size_t errlen) {
  json_t *header = json_object_get(response, "header");
  const char *code = json_string_value(json_object_get(header, "resultCode"));
  const char *msg = json_string_value(json_object_get(header, "resultMsg"));
  if (!code || !*code) {
    snprintf(err, errlen, "feed error: no resultCode in the response header");
    return -1;
  }
  if (strcmp(code, "03") == 0) return 1; /* NODATA_ERROR: a page without items */
  if (strcmp(code, "00") != 0) {
    snprintf(err, errlen, "feed error %.8s: %.100s", code, msg ? msg : "");
    return -1;
  }
  return 0;
}

int feed_parse_bizinfo_json(const char *data, size_t len, programme_batch *out, char *err, size_t errlen) {
  programme_batch_init(out, FEED_BIZINFO_JSON);
  json_t *root = feedj_load(data, len, out, err, errlen);
  if (!root) return -1;
  json_t *items = NULL;
  int rc = 0;
  if (json_is_array(root)) {
    items = root;
  } else if (json_is_array(json_object_get(root, "jsonArray"))) {
    items = json_object_get(root, "jsonArray");
  } else if (json_is_object(json_object_get(root, "response"))) {
    json_t *resp = json_object_get(root, "response");
    int st = envelope_status(resp, err, errlen);
    json_t *body = json_object_get(resp, "body");
    json_t *total = json_object_get(body, "totalCount");
    if (json_is_integer(total)) out->total_count = json_integer_value(total);
    if (st < 0) {
      rc = -1;
    } else if (st == 0) {
      json_t *its = json_object_get(body, "items");
      if (json_is_object(its) && json_object_get(its, "item"))
        items = json_object_get(its, "item");
      else if (json_is_array(its))
        items = its;
      else if (!(json_is_object(its) && json_object_size(its) == 0) &&
               !(json_is_string(its) && !*json_string_value(its))) {
        snprintf(err, errlen, "not a 기업마당 response: body.items holds no item list");
        rc = -1;
      }
      if (items && !json_is_array(items) && !json_is_object(items)) {
        snprintf(err, errlen, "not a 기업마당 response: items.item is neither a list nor an item");
        rc = -1;
        items = NULL;
      }
    }
  } else {
    snprintf(err, errlen, "not a 기업마당 feed: no jsonArray and no response envelope");
    rc = -1;
  }
  if (rc == 0 && items && feedj_items(items, out, bizinfo_item) < 0) {
    snprintf(err, errlen, "out of memory");
    rc = -1;
  }
  json_decref(root);
  if (rc < 0) {
    programme_batch_free(out);
    programme_batch_init(out, FEED_BIZINFO_JSON);
  }
  return rc;
}
