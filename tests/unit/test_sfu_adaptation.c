/* Unit tests of bandwidth adaptation in a media worker (rooms/sub_bwe.c, layer_control.c,
 * publisher_remb.c), driven in-process as the other SFU tests are (sfu_test_support.h):
 * every RTP packet toward a subscriber that negotiated transport-wide sequence numbers
 * carries consecutive ones, in the order sent; video toward a constrained subscriber leaves
 * at the pacing rate while audio does not wait; a subscriber whose estimate falls below a video's rate has
 * that video paused (audio keeps flowing, signaling hears ME_CONSUMER_LAYER, /metrics counts it) and gets it
 * back, at a key frame with continuous sequence numbers, once the estimate allows; the REMB to a simulcast
 * publisher follows the tiles its viewers show (media.view), and a room without adaptation asks for
 * everything (issue 11). Runs under ASan/UBSan with leak checks. */
#include "gateway/rtc/twcc.h"
#include "sfu_test_support.h"

#define TWCC_ID 4

static void add_consumer_twcc(peer *p, uint32_t id, uint32_t producer_id, media_kind kind, uint32_t ssrc,
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
  cmd.u.consumer.ext[MEDIA_EXT_TWCC] = TWCC_ID;
  sfu_handle_cmd(&W.s, &cmd);
  assert_non_null(consumer_by_id(&W.s, id));
}

/* What the worker queued to `to`: counts of video (ssrc vssrc) and other RTP packets, the last
 * video sequence number, and checks that every RTP packet, audio too, carries the next
 * transport-wide sequence number after *twcc (-1: not yet known), in the order sent. */
static void take(peer *to, uint32_t vssrc, int *video, int *other, uint16_t *vseq, int32_t *twcc) {
  *video = *other = 0;
  for (int i = 0; i < W.udp.out.count; i++) {
    if (!same_addr(&W.udp.out.addr[i], &to->addr)) continue;
    uint8_t *b = W.udp.out.buf[i];
    int n = (int)W.udp.out.iov[i].iov_len;
    if (rtp_is_rtcp(b, (size_t)n)) continue;
    assert_int_equal(srtp_pair_unprotect_rtp(to->srtp, b, &n), 0);
    rtp_packet rp;
    assert_int_equal(rtp_parse(b, (size_t)n, &rp), 0);
    uint16_t tw;
    assert_int_equal(twcc_ext_read(&rp, TWCC_ID, &tw), 0);
    if (*twcc >= 0) assert_int_equal(tw, (uint16_t)(*twcc + 1));
    *twcc = tw;
    if (rtp_get_ssrc(b) == vssrc) {
      (*video)++;
      *vseq = rtp_get_seq(b);
    } else {
      (*other)++;
    }
  }
  W.udp.out.count = 0;
}

static void send_remb(peer *from, uint64_t bps, uint32_t media_ssrc) {
  uint8_t buf[UDP_SEND_ROOM];
  int n = rtcp_build_remb(buf, sizeof buf, 0x1234, bps, &media_ssrc, 1);
  assert_true(n > 0);
  assert_int_equal(srtp_pair_protect_rtcp(from->srtp, buf, &n, UDP_SEND_ROOM), 0);
  deliver(&from->addr, buf, (size_t)n);
}

/* The latest ME_CONSUMER_LAYER for consumer id among the events queued; false if none. */
static bool layer_event(uint32_t id, media_event *out) {
  media_event ev;
  bool found = false;
  while (next_event(&ev))
    if (ev.type == ME_CONSUMER_LAYER && ev.consumer_id == id) {
      *out = ev;
      found = true;
    }
  return found;
}

/* 20 ms of media from p (a video packet, key or not, and an Opus one), then a worker tick. */
static void step(peer *p, uint16_t *vseq, uint16_t *aseq, bool key) {
  uint8_t buf[UDP_SEND_ROOM];
  deliver(&p->addr, buf, make_rtp(p, buf, 96, 0x7100, (*vseq)++, key));
  deliver(&p->addr, buf, make_rtp(p, buf, 111, 0x7110, (*aseq)++, false));
  W.s.now_ms += 20;
  sfu_tick(&W.s);
}

