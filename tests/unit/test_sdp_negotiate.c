/* Unit tests of gateway/rtc/sdp, negotiation: the publish answer to real offers (codecs, H.264
 * preference, rejected sections, BUNDLE/rtcp-mux/fingerprint required, buffer bounds), the
 * subscribe offer and re-offer, a real Chromium answer to it parsed back, and payload types mapped
 * per participant. Parsing and hostile input are in test_sdp.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// clang-format off: cmocka.h needs the headers above first
#include <cmocka.h>
// clang-format on

#include "gateway/rtc/sdp.h"
#include "sdp_test_support.h"

/* ---- negotiation and the publish answer ---- */

static void test_answer_chrome_round_trip(void **state) {
  sdp_session *offer;
  sdp_choice ch[SDP_MAX_MEDIA];
  sdp_session *ans = answer_round_trip(CHROME_OFFER, &offer, ch);
  assert_int_equal(ans->n_bundle, 2);
  assert_string_equal(ans->bundle[0], "0");
  assert_string_equal(ans->bundle[1], "1");

  const sdp_media *a = &ans->media[0];
  assert_true(ch[0].accepted);
  assert_int_equal(offer->media[0].codecs[ch[0].codec].pt, 111);
  assert_int_equal(ch[0].rtx, -1);
  assert_int_equal(a->port, 40000);
  assert_int_equal(a->direction, SDP_DIR_RECVONLY);
  assert_true(a->rtcp_mux);
  assert_int_equal(a->n_codecs, 1);
  assert_int_equal(a->codecs[0].pt, 111);
  assert_string_equal(a->codecs[0].name, "opus");
  assert_int_equal(a->codecs[0].channels, 2);
  assert_int_equal(a->codecs[0].fb, 0); /* no transport-cc: the SFU sends REMB instead */
  /* extensions echoed with the browser's ids; transport-cc is not answered */
  assert_int_equal(a->n_extmaps, 3);
  assert_int_equal(ext_id(a, SDP_EXT_MID), 4);
  assert_int_equal(ext_id(a, SDP_EXT_AUDIO_LEVEL), 1);
  assert_int_equal(ext_id(a, SDP_EXT_ABS_SEND_TIME), 2);
  assert_int_equal(ext_id(a, SDP_EXT_TWCC), 0);
  assert_int_equal(a->n_ssrcs, 0);

  const sdp_media *v = &ans->media[1];
  assert_int_equal(v->n_codecs, 2);
  assert_int_equal(v->codecs[0].pt, 96);
  assert_string_equal(v->codecs[0].name, "VP8");
  assert_int_equal(v->codecs[0].fb, SDP_FB_ALL & ~SDP_FB_TRANSPORT_CC);
  assert_int_equal(v->codecs[1].pt, 97);
  assert_int_equal(v->codecs[1].apt, 96);
  assert_int_equal(v->n_extmaps, 2); /* mid, abs-send-time; no twcc, no toffset, no audio level */
  assert_int_equal(ext_id(v, SDP_EXT_MID), 4);
  assert_int_equal(ext_id(v, SDP_EXT_TWCC), 0);
  assert_int_equal(ch[1].ext_ids[SDP_EXT_ABS_SEND_TIME], 2);
  assert_int_equal(ch[1].ext_ids[SDP_EXT_AUDIO_LEVEL], 0);
  free(ans);
  free(offer);
}

/* The video section of Chrome's offer for addTransceiver(track, {sendEncodings: [q, h, f]}): no
 * a=ssrc, three a=rid send, a=simulcast:send, the mid / rid / repaired-rid extensions. */
