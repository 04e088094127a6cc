/* programme.* for every signed-in company person (issue 14, item 5): programme.matches (my
 * organization's matches by bucket, filtered, with "new since our last visit"), programme.get
 * (one programme with my bucket, the why / why-not lines quoting each rule's source sentence and
 * the profile attributes to enter), programme.save / unsave / saved (per user; their deadlines
 * go into the user's calendar feed, see gateway/http_calendar.c).
 *
 * Matching is computed live for the caller's organization (storage/programme_match_store.h: one
 * organization against the catalog, kept per connection by storage/programme_catalog_cache.h,
 * takes milliseconds), so an answered prompt (org.profile_update,
 * which also recomputes the stored matches at once) shows in the next request. The stored matches
 * (programme_matches) give when each programme first matched, for the "new" marks.
 *
 * The deadline reminder for saved programmes is `deadline_soon` in programme.matches: the saved
 * programmes closing within PROGRAMME_SOON_DAYS days; the calendar entries carry an alarm too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signaling/handlers.h"
#include "signaling/programme_json.h"
#include "storage/company_profile_store.h"
#include "storage/programme_catalog_cache.h"
#include "storage/programme_match_store.h"
#include "storage/seoul_time.h"
#include "storage/user_store.h"

#define PROGRAMME_SOON_DAYS 3
#define PROGRAMME_LIST_MAX 1000

typedef struct programme_filter {
  const char *field, *agency, *q;
  char before[11]; /* "YYYY-MM-DD" or "" */
} programme_filter;

/* True when s (a '|' list) has the element e. */
static bool list_has(const char *s, const char *e) {
  size_t n = strlen(e);
  for (const char *p = s; *p;) {
    size_t len = strcspn(p, "|");
    if (len == n && !memcmp(p, e, n)) return true;
    p += len;
    if (*p) p++;
  }
  return false;
}

static bool filter_pass(const programme_filter *f, const pm_programme *p) {
  if (f->field && !list_has(p->fields, f->field)) return false;
  if (f->agency && !strstr(p->agency, f->agency)) return false;
  if (f->before[0] && (!p->apply_end[0] || strcmp(p->apply_end, f->before) > 0)) return false;
  if (f->q && !strstr(p->title, f->q) && !strstr(p->agency, f->q) && !strstr(p->text, f->q)) return false;
  return true;
}

/* Reads the filter params; false after an error reply. */
static bool filter_params(hub *h, session *s, json_int_t id, json_t *req, programme_filter *f) {
  const char *before = NULL;
  memset(f, 0, sizeof *f);
  if (!hub_params(
          h, s, id, req,
          (param_spec[]){PARAM_STRING("field", 1, 40, PARAM_OPTIONAL, &f->field),
                         PARAM_STRING("agency", 1, 100, PARAM_OPTIONAL, &f->agency),
                         PARAM_STRING("q", 1, 100, PARAM_OPTIONAL, &f->q),
                         PARAM_STRING("deadline_before", 10, 10, PARAM_OPTIONAL, &before), PARAM_END}))
    return false;
  if (before) {
    int64_t t;
    char iso[24];
    snprintf(iso, sizeof iso, "%sT00:00", before);
    if (!seoul_parse_iso(iso, &t)) {
      hub_error(h, s, id, ERR_INVALID_PARAMS, "\"deadline_before\" must be a date YYYY-MM-DD");
      return false;
    }
    snprintf(f->before, sizeof f->before, "%s", before);
  }
  return true;
}

static int cmp_id(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}
static bool ids_have(const int64_t *ids, long n, int64_t id) {
  return n > 0 && bsearch(&id, ids, (size_t)n, sizeof *ids, cmp_id) != NULL;
}

/* The stored match row of programme_id (rows sorted by programme id), or NULL. */
static int cmp_row(const void *a, const void *b) {
  return cmp_id(&((const programme_match_row *)a)->programme_id,
                &((const programme_match_row *)b)->programme_id);
}
static const programme_match_row *row_of(const programme_match_row *rows, long n, int64_t pid) {
  programme_match_row key = {.programme_id = pid};
  return n > 0 ? bsearch(&key, rows, (size_t)n, sizeof *rows, cmp_row) : NULL;
}

