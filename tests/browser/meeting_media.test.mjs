// The SFU end to end: real headless Chromium with fake camera and microphone, in a network
// namespace this test makes, through the real moa binary. Media is proven with getStats():
// framesDecoded rising for video, packetsReceived rising for audio.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, seededDb, cleanup } from '../lib/moa.mjs';
import { createNetns } from '../lib/netns.mjs';
import { launchBrowser, modulePage } from '../lib/browser.mjs';

let ns, srv, db, browser;
before(async () => {
  ns = createNetns();
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
    window.seen = { muted: [], left: [], joined: [] };
    m.addEventListener('track-muted', (e) => window.seen.muted.push(e.detail));
    m.addEventListener('participant-left', (e) => window.seen.left.push(e.detail.participantId));
    m.addEventListener('participant-joined', (e) => window.seen.joined.push(e.detail.participant.name));
    await m.join({ audio: true, video: true });
  }, roomId);
}

// Inbound RTP totals of the subscribe PeerConnection: {video: framesDecoded, audio: packetsReceived, videoStreams}.
function inbound(page) {
  return page.evaluate(async () => {
    const out = { video: 0, audio: 0, videoStreams: 0, nacks: 0 };
    if (!window.meeting.subPc) return out;
    (await window.meeting.subPc.getStats()).forEach((s) => {
      if (s.type !== 'inbound-rtp') return;
      if (s.kind === 'video') { out.video += s.framesDecoded || 0; if (s.framesDecoded > 0) out.videoStreams++; out.nacks += s.nackCount || 0; }
      if (s.kind === 'audio') out.audio += s.packetsReceived || 0;
    });
    return out;
  });
}

// The ICE username fragment the page's subscribe PeerConnection answers with: it changes only
// when Chrome makes a new transport (and a new DTLS handshake) inside the same PeerConnection.
function subUfrag(page) {
  return page.evaluate(() => /a=ice-ufrag:(\S+)/.exec(window.meeting.subPc.localDescription.sdp)[1]);
}

// Video frames decoded from one participant's camera on the page: 0 when not (yet) received.
function framesFrom(page, participantId) {
  return page.evaluate(async (pid) => {
    const m = window.meeting;
    let n = 0;
    (await m.subPc.getStats()).forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video' && m.offerTracks.get(s.mid)?.participant_id === pid) n += s.framesDecoded || 0;
    });
    return n;
  }, participantId);
}

// State of a page's meeting, printed when a wait times out.
function diag(page) {
  return page.evaluate(async () => {
    const m = window.meeting;
    const out = { pub: m?.pubPc?.connectionState, sub: m?.subPc?.connectionState, inbound: [], offered: [...(m?.offerTracks?.keys() || [])] };
    if (m?.subPc) (await m.subPc.getStats()).forEach((s) => { if (s.type === 'inbound-rtp') out.inbound.push([s.mid, s.kind, s.packetsReceived, s.framesDecoded, s.pliCount]); });
    out.metrics = (await (await fetch('/metrics')).text()).split('\n').filter((l) => /^moa_media_(plis|rtp|dropped|consumers|producers)/.test(l)).join('; ');
    return JSON.stringify(out);
  });
}

async function waitFor(fn, what, timeout = 20000, step = 200, page = null) {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return Date.now() - t0;
    if (Date.now() - t0 > timeout) throw new Error(`timed out waiting for ${what}${page ? `: ${await diag(page)}` : ''}`);
    await new Promise((r) => setTimeout(r, step));
  }
}

