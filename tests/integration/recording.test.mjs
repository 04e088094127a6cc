// Recording through the protocol (issue 17), with several signaling clients against the real
// server: a host starts recording and everyone in the room sees it at once, a late joiner sees it
// in its join result, a participant who is not a host is refused, a room whose policy forbids
// recording refuses it, stop is seen by everyone, the moderation log has the start and the stop,
// and the room emptying stops a recording. The recordings row and its spool directory are checked
// on disk (the worker's recorder and the finalizer are not part of this test).
// Watching: a finalized recording (made here as the finalizer would leave it: a WebM from Debian's
// ffmpeg in its files directory and its rows) is listed to an invitee of the meeting and played over
// HTTP with byte ranges (206, exact bytes), malformed and past-the-end ranges get 416, a signed-out
// client and another consortium's member 403, paths that try to leave the listed files 404; a host
// deletes it (files and rows gone, in the moderation log). Retention removes old finished
// recordings at start (files and rows), keeps recent and unfinished ones; /metrics counts them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Client, cleanup, seededDb, sharedServer, startServer } from '../lib/moa.mjs';
import { isEvent, expectError, loungeOf as lounge } from '../lib/rooms.mjs';

const ctx = sharedServer({ before, after });
const user = (email) => ctx.user(email);
const dbPath = () => join(ctx.dbDir, 'moa.db');

// The database as the server wrote it (WAL: the sqlite3 CLI reads committed rows).
function sql(query) {
  return execFileSync('sqlite3', ['-json', dbPath(), query], { encoding: 'utf8' }).trim();
}
function rows(query) {
  const out = sql(query);
  return out ? JSON.parse(out) : [];
}

// The server's own finalize (a job thread) of a recording stopped in these tests, where nobody
// published: it ends 'failed' ("no spool files"). Waits for it, so that what a test writes into
// the row afterwards is not overwritten.
async function finalized(id) {
  let st = 'finalizing';
  for (let i = 0; i < 300 && (st === 'finalizing' || st === 'recording'); i++) {
    await new Promise((r) => setTimeout(r, 100));
    st = rows(`SELECT state FROM recordings WHERE id = ${id}`)[0].state;
  }
  return st;
}

