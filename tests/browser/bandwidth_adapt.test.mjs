// A meeting on a bad link (issue 11): three publishers with fake 720p cameras, one viewer behind
// a link shaped with `tc qdisc ... tbf`, one viewer on an unshaped path, all in one room.
//
// Two network namespaces made by this test: "srv" holds the server, the three publishers and the
// unshaped viewer (one Chromium; their traffic to the server is local, over the namespace's
// loopback); "view" holds the limited viewer (a second Chromium), joined to "srv" by a veth pair
// whose "srv" end carries a tbf qdisc on egress: every byte the server sends that viewer (media
// and signaling) goes through the token bucket, nothing else does. The server listens and binds
// media on the "srv" end's address, which both namespaces reach. No netem on this kernel: tbf
// gives the bottleneck (rate, and its queue for delay).
//
// Each phase is its own test, so a failing adaptation assertion does not hide the others:
//   1. harness: three publishers send 720p, both viewers decode the three cameras at 720p;
//      at 800 kbit/s the shaped viewer's received bitrate stays under the limit while the
//      unshaped one's does not (the shaping really limits that viewer, and only it);
//   2. 800 kbit/s: the shaped viewer gets lower layers (every camera's frameHeight <= 360) within
//      5 s and keeps decoding (each camera's framesDecoded rising every second, no 2 s without a
//      new frame), the unshaped viewer keeps 720;
//   3. limit lifted (tc qdisc change): from those lower layers, 720 back within 15 s;
//   4. 150 kbit/s: video paused (the server stops sending that viewer video: nftables counts
//      what it sends toward the viewer before tbf, and that stays under the link's rate; no
//      frame decoded; room.stats of the viewer is printed) while audio keeps flowing
//      (packetsReceived rising on each of the three); lifted: video resumes.
// Figures (time to adapt, heights, bitrates) are printed with console.log. Phases 2-4 need the
// bandwidth estimation, the layer allocator and simulcast publishing of issue 11; without them
// the server forwards every camera's one (top) encoding and those phases fail, phase 1 passes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { startServer, seededDb, cleanup } from '../lib/moa.mjs';
import { createNetns } from '../lib/netns.mjs';
import { launchBrowser, modulePage } from '../lib/browser.mjs';

const NET = `172.${16 + Math.floor(Math.random() * 16)}.${1 + Math.floor(Math.random() * 250)}`;
const SRV_ADDR = `${NET}.1`; // the "srv" end of the shaped veth pair: server HTTP, WS and media
const VIEW_ADDR = `${NET}.2`;
const SHAPED_DEV = 'lsrv'; // egress toward the shaped viewer
const CAMERA = { width: { exact: 1280 }, height: { exact: 720 }, frameRate: { ideal: 15 } };

let nsSrv, nsView, srv, db, browserSrv, browserOpen, browserView;
const pages = {};
let roomId, shapedUserId;
let harnessUp = false; // the later phases need the meeting the first one sets up

