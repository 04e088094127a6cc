// Forwarding side by side (issue 13 item 4): the same publisher and subscriber peers
// (bench/forward_peers.c, one process, one epoll loop, ICE/DTLS/SRTP with the project's own code)
// against the real `moa` binary and against Debian's Janus 1.1.2 VideoRoom plugin, measured the
// same way, for N = 10, 50, 200 subscribers and each SRTP profile in FWD_PROFILES.
//
// Set-up, identical for every server: this script makes a network namespace (root; loopback up
// plus the veth pair of tests/lib/netns.mjs, nothing routed out) and runs itself again inside it,
// so the driver, forward_peers and the server all live there. Signaling goes over the namespace's
// 127.0.0.1; media between the server's address on veth end `va` and the peers' on `vb` (Janus
// gathers no candidate on loopback). Moa runs as bench_forward.mjs runs it (--media-workers 1,
// rate limits raised, log level warn). Janus runs with a configuration this script writes to a
// temp dir (janus.jcfg, janus.plugin.videoroom.jcfg with one VP8 room, no periodic PLI, no REMB
// cap; janus.transport.websockets.jcfg on 127.0.0.1; every other plugin, transport, logger and
// event handler disabled; no STUN; ICE-lite, candidates on `va` only; log to janus.log in the
// temp dir at level 3, warnings; sessions never time out), Janus's defaults otherwise, as `janus`
// (one event-loop thread per handle, Janus's default) and as `janus-el1` (`event_loops = 1`).
// Nothing is pinned. Janus's libnice sends its media out through the veth pair where the kernel
// takes Moa's over loopback; the namespace accepts such packets (accept_local, no rp_filter) and
// each round prints how many crossed the veth and how many it dropped.
//
// The peers: the publisher sends synthetic VP8, 150 packets/s of 1,200 bytes; each subscriber
// receives it. forward_peers is the ICE controlling agent (USE-CANDIDATE) and the DTLS client for
// both servers; Moa is ICE-lite, Janus says ice-lite too but its libnice agent still checks the
// pair from its side, and forward_peers answers those checks. Signaling: Moa's WebSocket protocol
// (room.join, media.publish, media.offer/media.answer), Janus's WebSocket API (create, attach
// janus.plugin.videoroom, publisher `joinandconfigure` with our offer, subscriber `join` with
// `streams:[{feed}]`, Janus offers, we `start` with the answer, `trickle` completed). Both servers
// make the subscribe offer; the peer's answer is written from it (recvonly, the offered formats).
//
// Measured per round of FWD_ROUND_MS, identically for both servers:
//   - forwarded packets: the measured packets the subscriber peers actually received in the
//     round (their own count, not a server counter, for both);
//   - server CPU per forwarded packet: utime+stime of the whole server process (every thread's
//     /proc/<pid>/task/*/schedstat run time in ns; /proc/<pid>/stat ticks if a thread came or went
//     during the round) over those packets;
//   - loss (expected - received over expected) and added latency p50/p99 (publisher's send to the
//     subscriber socket's kernel receive timestamp, one clock; forward_peers measures these).
// A sweep is one server, one profile, N = 10 then 50 then 200 subscribers added to the same room
// (median of FWD_ROUNDS rounds per N). Sweeps are interleaved: each repeat runs every profile on
// every server, the server order reversed between repeats; the summary quotes the median of
// the repeats and the ratio Moa/Janus.
//
// A profile one server refuses (the DTLS handshake fails because no SRTP profile is shared) is
// printed as refused, with the reason, and does not fail the run. Anything else that stops media
// does: the script exits non-zero when a server forwards nothing at all in a round, a subscriber
// gets no media within 60 s of joining, a peer fails, or a server dies. An overloaded server that
// starves some subscribers during a round is measured (loss, and how many received nothing).
//
// Usage: node bench/bench_forward_janus.mjs <moa-binary> <seed-db>      (as root)
//   env FWD_SERVERS=moa,janus,janus-el1 FWD_PROFILES=SRTP_AES128_CM_SHA1_80,SRTP_AEAD_AES_128_GCM
//       FWD_SUBS=10,50,200 FWD_REPEATS=2 FWD_ROUNDS=3 FWD_ROUND_MS=2000 JANUS=/usr/bin/janus
//   Servers: moa; janus (Janus's default threading: one event-loop thread per handle, i.e. per
//   subscriber); janus-el1 (the same with `event_loops = 1`: one loop thread shared by every
//   handle, the closest to Moa's one media worker; Janus forwards much cheaper so). Debugging: FWD_DEBUG=1 (every peer event, Janus's SDP),
//   JANUS_DEBUG_LEVEL=5, G_MESSAGES_DEBUG=all JANUS_NICE_DEBUG=FILE (libnice's log to FILE)
import { spawn, execFileSync } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir, cpus, loadavg } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const [moaBin, seedDb] = process.argv.slice(2);
if (!moaBin || !seedDb) {
  console.error('usage: node bench/bench_forward_janus.mjs <moa-binary> <seed-db>   (root: it makes a network namespace)');
  process.exit(2);
}
const list = (v, d) => (v || d).split(',').map((s) => s.trim()).filter(Boolean);
const SERVERS = list(process.env.FWD_SERVERS, 'moa,janus,janus-el1');
const isJanus = (s) => s === 'janus' || s === 'janus-el1';
const PROFILES = list(process.env.FWD_PROFILES, 'SRTP_AES128_CM_SHA1_80,SRTP_AEAD_AES_128_GCM');
const LEVELS = list(process.env.FWD_SUBS, '10,50,200').map(Number).filter((n) => n > 0).sort((a, b) => a - b);
const REPEATS = Number(process.env.FWD_REPEATS || 2);
const ROUNDS = Number(process.env.FWD_ROUNDS || 3);
const ROUND_MS = Number(process.env.FWD_ROUND_MS || 2000);
const JANUS = process.env.JANUS || '/usr/bin/janus';
const JANUS_LIB = process.env.JANUS_LIB || '/usr/lib/x86_64-linux-gnu/janus';
const JANUS_ROOM = 1234;
const JANUS_WS_PORT = 8188; // the namespace is fresh: nothing else listens there
const WARMUP_MS = 1500;
const JOIN_BATCH = 20;
const VP8_PT = 96;
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const binDir = join(dirname(resolve(moaBin)), 'bench');
const tools = { seed: join(binDir, 'bench_seed_users'), peers: join(binDir, 'forward_peers') };

