/* 중소벤처24 (smes.go.kr) 공고정보 연계 API V2: {"resultCd": "0", "resultMsg", "data": [...]}, no
 * paging. The feed with structured eligibility: besides the text (pblancNm, policyCnts, sportCnts,
 * sportTrget, sportInsttNm, pblancBgnDt/pblancEndDt) an item carries coded conditions (cmpScaleCd
 * CC10.., salsAmtCd + minSalsAmt/maxSalsAmt, emplyCntCd + minEmplyCnt/mixEmplyCnt [sic],
 * ablbizCd + minAblbiz/maxAblbiz 업력, minRpsntAge/maxRpsntAge, needCrtfnCd EC01.., areaCd 행정코드
 * pipe list, induty, fmleRpsntYn, fntnYn, refntnYn), kept as attributes for the rule extractor. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/feed_int.h"
#include "storage/programme_text.h"
#include "storage/tsv.h"

static const char *const conditions[] = {
    "areaCd",      "areaNm",         "cmpScaleCd",  "salsAmtCd",   "minSalsAmt",  "maxSalsAmt",
    "emplyCntCd",  "minEmplyCnt",    "mixEmplyCnt", "ablbizCd",    "minAblbiz",   "maxAblbiz",
    "minRpsntAge", "maxRpsntAge",    "induty",      "needCrtfnCd", "fmleRpsntYn", "fntnYn",
    "refntnYn",    "lifeCyclDvsnCd", "sportTypeCd", "bizTypeCd",   "sportInsttCd"};

/* An amount field: a number or a digit string (commas allowed), in won; absent gives -1. */
static int amount(json_t *o, const char *key, int64_t *out, char *why, size_t wl) {
  char *s;
  int rc = feedj_text(o, key, &s, why, wl);
  *out = -1;
  if (rc || !s || !*s) {
    free(s);
    return rc;
  }
  char digits[32];
  size_t n = 0;
  for (const char *p = s; *p && n + 1 < sizeof digits; p++)
    if (*p != ',') digits[n++] = *p;
  digits[n] = '\0';
  if (tsv_parse_int(digits, 0, INT64_C(1000000000000000), out) < 0) {
    snprintf(why, wl, "%s: not an amount in won (\"%.30s\")", key, s);
    rc = 1;
  }
  free(s);
  return rc;
}

static int smes24_item(json_t *o, programme_item *it, char *why, size_t wl) {
  int rc = 0;
  char *begin = NULL, *end = NULL, *field = NULL, *area = NULL, *policy = NULL, *content = NULL;
  FEEDJ_TRY(feedj_text(o, "pblancSeq", &it->source_id, why, wl));
  FEEDJ_TRY(feedj_clean(o, "pblancNm", false, &it->title, why, wl));
  FEEDJ_TRY(feedj_clean(o, "sportInsttNm", false, &it->agency, why, wl));
  FEEDJ_TRY(feedj_clean(o, "cntcInsttNm", false, &it->executor, why, wl));
  FEEDJ_TRY(feedj_clean(o, "policyCnts", true, &policy, why, wl));
  FEEDJ_TRY(feedj_clean(o, "sportCnts", true, &content, why, wl));
  FEEDJ_TRY(feedj_clean(o, "sportTrget", true, &it->target, why, wl));
  FEEDJ_TRY(feedj_text(o, "pblancDtlUrl", &it->url, why, wl));
  FEEDJ_TRY(feedj_text(o, "pblancBgnDt", &begin, why, wl));
  FEEDJ_TRY(feedj_text(o, "pblancEndDt", &end, why, wl));
  FEEDJ_TRY(feedj_text(o, "creatDt", &it->created, why, wl));
  FEEDJ_TRY(feedj_text(o, "updDt", &it->updated, why, wl));
  FEEDJ_TRY(feedj_text(o, "sportType", &field, why, wl));
  FEEDJ_TRY(feedj_text(o, "areaNm", &area, why, wl));
  FEEDJ_TRY(amount(o, "minSportAmt", &it->amount_min, why, wl));
  FEEDJ_TRY(amount(o, "maxSportAmt", &it->amount_max, why, wl));
  for (size_t i = 0; i < sizeof conditions / sizeof *conditions; i++) {
    char *v;
    FEEDJ_TRY(feedj_clean(o, conditions[i], false, &v, why, wl));
    if (v && *v && programme_item_attr(it, conditions[i], v) < 0) rc = -1;
    free(v);
    if (rc) goto out;
  }
  /* The summary: the 개요, then the 내용 after a blank line. */
  size_t n = (policy ? strlen(policy) : 0) + (content ? strlen(content) : 0) + 4;
  if (!(it->summary = malloc(n))) goto oom;
  snprintf(it->summary, n, "%s%s%s", policy ? policy : "",
           policy && *policy && content && *content ? "\n\n" : "", content ? content : "");
  const char *perr;
  if (!programme_period_from_dates(begin, end, &it->period, &perr)) {
    snprintf(why, wl, "period %.12s ~ %.12s: %s", begin ? begin : "", end ? end : "", perr);
    rc = 1;
    goto out;
  }
  n = (begin ? strlen(begin) : 0) + (end ? strlen(end) : 0) + 8;
  if (!(it->period_raw = malloc(n))) goto oom;
  snprintf(it->period_raw, n, "%s ~ %s", begin ? begin : "", end ? end : "");
  it->fields = ptext_list(field ? field : "", "|,");
  it->regions = ptext_regions(area ? area : "", "|,");
  if (!it->fields || !it->regions) goto oom;
out:
  free(begin);
  free(end);
  free(field);
  free(area);
  free(policy);
  free(content);
  return rc;
oom:
  rc = -1;
  goto out;
}

int feed_parse_smes24(const char *data, size_t len, programme_batch *out, char *err, size_t errlen) {
  programme_batch_init(out, FEED_SMES24);
  json_t *root = feedj_load(data, len, out, err, errlen);
  if (!root) return -1;
  int rc = 0;
  json_t *cd = json_object_get(root, "resultCd");
  const char *code = json_is_string(cd) ? json_string_value(cd) : NULL;
  char num[24];
  if (json_is_integer(cd)) {
    snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(cd));
    code = num;
  }
  json_t *items = json_object_get(root, "data");
  if (!json_is_object(root)) {
    snprintf(err, errlen, "not a 중소벤처24 response: not an object");
    rc = -1;
  } else if (!code || !*code) {
    snprintf(err, errlen, "feed error: no resultCd");
    rc = -1;
  } else if (strcmp(code, "0") != 0) {
    const char *msg = json_string_value(json_object_get(root, "resultMsg"));
    snprintf(err, errlen, "feed error %.8s: %.100s", code, msg ? msg : "");
    rc = -1;
  } else if (!json_is_array(items)) {
    snprintf(err, errlen, "not a 중소벤처24 response: no \"data\" list");
    rc = -1;
  } else if (feedj_items(items, out, smes24_item) < 0) {
    snprintf(err, errlen, "out of memory");
    rc = -1;
  }
  json_decref(root);
  if (rc < 0) {
    programme_batch_free(out);
    programme_batch_init(out, FEED_SMES24);
  }
  return rc;
}
