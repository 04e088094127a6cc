// Signaling benchmark: starts the real `moa` binary on 127.0.0.1 (a random port, a copy of the
// seeded demo database) and measures, for the record (issue 2):
//
//   1. sign-ins per second: auth.login (scrypt, ln=15 r=8 p=1) then auth.logout, looped by
//      LOGIN_CLIENTS concurrent connections; measured with --login-workers 1 and 2
//      (median of LOGIN_ROUNDS rounds each);
//   2. requests per second for consortium.get (default page of 100 organizations, consortia 1..25
//      in turn, as a member of consortium 1) pipelined on REQ_CONNS connections with REQ_WINDOW
//      requests in flight each, and system.ping measured the same way in the same run as the
//      baseline: rounds alternate ping / get, the figure is the median of REQ_ROUNDS rounds, and
//      get/ping tells what the database work and the larger reply cost. Server CPU per request
//      (from /proc/<pid>/stat) is printed beside it: it is less sensitive to the client sharing
//      the machine's two cores;
//   3. resident memory (VmRSS) of the server idle, then holding IDLE_CONNS idle WebSocket
//      connections signed in with auth.resume (tokens from a few logins, each shared by many
//      connections, so the run does not spend minutes in scrypt), and the cost per connection.
//
// The load phases (1 and 2) raise --rate/--rate-burst so the per-connection rate limiter is not
// what is measured; phase 3 keeps the defaults. Everything targets 127.0.0.1 only.
//
// Env BENCH_PHASES: the phases to run, comma-separated among login, requests, memory (default all
// three; bench/compare.sh runs `requests` beside the chat benchmark).
//
// Usage: node bench/bench_signaling.mjs <moa-binary> <seed-db>
// The open-files limit must allow IDLE_CONNS sockets in this process and in the server (which
// inherits it): bench/run.sh raises `ulimit -n` before running this.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const HOST = '127.0.0.1';
const PASSWORD = 'moa-demo-2025';
const LOAD_RATE = 100000; // --rate and --rate-burst for the load phases (the configured maximum)
const LOGIN_CLIENTS = 8;
const LOGIN_ROUNDS = 5;
const LOGIN_ROUND_MS = 2500;
const REQ_CONNS = 8;
const REQ_WINDOW = 16;
const REQ_ROUNDS = 5;
const REQ_ROUND_MS = 1500;
const IDLE_CONNS = Number(process.env.MOA_BENCH_CONNS || 5000);
const IDLE_TOKENS = 4;
const IDLE_BATCH = 200; // connections opened at once (avoids SYN floods and accept-queue drops)
const RSS_TARGET_MB = 200;
const PHASES = new Set((process.env.BENCH_PHASES || 'login,requests,memory').split(',').map((x) => x.trim()));
for (const p of PHASES) if (!['login', 'requests', 'memory'].includes(p)) { console.error(`bench_signaling: unknown phase '${p}' (login, requests, memory)`); process.exit(2); }

const [moaBin, seedDb] = process.argv.slice(2);
if (!moaBin || !seedDb) {
  console.error('usage: node bench/bench_signaling.mjs <moa-binary> <seed-db>');
  process.exit(2);
}
for (const f of [moaBin, seedDb]) if (!existsSync(f)) { console.error(`bench_signaling: ${f} not found`); process.exit(2); }
const SRC = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLK_TCK = 100; // USER_HZ on Linux

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const log = (...a) => console.log(...a);

function openFilesLimit() {
  const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  return !m || m[1] === 'unlimited' ? Infinity : Number(m[1]);
}

// ---------------------------------------------------------------------------------------------
// The server

const servers = new Set();

