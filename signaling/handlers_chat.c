/* chat.* handlers: conversations, send, history and catch-up, edit, delete, read markers, typing,
 * direct conversations and search, thin over storage/chat_store.h; and the fan-out the partner,
 * programme and meeting handlers use too: chat_to_readers() (the readers' ids from the store, then
 * hub_deliver over the hub's index by user: one serialized copy queued to each online session)
 * and chat_message_event() (chat.message with what its conversation is, for the unread badge).
 *
 * Attachments are uploaded over HTTP first (gateway/http_files.h); chat.send names them by id,
 * and chat.delete unlinks the files its message was the last to name.
 *
 * Ordering: a message is committed by the store (its own transaction; WAL with synchronous=NORMAL,
 * so a commit survives a crash of the process without the loop waiting on fsync), then the sender
 * gets its reply, then the other sessions of every reader get the event. A resend with the same
 * client_key returns the stored message and sends no event.
 *
 * Flood control per user, on top of the per-connection request budget: at most CHAT_RATE_MAX
 * messages (sends and edits) in any CHAT_RATE_WINDOW_MS, across all the user's connections, and at
 * most one typing event per conversation per CHAT_TYPING_MS. The budgets live in a fixed table
 * (like throttle.c): memory does not grow with users, and the signaling thread is its only user. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "signaling/chat_json.h"
#include "signaling/handlers.h"
#include "signaling/user_json.h"
#include "storage/attachment_store.h"
#include "storage/chat_store.h"
#include "storage/user_store.h"

#define CHAT_RATE_MAX 10
#define CHAT_RATE_WINDOW_MS 10000
#define CHAT_TYPING_MS 3000
#define CHAT_BUDGET_SLOTS 4096 /* a power of two */
#define CHAT_BUDGET_PROBE 8
#define CHAT_SEARCH_LIMIT 20

/* ---- per-user budgets ---- */

typedef struct chat_budget {
  int64_t user_id;              /* 0: free slot */
  uint64_t sent[CHAT_RATE_MAX]; /* times (ms) of the last CHAT_RATE_MAX messages, a ring */
  unsigned next;                /* the oldest entry of the ring */
  uint64_t last_used;
  int64_t typing_conversation;
  uint64_t typing_ms;
} chat_budget;

chat_budget *chat_budgets_new(void) { return calloc(CHAT_BUDGET_SLOTS, sizeof(chat_budget)); }

/* The budget of user_id in the hub's table: its slot, else a free one, else the least recently
 * used one of its probe sequence (that user's history is forgotten: a bounded table cannot
 * remember everyone). */
static chat_budget *chat__budget(hub *h, int64_t user_id, uint64_t now) {
  chat_budget *chat_budgets = hub_chat_budgets(h);
  size_t start = (size_t)((uint64_t)user_id * 0x9E3779B97F4A7C15ull >> 52) & (CHAT_BUDGET_SLOTS - 1);
  chat_budget *victim = NULL;
  for (size_t i = 0; i < CHAT_BUDGET_PROBE; i++) {
    chat_budget *b = &chat_budgets[(start + i) & (CHAT_BUDGET_SLOTS - 1)];
    if (b->user_id == user_id) {
      b->last_used = now;
      return b;
    }
    if (!victim || (victim->user_id && (!b->user_id || b->last_used < victim->last_used))) victim = b;
  }
  memset(victim, 0, sizeof *victim);
  victim->user_id = user_id;
  victim->last_used = now;
  return victim;
}

/* Seconds until user_id may send another message (0: now). */
static double chat__rate_wait(hub *h, int64_t user_id, uint64_t now) {
  chat_budget *b = chat__budget(h, user_id, now);
  uint64_t oldest = b->sent[b->next];
  if (oldest == 0 || now - oldest >= CHAT_RATE_WINDOW_MS) return 0;
  return (double)(CHAT_RATE_WINDOW_MS - (now - oldest)) / 1000.0;
}

static void chat__rate_record(hub *h, int64_t user_id, uint64_t now) {
  chat_budget *b = chat__budget(h, user_id, now);
  b->sent[b->next] = now;
  b->next = (b->next + 1) % CHAT_RATE_MAX;
}

/* ---- delivery ---- */

