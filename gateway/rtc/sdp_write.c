/* SDP writers: the answer on a participant's publish PeerConnection (the browser offered) and the
 * offer on its subscribe PeerConnection (the server offers, and re-offers as tracks come and go).
 * The server is ICE-lite with one host candidate per worker, always BUNDLE + rtcp-mux, and the
 * DTLS server on the publish side (setup:passive) while it offers actpass on the subscribe side.
 * Text goes into a caller buffer through a bounded appender; every string that comes from a
 * caller is checked for its grammar first, so no input can inject a line. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "gateway/rtc/sdp.h"
#include "gateway/rtc/sdp_int.h"

typedef struct {
  char *p;
  size_t cap, len;
  bool over;
} wbuf;

static void put(wbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(wbuf *b, const char *fmt, ...) {
  if (b->over) return;
  size_t room = b->cap - b->len;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(b->p + b->len, room, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= room) {
    b->over = true;
    return;
  }
  b->len += (size_t)n;
}

/* Ends a write: the length, or -1 when the buffer was too small. */
static int finish(wbuf *b, char *err, size_t errlen) {
  if (b->over || b->len > (size_t)INT32_MAX)
    return sdp__fail(err, errlen, "output buffer too small (%zu bytes)", b->cap);
  return (int)b->len;
}

static bool str_ok(const char *s, size_t min, size_t max, const char *extra, bool alnum) {
  size_t n = s ? strlen(s) : 0;
  if (n < min || n > max) return false;
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (alnum && isalnum(ch)) continue;
    if (!alnum && ch > 0x20 && ch < 0x7f) continue;
    if (extra && ch && strchr(extra, ch)) continue;
    return false;
  }
  return true;
}

#define ICE_CHARS "+/"
#define TOKEN_CHARS "!#$%&'*+-.^_`{|}~"

static int check_local(const sdp_local *l, char *err, size_t errlen) {
  if (!l) return sdp__fail(err, errlen, "no local parameters");
  if (!str_ok(l->ice_ufrag, 4, 256, ICE_CHARS, true))
    return sdp__fail(err, errlen, "local ice-ufrag must be 4..256 ice-chars");
  if (!str_ok(l->ice_pwd, 22, 256, ICE_CHARS, true))
    return sdp__fail(err, errlen, "local ice-pwd must be 22..256 ice-chars");
  if (!str_ok(l->ip, 2, 45, ".:", false) || strspn(l->ip, "0123456789abcdefABCDEF.:") != strlen(l->ip))
    return sdp__fail(err, errlen, "local candidate address must be an IPv4 or IPv6 literal");
  if (l->port == 0) return sdp__fail(err, errlen, "local candidate port must not be 0");
  if (!str_ok(l->foundation, 1, 31, ICE_CHARS, true))
    return sdp__fail(err, errlen, "local candidate foundation must be 1..31 ice-chars");
  return 0;
}

static const char *addr_type(const char *ip) { return strchr(ip, ':') ? "IP6" : "IP4"; }

static void put_session(wbuf *b, const sdp_local *l) {
  put(b, "v=0\r\no=- %llu %llu IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=ice-lite\r\n",
      (unsigned long long)l->session_id, (unsigned long long)l->session_version);
}

static void put_transport(wbuf *b, const sdp_local *l, const char *setup) {
  put(b, "c=IN %s %s\r\n", addr_type(l->ip), l->ip);
  put(b, "a=ice-ufrag:%s\r\na=ice-pwd:%s\r\na=fingerprint:sha-256 ", l->ice_ufrag, l->ice_pwd);
  for (int i = 0; i < SDP_FINGERPRINT_LEN; i++) put(b, i ? ":%02X" : "%02X", l->fingerprint[i]);
  put(b, "\r\na=setup:%s\r\n", setup);
}

