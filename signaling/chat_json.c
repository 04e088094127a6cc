/* JSON of the chat (see chat_json.h): the protocol's shapes from chat_store.h's C structs. Keys
 * are set in the order clients and tests have always seen them. */
#include "signaling/chat_json.h"

#include <stdio.h>

/* A string, or null for NULL (a string that is not valid UTF-8 becomes ""). */
static json_t *chat_json__str(const char *s) {
  if (!s) return json_null();
  json_t *j = json_string(s);
  return j ? j : json_string("");
}

/* An id, or null for 0 (none). */
static json_t *chat_json__id(int64_t v) { return v ? json_integer(v) : json_null(); }

json_t *chat_json_reactions(const chat_message *m) {
  json_t *out = json_array();
  for (size_t i = 0; out && i < m->nreactions; i++) {
    const chat_reaction *r = &m->reactions[i];
    json_t *ids = json_array();
    for (size_t k = 0; ids && k < r->n; k++) json_array_append_new(ids, json_integer(r->user_ids[k]));
    json_array_append_new(
        out, json_pack("{s:s, s:I, s:o*}", "emoji", r->emoji, "count", (json_int_t)r->n, "user_ids", ids));
  }
  return out;
}

static json_t *chat_json__attachments(const chat_message *m) {
  json_t *out = json_array();
  for (size_t i = 0; out && i < m->nattachments; i++) {
    const chat_attachment *a = &m->attachments[i];
    json_t *f = json_object();
    json_object_set_new(f, "id", chat_json__str(a->id));
    json_object_set_new(f, "name", chat_json__str(a->name));
    json_object_set_new(f, "size", json_integer(a->size));
    json_object_set_new(f, "type", chat_json__str(a->type));
    json_object_set_new(f, "preview", json_boolean(a->preview));
    char url[96];
    snprintf(url, sizeof url, "/files/%s", a->id ? a->id : "");
    json_object_set_new(f, "url", chat_json__str(url));
    json_array_append_new(out, f);
  }
  return out;
}

json_t *chat_json_message(const chat_message *m) {
  json_t *j = json_object();
  if (!j) return NULL;
  json_t *mentions = json_array();
  for (size_t i = 0; mentions && i < m->nmentions; i++)
    json_array_append_new(mentions, json_integer(m->mentions[i]));
  json_object_set_new(j, "id", json_integer(m->id));
  json_object_set_new(j, "conversation_id", json_integer(m->conversation_id));
  json_object_set_new(j, "author_id", chat_json__id(m->author_id));
  json_object_set_new(j, "author_name", chat_json__str(m->author_name));
  json_object_set_new(j, "kind", chat_json__str(m->kind));
  json_object_set_new(j, "body", m->deleted ? json_string("") : chat_json__str(m->body));
  json_object_set_new(j, "created_at", json_integer(m->created_at));
  json_object_set_new(j, "edited_at", m->edited ? json_integer(m->edited_at) : json_null());
  json_object_set_new(j, "deleted", json_boolean(m->deleted));
  json_object_set_new(j, "client_key", chat_json__str(m->client_key));
  json_object_set_new(j, "mentions", mentions);
  json_object_set_new(j, "parent_id", chat_json__id(m->parent_id));
  json_object_set_new(j, "reply_count", json_integer(m->reply_count));
  json_object_set_new(j, "reactions", chat_json_reactions(m));
  json_object_set_new(j, "attachments", chat_json__attachments(m));
  return j;
}

/* [message…] of n messages. */
static json_t *chat_json__messages(const chat_message *messages, size_t n) {
  json_t *list = json_array();
  for (size_t i = 0; list && i < n; i++) json_array_append_new(list, chat_json_message(&messages[i]));
  return list;
}

json_t *chat_json_history(int64_t conversation_id, const chat_page *p) {
  return json_pack("{s:I, s:o*, s:b}", "conversation_id", (json_int_t)conversation_id, "messages",
                   chat_json__messages(p->messages, p->n), "has_more", p->has_more);
}

json_t *chat_json_thread(const chat_thread *t) {
  return json_pack("{s:o*, s:o*}", "parent", chat_json_message(&t->parent), "replies",
                   chat_json__messages(t->replies.messages, t->replies.n));
}

json_t *chat_json_conversation(const chat_conversation *c) {
  return json_pack("{s:I, s:s, s:s, s:o, s:o}", "id", (json_int_t)c->id, "kind", c->kind, "title", c->title,
                   "consortium_id", chat_json__id(c->consortium_id), "ref_id", chat_json__id(c->ref_id));
}

json_t *chat_json_conversations(const chat_conversation_list *l) {
  json_t *list = json_array();
  for (size_t i = 0; list && i < l->n; i++) {
    const chat_conversation_row *r = &l->rows[i];
    json_t *c = json_object();
    json_object_set_new(c, "id", json_integer(r->conversation.id));
    json_object_set_new(c, "kind", chat_json__str(r->conversation.kind));
    json_object_set_new(c, "title", chat_json__str(r->conversation.title));
    json_object_set_new(c, "consortium_id", chat_json__id(r->conversation.consortium_id));
    json_object_set_new(c, "ref_id", chat_json__id(r->conversation.ref_id));
    json_object_set_new(c, "last_read_id", json_integer(r->last_read_id));
    json_object_set_new(c, "unread", json_integer(r->unread));
    json_object_set_new(c, "mentions_unread", json_integer(r->mentions_unread));
    json_object_set_new(c, "last_message",
                        r->has_last_message ? chat_json_message(&r->last_message) : json_null());
    json_array_append_new(list, c);
  }
  return json_pack("{s:o*}", "conversations", list);
}

json_t *chat_json_search(const chat_search_result *r) {
  json_t *results = json_array();
  for (size_t i = 0; results && i < r->n; i++) {
    const chat_search_hit *hit = &r->hits[i];
    json_array_append_new(results, json_pack("{s:o*, s:o, s:o}", "message", chat_json_message(&hit->message),
                                             "highlight", chat_json__str(hit->highlight), "rank",
                                             hit->ranked ? json_real(hit->rank) : json_null()));
  }
  return json_pack("{s:s, s:o*}", "query", r->query ? r->query : "", "results", results);
}

json_t *chat_json_mentions(const chat_mention_page *p) {
  json_t *list = json_array();
  for (size_t i = 0; list && i < p->n; i++) {
    const chat_mention *x = &p->items[i];
    json_t *m = chat_json_message(&x->message);
    if (!m) continue;
    json_object_set_new(m, "unread", json_boolean(x->unread));
    json_object_set_new(m, "conversation_kind", chat_json__str(x->conversation_kind));
    json_object_set_new(m, "conversation_title", chat_json__str(x->conversation_title));
    json_array_append_new(list, m);
  }
  return json_pack("{s:o*, s:b, s:I}", "messages", list, "has_more", p->has_more, "unread",
                   (json_int_t)p->unread);
}
