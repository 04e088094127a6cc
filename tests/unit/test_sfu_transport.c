/* Unit tests of a media worker's SFU state (rooms/sfu.c, transport.c, producer.c, consumer.c,
 * router.c) driven in-process: the test plays the browsers. Each simulated peer has an address,
 * ICE credentials, a DTLS client (gateway/rtc/dtls.c) and, once connected, an SRTP pair from its
 * own key export; its datagrams go straight into sfu_on_datagram() and what the worker queues
 * on its UDP socket is read back from the outgoing batch (never sent). The worker's clock
 * (sfu.now_ms) is the test's.
 *
 * Proven here (issue 3, "Bad input" and consent): packets from an address that completed no ICE
 * check, or with bad STUN credentials, are dropped and counted and nothing is sent back; the
 * server sends only to an address that passed an integrity-checked check; a peer cannot inject
 * media into a room it did not join (nor into a transport whose address it spoofs); consent
 * freshness closes a peer silent for 30 s (and one that never completed ICE); malformed DTLS
 * records from a connected peer's own address are dropped and its media goes on (issue 10);
 * an ICE restart
 * takes new credentials, refuses the old ones and moves media to the new address without a new
 * DTLS handshake; forwarding rewrites SSRC, payload type and a wrapping sequence number; NACKs go
 * upstream for video losses only and RTX repairs reach the subscriber; closing every transport
 * leaves no object (counters 0, ME_ROOM_RELEASED); an ICE-TCP connection becomes the path only
 * through a valid check on it, and only its own frames reach DTLS and SRTP. Runs under
 * ASan/UBSan with leak checks. */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

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
#include "rooms/sfu.h"
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
  W.server_id = dtls_identity_new();
  W.client_id = dtls_identity_new();
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
  for (int round = 0; round < 20 && !(t->connected && dtls_conn_get_state(p->dtls) == DTLS_CONN_CONNECTED);
       round++) {
    uint8_t buf[UDP_SEND_ROOM];
    int n;
    while ((n = dtls_conn_pending_out(p->dtls, buf, sizeof buf)) > 0) deliver(&p->addr, buf, (size_t)n);
    for (int i = 0; i < W.udp.out.count; i++)
      if (same_addr(&W.udp.out.addr[i], &p->addr))
        dtls_conn_feed(p->dtls, W.udp.out.buf[i], W.udp.out.iov[i].iov_len);
    W.udp.out.count = 0;
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

/* ---- tests ---- */

static void test_unknown_address_dropped(void **state) {
  (void)state;
  peer a;
  peer_new(&a, 1, 11, "127.0.0.1", 50011);
  struct sockaddr_storage stranger = addr_of("127.0.0.1", 50999);
  uint8_t junk[200];
  memset(junk, 0, sizeof junk);
  junk[0] = 0x80; /* RTP */
  deliver(&stranger, junk, sizeof junk);
  junk[0] = 22; /* DTLS handshake */
  deliver(&stranger, junk, sizeof junk);
  assert_int_equal(C(&W.counters.dropped[DROP_UNKNOWN_ADDRESS]), 2);
  junk[0] = 0x40; /* outside RFC 7983's ranges, from a stranger */
  deliver(&stranger, junk, sizeof junk);
  assert_int_equal(C(&W.counters.dropped[DROP_UNKNOWN_ADDRESS]), 3);
  assert_int_equal(sent_to(NULL, NULL, NULL), 0);
  close_transport(11);
  drain_events();
}

static void test_bad_stun_credentials_dropped(void **state) {
  (void)state;
  peer a;
  peer_new(&a, 1, 12, "127.0.0.1", 50012);
  uint8_t buf[512];
  /* Unknown ufrag, right-looking password. */
  size_t n = stun_check(buf, "nobody", a.peer_ufrag, a.pwd, true);
  deliver(&a.addr, buf, n);
  /* Right ufrag, wrong password. */
  n = stun_check(buf, a.ufrag, a.peer_ufrag, "not-the-password-at-all", true);
  deliver(&a.addr, buf, n);
  /* Right ufrag, no MESSAGE-INTEGRITY. */
  n = stun_check(buf, a.ufrag, a.peer_ufrag, NULL, true);
  deliver(&a.addr, buf, n);
  /* Right credentials, one bit flipped after signing. */
  n = stun_check(buf, a.ufrag, a.peer_ufrag, a.pwd, true);
  buf[n - 20] ^= 0x01; /* inside the MESSAGE-INTEGRITY value */
  deliver(&a.addr, buf, n);
  /* Truncated and garbage STUN. */
  n = stun_check(buf, a.ufrag, a.peer_ufrag, a.pwd, true);
  deliver(&a.addr, buf, n - 7);
  memset(buf + 1, 0xff, 40);
  deliver(&a.addr, buf, 41);
  assert_int_equal(C(&W.counters.dropped[DROP_BAD_STUN]), 6);
  assert_int_equal(sent_to(NULL, NULL, NULL), 0);
  assert_false(transport_by_id(&W.s, 12)->has_addr);
  /* Nothing that followed the bad checks is answered either. */
  buf[0] = 22;
  deliver(&a.addr, buf, 100);
  assert_int_equal(C(&W.counters.dropped[DROP_UNKNOWN_ADDRESS]), 1);
  assert_int_equal(sent_to(NULL, NULL, NULL), 0);
  /* The right check is answered, to the address it came from, and only then. */
  assert_int_equal(check_from(&a, &a.addr, true), 1);
  assert_true(transport_by_id(&W.s, 12)->has_addr);
  close_transport(12);
  drain_events();
}

/* A check that passed names the address; a spoofed source with bad credentials cannot move it,
 * and DTLS or SRTP from another address is never answered. */

/* RFC 5389 7.3.1: a connectivity check with the right credentials but an unknown
 * comprehension-required attribute is answered 420 Unknown Attribute, listing it, with
 * MESSAGE-INTEGRITY keyed by the transport's password and FINGERPRINT. It is not a successful
 * check: the transport learns no address from it. Unknown optional attributes change nothing. */
static void test_unknown_required_attribute_gets_420(void **state) {
  (void)state;
  peer a;
  peer_new(&a, 1, 15, "127.0.0.1", 50015);
  char user[64];
  snprintf(user, sizeof user, "%s:%s", a.ufrag, a.peer_ufrag);
  const uint8_t tid[STUN_TID_LEN] = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2};
  uint8_t attrs[64], req[512], resp[UDP_SEND_ROOM];
  size_t alen = 0, rlen = 0;
  uint32_t prio = htonl(0x6e7f00ffu);
  stun_test_attr(attrs, &alen, STUN_ATTR_PRIORITY, &prio, 4);
  stun_test_attr(attrs, &alen, STUN_ATTR_USE_CANDIDATE, NULL, 0);
  stun_test_attr(attrs, &alen, 0x0003, "\0\0\0\x06", 4); /* CHANGE-REQUEST: not an ICE attribute */
  stun_test_attr(attrs, &alen, 0x8123, "opt!", 4);       /* optional: ignored */
  deliver(&a.addr, req, stun_test_request(req, tid, user, attrs, alen, a.pwd));
  assert_int_equal(sent_to(&a.addr, resp, &rlen), 1);
  stun_msg m;
  assert_int_equal(stun_parse(resp, rlen, &m), STUN_OK);
  assert_int_equal(m.cls, STUN_CLASS_ERROR);
  assert_int_equal(m.error_code, 420);
  assert_memory_equal(m.tid, tid, STUN_TID_LEN);
  assert_non_null(m.unknown_attributes);
  assert_int_equal(m.unknown_attributes_len, 2);
  assert_int_equal(m.unknown_attributes[0] << 8 | m.unknown_attributes[1], 0x0003);
  assert_true(stun_verify_integrity(resp, rlen, &m, a.pwd, strlen(a.pwd)));
  assert_true(stun_verify_fingerprint(resp, rlen, &m));
  assert_false(m.has_xor_mapped);
  transport *t = transport_by_id(&W.s, 15);
  assert_false(t->has_addr); /* a failed check teaches no address */
  assert_null(transport_by_addr(&W.s, &a.addr));
  assert_int_equal(C(&W.counters.dropped[DROP_BAD_STUN]), 1);

  /* The same with a wrong password: no answer at all (the request is not authentic). */
  deliver(&a.addr, req, stun_test_request(req, tid, user, attrs, alen, "not-the-password"));
  assert_int_equal(sent_to(NULL, NULL, NULL), 0);
  assert_int_equal(C(&W.counters.dropped[DROP_BAD_STUN]), 2);

  /* Only the optional one: an ordinary success. */
  alen = 0;
  stun_test_attr(attrs, &alen, STUN_ATTR_PRIORITY, &prio, 4);
  stun_test_attr(attrs, &alen, 0x8123, "opt!", 4);
  deliver(&a.addr, req, stun_test_request(req, tid, user, attrs, alen, a.pwd));
  assert_int_equal(sent_to(&a.addr, resp, &rlen), 1);
  assert_int_equal(stun_parse(resp, rlen, &m), STUN_OK);
  assert_int_equal(m.cls, STUN_CLASS_SUCCESS);
  assert_true(t->has_addr);
  close_transport(15);
  drain_events();
}

