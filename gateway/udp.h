/* A media worker's UDP socket with batched I/O: recvmmsg into a batch of pooled buffers, and an
 * outgoing batch flushed with sendmmsg before the loop sleeps (or when full). */
#ifndef MOA_GATEWAY_UDP_H
#define MOA_GATEWAY_UDP_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define UDP_BATCH 32
#define UDP_MAX_PACKET 1500
#define UDP_SEND_ROOM (UDP_MAX_PACKET + 64) /* room for an SRTP trailer */

typedef struct udp_batch {
  struct mmsghdr msgs[UDP_BATCH];
  struct iovec iov[UDP_BATCH];
  struct sockaddr_storage addr[UDP_BATCH];
  uint8_t buf[UDP_BATCH][UDP_SEND_ROOM];
  int count;
} udp_batch;

typedef struct udp_socket {
  int fd;
  int port;
  udp_batch in, out;
  uint64_t sent_packets, sent_bytes, send_errors;
} udp_socket;

/* Binds ip:port (port 0 = any free port; IPv4 or IPv6 literal). Returns 0, or -1 (logged). */
/* Fills *ss with the IPv4 or IPv6 address in text `ip` and `port`; -1 (nothing else set) when
 * ip is neither. */
int udp_addr_from(const char *ip, int port, struct sockaddr_storage *ss);
int udp_open(udp_socket *u, const char *ip, int port);
void udp_close(udp_socket *u);
/* Receives up to UDP_BATCH datagrams into u->in without blocking; returns how many (0 if none). */
int udp_recv_batch(udp_socket *u);
/* Reserves the next outgoing slot; returns its buffer (UDP_SEND_ROOM bytes), flushing first if
 * the batch is full. Finish with udp_queue(u, len, addr). */
uint8_t *udp_next_buf(udp_socket *u);
void udp_queue(udp_socket *u, size_t len, const struct sockaddr_storage *to);
/* Sends everything queued. */
void udp_flush(udp_socket *u);
socklen_t udp_addr_len(const struct sockaddr_storage *a);

#endif
