/* SDP negotiation: what the server accepts from a parsed description. For the publish
 * PeerConnection it picks, per m-section of the browser's offer, the codec, RTX, rtcp-fb and
 * header extensions the SFU forwards (sdp_negotiate); for the subscribe PeerConnection it checks
 * the browser's answer against the tracks the server offered (sdp_read_answer) and provides the
 * server's canonical codec descriptions (sdp_codec_default). Payload types are per participant:
 * the publish side keeps the browser's numbers, the subscribe side uses the server's, and the
 * consumer rewrites one into the other. Pure functions over sdp.h structs. */
#include "gateway/rtc/sdp.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "gateway/rtc/sdp_int.h"

int sdp__fail(char *err, size_t errlen, const char *fmt, ...) {
  if (err && errlen > 0) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  return -1;
}

static bool codec_is(const sdp_codec *k, const char *name, uint32_t clock) {
  return k->has_rtpmap && strcasecmp(k->name, name) == 0 && k->clock == clock;
}

/* Value of `key` in a "k=v;k=v" fmtp into val[cap]; false when absent or too long. */
static bool fmtp_get(const char *fmtp, const char *key, char *val, size_t cap) {
  size_t klen = strlen(key);
  for (const char *p = fmtp; p && *p;) {
    while (*p == ' ' || *p == ';') p++;
    size_t n = strcspn(p, ";");
    if (n > klen && strncasecmp(p, key, klen) == 0 && p[klen] == '=') {
      size_t vlen = n - klen - 1;
      while (vlen > 0 && p[klen + 1 + vlen - 1] == ' ') vlen--;
      if (vlen >= cap) return false;
      memcpy(val, p + klen + 1, vlen);
      val[vlen] = '\0';
      return true;
    }
    p = strchr(p, ';');
  }
  return false;
}

/* H.264 the SFU forwards: packetization-mode=1, baseline family (profile_idc 0x42), so every
 * subscriber can decode it. 3: 42e01f exactly; 2: constrained baseline (42e0xx); 1: other
 * baseline; 0: not usable. */
static int h264_score(const sdp_codec *k) {
  char pm[8], plid[16];
  if (!fmtp_get(k->fmtp, "packetization-mode", pm, sizeof pm) || strcmp(pm, "1") != 0) return 0;
  if (!fmtp_get(k->fmtp, "profile-level-id", plid, sizeof plid)) return 1; /* default 42000a */
  if (strlen(plid) != 6 || strncasecmp(plid, "42", 2) != 0) return 0;
  if (strcasecmp(plid, "42e01f") == 0) return 3;
  return strncasecmp(plid, "42e0", 4) == 0 ? 2 : 1;
}

static int choose_codec(const sdp_media *m) {
  int best = -1, best_score = 0;
  for (size_t i = 0; i < m->n_codecs; i++) {
    const sdp_codec *k = &m->codecs[i];
    int score = 0;
    if (m->kind == SDP_KIND_AUDIO)
      score = codec_is(k, "opus", 48000) && k->channels == 2 ? 1 : 0;
    else if (m->kind == SDP_KIND_VIDEO && codec_is(k, "VP8", 90000))
      score = 10;
    else if (m->kind == SDP_KIND_VIDEO && codec_is(k, "H264", 90000))
      score = h264_score(k);
    if (score > best_score) {
      best = (int)i;
      best_score = score;
    }
  }
  return best;
}

static int find_rtx(const sdp_media *m, const sdp_codec *primary) {
  for (size_t i = 0; i < m->n_codecs; i++)
    if (codec_is(&m->codecs[i], "rtx", primary->clock) && m->codecs[i].apt == primary->pt) return (int)i;
  return -1;
}

static bool in_bundle(const sdp_session *s, const char *mid) {
  for (size_t i = 0; i < s->n_bundle; i++)
    if (strcmp(s->bundle[i], mid) == 0) return true;
  return false;
}

/* Extensions kept for a kind; the offer's ids, when the browser sends them. */
static void pick_extensions(const sdp_media *m, uint8_t ids[SDP_EXT_COUNT]) {
  memset(ids, 0, SDP_EXT_COUNT);
  for (size_t i = 0; i < m->n_extmaps; i++) {
    const sdp_extmap *e = &m->extmaps[i];
    int ext = sdp_ext_from_uri(e->uri);
    if (ext < 0 || (ext == SDP_EXT_AUDIO_LEVEL && m->kind != SDP_KIND_AUDIO)) continue;
    if ((ext == SDP_EXT_RID || ext == SDP_EXT_RRID) && m->kind != SDP_KIND_VIDEO) continue;
    if (e->direction == SDP_DIR_RECVONLY || e->direction == SDP_DIR_INACTIVE) continue;
    if (!ids[ext]) ids[ext] = e->id;
  }
}

