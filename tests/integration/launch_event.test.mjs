// The hybrid launch event of data/launch-event.tsv, end to end through the real server: the
// coordinator schedules it from the TSV agenda (2 hours, 10 segments, press allowed up to the
// ministry's address) with a press guest link; 15 in-room and 36 remote participants join; a
// remote viewer raises a hand, gets the floor, publishes and is heard; the press guest is removed
// by the agenda clock when segment 4 ends; the attendance CSV lists everyone with their times.
//
// Who is who. The event belongs to consortium 2 (Incheon Smart Green Mobility, whose plan is
// segment 6); its coordinator (coord02) schedules and hosts it and invites all 25 consortia.
// - In the room (15 participants): the physical room joins as ONE participant with its own camera
//   and microphone (a Chromium browser signed in as the venue account, a presenter; PROTOCOL.md
//   "Running a meeting"). Of the ~15 people present (TSV header: ministry 3, agency 5, the lead
//   institutions of the 7 capital-area consortia), 14 also join on their own laptops to follow
//   the agenda and chat, receive-only: 2 ministry staff (the admin account and one more), the 5
//   agency staff (the cluster program team lead is a co-host), and the coordinators of the
//   capital-area consortia 2, 3, 9, 14, 15, 16, 22 (Seoul, Incheon, Gyeonggi leads). The
//   director-general speaks at the podium, through the venue's microphone, and has no device.
//   The demo data has no ministry or agency staff besides the admin: the test adds them (and the
//   venue account) to its own database copy with `moa user add`, before the server starts.
// - Remote (36): the coordinator and one member of each of the other 18 consortia. Two are real
//   Chromium browsers receiving video (member06a, who asks a question, and coord21); the other 34,
//   like the 14 in-room laptops, are protocol clients that answer the subscribe offers and keep
//   ICE consent (tests/lib/ice_consent.mjs) but decode nothing.
// - One reporter redeems the press link (until_segment = the last press_open segment, 4).
//
// Time is compressed honestly: the real 2-hour agenda is kept and starts_at is set so that
// segment 4 (the ministry's address, 29-33 min) is running when people join and ends about a
// minute later; the agenda follows the clock, so the server itself moves to segment 5 and removes
// the press guest. Every wait is event-driven with a generous timeout; times recorded by the
// server are only checked to lie between what the test saw before and after each action.
//
// Chromium needs a network namespace to gather ICE candidates; the whole file runs inside one
// (tests/lib/in_netns.mjs) so the node clients reach the same server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, cleanup, seededDb, runMoa, Client, MOA_SRC, DEMO_PASSWORD } from '../lib/moa.mjs';
import { inOwnNetns } from '../lib/in_netns.mjs';
import { IceConsent } from '../lib/ice_consent.mjs';
import { launchBrowser, modulePage } from '../lib/browser.mjs';
import { publishOffer } from '../lib/sdp_offer.mjs';

// Seconds of segment 4 left when the meeting is created: time for 52 joins and the first video
// checks on a loaded machine, then the rest of the address.
const SEGMENT4_LEFT_AT_CREATE_S = 55;

const CAPITAL = [2, 3, 9, 14, 15, 16, 22];
const REMOTE = [1, 4, 5, 6, 7, 8, 10, 11, 12, 13, 17, 18, 19, 20, 21, 23, 24, 25];
const pad = (n) => String(n).padStart(2, '0');
const NEW_USERS = {
  venue: ['venue@moa.example', '출범식 행사장 (본회의실)'],
  ministry: ['motie.jung@moa.example', '정다은 (산업통상자원부)'],
  teamLead: ['kicox.kim@moa.example', '김태호 (산단공 클러스터사업팀장)'],
  chair: ['kicox.han@moa.example', '한지훈 (산단공 이사장)'],
  agency3: ['kicox.lee@moa.example', '이서연 (산단공)'],
  agency4: ['kicox.park@moa.example', '박민재 (산단공)'],
  agency5: ['kicox.choi@moa.example', '최유나 (산단공)'],
};
const PRESS_NAME = '한기자 (연합뉴스)';