static void test_pause_below_estimate_and_resume(void **state) {
  (void)state;
  W.s.adaptation = true;
  peer p, s;
  peer_new(&p, 1, 71, "127.0.0.1", 50071);
  peer_new(&s, 1, 72, "127.0.0.1", 50072);
  peer_connect(&p);
  peer_connect(&s);
  add_producer(&p, 710, MEDIA_VIDEO, 0x7100, 96, 0, 0);
  add_producer(&p, 711, MEDIA_AUDIO, 0x7110, 111, 0, 0);
  add_consumer_twcc(&s, 720, 710, MEDIA_VIDEO, 0x7200, 96, 0x7201, 97);
  add_consumer_twcc(&s, 721, 711, MEDIA_AUDIO, 0x7210, 111, 0, 0);
  uint16_t vin = 100, ain = 500, vseq = 0;
  int32_t twcc = -1;
  int video = 0, other = 0, v, o;

  /* 1.5 s of media: everything forwarded, every packet stamped, numbers consecutive. */
  for (int i = 0; i < 75; i++) {
    step(&p, &vin, &ain, i == 0);
    take(&s, 0x7200, &v, &o, &vseq, &twcc);
    video += v;
    other += o;
  }
  assert_int_equal(video, 75);
  assert_true(other >= 75);
  media_event ev;
  assert_true(layer_event(720, &ev));
  assert_int_equal(ev.layer.spatial, 0);
  assert_int_equal(ev.layer.reason, LA_REASON_OPTIMAL);

  /* The subscriber's link collapses (its REMB says 30 kbit/s, below the video's ~46): video is
   * paused within the next allocation, audio goes on. */
  send_remb(&s, 30000, 0x7200);
  video = other = 0;
  for (int i = 0; i < 10; i++) {
    step(&p, &vin, &ain, false);
    take(&s, 0x7200, &v, &o, &vseq, &twcc);
    if (i >= 2) video += v; /* the decision takes effect at the next tick */
    other += o;
  }
  assert_int_equal(video, 0);
  assert_true(other >= 10);
  assert_true(layer_event(720, &ev));
  assert_int_equal(ev.layer.spatial, -1);
  assert_int_equal(ev.layer.reason, LA_REASON_PAUSED);
  assert_int_equal(ev.layer.estimate_bps, 30000);
  assert_int_equal(C(&W.counters.paused_video), 1);
  assert_int_equal(C(&W.counters.layer_paused), 1);
  uint16_t last_before_pause = vseq;

  /* The link recovers: after the allocator's 2.5 s of headroom the video resumes, at a key
   * frame (delta frames meanwhile are not sent), numbered right after the last one sent. */
  send_remb(&s, 5000000, 0x7200);
  video = 0;
  for (int i = 0; i < 150; i++) {
    if (i % 25 == 0) send_remb(&s, 5000000, 0x7200); /* a browser repeats it */
    step(&p, &vin, &ain, false);
    take(&s, 0x7200, &v, &o, &vseq, &twcc);
    video += v;
  }
  assert_int_equal(video, 0);
  assert_int_equal(C(&W.counters.paused_video), 0);
  assert_int_equal(C(&W.counters.layer_resumed), 1);
  step(&p, &vin, &ain, true);
  take(&s, 0x7200, &v, &o, &vseq, &twcc);
  assert_int_equal(v, 1);
  assert_int_equal(vseq, (uint16_t)(last_before_pause + 1));
  step(&p, &vin, &ain, false);
  take(&s, 0x7200, &v, &o, &vseq, &twcc);
  assert_int_equal(v, 1);
  assert_int_equal(vseq, (uint16_t)(last_before_pause + 2));

  close_transport(71);
  close_transport(72);
  drain_events();
  peer_free(&p);
  peer_free(&s);
}

/* A congested viewer NACKs everything it missed: retransmissions toward it take at most half
 * its estimate (here REMB 200 kbit/s: 12,500 bytes a second), with half a second of that
 * (6,250 bytes) saved while nothing was retransmitted; the rest is counted, not sent. */
