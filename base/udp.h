/* A media worker's UDP socket with batched I/O: recvmmsg into a batch of pooled buffers, and an
 * outgoing batch flushed with sendmmsg before the loop sleeps (or when full).
 *
 * UDP GSO (Linux >= 4.18, UDP_SEGMENT): at a flush, the queued packets to one address form runs
 * of equal size (a run's last packet may be shorter, and ends it), and each run of two or more
 * leaves as one sendmmsg entry the kernel cuts into datagrams: one pass down the stack for the
 * run instead of one per packet. A video frame's packets are mostly of one size (the browser's
 * packetizer splits a frame about equally; SRTP adds the same tag to each), and the outgoing
 * batch is large (UDP_OUT_BATCH) so one flush holds several packets per subscriber. The receiver
 * sees ordinary datagrams. Off when MOA_UDP_GSO=0 is in the environment, or for good once the
 * kernel refuses a GSO send (that run is then sent packet by packet). */
#ifndef MOA_BASE_UDP_H
#define MOA_BASE_UDP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define UDP_BATCH 32        /* datagrams per recvmmsg */
#define UDP_OUT_BATCH 1024  /* packets queued before a flush must send them (sendmmsg takes 1024) */
#define UDP_GSO_SEGMENTS 64 /* packets per GSO send (older kernels' UDP_MAX_SEGMENTS) */
#define UDP_GSO_BYTES 60000 /* bytes per GSO send (below the 64 KB of one UDP datagram) */
#define UDP_MAX_PACKET 1500
#define UDP_SEND_ROOM (UDP_MAX_PACKET + 64) /* room for an SRTP trailer */

typedef struct udp_batch {
  struct mmsghdr msgs[UDP_BATCH];
  struct iovec iov[UDP_BATCH];
  struct sockaddr_storage addr[UDP_BATCH];
  uint8_t buf[UDP_BATCH][UDP_SEND_ROOM];
  int count;
} udp_batch;

/* The outgoing batch: packets in the order queued (buf, iov lengths, addr), and the scratch a
 * flush builds its sendmmsg entries in (one per packet, or per GSO run). */
typedef struct udp_out_batch {
  struct iovec iov[UDP_OUT_BATCH];
  struct sockaddr_storage addr[UDP_OUT_BATCH];
  uint8_t buf[UDP_OUT_BATCH][UDP_SEND_ROOM];
  int count;
  /* flush scratch */
  struct mmsghdr send[UDP_OUT_BATCH];
  struct iovec send_iov[UDP_OUT_BATCH];
  union {
    char raw[CMSG_SPACE(sizeof(uint16_t))];
    struct cmsghdr align;
  } ctl[UDP_OUT_BATCH];
  struct udp_run {
    int first, last, segs; /* packets of the run, linked through next[] */
    uint32_t bytes;
    uint16_t seg; /* the run's segment size: its first packet's length */
    bool open;    /* a shorter packet has not ended it yet */
  } runs[UDP_OUT_BATCH];
  int next[UDP_OUT_BATCH];             /* packet -> the next packet of its run (-1: last) */
  int16_t slot_run[2 * UDP_OUT_BATCH]; /* address hash -> the newest run to it (-1: none) */
} udp_out_batch;

typedef struct udp_socket {
  int fd;
  int port;
  bool gso; /* UDP GSO in use (see above) */
  udp_batch in;
  udp_out_batch out;
  uint64_t sent_packets, sent_bytes, send_errors;
  uint64_t gso_sends, gso_packets; /* GSO entries sent and the packets they carried */
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
 * the batch is full (UDP_OUT_BATCH packets with GSO, UDP_BATCH without). Finish with
 * udp_queue(u, len, addr). */
uint8_t *udp_next_buf(udp_socket *u);
void udp_queue(udp_socket *u, size_t len, const struct sockaddr_storage *to);
/* Sends everything queued: every packet to one address in the order queued, GSO runs as said
 * above. A packet the kernel refuses (full buffer, unreachable) is dropped and counted in
 * send_errors; the others still go. */
void udp_flush(udp_socket *u);
socklen_t udp_addr_len(const struct sockaddr_storage *a);

#endif