int sdp_negotiate(const sdp_session *offer, sdp_choice choices[SDP_MAX_MEDIA], char *err, size_t errlen) {
  if (err && errlen) err[0] = '\0';
  if (!offer || !choices) return sdp__fail(err, errlen, "no offer");
  if (offer->n_bundle == 0) return sdp__fail(err, errlen, "offer has no a=group:BUNDLE (BUNDLE is required)");
  const sdp_transport *t = &offer->transport;
  if (!t->has_fingerprint) return sdp__fail(err, errlen, "offer has no sha-256 fingerprint");
  if (!t->ice_ufrag[0] || !t->ice_pwd[0]) return sdp__fail(err, errlen, "offer has no ice-ufrag/ice-pwd");
  if (t->setup == SDP_SETUP_PASSIVE)
    return sdp__fail(err, errlen, "offer has setup:passive; the server is the DTLS server (use actpass)");
  for (size_t i = 0; i < offer->n_media; i++) {
    const sdp_media *m = &offer->media[i];
    sdp_choice *c = &choices[i];
    memset(c, 0, sizeof *c);
    c->codec = c->rtx = -1;
    c->direction = SDP_DIR_INACTIVE;
    bool live = (m->port != 0 || m->bundle_only) && in_bundle(offer, m->mid);
    bool kind_ok = (m->kind == SDP_KIND_AUDIO || m->kind == SDP_KIND_VIDEO) &&
                   strcmp(m->proto, "UDP/TLS/RTP/SAVPF") == 0;
    if (!live || !kind_ok) continue;
    if (!m->rtcp_mux)
      return sdp__fail(err, errlen, "m-section '%s' has no a=rtcp-mux (rtcp-mux is required)", m->mid);
    c->codec = choose_codec(m);
    if (c->codec < 0) continue;
    const sdp_codec *k = &m->codecs[c->codec];
    c->accepted = true;
    c->rtx = m->kind == SDP_KIND_VIDEO ? find_rtx(m, k) : -1;
    c->direction = m->direction == SDP_DIR_SENDONLY || m->direction == SDP_DIR_SENDRECV ? SDP_DIR_RECVONLY
                                                                                        : SDP_DIR_INACTIVE;
    /* No transport-cc: the SFU sends no transport-wide feedback, so the browser must estimate
     * its send bandwidth from our REMB instead (see rooms/producer.c). */
    c->fb = k->fb & (m->kind == SDP_KIND_VIDEO ? (uint32_t)(SDP_FB_ALL & ~SDP_FB_TRANSPORT_CC) : 0u);
    pick_extensions(m, c->ext_ids);
    c->ext_ids[SDP_EXT_TWCC] = 0;
    /* rid simulcast: the SSRCs are not signalled, the server learns them from the RID extension
     * of the first packets, so without that extension the encodings cannot be told apart. */
    if (m->kind == SDP_KIND_VIDEO && m->simulcast && m->n_rids > 0 && c->ext_ids[SDP_EXT_RID])
      c->n_rids = m->n_rids;
    else
      c->ext_ids[SDP_EXT_RID] = c->ext_ids[SDP_EXT_RRID] = 0;
  }
  return 0;
}

