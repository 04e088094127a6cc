/* Live rooms (see registry.h). */
#include "rooms/registry.h"

#include <assert.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"

struct rooms {
  rooms_media media; /* all NULL without media */
  rooms_listener on;
  live_room *live;
  uint32_t next_id; /* participants, transports, producers, consumers share one counter */
};

static uint32_t next_id(rooms *r) { return ++r->next_id; }

static void random_token(char *out, size_t n) {
  static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  unsigned char raw[64];
  RAND_bytes(raw, (int)n);
  for (size_t i = 0; i < n; i++) out[i] = a[raw[i] & 63];
  out[n] = '\0';
}

static uint32_t random_u32(void) {
  uint32_t v = 0;
  while (v == 0) RAND_bytes((unsigned char *)&v, sizeof v);
  return v;
}

rooms *rooms_new(const rooms_media *media, const rooms_listener *listener) {
  assert(listener && listener->session_open && listener->participant_joined &&
         listener->participant_leaving && listener->participant_removed && listener->track_published &&
         listener->track_unpublished && listener->track_muted && listener->subscribe_offer &&
         listener->media_connected && listener->active_speaker && listener->record_event);
  assert(!media ||
         (media->post && media->pick_worker && media->room_added && media->room_removed &&
          media->fingerprint && media->announce_ip && media->worker_port && media->worker_tcp_port));
  rooms *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  if (media) r->media = *media;
  r->on = *listener;
  return r;
}

void rooms_free(rooms *r) {
  if (!r) return;
  for (live_room *lr = r->live, *n; lr; lr = n) {
    n = lr->next;
    for (participant *p = lr->members, *pn; p; p = pn) {
      pn = p->next;
      free(p);
    }
    free(lr);
  }
  free(r);
}

live_room *rooms_find(rooms *r, int64_t room_id) {
  for (live_room *lr = r->live; lr; lr = lr->next)
    if (lr->id == room_id) return lr;
  return NULL;
}

participant *rooms_participant_of(rooms *r, int64_t room_id, uint32_t participant_id, uint64_t session_id) {
  if (!room_id) return NULL;
  live_room *lr = rooms_find(r, room_id);
  if (!lr) return NULL;
  for (participant *p = lr->members; p; p = p->next)
    if (p->id == participant_id && p->session_id == session_id) return p;
  return NULL;
}

static void post(rooms *r, live_room *lr, media_cmd *cmd) {
  cmd->room_id = (uint32_t)lr->id;
  if (r->media.post(r->media.ctx, lr->worker, cmd) != 0)
    log_warn("media worker %d mailbox full: command dropped", lr->worker);
}

static void post_adapt(rooms *r, live_room *lr) {
  media_cmd cmd;
  memset(&cmd, 0, sizeof cmd);
  cmd.type = MC_ROUTER_ADAPT;
  cmd.u.adapt.on = !lr->adapt_off;
  post(r, lr, &cmd);
}

/* Posts an MC_TRANSPORT_CREATE; it may make the room's router anew (adaptation on), so a room
 * whose switch is off says so again right after it. */
static void post_transport_create(rooms *r, live_room *lr, media_cmd *cmd) {
  assert(cmd->type == MC_TRANSPORT_CREATE);
  post(r, lr, cmd);
  if (lr->adapt_off) post_adapt(r, lr);
}

void rooms_set_adaptation(rooms *r, int64_t room_id, bool on) {
  live_room *lr = rooms_find(r, room_id);
  if (!lr || lr->adapt_off == !on) return; /* a new router starts with adaptation on */
  lr->adapt_off = !on;
  post_adapt(r, lr); /* a worker without the room's router ignores it */
}

int rooms_record_start(rooms *r, int64_t room_id, const char *spool_dir, uint64_t recording_id,
                       uint64_t meeting_id) {
  live_room *lr = rooms_find(r, room_id);
  if (!lr || lr->recording_id || !recording_id || strlen(spool_dir) >= sizeof(((media_cmd *)0)->u.record.dir))
    return -1;
  media_cmd cmd;
  memset(&cmd, 0, sizeof cmd);
  cmd.type = MC_RECORD_START;
  snprintf(cmd.u.record.dir, sizeof cmd.u.record.dir, "%s", spool_dir);
  cmd.u.record.recording_id = recording_id;
  cmd.u.record.meeting_id = meeting_id;
  post(r, lr, &cmd);
  lr->recording_id = recording_id;
  lr->recording_degraded = false;
  return 0;
}

