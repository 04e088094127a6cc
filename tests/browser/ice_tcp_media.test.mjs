// ICE over TCP end to end: a network namespace this test makes, whose nftables drop every UDP
// packet (in and out), as a company network that blocks UDP would. Two headless Chromium
// participants meet through the real moa binary: the UDP candidate fails, the server's RFC 6544
// passive TCP candidate carries STUN, DTLS and SRTP, and each decodes the other's video
// (framesDecoded rising) and receives audio (packetsReceived rising). getStats shows the
// selected pair on TCP, the web app reports it (media.path), /metrics counts both participants
// under moa_ice_selected_total{type="host",protocol="tcp"} and room.stats shows it per
// participant. The nftables drop counter proves UDP was tried and dropped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, seededDb, cleanup } from '../lib/moa.mjs';
import { createNetns } from '../lib/netns.mjs';
import { launchBrowser, modulePage } from '../lib/browser.mjs';

let ns, srv, db, browser;

const RULES = `table inet moa_block_udp {
  chain in { type filter hook input priority 0; policy accept; meta l4proto udp counter drop; }
  chain out { type filter hook output priority 0; policy accept; meta l4proto udp counter drop; }
}
`;

function nft(args, input) {
  return execFileSync('ip', ['netns', 'exec', ns.name, 'nft', ...args], { input, encoding: 'utf8' });
}

// Packets the rules dropped so far (both chains).
function udpDropped() {
  const out = nft(['list', 'table', 'inet', 'moa_block_udp']);
  return [...out.matchAll(/counter packets (\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
}

before(async () => {
  ns = createNetns();
  nft(['-f', '-'], RULES);
  db = seededDb();
  srv = await startServer({ db: db.path, netns: ns });
  browser = await launchBrowser({ netns: ns });
});
after(async () => {
  await browser?.close();
  await srv?.stop();
  ns?.destroy();
  cleanup(db.dir);
});

async function lounge(page, consortiumId) {
  return page.evaluate(async (cid) => {
    const r = await window.moa.rpc.request('room.list', { consortium_id: cid });
    return r.rooms.find((x) => x.is_lounge).id;
  }, consortiumId);
}

async function join(page, roomId) {
  await page.evaluate(async (roomId) => {
    const m = new window.moa.Meeting(window.moa.rpc, roomId);
    window.meeting = m;
    await m.join({ audio: true, video: true });
  }, roomId);
}

function inbound(page) {
  return page.evaluate(async () => {
    const out = { video: 0, audio: 0 };
    if (!window.meeting.subPc) return out;
    (await window.meeting.subPc.getStats()).forEach((s) => {
      if (s.type !== 'inbound-rtp') return;
      if (s.kind === 'video') out.video += s.framesDecoded || 0;
      if (s.kind === 'audio') out.audio += s.packetsReceived || 0;
    });
    return out;
  });
}

// The selected candidate pair of both PeerConnections, read from getStats here (not from the app).
function selectedPairs(page) {
  return page.evaluate(async () => {
    const out = {};
    for (const [name, pc] of [['publish', window.meeting.pubPc], ['subscribe', window.meeting.subPc]]) {
      if (!pc) continue;
      const stats = await pc.getStats();
      stats.forEach((s) => {
        if (s.type !== 'transport' || !s.selectedCandidatePairId) return;
        const pair = stats.get(s.selectedCandidatePairId);
        const local = stats.get(pair.localCandidateId), remote = stats.get(pair.remoteCandidateId);
        out[name] = { local: [local.candidateType, local.protocol], remote: [remote.candidateType, remote.protocol, remote.port],
          bytes: name === 'publish' ? pair.bytesSent : pair.bytesReceived };
      });
    }
    return out;
  });
}

async function waitFor(fn, what, timeout = 30000, step = 250) {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return Date.now() - t0;
    if (Date.now() - t0 > timeout) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, step));
  }
}

async function metric(page, name) {
  const text = await page.evaluate(async () => (await fetch('/metrics')).text());
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : null;
}