size_t chat_deliver(hub *h, const int64_t *user_ids, size_t n, uint64_t except_session, int64_t except_user,
                    json_t *event) {
  return hub_deliver(h, user_ids, n, except_session, except_user, event);
}

void chat_to_readers(hub *h, session *from, int64_t conversation_id, json_t *event) {
  int64_t *ids;
  size_t n;
  if (chat_store_readers(hub_db(h), conversation_id, &ids, &n) != CHAT_STORE_OK) {
    json_decref(event);
    return;
  }
  hub_deliver(h, ids, n, from ? from->id : 0, 0, event);
  free(ids);
}

json_t *chat_message_event(hub *h, int64_t conversation_id, json_t *message) {
  chat_conversation c;
  json_t *conv = NULL;
  if (chat_store_conversation(hub_db(h), conversation_id, &c) == CHAT_STORE_OK)
    conv = chat_json_conversation(&c);
  json_t *fields =
      json_pack("{s:I, s:o}", "conversation_id", (json_int_t)conversation_id, "message", message);
  if (conv) json_object_set_new(fields, "conversation", conv);
  return protocol_event("chat.message", fields);
}

/* ---- errors ---- */

/* Replies with the protocol error for a chat_store status: the code of its store_status class
 * (protocol_store_error), the message for a person by the finer status. */
static void chat__fail(hub *h, session *s, json_int_t id, int status) {
  const char *why;
  switch (status) {
    case CHAT_STORE_EMPTY:
      why = "\"body\" is empty";
      break;
    case CHAT_STORE_TOO_LONG:
      why = "the text is longer than the limit (4000 bytes for a message, 200 for a query)";
      break;
    case CHAT_STORE_BAD_TEXT:
      why = "the text contains control characters or invalid UTF-8";
      break;
    case CHAT_STORE_INVALID:
      why = "invalid parameter (client_key, user_ids or title)";
      break;
    case CHAT_STORE_FORBIDDEN:
      why = "you are not a reader of this conversation or may not change this";
      break;
    case CHAT_STORE_NOT_FOUND:
      why = "no such conversation, message or user";
      break;
    case CHAT_STORE_NO_FILE:
      why =
          "no such attachment: upload it to this conversation first (it may have expired after 24 hours or "
          "been sent already)";
      break;
    default:
      why = "database error; nothing was changed";
      break;
  }
  hub_error(h, s, id, protocol_store_error(chat_store_status_class(status)), why);
}

static bool chat__rate_ok(hub *h, session *s, json_int_t id, uint64_t now) {
  double wait = chat__rate_wait(h, s->user_id, now);
  if (wait <= 0) return true;
  hub_error_with(h, s, id, ERR_RATE_LIMITED, "too many chat messages; wait a moment",
                 json_pack("{s:f}", "retry_after", ceil(wait * 10) / 10));
  return false;
}

/* ---- handlers ---- */

static void handle_chat_conversations(hub *h, session *s, json_int_t id, json_t *req) {
  (void)req;
  moa_db *db = hub_db(h);
  json_t *me = user_json_me(db, s->user_id);
  size_t i;
  json_t *c;
  json_array_foreach(json_object_get(me, "consortia"), i, c) {
    int64_t conv;
    chat_store_channel(db, json_integer_value(json_object_get(c, "id")), &conv);
  }
  json_decref(me);
  chat_conversation_list list;
  int rc = chat_store_list_conversations(db, s->user_id, &list);
  if (rc != CHAT_STORE_OK) {
    chat__fail(h, s, id, rc);
    return;
  }
  hub_reply(h, s, id, chat_json_conversations(&list));
  chat_conversation_list_free(&list);
}

/* The "attachments" of chat.send: an optional array of at most CHAT_STORE_MAX_FILES attachment
 * ids (strings; chat_store_send checks what they name) into files; false after an error reply. */
static bool chat__files(hub *h, session *s, json_int_t id, json_t *req, const char **files, size_t *n) {
  json_t *arr = json_object_get(req, "attachments");
  *n = 0;
  if (!arr || json_is_null(arr)) return true;
  if (!json_is_array(arr) || json_array_size(arr) > CHAT_STORE_MAX_FILES) {
    hub_error(h, s, id, ERR_INVALID_PARAMS, "\"attachments\" must be an array of at most 10 attachment ids");
    return false;
  }
  for (size_t i = 0; i < json_array_size(arr); i++) {
    const char *v = json_string_value(json_array_get(arr, i));
    if (!v || strlen(v) > 64) {
      hub_error(h, s, id, ERR_INVALID_PARAMS, "\"attachments\" must contain attachment ids (strings)");
      return false;
    }
    files[(*n)++] = v;
  }
  return true;
}