static void test_no_sending_to_unchecked_address(void **state) {
  (void)state;
  peer a;
  peer_new(&a, 1, 13, "127.0.0.1", 50013);
  peer_connect(&a);
  struct sockaddr_storage victim = addr_of("127.0.0.9", 9);
  uint8_t buf[512];
  size_t n = stun_check(buf, a.ufrag, a.peer_ufrag, "guessed-password-000000", true);
  deliver(&victim, buf, n);
  buf[0] = 22;
  deliver(&victim, buf, 100); /* a ClientHello-looking record */
  buf[0] = 0x80;
  deliver(&victim, buf, 100);
  assert_int_equal(sent_to(&victim, NULL, NULL), 0);
  transport *t = transport_by_id(&W.s, 13);
  assert_true(same_addr(&t->addr, &a.addr));
  /* The keyframe request for a new consumer goes to the checked address only. */
  add_producer(&a, 130, MEDIA_VIDEO, 0x1300, 96, 0, 0);
  sfu_handle_cmd(&W.s, &(media_cmd){.type = MC_KEYFRAME, .producer_id = 130});
  assert_int_equal(sent_to(&victim, NULL, NULL), 0);
  close_transport(13);
  drain_events();
  peer_free(&a);
}

/* ICE-TCP paths (sfu_on_tcp_frame): a valid check on a TCP connection names that connection
 * the transport's path (the answer goes to the connection, not the UDP batch); DTLS or media on
 * another connection, or on one that named no transport, is dropped; USE-CANDIDATE on UDP
 * moves the path to UDP and back on TCP; a closed connection takes the path with it. */
