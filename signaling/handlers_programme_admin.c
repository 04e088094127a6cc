/* programme.* for coordinators and admins (issue 14, item 5):
 *   programme.consortium_fits  programmes that fit many member companies of a consortium, with
 *                              the count of members per bucket (joint applications are a goal of
 *                              the consortia); the consortium's coordinators and admins
 *   programme.post             posts a programme (title, agency, deadline, the official link and
 *                              the app's page) to the consortium's channel as a chat message by
 *                              the coordinator; members get the usual chat.message event
 *   programme.rules_get            a programme's rules with origin, evidence and whether they count
 *   programme.rules_update     replaces the reviewer rules (checked by the store, all or nothing;
 *                              reviewer rules win) or resets to the extracted ones; admins
 *   programme.import           an admin's upload of one feed file, imported as `moa programme
 *                              import` does, with the same result line and the rejects listed
 * Every matching table changes at once: rules_update and import recompute every company's
 * matches before answering (a full recompute of the demo data takes well under a second). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signaling/chat_json.h"
#include "signaling/handlers.h"
#include "signaling/programme_json.h"
#include "storage/chat_store.h"
#include "storage/consortium_store.h"
#include "storage/programme_catalog_cache.h"
#include "storage/programme_match_store.h"
#include "storage/programme_rule_store.h"
#include "storage/programme_store.h"
#include "storage/programme_summary.h"
#include "storage/user_store.h"

#define PROGRAMME_RULES_MAX 100
#define PROGRAMME_UPLOAD_MAX (1024 * 1024) /* and the WebSocket message limit (--max-message) */
#define PROGRAMME_REJECTS_LISTED 200

static bool admin_only(hub *h, session *s, json_int_t id) {
  if (s->is_admin) return true;
  hub_error(h, s, id, ERR_FORBIDDEN, "only admins may review rules or import feeds");
  return false;
}

/* The consortium_id param, checked to exist and the caller to coordinate it (or be an admin):
 * the id, or 0 after an error reply. */
static int64_t coordinated_consortium(hub *h, session *s, json_int_t id, json_t *req) {
  json_int_t cid = 0;
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_INT("consortium_id", 1, INT64_MAX, PARAM_REQUIRED, &cid), PARAM_END}))
    return 0;
  moa_db *db = hub_db(h);
  int exists = consortium_store_exists(db, cid);
  if (exists < 0) {
    hub_error(h, s, id, ERR_INTERNAL, "database error");
    return 0;
  }
  if (!exists) {
    hub_error(h, s, id, ERR_NOT_FOUND, "no such consortium");
    return 0;
  }
  if (!s->is_admin && user_store_role_in(db, s->user_id, cid) != ROLE_COORDINATOR) {
    hub_error(h, s, id, ERR_FORBIDDEN, "only the consortium's coordinators and admins may do this");
    return 0;
  }
  return cid;
}

static void handle_consortium_fits(hub *h, session *s, json_int_t id, json_t *req) {
  json_int_t min = 2, limit = 50;
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_INT("min_members", 1, 10000, PARAM_OPTIONAL, &min),
                                 PARAM_INT("limit", 1, 200, PARAM_OPTIONAL, &limit), PARAM_END}))
    return;
  int64_t cid = coordinated_consortium(h, s, id, req);
  if (!cid) return;
  moa_db *db = hub_db(h);
  int64_t now = db_now(db);
  programme_consortium_fit *fits = NULL;
  long n = programme_consortium_fits(db, cid, (int)min, &fits);
  if (n < 0) {
    hub_error(h, s, id, ERR_INTERNAL, "database error");
    return;
  }
  json_t *list = json_array();
  for (long i = 0; i < n && (json_int_t)json_array_size(list) < limit; i++) {
    programme_view v;
    if (programme_view_load(db, fits[i].programme_id, now, &v) != 0) continue;
    json_t *fields = programme_list_json(v.fields);
    json_array_append_new(
        list, json_pack("{s:I, s:s, s:s, s:o, s:o, s:s, s:i, s:i}", "id", (json_int_t)v.id, "title", v.title,
                        "agency", v.agency, "fields", fields, "deadline",
                        programme_deadline_json(v.apply_end, v.closes_at, now), "status", v.status,
                        "eligible", fits[i].eligible, "to_check", fits[i].to_check));
    programme_view_free(&v);
  }
  free(fits);
  hub_reply(
      h, s, id,
      json_pack("{s:I, s:I, s:o}", "consortium_id", (json_int_t)cid, "min_members", min, "programmes", list));
}