static void handle_chat_send(hub *h, session *s, json_int_t id, json_t *req) {
  json_int_t conv = 0;
  json_int_t parent = 0;
  const char *body = "", *key = NULL, *files[CHAT_STORE_MAX_FILES];
  size_t nfiles = 0;
  if (!hub_params(
          h, s, id, req,
          (param_spec[]){PARAM_INT("conversation_id", 1, INT64_MAX, PARAM_REQUIRED, &conv),
                         PARAM_STRING("body", 0, 4 * CHAT_STORE_MAX_BODY, PARAM_OPTIONAL, &body),
                         PARAM_STRING("client_key", 1, CHAT_STORE_MAX_CLIENT_KEY, PARAM_OPTIONAL, &key),
                         PARAM_INT("parent_id", 1, INT64_MAX, PARAM_OPTIONAL, &parent), PARAM_END}) ||
      !chat__files(h, s, id, req, files, &nfiles))
    return;
  uint64_t now = hub_now_ms();
  if (!chat__rate_ok(h, s, id, now)) return;
  chat_message m;
  bool dup = false;
  int rc =
      chat_store_send(hub_db(h), conv, s->user_id, body ? body : "", key, parent, files, nfiles, &m, &dup);
  if (rc != CHAT_STORE_OK) {
    chat__fail(h, s, id, rc);
    return;
  }
  if (!dup) chat__rate_record(h, s->user_id, now);
  int64_t msg_conv = m.conversation_id;
  json_t *msg = chat_json_message(&m); /* built once: the reply and every event share it */
  hub_reply(h, s, id, json_pack("{s:O, s:b}", "message", msg, "duplicate", dup));
  if (dup) {
    json_decref(msg);
    chat_message_free(&m);
    return;
  }
  if (m.nmentions)
    hub_deliver(h, m.mentions, m.nmentions, s->id, s->user_id,
                protocol_event("chat.mention", json_pack("{s:I, s:O}", "conversation_id",
                                                         (json_int_t)msg_conv, "message", msg)));
  chat_message_free(&m);
  chat_to_readers(h, s, msg_conv, chat_message_event(h, msg_conv, msg));
}

static void handle_chat_history(hub *h, session *s, json_int_t id, json_t *req) {
  json_int_t conv = 0, before = -1, after = -1, limit = 50;
  if (!hub_params(
          h, s, id, req,
          (param_spec[]){PARAM_INT("conversation_id", 1, INT64_MAX, PARAM_REQUIRED, &conv),
                         PARAM_INT("before_id", 0, INT64_MAX, PARAM_OPTIONAL, &before),
                         PARAM_INT("after_id", 0, INT64_MAX, PARAM_OPTIONAL, &after),
                         PARAM_INT("limit", 1, CHAT_STORE_MAX_PAGE, PARAM_OPTIONAL, &limit), PARAM_END}))
    return;
  if (before >= 0 && after >= 0) {
    hub_error(h, s, id, ERR_INVALID_PARAMS, "give \"before_id\" or \"after_id\", not both");
    return;
  }
  chat_page page;
  int rc = after >= 0 ? chat_store_history_after(hub_db(h), s->user_id, conv, after, (int)limit, &page)
                      : chat_store_history_before(hub_db(h), s->user_id, conv, before > 0 ? before : 0,
                                                  (int)limit, &page);
  if (rc != CHAT_STORE_OK) {
    chat__fail(h, s, id, rc);
    return;
  }
  hub_reply(h, s, id, chat_json_history(conv, &page));
  chat_page_free(&page);
}