static void test_tcp_path(void **state) {
  (void)state;
  peer a;
  peer_new(&a, 1, 21, "127.0.0.1", 50021);
  struct sockaddr_storage tcp_from = addr_of("127.0.0.1", 41021);
  uint8_t buf[512];
  size_t n = stun_check(buf, a.ufrag, a.peer_ufrag, a.pwd, false);
  assert_int_equal(sfu_on_tcp_frame(&W.s, buf, n, &tcp_from, 7, 0), 21);
  transport *t = transport_by_id(&W.s, 21);
  assert_true(t->has_addr);
  assert_int_equal(t->tcp_conn, 7);
  assert_int_equal(sent_to(NULL, NULL, NULL), 0); /* answered on the connection, not on UDP */
  assert_null(transport_by_addr(&W.s, &tcp_from));
  /* A check with bad credentials names nothing. */
  n = stun_check(buf, a.ufrag, a.peer_ufrag, "not-the-password-at-all", true);
  assert_int_equal(sfu_on_tcp_frame(&W.s, buf, n, &tcp_from, 8, 0), 0);
  assert_int_equal(t->tcp_conn, 7);
  /* DTLS on another connection (even one claiming transport 21), or on none: dropped. */
  uint64_t unknown = C(&W.counters.dropped[DROP_UNKNOWN_ADDRESS]);
  memset(buf, 0, sizeof buf);
  buf[0] = 22;
  assert_int_equal(sfu_on_tcp_frame(&W.s, buf, 100, &tcp_from, 8, 21), 21);
  assert_int_equal(sfu_on_tcp_frame(&W.s, buf, 100, &tcp_from, 9, 0), 0);
  buf[0] = 0x80;
  sfu_on_tcp_frame(&W.s, buf, 100, &tcp_from, 8, 21);
  assert_int_equal(C(&W.counters.dropped[DROP_UNKNOWN_ADDRESS]), unknown + 3);
  /* Nominated over UDP: the path moves there and UDP answers flow. */
  assert_int_equal(check_from(&a, &a.addr, true), 1);
  assert_int_equal(t->tcp_conn, 0);
  assert_true(t->has_addr && same_addr(&t->addr, &a.addr));
  assert_ptr_equal(transport_by_addr(&W.s, &a.addr), t);
  /* A check without USE-CANDIDATE on TCP does not take it back; one with it does. */
  n = stun_check(buf, a.ufrag, a.peer_ufrag, a.pwd, false);
  sfu_on_tcp_frame(&W.s, buf, n, &tcp_from, 7, 21);
  assert_int_equal(t->tcp_conn, 0);
  n = stun_check(buf, a.ufrag, a.peer_ufrag, a.pwd, true);
  sfu_on_tcp_frame(&W.s, buf, n, &tcp_from, 7, 21);
  assert_int_equal(t->tcp_conn, 7);
  assert_null(transport_by_addr(&W.s, &a.addr)); /* UDP no longer reaches the transport */
  /* Another connection closing changes nothing; its own closing takes the path. */
  sfu_on_tcp_closed(&W.s, 21, 8);
  assert_true(t->has_addr);
  sfu_on_tcp_closed(&W.s, 21, 7);
  assert_false(t->has_addr);
  assert_int_equal(t->tcp_conn, 0);
  sfu_on_tcp_closed(&W.s, 999, 7); /* a transport that is gone: nothing */
  close_transport(21);
  drain_events();
}

/* Room 1: publisher P, subscriber S. Room 2: Q. Q's packets naming P's SSRC reach nobody; a
 * packet sent "from" P's address but keyed by Q fails SRTP. P's own packets reach S, rewritten,
 * across a sequence-number wrap. */
