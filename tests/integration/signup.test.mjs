// Company self sign-up over the protocol, against the real binary and a real SMTP exchange with
// the test's sink (tests/lib/smtp_sink.mjs): the mail that arrives (RFC 2047 Korean subject,
// base64 UTF-8 body in Korean and English, the link), confirming it once, then the account's
// reach (partner directory yes; a consortium's rooms, channel and people no) until a coordinator
// adds its organization. Bad input: a wrong check digit, an e-mail already registered, a link
// used twice or made up, a mail server that refuses the mail (nothing kept), and a server with
// no mail server (sign-up is off and says so).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, seededDb, cleanup, Client, signedIn } from '../lib/moa.mjs';
import { startSmtpSink, parseMail } from '../lib/smtp_sink.mjs';

let srv, db, sink;
const PW = 'hanbit-signup-2026';
const form = (over = {}) => ({
  email: 'ceo@hanbit-robotics.example', name: '한빛나', company: '(주)한빛로보틱스', bizno: '305-87-04125',
  region: '대전', password: PW, lang: 'ko', ...over,
});

before(async () => {
  sink = await startSmtpSink();
  db = seededDb();
  srv = await startServer({
    db: db.path,
    args: ['--smtp-url', sink.url, '--smtp-from', 'noreply@moa.example', '--public-url', 'http://moa.example:8080/'],
  });
});
after(async () => {
  await srv?.stop();
  await sink?.close();
  cleanup(db?.dir);
});

const linkToken = (body) => /http:\/\/moa\.example:8080\/#\/signup\/confirm\/([A-Za-z0-9_-]{43})/.exec(body)?.[1];

test('signup.options says sign-up is on, with the password rule', async () => {
  const c = await Client.connect(srv);
  const r = await c.call('signup.options');
  assert.deepEqual(r, { enabled: true, password_min_length: 8, link_hours: 24 });
  await c.close();
});

test('a wrong check digit, a short password, a bad region: invalid_params naming the field, no mail', async () => {
  const c = await Client.connect(srv);
  const cases = [['bizno', { bizno: '305-87-04126' }], ['password', { password: 'short' }], ['region', { region: '평양' }],
    ['email', { email: 'ceo@hanbit\r\nBcc: x@y.example' }], ['company', { company: 'a\u0007b' }]];
  for (const [field, over] of cases) {
    const r = await c.request('signup.create', form(over));
    assert.equal(r.ok, false, field);
    assert.equal(r.error.code, 'invalid_params', field);
    assert.equal(r.error.field, field, r.error.message);
  }
  assert.equal(sink.messages.length, 0);
  await c.close();
});

test('an e-mail already registered is refused as email_taken', async () => {
  const c = await Client.connect(srv);
  const r = await c.request('signup.create', form({ email: 'member01a@moa.example' }));
  assert.equal(r.error?.code, 'email_taken');
  await c.close();
});

let token;
test('a sign-up mails a well-formed confirmation with a Korean subject; the link confirms once and signs in', async () => {
  const c = await Client.connect(srv);
  const r = await c.call('signup.create', form(), { timeout: 60000 });
  assert.equal(r.email, 'ceo@hanbit-robotics.example');
  const mail = await sink.next((m) => m.to.includes('ceo@hanbit-robotics.example'));
  assert.equal(mail.from, 'noreply@moa.example');
  const m = parseMail(mail.data);
  assert.match(m.rawHeaders, /^Subject: =\?UTF-8\?B\?/m, 'the subject is RFC 2047-encoded');
  assert.ok(m.rawHeaders.split('\r\n').every((l) => l.length <= 78), 'header lines at most 78 characters');
  assert.equal(m.headers.subject, '[모아] 기업 회원 가입을 확인해 주세요 · Confirm your company sign-up');
  assert.equal(m.headers.to, 'ceo@hanbit-robotics.example');
  assert.match(m.headers['content-type'], /text\/plain; charset=UTF-8/);
  assert.match(m.body, /한빛나님, 안녕하세요/);
  assert.match(m.body, /\(주\)한빛로보틱스 \(사업자등록번호 305-87-04125\)/);
  assert.match(m.body, /Hello 한빛나,/);
  token = linkToken(m.body);
  assert.ok(token, m.body);
  // Before confirming, the e-mail cannot sign in: no account exists yet.
  const early = await c.request('auth.login', { email: 'ceo@hanbit-robotics.example', password: PW });
  assert.equal(early.error?.code, 'invalid_credentials');
  const ok = await c.call('signup.confirm', { token });
  assert.equal(ok.token.length, 43);
  assert.equal(ok.user.kind, 'company');
  assert.equal(ok.user.organization.name, '(주)한빛로보틱스');
  assert.deepEqual(ok.user.consortia, []);
  await c.close();
  const again = await Client.connect(srv);
  const used = await again.request('signup.confirm', { token });
  assert.equal(used.error?.code, 'link_used');
  const bogus = await again.request('signup.confirm', { token: 'A'.repeat(43) });
  assert.equal(bogus.error?.code, 'not_found');
  // The same e-mail, and the same business number under another e-mail, are now taken.
  assert.equal((await again.request('signup.create', form())).error?.code, 'email_taken');
  assert.equal((await again.request('signup.create', form({ email: 'other@hanbit-robotics.example' }))).error?.code, 'bizno_taken');
  await again.close();
});