function run(cmd, args) {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
function tc(...args) { return run('ip', ['netns', 'exec', nsSrv.name, 'tc', ...args]); }
// The shaped link's rate; lifted = 100 Mbit/s (far above three 720p cameras and audio).
// The tbf queue holds 200 ms at the rate (the buffer of a slow access link).
function shape(rate) {
  const burst = rate === 'lifted' ? '256kb' : '4kb';
  tc('qdisc', 'change', 'dev', SHAPED_DEV, 'root', 'tbf', 'rate', rate === 'lifted' ? '100mbit' : rate,
    'burst', burst, 'latency', '200ms');
  console.log(`link to the shaped viewer: ${rate} (${tc('qdisc', 'show', 'dev', SHAPED_DEV).trim()})`);
}
// What the server sends toward the shaped viewer, counted by nftables on output (before the
// qdisc, so packets tbf then drops count too): UDP datagrams over 300 bytes are video (Opus
// packets and RTCP are far smaller). Tells "the server stopped sending video" from "the link
// dropped it".
const NFT_RULES = `table inet moa_shaped {
  chain out { type filter hook output priority 0; policy accept; oifname "${SHAPED_DEV}" meta l4proto udp meta length > 300 counter; }
}
`;
function serverVideoBytes() {
  const out = run('ip', ['netns', 'exec', nsSrv.name, 'nft', 'list', 'table', 'inet', 'moa_shaped']);
  const m = /counter packets \d+ bytes (\d+)/.exec(out);
  return m ? Number(m[1]) : 0;
}
async function serverVideoKbps(ms) {
  const b0 = serverVideoBytes(), t0 = Date.now();
  await sleep(ms);
  return kbps(serverVideoBytes() - b0, Date.now() - t0);
}

// The media worker's counters (room.stats, asked by the coordinator coord01).
async function workerCounters() {
  return (await pages.pubA.evaluate((roomId) => window.moa.rpc.request('room.stats', { room_id: roomId }), roomId)).worker;
}

// The shaped viewer as room.stats shows it: its estimate (kbit/s) and per camera "spatial/reason".
async function shapedState() {
  const stats = await pages.pubA.evaluate((roomId) => window.moa.rpc.request('room.stats', { room_id: roomId }), roomId);
  const me = stats.participants.find((p) => p.user_id === shapedUserId);
  const layers = (me?.receiving_layers || []).map((l) => `${l.spatial}/${l.reason}`).join(' ');
  return `${Math.round((me?.estimate_bps || 0) / 1000)} kbit/s [${layers}]`;
}
// Logs shapedState() every second until stop() is called (what the allocator did, for the log).
function traceShaped(label) {
  let on = true;
  const t0 = Date.now();
  const done = (async () => {
    let prev = null;
    while (on) {
      // Per camera on the shaped viewer: height, frames decoded in the last second, packets
      // lost, NACKs and PLIs it sent, key frames decoded, mean jitter buffer delay (all totals).
      const cams = await inbound(pages.shaped).then((s) => {
        const line = s.video.map((v, i) => `${v.height}p +${v.frames - (prev?.video[i]?.frames ?? v.frames)}f lost ${v.lost} nack ${v.nacks} pli ${v.plis} kf ${v.keyFrames} jb ${v.jbMs}ms`).join(' | ');
        prev = s;
        return line;
      }).catch((e) => e.message);
      const w = await workerCounters().catch(() => ({}));
      console.log(`${label} +${Date.now() - t0} ms: ${await shapedState().catch((e) => e.message)} ${cams} ` +
        `(worker: paced ${w.paced}, pacer dropped ${w.pacer_dropped}, retransmitted ${w.retransmitted}, PLIs sent ${w.plis_sent}; ` +
        `tbf dropped ${shapedDropped()}, the viewer's kernel dropped ${viewerUdpDrops()} UDP datagrams)`);
      await sleep(1000);
    }
  })();
  return async () => { on = false; await done; };
}

// Packets tbf dropped so far (its queue full: the link is the bottleneck).
function shapedDropped() {
  const m = /dropped (\d+)/.exec(tc('-s', 'qdisc', 'show', 'dev', SHAPED_DEV));
  return m ? Number(m[1]) : 0;
}

// UDP datagrams the shaped viewer's kernel dropped so far (receive buffer full, or in error):
// loss the link did not cause, from a viewer too short of CPU to read its sockets in time.
function viewerUdpDrops() {
  const lines = run('ip', ['netns', 'exec', nsView.name, 'cat', '/proc/net/snmp']).split('\n').filter((l) => l.startsWith('Udp:'));
  if (lines.length < 2) return 0;
  const names = lines[0].trim().split(/\s+/), values = lines[1].trim().split(/\s+/).map(Number);
  return values[names.indexOf('InErrors')] || 0;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  nsSrv = createNetns();
  nsView = createNetns();
  // If this process is killed (ctest's timeout), a watchdog ends what still runs in the two
  // namespaces and removes them; after a normal finish it finds nothing to do.
  spawn('sh', ['-c', `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; for n in ${nsSrv.name} ${nsView.name}; do ` +
    `for p in $(ip netns pids $n 2>/dev/null); do kill -9 $p; done; ip netns del $n 2>/dev/null; done`],
  { detached: true, stdio: 'ignore' }).unref();
  // The viewer's namespace keeps only loopback and the link to "srv" (its own veth pair goes:
  // Chromium must not have another address to try).
  run('ip', ['-n', nsView.name, 'link', 'del', 'va']);
  run('ip', ['link', 'add', SHAPED_DEV, 'netns', nsSrv.name, 'type', 'veth', 'peer', 'name', 'lview', 'netns', nsView.name]);
  run('ip', ['-n', nsSrv.name, 'addr', 'add', `${SRV_ADDR}/24`, 'dev', SHAPED_DEV]);
  run('ip', ['-n', nsView.name, 'addr', 'add', `${VIEW_ADDR}/24`, 'dev', 'lview']);
  run('ip', ['-n', nsSrv.name, 'link', 'set', SHAPED_DEV, 'up']);
  run('ip', ['-n', nsView.name, 'link', 'set', 'lview', 'up']);
  tc('qdisc', 'add', 'dev', SHAPED_DEV, 'root', 'tbf', 'rate', '100mbit', 'burst', '256kb', 'latency', '200ms');
  execFileSync('ip', ['netns', 'exec', nsSrv.name, 'nft', '-f', '-'], { input: NFT_RULES });

  db = seededDb();
  srv = await startServer({ db: db.path, host: SRV_ADDR, args: ['--media-ip', SRV_ADDR, '--log-level', 'debug'], netns: nsSrv });
  // The server's origin is not loopback: let Chromium treat it as secure (getUserMedia).
  const extraArgs = [`--unsafely-treat-insecure-origin-as-secure=${srv.url}`];
  browserSrv = await launchBrowser({ netns: nsSrv, extraArgs });
  // The unshaped viewer has a browser of its own, as every participant has a machine of its
  // own. It shared the publishers' browser before, and the transport-cc feedback of all four
  // pages then showed the same stalls at once (a third of a second of packets stamped at one
  // instant): the browser busy encoding read their sockets late, the viewer's delay detector
  // saw a receiver that could not keep up, and the unshaped viewer lost 720p.
  browserOpen = await launchBrowser({ netns: nsSrv, extraArgs });
  browserView = await launchBrowser({ netns: nsView, extraArgs });
  // Publishers: consortium 1's three people; viewers: an admin (unshaped) and an invitee from
  // another consortium (shaped), in a room coord01 opens for this.
  pages.pubA = await modulePage(browserSrv, srv, 'coord01@moa.example');
  pages.pubB = await modulePage(browserSrv, srv, 'member01a@moa.example');
  pages.pubC = await modulePage(browserSrv, srv, 'member01b@moa.example');
  pages.open = await modulePage(browserOpen, srv, 'admin@moa.example');
  pages.shaped = await modulePage(browserView, srv, 'member02a@moa.example');
  shapedUserId = await pages.shaped.evaluate(() => window.moa.rpc.user.id);
  roomId = await pages.pubA.evaluate(async (invitee) => (await window.moa.rpc.request('room.create',
    { consortium_id: 1, name: 'bad link', visibility: 'consortium', invitees: [invitee] })).id, shapedUserId);
});

