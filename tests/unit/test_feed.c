/* Unit tests of the support-programme feed parsers (storage/feed_*.c) and their text helpers:
 * each real-format sample in tests/data/programmes parses with no reject and the expected
 * normalised fields (HTML entities decoded, '@' lists split, regions, periods, ids given as
 * numbers); malformed feeds fail as a whole with a clear reason (not JSON, wrong envelope, an
 * error result code, empty, DOCTYPE) while malformed items (missing fields, wrong types,
 * duplicated ids, bytes that are not UTF-8, impossible periods) are rejected one by one with the
 * rest kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// clang-format off
#include <cmocka.h>
// clang-format on

#include "src_file_support.h"
#include "storage/feed.h"
#include "storage/programme_text.h"

static void parse_file(feed_source src, const char *name, programme_batch *b) {
  size_t len;
  char path[256];
  snprintf(path, sizeof path, "tests/data/programmes/%s", name);
  char *data = src_file_read(path, &len);
  char err[256] = "";
  if (feed_parse(src, data, len, b, err, sizeof err) != 0) fail_msg("%s: %s", name, err);
  for (size_t i = 0; i < b->nrejects; i++)
    print_message("reject %zu (%s): %s\n", b->rejects[i].index, b->rejects[i].source_id,
                  b->rejects[i].reason);
  assert_int_equal(b->nrejects, 0);
  assert_int_equal(b->seen, b->nitems);
  free(data);
}

/* Parses text expecting success; returns the batch. */
static void parse_text(feed_source src, const char *text, programme_batch *b) {
  char err[256] = "";
  if (feed_parse(src, text, strlen(text), b, err, sizeof err) != 0) fail_msg("refused: %s", err);
}

static void expect_file_error(feed_source src, const char *text, size_t len, const char *want) {
  programme_batch b;
  char err[256] = "";
  assert_int_equal(feed_parse(src, text, len, &b, err, sizeof err), -1);
  if (!strstr(err, want)) fail_msg("error \"%s\" does not say \"%s\"", err, want);
  assert_int_equal(b.nitems, 0);
  assert_int_equal(b.nrejects, 0);
  programme_batch_free(&b);
}

static const programme_item *find(const programme_batch *b, const char *id) {
  for (size_t i = 0; i < b->nitems; i++)
    if (strcmp(b->items[i].source_id, id) == 0) return &b->items[i];
  fail_msg("no item %s", id);
  return NULL;
}

static void test_text_helpers(void **state) {
  (void)state;
  char *s = ptext_clean("수소&#40;H2&#41; &amp;lt;정정&amp;gt; &#x1F600; a &lt; b", false);
  assert_string_equal(s, "수소(H2) <정정> \xF0\x9F\x98\x80 a < b");
  free(s);
  s = ptext_clean("<p>첫 줄</p>\r\n<br/>  둘째   줄\t끝<b>굵게</b>&nbsp;", true);
  assert_string_equal(s, "첫 줄\n\n둘째 줄 끝 굵게");
  free(s);
  s = ptext_clean("&bogus; &#0; &#xD800; & &", false);
  assert_string_equal(s, "&bogus; &#0; &#xD800; & &");
  free(s);
  s = ptext_list(" 공고문.hwp @신청서.hwp@@공고문.hwp@ a|b ", "@");
  assert_string_equal(s, "공고문.hwp|신청서.hwp|a/b");
  free(s);
  s = ptext_regions("서울특별시@부산@기술@경상남도@서울@전라북도", "@");
  assert_string_equal(s, "서울|부산|경남|전북");
  free(s);
  s = ptext_title_norm("[정정] 2026년 창업도약패키지 (연장) 재공고");
  char *t = ptext_title_norm("2026년  창업도약-패키지");
  assert_string_equal(s, t);
  free(s);
  free(t);
  size_t n, bad;
  s = ptext_repair_utf8("ok\xFF\xC0\xAF한\xED\xA0\x80", 11, &n, &bad);
  assert_int_equal(bad, 6);
  assert_non_null(ptext_error(s));
  assert_null(ptext_error("한글 OK\n\t"));
  assert_non_null(ptext_error("bell\a"));
  free(s);
}

