/* Unit tests of storage/directory_store (read through signaling/directory_json, the JSON partner.*
 * replies carry) on ":memory:" databases: Korean and English free text
 * (the bigram index, two-character Korean terms included), filters, facets, pagination, hidden organizations,
 * contacts, edit rights and profile edits kept in sync with the index, suggestions with their
 * reasons, FTS syntax that must not error, and a 2,500-organization directory whose results
 * are checked against what the generator put in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cmocka.h needs the headers above first: keep the formatter from sorting it before them. */
// clang-format off
#include <cmocka.h>
// clang-format on

#include "signaling/directory_json.h"
#include "storage/directory_store.h"
#include "store_test_support.h"

static const char *FIXTURE = STORE_TEST_CONSORTIUM
    "INSERT INTO sectors VALUES (2, '바이오', 'Bio');"
    "INSERT INTO regions VALUES (2, '전북'), (3, '부산');"
    "INSERT INTO complexes VALUES (2, 2, '완주'), (3, 3, '녹산');"
    "INSERT INTO consortia(id, sector_id, lead_region_id, lead_complex_id, name_ko, name_en) VALUES (2, 2, "
    "2, 2, '바이오 컨소시엄', 'Bio');"
    "INSERT INTO organizations(id, kind, name, name_en, sector_id, region_id, complex_id, size, exports,"
    " capabilities, keywords, description, hidden_outside) VALUES"
    " (1, 'company', '가나수소', 'Gana Hydrogen', 1, 1, 1, 'small', 1, '수소연료전지 스택 설계',"
    "  'fuel cell, hydrogen', '울산의 연료전지 기업', 0),"
    " (2, 'company', '다라에너지', 'Dara Energy', 1, 2, 2, 'medium', 0, '수소 저장 탱크', 'storage', '', 0),"
    " (3, 'university', '울산대학교', 'University of Ulsan', NULL, 1, 1, 'large', 0, '연료전지 시험 평가, "
    "인증',"
    "  'testing', '', 0),"
    " (4, 'company', '숨은기업', 'Hidden Co', 1, 3, 3, 'small', 0, '수소연료전지 부품', 'parts', '', 1),"
    " (5, 'company', '바이오랩', 'BioLab', 2, 2, 2, 'micro', 0, '바이오 의약품', 'pharma', '', 0);"
    "INSERT INTO memberships(org_id, consortium_id) VALUES (1, 1), (2, 1), (3, 1), (4, 2), (5, 2);"
    "INSERT INTO users(id, email, name, org_id, password_hash, is_admin) VALUES"
    " (1, 'kim@gana', '김가나', 1, 'x', 0), (2, 'lee@bio', '이바이오', 5, 'x', 0), (3, 'admin@x', '관리자', "
    "NULL, 'x', 1),"
    " (4, 'coord@ulsan', '박코디', 3, 'x', 0), (5, 'nobody@x', '무소속', NULL, 'x', 0), (6, 'park@gana', "
    "'박가나', 1, 'x', 0);"
    "INSERT INTO user_roles VALUES (1, 1, 'member'), (2, 2, 'member'), (4, 1, 'coordinator'), (6, 1, "
    "'member');";

static int setup(void **state) { return store_test_setup(state, FIXTURE); }

static directory_query any(void) { return (directory_query){.exports = -1}; }

/* Searches and returns the result ids as a comma list in "ids", and the total. */
static int64_t search_ids(moa_db *db, int64_t viewer, const directory_query *q, char *ids, size_t cap) {
  json_t *r = NULL;
  assert_int_equal(directory_json_search(db, viewer, q, &r), STORE_OK);
  ids[0] = 0;
  json_t *res = json_object_get(r, "results");
  for (size_t i = 0; i < json_array_size(res); i++) {
    size_t used = strlen(ids);
    snprintf(ids + used, cap - used, "%s%lld", i ? "," : "",
             (long long)json_integer_value(json_object_get(json_array_get(res, i), "id")));
  }
  int64_t total = json_integer_value(json_object_get(r, "total"));
  json_decref(r);
  return total;
}