static const char CHROME_SIMULCAST_OFFER[] =
    "v=0\r\n"
    "o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n"
    "s=-\r\n"
    "t=0 0\r\n"
    "a=group:BUNDLE 0\r\n"
    "a=extmap-allow-mixed\r\n"
    "a=msid-semantic: WMS s\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=rtcp:9 IN IP4 0.0.0.0\r\n"
    "a=ice-ufrag:LV4q\r\n"
    "a=ice-pwd:iTlc3ZyqSP7rfPxnPOx0zqPL\r\n"
    "a=ice-options:trickle\r\n"
    "a=fingerprint:sha-256 "
    "D5:D4:94:06:5B:AE:8D:CF:7F:A8:D4:68:9C:3F:8B:A1:FE:E5:13:43:21:FC:3A:9F:7E:25:59:C9:04:37:E8:A0\r\n"
    "a=setup:actpass\r\n"
    "a=mid:0\r\n"
    "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n"
    "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n"
    "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
    "a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id\r\n"
    "a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id\r\n"
    "a=sendonly\r\n"
    "a=msid:s t\r\n"
    "a=rtcp-mux\r\n"
    "a=rtcp-rsize\r\n"
    "a=rtpmap:96 VP8/90000\r\n"
    "a=rtcp-fb:96 goog-remb\r\n"
    "a=rtcp-fb:96 transport-cc\r\n"
    "a=rtcp-fb:96 ccm fir\r\n"
    "a=rtcp-fb:96 nack\r\n"
    "a=rtcp-fb:96 nack pli\r\n"
    "a=rtpmap:97 rtx/90000\r\n"
    "a=fmtp:97 apt=96\r\n"
    "a=rid:q send\r\n"
    "a=rid:h send\r\n"
    "a=rid:f send\r\n"
    "a=simulcast:send q;h;f\r\n";

/* rid simulcast: the answer mirrors the rids as recv, in the offer's order, and keeps the mid,
 * rid and repaired-rid extensions (the server learns the SSRCs from them); without the RID
 * extension, or without a=simulcast, no rid is answered (the browser then sends one stream). */
static void test_answer_chrome_simulcast(void **state) {
  (void)state;
  sdp_session *offer;
  sdp_choice ch[SDP_MAX_MEDIA];
  sdp_session *ans = answer_round_trip(CHROME_SIMULCAST_OFFER, &offer, ch);
  assert_true(offer->media[0].simulcast);
  assert_int_equal(offer->media[0].n_rids, 3);
  assert_int_equal(ch[0].n_rids, 3);
  assert_non_null(
      strstr(answer_buf, "a=rid:q recv\r\na=rid:h recv\r\na=rid:f recv\r\na=simulcast:recv q;h;f\r\n"));
  const sdp_media *v = &ans->media[0];
  assert_int_equal(ext_id(v, SDP_EXT_MID), 4);
  assert_int_equal(ext_id(v, SDP_EXT_RID), 10);
  assert_int_equal(ext_id(v, SDP_EXT_RRID), 11);
  assert_int_equal(ext_id(v, SDP_EXT_TWCC), 0);
  assert_int_equal(v->n_rids, 0); /* the answer's rids are recv */
  free(ans);
  free(offer);

  static char text[sizeof CHROME_SIMULCAST_OFFER];
  const char *cut = strstr(CHROME_SIMULCAST_OFFER, "a=extmap:10");
  const char *after = strstr(cut, "a=extmap:11");
  snprintf(text, sizeof text, "%.*s%s", (int)(cut - CHROME_SIMULCAST_OFFER), CHROME_SIMULCAST_OFFER, after);
  ans = answer_round_trip(text, &offer, ch);
  assert_int_equal(ch[0].n_rids, 0);
  assert_null(strstr(answer_buf, "a=rid:"));
  assert_null(strstr(answer_buf, "a=simulcast"));
  assert_int_equal(ext_id(&ans->media[0], SDP_EXT_RRID), 0);
  free(ans);
  free(offer);
}

/* Subscribe offers never announce the rid pair (it names a publisher's encodings). */
static void test_subscribe_offer_has_no_rid_extension(void **state) {
  (void)state;
  assert_int_equal(sdp_ext_offer_id(SDP_EXT_RID), -1);
  assert_int_equal(sdp_ext_offer_id(SDP_EXT_RRID), -1);
  assert_int_equal(sdp_ext_offer_id(SDP_EXT_TWCC), 4);
}

static void test_answer_firefox_round_trip(void **state) {
  sdp_session *offer;
  sdp_choice ch[SDP_MAX_MEDIA];
  sdp_session *ans = answer_round_trip(FIREFOX_OFFER, &offer, ch);
  assert_int_equal(ans->media[0].codecs[0].pt, 109);
  assert_string_equal(ans->media[0].codecs[0].fmtp, "maxplaybackrate=48000;stereo=1;useinbandfec=1");
  assert_int_equal(ans->media[0].n_extmaps, 2); /* audio level 1, mid 3; csrc level not kept */
  assert_int_equal(ext_id(&ans->media[0], SDP_EXT_MID), 3);
  assert_int_equal(ans->media[1].codecs[0].pt, 120);
  assert_int_equal(ans->media[1].codecs[1].pt, 124);
  assert_int_equal(ans->media[1].codecs[1].apt, 120);
  assert_int_equal(ext_id(&ans->media[1], SDP_EXT_TWCC), 0);
  assert_int_equal(ans->media[1].direction, SDP_DIR_RECVONLY);
  free(ans);
  free(offer);
}

