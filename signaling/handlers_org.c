/* org.* handlers: an organization's company profile for support-programme matching (issue 14,
 * item 3) over storage/company_profile_store.h. org.profile_get reads it, org.profile_update changes
 * attributes all or nothing. Both are for the organization's own people and for admins; anyone
 * else gets `forbidden` (revenue, the representative's birth date and tax arrears are not the
 * directory's business).
 *
 * The store speaks canonical text; this file turns it into typed JSON (integers, booleans, arrays
 * of strings) and back. Every request is hostile: unknown keys, wrong types, oversized lists and
 * '|' inside list elements are refused here, and every value is then checked by cp_check, whose
 * message (naming the attribute) is sent back as is with the attribute in error.field, so the
 * app can show it next to the field. Values entered through the protocol have source 'entered'.
 * A saved change re-matches the organization against the support programmes before the reply
 * (storage/programme_match_store.h), so an answered "enter your revenue" prompt shows at once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/utf8.h"
#include "signaling/handlers.h"
#include "storage/company_profile_store.h"
#include "storage/programme_match_store.h"
#include "storage/user_store.h"

static const char *org__type_key(cp_type t) {
  switch (t) {
    case CP_T_BIZNO:
      return "bizno";
    case CP_T_DATE:
    case CP_T_BIRTH:
      return "date";
    case CP_T_BOOL:
      return "bool";
    case CP_T_ENUM:
      return "enum";
    case CP_T_INT:
      return "int";
    case CP_T_KSIC:
      return "ksic";
    case CP_T_KSIC_LIST:
      return "ksic_list";
    case CP_T_SIDO:
      return "region";
    case CP_T_SIDO_LIST:
      return "region_list";
    case CP_T_COUNTRY_LIST:
      return "country_list";
    case CP_T_CERT:
      return "cert";
    case CP_T_HISTORY:
      return "history";
  }
  return "text";
}

static bool org__is_list(cp_type t) {
  return t == CP_T_KSIC_LIST || t == CP_T_SIDO_LIST || t == CP_T_COUNTRY_LIST || t == CP_T_HISTORY;
}

/* The stored text as typed JSON (new reference). */
static json_t *org__value_json(const cp_attr_def *def, const cp_value *v) {
  if (!v->set) return json_null();
  switch (def->type) {
    case CP_T_INT:
      return json_integer(strtoll(v->value, NULL, 10));
    case CP_T_BOOL:
    case CP_T_CERT:
      return json_boolean(strcmp(v->value, "1") == 0);
    default:
      break;
  }
  if (!org__is_list(def->type)) return json_string(v->value);
  json_t *arr = json_array();
  for (const char *p = v->value; *p;) {
    size_t len = strcspn(p, "|");
    json_array_append_new(arr, json_stringn(p, len));
    p += len;
    if (*p) p++;
  }
  return arr;
}

/* The profile as the org.profile_get result (new reference). */
static json_t *org__profile_json(const company_profile *p, bool editable, const char *today) {
  json_t *attrs = json_array();
  for (int i = 0; i < CP_ATTR_COUNT; i++) {
    const cp_attr_def *def = cp_attr_info(i);
    const cp_value *v = &p->v[i];
    json_t *a = json_pack("{s:s, s:s, s:s, s:o}", "key", def->key, "group", cp_group_key(def->group), "type",
                          org__type_key(def->type), "value", org__value_json(def, v));
    if (def->type == CP_T_INT) {
      json_object_set_new(a, "unit", json_string(def->unit));
      json_object_set_new(a, "min", json_integer(def->min));
      json_object_set_new(a, "max", json_integer(def->max));
    }
    if (def->type == CP_T_ENUM) {
      json_t *opts = json_array();
      for (const char *o = def->options; *o;) {
        size_t len = strcspn(o, "|");
        json_array_append_new(opts, json_stringn(o, len));
        o += len;
        if (*o) o++;
      }
      json_object_set_new(a, "options", opts);
    }
    if (v->set) {
      json_object_set_new(a, "as_of", json_string(v->as_of));
      json_object_set_new(a, "source", json_string(cp_source_key(v->source)));
      json_object_set_new(a, "updated_at", json_integer(v->updated_at));
      if (def->type == CP_T_CERT && v->valid_from[0]) {
        json_object_set_new(a, "valid_from", json_string(v->valid_from));
        json_object_set_new(a, "valid_to", json_string(v->valid_to));
      }
    } else {
      json_object_set_new(a, "as_of", json_null());
      json_object_set_new(a, "source", json_null());
    }
    json_array_append_new(attrs, a);
  }
  return json_pack("{s:I, s:b, s:s, s:o}", "org_id", (json_int_t)p->org_id, "editable", editable, "today",
                   today, "attributes", attrs);
}

