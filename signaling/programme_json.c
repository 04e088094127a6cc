/* JSON of the support-programme messages (see programme_json.h). */
#include "signaling/programme_json.h"

#include <stdio.h>
#include <string.h>

#include "signaling/session_int.h"
#include "storage/seoul_time.h"
#include "storage/user_store.h"

const char *programme_bucket_name(elig_bucket b) {
  switch (b) {
    case ELIG_BUCKET_ELIGIBLE:
      return "eligible";
    case ELIG_BUCKET_CHECK:
      return "check";
    case ELIG_BUCKET_INELIGIBLE:
      return "ineligible";
  }
  return "ineligible";
}

int programme_bucket_find(const char *name) {
  for (int b = ELIG_BUCKET_ELIGIBLE; b <= ELIG_BUCKET_INELIGIBLE; b++)
    if (!strcmp(name, programme_bucket_name((elig_bucket)b))) return b;
  return -1;
}

json_t *programme_list_json(const char *s) {
  json_t *a = json_array();
  for (const char *p = s ? s : ""; *p;) {
    size_t n = strcspn(p, "|");
    if (n) json_array_append_new(a, json_stringn(p, n));
    p += n;
    if (*p) p++;
  }
  return a;
}

json_t *programme_deadline_json(const char *apply_end, int64_t closes_at, int64_t now) {
  if (!closes_at || !apply_end || !*apply_end)
    return json_pack("{s:n, s:n, s:n}", "apply_end", "closes_at", "days_left");
  char iso[32];
  seoul_format_iso(closes_at, iso, sizeof iso);
  /* whole Seoul days from today to the last day: 0 on the last day itself */
  int64_t days = (seoul_midnight(closes_at) - seoul_midnight(now)) / 86400;
  return json_pack("{s:s, s:s, s:I}", "apply_end", apply_end, "closes_at", iso, "days_left",
                   (json_int_t)days);
}

json_t *programme_match_json(const pm_programme *p, const pm_match *m, int64_t now) {
  return json_pack(
      "{s:I, s:s, s:s, s:o, s:o, s:s, s:i, s:{s:i, s:i, s:i, s:i}, s:i}", "id", (json_int_t)p->id, "title",
      p->title, "agency", p->agency, "fields", programme_list_json(p->fields), "deadline",
      programme_deadline_json(p->apply_end, p->closes_at, now), "bucket", programme_bucket_name(m->bucket),
      "score", m->score, "score_parts", "keywords", m->s_keywords, "field", m->s_field, "preferred",
      m->s_preferred, "region", m->s_region, "n_unknown", m->n_unknown);
}

static const char *line_kind(pm_line_kind k) {
  switch (k) {
    case PM_WHY:
      return "why";
    case PM_WHY_NOT:
      return "why_not";
    case PM_UNKNOWN:
      return "unknown";
    case PM_PREFERRED:
      return "preferred";
  }
  return "why";
}

json_t *programme_rule_json(const pr_rule *r) {
  char v[PR_LIST_MAX + 48];
  if (pr_value_format(r, v, sizeof v) < 0) v[0] = '\0';
  return json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:s}", "attr", r->attr, "op", pr_op_name(r->op), "value",
                   v, "strength", pr_strength_name(r->strength), "grp", r->grp, "origin",
                   pr_origin_name(r->origin), "evidence", r->evidence);
}

json_t *programme_line_json(const pm_line *l) {
  json_t *j = programme_rule_json(l->rule);
  json_object_del(j, "grp");
  json_object_set_new(j, "kind", json_string(line_kind(l->kind)));
  json_object_set_new(j, "org_value", l->value[0] ? json_string(l->value) : json_null());
  json_object_set_new(j, "text", json_string(l->text));
  return j;
}

static json_t *opt_date(const char *d) { return d && *d ? json_string(d) : json_null(); }
static json_t *opt_amount(int64_t a) { return a >= 0 ? json_integer(a) : json_null(); }

static json_t *link_json(const programme_link *l) {
  return json_pack("{s:I, s:s, s:o}", "id", (json_int_t)l->id, "title", l->title, "apply_end",
                   opt_date(l->apply_end));
}

json_t *programme_view_json(const programme_view *v) {
  json_t *amended_by = json_array(), *changes = json_array();
  for (size_t i = 0; i < v->namended_by; i++) json_array_append_new(amended_by, link_json(&v->amended_by[i]));
  for (size_t i = 0; i < v->nchanges; i++) {
    const programme_change_row *c = &v->changes[i];
    char at[32];
    seoul_format_iso(c->at, at, sizeof at);
    json_array_append_new(changes, json_pack("{s:s, s:s, s:s, s:s, s:s}", "kind", c->kind, "field", c->field,
                                             "old", c->old_value, "new", c->new_value, "at", at));
  }
  char opens[32] = "", closes[32] = "";
  if (v->opens_at) seoul_format_iso(v->opens_at, opens, sizeof opens);
  if (v->closes_at) seoul_format_iso(v->closes_at, closes, sizeof closes);
  return json_pack(
      "{s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:o, s:{s:s, s:s, s:o, s:o, s:o, s:o}, s:o, s:o, "
      "s:s, s:s, s:o, s:o, s:o}",
      "id", (json_int_t)v->id, "title", v->title, "agency", v->agency, "executor", v->executor, "summary",
      v->summary, "fields", programme_list_json(v->fields), "regions", programme_list_json(v->regions),
      "target", v->target, "url", v->url[0] ? json_string(v->url) : json_null(), "period", "text",
      v->period_raw, "kind", v->period_kind, "start", opt_date(v->apply_start), "end", opt_date(v->apply_end),
      "opens_at", opt_date(opens), "closes_at", opt_date(closes), "amount_min", opt_amount(v->amount_min),
      "amount_max", opt_amount(v->amount_max), "status", v->status, "rules_state", v->rules_state, "amends",
      v->has_amends ? link_json(&v->amends) : json_null(), "amended_by", amended_by, "changes", changes);
}

int64_t programme_caller_org(hub *h, session *s, json_int_t id) {
  user_rec u;
  int rc = user_store_find_by_id(hub_db(h), s->user_id, &u);
  if (rc < 0) {
    hub_error(h, s, id, ERR_INTERNAL, "database error");
    return 0;
  }
  if (rc == 0 || !u.org_id) {
    hub_error(h, s, id, ERR_NOT_FOUND,
              "your account belongs to no organization: support-programme matching needs a company");
    return 0;
  }
  return u.org_id;
}

int64_t programme_param_id(hub *h, session *s, json_int_t id, json_t *req) {
  json_int_t pid = 0;
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_INT("programme_id", 1, INT64_MAX, PARAM_REQUIRED, &pid), PARAM_END}))
    return 0;
  int rc = programme_view_exists(hub_db(h), pid);
  if (rc < 0) {
    hub_error(h, s, id, ERR_INTERNAL, "database error");
    return 0;
  }
  if (rc == 0) {
    hub_error(h, s, id, ERR_NOT_FOUND, "no such programme");
    return 0;
  }
  return pid;
}
