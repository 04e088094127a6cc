/* The hub's options from the command line (see hub_options.h). */
#include "gateway/hub_options.h"

#include <stdio.h>
#include <string.h>

/* A string option copied into a buffer of the same size, so nothing is cut. */
#define COPY(dst, src)                                                                                 \
  do {                                                                                                 \
    _Static_assert(sizeof(dst) == sizeof(src), "hub_options buffer differs from moa_config's: " #src); \
    snprintf((dst), sizeof(dst), "%s", (src));                                                         \
  } while (0)

void hub_options_from_config(const moa_config *c, hub_options *o) {
  memset(o, 0, sizeof *o);
  o->login_workers = c->login_workers;
  o->outq_messages = c->outq_messages;
  o->outq_bytes = c->outq_bytes;
  o->rate = c->rate;
  o->rate_burst = c->rate_burst;
  o->session_ttl = c->session_ttl;
  o->reminder_lead = c->reminder_lead;
  COPY(o->ice.turn_urls, c->turn_urls);
  COPY(o->ice.turn_secret, c->turn_secret);
  o->ice.turn_ttl = c->turn_ttl;
  COPY(o->signup.from, c->smtp_from);
  COPY(o->signup.public_url, c->public_url);
  COPY(o->recording_dir, c->recording_dir);
  COPY(o->db_path, c->db_path);
  o->recording_retention_days = c->recording_retention_days;
}
