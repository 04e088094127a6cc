// Attendance on the meetings screen (#/meetings) through real Chromium and the real server: the
// host of a meeting under way sees who is in ("참석 중"); a meeting that has just ended moves to
// the past meetings, where its host reads who joined and left when (Seoul time) and downloads
// the CSV (made in the page from meeting.attendance: no token in a URL); an attendee sees the
// past meeting but no attendance; in English too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { newPage, signIn, serverAndBrowser } from './ui_helpers.mjs';

const S = serverAndBrowser();

const seoul = (t) => `${new Date((t + 9 * 3600) * 1000).toISOString().slice(0, 19)}+09:00`;
const now = () => Math.floor(Date.now() / 1000);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('hosts read attendance of a meeting under way and of a past one, and download it', async () => {
  const coord = await S.user('coord01@moa.example');
  const member = await S.user('member01b@moa.example');
  const t0 = now();
  const running = await coord.call('meeting.create', { consortium_id: 1, title: '진행 중인 점검 회의', starts_at: seoul(t0 - 600), ends_at: seoul(t0 + 3000) });
  const ending = await coord.call('meeting.create', { consortium_id: 1, title: '방금 끝난 회의', starts_at: seoul(t0 - 600), ends_at: seoul(t0 + 3) });
  await member.call('room.join', { room_id: ending.room_id });
  await member.call('room.leave', { room_id: ending.room_id });
  await member.call('room.join', { room_id: running.room_id });
  await sleep(4000); // the second meeting is over

  const page = await newPage(S.browser, { label: 'coord01' });
  await signIn(page, S.srv.url, 'coord01@moa.example', { hash: '#/meetings' });
  const item = page.locator(`#meeting-list .meeting-item[data-meeting="${running.id}"]`);
  await item.waitFor();
  assert.equal(await page.locator(`#meeting-list .meeting-item[data-meeting="${ending.id}"]`).count(), 0, 'an ended meeting is not upcoming');
  await item.locator('.att-show').click();
  const row = item.locator('.att-table tbody tr');
  await row.first().waitFor();
  assert.deepEqual((await row.first().locator('td').allTextContents()).slice(0, 2), ['장정희', '참석자']);
  assert.equal(await row.first().locator('td').nth(3).textContent(), '참석 중');
  assert.match(await item.locator('.att-summary').textContent(), /1명 참석/);

  // the past meetings, on demand
  await page.locator('#show-past').click();
  const past = page.locator(`#past-meetings .meeting-item[data-meeting="${ending.id}"]`);
  await past.waitFor();
  assert.equal(await page.locator('#past-meetings .meeting-item').first().getAttribute('data-meeting'), String(ending.id), 'the most recently ended first');
  await past.locator('.att-show').click();
  const cells = past.locator('.att-table tbody tr').first().locator('td');
  await cells.first().waitFor();
  const [name, role, joined, left] = await cells.allTextContents();
  assert.deepEqual([name, role], ['장정희', '참석자']);
  assert.match(joined, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
  assert.match(left, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
  // Seoul time: the join minute is the one this test saw, shifted by +9 h
  const seoulMinute = (t) => seoul(t).slice(0, 16).replace('T', ' ');
  assert.ok([seoulMinute(t0), seoulMinute(t0 + 60)].includes(joined), `${joined} vs ${seoulMinute(t0)}`);
  const [download] = await Promise.all([page.waitForEvent('download'), past.locator('.att-csv').click()]);
  assert.equal(download.suggestedFilename(), `attendance-${ending.id}.csv`);
  const csv = readFileSync(await download.path(), 'utf8');
  assert.ok(csv.startsWith('\uFEFF'), 'a BOM for spreadsheets');
  const lines = csv.slice(1).trim().split('\r\n');
  assert.equal(lines[0], 'name,role,user_id,joined (Asia/Seoul),left (Asia/Seoul),minutes');
  assert.equal(lines.length, 2);
  assert.match(lines[1], /^장정희,attendee,\d+,/);

  // in English
  await page.locator('#lang-switch').click();
  await page.locator('h2', { hasText: 'Past meetings' }).waitFor();
  await page.context().close();

  // an attendee: the past meeting, no attendance
  const mp = await newPage(S.browser, { label: 'member01b' });
  await signIn(mp, S.srv.url, 'member01b@moa.example', { hash: '#/meetings' });
  await mp.locator(`#meeting-list .meeting-item[data-meeting="${running.id}"]`).waitFor();
  assert.equal(await mp.locator('#meeting-list .att-show').count(), 0);
  await mp.locator('#show-past').click();
  await mp.locator(`#past-meetings .meeting-item[data-meeting="${ending.id}"]`).waitFor();
  assert.equal(await mp.locator('#past-meetings .att-show').count(), 0);
  assert.deepEqual(mp.errors, []);
  assert.deepEqual(page.errors, []);
  await mp.context().close();
});
