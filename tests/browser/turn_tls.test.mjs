// TURN over TLS from a network that lets only TCP 443 to one address out. Two network namespaces
// made by this test:
//
//   site     moa (signaling on 127.0.0.1, media on 10.N.0.3 UDP), Debian's coturn with Moa's
//            generated config, TLS on 10.N.0.1:443 (self-signed certificate made here), and a
//            second Chromium participant that reaches media directly
//   office   the participant's Chromium on 10.N.0.2 (veth to site); nftables drop every UDP
//            packet and every TCP packet leaving it except to 10.N.0.1:443
//
// The page and the WebSocket reach moa through a unix socket (tests/lib/bridge.mjs), not the
// office network, so the office's only way out is coturn. The office participant joins through
// TURN/TLS (getStats: selected local candidate relay, relayProtocol tls) and decodes the other
// participant's video, and the other decodes its own; relaying to 127.0.0.1 and 10.0.0.0/8
// through that coturn is refused (403 Forbidden IP, coturn's own client) while relaying to
// moa's media address works. Then, in the app's meeting screen, an office browser that cannot
// use the relay (it does not accept the test certificate) is told that media could not connect
// and which ports to ask the network administrator for, in Korean and in English.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer, seededDb, cleanup, tempDir, MOA_SRC } from '../lib/moa.mjs';
import { modulePage, CHROMIUM, CHROMIUM_ENV } from '../lib/browser.mjs';
import { requireCoturn, makeSecret, makeCert, writeTurnConfig, startCoturn, uclient } from '../lib/coturn.mjs';
import { ARGS, newPage, signIn, until, screenshots } from './ui_helpers.mjs';
import { quietIpv6 } from '../lib/netns.mjs';

const BRIDGE = fileURLToPath(new URL('../lib/bridge.mjs', import.meta.url));
const tag = `${process.pid}-${Math.floor(Math.random() * 1e6)}`;
const SITE = `moa-ts${tag}`, OFFICE = `moa-to${tag}`;
const N = 10 + Math.floor(Math.random() * 200);
const TURN_IP = `10.${N}.0.1`, OFFICE_IP = `10.${N}.0.2`, MEDIA_IP = `10.${N}.0.3`;

