/* bench_seed_users: a helper for bench/bench_chat.mjs, not a benchmark. Adds N members to a
 * consortium of a copy of the demo database and prints a session token for each, one per line,
 * so the load generator signs 1,000 connections in with auth.resume instead of spending minutes in
 * scrypt (one password hash is computed and shared by every added user). Everything happens in
 * one transaction: on any failure nothing is added and the exit status is 1.
 *
 * Usage: bench_seed_users DB N CONSORTIUM_ID      (run by bench/run.sh without arguments, it
 *                                                  says what it is for and exits 0) */
#include <stdio.h>
#include <stdlib.h>

#include "storage/db.h"
#include "storage/password.h"
#include "storage/session_store.h"
#include "storage/user_store.h"

int main(int argc, char **argv) {
  if (argc != 4) {
    printf(
        "bench_seed_users: helper of bench/bench_chat.mjs (adds N members and prints their session tokens);\n"
        "usage: bench_seed_users DB N CONSORTIUM_ID\n");
    return 0;
  }
  long n = strtol(argv[2], NULL, 10), consortium = strtol(argv[3], NULL, 10);
  if (n < 1 || n > 100000 || consortium < 1) {
    fprintf(stderr, "bench_seed_users: N must be 1..100000 and CONSORTIUM_ID positive\n");
    return 1;
  }
  char err[256], hash[PASSWORD_HASH_MAX];
  moa_db *db = db_open(argv[1], false, err, sizeof err);
  if (!db) {
    fprintf(stderr, "bench_seed_users: %s\n", err);
    return 1;
  }
  if (password_hash("bench-password-2025", hash, sizeof hash) != 0 || db_begin(db) != SQLITE_OK) {
    fprintf(stderr, "bench_seed_users: cannot hash or begin\n");
    db_close(db);
    return 1;
  }
  char(*tokens)[SESSION_TOKEN_LEN + 1] = calloc((size_t)n, sizeof *tokens);
  int rc = tokens ? 0 : -1;
  for (long i = 0; i < n && rc == 0; i++) {
    char email[64], name[32];
    int64_t expires;
    snprintf(email, sizeof email, "bench%05ld@bench.moa.example", i + 1);
    snprintf(name, sizeof name, "벤치%05ld", i + 1);
    int64_t id = user_store_add(db, email, name, hash, 0, false, err, sizeof err);
    if (id < 0 || user_store_set_role(db, id, consortium, ROLE_MEMBER) != 0 ||
        session_store_create(db, id, 86400, "127.0.0.1", tokens[i], &expires) != 0) {
      fprintf(stderr, "bench_seed_users: user %ld: %s\n", i + 1, id < 0 ? err : "role or session failed");
      rc = -1;
    }
  }
  if (rc == 0 && db_commit(db) == SQLITE_OK) {
    for (long i = 0; i < n; i++) puts(tokens[i]);
  } else {
    db_rollback(db);
    rc = -1;
  }
  free(tokens);
  db_close(db);
  return rc == 0 ? 0 : 1;
}
