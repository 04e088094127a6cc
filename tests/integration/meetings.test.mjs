// Scheduled meetings through the real server: a coordinator schedules (Seoul times in, UTC and
// Seoul out), members see it in meeting.list, non-coordinators and bad input are refused with
// nothing written; invitations (consortium, person, another consortium) arrive live, changes and
// cancellations too; guest links (role, expiry, use count, scope of the guest's session); the
// .ics per meeting and the private feed (revocable) over HTTP; the 10-minute reminder; attendance
// rows, CSV over HTTP (hosts only) and per-consortium activity for admins.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer, signedIn, cleanup, seededDb, Client } from '../lib/moa.mjs';

let srv, dbDir;
const clients = [];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

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

async function connect() {
  const c = await Client.connect(srv);
  clients.push(c);
  return c;
}

// unix seconds -> "YYYY-MM-DDTHH:MM:SS+09:00" (Seoul time, as people enter it)
function seoul(t) {
  const d = new Date((t + 9 * 3600) * 1000);
  return `${d.toISOString().slice(0, 19)}+09:00`;
}
const now = () => Math.floor(Date.now() / 1000);

async function expectError(c, type, params, code, contains) {
  const r = await c.request(type, params);
  assert.equal(r.ok, false, `${type} should fail with ${code}`);
  assert.equal(r.error.code, code, `${type}: ${r.error.message}`);
  if (contains) assert.match(r.error.message, contains);
  return r.error;
}

async function get(path) {
  const res = await fetch(srv.url + path);
  return { status: res.status, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), text: await res.text() };
}

// A meeting tomorrow at 14:00-16:00 Seoul time.
function tomorrowAt(h, m = 0) {
  const d = new Date((now() + 9 * 3600 + 86400) * 1000);
  d.setUTCHours(h, m, 0, 0);
  return Math.floor(d.getTime() / 1000) - 9 * 3600;
}

test('a coordinator schedules; members see it with Seoul and UTC times; others do not', async () => {
  const coord = await user('coord03@moa.example');
  const member = await user('member03a@moa.example');
  const outsider = await user('member04a@moa.example');
  const start = tomorrowAt(14);
  const m = await coord.call('meeting.create', {
    consortium_id: 3, title: '3월 정기회의', description: '안건: 공동 R&D, 예산',
    starts_at: seoul(start), ends_at: seoul(start + 7200), capacity: 30,
    agenda: [
      { start: '14:00', minutes: 30, item: '인사 및 안건 소개', speaker: '코디네이터' },
      { start: '14:30', minutes: 60, item: '공동 R&D 논의', press_open: true },
    ],
  });
  assert.equal(m.starts_at, start);
  assert.equal(m.starts_local, seoul(start));
  assert.equal(m.ends_local, seoul(start + 7200));
  assert.equal(m.time_zone, 'Asia/Seoul');
  assert.equal(m.status, 'scheduled');
  assert.equal(m.my_role, 'host');
  assert.ok(m.room_id > 0);
  assert.deepEqual(m.agenda.map((s) => [s.position, s.start_offset_s, s.length_s, s.start]), [[1, 0, 1800, '14:00'], [2, 1800, 3600, '14:30']]);
  assert.equal(m.agenda[1].press_open, true);

  const mine = (await member.call('meeting.list')).meetings;
  const seen = mine.find((x) => x.id === m.id);
  assert.ok(seen, 'a member of the consortium sees the meeting on the home page');
  assert.equal(seen.my_role, 'attendee');
  assert.equal(seen.room_id, m.room_id);
  assert.equal(seen.guest_links, undefined, 'attendees do not see guest links');
  assert.ok(!(await outsider.call('meeting.list')).meetings.some((x) => x.id === m.id));
  await expectError(outsider, 'meeting.get', { meeting_id: m.id }, 'forbidden');
  assert.equal((await member.call('meeting.get', { meeting_id: m.id })).title, '3월 정기회의');
  await expectError(member, 'meeting.get', { meeting_id: 999999 }, 'not_found');
  // the meeting's room is joined with room.join, and only by those invited
  await expectError(outsider, 'room.join', { room_id: m.room_id }, 'forbidden');
});

