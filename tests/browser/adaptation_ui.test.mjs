// The room's adaptive quality switch in the host tools (room.adaptation), through real Chromium
// and the real server inside a network namespace this test makes: the consortium's coordinator
// opens the lounge and sees the switch with the room's state; clicking it turns adaptation off
// on the server (the button follows the room.adaptation event the server sends back, and a
// fresh page load shows it off), and on again.
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
  browser = await launch({ netns: ns, askMedia: true });
});
after(async () => {
  await browser?.close();
  await srv?.stop();
  ns?.destroy();
  cleanup(db?.dir);
});

async function joinLounge(page) {
  await page.locator('#my-consortia .card-link', { hasText: '디스플레이협의체' }).click();
  const lounge = page.locator('#room-list .room-item').first();
  await lounge.waitFor();
  await lounge.locator('a.room-name').click();
  await page.locator('form.prejoin').waitFor();
  await until(() => videoPlays(page.locator('.preview-video')), 'the camera preview playing');
  await page.locator('#join-button').click();
  await page.locator('#meeting').waitFor();
}

test('a coordinator switches the room\'s adaptive quality from the host tools', async () => {
  const page = await newPage(browser, { label: 'coord', media: true });
  try {
    await signIn(page, srv.url, 'coord01@moa.example');
    await joinLounge(page);
    const btn = page.locator('#ctl-adapt');
    await btn.waitFor();
    assert.equal(await btn.textContent(), '화질 자동 조절: 켬');
    assert.equal(await btn.getAttribute('aria-pressed'), 'true');
    await btn.click();
    await until(async () => (await btn.textContent()) === '화질 자동 조절: 끔', 'the switch showing off');
    assert.equal(await btn.getAttribute('aria-pressed'), 'false');
    const room = new URL(page.url()).hash;
    await page.reload();
    await page.locator('form.prejoin').waitFor();
    await until(() => videoPlays(page.locator('.preview-video')), 'the camera preview playing');
    await page.locator('#join-button').click();
    await page.locator('#meeting').waitFor();
    assert.equal(new URL(page.url()).hash, room);
    await until(async () => (await page.locator('#ctl-adapt').textContent()) === '화질 자동 조절: 끔',
      'the switch still off after a reload');
    await page.locator('#ctl-adapt').click();
    await until(async () => (await page.locator('#ctl-adapt').textContent()) === '화질 자동 조절: 켬', 'the switch on again');
  } finally {
    await page.context().close().catch(() => {});
  }
});
