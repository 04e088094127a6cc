/* 기업마당 RSS 2.0 feed (bizinfoApi.do?dataType=rss): rss/channel/item, each with seq (the id),
 * title, link, author (기관), excInsttNm, lcategory (분야), reqstDt ("20220727 ~ 20220930"),
 * hashTags, description (HTML inside CDATA or escaped), pubDate, trgetNm. Read with libxml2
 * (a well-kept parser; RSS is XML with all its escaping rules), network access off, no entity
 * substitution and no DOCTYPE accepted (the predefined five entities and character references
 * still decode), and the raw item
 * kept as its serialized element. An encoding declaration other than UTF-8 (a feed served as
 * EUC-KR) is honoured by libxml2's converter; otherwise bytes that are not UTF-8 are replaced
 * first, as for JSON, so that only the items holding them are refused. */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "storage/feed.h"
#include "storage/feed_int.h"
#include "storage/programme_text.h"

/* The text content of the first child element called name, or NULL (malloc'd, libxml2's). */
static xmlChar *child_text(xmlNode *item, const char *name) {
  for (xmlNode *c = item->children; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0) return xmlNodeGetContent(c);
  return NULL;
}

/* ptext_clean of a child's text (NULL when absent); 0, or -1 when out of memory. */
static int child_clean(xmlNode *item, const char *name, bool multiline, char **out) {
  xmlChar *t = child_text(item, name);
  *out = NULL;
  if (!t) return 0;
  *out = ptext_clean((const char *)t, multiline);
  xmlFree(t);
  return *out ? 0 : -1;
}

static int rss_item(xmlDoc *doc, xmlNode *node, size_t index, programme_batch *b) {
  programme_item it = {0};
  char why[200];
  char *field = NULL, *tags = NULL, *period = NULL;
  it.amount_min = it.amount_max = -1;
  int rc = 0;
  if (child_clean(node, "seq", false, &it.source_id) < 0 ||
      child_clean(node, "title", false, &it.title) < 0 ||
      child_clean(node, "author", false, &it.agency) < 0 ||
      child_clean(node, "excInsttNm", false, &it.executor) < 0 ||
      child_clean(node, "description", true, &it.summary) < 0 ||
      child_clean(node, "trgetNm", false, &it.target) < 0 || child_clean(node, "link", false, &it.url) < 0 ||
      child_clean(node, "pubDate", false, &it.created) < 0 ||
      child_clean(node, "lcategory", false, &field) < 0 || child_clean(node, "hashTags", false, &tags) < 0 ||
      child_clean(node, "reqstDt", false, &period) < 0)
    goto oom;
  if (!it.source_id) { /* older items carry the id only as pblancId */
    if (child_clean(node, "pblancId", false, &it.source_id) < 0) goto oom;
  }
  if (tags && *tags && programme_item_attr(&it, "hashtags", tags) < 0) goto oom;
  if (it.target && *it.target && programme_item_attr(&it, "trgetNm", it.target) < 0) goto oom;
  it.period_raw = period ? period : strdup("");
  period = NULL;
  it.fields = ptext_list(field ? field : "", "@,");
  it.regions = ptext_regions(tags ? tags : "", ",@");
  xmlBuffer *buf = xmlBufferCreate();
  if (!buf) goto oom;
  if (xmlNodeDump(buf, doc, node, 0, 0) >= 0) it.raw = strdup((const char *)xmlBufferContent(buf));
  xmlBufferFree(buf);
  if (!it.period_raw || !it.fields || !it.regions || !it.raw) goto oom;
  if (feed_period_text(&it, it.period_raw, why, sizeof why)) {
    char *id = it.source_id ? strdup(it.source_id) : NULL;
    programme_item_clear(&it);
    rc = programme_batch_reject(b, index, id, why);
    free(id);
  } else {
    rc = programme_batch_add(b, index, &it);
  }
  goto out;
oom:
  programme_item_clear(&it);
  rc = -1;
out:
  free(field);
  free(tags);
  free(period);
  return rc;
}

static xmlNode *child_element(xmlNode *n, const char *name) {
  for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0) return c;
  return NULL;
}

/* True when the XML declaration names an encoding other than UTF-8. */
static bool declares_other_encoding(const char *data, size_t len) {
  size_t n = len < 200 ? len : 200;
  char head[201];
  memcpy(head, data, n);
  head[n] = '\0';
  for (size_t i = 0; i < n; i++)
    if (!head[i]) head[i] = ' ';
  const char *e = strstr(head, "encoding=");
  if (!e || !strstr(head, "<?xml")) return false;
  e += strlen("encoding=");
  if (*e == '"' || *e == '\'') e++; /* "encoding=" may end the head: never step past its NUL */
  return strncasecmp(e, "utf-8", 5) != 0 && strncasecmp(e, "utf8", 4) != 0;
}

int feed_parse_bizinfo_rss(const char *data, size_t len, programme_batch *out, char *err, size_t errlen) {
  programme_batch_init(out, FEED_BIZINFO_RSS);
  if (len == 0) {
    snprintf(err, errlen, "empty file");
    return -1;
  }
  if (len > FEED_MAX_BYTES || len > (size_t)INT32_MAX) {
    snprintf(err, errlen, "file larger than %u bytes", FEED_MAX_BYTES);
    return -1;
  }
  char *text = NULL;
  size_t n = len, bad = 0;
  if (!declares_other_encoding(data, len)) {
    if (!(text = ptext_repair_utf8(data, len, &n, &bad))) {
      snprintf(err, errlen, "out of memory");
      return -1;
    }
    out->bad_bytes = bad;
  }
  /* RSS needs no DTD; refusing one keeps entity expansion (billion laughs, external entities)
   * out of reach entirely. */
  if (memmem(text ? text : data, n, "<!DOCTYPE", 9) || memmem(text ? text : data, n, "<!ENTITY", 8)) {
    free(text);
    snprintf(err, errlen, "not accepted: the feed has a DOCTYPE or ENTITY declaration");
    return -1;
  }
  xmlDoc *doc = xmlReadMemory(text ? text : data, (int)n, NULL, NULL,
                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
  free(text);
  if (!doc) {
    const xmlError *xe = xmlGetLastError();
    snprintf(err, errlen, "not XML (line %d: %.100s)", xe ? xe->line : 0,
             xe && xe->message ? xe->message : "");
    for (char *p = err; *p; p++)
      if (*p == '\n') *p = ' ';
    return -1;
  }
  int rc = 0;
  xmlNode *root = xmlDocGetRootElement(doc);
  xmlNode *channel =
      root && strcmp((const char *)root->name, "rss") == 0 ? child_element(root, "channel") : NULL;
  if (!channel) {
    snprintf(err, errlen, "not an RSS feed: no rss/channel");
    rc = -1;
  }
  size_t index = 0;
  for (xmlNode *c = channel ? channel->children : NULL; c && rc == 0; c = c->next) {
    if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "item") != 0) continue;
    out->seen++;
    if (rss_item(doc, c, index++, out) < 0) {
      snprintf(err, errlen, "out of memory");
      rc = -1;
    }
  }
  xmlFreeDoc(doc);
  if (rc < 0) {
    programme_batch_free(out);
    programme_batch_init(out, FEED_BIZINFO_RSS);
  }
  return rc;
}