async function startServer(args) {
  const dir = mkdtempSync(join(tmpdir(), 'moa-bench-'));
  const db = join(dir, 'moa.db');
  copyFileSync(seedDb, db);
  // Every client runs on 127.0.0.1: no per-address cap (--max-conns-per-ip 0).
  const argv = ['--listen', `${HOST}:0`, '--db', db, '--static', join(SRC, 'web-static'), '--log-level', 'warn', '--max-conns-per-ip', '0', ...args];
  const proc = spawn(moaBin, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  proc.stdout.on('data', (d) => { stdout = (stdout + d).slice(-8192); });
  proc.stderr.on('data', (d) => { stderr = (stderr + d).slice(-8192); }); // always drained: a full pipe would stall it
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`moa did not start in 20 s:\n${stderr}`)), 20000);
    const onData = () => {
      const m = /listening on https?:\/\/\S+:(\d+)/.exec(stdout);
      if (m) { clearTimeout(timer); proc.stdout.off('data', onData); resolve(Number(m[1])); }
    };
    proc.stdout.on('data', onData);
    exited.then(({ code, signal }) => { clearTimeout(timer); reject(new Error(`moa exited (${code ?? signal}) before listening:\n${stderr}`)); });
  });
  const srv = {
    port, pid: proc.pid, url: `ws://${HOST}:${port}/ws`,
    stderr: () => stderr,
    alive: () => proc.exitCode === null && proc.signalCode === null,
    rssKb() { return Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'))[1]); },
    cpuTicks() { // utime + stime of the whole process (all threads)
      const s = readFileSync(`/proc/${proc.pid}/stat`, 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      return Number(f[11]) + Number(f[12]);
    },
    async metrics() {
      const r = await fetch(`http://${HOST}:${port}/metrics`);
      const text = await r.text();
      const get = (name) => Number((new RegExp(`^${name} (\\S+)`, 'm').exec(text) || [])[1]);
      return { connections: get('moa_ws_connections'), sessions: get('moa_sessions') };
    },
    async stop() {
      servers.delete(srv);
      if (srv.alive()) {
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), 10000);
        const r = await exited;
        clearTimeout(t);
        if (r.code !== 0) throw new Error(`moa exited with ${r.code ?? r.signal} on SIGTERM:\n${stderr}`);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  servers.add(srv);
  return srv;
}

// ---------------------------------------------------------------------------------------------
// Clients

function connect(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ['moa.v1'], { perMessageDeflate: false });
    ws.once('open', () => { ws.off('error', reject); resolve(ws); });
    ws.once('error', reject);
    ws.once('unexpected-response', (req, res) => reject(new Error(`handshake refused: HTTP ${res.statusCode}`)));
  });
}

// A small request/reply client (parses every reply; used outside the throughput loop).
class Rpc {
  constructor(ws) {
    this.ws = ws;
    this.nextId = 1;
    this.pending = new Map();
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString());
      const p = this.pending.get(m.id);
      if (p) { this.pending.delete(m.id); p(m); }
    });
    ws.on('close', () => { for (const p of this.pending.values()) p({ ok: false, error: { code: 'closed', message: 'connection closed' } }); this.pending.clear(); });
  }
  static async open(url) { return new Rpc(await connect(url)); }
  request(type, params = {}) {
    const id = this.nextId++;
    return new Promise((resolve) => { this.pending.set(id, resolve); this.ws.send(JSON.stringify({ id, type, ...params })); });
  }
  async call(type, params) {
    const r = await this.request(type, params);
    if (!r.ok) throw new Error(`${type}: ${r.error.code}: ${r.error.message}`);
    return r.result;
  }
  close() { this.ws.terminate(); }
}

const EMAILS = [];
for (let i = 1; i <= 25; i++) for (const s of ['a', 'b']) EMAILS.push(`member${String(i).padStart(2, '0')}${s}@moa.example`);

// ---------------------------------------------------------------------------------------------
// 1. Sign-ins per second