test('a host starts and stops recording; everyone sees it, late joiners too; the log has both', async () => {
  const host = await user('coord01@moa.example');
  const a = await user('member01a@moa.example');
  const roomId = await lounge(host);

  // Not live: nothing to record.
  await expectError(host, 'meeting.record', { room_id: roomId, action: 'start' }, 'conflict');

  const hj = await host.call('room.join', { room_id: roomId });
  assert.deepEqual(hj.recording, { room_id: roomId, recording: false, degraded: false });
  const aj = await a.call('room.join', { room_id: roomId });
  assert.equal(aj.recording.recording, false);

  // Bad parameters, and a participant who is not a host.
  await expectError(host, 'meeting.record', { room_id: roomId }, 'invalid_params');
  await expectError(host, 'meeting.record', { room_id: roomId, action: 'pause' }, 'invalid_params');
  await expectError(host, 'meeting.record', { room_id: roomId, action: 7 }, 'invalid_params');
  await expectError(a, 'meeting.record', { room_id: roomId, action: 'start' }, 'forbidden');
  await expectError(a, 'meeting.record', { action: 'start' }, 'forbidden'); // the caller's room by default
  assert.equal(rows('SELECT id FROM recordings').length, 0, 'nothing was recorded');

  // Start: the reply and the event to everyone in the room carry the same state.
  const heard = [host, a].map((c) => c.waitEvent(isEvent('room.recording', (m) => m.recording)));
  const before = Math.floor(Date.now() / 1000);
  const st = await host.call('meeting.record', { room_id: roomId, action: 'start' });
  assert.equal(st.recording, true);
  assert.equal(st.room_id, roomId);
  assert.ok(st.recording_id > 0);
  assert.equal(st.by_user_id, host.me.id);
  assert.equal(st.by_name, host.me.name);
  assert.equal(st.degraded, false);
  assert.ok(st.since >= before - 1 && st.since <= before + 5, `since ${st.since}`);
  assert.match(st.since_local, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00$/);
  for (const ev of await Promise.all(heard)) {
    const { type, ...state } = ev;
    assert.equal(type, 'room.recording');
    assert.deepEqual(state, st);
  }

  // The row and its spool directory (beside the database by default).
  const [row] = rows(`SELECT * FROM recordings WHERE id = ${st.recording_id}`);
  assert.equal(row.state, 'recording');
  assert.equal(row.room_id, roomId);
  assert.equal(row.started_by, host.me.id);
  assert.equal(row.spool_dir, join(ctx.dbDir, 'recordings', String(st.recording_id), 'spool'));
  assert.equal(row.out_dir, join(ctx.dbDir, 'recordings', String(st.recording_id), 'files'));
  assert.ok(statSync(row.spool_dir).isDirectory(), 'the spool directory was made');
  assert.ok(statSync(row.out_dir).isDirectory());

  // Starting again changes nothing (a second click): the same recording.
  const again = await host.call('meeting.record', { action: 'start' });
  assert.equal(again.recording_id, st.recording_id);
  assert.equal(rows('SELECT id FROM recordings').length, 1);

  // A late joiner sees it in its join result.
  const b = await user('member01b@moa.example');
  const bj = await b.call('room.join', { room_id: roomId });
  assert.deepEqual(bj.recording, st);

  // Stop: not by an attendee; by the host, seen by everyone.
  await expectError(b, 'meeting.record', { action: 'stop' }, 'forbidden');
  const stopped = [host, a, b].map((c) => c.waitEvent(isEvent('room.recording', (m) => !m.recording)));
  const sp = await host.call('meeting.record', { room_id: roomId, action: 'stop' });
  assert.deepEqual(sp, { room_id: roomId, recording: false, degraded: false });
  for (const ev of await Promise.all(stopped)) assert.equal(ev.room_id, roomId);
  const [after] = rows(`SELECT state, stopped_at FROM recordings WHERE id = ${st.recording_id}`);
  assert.ok(['finalizing', 'failed'].includes(after.state), `stopped: finalizing or finalized, not ${after.state}`);
  assert.ok(after.stopped_at >= st.since);
  // The finalize runs on its own thread: nobody published, so there is nothing to play, and the
  // host is told why.
  assert.equal(await finalized(st.recording_id), 'failed');
  const listed = (await host.call('meeting.recordings', { room_id: roomId })).recordings.find((x) => x.id === st.recording_id);
  assert.equal(listed.state, 'failed');
  assert.match(listed.error, /no spool files/);
  // Stopping again answers the state, nothing logged.
  assert.equal((await host.call('meeting.record', { action: 'stop' })).recording, false);
  await b.call('room.leave');
  assert.equal((await b.call('room.join', { room_id: roomId })).recording.recording, false);

  // The moderation log: start and stop, by the host, naming the recording.
  const log = await host.call('meeting.moderation_log', { room_id: roomId });
  const rec = log.entries.filter((e) => e.action.startsWith('record_')).reverse();
  assert.deepEqual(rec.map((e) => e.action), ['record_start', 'record_stop']);
  for (const e of rec) {
    assert.equal(e.actor_id, host.me.id);
    assert.equal(e.detail, `recording ${st.recording_id}`);
  }
  for (const x of [host, a, b]) await x.call('room.leave');
});

test('the room emptying stops the recording; meeting.end does too', async () => {
  const host = await user('coord01@moa.example');
  const a = await user('member01a@moa.example');
  const roomId = await lounge(host);
  await host.call('room.join', { room_id: roomId });
  await a.call('room.join', { room_id: roomId });
  const first = await host.call('meeting.record', { action: 'start' });
  await host.call('room.leave');
  assert.equal(rows(`SELECT state FROM recordings WHERE id = ${first.recording_id}`)[0].state, 'recording',
    'someone is still in the room');
  await a.call('room.leave');
  assert.ok(['finalizing', 'failed'].includes(rows(`SELECT state FROM recordings WHERE id = ${first.recording_id}`)[0].state));
  const log = await host.call('meeting.moderation_log', { room_id: roomId });
  const stop = log.entries.find((e) => e.action === 'record_stop' && e.detail.startsWith(`recording ${first.recording_id}`));
  assert.equal(stop.actor_id, 0, 'the server stopped it');
  assert.equal(stop.detail, `recording ${first.recording_id}: the room emptied`);

  // A new live room starts with no recording.
  const hj = await host.call('room.join', { room_id: roomId });
  assert.equal(hj.recording.recording, false);
  await a.call('room.join', { room_id: roomId });
  const second = await host.call('meeting.record', { action: 'start' });
  assert.ok(second.recording_id > first.recording_id);
  const ended = a.waitEvent('room.ended');
  await host.call('meeting.end', { room_id: roomId });
  await ended;
  assert.ok(['finalizing', 'failed'].includes(rows(`SELECT state FROM recordings WHERE id = ${second.recording_id}`)[0].state));
  assert.equal(await finalized(second.recording_id), 'failed', 'stopped, then finalized: nobody published');
});

