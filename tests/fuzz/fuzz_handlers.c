/* libFuzzer target: every request handler's parameter checks, reached the way a signed-in
 * client reaches them (signaling/hub.c: rate budget, envelope, dispatch, sign-in and guest
 * gates, then the handler of signaling/handlers_*.c and the stores behind it). The hub runs on a
 * real in-memory database with the reference data, two users (an administrator, who may call
 * everything, and a member of consortium 1) and no media system (room and media handlers answer
 * that media is unavailable). Each input is one WebSocket text frame from the administrator's
 * connection (signed in again before each input, as auth.logout may have signed it out); the
 * replies are drained and every one must be a JSON object (FUZZ_VERBOSE=1 prints them). auth.login and
 * auth.guest frames are skipped: they queue password hashing on worker threads (hundreds of milliseconds
 * each) and their parameters are the envelope's; fuzz_protocol covers that part.
 *
 * Built by `make fuzz` and replayed by ctest (fuzz_replay_handlers); see docs/FUZZING.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "gateway/config.h"
#include "gateway/hub_options.h"
#include "signaling/hub.h"
#include "signaling/protocol.h"
#include "storage/db.h"
#include "storage/embedded.h"
#include "storage/reference_store.h"
#include "storage/user_store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static moa_db *db;
static moa_config cfg;
static hub *h;
static session *s;
static int64_t admin_id;

static void io_want_write(void *transport) { (void)transport; }
static void io_close(void *transport, int code, const char *reason) {
  (void)transport, (void)code, (void)reason;
}
static const session_io io = {io_want_write, io_close, NULL};

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  char err[256];
  log_set_level(LOG_LEVEL_ERROR);
  config_defaults(&cfg);
  cfg.login_workers = 1;
  cfg.rate = 1000000000; /* the rate limit is not what is fuzzed here */
  cfg.rate_burst = 1000000000;
  db = db_open(":memory:", false, err, sizeof err);
  if (!db || reference_load(db, embedded_data("consortia.tsv"), err, sizeof err) < 0) abort();
  /* a hash of nothing anyone can type: nobody signs in with a password here */
  admin_id = user_store_add(db, "admin@moa.example", "관리자", "$scrypt$x", 0, true, err, sizeof err);
  int64_t member = user_store_add(db, "member@moa.example", "회원", "$scrypt$x", 0, false, err, sizeof err);
  if (admin_id <= 0 || member <= 0 || user_store_set_role(db, member, 1, ROLE_MEMBER) != 0) abort();
  hub_options opt;
  hub_options_from_config(&cfg, &opt);
  h = hub_new(db, &opt, NULL, NULL);
  if (!h) abort();
  return 0;
}

static bool skipped(const uint8_t *data, size_t size) {
  protocol_request req;
  protocol_error err;
  if (protocol_parse((const char *)data, size, &req, &err) != 0) return false;
  bool skip = !strcmp(req.type, "auth.login") || !strcmp(req.type, "auth.guest");
  json_decref(req.root);
  return skip;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (skipped(data, size)) return 0;
  if (!s || session_is_closing(s)) {
    if (s) hub_close(h, s);
    s = hub_open(h, NULL, &io, "127.0.0.1");
    if (!s) abort();
  }
  hub_set_user(h, s, admin_id, true);
  hub_receive(h, s, (const char *)data, size);
  hub_poll(h);
  outmsg *m;
  while ((m = session_pop(s))) {
    json_error_t je;
    json_t *j = json_loadb(m->data, m->len, 0, &je);
    if (!json_is_object(j)) abort(); /* every reply and event is a JSON object */
    if (getenv("FUZZ_VERBOSE")) fprintf(stderr, "  <- %.*s\n", (int)(m->len < 300 ? m->len : 300), m->data);
    json_decref(j);
    outmsg_unref(m);
  }
  return 0;
}
