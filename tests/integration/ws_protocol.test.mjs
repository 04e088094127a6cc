// The WebSocket protocol as a client meets it: envelope, bad input, limits, origin, subprotocol.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startServer, seededDb, cleanup, Client, signedIn } from '../lib/moa.mjs';

let srv, db;
before(async () => { db = seededDb(); srv = await startServer({ db: db.path, args: ['--max-message', '8192'] }); });
after(async () => { await srv.stop(); cleanup(db.dir); });

test('a request gets a reply with its id; unknown types get unknown_type', async () => {
  const c = await Client.connect(srv);
  const pong = await c.request('system.ping');
  assert.equal(pong.ok, true);
  assert.equal(typeof pong.result.server_time_ms, 'number');
  const r = await c.request('nosuch.thing');
  assert.deepEqual([r.ok, r.error.code], [false, 'unknown_type']);
  await c.close();
});

test('malformed JSON, non-objects, bad ids and types get bad_request; the connection stays usable', async () => {
  const c = await Client.connect(srv);
  const cases = ['{not json', '[1,2,3]', '"text"', '{"type":"system.ping"}', '{"id":-1,"type":"system.ping"}',
    '{"id":"7","type":"system.ping"}', '{"id":1,"type":"ping"}', '{"id":1,"type":"Sys.Ping"}', '{"id":1}',
    '{"id":1,"type":"system.ping","type":"x.y"}', '{"id":1,"type":"a.b.c"}', JSON.stringify({ id: 1, type: 'x'.repeat(70) + '.y' }),
    '{"id":1,"type":"system.ping","deep":' + '['.repeat(40) + ']'.repeat(40) + '}',
    // a bad escape before a Korean character: the parser's message quoted half of it, and no reply
    // could be built (found by tests/fuzz/fuzz_protocol.c)
    '{"id": 2, "type": "room.create", "name": "O\\의"}'];
  for (const text of cases) {
    c.sendRaw(text);
    const e = await c.waitEvent((m) => m.ok === false);
    assert.equal(e.error.code, 'bad_request', `for ${text}`);
  }
  assert.equal((await c.request('system.ping')).ok, true);
  await c.close();
});

test('missing or mistyped fields get invalid_params naming the field', async () => {
  const c = await Client.connect(srv);
  let r = await c.request('auth.login', { email: 'a@b.c' });
  assert.equal(r.error.code, 'invalid_params');
  assert.match(r.error.message, /password/);
  r = await c.request('auth.login', { email: 42, password: 'x' });
  assert.equal(r.error.code, 'invalid_params');
  assert.match(r.error.message, /email/);
  const m = await signedIn(srv, 'member01a@moa.example');
  r = await m.request('consortium.get', { consortium_id: 'one' });
  assert.equal(r.error.code, 'invalid_params');
  r = await m.request('consortium.get', { consortium_id: 1, limit: 100000 });
  assert.equal(r.error.code, 'invalid_params');
  await c.close();
  await m.close();
});

test('invalid UTF-8 in a text frame closes the connection (1007); others keep being served', async () => {
  const bystander = await Client.connect(srv);
  const c = await Client.connect(srv);
  c.ws.send(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), { binary: false });
  const closed = await c.closed;
  assert.equal(closed.code, 1007);
  assert.equal((await bystander.request('system.ping')).ok, true);
  await bystander.close();
});

test('binary frames are refused with close 1003', async () => {
  const c = await Client.connect(srv);
  c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
  const closed = await c.closed;
  assert.equal(closed.code, 1003);
});

test('an oversized message gets too_large and a close 1009', async () => {
  const c = await Client.connect(srv);
  c.sendRaw(JSON.stringify({ id: 1, type: 'system.ping', pad: 'x'.repeat(20000) }));
  const e = await c.waitEvent((m) => m.ok === false);
  assert.equal(e.error.code, 'too_large');
  const closed = await c.closed;
  assert.equal(closed.code, 1009);
});

test('a flood gets rate_limited, then the flooder is disconnected; others are unaffected', async () => {
  const bystander = await Client.connect(srv);
  const c = await Client.connect(srv);
  const replies = [];
  for (let i = 0; i < 150; i++) replies.push(c.request('system.ping').catch(() => null));
  const got = (await Promise.all(replies)).filter(Boolean);
  const limited = got.filter((r) => r.ok === false && r.error.code === 'rate_limited');
  assert.ok(limited.length >= 80, `${limited.length} rate_limited replies`);
  assert.ok(got.filter((r) => r.ok).length >= 55, 'the burst allowance was served');
  assert.ok(limited[0].error.retry_after > 0);
  // keep flooding past the violation budget: the server closes with 1008
  for (let i = 0; i < 400 && c.ws.readyState === WebSocket.OPEN; i++) c.sendRaw('{"id":1,"type":"system.ping"}');
  const closed = await c.closed;
  // 1008 when the close frame reaches the client; 1006 when its own unread flood makes the
  // kernel reset the connection first. Either way the flooder is gone.
  assert.ok([1008, 1006].includes(closed.code), `closed with ${closed.code}`);
  assert.equal((await bystander.request('system.ping')).ok, true);
  await bystander.close();
});

