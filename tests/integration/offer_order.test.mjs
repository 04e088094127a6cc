// Subscribe offers keep the m-sections a browser has agreed to (JSEP, RFC 8829 5.2.2): an
// m-section keeps its mid until an offer has rejected it (port 0) and that offer was answered;
// only then may a new track recycle it. A track that went and another that came while the
// subscriber's answer was still out used to land in the same offer: the new track took the old
// one's m-section under a new mid, Chromium refused the offer ("The order of m-lines in
// subsequent offer doesn't match"), no answer came, and no later offer ever went out: the
// subscriber received nothing new for the rest of the meeting.
//
// Signaling-only clients (no browser): the subscriber answers with tests/lib/ice_consent.mjs's
// answerFor when the test says so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sharedServer } from '../lib/moa.mjs';
import { publishOffer } from '../lib/sdp_offer.mjs';
import { answerFor } from '../lib/ice_consent.mjs';

const { user } = sharedServer({ before, after });

// [{mid, port}] per m-section of an SDP.
function sections(sdp) {
  const out = [];
  for (const line of sdp.split(/\r\n/)) {
    const m = /^m=\w+ (\d+) /.exec(line);
    if (m) out.push({ mid: null, port: Number(m[1]) });
    const mid = /^a=mid:(\S+)/.exec(line);
    if (mid && out.length) out[out.length - 1].mid = mid[1];
  }
  return out;
}

// Answers the subscriber's offers until none follows within 500 ms; the last offer.
async function settle(sub, first) {
  let last = first ?? await sub.waitEvent('media.offer');
  for (;;) {
    await sub.call('media.answer', { sdp: answerFor(last.sdp, creds) });
    const next = await sub.waitEvent('media.offer', 500).catch(() => null);
    if (!next) return last;
    last = next;
  }
}

const creds = { ufrag: 'offr', pwd: 'offerOrderTestPassword2026', fingerprint: Array(32).fill('AB').join(':') };

test('a track that goes and one that comes while the answer is out: the next offer keeps every agreed mid', async () => {
  const sub = await user('member01a@moa.example');
  const b = await user('member01b@moa.example');
  const coord = await user('coord01@moa.example');
  const { rooms } = await sub.call('room.list', { consortium_id: 1 });
  const roomId = rooms.find((r) => r.is_lounge).id;
  for (const x of [sub, b, coord]) await x.call('room.join', { room_id: roomId });
  const mic = async (who) => (await who.call('media.publish', publishOffer(['audio']))).tracks[0].track_id;

  // The coordinator's microphone and camera open the transport (the microphone's m-section tags
  // the BUNDLE group and is never recycled); b's microphone comes next. All answered: agreed.
  const coordPub = await coord.call('media.publish', publishOffer(['audio', 'video']));
  const coordCam = coordPub.tracks.find((t) => t.source === 'camera').track_id;
  await settle(sub);
  const mic1 = await mic(b);
  const oB = await settle(sub);
  const agreed = sections(oB.sdp);
  const bIndex = agreed.findIndex((s) => s.mid === oB.tracks.find((t) => t.track_id === mic1).mid);

  // Offer 2 (the coordinator's camera goes) stays unanswered while b's microphone goes and b's
  // new one comes.
  await coord.call('media.unpublish', { track_id: coordCam });
  const o2 = await sub.waitEvent('media.offer');
  await b.call('media.unpublish', { track_id: mic1 });
  const mic2 = await mic(b);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(sub.events.filter((e) => e.type === 'media.offer').length, 0, 'one offer at a time');
  await sub.call('media.answer', { sdp: answerFor(o2.sdp, creds) });

  // Offer 3: the old m-section is rejected under its own mid; the new microphone comes in another.
  const o3 = await sub.waitEvent('media.offer');
  const s2 = sections(o2.sdp), s3 = sections(o3.sdp);
  s2.forEach((s, i) => {
    if (s.port !== 0) assert.equal(s3[i].mid, s.mid, `m-section ${i}: agreed as ${s.mid}, offered again as ${s3[i].mid}`);
  });
  assert.equal(s3[bIndex].port, 0, `b's first m-section (${agreed[bIndex].mid}) is rejected`);
  const t2 = o3.tracks.find((t) => t.track_id === mic2);
  assert.ok(t2, `b's new microphone is offered: ${JSON.stringify(o3.tracks)}`);
  assert.ok(s3.findIndex((s) => s.mid === t2.mid) >= s2.length, 'in a new m-section');
  await sub.call('media.answer', { sdp: answerFor(o3.sdp, creds) });

  // Once the rejection is agreed, the m-section may be recycled: b's next microphone takes it.
  await b.call('media.unpublish', { track_id: mic2 });
  const o4 = await sub.waitEvent('media.offer');
  await sub.call('media.answer', { sdp: answerFor(o4.sdp, creds) });
  const mic3 = await mic(b);
  const o5 = await sub.waitEvent('media.offer');
  const s4 = sections(o4.sdp), s5 = sections(o5.sdp);
  const t3 = o5.tracks.find((t) => t.track_id === mic3);
  assert.ok(t3, 'b is offered again');
  assert.equal(s4[s5.findIndex((s) => s.mid === t3.mid)]?.port, 0, 'it recycles an m-section whose rejection was agreed');
  s4.forEach((s, i) => {
    if (s.port !== 0) assert.equal(s5[i].mid, s.mid, `m-section ${i} keeps its mid`);
  });
});
