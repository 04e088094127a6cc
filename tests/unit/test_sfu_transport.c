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
 * an ICE restart takes new credentials, refuses the old ones and moves media to the new address
 * without a new DTLS handshake; closing every transport leaves no object (counters 0, ME_ROOM_RELEASED); an
 * ICE-TCP connection becomes the path only through a valid check on it, and only its own frames reach DTLS
 * and SRTP. Runs under ASan/UBSan with leak checks. */
#include "sfu_test_support.h"

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

/* How many RTP packets the batch holds for `to`, each decrypted with its keys and checked to
 * carry `ssrc`; the batch is kept (several subscribers are read from one batch). */
static int rtp_to(peer *to, uint32_t ssrc) {
  int got = 0;
  for (int i = 0; i < W.udp.out.count; i++) {
    if (!same_addr(&W.udp.out.addr[i], &to->addr)) continue;
    uint8_t b[UDP_SEND_ROOM];
    int n = (int)W.udp.out.iov[i].iov_len;
    memcpy(b, W.udp.out.buf[i], (size_t)n);
    if (rtp_is_rtcp(b, (size_t)n)) continue;
    assert_int_equal(srtp_pair_unprotect_rtp(to->srtp, b, &n), 0);
    assert_int_equal(rtp_get_ssrc(b), ssrc);
    got++;
  }
  return got;
}

/* The fan-out with its cache look-ahead (rooms/fanout.c) reaches every consumer of a producer
 * exactly once, whatever the list's length (0, 1, 2, 3 and more: the look-ahead's edges), also
 * after consumers in its middle and at its ends left. */
static void test_fanout_reaches_every_consumer(void **state) {
  (void)state;
  enum { SUBS = 7 };
  peer p, sub[SUBS];
  bool open[SUBS];
  peer_new(&p, 1, 40, "127.0.0.1", 50040);
  peer_connect(&p);
  add_producer(&p, 400, MEDIA_VIDEO, 0xFA000001, 96, 0, 0);
  uint8_t buf[UDP_SEND_ROOM];
  uint16_t seq = 1;
  /* No consumer yet: the packet goes nowhere. */
  W.udp.out.count = 0;
  deliver(&p.addr, buf, make_rtp(&p, buf, 96, 0xFA000001, seq++, true));
  assert_int_equal(W.udp.out.count, 0);
  for (int k = 0; k < SUBS; k++) {
    peer_new(&sub[k], 1, (uint32_t)(41 + k), "127.0.0.1", (uint16_t)(50041 + k));
    peer_connect(&sub[k]);
    add_consumer(&sub[k], (uint32_t)(410 + k), 400, MEDIA_VIDEO, 0x5A000000u + (uint32_t)k, 100, 0, 0);
    open[k] = true;
    W.udp.out.count = 0;
    /* key frames, so that every new consumer starts at once */
    deliver(&p.addr, buf, make_rtp(&p, buf, 96, 0xFA000001, seq++, true));
    for (int j = 0; j <= k; j++) assert_int_equal(rtp_to(&sub[j], 0x5A000000u + (uint32_t)j), 1);
    assert_int_equal(W.udp.out.count, k + 1);
  }
  /* Subscribers leave from the middle, the list's head (the newest) and its tail (the oldest). */
  int leave[] = {3, 6, 0, 4, 1};
  for (size_t l = 0; l < sizeof leave / sizeof leave[0]; l++) {
    close_transport((uint32_t)(41 + leave[l]));
    open[leave[l]] = false;
    W.udp.out.count = 0;
    for (int r = 0; r < 2; r++) deliver(&p.addr, buf, make_rtp(&p, buf, 96, 0xFA000001, seq++, r == 0));
    int expect = 0;
    for (int j = 0; j < SUBS; j++) {
      assert_int_equal(rtp_to(&sub[j], 0x5A000000u + (uint32_t)j), open[j] ? 2 : 0);
      expect += open[j] ? 2 : 0;
    }
    assert_int_equal(W.udp.out.count, expect);
  }
  W.udp.out.count = 0;
  close_transport(40);
  for (int k = 0; k < SUBS; k++)
    if (open[k]) close_transport((uint32_t)(41 + k));
  drain_events();
  peer_free(&p);
  for (int k = 0; k < SUBS; k++) peer_free(&sub[k]);
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
      cmocka_unit_test_setup_teardown(test_fanout_reaches_every_consumer, setup, teardown),
      cmocka_unit_test_setup_teardown(test_no_injection_into_other_room, setup, teardown),
      cmocka_unit_test_setup_teardown(test_consent_freshness, setup, teardown),
      cmocka_unit_test_setup_teardown(test_malformed_dtls_from_peer_dropped, setup, teardown),
      cmocka_unit_test_setup_teardown(test_ice_restart, setup, teardown),
      cmocka_unit_test_setup_teardown(test_clean_close_releases_everything, setup, teardown),
      cmocka_unit_test_setup_teardown(test_tcp_path, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
