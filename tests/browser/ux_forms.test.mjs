// Forms and pages as a new user meets them, through real Chromium and the real server (issue 15):
// a coordinator schedules two meetings in a row without a reload (the form's defaults come back
// after a reset) and reads the server's exact reason next to the field it names; the schedule
// form shows no agenda header until there is a row and keeps the 대기실 checkbox by its label;
// on a phone the consortium's channel comes before the long organization list; the page is not
// outlined by a focus ring after a keyboard navigation; suggested partners say truthfully where
// each matched term came from (the organization's searches or its own keywords).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, seededDb, cleanup } from '../lib/moa.mjs';
import { launch, newPage, signIn, screenshots, until } from './ui_helpers.mjs';

let srv, db, browser;
before(async () => {
  db = seededDb();
  srv = await startServer({ db: db.path });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await srv?.stop();
  cleanup(db?.dir);
});

let coord, day;
const schedule = async (title, from, to) => {
  await coord.locator('#meeting-title').fill(title);
  await coord.locator('#meeting-start').fill(`${day}T${from}`);
  await coord.locator('#meeting-end').fill(`${day}T${to}`);
  await coord.locator('form.meeting-create button[type=submit]').click();
};
async function scheduleScreen() {
  if (coord) return;
  coord = await newPage(browser, { label: 'coord' });
  await signIn(coord, srv.url, 'coord15@moa.example', { hash: '#/meetings' });
  await coord.goto(`${srv.url}/#/meetings`);
  await coord.locator('#meeting-title').waitFor();
  day = new Date(Date.now() + 9 * 3600e3 + 3 * 86400e3).toISOString().slice(0, 10);
}

test('the schedule form: no agenda header alone; the 대기실 checkbox beside its label', async () => {
  await scheduleScreen();
  assert.equal(await coord.locator('table.agenda-form').isHidden(), true, 'no empty agenda header');
  const box = await coord.locator('#meeting-lobby').boundingBox();
  const label = await coord.locator('label[for=meeting-lobby]').boundingBox();
  assert.ok(label.x >= box.x + box.width && label.x - (box.x + box.width) < 16, `label right beside the box: ${JSON.stringify({ box, label })}`);
  assert.ok(Math.abs((label.y + label.height / 2) - (box.y + box.height / 2)) < 6, 'on one line');
  await coord.locator('button', { hasText: '순서 추가' }).click();
  assert.equal(await coord.locator('table.agenda-form').isVisible(), true, 'the header with its first row');
  await coord.goto(`${srv.url}/#/home`);
  await coord.goto(`${srv.url}/#/meetings`);
  await coord.locator('#meeting-title').waitFor();
});

test('a coordinator schedules two meetings in a row without a reload (the defaults come back)', async () => {
  await scheduleScreen();
  await coord.locator('button', { hasText: '순서 추가' }).click();
  await coord.locator('.seg-start').fill('10:00');
  await coord.locator('.seg-minutes').fill('20');
  await coord.locator('.seg-item').fill('안건 1');
  await schedule('첫째 회의', '10:00', '11:00');
  await coord.locator('.meeting-item', { hasText: '첫째 회의' }).waitFor();
  // the form is empty again, with its defaults back
  assert.equal(await coord.locator('#meeting-title').inputValue(), '');
  assert.equal(await coord.locator('#meeting-capacity').inputValue(), '100');
  assert.equal(await coord.locator('#meeting-count').inputValue(), '4');
  assert.equal(await coord.locator('#agenda-rows tr').count(), 0);
  // a second one at once: no reload
  await schedule('둘째 회의', '13:00', '14:00');
  await coord.locator('.meeting-item', { hasText: '둘째 회의' }).waitFor();
  assert.equal(await coord.locator('form.meeting-create .form-error').textContent(), '');
});

