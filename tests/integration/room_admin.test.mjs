// What a consortium's coordinators and the admins decide about a room as a whole, through the
// protocol against the real server: room.archive / room.unarchive (who may, what the people inside
// see, room.list with and without include_archived, joins refused, chat history kept),
// room.delete (admins only; the room and its chat history gone, nothing left half-deleted, a
// meeting's room and a lounge refused), room.adaptation (who may, validation, the room event,
// room.list / room.join / room.stats showing it, kept across a server restart), and one user in a
// room from two connections (two participants, each its own media).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, signedIn, cleanup, seededDb } from '../lib/moa.mjs';
import { publishOffer } from '../lib/sdp_offer.mjs';

let srv, dbDir, dbPath;
const clients = [];

before(async () => {
  const db = seededDb();
  dbDir = db.dir;
  dbPath = db.path;
  srv = await startServer({ db: dbPath });
});

after(async () => {
  for (const c of clients) await c.close().catch(() => {});
  await srv?.stop();
  cleanup(dbDir);
});

async function user(email) {
  const c = await signedIn(srv, email);
  clients.push(c);
  return c;
}

async function expectError(c, type, params, code) {
  const r = await c.request(type, params);
  assert.equal(r.ok, false, `${type} should fail with ${code}`);
  assert.equal(r.error.code, code, `${type}: ${r.error.message}`);
  return r.error;
}

const listed = async (c, roomId, extra = {}) =>
  (await c.call('room.list', { consortium_id: 1, ...extra })).rooms.find((r) => r.id === roomId);

test('room.archive hides a room and closes it; room.unarchive opens it again; history is kept', async () => {
  const coord = await user('coord01@moa.example');
  const a = await user('member01a@moa.example');
  const outsider = await user('member02a@moa.example');
  const room = await coord.call('room.create', { consortium_id: 1, name: '보관할 회의실' });
  assert.equal(room.archived, false);
  const joined = await a.call('room.join', { room_id: room.id });
  const sent = await a.call('chat.send', { conversation_id: joined.conversation_id, body: '보관 전 메시지' });

  // who may
  await expectError(a, 'room.archive', { room_id: room.id }, 'forbidden');
  await expectError(outsider, 'room.archive', { room_id: room.id }, 'not_found');
  await expectError(coord, 'room.archive', {}, 'invalid_params');
  await expectError(coord, 'room.archive', { room_id: 'x' }, 'invalid_params');
  await expectError(coord, 'room.archive', { room_id: 999999 }, 'not_found');
  const lounge = (await coord.call('room.list', { consortium_id: 1 })).rooms.find((r) => r.is_lounge);
  await expectError(coord, 'room.archive', { room_id: lounge.id }, 'conflict');
  assert.equal((await listed(a, room.id)).archived, false, 'nothing changed by the refusals');

  const left = a.waitEvent('room.left');
  const archived = await coord.call('room.archive', { room_id: room.id });
  assert.equal(archived.archived, true);
  assert.deepEqual(await left, { type: 'room.left', room_id: room.id, reason: 'archived' });
  assert.equal(await listed(a, room.id), undefined, 'an archived room is not listed');
  const all = await listed(coord, room.id, { include_archived: true });
  assert.equal(all.archived, true, 'include_archived lists it, marked');
  await expectError(coord, 'room.list', { consortium_id: 1, include_archived: 'yes' }, 'invalid_params');
  await expectError(a, 'room.join', { room_id: room.id }, 'archived');
  await expectError(coord, 'room.join', { room_id: room.id }, 'archived');
  const stats = await coord.call('room.stats', { room_id: room.id });
  assert.equal(stats.live, false, 'nobody is left inside');
  const history = await a.call('chat.history', { conversation_id: joined.conversation_id });
  assert.deepEqual(history.messages.map((m) => m.id), [sent.message.id], 'the chat history is kept');
  assert.equal((await coord.call('room.archive', { room_id: room.id })).archived, true, 'archiving twice is harmless');

  const back = await coord.call('room.unarchive', { room_id: room.id });
  assert.equal(back.archived, false);
  assert.equal((await listed(a, room.id)).archived, false, 'listed again');
  const again = await a.call('room.join', { room_id: room.id });
  assert.equal(again.conversation_id, joined.conversation_id, 'the same chat');
  await a.call('room.leave');
});