test('the company account reaches the directory, not a consortium\'s rooms, channel or people', async () => {
  const c = await signedIn(srv, 'ceo@hanbit-robotics.example', PW);
  const found = await c.call('partner.search', { query: '한빛로보틱스' });
  assert.ok(found.results.some((o) => o.name === '(주)한빛로보틱스'), 'its own organization is in the directory');
  assert.ok((await c.call('partner.search', { query: '수소' })).total > 0, 'and the others');
  const profile = await c.call('org.profile_get', { org_id: c.me.organization.id });
  assert.equal(profile.attributes.find((a) => a.key === 'biz_no')?.value, '3058704125');
  const rooms = await c.request('room.list', { consortium_id: 1 });
  assert.equal(rooms.error?.code, 'forbidden');
  const convs = await c.call('chat.conversations', {});
  assert.equal(convs.conversations.filter((x) => x.kind === 'channel').length, 0);
  // Nor by a room's or the channel's id, found by a member.
  const member = await signedIn(srv, 'member01a@moa.example');
  const lounge = (await member.call('room.list', { consortium_id: 1 })).rooms.find((r) => r.is_lounge);
  const channel = (await member.call('chat.conversations', {})).conversations.find((x) => x.kind === 'channel' && x.consortium_id === 1);
  await member.close();
  assert.equal((await c.request('room.join', { room_id: lounge.id })).error?.code, 'forbidden');
  assert.equal((await c.request('chat.history', { conversation_id: channel.id })).error?.code, 'forbidden');
  assert.equal((await c.request('chat.send', { conversation_id: channel.id, body: 'hello' })).error?.code, 'forbidden');
  const cons = await c.call('consortium.get', { consortium_id: 1 });
  assert.equal(cons.people, undefined);
  assert.equal(cons.my_role, null);
  await c.close();
});

test('a member may not add organizations; the coordinator adds the company, which then sees the rooms', async () => {
  const company = await signedIn(srv, 'ceo@hanbit-robotics.example', PW);
  const orgId = company.me.organization.id;
  const member = await signedIn(srv, 'member01a@moa.example');
  const refused = await member.request('consortium.add_organization', { consortium_id: 1, org_id: orgId });
  assert.equal(refused.error?.code, 'forbidden');
  const coord = await signedIn(srv, 'coord01@moa.example');
  const r = await coord.call('consortium.add_organization', { consortium_id: 1, org_id: orgId });
  assert.deepEqual(r, { consortium_id: 1, org_id: orgId, members_added: 1 });
  const twice = await coord.request('consortium.add_organization', { consortium_id: 1, org_id: orgId });
  assert.equal(twice.error?.code, 'conflict');
  const rooms = await company.call('room.list', { consortium_id: 1 });
  assert.ok(rooms.rooms.length >= 1, 'the lounge at least');
  const convs = await company.call('chat.conversations', {});
  assert.ok(convs.conversations.some((x) => x.kind === 'channel' && x.consortium_id === 1), 'its channel');
  for (const c of [company, member, coord]) await c.close();
});

test('a mail server that refuses the mail: mail_failed, and nothing kept (the e-mail is free again)', async () => {
  const refusing = await startSmtpSink({ refuse: true });
  const db2 = seededDb();
  const s2 = await startServer({ db: db2.path, args: ['--smtp-url', refusing.url, '--smtp-from', 'noreply@moa.example', '--public-url', 'http://127.0.0.1:1'] });
  try {
    const c = await Client.connect(s2);
    const r = await c.request('signup.create', form({ email: 'x@refused.example', bizno: '6088702555' }), { timeout: 60000 });
    assert.equal(r.error?.code, 'mail_failed', JSON.stringify(r));
    // Nothing was kept: a login fails as for any unknown address, and the rate limit did not count it.
    const l = await c.request('auth.login', { email: 'x@refused.example', password: PW });
    assert.equal(l.error?.code, 'invalid_credentials');
    await c.close();
  } finally {
    await s2.stop();
    await refusing.close();
    cleanup(db2.dir);
  }
});

test('without a mail server, sign-up is off: options say so and signup.create is unavailable', async () => {
  const db3 = seededDb();
  const s3 = await startServer({ db: db3.path });
  try {
    const c = await Client.connect(s3);
    assert.equal((await c.call('signup.options')).enabled, false);
    assert.equal((await c.request('signup.create', form())).error?.code, 'unavailable');
    await c.close();
  } finally {
    await s3.stop();
    cleanup(db3.dir);
  }
});
