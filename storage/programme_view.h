/* One support programme as the 지원사업 screens show it (issue 14, item 5): its display fields,
 * its period as written and as parsed, its status at a given time, the programmes it amends or
 * that amend it (정정, 연장, 재공고) and the field changes imports recorded. Read-only; the
 * caller owns the struct and frees it with programme_view_free. Authorization is the caller's
 * (every signed-in user may read a programme: they are public notices). */
#ifndef MOA_STORAGE_PROGRAMME_VIEW_H
#define MOA_STORAGE_PROGRAMME_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage/db.h"

#define PROGRAMME_VIEW_CHANGES_MAX 20

typedef struct programme_link {
  int64_t id;
  char *title;
  char apply_end[11]; /* "" when open-ended */
} programme_link;

typedef struct programme_change_row {
  char *kind, *field, *old_value, *new_value; /* old/new "" when NULL */
  int64_t at;
} programme_change_row;

typedef struct programme_view {
  int64_t id;
  char *title, *agency, *executor, *summary, *fields, *regions, *target, *url;
  char *period_raw;
  char period_kind[8];                 /* dated, rolling, budget, tbd, varies, closed */
  char apply_start[11], apply_end[11]; /* "" when unknown / open-ended */
  int64_t opens_at, closes_at;         /* 0 when unknown / open-ended */
  int64_t amount_min, amount_max;      /* -1 when not stated */
  const char *status;                  /* "upcoming", "open", "closed", "withdrawn" at the time asked */
  char rules_state[10];                /* auto, reviewed, none */
  bool has_amends;
  programme_link amends;      /* the programme this one amends (has_amends) */
  programme_link *amended_by; /* later notices amending this one, oldest first */
  size_t namended_by;
  programme_change_row *changes; /* newest first, at most PROGRAMME_VIEW_CHANGES_MAX */
  size_t nchanges;
} programme_view;

/* Loads programme id as of time now. Returns 0 with *out filled, 1 when there is no such
 * programme (out zeroed), -1 on a database error or out of memory (out zeroed). */
int programme_view_load(moa_db *db, int64_t id, int64_t now, programme_view *out);
void programme_view_free(programme_view *v);

/* True (1) when programme id exists, 0 when not, -1 on error. */
int programme_view_exists(moa_db *db, int64_t id);

#endif