const run = (cmd, args, input) => execFileSync(cmd, args, { stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'], input, encoding: 'utf8' });
const ns = (name) => ({
  name,
  wrap: (argv) => ['ip', ['netns', 'exec', name, ...argv]],
  wrapper(target) { // an executable that runs target inside the namespace
    const path = join(dir, `in-${name}-${target.split('/').pop()}`);
    run('sh', ['-c', `printf '#!/bin/sh\\nexec ip netns exec ${name} ${target} "$@"\\n' > ${path} && chmod 755 ${path}`]);
    return path;
  },
});

let dir, db, srv, turn, site, office, siteBrowser, officeBrowser, strictBrowser, url;
const procs = [];

function makeNamespaces() {
  run('ip', ['netns', 'add', SITE]);
  run('ip', ['netns', 'add', OFFICE]);
  // If this process is killed (ctest's timeout), a watchdog of its own ends what still runs in
  // the namespaces (all started by this test) and removes them; after a normal end it finds
  // nothing left to do.
  spawn('sh', ['-c', `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; for n in ${SITE} ${OFFICE}; do ` +
    'for p in $(ip netns pids $n 2>/dev/null); do kill -9 $p; done; ip netns del $n 2>/dev/null; done'],
  { detached: true, stdio: 'ignore' }).unref();
  for (const n of [SITE, OFFICE]) {
    quietIpv6(n);
    run('ip', ['-n', n, 'link', 'set', 'lo', 'up']);
  }
  run('ip', ['-n', SITE, 'link', 'add', 's0', 'type', 'veth', 'peer', 'name', 'o0', 'netns', OFFICE]);
  run('ip', ['-n', SITE, 'addr', 'add', `${TURN_IP}/24`, 'dev', 's0']);
  run('ip', ['-n', SITE, 'addr', 'add', `${MEDIA_IP}/24`, 'dev', 's0']);
  run('ip', ['-n', OFFICE, 'addr', 'add', `${OFFICE_IP}/24`, 'dev', 'o0']);
  run('ip', ['-n', SITE, 'link', 'set', 's0', 'up']);
  run('ip', ['-n', OFFICE, 'link', 'set', 'o0', 'up']);
  // The office firewall: out only to the TURN server's TLS port (and its own loopback).
  run('ip', ['netns', 'exec', OFFICE, 'nft', '-f', '-'], `
table inet office {
  chain out {
    type filter hook output priority 0; policy accept;
    oifname "lo" accept
    ip daddr ${TURN_IP} tcp dport 443 accept
    meta l4proto { tcp, udp } drop
  }
}
`);
}

// A bridge process (see tests/lib/bridge.mjs) in namespace name; resolves once it listens.
function bridge(name, from, to) {
  const p = spawn('ip', ['netns', 'exec', name, process.execPath, BRIDGE, from, to], { stdio: ['ignore', 'pipe', 'inherit'] });
  procs.push(p);
  return new Promise((resolve, reject) => {
    p.stdout.once('data', () => resolve(p));
    p.once('exit', (c) => reject(new Error(`bridge ${from} -> ${to} exited ${c}`)));
  });
}

function launchIn(n, extra = []) {
  if (!CHROMIUM) throw new Error('Debian chromium is not installed (make installs it)');
  return chromium.launch({ executablePath: n.wrapper(CHROMIUM), args: [...ARGS, ...extra], env: CHROMIUM_ENV });
}

before(async () => {
  requireCoturn();
  dir = tempDir('moa-turn-tls-');
  makeNamespaces();
  site = ns(SITE);
  office = ns(OFFICE);
  const secret = makeSecret(dir);
  const { cert, key } = makeCert(dir, TURN_IP);
  const turnUrl = `turns:${TURN_IP}:443?transport=tcp`;
  const conf = await writeTurnConfig(dir, ['--turn-secret-file', secret, '--turn-url', turnUrl, '--turn-listen', `${TURN_IP}:443`,
    '--turn-cert', cert, '--turn-key', key, '--media-ip', MEDIA_IP]);
  assert.match(conf.text, new RegExp(`^allowed-peer-ip=${MEDIA_IP.replace(/\./g, '\\.')}$`, 'm'));
  turn = await startCoturn({ conf: conf.path, dir, host: TURN_IP, port: 443, netns: site });
  db = seededDb();
  srv = await startServer({ db: db.path, netns: site, args: ['--media-ip', MEDIA_IP, '--turn-url', turnUrl, '--turn-secret-file', secret] });
  // the office reaches the page on 127.0.0.1:<same port> (so the Origin is the same) by the bridge
  const sock = join(dir, 'signaling.sock');
  await bridge(SITE, `unix:${sock}`, `tcp:127.0.0.1:${srv.port}`);
  await bridge(OFFICE, `tcp:127.0.0.1:${srv.port}`, `unix:${sock}`);
  url = srv.url;
  siteBrowser = await launchIn(site);
  // the test's TURN certificate is self-signed: this browser is told to accept it
  officeBrowser = await launchIn(office, ['--ignore-certificate-errors']);
});

after(async () => {
  for (const b of [siteBrowser, officeBrowser, strictBrowser]) await b?.close().catch(() => {});
  await srv?.stop();
  await turn?.stop();
  for (const p of procs) p.kill('SIGKILL');
  for (const n of [SITE, OFFICE]) {
    try {
      for (const pid of run('ip', ['netns', 'pids', n]).split(/\s+/).filter(Boolean)) process.kill(Number(pid), 'SIGKILL');
    } catch { /* gone */ }
    try { run('ip', ['netns', 'del', n]); } catch { /* gone */ }
  }
  cleanup(db?.dir);
  cleanup(dir);
});

async function joinLounge(page) {
  return page.evaluate(async () => {
    const r = await window.moa.rpc.request('room.list', { consortium_id: 1 });
    const m = new window.moa.Meeting(window.moa.rpc, r.rooms.find((x) => x.is_lounge).id);
    window.meeting = m;
    await m.join({ audio: true, video: true });
    return { iceServers: m.iceServers, mediaPorts: m.mediaPorts };
  });
}

function framesDecoded(page) {
  return page.evaluate(async () => {
    let n = 0;
    if (window.meeting?.subPc) (await window.meeting.subPc.getStats()).forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'video') n += s.framesDecoded || 0; });
    return n;
  });
}

// One sample of the server's /metrics, read through the page (same origin); null when absent.
async function metric(page, name) {
  const text = await page.evaluate(async () => (await fetch('/metrics')).text());
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : null;
}

// The selected candidate pair's local candidate of each PeerConnection: {pub, sub}.
function selectedLocal(page) {
  return page.evaluate(async () => {
    const one = async (pc) => {
      if (!pc) return null;
      const stats = await pc.getStats();
      let local = null;
      stats.forEach((s) => {
        if (s.type !== 'transport' || !s.selectedCandidatePairId) return;
        const pair = stats.get(s.selectedCandidatePairId);
        const c = pair && stats.get(pair.localCandidateId);
        if (c) local = { candidateType: c.candidateType, relayProtocol: c.relayProtocol, protocol: c.protocol, address: c.address };
      });
      return local;
    };
    return { pub: await one(window.meeting.pubPc), sub: await one(window.meeting.subPc) };
  });
}