test('with all UDP dropped, two participants meet over ICE-TCP: video and audio both ways, TCP pair selected and counted', async () => {
  // The rules work: a UDP datagram inside the namespace goes nowhere and is counted.
  const before0 = udpDropped();
  execFileSync('ip', ['netns', 'exec', ns.name, process.execPath, '-e',
    "const s = require('dgram').createSocket('udp4'); s.send('x', 9, '127.0.0.1', () => s.close());"]);
  assert.ok(udpDropped() > before0, 'nftables drops UDP in the namespace');

  const a = await modulePage(browser, srv, 'coord01@moa.example');
  const b = await modulePage(browser, srv, 'member01a@moa.example');
  const roomId = await lounge(a, 1);
  const t0 = Date.now();
  await join(a, roomId);
  await join(b, roomId);

  for (const [page, who] of [[a, 'A'], [b, 'B']]) {
    await waitFor(async () => (await inbound(page)).video > 10, `${who} decoding video over ICE-TCP`, 45000);
    const s1 = await inbound(page);
    await new Promise((r) => setTimeout(r, 1500));
    const s2 = await inbound(page);
    assert.ok(s2.video > s1.video, `${who}: framesDecoded rising (${s1.video} -> ${s2.video})`);
    assert.ok(s2.audio > s1.audio, `${who}: audio packetsReceived rising (${s1.audio} -> ${s2.audio})`);
  }
  console.log(`both decoding video over ICE-TCP ${Date.now() - t0} ms after the first join`);

  for (const [page, who] of [[a, 'A'], [b, 'B']]) {
    const pairs = await selectedPairs(page);
    console.log(who, JSON.stringify(pairs));
    for (const pc of ['publish', 'subscribe']) {
      assert.ok(pairs[pc], `${who}: ${pc} PeerConnection has a selected pair`);
      // Chromium's local candidate of an active TCP connection is peer-reflexive (its own
      // address with the connection's port, learnt from the server's answer), or host.
      assert.ok(['host', 'prflx'].includes(pairs[pc].local[0]), `${who}: ${pc} local candidate ${pairs[pc].local}`);
      assert.equal(pairs[pc].local[1], 'tcp', `${who}: ${pc} local candidate is TCP`);
      assert.ok(pairs[pc].bytes > 10000, `${who}: ${pc} pair carried media (${pairs[pc].bytes} bytes)`);
      assert.equal(pairs[pc].remote[0], 'host');
      assert.equal(pairs[pc].remote[1], 'tcp', `${who}: ${pc} remote candidate is the server's TCP one`);
    }
    // What the app reported to the server is the same.
    await waitFor(() => page.evaluate(() => window.meeting.paths.publish && window.meeting.paths.subscribe), `${who} reporting its path`);
    const paths = await page.evaluate(() => window.meeting.paths);
    for (const pc of ['publish', 'subscribe']) assert.deepEqual(paths[pc], { candidate_type: pairs[pc].local[0], protocol: 'tcp' });
  }

  // /metrics: both participants counted on host TCP, none on UDP; frames flowed on ICE-TCP.
  await waitFor(async () => (await metric(a, 'moa_ice_selected_total{type="host",protocol="tcp"}')) === 2, 'two participants counted on host/tcp', 5000);
  assert.equal(await metric(a, 'moa_ice_selected_total{type="host",protocol="udp"}'), 0);
  assert.ok((await metric(a, 'moa_ice_tcp_connections')) >= 4, 'four PeerConnections on ICE-TCP');
  assert.ok((await metric(a, 'moa_ice_tcp_frames_total{direction="out"}')) > 500);
  assert.ok((await metric(a, 'moa_ice_tcp_frames_total{direction="in"}')) > 500);
  assert.equal(await metric(a, 'moa_media_rtp_forwarded_total') > 0, true);

  // room.stats shows each participant's path to the coordinator.
  const stats = await a.evaluate((roomId) => window.moa.rpc.request('room.stats', { room_id: roomId }), roomId);
  assert.equal(stats.participants.length, 2);
  for (const p of stats.participants) {
    assert.equal(p.path.type, 'host');
    assert.equal(p.path.protocol, 'tcp');
    assert.ok(['host', 'prflx'].includes(p.path.candidate_type));
  }

  assert.ok(udpDropped() > before0 + 1, 'Chromium tried UDP and the rules dropped it');

  await a.evaluate(() => window.meeting.leave());
  await b.evaluate(() => window.meeting.leave());
  await waitFor(async () => (await metric(a, 'moa_media_peers')) === 0, 'the worker holding no transport');
});
