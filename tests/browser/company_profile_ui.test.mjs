// The company profile for support-programme matching in the app (issue 14, item 3), through real
// Chromium and the real server: a member opens their organization's page in the Korean UI, finds
// "기업 정보 (지원사업 매칭용)" with its five groups and each attribute's date and source, enters a
// revenue with its as-of date and finds it saved after a reload (source 직접 입력); a negative
// headcount and a founding date in the future get the server's exact message next to the field,
// and nothing of that group is saved; a certification held shows and saves its validity window; another organization's page has no such section; the
// section reads in English after the language switch. Screenshots at 1280x800 (and 390x844).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, seededDb, cleanup, signedIn } from '../lib/moa.mjs';
import { launch, newPage, signIn, screenshots, SCREENSHOTS, until } from './ui_helpers.mjs';

let srv, db, browser, page, orgId;
before(async () => {
  db = seededDb();
  srv = await startServer({ db: db.path });
  browser = await launch();
  page = await newPage(browser, { label: 'member' });
  await signIn(page, srv.url, 'member01a@moa.example');
  const c = await signedIn(srv, 'member01a@moa.example');
  orgId = c.me.organization.id;
  await c.close();
});
after(async () => {
  await browser?.close();
  await srv?.stop();
  cleanup(db?.dir);
});

const scale = () => page.locator('form.cp-group[data-group=scale]');
const basic = () => page.locator('form.cp-group[data-group=basic]');

async function openOwnOrg() {
  await page.goto(`${srv.url}/#/org/${orgId}`);
  await page.locator('#company-profile').waitFor();
}

test('the member\'s organization page has the company profile, grouped, in Korean', async () => {
  await openOwnOrg();
  assert.equal(await page.locator('#h-cp').textContent(), '기업 정보 (지원사업 매칭용)');
  const legends = await page.locator('#company-profile legend').allTextContents();
  assert.deepEqual(legends, ['기본 정보', '규모', '업종·지역', '인증', '대표자·기타']);
  assert.equal(await page.locator('#company-profile .cp-row').count(), 34);
  assert.equal(await page.locator('label[for=cp-revenue]').textContent(), '매출액 (최근 연도)');
  // The demo data left some attributes blank and others imported or entered, each with a date.
  assert.ok(await page.locator('.cp-meta .cp-blank').count() >= 1, 'some blanks');
  assert.ok(await page.locator('.cp-meta[data-source=imported]').count() >= 1, 'some imported values');
  const founded = await page.locator('#cp-founded-asof').inputValue();
  assert.match(founded, /^\d{4}-\d{2}-\d{2}$/);
});

test('a revenue entered with its date is saved, and still there after a reload', async () => {
  await openOwnOrg();
  await page.locator('#cp-revenue').fill('5200000000');
  await page.locator('#cp-revenue-asof').fill('2025-12-31');
  await scale().locator('button[type=submit]').click();
  await until(async () => (await scale().locator('.form-status').textContent()) === '저장했습니다.', 'saved');
  await page.reload();
  await page.locator('#company-profile').waitFor();
  assert.equal(await page.locator('#cp-revenue').inputValue(), '5200000000');
  assert.equal(await page.locator('#cp-revenue-asof').inputValue(), '2025-12-31');
  const meta = await page.locator('#cp-revenue-meta').textContent();
  assert.match(meta, /5,200,000,000/);
  assert.match(meta, /직접 입력/);
});

test('a certification held: its validity window appears, and is saved with it', async () => {
  await openOwnOrg();
  const cert = page.locator('form.cp-group[data-group=cert]');
  await page.locator('#cp-venture').selectOption('0');
  assert.equal(await page.locator('#cp-venture-from').isVisible(), false, 'no window while not held');
  await page.locator('#cp-venture').selectOption('1');
  await page.locator('#cp-venture-from').fill('2025-03-01');
  await page.locator('#cp-venture-to').fill('2028-02-29');
  await cert.locator('button[type=submit]').click();
  await until(async () => (await cert.locator('.form-status').textContent()) === '저장했습니다.', 'saved');
  await page.locator('.cp-row[data-key=venture]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SCREENSHOTS, 'company-profile-cert-1280x800.png') });
  await page.reload();
  await page.locator('#company-profile').waitFor();
  assert.equal(await page.locator('#cp-venture').inputValue(), '1');
  assert.equal(await page.locator('#cp-venture-from').inputValue(), '2025-03-01');
  assert.equal(await page.locator('#cp-venture-to').inputValue(), '2028-02-29');
  assert.match(await page.locator('#cp-venture-meta').textContent(), /직접 입력/);
});

test('bad values: the server\'s message next to the field, nothing of the group saved', async () => {
  await openOwnOrg();
  const before = await page.locator('#cp-patents').inputValue();
  await page.locator('#cp-patents').fill(String(Number(before || 0) + 5));
  await page.locator('#cp-employees').fill('-3');
  await scale().locator('button[type=submit]').click();
  const err = page.locator('#cp-employees-error');
  await until(async () => (await err.textContent()) === 'employees: cannot be negative', 'the message next to employees');
  assert.equal(await page.locator('#cp-employees').getAttribute('aria-invalid'), 'true');
  assert.equal(await scale().locator('.form-status').textContent(), '표시된 항목을 확인해 주세요.');
  // The error sits by its field: below its input, within its row.
  const row = await page.locator('.cp-row[data-key=employees]').boundingBox();
  const box = await err.boundingBox();
  assert.ok(box.y >= row.y && box.y + box.height <= row.y + row.height + 1, JSON.stringify({ row, box }));
  await page.locator('#cp-founded').fill('2999-01-01');
  await basic().locator('button[type=submit]').click();
  await until(async () => (await page.locator('#cp-founded-error').textContent()) === 'founded: 2999-01-01 is in the future', 'founded in the future');
  await page.locator('#cp-employees-error').scrollIntoViewIfNeeded();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: join(SCREENSHOTS, 'company-profile-error-1280x800.png') });
  const shots = await screenshots(page, 'company-profile');
  assert.equal(shots.length, 2);
  await page.setViewportSize({ width: 390, height: 844 });
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= 390), true, 'no sideways scrolling on a phone');
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.reload();
  await page.locator('#company-profile').waitFor();
  assert.equal(await page.locator('#cp-patents').inputValue(), before, 'the good change beside the bad one was not saved');
  assert.notEqual(await page.locator('#cp-employees').inputValue(), '-3');
  assert.deepEqual(page.errors, []);
});

test('another organization\'s page has no company profile; English after the switch', async () => {
  await page.goto(`${srv.url}/#/org/${orgId + 1}`);
  await page.locator('#org-name').waitFor();
  await page.waitForTimeout(500);
  assert.equal(await page.locator('#company-profile').count(), 0);
  await openOwnOrg();
  await page.locator('#lang-switch').click();
  await until(async () => (await page.locator('#h-cp').textContent()) === 'Company information (for support-programme matching)', 'English heading');
  assert.equal(await page.locator('#company-profile legend').first().textContent(), 'Basics');
  assert.equal(await page.locator('label[for=cp-revenue]').textContent(), 'Revenue (latest year)');
  await page.locator('#lang-switch').click();
});
