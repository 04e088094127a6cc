/* Character bigrams (storage/bigram.h): tokens of Korean and English text, query expressions,
 * malformed UTF-8, separators and FTS5 syntax in terms; and the SQL function through FTS5, where
 * every substring of 2+ characters and every single character must be found. */
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

#include "storage/bigram.h"

static void text_is(const char *in, const char *want) {
  char *got = bigram_text(in, strlen(in));
  assert_non_null(got);
  assert_string_equal(got, want);
  free(got);
}

static void expr_is(const char *in, const char *want) {
  char *got = bigram_match_expr(in, strlen(in));
  assert_non_null(got);
  assert_string_equal(got, want);
  free(got);
}

static void test_tokens(void **state) {
  (void)state;
  text_is("수소연료전지", "수소 소연 연료 료전 전지 지");
  text_is("Fuel Cell", "fuel cell"); /* Latin runs are words */
  text_is("수", "수");
  text_is("", "");
  text_is("  ,;!  ", "");
  text_is("R&D 센터", "r d 센터 터");                       /* ASCII punctuation separates */
  text_is("가·나", "가 나");                                /* U+00B7 middle dot separates */
  text_is("스택「설계」", "스택 택 설계 계");               /* CJK brackets separate */
  text_is("ABC12", "abc12");                                /* letters lowered, digits kept */
  text_is("AI반도체 5G모듈", "ai 반도 도체 체 5g 모듈 듈"); /* a script change cuts a run */
}

static void test_malformed_utf8(void **state) {
  (void)state;
  /* invalid bytes separate runs and are never copied into a token */
  text_is("가\xff나", "가 나");
  text_is("\xc0\x80x", "x");             /* overlong NUL */
  text_is("a\xed\xa0\x80z", "a z");      /* a UTF-16 surrogate */
  text_is("\xf4\x90\x80\x80q", "q");     /* past U+10FFFF */
  text_is("수\xec\x86", "수");           /* truncated sequence at the end */
  const char nul[] = {'a', 'b', 0, 'c'}; /* an embedded NUL separates */
  char *got = bigram_text(nul, sizeof nul);
  assert_string_equal(got, "ab c");
  free(got);
}

static void test_expressions(void **state) {
  (void)state;
  expr_is("수소", "\"수소\"");
  expr_is("수소연료전지", "\"수소 소연 연료 료전 전지\"");
  expr_is("수", "\"수\" *");
  expr_is("R&D", "\"r\" * AND \"d\" *");
  /* FTS5 syntax in a term is only separators or letters: quotes never reach the expression */
  expr_is("\"수소", "\"수소\"");
  expr_is("NEAR(a,b)", "\"near\" * AND \"a\" * AND \"b\" *");
  expr_is("{name}:x*", "\"name\" * AND \"x\" *");
  expr_is("Hydro", "\"hydro\" *");
  expr_is("AI반도체", "\"ai\" * AND \"반도 도체\"");
  expr_is("***", "");
  expr_is("%_", "");
}

/* Through FTS5 as the directory uses it: every Korean substring and English word prefix found,
 * nothing else (gen is inside Hydrogen, not the start of a word). */
static void test_fts_substrings(void **state) {
  (void)state;
  sqlite3 *db;
  assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
  assert_int_equal(bigram_register(db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db,
                                "CREATE VIRTUAL TABLE t USING fts5(x, content='', tokenize='unicode61 "
                                "remove_diacritics 0');"
                                "INSERT INTO t(rowid, x) VALUES (1, moa_bigrams('울산의 수소연료전지 기업')),"
                                "(2, moa_bigrams('Hydrogen fuel-cell stacks')), (3, moa_bigrams('연료 수'));",
                                NULL, NULL, NULL),
                   SQLITE_OK);
  struct {
    const char *term;
    const char *want; /* matching rowids */
  } cases[] = {{"수소", "1"},  {"연료전지", "1"}, {"료전", "1"},      {"연료", "1,3"},
               {"수", "1,3"},  {"지", "1"},       {"기업", "1"},      {"소수", ""},
               {"HYDRO", "2"}, {"cell", "2"},     {"fuel-cell", "2"}, {"l", ""},
               {"gen", ""},    {"stack", "2"},    {"울산의", "1"},    {"산의수", ""}};
  sqlite3_stmt *st;
  assert_int_equal(
      sqlite3_prepare_v2(db, "SELECT rowid FROM t WHERE t MATCH ?1 ORDER BY rowid", -1, &st, NULL),
      SQLITE_OK);
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char *e = bigram_match_expr(cases[i].term, strlen(cases[i].term));
    sqlite3_bind_text(st, 1, e, -1, SQLITE_STATIC);
    char got[64] = "";
    while (sqlite3_step(st) == SQLITE_ROW) {
      size_t n = strlen(got);
      snprintf(got + n, sizeof got - n, "%s%lld", n ? "," : "", (long long)sqlite3_column_int64(st, 0));
    }
    sqlite3_reset(st);
    free(e);
    if (strcmp(got, cases[i].want) != 0)
      fail_msg("'%s': got [%s], want [%s]", cases[i].term, got, cases[i].want);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_tokens),
      cmocka_unit_test(test_malformed_utf8),
      cmocka_unit_test(test_expressions),
      cmocka_unit_test(test_fts_substrings),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