static void test_retransmissions_within_budget(void **state) {
  (void)state;
  W.s.adaptation = true;
  peer p, s;
  peer_new(&p, 3, 91, "127.0.0.1", 50091);
  peer_new(&s, 3, 92, "127.0.0.1", 50092);
  peer_connect(&p);
  peer_connect(&s);
  add_producer(&p, 910, MEDIA_VIDEO, 0x7100, 96, 0, 0);
  add_consumer_twcc(&s, 920, 910, MEDIA_VIDEO, 0x9200, 96, 0x9201, 97);
  uint8_t buf[UDP_SEND_ROOM];
  uint16_t first = 0, vseq = 0;
  uint32_t ssrc;
  for (uint16_t i = 0; i < 60; i++) { /* read as they go: the UDP batch holds 32 */
    deliver(&p.addr, buf, make_rtp(&p, buf, 96, 0x7100, (uint16_t)(300 + i), i == 0));
    assert_int_equal(rtp_received(&s, &ssrc, &vseq, NULL), 1);
  }
  first = (uint16_t)(vseq - 59);
  send_remb(&s, 200000, 0x9200);
  /* NACK all 60 (generic NACK items: PID + 16-bit BLP), three times: at once, at once again,
   * and 100 ms later. */
  uint16_t seqs[60];
  for (int i = 0; i < 60; i++) seqs[i] = (uint16_t)(first + i);
  uint64_t sent[3];
  for (int k = 0; k < 3; k++) {
    if (k == 2) W.s.now_ms += 100;
    int n = rtcp_build_nack(buf, sizeof buf, 0x1234, 0x9200, seqs, 60);
    assert_true(n > 0);
    assert_int_equal(srtp_pair_protect_rtcp(s.srtp, buf, &n, UDP_SEND_ROOM), 0);
    deliver(&s.addr, buf, (size_t)n);
    sent[k] = C(&W.counters.retransmitted);
  }
  /* The budget counts the buffered packet (114 bytes): 55 in 6,250 bytes (the last may take it
   * below zero); none right after; 1,250 bytes more 100 ms later: 11. */
  assert_int_equal(sent[0], 55);
  assert_int_equal(sent[1], 55);
  assert_int_equal(sent[2], 55 + 11);
  assert_int_equal(C(&W.counters.rtx_over_budget), 3 * 60 - 66);
  /* They leave through the pacer (the REMB constrained the viewer): the first ones at once. */
  assert_true(rtp_received(&s, &ssrc, NULL, NULL) >= 1);
  close_transport(91);
  close_transport(92);
  drain_events();
  peer_free(&p);
  peer_free(&s);
}

static void view(peer *s, uint32_t consumer_id, uint16_t w, uint16_t h) {
  media_cmd cmd;
  memset(&cmd, 0, sizeof cmd);
  cmd.type = MC_CONSUMER_VIEW;
  cmd.transport_id = s->transport_id;
  cmd.consumer_id = consumer_id;
  cmd.u.view.width = w;
  cmd.u.view.height = h;
  sfu_handle_cmd(&W.s, &cmd);
}

static uint64_t demand_after_tick(uint32_t publisher_transport) {
  W.s.now_ms += 20;
  sfu_tick(&W.s);
  return publisher_demand_bps(&W.s, transport_by_id(&W.s, publisher_transport));
}

/* The REMB to a simulcast publisher: every encoding while its viewer's tile is unknown or
 * large, only q (180 px) for a thumbnail or a hidden tile, everything again in a room whose
 * coordinator turned adaptation off. Nominal caps 180k / 550k / 1.7M, plus 25 %. */
static void test_publisher_follows_demand(void **state) {
  (void)state;
  W.s.adaptation = true;
  peer p, s;
  peer_new(&p, 2, 81, "127.0.0.1", 50081);
  peer_new(&s, 2, 82, "127.0.0.1", 50082);
  peer_connect(&p);
  peer_connect(&s);
  media_cmd cmd;
  add_simulcast_producer(&p, 810);
  add_consumer_twcc(&s, 820, 810, MEDIA_VIDEO, 0x8200, 96, 0, 0);
  const uint64_t all = (180000 + 550000 + 1700000) * 5 / 4, q_only = 180000 * 5 / 4;
  assert_int_equal(demand_after_tick(81), all);
  view(&s, 820, 320, 180);
  assert_int_equal(demand_after_tick(81), q_only);
  view(&s, 820, 640, 360);
  assert_int_equal(demand_after_tick(81), (180000 + 550000) * 5 / 4);
  view(&s, 820, 0, 0);
  assert_int_equal(demand_after_tick(81), q_only);
  /* A view of another transport's consumer is ignored. */
  cmd = (media_cmd){.type = MC_CONSUMER_VIEW, .transport_id = p.transport_id, .consumer_id = 820};
  cmd.u.view.height = 720;
  sfu_handle_cmd(&W.s, &cmd);
  assert_int_equal(demand_after_tick(81), q_only);
  /* Adaptation off for the room: every encoding. */
  cmd = (media_cmd){.type = MC_ROUTER_ADAPT, .room_id = 2};
  cmd.u.adapt.on = false;
  sfu_handle_cmd(&W.s, &cmd);
  assert_int_equal(demand_after_tick(81), all);
  close_transport(81);
  close_transport(82);
  drain_events();
  peer_free(&p);
  peer_free(&s);
}

