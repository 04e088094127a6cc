// Home: for a company account outside the consortia a word on what it has and how the rest opens;
// a partner search box (leading to #/partners?q=…, with example searches), my consortia,
// today's and upcoming meetings with their Seoul times and join links, unread conversations and a
// few suggested partners. Sections whose messages the server does not offer are left out rather
// than shown empty.
import { h } from '../dom.js';
import { pick, fmtNumber, fmtShort, getLang, regionName } from '../i18n.js';
import { conversationTitle } from '../chat.js';
import { conversations, listed as listedConversations, onChange as onUnreadChange } from '../unread.js';

const EXAMPLES = ['수소연료전지', '편광필름', '머신비전'];

export async function render(ctx) {
  const { rpc, t } = ctx;
  const user = rpc.user;
  ctx.setTitle(t('nav.home'));
  const q = h('input', { type: 'search', name: 'q', id: 'home-search', i18nAttr: { placeholder: 'home.searchPlaceholder' } });
  const searchForm = h('form', {
    class: 'search-hero', role: 'search',
    on: { submit: (e) => { e.preventDefault(); ctx.go(`#/partners?q=${encodeURIComponent(q.value.trim())}`); } },
  },
  h('label', { for: 'home-search', i18n: 'home.searchLabel' }),
  h('div', { class: 'row' }, q, h('button', { type: 'submit', class: 'primary', i18n: 'home.searchButton' })),
  // The directory is written in Korean, so the examples stay Korean in both languages.
  h('p', { class: 'examples' }, h('span', { i18n: 'home.searchExamples' }), ' ',
    EXAMPLES.map((x) => h('a', { href: `#/partners?q=${encodeURIComponent(x)}`, lang: 'ko', class: 'example' }, x))));

  const consortiaSec = h('section', { class: 'panel', 'aria-labelledby': 'h-cons' },
    h('h2', { id: 'h-cons', i18n: 'home.myConsortia' }), h('p', { class: 'loading', i18n: 'app.loading' }));
  const meetingsSec = h('section', { class: 'panel home-meetings', id: 'home-meetings', 'aria-labelledby': 'h-meet', hidden: true },
    h('h2', { id: 'h-meet', i18n: 'home.meetings' }));
  const unreadSec = h('section', { class: 'panel', 'aria-labelledby': 'h-unread', hidden: true },
    h('h2', { id: 'h-unread', i18n: 'home.unread' }));
  const suggestSec = h('section', { class: 'panel', 'aria-labelledby': 'h-sugg', hidden: true },
    h('h2', { id: 'h-sugg', i18n: 'home.suggestions' }));

  ctx.root.append(
    h('div', { class: 'page home' },
      h('header', { class: 'page-head' },
        h('h1', {}, t('home.hello', { name: user.name })),
        user.organization ? h('p', { class: 'sub' }, user.organization.name) : null),
      companyNotice(ctx),
      searchForm,
      h('div', { class: 'grid-2' },
        h('div', { class: 'col' }, meetingsSec, consortiaSec),
        h('div', { class: 'col' }, unreadSec, suggestSec))));

  loadConsortia(ctx, consortiaSec);
  loadMeetings(ctx, meetingsSec);
  showUnread(ctx, unreadSec);
  loadSuggestions(ctx, suggestSec);
  const offUnread = onUnreadChange(() => showUnread(ctx, unreadSec)); // kept current by unread.js
  ctx.cleanup(offUnread);
}

// A company account (its own sign-up) in no consortium yet: what it has, and how the rest opens.
function companyNotice(ctx) {
  const { t, rpc } = ctx;
  const user = rpc.user;
  if (user.kind !== 'company' || (user.consortia || []).length) return null;
  return h('section', { class: 'panel notice company-notice', id: 'company-notice', 'aria-labelledby': 'h-company' },
    h('h2', { id: 'h-company', i18n: 'home.companyTitle' }),
    h('p', {}, t('home.companyNote', { org: user.organization?.name ?? '' })),
    h('p', { class: 'row' },
      h('a', { class: 'button primary', href: '#/partners', i18n: 'home.companyPartners' }), ' ',
      user.organization ? h('a', { class: 'button', href: `#/org/${user.organization.id}`, i18n: 'home.companyProfile' }) : null));
}