static void test_answer_aiortc_round_trip(void **state) {
  sdp_session *offer;
  sdp_choice ch[SDP_MAX_MEDIA];
  sdp_session *ans = answer_round_trip(AIORTC_OFFER, &offer, ch);
  assert_int_equal(ans->media[0].codecs[0].pt, 96);
  assert_string_equal(ans->media[0].codecs[0].name, "opus");
  assert_int_equal(ans->media[1].codecs[0].pt, 97);
  assert_int_equal(ans->media[1].codecs[1].pt, 98);
  assert_int_equal(ans->media[1].codecs[0].fb, SDP_FB_NACK | SDP_FB_NACK_PLI | SDP_FB_GOOG_REMB);
  assert_int_equal(ext_id(&ans->media[0], SDP_EXT_AUDIO_LEVEL), 2);
  free(ans);
  free(offer);
}

/* Without VP8, H.264 packetization-mode=1 42e01f wins over 42001f, mode 0 and 4d001f. */
static void test_negotiate_h264_preference(void **state) {
  char *t = edit_lines(CHROME_OFFER, "a=rtpmap:96 VP8/90000", "a=rtpmap:96 VP7/90000", false);
  sdp_session *s = parse_ok(t);
  sdp_choice ch[SDP_MAX_MEDIA];
  char err[128];
  assert_int_equal(sdp_negotiate(s, ch, err, sizeof err), 0);
  const sdp_media *v = &s->media[1];
  assert_int_equal(v->codecs[ch[1].codec].pt, 108);
  assert_int_equal(v->codecs[ch[1].rtx].pt, 109);
  free(s);
  free(t);
  /* aiortc: 42001f (99) and 42e01f (101) */
  t = edit_lines(AIORTC_OFFER, "a=rtpmap:97 VP8/90000", "a=rtpmap:97 VP9/90000", false);
  s = parse_ok(t);
  assert_int_equal(sdp_negotiate(s, ch, err, sizeof err), 0);
  assert_int_equal(s->media[1].codecs[ch[1].codec].pt, 101);
  assert_int_equal(s->media[1].codecs[ch[1].rtx].pt, 102);
  free(s);
  free(t);
}

/* An m-section the SFU cannot take is rejected in place: port 0, inactive, out of BUNDLE. */
static void test_answer_rejects_unsupported_sections(void **state) {
  const char *text =
      "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1 2\r\n"
      "a=fingerprint:sha-256 "
      "9A:1C:5E:30:8F:2B:74:D1:06:E3:4A:B9:C2:58:7D:11:F0:63:AE:95:28:4C:DB:37:80:1F:E6:52:CA:09:B4:7E\r\n"
      "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuv\r\na=setup:actpass\r\n"
      "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:0\r\na=sctp-port:5000\r\n"
      "m=video 9 UDP/TLS/RTP/SAVPF 98\r\na=mid:1\r\na=sendonly\r\na=rtcp-mux\r\na=rtpmap:98 VP9/90000\r\n"
      "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:2\r\na=sendonly\r\na=rtcp-mux\r\na=rtpmap:111 "
      "opus/48000/2\r\n";
  sdp_session *offer;
  sdp_choice ch[SDP_MAX_MEDIA];
  sdp_session *ans = answer_round_trip(text, &offer, ch);
  assert_false(ch[0].accepted);
  assert_false(ch[1].accepted);
  assert_true(ch[2].accepted);
  assert_int_equal(ans->media[0].port, 0);
  assert_int_equal(ans->media[0].kind, SDP_KIND_APPLICATION);
  assert_string_equal(ans->media[0].first_fmt, "webrtc-datachannel");
  assert_int_equal(ans->media[1].port, 0);
  assert_int_equal(ans->media[1].direction, SDP_DIR_INACTIVE);
  assert_int_equal(ans->media[2].port, 40000);
  assert_int_equal(ans->n_bundle, 1);
  assert_string_equal(ans->bundle[0], "2");
  assert_string_equal(ans->transport.ice_ufrag, "moaU"); /* the tag is now mid 2 */
  free(ans);
  free(offer);
}