test('non-coordinators and bad input are refused, nothing is written', async () => {
  const coord = await user('coord05@moa.example');
  const member = await user('member05a@moa.example');
  const other = await user('coord06@moa.example');
  const start = tomorrowAt(10);
  const base = { consortium_id: 5, title: '회의', starts_at: seoul(start), ends_at: seoul(start + 3600) };
  await expectError(member, 'meeting.create', base, 'forbidden');
  await expectError(other, 'meeting.create', base, 'forbidden'); // a coordinator of another consortium
  const bad = [
    [{ ends_at: seoul(start - 60) }, /end after it starts/],
    [{ starts_at: '2026-13-01T10:00:00+09:00' }, /ISO 8601/],
    [{ starts_at: 'tomorrow' }, /ISO 8601/],
    [{ agenda: [{ start: '10:00', minutes: 61, item: '길다' }] }, /too long/],
    [{ agenda: [{ start: '10:00', minutes: 30, item: 'a' }, { start: '10:20', minutes: 10, item: 'b' }] }, /overlaps/],
    [{ recurrence: 'weekly' }, /recurrence_count/],
    [{ recurrence: 'weekly', recurrence_count: 0 }, /1 to 52/],
    [{ recurrence: 'weekly', recurrence_count: 53 }, /1 to 52/],
    [{ recurrence: 'hourly', recurrence_count: 3 }, /recurrence/],
    [{ recurrence_count: 4 }, /needs a recurrence/],
    [{ capacity: 0 }, /capacity/],
    [{ mode: 'party' }, /mode/],
    [{ title: '' }, /title/],
    [{ invite: [{ kind: 'consortium', id: 9999 }] }, /no such consortium/],
  ];
  for (const [change, why] of bad) await expectError(coord, 'meeting.create', { ...base, ...change }, 'invalid_params', why);
  await expectError(coord, 'meeting.create', { ...base, consortium_id: 'x' }, 'invalid_params');
  const list = (await coord.call('meeting.list', { consortium_id: 5, include_cancelled: true })).meetings;
  assert.equal(list.length, 0, 'no refused meeting was written');
});

test('invitations, changes and cancellation reach invitees live; a joint event invites another consortium', async () => {
  const coord = await user('coord07@moa.example');
  const a = await user('member07a@moa.example');
  const b = await user('member07b@moa.example');
  const joint = await user('member08a@moa.example');
  const bystander = await user('member09a@moa.example');
  const start = tomorrowAt(15);
  const person = (await b.call('me.get')).id;
  // only member07b (a person) invited, not the whole consortium
  const m = await coord.call('meeting.create', {
    consortium_id: 7, title: '소그룹 회의', starts_at: seoul(start), ends_at: seoul(start + 3600),
    invite: [{ kind: 'user', id: person }],
  });
  const inv = await b.waitEvent((e) => e.type === 'meeting.invited' && e.meeting_id === m.id);
  assert.equal(inv.meeting.title, '소그룹 회의');
  assert.equal(inv.meeting.starts_local, seoul(start));
  assert.ok(!(await a.call('meeting.list')).meetings.some((x) => x.id === m.id), 'not invited');

  // a joint event: consortium 8 as a whole
  await coord.call('meeting.invite', { meeting_id: m.id, invite: [{ kind: 'consortium', id: 8 }] });
  await joint.waitEvent((e) => e.type === 'meeting.invited' && e.meeting_id === m.id);
  assert.ok((await joint.call('meeting.list')).meetings.some((x) => x.id === m.id));
  await expectError(joint, 'meeting.update', { meeting_id: m.id, title: '내 회의' }, 'forbidden');
  await expectError(b, 'meeting.cancel', { meeting_id: m.id }, 'forbidden');
  await expectError(b, 'meeting.invite', { meeting_id: m.id, invite: [{ kind: 'consortium', id: 9 }] }, 'forbidden');

  // a change: everyone invited hears of it; a bad change changes nothing
  await expectError(coord, 'meeting.update', { meeting_id: m.id, ends_at: seoul(start - 1) }, 'invalid_params');
  const moved = await coord.call('meeting.update', { meeting_id: m.id, starts_at: seoul(start + 1800), ends_at: seoul(start + 5400) });
  assert.equal(moved.sequence, 2);
  for (const c of [b, joint]) {
    const ev = await c.waitEvent((e) => e.type === 'meeting.updated' && e.meeting_id === m.id && e.meeting.sequence === 2);
    assert.equal(ev.meeting.starts_local, seoul(start + 1800));
    assert.equal(ev.invited, true);
  }
  await assert.rejects(bystander.waitEvent((e) => e.meeting_id === m.id, 500));

  await coord.call('meeting.cancel', { meeting_id: m.id });
  for (const c of [b, joint]) {
    const ev = await c.waitEvent((e) => e.type === 'meeting.cancelled' && e.meeting_id === m.id);
    assert.equal(ev.meeting.status, 'cancelled');
  }
  assert.ok(!(await b.call('meeting.list')).meetings.some((x) => x.id === m.id), 'cancelled: off the home page');
  await expectError(coord, 'meeting.cancel', { meeting_id: m.id }, 'conflict');
  await expectError(coord, 'meeting.update', { meeting_id: m.id, title: 'x' }, 'conflict');
  const refused = await b.request('room.join', { room_id: m.room_id });
  assert.equal(refused.ok, false, 'a cancelled meeting cannot be joined');
  assert.ok(['meeting_ended', 'forbidden'].includes(refused.error.code), refused.error.code);
});

