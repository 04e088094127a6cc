// Running a meeting through the protocol, with several signaling clients against the real server:
// roles, mute / stop camera seen by everyone, remove + readmit, lock, end, every moderation
// message refused for non-hosts with nothing changed, the moderation log; and for scheduled
// meetings the lobby (and coming back in after a dropped connection once admitted), hybrid event
// mode (hands, floor), the agenda (next, the clock) and a press guest removed when its segment ends;
// and that removal and a guest's scope ending withdraw the meeting's chat.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, signedIn, cleanup, seededDb } from '../lib/moa.mjs';
import { publishOffer } from '../lib/sdp_offer.mjs';

let srv, dbDir;
const clients = [];

before(async () => {
  const db = seededDb();
  dbDir = db.dir;
  srv = await startServer({ db: db.path });
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

async function lounge(c, consortium = 1) {
  const { rooms } = await c.call('room.list', { consortium_id: consortium });
  return rooms.find((r) => r.is_lounge).id;
}

const isEvent = (type, fn = () => true) => (m) => m.type === type && fn(m);

async function expectError(c, type, params, code) {
  const r = await c.request(type, params);
  assert.equal(r.ok, false, `${type} should fail with ${code}`);
  assert.equal(r.error.code, code, `${type}: ${r.error.message}`);
  return r.error;
}

// Every moderation message, as a non-host would send it.
function moderationMessages(roomId, target) {
  return [
    ['meeting.lobby', { room_id: roomId }],
    ['meeting.admit', { room_id: roomId, user_id: target.user_id }],
    ['meeting.deny', { room_id: roomId, user_id: target.user_id }],
    ['meeting.mute', { room_id: roomId, participant_id: target.participant_id }],
    ['meeting.stop_video', { room_id: roomId, participant_id: target.participant_id }],
    ['meeting.remove', { room_id: roomId, participant_id: target.participant_id }],
    ['meeting.readmit', { room_id: roomId, user_id: target.user_id }],
    ['meeting.lock', { room_id: roomId }],
    ['meeting.unlock', { room_id: roomId }],
    ['meeting.end', { room_id: roomId }],
    ['meeting.give_floor', { room_id: roomId, participant_id: target.participant_id }],
    ['meeting.take_floor', { room_id: roomId, participant_id: target.participant_id }],
    ['meeting.agenda_next', { room_id: roomId }],
    ['meeting.agenda_follow_clock', { room_id: roomId }],
    ['meeting.moderation_log', { room_id: roomId }],
    ['meeting.lower_hand', { participant_id: target.participant_id }],
  ];
}

test('moderation in a lounge: roles, mute, stop camera, remove and readmit, lock, end, log', async () => {
  const host = await user('coord01@moa.example');
  const a = await user('member01a@moa.example');
  const b = await user('member01b@moa.example');
  const roomId = await lounge(host);

  const hj = await host.call('room.join', { room_id: roomId });
  assert.equal(hj.role, 'host', 'the coordinator hosts the lounge');
  assert.equal(hj.moderator, true);
  const aj = await a.call('room.join', { room_id: roomId });
  assert.equal(aj.role, 'attendee');
  assert.equal(aj.moderator, false);
  assert.equal(aj.viewer, false, 'attendees of an ordinary room publish freely');
  assert.equal(aj.participants.find((p) => p.user_id === host.me.id).role, 'host');
  const bj = await b.call('room.join', { room_id: roomId });
  const aPid = aj.self.participant_id, bPid = bj.self.participant_id;

  const offer = publishOffer(['audio', 'video']);
  const pub = await a.call('media.publish', offer);
  const mic = pub.tracks.find((t) => t.source === 'microphone').track_id;
  const cam = pub.tracks.find((t) => t.source === 'camera').track_id;

  // A non-host tries everything: each refused with forbidden, and nothing changed.
  const target = { participant_id: aPid, user_id: a.me.id };
  for (const [type, params] of moderationMessages(roomId, target)) await expectError(b, type, params, 'forbidden');
  await expectError(b, 'meeting.mute', { participant_id: aPid }, 'forbidden'); // current room by default
  const still = await host.call('room.stats', { room_id: roomId });
  const aNow = still.participants.find((p) => p.participant_id === aPid);
  assert.ok(aNow, 'A is still in the room');
  assert.ok(aNow.tracks.every((t) => !t.muted), 'none of A\'s tracks was muted');
  const b2 = await user('member02a@moa.example'); // an outsider: not even a member
  await expectError(b2, 'meeting.lock', { room_id: roomId }, 'forbidden');
  const joinB = await b.call('room.join', { room_id: roomId }); // the room was not locked
  assert.ok(joinB.self.participant_id);
  const bPid2 = joinB.self.participant_id;

  // Mute: everyone (the target too) sees the track muted and who did it; A may unmute.
  const seen = [a, b].map((c) => c.waitEvent(isEvent('room.moderated', (m) => m.action === 'mute' && m.participant_id === aPid)));
  const mutedSeen = [a, b, host].map((c) => c.waitEvent(isEvent('room.track_muted', (m) => m.track_id === mic && m.muted)));
  const mr = await host.call('meeting.mute', { room_id: roomId, participant_id: aPid });
  assert.deepEqual(mr.tracks, [mic]);
  assert.equal(mr.allow_unmute, true);
  for (const m of await Promise.all(seen)) assert.equal(m.by_user_id, host.me.id);
  await Promise.all(mutedSeen);
  await a.call('media.mute', { track_id: mic, muted: false });

  // A hard mute: A may not unmute until a host allows it.
  await host.call('meeting.mute', { participant_id: aPid, allow_unmute: false });
  await expectError(a, 'media.mute', { track_id: mic, muted: false }, 'muted_by_host');
  // Re-publishing does not escape the mute: the microphone comes back muted.
  const again = b.waitEvent(isEvent('room.track_muted', (m) => m.participant_id === aPid && m.source === 'microphone' && m.muted));
  await a.call('media.publish', offer);
  await again;
  await host.call('meeting.mute', { participant_id: aPid, allow_unmute: true });
  await a.call('media.mute', { track_id: mic, muted: false });

  // Stop camera: seen by all; the user may restart it.
  const camSeen = b.waitEvent(isEvent('room.track_muted', (m) => m.track_id === cam && m.muted));
  const sv = await host.call('meeting.stop_video', { participant_id: aPid });
  assert.deepEqual(sv.tracks, [cam]);
  await camSeen;
  await a.call('media.mute', { track_id: cam, muted: false });
  await expectError(host, 'meeting.stop_video', { participant_id: aPid, source: 'microphone' }, 'invalid_params');
  await expectError(host, 'meeting.mute', { participant_id: 999999 }, 'not_found');
  await expectError(host, 'meeting.mute', { participant_id: 'x' }, 'invalid_params');
  await expectError(host, 'meeting.remove', { participant_id: hj.self.participant_id }, 'conflict');
  await expectError(host, 'meeting.remove', { participant_id: aPid, reason: 'a\u0001b' }, 'invalid_params');

  // Lock: a newcomer is refused; a host still gets in.
  const lockSeen = a.waitEvent(isEvent('room.locked', (m) => m.locked));
  await host.call('meeting.lock', { room_id: roomId });
  await lockSeen;
  await b.call('room.leave');
  await expectError(b, 'room.join', { room_id: roomId }, 'locked');
  const admin = await user('admin@moa.example');
  const adj = await admin.call('room.join', { room_id: roomId });
  assert.equal(adj.role, 'host', 'an admin hosts every room');
  assert.equal(adj.locked, true);
  await host.call('meeting.unlock', { room_id: roomId });
  await b.call('room.join', { room_id: roomId });

  // Remove: A is told why, disconnected from the room, and cannot come back until readmitted.
  const removed = a.waitEvent('room.removed');
  const leftA = a.waitEvent(isEvent('room.left', (m) => m.reason === 'removed'));
  const goneForB = b.waitEvent(isEvent('room.participant_left', (m) => m.participant_id === aPid));
  await host.call('meeting.remove', { participant_id: aPid, reason: '회의 방해' });
  const rm = await removed;
  assert.equal(rm.code, 'removed');
  assert.match(rm.message, /진행자/);
  assert.equal(rm.reason, '회의 방해');
  await leftA;
  await goneForB;
  await expectError(a, 'room.join', { room_id: roomId }, 'removed');
  await expectError(a, 'media.publish', offer, 'conflict');
  await expectError(host, 'meeting.readmit', { user_id: b.me.id }, 'not_found');
  await host.call('meeting.readmit', { user_id: a.me.id });
  const back = await a.call('room.join', { room_id: roomId });
  assert.ok(back.self.participant_id);

  // End: everyone gets room.ended and leaves; a lounge stays open afterwards.
  const ends = [a, b, admin, host].map((c) => c.waitEvent('room.ended'));
  const er = await host.call('meeting.end', { room_id: roomId });
  assert.equal(er.removed, 4);
  for (const m of await Promise.all(ends)) assert.equal(m.code, 'meeting_ended');
  const stats = await host.call('room.stats', { room_id: roomId });
  assert.equal(stats.live, false, 'no one is left in the room');
  await b.call('room.join', { room_id: roomId });

  // The log has every action, newest first, with who did what to whom.
  const log = await host.call('meeting.moderation_log', { room_id: roomId });
  const actions = log.entries.map((e) => e.action).reverse();
  assert.deepEqual(actions, ['mute', 'mute', 'mute', 'stop_video', 'lock', 'unlock', 'remove', 'readmit', 'end']);
  const rmRow = log.entries.find((e) => e.action === 'remove');
  assert.equal(rmRow.actor_id, host.me.id);
  assert.equal(rmRow.target_user_id, a.me.id);
  assert.equal(rmRow.detail, '회의 방해');
  assert.ok(rmRow.at > 0);
  assert.equal(log.entries.find((e) => e.action === 'mute' && e.detail.includes('may not')).target_user_id, a.me.id);
  void bPid; void bPid2;
});

test('a scheduled event: lobby admit/deny, viewers without floor, hands, give/take floor, agenda, press guest removed, end', async () => {
  const host = await user('coord01@moa.example');
  const a = await user('member01a@moa.example');
  const b = await user('member01b@moa.example');
  const iso = (t) => new Date(t * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  const now = Math.floor(Date.now() / 1000);
  const m = await host.call('meeting.create', {
    consortium_id: 1, title: '출범식 리허설', mode: 'event', lobby: true,
    starts_at: iso(now - 60), ends_at: iso(now + 7200),
    agenda: [{ start_offset_s: 0, length_s: 3600, item: '개회', press_open: true },
      { start_offset_s: 3600, length_s: 1800, item: '간담회' }],
  });
  const link = await host.call('meeting.guest_link', { meeting_id: m.id, role: 'press', label: '기자단', expires_at: iso(now + 7200), until_segment: 1 });

  const hj = await host.call('room.join', { room_id: m.room_id });
  assert.equal(hj.role, 'host');
  assert.equal(hj.mode, 'event');
  assert.equal(hj.agenda.position, 1);
  assert.equal(hj.agenda.item, '개회');

  // Lobby: A waits (no participants, no media) until admitted; B is denied.
  const waitingA = host.waitEvent(isEvent('room.lobby_waiting', (e) => e.waiting.some((w) => w.user_id === a.me.id)));
  const aw = await a.call('room.join', { room_id: m.room_id });
  assert.equal(aw.lobby, true);
  assert.equal(aw.participants, undefined);
  await waitingA;
  await expectError(a, 'media.publish', publishOffer(), 'conflict');
  const lobby = await host.call('meeting.lobby', { room_id: m.room_id });
  assert.deepEqual(lobby.waiting.map((w) => w.user_id), [a.me.id]);
  const admitted = a.waitEvent('room.admitted');
  await host.call('meeting.admit', { room_id: m.room_id, user_id: a.me.id });
  const adm = await admitted;
  assert.equal(adm.role, 'attendee');
  assert.equal(adm.viewer, true, 'attendees of an event are viewers');
  assert.ok(adm.participants.some((p) => p.user_id === host.me.id));
  await a.waitEvent(isEvent('room.agenda', (e) => e.position === 1));
  const aPid = adm.self.participant_id;
  assert.equal((await b.call('room.join', { room_id: m.room_id })).lobby, true);
  const denied = b.waitEvent('room.denied');
  await host.call('meeting.deny', { room_id: m.room_id, user_id: b.me.id, reason: '초대 대상 아님' });
  assert.equal((await denied).code, 'denied');

  // Viewers: no publishing without the floor; a hand, the floor, then taken back.
  await expectError(a, 'media.publish', publishOffer(), 'no_floor');
  const hand = host.waitEvent(isEvent('room.hand_raised', (e) => e.participant_id === aPid && e.raised));
  await a.call('meeting.raise_hand');
  await hand;
  await expectError(a, 'meeting.give_floor', { participant_id: aPid }, 'forbidden');
  const given = a.waitEvent(isEvent('room.floor_given', (e) => e.participant_id === aPid));
  await host.call('meeting.give_floor', { participant_id: aPid });
  await given;
  const pub = await a.call('media.publish', publishOffer());
  assert.equal(pub.tracks.length, 2);
  const taken = host.waitEvent(isEvent('room.floor_taken', (e) => e.participant_id === aPid));
  const unpub = host.waitEvent(isEvent('room.track_unpublished', (e) => e.participant_id === aPid));
  const tf = await host.call('meeting.take_floor', { participant_id: aPid });
  assert.equal(tf.stopped_tracks.length, 2);
  assert.equal((await taken).stopped_tracks.length, 2);
  await unpub;
  await expectError(a, 'media.publish', publishOffer(), 'no_floor');

  // A press guest (scope: segment 1) joins through the lobby, and is removed when the agenda moves on.
  const g = await (await import('../lib/moa.mjs')).Client.connect(srv);
  clients.push(g);
  const ga = await g.call('auth.guest', { token: link.token, name: '한기자' });
  const gMe = await g.call('me.get');
  assert.equal(gMe.id, ga.user.id);
  assert.deepEqual(gMe.guest, ga.guest, 'me.get of a guest session has the same guest block as auth.guest');
  assert.deepEqual(gMe.guest, { meeting_id: m.id, room_id: m.room_id, role: 'press', until_segment: 1, title: '출범식 리허설' });
  assert.equal((await a.call('me.get')).guest, undefined, 'a member has no guest block');
  assert.equal((await g.call('room.join', { room_id: m.room_id })).lobby, true);
  const gAdm = g.waitEvent('room.admitted');
  await host.call('meeting.admit', { user_id: ga.user.id });
  assert.equal((await gAdm).role, 'press');
  await expectError(g, 'media.publish', publishOffer(), 'no_floor');
  const removed = g.waitEvent('room.removed');
  const agendaA = a.waitEvent(isEvent('room.agenda', (e) => e.position === 2));
  const next = await host.call('meeting.agenda_next');
  assert.equal(next.position, 2);
  assert.equal(next.follow_clock, false);
  assert.equal((await agendaA).item, '간담회');
  const rm = await removed;
  assert.equal(rm.code, 'expired');
  assert.match(rm.message, /취재/);
  await expectError(g, 'room.join', { room_id: m.room_id }, 'expired');
  const back = await host.call('meeting.agenda_follow_clock');
  assert.equal(back.position, 1, 'the clock says segment 1 still runs');

  const log = await host.call('meeting.moderation_log');
  const actions = log.entries.map((e) => e.action);
  for (const x of ['admit', 'deny', 'give_floor', 'take_floor', 'agenda_next', 'auto_remove', 'agenda_follow_clock']) assert.ok(actions.includes(x), x);
  assert.equal(log.entries.find((e) => e.action === 'auto_remove').actor_id, 0);

  // End: a scheduled meeting stays ended.
  const ended = a.waitEvent('room.ended');
  await host.call('meeting.end');
  await ended;
  await expectError(a, 'room.join', { room_id: m.room_id }, 'meeting_ended');
  await expectError(host, 'room.join', { room_id: m.room_id }, 'meeting_ended');
  const att = await host.call('meeting.attendance', { meeting_id: m.id });
  assert.ok(JSON.stringify(att).includes(String(a.me.id)), 'attendance lists the admitted attendee');
});

test('the agenda follows the clock: the next segment starts on time and a press guest leaves with its segment', async () => {
  const host = await user('coord01@moa.example');
  const iso = (t) => new Date(t * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  const now = Math.floor(Date.now() / 1000);
  // Segment 1 started 60 s ago and ends in about 15 s (room for a loaded machine).
  const m = await host.call('meeting.create', {
    consortium_id: 1, title: '시계 따라가기', mode: 'event', starts_at: iso(now - 60), ends_at: iso(now + 3600),
    agenda: [{ start_offset_s: 0, length_s: 75, item: '축사', press_open: true }, { start_offset_s: 75, length_s: 600, item: '발표' }],
  });
  const link = await host.call('meeting.guest_link', { meeting_id: m.id, role: 'press', expires_at: iso(now + 3600), until_segment: 1 });
  const hj = await host.call('room.join', { room_id: m.room_id });
  assert.equal(hj.agenda.position, 1);
  assert.ok(hj.agenda.remaining_s > 0 && hj.agenda.remaining_s <= 75);
  const g = await (await import('../lib/moa.mjs')).Client.connect(srv);
  clients.push(g);
  await g.call('auth.guest', { token: link.token, name: '김기자' });
  const gj = await g.call('room.join', { room_id: m.room_id });
  assert.equal(gj.role, 'press');
  const removed = await g.waitEvent('room.removed', 30000);
  assert.equal(removed.code, 'expired');
  const ag = await host.waitEvent(isEvent('room.agenda', (e) => e.position === 2), 30000);
  assert.equal(ag.item, '발표');
  assert.equal(ag.follow_clock, true);
  const log = await host.call('meeting.moderation_log');
  assert.equal(log.entries[0].action, 'auto_remove');
  await host.call('meeting.end');
});

test('admitted stays admitted: a dropped member or guest comes straight back in; the never admitted wait; the removed are refused', async () => {
  const host = await user('coord01@moa.example');
  const iso = (t) => new Date(t * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  const now = Math.floor(Date.now() / 1000);
  const m = await host.call('meeting.create', {
    consortium_id: 1, title: '재입장 확인', mode: 'meeting', lobby: true, starts_at: iso(now - 60), ends_at: iso(now + 7200),
  });
  const link = await host.call('meeting.guest_link', { meeting_id: m.id, role: 'guest', expires_at: iso(now + 7200) });
  await host.call('room.join', { room_id: m.room_id });
  const { Client } = await import('../lib/moa.mjs');
  // A connection signed in with a session token (the browser's reconnect: auth.resume, then room.join).
  const resumed = async (token) => {
    const c = await Client.connect(srv);
    clients.push(c);
    c.me = (await c.call('auth.resume', { token })).user;
    return c;
  };
  const waits = (c) => host.waitEvent(isEvent('room.lobby_waiting', (e) => e.waiting.some((w) => w.user_id === c.me.id)));
  async function admitFromLobby(c) {
    const told = waits(c);
    const j = await c.call('room.join', { room_id: m.room_id });
    assert.equal(j.lobby, true, `${c.me.name} waits before being admitted`);
    await told;
    const admitted = c.waitEvent('room.admitted');
    await host.call('meeting.admit', { room_id: m.room_id, user_id: c.me.id });
    return (await admitted).self.participant_id;
  }
  // Rejoins after the connection dropped; returns the room.join reply.
  async function dropAndRejoin(c, token) {
    const gone = host.waitEvent(isEvent('room.participant_left', (e) => e.user_id === c.me.id));
    await c.close();
    await gone;
    const c2 = await resumed(token);
    return { c2, reply: await c2.request('room.join', { room_id: m.room_id }) };
  }

  // A member admitted once, whose connection drops, is straight back in on the same session.
  const a = await Client.connect(srv);
  clients.push(a);
  const login = await a.call('auth.login', { email: 'member01a@moa.example', password: 'moa-demo-2025' });
  a.me = login.user;
  const aPid = await admitFromLobby(a);
  const joinedSeen = host.waitEvent(isEvent('room.participant_joined', (e) => e.participant.user_id === a.me.id && e.participant.participant_id !== aPid));
  const { c2: a2, reply: aBack } = await dropAndRejoin(a, login.token);
  assert.equal(aBack.ok, true, aBack.error?.message);
  assert.equal(aBack.result.lobby, undefined, 'no lobby for someone already admitted');
  assert.ok(aBack.result.self.participant_id && aBack.result.self.participant_id !== aPid, 'a new participant in the room');
  assert.equal(aBack.result.role, 'attendee');
  assert.ok(aBack.result.participants.some((p) => p.user_id === host.me.id), 'A sees the host again');
  await joinedSeen;
  assert.deepEqual((await host.call('meeting.lobby', { room_id: m.room_id })).waiting, [], 'nobody in the lobby');
  // and so after leaving on purpose, or from a second device
  await a2.call('room.leave');
  assert.ok((await a2.call('room.join', { room_id: m.room_id })).self.participant_id);
  const aPhone = await user('member01a@moa.example');
  assert.equal((await aPhone.call('room.join', { room_id: m.room_id })).lobby, undefined, 'a second device of A enters too');
  await aPhone.call('room.leave');

  // A guest admitted once comes back on its resumed guest session.
  const g = await Client.connect(srv);
  clients.push(g);
  const ga = await g.call('auth.guest', { token: link.token, name: '외부 전문가' });
  g.me = ga.user;
  await admitFromLobby(g);
  const { c2: g2, reply: gBack } = await dropAndRejoin(g, ga.token);
  assert.deepEqual((await g2.call('me.get')).guest, ga.guest, 'the resumed guest session knows its meeting');
  assert.equal(gBack.ok, true, gBack.error?.message);
  assert.equal(gBack.result.lobby, undefined, 'an admitted guest comes straight back');
  assert.equal(gBack.result.role, 'guest');

  // Someone never admitted still waits, after a drop too.
  const b = await Client.connect(srv);
  clients.push(b);
  const bLogin = await b.call('auth.login', { email: 'member01b@moa.example', password: 'moa-demo-2025' });
  b.me = bLogin.user;
  const bTold = waits(b);
  assert.equal((await b.call('room.join', { room_id: m.room_id })).lobby, true);
  await bTold;
  await b.close();
  const b2 = await resumed(bLogin.token);
  const bAgain = waits(b2);
  assert.equal((await b2.call('room.join', { room_id: m.room_id })).lobby, true, 'never admitted: waits again');
  await bAgain;

  // Removed: refused, after a drop too; readmitted, waits in the lobby for a new admission.
  const a2Pid = (await host.call('room.stats', { room_id: m.room_id })).participants.find((p) => p.user_id === a.me.id).participant_id;
  const removed = a2.waitEvent('room.removed');
  await host.call('meeting.remove', { room_id: m.room_id, participant_id: a2Pid });
  await removed;
  await expectError(a2, 'room.join', { room_id: m.room_id }, 'removed');
  await a2.close();
  const a3 = await resumed(login.token);
  await expectError(a3, 'room.join', { room_id: m.room_id }, 'removed');
  await host.call('meeting.readmit', { room_id: m.room_id, user_id: a.me.id });
  const aWaits = waits(a3);
  assert.equal((await a3.call('room.join', { room_id: m.room_id })).lobby, true, 'readmitted after a removal: the lobby again');
  await aWaits;

  // Ended: nobody comes back, admitted or not.
  const ended = [a3, b2, g2].map((c) => c.waitEvent('room.ended'));
  await host.call('meeting.end', { room_id: m.room_id });
  await Promise.all(ended);
  await expectError(g2, 'room.join', { room_id: m.room_id }, 'meeting_ended');
  await expectError(a3, 'room.join', { room_id: m.room_id }, 'meeting_ended');
});

// Chat access of a meeting: the room's conversation (room.join's conversation_id). `bodies`
// reads its history as c; `noLiveEvent` checks c got no chat event of conv, after a later
// message of another conversation c reads has arrived (events are sent in order).
async function bodies(c, conv) {
  return (await c.call('chat.history', { conversation_id: conv, limit: 100 })).messages.map((x) => x.body);
}
async function noLiveEvent(c, conv, sender, otherConv, marker) {
  const seen = c.waitEvent(isEvent('chat.message', (e) => e.conversation_id === otherConv && e.message.body === marker));
  await sender.call('chat.send', { conversation_id: otherConv, body: marker });
  await seen;
  assert.equal(c.events.some((e) => e.type?.startsWith('chat.') && e.conversation_id === conv), false,
    'no live chat event of the meeting after the removal');
}
async function channelOf(c, consortiumId) {
  const { conversations } = await c.call('chat.conversations');
  return conversations.find((x) => x.kind === 'channel' && x.consortium_id === consortiumId).id;
}

test('removal withdraws the meeting\'s chat (send, history, live events, search); back on entering again once readmitted', async () => {
  const host = await user('coord03@moa.example');
  const a = await user('member03a@moa.example');
  const b = await user('member03b@moa.example');
  const roomId = await lounge(host, 3);
  await host.call('room.join', { room_id: roomId });
  const aj = await a.call('room.join', { room_id: roomId });
  await b.call('room.join', { room_id: roomId });
  const conv = aj.conversation_id;
  assert.ok(conv > 0);
  const channel = await channelOf(a, 3);
  await a.call('chat.send', { conversation_id: conv, body: '제거 전 발언 before-removal' });
  assert.ok((await bodies(a, conv)).includes('제거 전 발언 before-removal'));
  assert.ok((await a.call('chat.search', { query: 'before-removal' })).results.some((r) => r.message.conversation_id === conv));

  const removed = a.waitEvent('room.removed');
  await host.call('meeting.remove', { room_id: roomId, participant_id: aj.self.participant_id });
  await removed;
  a.events.length = 0;
  await expectError(a, 'chat.send', { conversation_id: conv, body: 'after removal' }, 'forbidden');
  await expectError(a, 'chat.history', { conversation_id: conv }, 'forbidden');
  await expectError(a, 'chat.history', { conversation_id: conv, after_id: 0 }, 'forbidden');
  await expectError(a, 'chat.typing', { conversation_id: conv }, 'forbidden');
  await expectError(a, 'chat.search', { query: 'before-removal', conversation_id: conv }, 'forbidden');
  const found = await a.call('chat.search', { query: 'before-removal' });
  assert.equal(found.results.some((r) => r.message.conversation_id === conv), false, 'search finds nothing of the meeting');
  assert.equal((await a.call('chat.conversations')).conversations.some((x) => x.id === conv), false);
  await b.call('chat.send', { conversation_id: conv, body: '제거 후 발언 after-removal' });
  await noLiveEvent(a, conv, b, channel, 'channel marker 1');
  assert.equal((await bodies(b, conv)).includes('after removal'), false, 'nothing A tried was posted');

  // Readmitted: the chat comes back when A enters the room again (with what was said meanwhile).
  await host.call('meeting.readmit', { room_id: roomId, user_id: a.me.id });
  await expectError(a, 'chat.history', { conversation_id: conv }, 'forbidden');
  assert.equal((await a.call('room.join', { room_id: roomId })).conversation_id, conv);
  assert.ok((await bodies(a, conv)).includes('제거 후 발언 after-removal'));
  const live = a.waitEvent(isEvent('chat.message', (e) => e.conversation_id === conv));
  await b.call('chat.send', { conversation_id: conv, body: 'welcome back' });
  assert.equal((await live).message.body, 'welcome back');
  await a.call('chat.send', { conversation_id: conv, body: 'thanks' });
  await host.call('meeting.end', { room_id: roomId });
});

test('a guest whose agenda scope ends loses the meeting\'s chat, in the room or not', async () => {
  const host = await user('coord03@moa.example');
  const a = await user('member03a@moa.example');
  const iso = (t) => new Date(t * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  const now = Math.floor(Date.now() / 1000);
  const m = await host.call('meeting.create', {
    consortium_id: 3, title: '취재 범위 확인', mode: 'event', starts_at: iso(now - 60), ends_at: iso(now + 7200),
    agenda: [{ start_offset_s: 0, length_s: 3600, item: '개회', press_open: true },
      { start_offset_s: 3600, length_s: 1800, item: '비공개 토의' }],
  });
  const link = await host.call('meeting.guest_link', { meeting_id: m.id, role: 'press', expires_at: iso(now + 7200), until_segment: 1, max_uses: 5 });
  const hj = await host.call('room.join', { room_id: m.room_id });
  await a.call('room.join', { room_id: m.room_id });
  const conv = hj.conversation_id;
  const { Client } = await import('../lib/moa.mjs');
  const press = async (name) => {
    const c = await Client.connect(srv);
    clients.push(c);
    c.me = (await c.call('auth.guest', { token: link.token, name })).user;
    assert.equal((await c.call('room.join', { room_id: m.room_id })).conversation_id, conv);
    return c;
  };
  const g = await press('한기자'); // stays in the room
  const g2 = await press('박기자'); // leaves before its scope ends
  await g.call('chat.send', { conversation_id: conv, body: '질문 있습니다' });
  await g2.call('room.leave');
  assert.ok((await bodies(g2, conv)).includes('질문 있습니다'), 'a guest who left still reads while in scope');

  const removed = g.waitEvent('room.removed');
  await host.call('meeting.agenda_next', { room_id: m.room_id });
  assert.equal((await removed).code, 'expired');
  for (const c of [g, g2]) {
    c.events.length = 0;
    await expectError(c, 'chat.send', { conversation_id: conv, body: 'off the record?' }, 'forbidden');
    await expectError(c, 'chat.history', { conversation_id: conv }, 'forbidden');
  }
  const heard = a.waitEvent(isEvent('chat.message', (e) => e.conversation_id === conv && e.message.body === '비공개 발언'));
  await host.call('chat.send', { conversation_id: conv, body: '비공개 발언' });
  await heard; // delivered to members; by then any event for the guests was sent too
  for (const c of [g, g2]) {
    await c.call('system.ping');
    assert.equal(c.events.some((e) => e.type?.startsWith('chat.')), false, 'no live chat event for an out-of-scope guest');
  }
  assert.equal((await bodies(a, conv)).includes('off the record?'), false);
  await host.call('meeting.end', { room_id: m.room_id });
});
