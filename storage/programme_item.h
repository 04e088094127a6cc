/* One support-programme announcement as a feed gave it, normalised (programme_item), and the
 * result of parsing one feed file (programme_batch): the items that passed, and the ones refused
 * with a reason each. Built by the pure parsers of storage/feed.h, read by the importer. A batch
 * owns every string in it; programme_batch_free releases them all. */
#ifndef MOA_STORAGE_PROGRAMME_ITEM_H
#define MOA_STORAGE_PROGRAMME_ITEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage/programme_period.h"

typedef enum feed_source {
  FEED_BIZINFO_JSON = 0, /* 기업마당 JSON: jsonArray, or the data.go.kr response envelope */
  FEED_BIZINFO_RSS,      /* 기업마당 RSS 2.0 */
  FEED_KSTARTUP,         /* K-Startup getAnnouncementInformation01 */
  FEED_SMES24,           /* 중소벤처24 공고정보 연계 API V2 */
  FEED_CSV,              /* Moa's CSV template for any other agency */
  FEED_SOURCE_COUNT
} feed_source;

/* "bizinfo_json", "bizinfo_rss", "kstartup", "smes24", "csv". */
const char *feed_source_name(feed_source s);
/* Returns true and *out for a known name; false otherwise. */
bool feed_source_from_name(const char *name, feed_source *out);

/* A fact the feed states about who may apply, under the feed's own field name (SME24 "cmpScaleCd"
 * = "CC10|CC30", K-Startup "biz_enyy" = "예비창업자,1년미만"), for the rule extractor. */
typedef struct programme_attr {
  char *key, *value;
} programme_attr;

typedef struct programme_item {
  char *source_id;   /* the feed's id (pblancId, seq, pbanc_sn, pblancSeq, CSV source_id) */
  char *title;       /* display text: entities decoded, tags removed, one line */
  char *agency;      /* 소관기관 (the ministry, local government or body announcing it) */
  char *executor;    /* 수행기관, "" when none or the agency itself */
  char *summary;     /* display text, may be multi-line, "" */
  char *fields;      /* '|' list of 지원분야 ("기술|수출"), "" */
  char *regions;     /* '|' list of 시도 short names, "전국", or "" (not stated) */
  char *target;      /* 지원대상 / 신청대상 text, "" */
  char *url;         /* the official notice, absolute, "" */
  char *attachments; /* '|' list of file names, "" */
  char *period_raw;  /* the period as written ("예산 소진시까지"), "" */
  programme_period period;
  int64_t amount_min, amount_max; /* 지원금액 in won, -1 when not stated */
  char *created, *updated;        /* the feed's timestamps as written, "" */
  char *raw;                      /* the item verbatim: JSON object text, XML element, CSV record */
  programme_attr *attrs;
  size_t nattrs;
} programme_item;

typedef struct programme_reject {
  size_t index;    /* 0-based position of the item in the feed */
  char *source_id; /* "" when the item had none */
  char *reason;
} programme_reject;

typedef struct programme_batch {
  feed_source source;
  programme_item *items;
  size_t nitems, items_cap;
  programme_reject *rejects;
  size_t nrejects, rejects_cap;
  size_t seen;         /* items the file held (accepted + rejected) */
  int64_t total_count; /* totalCount the envelope claims, -1 when it has none */
  size_t bad_bytes;    /* bytes that were not UTF-8 (replaced; items holding them are rejected) */
  /* private: ids seen so far (open addressing over items' source_id), for duplicate checks */
  size_t *id_slots, id_cap;
} programme_batch;

void programme_batch_init(programme_batch *b, feed_source source);
/* Frees every item, reject and string; b is zeroed (init again to reuse). */
void programme_batch_free(programme_batch *b);

/* Adds *it (its strings are taken over; *it is zeroed) after the last checks every parser
 * shares: id and title present, every text valid UTF-8 without control characters, lengths within
 * bounds, the id not already in the batch. On a failed check the item is freed and recorded as a
 * reject with the reason. Returns 0 (added or rejected), -1 when out of memory (*it freed). */
int programme_batch_add(programme_batch *b, size_t index, programme_item *it);

/* Records a reject (id may be NULL). Returns 0, or -1 when out of memory. */
int programme_batch_reject(programme_batch *b, size_t index, const char *id, const char *reason);

/* Appends an attribute to it (copies of key and value). Returns 0, or -1 when out of memory. */
int programme_item_attr(programme_item *it, const char *key, const char *value);
/* The value of it's attribute key, or NULL. */
const char *programme_item_get_attr(const programme_item *it, const char *key);

/* Frees the strings of it and zeroes it. */
void programme_item_clear(programme_item *it);

#endif
