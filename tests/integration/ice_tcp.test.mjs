// ICE over TCP against hostile streams, through the real binary (RFC 6544 passive candidate,
// RFC 4571 framing; gateway/ice_tcp.c): a connection whose first frame is no STUN Binding request
// (garbage, an empty frame, garbage before a valid request, an HTTP request read as a huge
// length) is closed at once and counted; one that never completes ICE is closed after 5 s; a
// flood of connections without ICE stays within the per-worker bounds (the oldest waiting ones
// are evicted) and a real ICE check is still answered during it. A valid, integrity-checked
// Binding request for a published transport, sent over TCP to the port of the SDP's TCP
// candidate, gets a framed Binding success and keeps its connection. media.path is validated
// and counted once per participant and path.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { startServer, seededDb, cleanup, signedIn } from '../lib/moa.mjs';
import { publishOffer } from '../lib/sdp_offer.mjs';
import { bindingRequest } from '../lib/ice_consent.mjs';

let srv, db, tcpPort;
before(async () => {
  db = seededDb();
  srv = await startServer({ db: db.path });
  for (let i = 0; i < 100 && !tcpPort; i++) {
    const m = /ICE-TCP (\d+)/.exec(srv.output().stderr + srv.output().stdout);
    if (m) tcpPort = Number(m[1]);
    else await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(tcpPort, 'the worker logs its ICE-TCP port');
});
after(async () => { await srv?.stop(); cleanup(db.dir); });

async function metrics() {
  const text = await (await fetch(`${srv.url}/metrics`)).text();
  const get = (name) => {
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line === undefined ? null : Number(line.split(' ')[1]);
  };
  return get;
}

const frame = (buf) => { const h = Buffer.alloc(2); h.writeUInt16BE(buf.length); return Buffer.concat([h, buf]); };

// Opens a connection to the ICE-TCP port; resolves {sock, data(), closed} once connected.
function connect() {
  return new Promise((resolve, reject) => {
    const sock = net.connect(tcpPort, '127.0.0.1');
    let data = Buffer.alloc(0);
    const closed = new Promise((r) => sock.on('close', () => r(Date.now())));
    sock.on('data', (d) => { data = Buffer.concat([data, d]); });
    sock.on('error', () => {});
    sock.once('connect', () => resolve({ sock, data: () => data, closed, opened: Date.now() }));
    sock.once('error', reject);
  });
}

const within = (p, ms) => Promise.race([p, new Promise((r) => setTimeout(() => r(null), ms))]);

test('a first frame that is no STUN Binding request closes the connection, counted by reason', async () => {
  const m0 = await metrics();
  const cases = [
    ['not_stun', frame(Buffer.from('hello'))],
    ['not_stun', frame(Buffer.alloc(0))],
    // garbage before a valid request: the garbage is the first frame
    ['not_stun', Buffer.concat([frame(Buffer.from('garbage')), frame(bindingRequest('a:b', 'pwdpwdpwdpwdpwdpwdpwdpwd', randomBytes(8)))])],
    ['oversized', Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')], // 'GE' = a 18,245-byte frame
    ['oversized', Buffer.from([0xff, 0xff])], // 65,535 announced
  ];
  for (const [, bytes] of cases) {
    const c = await connect();
    // split at every byte: the server reassembles before judging
    for (const b of bytes) c.sock.write(Buffer.from([b]));
    const t = await within(c.closed, 3000);
    assert.ok(t, `closed at once (${bytes.subarray(0, 8).toString('hex')})`);
    assert.equal(c.data().length, 0, 'nothing answered');
  }
  const m1 = await metrics();
  const reason = (r) => `moa_ice_tcp_closed_total{reason="${r}"}`;
  assert.equal(m1(reason('not_stun')) - m0(reason('not_stun')), 3);
  assert.equal(m1(reason('oversized')) - m0(reason('oversized')), 2);
  assert.equal(m1('moa_ice_tcp_connections'), 0);
});

test('a connection without ICE is closed after about 5 s; a flood stays bounded and a real check still gets through', async () => {
  // A well-formed Binding request for a ufrag no transport has: dropped, the connection waits.
  const lone = await connect();
  lone.sock.write(frame(bindingRequest('nobody:x', 'pwdpwdpwdpwdpwdpwdpwdpwd', randomBytes(8))));

  // A participant publishes: its transport's ICE credentials and the TCP candidate come in the answer.
  const alice = await signedIn(srv, 'member01a@moa.example');
  const rooms = await alice.call('room.list', { consortium_id: 1 });
  await alice.call('room.join', { room_id: rooms.rooms.find((r) => r.is_lounge).id });
  const ufrag = randomBytes(3).toString('hex');
  const offer = publishOffer(['audio'], { ufrag });
  const { sdp } = await alice.call('media.publish', offer);
  const cand = /a=candidate:\S+ 1 tcp (\d+) (\S+) (\d+) typ host tcptype passive/.exec(sdp);
  const udp = /a=candidate:\S+ 1 udp (\d+) /.exec(sdp);
  assert.ok(cand && udp, 'the answer lists a passive TCP candidate');
  assert.equal(Number(cand[3]), tcpPort);
  assert.ok(Number(cand[1]) < Number(udp[1]), 'TCP has the lower priority');
  assert.ok(sdp.indexOf(cand[0]) > sdp.indexOf(udp[0]), 'TCP comes after UDP');
  const serverUfrag = /a=ice-ufrag:(\S+)/.exec(sdp)[1], serverPwd = /a=ice-pwd:(\S+)/.exec(sdp)[1];

  // 300 silent connections: at most 256 wait per worker, the oldest are evicted.
  const m0 = await metrics();
  const flood = [];
  for (let i = 0; i < 300; i++) flood.push(await connect());
  await new Promise((r) => setTimeout(r, 300));
  const m1 = await metrics();
  assert.ok(m1('moa_ice_tcp_connections') <= 256, `connections bounded (${m1('moa_ice_tcp_connections')})`);
  assert.ok(m1('moa_ice_tcp_closed_total{reason="evicted"}') - m0('moa_ice_tcp_closed_total{reason="evicted"}') >= 44);
  assert.ok(await within(lone.closed, 10), 'the oldest waiting connection went first');

  // During the flood a real ICE check over TCP is answered, framed, and its connection stays.
  const ice = await connect();
  ice.sock.write(frame(bindingRequest(`${serverUfrag}:${ufrag}`, serverPwd, randomBytes(8))));
  for (let i = 0; i < 50 && ice.data().length < 2; i++) await new Promise((r) => setTimeout(r, 50));
  const reply = ice.data();
  assert.ok(reply.length >= 2 + 20, 'a framed answer');
  assert.equal(reply.readUInt16BE(0), reply.length - 2);
  assert.equal(reply.readUInt16BE(2), 0x0101, 'Binding success response');

  // The flood is closed within the ICE deadline; the checked connection is not.
  const ends = await Promise.all(flood.map((c) => within(c.closed, 9000)));
  assert.ok(ends.every(Boolean), 'every silent connection closed');
  // the newest 200 were never evicted: each went at its own deadline
  const ages = ends.map((t, i) => t - flood[i].opened).slice(-200);
  assert.ok(Math.min(...ages) > 4500 && Math.max(...ages) < 8000,
    `closed at the 5 s deadline (after ${Math.min(...ages)}..${Math.max(...ages)} ms)`);
  assert.equal(await within(ice.closed, 10), null, 'the ICE connection stays open');
  const m2 = await metrics();
  assert.ok(m2('moa_ice_tcp_closed_total{reason="ice_timeout"}') - m0('moa_ice_tcp_closed_total{reason="ice_timeout"}') >= 200);
  assert.equal(m2('moa_ice_tcp_connections'), 1);
  assert.ok(m2('moa_ice_tcp_accepted_total') >= 302);
  ice.sock.destroy();
  await alice.close();
});

test('a peer that does not read what the server sends is dropped, counted as slow, and the worker goes on', async () => {
  const carol = await signedIn(srv, 'member01b@moa.example');
  const rooms = await carol.call('room.list', { consortium_id: 1 });
  await carol.call('room.join', { room_id: rooms.rooms.find((r) => r.is_lounge).id });
  const ufrag = randomBytes(3).toString('hex');
  const { sdp } = await carol.call('media.publish', publishOffer(['audio'], { ufrag }));
  const serverUfrag = /a=ice-ufrag:(\S+)/.exec(sdp)[1], serverPwd = /a=ice-pwd:(\S+)/.exec(sdp)[1];
  const m0 = await metrics();
  const c = await connect();
  c.sock.pause(); // never read: the server's answers pile up in the kernel, then in its queue
  const t0 = Date.now();
  let sent = 0;
  // Valid checks, each answered with a framed Binding success (66 bytes).
  const batch = Buffer.concat(Array.from({ length: 500 }, () => frame(bindingRequest(`${serverUfrag}:${ufrag}`, serverPwd, randomBytes(8)))));
  let closed = false;
  c.closed.then(() => { closed = true; });
  while (!closed && sent < 400000 && Date.now() - t0 < 60000) {
    if (!c.sock.write(batch)) await new Promise((r) => { c.sock.once('drain', r); c.closed.then(r); });
    sent += 500;
  }
  assert.ok(await within(c.closed, 10000), `the server dropped the connection (after ${sent} checks)`);
  const m1 = await metrics();
  assert.equal(m1('moa_ice_tcp_closed_total{reason="slow"}') - m0('moa_ice_tcp_closed_total{reason="slow"}'), 1);
  assert.ok(m1('moa_ice_tcp_frames_total{direction="out"}') - m0('moa_ice_tcp_frames_total{direction="out"}') > 4000);
  console.log(`dropped as slow after ${sent} checks sent, ${Date.now() - t0} ms`);
  // The worker still answers: a new connection's check gets its answer.
  const d = await connect();
  d.sock.write(frame(bindingRequest(`${serverUfrag}:${ufrag}`, serverPwd, randomBytes(8))));
  for (let i = 0; i < 50 && d.data().length < 2; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(d.data().readUInt16BE(2), 0x0101);
  d.sock.destroy();
  await carol.close();
});

test('media.path is validated, and counted once per participant and path', async () => {
  const bob = await signedIn(srv, 'member01b@moa.example');
  const r0 = await bob.request('media.path', { candidate_type: 'host', protocol: 'udp' });
  assert.equal(r0.error.code, 'conflict', 'not in a room');
  const rooms = await bob.call('room.list', { consortium_id: 1 });
  await bob.call('room.join', { room_id: rooms.rooms.find((r) => r.is_lounge).id });
  const bad = [
    {},
    { candidate_type: 'hots', protocol: 'udp' },
    { candidate_type: 'host', protocol: 'sctp' },
    { candidate_type: 'host', protocol: 'tls' },
    { candidate_type: 'relay', protocol: 'udp' },
    { candidate_type: 'relay', protocol: 'udp', relay_protocol: 'quic' },
    { candidate_type: 'host', protocol: 'udp', relay_protocol: 'tls' },
    { candidate_type: 'host', protocol: 'udp', pc: 'both' },
    { candidate_type: 7, protocol: 'udp' },
  ];
  for (const params of bad) {
    const r = await bob.request('media.path', params);
    assert.equal(r.ok, false, JSON.stringify(params));
    assert.equal(r.error.code, 'invalid_params', JSON.stringify(params));
  }
  const key = (t, p) => `moa_ice_selected_total{type="${t}",protocol="${p}"}`;
  const m0 = await metrics();
  await bob.call('media.path', { pc: 'publish', candidate_type: 'prflx', protocol: 'tcp' });
  await bob.call('media.path', { pc: 'subscribe', candidate_type: 'prflx', protocol: 'tcp' });
  const m1 = await metrics();
  assert.equal(m1(key('host', 'tcp')) - m0(key('host', 'tcp')), 1, 'one participant, one count');
  await bob.call('media.path', { pc: 'publish', candidate_type: 'relay', protocol: 'udp', relay_protocol: 'tls' });
  const m2 = await metrics();
  assert.equal(m2(key('relay', 'tls')) - m1(key('relay', 'tls')), 1, 'a changed path counts again');
  assert.equal(m2(key('host', 'tcp')), m1(key('host', 'tcp')));
  await bob.close();
});
