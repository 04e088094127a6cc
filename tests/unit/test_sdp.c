/* Unit tests of gateway/rtc/sdp, parsing: real offers (Chromium 156 and aiortc 1.4 captured on this
 * machine, a Firefox 121-shaped one), LF-only line endings, and hostile input: truncation at every
 * byte, bad numbers, oversized sections and lines, garbage and mutated bytes (the mutations that
 * parse are answered too). Negotiation and the offers and answers Moa writes are in
 * test_sdp_negotiate.c. The suite runs under ASan/UBSan; "never crash" is checked there. */
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

/* ---- parsing real offers ---- */

static void test_parse_chrome_offer(void **state) {
  sdp_session *s = parse_ok(CHROME_OFFER);
  assert_false(s->ice_lite);
  assert_int_equal(s->n_bundle, 2);
  assert_string_equal(s->bundle[0], "0");
  assert_string_equal(s->bundle[1], "1");
  assert_string_equal(s->transport.ice_ufrag, "LV4q");
  assert_string_equal(s->transport.ice_pwd, "iTlc3ZyqSP7rfPxnPOx0zqPL");
  assert_true(s->transport.has_fingerprint);
  assert_int_equal(s->transport.fingerprint[0], 0xD5);
  assert_int_equal(s->transport.fingerprint[31], 0xA0);
  assert_int_equal(s->transport.setup, SDP_SETUP_ACTPASS);
  assert_int_equal(s->n_media, 2);

  const sdp_media *a = &s->media[0];
  assert_int_equal(a->kind, SDP_KIND_AUDIO);
  assert_int_equal(a->port, 51205);
  assert_string_equal(a->proto, "UDP/TLS/RTP/SAVPF");
  assert_string_equal(a->mid, "0");
  assert_int_equal(a->direction, SDP_DIR_SENDONLY);
  assert_true(a->rtcp_mux);
  assert_false(a->simulcast);
  assert_int_equal(a->n_codecs, 8);
  const sdp_codec *opus = sdp_media_find_codec(a, 111);
  assert_non_null(opus);
  assert_string_equal(opus->name, "opus");
  assert_int_equal(opus->clock, 48000);
  assert_int_equal(opus->channels, 2);
  assert_string_equal(opus->fmtp, "minptime=10;useinbandfec=1");
  assert_int_equal(opus->fb, SDP_FB_TRANSPORT_CC);
  assert_string_equal(sdp_media_find_codec(a, 63)->name, "red");
  assert_int_equal(a->n_extmaps, 4);
  assert_int_equal(ext_id(a, SDP_EXT_AUDIO_LEVEL), 1);
  assert_int_equal(ext_id(a, SDP_EXT_MID), 4);
  assert_int_equal(a->n_ssrcs, 1);
  assert_int_equal(a->ssrcs[0].ssrc, 3709246340u);
  assert_string_equal(a->ssrcs[0].cname, "zFl+Nj3gmmNbgLiV");
  assert_string_equal(a->ssrcs[0].msid_stream, "dfc037fb-2010-44d9-a997-7f317911b976");
  assert_string_equal(a->msid_track, "75549c3d-3ea0-425a-ada1-c49d6282ee25");
  assert_false(a->has_fid);

  const sdp_media *v = &s->media[1];
  assert_int_equal(v->kind, SDP_KIND_VIDEO);
  assert_int_equal(v->port, 9);
  assert_int_equal(v->n_codecs, 23);
  assert_int_equal(v->codecs[0].pt, 96);
  assert_string_equal(v->codecs[0].name, "VP8");
  assert_int_equal(v->codecs[0].fb, SDP_FB_ALL);
  const sdp_codec *rtx = sdp_media_find_codec(v, 97);
  assert_string_equal(rtx->name, "rtx");
  assert_int_equal(rtx->apt, 96);
  assert_int_equal(rtx->fb, 0);
  assert_string_equal(sdp_media_find_codec(v, 45)->name, "AV1");
  assert_string_equal(sdp_media_find_codec(v, 98)->name, "VP9");
  assert_string_equal(sdp_media_find_codec(v, 120)->name, "ulpfec");
  assert_string_equal(sdp_media_find_codec(v, 108)->fmtp,
                      "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f");
  assert_int_equal(v->n_extmaps, 11);
  assert_int_equal(ext_id(v, SDP_EXT_TWCC), 3);
  assert_int_equal(ext_id(v, SDP_EXT_ABS_SEND_TIME), 2);
  assert_true(v->has_fid);
  assert_int_equal(v->fid_primary, 2033909644u);
  assert_int_equal(v->fid_rtx, 16505501u);
  assert_int_equal(v->n_ssrcs, 2);
  assert_string_equal(v->msid_track, "390ad947-0161-4a63-839d-29d0d176ab53");
  free(s);
}