static int64_t facet_count(json_t *facets, const char *name, const char *key, json_t *want) {
  json_t *list = json_object_get(facets, name);
  for (size_t i = 0; i < json_array_size(list); i++) {
    json_t *e = json_array_get(list, i);
    if (json_equal(json_object_get(e, key), want)) return json_integer_value(json_object_get(e, "count"));
  }
  return 0;
}

static void test_text_and_visibility(void **state) {
  moa_db *db = *state;
  char ids[256];
  directory_query q = any();
  q.text = "수소연료전지";
  assert_int_equal(search_ids(db, 1, &q, ids, sizeof ids), 1);
  assert_string_equal(ids, "1");
  assert_int_equal(search_ids(db, 2, &q, ids, sizeof ids), 2); /* 4 is hidden outside consortium 2 */
  assert_int_equal(search_ids(db, 3, &q, ids, sizeof ids), 2); /* admin sees all */
  assert_int_equal(search_ids(db, 5, &q, ids, sizeof ids), 1);
  q.text = "수소"; /* two characters: LIKE fallback, inside compounds */
  assert_int_equal(search_ids(db, 1, &q, ids, sizeof ids), 2);
  assert_string_equal(ids, "1,2");
  q.text = "연료전지";
  assert_int_equal(search_ids(db, 1, &q, ids, sizeof ids), 2);
  assert_true(strcmp(ids, "1,3") == 0 || strcmp(ids, "3,1") == 0);
  q.text = "FUEL cell";
  assert_int_equal(search_ids(db, 1, &q, ids, sizeof ids), 1);
  q.text = "ulsan";
  assert_int_equal(search_ids(db, 1, &q, ids, sizeof ids), 1);
  assert_string_equal(ids, "3");
  q.text = "수소 탱크"; /* a short and a long term together */
  assert_int_equal(search_ids(db, 1, &q, ids, sizeof ids), 1);
  assert_string_equal(ids, "2");
  q.text = "   ";
  assert_int_equal(search_ids(db, 1, &q, ids, sizeof ids), 4);

  json_t *p = NULL;
  assert_int_equal(directory_json_get(db, 1, 4, &p), STORE_NOT_FOUND);
  assert_null(p);
  assert_int_equal(directory_json_get(db, 2, 4, &p), STORE_OK);
  assert_string_equal(json_string_value(json_object_get(p, "name")), "숨은기업");
  assert_true(json_is_true(json_object_get(p, "hidden_outside")));
  assert_null(json_object_get(p, "contacts")); /* contact details only through _contacts */
  json_decref(p);
  assert_int_equal(directory_json_get(db, 1, 1, &p), STORE_OK);
  assert_string_equal(json_string_value(json_object_get(json_object_get(p, "sector"), "name_en")),
                      "Hydrogen");
  assert_string_equal(json_string_value(json_object_get(json_object_get(p, "region"), "name_ko")), "울산");
  assert_int_equal(
      json_integer_value(json_object_get(json_array_get(json_object_get(p, "consortia"), 0), "id")), 1);
  assert_true(json_is_true(json_object_get(p, "exports")));
  json_decref(p);
  assert_int_equal(directory_json_get(db, 99, 1, &p), STORE_FORBIDDEN);
  assert_int_equal(directory_json_get(db, 1, 99, &p), STORE_NOT_FOUND);

  json_t *c = NULL;
  assert_int_equal(directory_json_contacts(db, 2, 1, &c), STORE_OK);
  json_t *list = json_object_get(c, "contacts");
  assert_int_equal(json_array_size(list), 2);
  assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "email")), "kim@gana");
  json_decref(c);
  assert_int_equal(directory_json_contacts(db, 1, 4, &c), STORE_NOT_FOUND);
  assert_null(c);
}

/* Ranking: per term 10 in the name (Korean or English), 4 in capabilities or keywords, 1
 * elsewhere, summed over the terms; ties in name order. Names are chosen so that name order
 * alone would give other answers. */