test('room.delete: admins only; the room and its chat history go; lounges and meeting rooms stay', async () => {
  const coord = await user('coord01@moa.example');
  const admin = await user('admin@moa.example');
  const a = await user('member01a@moa.example');
  const room = await coord.call('room.create', { consortium_id: 1, name: '지울 회의실', visibility: 'invited', invitees: [a.me.id] });
  const joined = await a.call('room.join', { room_id: room.id });
  const sent = await a.call('chat.send', { conversation_id: joined.conversation_id, body: '지워질 메시지 삭제확인용수소연료' });
  const found = async () => (await a.call('chat.search', { query: '삭제확인용수소' })).results.map((r) => r.message.id);
  assert.deepEqual(await found(), [sent.message.id]);

  await expectError(coord, 'room.delete', { room_id: room.id }, 'forbidden');
  await expectError(a, 'room.delete', { room_id: room.id }, 'forbidden');
  const lounge = (await admin.call('room.list', { consortium_id: 1 })).rooms.find((r) => r.is_lounge);
  await expectError(admin, 'room.delete', { room_id: lounge.id }, 'conflict');
  assert.ok(await listed(a, room.id), 'still there after the refusals');

  const left = a.waitEvent('room.left');
  assert.deepEqual(await admin.call('room.delete', { room_id: room.id }), { room_id: room.id });
  assert.deepEqual(await left, { type: 'room.left', room_id: room.id, reason: 'deleted' });
  assert.equal(await listed(admin, room.id, { include_archived: true }), undefined, 'gone from every list');
  await expectError(a, 'room.join', { room_id: room.id }, 'not_found');
  await expectError(admin, 'room.delete', { room_id: room.id }, 'not_found');
  const next = await coord.call('room.create', { consortium_id: 1, name: '새 회의실' });
  assert.ok(next.id > room.id, 'a deleted room\'s id (its link) is never given to another room');
  await expectError(admin, 'room.archive', { room_id: room.id }, 'not_found');
  await expectError(admin, 'room.adaptation', { room_id: room.id, on: true }, 'not_found');
  // (conversation ids may be handed out again, so look the room's conversation up by its room)
  const h = await a.request('chat.history', { conversation_id: joined.conversation_id });
  assert.ok(!h.ok || !h.result.messages.some((m) => m.id === sent.message.id), 'the chat history went with the room');
  const { conversations } = await a.call('chat.conversations');
  assert.ok(!conversations.some((c) => c.kind === 'room' && c.ref_id === room.id), 'the conversation left A\'s list');
  assert.deepEqual(await found(), [], 'and from the search index');

  // A scheduled meeting's room: cancel the meeting instead.
  const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
  const start = Date.now() + 3600e3;
  const m = await coord.call('meeting.create', { consortium_id: 1, title: '삭제 불가 회의', starts_at: iso(start), ends_at: iso(start + 3600e3) });
  const mRoom = m.room_id ?? m.meeting?.room_id;
  assert.ok(mRoom, `meeting.create result has a room: ${JSON.stringify(m)}`);
  await expectError(admin, 'room.delete', { room_id: mRoom }, 'conflict');
});

