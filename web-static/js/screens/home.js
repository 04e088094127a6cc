// Home: my consortia, upcoming meetings (when the server schedules them), unread conversations,
// a partner search box and a few suggested partners. Sections whose messages the server does not
// offer yet are left out rather than shown empty.
import { h } from '../dom.js';
import { pick, fmtNumber, fmtShort, fmtDateTime } from '../i18n.js';
import { conversationTitle } from '../chat.js';

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
  h('div', { class: 'row' }, q, h('button', { type: 'submit', class: 'primary', i18n: 'home.searchButton' })));

  const consortiaSec = h('section', { class: 'panel', 'aria-labelledby': 'h-cons' },
    h('h2', { id: 'h-cons', i18n: 'home.myConsortia' }), h('p', { class: 'loading', i18n: 'app.loading' }));
  const meetingsSec = h('section', { class: 'panel', 'aria-labelledby': 'h-meet', hidden: true },
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
      searchForm,
      h('div', { class: 'grid-2' },
        h('div', { class: 'col' }, consortiaSec, meetingsSec),
        h('div', { class: 'col' }, unreadSec, suggestSec))));

  loadConsortia(ctx, consortiaSec);
  loadMeetings(ctx, meetingsSec);
  loadUnread(ctx, unreadSec);
  loadSuggestions(ctx, suggestSec);
  ctx.on('chat.message', () => loadUnread(ctx, unreadSec));
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
  const card = (c) => h('li', { class: 'card consortium-card' },
    h('a', { href: `#/consortium/${c.id}`, class: 'card-link' },
      h('span', { class: 'card-title' }, pick(c)),
      h('span', { class: 'card-meta' }, pick(c.sector), ' · ',
        (c.regions || []).map((r) => r.region).join(' · ')),
      h('span', { class: 'card-meta' }, t('consortium.orgCount', { n: fmtNumber(c.organization_count ?? 0) }))),
    c.my_role ? h('span', { class: `role role-${c.my_role}` }, t(`role.${c.my_role}`)) : null);
  const body = [];
  if (mine.length) body.push(h('ul', { class: 'cards', id: 'my-consortia' }, mine.map(card)));
  else body.push(h('p', { class: 'empty', i18n: rpc.user.is_admin ? 'home.adminAll' : 'home.noConsortia' }));
  body.push(h('details', { class: 'all-consortia', open: !mine.length ? true : null },
    h('summary', {}, t('home.allConsortia', { n: all.length })),
    h('ul', { class: 'plain-list' }, all.map((c) => h('li', {},
      h('a', { href: `#/consortium/${c.id}` }, pick(c)),
      h('span', { class: 'muted' }, ` · ${pick(c.sector)} · ${c.lead_region ?? ''}`))))));
  sec.replaceChildren(sec.firstChild, ...body);
}

async function loadMeetings(ctx, sec) {
  let r;
  try { r = await ctx.rpc.optional('meeting.upcoming', {}); } catch { return; }
  if (!r || !ctx.alive) return;
  const list = r.meetings || [];
  sec.hidden = false;
  sec.replaceChildren(sec.firstChild, list.length
    ? h('ul', { class: 'list' }, list.map((m) => h('li', { class: 'list-item' },
      h('a', { href: m.room_id ? `#/room/${m.room_id}` : `#/consortium/${m.consortium_id}` }, m.title),
      h('span', { class: 'muted' }, ` ${fmtDateTime(m.starts_at)}`))))
    : h('p', { class: 'empty', i18n: 'home.noMeetings' }));
}

async function loadUnread(ctx, sec) {
  let r;
  try { r = await ctx.rpc.optional('chat.conversations', {}); } catch { return; }
  if (!r || !ctx.alive) return;
  const list = (r.conversations || []).filter((c) => c.unread > 0).slice(0, 8);
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
    h('p', { class: 'preview' }, pick(s, 'reason'))))),
  h('p', {}, h('a', { href: '#/partners?suggest=1', i18n: 'home.moreSuggestions' })));
}
