// Meeting: the media side of a room for the browser app. Two PeerConnections per participant
// (docs/PROTOCOL.md, "Media"): the publish one (we offer, sendonly; media.publish) and the
// subscribe one (the server offers on media.offer; we answer with media.answer). One offer at
// a time per PeerConnection, processed in order, so there is never glare. The two are negotiated
// on separate queues: a joiner's subscribe offer is answered while its camera still starts and
// its publish offer is out (the video of the others shows sooner).
//
// Running a meeting (docs/PROTOCOL.md, "Running a meeting"): a room with a lobby answers
// room.join with `lobby: true`; join() then waits (event `lobby`) until room.admitted, and
// rejects with code `denied` / `meeting_ended` when a host declines or ends it. A *viewer* (an
// event's attendees, guests) joins receive-only: no publish PeerConnection and no tracks until a
// host gives it the floor (room.floor_given); then it captures the devices chosen at the door and
// publishes; when the floor is taken back (room.floor_taken) it closes the publish
// PeerConnection and stops its tracks. room.removed / room.ended end the meeting (event `gone`);
// such a room.left is not rejoined.
//
// Events (CustomEvent detail): participant-joined {participant}, participant-left
// {participantId}, participant-changed {participantId} (hand or floor), track-added
// {participantId, trackId, kind, source, stream}, track-removed {participantId, trackId},
// track-muted {participantId, trackId, source, muted}, active-speaker {participantId},
// connection-state {state: connecting|connected|reconnecting|failed}, quality {participantId,
// level: good|fair|poor}, local-track {source, track}, lobby {role, room}, admitted {},
// floor {hasFloor, byName}, publishing {publishing}, gone {code, message, message_en, reason}
// and left {reason}.
//
// Firewalls (docs/PROTOCOL.md, "Reaching media from behind a firewall"): every PeerConnection
// gets the TURN servers of the latest join result (`ice_servers`, fresh credentials each join).
// When media cannot connect at all (ICE failed on every path before any PeerConnection ever
// connected, or nothing connected within Meeting.connectTimeoutMs) the meeting emits
// media-unreachable {ports} (the join result's `media_ports`: what to ask the network
// administrator to allow); media-reachable {} follows if it connects after all.
import { RpcError } from './rpc.js';

