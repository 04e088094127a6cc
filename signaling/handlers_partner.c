/* partner.* and inquiry.* handlers: the partner directory (search with filters and facets,
 * profiles with contact people, suggestions, profile edits) over storage/directory_store.h, and
 * cooperation inquiries (send, list, accept or decline, block) over storage/inquiry_store.h.
 *
 * Every handler here needs a signed-in session (the dispatcher refuses others), so contact people
 * are returned by partner.get to any signed-in member; the store applies each organization's
 * visibility (hidden_outside) for the viewer, and an invisible organization is "not found".
 * Inquiry events reach the other side live through chat_deliver (handlers_chat.c): the recipient
 * organization's contact people get inquiry.received, and a decision reaches both sides as
 * inquiry.updated (with the conversation's system message as chat.message). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signaling/directory_json.h"
#include "signaling/handlers.h"
#include "signaling/inquiry_json.h"
#include "storage/chat_store.h"
#include "storage/directory_store.h"
#include "storage/inquiry_store.h"
#include "storage/user_store.h"

#define PARTNER_SUGGEST_DEFAULT 10
#define PARTNER_SUGGEST_MAX 20

/* The error for a store status: its protocol code, and message[status] (by store_status; a status
 * without a message is reported as STORE_ERROR's). */
static void partner__store_error(hub *h, session *s, json_int_t id, store_status status,
                                 const char *const message[STORE_ERROR + 1]) {
  const char *m = (size_t)status <= STORE_ERROR ? message[status] : NULL;
  hub_error(h, s, id, protocol_store_error(m ? status : STORE_ERROR), m ? m : message[STORE_ERROR]);
}

static void partner__fail(hub *h, session *s, json_int_t id, store_status status) {
  static const char *const message[STORE_ERROR + 1] = {
      [STORE_INVALID] = "a query, filter or profile field is invalid",
      [STORE_FORBIDDEN] = "not allowed",
      [STORE_NOT_FOUND] = "no such organization",
      [STORE_ERROR] = "database error; nothing was changed",
  };
  partner__store_error(h, s, id, status, message);
}

static void inquiry__fail(hub *h, session *s, json_int_t id, store_status status, inquiry_refusal why,
                          int64_t retry_after) {
  switch (why) {
    case INQUIRY_REFUSED_RATE_LIMITED:
      hub_error_with(h, s, id, ERR_RATE_LIMITED, "too many inquiries sent recently; try again later",
                     json_pack("{s:I}", "retry_after", (json_int_t)(retry_after > 0 ? retry_after : 1)));
      return;
    case INQUIRY_REFUSED_BLOCKED:
      hub_error_with(h, s, id, ERR_FORBIDDEN, "this organization does not accept inquiries from you",
                     json_pack("{s:s}", "reason", "blocked"));
      return;
    case INQUIRY_REFUSED_NO_CONTACTS:
      hub_error_with(h, s, id, ERR_CONFLICT, "nobody at this organization can receive inquiries yet",
                     json_pack("{s:s}", "reason", "no_contacts"));
      return;
    case INQUIRY_REFUSED_NONE:
      break;
  }
  static const char *const message[STORE_ERROR + 1] = {
      [STORE_INVALID] =
          "topic must be joint_rnd, supply, investment, commercialization or other; subject one "
          "line of 1-200 bytes; body 1-4000 bytes of text",
      [STORE_FORBIDDEN] = "not allowed",
      [STORE_NOT_FOUND] = "no such organization, inquiry or user",
      [STORE_CONFLICT] = "the inquiry was already decided",
      [STORE_ERROR] = "database error; nothing was changed",
  };
  partner__store_error(h, s, id, status, message);
}

/* The signed-in user's organization id (0 when none or on error). */
static int64_t partner__own_org(hub *h, session *s) {
  user_rec u;
  return user_store_find_by_id(hub_db(h), s->user_id, &u) == 1 ? u.org_id : 0;
}

/* ---- directory ---- */

static void handle_partner_search(hub *h, session *s, json_int_t id, json_t *req) {
  directory_query q = {.exports = -1};
  json_int_t sector = 0, consortium = 0, region = 0, complex = 0, limit = 20, offset = 0;
  bool exports = false;
  bool has_exports = json_is_boolean(json_object_get(req, "exports"));
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_STRING("query", 0, DIRECTORY_STORE_MAX_QUERY, PARAM_OPTIONAL, &q.text),
                                 PARAM_INT("sector_id", 1, INT32_MAX, PARAM_OPTIONAL, &sector),
                                 PARAM_INT("consortium_id", 1, INT32_MAX, PARAM_OPTIONAL, &consortium),
                                 PARAM_INT("region_id", 1, INT32_MAX, PARAM_OPTIONAL, &region),
                                 PARAM_INT("complex_id", 1, INT32_MAX, PARAM_OPTIONAL, &complex),
                                 PARAM_STRING("kind", 1, 40, PARAM_OPTIONAL, &q.kind),
                                 PARAM_STRING("size", 1, 20, PARAM_OPTIONAL, &q.size),
                                 PARAM_BOOL("exports", PARAM_OPTIONAL, &exports),
                                 PARAM_INT("limit", 1, DIRECTORY_STORE_MAX_LIMIT, PARAM_OPTIONAL, &limit),
                                 PARAM_INT("offset", 0, 100000, PARAM_OPTIONAL, &offset), PARAM_END}))
    return;
  q.sector_id = sector;
  q.consortium_id = consortium;
  q.region_id = region;
  q.complex_id = complex;
  q.exports = has_exports ? (exports ? 1 : 0) : -1;
  q.limit = (int)limit;
  q.offset = (int)offset;
  json_t *out = NULL;
  store_status rc = directory_json_search(hub_db(h), s->user_id, &q, &out);
  if (rc != STORE_OK) {
    partner__fail(h, s, id, rc);
    return;
  }
  hub_reply(h, s, id, out);
}

