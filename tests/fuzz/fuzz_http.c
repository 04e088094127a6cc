/* libFuzzer target: the request paths the HTTP server routes before any authentication
 * (gateway/http_path.c for the static files, gateway/http_calendar.c for calendars and
 * attendance). Each input is a path, optionally followed by a NUL and the value of the "t=" query
 * argument, as libwebsockets hands them over (percent-decoded, at most 1023 and 127 bytes). The
 * static-file rule must only let through paths that stay below the static directory; the calendar
 * router answers against a real (empty, migrated, in-memory) database through the hub, and what
 * it answers must be a known status with a body.
 *
 * Built by `make fuzz` and replayed by ctest (fuzz_replay_http); see docs/FUZZING.md. */
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "gateway/config.h"
#include "gateway/http_calendar.h"
#include "gateway/http_path.h"
#include "gateway/hub_options.h"
#include "signaling/hub.h"
#include "storage/db.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static moa_db *db;
static moa_config cfg;
static hub *h;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  char err[256];
  log_set_level(LOG_LEVEL_ERROR);
  config_defaults(&cfg);
  cfg.login_workers = 1;
  db = db_open(":memory:", false, err, sizeof err);
  if (!db) abort();
  hub_options opt;
  hub_options_from_config(&cfg, &opt);
  h = hub_new(db, &opt, NULL, NULL);
  if (!h) abort();
  return 0;
}

static void check_static(const char *path) {
  char rel[1024];
  if (http_static_path(path, rel, sizeof rel) != 0) return;
  size_t n = strlen(rel);
  if (rel[0] != '/' || n >= sizeof rel || strncmp(rel, path, strlen(path)) != 0) abort();
  for (const unsigned char *p = (const unsigned char *)rel; *p; p++)
    if (*p < 0x20 || *p == 0x7f || *p == '\\') abort();
  /* No segment may be "." or "..": walk them. */
  for (const char *seg = rel + 1;; seg++) {
    const char *end = strchr(seg, '/');
    size_t sl = end ? (size_t)(end - seg) : strlen(seg);
    if ((sl == 1 && seg[0] == '.') || (sl == 2 && seg[0] == '.' && seg[1] == '.')) abort();
    if (!end) break;
    seg = end;
  }
  (void)http_mime_type(rel);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[1024], t[128];
  const uint8_t *nul = memchr(data, '\0', size);
  size_t pl = nul ? (size_t)(nul - data) : size;
  if (pl >= sizeof path) return 0; /* lws refuses longer URIs before this */
  memcpy(path, data, pl);
  path[pl] = '\0';
  size_t tl = nul ? size - pl - 1 : 0;
  if (tl >= sizeof t) tl = sizeof t - 1;
  if (nul) memcpy(t, nul + 1, tl);
  t[tl] = '\0';

  check_static(path);
  http_doc doc;
  if (http_calendar_route(h, path, t, "http://127.0.0.1:8080", &doc)) {
    if (!doc.type || !doc.body || doc.len != strlen(doc.body)) abort();
    if (doc.status != 200 && doc.status != 400 && doc.status != 401 && doc.status != 403 &&
        doc.status != 404 && doc.status != 500)
      abort();
    if (doc.status == 200) abort(); /* the database holds no meeting and no token */
    free(doc.body);
  }
  return 0;
}
