// HTTP surface of the real binary: health, metrics, static files, traversal, bind address, TLS.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import https from 'node:https';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, seededDb, tempDir, cleanup, Client } from '../lib/moa.mjs';

// Sends a raw request line (no client-side URL normalisation) and returns {status, headers, body}.
function rawGet(port, path, host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, host);
    let data = Buffer.alloc(0);
    s.on('connect', () => s.write(`GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nConnection: close\r\n\r\n`));
    const parse = () => {
      const text = data.toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      if (split < 0) return null;
      const lines = text.slice(0, split).split('\r\n');
      const status = Number(lines[0].split(' ')[1]);
      const headers = Object.fromEntries(lines.slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      const body = data.subarray(Buffer.byteLength(text.slice(0, split + 4), 'latin1'));
      const want = Number(headers['content-length'] ?? NaN);
      if (!Number.isNaN(want) && body.length < want) return null;
      return { status, headers, body: body.toString('utf8') };
    };
    // lws may keep the connection open after the response: finish at Content-Length.
    s.on('data', (d) => {
      data = Buffer.concat([data, d]);
      const r = parse();
      if (r) { s.destroy(); resolve(r); }
    });
    s.on('error', reject);
    s.on('end', () => { const r = parse(); if (r) resolve(r); else reject(new Error(`incomplete response to ${path}`)); });
  });
}

let srv, db;
before(async () => { db = seededDb(); srv = await startServer({ db: db.path }); });
after(async () => { await srv.stop(); cleanup(db.dir); });

test('GET /healthz answers status, version and uptime as JSON', async () => {
  const r = await fetch(`${srv.url}/healthz`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /application\/json/);
  const h = await r.json();
  assert.equal(h.status, 'ok');
  assert.match(h.version, /^\d+\.\d+\.\d+$/);
  assert.equal(typeof h.uptime_s, 'number');
});