static void test_parse_firefox_offer(void **state) {
  sdp_session *s = parse_ok(FIREFOX_OFFER);
  assert_int_equal(s->n_media, 2);
  assert_string_equal(s->transport.ice_ufrag, "7f3e2a1b");
  assert_true(s->transport.has_fingerprint); /* session level, inherited */
  assert_int_equal(s->media[1].transport.fingerprint[0], 0x9A);
  assert_int_equal(s->media[0].transport.setup, SDP_SETUP_ACTPASS);
  const sdp_media *a = &s->media[0], *v = &s->media[1];
  assert_int_equal(a->direction, SDP_DIR_SENDONLY); /* media level wins over session a=sendrecv */
  assert_int_equal(a->extmaps[1].direction, SDP_DIR_RECVONLY);
  assert_string_equal(a->extmaps[1].uri, "urn:ietf:params:rtp-hdrext:csrc-audio-level");
  const sdp_codec *opus = sdp_media_find_codec(a, 109);
  assert_string_equal(opus->fmtp, "maxplaybackrate=48000;stereo=1;useinbandfec=1"); /* fmtp before rtpmap */
  assert_int_equal(opus->channels, 2);
  assert_int_equal(sdp_media_find_codec(a, 101)->channels, 1);
  assert_int_equal(sdp_media_find_codec(v, 124)->apt, 120);
  assert_int_equal(sdp_media_find_codec(v, 120)->fb, SDP_FB_ALL);
  assert_int_equal(sdp_media_find_codec(v, 122)->fb, 0);
  assert_true(v->has_fid);
  assert_int_equal(v->fid_rtx, 3362015847u);
  assert_string_equal(v->msid_stream, "{0c6a1f4e-8a6b-4d0c-9e2f-3b5d7a9c1e20}");
  assert_string_equal(v->ssrcs[0].cname, "{b7c4e2a1-3f5d-4a6b-9c8e-1d2f3a4b5c6d}");
  free(s);
}

static void test_parse_aiortc_offer(void **state) {
  sdp_session *s = parse_ok(AIORTC_OFFER);
  assert_int_equal(s->n_media, 2);
  /* aiortc gives each bundled m-section its own credentials: the BUNDLE tag's are the transport's */
  assert_string_equal(s->media[0].transport.ice_ufrag, "mtc5");
  assert_string_equal(s->media[1].transport.ice_ufrag, "jkDs");
  assert_string_equal(s->transport.ice_ufrag, "mtc5");
  assert_string_equal(s->transport.ice_pwd, "lb46Sw9ndkILn2XAXDnkJS");
  assert_int_equal(s->media[0].direction, SDP_DIR_SENDONLY);
  assert_string_equal(sdp_media_find_codec(&s->media[0], 96)->name, "opus");
  assert_string_equal(sdp_media_find_codec(&s->media[1], 97)->name, "VP8");
  assert_int_equal(sdp_media_find_codec(&s->media[1], 98)->apt, 97);
  assert_int_equal(s->media[1].fid_primary, 2626520703u);
  assert_string_equal(s->media[0].ssrcs[0].cname, "f36eb0e9-0e09-48f3-ac90-9aebb3b05631");
  free(s);
}

static char *strip_cr(const char *src) {
  char *out = malloc(strlen(src) + 1), *o = out;
  assert_non_null(out);
  for (; *src; src++)
    if (*src != '\r') *o++ = *src;
  *o = '\0';
  return out;
}