test('a room whose policy forbids recording refuses it; only coordinators set the policy', async () => {
  const coord = await user('coord01@moa.example');
  const a = await user('member01a@moa.example');
  const room = await coord.call('room.create', { consortium_id: 1, name: '비공개 검토 회의' });
  assert.equal(room.recording_allowed, true, 'rooms allow recording by default');
  await expectError(a, 'room.recording_policy', { room_id: room.id, allowed: false }, 'forbidden');
  await expectError(coord, 'room.recording_policy', { room_id: room.id }, 'invalid_params');
  await expectError(coord, 'room.recording_policy', { room_id: room.id, allowed: 'no' }, 'invalid_params');
  assert.deepEqual(await coord.call('room.recording_policy', { room_id: room.id, allowed: false }),
    { room_id: room.id, recording_allowed: false });
  const { rooms } = await coord.call('room.list', { consortium_id: 1 });
  assert.equal(rooms.find((r) => r.id === room.id).recording_allowed, false);

  await coord.call('room.join', { room_id: room.id });
  const before = rows('SELECT count(*) AS n FROM recordings')[0].n;
  await expectError(coord, 'meeting.record', { action: 'start' }, 'recording_not_allowed');
  assert.equal(rows('SELECT count(*) AS n FROM recordings')[0].n, before, 'nothing was recorded');
  const log = await coord.call('meeting.moderation_log', { room_id: room.id });
  assert.equal(log.entries.filter((e) => e.action === 'record_start').length, 0);

  // Allowed again: the same host records.
  await coord.call('room.recording_policy', { room_id: room.id, allowed: true });
  const st = await coord.call('meeting.record', { action: 'start' });
  assert.equal(st.recording, true);
  await coord.call('room.leave');
  assert.equal(existsSync(join(ctx.dbDir, 'recordings', String(st.recording_id), 'spool')), true);
});

// A signed-in client that also keeps its session token (for HTTP).
async function userWithToken(email) {
  const c = await Client.connect(ctx.srv);
  const r = await c.login(email);
  c.me = r.user;
  c.token = r.token;
  ctx.clients.push(c);
  return c;
}

// GET of a raw path (not normalized, unlike fetch): {status, headers, body (Buffer)}.
function get(path, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: ctx.srv.port, path, headers }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', (e) => reject(new Error(`${path}: ${e.message}`)));
    req.end();
  });
}

// What the finalizer leaves: WebM files in out_dir, the row ready with its files.
function finalize(rec, files) {
  let total = 0;
  for (const f of files) {
    const out = join(rec.out_dir, f.name);
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=duration=2:size=160x120:rate=10',
      '-c:v', 'libvpx', '-b:v', '200k', '-f', 'webm', out]);
    f.bytes = statSync(out).size;
    total += f.bytes;
  }
  const values = files.map((f) => `(${rec.id}, '${f.name}', ${f.user_id}, 2000, ${f.bytes}, 1, 0)`).join(', ');
  sql(`BEGIN; UPDATE recordings SET state = 'ready', duration_ms = 2000, bytes = ${total} WHERE id = ${rec.id};
       INSERT INTO recording_files(recording_id, name, user_id, duration_ms, bytes, has_video, has_audio)
       VALUES ${values}; COMMIT;`);
}

