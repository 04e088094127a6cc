/* K-Startup (창업진흥원) announcement feed, getAnnouncementInformation01 on data.go.kr:
 * {"currentCount", "data": [...], "matchCount", "page", "perPage", "totalCount"} with snake_case
 * items: pbanc_sn (a number), biz_pbanc_nm, pbanc_ctnt, supt_biz_clsfc 지원분야, supt_regin 지역,
 * aply_trgt 신청대상, pbanc_rcpt_bgng_dt / pbanc_rcpt_end_dt (YYYYMMDD), pbanc_ntrp_nm 공고기관,
 * sprv_inst 주관기관, detl_pg_url. biz_enyy (업력), biz_trgt_age and supt_regin are the portal's
 * search facets, not conditions (a project that read them as conditions found announcements
 * saying the opposite): they are kept as attributes for the rule extractor to treat as
 * preferences only, together with the explicit aply_trgt_ctnt, aply_excl_trgt_ctnt, prfn_matr. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/feed_int.h"
#include "storage/programme_text.h"

static int kstartup_item(json_t *o, programme_item *it, char *why, size_t wl) {
  int rc = 0;
  char *begin = NULL, *end = NULL, *field = NULL, *region = NULL, *sprv = NULL;
  FEEDJ_TRY(feedj_text(o, "pbanc_sn", &it->source_id, why, wl));
  FEEDJ_TRY(feedj_clean(o, "biz_pbanc_nm", false, &it->title, why, wl));
  if (!it->title) FEEDJ_TRY(feedj_clean(o, "intg_pbanc_biz_nm", false, &it->title, why, wl));
  FEEDJ_TRY(feedj_clean(o, "pbanc_ntrp_nm", false, &it->agency, why, wl));
  FEEDJ_TRY(feedj_clean(o, "sprv_inst", false, &sprv, why, wl));
  FEEDJ_TRY(feedj_clean(o, "pbanc_ctnt", true, &it->summary, why, wl));
  FEEDJ_TRY(feedj_clean(o, "aply_trgt", false, &it->target, why, wl));
  FEEDJ_TRY(feedj_text(o, "detl_pg_url", &it->url, why, wl));
  FEEDJ_TRY(feedj_text(o, "pbanc_rcpt_bgng_dt", &begin, why, wl));
  FEEDJ_TRY(feedj_text(o, "pbanc_rcpt_end_dt", &end, why, wl));
  FEEDJ_TRY(feedj_text(o, "supt_biz_clsfc", &field, why, wl));
  FEEDJ_TRY(feedj_text(o, "supt_regin", &region, why, wl));
  static const char *const facts[] = {"biz_enyy",  "biz_trgt_age",   "supt_regin",
                                      "aply_trgt", "aply_trgt_ctnt", "aply_excl_trgt_ctnt",
                                      "prfn_matr", "rcrt_prgs_yn",   "intg_pbanc_biz_nm"};
  for (size_t i = 0; i < sizeof facts / sizeof *facts; i++)
    FEEDJ_TRY(feedj_attr(o, it, facts[i], true, why, wl));
  /* The announcing body is the agency; when only the supervising one is given, that one. */
  if (!it->agency || !*it->agency) {
    free(it->agency);
    it->agency = sprv;
    sprv = NULL;
  } else if (sprv && strcmp(sprv, it->agency) != 0) {
    it->executor = sprv;
    sprv = NULL;
  }
  const char *perr;
  if (!programme_period_from_dates(begin, end, &it->period, &perr)) {
    snprintf(why, wl, "period %.12s ~ %.12s: %s", begin ? begin : "", end ? end : "", perr);
    rc = 1;
    goto out;
  }
  size_t n = (begin ? strlen(begin) : 0) + (end ? strlen(end) : 0) + 8;
  if (!(it->period_raw = malloc(n))) goto oom;
  snprintf(it->period_raw, n, "%s ~ %s", begin ? begin : "", end ? end : "");
  it->fields = ptext_list(field ? field : "", ",");
  it->regions = ptext_regions(region ? region : "", ",");
  if (!it->fields || !it->regions) goto oom;
out:
  free(begin);
  free(end);
  free(field);
  free(region);
  free(sprv);
  return rc;
oom:
  rc = -1;
  goto out;
}

int feed_parse_kstartup(const char *data, size_t len, programme_batch *out, char *err, size_t errlen) {
  programme_batch_init(out, FEED_KSTARTUP);
  json_t *root = feedj_load(data, len, out, err, errlen);
  if (!root) return -1;
  int rc = 0;
  json_t *items = json_object_get(root, "data");
  json_t *total = json_object_get(root, "totalCount");
  if (json_is_integer(total)) out->total_count = json_integer_value(total);
  if (!json_is_array(items)) {
    snprintf(err, errlen, "not a K-Startup response: no \"data\" list");
    rc = -1;
  } else if (feedj_items(items, out, kstartup_item) < 0) {
    snprintf(err, errlen, "out of memory");
    rc = -1;
  }
  json_decref(root);
  if (rc < 0) {
    programme_batch_free(out);
    programme_batch_init(out, FEED_KSTARTUP);
  }
  return rc;
}
