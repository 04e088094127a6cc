/* ice_servers and media_ports of a join result (see ice_servers.h). */
#include "signaling/ice_servers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "signaling/turn_credential.h"
#include "storage/meeting_store.h"

#define HOUR 3600

int64_t ice_servers_lifetime(moa_db *db, const ice_servers_options *o, int64_t room_id) {
  meeting_rec m;
  if (meeting_store_by_room(db, room_id, &m) == 1 && !m.cancelled) {
    int64_t now = db_now(db), len = m.ends_at - m.starts_at;
    int64_t start = meeting_store_occurrence_in(db, m.id, now - len, now + 24 * HOUR);
    if (start) return (start + len > now ? start + len - now : 0) + HOUR;
  }
  return o->turn_ttl;
}

json_t *ice_servers_json(const ice_servers_options *o, int64_t user_id, int64_t lifetime) {
  json_t *out = json_array();
  if (!out || !o->turn_urls[0] || !o->turn_secret[0]) return out;
  char user[24], username[TURN_USERNAME_MAX], password[TURN_PASSWORD_MAX];
  snprintf(user, sizeof user, "%lld", (long long)user_id);
  if (turn_credential_make(o->turn_secret, strlen(o->turn_secret), (int64_t)time(NULL) + lifetime, user,
                           username, sizeof username, password, sizeof password) != 0) {
    log_error("cannot make a TURN credential for user %lld", (long long)user_id);
    return out;
  }
  json_t *urls = json_array();
  char list[sizeof o->turn_urls];
  snprintf(list, sizeof list, "%s", o->turn_urls);
  for (char *save = NULL, *u = strtok_r(list, ",", &save); u; u = strtok_r(NULL, ",", &save))
    json_array_append_new(urls, json_string(u));
  json_array_append_new(
      out, json_pack("{s:o, s:s, s:s}", "urls", urls, "username", username, "credential", password));
  return out;
}

/* host and port of "turn[s]:host[:port][?transport=...]" (RFC 7065); false when unparsable. */
static bool url_host_port(const char *url, char *host, size_t hostlen, int *port, const char **transport) {
  bool tls = !strncmp(url, "turns:", 6);
  const char *p = url + (tls ? 6 : 5), *q = strchr(p, '?');
  size_t n = q ? (size_t)(q - p) : strlen(p);
  const char *colon = NULL;
  if (n && p[0] == '[') {
    const char *close = memchr(p, ']', n);
    if (!close) return false;
    snprintf(host, hostlen, "%.*s", (int)(close - p - 1), p + 1);
    if (close + 1 < p + n && close[1] == ':') colon = close + 1;
  } else {
    colon = memchr(p, ':', n);
    snprintf(host, hostlen, "%.*s", (int)(colon ? (size_t)(colon - p) : n), p);
  }
  *port = tls ? 5349 : 3478;
  if (colon) {
    char *end;
    long v = strtol(colon + 1, &end, 10);
    if (end != p + n || v < 1 || v > 65535) return false;
    *port = (int)v;
  }
  *transport = tls ? "tls" : (q && strstr(q, "transport=tcp") ? "tcp" : "udp");
  return host[0] != '\0';
}

json_t *ice_servers_ports_json(const ice_servers_options *o, const char *media_address, int udp_port,
                               int tcp_port) {
  json_t *turn = json_array();
  char list[sizeof o->turn_urls];
  snprintf(list, sizeof list, "%s", o->turn_urls);
  for (char *save = NULL, *u = strtok_r(list, ",", &save); u; u = strtok_r(NULL, ",", &save)) {
    char host[256];
    int port;
    const char *transport;
    if (url_host_port(u, host, sizeof host, &port, &transport))
      json_array_append_new(turn,
                            json_pack("{s:s, s:i, s:s}", "host", host, "port", port, "transport", transport));
  }
  json_t *out = json_pack("{s:s, s:i, s:o}", "address", media_address ? media_address : "", "udp", udp_port,
                          "turn", turn);
  if (out && tcp_port > 0) json_object_set_new(out, "tcp", json_integer(tcp_port));
  return out;
}