static void handle_chat_edit(hub *h, session *s, json_int_t id, json_t *req) {
  json_int_t mid = 0;
  const char *body;
  if (!hub_params(
          h, s, id, req,
          (param_spec[]){PARAM_INT("message_id", 1, INT64_MAX, PARAM_REQUIRED, &mid),
                         PARAM_STRING("body", 0, 4 * CHAT_STORE_MAX_BODY, PARAM_REQUIRED, &body), PARAM_END}))
    return;
  uint64_t now = hub_now_ms();
  if (!chat__rate_ok(h, s, id, now)) return;
  chat_message m;
  int rc = chat_store_edit(hub_db(h), s->user_id, mid, body, &m);
  if (rc != CHAT_STORE_OK) {
    chat__fail(h, s, id, rc);
    return;
  }
  chat__rate_record(h, s->user_id, now);
  int64_t conv = m.conversation_id;
  json_t *msg = chat_json_message(&m);
  chat_message_free(&m);
  hub_reply(h, s, id, json_pack("{s:O}", "message", msg));
  chat_to_readers(h, s, conv,
                  protocol_event("chat.message_edited", json_pack("{s:I, s:o}", "conversation_id",
                                                                  (json_int_t)conv, "message", msg)));
}

static void handle_chat_delete(hub *h, session *s, json_int_t id, json_t *req) {
  json_int_t mid = 0;
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_INT("message_id", 1, INT64_MAX, PARAM_REQUIRED, &mid), PARAM_END}))
    return;
  chat_message m;
  int rc = chat_store_delete(hub_db(h), s->user_id, mid, &m);
  if (rc != CHAT_STORE_OK) {
    chat__fail(h, s, id, rc);
    return;
  }
  int64_t conv = m.conversation_id;
  json_t *msg = chat_json_message(&m);
  chat_message_free(&m);
  /* the message's files went with it: unlink the blobs no other message names */
  attachment_store *files = hub_attachments(h);
  if (files) attachment_store_collect(files);
  if (files && *attachment_store_error(files)) log_error("attachments: %s", attachment_store_error(files));
  hub_reply(h, s, id, json_pack("{s:O}", "message", msg));
  chat_to_readers(
      h, s, conv,
      protocol_event("chat.message_deleted", json_pack("{s:I, s:I, s:o}", "conversation_id", (json_int_t)conv,
                                                       "message_id", mid, "message", msg)));
}

static void handle_chat_read(hub *h, session *s, json_int_t id, json_t *req) {
  json_int_t conv = 0, mid = 0;
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_INT("conversation_id", 1, INT64_MAX, PARAM_REQUIRED, &conv),
                                 PARAM_INT("message_id", 0, INT64_MAX, PARAM_REQUIRED, &mid), PARAM_END}))
    return;
  moa_db *db = hub_db(h);
  int64_t last = 0;
  int rc = chat_store_mark_read(db, s->user_id, conv, mid, &last);
  if (rc != CHAT_STORE_OK) {
    chat__fail(h, s, id, rc);
    return;
  }
  int64_t unread = chat_store_unread(db, s->user_id, conv);
  if (unread < 0) {
    chat__fail(h, s, id, (int)unread);
    return;
  }
  json_t *fields = json_pack("{s:I, s:I, s:I}", "conversation_id", (json_int_t)conv, "last_read_id",
                             (json_int_t)last, "unread", (json_int_t)unread);
  hub_reply(h, s, id, json_deep_copy(fields));
  /* The user's other connections (another tab, the phone) update their counts too. */
  int64_t me = s->user_id;
  hub_deliver(h, &me, 1, s->id, 0, protocol_event("chat.read", fields));
}

static void handle_chat_typing(hub *h, session *s, json_int_t id, json_t *req) {
  json_int_t conv = 0;
  if (!hub_params(
          h, s, id, req,
          (param_spec[]){PARAM_INT("conversation_id", 1, INT64_MAX, PARAM_REQUIRED, &conv), PARAM_END}))
    return;
  moa_db *db = hub_db(h);
  if (!chat_store_can_read(db, s->user_id, conv)) {
    chat__fail(h, s, id, CHAT_STORE_FORBIDDEN);
    return;
  }
  uint64_t now = hub_now_ms();
  chat_budget *b = chat__budget(h, s->user_id, now);
  if (b->typing_conversation == conv && now - b->typing_ms < CHAT_TYPING_MS) {
    hub_reply(h, s, id, json_pack("{s:b}", "sent", 0));
    return;
  }
  b->typing_conversation = conv;
  b->typing_ms = now;
  hub_reply(h, s, id, json_pack("{s:b}", "sent", 1));
  user_rec u;
  const char *name = user_store_find_by_id(db, s->user_id, &u) == 1 ? u.name : "";
  int64_t *ids;
  size_t n;
  if (chat_store_readers(db, conv, &ids, &n) != CHAT_STORE_OK) return;
  hub_deliver(
      h, ids, n, s->id, s->user_id,
      protocol_event("chat.typing", json_pack("{s:I, s:I, s:s, s:i}", "conversation_id", (json_int_t)conv,
                                              "user_id", (json_int_t)s->user_id, "user_name", name,
                                              "expires_in_ms", CHAT_TYPING_MS + 2000)));
  free(ids);
}

