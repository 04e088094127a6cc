// Sessions end everywhere, at once: `moa user disable` and `moa user passwd` (operator commands,
// another process on the same database file), auth.logout on another connection, and a
// session's expiry each end every live connection of that session or user within a second
// (event auth.session_ended, then close 4001); a disabled user's calendar feed refuses.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, seededDb, cleanup, Client, signedIn, runMoa } from '../lib/moa.mjs';

let srv, db;
before(async () => { db = seededDb(); srv = await startServer({ db: db.path }); });
after(async () => { await srv.stop(); cleanup(db.dir); });

const END_CODE = 4001;

// Resolves {elapsed, code, reason, event} once c is closed, measured from t0; rejects after ms.
function endsWithin(c, t0, ms) {
  return Promise.race([
    c.closed.then(({ code, reason }) => ({
      elapsed: Date.now() - t0, code, reason, event: c.events.find((m) => m.type === 'auth.session_ended'),
    })),
    new Promise((_, reject) => setTimeout(() => reject(new Error(`connection still open ${ms} ms later`)), ms)),
  ]);
}

async function channelOf(c, consortiumId) {
  const { conversations } = await c.call('chat.conversations');
  const ch = conversations.find((x) => x.kind === 'channel' && x.consortium_id === consortiumId);
  assert.ok(ch, `channel of consortium ${consortiumId}`);
  return ch.id;
}

// A chat.send on an ended connection gets no reply: the server no longer reads it.
async function sendFails(c, conversationId, body) {
  await assert.rejects(c.request('chat.send', { conversation_id: conversationId, body }, { timeout: 1000 }));
}

async function historyBodies(c, conversationId) {
  const h = await c.call('chat.history', { conversation_id: conversationId, limit: 100 });
  return h.messages.map((m) => m.body);
}

test('moa user disable (another process) ends every connection of the user within a second', async (t) => {
  const email = 'member05a@moa.example';
  const a = await Client.connect(srv);
  const { token } = await a.login(email);
  const b = await Client.connect(srv); // the same session on a second connection
  await b.call('auth.resume', { token });
  const c = await signedIn(srv, email); // another session of the same user
  const other = await signedIn(srv, 'member05b@moa.example'); // same consortium, not disabled
  const conv = await channelOf(a, 5);
  await a.call('chat.send', { conversation_id: conv, body: 'before disable' });

  const spawned = Date.now();
  const r = await runMoa(['user', 'disable', email, '--db', srv.db]);
  assert.equal(r.code, 0, r.stderr);
  const t0 = Date.now();
  const ends = await Promise.all([a, b, c].map((x) => endsWithin(x, t0, 1000)));
  t.diagnostic(`ended ${ends.map((e) => e.elapsed).join(', ')} ms after moa user disable exited ` +
    `(${ends.map((e) => e.elapsed + t0 - spawned).join(', ')} ms after it was started)`);
  for (const e of ends) {
    assert.ok(e.elapsed <= 1000, `ended ${e.elapsed} ms after the command`);
    assert.equal(e.code, END_CODE);
    assert.match(e.reason, /disabled/);
    assert.equal(e.event?.reason, 'disabled');
  }
  for (const x of [a, b, c]) await sendFails(x, conv, 'after disable');
  assert.deepEqual((await historyBodies(other, conv)).filter((t) => t.includes('disable')), ['before disable']);
  assert.equal((await other.call('me.get')).email, 'member05b@moa.example', 'another user keeps going');
  const again = await Client.connect(srv);
  assert.equal((await again.request('auth.resume', { token })).error.code, 'unauthenticated');
  await Promise.all([other.close(), again.close()]);
});

