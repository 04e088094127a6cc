// Partner search and cooperation inquiries through the real binary: Korean search with filters and
// facets, profiles with contacts, visibility, profile edits and who may make them, suggestions,
// inquiries received live and accepted or declined, the inquiry rate limit and blocking.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, seededDb, cleanup, signedIn } from '../lib/moa.mjs';

let srv, db;
let a, b, coord, m2, admin; // member01a, member01b, coord01, member02a, admin
const orgOf = (c) => c.me.organization.id;

before(async () => {
  db = seededDb();
  srv = await startServer({ db: db.path });
  [a, b, coord, m2, admin] = await Promise.all([
    signedIn(srv, 'member01a@moa.example'), signedIn(srv, 'member01b@moa.example'),
    signedIn(srv, 'coord01@moa.example'), signedIn(srv, 'member02a@moa.example'), signedIn(srv, 'admin@moa.example'),
  ]);
});
after(async () => {
  await Promise.all([a, b, coord, m2, admin].map((c) => c.close()));
  await srv.stop();
  cleanup(db.dir);
});

test('partner.search in Korean, with filters and facets', async () => {
  const all = await m2.call('partner.search', { query: '수소', limit: 10 });
  assert.ok(all.total > 10, `total ${all.total}`);
  assert.equal(all.results.length, 10);
  for (const f of ['sector', 'consortium', 'region', 'kind', 'size', 'exports']) assert.ok(Array.isArray(all.facets[f]), f);
  const sector = all.facets.sector[0];
  const bySector = await m2.call('partner.search', { query: '수소', sector_id: sector.id, limit: 50 });
  assert.equal(bySector.total, sector.count, 'the facet count is the filtered total');
  assert.ok(bySector.results.every((o) => o.sector?.id === sector.id));
  const region = bySector.facets.region[0];
  const both = await m2.call('partner.search', { query: '수소', sector_id: sector.id, region_id: region.id, exports: true, limit: 50 });
  assert.ok(both.results.every((o) => o.sector.id === sector.id && o.region.id === region.id && o.exports === true));
  const kind = await m2.call('partner.search', { kind: 'university', limit: 5 });
  assert.ok(kind.total > 0 && kind.results.every((o) => o.kind === 'university'));
  const cons = await m2.call('partner.search', { consortium_id: 1, size: 'small', limit: 50 });
  assert.ok(cons.results.every((o) => o.size === 'small' && o.consortia.some((c) => c.id === 1)));
  // Pages: no overlap, consistent total.
  const p1 = await m2.call('partner.search', { query: '수소', limit: 5, offset: 0 });
  const p2 = await m2.call('partner.search', { query: '수소', limit: 5, offset: 5 });
  assert.equal(p1.total, p2.total);
  assert.equal(p1.results.filter((o) => p2.results.some((x) => x.id === o.id)).length, 0);
  // English, case-insensitive.
  const en = await m2.call('partner.search', { query: 'hydrogen' });
  assert.ok(en.total > 0);
  assert.ok(en.results.some((o) => /hydrogen/i.test(o.name_en + o.capabilities + o.keywords + o.description)));
});

test('partner.search: FTS syntax is harmless; bad filters are invalid_params', async () => {
  for (const query of ['"', '*', 'NEAR(', 'AND', 'OR NOT', '"수소', '수소*', '(a', 'x:y', '\'', '%_', '']) {
    const r = await m2.request('partner.search', { query });
    assert.equal(r.ok, true, `${query}: ${JSON.stringify(r.error)}`);
  }
  for (const params of [{ kind: 'spaceship' }, { size: 'huge' }, { sector_id: 'x' }, { limit: 0 }, { limit: 51 },
    { offset: -1 }, { exports: 'yes' }, { query: 'x'.repeat(201) }, { query: 'a\u0002b' }]) {
    const r = await m2.request('partner.search', params);
    assert.equal(r.error?.code, 'invalid_params', JSON.stringify(params));
  }
});

test('partner.get: a profile with its contact people; unknown is not_found', async () => {
  const p = await m2.call('partner.get', { org_id: orgOf(a) });
  assert.equal(p.id, orgOf(a));
  assert.ok(p.contacts.some((c) => c.email === 'member01a@moa.example' && c.user_id === a.me.id));
  assert.equal(p.can_edit, false);
  assert.equal((await a.call('partner.get', { org_id: orgOf(a) })).can_edit, true);
  assert.equal((await m2.request('partner.get', { org_id: 99999999 })).error.code, 'not_found');
  assert.equal((await m2.request('partner.get', {})).error.code, 'invalid_params');
});

