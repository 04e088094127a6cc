// The browser app through real Chromium and the real server: sign-in, home, the language switch
// and its memory, the session surviving a reload, an expired session returning to sign-in and
// then to the page wanted, the consortium page, and screenshots of home and consortium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, seededDb, cleanup } from '../lib/moa.mjs';
import { launch, newPage, signIn, screenshots } from './ui_helpers.mjs';

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
  await screenshots(page, 'home');
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
  await page.reload();
  await page.locator('#my-consortia').waitFor(); // still signed in: no sign-in screen
  assert.equal(await page.locator('#h-cons').textContent(), 'My consortia');
  assert.match(await page.locator('h1').first().textContent(), /^Hello, /);
  assert.equal(await page.locator('#lang-switch').textContent(), '한국어');
  // and back to Korean
  await page.locator('#lang-switch').click();
  await page.locator('#h-cons', { hasText: '내 협의체' }).waitFor();
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
  await screenshots(page, 'consortium');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
