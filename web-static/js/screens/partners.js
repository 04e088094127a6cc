// Partner search: free text (Korean or English) with filters whose options carry counts (facets
// of partner.search), ranked results with paging, and suggestions for the person's organization
// (partner.suggest). The search state lives in the hash (#/partners?q=수소&region_id=3) so
// reload, back and links keep it.
import { h, field, nextId } from '../dom.js';
import { pick, fmtNumber, t as tr, regionName } from '../i18n.js';

const PAGE = 20;
const FILTERS = [
  // [query key, facet name, param type]
  ['sector_id', 'sector', 'id'],
  ['consortium_id', 'consortium', 'id'],
  ['region_id', 'region', 'id'],
  ['kind', 'kind', 'value'],
  ['size', 'size', 'value'],
  ['exports', 'exports', 'bool'],
];

function facetLabel(name, f) {
  if (name === 'kind') return tr(`kind.${f.value}`);
  if (name === 'size') return tr(`size.${f.value}`);
  if (name === 'exports') return tr(f.value ? 'partners.exportsYes' : 'partners.exportsNo');
  if (name === 'region') return regionName(f.name);
  return f.name;
}

export async function render(ctx) {
  const { rpc, t, query } = ctx;
  ctx.setTitle(t('nav.partners'));
  const params = {};
  const text = (query.get('q') || '').trim();
  if (text) params.query = text;
  for (const [key, , type] of FILTERS) {
    const v = query.get(key);
    if (v === null || v === '') continue;
    params[key] = type === 'id' ? Number(v) : type === 'bool' ? v === 'true' : v;
  }
  const offset = Math.max(0, Number(query.get('offset')) || 0);

  const setQuery = (changes) => {
    const q = new URLSearchParams(query);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null || v === '' || v === undefined) q.delete(k);
      else q.set(k, v);
    }
    if (!('offset' in changes)) q.delete('offset');
    ctx.go(`#/partners?${q.toString()}`);
  };

  const input = h('input', { type: 'search', id: 'partner-q', name: 'q', value: text, autocomplete: 'off', i18nAttr: { placeholder: 'home.searchPlaceholder' } });
  const form = h('form', { class: 'search-bar', role: 'search', on: { submit: (e) => { e.preventDefault(); setQuery({ q: input.value.trim() }); } } },
    h('label', { for: 'partner-q', class: 'visually-hidden', i18n: 'home.searchLabel' }),
    input, h('button', { type: 'submit', class: 'primary', i18n: 'home.searchButton' }));

  const filters = h('div', { class: 'filters', id: 'filters' });
  // Open beside the results on wide screens; folded on phones (where the active filters show as
  // chips above the results), following the width when it changes.
  const nActive = FILTERS.filter(([key]) => key in params).length;
  const wide = window.matchMedia('(min-width: 800px)');
  const details = h('details', { class: 'filter-details', open: wide.matches ? true : null },
    h('summary', {}, h('h2', { id: 'h-filters', class: 'inline', i18n: 'partners.filters' }),
      nActive ? h('span', { class: 'count-pill' }, t('partners.activeCount', { n: nActive })) : null),
    filters);
  const onWidth = () => { details.open = wide.matches; };
  wide.addEventListener('change', onWidth);
  ctx.cleanup(() => wide.removeEventListener('change', onWidth));
  const results = h('section', { class: 'results', 'aria-labelledby': 'h-results' },
    h('h2', { id: 'h-results', class: 'visually-hidden', i18n: 'partners.results' }),
    h('p', { class: 'loading', i18n: 'app.loading' }));
  const suggest = h('section', { class: 'panel suggestions', 'aria-labelledby': 'h-suggest', hidden: true },
    h('h2', { id: 'h-suggest', i18n: 'partners.suggestions' }));

  ctx.root.append(h('div', { class: 'page partners' },
    h('header', { class: 'page-head' }, h('h1', { i18n: 'partners.title' }), h('p', { class: 'sub', i18n: 'partners.lead' })),
    form,
    h('div', { class: 'search-layout' },
      h('aside', { class: 'panel filter-panel', 'aria-labelledby': 'h-filters' },
        details),
      h('div', { class: 'col' }, results, suggest))));

  loadSuggestions(ctx, suggest);

  let r;
  try {
    r = await rpc.request('partner.search', { ...params, limit: PAGE, offset });
  } catch (e) {
    if (!ctx.alive) return;
    results.replaceChildren(h('p', { class: 'error', role: 'alert' }, ctx.errorText(e)));
    return;
  }
  if (!ctx.alive) return;

  // Filters: one select per facet, each option with its count.
  const facets = r.facets || {};
  for (const [key, name, type] of FILTERS) {
    const values = facets[name] || [];
    const current = query.get(key);
    const sel = h('select', { id: nextId('flt'), name: key, dataset: { filter: key } },
      h('option', { value: '' }, t('partners.any')),
      values.map((f) => {
        const v = type === 'id' ? String(f.id) : String(f.value);
        return h('option', { value: v, selected: v === current }, `${facetLabel(name, f)} (${fmtNumber(f.count)})`);
      }));
    if (current && ![...sel.options].some((o) => o.value === current)) {
      sel.append(h('option', { value: current, selected: true }, current));
    }
    sel.addEventListener('change', () => setQuery({ [key]: sel.value }));
    filters.append(field(`partners.facet.${name}`, sel).wrap);
  }
  if (Object.keys(params).some((k) => k !== 'query')) {
    filters.append(h('button', { type: 'button', class: 'ghost', i18n: 'partners.clear',
      on: { click: () => ctx.go(`#/partners${text ? `?q=${encodeURIComponent(text)}` : ''}`) } }));
  }

  // The filters in force, each with a button that removes it (on phones the filter panel is
  // folded away, so this is where one sees what narrows the results).
  const active = FILTERS.filter(([key]) => query.get(key)).map(([key, name, type]) => {
    const v = query.get(key);
    const f = (facets[name] || []).find((x) => String(type === 'id' ? x.id : x.value) === v);
    // A yes/no filter says it all by its value ("수출함"); the others read "지역: 강원".
    const label = type === 'bool' ? facetLabel(name, { value: v === 'true' })
      : `${t(`partners.facet.${name}`)}: ${f ? facetLabel(name, f) : v}`;
    return h('li', { class: 'chip active-filter' }, h('span', { class: 'chip-label' }, label),
      h('button', { type: 'button', class: 'chip-remove', 'aria-label': t('partners.removeFilter', { name: label }),
        on: { click: () => setQuery({ [key]: null }) } }, '×'));
  });
  const terms = text.toLowerCase().split(/\s+/).filter(Boolean).slice(0, 4);
  const list = (r.results || []).map((o) => orgCard(o, null, terms));
  const total = r.total ?? 0;
  results.replaceChildren(...[results.firstChild,
    h('p', { class: 'result-count', id: 'result-count', 'aria-live': 'polite' },
      text ? t('partners.countFor', { n: fmtNumber(total), q: text }) : t('partners.count', { n: fmtNumber(total) })),
    active.length ? h('ul', { class: 'active-filters', id: 'active-filters', 'aria-label': t('partners.activeFilters') }, active) : null,
    list.length ? h('ul', { class: 'cards result-list', id: 'results' }, list) : h('p', { class: 'empty', i18n: 'partners.none' }),
    total > PAGE ? h('nav', { class: 'pager', 'aria-label': t('pager.label') },
      h('button', { type: 'button', class: 'ghost', disabled: offset <= 0, i18n: 'pager.prev', on: { click: () => setQuery({ offset: String(Math.max(0, offset - PAGE)) }) } }),
      h('span', { class: 'muted' }, t('pager.range', { from: offset + 1, to: Math.min(offset + PAGE, total), total: fmtNumber(total) })),
      h('button', { type: 'button', class: 'ghost', disabled: offset + PAGE >= total, i18n: 'pager.next', on: { click: () => setQuery({ offset: String(offset + PAGE) }) } })) : null,
  ].filter(Boolean));
}