int sdp_read_answer(const sdp_session *answer, const sdp_track *tracks, size_t n_tracks, sdp_answer_info *out,
                    char *err, size_t errlen) {
  if (err && errlen) err[0] = '\0';
  if (!answer || !out || (n_tracks && !tracks)) return sdp__fail(err, errlen, "no answer");
  memset(out, 0, sizeof *out);
  if (n_tracks > SDP_MAX_MEDIA) return sdp__fail(err, errlen, "more than %d tracks", SDP_MAX_MEDIA);
  if (answer->n_media != n_tracks)
    return sdp__fail(err, errlen, "answer has %zu m-sections, the offer %zu", answer->n_media, n_tracks);
  bool any = false;
  for (size_t i = 0; i < n_tracks; i++) {
    const sdp_media *m = &answer->media[i];
    const sdp_track *tr = &tracks[i];
    sdp_answered *a = &out->media[i];
    if (strcmp(m->mid, tr->mid) != 0)
      return sdp__fail(err, errlen, "answer m-section %zu has mid '%s', the offer '%s'", i, m->mid, tr->mid);
    if (m->kind != tr->kind)
      return sdp__fail(err, errlen, "answer m-section '%s' changed the media kind", m->mid);
    a->direction = m->direction;
    a->accepted = tr->active && (m->port != 0 || m->bundle_only) && m->direction != SDP_DIR_INACTIVE;
    if (!a->accepted) continue;
    if (m->direction != SDP_DIR_RECVONLY)
      return sdp__fail(err, errlen, "answer m-section '%s' must be recvonly or inactive", m->mid);
    if (!sdp_media_find_codec(m, tr->codec.pt))
      return sdp__fail(err, errlen, "answer m-section '%s' does not keep payload type %u", m->mid,
                       tr->codec.pt);
    a->rtx = tr->rtx_pt >= 0 && sdp_media_find_codec(m, tr->rtx_pt) != NULL;
    for (size_t e = 0; e < m->n_extmaps; e++) {
      int ext = sdp_ext_from_uri(m->extmaps[e].uri);
      if (ext >= 0 && !a->ext_ids[ext]) a->ext_ids[ext] = m->extmaps[e].id;
    }
    if (!in_bundle(answer, m->mid))
      return sdp__fail(err, errlen, "answer m-section '%s' is not in the BUNDLE group", m->mid);
    any = true;
  }
  out->n_media = n_tracks;
  const sdp_transport *t = &answer->transport;
  if (!any) return 0;
  if (!t->has_fingerprint) return sdp__fail(err, errlen, "answer has no sha-256 fingerprint");
  if (t->setup != SDP_SETUP_ACTIVE && t->setup != SDP_SETUP_PASSIVE)
    return sdp__fail(err, errlen, "answer setup must be active or passive");
  if (!t->ice_ufrag[0] || !t->ice_pwd[0]) return sdp__fail(err, errlen, "answer has no ice-ufrag/ice-pwd");
  out->setup = t->setup;
  memcpy(out->fingerprint, t->fingerprint, SDP_FINGERPRINT_LEN);
  memcpy(out->ice_ufrag, t->ice_ufrag, SDP_UFRAG_MAX);
  memcpy(out->ice_pwd, t->ice_pwd, SDP_PWD_MAX);
  return 0;
}

int sdp_codec_default(const char *name, sdp_codec *codec, int *rtx_pt) {
  static const struct {
    const char *name;
    uint8_t pt;
    uint32_t clock;
    uint8_t channels;
    const char *fmtp;
    uint32_t fb;
    int rtx;
  } defaults[] = {
      /* Subscribe offers: transport-cc on every track, so the browser reports each packet's
       * arrival and the server estimates the bandwidth toward it (rooms/sub_bwe.h). Audio is
       * numbered too: the estimator must see the share of the link audio takes (at 150 kbit/s
       * three Opus streams take most of it), and keeps hearing from a viewer whose video is
       * paused. (It was once left off audio for a failure that was the BUNDLE tag's, see
       * sdp_track.bundle_tag.) */
      {"opus", 111, 48000, 2, "minptime=10;useinbandfec=1", SDP_FB_TRANSPORT_CC, -1},
      {"VP8", 96, 90000, 0, "", SDP_FB_ALL, 97},
      {"H264", 102, 90000, 0, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
       SDP_FB_ALL, 103},
  };
  if (!name || !codec) return -1;
  for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++) {
    if (strcasecmp(name, defaults[i].name) != 0) continue;
    memset(codec, 0, sizeof *codec);
    codec->pt = defaults[i].pt;
    codec->has_rtpmap = true;
    snprintf(codec->name, sizeof codec->name, "%s", defaults[i].name);
    codec->clock = defaults[i].clock;
    codec->channels = defaults[i].channels;
    snprintf(codec->fmtp, sizeof codec->fmtp, "%s", defaults[i].fmtp);
    codec->apt = -1;
    codec->fb = defaults[i].fb;
    if (rtx_pt) *rtx_pt = defaults[i].rtx;
    return 0;
  }
  return -1;
}