static void test_bizinfo_json(void **state) {
  (void)state;
  programme_batch b;
  parse_file(FEED_BIZINFO_JSON, "bizinfo.json", &b);
  assert_int_equal(b.nitems, 6);
  const programme_item *it = find(&b, "PBLN_000000000126771");
  assert_string_equal(it->title, "2026년 부산 수소(H2) 모빌리티 부품 실증 지원사업 공고");
  assert_string_equal(it->agency, "산업통상자원부");
  assert_string_equal(it->executor, "부산테크노파크");
  assert_string_equal(it->summary,
                      "수소 모빌리티 부품 기업의 실증을 지원합니다.\n\n- 지원규모: 5개사 내외\n- 지원내용: "
                      "실증비 최대 1억원");
  assert_string_equal(
      it->url,
      "https://www.bizinfo.go.kr/web/lay1/bbs/S1T122C128/AS/74/view.do?pblancId=PBLN_000000000126771");
  assert_string_equal(it->fields, "기술");
  assert_string_equal(it->regions, "부산|경남");
  assert_string_equal(it->attachments, "공고문.hwp|신청서 양식.hwp");
  assert_int_equal(it->period.kind, PERIOD_DATED);
  assert_string_equal(it->period.end, "2026-05-10");
  assert_string_equal(it->period_raw, "2026-04-27 ~ 2026-05-10");
  assert_string_equal(programme_item_get_attr(it, "pldirSportRealmMlsfcCodeNm"), "기술사업화");
  assert_non_null(strstr(it->raw, "\"pblancId\":\"PBLN_000000000126771\""));
  assert_int_equal(find(&b, "PBLN_000000000126800")->period.kind, PERIOD_ROLLING);
  it = find(&b, "PBLN_000000000126801");
  assert_int_equal(it->period.kind, PERIOD_BUDGET);
  assert_int_equal(strlen(it->regions) > 0, 1);
  assert_non_null(strstr(it->regions, "제주"));
  assert_string_equal(programme_item_get_attr(it, "industNm"),
                      "제조업(10~34)@전문, 과학 및 기술 서비스업(70~73)");
  assert_int_equal(find(&b, "PBLN_000000000126802")->period.kind, PERIOD_TBD);
  assert_string_equal(find(&b, "PBLN_000000000126803")->title, "창업도약패키지 <정정>");
  assert_int_equal(find(&b, "PBLN_000000000126803")->period.kind, PERIOD_VARIES);
  assert_int_equal(find(&b, "PBLN_000000000126804")->period.kind, PERIOD_CLOSED);
  programme_batch_free(&b);

  parse_file(FEED_BIZINFO_JSON, "pblancBsnsService-page1.json", &b);
  assert_int_equal(b.nitems, 2);
  assert_int_equal(b.total_count, 1514);
  it = find(&b, "PBLN_000000000126805");
  assert_string_equal(it->title, "충남 디스플레이 장비 국산화 R&D");
  assert_string_equal(it->period.start, "2026-11-20");
  assert_string_equal(it->period.end, "2026-12-04");
  programme_batch_free(&b);

  parse_file(FEED_BIZINFO_JSON, "pblancBsnsService-nodata.json", &b); /* NODATA: zero items, no error */
  assert_int_equal(b.nitems, 0);
  programme_batch_free(&b);
}

static void test_bizinfo_rss_agrees(void **state) {
  (void)state;
  programme_batch rss, json;
  parse_file(FEED_BIZINFO_RSS, "bizinfo.rss.xml", &rss);
  parse_file(FEED_BIZINFO_JSON, "bizinfo.json", &json);
  assert_int_equal(rss.nitems, 2);
  for (size_t i = 0; i < rss.nitems; i++) {
    const programme_item *r = &rss.items[i], *j = find(&json, r->source_id);
    assert_string_equal(r->title, j->title);
    assert_string_equal(r->agency, j->agency);
    assert_string_equal(r->url, j->url);
    assert_string_equal(r->fields, j->fields);
    assert_string_equal(r->regions, j->regions);
    assert_int_equal(r->period.kind, j->period.kind);
    assert_string_equal(r->period.end, j->period.end);
    assert_int_equal(r->period.closes_at, j->period.closes_at);
  }
  assert_string_equal(find(&rss, "PBLN_000000000126771")->summary,
                      "수소 모빌리티 부품 기업의 실증을 지원합니다.");
  assert_string_equal(find(&rss, "PBLN_000000000126800")->summary, "해외 마케팅 <바우처>");
  assert_non_null(strstr(find(&rss, "PBLN_000000000126800")->raw, "<seq>PBLN_000000000126800</seq>"));
  programme_batch_free(&rss);
  programme_batch_free(&json);
}