async function loadConsortia(ctx, sec) {
  const { rpc, t } = ctx;
  let all = [];
  try {
    all = (await rpc.request('consortium.list')).consortia || [];
  } catch (e) {
    if (!ctx.alive) return;
    sec.lastChild.replaceWith(h('p', { class: 'error' }, ctx.errorText(e)));
    return;
  }
  if (!ctx.alive) return;
  const mine = all.filter((c) => c.my_role);
  if (mine.length && !(rpc.user.consortia || []).length) {
    // A company account a coordinator has just added: the notice no longer holds, and the
    // profile the app keeps from sign-in is refreshed.
    sec.closest('.home')?.querySelector('#company-notice')?.remove();
    rpc.refreshMe().catch(() => {});
  }
  const card = (c) => h('li', { class: 'card consortium-card' },
    h('a', { href: `#/consortium/${c.id}`, class: 'card-link' },
      h('span', { class: 'card-title' }, pick(c)),
      h('span', { class: 'card-meta' }, pick(c.sector), ' · ',
        (c.regions || []).map((r) => regionName(r.region)).join(' · ')),
      h('span', { class: 'card-meta' }, t('consortium.orgCount', { n: fmtNumber(c.organization_count ?? 0) }))),
    c.my_role ? h('span', { class: `role role-${c.my_role}` }, t(`role.${c.my_role}`)) : null);
  const body = [];
  if (mine.length) body.push(h('ul', { class: 'cards', id: 'my-consortia' }, mine.map(card)));
  else body.push(h('p', { class: 'empty', i18n: rpc.user.is_admin ? 'home.adminAll' : 'home.noConsortia' }));
  body.push(h('details', { class: 'all-consortia', open: !mine.length ? true : null },
    h('summary', {}, t('home.allConsortia', { n: all.length })),
    h('ul', { class: 'plain-list' }, all.map((c) => h('li', {},
      h('a', { href: `#/consortium/${c.id}` }, pick(c)),
      h('span', { class: 'muted' }, ` · ${pick(c.sector)} · ${regionName(c.lead_region)}`))))));
  sec.replaceChildren(sec.firstChild, ...body);
}