uint64_t rooms_record_stop(rooms *r, int64_t room_id) {
  live_room *lr = rooms_find(r, room_id);
  if (!lr || !lr->recording_id) return 0;
  media_cmd cmd;
  memset(&cmd, 0, sizeof cmd);
  cmd.type = MC_RECORD_STOP;
  cmd.u.record.recording_id = lr->recording_id;
  post(r, lr, &cmd);
  uint64_t id = lr->recording_id;
  lr->recording_id = 0;
  lr->recording_since = lr->recording_by = 0;
  lr->recording_by_name[0] = '\0';
  lr->recording_degraded = false;
  return id;
}

/* ---- subscribe side ---- */

/* Closes the transport *tid names (if any) on the room's worker and forgets it (*tid = 0). */
static void close_transport(rooms *r, live_room *lr, uint32_t *tid) {
  if (!*tid) return;
  media_cmd cmd;
  memset(&cmd, 0, sizeof cmd);
  cmd.type = MC_TRANSPORT_CLOSE;
  cmd.transport_id = *tid;
  post(r, lr, &cmd);
  *tid = 0;
}

static void ensure_sub_transport(rooms *r, participant *q) {
  if (q->sub_tid) return;
  q->sub_tid = next_id(r);
  random_token(q->sub_ufrag, 8);
  random_token(q->sub_pwd, 24);
  q->sub_sdp_session = random_u32();
  media_cmd cmd;
  memset(&cmd, 0, sizeof cmd);
  cmd.type = MC_TRANSPORT_CREATE;
  cmd.transport_id = q->sub_tid;
  snprintf(cmd.u.transport.local_ufrag, sizeof cmd.u.transport.local_ufrag, "%s", q->sub_ufrag);
  snprintf(cmd.u.transport.local_pwd, sizeof cmd.u.transport.local_pwd, "%s", q->sub_pwd);
  post_transport_create(r, q->room, &cmd);
}

static void fill_local(rooms *r, const live_room *lr, sdp_local *l, const char *ufrag, const char *pwd,
                       uint64_t session, uint64_t version) {
  memset(l, 0, sizeof *l);
  l->ice_ufrag = ufrag;
  l->ice_pwd = pwd;
  memcpy(l->fingerprint, r->media.fingerprint(r->media.ctx), sizeof l->fingerprint);
  l->ip = r->media.announce_ip(r->media.ctx);
  l->port = (uint16_t)r->media.worker_port(r->media.ctx, lr->worker);
  l->tcp_port = (uint16_t)r->media.worker_tcp_port(r->media.ctx, lr->worker);
  l->foundation = "1";
  l->session_id = session;
  l->session_version = version;
}

static void send_offer(rooms *r, participant *q) {
  if (q->offer_outstanding) {
    q->offer_dirty = true;
    return;
  }
  bool any_active = false;
  for (int i = 0; i < q->nsubs; i++) {
    any_active |= q->subs[i].track.active;
    if (q->subs[i].track.active && !q->sub_tag[0]) /* a new transport: the first track tags it */
      snprintf(q->sub_tag, sizeof q->sub_tag, "%s", q->subs[i].track.mid);
  }
  if (any_active)
    ensure_sub_transport(r, q);
  else
    q->sub_tag[0] = '\0';
  sdp_track tracks[SDP_MAX_MEDIA];
  for (int i = 0; i < q->nsubs; i++) {
    tracks[i] = q->subs[i].track;
    tracks[i].bundle_tag = strcmp(tracks[i].mid, q->sub_tag) == 0;
  }
  sdp_local local;
  fill_local(r, q->room, &local, q->sub_ufrag, q->sub_pwd, q->sub_sdp_session, ++q->sub_sdp_version);
  size_t cap = 16384 + 2048 * (size_t)q->nsubs;
  char *text = malloc(cap), err[160];
  if (!text || sdp_build_offer(tracks, (size_t)q->nsubs, &local, text, cap, err, sizeof err) < 0) {
    log_error("subscribe offer for participant %u: %s", q->id, text ? err : "out of memory");
    free(text);
    return;
  }
  q->offer_outstanding = true;
  q->offer_dirty = false;
  memcpy(q->offered, tracks, sizeof tracks[0] * (size_t)q->nsubs);
  q->noffered = q->nsubs;
  r->on.subscribe_offer(r->on.ctx, q, text);
  free(text);
  /* Every track offered has gone: each m-section is rejected, the offer has no BUNDLE group,
   * and the browser closes the transport. Tracks offered later (in recycled m-sections) come on
   * a new one with a new DTLS handshake, so they get a new transport here too (new ICE
   * credentials, made by ensure_sub_transport); this one is closed. */
  if (!any_active) close_transport(r, q->room, &q->sub_tid);
}

