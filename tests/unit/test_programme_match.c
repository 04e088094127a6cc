/* Unit tests of support-programme matching: the golden set (tests/data/programmes/golden.tsv,
 * company × programme → bucket, why / why-not lines, prompts; boundary cases 업력 exactly 7 years,
 * 만 39세, revenue at a cap, OR-groups, UNKNOWN never a silent pass, K-Startup facets never a
 * FAIL), the ranking order, and the store: rules persisted on import and replaced when an item
 * changes, reviewer rules that win and survive imports, invalid edits that write nothing, the
 * recompute keeping first-matched times, last-visit marks, per-user saves and consortium fits. */
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

#include "base/log.h"
#include "src_file_support.h"
#include "storage/company_profile_store.h"
#include "storage/db.h"
#include "storage/embedded.h"
#include "storage/org_store.h"
#include "storage/programme_match.h"
#include "storage/programme_match_store.h"
#include "storage/programme_rule_store.h"
#include "storage/programme_store.h"
#include "storage/reference_store.h"
#include "store_test_support.h"

/* "a=1;b=x@from@to" into p (certifications: value@valid_from@valid_to). */
static void golden_profile(char *spec, company_profile *p) {
  memset(p, 0, sizeof *p);
  if (strcmp(spec, "-") == 0) return;
  for (char *kv = strtok(spec, ";"); kv; kv = strtok(NULL, ";")) {
    char *eq = strchr(kv, '=');
    assert_non_null(eq);
    *eq = '\0';
    int a = cp_attr_find(kv);
    if (a < 0) fail_msg("golden: unknown attribute %s", kv);
    cp_value *v = &p->v[a];
    v->set = true;
    char *from = strchr(eq + 1, '@');
    if (from) {
      *from++ = '\0';
      char *to = strchr(from, '@');
      assert_non_null(to);
      *to++ = '\0';
      snprintf(v->valid_from, sizeof v->valid_from, "%s", from);
      snprintf(v->valid_to, sizeof v->valid_to, "%s", to);
    }
    snprintf(v->value, sizeof v->value, "%s", eq + 1);
  }
}

/* "feed:title=..;summary=..;target=..;attr=.." into an item and its format. */
static void golden_item(char *spec, programme_item *it, feed_source *fmt) {
  memset(it, 0, sizeof *it);
  char *colon = strchr(spec, ':');
  assert_non_null(colon);
  *colon = '\0';
  assert_true(feed_source_from_name(spec, fmt));
  it->title = strdup(""), it->summary = strdup(""), it->target = strdup("");
  char *save = NULL;
  for (char *kv = strtok_r(colon + 1, ";", &save); kv; kv = strtok_r(NULL, ";", &save)) {
    char *eq = strchr(kv, '=');
    assert_non_null(eq);
    *eq = '\0';
    char **slot = !strcmp(kv, "title")     ? &it->title
                  : !strcmp(kv, "summary") ? &it->summary
                  : !strcmp(kv, "target")  ? &it->target
                                           : NULL;
    char *v = strdup(eq + 1);
    for (char *q = v; (q = strstr(q, "\\n"));) q[0] = ' ', q[1] = '\n'; /* "\n" in the TSV */
    if (slot) {
      free(*slot);
      *slot = v;
    } else {
      assert_int_equal(programme_item_attr(it, kv, v), 0);
      free(v);
    }
  }
}