static void handle_partner_get(hub *h, session *s, json_int_t id, json_t *req) {
  json_int_t org = 0;
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_INT("org_id", 1, INT64_MAX, PARAM_REQUIRED, &org), PARAM_END}))
    return;
  moa_db *db = hub_db(h);
  json_t *profile = NULL, *contacts = NULL;
  store_status rc = directory_json_get(db, s->user_id, org, &profile);
  if (rc == STORE_OK) rc = directory_json_contacts(db, s->user_id, org, &contacts);
  if (rc != STORE_OK) {
    json_decref(profile);
    partner__fail(h, s, id, rc);
    return;
  }
  json_object_set(profile, "contacts", json_object_get(contacts, "contacts"));
  json_object_set_new(profile, "can_edit", json_boolean(directory_store_can_edit(db, s->user_id, org)));
  json_decref(contacts);
  hub_reply(h, s, id, profile);
}

static void handle_partner_suggest(hub *h, session *s, json_int_t id, json_t *req) {
  json_int_t org = 0, limit = PARTNER_SUGGEST_DEFAULT;
  if (!hub_params(
          h, s, id, req,
          (param_spec[]){PARAM_INT("org_id", 1, INT64_MAX, PARAM_OPTIONAL, &org),
                         PARAM_INT("limit", 1, PARTNER_SUGGEST_MAX, PARAM_OPTIONAL, &limit), PARAM_END}))
    return;
  if (!org && !(org = partner__own_org(h, s))) {
    hub_error(h, s, id, ERR_INVALID_PARAMS, "you belong to no organization: give \"org_id\"");
    return;
  }
  json_t *out = NULL;
  store_status rc = directory_json_suggest(hub_db(h), s->user_id, org, (int)limit, &out);
  if (rc != STORE_OK) {
    partner__fail(h, s, id, rc);
    return;
  }
  hub_reply(h, s, id, out);
}

static void handle_partner_update(hub *h, session *s, json_int_t id, json_t *req) {
  json_int_t org = 0;
  json_t *fields = json_object_get(req, "fields");
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_INT("org_id", 1, INT64_MAX, PARAM_REQUIRED, &org), PARAM_END}))
    return;
  if (!json_is_object(fields) || json_object_size(fields) == 0) {
    hub_error(h, s, id, ERR_INVALID_PARAMS, "\"fields\" must be a non-empty object");
    return;
  }
  moa_db *db = hub_db(h);
  store_status rc = directory_store_get(db, s->user_id, org, NULL, NULL);
  if (rc != STORE_OK) {
    partner__fail(h, s, id, rc);
    return;
  }
  if (!directory_store_can_edit(db, s->user_id, org)) {
    hub_error(
        h, s, id, ERR_FORBIDDEN,
        "only the organization's own people, a coordinator of one of its consortia or an admin may edit it");
    return;
  }
  json_t *out = NULL;
  rc = directory_json_update(db, org, fields, &out);
  if (rc != STORE_OK) {
    partner__fail(h, s, id, rc);
    return;
  }
  hub_reply(h, s, id, out);
}

/* ---- inquiries ---- */

/* Ids of a JSON array of integers into a new C array (*n set); NULL when empty or out of memory. */
static int64_t *inquiry__ids(json_t *arr, size_t *n) {
  size_t cap = json_array_size(arr), i;
  int64_t *ids = cap ? malloc(cap * sizeof *ids) : NULL;
  json_t *v;
  *n = 0;
  if (ids) json_array_foreach(arr, i, v) if (json_is_integer(v)) ids[(*n)++] = json_integer_value(v);
  return ids;
}