/* Which ICE credentials count when bundled m-sections carry different ones (aiortc): those of
 * the BUNDLE-tagged m-section, the first mid of the group (RFC 8843 7.1), wherever it stands
 * among the m-sections; without a group, the first m-section's. */
static void test_bundle_tag_credentials(void **state) {
  (void)state;
  char *t = edit_lines(AIORTC_OFFER, "a=group:BUNDLE", "a=group:BUNDLE 1 0", false);
  sdp_session *s = parse_ok(t);
  assert_string_equal(s->media[0].transport.ice_ufrag, "mtc5");
  assert_string_equal(s->transport.ice_ufrag, "jkDs"); /* mid 1 tags the group */
  assert_string_equal(s->transport.ice_pwd, "SsYrKx6uaCG6Ec45CVaydi");
  free(s);
  free(t);
  t = edit_lines(AIORTC_OFFER, "a=group:BUNDLE", NULL, false);
  s = parse_ok(t);
  assert_int_equal(s->n_bundle, 0);
  assert_string_equal(s->transport.ice_ufrag, "mtc5");
  free(s);
  free(t);
}

/* "\n" line endings, and no final line ending, give the same result as "\r\n". */
static void test_parse_lf_only_equals_crlf(void **state) {
  static char a1[64 * 1024];
  sdp_local l = local_params();
  char err[256];
  sdp_session *crlf = parse_ok(CHROME_OFFER);
  assert_true(sdp_build_answer(crlf, &l, a1, sizeof a1, NULL, err, sizeof err) > 0);
  char *lf = strip_cr(CHROME_OFFER);
  lf[strlen(lf) - 1] = '\0';
  sdp_session *s = parse_ok(lf);
  assert_true(sdp_build_answer(s, &l, answer_buf, sizeof answer_buf, NULL, err, sizeof err) > 0);
  assert_string_equal(a1, answer_buf);
  assert_int_equal(s->media[1].n_codecs, 23);
  free(lf);
  free(s);
  free(crlf);
}

/* ---- hostile input ---- */

static int parsed_ok, answered_ok;

/* Parses anything; when it parses, answers it and parses the answer back. Never crashes. The
 * session is reused (static) to keep ten thousand iterations fast under ASan. */
static void parse_any(const char *text, size_t len) {
  static sdp_session *s;
  static char out[64 * 1024];
  if (!s) s = new_session();
  char err[256] = "";
  int rc = sdp_parse(text, len, s, err, sizeof err);
  if (rc != 0) {
    assert_int_equal(rc, -1);
    assert_true(err[0] != '\0');
    return;
  }
  parsed_ok++;
  sdp_local l = local_params();
  sdp_choice ch[SDP_MAX_MEDIA];
  int n = sdp_build_answer(s, &l, out, sizeof out, ch, err, sizeof err);
  if (n >= 0) {
    answered_ok++;
    sdp_session *back = new_session();
    if (sdp_parse(out, (size_t)n, back, err, sizeof err) != 0)
      fail_msg("own answer does not parse: %s\n%s", err, out);
    free(back);
  }
}

static void test_truncated_everywhere(void **state) {
  const char *fixtures[] = {CHROME_OFFER, FIREFOX_OFFER, AIORTC_OFFER, CHROME_SUB_ANSWER};
  for (size_t f = 0; f < 4; f++) {
    size_t len = strlen(fixtures[f]);
    /* a copy of exactly `cut` bytes, so ASan sees any read past len */
    for (size_t cut = 0; cut <= len; cut++) {
      char *p = malloc(cut ? cut : 1);
      memcpy(p, fixtures[f], cut);
      parse_any(p, cut);
      free(p);
    }
  }
  parse_fails("", 0, "empty");
  parse_fails("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n", 28, "missing o=, s= or t=");
}

static void expect_bad(const char *base, const char *prefix, const char *repl, const char *want) {
  char *t = edit_lines(base, prefix, repl, false);
  parse_fails(t, strlen(t), want);
  free(t);
}

