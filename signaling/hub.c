/* The hub (see hub.h). Sessions live in a hash table by id (for jobs and timers that refer to
 * them by id), in a list of all sessions (for shutdown and sweeps), and, once signed in, in a
 * hash table by user id (the index hub_deliver finds a message's recipients with, so a fan-out
 * costs the recipients' sessions, not every session). */
#include "signaling/hub.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/log.h"
#include "rooms/registry.h"
#include "rooms/rooms_media.h"
#include "signaling/dispatch.h"
#include "signaling/handlers.h"
#include "signaling/meeting_control.h"
#include "signaling/meeting_record.h"
#include "signaling/room_events.h"
#include "signaling/throttle.h"
#include "storage/attachment_store.h"
#include "storage/recording_store.h"

#define BUCKETS 4096
#define VIOLATIONS_BEFORE_CLOSE 100
/* Sign-in attempts that may wait for a password check (login_gate.h): per address (the
 * twenty an address may fail before it is locked fit), per account (an account locks after its
 * fifth accepted attempt, so this binds only for unknown emails) and in all. */
#define LOGIN_WAIT_PER_ADDRESS 32
#define LOGIN_WAIT_PER_ACCOUNT 8
#define LOGIN_WAIT_TOTAL 1024

static const char *const error_codes[] = {
    ERR_GUEST_LINK_USED_UP,    ERR_BAD_REQUEST,  ERR_UNKNOWN_TYPE, ERR_INVALID_PARAMS, ERR_UNAUTHENTICATED,
    ERR_INVALID_CREDENTIALS,   ERR_LOCKED,       ERR_FORBIDDEN,    ERR_NOT_FOUND,      ERR_CONFLICT,
    ERR_RATE_LIMITED,          ERR_TOO_LARGE,    ERR_BUSY,         ERR_INTERNAL,       ERR_REMOVED,
    ERR_MEETING_ENDED,         ERR_EXPIRED,      ERR_NO_FLOOR,     ERR_MUTED_BY_HOST,  ERR_EMAIL_TAKEN,
    ERR_BIZNO_TAKEN,           ERR_LINK_EXPIRED, ERR_LINK_USED,    ERR_MAIL_FAILED,    ERR_UNAVAILABLE,
    ERR_RECORDING_NOT_ALLOWED,
};
#define NCODES (sizeof error_codes / sizeof error_codes[0])

typedef struct delayed {
  struct delayed *next;
  uint64_t session_id;
  uint64_t due_ms;
  json_t *msg;
} delayed;

struct hub {
  moa_db *db;
  hub_options cfg;                  /* a copy of hub_new's */
  dispatch *dispatch;               /* every request type and its handler */
  throttle *throttle;               /* failed sign-ins per address (handlers_auth.c) */
  struct chat_budget *chat_budgets; /* per-user chat flood budgets (handlers_chat.c) */
  uint64_t reminded_ms;             /* the last meeting_reminder_tick */
  jobs *jobs;
  jobs *mail_jobs;
  jobs *rec_jobs; /* finalizing recordings (signaling/meeting_record.h) */
  login_gate *login_gate;
  session *buckets[BUCKETS];
  session *user_buckets[BUCKETS]; /* signed-in sessions by user id (prev_of_user, next_of_user) */
  uint64_t deliveries;            /* hub_deliver calls, to reach a session once per call */
  session *all;
  size_t nsessions, nauth;
  uint64_t next_id;
  uint64_t *requests; /* per dispatch entry */
  uint64_t unknown_requests;
  uint64_t errors[NCODES];
  delayed *later;
  hub_counters counters;
  time_t started;
  rooms_media media_if;
  const rooms_media *media; /* &media_if, or NULL without media */
  rooms *rooms;
  meeting_control *ctl; /* made with rooms */
  session_watch watch;
  struct attachment_store *files; /* not owned */
  uint64_t files_collected_ms;
  uint64_t recordings_swept_ms; /* retention (signaling/meeting_record.h): at start, then daily */
  bool recordings_swept;
};

uint64_t hub_now_ms(void) { return mono_ms(); }

