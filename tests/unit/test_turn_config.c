/* Unit tests of gateway/turn_config (`moa turn-config`), the TURN options of gateway/config, and
 * signaling/ice_servers (the join result's ice_servers and media_ports): the written
 * turnserver.conf has the hardening lines (TLS only and >= 1.2, use-auth-secret with the secret,
 * no TCP relay, no CLI, every private range denied, the media address allowed), refuses to write
 * without a secret, certificate or a non-wildcard media address; the secret file's checks; the
 * option checks (turn-url needs a secret file, URL and realm forms); ice_servers carries a
 * credential that expires after the lifetime; media_ports names each TURN URL's host and port.
 * coturn's own reading of the file is tested in tests/integration/turn_coturn.test.mjs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

// clang-format off: cmocka.h needs the headers above
#include <cmocka.h>
// clang-format on

#include "gateway/config.h"
#include "gateway/hub_options.h"
#include "gateway/turn_config.h"
#include "signaling/ice_servers.h"
#include "signaling/turn_credential.h"

static void write_temp(char path[64], const char *text) {
  snprintf(path, 64, "/tmp/moa-test-turn-XXXXXX");
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  size_t n = strlen(text);
  assert_int_equal(write(fd, text, n), (ssize_t)n);
  assert_int_equal(close(fd), 0);
}

static int parse(moa_config *c, char *err, size_t errlen, int argc, const char **argv) {
  config_defaults(c);
  return config_parse_args(c, argc, (char **)argv, err, errlen);
}

/* turn-config output for these flags (secret file made here); NULL and err when it fails. */
static char *conf_for(int argc, const char **argv, char *err, size_t errlen) {
  moa_config c;
  if (parse(&c, err, errlen, argc, argv) != 0) return NULL;
  if (config_load_turn_secret(&c, err, errlen) != 0) return NULL;
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  int rc = turn_config_write(f, &c, err, errlen);
  fclose(f);
  if (rc != 0) {
    free(buf);
    return NULL;
  }
  return buf;
}

static bool has_line(const char *text, const char *line) {
  size_t n = strlen(line);
  for (const char *p = text; (p = strstr(p, line)); p += n)
    if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0')) return true;
  print_error("no line '%s' in:\n%s\n", line, text);
  return false;
}

static void test_hardened_config(void **state) {
  (void)state;
  char secret[64], err[512];
  write_temp(secret, "0123456789abcdef0123456789abcdef\n");
  chmod(secret, 0600);
  char sf[80];
  snprintf(sf, sizeof sf, "--turn-secret-file=%s", secret);
  const char *argv[] = {sf,
                        "--turn-url",
                        "turns:turn.example.org:443?transport=tcp",
                        "--turn-listen",
                        "198.51.100.7:443",
                        "--turn-cert",
                        "/etc/moa/turn.pem",
                        "--turn-key",
                        "/etc/moa/turn.key",
                        "--media-ip",
                        "10.0.0.5",
                        "--media-announce-ip",
                        "203.0.113.9",
                        "--turn-realm",
                        "moa.example.org"};
  char *conf = conf_for(15, argv, err, sizeof err);
  assert_non_null(conf);
  const char *lines[] = {"use-auth-secret",
                         "static-auth-secret=0123456789abcdef0123456789abcdef",
                         "realm=moa.example.org",
                         "listening-ip=198.51.100.7",
                         "relay-ip=198.51.100.7",
                         "tls-listening-port=443",
                         "no-udp",
                         "no-tcp",
                         "no-dtls",
                         "no-tlsv1",
                         "no-tlsv1_1",
                         "no-tcp-relay",
                         "no-cli",
                         "no-multicast-peers",
                         "fingerprint",
                         "cert=/etc/moa/turn.pem",
                         "pkey=/etc/moa/turn.key",
                         "allowed-peer-ip=203.0.113.9",
                         "denied-peer-ip=0.0.0.0-0.255.255.255",
                         "denied-peer-ip=10.0.0.0-10.255.255.255",
                         "denied-peer-ip=100.64.0.0-100.127.255.255",
                         "denied-peer-ip=127.0.0.0-127.255.255.255",
                         "denied-peer-ip=169.254.0.0-169.254.255.255",
                         "denied-peer-ip=172.16.0.0-172.31.255.255",
                         "denied-peer-ip=192.168.0.0-192.168.255.255",
                         "denied-peer-ip=::-::1",
                         "denied-peer-ip=fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                         "denied-peer-ip=fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                         "denied-peer-ip=::ffff:0.0.0.0-::ffff:255.255.255.255"};
  for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) assert_true(has_line(conf, lines[i]));
  assert_null(strstr(conf, "allow-loopback-peers")); /* media is not on loopback */
  free(conf);

  /* a demo on loopback: loopback peers allowed, but still only the media address among 127/8 */
  const char *demo[] = {sf,           "--turn-listen", "127.0.0.1:5349", "--tls-cert",
                        "/tmp/c.pem", "--tls-key",     "/tmp/k.pem"};
  conf = conf_for(7, demo, err, sizeof err);
  assert_non_null(conf);
  assert_true(has_line(conf, "allow-loopback-peers"));
  assert_true(has_line(conf, "allowed-peer-ip=127.0.0.1"));
  assert_true(has_line(conf, "denied-peer-ip=127.0.0.0-127.255.255.255"));
  assert_true(has_line(conf, "cert=/tmp/c.pem"));
  free(conf);

  /* refusals: no certificate, a wildcard media address without an announced one */
  const char *nocert[] = {sf};
  assert_null(conf_for(1, nocert, err, sizeof err));
  assert_non_null(strstr(err, "certificate"));
  const char *wild[] = {sf, "--turn-cert", "/a", "--turn-key", "/b", "--media-ip", "0.0.0.0"};
  assert_null(conf_for(7, wild, err, sizeof err));
  assert_non_null(strstr(err, "media-announce-ip"));
  unlink(secret);
}

