// A meeting room: a pre-join screen (camera preview, camera and microphone pickers, join with
// microphone or camera off, a clear message when devices are refused or missing: then the person
// joins receive-only), then the meeting: tiles (names, mute state, active speaker, self view,
// screen shares) in a grid or a speaker view arranged by stage.js (a share always on the stage),
// on a screen that never scrolls, controls (microphone, camera, screen share, layout,
// participants, leave), the participant list, the room's chat beside the video, a
// network-quality indicator and the reconnect state. Media is meeting.js's Meeting.
// Running a meeting: the lobby's waiting screen (the camera preview stays, a leave button) until
// a host admits; viewers of an event watch and listen with a raise-hand button, and publish only
// while a host gives them the floor (shown on their tile and in a status line); a host's
// removal, the end of a guest's agenda part or of the meeting show the server's message and a way
// out. The host tools are host_controls.js.
import { h, field, retranslate } from '../dom.js';
import { t, getLang } from '../i18n.js';
import { createChat } from '../chat.js';
import { Meeting } from '../meeting.js';
import { createHostControls } from '../host_controls.js';
import { createRecordingControls } from '../recording.js';
import { lobbyView } from '../lobby.js';
import { createStage } from '../stage.js';

export async function render(ctx) {
  const roomId = ctx.params.id;
  ctx.setTitle(t('room.title'));
  ctx.onLang(() => { retranslate(ctx.root); serverTexts(ctx.root); ctx.setTitle(roomName || t('room.title')); });
  let roomName = '';
  let stream = null;
  const stopStream = () => { stream?.getTracks().forEach((tr) => tr.stop()); stream = null; };
  ctx.cleanup(stopStream);
  preJoin();

  // ---- pre-join -------------------------------------------------------------------------------
  function preJoin() {
    const video = h('video', { class: 'preview-video', autoplay: true, playsInline: true, muted: true, 'aria-hidden': 'true' });
    const placeholder = h('div', { class: 'preview-empty', i18n: 'room.noPreview' });
    const camSel = h('select', { id: 'cam-select' });
    const micSel = h('select', { id: 'mic-select' });
    const micOff = h('input', { type: 'checkbox', id: 'join-mic-off' });
    const camOff = h('input', { type: 'checkbox', id: 'join-cam-off' });
    const message = h('p', { class: 'device-message', role: 'alert', hidden: true });
    const joinBtn = h('button', { type: 'submit', class: 'primary big', id: 'join-button', i18n: 'room.join' });
    const joinError = h('p', { class: 'form-error', role: 'alert' });

    const form = h('form', { class: 'prejoin panel', on: { submit: (e) => { e.preventDefault(); doJoin(); } } },
      h('h1', { i18n: 'room.prejoinTitle' }),
      h('div', { class: 'prejoin-body' },
        h('div', { class: 'preview' }, video, placeholder),
        h('div', { class: 'prejoin-side' },
          message,
          field('room.camera', camSel).wrap,
          field('room.microphone', micSel).wrap,
          h('div', { class: 'field check' }, micOff, h('label', { for: 'join-mic-off', i18n: 'room.joinMicOff' })),
          h('div', { class: 'field check' }, camOff, h('label', { for: 'join-cam-off', i18n: 'room.joinCamOff' })),
          joinError,
          joinBtn,
          h('p', { class: 'hint', i18n: 'room.prejoinHint' }))));
    ctx.root.replaceChildren(h('div', { class: 'page room-page' }, form));

    let deviceProblem = null; // 'denied' | 'missing' | 'partial' | null
    async function acquire() {
      stopStream();
      const want = {
        audio: micSel.value ? { deviceId: { exact: micSel.value } } : true,
        video: camSel.value ? { deviceId: { exact: camSel.value }, width: { ideal: 1280 }, height: { ideal: 720 } } : { width: { ideal: 1280 }, height: { ideal: 720 } },
      };
      deviceProblem = null;
      if (!navigator.mediaDevices?.getUserMedia) { deviceProblem = 'unsupported'; showPreview(); return; }
      try {
        stream = await navigator.mediaDevices.getUserMedia(want);
      } catch (e) {
        if (e.name === 'NotAllowedError' || e.name === 'SecurityError') deviceProblem = 'denied';
        else {
          // one of the two may still work
          for (const only of [{ audio: want.audio }, { video: want.video }]) {
            try { stream = await navigator.mediaDevices.getUserMedia(only); break; } catch { /* next */ }
          }
          deviceProblem = stream ? 'partial' : 'missing';
        }
      }
      if (!ctx.alive) { stopStream(); return; }
      await listDevices();
      showPreview();
    }

    async function listDevices() {
      let devices = [];
      try { devices = await navigator.mediaDevices.enumerateDevices(); } catch { /* none */ }
      const fill = (sel, kind, labelKey) => {
        const current = sel.value || stream?.getTracks().find((tr) => tr.kind === (kind === 'videoinput' ? 'video' : 'audio'))?.getSettings().deviceId;
        const list = devices.filter((d) => d.kind === kind && d.deviceId);
        sel.replaceChildren(...list.map((d, i) => h('option', { value: d.deviceId, selected: d.deviceId === current }, d.label || t(labelKey, { n: i + 1 }))));
        if (!list.length) sel.append(h('option', { value: '' }, t('room.noDevice')));
        sel.disabled = !list.length;
      };
      fill(camSel, 'videoinput', 'room.cameraN');
      fill(micSel, 'audioinput', 'room.microphoneN');
    }

    function showPreview() {
      const hasVideo = stream?.getVideoTracks().length > 0;
      video.srcObject = hasVideo ? stream : null;
      video.hidden = !hasVideo || camOff.checked;
      placeholder.hidden = !video.hidden;
      const hasAudio = stream?.getAudioTracks().length > 0;
      micOff.disabled = !hasAudio;
      camOff.disabled = !hasVideo;
      message.hidden = !deviceProblem;
      const key = deviceMessageKey(deviceProblem, hasVideo);
      if (key) { message.dataset.i18n = key; message.textContent = t(key); }
    }

    camSel.addEventListener('change', acquire);
    micSel.addEventListener('change', acquire);
    camOff.addEventListener('change', showPreview);

    async function doJoin() {
      joinBtn.disabled = true;
      joinError.textContent = '';
      // The devices chosen here, for a viewer who is given the floor later.
      const chosen = (kind, extra) => {
        const id = stream?.getTracks().find((tr) => tr.kind === kind)?.getSettings().deviceId;
        return id ? { deviceId: { exact: id }, ...extra } : (extra || true);
      };
      const opts = {
        audio: !!stream?.getAudioTracks().length,
        video: !!stream?.getVideoTracks().length,
        micMuted: micOff.checked,
        camMuted: camOff.checked,
        deviceMessage: deviceMessageKey(deviceProblem, !!stream?.getVideoTracks().length),
        devices: { audio: chosen('audio'), video: chosen('video', { width: { ideal: 1280 }, height: { ideal: 720 } }) },
      };
      try {
        await inMeeting(opts);
      } catch (e) {
        console.error(e);
        if (!ctx.alive) return;
        joinBtn.disabled = false;
        joinError.textContent = REFUSALS[e.code] ? t(REFUSALS[e.code]) : ctx.errorText(e);
      }
    }
    acquire();
  }

  // ---- the meeting ----------------------------------------------------------------------------
  async function inMeeting(opts) {
    const meeting = new Meeting(ctx.rpc, roomId);
    window.moa.meeting = meeting; // for debugging and tests
    ctx.cleanup(() => { if (window.moa.meeting === meeting) window.moa.meeting = null; });
    let left = false;
    const leaveOnExit = () => { if (!left) { left = true; meeting.leave(); } };
    ctx.cleanup(leaveOnExit);
    window.addEventListener('pagehide', leaveOnExit);
    ctx.cleanup(() => window.removeEventListener('pagehide', leaveOnExit));

    // Mute before publishing so nothing leaks; tell the server right after joining.
    stream?.getAudioTracks().forEach((tr) => { tr.enabled = !opts.micMuted; });
    stream?.getVideoTracks().forEach((tr) => { tr.enabled = !opts.camMuted; });

    const tiles = new Map(); // key -> tile {el, video, name, mic, quality}
    const audios = new Map(); // trackId -> <audio>
    const grid = h('div', { class: 'grid', id: 'video-grid', 'aria-label': t('room.videos'), role: 'region' });
    const stateBanner = h('div', { class: 'meeting-state', role: 'status', 'aria-live': 'assertive', hidden: true });
    // Media that cannot connect through this network: what happened and what to ask for.
    const mediaNotice = h('section', { class: 'media-blocked', id: 'media-blocked', role: 'alert', hidden: true });
    let mediaPorts = null;
    // Why this person only watches and listens (or has only one of the two): stays visible.
    const inMeetingKey = { 'room.deviceDenied': 'room.receiveOnlyDenied', 'room.deviceMissing': 'room.receiveOnlyMissing' };
    const deviceNotice = opts.deviceMessage ? h('p', {
      class: 'device-message in-meeting', id: 'receive-only', role: 'status',
      i18n: inMeetingKey[opts.deviceMessage] || opts.deviceMessage,
    }) : null;
    // A viewer's state: watching (raise a hand to speak), or speaking with the floor.
    const floorLine = h('p', { class: 'floor-state', id: 'floor-state', role: 'status', 'aria-live': 'polite', hidden: true });
    const quality = h('span', { class: 'quality', id: 'net-quality', dataset: { level: 'unknown' } });
    const title = h('h1', { class: 'room-title' }, t('room.title'));
    const peopleList = h('ul', { class: 'people-list', id: 'participant-list' });
    const peopleCount = h('span', { class: 'count' });
    const chatBox = h('div', { class: 'room-chat', id: 'room-chat' });
    const audioBox = h('div', { class: 'audio-sink', hidden: true });

    const micBtn = h('button', { type: 'button', class: 'ctl', id: 'ctl-mic' });
    const camBtn = h('button', { type: 'button', class: 'ctl', id: 'ctl-cam' });
    const shareBtn = h('button', { type: 'button', class: 'ctl', id: 'ctl-share' });
    const sideBtn = h('button', { type: 'button', class: 'ctl', id: 'ctl-side', 'aria-controls': 'room-side' });
    const layoutBtn = h('button', { type: 'button', class: 'ctl', id: 'ctl-layout', 'aria-controls': 'video-grid' });
    const leaveBtn = h('button', { type: 'button', class: 'ctl leave', id: 'ctl-leave', i18n: 'room.leave' });
    const keysBtn = h('button', { type: 'button', class: 'small ghost', id: 'ctl-keys', 'aria-keyshortcuts': '?', i18n: 'room.keys' });
    micBtn.setAttribute('aria-keyshortcuts', 'M');
    camBtn.setAttribute('aria-keyshortcuts', 'V');
    sideBtn.setAttribute('aria-keyshortcuts', 'P');
    const side = h('aside', { class: 'room-side', id: 'room-side' },
      h('section', { class: 'panel people', 'aria-labelledby': 'h-people' },
        h('h2', { id: 'h-people' }, h('span', { i18n: 'room.participants' }), ' ', peopleCount), peopleList),
      h('section', { class: 'panel chat-panel', 'aria-labelledby': 'h-room-chat' },
        h('h2', { id: 'h-room-chat', i18n: 'room.chat' }), chatBox));
    const page = h('div', { class: 'meeting', id: 'meeting' },
      h('header', { class: 'meeting-head' }, title, h('div', { class: 'row' }, quality, keysBtn)),
      stateBanner,
      floorLine,
      deviceNotice,
      h('div', { class: 'meeting-body' },
        h('div', { class: 'stage' }, mediaNotice, grid,
          h('div', { class: 'controls', role: 'toolbar', 'aria-label': t('room.controls') }, micBtn, camBtn, shareBtn, layoutBtn, sideBtn, leaveBtn)),
        side),
      audioBox);
    ctx.root.replaceChildren(page);
    // The grid or the speaker view (stage.js): arranges the tiles, pins, media.view, quality.
    const stage = createStage({ grid, meeting, onChange: () => updateLayoutBtn() });
    ctx.cleanup(() => stage.destroy());
    function updateLayoutBtn() {
      const speaker = stage.layout === 'speaker';
      setBtn(layoutBtn, speaker ? 'room.layoutGrid' : 'room.layoutSpeaker', speaker);
      layoutBtn.disabled = [...tiles.keys()].some((k) => k.endsWith(':screen')); // a share holds the stage
    }
    layoutBtn.addEventListener('click', () => stage.setLayout(stage.layout === 'speaker' ? 'grid' : 'speaker'));

    // local state (a viewer has no microphone or camera until given the floor)
    let hasMic = opts.audio;
    let hasCam = opts.video;
    let micMuted = !hasMic || opts.micMuted;
    let camMuted = !hasCam || opts.camMuted;
    let sharing = false;
    let sideOpen = window.matchMedia('(min-width: 900px)').matches;
    let unread = 0; // room chat messages of others that came while the side panel was closed
    const unreadBadge = h('span', { class: 'badge unread', id: 'chat-unread', hidden: true });

    function setBtn(btn, key, pressed, disabled) {
      btn.dataset.i18n = key;
      btn.textContent = t(key);
      btn.setAttribute('aria-pressed', pressed ? 'true' : 'false');
      btn.disabled = !!disabled;
    }
    function updateControls() {
      setBtn(micBtn, micMuted ? 'room.micOn' : 'room.micOff', micMuted, !hasMic);
      micBtn.classList.toggle('off', micMuted);
      setBtn(camBtn, camMuted ? 'room.camOn' : 'room.camOff', camMuted, !hasCam);
      camBtn.classList.toggle('off', camMuted);
      const noFloor = meeting.viewer && !meeting.hasFloor && !sharing; // a viewer shares only with the floor
      setBtn(shareBtn, sharing ? 'room.shareStop' : 'room.share', sharing, !navigator.mediaDevices?.getDisplayMedia || noFloor);
      shareBtn.title = noFloor ? t('room.shareNeedsFloor') : '';
      setBtn(sideBtn, sideOpen ? 'room.hidePanel' : 'room.showPanel', sideOpen);
      if (sideOpen) unread = 0;
      unreadBadge.textContent = unread > 99 ? '99+' : String(unread);
      unreadBadge.hidden = !unread;
      unreadBadge.setAttribute('aria-label', t('room.unread', { n: unread }));
      sideBtn.append(unreadBadge);
      sideBtn.setAttribute('aria-expanded', sideOpen ? 'true' : 'false');
      page.classList.toggle('side-closed', !sideOpen);
      const self = tiles.get('self');
      if (self) { setTileMic(self, micMuted); setTileCam(self, camMuted || !hasCam); }
      renderPeople();
    }

    // tiles
    function makeTile(key, name, { self = false, screen = false, participantId = null } = {}) {
      const video = h('video', { autoplay: true, playsInline: true, muted: true });
      const avatar = h('div', { class: 'avatar', 'aria-hidden': 'true' }, initials(name));
      const mic = h('span', { class: 'tile-mic', hidden: true, i18n: 'room.micMutedBadge' });
      const hand = h('span', { class: 'tile-hand', hidden: true, i18n: 'room.handBadge' });
      const floor = h('span', { class: 'tile-floor', hidden: true, i18n: 'room.floorBadge' });
      const q = h('span', { class: 'tile-quality', hidden: true });
      const label = h('span', { class: 'tile-name' }, screen ? t('room.screenOf', { name }) : self ? t('room.you', { name }) : name);
      const el = h('figure', {
        class: ['tile', self && 'self', screen && 'screen', 'no-video'],
        dataset: { key, participant: participantId ?? '', name },
      }, video, avatar, h('figcaption', {}, label, mic, hand, floor, q));
      const tile = { key, el, video, avatar, mic, hand, floor, q, name, participantId, hasVideo: false, camMuted: false };
      tiles.set(key, tile);
      layout();
      stage.add(tile);
      return tile;
    }
    function removeTile(key) {
      const tile = tiles.get(key);
      if (!tile) return;
      tile.video.srcObject = null;
      tile.el.remove();
      tiles.delete(key);
      layout();
      stage.remove(key);
    }
    function setTileVideo(tile, stream_) {
      tile.video.srcObject = stream_;
      tile.hasVideo = !!stream_;
      tile.el.classList.toggle('no-video', !tile.hasVideo || tile.camMuted);
      if (stream_) tile.video.play().catch(() => {});
    }
    function setTileMic(tile, muted) {
      tile.mic.hidden = !muted;
      tile.el.classList.toggle('mic-muted', !!muted);
      tile.el.dataset.micMuted = muted ? 'true' : 'false';
    }
    // Hand raised, and the floor of an event (for the self tile: whether we publish now).
    function setTileRole(tile, { handRaised = false, floor = false } = {}) {
      tile.hand.hidden = !handRaised;
      tile.floor.hidden = !floor;
      tile.el.dataset.hand = handRaised ? 'true' : 'false';
      tile.el.dataset.floor = floor ? 'true' : 'false';
    }
    function setTileCam(tile, muted) {
      tile.camMuted = !!muted;
      tile.el.classList.toggle('no-video', !tile.hasVideo || tile.camMuted);
    }
    function layout() {
      const n = tiles.size;
      grid.dataset.count = String(Math.min(n, 16));
      grid.classList.toggle('has-screen', [...tiles.keys()].some((k) => k.endsWith(':screen')));
      if (peopleCount) peopleCount.textContent = `(${meeting.participants.size + 1})`;
    }

    function participantMic(p) {
      const mics = [...p.tracks.values()].filter((x) => x.source === 'microphone');
      return !mics.length || mics.every((x) => x.muted);
    }
    function participantCam(p) {
      const cams = [...p.tracks.values()].filter((x) => x.source === 'camera');
      return !cams.length || cams.every((x) => x.muted);
    }

    function renderPeople() {
      const item = (name, mic, cam, isSelf, hand) => h('li', { class: 'person' },
        h('span', { class: 'name' }, isSelf ? t('room.you', { name }) : name),
        hand ? h('span', { class: 'state hand' }, t('room.handBadge')) : null,
        h('span', { class: ['state', mic && 'off'] }, t(mic ? 'room.micIsOff' : 'room.micIsOn')),
        h('span', { class: ['state', cam && 'off'] }, t(cam ? 'room.camIsOff' : 'room.camIsOn')));
      peopleList.replaceChildren(
        item(ctx.rpc.user.name, micMuted || !hasMic, camMuted || !hasCam, true, selfHand),
        ...[...meeting.participants.values()].map((p) => item(p.name, participantMic(p), participantCam(p), false, p.handRaised)));
      peopleCount.textContent = `(${meeting.participants.size + 1})`;
    }

    function addParticipant(p) {
      if (!tiles.has(String(p.participantId))) {
        const tile = makeTile(String(p.participantId), p.name, { participantId: p.participantId });
        setTileMic(tile, participantMic(p));
        setTileCam(tile, participantCam(p));
        setTileRole(tile, p);
      }
      renderPeople();
    }

    // quality: the worst level heard in the last few seconds
    const levels = new Map();
    function updateQuality() {
      const now = Date.now();
      let worst = 'unknown';
      const rank = { unknown: 0, good: 1, fair: 2, poor: 3 };
      for (const [pid, { level, at }] of levels) {
        if (now - at > 7000) { levels.delete(pid); continue; }
        if (rank[level] > rank[worst]) worst = level;
      }
      quality.dataset.level = worst;
      quality.replaceChildren(h('span', { class: 'bars', 'aria-hidden': 'true' }, h('i'), h('i'), h('i')),
        h('span', { class: 'quality-text' }, t(`room.quality.${worst}`)));
    }
    const qTimer = setInterval(updateQuality, 3000);
    ctx.cleanup(() => clearInterval(qTimer));

    function showState(state) {
      page.dataset.state = state;
      if (state === 'reconnecting' || state === 'failed' || (state === 'connecting' && meeting.participants.size === 0 && false)) {
        stateBanner.hidden = false;
        stateBanner.className = `meeting-state ${state}`;
        // while the server connection is up (the top bar says connected) the meeting itself is
        // rejoining: say that, not "connection lost"
        const key = state === 'reconnecting' && ctx.rpc.state === 'open' ? 'room.state.rejoining' : `room.state.${state}`;
        stateBanner.replaceChildren(h('span', { dataset: { i18n: key } }, t(key)),
          ...(state === 'failed' ? [h('button', { type: 'button', class: 'small', i18n: 'room.rejoin', on: { click: () => ctx.go(location.hash) } })] : []));
      } else stateBanner.hidden = true;
    }

    // The ports to ask the network administrator for, from the join result's media_ports.
    function renderMediaNotice() {
      const p = mediaPorts || {};
      const items = [];
      if (p.udp) items.push(t('room.media.portUdp', { port: p.udp, address: p.address }));
      if (p.tcp) items.push(t('room.media.portTcp', { port: p.tcp, address: p.address }));
      for (const s of p.turn || []) {
        items.push(s.transport === 'tls' ? t('room.media.portTurnTls', { port: s.port, host: s.host })
          : t('room.media.portTurnOther', { port: s.port, host: s.host, transport: String(s.transport).toUpperCase() }));
      }
      if (!items.length) items.push(t('room.media.portGeneric'));
      mediaNotice.replaceChildren(
        h('h2', { i18n: 'room.media.blockedTitle' }),
        h('p', { i18n: 'room.media.blockedWhy' }),
        h('p', { i18n: 'room.media.blockedAsk' }),
        h('ul', { class: 'media-ports' }, items.map((text) => h('li', {}, text))),
        h('p', { class: 'hint', i18n: 'room.media.otherNetwork' }),
        h('button', { type: 'button', class: 'small', i18n: 'room.media.retry', on: { click: () => ctx.go(location.hash) } }));
    }

    // A participant's tile (mute state, camera) and the list, from what the meeting knows now.
    function refreshParticipant(participantId) {
      const p = meeting.participants.get(participantId);
      const tile = tiles.get(String(participantId));
      if (p && tile) { setTileMic(tile, participantMic(p)); setTileCam(tile, participantCam(p)); }
      renderPeople();
    }

    // events
    meeting.addEventListener('participant-joined', (e) => addParticipant(e.detail.participant));
    meeting.addEventListener('participant-left', (e) => {
      const id = e.detail.participantId;
      removeTile(String(id));
      removeTile(`${id}:screen`);
      levels.delete(id);
      renderPeople();
    });
    meeting.addEventListener('track-added', (e) => {
      const { participantId, trackId, kind, source, stream: s } = e.detail;
      const p = meeting.participants.get(participantId);
      if (kind === 'audio') {
        const a = h('audio', { autoplay: true, dataset: { track: String(trackId) } });
        a.srcObject = s;
        audios.get(trackId)?.remove();
        audios.set(trackId, a);
        audioBox.append(a);
        a.play().catch(() => {});
        refreshParticipant(participantId);
        return;
      }
      if (source === 'screen') {
        const key = `${participantId}:screen`;
        const tile = tiles.get(key) || makeTile(key, p?.name ?? '', { screen: true, participantId });
        tile.trackId = trackId;
        setTileVideo(tile, s);
        stage.setTrack(tile, trackId);
      } else {
        const tile = tiles.get(String(participantId)) || (p && (addParticipant(p), tiles.get(String(participantId))));
        if (tile) { tile.trackId = trackId; setTileVideo(tile, s); stage.setTrack(tile, trackId); }
      }
      refreshParticipant(participantId);
    });
    meeting.addEventListener('track-removed', (e) => {
      const { participantId, trackId } = e.detail;
      const a = audios.get(trackId);
      if (a) { a.srcObject = null; a.remove(); audios.delete(trackId); }
      const screen = tiles.get(`${participantId}:screen`);
      if (screen && screen.trackId === trackId) removeTile(`${participantId}:screen`);
      const tile = tiles.get(String(participantId));
      if (tile && tile.trackId === trackId) { setTileVideo(tile, null); stage.setTrack(tile, null); }
      const p = meeting.participants.get(participantId);
      if (tile && p) { setTileMic(tile, participantMic(p)); setTileCam(tile, participantCam(p)); }
      renderPeople();
    });
    meeting.addEventListener('track-muted', (e) => {
      if (e.detail.participantId === meeting.self?.participant_id) { // a host muted us (or we did)
        micMuted = meeting.isMuted('microphone');
        camMuted = meeting.isMuted('camera');
        updateControls();
      } else refreshParticipant(e.detail.participantId);
    });
    meeting.addEventListener('participant-changed', (e) => {
      const p = meeting.participants.get(e.detail.participantId);
      const tile = tiles.get(String(e.detail.participantId));
      if (p && tile) setTileRole(tile, p);
      renderPeople();
    });
    meeting.addEventListener('active-speaker', (e) => {
      for (const tile of tiles.values()) tile.el.classList.remove('speaking');
      const selfId = meeting.self?.participant_id;
      const key = e.detail.participantId === selfId ? 'self' : String(e.detail.participantId);
      tiles.get(key)?.el.classList.add('speaking');
      stage.setSpeaker(key);
    });
    meeting.addEventListener('connection-state', (e) => showState(e.detail.state));
    const onRpcState = () => { if (page.dataset.state === 'reconnecting') showState('reconnecting'); };
    ctx.rpc.addEventListener('state', onRpcState);
    ctx.cleanup(() => ctx.rpc.removeEventListener('state', onRpcState));
    meeting.addEventListener('media-unreachable', (e) => {
      mediaPorts = e.detail.ports;
      renderMediaNotice();
      mediaNotice.hidden = false;
      page.dataset.media = 'blocked';
    });
    meeting.addEventListener('media-reachable', () => { mediaNotice.hidden = true; page.dataset.media = 'connected'; });
    ctx.onLang(() => { if (!mediaNotice.hidden) renderMediaNotice(); });
    meeting.addEventListener('quality', (e) => {
      const { participantId, level } = e.detail;
      levels.set(participantId ?? 'all', { level, at: Date.now() });
      const tile = tiles.get(String(participantId));
      if (tile) {
        tile.q.hidden = level === 'good';
        tile.q.dataset.level = level;
        tile.q.textContent = t(`room.quality.${level}`);
      }
      updateQuality();
    });
    meeting.addEventListener('local-track', (e) => {
      if (e.detail.source === 'camera') setTileVideo(tiles.get('self'), new MediaStream([e.detail.track]));
    });
    meeting.addEventListener('device-error', (e) => {
      if (e.detail.error !== 'floor') { ctx.toast(t('room.deviceMissing'), 'error'); return; }
      showFloor('room.floorNoDevice'); // the floor, but nothing to speak with
    });
    meeting.addEventListener('left', (e) => ended(refusal(e.detail.reason, e.detail.error)));

    // the lobby: a waiting screen until a host admits (after a reconnect only if never admitted:
    // the server lets someone admitted straight back in, and then no waiting screen shows)
    meeting.addEventListener('lobby', () => {
      if (!ctx.alive) return;
      ctx.root.replaceChildren(lobbyView({
        stream, roomName: meeting.room?.name,
        onLeave: async () => { left = true; await meeting.leave(); stopStream(); ended({ title: 'room.youLeft' }); },
      }));
      ctx.setTitle(t('lobby.title'));
    });
    meeting.addEventListener('admitted', () => {
      if (!ctx.alive) return;
      ctx.root.replaceChildren(page);
      ctx.setTitle(roomName || meeting.room?.name || t('room.title'));
      ctx.toast(t('lobby.admitted'));
    });

    // a viewer and the floor
    let selfHand = false;
    function showFloor(text) {
      floorLine.hidden = !meeting.viewer;
      floorLine.classList.toggle('has-floor', meeting.publishing);
      floorLine.dataset.i18n = text;
      floorLine.textContent = t(text);
    }
    meeting.addEventListener('floor', (e) => {
      selfHand = false;
      if (!meeting.viewer) return;
      updateControls();
      showFloor(e.detail.hasFloor ? 'room.floorStarting' : e.detail.reset ? 'room.viewer' : 'room.floorTakenYou');
    });
    meeting.addEventListener('publishing', (e) => {
      const on = e.detail.publishing;
      hasMic = meeting.local.has('microphone');
      hasCam = meeting.local.has('camera');
      micMuted = !hasMic || meeting.isMuted('microphone');
      camMuted = !hasCam || meeting.isMuted('camera');
      const self = tiles.get('self');
      if (!on && self) setTileVideo(self, null);
      if (self) { setTileRole(self, { handRaised: false, floor: on }); self.el.dataset.publishing = on ? 'true' : 'false'; }
      if (meeting.viewer) showFloor(on ? 'room.floorYou' : e.detail.reset ? 'room.viewer' : meeting.hasFloor ? 'room.floorNoDevice' : 'room.floorTakenYou');
      updateControls();
    });
    ctx.on('room.hand_raised', (m) => {
      if (m.room_id !== meeting.roomId || m.participant_id !== meeting.self?.participant_id) return;
      selfHand = !!m.raised;
      const self = tiles.get('self');
      if (self) setTileRole(self, { handRaised: selfHand, floor: meeting.publishing });
      if (meeting.viewer && !meeting.hasFloor) showFloor(selfHand ? 'room.viewerHand' : 'room.viewer');
      renderPeople();
    });
    // removed by a host, the guest's part of the agenda over, or the meeting ended
    meeting.addEventListener('gone', (e) => ended(refusal(e.detail.code, { detail: e.detail })));

    // controls
    micBtn.addEventListener('click', async () => {
      micMuted = !micMuted;
      updateControls();
      try { await meeting.setMicMuted(micMuted); } catch (err) {
        ctx.toast(err.code === 'muted_by_host' ? t('room.mutedByHost') : ctx.errorText(err), 'error');
        micMuted = meeting.isMuted('microphone');
        updateControls();
      }
    });
    camBtn.addEventListener('click', async () => {
      camMuted = !camMuted;
      updateControls();
      try { await meeting.setCameraMuted(camMuted); } catch (err) {
        ctx.toast(ctx.errorText(err), 'error');
        camMuted = meeting.isMuted('camera');
        updateControls();
      }
    });
    shareBtn.addEventListener('click', async () => {
      if (meeting.viewer && !meeting.hasFloor && !sharing) { ctx.toast(t('room.shareNeedsFloor')); return; }
      try {
        if (sharing) { await meeting.stopScreenShare(); sharing = false; removeTile('self:screen'); } else {
          await meeting.startScreenShare();
          sharing = true;
          const l = meeting.local.get('screen');
          if (l) {
            const tile = makeTile('self:screen', ctx.rpc.user.name, { screen: true });
            setTileVideo(tile, new MediaStream([l.track]));
            l.track.addEventListener('ended', () => { sharing = false; removeTile('self:screen'); updateControls(); });
          }
        }
      } catch (err) {
        if (err.name !== 'NotAllowedError') ctx.toast(t('room.shareFailed'), 'error');
      }
      updateControls();
    });
    sideBtn.addEventListener('click', () => { sideOpen = !sideOpen; updateControls(); });
    leaveBtn.addEventListener('click', async () => {
      left = true;
      leaveBtn.disabled = true;
      await meeting.leave();
      stopStream();
      ended({ title: 'room.youLeft' });
    });
    // Keyboard shortcuts, anywhere on the page while in the meeting (not only with focus inside
    // it). event.code names the physical key, so M works in 한글 mode too (where key is 'ㅡ').
    const keysHelp = shortcutHelp(t);
    page.append(keysHelp);
    keysBtn.addEventListener('click', () => keysHelp.showModal());
    const onKey = (e) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.repeat || !page.isConnected) return;
      if (e.target.closest?.('textarea, input, select, [contenteditable=""], [contenteditable=true], dialog')) return;
      const act = { KeyM: micBtn, KeyV: camBtn, KeyP: sideBtn }[e.code];
      if (act && !e.shiftKey) {
        e.preventDefault();
        if (!act.disabled) act.click();
      } else if (e.key === '?' || (e.code === 'Slash' && e.shiftKey)) {
        e.preventDefault();
        keysHelp.showModal();
      }
    };
    document.addEventListener('keydown', onKey);
    ctx.cleanup(() => document.removeEventListener('keydown', onKey));

    // The end of the meeting view: why (refusal()), and the ways on: join again where that can
    // work, back to the consortium or home, and for a guest ending the guest session.
    function ended({ title = 'room.ended', i18n = null, text = null, server = null, rejoin = true } = {}) {
      if (!ctx.alive) return;
      left = true;
      stopStream();
      for (const a of audios.values()) a.srcObject = null;
      const consortiumId = meeting.room?.consortium_id;
      const guest = ctx.rpc.user?.guest;
      const why = h('p', { class: 'muted', id: 'ended-reason', i18n });
      if (server?.message) setServerText(why, server);
      else if (!i18n && text) why.textContent = text;
      const ways = [
        rejoin ? h('button', { type: 'button', class: 'primary', id: 'ended-rejoin', i18n: 'room.rejoin', on: { click: () => ctx.go(location.hash) } }) : null,
        guest ? h('button', { type: 'button', class: 'button', id: 'guest-exit', i18n: 'guest.exit', on: { click: async () => { history.replaceState(null, '', '#/guest'); await ctx.rpc.logout(); if (ctx.alive) ctx.go('#/guest', { replace: true }); } } })
          : consortiumId ? h('a', { class: 'button', href: `#/consortium/${consortiumId}`, i18n: 'room.backToConsortium' })
            : h('a', { class: 'button', href: '#/home', i18n: 'nav.home' }),
      ];
      ctx.root.replaceChildren(h('div', { class: 'page center' }, h('div', { class: 'panel ended', id: 'meeting-ended' },
        h('h1', { i18n: title }),
        i18n || text || server?.message ? why : null,
        server?.reason ? h('p', { class: 'muted', id: 'host-reason' }, h('span', { i18n: 'room.hostReason' }), ' ', server.reason) : null,
        h('div', { class: 'row' }, ...ways))));
      ctx.setTitle(t(title));
    }

    // join
    const selfTile = makeTile('self', ctx.rpc.user.name, { self: true });
    updateControls();
    updateQuality();
    showState('connecting');
    try {
      await meeting.join({ audio: hasMic, video: hasCam, stream, devices: opts.devices, floorCamOff: opts.camMuted });
    } catch (e) {
      if (e.code === 'left' || left) return; // left the lobby: ended() ran already
      left = true;
      meeting.leave();
      ended(refusal(e.code, e, ctx.errorText(e)));
      return;
    }
    if (!ctx.alive) { meeting.leave(); return; }
    selfTile.participantId = meeting.self?.participant_id;
    selfTile.el.dataset.participant = String(selfTile.participantId ?? '');
    if (meeting.viewer) { // receive-only until a host gives the floor; the door's stream is let go
      stopStream();
      hasMic = hasCam = false;
      micMuted = camMuted = true;
      selfTile.el.dataset.publishing = 'false';
      showFloor('room.viewer');
    } else {
      if (hasCam && stream) setTileVideo(selfTile, new MediaStream(stream.getVideoTracks()));
      if (hasMic && micMuted) await meeting.setMicMuted(true);
      if (hasCam && camMuted) await meeting.setCameraMuted(true);
    }
    roomName = meeting.room?.name || t('room.title');
    title.textContent = roomName;
    ctx.setTitle(roomName);
    for (const p of meeting.participants.values()) addParticipant(p);
    updateControls();
    const hostControls = createHostControls(ctx, meeting); /* host_controls.js */
    side.prepend(hostControls.el);
    if (hostControls.handBtn) leaveBtn.before(hostControls.handBtn); // a meeting's: for everyone, viewers first of all
    ctx.cleanup(() => hostControls.destroy());
    const rec = createRecordingControls(ctx, meeting); /* recording.js: the badge for everyone, the button for hosts */
    title.after(rec.badge);
    if (rec.button) leaveBtn.before(rec.button);
    ctx.cleanup(() => rec.destroy());
    // A sign of room chat while the side panel is closed: a count on its button and a toast.
    ctx.on('chat.message', (ev) => {
      if (ev.conversation_id !== meeting.conversationId || sideOpen || !ev.message) return;
      if (ev.message.author_id === ctx.rpc.user?.id || ev.message.kind === 'system') return;
      unread++;
      updateControls();
      ctx.toast(t('room.newMessage', { name: ev.message.author_name || '', text: String(ev.message.body || '').slice(0, 80) }));
    });
    if (meeting.conversationId) chatBox.append(createChat(ctx, { conversationId: meeting.conversationId, className: 'room' }));
    else chatBox.append(h('p', { class: 'empty', i18n: 'room.noChat' }));
    if (!hasMic && !hasCam && !meeting.viewer) ctx.toast(t('room.receiveOnly'));
  }
}