static void test_ranking(void **state) {
  moa_db *db = *state;
  assert_int_equal(
      sqlite3_exec(db_handle(db),
                   "INSERT INTO organizations(id, kind, name, name_en, sector_id, region_id, size,"
                   " exports, capabilities, keywords, description) VALUES"
                   " (6, 'company', '가가테크', 'Gaga Tech', 1, 1, 'small', 0, '', '', '에너지 저장 연구'),"
                   " (7, 'company', '하하저장', 'Haha Storage', 1, 1, 'small', 0, '', '', '');"
                   "INSERT INTO memberships(org_id, consortium_id) VALUES (6, 1), (7, 1);",
                   NULL, NULL, NULL),
      SQLITE_OK);
  char ids[256];
  directory_query q = any();
  q.text = "저장"; /* 7: name (10); 2: capabilities (4); 6: description (1) */
  assert_int_equal(search_ids(db, 1, &q, ids, sizeof ids), 3);
  assert_string_equal(ids, "7,2,6");
  q.text = "storage"; /* 7: name_en (10); 2: keywords (4) */
  assert_int_equal(search_ids(db, 1, &q, ids, sizeof ids), 2);
  assert_string_equal(ids, "7,2");
  q.text = "저장 연구"; /* both terms only in 6's description */
  assert_int_equal(search_ids(db, 1, &q, ids, sizeof ids), 1);
  assert_string_equal(ids, "6");
  q.text = "수소 저장"; /* 2: 4 + 4; 1: name 10 for 수소, but no 저장: not a hit */
  assert_int_equal(search_ids(db, 1, &q, ids, sizeof ids), 1);
  assert_string_equal(ids, "2");
  q.text = "에너지 저장"; /* 2: name 다라에너지 (10) + capabilities (4); 6: description 1 + 1 */
  assert_int_equal(search_ids(db, 1, &q, ids, sizeof ids), 2);
  assert_string_equal(ids, "2,6");
  q.text = "stor"; /* an English word prefix */
  assert_int_equal(search_ids(db, 1, &q, ids, sizeof ids), 2);
  q.text = "torage"; /* not the start of a word: English is searched by word prefix */
  assert_int_equal(search_ids(db, 1, &q, ids, sizeof ids), 0);
}

static void test_fts_syntax_never_errors(void **state) {
  moa_db *db = *state;
  const char *nasty[] = {"\"",        "*",     "NEAR(",        "AND OR",   "a\"b",  "NEAR(수소 연료, 2)",
                         "name:수소", "-수소", "^가나",        "(((",      "%",     "_",
                         "\\",        "OR",    "NOT 수소연료", "\"\"\"\"", "수소*", "{name}: x"};
  for (size_t i = 0; i < sizeof nasty / sizeof *nasty; i++) {
    directory_query q = any();
    q.text = nasty[i];
    json_t *r = NULL;
    assert_int_equal(directory_json_search(db, 1, &q, &r), STORE_OK);
    json_decref(r);
  }
  char ids[64];
  directory_query q = any();
  q.text = "%";
  assert_int_equal(search_ids(db, 1, &q, ids, sizeof ids), 0);
  json_t *r = NULL;
  q.text = "\xff\xfe";
  assert_int_equal(directory_json_search(db, 1, &q, &r), STORE_INVALID);
  q.text = "tab\there";
  assert_int_equal(directory_json_search(db, 1, &q, &r), STORE_INVALID);
  q = any();
  q.kind = "spaceship";
  assert_int_equal(directory_json_search(db, 1, &q, &r), STORE_INVALID);
  q = any();
  q.offset = -1;
  assert_int_equal(directory_json_search(db, 1, &q, &r), STORE_INVALID);
  assert_null(r);
  q = any();
  assert_int_equal(directory_json_search(db, 77, &q, &r), STORE_FORBIDDEN);
}