/* A constrained subscriber (REMB 200 kbit/s) gets a burst of video (a key frame in 60 packets,
 * all at one instant) at the pacing rate, 1.25 x its estimate, and not at once; an audio packet
 * that arrives behind the burst leaves at once; the transport-wide numbers follow the order
 * packets leave in; the burst is all sent, in order, within the second PACER_MAX_QUEUE_US
 * allows. Without the pacer the whole burst went out in the same instant (browser runs: three
 * key frames at once into a 200 ms link queue). */
static void test_video_paced_toward_constrained_viewer(void **state) {
  (void)state;
  W.s.adaptation = true;
  peer p, s;
  peer_new(&p, 1, 91, "127.0.0.1", 50091);
  peer_new(&s, 1, 92, "127.0.0.1", 50092);
  peer_connect(&p);
  peer_connect(&s);
  add_producer(&p, 910, MEDIA_VIDEO, 0x7100, 96, 0, 0);
  add_producer(&p, 911, MEDIA_AUDIO, 0x7110, 111, 0, 0);
  add_consumer_twcc(&s, 920, 910, MEDIA_VIDEO, 0x7200, 96, 0x7201, 97);
  add_consumer_twcc(&s, 921, 911, MEDIA_AUDIO, 0x7210, 111, 0, 0);
  uint16_t vin = 100, ain = 500, vseq = 0;
  int32_t twcc = -1;
  int v, o;
  for (int i = 0; i < 50; i++) { /* 1 s unconstrained: nothing waits */
    step(&p, &vin, &ain, i == 0);
    take(&s, 0x7200, &v, &o, &vseq, &twcc);
    assert_int_equal(v, 1);
  }
  assert_int_equal(C(&W.counters.paced_packets), 0);
  send_remb(&s, 200000, 0x7200);
  for (int i = 0; i < 10; i++) {
    step(&p, &vin, &ain, false);
    take(&s, 0x7200, &v, &o, &vseq, &twcc);
  }

  uint8_t buf[UDP_SEND_ROOM];
  uint16_t first = vin;
  for (int i = 0; i < 60; i++) deliver(&p.addr, buf, make_rtp(&p, buf, 96, 0x7100, vin++, i == 0));
  deliver(&p.addr, buf, make_rtp(&p, buf, 111, 0x7110, ain++, false));
  sfu_pace(&W.s);
  uint16_t before = vseq;
  take(&s, 0x7200, &v, &o, &vseq, &twcc);
  assert_int_equal(o, 1); /* the audio packet did not wait */
  /* What the budget held: 10 ms at the rate, at least 1,500 bytes (the pacer counts the 114
   * bytes forwarded; the last packet may take it below zero). */
  assert_true(v >= 1 && v <= 14);
  assert_true(C(&W.counters.paced_packets) >= 45);
  int sent = v, elapsed_ms = 0;
  /* 114 bytes a packet at 250 kbit/s (31.25 bytes a millisecond): the burst takes ~170 ms. */
  while (sent < 60 && elapsed_ms < 1200) {
    W.s.now_ms += 10;
    elapsed_ms += 10;
    sfu_pace(&W.s);
    take(&s, 0x7200, &v, &o, &vseq, &twcc);
    sent += v;
    /* never ahead of the budget: the first 1,500 bytes, then 31.25 bytes a millisecond */
    assert_true((uint64_t)sent * 114 <= 1500 + 114 + (uint64_t)elapsed_ms * 3125 / 100);
  }
  assert_int_equal(sent, 60);
  assert_true(elapsed_ms >= 150); /* paced, not sent at once */
  assert_true(elapsed_ms <= PACER_MAX_QUEUE_US / 1000 + 20);
  assert_int_equal(vseq, (uint16_t)(before + 60)); /* in order, none lost */
  assert_int_equal(vin - first, 60);
  assert_int_equal(C(&W.counters.pacer_dropped), 0);

  close_transport(91);
  close_transport(92);
  drain_events();
  peer_free(&p);
  peer_free(&s);
}

/* A pacer backlog is media the link has not taken yet: past 400 ms of it the allocation takes
 * its bits off the estimate (here 200 kbit/s, 23 kB queued: half of it), and past 300 ms no
 * retransmission joins it. Without either, forwarded streams that ran over the estimate (a
 * switch down waiting for a key frame, retransmissions on top) filled the queue to its full
 * second, and what waited that long went out whatever the rate. */