hub *hub_new(moa_db *db, const hub_options *opt, void (*wake)(void *), void *wake_arg) {
  hub *h = calloc(1, sizeof *h);
  if (!h) return NULL;
  h->db = db;
  h->cfg = *opt;
  h->next_id = 1;
  h->started = time(NULL);
  h->dispatch = dispatch_new();
  h->throttle = throttle_new();
  h->chat_budgets = chat_budgets_new();
  h->requests = h->dispatch ? calloc(dispatch_count(h->dispatch), sizeof *h->requests) : NULL;
  h->jobs = jobs_start(opt->login_workers, 4096, wake, wake_arg);
  h->mail_jobs = jobs_start(1, 256, wake, wake_arg);
  h->rec_jobs = jobs_start(1, 256, wake, wake_arg);
  h->login_gate =
      login_gate_new(opt->login_workers, LOGIN_WAIT_PER_ADDRESS, LOGIN_WAIT_PER_ACCOUNT, LOGIN_WAIT_TOTAL);
  if (!h->dispatch || !h->throttle || !h->chat_budgets || !h->requests || !h->jobs || !h->mail_jobs ||
      !h->rec_jobs || !h->login_gate) {
    dispatch_free(h->dispatch);
    throttle_free(h->throttle);
    free(h->chat_budgets);
    free(h->requests);
    jobs_stop(h->jobs);
    jobs_stop(h->mail_jobs);
    jobs_stop(h->rec_jobs);
    login_gate_free(h->login_gate, NULL);
    free(h);
    return NULL;
  }
  session_watch_init(&h->watch, h);
  return h;
}

static void free_session(session *s) {
  session_clear_queue(s);
  free(s);
}

void hub_free(hub *h) {
  if (!h) return;
  rooms_free(h->rooms);
  meeting_control_free(h->ctl);
  jobs_stop(h->jobs); /* runs queued work; done functions are dropped with their args */
  jobs_stop(h->mail_jobs);
  /* A finalize under way ends and its result is kept; those not started are dropped and stay
   * FINALIZING in the store: the next start finalizes them (meeting_record_recover). */
  jobs_stop_drain(h->rec_jobs, h, free);
  login_gate_free(h->login_gate, auth_login_drop); /* sign-ins still waiting for a check */
  for (session *s = h->all, *n; s; s = n) {
    n = s->next_all;
    free_session(s);
  }
  for (delayed *d = h->later, *n; d; d = n) {
    n = d->next;
    json_decref(d->msg);
    free(d);
  }
  free(h->requests);
  dispatch_free(h->dispatch);
  throttle_free(h->throttle);
  free(h->chat_budgets);
  free(h);
}

session *hub_open(hub *h, void *transport, const session_io *io, const char *address) {
  session *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->id = h->next_id++;
  s->transport = transport;
  s->io = io;
  snprintf(s->address, sizeof s->address, "%s", address ? address : "");
  s->max_messages = (size_t)h->cfg.outq_messages;
  s->max_bytes = (size_t)h->cfg.outq_bytes;
  size_t b = s->id % BUCKETS;
  s->next_in_bucket = h->buckets[b];
  h->buckets[b] = s;
  s->next_all = h->all;
  if (h->all) h->all->prev_all = s;
  h->all = s;
  h->nsessions++;
  h->counters.connections_total++;
  return s;
}

static size_t user_bucket(int64_t user_id) {
  return (size_t)(((uint64_t)user_id * 0x9E3779B97F4A7C15ull) >> 52) % BUCKETS;
}

/* Links s into the index under its user_id (non-zero). */
static void user_index_add(hub *h, session *s) {
  assert(s->user_id && !s->prev_of_user && !s->next_of_user);
  session **head = &h->user_buckets[user_bucket(s->user_id)];
  s->next_of_user = *head;
  if (*head) (*head)->prev_of_user = s;
  *head = s;
}

/* Unlinks s from the index (it is there while its user_id is non-zero). */
static void user_index_remove(hub *h, session *s) {
  if (!s->user_id) return;
  if (s->prev_of_user)
    s->prev_of_user->next_of_user = s->next_of_user;
  else {
    assert(h->user_buckets[user_bucket(s->user_id)] == s);
    h->user_buckets[user_bucket(s->user_id)] = s->next_of_user;
  }
  if (s->next_of_user) s->next_of_user->prev_of_user = s->prev_of_user;
  s->prev_of_user = s->next_of_user = NULL;
}

session *hub_user_first(hub *h, int64_t user_id) {
  if (user_id <= 0) return NULL;
  session *s = h->user_buckets[user_bucket(user_id)];
  while (s && s->user_id != user_id) s = s->next_of_user;
  return s;
}

