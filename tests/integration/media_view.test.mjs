// media.view through the protocol against the real server: a subscriber reports how it shows the
// video tracks it receives (tile size in device pixels, pinned, 0 x 0 when not on screen). Accepted
// for a video track the caller receives; refused with invalid_params and a message naming the
// entry for everything else (an audio track, a track it does not receive, its own track, sizes
// out of 0..16384, more than 64 entries, a malformed list), and with conflict outside a room.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, signedIn, cleanup, seededDb } from '../lib/moa.mjs';
import { publishOffer } from '../lib/sdp_offer.mjs';

let srv, dbDir;
const clients = [];

before(async () => {
  const db = seededDb();
  dbDir = db.dir;
  srv = await startServer({ db: db.path });
});

after(async () => {
  for (const c of clients) await c.close().catch(() => {});
  await srv?.stop();
  cleanup(dbDir);
});

async function user(email) {
  const c = await signedIn(srv, email);
  clients.push(c);
  return c;
}

async function refused(c, params, code, pattern) {
  const r = await c.request('media.view', params);
  assert.equal(r.ok, false, `media.view ${JSON.stringify(params).slice(0, 120)} should fail`);
  assert.equal(r.error.code, code, r.error.message);
  if (pattern) assert.match(r.error.message, pattern);
  return r.error;
}

test('media.view: accepted for received video tracks, refused with a clear message otherwise', async () => {
  const a = await user('member01a@moa.example');
  const b = await user('member01b@moa.example');
  const { rooms } = await a.call('room.list', { consortium_id: 1 });
  const roomId = rooms.find((r) => r.is_lounge).id;

  // Not in a room yet.
  await refused(b, { views: [{ track_id: 1, width: 320, height: 180 }] }, 'conflict');

  await a.call('room.join', { room_id: roomId });
  await b.call('room.join', { room_id: roomId });
  const pub = await a.call('media.publish', publishOffer(['audio', 'video']));
  const cam = pub.tracks.find((t) => t.source === 'camera').track_id;
  const mic = pub.tracks.find((t) => t.source === 'microphone').track_id;
  await b.waitEvent('media.offer'); // the video comes in the next offer; it is received already

  // Accepted: a tile, pinned, and hidden (0 x 0); pinned is optional.
  assert.deepEqual(await b.call('media.view', { views: [{ track_id: cam, width: 640, height: 360, pinned: true }] }), {});
  assert.deepEqual(await b.call('media.view', { views: [{ track_id: cam, width: 0, height: 0 }] }), {});
  assert.deepEqual(await b.call('media.view', { views: [{ track_id: cam, width: 16384, height: 16384, pinned: false }] }), {});

  // Refused, each with the entry and the reason.
  await refused(b, {}, 'invalid_params', /"views" must be a non-empty array/);
  await refused(b, { views: [] }, 'invalid_params', /"views" must be a non-empty array/);
  await refused(b, { views: { track_id: cam } }, 'invalid_params', /"views" must be a non-empty array/);
  await refused(b, { views: [7] }, 'invalid_params', /views\[0\] must be an object/);
  await refused(b, { views: [{ track_id: mic, width: 10, height: 10 }] }, 'invalid_params', /views\[0\]: you receive no video track/);
  await refused(b, { views: [{ track_id: 999999, width: 10, height: 10 }] }, 'invalid_params', /views\[0\]: you receive no video track 999999/);
  await refused(b, { views: [{ track_id: cam, width: 16385, height: 10 }] }, 'invalid_params', /views\[0\]: .*width/);
  await refused(b, { views: [{ track_id: cam, width: 10, height: -1 }] }, 'invalid_params', /views\[0\]: .*height/);
  await refused(b, { views: [{ track_id: cam, width: 100000, height: 100000 }] }, 'invalid_params', /width/);
  await refused(b, { views: [{ track_id: cam, height: 10 }] }, 'invalid_params', /views\[0\]: .*width/);
  await refused(b, { views: [{ track_id: cam, width: 10, height: 10, pinned: 'yes' }] }, 'invalid_params', /pinned/);
  await refused(b, { views: [{ track_id: cam, width: 320, height: 180 }, { track_id: cam, width: 'big', height: 1 }] },
    'invalid_params', /views\[1\]/);
  const many = Array.from({ length: 65 }, () => ({ track_id: cam, width: 1, height: 1 }));
  await refused(b, { views: many }, 'invalid_params', /more than 64/);
  assert.deepEqual(await b.call('media.view', { views: many.slice(0, 64) }), {}, '64 entries are fine');
  // A publisher does not receive its own track.
  await refused(a, { views: [{ track_id: cam, width: 320, height: 180 }] }, 'invalid_params', /you receive no video track/);

  // Once the track is unpublished, it is no longer received.
  await a.call('media.unpublish', { track_id: cam });
  await refused(b, { views: [{ track_id: cam, width: 320, height: 180 }] }, 'invalid_params', /you receive no video track/);
});
