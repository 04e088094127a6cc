// The browser side of tests/interop/aiortc_test.py: headless Chromium (tests/lib/browser.mjs)
// signed in as one demo user, joined to the lounge of a consortium with fake camera and
// microphone. Run inside the test's network namespace (the caller puts it there).
//
//   node browser_peer.mjs <server url> <email> <consortium id>
//
// stdout, one JSON object a line: {"joined": {room_id, participant_id}}, then every 500 ms
// {"stats": {framesDecoded, videoPackets, audioPackets, nackCount, pliCount, freezeCount,
// totalFreezesDuration, videoPacketsLost, pub, sub, codecs}} of the subscribe PeerConnection
// (window.meeting.subPc; video totals over its streams) and the video retransmittedPacketsSent
// and pubNackCount of the publish one. Closing stdin (or SIGTERM) leaves and exits.
import { launchBrowser, modulePage } from '../lib/browser.mjs';

const [url, email, consortium] = process.argv.slice(2);
if (!url || !email) {
  console.error('usage: browser_peer.mjs <server url> <email> [consortium id]');
  process.exit(2);
}
const out = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);

let browser = null;
let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  try { await browser?.close(); } catch { /* already gone */ }
  process.exit(code);
}
process.stdin.on('end', () => stop(0));
process.stdin.resume();
process.on('SIGTERM', () => stop(0));

try {
  browser = await launchBrowser();
  const page = await modulePage(browser, { url }, email);
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.error(`[browser] ${m.text()}`); });
  const joined = await page.evaluate(async (cid) => {
    const r = await window.moa.rpc.request('room.list', { consortium_id: cid });
    const roomId = r.rooms.find((x) => x.is_lounge).id;
    const m = new window.moa.Meeting(window.moa.rpc, roomId);
    window.meeting = m;
    await m.join({ audio: true, video: true });
    return { room_id: roomId, participant_id: m.self.participant_id };
  }, Number(consortium || 1));
  out({ joined });
  for (;;) {
    const stats = await page.evaluate(async () => {
      const m = window.meeting;
      const s = { framesDecoded: 0, videoPackets: 0, audioPackets: 0, nackCount: 0, pliCount: 0, freezeCount: 0,
        totalFreezesDuration: 0, videoPacketsLost: 0, retransmittedPacketsSent: 0, pubNackCount: 0,
        pub: m.pubPc?.connectionState, sub: m.subPc?.connectionState, codecs: [] };
      if (m.pubPc) (await m.pubPc.getStats()).forEach((x) => {
        if (x.type !== 'outbound-rtp' || x.kind !== 'video') return;
        s.retransmittedPacketsSent += x.retransmittedPacketsSent || 0;
        s.pubNackCount += x.nackCount || 0;
        // what the camera sends, per simulcast layer: for reading a failure (frames, not bytes)
        (s.sent ||= []).push(`${x.rid || '-'}:${x.frameHeight || 0}p/${x.framesEncoded || 0}f/${x.qualityLimitationReason || '?'}`);
      });
      if (!m.subPc) return s;
      const report = await m.subPc.getStats();
      report.forEach((x) => {
        if (x.type !== 'inbound-rtp') return;
        if (x.kind === 'video') {
          s.framesDecoded += x.framesDecoded || 0; s.videoPackets += x.packetsReceived || 0;
          s.nackCount += x.nackCount || 0; s.pliCount += x.pliCount || 0; s.freezeCount += x.freezeCount || 0;
          s.totalFreezesDuration += x.totalFreezesDuration || 0; s.videoPacketsLost += x.packetsLost || 0;
        }
        if (x.kind === 'audio') s.audioPackets += x.packetsReceived || 0;
        const c = x.codecId && report.get(x.codecId);
        if (c) s.codecs.push(c.mimeType);
      });
      return s;
    });
    out({ stats });
    await new Promise((r) => setTimeout(r, 500));
  }
} catch (e) {
  console.error(`browser_peer: ${e.stack || e}`);
  await stop(1);
}