static void test_filters_facets_paging(void **state) {
  moa_db *db = *state;
  char ids[256];
  directory_query q = any();
  q.sector_id = 1;
  assert_int_equal(search_ids(db, 1, &q, ids, sizeof ids), 2);
  q = any();
  q.region_id = 2;
  assert_int_equal(search_ids(db, 1, &q, ids, sizeof ids), 2);
  assert_string_equal(ids, "2,5");
  q = any();
  q.kind = "university";
  assert_int_equal(search_ids(db, 1, &q, ids, sizeof ids), 1);
  assert_string_equal(ids, "3");
  q = any();
  q.exports = 1;
  assert_int_equal(search_ids(db, 1, &q, ids, sizeof ids), 1);
  q = any();
  q.consortium_id = 2;
  assert_int_equal(search_ids(db, 1, &q, ids, sizeof ids), 1); /* 4 hidden */
  assert_int_equal(search_ids(db, 2, &q, ids, sizeof ids), 2);
  q = any();
  q.complex_id = 1;
  q.size = "large";
  assert_int_equal(search_ids(db, 1, &q, ids, sizeof ids), 1);
  q.text = "연료";
  q.complex_id = 0;
  q.size = NULL;
  q.sector_id = 1;
  assert_int_equal(search_ids(db, 1, &q, ids, sizeof ids), 1);

  json_t *r = NULL;
  q = any();
  assert_int_equal(directory_json_search(db, 1, &q, &r), STORE_OK);
  assert_int_equal(json_integer_value(json_object_get(r, "total")), 4);
  json_t *f = json_object_get(r, "facets");
  json_t *one = json_integer(1), *two = json_integer(2);
  json_t *company = json_string("company"), *uni = json_string("university");
  assert_int_equal(facet_count(f, "sector", "id", one), 2);
  assert_int_equal(facet_count(f, "sector", "id", two), 1);
  assert_int_equal(facet_count(f, "consortium", "id", one), 3);
  assert_int_equal(facet_count(f, "consortium", "id", two), 1);
  assert_int_equal(facet_count(f, "region", "id", one), 2);
  assert_int_equal(facet_count(f, "kind", "value", company), 3);
  assert_int_equal(facet_count(f, "kind", "value", uni), 1);
  assert_int_equal(facet_count(f, "exports", "value", json_true()), 1);
  assert_int_equal(facet_count(f, "exports", "value", json_false()), 3);
  assert_int_equal(facet_count(f, "size", "value", company), 0);
  json_t *first = json_array_get(json_object_get(f, "consortium"), 0);
  assert_string_equal(json_string_value(json_object_get(first, "name")), "수소 컨소시엄");
  json_decref(r);
  q.region_id = 1;
  assert_int_equal(directory_json_search(db, 1, &q, &r), STORE_OK);
  f = json_object_get(r, "facets");
  assert_int_equal(json_array_size(json_object_get(f, "region")), 1);
  assert_int_equal(facet_count(f, "kind", "value", company), 1);
  json_decref(r);
  json_decref(one), json_decref(two), json_decref(company), json_decref(uni);

  /* pages of 2 in name order: 가나수소, 다라에너지 | 바이오랩, 울산대학교 | empty */
  q = any();
  q.limit = 2;
  assert_int_equal(search_ids(db, 1, &q, ids, sizeof ids), 4);
  assert_string_equal(ids, "1,2");
  q.offset = 2;
  assert_int_equal(search_ids(db, 1, &q, ids, sizeof ids), 4);
  assert_string_equal(ids, "5,3");
  q.offset = 4;
  assert_int_equal(search_ids(db, 1, &q, ids, sizeof ids), 4);
  assert_string_equal(ids, "");
  q.offset = 0;
  q.limit = 500; /* clamped */
  assert_int_equal(directory_json_search(db, 1, &q, &r), STORE_OK);
  assert_int_equal(json_integer_value(json_object_get(r, "limit")), DIRECTORY_STORE_MAX_LIMIT);
  json_decref(r);
}

