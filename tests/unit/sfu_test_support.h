/* The in-process media worker the SFU unit tests drive (tests/unit/test_sfu_*.c): simulated
 * peers with an address, ICE credentials, a DTLS client and an SRTP pair, whose datagrams go
 * straight into sfu_on_datagram(); what the worker queues is read back from its outgoing batch.
 * Each test file includes it once; helpers a file does not use are not warned about. */
#ifndef MOA_TESTS_SFU_TEST_SUPPORT_H
#define MOA_TESTS_SFU_TEST_SUPPORT_H
#pragma GCC diagnostic ignored "-Wunused-function"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* cmocka.h needs these before it */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "gateway/rtc/dtls.h"
#include "gateway/rtc/rtcp.h"
#include "gateway/rtc/rtp.h"
#include "gateway/rtc/srtp.h"
#include "gateway/rtc/stun.h"
#include "rooms/sfu_int.h"
#include "stun_test_support.h"

#define T0_MS 1000000u

typedef struct {
  struct sockaddr_storage addr;
  uint32_t transport_id;
  char ufrag[16], pwd[32]; /* the server's credentials for this transport */
  char peer_ufrag[16];     /* the browser's */
  dtls_conn *dtls;         /* the browser's DTLS client */
  srtp_pair *srtp;         /* the browser's SRTP, after the handshake */
  uint16_t seq;
  uint64_t user_id; /* given to its producers (0 unless a test sets it) */
} peer;

typedef struct {
  sfu s;
  udp_socket udp;
  sfu_counters counters;
  mailbox *events;
  dtls_identity *server_id, *client_id;
} world;

static world W;

static int setup(void **state) {
  memset(&W, 0, sizeof W);
  if (udp_open(&W.udp, "127.0.0.1", 0) != 0) return -1;
  W.events = mailbox_new(256, sizeof(media_event), NULL, NULL);
  W.server_id = dtls_identity_new(NULL, 0);
  W.client_id = dtls_identity_new(NULL, 0);
  if (!W.events || !W.server_id || !W.client_id) return -1;
  srtp_global_init();
  sfu_init(&W.s, 0, &W.udp, W.server_id, W.events, &W.counters);
  W.s.now_ms = T0_MS;
  *state = &W;
  return 0;
}

static int teardown(void **state) {
  (void)state;
  sfu_free(&W.s);
  mailbox_free(W.events);
  dtls_identity_free(W.server_id);
  dtls_identity_free(W.client_id);
  udp_close(&W.udp);
  return 0;
}

static uint64_t C(atomic_uint_fast64_t *c) { return atomic_load(c); }

static struct sockaddr_storage addr_of(const char *ip, uint16_t port) {
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  struct sockaddr_in *a = (struct sockaddr_in *)&ss;
  a->sin_family = AF_INET;
  a->sin_port = htons(port);
  inet_pton(AF_INET, ip, &a->sin_addr);
  return ss;
}

static bool same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b) {
  return memcmp(a, b, sizeof(struct sockaddr_in)) == 0;
}

/* What the worker queued since the last call: how many datagrams went to `to` (all if NULL);
 * the last of them is copied to buf (if given). The batch is then emptied unsent. */
static int sent_to(const struct sockaddr_storage *to, uint8_t *buf, size_t *len) {
  int n = 0;
  for (int i = 0; i < W.udp.out.count; i++) {
    if (to && !same_addr(&W.udp.out.addr[i], to)) continue;
    n++;
    if (buf) {
      memcpy(buf, W.udp.out.buf[i], W.udp.out.iov[i].iov_len);
      *len = W.udp.out.iov[i].iov_len;
    }
  }
  W.udp.out.count = 0;
  return n;
}

/* How many datagrams are queued to `to`; the batch is kept. */
static int count_to(const struct sockaddr_storage *to) {
  int n = 0;
  for (int i = 0; i < W.udp.out.count; i++) n += same_addr(&W.udp.out.addr[i], to);
  return n;
}

static void deliver(const struct sockaddr_storage *from, const uint8_t *buf, size_t len) {
  uint8_t copy[UDP_SEND_ROOM];
  memcpy(copy, buf, len);
  sfu_on_datagram(&W.s, copy, len, from);
  sfu_publish_counters(&W.s); /* as the worker does once per loop turn */
}

static bool next_event(media_event *ev) { return mailbox_take(W.events, ev); }
static void drain_events(void) {
  media_event ev;
  while (next_event(&ev)) {
  }
}