static void test_malformed_fields(void **state) {
  const char *C = CHROME_OFFER;
  expect_bad(C, "v=0", "v=1", "v=0");
  expect_bad(C, "v=0", NULL, "v=0");
  expect_bad(C, "o=", NULL, "missing o=");
  expect_bad(C, "s=", NULL, "missing o=, s= or t=");
  expect_bad(C, "m=audio", "m=audio 70000 UDP/TLS/RTP/SAVPF 111", "port");
  expect_bad(C, "m=audio", "m=audio -1 UDP/TLS/RTP/SAVPF 111", "port");
  expect_bad(C, "m=audio", "m=audio 9 UDP/TLS/RTP/SAVPF 128", "payload type");
  expect_bad(C, "m=audio", "m=audio 9 UDP/TLS/RTP/SAVPF 111 111", "twice");
  expect_bad(C, "m=audio", "m=audio 9 UDP/TLS/RTP/SAVPF", "without formats");
  expect_bad(C, "m=audio", "m=audio 9", "m= line");
  expect_bad(C, "a=rtpmap:111", "a=rtpmap:300 opus/48000/2", "0..127");
  expect_bad(C, "a=rtpmap:111", "a=rtpmap:111 opus", "clock");
  expect_bad(C, "a=rtpmap:111", "a=rtpmap:111 opus/0/2", "clock");
  expect_bad(C, "a=rtpmap:111", "a=rtpmap:111 opus/48000/0", "channels");
  expect_bad(C, "a=rtpmap:111", "a=rtpmap:111 opus/99999999999/2", "clock");
  expect_bad(C, "a=fmtp:97 apt=96", "a=fmtp:97 apt=960", "apt");
  expect_bad(C, "a=rtcp-fb:96 nack pli", "a=rtcp-fb:x nack", "rtcp-fb");
  expect_bad(C, "a=extmap:1 ", "a=extmap:0 urn:ietf:params:rtp-hdrext:ssrc-audio-level", "1..255");
  expect_bad(C, "a=extmap:1 ", "a=extmap:256 urn:ietf:params:rtp-hdrext:ssrc-audio-level", "1..255");
  expect_bad(C, "a=extmap:1 ", "a=extmap:2 urn:x", "duplicate a=extmap");
  expect_bad(C, "a=extmap:1 ", "a=extmap:1/sideways urn:x", "direction");
  expect_bad(C, "a=ice-ufrag:", "a=ice-ufrag:abc", "ice-ufrag");
  expect_bad(C, "a=ice-ufrag:", "a=ice-ufrag:ab-cd", "ice-ufrag");
  expect_bad(C, "a=ice-pwd:", "a=ice-pwd:short", "ice-pwd");
  expect_bad(C, "a=ice-pwd:", "a=ice-pwd:iTlc3ZyqSP7rfPxnPOx0z=PL", "ice-pwd");
  expect_bad(C, "a=fingerprint:", "a=fingerprint:sha-256 D5:D4:94", "fingerprint");
  expect_bad(
      C, "a=fingerprint:",
      "a=fingerprint:sha-256 "
      "G5:D4:94:06:5B:AE:8D:CF:7F:A8:D4:68:9C:3F:8B:A1:FE:E5:13:43:21:FC:3A:9F:7E:25:59:C9:04:37:E8:A0",
      "fingerprint");
  expect_bad(
      C, "a=fingerprint:",
      "a=fingerprint:sha-256 "
      "D5-D4:94:06:5B:AE:8D:CF:7F:A8:D4:68:9C:3F:8B:A1:FE:E5:13:43:21:FC:3A:9F:7E:25:59:C9:04:37:E8:A0",
      "fingerprint");
  expect_bad(C, "a=fingerprint:", "a=fingerprint:sha-256", "fingerprint");
  expect_bad(C, "a=setup:", "a=setup:holdconn", "setup");
  expect_bad(C, "a=mid:0", "a=mid:1", "two m-sections");
  expect_bad(C, "a=mid:0", NULL, "no a=mid");
  expect_bad(C, "a=mid:0", "a=mid:abcdefghijklmnopqrstuvwxyz0123456789", "a=mid");
  expect_bad(C, "a=group:BUNDLE", "a=group:BUNDLE 0 1 7", "names no m-section");
  expect_bad(C, "a=group:BUNDLE", "a=group:BUNDLE 0 0", "twice");
  expect_bad(C, "a=ssrc-group:FID", "a=ssrc-group:FID 1", "two ssrcs");
  expect_bad(C, "a=ssrc-group:FID", "a=ssrc-group:FID 1 4294967296", "32-bit");
  expect_bad(C, "a=ssrc:3709246340 cname", "a=ssrc:x cname:y", "32-bit");
  expect_bad(C, "a=msid:", "a=msid:a b c", "msid");
  expect_bad(C, "a=rtcp-mux", "garbage", "type");
  expect_bad(C, "a=rtcp-mux", "=x", "type");
  expect_bad(C, "t=0 0", "t=0 0\r\nv=0", "v= after");
  expect_bad(C, "a=rtcp-mux", "a=rtcp-mux\r\ns=late", "inside a media section");
  expect_bad(C, "a=rtcp-mux", "a=rtcp-mux\r\nZ=upper", "line type");
  expect_bad(C, "a=rtpmap:96 VP8", "a=rtpmap:96 VP8/90000\r\na=rtpmap:96 VP8/90000", "duplicate a=rtpmap");
}