// A result card. terms (lower-case search terms) are marked where they occur in the name, the
// capabilities and, when only found there, the keywords.
export function orgCard(o, extra, terms = []) {
  const found = (x) => terms.some((w) => String(x || '').toLowerCase().includes(w));
  const keywordsOnly = terms.length && found(o.keywords) && !found(o.name) && !found(o.capabilities);
  return h('li', { class: 'card org-card', dataset: { org: String(o.id) } },
    h('a', { href: `#/org/${o.id}`, class: 'card-link' },
      h('span', { class: 'card-title' }, marked(o.name, terms)),
      o.name_en ? h('span', { class: 'card-sub' }, marked(o.name_en, terms)) : null,
      h('span', { class: 'card-meta' },
        tr(`kind.${o.kind}`),
        o.sector ? ` · ${pick(o.sector)}` : '',
        o.region ? ` · ${regionName(o.region)}` : '',
        o.complex ? ` ${pick(o.complex)}` : ''),
      o.capabilities ? h('span', { class: 'card-text' }, marked(o.capabilities, terms)) : null,
      keywordsOnly ? h('span', { class: 'card-keywords' }, tr('org.keywords'), ': ', marked(o.keywords, terms)) : null),
    h('div', { class: 'tags' },
      o.size ? h('span', { class: 'chip' }, tr(`size.${o.size}`)) : null,
      o.exports ? h('span', { class: 'chip', i18n: 'partners.exporter' }) : null,
      (o.consortia || []).slice(0, 2).map((c) => h('span', { class: 'chip' }, pick(c)))),
    extra || null);
}

// text split into strings and <mark>s around each occurrence of a term (case-insensitive).
function marked(text, terms) {
  const s = String(text ?? '');
  const lower = s.toLowerCase();
  if (!terms.length || lower.length !== s.length) return s;
  const out = [];
  let i = 0;
  for (;;) {
    let at = -1, len = 0;
    for (const w of terms) {
      const j = lower.indexOf(w, i);
      if (j >= 0 && (at < 0 || j < at || (j === at && w.length > len))) { at = j; len = w.length; }
    }
    if (at < 0) break;
    if (at > i) out.push(s.slice(i, at));
    out.push(h('mark', {}, s.slice(at, at + len)));
    i = at + len;
  }
  if (i < s.length) out.push(s.slice(i));
  return out;
}

async function loadSuggestions(ctx, sec) {
  if (!ctx.rpc.user.organization) return;
  let r;
  try { r = await ctx.rpc.request('partner.suggest', { limit: 6 }); } catch { return; }
  if (!ctx.alive || !(r.suggestions || []).length) return;
  sec.hidden = false;
  sec.append(h('p', { class: 'muted' }, ctx.t('partners.suggestLead', { org: ctx.rpc.user.organization.name })),
    h('ul', { class: 'cards', id: 'suggestions' }, r.suggestions.map((s) => orgCard(s.org,
      h('p', { class: 'reason' }, pick(s, 'reason'))))));
}