/* The chat message of a shared programme. */
static char *post_body(const programme_view *v, const char *note) {
  char deadline[96];
  if (v->apply_end[0])
    snprintf(deadline, sizeof deadline, "%s 23:59 마감", v->apply_end);
  else
    snprintf(deadline, sizeof deadline, "%s", v->period_raw[0] ? v->period_raw : "추후 공지");
  size_t len = strlen(v->title) + strlen(v->agency) + strlen(v->url) + strlen(note) + 400;
  char *b = malloc(len);
  if (!b) return NULL;
  snprintf(b, len, "[지원사업 공유] %s\n%s · %s\n%s%s#/programmes/%lld%s%s", v->title, v->agency, deadline,
           v->url[0] ? v->url : "", v->url[0] ? "\n" : "", (long long)v->id, note[0] ? "\n" : "", note);
  return b;
}

static void handle_programme_post(hub *h, session *s, json_int_t id, json_t *req) {
  const char *note = NULL;
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_STRING("note", 0, 1000, PARAM_OPTIONAL, &note), PARAM_END}))
    return;
  int64_t cid = coordinated_consortium(h, s, id, req);
  if (!cid) return;
  int64_t pid = programme_param_id(h, s, id, req);
  if (!pid) return;
  if (note && !text_is_clean(note, true)) {
    hub_error(h, s, id, ERR_INVALID_PARAMS, "\"note\" contains control characters or invalid UTF-8");
    return;
  }
  moa_db *db = hub_db(h);
  programme_view v;
  int64_t conv = 0;
  if (programme_view_load(db, pid, db_now(db), &v) != 0) {
    hub_error(h, s, id, ERR_INTERNAL, "database error");
    return;
  }
  char *body = post_body(&v, note ? note : "");
  programme_view_free(&v);
  chat_message m = {0};
  bool dup = false;
  int rc = body ? chat_store_channel(db, cid, &conv) : CHAT_STORE_ERROR;
  if (rc == CHAT_STORE_OK) {
    rc = chat_store_append(db, conv, s->user_id, body, NULL, &m, &dup);
    /* an admin without a role in the consortium posts as the system */
    if (rc == CHAT_STORE_FORBIDDEN && s->is_admin) rc = chat_store_append_system(db, conv, body, &m);
  }
  free(body);
  if (rc == CHAT_STORE_TOO_LONG) {
    hub_error(h, s, id, protocol_store_error(chat_store_status_class(rc)),
              "the message would be longer than a chat message may be; shorten the note");
    return;
  }
  if (rc != CHAT_STORE_OK) {
    hub_error(h, s, id, ERR_INTERNAL, "could not post to the channel; nothing was sent");
    return;
  }
  json_t *msg = chat_json_message(&m);
  chat_message_free(&m);
  hub_reply(h, s, id, json_pack("{s:I, s:O}", "conversation_id", (json_int_t)conv, "message", msg));
  chat_to_readers(h, s, conv, chat_message_event(h, conv, msg));
}

static void handle_programme_rules(hub *h, session *s, json_int_t id, json_t *req) {
  if (!admin_only(h, s, id)) return;
  int64_t pid = programme_param_id(h, s, id, req);
  if (!pid) return;
  programme_rule_list l = {0};
  int rc = programme_rules_list(hub_db(h), pid, &l);
  if (rc == PROGRAMME_RULES_NOT_FOUND) {
    hub_error(h, s, id, ERR_NOT_FOUND, "no such programme");
    return;
  }
  if (rc != PROGRAMME_RULES_OK) {
    hub_error(h, s, id, ERR_INTERNAL, "database error");
    return;
  }
  json_t *rules = json_array();
  for (size_t i = 0; i < l.n; i++) {
    json_t *r = programme_rule_json(&l.rows[i].rule);
    json_object_set_new(r, "id", json_integer(l.rows[i].id));
    json_object_set_new(r, "item_id", l.rows[i].item_id ? json_integer(l.rows[i].item_id) : json_null());
    json_object_set_new(r, "active", json_boolean(l.rows[i].active));
    json_array_append_new(rules, r);
  }
  hub_reply(
      h, s, id,
      json_pack("{s:I, s:b, s:o}", "programme_id", (json_int_t)pid, "reviewed", l.reviewed, "rules", rules));
  programme_rule_list_free(&l);
}

