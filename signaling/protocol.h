/* The moa.v1 envelope (docs/PROTOCOL.md): parsing client frames and building replies and events.
 *
 *   request  {"id": 7, "type": "room.join", ...params}
 *   reply    {"id": 7, "ok": true, "result": {...}}
 *            {"id": 7, "ok": false, "error": {"code": "forbidden", "message": "..."}}
 *   event    {"type": "room.peer_joined", ...}
 *
 * Pure functions: no I/O, no state; unit-tested with malformed input. */
#ifndef MOA_SIGNALING_PROTOCOL_H
#define MOA_SIGNALING_PROTOCOL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage/store_status.h"

#define PROTOCOL_NAME "moa.v1"
#define PROTOCOL_TYPE_MAX 64
#define PROTOCOL_DEPTH_MAX 16

/* Stable error codes (docs/PROTOCOL.md lists each). */
#define ERR_BAD_REQUEST "bad_request"         /* not a JSON object, bad envelope */
#define ERR_UNKNOWN_TYPE "unknown_type"       /* no handler for this type */
#define ERR_INVALID_PARAMS "invalid_params"   /* a field missing, mistyped or out of range */
#define ERR_UNAUTHENTICATED "unauthenticated" /* sign in first */
#define ERR_INVALID_CREDENTIALS "invalid_credentials"
#define ERR_LOCKED "locked"       /* too many failed sign-ins; retry_after given */
#define ERR_FORBIDDEN "forbidden" /* signed in, but not allowed */
#define ERR_NOT_FOUND "not_found"
#define ERR_CONFLICT "conflict"
#define ERR_RATE_LIMITED "rate_limited" /* slow down; retry_after given */
#define ERR_TOO_LARGE "too_large"
#define ERR_BUSY "busy" /* server overloaded; retry later */
#define ERR_INTERNAL "internal"
/* Meetings (handlers_meeting.c, handlers_guest.c) */
#define ERR_GUEST_LINK_USED_UP "guest_link_used_up" /* the guest link was redeemed as often as allowed */
/* Running a meeting (signaling/meeting_control.h) */
#define ERR_REMOVED "removed"             /* a host removed you; rejoin once readmitted */
#define ERR_MEETING_ENDED "meeting_ended" /* a host ended the meeting (or it was cancelled) */
#define ERR_EXPIRED "expired"             /* a guest's part of the agenda (or its link) has ended */
#define ERR_NO_FLOOR "no_floor"           /* a viewer may publish only with the floor */
#define ERR_MUTED_BY_HOST "muted_by_host" /* a host muted your microphone and did not allow unmuting */
#define ERR_ARCHIVED "archived"           /* room.join of an archived room */
#define ERR_RECORDING_NOT_ALLOWED \
  "recording_not_allowed" /* meeting.record start in a room whose policy forbids it */

/* Company self sign-up (handlers_signup.c) */
#define ERR_EMAIL_TAKEN "email_taken" /* an account with this e-mail address exists */
#define ERR_BIZNO_TAKEN "bizno_taken" /* a company with this business registration number has an account */
#define ERR_LINK_EXPIRED \
  "link_expired"                      /* the confirmation link is past its expiry, or a newer one was sent */
#define ERR_LINK_USED "link_used"     /* the confirmation link was used already */
#define ERR_MAIL_FAILED "mail_failed" /* the confirmation mail could not be sent; nothing was kept */
#define ERR_UNAVAILABLE "unavailable" /* the feature is not configured on this server */

typedef struct protocol_request {
  json_t *root;     /* owned by the caller after a successful parse */
  json_int_t id;    /* >= 0 */
  const char *type; /* points into root */
} protocol_request;

typedef struct protocol_error {
  const char *code;
  char message[160];
  json_int_t id; /* the request id when it could be read, else -1 */
} protocol_error;

