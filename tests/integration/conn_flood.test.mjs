// Connection floods (issue 10 item 5): a WebSocket that does not sign in is closed after
// --auth-timeout; --max-conns-per-ip refuses the excess with HTTP 429; 1,100 idle unauthenticated
// sockets against a server limited to 1,024 descriptors leave /healthz and a sign-in answering,
// without the accept loop spinning or the log growing without end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, seededDb, cleanup, Client, signedIn, DEMO_PASSWORD } from '../lib/moa.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function withServer(opts, fn) {
  const db = seededDb();
  const srv = await startServer({ db: db.path, ...opts });
  try {
    return await fn(srv);
  } finally {
    await srv.stop();
    cleanup(db.dir);
  }
}

// Seconds of CPU the process has used (user + system), from /proc.
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

async function httpGet(url, timeoutMs) {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  try {
    const r = await fetch(url, { signal: ac.signal });
    return { status: r.status, body: await r.text() };
  } finally {
    clearTimeout(timer);
  }
}

// Opens n WebSockets spread over source addresses 127.0.2.1..; resolves the clients that opened
// (refused ones are counted by status).
async function flood(srv, n, { spread = 20, batch = 100 } = {}) {
  const open = [], refused = {};
  for (let i = 0; i < n; i += batch) {
    const rs = await Promise.allSettled(Array.from({ length: Math.min(batch, n - i) }, (_, k) =>
      Client.connect(srv, { localAddress: `127.0.2.${1 + ((i + k) % spread)}`, handshakeTimeout: 10000 })));
    for (const r of rs) {
      if (r.status === 'fulfilled') open.push(r.value);
      else refused[r.reason.message] = (refused[r.reason.message] || 0) + 1;
    }
  }
  return { open, refused };
}

test('a connection that does not sign in is closed after --auth-timeout (4408); a signed-in one and a guest stay', async () => {
  await withServer({ args: ['--auth-timeout', '2'] }, async (srv) => {
    // Time from when the client saw its connection open (the server's timer started just before).
    const open = async () => {
      const c = await Client.connect(srv);
      const t0 = Date.now();
      return { c, closed: c.closed.then((r) => ({ ...r, after: Date.now() - t0 })) };
    };
    const { c: idle, closed: idleClosed } = await open();
    const { c: pinger, closed: pingerClosed } = await open();
    const pinging = setInterval(() => pinger.request('system.ping').catch(() => {}), 300);
    const member = await signedIn(srv, 'member01a@moa.example');
    const [a, b] = await Promise.all([idleClosed, pingerClosed]);
    clearInterval(pinging);
    assert.equal(a.code, 4408, JSON.stringify(a));
    assert.match(a.reason, /sign in/);
    assert.equal(b.code, 4408, 'pinging is not signing in');
    for (const x of [a, b]) assert.ok(x.after >= 1500 && x.after < 15000, `closed after ${x.after} ms`);
    await sleep(1000);
    assert.ok((await member.call('me.get')).id > 0, 'the signed-in connection is still open');
    // A guest link's sign-in (auth.guest) counts as signing in.
    const coord = await signedIn(srv, 'coord01@moa.example');
    const seoul = (t) => `${new Date((t + 9 * 3600) * 1000).toISOString().slice(0, 19)}+09:00`;
    const start = Math.floor(Date.now() / 1000) + 86400;
    const meeting = await coord.call('meeting.create', { consortium_id: 1, title: 'flood test', starts_at: seoul(start), ends_at: seoul(start + 3600) });
    const link = await coord.call('meeting.guest_link', { meeting_id: meeting.id, role: 'guest', expires_at: seoul(start + 3600) });
    const guest = await Client.connect(srv);
    await guest.call('auth.guest', { token: link.token, name: 'Guest' });
    await sleep(3000);
    assert.equal((await guest.request('system.ping')).ok, true, 'the guest is still connected after the timeout');
    await Promise.all([coord.close(), guest.close()]);
    const m = await httpGet(`${srv.url}/metrics`, 5000);
    assert.match(m.body, /moa_ws_closed_total\{reason="auth_timeout"\} [1-9]/);
    await member.close();
  });
});