after(async () => {
  await browserSrv?.close();
  await browserOpen?.close();
  await browserView?.close();
  await srv?.stop();
  nsSrv?.destroy();
  nsView?.destroy();
  if (db) cleanup(db.dir);
});

async function join(page, media) {
  await page.evaluate(async ({ roomId, media }) => {
    const m = new window.moa.Meeting(window.moa.rpc, roomId);
    window.meeting = m;
    m.addEventListener('device-error', (e) => { window.deviceError = e.detail; });
    await m.join(media);
    if (window.deviceError) throw new Error(`getUserMedia: ${JSON.stringify(window.deviceError)}`);
    // A publisher keeps its resolution when the (loaded) machine is short of CPU: the test is
    // about the viewer's link, not the publisher's encoder.
    for (const s of m.pubPc?.getSenders() || []) {
      if (s.track?.kind !== 'video') continue;
      const p = s.getParameters();
      p.degradationPreference = 'maintain-resolution';
      try { await s.setParameters(p); } catch { /* not supported: keep the default */ }
    }
  }, { roomId, media });
}

// What a publisher sends: per encoding (rid or '-') its frame height and bytes.
function outbound(page) {
  return page.evaluate(async () => {
    const out = [];
    if (!window.meeting.pubPc) return out;
    (await window.meeting.pubPc.getStats()).forEach((s) => {
      if (s.type === 'outbound-rtp' && s.kind === 'video') {
        out.push({ rid: s.rid || '-', height: s.frameHeight || 0, bytes: s.bytesSent, fps: s.framesPerSecond, target: s.targetBitrate, limit: s.qualityLimitationReason });
      }
      if (s.type === 'candidate-pair' && s.nominated && s.availableOutgoingBitrate) out.push({ estimate: s.availableOutgoingBitrate });
    });
    return out;
  });
}