static sdp_kind sdp_kind_of(media_kind k) { return k == MEDIA_AUDIO ? SDP_KIND_AUDIO : SDP_KIND_VIDEO; }

/* Gives subscriber q a consumer of publisher p's track t. */
static void add_subscription(rooms *r, participant *q, const participant *p, const pub_track *t) {
  sdp_codec codec;
  int rtx_pt = -1;
  if (sdp_codec_default(t->codec_name, &codec, &rtx_pt) != 0) return;
  int slot = -1;
  /* A removed track's m-section, not the BUNDLE tag's, and only once an offer has rejected it:
   * until then the subscriber holds it under its old mid, and an offer that gave it a new one
   * would be refused (JSEP, RFC 8829 5.2.2), after which no offer ever went out again. The
   * offer that rejects it is answered before the next goes out (one at a time). */
  for (int i = 0; i < q->nsubs; i++)
    if (!q->subs[i].track.active && q->subs[i].track.kind == sdp_kind_of(t->kind) &&
        strcmp(q->subs[i].track.mid, q->sub_tag) != 0 && i < q->noffered && !q->offered[i].active) {
      slot = i;
      break;
    }
  if (slot < 0) {
    if (q->nsubs == SDP_MAX_MEDIA) {
      log_warn("participant %u receives the maximum of %d tracks; track %u not offered", q->id, SDP_MAX_MEDIA,
               t->producer_id);
      return;
    }
    slot = q->nsubs++;
  }
  ensure_sub_transport(r, q);
  sub_slot *s = &q->subs[slot];
  memset(s, 0, sizeof *s);
  s->consumer_id = next_id(r);
  s->producer_id = t->producer_id;
  s->from_participant = p->id;
  snprintf(s->source, sizeof s->source, "%s", t->source);
  sdp_track *k = &s->track;
  snprintf(k->mid, sizeof k->mid, "c%u", s->consumer_id);
  k->kind = sdp_kind_of(t->kind);
  k->codec = codec;
  k->rtx_pt = rtx_pt;
  k->ssrc = random_u32();
  k->rtx_ssrc = rtx_pt >= 0 ? random_u32() : 0;
  snprintf(k->cname, sizeof k->cname, "moa-%u", p->id);
  snprintf(k->stream_id, sizeof k->stream_id, "p%u", p->id);
  snprintf(k->track_id, sizeof k->track_id, "t%u", t->producer_id);
  k->active = true;
  media_cmd cmd;
  memset(&cmd, 0, sizeof cmd);
  cmd.type = MC_CONSUMER_ADD;
  cmd.transport_id = q->sub_tid;
  cmd.producer_id = t->producer_id;
  cmd.consumer_id = s->consumer_id;
  cmd.u.consumer.kind = t->kind;
  cmd.u.consumer.ssrc = k->ssrc;
  cmd.u.consumer.rtx_ssrc = k->rtx_ssrc;
  cmd.u.consumer.pt = codec.pt;
  cmd.u.consumer.rtx_pt = rtx_pt >= 0 ? (uint8_t)rtx_pt : 0;
  for (int e = 0; e < SDP_EXT_OFFERED; e++) cmd.u.consumer.ext[e] = (uint8_t)sdp_ext_offer_id((sdp_ext)e);
  if (t->kind == MEDIA_VIDEO) cmd.u.consumer.ext[SDP_EXT_AUDIO_LEVEL] = 0;
  post(r, q->room, &cmd);
}

static void remove_subscriptions_of(rooms *r, live_room *lr, uint32_t producer_id) {
  for (participant *q = lr->members; q; q = q->next) {
    bool changed = false;
    for (int i = 0; i < q->nsubs; i++) {
      sub_slot *s = &q->subs[i];
      if (!s->track.active || s->producer_id != producer_id) continue;
      media_cmd cmd;
      memset(&cmd, 0, sizeof cmd);
      cmd.type = MC_CONSUMER_REMOVE;
      cmd.consumer_id = s->consumer_id;
      post(r, lr, &cmd);
      s->track.active = false;
      changed = true;
    }
    if (changed) send_offer(r, q);
  }
}

