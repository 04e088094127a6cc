/* Internals of bench/forward_peers (see forward_peers.c for what the program does): the peers,
 * the process state, and the functions its two files call in each other. forward_peers.c: the
 * sockets, ICE, DTLS, the stdin commands and the epoll loop; forward_peers_media.c: the
 * publishers' synthetic VP8, the subscribers' checks of what arrives, and the measurement
 * window. */
#ifndef MOA_BENCH_FORWARD_PEERS_INT_H
#define MOA_BENCH_FORWARD_PEERS_INT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/seq.h"
#include "gateway/rtc/dtls.h"
#include "gateway/rtc/rfc4571.h"
#include "gateway/rtc/srtp.h"
#include "gateway/rtc/stun.h"

#define MAX_PEERS 1024
#define PKT_BYTES 1200
#define FPS 30
#define PKTS_PER_FRAME 5
#define KEYFRAME_EVERY (2 * FPS) /* frames */
#define CONSENT_MS 2000
#define STUN_RETRY_MS 100
#define HOUSE_MS 10
#define DRAIN_MS 300
#define BATCH 32
#define SLOT 2048          /* receive/send slot: a datagram plus the SRTP trailer, 8-byte aligned */
#define TCP_FRAME_MAX SLOT /* largest RFC 4571 frame taken from the server */
#define MAX_SAMPLES (1u << 21)
#define PAYLOAD_MAGIC 0x4d4f4142u     /* "MOAB": marks a payload written by this program */
#define PAYLOAD_MAGIC_LOW 0x4d4f414cu /* "MOAL": a lower simulcast encoding's (not measured) */
#define VP8_BYTES 2                   /* descriptor + first payload-header byte */
#define SIM_LAYERS 3
#define SIM_VP8_BYTES 7 /* X, I L T, 15-bit PictureID, TL0PICIDX, TID/Y/KEYIDX + payload header */
/* VP8 frame tag, start code and size (RFC 6386 9.1): the payload header's first byte and the 9
 * after it, before this program's payload */
#define VP8_FRAME_HDR 10
#define KEY_WIDTH 1280 /* what a single encoding's key frames say */
#define KEY_HEIGHT 720
#define SIM_Q_BYTES 500
#define SIM_H_BYTES 1000
#define TAG_STDIN 0
#define TAG_FRAME 1
#define TAG_HOUSE 2
#define TAG_PEER 16
#define MAX_PUBS 32    /* publishers of one process */
#define MAX_STREAMS 64 /* SSRCs one subscriber tells apart (one per publisher, or per encoding) */

enum { P_NEW, P_ICE, P_DTLS, P_UP, P_FAILED };

typedef struct {
  int id;
  bool publisher;
  bool aux; /* a subscriber not measured (a publisher's own subscribe transport) */
  int fd;
  int state;
  bool tcp;          /* ICE-TCP: fd is a TCP connection carrying RFC 4571 frames */
  rfc4571_reader rd; /* its reassembly, into store */
  uint8_t *store;
  struct sockaddr_in server;
  char ufrag[9], pwd[25];
  char username[STUN_MAX_USERNAME + 1]; /* "<server ufrag>:<our ufrag>" */
  char rpwd[257];
  uint8_t fp[DTLS_FINGERPRINT_LEN];
  uint8_t tid[STUN_TID_LEN];
  uint64_t next_stun_ms;
  dtls_conn *dtls;
  srtp_pair *srtp;
  /* publisher (`publish`) */
  bool publishing;
  uint32_t ssrc;
  uint8_t pt;
  uint8_t rid_ext;              /* simulcast: the RID extension's id; 0: one encoding */
  uint16_t sim_seq[SIM_LAYERS]; /* q and h (f uses seq) */
  uint16_t seq;
  bool keyframe_wanted;
  /* subscriber: one sequence space per SSRC the server sends (one per publisher it forwards) */
  bool flowing;
  struct {
    uint32_t ssrc;
    seq16_unwrapper uw;
    int64_t last_ext;
  } streams[MAX_STREAMS];
  int nstreams;
  uint64_t win_rx, win_gaps, win_late; /* in the current window */
  uint32_t ovfl;                       /* SO_RXQ_OVFL: the socket's drop counter, last seen */
  uint64_t drops;                      /* datagrams the kernel dropped on this socket */
} peer;

/* The process's state: the DTLS identity, the epoll set, every peer, the frame clock and the
 * measurement window. Owned by forward_peers.c (main); forward_peers_media.c reads and counts. */
typedef struct {
  dtls_identity *identity;
  char fingerprint[DTLS_FINGERPRINT_TEXT_LEN];
  int epfd, frame_fd, house_fd;
  peer *peers[MAX_PEERS];
  int npeers;
  peer *pubs[MAX_PUBS]; /* in `publish` order; each sends every frame */
  int npubs;
  uint32_t ts, frame, index; /* index: next packet's number (the same for every publisher's packet) */
  uint64_t keyframes, plis, nacks, send_errors;
  /* measurement window */
  bool win_open;
  uint32_t win_start, win_end;
  uint64_t report_due_ms;
  uint32_t *samples; /* latency of each packet received in the window, ns (capped) */
  size_t nsamples;
  uint64_t win_drops0;
  char inbuf[8192];
  size_t inlen;
} fwd_state;

extern fwd_state fwd;

/* forward_peers.c */

/* The time of clock clk in ns. */
uint64_t fwd_now_ns(clockid_t clk);
/* Prints one JSON line (printf-style, the newline added) to stdout and flushes it. */
void fwd_emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Marks p failed (once) and tells the driver why. */
void fwd_fail_peer(peer *p, const char *why);
/* Sends buf to p's server: a datagram, or an RFC 4571 frame over ICE-TCP; a failure is counted
 * in fwd.send_errors. */
void fwd_send_to_server(peer *p, const uint8_t *buf, size_t len);

/* forward_peers_media.c */

/* One frame tick: every publisher sends a frame (fwd.index advances by PKTS_PER_FRAME). */
void fwd_send_frame(void);
/* An RTCP datagram to publisher p: PLI/FIR ask for a key frame, NACKs are counted. */
void fwd_on_pub_rtcp(peer *p, uint8_t *buf, size_t len);
/* An RTP datagram to subscriber p received at rx_ns (CLOCK_REALTIME): sequence checks per SSRC,
 * and in an open window the packet's latency. */
void fwd_on_sub_rtp(peer *p, uint8_t *buf, size_t len, uint64_t rx_ns);
/* `mark`: opens a measurement window at the next packet index and emits its "mark" line. */
void fwd_open_window(void);
/* Emits the closed window's "report" line and closes it. */
void fwd_report_window(void);

#endif