// What a viewer receives: every inbound video (by track) and the audio, plus the transport's bytes.
function inbound(page) {
  return page.evaluate(async () => {
    const out = { t: performance.now(), video: [], audio: [], bytes: 0 };
    if (!window.meeting.subPc) return out;
    (await window.meeting.subPc.getStats()).forEach((s) => {
      if (s.type === 'transport') out.bytes += s.bytesReceived || 0;
      if (s.type !== 'inbound-rtp') return;
      const r = { id: s.trackIdentifier || s.id, bytes: s.bytesReceived || 0, packets: s.packetsReceived || 0, lost: s.packetsLost || 0 };
      if (s.kind === 'video') {
        out.video.push({ ...r, frames: s.framesDecoded || 0, height: s.frameHeight || 0, keyFrames: s.keyFramesDecoded || 0,
          nacks: s.nackCount || 0, plis: s.pliCount || 0, jbMs: s.jitterBufferEmittedCount ? Math.round(1000 * s.jitterBufferDelay / s.jitterBufferEmittedCount) : 0 });
      }
      else out.audio.push(r);
    });
    out.video.sort((a, b) => a.id.localeCompare(b.id));
    out.audio.sort((a, b) => a.id.localeCompare(b.id));
    return out;
  });
}

const heights = (s) => s.video.map((v) => v.height);
const framesOf = (s) => s.video.map((v) => v.frames);
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const kbps = (bytes, ms) => Math.round((bytes * 8) / ms); // bits per ms = kbit/s

async function waitFor(fn, what, timeout, step = 250) {
  const t0 = Date.now();
  let last;
  for (;;) {
    last = await fn();
    if (last) return Date.now() - t0;
    if (Date.now() - t0 > timeout) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await sleep(step);
  }
}

// Received bitrates of a viewer over ms: total (transport), video and audio, in kbit/s.
async function rates(page, ms) {
  const a = await inbound(page);
  await sleep(ms);
  const b = await inbound(page);
  const dt = b.t - a.t;
  return {
    total: kbps(b.bytes - a.bytes, dt),
    video: kbps(sum(b.video.map((v) => v.bytes)) - sum(a.video.map((v) => v.bytes)), dt),
    audio: kbps(sum(b.audio.map((v) => v.bytes)) - sum(a.audio.map((v) => v.bytes)), dt),
    audioPackets: b.audio.map((v, i) => v.packets - (a.audio[i]?.packets ?? 0)),
    frames: framesOf(b).map((f, i) => f - (framesOf(a)[i] ?? 0)),
    heights: heights(b),
  };
}

// Samples a viewer every 250 ms for ms: for each camera the longest time without a new decoded
// frame, and whether every whole second of the window had a new frame of every camera.
async function watchDecoding(page, ms) {
  const t0 = Date.now();
  const first = await inbound(page);
  const lastNew = first.video.map(() => t0), lastFrames = framesOf(first), maxGap = first.video.map(() => 0);
  const perSecond = [];
  let secStart = t0, secFrames = lastFrames.slice();
  const seenHeights = new Set();
  while (Date.now() - t0 < ms) {
    await sleep(250);
    const s = await inbound(page), now = Date.now();
    s.video.forEach((v, i) => {
      seenHeights.add(v.height);
      if (v.frames > (lastFrames[i] ?? 0)) { lastFrames[i] = v.frames; lastNew[i] = now; }
      maxGap[i] = Math.max(maxGap[i] ?? 0, now - lastNew[i]);
    });
    if (now - secStart >= 1000) {
      perSecond.push(framesOf(s).map((f, i) => f - (secFrames[i] ?? 0)));
      secStart = now;
      secFrames = framesOf(s);
    }
  }
  return { maxGap, perSecond, heights: [...seenHeights].sort((a, b) => a - b) };
}

