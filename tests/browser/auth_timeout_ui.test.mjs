// The sign-in page and --auth-timeout (issue 10 item 5): the server closes a WebSocket that has
// not signed in (4408). The page does not show itself offline nor reconnect in a loop while
// someone takes their time over the form; submitting it opens a fresh connection and signs in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, seededDb, cleanup } from '../lib/moa.mjs';
import { launch, newPage, PASSWORD } from './ui_helpers.mjs';

let srv, db, browser;
before(async () => {
  db = seededDb();
  srv = await startServer({ db: db.path, args: ['--auth-timeout', '2'] });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await srv?.stop();
  cleanup(db.dir);
});

const metric = async (name) => {
  const text = await (await fetch(`${srv.url}/metrics`)).text();
  return Number(new RegExp(`^${name.replace(/[{}"]/g, '\\$&')} (\\d+)`, 'm').exec(text)?.[1]);
};

test('a slow sign-in: the page waits quietly after the server closes its idle connection, then signs in', async () => {
  const page = await newPage(browser, { label: 'slow-signin' });
  const opened0 = await metric('moa_ws_connections_total');
  await page.goto(`${srv.url}/`);
  await page.locator('h1', { hasText: '로그인' }).waitFor();
  await page.locator('input[name=email]').fill('member03a@moa.example');
  // Longer than --auth-timeout: the server closes the page's connection (4408) meanwhile.
  const states = [];
  for (let i = 0; i < 14; i++) {
    states.push(await page.locator('.conn').getAttribute('data-state'));
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.ok((await metric('moa_ws_closed_total{reason="auth_timeout"}')) >= 1, 'the server closed the idle connection');
  assert.equal(await metric('moa_ws_connections_total') - opened0, 1, 'the page did not reconnect while nobody needed it');
  assert.ok(!states.includes('offline') && !states.includes('reconnecting'), `states seen: ${states.join(' ')}`);
  await page.locator('input[name=password]').fill(PASSWORD);
  await page.locator('form.signin button[type=submit]').click();
  await page.locator('#my-consortia').waitFor({ timeout: 30000 });
  assert.equal(await page.locator('.conn').getAttribute('data-state'), 'open');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
