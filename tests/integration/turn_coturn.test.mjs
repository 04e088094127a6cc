// TURN credentials against coturn's own check: Debian's `turnserver` runs on a loopback port
// with the configuration `moa turn-config` writes (use-auth-secret with Moa's secret, TLS only),
// and coturn's client `turnutils_uclient` (over TLS) is accepted with a credential Moa hands out
// in room.join and refused with an expired one, with an altered password and with the same
// password under another user's name. Also: the join result's ice_servers / media_ports, and a
// scheduled meeting's credential lasting until the meeting's end plus an hour.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, signedIn, seededDb, cleanup, tempDir, runMoa } from '../lib/moa.mjs';
import { requireCoturn, makeSecret, makeCert, writeTurnConfig, freePort, startCoturn, uclient } from '../lib/coturn.mjs';

const HOST = '127.0.0.1';
let dir, db, srv, turn, port, secret;
const clients = [];
const now = () => Math.floor(Date.now() / 1000);

before(async () => {
  requireCoturn();
  dir = tempDir('moa-turn-');
  db = seededDb();
  secret = makeSecret(dir);
  const { cert, key } = makeCert(dir, HOST);
  port = await freePort(HOST);
  const url = `turns:${HOST}:${port}?transport=tcp`;
  const { path } = await writeTurnConfig(dir, ['--turn-secret-file', secret, '--turn-url', url, '--turn-listen', `${HOST}:${port}`,
    '--turn-cert', cert, '--turn-key', key, '--media-ip', HOST]);
  turn = await startCoturn({ conf: path, dir, host: HOST, port });
  srv = await startServer({ db: db.path, args: ['--turn-url', url, '--turn-secret-file', secret] });
});

after(async () => {
  for (const c of clients) await c.close().catch(() => {});
  await srv?.stop();
  await turn?.stop();
  cleanup(db?.dir);
  cleanup(dir);
});

async function user(email) {
  const c = await signedIn(srv, email);
  clients.push(c);
  return c;
}

async function loungeJoin(c, cid) {
  const rooms = await c.call('room.list', { consortium_id: cid });
  return c.call('room.join', { room_id: rooms.rooms.find((r) => r.is_lounge).id });
}

// Checks with coturn, showing its log when the outcome is not the expected one.
async function expectTurn(cred, accepted, what, extra = {}) {
  const r = await uclient({ host: HOST, port, username: cred.username, credential: cred.credential, peer: HOST, ...extra });
  const ok = r.code === 0;
  assert.equal(ok, accepted, `${what}: turnutils_uclient exited ${r.code}\n${r.out.slice(-1500)}\n--- coturn log ---\n${turn.log().slice(-3000)}`);
  if (!accepted) assert.match(r.out, /Cannot complete Allocation|401|Unauthorized/, `${what}: refused at allocation`);
  return r;
}

test('coturn accepts the credential a join hands out; ice_servers and media_ports in the result', async () => {
  const c = await user('member01a@moa.example');
  const t0 = now();
  const r = await loungeJoin(c, 1);
  assert.equal(r.ice_servers.length, 1);
  const s = r.ice_servers[0];
  assert.deepEqual(s.urls, [`turns:${HOST}:${port}?transport=tcp`]);
  const [expiry, uid] = s.username.split(':');
  assert.equal(Number(uid), c.me.id, 'the user part is the user id');
  const ttl = Number(expiry) - t0;
  assert.ok(ttl >= 43200 - 5 && ttl <= 43200 + 5, `an open room's credential lasts --turn-ttl (43200 s): ${ttl}`);
  assert.match(s.credential, /^[A-Za-z0-9+/]{27}=$/);
  assert.equal(r.media_ports.address, HOST);
  assert.ok(r.media_ports.udp > 0);
  assert.deepEqual(r.media_ports.turn, [{ host: HOST, port, transport: 'tls' }]);
  await expectTurn(s, true, 'a fresh credential from room.join', { peerPort: r.media_ports.udp });
});

test('coturn refuses an expired credential, an altered password and the password under another user', async () => {
  // moa turn-credential mints exactly as the server does; --ttl 1 lets it expire in the test
  const mint = async (ttl) => {
    const r = await runMoa(['turn-credential', '--turn-secret-file', secret, '--user', '77', '--ttl', String(ttl)]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout);
  };
  const fresh = await mint(600);
  await expectTurn(fresh, true, 'a fresh credential from moa turn-credential');
  const soon = await mint(1);
  await new Promise((res) => setTimeout(res, 2500));
  assert.ok(soon.expires_at < now());
  await expectTurn(soon, false, 'an expired credential');

  const c = await user('member01b@moa.example');
  const s = (await loungeJoin(c, 1)).ice_servers[0];
  const flipped = s.credential[0] === 'A' ? `B${s.credential.slice(1)}` : `A${s.credential.slice(1)}`;
  await expectTurn({ username: s.username, credential: flipped }, false, 'an altered password');
  const [expiry] = s.username.split(':');
  await expectTurn({ username: `${expiry}:${c.me.id + 1}`, credential: s.credential }, false, 'another user with this password');
  await expectTurn({ username: `${Number(expiry) + 3600}:${c.me.id}`, credential: s.credential }, false, 'a later expiry with this password');
  const wrongSecret = await runMoa(['turn-credential', '--turn-secret-file', makeSecret(tempDir('moa-turn2-')), '--user', '77']);
  await expectTurn(JSON.parse(wrongSecret.stdout), false, 'a credential made with another secret');
});

test("a scheduled meeting's credential lasts until its end plus an hour", async () => {
  const coord = await user('coord01@moa.example');
  const seoul = (t) => `${new Date((t + 9 * 3600) * 1000).toISOString().slice(0, 19)}+09:00`;
  const start = now() - 60, end = start + 1800;
  const m = await coord.call('meeting.create', { consortium_id: 1, title: 'TURN 시험 회의', starts_at: seoul(start), ends_at: seoul(end) });
  const r = await coord.call('room.join', { room_id: m.room_id });
  const expiry = Number(r.ice_servers[0].username.split(':')[0]);
  const want = m.ends_at + 3600;
  assert.ok(Math.abs(expiry - want) <= 5, `expiry ${expiry} is the meeting's end plus an hour (${want})`);
  await expectTurn(r.ice_servers[0], true, "a meeting's credential", { peerPort: r.media_ports.udp });
});

test('without --turn-url a join has no ice_servers, and turn-config refuses to run without a secret', async () => {
  const plain = await startServer({ db: db.path });
  try {
    const c = await signedIn(plain, 'member01a@moa.example');
    const r = await loungeJoin(c, 1);
    assert.deepEqual(r.ice_servers, []);
    assert.deepEqual(r.media_ports.turn, []);
    await c.close();
  } finally { await plain.stop(); }
  const r = await runMoa(['turn-config', '--tls-cert', '/x', '--tls-key', '/y']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /turn-secret-file/);
  const bad = await runMoa(['--turn-url', 'turns:x:443']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /turn-secret-file/);
});