static void expect_answer_error(const char *text, const char *want) {
  sdp_session *s = parse_ok(text);
  sdp_local l = local_params();
  char err[256] = "";
  answer_buf[0] = 'x';
  assert_int_equal(sdp_build_answer(s, &l, answer_buf, sizeof answer_buf, NULL, err, sizeof err), -1);
  if (!strstr(err, want)) fail_msg("error '%s' does not mention '%s'", err, want);
  assert_int_equal(answer_buf[0], '\0');
  free(s);
}

static void test_answer_requires_bundle_mux_fingerprint(void **state) {
  char *t = edit_lines(CHROME_OFFER, "a=group:BUNDLE", NULL, false);
  expect_answer_error(t, "BUNDLE");
  free(t);
  t = edit_lines(CHROME_OFFER, "a=rtcp-mux", NULL, true);
  expect_answer_error(t, "rtcp-mux");
  free(t);
  t = edit_lines(FIREFOX_OFFER, "a=fingerprint:",
                 "a=fingerprint:sha-1 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB", false);
  expect_answer_error(t, "sha-256 fingerprint");
  free(t);
  t = edit_lines(FIREFOX_OFFER, "a=setup:actpass", "a=setup:passive", true);
  expect_answer_error(t, "setup:passive");
  free(t);
  t = edit_lines(AIORTC_OFFER, "a=ice-pwd:", NULL, true);
  expect_answer_error(t, "ice-pwd");
  free(t);
}

/* Every buffer too small fails cleanly with a NUL-terminated prefix; the exact size works. */
static void test_answer_buffer_bounds(void **state) {
  sdp_session *s = parse_ok(CHROME_OFFER);
  sdp_local l = local_params();
  char err[128];
  int n = sdp_build_answer(s, &l, answer_buf, sizeof answer_buf, NULL, err, sizeof err);
  assert_true(n > 0);
  char *exact = malloc((size_t)n + 1);
  for (int cap = 0; cap <= n; cap++) {
    char *buf = malloc(cap ? (size_t)cap : 1);
    assert_int_equal(sdp_build_answer(s, &l, buf, (size_t)cap, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "too small"));
    if (cap) assert_int_equal(strlen(buf) < (size_t)cap, 1);
    free(buf);
  }
  assert_int_equal(sdp_build_answer(s, &l, exact, (size_t)n + 1, NULL, err, sizeof err), n);
  assert_string_equal(exact, answer_buf);
  free(exact);
  free(s);
}

static void test_answer_rejects_bad_local(void **state) {
  sdp_session *s = parse_ok(CHROME_OFFER);
  char err[128];
  sdp_local l = local_params();
  l.ice_ufrag = "ab\r\nx";
  assert_int_equal(sdp_build_answer(s, &l, answer_buf, sizeof answer_buf, NULL, err, sizeof err), -1);
  assert_non_null(strstr(err, "ice-ufrag"));
  l = local_params();
  l.ip = "1.2.3.4\r\na=evil";
  assert_int_equal(sdp_build_answer(s, &l, answer_buf, sizeof answer_buf, NULL, err, sizeof err), -1);
  l = local_params();
  l.ip = "::1";
  assert_true(sdp_build_answer(s, &l, answer_buf, sizeof answer_buf, NULL, err, sizeof err) > 0);
  assert_non_null(strstr(answer_buf, "c=IN IP6 ::1\r\n"));
  free(s);
}

/* ---- the subscribe offer ---- */

static char offer_buf[64 * 1024];

static sdp_session *build_offer_ok(const sdp_track *t, size_t n, uint64_t version) {
  sdp_local l = local_params();
  l.session_version = version;
  char err[256] = "";
  int len = sdp_build_offer(t, n, &l, offer_buf, sizeof offer_buf, err, sizeof err);
  if (len < 0) fail_msg("sdp_build_offer: %s", err);
  assert_int_equal((size_t)len, strlen(offer_buf));
  return parse_ok(offer_buf);
}

