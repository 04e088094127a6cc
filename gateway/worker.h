/* Media workers: threads that each own an epoll loop, one UDP socket (every peer of the worker
 * shares its port), optionally one ICE-TCP listening socket (gateway/ice_tcp.h), and the media state of the
 * rooms pinned to it (rooms/sfu.h). The signaling thread posts media_cmd messages into a worker's mailbox and
 * receives media_event messages from one shared events mailbox. */
#ifndef MOA_GATEWAY_WORKER_H
#define MOA_GATEWAY_WORKER_H

#include "base/mailbox.h"
#include "gateway/rtc/dtls.h"
#include "rooms/media_cmd.h"
#include "rooms/sfu.h"

typedef struct media_worker media_worker;

/* Starts a worker bound to UDP ip:port (port 0: any) and listening for ICE-TCP on ip:tcp_port
 * (0: any free port; -1: no ICE-TCP). Events go to `events`. NULL on failure (logged), with
 * nothing left running. */
media_worker *worker_start(uint8_t index, const char *ip, int port, int tcp_port,
                           const dtls_identity *identity, mailbox *events);
/* Stops the thread, frees every object it held. Safe on NULL. */
void worker_stop(media_worker *w);
/* Posts a command; -1 when the worker's mailbox is full. Any thread. */
int worker_post(media_worker *w, const media_cmd *cmd);
int worker_port(const media_worker *w);
/* The ICE-TCP listening port, 0 when ICE-TCP is off. */
int worker_tcp_port(const media_worker *w);
/* Counters, readable from any thread. */
const sfu_counters *worker_counters(const media_worker *w);

#endif