session *hub_user_next(session *s) {
  session *n = s->next_of_user;
  while (n && n->user_id != s->user_id) n = n->next_of_user;
  return n;
}

size_t hub_deliver(hub *h, const int64_t *user_ids, size_t n, uint64_t except_session, int64_t except_user,
                   json_t *event) {
  outmsg *m = n ? outmsg_from_json(event) : NULL;
  json_decref(event);
  if (!m) return 0;
  uint64_t stamp = ++h->deliveries;
  size_t sent = 0;
  for (size_t i = 0; i < n; i++) {
    if (user_ids[i] == except_user && except_user) continue;
    /* session_send_shared never frees a session (a slow consumer is only marked closing): the
     * next one is read after the send all the same */
    for (session *s = hub_user_first(h, user_ids[i]), *next; s; s = next) {
      next = hub_user_next(s);
      if (s->delivery == stamp || s->closing || s->id == except_session) continue;
      s->delivery = stamp; /* a user listed twice gets it once */
      if (session_send_soon(s, m) == 0) sent++;
    }
  }
  h->counters.messages_out += sent;
  outmsg_unref(m);
  return sent;
}

void hub_close(hub *h, session *s) {
  room_events_session_closed(h, s);
  user_index_remove(h, s);
  size_t b = s->id % BUCKETS;
  for (session **pp = &h->buckets[b]; *pp; pp = &(*pp)->next_in_bucket)
    if (*pp == s) {
      *pp = s->next_in_bucket;
      break;
    }
  if (s->prev_all)
    s->prev_all->next_all = s->next_all;
  else
    h->all = s->next_all;
  if (s->next_all) s->next_all->prev_all = s->prev_all;
  h->nsessions--;
  if (s->user_id) h->nauth--;
  free_session(s);
}

session *hub_find(hub *h, uint64_t id) {
  for (session *s = h->buckets[id % BUCKETS]; s; s = s->next_in_bucket)
    if (s->id == id) return s;
  return NULL;
}

session *hub_first(hub *h) { return h->all; }
session *hub_next(session *s) { return s->next_all; }

static void count_error(hub *h, const char *code) {
  for (size_t i = 0; i < NCODES; i++)
    if (strcmp(error_codes[i], code) == 0) {
      h->errors[i]++;
      return;
    }
}

static void send_msg(hub *h, session *s, json_t *msg) {
  if (!msg) return;
  if (session_send(s, msg) == 0) h->counters.messages_out++;
  json_decref(msg);
}

void hub_reply(hub *h, session *s, json_int_t id, json_t *result) {
  send_msg(h, s, protocol_reply_ok(id, result));
}

void hub_error_with(hub *h, session *s, json_int_t id, const char *code, const char *message, json_t *extra) {
  count_error(h, code);
  json_t *msg = protocol_reply_error(id, code, message);
  if (extra) {
    json_object_update(json_object_get(msg, "error"), extra);
    json_decref(extra);
  }
  send_msg(h, s, msg);
}

void hub_error(hub *h, session *s, json_int_t id, const char *code, const char *message) {
  hub_error_with(h, s, id, code, message, NULL);
}

bool hub_params(hub *h, session *s, json_int_t id, json_t *req, const param_spec *specs) {
  protocol_error err;
  if (params_check(req, specs, &err)) return true;
  hub_error(h, s, id, err.code, err.message);
  return false;
}

void hub_event(hub *h, session *s, json_t *event) { send_msg(h, s, event); }

void hub_reply_later(hub *h, uint64_t session_id, json_t *msg, uint64_t delay_ms) {
  delayed *d = malloc(sizeof *d);
  if (!d) {
    json_decref(msg);
    return;
  }
  d->session_id = session_id;
  d->due_ms = hub_now_ms() + delay_ms;
  d->msg = msg;
  d->next = h->later;
  h->later = d;
}

void hub_reject_frame(hub *h, session *s, const char *code, const char *message) {
  h->counters.bad_frames++;
  hub_error(h, s, -1, code, message);
}

