// Test harness: starts the real `moa` binary on a random loopback port with a copy of the
// seeded demo database, and speaks the moa.v1 protocol to it as a client would.
import { spawn } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';

export const MOA_BIN = process.env.MOA_BIN;
export const MOA_SRC = process.env.MOA_SRC || process.cwd();
export const MOA_BUILD = process.env.MOA_BUILD;
export const SEED_DB = MOA_BUILD ? join(MOA_BUILD, 'test-seed.db') : null;
export const DEMO_PASSWORD = 'moa-demo-2025';

if (!MOA_BIN) throw new Error('MOA_BIN is not set: run the tests through ctest (make test)');

export function tempDir(prefix = 'moa-test-') {
  return mkdtempSync(join(tmpdir(), prefix));
}

// A fresh copy of the seeded database (reference + demo data) in a new temp dir.
export function seededDb() {
  if (!SEED_DB || !existsSync(SEED_DB)) throw new Error(`seed database ${SEED_DB} missing (ctest fixture seed_demo_db)`);
  const dir = tempDir();
  const path = join(dir, 'moa.db');
  copyFileSync(SEED_DB, path);
  return { dir, path };
}

// Runs `moa <args>` to completion; resolves {code, stdout, stderr}.
export function runMoa(args, { input, env } = {}) {
  return new Promise((resolve) => {
    const p = spawn(MOA_BIN, args, { env: { ...process.env, ...env } });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    if (input !== undefined) p.stdin.end(input);
    else p.stdin.end();
  });
}

// Starts the server. Resolves {url, wsUrl, port, proc, stop(signal), output()}.
// With netns (tests/lib/netns.mjs), the server runs inside that network namespace. With nofile,
// it runs with that many file descriptors at most (soft and hard limit, util-linux prlimit). With
// wrap (e.g. ['strace', '-f', ...]), moa runs under that command: proc is then the wrapper's.
export async function startServer({ db, host = '127.0.0.1', args = [], env = {}, staticDir, netns, nofile, wrap = [] } = {}) {
  const dbPath = db ?? seededDb().path;
  const argv = ['--listen', `${host.includes(':') ? `[${host}]` : host}:0`, '--db', dbPath,
    '--static', staticDir ?? join(MOA_SRC, 'web-static'), '--media-port', '0', '--media-workers', '1', ...args];
  // MOA_LOG_LEVEL (e.g. debug: the per-second bwe and layer lines), with MOA_LOG_FILE below
  if (process.env.MOA_LOG_LEVEL && !args.includes('--log-level')) argv.push('--log-level', process.env.MOA_LOG_LEVEL);
  const bin = [...wrap, ...(nofile ? ['prlimit', `--nofile=${nofile}:${nofile}`, '--', MOA_BIN] : [MOA_BIN])];
  const [cmd, cmdArgs] = netns ? netns.wrap([...bin, ...argv]) : [bin[0], [...bin.slice(1), ...argv]];
  const proc = spawn(cmd, cmdArgs, { env: { ...process.env, ...env } });
  let stdout = '', stderr = '';
  proc.stderr.on('data', (d) => {
    stderr += d;
    // MOA_LOG_FILE: a copy of every server's log, to read after a failing test
    if (process.env.MOA_LOG_FILE) appendFileSync(process.env.MOA_LOG_FILE, d);
  });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`moa did not start in 20 s:\n${stderr}`)), 20000);
    proc.stdout.on('data', (d) => {
      stdout += d;
      const m = /listening on (https?):\/\/\S+:(\d+)/.exec(stdout);
      if (m) { clearTimeout(timer); resolve(Number(m[2])); }
    });
    exited.then(({ code }) => { clearTimeout(timer); reject(new Error(`moa exited (${code}) before listening:\n${stderr}`)); });
  });
  const tls = args.includes('--tls-cert');
  const h = host.includes(':') ? `[${host}]` : host;
  const server = {
    port, proc, db: dbPath, exited,
    url: `${tls ? 'https' : 'http'}://${h}:${port}`,
    wsUrl: `${tls ? 'wss' : 'ws'}://${h}:${port}/ws`,
    output: () => ({ stdout, stderr }),
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode !== null || proc.signalCode !== null) return exited;
      proc.kill(signal);
      return exited;
    },
  };
  return server;
}

