// Meeting: the media side of a room for the browser app. Two PeerConnections per participant
// (docs/PROTOCOL.md, "Media"): the publish one (we offer, sendonly; media.publish) and the
// subscribe one (the server offers on media.offer; we answer with media.answer). One offer at
// a time per PeerConnection, processed in order, so there is never glare.
//
// Events (CustomEvent detail): participant-joined {participant}, participant-left
// {participantId}, track-added {participantId, trackId, kind, source, stream}, track-removed
// {participantId, trackId}, track-muted {participantId, trackId, source, muted}, active-speaker
// {participantId}, connection-state {state: connecting|connected|reconnecting|failed},
// quality {participantId, level: good|fair|poor}, local-track {source, track} and left {reason}.

const PC_CONFIG = { bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require', iceServers: [] };
// The subscribe PeerConnection answers; the server's offer carries the BUNDLE group, which the
// answer takes. Not max-bundle: when every track we received has gone, the server's offer keeps
// the m-sections rejected (port 0) and has no BUNDLE group, which Chromium refuses under
// max-bundle ("max-bundle is used but no bundle group found"), and the next tracks never came.
const SUB_PC_CONFIG = { ...PC_CONFIG, bundlePolicy: 'balanced' };

export class Meeting extends EventTarget {
  constructor(rpc, roomId) {
    super();
    this.rpc = rpc;
    this.roomId = Number(roomId);
    this.participants = new Map(); // participantId -> {participantId, userId, name, tracks: Map}
    this.self = null;
    this.room = null;
    this.conversationId = null;
    this.pubPc = null;
    this.subPc = null;
    this.local = new Map(); // source -> {track, transceiver, trackId, muted}
    this.offerTracks = new Map(); // mid -> {track_id, participant_id, kind, source}
    this.queue = Promise.resolve();
    this.unsubscribe = [];
    this.state = 'idle';
    this.joined = false;
    this.options = null;
    this.statsTimer = null;
    this.lastStats = new Map();
  }

  #emit(type, detail) { this.dispatchEvent(new CustomEvent(type, { detail })); }

  #setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.#emit('connection-state', { state });
  }

  // Runs fn after everything queued before it (negotiations are strictly ordered).
  #serial(fn) {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch((e) => console.warn('meeting:', e));
    return next;
  }

  #listen() {
    const on = (type, fn) => this.unsubscribe.push(this.rpc.on(type, (m) => { if (m.room_id === undefined || m.room_id === this.roomId) fn(m); }));
    on('room.participant_joined', (m) => this.#addParticipant(m.participant));
    on('room.participant_left', (m) => this.#removeParticipant(m.participant_id));
    on('room.track_published', (m) => {
      const p = this.participants.get(m.participant_id);
      if (p && !p.tracks.has(m.track.track_id)) p.tracks.set(m.track.track_id, { ...m.track, stream: null });
    });
    on('room.track_unpublished', (m) => {
      const p = this.participants.get(m.participant_id);
      if (p?.tracks.delete(m.track_id)) this.#emit('track-removed', { participantId: m.participant_id, trackId: m.track_id });
    });
    on('room.track_muted', (m) => {
      const p = this.participants.get(m.participant_id);
      const t = p?.tracks.get(m.track_id);
      if (t) t.muted = m.muted;
      this.#emit('track-muted', { participantId: m.participant_id, trackId: m.track_id, source: m.source, muted: m.muted });
    });
    on('room.active_speaker', (m) => this.#emit('active-speaker', { participantId: m.participant_id }));
    on('media.offer', (m) => this.#serial(() => this.#onOffer(m)));
    on('room.left', (m) => this.#serial(() => this.#rejoin(m.reason)));
    const onReconnected = () => { if (this.joined) this.#serial(() => this.#rejoin('reconnected')); };
    const onState = (e) => { if (this.joined && e.detail.state !== 'open' && e.detail.state !== 'connected') this.#setState('reconnecting'); };
    this.rpc.addEventListener('reconnected', onReconnected);
    this.rpc.addEventListener('state', onState);
    this.unsubscribe.push(() => this.rpc.removeEventListener('reconnected', onReconnected));
    this.unsubscribe.push(() => this.rpc.removeEventListener('state', onState));
  }

  #addParticipant(p) {
    const entry = { participantId: p.participant_id, userId: p.user_id, name: p.name, tracks: new Map() };
    for (const t of p.tracks || []) entry.tracks.set(t.track_id, { ...t, stream: null });
    this.participants.set(p.participant_id, entry);
    this.#emit('participant-joined', { participant: entry });
  }

  #removeParticipant(id) {
    const p = this.participants.get(id);
    if (!p) return;
    this.participants.delete(id);
    for (const trackId of p.tracks.keys()) this.#emit('track-removed', { participantId: id, trackId });
    this.#emit('participant-left', { participantId: id });
  }

  // Joins the room, publishes the given stream's tracks (or a new one from getUserMedia when
  // audio/video are asked and no stream is given), and receives everyone else.
  async join({ audio = true, video = true, stream = null } = {}) {
    this.options = { audio, video };
    this.#setState('connecting');
    if (!this.unsubscribe.length) this.#listen();
    return this.#serial(async () => {
      await this.#joinOnce();
      if (!stream && (audio || video)) {
        try {
          stream = await navigator.mediaDevices.getUserMedia({ audio, video });
        } catch (e) {
          this.#emit('device-error', { error: e.name || String(e) });
          stream = null; // receive-only: the meeting still works
        }
      }
      if (stream) {
        for (const track of stream.getTracks()) {
          if ((track.kind === 'audio' && !audio) || (track.kind === 'video' && !video)) continue;
          this.local.set(track.kind === 'audio' ? 'microphone' : 'camera', { track, transceiver: null, trackId: null, muted: false });
        }
        this.localStream = stream;
        await this.#publish();
      }
      this.#startStats();
      return this;
    });
  }

  async #joinOnce() {
    const r = await this.rpc.request('room.join', { room_id: this.roomId });
    this.joined = true;
    this.room = r.room;
    this.self = r.self;
    this.conversationId = r.conversation_id;
    for (const id of [...this.participants.keys()]) this.#removeParticipant(id);
    for (const p of r.participants) this.#addParticipant(p);
    this.#newSubscribePc();
  }

  #newSubscribePc() {
    this.subPc?.close();
    const pc = new RTCPeerConnection(SUB_PC_CONFIG);
    this.subPc = pc;
    this.offerTracks.clear();
    pc.ontrack = (e) => {
      const info = this.offerTracks.get(e.transceiver.mid);
      if (!info) return;
      const p = this.participants.get(info.participant_id);
      const stream = new MediaStream([e.track]);
      const t = { track_id: info.track_id, kind: info.kind, source: info.source, muted: false, ...(p?.tracks.get(info.track_id) || {}), stream };
      p?.tracks.set(info.track_id, t);
      this.#emit('track-added', { participantId: info.participant_id, trackId: info.track_id, kind: info.kind, source: info.source, stream });
    };
    pc.onconnectionstatechange = () => {
      if (pc !== this.subPc) return;
      if (pc.connectionState === 'connected') this.#setState('connected');
      if (pc.connectionState === 'failed') this.rpc.request('media.restart_ice').catch(() => {});
    };
  }

  async #onOffer(m) {
    const pc = this.subPc;
    if (!pc) return;
    for (const t of m.tracks) this.offerTracks.set(t.mid, t);
    await pc.setRemoteDescription({ type: 'offer', sdp: m.sdp });
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    await this.rpc.request('media.answer', { sdp: pc.localDescription.sdp });
  }

  async #publish({ iceRestart = false } = {}) {
    if (!this.pubPc) {
      const pc = new RTCPeerConnection(PC_CONFIG);
      this.pubPc = pc;
      pc.onconnectionstatechange = () => {
        if (pc !== this.pubPc) return;
        if (pc.connectionState === 'connected') this.#setState('connected');
        if (pc.connectionState === 'failed') this.#serial(() => this.#publish({ iceRestart: true }));
      };
    }
    const pc = this.pubPc;
    for (const [source, l] of this.local) {
      if (!l.transceiver) l.transceiver = pc.addTransceiver(l.track, { direction: 'sendonly', streams: [this.localStream || new MediaStream([l.track])] });
      void source;
    }
    if (![...this.local.values()].some((l) => l.transceiver)) return;
    const offer = await pc.createOffer({ iceRestart });
    await pc.setLocalDescription(offer);
    const tracks = [...this.local.entries()].filter(([, l]) => l.transceiver?.mid != null)
      .map(([source, l]) => ({ mid: l.transceiver.mid, source }));
    const r = await this.rpc.request('media.publish', { sdp: pc.localDescription.sdp, tracks });
    await pc.setRemoteDescription({ type: 'answer', sdp: r.sdp });
    for (const [source, l] of this.local) {
      const t = r.tracks.find((x) => x.mid === l.transceiver?.mid);
      if (t) {
        l.trackId = t.track_id;
        if (l.muted) await this.rpc.request('media.mute', { track_id: t.track_id, muted: true });
      }
      this.#emit('local-track', { source, track: l.track });
    }
  }

  async #rejoin(reason) {
    if (!this.joined) return;
    this.#setState('reconnecting');
    this.pubPc?.close();
    this.pubPc = null;
    for (const l of this.local.values()) { l.transceiver = null; l.trackId = null; }
    try {
      await this.#joinOnce();
      if (this.local.size) await this.#publish();
    } catch (e) {
      this.#setState('failed');
      this.#emit('left', { reason: e.code || reason });
    }
  }

  async #setMuted(source, muted) {
    const l = this.local.get(source);
    if (!l) return false;
    l.muted = muted;
    l.track.enabled = !muted;
    if (l.trackId) await this.rpc.request('media.mute', { track_id: l.trackId, muted });
    return true;
  }

  setMicMuted(muted) { return this.#serial(() => this.#setMuted('microphone', muted)); }
  setCameraMuted(muted) { return this.#serial(() => this.#setMuted('camera', muted)); }
  isMuted(source) { return this.local.get(source)?.muted ?? true; }

  async startScreenShare() {
    const stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    const track = stream.getVideoTracks()[0];
    track.addEventListener('ended', () => this.stopScreenShare());
    return this.#serial(async () => {
      this.local.set('screen', { track, transceiver: null, trackId: null, muted: false });
      await this.#publish();
    });
  }

  stopScreenShare() {
    return this.#serial(async () => {
      const l = this.local.get('screen');
      if (!l) return;
      this.local.delete('screen');
      l.track.stop();
      if (l.trackId) await this.rpc.request('media.unpublish', { track_id: l.trackId }).catch(() => {});
      if (l.transceiver) {
        l.transceiver.stop();
        const offer = await this.pubPc.createOffer();
        await this.pubPc.setLocalDescription(offer);
        const tracks = [...this.local.entries()].filter(([, x]) => x.transceiver?.mid != null).map(([source, x]) => ({ mid: x.transceiver.mid, source }));
        const r = await this.rpc.request('media.publish', { sdp: this.pubPc.localDescription.sdp, tracks });
        await this.pubPc.setRemoteDescription({ type: 'answer', sdp: r.sdp });
      }
    });
  }

  #startStats() {
    clearInterval(this.statsTimer);
    this.statsTimer = setInterval(() => this.#sampleStats().catch(() => {}), 2000);
  }

  async #sampleStats() {
    if (!this.subPc) return;
    const stats = await this.subPc.getStats();
    const perParticipant = new Map();
    stats.forEach((s) => {
      if (s.type !== 'inbound-rtp') return;
      const info = this.offerTracks.get(s.mid);
      if (!info) return;
      const prev = this.lastStats.get(s.id) || { packetsReceived: 0, packetsLost: 0 };
      const got = s.packetsReceived - prev.packetsReceived, lost = s.packetsLost - prev.packetsLost;
      this.lastStats.set(s.id, { packetsReceived: s.packetsReceived, packetsLost: s.packetsLost });
      const agg = perParticipant.get(info.participant_id) || { got: 0, lost: 0 };
      agg.got += got; agg.lost += lost;
      perParticipant.set(info.participant_id, agg);
    });
    for (const [participantId, { got, lost }] of perParticipant) {
      const ratio = got + lost > 0 ? lost / (got + lost) : 0;
      this.#emit('quality', { participantId, level: ratio < 0.02 ? 'good' : ratio < 0.08 ? 'fair' : 'poor' });
    }
  }

  async leave() {
    this.joined = false;
    clearInterval(this.statsTimer);
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    try { await this.rpc.request('room.leave'); } catch { /* already gone */ }
    this.pubPc?.close();
    this.subPc?.close();
    this.pubPc = this.subPc = null;
    const screen = this.local.get('screen');
    screen?.track.stop();
    this.#setState('idle');
  }
}
