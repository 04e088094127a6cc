/* The network part of every join result (room.join, room.admitted): `ice_servers`, the TURN
 * servers with credentials minted for this user and this meeting (signaling/turn_credential.h),
 * which the web app passes to each RTCPeerConnection; and `media_ports`, where media goes, which
 * the web app names when media cannot connect at all ("ask your network administrator to allow
 * ..."). docs/PROTOCOL.md, "room.join", documents both. */
#ifndef MOA_SIGNALING_ICE_SERVERS_H
#define MOA_SIGNALING_ICE_SERVERS_H

#include <jansson.h>
#include <stdint.h>

#include "storage/db.h"

/* The TURN part of the server's configuration (--turn-url, --turn-secret-file's content,
 * --turn-ttl), filled by gateway/main.c. */
typedef struct ice_servers_options {
  char turn_urls[1024];  /* comma-separated turn:/turns: URLs given to browsers ("" = no TURN) */
  char turn_secret[256]; /* the secret shared with coturn ("" = no credentials, no TURN) */
  int turn_ttl;          /* seconds a credential lasts in a room without a schedule */
} ice_servers_options;

/* Seconds a credential for room_id must last from now (database time): a scheduled meeting's
 * until the end of its current (or next, within a day) occurrence plus an hour; any other room's
 * o->turn_ttl. */
int64_t ice_servers_lifetime(moa_db *db, const ice_servers_options *o, int64_t room_id);

/* [{urls: [...], username, credential}] for o->turn_urls, valid for lifetime seconds from
 * the real clock, for user_id; [] when no TURN is configured. NULL only when out of memory. */
json_t *ice_servers_json(const ice_servers_options *o, int64_t user_id, int64_t lifetime);

/* {address, udp, tcp?, turn: [{host, port, transport}]}: the media address, the room's UDP port
 * and TCP port (tcp_port 0: no ICE over TCP, the key is left out), and the host and port of each
 * TURN URL (transport "tls" for turns:, else "udp" or "tcp"). */
json_t *ice_servers_ports_json(const ice_servers_options *o, const char *media_address, int udp_port,
                               int tcp_port);

#endif