/* head followed by n copies of the printf format `line` (given the copy's index). */
static char *repeat_lines(const char *head, const char *line, int n) {
  size_t cap = strlen(head) + (strlen(line) + 2) * (size_t)n + 1;
  char *t = malloc(cap), *o = t;
  o += sprintf(o, "%s", head);
  for (int i = 0; i < n; i++) o += sprintf(o, line, i);
  return t;
}

#define HEAD "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"

static void test_oversized(void **state) {
  char *t = repeat_lines(HEAD, "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:%d\r\n", SDP_MAX_MEDIA);
  sdp_session *s = parse_ok(t);
  assert_int_equal(s->n_media, SDP_MAX_MEDIA);
  free(s);
  free(t);
  t = repeat_lines(HEAD, "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:%d\r\n", SDP_MAX_MEDIA + 1);
  parse_fails(t, strlen(t), "m-sections");
  free(t);

  char ml[1024] = HEAD "m=video 9 UDP/TLS/RTP/SAVPF";
  for (int i = 0; i <= SDP_MAX_CODECS; i++) sprintf(ml + strlen(ml), " %d", 60 + i);
  strcat(ml, "\r\na=mid:0\r\n");
  parse_fails(ml, strlen(ml), "payload types");

  t = repeat_lines(HEAD "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\n", "a=extmap:%d urn:x\r\n",
                   SDP_MAX_EXTMAPS + 1);
  parse_fails(t, strlen(t), "extmap");
  free(t);
  t = repeat_lines(HEAD "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\n", "a=ssrc:%d cname:x\r\n",
                   SDP_MAX_SSRCS + 1);
  parse_fails(t, strlen(t), "ssrcs");
  free(t);
  t = repeat_lines(HEAD, "a=x-%d\r\n", SDP_MAX_LINES);
  parse_fails(t, strlen(t), "lines");
  free(t);

  /* one huge line */
  size_t n = SDP_MAX_LINE + 100;
  t = malloc(strlen(HEAD) + n + 3);
  strcpy(t, HEAD "a=");
  memset(t + strlen(t), 'x', n);
  t[strlen(HEAD) + n] = '\0';
  parse_fails(t, strlen(t), "longer than");
  free(t);

  /* longest acceptable line still parses; fmtp over its bound fails */
  char *long_fmtp = malloc(SDP_FMTP_MAX + 64);
  sprintf(long_fmtp, "a=fmtp:111 x=");
  memset(long_fmtp + strlen(long_fmtp), 'y', SDP_FMTP_MAX);
  long_fmtp[13 + SDP_FMTP_MAX] = '\0';
  expect_bad(CHROME_OFFER, "a=fmtp:111", long_fmtp, "fmtp");
  free(long_fmtp);

  /* more than SDP_MAX_TEXT bytes */
  t = malloc(SDP_MAX_TEXT + 2);
  memset(t, '\n', SDP_MAX_TEXT + 1);
  parse_fails(t, SDP_MAX_TEXT + 1, "longer than");
  free(t);
}