static void test_subscribe_offer_and_reoffer(void **state) {
  sdp_track t[3];
  make_tracks(t);
  sdp_session *o = build_offer_ok(t, 3, 1);
  assert_true(o->ice_lite);
  assert_int_equal(o->transport.setup, SDP_SETUP_ACTPASS);
  assert_memory_equal(o->transport.fingerprint, local_params().fingerprint, SDP_FINGERPRINT_LEN);
  assert_int_equal(o->n_bundle, 3);
  assert_int_equal(o->n_media, 3);
  for (int i = 0; i < 3; i++) {
    const sdp_media *m = &o->media[i];
    assert_string_equal(m->mid, t[i].mid);
    assert_int_equal(m->port, 40000);
    assert_int_equal(m->direction, SDP_DIR_SENDONLY);
    assert_true(m->rtcp_mux);
    assert_int_equal(m->codecs[0].pt, t[i].codec.pt);
    assert_string_equal(m->msid_stream, t[i].stream_id);
    assert_string_equal(m->msid_track, t[i].track_id);
    assert_int_equal(m->ssrcs[0].ssrc, t[i].ssrc);
    assert_string_equal(m->ssrcs[0].cname, "moacname");
    assert_int_equal(ext_id(m, SDP_EXT_MID), sdp_ext_offer_id(SDP_EXT_MID));
    assert_int_equal(ext_id(m, SDP_EXT_TWCC), sdp_ext_offer_id(SDP_EXT_TWCC));
  }
  assert_int_equal(o->media[0].kind, SDP_KIND_AUDIO);
  assert_false(o->media[0].has_fid);
  assert_int_equal(ext_id(&o->media[0], SDP_EXT_AUDIO_LEVEL), 2);
  assert_int_equal(ext_id(&o->media[1], SDP_EXT_AUDIO_LEVEL), 0);
  assert_true(o->media[1].has_fid);
  assert_int_equal(o->media[1].fid_primary, 1002);
  assert_int_equal(o->media[1].fid_rtx, 2002);
  assert_int_equal(sdp_media_find_codec(&o->media[1], 97)->apt, 96);
  /* transport-cc on every track of a subscribe offer, audio too: the server estimates the
   * bandwidth, and must see audio's share of the link */
  assert_int_equal(o->media[2].codecs[0].fb, SDP_FB_ALL);
  assert_int_equal(o->media[0].codecs[0].fb, SDP_FB_TRANSPORT_CC);
  assert_true(ext_id(&o->media[0], SDP_EXT_TWCC) > 0);
  free(o);

  /* v1 goes away: same m-line order, its slot is port 0 / inactive, BUNDLE keeps the others */
  t[1].active = false;
  o = build_offer_ok(t, 3, 2);
  assert_non_null(strstr(offer_buf, "o=- 42 2 IN IP4"));
  assert_int_equal(o->n_media, 3);
  assert_string_equal(o->media[0].mid, "a1");
  assert_string_equal(o->media[1].mid, "v1");
  assert_string_equal(o->media[2].mid, "v2");
  assert_int_equal(o->media[1].port, 0);
  assert_int_equal(o->media[1].direction, SDP_DIR_INACTIVE);
  assert_int_equal(o->media[1].n_ssrcs, 0);
  assert_int_equal(o->media[2].port, 40000);
  assert_int_equal(o->n_bundle, 2);
  assert_string_equal(o->bundle[0], "a1");
  assert_string_equal(o->bundle[1], "v2");
  free(o);

  /* the slot is recycled for a new track with a new mid */
  make_track(&t[1], "v7", "VP8", 7);
  o = build_offer_ok(t, 3, 3);
  assert_string_equal(o->media[1].mid, "v7");
  assert_int_equal(o->media[1].port, 40000);
  assert_int_equal(o->n_bundle, 3);
  free(o);
}

static void expect_offer_error(const sdp_track *t, size_t n, const char *want);

/* The BUNDLE tag (first mid of the group) stays the tag: listed first even when an earlier slot
 * is recycled, and, when its own track goes while others stay, kept in the group with the
 * transport and a=inactive rather than rejected with port 0 (Chrome answered that with a new ICE
 * transport and DTLS handshake the server never finished; browser_meeting_media checks Chromium
 * keeps its ICE ufrag). */
