// The meeting room as people use it, through real Chromium (fake camera and microphone) and the
// real server, both inside a network namespace this test makes: two members sign in, open the
// same room from their consortium page by clicking, go through the pre-join screen, see each
// other's video and names on the tiles, one mutes and the other's tile shows it, they chat in
// the room's panel, the connection drops and comes back visibly, one leaves and the tile goes.
// Someone of another consortium is refused clearly; someone who refused camera and microphone
// access still takes part, receive-only, and is told so. A lounge shows nothing of a scheduled
// meeting (no empty agenda panel, no raise-hand button); its coordinator gets the host tools.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, seededDb, cleanup } from '../lib/moa.mjs';
import { createNetns } from '../lib/netns.mjs';
import { launch, newPage, signIn, screenshots, until, videoPlays } from './ui_helpers.mjs';

let ns, srv, db, browser;
const open = new Set(); // contexts of the running test, closed even when it fails
async function person(label, media) {
  const page = await newPage(browser, { label, media });
  open.add(page.context());
  return page;
}
async function closeAll() {
  for (const c of open) await c.close().catch(() => {});
  open.clear();
}
before(async () => {
  ns = createNetns();
  db = seededDb();
  srv = await startServer({ db: db.path, netns: ns });
  browser = await launch({ netns: ns, askMedia: true });
});
afterEach(closeAll);
after(async () => {
  await browser?.close();
  await srv?.stop();
  ns?.destroy();
  cleanup(db?.dir);
});

const A = { email: 'member01a@moa.example', name: '신상훈' };
const B = { email: 'member01b@moa.example', name: '장정희' };
const C = { email: 'coord01@moa.example', name: '류지민' };
const OUTSIDER = { email: 'member02a@moa.example', name: '안현우' };

// Signs in and opens the consortium's lounge by clicking its link on the consortium page;
// returns the room link (#/room/<id>).
async function openLoungeFromConsortium(page, who, consortiumName = '디스플레이협의체') {
  await signIn(page, srv.url, who.email);
  await page.locator('#my-consortia .card-link', { hasText: consortiumName }).click();
  const lounge = page.locator('#room-list .room-item').first();
  await lounge.waitFor();
  await lounge.locator('a.room-name').click();
  await page.locator('form.prejoin').waitFor();
  return new URL(page.url()).hash;
}

// The pre-join screen: a live camera preview, camera and microphone pickers, then join.
async function preJoinAndJoin(page, { micOff = false } = {}) {
  await until(() => videoPlays(page.locator('.preview-video')), 'the camera preview playing');
  assert.ok(await page.locator('#cam-select option').count() >= 1);
  assert.ok(await page.locator('#mic-select option').count() >= 1);
  assert.notEqual(await page.locator('#cam-select').inputValue(), '');
  if (micOff) await page.locator('label[for=join-mic-off]').click();
  await page.locator('#join-button').click();
  await page.locator('#meeting').waitFor();
}

// What page's grid shows, for failure messages.
const tilesOf = (page) => page.evaluate(() => JSON.stringify([...document.querySelectorAll('#video-grid .tile')].map((t) => ({
  ...t.dataset, cls: t.className, w: t.querySelector('video')?.videoWidth, time: t.querySelector('video')?.currentTime,
})))).catch((e) => e.message);

// The tile of the person called name on page (not the self tile).
const tileOf = (page, name) => page.locator(`#video-grid .tile:not(.self)[data-name="${name}"]`);