async function loginPhase(workers) {
  const srv = await startServer(['--login-workers', String(workers), '--rate', String(LOAD_RATE), '--rate-burst', String(LOAD_RATE)]);
  try {
    const clients = await Promise.all(Array.from({ length: LOGIN_CLIENTS }, () => Rpc.open(srv.url)));
    const signInOut = async (c, email) => { await c.call('auth.login', { email, password: PASSWORD }); await c.call('auth.logout'); };
    await Promise.all(clients.map((c, i) => signInOut(c, EMAILS[i]))); // warm-up
    const rates = [], cpuMs = [];
    for (let round = 0; round < LOGIN_ROUNDS; round++) {
      let done = 0;
      const t0 = performance.now(), end = t0 + LOGIN_ROUND_MS, c0 = srv.cpuTicks();
      await Promise.all(clients.map(async (c, i) => {
        while (performance.now() < end) {
          await c.call('auth.login', { email: EMAILS[i], password: PASSWORD });
          if (performance.now() <= end) done++;
          await c.call('auth.logout');
        }
      }));
      rates.push(done / (LOGIN_ROUND_MS / 1000));
      cpuMs.push(((srv.cpuTicks() - c0) / CLK_TCK) * 1000 / done); // includes the logouts and the rest of the round
    }
    clients.forEach((c) => c.close());
    return { workers, rates, median: median(rates), cpuMs: median(cpuMs) };
  } finally {
    await srv.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// 2. Requests per second, pipelined

async function requestPhase() {
  const srv = await startServer(['--rate', String(LOAD_RATE), '--rate-burst', String(LOAD_RATE)]);
  try {
    const first = await Rpc.open(srv.url);
    const { token } = await first.call('auth.login', { email: 'member01a@moa.example', password: PASSWORD });
    const sample = await first.request('consortium.get', { consortium_id: 1 });
    if (!sample.ok || !Array.isArray(sample.result.organizations)) throw new Error(`consortium.get: ${JSON.stringify(sample).slice(0, 300)}`);
    const sampleBytes = Buffer.byteLength(JSON.stringify(sample));
    first.close();

    const conns = [];
    for (let i = 0; i < REQ_CONNS; i++) {
      const c = await Rpc.open(srv.url);
      await c.call('auth.resume', { token });
      c.ws.removeAllListeners('message'); // from here on the lean counter below reads the replies
      conns.push(c.ws);
    }

    // One round: every connection keeps REQ_WINDOW requests in flight until the deadline, then
    // drains. Replies are counted, not parsed (the client shares the two cores with the server);
    // an error reply is detected by its text and fails the run.
    const makeReq = {
      'system.ping': (id) => `{"id":${id},"type":"system.ping"}`,
      'consortium.get': (id) => `{"id":${id},"type":"consortium.get","consortium_id":${(id % 25) + 1}}`,
    };
    const round = (type, ms) => new Promise((resolve, reject) => {
      const mk = makeReq[type];
      let replies = 0, inflight = 0, errors = 0, bytes = 0, id = 0, stopped = false, t1 = 0;
      const t0 = performance.now(), c0 = srv.cpuTicks(), end = t0 + ms;
      let c1 = c0;
      const finish = () => { if (inflight === 0) resolve({ rate: replies / ((t1 - t0) / 1000), cpuUs: ((c1 - c0) / CLK_TCK) * 1e6 / replies, replies, bytes, errors }); };
      for (const ws of conns) {
        ws.on('message', function onMsg(data) {
          inflight--;
          if (!stopped) {
            if (performance.now() >= end) { stopped = true; t1 = performance.now(); c1 = srv.cpuTicks(); }
            else { replies++; bytes += data.length; }
          }
          if (data.includes('"ok":false')) errors++;
          if (!stopped) { ws.send(mk(++id)); inflight++; }
          if (stopped && inflight === 0) {
            for (const w of conns) w.removeAllListeners('message');
            if (errors) reject(new Error(`${type}: ${errors} error replies`)); else finish();
          }
        });
        for (let k = 0; k < REQ_WINDOW; k++) { ws.send(mk(++id)); inflight++; }
      }
    });

    await round('system.ping', 500); // warm-up
    await round('consortium.get', 500);
    const ping = [], get = [];
    for (let r = 0; r < REQ_ROUNDS; r++) {
      ping.push(await round('system.ping', REQ_ROUND_MS));
      get.push(await round('consortium.get', REQ_ROUND_MS));
    }
    conns.forEach((ws) => ws.terminate());
    const summary = (rs) => ({ rate: median(rs.map((r) => r.rate)), cpuUs: median(rs.map((r) => r.cpuUs)), bytes: rs.reduce((a, r) => a + r.bytes, 0) / rs.reduce((a, r) => a + r.replies, 0), all: rs.map((r) => r.rate) });
    return { ping: summary(ping), get: summary(get), sampleBytes, orgs: sample.result.organizations.length };
  } finally {
    await srv.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// 3. Resident memory with IDLE_CONNS idle signed-in connections

async function memoryPhase() {
  const srv = await startServer([]);
  const sockets = [];
  try {
    await sleep(500);
    const idleKb = srv.rssKb();
    const tokens = [];
    for (let i = 0; i < IDLE_TOKENS; i++) {
      const c = await Rpc.open(srv.url);
      tokens.push((await c.call('auth.login', { email: EMAILS[i * 2], password: PASSWORD })).token);
      c.close();
    }
    await sleep(500);
    const beforeKb = srv.rssKb();
    const t0 = performance.now();
    for (let base = 0; base < IDLE_CONNS; base += IDLE_BATCH) {
      const n = Math.min(IDLE_BATCH, IDLE_CONNS - base);
      await Promise.all(Array.from({ length: n }, async (_, k) => {
        const i = base + k;
        const ws = await connect(srv.url);
        sockets.push(ws);
        const reply = await new Promise((resolve, reject) => {
          ws.once('message', (d) => resolve(JSON.parse(d.toString())));
          ws.once('close', (code) => reject(new Error(`connection ${i} closed (${code}) before auth.resume replied`)));
          ws.send(JSON.stringify({ id: 1, type: 'auth.resume', token: tokens[i % tokens.length] }));
        });
        if (!reply.ok) throw new Error(`auth.resume on connection ${i}: ${reply.error.code}: ${reply.error.message}`);
        ws.removeAllListeners('close');
      }));
    }
    const openS = (performance.now() - t0) / 1000;
    await sleep(1500);
    const m = await srv.metrics();
    if (m.sessions < IDLE_CONNS) throw new Error(`server reports ${m.sessions} signed-in sessions, expected ${IDLE_CONNS}`);
    const withKb = srv.rssKb();
    return { idleKb, beforeKb, withKb, openS, sessions: m.sessions, perConnKb: (withKb - beforeKb) / IDLE_CONNS };
  } finally {
    sockets.forEach((ws) => ws.terminate());
    await srv.stop();
  }
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const need = IDLE_CONNS + 256;
  const limit = openFilesLimit();
  if (PHASES.has('memory') && limit < need) {
    console.error(`bench_signaling: the open-files limit is ${limit}; ${IDLE_CONNS} connections need at least ${need}` +
      ` (run it through bench/run.sh, which raises ulimit -n, or raise it yourself)`);
    process.exit(1);
  }
  const t0 = performance.now();
  log(`server: ${moaBin} on ${HOST} (random port), a copy of ${seedDb}; client: node ${process.version}, ${cpus().length} cores shared with the server`);
  log(`load phases run with --rate ${LOAD_RATE} --rate-burst ${LOAD_RATE} so the per-connection rate limiter is not what is measured; the memory phase uses the defaults`);

  const logins = PHASES.has('login') ? [await loginPhase(1), await loginPhase(2)] : null;
  const req = PHASES.has('requests') ? await requestPhase() : null;
  const mem = PHASES.has('memory') ? await memoryPhase() : null;

  const f0 = (x) => x.toFixed(0), f1 = (x) => x.toFixed(1), mb = (kb) => (kb / 1024).toFixed(1);
  const rows = [];
  if (logins) rows.push(
    ['sign-ins/s, --login-workers 1', f1(logins[0].median), `auth.login+logout, ${LOGIN_CLIENTS} clients, median of ${LOGIN_ROUNDS} x ${LOGIN_ROUND_MS / 1000} s (${logins[0].rates.map(f1).join(' ')}); server CPU ${f1(logins[0].cpuMs)} ms/sign-in`],
    ['sign-ins/s, --login-workers 2', f1(logins[1].median), `same; x${(logins[1].median / logins[0].median).toFixed(2)} of 1 worker (${logins[1].rates.map(f1).join(' ')}); server CPU ${f1(logins[1].cpuMs)} ms/sign-in`]);
  if (req) rows.push(
    ['system.ping req/s (baseline)', f0(req.ping.rate), `${REQ_CONNS} conns x ${REQ_WINDOW} in flight, median of ${REQ_ROUNDS} x ${REQ_ROUND_MS / 1000} s; server CPU ${f1(req.ping.cpuUs)} us/req`],
    ['consortium.get req/s', f0(req.get.rate), `${req.orgs} orgs/page, ~${f0(req.get.bytes)} B/reply; server CPU ${f1(req.get.cpuUs)} us/req`],
    ['consortium.get / ping', (req.get.rate / req.ping.rate).toFixed(3), `throughput ratio; server CPU ratio ${(req.get.cpuUs / req.ping.cpuUs).toFixed(1)}x`]);
  if (mem) rows.push(
    ['VmRSS idle', `${mb(mem.idleKb)} MB`, 'fresh server, no connection'],
    [`VmRSS, ${IDLE_CONNS} idle conns`, `${mb(mem.withKb)} MB`, `signed in by auth.resume (${IDLE_TOKENS} tokens), opened in batches of ${IDLE_BATCH} in ${f1(mem.openS)} s; target < ${RSS_TARGET_MB} MB: ${mem.withKb / 1024 < RSS_TARGET_MB ? 'met' : 'NOT MET'}`],
    ['memory per connection', `${f1(mem.perConnKb)} KB`, `(${mb(mem.withKb)} - ${mb(mem.beforeKb)} MB after the ${IDLE_TOKENS} logins) / ${IDLE_CONNS}`]);
  const w0 = Math.max(...rows.map((r) => r[0].length)), w1 = Math.max(...rows.map((r) => r[1].length));
  log('');
  log(`${'measure'.padEnd(w0)}  ${'value'.padStart(w1)}  how`);
  for (const [a, b, c] of rows) log(`${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`);
  log(`\n(total ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}

main().then(() => process.exit(0), async (e) => {
  console.error(`bench_signaling: ${e.stack || e}`);
  for (const s of servers) { const tail = s.stderr().trim(); if (tail) console.error(`server stderr (tail):\n${tail.slice(-2000)}`); }
  for (const s of [...servers]) { try { await s.stop(); } catch { /* ignore */ } }
  process.exit(1);
});