for (const s of SERVERS) if (s !== 'moa' && !isJanus(s)) { console.error(`bench_forward_janus: unknown server ${s}`); process.exit(2); }
const needed = [...(SERVERS.includes('moa') ? [moaBin, seedDb, tools.seed] : []), tools.peers, ...(SERVERS.some(isJanus) ? [JANUS, join(JANUS_LIB, 'plugins/libjanus_videoroom.so')] : [])];
for (const f of needed) {
  if (!existsSync(f)) { console.error(`bench_forward_janus: ${f} missing (make bench builds the tools and installs janus)`); process.exit(2); }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const withTimeout = (p, ms, what) => {
  let t;
  return Promise.race([p, new Promise((_, rej) => { t = setTimeout(() => rej(new Error(`${what}: nothing in ${ms / 1000} s`)), ms); })]).finally(() => clearTimeout(t));
};

// ---------------------------------------------------------------------------------------------
// Outside the namespace: make it, run this file again inside, remove it.

async function outside() {
  if (process.getuid() !== 0) {
    console.error('bench_forward_janus: needs root (it runs both servers in a network namespace of its own)');
    process.exit(2);
  }
  process.env.MOA_BIN = resolve(moaBin); // the test helpers take the binary from MOA_BIN
  const { createNetns } = await import('../tests/lib/netns.mjs');
  const ns = createNetns();
  // If this process is killed, a watchdog ends what still runs in the namespace and removes it.
  spawn('sh', ['-c', `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ` +
    `for p in $(ip netns pids ${ns.name} 2>/dev/null); do kill -9 $p; done; ip netns del ${ns.name} 2>/dev/null`],
  { detached: true, stdio: 'ignore' }).unref();
  let code = 1;
  try {
    const [cmd, args] = ns.wrap([process.execPath, fileURLToPath(import.meta.url), moaBin, seedDb]);
    const child = spawn(cmd, args, { env: { ...process.env, FWD_NETNS: ns.name }, stdio: ['ignore', 'inherit', 'inherit'] });
    code = await new Promise((res) => child.on('exit', (c, s) => res(c ?? (s ? 1 : 0))));
  } finally {
    let pids = [];
    try { pids = execFileSync('ip', ['netns', 'pids', ns.name], { encoding: 'utf8' }).split(/\s+/).filter(Boolean).map(Number); } catch { /* gone */ }
    for (const pid of pids) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
    ns.destroy();
  }
  process.exit(code);
}

// ---------------------------------------------------------------------------------------------
// CPU of a whole process: every thread's run time in ns; if a thread came or went between two
// readings, the process's own utime+stime (clock ticks, which include dead threads) instead.

const CLK_TCK = 100;
function cpuSample(pid) {
  const tasks = readdirSync(`/proc/${pid}/task`);
  let ns = 0;
  for (const t of tasks) {
    try { ns += Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]); } catch { /* exited meanwhile */ }
  }
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { ns, tasks: tasks.sort().join(','), ticksNs: ((Number(f[11]) + Number(f[12])) * 1e9) / CLK_TCK };
}
const cpuDelta = (a, b) => (a.tasks === b.tasks ? b.ns - a.ns : b.ticksNs - a.ticksNs);

// ---------------------------------------------------------------------------------------------
// The peer process: commands on stdin, JSON events on stdout (see forward_peers.c).