test('two participants see and hear each other; a late third decodes video within 2 s; mute, leave, refusal', async () => {
  const a = await modulePage(browser, srv, 'member01a@moa.example');
  const b = await modulePage(browser, srv, 'member01b@moa.example');
  const roomId = await lounge(a, 1);
  await join(a, roomId);
  await join(b, roomId);

  for (const [page, who] of [[a, 'A'], [b, 'B']]) {
    await waitFor(async () => (await inbound(page)).video > 10, `${who} decoding video`, 20000, 200, page);
    const s1 = await inbound(page);
    await new Promise((r) => setTimeout(r, 1500));
    const s2 = await inbound(page);
    assert.ok(s2.video > s1.video, `${who}: framesDecoded rising (${s1.video} -> ${s2.video})`);
    assert.ok(s2.audio > s1.audio, `${who}: audio packetsReceived rising (${s1.audio} -> ${s2.audio})`);
  }

  // With UDP open, UDP wins over the server's ICE-TCP candidate (offered at a lower priority):
  // getStats' selected pair, what the app reported, and /metrics agree.
  for (const [page, who] of [[a, 'A'], [b, 'B']]) {
    await waitFor(() => page.evaluate(() => window.meeting.paths.publish && window.meeting.paths.subscribe), `${who} reporting its path`);
    const protocols = await page.evaluate(async () => {
      const { selectedPath } = await import('/js/meeting.js');
      return [await selectedPath(window.meeting.pubPc), await selectedPath(window.meeting.subPc), window.meeting.paths];
    });
    assert.deepEqual(protocols[0], { candidate_type: 'host', protocol: 'udp' }, `${who}: publish pair`);
    assert.deepEqual(protocols[1], { candidate_type: 'host', protocol: 'udp' }, `${who}: subscribe pair`);
    assert.deepEqual(protocols[2], { publish: protocols[0], subscribe: protocols[1] });
  }
  const metrics = await a.evaluate(async () => (await fetch('/metrics')).text());
  assert.match(metrics, /^moa_ice_selected_total\{type="host",protocol="udp"\} 2$/m);
  assert.match(metrics, /^moa_ice_selected_total\{type="host",protocol="tcp"\} 0$/m);

  // A third participant joins late: video decodes within 2 s of joining.
  const c = await modulePage(browser, srv, 'coord01@moa.example');
  const t0 = Date.now();
  await join(c, roomId);
  await waitFor(async () => (await inbound(c)).videoStreams >= 2, 'the late joiner decoding both videos', 10000, 50, c);
  const lateMs = Date.now() - t0;
  console.log(`late joiner decoded both videos ${lateMs} ms after starting to join`);
  assert.ok(lateMs <= 2000, `late joiner decoded video after ${lateMs} ms (must be within 2 s)`);

  const selfId = (page) => page.evaluate(() => window.meeting.self.participant_id);
  const cPid = await selfId(c);
  const ufrags = { a: await subUfrag(a), c: await subUfrag(c) };

  // B mutes its microphone: A and C see it.
  await b.evaluate(() => window.meeting.setMicMuted(true));
  for (const page of [a, c])
    await waitFor(() => page.evaluate(() => window.seen.muted.some((m) => m.source === 'microphone' && m.muted)), 'mute seen');

  // B's WebSocket drops: the client reconnects, resumes, rejoins, and decodes video again.
  const t1 = Date.now();
  await b.evaluate(() => { window.oldSub = window.meeting.subPc; window.moa.rpc.ws.close(); });
  await waitFor(async () => (await b.evaluate(() => window.meeting.subPc !== window.oldSub)) && (await inbound(b)).videoStreams >= 2,
    'B decoding again after its connection dropped', 20000, 100, b);
  console.log(`media back ${Date.now() - t1} ms after the WebSocket dropped`);
  await waitFor(async () => (await inbound(a)).video > 0 && (await a.evaluate(() => window.meeting.participants.size)) === 2, 'A sees B back', 20000, 200, a);
  // B's old tracks went from A's and C's subscribe offers and its new ones came: their
  // subscribe PeerConnections kept their transport (the first m-section of an offer tags the
  // BUNDLE group; rejecting it made Chrome start a new transport the server never finished),
  // and both decode B's new camera.
  const bPid = await selfId(b);
  for (const [page, who] of [[a, 'A'], [c, 'C']]) {
    await waitFor(async () => (await framesFrom(page, bPid)) > 0, `${who} decoding B's new camera`, 10000, 100, page);
    assert.equal(await subUfrag(page), ufrags[who.toLowerCase()], `${who}: the subscribe transport was kept`);
  }
  ufrags.b = await subUfrag(b);

  // Room statistics: the coordinator gets them, a member does not.
  const stats = await c.evaluate((roomId) => window.moa.rpc.request('room.stats', { room_id: roomId }), roomId);
  assert.equal(stats.participants.length, 3);
  assert.ok(stats.worker.producers >= 6 && stats.worker.packets_in > 0);
  const denied = await a.evaluate(async (roomId) => {
    try { await window.moa.rpc.request('room.stats', { room_id: roomId }); return null; } catch (e) { return e.code; }
  }, roomId);
  assert.equal(denied, 'forbidden');

  // A leaves: B and C see it go, and their meeting no longer lists A.
  const aId = await a.evaluate(() => window.meeting.self.participant_id);
  await a.evaluate(() => window.meeting.leave());
  for (const page of [b, c]) {
    await waitFor(() => page.evaluate((id) => window.seen.left.includes(id) && !window.meeting.participants.has(id), aId), 'leave seen');
  }
  // A's tracks went from B's and C's offers: B and C still see each other, on the same transport.
  for (const [page, who, other] of [[b, 'B', cPid], [c, 'C', bPid]]) {
    const before = await framesFrom(page, other);
    await waitFor(async () => (await framesFrom(page, other)) > before + 10, `${who} still decoding after A left`, 10000, 100, page);
    assert.equal(await subUfrag(page), ufrags[who.toLowerCase()], `${who}: the subscribe transport was kept`);
  }

  // Someone of another consortium is refused at the door.
  const outsider = await modulePage(browser, srv, 'member02a@moa.example');
  const refused = await outsider.evaluate(async (roomId) => {
    try { await window.moa.rpc.request('room.join', { room_id: roomId }); return null; } catch (e) { return e.code; }
  }, roomId);
  assert.equal(refused, 'forbidden');

  // Everyone leaves: the worker holds no object of the room.
  await b.evaluate(() => window.meeting.leave());
  await c.evaluate(() => window.meeting.leave());
  await waitFor(async () => {
    const t = await outsider.evaluate(async () => (await fetch('/metrics')).text());
    return /^moa_media_rooms 0$/m.test(t) && /^moa_media_peers 0$/m.test(t) && /^moa_media_producers 0$/m.test(t) &&
      /^moa_media_consumers 0$/m.test(t);
  }, 'media objects released');
});
