/* The moa.v1 envelope (see protocol.h). jansson decodes and validates UTF-8; this file checks the
 * envelope's shape and bounds, and gives handlers typed accessors with uniform errors. */
#include "signaling/protocol.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/utf8.h"

static int depth_of(json_t *v, int limit) {
  if (limit < 0) return 1 << 20;
  int max = 0;
  if (json_is_object(v)) {
    const char *k;
    json_t *c;
    json_object_foreach(v, k, c) {
      int d = depth_of(c, limit - 1);
      if (d > max) max = d;
    }
    return max + 1;
  }
  if (json_is_array(v)) {
    size_t i;
    json_t *c;
    json_array_foreach(v, i, c) {
      int d = depth_of(c, limit - 1);
      if (d > max) max = d;
    }
    return max + 1;
  }
  return 0;
}

static bool type_valid(const char *t) {
  size_t n = strlen(t);
  if (n < 3 || n > PROTOCOL_TYPE_MAX) return false;
  const char *dot = strchr(t, '.');
  if (!dot || dot == t || dot[1] == '\0' || strchr(dot + 1, '.')) return false;
  for (const char *p = t; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '.')) return false;
  return true;
}

/* The message goes into a JSON reply, and jansson's error text quotes the input near the error,
 * cut anywhere: keep only whole valid UTF-8 characters that fit ('?' for any other byte). */
static int fail(protocol_error *err, const char *code, json_int_t id, const char *msg) {
  err->code = code;
  err->id = id;
  const unsigned char *p = (const unsigned char *)msg;
  size_t o = 0;
  while (*p) {
    size_t n = utf8_decode(p, SIZE_MAX, NULL); /* a NUL ends any sequence */
    if (o + (n ? n : 1) >= sizeof err->message) break;
    if (n)
      memcpy(err->message + o, p, n);
    else
      err->message[o] = '?';
    o += n ? n : 1;
    p += n ? n : 1;
  }
  err->message[o] = '\0';
  return -1;
}

int protocol_parse(const char *buf, size_t len, protocol_request *req, protocol_error *err) {
  json_error_t je;
  memset(req, 0, sizeof *req);
  json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
  if (!root) {
    char msg[200];
    snprintf(msg, sizeof msg, "malformed JSON: %.100s", je.text);
    return fail(err, ERR_BAD_REQUEST, -1, msg);
  }
  if (!json_is_object(root)) {
    json_decref(root);
    return fail(err, ERR_BAD_REQUEST, -1, "a message must be a JSON object");
  }
  json_t *id = json_object_get(root, "id");
  json_int_t idv = -1;
  if (json_is_integer(id) && json_integer_value(id) >= 0) idv = json_integer_value(id);
  if (depth_of(root, PROTOCOL_DEPTH_MAX) > PROTOCOL_DEPTH_MAX) {
    json_decref(root);
    return fail(err, ERR_BAD_REQUEST, idv, "message nested too deeply");
  }
  if (idv < 0) {
    json_decref(root);
    return fail(err, ERR_BAD_REQUEST, -1, "\"id\" must be a non-negative integer");
  }
  json_t *type = json_object_get(root, "type");
  if (!json_is_string(type) || !type_valid(json_string_value(type))) {
    json_decref(root);
    return fail(err, ERR_BAD_REQUEST, idv, "\"type\" must be a string like \"domain.verb\"");
  }
  req->root = root;
  req->id = idv;
  req->type = json_string_value(type);
  return 0;
}

json_t *protocol_reply_ok(json_int_t id, json_t *result) {
  return json_pack("{s:I, s:b, s:o}", "id", id, "ok", 1, "result", result ? result : json_object());
}

const char *protocol_store_error(store_status st) {
  switch (st) {
    case STORE_OK:
      return NULL;
    case STORE_NOT_FOUND:
      return ERR_NOT_FOUND;
    case STORE_CONFLICT:
      return ERR_CONFLICT;
    case STORE_INVALID:
      return ERR_INVALID_PARAMS;
    case STORE_FORBIDDEN:
      return ERR_FORBIDDEN;
    case STORE_TOO_LARGE:
      return ERR_TOO_LARGE;
    case STORE_ERROR:
      return ERR_INTERNAL;
  }
  return ERR_INTERNAL;
}

json_t *protocol_reply_error(json_int_t id, const char *code, const char *message) {
  return json_pack("{s:o, s:b, s:{s:s, s:s}}", "id", id >= 0 ? json_integer(id) : json_null(), "ok", 0,
                   "error", "code", code, "message", message ? message : code);
}

json_t *protocol_event(const char *type, json_t *fields) {
  json_t *ev = fields ? fields : json_object();
  json_object_set_new(ev, "type", json_string(type));
  return ev;
}

static bool bad(protocol_error *err, const char *key, const char *what) {
  err->code = ERR_INVALID_PARAMS;
  snprintf(err->message, sizeof err->message, "\"%s\" %s", key, what);
  return false;
}

bool text_is_clean(const char *s, bool allow_newlines) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == 0x7f) return false;
    if (*p < 0x20 && !(allow_newlines && (*p == '\n' || *p == '\t'))) return false;
  }
  return true;
}

bool param_string(json_t *req, const char *key, size_t minlen, size_t maxlen, bool required, const char **out,
                  protocol_error *err) {
  json_t *v = json_object_get(req, key);
  if (!v || json_is_null(v)) {
    if (required) return bad(err, key, "is required");
    *out = NULL;
    return true;
  }
  if (!json_is_string(v)) return bad(err, key, "must be a string");
  size_t n = json_string_length(v);
  const char *s = json_string_value(v);
  if (strlen(s) != n) return bad(err, key, "must not contain NUL");
  char what[64];
  if (n < minlen || n > maxlen) {
    snprintf(what, sizeof what, "must have %zu to %zu bytes", minlen, maxlen);
    return bad(err, key, what);
  }
  *out = s;
  return true;
}

bool param_int(json_t *req, const char *key, json_int_t min, json_int_t max, bool required, json_int_t *out,
               protocol_error *err) {
  json_t *v = json_object_get(req, key);
  if (!v || json_is_null(v)) {
    if (required) return bad(err, key, "is required");
    return true; /* *out keeps the caller's default */
  }
  if (!json_is_integer(v)) return bad(err, key, "must be an integer");
  json_int_t x = json_integer_value(v);
  if (x < min || x > max) {
    char what[80];
    snprintf(what, sizeof what, "must be from %lld to %lld", (long long)min, (long long)max);
    return bad(err, key, what);
  }
  *out = x;
  return true;
}

bool param_bool(json_t *req, const char *key, bool required, bool *out, protocol_error *err) {
  json_t *v = json_object_get(req, key);
  if (!v || json_is_null(v)) {
    if (required) return bad(err, key, "is required");
    return true;
  }
  if (!json_is_boolean(v)) return bad(err, key, "must be true or false");
  *out = json_is_true(v);
  return true;
}

bool params_check(json_t *req, const param_spec *specs, protocol_error *err) {
  for (const param_spec *p = specs; p->type != PARAM_T_END; p++) {
    bool ok = false;
    switch (p->type) {
      case PARAM_T_INT:
        ok = param_int(req, p->key, p->min, p->max, p->required, p->out.i, err);
        break;
      case PARAM_T_STRING:
        ok = param_string(req, p->key, (size_t)p->min, (size_t)p->max, p->required, p->out.s, err);
        break;
      case PARAM_T_BOOL:
        ok = param_bool(req, p->key, p->required, p->out.b, err);
        break;
      case PARAM_T_END:
        break;
    }
    if (!ok) return false;
  }
  return true;
}