test('guest links: a press guest signs in for one meeting only; used up, expired and unknown links are refused', async () => {
  const coord = await user('coord10@moa.example');
  const member = await user('member10a@moa.example');
  const start = tomorrowAt(14);
  const m = await coord.call('meeting.create', {
    consortium_id: 10, title: '출범식', starts_at: seoul(start), ends_at: seoul(start + 7200),
    agenda: [{ start: '14:00', minutes: 20, item: '개회', press_open: true }, { start: '14:20', minutes: 100, item: '간담회' }],
  });
  await expectError(member, 'meeting.guest_link', { meeting_id: m.id, role: 'press', expires_at: seoul(start + 7200) }, 'forbidden');
  await expectError(coord, 'meeting.guest_link', { meeting_id: m.id, role: 'vip', expires_at: seoul(start) }, 'invalid_params');
  await expectError(coord, 'meeting.guest_link', { meeting_id: m.id, role: 'press', expires_at: seoul(now() - 10) }, 'invalid_params', /future/);
  await expectError(coord, 'meeting.guest_link', { meeting_id: m.id, role: 'press', expires_at: seoul(start), until_segment: 7 }, 'invalid_params', /no segment 7/);
  const link = await coord.call('meeting.guest_link', {
    meeting_id: m.id, role: 'press', label: '기자단', expires_at: seoul(start + 7200), max_uses: 1, until_segment: 1,
  });
  assert.equal(link.token.length, 43);
  assert.equal(link.path, `/#/guest/${link.token}`);
  assert.equal(link.until_segment, 1);
  const hostView = await coord.call('meeting.get', { meeting_id: m.id });
  assert.equal(hostView.guest_links.length, 1);
  assert.equal(hostView.guest_links[0].token, undefined, 'the token is shown once, never listed');

  const g = await connect();
  await expectError(g, 'auth.guest', { token: link.token, name: '' }, 'invalid_params');
  await expectError(g, 'auth.guest', { token: 'x'.repeat(43), name: '한기자' }, 'not_found');
  const r = await g.call('auth.guest', { token: link.token, name: '한기자' });
  assert.equal(r.guest.meeting_id, m.id);
  assert.equal(r.guest.room_id, m.room_id);
  assert.equal(r.guest.role, 'press');
  assert.equal(r.guest.until_segment, 1);
  assert.equal(r.user.name, '한기자');
  assert.equal((await g.call('meeting.get', { meeting_id: m.id })).my_role, 'press');
  assert.deepEqual((await g.call('meeting.list')).meetings.map((x) => x.id), [m.id]);
  // everything else is closed to a guest
  await expectError(g, 'consortium.list', {}, 'forbidden');
  await expectError(g, 'chat.conversations', {}, 'forbidden');
  await expectError(g, 'partner.search', { q: '수소' }, 'forbidden');
  await expectError(g, 'calendar.feed', {}, 'forbidden');
  await expectError(g, 'meeting.create', { consortium_id: 10, title: 'x', starts_at: seoul(start), ends_at: seoul(start + 60) }, 'forbidden');
  const { rooms } = await member.call('room.list', { consortium_id: 10 });
  await expectError(g, 'room.join', { room_id: rooms.find((x) => x.is_lounge).id }, 'forbidden');
  // the guest's session resumes with the same scope
  const g2 = await connect();
  await g2.call('auth.resume', { token: r.token });
  await expectError(g2, 'consortium.list', {}, 'forbidden');
  assert.equal((await g2.call('meeting.get', { meeting_id: m.id })).id, m.id);

  // another browser with the same single-use link
  const other = await connect();
  await expectError(other, 'auth.guest', { token: link.token, name: '다른 기자' }, 'guest_link_used_up');
  // a link that expires in 2 s
  const short = await coord.call('meeting.guest_link', { meeting_id: m.id, role: 'expert', expires_at: seoul(now() + 2), max_uses: 5 });
  await sleep(3500);
  await expectError(other, 'auth.guest', { token: short.token, name: '늦은 전문가' }, 'expired');
});

