/* libFuzzer target: the SDP parser and negotiation (gateway/rtc/sdp*.c), which read the offers and
 * answers a signed-in participant sends in media.publish / media.answer. Each input is one SDP
 * text: it is parsed; a parsed offer is negotiated and answered, and the answer the server writes
 * must parse again with the offer's mids in order; the parsed text is also read as the browser's
 * answer to a three-track subscribe offer. Lookups run over every m-section.
 *
 * Built by `make fuzz` and replayed by ctest (fuzz_replay_sdp); see docs/FUZZING.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/rtc/sdp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sdp_session *offer, *answer;
static sdp_track tracks[3];
static char text[64 * 1024];

static void make_track(sdp_track *t, const char *mid, const char *codec, int n) {
  memset(t, 0, sizeof *t);
  snprintf(t->mid, sizeof t->mid, "%s", mid);
  t->kind = strcmp(codec, "opus") == 0 ? SDP_KIND_AUDIO : SDP_KIND_VIDEO;
  if (sdp_codec_default(codec, &t->codec, &t->rtx_pt) != 0) abort();
  t->ssrc = 1000 + (uint32_t)n;
  t->rtx_ssrc = 2000 + (uint32_t)n;
  snprintf(t->cname, sizeof t->cname, "moacname");
  snprintf(t->stream_id, sizeof t->stream_id, "peer%d", n);
  snprintf(t->track_id, sizeof t->track_id, "trk%d", n);
  t->active = true;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv) {
  offer = calloc(1, sizeof *offer);
  answer = calloc(1, sizeof *answer);
  if (!offer || !answer) abort();
  make_track(&tracks[0], "a1", "opus", 1);
  make_track(&tracks[1], "v1", "VP8", 2);
  make_track(&tracks[2], "v2", "H264", 3);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char err[256];
  if (sdp_parse((const char *)data, size, offer, err, sizeof err) != 0) return 0;
  for (size_t i = 0; i < offer->n_media; i++) {
    const sdp_media *m = &offer->media[i];
    if (sdp_find_mid(offer, m->mid) != (int)i) abort(); /* mids are unique */
    for (size_t c = 0; c < m->n_codecs; c++)
      if (!sdp_media_find_codec(m, m->codecs[c].pt)) abort();
    for (size_t e = 0; e < m->n_extmaps; e++) (void)sdp_ext_from_uri(m->extmaps[e].uri);
  }
  sdp_answer_info info;
  (void)sdp_read_answer(offer, tracks, 3, &info, err, sizeof err);

  sdp_local l = {.ice_ufrag = "moaU",
                 .ice_pwd = "moaServerPassword012345",
                 .ip = "203.0.113.7",
                 .port = 40000,
                 .foundation = "1",
                 .session_id = 42,
                 .session_version = 1};
  for (int i = 0; i < SDP_FINGERPRINT_LEN; i++) l.fingerprint[i] = (uint8_t)(i * 7);
  sdp_choice choices[SDP_MAX_MEDIA];
  int n = sdp_build_answer(offer, &l, text, sizeof text, choices, err, sizeof err);
  if (n < 0) return 0;
  if ((size_t)n != strlen(text)) abort();
  if (sdp_parse(text, (size_t)n, answer, err, sizeof err) != 0) {
    fprintf(stderr, "the server's answer does not parse: %s\n%s", err, text);
    abort();
  }
  if (answer->n_media != offer->n_media) abort();
  for (size_t i = 0; i < offer->n_media; i++)
    if (strcmp(answer->media[i].mid, offer->media[i].mid) != 0) abort();
  return 0;
}
