// One send() per WebSocket write, through the real binary under strace: moa.v1 sets libwebsockets'
// tx_packet_size to WS_BATCH_MAX_BYTES (gateway/http_ws.c), so a batch of queued messages
// (gateway/ws_batch.h, up to 64 KiB) goes to the kernel in one send(). Without it libwebsockets
// sends at most rx_buffer_size (4 KiB, + LWS_PRE + 4) per send() and keeps the rest for later poll
// rounds: every frame of more than 4,116 bytes then takes two sends or more, and nothing else
// would notice (the client gets the same bytes). Needs strace (Makefile TEST_DEPS).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, seededDb, cleanup, signedIn } from '../lib/moa.mjs';

const BODY = 3990; // bytes of each message's body: every frame to the reader is larger than 4,116
const N = 10; // messages: the sender's whole flood budget (10 in 10 s)

// moa_ws_batched_writes_total of /metrics.
async function batchedWrites(srv) {
  const t = await (await fetch(`${srv.url}/metrics`)).text();
  return Number(/^moa_ws_batched_writes_total (\d+)$/m.exec(t)[1]);
}

// The sizes of the send()s (sendto, sendmsg, write) to the TCP connection whose far end is
// 127.0.0.1:port, made from unix time t0 to t1 (seconds), read from every thread's strace -ff
// -ttt -yy file in dir.
function sendsTo(dir, prefix, port, t0, t1) {
  const re = /^(\d+\.\d+) (?:sendto|sendmsg|write)\(\d+<TCP:\[[^\]]*->127\.0\.0\.1:(\d+)\]>,.*\) = (-?\d+)/;
  const sizes = [];
  for (const f of readdirSync(dir).filter((n) => n.startsWith(`${prefix}.`))) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      const m = re.exec(line);
      if (m && Number(m[2]) === port && Number(m[1]) >= t0 && Number(m[1]) <= t1) sizes.push(Number(m[3]));
    }
  }
  return sizes;
}

test('a chat fan-out\'s queued events reach a WebSocket reader in one send() per write', async (t) => {
  try {
    execFileSync('strace', ['-V'], { stdio: 'ignore' });
  } catch {
    assert.fail('strace is not installed (make deps-test installs it)');
  }
  const db = seededDb();
  const prefix = 'strace';
  // LeakSanitizer stops the process's threads with ptrace at exit, which strace already holds.
  const srv = await startServer({
    db: db.path,
    wrap: ['strace', '-ff', '-qq', '-ttt', '-yy', '-s', '0', '-e', 'trace=sendto,sendmsg,write', '-e', 'signal=none',
      '-o', join(db.dir, prefix)],
    env: { ASAN_OPTIONS: `${process.env.ASAN_OPTIONS ?? ''}:detect_leaks=0` },
  });
  let a, b;
  try {
    [a, b] = [await signedIn(srv, 'member01a@moa.example'), await signedIn(srv, 'member01b@moa.example')];
    const { conversations } = await a.call('chat.conversations');
    const channel = conversations.find((c) => c.kind === 'channel' && c.consortium_id === 1).id;
    await b.call('chat.conversations');
    const port = b.ws._socket.localPort;
    const before = await batchedWrites(srv);

    // Each message mentions B: its chat.mention and its chat.message are queued for B by the same
    // request, so at least those two go out together as a batch.
    const t0 = Date.now() / 1000;
    let frames = 0, bytes = 0;
    b.ws.on('message', (d) => { frames++; bytes += d.length; });
    const body = `@${b.me.name} `.padEnd(BODY, 'x');
    const replies = await Promise.all(Array.from({ length: N }, (_, i) =>
      a.request('chat.send', { conversation_id: channel, body, client_key: `ws-send-${process.pid}-${i}` })));
    const ids = replies.map((r) => (assert.ok(r.ok, JSON.stringify(r.error)), r.result.message.id));
    for (const id of ids) {
      await b.waitEvent((e) => e.type === 'chat.message' && e.message.id === id);
      await b.waitEvent((e) => e.type === 'chat.mention' && e.message.id === id);
    }
    const batches = (await batchedWrites(srv)) - before;
    const [got, payload] = [frames, bytes]; // before moa's goodbye at SIGTERM
    assert.equal(got, 2 * N, 'B got the two events of each message and nothing else');

    const t1 = Date.now() / 1000;
    // Stop moa (strace's child) so that strace writes out everything and exits.
    const pid = Number(readFileSync(`/proc/${srv.proc.pid}/task/${srv.proc.pid}/children`, 'utf8').trim().split(' ')[0]);
    process.kill(pid, 'SIGTERM');
    await srv.exited;

    const sizes = sendsTo(db.dir, prefix, port, t0, t1);
    const sent = sizes.reduce((x, y) => x + y, 0);
    const seen = `${sizes.length} sends of ${sent} bytes for ${got} frames (${payload} bytes of payload), ` +
      `${batches} batched writes: ${sizes.join(' ')}`;
    t.diagnostic(seen);
    assert.ok(sent >= payload, `the trace holds B's traffic: ${seen}`);
    assert.ok(batches >= 1, `some of B's events went out batched: ${seen}`);
    // A batch of two events (more than 2 x 3,990 bytes) left in one send().
    assert.ok(Math.max(...sizes) > 2 * BODY, `a batch went out in one send(): ${seen}`);
    // One send per write, and batching makes writes fewer than frames; 4 KiB pieces would make
    // more sends than frames (every frame is over 4,116 bytes).
    assert.ok(sizes.length < got, `fewer sends than frames: ${seen}`);
  } finally {
    await Promise.all([a, b].filter(Boolean).map((c) => c.close()));
    await srv.stop();
    cleanup(db.dir);
  }
});