test('partner.update: own organization, a coordinator of its consortium, or an admin', async () => {
  const desc = '수소연료전지 분리판 코팅 공동개발 파트너를 찾습니다. <b>HTML은 글자 그대로</b>';
  const r = await a.call('partner.update', { org_id: orgOf(a), fields: { description: desc, exports: true } });
  assert.equal(r.description, desc);
  assert.equal(r.exports, true);
  assert.equal((await m2.request('partner.update', { org_id: orgOf(a), fields: { description: 'hacked' } })).error.code, 'forbidden');
  assert.equal((await coord.call('partner.update', { org_id: orgOf(b), fields: { keywords: '코팅, 봉지' } })).keywords, '코팅, 봉지');
  assert.equal((await coord.request('partner.update', { org_id: orgOf(m2), fields: { keywords: 'x' } })).error.code, 'forbidden');
  assert.equal((await admin.call('partner.update', { org_id: orgOf(m2), fields: { size: 'medium' } })).size, 'medium');
  for (const fields of [{ colour: 'red' }, { size: 'huge' }, { name: '' }, { exports: 'yes' }, {}, 'x']) {
    const bad = await a.request('partner.update', { org_id: orgOf(a), fields });
    assert.equal(bad.error.code, 'invalid_params', JSON.stringify(fields));
  }
  const found = await m2.call('partner.search', { query: '분리판 코팅' });
  assert.ok(found.results.some((o) => o.id === orgOf(a)), 'an edited profile is searchable at once');
});

test('an organization hidden outside its consortia is not found by others', async () => {
  await b.call('partner.update', { org_id: orgOf(b), fields: { hidden_outside: true } });
  assert.equal((await m2.request('partner.get', { org_id: orgOf(b) })).error.code, 'not_found');
  const name = (await a.call('partner.get', { org_id: orgOf(b) })).name;
  assert.ok(!(await m2.call('partner.search', { query: name })).results.some((o) => o.id === orgOf(b)));
  assert.ok((await a.call('partner.search', { query: name })).results.some((o) => o.id === orgOf(b)), 'same consortium sees it');
  await b.call('partner.update', { org_id: orgOf(b), fields: { hidden_outside: false } });
  assert.equal((await m2.call('partner.get', { org_id: orgOf(b) })).id, orgOf(b));
});

test('partner.suggest: the user\'s own organization by default, with reasons', async () => {
  await a.call('partner.search', { query: '편광필름' }); // remembered for suggestions
  const s = await a.call('partner.suggest', { limit: 5 });
  assert.equal(s.org_id, orgOf(a));
  assert.ok(s.suggestions.length > 0 && s.suggestions.length <= 5);
  for (const x of s.suggestions) {
    assert.ok(x.org.id !== orgOf(a));
    assert.ok(x.reason_ko && x.reason_en && Array.isArray(x.matched));
  }
  assert.ok((await m2.call('partner.suggest', { org_id: orgOf(a), limit: 3 })).suggestions.length > 0);
  assert.equal((await admin.request('partner.suggest', {})).error.code, 'invalid_params', 'admin has no organization');
});

test('an inquiry reaches the recipient live and is accepted; both sides see it', async () => {
  const sent = await m2.call('inquiry.send', {
    to_org_id: orgOf(a), topic: 'joint_rnd', subject: '수소연료전지 공동개발 제안',
    body: '안녕하세요. 울산의 (주)유진하이텍입니다. 분리판 코팅 공동개발을 제안드립니다.',
  });
  assert.equal(sent.inquiry.status, 'pending');
  assert.equal(sent.inquiry.to_org.id, orgOf(a));
  const ev = await a.waitEvent((e) => e.type === 'inquiry.received' && e.inquiry.id === sent.inquiry.id);
  assert.equal(ev.inquiry.subject, '수소연료전지 공동개발 제안');
  assert.equal(ev.message.body, sent.message.body);
  const inbox = await a.call('inquiry.list', { box: 'received' });
  assert.ok(inbox.inquiries.some((i) => i.id === sent.inquiry.id));
  assert.ok((await m2.call('inquiry.list', { box: 'sent' })).inquiries.some((i) => i.id === sent.inquiry.id));
  // The inquiry conversation: readable by both sides, not by a bystander.
  const conv = sent.inquiry.conversation_id;
  assert.equal((await a.call('chat.history', { conversation_id: conv })).messages[0].body, sent.message.body);
  assert.equal((await b.request('chat.history', { conversation_id: conv })).error.code, 'forbidden');
  assert.equal((await m2.request('inquiry.decide', { inquiry_id: sent.inquiry.id, accept: true })).error.code, 'forbidden');
  const d = await a.call('inquiry.decide', { inquiry_id: sent.inquiry.id, accept: true });
  assert.equal(d.inquiry.status, 'accepted');
  const up = await m2.waitEvent((e) => e.type === 'inquiry.updated' && e.inquiry.id === sent.inquiry.id);
  assert.equal(up.inquiry.status, 'accepted');
  await m2.waitEvent((e) => e.type === 'chat.message' && e.conversation_id === conv && e.message.kind === 'system');
  assert.equal((await a.request('inquiry.decide', { inquiry_id: sent.inquiry.id, accept: false })).error.code, 'conflict');
  const reply = await a.call('chat.send', { conversation_id: conv, body: '감사합니다. 다음 주에 통화하시죠.', client_key: 'inq-reply-1' });
  await m2.waitEvent((e) => e.type === 'chat.message' && e.message.id === reply.message.id);
});