/* The UDP host candidate, then (when the worker listens for ICE-TCP) the passive TCP one of
 * RFC 6544 with a lower priority, so a browser uses it only where UDP fails. Priorities per RFC
 * 8445 5.1.2.1: type preference 126 (host) for both; local preference 65535 for UDP, and for TCP
 * (2^13 * direction preference 4 for passive + 8191) as RFC 6544 4.2 gives: 2124414975 against
 * 2130706431. The TCP candidate's foundation is the UDP one's with a "t": another protocol,
 * another foundation. */
static void put_candidate(wbuf *b, const sdp_local *l) {
  put(b, "a=candidate:%s 1 udp 2130706431 %s %u typ host\r\n", l->foundation, l->ip, (unsigned)l->port);
  if (l->tcp_port)
    put(b, "a=candidate:%st 1 tcp %lu %s %u typ host tcptype passive\r\n", l->foundation,
        (126ul << 24) + ((4ul << 13 | 8191ul) << 8) + 255ul, l->ip, (unsigned)l->tcp_port);
  put(b, "a=end-of-candidates\r\n");
}

static void put_codec(wbuf *b, const sdp_codec *k, uint32_t fb) {
  if (k->channels)
    put(b, "a=rtpmap:%u %s/%u/%u\r\n", k->pt, k->name, (unsigned)k->clock, (unsigned)k->channels);
  else
    put(b, "a=rtpmap:%u %s/%u\r\n", k->pt, k->name, (unsigned)k->clock);
  if (k->fmtp[0]) put(b, "a=fmtp:%u %s\r\n", k->pt, k->fmtp);
  static const struct {
    uint32_t bit;
    const char *text;
  } fbs[] = {{SDP_FB_GOOG_REMB, "goog-remb"},
             {SDP_FB_TRANSPORT_CC, "transport-cc"},
             {SDP_FB_CCM_FIR, "ccm fir"},
             {SDP_FB_NACK, "nack"},
             {SDP_FB_NACK_PLI, "nack pli"}};
  for (size_t i = 0; i < sizeof fbs / sizeof fbs[0]; i++)
    if (fb & fbs[i].bit) put(b, "a=rtcp-fb:%u %s\r\n", k->pt, fbs[i].text);
}

static void put_rtx(wbuf *b, unsigned rtx_pt, unsigned apt, uint32_t clock) {
  put(b, "a=rtpmap:%u rtx/%u\r\na=fmtp:%u apt=%u\r\n", rtx_pt, (unsigned)clock, rtx_pt, apt);
}

static const char *dir_name(sdp_direction d) {
  static const char *const names[] = {"sendrecv", "sendonly", "recvonly", "inactive"};
  return (unsigned)d < 4 ? names[d] : "inactive";
}

int sdp_build_answer(const sdp_session *offer, const sdp_local *local, char *out, size_t cap,
                     sdp_choice choices_out[SDP_MAX_MEDIA], char *err, size_t errlen) {
  sdp_choice choices[SDP_MAX_MEDIA];
  if (out && cap) out[0] = '\0';
  if (!out) return sdp__fail(err, errlen, "no output buffer");
  if (check_local(local, err, errlen) < 0) return -1;
  if (sdp_negotiate(offer, choices, err, errlen) < 0) return -1;
  if (choices_out) memcpy(choices_out, choices, sizeof(sdp_choice) * offer->n_media);

  wbuf b = {.p = out, .cap = cap, .over = cap == 0};
  put_session(&b, local);
  bool any = false;
  for (size_t i = 0; i < offer->n_media; i++) {
    if (!choices[i].accepted) continue;
    put(&b, any ? " %s" : "a=group:BUNDLE %s", offer->media[i].mid);
    any = true;
  }
  if (any) put(&b, "\r\n");
  for (size_t i = 0; i < offer->n_media; i++) {
    const sdp_media *m = &offer->media[i];
    const sdp_choice *c = &choices[i];
    if (!c->accepted) {
      put(&b, "m=%s 0 %s %s\r\nc=IN IP4 0.0.0.0\r\na=mid:%s\r\na=inactive\r\n", m->kind_name, m->proto,
          m->first_fmt, m->mid);
      continue;
    }
    const sdp_codec *k = &m->codecs[c->codec];
    const sdp_codec *rtx = c->rtx >= 0 ? &m->codecs[c->rtx] : NULL;
    put(&b, "m=%s %u %s %u", m->kind_name, (unsigned)local->port, m->proto, k->pt);
    if (rtx) put(&b, " %u", rtx->pt);
    put(&b, "\r\n");
    put_transport(&b, local, "passive");
    put(&b, "a=mid:%s\r\na=%s\r\na=rtcp-mux\r\n", m->mid, dir_name(c->direction));
    for (int e = 0; e < SDP_EXT_COUNT; e++)
      if (c->ext_ids[e]) put(&b, "a=extmap:%u %s\r\n", c->ext_ids[e], sdp_ext_uri((sdp_ext)e));
    put_codec(&b, k, c->fb);
    if (rtx) put_rtx(&b, rtx->pt, k->pt, rtx->clock);
    if (c->n_rids) { /* rids were validated by the parser: [A-Za-z0-9_-]{1,16} */
      for (size_t r = 0; r < c->n_rids; r++) put(&b, "a=rid:%s recv\r\n", m->rids[r]);
      for (size_t r = 0; r < c->n_rids; r++) put(&b, r ? ";%s" : "a=simulcast:recv %s", m->rids[r]);
      put(&b, "\r\n");
    }
    put_candidate(&b, local);
  }
  return finish(&b, err, errlen);
}