test('.ics per meeting and a private, revocable feed over HTTP', async () => {
  const coord = await user('coord11@moa.example');
  const member = await user('member11a@moa.example');
  const outsider = await user('member12a@moa.example');
  const start = tomorrowAt(9, 30);
  const m = await coord.call('meeting.create', {
    consortium_id: 11, title: '주간 점검, 2026; "정기"', description: '첫 줄\n둘째 줄', starts_at: seoul(start),
    ends_at: seoul(start + 3600), recurrence: 'weekly', recurrence_count: 4,
  });
  const { url } = await member.call('calendar.feed');
  assert.match(url, /^\/calendar\/feed\/[A-Za-z0-9_-]{43}\.ics$/);
  assert.equal((await member.call('calendar.feed')).url, url, 'the same URL until revoked');
  const feed = await get(url);
  assert.equal(feed.status, 200);
  assert.equal(feed.type, 'text/calendar; charset=utf-8');
  assert.match(feed.text, /^BEGIN:VCALENDAR\r\n/);
  assert.match(feed.text, new RegExp(`UID:moa-meeting-${m.id}-\\d+@moa\r\n`));
  assert.match(feed.text, /SUMMARY:주간 점검\\, 2026\\; "정기"\r\n/);
  assert.match(feed.text, /RRULE:FREQ=WEEKLY;COUNT=4\r\n/);
  assert.ok(feed.text.includes(`DTSTART;TZID=Asia/Seoul:${seoul(start).slice(0, 19).replace(/[-:]/g, '')}\r\n`));
  // per meeting, with a feed (or session) token; refused to those not invited
  const ics = await get(`/calendar/meeting/${m.id}.ics?t=${encodeURIComponent(url.slice(15, 58))}`);
  assert.equal(ics.status, 200);
  assert.match(ics.disposition, /attachment; filename="meeting-\d+\.ics"/);
  // the join link: the event's URL and the first line of its description, on the address the
  // calendar was fetched from (never a forged Host)
  const unfold = (text) => text.replace(/\r\n /g, '');
  const join = `${srv.url}/#/room/${m.room_id}`;
  for (const doc of [ics, feed]) {
    assert.ok(unfold(doc.text).includes(`\r\nURL:${join}\r\n`), `URL in:\n${doc.text}`);
    assert.ok(unfold(doc.text).includes(`\r\nDESCRIPTION:회의 참여 (Join): ${join}\\n\\n첫 줄\\n둘째 줄`), `DESCRIPTION in:\n${doc.text}`);
  }
  const forged = await new Promise((resolve, reject) => {
    const u = new URL(srv.url);
    const req = http.get({ host: u.hostname, port: u.port, path: `/calendar/meeting/${m.id}.ics?t=${encodeURIComponent(url.slice(15, 58))}`,
      headers: { host: 'evil.example' } }, (res) => { let b = ''; res.on('data', (d) => (b += d)); res.on('end', () => resolve(b)); });
    req.on('error', reject);
  });
  assert.ok(unfold(forged).includes(`\r\nURL:${join}\r\n`), 'a forged Host gets the server\'s own address');
  assert.ok(!forged.includes('evil.example'));
  assert.equal((await get(`/calendar/meeting/${m.id}.ics`)).status, 401);
  const outsiderFeed = (await outsider.call('calendar.feed')).url.slice(15, 58);
  assert.equal((await get(`/calendar/meeting/${m.id}.ics?t=${outsiderFeed}`)).status, 403);
  assert.equal((await get('/calendar/meeting/99999999.ics?t=x')).status, 404);
  assert.equal((await get('/calendar/meeting/abc.ics')).status, 404);
  // revoked: the old URL stops working, a new one works
  assert.equal((await member.call('calendar.revoke')).revoked, true);
  assert.equal((await get(url)).status, 404);
  const fresh = (await member.call('calendar.feed')).url;
  assert.notEqual(fresh, url);
  assert.equal((await get(fresh)).status, 200);
  // cancelled meetings stay in the feed, marked
  await coord.call('meeting.cancel', { meeting_id: m.id });
  assert.match((await get(fresh)).text, /STATUS:CANCELLED\r\n/);
});