test('room.adaptation: coordinators switch it, the room hears it, it is kept', async () => {
  const coord = await user('coord01@moa.example');
  const a = await user('member01a@moa.example');
  const outsider = await user('member02a@moa.example');
  const room = await coord.call('room.create', { consortium_id: 1, name: 'LAN 행사장' });
  assert.equal(room.adaptation, true, 'on by default');
  const joined = await a.call('room.join', { room_id: room.id });
  assert.equal(joined.room.adaptation, true);

  await expectError(a, 'room.adaptation', { room_id: room.id, on: false }, 'forbidden');
  await expectError(outsider, 'room.adaptation', { room_id: room.id, on: false }, 'not_found');
  await expectError(coord, 'room.adaptation', { room_id: room.id }, 'invalid_params');
  await expectError(coord, 'room.adaptation', { room_id: room.id, on: 'off' }, 'invalid_params');
  await expectError(coord, 'room.adaptation', { room_id: room.id, on: 0 }, 'invalid_params');
  await expectError(coord, 'room.adaptation', { on: false }, 'invalid_params');
  assert.equal((await listed(a, room.id)).adaptation, true, 'nothing changed by the refusals');

  const heard = a.waitEvent('room.adaptation');
  assert.deepEqual(await coord.call('room.adaptation', { room_id: room.id, on: false }), { room_id: room.id, adaptation: false });
  assert.deepEqual(await heard, { type: 'room.adaptation', room_id: room.id, on: false, by: coord.me.id });
  assert.equal((await listed(a, room.id)).adaptation, false);
  const stats = await coord.call('room.stats', { room_id: room.id });
  assert.equal(stats.adaptation, false);
  const pa = stats.participants.find((p) => p.user_id === a.me.id);
  assert.equal(pa.estimate_bps, 0, 'no estimate before any media');
  assert.deepEqual(pa.receiving_layers, []);
  const admin = await user('admin@moa.example');
  assert.equal((await admin.call('room.adaptation', { room_id: room.id, on: false })).adaptation, false, 'admins may too');

  // kept across a restart
  await a.call('room.leave');
  for (const c of clients.splice(0)) await c.close().catch(() => {});
  await srv.stop();
  srv = await startServer({ db: dbPath });
  const coord2 = await user('coord01@moa.example');
  assert.equal((await listed(coord2, room.id)).adaptation, false, 'still off after a restart');
  assert.equal((await coord2.call('room.join', { room_id: room.id })).room.adaptation, false);
  assert.equal((await coord2.call('room.adaptation', { room_id: room.id, on: true })).adaptation, true);
  assert.equal((await listed(coord2, room.id)).adaptation, true);
  await coord2.call('room.leave');
});

test('one user from two connections: two participants, each with its own media', async () => {
  const laptop = await user('member01b@moa.example');
  const phone = await user('member01b@moa.example');
  const lounge = (await laptop.call('room.list', { consortium_id: 1 })).rooms.find((r) => r.is_lounge).id;
  const j1 = await laptop.call('room.join', { room_id: lounge });
  const seen = laptop.waitEvent((e) => e.type === 'room.participant_joined' && e.participant.user_id === laptop.me.id);
  const j2 = await phone.call('room.join', { room_id: lounge });
  assert.notEqual(j2.self.participant_id, j1.self.participant_id, 'each connection is its own participant');
  assert.ok(j2.participants.some((p) => p.participant_id === j1.self.participant_id && p.user_id === laptop.me.id),
    'the phone sees the laptop as another participant');
  assert.equal((await seen).participant.participant_id, j2.self.participant_id);

  // what the laptop publishes is offered to the phone like anyone else's
  const offered = phone.waitEvent('media.offer');
  const pub = await laptop.call('media.publish', publishOffer(['audio']));
  const offer = await offered;
  assert.ok(offer.tracks.some((t) => t.track_id === pub.tracks[0].track_id && t.participant_id === j1.self.participant_id));

  // one leaving does not take the other out
  const gone = phone.waitEvent((e) => e.type === 'room.participant_left' && e.participant_id === j1.self.participant_id);
  await laptop.close();
  await gone;
  const coord = await user('coord01@moa.example');
  const people = (await coord.call('room.stats', { room_id: lounge })).participants.filter((p) => p.user_id === phone.me.id);
  assert.deepEqual(people.map((p) => p.participant_id), [j2.self.participant_id], 'the phone stays in');
  await phone.call('room.leave');
});
