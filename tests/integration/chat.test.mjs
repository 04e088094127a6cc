// Persistent chat through the real binary with several clients: live delivery, history paging,
// catch-up after a reconnect, idempotent resend, edit/delete, unread counts and read markers,
// typing, authorization, Korean search, FTS syntax in queries, bad input and the flood limit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, seededDb, cleanup, Client, signedIn } from '../lib/moa.mjs';

let srv, db;
let a, a2, b, coord, m2; // member01a (twice), member01b, coord01, member02a
let channel1; // consortium 1's channel id
let keySeq = 0;
const key = (p = 'k') => `${p}-${process.pid}-${++keySeq}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// chat.send that waits out the per-user flood limit (10 messages / 10 s) instead of failing.
async function send(c, conversation_id, body, client_key = key(), extra = {}) {
  for (;;) {
    const r = await c.request('chat.send', { conversation_id, body, client_key, ...extra });
    if (r.ok) return r.result.message;
    if (r.error.code !== 'rate_limited') throw new Error(`chat.send: ${r.error.code}: ${r.error.message}`);
    await sleep(Math.ceil(r.error.retry_after * 1000) + 20);
  }
}

// No event matching fn arrives within ms.
async function noEvent(c, fn, ms = 300) {
  await sleep(ms);
  assert.equal(c.events.filter(fn).length, 0, 'unexpected event');
}

before(async () => {
  db = seededDb();
  srv = await startServer({ db: db.path });
  [a, a2, b, coord, m2] = await Promise.all([
    signedIn(srv, 'member01a@moa.example'), signedIn(srv, 'member01a@moa.example'),
    signedIn(srv, 'member01b@moa.example'), signedIn(srv, 'coord01@moa.example'),
    signedIn(srv, 'member02a@moa.example'),
  ]);
  const { conversations } = await a.call('chat.conversations');
  channel1 = conversations.find((c) => c.kind === 'channel' && c.consortium_id === 1).id;
  await Promise.all([b, coord, m2, a2].map((c) => c.call('chat.conversations')));
});
after(async () => {
  await Promise.all([a, a2, b, coord, m2].map((c) => c.close()));
  await srv.stop();
  cleanup(db.dir);
});

test('chat.conversations lists the channels of the user\'s consortia only', async () => {
  const mine = (await m2.call('chat.conversations')).conversations;
  assert.ok(mine.some((c) => c.kind === 'channel' && c.consortium_id === 2));
  assert.ok(!mine.some((c) => c.consortium_id === 1), 'member02a does not see consortium 1');
});

test('a message is acknowledged with its server id, then delivered live to other readers', async () => {
  a.events.length = a2.events.length = b.events.length = 0;
  const msg = await send(a, channel1, '안녕하세요, 디스플레이 협의체 여러분', key());
  assert.ok(msg.id > 0 && msg.created_at > 1e9);
  assert.equal(msg.author_id, a.me.id);
  const isIt = (e) => e.type === 'chat.message' && e.message.id === msg.id;
  const [eb, ec, ea2] = await Promise.all([b.waitEvent(isIt), coord.waitEvent(isIt), a2.waitEvent(isIt)]);
  assert.equal(eb.conversation_id, channel1);
  assert.deepEqual(eb.message, msg);
  assert.ok(ec && ea2, 'the coordinator and the sender\'s other connection get it too');
  await noEvent(a, isIt); // not echoed to the sending connection
  await noEvent(m2, isIt, 0); // nor to another consortium
});

test('a mention notifies the mentioned person', async () => {
  const msg = await send(a, channel1, `@${b.me.name} 내일 회의 자료 부탁드립니다`);
  assert.deepEqual(msg.mentions, [b.me.id]);
  const ev = await b.waitEvent((e) => e.type === 'chat.mention' && e.message.id === msg.id);
  assert.equal(ev.conversation_id, channel1);
  await noEvent(coord, (e) => e.type === 'chat.mention' && e.message.id === msg.id);
});

test('chat.members: the readers a composer may mention, by part of the name; chat.mentions: what mentions me', async () => {
  // B's name, by its first character: B is listed, A (the asker) is not, nor anyone of another consortium
  const first = [...b.me.name][0];
  const r = await a.call('chat.members', { conversation_id: channel1, query: first, limit: 20 });
  assert.equal(r.conversation_id, channel1);
  assert.ok(r.members.some((x) => x.user_id === b.me.id && x.name === b.me.name), JSON.stringify(r.members));
  assert.ok(r.members.every((x) => x.user_id !== a.me.id && x.name.toLowerCase().includes(first.toLowerCase())));
  assert.ok(r.members.every((x) => x.user_id !== m2.me.id));
  const starts = r.members.findIndex((x) => !x.name.startsWith(first));
  assert.ok(starts === -1 || r.members.slice(starts).every((x) => !x.name.startsWith(first)), 'names that start with it first');
  assert.ok((await a.call('chat.members', { conversation_id: channel1 })).members.length > 1, 'no query: everyone (up to the limit)');
  assert.equal((await m2.request('chat.members', { conversation_id: channel1, query: first })).error.code, 'forbidden');
  assert.equal((await a.request('chat.members', { conversation_id: channel1, query: 'a\u0001' })).error.code, 'invalid_params');
  assert.equal((await a.request('chat.members', {})).error.code, 'invalid_params');

  // mentions of B: newest first, unread until B reads the conversation; deleted ones gone
  const before = await b.call('chat.mentions', {});
  const m1 = await send(a, channel1, `@${b.me.name}님 자료 확인 부탁드립니다`);
  const m3 = await send(coord, channel1, `@${b.me.name} 회의실 예약했습니다`);
  const gone = await send(a, channel1, `@${b.me.name} 지울 메시지`);
  await a.call('chat.delete', { message_id: gone.id });
  const r2 = await b.call('chat.mentions', { limit: 2 });
  assert.deepEqual(r2.messages.map((m) => m.id), [m3.id, m1.id]);
  assert.equal(r2.unread, before.unread + 2);
  assert.equal(r2.messages[0].unread, true);
  assert.equal(r2.messages[0].conversation_kind, 'channel');
  assert.equal(r2.messages[0].conversation_id, channel1);
  assert.equal(r2.has_more, before.messages.length > 0);
  assert.deepEqual((await b.call('chat.mentions', { before_id: m3.id, limit: 1 })).messages.map((m) => m.id), [m1.id]);
  await b.call('chat.read', { conversation_id: channel1, message_id: m3.id });
  const r3 = await b.call('chat.mentions', { limit: 2 });
  assert.equal(r3.unread, 0);
  assert.equal(r3.messages[0].unread, false);
  assert.equal((await coord.call('chat.mentions', {})).messages.some((m) => m.id === m1.id), false, 'only the person mentioned');
});

test('history pages newest first with no gap and no duplicate', async () => {
  const senders = [a, b, coord];
  const sent = [];
  for (let i = 0; i < 24; i++) sent.push((await send(senders[i % 3], channel1, `paging ${i}`)).id);
  const seen = [];
  let before_id, page;
  do {
    page = await b.call('chat.history', { conversation_id: channel1, limit: 7, ...(before_id ? { before_id } : {}) });
    assert.ok(page.messages.length <= 7);
    seen.push(...page.messages.map((m) => m.id));
    before_id = page.messages.at(-1)?.id;
  } while (page.has_more);
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i] < seen[i - 1], 'strictly newest first');
  assert.equal(new Set(seen).size, seen.length);
  for (const id of sent) assert.ok(seen.includes(id), `message ${id} present`);
  // Oldest first from the start gives the same set.
  const all = [];
  let after_id = 0;
  do {
    page = await b.call('chat.history', { conversation_id: channel1, after_id, limit: 100 });
    all.push(...page.messages.map((m) => m.id));
    after_id = page.messages.at(-1)?.id ?? after_id;
  } while (page.has_more);
  assert.deepEqual(all, [...seen].reverse());
  const bad = await b.request('chat.history', { conversation_id: channel1, before_id: 5, after_id: 1 });
  assert.equal(bad.error.code, 'invalid_params');
});

test('catch-up after a reconnect returns exactly the gap', async () => {
  // Sign in, note the last seen id, then drop the connection.
  const d = await Client.connect(srv);
  const login = await d.login('member01b@moa.example');
  const last = (await d.call('chat.history', { conversation_id: channel1, limit: 1 })).messages[0].id;
  await d.close();
  const gap = [];
  for (let i = 0; i < 5; i++) gap.push((await send(a, channel1, `while you were away ${i}`)).id);
  const e = await Client.connect(srv);
  await e.call('auth.resume', { token: login.token });
  const h = await e.call('chat.history', { conversation_id: channel1, after_id: last });
  assert.deepEqual(h.messages.map((m) => m.id), gap);
  assert.equal(h.has_more, false);
  assert.equal(h.messages[4].body, 'while you were away 4');
  await e.close();
});

test('a resend with the same client_key stores one message and sends one event', async () => {
  b.events.length = 0;
  const k = key('resend');
  const first = await a.call('chat.send', { conversation_id: channel1, body: '중복 방지 테스트', client_key: k });
  const again = await a.call('chat.send', { conversation_id: channel1, body: '중복 방지 테스트', client_key: k });
  assert.equal(first.duplicate, false);
  assert.equal(again.duplicate, true);
  assert.deepEqual(again.message, first.message);
  await b.waitEvent((e) => e.type === 'chat.message' && e.message.id === first.message.id);
  await noEvent(b, (e) => e.type === 'chat.message' && e.message.client_key === k);
  const h = await b.call('chat.history', { conversation_id: channel1, limit: 20 });
  assert.equal(h.messages.filter((m) => m.client_key === k).length, 1);
});

test('edits and deletions are seen live and in history; only the author (or a coordinator) may', async () => {
  const msg = await send(a, channel1, '오타가 있는 메세지');
  const edited = await a.call('chat.edit', { message_id: msg.id, body: '오타를 고친 메시지' });
  assert.ok(edited.message.edited_at);
  const ev = await b.waitEvent((e) => e.type === 'chat.message_edited' && e.message.id === msg.id);
  assert.equal(ev.message.body, '오타를 고친 메시지');
  assert.equal((await b.request('chat.edit', { message_id: msg.id, body: 'hijack' })).error.code, 'forbidden');
  assert.equal((await b.request('chat.delete', { message_id: msg.id })).error.code, 'forbidden');
  const h = await b.call('chat.history', { conversation_id: channel1, after_id: msg.id - 1, limit: 1 });
  assert.equal(h.messages[0].body, '오타를 고친 메시지');
  await a.call('chat.delete', { message_id: msg.id });
  const del = await b.waitEvent((e) => e.type === 'chat.message_deleted' && e.message_id === msg.id);
  assert.equal(del.message.deleted, true);
  assert.equal(del.message.body, '');
  assert.equal((await a.request('chat.delete', { message_id: msg.id })).error.code, 'not_found');
  // The coordinator moderates the consortium's channel.
  const other = await send(b, channel1, '부적절한 메시지');
  await coord.call('chat.delete', { message_id: other.id });
  await a.waitEvent((e) => e.type === 'chat.message_deleted' && e.message_id === other.id);
  const live = await send(b, channel1, '남의 채널 메시지');
  assert.equal((await m2.request('chat.delete', { message_id: live.id })).error.code, 'forbidden');
  assert.equal((await b.request('chat.delete', { message_id: (await send(coord, channel1, '코디 공지')).id })).error.code, 'forbidden');
});

test('unread counts and read markers (and other connections follow)', async () => {
  const { conversation_id: dm, created } = await a.call('chat.direct', { user_ids: [b.me.id] });
  assert.equal(created, true);
  const ids = [];
  for (let i = 0; i < 3; i++) ids.push((await send(a, dm, `unread ${i}`)).id);
  const conv = async (c) => (await c.call('chat.conversations')).conversations.find((x) => x.id === dm);
  assert.equal((await conv(b)).unread, 3);
  assert.equal((await conv(a)).unread, 0, 'one\'s own messages are not unread');
  const b2 = await signedIn(srv, 'member01b@moa.example');
  const r = await b.call('chat.read', { conversation_id: dm, message_id: ids[1] });
  assert.deepEqual(r, { conversation_id: dm, last_read_id: ids[1], unread: 1 });
  const ev = await b2.waitEvent('chat.read');
  assert.equal(ev.last_read_id, ids[1]);
  const back = await b.call('chat.read', { conversation_id: dm, message_id: ids[0] });
  assert.equal(back.last_read_id, ids[1], 'a marker never moves backward');
  assert.equal((await conv(b)).unread, 1);
  await b.call('chat.read', { conversation_id: dm, message_id: ids[2] });
  assert.equal((await conv(b)).unread, 0);
  assert.equal((await conv(b)).last_read_id, ids[2]);
  await b2.close();
});

test('authorization: no reading another consortium\'s channel; a direct conversation is private', async () => {
  for (const [type, params] of [
    ['chat.history', { conversation_id: channel1 }],
    ['chat.history', { conversation_id: channel1, after_id: 0 }],
    ['chat.send', { conversation_id: channel1, body: '들어가도 되나요?', client_key: key() }],
    ['chat.typing', { conversation_id: channel1 }],
    ['chat.read', { conversation_id: channel1, message_id: 1 }],
    ['chat.search', { query: '디스플레이', conversation_id: channel1 }],
  ]) {
    const r = await m2.request(type, params);
    assert.equal(r.ok, false, type);
    assert.ok(['forbidden', 'not_found'].includes(r.error.code), `${type}: ${r.error.code}`);
  }
  const { conversation_id: dm } = await a.call('chat.direct', { user_ids: [b.me.id] });
  for (const c of [coord, m2]) {
    assert.equal((await c.request('chat.history', { conversation_id: dm })).error.code, 'forbidden');
    assert.equal((await c.request('chat.send', { conversation_id: dm, body: 'hi', client_key: key() })).error.code, 'forbidden');
  }
  const secret = await send(a, dm, '우리끼리 비밀 이야기');
  await noEvent(coord, (e) => e.message?.id === secret.id, 200);
  assert.equal((await coord.call('chat.search', { query: '비밀 이야기' })).results.length, 0);
  const missing = await a.request('chat.history', { conversation_id: 99999999 });
  assert.ok(['forbidden', 'not_found'].includes(missing.error.code));
  assert.equal((await m2.request('chat.send', { conversation_id: 99999999, body: 'x', client_key: key() })).error.code, 'not_found');
});

test('a direct conversation across consortia; asking again returns the same one', async () => {
  const r1 = await a.call('chat.direct', { user_ids: [m2.me.id] });
  const r2 = await m2.call('chat.direct', { user_ids: [a.me.id] });
  assert.equal(r1.conversation_id, r2.conversation_id);
  assert.equal(r2.created, false);
  const msg = await send(m2, r1.conversation_id, '다른 권역에서 인사드립니다');
  await a.waitEvent((e) => e.type === 'chat.message' && e.message.id === msg.id);
  const group = await a.call('chat.direct', { user_ids: [b.me.id, m2.me.id], title: '공동개발 TF' });
  assert.equal(group.created, true);
  for (const bad of [[], [0], ['x'], [a.me.id], Array.from({ length: 16 }, (_, i) => i + 1)]) {
    const r = await a.request('chat.direct', { user_ids: bad });
    assert.ok(['invalid_params', 'not_found'].includes(r.error.code), JSON.stringify(bad));
  }
  assert.equal((await a.request('chat.direct', { user_ids: [987654] })).error.code, 'not_found');
});

test('Korean search finds words inside compounds, highlighted, only where the user may read', async () => {
  const msg = await send(a, channel1, '수소연료전지 스택 공동개발');
  const r = await b.call('chat.search', { query: '수소' });
  const hit = r.results.find((x) => x.message.id === msg.id);
  assert.ok(hit, 'found by a two-character Korean prefix');
  assert.equal(hit.highlight, '\u0002수소\u0003연료전지 스택 공동개발');
  const r2 = await b.call('chat.search', { query: '연료전지 공동', conversation_id: channel1 });
  assert.ok(r2.results.some((x) => x.message.id === msg.id), 'trigram terms inside the compound');
  const en = await send(b, channel1, 'Hydrogen fuel-cell stack joint development');
  assert.ok((await a.call('chat.search', { query: 'HYDROGEN stack' })).results.some((x) => x.message.id === en.id));
  assert.equal((await m2.call('chat.search', { query: '수소연료전지' })).results.filter((x) => x.message.id === msg.id).length, 0);
});

test('FTS syntax in a query returns results or nothing, never an error', async () => {
  await send(a, channel1, 'NEAR AND OR NOT "quoted" star* (paren) col:on 검색 문법 테스트');
  for (const q of ['"', '*', 'NEAR(', 'AND', 'NEAR(수소 스택)', '"수소', 'a OR b', 'NOT', '(', ')', '-x', '^', ':', 'col:on',
    'star*', '""""', '\'', '%', '_', '\\', '{a b}', 'NEAR(a b, 3)', '수소 AND 스택', '   ', '']) {
    const r = await a.request('chat.search', { query: q });
    assert.equal(r.ok, true, `query ${JSON.stringify(q)}: ${JSON.stringify(r.error)}`);
    assert.ok(Array.isArray(r.result.results));
  }
  assert.ok((await a.call('chat.search', { query: '"quoted"' })).results.length >= 1);
  assert.ok((await a.call('chat.search', { query: 'star*' })).results.length >= 1);
  assert.equal((await a.request('chat.search', { query: 'x'.repeat(201) })).error.code, 'invalid_params');
  assert.equal((await a.request('chat.search', { query: 'a\u0001b' })).error.code, 'invalid_params');
});

test('bad input: empty, oversized, control characters; HTML is stored and returned verbatim', async () => {
  const k = () => key('bad');
  const expect = async (params, code) => {
    const r = await coord.request('chat.send', { conversation_id: channel1, client_key: k(), ...params });
    assert.equal(r.ok, false, JSON.stringify(params).slice(0, 80));
    assert.equal(r.error.code, code, JSON.stringify(params).slice(0, 80));
  };
  await expect({ body: '' }, 'invalid_params');
  await expect({ body: ' \n\t ' }, 'invalid_params');
  await expect({ body: 'x'.repeat(4001) }, 'too_large');
  await expect({ body: '가'.repeat(1334) }, 'too_large'); // 4002 bytes
  await expect({ body: 'bell\u0007' }, 'invalid_params');
  await expect({ body: 'esc\u001b[31m' }, 'invalid_params');
  await expect({ body: 'del\u007f' }, 'invalid_params');
  // A NUL (\u0000) fails JSON decoding itself: the frame is refused as a whole (id unreadable).
  coord.sendRaw(JSON.stringify({ id: 9999, type: 'chat.send', conversation_id: channel1, body: 'nul\u0000x', client_key: k() }));
  const nul = await coord.waitEvent((e) => e.ok === false && e.id === null);
  assert.equal(nul.error.code, 'bad_request');
  await expect({ body: 42 }, 'invalid_params');
  await expect({ body: 'ok', client_key: 'k'.repeat(65) }, 'invalid_params');
  const noconv = await coord.request('chat.send', { body: 'x' });
  assert.equal(noconv.error.code, 'invalid_params');
  assert.equal((await coord.request('chat.send', { conversation_id: '1', body: 'x' })).error.code, 'invalid_params');
  const max = await send(coord, channel1, 'y'.repeat(4000));
  assert.equal(max.body.length, 4000);
  const html = '<script>alert("x")</script><img src=x onerror=alert(1)> &amp; <b>굵게</b>';
  const stored = await send(coord, channel1, html);
  assert.equal(stored.body, html);
  const h = await a.call('chat.history', { conversation_id: channel1, after_id: stored.id - 1, limit: 1 });
  assert.equal(h.messages[0].body, html);
  const lines = await send(coord, channel1, '  첫 줄\n\t둘째 줄  ');
  assert.equal(lines.body, '첫 줄\n\t둘째 줄', 'surrounding white space trimmed, inner kept');
});

test('typing is ephemeral, goes to other readers only and is throttled', async () => {
  const before = (await b.call('chat.history', { conversation_id: channel1, limit: 1 })).messages[0].id;
  b.events.length = 0;
  assert.deepEqual(await a.call('chat.typing', { conversation_id: channel1 }), { sent: true });
  const ev = await b.waitEvent('chat.typing');
  assert.equal(ev.user_id, a.me.id);
  assert.equal(ev.conversation_id, channel1);
  assert.equal(ev.user_name, a.me.name);
  await noEvent(a2, (e) => e.type === 'chat.typing', 100); // not to the typist's own connections
  assert.deepEqual(await a.call('chat.typing', { conversation_id: channel1 }), { sent: false });
  await noEvent(b, (e) => e.type === 'chat.typing', 200);
  const after = (await b.call('chat.history', { conversation_id: channel1, limit: 1 })).messages[0].id;
  assert.equal(after, before, 'nothing stored');
});

test('per-user flood limit: the 11th message in 10 s is refused with retry_after', async () => {
  const c = await signedIn(srv, 'member03a@moa.example');
  const ch = (await c.call('chat.conversations')).conversations.find((x) => x.consortium_id === 3).id;
  for (let i = 0; i < 10; i++) await c.call('chat.send', { conversation_id: ch, body: `flood ${i}`, client_key: key('f') });
  const r = await c.request('chat.send', { conversation_id: ch, body: 'one too many', client_key: key('f') });
  assert.equal(r.error.code, 'rate_limited');
  assert.ok(r.error.retry_after > 0 && r.error.retry_after <= 10, String(r.error.retry_after));
  // The limit is per user: a second connection of the same user is refused too.
  const c2 = await signedIn(srv, 'member03a@moa.example');
  assert.equal((await c2.request('chat.send', { conversation_id: ch, body: 'sneaky', client_key: key('f') })).error.code, 'rate_limited');
  await Promise.all([c.close(), c2.close()]);
});

test('a room\'s chat: live among those in it, kept after they leave, closed to everyone else', async () => {
  const room = await a.call('room.create', { consortium_id: 1, name: '공정 협력 회의 채팅', visibility: 'invited', invitees: [b.me.id] });
  const ja = await a.call('room.join', { room_id: room.id });
  const jb = await b.call('room.join', { room_id: room.id });
  assert.ok(ja.conversation_id > 0);
  assert.equal(jb.conversation_id, ja.conversation_id, 'one conversation per room');
  const conv = ja.conversation_id;
  const sent = await send(a, conv, '회의 자료는 채팅에 남겨 둘게요');
  await b.waitEvent((e) => e.type === 'chat.message' && e.message?.id === sent.id);
  // the meeting ends: both leave; the chat stays readable by those who were in it
  await a.call('room.leave');
  await b.call('room.leave');
  for (const c of [a, b]) {
    const { messages } = await c.call('chat.history', { conversation_id: conv });
    assert.ok(messages.some((m) => m.id === sent.id && m.body === '회의 자료는 채팅에 남겨 둘게요'));
    assert.ok((await c.call('chat.conversations')).conversations.some((x) => x.id === conv && x.kind === 'room'));
  }
  // someone from another consortium can neither read nor write it, nor find it by search
  assert.equal((await m2.request('chat.history', { conversation_id: conv })).error.code, 'forbidden');
  assert.equal((await m2.request('chat.send', { conversation_id: conv, body: '저도요', client_key: key() })).error.code, 'forbidden');
  assert.equal((await m2.call('chat.search', { query: '회의 자료는' })).results.length, 0);
  assert.equal((await m2.request('room.join', { room_id: room.id })).error.code, 'forbidden');
});

test('threads: a reply names its parent, the parent counts its replies; reactions: fixed emoji, one per person, seen live', async () => {
  const root = await send(a, channel1, '다음 주 워크숍 장소 의견 주세요');
  const r1 = await send(b, channel1, '대전 어떨까요?', key(), { parent_id: root.id });
  assert.equal(r1.parent_id, root.id);
  assert.equal(root.parent_id, null);
  assert.equal(root.reply_count, 0);
  const live = await a.waitEvent((e) => e.type === 'chat.message' && e.message.id === r1.id);
  assert.equal(live.message.parent_id, root.id);
  // a reply to a reply joins the same thread
  const r2 = await send(coord, channel1, '좋습니다', key(), { parent_id: r1.id });
  assert.equal(r2.parent_id, root.id);
  const th = await m2.request('chat.thread', { message_id: root.id });
  assert.equal(th.error.code, 'forbidden', 'another consortium cannot read the thread');
  const t1 = await a.call('chat.thread', { message_id: r2.id });
  assert.equal(t1.parent.id, root.id);
  assert.equal(t1.parent.reply_count, 2);
  assert.deepEqual(t1.replies.map((m) => m.id), [r1.id, r2.id]);
  // a parent of another conversation, unknown or deleted: not_found
  const { conversation_id: dm } = await a.call('chat.direct', { user_ids: [b.me.id] });
  assert.equal((await a.request('chat.send', { conversation_id: dm, body: 'x', parent_id: root.id })).error.code, 'not_found');
  assert.equal((await a.request('chat.send', { conversation_id: channel1, body: 'x', parent_id: 999999999 })).error.code, 'not_found');
  // the history shows the count on the parent
  const hist = await a.call('chat.history', { conversation_id: channel1, after_id: root.id - 1, limit: 10 });
  assert.equal(hist.messages.find((m) => m.id === root.id).reply_count, 2);

  // reactions
  const r = await b.call('chat.react', { message_id: root.id, emoji: '👍' });
  assert.deepEqual(r, { message_id: root.id, reactions: [{ emoji: '👍', count: 1, user_ids: [b.me.id] }] });
  const ev = await a.waitEvent((e) => e.type === 'chat.reaction' && e.message_id === root.id);
  assert.equal(ev.conversation_id, channel1);
  assert.deepEqual(ev.reactions, r.reactions);
  await b.call('chat.react', { message_id: root.id, emoji: '👍' }); // idempotent
  const both = await a.call('chat.react', { message_id: root.id, emoji: '👍' });
  assert.deepEqual(both.reactions.map((x) => [x.emoji, x.count, [...x.user_ids].sort()]), [['👍', 2, [a.me.id, b.me.id].sort()]]);
  await a.call('chat.react', { message_id: root.id, emoji: '🎉' });
  const off = await b.call('chat.react', { message_id: root.id, emoji: '👍', on: false });
  assert.deepEqual(off.reactions, [{ emoji: '👍', count: 1, user_ids: [a.me.id] }, { emoji: '🎉', count: 1, user_ids: [a.me.id] }]);
  assert.equal((await a.request('chat.react', { message_id: root.id, emoji: '💩' })).error.code, 'invalid_params');
  assert.equal((await a.request('chat.react', { message_id: root.id, emoji: '<b>' })).error.code, 'invalid_params');
  assert.equal((await a.request('chat.react', { message_id: root.id, emoji: '👍', on: 'yes' })).error.code, 'invalid_params');
  assert.equal((await m2.request('chat.react', { message_id: root.id, emoji: '👍' })).error.code, 'forbidden');
  // a deleted message loses its reactions and takes no more
  await a.call('chat.delete', { message_id: root.id });
  const after = await a.call('chat.thread', { message_id: root.id });
  assert.equal(after.parent.deleted, true);
  assert.deepEqual(after.parent.reactions, []);
  assert.equal((await b.request('chat.react', { message_id: root.id, emoji: '👍' })).error.code, 'not_found');
});

// What the app's unread badge needs comes with chat.message (web-static/js/unread.js): the
// conversation, the same for every reader, so a reader counts without listing; counting the
// events from a listing gives the server's own count.
test('chat.message carries its conversation, and counting the events gives the unread counts', async () => {
  const list = async (c) => (await c.call('chat.conversations')).conversations;
  const before = (await list(b)).find((x) => x.id === channel1);
  b.events.length = 0;
  const ids = [];
  for (let i = 0; i < 3; i++) ids.push((await send(i === 1 ? b : a, channel1, `세어 보기 ${i}`)).id);
  const counted = { ...before };
  for (const id of [ids[0], ids[2]]) {
    const ev = await b.waitEvent((e) => e.type === 'chat.message' && e.message.id === id);
    assert.deepEqual(ev.conversation, {
      id: channel1, kind: 'channel', title: before.title, consortium_id: 1, ref_id: null,
    });
    if (ev.message.author_id !== b.me.id && ev.message.id > counted.last_read_id) counted.unread++;
  }
  await noEvent(b, (e) => e.type === 'chat.message' && e.message.id === ids[1], 0); // its own send
  const after = (await list(b)).find((x) => x.id === channel1);
  assert.equal(after.unread, before.unread + 2);
  assert.equal(counted.unread, after.unread);
  // a direct conversation says so (the app's notifications need nothing else)
  const { conversation_id: dm } = await a.call('chat.direct', { user_ids: [b.me.id] });
  const msg = await send(a, dm, '직접 메시지');
  const ev = await b.waitEvent((e) => e.type === 'chat.message' && e.message.id === msg.id);
  assert.equal(ev.conversation.kind, 'direct');
  assert.equal(ev.conversation.id, dm);
  assert.equal(ev.conversation.consortium_id, null);
});
