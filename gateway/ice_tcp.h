/* ICE over TCP for one media worker (RFC 6544 passive candidate, RFC 4571 framing): the worker's
 * TCP listening socket and the connections browsers open to it when UDP does not get through.
 * Every frame read goes into the same STUN -> DTLS -> SRTP demultiplexing as a UDP datagram
 * (sfu_on_tcp_frame); the sfu sends back through ice_tcp_send, which the worker hands it
 * (sfu_set_ice_tcp). Belongs to the worker thread.
 *
 * Bounds (per worker): at most ICE_TCP_MAX_CONNS connections, of which ICE_TCP_MAX_PENDING may
 * be waiting for a valid ICE check (a new one evicts the oldest waiting one); a connection must
 * send a STUN Binding request as its first frame and complete a check within
 * ICE_TCP_ICE_TIMEOUT_MS, and is closed after ICE_TCP_IDLE_MS without a frame. Frames over
 * ICE_TCP_MAX_FRAME bytes (the largest datagram the worker takes on UDP) close the connection.
 * Outgoing frames are queued per connection (never a blocking write) and flushed once per loop
 * turn; a connection whose queue passes ICE_TCP_OUTQ_MAX (the peer does not read) is closed:
 * the slow-client rule of the WebSocket side. Every close is counted by reason. */
#ifndef MOA_GATEWAY_ICE_TCP_H
#define MOA_GATEWAY_ICE_TCP_H

#include <stddef.h>
#include <stdint.h>

#include "base/udp.h"
#include "rooms/sfu.h"

#define ICE_TCP_MAX_CONNS 1024
#define ICE_TCP_MAX_PENDING 256
#define ICE_TCP_ICE_TIMEOUT_MS 5000
#define ICE_TCP_IDLE_MS 30000
#define ICE_TCP_MAX_FRAME UDP_MAX_PACKET
#define ICE_TCP_OUTQ_MAX (256 * 1024)

/* Opens the listening socket on ip:port (port 0: any free port) and registers it, and later
 * its connections, with epfd (epoll data: ICE_TCP_EV_LISTEN, or ICE_TCP_EV_CONN | conn id).
 * NULL on failure (logged), nothing left open. */
ice_tcp *ice_tcp_open(const char *ip, int port, int epfd, sfu *s, sfu_counters *counters);
/* Closes every connection and the listener. Safe on NULL. */
void ice_tcp_close(ice_tcp *it);
int ice_tcp_port(const ice_tcp *it);

#define ICE_TCP_EV_LISTEN ((uint64_t)2 << 32)
#define ICE_TCP_EV_CONN ((uint64_t)3 << 32)
/* Handles one epoll event whose data was ICE_TCP_EV_*: accepts, reads and feeds frames, writes
 * queued output. */
void ice_tcp_on_event(ice_tcp *it, uint64_t data, uint32_t events);
/* Writes every connection's queued frames (without blocking) and frees closed connections. Call
 * once per loop turn, after the packets of the turn are handled. */
void ice_tcp_flush(ice_tcp *it);
/* Closes connections past their ICE or idle deadline. now_ms: the worker's clock. */
void ice_tcp_tick(ice_tcp *it, uint64_t now_ms);

/* Queues one frame (len <= ICE_TCP_MAX_FRAME + SRTP room) to connection conn. Returns 0, or -1
 * when the connection is gone or closing, or was just closed because its queue overflowed. */
int ice_tcp_send(ice_tcp *it, uint32_t conn, const uint8_t *buf, size_t len);

#endif