class Peers {
  constructor(profile) {
    this.proc = spawn(tools.peers, [], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, FWD_SRTP_PROFILE: profile, FWD_PEER_IP: NET.peer } });
    this.waiters = [];
    this.failed = null;
    this.stderr = '';
    this.proc.stderr.on('data', (d) => { this.stderr = (this.stderr + d).slice(-4096); });
    createInterface({ input: this.proc.stdout }).on('line', (line) => {
      const ev = JSON.parse(line);
      if (process.env.FWD_DEBUG && ev.ev !== 'report') console.log(`peers: ${line}`);
      if (ev.ev === 'failed' || ev.ev === 'error') {
        this.failed = new Error(`forward_peers: ${line}`);
        this.failed.event = ev;
      }
      this.waiters = this.waiters.filter((w) => !(w.match(ev) && (w.resolve(ev), true)));
    });
    this.exited = new Promise((res) => this.proc.on('exit', (code) => res(code)));
  }
  send(line) { if (this.proc.exitCode === null) this.proc.stdin.write(`${line}\n`); }
  wait(match, what, ms = 30000) {
    // a peer that fails ends the wait at once (its id, or any peer for a general wait)
    return withTimeout(new Promise((resolve, reject) => {
      this.waiters.push({ match, resolve });
      this.waiters.push({ match: (e) => (e.ev === 'failed' && (e.id === match.id || match.id === undefined)) || e.ev === 'error', resolve: (e) => reject(Object.assign(new Error(`forward_peers: ${JSON.stringify(e)}`), { event: e })) });
    }), ms, what);
  }
  async create(id, role) {
    const ev = this.wait((e) => e.ev === 'peer' && e.id === id, `peer ${id}`);
    this.send(`peer ${id} ${role}`);
    return ev;
  }
  check() { if (this.failed) throw this.failed; }
}
function waitFor(peers, ev, id, what, ms) {
  const m = (e) => e.ev === ev && e.id === id;
  m.id = id;
  return peers.wait(m, what, ms);
}

// ---------------------------------------------------------------------------------------------
// SDP, the same for both servers but for the DTLS role of the publisher's offer (Moa answers an
// actpass offer as the DTLS server; Janus would take the client role too, so it is offered
// `active`: forward_peers is the DTLS client with both).

function serverTransport(sdp) {
  const get = (re, what) => { const m = re.exec(sdp); if (!m) throw new Error(`server SDP has no ${what}:\n${sdp}`); return m; };
  const cand = get(new RegExp(`^a=candidate:\\S+ 1 udp \\d+ (${NET.server.replace(/\./g, '\\.')}) (\\d+) typ host`, 'm'), `host candidate on ${NET.server}`);
  return {
    ufrag: get(/^a=ice-ufrag:(\S+)/m, 'ice-ufrag')[1], pwd: get(/^a=ice-pwd:(\S+)/m, 'ice-pwd')[1],
    fingerprint: get(/^a=fingerprint:sha-256 (\S+)/m, 'fingerprint')[1], ip: cand[1], port: Number(cand[2]),
  };
}

// The peer's own host candidate is written too (Janus takes it; Moa, ICE-lite, learns the address
// from the checks).
const transportLines = (p, setup) => [`a=ice-ufrag:${p.ufrag}`, `a=ice-pwd:${p.pwd}`, `a=fingerprint:sha-256 ${p.fingerprint}`, `a=setup:${setup}`,
  `a=candidate:1 1 udp 2130706431 ${p.ip} ${p.port} typ host`, 'a=end-of-candidates'];

function publishOffer(p, ssrc, setup) {
  return ['v=0', `o=- ${Date.now()} 1 IN IP4 127.0.0.1`, 's=-', 't=0 0', 'a=group:BUNDLE 0', 'a=msid-semantic: WMS bench',
    `m=video 9 UDP/TLS/RTP/SAVPF ${VP8_PT}`, 'c=IN IP4 0.0.0.0', ...transportLines(p, setup),
    'a=mid:0', 'a=sendonly', 'a=rtcp-mux', `a=rtpmap:${VP8_PT} VP8/90000`, `a=rtcp-fb:${VP8_PT} nack`,
    `a=rtcp-fb:${VP8_PT} nack pli`, `a=rtcp-fb:${VP8_PT} ccm fir`, `a=rtcp-fb:${VP8_PT} goog-remb`, 'a=msid:bench v0',
    `a=ssrc:${ssrc} cname:bench`, `a=ssrc:${ssrc} msid:bench v0`, ''].join('\r\n');
}

