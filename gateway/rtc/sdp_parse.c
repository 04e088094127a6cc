/* The SDP parser: turns an offer or answer from a browser (Chrome, Firefox, Safari) or aiortc
 * into an sdp_session, and small lookups over the result. Lines are copied one at a time into a
 * bounded buffer, split into tokens in place, and dispatched through a table of attribute
 * handlers; nothing is allocated. Every bound of sdp.h is enforced with a message naming the line,
 * so hostile input costs at most SDP_MAX_LINES * SDP_MAX_LINE work. Unknown attributes and line
 * types are ignored, as RFC 8866 requires. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "gateway/rtc/sdp.h"

typedef struct {
  sdp_session *s;
  sdp_media *m; /* current m-section, NULL at session level */
  int lineno;
  char *err;
  size_t errlen;
  bool seen_o, seen_s, seen_t;
  bool session_dir_set;
  sdp_direction session_dir;
  bool media_dir_set[SDP_MAX_MEDIA];
  bool mid_set[SDP_MAX_MEDIA];
} parse_ctx;

static int fail(parse_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(parse_ctx *c, const char *fmt, ...) {
  if (c->err && c->errlen > 0) {
    int n = snprintf(c->err, c->errlen, "line %d: ", c->lineno);
    if (n < 0) n = 0;
    if ((size_t)n < c->errlen) {
      va_list ap;
      va_start(ap, fmt);
      vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
      va_end(ap);
    }
  }
  return -1;
}

/* ---- small lexical helpers ---- */

/* Next space-separated token of *cur (NUL-terminated in place), or NULL at the end. */
static char *next_tok(char **cur) {
  char *p = *cur;
  while (*p == ' ') p++;
  if (!*p) {
    *cur = p;
    return NULL;
  }
  char *start = p;
  while (*p && *p != ' ') p++;
  if (*p) *p++ = '\0';
  *cur = p;
  return start;
}

/* Decimal digits only (no sign, no spaces), value <= max. */
static bool parse_u32(const char *s, uint32_t max, uint32_t *out) {
  uint64_t v = 0;
  size_t n = 0;
  if (!s || !*s) return false;
  for (; s[n]; n++) {
    if (s[n] < '0' || s[n] > '9' || n >= 10) return false;
    v = v * 10 + (uint64_t)(s[n] - '0');
  }
  if (v > max) return false;
  *out = (uint32_t)v;
  return true;
}

static bool is_ice_char(int ch) { return isalnum(ch) || ch == '+' || ch == '/'; }

static bool is_token_char(int ch) { return isalnum(ch) || (ch && strchr("!#$%&'*+-.^_`{|}~", ch) != NULL); }

static bool all_chars(const char *s, bool (*ok)(int)) {
  for (; *s; s++)
    if (!ok((unsigned char)*s)) return false;
  return true;
}

/* Copies s into dst[cap] if 1 <= strlen(s) < cap and every char passes ok (NULL: any). */
static bool copy_checked(char *dst, size_t cap, const char *s, bool (*ok)(int)) {
  size_t n = s ? strlen(s) : 0;
  if (n == 0 || n >= cap) return false;
  if (ok && !all_chars(s, ok)) return false;
  memcpy(dst, s, n + 1);
  return true;
}

static int hexval(int ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

/* "AB:CD:..." with exactly 32 bytes. */
static bool parse_fingerprint_hex(const char *s, uint8_t out[SDP_FINGERPRINT_LEN]) {
  if (strlen(s) != SDP_FINGERPRINT_LEN * 3 - 1) return false;
  for (int i = 0; i < SDP_FINGERPRINT_LEN; i++) {
    int hi = hexval((unsigned char)s[i * 3]), lo = hexval((unsigned char)s[i * 3 + 1]);
    if (hi < 0 || lo < 0) return false;
    if (i < SDP_FINGERPRINT_LEN - 1 && s[i * 3 + 2] != ':') return false;
    out[i] = (uint8_t)(hi << 4 | lo);
  }
  return true;
}

static bool parse_direction(const char *s, sdp_direction *d) {
  static const char *const names[] = {"sendrecv", "sendonly", "recvonly", "inactive"};
  for (int i = 0; i < 4; i++)
    if (strcmp(s, names[i]) == 0) {
      *d = (sdp_direction)i;
      return true;
    }
  return false;
}

static sdp_transport *cur_transport(parse_ctx *c) { return c->m ? &c->m->transport : &c->s->transport; }

static sdp_codec *find_codec(sdp_media *m, uint32_t pt) {
  for (size_t i = 0; i < m->n_codecs; i++)
    if (m->codecs[i].pt == pt) return &m->codecs[i];
  return NULL;
}

/* Parses "<pt>" of rtpmap/fmtp/rtcp-fb: 0..127. Returns the codec, or NULL with *bad set when
 * the number is malformed (a valid pt missing from the m= line is ignored, *bad false). */
static sdp_codec *pt_codec(parse_ctx *c, const char *s, bool *bad) {
  uint32_t pt;
  *bad = !parse_u32(s, 127, &pt);
  return *bad ? NULL : find_codec(c->m, pt);
}

/* ---- attribute handlers: value is the text after "name:", or "" ---- */

typedef int (*attr_fn)(parse_ctx *c, const char *name, char *value);
#define ATTR_HANDLER(fn) \
  static int fn(parse_ctx *c, __attribute__((unused)) const char *name, __attribute__((unused)) char *value)

ATTR_HANDLER(attr_group) {
  char *cur = value, *sem = next_tok(&cur), *mid;
  if (!sem) return fail(c, "a=group without semantics");
  if (strcmp(sem, "BUNDLE") != 0) return 0;
  if (c->s->n_bundle) return fail(c, "more than one BUNDLE group is not supported");
  while ((mid = next_tok(&cur)) != NULL) {
    if (c->s->n_bundle == SDP_MAX_MEDIA) return fail(c, "BUNDLE group has more than %d mids", SDP_MAX_MEDIA);
    if (!copy_checked(c->s->bundle[c->s->n_bundle], SDP_MID_MAX, mid, is_token_char))
      return fail(c, "invalid mid in BUNDLE group");
    for (size_t i = 0; i < c->s->n_bundle; i++)
      if (strcmp(c->s->bundle[i], mid) == 0) return fail(c, "mid '%s' twice in BUNDLE group", mid);
    c->s->n_bundle++;
  }
  return 0;
}

ATTR_HANDLER(attr_ice_lite) {
  c->s->ice_lite = true;
  return 0;
}

ATTR_HANDLER(attr_ice_ufrag) {
  sdp_transport *t = cur_transport(c);
  size_t n = strlen(value);
  if (t->ice_ufrag[0]) return fail(c, "duplicate a=ice-ufrag");
  if (n < 4 || n > 256 || !all_chars(value, is_ice_char))
    return fail(c, "a=ice-ufrag must be 4..256 ice-chars (letters, digits, '+', '/')");
  memcpy(t->ice_ufrag, value, n + 1);
  return 0;
}

ATTR_HANDLER(attr_ice_pwd) {
  sdp_transport *t = cur_transport(c);
  size_t n = strlen(value);
  if (t->ice_pwd[0]) return fail(c, "duplicate a=ice-pwd");
  if (n < 22 || n > 256 || !all_chars(value, is_ice_char))
    return fail(c, "a=ice-pwd must be 22..256 ice-chars (letters, digits, '+', '/')");
  memcpy(t->ice_pwd, value, n + 1);
  return 0;
}

ATTR_HANDLER(attr_fingerprint) {
  sdp_transport *t = cur_transport(c);
  char *cur = value, *alg = next_tok(&cur), *hex = next_tok(&cur);
  if (!alg || !hex || next_tok(&cur)) return fail(c, "a=fingerprint must be '<algorithm> <hex>'");
  if (strcasecmp(alg, "sha-256") != 0) return 0; /* other algorithms: ignored */
  uint8_t fp[SDP_FINGERPRINT_LEN];
  if (!parse_fingerprint_hex(hex, fp))
    return fail(c, "invalid sha-256 fingerprint (32 hex bytes separated by ':')");
  if (t->has_fingerprint) return 0; /* keep the first */
  memcpy(t->fingerprint, fp, sizeof fp);
  t->has_fingerprint = true;
  return 0;
}

ATTR_HANDLER(attr_setup) {
  sdp_transport *t = cur_transport(c);
  if (strcmp(value, "actpass") == 0)
    t->setup = SDP_SETUP_ACTPASS;
  else if (strcmp(value, "active") == 0)
    t->setup = SDP_SETUP_ACTIVE;
  else if (strcmp(value, "passive") == 0)
    t->setup = SDP_SETUP_PASSIVE;
  else
    return fail(c, "a=setup must be actpass, active or passive");
  return 0;
}

ATTR_HANDLER(attr_direction) {
  sdp_direction d = SDP_DIR_SENDRECV;
  parse_direction(name, &d); /* the table only routes the four names here */
  if (c->m) {
    c->m->direction = d;
    c->media_dir_set[c->s->n_media - 1] = true;
  } else {
    c->session_dir = d;
    c->session_dir_set = true;
  }
  return 0;
}

ATTR_HANDLER(attr_mid) {
  size_t i = c->s->n_media - 1;
  if (c->mid_set[i]) return fail(c, "duplicate a=mid in one m-section");
  if (!copy_checked(c->m->mid, SDP_MID_MAX, value, is_token_char))
    return fail(c, "a=mid must be 1..%d token characters", SDP_MID_MAX - 1);
  c->mid_set[i] = true;
  return 0;
}

ATTR_HANDLER(attr_rtcp_mux) {
  c->m->rtcp_mux = true;
  return 0;
}

ATTR_HANDLER(attr_bundle_only) {
  c->m->bundle_only = true;
  return 0;
}

/* a=simulcast:send <rid list>[ recv ...]: only the fact that the browser sends simulcast is
 * kept; the encodings come from a=rid. */
ATTR_HANDLER(attr_simulcast) {
  if (strncmp(value, "send ", 5) == 0 || strstr(value, " send ")) c->m->simulcast = true;
  return 0;
}

static bool is_rid_char(int ch) { return isalnum(ch) || ch == '-' || ch == '_'; }

/* a=rid:<id> send|recv [params]: the send rids, in order, the first SDP_MAX_RIDS. */
ATTR_HANDLER(attr_rid) {
  char *cur = value, *id = next_tok(&cur), *dir = next_tok(&cur);
  if (!id || !dir) return fail(c, "a=rid must be '<id> send|recv [params]'");
  if (strlen(id) >= SDP_RID_MAX || !all_chars(id, is_rid_char))
    return fail(c, "a=rid id must be 1..16 of [A-Za-z0-9_-]");
  if (strcmp(dir, "send") != 0) return 0;
  sdp_media *m = c->m;
  for (size_t i = 0; i < m->n_rids; i++)
    if (strcmp(m->rids[i], id) == 0) return fail(c, "duplicate a=rid '%s'", id);
  if (m->n_rids == SDP_MAX_RIDS) return 0;
  snprintf(m->rids[m->n_rids++], SDP_RID_MAX, "%s", id);
  return 0;
}

ATTR_HANDLER(attr_rtpmap) {
  char *cur = value, *pts = next_tok(&cur), *enc = next_tok(&cur);
  bool bad;
  if (!pts || !enc) return fail(c, "a=rtpmap must be '<pt> <name>/<clock>[/<channels>]'");
  sdp_codec *k = pt_codec(c, pts, &bad);
  if (bad) return fail(c, "a=rtpmap payload type must be 0..127");
  char *slash1 = strchr(enc, '/');
  if (!slash1) return fail(c, "a=rtpmap without clock rate");
  *slash1 = '\0';
  char *clock = slash1 + 1, *slash2 = strchr(clock, '/');
  if (slash2) *slash2 = '\0';
  uint32_t rate, ch = 0;
  if (!parse_u32(clock, 10000000, &rate) || rate == 0) return fail(c, "a=rtpmap clock rate out of range");
  if (slash2 && (!parse_u32(slash2 + 1, 255, &ch) || ch == 0))
    return fail(c, "a=rtpmap channels out of range");
  char nm[SDP_CODEC_NAME_MAX];
  if (!copy_checked(nm, sizeof nm, enc, is_token_char)) return fail(c, "a=rtpmap encoding name invalid");
  if (!k) return 0; /* not in the m= line: ignored */
  if (k->has_rtpmap) return fail(c, "duplicate a=rtpmap for payload type %u", k->pt);
  memcpy(k->name, nm, sizeof nm);
  k->clock = rate;
  k->channels = (uint8_t)ch;
  k->has_rtpmap = true;
  return 0;
}

ATTR_HANDLER(attr_fmtp) {
  char *cur = value, *pts = next_tok(&cur);
  bool bad;
  if (!pts) return fail(c, "a=fmtp without payload type");
  sdp_codec *k = pt_codec(c, pts, &bad);
  if (bad) return fail(c, "a=fmtp payload type must be 0..127");
  while (*cur == ' ') cur++;
  if (strlen(cur) >= SDP_FMTP_MAX) return fail(c, "a=fmtp parameters longer than %d bytes", SDP_FMTP_MAX - 1);
  /* apt=<pt> among ';'-separated parameters */
  int16_t apt = -1;
  for (const char *p = cur; p && *p;) {
    while (*p == ' ' || *p == ';') p++;
    if (strncmp(p, "apt=", 4) == 0) {
      char num[16]; /* parse_u32 reads up to 11 bytes; keep gcc -O3 bounds analysis happy */
      size_t n = strcspn(p + 4, "; ");
      uint32_t v;
      if (n >= 8) return fail(c, "a=fmtp apt out of range");
      memcpy(num, p + 4, n);
      num[n] = '\0';
      if (!parse_u32(num, 127, &v)) return fail(c, "a=fmtp apt must be 0..127");
      apt = (int16_t)v;
    }
    p = strchr(p, ';');
  }
  if (!k) return 0;
  if (k->fmtp[0]) return fail(c, "duplicate a=fmtp for payload type %u", k->pt);
  memcpy(k->fmtp, cur, strlen(cur) + 1);
  k->apt = apt;
  return 0;
}

ATTR_HANDLER(attr_rtcp_fb) {
  char *cur = value, *pts = next_tok(&cur), *type = next_tok(&cur), *param = next_tok(&cur);
  if (!pts || !type) return fail(c, "a=rtcp-fb must be '<pt> <type> [<param>]'");
  uint32_t bit = 0;
  if (strcmp(type, "nack") == 0 && !param)
    bit = SDP_FB_NACK;
  else if (strcmp(type, "nack") == 0 && strcmp(param, "pli") == 0)
    bit = SDP_FB_NACK_PLI;
  else if (strcmp(type, "ccm") == 0 && param && strcmp(param, "fir") == 0)
    bit = SDP_FB_CCM_FIR;
  else if (strcmp(type, "goog-remb") == 0)
    bit = SDP_FB_GOOG_REMB;
  else if (strcmp(type, "transport-cc") == 0)
    bit = SDP_FB_TRANSPORT_CC;
  if (strcmp(pts, "*") == 0) {
    for (size_t i = 0; i < c->m->n_codecs; i++) c->m->codecs[i].fb |= bit;
    return 0;
  }
  bool bad;
  sdp_codec *k = pt_codec(c, pts, &bad);
  if (bad) return fail(c, "a=rtcp-fb payload type must be 0..127 or '*'");
  if (k) k->fb |= bit;
  return 0;
}

ATTR_HANDLER(attr_extmap) {
  char *cur = value, *idtok = next_tok(&cur), *uri = next_tok(&cur);
  if (!idtok || !uri) return fail(c, "a=extmap must be '<id>[/<direction>] <uri>'");
  sdp_direction dir = SDP_DIR_SENDRECV;
  char *slash = strchr(idtok, '/');
  if (slash) {
    *slash = '\0';
    if (!parse_direction(slash + 1, &dir)) return fail(c, "a=extmap direction invalid");
  }
  uint32_t id;
  if (!parse_u32(idtok, 255, &id) || id == 0) return fail(c, "a=extmap id must be 1..255");
  sdp_media *m = c->m;
  for (size_t i = 0; i < m->n_extmaps; i++)
    if (m->extmaps[i].id == id) return fail(c, "duplicate a=extmap id %u", id);
  if (m->n_extmaps == SDP_MAX_EXTMAPS)
    return fail(c, "more than %d a=extmap in one m-section", SDP_MAX_EXTMAPS);
  sdp_extmap *e = &m->extmaps[m->n_extmaps];
  if (!copy_checked(e->uri, SDP_URI_MAX, uri, NULL))
    return fail(c, "a=extmap URI longer than %d bytes", SDP_URI_MAX - 1);
  e->id = (uint8_t)id;
  e->direction = dir;
  m->n_extmaps++;
  return 0;
}

static sdp_ssrc *ssrc_entry(parse_ctx *c, uint32_t ssrc) {
  sdp_media *m = c->m;
  for (size_t i = 0; i < m->n_ssrcs; i++)
    if (m->ssrcs[i].ssrc == ssrc) return &m->ssrcs[i];
  if (m->n_ssrcs == SDP_MAX_SSRCS) return NULL;
  sdp_ssrc *e = &m->ssrcs[m->n_ssrcs++];
  e->ssrc = ssrc;
  return e;
}

/* "<stream> [<track>]" of a=msid and a=ssrc:N msid: */
static int parse_msid(parse_ctx *c, char *value, char *stream, char *track) {
  char *cur = value, *s = next_tok(&cur), *t = next_tok(&cur);
  if (!s || next_tok(&cur)) return fail(c, "msid must be '<stream id> [<track id>]'");
  if (!copy_checked(stream, SDP_TOKEN_MAX, s, is_token_char) ||
      (t && !copy_checked(track, SDP_TOKEN_MAX, t, is_token_char)))
    return fail(c, "msid ids must be 1..%d token characters", SDP_TOKEN_MAX - 1);
  return 0;
}

ATTR_HANDLER(attr_ssrc) {
  char *cur = value, *num = next_tok(&cur);
  uint32_t ssrc;
  if (!num || !parse_u32(num, UINT32_MAX, &ssrc)) return fail(c, "a=ssrc must start with a 32-bit number");
  while (*cur == ' ') cur++;
  if (!*cur) return fail(c, "a=ssrc without attribute");
  sdp_ssrc *e = ssrc_entry(c, ssrc);
  if (!e) return fail(c, "more than %d ssrcs in one m-section", SDP_MAX_SSRCS);
  char *colon = strchr(cur, ':');
  if (!colon) return 0;
  *colon = '\0';
  char *v = colon + 1;
  if (strcmp(cur, "cname") == 0) {
    if (!copy_checked(e->cname, SDP_TOKEN_MAX, v, NULL) || strchr(v, ' '))
      return fail(c, "a=ssrc cname must be 1..%d characters without spaces", SDP_TOKEN_MAX - 1);
  } else if (strcmp(cur, "msid") == 0) {
    return parse_msid(c, v, e->msid_stream, e->msid_track);
  }
  return 0;
}

ATTR_HANDLER(attr_ssrc_group) {
  char *cur = value, *sem = next_tok(&cur), *tok;
  uint32_t ssrcs[2], n = 0, v;
  if (!sem) return fail(c, "a=ssrc-group without semantics");
  while ((tok = next_tok(&cur)) != NULL) {
    if (!parse_u32(tok, UINT32_MAX, &v)) return fail(c, "a=ssrc-group ssrc must be a 32-bit number");
    if (n < 2) ssrcs[n] = v;
    n++;
  }
  if (strcmp(sem, "SIM") == 0) c->m->simulcast = true;
  if (strcmp(sem, "FID") != 0) return 0;
  if (n != 2) return fail(c, "a=ssrc-group:FID needs exactly two ssrcs");
  if (!c->m->has_fid) {
    c->m->has_fid = true;
    c->m->fid_primary = ssrcs[0];
    c->m->fid_rtx = ssrcs[1];
  }
  return 0;
}

ATTR_HANDLER(attr_msid) {
  if (c->m->msid_stream[0]) return 0; /* keep the first */
  return parse_msid(c, value, c->m->msid_stream, c->m->msid_track);
}

enum { AT_SESSION = 1, AT_MEDIA = 2, AT_BOTH = 3 };

static const struct {
  const char *name;
  int where;
  attr_fn fn;
} attr_table[] = {
    {"group", AT_SESSION, attr_group},
    {"ice-lite", AT_SESSION, attr_ice_lite},
    {"ice-ufrag", AT_BOTH, attr_ice_ufrag},
    {"ice-pwd", AT_BOTH, attr_ice_pwd},
    {"fingerprint", AT_BOTH, attr_fingerprint},
    {"setup", AT_BOTH, attr_setup},
    {"sendrecv", AT_BOTH, attr_direction},
    {"sendonly", AT_BOTH, attr_direction},
    {"recvonly", AT_BOTH, attr_direction},
    {"inactive", AT_BOTH, attr_direction},
    {"mid", AT_MEDIA, attr_mid},
    {"rtcp-mux", AT_MEDIA, attr_rtcp_mux},
    {"bundle-only", AT_MEDIA, attr_bundle_only},
    {"simulcast", AT_MEDIA, attr_simulcast},
    {"rid", AT_MEDIA, attr_rid},
    {"rtpmap", AT_MEDIA, attr_rtpmap},
    {"fmtp", AT_MEDIA, attr_fmtp},
    {"rtcp-fb", AT_MEDIA, attr_rtcp_fb},
    {"extmap", AT_MEDIA, attr_extmap},
    {"ssrc", AT_MEDIA, attr_ssrc},
    {"ssrc-group", AT_MEDIA, attr_ssrc_group},
    {"msid", AT_MEDIA, attr_msid},
};

static int parse_attribute(parse_ctx *c, char *text) {
  char *colon = strchr(text, ':');
  char *value = "";
  if (colon) {
    *colon = '\0';
    value = colon + 1;
  }
  if (!*text) return fail(c, "empty attribute name");
  for (size_t i = 0; i < sizeof attr_table / sizeof attr_table[0]; i++) {
    if (strcmp(attr_table[i].name, text) != 0) continue;
    if (!(attr_table[i].where & (c->m ? AT_MEDIA : AT_SESSION))) return 0;
    return attr_table[i].fn(c, text, value);
  }
  return 0;
}

/* "m=<media> <port>[/<n>] <proto> <fmt> ..." */
static int parse_media_line(parse_ctx *c, char *text) {
  sdp_session *s = c->s;
  if (s->n_media == SDP_MAX_MEDIA) return fail(c, "more than %d m-sections", SDP_MAX_MEDIA);
  sdp_media *m = &s->media[s->n_media++];
  c->m = m;
  char *cur = text, *kind = next_tok(&cur), *port = next_tok(&cur), *proto = next_tok(&cur), *fmt;
  if (!kind || !port || !proto) return fail(c, "m= line must be '<media> <port> <proto> <fmt>...'");
  if (!copy_checked(m->kind_name, SDP_KIND_MAX, kind, is_token_char)) return fail(c, "m= media type invalid");
  m->kind = strcmp(kind, "audio") == 0         ? SDP_KIND_AUDIO
            : strcmp(kind, "video") == 0       ? SDP_KIND_VIDEO
            : strcmp(kind, "application") == 0 ? SDP_KIND_APPLICATION
                                               : SDP_KIND_OTHER;
  char *slash = strchr(port, '/');
  uint32_t v;
  if (slash) *slash = '\0';
  if (!parse_u32(port, 65535, &v) || (slash && !parse_u32(slash + 1, 65535, &(uint32_t){0})))
    return fail(c, "m= port must be 0..65535");
  m->port = (uint16_t)v;
  if (!copy_checked(m->proto, SDP_PROTO_MAX, proto, NULL)) return fail(c, "m= proto invalid");
  m->is_rtp = strstr(proto, "RTP/") != NULL;
  m->direction = c->session_dir_set ? c->session_dir : SDP_DIR_SENDRECV;
  while ((fmt = next_tok(&cur)) != NULL) {
    if (!m->first_fmt[0] && !copy_checked(m->first_fmt, SDP_PROTO_MAX, fmt, is_token_char))
      return fail(c, "m= format invalid");
    if (!m->is_rtp) continue;
    if (!parse_u32(fmt, 127, &v)) return fail(c, "m= payload type must be 0..127");
    if (find_codec(m, v)) return fail(c, "payload type %u twice in m= line", v);
    if (m->n_codecs == SDP_MAX_CODECS)
      return fail(c, "more than %d payload types in one m-section", SDP_MAX_CODECS);
    sdp_codec *k = &m->codecs[m->n_codecs++];
    k->pt = (uint8_t)v;
    k->apt = -1;
  }
  if (!m->first_fmt[0]) return fail(c, "m= line without formats");
  return 0;
}

static int parse_line(parse_ctx *c, char *line) {
  if (line[0] == '\0' || line[1] != '=') return fail(c, "not a '<type>=<value>' line");
  char type = line[0], *value = line + 2;
  if (c->lineno == 1) {
    if (type != 'v' || strcmp(value, "0") != 0) return fail(c, "description must start with v=0");
    return 0;
  }
  switch (type) {
    case 'v':
      return fail(c, "v= after the first line");
    case 'o':
    case 's':
    case 't':
      if (c->m) return fail(c, "%c= inside a media section", type);
      if (type == 'o') c->seen_o = true;
      if (type == 's') c->seen_s = true;
      if (type == 't') c->seen_t = true;
      return 0;
    case 'm':
      return parse_media_line(c, value);
    case 'a':
      return parse_attribute(c, value);
    default:
      if (type < 'a' || type > 'z') return fail(c, "invalid line type '%c'", type);
      return 0; /* c=, b=, i=, ...: not needed */
  }
}

/* Checks done once every line is read, and inheritance of session-level values. */
static int finish(parse_ctx *c) {
  sdp_session *s = c->s;
  c->m = NULL;
  if (!c->seen_o || !c->seen_s || !c->seen_t) return fail(c, "missing o=, s= or t= line");
  for (size_t i = 0; i < s->n_media; i++) {
    sdp_media *m = &s->media[i];
    if (!c->mid_set[i]) return fail(c, "m-section %zu has no a=mid", i);
    for (size_t j = 0; j < i; j++)
      if (strcmp(s->media[j].mid, m->mid) == 0) return fail(c, "mid '%s' used by two m-sections", m->mid);
    if (!c->media_dir_set[i] && c->session_dir_set) m->direction = c->session_dir;
    sdp_transport *t = &m->transport;
    if (!t->ice_ufrag[0]) memcpy(t->ice_ufrag, s->transport.ice_ufrag, sizeof t->ice_ufrag);
    if (!t->ice_pwd[0]) memcpy(t->ice_pwd, s->transport.ice_pwd, sizeof t->ice_pwd);
    if (!t->has_fingerprint && s->transport.has_fingerprint) {
      t->has_fingerprint = true;
      memcpy(t->fingerprint, s->transport.fingerprint, SDP_FINGERPRINT_LEN);
    }
    if (t->setup == SDP_SETUP_NONE) t->setup = s->transport.setup;
  }
  for (size_t i = 0; i < s->n_bundle; i++)
    if (sdp_find_mid(s, s->bundle[i]) < 0) return fail(c, "BUNDLE mid '%s' names no m-section", s->bundle[i]);
  int tag = s->n_bundle ? sdp_find_mid(s, s->bundle[0]) : (s->n_media ? 0 : -1);
  if (tag >= 0) s->transport = s->media[tag].transport; /* media level wins over session level */
  return 0;
}

int sdp_parse(const char *text, size_t len, sdp_session *out, char *err, size_t errlen) {
  parse_ctx c = {.s = out, .err = err, .errlen = errlen};
  char line[SDP_MAX_LINE + 1];
  if (err && errlen) err[0] = '\0';
  if (!out) return -1;
  memset(out, 0, sizeof *out);
  if (!text) return fail(&c, "no text");
  if (len > SDP_MAX_TEXT) return fail(&c, "description longer than %d bytes", SDP_MAX_TEXT);
  size_t pos = 0;
  while (pos < len) {
    const char *start = text + pos;
    const char *nl = memchr(start, '\n', len - pos);
    size_t n = nl ? (size_t)(nl - start) : len - pos;
    pos += n + (nl ? 1 : 0);
    if (n > 0 && start[n - 1] == '\r') n--;
    if (++c.lineno > SDP_MAX_LINES) return fail(&c, "more than %d lines", SDP_MAX_LINES);
    if (n > SDP_MAX_LINE) return fail(&c, "line longer than %d bytes", SDP_MAX_LINE);
    for (size_t i = 0; i < n; i++) {
      unsigned char ch = (unsigned char)start[i];
      if (ch < 0x20 || ch == 0x7f) return fail(&c, "control character 0x%02x", ch);
    }
    if (n == 0) {
      if (c.lineno == 1) return fail(&c, "description must start with v=0");
      continue; /* tolerate blank lines (often a trailing one) */
    }
    memcpy(line, start, n);
    line[n] = '\0';
    if (parse_line(&c, line) < 0) return -1;
  }
  if (c.lineno == 0) return fail(&c, "empty description");
  return finish(&c);
}

/* ---- lookups ---- */

const sdp_codec *sdp_media_find_codec(const sdp_media *m, int pt) {
  for (size_t i = 0; i < m->n_codecs; i++)
    if (m->codecs[i].pt == pt) return &m->codecs[i];
  return NULL;
}

int sdp_find_mid(const sdp_session *s, const char *mid) {
  for (size_t i = 0; i < s->n_media; i++)
    if (strcmp(s->media[i].mid, mid) == 0) return (int)i;
  return -1;
}

static const char *const ext_uris[SDP_EXT_COUNT] = {
    "urn:ietf:params:rtp-hdrext:sdes:mid",
    "urn:ietf:params:rtp-hdrext:ssrc-audio-level",
    "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
    "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
    "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id",
    "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id",
};

const char *sdp_ext_uri(sdp_ext ext) { return (unsigned)ext < SDP_EXT_COUNT ? ext_uris[ext] : NULL; }

int sdp_ext_offer_id(sdp_ext ext) { return (unsigned)ext < SDP_EXT_OFFERED ? (int)ext + 1 : -1; }

int sdp_ext_from_uri(const char *uri) {
  for (int i = 0; i < SDP_EXT_COUNT; i++)
    if (strcmp(uri, ext_uris[i]) == 0) return i;
  return -1;
}

const char *sdp_kind_name(sdp_kind kind) {
  switch (kind) {
    case SDP_KIND_AUDIO:
      return "audio";
    case SDP_KIND_VIDEO:
      return "video";
    case SDP_KIND_APPLICATION:
      return "application";
    default:
      return "other";
  }
}