test('harness: three publishers send 720p, both viewers decode them at 720p, tbf limits only the shaped viewer', { timeout: 170000 }, async () => {
  const t0 = Date.now();
  for (const p of [pages.pubA, pages.pubB, pages.pubC]) await join(p, { audio: true, video: CAMERA });
  await join(pages.open, { audio: false, video: false });
  await join(pages.shaped, { audio: false, video: false });

  // Each publisher sends a 720p encoding (with simulcast, also its lower ones).
  for (const [name, p] of [['A', pages.pubA], ['B', pages.pubB], ['C', pages.pubC]]) {
    try {
      await waitFor(async () => (await outbound(p)).some((e) => e.height === 720), `publisher ${name} sending 720p`, Math.max(5000, 60000 - (Date.now() - t0)));
    } finally {
      console.log(`publisher ${name} after ${Date.now() - t0} ms:`, JSON.stringify(await outbound(p)),
        JSON.stringify(await p.evaluate(() => window.meeting.pubPc?.getSenders().map((s) => [s.track?.kind, s.track?.getSettings(), s.getParameters().degradationPreference]))));
    }
    console.log(`publisher ${name} encodings:`, JSON.stringify(await outbound(p)));
  }
  // Both viewers decode the three cameras at 720p.
  for (const [name, p] of [['unshaped', pages.open], ['shaped', pages.shaped]]) {
    let ms;
    try {
      ms = await waitFor(async () => {
        const s = await inbound(p);
        return s.video.length === 3 && s.video.every((v) => v.height === 720 && v.frames > 5) && s.audio.length === 3;
      }, `the ${name} viewer decoding three cameras at 720p`, 45000);
    } finally {
      if (ms === undefined) console.log(`${name} viewer:`, JSON.stringify(await inbound(p)));
    }
    console.log(`${name} viewer: three cameras at 720p ${Date.now() - t0} ms after the first join (${ms} ms of waiting)`);
  }
  // Publishers ramp their bitrate up (Chrome's estimate starts low): shaping is proven once the
  // three together send well above the limit.
  let ramp;
  try {
    ramp = await waitFor(async () => (await rates(pages.open, 2000)).total > 1200, 'the three cameras > 1.2 Mbit/s together (unshaped viewer)', 45000, 0);
  } finally {
    for (const [name, p] of [['A', pages.pubA], ['B', pages.pubB], ['C', pages.pubC]]) console.log(`publisher ${name} now:`, JSON.stringify(await outbound(p)));
  }
  console.log(`publishers ramped up to > 1.2 Mbit/s together in ${ramp} ms more`);
  const openRate = await rates(pages.open, 2000);
  // The shaped viewer may still be short of three 720p cameras here: one CI run found 719
  // kbit/s, heights 720,720,180, in the first 2 s window (why is not known: its log had no
  // estimate), and a camera held back goes up only after 2.5 s of room. Its link is not
  // limited, so it must get there within 30 s; each window that falls short is logged with
  // the server's estimate and layers.
  let shapedFree;
  const shapedWait = await waitFor(async () => {
    shapedFree = await rates(pages.shaped, 2000);
    if (shapedFree.total > 1000) return true;
    console.log(`unlimited: shaped viewer ${shapedFree.total} kbit/s (heights ${shapedFree.heights}), server: ${await shapedState()}`);
    return false;
  }, 'the shaped viewer receiving > 1 Mbit/s with its link unlimited', 30000, 0).catch((e) => {
    if (!/^timed out/.test(e.message)) throw e; // a page that fails fails the test as it is
  });
  console.log(`unlimited: unshaped viewer ${openRate.total} kbit/s, shaped viewer ${shapedFree.total} kbit/s (heights ${shapedFree.heights}) ` +
    `after ${shapedWait ?? '> 30000'} ms`);
  harnessUp = true;
  assert.ok(shapedFree.total > 1000, `with the limit lifted the shaped viewer receives three 720p cameras: ${shapedFree.total} kbit/s`);

  // Shaping works and touches only that viewer: at 800 kbit/s its received bitrate stays under
  // the limit (plus the bucket), the unshaped viewer's does not drop.
  shape('800kbit');
  await sleep(1500);
  const dropped0 = shapedDropped(), worker0 = await workerCounters();
  const [shapedLim, openLim, serverLim] = await Promise.all([rates(pages.shaped, 3000), rates(pages.open, 3000), serverVideoKbps(3000)]);
  const dropped = shapedDropped() - dropped0, worker1 = await workerCounters();
  console.log(`at 800 kbit/s, in 3 s the worker retransmitted ${worker1.retransmitted - worker0.retransmitted} packets ` +
    `(${worker1.nacks_received - worker0.nacks_received} NACKs received) and asked ${worker1.plis_sent - worker0.plis_sent} key frames`);
  console.log(`at 800 kbit/s: shaped viewer receives ${shapedLim.total} kbit/s (video ${shapedLim.video}, audio ${shapedLim.audio}), ` +
    `the server sent it ${serverLim} kbit/s of video, tbf dropped ${dropped} packets in 3 s; unshaped viewer ${openLim.total} kbit/s`);
  assert.ok(shapedLim.total <= 800 * 1.1, `the shaped viewer receives at most the limit: ${shapedLim.total} kbit/s`);
  assert.ok(shapedLim.total >= 100, `the shaped viewer still receives: ${shapedLim.total} kbit/s`);
  // more than the shaped link carries (publishers short of CPU send less than 1 Mbit/s at times)
  assert.ok(openLim.total > 800 * 1.1, `the unshaped viewer is not limited: ${openLim.total} kbit/s`);
});

