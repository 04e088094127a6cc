// Chat benchmark: messages stored and delivered per second with MEMBERS connected members in one
// consortium channel. Starts the real `moa` binary on 127.0.0.1 (random port) over a copy of the
// seeded demo database to which bench_seed_users (built beside the binary) has added MEMBERS
// members of consortium 1 with session tokens; every member connects and signs in with auth.resume.
//
// Then SENDERS of them send MSGS messages each into the channel, each sender awaiting every
// acknowledgement before its next message (closed loop, SENDERS in flight). Each message is
// committed before its ack, and delivered as a chat.message event to every other connected member
// (MEMBERS - 1 deliveries). Reported:
//   - stored/s: messages acknowledged per second, with ack latency p50/p99;
//   - delivered/s: events received by all members per second, until the last one arrived;
//   - server CPU per message (from /proc/<pid>/stat).
// MSGS is at most 10: the per-user flood limit (10 messages in 10 s) applies, as in production.
// The outbound queue bound is raised so the load generator, which shares the machine, is not
// dropped as a slow consumer while it parses, and the per-address connection cap is off (every
// member connects from 127.0.0.1); everything targets 127.0.0.1 only.
//
// Usage: node bench/bench_chat.mjs <moa-binary> <seed-db>
//        (env MEMBERS=1000 SENDERS=200 MSGS=10)
import { spawn, execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const [moaBin, seedDb] = process.argv.slice(2);
if (!moaBin || !seedDb) {
  console.error('usage: node bench/bench_chat.mjs <moa-binary> <seed-db>');
  process.exit(2);
}
const MEMBERS = Number(process.env.MEMBERS || 1000);
const SENDERS = Math.min(Number(process.env.SENDERS || 200), MEMBERS);
const MSGS = Math.min(Number(process.env.MSGS || 10), 10);
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const helper = join(dirname(resolve(moaBin)), 'bench', 'bench_seed_users');
if (!existsSync(helper)) {
  console.error(`bench_chat: ${helper} missing (built with the benchmarks)`);
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'moa-bench-chat-'));
const db = join(dir, 'moa.db');
copyFileSync(seedDb, db);
const tokens = execFileSync(helper, [db, String(MEMBERS), '1'], { encoding: 'utf8', maxBuffer: 1 << 26 }).trim().split('\n');

const proc = spawn(resolve(moaBin), ['--listen', '127.0.0.1:0', '--db', db, '--static', join(SRC, 'web-static'),
  '--outq-messages', '200000', '--outq-bytes', String(1 << 30), '--rate', '1000', '--rate-burst', '1000',
  '--max-conns-per-ip', '0']);
let stderr = '';
proc.stderr.on('data', (d) => (stderr += d));
const port = await new Promise((res, rej) => {
  let out = '';
  const t = setTimeout(() => rej(new Error(`moa did not start:\n${stderr}`)), 20000);
  proc.stdout.on('data', (d) => {
    out += d;
    const m = /listening on https?:\/\/\S+:(\d+)/.exec(out);
    if (m) { clearTimeout(t); res(Number(m[1])); }
  });
  proc.on('exit', (code) => rej(new Error(`moa exited ${code}:\n${stderr}`)));
});

function cpuSeconds(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in clock ticks of 10 ms
}
const pct = (arr, p) => arr[Math.min(arr.length - 1, Math.floor((arr.length * p) / 100))];

// A minimal client: replies resolve by id; events are only counted (not parsed) to keep the load
// generator cheap: a reply starts with {"id", an event with another key.
class Member {
  constructor(ws) {
    this.ws = ws;
    this.next = 1;
    this.pending = new Map();
    this.events = 0;
    ws.on('message', (buf) => {
      if (buf[2] === 0x69 && buf[3] === 0x64 && buf[4] === 0x22) { // {"id"
        const m = JSON.parse(buf.toString());
        const p = this.pending.get(m.id);
        if (p) { this.pending.delete(m.id); p(m); }
      } else {
        this.events++;
        stats.events++;
        stats.lastEvent = performance.now();
      }
    });
  }
  call(type, params = {}) {
    const id = this.next++;
    return new Promise((res, rej) => {
      this.pending.set(id, (m) => (m.ok ? res(m.result) : rej(new Error(`${type}: ${m.error.code} ${m.error.message}`))));
      this.ws.send(JSON.stringify({ id, type, ...params }));
    });
  }
}
const stats = { events: 0, lastEvent: 0 };

async function connect(token) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, ['moa.v1'], { perMessageDeflate: false });
  await new Promise((res, rej) => { ws.once('open', res); ws.once('error', rej); });
  const m = new Member(ws);
  await m.call('auth.resume', { token });
  return m;
}

try {
  const t0 = performance.now();
  const members = [];
  for (let i = 0; i < tokens.length; i += 100) members.push(...(await Promise.all(tokens.slice(i, i + 100).map(connect))));
  const channel = (await members[0].call('chat.conversations')).conversations.find((c) => c.consortium_id === 1).id;
  console.log(`${members.length} members connected and signed in (auth.resume) in ${((performance.now() - t0) / 1000).toFixed(1)} s; channel ${channel}`);
  // warm-up by a member who is not a sender (the flood limit counts every message of a user)
  await members[members.length - 1].call('chat.send', { conversation_id: channel, body: 'warm-up', client_key: 'warm-up' });
  await new Promise((r) => setTimeout(r, 1000));
  stats.events = 0;

  const total = SENDERS * MSGS;
  const expected = total * (members.length - 1);
  const lat = [];
  const cpu0 = cpuSeconds(proc.pid);
  const start = performance.now();
  await Promise.all(members.slice(0, SENDERS).map(async (m, s) => {
    for (let i = 0; i < MSGS; i++) {
      const t = performance.now();
      await m.call('chat.send', { conversation_id: channel, body: `벤치마크 메시지 ${s}-${i}: 수소연료전지 스택 공동개발 일정 공유드립니다.`, client_key: `b-${s}-${i}` });
      lat.push(performance.now() - t);
    }
  }));
  const acked = performance.now();
  const deadline = Date.now() + 300000;
  while (stats.events < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const cpu1 = cpuSeconds(proc.pid);
  lat.sort((a, b) => a - b);
  const storeS = (acked - start) / 1000, deliverS = (stats.lastEvent - start) / 1000;
  console.log(`messages: ${total} from ${SENDERS} senders (${MSGS} each, closed loop), ${members.length} members in the channel`);
  console.log(`stored:    ${(total / storeS).toFixed(0)} messages/s (all acknowledged in ${storeS.toFixed(2)} s); ack latency p50 ${pct(lat, 50).toFixed(1)} ms, p99 ${pct(lat, 99).toFixed(1)} ms`);
  console.log(`delivered: ${(stats.events / deliverS).toFixed(0)} events/s (${stats.events} of ${expected} chat.message events in ${deliverS.toFixed(2)} s)`);
  console.log(`server CPU: ${(cpu1 - cpu0).toFixed(2)} s, ${(((cpu1 - cpu0) * 1e6) / total).toFixed(0)} µs per message (store + fan-out to ${members.length - 1})`);
  if (stats.events < expected) throw new Error(`only ${stats.events} of ${expected} events arrived`);
  for (const m of members) m.ws.terminate();
} finally {
  proc.kill('SIGTERM');
  await new Promise((r) => proc.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
}
