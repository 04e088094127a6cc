// Meetings (#/meetings): my upcoming meetings (meeting.list) with their Seoul times, a join link
// to each meeting's room, the .ics download and my private calendar feed URL (calendar.feed /
// calendar.revoke); for coordinators (and admins) a form that schedules a meeting of their
// consortium with agenda rows (meeting.create). Changes arrive live (meeting.invited / updated /
// cancelled) and refresh the list; meeting.reminder shows a notice. The meeting's hosts and
// co-hosts make its guest links under it (guest_links.js) and read its attendance (attendance.js),
// also for past meetings (meeting.list past: true), listed on demand.
import { h, field } from '../dom.js';
import { createGuestLinks } from '../guest_links.js';
import { attendanceButton } from '../attendance.js';

export async function render(ctx) {
  const { rpc, t } = ctx;
  ctx.setTitle(t('meetings.title'));
  const main = document.getElementById('main');
  const list = h('ul', { class: 'meetings', id: 'meeting-list' });
  const feedBox = h('p', { class: 'feed', id: 'calendar-feed' });
  const notice = h('p', { class: 'notice', role: 'status', id: 'meeting-notice' });
  const pastList = h('ul', { class: 'meetings past', id: 'past-meetings' });
  const pastBtn = h('button', { type: 'button', class: 'small', id: 'show-past', i18n: 'meetings.showPast' });
  main.append(h('section', { class: 'panel' }, h('h1', { i18n: 'meetings.title' }), notice, list),
    h('section', { class: 'panel' }, h('h2', { i18n: 'meetings.past' }), pastBtn, pastList),
    h('section', { class: 'panel' }, h('h2', { i18n: 'meetings.feed' }), feedBox));

  const icsHref = (m) => `${m.ics_path}?t=${encodeURIComponent(rpc.token || '')}`;
  // Guest-link panels by meeting id: kept across refreshes (an open form, a link shown once).
  const guestPanels = new Map();
  const isHost = (m) => m.my_role === 'host' || m.my_role === 'cohost';
  const guestPanel = (m) => {
    if (!isHost(m)) return null;
    let panel = guestPanels.get(m.id);
    if (panel) panel.update(m);
    else guestPanels.set(m.id, panel = createGuestLinks(ctx, m, () => refresh()));
    return panel.el;
  };
  function show(meetings) {
    list.replaceChildren(...meetings.map((m) => h('li', { class: 'meeting-item', dataset: { meeting: String(m.id) } },
      h('div', { class: 'meeting-main' },
        h('strong', { class: 'meeting-title' }, m.title),
        h('p', { class: 'muted' }, `${m.next_starts_local.slice(0, 16).replace('T', ' ')} – ${m.ends_local.slice(11, 16)} (${t('meetings.seoul')})`),
        m.recurrence !== 'none' ? h('p', { class: 'muted' }, t(`meetings.${m.recurrence}`, { n: m.recurrence_count })) : null,
        m.agenda.length ? h('ol', { class: 'agenda' }, ...m.agenda.map((s) => h('li', {}, `${s.start} (${s.minutes}′) ${s.item}${s.speaker ? ` — ${s.speaker}` : ''}`))) : null),
      h('a', { href: `#/room/${m.room_id}`, class: 'button primary small' }, t('meetings.join')),
      h('a', { href: icsHref(m), class: 'button small', download: `meeting-${m.id}.ics` }, t('meetings.ics')),
      isHost(m) ? attendanceButton(ctx, m) : null,
      guestPanel(m))));
    if (!meetings.length) list.append(h('li', { class: 'empty', i18n: 'meetings.none' }));
  }
  // Past meetings, on demand: date and title, and for their hosts the attendance.
  pastBtn.addEventListener('click', async () => {
    pastBtn.disabled = true;
    try {
      const r = await rpc.request('meeting.list', { past: true, limit: 20 });
      if (!ctx.alive) return;
      pastBtn.hidden = true;
      pastList.replaceChildren(...r.meetings.map((m) => h('li', { class: 'meeting-item', dataset: { meeting: String(m.id) } },
        h('div', { class: 'meeting-main' }, h('strong', { class: 'meeting-title' }, m.title),
          h('p', { class: 'muted' }, `${m.starts_local.slice(0, 16).replace('T', ' ')} – ${m.ends_local.slice(11, 16)} (${t('meetings.seoul')})`)),
        isHost(m) ? attendanceButton(ctx, m) : null)));
      if (!r.meetings.length) pastList.append(h('li', { class: 'empty', i18n: 'meetings.nonePast' }));
    } catch (e) {
      pastBtn.disabled = false;
      notice.textContent = ctx.errorText(e);
    }
  });
  let shown = [];
  const refresh = async () => {
    try {
      const r = await rpc.request('meeting.list', {});
      if (ctx.alive) show(shown = r.meetings || []);
    } catch (e) { if (ctx.alive) notice.textContent = ctx.errorText(e); }
  };
  await refresh();
  // A language switch re-says the list in place (instead of a new screen): a guest link's
  // address, shown once, and the forms being filled in stay.
  ctx.onLang(() => { ctx.setTitle(t('meetings.title')); show(shown); });
  for (const ev of ['meeting.invited', 'meeting.updated', 'meeting.cancelled']) ctx.on(ev, refresh);
  ctx.on('meeting.reminder', (m) => { notice.textContent = t('meetings.reminder', { title: m.title, min: Math.round(m.starts_in_s / 60) }); });

  async function showFeed(revoke) {
    try {
      if (revoke) await rpc.request('calendar.revoke', {});
      const f = await rpc.request('calendar.feed', {});
      const url = location.origin + f.url;
      feedBox.replaceChildren(h('code', { id: 'feed-url' }, url), ' ',
        h('button', { type: 'button', class: 'small', i18n: 'meetings.revoke', on: { click: () => showFeed(true) } }));
    } catch (e) { feedBox.textContent = ctx.errorText(e); }
  }
  feedBox.append(h('button', { type: 'button', class: 'small', i18n: 'meetings.showFeed', on: { click: () => showFeed(false) } }));

  const mine = (rpc.user.consortia || []).filter((c) => c.role === 'coordinator' || rpc.user.is_admin);
  if (mine.length) main.append(h('section', { class: 'panel' }, h('h2', { i18n: 'meetings.schedule' }), scheduleForm(ctx, mine, refresh)));
}

