// The WebSocket protocol as a client meets it: envelope, bad input, limits, origin, subprotocol.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import net from 'node:net';
import tls from 'node:tls';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, seededDb, cleanup, tempDir, Client, signedIn } from '../lib/moa.mjs';

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

test('by default every name of the listen address is allowed: localhost too; a refusal logs the origin and the flag', async () => {
  const port = new URL(srv.url).port;
  // the page at http://localhost:PORT (what a person types) reaches its WebSocket
  const local = await Client.connect(srv, { origin: `http://localhost:${port}` });
  assert.equal((await local.request('system.ping')).ok, true);
  await local.close();
  await assert.rejects(Client.connect(srv, { origin: `http://localhost:${Number(port) + 1}` }));
  await assert.rejects(Client.connect(srv, { origin: `https://localhost:${port}` }));
  await assert.rejects(Client.connect(srv, { origin: 'http://localhost.evil.example' }));
  // the operator reads which origin was refused and how to allow it
  const origin = 'http://meet.example.org:8080';
  await assert.rejects(Client.connect(srv, { origin }));
  const log = () => srv.output().stderr + srv.output().stdout;
  for (let i = 0; i < 40 && !log().includes(`Origin ${origin} is not allowed`); i++) await new Promise((r) => setTimeout(r, 50));
  const line = log().split('\n').find((l) => l.includes(`Origin ${origin} is not allowed`));
  assert.ok(line, `a log line names the refused origin:\n${log().slice(-2000)}`);
  assert.match(line, /--origin http:\/\/meet\.example\.org:8080/);
  assert.match(line, new RegExp(`allowed: http://127\\.0\\.0\\.1:${port},http://localhost:${port}`));
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

// ---- RFC 6455 5.1: a client's frames must be masked ----
// A WebSocket client written here on a raw TCP (or TLS) socket, so it can send what the ws
// package never would: unmasked frames, and frames in the same write as the upgrade request.

function wsFrame(opcode, payload, { mask = true } = {}) {
  const body = Buffer.from(payload);
  const len = body.length;
  const head = [0x80 | opcode];
  if (len < 126) head.push((mask ? 0x80 : 0) | len);
  else head.push((mask ? 0x80 : 0) | 126, len >> 8, len & 0xff);
  if (!mask) return Buffer.concat([Buffer.from(head), body]);
  const key = crypto.randomBytes(4);
  const masked = Buffer.from(body.map((b, i) => b ^ key[i % 4]));
  return Buffer.concat([Buffer.from(head), key, masked]);
}

// Opens /ws with subprotocol moa.v1; `pipelined` bytes go in the same write as the request.
// Resolves {send(buf), frames (server frames so far: {opcode, payload}), ended (resolves when
// the server closes the TCP connection, or after `timeout` ms with false)}.
function rawWs(server, { secure = false, pipelined = Buffer.alloc(0) } = {}) {
  return new Promise((resolve, reject) => {
    const opts = { port: server.port, host: '127.0.0.1' };
    const sock = secure ? tls.connect({ ...opts, rejectUnauthorized: false }) : net.connect(opts);
    const frames = [];
    let buf = Buffer.alloc(0), upgraded = false;
    let endedResolve;
    const ended = new Promise((r) => { endedResolve = r; });
    sock.on('close', () => endedResolve(true));
    sock.on('error', () => endedResolve(true));
    sock.once(secure ? 'secureConnect' : 'connect', () => {
      const key = crypto.randomBytes(16).toString('base64');
      sock.write(Buffer.concat([Buffer.from(`GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n` +
        `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\n` +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: moa.v1\r\n\r\n'), pipelined]));
    });
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (!upgraded) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.subarray(0, end).toString('latin1');
        if (!/^HTTP\/1\.1 101/.test(head)) { reject(new Error(`no upgrade: ${head}`)); sock.destroy(); return; }
        upgraded = true;
        buf = buf.subarray(end + 4);
        resolve({
          send: (b) => sock.write(b),
          frames,
          ended: (timeout) => Promise.race([ended, new Promise((r) => setTimeout(() => r(false), timeout))]),
          destroy: () => sock.destroy(),
        });
      }
      for (;;) { // server frames are unmasked; lengths here stay below 64 KiB
        if (buf.length < 2) return;
        let len = buf[1] & 0x7f, off = 2;
        if (len === 126) { if (buf.length < 4) return; len = buf.readUInt16BE(2); off = 4; }
        if (buf.length < off + len) return;
        frames.push({ opcode: buf[0] & 0x0f, payload: buf.subarray(off, off + len) });
        buf = buf.subarray(off + len);
      }
    });
  });
}

const closeCode = (f) => (f && f.payload.length >= 2 ? f.payload.readUInt16BE(0) : null);
const replies = (c) => c.frames.filter((f) => f.opcode === 1).map((f) => JSON.parse(f.payload.toString()));

async function assertUnmaskedRefused(server, secure) {
  const ping = (id) => JSON.stringify({ id, type: 'system.ping' });
  // Positive control: masked frames are served.
  const good = await rawWs(server, { secure });
  good.send(wsFrame(1, ping(1)));
  for (let t = 0; t < 100 && replies(good).length === 0; t++) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(replies(good).map((m) => [m.id, m.ok]), [[1, true]], 'a masked request is answered');

  const cases = {
    'an unmasked text frame': async () => { const c = await rawWs(server, { secure }); c.send(wsFrame(1, ping(2), { mask: false })); return c; },
    'an unmasked ping': async () => { const c = await rawWs(server, { secure }); c.send(wsFrame(9, 'hi', { mask: false })); return c; },
    'an unmasked frame after a masked one': async () => {
      const c = await rawWs(server, { secure });
      c.send(wsFrame(1, ping(1)));
      for (let t = 0; t < 100 && replies(c).length === 0; t++) await new Promise((r) => setTimeout(r, 50));
      c.send(wsFrame(1, ping(2), { mask: false }));
      return c;
    },
    'an unmasked frame in the same write as the upgrade request': async () =>
      rawWs(server, { secure, pipelined: wsFrame(1, ping(2), { mask: false }) }),
  };
  for (const [what, open] of Object.entries(cases)) {
    const c = await open();
    const ended = await c.ended(5000);
    c.destroy();
    const close = c.frames.find((f) => f.opcode === 8);
    assert.ok(ended, `${secure ? 'wss' : 'ws'}: ${what}: the server kept the connection open`);
    assert.equal(closeCode(close), 1002, `${secure ? 'wss' : 'ws'}: ${what}: close frame ${close ? close.payload.toString('hex') : 'missing'}`);
    assert.ok(!replies(c).some((m) => m.id === 2), `${secure ? 'wss' : 'ws'}: ${what}: the unmasked request was served`);
    assert.ok(!c.frames.some((f) => f.opcode === 10), `${secure ? 'wss' : 'ws'}: ${what}: the unmasked ping was answered`);
  }
  // The masked connection was not disturbed.
  good.send(wsFrame(1, ping(3)));
  for (let t = 0; t < 100 && replies(good).length < 2; t++) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(replies(good).map((m) => m.id), [1, 3]);
  good.destroy();
}

test('unmasked client frames close the connection with 1002 (RFC 6455 5.1), over ws', async () => {
  await assertUnmaskedRefused(srv, false);
});

test('unmasked client frames close the connection with 1002 (RFC 6455 5.1), over wss', async () => {
  const dir = tempDir();
  const cert = join(dir, 'cert.pem'), key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
  const d2 = seededDb();
  const s2 = await startServer({ db: d2.path, args: ['--tls-cert', cert, '--tls-key', key] });
  try {
    await assertUnmaskedRefused(s2, true);
  } finally {
    await s2.stop();
    cleanup(dir);
    cleanup(d2.dir);
  }
});