static void handle_inquiry_send(hub *h, session *s, json_int_t id, json_t *req) {
  json_int_t org = 0;
  const char *topic, *subject, *body;
  if (!hub_params(
          h, s, id, req,
          (param_spec[]){PARAM_INT("to_org_id", 1, INT64_MAX, PARAM_REQUIRED, &org),
                         PARAM_STRING("topic", 1, 40, PARAM_REQUIRED, &topic),
                         PARAM_STRING("subject", 1, 4 * INQUIRY_STORE_MAX_SUBJECT, PARAM_REQUIRED, &subject),
                         PARAM_STRING("body", 1, 4 * CHAT_STORE_MAX_BODY, PARAM_REQUIRED, &body), PARAM_END}))
    return;
  int64_t retry = 0;
  inquiry_refusal why;
  json_t *out = NULL;
  store_status rc = inquiry_json_send(hub_db(h), s->user_id, org, topic, subject, body, &why, &retry, &out);
  if (rc != STORE_OK) {
    inquiry__fail(h, s, id, rc, why, retry);
    return;
  }
  json_t *inquiry = json_object_get(out, "inquiry"), *message = json_object_get(out, "message");
  hub_reply(h, s, id, json_pack("{s:O, s:O}", "inquiry", inquiry, "message", message));
  size_t n;
  int64_t *ids = inquiry__ids(json_object_get(out, "recipients"), &n);
  chat_deliver(
      h, ids, n, s->id, s->user_id,
      protocol_event("inquiry.received", json_pack("{s:O, s:O}", "inquiry", inquiry, "message", message)));
  free(ids);
  json_decref(out);
}

static void handle_inquiry_list(hub *h, session *s, json_int_t id, json_t *req) {
  const char *box;
  json_int_t limit = 50;
  if (!hub_params(
          h, s, id, req,
          (param_spec[]){PARAM_STRING("box", 1, 16, PARAM_REQUIRED, &box),
                         PARAM_INT("limit", 1, INQUIRY_STORE_MAX_LIST, PARAM_OPTIONAL, &limit), PARAM_END}))
    return;
  bool received = strcmp(box, "received") == 0;
  if (!received && strcmp(box, "sent") != 0) {
    hub_error(h, s, id, ERR_INVALID_PARAMS, "\"box\" must be \"received\" or \"sent\"");
    return;
  }
  json_t *out = NULL;
  store_status rc = inquiry_json_list(hub_db(h), s->user_id, received, (int)limit, &out);
  if (rc != STORE_OK) {
    inquiry__fail(h, s, id, rc, INQUIRY_REFUSED_NONE, 0);
    return;
  }
  json_object_set_new(out, "box", json_string(box));
  hub_reply(h, s, id, out);
}

static void handle_inquiry_decide(hub *h, session *s, json_int_t id, json_t *req) {
  json_int_t iid = 0;
  bool accept = false;
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_INT("inquiry_id", 1, INT64_MAX, PARAM_REQUIRED, &iid),
                                 PARAM_BOOL("accept", PARAM_REQUIRED, &accept), PARAM_END}))
    return;
  moa_db *db = hub_db(h);
  json_t *out = NULL;
  store_status rc = inquiry_json_decide(db, s->user_id, iid, accept, &out);
  if (rc != STORE_OK) {
    inquiry__fail(h, s, id, rc, INQUIRY_REFUSED_NONE, 0);
    return;
  }
  json_t *inquiry = json_object_get(out, "inquiry"), *message = json_object_get(out, "message");
  hub_reply(h, s, id, json_incref(out));
  /* Both sides: the sender and every contact of the recipient organization, i.e. the readers of
   * the inquiry's conversation (the decider's other connections included). */
  int64_t conv = json_integer_value(json_object_get(inquiry, "conversation_id"));
  int64_t *ids;
  size_t n;
  if (chat_store_readers(db, conv, &ids, &n) == CHAT_STORE_OK) {
    chat_deliver(h, ids, n, s->id, 0, chat_message_event(h, conv, json_incref(message)));
    chat_deliver(
        h, ids, n, s->id, 0,
        protocol_event("inquiry.updated", json_pack("{s:O, s:O}", "inquiry", inquiry, "message", message)));
    free(ids);
  }
  json_decref(out);
}

static void handle_inquiry_block(hub *h, session *s, json_int_t id, json_t *req) {
  json_int_t org = 0, user = 0;
  bool block = true;
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_INT("org_id", 1, INT64_MAX, PARAM_OPTIONAL, &org),
                                 PARAM_INT("user_id", 1, INT64_MAX, PARAM_REQUIRED, &user),
                                 PARAM_BOOL("block", PARAM_OPTIONAL, &block), PARAM_END}))
    return;
  if (!org && !(org = partner__own_org(h, s))) {
    hub_error(h, s, id, ERR_FORBIDDEN, "you belong to no organization");
    return;
  }
  store_status rc = inquiry_store_block(hub_db(h), s->user_id, org, user, block);
  if (rc != STORE_OK) {
    inquiry__fail(h, s, id, rc, INQUIRY_REFUSED_NONE, 0);
    return;
  }
  hub_reply(
      h, s, id,
      json_pack("{s:I, s:I, s:b}", "org_id", (json_int_t)org, "user_id", (json_int_t)user, "blocked", block));
}

const handler_def partner_handlers[] = {
    {"inquiry.block", handle_inquiry_block, 0},
    {"inquiry.decide", handle_inquiry_decide, 0},
    {"inquiry.list", handle_inquiry_list, 0},
    {"inquiry.send", handle_inquiry_send, 0},
    {"partner.get", handle_partner_get, 0},
    {"partner.search", handle_partner_search, 0},
    {"partner.suggest", handle_partner_suggest, 0},
    {"partner.update", handle_partner_update, 0},
    {NULL, NULL, 0},
};
