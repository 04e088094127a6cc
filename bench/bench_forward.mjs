// SFU forwarding benchmark (issue 3): one publisher of synthetic VP8 at ~1.5 Mbit/s (150 packets/s
// of 1,200 bytes) fanned out to 10, 50 and 200 subscribers in one room of the real `moa` binary
// (127.0.0.1, random ports, --media-workers 1 so all media runs on one thread, a copy of the seeded
// database to which bench_seed_users added one member of consortium 1 per peer). Printed per
// subscriber count, as the median of ROUNDS rounds of ROUND_MS:
//   - packets forwarded per second (the server's moa_media_rtp_forwarded_total, but no more than
//     the datagrams it sent: the counter also counts simulcast packets a consumer withholds);
//   - server CPU per forwarded packet: utime+stime of the whole moa process (every thread, summed
//     from /proc/<pid>/task/*/schedstat in nanoseconds) over the packets forwarded meanwhile;
//   - loss: packets the publisher sent in the round that a subscriber did not receive (its
//     sequence numbers, as the server rewrote them, are checked for gaps too);
//   - added latency p50/p99: the publisher's send call to the kernel's receive timestamp on the
//     subscriber's socket, both in the one peer process (same clock);
// and, measured in the same run by bench_srtp, the cost of SRTP protect + unprotect of a
// 1,200-byte packet with the profile the peers negotiated, so CPU per packet / SRTP cost shows
// how much of the forwarding is crypto. The peers are bench/forward_peers.c (ICE, DTLS and SRTP
// with the project's own gateway/rtc code, one epoll loop); this script does the signaling
// (auth.resume, room.join, media.publish, media.offer/media.answer) over WebSockets.
//
// ICE over TCP beside UDP, same run (FWD_TCP_SUBS, default 50): after the UDP levels, that many
// subscribers more join over ICE-TCP (forward_peers' `connect ... tcp`: RFC 4571 frames on a TCP
// connection to the server's passive candidate) and the rounds are measured again. The marginal
// server CPU per packet forwarded to them, (CPU/s with them - CPU/s without) / (packets/s with -
// without), is printed beside the same marginal figure for UDP subscribers between the last two
// UDP levels: what one more subscriber costs on each transport. FWD_TCP_SUBS=0 skips it.
//
// Simulcast (FWD_SIMULCAST=1): the publisher offers rid simulcast q;h;f with the RID header
// extension (no a=ssrc, as Chrome) and sends three encodings (forward_peers' `publish ... RIDEXT`:
// q ~0.12, h ~0.48 and f ~1.44 Mbit/s of RTP, 30 + 60 + 150 = 240 packets/s in instead of 150), so
// the server binds the SSRCs from the RID extension, receives, keeps buffers and stats for all
// three and forwards one per subscriber through the VP8 rewriter. Loss and latency are measured
// on f (the encoding each subscriber gets while nothing limits it); CPU per forwarded packet
// then counts the two lower encodings' ingest too. bench/compare.sh BASE ROUNDS forward runs
// this beside the single-encoding figure of BASE and of the working tree, same run.
//
// The bare forwarding floor, same run (FWD_BARE, default 1; issue 13 asks Moa with GCM at most
// 1.3x it): after Moa's rounds, bench/bare_forward runs once per UDP level with the same
// publisher (150 packets/s of 1,200 bytes), the same N, ROUNDS and ROUND_MS: one thread doing
// only recvmmsg, copy, SSRC/sequence rewrite and sendmmsg to N UDP sockets, no crypto, its CPU
// per forwarded packet measured as the server's; and a second time with the negotiated SRTP
// profile on gateway/rtc/srtp.c (unprotect once, protect per subscriber). The table prints
// both beside Moa's figure and the ratios. FWD_BARE_GSO=1 adds the plain floor with UDP GSO
// (bare_forward's `gso`: one sendmmsg entry per subscriber and run of equal-size packets).
//
// What recording costs the server (issue 17; FWD_RECORD=1): FWD_PUBLISHERS publishers (default 1)
// send the stream above, each its own forward_peers publisher on its own SSRC, and each subscriber
// receives all of them (the host switches the lounge's bandwidth adaptation off first: the peers
// send no bandwidth feedback, and the first estimate would pause some). Each publisher also
// answers its own subscribe offers, as a browser does (the server closes a participant whose
// subscribe transport does not connect in 30 s), with an `aux` peer left out of the figures, and
// declares every video it is offered off screen (media.view 0 x 0), so the server forwards to
// the subscribers only. At each subscriber level the
// rounds are interleaved off, on, off, on, ... (FWD_ROUNDS pairs, so the machine's noise hits
// both alike): before an "on" round the lounge's host (coord01@moa.example, a coordinator of
// consortium 1 in the demo database, signed in with auth.login) sends meeting.record
// {action: "start"} and waits for the answer, after it {action: "stop"}; each round, on or off,
// starts FWD_SETTLE_MS (default 3000) after that point, so a start's spool creation and keyframe
// requests are not in the window (with 1000 the worker's time was still higher in the "on"
// rounds, by 5-10 %; with 3000 not: docs/BENCHMARKS.md). After each stop the finalize (a job thread of moa with
// libavformat, and an ffmpeg child for the composite) runs outside the rounds: the next round
// waits until the recording has left the "finalizing" state in the store (the recordings row of
// the benchmark's database, read with the sqlite3 command-line tool). The server runs with
// --recording-dir in the benchmark's temporary directory. Printed per round: on/off, server
// ms CPU/s (every thread of moa: the recorder's writer thread included) and µs per forwarded
// packet, the ms CPU/s of the round's busiest thread (the media worker: the packet path), and
// for "on" rounds the records the recorder wrote; then per level the medians off and on (all
// threads; the worker; the other threads, where the recording's writer thread is), the ratio
// on/off, the records written and dropped (moa_recording_packets_total and
// moa_recording_dropped_total of /metrics), the spool bytes (moa_recording_bytes_total) and each
// recording's final state. In this mode it also exits non-zero when an "on" round recorded
// nothing.
//
// Rate limits are raised (--rate) so joining 200 peers is not throttled. Figures, not
// assertions: it exits non-zero only when media does not flow (a peer fails, a subscriber never
// receives, or a round forwards nothing).
//
// Usage: node bench/bench_forward.mjs <moa-binary> <seed-db>
//        (env FWD_SUBS=10,50,200 FWD_TCP_SUBS=50 FWD_ROUNDS=5 FWD_ROUND_MS=2000 FWD_SIMULCAST=0)
//        FWD_RECORD=1 FWD_PUBLISHERS=10 FWD_SETTLE_MS=3000: the recording cost, rounds off/on
//        interleaved (e.g. FWD_RECORD=1 FWD_PUBLISHERS=10 FWD_SUBS=10 FWD_TCP_SUBS=0 FWD_BARE=0
//        FWD_ROUNDS=6; needs the sqlite3 command-line tool);
//        FWD_BARE=0 skips the bare floor, FWD_BARE_GSO=1 adds its GSO variant;
//        FWD_SRTP_PROFILE=SRTP_AES128_CM_SHA1_80 makes the peers offer only that profile (default:
//        GCM first, which the server picks)
import { spawn, execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir, cpus, loadavg } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const [moaBin, seedDb] = process.argv.slice(2);
if (!moaBin || !seedDb) {
  console.error('usage: node bench/bench_forward.mjs <moa-binary> <seed-db>');
  process.exit(2);
}
const LEVELS = (process.env.FWD_SUBS || '10,50,200').split(',').map(Number).filter((n) => n > 0).sort((a, b) => a - b);
const ROUNDS = Number(process.env.FWD_ROUNDS || 5);
const TCP_SUBS = Number(process.env.FWD_TCP_SUBS ?? 50);
const ROUND_MS = Number(process.env.FWD_ROUND_MS || 2000);
const SIMULCAST = process.env.FWD_SIMULCAST === '1';
const BARE = process.env.FWD_BARE !== '0';
const BARE_GSO = process.env.FWD_BARE_GSO === '1';
const RECORD = process.env.FWD_RECORD === '1';
const PUBS = Number(process.env.FWD_PUBLISHERS || 1);
const SETTLE_MS = Number(process.env.FWD_SETTLE_MS || 3000);
const FINALIZE_WAIT_MS = 300000; // the longest wait for a finalize between rounds
const HOST = { email: 'coord01@moa.example', password: 'moa-demo-2025' }; // the demo database's
if (!(PUBS >= 1 && PUBS <= 32)) { console.error('bench_forward: FWD_PUBLISHERS must be 1..32'); process.exit(2); }
const RID_EXT = 10; // the publish offer's id for urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id
const WARMUP_MS = 1500;
const JOIN_BATCH = 20;
const VP8_PT = 96;
const OUT = 'packets_total{direction="out"}';
const TCP_OUT = 'ice_tcp_frames_total{direction="out"}';
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const binDir = join(dirname(resolve(moaBin)), 'bench');
const tools = { seed: join(binDir, 'bench_seed_users'), peers: join(binDir, 'forward_peers'), srtp: join(binDir, 'bench_srtp'),
  ...(BARE ? { bare: join(binDir, 'bare_forward') } : {}) };