static void test_edit_rights_and_profile_update(void **state) {
  moa_db *db = *state;
  assert_true(directory_store_can_edit(db, 1, 1));  /* own organization */
  assert_false(directory_store_can_edit(db, 1, 2)); /* a member of the same consortium */
  assert_true(directory_store_can_edit(db, 4, 2));  /* coordinator of consortium 1 */
  assert_false(directory_store_can_edit(db, 4, 5)); /* not in the coordinator's consortium */
  assert_true(directory_store_can_edit(db, 3, 5));  /* admin */
  assert_false(directory_store_can_edit(db, 5, 1));
  assert_false(directory_store_can_edit(db, 3, 99)); /* unknown organization */

  char ids[64];
  directory_query q = any();
  json_t *out = NULL;
  json_t *bad[] = {
      json_pack("{s:s}", "owner", "me"), json_pack("{s:s, s:s}", "keywords", "새 키워드", "size", "gigantic"),
      json_pack("{s:s}", "name", "  "),  json_pack("{s:s}", "name", "두 줄\n이름"),
      json_pack("{s:i}", "exports", 1),  json_pack("{s:s}", "description", "bad \x01"),
      json_pack("{s:i}", "keywords", 5), json_pack("[]"),
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    assert_int_equal(directory_json_update(db, 1, bad[i], &out), STORE_INVALID);
    assert_null(out);
    json_decref(bad[i]);
  }
  q.text = "새 키워드";
  assert_int_equal(search_ids(db, 1, &q, ids, sizeof ids), 0); /* nothing was written */

  json_t *good = json_pack("{s:s, s:s, s:b, s:s}", "keywords", " 그린수소, electrolyzer ", "size", "medium",
                           "exports", 0, "description", "");
  assert_int_equal(directory_json_update(db, 1, good, &out), STORE_OK);
  json_decref(good);
  assert_string_equal(json_string_value(json_object_get(out, "keywords")), "그린수소, electrolyzer");
  assert_string_equal(json_string_value(json_object_get(out, "size")), "medium");
  assert_string_equal(json_string_value(json_object_get(out, "name")), "가나수소"); /* untouched */
  json_decref(out);
  q.text = "electrolyzer";
  assert_int_equal(search_ids(db, 1, &q, ids, sizeof ids), 1);
  q.text = "fuel cell";
  assert_int_equal(search_ids(db, 1, &q, ids, sizeof ids), 0); /* the old keywords left the index */
  good = json_pack("{s:b}", "hidden_outside", 1);
  assert_int_equal(directory_json_update(db, 99, good, NULL), STORE_NOT_FOUND);
  assert_int_equal(directory_json_update(db, 2, good, NULL), STORE_OK);
  json_decref(good);
  q = any();
  assert_int_equal(search_ids(db, 2, &q, ids, sizeof ids), 4); /* consortium 2 no longer sees 2 */
  assert_string_equal(ids, "1,5,4,3");
  assert_int_equal(search_ids(db, 1, &q, ids, sizeof ids), 4); /* 2 is in consortium 1 */
}

static void test_suggestions(void **state) {
  moa_db *db = *state;
  json_t *s = NULL;
  assert_int_equal(directory_json_suggest(db, 1, 1, 5, &s), STORE_OK);
  assert_int_equal(json_array_size(json_object_get(s, "suggestions")), 0);
  json_decref(s);
  /* someone of org 1 searches for storage tanks: org 2 (same sector, another region) offers them */
  directory_query q = any();
  q.text = "저장 탱크";
  json_t *r = NULL;
  assert_int_equal(directory_json_search(db, 6, &q, &r), STORE_OK);
  json_decref(r);
  assert_int_equal(directory_json_suggest(db, 1, 1, 5, &s), STORE_OK);
  json_t *list = json_object_get(s, "suggestions");
  assert_int_equal(json_array_size(list), 1);
  json_t *first = json_array_get(list, 0);
  assert_int_equal(json_integer_value(json_object_get(json_object_get(first, "org"), "id")), 2);
  assert_string_equal(json_string_value(json_object_get(first, "reason_ko")),
                      "같은 업종, 다른 지역 · 제공: 저장, 탱크 (우리 기관이 검색한 항목)");
  assert_string_equal(json_string_value(json_object_get(first, "reason_en")),
                      "same sector, different region; offers 저장, 탱크 (your organization searched for)");
  json_decref(s);
  /* the admin also sees hidden org 4, which offers what org 1 lists (수소연료전지) */
  assert_int_equal(directory_json_suggest(db, 3, 1, 5, &s), STORE_OK);
  list = json_object_get(s, "suggestions");
  assert_int_equal(json_array_size(list), 2);
  bool saw4 = false;
  for (size_t i = 0; i < 2; i++) {
    json_t *e = json_array_get(list, i);
    if (json_integer_value(json_object_get(json_object_get(e, "org"), "id")) != 4) continue;
    saw4 = true;
    assert_string_equal(
        json_string_value(json_object_get(e, "reason_en")),
        "same sector, different region; offers 수소연료전지 (matching your organization's keywords)");
  }
  assert_true(saw4);
  json_decref(s);
  assert_int_equal(directory_json_suggest(db, 1, 4, 5, &s), STORE_NOT_FOUND);
}