/* Creates the transport on the worker (as the signaling thread would) for a peer at ip:port. */
static void peer_new(peer *p, uint32_t room, uint32_t id, const char *ip, uint16_t port) {
  memset(p, 0, sizeof *p);
  p->addr = addr_of(ip, port);
  p->transport_id = id;
  snprintf(p->ufrag, sizeof p->ufrag, "srv%u", id);
  snprintf(p->pwd, sizeof p->pwd, "server-password-%06u", id);
  snprintf(p->peer_ufrag, sizeof p->peer_ufrag, "brw%u", id);
  media_cmd cmd;
  memset(&cmd, 0, sizeof cmd);
  cmd.type = MC_TRANSPORT_CREATE;
  cmd.room_id = room;
  cmd.transport_id = id;
  snprintf(cmd.u.transport.local_ufrag, MEDIA_UFRAG_MAX, "%s", p->ufrag);
  snprintf(cmd.u.transport.local_pwd, MEDIA_PWD_MAX, "%s", p->pwd);
  snprintf(cmd.u.transport.remote_ufrag, MEDIA_UFRAG_MAX, "%s", p->peer_ufrag);
  cmd.u.transport.has_fingerprint = true;
  memcpy(cmd.u.transport.remote_fingerprint, dtls_identity_fingerprint_bytes(W.client_id), 32);
  sfu_handle_cmd(&W.s, &cmd);
  assert_non_null(transport_by_id(&W.s, id));
}

/* A Binding request from `from` naming ufrag:peer_ufrag, keyed with pwd. */
static size_t stun_check(uint8_t *out, const char *ufrag, const char *peer_ufrag, const char *pwd, bool use) {
  static uint8_t tid_counter;
  uint8_t tid[STUN_TID_LEN] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, ++tid_counter};
  char user[64];
  snprintf(user, sizeof user, "%s:%s", ufrag, peer_ufrag);
  stun_request_params rp = {tid, user, 0x6e7f00ffu, true, 42, use, pwd, pwd ? strlen(pwd) : 0};
  int n = stun_build_binding_request(out, 512, &rp);
  assert_true(n > 0);
  return (size_t)n;
}

/* A valid check from `from`: returns how many answers the worker queued to it. */
static int check_from(peer *p, const struct sockaddr_storage *from, bool use_candidate) {
  uint8_t buf[512];
  size_t n = stun_check(buf, p->ufrag, p->peer_ufrag, p->pwd, use_candidate);
  deliver(from, buf, n);
  uint8_t resp[UDP_SEND_ROOM];
  size_t rlen = 0;
  int got = sent_to(from, resp, &rlen);
  if (got) {
    stun_msg m;
    assert_int_equal(stun_parse(resp, rlen, &m), STUN_OK);
    assert_int_equal(m.cls, STUN_CLASS_SUCCESS);
    assert_true(stun_verify_integrity(resp, rlen, &m, p->pwd, strlen(p->pwd)));
    assert_true(m.has_xor_mapped && same_addr(&m.xor_mapped, from));
  }
  return got;
}

/* ICE check with USE-CANDIDATE, then the DTLS handshake (the browser is the client). */
static void peer_connect(peer *p) {
  assert_int_equal(check_from(p, &p->addr, true), 1);
  p->dtls = dtls_conn_new(W.client_id, false, dtls_identity_fingerprint_bytes(W.server_id));
  assert_non_null(p->dtls);
  assert_int_equal(dtls_conn_start(p->dtls), 0);
  transport *t = transport_by_id(&W.s, p->transport_id);
  for (int round = 0; round < 40 && !(t->connected && dtls_conn_get_state(p->dtls) == DTLS_CONN_CONNECTED);
       round++) {
    uint8_t buf[UDP_SEND_ROOM];
    int n, moved = 0;
    while ((n = dtls_conn_pending_out(p->dtls, buf, sizeof buf)) > 0) {
      deliver(&p->addr, buf, (size_t)n);
      moved++;
    }
    for (int i = 0; i < W.udp.out.count; i++)
      if (same_addr(&W.udp.out.addr[i], &p->addr)) {
        dtls_conn_feed(p->dtls, W.udp.out.buf[i], W.udp.out.iov[i].iov_len);
        moved++;
      }
    W.udp.out.count = 0;
    if (!moved) {
      /* Both sides wait. OpenSSL's retransmission timer runs on the real clock (100 ms at
       * first): when the handshake is held up longer than that (a loaded machine; reproduced
       * by sleeping 300 ms before the first round), a flight is left that only a timer-driven
       * retransmission completes, and without one the handshake stalled (test_sfu_simulcast
       * failed here about once in 30 runs under load). Let the timers expire and act on them,
       * as the worker's tick and a browser do. */
      usleep(250 * 1000);
      dtls_conn_tick(p->dtls, W.s.now_ms);
      transport_tick(&W.s, t);
    }
  }
  assert_true(t->connected);
  assert_int_equal(dtls_conn_get_state(p->dtls), DTLS_CONN_CONNECTED);
  dtls_srtp_keys keys;
  assert_int_equal(dtls_conn_srtp_keys(p->dtls, &keys), 0);
  p->srtp = srtp_pair_new(&keys);
  assert_non_null(p->srtp);
  media_event ev;
  bool seen = false;
  while (next_event(&ev)) seen |= ev.type == ME_TRANSPORT_CONNECTED && ev.transport_id == p->transport_id;
  assert_true(seen);
  W.udp.out.count = 0; /* keyframe requests etc. */
}