const iso = (t) => new Date(t * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
const nowS = () => Date.now() / 1000;
// unix seconds -> "YYYY-MM-DD HH:MM" in Seoul, the CSV's spelling (PROTOCOL.md: times in Seoul)
const seoulMinute = (t) => new Date((Math.floor(t) + 9 * 3600) * 1000).toISOString().slice(0, 16).replace('T', ' ');
const isEvent = (type, fn = () => true) => (m) => m.type === type && fn(m);
// The server stamps times with time(2), which reads the kernel's coarse clock: it may be a tick
// (a few ms) behind Date.now() and so name the previous second. Lower bounds allow for that.
const COARSE_S = 0.05;
const lo = (t) => Math.floor(t - COARSE_S), hi = (t) => Math.ceil(t);

// The agenda as data/launch-event.tsv has it: [{seq, start_offset_s, length_s, item, speaker, press_open}].
function readAgenda() {
  const lines = readFileSync(join(MOA_SRC, 'data/launch-event.tsv'), 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  const [head, ...rows] = lines.map((l) => l.split('\t'));
  const col = (name) => { const i = head.indexOf(name); assert.ok(i >= 0, `launch-event.tsv has a ${name} column`); return i; };
  const min = (hhmm) => { const [h, m] = hhmm.split(':').map(Number); return h * 60 + m; };
  const t0 = min(rows[0][col('start')]);
  return rows.map((r) => {
    const start = min(r[col('start')]), minutes = Number(r[col('minutes')]);
    assert.equal(start + minutes, min(r[col('end')]), `launch-event.tsv segment ${r[col('seq')]}: start + minutes = end`);
    return { seq: Number(r[col('seq')]), start_offset_s: (start - t0) * 60, length_s: minutes * 60, item: r[col('item_ko')],
      speaker: r[col('speaker_role')], press_open: r[col('press_open')] === '1' };
  });
}

// RFC 4180 rows of a CSV text (quoted cells, doubled quotes), without the UTF-8 BOM.
function parseCsv(text) {
  const rows = [];
  let row = [], cell = '', quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quoted) {
      if (ch === '"' && s[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false; else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; } else if (ch === '\r' && s[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; } else cell += ch;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

// ---- pages (Chromium, the app's own Meeting module) ----

// Opens the room with the app's Meeting: publish = camera and microphone (the venue), else
// receive-only (a viewer). Received audio is played, as the app does. Resolves the participant
// id and the ids of the published tracks.
function openRoom(page, roomId, publish) {
  return page.evaluate(async ({ roomId, publish }) => {
    const m = new window.moa.Meeting(window.moa.rpc, roomId);
    window.meeting = m;
    window.seen = [];
    window.players = [];
    for (const t of ['room.agenda', 'room.floor_given', 'room.floor_taken', 'room.ended']) window.moa.rpc.on(t, (e) => window.seen.push(e));
    m.addEventListener('track-added', (e) => {
      if (e.detail.kind !== 'audio') return;
      const a = new Audio();
      a.srcObject = e.detail.stream;
      a.play().catch(() => {});
      window.players.push(a);
    });
    await m.join({ audio: publish, video: publish });
    return { participantId: m.self.participant_id, tracks: Object.fromEntries([...m.local].map(([source, l]) => [source, l.trackId])) };
  }, { roomId, publish });
}

// Inbound RTP of one received track (by the server's track id): packets, frames, audio energy.
function inbound(page, trackId) {
  return page.evaluate(async (trackId) => {
    const out = { packets: 0, frames: 0, energy: 0, level: 0, found: false };
    const m = window.meeting;
    if (!m?.subPc) return out;
    (await m.subPc.getStats()).forEach((s) => {
      if (s.type !== 'inbound-rtp' || m.offerTracks.get(s.mid)?.track_id !== trackId) return;
      out.found = true;
      out.packets = s.packetsReceived || 0;
      out.frames = s.framesDecoded || 0;
      out.energy = s.totalAudioEnergy || 0;
      out.level = Math.max(out.level, s.audioLevel || 0);
    });
    return out;
  }, trackId);
}

// The viewer's own microphone, published on a publish PeerConnection of its own (the way the
// app publishes: a sendonly offer through media.publish). {ok, trackId} or {ok: false, code}.
function publishMic(page) {
  return page.evaluate(async () => {
    if (!window.micPc) {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      window.micPc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
      window.micTr = window.micPc.addTransceiver(stream.getAudioTracks()[0], { direction: 'sendonly', streams: [stream] });
    }
    const pc = window.micPc;
    await pc.setLocalDescription(await pc.createOffer());
    try {
      const r = await window.moa.rpc.request('media.publish', { sdp: pc.localDescription.sdp, tracks: [{ mid: window.micTr.mid, source: 'microphone' }] });
      await pc.setRemoteDescription({ type: 'answer', sdp: r.sdp });
      return { ok: true, trackId: r.tracks[0].track_id };
    } catch (e) {
      await pc.setLocalDescription({ type: 'rollback' });
      return { ok: false, code: e.code, message: e.message };
    }
  });
}

async function waitFor(fn, what, timeout = 30000, step = 250) {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > timeout) throw new Error(`timed out (${timeout} ms) waiting for ${what}`);
    await new Promise((r) => setTimeout(r, step));
  }
}

// A received track's counter passes `min`, then rises between two samples a moment apart.
async function rising(page, trackId, key, what, min = 1) {
  await waitFor(async () => (await inbound(page, trackId))[key] >= min, `${what}: ${key} reaching ${min}`);
  const a = await inbound(page, trackId);
  await new Promise((r) => setTimeout(r, 1500));
  const b = await inbound(page, trackId);
  assert.ok(b[key] > a[key], `${what}: ${key} rising (${a[key]} -> ${b[key]})`);
  return b;
}

if (inOwnNetns(import.meta.url)) {
  let srv, db, venueBrowser, viewerBrowsers = [];
  const clients = [], consents = [];

  before(async () => {
    db = seededDb();
    for (const [email, name] of Object.values(NEW_USERS)) {
      const r = await runMoa(['user', 'add', '--db', db.path, '--email', email, '--name', name], { env: { MOA_PASSWORD: DEMO_PASSWORD } });
      assert.equal(r.code, 0, `moa user add ${email}: ${r.stderr}`);
    }
    srv = await startServer({ db: db.path });
    const args = { extraArgs: ['--autoplay-policy=no-user-gesture-required'] };
    [venueBrowser, ...viewerBrowsers] = await Promise.all([launchBrowser(args), launchBrowser(args), launchBrowser(args)]);
  });

  after(async () => {
    for (const c of consents) c.stop();
    for (const c of clients) await c.close().catch(() => {});
    for (const b of [venueBrowser, ...viewerBrowsers]) await b?.close().catch(() => {});
    await srv?.stop();
    if (db) cleanup(db.dir);
  });

  // A signed-in protocol client (with its session token) and its ICE-consent stand-in.
  async function attendee(email) {
    const c = await Client.connect(srv);
    clients.push(c);
    const r = await c.login(email);
    c.me = r.user;
    c.token = r.token;
    c.consent = new IceConsent(c);
    consents.push(c.consent);
    return c;
  }

  test('launch event: TSV agenda, 15 in-room + 36 remote, a remote question heard, press removed after segment 4, attendance CSV', { timeout: 420000 }, async () => {
    const agenda = readAgenda();
    assert.equal(agenda.length, 10);
    assert.equal(agenda.at(-1).start_offset_s + agenda.at(-1).length_s, 7200, 'the launch lasts two hours');
    const pressUntil = Math.max(...agenda.filter((s) => s.press_open).map((s) => s.seq));
    assert.equal(pressUntil, 4, 'the press scope ends with the ministry\'s address (segment 4)');
    const seg4 = agenda[3], seg5 = agenda[4];

    // Everyone signs in before the meeting exists (the slow part on a loaded machine).
    const host = await attendee('coord02@moa.example');
    const inRoom = [await attendee('admin@moa.example')];
    for (const key of ['ministry', 'teamLead', 'chair', 'agency3', 'agency4', 'agency5']) inRoom.push(await attendee(NEW_USERS[key][0]));
    for (const n of CAPITAL.filter((n) => n !== 2)) inRoom.push(await attendee(`coord${pad(n)}@moa.example`));
    const teamLead = inRoom[2];
    const viewerEmails = ['member06a@moa.example', 'coord21@moa.example'];
    const remoteEmails = REMOTE.flatMap((n) => [`coord${pad(n)}@moa.example`, `member${pad(n)}a@moa.example`]);
    const remote = new Map();
    for (const email of remoteEmails) if (!viewerEmails.includes(email)) remote.set(email, await attendee(email));
    const venue = await modulePage(venueBrowser, srv, NEW_USERS.venue[0]);
    const [asker, listener] = await Promise.all(viewerEmails.map((e, i) => modulePage(viewerBrowsers[i], srv, e)));
    const pageUser = (page) => page.evaluate(() => window.moa.rpc.user);
    const venueUser = await pageUser(venue), askerUser = await pageUser(asker), listenerUser = await pageUser(listener);
    assert.equal(inRoom.length, 13);
    assert.equal(remote.size, 34);

    // The coordinator schedules the event from the TSV, starting so that segment 4 ends soon.
    const created = Math.floor(nowS());
    const startsAt = created - (seg4.start_offset_s + seg4.length_s) + SEGMENT4_LEFT_AT_CREATE_S;
    const m = await host.call('meeting.create', {
      consortium_id: 2, title: '초광역 산학연 협의체 출범식', description: '하이브리드 행사: 본회의실 현장과 원격 참석',
      mode: 'event', lobby: false, starts_at: iso(startsAt), ends_at: iso(startsAt + 7200),
      agenda: agenda.map(({ start_offset_s, length_s, item, speaker, press_open }) => ({ start_offset_s, length_s, item, speaker, press_open })),
      invite: [...Array.from({ length: 25 }, (_, i) => ({ kind: 'consortium', id: i + 1 })),
        ...[venueUser, ...inRoom.slice(1, 7).map((c) => c.me)].map((u) => ({ kind: 'user', id: u.id }))],
      cohosts: [teamLead.me.id], presenters: [venueUser.id],
    });
    assert.equal(m.mode, 'event');
    assert.deepEqual(m.agenda.map((s) => [s.position, s.start_offset_s, s.length_s, s.item, s.speaker, s.press_open]),
      agenda.map((s) => [s.seq, s.start_offset_s, s.length_s, s.item, s.speaker, s.press_open]), 'the agenda is the TSV\'s');
    const link = await host.call('meeting.guest_link', { meeting_id: m.id, role: 'press', label: '기자단', max_uses: 10,
      expires_at: iso(startsAt + 7200), until_segment: pressUntil });
    assert.equal(link.until_segment, 4);

    // ---- joins, in a known order: the attendance must list them in this order ----
    const order = []; // {userId, name, role, where, before, after, left: {before, after}}
    const joinAt = async (who, fn) => { const before = nowS(); const r = await fn(); order.push({ ...who, before, after: nowS() }); return r; };
    const hj = await joinAt({ userId: host.me.id, name: host.me.name, role: 'host', where: 'room' }, () => host.call('room.join', { room_id: m.room_id }));
    assert.equal(hj.role, 'host');
    assert.equal(hj.mode, 'event');
    assert.equal(hj.agenda.position, 4, `segment 4 runs when people join (agenda ${JSON.stringify(hj.agenda)})`);
    assert.equal(hj.agenda.item, seg4.item);
    assert.equal(hj.agenda.press_open, true);
    assert.equal(hj.agenda.follow_clock, true, 'the agenda follows the clock');
    assert.equal(hj.agenda.next_item, seg5.item);
    const seg4EndsAt = hj.agenda.ends_at;
    assert.equal(seg4EndsAt, startsAt + seg4.start_offset_s + seg4.length_s);
    const hostSaw = (type, fn) => host.waitEvent(isEvent(type, fn), 30000);

    const venueJoined = hostSaw('room.participant_joined', (e) => e.participant.user_id === venueUser.id);
    const venueRoom = await joinAt({ userId: venueUser.id, name: venueUser.name, role: 'presenter', where: 'room' }, () => openRoom(venue, m.room_id, true));
    const venueRole = (await venueJoined).participant.role;
    assert.equal(venueRole, 'presenter', 'the physical room joins as one presenter');
    assert.ok(venueRoom.tracks.camera && venueRoom.tracks.microphone, `the venue publishes camera and microphone: ${JSON.stringify(venueRoom.tracks)}`);

    const expectJoin = (c, role, viewer) => async () => {
      const r = await c.call('room.join', { room_id: m.room_id });
      assert.equal(r.role, role, `${c.me.email} joins as ${role}`);
      assert.equal(r.viewer, viewer, `${c.me.email}: viewer ${viewer}`);
      assert.equal(r.lobby, undefined);
      return r;
    };
    for (const c of inRoom) {
      const role = c === inRoom[0] ? 'host' : c === teamLead ? 'cohost' : 'attendee';
      await joinAt({ userId: c.me.id, name: c.me.name, role, where: 'room' }, expectJoin(c, role, role === 'attendee'));
    }
    let askerPid;
    for (const email of remoteEmails) {
      if (email === viewerEmails[0]) askerPid = (await joinAt({ userId: askerUser.id, name: askerUser.name, role: 'attendee', where: 'remote' }, () => openRoom(asker, m.room_id, false))).participantId;
      else if (email === viewerEmails[1]) await joinAt({ userId: listenerUser.id, name: listenerUser.name, role: 'attendee', where: 'remote' }, () => openRoom(listener, m.room_id, false));
      else { const c = remote.get(email); await joinAt({ userId: c.me.id, name: c.me.name, role: 'attendee', where: 'remote' }, expectJoin(c, 'attendee', true)); }
    }
    const press = await Client.connect(srv);
    clients.push(press);
    press.consent = new IceConsent(press);
    consents.push(press.consent);
    const ga = await press.call('auth.guest', { token: link.token, name: PRESS_NAME });
    press.me = ga.user;
    assert.equal(ga.guest.role, 'press');
    assert.equal(ga.guest.until_segment, 4);
    const gj = await joinAt({ userId: ga.user.id, name: PRESS_NAME, role: 'press', where: 'press' }, expectJoin(press, 'press', true));
    assert.equal(gj.agenda.position, 4, 'the reporter arrives while the press may attend');
    const joinedAll = nowS();
    console.log(`# 52 joined ${(joinedAll - created).toFixed(1)} s after the meeting was created; segment 4 ends ${(seg4EndsAt - joinedAll).toFixed(1)} s later`);

    assert.equal(order.filter((o) => o.where === 'room').length, 15, '15 in the room');
    assert.equal(order.filter((o) => o.where === 'remote').length, 36, '36 remote');
    const stats = await host.call('room.stats', { room_id: m.room_id });
    assert.equal(stats.participants.length, 52, 'the host sees 51 participants and the reporter');
    const roles = [venueRole, ...host.events.filter((x) => x.type === 'room.participant_joined').map((e) => e.participant.role)];
    assert.deepEqual([...new Set(roles)].sort(), ['attendee', 'cohost', 'host', 'presenter', 'press']);

    // Two remote browsers see and hear the room.
    for (const [page, who] of [[asker, 'remote viewer member06a'], [listener, 'remote viewer coord21']]) {
      await rising(page, venueRoom.tracks.camera, 'frames', `${who} decoding the venue's camera`, 10);
      await rising(page, venueRoom.tracks.microphone, 'packets', `${who} receiving the venue's microphone`);
    }
    // Every protocol client answered its offers, and the server answers its ICE checks.
    await waitFor(() => consents.every((c) => c.checksAnswered > 0), 'every signaling client\'s ICE checks answered', 20000);
    assert.deepEqual(consents.flatMap((c) => c.errors), []);

    // Viewers may not publish without the floor: a remote browser's real offer, the reporter's too.
    const refused = await publishMic(asker);
    assert.deepEqual([refused.ok, refused.code], [false, 'no_floor'], `a viewer's publish before the floor: ${refused.message}`);
    const pr = await press.request('media.publish', publishOffer(['audio', 'video']));
    assert.equal(pr.error?.code, 'no_floor');

    // Two remote attendees leave during the address: one says goodbye, one loses its connection.
    const leaveAt = async (userId, fn) => {
      const gone = hostSaw('room.participant_left', (e) => e.user_id === userId);
      const before = nowS();
      await fn();
      await gone;
      order.find((o) => o.userId === userId).left = { before, after: nowS() };
    };
    const early = remote.get('member10a@moa.example'), dropped = remote.get('coord12@moa.example');
    await leaveAt(early.me.id, () => early.call('room.leave'));
    await leaveAt(dropped.me.id, async () => { dropped.consent.stop(); dropped.ws.terminate(); });

    // ---- segment 4 ends: the server moves on by itself and shows the reporter out ----
    const removed = await press.waitEvent('room.removed', Math.max(0, seg4EndsAt - nowS()) * 1000 + 45000);
    const removedSeen = nowS();
    assert.equal(removed.code, 'expired');
    assert.equal(removed.until_segment, 4);
    assert.equal(removed.room_id, m.room_id);
    assert.equal(removed.message, '취재가 허용된 순서가 끝나 회의에서 퇴장 처리되었습니다. 참석해 주셔서 감사합니다.');
    assert.match(removed.message_en, /open to the press has ended/);
    assert.equal((await press.waitEvent('room.left')).reason, 'expired');
    const ag5 = await hostSaw('room.agenda', (e) => e.position === 5);
    assert.equal(ag5.item, seg5.item);
    assert.equal(ag5.follow_clock, true);
    assert.equal(ag5.press_open, false);
    assert.equal(ag5.starts_at, seg4EndsAt, 'segment 5 starts when segment 4 ends');
    assert.ok(ag5.now >= seg4EndsAt, 'the agenda moved on no earlier than the clock says');
    await hostSaw('room.participant_left', (e) => e.user_id === ga.user.id);
    order.find((o) => o.role === 'press').left = { before: seg4EndsAt, after: removedSeen };
    const rejoin = await press.request('room.join', { room_id: m.room_id });
    assert.equal(rejoin.error?.code, 'expired', 'the reporter cannot come back after its segment');
    for (const c of [...inRoom, ...remote.values()].filter((c) => c !== early && c !== dropped))
      await c.waitEvent(isEvent('room.agenda', (e) => e.position === 5), 15000);
    for (const page of [venue, asker, listener])
      await waitFor(() => page.evaluate(() => window.seen.some((e) => e.type === 'room.agenda' && e.position === 5)), 'segment 5 in the browsers');
    const log = await host.call('meeting.moderation_log');
    const auto = log.entries.find((e) => e.action === 'auto_remove');
    assert.ok(auto, `auto_remove logged: ${JSON.stringify(log.entries.slice(0, 3))}`);
    assert.deepEqual([auto.actor_id, auto.target_user_id, auto.detail], [0, ga.user.id, 'agenda left segment 4']);

    // ---- a remote question: hand, floor, microphone, heard in the room and by the others ----
    const hand = hostSaw('room.hand_raised', (e) => e.participant_id === askerPid && e.raised);
    await asker.evaluate(() => window.moa.rpc.request('meeting.raise_hand'));
    assert.equal((await hand).user_id, askerUser.id);
    await host.call('meeting.give_floor', { participant_id: askerPid });
    await waitFor(() => asker.evaluate((pid) => window.seen.some((e) => e.type === 'room.floor_given' && e.participant_id === pid), askerPid), 'the asker told it has the floor');
    const published = hostSaw('room.track_published', (e) => e.participant_id === askerPid && e.track.source === 'microphone');
    const mic = await publishMic(asker);
    assert.ok(mic.ok, `publish with the floor: ${mic.code}: ${mic.message}`);
    assert.equal((await published).track.track_id, mic.trackId);
    for (const [page, who] of [[venue, 'the venue (its loudspeakers)'], [listener, 'remote viewer coord21']]) {
      await rising(page, mic.trackId, 'packets', `${who} receiving the asker's microphone`);
      await rising(page, mic.trackId, 'energy', `${who} hearing the asker (the fake microphone's beeps)`, 1e-6);
    }
    const taken = await host.call('meeting.take_floor', { participant_id: askerPid });
    assert.deepEqual(taken.stopped_tracks, [mic.trackId]);

    // ---- more leave: the asker, then an in-room coordinator; then the host ends the event ----
    await leaveAt(askerUser.id, () => asker.evaluate(() => window.meeting.leave()));
    const coord15 = inRoom.find((c) => c.me.email === 'coord15@moa.example');
    await leaveAt(coord15.me.id, () => coord15.call('room.leave'));

    // The CSV while the event runs: those inside have no leave time yet; attendees get none.
    const csvOf = async (token) => {
      const res = await fetch(`${srv.url}/attendance/${m.id}.csv?t=${encodeURIComponent(token)}`);
      const bytes = Buffer.from(await res.arrayBuffer());
      return { status: res.status, type: res.headers.get('content-type'), bytes, text: bytes.toString('utf8') };
    };
    const running = await csvOf(host.token);
    assert.equal(running.status, 200);
    const runningRows = parseCsv(running.text).slice(1);
    assert.equal(runningRows.find((r) => Number(r[2]) === host.me.id)[4], '', 'the host is still inside: no leave time');
    assert.notEqual(runningRows.find((r) => Number(r[2]) === early.me.id)[4], '', 'who left has a leave time');
    assert.equal((await csvOf(remote.get('coord01@moa.example').token)).status, 403, 'attendees do not get the CSV');

    const stillInside = [host, ...inRoom.filter((c) => c !== coord15), ...[...remote.values()].filter((c) => c !== early && c !== dropped)];
    const ends = stillInside.map((c) => c.waitEvent('room.ended', 30000));
    const endBefore = nowS();
    const er = await host.call('meeting.end');
    for (const e of await Promise.all(ends)) assert.equal(e.code, 'meeting_ended');
    for (const page of [venue, listener])
      await waitFor(() => page.evaluate(() => window.seen.some((e) => e.type === 'room.ended')), 'the end seen in the browsers');
    const endAfter = nowS();
    assert.equal(er.removed, 52 - 5, 'everyone still inside was shown out');
    for (const o of order) if (!o.left) o.left = { before: endBefore, after: endAfter };

    // ---- the attendance: every participant, in join order, with the times the test saw ----
    const csv = await csvOf(host.token);
    assert.equal(csv.status, 200);
    assert.match(csv.type, /^text\/csv; charset=utf-8/);
    assert.deepEqual([...csv.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the CSV starts with a UTF-8 BOM for spreadsheets');
    const [header, ...rows] = parseCsv(csv.text);
    assert.deepEqual(header, ['name', 'role', 'user_id', 'joined (Asia/Seoul)', 'left (Asia/Seoul)', 'minutes']);
    assert.equal(rows.length, 52, `one row per participant (51 and the reporter):\n${csv.text}`);
    assert.deepEqual(rows.map((r) => Number(r[2])), order.map((o) => o.userId), 'rows in the order people joined');
    const att = await host.call('meeting.attendance', { meeting_id: m.id });
    rows.forEach((r, i) => {
      const o = order[i], a = att.rows[i];
      const who = `${o.name} (${o.where})`;
      assert.deepEqual([r[0], r[1]], [o.name, o.role], `row ${i + 1}: name and role`);
      const within = (csvTime, [from, to]) => csvTime >= seoulMinute(lo(from)) && csvTime <= seoulMinute(hi(to));
      assert.ok(within(r[3], [o.before, o.after]), `${who} joined ${r[3]}, between ${seoulMinute(lo(o.before))} and ${seoulMinute(hi(o.after))}`);
      assert.ok(within(r[4], [o.left.before, o.left.after]), `${who} left ${r[4]}, between ${seoulMinute(lo(o.left.before))} and ${seoulMinute(hi(o.left.after))}`);
      assert.equal(a.user_id, o.userId);
      assert.ok(a.joined_at >= lo(o.before) && a.joined_at <= hi(o.after), `${who}: joined_at ${a.joined_at} within [${o.before}, ${o.after}]`);
      assert.ok(a.left_at >= lo(o.left.before) && a.left_at <= hi(o.left.after), `${who}: left_at ${a.left_at} within [${o.left.before}, ${o.left.after}]`);
      assert.equal(Number(r[5]), Math.floor((a.left_at - a.joined_at) / 60), `${who}: minutes`);
    });
    const pressRow = att.rows.find((a) => a.user_id === ga.user.id);
    assert.ok(pressRow.left_at >= seg4EndsAt, `the reporter left when segment 4 ended (${pressRow.left_at} >= ${seg4EndsAt})`);
  });
}