/* 2,500 generated organizations: every search result is checked against the generator's rule. */
static void test_generated_directory(void **state) {
  moa_db *db = *state;
  enum { N = 2500 };
  sqlite3 *h = db_handle(db);
  assert_int_equal(sqlite3_exec(h, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_stmt *ins;
  assert_int_equal(
      sqlite3_prepare_v2(h,
                         "INSERT INTO organizations(id, kind, name, sector_id, region_id, size, "
                         "exports, capabilities, keywords) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                         -1, &ins, NULL),
      SQLITE_OK);
  static const char *caps[] = {"수소연료전지 모듈", "바이오 센서", "전기차 배터리 팩", "스마트 물류 로봇"};
  static const char *sizes[] = {"micro", "small", "medium", "large"};
  int want_fuel = 0, want_fuel_r2 = 0, want_battery_export = 0, want_small = 0;
  for (int i = 0; i < N; i++) {
    int id = 100 + i, region = 1 + i % 3, cap = i % 4, exports = (i / 4) % 2;
    char name[64], kw[64];
    snprintf(name, sizeof name, "생성기업%04d", i);
    snprintf(kw, sizeof kw, "kw%d", i % 10);
    sqlite3_bind_int(ins, 1, id);
    sqlite3_bind_text(ins, 2, i % 7 == 0 ? "research_institute" : "company", -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 3, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(ins, 4, 1 + i % 2);
    sqlite3_bind_int(ins, 5, region);
    sqlite3_bind_text(ins, 6, sizes[i % 4 == 0 ? 0 : 1 + i % 3], -1, SQLITE_STATIC);
    sqlite3_bind_int(ins, 7, exports);
    sqlite3_bind_text(ins, 8, caps[cap], -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 9, kw, -1, SQLITE_TRANSIENT);
    assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
    sqlite3_reset(ins);
    want_fuel += cap == 0;
    want_fuel_r2 += cap == 0 && region == 2;
    want_battery_export += cap == 2 && exports == 1;
    want_small += strcmp(sizes[i % 4 == 0 ? 0 : 1 + i % 3], "small") == 0;
  }
  sqlite3_finalize(ins);
  assert_int_equal(sqlite3_exec(h, "COMMIT", NULL, NULL, NULL), SQLITE_OK);

  /* 연료전지 (trigram): the generated 수소연료전지 ones plus fixture orgs 1 and 3 */
  directory_query q = any();
  q.text = "연료전지";
  q.limit = 50;
  json_t *r = NULL;
  assert_int_equal(directory_json_search(db, 1, &q, &r), STORE_OK);
  assert_int_equal(json_integer_value(json_object_get(r, "total")), want_fuel + 2);
  json_decref(r);
  /* page through "수소연료전지" in region 2 : all ids distinct, each satisfies the rule */
  q.text = "수소연료전지";
  q.region_id = 2;
  int seen = 0;
  char *mark = calloc(N + 200, 1);
  for (q.offset = 0;; q.offset += q.limit) {
    assert_int_equal(directory_json_search(db, 1, &q, &r), STORE_OK);
    json_t *res = json_object_get(r, "results");
    assert_int_equal(json_integer_value(json_object_get(r, "total")), want_fuel_r2);
    for (size_t i = 0; i < json_array_size(res); i++) {
      json_t *p = json_array_get(res, i);
      int64_t id = json_integer_value(json_object_get(p, "id"));
      assert_true(id >= 100 && (id - 100) % 4 == 0 && ((id - 100) % 3) + 1 == 2);
      assert_int_equal(mark[id], 0);
      mark[id] = 1;
      seen++;
    }
    size_t n = json_array_size(res);
    json_decref(r);
    if (n == 0) break;
  }
  free(mark);
  assert_int_equal(seen, want_fuel_r2);
  /* a 2-character fallback query with filters, and the facets over it */
  q = any();
  q.text = "배터";
  q.exports = 1;
  assert_int_equal(directory_json_search(db, 1, &q, &r), STORE_OK);
  assert_int_equal(json_integer_value(json_object_get(r, "total")), want_battery_export);
  json_t *t = json_true();
  assert_int_equal(facet_count(json_object_get(r, "facets"), "exports", "value", t), want_battery_export);
  json_decref(r);
  q = any();
  q.size = "small";
  assert_int_equal(directory_json_search(db, 1, &q, &r), STORE_OK);
  assert_int_equal(json_integer_value(json_object_get(r, "total")),
                   want_small + 1); /* and fixture 1 (4 is hidden) */
  json_decref(r);
  /* facets add up to the total */
  q = any();
  q.text = "kw3";
  assert_int_equal(directory_json_search(db, 1, &q, &r), STORE_OK);
  json_int_t total = json_integer_value(json_object_get(r, "total")), sum = 0;
  assert_int_equal(total, N / 10);
  json_t *regions = json_object_get(json_object_get(r, "facets"), "region");
  for (size_t i = 0; i < json_array_size(regions); i++)
    sum += json_integer_value(json_object_get(json_array_get(regions, i), "count"));
  assert_int_equal(sum, total);
  json_decref(r);
}

/* The in-memory directory index follows writes made by another connection (an operator's
 * `moa org import` beside the server): a new organization, a membership and a hidden flag. */
static void test_index_follows_other_connections(void **state) {
  (void)state;
  char path[] = "/tmp/moa-dir-test-XXXXXX", file[64], err[256];
  assert_non_null(mkdtemp(path));
  snprintf(file, sizeof file, "%s/d.db", path);
  moa_db *a = db_open(file, false, err, sizeof err), *b = a ? db_open(file, false, err, sizeof err) : NULL;
  assert_non_null(b);
  assert_int_equal(sqlite3_exec(db_handle(a), FIXTURE, NULL, NULL, NULL), SQLITE_OK);
  char ids[64];
  directory_query q = {.exports = -1, .text = "수소"};
  assert_int_equal(search_ids(a, 1, &q, ids, sizeof ids), 2); /* 1, 2 (4 is hidden from user 1) */
  assert_int_equal(
      sqlite3_exec(db_handle(b),
                   "INSERT INTO organizations(id, kind, name, region_id, capabilities) VALUES (9, "
                   "'company', '새수소기업', 1, '수전해');"
                   "INSERT INTO memberships(org_id, consortium_id) VALUES (9, 1);"
                   "UPDATE organizations SET hidden_outside = 0 WHERE id = 4;",
                   NULL, NULL, NULL),
      SQLITE_OK);
  assert_int_equal(search_ids(a, 1, &q, ids, sizeof ids), 4);
  assert_string_equal(ids, "1,9,2,4"); /* name hits (가나수소, 새수소기업) first, then capability hits */
  q = (directory_query){.exports = -1, .consortium_id = 1};
  assert_int_equal(search_ids(a, 1, &q, ids, sizeof ids), 4);
  db_close(b);
  db_close(a);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
  assert_int_equal(system(cmd), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_text_and_visibility, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_ranking, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_fts_syntax_never_errors, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_filters_facets_paging, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_edit_rights_and_profile_update, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_suggestions, setup, store_test_teardown),
      cmocka_unit_test_setup_teardown(test_generated_directory, setup, store_test_teardown),
      cmocka_unit_test(test_index_follows_other_connections),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