// "YYYY-MM-DDTHH:MM" of a datetime-local input, read as Seoul time.
const seoulIso = (v) => (v ? `${v}:00+09:00` : '');

function scheduleForm(ctx, consortia, done) {
  const { rpc, t } = ctx;
  const consortium = h('select', {}, ...consortia.map((c) => h('option', { value: String(c.id) }, c.name_ko)));
  const title = h('input', { type: 'text', maxlength: 100, required: true, id: 'meeting-title' });
  const desc = h('textarea', { maxlength: 4000, id: 'meeting-description' });
  const start = h('input', { type: 'datetime-local', required: true, id: 'meeting-start' });
  const end = h('input', { type: 'datetime-local', required: true, id: 'meeting-end' });
  const recurrence = h('select', { id: 'meeting-recurrence' }, ...['none', 'weekly', 'monthly'].map((r) => h('option', { value: r, i18n: `meetings.rec.${r}` })));
  const count = h('input', { type: 'number', min: 2, max: 52, value: '4', id: 'meeting-count' });
  const capacity = h('input', { type: 'number', min: 1, max: 1000, value: '100', id: 'meeting-capacity' });
  const mode = h('select', { id: 'meeting-mode' }, h('option', { value: 'meeting', i18n: 'meetings.mode.meeting' }), h('option', { value: 'event', i18n: 'meetings.mode.event' }));
  const lobby = h('input', { type: 'checkbox', id: 'meeting-lobby' });
  const rows = h('tbody', { id: 'agenda-rows' });
  const addRow = () => rows.append(h('tr', {},
    h('td', {}, h('input', { type: 'time', class: 'seg-start', required: true })),
    h('td', {}, h('input', { type: 'number', class: 'seg-minutes', min: 1, max: 1440, required: true })),
    h('td', {}, h('input', { type: 'text', class: 'seg-item', maxlength: 400, required: true })),
    h('td', {}, h('input', { type: 'text', class: 'seg-speaker', maxlength: 200 })),
    h('td', {}, h('input', { type: 'checkbox', class: 'seg-press' }))));
  const status = h('p', { class: 'form-error', role: 'alert' });
  const form = h('form', { class: 'meeting-create', on: { submit: async (e) => {
    e.preventDefault();
    status.textContent = '';
    const agenda = [...rows.children].map((tr) => ({
      start: tr.querySelector('.seg-start').value, minutes: Number(tr.querySelector('.seg-minutes').value),
      item: tr.querySelector('.seg-item').value.trim(), speaker: tr.querySelector('.seg-speaker').value.trim(),
      press_open: tr.querySelector('.seg-press').checked,
    })).filter((s) => s.item);
    const spec = {
      consortium_id: Number(consortium.value), title: title.value.trim(), description: desc.value.trim(),
      starts_at: seoulIso(start.value), ends_at: seoulIso(end.value), capacity: Number(capacity.value),
      mode: mode.value, lobby: lobby.checked, agenda,
    };
    if (recurrence.value !== 'none') Object.assign(spec, { recurrence: recurrence.value, recurrence_count: Number(count.value) });
    try {
      await rpc.request('meeting.create', spec);
      form.reset();
      rows.replaceChildren();
      done();
    } catch (err) { status.textContent = ctx.errorText(err); }
  } } },
  field('meetings.consortium', consortium).wrap, field('meetings.name', title).wrap, field('meetings.description', desc).wrap,
  field('meetings.start', start, 'meetings.seoulHint').wrap, field('meetings.end', end).wrap,
  field('meetings.recurrence', recurrence).wrap, field('meetings.count', count).wrap,
  field('meetings.capacity', capacity).wrap, field('meetings.modeLabel', mode).wrap, field('meetings.lobby', lobby).wrap,
  h('table', { class: 'agenda-form' }, h('thead', {}, h('tr', {}, ...['start', 'minutes', 'item', 'speaker', 'press'].map((k) => h('th', { i18n: `meetings.seg.${k}` })))), rows),
  h('button', { type: 'button', i18n: 'meetings.addSegment', on: { click: addRow } }),
  status, h('button', { type: 'submit', class: 'primary', i18n: 'meetings.create' }));
  return form;
}
