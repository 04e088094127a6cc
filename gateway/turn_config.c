/* turnserver.conf for coturn from Moa's configuration (see turn_config.h). */
#include "gateway/turn_config.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Ranges a relay must not reach: coturn takes "ip" or "first-last" (CIDR only in later
 * versions), so each is written out, with its CIDR form beside it for the reader. */
static const char *const denied[][2] = {
    {"0.0.0.0-0.255.255.255", "0.0.0.0/8 this network"},
    {"10.0.0.0-10.255.255.255", "10.0.0.0/8 private"},
    {"100.64.0.0-100.127.255.255", "100.64.0.0/10 carrier-grade NAT"},
    {"127.0.0.0-127.255.255.255", "127.0.0.0/8 loopback"},
    {"169.254.0.0-169.254.255.255", "169.254.0.0/16 link-local (cloud metadata services)"},
    {"172.16.0.0-172.31.255.255", "172.16.0.0/12 private"},
    {"192.0.0.0-192.0.0.255", "192.0.0.0/24 IETF protocol assignments"},
    {"192.0.2.0-192.0.2.255", "192.0.2.0/24 documentation"},
    {"192.88.99.0-192.88.99.255", "192.88.99.0/24 6to4 relay anycast"},
    {"192.168.0.0-192.168.255.255", "192.168.0.0/16 private"},
    {"198.18.0.0-198.19.255.255", "198.18.0.0/15 benchmarking"},
    {"198.51.100.0-198.51.100.255", "198.51.100.0/24 documentation"},
    {"203.0.113.0-203.0.113.255", "203.0.113.0/24 documentation"},
    {"224.0.0.0-239.255.255.255", "224.0.0.0/4 multicast"},
    {"240.0.0.0-255.255.255.255", "240.0.0.0/4 reserved, and broadcast"},
    {"::-::1", "::/128 unspecified, ::1 loopback"},
    {"::ffff:0.0.0.0-::ffff:255.255.255.255", "::ffff:0:0/96 IPv4-mapped (would bypass the IPv4 rules)"},
    {"64:ff9b::-64:ff9b::ffff:ffff", "64:ff9b::/96 NAT64"},
    {"64:ff9b:1::-64:ff9b:1:ffff:ffff:ffff:ffff:ffff", "64:ff9b:1::/48 local NAT64"},
    {"100::-100::ffff:ffff:ffff:ffff", "100::/64 discard"},
    {"2001::-2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff", "2001::/23 IETF protocol assignments (Teredo)"},
    {"2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db8::/32 documentation"},
    {"2002::-2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "2002::/16 6to4 (embeds IPv4 addresses)"},
    {"fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fc00::/7 unique local"},
    {"fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fe80::/10 link-local"},
    {"ff00::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ff00::/8 multicast"},
};

/* Mozilla's "intermediate" TLS 1.2 suites without DHE (which would need DH parameters); TLS 1.3
 * suites are OpenSSL's defaults. */
static const char cipher_list[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

static bool wildcard(const char *ip) { return !ip[0] || !strcmp(ip, "0.0.0.0") || !strcmp(ip, "::"); }

const char *turn_config_media_address(const moa_config *c) {
  return c->media_announce_ip[0] ? c->media_announce_ip : c->media_ip;
}

int turn_config_write(FILE *out, const moa_config *c, char *err, size_t errlen) {
  const char *cert = c->turn_cert[0] ? c->turn_cert : c->tls_cert;
  const char *key = c->turn_key[0] ? c->turn_key : c->tls_key;
  const char *media = turn_config_media_address(c);
  char host[64];
  int port = 0;
  if (!c->turn_secret[0]) {
    snprintf(err, errlen, "no TURN secret: give --turn-secret-file (make one with: openssl rand -hex 32)");
    return -1;
  }
  if (!cert[0] || !key[0]) {
    snprintf(err, errlen,
             "coturn needs a TLS certificate: give --turn-cert and --turn-key (or --tls-cert and --tls-key)");
    return -1;
  }
  if (wildcard(media)) {
    snprintf(err, errlen,
             "--media-ip is a wildcard: give --media-announce-ip, the address coturn may relay to");
    return -1;
  }
  if (config_parse_hostport(c->turn_listen, host, sizeof host, &port) != 0) {
    snprintf(err, errlen, "invalid --turn-listen '%s'", c->turn_listen);
    return -1;
  }
  /* coturn runs elsewhere (its own user, /): name the files absolutely when they exist here */
  char certabs[PATH_MAX], keyabs[PATH_MAX];
  if (realpath(cert, certabs)) cert = certabs;
  if (realpath(key, keyabs)) key = keyabs;
  const char *relay = c->turn_relay_ip[0] ? c->turn_relay_ip : (wildcard(host) ? "" : host);

  fprintf(out,
          "# coturn configuration for Moa, written by `moa turn-config` from Moa's own settings.\n"
          "# Install it as /etc/turnserver.conf, owner root:turnserver, mode 0640: it holds the secret.\n"
          "# Write it again after changing --turn-* or --media-* options (docs/OPERATIONS.md).\n\n"
          "# TURN over TLS only: firewalls that let nothing but HTTPS out let this through.\n");
  if (!wildcard(host)) fprintf(out, "listening-ip=%s\n", host);
  fprintf(out, "tls-listening-port=%d\nno-udp\nno-tcp\nno-dtls\nno-rfc5780\n", port);
  if (relay[0]) fprintf(out, "relay-ip=%s\n", relay);
  if (c->turn_external_ip[0]) fprintf(out, "external-ip=%s\n", c->turn_external_ip);
  fprintf(out,
          "\n# TLS 1.2 and later, a real certificate for the name in Moa's --turn-url.\n"
          "cert=%s\npkey=%s\nno-tlsv1\nno-tlsv1_1\ncipher-list=\"%s\"\n",
          cert, key, cipher_list);
  fprintf(out,
          "\n# Time-limited credentials minted by Moa for each join (TURN REST API scheme):\n"
          "# username \"<expiry>:<user id>\", password base64(HMAC-SHA1(secret, username)).\n"
          "use-auth-secret\nstatic-auth-secret=%s\nrealm=%s\nfingerprint\nsecure-stun\nstale-nonce=600\n"
          "user-quota=16\n",
          c->turn_secret, c->turn_realm);
  fprintf(out,
          "\n# Relay UDP media to Moa only: no TCP relays, no multicast, no private or special\n"
          "# ranges (the relay must not reach hosts behind it) except Moa's media address.\n"
          "no-tcp-relay\nno-multicast-peers\nallowed-peer-ip=%s\n",
          media);
  if (!strncmp(media, "127.", 4) || !strcmp(media, "::1"))
    fprintf(out,
            "# Moa's media is on loopback (a demo on one machine): coturn refuses every loopback peer\n"
            "# unless told otherwise; the ranges below still refuse all but %s.\nallow-loopback-peers\n",
            media);
  for (size_t i = 0; i < sizeof denied / sizeof denied[0]; i++)
    fprintf(out, "denied-peer-ip=%s\n", denied[i][0]);
  fprintf(out, "# denied above, in CIDR form:");
  for (size_t i = 0; i < sizeof denied / sizeof denied[0]; i++)
    fprintf(out, "%s%s", i % 3 ? "; " : "\n#   ", denied[i][1]);
  fprintf(out,
          "\n\n# No telnet CLI, no software version in responses, no old STUN.\n"
          "no-cli\nno-software-attribute\nno-stun-backward-compatibility\n");
  if (ferror(out)) {
    snprintf(err, errlen, "cannot write the configuration");
    return -1;
  }
  return 0;
}