static void test_golden(void **state) {
  (void)state;
  char *text = src_file_read("tests/data/programmes/golden.tsv", NULL);
  int cases = 0;
  char *save = NULL;
  for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    if (line[0] == '#' || !line[0]) continue;
    char *col[7] = {0};
    int n = 0;
    for (char *p = line; n < 7; n++) {
      col[n] = p;
      char *tab = strchr(p, '\t');
      if (!tab) {
        n++;
        break;
      }
      *tab = '\0';
      p = tab + 1;
    }
    if (n < 6) fail_msg("golden: line with %d columns", n);
    const char *name = col[0], *at = col[3], *bucket = col[4], *lines = col[5],
               *prompts = n > 6 ? col[6] : "";
    company_profile prof;
    golden_profile(col[1], &prof);
    programme_item it;
    feed_source fmt;
    golden_item(col[2], &it, &fmt);
    pr_set rules;
    pr_set_init(&rules);
    assert_int_equal(pr_extract(fmt, &it, &rules), 0);
    pm_catalog c;
    pm_catalog_init(&c);
    assert_int_equal(pm_catalog_add(&c, 1, it.title, "기관", "", it.title, at, 0, rules.rules, rules.n), 0);
    pm_org org = {.id = 1, .profile = &prof, .keywords = ""};
    pm_explanation e;
    assert_int_equal(pm_explain(&c, 0, &org, 0, at, &e), 0);
    static const char *const names[] = {"eligible", "check", "ineligible"};
    char got[4096] = "", got_prompts[256] = "";
    for (size_t i = 0; i < e.n; i++)
      snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", i ? " ‖ " : "", e.lines[i].text);
    for (size_t i = 0; i < e.nprompts; i++)
      snprintf(got_prompts + strlen(got_prompts), sizeof got_prompts - strlen(got_prompts), "%s%s",
               i ? "|" : "", e.prompts[i]);
    if (strcmp(names[e.match.bucket], bucket) != 0 || strcmp(got, lines) != 0 ||
        strcmp(got_prompts, prompts) != 0)
      fail_msg(
          "golden %s:\n  bucket %s (expected %s)\n  lines   %s\n  expected %s\n  prompts %s (expected %s)",
          name, names[e.match.bucket], bucket, got, lines, got_prompts, prompts);
    /* the K-Startup facets never fail anything, and UNKNOWN is never 신청 가능 */
    for (size_t i = 0; i < e.n; i++)
      assert_true(e.lines[i].kind != PM_UNKNOWN || e.match.bucket != ELIG_BUCKET_ELIGIBLE);
    pm_explanation_free(&e);
    pm_catalog_free(&c);
    pr_set_free(&rules);
    programme_item_clear(&it);
    cases++;
  }
  free(text);
  assert_true(cases >= 25);
}

/* Order: bucket, score, nearer deadline, id; preferred rules and keywords raise the score. */
static void test_ranking(void **state) {
  (void)state;
  company_profile prof;
  char spec[] = "female_owned=1;revenue=100";
  golden_profile(spec, &prof);
  pr_rule pref = {
      .attr = "female_owned", .op = OP_IS_TRUE, .strength = RULE_PREFERRED, .evidence = "여성기업 우대"};
  pr_rule need = {.attr = "employees", .op = OP_GE, .lo = 5, .evidence = "상시근로자 5인 이상"};
  pm_catalog c;
  pm_catalog_init(&c);
  pm_catalog_add(&c, 10, "a", "x", "", "드론 실증", "2026-12-20", 2000, NULL, 0);
  pm_catalog_add(&c, 11, "b", "x", "", "로봇", "2026-12-10", 1500, NULL, 0);
  pm_catalog_add(&c, 12, "c", "x", "", "로봇", "", 0, &pref, 1);
  pm_catalog_add(&c, 13, "d", "x", "", "로봇", "2026-12-01", 1000, &need, 1);
  pm_catalog_add(&c, 14, "e", "x", "", "로봇", "2026-11-01", 10, NULL, 0); /* closed at now */
  pm_org org = {.id = 1, .profile = &prof, .keywords = "드론, 정밀가공"};
  pm_result r;
  assert_int_equal(pm_match_org(&c, &org, 100, "2026-11-30", true, &r), 0);
  assert_int_equal(r.n, 4);
  int64_t order[] = {12, 10, 11, 13};
  for (size_t i = 0; i < 4; i++) assert_int_equal(r.m[i].programme_id, order[i]);
  assert_int_equal(r.m[0].s_preferred, 15);
  assert_int_equal(r.m[1].s_keywords, 10);
  assert_int_equal(r.m[3].bucket, ELIG_BUCKET_CHECK);
  pm_result_free(&r);
  assert_int_equal(pm_match_org(&c, &org, 100, "2026-11-30", false, &r), 0);
  assert_int_equal(r.n, 4); /* 확인 필요 stays; only 신청 불가 is left out */
  pm_result_free(&r);
  pm_catalog_free(&c);
}

/* ---- the store ------------------------------------------------------------------------------ */

static const char smes_v1[] =
    "{\"resultCd\":\"0\",\"data\":[{\"pblancSeq\":\"1\",\"pblancNm\":\"로봇 실증 "
    "지원\",\"sportInsttNm\":\"중기부\","
    "\"pblancBgnDt\":\"2026-11-01\",\"pblancEndDt\":\"2026-12-31\",\"sportTrget\":\"중소기업\","
    "\"maxSalsAmt\":10000000000,\"areaNm\":\"부산\"}]}";
