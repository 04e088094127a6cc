/* JSON of cooperation inquiries (see inquiry_json.h). The store calls back twice inside its
 * transaction: to write the conversation's message (here, through chat_store, whose chat_message
 * chat_json turns into the message object) and to hand over the inquiry read back; both land in one
 * inquiry_json_build. */
#include "signaling/inquiry_json.h"

#include "signaling/chat_json.h"
#include "signaling/store_reply.h"
#include "storage/chat_store.h"

/* A JSON string of s; "" when s is not valid UTF-8. */
static json_t *inquiry_json__str(const char *s) {
  json_t *j = json_string(s);
  return j ? j : json_string("");
}

/* {"id", "name"}, or null when id is 0. */
static json_t *inquiry_json__ref(int64_t id, const char *name) {
  return id ? json_pack("{s:I, s:o}", "id", (json_int_t)id, "name", inquiry_json__str(name)) : json_null();
}

json_t *inquiry_json(const inquiry_rec *q) {
  json_t *o = json_object();
  json_object_set_new(o, "id", json_integer(q->id));
  json_object_set_new(o, "from_user", inquiry_json__ref(q->from_user, q->from_user_name));
  json_object_set_new(o, "from_org", inquiry_json__ref(q->from_org, q->from_org_name));
  json_object_set_new(o, "to_org", inquiry_json__ref(q->to_org, q->to_org_name));
  json_object_set_new(o, "topic", inquiry_json__str(q->topic));
  json_object_set_new(o, "subject", inquiry_json__str(q->subject));
  json_object_set_new(o, "body", inquiry_json__str(q->body));
  json_object_set_new(o, "status", inquiry_json__str(q->status));
  json_object_set_new(o, "conversation_id",
                      q->conversation_id ? json_integer(q->conversation_id) : json_null());
  json_object_set_new(o, "created_at", json_integer(q->created_at));
  json_object_set_new(o, "decided_at", q->decided_at ? json_integer(q->decided_at) : json_null());
  return o;
}

/* What the store's callbacks build. */
typedef struct inquiry_json_build {
  json_t *inquiry, *message, *recipients;
} inquiry_json_build;

static void inquiry_json__build_free(inquiry_json_build *b) {
  json_decref(b->inquiry);
  json_decref(b->message);
  json_decref(b->recipients);
}

/* An inquiry_message_fn: the message through chat_store, kept as its object (chat_json.h). */
static int inquiry_json__write_message(void *arg, moa_db *db, int64_t conversation_id, int64_t author_id,
                                       const char *body) {
  inquiry_json_build *b = arg;
  chat_message m;
  bool dup;
  int rc = author_id ? chat_store_append(db, conversation_id, author_id, body, NULL, &m, &dup)
                     : chat_store_append_system(db, conversation_id, body, &m);
  if (rc != CHAT_STORE_OK) return -1;
  json_t *msg = chat_json_message(&m);
  chat_message_free(&m);
  if (!msg) return -1;
  json_decref(b->message);
  b->message = msg;
  return 0;
}

static void inquiry_json__sent(void *arg, const inquiry_rec *q, const int64_t *recipients, size_t n) {
  inquiry_json_build *b = arg;
  json_decref(b->inquiry);
  b->inquiry = inquiry_json(q);
  json_decref(b->recipients);
  b->recipients = json_array();
  for (size_t i = 0; i < n; i++) json_array_append_new(b->recipients, json_integer(recipients[i]));
}

static void inquiry_json__keep(void *arg, const inquiry_rec *q) {
  inquiry_json_build *b = arg;
  json_decref(b->inquiry);
  b->inquiry = inquiry_json(q);
}

store_status inquiry_json_send(moa_db *db, int64_t from_user, int64_t to_org, const char *topic,
                               const char *subject, const char *body, inquiry_refusal *why,
                               int64_t *retry_after, json_t **out) {
  *out = NULL;
  inquiry_json_build b = {0};
  store_status st = inquiry_store_send(db, from_user, to_org, topic, subject, body,
                                       inquiry_json__write_message, inquiry_json__sent, &b, why, retry_after);
  if (st == STORE_OK && !(*out = json_pack("{s:O, s:O, s:O}", "inquiry", b.inquiry, "message", b.message,
                                           "recipients", b.recipients)))
    st = STORE_ERROR;
  inquiry_json__build_free(&b);
  return st;
}

store_status inquiry_json_decide(moa_db *db, int64_t user_id, int64_t inquiry_id, bool accept, json_t **out) {
  *out = NULL;
  inquiry_json_build b = {0};
  store_status st = inquiry_store_decide(db, user_id, inquiry_id, accept, inquiry_json__write_message,
                                         inquiry_json__keep, &b);
  if (st == STORE_OK &&
      !(*out = json_pack("{s:O, s:O}", "inquiry", b.inquiry, "message", b.message ? b.message : json_null())))
    st = STORE_ERROR;
  inquiry_json__build_free(&b);
  return st;
}

store_status inquiry_json_get(moa_db *db, int64_t user_id, int64_t inquiry_id, json_t **out) {
  *out = NULL;
  inquiry_json_build b = {0};
  store_status st = inquiry_store_get(db, user_id, inquiry_id, inquiry_json__keep, &b);
  if (st == STORE_OK) *out = json_incref(b.inquiry);
  inquiry_json__build_free(&b);
  return st;
}

static void inquiry_json__append(void *arg, const inquiry_rec *q) {
  json_array_append_new(arg, inquiry_json(q));
}

store_status inquiry_json_list(moa_db *db, int64_t user_id, bool received, int limit, json_t **out) {
  json_t *list = json_array();
  store_status st = inquiry_store_list(db, user_id, received, limit, inquiry_json__append, list);
  return store_reply_list(st, json_object(), "inquiries", list, out);
}