static void test_no_injection_into_other_room(void **state) {
  (void)state;
  peer p, s, q;
  peer_new(&p, 1, 21, "127.0.0.1", 50021);
  peer_new(&s, 1, 22, "127.0.0.1", 50022);
  peer_new(&q, 2, 23, "127.0.0.1", 50023);
  peer_connect(&p);
  peer_connect(&s);
  peer_connect(&q);
  add_producer(&p, 210, MEDIA_VIDEO, 0xAAAA0001, 96, 0, 0);
  add_consumer(&s, 220, 210, MEDIA_VIDEO, 0x5550001, 100, 0, 0);
  W.udp.out.count = 0;
  uint8_t buf[UDP_SEND_ROOM];
  uint32_t ssrc = 0;
  uint16_t seq = 0, first = 0;
  uint8_t pt = 0;

  /* Positive control: P's keyframe at seq 65534 reaches S under S's SSRC and payload type. */
  deliver(&p.addr, buf, make_rtp(&p, buf, 96, 0xAAAA0001, 65534, true));
  assert_int_equal(rtp_received(&s, &ssrc, &first, &pt), 1);
  assert_int_equal(ssrc, 0x5550001);
  assert_int_equal(pt, 100);
  /* ... and the sequence stays consecutive across the publisher's wrap 65535 -> 0 -> 1. */
  for (uint16_t i = 1; i <= 3; i++) {
    deliver(&p.addr, buf, make_rtp(&p, buf, 96, 0xAAAA0001, (uint16_t)(65534 + i), false));
    assert_int_equal(rtp_received(&s, NULL, &seq, NULL), 1);
    assert_int_equal(seq, (uint16_t)(first + i));
  }
  uint64_t forwarded = C(&W.counters.rtp_forwarded);

  /* Q (room 2) sends media naming P's SSRC: no producer of Q's transport has it. */
  deliver(&q.addr, buf, make_rtp(&q, buf, 96, 0xAAAA0001, 2, true));
  assert_int_equal(C(&W.counters.dropped[DROP_UNKNOWN_SSRC]), 1);
  /* Q spoofs P's address: its keys are not P's. */
  deliver(&p.addr, buf, make_rtp(&q, buf, 96, 0xAAAA0001, 3, true));
  assert_int_equal(C(&W.counters.dropped[DROP_UNPROTECT]), 1);
  /* A replay of P's own packet is refused too. */
  size_t n = make_rtp(&p, buf, 96, 0xAAAA0001, 4, false);
  uint8_t again[UDP_SEND_ROOM];
  memcpy(again, buf, n);
  deliver(&p.addr, buf, n);
  assert_int_equal(rtp_received(&s, NULL, NULL, NULL), 1);
  deliver(&p.addr, again, n);
  assert_int_equal(C(&W.counters.dropped[DROP_UNPROTECT]), 2);
  assert_int_equal(rtp_received(&s, NULL, NULL, NULL), 0);
  assert_int_equal(rtp_received(&q, NULL, NULL, NULL), 0);
  assert_int_equal(C(&W.counters.rtp_forwarded), forwarded + 1);

  close_transport(21);
  close_transport(22);
  close_transport(23);
  drain_events();
  peer_free(&p);
  peer_free(&s);
  peer_free(&q);
}

/* Closed events seen so far (the mailbox is drained into this log). */
static media_event closed_log[64];
static int n_closed;

static bool closed_event(uint32_t id, media_close_reason *why) {
  media_event ev;
  while (next_event(&ev))
    if (ev.type == ME_TRANSPORT_CLOSED && n_closed < 64) closed_log[n_closed++] = ev;
  for (int i = 0; i < n_closed; i++)
    if (closed_log[i].transport_id == id) {
      *why = closed_log[i].reason;
      return true;
    }
  return false;
}

/* RFC 6347 4.1.2.7: a malformed DTLS record from a participant's verified address is dropped,
 * and its media goes on. Before the fix, a record of the current epoch shorter than the AES-GCM
 * overhead made OpenSSL end the association, and the worker closed the transport
 * (media_failed). Garbage, truncated, short and forged records are sent from the publisher's
 * own address between media packets; every packet still reaches the subscriber, nothing is
 * closed, and no alert goes back. */