// Was `todo` until the eighth session: a camera froze 2-3 s after the down-switch in
// some runs. Fixed by what docs/BWE.md, "Eighth session", lists (the first cut under the link,
// audio charged to the pacer, probes carrying the media, the upper encoding's base layer while
// a switch down waits, the pacer's backlog pushing back, duplicates no longer forwarded).
test('800 kbit/s: the shaped viewer gets lower layers within 5 s and keeps decoding; the unshaped viewer keeps 720p', {
  timeout: 60000,
}, async () => {
  assert.ok(harnessUp, 'the meeting of the harness test is up');
  // The limit has been on since the end of the harness test; take the time from a fresh start.
  shape('lifted');
  const stopLift = traceShaped('lifted before 800 kbit/s');
  try {
    await waitFor(async () => (await inbound(pages.shaped)).video.every((v) => v.height === 720), 'the shaped viewer back on 720p', 15000);
  } finally {
    await stopLift();
  }
  const t0 = Date.now();
  shape('800kbit');
  let adapted;
  const stopTrace = traceShaped('800 kbit/s');
  let dec, open;
  try {
    try {
      adapted = await waitFor(async () => heights(await inbound(pages.shaped)).every((h) => h > 0 && h <= 360), 'every camera <= 360 on the shaped viewer', 5000);
    } finally {
      console.log(`800 kbit/s: shaped viewer heights ${heights(await inbound(pages.shaped))} after ${Date.now() - t0} ms`);
    }
    console.log(`800 kbit/s: adapted to <= 360 in ${adapted} ms`);
    [dec, open] = await Promise.all([watchDecoding(pages.shaped, 8000), rates(pages.open, 8000)]);
  } finally {
    await stopTrace();
  }
  const shaped = await rates(pages.shaped, 2000);
  console.log(`800 kbit/s adapted: heights seen ${dec.heights}, longest gap per camera ${dec.maxGap} ms, frames per second ${JSON.stringify(dec.perSecond)}, ` +
    `receiving ${shaped.total} kbit/s; unshaped viewer heights ${open.heights} at ${open.total} kbit/s`);
  dec.maxGap.forEach((g, i) => assert.ok(g < 2000, `camera ${i}: no 2 s without a new frame once adapted (longest ${g} ms)`));
  dec.perSecond.forEach((s, k) => assert.ok(s.length === 3 && s.every((n) => n > 0), `second ${k}: every camera decoded a frame (${s})`));
  assert.ok(dec.heights.every((h) => h <= 360), `stays on lower layers (${dec.heights})`);
  assert.deepEqual(open.heights, [720, 720, 720], 'the unshaped viewer keeps the top layer');
});