/* Adds a distinct string to a JSON array used as a set (small: facets). */
static void facet_add(json_t *set, const char *v, size_t n) {
  size_t i;
  json_t *e;
  if (!n) return;
  json_array_foreach(set, i, e) if (json_string_length(e) == n && !memcmp(json_string_value(e), v, n)) return;
  json_array_append_new(set, json_stringn(v, n));
}

static int cmp_json_str(const void *a, const void *b) {
  return strcmp(json_string_value(*(json_t *const *)a), json_string_value(*(json_t *const *)b));
}
static json_t *sorted(json_t *set) {
  size_t n = json_array_size(set);
  json_t **v = malloc((n ? n : 1) * sizeof *v), *out = json_array();
  for (size_t i = 0; v && i < n; i++) v[i] = json_array_get(set, i);
  if (v) qsort(v, n, sizeof *v, cmp_json_str);
  for (size_t i = 0; v && i < n; i++) json_array_append(out, v[i]);
  free(v);
  json_decref(set);
  return out;
}

/* Saved programmes closing within PROGRAMME_SOON_DAYS days (open, not past). */
static json_t *deadline_soon(const pm_catalog *c, const int64_t *saved, long nsaved, int64_t now) {
  json_t *soon = json_array();
  for (size_t i = 0; i < c->n; i++) {
    const pm_programme *p = &c->p[i];
    if (!p->closes_at || p->closes_at < now || !ids_have(saved, nsaved, p->id)) continue;
    json_t *d = programme_deadline_json(p->apply_end, p->closes_at, now);
    if (json_integer_value(json_object_get(d, "days_left")) <= PROGRAMME_SOON_DAYS)
      json_array_append_new(
          soon, json_pack("{s:I, s:s, s:o}", "id", (json_int_t)p->id, "title", p->title, "deadline", d));
    else
      json_decref(d);
  }
  return soon;
}

static int blank_attributes(moa_db *db, int64_t org) {
  company_profile *p = malloc(sizeof *p);
  int n = -1;
  if (p && company_profile_load(db, org, p) == STORE_OK) {
    n = 0;
    for (int i = 0; i < CP_ATTR_COUNT; i++) n += !p->v[i].set;
  }
  free(p);
  return n;
}

static void handle_programme_matches(hub *h, session *s, json_int_t id, json_t *req) {
  programme_filter f;
  bool with_ineligible = false, mark = true;
  json_int_t limit = 500;
  if (!hub_params(
          h, s, id, req,
          (param_spec[]){PARAM_BOOL("include_ineligible", PARAM_OPTIONAL, &with_ineligible),
                         PARAM_BOOL("mark_visit", PARAM_OPTIONAL, &mark),
                         PARAM_INT("limit", 1, PROGRAMME_LIST_MAX, PARAM_OPTIONAL, &limit), PARAM_END}))
    return;
  if (!filter_params(h, s, id, req, &f)) return;
  int64_t org = programme_caller_org(h, s, id);
  if (!org) return;
  moa_db *db = hub_db(h);
  int64_t now = db_now(db);
  pm_result r = {0};
  programme_match_row *rows = NULL;
  int64_t *saved = NULL;
  int64_t last = programme_visit_last(db, org);
  long nrows = -1, nsaved = -1;
  const pm_catalog *c = programme_catalog_cached(db, now);
  int rc = c ? programme_match_org(db, c, org, now, true, &r) : -1;
  if (rc == 0) nrows = programme_matches_list(db, org, s->user_id, &rows);
  if (nrows >= 0) nsaved = programme_saved_list(db, s->user_id, &saved);
  if (rc == 1) {
    hub_error(h, s, id, ERR_NOT_FOUND, "your organization no longer exists");
    goto out;
  }
  if (rc != 0 || nrows < 0 || nsaved < 0 || last < 0) {
    hub_error(h, s, id, ERR_INTERNAL, "database error");
    goto out;
  }
  if (nrows > 0) qsort(rows, (size_t)nrows, sizeof *rows, cmp_row);
  if (nsaved > 0) qsort(saved, (size_t)nsaved, sizeof *saved, cmp_id);
  json_t *list = json_array(), *fields = json_array(), *agencies = json_array();
  int counts[3] = {0, 0, 0};
  for (size_t i = 0; i < r.n; i++) {
    const pm_match *m = &r.m[i];
    const pm_programme *p = &c->p[m->index];
    for (const char *q = p->fields; *q;) {
      size_t n = strcspn(q, "|");
      facet_add(fields, q, n);
      q += n;
      if (*q) q++;
    }
    facet_add(agencies, p->agency, strlen(p->agency));
    if (!filter_pass(&f, p)) continue;
    counts[m->bucket]++;
    if (m->bucket == ELIG_BUCKET_INELIGIBLE && !with_ineligible) continue;
    if ((json_int_t)json_array_size(list) >= limit) continue;
    json_t *j = programme_match_json(p, m, now);
    const programme_match_row *row = row_of(rows, nrows, p->id);
    json_object_set_new(j, "saved", json_boolean(ids_have(saved, nsaved, p->id)));
    json_object_set_new(j, "new", json_boolean(row && row->is_new));
    json_array_append_new(list, j);
  }
  char prev[32];
  if (last) seoul_format_iso(last, prev, sizeof prev);
  json_t *result =
      json_pack("{s:I, s:o, s:{s:i, s:i, s:i}, s:o, s:{s:o, s:o}, s:o, s:i}", "org_id", (json_int_t)org,
                "previous_visit", last ? json_string(prev) : json_null(), "counts", "eligible", counts[0],
                "check", counts[1], "ineligible", counts[2], "programmes", list, "facets", "fields",
                sorted(fields), "agencies", sorted(agencies), "deadline_soon",
                deadline_soon(c, saved, nsaved, now), "blank_attributes", blank_attributes(db, org));
  if (mark && programme_visit_mark(db, org, now) != 0) {
    json_decref(result);
    hub_error(h, s, id, ERR_INTERNAL, "database error");
    goto out;
  }
  hub_reply(h, s, id, result);
out:
  free(rows);
  free(saved);
  pm_result_free(&r);
}