static void test_malformed_dtls_from_peer_dropped(void **state) {
  (void)state;
  peer p, s;
  peer_new(&p, 1, 41, "127.0.0.1", 50041);
  peer_new(&s, 1, 42, "127.0.0.1", 50042);
  peer_connect(&p);
  peer_connect(&s);
  add_producer(&p, 410, MEDIA_VIDEO, 0xBBBB0001, 96, 0, 0);
  add_consumer(&s, 420, 410, MEDIA_VIDEO, 0x6660001, 100, 0, 0);
  W.udp.out.count = 0;
  uint8_t buf[UDP_SEND_ROOM], junk[300];
  deliver(&p.addr, buf, make_rtp(&p, buf, 96, 0xBBBB0001, 1, true));
  assert_int_equal(rtp_received(&s, NULL, NULL, NULL), 1);
  uint32_t x = 99;
  for (int i = 0; i < 200; i++) {
    size_t body = (size_t)(i % 40), len = 13 + body;
    for (size_t j = 0; j < sizeof junk; j++) junk[j] = (uint8_t)(x = x * 1103515245u + 12345u);
    junk[0] = (uint8_t)(20 + i % 44);                                /* any DTLS content type */
    junk[1] = 0xfe, junk[2] = 0xfd;                                  /* DTLS 1.2 */
    junk[3] = 0, junk[4] = (uint8_t)(i % 3);                         /* epochs 0, 1 (the live one), 2 */
    junk[11] = 0, junk[12] = (uint8_t)(body + (i % 5 == 4 ? 7 : 0)); /* some truncated */
    deliver(&p.addr, junk, len);
    deliver(&p.addr, buf, make_rtp(&p, buf, 96, 0xBBBB0001, (uint16_t)(2 + i), false));
    if (rtp_received(&s, NULL, NULL, NULL) != 1) fail_msg("media stopped after DTLS garbage #%d", i);
  }
  media_close_reason why;
  assert_false(closed_event(41, &why));
  assert_false(closed_event(42, &why));
  transport *t = transport_by_id(&W.s, 41);
  assert_non_null(t);
  assert_true(t->connected);
  assert_false(t->closing);
  assert_int_equal(count_to(&p.addr), 0); /* no alert, nothing at all back to the publisher */
  close_transport(41);
  close_transport(42);
  drain_events();
  peer_free(&p);
  peer_free(&s);
}