/* Parses one text frame. On success returns 0 and fills req (caller json_decref(req->root)).
 * On failure returns -1, fills err (code + message + id if readable) and owns nothing.
 * Rejects: invalid UTF-8 or JSON, a non-object, nesting deeper than PROTOCOL_DEPTH_MAX, a
 * missing or non-integer or negative "id", a missing or malformed "type" (`domain.verb`,
 * lowercase letters, digits and '_', at most PROTOCOL_TYPE_MAX bytes). */
int protocol_parse(const char *buf, size_t len, protocol_request *req, protocol_error *err);

/* The protocol error code of a store result (storage/store_status.h): the one place where the
 * two meet. STORE_OK has none (NULL). */
const char *protocol_store_error(store_status st);

/* Builders; each returns a new reference. result may be NULL (becomes {}); it is stolen. */
json_t *protocol_reply_ok(json_int_t id, json_t *result);
json_t *protocol_reply_error(json_int_t id, const char *code, const char *message);
/* An event: {"type": type, ...fields}; fields (an object) is stolen and may be NULL. */
json_t *protocol_event(const char *type, json_t *fields);

/* Parameter accessors. Each returns true and sets *out when the field is valid, false with
 * err->message naming the field otherwise (err->code = ERR_INVALID_PARAMS). */
bool param_string(json_t *req, const char *key, size_t minlen, size_t maxlen, bool required, const char **out,
                  protocol_error *err);
bool param_int(json_t *req, const char *key, json_int_t min, json_int_t max, bool required, json_int_t *out,
               protocol_error *err);
bool param_bool(json_t *req, const char *key, bool required, bool *out, protocol_error *err);

/* A declarative check of a request's parameters: a table of specs, one per field, ended by
 * PARAM_END, e.g.
 *
 *   json_int_t conv = 0;
 *   const char *body = NULL;
 *   if (!hub_params(h, s, id, req, (param_spec[]){
 *         PARAM_INT("conversation_id", 1, INT64_MAX, PARAM_REQUIRED, &conv),
 *         PARAM_STRING("body", 0, 4 * CHAT_STORE_MAX_BODY, PARAM_OPTIONAL, &body),
 *         PARAM_END}))
 *     return;
 *
 * Each spec means what the matching param_* call above means with the same arguments: bounds
 * are an integer's range or a string's length in bytes; an optional integer or boolean that is
 * absent (or null) keeps the caller's value, an optional string becomes NULL. */
typedef enum { PARAM_T_END, PARAM_T_INT, PARAM_T_STRING, PARAM_T_BOOL } param_type;

#define PARAM_REQUIRED true
#define PARAM_OPTIONAL false

typedef struct param_spec {
  const char *key;
  param_type type;
  bool required;
  json_int_t min, max; /* PARAM_T_INT: the range; PARAM_T_STRING: the length in bytes */
  union {
    json_int_t *i;
    const char **s;
    bool *b;
  } out;
} param_spec;

#define PARAM_INT(key_, min_, max_, required_, out_)                                           \
  {                                                                                            \
    .key = (key_), .type = PARAM_T_INT, .required = (required_), .min = (min_), .max = (max_), \
    .out.i = (out_)                                                                            \
  }
#define PARAM_STRING(key_, minlen_, maxlen_, required_, out_)                                     \
  {                                                                                               \
    .key = (key_), .type = PARAM_T_STRING, .required = (required_), .min = (json_int_t)(minlen_), \
    .max = (json_int_t)(maxlen_), .out.s = (out_)                                                 \
  }
#define PARAM_BOOL(key_, required_, out_) \
  { .key = (key_), .type = PARAM_T_BOOL, .required = (required_), .out.b = (out_) }
#define PARAM_END \
  { .key = NULL, .type = PARAM_T_END }

/* Checks req's fields against specs in order, up to PARAM_END, and stores each valid value.
 * Returns true when all are valid; false at the first that is not, with err filled as that
 * field's param_* call fills it (the fields after it are not looked at; those before it are
 * stored). */
bool params_check(json_t *req, const param_spec *specs, protocol_error *err);

/* True when s has no control characters other than \n and \t (jansson already guarantees
 * valid UTF-8 for decoded strings). */
bool text_is_clean(const char *s, bool allow_newlines);

#endif