test('another inquiry is declined', async () => {
  const c = await signedIn(srv, 'coord02@moa.example');
  const sent = await c.call('inquiry.send', { to_org_id: orgOf(b), topic: 'supply', subject: '부품 공급 문의', body: '견적을 요청드립니다.' });
  await b.waitEvent((e) => e.type === 'inquiry.received' && e.inquiry.id === sent.inquiry.id);
  const d = await b.call('inquiry.decide', { inquiry_id: sent.inquiry.id, accept: false });
  assert.equal(d.inquiry.status, 'declined');
  const up = await c.waitEvent((e) => e.type === 'inquiry.updated' && e.inquiry.id === sent.inquiry.id);
  assert.equal(up.inquiry.status, 'declined');
  await c.close();
});

test('inquiry bad input', async () => {
  const base = { to_org_id: orgOf(a), topic: 'other', subject: '문의', body: '내용' };
  for (const [patch, code] of [[{ topic: 'spam' }, 'invalid_params'], [{ body: '   ' }, 'invalid_params'],
    [{ subject: 'two\nlines' }, 'invalid_params'], [{ body: 'x'.repeat(4001) }, 'invalid_params'],
    [{ to_org_id: 99999999 }, 'not_found'], [{ to_org_id: orgOf(m2) }, 'forbidden'], [{ topic: undefined }, 'invalid_params']]) {
    const r = await m2.request('inquiry.send', { ...base, ...patch });
    assert.equal(r.error?.code, code, JSON.stringify(patch));
  }
  assert.equal((await a.request('inquiry.list', { box: 'trash' })).error.code, 'invalid_params');
  assert.equal((await a.request('inquiry.decide', { inquiry_id: 99999999, accept: true })).error.code, 'not_found');
  assert.equal((await a.request('inquiry.decide', { inquiry_id: 1 })).error.code, 'invalid_params');
});

test('inquiries are rate-limited per sender', async () => {
  const c = await signedIn(srv, 'member05a@moa.example');
  const targets = (await c.call('partner.search', { consortium_id: 1, limit: 10 })).results.map((o) => o.id);
  let refused;
  for (let i = 0; i < 8 && !refused; i++) {
    const r = await c.request('inquiry.send', { to_org_id: orgOf(i % 2 ? a : b), topic: 'investment', subject: `투자 문의 ${i}`, body: '투자 검토 부탁드립니다.' });
    if (!r.ok) refused = { i, r };
  }
  assert.ok(targets.length > 0);
  assert.ok(refused, 'refused at some point');
  assert.equal(refused.i, 5, 'the 6th in an hour is refused');
  assert.equal(refused.r.error.code, 'rate_limited');
  assert.ok(refused.r.error.retry_after > 0);
  await c.close();
});

test('a recipient blocks a sender, and can unblock', async () => {
  const c = await signedIn(srv, 'member03a@moa.example');
  const msg = { to_org_id: orgOf(a), topic: 'commercialization', subject: '사업화 협력', body: '검토 부탁드립니다.' };
  assert.deepEqual(await a.call('inquiry.block', { user_id: c.me.id, block: true }), { org_id: orgOf(a), user_id: c.me.id, blocked: true });
  const r = await c.request('inquiry.send', msg);
  assert.equal(r.error.code, 'forbidden');
  assert.equal(r.error.reason, 'blocked');
  assert.equal((await m2.request('inquiry.block', { org_id: orgOf(a), user_id: c.me.id, block: false })).error.code, 'forbidden');
  await a.call('inquiry.block', { org_id: orgOf(a), user_id: c.me.id, block: false });
  assert.equal((await c.call('inquiry.send', msg)).inquiry.status, 'pending');
  assert.equal((await a.request('inquiry.block', { user_id: 99999999 })).error.code, 'not_found');
  await c.close();
});