/* ---- publish side ---- */

static void remove_pub(rooms *r, participant *p, int i) {
  pub_track t = p->pubs[i];
  p->pubs[i] = p->pubs[--p->npubs];
  media_cmd cmd;
  memset(&cmd, 0, sizeof cmd);
  cmd.type = MC_PRODUCER_REMOVE;
  cmd.producer_id = t.producer_id;
  post(r, p->room, &cmd);
  remove_subscriptions_of(r, p->room, t.producer_id);
  r->on.track_unpublished(r->on.ctx, p, t.producer_id);
}

static media_codec codec_of(const char *name) {
  if (!strcasecmp(name, "opus")) return MEDIA_CODEC_OPUS;
  if (!strcasecmp(name, "VP8")) return MEDIA_CODEC_VP8;
  if (!strcasecmp(name, "H264")) return MEDIA_CODEC_H264;
  return MEDIA_CODEC_OTHER;
}

static const char *source_for(const rooms_source *sources, size_t nsources, const char *mid,
                              media_kind kind) {
  for (size_t i = 0; i < nsources; i++) {
    const char *m = sources[i].mid, *src = sources[i].source;
    if (m && src && !strcmp(m, mid) &&
        (!strcmp(src, "microphone") || !strcmp(src, "camera") || !strcmp(src, "screen")))
      return src;
  }
  return kind == MEDIA_AUDIO ? "microphone" : "camera";
}