static void test_subscribe_offer_keeps_bundle_tag(void **state) {
  sdp_track t[3];
  make_tracks(t);
  t[0].active = false; /* a1's slot was rejected before this transport: v1 tags the group */
  t[1].bundle_tag = true;
  sdp_session *o = build_offer_ok(t, 3, 1);
  assert_int_equal(o->n_bundle, 2);
  assert_string_equal(o->bundle[0], "v1");
  assert_int_equal(o->media[0].port, 0);
  free(o);
  /* a1's slot is recycled (a3): the group still starts with v1 */
  make_track(&t[0], "a3", "opus", 3);
  o = build_offer_ok(t, 3, 2);
  assert_int_equal(o->n_bundle, 3);
  assert_string_equal(o->bundle[0], "v1");
  assert_string_equal(o->bundle[1], "a3");
  assert_string_equal(o->bundle[2], "v2");
  free(o);
  /* v1's track goes: its m-section stays in the group, inactive, with the transport */
  t[1].active = false;
  o = build_offer_ok(t, 3, 3);
  assert_int_equal(o->n_bundle, 3);
  assert_string_equal(o->bundle[0], "v1");
  assert_int_equal(o->media[1].port, 40000);
  assert_int_equal(o->media[1].direction, SDP_DIR_INACTIVE);
  assert_int_equal(o->media[1].n_ssrcs, 0);
  assert_true(o->media[1].rtcp_mux);
  assert_int_equal(o->media[0].direction, SDP_DIR_SENDONLY);
  free(o);
  /* two tags: refused */
  t[2].bundle_tag = true;
  expect_offer_error(t, 3, "BUNDLE tag");
}

/* Zero tracks: a valid offer without m-sections or BUNDLE (Chromium 156 accepts it, checked). */
static void test_subscribe_offer_zero_tracks(void **state) {
  sdp_session *o = build_offer_ok(NULL, 0, 1);
  assert_int_equal(o->n_media, 0);
  assert_int_equal(o->n_bundle, 0);
  assert_null(strstr(offer_buf, "a=group"));
  free(o);
  /* all removed: m-sections stay, no BUNDLE group */
  sdp_track t[3];
  make_tracks(t);
  for (int i = 0; i < 3; i++) t[i].active = false;
  o = build_offer_ok(t, 3, 2);
  assert_int_equal(o->n_media, 3);
  assert_int_equal(o->n_bundle, 0);
  free(o);
}

static void expect_offer_error(const sdp_track *t, size_t n, const char *want) {
  sdp_local l = local_params();
  char err[256] = "";
  assert_int_equal(sdp_build_offer(t, n, &l, offer_buf, sizeof offer_buf, err, sizeof err), -1);
  if (!strstr(err, want)) fail_msg("error '%s' does not mention '%s'", err, want);
}

static void test_subscribe_offer_rejects_bad_tracks(void **state) {
  sdp_track t[SDP_MAX_MEDIA + 1];
  make_tracks(t);
  snprintf(t[1].mid, sizeof t[1].mid, "a1");
  expect_offer_error(t, 3, "two tracks");
  make_tracks(t);
  snprintf(t[0].cname, sizeof t[0].cname, "x\r\na=evil");
  expect_offer_error(t, 3, "cname");
  make_tracks(t);
  snprintf(t[2].mid, sizeof t[2].mid, "has space");
  expect_offer_error(t, 3, "mid");
  make_tracks(t);
  t[1].rtx_pt = t[1].codec.pt;
  expect_offer_error(t, 3, "rtx");
  make_tracks(t);
  t[0].codec.pt = 200;
  expect_offer_error(t, 3, "payload type");
  make_tracks(t);
  snprintf(t[1].codec.fmtp, sizeof t[1].codec.fmtp, "a=1\nb");
  expect_offer_error(t, 3, "fmtp");
  for (int i = 0; i <= SDP_MAX_MEDIA; i++) {
    char mid[8];
    snprintf(mid, sizeof mid, "m%d", i);
    make_track(&t[i], mid, "VP8", i);
  }
  expect_offer_error(t, SDP_MAX_MEDIA + 1, "tracks");
  make_tracks(t);
  sdp_local l = local_params();
  char err[128];
  char small[100];
  assert_int_equal(sdp_build_offer(t, 3, &l, small, sizeof small, err, sizeof err), -1);
  assert_non_null(strstr(err, "too small"));
  assert_true(strlen(small) < sizeof small);
}

/* ---- the browser's answer to the subscribe offer ---- */