test('two members meet from the consortium page: video, names, mute, chat, reconnect, leave', async () => {
  const a = await person('A', true);
  const b = await person('B', true);

  const roomHash = await openLoungeFromConsortium(a, A);
  assert.match(roomHash, /^#\/room\/\d+$/);
  await preJoinAndJoin(a);
  // self view: my own camera in my tile, named as me
  await until(() => videoPlays(a.locator('#video-grid .tile.self video')), 'A\'s self view playing');
  assert.equal(await a.locator('#video-grid .tile.self .tile-name').textContent(), `${A.name} (나)`);

  // B's consortium page already shows A in the lounge, then B opens the same room
  await signIn(b, srv.url, B.email);
  await b.locator('#my-consortia .card-link', { hasText: '디스플레이협의체' }).click();
  await b.locator('#room-list .room-item').first().locator('.room-people', { hasText: A.name }).waitFor({ timeout: 20000 });
  await b.locator('#room-list .room-item').first().locator('a.button', { hasText: '입장' }).click();
  await b.locator('form.prejoin').waitFor();
  assert.equal(new URL(b.url()).hash, roomHash);
  await preJoinAndJoin(b);

  // each sees the other's video playing, with the name on the tile
  for (const [page, other, who] of [[a, B, 'A'], [b, A, 'B']]) {
    const tile = tileOf(page, other.name);
    await tile.waitFor({ timeout: 20000 });
    assert.equal(await tile.locator('.tile-name').textContent(), other.name);
    await until(() => videoPlays(tile.locator('video')), `${who} seeing ${other.name}'s video play`, 30000);
    assert.equal(await tile.evaluate((el) => el.classList.contains('no-video')), false);
    assert.equal(await page.locator('#video-grid').getAttribute('data-count'), '2');
    // the participant list names both
    await until(async () => (await page.locator('#participant-list .person').count()) === 2, `${who}'s participant list`);
    assert.match(await page.locator('#participant-list').textContent(), new RegExp(other.name));
  }
  // A lounge has no agenda, no lobby and no hands: no empty "진행" panel, no raise-hand button.
  for (const [page, who] of [[a, 'A'], [b, 'B']]) {
    await page.locator('#host-controls').waitFor({ state: 'attached' });
    assert.equal(await page.locator('#host-controls').isHidden(), true, `${who}: no empty host panel in a lounge`);
    assert.equal(await page.getByRole('heading', { name: '진행' }).count(), 0, `${who}: no "진행" heading`);
    assert.equal(await page.locator('#ctl-hand').count(), 0, `${who}: no raise-hand button in a lounge`);
  }
  // the network-quality indicator has measured something
  await until(async () => (await a.locator('#net-quality').getAttribute('data-level')) !== 'unknown', 'a network-quality level');
  assert.match(await a.locator('#net-quality').textContent(), /네트워크/);
  // the active speaker is highlighted (the fake microphone beeps)
  await until(async () => (await a.locator('#video-grid .tile.speaking').count()) === 1, 'an active-speaker highlight', 30000);

  await screenshots(a, 'meeting', {
    prepare: async () => { await until(() => videoPlays(tileOf(a, B.name).locator('video')), 'B\'s video after resize'); },
  });

  // A mutes the microphone with the keyboard: B's tile for A shows it, and the list too
  const mic = a.locator('#ctl-mic');
  assert.equal(await mic.getAttribute('aria-pressed'), 'false');
  await mic.focus();
  await a.keyboard.press('Space');
  assert.equal(await mic.getAttribute('aria-pressed'), 'true');
  assert.equal(await mic.textContent(), '마이크 켜기');
  await until(async () => (await tileOf(b, A.name).getAttribute('data-mic-muted')) === 'true', 'B seeing A muted');
  assert.equal(await tileOf(b, A.name).locator('.tile-mic').isVisible(), true);
  assert.equal(await tileOf(b, A.name).locator('.tile-mic').textContent(), '음소거');
  assert.match(await b.locator('#participant-list .person', { hasText: A.name }).textContent(), /마이크 꺼짐/);
  // and unmutes: the badge goes away
  await mic.press('Enter');
  await until(async () => (await tileOf(b, A.name).getAttribute('data-mic-muted')) === 'false', 'B seeing A unmuted');

  // they chat in the room's panel
  const say = async (page, text) => {
    await page.locator('#room-chat textarea').fill(text);
    await page.locator('#room-chat button[type=submit]').click();
  };
  await say(a, '화면 잘 보이시나요? <i>A</i>');
  await b.locator('#room-chat .msg:not(.mine) .body', { hasText: '화면 잘 보이시나요? <i>A</i>' }).waitFor();
  assert.equal(await b.locator('#room-chat .msg:not(.mine) .author').first().textContent(), A.name);
  assert.equal(await b.locator('#room-chat .msg i').count(), 0); // text, never HTML
  await say(b, '네, 잘 보입니다.');
  await a.locator('#room-chat .msg:not(.mine) .body', { hasText: '네, 잘 보입니다.' }).waitFor();

  // B's connection drops: B sees the reconnecting state, then is back with A's video
  await a.evaluate(() => { window.ev = []; window.moa.rpc.on('*', (m) => window.ev.push(m.type === 'media.offer' ? { type: m.type, tracks: m.tracks } : m)); });
  await b.evaluate(() => {
    window.seenStates = [];
    const m = document.getElementById('meeting');
    new MutationObserver(() => window.seenStates.push(m.dataset.state)).observe(m, { attributes: true, attributeFilter: ['data-state'] });
    window.moa.rpc.ws.close();
  });
  await until(() => b.evaluate(() => window.seenStates.includes('reconnecting')), 'B shown "reconnecting"');
  await until(() => b.evaluate(() => document.getElementById('meeting').dataset.state === 'connected'), 'B connected again', 30000);
  assert.equal(await b.locator('.meeting-state').isHidden(), true);
  await until(() => videoPlays(tileOf(b, A.name).locator('video')), 'B seeing A again', 30000);
  await until(async () => (await tileOf(a, B.name).count()) === 1 && videoPlays(tileOf(a, B.name).locator('video')),
    'A seeing B again', 30000).catch(async (e) => { throw new Error(`${e.message}; A's tiles: ${await tilesOf(a)} ${await a.evaluate(() => JSON.stringify(window.ev))}`); });

  // B leaves: A's tile for B goes, and B is told
  await b.locator('#ctl-leave').click();
  await b.locator('#meeting-ended h1', { hasText: '회의에서 나왔습니다' }).waitFor();
  await until(async () => (await tileOf(a, B.name).count()) === 0, 'B\'s tile gone for A');
  assert.equal(await a.locator('#video-grid').getAttribute('data-count'), '1');
  await until(async () => (await a.locator('#participant-list .person').count()) === 1, 'A\'s list without B');

  assert.deepEqual(a.errors, []);
  assert.deepEqual(b.errors, []);
});

test('someone of another consortium opening the room link is refused clearly', async () => {
  const c = await person('C', true);
  await signIn(c, srv.url, C.email);
  const roomId = await c.evaluate(async () => (await window.moa.rpc.request('room.list', { consortium_id: 1 })).rooms.find((r) => r.is_lounge).id);
  const o = await person('outsider', true);
  await signIn(o, srv.url, OUTSIDER.email, { hash: `#/room/${roomId}` });
  await o.locator('#join-button').click();
  const refusal = o.locator('#meeting-ended');
  await refusal.waitFor();
  assert.equal(await refusal.locator('h1').textContent(), '회의에 참여할 수 없습니다');
  assert.match(await refusal.textContent(), /해당 협의체 구성원과 초대받은 사람만/);
  // the camera was let go, and nothing of the meeting is shown
  assert.equal(await o.locator('#video-grid').count(), 0);
  assert.equal(await o.evaluate(() => [...document.querySelectorAll('video')].some((v) => v.srcObject)), false);
  // in English too
  await o.locator('#lang-switch').click();
  await refusal.locator('h1', { hasText: 'Could not join the meeting' }).waitFor();
  assert.match(await refusal.textContent(), /members and invitees only/);
  await o.locator('#lang-switch').click();
});

test('camera and microphone refused: the meeting still works receive-only, with a clear message', async () => {
  const host = await person('host', true);
  await openLoungeFromConsortium(host, C);
  await preJoinAndJoin(host, { micOff: true }); // and joins muted
  // The coordinator hosts the lounge: people, lock and end; nothing of a scheduled meeting.
  await host.locator('#host-tools').waitFor();
  assert.equal(await host.getByRole('heading', { name: '진행' }).isVisible(), true);
  for (const sel of ['#host-lobby', '#host-hands', '#agenda', '#ctl-agenda-next', '#ctl-agenda-clock']) {
    assert.equal(await host.locator(sel).isHidden(), true, `a lounge's host panel has no ${sel}`);
  }
  assert.equal(await host.locator('#ctl-lock').isVisible(), true);
  assert.equal(await host.locator('#ctl-end').isVisible(), true);
  assert.equal(await host.locator('#ctl-hand').count(), 0, 'no raise-hand button in a lounge, for the host either');

  const d = await person('denied', false); // permission refused
  await openLoungeFromConsortium(d, A);
  const message = d.locator('form.prejoin .device-message');
  await message.waitFor();
  assert.match(await message.textContent(), /카메라와 마이크 사용이 거부되었습니다/);
  assert.equal(await d.locator('.preview-video').isHidden(), true);
  assert.equal(await d.locator('.preview-empty').isVisible(), true);
  await d.locator('#join-button').click();
  await d.locator('#meeting').waitFor();
  // told in the meeting, not only at the door
  const notice = d.locator('#receive-only');
  await notice.waitFor();
  assert.match(await notice.textContent(), /거부되어 보고 듣기만/);
  assert.equal(await d.locator('#ctl-mic').isDisabled(), true);
  assert.equal(await d.locator('#ctl-cam').isDisabled(), true);
  // and sees the host, whose joined-muted microphone shows on the tile
  const tile = tileOf(d, C.name);
  await tile.waitFor({ timeout: 20000 });
  await until(() => videoPlays(tile.locator('video')), 'the receive-only person seeing the host', 30000);
  await until(async () => (await tile.getAttribute('data-mic-muted')) === 'true', 'the host shown muted');
  // the host sees the receive-only person, without video, named, with the microphone off
  const back = tileOf(host, A.name);
  await back.waitFor({ timeout: 20000 });
  assert.equal(await back.evaluate((el) => el.classList.contains('no-video')), true);
  assert.equal(await back.locator('.avatar').isVisible(), true);
  await until(async () => (await back.getAttribute('data-mic-muted')) === 'true', 'the host seeing no microphone');
  assert.deepEqual(d.errors, []);
});

test('a screen share shows as its own tile for the others, and goes when it stops', async () => {
  // a browser whose screen capture is granted (the fake capture of Chromium's test flags)
  const sharer = await launch({ netns: ns });
  try {
    const pageOf = async (label) => {
      const p = await newPage(sharer, { label });
      open.add(p.context());
      return p;
    };
    const a = await pageOf('A-share');
    const b = await pageOf('B-share');
    await openLoungeFromConsortium(a, A);
    await preJoinAndJoin(a);
    await openLoungeFromConsortium(b, B);
    await preJoinAndJoin(b);
    await tileOf(b, A.name).waitFor({ timeout: 20000 });

    const share = a.locator('#ctl-share');
    assert.equal(await share.getAttribute('aria-pressed'), 'false');
    await share.click();
    await until(async () => (await share.getAttribute('aria-pressed')) === 'true', 'A sharing');
    assert.equal(await share.textContent(), '공유 중지');
    await a.locator('#video-grid .tile.screen[data-key="self:screen"]').waitFor();
    // B sees A's screen as a tile of its own, playing, named as A's screen, beside A's camera
    const screenTile = b.locator('#video-grid .tile.screen');
    await screenTile.waitFor({ timeout: 30000 });
    assert.match(await screenTile.locator('.tile-name').textContent(), new RegExp(A.name));
    await until(() => videoPlays(screenTile.locator('video')), 'B seeing A\'s screen play', 30000);
    assert.equal(await b.locator('#video-grid').evaluate((g) => g.classList.contains('has-screen')), true);
    assert.equal(await tileOf(b, A.name).count(), 2, 'the camera tile stays beside the screen');

    // A stops: the screen tile goes for both
    await share.click();
    await until(async () => (await b.locator('#video-grid .tile.screen').count()) === 0, 'A\'s screen tile gone for B', 30000);
    await until(async () => (await a.locator('#video-grid .tile.screen').count()) === 0, 'A\'s own screen tile gone');
    assert.equal(await share.getAttribute('aria-pressed'), 'false');
    assert.deepEqual(a.errors, []);
    assert.deepEqual(b.errors, []);
  } finally {
    await closeAll();
    await sharer.close();
  }
});