// Why a join was refused or the meeting ended for us: error codes of room.join, and the codes of
// room.denied / room.removed / room.ended (their bilingual server messages are shown when given).
const REFUSALS = {
  forbidden: 'room.forbidden', not_found: 'room.notFound', busy: 'room.busy', locked: 'room.refusedLocked',
  removed: 'room.refusedRemoved', meeting_ended: 'room.refusedEnded', expired: 'room.refusedExpired', denied: 'room.refusedDenied',
};
const TITLES = { removed: 'room.removedTitle', expired: 'room.expiredTitle', meeting_ended: 'room.endedTitle', denied: 'room.deniedTitle' };
const FINAL = new Set(['meeting_ended', 'expired']); // joining again cannot work

// ended()'s arguments for a code; err.detail is a room.denied/removed/ended event when there is one.
function refusal(code, err, fallbackText) {
  return {
    title: TITLES[code] || 'room.ended',
    i18n: REFUSALS[code] || (fallbackText ? null : 'room.state.failed'),
    text: fallbackText || null,
    server: err?.detail?.message_en ? err.detail : null, // the server's own words, in both languages
    rejoin: !FINAL.has(code),
  };
}

// Text the server sends in both languages (message / message_en): shown in the current one and
// switched with the language (serverTexts).
function setServerText(el, m) {
  el.dataset.msgKo = m.message || '';
  el.dataset.msgEn = m.message_en || m.message || '';
  el.removeAttribute('data-i18n');
  el.textContent = getLang() === 'en' ? el.dataset.msgEn : el.dataset.msgKo;
}
function serverTexts(root) {
  for (const el of root.querySelectorAll('[data-msg-ko]')) el.textContent = getLang() === 'en' ? el.dataset.msgEn : el.dataset.msgKo;
}