// Today's and upcoming meetings (meeting.list): each with its Seoul date and time, title,
// consortium and a join link to its room; an occurrence under way is marked as such. The list
// is re-read on meeting.invited / updated / cancelled and redrawn every minute (so "now" and
// "today" stay right without asking the server); a reminder shows a notice with a join link.
const UPCOMING = 5;
const fmtCache = new Map();
function seoulFmt(opts) {
  const key = getLang() + JSON.stringify(opts);
  if (!fmtCache.has(key)) {
    fmtCache.set(key, new Intl.DateTimeFormat(getLang() === 'en' ? 'en-GB' : 'ko-KR', { timeZone: 'Asia/Seoul', ...opts }));
  }
  return fmtCache.get(key);
}
const seoulDay = (sec) => seoulFmt({ year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(sec * 1000));
const seoulHm = (sec) => seoulFmt({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(sec * 1000));
const seoulDate = (sec) => seoulFmt({ month: 'long', day: 'numeric', weekday: 'short' }).format(new Date(sec * 1000));

// The occurrence of m that has not ended at now (seconds): {start, end}, or null.
function currentOccurrence(m, now) {
  const len = m.ends_at - m.starts_at;
  const starts = m.occurrences && m.occurrences.length ? m.occurrences : [m.next_starts_at ?? m.starts_at];
  const s = starts.find((x) => x + len > now);
  return s === undefined ? null : { start: s, end: s + len };
}

function loadMeetings(ctx, sec) {
  const { rpc, t } = ctx;
  const body = h('div', { class: 'meetings-body' }, h('p', { class: 'loading', i18n: 'app.loading' }));
  const notice = h('p', { class: 'notice', id: 'home-meeting-notice', role: 'status', hidden: true });
  sec.hidden = false;
  sec.append(notice, body, h('p', { class: 'more' }, h('a', { href: '#/meetings', id: 'home-all-meetings', i18n: 'home.allMeetings' })));
  let meetings = null;

  const item = (m, occ, now, today) => {
    const live = occ.start <= now;
    const when = `${seoulHm(occ.start)}–${seoulHm(occ.end)}`;
    return h('li', { class: ['meeting-row', live && 'live'], dataset: { meeting: String(m.id) } },
      h('div', { class: 'meeting-when' },
        today ? null : h('span', { class: 'meeting-day' }, seoulDate(occ.start)),
        h('time', { class: 'meeting-time', datetime: new Date(occ.start * 1000).toISOString() }, when),
        live ? h('span', { class: 'status status-accepted live-badge', i18n: 'home.meetingLive' }) : null),
      h('div', { class: 'meeting-what' },
        h('span', { class: 'meeting-title' }, m.title),
        h('span', { class: 'card-meta' }, pick(m.consortium))),
      h('a', { href: `#/room/${m.room_id}`, class: ['button', 'small', 'join-link', live && 'primary'] }, t('meetings.join')));
  };

  const draw = () => {
    if (!ctx.alive || !meetings) return;
    const now = Math.floor(Date.now() / 1000);
    const day = seoulDay(now);
    const rows = meetings.map((m) => ({ m, occ: currentOccurrence(m, now) }))
      .filter((x) => x.occ && x.m.status !== 'cancelled')
      .sort((a, b) => a.occ.start - b.occ.start);
    const today = rows.filter((x) => seoulDay(x.occ.start) === day || x.occ.start <= now);
    const later = rows.filter((x) => !today.includes(x)).slice(0, UPCOMING);
    const out = [];
    if (today.length) {
      out.push(h('h3', { id: 'h-meet-today', i18n: 'home.meetingsToday' }),
        h('ul', { class: 'meeting-rows', id: 'meetings-today' }, today.map((x) => item(x.m, x.occ, now, true))));
    }
    if (later.length) {
      out.push(h('h3', { id: 'h-meet-later', i18n: 'home.meetingsLater' }),
        h('ul', { class: 'meeting-rows', id: 'meetings-upcoming' }, later.map((x) => item(x.m, x.occ, now, false))));
    }
    if (!out.length) out.push(h('p', { class: 'empty', i18n: 'home.noMeetings' }));
    else out.push(h('p', { class: 'hint' }, t('home.meetingsSeoul')));
    body.replaceChildren(...out);
  };

  const refresh = async () => {
    try {
      const r = await rpc.request('meeting.list', { limit: 50 });
      meetings = r.meetings || [];
      draw();
    } catch (e) {
      if (ctx.alive && !meetings) body.replaceChildren(h('p', { class: 'error' }, ctx.errorText(e)));
    }
  };
  refresh();
  let timer = null;
  const soon = () => { clearTimeout(timer); timer = setTimeout(refresh, 150); };
  for (const ev of ['meeting.invited', 'meeting.updated', 'meeting.cancelled']) ctx.on(ev, soon);
  ctx.on('meeting.reminder', (m) => {
    notice.hidden = false;
    notice.replaceChildren(t('meetings.reminder', { title: m.title, min: Math.max(1, Math.round(m.starts_in_s / 60)) }), ' ',
      m.room_id ? h('a', { href: `#/room/${m.room_id}` }, t('meetings.join')) : null);
  });
  const tick = setInterval(draw, 60000);
  ctx.cleanup(() => { clearInterval(tick); clearTimeout(timer); });
  const onReconnect = () => refresh();
  rpc.addEventListener('reconnected', onReconnect);
  ctx.cleanup(() => rpc.removeEventListener('reconnected', onReconnect));
}

function showUnread(ctx, sec) {
  if (!ctx.alive || !listedConversations()) return;
  const list = conversations().filter((c) => c.unread > 0).slice(0, 8);
  sec.hidden = false;
  sec.replaceChildren(sec.firstChild, list.length
    ? h('ul', { class: 'list', id: 'unread-list' }, list.map((c) => h('li', { class: 'list-item' },
      h('a', { href: `#/inbox/${c.id}` }, conversationTitle(c)),
      h('span', { class: 'badge' }, String(c.unread)),
      c.last_message ? h('p', { class: 'preview' },
        c.last_message.author_name ? `${c.last_message.author_name}: ` : '', c.last_message.body,
        h('span', { class: 'muted' }, ` · ${fmtShort(c.last_message.created_at)}`)) : null)))
    : h('p', { class: 'empty', i18n: 'home.noUnread' }),
  h('p', {}, h('a', { href: '#/inbox', i18n: 'home.toInbox' })));
}

async function loadSuggestions(ctx, sec) {
  const org = ctx.rpc.user.organization;
  if (!org) return;
  let r;
  try { r = await ctx.rpc.optional('partner.suggest', { org_id: org.id, limit: 4 }); } catch { return; }
  if (!r || !ctx.alive || !(r.suggestions || []).length) return;
  sec.hidden = false;
  sec.replaceChildren(sec.firstChild, h('ul', { class: 'list' }, r.suggestions.map((s) => h('li', { class: 'list-item' },
    h('a', { href: `#/org/${s.org.id}` }, s.org.name),
    h('p', { class: 'preview wrap' }, pick(s, 'reason'))))),
  h('p', {}, h('a', { href: '#/partners?suggest=1', i18n: 'home.moreSuggestions' })));
}