static int check_track(const sdp_track *t, size_t i, char *err, size_t errlen) {
  const sdp_codec *k = &t->codec;
  if (!str_ok(t->mid, 1, SDP_MID_MAX - 1, TOKEN_CHARS, true))
    return sdp__fail(err, errlen, "track %zu: mid must be 1..32 token chars", i);
  if (t->kind != SDP_KIND_AUDIO && t->kind != SDP_KIND_VIDEO)
    return sdp__fail(err, errlen, "track %zu: kind must be audio or video", i);
  if (k->pt > 127 || !k->clock || !str_ok(k->name, 1, SDP_CODEC_NAME_MAX - 1, TOKEN_CHARS, true))
    return sdp__fail(err, errlen, "track %zu: codec needs a name, a clock and a payload type 0..127", i);
  if (!str_ok(k->fmtp, 0, SDP_FMTP_MAX - 1, " ", false))
    return sdp__fail(err, errlen, "track %zu: fmtp has control characters", i);
  if (t->rtx_pt < -1 || t->rtx_pt > 127 || t->rtx_pt == k->pt)
    return sdp__fail(err, errlen, "track %zu: rtx payload type must be -1 or 0..127, not the codec's", i);
  if (!t->active) return 0;
  if (!str_ok(t->cname, 1, SDP_TOKEN_MAX - 1, NULL, false))
    return sdp__fail(err, errlen, "track %zu: cname must be 1..64 chars without spaces", i);
  if (!str_ok(t->stream_id, 1, SDP_TOKEN_MAX - 1, TOKEN_CHARS, true) ||
      !str_ok(t->track_id, 1, SDP_TOKEN_MAX - 1, TOKEN_CHARS, true))
    return sdp__fail(err, errlen, "track %zu: msid stream and track ids must be 1..64 token chars", i);
  if (t->rtx_pt >= 0 && t->rtx_ssrc == t->ssrc)
    return sdp__fail(err, errlen, "track %zu: rtx ssrc must differ from the ssrc", i);
  return 0;
}

static void put_ssrc(wbuf *b, const sdp_track *t, uint32_t ssrc) {
  put(b, "a=ssrc:%u cname:%s\r\na=ssrc:%u msid:%s %s\r\n", (unsigned)ssrc, t->cname, (unsigned)ssrc,
      t->stream_id, t->track_id);
}