/* rules[i] of a programme.rules_update into r; NULL, or what is wrong (msg holds it). */
static const char *rule_from_json(json_t *j, pr_rule *r, char *msg, size_t len) {
  const char *attr = json_string_value(json_object_get(j, "attr"));
  const char *op = json_string_value(json_object_get(j, "op"));
  const char *strength = json_string_value(json_object_get(j, "strength"));
  const char *evidence = json_string_value(json_object_get(j, "evidence"));
  json_t *value = json_object_get(j, "value"), *grp = json_object_get(j, "grp");
  memset(r, 0, sizeof *r);
  if (!json_is_object(j)) return "must be an object";
  if (!attr || strlen(attr) >= PR_ATTR_MAX) return "\"attr\" must be an attribute name";
  if (!op || pr_op_find(op) < 0)
    return "\"op\" must be one of in, not_in, between, ge, le, lt, prefix_in, "
           "prefix_not_in, has_any, has_all, is_true, is_false";
  if (!strength || pr_strength_find(strength) < 0)
    return "\"strength\" must be required, excluded or preferred";
  if (!evidence || !*evidence || strlen(evidence) >= PR_EVIDENCE_MAX)
    return "\"evidence\" must be the sentence the rule comes from (1 to 399 bytes)";
  if (value && !json_is_null(value) && !json_is_string(value)) return "\"value\" must be a string";
  if (grp && !json_is_null(grp) &&
      (!json_is_integer(grp) || json_integer_value(grp) < 0 || json_integer_value(grp) > PR_GRP_MAX))
    return "\"grp\" must be an integer 0..1000";
  snprintf(r->attr, sizeof r->attr, "%s", attr);
  r->op = (elig_op)pr_op_find(op);
  r->strength = (elig_strength)pr_strength_find(strength);
  r->grp = grp ? (int)json_integer_value(grp) : 0;
  r->origin = PR_ORIGIN_REVIEWER;
  snprintf(r->evidence, sizeof r->evidence, "%s", evidence);
  const char *v = json_string_value(value);
  if (pr_value_parse(r, v ? v : "", msg, len) != 0) return msg;
  if (pr_rule_check(r, msg, len) != 0) return msg;
  return NULL;
}

static void handle_programme_rules_update(hub *h, session *s, json_int_t id, json_t *req) {
  if (!admin_only(h, s, id)) return;
  bool reset = false;
  if (!hub_params(h, s, id, req, (param_spec[]){PARAM_BOOL("reset", PARAM_OPTIONAL, &reset), PARAM_END}))
    return;
  json_t *arr = json_object_get(req, "rules");
  if (!reset && (!json_is_array(arr) || json_array_size(arr) > PROGRAMME_RULES_MAX)) {
    hub_error(h, s, id, ERR_INVALID_PARAMS,
              "\"rules\" must be an array of at most 100 rules (or reset: true)");
    return;
  }
  int64_t pid = programme_param_id(h, s, id, req);
  if (!pid) return;
  moa_db *db = hub_db(h);
  int64_t now = db_now(db);
  size_t n = reset ? 0 : json_array_size(arr);
  pr_rule *rules = calloc(n ? n : 1, sizeof *rules);
  char msg[256], full[300];
  int bad = -1, rc;
  if (!rules) {
    hub_error(h, s, id, ERR_INTERNAL, "out of memory");
    return;
  }
  for (size_t i = 0; i < n; i++) {
    const char *why = rule_from_json(json_array_get(arr, i), &rules[i], msg, sizeof msg);
    if (why) {
      snprintf(full, sizeof full, "rules[%zu]: %s", i, why);
      hub_error_with(h, s, id, ERR_INVALID_PARAMS, full, json_pack("{s:I}", "index", (json_int_t)i));
      goto out;
    }
  }
  rc = reset ? programme_rules_reset(db, pid, now)
             : programme_rules_replace(db, pid, rules, n, now, msg, sizeof msg, &bad);
  programme_catalog_invalidate(db);
  if (rc == PROGRAMME_RULES_INVALID) {
    snprintf(full, sizeof full, "rules[%d]: %s", bad, msg);
    hub_error_with(h, s, id, ERR_INVALID_PARAMS, bad >= 0 ? full : msg,
                   json_pack("{s:I}", "index", (json_int_t)bad));
  } else if (rc == PROGRAMME_RULES_NOT_FOUND) {
    hub_error(h, s, id, ERR_NOT_FOUND, "no such programme");
  } else if (rc != PROGRAMME_RULES_OK || programme_match_recompute_all(db, now, NULL) != 0) {
    hub_error(h, s, id, ERR_INTERNAL, "database error");
  } else {
    handle_programme_rules(h, s, id, req);
  }
out:
  free(rules);
}