static void test_read_chrome_answer(void **state) {
  sdp_track t[3];
  make_tracks(t);
  sdp_session *a = parse_ok(CHROME_SUB_ANSWER);
  sdp_answer_info info;
  char err[256] = "";
  if (sdp_read_answer(a, t, 3, &info, err, sizeof err) != 0) fail_msg("%s", err);
  assert_int_equal(info.setup, SDP_SETUP_ACTIVE); /* the browser is the DTLS client */
  assert_int_equal(info.fingerprint[0], 0x74);
  assert_int_equal(info.fingerprint[31], 0x9A);
  assert_string_equal(info.ice_ufrag, "T7Ay");
  assert_string_equal(info.ice_pwd, "P780eXgpLeFI3Z658k9jHTNW");
  assert_int_equal(info.n_media, 3);
  for (int i = 0; i < 3; i++) {
    assert_true(info.media[i].accepted);
    assert_int_equal(info.media[i].direction, SDP_DIR_RECVONLY);
    assert_int_equal(info.media[i].ext_ids[SDP_EXT_MID], 1);
    assert_int_equal(info.media[i].ext_ids[SDP_EXT_TWCC], 4);
  }
  assert_false(info.media[0].rtx);
  assert_true(info.media[1].rtx);
  assert_true(info.media[2].rtx);
  assert_int_equal(info.media[0].ext_ids[SDP_EXT_AUDIO_LEVEL], 2);

  /* mismatches */
  assert_int_equal(sdp_read_answer(a, t, 2, &info, err, sizeof err), -1);
  assert_non_null(strstr(err, "m-sections"));
  snprintf(t[2].mid, sizeof t[2].mid, "zz");
  assert_int_equal(sdp_read_answer(a, t, 3, &info, err, sizeof err), -1);
  assert_non_null(strstr(err, "mid"));
  make_tracks(t);
  t[1].codec.pt = 100;
  assert_int_equal(sdp_read_answer(a, t, 3, &info, err, sizeof err), -1);
  assert_non_null(strstr(err, "payload type 100"));
  free(a);

  char *x = edit_lines(CHROME_SUB_ANSWER, "a=setup:active", "a=setup:actpass", true);
  a = parse_ok(x);
  make_tracks(t);
  assert_int_equal(sdp_read_answer(a, t, 3, &info, err, sizeof err), -1);
  assert_non_null(strstr(err, "setup"));
  free(a);
  free(x);
  x = edit_lines(CHROME_SUB_ANSWER, "a=fingerprint:", NULL, true);
  a = parse_ok(x);
  assert_int_equal(sdp_read_answer(a, t, 3, &info, err, sizeof err), -1);
  assert_non_null(strstr(err, "fingerprint"));
  free(a);
  free(x);
}

/* A track the browser rejects (port 0) or a removed one is reported as not accepted. */
static void test_read_answer_rejected_track(void **state) {
  sdp_track t[3];
  make_tracks(t);
  char *x = edit_lines(CHROME_SUB_ANSWER, "m=video 9 UDP/TLS/RTP/SAVPF 102 103",
                       "m=video 0 UDP/TLS/RTP/SAVPF 102 103", false);
  sdp_session *a = parse_ok(x);
  sdp_answer_info info;
  char err[256] = "";
  if (sdp_read_answer(a, t, 3, &info, err, sizeof err) != 0) fail_msg("%s", err);
  assert_true(info.media[1].accepted);
  assert_false(info.media[2].accepted);
  t[0].active = false;
  assert_int_equal(sdp_read_answer(a, t, 3, &info, err, sizeof err), 0);
  assert_false(info.media[0].accepted);
  free(a);
  free(x);
}

/* ---- payload types are per participant ---- */

/* Chrome publishes VP8 as 96, Firefox as 120; each subscriber sees the server's numbers. The
 * consumer's rewrite table is (publisher pt -> subscriber pt), taken from these results. */