int sdp_build_offer(const sdp_track *tracks, size_t n_tracks, const sdp_local *local, char *out, size_t cap,
                    char *err, size_t errlen) {
  if (out && cap) out[0] = '\0';
  if (!out) return sdp__fail(err, errlen, "no output buffer");
  if (n_tracks && !tracks) return sdp__fail(err, errlen, "no tracks");
  if (n_tracks > SDP_MAX_MEDIA) return sdp__fail(err, errlen, "more than %d tracks", SDP_MAX_MEDIA);
  if (check_local(local, err, errlen) < 0) return -1;
  size_t tags = 0;
  for (size_t i = 0; i < n_tracks; i++) {
    if (check_track(&tracks[i], i, err, errlen) < 0) return -1;
    if (tracks[i].bundle_tag && ++tags > 1)
      return sdp__fail(err, errlen, "track %zu: a second BUNDLE tag", i);
    for (size_t j = 0; j < i; j++)
      if (strcmp(tracks[i].mid, tracks[j].mid) == 0)
        return sdp__fail(err, errlen, "mid '%s' used by two tracks", tracks[i].mid);
  }

  wbuf b = {.p = out, .cap = cap, .over = cap == 0};
  put_session(&b, local);
  bool any = false;
  for (size_t i = 0; i < n_tracks; i++) /* the tag first */
    if (tracks[i].bundle_tag && !any) {
      put(&b, "a=group:BUNDLE %s", tracks[i].mid);
      any = true;
    }
  for (size_t i = 0; i < n_tracks; i++) {
    if (!tracks[i].active || tracks[i].bundle_tag) continue;
    put(&b, any ? " %s" : "a=group:BUNDLE %s", tracks[i].mid);
    any = true;
  }
  if (any) put(&b, "\r\n");
  put(&b, "a=msid-semantic: WMS *\r\n");
  for (size_t i = 0; i < n_tracks; i++) {
    const sdp_track *t = &tracks[i];
    const sdp_codec *k = &t->codec;
    const char *kind = sdp_kind_name(t->kind);
    if (!t->active && t->bundle_tag) {
      put(&b, "m=%s %u UDP/TLS/RTP/SAVPF %u\r\n", kind, (unsigned)local->port, k->pt);
      put_transport(&b, local, "actpass");
      put(&b, "a=mid:%s\r\na=inactive\r\na=rtcp-mux\r\n", t->mid);
      put_codec(&b, k, 0);
      put_candidate(&b, local);
      continue;
    }
    if (!t->active) {
      put(&b, "m=%s 0 UDP/TLS/RTP/SAVPF %u\r\nc=IN IP4 0.0.0.0\r\na=mid:%s\r\na=inactive\r\n", kind, k->pt,
          t->mid);
      put_codec(&b, k, 0);
      continue;
    }
    put(&b, "m=%s %u UDP/TLS/RTP/SAVPF %u", kind, (unsigned)local->port, k->pt);
    if (t->rtx_pt >= 0) put(&b, " %d", t->rtx_pt);
    put(&b, "\r\n");
    put_transport(&b, local, "actpass");
    put(&b, "a=mid:%s\r\na=sendonly\r\na=rtcp-mux\r\n", t->mid);
    for (int e = 0; e < SDP_EXT_OFFERED; e++)
      if (e != SDP_EXT_AUDIO_LEVEL || t->kind == SDP_KIND_AUDIO)
        put(&b, "a=extmap:%d %s\r\n", sdp_ext_offer_id((sdp_ext)e), sdp_ext_uri((sdp_ext)e));
    put_codec(&b, k, k->fb);
    if (t->rtx_pt >= 0) put_rtx(&b, (unsigned)t->rtx_pt, k->pt, k->clock);
    put(&b, "a=msid:%s %s\r\n", t->stream_id, t->track_id);
    if (t->rtx_pt >= 0) put(&b, "a=ssrc-group:FID %u %u\r\n", (unsigned)t->ssrc, (unsigned)t->rtx_ssrc);
    put_ssrc(&b, t, t->ssrc);
    if (t->rtx_pt >= 0) put_ssrc(&b, t, t->rtx_ssrc);
    put_candidate(&b, local);
  }
  return finish(&b, err, errlen);
}
