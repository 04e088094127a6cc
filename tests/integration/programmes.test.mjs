// The 지원사업 protocol (issue 14, item 5) through the real binary: programme.matches, programme.get,
// save / unsave / saved, the calendar entries, the coordinators' consortium_fits and post, the
// admins' rules review and feed upload; every message with bad input and the wrong person. The
// programmes are the test's own (tests/lib/programme_fixture.mjs), imported by programme.import.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, seededDb, cleanup, signedIn, runMoa } from '../lib/moa.mjs';
import { importTestFeed, testFeedCsv, TITLES, idOf, seoulDate } from '../lib/programme_fixture.mjs';

let srv, db;
let admin, a, b, coord, coord2, m2;
const ids = {};
const err = async (c, type, params) => {
  const r = await c.request(type, params);
  assert.equal(r.ok, false, `${type} ${JSON.stringify(params)} should fail`);
  return r.error;
};

before(async () => {
  db = seededDb();
  srv = await startServer({ db: db.path });
  [admin, a, b, coord, coord2, m2] = await Promise.all([
    signedIn(srv, 'admin@moa.example'), signedIn(srv, 'member01a@moa.example'), signedIn(srv, 'member01b@moa.example'),
    signedIn(srv, 'coord01@moa.example'), signedIn(srv, 'coord02@moa.example'), signedIn(srv, 'member02a@moa.example'),
  ]);
  // member01a's organization: revenue blank (the prompt), the rest as the demo data has it
  await a.call('org.profile_update', { changes: { revenue: null } });
});
after(async () => {
  await Promise.all([admin, a, b, coord, coord2, m2].map((c) => c.close()));
  await srv.stop();
  cleanup(db.dir);
});

test('programme.import: admins only; the CLI\'s result line, rejects listed, the same file twice changes nothing', async () => {
  const csv = testFeedCsv();
  assert.equal((await err(a, 'programme.import', { source: 'moa_test', format: 'csv', content: csv })).code, 'forbidden');
  assert.equal((await err(coord, 'programme.import', { source: 'moa_test', format: 'csv', content: csv })).code, 'forbidden');
  for (const [params, code] of [
    [{ source: 'moa_test', format: 'xls', content: csv }, 'invalid_params'],
    [{ source: 'Moa Test', format: 'csv', content: csv }, 'invalid_params'],
    [{ source: 'moa_test', format: 'csv' }, 'invalid_params'],
    [{ source: 'moa_test', format: 'csv', content: 42 }, 'invalid_params'],
    [{ format: 'csv', content: csv }, 'invalid_params'],
    [{ source: 'moa_test', format: 'csv', content: '', file_name: 'empty.csv' }, 'invalid_params'],
  ]) assert.equal((await err(admin, 'programme.import', params)).code, code, JSON.stringify(params).slice(0, 60));
  const failed = await err(admin, 'programme.import', { source: 'moa_json', format: 'bizinfo_json', content: '{"jsonArray": ' });
  assert.equal(failed.field, 'content');
  const r = await importTestFeed(admin);
  assert.equal(r.line, 'moa_test: 3 items: 3 new, 0 changed, 0 unchanged, 0 merged with another feed, 0 amendments, '
    + '0 withdrawn, 0 closed, 1 rejected.');
  assert.deepEqual(r.rejects, [{ index: 4, item_id: 'T-BAD', reason: 'period "2026-02-30 ~ 2026-03-10": impossible date' }]);
  const again = await importTestFeed(admin);
  assert.equal(again.duplicate_file, true);
  assert.equal(again.line, 'moa-test.csv: the same file as the last import of moa_test: nothing changed.');
});

