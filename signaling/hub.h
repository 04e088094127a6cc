/* The hub: everything the signaling thread knows. Sessions (by id), the dispatch of requests to
 * handlers, asynchronous jobs, delayed replies, and the counters /metrics reports.
 *
 * Single-threaded: every function runs on the signaling thread, except the wake callback the
 * job pool calls. The gateway feeds it (hub_open, hub_receive, hub_close, hub_poll) and
 * implements session_io to write and close connections. */
#ifndef MOA_SIGNALING_HUB_H
#define MOA_SIGNALING_HUB_H

#include <jansson.h>
#include <stdint.h>

#include "signaling/ice_servers.h"
#include "signaling/jobs.h"
#include "signaling/login_gate.h"
#include "signaling/protocol.h"
#include "signaling/rec_finalizer.h"
#include "signaling/session.h"
#include "signaling/session_watch.h"
#include "signaling/signup_mail.h"
#include "storage/db.h"

typedef struct hub hub;
struct rooms;
struct throttle;
struct chat_budget;
struct meeting_control;
struct rooms_media;
struct attachment_store;

typedef void (*handler_fn)(hub *h, session *s, json_int_t id, json_t *req);

enum {
  HANDLER_PUBLIC = 1, /* allowed before sign-in */
  HANDLER_GUEST = 2,  /* allowed to a guest link's session (handlers_guest.c) */
};

typedef struct handler_def {
  const char *type;
  handler_fn fn;
  unsigned flags;
} handler_def;

typedef struct hub_counters {
  uint64_t connections_total;
  uint64_t messages_in;
  uint64_t messages_out;
  uint64_t bad_frames;
  uint64_t rate_limited;
  uint64_t slow_disconnects;
  uint64_t logins_ok;
  uint64_t logins_failed;
  uint64_t ws_batch_writes;     /* writes that carried several queued messages (gateway/ws_batch.h) */
  uint64_t ws_batched_messages; /* the messages they carried */
  /* media.path: participants by the ICE path their browser selected, [0 direct to the server's
   * host candidate, 1 through a TURN relay][0 udp, 1 tcp, 2 tls]; counted once per participant,
   * and again when its path changes (signaling/handlers_media.c) */
  uint64_t ice_selected[2][3];
} hub_counters;

/* What the hub and its handlers use of the server's configuration, and the services below the
 * gateway that they call; gateway/main.c fills it from the command line (gateway/config.h). */
typedef struct hub_options {
  int login_workers;          /* threads hashing passwords */
  int outq_messages;          /* outbound queue bound per connection, messages */
  int outq_bytes;             /* outbound queue bound per connection, bytes */
  int rate;                   /* requests per second allowed per connection (sustained) */
  int rate_burst;             /* requests allowed in a burst */
  int session_ttl;            /* seconds a sign-in lasts */
  int reminder_lead;          /* seconds before a meeting starts that invitees are reminded */
  ice_servers_options ice;    /* TURN servers in join results (signaling/ice_servers.h) */
  signup_mail_options signup; /* the confirmation mail of a company sign-up (signaling/signup_mail.h) */
  /* recordings (signaling/meeting_record.h) */
  char recording_dir[512];      /* --recording-dir ("" = "recordings" beside db_path) */
  char db_path[512];            /* the database file (":memory:": no recordings without recording_dir) */
  int recording_retention_days; /* finished recordings older than this are removed (0 = kept forever) */
  rec_finalizer rec_finalize;   /* turns a stopped recording's spools into files (gateway/rec_finalize.h) */
} hub_options;

/* Creates the hub over an open database, with a copy of *opt. wake(wake_arg) is called from other
 * threads when the hub has work (the gateway passes a function calling lws_cancel_service). NULL
 * on failure. */
hub *hub_new(moa_db *db, const hub_options *opt, void (*wake)(void *), void *wake_arg);
/* Frees every session and the job pool. The gateway has closed connections first. */
void hub_free(hub *h);

session *hub_open(hub *h, void *transport, const session_io *io, const char *address);
/* The connection is gone: forget the session (and free it). */
void hub_close(hub *h, session *s);
/* One complete text message from the client. */
void hub_receive(hub *h, session *s, const char *buf, size_t len);
/* A message that broke the protocol before parsing (binary, too large): reply/close. */
void hub_reject_frame(hub *h, session *s, const char *code, const char *message);
/* Runs finished jobs and due delayed replies; call on wake-ups and about every 100 ms. */
void hub_poll(hub *h);
/* Tells every client the server is stopping (event server.shutdown) and closes them (1001). */
void hub_shutdown(hub *h);