void hub_receive(hub *h, session *s, const char *buf, size_t len) {
  if (s->closing) return;
  h->counters.messages_in++;
  if (!session_take_token(s, h->cfg.rate, h->cfg.rate_burst, hub_now_ms())) {
    h->counters.rate_limited++;
    if (++s->violations > VIOLATIONS_BEFORE_CLOSE) {
      log_warn("session %llu (%s): request flood, disconnecting", (unsigned long long)s->id, s->address);
      session_close(s, 1008, "request flood");
      return;
    }
    protocol_request peek;
    protocol_error perr;
    json_int_t id = -1;
    if (protocol_parse(buf, len, &peek, &perr) == 0) {
      id = peek.id;
      json_decref(peek.root);
    }
    hub_error_with(h, s, id, ERR_RATE_LIMITED, "too many requests; slow down",
                   json_pack("{s:f}", "retry_after", 1.0 / h->cfg.rate));
    return;
  }
  s->violations = 0; /* a client that backs off starts with a clean slate */
  protocol_request req;
  protocol_error err;
  if (protocol_parse(buf, len, &req, &err) != 0) {
    h->counters.bad_frames++;
    hub_error(h, s, err.id, err.code, err.message);
    return;
  }
  const handler_def *d = dispatch_find(h->dispatch, req.type);
  if (!d) {
    h->unknown_requests++;
    char msg[128];
    snprintf(msg, sizeof msg, "unknown message type \"%.64s\"", req.type);
    hub_error(h, s, req.id, ERR_UNKNOWN_TYPE, msg);
  } else if (!(d->flags & HANDLER_PUBLIC) && s->user_id == 0) {
    h->requests[dispatch_index(h->dispatch, d)]++;
    hub_error(h, s, req.id, ERR_UNAUTHENTICATED, "sign in first (auth.login or auth.resume)");
  } else if (s->guest_meeting_id && !(d->flags & (HANDLER_PUBLIC | HANDLER_GUEST))) {
    /* a guest link admits to its meeting only (handlers_guest.c) */
    h->requests[dispatch_index(h->dispatch, d)]++;
    hub_error(h, s, req.id, ERR_FORBIDDEN, "a guest may only take part in the meeting of its link");
  } else {
    h->requests[dispatch_index(h->dispatch, d)]++;
    d->fn(h, s, req.id, req.root);
  }
  json_decref(req.root);
}

void hub_poll(hub *h) {
  jobs_drain(h->jobs, h);
  jobs_drain(h->mail_jobs, h);
  jobs_drain(h->rec_jobs, h);
  if (h->media) {
    media_event ev;
    while (h->media->next_event(h->media->ctx, &ev)) rooms_on_media_event(h->rooms, &ev);
  }
  if (h->rooms) meeting_control_tick(h->rooms, h);
  uint64_t now = hub_now_ms();
  if (now - h->reminded_ms >= 1000) { /* meeting.reminder: about once a second */
    h->reminded_ms = now;
    meeting_reminder_tick(h);
  }
  if (h->files && now - h->files_collected_ms >= 60000) { /* expired uploads, orphaned blobs */
    h->files_collected_ms = now;
    attachment_store_collect(h->files);
    if (*attachment_store_error(h->files)) log_error("attachments: %s", attachment_store_error(h->files));
  }
  if (!h->recordings_swept || now - h->recordings_swept_ms >= 24ull * 3600 * 1000) {
    h->recordings_swept = true;
    h->recordings_swept_ms = now;
    meeting_record_retention(h->db, h->cfg.recording_retention_days);
  }
  session_watch_tick(&h->watch, h, now);
  for (delayed **pp = &h->later; *pp;) {
    delayed *d = *pp;
    if (d->due_ms > now) {
      pp = &d->next;
      continue;
    }
    *pp = d->next;
    session *s = hub_find(h, d->session_id);
    if (s)
      send_msg(h, s, d->msg);
    else
      json_decref(d->msg);
    free(d);
  }
}

void hub_shutdown(hub *h) {
  for (session *s = h->all; s; s = s->next_all) {
    hub_event(h, s,
              protocol_event("server.shutdown", json_pack("{s:s}", "reason", "the server is restarting")));
    session_close(s, 1001, "server shutting down");
  }
}

void hub_set_user(hub *h, session *s, int64_t user_id, bool is_admin) {
  if (s->user_id && !user_id) h->nauth--;
  if (!s->user_id && user_id) h->nauth++;
  if (s->user_id != user_id) {
    user_index_remove(h, s);
    s->user_id = user_id;
    if (user_id) user_index_add(h, s);
  }
  s->is_admin = is_admin;
  s->expires_at = 0;       /* set by the caller that signed it in */
  s->guest_meeting_id = 0; /* a guest scope is set again by auth.guest / auth.resume */
  s->guest_role[0] = '\0';
  s->guest_until_segment = 0;
}