test('the server\'s exact reason shows next to the field it names', async () => {
  await scheduleScreen();
  await schedule('셋째 회의', '15:00', '14:00');
  const endField = coord.locator('#meeting-end').locator('xpath=..');
  await endField.locator('.field-error', { hasText: 'the meeting must end after it starts' }).waitFor();
  assert.equal(await coord.locator('#meeting-end').getAttribute('aria-invalid'), 'true');
  assert.equal(await coord.evaluate(() => document.activeElement?.id), 'meeting-end');
  assert.equal(await coord.locator('.field-error').count(), 1);
  // an agenda row the server refuses: the reason by that row
  await coord.locator('#meeting-end').fill(`${day}T16:00`);
  await coord.locator('button', { hasText: '순서 추가' }).click();
  await coord.locator('.seg-start').fill('17:00');
  await coord.locator('.seg-minutes').fill('30');
  await coord.locator('.seg-item').fill('늦은 안건');
  await coord.locator('form.meeting-create button[type=submit]').click();
  await coord.locator('#agenda-rows tr .field-error', { hasText: /agenda\[0\]/ }).waitFor();
  assert.equal(await coord.locator('#meeting-end').getAttribute('aria-invalid'), null, 'the earlier mark is cleared');
  assert.equal(await coord.locator('.meeting-item', { hasText: '셋째 회의' }).count(), 0);
  await coord.locator('.seg-start').fill('15:00');
  await coord.locator('form.meeting-create button[type=submit]').click();
  await coord.locator('.meeting-item', { hasText: '셋째 회의' }).waitFor();
  assert.equal(await coord.locator('.field-error').count(), 0);
  assert.deepEqual(coord.errors, []);
});

test('a phone shows the consortium channel before the organization list', async () => {
  const page = await newPage(browser, { label: 'member', width: 390, height: 844 });
  await signIn(page, srv.url, 'member01a@moa.example');
  await page.goto(`${srv.url}/#/consortium/1`);
  const channel = page.locator('section.channel');
  await channel.locator('.chat').waitFor();
  const orgs = page.locator('section[aria-labelledby=h-orgs]');
  await orgs.waitFor();
  const [ch, org] = [await channel.boundingBox(), await orgs.boundingBox()];
  assert.ok(ch.y < org.y, `channel (y=${ch.y}) above the organizations (y=${org.y})`);
  await screenshots(page, 'consortium-phone', { prepare: () => page.evaluate(() => window.scrollTo(0, 0)) });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('no focus ring around the whole page after a keyboard navigation', async () => {
  const page = await newPage(browser, { label: 'member' });
  await signIn(page, srv.url, 'member01a@moa.example');
  // keyboard navigation: focus moves to <main> for screen readers, but no ring outlines the page
  await page.locator('header a[href="#/partners"]').first().focus();
  await page.keyboard.press('Enter');
  await until(() => page.evaluate(() => location.hash === '#/partners' && document.activeElement?.id === 'main'), 'main focused after navigating');
  const ring = await page.evaluate(() => { const s = getComputedStyle(document.getElementById('main')); return { shadow: s.boxShadow, outline: s.outlineStyle }; });
  assert.deepEqual(ring, { shadow: 'none', outline: 'none' });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('suggested partners say where each matched term came from', async () => {
  const page = await newPage(browser, { label: 'member' });
  await signIn(page, srv.url, 'member01a@moa.example');
  // a colleague's search of the organization (not this person's) and the org's own keywords
  const searched = '편광필름';
  await page.evaluate((q) => window.moa.rpc.request('partner.search', { query: q }), searched);
  await page.goto(`${srv.url}/#/partners`);
  await page.locator('#suggestions .reason').first().waitFor();
  const reasons = await page.locator('#suggestions .reason').allTextContents();
  for (const r of reasons) {
    assert.ok(!r.includes('검색하신'), `"you searched" is not what happened: ${r}`);
    const m = /제공: (.*?) \(우리 기관이 검색한 항목\)/.exec(r);
    if (m) for (const term of m[1].split(', ')) assert.ok(searched.includes(term), `"${term}" was never searched: ${r}`);
  }
  assert.ok(reasons.some((r) => r.includes('(우리 기관 키워드와 일치)')), `own keywords named as such: ${reasons.join(' | ')}`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