// Answers every m-section of a subscribe offer: recvonly with the offered formats, or inactive.
function subscribeAnswer(offer, p) {
  const sections = offer.split(/\r\n(?=m=)/).slice(1);
  const mids = [], media = [];
  for (const s of sections) {
    const [, kind, port, proto, fmts] = /^m=(\S+) (\d+) (\S+) (.*)/.exec(s);
    const mid = /^a=mid:(\S+)/m.exec(s)[1];
    if (port === '0') { media.push(`m=${kind} 0 ${proto} ${fmts}`, 'c=IN IP4 0.0.0.0', `a=mid:${mid}`, 'a=inactive'); continue; }
    mids.push(mid);
    const maps = s.split('\r\n').filter((l) => /^a=(rtpmap|fmtp|rtcp-fb):/.test(l));
    media.push(`m=${kind} 9 ${proto} ${fmts}`, 'c=IN IP4 0.0.0.0', ...transportLines(p, 'active'), `a=mid:${mid}`, 'a=recvonly', 'a=rtcp-mux', ...maps);
  }
  return ['v=0', `o=- ${Date.now()} 1 IN IP4 127.0.0.1`, 's=-', 't=0 0', ...(mids.length ? [`a=group:BUNDLE ${mids.join(' ')}`] : []), ...media, ''].join('\r\n');
}

// ---------------------------------------------------------------------------------------------
// Moa: the real binary, as bench_forward.mjs runs it, and its WebSocket protocol.

class MoaRpc {
  static closed = []; // close codes of signaling connections the server ended (a diagnosis)
  constructor(ws) {
    this.ws = ws;
    this.next = 1;
    this.pending = new Map();
    this.handlers = new Map();
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString());
      if (m.id !== undefined && this.pending.has(m.id)) {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        p(m);
      } else if (m.type && this.handlers.has(m.type)) this.handlers.get(m.type)(m);
    });
  }
  static open(url) {
    const ws = new WebSocket(url, ['moa.v1'], { perMessageDeflate: false });
    ws.on('close', (code, reason) => { MoaRpc.closed.push(`${code} ${reason}`); });
    return withTimeout(new Promise((res, rej) => { ws.once('open', () => res(new MoaRpc(ws))); ws.once('error', rej); }), 10000, 'moa websocket');
  }
  on(type, fn) { this.handlers.set(type, fn); }
  call(type, params = {}) {
    const id = this.next++;
    return withTimeout(new Promise((res, rej) => {
      this.pending.set(id, (m) => (m.ok ? res(m.result) : rej(new Error(`${type}: ${m.error.code}: ${m.error.message}`))));
      this.ws.send(JSON.stringify({ id, type, ...params }));
    }), 30000, type);
  }
}