test('online invitees are reminded 10 minutes before start', async () => {
  const coord = await user('coord13@moa.example');
  const member = await user('member13a@moa.example');
  const start = now() + 600 + 6;
  const later = now() + 600 + 120;
  const soon = await coord.call('meeting.create', { consortium_id: 13, title: '곧 시작', starts_at: seoul(start), ends_at: seoul(start + 1800) });
  const notYet = await coord.call('meeting.create', { consortium_id: 13, title: '나중', starts_at: seoul(later), ends_at: seoul(later + 1800) });
  const ev = await member.waitEvent((e) => e.type === 'meeting.reminder' && e.meeting_id === soon.id, 30000);
  assert.ok(now() >= start - 600 - 2, 'not reminded before the 10 minutes');
  assert.equal(ev.title, '곧 시작');
  assert.equal(ev.room_id, soon.room_id);
  assert.equal(ev.starts_local, seoul(start));
  assert.ok(ev.starts_in_s <= 600 && ev.starts_in_s > 540, `starts_in_s ${ev.starts_in_s}`);
  await coord.waitEvent((e) => e.type === 'meeting.reminder' && e.meeting_id === soon.id, 5000); // the host too
  await sleep(1500);
  assert.equal(member.events.filter((e) => e.type === 'meeting.reminder' && e.meeting_id === soon.id).length, 0, 'once only');
  assert.equal(member.events.filter((e) => e.type === 'meeting.reminder' && e.meeting_id === notYet.id).length, 0);
});