char *rooms_publish(rooms *r, participant *p, const char *sdp, const rooms_source *sources, size_t nsources,
                    char *err, size_t errlen) {
  live_room *lr = p->room;
  sdp_session *offer = malloc(sizeof *offer);
  char *answer = NULL;
  if (!offer) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  if (sdp_parse(sdp, strlen(sdp), offer, err, errlen) != 0) goto done;
  bool created = false, restarted = false;
  if (!p->pub_tid) {
    p->pub_tid = next_id(r);
    random_token(p->pub_ufrag, 8);
    random_token(p->pub_pwd, 24);
    p->pub_sdp_session = random_u32();
    created = true;
  } else if (strcmp(p->pub_remote_ufrag, offer->transport.ice_ufrag) != 0) {
    random_token(p->pub_ufrag, 8); /* ICE restart: both sides take new credentials */
    random_token(p->pub_pwd, 24);
    restarted = true;
  }
  sdp_local local;
  fill_local(r, lr, &local, p->pub_ufrag, p->pub_pwd, p->pub_sdp_session, ++p->pub_sdp_version);
  sdp_choice choices[SDP_MAX_MEDIA];
  size_t cap = 8192 + 4096 * offer->n_media;
  answer = malloc(cap);
  if (!answer || sdp_build_answer(offer, &local, answer, cap, choices, err, errlen) < 0) {
    if (!answer) snprintf(err, errlen, "out of memory");
    free(answer);
    answer = NULL;
    if (created) p->pub_tid = 0;
    goto done;
  }
  snprintf(p->pub_remote_ufrag, sizeof p->pub_remote_ufrag, "%s", offer->transport.ice_ufrag);
  media_cmd cmd;
  if (created || restarted) {
    memset(&cmd, 0, sizeof cmd);
    cmd.type = created ? MC_TRANSPORT_CREATE : MC_ICE_RESTART;
    cmd.transport_id = p->pub_tid;
    snprintf(cmd.u.transport.local_ufrag, sizeof cmd.u.transport.local_ufrag, "%s", p->pub_ufrag);
    snprintf(cmd.u.transport.local_pwd, sizeof cmd.u.transport.local_pwd, "%s", p->pub_pwd);
    snprintf(cmd.u.transport.remote_ufrag, sizeof cmd.u.transport.remote_ufrag, "%s",
             offer->transport.ice_ufrag);
    cmd.u.transport.has_fingerprint = true;
    memcpy(cmd.u.transport.remote_fingerprint, offer->transport.fingerprint, 32);
    if (created)
      post_transport_create(r, lr, &cmd);
    else
      post(r, lr, &cmd);
  }
  /* Tracks no longer sent are unpublished; new ones become producers. */
  for (int i = p->npubs - 1; i >= 0; i--) {
    int m = sdp_find_mid(offer, p->pubs[i].mid);
    if (m < 0 || !choices[m].accepted || choices[m].direction != SDP_DIR_RECVONLY) remove_pub(r, p, i);
  }
  for (size_t i = 0; i < offer->n_media; i++) {
    const sdp_media *m = &offer->media[i];
    const sdp_choice *c = &choices[i];
    if (!c->accepted || c->direction != SDP_DIR_RECVONLY) continue;
    bool known = false;
    for (int k = 0; k < p->npubs; k++) known |= !strcmp(p->pubs[k].mid, m->mid);
    if (known) continue;
    /* A simulcast track's SSRCs are learnt by the worker from the RID extension; any other
     * track without a=ssrc cannot be told apart. */
    uint32_t ssrc = c->n_rids ? 0 : m->has_fid ? m->fid_primary : (m->n_ssrcs ? m->ssrcs[0].ssrc : 0);
    if ((!ssrc && !c->n_rids) || p->npubs == ROOM_MAX_PUBLISHED) continue;
    pub_track *t = &p->pubs[p->npubs++];
    memset(t, 0, sizeof *t);
    t->producer_id = next_id(r);
    snprintf(t->mid, sizeof t->mid, "%s", m->mid);
    t->kind = m->kind == SDP_KIND_AUDIO ? MEDIA_AUDIO : MEDIA_VIDEO;
    snprintf(t->source, sizeof t->source, "%s", source_for(sources, nsources, m->mid, t->kind));
    const sdp_codec *k = &m->codecs[c->codec];
    snprintf(t->codec_name, sizeof t->codec_name, "%s", k->name);
    memset(&cmd, 0, sizeof cmd);
    cmd.type = MC_PRODUCER_ADD;
    cmd.transport_id = p->pub_tid;
    cmd.producer_id = t->producer_id;
    cmd.u.producer.kind = t->kind;
    cmd.u.producer.codec = codec_of(k->name);
    cmd.u.producer.screen = strcmp(t->source, "screen") == 0;
    cmd.u.producer.user_id = (uint64_t)p->user_id;
    cmd.u.producer.ssrc = ssrc;
    cmd.u.producer.rtx_ssrc = !c->n_rids && m->has_fid ? m->fid_rtx : 0;
    cmd.u.producer.n_rids = (uint8_t)c->n_rids;
    for (size_t e = 0; e < c->n_rids && e < MEDIA_MAX_ENC; e++)
      snprintf(cmd.u.producer.rids[e], sizeof cmd.u.producer.rids[e], "%s", m->rids[e]);
    snprintf(cmd.u.producer.mid, sizeof cmd.u.producer.mid, "%s", m->mid);
    cmd.u.producer.pt = k->pt;
    cmd.u.producer.rtx_pt = c->rtx >= 0 ? m->codecs[c->rtx].pt : 0;
    cmd.u.producer.clock = k->clock;
    memcpy(cmd.u.producer.ext, c->ext_ids, MEDIA_EXT_COUNT);
    post(r, lr, &cmd);
    r->on.track_published(r->on.ctx, p, t);
    for (participant *q = lr->members; q; q = q->next)
      if (q != p) {
        add_subscription(r, q, p, t);
        send_offer(r, q);
      }
  }
done:
  free(offer);
  return answer;
}

int rooms_answer(rooms *r, participant *p, const char *sdp, char *err, size_t errlen) {
  if (!p->offer_outstanding) {
    snprintf(err, errlen, "no subscribe offer is waiting for an answer");
    return -1;
  }
  sdp_session *ans = malloc(sizeof *ans);
  sdp_answer_info *info = malloc(sizeof *info);
  int rc = -1;
  if (!ans || !info) {
    snprintf(err, errlen, "out of memory");
    goto done;
  }
  if (sdp_parse(sdp, strlen(sdp), ans, err, errlen) != 0 ||
      sdp_read_answer(ans, p->offered, (size_t)p->noffered, info, err, errlen) != 0)
    goto done;
  /* When every track offered has gone (all m-sections inactive), the answer accepts nothing and
   * carries no DTLS role or fingerprint: it is still the answer, and the transport keeps what it
   * has (sdp_read_answer leaves setup and fingerprint unset then). */
  bool accepted = false;
  for (size_t i = 0; i < info->n_media; i++) accepted |= info->media[i].accepted;
  if (accepted && info->setup != SDP_SETUP_ACTIVE) {
    snprintf(err, errlen, "the answer must take a=setup:active (the server is the DTLS server)");
    goto done;
  }
  media_cmd cmd;
  memset(&cmd, 0, sizeof cmd);
  cmd.type = MC_TRANSPORT_REMOTE;
  cmd.transport_id = p->sub_tid;
  snprintf(cmd.u.transport.remote_ufrag, sizeof cmd.u.transport.remote_ufrag, "%s", info->ice_ufrag);
  cmd.u.transport.has_fingerprint = true;
  memcpy(cmd.u.transport.remote_fingerprint, info->fingerprint, 32);
  if (p->sub_tid && accepted) post(r, p->room, &cmd);
  p->offer_outstanding = false;
  if (p->offer_dirty) send_offer(r, p);
  rc = 0;
done:
  free(ans);
  free(info);
  return rc;
}