test('GET /metrics is Prometheus text with connection, request and database series', async () => {
  const c = await Client.connect(srv);
  await c.request('system.ping');
  const r = await fetch(`${srv.url}/metrics`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /text\/plain/);
  const t = await r.text();
  assert.match(t, /^# TYPE moa_ws_connections gauge$/m);
  assert.match(t, /^moa_ws_connections 1$/m);
  assert.match(t, /^moa_requests_total\{type="system.ping"\} [1-9]\d*$/m);
  assert.match(t, /^moa_db_seconds_total \d/m);
  assert.match(t, /^moa_errors_total\{code="forbidden"\} \d+$/m);
  // recording (docs/RECORDING.md): nothing is being recorded on an idle server
  assert.match(t, /^# TYPE moa_recording_active gauge$/m);
  assert.match(t, /^moa_recording_active 0$/m);
  for (const kind of ['packets', 'bytes', 'dropped']) {
    assert.match(t, new RegExp(`^# TYPE moa_recording_${kind}_total counter$`, 'm'));
    assert.match(t, new RegExp(`^moa_recording_${kind}_total 0$`, 'm'));
  }
  await c.close();
});

test('static files are served with content types and cache headers', async () => {
  const page = await fetch(`${srv.url}/`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type'), /text\/html/);
  assert.match(await page.text(), /모아/);
  const js = await fetch(`${srv.url}/js/app.js`);
  assert.equal(js.status, 200);
  assert.match(js.headers.get('content-type'), /javascript/);
  assert.ok(js.headers.get('cache-control'), 'a cache-control header');
  const css = await fetch(`${srv.url}/app.css`);
  assert.match(css.headers.get('content-type'), /text\/css/);
  // lws' security headers: scripts only from this origin
  assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
});

test('a 404 does not spoil the keep-alive connection for the next request', async () => {
  // Two requests on one connection, the first one missing (lws 4.1's file mount got this wrong).
  const body = await new Promise((resolve, reject) => {
    const s = net.connect(srv.port, '127.0.0.1');
    let data = '';
    s.on('connect', () => s.write(`GET /favicon.ico HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /js/app.js HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`));
    s.on('data', (d) => { data += d; if (/HTTP\/1.1 200/.test(data)) { s.destroy(); resolve(data); } });
    s.on('error', reject);
    s.on('close', () => resolve(data));
  });
  assert.match(body, /HTTP\/1.1 404/);
  // Either the server closed after the 404 (the client then retries on a new connection) or it
  // answered the second request: it must never answer it with 404.
  const second = await fetch(`${srv.url}/js/app.js`);
  assert.equal(second.status, 200);
  assert.ok(!/404[\s\S]*HTTP\/1.1 404/.test(body), 'the second request was not answered 404');
});

test('HEAD works like GET without a body', async () => {
  const r = await fetch(`${srv.url}/`, { method: 'HEAD' });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /text\/html/);
});

test('unknown paths are 404', async () => {
  assert.equal((await fetch(`${srv.url}/no/such/file.html`)).status, 404);
  assert.equal((await fetch(`${srv.url}/nope.js`)).status, 404);
});

test('path traversal never escapes web-static', async () => {
  const attempts = ['/../gateway/main.c', '/%2e%2e/gateway/main.c', '/..%2fgateway%2fmain.c', '/%2e%2e%2fCMakeLists.txt',
    '/./../CMakeLists.txt', '/js/app.js/../../../CMakeLists.txt', '/..\\CMakeLists.txt', '/%252e%252e/CMakeLists.txt',
    '//etc/passwd', '/../../../../etc/passwd', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd'];
  for (const p of attempts) {
    const r = await rawGet(srv.port, p);
    assert.ok(!/cmake_minimum_required|int main\(|root:x:0:0/.test(r.body), `${p} leaked a file`);
    assert.ok(r.status === 404 || r.status === 403 || r.status === 400 || (r.status === 200 && /모아/.test(r.body)),
      `${p} answered ${r.status}`);
  }
});

test('a server on 127.0.0.1 does not answer on another address (127.0.0.2)', async () => {
  const err = await new Promise((resolve) => {
    const s = net.connect({ port: srv.port, host: '127.0.0.2' });
    s.on('connect', () => { s.destroy(); resolve(null); });
    s.on('error', (e) => resolve(e));
  });
  assert.ok(err, 'connection to 127.0.0.2 must fail');
  assert.equal(err.code, 'ECONNREFUSED');
});

// GET over HTTPS from the test's self-signed server: {status, b (the body)}.
function httpsGet(url) {
  return new Promise((resolve, reject) => {
    https.get(url, { rejectUnauthorized: false }, (res) => {
      let b = '';
      res.on('data', (d) => (b += d));
      res.on('end', () => resolve({ status: res.statusCode, b }));
    }).on('error', reject);
  });
}

test('HTTPS and WSS with --tls-cert/--tls-key', async () => {
  const dir = tempDir();
  const cert = join(dir, 'cert.pem'), key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert,
    '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
  const d2 = seededDb();
  const tls = await startServer({ db: d2.path, args: ['--tls-cert', cert, '--tls-key', key] });
  try {
    const body = await httpsGet(`${tls.url}/healthz`);
    assert.equal(body.status, 200);
    assert.equal(JSON.parse(body.b).status, 'ok');
    const c = await Client.connect(tls, { origin: tls.url });
    const pong = await c.request('system.ping');
    assert.equal(pong.ok, true);
    // a backlog over TLS: the replies go several to a write (gateway/ws_batch.h), whole and in order
    const ids = [];
    c.ws.on('message', (buf) => { const m = JSON.parse(buf.toString()); if (m.id >= 100 && m.ok) ids.push(m.id); });
    c.ws._socket.pause();
    for (let i = 0; i < 50; i++) c.sendRaw(JSON.stringify({ id: 100 + i, type: 'system.ping' }));
    await new Promise((r) => setTimeout(r, 500));
    c.ws._socket.resume();
    for (let t = 0; ids.length < 50 && t < 200; t++) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(ids, Array.from({ length: 50 }, (_, i) => 100 + i));
    const metrics = (await httpsGet(`${tls.url}/metrics`)).b;
    assert.ok(Number(/^moa_ws_batched_writes_total (\d+)$/m.exec(metrics)[1]) >= 1, 'several replies went in one write');
    await c.close();
  } finally {
    await tls.stop();
    cleanup(dir);
    cleanup(d2.dir);
  }
});
