// The meeting screen's small things people notice, through real Chromium and the real server in a
// network namespace this test makes (issue 15): a viewer without the floor has no screen-share
// button to press (it comes with the floor); the keyboard shortcuts work wherever focus is on the
// page and with a Korean keyboard in 한글 mode (M reports 'ㅡ'), with a camera key and a help;
// room chat that arrives while the side panel is closed shows a count on its button and a
// toast; the reconnect banner says what is happening, never "null".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, seededDb, cleanup } from '../lib/moa.mjs';
import { createNetns } from '../lib/netns.mjs';
import { launch, newPage, signIn, until, videoPlays } from './ui_helpers.mjs';

let ns, srv, db, browser;
before(async () => {
  ns = createNetns();
  db = seededDb();
  srv = await startServer({ db: db.path, netns: ns });
  browser = await launch({ netns: ns });
  await setup();
});
after(async () => {
  const errors = [...(host?.errors || []), ...(a?.errors || [])];
  await browser?.close();
  await srv?.stop();
  ns?.destroy();
  cleanup(db?.dir);
  assert.deepEqual(errors, [], 'no page errors');
});

const HOST = { email: 'coord01@moa.example', name: '류지민' };
const A = { email: 'member01a@moa.example', name: '신상훈' };
const iso = (t) => new Date(t * 1000).toISOString().replace(/\.\d+Z$/, 'Z');

async function join(page, hash) {
  await page.goto(`${srv.url}/${hash}`);
  await page.locator('form.prejoin').waitFor();
  await until(() => videoPlays(page.locator('.preview-video')), 'the camera preview playing');
  await page.locator('#join-button').click();
  await page.locator('#meeting').waitFor();
}

// A key press as a Korean keyboard in 한글 mode sends it: the physical key in code, the jamo in key.
const koreanKey = (page, code, key) => page.evaluate(({ code, key }) => {
  const target = document.activeElement || document.body;
  target.dispatchEvent(new KeyboardEvent('keydown', { code, key, bubbles: true, cancelable: true }));
}, { code, key });

// The host in an event of consortium 1 (no lobby) and A, a member, watching it.
let host, a, pid;
async function setup() {
  host = await newPage(browser, { label: 'host' });
  await signIn(host, srv.url, HOST.email);
  const now = Math.floor(Date.now() / 1000);
  const roomId = await host.evaluate(async ({ startsAt, endsAt }) => (await window.moa.rpc.request('meeting.create', {
    consortium_id: 1, title: '단축키 점검 행사', mode: 'event', starts_at: startsAt, ends_at: endsAt,
  })).room_id, { startsAt: iso(now - 60), endsAt: iso(now + 7200) });
  await join(host, `#/room/${roomId}`);
  await until(() => videoPlays(host.locator('#video-grid .tile.self video')), 'the host\'s self view');
  a = await newPage(browser, { label: 'A' });
  await signIn(a, srv.url, A.email);
  await join(a, `#/room/${roomId}`);
  await a.locator('#floor-state').waitFor();
  pid = await a.evaluate(() => window.moa.meeting.self.participant_id);
}

test('a viewer without the floor cannot press 화면 공유, and is told why; with the floor it can', async () => {
  assert.equal(await a.evaluate(() => window.moa.meeting.viewer), true);
  assert.equal(await a.locator('#ctl-share').isDisabled(), true, 'a viewer without the floor cannot open the screen picker');
  assert.match(await a.locator('#ctl-share').getAttribute('title'), /발언권을 받으면 화면을 공유할 수 있습니다/);
  await host.evaluate((p) => window.moa.rpc.request('meeting.give_floor', { participant_id: p }), pid);
  await until(async () => !(await a.locator('#ctl-share').isDisabled()), 'A\'s share button enabled with the floor');
  assert.equal(await a.locator('#ctl-share').getAttribute('title'), '');
  await host.evaluate((p) => window.moa.rpc.request('meeting.take_floor', { participant_id: p }), pid);
  await until(() => a.locator('#ctl-share').isDisabled(), 'A\'s share button disabled again without the floor');
});

