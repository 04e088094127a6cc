// The admins' activity screen (#/activity) through real Chromium and the real server: the
// coordinator of consortium 1 holds a meeting (two people join its room, one of them twice) and
// members write in the channel, over the protocol; the admin opens the screen from the top bar
// and finds consortium 1's meetings scheduled and held, attendees and messages, totals that add
// up, sorting, a CSV download with the same numbers (made in the page, no token in a URL), a
// period with no activity, an impossible period refused, the English switch; a member who opens
// the address is told the page is for admins, and has no link to it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { newPage, signIn, screenshots, serverAndBrowser } from './ui_helpers.mjs';

const S = serverAndBrowser();

const iso = (t) => new Date(t * 1000).toISOString().replace(/\.\d+Z$/, 'Z');

test('an admin sees each consortium\'s meetings, attendance and messages, sorts them and downloads them', async () => {
  // Activity of consortium 1: a meeting under way that two people join (one twice), four messages.
  const host = await S.user('coord01@moa.example');
  const a = await S.user('member01a@moa.example');
  const now = Math.floor(Date.now() / 1000);
  const m = await host.call('meeting.create', { consortium_id: 1, title: '활동 집계 점검', starts_at: iso(now - 300), ends_at: iso(now + 3300) });
  await host.call('room.join', { room_id: m.room_id });
  await a.call('room.join', { room_id: m.room_id });
  await a.call('room.leave', { room_id: m.room_id });
  await a.call('room.join', { room_id: m.room_id });
  const channel = (await a.call('chat.conversations')).conversations.find((c) => c.consortium_id === 1).id;
  for (const [who, body] of [[a, '첫 번째'], [host, '두 번째'], [a, '세 번째'], [host, '네 번째']]) {
    await who.call('chat.send', { conversation_id: channel, body });
  }
  const want = (await (await S.user('admin@moa.example')).call('admin.activity', {})).consortia.find((c) => c.consortium_id === 1);
  assert.ok(want.meetings_held >= 1 && want.attendees === 2 && want.messages >= 4, JSON.stringify(want));

  const page = await newPage(S.browser, { label: 'admin' });
  await signIn(page, S.srv.url, 'admin@moa.example');
  await page.locator('nav a.nav-link[href="#/activity"]').click();
  await page.locator('#activity-table tbody tr').first().waitFor();
  assert.equal(await page.locator('h1').textContent(), '활동 현황');
  assert.match(await page.locator('#activity-period').textContent(), /\d{4}-\d{2}-\d{2} ~ \d{4}-\d{2}-\d{2} \(서울 기준\)/);
  const rowCount = await page.locator('#activity-table tbody tr').count();
  assert.ok(rowCount >= 25, `${rowCount} consortia`);
  const row = page.locator('#activity-table tbody tr[data-consortium="1"]');
  assert.equal(await row.locator('th').textContent(), '디스플레이협의체');
  const cell = async (r, col) => Number((await r.locator(`td[data-col="${col}"]`).textContent()).replace(/,/g, ''));
  assert.equal(await cell(row, 'meetings_held'), want.meetings_held);
  assert.equal(await cell(row, 'attendees'), 2);
  assert.equal(await cell(row, 'messages'), want.messages);
  assert.equal(await cell(row, 'meetings_scheduled'), want.meetings_scheduled);
  // sorted by meetings held, most first: consortium 1 (the only one with a meeting held) leads
  assert.equal(await page.locator('#activity-table tbody tr').first().getAttribute('data-consortium'), '1');
  // the totals add up the rows
  const total = page.locator('#activity-total');
  let sum = 0;
  for (const v of await page.locator('#activity-table tbody td[data-col="messages"]').allTextContents()) sum += Number(v.replace(/,/g, ''));
  assert.equal(await cell(total, 'messages'), sum);
  // sorting by name, then back
  await page.locator('#activity-table thead button[data-key="name"]').click();
  assert.equal(await page.locator('#activity-table thead th').first().getAttribute('aria-sort'), 'ascending');
  const names = await page.locator('#activity-table tbody th').allTextContents();
  assert.deepEqual(names, [...names].sort((x, y) => x.localeCompare(y, 'ko')));
  await screenshots(page, 'activity');

  // the CSV download carries the same numbers
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#activity-csv').click()]);
  assert.match(download.suggestedFilename(), /^moa-activity-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '').trim().split(/\r\n/);
  assert.equal(csv[0], '협의체,예정 회의,개최 회의,참석자,참석 시간(분),메시지');
  assert.equal(csv.length, rowCount + 1);
  const line = csv.find((l) => l.startsWith('디스플레이협의체,'));
  assert.deepEqual(line.split(',').slice(2, 4).map(Number), [want.meetings_held, 2]);
  assert.equal(Number(line.split(',')[5]), want.messages);

  // a period long before: nothing held; an impossible period is refused without a request
  await page.locator('#activity-from').fill('2025-01-01');
  await page.locator('#activity-to').fill('2025-01-31');
  await page.locator('.activity-form button[type=submit]').click();
  await page.locator('#activity-period', { hasText: '2025-01-01 ~ 2025-01-31' }).waitFor();
  assert.equal(await cell(page.locator('#activity-total'), 'meetings_held'), 0);
  assert.equal(await cell(page.locator('#activity-total'), 'messages'), 0);
  await page.locator('#activity-from').fill('2025-02-01');
  await page.locator('.activity-form button[type=submit]').click();
  await page.locator('.activity .status', { hasText: '시작일이 종료일보다 늦을 수 없습니다' }).waitFor();

  // English
  await page.locator('#lang-switch').click();
  await page.locator('h1', { hasText: 'Activity' }).waitFor();
  assert.equal(await page.locator('#activity-table thead button[data-key="meetings_held"]').textContent(), 'Meetings held');
  assert.equal(await page.locator('#activity-table tbody tr[data-consortium="1"] th').textContent(), 'Display Consortium');
  await page.locator('#lang-switch').click();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a member has no link to the activity screen and is told it is for admins', async () => {
  const page = await newPage(S.browser, { label: 'member' });
  await signIn(page, S.srv.url, 'member01a@moa.example', { hash: '#/activity' });
  await page.locator('#activity-forbidden').waitFor();
  assert.equal(await page.locator('#activity-forbidden').textContent(), '관리자만 볼 수 있는 화면입니다.');
  assert.equal(await page.locator('#activity-table').count(), 0);
  assert.equal(await page.locator('nav a.nav-link[href="#/activity"]').count(), 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