test('an invitee lists and plays a recording with byte ranges; others get 403; a host deletes it', async () => {
  const host = await userWithToken('coord01@moa.example');
  const invitee = await userWithToken('member01a@moa.example');
  const outsider = await userWithToken('member02a@moa.example');
  const now = Math.floor(Date.now() / 1000);
  const iso = (t) => new Date(t * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  const m = await host.call('meeting.create', {
    consortium_id: 1, title: '공동 R&D 검토회의', starts_at: iso(now - 60), ends_at: iso(now + 3600),
    invite: [{ kind: 'user', id: invitee.me.id }],
  });
  await host.call('room.join', { room_id: m.room_id });
  const st = await host.call('meeting.record', { action: 'start' });
  await host.call('meeting.record', { action: 'stop' });
  await host.call('room.leave');
  const [rec] = rows(`SELECT * FROM recordings WHERE id = ${st.recording_id}`);
  assert.equal(rec.meeting_id, m.id);
  // Nobody published: the server's finalize finds nothing to play. What follows plays the
  // finalizer's part by hand (the row's states and a file made by ffmpeg), after it.
  assert.equal(await finalized(rec.id), 'failed');
  sql(`UPDATE recordings SET state = 'finalizing', error = '' WHERE id = ${rec.id}`);

  // Still being processed: listed as such, not deletable.
  let list = await invitee.call('meeting.recordings', { meeting_id: m.id });
  assert.equal(list.recordings.length, 1);
  assert.equal(list.recordings[0].state, 'finalizing');
  assert.deepEqual(list.recordings[0].files, []);
  await expectError(host, 'meeting.recording_delete', { recording_id: rec.id }, 'conflict');

  const hostFile = `${host.me.id}.webm`;
  finalize(rec, [{ name: hostFile, user_id: host.me.id }, { name: 'meeting.webm', user_id: 0 }]);
  writeFileSync(join(rec.out_dir, 'unlisted.webm'), 'not a listed file');
  const bytes = readFileSync(join(rec.out_dir, hostFile));

  // The invitee's list: state, Seoul time, duration, size, files with names and URLs.
  list = await invitee.call('meeting.recordings', { meeting_id: m.id });
  assert.equal(list.can_delete, false);
  assert.equal(list.room_id, m.room_id);
  const r = list.recordings[0];
  assert.equal(r.id, rec.id);
  assert.equal(r.state, 'ready');
  assert.equal(r.duration_ms, 2000);
  assert.equal(r.started_by, host.me.id);
  assert.equal(r.started_by_name, host.me.name);
  assert.match(r.started_local, /^\d{4}-\d\d-\d\d \d\d:\d\d$/);
  const seoul = new Date((rec.started_at + 9 * 3600) * 1000).toISOString();
  assert.equal(r.started_local, `${seoul.slice(0, 10)} ${seoul.slice(11, 16)}`, 'Asia/Seoul');
  assert.equal(r.files.length, 2);
  const f = r.files.find((x) => x.name === hostFile);
  assert.equal(f.user_name, host.me.name);
  assert.equal(f.bytes, bytes.length);
  assert.equal(f.url, `/recordings/${rec.id}/${hostFile}`);
  assert.equal(r.files.find((x) => x.name === 'meeting.webm').composite, true);
  assert.equal(r.bytes, r.files.reduce((a, x) => a + x.bytes, 0));
  assert.equal((await host.call('meeting.recordings', { meeting_id: m.id })).can_delete, true);
  await expectError(outsider, 'meeting.recordings', { meeting_id: m.id }, 'forbidden');
  await expectError(invitee, 'meeting.recordings', {}, 'invalid_params');
  await expectError(invitee, 'meeting.recordings', { meeting_id: m.id, room_id: m.room_id }, 'invalid_params');
  await expectError(invitee, 'meeting.recordings', { meeting_id: 99999999 }, 'not_found');

  // Playback over HTTP.
  const auth = (c) => ({ Authorization: `Bearer ${c.token}` });
  const whole = await get(f.url, auth(invitee));
  assert.equal(whole.status, 200);
  assert.equal(whole.headers['content-type'], 'video/webm');
  assert.equal(whole.headers['accept-ranges'], 'bytes');
  assert.ok(whole.body.equals(bytes), 'the whole file');
  const cookie = await get(f.url, { Cookie: `moa_session=${invitee.token}`, Range: 'bytes=0-' });
  assert.equal(cookie.status, 206, 'the app\'s cookie works too');
  assert.ok(cookie.body.equals(bytes));
  const mid = await get(f.url, { ...auth(invitee), Range: 'bytes=100-199' });
  assert.equal(mid.status, 206);
  assert.equal(mid.headers['content-range'], `bytes 100-199/${bytes.length}`);
  assert.equal(mid.headers['content-type'], 'video/webm');
  assert.ok(mid.body.equals(bytes.subarray(100, 200)), 'exactly bytes 100..199');
  const tail = await get(f.url, { ...auth(invitee), Range: 'bytes=-50' });
  assert.equal(tail.status, 206);
  assert.ok(tail.body.equals(bytes.subarray(bytes.length - 50)));
  const over = await get(f.url, { ...auth(invitee), Range: `bytes=${bytes.length - 10}-${bytes.length + 5000}` });
  assert.equal(over.status, 206);
  assert.equal(over.headers['content-range'], `bytes ${bytes.length - 10}-${bytes.length - 1}/${bytes.length}`);
  assert.ok(over.body.equals(bytes.subarray(bytes.length - 10)));
  for (const range of ['bytes=abc', 'bytes=5-1', 'bytes=0-1,5-9', 'items=0-1', `bytes=${bytes.length}-`,
    `bytes=${bytes.length + 100}-${bytes.length + 200}`, 'bytes=-0', 'bytes=' + '9'.repeat(30) + '-']) {
    const res = await get(f.url, { ...auth(invitee), Range: range });
    assert.equal(res.status, 416, range);
    assert.equal(res.headers['content-range'], `bytes */${bytes.length}`, range);
    assert.ok(!res.body.includes(bytes.subarray(0, 16)), 'no byte of the file');
  }
  const dl = await get(`${f.url}?download=1`, auth(invitee));
  assert.equal(dl.status, 200);
  assert.match(dl.headers['content-disposition'], new RegExp(`^attachment; filename="recording-${rec.id}-${hostFile}"`));

  // Refused: signed out, another consortium's member, a wrong token.
  for (const headers of [{}, auth(outsider), { Authorization: 'Bearer ' + 'x'.repeat(43) }]) {
    const res = await get(f.url, { ...headers, Range: 'bytes=0-99' });
    assert.equal(res.status, 403);
    assert.equal(JSON.parse(res.body).error.code, 'forbidden');
  }
  // Paths that try to reach anything but a listed file.
  for (const path of [`/recordings/${rec.id}/unlisted.webm`, `/recordings/${rec.id}/..%2f..%2fmoa.db`,
    `/recordings/${rec.id}/../../moa.db`, `/recordings/${rec.id}/spool`, `/recordings/${rec.id}/.`,
    `/recordings/${rec.id}/`, `/recordings/${rec.id}`, `/recordings/0${rec.id}/${hostFile}`,
    `/recordings/${rec.id + 1000}/${hostFile}`, `/recordings/${rec.id}/${hostFile}/x`,
    `/recordings/-1/${hostFile}`, `/recordings/${rec.id}/%2e%2e`]) {
    // lws itself drops a request whose path climbs out with "..": the connection closes, no answer
    const res = await get(path, auth(invitee)).catch(() => ({ status: 'closed', body: Buffer.alloc(0) }));
    assert.ok([404, 403, 'closed'].includes(res.status), `${path}: ${res.status}`);
    assert.ok(!res.body.includes(bytes.subarray(0, 16)), `${path}: no byte of a file`);
    assert.ok(!res.body.includes('SQLite format'), `${path}: not the database`);
  }

  // Delete: not by an invitee, not (not even its existence) by an outsider; by the host.
  await expectError(invitee, 'meeting.recording_delete', { recording_id: rec.id }, 'forbidden');
  await expectError(outsider, 'meeting.recording_delete', { recording_id: rec.id }, 'not_found');
  assert.deepEqual(await host.call('meeting.recording_delete', { recording_id: rec.id }),
    { recording_id: rec.id, deleted: true });
  assert.equal(existsSync(rec.out_dir), false, 'its files are gone');
  assert.equal(existsSync(rec.spool_dir), false);
  assert.equal(existsSync(join(ctx.dbDir, 'recordings', String(rec.id))), false);
  assert.equal(rows(`SELECT * FROM recording_files WHERE recording_id = ${rec.id}`).length, 0);
  assert.deepEqual((await invitee.call('meeting.recordings', { meeting_id: m.id })).recordings, []);
  assert.equal((await get(f.url, auth(invitee))).status, 404);
  await expectError(host, 'meeting.recording_delete', { recording_id: rec.id }, 'not_found');
  const log = await host.call('meeting.moderation_log', { room_id: m.room_id });
  assert.deepEqual(log.entries.map((e) => e.action).filter((a) => a.startsWith('record_')).reverse(),
    ['record_start', 'record_stop', 'record_delete']);
});

test('retention removes old finished recordings at start, files too; /metrics counts what is kept', async () => {
  const db = seededDb();
  const day = 86400, now = Math.floor(Date.now() / 1000);
  const dir = join(db.dir, 'recordings');
  const q = (query) => execFileSync('sqlite3', [db.path, query], { encoding: 'utf8' }).trim();
  const room = q("INSERT INTO rooms(consortium_id, name) VALUES (1, '보존 기간 시험'); SELECT last_insert_rowid();");
  const make = (startedAt, state, bytes) => {
    const id = q(`INSERT INTO recordings(room_id, started_at, stopped_at, state, spool_dir, out_dir, bytes)
      VALUES (${room}, ${startedAt}, ${startedAt + 60}, '${state}', '', '', ${bytes}); SELECT last_insert_rowid();`);
    const files = join(dir, id, 'files'), spool = join(dir, id, 'spool');
    mkdirSync(files, { recursive: true });
    mkdirSync(spool, { recursive: true });
    writeFileSync(join(files, '1.webm'), 'x'.repeat(bytes));
    writeFileSync(join(spool, '1-video.moarec'), 'spool');
    q(`UPDATE recordings SET spool_dir = '${spool}', out_dir = '${files}' WHERE id = ${id};
       INSERT INTO recording_files(recording_id, name, user_id, bytes) VALUES (${id}, '1.webm', 1, ${bytes});`);
    return { id: Number(id), files, spool };
  };
  const old = make(now - 40 * day, 'ready', 100);
  const oldFailed = make(now - 31 * day, 'failed', 0);
  // Left 'recording' by a crash: finalized at start (its spool is not one: failed), then kept
  // (recent).
  const unfinished = make(now - 1 * day, 'recording', 0);
  const recent = make(now - 10 * day, 'ready', 250);
  const srv = await startServer({ db: db.path, args: ['--recording-retention-days', '30'] });
  try {
    const ids = () => q('SELECT group_concat(id) FROM (SELECT id FROM recordings ORDER BY id)');
    const want = [recent.id, unfinished.id].sort((x, y) => x - y).join(',');
    for (let i = 0; i < 50 && ids() !== want; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(ids(), want, 'the old finished ones are gone');
    assert.equal(await finalized(unfinished.id), 'failed', 'the crashed one finalized at start');
    for (const r of [old, oldFailed]) {
      assert.equal(existsSync(r.files), false, 'with their files');
      assert.equal(existsSync(join(dir, String(r.id))), false);
    }
    assert.equal(existsSync(join(recent.files, '1.webm')), true);
    assert.equal(existsSync(join(unfinished.spool, '1-video.moarec')), true, 'a finalize keeps the spool');
    assert.equal(q(`SELECT count(*) FROM recording_files WHERE recording_id IN (${old.id}, ${oldFailed.id})`), '0');

    const metrics = await (await fetch(`${srv.url}/metrics`)).text();
    assert.match(metrics, /^moa_recording_disk_bytes 250$/m);
    assert.match(metrics, /^moa_recordings\{state="ready"\} 1$/m);
    assert.match(metrics, /^moa_recordings\{state="recording"\} 0$/m);
    assert.match(metrics, /^moa_recordings\{state="failed"\} 1$/m);
  } finally {
    await srv.stop();
    cleanup(db.dir);
  }
});

test('every answer keeps the security headers, with a policy that lets the app play recordings', async () => {
  for (const path of ['/', '/recordings/1/x.webm', '/healthz']) {
    const res = await fetch(`${ctx.srv.url}${path}`);
    const csps = res.headers.get('content-security-policy') ?? '';
    assert.match(csps, /default-src 'none'/, path);
    assert.match(csps, /script-src 'self'/, path);
    assert.match(csps, /frame-ancestors 'none'/, path);
    assert.doesNotMatch(csps, /unsafe-inline|unsafe-eval/, path);
    // every policy sent must allow the same-origin <video> (a browser enforces each of them)
    for (const policy of csps.split(/,\s*(?=default-src)/)) assert.match(policy, /media-src 'self'/, `${path}: ${policy}`);
    assert.match(res.headers.get('x-frame-options') ?? '', /^deny(, deny)?$/i, path);
    assert.match(res.headers.get('x-content-type-options') ?? '', /nosniff/, path);
    assert.match(res.headers.get('referrer-policy') ?? '', /^no-referrer(, no-referrer)?$/, path);
    assert.equal(res.headers.get('strict-transport-security'), null, 'no HSTS over plain HTTP');
  }
});
