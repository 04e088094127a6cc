// Meetings (#/meetings): my upcoming meetings (meeting.list) with their Seoul times, a join link
// to each meeting's room, the .ics download and my private calendar feed URL (calendar.feed /
// calendar.revoke); for coordinators (and admins) a form that schedules a meeting of their
// consortium with agenda rows (meeting.create). Changes arrive live (meeting.invited / updated /
// cancelled) and refresh the list; meeting.reminder shows a notice. The meeting's hosts and
// co-hosts make its guest links under it (guest_links.js) and read its attendance (attendance.js),
// also for past meetings (meeting.list past: true), listed on demand. Every invitee opens the
// meeting's recordings (recording.js): play, download, and for hosts delete.
import { h, field, nextId } from '../dom.js';
import { createGuestLinks } from '../guest_links.js';
import { attendanceButton } from '../attendance.js';
import { recordingsButton } from '../recording.js';

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
      recordingsButton(ctx, m),
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
        isHost(m) ? attendanceButton(ctx, m) : null, recordingsButton(ctx, m))));
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
  const count = h('input', { type: 'number', min: 2, max: 52, id: 'meeting-count' });
  const capacity = h('input', { type: 'number', min: 1, max: 1000, id: 'meeting-capacity' });
  // Defaults as the inputs' value attributes, so that form.reset() after a meeting is made
  // brings them back (a value property alone resets to empty, and the next submit sent 0).
  count.defaultValue = '4';
  capacity.defaultValue = '100';
  const mode = h('select', { id: 'meeting-mode' }, h('option', { value: 'meeting', i18n: 'meetings.mode.meeting' }), h('option', { value: 'event', i18n: 'meetings.mode.event' }));
  const lobby = h('input', { type: 'checkbox', id: 'meeting-lobby' });
  const rows = h('tbody', { id: 'agenda-rows' });
  // The agenda's table (its header) shows only once it has a row: no header floating alone.
  const agendaTable = h('table', { class: 'agenda-form', hidden: true },
    h('thead', {}, h('tr', {}, ...['start', 'minutes', 'item', 'speaker', 'press'].map((k) => h('th', { i18n: `meetings.seg.${k}` })))), rows);
  const addRow = () => (agendaTable.hidden = false) || rows.append(h('tr', {},
    h('td', {}, h('input', { type: 'time', class: 'seg-start', required: true })),
    h('td', {}, h('input', { type: 'number', class: 'seg-minutes', min: 1, max: 1440, required: true })),
    h('td', {}, h('input', { type: 'text', class: 'seg-item', maxlength: 400, required: true })),
    h('td', {}, h('input', { type: 'text', class: 'seg-speaker', maxlength: 200 })),
    h('td', {}, h('input', { type: 'checkbox', class: 'seg-press' }))));
  const status = h('p', { class: 'form-error', role: 'alert' });
  // The server's invalid_params message names the parameter ("capacity" must be ...): it is
  // shown as is next to that field (the field is marked invalid and focused), or under the form
  // when it names none of them.
  const fieldOf = (msg) => {
    const m = /agenda\[(\d+)\]/.exec(msg);
    if (m) return rows.children[Number(m[1])]?.querySelector('input') || null;
    const keys = [['recurrence_count', count], ['recurrence', recurrence], ['capacity', capacity], ['starts_at', start],
      ['ends_at', end], ['title', title], ['description', desc], ['mode', mode], ['monthly', start],
      ['must end after', end], ['at most 24 hours', end]];
    for (const [k, input] of keys) if (msg.includes(k)) return input;
    return null;
  };
  const clearErrors = () => {
    for (const el of form.querySelectorAll('.field-error')) el.remove();
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  };
  const showError = (err) => {
    const input = err.code === 'invalid_params' ? fieldOf(err.message || '') : null;
    if (!input) {
      status.textContent = err.code === 'invalid_params' && err.message ? `${ctx.errorText(err)} ${err.message}` : ctx.errorText(err);
      return;
    }
    const note = h('small', { class: 'field-error', role: 'alert', id: nextId('err') }, err.message);
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', note.id);
    (input.closest('.field') || input.parentElement).append(note);
    status.textContent = ctx.errorText(err);
    input.focus();
  };
  const form = h('form', { class: 'meeting-create', on: { submit: async (e) => {
    e.preventDefault();
    status.textContent = '';
    clearErrors();
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
      agendaTable.hidden = true;
      done();
    } catch (err) { showError(err); }
  } } },
  field('meetings.consortium', consortium).wrap, field('meetings.name', title).wrap, field('meetings.description', desc).wrap,
  field('meetings.start', start, 'meetings.seoulHint').wrap, field('meetings.end', end).wrap,
  field('meetings.recurrence', recurrence).wrap, field('meetings.count', count).wrap,
  field('meetings.capacity', capacity).wrap, field('meetings.modeLabel', mode).wrap, checkField('meetings.lobby', lobby),
  agendaTable,
  h('button', { type: 'button', i18n: 'meetings.addSegment', on: { click: addRow } }),
  status, h('button', { type: 'submit', class: 'primary', i18n: 'meetings.create' }));
  return form;
}

// A checkbox with its label beside it (not a label above a lone box as for other fields).
function checkField(labelKey, input) {
  return h('div', { class: 'field check' }, input, h('label', { for: input.id, i18n: labelKey }));
}
