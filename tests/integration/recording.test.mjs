// Recording through the protocol (issue 17), with several signaling clients against the real
// server: a host starts recording and everyone in the room sees it at once, a late joiner sees it
// in its join result, a participant who is not a host is refused, a room whose policy forbids
// recording refuses it, stop is seen by everyone, the moderation log has the start and the stop,
// and the room emptying stops a recording. The recordings row and its spool directory are checked
// on disk (the worker's recorder and the finalizer are not part of this test).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { sharedServer } from '../lib/moa.mjs';
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
  assert.equal(after.state, 'finalizing', 'stopped: waiting for the finalizer');
  assert.ok(after.stopped_at >= st.since);
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
  assert.equal(rows(`SELECT state FROM recordings WHERE id = ${first.recording_id}`)[0].state, 'finalizing');
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
  assert.equal(rows(`SELECT state FROM recordings WHERE id = ${second.recording_id}`)[0].state, 'finalizing');
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