static void test_kstartup(void **state) {
  (void)state;
  programme_batch b;
  parse_file(FEED_KSTARTUP, "kstartup.json", &b);
  assert_int_equal(b.nitems, 3);
  const programme_item *it = find(&b, "174501"); /* a number in the feed */
  assert_string_equal(it->title, "2026년 예비창업패키지 예비창업자 모집 공고");
  assert_string_equal(it->agency, "창업진흥원");
  assert_string_equal(it->executor, "중소벤처기업부");
  assert_string_equal(it->regions, "전국");
  assert_string_equal(it->fields, "사업화");
  assert_string_equal(it->period.start, "2026-03-02");
  assert_string_equal(it->period.end, "2026-03-20");
  assert_string_equal(programme_item_get_attr(it, "biz_enyy"), "예비창업자");
  assert_string_equal(programme_item_get_attr(it, "aply_excl_trgt_ctnt"), "사업자등록 이력이 있는 자");
  assert_string_equal(find(&b, "174502")->executor, "");
  assert_int_equal(find(&b, "174503")->period.kind, PERIOD_TBD);
  programme_batch_free(&b);
}

static void test_smes24(void **state) {
  (void)state;
  programme_batch b;
  parse_file(FEED_SMES24, "smes24.json", &b);
  assert_int_equal(b.nitems, 2);
  const programme_item *it = find(&b, "1022301");
  assert_string_equal(it->title, "2026년 혁신성장 유망기업 R&D 지원");
  assert_string_equal(it->agency, "중소기업기술정보진흥원");
  assert_string_equal(it->summary, "기술혁신 중소기업의 R&D 지원\n\n연구개발비 지원");
  assert_int_equal(it->amount_min, 0);
  assert_int_equal(it->amount_max, 300000000);
  assert_string_equal(programme_item_get_attr(it, "cmpScaleCd"), "CC10");
  assert_string_equal(programme_item_get_attr(it, "maxSalsAmt"), "10000000000");
  assert_string_equal(programme_item_get_attr(it, "needCrtfnCd"), "EC08|EC06");
  assert_string_equal(programme_item_get_attr(it, "maxAblbiz"), "7");
  assert_null(programme_item_get_attr(it, "minEmplyCnt")); /* null in the feed */
  assert_string_equal(it->period.end, "2026-05-31");
  it = find(&b, "1022302");
  assert_string_equal(it->regions, "서울|경기|인천");
  assert_string_equal(programme_item_get_attr(it, "maxRpsntAge"), "39");
  programme_batch_free(&b);
}

static void test_csv(void **state) {
  (void)state;
  programme_batch b;
  parse_file(FEED_CSV, "agencies-local.csv", &b);
  assert_int_equal(b.nitems, 3);
  const programme_item *it = find(&b, "CSV-0001");
  assert_string_equal(it->summary, "시험·인증 비용을 지원합니다.\n- 기업당 최대 2,000만원");
  assert_string_equal(it->fields, "기술|인증");
  assert_int_equal(it->amount_max, 20000000);
  assert_string_equal(programme_item_get_attr(it, "주관"), "울산TP");
  assert_non_null(strstr(it->raw, "CSV-0001,\"2026 울산"));
  assert_string_equal(find(&b, "CSV-0002")->title, "\"스마트 제조\" 컨설팅");
  assert_int_equal(find(&b, "CSV-0002")->period.kind, PERIOD_ROLLING);
  assert_string_equal(find(&b, "CSV-0003")->period.end, "2026-07-31");
  programme_batch_free(&b);
}