/* The match part of programme.get for organization org: {match, lines, prompts}, added to
 * result; the programme is not in the catalog (closed, withdrawn) → match null. Returns 0, -1. */
static int explain_into(moa_db *db, int64_t org, int64_t pid, int64_t user_id, int64_t now, json_t *result) {
  programme_org o;
  pm_explanation e = {0};
  bool org_loaded = false;
  const pm_catalog *c = programme_catalog_cached(db, now);
  int rc = c ? 0 : -1;
  size_t index = c ? c->n : 0, n = index;
  for (size_t i = 0; i < n; i++) /* a programme closed since the catalog was loaded is not judged */
    if (c->p[i].id == pid && (!c->p[i].closes_at || c->p[i].closes_at >= now)) index = i;
  json_t *lines = json_array(), *prompts = json_array();
  if (rc == 0 && index < n) {
    rc = programme_org_load(db, org, &o) == 0 ? 0 : -1;
    org_loaded = rc == 0;
    char today[CP_DATE_LEN];
    company_profile_today(now, today);
    if (rc == 0) rc = pm_explain(c, index, &o.org, now, today, &e);
  }
  if (rc == 0 && index < n) {
    json_t *m = programme_match_json(&c->p[index], &e.match, now);
    programme_match_row *rows = NULL;
    long n = programme_matches_list(db, org, user_id, &rows);
    bool is_new = false;
    for (long i = 0; i < n; i++)
      if (rows[i].programme_id == pid) is_new = rows[i].is_new;
    free(rows);
    json_object_set_new(m, "new", json_boolean(is_new));
    json_object_set_new(result, "match", m);
    for (size_t i = 0; i < e.n; i++) json_array_append_new(lines, programme_line_json(&e.lines[i]));
    for (size_t i = 0; i < e.nprompts; i++) {
      int a = cp_attr_find(e.prompts[i]);
      const cp_attr_def *def = a >= 0 ? cp_attr_info((cp_attr)a) : NULL;
      if (!def) continue;
      json_t *p = json_pack("{s:s, s:s}", "attr", def->key, "group", cp_group_key(def->group));
      if (def->type == CP_T_INT) {
        json_object_set_new(p, "unit", json_string(def->unit));
        json_object_set_new(p, "min", json_integer(def->min));
        json_object_set_new(p, "max", json_integer(def->max));
      }
      json_array_append_new(prompts, p);
    }
  } else if (rc == 0) {
    json_object_set_new(result, "match", json_null());
  }
  json_object_set_new(result, "lines", lines);
  json_object_set_new(result, "prompts", prompts);
  pm_explanation_free(&e);
  if (org_loaded) programme_org_free(&o);
  return rc;
}