test('limit lifted: from lower layers, 720p back on the shaped viewer within 15 s', { timeout: 60000 }, async () => {
  assert.ok(harnessUp, 'the meeting of the harness test is up');
  // From lower layers: those the 800 kbit/s phase left, or (when that phase failed before
  // getting there) the link at 800 kbit/s again until they come, so this phase is judged on
  // its own.
  let start = heights(await inbound(pages.shaped));
  if (!(start.length === 3 && start.every((h) => h > 0 && h <= 360))) {
    console.log(`lifted: the shaped viewer is not on lower layers (${start}); 800 kbit/s until it is`);
    shape('800kbit');
    await waitFor(async () => heights(await inbound(pages.shaped)).every((h) => h > 0 && h <= 360), 'every camera <= 360 on the shaped viewer', 25000);
    start = heights(await inbound(pages.shaped));
  }
  assert.ok(start.length === 3 && start.every((h) => h > 0 && h <= 360), `the shaped viewer is on lower layers before the lift (${start})`);
  const t0 = Date.now();
  shape('lifted');
  let ms;
  const stopTrace = traceShaped('lifted');
  try {
    ms = await waitFor(async () => heights(await inbound(pages.shaped)).every((h) => h === 720), 'every camera at 720 on the shaped viewer', 15000);
  } finally {
    await stopTrace();
    console.log(`lifted: shaped viewer heights ${heights(await inbound(pages.shaped))} after ${Date.now() - t0} ms`);
  }
  const r = await rates(pages.shaped, 2000);
  console.log(`lifted: 720p back in ${ms} ms, receiving ${r.total} kbit/s, frames in 2 s ${r.frames}`);
  assert.ok(r.frames.every((n) => n > 0), `decoding every camera (${r.frames})`);
});

test('150 kbit/s: video pauses, audio keeps flowing; lifted: video resumes', { timeout: 60000 }, async () => {
  assert.ok(harnessUp, 'the meeting of the harness test is up');
  shape('150kbit');
  const t0 = Date.now();
  // Paused: the server sends that viewer less video than the link carries (nftables, before
  // tbf: at 150 kbit/s the link alone would already starve the video, so the viewer's own
  // figures cannot tell a pause from loss); room.stats is printed for the reason.
  let pausedMs;
  try {
    pausedMs = await waitFor(async () => (await serverVideoKbps(1000)) < 150, 'the server sending the shaped viewer less video than the link carries', 10000, 0);
  } finally {
    const stats = await pages.pubA.evaluate((roomId) => window.moa.rpc.request('room.stats', { room_id: roomId }), roomId);
    const me = stats.participants.find((p) => p.user_id === shapedUserId);
    console.log(`150 kbit/s after ${Date.now() - t0} ms: room.stats of the shaped viewer ${JSON.stringify(me)}`);
  }
  console.log(`150 kbit/s: video paused in ${pausedMs} ms`);
  const [r, sent] = await Promise.all([rates(pages.shaped, 3000), serverVideoKbps(3000)]);
  const lossA = await inbound(pages.shaped);
  console.log(`150 kbit/s paused: server sends it ${sent} kbit/s of video; it receives video ${r.video} kbit/s, audio ${r.audio} kbit/s ` +
    `(${r.audioPackets} packets in 3 s, lost so far ${lossA.audio.map((a) => a.lost)}), frames ${r.frames}`);
  assert.equal(r.audioPackets.length, 3, 'three audio tracks');
  r.audioPackets.forEach((n, i) => assert.ok(n >= 3 * 25, `audio ${i} keeps flowing: ${n} packets in 3 s (50 a second sent)`));
  // Paused by the server, not starved by the link: it sends less video than the link carries
  // (what remains is probing), and the viewer decodes no new frame.
  assert.ok(sent < 150, `the server stops sending video: ${sent} kbit/s of packets > 300 bytes toward the viewer`);
  assert.ok(r.frames.every((n) => n === 0), `no video frame decoded while paused (${r.frames})`);

  const t1 = Date.now();
  shape('lifted');
  const stopTrace = traceShaped('lifted after pause');
  let resumed;
  try {
    resumed = await waitFor(async () => (await rates(pages.shaped, 500)).frames.every((n) => n > 0), 'video resuming on every camera', 15000, 0);
  } finally {
    await stopTrace();
  }
  const after = await rates(pages.shaped, 2000);
  console.log(`lifted after pause: video resumed in ${Date.now() - t1} ms (${resumed} ms waiting), heights ${after.heights}, frames in 2 s ${after.frames}`);
  assert.ok(after.frames.every((n) => n > 0), `decoding every camera again (${after.frames})`);
});