static void test_control_and_garbage_bytes(void **state) {
  char *t = malloc(strlen(CHROME_OFFER) + 1);
  strcpy(t, CHROME_OFFER);
  t[200] = '\0'; /* NUL inside len */
  parse_fails(t, strlen(CHROME_OFFER), "control character");
  strcpy(t, CHROME_OFFER);
  t[200] = '\x01';
  parse_fails(t, strlen(t), "control character");
  strcpy(t, CHROME_OFFER);
  t[200] = '\r';
  parse_fails(t, strlen(t), "control character");
  free(t);
  /* high bytes are not control characters but are not token characters either */
  expect_bad(CHROME_OFFER, "a=mid:0", "a=mid:\xc3\xa9", "a=mid");

  /* pseudo-random garbage and mutations of real offers (deterministic) */
  uint32_t seed = 12345;
#define RND() (seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7fff)
  for (int i = 0; i < 2000; i++) {
    size_t len = RND() % 600;
    char *g = malloc(len ? len : 1);
    for (size_t k = 0; k < len; k++)
      g[k] = i % 2 ? (char)(RND() & 0xff) : " =av0123456789:/\r\nmos"[RND() % 21];
    if (len > 2 && i % 3 == 0) memcpy(g, "v=", 2);
    parse_any(g, len);
    free(g);
  }
  const char *fixtures[] = {CHROME_OFFER, FIREFOX_OFFER, AIORTC_OFFER};
  parsed_ok = answered_ok = 0;
  for (int i = 0; i < 3000; i++) {
    const char *src = fixtures[i % 3];
    size_t len = strlen(src);
    char *m = malloc(len);
    memcpy(m, src, len);
    int flips = 1 + RND() % 4;
    for (int k = 0; k < flips; k++) {
      size_t at = RND() % len;
      const char *alphabet = "0123456789 :/=-x\n";
      m[at] = RND() % 4 ? alphabet[RND() % 17] : (char)(RND() & 0xff);
    }
    parse_any(m, len);
    free(m);
  }
  /* the mutations reach the answer writer, not only the parser's error paths */
  print_message("mutations: %d of 3000 parsed, %d answered\n", parsed_ok, answered_ok);
  assert_true(parsed_ok > 300);
  assert_true(answered_ok > 300);
}

static void test_helpers(void **state) {
  assert_string_equal(sdp_kind_name(SDP_KIND_VIDEO), "video");
  assert_int_equal(sdp_ext_from_uri("urn:ietf:params:rtp-hdrext:sdes:mid"), SDP_EXT_MID);
  assert_int_equal(sdp_ext_from_uri("urn:ietf:params:rtp-hdrext:toffset"), -1);
  assert_int_equal(sdp_ext_offer_id(SDP_EXT_TWCC), 4);
  sdp_codec k;
  int rtx;
  assert_int_equal(sdp_codec_default("h264", &k, &rtx), 0);
  assert_int_equal(k.pt, 102);
  assert_int_equal(rtx, 103);
  assert_int_equal(sdp_codec_default("AV1", &k, &rtx), -1);
  sdp_session *s = parse_ok(CHROME_OFFER);
  assert_int_equal(sdp_find_mid(s, "1"), 1);
  assert_int_equal(sdp_find_mid(s, "9"), -1);
  assert_null(sdp_media_find_codec(&s->media[0], 96));
  free(s);
  /* NULL and zero-length error buffers are tolerated */
  sdp_session *z = new_session();
  assert_int_equal(sdp_parse("x", 1, z, NULL, 0), -1);
  assert_int_equal(sdp_parse(NULL, 0, z, NULL, 0), -1);
  free(z);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parse_chrome_offer),        cmocka_unit_test(test_parse_firefox_offer),
      cmocka_unit_test(test_parse_aiortc_offer),        cmocka_unit_test(test_bundle_tag_credentials),
      cmocka_unit_test(test_parse_lf_only_equals_crlf), cmocka_unit_test(test_truncated_everywhere),
      cmocka_unit_test(test_malformed_fields),          cmocka_unit_test(test_oversized),
      cmocka_unit_test(test_control_and_garbage_bytes), cmocka_unit_test(test_helpers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
