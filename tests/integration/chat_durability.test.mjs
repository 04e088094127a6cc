// Durability of chat: clients send messages continuously (each with a client_key, awaiting each
// acknowledgement), the server is killed with SIGKILL mid-stream and restarted on the same
// database, twice. Every acknowledged message must be there exactly once; a message in flight at
// the kill may be there or not, but a resend with its client_key never makes a second copy.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, seededDb, cleanup, signedIn } from '../lib/moa.mjs';

const db = seededDb();
const USERS = Array.from({ length: 12 }, (_, i) => `member${String(i + 1).padStart(2, '0')}a@moa.example`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
after(() => cleanup(db.dir));

// One sender: its channel, every key it sent, the keys acknowledged, the key in flight.
async function makeSender(srv, email) {
  const c = await signedIn(srv, email);
  const conv = (await c.call('chat.conversations')).conversations.find((x) => x.kind === 'channel').id;
  return { email, conv, sent: [], acked: new Map(), client: c };
}

// Sends until the connection dies; counts acknowledgements into total.ack.
async function pump(s, total, round) {
  for (let i = 0; ; i++) {
    const key = `${s.email}-r${round}-${i}`;
    s.sent.push(key);
    let r;
    try {
      r = await s.client.request('chat.send', { conversation_id: s.conv, body: `durable ${key}`, client_key: key }, { timeout: 5000 });
    } catch {
      return; // the server is gone; this key is in flight
    }
    if (r.ok) {
      assert.equal(r.result.message.client_key, key);
      s.acked.set(key, r.result.message.id);
      total.ack++;
    } else if (r.error.code === 'rate_limited') {
      s.sent.pop();
      i--;
      await sleep(Math.ceil(r.error.retry_after * 1000));
    } else {
      throw new Error(`chat.send: ${r.error.code}`);
    }
  }
}

async function history(c, conv) {
  const all = [];
  let after_id = 0, page;
  do {
    page = await c.call('chat.history', { conversation_id: conv, after_id, limit: 100 });
    all.push(...page.messages);
    if (page.messages.length) after_id = page.messages.at(-1).id;
  } while (page.has_more);
  return all;
}

test('every acknowledged message survives SIGKILL, exactly once', { timeout: 240000 }, async (t) => {
  let srv = await startServer({ db: db.path });
  const senders = [];
  for (const email of USERS) senders.push(await makeSender(srv, email));
  for (let round = 1; round <= 2; round++) {
    const total = { ack: 0 };
    const killAt = 30 + Math.floor(Math.random() * 40);
    const pumps = senders.map((s) => pump(s, total, round));
    while (total.ack < killAt) await sleep(2);
    srv.proc.kill('SIGKILL');
    const { signal } = await srv.exited;
    assert.equal(signal, 'SIGKILL');
    await Promise.all(pumps);
    srv = await startServer({ db: db.path });
    for (const s of senders) {
      s.client.ws.terminate();
      s.client = await signedIn(srv, s.email);
    }
    // Check: every acknowledged key exactly once with its acknowledged id; nothing twice.
    let acked = 0, inFlight = 0, committedInFlight = 0;
    for (const s of senders) {
      const msgs = await history(s.client, s.conv);
      const byKey = new Map();
      for (const m of msgs) {
        if (!m.client_key) continue;
        assert.ok(!byKey.has(m.client_key), `${m.client_key} stored twice`);
        byKey.set(m.client_key, m.id);
      }
      for (const [key, id] of s.acked) assert.equal(byKey.get(key), id, `acknowledged ${key} missing after SIGKILL`);
      for (const key of byKey.keys()) assert.ok(s.sent.includes(key), `unknown key ${key}`);
      acked += s.acked.size;
      // Resend what was in flight: a committed one comes back as a duplicate, never a second copy.
      for (const key of s.sent.filter((k) => !s.acked.has(k))) {
        const r = await s.client.call('chat.send', { conversation_id: s.conv, body: `durable ${key}`, client_key: key });
        inFlight++;
        if (byKey.has(key)) committedInFlight++;
        assert.equal(r.duplicate, byKey.has(key));
        if (byKey.has(key)) assert.equal(r.message.id, byKey.get(key));
        s.acked.set(key, r.message.id);
      }
      const again = await history(s.client, s.conv);
      assert.equal(again.filter((m) => m.client_key).length, s.acked.size, 'each key once after the resends');
    }
    t.diagnostic(`round ${round}: ${acked} acknowledged, ${inFlight} in flight at the kill (${committedInFlight} of them committed)`);
    assert.ok(acked >= killAt, `${acked} acknowledged before the kill in round ${round}`);
  }
  await Promise.all(senders.map((s) => s.client.close()));
  await srv.stop();
});