session *hub_find(hub *h, uint64_t session_id);
/* Iteration over live sessions: for (s = hub_first(h); s; s = hub_next(s)). */
session *hub_first(hub *h);
session *hub_next(session *s);
/* Iteration over the sessions signed in as user_id (none for user_id <= 0), from the hub's index
 * by user kept by hub_set_user and hub_close: for (s = hub_user_first(h, u); s; s =
 * hub_user_next(s)). */
session *hub_user_first(hub *h, int64_t user_id);
session *hub_user_next(session *s);

/* Sends event (stolen) to every open session of the users in user_ids (n of them; a user listed
 * twice gets it once), except the session except_session and the sessions of except_user (0:
 * none). The event is serialized once and its one copy queued to each (outmsg.h); the cost is
 * that of the listed users' sessions, not of every session. Its writes follow the gateway's
 * pacing (session_send_soon). A recipient whose queue is full is closed as a slow consumer
 * (session_send). Returns how many sessions it was queued to. */
size_t hub_deliver(hub *h, const int64_t *user_ids, size_t n, uint64_t except_session, int64_t except_user,
                   json_t *event);

/* Replies. result is stolen (may be NULL). */
void hub_reply(hub *h, session *s, json_int_t id, json_t *result);
void hub_error(hub *h, session *s, json_int_t id, const char *code, const char *message);
/* Error with extra fields merged into "error" (e.g. retry_after); extra is stolen. */
void hub_error_with(hub *h, session *s, json_int_t id, const char *code, const char *message, json_t *extra);
/* Checks req's parameters against specs (params_check, protocol.h). Returns true when all are
 * valid; otherwise replies with the first invalid field's error and returns false. */
bool hub_params(hub *h, session *s, json_int_t id, json_t *req, const param_spec *specs);
/* Queues a reply to be sent no earlier than delay_ms from now (e.g. a failed sign-in). */
void hub_reply_later(hub *h, uint64_t session_id, json_t *msg, uint64_t delay_ms);
/* Sends an event (stolen) to one session. */
void hub_event(hub *h, session *s, json_t *event);

moa_db *hub_db(hub *h);
/* The hub's copy of the options it was made with. */
const hub_options *hub_config(hub *h);
jobs *hub_jobs(hub *h);
/* The pool that sends mail (one thread, its own queue, so a slow SMTP server never delays the
 * password checks of hub_jobs). */
jobs *hub_mail_jobs(hub *h);
/* The pool that finalizes recordings (one thread: minutes of disk and an ffmpeg child per job,
 * never in the way of sign-ins or mail; signaling/meeting_record.h). */
jobs *hub_recording_jobs(hub *h);
/* The gate sign-in attempts pass before their password check (handlers_auth.c). */
login_gate *hub_login_gate(hub *h);
/* Failed sign-ins per address (signaling/throttle.h; handlers_auth.c). */
struct throttle *hub_throttle(hub *h);
/* The per-user chat budgets (handlers_chat.c's, made by chat_budgets_new). */
struct chat_budget *hub_chat_budgets(hub *h);
hub_counters *hub_get_counters(hub *h);
size_t hub_session_count(hub *h);
size_t hub_authenticated_count(hub *h);
uint64_t hub_now_ms(void);

/* The media workers, the live rooms and their moderation state (NULL in a hub made without media,
 * e.g. unit tests). hub_set_media hands the hub the interface of started media workers
 * (rooms/rooms_media.h, copied; its ctx outlives the hub's use); the hub creates the room registry
 * (reporting to signaling/room_events.h) and the meeting control (signaling/meeting_control.h),
 * and drains media events in hub_poll. hub_media returns the hub's copy, or NULL. */
void hub_set_media(hub *h, const struct rooms_media *media);
const struct rooms_media *hub_media(hub *h);
struct rooms *hub_rooms(hub *h);
struct meeting_control *hub_meeting_control(hub *h);

/* The attachment store of the server (storage/attachment_store.h; not owned; NULL when files are
 * off, e.g. unit tests): the gateway serves uploads and downloads with it, chat.delete and
 * hub_poll (once a minute) unlink the files no message names any more. */
void hub_set_attachments(hub *h, struct attachment_store *files);
struct attachment_store *hub_attachments(hub *h);

/* The watch that ends connections whose sign-in ended (signaling/session_watch.h). */
session_watch *hub_session_watch(hub *h);

/* Marks the session signed in as user (or signed out with user_id 0). */
void hub_set_user(hub *h, session *s, int64_t user_id, bool is_admin);

/* Appends the signaling metrics in Prometheus text format to buf; returns bytes written. */
size_t hub_metrics_render(hub *h, char *buf, size_t len);

#endif