static void test_file_errors(void **state) {
  (void)state;
  expect_file_error(FEED_BIZINFO_JSON, "", 0, "empty file");
  expect_file_error(FEED_BIZINFO_JSON, "{\"jsonArray\": [", 15, "not JSON");
  expect_file_error(FEED_BIZINFO_JSON, "{\"data\": []}", 12, "no jsonArray");
  const char *err_code =
      "{\"response\":{\"header\":{\"resultCode\":\"30\",\"resultMsg\":\"SERVICE_KEY_IS_NOT_REGISTERED_"
      "ERROR\"}}}";
  expect_file_error(FEED_BIZINFO_JSON, err_code, strlen(err_code),
                    "feed error 30: SERVICE_KEY_IS_NOT_REGISTERED");
  const char *no_code = "{\"response\":{\"header\":{\"resultCode\":\"\"},\"body\":{\"items\":{}}}}";
  expect_file_error(FEED_BIZINFO_JSON, no_code, strlen(no_code), "no resultCode");
  expect_file_error(FEED_KSTARTUP, "{\"currentCount\":0}", 18, "no \"data\" list");
  expect_file_error(FEED_KSTARTUP, "[1,2]", 5, "no \"data\" list");
  const char *sme_err = "{\"resultCd\":\"99\",\"resultMsg\":\"인증키 오류\"}";
  expect_file_error(FEED_SMES24, sme_err, strlen(sme_err), "feed error 99: 인증키 오류");
  expect_file_error(FEED_SMES24, "{\"resultCd\":\"0\"}", 16, "no \"data\" list");
  expect_file_error(FEED_BIZINFO_RSS, "<rss><channel><item>", 20, "not XML");
  expect_file_error(FEED_BIZINFO_RSS, "<feed/>", 7, "no rss/channel");
  const char *laughs = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaa\">]><rss><channel/></rss>";
  expect_file_error(FEED_BIZINFO_RSS, laughs, strlen(laughs), "DOCTYPE");
  expect_file_error(FEED_CSV, "\n\n", 2, "empty file");
  expect_file_error(FEED_CSV, "source_id,title,agency\nA,B,C\n", 29, "no period column");
  expect_file_error(FEED_CSV, "source_id,title,title,agency,period\n", 36, "appears twice");
  expect_file_error(FEED_CSV, "x", FEED_MAX_BYTES + 1, "larger than");
}