// How this browser reaches the media server over a connected PeerConnection, from getStats():
// the selected candidate pair's local candidate, as media.path reports it ({candidate_type,
// protocol, relay_protocol for a relay}); null while no pair is selected.
export async function selectedPath(pc) {
  const stats = await pc.getStats();
  let pair = null;
  stats.forEach((s) => { if (s.type === 'transport' && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId); });
  if (!pair) stats.forEach((s) => { if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') pair = pair || s; });
  const local = pair && stats.get(pair.localCandidateId);
  if (!local?.candidateType || !local.protocol) return null;
  const path = { candidate_type: local.candidateType, protocol: local.protocol };
  if (local.candidateType === 'relay') {
    if (!local.relayProtocol) return null;
    path.relay_protocol = local.relayProtocol;
  }
  return path;
}

const PC_CONFIG = { bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require', iceServers: [] };
// The subscribe PeerConnection answers; the server's offer carries the BUNDLE group, which the
// answer takes. Not max-bundle: when every track we received has gone, the server's offer keeps
// the m-sections rejected (port 0) and has no BUNDLE group, which Chromium refuses under
// max-bundle ("max-bundle is used but no bundle group found"), and the next tracks never came.
const SUB_PC_CONFIG = { ...PC_CONFIG, bundlePolicy: 'balanced' };

// The camera is captured at 720p when the caller just asks for "a camera": Chrome sends three
// simulcast layers only from 960x540 up (two from 480x270), see docs/BWE.md.
function cameraConstraints(video) {
  return video === true ? { width: { ideal: 1280 }, height: { ideal: 720 } } : video;
}

// Simulcast encodings for a camera track (docs/PROTOCOL.md "Simulcast"): lowest first (q, h, f),
// so that a constrained Chrome drops the top layer rather than the bottom one, with explicit
// downscaling (Safari would send three full-size copies otherwise). Small captures get fewer
// layers, as Chrome would anyway; under 360 lines one plain encoding.
function simulcastEncodings(track) {
  const h = track.getSettings?.().height || 0;
  let enc = null;
  if (h >= 540) {
    enc = [
      { rid: 'q', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
      { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
      { rid: 'f', scaleResolutionDownBy: 1, maxBitrate: 1_500_000 },
    ];
  } else if (h >= 360) {
    enc = [
      { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 300_000 },
      { rid: 'f', scaleResolutionDownBy: 1, maxBitrate: 1_000_000 },
    ];
  }
  // Two temporal layers per encoding (the server can halve a layer's frame rate without a key
  // frame) where the browser says its VP8 encoder does L1T2; otherwise the browser's default.
  const vp8 = globalThis.RTCRtpSender?.getCapabilities?.('video')?.codecs?.find((c) => /vp8$/i.test(c.mimeType));
  if (enc && vp8?.scalabilityModes?.includes('L1T2')) for (const e of enc) e.scalabilityMode = 'L1T2';
  return enc;
}

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
    this.paths = { publish: null, subscribe: null }; // what each PeerConnection reported (media.path)
    this.local = new Map(); // source -> {track, transceiver, trackId, muted}
    this.offerTracks = new Map(); // mid -> {track_id, participant_id, kind, source}
    this.queue = Promise.resolve();
    this.subQueue = Promise.resolve(); // media.offer answers, apart from the rest (see the top)
    this.unsubscribe = [];
    this.state = 'idle';
    this.joined = false;
    this.options = null;
    this.statsTimer = null;
    this.lastStats = new Map();
    // Running a meeting: from the room.join result (or room.admitted).
    this.role = null;
    this.viewer = false; // publishes only with the floor
    this.moderator = false;
    this.mode = 'room';
    this.meetingId = 0;
    this.agenda = null;
    this.hasFloor = false;
    this.waiting = false; // in the lobby
    this.admission = null; // {resolve, reject} while waiting
    this.gone = null; // set once removed / ended: no rejoin
    this.devices = { audio: false, video: false }; // getUserMedia constraints for the floor
    this.ownTracks = new WeakSet(); // tracks this object captured (and so stops)
    this.iceServers = []; // TURN servers with this join's credentials
    this.mediaPorts = null; // where media goes (join result), for the unreachable message
    this.mediaConnected = false; // some PeerConnection has connected since joining
    this.mediaUnreachable = false;
    this.connectTimer = null;
  }

  // How long media may take to connect before the person is told it cannot (ICE over TURN/TLS
  // takes a few seconds; a blocked network never connects).
  static connectTimeoutMs = 15000;

  // True when this participant sends media now (a viewer only with the floor).
  get publishing() { return !!this.pubPc && [...this.local.values()].some((l) => l.trackId); }

  #emit(type, detail) { this.dispatchEvent(new CustomEvent(type, { detail })); }

  #setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.#emit('connection-state', { state });
  }

  // Runs fn after everything queued before it (negotiations are strictly ordered).
  #serial(fn, queue = 'queue') {
    const next = this[queue].then(fn, fn);
    // The caller gets the error; a server's refusal (RpcError) is an outcome the UI shows, not a bug.
    this[queue] = next.catch((e) => { if (!(e instanceof RpcError)) console.warn('meeting:', e); });
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
      if (m.participant_id === this.self?.participant_id) { // ours: by us, or a host muted it
        for (const l of this.local.values()) if (l.trackId === m.track_id) { l.muted = m.muted; l.track.enabled = !m.muted; }
      }
      this.#emit('track-muted', { participantId: m.participant_id, trackId: m.track_id, source: m.source, muted: m.muted });
    });
    on('room.active_speaker', (m) => this.#emit('active-speaker', { participantId: m.participant_id }));
    on('media.offer', (m) => this.#serial(() => this.#onOffer(m), 'subQueue'));
    on('room.left', (m) => {
      if (this.gone || GONE_REASONS.has(m.reason)) return; // room.removed / room.ended said why
      this.#serial(() => this.#rejoin(m.reason));
    });
    on('room.admitted', (m) => this.admission?.resolve({ admitted: m }));
    on('room.denied', (m) => this.admission?.reject(Object.assign(new RpcError(m.code || 'denied', m.message), { detail: m })));
    on('room.removed', (m) => this.#gone(m));
    on('room.ended', (m) => this.#gone(m));
    on('room.hand_raised', (m) => this.#changeParticipant(m.participant_id, { hand_raised: !!m.raised }));
    on('room.floor_given', (m) => this.#floor(m, true));
    on('room.floor_taken', (m) => this.#floor(m, false));
    const onReconnected = () => {
      if (this.waiting) this.admission?.resolve({ reconnected: true }); // the server forgot the wait: ask again
      else if (this.joined) this.#serial(() => this.#rejoin('reconnected'));
    };
    const onState = (e) => { if (this.joined && e.detail.state !== 'open' && e.detail.state !== 'connected') this.#setState('reconnecting'); };
    this.rpc.addEventListener('reconnected', onReconnected);
    this.rpc.addEventListener('state', onState);
    this.unsubscribe.push(() => this.rpc.removeEventListener('reconnected', onReconnected));
    this.unsubscribe.push(() => this.rpc.removeEventListener('state', onState));
  }

  #addParticipant(p) {
    const entry = {
      participantId: p.participant_id, userId: p.user_id, name: p.name, tracks: new Map(),
      role: p.role || 'attendee', handRaised: !!p.hand_raised, floor: !!p.floor,
    };
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

  #changeParticipant(id, { hand_raised: hand, floor }) {
    const p = this.participants.get(id);
    if (!p) return;
    if (hand !== undefined) p.handRaised = hand;
    if (floor !== undefined) p.floor = floor;
    this.#emit('participant-changed', { participantId: id });
  }

  #floor(m, given) {
    if (m.participant_id !== this.self?.participant_id) {
      this.#changeParticipant(m.participant_id, given ? { floor: true, hand_raised: false } : { floor: false });
      return;
    }
    this.hasFloor = given;
    this.#emit('floor', { hasFloor: given, byName: m.by_name || '' });
    if (!this.viewer) return; // they publish anyway
    this.#serial(() => (given ? this.#publishWithFloor() : this.#stopPublishing()));
  }

  // A host removed us, the agenda ended our part, or the meeting ended: media goes, no rejoin.
  #gone(m) {
    this.gone = { code: m.code, message: m.message, message_en: m.message_en, reason: m.reason || '' };
    if (this.waiting) {
      this.admission?.reject(Object.assign(new RpcError(m.code || 'meeting_ended', m.message), { detail: m }));
      return;
    }
    this.joined = false;
    this.#closeMedia();
    this.#emit('gone', this.gone);
  }

  // Joins the room (through the lobby when it has one), publishes the given stream's tracks (or
  // a new one from getUserMedia when audio/video are asked and no stream is given; a viewer
  // publishes nothing and lets the stream go), and receives everyone else. devices: the
  // getUserMedia constraints {audio, video} to use when a viewer is given the floor.
  async join({ audio = true, video = true, stream = null, devices = null, floorCamOff = false } = {}) {
    this.options = { audio, video };
    this.devices = devices || { audio, video };
    this.floorCamOff = floorCamOff; // joined with the camera off: it starts off with the floor too
    this.#setState('connecting');
    if (!this.unsubscribe.length) this.#listen();
    return this.#serial(async () => {
      await this.#joinOnce();
      if (this.viewer && !this.hasFloor) {
        stream?.getTracks().forEach((tr) => tr.stop()); // nothing is sent: the camera light goes off
        this.#startStats();
        return this;
      }
      if (!stream && (audio || video)) {
        try {
          stream = await navigator.mediaDevices.getUserMedia({ audio, video: cameraConstraints(video) });
          for (const track of stream.getTracks()) this.ownTracks.add(track);
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

  // room.join; in a room with a lobby, waits there until a host admits (or declines: rejects).
  async #joinOnce() {
    for (;;) {
      const r = await this.rpc.request('room.join', { room_id: this.roomId });
      if (!r.lobby) { this.#enter(r); return; }
      this.room = r.room;
      this.role = r.role;
      this.meetingId = r.meeting_id || 0;
      this.waiting = true;
      this.#emit('lobby', { role: r.role, room: r.room });
      let outcome;
      try {
        outcome = await new Promise((resolve, reject) => { this.admission = { resolve, reject }; });
      } finally {
        this.admission = null;
        this.waiting = false;
      }
      if (outcome.admitted) {
        this.#enter(outcome.admitted);
        this.#emit('admitted', {});
        return;
      }
      // reconnected while waiting: the server dropped the wait with the connection; wait again
    }
  }

  // Takes in a room.join result (or a room.admitted event): who is here, our role, new
  // subscribe PeerConnection (the server's media.offer follows).
  #enter(r) {
    this.joined = true;
    this.room = r.room;
    this.self = r.self;
    this.conversationId = r.conversation_id;
    this.role = r.role || 'attendee';
    this.viewer = !!r.viewer;
    this.moderator = !!r.moderator;
    this.mode = r.mode || 'room';
    this.meetingId = r.meeting_id || 0;
    this.agenda = r.agenda || null;
    this.locked = !!r.locked;
    this.recording = r.recording || { recording: false }; // recording.js keeps it current (room.recording)
    this.iceServers = Array.isArray(r.ice_servers) ? r.ice_servers : [];
    this.mediaPorts = r.media_ports || null;
    this.hasFloor = false; // a new participant has no floor
    for (const id of [...this.participants.keys()]) this.#removeParticipant(id);
    for (const p of r.participants || []) this.#addParticipant(p);
    this.#newSubscribePc();
    this.#startConnectTimer();
  }

  // Media unreachable: told once per failure, cleared when something connects.
  #watchMedia(pc) {
    if (pc.connectionState === 'connected') {
      clearTimeout(this.connectTimer);
      this.mediaConnected = true;
      if (this.mediaUnreachable) { this.mediaUnreachable = false; this.#emit('media-reachable', {}); }
    } else if (pc.connectionState === 'failed' && !this.mediaConnected) this.#unreachable();
  }

  #startConnectTimer() {
    clearTimeout(this.connectTimer);
    if (this.mediaConnected) return;
    this.connectTimer = setTimeout(() => {
      // only when there is media to connect: something published, or offered to us
      const pending = [this.pubPc, this.subPc].some((pc) => pc && pc.remoteDescription && pc.connectionState !== 'connected');
      if (this.joined && !this.mediaConnected && pending) this.#unreachable();
      else if (this.joined && !this.mediaConnected) this.#startConnectTimer(); // nothing to connect yet
    }, Meeting.connectTimeoutMs);
  }

  #unreachable() {
    if (this.mediaUnreachable) return;
    this.mediaUnreachable = true;
    this.#emit('media-unreachable', { ports: this.mediaPorts });
  }

  // The floor was given to this viewer: capture the devices chosen at the door and publish.
  async #publishWithFloor() {
    if (!this.joined || !this.hasFloor || this.publishing) return;
    const want = { audio: this.devices.audio || false, video: this.devices.video || false };
    let stream = null;
    for (const c of [want, { audio: want.audio, video: false }, { audio: false, video: want.video }]) {
      if (!c.audio && !c.video) continue;
      try { stream = await navigator.mediaDevices.getUserMedia({ ...c, video: cameraConstraints(c.video) }); break; } catch { /* try less */ }
    }
    if (!stream) { this.#emit('device-error', { error: 'floor' }); return; }
    if (!this.joined || !this.hasFloor) { stream.getTracks().forEach((tr) => tr.stop()); return; } // taken back meanwhile
    this.#dropLocal();
    for (const track of stream.getTracks()) {
      const muted = track.kind === 'video' && this.floorCamOff;
      track.enabled = !muted;
      this.local.set(track.kind === 'audio' ? 'microphone' : 'camera', { track, transceiver: null, trackId: null, muted });
      this.ownTracks.add(track);
    }
    this.localStream = stream;
    await this.#publish();
    this.#emit('publishing', { publishing: true });
  }

  // The floor was taken back (the server unpublished our tracks already): the publish
  // PeerConnection closes and the camera and microphone are let go.
  async #stopPublishing() {
    this.pubPc?.close();
    this.pubPc = null;
    this.#dropLocal();
    this.#emit('publishing', { publishing: false });
  }

  #dropLocal() {
    for (const l of this.local.values()) l.track.stop();
    this.local.clear();
    this.localStream = null;
  }

  #closeMedia() {
    clearInterval(this.statsTimer);
    clearTimeout(this.connectTimer);
    this.pubPc?.close();
    this.subPc?.close();
    this.pubPc = this.subPc = null;
    this.#dropLocal();
  }

  #newSubscribePc() {
    this.subPc?.close();
    const pc = new RTCPeerConnection({ ...SUB_PC_CONFIG, iceServers: this.iceServers });
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
      this.#watchMedia(pc);
      if (pc.connectionState === 'connected') { this.#setState('connected'); this.#reportPath(pc, 'subscribe'); }
      if (pc.connectionState === 'failed') this.rpc.request('media.restart_ice').catch(() => {});
    };
  }

  // Tells the server which ICE path won (for its /metrics and room.stats). The selected pair can
  // appear in getStats a moment after 'connected': a few tries.
  async #reportPath(pc, which) {
    for (let i = 0; i < 10 && pc.connectionState === 'connected'; i++) {
      const path = await selectedPath(pc).catch(() => null);
      if (path) {
        this.paths[which] = path;
        this.rpc.request('media.path', { pc: which, ...path }).catch(() => {});
        return;
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  // An offer for the subscribe PeerConnection of now. A rejoin (on the other queue) may replace
  // it meanwhile: the answer of the old one is then not sent (the new participant's offer follows
  // the new room.join reply, and the WebSocket keeps them in order).
  async #onOffer(m) {
    const pc = this.subPc;
    if (!pc) return;
    for (const t of m.tracks) this.offerTracks.set(t.mid, t);
    try {
      await pc.setRemoteDescription({ type: 'offer', sdp: m.sdp });
      await pc.setLocalDescription(await pc.createAnswer());
    } catch (e) {
      if (pc !== this.subPc) return; // closed by the rejoin
      throw e;
    }
    if (pc !== this.subPc) return;
    await this.rpc.request('media.answer', { sdp: pc.localDescription.sdp });
  }

  async #publish({ iceRestart = false } = {}) {
    if (!this.pubPc) {
      const pc = new RTCPeerConnection({ ...PC_CONFIG, iceServers: this.iceServers });
      this.pubPc = pc;
      pc.onconnectionstatechange = () => {
        if (pc !== this.pubPc) return;
        this.#watchMedia(pc);
        if (pc.connectionState === 'connected') { this.#setState('connected'); this.#reportPath(pc, 'publish'); }
        if (pc.connectionState === 'failed') this.#serial(() => this.#publish({ iceRestart: true }));
      };
    }
    const pc = this.pubPc;
    for (const [source, l] of this.local) {
      if (l.transceiver) continue;
      const init = { direction: 'sendonly', streams: [this.localStream || new MediaStream([l.track])] };
      if (source === 'camera') { const enc = simulcastEncodings(l.track); if (enc) init.sendEncodings = enc; }
      try {
        l.transceiver = pc.addTransceiver(l.track, init);
      } catch (e) { // a browser that refuses these encodings (scalabilityMode, rid count) sends one
        if (!init.sendEncodings) throw e;
        delete init.sendEncodings;
        l.transceiver = pc.addTransceiver(l.track, init);
      }
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
    if (!this.joined || this.gone) return;
    this.#setState('reconnecting');
    this.pubPc?.close();
    this.pubPc = null;
    for (const l of this.local.values()) { l.transceiver = null; l.trackId = null; }
    try {
      await this.#joinOnce(); // a room with a lobby may make us wait again
      if (this.viewer) {
        // a new participant has no floor and no raised hand: a viewer stops sending until given
        // the floor again, and is shown as a plain viewer (reset), not as one whose floor was taken
        if (this.local.size) this.#dropLocal();
        this.#emit('publishing', { publishing: false, reset: true });
        this.#emit('floor', { hasFloor: false, byName: '', reset: true });
      } else if (this.local.size) await this.#publish();
    } catch (e) {
      if (this.gone) return;
      this.#setState('failed');
      this.#emit('left', { reason: e.code || reason, error: e });
    }
  }

  async #setMuted(source, muted) {
    const l = this.local.get(source);
    if (!l) return false;
    const before = l.muted;
    l.muted = muted;
    l.track.enabled = !muted;
    try {
      if (l.trackId) await this.rpc.request('media.mute', { track_id: l.trackId, muted });
    } catch (e) { // e.g. muted_by_host: the microphone stays off
      l.muted = before;
      l.track.enabled = !before;
      throw e;
    }
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

  // Leaves the room (or the lobby). Tracks captured for the floor are stopped; the camera and
  // microphone stream given to join() stay the caller's.
  async leave() {
    const wasIn = this.joined || this.waiting;
    this.joined = false;
    clearInterval(this.statsTimer);
    clearTimeout(this.connectTimer);
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    this.admission?.reject(new RpcError('left', 'left the lobby'));
    if (wasIn && !this.gone) {
      try { await this.rpc.request('room.leave'); } catch { /* already gone */ }
    }
    this.pubPc?.close();
    this.subPc?.close();
    this.pubPc = this.subPc = null;
    for (const [source, l] of this.local) if (source === 'screen' || this.ownTracks.has(l.track)) l.track.stop();
    this.#setState('idle');
  }
}

// room.left reasons that follow room.removed / room.ended: the meeting is over for us.
const GONE_REASONS = new Set(['removed', 'meeting_ended', 'expired']);