test('programme.matches: buckets, new marks against the previous visit, facets', async () => {
  const m = await a.call('programme.matches', { include_ineligible: true });
  assert.equal(m.org_id, a.me.organization.id);
  assert.equal(m.previous_visit, null, 'a first visit');
  ids.rev = idOf(m.programmes, TITLES.rev);
  ids.all = idOf(m.programmes, TITLES.all);
  ids.seoul = idOf(m.programmes, TITLES.seoul);
  assert.ok(ids.rev && ids.all && ids.seoul, JSON.stringify(m.programmes.map((p) => p.title)));
  const by = Object.fromEntries(m.programmes.map((p) => [p.id, p]));
  assert.equal(by[ids.all].bucket, 'eligible');
  assert.equal(by[ids.rev].bucket, 'check');
  assert.equal(by[ids.rev].n_unknown, 1);
  assert.equal(by[ids.seoul].bucket, 'ineligible', 'member01a\'s company is in 충남, not 서울');
  assert.deepEqual(m.counts, { eligible: 1, check: 1, ineligible: 1 });
  assert.equal(by[ids.rev].new, true);
  assert.equal(by[ids.seoul].new, false);
  assert.equal(by[ids.rev].deadline.apply_end, seoulDate(20));
  assert.equal(by[ids.rev].deadline.days_left, 20);
  assert.equal(by[ids.rev].deadline.closes_at, `${seoulDate(20)}T23:59:59+09:00`);
  assert.deepEqual(by[ids.rev].score_parts, { keywords: by[ids.rev].score_parts.keywords, field: 10, preferred: 0, region: 0 });
  assert.deepEqual(m.facets.fields, ['경영', '기술', '내수']);
  assert.deepEqual(m.programmes.map((p) => p.bucket), ['eligible', 'check', 'ineligible'], 'ranked by bucket');
  // without include_ineligible the 신청 불가 ones are counted, not listed
  const plain = await a.call('programme.matches', { mark_visit: false });
  assert.equal(plain.programmes.length, 2);
  assert.equal(plain.counts.ineligible, 1);
  assert.ok(plain.previous_visit, 'the first call marked a visit');
  // the visit was marked: nothing is new any more; another organization's marks are its own
  assert.equal(plain.programmes.some((p) => p.new), false);
  const other = await b.call('programme.matches', {});
  assert.equal(other.programmes.find((p) => p.id === ids.all).new, true);
});

test('programme.matches: filters and their bad values', async () => {
  const f = (params) => a.call('programme.matches', { mark_visit: false, include_ineligible: true, ...params });
  assert.deepEqual((await f({ field: '기술' })).programmes.map((p) => p.id), [ids.rev]);
  assert.deepEqual((await f({ agency: '서울시험' })).programmes.map((p) => p.id), [ids.seoul]);
  assert.deepEqual((await f({ q: '판로개척' })).programmes.map((p) => p.id), [ids.all]);
  assert.deepEqual((await f({ q: '매출액 100억원' })).programmes.map((p) => p.id), [ids.rev], 'the target text counts');
  assert.deepEqual((await f({ deadline_before: seoulDate(5) })).programmes.map((p) => p.id), [ids.all]);
  const none = await f({ field: '없는분야' });
  assert.deepEqual(none.programmes, []);
  assert.deepEqual(none.counts, { eligible: 0, check: 0, ineligible: 0 });
  for (const params of [{ field: 5 }, { field: '' }, { deadline_before: '2026-02-30' }, { deadline_before: 'tomorrow!!' },
    { q: 'x'.repeat(101) }, { limit: 0 }, { limit: 1001 }, { include_ineligible: 'yes' }, { mark_visit: 1 }])
    assert.equal((await err(a, 'programme.matches', params)).code, 'invalid_params', JSON.stringify(params).slice(0, 50));
  assert.equal((await f({ limit: 1 })).programmes.length, 1);
});

test('an account without an organization gets a clear error for matches, and reads a programme without a verdict', async () => {
  const e = await err(admin, 'programme.matches', {});
  assert.equal(e.code, 'not_found');
  assert.match(e.message, /belongs to no organization/);
  const g = await admin.call('programme.get', { programme_id: ids.rev });
  assert.equal(g.programme.title, TITLES.rev);
  assert.equal(g.no_organization, true);
  assert.equal(g.match, null);
  assert.deepEqual([g.lines, g.prompts], [[], []]);
  assert.equal((await a.call('programme.get', { programme_id: ids.rev })).no_organization, false);
});

