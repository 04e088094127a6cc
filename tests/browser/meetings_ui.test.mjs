// The meetings screen in Chromium: a coordinator schedules a meeting with an agenda row through
// the form (Seoul time), a member of the consortium sees it in the list with its Seoul time and
// a join link, the .ics link downloads a calendar and the feed URL appears; a bad time is
// refused with an error shown and nothing scheduled.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, seededDb, cleanup } from '../lib/moa.mjs';
import { launch, newPage, signIn } from './ui_helpers.mjs';

let srv, db, browser;
before(async () => {
  db = seededDb();
  srv = await startServer({ db: db.path });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await srv?.stop();
  cleanup(db.dir);
});

test('schedule through the form; a member sees it with Seoul time, .ics and the feed', async () => {
  const coord = await newPage(browser, { label: 'coord15' });
  await signIn(coord, srv.url, 'coord15@moa.example', { hash: '#/meetings' });
  await coord.goto(`${srv.url}/#/meetings`);
  await coord.locator('#meeting-title').waitFor();
  const day = new Date(Date.now() + 9 * 3600e3 + 2 * 86400e3).toISOString().slice(0, 10);
  await coord.locator('#meeting-title').fill('브라우저 예약 회의');
  await coord.locator('#meeting-start').fill(`${day}T14:00`);
  await coord.locator('#meeting-end').fill(`${day}T13:00`);
  await coord.locator('form.meeting-create button[type=submit]').click();
  await coord.waitForFunction(() => document.querySelector('form.meeting-create .form-error')?.textContent.trim().length > 0);
  assert.equal(await coord.locator('.meeting-item', { hasText: '브라우저 예약 회의' }).count(), 0, 'refused: nothing scheduled');
  await coord.locator('#meeting-end').fill(`${day}T15:30`);
  await coord.locator('button', { hasText: '순서 추가' }).click();
  await coord.locator('.seg-start').fill('14:00');
  await coord.locator('.seg-minutes').fill('30');
  await coord.locator('.seg-item').fill('개회 및 인사');
  await coord.locator('form.meeting-create button[type=submit]').click();
  await coord.locator('.meeting-item', { hasText: '브라우저 예약 회의' }).waitFor();

  const member = await newPage(browser, { label: 'member15a' });
  await signIn(member, srv.url, 'member15a@moa.example');
  await member.goto(`${srv.url}/#/meetings`);
  const item = member.locator('.meeting-item', { hasText: '브라우저 예약 회의' });
  await item.waitFor();
  assert.match(await item.innerText(), new RegExp(`${day} 14:00 – 15:30`));
  assert.match(await item.innerText(), /14:00 \(30′\) 개회 및 인사/);
  assert.match(await item.locator('a.primary').getAttribute('href'), /^#\/room\/\d+$/);
  const ics = await item.locator('a[download]').getAttribute('href');
  const body = await member.evaluate(async (u) => (await fetch(u)).text(), ics);
  assert.match(body, /SUMMARY:브라우저 예약 회의\r\n/);
  assert.match(body, /DTSTART;TZID=Asia\/Seoul:\d{8}T140000\r\n/);
  await member.locator('button', { hasText: '구독 주소 보기' }).click();
  const url = await member.locator('#feed-url').innerText();
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/calendar\/feed\/[A-Za-z0-9_-]{43}\.ics$/);
  assert.equal(await member.locator('form.meeting-create').count(), 0, 'members get no schedule form');
  assert.deepEqual([...coord.errors, ...member.errors], []);
});