static void peer_free(peer *p) {
  dtls_conn_free(p->dtls);
  srtp_pair_free(p->srtp);
  p->dtls = NULL;
  p->srtp = NULL;
}

static void close_transport(uint32_t id) {
  media_cmd cmd;
  memset(&cmd, 0, sizeof cmd);
  cmd.type = MC_TRANSPORT_CLOSE;
  cmd.transport_id = id;
  sfu_handle_cmd(&W.s, &cmd);
}

static void add_producer(peer *p, uint32_t id, media_kind kind, uint32_t ssrc, uint8_t pt, uint32_t rtx_ssrc,
                         uint8_t rtx_pt) {
  media_cmd cmd;
  memset(&cmd, 0, sizeof cmd);
  cmd.type = MC_PRODUCER_ADD;
  cmd.transport_id = p->transport_id;
  cmd.producer_id = id;
  cmd.u.producer.kind = kind;
  cmd.u.producer.codec = kind == MEDIA_VIDEO ? MEDIA_CODEC_VP8 : MEDIA_CODEC_OPUS;
  cmd.u.producer.ssrc = ssrc;
  cmd.u.producer.rtx_ssrc = rtx_ssrc;
  cmd.u.producer.pt = pt;
  cmd.u.producer.rtx_pt = rtx_pt;
  cmd.u.producer.clock = kind == MEDIA_VIDEO ? 90000 : 48000;
  cmd.u.producer.user_id = p->user_id;
  sfu_handle_cmd(&W.s, &cmd);
  assert_non_null(producer_by_id(&W.s, id));
}

/* A VP8 producer announcing rid simulcast q, h, f (MID extension id 9 naming "0", RID id 10):
 * its encodings bind from the RID extension of their first packets. */
static void add_simulcast_producer(peer *p, uint32_t id) {
  media_cmd cmd;
  memset(&cmd, 0, sizeof cmd);
  cmd.type = MC_PRODUCER_ADD;
  cmd.transport_id = p->transport_id;
  cmd.producer_id = id;
  cmd.u.producer.kind = MEDIA_VIDEO;
  cmd.u.producer.codec = MEDIA_CODEC_VP8;
  cmd.u.producer.pt = 96;
  cmd.u.producer.clock = 90000;
  cmd.u.producer.ext[MEDIA_EXT_MID] = 9;
  cmd.u.producer.ext[MEDIA_EXT_RID] = 10;
  cmd.u.producer.n_rids = 3;
  strcpy(cmd.u.producer.rids[0], "q");
  strcpy(cmd.u.producer.rids[1], "h");
  strcpy(cmd.u.producer.rids[2], "f");
  strcpy(cmd.u.producer.mid, "0");
  cmd.u.producer.user_id = p->user_id;
  sfu_handle_cmd(&W.s, &cmd);
  assert_non_null(producer_by_id(&W.s, id));
}

static void add_consumer(peer *p, uint32_t id, uint32_t producer_id, media_kind kind, uint32_t ssrc,
                         uint8_t pt, uint32_t rtx_ssrc, uint8_t rtx_pt) {
  media_cmd cmd;
  memset(&cmd, 0, sizeof cmd);
  cmd.type = MC_CONSUMER_ADD;
  cmd.transport_id = p->transport_id;
  cmd.producer_id = producer_id;
  cmd.consumer_id = id;
  cmd.u.consumer.kind = kind;
  cmd.u.consumer.ssrc = ssrc;
  cmd.u.consumer.pt = pt;
  cmd.u.consumer.rtx_ssrc = rtx_ssrc;
  cmd.u.consumer.rtx_pt = rtx_pt;
  sfu_handle_cmd(&W.s, &cmd);
  assert_non_null(consumer_by_id(&W.s, id));
}

