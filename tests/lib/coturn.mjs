// Debian's coturn for the TURN tests: a self-signed certificate for an IP address (openssl), a
// turnserver.conf written by `moa turn-config` (Moa's own hardened configuration), the
// `turnserver` process on a loopback or test-namespace address, and coturn's own client
// (`turnutils_uclient`) to check what it accepts. Nothing here touches /etc or /var/lib/turn:
// the user database and the log live in the test's temp dir.
import { spawn, execFileSync } from 'node:child_process';
import { writeFileSync, chmodSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { runMoa } from './moa.mjs';

export const TURNSERVER = '/usr/bin/turnserver';
export const UCLIENT = '/usr/bin/turnutils_uclient';

export function requireCoturn() {
  if (!existsSync(TURNSERVER) || !existsSync(UCLIENT)) throw new Error('Debian coturn is not installed (make test installs it)');
}

// A secret file (mode 600) in dir; returns its path.
export function makeSecret(dir) {
  const path = join(dir, 'turn-secret');
  writeFileSync(path, `${randomBytes(32).toString('hex')}\n`);
  chmodSync(path, 0o600);
  return path;
}

// A self-signed EC certificate for the IP address ip; returns {cert, key}.
export function makeCert(dir, ip) {
  const cert = join(dir, 'turn-cert.pem'), key = join(dir, 'turn-key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=moa-test-turn', '-addext', `subjectAltName=IP:${ip}`],
  { stdio: ['ignore', 'ignore', 'pipe'] });
  return { cert, key };
}

// `moa turn-config <args>` written to dir/turnserver.conf; returns its path and text.
export async function writeTurnConfig(dir, args) {
  const r = await runMoa(['turn-config', ...args]);
  if (r.code !== 0) throw new Error(`moa turn-config failed (${r.code}): ${r.stderr}`);
  const path = join(dir, 'turnserver.conf');
  writeFileSync(path, r.stdout);
  return { path, text: r.stdout };
}

// A free TCP port on host (in this process's namespace).
export function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, host, () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// Starts turnserver with conf, waits until host:port accepts TCP (checked with a probe run the
// same way, so inside netns when given). Resolves {proc, log(), stop()}.
export async function startCoturn({ conf, dir, host, port, netns }) {
  const logFile = join(dir, 'turnserver.log');
  const argv = [TURNSERVER, '-c', conf, '--db', join(dir, 'turndb'), '--log-file', logFile, '--simple-log',
    '--pidfile', join(dir, 'turnserver.pid'), '--no-stdout-log'];
  const [cmd, args] = netns ? netns.wrap(argv) : [argv[0], argv.slice(1)];
  const proc = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const log = () => { try { return readFileSync(logFile, 'utf8'); } catch { return ''; } };
  const probe = `require('net').connect(${port}, '${host}').on('connect', () => process.exit(0)).on('error', () => process.exit(1))`;
  const t0 = Date.now();
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`turnserver exited (${proc.exitCode}): ${stderr}\n${log()}`);
    const [pc, pa] = netns ? netns.wrap([process.execPath, '-e', probe]) : [process.execPath, ['-e', probe]];
    const ok = await new Promise((resolve) => spawn(pc, pa, { stdio: 'ignore' }).on('exit', (c) => resolve(c === 0)));
    if (ok) break;
    if (Date.now() - t0 > 15000) { proc.kill('SIGKILL'); throw new Error(`turnserver not listening on ${host}:${port} after 15 s:\n${log()}`); }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    proc, log,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}

// turnutils_uclient over TLS (TCP) to host:port with username/credential: allocates a relay,
// binds a channel to peer:peerPort (-s: uses Send/CreatePermission instead) and sends `messages`
// packets. Resolves {code, out}: code 0 when every TURN request succeeded.
export function uclient({ host, port, username, credential, peer, peerPort = 40000, messages = 0, send = false, netns }) {
  const argv = [UCLIENT, '-t', '-S', '-p', String(port), '-u', username, '-w', credential, '-e', peer,
    '-r', String(peerPort), '-n', String(messages), '-m', '1', '-c', '-X', ...(send ? ['-s'] : []), host];
  const [cmd, args] = netns ? netns.wrap(argv) : [argv[0], argv.slice(1)];
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), 30000);
    p.on('close', (code, signal) => { clearTimeout(timer); resolve({ code: code ?? signal, out }); });
  });
}