static void test_payload_type_mapping(void **state) {
  sdp_session *chrome = parse_ok(CHROME_OFFER), *firefox = parse_ok(FIREFOX_OFFER);
  sdp_choice cc[SDP_MAX_MEDIA], fc[SDP_MAX_MEDIA];
  char err[128];
  assert_int_equal(sdp_negotiate(chrome, cc, err, sizeof err), 0);
  assert_int_equal(sdp_negotiate(firefox, fc, err, sizeof err), 0);
  const sdp_codec *cv = &chrome->media[1].codecs[cc[1].codec], *fv = &firefox->media[1].codecs[fc[1].codec];
  const sdp_codec *crtx = &chrome->media[1].codecs[cc[1].rtx], *frtx = &firefox->media[1].codecs[fc[1].rtx];
  assert_string_equal(cv->name, "VP8");
  assert_string_equal(fv->name, "VP8");
  assert_int_equal(cv->pt, 96);
  assert_int_equal(crtx->pt, 97);
  assert_int_equal(fv->pt, 120);
  assert_int_equal(frtx->pt, 124);
  assert_int_equal(chrome->media[0].codecs[cc[0].codec].pt, 111);
  assert_int_equal(firefox->media[0].codecs[fc[0].codec].pt, 109);

  /* The Chrome participant subscribes to Firefox's camera: the server offers its own VP8. */
  sdp_track t;
  make_track(&t, "f-cam", "VP8", 1);
  sdp_session *o = build_offer_ok(&t, 1, 1);
  const sdp_codec *sv = codec_named(&o->media[0], "VP8"), *srtx = codec_named(&o->media[0], "rtx");
  assert_int_equal(sv->pt, 96);
  assert_int_equal(srtx->pt, 97);
  assert_int_equal(srtx->apt, 96);
  struct {
    uint8_t from, to;
  } map[] = {{fv->pt, sv->pt}, {frtx->pt, srtx->pt}};
  assert_int_equal(map[0].from, 120);
  assert_int_equal(map[0].to, 96);
  assert_int_equal(map[1].from, 124);
  assert_int_equal(map[1].to, 97);
  free(o);
  free(chrome);
  free(firefox);
}

/* With an ICE-TCP port, every SDP the server writes (answer and subscribe offer) lists the
 * RFC 6544 passive TCP candidate after the UDP one, with a lower priority, in every m-section;
 * the result still parses. */
static void test_tcp_candidate_after_udp(void **state) {
  (void)state;
  static const char udp[] = "a=candidate:1 1 udp 2130706431 203.0.113.7 40000 typ host\r\n";
  static const char tcp[] =
      "a=candidate:1t 1 tcp 2124414975 203.0.113.7 40010 typ host tcptype passive\r\na=end-of-candidates\r\n";
  assert_true(2124414975ul < 2130706431ul);
  sdp_local l = local_params();
  l.tcp_port = 40010;
  char err[256] = "";
  sdp_session *offer = parse_ok(CHROME_OFFER);
  int n = sdp_build_answer(offer, &l, answer_buf, sizeof answer_buf, NULL, err, sizeof err);
  if (n < 0) fail_msg("sdp_build_answer: %s", err);
  char both[256];
  snprintf(both, sizeof both, "%s%s", udp, tcp);
  size_t count = 0;
  for (const char *p = answer_buf; (p = strstr(p, both)); p++) count++;
  assert_int_equal(count, offer->n_media);
  sdp_session *ans = parse_ok(answer_buf);
  assert_int_equal(ans->n_media, offer->n_media);
  free(ans);
  free(offer);

  sdp_track t[3];
  make_tracks(t);
  assert_true(sdp_build_offer(t, 3, &l, offer_buf, sizeof offer_buf, err, sizeof err) > 0);
  count = 0;
  for (const char *p = offer_buf; (p = strstr(p, both)); p++) count++;
  assert_int_equal(count, 3);
  sdp_session *o = parse_ok(offer_buf);
  free(o);
  /* Without the port, no TCP candidate. */
  l.tcp_port = 0;
  assert_true(sdp_build_offer(t, 3, &l, offer_buf, sizeof offer_buf, err, sizeof err) > 0);
  assert_null(strstr(offer_buf, " tcp "));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_tcp_candidate_after_udp),
      cmocka_unit_test(test_answer_chrome_round_trip),
      cmocka_unit_test(test_answer_chrome_simulcast),
      cmocka_unit_test(test_subscribe_offer_has_no_rid_extension),
      cmocka_unit_test(test_answer_firefox_round_trip),
      cmocka_unit_test(test_answer_aiortc_round_trip),
      cmocka_unit_test(test_negotiate_h264_preference),
      cmocka_unit_test(test_answer_rejects_unsupported_sections),
      cmocka_unit_test(test_answer_requires_bundle_mux_fingerprint),
      cmocka_unit_test(test_answer_buffer_bounds),
      cmocka_unit_test(test_answer_rejects_bad_local),
      cmocka_unit_test(test_subscribe_offer_and_reoffer),
      cmocka_unit_test(test_subscribe_offer_keeps_bundle_tag),
      cmocka_unit_test(test_subscribe_offer_zero_tracks),
      cmocka_unit_test(test_subscribe_offer_rejects_bad_tracks),
      cmocka_unit_test(test_read_chrome_answer),
      cmocka_unit_test(test_read_answer_rejected_track),
      cmocka_unit_test(test_payload_type_mapping),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