test('programme.get: why / why-not lines quoting the source sentence, prompts; answering one re-evaluates at once', async () => {
  const g = await a.call('programme.get', { programme_id: ids.rev });
  assert.equal(g.programme.title, TITLES.rev);
  assert.equal(g.programme.url, 'https://example.org/notice/t-rev');
  assert.equal(g.programme.executor, '모아시험원');
  assert.deepEqual(g.programme.period, { text: `${seoulDate(-1)} ~ ${seoulDate(20)}`, kind: 'dated', start: seoulDate(-1),
    end: seoulDate(20), opens_at: `${seoulDate(-1)}T00:00:00+09:00`, closes_at: `${seoulDate(20)}T23:59:59+09:00` });
  assert.equal(g.programme.status, 'open');
  assert.equal(g.programme.amount_max, 50000000);
  assert.equal(g.match.bucket, 'check');
  assert.equal(g.ics_path, `/calendar/programme/${ids.rev}.ics`);
  const unknown = g.lines.find((l) => l.kind === 'unknown');
  assert.equal(unknown.attr, 'revenue');
  assert.equal(unknown.evidence, '매출액 100억원 이하 기업');
  assert.equal(unknown.org_value, null);
  assert.deepEqual(g.prompts, [{ attr: 'revenue', group: 'scale', unit: 'won', min: 0, max: 1e15 }]);
  // the app answers the prompt with org.profile_update: the next programme.get sees it
  await a.call('org.profile_update', { changes: { revenue: { value: 5000000000 } } });
  const ok = await a.call('programme.get', { programme_id: ids.rev });
  assert.equal(ok.match.bucket, 'eligible');
  assert.deepEqual(ok.prompts, []);
  const why = ok.lines.find((l) => l.attr === 'revenue');
  assert.equal(why.kind, 'why');
  assert.equal(why.org_value, '5000000000');
  assert.equal((await a.call('programme.matches', { mark_visit: false })).counts.eligible, 2);
  // and too much revenue: 신청 불가, with the sentence it fails
  await a.call('org.profile_update', { changes: { revenue: { value: 20000000000 } } });
  const no = await a.call('programme.get', { programme_id: ids.rev });
  assert.equal(no.match.bucket, 'ineligible');
  assert.equal(no.lines[0].kind, 'why_not');
  assert.equal(no.lines[0].evidence, '매출액 100억원 이하 기업');
  await a.call('org.profile_update', { changes: { revenue: { value: 5000000000 } } });
  // bad ids
  for (const params of [{}, { programme_id: 0 }, { programme_id: 'x' }, { programme_id: -3 }])
    assert.equal((await err(a, 'programme.get', params)).code, 'invalid_params', JSON.stringify(params));
  assert.equal((await err(a, 'programme.get', { programme_id: 987654 })).code, 'not_found');
});

test('save, unsave, saved; the deadline reminder; .ics download and the calendar feed', async () => {
  assert.deepEqual(await a.call('programme.save', { programme_id: ids.all }), { programme_id: ids.all, saved: true });
  await a.call('programme.save', { programme_id: ids.all }); // twice: still one
  await a.call('programme.save', { programme_id: ids.rev });
  const saved = await a.call('programme.list_saved', {});
  assert.deepEqual(saved.programmes.map((p) => p.id).sort(), [ids.all, ids.rev].sort());
  assert.equal(saved.programmes.find((p) => p.id === ids.all).deadline.days_left, 2);
  // saved is per person: the colleague has none
  assert.deepEqual((await b.call('programme.list_saved', {})).programmes, []);
  const m = await a.call('programme.matches', { mark_visit: false });
  assert.equal(m.programmes.find((p) => p.id === ids.all).saved, true);
  assert.deepEqual(m.deadline_soon.map((p) => p.id), [ids.all], 'closes within 3 days: reminded; 20 days: not');
  assert.equal((await a.call('programme.get', { programme_id: ids.all })).saved, true);
  // one programme's .ics
  const feed = await a.call('calendar.feed', {});
  const token = feed.url.slice('/calendar/feed/'.length, -4);
  const one = await fetch(`${srv.url}/calendar/programme/${ids.all}.ics?t=${token}`);
  assert.equal(one.status, 200);
  assert.match(one.headers.get('content-type'), /^text\/calendar/);
  assert.match(one.headers.get('content-disposition'), new RegExp(`programme-${ids.all}\\.ics`));
  const ics = await one.text();
  assert.match(ics, new RegExp(`DTSTART;VALUE=DATE:${seoulDate(2).replaceAll('-', '')}\\r\\n`));
  assert.match(ics, new RegExp(`SUMMARY:\\[마감\\] ${TITLES.all}\\r\\n`));
  assert.match(ics, /TRIGGER:-P3D/);
  assert.match(ics, /URL:https:\/\/example.org\/notice\/t-all/);
  assert.equal((await fetch(`${srv.url}/calendar/programme/${ids.all}.ics`)).status, 401);
  assert.equal((await fetch(`${srv.url}/calendar/programme/987654.ics?t=${token}`)).status, 404);
  // the personal feed carries the saved deadlines
  const cal = await (await fetch(`${srv.url}${feed.url}`)).text();
  assert.match(cal, new RegExp(`UID:moa-programme-${ids.all}@moa`));
  assert.match(cal, new RegExp(`UID:moa-programme-${ids.rev}@moa`));
  // unsave: gone from the list and the feed
  assert.deepEqual(await a.call('programme.unsave', { programme_id: ids.rev }), { programme_id: ids.rev, saved: false });
  assert.deepEqual((await a.call('programme.list_saved', {})).programmes.map((p) => p.id), [ids.all]);
  assert.doesNotMatch(await (await fetch(`${srv.url}${feed.url}`)).text(), new RegExp(`moa-programme-${ids.rev}@`));
  for (const type of ['programme.save', 'programme.unsave']) {
    assert.equal((await err(a, type, { programme_id: 987654 })).code, 'not_found');
    assert.equal((await err(a, type, { programme_id: '1' })).code, 'invalid_params');
  }
});

