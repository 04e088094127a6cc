// Sign-in, sessions and the authorization matrix (role x consortium), through the real binary.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, seededDb, cleanup, Client, signedIn, DEMO_PASSWORD } from '../lib/moa.mjs';

let srv, db;
before(async () => { db = seededDb(); srv = await startServer({ db: db.path }); });
after(async () => { await srv.stop(); cleanup(db.dir); });

test('nothing but signing in works before authentication', async () => {
  const c = await Client.connect(srv);
  for (const type of ['me.get', 'consortium.list', 'consortium.get', 'auth.logout']) {
    const r = await c.request(type, { consortium_id: 1 });
    assert.equal(r.error.code, 'unauthenticated', type);
  }
  await c.close();
});

test('auth.login returns a token and the profile with memberships; me.get agrees', async () => {
  const c = await Client.connect(srv);
  const r = await c.login('member01a@moa.example');
  assert.match(r.token, /^[A-Za-z0-9_-]{43}$/);
  assert.ok(r.expires_at > Date.now() / 1000 + 86400);
  assert.equal(r.user.email, 'member01a@moa.example');
  assert.deepEqual(r.user.consortia.map((x) => [x.id, x.role]), [[1, 'member']]);
  const me = await c.call('me.get');
  assert.equal(me.id, r.user.id);
  assert.ok(me.organization && me.organization.name);
  assert.equal((await c.request('auth.login', { email: 'member01a@moa.example', password: DEMO_PASSWORD })).error.code, 'conflict');
  await c.close();
});

test('wrong password and unknown email give the same invalid_credentials', async () => {
  const c = await Client.connect(srv);
  const a = await c.request('auth.login', { email: 'member02a@moa.example', password: 'wrong-password' });
  const b = await c.request('auth.login', { email: 'nobody@moa.example', password: 'wrong-password' });
  assert.equal(a.error.code, 'invalid_credentials');
  assert.equal(b.error.code, 'invalid_credentials');
  assert.equal(a.error.message, b.error.message);
  await c.close();
});

test('a session token resumes on a new connection until logout', async () => {
  const c1 = await Client.connect(srv);
  const { token } = await c1.login('member03a@moa.example');
  const c2 = await Client.connect(srv);
  const r = await c2.call('auth.resume', { token });
  assert.equal(r.user.email, 'member03a@moa.example');
  assert.equal(r.token, undefined, 'resume does not mint a new token');
  await c2.call('auth.logout');
  assert.equal((await c2.request('me.get')).error.code, 'unauthenticated');
  const c3 = await Client.connect(srv);
  assert.equal((await c3.request('auth.resume', { token })).error.code, 'unauthenticated');
  assert.equal((await c3.request('auth.resume', { token: 'x'.repeat(43) })).error.code, 'unauthenticated');
  await Promise.all([c1.close(), c2.close(), c3.close()]);
});

test('failed sign-ins are slowed, then the account is locked', async () => {
  const c = await Client.connect(srv);
  const email = 'member04b@moa.example';
  const times = [];
  for (let i = 0; i < 5; i++) {
    const t0 = Date.now();
    const r = await c.request('auth.login', { email, password: `bad-${i}-password` });
    times.push(Date.now() - t0);
    assert.equal(r.error.code, 'invalid_credentials');
  }
  assert.ok(times[4] > times[0], `delays grow: ${times.join(', ')} ms`);
  const locked = await c.request('auth.login', { email, password: DEMO_PASSWORD });
  assert.equal(locked.error.code, 'locked');
  assert.ok(locked.error.retry_after > 0 && locked.error.retry_after <= 60);
  await c.close();
});

test('authorization matrix: people of a consortium are visible to its members, its coordinator and admins only', async () => {
  const member1 = await signedIn(srv, 'member01a@moa.example');
  const coord1 = await signedIn(srv, 'coord01@moa.example');
  const member2 = await signedIn(srv, 'member02a@moa.example');
  const admin = await signedIn(srv, 'admin@moa.example');
  const list = await member1.call('consortium.list');
  assert.equal(list.consortia.length, 25, 'every signed-in member sees the 25 consortia');
  assert.equal(list.consortia.find((x) => x.id === 1).my_role, 'member');
  assert.equal(list.consortia.find((x) => x.id === 2).my_role, null);
  const cases = [
    [member1, 1, true, 'member'], [member1, 2, false, null],
    [coord1, 1, true, 'coordinator'], [coord1, 2, false, null],
    [member2, 1, false, null], [member2, 2, true, 'member'],
    [admin, 1, true, null], [admin, 2, true, null],
  ];
  for (const [who, cid, seesPeople, role] of cases) {
    const g = await who.call('consortium.get', { consortium_id: cid });
    assert.equal(g.id, cid);
    assert.ok(g.organizations.length > 0, 'member organizations are public to signed-in users');
    assert.equal(g.my_role, role);
    assert.equal('people' in g, seesPeople, `${who.me.email} people of ${cid}`);
    if (seesPeople) {
      assert.ok(g.people.some((p) => p.role === 'coordinator' && p.email.startsWith('coord')));
    }
  }
  assert.equal((await member1.request('consortium.get', { consortium_id: 999 })).error.code, 'not_found');
  await Promise.all([member1, coord1, member2, admin].map((c) => c.close()));
});

test('twenty failures from one address lock the address', async () => {
  const d2 = seededDb();
  const s2 = await startServer({ db: d2.path });
  try {
    const clients = await Promise.all(Array.from({ length: 20 }, () => Client.connect(s2)));
    // The checks of one address run one at a time (login_gate.h): 20 of them take a while on a loaded machine.
    const rs = await Promise.all(clients.map((c, i) => c.request('auth.login', { email: `ghost${i}@moa.example`, password: 'nope-nope' }, { timeout: 120000 })));
    assert.ok(rs.every((r) => r.error.code === 'invalid_credentials'));
    const c = await Client.connect(s2);
    const r = await c.request('auth.login', { email: 'member05a@moa.example', password: DEMO_PASSWORD });
    assert.equal(r.error.code, 'locked');
    assert.ok(r.error.retry_after > 0);
    await Promise.all([...clients, c].map((x) => x.close()));
  } finally {
    await s2.stop();
    cleanup(d2.dir);
  }
});
