/* Unit tests of forwarding in a media worker (rooms/producer.c, consumer.c, router.c), driven
 * in-process as tests/unit/test_sfu_transport.c does (tests/unit/sfu_test_support.h): forwarding
 * rewrites SSRC, payload type and a wrapping sequence number; NACKs go upstream for video losses
 * only and RTX repairs reach the subscriber; a subscriber's NACK the server can no longer answer
 * asks the publisher for a key frame; a simulcast publisher's encodings bind to their rid
 * from the RID header extension and a consumer moves between them at a key frame with sequence
 * number and VP8 PictureID continuous (issue 11). Runs under ASan/UBSan with leak checks. */
#include "sfu_test_support.h"

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
  /* Packets the server holds already are not forwarded again: the same retransmission twice,
   * and a retransmission of 12 (its original came: the NACK was outrun); a copy of 10 never
   * gets past SRTP's replay window. The
   * subscriber's SRTP would drop each second copy as a replay before its transport-cc feedback
   * saw it, and the estimator read it as a lost packet. */
  deliver(&p.addr, buf, make_rtp(&p, buf, 96, 0x5100, 13, false));
  assert_int_equal(rtp_received(&s, NULL, &seq, NULL), 1);
  n = rtp_rtx_encap(buf, sizeof buf, plain, 114, 97, 0x5101, 8); /* 11 again */
  assert_int_equal(srtp_pair_protect_rtp(p.srtp, buf, &n, UDP_SEND_ROOM), 0);
  deliver(&p.addr, buf, (size_t)n);
  rtp_set_seq(plain, 12);
  n = rtp_rtx_encap(buf, sizeof buf, plain, 114, 97, 0x5101, 9);
  assert_int_equal(srtp_pair_protect_rtp(p.srtp, buf, &n, UDP_SEND_ROOM), 0);
  deliver(&p.addr, buf, (size_t)n);
  uint64_t replays = C(&W.counters.dropped[DROP_UNPROTECT]);
  deliver(&p.addr, buf, make_rtp(&p, buf, 96, 0x5100, 10, true)); /* SRTP's replay window first */
  assert_int_equal(rtp_received(&s, NULL, NULL, NULL), 0);
  assert_int_equal(C(&W.counters.dropped[DROP_DUPLICATE]), 2);
  assert_int_equal(C(&W.counters.dropped[DROP_UNPROTECT]), replays + 1);
  deliver(&p.addr, buf, make_rtp(&p, buf, 96, 0x5100, 14, false)); /* and the stream goes on */
  assert_int_equal(rtp_received(&s, NULL, &seq, NULL), 1);
  assert_int_equal(seq, (uint16_t)(first + 4));
  close_transport(51);
  close_transport(52);
  drain_events();
  peer_free(&p);
  peer_free(&s);
}

/* A NACK the server can no longer answer (the packet is older than the retransmission buffer's
 * second) asks the publisher for a key frame at once: Chromium would wait about 3 s without a
 * decodable frame before asking itself (browser_bandwidth_adapt froze 2.6-2.9 s). One it can
 * answer asks nothing. */
static void nack_from(peer *s, uint32_t media_ssrc, uint16_t seq) {
  uint8_t buf[UDP_SEND_ROOM];
  int n = rtcp_build_nack(buf, sizeof buf, 0x1234, media_ssrc, &seq, 1);
  assert_true(n > 0);
  assert_int_equal(srtp_pair_protect_rtcp(s->srtp, buf, &n, UDP_SEND_ROOM), 0);
  deliver(&s->addr, buf, (size_t)n);
}

static void test_unanswerable_nack_asks_keyframe(void **state) {
  (void)state;
  peer p, s;
  peer_new(&p, 1, 53, "127.0.0.1", 50053);
  peer_new(&s, 1, 54, "127.0.0.1", 50054);
  peer_connect(&p);
  peer_connect(&s);
  add_producer(&p, 530, MEDIA_VIDEO, 0x5300, 96, 0x5301, 97);
  add_consumer(&s, 540, 530, MEDIA_VIDEO, 0x5400, 96, 0, 0);
  uint8_t buf[UDP_SEND_ROOM];
  uint16_t old_seq = 0, fresh_seq = 0;
  deliver(&p.addr, buf, make_rtp(&p, buf, 96, 0x5300, 10, true));
  assert_int_equal(rtp_received(&s, NULL, &old_seq, NULL), 1);
  W.s.now_ms += 1500; /* past the buffer's second, and past the key frame asked at the start */
  sfu_tick(&W.s);
  deliver(&p.addr, buf, make_rtp(&p, buf, 96, 0x5300, 11, false));
  assert_int_equal(rtp_received(&s, NULL, &fresh_seq, NULL), 1);
  uint64_t plis = C(&W.counters.plis_sent), resent = C(&W.counters.retransmitted);
  nack_from(&s, 0x5400, fresh_seq);
  assert_int_equal(C(&W.counters.retransmitted), resent + 1);
  assert_int_equal(C(&W.counters.plis_sent), plis);
  assert_int_equal(C(&W.counters.nacks_unanswerable), 0);
  nack_from(&s, 0x5400, old_seq);
  assert_int_equal(C(&W.counters.retransmitted), resent + 1);
  assert_int_equal(C(&W.counters.nacks_unanswerable), 1);
  assert_int_equal(C(&W.counters.plis_sent), plis + 1);
  /* what reached the publisher: a PLI for its video */
  const uint32_t video_ssrc = 0x5300;
  int plis_to_video;
  plis_queued(&p, &video_ssrc, &plis_to_video, 1);
  bool pli = plis_to_video > 0;
  assert_true(pli);
  /* at most once a second per encoding */
  nack_from(&s, 0x5400, old_seq);
  assert_int_equal(C(&W.counters.plis_sent), plis + 1);
  W.udp.out.count = 0;
  close_transport(53);
  close_transport(54);
  drain_events();
  peer_free(&p);
  peer_free(&s);
}