test('programme.consortium_fits: the consortium\'s coordinators and admins only', async () => {
  const fits = await coord.call('programme.consortium_fits', { consortium_id: 1 });
  const all = fits.programmes.find((p) => p.id === ids.all);
  assert.ok(all, 'the programme without conditions fits every member company');
  assert.ok(all.eligible >= 2, JSON.stringify(all));
  assert.equal(all.title, TITLES.all);
  assert.equal(all.deadline.apply_end, seoulDate(2));
  assert.ok(fits.programmes.every((p) => p.eligible + p.to_check >= 2));
  assert.ok((await admin.call('programme.consortium_fits', { consortium_id: 1, min_members: 1 })).programmes.length >= 1);
  assert.equal((await err(a, 'programme.consortium_fits', { consortium_id: 1 })).code, 'forbidden');
  assert.equal((await err(coord2, 'programme.consortium_fits', { consortium_id: 1 })).code, 'forbidden');
  assert.equal((await err(coord, 'programme.consortium_fits', { consortium_id: 9999 })).code, 'not_found');
  for (const params of [{}, { consortium_id: 'one' }, { consortium_id: 1, min_members: 0 }, { consortium_id: 1, limit: 500 }])
    assert.equal((await err(coord, 'programme.consortium_fits', params)).code, 'invalid_params', JSON.stringify(params));
});

test('programme.post: a coordinator posts to the channel; its members get the chat message, others do not', async () => {
  const seen = b.waitEvent((e) => e.type === 'chat.message' && e.message.body.includes(TITLES.all));
  const r = await coord.call('programme.post', { consortium_id: 1, programme_id: ids.all, note: '함께 신청할 회원사를 찾습니다' });
  const ev = await seen;
  assert.equal(ev.conversation_id, r.conversation_id);
  const body = ev.message.body;
  assert.match(body, new RegExp(`^\\[지원사업 공유\\] ${TITLES.all}\\n`));
  assert.match(body, new RegExp(`${seoulDate(2)} 23:59 마감`));
  assert.match(body, /https:\/\/example.org\/notice\/t-all/);
  assert.match(body, new RegExp(`#/programmes/${ids.all}`));
  assert.match(body, /함께 신청할 회원사를 찾습니다$/);
  // the channel's history has it; another consortium's member never saw it
  const hist = await b.call('chat.history', { conversation_id: r.conversation_id });
  assert.ok(hist.messages.some((x) => x.id === r.message.id));
  assert.equal(m2.events.some((e) => e.type === 'chat.message' && e.message?.body?.includes(TITLES.all)), false);
  assert.equal((await err(a, 'programme.post', { consortium_id: 1, programme_id: ids.all })).code, 'forbidden');
  assert.equal((await err(coord2, 'programme.post', { consortium_id: 1, programme_id: ids.all })).code, 'forbidden');
  assert.equal((await err(coord, 'programme.post', { consortium_id: 1, programme_id: 987654 })).code, 'not_found');
  assert.equal((await err(coord, 'programme.post', { consortium_id: 9999, programme_id: ids.all })).code, 'not_found');
  assert.equal((await err(coord, 'programme.post', { consortium_id: 1, programme_id: ids.all, note: 'x'.repeat(1001) })).code, 'invalid_params');
  assert.equal((await err(coord, 'programme.post', { consortium_id: 1, programme_id: ids.all, note: 'a\u0001b' })).code, 'invalid_params');
});