void hub_set_attachments(hub *h, struct attachment_store *files) {
  h->files = files;
  h->files_collected_ms = hub_now_ms();
}

struct attachment_store *hub_attachments(hub *h) {
  return h->files;
}

void hub_set_media(hub *h, const rooms_media *media) {
  if (media) h->media_if = *media;
  h->media = media ? &h->media_if : NULL;
  if (media && !h->rooms) { /* both or neither */
    rooms_listener events = room_events_listener(h);
    h->ctl = meeting_control_new();
    h->rooms = h->ctl ? rooms_new(media, &events) : NULL;
    if (!h->rooms) {
      meeting_control_free(h->ctl);
      h->ctl = NULL;
    }
  }
}
const rooms_media *hub_media(hub *h) { return h->media; }
session_watch *hub_session_watch(hub *h) { return &h->watch; }
rooms *hub_rooms(hub *h) { return h->rooms; }
struct meeting_control *hub_meeting_control(hub *h) {
  return h->ctl;
}

moa_db *hub_db(hub *h) { return h->db; }
const hub_options *hub_config(hub *h) { return &h->cfg; }
jobs *hub_jobs(hub *h) { return h->jobs; }
jobs *hub_mail_jobs(hub *h) { return h->mail_jobs; }
jobs *hub_recording_jobs(hub *h) { return h->rec_jobs; }
login_gate *hub_login_gate(hub *h) { return h->login_gate; }
throttle *hub_throttle(hub *h) { return h->throttle; }
struct chat_budget *hub_chat_budgets(hub *h) {
  return h->chat_budgets;
}
hub_counters *hub_get_counters(hub *h) { return &h->counters; }
size_t hub_session_count(hub *h) { return h->nsessions; }
size_t hub_authenticated_count(hub *h) { return h->nauth; }

#define PUT(...)                                                          \
  do {                                                                    \
    int n_ = snprintf(buf + off, off < len ? len - off : 0, __VA_ARGS__); \
    if (n_ > 0) off += (size_t)n_;                                        \
  } while (0)