/* A VP8 packet (keyframe or not) or an Opus one, SRTP-protected with `keys_of`'s session. */
static size_t make_rtp(peer *keys_of, uint8_t *out, uint8_t pt, uint32_t ssrc, uint16_t seq, bool key) {
  memset(out, 0, 12);
  out[0] = 0x80;
  out[1] = pt;
  rtp_set_seq(out, seq);
  rtp_set_ts(out, 3000u * seq);
  rtp_set_ssrc(out, ssrc);
  out[12] = 0x10;              /* VP8 descriptor: S=1, PID 0 */
  out[13] = key ? 0x00 : 0x01; /* P bit 0: keyframe */
  memset(out + 14, 0xab, 100);
  int n = 114;
  assert_int_equal(srtp_pair_protect_rtp(keys_of->srtp, out, &n, UDP_SEND_ROOM), 0);
  return (size_t)n;
}

/* A plaintext VP8 packet of a simulcast encoding: one-byte header extensions (mid id 9 = "0"
 * and, when rid is not NULL, rid id 10), a descriptor with a 15-bit PictureID, 60 payload
 * bytes. Returns its length. */
static size_t make_sim_plain(uint8_t *out, uint32_t ssrc, uint16_t seq, uint16_t pid, bool key,
                             const char *rid) {
  memset(out, 0, 64);
  out[0] = 0x90;
  out[1] = 96;
  rtp_set_seq(out, seq);
  rtp_set_ts(out, 3000u * seq);
  rtp_set_ssrc(out, ssrc);
  size_t p = 16;
  out[p++] = 9 << 4 | 0; /* mid "0" */
  out[p++] = '0';
  if (rid) {
    size_t l = strlen(rid);
    out[p++] = (uint8_t)(10 << 4 | (l - 1));
    memcpy(out + p, rid, l);
    p += l;
  }
  while ((p - 16) % 4) out[p++] = 0;
  out[12] = 0xBE;
  out[13] = 0xDE;
  out[14] = 0;
  out[15] = (uint8_t)((p - 16) / 4);
  out[p++] = 0x90; /* X, S */
  out[p++] = 0x80; /* I */
  out[p++] = (uint8_t)(0x80 | pid >> 8);
  out[p++] = (uint8_t)pid;
  out[p++] = key ? 0x00 : 0x01;
  memset(out + p, 0xab, 60);
  return p + 60;
}

/* The RTP packets the worker queued to `to`, unprotected with its SRTP: returns how many, and
 * the (ssrc, seq, pt) of the last one. */
static int rtp_received(peer *to, uint32_t *ssrc, uint16_t *seq, uint8_t *pt) {
  int got = 0;
  for (int i = 0; i < W.udp.out.count; i++) {
    if (!same_addr(&W.udp.out.addr[i], &to->addr)) continue;
    uint8_t *b = W.udp.out.buf[i];
    int n = (int)W.udp.out.iov[i].iov_len;
    if (rtp_is_rtcp(b, (size_t)n)) continue;
    assert_int_equal(srtp_pair_unprotect_rtp(to->srtp, b, &n), 0);
    got++;
    if (ssrc) *ssrc = rtp_get_ssrc(b);
    if (seq) *seq = rtp_get_seq(b);
    if (pt) *pt = b[1] & 0x7f;
  }
  W.udp.out.count = 0;
  return got;
}

/* The PLIs the worker queued to p, counted per media SSRC: counts[i] for ssrcs[i]. The batch
 * is then emptied unsent. */
static void plis_queued(peer *p, const uint32_t *ssrcs, int *counts, int n) {
  for (int k = 0; k < n; k++) counts[k] = 0;
  for (int i = 0; i < W.udp.out.count; i++) {
    if (!same_addr(&W.udp.out.addr[i], &p->addr)) continue;
    int len = (int)W.udp.out.iov[i].iov_len;
    uint8_t *b = W.udp.out.buf[i];
    if (!rtp_is_rtcp(b, (size_t)len) || srtp_pair_unprotect_rtcp(p->srtp, b, &len) != 0) continue;
    rtcp_iter it;
    rtcp_header h;
    rtcp_iter_init(&it, b, (size_t)len);
    while (rtcp_iter_next(&it, &h) == 1) {
      rtcp_fb fb;
      if (h.pt != RTCP_PSFB || h.count != RTCP_PSFB_PLI || rtcp_parse_fb(&h, &fb) != 0) continue;
      for (int k = 0; k < n; k++) counts[k] += fb.media_ssrc == ssrcs[k];
    }
  }
  W.udp.out.count = 0;
}

/* ---- tests ---- */

#endif
