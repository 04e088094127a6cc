/* libFuzzer target: the moa.v1 envelope and parameter accessors (signaling/protocol.c) and the
 * handler lookup (signaling/dispatch.c), which read every WebSocket text frame before any
 * handler runs, signed in or not. Each input is one frame: it is parsed; a refused frame gets the
 * error reply the hub would send (serialized, as it goes on the wire); an accepted one is looked
 * up in the dispatch table, and every member is read with each accessor (strings with several
 * length bounds, integers with several ranges, booleans) and every string member checked with
 * text_is_clean; the reply echoing the request is built and serialized.
 *
 * Built by `make fuzz` and replayed by ctest (fuzz_replay_protocol); see docs/FUZZING.md. */
#include <stdlib.h>
#include <string.h>

#include "signaling/dispatch.h"
#include "signaling/protocol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void send_and_free(json_t *msg) {
  if (!msg) abort();
  char *text = json_dumps(msg, JSON_COMPACT);
  if (!text) abort();
  free(text);
  json_decref(msg);
}

static void read_params(json_t *root) {
  static const struct { size_t min, max; } str_bounds[] = {{0, 0}, {1, 64}, {8, 256}, {0, 100000}};
  static const struct {
    json_int_t min, max;
  } int_bounds[] = {{0, 0}, {1, 1000}, {-1, 1}, {INT64_MIN, INT64_MAX}};
  const char *key;
  json_t *v;
  json_object_foreach(root, key, v) {
    protocol_error err;
    for (size_t i = 0; i < sizeof str_bounds / sizeof str_bounds[0]; i++) {
      const char *s = NULL;
      if (param_string(root, key, str_bounds[i].min, str_bounds[i].max, true, &s, &err)) {
        size_t n = strlen(s);
        if (n < str_bounds[i].min || n > str_bounds[i].max) abort();
        (void)text_is_clean(s, true);
        (void)text_is_clean(s, false);
      } else if (strcmp(err.code, ERR_INVALID_PARAMS) != 0) {
        abort();
      }
    }
    for (size_t i = 0; i < sizeof int_bounds / sizeof int_bounds[0]; i++) {
      json_int_t x = 0;
      if (param_int(root, key, int_bounds[i].min, int_bounds[i].max, false, &x, &err) &&
          (x < int_bounds[i].min || x > int_bounds[i].max) && json_is_integer(v))
        abort();
    }
    bool b;
    (void)param_bool(root, key, true, &b, &err);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  protocol_request req;
  protocol_error err;
  if (protocol_parse((const char *)data, size, &req, &err) != 0) {
    if (req.root) abort(); /* a refused frame owns nothing */
    send_and_free(protocol_reply_error(err.id, err.code, err.message));
    return 0;
  }
  if (req.id < 0 || strlen(req.type) > PROTOCOL_TYPE_MAX) abort();
  static dispatch *table; /* built once for the whole run, as a hub builds its own */
  if (!table && !(table = dispatch_new())) abort();
  const handler_def *d = dispatch_find(table, req.type);
  if (d && (strcmp(d->type, req.type) != 0 || dispatch_at(table, dispatch_index(table, d)) != d)) abort();
  read_params(req.root);
  json_t *missing = json_object();
  protocol_error merr;
  const char *s;
  json_int_t x;
  bool b;
  if (param_string(missing, "x", 0, 1, true, &s, &merr) || param_int(missing, "x", 0, 1, true, &x, &merr) ||
      param_bool(missing, "x", true, &b, &merr))
    abort();
  json_decref(missing);
  send_and_free(protocol_reply_ok(req.id, json_deep_copy(req.root)));
  send_and_free(protocol_event(req.type, json_copy(req.root)));
  json_decref(req.root);
  return 0;
}
