// A consortium: its sector, regions and industrial complexes, member organizations (searchable,
// paged), its people (for members), its rooms with who is in each right now and a way to open
// one, and its channel; for its coordinators, a way to add an organization from outside.
import { h, field, debounce } from '../dom.js';
import { pick, fmtNumber, getLang, t as tr, regionName } from '../i18n.js';
import { createChat } from '../chat.js';
import { renderRooms } from './rooms.js';
import { addOrgSection } from '../add_org.js';

const PAGE = 20;

export async function render(ctx) {
  const { rpc, t } = ctx;
  const id = Number(ctx.params.id);
  const c = await rpc.request('consortium.get', { consortium_id: id, limit: PAGE, offset: 0 });
  if (!ctx.alive) return;
  ctx.setTitle(pick(c));

  const head = h('header', { class: 'page-head' },
    h('p', { class: 'crumbs' }, h('a', { href: '#/home', i18n: 'nav.home' }), ' / ', t('consortium.label')),
    h('h1', {}, pick(c)),
    h('p', { class: 'sub' }, getLang() === 'en' ? c.name_ko : c.name_en),
    h('div', { class: 'chips' },
      h('span', { class: 'chip' }, t('consortium.sector'), ': ', pick(c.sector)),
      h('span', { class: 'chip' }, t('consortium.lead'), ': ', `${regionName(c.lead_region)} ${c.lead_complex ?? ''}`),
      h('span', { class: 'chip' }, t('consortium.orgCount', { n: fmtNumber(c.organization_total ?? c.organization_count ?? 0) })),
      c.my_role ? h('span', { class: `role role-${c.my_role}` }, t(`role.${c.my_role}`)) : null,
      c.active === false ? h('span', { class: 'chip warn', i18n: 'consortium.inactive' }) : null));

  const regions = h('section', { class: 'panel', 'aria-labelledby': 'h-regions' },
    h('h2', { id: 'h-regions', i18n: 'consortium.regions' }),
    h('ul', { class: 'regions' }, (c.regions || []).map((r) => h('li', {},
      h('strong', {}, regionName(r.region)), h('span', { class: 'muted' }, ` ${(r.complexes || []).join(', ')}`)))));

  const orgs = orgSection(ctx, c);
  const people = (c.people && c.people.length) ? h('section', { class: 'panel', 'aria-labelledby': 'h-people' },
    h('details', {},
      h('summary', {}, h('h2', { id: 'h-people', class: 'inline' }, t('consortium.people', { n: c.people.length }))),
      h('ul', { class: 'plain-list people' }, c.people.map((p) => h('li', {},
        h('span', { class: 'name' }, p.name),
        h('span', { class: `role role-${p.role}` }, t(`role.${p.role}`)),
        p.organization ? h('span', { class: 'muted' }, ` · ${p.organization.name}`) : null))))) : null;

  const roomsSec = h('section', { class: 'panel rooms-panel', 'aria-labelledby': 'h-rooms', hidden: true },
    h('h2', { id: 'h-rooms', i18n: 'rooms.title' }));
  const channelSec = h('section', { class: 'panel channel', 'aria-labelledby': 'h-channel', hidden: true },
    h('h2', { id: 'h-channel', i18n: 'consortium.channel' }));

  ctx.root.append(h('div', { class: 'page consortium' }, head,
    h('div', { class: 'grid-2' },
      h('div', { class: 'col' }, regions, orgs, people, addOrgSection(ctx, c)),
      h('div', { class: 'col' }, roomsSec, channelSec))));

  renderRooms(ctx, roomsSec, c);
  loadChannel(ctx, channelSec, c);
}

function orgSection(ctx, c) {
  const { rpc, t } = ctx;
  let offset = 0;
  let query = '';
  let total = c.organization_total ?? 0;
  const input = h('input', { type: 'search', id: 'org-filter', autocomplete: 'off', i18nAttr: { placeholder: 'consortium.orgSearchPlaceholder' } });
  const list = h('ul', { class: 'org-list', id: 'org-list' });
  const info = h('p', { class: 'muted', 'aria-live': 'polite' });
  const prev = h('button', { type: 'button', class: 'ghost', i18n: 'pager.prev', on: { click: () => load(offset - PAGE) } });
  const next = h('button', { type: 'button', class: 'ghost', i18n: 'pager.next', on: { click: () => load(offset + PAGE) } });

  function show(organizations) {
    list.replaceChildren(...organizations.map((o) => h('li', {},
      h('a', { href: `#/org/${o.id}` }, o.name),
      h('span', { class: 'muted' }, ' · ', tr(`kind.${o.kind}`), ' · ',
        regionName(o.region),
        o.complex ? ` ${typeof o.complex === 'object' ? pick(o.complex) : o.complex}` : ''))));
    if (!organizations.length) list.append(h('li', { class: 'empty', i18n: 'partners.none' }));
    info.textContent = total ? t('pager.range', { from: offset + 1, to: Math.min(offset + PAGE, total), total: fmtNumber(total) }) : '';
    prev.disabled = offset <= 0;
    next.disabled = offset + PAGE >= total;
  }

  async function load(off) {
    offset = Math.max(0, off);
    try {
      if (query) {
        const r = await rpc.request('partner.search', { query, consortium_id: c.id, limit: PAGE, offset });
        if (!ctx.alive) return;
        total = r.total;
        show(r.results || []);
      } else {
        const r = await rpc.request('consortium.get', { consortium_id: c.id, limit: PAGE, offset });
        if (!ctx.alive) return;
        total = r.organization_total;
        show(r.organizations || []);
      }
    } catch (e) {
      info.textContent = ctx.errorText(e);
    }
  }

  input.addEventListener('input', debounce(() => { query = input.value.trim(); load(0); }, 250));
  show(c.organizations || []);
  return h('section', { class: 'panel', 'aria-labelledby': 'h-orgs' },
    h('h2', { id: 'h-orgs', i18n: 'consortium.orgs' }),
    field('consortium.orgSearch', input).wrap,
    list, h('div', { class: 'pager' }, prev, info, next));
}

async function loadChannel(ctx, sec, c) {
  let r;
  try { r = await ctx.rpc.optional('chat.conversations', {}); } catch { return; }
  if (!r || !ctx.alive) return;
  const conv = (r.conversations || []).find((x) => x.kind === 'channel' && x.consortium_id === c.id);
  sec.hidden = false;
  if (!conv) {
    sec.append(h('p', { class: 'empty', i18n: 'consortium.channelMembersOnly' }));
    return;
  }
  sec.append(createChat(ctx, { conversationId: conv.id, className: 'embedded' }));
}
