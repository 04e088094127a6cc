// The meetings screen in Chromium: a coordinator schedules a meeting with an agenda row through
// the form (Seoul time), a member of the consortium sees it in the list with its Seoul time and
// a join link, the .ics link downloads a calendar and the feed URL appears; a bad time is
// refused with an error shown and nothing scheduled. The coordinator makes a press guest link
// under the meeting (an expiry in the past refused with a clear message), its full address is
// shown once, and opening it in a fresh browser reaches the guest's name form and the meeting.
// The top navigation leads to the screen and marks it, and fits a phone's width.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, seededDb, cleanup } from '../lib/moa.mjs';
import { launch, newPage, signIn, screenshots, until, SCREENSHOTS } from './ui_helpers.mjs';

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

  // A press guest link through the form under the meeting.
  const mine = coord.locator('.meeting-item', { hasText: '브라우저 예약 회의' });
  const links = mine.locator('details.guest-links');
  await links.locator('summary', { hasText: '게스트 링크' }).click();
  assert.match(await links.locator('.gl-list').innerText(), /아직 만든 링크가 없습니다/);
  assert.equal(await links.locator('.gl-until').isVisible(), false, 'no segment choice for a plain guest');
  await links.locator('.gl-role').selectOption('press');
  assert.equal(await links.locator('.gl-until').isVisible(), true, 'the press may be limited to part of the agenda');
  assert.deepEqual(await links.locator('.gl-until option').allTextContents(), ['회의 끝까지', '1. 개회 및 인사 (14:00~)까지']);
  assert.equal(await links.locator('.gl-expires').inputValue(), `${day}T15:30`, 'by default the link expires when the meeting ends');
  await links.locator('.gl-label').fill('기자단');
  await links.locator('.gl-uses').fill('2');
  await links.locator('.gl-until').selectOption('1');
  const past = new Date(Date.now() + 9 * 3600e3 - 86400e3).toISOString().slice(0, 16);
  await links.locator('.gl-expires').fill(past);
  await links.locator('.gl-form button[type=submit]').click();
  await links.locator('.gl-error', { hasText: '만료 시각이 이미 지났습니다' }).waitFor();
  assert.equal(await links.locator('.gl-result').isVisible(), false, 'refused: no link');
  await links.locator('.gl-expires').fill(`${day}T15:30`);
  await links.locator('.gl-form button[type=submit]').click();
  const urlBox = links.locator('.gl-url');
  await urlBox.waitFor();
  const guestUrl = await urlBox.innerText();
  assert.match(guestUrl, new RegExp(`^${srv.url.replace(/[.]/g, '\\.')}/#/guest/[A-Za-z0-9_-]{43}$`));
  assert.equal(await links.locator('.gl-error').textContent(), '');
  assert.match(await links.locator('.gl-once').innerText(), /한 번만 표시됩니다/);
  assert.match(await links.locator('.gl-made').innerText(), new RegExp(`기자 · 기자단 · ${day} 15:30까지 · 0/2회 사용 · 1번 순서까지`));
  await links.locator('.gl-copy').click();
  await links.locator('.gl-copied', { hasText: '복사했습니다.' }).waitFor();
  // the list of links made (without their addresses) refreshed, and the address still shown
  await links.locator('.gl-list li[data-link]', { hasText: '기자단' }).waitFor();
  assert.match(await links.locator('.gl-list').innerText(), /기자 · 기자단 · 0\/2회 사용/);
  assert.equal(await links.locator('.gl-list').innerText().then((x) => x.includes('/#/guest/')), false, 'the list never shows an address');
  assert.equal(await urlBox.innerText(), guestUrl, 'the address stays on screen after the list refreshed');
  // in English too, the address still there
  await coord.locator('#lang-switch').click();
  await links.locator('.gl-once', { hasText: 'This address is shown this once only' }).waitFor();
  assert.match(await links.locator('.gl-made').innerText(), /Link made: Press · 기자단 · until .* · used 0 of 2 · up to segment 1/);
  assert.equal(await urlBox.innerText(), guestUrl, 'a language switch keeps the address');
  assert.equal(await links.locator('.gl-until option').first().textContent(), 'until the meeting ends');
  await coord.locator('#lang-switch').click();
  await links.locator('.gl-once', { hasText: '한 번만 표시됩니다' }).waitFor();
  await screenshots(coord, 'meetings-guest-link', { prepare: () => coord.evaluate(() => window.scrollTo(0, 0)) });

  // The address opens the guest page in a fresh browser context: name, then the meeting's room.
  const guest = await newPage(browser, { label: 'press guest' });
  await guest.goto(guestUrl);
  await guest.locator('#guest-title', { hasText: '게스트로 회의 참여' }).waitFor();
  await guest.locator('#guest-name').fill('한빛일보 김기자');
  await guest.locator('#guest-submit').click();
  await guest.locator('form.prejoin').waitFor({ timeout: 20000 });
  assert.match(new URL(guest.url()).hash, /^#\/room\/\d+$/);
  assert.equal(new URL(guest.url()).hash, await mine.locator('a.primary').getAttribute('href'), 'the guest lands on this meeting\'s room');
  assert.deepEqual(guest.errors, []);
  await guest.context().close();

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
  assert.equal(await member.locator('details.guest-links').count(), 0, 'only hosts make guest links');

  // The top navigation: 회의 beside the others, marked on its screen; 파트너 찾기 marked on a profile.
  const nav = member.locator('nav.nav');
  const current = () => nav.locator('a[aria-current="page"]').getAttribute('href');
  assert.deepEqual(await nav.locator('a.nav-link').evaluateAll((as) => as.map((a) => a.getAttribute('href'))),
    ['#/home', '#/partners', '#/programmes', '#/meetings', '#/inbox']);
  assert.equal(await nav.locator('a[href="#/meetings"]').innerText(), '회의');
  assert.equal(await current(), '#/meetings');
  await nav.locator('a', { hasText: '홈' }).click();
  await until(async () => (await current()) === '#/home', 'home marked in the navigation');
  await nav.locator('a', { hasText: '회의' }).click();
  await member.locator('.meeting-item', { hasText: '브라우저 예약 회의' }).waitFor();
  assert.equal(await current(), '#/meetings');
  const orgId = await member.evaluate(() => window.moa.rpc.user.organization.id);
  await member.goto(`${srv.url}/#/org/${orgId}`);
  await until(async () => (await current()) === '#/partners', 'the partner link marked on an organization\'s profile');
  // On a phone the five links fit without scrolling, in Korean and in English, with an unread badge.
  const memberId = await member.evaluate(() => window.moa.rpc.user.id);
  await coord.evaluate(async (id) => {
    const { conversation_id: cid } = await window.moa.rpc.request('chat.direct', { user_ids: [id] });
    await window.moa.rpc.request('chat.send', { conversation_id: cid, body: '게스트 링크 보냈습니다' });
  }, memberId);
  await nav.locator('a[href="#/inbox"] .badge').waitFor();
  await member.setViewportSize({ width: 390, height: 844 });
  await member.goto(`${srv.url}/#/meetings`);
  await member.locator('.meeting-item').first().waitFor();
  const fits = () => member.evaluate(() => {
    const n = document.querySelector('nav.nav');
    const last = [...n.querySelectorAll('a')].pop().getBoundingClientRect();
    return { nav: n.scrollWidth <= n.clientWidth, page: document.documentElement.scrollWidth <= 390, lastInside: last.right <= 390 };
  });
  assert.deepEqual(await fits(), { nav: true, page: true, lastInside: true }, 'Korean navigation fits 390 px');
  await member.screenshot({ path: join(SCREENSHOTS, 'nav-meetings-ko-390.png') });
  await member.locator('#lang-switch').click();
  await nav.locator('a[href="#/meetings"]', { hasText: 'Meetings' }).waitFor();
  assert.deepEqual(await fits(), { nav: true, page: true, lastInside: true }, 'English navigation fits 390 px');
  await member.screenshot({ path: join(SCREENSHOTS, 'nav-meetings-en-390.png') });
  await member.locator('#lang-switch').click();
  assert.deepEqual([...coord.errors, ...member.errors], []);
});