/* make_sim_plain (sfu_test_support.h), SRTP-protected with `keys_of`'s session. */
static size_t make_sim_rtp(peer *keys_of, uint8_t *out, uint32_t ssrc, uint16_t seq, uint16_t pid, bool key,
                           const char *rid) {
  int n = (int)make_sim_plain(out, ssrc, seq, pid, key, rid);
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
 * packets (and keeps the binding when the extension stops), a consumer starts at the first key
 * frame and then forwards the highest encoding that carries media, switches only at a key frame
 * of the new one, and the subscriber
 * sees one stream: one SSRC, consecutive sequence numbers, consecutive PictureIDs. A rid nobody
 * announced binds nothing. */
static void test_simulcast_rid_binding_and_switch(void **state) {
  (void)state;
  peer p, s;
  peer_new(&p, 1, 61, "127.0.0.1", 50061);
  peer_new(&s, 1, 62, "127.0.0.1", 50062);
  peer_connect(&p);
  peer_connect(&s);
  add_simulcast_producer(&p, 610);
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
  /* q and f announce themselves; the consumer aims at f (the highest) but starts at the first
   * key frame that comes (q's), then moves to f at f's. */
  uint32_t ssrc = 0;
  uint16_t seq0 = 0, seq = 0, pid0 = 0, pid = 0;
  deliver(&p.addr, buf, make_sim_rtp(&p, buf, 0xA000, 100, 500, true, "q"));
  assert_int_equal(pr->enc[0].ssrc, 0xA000);
  assert_int_equal(sim_received(&s, &ssrc, &seq0, &pid0), 1);
  deliver(&p.addr, buf, make_sim_rtp(&p, buf, 0xC000, 7000, 20000, true, "f"));
  assert_int_equal(pr->enc[2].ssrc, 0xC000);
  assert_int_equal(sim_received(&s, &ssrc, &seq, &pid), 1);
  assert_int_equal(ssrc, 0x6200);
  assert_int_equal(seq, (uint16_t)(seq0 + 1));
  assert_int_equal(pid, (uint16_t)(pid0 + 1));
  seq0 = seq;
  pid0 = pid;
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
  assert_int_equal(consumer_by_id(&W.s, 620)->switches, 2); /* q -> f -> q */
  close_transport(61);
  close_transport(62);
  drain_events();
  peer_free(&p);
  peer_free(&s);
}

/* A late joiner of a simulcast publisher whose upper encodings stall (Chrome's on a loaded
 * machine: h and f skip for up to 1.4 s while q keeps flowing, and a key frame asked of f takes
 * seconds): the new consumer aims at f, but starts at the first key frame of any encoding (here
 * q's), so the viewer decodes at once, then moves up to f at f's key frame; the subscriber sees
 * one stream throughout. Before, it waited for f's key frame and showed nothing meanwhile
 * (browser_meeting_media: the late joiner decoded after 2.5 to 8 s). */
static void test_late_joiner_starts_on_first_keyframe(void **state) {
  (void)state;
  peer p, s;
  peer_new(&p, 1, 63, "127.0.0.1", 50063);
  peer_new(&s, 1, 64, "127.0.0.1", 50064);
  peer_connect(&p);
  peer_connect(&s);
  add_simulcast_producer(&p, 630);
  uint8_t buf[UDP_SEND_ROOM];
  /* The publisher has been sending all three for a while (nobody watching). */
  deliver(&p.addr, buf, make_sim_rtp(&p, buf, 0xA100, 100, 500, true, "q"));
  deliver(&p.addr, buf, make_sim_rtp(&p, buf, 0xB100, 4000, 9000, true, "h"));
  deliver(&p.addr, buf, make_sim_rtp(&p, buf, 0xC100, 7000, 20000, true, "f"));
  W.s.now_ms += 20;
  /* The late joiner's consumer: it aims at the highest encoding that carries media (f). */
  add_consumer(&s, 640, 630, MEDIA_VIDEO, 0x6400, 96, 0, 0);
  consumer *c = consumer_by_id(&W.s, 640);
  assert_non_null(c);
  assert_int_equal(c->target_enc, 2);
  W.udp.out.count = 0;
  /* Delta frames of q and f: nothing to start on. */
  deliver(&p.addr, buf, make_sim_rtp(&p, buf, 0xA100, 101, 501, false, NULL));
  deliver(&p.addr, buf, make_sim_rtp(&p, buf, 0xC100, 7001, 20001, false, NULL));
  uint32_t ssrc = 0;
  uint16_t seq0 = 0, seq = 0, pid0 = 0, pid = 0;
  assert_int_equal(sim_received(&s, &ssrc, &seq0, &pid0), 0);
  /* q's key frame comes first: the viewer starts on it. */
  W.s.now_ms += 20;
  deliver(&p.addr, buf, make_sim_rtp(&p, buf, 0xA100, 102, 502, true, NULL));
  assert_int_equal(sim_received(&s, &ssrc, &seq0, &pid0), 1);
  assert_int_equal(ssrc, 0x6400);
  assert_int_equal(c->cur_enc, 0);
  assert_int_equal(c->target_enc, 2); /* still aiming higher */
  /* q keeps flowing to the viewer; f's delta frames are not taken. */
  W.s.now_ms += 20;
  deliver(&p.addr, buf, make_sim_rtp(&p, buf, 0xA100, 103, 503, false, NULL));
  deliver(&p.addr, buf, make_sim_rtp(&p, buf, 0xC100, 7002, 20002, false, NULL));
  assert_int_equal(sim_received(&s, &ssrc, &seq, &pid), 1);
  assert_int_equal(seq, (uint16_t)(seq0 + 1));
  assert_int_equal(pid, (uint16_t)(pid0 + 1));
  /* f's key frame: the viewer moves up, numbering continuous; q is no longer forwarded. */
  W.s.now_ms += 20;
  deliver(&p.addr, buf, make_sim_rtp(&p, buf, 0xC100, 7003, 20003, true, NULL));
  deliver(&p.addr, buf, make_sim_rtp(&p, buf, 0xA100, 104, 504, false, NULL));
  assert_int_equal(sim_received(&s, &ssrc, &seq, &pid), 1);
  assert_int_equal(ssrc, 0x6400);
  assert_int_equal(seq, (uint16_t)(seq0 + 2));
  assert_int_equal(pid, (uint16_t)(pid0 + 2));
  assert_int_equal(c->cur_enc, 2);
  assert_int_equal(c->switches, 1);
  close_transport(63);
  close_transport(64);
  drain_events();
  peer_free(&p);
  peer_free(&s);
}

/* A subscriber whose consumers were made before its transport connected (every join: the offer
 * comes first, ICE and DTLS after) gets its key frames asked for when it connects, however soon.
 * A request made when the consumer was made is wasted (the key frame arrives before the viewer
 * can receive it) and, sent less than 300 ms before, it throttled the one that counts: the late
 * joiner waited those 300 ms plus a key frame (browser_meeting_media, 2.3 s in CI). */
static void test_keyframe_asked_when_subscriber_connects(void **state) {
  (void)state;
  peer p, s;
  peer_new(&p, 1, 65, "127.0.0.1", 50065);
  peer_new(&s, 1, 66, "127.0.0.1", 50066);
  peer_connect(&p);
  add_simulcast_producer(&p, 650);
  add_producer(&p, 651, MEDIA_VIDEO, 0x6510, 96, 0, 0); /* a screen share: one encoding */
  uint8_t buf[UDP_SEND_ROOM];
  deliver(&p.addr, buf, make_sim_rtp(&p, buf, 0xA100, 100, 500, true, "q"));
  deliver(&p.addr, buf, make_sim_rtp(&p, buf, 0xB100, 4000, 9000, true, "h"));
  deliver(&p.addr, buf, make_sim_rtp(&p, buf, 0xC100, 7000, 20000, true, "f"));
  W.s.now_ms += 20;
  W.udp.out.count = 0;
  uint64_t before = C(&W.counters.plis_sent);
  add_consumer(&s, 660, 650, MEDIA_VIDEO, 0x6600, 96, 0, 0);
  add_consumer(&s, 661, 651, MEDIA_VIDEO, 0x6610, 96, 0, 0);
  /* Not connected yet: nothing to ask for. */
  assert_int_equal(C(&W.counters.plis_sent), before);
  assert_int_equal(sent_to(&p.addr, NULL, NULL), 0);
  W.s.now_ms += 50;
  /* Connected: each encoding of the simulcast producer is asked (the first key frame of any
   * starts the viewer), and the single-encoding one. */
  peer_connect(&s);
  assert_int_equal(C(&W.counters.plis_sent), before + 4);
  close_transport(65);
  close_transport(66);
  drain_events();
  peer_free(&p);
  peer_free(&s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_upstream_nack_and_rtx, setup, teardown),
      cmocka_unit_test_setup_teardown(test_unanswerable_nack_asks_keyframe, setup, teardown),
      cmocka_unit_test_setup_teardown(test_simulcast_rid_binding_and_switch, setup, teardown),
      cmocka_unit_test_setup_teardown(test_late_joiner_starts_on_first_keyframe, setup, teardown),
      cmocka_unit_test_setup_teardown(test_keyframe_asked_when_subscriber_connects, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