// The message of a camera/microphone problem at the door (null when there is none).
function deviceMessageKey(problem, hasVideo) {
  if (problem === 'denied') return 'room.deviceDenied';
  if (problem === 'missing' || problem === 'unsupported') return 'room.deviceMissing';
  if (problem === 'partial') return hasVideo ? 'room.noMicrophone' : 'room.noCamera';
  return null;
}

function initials(name) {
  const s = String(name || '?').trim();
  if (/^[\u3131-\uD79D]/.test(s)) return s.length >= 3 ? s.slice(1, 3) : s.slice(0, 2);
  return s.split(/\s+/).map((w) => w[0]).join('').slice(0, 2).toUpperCase();
}

// The meeting's keyboard shortcuts, as a modal dialog (opened with ? or the 단축키 button).
function shortcutHelp(t) {
  const row = (key, what) => h('tr', {}, h('th', { scope: 'row' }, h('kbd', {}, key)), h('td', { i18n: what }));
  const dlg = h('dialog', { class: 'shortcut-help', id: 'shortcut-help', 'aria-labelledby': 'h-keys' },
    h('h2', { id: 'h-keys', i18n: 'room.keysTitle' }),
    h('table', {}, h('tbody', {}, row('M', 'room.keys.mic'), row('V', 'room.keys.cam'), row('P', 'room.keys.panel'), row('?', 'room.keys.help'))),
    h('p', { class: 'muted', i18n: 'room.keys.note' }),
    h('form', { method: 'dialog' }, h('button', { type: 'submit', class: 'primary', i18n: 'room.keys.close' })));
  return dlg;
}