test('attendance: join and leave rows, CSV over HTTP for hosts, activity for admins', async () => {
  const coord = await user('coord14@moa.example');
  const a = await user('member14a@moa.example');
  const b = await user('member14b@moa.example');
  const admin = await user('admin@moa.example');
  const start = now() - 60;
  const m = await coord.call('meeting.create', { consortium_id: 14, title: '=SUM(A1) 회의', starts_at: seoul(start), ends_at: seoul(start + 3600) });
  const t0 = now();
  await coord.call('room.join', { room_id: m.room_id });
  await a.call('room.join', { room_id: m.room_id });
  await b.call('room.join', { room_id: m.room_id });
  await sleep(1100);
  await a.call('room.leave');
  await a.call('room.join', { room_id: m.room_id });
  await b.call('room.leave');
  const t1 = now();
  const att = await coord.call('meeting.attendance', { meeting_id: m.id });
  const names = att.rows.map((r) => r.name);
  assert.equal(att.rows.length, 4, JSON.stringify(att.rows));
  for (const r of att.rows) {
    assert.ok(r.joined_at >= t0 - 1 && r.joined_at <= t1 + 1);
    if (r.left_at) assert.ok(r.left_at >= r.joined_at && r.left_at <= t1 + 1);
  }
  const aRows = att.rows.filter((r) => r.user_id === a.me.id);
  assert.equal(aRows.length, 2, 'a left and rejoined: two intervals');
  assert.ok(aRows[0].left_at > 0 && aRows[1].left_at === 0);
  assert.equal(att.rows.find((r) => r.user_id === b.me.id).left_at > 0, true);
  assert.ok(names.includes(coord.me.name));
  assert.match(att.csv, /^name,role,user_id,joined \(Asia\/Seoul\),left \(Asia\/Seoul\),minutes\r\n/);
  await expectError(a, 'meeting.attendance', { meeting_id: m.id }, 'forbidden');

  const c2 = await connect();
  const { token } = await c2.call('auth.login', { email: 'coord14@moa.example', password: 'moa-demo-2025' });
  const csv = await get(`/attendance/${m.id}.csv?t=${token}`);
  assert.equal(csv.status, 200);
  assert.equal(csv.type, 'text/csv; charset=utf-8');
  assert.match(csv.disposition, /attendance-\d+\.csv/);
  const body = csv.text.replace(/^\uFEFF/, '');
  assert.equal(body.split('\r\n').filter(Boolean).length, 5);
  const seoulDay = seoul(t0).slice(0, 10);
  assert.ok(body.includes(`,${seoulDay} `), 'times in Seoul');
  const ta = await (await connect()).call('auth.login', { email: 'member14a@moa.example', password: 'moa-demo-2025' });
  assert.equal((await get(`/attendance/${m.id}.csv?t=${ta.token}`)).status, 403);
  assert.equal((await get(`/attendance/${m.id}.csv`)).status, 401);
  assert.equal((await get(`/attendance/${m.id}.csv?t=${'A'.repeat(43)}`)).status, 401);

  await expectError(coord, 'admin.activity', {}, 'forbidden');
  await expectError(admin, 'admin.activity', { from: seoul(now()), to: seoul(now() - 10) }, 'invalid_params');
  const act = await admin.call('admin.activity', { from: seoul(now() - 86400), to: seoul(now() + 60) });
  const c14 = act.consortia.find((c) => c.consortium_id === 14);
  assert.equal(c14.meetings_held, 1);
  assert.equal(c14.attendees, 3);
  assert.equal(act.consortia.length, 25);
});

test('a meeting that has ended leaves the upcoming list for past: true, where its host reads the attendance', async () => {
  const coord = await user('coord01@moa.example');
  const member = await user('member01b@moa.example');
  const outsider = await user('member02a@moa.example');
  const t0 = now();
  const m = await coord.call('meeting.create', { consortium_id: 1, title: '곧 끝나는 회의', starts_at: seoul(t0 - 60), ends_at: seoul(t0 + 2) });
  await member.call('room.join', { room_id: m.room_id });
  await member.call('room.leave', { room_id: m.room_id });
  const before = await member.call('meeting.list', {});
  assert.ok(before.meetings.some((x) => x.id === m.id), 'upcoming while it runs');
  assert.ok(!(await member.call('meeting.list', { past: true })).meetings.some((x) => x.id === m.id), 'not past yet');
  await sleep(3500);
  assert.ok(!(await member.call('meeting.list', {})).meetings.some((x) => x.id === m.id), 'no longer upcoming');
  const past = await coord.call('meeting.list', { past: true, limit: 5 });
  assert.equal(past.meetings[0].id, m.id, 'the most recently ended first');
  assert.equal(past.meetings[0].my_role, 'host');
  assert.ok((await member.call('meeting.list', { past: true })).meetings.some((x) => x.id === m.id), 'an invitee sees it too');
  assert.ok(!(await outsider.call('meeting.list', { past: true })).meetings.some((x) => x.id === m.id), 'not another consortium');
  const att = await coord.call('meeting.attendance', { meeting_id: past.meetings[0].id });
  assert.equal(att.rows.length, 1);
  assert.equal(att.rows[0].user_id, member.me.id);
  assert.ok(att.rows[0].left_at >= att.rows[0].joined_at && att.rows[0].left_at > 0);
  await expectError(coord, 'meeting.list', { past: 'yes' }, 'invalid_params');
});