/* Bad items are refused one by one with a reason; the good ones around them are kept. */
static void test_item_rejects(void **state) {
  (void)state;
  programme_batch b;
  const char *feed =
      "{\"jsonArray\":["
      "{\"pblancId\":\"A1\",\"pblancNm\":\"좋은 "
      "공고\",\"jrsdInsttNm\":\"중기부\",\"reqstBeginEndDe\":\"상시\"},"
      "{\"pblancNm\":\"아이디 없음\",\"jrsdInsttNm\":\"중기부\"},"
      "{\"pblancId\":\"A3\",\"jrsdInsttNm\":\"중기부\"},"
      "{\"pblancId\":\"A4\",\"pblancNm\":\"기관 없음\"},"
      "{\"pblancId\":\"A5\",\"pblancNm\":[\"목록\"],\"jrsdInsttNm\":\"중기부\"},"
      "{\"pblancId\":\"A1\",\"pblancNm\":\"같은 아이디\",\"jrsdInsttNm\":\"중기부\"},"
      "{\"pblancId\":\"A7\",\"pblancNm\":\"날짜 "
      "오류\",\"jrsdInsttNm\":\"중기부\",\"reqstBeginEndDe\":\"2026-02-30 ~ 2026-03-01\"},"
      "{\"pblancId\":\"A8\",\"pblancNm\":\"깨진 \xB1\xE2\xBE\xF7\",\"jrsdInsttNm\":\"중기부\"},"
      "\"문자열\","
      "{\"pblancId\":\"A10\",\"pblancNm\":\"좋은 공고 "
      "둘\",\"jrsdInsttNm\":\"산업부\",\"hashtags\":{\"x\":1}},"
      "{\"pblancId\":12.5,\"pblancNm\":\"숫자 아이디\",\"jrsdInsttNm\":\"산업부\"},"
      "{\"pblancId\":\"A12\",\"pblancNm\":\"제어\\u0007문자\",\"jrsdInsttNm\":\"산업부\"},"
      "{\"pblancId\":\"A13\",\"pblancNm\":\"끝\",\"jrsdInsttNm\":\"산업부\",\"reqstBeginEndDe\":\"20260101 ~ "
      "20260131\"}"
      "]}";
  parse_text(FEED_BIZINFO_JSON, feed, &b);
  assert_int_equal(b.seen, 13);
  assert_int_equal(b.nitems + b.nrejects, 13);
  assert_int_equal(b.bad_bytes, 4);
  const char *want[][3] = {{"1", "", "missing id"},
                           {"2", "A3", "missing title"},
                           {"3", "A4", "missing agency"},
                           {"4", "A5", "pblancNm: expected text, got an array"},
                           {"5", "A1", "duplicated id (first seen as item 1)"},
                           {"6", "A7", "impossible date"},
                           {"7", "A8", "title: invalid UTF-8"},
                           {"8", "", "item is not an object"},
                           {"9", "A10", "hashtags: expected text, got an object"}};
  assert_int_equal(b.nrejects, sizeof want / sizeof *want);
  for (size_t i = 0; i < b.nrejects; i++) {
    assert_int_equal(b.rejects[i].index, strtoul(want[i][0], NULL, 10));
    assert_string_equal(b.rejects[i].source_id, want[i][1]);
    if (!strstr(b.rejects[i].reason, want[i][2]))
      fail_msg("reject %zu: \"%s\" does not say \"%s\"", i, b.rejects[i].reason, want[i][2]);
  }
  assert_int_equal(b.nitems, 4);
  assert_string_equal(b.items[0].source_id, "A1");
  assert_string_equal(b.items[1].source_id, "12.5");
  assert_string_equal(b.items[2].source_id, "A12");
  assert_string_equal(b.items[2].title, "제어 문자"); /* a control character in display text: a space */
  assert_string_equal(b.items[3].source_id, "A13");
  programme_batch_free(&b);

  /* a K-Startup item with a reversed period, SME24 with a bad amount, CSV with a short row */
  parse_text(
      FEED_KSTARTUP,
      "{\"data\":[{\"pbanc_sn\":1,\"biz_pbanc_nm\":\"t\",\"pbanc_ntrp_nm\":\"a\",\"pbanc_rcpt_bgng_dt\":"
      "\"20260320\","
      "\"pbanc_rcpt_end_dt\":\"20260302\"},{\"pbanc_sn\":2,\"biz_pbanc_nm\":\"t\",\"sprv_inst\":\"a\"}]}",
      &b);
  assert_int_equal(b.nitems, 1);
  assert_string_equal(b.items[0].agency, "a");
  assert_int_equal(b.nrejects, 1);
  assert_non_null(strstr(b.rejects[0].reason, "ends before it starts"));
  programme_batch_free(&b);
  parse_text(
      FEED_SMES24,
      "{\"resultCd\":\"0\",\"data\":[{\"pblancSeq\":1,\"pblancNm\":\"t\",\"sportInsttNm\":\"a\","
      "\"maxSportAmt\":\"삼억\"},"
      "{\"pblancSeq\":2,\"pblancNm\":\"t\",\"sportInsttNm\":\"a\",\"minSportAmt\":5,\"maxSportAmt\":1}]}",
      &b);
  assert_int_equal(b.nitems, 0);
  assert_int_equal(b.nrejects, 2);
  assert_non_null(strstr(b.rejects[0].reason, "maxSportAmt: not an amount"));
  assert_non_null(strstr(b.rejects[1].reason, "minimum above maximum"));
  programme_batch_free(&b);
  parse_text(
      FEED_CSV,
      "source_id,title,agency,period\r\nC1,t,a,상시\r\nC2,t,a\r\nC3,\"t\"x,a,상시\r\nC4,t,a,상시,extra\r\n"
      "C5,t,a,2026-01-01 ~ 2026-01-31\r\nC6,\"never closed,a,상시\r\n",
      &b);
  assert_int_equal(b.nitems, 2);
  assert_int_equal(b.nrejects, 4);
  assert_non_null(strstr(b.rejects[0].reason, "3 fields where the header has 4"));
  assert_non_null(strstr(b.rejects[1].reason, "text after a closing quote"));
  assert_non_null(strstr(b.rejects[2].reason, "5 fields"));
  assert_non_null(strstr(b.rejects[3].reason, "unterminated"));
  programme_batch_free(&b);
}

/* A feed served as EUC-KR: every item is refused as not UTF-8 (none silently garbled). */
static void test_euc_kr(void **state) {
  (void)state;
  programme_batch b;
  /* "기업" in EUC-KR is B1 E2 BE F7 */
  const char *feed =
      "{\"jsonArray\":[{\"pblancId\":\"E1\",\"pblancNm\":\"\xB1\xE2\xBE\xF7\",\"jrsdInsttNm\":\"\xB1\xE2\"}]"
      "}";
  parse_text(FEED_BIZINFO_JSON, feed, &b);
  assert_int_equal(b.nitems, 0);
  assert_int_equal(b.nrejects, 1);
  assert_non_null(strstr(b.rejects[0].reason, "EUC-KR"));
  programme_batch_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_text_helpers),
      cmocka_unit_test(test_bizinfo_json),
      cmocka_unit_test(test_bizinfo_rss_agrees),
      cmocka_unit_test(test_kstartup),
      cmocka_unit_test(test_smes24),
      cmocka_unit_test(test_csv),
      cmocka_unit_test(test_file_errors),
      cmocka_unit_test(test_item_rejects),
      cmocka_unit_test(test_euc_kr),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