test('--max-conns-per-ip refuses the excess with HTTP 429; other addresses still connect', async () => {
  await withServer({ args: ['--max-conns-per-ip', '5'] }, async (srv) => {
    const five = await Promise.all(Array.from({ length: 5 }, () => Client.connect(srv)));
    await assert.rejects(Client.connect(srv), /HTTP 429/);
    const elsewhere = await Client.connect(srv, { localAddress: '127.0.0.2' });
    assert.equal((await elsewhere.request('system.ping')).ok, true);
    assert.equal((await httpGet(`${srv.url}/healthz`, 5000)).status, 200, 'plain HTTP is not refused');
    await five[0].close();
    await sleep(300);
    const again = await Client.connect(srv);
    assert.equal((await again.request('system.ping')).ok, true, 'a freed place can be taken');
    const m = await httpGet(`${srv.url}/metrics`, 5000);
    assert.match(m.body, /moa_ws_refused_total\{reason="per_ip"\} [1-9]/);
    await Promise.all([...five.slice(1), elsewhere, again].map((c) => c.close()));
  });
});

test('1,100 idle unauthenticated sockets on 1,024 descriptors leave /healthz and a sign-in answering', async () => {
  await withServer({ nofile: 1024, args: ['--auth-timeout', '120'] }, async (srv) => {
    const logBefore = srv.output().stderr.length;
    const { open, refused } = await flood(srv, 1100);
    console.log(`flood: ${open.length} open, refused ${JSON.stringify(refused)}`);
    const health = await httpGet(`${srv.url}/healthz`, 5000);
    assert.equal(health.status, 200, health.body);
    const t0 = Date.now();
    const c = await Client.connect(srv, { localAddress: '127.0.0.9' });
    const r = await c.request('auth.login', { email: 'member02a@moa.example', password: DEMO_PASSWORD }, { timeout: 30000 });
    assert.equal(r.ok, true, JSON.stringify(r));
    console.log(`sign-in during the flood: ${Date.now() - t0} ms`);
    const cpu0 = cpuSeconds(srv.proc.pid);
    await sleep(2000);
    const cpu = cpuSeconds(srv.proc.pid) - cpu0;
    assert.ok(cpu < 0.4, `the server used ${cpu} s of CPU in 2 s of an idle flood`);
    const logged = srv.output().stderr.length - logBefore;
    console.log(`server CPU ${cpu} s in 2 s after the flood; log grew ${logged} bytes`);
    assert.ok(logged < 64 * 1024, `the log grew ${logged} bytes during the flood`);
    await Promise.all([c, ...open].map((x) => x.close()));
  });
});

test('out of descriptors (--fd-reserve 0), accepting backs off instead of spinning, and recovers', async () => {
  // --auth-timeout long enough that the flood is all open before its first sockets are closed.
  await withServer({ nofile: 1024, args: ['--auth-timeout', '30', '--fd-reserve', '0'] }, async (srv) => {
    const logBefore = srv.output().stderr.length;
    const { open, refused } = await flood(srv, 1100);
    console.log(`flood: ${open.length} open, refused ${JSON.stringify(refused)}`);
    const cpu0 = cpuSeconds(srv.proc.pid);
    await sleep(2000);
    const cpu = cpuSeconds(srv.proc.pid) - cpu0;
    assert.ok(cpu < 0.4, `the server used ${cpu} s of CPU in 2 s while out of descriptors`);
    // The flood does not sign in: it is closed, and the server answers again.
    let health = null;
    for (let i = 0; i < 120 && health?.status !== 200; i++) {
      health = await httpGet(`${srv.url}/healthz`, 2000).catch((e) => ({ status: 0, body: String(e) }));
      if (health.status !== 200) await sleep(500);
    }
    assert.equal(health.status, 200, health.body);
    const logged = srv.output().stderr.length - logBefore;
    console.log(`server CPU ${cpu} s in 2 s out of descriptors; log grew ${logged} bytes:\n${srv.output().stderr.slice(logBefore).split('\n').slice(0, 12).join('\n')}`);
    assert.ok(logged < 64 * 1024, `the log grew ${logged} bytes during the flood`);
    const m = (await httpGet(`${srv.url}/metrics`, 5000)).body;
    assert.match(m, /moa_accept_backoffs_total [1-9]/);
    await Promise.all(open.map((x) => x.close()));
  });
});