for (const f of [moaBin, seedDb, ...Object.values(tools)]) {
  if (!existsSync(f)) { console.error(`bench_forward: ${f} missing (built with the benchmarks)`); process.exit(2); }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const withTimeout = (p, ms, what) => Promise.race([p, sleep(ms).then(() => { throw new Error(`${what}: nothing in ${ms / 1000} s`); })]);

// ---------------------------------------------------------------------------------------------
// The server

function startServer(db, extra = []) {
  const proc = spawn(resolve(moaBin), ['--listen', '127.0.0.1:0', '--db', db, '--static', join(SRC, 'web-static'),
    '--media-ip', '127.0.0.1', '--media-port', '0', '--media-workers', '1', '--log-level', 'warn',
    '--rate', '1000', '--rate-burst', '1000', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '', stdout = '';
  proc.stderr.on('data', (d) => { stderr = (stderr + d).slice(-8192); });
  const exited = new Promise((res) => proc.on('exit', (code, signal) => res(code ?? signal)));
  const port = new Promise((res, rej) => {
    proc.stdout.on('data', (d) => {
      stdout += d;
      const m = /listening on https?:\/\/\S+:(\d+)/.exec(stdout);
      if (m) res(Number(m[1]));
    });
    exited.then((c) => rej(new Error(`moa exited (${c}) before listening:\n${stderr}`)));
  });
  return withTimeout(port, 20000, 'moa start').then((p) => ({
    proc, port: p, url: `ws://127.0.0.1:${p}/ws`, stderr: () => stderr, exited,
    threadNs() { // each thread's run time, in ns (finer than the 10 ms ticks of /proc/<pid>/stat)
      const m = new Map();
      for (const t of readdirSync(`/proc/${proc.pid}/task`)) {
        try { m.set(t, Number(readFileSync(`/proc/${proc.pid}/task/${t}/schedstat`, 'utf8').split(' ')[0])); } catch { /* it ended */ }
      }
      return m;
    },
    cpuNs() { let ns = 0; for (const v of this.threadNs().values()) ns += v; return ns; }, // every thread's
    async metrics() { // the media counters, e.g. m.rtp_forwarded_total, m['dropped_total{reason="bad_stun"}']
      const text = await (await fetch(`http://127.0.0.1:${p}/metrics`)).text();
      const m = {};
      for (const [, k, v] of text.matchAll(/^moa_media_(\S+) (\S+)$/gm)) m[k] = Number(v);
      for (const [, k, v] of text.matchAll(/^moa_(ice_tcp_\S+|recording_\S+) (\S+)$/gm)) m[k] = Number(v);
      if (m.rtp_forwarded_total === undefined) throw new Error('/metrics has no moa_media_rtp_forwarded_total');
      return m;
    },
  }));
}

// ---------------------------------------------------------------------------------------------
// Signaling clients

class Rpc {
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
  static async open(url) {
    const ws = new WebSocket(url, ['moa.v1'], { perMessageDeflate: false });
    await new Promise((res, rej) => { ws.once('open', res); ws.once('error', rej); });
    return new Rpc(ws);
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

// The peer process: commands on stdin, JSON events on stdout.
class Peers {
  constructor() {
    this.proc = spawn(tools.peers, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.waiters = [];
    this.failed = null;
    this.stderr = '';
    this.proc.stderr.on('data', (d) => { this.stderr = (this.stderr + d).slice(-4096); });
    createInterface({ input: this.proc.stdout }).on('line', (line) => {
      const ev = JSON.parse(line);
      if (ev.ev === 'failed' || ev.ev === 'error') this.failed = new Error(`forward_peers: ${line}`);
      this.waiters = this.waiters.filter((w) => !(w.match(ev) && (w.resolve(ev), true)));
    });
    this.exited = new Promise((res) => this.proc.on('exit', (code) => res(code)));
  }
  send(line) { this.proc.stdin.write(`${line}\n`); }
  wait(match, what, ms = 30000) {
    return withTimeout(new Promise((resolve) => this.waiters.push({ match, resolve })), ms, what);
  }
  async create(id, role) {
    const ev = this.wait((e) => e.ev === 'peer' && e.id === id, `peer ${id}`);
    this.send(`peer ${id} ${role}`);
    return ev;
  }
  check() { if (this.failed) throw this.failed; }
}

// ---------------------------------------------------------------------------------------------
// SDP: what the server writes is regular (gateway/rtc/sdp_write.c), so a few patterns read it.

function serverTransport(sdp) {
  const get = (re, what) => { const m = re.exec(sdp); if (!m) throw new Error(`server SDP has no ${what}:\n${sdp}`); return m; };
  const cand = get(/^a=candidate:\S+ 1 udp \d+ (\S+) (\d+) typ host/m, 'host candidate');
  const tcp = /^a=candidate:\S+ 1 tcp \d+ \S+ (\d+) typ host tcptype passive/m.exec(sdp);
  return {
    tcpPort: tcp ? Number(tcp[1]) : 0,
    ufrag: get(/^a=ice-ufrag:(\S+)/m, 'ice-ufrag')[1], pwd: get(/^a=ice-pwd:(\S+)/m, 'ice-pwd')[1],
    fingerprint: get(/^a=fingerprint:sha-256 (\S+)/m, 'fingerprint')[1], ip: cand[1], port: Number(cand[2]),
  };
}

const transportLines = (p, setup) => [`a=ice-ufrag:${p.ufrag}`, `a=ice-pwd:${p.pwd}`, `a=fingerprint:sha-256 ${p.fingerprint}`, `a=setup:${setup}`];

function publishOffer(p, ssrc) {
  // Simulcast as Chrome offers it: the RID extension, three rids lowest first, no a=ssrc.
  const sim = [`a=extmap:${RID_EXT} urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id`, 'a=rid:q send', 'a=rid:h send', 'a=rid:f send', 'a=simulcast:send q;h;f'];
  return ['v=0', `o=- ${Date.now()} 1 IN IP4 127.0.0.1`, 's=-', 't=0 0', 'a=group:BUNDLE 0', 'a=msid-semantic: WMS bench',
    `m=video 9 UDP/TLS/RTP/SAVPF ${VP8_PT}`, 'c=IN IP4 0.0.0.0', ...transportLines(p, 'actpass'),
    'a=mid:0', 'a=sendonly', 'a=rtcp-mux', `a=rtpmap:${VP8_PT} VP8/90000`, `a=rtcp-fb:${VP8_PT} nack`,
    `a=rtcp-fb:${VP8_PT} nack pli`, `a=rtcp-fb:${VP8_PT} ccm fir`, `a=rtcp-fb:${VP8_PT} goog-remb`, 'a=msid:bench v0',
    ...(SIMULCAST ? sim : [`a=ssrc:${ssrc} cname:bench`, `a=ssrc:${ssrc} msid:bench v0`]), ''].join('\r\n');
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

// bare_forward N with extra arguments (e.g. ['srtp', profile]): its JSON line.
function bareFloor(n, extra = []) {
  const out = execFileSync(tools.bare, [String(n), String(ROUNDS), String(ROUND_MS), ...extra], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop());
}

function srtpCost(profile) {
  const out = execFileSync(tools.srtp, [profile], { encoding: 'utf8' });
  const m = /protect\s+(\d+) ns\s+unprotect\s+(\d+) ns/.exec(out);
  if (!m) throw new Error(`bench_srtp printed no figure for ${profile}:\n${out}`);
  return { protect: Number(m[1]), unprotect: Number(m[2]), line: out.trim() };
}

async function main() {
  const t0 = performance.now(), load0 = loadavg();
  const dir = mkdtempSync(join(tmpdir(), 'moa-bench-fwd-'));
  const db = join(dir, 'moa.db');
  copyFileSync(seedDb, db);
  const total = LEVELS[LEVELS.length - 1] + TCP_SUBS + PUBS;
  // tokens[0 .. PUBS-1]: the publishers; subscriber i (1, 2, ...) signs in with tokens[PUBS - 1 + i]
  const tokens = execFileSync(tools.seed, [db, String(total), '1'], { encoding: 'utf8' }).trim().split('\n');
  const recDir = join(dir, 'recordings');
  const srv = await startServer(db, RECORD ? ['--recording-dir', recDir] : []);
  const peers = new Peers();
  const clients = [];
  let loungeId = 0, fingerprint = '', offerError = null;
  try {
    ({ fingerprint } = await peers.wait((e) => e.ev === 'ready', 'forward_peers start'));
    const cpuOf = (pid) => Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);

    // The host who starts and stops the recording (not in the room: a coordinator may anyway).
    // It switches the lounge's bandwidth adaptation off, so that every subscriber gets every
    // publisher's video: with adaptation on, the peers (which send no bandwidth feedback) would
    // get only as many as the first estimate allows.
    let host = null;
    if (RECORD) {
      host = await Rpc.open(srv.url);
      clients.push(host);
      await host.call('auth.login', HOST);
      loungeId = (await host.call('room.list', { consortium_id: 1 })).rooms.find((r) => r.is_lounge).id;
      await host.call('room.adaptation', { room_id: loungeId, on: false });
    }
    // The publishers (peer ids 0, then 100001, 100002, ...: apart from the subscribers' 1, 2, ...).
    // With several, each also receives the others as a browser does (the server closes a
    // participant whose subscribe transport never connects): its offers are answered by an aux
    // peer (200001, ...; not in the figures), and every video it is offered is declared not on
    // screen (media.view 0 x 0), so the server pauses it: what is forwarded goes to the
    // subscribers only.
    const pubId = (k) => (k ? 100000 + k : 0), auxId = (k) => 200001 + k;
    let profile = '', st = null;
    const auxUp = [];
    for (let k = 0; k < PUBS; k++) {
      const pubWs = await Rpc.open(srv.url);
      clients.push(pubWs);
      await pubWs.call('auth.resume', { token: tokens[k] });
      if (PUBS > 1) {
        answerOffers(pubWs, auxId(k), { role: 'aux', hide: true }).catch(() => {}); // kept in offerError
        auxUp.push(peers.wait((e) => e.ev === 'connected' && e.id === auxId(k), `publisher ${k}'s subscribe transport`, 120000));
      }
      if (!loungeId) loungeId = (await pubWs.call('room.list', { consortium_id: 1 })).rooms.find((r) => r.is_lounge).id;
      await pubWs.call('room.join', { room_id: loungeId });
      const pubCreds = { ...(await peers.create(pubId(k), 'pub')), fingerprint };
      const ssrc = 0x10000000 + Math.floor(Math.random() * 0x7fffffff);
      const pubAnswer = await pubWs.call('media.publish', { sdp: publishOffer(pubCreds, ssrc), tracks: [{ mid: '0', source: 'camera' }] });
      st = serverTransport(pubAnswer.sdp);
      if (SIMULCAST && !/^a=simulcast:recv q;h;f/m.test(pubAnswer.sdp)) throw new Error(`the server did not accept simulcast:\n${pubAnswer.sdp}`);
      const pubUp = peers.wait((e) => e.ev === 'connected' && e.id === pubId(k), `publisher ${k} ICE/DTLS`);
      peers.send(`publish ${pubId(k)} ${ssrc} ${VP8_PT}${SIMULCAST ? ` ${RID_EXT}` : ''}`);
      peers.send(`connect ${pubId(k)} ${st.ip} ${st.port} ${st.ufrag} ${st.pwd} ${st.fingerprint}`);
      ({ profile } = await pubUp);
    }
    await Promise.all(auxUp);
    console.log(`server: ${moaBin} --media-workers 1 on 127.0.0.1 (UDP ${st.port}); peers: forward_peers, one process, ${cpus().length} cores shared with the server; SRTP ${profile}`);
    console.log(`${PUBS > 1 ? `${PUBS} publishers, each` : 'publisher'}: ` +
      (SIMULCAST ? 'simulcast, rid q/h/f (30 + 60 + 150 packets/s; loss and latency measured on f)' : 'one encoding (150 packets/s)'));
    if (RECORD) console.log(`recording: --recording-dir ${recDir}; rounds off/on interleaved, ${SETTLE_MS} ms after each start/stop; finalize waited for between rounds`);

    // SRTP cost, same run, same profile, while only the publisher streams.
    const srtp = srtpCost(profile);
    console.log(srtp.line);

    // One round: the server's CPU and forwarding counter around a window of the peers' packets.
    const round = async () => {
      peers.check();
      if (offerError) throw offerError;
      if (srv.proc.exitCode !== null || srv.proc.signalCode !== null) throw new Error(`moa exited:\n${srv.stderr()}`);
      const mark = peers.wait((e) => e.ev === 'mark', 'mark');
      peers.send('mark');
      await mark;
      const sum = (m) => [...m.values()].reduce((a, v) => a + v, 0);
      const t0 = srv.threadNs(), c0 = sum(t0), m0 = await srv.metrics(), p0 = cpuOf(peers.proc.pid), w0 = performance.now();
      await sleep(ROUND_MS);
      const t1 = srv.threadNs(), c1 = sum(t1), m1 = await srv.metrics(), p1 = cpuOf(peers.proc.pid), w1 = performance.now();
      // The busiest thread of the round: the media worker (--media-workers 1) while media flows.
      const busiest = Math.max(...[...t1].map(([t, v]) => v - (t0.get(t) ?? 0)));
      const rep = peers.wait((e) => e.ev === 'report', 'report');
      peers.send('report');
      const r = await rep;
      const s = (w1 - w0) / 1000, fwd = m1.rtp_forwarded_total - m0.rtp_forwarded_total;
      const sent = m1[OUT] - m0[OUT] + (m1[TCP_OUT] ?? 0) - (m0[TCP_OUT] ?? 0);
      // moa_media_rtp_forwarded_total counts every packet offered to a consumer, also those of a
      // simulcast encoding the consumer does not send: a forwarded packet here is one also sent
      // (the datagrams out include a few RTCP and STUN packets: a small overcount in simulcast).
      const delivered = Math.min(fwd, sent);
      const rec = (k) => (m1[k] ?? 0) - (m0[k] ?? 0);
      return { ...r, secs: s, workerMsPerS: busiest / 1e6 / s, recPackets: rec('recording_packets_total'), recDropped: rec('recording_dropped_total'), recBytes: rec('recording_bytes_total'),
        fwdPerS: delivered / s, unsent: fwd - delivered, cpuUs: delivered ? (c1 - c0) / 1000 / delivered : NaN, cpuMsPerS: (c1 - c0) / 1e6 / s,
        peersMsPerS: (p1 - p0) / 1e6 / s, lossPct: r.expected ? (100 * (r.expected - r.received)) / r.expected : NaN };
    };

    await sleep(WARMUP_MS);
    const idle = await round(); // the publisher alone: what the server spends without subscribers
    const results = [], recResults = [];
    let subs = 0;

    // FWD_RECORD: ROUNDS pairs of rounds off, on at this level; `rounds` gets the off ones (the
    // table's figures are the forwarding without recording, as in the other modes).
    const recState = (id) => execFileSync('sqlite3', ['-cmd', '.timeout 5000', db,
      `SELECT state || ' ' || error FROM recordings WHERE id = ${Number(id)}`], { encoding: 'utf8' }).trim();
    const recordRounds = async (label, offRounds) => {
      const on = [], off = [], recs = [];
      const mStart = await srv.metrics();
      for (let k = 0; k < ROUNDS; k++) {
        await sleep(SETTLE_MS);
        const r0 = await round();
        off.push(r0);
        console.log(`  ${label} subs, pair ${k + 1}: off  server ${r0.cpuMsPerS.toFixed(1)} ms CPU/s (worker ${r0.workerMsPerS.toFixed(1)}), ${r0.cpuUs.toFixed(2)} µs/pkt` +
          ` (${r0.fwdPerS.toFixed(0)} pkt/s forwarded)`);
        const started = await host.call('meeting.record', { room_id: loungeId, action: 'start' });
        if (!started.recording || !started.recording_id) throw new Error(`meeting.record start: ${JSON.stringify(started)}`);
        await sleep(SETTLE_MS);
        const r1 = await round();
        on.push(r1);
        const stopped = await host.call('meeting.record', { room_id: loungeId, action: 'stop' });
        const tFin = performance.now();
        let [state, error] = ['', ''];
        const poll = () => { const t = recState(started.recording_id); state = t.split(' ')[0]; error = t.slice(state.length + 1); };
        poll();
        while ((state === 'recording' || state === 'finalizing') && performance.now() - tFin < FINALIZE_WAIT_MS) {
          await sleep(250);
          poll();
        }
        const finS = (performance.now() - tFin) / 1000;
        recs.push({ id: started.recording_id, state, error, finS, degraded: stopped.degraded });
        console.log(`  ${label} subs, pair ${k + 1}: on   server ${r1.cpuMsPerS.toFixed(1)} ms CPU/s (worker ${r1.workerMsPerS.toFixed(1)}), ${r1.cpuUs.toFixed(2)} µs/pkt` +
          ` (${r1.fwdPerS.toFixed(0)} pkt/s forwarded); recorded ${r1.recPackets} records (${(r1.recPackets / r1.secs).toFixed(0)}/s; sent ${(PUBS * 150)}/s),` +
          ` ${r1.recBytes} spool bytes, dropped ${r1.recDropped} in the window; recording ${started.recording_id} ${state}` +
          ` ${finS.toFixed(1)} s after the stop${stopped.degraded ? ', degraded' : ''}${error ? ` (${error})` : ''}`);
        if (state === 'recording' || state === 'finalizing') console.log(`  (recording ${started.recording_id} still ${state} after ${FINALIZE_WAIT_MS / 1000} s: the next round counts its finalize)`);
      }
      const mEnd = await srv.metrics();
      offRounds.push(...off);
      for (const r of [...off, ...on]) {
        if (!r.received || r.silent) throw new Error(`${label} subscribers: media did not flow (${JSON.stringify(r)})`);
      }
      const d = (k) => (mEnd[k] ?? 0) - (mStart[k] ?? 0);
      const res = { label, offMs: median(off.map((r) => r.cpuMsPerS)), onMs: median(on.map((r) => r.cpuMsPerS)),
        offUs: median(off.map((r) => r.cpuUs)), onUs: median(on.map((r) => r.cpuUs)),
        offWorker: median(off.map((r) => r.workerMsPerS)), onWorker: median(on.map((r) => r.workerMsPerS)),
        offRest: median(off.map((r) => r.cpuMsPerS - r.workerMsPerS)), onRest: median(on.map((r) => r.cpuMsPerS - r.workerMsPerS)),
        pairRatios: on.map((r, i) => r.cpuMsPerS / off[i].cpuMsPerS), packets: d('recording_packets_total'),
        dropped: d('recording_dropped_total'), bytes: d('recording_bytes_total'), recs,
        lost: [...off, ...on].reduce((a, r) => a + r.expected - r.received, 0) };
      const empty = on.findIndex((r) => !r.recPackets);
      if (empty >= 0) throw new Error(`${label} subscribers: recording ${recs[empty].id} recorded nothing in its round`);
      return res;
    };
    const plan = LEVELS.map((level) => ({ level, label: String(level), tcp: false }));
    if (TCP_SUBS > 0) {
      const u = LEVELS[LEVELS.length - 1];
      plan.push({ level: u + TCP_SUBS, label: `${u}+${TCP_SUBS}tcp`, tcp: true });
    }
    for (const { level, label, tcp } of plan) {
      const tAdd = performance.now(), mStart = await srv.metrics();
      for (; subs < level; subs += JOIN_BATCH) {
        const batch = [];
        for (let i = subs + 1; i <= Math.min(level, subs + JOIN_BATCH); i++) batch.push(addSubscriber(i, tcp));
        await Promise.all(batch);
      }
      subs = level;
      const addS = (performance.now() - tAdd) / 1000;
      await sleep(WARMUP_MS);
      const rounds = [];
      if (RECORD) recResults.push(await recordRounds(label, rounds));
      else for (let k = 0; k < ROUNDS; k++) rounds.push(await round());
      for (const r of rounds) {
        if (!r.received || r.silent) throw new Error(`${level} subscribers: media did not flow (${JSON.stringify(r)})`);
      }
      const mEnd = await srv.metrics();
      const drops = Object.keys(mEnd).filter((k) => k.startsWith('dropped_total') && mEnd[k] > (mStart[k] || 0))
        .map((k) => `${/reason="(\w+)"/.exec(k)[1]} ${mEnd[k] - (mStart[k] || 0)}`);
      const med = (f) => median(rounds.map(f));
      results.push({ level, label, tcp, addS, fwdPerS: med((r) => r.fwdPerS), cpuUs: med((r) => r.cpuUs), lossPct: med((r) => r.lossPct),
        p50: med((r) => r.p50_us) / 1000, p99: med((r) => r.p99_us) / 1000, max: Math.max(...rounds.map((r) => r.max_us)) / 1000,
        gaps: rounds.reduce((a, r) => a + r.seq_gaps, 0), drops: rounds.reduce((a, r) => a + r.client_drops, 0),
        lost: rounds.reduce((a, r) => a + r.expected - r.received, 0), cpuMsPerS: med((r) => r.cpuMsPerS),
        peersMsPerS: med((r) => r.peersMsPerS), unsent: rounds.reduce((a, r) => a + r.unsent, 0),
        serverDrops: drops.join(', ') || 'none', cpuAll: rounds.map((r) => r.cpuUs.toFixed(2)).join(' ') });
    }

    const srtpUs = (srtp.protect + srtp.unprotect) / 1000;
    const rows = [['subscribers', 'fwd pkt/s', 'CPU µs/pkt', 'CPU/SRTP', 'loss %', 'p50 ms', 'p99 ms', 'max ms']];
    for (const r of results) {
      rows.push([r.label, r.fwdPerS.toFixed(0), r.cpuUs.toFixed(2), `${(r.cpuUs / srtpUs).toFixed(2)}x`,
        r.lossPct.toFixed(3), r.p50.toFixed(2), r.p99.toFixed(2), r.max.toFixed(1)]);
    }
    const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
    console.log('');
    for (const row of rows) console.log(row.map((c, i) => (i ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  '));
    console.log('');
    console.log(`SRTP ${profile} protect + unprotect, 1200-byte packet (bench_srtp, this run): ${srtpUs.toFixed(2)} µs` +
      ` (${srtp.protect} + ${srtp.unprotect} ns); CPU/SRTP = server CPU per forwarded packet / that`);
    const tcpRow = results.find((r) => r.tcp), udpRows = results.filter((r) => !r.tcp);
    if (tcpRow && udpRows.length >= 1) {
      const marginal = (a, b) => ((b.cpuMsPerS - a.cpuMsPerS) * 1000) / (b.fwdPerS - a.fwdPerS);
      const u1 = udpRows[udpRows.length - 1], u0 = udpRows.length >= 2 ? udpRows[udpRows.length - 2] : { level: 0, cpuMsPerS: idle.cpuMsPerS, fwdPerS: 0 };
      console.log(`marginal server CPU per forwarded packet: UDP ${marginal(u0, u1).toFixed(2)} µs` +
        ` (subscribers ${u0.level} -> ${u1.level}), ICE-TCP ${marginal(u1, tcpRow).toFixed(2)} µs` +
        ` (${u1.level} UDP -> + ${TCP_SUBS} over TCP); ICE-TCP/UDP ${(marginal(u1, tcpRow) / marginal(u0, u1)).toFixed(2)}x`);
    }
    if (BARE) {
      // The floor, after Moa's rounds (the server is idle then: its subscribers are gone).
      srv.proc.kill('SIGSTOP'); peers.proc.kill('SIGSTOP');
      const bare = [];
      try {
        for (const r of udpRows) {
          const plain = bareFloor(r.level), crypto = bareFloor(r.level, ['srtp', profile]);
          bare.push({ r, plain, crypto, gso: BARE_GSO ? bareFloor(r.level, ['gso']) : null });
        }
      } finally { srv.proc.kill('SIGCONT'); peers.proc.kill('SIGCONT'); }
      const hdr = ['subscribers', 'moa µs/pkt', 'bare µs/pkt', 'moa/bare', `bare+SRTP µs/pkt`, 'moa/(bare+SRTP)', 'bare p50 ms', 'bare p99 ms',
        ...(BARE_GSO ? ['bare+GSO µs/pkt', 'GSO/bare', 'GSO p50 ms', 'GSO p99 ms'] : [])];
      const brows = [hdr];
      for (const { r, plain, crypto, gso } of bare) {
        brows.push([r.label, r.cpuUs.toFixed(2), plain.cpu_us.toFixed(2), `${(r.cpuUs / plain.cpu_us).toFixed(2)}x`, crypto.cpu_us.toFixed(2),
          `${(r.cpuUs / crypto.cpu_us).toFixed(2)}x`, (plain.p50_us / 1000).toFixed(2), (plain.p99_us / 1000).toFixed(2),
          ...(gso ? [gso.cpu_us.toFixed(2), `${(gso.cpu_us / plain.cpu_us).toFixed(2)}x`, (gso.p50_us / 1000).toFixed(2), (gso.p99_us / 1000).toFixed(2)] : [])]);
      }
      const bw = hdr.map((_, i) => Math.max(...brows.map((row) => row[i].length)));
      console.log('');
      console.log(`bare forwarding floor, this run (bare_forward: one thread, recvmmsg + copy + SSRC/seq rewrite + sendmmsg, no crypto;` +
        ` bare+SRTP: the same with ${profile} by gateway/rtc/srtp.c, unprotect once + protect per subscriber):`);
      for (const row of brows) console.log(row.map((c, i) => (i ? c.padStart(bw[i]) : c.padEnd(bw[i]))).join('  '));
      for (const { plain, crypto, gso } of bare) {
        for (const b of [plain, crypto, gso].filter(Boolean)) {
          if (b.lost || b.send_errors) console.log(`  bare ${b.mode} ${b.subs} subs: lost ${b.lost}, send errors ${b.send_errors}`);
        }
        console.log(`  bare ${plain.subs} subs: CPU µs/pkt by round plain ${plain.cpu_all}; +SRTP ${crypto.cpu_all}${gso ? `; +GSO ${gso.cpu_all}` : ''}`);
      }
      if (profile === 'AEAD_AES_128_GCM') {
        for (const { r, plain } of bare) {
          console.log(`issue 13 (GCM, N = ${r.label}): moa / bare forwarding = ${(r.cpuUs / plain.cpu_us).toFixed(2)}x (asked: at most 1.3x)`);
        }
      }
    }
    for (const r of recResults) {
      console.log(`recording ${PUBS} video track${PUBS > 1 ? 's' : ''}, ${r.label} subscribers, ${ROUNDS} pairs of rounds off/on x ${ROUND_MS / 1000} s:` +
        ` server median ${r.offMs.toFixed(1)} ms CPU/s off, ${r.onMs.toFixed(1)} on: on/off ${(r.onMs / r.offMs).toFixed(3)}` +
        ` (${((r.onMs / r.offMs - 1) * 100).toFixed(1)}%); µs per forwarded packet ${r.offUs.toFixed(2)} off, ${r.onUs.toFixed(2)} on;` +
        ` on/off by pair ${r.pairRatios.map((x) => x.toFixed(3)).join(' ')}`);
      console.log(`  the busiest thread (the media worker, the packet path): median ${r.offWorker.toFixed(1)} ms CPU/s off, ${r.onWorker.toFixed(1)} on` +
        ` (on/off ${(r.onWorker / r.offWorker).toFixed(3)}); the other threads (signaling, the recording writer while on): ${r.offRest.toFixed(1)} off,` +
        ` ${r.onRest.toFixed(1)} on`);
      console.log(`  recorded ${r.packets} records (moa_recording_packets_total), dropped ${r.dropped} (moa_recording_dropped_total),` +
        ` spool bytes ${r.bytes} (moa_recording_bytes_total); lost by the subscribers over all rounds ${r.lost};` +
        ` recordings: ${r.recs.map((x) => `${x.id} ${x.state}${x.degraded ? ' degraded' : ''} (${x.finS.toFixed(1)} s)`).join(', ')}`);
    }
    console.log(`medians of ${ROUNDS} rounds x ${ROUND_MS / 1000} s; publisher alone: server ${idle.cpuMsPerS.toFixed(1)} ms CPU/s`);
    for (const r of results) {
      console.log(`  ${r.label.padStart(3)} subs: joined+connected in ${r.addS.toFixed(1)} s; server ${r.cpuMsPerS.toFixed(0)} ms CPU/s,` +
        ` peers ${r.peersMsPerS.toFixed(0)} ms CPU/s; CPU µs/pkt by round ${r.cpuAll}; lost ${r.lost} (seq gaps ${r.gaps},` +
        ` dropped by the peers' own sockets ${r.drops}); server: counted as forwarded but not sent ${r.unsent},` +
        ` dropped while joining and measuring: ${r.serverDrops}`);
    }
    const la = (l) => l.map((x) => x.toFixed(2)).join(' ');
    console.log(`(total ${((performance.now() - t0) / 1000).toFixed(0)} s; load average 1/5/15 min at start ${la(load0)}, at end ${la(loadavg())})`);
  } catch (e) {
    const tail = `${srv.stderr().trim()}`.slice(-2000), ptail = peers.stderr.trim();
    if (tail) console.error(`server stderr (tail):\n${tail}`);
    if (ptail) console.error(`forward_peers stderr:\n${ptail}`);
    throw e;
  } finally {
    for (const c of clients) c.ws.terminate();
    peers.send('quit');
    srv.proc.kill('SIGTERM');
    await Promise.race([srv.exited, sleep(10000)]);
    rmSync(dir, { recursive: true, force: true });
  }

  // Answers every media.offer c gets (re-offers too) with the same forward_peers peer `id` (made
  // at the first; role sub or aux); hide: then tells the server none of the offered video is on
  // screen (media.view 0 x 0). Resolves when the first is answered; a later failure is kept in
  // offerError, which each round checks.
  function answerOffers(c, id, { tcp = false, role = 'sub', hide = false } = {}) {
    let creds = null;
    const answer = async (ev) => {
      const first = !creds;
      if (first) creds = { ...(await peers.create(id, role)), fingerprint };
      await c.call('media.answer', { sdp: subscribeAnswer(ev.sdp, creds) });
      if (first) {
        const t = serverTransport(ev.sdp);
        if (tcp && !t.tcpPort) throw new Error('the server offers no ICE-TCP candidate');
        peers.send(`connect ${id} ${t.ip} ${tcp ? t.tcpPort : t.port} ${t.ufrag} ${t.pwd} ${t.fingerprint}${tcp ? ' tcp' : ''}`);
      }
      const views = hide ? (ev.tracks || []).filter((t) => t.kind === 'video').map((t) => ({ track_id: t.track_id, width: 0, height: 0 })) : [];
      if (views.length) await c.call('media.view', { views });
    };
    return new Promise((res, rej) => c.on('media.offer', (ev) => answer(ev).then(res, (e) => { offerError ??= e; rej(e); })));
  }

  async function addSubscriber(i, tcp = false) {
    const c = await Rpc.open(srv.url);
    clients.push(c);
    await c.call('auth.resume', { token: tokens[PUBS - 1 + i] });
    const offered = answerOffers(c, i, { tcp });
    const flowing = peers.wait((e) => e.ev === 'flowing' && e.id === i, `subscriber ${i} media`, 60000);
    const connected = peers.wait((e) => e.ev === 'connected' && e.id === i, `subscriber ${i} media`, 60000);
    const T = performance.now();
    await c.call('room.join', { room_id: loungeId });
    const tj = performance.now();
    await withTimeout(offered, 30000, `subscriber ${i} offer`);
    const ta = performance.now();
    await connected;
    const tc = performance.now();
    await flowing;
    if (process.env.FWD_DEBUG) console.log(`sub ${i}: join ${(tj-T).toFixed(0)} answer ${(ta-tj).toFixed(0)} connect ${(tc-ta).toFixed(0)} flow ${(performance.now()-tc).toFixed(0)}`);
  }
}

main().then(() => process.exit(0), (e) => {
  console.error(`bench_forward: ${e.stack || e}`);
  process.exit(1);
});