static void handle_programme_get(hub *h, session *s, json_int_t id, json_t *req) {
  int64_t pid = programme_param_id(h, s, id, req);
  if (!pid) return;
  /* a programme is a public notice: an account without an organization (an admin reviewing
   * rules) reads it too, without a verdict */
  moa_db *db = hub_db(h);
  user_rec u;
  int found = user_store_find_by_id(db, s->user_id, &u);
  int64_t org = found == 1 ? u.org_id : 0;
  int64_t now = db_now(db);
  programme_view v;
  int rc = programme_view_load(db, pid, now, &v);
  if (rc == 1) {
    hub_error(h, s, id, ERR_NOT_FOUND, "no such programme");
    return;
  }
  if (rc != 0) {
    hub_error(h, s, id, ERR_INTERNAL, "database error");
    return;
  }
  int64_t *saved = NULL;
  long nsaved = programme_saved_list(db, s->user_id, &saved);
  bool is_saved = false;
  for (long i = 0; i < nsaved; i++) is_saved |= saved[i] == pid;
  free(saved);
  char ics[64];
  snprintf(ics, sizeof ics, "/calendar/programme/%lld.ics", (long long)pid);
  json_t *result =
      json_pack("{s:o, s:b, s:s}", "programme", programme_view_json(&v), "saved", is_saved, "ics_path", ics);
  programme_view_free(&v);
  json_object_set_new(result, "no_organization", json_boolean(!org));
  if (!org) {
    json_object_set_new(result, "match", json_null());
    json_object_set_new(result, "lines", json_array());
    json_object_set_new(result, "prompts", json_array());
  }
  if (found < 0 || nsaved < 0 || (org && explain_into(db, org, pid, s->user_id, now, result) != 0)) {
    json_decref(result);
    hub_error(h, s, id, ERR_INTERNAL, "database error");
    return;
  }
  hub_reply(h, s, id, result);
}

static void handle_programme_save(hub *h, session *s, json_int_t id, json_t *req) {
  int64_t pid = programme_param_id(h, s, id, req);
  if (!pid) return;
  moa_db *db = hub_db(h);
  int rc = programme_save(db, s->user_id, pid, db_now(db));
  if (rc == 1)
    hub_error(h, s, id, ERR_NOT_FOUND, "no such programme");
  else if (rc != 0)
    hub_error(h, s, id, ERR_INTERNAL, "database error; nothing was changed");
  else
    hub_reply(h, s, id, json_pack("{s:I, s:b}", "programme_id", (json_int_t)pid, "saved", true));
}

static void handle_programme_unsave(hub *h, session *s, json_int_t id, json_t *req) {
  int64_t pid = programme_param_id(h, s, id, req);
  if (!pid) return;
  int rc = programme_unsave(hub_db(h), s->user_id, pid);
  if (rc < 0)
    hub_error(h, s, id, ERR_INTERNAL, "database error; nothing was changed");
  else
    hub_reply(h, s, id, json_pack("{s:I, s:b}", "programme_id", (json_int_t)pid, "saved", false));
}

static void handle_programme_saved(hub *h, session *s, json_int_t id, json_t *req) {
  (void)req;
  moa_db *db = hub_db(h);
  int64_t now = db_now(db), *ids = NULL;
  long n = programme_saved_list(db, s->user_id, &ids);
  if (n < 0) {
    hub_error(h, s, id, ERR_INTERNAL, "database error");
    return;
  }
  json_t *list = json_array();
  for (long i = 0; i < n; i++) {
    programme_view v;
    if (programme_view_load(db, ids[i], now, &v) != 0) continue;
    char ics[64];
    snprintf(ics, sizeof ics, "/calendar/programme/%lld.ics", (long long)v.id);
    json_array_append_new(
        list, json_pack("{s:I, s:s, s:s, s:o, s:s, s:s}", "id", (json_int_t)v.id, "title", v.title, "agency",
                        v.agency, "deadline", programme_deadline_json(v.apply_end, v.closes_at, now),
                        "status", v.status, "ics_path", ics));
    programme_view_free(&v);
  }
  free(ids);
  hub_reply(h, s, id, json_pack("{s:o}", "programmes", list));
}

const handler_def programme_handlers[] = {
    {"programme.get", handle_programme_get, 0},       {"programme.matches", handle_programme_matches, 0},
    {"programme.save", handle_programme_save, 0},     {"programme.list_saved", handle_programme_saved, 0},
    {"programme.unsave", handle_programme_unsave, 0}, {NULL, NULL, 0},
};