test('moa user passwd (another process) ends every session of the user within a second', async (t) => {
  const email = 'member06a@moa.example';
  const a = await Client.connect(srv);
  const { token } = await a.login(email);
  const b = await Client.connect(srv);
  await b.call('auth.resume', { token });
  const c = await signedIn(srv, email);
  const other = await signedIn(srv, 'member06b@moa.example');
  const conv = await channelOf(other, 6);

  const r = await runMoa(['user', 'passwd', email, '--db', srv.db], { env: { MOA_PASSWORD: 'a-new-password-2026' } });
  assert.equal(r.code, 0, r.stderr);
  const t0 = Date.now();
  const ends = await Promise.all([a, b, c].map((x) => endsWithin(x, t0, 1000)));
  t.diagnostic(`ended ${ends.map((e) => e.elapsed).join(', ')} ms after moa user passwd exited`);
  for (const e of ends) {
    assert.equal(e.code, END_CODE);
    assert.equal(e.event?.reason, 'revoked');
  }
  for (const x of [a, b, c]) await sendFails(x, conv, 'after passwd');
  assert.equal((await historyBodies(other, conv)).includes('after passwd'), false);
  assert.ok((await other.call('me.get')).id, 'another user keeps going');
  const fresh = await signedIn(srv, email, 'a-new-password-2026'); // the new password works
  await Promise.all([other.close(), fresh.close()]);
});

test('auth.logout on one connection ends the other connections of that session, and only those', async (t) => {
  const email = 'member07a@moa.example';
  const a = await Client.connect(srv);
  const { token } = await a.login(email);
  const b = await Client.connect(srv);
  await b.call('auth.resume', { token });
  const sameUserOtherSession = await signedIn(srv, email);
  const otherUser = await signedIn(srv, 'member07b@moa.example');
  const conv = await channelOf(otherUser, 7);

  const t0 = Date.now();
  await a.call('auth.logout');
  const e = await endsWithin(b, t0, 1000);
  t.diagnostic(`the other connection ended ${e.elapsed} ms after auth.logout was sent`);
  assert.equal(e.code, END_CODE);
  assert.equal(e.event?.reason, 'signed_out');
  await sendFails(b, conv, 'after logout');
  // The connection that signed out stays open, signed out (as before).
  assert.equal((await a.request('me.get')).error.code, 'unauthenticated');
  // Another session of the same user, and another user, are untouched.
  await sameUserOtherSession.call('chat.send', { conversation_id: conv, body: 'still here' });
  assert.ok((await otherUser.call('me.get')).id);
  assert.equal((await historyBodies(otherUser, conv)).includes('after logout'), false);
  await Promise.all([a.close(), sameUserOtherSession.close(), otherUser.close()]);
});

test('a session ends on time on its live connections (--session-ttl)', async (t) => {
  const d = seededDb();
  const s2 = await startServer({ db: d.path, args: ['--session-ttl', '3'] });
  try {
    const a = await Client.connect(s2);
    const { token, expires_at } = await a.login('member08a@moa.example');
    const b = await Client.connect(s2);
    await b.call('auth.resume', { token });
    assert.ok(expires_at * 1000 - Date.now() <= 3000, 'the sign-in lasts --session-ttl');
    assert.ok((await a.call('me.get')).id, 'alive before it expires');
    const ends = await Promise.all([a, b].map((x) => endsWithin(x, Date.now(), 5000)));
    t.diagnostic(`ended ${Date.now() - expires_at * 1000} ms after expires_at`);
    for (const e of ends) {
      const late = Date.now() - expires_at * 1000;
      assert.ok(late >= -100, `not ended before it expired (${late} ms)`);
      assert.ok(late <= 1000, `ended ${late} ms after it expired`);
      assert.equal(e.code, END_CODE);
      assert.equal(e.event?.reason, 'expired');
    }
    const c = await Client.connect(s2);
    assert.equal((await c.request('auth.resume', { token })).error.code, 'unauthenticated');
    await c.close();
  } finally {
    await s2.stop();
    cleanup(d.dir);
  }
});

test('the calendar feed of a disabled user refuses (403)', async () => {
  const email = 'member09a@moa.example';
  const m = await signedIn(srv, email);
  const { url } = await m.call('calendar.feed');
  assert.equal((await fetch(`${srv.url}${url}`)).status, 200);
  const r = await runMoa(['user', 'disable', email, '--db', srv.db]);
  assert.equal(r.code, 0, r.stderr);
  const res = await fetch(`${srv.url}${url}`);
  assert.equal(res.status, 403);
  assert.match(await res.text(), /disabled/);
  await endsWithin(m, Date.now(), 1000);
  // Enabled again, the same feed answers again.
  assert.equal((await runMoa(['user', 'enable', email, '--db', srv.db])).code, 0);
  assert.equal((await fetch(`${srv.url}${url}`)).status, 200);
});
