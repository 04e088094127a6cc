// Running a hybrid event in the browser app, through real Chromium (fake camera and microphone)
// and the real server, both inside a network namespace this test makes: the coordinator schedules
// an event with a lobby and a press guest link, hosts it; a member waits in the lobby (the
// waiting screen with the camera preview) until the host admits, then watches receive-only,
// raises a hand, is given the floor (publishes: the host sees and hears them) and loses it again
// (the publish PeerConnection closes, the camera is let go); another member is declined. A press
// guest opens the guest link, gives a name, stays in across a reload, waits, is admitted, watches,
// and is removed: the server's message shows and coming back is refused. Unknown, expired and
// used-up links say so. A's connection drops at the end: admitted once, A is straight back in
// without the waiting screen. Korean by default; English checked after switching.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, seededDb, cleanup } from '../lib/moa.mjs';
import { createNetns } from '../lib/netns.mjs';
import { launch, newPage, signIn, screenshots, until, videoPlays } from './ui_helpers.mjs';

let ns, srv, db, browser;
before(async () => {
  ns = createNetns();
  db = seededDb();
  srv = await startServer({ db: db.path, netns: ns });
  browser = await launch({ netns: ns });
});
after(async () => {
  await browser?.close();
  await srv?.stop();
  ns?.destroy();
  cleanup(db?.dir);
});

const HOST = { email: 'coord01@moa.example', name: '류지민' };
const A = { email: 'member01a@moa.example', name: '신상훈' };
const B = { email: 'member01b@moa.example', name: '장정희' };
const PRESS = '한빛일보 김기자';

