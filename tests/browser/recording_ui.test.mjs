// Recording in the app through real Chromium and the real server: an invitee in the meeting sees
// "녹화 중" as soon as the host starts recording and no more once stopped; joining while it records
// shows it at once; then, the recording finalized (a WebM from Debian's ffmpeg and its rows, as
// the finalizer leaves them), the invitee opens the meeting's recordings on the meetings screen,
// plays the file in the page's <video> and seeks into it (range requests), sees its state, Seoul
// time, duration and size, and has no delete button; a member of another consortium gets 403 for
// the file's URL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { newPage, screenshots, signIn, serverAndBrowser, until } from './ui_helpers.mjs';

const S = serverAndBrowser();
const iso = (t) => new Date(t * 1000).toISOString().replace(/\.\d+Z$/, 'Z');

async function enterRoom(page, roomId) {
  await page.evaluate((id) => { location.hash = `#/room/${id}`; }, roomId);
  await page.locator('form.prejoin').waitFor();
  await page.locator('#join-button').click();
  await page.locator('#meeting').waitFor();
}

test('everyone sees 녹화 중, late joiners too; an invitee plays a recording and seeks into it', async () => {
  const host = await S.user('coord01@moa.example');
  const invitee = await S.user('member01a@moa.example');
  const now = Math.floor(Date.now() / 1000);
  const m = await host.call('meeting.create', {
    consortium_id: 1, title: '녹화 시험 세미나', starts_at: iso(now - 60), ends_at: iso(now + 3600),
    invite: [{ kind: 'user', id: invitee.me.id }],
  });
  await invitee.close();
  await host.call('room.join', { room_id: m.room_id });

  const page = await newPage(S.browser, { label: 'member01a', media: true });
  await signIn(page, S.srv.url, 'member01a@moa.example');
  await enterRoom(page, m.room_id);
  const badge = page.locator('#rec-badge');
  assert.equal(await badge.isVisible(), false, 'not recorded yet');
  assert.equal(await page.locator('#ctl-record').count(), 0, 'an attendee has no record button');
  const st = await host.call('meeting.record', { action: 'start' });
  await badge.waitFor({ state: 'visible' });
  assert.equal((await badge.textContent()).trim(), '녹화 중');
  await host.call('meeting.record', { action: 'stop' });
  await badge.waitFor({ state: 'hidden' });
  const again = await host.call('meeting.record', { action: 'start' });
  // a late joiner (a reload joins anew) sees it from the join result
  await page.reload();
  await page.locator('form.prejoin').waitFor();
  await page.locator('#join-button').click();
  await page.locator('#meeting').waitFor();
  await badge.waitFor({ state: 'visible' });
  await screenshots(page, 'meeting-recording-badge-ko');
  await page.locator('#lang-switch').click();
  await until(async () => (await badge.textContent()).trim() === 'Recording', 'the badge in English');
  await page.locator('#lang-switch').click();
  await host.call('meeting.record', { action: 'stop' });
  await host.call('room.leave');

  // Finalized as the finalizer would leave it: the file and the rows, written by hand so the
  // test knows the file (a 4 s testsrc). The server's own finalize of both recordings (a job
  // thread, on what the attendee's camera sent) runs first; wait for it, so that it does not
  // overwrite what follows.
  const q = (sql) => execFileSync('sqlite3', [S.db.path, sql], { encoding: 'utf8' }).trim();
  await until(() => q(`SELECT count(*) FROM recordings WHERE id IN (${st.recording_id}, ${again.recording_id})
    AND state IN ('recording', 'finalizing')`) === '0', 'the server finalized both recordings', 30000);
  const outDir = q(`SELECT out_dir FROM recordings WHERE id = ${st.recording_id}`);
  const name = `${host.me.id}.webm`, file = join(outDir, name);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=duration=4:size=320x240:rate=15',
    '-c:v', 'libvpx', '-b:v', '300k', '-g', '15', '-f', 'webm', file]);
  const bytes = statSync(file).size;
  q(`UPDATE recordings SET state = 'ready', duration_ms = 4000, bytes = ${bytes} WHERE id = ${st.recording_id};
     INSERT INTO recording_files(recording_id, name, user_id, duration_ms, bytes, has_video) VALUES
     (${st.recording_id}, '${name}', ${host.me.id}, 4000, ${bytes}, 1);
     UPDATE recordings SET state = 'failed', error = 'no key frame' WHERE id = ${again.recording_id};`);

  await page.evaluate(() => { location.hash = '#/meetings'; });
  const item = page.locator(`#meeting-list .meeting-item[data-meeting="${m.id}"]`);
  await item.waitFor();
  await item.locator('.rec-show').click();
  const rec = item.locator(`.recording-item[data-recording="${st.recording_id}"]`);
  await rec.waitFor();
  assert.match(await rec.textContent(), /재생 가능/);
  assert.match(await rec.textContent(), /0:04/);
  const seoulMinute = new Date((now + 9 * 3600) * 1000).toISOString().slice(0, 10);
  assert.match(await rec.textContent(), new RegExp(seoulMinute), 'the Seoul date');
  assert.match(await item.locator(`.recording-item[data-recording="${again.recording_id}"]`).textContent(), /실패/);
  await screenshots(page, 'meeting-recordings-ko');
  assert.equal(await item.locator('.rec-delete').count(), 0, 'an invitee does not delete');
  assert.equal(await rec.locator('.rec-download').getAttribute('href'), `/recordings/${st.recording_id}/${name}?download=1`);

  // Play and seek: the browser asks for ranges and the player lands where it was sent.
  const video = rec.locator('video.rec-video');
  const played = await video.evaluate(async (v) => {
    const once = (type) => new Promise((resolve, reject) => {
      v.addEventListener(type, resolve, { once: true });
      v.addEventListener('error', () => reject(new Error(`video error ${v.error?.code}`)), { once: true });
    });
    if (v.readyState < 1) await once('loadedmetadata');
    v.muted = true;
    await v.play();
    const seeked = once('seeked');
    v.currentTime = 3;
    await seeked;
    return { duration: v.duration, time: v.currentTime, ready: v.readyState, width: v.videoWidth };
  });
  assert.ok(Math.abs(played.duration - 4) < 0.5, `duration ${played.duration}`);
  assert.ok(played.time >= 2.9, `seeked to ${played.time}`);
  assert.ok(played.ready >= 2, 'a frame at the new position');
  assert.equal(played.width, 320);
  assert.deepEqual(page.errors, []);
  await page.context().close();

  // Another consortium's member: the file's URL is refused.
  const other = await newPage(S.browser, { label: 'member02a' });
  await signIn(other, S.srv.url, 'member02a@moa.example');
  const status = await other.evaluate((url) => fetch(url).then((r) => r.status), `/recordings/${st.recording_id}/${name}`);
  assert.equal(status, 403);
  await other.context().close();
});
