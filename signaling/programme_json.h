/* JSON of the support-programme messages (issue 14, item 5), shared by handlers_programme.c
 * (members' and companies' messages) and handlers_programme_admin.c (coordinators' and admins'):
 * a matched programme in a list, its deadline, an explanation line, a rule, and the checks every
 * programme handler makes (the caller's organization, a programme id). The stores speak C
 * structs (storage/programme_match_store.h, programme_view.h, programme_rule_store.h); only this
 * file and the handlers build JSON from them. */
#ifndef MOA_SIGNALING_PROGRAMME_JSON_H
#define MOA_SIGNALING_PROGRAMME_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "signaling/hub.h"
#include "storage/programme_match.h"
#include "storage/programme_rules.h"
#include "storage/programme_view.h"

/* "eligible" (신청 가능), "check" (확인 필요), "ineligible" (신청 불가); the bucket of a name, or -1. */
const char *programme_bucket_name(elig_bucket b);
int programme_bucket_find(const char *name);

/* A '|' list ("기술|수출") as a JSON array of strings, empty elements skipped. New reference. */
json_t *programme_list_json(const char *s);

/* The deadline object of a programme closing at closes_at (0: open-ended) on apply_end ("" when
 * open-ended): {apply_end, closes_at (ISO, Seoul), days_left} or with nulls. New reference. */
json_t *programme_deadline_json(const char *apply_end, int64_t closes_at, int64_t now);

/* A match in a list: {id, title, agency, fields, deadline, bucket, score, score_parts, n_unknown}.
 * The caller adds saved / new. New reference. */
json_t *programme_match_json(const pm_programme *p, const pm_match *m, int64_t now);

/* One explanation line: {kind, attr, op, value, strength, origin, evidence, org_value, text}. */
json_t *programme_line_json(const pm_line *l);

/* A rule as programme.rules_get lists it and programme.rules_update takes it:
 * {attr, op, value, strength, grp, origin, evidence}. */
json_t *programme_rule_json(const pr_rule *r);

/* The programme page's programme object (programme.get), from the view. */
json_t *programme_view_json(const programme_view *v);

/* The caller's organization (users.org_id), or 0 after replying not_found ("your account belongs
 * to no organization") or internal. */
int64_t programme_caller_org(hub *h, session *s, json_int_t id);

/* The "programme_id" param of req, checked to exist: the id, or 0 after replying invalid_params
 * or not_found. */
int64_t programme_param_id(hub *h, session *s, json_int_t id, json_t *req);

#endif