static void test_consent_freshness(void **state) {
  (void)state;
  peer a, never;
  peer_new(&a, 1, 31, "127.0.0.1", 50031);
  peer_new(&never, 1, 32, "127.0.0.1", 50032);
  peer_connect(&a);
  media_close_reason why = MEDIA_CLOSE_REQUESTED;
  /* Checks every 20 s keep it alive well past 30 s. */
  for (int i = 0; i < 3; i++) {
    W.s.now_ms += 20000;
    assert_int_equal(check_from(&a, &a.addr, false), 1);
    sfu_tick(&W.s);
  }
  assert_false(closed_event(31, &why));
  /* The one that never completed ICE is closed 30 s after it was created. */
  assert_true(closed_event(32, &why));
  assert_int_equal(why, MEDIA_CLOSE_ICE_TIMEOUT);
  /* Unauthenticated Binding indications from its address do not count as consent. */
  uint8_t ind[20] = {0x00, 0x11, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  W.s.now_ms += 29000;
  deliver(&a.addr, ind, sizeof ind);
  sfu_tick(&W.s);
  assert_false(closed_event(31, &why));
  W.s.now_ms += 1001;
  sfu_tick(&W.s);
  assert_true(closed_event(31, &why));
  assert_int_equal(why, MEDIA_CLOSE_CONSENT_EXPIRED);
  /* From then on nothing is sent to it, and its packets are strangers'. */
  uint8_t buf[UDP_SEND_ROOM];
  deliver(&a.addr, buf, make_rtp(&a, buf, 96, 0x3100, 1, true));
  assert_int_equal(C(&W.counters.dropped[DROP_UNKNOWN_ADDRESS]), 1);
  sfu_tick(&W.s); /* frees the closed transports */
  assert_int_equal(sent_to(&a.addr, NULL, NULL), 0);
  assert_null(transport_by_id(&W.s, 31));
  assert_null(transport_by_id(&W.s, 32));
  assert_int_equal(C(&W.counters.transports), 0);
  drain_events();
  peer_free(&a);
}

/* An ICE restart: new credentials, the old refused, the new address takes over, SRTP goes on. */
static void test_ice_restart(void **state) {
  (void)state;
  peer p, s;
  peer_new(&p, 1, 41, "127.0.0.1", 50041);
  peer_new(&s, 1, 42, "127.0.0.1", 50042);
  peer_connect(&p);
  peer_connect(&s);
  add_producer(&p, 410, MEDIA_VIDEO, 0x4100, 96, 0, 0);
  add_consumer(&s, 420, 410, MEDIA_VIDEO, 0x4200, 96, 0, 0);
  uint8_t buf[UDP_SEND_ROOM];
  deliver(&p.addr, buf, make_rtp(&p, buf, 96, 0x4100, 100, true));
  assert_int_equal(rtp_received(&s, NULL, NULL, NULL), 1);

  /* The subscriber's network changed: new credentials on both sides. */
  peer old = s;
  media_cmd cmd;
  memset(&cmd, 0, sizeof cmd);
  cmd.type = MC_ICE_RESTART;
  cmd.transport_id = 42;
  snprintf(s.ufrag, sizeof s.ufrag, "srvNEW");
  snprintf(s.pwd, sizeof s.pwd, "new-server-password-42");
  snprintf(s.peer_ufrag, sizeof s.peer_ufrag, "brwNEW");
  snprintf(cmd.u.transport.local_ufrag, MEDIA_UFRAG_MAX, "%s", s.ufrag);
  snprintf(cmd.u.transport.local_pwd, MEDIA_PWD_MAX, "%s", s.pwd);
  snprintf(cmd.u.transport.remote_ufrag, MEDIA_UFRAG_MAX, "%s", s.peer_ufrag);
  sfu_handle_cmd(&W.s, &cmd);
  struct sockaddr_storage moved = addr_of("127.0.0.1", 50142);
  /* The old credentials no longer work, from anywhere. */
  uint64_t bad = C(&W.counters.dropped[DROP_BAD_STUN]);
  assert_int_equal(check_from(&old, &moved, true), 0);
  assert_int_equal(check_from(&old, &old.addr, true), 0);
  assert_int_equal(C(&W.counters.dropped[DROP_BAD_STUN]), bad + 2);
  /* The new ones do, from the new address, which takes over at once. */
  assert_int_equal(check_from(&s, &moved, true), 1);
  s.addr = moved;
  deliver(&p.addr, buf, make_rtp(&p, buf, 96, 0x4100, 101, false));
  assert_int_equal(count_to(&old.addr), 0);
  assert_int_equal(rtp_received(&s, NULL, NULL, NULL), 1);
  /* The subscriber's RTCP from the new address is read with the same SRTP keys. */
  uint8_t pli[256]; /* room for libsrtp's largest trailer */
  int n = rtcp_build_pli(pli, sizeof pli, 0x4242, 0x4200);
  assert_true(n > 0);
  assert_int_equal(srtp_pair_protect_rtcp(s.srtp, pli, &n, sizeof pli), 0);
  uint64_t plis = C(&W.counters.plis_received);
  deliver(&moved, pli, (size_t)n);
  assert_int_equal(C(&W.counters.plis_received), plis + 1);
  /* The old address is a stranger now. */
  deliver(&old.addr, buf, 100);
  assert_int_equal(sent_to(&old.addr, NULL, NULL), 0);
  close_transport(41);
  close_transport(42);
  drain_events();
  peer_free(&p);
  peer_free(&s);
}

/* NACKs for a publisher's video losses go upstream; audio (no nack negotiated) gets none; an
 * RTX repair is forwarded to the subscriber with the right sequence number. */
static void test_upstream_nack_and_rtx(void **state) {
  (void)state;
  peer p, s;
  peer_new(&p, 1, 51, "127.0.0.1", 50051);
  peer_new(&s, 1, 52, "127.0.0.1", 50052);
  peer_connect(&p);
  peer_connect(&s);
  add_producer(&p, 510, MEDIA_VIDEO, 0x5100, 96, 0x5101, 97);
  add_producer(&p, 511, MEDIA_AUDIO, 0x5110, 111, 0, 0);
  add_consumer(&s, 520, 510, MEDIA_VIDEO, 0x5200, 96, 0, 0);
  uint8_t buf[UDP_SEND_ROOM];
  uint16_t first = 0, seq = 0;
  deliver(&p.addr, buf, make_rtp(&p, buf, 96, 0x5100, 10, true));
  assert_int_equal(rtp_received(&s, NULL, &first, NULL), 1);
  deliver(&p.addr, buf, make_rtp(&p, buf, 96, 0x5100, 12, false)); /* 11 lost */
  deliver(&p.addr, buf, make_rtp(&p, buf, 111, 0x5110, 500, false));
  deliver(&p.addr, buf, make_rtp(&p, buf, 111, 0x5110, 502, false)); /* 501 lost */
  W.udp.out.count = 0;
  for (int i = 0; i < 10; i++) {
    W.s.now_ms += 20;
    sfu_tick(&W.s);
  }
  /* What reached the publisher: RTCP naming the lost seqs. */
  bool nack_11 = false, nack_501 = false;
  for (int i = 0; i < W.udp.out.count; i++) {
    if (!same_addr(&W.udp.out.addr[i], &p.addr)) continue;
    int n = (int)W.udp.out.iov[i].iov_len;
    uint8_t *b = W.udp.out.buf[i];
    if (!rtp_is_rtcp(b, (size_t)n) || srtp_pair_unprotect_rtcp(p.srtp, b, &n) != 0) continue;
    rtcp_iter it;
    rtcp_header h;
    rtcp_iter_init(&it, b, (size_t)n);
    while (rtcp_iter_next(&it, &h) == 1) {
      rtcp_fb fb;
      if (h.pt != RTCP_RTPFB || h.count != RTCP_RTPFB_NACK || rtcp_parse_fb(&h, &fb) != 0) continue;
      uint16_t seqs[32];
      int k = rtcp_nack_expand(&fb, seqs, 32);
      for (int j = 0; j < k; j++) {
        nack_11 |= fb.media_ssrc == 0x5100 && seqs[j] == 11;
        nack_501 |= fb.media_ssrc == 0x5110 && seqs[j] == 501;
      }
    }
  }
  W.udp.out.count = 0;
  assert_true(nack_11);
  assert_false(nack_501);
  assert_true(C(&W.counters.nacked_seqs) >= 1);
  /* The publisher repairs 11 with RTX (OSN in the payload): the subscriber gets it as first+1. */
  uint8_t plain[200];
  memset(plain, 0, 12);
  plain[0] = 0x80;
  plain[1] = 96;
  rtp_set_seq(plain, 11);
  rtp_set_ts(plain, 33000);
  rtp_set_ssrc(plain, 0x5100);
  plain[12] = 0x10;
  plain[13] = 0x01;
  memset(plain + 14, 0xcd, 100);
  int n = rtp_rtx_encap(buf, sizeof buf, plain, 114, 97, 0x5101, 7);
  assert_true(n > 0);
  assert_int_equal(srtp_pair_protect_rtp(p.srtp, buf, &n, UDP_SEND_ROOM), 0);
  deliver(&p.addr, buf, (size_t)n);
  assert_int_equal(rtp_received(&s, NULL, &seq, NULL), 1);
  assert_int_equal(seq, (uint16_t)(first + 1));
  assert_int_equal(C(&W.counters.rtx_received), 1);
  close_transport(51);
  close_transport(52);
  drain_events();
  peer_free(&p);
  peer_free(&s);
}

/* A VP8 packet of a simulcast encoding: one-byte header extensions (mid id 9 = "0" and, when
 * rid is not NULL, rid id 10), a descriptor with a 15-bit PictureID. */
static size_t make_sim_rtp(peer *keys_of, uint8_t *out, uint32_t ssrc, uint16_t seq, uint16_t pid, bool key,
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
  int n = (int)p + 60;
  assert_int_equal(srtp_pair_protect_rtp(keys_of->srtp, out, &n, UDP_SEND_ROOM), 0);
  return (size_t)n;
}

/* rtp_received(), also giving the VP8 PictureID (15-bit) of the last packet. */
static int sim_received(peer *to, uint32_t *ssrc, uint16_t *seq, uint16_t *pid) {
  int got = 0;
  for (int i = 0; i < W.udp.out.count; i++) {
    if (!same_addr(&W.udp.out.addr[i], &to->addr)) continue;
    uint8_t *b = W.udp.out.buf[i];
    int n = (int)W.udp.out.iov[i].iov_len;
    if (rtp_is_rtcp(b, (size_t)n)) continue;
    assert_int_equal(srtp_pair_unprotect_rtp(to->srtp, b, &n), 0);
    rtp_packet rp;
    assert_int_equal(rtp_parse(b, (size_t)n, &rp), 0);
    got++;
    *ssrc = rtp_get_ssrc(b);
    *seq = rtp_get_seq(b);
    *pid = (uint16_t)((rp.payload[2] & 0x7f) << 8 | rp.payload[3]);
  }
  W.udp.out.count = 0;
  return got;
}

/* rid simulcast: the worker binds each encoding's SSRC from the RID extension of its first
 * packets (and keeps the binding when the extension stops), a consumer forwards the highest
 * encoding that carries media, switches only at a key frame of the new one, and the subscriber
 * sees one stream: one SSRC, consecutive sequence numbers, consecutive PictureIDs. A rid nobody
 * announced binds nothing. */
static void test_simulcast_rid_binding_and_switch(void **state) {
  (void)state;
  peer p, s;
  peer_new(&p, 1, 61, "127.0.0.1", 50061);
  peer_new(&s, 1, 62, "127.0.0.1", 50062);
  peer_connect(&p);
  peer_connect(&s);
  media_cmd cmd;
  memset(&cmd, 0, sizeof cmd);
  cmd.type = MC_PRODUCER_ADD;
  cmd.transport_id = p.transport_id;
  cmd.producer_id = 610;
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
  sfu_handle_cmd(&W.s, &cmd);
  producer *pr = producer_by_id(&W.s, 610);
  assert_non_null(pr);
  assert_true(pr->simulcast);
  assert_int_equal(pr->n_enc, 3);
  add_consumer(&s, 620, 610, MEDIA_VIDEO, 0x6200, 96, 0, 0);
  uint8_t buf[UDP_SEND_ROOM];
  W.udp.out.count = 0;

  /* An unannounced rid: unknown SSRC, nothing bound. */
  deliver(&p.addr, buf, make_sim_rtp(&p, buf, 0xEEEE, 1, 1, true, "x"));
  assert_int_equal(C(&W.counters.dropped[DROP_UNKNOWN_SSRC]), 1);
  /* q and f announce themselves; the consumer aims at f (the highest): q's key frame is not
   * forwarded, f's is. */
  deliver(&p.addr, buf, make_sim_rtp(&p, buf, 0xA000, 100, 500, true, "q"));
  assert_int_equal(pr->enc[0].ssrc, 0xA000);
  assert_int_equal(rtp_received(&s, NULL, NULL, NULL), 0);
  deliver(&p.addr, buf, make_sim_rtp(&p, buf, 0xC000, 7000, 20000, true, "f"));
  assert_int_equal(pr->enc[2].ssrc, 0xC000);
  uint32_t ssrc = 0;
  uint16_t seq0 = 0, seq = 0, pid0 = 0, pid = 0;
  assert_int_equal(sim_received(&s, &ssrc, &seq0, &pid0), 1);
  assert_int_equal(ssrc, 0x6200);
  /* Bound: later packets need no RID; q's are never forwarded. */
  deliver(&p.addr, buf, make_sim_rtp(&p, buf, 0xA000, 101, 501, false, NULL));
  deliver(&p.addr, buf, make_sim_rtp(&p, buf, 0xC000, 7001, 20001, false, NULL));
  assert_int_equal(sim_received(&s, &ssrc, &seq, &pid), 1);
  assert_int_equal(pid, (uint16_t)(pid0 + 1));
  assert_int_equal(seq, (uint16_t)(seq0 + 1));
  /* f stops (Chrome drops its top layer): after a second the consumer follows q, at q's next
   * key frame; the numbering continues. */
  for (int i = 0; i < 60; i++) {
    W.s.now_ms += 20;
    sfu_tick(&W.s);
    deliver(&p.addr, buf,
            make_sim_rtp(&p, buf, 0xA000, (uint16_t)(102 + i), (uint16_t)(502 + i), false, NULL));
  }
  assert_int_equal(rtp_received(&s, NULL, NULL, NULL), 0);
  deliver(&p.addr, buf, make_sim_rtp(&p, buf, 0xA000, 200, 600, true, NULL));
  assert_int_equal(sim_received(&s, &ssrc, &seq, &pid), 1);
  assert_int_equal(pid, (uint16_t)(pid0 + 2));
  assert_int_equal(ssrc, 0x6200);
  assert_int_equal(seq, (uint16_t)(seq0 + 2));
  assert_int_equal(consumer_by_id(&W.s, 620)->switches, 1);
  close_transport(61);
  close_transport(62);
  drain_events();
  peer_free(&p);
  peer_free(&s);
}

/* Leaving: when the last transport of a room closes, no object of it remains. */
static void test_clean_close_releases_everything(void **state) {
  (void)state;
  peer p, s;
  peer_new(&p, 7, 61, "127.0.0.1", 50061);
  peer_new(&s, 7, 62, "127.0.0.1", 50062);
  peer_connect(&p);
  peer_connect(&s);
  add_producer(&p, 610, MEDIA_VIDEO, 0x6100, 96, 0, 0);
  add_producer(&p, 611, MEDIA_AUDIO, 0x6110, 111, 0, 0);
  add_consumer(&s, 620, 610, MEDIA_VIDEO, 0x6200, 96, 0, 0);
  add_consumer(&s, 621, 611, MEDIA_AUDIO, 0x6210, 111, 0, 0);
  assert_int_equal(C(&W.counters.routers), 1);
  assert_int_equal(C(&W.counters.transports), 2);
  assert_int_equal(C(&W.counters.producers), 2);
  assert_int_equal(C(&W.counters.consumers), 2);
  drain_events();
  W.udp.out.count = 0; /* the keyframe requests for the new consumers */
  /* The publisher goes first: its consumers' producer links are cleared, then the subscriber. */
  close_transport(61);
  assert_int_equal(C(&W.counters.producers), 0);
  assert_int_equal(C(&W.counters.consumers), 2);
  uint8_t buf[UDP_SEND_ROOM];
  memset(buf, 0, sizeof buf);
  buf[0] = 0x80;
  deliver(&p.addr, buf, 100);
  assert_int_equal(C(&W.counters.dropped[DROP_UNKNOWN_ADDRESS]), 1);
  assert_int_equal(sent_to(NULL, NULL, NULL), 0);
  close_transport(62);
  media_event ev;
  bool released = false;
  while (next_event(&ev)) released |= ev.type == ME_ROOM_RELEASED && ev.room_id == 7;
  assert_true(released);
  assert_int_equal(C(&W.counters.routers), 0);
  assert_int_equal(C(&W.counters.transports), 0);
  assert_int_equal(C(&W.counters.producers), 0);
  assert_int_equal(C(&W.counters.consumers), 0);
  peer_free(&p);
  peer_free(&s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_unknown_address_dropped, setup, teardown),
      cmocka_unit_test_setup_teardown(test_bad_stun_credentials_dropped, setup, teardown),
      cmocka_unit_test_setup_teardown(test_unknown_required_attribute_gets_420, setup, teardown),
      cmocka_unit_test_setup_teardown(test_no_sending_to_unchecked_address, setup, teardown),
      cmocka_unit_test_setup_teardown(test_no_injection_into_other_room, setup, teardown),
      cmocka_unit_test_setup_teardown(test_consent_freshness, setup, teardown),
      cmocka_unit_test_setup_teardown(test_malformed_dtls_from_peer_dropped, setup, teardown),
      cmocka_unit_test_setup_teardown(test_ice_restart, setup, teardown),
      cmocka_unit_test_setup_teardown(test_upstream_nack_and_rtx, setup, teardown),
      cmocka_unit_test_setup_teardown(test_clean_close_releases_everything, setup, teardown),
      cmocka_unit_test_setup_teardown(test_simulcast_rid_binding_and_switch, setup, teardown),
      cmocka_unit_test_setup_teardown(test_tcp_path, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