// A protocol client. request() resolves with the whole reply {id, ok, result|error}.
export class Client {
  constructor(ws) {
    this.ws = ws;
    this.nextId = 1;
    this.pending = new Map();
    this.events = [];
    this.waiters = [];
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString());
      if (msg.id !== undefined && msg.id !== null && this.pending.has(msg.id)) {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        p(msg);
      } else if (msg.type) {
        this.events.push(msg);
        this.waiters = this.waiters.filter((w) => !(w.match(msg) && (w.resolve(msg), true)));
      } else {
        this.events.push(msg); // error replies without id (bad frames)
        this.waiters = this.waiters.filter((w) => !(w.match(msg) && (w.resolve(msg), true)));
      }
    });
  }

  // localAddress: the loopback source address to connect from (e.g. '127.0.0.2'), so a test can
  // be "another person" for the server's per-address limits.
  static async connect(server, { origin, protocol = 'moa.v1', headers, localAddress, handshakeTimeout } = {}) {
    const ws = new WebSocket(server.wsUrl ?? server, protocol ? [protocol] : [], {
      origin, headers, rejectUnauthorized: false, maxPayload: 64 << 20, localAddress, handshakeTimeout,
    });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
      ws.once('unexpected-response', (req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    return new Client(ws);
  }

  request(type, params = {}, { timeout = 15000 } = {}) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.pending.delete(id); reject(new Error(`no reply to ${type} in ${timeout} ms`)); }, timeout);
      this.pending.set(id, (m) => { clearTimeout(timer); resolve(m); });
      this.ws.send(JSON.stringify({ id, type, ...params }));
    });
  }

  // request() that throws unless ok; returns result.
  async call(type, params = {}, opts) {
    const r = await this.request(type, params, opts);
    if (!r.ok) throw new Error(`${type} failed: ${r.error.code}: ${r.error.message}`);
    return r.result;
  }

  sendRaw(data) { this.ws.send(data); }

  waitEvent(match, timeout = 10000) {
    const fn = typeof match === 'string' ? (m) => m.type === match : match;
    const found = this.events.find(fn);
    if (found) { this.events.splice(this.events.indexOf(found), 1); return Promise.resolve(found); }
    return new Promise((resolve, reject) => {
      const waiter = { match: fn, resolve: (m) => { clearTimeout(timer); this.events.splice(this.events.indexOf(m), 1); resolve(m); } };
      // A waiter that timed out leaves: it used to stay and swallow the next matching event.
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`event not seen in ${timeout} ms`));
      }, timeout);
      this.waiters.push(waiter);
    });
  }

  async login(email, password = DEMO_PASSWORD) {
    return this.call('auth.login', { email, password });
  }

  close() { this.ws.close(); return this.closed; }
}

export async function signedIn(server, email, password = DEMO_PASSWORD) {
  const c = await Client.connect(server);
  c.me = (await c.login(email, password)).user;
  return c;
}

export function cleanup(dir) { try { rmSync(dir, { recursive: true, force: true }); } catch { /* ignore */ } }

// One server on a copy of the seeded database for a whole test file, started in before() and
// stopped (with every client user() signed in) in after(), the hooks of node:test given.
//   const ctx = sharedServer({ before, after });  ...  const c = await ctx.user('coord01@moa.example');
export function sharedServer({ before, after }, opts = {}) {
  const ctx = { srv: null, dbDir: null, clients: [] };
  before(async () => {
    const db = seededDb();
    ctx.dbDir = db.dir;
    ctx.srv = await startServer({ db: db.path, ...opts });
  });
  after(async () => {
    for (const c of ctx.clients) await c.close().catch(() => {});
    await ctx.srv?.stop();
    cleanup(ctx.dbDir);
  });
  ctx.user = async (email) => {
    const c = await signedIn(ctx.srv, email);
    ctx.clients.push(c);
    return c;
  };
  return ctx;
}