static void test_secret_file(void **state) {
  (void)state;
  char path[64], err[512], sf[80];
  moa_config c;
  const char *argv[] = {sf};
  /* no secret at all: turn-config says how to make one */
  const char *none[] = {"--turn-cert", "/a", "--turn-key", "/b"};
  assert_null(conf_for(4, none, err, sizeof err));
  assert_non_null(strstr(err, "openssl rand"));
  const char *bad[] = {"short", "has a space in it, long enough", "has#hash-0123456789abcdef",
                       "\x01nonprintable-0123456789"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    write_temp(path, bad[i]);
    snprintf(sf, sizeof sf, "--turn-secret-file=%s", path);
    assert_int_equal(parse(&c, err, sizeof err, 1, argv), 0);
    assert_int_equal(config_load_turn_secret(&c, err, sizeof err), -1);
    assert_non_null(strstr(err, "16 to 255"));
    unlink(path);
  }
  write_temp(path, "0123456789abcdef\r\n \n");
  snprintf(sf, sizeof sf, "--turn-secret-file=%s", path);
  assert_int_equal(parse(&c, err, sizeof err, 1, argv), 0);
  assert_int_equal(config_load_turn_secret(&c, err, sizeof err), 0);
  assert_string_equal(c.turn_secret, "0123456789abcdef");
  unlink(path);
  assert_int_equal(parse(&c, err, sizeof err, 1, argv), 0);
  assert_int_equal(config_load_turn_secret(&c, err, sizeof err), -1); /* gone */
  assert_non_null(strstr(err, path));
}

static void test_options(void **state) {
  (void)state;
  moa_config c;
  char err[512];
  const char *no_secret[] = {"--turn-url", "turns:t.example.org:443?transport=tcp"};
  assert_int_equal(parse(&c, err, sizeof err, 2, no_secret), -1);
  assert_non_null(strstr(err, "turn-secret-file"));
  const char *bad_url[] = {"--turn-url", "https://t.example.org", "--turn-secret-file", "/x"};
  assert_int_equal(parse(&c, err, sizeof err, 4, bad_url), -1);
  assert_non_null(strstr(err, "turn-url"));
  const char *quote_url[] = {"--turn-url", "turns:t\"x", "--turn-secret-file", "/x"};
  assert_int_equal(parse(&c, err, sizeof err, 4, quote_url), -1);
  const char *realm[] = {"--turn-realm", "moa\nrealm=evil"};
  assert_int_equal(parse(&c, err, sizeof err, 2, realm), -1);
  assert_non_null(strstr(err, "turn-realm"));
  const char *listen[] = {"--turn-listen", "turn.example.org:443"};
  assert_int_equal(parse(&c, err, sizeof err, 2, listen), -1);
  const char *relay[] = {"--turn-relay-ip", "nope"};
  assert_int_equal(parse(&c, err, sizeof err, 2, relay), -1);
  const char *ttl[] = {"--turn-ttl", "59"};
  assert_int_equal(parse(&c, err, sizeof err, 2, ttl), -1);
  const char *ok[] = {
      "--turn-url",         "turns:t.example.org:443?transport=tcp,turn:[2001:db8::1]?transport=udp",
      "--turn-secret-file", "/x",
      "--turn-ttl",         "600"};
  assert_int_equal(parse(&c, err, sizeof err, 6, ok), 0);
  assert_int_equal(c.turn_ttl, 600);
  config_defaults(&c);
  assert_int_equal(c.turn_ttl, 43200);
  assert_string_equal(c.turn_realm, "moa");
  assert_string_equal(c.turn_urls, "");
}

