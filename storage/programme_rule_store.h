/* Programme rules in the database (programme_rules, migration 014): the rules extracted from each
 * feed item, replaced whenever the import creates or changes that item, and the rules an admin
 * set by hand (origin 'reviewer'), which win: once a programme has been reviewed
 * (programmes.rules_state 'reviewed') only its reviewer rules count, and imports keep refreshing
 * the extracted ones beside them (shown to the admin, not used) until the review is reset.
 * Speaks C structs; authorization is the caller's. */
#ifndef MOA_STORAGE_PROGRAMME_RULE_STORE_H
#define MOA_STORAGE_PROGRAMME_RULE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage/db.h"
#include "storage/programme_rules.h"

enum {
  PROGRAMME_RULES_OK = 0,
  PROGRAMME_RULES_INVALID = -1,   /* a rule failed its check: err says which and why */
  PROGRAMME_RULES_NOT_FOUND = -2, /* no such programme */
  PROGRAMME_RULES_DB_ERROR = -3
};

typedef struct programme_rule_row {
  int64_t id;
  int64_t item_id; /* the programme_items row it was extracted from; 0 for reviewer rules */
  bool active;     /* counts for matching (see above) */
  pr_rule rule;
} programme_rule_row;

typedef struct programme_rule_list {
  bool reviewed; /* rules_state 'reviewed': the reviewer rules are the active ones */
  programme_rule_row *rows; /* reviewer rules first, then extracted ones, each in id order */
  size_t n;
} programme_rule_list;

/* Replaces the extracted rules of feed item item_row (a programme_items id) of programme
 * programme_id with set's rules (whose origin must be structured or pattern), inside the caller's
 * transaction. Returns 0, or -1 on a database error (the caller rolls back). */
int programme_rules_replace_extracted(moa_db *db, int64_t programme_id, int64_t item_row, const pr_set *set);

/* True (1) when item_row has extracted rules, 0 when not, -1 on a database error. */
int programme_rules_item_has_rules(moa_db *db, int64_t item_row);

/* Fills *out with programme_id's rules. Returns PROGRAMME_RULES_OK, _NOT_FOUND or _DB_ERROR
 * (out empty). Free with programme_rule_list_free. */
int programme_rules_list(moa_db *db, int64_t programme_id, programme_rule_list *out);
void programme_rule_list_free(programme_rule_list *l);

/* Makes rules[0..n) the programme's reviewer rules (their origin is set to reviewer; n may be 0:
 * "no conditions") and marks it reviewed, all or nothing, in its own transaction. Every rule is
 * checked first (pr_rule_check); an OR-group must hold at least two required rules. Returns
 * PROGRAMME_RULES_OK; _INVALID with err and *bad (when not NULL) the index of the rule at fault,
 * nothing written; _NOT_FOUND; or _DB_ERROR (nothing written). Matches are not recomputed here:
 * call programme_match_recompute_programme afterwards. */
int programme_rules_replace(moa_db *db, int64_t programme_id, const pr_rule *rules, size_t n, int64_t now,
                            char *err, size_t errlen, int *bad);

/* Drops the reviewer rules and returns the programme to its extracted rules. Returns
 * PROGRAMME_RULES_OK, _NOT_FOUND or _DB_ERROR (nothing changed). */
int programme_rules_reset(moa_db *db, int64_t programme_id, int64_t now);

/* Reads the rule columns of a row (attr, op, value, strength, grp, origin, evidence starting at
 * column first) into r. Returns 0, or -1 when a stored value does not parse. For the matcher. */
int programme_rules_read_row(sqlite3_stmt *st, int first, pr_rule *r);

#endif