size_t hub_metrics_render(hub *h, char *buf, size_t len) {
  size_t off = 0;
  db_stats ds = db_get_stats(h->db);
  PUT("# HELP moa_uptime_seconds Seconds since the server started.\n# TYPE moa_uptime_seconds gauge\n");
  PUT("moa_uptime_seconds %lld\n", (long long)(time(NULL) - h->started));
  PUT("# HELP moa_ws_connections Open WebSocket connections.\n# TYPE moa_ws_connections gauge\n");
  PUT("moa_ws_connections %zu\n", h->nsessions);
  PUT("# HELP moa_ws_connections_total WebSocket connections accepted.\n# TYPE moa_ws_connections_total "
      "counter\n");
  PUT("moa_ws_connections_total %llu\n", (unsigned long long)h->counters.connections_total);
  PUT("# HELP moa_sessions Signed-in WebSocket sessions.\n# TYPE moa_sessions gauge\n");
  PUT("moa_sessions %zu\n", h->nauth);
  PUT("# HELP moa_sessions_ended_total Signed-in connections closed because their sign-in ended (sign-out "
      "elsewhere, password change, disabled account, expiry).\n# TYPE moa_sessions_ended_total counter\n");
  PUT("moa_sessions_ended_total %llu\n", (unsigned long long)h->watch.ended);
  PUT("# HELP moa_requests_total Requests received, by type.\n# TYPE moa_requests_total counter\n");
  for (size_t i = 0; i < dispatch_count(h->dispatch); i++)
    PUT("moa_requests_total{type=\"%s\"} %llu\n", dispatch_at(h->dispatch, i)->type,
        (unsigned long long)h->requests[i]);
  PUT("moa_requests_total{type=\"unknown\"} %llu\n", (unsigned long long)h->unknown_requests);
  PUT("# HELP moa_errors_total Error replies, by code.\n# TYPE moa_errors_total counter\n");
  for (size_t i = 0; i < NCODES; i++)
    PUT("moa_errors_total{code=\"%s\"} %llu\n", error_codes[i], (unsigned long long)h->errors[i]);
  PUT("# HELP moa_messages_total WebSocket messages, by direction.\n# TYPE moa_messages_total counter\n");
  PUT("moa_messages_total{direction=\"in\"} %llu\n", (unsigned long long)h->counters.messages_in);
  PUT("moa_messages_total{direction=\"out\"} %llu\n", (unsigned long long)h->counters.messages_out);
  PUT("# HELP moa_ws_batched_writes_total Writes that carried several queued messages at once.\n"
      "# TYPE moa_ws_batched_writes_total counter\n");
  PUT("moa_ws_batched_writes_total %llu\n", (unsigned long long)h->counters.ws_batch_writes);
  PUT("# HELP moa_ws_batched_messages_total Messages sent in those writes.\n"
      "# TYPE moa_ws_batched_messages_total counter\n");
  PUT("moa_ws_batched_messages_total %llu\n", (unsigned long long)h->counters.ws_batched_messages);
  PUT("# HELP moa_bad_frames_total Frames rejected before dispatch.\n# TYPE moa_bad_frames_total counter\n");
  PUT("moa_bad_frames_total %llu\n", (unsigned long long)h->counters.bad_frames);
  PUT("# HELP moa_rate_limited_total Requests refused by the per-connection rate limit.\n"
      "# TYPE moa_rate_limited_total counter\n");
  PUT("moa_rate_limited_total %llu\n", (unsigned long long)h->counters.rate_limited);
  PUT("# HELP moa_logins_total Sign-in attempts, by result.\n# TYPE moa_logins_total counter\n");
  PUT("moa_logins_total{result=\"ok\"} %llu\n", (unsigned long long)h->counters.logins_ok);
  PUT("moa_logins_total{result=\"failed\"} %llu\n", (unsigned long long)h->counters.logins_failed);
  PUT("# HELP moa_db_statements_total Database statement steps.\n# TYPE moa_db_statements_total counter\n");
  PUT("moa_db_statements_total %llu\n", (unsigned long long)ds.steps);
  PUT("# HELP moa_db_seconds_total Time spent in database steps (each statement's first step timed, later "
      "rows sampled one in 16 and scaled).\n# TYPE moa_db_seconds_total counter\n");
  PUT("moa_db_seconds_total %.6f\n", (double)ds.step_ns / 1e9);
  PUT("# HELP moa_db_errors_total Database errors.\n# TYPE moa_db_errors_total counter\n");
  PUT("moa_db_errors_total %llu\n", (unsigned long long)ds.errors);
  PUT("# HELP moa_jobs_pending Background jobs queued or running.\n# TYPE moa_jobs_pending gauge\n");
  PUT("moa_jobs_pending %d\n", jobs_pending(h->jobs));
  PUT("# HELP moa_login_checks Accepted sign-in attempts waiting for or in a password check.\n"
      "# TYPE moa_login_checks gauge\n");
  PUT("moa_login_checks{state=\"waiting\"} %zu\n", login_gate_waiting(h->login_gate));
  PUT("moa_login_checks{state=\"running\"} %zu\n", login_gate_running(h->login_gate));
  static const char *const ice_types[2] = {"host", "relay"};
  static const char *const ice_protos[3] = {"udp", "tcp", "tls"};
  PUT("# HELP moa_ice_selected_total Participants by the ICE path their browser selected: host (direct to "
      "the "
      "media server) or relay (through TURN), and the transport (for a relay: to the TURN server).\n"
      "# TYPE moa_ice_selected_total counter\n");
  for (int t = 0; t < 2; t++)
    for (int p = 0; p < (t == 1 ? 3 : 2); p++)
      PUT("moa_ice_selected_total{type=\"%s\",protocol=\"%s\"} %llu\n", ice_types[t], ice_protos[p],
          (unsigned long long)h->counters.ice_selected[t][p]);
  int64_t rec_bytes, rec_count[RECORDING_STATES];
  if (recording_store_totals(h->db, &rec_bytes, rec_count) == 0) {
    PUT("# HELP moa_recording_disk_bytes Bytes of the finished recordings' files on disk.\n"
        "# TYPE moa_recording_disk_bytes gauge\n");
    PUT("moa_recording_disk_bytes %lld\n", (long long)rec_bytes);
    PUT("# HELP moa_recordings Recordings kept, by state.\n# TYPE moa_recordings gauge\n");
    for (int i = 0; i < RECORDING_STATES; i++)
      PUT("moa_recordings{state=\"%s\"} %lld\n", recording_state_name((recording_state)i),
          (long long)rec_count[i]);
  }
  if (h->media && off < len) off += h->media->metrics_render(h->media->ctx, buf + off, len - off);
  return off < len ? off : len;
}