static const char smes_v2[] = /* the cap changed, nothing else: the hash of the item's text is the same */
    "{\"resultCd\":\"0\",\"data\":[{\"pblancSeq\":\"1\",\"pblancNm\":\"로봇 실증 "
    "지원\",\"sportInsttNm\":\"중기부\","
    "\"pblancBgnDt\":\"2026-11-01\",\"pblancEndDt\":\"2026-12-31\",\"sportTrget\":\"중소기업\","
    "\"maxSalsAmt\":1000000000,\"areaNm\":\"부산\"}]}";

#define NOW INT64_C(1796000000) /* 2026-11-28 */

static void import(moa_db *db, const char *data, int64_t now) {
  programme_import_report rep;
  char err[256];
  assert_int_equal(programme_import(db, "smes24", FEED_SMES24, data, strlen(data), "t", true, now, 0, &rep,
                                    err, sizeof err),
                   0);
}

static void test_store(void **state) {
  (void)state;
  char err[256];
  log_set_level(LOG_LEVEL_ERROR);
  moa_db *db = store_test_open_consortia();
  assert_non_null(db);
  org_record o = {.kind = "company", .name = "(주)부산로봇", .region_id = 1, .size = "small"};
  int64_t org = org_store_insert(db, &o);
  assert_true(org > 0);
  cp_change ch[] = {{.attr = CP_REVENUE, .value = "5000000000"},
                    {.attr = CP_REGION, .value = "부산"},
                    {.attr = CP_SIZE, .value = "small"}};
  assert_int_equal(company_profile_update(db, org, ch, 3, "2026-11-28", NOW, 0, err, sizeof err, NULL), 0);
  assert_int_equal(
      sqlite3_exec(db_handle(db),
                   "INSERT INTO users(email, name, org_id, password_hash) VALUES ('a@b.kr', 'a', 1, 'x');"
                   "INSERT INTO memberships(org_id, consortium_id) SELECT id, 1 FROM organizations;",
                   NULL, NULL, NULL),
      SQLITE_OK);

  import(db, smes_v1, NOW);
  int64_t pid = store_test_scalar(db, "SELECT id FROM programmes");
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM programme_rules WHERE origin = 'structured'"),
                   2);
  /* a database imported before rules existed gets them from the same file again */
  assert_int_equal(sqlite3_exec(db_handle(db), "DELETE FROM programme_rules", NULL, NULL, NULL), SQLITE_OK);
  import(db, smes_v1, NOW);
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM programme_rules"), 3);
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM programme_matches WHERE bucket = 0"),
                   1); /* recomputed */
  int64_t first = store_test_scalar(db, "SELECT first_matched_at FROM programme_matches");
  assert_int_equal(first, NOW);

  /* new since the last visit, then not */
  programme_match_row *rows;
  assert_int_equal(programme_matches_list(db, org, 1, &rows), 1);
  assert_true(rows[0].is_new);
  free(rows);
  assert_int_equal(programme_visit_mark(db, org, NOW + 10), 0);
  assert_int_equal(programme_matches_list(db, org, 1, &rows), 1);
  assert_false(rows[0].is_new);
  assert_false(rows[0].saved);
  free(rows);

  /* a changed cap replaces the item's rules: 50억 > 10억 now fails, the match goes */
  import(db, smes_v2, NOW + 60);
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM programme_rules WHERE value = '1000000000'"),
                   1);
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM programme_rules"),
                   3); /* revenue, region, size */
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM programme_matches"), 0);

  /* an admin's rules win, and survive the next import */
  pr_rule r = {.attr = "revenue", .op = OP_LE, .hi = 8000000000, .evidence = "검토: 매출액 80억원 이하"};
  assert_int_equal(programme_rules_replace(db, pid, &r, 1, NOW + 100, err, sizeof err, NULL),
                   PROGRAMME_RULES_OK);
  assert_int_equal(programme_match_recompute_all(db, NOW + 100, NULL), 0);
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM programme_matches WHERE bucket = 0"), 1);
  import(db, smes_v1, NOW + 200);
  programme_rule_list l;
  assert_int_equal(programme_rules_list(db, pid, &l), PROGRAMME_RULES_OK);
  assert_true(l.reviewed);
  assert_int_equal(l.n, 4);
  assert_int_equal(l.rows[0].rule.origin, PR_ORIGIN_REVIEWER);
  assert_true(l.rows[0].active);
  assert_false(l.rows[1].active);
  programme_rule_list_free(&l);

  /* bad edits: nothing written, the error names the rule */
  pr_rule bad[] = {{.attr = "revenue", .op = OP_LE, .hi = 1, .evidence = "ok"},
                   {.attr = "revenu", .op = OP_LE, .hi = 1, .evidence = "typo"},
                   {.attr = "revenue", .op = OP_IN, .list = "1", .evidence = "bad op"},
                   {.attr = "revenue", .op = OP_LE, .hi = -5, .evidence = "negative"},
                   {.attr = "region", .op = OP_IN, .list = "부산|화성", .evidence = "not a 시도"},
                   {.attr = "venture", .op = OP_IS_TRUE, .grp = 3, .evidence = "a group of one"},
                   {.attr = "revenue", .op = OP_LE, .hi = 1, .evidence = ""}};
  for (size_t i = 1; i < sizeof bad / sizeof *bad; i++) {
    pr_rule two[2] = {bad[0], bad[i]};
    int at = -2;
    err[0] = '\0';
    assert_int_equal(programme_rules_replace(db, pid, two, 2, NOW + 300, err, sizeof err, &at),
                     PROGRAMME_RULES_INVALID);
    assert_int_equal(at, 1);
    assert_non_null(strstr(err, "rule 2"));
  }
  assert_int_equal(
      store_test_scalar(db,
                        "SELECT hi FROM (SELECT value AS hi FROM programme_rules WHERE origin = 'reviewer')"),
      8000000000);
  assert_int_equal(programme_rules_replace(db, 999, &r, 1, NOW, err, sizeof err, NULL),
                   PROGRAMME_RULES_NOT_FOUND);

  /* reset: back to the extracted rules */
  assert_int_equal(programme_rules_reset(db, pid, NOW + 400), PROGRAMME_RULES_OK);
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM programme_rules WHERE origin = 'reviewer'"),
                   0);

  /* first_matched_at survives recomputes while it keeps matching */
  assert_int_equal(programme_rules_replace(db, pid, NULL, 0, NOW + 500, err, sizeof err, NULL),
                   PROGRAMME_RULES_OK);
  assert_int_equal(programme_match_recompute_all(db, NOW + 500, NULL), 0);
  assert_int_equal(programme_match_recompute_all(db, NOW + 600, NULL), 0);
  assert_int_equal(store_test_scalar(db, "SELECT first_matched_at FROM programme_matches"),
                   NOW + 100); /* matching since */
  assert_int_equal(programme_match_recompute_org(db, org, NOW + 700), 0);
  assert_int_equal(programme_match_recompute_org(db, 9999, NOW + 700), 1);

  /* saves are per user; consortium fits count members */
  assert_int_equal(programme_save(db, 1, pid, NOW), 0);
  assert_int_equal(programme_save(db, 1, pid, NOW + 1), 0);
  assert_int_equal(programme_save(db, 2, pid, NOW), 1);
  assert_int_equal(programme_save(db, 1, 999, NOW), 1);
  int64_t *ids;
  assert_int_equal(programme_saved_list(db, 1, &ids), 1);
  assert_int_equal(ids[0], pid);
  free(ids);
  assert_int_equal(programme_matches_list(db, org, 1, &rows), 1);
  assert_true(rows[0].saved);
  free(rows);
  assert_int_equal(programme_unsave(db, 1, pid), 0);
  assert_int_equal(programme_saved_list(db, 1, &ids), 0);
  free(ids);
  programme_consortium_fit *fits;
  assert_int_equal(programme_consortium_fits(db, 1, 1, &fits), 1);
  assert_int_equal(fits[0].programme_id, pid);
  assert_int_equal(fits[0].eligible, 1);
  free(fits);
  assert_int_equal(programme_consortium_fits(db, 1, 2, &fits), 0);
  free(fits);

  /* after the deadline the programme leaves the catalog and the matches */
  assert_int_equal(programme_match_recompute_all(db, NOW + 90 * 86400, NULL), 0);
  assert_int_equal(store_test_scalar(db, "SELECT count(*) FROM programme_matches"), 0);
  db_close(db);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_golden),
      cmocka_unit_test(test_ranking),
      cmocka_unit_test(test_store),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