test('shortcuts work with focus anywhere on the page and in 한글 mode; V for the camera; ? for help', async () => {
  // Shortcuts with focus outside the meeting element (the top bar's language button)
  const mic = host.locator('#ctl-mic');
  const cam = host.locator('#ctl-cam');
  assert.equal(await mic.getAttribute('aria-pressed'), 'false');
  await host.locator('#lang-switch').focus();
  await koreanKey(host, 'KeyM', 'ㅡ'); // 한글 mode
  await until(async () => (await mic.getAttribute('aria-pressed')) === 'true', 'M in 한글 mode muting');
  await host.keyboard.press('m'); // and the plain key, focus still in the top bar
  await until(async () => (await mic.getAttribute('aria-pressed')) === 'false', 'M unmuting');
  await host.locator('body').focus();
  await koreanKey(host, 'KeyV', 'ㅍ');
  await until(async () => (await cam.getAttribute('aria-pressed')) === 'true', 'V turning the camera off');
  await host.keyboard.press('v');
  await until(async () => (await cam.getAttribute('aria-pressed')) === 'false', 'V turning the camera on');
  assert.equal(await mic.getAttribute('aria-keyshortcuts'), 'M');
  assert.equal(await cam.getAttribute('aria-keyshortcuts'), 'V');
  // typing in the chat never toggles anything
  await host.locator('#room-chat textarea').fill('');
  await host.locator('#room-chat textarea').press('m');
  await host.locator('#room-chat textarea').press('v');
  assert.equal(await host.locator('#room-chat textarea').inputValue(), 'mv');
  assert.equal(await mic.getAttribute('aria-pressed'), 'false');
  assert.equal(await cam.getAttribute('aria-pressed'), 'false');
  await host.locator('#room-chat textarea').fill('');
  // ? shows the help; Escape closes it
  await host.locator('#lang-switch').focus();
  await host.keyboard.press('Shift+Slash');
  const help = host.locator('#shortcut-help');
  await help.waitFor();
  assert.match(await help.innerText(), /M\s+마이크 켜기\/끄기/);
  assert.match(await help.innerText(), /V\s+카메라 켜기\/끄기/);
  await host.keyboard.press('Escape');
  await help.waitFor({ state: 'hidden' });
  await host.locator('#ctl-keys').click(); // and from its button
  await help.waitFor();
  await help.locator('button', { hasText: '닫기' }).click();
  await help.waitFor({ state: 'hidden' });

});

test('room chat while the side panel is closed: a count on its button and a toast', async () => {
  // The host closes the side panel; A writes in the room chat: a count on the button and a toast
  await host.locator('#ctl-side').click();
  assert.equal(await host.locator('#ctl-side').getAttribute('aria-expanded'), 'false');
  const say = (text) => a.evaluate((body) => window.moa.rpc.request('chat.send', { conversation_id: window.moa.meeting.conversationId, body }), text);
  await say('회의 자료 보셨나요?');
  const badge = host.locator('#chat-unread');
  await until(async () => (await badge.isVisible()) && (await badge.textContent()) === '1', 'an unread count of 1 on the panel button');
  await host.locator('.toast', { hasText: `${A.name}: 회의 자료 보셨나요?` }).waitFor();
  await say('두 번째 메시지');
  await until(async () => (await badge.textContent()) === '2', 'an unread count of 2');
  assert.equal(await badge.getAttribute('aria-label'), '읽지 않은 메시지 2개');
  await host.keyboard.press('p'); // P opens the panel: the count goes, the messages are there
  await until(async () => (await host.locator('#ctl-side').getAttribute('aria-expanded')) === 'true', 'the panel open');
  assert.equal(await badge.isHidden(), true);
  await host.locator('#room-chat .msg .body', { hasText: '두 번째 메시지' }).waitFor();
  // with the panel open no count grows
  await say('세 번째');
  await host.locator('#room-chat .msg .body', { hasText: '세 번째' }).waitFor();
  assert.equal(await badge.isHidden(), true);

});

test('the reconnect banner says what happens, never "null"', async () => {
  // The host's connection drops: the banner says what happens, and never "null"
  await host.evaluate(() => {
    window.banners = [];
    const m = document.getElementById('meeting');
    const record = () => { const b = document.querySelector('.meeting-state'); if (b && !b.hidden) window.banners.push(b.textContent); };
    new MutationObserver(record).observe(m, { attributes: true, childList: true, subtree: true, characterData: true });
    window.moa.rpc.ws.close();
  });
  await until(() => host.evaluate(() => window.banners.length > 0), 'the reconnect banner');
  await until(() => host.evaluate(() => document.getElementById('meeting').dataset.state === 'connected'), 'connected again', 30000);
  const seen = await host.evaluate(() => window.banners);
  for (const text of seen) {
    assert.ok(!/null|undefined/.test(text), `banner text: ${JSON.stringify(text)}`);
    assert.ok(['연결이 끊겼습니다. 다시 연결하는 중…', '회의에 다시 연결하는 중…'].includes(text), `banner text: ${JSON.stringify(text)}`);
  }
  assert.equal(await host.locator('.meeting-state').isHidden(), true);

});