static void add_reject(void *ctx, int64_t index, const char *item_id, const char *reason) {
  json_t *list = ctx;
  if (json_array_size(list) < PROGRAMME_REJECTS_LISTED)
    json_array_append_new(list, json_pack("{s:I, s:s, s:s}", "index", (json_int_t)index + 1, "item_id",
                                          item_id, "reason", reason));
}

static void handle_programme_import(hub *h, session *s, json_int_t id, json_t *req) {
  if (!admin_only(h, s, id)) return;
  const char *source = NULL, *format = NULL, *name = NULL;
  bool partial = false;
  json_t *content = json_object_get(req, "content");
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_STRING("source", 1, 40, PARAM_REQUIRED, &source),
                                 PARAM_STRING("format", 1, 20, PARAM_REQUIRED, &format),
                                 PARAM_STRING("file_name", 0, 200, PARAM_OPTIONAL, &name),
                                 PARAM_BOOL("partial", PARAM_OPTIONAL, &partial), PARAM_END}))
    return;
  for (const char *p = source; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-')) {
      hub_error(h, s, id, ERR_INVALID_PARAMS, "\"source\" must be lower-case letters, digits, '_' or '-'");
      return;
    }
  feed_source fmt;
  if (!feed_source_from_name(format, &fmt)) {
    hub_error(h, s, id, ERR_INVALID_PARAMS,
              "\"format\" must be bizinfo_json, bizinfo_rss, kstartup, smes24 or csv");
    return;
  }
  if (!json_is_string(content)) {
    hub_error(h, s, id, ERR_INVALID_PARAMS, "\"content\" must be the file's text");
    return;
  }
  if (json_string_length(content) > PROGRAMME_UPLOAD_MAX) {
    hub_error(h, s, id, ERR_TOO_LARGE,
              "the file is larger than 1 MiB: import it with `moa programme import`");
    return;
  }
  if (name && !text_is_clean(name, false)) {
    hub_error(h, s, id, ERR_INVALID_PARAMS, "\"file_name\" contains control characters or invalid UTF-8");
    return;
  }
  moa_db *db = hub_db(h);
  programme_import_report r;
  char why[512], line[512];
  int rc = programme_import(db, source, fmt, json_string_value(content), json_string_length(content),
                            name ? name : "", !partial, db_now(db), s->user_id, &r, why, sizeof why);
  programme_catalog_invalidate(db);
  if (rc == -1) {
    hub_error_with(h, s, id, ERR_INVALID_PARAMS, why, json_pack("{s:s}", "field", "content"));
    return;
  }
  if (rc != 0) {
    hub_error(h, s, id, ERR_INTERNAL, "database error; nothing was imported");
    return;
  }
  programme_import_summary(name && *name ? name : "upload", source, &r, line, sizeof line);
  json_t *rejects = json_array();
  if (!r.duplicate_file) programme_import_rejects(db, r.import_id, add_reject, rejects);
  hub_reply(h, s, id,
            json_pack("{s:s, s:b, s:{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}, s:o}", "line", line,
                      "duplicate_file", r.duplicate_file, "report", "items", r.n_items, "new", r.n_new,
                      "changed", r.n_changed, "unchanged", r.n_same, "merged", r.n_merged, "amendments",
                      r.n_amended, "withdrawn", r.n_withdrawn, "closed", r.n_closed, "rejected", r.n_rejected,
                      "rejects", rejects));
}

const handler_def programme_admin_handlers[] = {
    {"programme.consortium_fits", handle_consortium_fits, 0},
    {"programme.import", handle_programme_import, 0},
    {"programme.post", handle_programme_post, 0},
    {"programme.rules_get", handle_programme_rules, 0},
    {"programme.rules_update", handle_programme_rules_update, 0},
    {NULL, NULL, 0},
};