static void org__field_error(hub *h, session *s, json_int_t id, const char *key, const char *message) {
  hub_error_with(h, s, id, ERR_INVALID_PARAMS, message, json_pack("{s:s}", "field", key));
}

/* Resolves and authorizes the organization of a request: org_id, or the user's own when absent.
 * Returns the id, or 0 after replying with the error. */
static int64_t org__target(hub *h, session *s, json_int_t id, json_t *req) {
  json_int_t org = 0;
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_INT("org_id", 1, INT64_MAX, PARAM_OPTIONAL, &org), PARAM_END}))
    return 0;
  user_rec u;
  int64_t own = user_store_find_by_id(hub_db(h), s->user_id, &u) == 1 ? u.org_id : 0;
  if (!org) org = own;
  if (!org) {
    hub_error(h, s, id, ERR_NOT_FOUND, "you belong to no organization; give org_id");
    return 0;
  }
  if (org != own && !s->is_admin) {
    hub_error(h, s, id, ERR_FORBIDDEN,
              "only the organization's own people or an admin may see or edit its profile");
    return 0;
  }
  return org;
}

static void org__reply_profile(hub *h, session *s, json_int_t id, int64_t org) {
  moa_db *db = hub_db(h);
  company_profile *p = malloc(sizeof *p);
  char today[CP_DATE_LEN];
  company_profile_today(db_now(db), today);
  int rc = p ? company_profile_load(db, org, p) : STORE_ERROR;
  if (rc == STORE_OK)
    hub_reply(h, s, id, org__profile_json(p, true, today));
  else if (rc == STORE_NOT_FOUND)
    hub_error(h, s, id, ERR_NOT_FOUND, "no such organization");
  else
    hub_error(h, s, id, ERR_INTERNAL, "database error");
  free(p);
}

static void handle_org_profile_get(hub *h, session *s, json_int_t id, json_t *req) {
  int64_t org = org__target(h, s, id, req);
  if (org) org__reply_profile(h, s, id, org);
}

/* An optional date string member of obj into *out (NULL when absent or null); false when it is
 * there but not a string of at most 32 bytes (cp_check judges the date itself). */
static bool org__opt_string(json_t *obj, const char *name, const char **out) {
  json_t *v = json_object_get(obj, name);
  *out = NULL;
  if (!v || json_is_null(v)) return true;
  if (!json_is_string(v) || json_string_length(v) > 32) return false;
  *out = json_string_value(v);
  return true;
}

/* Turns the typed JSON value of attribute def into text in buf (CP_VALUE_MAX). Returns NULL, or
 * what is wrong (the caller prefixes the key). */
static const char *org__value_text(const cp_attr_def *def, json_t *v, char *buf) {
  if (json_is_string(v)) {
    if (json_string_length(v) >= CP_VALUE_MAX) return "is too long";
    if (strlen(json_string_value(v)) != json_string_length(v)) return "contains a NUL character";
    snprintf(buf, CP_VALUE_MAX, "%s", json_string_value(v));
    return NULL;
  }
  if (json_is_integer(v) && def->type == CP_T_INT) {
    snprintf(buf, CP_VALUE_MAX, "%lld", (long long)json_integer_value(v));
    return NULL;
  }
  if (json_is_boolean(v) && (def->type == CP_T_BOOL || def->type == CP_T_CERT)) {
    snprintf(buf, CP_VALUE_MAX, "%s", json_is_true(v) ? "1" : "0");
    return NULL;
  }
  if (json_is_array(v) && org__is_list(def->type)) {
    size_t i, len = 0;
    json_t *e;
    if (json_array_size(v) == 0) return "is an empty list (clear it with null instead)";
    if (json_array_size(v) > 60) return "has too many elements";
    buf[0] = '\0';
    json_array_foreach(v, i, e) {
      if (!json_is_string(e)) return "elements must be strings";
      const char *t = json_string_value(e);
      size_t n = json_string_length(e);
      if (strlen(t) != n || memchr(t, '|', n)) return "elements must not contain '|' or NUL";
      if (len + n + 2 > CP_VALUE_MAX) return "is too long";
      if (i) buf[len++] = '|';
      memcpy(buf + len, t, n);
      len += n;
      buf[len] = '\0';
    }
    return NULL;
  }
  switch (def->type) {
    case CP_T_INT:
      return "must be a whole number";
    case CP_T_BOOL:
    case CP_T_CERT:
      return "must be true or false";
    default:
      return org__is_list(def->type) ? "must be an array of strings" : "must be a string";
  }
}

