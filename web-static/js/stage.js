// The meeting's video area (room.js owns the tiles, this arranges them): a grid of equal tiles, or
// the speaker view — one tile large on the stage (a screen share whenever there is one, else the
// pinned person, else the active speaker) and the others in a strip. Pin and unpin per tile. It
// tells the server how each received video is shown (media.view: the tile's size in device pixels,
// 0 x 0 when not on screen, pinned or not; sent when a tile appears, is resized — debounced
// 300 ms — hidden, or pinned), and shows per tile what is decoded (frame height and rate, or
// "paused") from the subscribe PeerConnection's inbound RTP statistics.
//
// createStage({grid, meeting, onChange}) -> {add(tile), remove(key), setTrack(tile, trackId,
// stream), setSpeaker(key), setLayout('grid'|'speaker'), layout, pinned, arrange(), destroy()}.
// A tile is room.js's {el, video, key, trackId?}; the grid element is #video-grid.
import { h } from './dom.js';
import { t } from './i18n.js';

const VIEW_DEBOUNCE_MS = 300;
const STATS_INTERVAL_MS = 2000;
const VIEW_MAX_ENTRIES = 64; // the server's limit per media.view

export function createStage({ grid, meeting, onChange = () => {} }) {
  const tiles = new Map(); // key -> tile
  const main = h('div', { class: 'stage-main', id: 'video-stage' });
  const strip = h('div', { class: 'strip', id: 'video-strip' });
  grid.replaceChildren(main, strip);
  let chosen = 'grid'; // what the person chose
  let pinned = null; // key of the pinned tile
  let speaker = null; // key of the active speaker's tile
  const sent = new Map(); // trackId -> "w x h pinned" last sent
  let viewTimer = null;

  const resize = typeof ResizeObserver === 'function' ? new ResizeObserver(() => scheduleViews()) : null;

  function hasScreen() { return [...tiles.keys()].some((k) => k.endsWith(':screen')); }
  function current() { return hasScreen() ? 'speaker' : chosen; }

  // The tile on the stage in the speaker view.
  function stageKey() {
    const keys = [...tiles.keys()];
    const screen = keys.find((k) => k.endsWith(':screen') && k !== 'self:screen') || keys.find((k) => k.endsWith(':screen'));
    if (screen) return screen;
    if (pinned && tiles.has(pinned)) return pinned;
    if (speaker && tiles.has(speaker) && speaker !== 'self') return speaker;
    return keys.find((k) => k !== 'self') || keys[0] || null;
  }

  function arrange() {
    const mode = current();
    grid.dataset.layout = mode;
    const onStage = mode === 'speaker' ? stageKey() : null;
    // Elements move only where they must (a moved <video> pauses and must be played again), and
    // the strip keeps the order tiles came in (self first).
    const stageTile = onStage ? tiles.get(onStage) : null;
    if (stageTile && stageTile.el.parentNode !== main) place(main, stageTile, null);
    let next = strip.firstElementChild;
    for (const [key, tile] of tiles) {
      if (key === onStage) continue;
      if (tile.el !== next) place(strip, tile, next);
      else next = next.nextElementSibling;
    }
    for (const [key, tile] of tiles) {
      tile.el.classList.toggle('on-stage', key === onStage);
      tile.el.classList.toggle('pinned', key === pinned);
      if (tile.pinBtn) {
        const on = key === pinned;
        tile.pinBtn.setAttribute('aria-pressed', on ? 'true' : 'false');
        tile.pinBtn.dataset.i18n = on ? 'room.unpin' : 'room.pin';
        tile.pinBtn.textContent = t(tile.pinBtn.dataset.i18n);
      }
    }
    grid.dataset.stage = onStage || '';
    scheduleViews();
    onChange();
  }

  function place(parent, tile, before) {
    parent.insertBefore(tile.el, before);
    if (tile.video.srcObject) tile.video.play().catch(() => {});
  }

  function add(tile) {
    tiles.set(tile.key, tile);
    if (tile.key !== 'self' && tile.key !== 'self:screen') {
      tile.pinBtn = h('button', {
        type: 'button', class: 'tile-pin', 'aria-pressed': 'false', i18n: 'room.pin',
        on: { click: () => togglePin(tile.key) },
      });
      tile.el.append(tile.pinBtn);
    }
    tile.res = h('span', { class: 'tile-res', hidden: true });
    tile.el.querySelector('figcaption')?.append(tile.res);
    resize?.observe(tile.el);
    arrange();
  }

  function remove(key) {
    const tile = tiles.get(key);
    if (!tile) return;
    resize?.unobserve(tile.el);
    tiles.delete(key);
    if (tile.trackId) sent.delete(tile.trackId);
    if (pinned === key) pinned = null;
    arrange();
  }

  function togglePin(key) {
    pinned = pinned === key ? null : key;
    if (pinned) chosen = 'speaker'; // a pinned person goes large
    arrange();
  }

  function setTrack(tile, trackId) {
    if (tile.trackId && tile.trackId !== trackId) sent.delete(tile.trackId);
    tile.trackId = trackId || null;
    scheduleViews();
  }

  function setSpeaker(key) {
    if (speaker === key) return;
    speaker = key;
    if (current() === 'speaker' && !pinned && !hasScreen()) arrange();
  }

  function setLayout(mode) {
    chosen = mode === 'speaker' ? 'speaker' : 'grid';
    if (chosen === 'grid') pinned = null;
    arrange();
  }

  // ---- media.view --------------------------------------------------------------------------
  // At most one report per 300 ms, 300 ms after the first change (the sizes are read when it is
  // sent, so a burst of resizes makes one message; a timer restarted on every change could be
  // put off for as long as something keeps resizing).
  function scheduleViews() {
    if (viewTimer) return;
    viewTimer = setTimeout(() => { viewTimer = null; sendViews(); }, VIEW_DEBOUNCE_MS);
  }

  function viewOf(tile) {
    const r = tile.el.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    const shown = r.width > 0 && r.height > 0 && !document.hidden && tile.el.isConnected;
    const clamp = (v) => Math.max(0, Math.min(16384, Math.round(v * dpr)));
    return { track_id: tile.trackId, width: shown ? clamp(r.width) : 0, height: shown ? clamp(r.height) : 0, pinned: tile.key === pinned };
  }

  async function sendViews() {
    if (!meeting.joined || !meeting.subPc) return;
    const changed = [];
    for (const tile of tiles.values()) {
      if (!tile.trackId) continue;
      const v = viewOf(tile);
      const sig = `${v.width}x${v.height}${v.pinned ? ' pinned' : ''}`;
      if (sent.get(tile.trackId) === sig) continue;
      sent.set(tile.trackId, sig);
      changed.push(v);
    }
    for (let i = 0; i < changed.length; i += VIEW_MAX_ENTRIES) {
      const views = changed.slice(i, i + VIEW_MAX_ENTRIES);
      try {
        await meeting.rpc.request('media.view', { views });
      } catch {
        for (const v of views) sent.delete(v.track_id); // a track that just went: try again next time
      }
    }
  }
  const onVisibility = () => scheduleViews();
  document.addEventListener('visibilitychange', onVisibility);

  // ---- per-tile quality ----------------------------------------------------------------------
  const last = new Map(); // trackIdentifier -> framesDecoded at the previous poll
  async function pollStats() {
    const pc = meeting.subPc;
    if (!pc) return;
    let report;
    try { report = await pc.getStats(); } catch { return; }
    const byTrack = new Map();
    report.forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'video' && s.trackIdentifier) byTrack.set(s.trackIdentifier, s); });
    for (const tile of tiles.values()) {
      if (!tile.res) continue;
      const track = tile.key.startsWith('self') ? null : tile.video.srcObject?.getVideoTracks?.()[0];
      const s = track && byTrack.get(track.id);
      if (!s) { tile.res.hidden = true; continue; }
      const before = last.get(track.id);
      last.set(track.id, s.framesDecoded || 0);
      const flowing = before !== undefined ? (s.framesDecoded || 0) > before : (s.framesDecoded || 0) > 0;
      tile.res.hidden = false;
      if (!flowing || !s.frameHeight) {
        tile.res.dataset.state = 'paused';
        tile.res.dataset.i18n = 'room.videoPaused';
        tile.res.textContent = t('room.videoPaused');
      } else {
        tile.res.dataset.state = 'playing';
        delete tile.res.dataset.i18n;
        tile.res.textContent = `${s.frameHeight}p ${Math.round(s.framesPerSecond || 0)}`;
      }
      tile.res.dataset.height = String(s.frameHeight || 0);
    }
  }
  const statsTimer = setInterval(pollStats, STATS_INTERVAL_MS);

  function destroy() {
    clearTimeout(viewTimer);
    viewTimer = null;
    clearInterval(statsTimer);
    resize?.disconnect();
    document.removeEventListener('visibilitychange', onVisibility);
  }

  return {
    add, remove, setTrack, setSpeaker, setLayout, arrange, destroy, togglePin, sendViews,
    get layout() { return current(); },
    get pinned() { return pinned; },
  };
}