async function startMoa(dir, total) {
  const db = join(dir, 'moa.db');
  copyFileSync(seedDb, db);
  const tokens = execFileSync(tools.seed, [db, String(total), '1'], { encoding: 'utf8' }).trim().split('\n');
  const proc = spawn(resolve(moaBin), ['--listen', '127.0.0.1:0', '--db', db, '--static', join(SRC, 'web-static'),
    '--media-ip', NET.server, '--media-port', '0', '--media-workers', '1', '--log-level', 'warn',
    '--rate', '1000', '--rate-burst', '1000'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '', stdout = '';
  proc.stderr.on('data', (d) => { stderr = (stderr + d).slice(-8192); });
  const exited = new Promise((res) => proc.on('exit', (code, signal) => res(code ?? signal)));
  const port = await withTimeout(new Promise((res, rej) => {
    proc.stdout.on('data', (d) => {
      stdout += d;
      const m = /listening on https?:\/\/\S+:(\d+)/.exec(stdout);
      if (m) res(Number(m[1]));
    });
    exited.then((c) => rej(new Error(`moa exited (${c}) before listening:\n${stderr}`)));
  }), 20000, 'moa start');
  const url = `ws://127.0.0.1:${port}/ws`;
  const clients = [];
  let loungeId = 0;
  return {
    name: 'moa', proc, exited, log: () => stderr,
    async publish(peers, creds, ssrc) {
      const c = await MoaRpc.open(url);
      clients.push(c);
      await c.call('auth.resume', { token: tokens[0] });
      loungeId = (await c.call('room.list', { consortium_id: 1 })).rooms.find((r) => r.is_lounge).id;
      await c.call('room.join', { room_id: loungeId });
      const ans = await c.call('media.publish', { sdp: publishOffer(creds, ssrc, 'actpass'), tracks: [{ mid: '0', source: 'camera' }] });
      return serverTransport(ans.sdp);
    },
    // Joins subscriber i: calls makeCreds() for its transport once the server offers, returns the
    // server's transport once the answer is accepted.
    async subscribe(i, makeCreds) {
      const c = await MoaRpc.open(url);
      clients.push(c);
      await c.call('auth.resume', { token: tokens[i] });
      let creds = null;
      const answer = async (ev) => { // every offer (re-offers too) is answered with the same transport
        const first = !creds;
        if (first) creds = await makeCreds();
        await c.call('media.answer', { sdp: subscribeAnswer(ev.sdp, creds) });
        return serverTransport(ev.sdp);
      };
      let firstOffer = null;
      const offered = new Promise((res, rej) => c.on('media.offer', (ev) => {
        const p = answer(ev);
        if (!firstOffer) { firstOffer = p; p.then(res, rej); } else p.catch(() => {});
      }));
      await c.call('room.join', { room_id: loungeId });
      return withTimeout(offered, 30000, `subscriber ${i} offer`);
    },
    async stop() {
      for (const c of clients) { c.ws.removeAllListeners('close'); c.ws.terminate(); }
      proc.kill('SIGTERM');
      await Promise.race([exited, sleep(10000)]);
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Janus: Debian's binary with a configuration of our own, and its WebSocket API.

function writeJanusConfig(dir, eventLoops) {
  const disabled = (kind, keep) => readdirSync(join(JANUS_LIB, kind)).filter((f) => /^libjanus_\w+\.so$/.test(f) && f !== keep).join(',');
  writeFileSync(join(dir, 'janus.jcfg'), `general: {
  configs_folder = "${dir}"
  plugins_folder = "${JANUS_LIB}/plugins"
  transports_folder = "${JANUS_LIB}/transports"
  events_folder = "${JANUS_LIB}/events"
  loggers_folder = "${JANUS_LIB}/loggers"
  log_to_stdout = false
  log_to_file = "${dir}/janus.log"
  debug_level = ${process.env.JANUS_DEBUG_LEVEL || 3}
  debug_colors = false
  session_timeout = 0
  server_name = "moa-bench"${eventLoops ? `\n  event_loops = ${eventLoops}` : ''}
}
media: {
  rtp_port_range = "20000-40000"
}
nat: {
  ice_lite = true
  nice_debug = ${process.env.JANUS_NICE_DEBUG ? "true" : "false"}
  ice_tcp = false
  full_trickle = false
  ice_enforce_list = "${NET.serverIf}"
  ignore_mdns = true
}
plugins: {
  disable = "${disabled('plugins', 'libjanus_videoroom.so')}"
}
transports: {
  disable = "${disabled('transports', 'libjanus_websockets.so')}"
}
events: {
  broadcast = false
}
loggers: {
  disable = "${disabled('loggers', '')}"
}
`);
  writeFileSync(join(dir, 'janus.transport.websockets.jcfg'), `general: {
  json = "plain"
  ws = true
  ws_port = ${JANUS_WS_PORT}
  ws_ip = "127.0.0.1"
  wss = false
}
admin: {
  admin_ws = false
  admin_wss = false
}
`);
  // One VP8 room; no periodic PLI (fir_freq 0), no REMB cap (bitrate 0), no join notifications.
  writeFileSync(join(dir, 'janus.plugin.videoroom.jcfg'), `general: {
}
room-${JANUS_ROOM}: {
  description = "bench"
  publishers = 1
  bitrate = 0
  fir_freq = 0
  videocodec = "vp8"
  record = false
  notify_joining = false
}
`);
}

class JanusApi {
  constructor(ws) {
    this.ws = ws;
    this.next = 1;
    this.pending = new Map();
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString());
      if (m.janus === 'keepalive' || !m.transaction || !this.pending.has(m.transaction)) return;
      const p = this.pending.get(m.transaction);
      if (m.janus !== 'ack' || p.ackAnswers) {
        this.pending.delete(m.transaction);
        p.done(m);
      }
    });
  }
  static open(url) {
    const ws = new WebSocket(url, 'janus-protocol');
    return withTimeout(new Promise((res, rej) => { ws.once('open', () => res(new JanusApi(ws))); ws.once('error', rej); }), 10000, 'janus websocket');
  }
  // A request and its answer (for a plugin message: the event after the ack; a trickle has only
  // the ack).
  call(req) {
    const transaction = `t${this.next++}`;
    return withTimeout(new Promise((res, rej) => {
      this.pending.set(transaction, { ackAnswers: req.janus === 'trickle',
        done: (m) => (m.janus === 'error' ? rej(new Error(`janus ${req.janus}: ${JSON.stringify(m.error)}`)) : res(m)) });
      this.ws.send(JSON.stringify({ ...req, transaction }));
    }), 30000, `janus ${req.janus} ${req.body?.request ?? ''}`);
  }
  async message(session, handle, body, jsep) {
    const m = await this.call({ janus: 'message', session_id: session, handle_id: handle, body, ...(jsep ? { jsep } : {}) });
    const data = m.plugindata?.data;
    if (!data || data.error) throw new Error(`videoroom ${body.request}: ${JSON.stringify(m)}`);
    return m;
  }
}

async function startJanus(dir, name) {
  writeJanusConfig(dir, name === 'janus-el1' ? 1 : 0);
  const proc = spawn(JANUS, ['-C', join(dir, 'janus.jcfg'), '-F', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  // JANUS_NICE_DEBUG=FILE (with G_MESSAGES_DEBUG=all): libnice's debug output goes to FILE
  const keep = (d) => { out = (out + d).slice(-8192); if (process.env.JANUS_NICE_DEBUG) appendFileSync(process.env.JANUS_NICE_DEBUG, d); };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  const exited = new Promise((res) => proc.on('exit', (code, signal) => res(code ?? signal)));
  const log = () => { try { return `${out}${readFileSync(join(dir, 'janus.log'), 'utf8').slice(-6000)}`; } catch { return out; } };
  let api = null;
  for (let k = 0; k < 100 && !api; k++) {
    if (proc.exitCode !== null) throw new Error(`janus exited (${proc.exitCode}):\n${log()}`);
    try { api = await JanusApi.open(`ws://127.0.0.1:${JANUS_WS_PORT}`); } catch { await sleep(100); }
  }
  if (!api) throw new Error(`janus did not listen on ${JANUS_WS_PORT} in 10 s:\n${log()}`);
  const session = (await api.call({ janus: 'create' })).data.id;
  const attach = async () => (await api.call({ janus: 'attach', session_id: session, plugin: 'janus.plugin.videoroom' })).data.id;
  const trickleDone = (handle) => api.call({ janus: 'trickle', session_id: session, handle_id: handle, candidate: { completed: true } });
  let feed = 0;
  return {
    name, proc, exited, log,
    async publish(peers, creds, ssrc) {
      const handle = await attach();
      const m = await api.message(session, handle, { request: 'joinandconfigure', room: JANUS_ROOM, ptype: 'publisher', display: 'bench', audio: false, video: true },
        { type: 'offer', sdp: publishOffer(creds, ssrc, 'active') });
      feed = m.plugindata.data.id;
      if (!m.jsep || m.jsep.type !== 'answer') throw new Error(`janus gave no answer to the publisher: ${JSON.stringify(m)}`);
      await trickleDone(handle);
      if (process.env.FWD_DEBUG) console.log(`janus publisher answer:\n${m.jsep.sdp}`);
      return serverTransport(m.jsep.sdp);
    },
    async subscribe(i, makeCreds) {
      const handle = await attach();
      const m = await api.message(session, handle, { request: 'join', room: JANUS_ROOM, ptype: 'subscriber', streams: [{ feed }] });
      if (!m.jsep || m.jsep.type !== 'offer') throw new Error(`janus gave subscriber ${i} no offer: ${JSON.stringify(m)}`);
      if (process.env.FWD_DEBUG && i === 1) console.log(`janus subscriber offer:\n${m.jsep.sdp}`);
      const creds = await makeCreds();
      await api.message(session, handle, { request: 'start' }, { type: 'answer', sdp: subscribeAnswer(m.jsep.sdp, creds) });
      await trickleDone(handle);
      return serverTransport(m.jsep.sdp);
    },
    async stop() {
      try { await Promise.race([api.call({ janus: 'destroy', session_id: session }), sleep(2000)]); } catch { /* ending anyway */ }
      api.ws.terminate();
      proc.kill('SIGTERM');
      await Promise.race([exited, sleep(10000)]);
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    },
  };
}

// ---------------------------------------------------------------------------------------------
// One sweep: one server, one profile, the subscriber levels one after the other.

const isRefusal = (e) => e.event && e.event.ev === 'failed' && /DTLS|SSL|srtp|handshake|profile|alert/i.test(e.event.why || '');

async function sweep(serverName, profile) {
  const dir = mkdtempSync(join(tmpdir(), `moa-bench-${serverName}-`));
  const peers = new Peers(profile);
  let srv = null;
  try {
    const { fingerprint } = await peers.wait((e) => e.ev === 'ready', 'forward_peers start');
    srv = serverName === 'moa' ? await startMoa(dir, LEVELS[LEVELS.length - 1] + 1) : await startJanus(dir, serverName);
    const pubCreds = { ...(await peers.create(0, 'pub')), fingerprint };
    const ssrc = 0x10000000 + Math.floor(Math.random() * 0x6fffffff);
    const st = await srv.publish(peers, pubCreds, ssrc);
    const pubUp = waitFor(peers, 'connected', 0, `${serverName} publisher ICE/DTLS`);
    peers.send(`publish 0 ${ssrc} ${VP8_PT}`);
    peers.send(`connect 0 ${st.ip} ${st.port} ${st.ufrag} ${st.pwd} ${st.fingerprint}`);
    let negotiated;
    try {
      ({ profile: negotiated } = await pubUp);
    } catch (e) {
      if (isRefusal(e)) return { server: serverName, profile, refused: e.event.why };
      throw e;
    }

    const round = async () => {
      peers.check();
      if (srv.proc.exitCode !== null || srv.proc.signalCode !== null) throw new Error(`${serverName} exited`);
      const mark = peers.wait((e) => e.ev === 'mark', 'mark');
      peers.send('mark');
      await mark;
      const c0 = cpuSample(srv.proc.pid), w0 = performance.now(), v0 = vethPackets(), d0 = vethDrops();
      await sleep(ROUND_MS);
      const c1 = cpuSample(srv.proc.pid), w1 = performance.now(), v1 = vethPackets(), d1 = vethDrops();
      const rep = peers.wait((e) => e.ev === 'report', 'report');
      peers.send('report');
      const r = await rep;
      const cpu = cpuDelta(c0, c1);
      return { ...r, cpuUs: r.received ? cpu / 1000 / r.received : NaN, cpuMsPerS: cpu / 1e6 / ((w1 - w0) / 1000),
        fwdPerS: r.received / ((w1 - w0) / 1000), vethPerS: (v1 - v0) / ((w1 - w0) / 1000), vethDrops: d1 - d0, lossPct: r.expected ? (100 * (r.expected - r.received)) / r.expected : NaN };
    };

    await sleep(WARMUP_MS);
    const idle = await round();
    const levels = [];
    let subs = 0;
    for (const level of LEVELS) {
      const tAdd = performance.now();
      for (; subs < level; subs += JOIN_BATCH) {
        const batch = [];
        for (let i = subs + 1; i <= Math.min(level, subs + JOIN_BATCH); i++) {
          batch.push((async () => {
            const t = await srv.subscribe(i, async () => ({ ...(await peers.create(i, 'sub')), fingerprint }));
            const up = waitFor(peers, 'flowing', i, `${serverName} subscriber ${i} media`, 60000);
            peers.send(`connect ${i} ${t.ip} ${t.port} ${t.ufrag} ${t.pwd} ${t.fingerprint}`);
            await up;
          })());
        }
        await Promise.all(batch);
      }
      subs = level;
      const addS = (performance.now() - tAdd) / 1000;
      await sleep(WARMUP_MS);
      const rounds = [];
      for (let k = 0; k < ROUNDS; k++) rounds.push(await round());
      for (const r of rounds) {
        // A server that forwards nothing fails the run; one that starves some subscribers while
        // overloaded (Janus at N = 200) is measured: its loss and silent subscribers are printed.
        if (!r.received) {
          throw new Error(`${serverName}, ${level} subscribers: the server forwarded nothing in a round (${JSON.stringify(r)})` +
            (serverName === 'moa' ? `; signaling connections closed meanwhile: ${MoaRpc.closed.length} ${MoaRpc.closed.slice(0, 3).join(', ')}` : ''));
        }
      }
      const med = (f) => median(rounds.map(f));
      levels.push({ level, addS, cpuUs: med((r) => r.cpuUs), cpuMsPerS: med((r) => r.cpuMsPerS), fwdPerS: med((r) => r.fwdPerS),
        lossPct: med((r) => r.lossPct), vethPerS: med((r) => r.vethPerS), p50: med((r) => r.p50_us) / 1000, p99: med((r) => r.p99_us) / 1000,
        silent: Math.max(...rounds.map((r) => r.silent)), drops: rounds.reduce((a, r) => a + r.client_drops, 0), vethDrops: rounds.reduce((a, r) => a + r.vethDrops, 0), cpuAll: rounds.map((r) => r.cpuUs.toFixed(2)).join(' ') });
    }
    return { server: serverName, profile, negotiated, idleMsPerS: idle.cpuMsPerS, levels };
  } catch (e) {
    const tail = srv ? srv.log().trim().slice(-3000) : '';
    if (tail) console.error(`${serverName} log (tail):\n${tail}`);
    if (peers.stderr.trim()) console.error(`forward_peers stderr:\n${peers.stderr.trim()}`);
    throw e;
  } finally {
    peers.send('quit');
    await Promise.race([peers.exited, sleep(3000)]);
    if (peers.proc.exitCode === null) peers.proc.kill('SIGKILL');
    if (srv) await srv.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => String(row[i]).length)));
  for (const row of rows) console.log(row.map((c, i) => (i ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  '));
}

// Inside the namespace: the server's media goes on veth end `va`, the peers' sockets on `vb`
// (both ends live in the namespace, so the kernel delivers locally, as over loopback).
const NET = { serverIf: 'va', server: '127.0.0.1', peer: '127.0.0.1' };
function namespaceAddresses() {
  const addr = (dev) => /inet (\d+\.\d+\.\d+\.\d+)/.exec(execFileSync('ip', ['-4', '-o', 'addr', 'show', 'dev', dev], { encoding: 'utf8' }))[1];
  for (const k of ['all', 'default', 'va', 'vb', 'lo']) {
    try { execFileSync('sysctl', ['-qw', `net.ipv4.conf.${k}.accept_local=1`, `net.ipv4.conf.${k}.rp_filter=0`]); } catch { /* not that one */ }
  }
  NET.server = addr('va');
  NET.peer = addr('vb');
}

// Packets the server side's veth end sent: the kernel routes between two local addresses over
// loopback, but a sender can also push them through the veth pair (libnice does; see the header).
const vethPackets = () => Number(readFileSync('/sys/class/net/va/statistics/tx_packets', 'utf8'));
// and those the veth pair dropped (veth_xmit counts a full backlog at the receiving end, vb)
const vethDrops = () => ['vb/statistics/rx_dropped', 'va/statistics/tx_dropped']
  .reduce((a, f) => a + Number(readFileSync(`/sys/class/net/${f}`, 'utf8')), 0);

async function inside() {
  const t0 = performance.now();
  namespaceAddresses();
  console.log(`network namespace ${process.env.FWD_NETNS} (server media on ${NET.server}, peers on ${NET.peer}, signaling on 127.0.0.1); ${cpus().length} cores shared by server, peers and driver; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`servers: ${SERVERS.map((s) => (s === 'moa' ? `${moaBin} --media-workers 1` : `${s}: ${JANUS} (VideoRoom, ICE-lite, config written by this bench${s === 'janus-el1' ? ', event_loops = 1' : ', a loop thread per handle'})`)).join('; ')}`);
  console.log(`publisher: VP8, 150 x 1,200-byte packets/s; subscribers ${LEVELS.join(', ')}; ${ROUNDS} rounds x ${ROUND_MS / 1000} s per level; ${REPEATS} repeats, servers interleaved`);
  const all = [];
  for (let rep = 0; rep < REPEATS; rep++) {
    const order = rep % 2 ? [...SERVERS].reverse() : SERVERS;
    for (const profile of PROFILES) {
      for (const server of order) {
        const r = await sweep(server, profile);
        all.push(r);
        if (r.refused) { console.log(`repeat ${rep + 1}, ${server}, ${profile}: REFUSED (${r.refused})`); continue; }
        console.log(`repeat ${rep + 1}, ${server}, ${profile} (negotiated ${r.negotiated}), publisher alone ${r.idleMsPerS.toFixed(1)} ms CPU/s:`);
        for (const l of r.levels) {
          console.log(`  ${String(l.level).padStart(3)} subs: joined in ${l.addS.toFixed(1)} s; ${l.fwdPerS.toFixed(0)} pkt/s received; server ${l.cpuMsPerS.toFixed(0)} ms CPU/s;` +
            ` CPU µs/pkt ${l.cpuUs.toFixed(2)} (rounds ${l.cpuAll}); ${l.vethPerS.toFixed(0)} pkt/s over veth va (dropped there ${l.vethDrops}); loss ${l.lossPct.toFixed(3)} %${l.silent ? ` (up to ${l.silent} subscribers received nothing in a round)` : ''}; p50 ${l.p50.toFixed(2)} ms p99 ${l.p99.toFixed(2)} ms; peers' socket drops ${l.drops}`);
        }
      }
    }
  }

  // Summary: medians over the repeats.
  const pick = (server, profile, level) => all.filter((r) => r.server === server && r.profile === profile && !r.refused)
    .map((r) => r.levels.find((l) => l.level === level)).filter(Boolean);
  const fmt = (xs, f, d) => (xs.length ? median(xs.map(f)).toFixed(d) : '-');
  console.log('');
  console.log(`medians of ${REPEATS} repeats (each the median of ${ROUNDS} rounds); CPU µs per packet a subscriber received; ratio = Moa / Janus`);
  const head = ['profile', 'subs'];
  for (const s of SERVERS) head.push(`${s} µs/pkt`, `${s} loss %`, `${s} p50 ms`, `${s} p99 ms`);
  const others = SERVERS.includes('moa') ? SERVERS.filter(isJanus) : [];
  for (const s of others) head.push(`moa/${s}`);
  const rows = [head];
  for (const profile of PROFILES) {
    for (const level of LEVELS) {
      const row = [profile.replace(/^SRTP_/, ''), level];
      const cpu = {};
      for (const s of SERVERS) {
        const xs = pick(s, profile, level);
        const refused = all.find((r) => r.server === s && r.profile === profile && r.refused);
        if (!xs.length && refused) { row.push('refused', '-', '-', '-'); continue; }
        cpu[s] = xs.length ? median(xs.map((l) => l.cpuUs)) : NaN;
        row.push(fmt(xs, (l) => l.cpuUs, 2), fmt(xs, (l) => l.lossPct, 3), fmt(xs, (l) => l.p50, 2), fmt(xs, (l) => l.p99, 2));
      }
      for (const s of others) row.push(cpu.moa > 0 && cpu[s] > 0 ? `${(cpu.moa / cpu[s]).toFixed(2)}x` : '-');
      rows.push(row);
    }
  }
  table(rows);
  for (const r of all.filter((x) => x.refused)) console.log(`${r.server} refused ${r.profile}: ${r.refused}`);
  console.log(`(total ${((performance.now() - t0) / 1000).toFixed(0)} s; load average now ${loadavg().map((x) => x.toFixed(2)).join(' ')})`);
}

if (process.env.FWD_NETNS) {
  inside().then(() => process.exit(0), (e) => {
    console.error(`bench_forward_janus: ${e.stack || e}`);
    process.exit(1);
  });
} else {
  outside().catch((e) => { console.error(`bench_forward_janus: ${e.stack || e}`); process.exit(1); });
}