static void handle_org_profile_update(hub *h, session *s, json_int_t id, json_t *req) {
  json_t *changes = json_object_get(req, "changes");
  if (!json_is_object(changes) || json_object_size(changes) == 0 ||
      json_object_size(changes) > CP_ATTR_COUNT) {
    hub_error(h, s, id, ERR_INVALID_PARAMS, "\"changes\" must be an object of 1 to 34 attributes");
    return;
  }
  int64_t org = org__target(h, s, id, req);
  if (!org) return;
  cp_change list[CP_ATTR_COUNT];
  char(*text)[CP_VALUE_MAX] = calloc(CP_ATTR_COUNT, sizeof *text);
  if (!text) {
    hub_error(h, s, id, ERR_INTERNAL, "out of memory");
    return;
  }
  size_t n = 0;
  const char *key;
  json_t *c;
  char msg[160];
  json_object_foreach(changes, key, c) {
    int a = cp_attr_find(key);
    if (a < 0) {
      char shortkey[41]; /* at most 40 bytes of it, cut between UTF-8 characters */
      size_t cut = utf8_cut(key, strlen(key), 40);
      snprintf(shortkey, sizeof shortkey, "%.*s", (int)cut, key);
      snprintf(msg, sizeof msg, "%s: unknown attribute", shortkey);
      org__field_error(h, s, id, shortkey, msg);
      goto done;
    }
    const cp_attr_def *def = cp_attr_info(a);
    cp_change *ch = &list[n];
    *ch = (cp_change){.attr = a, .source = CP_SOURCE_ENTERED};
    if (!json_is_null(c)) {
      json_t *value = json_object_get(c, "value");
      const char *why = NULL;
      if (!json_is_object(c) || !value) {
        why = "must be null (clear) or an object with \"value\"";
      } else if (json_is_null(value)) {
        ch->value = NULL; /* {"value": null} clears too */
      } else if ((why = org__value_text(def, value, text[n])) == NULL) {
        ch->value = text[n];
        if (!org__opt_string(c, "as_of", &ch->as_of) || !org__opt_string(c, "valid_from", &ch->valid_from) ||
            !org__opt_string(c, "valid_to", &ch->valid_to))
          why = "as_of, valid_from and valid_to must be date strings YYYY-MM-DD";
      }
      if (why) {
        snprintf(msg, sizeof msg, "%s: %s", def->key, why);
        org__field_error(h, s, id, def->key, msg);
        goto done;
      }
    }
    n++;
  }
  moa_db *db = hub_db(h);
  char today[CP_DATE_LEN], err[256];
  int bad = -1;
  int64_t now = db_now(db);
  company_profile_today(now, today);
  int rc = company_profile_update(db, org, list, n, today, now, s->user_id, err, sizeof err, &bad);
  if (rc == STORE_INVALID) {
    const char *field = bad >= 0 ? cp_attr_info(list[bad].attr)->key : "";
    if (!*field) { /* a check across attributes names its field first */
      size_t klen = strcspn(err, ":");
      char k[41];
      snprintf(k, sizeof k, "%.*s", (int)(klen < 40 ? klen : 40), err);
      int a = cp_attr_find(k);
      field = a >= 0 ? cp_attr_info(a)->key : "";
    }
    org__field_error(h, s, id, field, err);
  } else if (rc == STORE_NOT_FOUND) {
    hub_error(h, s, id, ERR_NOT_FOUND, "no such organization");
  } else if (rc != STORE_OK) {
    hub_error(h, s, id, ERR_INTERNAL, "database error; nothing was changed");
  } else {
    /* matching sees the change at once: the stored matches (new marks, consortium fits) too */
    if (programme_match_recompute_org(db, org, now) < 0)
      log_warn("org.profile_update: re-matching organization %lld failed", (long long)org);
    org__reply_profile(h, s, id, org);
  }
done:
  free(text);
}

const handler_def org_handlers[] = {
    {"org.profile_get", handle_org_profile_get, 0},
    {"org.profile_update", handle_org_profile_update, 0},
    {NULL, NULL, 0},
};