static void handle_chat_direct(hub *h, session *s, json_int_t id, json_t *req) {
  const char *title = NULL;
  json_t *arr = json_object_get(req, "user_ids");
  size_t n = json_array_size(arr);
  if (!json_is_array(arr) || n < 1 || n > CHAT_STORE_MAX_GROUP - 1) {
    hub_error(h, s, id, ERR_INVALID_PARAMS, "\"user_ids\" must be an array of 1 to 15 user ids");
    return;
  }
  int64_t others[CHAT_STORE_MAX_GROUP];
  for (size_t i = 0; i < n; i++) {
    json_t *v = json_array_get(arr, i);
    if (!json_is_integer(v) || json_integer_value(v) < 1) {
      hub_error(h, s, id, ERR_INVALID_PARAMS, "\"user_ids\" must contain positive integers");
      return;
    }
    others[i] = json_integer_value(v);
  }
  if (!hub_params(
          h, s, id, req,
          (param_spec[]){PARAM_STRING("title", 1, CHAT_STORE_MAX_TITLE, PARAM_OPTIONAL, &title), PARAM_END}))
    return;
  int64_t conv = 0;
  bool created = false;
  int rc = chat_store_create_direct(hub_db(h), s->user_id, others, n, title, &conv, &created);
  if (rc != CHAT_STORE_OK) {
    chat__fail(h, s, id, rc);
    return;
  }
  hub_reply(h, s, id, json_pack("{s:I, s:b}", "conversation_id", (json_int_t)conv, "created", created));
}

static void handle_chat_search(hub *h, session *s, json_int_t id, json_t *req) {
  const char *query;
  json_int_t conv = 0, limit = CHAT_SEARCH_LIMIT;
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_STRING("query", 0, CHAT_STORE_MAX_QUERY, PARAM_REQUIRED, &query),
                                 PARAM_INT("conversation_id", 1, INT64_MAX, PARAM_OPTIONAL, &conv),
                                 PARAM_INT("limit", 1, 50, PARAM_OPTIONAL, &limit), PARAM_END}))
    return;
  chat_search_result found;
  int rc = chat_store_search(hub_db(h), s->user_id, query, conv, (int)limit, &found);
  if (rc != CHAT_STORE_OK) {
    chat__fail(h, s, id, rc);
    return;
  }
  hub_reply(h, s, id, chat_json_search(&found));
  chat_search_result_free(&found);
}

/* chat.members: the readers a composer may @-mention, by part of their name. */
static void handle_chat_members(hub *h, session *s, json_int_t id, json_t *req) {
  const char *query = "";
  json_int_t conv = 0, limit = 8;
  if (!hub_params(
          h, s, id, req,
          (param_spec[]){PARAM_INT("conversation_id", 1, INT64_MAX, PARAM_REQUIRED, &conv),
                         PARAM_STRING("query", 0, CHAT_STORE_MAX_TITLE, PARAM_OPTIONAL, &query),
                         PARAM_INT("limit", 1, CHAT_STORE_MAX_MEMBERS, PARAM_OPTIONAL, &limit), PARAM_END}))
    return;
  chat_member found[CHAT_STORE_MAX_MEMBERS];
  size_t n = 0;
  int rc = chat_store_members(hub_db(h), s->user_id, conv, query ? query : "", (int)limit, found, &n);
  if (rc != CHAT_STORE_OK) {
    chat__fail(h, s, id, rc);
    return;
  }
  json_t *members = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(
        members, json_pack("{s:I, s:s}", "user_id", (json_int_t)found[i].user_id, "name", found[i].name));
  hub_reply(h, s, id, json_pack("{s:I, s:o}", "conversation_id", (json_int_t)conv, "members", members));
}