static void backlog_run(uint32_t remb, media_event *after) {
  W.s.adaptation = true;
  peer p, s;
  peer_new(&p, 1, 93, "127.0.0.1", 50093);
  peer_new(&s, 1, 94, "127.0.0.1", 50094);
  peer_connect(&p);
  peer_connect(&s);
  add_producer(&p, 930, MEDIA_VIDEO, 0x7100, 96, 0, 0);
  add_producer(&p, 931, MEDIA_AUDIO, 0x7110, 111, 0, 0);
  add_consumer_twcc(&s, 940, 930, MEDIA_VIDEO, 0x7200, 96, 0x7201, 97);
  add_consumer_twcc(&s, 941, 931, MEDIA_AUDIO, 0x7210, 111, 0, 0);
  uint16_t vin = 100, ain = 500, vseq = 0;
  int32_t twcc = -1;
  int v, o;
  for (int i = 0; i < 50; i++) {
    step(&p, &vin, &ain, i == 0);
    take(&s, 0x7200, &v, &o, &vseq, &twcc);
  }
  send_remb(&s, remb, 0x7200);
  for (int i = 0; i < 60; i++) { /* 1.2 s at the new estimate: reported, nothing queued */
    step(&p, &vin, &ain, false);
    take(&s, 0x7200, &v, &o, &vseq, &twcc);
  }
  media_event ev;
  assert_true(layer_event(940, &ev));
  assert_int_equal(ev.layer.estimate_bps, remb);
  assert_true(ev.layer.spatial >= 0); /* the video fits the estimate */
  uint8_t buf[UDP_SEND_ROOM];
  for (int i = 0; i < 200; i++) deliver(&p.addr, buf, make_rtp(&p, buf, 96, 0x7100, vin++, false));
  sfu_pace(&W.s);
  take(&s, 0x7200, &v, &o, &vseq, &twcc);
  uint64_t rtx0 = C(&W.counters.retransmitted), over0 = C(&W.counters.rtx_over_budget);
  uint16_t nack = (uint16_t)(vseq - 1);
  int n = rtcp_build_nack(buf, sizeof buf, 0x1234, 0x7200, &nack, 1);
  assert_int_equal(srtp_pair_protect_rtcp(s.srtp, buf, &n, UDP_SEND_ROOM), 0);
  deliver(&s.addr, buf, (size_t)n);
  assert_int_equal(C(&W.counters.retransmitted), rtx0); /* refused: the backlog is ~700 ms */
  assert_int_equal(C(&W.counters.rtx_over_budget), over0 + 1);
  for (int i = 0; i < 5; i++) { /* 100 ms of media: the next allocation, reported at once (the
                                   last report is over a second old) */
    step(&p, &vin, &ain, false);
    take(&s, 0x7200, &v, &o, &vseq, &twcc);
  }
  assert_true(layer_event(940, after));
  close_transport(93);
  close_transport(94);
  drain_events();
  peer_free(&p);
  peer_free(&s);
}

static void test_backlog_pushes_back(void **state) {
  (void)state;
  media_event ev;
  backlog_run(200000, &ev);
  assert_true(ev.layer.estimate_bps >= 100000 && ev.layer.estimate_bps < 190000);
  assert_true(ev.layer.spatial >= 0);
}

/* ...but pauses no video the estimate alone would not: at 120 kbit/s half the estimate would
 * not carry the video and audio, so the allocation keeps what their lowest layers take. */
static void test_backlog_pauses_nothing_more(void **state) {
  (void)state;
  media_event ev;
  backlog_run(120000, &ev);
  assert_true(ev.layer.estimate_bps > 60000 && ev.layer.estimate_bps < 120000);
  assert_true(ev.layer.spatial >= 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_pause_below_estimate_and_resume, setup, teardown),
      cmocka_unit_test_setup_teardown(test_publisher_follows_demand, setup, teardown),
      cmocka_unit_test_setup_teardown(test_retransmissions_within_budget, setup, teardown),
      cmocka_unit_test_setup_teardown(test_video_paced_toward_constrained_viewer, setup, teardown),
      cmocka_unit_test_setup_teardown(test_backlog_pushes_back, setup, teardown),
      cmocka_unit_test_setup_teardown(test_backlog_pauses_nothing_more, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