test('a foreign Origin is refused; the site origin and no origin are accepted', async () => {
  await assert.rejects(Client.connect(srv, { origin: 'http://evil.example' }));
  const ok = await Client.connect(srv, { origin: srv.url });
  await ok.close();
});

test('a client must ask for the moa.v1 subprotocol at /ws', async () => {
  await assert.rejects(Client.connect(srv, { protocol: null }));
  await assert.rejects(Client.connect(srv, { protocol: 'chat' }));
  await assert.rejects(Client.connect(srv.wsUrl.replace('/ws', '/other')));
});

test('a client that stops reading is disconnected when its queue passes the bound', async () => {
  const d2 = seededDb();
  const s2 = await startServer({ db: d2.path, args: ['--outq-bytes', '65536', '--rate', '10000', '--rate-burst', '10000'] });
  try {
    const c = await signedIn(s2, 'member01a@moa.example');
    c.ws._socket.pause(); // stop reading: the kernel buffers fill, then the server's queue
    for (let i = 0; i < 400; i++) c.sendRaw(JSON.stringify({ id: 1000 + i, type: 'consortium.get', consortium_id: 1, limit: 500 }));
    await new Promise((r) => setTimeout(r, 3000));
    const metrics = await (await fetch(`${s2.url}/metrics`)).text();
    assert.match(metrics, /^moa_ws_connections 0$/m, 'the slow client was dropped');
    c.ws._socket.resume();
    const closed = await c.closed;
    assert.ok(closed.code === 1008 || closed.code === 1006, `closed with ${closed.code}`);
  } finally {
    await s2.stop();
    cleanup(d2.dir);
  }
});

test('a backlog of replies arrives whole and in order, several messages to a write', async () => {
  const d2 = seededDb();
  const s2 = await startServer({ db: d2.path, args: ['--rate', '10000', '--rate-burst', '10000'] });
  try {
    const c = await signedIn(s2, 'member01a@moa.example');
    const replies = [];
    c.ws.on('message', (buf) => { const m = JSON.parse(buf.toString()); if (m.id >= 5000) replies.push(m); });
    c.ws._socket.pause(); // the server's queue for this client fills while it does not read
    // small replies (about 60 bytes), medium ones (a page of 5 organizations, past the 126-byte
    // frame-length form) and large ones (every organization and person of the consortium)
    const sent = [];
    for (let i = 0; i < 600; i++) {
      const id = 5000 + i;
      const req = i % 50 === 7 ? { id, type: 'consortium.get', consortium_id: 1, limit: 500 }
        : i % 10 === 3 ? { id, type: 'consortium.get', consortium_id: 1, limit: 5 }
          : { id, type: 'system.ping' };
      sent.push(req);
      c.sendRaw(JSON.stringify(req));
    }
    await new Promise((r) => setTimeout(r, 1500));
    c.ws._socket.resume();
    const t0 = Date.now();
    while (replies.length < sent.length && Date.now() - t0 < 30000) await new Promise((r) => setTimeout(r, 50));
    assert.equal(replies.length, sent.length, `${replies.length} of ${sent.length} replies`);
    assert.deepEqual(replies.map((m) => m.id), sent.map((q) => q.id), 'in the order asked');
    for (const [i, m] of replies.entries()) {
      assert.equal(m.ok, true, JSON.stringify(m).slice(0, 200));
      if (sent[i].type === 'consortium.get') assert.equal(m.result.id, 1);
      else assert.equal(typeof m.result.server_time_ms, 'number');
    }
    const metrics = await (await fetch(`${s2.url}/metrics`)).text();
    const batched = Number(/^moa_ws_batched_messages_total (\d+)$/m.exec(metrics)?.[1]);
    const writes = Number(/^moa_ws_batched_writes_total (\d+)$/m.exec(metrics)?.[1]);
    assert.ok(writes >= 1 && batched >= 2 * writes, `batched writes ${writes}, messages ${batched}`);
    await c.close();
  } finally {
    await s2.stop();
    cleanup(d2.dir);
  }
});
