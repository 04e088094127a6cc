// A meeting's attendance for its hosts and co-hosts (meeting.attendance): who joined and left
// when, in Seoul time, with minutes, and the CSV the server writes, downloaded from the page (a
// Blob: no session token in a URL). Used by the meetings screen, for past meetings and the ones
// still to come or under way.
import { h, downloadText } from './dom.js';
import { t } from './i18n.js';

// ctx: the screen's context; m: the meeting object. Returns an element: a button that loads and
// shows the table.
export function attendanceButton(ctx, m) {
  const box = h('div', { class: 'attendance', dataset: { meeting: String(m.id) } });
  const status = h('p', { class: 'form-error', role: 'alert' });
  const show = h('button', { type: 'button', class: 'small att-show', i18n: 'attendance.show' });
  show.addEventListener('click', async () => {
    status.textContent = '';
    show.disabled = true;
    try {
      const r = await ctx.rpc.request('meeting.attendance', { meeting_id: m.id });
      if (ctx.alive) box.replaceChildren(table(r, m), status);
    } catch (e) {
      status.textContent = ctx.errorText(e);
      show.disabled = false;
    }
  });
  box.append(show, status);
  return box;
}

const hm = (local) => (local ? local.slice(0, 16).replace('T', ' ') : '');
// The role's name in the page's language (the protocol's word when there is none).
function roleName(role) {
  const key = `attendance.role.${role}`;
  const s = t(key);
  return s === key ? role : s;
}

function table(r, m) {
  const download = h('button', { type: 'button', class: 'small att-csv', i18n: 'attendance.csv' });
  download.addEventListener('click', () => downloadText(`attendance-${m.id}.csv`, r.csv));
  const people = new Set(r.rows.map((x) => x.user_id || x.name)).size;
  return h('div', { class: 'att-result' },
    h('p', { class: 'muted att-summary' }, t('attendance.summary', { people, rows: r.rows.length })),
    r.rows.length ? h('div', { class: 'table-scroll' }, h('table', { class: 'att-table' },
      h('thead', {}, h('tr', {}, ...['name', 'role', 'joined', 'left', 'minutes'].map((k) => h('th', { scope: 'col', i18n: `attendance.${k}` })))),
      h('tbody', {}, ...r.rows.map((x) => h('tr', {},
        h('td', {}, x.name), h('td', {}, roleName(x.role)),
        h('td', {}, hm(x.joined_local)), h('td', {}, x.left_at ? hm(x.left_local) : t('attendance.inside')),
        h('td', { class: 'num' }, String(x.minutes))))))) : null,
    h('p', { class: 'muted' }, t('attendance.seoul')), download);
}