/* chat.mentions: the messages that mention the caller, newest first, and the unread count. */
static void handle_chat_mentions(hub *h, session *s, json_int_t id, json_t *req) {
  json_int_t before = 0, limit = 20;
  if (!hub_params(
          h, s, id, req,
          (param_spec[]){PARAM_INT("before_id", 1, INT64_MAX, PARAM_OPTIONAL, &before),
                         PARAM_INT("limit", 1, CHAT_STORE_MAX_PAGE, PARAM_OPTIONAL, &limit), PARAM_END}))
    return;
  chat_mention_page page;
  int rc = chat_store_mentions(hub_db(h), s->user_id, before, (int)limit, &page);
  if (rc != CHAT_STORE_OK) {
    chat__fail(h, s, id, rc);
    return;
  }
  hub_reply(h, s, id, chat_json_mentions(&page));
  chat_mention_page_free(&page);
}

/* chat.react: adds or takes back an emoji reaction; the other readers get chat.reaction. */
static void handle_chat_react(hub *h, session *s, json_int_t id, json_t *req) {
  json_int_t mid = 0;
  const char *emoji;
  json_t *on = json_object_get(req, "on");
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_INT("message_id", 1, INT64_MAX, PARAM_REQUIRED, &mid),
                                 PARAM_STRING("emoji", 1, 16, PARAM_REQUIRED, &emoji), PARAM_END}))
    return;
  if (on && !json_is_boolean(on)) {
    hub_error(h, s, id, ERR_INVALID_PARAMS, "\"on\" must be true or false");
    return;
  }
  chat_message m;
  int rc = chat_store_react(hub_db(h), s->user_id, mid, emoji, !on || json_is_true(on), &m);
  if (rc == CHAT_STORE_INVALID) {
    hub_error(h, s, id, ERR_INVALID_PARAMS,
              "\"emoji\" must be one of 👍 ❤️ 😄 🎉 👀 🙏 ✅ 😮");
    return;
  }
  if (rc != CHAT_STORE_OK) {
    chat__fail(h, s, id, rc);
    return;
  }
  json_int_t conv = m.conversation_id;
  json_t *reactions = chat_json_reactions(&m);
  chat_message_free(&m);
  hub_reply(h, s, id, json_pack("{s:I, s:O}", "message_id", mid, "reactions", reactions));
  chat_to_readers(h, s, conv,
                  protocol_event("chat.reaction", json_pack("{s:I, s:I, s:O}", "conversation_id", conv,
                                                            "message_id", mid, "reactions", reactions)));
  json_decref(reactions);
}

/* chat.thread: a message's thread, its first message and the replies oldest first. */
static void handle_chat_thread(hub *h, session *s, json_int_t id, json_t *req) {
  json_int_t mid = 0;
  if (!hub_params(h, s, id, req,
                  (param_spec[]){PARAM_INT("message_id", 1, INT64_MAX, PARAM_REQUIRED, &mid), PARAM_END}))
    return;
  chat_thread thread;
  int rc = chat_store_thread(hub_db(h), s->user_id, mid, &thread);
  if (rc != CHAT_STORE_OK) {
    chat__fail(h, s, id, rc);
    return;
  }
  hub_reply(h, s, id, chat_json_thread(&thread));
  chat_thread_free(&thread);
}

const handler_def chat_handlers[] = {
    {"chat.conversations", handle_chat_conversations, 0},
    {"chat.delete", handle_chat_delete, 0},
    {"chat.direct", handle_chat_direct, 0},
    {"chat.edit", handle_chat_edit, 0},
    {"chat.history", handle_chat_history, HANDLER_GUEST},
    {"chat.members", handle_chat_members, 0},
    {"chat.mentions", handle_chat_mentions, 0},
    {"chat.react", handle_chat_react, 0},
    {"chat.read", handle_chat_read, HANDLER_GUEST},
    {"chat.search", handle_chat_search, 0},
    {"chat.send", handle_chat_send, HANDLER_GUEST},
    {"chat.thread", handle_chat_thread, 0},
    {"chat.typing", handle_chat_typing, HANDLER_GUEST},
    {NULL, NULL, 0},
};