const iso = (t) => new Date(t * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
const tileOf = (page, name) => page.locator(`#video-grid .tile:not(.self)[data-name="${name}"]`);
const text = (page, sel) => page.locator(sel).innerText();

// What page's subscribe PeerConnection receives from the participant called name: packets of
// its audio and decoded frames of its video (0 when nothing).
const receivedFrom = (page, name) => page.evaluate(async (who) => {
  const m = window.moa.meeting;
  const p = [...m.participants.values()].find((x) => x.name === who);
  const out = { audio: 0, video: 0 };
  if (!p || !m.subPc) return out;
  (await m.subPc.getStats()).forEach((s) => {
    if (s.type !== 'inbound-rtp' || m.offerTracks.get(s.mid)?.participant_id !== p.participantId) return;
    if (s.kind === 'audio') out.audio += s.packetsReceived; else out.video += s.framesDecoded || 0;
  });
  return out;
}, name);

// The media side of page's meeting, for failure messages.
const mediaState = (page) => page.evaluate(() => {
  const m = window.moa.meeting;
  return JSON.stringify({
    pub: m.pubPc && { conn: m.pubPc.connectionState, ice: m.pubPc.iceConnectionState },
    sub: m.subPc && { conn: m.subPc.connectionState, sdp: m.subPc.remoteDescription?.sdp.split('\r\n').filter((l) => /^(m=|a=mid|a=(send|recv|inactive))/.test(l)) },
    local: [...m.local.entries()].map(([k, l]) => [k, l.trackId, l.track.readyState]),
    people: [...m.participants.values()].map((p) => [p.name, [...p.tracks.values()].map((t) => [t.track_id, t.kind, !!t.stream])]),
    offers: [...m.offerTracks.entries()],
  });
}).catch((e) => e.message);

async function rising(page, name, kind, what) {
  const first = (await until(async () => { const r = await receivedFrom(page, name); return r[kind] > 0 && r; }, `${what} (any)`, 30000))[kind];
  await until(async () => (await receivedFrom(page, name))[kind] > first, `${what} (rising)`, 20000);
}

// The pre-join screen of the room at hash, then join.
async function join(page, hash) {
  if (hash) await page.goto(`${srv.url}/${hash}`);
  await page.locator('form.prejoin').waitFor();
  await until(() => videoPlays(page.locator('.preview-video')), 'the camera preview playing');
  await page.locator('#join-button').click();
}

async function lobbyShown(page, who) {
  const wait = page.locator('#lobby-wait');
  await wait.waitFor({ timeout: 20000 });
  assert.equal(await text(page, '#lobby-title'), '대기실');
  assert.match(await text(page, '#lobby-message'), /호스트가 입장을 허락할 때까지 기다려 주세요/, `${who}'s waiting screen`);
  assert.equal(await page.locator('#meeting').count(), 0, `${who} sees nothing of the meeting while waiting`);
  assert.equal(await page.locator('#lobby-leave').isVisible(), true);
}

async function admit(host, name) {
  const row = host.locator(`#lobby-list li[data-name="${name}"]`);
  await row.waitFor({ timeout: 20000 });
  await row.locator('button.admit').click();
  await until(async () => (await row.count()) === 0, `${name} leaving the host's lobby list`);
}

test('an event with a lobby: admit, watch, hand, floor given and taken; deny; a press guest admitted then removed', async () => {
  const host = await newPage(browser, { label: 'host' });
  host.on('dialog', (d) => d.accept()); // "remove X?"
  await signIn(host, srv.url, HOST.email);
  const now = Math.floor(Date.now() / 1000);
  const setup = await host.evaluate(async ({ startsAt, endsAt }) => {
    const rpc = window.moa.rpc;
    const m = await rpc.request('meeting.create', {
      consortium_id: 1, title: '출범식 온라인 중계', mode: 'event', lobby: true, starts_at: startsAt, ends_at: endsAt,
      agenda: [{ start_offset_s: 0, length_s: 7200, item: '개회 및 축사', press_open: true }],
    });
    const link = await rpc.request('meeting.guest_link', { meeting_id: m.id, role: 'press', label: '기자단', expires_at: endsAt, max_uses: 1 });
    // a second meeting, cancelled: its guest link no longer works
    const c = await rpc.request('meeting.create', { consortium_id: 1, title: '취소될 회의', starts_at: startsAt, ends_at: endsAt });
    const dead = await rpc.request('meeting.guest_link', { meeting_id: c.id, role: 'expert', expires_at: endsAt });
    await rpc.request('meeting.cancel', { meeting_id: c.id });
    return { roomId: m.room_id, path: link.path, token: link.token, deadPath: dead.path };
  }, { startsAt: iso(now - 60), endsAt: iso(now + 7200) });
  assert.match(setup.path, /^\/#\/guest\/[A-Za-z0-9_-]{43}$/, 'the link the coordinator copies opens the app\'s guest page');
  const roomHash = `#/room/${setup.roomId}`;

  // The host joins through the UI: no lobby for hosts, and the host tools are there.
  await join(host, roomHash);
  await host.locator('#meeting').waitFor();
  await host.locator('#host-tools').waitFor();
  // an event's host panel: the agenda, the lobby, raised hands
  for (const sel of ['#agenda', '#host-lobby', '#host-hands', '#ctl-agenda-next', '#ctl-hand']) {
    await host.locator(sel).waitFor({ timeout: 20000 });
  }
  assert.match(await text(host, '#agenda'), /개회 및 축사/);
  await until(() => videoPlays(host.locator('#video-grid .tile.self video')), 'the host\'s self view');
  assert.equal(await host.locator('#floor-state').isHidden(), true, 'a host is no viewer');

  // A member waits in the lobby: the waiting screen, the preview still playing for them alone.
  const a = await newPage(browser, { label: 'A' });
  await signIn(a, srv.url, A.email);
  await join(a, roomHash);
  await lobbyShown(a, 'A');
  await until(() => videoPlays(a.locator('#lobby-wait .preview-video')), 'A\'s camera preview in the lobby');
  assert.match(await text(a, '#lobby-wait .hint'), /본인에게만 보입니다/);
  await screenshots(a, 'lobby-wait');
  // in English too, and back
  await a.locator('#lang-switch').click();
  await a.locator('#lobby-message', { hasText: 'Please wait until a host lets you in.' }).waitFor();
  assert.equal(await text(a, '#lobby-leave'), 'Leave the waiting room');
  await a.locator('#lang-switch').click();
  await a.locator('#lobby-message', { hasText: '호스트가 입장을 허락할 때까지' }).waitFor();

  // The host is told, and admits A from the host panel; A is in and sees the host's video.
  await until(async () => (await host.locator('.toast', { hasText: `${A.name} 님이 대기실에서 기다립니다` }).count()) > 0, 'the host told someone waits');
  await admit(host, A.name);
  await a.locator('#meeting').waitFor({ timeout: 20000 });
  const hostTile = tileOf(a, HOST.name);
  await hostTile.waitFor({ timeout: 20000 });
  await until(() => videoPlays(hostTile.locator('video')), 'A seeing the host\'s video', 30000);
  await rising(a, HOST.name, 'audio', 'A hearing the host');

  // A watches receive-only: no publish PeerConnection, no camera held, no mic/camera buttons;
  // the agenda and a raise-hand button are there (an event), the host tools are not.
  assert.equal(await a.locator('#ctl-hand').isVisible(), true, 'a viewer of an event can raise a hand');
  assert.match(await text(a, '#agenda'), /개회 및 축사/);
  assert.equal(await a.locator('#host-tools').isHidden(), true);
  assert.match(await text(a, '#floor-state'), /보고 듣는 참가자입니다/);
  assert.equal(await a.locator('#ctl-mic').isDisabled(), true);
  assert.equal(await a.locator('#ctl-cam').isDisabled(), true);
  assert.deepEqual(await a.evaluate(() => ({ pub: !!window.moa.meeting.pubPc, local: window.moa.meeting.local.size, viewer: window.moa.meeting.viewer })),
    { pub: false, local: 0, viewer: true });
  const aOnHost = tileOf(host, A.name);
  await aOnHost.waitFor({ timeout: 20000 });
  assert.equal(await aOnHost.evaluate((el) => el.classList.contains('no-video')), true, 'the host sees no video of a viewer');

  // Another member is declined: a clear message and a way back.
  const b = await newPage(browser, { label: 'B' });
  await signIn(b, srv.url, B.email);
  await join(b, roomHash);
  await lobbyShown(b, 'B');
  const bRow = host.locator(`#lobby-list li[data-name="${B.name}"]`);
  await bRow.waitFor({ timeout: 20000 });
  await bRow.locator('button.deny').click();
  await b.locator('#meeting-ended h1', { hasText: '입장이 거절되었습니다' }).waitFor({ timeout: 20000 });
  assert.match(await text(b, '#ended-reason'), /진행자가 입장을 허락하지 않았습니다/);
  assert.equal(await b.locator('#ended-rejoin').isVisible(), true);
  assert.equal(await b.locator('#meeting-ended a[href="#/consortium/1"]').count(), 1, 'a way back to the consortium');
  assert.equal(await b.evaluate(() => [...document.querySelectorAll('video')].some((v) => v.srcObject)), false, 'B\'s camera let go');
  await b.context().close();

  // A raises a hand; the host gives the floor; A publishes and the host sees and hears A.
  await a.locator('#ctl-hand').click();
  await a.locator('#floor-state', { hasText: '손을 들었습니다' }).waitFor();
  assert.equal(await a.locator('#ctl-hand').getAttribute('aria-pressed'), 'true');
  const handRow = host.locator(`#hands-list li[data-participant]`, { hasText: A.name });
  await handRow.waitFor({ timeout: 20000 });
  await until(async () => (await aOnHost.getAttribute('data-hand')) === 'true', 'the host seeing A\'s hand on the tile');
  await handRow.locator('button.give-floor').click();
  await a.locator('#floor-state', { hasText: '발언권이 있습니다' }).waitFor({ timeout: 20000 });
  const aSelf = a.locator('#video-grid .tile.self');
  assert.equal(await aSelf.getAttribute('data-publishing'), 'true');
  assert.equal(await aSelf.getAttribute('data-floor'), 'true');
  assert.equal(await aSelf.locator('.tile-floor').textContent(), '발언 중');
  assert.equal(await a.locator('#ctl-mic').isDisabled(), false, 'A can mute while speaking');
  assert.equal(await a.locator('#ctl-hand').getAttribute('aria-pressed'), 'false', 'the hand goes down with the floor');
  await until(() => videoPlays(aSelf.locator('video')), 'A\'s self view while speaking');
  await until(() => videoPlays(aOnHost.locator('video')), 'the host seeing A\'s video', 30000);
  await rising(host, A.name, 'audio', 'the host hearing A');
  await until(async () => (await aOnHost.getAttribute('data-floor')) === 'true', 'the host seeing A has the floor');
  await screenshots(a, 'event-floor');

  // The host takes the floor back: A's publish PeerConnection closes and the devices are let go.
  await host.locator(`#moderate-list li[data-name="${A.name}"] button.take-floor`).click();
  await a.locator('#floor-state', { hasText: '발언권을 회수했습니다' }).waitFor({ timeout: 20000 });
  assert.deepEqual(await a.evaluate(() => ({ pub: !!window.moa.meeting.pubPc, local: window.moa.meeting.local.size })), { pub: false, local: 0 });
  assert.equal(await aSelf.getAttribute('data-publishing'), 'false');
  assert.equal(await a.locator('#ctl-mic').isDisabled(), true);
  await until(async () => aOnHost.evaluate((el) => el.classList.contains('no-video')), 'A\'s video gone for the host');
  await until(async () => (await host.locator('audio').count()) === 0, 'A\'s audio gone for the host');

  // Given the floor again, A publishes again on a new PeerConnection.
  await a.locator('#ctl-hand').click();
  await host.locator(`#hands-list li[data-participant]`, { hasText: A.name }).locator('button.give-floor').click();
  await a.locator('#floor-state', { hasText: '발언권이 있습니다' }).waitFor({ timeout: 20000 });
  await until(() => videoPlays(aOnHost.locator('video')), 'the host seeing A again after a second floor', 30000)
    .catch(async (e) => { throw new Error(`${e.message}; A: ${await mediaState(a)}; host: ${await mediaState(host)}`); });
  await host.locator(`#moderate-list li[data-name="${A.name}"] button.take-floor`).click();
  await a.locator('#floor-state', { hasText: '발언권을 회수했습니다' }).waitFor({ timeout: 20000 });

  // A press guest opens the link the coordinator copied, enters a name, and stays in on reload.
  const g = await newPage(browser, { label: 'press' });
  await g.goto(`${srv.url}${setup.path}`);
  await g.locator('#guest-title', { hasText: '게스트로 회의 참여' }).waitFor();
  assert.equal(await g.locator('nav.nav').count(), 0);
  await screenshots(g, 'guest-link');
  await g.locator('#guest-name').fill(PRESS);
  await g.locator('#guest-submit').click();
  await g.locator('form.prejoin').waitFor({ timeout: 20000 });
  assert.equal(new URL(g.url()).hash, roomHash, 'the guest lands on the meeting\'s room, the token out of the address bar');
  assert.equal(await text(g, '.who'), PRESS);
  assert.equal(await g.locator('nav.nav').count(), 0, 'a guest gets no member navigation');
  await g.reload();
  await g.locator('form.prejoin').waitFor({ timeout: 20000 });
  assert.equal(await text(g, '.who'), PRESS, 'still the guest after a reload');
  assert.equal(await g.evaluate(() => window.moa.rpc.user.guest.room_id), setup.roomId);
  await g.goto(`${srv.url}/#/home`);
  await until(() => new URL(g.url()).hash === roomHash, 'a guest sent back to its meeting from other screens');
  await join(g, null);
  await lobbyShown(g, 'the guest');
  const pressRow = host.locator(`#lobby-list li[data-name="${PRESS}"]`);
  await pressRow.waitFor({ timeout: 20000 });
  assert.match(await pressRow.innerText(), /기자/);
  await admit(host, PRESS);
  await g.locator('#meeting').waitFor({ timeout: 20000 });
  await until(() => videoPlays(tileOf(g, HOST.name).locator('video')), 'the guest seeing the host', 30000);
  assert.match(await text(g, '#floor-state'), /보고 듣는 참가자입니다/);
  assert.equal(await g.locator('#ctl-hand').isVisible(), true, 'a guest can raise a hand');

  // The host removes the guest: the server's polite message, and coming back is refused.
  await host.locator(`#moderate-list li[data-name="${PRESS}"] button.remove`).click();
  await g.locator('#meeting-ended h1', { hasText: '회의에서 내보내졌습니다' }).waitFor({ timeout: 20000 });
  assert.match(await text(g, '#ended-reason'), /진행자가 회의에서 내보냈습니다/);
  await screenshots(g, 'guest-removed');
  assert.equal(await g.evaluate(() => [...document.querySelectorAll('video, audio')].some((v) => v.srcObject)), false, 'the guest\'s media is gone');
  await until(async () => (await tileOf(host, PRESS).count()) === 0, 'the guest gone from the host\'s grid');
  await g.locator('#lang-switch').click();
  await g.locator('#meeting-ended h1', { hasText: 'You were removed from the meeting' }).waitFor();
  assert.match(await text(g, '#ended-reason'), /A host removed you from this meeting/);
  assert.equal(await text(g, '#guest-exit'), 'End the guest session');
  await g.locator('#lang-switch').click();
  await g.locator('#ended-rejoin').click();
  await join(g, null);
  await g.locator('#meeting-ended #ended-reason', { hasText: '진행자가 다시 허용해야 입장할 수 있습니다' }).waitFor({ timeout: 20000 });
  assert.equal(await g.locator('#lobby-wait').count(), 0, 'refused at once, not put in the lobby');
  await g.locator('#guest-exit').click();
  await g.locator('#guest-title', { hasText: '게스트 참여가 끝났습니다' }).waitFor();
  assert.equal(await g.evaluate(() => window.moa.rpc.user), null);

  // The same link again (used up), a cancelled meeting's link (expired), and a made-up one.
  for (const [path, message] of [[setup.path, /허용된 횟수만큼 이미 사용되었습니다/], [setup.deadPath, /만료되었거나 회의가 이미 끝났습니다/],
    ['/#/guest/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /유효하지 않은 게스트 링크입니다/]]) {
    const p = await newPage(browser, { label: 'late' });
    await p.goto(`${srv.url}${path}`);
    await p.locator('#guest-name').fill('늦은 기자');
    await p.locator('#guest-submit').click();
    await p.locator('#guest-panel h1', { hasText: '이 링크로는 참여할 수 없습니다' }).waitFor({ timeout: 20000 });
    assert.match(await text(p, '#guest-error'), message);
    assert.equal(await p.locator('#guest-name').count(), 0, 'no form for a link that cannot work');
    assert.equal(await p.locator('#guest-panel a[href="#/signin"]').count(), 1, 'members are pointed to sign-in');
    assert.deepEqual(p.errors, []);
    await p.context().close();
  }

  // A is still in, watching, after all that.
  assert.equal(await a.locator('#meeting').isVisible(), true);
  await until(() => videoPlays(hostTile.locator('video')), 'A still seeing the host');

  // A's connection drops: admitted once, A comes straight back in, with no waiting screen.
  await a.evaluate(() => {
    window.sawLobby = false;
    window.seenStates = [];
    const m = document.getElementById('meeting');
    new MutationObserver(() => { if (document.getElementById('lobby-wait')) window.sawLobby = true; })
      .observe(document.getElementById('main'), { childList: true, subtree: true });
    new MutationObserver(() => window.seenStates.push(m.dataset.state)).observe(m, { attributes: true, attributeFilter: ['data-state'] });
    window.moa.rpc.ws.close();
  });
  await until(() => a.evaluate(() => window.seenStates.includes('reconnecting')), 'A shown "reconnecting"');
  await until(() => a.evaluate(() => document.getElementById('meeting')?.dataset.state === 'connected'), 'A connected again', 30000);
  await until(() => videoPlays(tileOf(a, HOST.name).locator('video')), 'A seeing the host again after the drop', 30000);
  assert.equal(await a.evaluate(() => window.sawLobby), false, 'no waiting screen for someone already admitted');
  // back as a plain viewer: the line no longer says the floor was taken (it was, before the drop)
  await a.locator('#floor-state', { hasText: '보고 듣는 참가자입니다' }).waitFor();
  assert.equal(await a.locator('#meeting').isVisible(), true);
  assert.deepEqual(await a.evaluate(() => ({ viewer: window.moa.meeting.viewer, waiting: window.moa.meeting.waiting, pub: !!window.moa.meeting.pubPc })),
    { viewer: true, waiting: false, pub: false }, 'back as a viewer, not waiting');
  assert.equal(await host.locator(`#lobby-list li[data-name="${A.name}"]`).count(), 0, 'A never in the host\'s lobby list');
  await until(async () => (await tileOf(host, A.name).count()) === 1, 'the host seeing A back');
  assert.deepEqual([...host.errors, ...a.errors, ...g.errors], []);
});
