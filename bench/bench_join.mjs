// Join latency benchmark (issue 15): from a viewer's call of Meeting.join() to the first decoded
// frame of the camera of someone already in the room, in headless Chromium through the real moa
// binary, with the time split into the steps of a join.
//
// Publisher A (member01a) joins consortium 1's lounge with the fake camera and microphone and
// keeps publishing. Then, JOIN_ROUNDS times (after JOIN_WARMUP rounds that are not counted),
// viewer B (member01b) makes a new Meeting on its page, joins with audio and video, and the page
// records with performance.now(), from the moment join() is called (ms):
//   join    room.join reply received
//   offer   media.offer received (the server's subscribe offer)
//   answer  subscribe PeerConnection's setLocalDescription(answer) done (media.answer goes next)
//   ice     subscribe PC iceConnectionState 'connected'
//   conn    subscribe PC connectionState 'connected' (ICE and DTLS done)
//   pkt     first inbound packet of A's video (getStats inbound-rtp packetsReceived > 0)
//   frame   first decoded frame of A's video (framesDecoded > 0)
//   pub     join() resolved: B's own camera and microphone captured and published
// and A's page records when its publishing PeerConnection received a PLI and encoded a key frame
// (outbound-rtp pliCount and keyFramesEncoded, same clock):
//   pliA    the last PLI A received before B's first frame
//   kfA     the first key frame A encoded after that PLI (the one B decoded)
// (A's figures come from polling A's own getStats: they lag the events by up to a poll, ~10-20 ms,
// and can come out a little after B's first frame.)
// Both pages poll getStats every 10 ms inside the page (no node<->page round trip in the figures).
// After each round B leaves (Meeting.leave) and the bench waits until the server's /metrics show
// only A's media objects again. Prints each round, then the median and p90 of each milestone.
//
// Chromium gathers no ICE candidates with loopback alone, so the server and Chromium run in a
// network namespace the bench makes (tests/lib/netns.mjs: loopback plus a veth pair whose two ends
// both live inside it; needs root, as the browser tests). The server listens on 127.0.0.1.
//
// Usage: node bench/bench_join.mjs <moa-binary> <seed-db>
//        (env JOIN_ROUNDS=12 JOIN_WARMUP=1; MOA_STATIC_DIR=<web-static dir> serves another web app,
//        e.g. a baseline commit's, default this tree's web-static)
import { copyFileSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const [moaBin, seedDb] = process.argv.slice(2);
if (!moaBin || !seedDb) {
  console.error('usage: node bench/bench_join.mjs <moa-binary> <seed-db>');
  process.exit(2);
}
const ROUNDS = Number(process.env.JOIN_ROUNDS || 12);
const WARMUP = Number(process.env.JOIN_WARMUP ?? 1);
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const STATIC = resolve(process.env.MOA_STATIC_DIR || join(SRC, 'web-static'));
// The test helpers take the binary from MOA_BIN (set before they are loaded).
process.env.MOA_BIN = resolve(moaBin);
process.env.MOA_SRC = SRC;
const { startServer, tempDir, cleanup } = await import('../tests/lib/moa.mjs');
const { createNetns } = await import('../tests/lib/netns.mjs');
const { launchBrowser, modulePage } = await import('../tests/lib/browser.mjs');

const MILESTONES = ['join', 'offer', 'answer', 'ice', 'conn', 'pliA', 'kfA', 'pkt', 'frame', 'pub'];
const pct = (arr, p) => {
  const s = [...arr].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((s.length * p) / 100) - 1)];
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A's side, running for the whole bench: PLIs received and key frames encoded by its publishing
// PeerConnection, as wall-clock times (performance.timeOrigin + now(), comparable across pages).
function startPublisherLog(page) {
  return page.evaluate(() => {
    window.pubLog = [];
    window.pubLogStop = false;
    const last = new Map();
    (async () => {
      while (!window.pubLogStop) {
        const pc = window.meeting?.pubPc;
        if (pc) {
          const stats = await pc.getStats();
          const now = performance.timeOrigin + performance.now();
          stats.forEach((s) => {
            if (s.type !== 'outbound-rtp' || s.kind !== 'video') return;
            const prev = last.get(s.id) || { pli: s.pliCount || 0, kf: s.keyFramesEncoded || 0 };
            if ((s.pliCount || 0) > prev.pli) window.pubLog.push({ t: now, what: 'pli', rid: s.rid });
            if ((s.keyFramesEncoded || 0) > prev.kf) window.pubLog.push({ t: now, what: 'kf', rid: s.rid });
            last.set(s.id, { pli: s.pliCount || 0, kf: s.keyFramesEncoded || 0 });
          });
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
  });
}

// One join of B, measured inside its page. Resolves {T: {milestone: ms}, t0 (wall clock), detail}.
function measureJoin(page, roomId, timeout) {
  return page.evaluate(async ({ roomId, timeout }) => {
    const T = {};
    const t0 = performance.now();
    const at = (k) => { if (T[k] === undefined) T[k] = performance.now() - t0; };
    const rpc = window.moa.rpc;
    const meeting = new window.moa.Meeting(rpc, roomId);
    window.meeting = meeting;
    // room.join's reply and media.answer's sending, seen by wrapping this rpc's request().
    const request = rpc.request;
    rpc.request = async function (type, params, opts) {
      const r = await request.call(this, type, params, opts);
      if (type === 'room.join') at('join');
      return r;
    };
    // Registered before the Meeting's own handler (join() registers it): runs first.
    const off = rpc.on('media.offer', (m) => { if (m.room_id === undefined || m.room_id === roomId) at('offer'); });
    // The subscribe PC is made and given the offer synchronously after the replies: hooked
    // through the prototype, for this meeting's subPc only.
    const proto = RTCPeerConnection.prototype;
    const srd = proto.setRemoteDescription, sld = proto.setLocalDescription;
    const hooked = new WeakSet();
    proto.setRemoteDescription = function (...a) {
      if (this === meeting.subPc && !hooked.has(this)) {
        hooked.add(this);
        const pc = this;
        pc.addEventListener('iceconnectionstatechange', () => {
          if (pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed') at('ice');
        });
        pc.addEventListener('connectionstatechange', () => { if (pc.connectionState === 'connected') at('conn'); });
      }
      return srd.apply(this, a);
    };
    proto.setLocalDescription = async function (...a) {
      const isSub = this === meeting.subPc;
      const r = await sld.apply(this, a);
      if (isSub && this.localDescription?.type === 'answer') at('answer');
      return r;
    };
    let error = null;
    const detail = {};
    try {
      meeting.join({ audio: true, video: true }).then(() => at('pub'), (e) => { error = `join: ${e.code || ''} ${e.message}`; });
      const end = t0 + timeout;
      while (!error && performance.now() < end && (T.frame === undefined || T.pub === undefined)) {
        const pc = meeting.subPc;
        if (pc && T.answer !== undefined && T.frame === undefined) {
          const stats = await pc.getStats();
          stats.forEach((s) => {
            if (s.type !== 'inbound-rtp') return;
            const info = meeting.offerTracks.get(s.mid);
            if (s.kind === 'audio' && s.packetsReceived > 0) at('apkt');
            if (s.kind !== 'video' || (info && info.participant_id === meeting.self?.participant_id)) return;
            if (s.packetsReceived > 0) at('pkt');
            if (s.framesDecoded > 0) {
              at('frame');
              Object.assign(detail, { pliCount: s.pliCount, nackCount: s.nackCount, keyFramesDecoded: s.keyFramesDecoded,
                framesReceived: s.framesReceived, packetsReceived: s.packetsReceived, width: s.frameWidth });
            }
          });
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      if (!error && T.frame === undefined) error = `no decoded frame in ${timeout} ms`;
      if (!error && T.pub === undefined) error = `join() did not resolve in ${timeout} ms`;
      if (error) {
        detail.sub = meeting.subPc?.connectionState;
        detail.inbound = [];
        if (meeting.subPc) (await meeting.subPc.getStats()).forEach((s) => { if (s.type === 'inbound-rtp') detail.inbound.push([s.mid, s.kind, s.packetsReceived, s.framesDecoded]); });
      }
    } finally {
      delete rpc.request; // back to the class's method
      off();
      proto.setRemoteDescription = srd;
      proto.setLocalDescription = sld;
    }
    return { T, t0: performance.timeOrigin + t0, error, detail };
  }, { roomId, timeout });
}

// The server's media objects (from /metrics, fetched by a page: the server is in the namespace).
function mediaGauges(page) {
  return page.evaluate(async () => {
    const text = await (await fetch('/metrics')).text();
    const g = {};
    for (const k of ['rooms', 'peers', 'producers', 'consumers']) g[k] = Number(new RegExp(`^moa_media_${k} (\\d+)$`, 'm').exec(text)?.[1]);
    return g;
  });
}

async function waitGauges(page, want, timeout = 10000) {
  const end = Date.now() + timeout;
  for (;;) {
    const g = await mediaGauges(page);
    if (Object.keys(want).every((k) => g[k] === want[k])) return;
    if (Date.now() > end) throw new Error(`server media objects ${JSON.stringify(g)}, expected ${JSON.stringify(want)}`);
    await sleep(50);
  }
}

const dir = tempDir('moa-bench-join-');
const db = join(dir, 'moa.db');
copyFileSync(seedDb, db);
let ns, srv, browser;
const teardown = async () => {
  await browser?.close().catch(() => {});
  await srv?.stop();
  ns?.destroy();
  cleanup(dir);
};
process.on('SIGINT', () => { teardown().finally(() => process.exit(130)); });

let failed = false;
try {
  ns = createNetns();
  srv = await startServer({ db, netns: ns, staticDir: STATIC });
  browser = await launchBrowser({ netns: ns });
  const a = await modulePage(browser, srv, 'member01a@moa.example');
  const b = await modulePage(browser, srv, 'member01b@moa.example');
  const roomId = await a.evaluate(async () => (await window.moa.rpc.request('room.list', { consortium_id: 1 })).rooms.find((x) => x.is_lounge).id);
  await a.evaluate(async (roomId) => {
    window.meeting = new window.moa.Meeting(window.moa.rpc, roomId);
    await window.meeting.join({ audio: true, video: true });
  }, roomId);
  // A publishing and its encoders up (all simulcast encodings flowing) before B comes.
  const t = Date.now();
  while ((await mediaGauges(a)).producers < 2 && Date.now() - t < 10000) await sleep(100);
  await sleep(2000);
  const alone = await mediaGauges(a);
  await startPublisherLog(a);
  const adaptation = process.env.MOA_BANDWIDTH_ADAPTATION ?? '(unset)';
  console.log(`join latency: viewer B joins room ${roomId} where A publishes camera+mic; ${WARMUP} warm-up + ${ROUNDS} rounds; ` +
    `web app ${STATIC}; MOA_BANDWIDTH_ADAPTATION=${adaptation}; server media objects with A alone ${JSON.stringify(alone)}`);
  console.log('ms from join() in the page:');
  const cols = ['round', ...MILESTONES, 'apkt'];
  console.log(cols.map((c) => c.padStart(6)).join(' ') + '  (PLIs at A in the round; B keyframes/frames received at the first frame)');
  const rows = [];
  for (let i = 0; i < WARMUP + ROUNDS; i++) {
    const r = await measureJoin(b, roomId, 10000);
    if (r.error) throw new Error(`round ${i + 1}: ${r.error} ${JSON.stringify(r.detail)} ${JSON.stringify(r.T)}`);
    // A's PLIs and key frames in this round, relative to B's t0.
    // A's log is read by polling too, so the key frame B decoded can be seen at A a few ms after
    // B decoded it: the PLI is the last one seen before B's frame, the key frame the first after it.
    await sleep(100);
    const log = (await a.evaluate(() => window.pubLog.splice(0))).map((e) => ({ ...e, t: e.t - r.t0 })).filter((e) => e.t >= 0);
    const pli = log.filter((e) => e.what === 'pli' && e.t <= r.T.frame).at(-1);
    const kf = log.find((e) => e.what === 'kf' && (!pli || e.t >= pli.t));
    if (kf) r.T.kfA = kf.t;
    if (pli) r.T.pliA = pli.t;
    const plis = new Set(log.filter((e) => e.what === 'pli' && e.t <= r.T.frame).map((e) => e.t)).size; // one poll sees every encoding's
    const warm = i < WARMUP;
    if (!warm) rows.push(r.T);
    console.log([warm ? `w${i + 1}` : String(i + 1 - WARMUP), ...MILESTONES.map((k) => (r.T[k] === undefined ? '-' : r.T[k].toFixed(0))),
      r.T.apkt === undefined ? '-' : r.T.apkt.toFixed(0)].map((c) => c.padStart(6)).join(' ') +
      `  (${plis} PLI; ${r.detail.keyFramesDecoded ?? '?'} kf/${r.detail.framesReceived ?? '?'} frames, ${r.detail.width ?? '?'}px)`);
    await b.evaluate(() => window.meeting.leave());
    await waitGauges(b, alone);
    await sleep(300); // A's renegotiation after B went
  }
  for (const [name, p] of [['median', 50], ['p90', 90]]) {
    console.log([name, ...MILESTONES, 'apkt'].map((k, j) => {
      if (j === 0) return k.padStart(6);
      const v = rows.map((T) => T[k]).filter((x) => x !== undefined);
      return (v.length ? pct(v, p).toFixed(0) : '-').padStart(6);
    }).join(' '));
  }
  // The steps between milestones (medians of each round's differences).
  const steps = [['join', null, 'join'], ['join->offer', 'join', 'offer'], ['offer->answer', 'offer', 'answer'], ['answer->ice', 'answer', 'ice'],
    ['ice->conn (DTLS)', 'ice', 'conn'], ['conn->pkt', 'conn', 'pkt'], ['pkt->frame', 'pkt', 'frame'], ['conn->kfA', 'conn', 'kfA']];
  console.log('steps, median / p90 ms: ' + steps.map(([n, from, to]) => {
    const v = rows.filter((T) => T[to] !== undefined && (!from || T[from] !== undefined)).map((T) => T[to] - (from ? T[from] : 0));
    return v.length ? `${n} ${pct(v, 50).toFixed(0)}/${pct(v, 90).toFixed(0)}` : `${n} -`;
  }).join(', '));
  await a.evaluate(() => { window.pubLogStop = true; });
} catch (e) {
  failed = true;
  console.error('bench_join:', e.message);
  if (srv) console.error(srv.output().stderr.split('\n').slice(-30).join('\n'));
} finally {
  await teardown();
}
process.exit(failed ? 1 : 0);
