// Activity (#/activity), for admins: per consortium over a period (Seoul dates; the last 30 days
// by default), the meetings scheduled and held, the people who attended, their minutes and the
// chat messages (admin.activity), with totals, sortable columns and a CSV download made in the
// page (no token in a URL). Consortia are evaluated on this; everyone else is told it is for
// admins.
import { h, field, statusLine, downloadText } from '../dom.js';
import { pick, fmtNumber } from '../i18n.js';

const COLUMNS = [
  { key: 'name', i18n: 'activity.consortium' },
  { key: 'meetings_scheduled', i18n: 'activity.scheduled', num: true },
  { key: 'meetings_held', i18n: 'activity.held', num: true },
  { key: 'attendees', i18n: 'activity.attendees', num: true },
  { key: 'attendance_minutes', i18n: 'activity.minutes', num: true },
  { key: 'messages', i18n: 'activity.messages', num: true },
];

// Today's date in Seoul as YYYY-MM-DD, days days from now.
function seoulDay(days = 0) {
  const d = new Date(Date.now() + days * 86400000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

// One CSV cell (RFC 4180), with the formula guard the server's attendance CSV uses.
function csvCell(v) {
  let s = String(v ?? '');
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export async function render(ctx) {
  const { rpc, t } = ctx;
  ctx.setTitle(t('activity.title'));
  const main = document.getElementById('main');
  const panel = h('section', { class: 'panel activity' }, h('h1', { i18n: 'activity.title' }));
  main.append(panel);
  if (!rpc.user?.is_admin) {
    panel.append(h('p', { class: 'notice', id: 'activity-forbidden', i18n: 'activity.adminsOnly' }),
      h('p', {}, h('a', { href: '#/home', i18n: 'nav.home' })));
    return;
  }

  const from = field('activity.from', h('input', { type: 'date', id: 'activity-from', value: seoulDay(-30), required: true }));
  const to = field('activity.to', h('input', { type: 'date', id: 'activity-to', value: seoulDay(0), required: true }));
  const status = statusLine();
  const period = h('p', { class: 'muted', id: 'activity-period' });
  const table = h('table', { class: 'activity-table', id: 'activity-table' });
  const download = h('button', { type: 'button', class: 'small', id: 'activity-csv', i18n: 'activity.csv', disabled: true });
  const form = h('form', { class: 'row activity-form', on: { submit: (e) => { e.preventDefault(); load(); } } },
    from.wrap, to.wrap, h('button', { type: 'submit', class: 'primary', i18n: 'activity.show' }), download);
  panel.append(h('p', { class: 'muted', i18n: 'activity.intro' }), form, status, period,
    h('div', { class: 'table-scroll' }, table));

  let rows = [];
  let sort = { key: 'meetings_held', desc: true };
  let last = null;

  function draw() {
    const sorted = [...rows].sort((a, b) => {
      const x = a[sort.key], y = b[sort.key];
      const c = typeof x === 'number' ? x - y : String(x).localeCompare(String(y), 'ko');
      return sort.desc ? -c : c;
    });
    const head = h('tr', {}, ...COLUMNS.map((c) => h('th', {
      scope: 'col', class: c.num ? 'num' : null,
      'aria-sort': sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : 'none',
    }, h('button', {
      type: 'button', class: 'link sort', dataset: { key: c.key },
      on: { click: () => { sort = { key: c.key, desc: sort.key === c.key ? !sort.desc : c.num }; draw(); } },
    }, t(c.i18n)))));
    const total = (k) => rows.reduce((s, r) => s + r[k], 0);
    table.replaceChildren(
      h('thead', {}, head),
      h('tbody', {}, ...sorted.map((r) => h('tr', { dataset: { consortium: String(r.consortium_id) } },
        h('th', { scope: 'row' }, h('a', { href: `#/consortium/${r.consortium_id}` }, r.name)),
        ...COLUMNS.slice(1).map((c) => h('td', { class: 'num', dataset: { col: c.key, label: t(c.i18n) } }, fmtNumber(r[c.key])))))),
      h('tfoot', {}, h('tr', { id: 'activity-total' }, h('th', { scope: 'row', i18n: 'activity.total' }),
        ...COLUMNS.slice(1).map((c) => h('td', { class: 'num', dataset: { col: c.key, label: t(c.i18n) } }, fmtNumber(total(c.key)))))));
  }

  async function load() {
    if (!from.input.value || !to.input.value || from.input.value > to.input.value) {
      status.textContent = t('activity.badPeriod');
      return;
    }
    status.textContent = t('activity.loading');
    download.disabled = true;
    try {
      const r = await rpc.request('admin.activity', { from: `${from.input.value}T00:00:00+09:00`, to: `${to.input.value}T23:59:59+09:00` });
      if (!ctx.alive) return;
      last = r;
      rows = r.consortia.map((c) => ({ ...c, name: pick(c) }));
      period.textContent = t('activity.period', { from: r.from_local.slice(0, 10), to: r.to_local.slice(0, 10) });
      status.textContent = '';
      download.disabled = !rows.length;
      draw();
    } catch (e) {
      if (ctx.alive) status.textContent = ctx.errorText(e);
    }
  }

  download.addEventListener('click', () => {
    if (!last) return;
    const lines = [COLUMNS.map((c) => csvCell(t(c.i18n))).join(',')];
    for (const r of rows) lines.push(COLUMNS.map((c) => csvCell(r[c.key])).join(','));
    downloadText(`moa-activity-${last.from_local.slice(0, 10)}-${last.to_local.slice(0, 10)}.csv`, `${lines.join('\r\n')}\r\n`);
  });
  ctx.onLang(() => {
    rows = rows.map((r) => ({ ...r, name: pick(r) }));
    if (last) period.textContent = t('activity.period', { from: last.from_local.slice(0, 10), to: last.to_local.slice(0, 10) });
    if (rows.length) draw();
  });
  await load();
}
