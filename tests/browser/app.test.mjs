// The browser app through real Chromium and the real server: sign-in, home, the language switch
// and its memory, the session surviving a reload, code that fails to load (one reload by itself,
// then a retry button; screenshots app-load-failed-*), an expired session returning to sign-in and
// then to the page wanted, the consortium page, meetings a coordinator schedules appearing live
// on a member's home page (Seoul times, today / coming up, join link), and screenshots of home
// and consortium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, seededDb, signedIn, cleanup } from '../lib/moa.mjs';
import { launch, newPage, signIn, screenshots } from './ui_helpers.mjs';

let srv, db, browser;
// Full-page screenshots from the top (a sticky top bar would otherwise show mid-page).
const fromTop = (page) => ({ prepare: () => page.evaluate(() => window.scrollTo(0, 0)) });
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

test('sign in shows my consortia on the home page, in Korean by default', async () => {
  const page = await newPage(browser, { label: 'member01a' });
  await page.goto(`${srv.url}/`);
  assert.equal(await page.locator('html').getAttribute('lang'), 'ko');
  await page.locator('h1', { hasText: '로그인' }).waitFor();
  // a wrong password is refused with a message, in Korean
  await page.locator('input[name=email]').fill('member01a@moa.example');
  await page.locator('input[name=password]').fill('wrong-password');
  await page.locator('form.signin button[type=submit]').click();
  await page.locator('.form-error', { hasText: '올바르지 않습니다' }).waitFor({ timeout: 15000 });
  await page.locator('input[name=password]').fill('moa-demo-2025');
  await page.locator('form.signin button[type=submit]').click();
  await page.locator('#my-consortia').waitFor();
  assert.match(page.url(), /#\/home$/);
  const cards = await page.locator('#my-consortia .card-title').allTextContents();
  assert.deepEqual(cards, ['디스플레이협의체']);
  assert.match(await page.locator('h1').first().textContent(), /안녕하세요/);
  // the connection state is shown and online
  assert.equal(await page.locator('.conn').getAttribute('data-state'), 'open');
  await page.locator('#h-sugg').waitFor(); // suggestions for my organization
  await page.locator('#home-meetings .empty', { hasText: '예정된 회의가 없습니다' }).waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('English is remembered across a reload, and the session survives it', async () => {
  const page = await newPage(browser, { label: 'member02a' });
  await signIn(page, srv.url, 'member02a@moa.example');
  await page.locator('#my-consortia').waitFor();
  assert.equal(await page.locator('nav .nav-link').first().textContent(), '홈');
  await page.locator('#lang-switch').click();
  await page.locator('nav .nav-link', { hasText: 'Home' }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  assert.equal(await page.locator('#h-cons').textContent(), 'My consortia');
  assert.match(await page.locator('#signout').textContent(), /Sign out/);
  // place names too: the consortium's regions (인천, 경기) in English
  assert.match(await page.locator('#my-consortia .card-meta').first().textContent(), /Incheon · Gyeonggi/);
  await page.reload();
  await page.locator('#my-consortia').waitFor(); // still signed in: no sign-in screen
  assert.equal(await page.locator('#h-cons').textContent(), 'My consortia');
  assert.match(await page.locator('h1').first().textContent(), /^Hello, /);
  assert.equal(await page.locator('#lang-switch').textContent(), '한국어');
  // and back to Korean
  await page.locator('#lang-switch').click();
  await page.locator('#h-cons', { hasText: '내 협의체' }).waitFor();
  assert.match(await page.locator('#my-consortia .card-meta').first().textContent(), /인천 · 경기/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('an expired session goes to sign-in, then to the page wanted', async () => {
  const page = await newPage(browser, { label: 'expired' });
  await page.goto(`${srv.url}/`);
  await page.evaluate(() => localStorage.setItem('moa.token', 'x'.repeat(43)));
  // a new document (not a same-page hash change), so the app starts and tries the stale token
  await page.goto('about:blank');
  await page.goto(`${srv.url}/#/consortium/3`);
  await page.locator('.signin .notice').waitFor(); // "your session expired"
  assert.match(page.url(), /#\/signin\?next=%23%2Fconsortium%2F3/);
  await page.locator('input[name=email]').fill('member03a@moa.example');
  await page.locator('input[name=password]').fill('moa-demo-2025');
  await page.locator('form.signin button[type=submit]').click();
  await page.locator('#org-list li a').first().waitFor();
  assert.match(page.url(), /#\/consortium\/3$/);
  // sign out: back to sign-in, and the token no longer works after a reload
  await page.locator('#signout').click();
  await page.locator('form.signin').waitFor();
  await page.reload();
  await page.locator('form.signin').waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem('moa.token')), null);
  await page.context().close();
});

test('code that fails to load (a network that changed mid-load): one reload by itself, then a retry button', async () => {
  const page = await newPage(browser, { label: 'load' });
  const SIGNIN = page.locator('h1', { hasText: '로그인' });
  // the app's own code fails once (Chromium's ERR_NETWORK_CHANGED in CI): the page reloads by
  // itself and the sign-in screen comes, rather than "Loading Moa..." for good
  let fetches = 0;
  await page.route('**/js/i18n.js', (route) => (fetches++ === 0 ? route.abort('internetdisconnected') : route.continue()));
  await page.goto(`${srv.url}/`);
  await SIGNIN.waitFor();
  assert.equal(fetches, 2);
  await page.unroute('**/js/i18n.js');
  // failing every time: after its one retry the page says so and offers a button that works
  let failing = true;
  await page.route('**/js/i18n.js', (route) => (failing ? route.abort('internetdisconnected') : route.continue()));
  await page.reload();
  await page.locator('#boot-error', { hasText: '모아를 불러오지 못했습니다' }).waitFor();
  await screenshots(page, 'app-load-failed');
  failing = false;
  await page.locator('#boot-retry').click();
  await SIGNIN.waitFor();
  await page.unroute('**/js/i18n.js');
  // a screen's code likewise, with the app's own error panel (in the app's language)
  failing = true;
  fetches = 0;
  await page.route('**/js/screens/signin.js', (route) => { fetches++; return failing ? route.abort('internetdisconnected') : route.continue(); });
  await page.reload();
  await page.locator('#load-error', { hasText: '화면을 불러오지 못했습니다' }).waitFor();
  assert.equal(fetches, 2); // the first page and its one automatic retry
  failing = false;
  await page.locator('#load-error button', { hasText: '다시 시도' }).click();
  await SIGNIN.waitFor();
  await page.context().close();
});

test('the consortium page lists organizations, pages and searches them', async () => {
  const page = await newPage(browser, { label: 'coord01' });
  await signIn(page, srv.url, 'coord01@moa.example');
  await page.goto(`${srv.url}/#/consortium/1`);
  await page.locator('#org-list li a').first().waitFor();
  assert.equal(await page.locator('h1').first().textContent(), '디스플레이협의체');
  assert.equal(await page.locator('#org-list li').count(), 20);
  const first = await page.locator('#org-list li a').first().textContent();
  await page.locator('.pager button', { hasText: '다음' }).click();
  await page.waitForFunction((f) => document.querySelector('#org-list li a')?.textContent !== f, first);
  // searching within the consortium (a Korean substring)
  await page.locator('#org-filter').fill('디스플레이');
  await page.waitForFunction(() => [...document.querySelectorAll('#org-list li a')].length > 0
    && [...document.querySelectorAll('#org-list li a')].length < 20 || document.querySelector('.pager span, .pager p')?.textContent.match(/^\d/));
  // the rooms section shows the lounge, and the channel is there for members
  await page.locator('#room-list .room-item').first().waitFor();
  await page.locator('.channel .chat-compose textarea').waitFor();
  // say something in the channel: it shows at once
  await page.locator('.channel .chat-compose textarea').fill('안녕하세요 <b>모두</b>');
  await page.locator('.channel .chat-compose button[type=submit]').click();
  await page.locator('.channel .msg.mine .body', { hasText: '안녕하세요 <b>모두</b>' }).waitFor();
  assert.equal(await page.locator('.channel .msg.mine .body b').count(), 0); // text, never HTML
  await page.locator('#org-filter').fill('');
  await screenshots(page, 'consortium', fromTop(page));

  // the coordinator opens a room; a member on the same page sees it appear live, with who is in
  const member = await newPage(browser, { label: 'member01a' });
  await signIn(member, srv.url, 'member01a@moa.example', { hash: '#/consortium/1' });
  await member.locator('#room-list .room-item').first().waitFor();
  await page.locator('details.create summary', { hasText: '새 회의실 열기' }).click();
  await page.locator('form.room-create button[type=submit]').click(); // no name: the form does not go
  assert.equal(await page.locator('form.room-create input').first().evaluate((el) => el.validity.valueMissing), true);
  assert.match(new URL(page.url()).hash, /^#\/consortium\/1$/);
  await page.locator('form.room-create input').first().fill('UTG 공정 협력 회의');
  await page.locator('form.room-create button[type=submit]').click();
  await page.locator('form.prejoin').waitFor(); // straight to the new room's door
  const roomHash = new URL(page.url()).hash;
  assert.match(roomHash, /^#\/room\/\d+$/);
  const item = member.locator('#room-list .room-item', { hasText: 'UTG 공정 협력 회의' });
  await item.waitFor({ timeout: 20000 });
  assert.equal(await item.locator('a.room-name').getAttribute('href'), roomHash);
  assert.deepEqual(member.errors, []);
  await member.context().close();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

// Seoul wall-clock parts of an instant, by arithmetic (Korea has no DST): an oracle independent
// of the Intl formatting the app uses.
const WEEKDAY_KO = ['일', '월', '화', '수', '목', '금', '토'];
function seoul(ms) {
  const d = new Date(ms + 9 * 3600e3);
  return {
    iso: d.toISOString().slice(0, 16), hm: d.toISOString().slice(11, 16), ymd: d.toISOString().slice(0, 10),
    dayKo: `${d.getUTCMonth() + 1}월 ${d.getUTCDate()}일 (${WEEKDAY_KO[d.getUTCDay()]})`,
  };
}

test('meetings a coordinator schedules appear live on a member\'s home: today, coming up, Seoul times, join link', async () => {
  const page = await newPage(browser, { label: 'member01b' });
  await signIn(page, srv.url, 'member01b@moa.example');
  await page.locator('#home-meetings .empty').waitFor();
  await page.evaluate(() => { window.notReloaded = true; });

  // coord01 schedules over the protocol while the member's home page is open: one meeting under
  // way now (started 10 minutes ago), one in three days at 10:30 Seoul time; coord02 schedules one
  // for consortium 2, which member01b is not invited to.
  const coord = await signedIn(srv, 'coord01@moa.example');
  const coord2 = await signedIn(srv, 'coord02@moa.example');
  const five = 5 * 60e3;
  const liveStart = Math.floor(Date.now() / five) * five - 10 * 60e3;
  const liveEnd = liveStart + 70 * 60e3;
  const at = (ms) => `${seoul(ms).iso}:00+09:00`;
  const live = await coord.call('meeting.create', {
    consortium_id: 1, title: '디스플레이 주간 점검 회의', starts_at: at(liveStart), ends_at: at(liveEnd),
  });
  const day3 = seoul(Date.now() + 3 * 86400e3);
  const later = await coord.call('meeting.create', {
    consortium_id: 1, title: 'UTG 공정 기술 세미나', starts_at: `${day3.ymd}T10:30:00+09:00`, ends_at: `${day3.ymd}T12:00:00+09:00`,
  });
  await coord2.call('meeting.create', {
    consortium_id: 2, title: '모빌리티 협의체 회의', starts_at: `${day3.ymd}T09:00:00+09:00`, ends_at: `${day3.ymd}T10:00:00+09:00`,
  });

  // both appear without a reload, each in its group with its Seoul time
  const liveRow = page.locator(`#meetings-today .meeting-row[data-meeting="${live.id}"]`);
  await liveRow.waitFor({ timeout: 15000 });
  assert.equal(await liveRow.locator('.meeting-time').textContent(), `${seoul(liveStart).hm}–${seoul(liveEnd).hm}`);
  assert.equal(await liveRow.locator('.meeting-title').textContent(), '디스플레이 주간 점검 회의');
  assert.equal(await liveRow.locator('.card-meta').textContent(), '디스플레이협의체');
  assert.equal(await liveRow.locator('.live-badge').textContent(), '진행 중');
  const laterRow = page.locator(`#meetings-upcoming .meeting-row[data-meeting="${later.id}"]`);
  await laterRow.waitFor({ timeout: 15000 });
  assert.equal(await laterRow.locator('.meeting-time').textContent(), '10:30–12:00');
  assert.equal(await laterRow.locator('.meeting-day').textContent(), day3.dayKo);
  assert.equal(await laterRow.locator('.live-badge').count(), 0);
  assert.equal(await page.locator('#home-meetings .meeting-row', { hasText: '모빌리티 협의체 회의' }).count(), 0,
    'a meeting of another consortium is not shown');
  assert.equal(await page.locator('#home-meetings .empty').count(), 0);
  assert.equal(await page.locator('#home-all-meetings').getAttribute('href'), '#/meetings');
  assert.equal(await page.evaluate(() => window.notReloaded), true, 'no reload');

  // in English the same times, the date in English
  await page.locator('#lang-switch').click();
  await page.locator('#h-meet', { hasText: 'Today and upcoming meetings' }).waitFor();
  assert.equal(await page.locator(`#meetings-upcoming .meeting-row[data-meeting="${later.id}"] .meeting-time`).textContent(), '10:30–12:00');
  assert.match(await page.locator(`#meetings-upcoming .meeting-row[data-meeting="${later.id}"] .meeting-day`).textContent(),
    new RegExp(`^\\w{3} ${Number(day3.ymd.slice(8))} \\w+$`));
  await page.locator('#lang-switch').click();
  await page.locator('#h-meet', { hasText: '오늘과 다가오는 회의' }).waitFor();
  await screenshots(page, 'home', fromTop(page));

  // a cancelled meeting leaves the page live
  await coord.call('meeting.cancel', { meeting_id: later.id });
  await laterRow.waitFor({ state: 'detached', timeout: 15000 });
  assert.equal(await liveRow.count(), 1);

  // the join link opens the meeting's room (the pre-join screen)
  assert.equal(await liveRow.locator('a.join-link').getAttribute('href'), `#/room/${live.room_id}`);
  await liveRow.locator('a.join-link').click();
  await page.locator('form.prejoin').waitFor();
  assert.equal(new URL(page.url()).hash, `#/room/${live.room_id}`);
  // and the "all meetings" link leads to the meetings screen, which lists it
  await page.goBack();
  await page.locator('#home-all-meetings').click();
  await page.locator(`#meeting-list .meeting-item[data-meeting="${live.id}"]`).waitFor();
  assert.deepEqual(page.errors, []);
  await coord.close();
  await coord2.close();
  await page.context().close();
});