int rooms_mute(rooms *r, participant *p, uint32_t track_id, bool muted) {
  for (int i = 0; i < p->npubs; i++) {
    if (p->pubs[i].producer_id != track_id) continue;
    p->pubs[i].muted = muted;
    media_cmd cmd;
    memset(&cmd, 0, sizeof cmd);
    cmd.type = MC_PRODUCER_PAUSE;
    cmd.producer_id = track_id;
    cmd.u.producer.paused = muted;
    post(r, p->room, &cmd);
    r->on.track_muted(r->on.ctx, p, &p->pubs[i]);
    return 0;
  }
  return -1;
}

int rooms_unpublish(rooms *r, participant *p, uint32_t track_id) {
  for (int i = 0; i < p->npubs; i++)
    if (p->pubs[i].producer_id == track_id) {
      remove_pub(r, p, i);
      return 0;
    }
  return -1;
}

void rooms_close_publish(rooms *r, participant *p) {
  assert(p->npubs == 0);
  close_transport(r, p->room, &p->pub_tid);
  p->pub_remote_ufrag[0] = '\0';
}

uint32_t rooms_received_video(const participant *p, uint32_t track_id) {
  for (int i = 0; i < p->nsubs; i++) {
    const sub_slot *sl = &p->subs[i];
    if (sl->producer_id == track_id && sl->track.active && sl->track.kind == SDP_KIND_VIDEO)
      return sl->consumer_id;
  }
  return 0;
}

int rooms_view(rooms *r, participant *p, uint32_t track_id, uint16_t width, uint16_t height, bool pinned) {
  uint32_t consumer = rooms_received_video(p, track_id);
  if (!consumer || !p->sub_tid) return -1;
  media_cmd cmd;
  memset(&cmd, 0, sizeof cmd);
  cmd.type = MC_CONSUMER_VIEW;
  cmd.transport_id = p->sub_tid;
  cmd.consumer_id = consumer;
  cmd.u.view.width = width;
  cmd.u.view.height = height;
  cmd.u.view.pinned = pinned;
  post(r, p->room, &cmd);
  return 0;
}

void rooms_restart_subscribe_ice(rooms *r, participant *p) {
  if (!p->sub_tid) return;
  random_token(p->sub_ufrag, 8);
  random_token(p->sub_pwd, 24);
  media_cmd cmd;
  memset(&cmd, 0, sizeof cmd);
  cmd.type = MC_ICE_RESTART;
  cmd.transport_id = p->sub_tid;
  snprintf(cmd.u.transport.local_ufrag, sizeof cmd.u.transport.local_ufrag, "%s", p->sub_ufrag);
  snprintf(cmd.u.transport.local_pwd, sizeof cmd.u.transport.local_pwd, "%s", p->sub_pwd);
  post(r, p->room, &cmd);
  send_offer(r, p);
}

/* ---- membership ---- */