test('programme.rules_get and rules_update: admins review; reviewer rules win and re-match at once; reset', async () => {
  assert.equal((await err(a, 'programme.rules_get', { programme_id: ids.rev })).code, 'forbidden');
  assert.equal((await err(coord, 'programme.rules_update', { programme_id: ids.rev, rules: [] })).code, 'forbidden');
  const r = await admin.call('programme.rules_get', { programme_id: ids.rev });
  assert.equal(r.reviewed, false);
  const rev = r.rules.find((x) => x.attr === 'revenue');
  assert.deepEqual({ ...rev, id: 0, item_id: 0 }, { id: 0, item_id: 0, active: true, attr: 'revenue', op: 'le',
    value: '10000000000', strength: 'required', grp: 0, origin: 'pattern', evidence: '매출액 100억원 이하 기업' });
  // bad rules: nothing changes, the index names the rule at fault
  for (const [rules, index] of [
    [[{ attr: 'revenue', op: 'less', value: '1', strength: 'required', evidence: 'x' }], 0],
    [[{ attr: 'revenue', op: 'le', value: '1', strength: 'required', evidence: 'ok' }, { attr: 'spaceship', op: 'le', value: '1', strength: 'required', evidence: 'x' }], 1],
    [[{ attr: 'revenue', op: 'le', value: '-5', strength: 'required', evidence: 'x' }], 0],
    [[{ attr: 'revenue', op: 'le', value: '1', strength: 'required', evidence: '' }], 0],
    [[{ attr: 'revenue', op: 'le', value: '1', strength: 'maybe', evidence: 'x' }], 0],
    [['revenue <= 1'], 0],
  ]) {
    const e = await err(admin, 'programme.rules_update', { programme_id: ids.rev, rules });
    assert.equal(e.code, 'invalid_params');
    assert.equal(e.index, index, e.message);
    assert.match(e.message, new RegExp(`^rules\\[${index}\\]: `));
  }
  assert.equal((await admin.call('programme.rules_get', { programme_id: ids.rev })).reviewed, false, 'nothing written');
  assert.equal((await err(admin, 'programme.rules_update', { programme_id: ids.rev, rules: {} })).code, 'invalid_params');
  assert.equal((await err(admin, 'programme.rules_update', { programme_id: 987654, rules: [] })).code, 'not_found');
  // a stricter reviewed cap: member01a (5,000,000,000 won) is now out
  const up = await admin.call('programme.rules_update', { programme_id: ids.rev, rules: [
    { attr: 'revenue', op: 'le', value: '3000000000', strength: 'required', evidence: '매출액 30억원 이하 (검토자 확인)' }] });
  assert.equal(up.reviewed, true);
  assert.equal(up.rules[0].origin, 'reviewer');
  assert.equal(up.rules.filter((x) => x.active).length, 1);
  const g = await a.call('programme.get', { programme_id: ids.rev });
  assert.equal(g.match.bucket, 'ineligible');
  assert.equal(g.lines[0].evidence, '매출액 30억원 이하 (검토자 확인)');
  assert.equal(g.programme.rules_state, 'reviewed');
  // reset: the extracted rules count again
  assert.equal((await admin.call('programme.rules_update', { programme_id: ids.rev, reset: true })).reviewed, false);
  assert.equal((await a.call('programme.get', { programme_id: ids.rev })).match.bucket, 'eligible');
});

test('a feed imported by the command line while the server runs shows in the next programme.matches', async () => {
  const file = join(db.dir, 'cli.csv');
  writeFileSync(file, `source_id,title,agency,period\nC-1,"모아 검증용 명령줄 공고",명령줄시험청,${seoulDate(-1)} ~ ${seoulDate(9)}\n`);
  const before = await a.call('programme.matches', { mark_visit: false });
  assert.equal(before.programmes.some((p) => p.title === '모아 검증용 명령줄 공고'), false);
  // visits and first matches are whole seconds: "new" means first matched in a later second
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const r = await runMoa(['programme', 'import', '--db', db.path, '--source', 'cli_test', '--format', 'csv', file]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^cli\.csv|^cli_test: 1 items: 1 new/m);
  const after = await a.call('programme.matches', { mark_visit: false });
  const p = after.programmes.find((x) => x.title === '모아 검증용 명령줄 공고');
  assert.ok(p, 'the server\'s cached catalog was reloaded');
  assert.equal(p.bucket, 'eligible');
  assert.equal(p.new, true);
});
