/* Demo data: a deterministic, programme-scale population for demonstrations and load tests —
 * 1,921 companies and 816 institutions spread over the 25 consortia and their regions and
 * complexes, with Korean names, capabilities and keywords of their sector, and demo logins
 * (an admin, a coordinator and two members per consortium). Used by `moa --demo` and the tests. */
#ifndef MOA_STORAGE_DEMO_DATA_H
#define MOA_STORAGE_DEMO_DATA_H

#include <stddef.h>
#include <stdio.h>

#include "storage/db.h"

#define DEMO_DATA_COMPANIES 1921
#define DEMO_DATA_INSTITUTIONS 816
#define DEMO_DATA_PASSWORD "moa-demo-2025"

/* Loads the demo population into db. The same database contents (ids, names, profiles,
 * memberships) come out on every run: a fixed-seed generator drives every choice; only the
 * password salts differ. Calls reference_load with the embedded data/consortia.tsv first when
 * consortia is empty. Users: admin@moa.example (is_admin), coordNN@moa.example (coordinator of
 * consortium NN, at one of its institutions) and memberNNa/memberNNb@moa.example (members, at
 * companies of NN), all with password DEMO_DATA_PASSWORD.
 *
 * Idempotent through meta key 'demo_loaded': returns 0 and changes nothing when it is set.
 * Otherwise returns the number of organizations created, all in one transaction (the ~76 scrypt
 * hashes are computed before it begins, so the write lock is held briefly). On error returns -1
 * with err set and nothing changed by this call (reference data loaded by it stays). */
int demo_data_load(moa_db *db, char *err, size_t errlen);

/* Prints the demo logins (e-mail, role, consortium) and the shared password to out. */
void demo_data_print_logins(FILE *out);

#endif
