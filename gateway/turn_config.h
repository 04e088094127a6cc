/* `moa turn-config`: the turnserver.conf for Debian's coturn that matches this Moa's own
 * configuration. coturn relays media for browsers whose network lets only TLS on port 443 out;
 * Moa gives those browsers credentials it mints from the same shared secret
 * (signaling/turn_credential.h), so coturn needs no user database.
 *
 * The file is hardened the way Jitsi's packaged coturn is: TLS only (1.2 and later), no plain
 * TCP/UDP/DTLS listeners, no TCP relays, no CLI, and relaying refused to every private, loopback,
 * link-local, multicast and otherwise special address range (IPv4 and IPv6) except Moa's media
 * address, so the relay cannot be used to reach the hosts behind it. docs/OPERATIONS.md says how
 * to deploy it. */
#ifndef MOA_GATEWAY_TURN_CONFIG_H
#define MOA_GATEWAY_TURN_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "gateway/config.h"

/* Writes the configuration to out. c must have its secret loaded (config_load_turn_secret) and
 * a certificate and key (--turn-cert/--turn-key, or --tls-cert/--tls-key). The media address
 * allowed as a peer is --media-announce-ip, else --media-ip (which must then not be a wildcard).
 * Returns 0; -1 with err saying what is missing (nothing written). */
int turn_config_write(FILE *out, const moa_config *c, char *err, size_t errlen);

/* The address browsers send media to (announce ip, else media ip): the one peer coturn may
 * relay to inside the denied ranges. */
const char *turn_config_media_address(const moa_config *c);

#endif