participant *rooms_join(rooms *r, uint64_t session_id, int64_t user_id, int64_t room_id,
                        int64_t consortium_id, const char *name, int64_t conversation_id, int64_t joined_at) {
  live_room *lr = rooms_find(r, room_id);
  if (lr) { /* a participant of the same user left behind by a dropped connection */
    for (participant *p = lr->members, *n; p; p = n) {
      n = p->next;
      if (p->user_id == user_id && !r->on.session_open(r->on.ctx, p->session_id)) rooms_leave(r, p, NULL);
    }
    lr = rooms_find(r, room_id);
  }
  if (!lr) {
    lr = calloc(1, sizeof *lr);
    if (!lr) return NULL;
    lr->id = room_id;
    lr->consortium_id = consortium_id;
    lr->conversation_id = conversation_id;
    lr->worker = r->media.pick_worker(r->media.ctx);
    r->media.room_added(r->media.ctx, lr->worker);
    lr->next = r->live;
    r->live = lr;
  }
  participant *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  p->id = next_id(r);
  p->session_id = session_id;
  p->user_id = user_id;
  snprintf(p->name, sizeof p->name, "%s", name);
  p->room = lr;
  p->joined_at = joined_at;
  r->on.participant_joined(r->on.ctx, p);
  p->next = lr->members;
  lr->members = p;
  lr->count++;
  bool any = false;
  for (participant *q = lr->members; q; q = q->next)
    if (q != p)
      for (int i = 0; i < q->npubs; i++) {
        add_subscription(r, p, q, &q->pubs[i]);
        any = true;
      }
  (void)any; /* the offer goes out after the join reply (see handlers_room.c) */
  return p;
}

void rooms_send_initial_offer(rooms *r, participant *p) {
  if (p->nsubs > 0) send_offer(r, p);
}

void rooms_leave(rooms *r, participant *p, const char *reason) {
  live_room *lr = p->room;
  r->on.participant_leaving(r->on.ctx, p);
  while (p->npubs) remove_pub(r, p, p->npubs - 1);
  media_cmd cmd;
  memset(&cmd, 0, sizeof cmd);
  cmd.type = MC_TRANSPORT_CLOSE;
  if (p->pub_tid) {
    cmd.transport_id = p->pub_tid;
    post(r, lr, &cmd);
  }
  if (p->sub_tid) {
    cmd.transport_id = p->sub_tid;
    post(r, lr, &cmd);
  }
  for (participant **pp = &lr->members; *pp; pp = &(*pp)->next)
    if (*pp == p) {
      *pp = p->next;
      break;
    }
  lr->count--;
  r->on.participant_removed(r->on.ctx, lr, p, reason);
  free(p);
  if (lr->count == 0) {
    r->media.room_removed(r->media.ctx, lr->worker);
    for (live_room **pp = &r->live; *pp; pp = &(*pp)->next)
      if (*pp == lr) {
        *pp = lr->next;
        break;
      }
    free(lr);
  }
}

void rooms_remove_all(rooms *r, int64_t room_id, const char *reason) {
  live_room *lr;
  /* rooms_leave frees the live room with its last participant: look it up each time */
  while ((lr = rooms_find(r, room_id)) && lr->members) rooms_leave(r, lr->members, reason);
}

void rooms_on_media_event(rooms *r, const media_event *ev) {
  if (ev->type == ME_RECORD_DEGRADED || ev->type == ME_RECORD_STOPPED) { /* also after the room closed */
    r->on.record_event(r->on.ctx, ev);
    return;
  }
  live_room *lr = rooms_find(r, ev->room_id);
  if (ev->type == ME_ROOM_RELEASED || !lr) return;
  if (ev->type == ME_TRANSPORT_CONNECTED && ev->transport_id) {
    for (participant *p = lr->members; p; p = p->next)
      if (p->pub_tid == ev->transport_id || p->sub_tid == ev->transport_id) {
        r->on.media_connected(r->on.ctx, p, p->pub_tid == ev->transport_id);
        return;
      }
    return;
  }
  if (ev->type == ME_CONSUMER_LAYER) {
    for (participant *p = lr->members; p; p = p->next)
      if (rooms_note_layer(p, ev)) return;
    return;
  }
  for (participant *p = lr->members; p; p = p->next) {
    if (ev->type == ME_ACTIVE_SPEAKER) {
      for (int i = 0; i < p->npubs; i++)
        if (p->pubs[i].producer_id == ev->producer_id) {
          r->on.active_speaker(r->on.ctx, p);
          return;
        }
    } else if (ev->type == ME_TRANSPORT_CLOSED && ev->reason != MEDIA_CLOSE_REQUESTED &&
               (p->pub_tid == ev->transport_id || p->sub_tid == ev->transport_id)) {
      /* The media path is dead (no consent, DTLS failure): the participant must rejoin. Its
       * transports are already gone on the worker. */
      if (p->pub_tid == ev->transport_id)
        p->pub_tid = 0;
      else
        p->sub_tid = 0;
      rooms_leave(r, p, ev->reason == MEDIA_CLOSE_DTLS_FAILED ? "media_failed" : "media_timeout");
      return;
    }
  }
}