static void test_ice_servers(void **state) {
  (void)state;
  moa_config c;
  config_defaults(&c);
  hub_options o; /* what the hub is given of c (gateway/hub_options.h) */
  hub_options_from_config(&c, &o);
  json_t *none = ice_servers_json(&o.ice, 42, 3600);
  assert_true(json_is_array(none) && json_array_size(none) == 0); /* no TURN configured */
  json_decref(none);
  snprintf(c.turn_urls, sizeof c.turn_urls,
           "turns:t.example.org:443?transport=tcp,turn:[2001:db8::1]?transport=udp");
  snprintf(c.turn_secret, sizeof c.turn_secret, "north-wind-7f3a9c");
  hub_options_from_config(&c, &o);
  int64_t before = (int64_t)time(NULL);
  json_t *s = ice_servers_json(&o.ice, 42, 7200);
  assert_int_equal(json_array_size(s), 1);
  json_t *e = json_array_get(s, 0);
  assert_int_equal(json_array_size(json_object_get(e, "urls")), 2);
  assert_string_equal(json_string_value(json_array_get(json_object_get(e, "urls"), 0)),
                      "turns:t.example.org:443?transport=tcp");
  const char *user = json_string_value(json_object_get(e, "username"));
  long long expiry = atoll(user);
  assert_true(expiry >= before + 7200 && expiry <= (int64_t)time(NULL) + 7200);
  assert_string_equal(strchr(user, ':'), ":42");
  char u[TURN_USERNAME_MAX], p[TURN_PASSWORD_MAX];
  assert_int_equal(turn_credential_make("north-wind-7f3a9c", 17, expiry, "42", u, sizeof u, p, sizeof p), 0);
  assert_string_equal(json_string_value(json_object_get(e, "credential")), p);
  json_decref(s);

  json_t *ports = ice_servers_ports_json(&o.ice, "203.0.113.9", 40000, 0);
  assert_string_equal(json_string_value(json_object_get(ports, "address")), "203.0.113.9");
  assert_int_equal(json_integer_value(json_object_get(ports, "udp")), 40000);
  assert_null(json_object_get(ports, "tcp")); /* no ICE over TCP */
  json_t *turn = json_object_get(ports, "turn");
  assert_int_equal(json_array_size(turn), 2);
  assert_string_equal(json_string_value(json_object_get(json_array_get(turn, 0), "host")), "t.example.org");
  assert_int_equal(json_integer_value(json_object_get(json_array_get(turn, 0), "port")), 443);
  assert_string_equal(json_string_value(json_object_get(json_array_get(turn, 0), "transport")), "tls");
  assert_string_equal(json_string_value(json_object_get(json_array_get(turn, 1), "host")), "2001:db8::1");
  assert_int_equal(json_integer_value(json_object_get(json_array_get(turn, 1), "port")), 3478);
  assert_string_equal(json_string_value(json_object_get(json_array_get(turn, 1), "transport")), "udp");
  json_decref(ports);
  ports = ice_servers_ports_json(&o.ice, "203.0.113.9", 40000, 7881);
  assert_int_equal(json_integer_value(json_object_get(ports, "tcp")), 7881);
  json_decref(ports);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hardened_config),
      cmocka_unit_test(test_secret_file),
      cmocka_unit_test(test_options),
      cmocka_unit_test(test_ice_servers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