test('behind a firewall that passes only TLS to the TURN server, media flows through coturn both ways', async () => {
  const a = await modulePage(officeBrowser, { url }, 'member01a@moa.example');
  const b = await modulePage(siteBrowser, { url }, 'member01b@moa.example');
  const joinedA = await joinLounge(a);
  await joinLounge(b);
  assert.equal(joinedA.iceServers.length, 1);
  assert.deepEqual(joinedA.iceServers[0].urls, [`turns:${TURN_IP}:443?transport=tcp`]);
  assert.equal(joinedA.mediaPorts.address, MEDIA_IP);

  for (const [page, who] of [[a, 'the office participant'], [b, 'the site participant']]) {
    await until(async () => (await framesDecoded(page)) > 10, `${who} decoding the other's video`, 45000);
    const f1 = await framesDecoded(page);
    await new Promise((r) => setTimeout(r, 1500));
    assert.ok((await framesDecoded(page)) > f1, `${who}: framesDecoded rising`);
  }
  const viaOffice = await selectedLocal(a);
  console.log('office participant selected local candidates:', JSON.stringify(viaOffice));
  for (const k of ['pub', 'sub']) {
    assert.equal(viaOffice[k]?.candidateType, 'relay', `office ${k}: selected local candidate is a relay`);
    assert.equal(viaOffice[k]?.relayProtocol, 'tls', `office ${k}: relayed over TLS`);
  }
  const direct = await selectedLocal(b);
  assert.equal(direct.sub?.candidateType, 'host', 'the site participant connects directly');
  // Each web app reported its path (media.path): /metrics counts the office participant on
  // relay/tls and the site participant on host/udp, once each.
  await until(async () => (await metric(b, 'moa_ice_selected_total{type="relay",protocol="tls"}')) === 1,
    'the relayed participant counted on relay/tls', 5000);
  assert.equal(await metric(b, 'moa_ice_selected_total{type="host",protocol="udp"}'), 1);
  assert.equal(await metric(b, 'moa_ice_selected_total{type="host",protocol="tcp"}'), 0);
  assert.match(turn.log(), /TLS/, 'coturn served TLS');

  // The same coturn refuses to relay to internal addresses; the media address is allowed.
  const cred = joinedA.iceServers[0];
  const relay = (peer, extra = {}) => uclient({ host: TURN_IP, port: 443, username: cred.username, credential: cred.credential, peer, netns: office, ...extra });
  const toMedia = await relay(MEDIA_IP, { peerPort: joinedA.mediaPorts.udp });
  assert.equal(toMedia.code, 0, `relay to the media address works:\n${toMedia.out.slice(-1500)}`);
  for (const peer of ['127.0.0.1', '10.0.0.1', `10.${N}.0.2`, '10.255.255.254']) {
    for (const send of [false, true]) { // ChannelBind, then CreatePermission (Send indication)
      const r = await relay(peer, { send });
      assert.notEqual(r.code, 0, `relay to ${peer} (${send ? 'permission' : 'channel'}) must be refused:\n${r.out.slice(-1500)}`);
      assert.match(r.out, /403/, `coturn answers 403 Forbidden IP for ${peer}:\n${r.out.slice(-1500)}`);
    }
  }
  await a.evaluate(() => window.meeting.leave());
  await b.evaluate(() => window.meeting.leave());
  await a.context().close();
  await b.context().close();
});

test('when media cannot connect at all, the meeting screen says so and names the ports to ask for, in Korean and English', async () => {
  // someone publishes on the site side, so the office browser has media to receive
  const b = await modulePage(siteBrowser, { url }, 'member01b@moa.example');
  const joined = await joinLounge(b);
  // an office browser that does not accept the test's self-signed certificate: no path works
  strictBrowser = await launchIn(office);
  const page = await newPage(strictBrowser, { label: 'office' });
  const roomId = await b.evaluate(() => window.meeting.roomId);
  await signIn(page, url, 'member01a@moa.example', { hash: `#/room/${roomId}` });
  await page.locator('#join-button').click();
  const notice = page.locator('#media-blocked');
  await notice.waitFor({ state: 'visible', timeout: 60000 });
  const ko = await notice.innerText();
  console.log(`notice (ko):\n${ko}`);
  assert.match(ko, /영상과 음성을 연결하지 못했습니다/);
  assert.match(ko, /네트워크 관리자/);
  assert.ok(ko.includes(`UDP ${joined.mediaPorts.udp}번 포트, 주소 ${MEDIA_IP}`), 'the UDP media port and address');
  assert.ok(ko.includes(`TCP 443번 포트의 TLS 연결, 주소 ${TURN_IP}`), 'the TURN/TLS port and host');
  await screenshots(page, 'media-blocked');
  await page.locator('#lang-switch').click();
  await until(async () => /could not connect/.test(await notice.innerText()), 'the notice in English');
  const en = await notice.innerText();
  console.log(`notice (en):\n${en}`);
  assert.ok(en.includes(`UDP port ${joined.mediaPorts.udp} to ${MEDIA_IP}`));
  assert.ok(en.includes(`TLS on TCP port 443 to ${TURN_IP}`));
  assert.match(en, /network administrator/);
  assert.equal(await page.locator('#media-blocked button').count(), 1, 'a button to connect again');
  await b.evaluate(() => window.meeting.leave());
});
