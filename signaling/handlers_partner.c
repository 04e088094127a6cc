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

static bool partner__params_ok(hub *h, session *s, json_int_t id, bool ok, const protocol_error *err) {
  if (!ok) hub_error(h, s, id, err->code, err->message);
  return ok;
}

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
  protocol_error err;
  directory_query q = {.exports = -1};
  json_int_t sector = 0, consortium = 0, region = 0, complex = 0, limit = 20, offset = 0;
  bool exports = false;
  bool has_exports = json_is_boolean(json_object_get(req, "exports"));
  if (!partner__params_ok(h, s, id,
                          param_string(req, "query", 0, DIRECTORY_STORE_MAX_QUERY, false, &q.text, &err) &&
                              param_int(req, "sector_id", 1, INT32_MAX, false, &sector, &err) &&
                              param_int(req, "consortium_id", 1, INT32_MAX, false, &consortium, &err) &&
                              param_int(req, "region_id", 1, INT32_MAX, false, &region, &err) &&
                              param_int(req, "complex_id", 1, INT32_MAX, false, &complex, &err) &&
                              param_string(req, "kind", 1, 40, false, &q.kind, &err) &&
                              param_string(req, "size", 1, 20, false, &q.size, &err) &&
                              param_bool(req, "exports", false, &exports, &err) &&
                              param_int(req, "limit", 1, DIRECTORY_STORE_MAX_LIMIT, false, &limit, &err) &&
                              param_int(req, "offset", 0, 100000, false, &offset, &err),
                          &err))
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
  protocol_error err;
  json_int_t org = 0;
  if (!partner__params_ok(h, s, id, param_int(req, "org_id", 1, INT64_MAX, true, &org, &err), &err)) return;
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
  protocol_error err;
  json_int_t org = 0, limit = PARTNER_SUGGEST_DEFAULT;
  if (!partner__params_ok(h, s, id,
                          param_int(req, "org_id", 1, INT64_MAX, false, &org, &err) &&
                              param_int(req, "limit", 1, PARTNER_SUGGEST_MAX, false, &limit, &err),
                          &err))
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
  protocol_error err;
  json_int_t org = 0;
  json_t *fields = json_object_get(req, "fields");
  if (!partner__params_ok(h, s, id, param_int(req, "org_id", 1, INT64_MAX, true, &org, &err), &err)) return;
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
  protocol_error err;
  json_int_t org = 0;
  const char *topic, *subject, *body;
  if (!partner__params_ok(
          h, s, id,
          param_int(req, "to_org_id", 1, INT64_MAX, true, &org, &err) &&
              param_string(req, "topic", 1, 40, true, &topic, &err) &&
              param_string(req, "subject", 1, 4 * INQUIRY_STORE_MAX_SUBJECT, true, &subject, &err) &&
              param_string(req, "body", 1, 4 * CHAT_STORE_MAX_BODY, true, &body, &err),
          &err))
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
  protocol_error err;
  const char *box;
  json_int_t limit = 50;
  if (!partner__params_ok(h, s, id,
                          param_string(req, "box", 1, 16, true, &box, &err) &&
                              param_int(req, "limit", 1, INQUIRY_STORE_MAX_LIST, false, &limit, &err),
                          &err))
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
  protocol_error err;
  json_int_t iid = 0;
  bool accept = false;
  if (!partner__params_ok(h, s, id,
                          param_int(req, "inquiry_id", 1, INT64_MAX, true, &iid, &err) &&
                              param_bool(req, "accept", true, &accept, &err),
                          &err))
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
  json_t *readers = NULL;
  if (chat_store_readers(db, conv, &readers) == CHAT_STORE_OK) {
    size_t n;
    int64_t *ids = inquiry__ids(readers, &n);
    chat_deliver(h, ids, n, s->id, 0,
                 protocol_event("chat.message", json_pack("{s:I, s:O}", "conversation_id", (json_int_t)conv,
                                                          "message", message)));
    chat_deliver(
        h, ids, n, s->id, 0,
        protocol_event("inquiry.updated", json_pack("{s:O, s:O}", "inquiry", inquiry, "message", message)));
    free(ids);
    json_decref(readers);
  }
  json_decref(out);
}

static void handle_inquiry_block(hub *h, session *s, json_int_t id, json_t *req) {
  protocol_error err;
  json_int_t org = 0, user = 0;
  bool block = true;
  if (!partner__params_ok(h, s, id,
                          param_int(req, "org_id", 1, INT64_MAX, false, &org, &err) &&
                              param_int(req, "user_id", 1, INT64_MAX, true, &user, &err) &&
                              param_bool(req, "block", false, &block, &err),
                          &err))
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
